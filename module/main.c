// SPDX-License-Identifier: GPL-2.0
/*
 * nblclone: zero-copy packet mirroring over an NDIS-style NBL clone shim.
 * Module init and exit: start each layer, and stop them in reverse.
 */
#include <linux/err.h>
#include <linux/module.h>

#include "nbl.h"
#include "nblclone.h"

struct nbl_pool *nblc_pool;

static int __init nblc_init(void)
{
	int err;

	nblc_pool = nbl_pool_create(KBUILD_MODNAME, NULL);
	if (IS_ERR(nblc_pool))
		return PTR_ERR(nblc_pool);

	err = nblc_sysfs_init();
	if (err)
		goto err_destroy_pool;

	pr_info("loaded\n");
	return 0;

err_destroy_pool:
	nbl_pool_destroy(nblc_pool);
	return err;
}

static void __exit nblc_exit(void)
{
	nblc_sysfs_exit();
	/* Nothing can hold an NBL once sysfs is gone: -EBUSY is a leak. */
	if (nbl_pool_destroy(nblc_pool))
		pr_err("pool leaked on unload\n");
	pr_info("unloaded\n");
}

module_init(nblc_init);
module_exit(nblc_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Zero-copy packet mirroring with NDIS-style NBL clones");
MODULE_AUTHOR("nblclone developers");
