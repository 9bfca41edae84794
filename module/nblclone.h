/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Module-internal wiring between main.c and the layers it starts.
 */
#ifndef _NBLCLONE_H
#define _NBLCLONE_H

struct nbl_pool;

/* The pool every NBL of the module's own data path comes from. */
extern struct nbl_pool *nblc_pool;

int nblc_sysfs_init(void);
void nblc_sysfs_exit(void);

#endif /* _NBLCLONE_H */
