/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the files of the nbl library share with each other, and nobody else.
 */
#ifndef _NBLCLONE_NBL_INTERNAL_H
#define _NBLCLONE_NBL_INTERNAL_H

#include <linux/percpu.h>

#include "nbl.h"
#include "nbl_fault.h"

/* NBL objects a CPU keeps for its pool (nbl_pool.c), at most this many. */
#define NBL_POOL_CACHE		64

/*
 * A CPU's cache of free NBL objects, a stack: only touched on its CPU while
 * nbl_bh_off(), or by nbl_pool_destroy() once nothing else can touch it.
 */
struct nbl_pool_cache {
	unsigned int count;
	void *objs[NBL_POOL_CACHE];
};

/*
 * A pool's counters, per CPU: written only on the owning CPU, with
 * this_cpu_*() or nbl_pool_count(), read by summing all CPUs
 * (nbl_pool_stats()). No atomics on the fast path; a sum taken while NBLs
 * are in motion is a snapshot, exact at a quiescent point. And its cache.
 */
struct nbl_pool_pcpu {
	unsigned long allocated;
	unsigned long freed;
	unsigned long clones;
	unsigned long failures;
	unsigned long misuse;
	unsigned long ctx_allocs;
	unsigned long bytes_copied;
	unsigned long fallback_frag_list;
	unsigned long fallback_frags;
	unsigned long fallback_unreadable;
	unsigned long fallback_zerocopy;
	unsigned long page_refs_taken;
	unsigned long page_refs_dropped;
	struct nbl_pool_cache cache;
};

/*
 * Add to one of a pool's per-CPU counters on the per-packet path.
 * this_cpu_add() is irq-safe, which where per-CPU operations are generic
 * (UML, and others) means saving and restoring the irq state around it.
 * When nbl_bh_off(), the plain form is enough.
 */
static inline void nbl_pool_count(unsigned long __percpu *counter,
				  unsigned long n)
{
	if (nbl_bh_off())
		__this_cpu_add(*counter, n);
	else
		this_cpu_add(*counter, n);
}

struct nbl_pool {
	struct kmem_cache *cache;
	struct nbl_pool_pcpu __percpu *pcpu;
	unsigned int obj_size;
	struct nbl_pool_params params;
	char name[NBL_POOL_NAME_LEN];
};

/*
 * The context area pre-allocated in an original NBL's object (nbl_pool.c
 * lays it out, nbl_context.c uses it). The stack grows down: bytes
 * data[offset..size) are in use.
 */
struct nbl_context {
	struct nbl_context *next;
	unsigned int size;
	unsigned int offset;
	bool preallocated;
	u8 data[] __aligned(8);
};

/*
 * The slot of a shared child (nbl_clone_share()) in its parent's object,
 * after the context area. Written by the parent's owner before the child's
 * skb is published in the owner table; read by its destructor.
 */
struct nbl_share {
	struct nbl *parent;
	nbl_share_done_t done;
	void *arg;
};

/*
 * The references an original's owner holds until it releases it: its own,
 * and one for each shared child it may make, so that making one needs no
 * atomic. Far more than any NBL can have children.
 */
#define NBL_OWNER_BIAS		((int)BIT(30))

/*
 * The owner table holds NBLs and share slots, both at least 8-byte aligned:
 * bit 0 set says a slot.
 */
#define NBL_OWNER_SHARE		1UL

/* Where an original NBL's context area ends and its share slots begin. */
static inline struct nbl_share *nbl_share_slots(const struct nbl *nbl)
{
	unsigned int ctx = nbl->pool->params.ctx_size;

	if (ctx)
		ctx += sizeof(struct nbl_context);
	return (struct nbl_share *)((char *)(nbl + 1) + ctx);
}

/* Sites that fault injection can fail (nbl_fault.h). */
extern struct nbl_fault nbl_fault_nbl_alloc;
extern struct nbl_fault nbl_fault_skb_alloc;
extern struct nbl_fault nbl_fault_owner;
extern struct nbl_fault nbl_fault_ctx_alloc;

/* nbl_pool.c */
struct nbl *nbl_alloc(struct nbl_pool *pool, gfp_t gfp);
void nbl_release(struct nbl *nbl);

/* nbl.c */
void nbl_put(struct nbl *nbl);
int nbl_misuse(struct nbl_pool *pool, int err, const char *fn, const char *why);
struct nbl *nbl_new_child(struct nbl *parent, unsigned long flags, gfp_t gfp);
int nbl_child_add_nb(struct nbl *child, struct sk_buff *skb);
int nbl_share_add(struct nbl *parent, struct sk_buff *skb,
		  nbl_share_done_t done, void *arg);
void nbl_abort_child(struct nbl *child);

/* nbl_context.c */
void nbl_contexts_free(struct nbl *nbl);

/* nbl_pages.c: skbs that reference another skb's data */
struct sk_buff *nbl_skb_clone(struct sk_buff *skb, gfp_t gfp);
struct sk_buff *nbl_skb_own(struct nbl_pool *pool, struct sk_buff *skb,
			    gfp_t gfp, unsigned int *copied);
struct sk_buff *nbl_skb_ref_range(struct nbl_pool *pool, struct sk_buff *first,
				  const struct sk_buff_head *list,
				  unsigned int off, unsigned int len, gfp_t gfp);

/* nbl_owner.c */
int nbl_owner_set(struct sk_buff *skb, void *owner);
void *nbl_owner_take(const struct sk_buff *skb);
int nbl_owner_init(unsigned int bits);
void nbl_owner_exit(void);

#endif /* _NBLCLONE_NBL_INTERNAL_H */
