// SPDX-License-Identifier: GPL-2.0
/*
 * Test packets of several shapes, built the way drivers and the stack
 * build them, with a byte pattern that tells every byte apart.
 */
#include <linux/etherdevice.h>
#include <linux/ip.h>
#include <linux/tcp.h>
#include <net/ip.h>

#include "compat.h"
#include "shapes.h"

const char *const nblt_shape_names[NBLT_NR_SHAPES] = {
	[NBLT_LINEAR] = "linear",
	[NBLT_PAGED] = "paged",
	[NBLT_HEAD_FRAG] = "head_frag",
	[NBLT_GSO] = "gso64k",
	[NBLT_FRAG_LIST] = "frag_list",
};

#define NBLT_PAYLOAD	1400
#define NBLT_GSO_LEN	65000
#define NBLT_MSS	1448

static u8 nblt_byte(unsigned int i)
{
	return (i * 7 + i / 251) & 0xff;
}

static void nblt_fill(u8 *p, unsigned int from, unsigned int len)
{
	unsigned int i;

	for (i = 0; i < len; i++)
		p[i] = nblt_byte(from + i);
}

/* Valid Ethernet/IPv4/TCP headers at data, for a packet of @len bytes. */
static void nblt_headers(struct sk_buff *skb, unsigned int len)
{
	struct ethhdr *eth = (struct ethhdr *)skb->data;
	struct iphdr *iph = (struct iphdr *)(eth + 1);
	struct tcphdr *th = (struct tcphdr *)(iph + 1);

	memset(skb->data, 0, NBLT_HDR_LEN);
	eth_broadcast_addr(eth->h_dest);
	eth->h_source[0] = 0x02;
	eth->h_proto = htons(ETH_P_IP);
	iph->version = 4;
	iph->ihl = 5;
	iph->ttl = 64;
	iph->protocol = IPPROTO_TCP;
	iph->tot_len = htons(len - ETH_HLEN);
	iph->saddr = htonl(0x0a000001);
	iph->daddr = htonl(0x0a000002);
	ip_send_check(iph);
	th->source = htons(1000);
	th->dest = htons(2000);
	th->doff = 5;
	th->ack = 1;

	skb->protocol = htons(ETH_P_IP);
	skb_reset_mac_header(skb);
	skb_set_network_header(skb, ETH_HLEN);
	skb_set_transport_header(skb, ETH_HLEN + sizeof(*iph));
	skb->mac_len = ETH_HLEN;
}

/* Append @len pattern bytes, from byte @from on, in frags of @chunk bytes. */
static void nblt_add_frags(struct kunit *test, struct sk_buff *skb,
			   unsigned int from, unsigned int len,
			   unsigned int chunk)
{
	while (len) {
		unsigned int l = min(len, chunk);
		struct page *page = alloc_page(GFP_KERNEL);
		int i = skb_shinfo(skb)->nr_frags;

		KUNIT_ASSERT_NOT_NULL(test, page);
		nblt_fill(page_address(page), from, l);
		skb_fill_page_desc(skb, i, page, 0, l);
		skb->len += l;
		skb->data_len += l;
		skb->truesize += PAGE_SIZE;
		from += l;
		len -= l;
	}
}

static struct sk_buff *nblt_linear(struct kunit *test, unsigned int len)
{
	struct sk_buff *skb = alloc_skb(NET_SKB_PAD + len, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, skb);
	skb_reserve(skb, NET_SKB_PAD);
	nblt_fill(skb_put(skb, len), 0, len);
	nblt_headers(skb, len);
	return skb;
}

/**
 * nblt_head_frag() - a page-backed head of 1000 bytes, then page frags
 * @test: the test, asserted on allocation failure
 * @nr_frags: how many frags
 * @chunk: the bytes in each frag, at most PAGE_SIZE
 *
 * Return: the skb, with valid Ethernet/IPv4/TCP headers at data.
 */
struct sk_buff *nblt_head_frag(struct kunit *test, unsigned int nr_frags,
			       unsigned int chunk)
{
	struct page *page = alloc_page(GFP_KERNEL);
	unsigned int head = 1000;
	struct sk_buff *skb;

	KUNIT_ASSERT_NOT_NULL(test, page);
	skb = build_skb(page_address(page), PAGE_SIZE);
	KUNIT_ASSERT_NOT_NULL(test, skb);
	skb_reserve(skb, NET_SKB_PAD);
	nblt_fill(skb_put(skb, head), 0, head);
	nblt_add_frags(test, skb, head, nr_frags * chunk, chunk);
	nblt_headers(skb, skb->len);
	return skb;
}

static struct sk_buff *nblt_gso(struct kunit *test)
{
	struct sk_buff *skb = nblt_linear(test, NBLT_HDR_LEN);

	nblt_add_frags(test, skb, NBLT_HDR_LEN, NBLT_GSO_LEN - NBLT_HDR_LEN,
		       PAGE_SIZE);
	nblt_headers(skb, skb->len);
	skb->ip_summed = CHECKSUM_PARTIAL;
	skb->csum_start = skb_transport_header(skb) - skb->head;
	skb->csum_offset = offsetof(struct tcphdr, check);
	skb_shinfo(skb)->gso_size = NBLT_MSS;
	skb_shinfo(skb)->gso_type = SKB_GSO_TCPV4;
	skb_shinfo(skb)->gso_segs = DIV_ROUND_UP(NBLT_GSO_LEN - NBLT_HDR_LEN,
						 NBLT_MSS);
	return skb;
}

static struct sk_buff *nblt_frag_list(struct kunit *test)
{
	struct sk_buff *skb = nblt_linear(test, NBLT_HDR_LEN + 200);
	struct sk_buff **tail = &skb_shinfo(skb)->frag_list;
	int i;

	for (i = 0; i < 2; i++) {
		struct sk_buff *seg = alloc_skb(500, GFP_KERNEL);

		KUNIT_ASSERT_NOT_NULL(test, seg);
		nblt_fill(skb_put(seg, 500), skb->len, 500);
		*tail = seg;
		tail = &seg->next;
		skb->len += seg->len;
		skb->data_len += seg->len;
		skb->truesize += seg->truesize;
	}
	return skb;
}

/**
 * nblt_make() - a test packet of a shape, freed by the caller
 * @test: the test, asserted on allocation failure
 * @shape: the shape
 *
 * Return: the skb, with valid Ethernet/IPv4/TCP headers at data.
 */
struct sk_buff *nblt_make(struct kunit *test, enum nblt_shape shape)
{
	struct sk_buff *skb;

	switch (shape) {
	case NBLT_LINEAR:
		return nblt_linear(test, NBLT_HDR_LEN + NBLT_PAYLOAD);
	case NBLT_PAGED:
		skb = nblt_linear(test, NBLT_HDR_LEN);
		nblt_add_frags(test, skb, NBLT_HDR_LEN, 3 * NBLT_PAYLOAD, PAGE_SIZE);
		nblt_headers(skb, skb->len);
		return skb;
	case NBLT_HEAD_FRAG:
		return nblt_head_frag(test, 2, PAGE_SIZE);
	case NBLT_GSO:
		return nblt_gso(test);
	default:
		return nblt_frag_list(test);
	}
}

/* Whether two skbs carry the same bytes, wherever they keep them. */
bool nblt_same_bytes(const struct sk_buff *a, const struct sk_buff *b)
{
	u8 x[256], y[256];
	unsigned int off, l;

	if (a->len != b->len)
		return false;
	for (off = 0; off < a->len; off += l) {
		l = min_t(unsigned int, sizeof(x), a->len - off);
		if (skb_copy_bits(a, off, x, l) || skb_copy_bits(b, off, y, l) ||
		    memcmp(x, y, l))
			return false;
	}
	return true;
}

/* Whether @page holds some of @skb's data: a frag, or a page-backed head. */
bool nblt_page_in(struct page *page, const struct sk_buff *skb)
{
	int i;

	if (skb->head_frag && virt_to_head_page(skb->head) == page)
		return true;
	for (i = 0; i < skb_shinfo(skb)->nr_frags; i++)
		if (skb_frag_page(&skb_shinfo(skb)->frags[i]) == page)
			return true;
	return false;
}

/* The page refcount of each frag of @skb, in order; returns how many. */
int nblt_page_refs(const struct sk_buff *skb, int *refs, int max)
{
	int i, n = min_t(int, skb_shinfo(skb)->nr_frags, max);

	for (i = 0; i < n; i++)
		refs[i] = page_ref_count(skb_frag_page(&skb_shinfo(skb)->frags[i]));
	return n;
}
