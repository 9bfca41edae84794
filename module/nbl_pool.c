// SPDX-License-Identifier: GPL-2.0
/*
 * NBL pools (NdisAllocateNetBufferListPool): a kmem_cache of NBLs with
 * per-CPU counters, so a pool knows at any time how many of its NBLs are
 * still out, and refuses to go away while any are.
 *
 * Each CPU keeps a small stack of free NBL objects of the pool, as
 * net/core/skbuff.c's napi_skb_cache does for skbs: an NBL allocated and
 * freed with BHs off (the data path: hooks, softirqs, skb destructors) costs
 * no slab call, and the slab is called in bulk to refill or flush the
 * stack. Elsewhere the slab is called directly. An NBL freed on another CPU
 * than it was allocated on goes to that CPU's stack. An object on a stack
 * is free, not outstanding, and poisoned for KASAN as the slab would.
 */
#include <linux/module.h>
#include <linux/percpu.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "compat.h"
#include "nbl_internal.h"

/* Objects a CPU takes from the slab when its stack is empty. */
#define NBL_POOL_CACHE_BULK	16
/* Objects a CPU gives back when its stack is full: the top half. */
#define NBL_POOL_CACHE_HALF	(NBL_POOL_CACHE / 2)

struct nbl_fault nbl_fault_nbl_alloc = NBL_FAULT_INIT("nbl_alloc");

/*
 * Bytes of an original NBL's object: the NBL, its context area, then its
 * share slots (see nbl_share_slots()).
 */
static unsigned int nbl_object_size(const struct nbl_pool_params *params)
{
	unsigned int size = sizeof(struct nbl);

	if (params->ctx_size)
		size += sizeof(struct nbl_context) + params->ctx_size;
	return size + params->shares * sizeof(struct nbl_share);
}

/**
 * nbl_pool_create() - create a pool of NBLs
 * @name: the pool's name; its slab cache is called "nbl_<name>"
 * @params: layout of the pool's NBLs, or NULL for the defaults
 *
 * Context: process context, may sleep.
 * Return: the pool, or an ERR_PTR(): -EINVAL for an empty or overlong
 * name, a context size that is not a multiple of 8 or more than
 * NBL_POOL_SHARES_MAX shares, -ENOMEM when out of memory.
 */
struct nbl_pool *nbl_pool_create(const char *name,
				 const struct nbl_pool_params *params)
{
	char cache_name[NBL_POOL_NAME_LEN + 4];
	struct nbl_pool *pool;
	size_t len;

	len = name ? strnlen(name, NBL_POOL_NAME_LEN) : 0;
	if (!len || len == NBL_POOL_NAME_LEN)
		return ERR_PTR(-EINVAL);
	if (params && (!IS_ALIGNED(params->ctx_size, 8) ||
		       params->shares > NBL_POOL_SHARES_MAX))
		return ERR_PTR(-EINVAL);

	pool = kzalloc(sizeof(*pool), GFP_KERNEL);
	if (!pool)
		return ERR_PTR(-ENOMEM);
	strscpy(pool->name, name, sizeof(pool->name));
	if (params)
		pool->params = *params;

	pool->pcpu = alloc_percpu(struct nbl_pool_pcpu);
	if (!pool->pcpu)
		goto err_free_pool;

	snprintf(cache_name, sizeof(cache_name), "nbl_%s", name);
	pool->obj_size = nbl_object_size(&pool->params);
	pool->cache = kmem_cache_create(cache_name, pool->obj_size,
					0, SLAB_HWCACHE_ALIGN, NULL);
	if (!pool->cache)
		goto err_free_pcpu;

	return pool;

err_free_pcpu:
	free_percpu(pool->pcpu);
err_free_pool:
	kfree(pool);
	return ERR_PTR(-ENOMEM);
}
EXPORT_SYMBOL_GPL(nbl_pool_create);

/**
 * nbl_pool_stats() - read a pool's counters
 * @pool: the pool
 * @st: filled with the sums over all CPUs
 *
 * Context: any context.
 */
void nbl_pool_stats(const struct nbl_pool *pool, struct nbl_pool_stats *st)
{
	int cpu;

	memset(st, 0, sizeof(*st));
	for_each_possible_cpu(cpu) {
		const struct nbl_pool_pcpu *p = per_cpu_ptr(pool->pcpu, cpu);

		st->allocated += READ_ONCE(p->allocated);
		st->freed += READ_ONCE(p->freed);
		st->clones += READ_ONCE(p->clones);
		st->failures += READ_ONCE(p->failures);
		st->misuse += READ_ONCE(p->misuse);
		st->ctx_allocs += READ_ONCE(p->ctx_allocs);
		st->bytes_copied += READ_ONCE(p->bytes_copied);
		st->fallback_frag_list += READ_ONCE(p->fallback_frag_list);
		st->fallback_frags += READ_ONCE(p->fallback_frags);
		st->fallback_unreadable += READ_ONCE(p->fallback_unreadable);
		st->fallback_zerocopy += READ_ONCE(p->fallback_zerocopy);
		st->page_refs += READ_ONCE(p->page_refs_taken);
		st->page_refs -= READ_ONCE(p->page_refs_dropped);
	}
	st->outstanding = st->allocated - st->freed;
}
EXPORT_SYMBOL_GPL(nbl_pool_stats);

/**
 * nbl_pool_name() - the name a pool was created with
 * @pool: the pool
 *
 * Return: the name, valid for the pool's lifetime.
 */
const char *nbl_pool_name(const struct nbl_pool *pool)
{
	return pool->name;
}
EXPORT_SYMBOL_GPL(nbl_pool_name);

/* Give the top @n objects of a CPU's stack back to the slab. */
static void nbl_cache_flush(struct nbl_pool *pool, struct nbl_pool_cache *c,
			    unsigned int n)
{
	unsigned int i;

	c->count -= n;
	/* The slab checks that what it gets back is not poisoned. */
	for (i = c->count; i < c->count + n; i++)
		nbl_kasan_unpoison(c->objs[i], pool->obj_size);
	kmem_cache_free_bulk(pool->cache, n, c->objs + c->count);
}

/**
 * nbl_pool_destroy() - destroy a pool whose NBLs have all come back
 * @pool: the pool
 *
 * A pool with NBLs still out is left intact, so that its users can finish
 * and the caller can try again: its cache is never destroyed under a live
 * object.
 *
 * Context: process context, may sleep. No NBL of the pool may be allocated
 * or freed concurrently.
 * Return: 0, or -EBUSY if NBLs are outstanding (their number is logged).
 */
int nbl_pool_destroy(struct nbl_pool *pool)
{
	struct nbl_pool_stats st;
	struct nbl_pool_cache *c;
	int cpu;

	nbl_pool_stats(pool, &st);
	if (st.outstanding) {
		pr_warn_ratelimited("pool %s: %llu NBLs outstanding, not destroyed\n",
				    pool->name, st.outstanding);
		return -EBUSY;
	}
	/* Nothing allocates or frees concurrently: every stack is ours. */
	for_each_possible_cpu(cpu) {
		c = &per_cpu_ptr(pool->pcpu, cpu)->cache;
		nbl_cache_flush(pool, c, c->count);
	}
	kmem_cache_destroy(pool->cache);
	free_percpu(pool->pcpu);
	kfree(pool);
	return 0;
}
EXPORT_SYMBOL_GPL(nbl_pool_destroy);

/* An object from this CPU's stack, refilled from the slab when empty. */
static struct nbl *nbl_cache_get(struct nbl_pool *pool, gfp_t gfp)
{
	struct nbl_pool_cache *c = this_cpu_ptr(&pool->pcpu->cache);
	void *obj;

	if (unlikely(!c->count)) {
		/*
		 * All or nothing: SLUB returns the count or 0 up to 6.12, and
		 * true or false from 7.x on, so the result is only a test.
		 */
		if (unlikely(!kmem_cache_alloc_bulk(pool->cache, gfp,
						    NBL_POOL_CACHE_BULK, c->objs)))
			return NULL;
		c->count = NBL_POOL_CACHE_BULK;
	}
	obj = c->objs[--c->count];
	nbl_kasan_unpoison(obj, pool->obj_size);
	return obj;
}

/* Keep a free object on this CPU's stack, flushing half of a full one. */
static void nbl_cache_put(struct nbl_pool *pool, struct nbl *nbl)
{
	struct nbl_pool_cache *c = this_cpu_ptr(&pool->pcpu->cache);

	if (unlikely(c->count == NBL_POOL_CACHE))
		nbl_cache_flush(pool, c, NBL_POOL_CACHE_HALF);
	nbl_kasan_poison(nbl, pool->obj_size);
	c->objs[c->count++] = nbl;
}

/*
 * A zeroed NBL with one reference, for its owner. An original gets the
 * pool's pre-allocated context area; callers that make a clone take it
 * away, as NDIS gives clones no context. Only the headers are set: the
 * context data and the share slots are written before they are read. Field
 * by field, not with a memset() of the struct, which costs more per packet
 * (a rep stos on x86); nbs's lock is left as it is, as the NBL only ever
 * uses the unlocked __skb_*() calls on it.
 */
struct nbl *nbl_alloc(struct nbl_pool *pool, gfp_t gfp)
{
	struct nbl *nbl;

	if (nbl_fault_fail(&nbl_fault_nbl_alloc))
		return NULL;
	/* This CPU's stack is ours alone only while nbl_bh_off(). */
	if (nbl_bh_off())
		nbl = nbl_cache_get(pool, gfp);
	else
		nbl = kmem_cache_alloc(pool->cache, gfp);
	if (unlikely(!nbl))
		return NULL;

	nbl->pool = pool;
	nbl->parent = NULL;
	__skb_queue_head_init(&nbl->nbs);
	atomic_set(&nbl->refs, 1);
	atomic_set(&nbl->child_refs, 0);
	nbl->nr_shares = 0;
	nbl->flags = 0;
	nbl->complete = NULL;
	nbl->complete_arg = NULL;
	nbl->ctx = NULL;
	nbl->bytes_copied = 0;
	nbl->page_refs = 0;
	if (pool->params.ctx_size) {
		struct nbl_context *ctx = (struct nbl_context *)(nbl + 1);

		ctx->next = NULL;
		ctx->size = pool->params.ctx_size;
		ctx->offset = ctx->size;
		ctx->preallocated = true;
		nbl->ctx = ctx;
	}
	nbl_pool_count(&pool->pcpu->allocated, 1);
	return nbl;
}

/* Return a completed NBL, with no NB and no allocated context, to its pool. */
void nbl_release(struct nbl *nbl)
{
	struct nbl_pool *pool = nbl->pool;

	if (nbl_bh_off())
		nbl_cache_put(pool, nbl);
	else
		kmem_cache_free(pool->cache, nbl);
	nbl_pool_count(&pool->pcpu->freed, 1);
}
