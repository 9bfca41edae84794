/* SPDX-License-Identifier: GPL-2.0 */
/* A mirror session's per-CPU counters, summed, for the suites that check them. */
#ifndef _NBLCLONE_TEST_SESSION_STATS_H
#define _NBLCLONE_TEST_SESSION_STATS_H

#include <linux/percpu.h>
#include <linux/stddef.h>

#include "mirror.h"

/* The counter at @off in struct nblc_session_pcpu, over every CPU. */
static inline unsigned long nblt_session_stat(struct nblc_session *s,
					      size_t off)
{
	unsigned long sum = 0;
	int cpu;

	for_each_possible_cpu(cpu)
		sum += *(unsigned long *)((char *)per_cpu_ptr(s->stats, cpu) + off);
	return sum;
}

#define NBLT_SSTAT(s, field) \
	nblt_session_stat(s, offsetof(struct nblc_session_pcpu, field))

#endif /* _NBLCLONE_TEST_SESSION_STATS_H */
