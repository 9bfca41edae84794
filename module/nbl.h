/* SPDX-License-Identifier: GPL-2.0 */
/*
 * nbl: the NDIS NET_BUFFER_LIST model over sk_buff.
 *
 * A struct nbl is a list of packets (sk_buffs, the NDIS NET_BUFFERs) that
 * travel together. NBLs come from a struct nbl_pool. This header is the
 * library's whole interface: it knows nothing of mirrors, hooks or sysfs.
 */
#ifndef _NBLCLONE_NBL_H
#define _NBLCLONE_NBL_H

#include <linux/types.h>
#include <linux/gfp.h>

#define NBL_POOL_NAME_LEN	32

/**
 * struct nbl_pool_params - how a pool's NBLs are laid out
 * @ctx_size: bytes of NBL context pre-allocated in every NBL of the pool
 *	(NDIS: NET_BUFFER_LIST_POOL_PARAMETERS.ContextSize)
 */
struct nbl_pool_params {
	unsigned int ctx_size;
};

/**
 * struct nbl_pool_stats - a snapshot of a pool's counters
 * @allocated: NBLs handed out since the pool was created
 * @freed: NBLs returned since the pool was created
 * @outstanding: NBLs handed out and not yet returned
 * @clones: of @allocated, how many were clones
 * @failures: allocations that failed
 */
struct nbl_pool_stats {
	u64 allocated;
	u64 freed;
	u64 outstanding;
	u64 clones;
	u64 failures;
};

struct nbl_pool;

/**
 * struct nbl - a NET_BUFFER_LIST
 * @pool: the pool this NBL came from, and returns to
 * @flags: NBL_F_* state bits
 */
struct nbl {
	struct nbl_pool *pool;
	unsigned long flags;
};

struct nbl_pool *nbl_pool_create(const char *name,
				 const struct nbl_pool_params *params);
int nbl_pool_destroy(struct nbl_pool *pool);
void nbl_pool_stats(const struct nbl_pool *pool, struct nbl_pool_stats *st);
const char *nbl_pool_name(const struct nbl_pool *pool);

struct nbl *nbl_alloc(struct nbl_pool *pool, gfp_t gfp);
void nbl_free(struct nbl *nbl);

#endif /* _NBLCLONE_NBL_H */
