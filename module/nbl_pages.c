// SPDX-License-Identifier: GPL-2.0
/*
 * skbs that reference another skb's data instead of copying it: the NBs of
 * own-descriptor clones and of derived NBLs (NDIS: new MDLs, same data).
 *
 * The new skb has its own skb_shared_info. Every payload page it points at
 * is held by a plain page reference, so it never has pp_recycle (page_pool
 * pages would otherwise be returned twice), and its frags are marked shared
 * so that nothing writes or decrypts them in place. Only bytes that are not
 * page-backed (a kmalloc'd head) are copied, and those are counted.
 */
#include <linux/etherdevice.h>
#include <linux/if_arp.h>
#include <linux/if_ether.h>
#include <linux/netdevice.h>
#include <linux/skbuff.h>

#include "compat.h"
#include "nbl_internal.h"

/* Room in front of an own-descriptor clone for what a target pushes. */
#define NBL_OWN_HEADROOM	(NET_SKB_PAD + LL_MAX_HEADER)

struct nbl_fault nbl_fault_skb_alloc = NBL_FAULT_INIT("skb_alloc");

/* skb_clone(), as a fault-injectable allocation site. */
struct sk_buff *nbl_skb_clone(struct sk_buff *skb, gfp_t gfp)
{
	if (nbl_fault_fail(&nbl_fault_skb_alloc))
		return NULL;
	return skb_clone(skb, gfp);
}

/* An skb under construction, and what it cost. */
struct nbl_builder {
	struct sk_buff *n;
	gfp_t gfp;
	unsigned int copied;
};

static struct sk_buff *nbl_builder_start(struct nbl_builder *b,
					 const struct sk_buff *like,
					 unsigned int headroom,
					 unsigned int linear, gfp_t gfp)
{
	struct sk_buff *n;

	if (nbl_fault_fail(&nbl_fault_skb_alloc))
		return NULL;
	n = __alloc_skb(headroom + linear, gfp,
			skb_pfmemalloc(like) ? SKB_ALLOC_RX : 0, NUMA_NO_NODE);
	if (!n)
		return NULL;
	skb_reserve(n, headroom);
	b->n = n;
	b->gfp = gfp;
	b->copied = 0;
	return n;
}

/* Returns the bytes the skb copied, now counted in @pool. */
static unsigned int nbl_builder_finish(struct nbl_builder *b,
				       struct nbl_pool *pool)
{
	if (skb_shinfo(b->n)->nr_frags)
		skb_shinfo(b->n)->flags |= SKBFL_SHARED_FRAG;
	if (b->copied)
		this_cpu_add(pool->pcpu->bytes_copied, b->copied);
	return b->copied;
}

/* Append a frag; @take_ref is false for a page whose reference we own. */
static int nbl_add_page(struct nbl_builder *b, struct page *page,
			unsigned int off, unsigned int len, bool take_ref)
{
	struct sk_buff *n = b->n;
	int i = skb_shinfo(n)->nr_frags;

	if (i >= NBL_MAX_SKB_FRAGS)
		return -E2BIG;
	if (take_ref)
		get_page(page);
	__skb_fill_page_desc(n, i, page, off, len);
	skb_shinfo(n)->nr_frags = i + 1;
	n->len += len;
	n->data_len += len;
	n->truesize += len;
	return 0;
}

/* Bytes of a head that is not page-backed, after a frag: a page of their own. */
static int nbl_add_copy_page(struct nbl_builder *b, const void *p,
			     unsigned int len)
{
	struct page *page;
	int err;

	if (nbl_fault_fail(&nbl_fault_skb_alloc))
		return -ENOMEM;
	page = alloc_pages(b->gfp | __GFP_COMP, get_order(len));
	if (!page)
		return -ENOMEM;
	memcpy(page_address(page), p, len);
	err = nbl_add_page(b, page, 0, len, false);
	if (err)
		put_page(page);
	return err;
}

/* Bytes [off, off + len) of @src's linear part, @off counted from data. */
static int nbl_add_linear(struct nbl_builder *b, const struct sk_buff *src,
			  unsigned int off, unsigned int len)
{
	void *p = src->data + off;
	struct page *page;

	if (src->head_frag) {
		page = virt_to_head_page(src->head);
		return nbl_add_page(b, page, p - page_address(page), len, true);
	}
	b->copied += len;
	if (!skb_shinfo(b->n)->nr_frags && skb_tailroom(b->n) >= len) {
		skb_put_data(b->n, p, len);
		return 0;
	}
	return nbl_add_copy_page(b, p, len);
}

/* Bytes [off, off + len) of @src's data, @off counted from data. */
static int nbl_add_range(struct nbl_builder *b, const struct sk_buff *src,
			 unsigned int off, unsigned int len)
{
	unsigned int headlen = skb_headlen(src);
	int i, err;

	if (off < headlen) {
		unsigned int l = min(len, headlen - off);

		err = nbl_add_linear(b, src, off, l);
		if (err)
			return err;
		off += l;
		len -= l;
	}
	off -= headlen;
	for (i = 0; len && i < skb_shinfo(src)->nr_frags; i++) {
		const skb_frag_t *f = &skb_shinfo(src)->frags[i];
		unsigned int size = skb_frag_size(f), l;

		if (off >= size) {
			off -= size;
			continue;
		}
		l = min(len, size - off);
		err = nbl_add_page(b, skb_frag_page(f), skb_frag_off(f) + off,
				   l, true);
		if (err)
			return err;
		off = 0;
		len -= l;
	}
	/* What is left is on a frag_list, which callers keep away from here. */
	return len ? -EOPNOTSUPP : 0;
}

/*
 * The bytes an own-descriptor clone copies, as offsets from skb->head: from
 * the MAC header when it is set (at ingress it lies before data), to the
 * end of what a target must be able to write in the linear area: the MAC
 * header, and for CHECKSUM_PARTIAL the checksum field itself.
 */
static void nbl_own_header_span(const struct sk_buff *skb,
				unsigned int *start, unsigned int *end)
{
	unsigned int data = skb_headroom(skb);
	unsigned int s = data, e = data;

	if (skb_mac_header_was_set(skb)) {
		s = min_t(unsigned int, s, skb->mac_header);
		e = max_t(unsigned int, e, skb->mac_header +
			  max_t(unsigned int, skb->mac_len, ETH_HLEN));
	}
	if (skb->ip_summed == CHECKSUM_PARTIAL)
		e = max_t(unsigned int, e,
			  skb->csum_start + skb->csum_offset + sizeof(__sum16));
	*start = s;
	*end = min(e, data + skb_headlen(skb));
}

/*
 * Of the bytes of @skb's linear part from @end (an offset from skb->head)
 * on, how many are still protocol headers: as far as the flow dissector
 * finds them behind an Ethernet MAC header (eth_get_headlen(), as drivers
 * that split headers from payload use it). An own-descriptor clone copies
 * a head that is not page-backed; its headers are not payload.
 */
static unsigned int nbl_header_rest(const struct sk_buff *skb,
				    unsigned int end)
{
	unsigned int linear_end = skb_headroom(skb) + skb_headlen(skb);
	unsigned int mac = skb->mac_header, hdrs;

	if (!skb->dev || skb->dev->type != ARPHRD_ETHER ||
	    !skb_mac_header_was_set(skb) || mac >= linear_end)
		return 0;
	hdrs = mac + eth_get_headlen(skb->dev, skb->head + mac,
				     linear_end - mac);
	return hdrs > end ? min(hdrs, linear_end) - end : 0;
}

/* Whether an own-descriptor clone of @skb can't be made; counts why. */
static bool nbl_own_fallback(struct nbl_pool *pool, const struct sk_buff *skb,
			     unsigned int hdr_end)
{
	bool head_rest = skb->head_frag &&
			 hdr_end < skb_headroom(skb) + skb_headlen(skb);

	if (skb_has_frag_list(skb)) {
		this_cpu_inc(pool->pcpu->fallback_frag_list);
		return true;
	}
	if (!skb_frags_readable(skb)) {
		this_cpu_inc(pool->pcpu->fallback_unreadable);
		return true;
	}
	if (skb_shinfo(skb)->nr_frags + head_rest > NBL_MAX_SKB_FRAGS) {
		this_cpu_inc(pool->pcpu->fallback_frags);
		return true;
	}
	return false;
}

/*
 * An own-descriptor clone of @skb: a private copy of its headers with room
 * in front, then references to the rest. Where that cannot be done safely
 * it is an skb_clone() instead, counted per cause. Adds the bytes it copied
 * beyond the headers to @copied: payload in a head that is not page-backed.
 */
struct sk_buff *nbl_skb_own(struct nbl_pool *pool, struct sk_buff *skb,
			    gfp_t gfp, unsigned int *copied)
{
	unsigned int start, end, data = skb_headroom(skb), linear;
	struct nbl_builder b;
	struct sk_buff *n;

	nbl_own_header_span(skb, &start, &end);
	if (nbl_own_fallback(pool, skb, end))
		return nbl_skb_clone(skb, gfp);

	linear = end - start;
	if (!skb->head_frag)
		linear += data + skb_headlen(skb) - end;
	n = nbl_builder_start(&b, skb, NBL_OWN_HEADROOM, linear, gfp);
	if (!n)
		return NULL;
	skb_put_data(n, skb->head + start, end - start);
	__skb_pull(n, data - start);
	if (nbl_add_range(&b, skb, end - data, skb->len - (end - data))) {
		kfree_skb(n);
		return NULL;
	}
	/* The rest of a head that is not page-backed was copied from @end. */
	if (!skb->head_frag)
		b.copied -= min(b.copied, nbl_header_rest(skb, end));
	*copied += nbl_builder_finish(&b, pool);
	skb_copy_header(n, skb);
	skb_headers_offset_update(n, skb_headroom(n) - skb_headroom(skb));
	if (skb_zcopy(skb))
		skb_zcopy_set(n, skb_uarg(skb), NULL);
	return n;
}

/**
 * nbl_skb_ref_range() - an skb made of a range of a list of NBs' data
 * @pool: whose counters pay for what is copied
 * @first: the NB the range is counted from
 * @list: the list @first is on
 * @off: where the range starts, counted from @first's data
 * @len: its length; the NBs from @first on must hold it, without frag_list
 * @gfp: allocation flags
 *
 * The skb carries data only: its headers are reset to the start of it.
 *
 * Return: the skb, or an ERR_PTR(): -ENOMEM, or -E2BIG when the range is
 * in more pieces than an skb has frags.
 */
struct sk_buff *nbl_skb_ref_range(struct nbl_pool *pool, struct sk_buff *first,
				  const struct sk_buff_head *list,
				  unsigned int off, unsigned int len, gfp_t gfp)
{
	struct sk_buff *skb = first, *n;
	struct nbl_builder b;
	unsigned int lead = 0;
	int err = 0;

	while (off >= skb->len) {
		off -= skb->len;
		skb = skb->next;
	}
	if (!skb->head_frag && off < skb_headlen(skb))
		lead = min(len, skb_headlen(skb) - off);
	n = nbl_builder_start(&b, skb, NET_SKB_PAD, lead, gfp);
	if (!n)
		return ERR_PTR(-ENOMEM);

	for (; len && skb != (struct sk_buff *)list; skb = skb->next) {
		unsigned int l = min(len, skb->len - off);

		err = nbl_add_range(&b, skb, off, l);
		if (err)
			break;
		len -= l;
		off = 0;
	}
	if (err) {
		kfree_skb(n);
		return ERR_PTR(err);
	}
	nbl_builder_finish(&b, pool);
	n->protocol = first->protocol;
	n->dev = first->dev;
	skb_reset_mac_header(n);
	skb_reset_network_header(n);
	skb_reset_transport_header(n);
	return n;
}
