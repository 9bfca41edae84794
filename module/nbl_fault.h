/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Fault injection for nblclone's allocation and transmit sites.
 *
 * Debian's kernels have FAULT_INJECTION off, so the module carries its own,
 * shaped like the kernel's struct fault_attr: each site is a struct
 * nbl_fault, failing every interval-th call while its interval is set, and
 * any site fails when the global countdown armed by nbl_fault_fail_nth()
 * reaches it. Compiled in with NBLC_FAULT_INJECTION=y (the default of the
 * test builds); otherwise every check is a constant false.
 */
#ifndef _NBLCLONE_NBL_FAULT_H
#define _NBLCLONE_NBL_FAULT_H

#include <linux/atomic.h>
#include <linux/types.h>

struct dentry;

/**
 * struct nbl_fault - one place that can be made to fail
 * @name: its debugfs directory name
 * @interval: fail every @interval-th call; 0 never (debugfs: interval)
 * @calls: calls counted while @interval is set
 * @injected: failures injected here (debugfs: injected)
 */
struct nbl_fault {
	const char *name;
	u32 interval;
	atomic_t calls;
	atomic_t injected;
};

#define NBL_FAULT_INIT(_name) { .name = (_name) }

#ifdef NBLC_FAULT_INJECTION
extern atomic_t nbl_fault_nth;
bool __nbl_fault_fail(struct nbl_fault *f);

/**
 * nbl_fault_fail() - should this call of a site fail?
 * @f: the site
 *
 * Inline, so that a site costs two loads and no call while nothing is
 * armed: it sits on the per-packet and per-child paths.
 *
 * Context: any context.
 * Return: true if the caller must behave as if its operation failed.
 */
static inline bool nbl_fault_fail(struct nbl_fault *f)
{
	if (likely(!READ_ONCE(f->interval) && atomic_read(&nbl_fault_nth) <= 0))
		return false;
	return __nbl_fault_fail(f);
}

void nbl_fault_fail_nth(int nth);
int nbl_fault_nth_left(void);
void nbl_fault_debugfs_add(struct nbl_fault *f, struct dentry *dir);
void nbl_fault_debugfs_init(struct dentry *dir);
#else
static inline bool nbl_fault_fail(struct nbl_fault *f)
{
	return false;
}

static inline void nbl_fault_fail_nth(int nth) {}
static inline int nbl_fault_nth_left(void) { return 0; }
static inline void nbl_fault_debugfs_add(struct nbl_fault *f,
					 struct dentry *dir) {}
static inline void nbl_fault_debugfs_init(struct dentry *dir) {}
#endif

#endif /* _NBLCLONE_NBL_FAULT_H */
