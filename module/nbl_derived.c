// SPDX-License-Identifier: GPL-2.0
/*
 * Derived NBLs (NDIS "Derived NET_BUFFER_LIST Structures"): a fragmented NBL
 * cuts its parent's data into NBs of bounded size, a reassembled NBL joins
 * its parent's NBs into one. Both reference the parent's pages and are
 * linked to the parent like a clone. They carry data only: their headers
 * are reset to the start of it, for the deriving driver to fill in.
 */
#include <linux/module.h>
#include <linux/skbuff.h>

#include "compat.h"
#include "nbl_internal.h"

/* Derivation works on page references: no frag_list, no unreadable frags. */
static int nbl_derive_check(struct nbl *parent, const char *fn)
{
	struct sk_buff *skb;

	if (test_bit(NBL_F_RELEASED, &parent->flags) ||
	    skb_queue_empty(&parent->nbs))
		return nbl_misuse(parent->pool, -EINVAL, fn, "of a freed or empty NBL");
	nbl_for_each_nb(parent, skb)
		if (skb_has_frag_list(skb) || !skb_frags_readable(skb))
			return -EOPNOTSUPP;
	return 0;
}

/* A new derived NBL of @parent, or an ERR_PTR(). */
static struct nbl *nbl_derive_start(struct nbl *parent, const char *fn,
				    gfp_t gfp)
{
	struct nbl *child;
	int err;

	err = nbl_derive_check(parent, fn);
	if (err)
		return ERR_PTR(err);
	child = nbl_new_child(parent, BIT(NBL_F_DERIVED), gfp);
	if (!child) {
		this_cpu_inc(parent->pool->pcpu->failures);
		return ERR_PTR(-ENOMEM);
	}
	return child;
}

/* Give the derived NBL @n, an skb or the ERR_PTR() of making it. */
static int nbl_derive_add(struct nbl *child, struct sk_buff *n)
{
	if (IS_ERR(n))
		return PTR_ERR(n);
	return nbl_child_add_nb(child, n);
}

static struct nbl *nbl_derive_fail(struct nbl *child, int err)
{
	struct nbl_pool *pool = child->pool;

	nbl_abort_child(child);
	this_cpu_inc(pool->pcpu->failures);
	return ERR_PTR(err);
}

/**
 * nbl_fragment() - derive an NBL whose NBs hold at most @max_size bytes
 * @parent: the NBL to fragment, not released
 * @max_size: the most data bytes per NB
 * @gfp: allocation flags
 *
 * Each of @parent's NBs is cut in order into NBs of @max_size bytes (the
 * last one shorter), which reference its pages.
 *
 * Context: a task with irqs on, or BHs off (the owner table); not hardirq.
 * As @gfp allows.
 * Return: the derived NBL, freed with nbl_free_clone(); or an ERR_PTR():
 * -EINVAL for bad arguments, -EOPNOTSUPP for NBs with a frag_list or
 * unreadable frags, -E2BIG for a piece in more parts than an skb has frags,
 * -ENOMEM, or -ENOSPC when the owner table has no room for an NB.
 */
struct nbl *nbl_fragment(struct nbl *parent, unsigned int max_size, gfp_t gfp)
{
	struct sk_buff *skb, *n;
	unsigned int off;
	struct nbl *child;
	int err;

	if (!max_size)
		return ERR_PTR(nbl_misuse(parent->pool, -EINVAL, __func__, "size 0"));
	child = nbl_derive_start(parent, __func__, gfp);
	if (IS_ERR(child))
		return child;
	nbl_for_each_nb(parent, skb) {
		for (off = 0; off < skb->len; off += max_size) {
			n = nbl_skb_ref_range(parent->pool, skb, &parent->nbs, off,
					      min(max_size, skb->len - off), gfp);
			err = nbl_derive_add(child, n);
			if (err)
				return nbl_derive_fail(child, err);
		}
	}
	this_cpu_inc(parent->pool->pcpu->clones);
	return child;
}
EXPORT_SYMBOL_GPL(nbl_fragment);

/*
 * Join the NBs after the first onto @head's frag_list, as clones: for when
 * their pieces are more than @head can have frags.
 */
static int nbl_chain_rest(struct nbl *parent, struct sk_buff *head, gfp_t gfp)
{
	struct sk_buff *skb = nbl_first_nb(parent), **tail;

	tail = &skb_shinfo(head)->frag_list;
	while ((skb = skb_peek_next(skb, &parent->nbs))) {
		struct sk_buff *c = nbl_skb_clone(skb, gfp);

		if (!c)
			return -ENOMEM;
		*tail = c;
		tail = &c->next;
		head->len += c->len;
		head->data_len += c->len;
		head->truesize += c->truesize;
	}
	return 0;
}

/**
 * nbl_reassemble() - derive an NBL with one NB holding all of @parent's data
 * @parent: the NBL to reassemble, not released
 * @gfp: allocation flags
 *
 * The NB references @parent's pages as frags; when they are more pieces
 * than an skb has frags, the NBs after the first are chained as clones on
 * its frag_list instead.
 *
 * Context: a task with irqs on, or BHs off (the owner table); not hardirq.
 * As @gfp allows.
 * Return: the derived NBL, freed with nbl_free_clone(); or an ERR_PTR():
 * -EINVAL for a freed or empty parent, -EOPNOTSUPP for NBs with a frag_list
 * or unreadable frags, -E2BIG when the first NB alone has too many pieces,
 * -ENOMEM, or -ENOSPC when the owner table has no room for the NB.
 */
struct nbl *nbl_reassemble(struct nbl *parent, gfp_t gfp)
{
	struct sk_buff *first, *skb, *n;
	unsigned int len = 0;
	struct nbl *child;
	int err;

	child = nbl_derive_start(parent, __func__, gfp);
	if (IS_ERR(child))
		return child;
	first = nbl_first_nb(parent);
	nbl_for_each_nb(parent, skb)
		len += skb->len;

	n = nbl_skb_ref_range(parent->pool, first, &parent->nbs, 0, len, gfp);
	if (n == ERR_PTR(-E2BIG)) {
		n = nbl_skb_ref_range(parent->pool, first, &parent->nbs, 0,
				      first->len, gfp);
		if (!IS_ERR(n)) {
			err = nbl_chain_rest(parent, n, gfp);
			if (err) {
				kfree_skb(n);
				n = ERR_PTR(err);
			}
		}
	}
	err = nbl_derive_add(child, n);
	if (err)
		return nbl_derive_fail(child, err);
	this_cpu_inc(parent->pool->pcpu->clones);
	return child;
}
EXPORT_SYMBOL_GPL(nbl_reassemble);
