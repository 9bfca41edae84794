// SPDX-License-Identifier: GPL-2.0
/*
 * NBL lifetimes: wrapping skbs, releasing NBLs, and completing them once
 * nothing depends on them (see the comment at the top of nbl.h).
 */
#include <linux/debugfs.h>
#include <linux/module.h>
#include <linux/skbuff.h>

#include "nbl_internal.h"

struct nbl_fault nbl_fault_owner = NBL_FAULT_INIT("owner");

/*
 * Refuse a call that breaks the API's rules: count it, say what it was
 * (rate-limited: a buggy caller may do it per packet) and return @err.
 * Never a WARN: misuse is the caller's bug, not the kernel's.
 */
int nbl_misuse(struct nbl_pool *pool, int err, const char *fn, const char *why)
{
	this_cpu_inc(pool->pcpu->misuse);
	pr_warn_ratelimited("pool %s: %s refused: %s\n", pool->name, fn, why);
	return err;
}

/*
 * Everything the NBL depends on is gone: tell its owner, free it, and let
 * go of its parent, which may complete in turn.
 */
static void nbl_complete(struct nbl *nbl)
{
	struct nbl *parent = nbl->parent;

	if (nbl->complete)
		nbl->complete(nbl, nbl->complete_arg);
	if (nbl->page_refs)
		nbl_pool_count(&nbl->pool->pcpu->page_refs_dropped,
			       nbl->page_refs);
	nbl_contexts_free(nbl);
	nbl_release(nbl);
	if (parent) {
		atomic_dec(&parent->child_refs);
		nbl_put(parent);
	}
}

void nbl_put(struct nbl *nbl)
{
	if (atomic_dec_and_test(&nbl->refs))
		nbl_complete(nbl);
}

/*
 * A child skb is being freed or orphaned by whoever holds it now. The
 * payload stays alive through dataref and page references; what ends here
 * is its clone's dependency on this NB, or its parent's on a shared child.
 */
static void nbl_nb_destructor(struct sk_buff *skb)
{
	unsigned long owner = (unsigned long)nbl_owner_take(skb);
	struct nbl_share *share;

	/* Only our own skbs get this destructor, each recorded once. */
	if (WARN_ON_ONCE(!owner))
		return;
	/*
	 * A completion callback may free what its owner's unload waits for
	 * with an RCU callback: that cannot run before this returns.
	 */
	rcu_read_lock();
	if (owner & NBL_OWNER_SHARE) {
		share = (struct nbl_share *)(owner & ~NBL_OWNER_SHARE);
		/* The slot is the parent's: done() runs before it can go. */
		share->done(share->arg);
		nbl_put(share->parent);
	} else {
		nbl_put((struct nbl *)owner);
	}
	rcu_read_unlock();
}

/* A new clone of @parent, holding no NB yet: nbl_child_add_nb() adds them. */
struct nbl *nbl_new_child(struct nbl *parent, unsigned long flags, gfp_t gfp)
{
	struct nbl *child;

	child = nbl_alloc(parent->pool, gfp);
	if (!child)
		return NULL;
	child->parent = parent;
	child->flags = flags | BIT(NBL_F_CLONE);
	child->ctx = NULL;
	atomic_inc(&parent->refs);
	atomic_inc(&parent->child_refs);
	return child;
}

/*
 * Record @owner (an NBL, or a share slot tagged NBL_OWNER_SHARE) for @skb
 * and give it our destructor. On failure the skb is freed.
 */
static int nbl_nb_attach(struct sk_buff *skb, void *owner)
{
	int err = -ENOSPC;

	if (!nbl_fault_fail(&nbl_fault_owner))
		err = nbl_owner_set(skb, owner);
	if (unlikely(err)) {
		kfree_skb(skb);
		return err;
	}
	skb->destructor = nbl_nb_destructor;
	return 0;
}

/*
 * Make @skb, a share-mode copy of @parent's NB, a shared child in the slot
 * that nbl_clone_share() chose. On failure the skb is freed and the slot
 * stays free.
 */
int nbl_share_add(struct nbl *parent, struct sk_buff *skb,
		  nbl_share_done_t done, void *arg)
{
	struct nbl_share *share = &nbl_share_slots(parent)[parent->nr_shares];
	int err;

	/* Filled before nbl_owner_set() publishes it to the destructor. */
	share->parent = parent;
	share->done = done;
	share->arg = arg;
	err = nbl_nb_attach(skb, (void *)((unsigned long)share |
					  NBL_OWNER_SHARE));
	if (err)
		return err;
	/* Its reference on the parent is in the owner's bias: no atomic. */
	parent->nr_shares++;
	return 0;
}

/*
 * Give a clone an NB it owns. From here until the skb is freed or orphaned
 * the clone depends on it, wherever the skb goes. On failure the skb is
 * freed.
 */
int nbl_child_add_nb(struct nbl *child, struct sk_buff *skb)
{
	int err = nbl_nb_attach(skb, child);

	if (err)
		return err;
	atomic_inc(&child->refs);
	__skb_queue_tail(&child->nbs, skb);
	/* An skb_clone() holds no page reference of its own: dataref does. */
	if (!skb->cloned) {
		child->page_refs += skb_shinfo(skb)->nr_frags;
		nbl_pool_count(&child->pool->pcpu->page_refs_taken,
			       skb_shinfo(skb)->nr_frags);
	}
	return 0;
}

/*
 * The owner lets go: free the NBs it still holds and drop its reference.
 * Refused if it already did.
 */
static int nbl_release_owner(struct nbl *nbl, const char *fn)
{
	int refs = 1;

	/* Non-atomic: see the flags in struct nbl. */
	if (__test_and_set_bit(NBL_F_RELEASED, &nbl->flags))
		return nbl_misuse(nbl->pool, -EINVAL, fn, "twice");
	if (!test_bit(NBL_F_CLONE, &nbl->flags)) {
		/*
		 * An original's owner holds NBL_OWNER_BIAS (nbl_wrap()), the
		 * references of the shared children it was to make: the ones
		 * it made now hold their own, the rest go with the owner's.
		 */
		refs = NBL_OWNER_BIAS - nbl->nr_shares;
		/* Counted here, once per parent, not per shared child. */
		if (nbl->nr_shares)
			nbl_pool_count(&nbl->pool->pcpu->clones, nbl->nr_shares);
	}
	__skb_queue_purge(&nbl->nbs);
	if (atomic_sub_and_test(refs, &nbl->refs))
		nbl_complete(nbl);
	return 0;
}

/* Undo a clone that could not be finished: as if its owner freed it. */
void nbl_abort_child(struct nbl *child)
{
	nbl_release_owner(child, __func__);
}

/**
 * nbl_wrap() - build an original NBL around skbs, without copying them
 * @pool: the pool to take the NBL from
 * @skbs: a NULL-terminated chain of skbs (through skb->next), the NBs
 * @flags: NBL_WRAP_BORROW to borrow a single skb rather than own the chain
 * @gfp: allocation flags
 *
 * An owned chain is freed when the NBL is (nbl_free()). A borrowed skb is
 * never freed by the NBL, whose owner must let go of it with nbl_unborrow()
 * before the borrow ends: the hook case, where the original packet goes on.
 *
 * Context: any context but hardirq (like nbl_free()), as @gfp allows: with
 * BHs off the pool's per-CPU stack and counters are updated without
 * irq-safe operations, which a hardirq on this CPU could interrupt.
 * Return: the NBL with one reference, its owner's; or an ERR_PTR():
 * -EINVAL for bad arguments, -ENOMEM. On error the skbs are the caller's.
 */
struct nbl *nbl_wrap(struct nbl_pool *pool, struct sk_buff *skbs,
		     unsigned int flags, gfp_t gfp)
{
	struct sk_buff *skb, *next;
	struct nbl *nbl;

	if (!skbs || (flags & ~NBL_WRAP_BORROW))
		return ERR_PTR(nbl_misuse(pool, -EINVAL, __func__, "bad arguments"));
	if ((flags & NBL_WRAP_BORROW) && skbs->next)
		return ERR_PTR(nbl_misuse(pool, -EINVAL, __func__, "borrowing a chain"));

	nbl = nbl_alloc(pool, gfp);
	if (!nbl) {
		this_cpu_inc(pool->pcpu->failures);
		return ERR_PTR(-ENOMEM);
	}
	atomic_set(&nbl->refs, NBL_OWNER_BIAS);
	if (flags & NBL_WRAP_BORROW)
		__set_bit(NBL_F_BORROWED, &nbl->flags);
	for (skb = skbs; skb; skb = next) {
		next = skb->next;
		skb_mark_not_on_list(skb);
		__skb_queue_tail(&nbl->nbs, skb);
	}
	return nbl;
}
EXPORT_SYMBOL_GPL(nbl_wrap);

/**
 * nbl_on_complete() - set what runs when an NBL completes
 * @nbl: the NBL, not yet released by its owner
 * @complete: the callback (see nbl_complete_t), or NULL
 * @arg: its argument
 */
void nbl_on_complete(struct nbl *nbl, nbl_complete_t complete, void *arg)
{
	nbl->complete = complete;
	nbl->complete_arg = arg;
}
EXPORT_SYMBOL_GPL(nbl_on_complete);

/**
 * nbl_unborrow() - let go of the skb an NBL borrowed
 * @nbl: an NBL wrapped with NBL_WRAP_BORROW
 *
 * The NBL keeps living (its clones may still depend on it) but holds no
 * skb pointer any more; the skb's list pointers are left as a lone skb's.
 *
 * Return: 0, or -EINVAL if @nbl borrows nothing.
 */
int nbl_unborrow(struct nbl *nbl)
{
	struct sk_buff *skb, *tmp;

	if (!test_bit(NBL_F_BORROWED, &nbl->flags))
		return nbl_misuse(nbl->pool, -EINVAL, __func__, "nothing borrowed");
	skb_queue_walk_safe(&nbl->nbs, skb, tmp)
		__skb_unlink(skb, &nbl->nbs);
	__clear_bit(NBL_F_BORROWED, &nbl->flags);
	return 0;
}
EXPORT_SYMBOL_GPL(nbl_unborrow);

/**
 * nbl_free() - the owner of an original NBL is done with it
 * @nbl: an NBL from nbl_wrap()
 *
 * Frees the NBs it owns: their data lives on in its clones. The NBL
 * completes now, or when its last clone is freed.
 *
 * Context: any context but hardirq.
 * Return: 0; -EINVAL for a clone or an NBL already freed, -EBUSY for one
 * that still borrows its skb. Refused calls change nothing.
 */
int nbl_free(struct nbl *nbl)
{
	if (test_bit(NBL_F_CLONE, &nbl->flags))
		return nbl_misuse(nbl->pool, -EINVAL, __func__, "of a clone");
	if (test_bit(NBL_F_BORROWED, &nbl->flags))
		return nbl_misuse(nbl->pool, -EBUSY, __func__, "while borrowing");
	return nbl_release_owner(nbl, __func__);
}
EXPORT_SYMBOL_GPL(nbl_free);

/**
 * nbl_free_clone() - the owner of a clone is done with it
 * @nbl: an NBL from nbl_clone(), nbl_fragment() or nbl_reassemble()
 *
 * Frees the NBs it still holds; NBs it let go of keep it alive until the
 * stack frees or orphans them. Then it completes and drops its parent's
 * child reference (NdisFreeCloneNetBufferList).
 *
 * Context: any context but hardirq.
 * Return: 0, or -EINVAL for an original or a clone already freed.
 */
int nbl_free_clone(struct nbl *nbl)
{
	if (!test_bit(NBL_F_CLONE, &nbl->flags))
		return nbl_misuse(nbl->pool, -EINVAL, __func__, "of an original");
	return nbl_release_owner(nbl, __func__);
}
EXPORT_SYMBOL_GPL(nbl_free_clone);

/**
 * nbl_pop_nb() - take the first NB out of an NBL, to send it
 * @nbl: the NBL; not a borrowing one
 *
 * For a clone, the skb keeps the clone alive until it is freed or orphaned,
 * so the clone may be freed right after its NBs are sent.
 *
 * Return: the skb, now the caller's; NULL if there is none.
 */
struct sk_buff *nbl_pop_nb(struct nbl *nbl)
{
	if (test_bit(NBL_F_BORROWED, &nbl->flags)) {
		nbl_misuse(nbl->pool, -EINVAL, __func__, "of a borrowed skb");
		return NULL;
	}
	return __skb_dequeue(&nbl->nbs);
}
EXPORT_SYMBOL_GPL(nbl_pop_nb);

/**
 * nbl_nb_is_clone() - whether an skb is an NB a clone let go of
 * @skb: any skb
 *
 * True for the NBs of a clone, wherever they go, until they are freed or
 * orphaned: a hook that sends clones can tell them from the packets it
 * should act on.
 *
 * Return: true for such an NB.
 */
bool nbl_nb_is_clone(const struct sk_buff *skb)
{
	return skb->destructor == nbl_nb_destructor;
}
EXPORT_SYMBOL_GPL(nbl_nb_is_clone);

/**
 * nbl_child_refs() - how many live children depend on an NBL
 * @nbl: the NBL
 *
 * An original's references are its owner's and its children's, shared
 * children included, so they are counted from there: a shared child costs
 * its parent no atomic of its own at all (see nbl_release_owner()). A clone
 * can have no shared children.
 *
 * Context: any context; a snapshot while children come and go.
 * Return: the count (NDIS: ChildRefCount).
 */
int nbl_child_refs(const struct nbl *nbl)
{
	int refs = atomic_read(&nbl->refs);

	if (test_bit(NBL_F_CLONE, &nbl->flags))
		return atomic_read(&nbl->child_refs);
	if (test_bit(NBL_F_RELEASED, &nbl->flags))
		return refs;
	return refs - NBL_OWNER_BIAS + nbl->nr_shares;
}
EXPORT_SYMBOL_GPL(nbl_child_refs);

/**
 * nbl_lib_init() - set up the library's global state
 * @owner_bits: log2 of the clone skbs in flight each CPU can track
 *
 * Context: process context, once, before any other nbl_*() call.
 * Return: 0 or -ENOMEM.
 */
int nbl_lib_init(unsigned int owner_bits)
{
	return nbl_owner_init(owner_bits);
}
EXPORT_SYMBOL_GPL(nbl_lib_init);

/**
 * nbl_lib_exit() - tear the library's global state down
 *
 * Context: process context, once every pool has been destroyed: no clone
 * skb is in flight then, and none of their destructors can run.
 */
void nbl_lib_exit(void)
{
	nbl_owner_exit();
}
EXPORT_SYMBOL_GPL(nbl_lib_exit);

/**
 * nbl_debugfs_init() - show the library's fault sites under a directory
 * @dir: the debugfs directory of the module carrying the library
 */
void nbl_debugfs_init(struct dentry *dir)
{
	nbl_fault_debugfs_init(dir);
	nbl_fault_debugfs_add(&nbl_fault_nbl_alloc, dir);
	nbl_fault_debugfs_add(&nbl_fault_skb_alloc, dir);
	nbl_fault_debugfs_add(&nbl_fault_owner, dir);
	nbl_fault_debugfs_add(&nbl_fault_ctx_alloc, dir);
}
EXPORT_SYMBOL_GPL(nbl_debugfs_init);
