/* SPDX-License-Identifier: GPL-2.0 */
/*
 * nblm: the virtual mirror interfaces nblclone creates on request.
 */
#ifndef _NBLCLONE_NBLM_H
#define _NBLCLONE_NBLM_H

#include <net/net_namespace.h>

bool nblm_name_valid(const char *name);
int nblm_new(struct net *net, const char *name);
int nblm_del(struct net *net, const char *name);
int nblm_init(void);
void nblm_exit(void);

#endif /* _NBLCLONE_NBLM_H */
