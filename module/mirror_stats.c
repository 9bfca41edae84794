// SPDX-License-Identifier: GPL-2.0
/*
 * Reading and resetting the per-CPU counters of sessions and targets.
 * Sums taken while packets flow are snapshots; at a quiescent point they
 * are exact.
 */
#include <linux/percpu.h>
#include <linux/rtnetlink.h>
#include <kunit/visibility.h>

#include "mirror.h"

/**
 * nblc_tx_stats_sum() - sum the per-CPU transmit counters
 * @pcpu: a target's counters, or a session's summed ones
 * @st: the sums
 */
void nblc_tx_stats_sum(struct nblc_tx_pcpu __percpu *pcpu,
		       struct nblc_tx_stats *st)
{
	unsigned int i;
	int cpu;

	memset(st, 0, sizeof(*st));
	for_each_possible_cpu(cpu) {
		const struct nblc_tx_pcpu *p = per_cpu_ptr(pcpu, cpu);

		st->packets += READ_ONCE(p->packets);
		st->bytes += READ_ONCE(p->bytes);
		st->bytes_copied += READ_ONCE(p->bytes_copied);
		for (i = 0; i < NBLC_NR_DROPS; i++)
			st->drops[i] += READ_ONCE(p->drops[i]);
		st->in_flight += READ_ONCE(p->in_flight);
	}
}
EXPORT_SYMBOL_IF_KUNIT(nblc_tx_stats_sum);

/* Zero a CPU's transmit counts, but not its in-flight level. */
static void nblc_tx_pcpu_reset(struct nblc_tx_pcpu *p)
{
	memset(p, 0, offsetof(struct nblc_tx_pcpu, in_flight));
}

/**
 * nblc_session_reset() - zero a session's and its targets' counters
 * @s: the session
 *
 * Counts made on another CPU while this runs may be lost: reset at a
 * quiescent point to compare counters exactly. In-flight levels and
 * sampling phases are left alone (struct nblc_tx_pcpu).
 *
 * Context: RTNL, which keeps the targets in the config.
 */
void nblc_session_reset(struct nblc_session *s)
{
	const struct nblc_cfg *cfg = rtnl_dereference(s->cfg);
	unsigned int i;
	int cpu;

	for_each_possible_cpu(cpu) {
		struct nblc_session_pcpu *p = per_cpu_ptr(s->stats, cpu);

		memset(p, 0, offsetof(struct nblc_session_pcpu, tx));
		nblc_tx_pcpu_reset(&p->tx);
		for (i = 0; i < cfg->nr_targets; i++)
			nblc_tx_pcpu_reset(per_cpu_ptr(cfg->targets[i]->stats,
						       cpu));
	}
}
EXPORT_SYMBOL_IF_KUNIT(nblc_session_reset);
