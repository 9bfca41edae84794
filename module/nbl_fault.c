// SPDX-License-Identifier: GPL-2.0
/*
 * Fault injection for nblclone (see nbl_fault.h).
 */
#include <linux/debugfs.h>
#include <linux/module.h>

#include "nbl_fault.h"

/* > 0: the call that brings it to 0 fails; <= 0: off. */
atomic_t nbl_fault_nth = ATOMIC_INIT(0);
EXPORT_SYMBOL_GPL(nbl_fault_nth);

/**
 * __nbl_fault_fail() - nbl_fault_fail() once something is armed
 * @f: the site
 *
 * Context: any context.
 * Return: true if the caller must behave as if its operation failed.
 */
bool __nbl_fault_fail(struct nbl_fault *f)
{
	u32 interval = READ_ONCE(f->interval);
	bool fail = false;

	if (atomic_read(&nbl_fault_nth) > 0 &&
	    atomic_dec_return(&nbl_fault_nth) == 0)
		fail = true;
	else if (interval && atomic_inc_return(&f->calls) % interval == 0)
		fail = true;

	if (fail)
		atomic_inc(&f->injected);
	return fail;
}
EXPORT_SYMBOL_GPL(__nbl_fault_fail);

/**
 * nbl_fault_fail_nth() - make the nth fault-injectable call from now fail
 * @nth: 1 for the next call to any site; 0 to disarm
 *
 * Context: any context. Meant for tests that make every site of an
 * operation fail in turn, as /proc/self/fail-nth does for the kernel's.
 */
void nbl_fault_fail_nth(int nth)
{
	atomic_set(&nbl_fault_nth, nth);
}
EXPORT_SYMBOL_GPL(nbl_fault_fail_nth);

/**
 * nbl_fault_nth_left() - how far the armed countdown still is from failing
 *
 * Return: > 0 if the nth call has not happened yet (the operation under
 * test made fewer calls), <= 0 once it has fired or when disarmed.
 */
int nbl_fault_nth_left(void)
{
	return atomic_read(&nbl_fault_nth);
}
EXPORT_SYMBOL_GPL(nbl_fault_nth_left);

/**
 * nbl_fault_debugfs_add() - show a site as <dir>/<name>/{interval,injected}
 * @f: the site
 * @dir: the directory of the layer that owns the site
 */
void nbl_fault_debugfs_add(struct nbl_fault *f, struct dentry *dir)
{
	struct dentry *d = debugfs_create_dir(f->name, dir);

	debugfs_create_u32("interval", 0600, d, &f->interval);
	debugfs_create_atomic_t("injected", 0400, d, &f->injected);
}
EXPORT_SYMBOL_GPL(nbl_fault_debugfs_add);

/**
 * nbl_fault_debugfs_init() - show the countdown as <dir>/fail_nth
 * @dir: the module's debugfs directory
 */
void nbl_fault_debugfs_init(struct dentry *dir)
{
	debugfs_create_atomic_t("fail_nth", 0600, dir, &nbl_fault_nth);
}
EXPORT_SYMBOL_GPL(nbl_fault_debugfs_init);
