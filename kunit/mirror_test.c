// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: the mirror data path, end to end. A session hooked on a source
 * capture device mirrors the packets it receives (ingress) or sends
 * (egress) to capture devices, which keep what they are given. What they
 * get is proven to be the original's data and not a copy of it, at the
 * capture device itself: a share-mode child is the original's head and
 * skb_shared_info, an own-mode child holds the original's pages and copies
 * headers only. The original goes on unchanged, and every child, then its
 * parent, completes when the capture frees it.
 */
#include <kunit/test.h>
#include <linux/etherdevice.h>
#include <linux/if_ether.h>
#include <linux/module.h>
#include <linux/netdevice.h>
#include <linux/rtnetlink.h>
#include <linux/sched.h>
#include <linux/skbuff.h>
#include <linux/tcp.h>
#include <net/checksum.h>
#include <net/net_namespace.h>

#include "compat.h"
#include "mirror.h"
#include "nbl.h"
#include "nbl_fault.h"
#include "nblclone.h"
#include "netdev_fixture.h"
#include "session_stats.h"
#include "shapes.h"

#define MT_SESSION	"nblt_mirror"
#define MT_SESSION2	"nblt_mirror2"
#define MT_NR_CAPS	3	/* the session's targets, in this order */
#define MT_PLAIN	2	/* the one without offloads: it segments, linearizes */
#define MT_SNAPLEN	128
#define MT_MSS		1448	/* the gso_size of NBLT_GSO */
#define MT_SMALL_MSS	500	/* the gso_size of a linear GSO packet */

static const char *const mt_cap_names[MT_NR_CAPS] = {
	"nbltcap0", "nbltcap1", "nbltcap2",
};

/* Unicast to another host: at ingress, IPv4 drops the original unread. */
static const u8 mt_otherhost[ETH_ALEN] __aligned(2) = {
	0x02, 0x00, 0x5e, 0x6e, 0x62, 0x6c,
};

/* The packets the cases send. */
enum mt_pkt {
	MT_NONE,	/* CHECKSUM_NONE: a page-backed head, then page frags */
	MT_COMPLETE,	/* CHECKSUM_COMPLETE: headers in a kmalloc'd head, page frags */
	MT_GSO,		/* CHECKSUM_PARTIAL: TCP GSO, 64 KB in page frags */
	MT_LINEAR,	/* CHECKSUM_NONE: all in a kmalloc'd head */
	MT_LINEAR_GSO,	/* CHECKSUM_PARTIAL: TCP GSO, all linear (tun, virtio) */
	MT_LINEAR_SEG,	/* CHECKSUM_NONE: linear, one TCP segment, GSO type set */
};

static const char *const mt_pkt_names[] = {
	[MT_NONE] = "none, head_frag + frags",
	[MT_COMPLETE] = "complete, paged",
	[MT_GSO] = "partial, gso64k",
	[MT_LINEAR] = "none, linear",
	[MT_LINEAR_GSO] = "partial, linear gso",
	[MT_LINEAR_SEG] = "none, linear, one segment",
};

/* The original as it was handed to the stack, to compare it with later. */
struct mt_orig {
	struct sk_buff *snap;	/* a copy of it, data at the MAC header */
	unsigned char *head;
	struct skb_shared_info *shinfo;
	unsigned long data_off;
	unsigned int len;
	unsigned int frame_len;	/* from the MAC header */
	u16 mac_header;
	u16 network_header;
	u16 transport_header;
	__be16 protocol;
	u8 ip_summed;
	__wsum csum;
	u16 csum_start;
	u16 csum_offset;
	unsigned short gso_size;
	unsigned short gso_segs;
	unsigned int gso_type;
	bool head_frag;
	int nr_frags;
	struct page *pages[MAX_SKB_FRAGS];
	unsigned int frag_off[MAX_SKB_FRAGS];
	unsigned int frag_size[MAX_SKB_FRAGS];
	int page_refs[MAX_SKB_FRAGS];
	unsigned int own_copied;	/* head bytes an own-mode child copies */
};

struct mt_fixture {
	struct net_device *src;
	struct net_device *cap[MT_NR_CAPS];
	struct nblc_session *s;
	struct packet_type ptype;
	bool ptype_added;
	struct sk_buff_head rx;		/* originals delivered at ingress */
	struct mt_orig o;
	struct sk_buff *orig;		/* the delivered original, held */
};

/* The IPv4 packet handler of the source: what comes after the hooks. */
static int mt_rx(struct sk_buff *skb, struct net_device *dev,
		 struct packet_type *pt, struct net_device *orig_dev)
{
	struct mt_fixture *f = container_of(pt, struct mt_fixture, ptype);

	skb_queue_tail(&f->rx, skb);
	return NET_RX_SUCCESS;
}

static int mirror_test_init(struct kunit *test)
{
	struct mt_fixture *f = kunit_kzalloc(test, sizeof(*f), GFP_KERNEL);
	int err, i;

	if (!f)
		return -ENOMEM;
	test->priv = f;
	skb_queue_head_init(&f->rx);
	f->src = nblt_capdev_create("nbltsrc", true);
	if (IS_ERR(f->src)) {
		err = PTR_ERR(f->src);
		f->src = NULL;
		return err;
	}
	for (i = 0; i < MT_NR_CAPS; i++) {
		f->cap[i] = nblt_capdev_create(mt_cap_names[i], i != MT_PLAIN);
		if (IS_ERR(f->cap[i])) {
			err = PTR_ERR(f->cap[i]);
			f->cap[i] = NULL;
			return err;
		}
	}
	f->ptype.type = htons(ETH_P_IP);
	f->ptype.dev = f->src;
	f->ptype.func = mt_rx;
	dev_add_pack(&f->ptype);
	f->ptype_added = true;

	rtnl_lock();
	err = nblc_session_new(&init_net, MT_SESSION);
	if (!err) {
		f->s = nblc_session_find(MT_SESSION);
		err = nblc_session_set_source(f->s, &init_net, f->src->name);
	}
	for (i = 0; !err && i < MT_NR_CAPS; i++)
		err = nblc_target_add(f->s, &init_net, f->cap[i]->name);
	rtnl_unlock();
	return err;
}

static struct nbl_pool_stats mt_pool_stats(void)
{
	struct nbl_pool_stats st;

	nbl_pool_stats(nblc_pool, &st);
	return st;
}

static void mirror_test_exit(struct kunit *test)
{
	struct mt_fixture *f = test->priv;
	int i;

	if (!f)
		return;
	kfree_skb(f->orig);
	kfree_skb(f->o.snap);
	skb_queue_purge(&f->rx);
	/* Captured children are freed first: that completes them. */
	for (i = 0; i < MT_NR_CAPS; i++)
		if (f->cap[i])
			skb_queue_purge(nblt_capdev_queue(f->cap[i]));
	if (f->src)
		skb_queue_purge(nblt_capdev_queue(f->src));

	rtnl_lock();
	nblc_session_del(&init_net, MT_SESSION2);
	nblc_session_del(&init_net, MT_SESSION);
	rtnl_unlock();
	if (f->ptype_added)
		dev_remove_pack(&f->ptype);
	skb_queue_purge(&f->rx);
	for (i = 0; i < MT_NR_CAPS; i++)
		if (f->cap[i])
			nblt_capdev_destroy(f->cap[i]);
	if (f->src)
		nblt_capdev_destroy(f->src);
	/* Sessions and targets go after a grace period. */
	rcu_barrier();
	KUNIT_EXPECT_EQ_MSG(test, mt_pool_stats().outstanding, 0,
			    "NBLs of nblc_pool leaked");
	KUNIT_EXPECT_EQ_MSG(test, mt_pool_stats().page_refs, 0,
			    "page references of nblc_pool leaked");
}

/* What a case sets in a session's configuration. */
struct mt_cfg {
	u8 dir;
	u8 mode;
	u32 snaplen;
	u32 max_in_flight;	/* 0: the default */
};

/* Configure a session as @c says, and enable it. */
static void mt_configure(struct kunit *test, struct nblc_session *s,
			 const struct mt_cfg *c)
{
	struct nblc_cfg *cfg;
	int err;

	rtnl_lock();
	err = nblc_session_set_direction(s, c->dir);
	cfg = err ? NULL : nblc_cfg_edit(s);
	if (cfg) {
		cfg->mode = c->mode;
		cfg->snaplen = c->snaplen;
		if (c->max_in_flight)
			cfg->max_in_flight = c->max_in_flight;
		nblc_cfg_publish(s, cfg);
		err = nblc_session_set_enabled(s, true);
	} else if (!err) {
		err = -ENOMEM;
	}
	rtnl_unlock();
	KUNIT_ASSERT_EQ(test, err, 0);
}

/* The counters of @s's target @dev. */
static void mt_target_stats(struct kunit *test, struct nblc_session *s,
			    struct net_device *dev, struct nblc_tx_stats *st)
{
	const struct nblc_cfg *cfg;
	bool found = false;
	unsigned int i;

	rtnl_lock();
	cfg = rtnl_dereference(s->cfg);
	for (i = 0; i < cfg->nr_targets; i++) {
		if (cfg->targets[i]->dev == dev) {
			nblc_tx_stats_sum(cfg->targets[i]->stats, st);
			found = true;
		}
	}
	rtnl_unlock();
	KUNIT_ASSERT_TRUE_MSG(test, found, "%s is not a target", dev->name);
}

/* @s's target @dev sent @packets of @bytes, copied @copied, dropped none. */
static void mt_expect_tx(struct kunit *test, struct nblc_session *s,
			 struct net_device *dev, u64 packets, u64 bytes,
			 u64 copied, s64 in_flight)
{
	struct nblc_tx_stats st;
	int i;

	mt_target_stats(test, s, dev, &st);
	KUNIT_EXPECT_EQ_MSG(test, st.packets, packets, "%s", dev->name);
	KUNIT_EXPECT_EQ_MSG(test, st.bytes, bytes, "%s", dev->name);
	KUNIT_EXPECT_EQ_MSG(test, st.bytes_copied, copied, "%s", dev->name);
	KUNIT_EXPECT_EQ_MSG(test, st.in_flight, in_flight, "%s", dev->name);
	for (i = 0; i < NBLC_NR_DROPS; i++)
		KUNIT_EXPECT_EQ_MSG(test, st.drops[i], 0, "%s drop %d", dev->name, i);
}

/* The drops of @s's target @dev for @why. */
static u64 mt_drops(struct kunit *test, struct nblc_session *s,
		    struct net_device *dev, enum nblc_drop why)
{
	struct nblc_tx_stats st;

	mt_target_stats(test, s, dev, &st);
	return st.drops[why];
}

/* Whether @len bytes of @a from @aoff are those of @b from @boff. */
static bool mt_same_range(const struct sk_buff *a, unsigned int aoff,
			  const struct sk_buff *b, unsigned int boff,
			  unsigned int len)
{
	u8 x[128], y[128];
	unsigned int off, l;

	for (off = 0; off < len; off += l) {
		l = min_t(unsigned int, sizeof(x), len - off);
		if (skb_copy_bits(a, aoff + off, x, l) ||
		    skb_copy_bits(b, boff + off, y, l) || memcmp(x, y, l))
			return false;
	}
	return true;
}

/* A packet of kind @pkt, from the source device, data at its MAC header. */
static struct sk_buff *mt_packet(struct kunit *test, struct mt_fixture *f,
				 enum mt_pkt pkt)
{
	static const enum nblt_shape shapes[] = {
		[MT_NONE] = NBLT_HEAD_FRAG,
		[MT_COMPLETE] = NBLT_PAGED,
		[MT_GSO] = NBLT_GSO,
		[MT_LINEAR] = NBLT_LINEAR,
		[MT_LINEAR_GSO] = NBLT_LINEAR,
		[MT_LINEAR_SEG] = NBLT_LINEAR,
	};
	struct sk_buff *skb = nblt_make(test, shapes[pkt]);

	ether_addr_copy(eth_hdr(skb)->h_dest, mt_otherhost);
	if (pkt == MT_COMPLETE) {
		/* As a NIC computes it: over what follows the MAC header. */
		skb->csum = skb_checksum(skb, ETH_HLEN, skb->len - ETH_HLEN, 0);
		skb->ip_summed = CHECKSUM_COMPLETE;
	} else if (pkt == MT_LINEAR_GSO) {
		skb->ip_summed = CHECKSUM_PARTIAL;
		skb->csum_start = skb_transport_header(skb) - skb->head;
		skb->csum_offset = offsetof(struct tcphdr, check);
		skb_shinfo(skb)->gso_size = MT_SMALL_MSS;
		skb_shinfo(skb)->gso_type = SKB_GSO_TCPV4;
		skb_shinfo(skb)->gso_segs =
			DIV_ROUND_UP(skb->len - NBLT_HDR_LEN, MT_SMALL_MSS);
	} else if (pkt == MT_LINEAR_SEG) {
		/*
		 * As __tcp_transmit_skb() leaves a segment no larger than the
		 * MSS: the socket's GSO type and one segment, but no gso_size,
		 * in the skb_shared_info it shares with the retransmit queue.
		 */
		skb_shinfo(skb)->gso_type = SKB_GSO_TCPV4;
		skb_shinfo(skb)->gso_segs = 1;
	}
	skb->dev = f->src;
	return skb;
}

/*
 * Snapshot @skb (data at its MAC header) into f->o, make it what the stack
 * hands the hooks in direction @dir, and note where everything is.
 */
static void mt_record(struct kunit *test, struct mt_fixture *f,
		      struct sk_buff *skb, u8 dir)
{
	struct mt_orig *o = &f->o;
	unsigned int span = ETH_HLEN;
	int i;

	o->snap = skb_copy(skb, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, o->snap);
	o->frame_len = skb->len;
	o->head_frag = skb->head_frag;
	/* An own-mode child copies the MAC header and what a target may write
	 * (the checksum field), and what else is in a head that is not page-
	 * backed; it counts what it copied past the headers, which these
	 * packets all have in their first NBLT_HDR_LEN bytes.
	 */
	if (skb->ip_summed == CHECKSUM_PARTIAL)
		span = max_t(unsigned int, span, skb_checksum_start_offset(skb) +
			     skb->csum_offset + sizeof(__sum16));
	span = max_t(unsigned int, span, NBLT_HDR_LEN);
	o->own_copied = skb->head_frag ? 0 :
			skb_headlen(skb) - min(span, skb_headlen(skb));

	if (dir == NBLC_DIR_INGRESS)
		skb->protocol = eth_type_trans(skb, f->src);

	o->head = skb->head;
	o->shinfo = skb_shinfo(skb);
	o->data_off = skb->data - skb->head;
	o->len = skb->len;
	o->mac_header = skb->mac_header;
	o->network_header = skb->network_header;
	o->transport_header = skb->transport_header;
	o->protocol = skb->protocol;
	o->ip_summed = skb->ip_summed;
	o->csum = skb->csum;
	o->csum_start = skb->csum_start;
	o->csum_offset = skb->csum_offset;
	o->gso_size = skb_shinfo(skb)->gso_size;
	o->gso_segs = skb_shinfo(skb)->gso_segs;
	o->gso_type = skb_shinfo(skb)->gso_type;
	o->nr_frags = skb_shinfo(skb)->nr_frags;
	for (i = 0; i < o->nr_frags; i++) {
		const skb_frag_t *frag = &skb_shinfo(skb)->frags[i];

		o->pages[i] = skb_frag_page(frag);
		o->frag_off[i] = skb_frag_off(frag);
		o->frag_size[i] = skb_frag_size(frag);
	}
	nblt_page_refs(skb, o->page_refs, MAX_SKB_FRAGS);
}

/*
 * Send @skb in direction @dir on the source, as the stack would: a frame
 * received by the source, or one it transmits. Return: the original where
 * it was delivered (the source's IPv4 handler, the source's transmit), or
 * NULL.
 */
static struct sk_buff *mt_send(struct mt_fixture *f, struct sk_buff *skb,
			       u8 dir)
{
	if (dir == NBLC_DIR_INGRESS) {
		if (skb->data == skb_mac_header(skb))
			skb->protocol = eth_type_trans(skb, f->src);
		local_bh_disable();
		netif_receive_skb(skb);
		local_bh_enable();
		return skb_dequeue(&f->rx);
	}
	dev_queue_xmit(skb);
	return skb_dequeue(nblt_capdev_queue(f->src));
}

/* Send a packet of kind @pkt in direction @dir; it must go on. Frees it. */
static void mt_send_one(struct kunit *test, struct mt_fixture *f,
			enum mt_pkt pkt, u8 dir)
{
	struct sk_buff *skb = mt_packet(test, f, pkt), *got;

	got = mt_send(f, skb, dir);
	KUNIT_EXPECT_PTR_EQ_MSG(test, got, skb, "the original was not delivered");
	kfree_skb(got);
}

/* Free the children the captures hold: that completes them. */
static void mt_purge_caps(struct mt_fixture *f)
{
	int i;

	for (i = 0; i < MT_NR_CAPS; i++)
		if (f->cap[i])
			skb_queue_purge(nblt_capdev_queue(f->cap[i]));
}

/* The delivered original @skb is the one sent, as it was sent. */
static void mt_expect_unchanged(struct kunit *test, const struct mt_orig *o,
				const struct sk_buff *skb)
{
	unsigned int hdr;
	int i;

	KUNIT_EXPECT_PTR_EQ(test, skb->head, o->head);
	KUNIT_EXPECT_PTR_EQ(test, skb_shinfo(skb), o->shinfo);
	KUNIT_EXPECT_EQ(test, skb->data - skb->head, o->data_off);
	KUNIT_EXPECT_EQ(test, skb->len, o->len);
	KUNIT_EXPECT_EQ(test, skb->mac_header, o->mac_header);
	KUNIT_EXPECT_EQ(test, skb->network_header, o->network_header);
	KUNIT_EXPECT_EQ(test, skb->transport_header, o->transport_header);
	KUNIT_EXPECT_EQ(test, skb->protocol, o->protocol);
	KUNIT_EXPECT_EQ_MSG(test, (int)skb->ip_summed, o->ip_summed,
			    "the mirror changed the original's checksum state");
	if (o->ip_summed == CHECKSUM_COMPLETE)
		KUNIT_EXPECT_EQ(test, (__force u32)skb->csum, (__force u32)o->csum);
	if (o->ip_summed == CHECKSUM_PARTIAL) {
		KUNIT_EXPECT_EQ(test, skb->csum_start, o->csum_start);
		KUNIT_EXPECT_EQ(test, skb->csum_offset, o->csum_offset);
	}
	KUNIT_EXPECT_EQ_MSG(test, skb_shinfo(skb)->gso_size, o->gso_size,
			    "the mirror changed the original's GSO state");
	KUNIT_EXPECT_EQ_MSG(test, skb_shinfo(skb)->gso_segs, o->gso_segs,
			    "the mirror changed the original's GSO state");
	KUNIT_EXPECT_EQ_MSG(test, skb_shinfo(skb)->gso_type, o->gso_type,
			    "the mirror changed the original's GSO state");
	KUNIT_ASSERT_EQ(test, skb_shinfo(skb)->nr_frags, o->nr_frags);
	for (i = 0; i < o->nr_frags; i++) {
		const skb_frag_t *frag = &skb_shinfo(skb)->frags[i];

		KUNIT_EXPECT_PTR_EQ(test, skb_frag_page(frag), o->pages[i]);
		KUNIT_EXPECT_EQ(test, skb_frag_off(frag), o->frag_off[i]);
		KUNIT_EXPECT_EQ(test, skb_frag_size(frag), o->frag_size[i]);
	}
	/* Its bytes, from the MAC header (behind data at ingress) on. */
	hdr = o->frame_len - o->len;
	KUNIT_EXPECT_TRUE_MSG(test, !memcmp(skb_mac_header(skb), o->snap->data, hdr) &&
			      mt_same_range(skb, 0, o->snap, hdr, o->len),
			      "the mirror changed the original's bytes");
}

/* The original's frags hold as many page references as before it was sent. */
static void mt_expect_page_refs(struct kunit *test, const struct mt_orig *o,
				const struct sk_buff *skb)
{
	int refs[MAX_SKB_FRAGS], n, i;

	n = nblt_page_refs(skb, refs, MAX_SKB_FRAGS);
	KUNIT_ASSERT_EQ(test, n, o->nr_frags);
	for (i = 0; i < n; i++)
		KUNIT_EXPECT_EQ_MSG(test, refs[i], o->page_refs[i], "frag %d", i);
}

/* The matrix: every packet kind, at ingress and at egress, in both modes. */
struct mt_case {
	u8 dir;
	enum mt_pkt pkt;
	u8 mode;
};

static const struct mt_case mt_zero_copy_cases[] = {
	{ NBLC_DIR_INGRESS, MT_NONE, NBLC_MODE_SHARE },
	{ NBLC_DIR_INGRESS, MT_NONE, NBLC_MODE_OWN },
	{ NBLC_DIR_INGRESS, MT_COMPLETE, NBLC_MODE_SHARE },
	{ NBLC_DIR_INGRESS, MT_COMPLETE, NBLC_MODE_OWN },
	{ NBLC_DIR_INGRESS, MT_GSO, NBLC_MODE_SHARE },
	{ NBLC_DIR_INGRESS, MT_GSO, NBLC_MODE_OWN },
	{ NBLC_DIR_EGRESS, MT_NONE, NBLC_MODE_SHARE },
	{ NBLC_DIR_EGRESS, MT_NONE, NBLC_MODE_OWN },
	{ NBLC_DIR_EGRESS, MT_COMPLETE, NBLC_MODE_SHARE },
	{ NBLC_DIR_EGRESS, MT_COMPLETE, NBLC_MODE_OWN },
	{ NBLC_DIR_EGRESS, MT_GSO, NBLC_MODE_SHARE },
	{ NBLC_DIR_EGRESS, MT_GSO, NBLC_MODE_OWN },
};

static const char *const mt_mode_names[NBLC_NR_MODES] = {
	[NBLC_MODE_SHARE] = "share",
	[NBLC_MODE_OWN] = "own",
	[NBLC_MODE_PSKB_COPY] = "pskb_copy",
	[NBLC_MODE_COPY] = "copy",
};

static void mt_case_desc(const struct mt_case *c, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%s, %s, %s",
		 c->dir == NBLC_DIR_INGRESS ? "ingress" : "egress",
		 mt_pkt_names[c->pkt], mt_mode_names[c->mode]);
}

KUNIT_ARRAY_PARAM(mt_zero_copy, mt_zero_copy_cases, mt_case_desc);

/*
 * A child at a target with offloads: the original's bytes and offload
 * state, with its MAC header in front; and in share mode the original's
 * head and skb_shared_info, in own mode the original's pages behind a
 * private copy of the headers.
 */
static void mt_expect_child(struct kunit *test, const struct mt_case *p,
			    const struct mt_orig *o, const struct sk_buff *orig,
			    const struct sk_buff *c, struct net_device *dev)
{
	int i;

	KUNIT_EXPECT_TRUE_MSG(test, nbl_nb_is_clone(c),
			      "%s: not a child in flight", dev->name);
	KUNIT_EXPECT_PTR_EQ(test, c->dev, dev);
	KUNIT_EXPECT_EQ(test, skb_mac_offset(c), 0);
	KUNIT_EXPECT_EQ(test, c->len, o->frame_len);
	KUNIT_EXPECT_TRUE_MSG(test, nblt_same_bytes(c, o->snap),
			      "%s: not the original's bytes", dev->name);
	KUNIT_EXPECT_EQ(test, (int)c->ip_summed, o->ip_summed);
	if (o->ip_summed == CHECKSUM_COMPLETE) {
		/* At ingress it now covers the MAC header it was pushed over. */
		unsigned int from = p->dir == NBLC_DIR_INGRESS ? 0 : ETH_HLEN;

		KUNIT_EXPECT_EQ_MSG(test, csum_fold(c->csum),
				    csum_fold(skb_checksum(c, from, c->len - from, 0)),
				    "%s: CHECKSUM_COMPLETE value is wrong", dev->name);
	}
	if (o->ip_summed == CHECKSUM_PARTIAL) {
		KUNIT_EXPECT_EQ(test, skb_checksum_start_offset(c),
				skb_checksum_start_offset(o->snap));
		KUNIT_EXPECT_EQ(test, c->csum_offset, o->csum_offset);
	}
	KUNIT_EXPECT_EQ(test, skb_shinfo(c)->gso_size, o->gso_size);
	KUNIT_EXPECT_EQ(test, skb_shinfo(c)->gso_type, o->gso_type);
	KUNIT_EXPECT_EQ(test, skb_shinfo(c)->gso_segs, o->gso_segs);

	if (p->mode == NBLC_MODE_SHARE) {
		KUNIT_EXPECT_PTR_EQ_MSG(test, c->head, orig->head,
					"%s: share-mode child copied the head", dev->name);
		KUNIT_EXPECT_PTR_EQ_MSG(test, skb_shinfo(c), skb_shinfo(orig),
					"%s: share-mode child has its own descriptors",
					dev->name);
		return;
	}
	KUNIT_EXPECT_PTR_NE(test, skb_shinfo(c), skb_shinfo(orig));
	KUNIT_EXPECT_TRUE(test, skb_has_shared_frag(c));
	KUNIT_EXPECT_LE_MSG(test, skb_headlen(c), NBLT_HDR_LEN,
			    "%s: own-mode child copied more than headers", dev->name);
	for (i = 0; i < skb_shinfo(c)->nr_frags; i++)
		KUNIT_EXPECT_TRUE_MSG(test,
				      nblt_page_in(skb_frag_page(&skb_shinfo(c)->frags[i]),
						   orig),
				      "%s: frag %d is not the original's page",
				      dev->name, i);
}

/*
 * What the target without offloads got: the stack linearized the child
 * (no SG), or segmented it (no GSO) into segments that carry the
 * original's payload in order. Return: the children it still holds.
 */
static unsigned int mt_expect_plain(struct kunit *test, const struct mt_orig *o,
				    struct sk_buff_head *q)
{
	unsigned int n = 0, off = NBLT_HDR_LEN, seg_len;
	struct sk_buff *seg;

	if (!o->gso_size) {
		KUNIT_ASSERT_EQ(test, skb_queue_len(q), 1);
		seg = skb_peek(q);
		KUNIT_EXPECT_TRUE(test, nbl_nb_is_clone(seg));
		KUNIT_EXPECT_FALSE(test, skb_is_nonlinear(seg));
		KUNIT_EXPECT_TRUE(test, nblt_same_bytes(seg, o->snap));
		return 1;
	}
	KUNIT_EXPECT_EQ(test, skb_queue_len(q), o->gso_segs);
	skb_queue_walk(q, seg) {
		seg_len = min_t(unsigned int, o->gso_size, o->frame_len - off);
		KUNIT_EXPECT_FALSE(test, skb_is_gso(seg));
		KUNIT_EXPECT_FALSE(test, nbl_nb_is_clone(seg));
		KUNIT_EXPECT_EQ_MSG(test, seg->len, NBLT_HDR_LEN + seg_len,
				    "segment %u", n);
		KUNIT_EXPECT_TRUE_MSG(test, mt_same_range(seg, 0, o->snap, 0, ETH_HLEN) &&
				      mt_same_range(seg, NBLT_HDR_LEN, o->snap, off,
						    seg_len),
				      "segment %u", n);
		off += seg_len;
		n++;
	}
	KUNIT_EXPECT_EQ(test, off, o->frame_len);
	/* The segments are copies; the child went when it was segmented. */
	return 0;
}

static void mirror_zero_copy_test(struct kunit *test)
{
	const struct mt_case *p = test->param_value;
	struct mt_fixture *f = test->priv;
	const struct mt_cfg cfg = { .dir = p->dir, .mode = p->mode };
	unsigned int i, held[MT_NR_CAPS], total = 0, nbls;
	struct mt_orig *o = &f->o;
	struct sk_buff *skb;
	u64 base = mt_pool_stats().outstanding;

	mt_configure(test, f->s, &cfg);
	skb = mt_packet(test, f, p->pkt);
	mt_record(test, f, skb, p->dir);
	f->orig = mt_send(f, skb, p->dir);
	KUNIT_ASSERT_PTR_EQ_MSG(test, f->orig, skb, "the original was not delivered");
	mt_expect_unchanged(test, o, f->orig);
	KUNIT_EXPECT_EQ(test, skb_queue_len(nblt_capdev_queue(f->src)), 0);
	KUNIT_EXPECT_EQ(test, skb_queue_len(&f->rx), 0);

	for (i = 0; i < MT_NR_CAPS; i++) {
		struct sk_buff_head *q = nblt_capdev_queue(f->cap[i]);

		if (i == MT_PLAIN) {
			held[i] = mt_expect_plain(test, o, q);
		} else {
			KUNIT_ASSERT_EQ_MSG(test, skb_queue_len(q), 1, "%s",
					    f->cap[i]->name);
			mt_expect_child(test, p, o, f->orig, skb_peek(q), f->cap[i]);
			held[i] = 1;
		}
		total += held[i];
	}
	for (i = 0; i < MT_NR_CAPS; i++)
		mt_expect_tx(test, f->s, f->cap[i], 1, o->frame_len,
			     p->mode == NBLC_MODE_OWN ? o->own_copied : 0, held[i]);
	/* Own mode copies header bytes only, none of a page-backed head. */
	KUNIT_EXPECT_LE(test, o->own_copied, NBLT_HDR_LEN - ETH_HLEN);
	if (o->head_frag)
		KUNIT_EXPECT_EQ(test, o->own_copied, 0);
	KUNIT_EXPECT_EQ(test, NBLT_SSTAT(f->s, seen), 1);
	KUNIT_EXPECT_EQ(test, NBLT_SSTAT(f->s, matched), 1);
	/*
	 * A target counts the children it holds; the session counts per
	 * packet: a sent child until the last of its packet's is gone.
	 */
	KUNIT_EXPECT_EQ(test, atomic_read(&f->s->in_flight),
			total ? MT_NR_CAPS : 0);
	/* The children in the captures hold the parent. */
	KUNIT_EXPECT_EQ(test, NBLT_SSTAT(f->s, completions), total ? 0 : 1);
	/* A shared child is a slot of its parent, not an NBL of its own. */
	nbls = p->mode == NBLC_MODE_SHARE ? 0 : total;
	KUNIT_EXPECT_EQ(test, mt_pool_stats().outstanding,
			base + (total ? 1 + nbls : 0));

	mt_purge_caps(f);
	KUNIT_EXPECT_EQ(test, atomic_read(&f->s->in_flight), 0);
	for (i = 0; i < MT_NR_CAPS; i++)
		mt_expect_tx(test, f->s, f->cap[i], 1, o->frame_len,
			     p->mode == NBLC_MODE_OWN ? o->own_copied : 0, 0);
	KUNIT_EXPECT_EQ(test, NBLT_SSTAT(f->s, completions), 1);
	KUNIT_EXPECT_EQ(test, mt_pool_stats().outstanding, base);

	/* Nothing of the original is shared or referenced any more. */
	KUNIT_EXPECT_FALSE(test, skb_cloned(f->orig));
	mt_expect_page_refs(test, o, f->orig);
	mt_expect_unchanged(test, o, f->orig);
}

/*
 * snaplen: children of MT_SNAPLEN bytes, without offload state. A plain
 * linear original is shared and a paged one referenced page by page: no
 * payload copied. A linear GSO one, whose shared GSO state a child cannot
 * clear, is copied as an own-mode child copies it, and counted.
 */
static const struct mt_case mt_snaplen_cases[] = {
	{ NBLC_DIR_INGRESS, MT_LINEAR, NBLC_MODE_SHARE },
	{ NBLC_DIR_INGRESS, MT_NONE, NBLC_MODE_SHARE },
	{ NBLC_DIR_INGRESS, MT_GSO, NBLC_MODE_SHARE },
	{ NBLC_DIR_INGRESS, MT_LINEAR_GSO, NBLC_MODE_SHARE },
	{ NBLC_DIR_EGRESS, MT_LINEAR, NBLC_MODE_SHARE },
	{ NBLC_DIR_EGRESS, MT_LINEAR_SEG, NBLC_MODE_SHARE },
	{ NBLC_DIR_EGRESS, MT_NONE, NBLC_MODE_SHARE },
	{ NBLC_DIR_EGRESS, MT_GSO, NBLC_MODE_SHARE },
	{ NBLC_DIR_EGRESS, MT_LINEAR_GSO, NBLC_MODE_SHARE },
};

KUNIT_ARRAY_PARAM(mt_snaplen, mt_snaplen_cases, mt_case_desc);

static void mirror_snaplen_test(struct kunit *test)
{
	const struct mt_case *p = test->param_value;
	struct mt_fixture *f = test->priv;
	const struct mt_cfg cfg = {
		.dir = p->dir, .mode = p->mode, .snaplen = MT_SNAPLEN,
	};
	struct mt_orig *o = &f->o;
	struct sk_buff *skb, *c;
	bool shared;
	unsigned int i;

	mt_configure(test, f->s, &cfg);
	skb = mt_packet(test, f, p->pkt);
	/* Truncating writes the descriptors: only a plain linear one is shared. */
	shared = !skb_is_nonlinear(skb) && !skb_is_gso(skb);
	mt_record(test, f, skb, p->dir);
	f->orig = mt_send(f, skb, p->dir);
	KUNIT_ASSERT_PTR_EQ_MSG(test, f->orig, skb, "the original was not delivered");
	mt_expect_unchanged(test, o, f->orig);

	for (i = 0; i < MT_NR_CAPS; i++) {
		struct sk_buff_head *q = nblt_capdev_queue(f->cap[i]);

		KUNIT_ASSERT_EQ_MSG(test, skb_queue_len(q), 1, "%s", f->cap[i]->name);
		c = skb_peek(q);
		KUNIT_EXPECT_TRUE(test, nbl_nb_is_clone(c));
		KUNIT_EXPECT_EQ(test, c->len, MT_SNAPLEN);
		KUNIT_EXPECT_TRUE(test, mt_same_range(c, 0, o->snap, 0, MT_SNAPLEN));
		KUNIT_EXPECT_EQ(test, (int)c->ip_summed, CHECKSUM_NONE);
		KUNIT_EXPECT_FALSE(test, skb_is_gso(c));
		/* The original's, if shared: mt_expect_unchanged() checks it. */
		if (skb_shinfo(c) != o->shinfo) {
			KUNIT_EXPECT_EQ(test, skb_shinfo(c)->gso_type, 0);
			KUNIT_EXPECT_EQ(test, skb_shinfo(c)->gso_segs, 0);
		}
		/*
		 * Plain linear originals are shared; the others get their own
		 * descriptors, their pages referenced one by one.
		 */
		if (i == MT_PLAIN)
			continue;
		if (shared) {
			KUNIT_EXPECT_PTR_EQ(test, c->head, f->orig->head);
			continue;
		}
		KUNIT_EXPECT_PTR_NE(test, c->head, f->orig->head);
		if (skb_is_nonlinear(f->orig)) {
			const skb_frag_t *frags = skb_shinfo(c)->frags;
			int j;

			KUNIT_EXPECT_LE(test, skb_headlen(c), NBLT_HDR_LEN);
			for (j = 0; j < skb_shinfo(c)->nr_frags; j++) {
				struct page *page = skb_frag_page(&frags[j]);

				KUNIT_EXPECT_TRUE_MSG(test, nblt_page_in(page, f->orig),
						      "frag %d", j);
			}
		}
	}
	for (i = 0; i < MT_NR_CAPS; i++)
		mt_expect_tx(test, f->s, f->cap[i], 1, MT_SNAPLEN,
			     shared ? 0 : o->own_copied, 1);
	KUNIT_EXPECT_EQ(test, atomic_read(&f->s->in_flight), MT_NR_CAPS);

	mt_purge_caps(f);
	KUNIT_EXPECT_EQ(test, atomic_read(&f->s->in_flight), 0);
	KUNIT_EXPECT_EQ(test, NBLT_SSTAT(f->s, completions), 1);
	KUNIT_EXPECT_FALSE(test, skb_cloned(f->orig));
	mt_expect_page_refs(test, o, f->orig);
	mt_expect_unchanged(test, o, f->orig);
}

static const u8 mt_dirs[] = { NBLC_DIR_INGRESS, NBLC_DIR_EGRESS };

static void mt_dir_desc(const u8 *dir, char *desc)
{
	strscpy(desc, *dir == NBLC_DIR_INGRESS ? "ingress" : "egress",
		KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(mt_dirs, mt_dirs, mt_dir_desc);

/*
 * A child is never mirrored again: with one of the targets the source of a
 * second session, the children sent to it go through that session's hook
 * unseen. A packet of the target's own is mirrored as usual.
 */
static void mirror_no_loop_test(struct kunit *test)
{
	const u8 *dir = test->param_value;
	struct mt_fixture *f = test->priv;
	const struct mt_cfg cfg = { .dir = *dir, .mode = NBLC_MODE_SHARE };
	const struct mt_cfg cfg2 = { .dir = NBLC_DIR_EGRESS, .mode = NBLC_MODE_SHARE };
	struct nblc_session *s2 = NULL;
	struct sk_buff *skb;
	unsigned int i;
	int err;

	mt_configure(test, f->s, &cfg);
	rtnl_lock();
	err = nblc_session_new(&init_net, MT_SESSION2);
	if (!err) {
		s2 = nblc_session_find(MT_SESSION2);
		err = nblc_session_set_source(s2, &init_net, f->cap[0]->name);
	}
	if (!err)
		err = nblc_target_add(s2, &init_net, f->cap[1]->name);
	rtnl_unlock();
	KUNIT_ASSERT_EQ(test, err, 0);
	mt_configure(test, s2, &cfg2);

	mt_send_one(test, f, MT_NONE, *dir);
	for (i = 0; i < MT_NR_CAPS; i++)
		KUNIT_EXPECT_EQ_MSG(test, skb_queue_len(nblt_capdev_queue(f->cap[i])),
				    1, "%s", f->cap[i]->name);
	KUNIT_EXPECT_EQ(test, NBLT_SSTAT(f->s, seen), 1);
	KUNIT_EXPECT_EQ_MSG(test, NBLT_SSTAT(s2, seen), 0,
			    "a child was seen by another session's hook");
	mt_expect_tx(test, s2, f->cap[1], 0, 0, 0, 0);

	/* The control: what the target sends of its own is mirrored. */
	skb = mt_packet(test, f, MT_LINEAR);
	skb->dev = f->cap[0];
	dev_queue_xmit(skb);
	KUNIT_EXPECT_EQ(test, skb_queue_len(nblt_capdev_queue(f->cap[0])), 2);
	KUNIT_EXPECT_EQ(test, skb_queue_len(nblt_capdev_queue(f->cap[1])), 2);
	KUNIT_EXPECT_EQ(test, NBLT_SSTAT(s2, seen), 1);
	KUNIT_EXPECT_EQ(test, NBLT_SSTAT(f->s, seen), 1);
	KUNIT_EXPECT_EQ(test, atomic_read(&s2->in_flight), 1);

	mt_purge_caps(f);
	KUNIT_EXPECT_EQ(test, atomic_read(&f->s->in_flight), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&s2->in_flight), 0);
	KUNIT_EXPECT_EQ(test, NBLT_SSTAT(f->s, completions), 1);
	KUNIT_EXPECT_EQ(test, NBLT_SSTAT(s2, completions), 1);
}

/* The children in each target's capture, checked all at once. */
static void mt_expect_caps(struct kunit *test, struct mt_fixture *f,
			   unsigned int n)
{
	unsigned int i;

	for (i = 0; i < MT_NR_CAPS; i++)
		KUNIT_EXPECT_EQ_MSG(test, skb_queue_len(nblt_capdev_queue(f->cap[i])),
				    n, "%s", f->cap[i]->name);
}

/* Only the hooked directions are mirrored; a disabled session, none. */
static void mirror_direction_test(struct kunit *test)
{
	struct mt_fixture *f = test->priv;
	struct mt_cfg cfg = { .dir = NBLC_DIR_INGRESS, .mode = NBLC_MODE_SHARE };
	int err;

	mt_configure(test, f->s, &cfg);
	mt_send_one(test, f, MT_LINEAR, NBLC_DIR_EGRESS);
	KUNIT_EXPECT_EQ(test, NBLT_SSTAT(f->s, seen), 0);
	mt_expect_caps(test, f, 0);
	mt_send_one(test, f, MT_LINEAR, NBLC_DIR_INGRESS);
	KUNIT_EXPECT_EQ(test, NBLT_SSTAT(f->s, seen), 1);
	mt_expect_caps(test, f, 1);

	cfg.dir = NBLC_DIR_EGRESS;
	mt_configure(test, f->s, &cfg);
	mt_send_one(test, f, MT_LINEAR, NBLC_DIR_INGRESS);
	KUNIT_EXPECT_EQ(test, NBLT_SSTAT(f->s, seen), 1);
	mt_expect_caps(test, f, 1);
	mt_send_one(test, f, MT_LINEAR, NBLC_DIR_EGRESS);
	KUNIT_EXPECT_EQ(test, NBLT_SSTAT(f->s, seen), 2);
	mt_expect_caps(test, f, 2);

	cfg.dir = NBLC_DIR_BOTH;
	mt_configure(test, f->s, &cfg);
	mt_send_one(test, f, MT_LINEAR, NBLC_DIR_INGRESS);
	mt_send_one(test, f, MT_LINEAR, NBLC_DIR_EGRESS);
	KUNIT_EXPECT_EQ(test, NBLT_SSTAT(f->s, seen), 4);
	mt_expect_caps(test, f, 4);

	rtnl_lock();
	err = nblc_session_set_enabled(f->s, false);
	rtnl_unlock();
	KUNIT_ASSERT_EQ(test, err, 0);
	mt_send_one(test, f, MT_LINEAR, NBLC_DIR_INGRESS);
	mt_send_one(test, f, MT_LINEAR, NBLC_DIR_EGRESS);
	KUNIT_EXPECT_EQ(test, NBLT_SSTAT(f->s, seen), 4);
	mt_expect_caps(test, f, 4);
	KUNIT_EXPECT_EQ(test, atomic_read(&f->s->in_flight), 4 * MT_NR_CAPS);
	KUNIT_EXPECT_EQ(test, NBLT_SSTAT(f->s, completions), 0);
}

/*
 * max_in_flight: while the captures hold a packet's children, the next
 * packet's are dropped and counted; once they are freed, children go again.
 */
static void mirror_max_in_flight_test(struct kunit *test)
{
	struct mt_fixture *f = test->priv;
	const struct mt_cfg cfg = {
		.dir = NBLC_DIR_EGRESS, .mode = NBLC_MODE_SHARE,
		.max_in_flight = MT_NR_CAPS,
	};
	struct nblc_tx_stats st;
	unsigned int i;

	mt_configure(test, f->s, &cfg);
	mt_send_one(test, f, MT_LINEAR, NBLC_DIR_EGRESS);
	mt_expect_caps(test, f, 1);
	KUNIT_EXPECT_EQ(test, atomic_read(&f->s->in_flight), MT_NR_CAPS);

	mt_send_one(test, f, MT_LINEAR, NBLC_DIR_EGRESS);
	mt_expect_caps(test, f, 1);
	for (i = 0; i < MT_NR_CAPS; i++) {
		mt_target_stats(test, f->s, f->cap[i], &st);
		KUNIT_EXPECT_EQ(test, st.packets, 1);
		KUNIT_EXPECT_EQ(test, st.drops[NBLC_DROP_IN_FLIGHT], 1);
		KUNIT_EXPECT_EQ(test, st.in_flight, 1);
	}
	KUNIT_EXPECT_EQ(test, atomic_read(&f->s->in_flight), MT_NR_CAPS);
	KUNIT_EXPECT_EQ(test, NBLT_SSTAT(f->s, matched), 2);
	/* The second parent had no child: it completed at once. */
	KUNIT_EXPECT_EQ(test, NBLT_SSTAT(f->s, completions), 1);

	mt_purge_caps(f);
	KUNIT_EXPECT_EQ(test, atomic_read(&f->s->in_flight), 0);
	KUNIT_EXPECT_EQ(test, NBLT_SSTAT(f->s, completions), 2);

	mt_send_one(test, f, MT_LINEAR, NBLC_DIR_EGRESS);
	mt_expect_caps(test, f, 1);
	for (i = 0; i < MT_NR_CAPS; i++) {
		mt_target_stats(test, f->s, f->cap[i], &st);
		KUNIT_EXPECT_EQ(test, st.packets, 2);
		KUNIT_EXPECT_EQ(test, st.drops[NBLC_DROP_IN_FLIGHT], 1);
	}
	mt_purge_caps(f);
	KUNIT_EXPECT_EQ(test, atomic_read(&f->s->in_flight), 0);
	KUNIT_EXPECT_EQ(test, NBLT_SSTAT(f->s, completions), 3);
}

/*
 * Latency is timed on one packet in NBLC_LAT_SAMPLE per CPU, the first
 * included; every packet completes. The sample is per CPU, so every packet
 * is sent from one: this test's own thread, which KUnit makes for it
 * alone, stays on the CPU it starts on.
 */
static void mirror_latency_sample_test(struct kunit *test)
{
	struct mt_fixture *f = test->priv;
	const struct mt_cfg cfg = { .dir = NBLC_DIR_EGRESS, .mode = NBLC_MODE_SHARE };
	unsigned long timed = 0;
	unsigned int i;
	int cpu;

	cpu = raw_smp_processor_id();
	KUNIT_ASSERT_EQ(test, set_cpus_allowed_ptr(current, cpumask_of(cpu)), 0);
	mt_configure(test, f->s, &cfg);
	for (i = 0; i <= NBLC_LAT_SAMPLE; i++) {
		mt_send_one(test, f, MT_LINEAR, NBLC_DIR_EGRESS);
		mt_purge_caps(f);
	}
	for_each_possible_cpu(cpu)
		for (i = 0; i < NBLC_LAT_BUCKETS; i++)
			timed += per_cpu_ptr(f->s->stats, cpu)->latency_hist[i];
	KUNIT_EXPECT_EQ(test, NBLT_SSTAT(f->s, completions), NBLC_LAT_SAMPLE + 1);
	KUNIT_EXPECT_EQ(test, timed, 2);
	KUNIT_EXPECT_GT(test, NBLT_SSTAT(f->s, latency_max_ns), 0);
}

/*
 * Children in flight hold what their completion touches, through their
 * packet: a deleted target, then a deleted session, outlive a grace period
 * (KASAN would see their use after free) until the children are freed.
 */
static void mirror_del_in_flight_test(struct kunit *test)
{
	struct mt_fixture *f = test->priv;
	const struct mt_cfg cfg = { .dir = NBLC_DIR_EGRESS, .mode = NBLC_MODE_SHARE };
	u64 base = mt_pool_stats().outstanding;
	int err;

	mt_configure(test, f->s, &cfg);
	mt_send_one(test, f, MT_LINEAR, NBLC_DIR_EGRESS);
	mt_expect_caps(test, f, 1);
	rtnl_lock();
	err = nblc_target_del(f->s, &init_net, f->cap[0]->name);
	rtnl_unlock();
	KUNIT_ASSERT_EQ(test, err, 0);
	rcu_barrier();
	KUNIT_EXPECT_EQ(test, atomic_read(&f->s->in_flight), MT_NR_CAPS);
	KUNIT_EXPECT_EQ(test, NBLT_SSTAT(f->s, completions), 0);

	rtnl_lock();
	err = nblc_session_del(&init_net, MT_SESSION);
	rtnl_unlock();
	KUNIT_ASSERT_EQ(test, err, 0);
	f->s = NULL;
	rcu_barrier();
	KUNIT_EXPECT_EQ(test, mt_pool_stats().outstanding, base + 1);
	mt_purge_caps(f);
	KUNIT_EXPECT_EQ(test, mt_pool_stats().outstanding, base);
}

/*
 * A target's device unregistered while one of its children is still held
 * (as a driver's ring would hold it): the target leaves the session, and
 * the child completes later into its counters, which the packet's config
 * keeps alive past a grace period (KASAN would see the use after free).
 */
static void mirror_target_unregister_in_flight_test(struct kunit *test)
{
	struct mt_fixture *f = test->priv;
	const struct mt_cfg cfg = { .dir = NBLC_DIR_EGRESS, .mode = NBLC_MODE_SHARE };
	struct sk_buff *held;

	mt_configure(test, f->s, &cfg);
	mt_send_one(test, f, MT_LINEAR, NBLC_DIR_EGRESS);
	mt_expect_caps(test, f, 1);
	held = skb_dequeue(nblt_capdev_queue(f->cap[0]));
	KUNIT_ASSERT_NOT_NULL(test, held);
	nblt_capdev_destroy(f->cap[0]);
	f->cap[0] = NULL;
	rcu_barrier();
	mt_purge_caps(f);
	KUNIT_EXPECT_EQ(test, atomic_read(&f->s->in_flight), MT_NR_CAPS);
	KUNIT_EXPECT_EQ(test, NBLT_SSTAT(f->s, completions), 0);

	kfree_skb(held);
	KUNIT_EXPECT_EQ(test, atomic_read(&f->s->in_flight), 0);
	KUNIT_EXPECT_EQ(test, NBLT_SSTAT(f->s, completions), 1);
}

/*
 * A child dropped after it took the packet's last room in the in-flight
 * budget gives it back, to the next target: with room for one child, the
 * first target refuses the frame (MTU), the second gets it, the third is
 * over the budget.
 */
static void mirror_in_flight_give_back_test(struct kunit *test)
{
	struct mt_fixture *f = test->priv;
	const struct mt_cfg cfg = {
		.dir = NBLC_DIR_INGRESS, .mode = NBLC_MODE_SHARE,
		.max_in_flight = 1,
	};
	int err;

	mt_configure(test, f->s, &cfg);
	rtnl_lock();
	err = dev_set_mtu(f->cap[0], ETH_DATA_LEN);
	rtnl_unlock();
	KUNIT_ASSERT_EQ(test, err, 0);

	mt_send_one(test, f, MT_NONE, NBLC_DIR_INGRESS);
	KUNIT_EXPECT_EQ(test, mt_drops(test, f->s, f->cap[0], NBLC_DROP_MTU), 1);
	KUNIT_EXPECT_EQ(test, skb_queue_len(nblt_capdev_queue(f->cap[1])), 1);
	KUNIT_EXPECT_EQ(test, mt_drops(test, f->s, f->cap[2],
				       NBLC_DROP_IN_FLIGHT), 1);
	KUNIT_EXPECT_EQ(test, atomic_read(&f->s->in_flight), 1);
	mt_purge_caps(f);
	KUNIT_EXPECT_EQ(test, atomic_read(&f->s->in_flight), 0);
}

/* A target that is down gets nothing, counted as drop_down; up, it does. */
static void mirror_target_down_test(struct kunit *test)
{
	struct mt_fixture *f = test->priv;
	const struct mt_cfg cfg = { .dir = NBLC_DIR_EGRESS, .mode = NBLC_MODE_OWN };
	struct nblc_tx_stats st;
	int err;

	mt_configure(test, f->s, &cfg);
	rtnl_lock();
	dev_close(f->cap[1]);
	rtnl_unlock();
	mt_send_one(test, f, MT_COMPLETE, NBLC_DIR_EGRESS);
	KUNIT_EXPECT_EQ(test, skb_queue_len(nblt_capdev_queue(f->cap[0])), 1);
	KUNIT_EXPECT_EQ(test, skb_queue_len(nblt_capdev_queue(f->cap[1])), 0);
	KUNIT_EXPECT_EQ(test, skb_queue_len(nblt_capdev_queue(f->cap[2])), 1);
	mt_target_stats(test, f->s, f->cap[1], &st);
	KUNIT_EXPECT_EQ(test, st.packets, 0);
	KUNIT_EXPECT_EQ(test, st.drops[NBLC_DROP_DOWN], 1);
	KUNIT_EXPECT_EQ(test, st.in_flight, 0);
	KUNIT_EXPECT_EQ(test, mt_drops(test, f->s, f->cap[0], NBLC_DROP_DOWN), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&f->s->in_flight), MT_NR_CAPS - 1);

	rtnl_lock();
	err = dev_open(f->cap[1], NULL);
	rtnl_unlock();
	KUNIT_ASSERT_EQ(test, err, 0);
	mt_send_one(test, f, MT_COMPLETE, NBLC_DIR_EGRESS);
	KUNIT_EXPECT_EQ(test, skb_queue_len(nblt_capdev_queue(f->cap[1])), 1);
	mt_target_stats(test, f->s, f->cap[1], &st);
	KUNIT_EXPECT_EQ(test, st.packets, 1);
	KUNIT_EXPECT_EQ(test, st.drops[NBLC_DROP_DOWN], 1);
}

/*
 * A target with a small MTU: a frame longer than it is dropped and counted
 * as drop_mtu; a GSO frame is accepted, and segmented by the stack.
 */
static void mirror_target_mtu_test(struct kunit *test)
{
	struct mt_fixture *f = test->priv;
	const struct mt_cfg cfg = { .dir = NBLC_DIR_INGRESS, .mode = NBLC_MODE_OWN };
	struct net_device *plain = f->cap[MT_PLAIN];
	int err;

	mt_configure(test, f->s, &cfg);
	rtnl_lock();
	err = dev_set_mtu(plain, ETH_DATA_LEN);
	rtnl_unlock();
	KUNIT_ASSERT_EQ(test, err, 0);

	mt_send_one(test, f, MT_NONE, NBLC_DIR_INGRESS);
	KUNIT_EXPECT_EQ(test, skb_queue_len(nblt_capdev_queue(plain)), 0);
	KUNIT_EXPECT_EQ(test, mt_drops(test, f->s, plain, NBLC_DROP_MTU), 1);
	KUNIT_EXPECT_EQ(test, mt_drops(test, f->s, f->cap[0], NBLC_DROP_MTU), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&f->s->in_flight), MT_NR_CAPS - 1);

	mt_send_one(test, f, MT_GSO, NBLC_DIR_INGRESS);
	KUNIT_EXPECT_EQ(test, skb_queue_len(nblt_capdev_queue(plain)),
			DIV_ROUND_UP(65000 - NBLT_HDR_LEN, MT_MSS));
	KUNIT_EXPECT_EQ(test, mt_drops(test, f->s, plain, NBLC_DROP_MTU), 1);
	KUNIT_EXPECT_EQ(test, skb_queue_len(nblt_capdev_queue(f->cap[0])), 2);
}

/*
 * Fault injection on the mirror path: each fault-injectable call of one
 * mirrored packet (the parent's NBL and context, each child's NBL if it
 * has one, skb, owner slot and transmit) fails in turn, until a packet goes through with
 * no call left to fail. Each time, the original goes on unchanged, every
 * child is either sent or dropped and counted (one drop, or all of them
 * when the parent could not be made), the parent completes exactly once if
 * it was made, and nothing is left outstanding or referenced.
 */
#define MT_FAULT_MAX_NTH	64

static const struct mt_case mt_fault_cases[] = {
	{ NBLC_DIR_INGRESS, MT_NONE, NBLC_MODE_SHARE },
	{ NBLC_DIR_INGRESS, MT_NONE, NBLC_MODE_OWN },
	{ NBLC_DIR_INGRESS, MT_NONE, NBLC_MODE_PSKB_COPY },
	{ NBLC_DIR_INGRESS, MT_NONE, NBLC_MODE_COPY },
	{ NBLC_DIR_EGRESS, MT_GSO, NBLC_MODE_SHARE },
	{ NBLC_DIR_EGRESS, MT_GSO, NBLC_MODE_OWN },
};

KUNIT_ARRAY_PARAM(mt_fault, mt_fault_cases, mt_case_desc);

/* Children sent and dropped, over all of @s's targets. */
static void mt_tx_totals(struct kunit *test, struct mt_fixture *f,
			 u64 *sent, u64 *dropped)
{
	struct nblc_tx_stats st;
	unsigned int i;
	int d;

	*sent = 0;
	*dropped = 0;
	for (i = 0; i < MT_NR_CAPS; i++) {
		mt_target_stats(test, f->s, f->cap[i], &st);
		*sent += st.packets;
		for (d = 0; d < NBLC_NR_DROPS; d++)
			*dropped += st.drops[d];
	}
}

/* Mirror one packet with the @nth fault-injectable call failing. */
static bool mt_fault_one(struct kunit *test, struct mt_fixture *f,
			 const struct mt_case *p, unsigned int nth)
{
	unsigned long matched = NBLT_SSTAT(f->s, matched);
	unsigned long completions = NBLT_SSTAT(f->s, completions);
	u64 base = mt_pool_stats().outstanding, sent0, dropped0, sent, dropped;
	struct sk_buff *skb = mt_packet(test, f, p->pkt);
	bool fired;

	mt_record(test, f, skb, p->dir);
	mt_tx_totals(test, f, &sent0, &dropped0);
	nbl_fault_fail_nth(nth);
	f->orig = mt_send(f, skb, p->dir);
	fired = nbl_fault_nth_left() == 0;
	nbl_fault_fail_nth(0);
	KUNIT_ASSERT_PTR_EQ_MSG(test, f->orig, skb,
				"nth %u: the original was not delivered", nth);
	mt_expect_unchanged(test, &f->o, f->orig);

	mt_tx_totals(test, f, &sent, &dropped);
	sent -= sent0;
	dropped -= dropped0;
	KUNIT_EXPECT_EQ(test, NBLT_SSTAT(f->s, matched), matched + 1);
	KUNIT_EXPECT_EQ_MSG(test, sent + dropped, MT_NR_CAPS,
			    "nth %u: a child neither sent nor dropped", nth);
	if (fired)
		KUNIT_EXPECT_TRUE_MSG(test, dropped == 1 || dropped == MT_NR_CAPS,
				      "nth %u: one fault, %llu drops", nth, dropped);
	else
		KUNIT_EXPECT_EQ_MSG(test, dropped, 0, "nth %u: a drop, no fault", nth);

	mt_purge_caps(f);
	KUNIT_EXPECT_EQ(test, atomic_read(&f->s->in_flight), 0);
	KUNIT_EXPECT_EQ_MSG(test, NBLT_SSTAT(f->s, completions),
			    completions + (dropped == MT_NR_CAPS ? 0 : 1),
			    "nth %u: the parent did not complete exactly once", nth);
	KUNIT_EXPECT_EQ_MSG(test, mt_pool_stats().outstanding, base, "nth %u", nth);
	KUNIT_EXPECT_FALSE(test, skb_cloned(f->orig));
	mt_expect_page_refs(test, &f->o, f->orig);

	kfree_skb(f->orig);
	f->orig = NULL;
	kfree_skb(f->o.snap);
	f->o.snap = NULL;
	return fired;
}

static void mirror_fault_test(struct kunit *test)
{
	const struct mt_case *p = test->param_value;
	struct mt_fixture *f = test->priv;
	const struct mt_cfg cfg = { .dir = p->dir, .mode = p->mode };
	unsigned int nth;

	mt_configure(test, f->s, &cfg);
	for (nth = 1; nth <= MT_FAULT_MAX_NTH; nth++)
		if (!mt_fault_one(test, f, p, nth))
			break;
	/* A parent and a child per target, each with at least one site. */
	KUNIT_EXPECT_GT(test, nth, MT_NR_CAPS + 1);
	KUNIT_EXPECT_LE_MSG(test, nth, MT_FAULT_MAX_NTH,
			    "still failing at call %u", MT_FAULT_MAX_NTH);
	/* A shared child has no NBL: its skb, owner slot and transmit. */
	if (p->mode == NBLC_MODE_SHARE)
		KUNIT_EXPECT_EQ(test, nth - 1, 1 + 3 * MT_NR_CAPS);
	kunit_info(test, "%u fault-injectable calls per mirrored packet\n", nth - 1);
}

static struct kunit_case mirror_test_cases[] = {
	KUNIT_CASE_PARAM(mirror_zero_copy_test, mt_zero_copy_gen_params),
	KUNIT_CASE_PARAM(mirror_snaplen_test, mt_snaplen_gen_params),
	KUNIT_CASE_PARAM(mirror_no_loop_test, mt_dirs_gen_params),
	KUNIT_CASE(mirror_direction_test),
	KUNIT_CASE(mirror_max_in_flight_test),
	KUNIT_CASE(mirror_latency_sample_test),
	KUNIT_CASE(mirror_del_in_flight_test),
	KUNIT_CASE(mirror_target_unregister_in_flight_test),
	KUNIT_CASE(mirror_in_flight_give_back_test),
	KUNIT_CASE(mirror_target_down_test),
	KUNIT_CASE(mirror_target_mtu_test),
	KUNIT_CASE_PARAM(mirror_fault_test, mt_fault_gen_params),
	{}
};

static struct kunit_suite mirror_test_suite = {
	.name = "nblclone_mirror",
	.init = mirror_test_init,
	.exit = mirror_test_exit,
	.test_cases = mirror_test_cases,
};

kunit_test_suite(mirror_test_suite);

NBLC_MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);
