// SPDX-License-Identifier: GPL-2.0
/*
 * Session filters: which frames are mirrored, by ethertype, IP protocol,
 * L4 port and VLAN id; parsed from and shown as "key value ..." text.
 */
#include <linux/if_ether.h>
#include <linux/if_vlan.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <net/ip.h>
#include <linux/kernel.h>
#include <linux/skbuff.h>
#include <linux/string.h>

#include "mirror.h"
#include "nblclone.h"

#define NBLC_VLAN_DEPTH	2	/* in-band tags looked through: QinQ */

struct nblc_filter_key {
	const char *name;
	u32 term;
	u32 min;
	u32 max;
	const char *fmt;
	size_t offset;
	size_t size;
};

static const struct nblc_filter_key nblc_filter_keys[] = {
	{ "ethertype", NBLC_F_ETHERTYPE, ETH_P_802_3_MIN, 0xffff, "0x%04x",
	  offsetof(struct nblc_filter, ethertype), sizeof(u16) },
	{ "proto", NBLC_F_PROTO, 0, 255, "%u",
	  offsetof(struct nblc_filter, proto), sizeof(u8) },
	{ "port", NBLC_F_PORT, 1, 65535, "%u",
	  offsetof(struct nblc_filter, port), sizeof(u16) },
	{ "vlan", NBLC_F_VLAN, 0, VLAN_VID_MASK, "%u",
	  offsetof(struct nblc_filter, vlan), sizeof(u16) },
};

static void nblc_filter_set(struct nblc_filter *f,
			    const struct nblc_filter_key *k, u32 v)
{
	void *p = (char *)f + k->offset;

	if (k->size == sizeof(u8))
		*(u8 *)p = v;
	else
		*(u16 *)p = v;
	f->terms |= k->term;
}

static u32 nblc_filter_get(const struct nblc_filter *f,
			   const struct nblc_filter_key *k)
{
	const void *p = (const char *)f + k->offset;

	return k->size == sizeof(u8) ? *(const u8 *)p : *(const u16 *)p;
}

static const struct nblc_filter_key *nblc_filter_key(const char *name)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(nblc_filter_keys); i++)
		if (!strcmp(nblc_filter_keys[i].name, name))
			return &nblc_filter_keys[i];
	return NULL;
}

/**
 * nblc_filter_parse() - parse a filter
 * @buf: "any", or terms "ethertype T", "proto P", "port N", "vlan V",
 *	each at most once, separated by white space; NUL-terminated, and
 *	modified
 * @f: the filter, written only on success
 *
 * Return: 0 or -EINVAL.
 */
int nblc_filter_parse(char *buf, struct nblc_filter *f)
{
	const struct nblc_filter_key *k;
	struct nblc_filter new = {};
	char *key, *val;
	u32 v;

	buf = skip_spaces(buf);
	if (!strcmp(strim(buf), "any")) {
		*f = new;
		return 0;
	}
	while ((key = strsep(&buf, " \t")) != NULL) {
		if (!*key)
			continue;
		k = nblc_filter_key(key);
		do {
			val = strsep(&buf, " \t");
		} while (val && !*val);
		if (!k || !val || (new.terms & k->term) || nblc_parse_u32(val, true, &v) ||
		    v < k->min || v > k->max)
			return -EINVAL;
		nblc_filter_set(&new, k, v);
	}
	if (!new.terms)
		return -EINVAL;
	*f = new;
	return 0;
}

/**
 * nblc_filter_format() - a filter as text that nblc_filter_parse() reads
 * @f: the filter
 * @buf: where to write it, with a newline
 * @size: the room in @buf
 *
 * Return: the length written.
 */
int nblc_filter_format(const struct nblc_filter *f, char *buf, size_t size)
{
	unsigned int i;
	int n = 0;

	if (!f->terms)
		return scnprintf(buf, size, "any\n");
	for (i = 0; i < ARRAY_SIZE(nblc_filter_keys); i++) {
		const struct nblc_filter_key *k = &nblc_filter_keys[i];

		if (!(f->terms & k->term))
			continue;
		n += scnprintf(buf + n, size - n, "%s%s ", n ? " " : "", k->name);
		n += scnprintf(buf + n, size - n, k->fmt, nblc_filter_get(f, k));
	}
	return n + scnprintf(buf + n, size - n, "\n");
}

/* What a frame says about itself, as far as the filter needs it. */
struct nblc_frame {
	int vlan;		/* -1: untagged */
	u16 ethertype;		/* host order, after VLAN tags */
	int proto;		/* -1: not IP */
	int sport, dport;	/* -1: no ports */
};

/* Offsets are from skb->data; the MAC header may lie before it. */
static int nblc_frame_l2(const struct sk_buff *skb, struct nblc_frame *fr)
{
	int off = skb_mac_header_was_set(skb) ? skb_mac_offset(skb) : 0;
	struct vlan_hdr _vh, *vh;
	struct ethhdr _eh, *eh;
	unsigned int depth;

	eh = skb_header_pointer(skb, off, sizeof(_eh), &_eh);
	if (!eh)
		return -1;
	fr->ethertype = ntohs(eh->h_proto);
	off += sizeof(*eh);
	fr->vlan = skb_vlan_tag_present(skb) ? skb_vlan_tag_get_id(skb) : -1;
	for (depth = 0; depth < NBLC_VLAN_DEPTH &&
	     eth_type_vlan(htons(fr->ethertype)); depth++) {
		vh = skb_header_pointer(skb, off, sizeof(_vh), &_vh);
		if (!vh)
			return -1;
		if (fr->vlan < 0)
			fr->vlan = ntohs(vh->h_vlan_TCI) & VLAN_VID_MASK;
		fr->ethertype = ntohs(vh->h_vlan_encapsulated_proto);
		off += sizeof(*vh);
	}
	return off;
}

static void nblc_frame_l3(const struct sk_buff *skb, int off,
			  struct nblc_frame *fr)
{
	struct ipv6hdr _ip6, *ip6;
	struct iphdr _ip, *ip;
	__be16 _ports[2], *ports;

	if (fr->ethertype == ETH_P_IP) {
		ip = skb_header_pointer(skb, off, sizeof(_ip), &_ip);
		if (!ip || ip->ihl < 5)
			return;
		fr->proto = ip->protocol;
		if (ip->frag_off & htons(IP_OFFSET))
			return;
		off += ip->ihl * 4;
	} else if (fr->ethertype == ETH_P_IPV6) {
		ip6 = skb_header_pointer(skb, off, sizeof(_ip6), &_ip6);
		if (!ip6)
			return;
		fr->proto = ip6->nexthdr;
		off += sizeof(*ip6);
	} else {
		return;
	}
	if (fr->proto != IPPROTO_TCP && fr->proto != IPPROTO_UDP &&
	    fr->proto != IPPROTO_UDPLITE && fr->proto != IPPROTO_SCTP)
		return;
	ports = skb_header_pointer(skb, off, sizeof(_ports), &_ports);
	if (!ports)
		return;
	fr->sport = ntohs(ports[0]);
	fr->dport = ntohs(ports[1]);
}

/**
 * nblc_filter_match() - whether a frame passes a filter
 * @f: the filter
 * @skb: the frame, at ingress (data at the network header) or at egress
 *	(data at the MAC header)
 *
 * Return: true if every term of @f matches.
 */
bool nblc_filter_match(const struct nblc_filter *f, const struct sk_buff *skb)
{
	struct nblc_frame fr = { .vlan = -1, .proto = -1, .sport = -1,
				 .dport = -1 };
	int off;

	if (!f->terms)
		return true;
	off = nblc_frame_l2(skb, &fr);
	if (off < 0)
		return false;
	if (f->terms & (NBLC_F_PROTO | NBLC_F_PORT))
		nblc_frame_l3(skb, off, &fr);
	if ((f->terms & NBLC_F_VLAN) && fr.vlan != f->vlan)
		return false;
	if ((f->terms & NBLC_F_ETHERTYPE) && fr.ethertype != f->ethertype)
		return false;
	if ((f->terms & NBLC_F_PROTO) && fr.proto != f->proto)
		return false;
	return !(f->terms & NBLC_F_PORT) ||
	       fr.sport == f->port || fr.dport == f->port;
}
