// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: clones. What a clone shares with its parent and what it owns,
 * proven on the pointers, page references and dataref of real skbs; when
 * parents complete; how misuse and allocation failures are handled.
 */
#include <kunit/test.h>
#include <linux/bottom_half.h>
#include <linux/module.h>
#include <linux/netdevice.h>
#include <linux/skbuff.h>

#include "compat.h"
#include "nbl.h"
#include "nbl_fault.h"
#include "fixture.h"
#include "shapes.h"

#ifdef HAVE_PAGE_POOL_HELPERS_H
#include <net/page_pool/helpers.h>
#else
#include <net/page_pool.h>
#endif

static u64 clone_stat(struct nbl_pool *pool, size_t off)
{
	struct nbl_pool_stats st;

	nbl_pool_stats(pool, &st);
	return *(u64 *)((char *)&st + off);
}

#define STAT(pool, field) clone_stat(pool, offsetof(struct nbl_pool_stats, field))

static struct nbl *clone_parent(struct kunit *test, struct nbl_pool *pool,
				enum nblt_shape shape)
{
	struct nbl *parent = nbl_wrap(pool, nblt_make(test, shape), 0, GFP_KERNEL);

	KUNIT_ASSERT_FALSE(test, IS_ERR(parent));
	return parent;
}

static void shape_desc(const enum nblt_shape *shape, char *desc)
{
	strscpy(desc, nblt_shape_names[*shape], KUNIT_PARAM_DESC_SIZE);
}

static const enum nblt_shape all_shapes[] = {
	NBLT_LINEAR, NBLT_PAGED, NBLT_HEAD_FRAG, NBLT_GSO, NBLT_FRAG_LIST,
};

static const enum nblt_shape paged_shapes[] = {
	NBLT_LINEAR, NBLT_PAGED, NBLT_HEAD_FRAG, NBLT_GSO,
};

KUNIT_ARRAY_PARAM(all_shapes, all_shapes, shape_desc);
KUNIT_ARRAY_PARAM(paged_shapes, paged_shapes, shape_desc);

/* Share mode: the child is the parent's data, descriptors and all. */
static void clone_share_test(struct kunit *test)
{
	const enum nblt_shape *shape = test->param_value;
	struct nbl_pool *pool = test->priv;
	struct nbl *parent = clone_parent(test, pool, *shape);
	struct sk_buff *p = nbl_first_nb(parent), *c;
	int refs[MAX_SKB_FRAGS], after[MAX_SKB_FRAGS], n, i;
	int dataref = atomic_read(&skb_shinfo(p)->dataref);
	struct nbl *child;

	n = nblt_page_refs(p, refs, MAX_SKB_FRAGS);
	child = nbl_clone(parent, NBL_CLONE_SHARE, GFP_KERNEL);
	KUNIT_ASSERT_FALSE(test, IS_ERR(child));
	c = nbl_first_nb(child);

	KUNIT_EXPECT_PTR_EQ(test, child->parent, parent);
	KUNIT_EXPECT_EQ(test, nbl_child_refs(parent), 1);
	KUNIT_EXPECT_NULL(test, nbl_context_data(child));
	KUNIT_EXPECT_PTR_EQ(test, c->head, p->head);
	KUNIT_EXPECT_PTR_EQ(test, c->data, p->data);
	KUNIT_EXPECT_PTR_EQ(test, skb_shinfo(c), skb_shinfo(p));
	KUNIT_EXPECT_EQ(test, atomic_read(&skb_shinfo(p)->dataref), dataref + 1);
	KUNIT_EXPECT_EQ(test, nblt_page_refs(p, after, MAX_SKB_FRAGS), n);
	for (i = 0; i < n; i++)
		KUNIT_EXPECT_EQ(test, after[i], refs[i]);
	KUNIT_EXPECT_TRUE(test, nblt_same_bytes(c, p));
	KUNIT_EXPECT_EQ(test, STAT(pool, bytes_copied), 0);
	KUNIT_EXPECT_EQ(test, child->bytes_copied, 0);

	KUNIT_EXPECT_EQ(test, nbl_free_clone(child), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&skb_shinfo(p)->dataref), dataref);
	KUNIT_EXPECT_EQ(test, nbl_child_refs(parent), 0);
	KUNIT_EXPECT_EQ(test, nbl_free(parent), 0);
}

/* Linear bytes of @skb before data, and from data to the header end. */
static unsigned int own_header_bytes(const struct sk_buff *skb)
{
	unsigned int end = skb_mac_header(skb) - skb->data + ETH_HLEN;

	if (skb->ip_summed == CHECKSUM_PARTIAL)
		end = max_t(unsigned int, end, skb_checksum_start_offset(skb) +
			    skb->csum_offset + sizeof(__sum16));
	return min(end, skb_headlen(skb));
}

/* Every page the child points at is one of the parent's, one ref more. */
static void own_expect_pages(struct kunit *test, const struct sk_buff *p,
			     const struct sk_buff *c, int extra)
{
	int i;

	for (i = 0; i < skb_shinfo(c)->nr_frags; i++) {
		struct page *page = skb_frag_page(&skb_shinfo(c)->frags[i]);

		KUNIT_EXPECT_TRUE_MSG(test, nblt_page_in(page, p), "frag %d", i);
	}
	if (p->head_frag)
		KUNIT_EXPECT_EQ(test, page_ref_count(virt_to_head_page(p->head)),
				1 + extra);
	for (i = 0; i < skb_shinfo(p)->nr_frags; i++)
		KUNIT_EXPECT_EQ(test,
				page_ref_count(skb_frag_page(&skb_shinfo(p)->frags[i])),
				1 + extra);
}

/* Own mode: new descriptors and headers, the parent's pages. */
static void clone_own_test(struct kunit *test)
{
	const enum nblt_shape *shape = test->param_value;
	struct nbl_pool *pool = test->priv;
	struct nbl *parent = clone_parent(test, pool, *shape);
	struct sk_buff *p = nbl_first_nb(parent), *c;
	unsigned int hdr = own_header_bytes(p);
	struct nbl *child;

	child = nbl_clone(parent, NBL_CLONE_OWN, GFP_KERNEL);
	KUNIT_ASSERT_FALSE(test, IS_ERR(child));
	c = nbl_first_nb(child);
	KUNIT_EXPECT_TRUE(test, nblt_same_bytes(c, p));

	if (*shape == NBLT_FRAG_LIST) {
		KUNIT_EXPECT_EQ(test, STAT(pool, fallback_frag_list), 1);
		KUNIT_EXPECT_PTR_EQ(test, skb_shinfo(c), skb_shinfo(p));
		goto out;
	}
	KUNIT_EXPECT_PTR_NE(test, skb_shinfo(c), skb_shinfo(p));
	KUNIT_EXPECT_FALSE(test, skb_cloned(p));
	KUNIT_EXPECT_FALSE(test, c->pp_recycle);
	KUNIT_EXPECT_TRUE(test, skb_has_shared_frag(c) || !skb_is_nonlinear(c));
	own_expect_pages(test, p, c, 1);
	if (p->head_frag || *shape != NBLT_LINEAR) {
		/* Only headers in the child's head, the rest referenced. */
		KUNIT_EXPECT_LE(test, skb_headlen(c),
				p->head_frag ? hdr : skb_headlen(p));
	}
	KUNIT_EXPECT_EQ(test, STAT(pool, bytes_copied),
			p->head_frag ? 0 : skb_headlen(p) - hdr);
	KUNIT_EXPECT_EQ(test, child->bytes_copied, STAT(pool, bytes_copied));
	KUNIT_EXPECT_EQ(test, skb_mac_header(c) - c->data,
			skb_mac_header(p) - p->data);
	KUNIT_EXPECT_EQ(test, skb_shinfo(c)->gso_size, skb_shinfo(p)->gso_size);
	/* One page reference per frag, held until the clone completes. */
	KUNIT_EXPECT_EQ(test, STAT(pool, page_refs), skb_shinfo(c)->nr_frags);
	KUNIT_EXPECT_EQ(test, child->page_refs, skb_shinfo(c)->nr_frags);
out:
	if (*shape == NBLT_FRAG_LIST)
		KUNIT_EXPECT_EQ(test, STAT(pool, page_refs), 0);
	KUNIT_EXPECT_EQ(test, nbl_free_clone(child), 0);
	KUNIT_EXPECT_EQ(test, STAT(pool, page_refs), 0);
	own_expect_pages(test, p, p, 0);
	KUNIT_EXPECT_EQ(test, nbl_free(parent), 0);
}

/*
 * An own-mode clone of @parent, with a copy of the parent's bytes taken
 * before it, to prove later that whatever the child went through left the
 * parent as it was.
 */
static struct nbl *own_child_snapshot(struct kunit *test, struct nbl *parent,
				      struct sk_buff **snap)
{
	struct nbl *child;

	*snap = skb_copy(nbl_first_nb(parent), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, *snap);
	child = nbl_clone(parent, NBL_CLONE_OWN, GFP_KERNEL);
	KUNIT_ASSERT_FALSE(test, IS_ERR(child));
	return child;
}

/* Pushing and trimming an own-mode child leaves the parent as it was. */
static void clone_own_isolated_test(struct kunit *test)
{
	const enum nblt_shape *shape = test->param_value;
	struct nbl_pool *pool = test->priv;
	struct nbl *parent = clone_parent(test, pool, *shape);
	struct sk_buff *p = nbl_first_nb(parent), *c, *snap;
	int nr_frags = skb_shinfo(p)->nr_frags;
	struct nbl *child;

	child = own_child_snapshot(test, parent, &snap);
	c = nbl_first_nb(child);

	KUNIT_ASSERT_GE(test, skb_headroom(c), 4u);
	memset(skb_push(c, 4), 0xee, 4);
	memset(c->data + 4, 0xdd, ETH_HLEN);
	KUNIT_EXPECT_EQ(test, pskb_trim(c, 100), 0);
	KUNIT_EXPECT_EQ(test, c->len, 100u);

	KUNIT_EXPECT_EQ(test, skb_shinfo(p)->nr_frags, nr_frags);
	KUNIT_EXPECT_TRUE(test, nblt_same_bytes(p, snap));
	kfree_skb(snap);
	KUNIT_EXPECT_EQ(test, nbl_free_clone(child), 0);
	KUNIT_EXPECT_EQ(test, nbl_free(parent), 0);
}

/* The copy baselines copy what they say, and count it. */
static void clone_copy_test(struct kunit *test)
{
	const enum nblt_shape *shape = test->param_value;
	struct nbl_pool *pool = test->priv;
	struct nbl *parent = clone_parent(test, pool, *shape);
	struct sk_buff *p = nbl_first_nb(parent), *c;
	struct nbl *pskb, *copy;
	int i;

	pskb = nbl_clone(parent, NBL_CLONE_PSKB_COPY, GFP_KERNEL);
	KUNIT_ASSERT_FALSE(test, IS_ERR(pskb));
	c = nbl_first_nb(pskb);
	KUNIT_EXPECT_PTR_NE(test, c->head, p->head);
	KUNIT_EXPECT_TRUE(test, nblt_same_bytes(c, p));
	for (i = 0; i < skb_shinfo(c)->nr_frags; i++)
		KUNIT_EXPECT_TRUE(test, nblt_page_in(skb_frag_page(&skb_shinfo(c)->frags[i]), p));
	KUNIT_EXPECT_EQ(test, STAT(pool, bytes_copied), skb_headlen(p));
	KUNIT_EXPECT_EQ(test, pskb->bytes_copied, skb_headlen(p));

	copy = nbl_clone(parent, NBL_CLONE_COPY, GFP_KERNEL);
	KUNIT_ASSERT_FALSE(test, IS_ERR(copy));
	c = nbl_first_nb(copy);
	KUNIT_EXPECT_FALSE(test, skb_is_nonlinear(c));
	KUNIT_EXPECT_TRUE(test, nblt_same_bytes(c, p));
	KUNIT_EXPECT_EQ(test, STAT(pool, bytes_copied), skb_headlen(p) + p->len);
	KUNIT_EXPECT_EQ(test, copy->bytes_copied, p->len);
	KUNIT_EXPECT_EQ(test, nbl_child_refs(parent), 2);

	KUNIT_EXPECT_EQ(test, nbl_free_clone(pskb), 0);
	KUNIT_EXPECT_EQ(test, nbl_free_clone(copy), 0);
	KUNIT_EXPECT_EQ(test, nbl_free(parent), 0);
}

/* GSO segmentation and checksum help accept own-mode children. */
static void clone_own_gso_csum_test(struct kunit *test)
{
	struct nbl_pool *pool = test->priv;
	struct nbl *parent = clone_parent(test, pool, NBLT_GSO);
	struct sk_buff *p = nbl_first_nb(parent), *c, *segs, *seg, *snap;
	unsigned int total = 0, n = 0;
	struct nbl *child;

	child = own_child_snapshot(test, parent, &snap);
	c = nbl_first_nb(child);

	segs = skb_gso_segment(c, 0);
	KUNIT_ASSERT_FALSE(test, IS_ERR_OR_NULL(segs));
	skb_list_walk_safe(segs, seg, segs) {
		n++;
		total += seg->len - NBLT_HDR_LEN;
		kfree_skb(seg);
	}
	KUNIT_EXPECT_EQ(test, n, skb_shinfo(p)->gso_segs);
	KUNIT_EXPECT_EQ(test, total, p->len - NBLT_HDR_LEN);

	/* Now without GSO: the checksum is filled in on the child only. */
	skb_gso_reset(c);
	KUNIT_EXPECT_EQ(test, skb_checksum_help(c), 0);
	KUNIT_EXPECT_EQ(test, (int)c->ip_summed, CHECKSUM_NONE);
	KUNIT_EXPECT_TRUE(test, nblt_same_bytes(p, snap));
	kfree_skb(snap);

	KUNIT_EXPECT_EQ(test, nbl_free_clone(child), 0);
	KUNIT_EXPECT_EQ(test, nbl_free(parent), 0);
}

/* A page_pool-backed parent: the child never recycles what it borrowed. */
static void clone_own_page_pool_test(struct kunit *test)
{
#if IS_ENABLED(CONFIG_PAGE_POOL)
	struct page_pool_params pp = {
		.order = 0, .pool_size = 16, .nid = NUMA_NO_NODE,
	};
	struct nbl_pool *pool = test->priv;
	struct page *head, *frag;
	struct page_pool *ppool;
	struct nbl *parent, *child;
	struct sk_buff *skb, *c;

	ppool = page_pool_create(&pp);
	KUNIT_ASSERT_FALSE(test, IS_ERR(ppool));
	head = page_pool_dev_alloc_pages(ppool);
	frag = page_pool_dev_alloc_pages(ppool);
	KUNIT_ASSERT_NOT_NULL(test, head);
	KUNIT_ASSERT_NOT_NULL(test, frag);
	skb = build_skb(page_address(head), PAGE_SIZE);
	KUNIT_ASSERT_NOT_NULL(test, skb);
	skb_mark_for_recycle(skb);
	skb_reserve(skb, NET_SKB_PAD);
	memset(skb_put(skb, 200), 0x5a, 200);
	skb_reset_mac_header(skb);
	skb_add_rx_frag(skb, 0, frag, 0, 1000, PAGE_SIZE);

	parent = nbl_wrap(pool, skb, 0, GFP_KERNEL);
	KUNIT_ASSERT_FALSE(test, IS_ERR(parent));
	child = nbl_clone(parent, NBL_CLONE_OWN, GFP_KERNEL);
	KUNIT_ASSERT_FALSE(test, IS_ERR(child));
	c = nbl_first_nb(child);
	KUNIT_EXPECT_TRUE(test, skb->pp_recycle);
	KUNIT_EXPECT_FALSE(test, c->pp_recycle);
	KUNIT_EXPECT_TRUE(test, nblt_page_in(head, c));
	KUNIT_EXPECT_TRUE(test, nblt_page_in(frag, c));

	/* The parent returns its pages first; the child's refs keep them. */
	KUNIT_EXPECT_EQ(test, nbl_free(parent), 0);
	KUNIT_EXPECT_EQ(test, page_ref_count(frag), 1);
	KUNIT_EXPECT_EQ(test, nbl_free_clone(child), 0);
	page_pool_destroy(ppool);
#else
	kunit_skip(test, "no CONFIG_PAGE_POOL");
#endif
}

/*
 * A zerocopy parent (MSG_ZEROCOPY-like, DONT_ORPHAN): an own-mode child
 * shares the user's pages and holds the ubuf_info, which completes only
 * after the child and the parent are both gone.
 */
struct zc_ubuf {
	struct ubuf_info ubuf;
	atomic_t completed;
	bool success;		/* what the last completion said */
};

static void zc_complete(struct sk_buff *skb, struct ubuf_info *uarg,
			bool success)
{
	struct zc_ubuf *z = container_of(uarg, struct zc_ubuf, ubuf);

	z->success = success;
	if (refcount_dec_and_test(&uarg->refcnt))
		atomic_inc(&z->completed);
}

#ifdef HAVE_UBUF_INFO_OPS
static const struct ubuf_info_ops zc_ops = { .complete = zc_complete };
#endif

/* Give @p zerocopy frags of @z's, with @flags; @z keeps the user's ref. */
static void zc_attach(struct kunit *test, struct sk_buff *p,
		      struct zc_ubuf *z, u8 flags)
{
#ifdef HAVE_UBUF_INFO_OPS
	z->ubuf.ops = &zc_ops;
#else
	z->ubuf.callback = zc_complete;
#endif
	refcount_set(&z->ubuf.refcnt, 1);
	z->ubuf.flags = flags;
	skb_zcopy_set(p, &z->ubuf, NULL);
	KUNIT_ASSERT_PTR_EQ(test, skb_zcopy(p), &z->ubuf);
}

static void clone_own_zerocopy_test(struct kunit *test)
{
	struct nbl_pool *pool = test->priv;
	struct nbl *parent = clone_parent(test, pool, NBLT_PAGED);
	struct sk_buff *p = nbl_first_nb(parent), *c;
	struct zc_ubuf z = {};
	struct nbl *child;

	zc_attach(test, p, &z, SKBFL_ZEROCOPY_FRAG | SKBFL_DONT_ORPHAN);
	child = nbl_clone(parent, NBL_CLONE_OWN, GFP_KERNEL);
	KUNIT_ASSERT_FALSE(test, IS_ERR(child));
	c = nbl_first_nb(child);
	KUNIT_EXPECT_PTR_NE(test, skb_shinfo(c), skb_shinfo(p));
	KUNIT_EXPECT_PTR_EQ(test, skb_zcopy(c), &z.ubuf);
	KUNIT_EXPECT_EQ(test, refcount_read(&z.ubuf.refcnt), 3);
	own_expect_pages(test, p, c, 1);
	KUNIT_EXPECT_EQ(test, STAT(pool, bytes_copied), skb_headlen(p) - ETH_HLEN);

	KUNIT_EXPECT_EQ(test, nbl_free_clone(child), 0);
	KUNIT_EXPECT_EQ(test, refcount_read(&z.ubuf.refcnt), 2);
	KUNIT_EXPECT_EQ(test, nbl_free(parent), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&z.completed), 0);
	net_zcopy_put(&z.ubuf);
	KUNIT_EXPECT_EQ(test, atomic_read(&z.completed), 1);
}

/*
 * A zerocopy parent whose user wants its pages back soon (tun, vhost-net:
 * no DONT_ORPHAN). Referencing them would first need skb_orphan_frags()
 * on the parent, as skb_clone() does: new frags for the parent, and its
 * ubuf_info completed as "copied". The own-mode child is a copy instead,
 * counted, and the parent goes on unchanged: its pages, its zerocopy
 * state, a successful completion when it is freed.
 */
static void clone_own_zerocopy_copy_test(struct kunit *test)
{
	struct nbl_pool *pool = test->priv;
	struct nbl *parent = clone_parent(test, pool, NBLT_PAGED);
	struct sk_buff *p = nbl_first_nb(parent), *c;
	struct page *pages[MAX_SKB_FRAGS];
	struct zc_ubuf z = {};
	struct nbl *child;
	int i, nr;

	zc_attach(test, p, &z, SKBFL_ZEROCOPY_FRAG);
	nr = skb_shinfo(p)->nr_frags;
	for (i = 0; i < nr; i++)
		pages[i] = skb_frag_page(&skb_shinfo(p)->frags[i]);

	child = nbl_clone(parent, NBL_CLONE_OWN, GFP_KERNEL);
	KUNIT_ASSERT_FALSE(test, IS_ERR(child));
	c = nbl_first_nb(child);
	KUNIT_EXPECT_PTR_EQ_MSG(test, skb_zcopy(p), &z.ubuf,
				"the parent's zerocopy frags were orphaned");
	KUNIT_EXPECT_EQ(test, atomic_read(&z.completed), 0);
	KUNIT_ASSERT_EQ(test, skb_shinfo(p)->nr_frags, nr);
	for (i = 0; i < nr; i++)
		KUNIT_EXPECT_PTR_EQ_MSG(test,
					skb_frag_page(&skb_shinfo(p)->frags[i]),
					pages[i], "frag %d", i);
	KUNIT_EXPECT_NULL(test, skb_zcopy(c));
	for (i = 0; i < skb_shinfo(c)->nr_frags; i++)
		KUNIT_EXPECT_FALSE_MSG(test,
				       nblt_page_in(skb_frag_page(&skb_shinfo(c)->frags[i]), p),
				       "frag %d", i);
	KUNIT_EXPECT_TRUE(test, nblt_same_bytes(c, p));
	KUNIT_EXPECT_EQ(test, STAT(pool, fallback_zerocopy), 1);
	KUNIT_EXPECT_EQ(test, child->bytes_copied, p->len);
	KUNIT_EXPECT_EQ(test, refcount_read(&z.ubuf.refcnt), 2);

	KUNIT_EXPECT_EQ(test, nbl_free_clone(child), 0);
	KUNIT_EXPECT_EQ(test, nbl_free(parent), 0);
	net_zcopy_put(&z.ubuf);
	KUNIT_EXPECT_EQ(test, atomic_read(&z.completed), 1);
	KUNIT_EXPECT_TRUE_MSG(test, z.success, "the user's pages were copied");
}

/*
 * A page-backed head whose rest the child references takes a frag of its
 * own: with every frag already in use, the child must fall back to share
 * mode; with one free, it is an own-mode child holding all of them.
 */
static void clone_own_frags_limit_test(struct kunit *test)
{
	struct nbl_pool *pool = test->priv;
	int extra;

	for (extra = 0; extra <= 1; extra++) {
		unsigned int nr = NBL_MAX_SKB_FRAGS - 1 + extra;
		struct sk_buff *skb = nblt_head_frag(test, nr, 256);
		struct nbl *parent = nbl_wrap(pool, skb, 0, GFP_KERNEL);
		struct sk_buff *p, *c;
		struct nbl *child;

		KUNIT_ASSERT_FALSE(test, IS_ERR(parent));
		p = nbl_first_nb(parent);
		child = nbl_clone(parent, NBL_CLONE_OWN, GFP_KERNEL);
		KUNIT_ASSERT_FALSE(test, IS_ERR(child));
		c = nbl_first_nb(child);
		KUNIT_EXPECT_TRUE(test, nblt_same_bytes(c, p));
		KUNIT_EXPECT_EQ(test, STAT(pool, fallback_frags), extra);
		KUNIT_EXPECT_EQ(test, skb_shinfo(c) == skb_shinfo(p), !!extra);
		if (!extra) {
			KUNIT_EXPECT_EQ(test, skb_shinfo(c)->nr_frags,
					NBL_MAX_SKB_FRAGS);
			own_expect_pages(test, p, c, 1);
		}
		KUNIT_EXPECT_EQ(test, nbl_free_clone(child), 0);
		KUNIT_EXPECT_EQ(test, nbl_free(parent), 0);
	}
}

/*
 * Frags the CPU cannot read (devmem) cannot be referenced page by page:
 * the child falls back to share mode. Kernels before 6.12 have no such
 * frags, so there is nothing to prove there.
 */
static void clone_own_unreadable_test(struct kunit *test)
{
#ifdef HAVE_SKB_FRAGS_READABLE
	struct nbl_pool *pool = test->priv;
	struct nbl *parent = clone_parent(test, pool, NBLT_PAGED);
	struct sk_buff *p = nbl_first_nb(parent), *c;
	struct nbl *child;

	/* Only the flag is tested; the pages stay real so they free normally. */
	p->unreadable = 1;
	child = nbl_clone(parent, NBL_CLONE_OWN, GFP_KERNEL);
	p->unreadable = 0;
	KUNIT_ASSERT_FALSE(test, IS_ERR(child));
	c = nbl_first_nb(child);
	KUNIT_EXPECT_EQ(test, STAT(pool, fallback_unreadable), 1);
	KUNIT_EXPECT_PTR_EQ(test, skb_shinfo(c), skb_shinfo(p));
	c->unreadable = 0;
	KUNIT_EXPECT_EQ(test, nbl_free_clone(child), 0);
	KUNIT_EXPECT_EQ(test, nbl_free(parent), 0);
#else
	kunit_skip(test, "no unreadable (devmem) frags on this kernel");
#endif
}

/* A clone of a clone has the clone as its parent. */
static void clone_of_clone_test(struct kunit *test)
{
	struct nbl_pool *pool = test->priv;
	struct nbl *parent = clone_parent(test, pool, NBLT_PAGED);
	struct nbl *child, *grand;

	child = nbl_clone(parent, NBL_CLONE_OWN, GFP_KERNEL);
	KUNIT_ASSERT_FALSE(test, IS_ERR(child));
	grand = nbl_clone(child, NBL_CLONE_SHARE, GFP_KERNEL);
	KUNIT_ASSERT_FALSE(test, IS_ERR(grand));
	KUNIT_EXPECT_PTR_EQ(test, grand->parent, child);
	KUNIT_EXPECT_EQ(test, nbl_child_refs(child), 1);
	KUNIT_EXPECT_EQ(test, nbl_child_refs(parent), 1);
	KUNIT_EXPECT_TRUE(test, nblt_same_bytes(nbl_first_nb(grand),
						nbl_first_nb(parent)));
	KUNIT_EXPECT_EQ(test, STAT(pool, clones), 2);

	KUNIT_EXPECT_EQ(test, nbl_free(parent), 0);
	KUNIT_EXPECT_EQ(test, nbl_free_clone(child), 0);
	KUNIT_EXPECT_EQ(test, STAT(pool, outstanding), 3);
	KUNIT_EXPECT_EQ(test, nbl_free_clone(grand), 0);
}

/*
 * Completion: parent and children freed in every relative order, some
 * children's skbs orphaned (their destructor run early) before that.
 */
struct complete_case {
	int children;
	int parent_pos;		/* freed after this many children */
	bool orphan_odd;	/* orphan every odd child's skb first */
	char desc[32];
};

static struct complete_case complete_cases[2 * (2 + 3 + 4 + 5 + 6 + 7 + 8 + 9)];

static void complete_cases_init(void)
{
	int n, pos, orphan, i = 0;

	for (n = 1; n <= 8; n++)
		for (pos = 0; pos <= n; pos++)
			for (orphan = 0; orphan < 2; orphan++) {
				struct complete_case *c = &complete_cases[i++];

				c->children = n;
				c->parent_pos = pos;
				c->orphan_odd = orphan;
				snprintf(c->desc, sizeof(c->desc), "%d children, parent %d%s",
					 n, pos, orphan ? ", orphaned" : "");
			}
}

static NBLC_KUNIT_GEN_PARAMS(complete_gen_params)
{
	const struct complete_case *c = prev;

	if (!c) {
		complete_cases_init();
		c = complete_cases;
	} else if (++c == complete_cases + ARRAY_SIZE(complete_cases)) {
		return NULL;
	}
	strscpy(desc, c->desc, KUNIT_PARAM_DESC_SIZE);
	return c;
}

static void count_completion(struct nbl *nbl, void *arg)
{
	atomic_inc(arg);
}

static void clone_complete_order_test(struct kunit *test)
{
	const struct complete_case *cc = test->param_value;
	struct nbl_pool *pool = test->priv;
	struct nbl *parent = clone_parent(test, pool, NBLT_HEAD_FRAG);
	atomic_t parent_done = ATOMIC_INIT(0), child_done[8];
	struct nbl *child[8];
	int i, freed = 0;

	nbl_on_complete(parent, count_completion, &parent_done);
	for (i = 0; i < cc->children; i++) {
		atomic_set(&child_done[i], 0);
		child[i] = nbl_clone(parent, i % 2 ? NBL_CLONE_OWN : NBL_CLONE_SHARE,
				     GFP_KERNEL);
		KUNIT_ASSERT_FALSE(test, IS_ERR(child[i]));
		nbl_on_complete(child[i], count_completion, &child_done[i]);
		if (cc->orphan_odd && i % 2)
			skb_orphan(nbl_first_nb(child[i]));
	}
	KUNIT_EXPECT_EQ(test, nbl_child_refs(parent), cc->children);

	for (i = 0; i <= cc->children; i++) {
		if (i == cc->parent_pos)
			KUNIT_EXPECT_EQ(test, nbl_free(parent), 0);
		if (i < cc->children) {
			KUNIT_EXPECT_EQ(test, nbl_free_clone(child[i]), 0);
			KUNIT_EXPECT_EQ(test, atomic_read(&child_done[i]), 1);
			freed++;
		}
		KUNIT_EXPECT_EQ(test, atomic_read(&parent_done),
				freed == cc->children && i >= cc->parent_pos ? 1 : 0);
	}
	KUNIT_EXPECT_EQ(test, atomic_read(&parent_done), 1);
}

/*
 * A sent NB keeps its clone, and so the parent, pending until whoever holds
 * it frees or orphans it.
 */
static void clone_popped_nb_test(struct kunit *test)
{
	struct nbl_pool *pool = test->priv;
	struct nbl *parent = clone_parent(test, pool, NBLT_PAGED);
	atomic_t parent_done = ATOMIC_INIT(0), child_done = ATOMIC_INIT(0);
	struct sk_buff *sent;
	struct nbl *child;

	nbl_on_complete(parent, count_completion, &parent_done);
	child = nbl_clone(parent, NBL_CLONE_SHARE, GFP_KERNEL);
	KUNIT_ASSERT_FALSE(test, IS_ERR(child));
	nbl_on_complete(child, count_completion, &child_done);
	sent = nbl_pop_nb(child);
	KUNIT_ASSERT_NOT_NULL(test, sent);
	KUNIT_EXPECT_EQ(test, nbl_nb_count(child), 0);

	KUNIT_EXPECT_EQ(test, nbl_free_clone(child), 0);
	KUNIT_EXPECT_EQ(test, nbl_free(parent), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&child_done), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&parent_done), 0);
	/* Orphaned by its holder: that ends the dependency, not the free. */
	skb_orphan(sent);
	KUNIT_EXPECT_EQ(test, atomic_read(&child_done), 1);
	KUNIT_EXPECT_EQ(test, atomic_read(&parent_done), 1);
	kfree_skb(sent);
	KUNIT_EXPECT_EQ(test, atomic_read(&parent_done), 1);
}

/* Each misuse is refused with its errno, counted once, and changes nothing. */
static void clone_misuse_test(struct kunit *test)
{
	struct nbl_pool *pool = test->priv;
	struct nbl *parent = clone_parent(test, pool, NBLT_LINEAR);
	struct sk_buff *skb = nblt_make(test, NBLT_LINEAR);
	struct nbl *child, *borrow;
	u64 misuse = 0;

#define EXPECT_MISUSE(call, err) do {					\
		KUNIT_EXPECT_EQ(test, (long)(call), (long)(err));	\
		KUNIT_EXPECT_EQ(test, STAT(pool, misuse), ++misuse);	\
	} while (0)

	child = nbl_clone(parent, NBL_CLONE_SHARE, GFP_KERNEL);
	KUNIT_ASSERT_FALSE(test, IS_ERR(child));
	EXPECT_MISUSE(PTR_ERR(nbl_clone(parent, 0, GFP_KERNEL)), -EINVAL);
	EXPECT_MISUSE(PTR_ERR(nbl_clone(parent, NBL_CLONE_SHARE | NBL_CLONE_OWN,
					GFP_KERNEL)), -EINVAL);
	EXPECT_MISUSE(PTR_ERR(nbl_clone(parent, BIT(8), GFP_KERNEL)), -EINVAL);
	EXPECT_MISUSE(nbl_free(child), -EINVAL);
	EXPECT_MISUSE(nbl_free_clone(parent), -EINVAL);
	EXPECT_MISUSE(nbl_unborrow(parent), -EINVAL);
	KUNIT_EXPECT_EQ(test, nbl_child_refs(parent), 1);

	/* Released but pending on its child: a second free, a clone. */
	KUNIT_EXPECT_EQ(test, nbl_free(parent), 0);
	EXPECT_MISUSE(nbl_free(parent), -EINVAL);
	EXPECT_MISUSE(PTR_ERR(nbl_clone(parent, NBL_CLONE_SHARE, GFP_KERNEL)),
		      -EINVAL);
	KUNIT_EXPECT_EQ(test, nbl_child_refs(parent), 1);

	/* A borrowing NBL: not freed, not popped, until it lets go. */
	borrow = nbl_wrap(pool, skb, NBL_WRAP_BORROW, GFP_KERNEL);
	KUNIT_ASSERT_FALSE(test, IS_ERR(borrow));
	EXPECT_MISUSE(nbl_free(borrow), -EBUSY);
	EXPECT_MISUSE((long)nbl_pop_nb(borrow), 0);
	KUNIT_EXPECT_EQ(test, nbl_unborrow(borrow), 0);
	KUNIT_EXPECT_NULL(test, skb->next);
	KUNIT_EXPECT_EQ(test, nbl_free(borrow), 0);
	kfree_skb(skb);
	EXPECT_MISUSE(PTR_ERR(nbl_wrap(pool, NULL, 0, GFP_KERNEL)), -EINVAL);

	KUNIT_EXPECT_EQ(test, nbl_free_clone(child), 0);
#undef EXPECT_MISUSE
}

/* Every allocation of a clone failing in turn: an error, nothing else. */
static void clone_fault_test(struct kunit *test)
{
	static const unsigned int modes[] = {
		NBL_CLONE_SHARE, NBL_CLONE_OWN, NBL_CLONE_PSKB_COPY, NBL_CLONE_COPY,
	};
	struct nbl_pool *pool = test->priv;
	struct nbl *parent = clone_parent(test, pool, NBLT_HEAD_FRAG);
	struct sk_buff *p = nbl_first_nb(parent);
	int dataref = atomic_read(&skb_shinfo(p)->dataref);
	int m, nth, injected = 0;

	for (m = 0; m < ARRAY_SIZE(modes); m++) {
		for (nth = 1; nth < 16; nth++) {
			u64 failures = STAT(pool, failures);
			struct nbl *child;

			nbl_fault_fail_nth(nth);
			child = nbl_clone(parent, modes[m], GFP_KERNEL);
			if (!IS_ERR(child)) {
				/* The clone made fewer calls: all have failed. */
				KUNIT_EXPECT_GT(test, nbl_fault_nth_left(), 0);
				nbl_fault_fail_nth(0);
				KUNIT_EXPECT_EQ(test, nbl_free_clone(child), 0);
				break;
			}
			injected++;
			KUNIT_EXPECT_EQ(test, PTR_ERR(child), -ENOMEM);
			KUNIT_EXPECT_EQ(test, STAT(pool, failures), failures + 1);
			KUNIT_EXPECT_EQ(test, nbl_child_refs(parent), 0);
			KUNIT_EXPECT_EQ(test, STAT(pool, outstanding), 1);
			KUNIT_EXPECT_EQ(test, atomic_read(&skb_shinfo(p)->dataref),
					dataref);
			own_expect_pages(test, p, p, 0);
		}
		KUNIT_EXPECT_LT(test, nth, 16);
	}
	/* nbl_alloc, skb_alloc and owner, in each of the four modes */
	KUNIT_EXPECT_GE(test, injected, 12);
	KUNIT_EXPECT_EQ(test, nbl_free(parent), 0);
}

/*
 * Shared children (nbl_clone_share()): the skb_clone() of the parent's NB,
 * with no NBL of its own; the parent completes exactly once, after its
 * owner released it and the last shared child was freed or orphaned.
 */
static void count_share(void *arg)
{
	atomic_inc(arg);
}

static void clone_shared_test(struct kunit *test)
{
	const enum nblt_shape *shape = test->param_value;
	struct nbl_pool *pool = test->priv;
	struct nbl *parent = clone_parent(test, pool, *shape);
	struct sk_buff *p = nbl_first_nb(parent), *c[2];
	int dataref = atomic_read(&skb_shinfo(p)->dataref);
	atomic_t parent_done = ATOMIC_INIT(0), done = ATOMIC_INIT(0);
	u64 clones = STAT(pool, clones);

	nbl_on_complete(parent, count_completion, &parent_done);
	c[0] = nbl_clone_share(parent, count_share, &done, GFP_KERNEL);
	KUNIT_ASSERT_FALSE(test, IS_ERR(c[0]));
	/* BHs off, as in a hook: the owner table skips its own BH toggle. */
	local_bh_disable();
	c[1] = nbl_clone_share(parent, count_share, &done, GFP_ATOMIC);
	local_bh_enable();
	KUNIT_ASSERT_FALSE(test, IS_ERR(c[1]));

	KUNIT_EXPECT_PTR_EQ(test, skb_shinfo(c[0]), skb_shinfo(p));
	KUNIT_EXPECT_PTR_EQ(test, c[1]->data, p->data);
	KUNIT_EXPECT_EQ(test, atomic_read(&skb_shinfo(p)->dataref), dataref + 2);
	KUNIT_EXPECT_TRUE(test, nblt_same_bytes(c[1], p));
	KUNIT_EXPECT_TRUE(test, nbl_nb_is_clone(c[0]));
	KUNIT_EXPECT_FALSE(test, nbl_nb_is_clone(p));
	KUNIT_EXPECT_EQ(test, nbl_child_refs(parent), 2);
	/* No NBL per child: the parent is the only one out. */
	KUNIT_EXPECT_EQ(test, STAT(pool, outstanding), 1);
	KUNIT_EXPECT_EQ(test, STAT(pool, bytes_copied), 0);

	kfree_skb(c[0]);
	KUNIT_EXPECT_EQ(test, atomic_read(&done), 1);
	KUNIT_EXPECT_EQ(test, nbl_child_refs(parent), 1);
	KUNIT_EXPECT_EQ(test, nbl_free(parent), 0);
	KUNIT_EXPECT_EQ(test, STAT(pool, clones), clones + 2);
	KUNIT_EXPECT_EQ(test, nbl_child_refs(parent), 1);
	KUNIT_EXPECT_EQ(test, atomic_read(&parent_done), 0);
	consume_skb(c[1]);
	KUNIT_EXPECT_EQ(test, atomic_read(&done), 2);
	KUNIT_EXPECT_EQ(test, atomic_read(&parent_done), 1);
	KUNIT_EXPECT_EQ(test, STAT(pool, outstanding), 0);
}

/*
 * Shared children freed in every order relative to the parent, every odd
 * one orphaned first (its destructor run early, the skb still alive), and
 * an NBL clone among them.
 */
static void clone_shared_complete_test(struct kunit *test)
{
	const struct complete_case *cc = test->param_value;
	struct nbl_pool *pool = test->priv;
	struct nbl *parent = clone_parent(test, pool, NBLT_PAGED);
	atomic_t parent_done = ATOMIC_INIT(0), done[8];
	int i, live = cc->children + 1;
	struct sk_buff *c[8];
	struct nbl *clone;

	nbl_on_complete(parent, count_completion, &parent_done);
	clone = nbl_clone(parent, NBL_CLONE_OWN, GFP_KERNEL);
	KUNIT_ASSERT_FALSE(test, IS_ERR(clone));
	for (i = 0; i < cc->children; i++) {
		atomic_set(&done[i], 0);
		c[i] = nbl_clone_share(parent, count_share, &done[i], GFP_KERNEL);
		KUNIT_ASSERT_FALSE(test, IS_ERR(c[i]));
	}
	KUNIT_EXPECT_EQ(test, nbl_child_refs(parent), live);
	KUNIT_EXPECT_EQ(test, nbl_free_clone(clone), 0);
	live--;
	for (i = 1; cc->orphan_odd && i < cc->children; i += 2) {
		skb_orphan(c[i]);
		KUNIT_EXPECT_EQ(test, atomic_read(&done[i]), 1);
		live--;
	}
	KUNIT_EXPECT_EQ(test, nbl_child_refs(parent), live);

	for (i = 0; i <= cc->children; i++) {
		if (i == cc->parent_pos)
			KUNIT_EXPECT_EQ(test, nbl_free(parent), 0);
		if (i < cc->children) {
			if (!c[i]->destructor)
				live++;
			kfree_skb(c[i]);
			KUNIT_EXPECT_EQ(test, atomic_read(&done[i]), 1);
			live--;
		}
		KUNIT_EXPECT_EQ(test, atomic_read(&parent_done),
				!live && i >= cc->parent_pos ? 1 : 0);
	}
	KUNIT_EXPECT_EQ(test, atomic_read(&parent_done), 1);
}

/*
 * The mirror's data path with BHs off or on at each end: where the parent
 * is made (a hook: BHs off, from the pool's per-CPU stack; a task: the
 * slab) and where its last shared child is freed, which completes and
 * releases it (a softirq: BHs off, to the stack; a task: the slab). An NBL
 * may come from one and go back to the other; each is counted once.
 */
struct shared_bh_case {
	const char *desc;
	bool make_bh_off;
	bool free_bh_off;
};

static const struct shared_bh_case shared_bh_cases[] = {
	{ "made and freed with BHs off", true, true },
	{ "made with BHs off, freed from a task", true, false },
	{ "made from a task, freed with BHs off", false, true },
	{ "made and freed from a task", false, false },
};

static void shared_bh_desc(const struct shared_bh_case *c, char *desc)
{
	strscpy(desc, c->desc, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(shared_bh, shared_bh_cases, shared_bh_desc);

static void clone_shared_bh_test(struct kunit *test)
{
	const struct shared_bh_case *cc = test->param_value;
	struct nbl_pool *pool = test->priv;
	struct sk_buff *skb = nblt_make(test, NBLT_PAGED), *c[2];
	atomic_t parent_done = ATOMIC_INIT(0), done = ATOMIC_INIT(0);
	u64 allocated = STAT(pool, allocated), freed = STAT(pool, freed);
	struct nbl *parent;
	int round, i;

	for (round = 0; round < 2; round++) {
		if (cc->make_bh_off)
			local_bh_disable();
		parent = nbl_wrap(pool, skb, NBL_WRAP_BORROW, GFP_ATOMIC);
		if (!IS_ERR(parent)) {
			nbl_on_complete(parent, count_completion, &parent_done);
			for (i = 0; i < ARRAY_SIZE(c); i++)
				c[i] = nbl_clone_share(parent, count_share,
						       &done, GFP_ATOMIC);
			nbl_unborrow(parent);
			nbl_free(parent);
		}
		if (cc->make_bh_off)
			local_bh_enable();
		KUNIT_ASSERT_FALSE(test, IS_ERR(parent));
		KUNIT_ASSERT_FALSE(test, IS_ERR(c[0]));
		KUNIT_ASSERT_FALSE(test, IS_ERR(c[1]));
		KUNIT_EXPECT_EQ(test, STAT(pool, outstanding), 1);

		kfree_skb(c[0]);
		if (cc->free_bh_off)
			local_bh_disable();
		consume_skb(c[1]);
		if (cc->free_bh_off)
			local_bh_enable();
		KUNIT_EXPECT_EQ(test, atomic_read(&done), 2 * (round + 1));
		KUNIT_EXPECT_EQ(test, atomic_read(&parent_done), round + 1);
		KUNIT_EXPECT_EQ(test, STAT(pool, allocated), allocated + round + 1);
		KUNIT_EXPECT_EQ(test, STAT(pool, freed), freed + round + 1);
		KUNIT_EXPECT_EQ(test, STAT(pool, outstanding), 0);
	}
	kfree_skb(skb);
}

/* Each misuse is refused with its errno, counted once, changes nothing. */
static void clone_shared_misuse_test(struct kunit *test)
{
	const struct nbl_pool_params too_many = {
		.shares = NBL_POOL_SHARES_MAX + 1,
	};
	struct nbl_pool *pool = test->priv;
	struct nbl *parent = clone_parent(test, pool, NBLT_LINEAR);
	struct sk_buff *p = nbl_first_nb(parent), *c[NBLT_SHARES], *two;
	int dataref = atomic_read(&skb_shinfo(p)->dataref);
	atomic_t done = ATOMIC_INIT(0);
	struct nbl *clone, *pair;
	u64 misuse = 0;
	int i;

#define EXPECT_MISUSE(call, err) do {					\
		KUNIT_EXPECT_EQ(test, PTR_ERR(call), (long)(err));	\
		KUNIT_EXPECT_EQ(test, STAT(pool, misuse), ++misuse);	\
	} while (0)

	KUNIT_EXPECT_EQ(test, PTR_ERR(nbl_pool_create("x", &too_many)), -EINVAL);
	EXPECT_MISUSE(nbl_clone_share(parent, NULL, NULL, GFP_KERNEL), -EINVAL);
	clone = nbl_clone(parent, NBL_CLONE_SHARE, GFP_KERNEL);
	KUNIT_ASSERT_FALSE(test, IS_ERR(clone));
	EXPECT_MISUSE(nbl_clone_share(clone, count_share, &done, GFP_KERNEL),
		      -EINVAL);
	KUNIT_EXPECT_EQ(test, nbl_free_clone(clone), 0);

	/* Two NBs: which one would the child be? */
	two = nblt_make(test, NBLT_LINEAR);
	two->next = nblt_make(test, NBLT_LINEAR);
	pair = nbl_wrap(pool, two, 0, GFP_KERNEL);
	KUNIT_ASSERT_FALSE(test, IS_ERR(pair));
	EXPECT_MISUSE(nbl_clone_share(pair, count_share, &done, GFP_KERNEL),
		      -EINVAL);
	KUNIT_EXPECT_EQ(test, nbl_free(pair), 0);

	for (i = 0; i < NBLT_SHARES; i++) {
		c[i] = nbl_clone_share(parent, count_share, &done, GFP_KERNEL);
		KUNIT_ASSERT_FALSE(test, IS_ERR(c[i]));
	}
	EXPECT_MISUSE(nbl_clone_share(parent, count_share, &done, GFP_KERNEL),
		      -ENOSPC);
	KUNIT_EXPECT_EQ(test, nbl_child_refs(parent), NBLT_SHARES);
	/* Only the children made hold the data: none of the refused ones. */
	KUNIT_EXPECT_EQ(test, atomic_read(&skb_shinfo(p)->dataref),
			dataref + NBLT_SHARES);
	KUNIT_EXPECT_EQ(test, nbl_free(parent), 0);
	EXPECT_MISUSE(nbl_clone_share(parent, count_share, &done, GFP_KERNEL),
		      -EINVAL);
	for (i = 0; i < NBLT_SHARES; i++)
		kfree_skb(c[i]);
	KUNIT_EXPECT_EQ(test, atomic_read(&done), NBLT_SHARES);
#undef EXPECT_MISUSE
}

/*
 * Every fault-injectable call of a shared child failing in turn: the skb
 * and the owner slot, nothing else (no NBL). An error, the slot stays free
 * for the next child, the parent as it was.
 */
static void clone_shared_fault_test(struct kunit *test)
{
	struct nbl_pool *pool = test->priv;
	struct nbl *parent = clone_parent(test, pool, NBLT_HEAD_FRAG);
	struct sk_buff *p = nbl_first_nb(parent), *c[NBLT_SHARES];
	int dataref = atomic_read(&skb_shinfo(p)->dataref);
	atomic_t parent_done = ATOMIC_INIT(0), done = ATOMIC_INIT(0);
	int nth, i;

	nbl_on_complete(parent, count_completion, &parent_done);
	for (i = 0; i < NBLT_SHARES; i++) {
		for (nth = 1; nth < 8; nth++) {
			u64 failures = STAT(pool, failures);

			nbl_fault_fail_nth(nth);
			c[i] = nbl_clone_share(parent, count_share, &done,
					       GFP_KERNEL);
			if (!IS_ERR(c[i])) {
				KUNIT_EXPECT_GT(test, nbl_fault_nth_left(), 0);
				nbl_fault_fail_nth(0);
				break;
			}
			KUNIT_EXPECT_EQ(test, PTR_ERR(c[i]), -ENOMEM);
			KUNIT_EXPECT_EQ(test, STAT(pool, failures), failures + 1);
			KUNIT_EXPECT_EQ(test, nbl_child_refs(parent), i);
			KUNIT_EXPECT_EQ(test, atomic_read(&skb_shinfo(p)->dataref),
					dataref + i);
		}
		/* skb_alloc and owner */
		KUNIT_EXPECT_EQ(test, nth, 3);
	}
	KUNIT_EXPECT_EQ(test, atomic_read(&done), 0);
	KUNIT_EXPECT_EQ(test, STAT(pool, outstanding), 1);
	KUNIT_EXPECT_EQ(test, nbl_free(parent), 0);
	for (i = 0; i < NBLT_SHARES; i++)
		kfree_skb(c[i]);
	KUNIT_EXPECT_EQ(test, atomic_read(&done), NBLT_SHARES);
	KUNIT_EXPECT_EQ(test, atomic_read(&parent_done), 1);
}

static struct kunit_case clone_test_cases[] = {
	KUNIT_CASE_PARAM(clone_share_test, all_shapes_gen_params),
	KUNIT_CASE_PARAM(clone_own_test, all_shapes_gen_params),
	KUNIT_CASE_PARAM(clone_own_isolated_test, paged_shapes_gen_params),
	KUNIT_CASE_PARAM(clone_copy_test, all_shapes_gen_params),
	KUNIT_CASE(clone_own_gso_csum_test),
	KUNIT_CASE(clone_own_page_pool_test),
	KUNIT_CASE(clone_own_zerocopy_test),
	KUNIT_CASE(clone_own_zerocopy_copy_test),
	KUNIT_CASE(clone_own_frags_limit_test),
	KUNIT_CASE(clone_own_unreadable_test),
	KUNIT_CASE(clone_of_clone_test),
	KUNIT_CASE_PARAM(clone_complete_order_test, complete_gen_params),
	KUNIT_CASE(clone_popped_nb_test),
	KUNIT_CASE(clone_misuse_test),
	KUNIT_CASE(clone_fault_test),
	KUNIT_CASE_PARAM(clone_shared_test, all_shapes_gen_params),
	KUNIT_CASE_PARAM(clone_shared_complete_test, complete_gen_params),
	KUNIT_CASE_PARAM(clone_shared_bh_test, shared_bh_gen_params),
	KUNIT_CASE(clone_shared_misuse_test),
	KUNIT_CASE(clone_shared_fault_test),
	{}
};

static struct kunit_suite clone_test_suite = {
	.name = "nblclone_clone",
	.init = nblt_pool_init,
	.exit = nblt_pool_exit,
	.test_cases = clone_test_cases,
};

kunit_test_suite(clone_test_suite);
