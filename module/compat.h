/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What differs between the kernels nblclone builds against (6.1 and 6.12).
 * Every HAVE_* is probed from the target's headers by compat.mk; see
 * Documentation/dev/compat-6.1-6.12.md for the survey behind each one.
 */
#ifndef _NBLCLONE_COMPAT_H
#define _NBLCLONE_COMPAT_H

#include <linux/mm.h>
#include <linux/skbuff.h>

#ifdef HAVE_SKBUFF_REF_H
#include <linux/skbuff_ref.h>	/* skb_frag_ref() and friends since 6.12 */
#endif

#ifdef HAVE_NET_GSO_H
#include <net/gso.h>		/* skb_gso_segment() since 6.12 */
#endif

#ifndef HAVE_SKB_FRAGS_READABLE
/* No devmem (net_iov) frags before 6.12: every frag has a page. */
static inline bool skb_frags_readable(const struct sk_buff *skb)
{
	return true;
}
#endif

#ifndef HAVE_SKB_FRAG_FILL_PAGE_DESC
static inline void skb_frag_fill_page_desc(skb_frag_t *frag, struct page *page,
					   int off, int size)
{
	__skb_frag_set_page(frag, page);
	skb_frag_off_set(frag, off);
	skb_frag_size_set(frag, size);
}
#endif

#define NBL_MAX_SKB_FRAGS	((int)MAX_SKB_FRAGS)

#endif /* _NBLCLONE_COMPAT_H */
