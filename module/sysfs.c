// SPDX-License-Identifier: GPL-2.0
/*
 * /sys/kernel/nblclone: the module's configuration and statistics.
 *
 * pool/	counters of the module's NBL pool, one value per file
 * new_session, del_session, new_nblm, del_nblm	control files
 * sessions/	the mirror sessions (sysfs_session.c)
 *
 * Documentation/ABI/testing/sysfs-kernel-nblclone says what each file is.
 */
#include <linux/capability.h>
#include <linux/ctype.h>
#include <linux/kobject.h>
#include <linux/nsproxy.h>
#include <linux/rtnetlink.h>
#include <linux/stddef.h>
#include <linux/sysfs.h>
#include <net/net_namespace.h>

#include "mirror.h"
#include "nbl.h"
#include "nblclone.h"
#include "nblm.h"

static struct kobject *nblc_kobj;

/**
 * nblc_sysfs_value() - the value of a sysfs write, checked and copied
 * @buf: what was written, NUL-terminated by sysfs
 * @count: its length
 * @val: where to copy it, without one trailing newline
 * @size: the room in @val
 *
 * Return: 0, or -EINVAL for an empty value, one too long, or one holding a
 * NUL or any other control character.
 */
int nblc_sysfs_value(const char *buf, size_t count, char *val, size_t size)
{
	size_t i;

	if (count && buf[count - 1] == '\n')
		count--;
	if (!count || count >= size)
		return -EINVAL;
	for (i = 0; i < count; i++)
		if (iscntrl(buf[i]) && buf[i] != '\t')
			return -EINVAL;
	memcpy(val, buf, count);
	val[count] = '\0';
	return 0;
}

/**
 * nblc_parse_u32() - a number as nblclone's files write it
 * @s: the text: decimal digits, or "0x" and hex digits when @hex is set;
 *	no sign, no space, and no octal (a leading 0 is a decimal 0)
 * @hex: whether "0x" is accepted
 * @v: where to put it
 *
 * Return: 0, or -EINVAL for anything else or a value past U32_MAX.
 */
int nblc_parse_u32(const char *s, bool hex, u32 *v)
{
	static const char xdigits[] = "0123456789abcdefABCDEF";

	/* kstrtou32() itself would take a sign, and 0x again after ours. */
	if (hex && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		s += 2;
		if (!*s || s[strspn(s, xdigits)])
			return -EINVAL;
		return kstrtou32(s, 16, v);
	}
	return isdigit(s[0]) ? kstrtou32(s, 10, v) : -EINVAL;
}

/**
 * nblc_sysfs_refused() - log why a write to a file was refused
 * @session: the session the file belongs to, or NULL
 * @file: the file's name
 * @err: the errno the write returns
 * @usage: what the file expects, said for -EINVAL
 *
 * A refused write logs one line, rate-limited: an unprivileged writer
 * must not flood the log.
 *
 * Return: @err.
 */
int nblc_sysfs_refused(const char *session, const char *file, int err,
		       const char *usage)
{
	const char *pre = session ? "session " : "";
	const char *sep = session ? ": " : "";

	if (err == -EINVAL)
		pr_info_ratelimited("%s%s%s%s: expected %s\n", pre, session ?: "",
				    sep, file, usage);
	else
		pr_info_ratelimited("%s%s%s%s: refused: %pe\n", pre,
				    session ?: "", sep, file, ERR_PTR(err));
	return err;
}

/**
 * nblc_writer_net() - the writer's network namespace, if it may configure
 *	nblclone there
 *
 * Return: the namespace, or ERR_PTR(-EPERM) without CAP_NET_ADMIN in it.
 */
struct net *nblc_writer_net(void)
{
	struct net *net = current->nsproxy->net_ns;

	if (!ns_capable(net->user_ns, CAP_NET_ADMIN))
		return ERR_PTR(-EPERM);
	return net;
}

/* A session name: a plain directory name. */
static bool nblc_session_name_valid(const char *name)
{
	const char *p;

	if (!strcmp(name, ".") || !strcmp(name, ".."))
		return false;
	/* The kernel's isalnum() takes Latin-1 letters too: ASCII only. */
	for (p = name; *p; p++)
		if (!isascii(*p) || (!isalnum(*p) && !strchr("_.-", *p)))
			return false;
	return p - name < NBLC_NAME_LEN;
}

/* A control file: @apply runs under RTNL on a checked value. */
struct nblc_ctl_attr {
	struct kobj_attribute kattr;
	bool (*valid)(const char *val);
	int (*apply)(struct net *net, const char *val);
	const char *usage;
};

static ssize_t nblc_ctl_store(struct kobject *kobj, struct kobj_attribute *kattr,
			      const char *buf, size_t count)
{
	const struct nblc_ctl_attr *a =
		container_of(kattr, struct nblc_ctl_attr, kattr);
	char val[NBLC_VALUE_LEN];
	struct net *net;
	int err;

	net = nblc_writer_net();
	err = PTR_ERR_OR_ZERO(net);
	if (err)
		goto refused;
	err = nblc_sysfs_value(buf, count, val, sizeof(val));
	if (!err && !a->valid(val))
		err = -EINVAL;
	if (err)
		goto refused;
	if (!rtnl_trylock())
		return restart_syscall();
	err = a->apply(net, val);
	rtnl_unlock();
	if (err)
		goto refused;
	return count;

refused:
	return nblc_sysfs_refused(NULL, kattr->attr.name, err, a->usage);
}

#define NBLC_CTL_ATTR(_name, _valid, _apply, _usage) {			\
	.kattr = __ATTR(_name, 0200, NULL, nblc_ctl_store),		\
	.valid = _valid, .apply = _apply, .usage = _usage }

static struct nblc_ctl_attr nblc_ctl_attrs[] = {
	NBLC_CTL_ATTR(new_session, nblc_session_name_valid, nblc_session_new,
		      "a session name: 1 to 15 of [A-Za-z0-9_.-]"),
	NBLC_CTL_ATTR(del_session, nblc_session_name_valid, nblc_session_del,
		      "the name of a session"),
	NBLC_CTL_ATTR(new_nblm, nblm_name_valid, nblm_new,
		      "nblmN, N from 0 to 255"),
	NBLC_CTL_ATTR(del_nblm, nblm_name_valid, nblm_del,
		      "nblmN, the name of an nblm interface"),
};

static struct attribute *nblc_ctl_group_attrs[ARRAY_SIZE(nblc_ctl_attrs) + 1];

static const struct attribute_group nblc_ctl_group = {
	.attrs = nblc_ctl_group_attrs,
};

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
	{ __ATTR(fallback_zerocopy, 0444, nblc_pool_show, NULL),
	  offsetof(struct nbl_pool_stats, fallback_zerocopy) },
	{ __ATTR(page_refs, 0444, nblc_pool_show, NULL),
	  offsetof(struct nbl_pool_stats, page_refs) },
};

static struct attribute *nblc_pool_group_attrs[ARRAY_SIZE(nblc_pool_attrs) + 1];

static const struct attribute_group nblc_pool_group = {
	.name = "pool",
	.attrs = nblc_pool_group_attrs,
};

/**
 * nblc_sysfs_init() - create /sys/kernel/nblclone with the pool counters
 * and the sessions directory
 *
 * Return: 0 or an errno.
 */
int nblc_sysfs_init(void)
{
	int i, err;

	for (i = 0; i < ARRAY_SIZE(nblc_pool_attrs); i++)
		nblc_pool_group_attrs[i] = &nblc_pool_attrs[i].kattr.attr;
	for (i = 0; i < ARRAY_SIZE(nblc_ctl_attrs); i++)
		nblc_ctl_group_attrs[i] = &nblc_ctl_attrs[i].kattr.attr;
	nblc_sysfs_session_init();

	nblc_kobj = kobject_create_and_add(KBUILD_MODNAME, kernel_kobj);
	if (!nblc_kobj)
		return -ENOMEM;

	err = sysfs_create_group(nblc_kobj, &nblc_pool_group);
	if (err)
		goto err_put_kobj;
	err = nblc_mirror_init(nblc_kobj);
	if (err)
		goto err_remove_pool;
	return 0;

err_remove_pool:
	sysfs_remove_group(nblc_kobj, &nblc_pool_group);
err_put_kobj:
	kobject_put(nblc_kobj);
	return err;
}

/**
 * nblc_sysfs_controls_add() - let users create sessions and interfaces
 *
 * Return: 0 or an errno.
 */
int nblc_sysfs_controls_add(void)
{
	return sysfs_create_group(nblc_kobj, &nblc_ctl_group);
}

/**
 * nblc_sysfs_controls_remove() - stop users creating anything; returns once
 * no control write is running
 */
void nblc_sysfs_controls_remove(void)
{
	sysfs_remove_group(nblc_kobj, &nblc_ctl_group);
}

/**
 * nblc_sysfs_exit() - remove what nblc_sysfs_init() created, once every
 * session is gone
 */
void nblc_sysfs_exit(void)
{
	nblc_mirror_exit();
	sysfs_remove_group(nblc_kobj, &nblc_pool_group);
	kobject_put(nblc_kobj);
}
