// SPDX-License-Identifier: GPL-2.0
/*
 * Clones (NdisAllocateCloneNetBufferList): a new NBL whose NBs describe the
 * parent's data, linked to the parent, which cannot complete before it.
 */
#include <linux/bitops.h>
#include <linux/module.h>
#include <linux/skbuff.h>

#include "nbl_internal.h"

/* The bytes of @skb's MAC header that lie before data, as at ingress. */
static unsigned int nbl_mac_before_data(const struct sk_buff *skb)
{
	if (!skb_mac_header_was_set(skb) || skb_mac_header(skb) >= skb->data)
		return 0;
	return skb->data - skb_mac_header(skb);
}

/*
 * A copy baseline: all of @skb (skb_copy) or its head (pskb_copy), counted
 * with the MAC header. skb_copy() copies the headroom, pskb_copy() starts at
 * data: its MAC header is copied here, to the same offset (the copy has the
 * same headroom), or a copy caught at ingress goes out with garbage there.
 */
static struct sk_buff *nbl_copy_skb(struct nbl_pool *pool, struct sk_buff *skb,
				    bool whole, gfp_t gfp, unsigned int *copied)
{
	unsigned int mac_len = nbl_mac_before_data(skb);
	unsigned int len = (whole ? skb->len : skb_headlen(skb)) + mac_len;
	struct sk_buff *n;

	if (nbl_fault_fail(&nbl_fault_skb_alloc))
		return NULL;
	n = whole ? skb_copy(skb, gfp) : pskb_copy(skb, gfp);
	if (!n)
		return NULL;
	if (!whole)
		memcpy(skb_mac_header(n), skb_mac_header(skb), mac_len);
	this_cpu_add(pool->pcpu->bytes_copied, len);
	*copied += len;
	return n;
}

/*
 * Whether @skb's frags are zerocopy pages that their user wants back soon
 * (tun, vhost-net: no SKBFL_DONT_ORPHAN). Referencing them would first
 * take skb_orphan_frags() on the parent, as skb_clone() does: new frags
 * for the parent, and its user told they were copied.
 */
static bool nbl_zcopy_orphans(struct sk_buff *skb)
{
	return skb_zcopy(skb) &&
	       !(skb_shinfo(skb)->flags & SKBFL_DONT_ORPHAN);
}

/* One NB of a clone, in the clone's mode; adds what it copied to @copied. */
static struct sk_buff *nbl_clone_skb(struct nbl_pool *pool,
				     struct sk_buff *skb, unsigned int mode,
				     gfp_t gfp, unsigned int *copied)
{
	switch (mode) {
	case NBL_CLONE_SHARE:
		return nbl_skb_clone(skb, gfp);
	case NBL_CLONE_OWN:
		/* An own-mode child leaves the parent as it is, or copies. */
		if (nbl_zcopy_orphans(skb)) {
			this_cpu_inc(pool->pcpu->fallback_zerocopy);
			return nbl_copy_skb(pool, skb, true, gfp, copied);
		}
		return nbl_skb_own(pool, skb, gfp, copied);
	case NBL_CLONE_PSKB_COPY:
		return nbl_copy_skb(pool, skb, false, gfp, copied);
	default:
		return nbl_copy_skb(pool, skb, true, gfp, copied);
	}
}

/**
 * nbl_clone() - clone an NBL: new NBs, the same data
 * @parent: the NBL to clone; an original or itself a clone, not released,
 *	holding at least one NB
 * @flags: exactly one mode: NBL_CLONE_SHARE (skb_clone(): the child shares
 *	the parent's skb_shared_info, NDIS_CLONE_FLAGS_USE_ORIGINAL_MDLS),
 *	NBL_CLONE_OWN (own skb_shared_info over the same pages, private
 *	headers: the child can be trimmed, tagged or re-encapsulated without
 *	touching the parent), or the NBL_CLONE_PSKB_COPY and NBL_CLONE_COPY
 *	baselines
 * @gfp: allocation flags
 *
 * The clone has no context. Its parent completes only after the clone has
 * been freed with nbl_free_clone() and each of its NBs freed or orphaned.
 * Zerocopy frags that their user wants back (no SKBFL_DONT_ORPHAN) are
 * copied into a share-mode parent first, as skb_clone() does everywhere;
 * an own-mode child of such a parent is a full copy instead, counted in
 * fallback_zerocopy, and the parent is left as it was.
 *
 * Context: a task with irqs on, or BHs off (the owner table); not hardirq.
 * As @gfp allows.
 * Return: the clone, or an ERR_PTR(): -EINVAL for bad flags or a parent
 * that cannot be cloned, -ENOMEM (also when the owner table has no room for
 * an NB). A failed clone leaves the parent as it was.
 */
struct nbl *nbl_clone(struct nbl *parent, unsigned int flags, gfp_t gfp)
{
	unsigned int mode = flags & NBL_CLONE_MODES;
	struct nbl_pool *pool = parent->pool;
	struct sk_buff *skb, *n;
	struct nbl *child;

	if ((flags & ~NBL_CLONE_MODES) || hweight32(mode) != 1)
		return ERR_PTR(nbl_misuse(pool, -EINVAL, __func__, "bad flags"));
	if (test_bit(NBL_F_RELEASED, &parent->flags))
		return ERR_PTR(nbl_misuse(pool, -EINVAL, __func__, "of a freed NBL"));
	if (skb_queue_empty(&parent->nbs))
		return ERR_PTR(nbl_misuse(pool, -EINVAL, __func__, "of an NBL without NBs"));

	child = nbl_new_child(parent, mode == NBL_CLONE_OWN ? BIT(NBL_F_OWN) : 0,
			      gfp);
	if (!child)
		goto err;
	nbl_for_each_nb(parent, skb) {
		n = nbl_clone_skb(pool, skb, mode, gfp, &child->bytes_copied);
		if (!n || nbl_child_add_nb(child, n))
			goto err_abort;
	}
	nbl_pool_count(&pool->pcpu->clones, 1);
	return child;

err_abort:
	nbl_abort_child(child);
err:
	this_cpu_inc(pool->pcpu->failures);
	return ERR_PTR(-ENOMEM);
}
EXPORT_SYMBOL_GPL(nbl_clone);

/**
 * nbl_clone_share() - a share-mode child that needs no NBL of its own
 * @parent: an original NBL, not released, holding exactly one NB
 * @done: called once when the child's skb is freed or orphaned (see
 *	nbl_share_done_t)
 * @arg: its argument
 * @gfp: allocation flags
 *
 * The fast form of nbl_clone(@parent, NBL_CLONE_SHARE) followed by
 * nbl_pop_nb() and nbl_free_clone(), for a child that is sent at once: the
 * skb_clone() of the parent's NB, tracked in one of the parent's share
 * slots (struct nbl_pool_params, @shares) instead of a new NBL. The parent
 * completes only after @done has run for each of its shared children.
 *
 * Context: a task with irqs on, or BHs off (the owner table); not hardirq.
 * As @gfp allows. Only the parent's owner calls it, one child at a time.
 * Return: the skb, now the caller's; or an ERR_PTR(): -EINVAL for a parent
 * that is a clone, released or not holding one NB, -ENOSPC when all of its
 * share slots are used, -ENOMEM (also when the owner table has no room for
 * the skb). A failed call leaves the parent as it was.
 */
struct sk_buff *nbl_clone_share(struct nbl *parent, nbl_share_done_t done,
				void *arg, gfp_t gfp)
{
	struct nbl_pool *pool = parent->pool;
	struct sk_buff *n;

	if (unlikely(parent->flags & (BIT(NBL_F_CLONE) | BIT(NBL_F_RELEASED)) ||
		     nbl_nb_count(parent) != 1 || !done))
		return ERR_PTR(nbl_misuse(pool, -EINVAL, __func__,
					  "not a live original with one NB"));
	if (unlikely(parent->nr_shares >= pool->params.shares))
		return ERR_PTR(nbl_misuse(pool, -ENOSPC, __func__,
					  "no share slot left"));

	n = nbl_skb_clone(nbl_first_nb(parent), gfp);
	if (unlikely(!n) || unlikely(nbl_share_add(parent, n, done, arg))) {
		this_cpu_inc(pool->pcpu->failures);
		return ERR_PTR(-ENOMEM);
	}
	return n;
}
EXPORT_SYMBOL_GPL(nbl_clone_share);
