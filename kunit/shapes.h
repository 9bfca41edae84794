/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Test packets of the shapes the suites are table-driven over, and what
 * the suites measure on them.
 */
#ifndef _NBLCLONE_TEST_SHAPES_H
#define _NBLCLONE_TEST_SHAPES_H

#include <kunit/test.h>
#include <linux/skbuff.h>

enum nblt_shape {
	NBLT_LINEAR,		/* everything in a kmalloc'd head */
	NBLT_PAGED,		/* headers in the head, payload in page frags */
	NBLT_HEAD_FRAG,		/* a page-backed head (build_skb), plus frags */
	NBLT_GSO,		/* TCP, 64 KB, CHECKSUM_PARTIAL, page frags */
	NBLT_FRAG_LIST,		/* a head with a frag_list of linear skbs */
	NBLT_NR_SHAPES
};

extern const char *const nblt_shape_names[NBLT_NR_SHAPES];

/* Header bytes at the front of every shape: Ethernet, IPv4, TCP. */
#define NBLT_HDR_LEN	(14 + 20 + 20)

struct sk_buff *nblt_make(struct kunit *test, enum nblt_shape shape);
struct sk_buff *nblt_head_frag(struct kunit *test, unsigned int nr_frags,
			       unsigned int chunk);
bool nblt_same_bytes(const struct sk_buff *a, const struct sk_buff *b);
bool nblt_page_in(struct page *page, const struct sk_buff *skb);
int nblt_page_refs(const struct sk_buff *skb, int *refs, int max);

#endif /* _NBLCLONE_TEST_SHAPES_H */
