/* SPDX-License-Identifier: GPL-2.0 */
/*
 * nbl: the NDIS NET_BUFFER_LIST model over sk_buff.
 *
 * A struct nbl is a list of packets (sk_buffs, the NDIS NET_BUFFERs, "NBs")
 * that travel together. NBLs come from a struct nbl_pool. An NBL can be
 * cloned: the clone is a new NBL whose NBs point at the parent's data, and
 * the parent completes only after every clone has been freed. This header
 * is the library's whole interface: it knows nothing of mirrors, hooks or
 * sysfs.
 *
 * Lifetimes. The owner of an original NBL releases it with nbl_free(), the
 * owner of a clone with nbl_free_clone(). Either may come first: an NBL
 * completes (its callback runs, exactly once, then it is freed) when its
 * owner has released it and nothing depends on it any more. A parent
 * depends on its live clones; a clone depends on every NB it has let go of
 * (nbl_pop_nb()) until the stack frees or orphans that skb. The payload
 * itself lives on through skb dataref and page references, never through
 * NBL completion.
 *
 * Shared children. A share-mode clone of a one-NB original that is sent at
 * once needs no NBL of its own: nbl_clone_share() returns just the skb, and
 * keeps what its completion needs in a slot of the parent, one of
 * nbl_pool_params.shares allocated with every NBL of the pool. The parent
 * depends on it like on a clone, until the stack frees or orphans it.
 */
#ifndef _NBLCLONE_NBL_H
#define _NBLCLONE_NBL_H

#include <linux/atomic.h>
#include <linux/gfp.h>
#include <linux/preempt.h>
#include <linux/skbuff.h>
#include <linux/types.h>

#define NBL_POOL_NAME_LEN	32

/**
 * struct nbl_pool_params - how a pool's NBLs are laid out
 * @ctx_size: bytes of NBL context pre-allocated in every original NBL of
 *	the pool, a multiple of 8 (NDIS: ContextSize)
 * @shares: children nbl_clone_share() can make of each original NBL of
 *	the pool, at most NBL_POOL_SHARES_MAX; their slots are allocated with
 *	the NBL
 */
struct nbl_pool_params {
	unsigned int ctx_size;
	unsigned int shares;
};

#define NBL_POOL_SHARES_MAX	64

/**
 * struct nbl_pool_stats - a snapshot of a pool's counters
 * @allocated: NBLs handed out since the pool was created
 * @freed: NBLs returned since the pool was created
 * @outstanding: NBLs handed out and not yet returned
 * @clones: clones and derived NBLs created; shared children
 *	(nbl_clone_share()) are counted when their parent's owner releases it
 * @failures: NBL operations that failed for lack of memory or room
 * @misuse: calls that broke the API's rules and were refused
 * @ctx_allocs: context areas allocated because the pre-allocated one was
 *	exhausted
 * @bytes_copied: payload bytes copied rather than referenced: by the copy
 *	baselines (everything), and by own-descriptor clones and derived NBLs
 *	of data in a head that is not page-backed; an own-descriptor clone
 *	of an skb of an Ethernet device does not count the protocol headers
 *	it copies (eth_get_headlen())
 * @fallback_frag_list: own-descriptor clones done in share mode instead,
 *	because the skb has a frag_list
 * @fallback_frags: the same, because the skb has too many frags
 * @fallback_unreadable: the same, because the skb's frags are unreadable
 * @fallback_zerocopy: own-descriptor clones made as full copies instead,
 *	because the skb's frags are zerocopy pages that their user wants back
 *	(no SKBFL_DONT_ORPHAN: tun, vhost-net), which the parent keeps
 * @page_refs: page references held by the NBs of clones and derived NBLs
 *	that have not completed: one per frag of an NB with a
 *	skb_shared_info of its own (own descriptors, derived, pskb_copy),
 *	none for an NB that shares its parent's; 0 at a quiescent point
 */
struct nbl_pool_stats {
	u64 allocated;
	u64 freed;
	u64 outstanding;
	u64 clones;
	u64 failures;
	u64 misuse;
	u64 ctx_allocs;
	u64 bytes_copied;
	u64 fallback_frag_list;
	u64 fallback_frags;
	u64 fallback_unreadable;
	u64 fallback_zerocopy;
	u64 page_refs;
};

struct dentry;
struct nbl_pool;
struct nbl;
struct nbl_context;

/**
 * typedef nbl_complete_t - called once when an NBL completes
 * @nbl: the NBL, freed when this returns
 * @arg: what was given to nbl_on_complete()
 *
 * Runs in the context of whatever released the last dependency: an skb
 * destructor (softirq or process context) or an nbl_free*() call. Must not
 * sleep.
 */
typedef void (*nbl_complete_t)(struct nbl *nbl, void *arg);

/**
 * typedef nbl_share_done_t - called once when a shared child is gone
 * @arg: what was given to nbl_clone_share()
 *
 * Runs when the stack frees or orphans the child's skb, on any CPU, in
 * softirq or process context, inside an RCU read-side critical section;
 * before the parent can complete. Must not sleep.
 */
typedef void (*nbl_share_done_t)(void *arg);

/**
 * struct nbl - a NET_BUFFER_LIST
 * @pool: the pool this NBL came from, and returns to
 * @parent: the NBL this one was cloned or derived from; NULL for an
 *	original (NDIS: ParentNetBufferList)
 * @nbs: the NBs the NBL holds, in order
 * @refs: the owner's until it releases the NBL (for an original a bias
 *	that covers its shared children until then), one for each live
 *	clone and, once released, shared child, and for a clone one for
 *	each of its NBs that the stack has not yet freed or orphaned; the
 *	NBL completes when they are all gone
 * @child_refs: live clones and derived NBLs, not shared children (see
 *	nbl_child_refs())
 * @nr_shares: shared children made (nbl_clone_share()), each in its slot
 * @flags: NBL_F_* state bits; written only by the NBL's owner, never by
 *	completions, so with non-atomic bit operations
 * @complete: called once when the NBL completes, or NULL
 * @complete_arg: its argument
 * @ctx: top of the context stack; NULL for a clone (NDIS gives clones none)
 * @bytes_copied: payload bytes nbl_clone() copied rather than referenced to
 *	make this clone (see struct nbl_pool_stats); 0 for any other NBL
 * @page_refs: the page references its NBs hold (see struct nbl_pool_stats)
 */
struct nbl {
	struct nbl_pool *pool;
	struct nbl *parent;
	struct sk_buff_head nbs;
	atomic_t refs;
	atomic_t child_refs;
	unsigned int nr_shares;
	unsigned long flags;
	nbl_complete_t complete;
	void *complete_arg;
	struct nbl_context *ctx;
	unsigned int bytes_copied;
	unsigned int page_refs;
};

/* struct nbl flags */
enum {
	NBL_F_CLONE,		/* a clone or derived NBL: nbl_free_clone() */
	NBL_F_DERIVED,		/* made by nbl_fragment() or nbl_reassemble() */
	NBL_F_BORROWED,		/* the NBs are borrowed, not owned */
	NBL_F_OWN,		/* own descriptors (NBL_CLONE_OWN) */
	NBL_F_RELEASED,		/* the owner has released it */
};

/* nbl_wrap() flags */
#define NBL_WRAP_BORROW		BIT(0)	/* don't take ownership of the skbs */

/*
 * nbl_clone() modes: exactly one. NBL_CLONE_SHARE and NBL_CLONE_OWN are
 * the two NDIS clones; the copies are baselines for measurement.
 */
#define NBL_CLONE_SHARE		BIT(0)	/* skb_clone(): the parent's descriptors */
#define NBL_CLONE_OWN		BIT(1)	/* own descriptors, refcounted pages */
#define NBL_CLONE_PSKB_COPY	BIT(2)	/* pskb_copy(): a copy of the head */
#define NBL_CLONE_COPY		BIT(3)	/* skb_copy(): a copy of everything */
#define NBL_CLONE_MODES		(NBL_CLONE_SHARE | NBL_CLONE_OWN | \
				 NBL_CLONE_PSKB_COPY | NBL_CLONE_COPY)

/* nbl_pool.c */
struct nbl_pool *nbl_pool_create(const char *name,
				 const struct nbl_pool_params *params);
int nbl_pool_destroy(struct nbl_pool *pool);
void nbl_pool_stats(const struct nbl_pool *pool, struct nbl_pool_stats *st);
const char *nbl_pool_name(const struct nbl_pool *pool);

/* nbl.c */
struct nbl *nbl_wrap(struct nbl_pool *pool, struct sk_buff *skbs,
		     unsigned int flags, gfp_t gfp);
void nbl_on_complete(struct nbl *nbl, nbl_complete_t complete, void *arg);
int nbl_unborrow(struct nbl *nbl);
int nbl_free(struct nbl *nbl);
int nbl_free_clone(struct nbl *nbl);
struct sk_buff *nbl_pop_nb(struct nbl *nbl);
bool nbl_nb_is_clone(const struct sk_buff *skb);
int nbl_child_refs(const struct nbl *nbl);

/* nbl_clone.c */
struct nbl *nbl_clone(struct nbl *parent, unsigned int flags, gfp_t gfp);
struct sk_buff *nbl_clone_share(struct nbl *parent, nbl_share_done_t done,
				void *arg, gfp_t gfp);

/* nbl_derived.c */
struct nbl *nbl_fragment(struct nbl *parent, unsigned int max_size, gfp_t gfp);
struct nbl *nbl_reassemble(struct nbl *parent, gfp_t gfp);

/* nbl_context.c */
void *nbl_context_alloc(struct nbl *nbl, unsigned int size);
int nbl_context_free(struct nbl *nbl, unsigned int size);
void *nbl_context_data(const struct nbl *nbl);

/* the library's global state, set up by the module that carries it */
int nbl_lib_init(unsigned int owner_bits);
void nbl_lib_exit(void);
void nbl_debugfs_init(struct dentry *dir);

/**
 * nbl_first_nb() - the first NB of an NBL
 * @nbl: the NBL
 *
 * Return: the skb, or NULL if the NBL holds none.
 */
static inline struct sk_buff *nbl_first_nb(const struct nbl *nbl)
{
	return skb_peek(&nbl->nbs);
}

/**
 * nbl_nb_count() - how many NBs an NBL holds
 * @nbl: the NBL
 *
 * Return: the count.
 */
static inline unsigned int nbl_nb_count(const struct nbl *nbl)
{
	return skb_queue_len(&nbl->nbs);
}

#define nbl_for_each_nb(nbl, skb) skb_queue_walk(&(nbl)->nbs, skb)

/**
 * nbl_bh_off() - whether this CPU's per-CPU data is ours until we are done
 *
 * True with BHs off (softirq_count(): in a softirq, or a section with BHs
 * disabled), which without PREEMPT_RT also disables preemption: neither a
 * task nor a softirq can interrupt us on this CPU, and no hardirq calls
 * the library (its calls say "not hardirq"). The library's data paths
 * then skip irq-safe per-CPU operations and BH toggles; a user's per-CPU
 * counters updated under the same rules can do the same. On PREEMPT_RT a
 * BH-off section can be preempted: never.
 *
 * Return: whether plain per-CPU operations are safe here.
 */
static inline bool nbl_bh_off(void)
{
	return !IS_ENABLED(CONFIG_PREEMPT_RT) && softirq_count();
}

#endif /* _NBLCLONE_NBL_H */
