// SPDX-License-Identifier: GPL-2.0
/*
 * /sys/kernel/nblclone: the module's configuration and statistics.
 *
 * pool/	counters of the module's NBL pool, one value per file
 */
#include <linux/kobject.h>
#include <linux/stddef.h>
#include <linux/sysfs.h>

#include "nbl.h"
#include "nblclone.h"

static struct kobject *nblc_kobj;

/* A read-only file showing one u64 of struct nbl_pool_stats. */
struct nblc_pool_attr {
	struct kobj_attribute kattr;
	size_t offset;
};

static ssize_t nblc_pool_show(struct kobject *kobj,
			      struct kobj_attribute *kattr, char *buf)
{
	const struct nblc_pool_attr *a =
		container_of(kattr, struct nblc_pool_attr, kattr);
	struct nbl_pool_stats st;

	nbl_pool_stats(nblc_pool, &st);
	return sysfs_emit(buf, "%llu\n", *(u64 *)((char *)&st + a->offset));
}

static struct nblc_pool_attr nblc_pool_attrs[] = {
	{ __ATTR(allocated, 0444, nblc_pool_show, NULL),
	  offsetof(struct nbl_pool_stats, allocated) },
	{ __ATTR(freed, 0444, nblc_pool_show, NULL),
	  offsetof(struct nbl_pool_stats, freed) },
	{ __ATTR(outstanding, 0444, nblc_pool_show, NULL),
	  offsetof(struct nbl_pool_stats, outstanding) },
	{ __ATTR(clones, 0444, nblc_pool_show, NULL),
	  offsetof(struct nbl_pool_stats, clones) },
	{ __ATTR(failures, 0444, nblc_pool_show, NULL),
	  offsetof(struct nbl_pool_stats, failures) },
	{ __ATTR(misuse, 0444, nblc_pool_show, NULL),
	  offsetof(struct nbl_pool_stats, misuse) },
	{ __ATTR(ctx_allocs, 0444, nblc_pool_show, NULL),
	  offsetof(struct nbl_pool_stats, ctx_allocs) },
	{ __ATTR(bytes_copied, 0444, nblc_pool_show, NULL),
	  offsetof(struct nbl_pool_stats, bytes_copied) },
	{ __ATTR(fallback_frag_list, 0444, nblc_pool_show, NULL),
	  offsetof(struct nbl_pool_stats, fallback_frag_list) },
	{ __ATTR(fallback_frags, 0444, nblc_pool_show, NULL),
	  offsetof(struct nbl_pool_stats, fallback_frags) },
	{ __ATTR(fallback_unreadable, 0444, nblc_pool_show, NULL),
	  offsetof(struct nbl_pool_stats, fallback_unreadable) },
};

static struct attribute *nblc_pool_group_attrs[ARRAY_SIZE(nblc_pool_attrs) + 1];

static const struct attribute_group nblc_pool_group = {
	.name = "pool",
	.attrs = nblc_pool_group_attrs,
};

int nblc_sysfs_init(void)
{
	int i, err;

	for (i = 0; i < ARRAY_SIZE(nblc_pool_attrs); i++)
		nblc_pool_group_attrs[i] = &nblc_pool_attrs[i].kattr.attr;

	nblc_kobj = kobject_create_and_add(KBUILD_MODNAME, kernel_kobj);
	if (!nblc_kobj)
		return -ENOMEM;

	err = sysfs_create_group(nblc_kobj, &nblc_pool_group);
	if (err)
		goto err_put_kobj;
	return 0;

err_put_kobj:
	kobject_put(nblc_kobj);
	return err;
}

void nblc_sysfs_exit(void)
{
	sysfs_remove_group(nblc_kobj, &nblc_pool_group);
	kobject_put(nblc_kobj);
}
