// SPDX-License-Identifier: GPL-2.0
/*
 * nblclone: zero-copy packet mirroring over an NDIS-style NBL clone shim.
 * Module init and exit: start each layer, and stop them in reverse.
 */
#include <linux/debugfs.h>
#include <linux/err.h>
#include <linux/module.h>
#include <linux/rcupdate.h>
#include <kunit/visibility.h>

#include "mirror.h"
#include "nbl.h"
#include "nbl_fault.h"
#include "nblclone.h"
#include "nblm.h"

/* From git or the staged VERSION file, through module/Kbuild. */
#ifndef NBLC_VERSION
#define NBLC_VERSION "unknown"
#endif

#define NBLC_OWNER_BITS_MIN	6
#define NBLC_OWNER_BITS_MAX	20

/*
 * 16384 slots (256 KiB) per CPU: a session's default max_in_flight of 4096
 * children keeps a CPU's table a quarter full, where a child almost never
 * finds its window of slots full (that drop is counted as nomem).
 */
static unsigned int owner_bits = 14;
module_param(owner_bits, uint, 0444);
MODULE_PARM_DESC(owner_bits,
		 "log2 of the clone skbs in flight each CPU can track (6-20, default 14)");

struct nbl_pool *nblc_pool;
EXPORT_SYMBOL_IF_KUNIT(nblc_pool);

/*
 * Each mirrored packet's parent keeps what its completion needs (struct
 * nblc_parent_ctx), and the slots of its share-mode children, one per
 * target.
 */
static const struct nbl_pool_params nblc_pool_params = {
	.ctx_size = NBLC_PARENT_CTX_SIZE,
	.shares = NBLC_MAX_TARGETS,
};

static struct dentry *nblc_debugfs;

static int __init nblc_init(void)
{
	int err;

	if (owner_bits < NBLC_OWNER_BITS_MIN || owner_bits > NBLC_OWNER_BITS_MAX) {
		pr_err("owner_bits=%u: must be %d to %d\n", owner_bits,
		       NBLC_OWNER_BITS_MIN, NBLC_OWNER_BITS_MAX);
		return -EINVAL;
	}
	err = nbl_lib_init(owner_bits);
	if (err)
		return err;

	nblc_pool = nbl_pool_create(KBUILD_MODNAME, &nblc_pool_params);
	if (IS_ERR(nblc_pool)) {
		err = PTR_ERR(nblc_pool);
		goto err_lib_exit;
	}

	err = nblc_sysfs_init();
	if (err)
		goto err_destroy_pool;
	err = nblc_mirror_netdev_init();
	if (err)
		goto err_sysfs_exit;
	err = nblm_init();
	if (err)
		goto err_netdev_exit;
	err = nblc_sysfs_controls_add();
	if (err)
		goto err_nblm_exit;

	nblc_debugfs = debugfs_create_dir(KBUILD_MODNAME, NULL);
	nbl_debugfs_init(nblc_debugfs);
	nbl_fault_debugfs_add(&nblc_fault_xmit, nblc_debugfs);

	pr_info("loaded\n");
	return 0;

err_nblm_exit:
	nblm_exit();
err_netdev_exit:
	nblc_mirror_netdev_exit();
err_sysfs_exit:
	nblc_sysfs_exit();
err_destroy_pool:
	nbl_pool_destroy(nblc_pool);
err_lib_exit:
	nbl_lib_exit();
	return err;
}

/*
 * In this order: nothing new can be configured; every session is unhooked
 * and deleted, and its last child has completed (their destructors are our
 * code); devices are no longer followed and ours are gone; the last RCU
 * callbacks have run; then the caches go.
 */
static void __exit nblc_exit(void)
{
	debugfs_remove(nblc_debugfs);
	nblc_sysfs_controls_remove();
	nblc_sysfs_exit();
	nblc_mirror_netdev_exit();
	nblm_exit();
	rcu_barrier();
	/* Nothing can hold an NBL now: -EBUSY is a leak. */
	if (nbl_pool_destroy(nblc_pool))
		pr_err("pool leaked on unload\n");
	nbl_lib_exit();
	pr_info("unloaded\n");
}

module_init(nblc_init);
module_exit(nblc_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Zero-copy packet mirroring with NDIS-style NBL clones");
MODULE_AUTHOR("nblclone developers");
MODULE_VERSION(NBLC_VERSION);
