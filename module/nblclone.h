/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Module-internal wiring between main.c and the layers it starts.
 */
#ifndef _NBLCLONE_H
#define _NBLCLONE_H

#include <linux/types.h>

struct nbl_pool;
struct net;

/* The pool every NBL of the module's own data path comes from. */
extern struct nbl_pool *nblc_pool;

/* A value written to a sysfs file, at most this long with its NUL. */
#define NBLC_VALUE_LEN	128

/* sysfs.c */
int nblc_sysfs_init(void);
int nblc_sysfs_controls_add(void);
void nblc_sysfs_controls_remove(void);
void nblc_sysfs_exit(void);
int nblc_sysfs_value(const char *buf, size_t count, char *val, size_t size);
int nblc_parse_u32(const char *s, bool hex, u32 *v);
int nblc_sysfs_refused(const char *session, const char *file, int err,
		       const char *usage);
struct net *nblc_writer_net(void);

/* sysfs_session.c */
void nblc_sysfs_session_init(void);

#endif /* _NBLCLONE_H */
