/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What differs between the kernels nblclone builds against (6.1, 6.12, 7.3).
 * Every HAVE_* is probed from the target's headers by compat.mk; see
 * Documentation/dev/compat-6.1-6.12.md for the survey behind each one.
 */
#ifndef _NBLCLONE_COMPAT_H
#define _NBLCLONE_COMPAT_H

#include <linux/kasan.h>
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

/*
 * KASAN poisoning of the free objects a cache keeps (nbl_pool.c). The
 * kernel's own calls for it, kasan_mempool_poison_object() and
 * kasan_mempool_unpoison_object() in 6.12, kasan_poison_object_data() and
 * kasan_unpoison_object_data() in 6.1, are not exported to modules.
 * kasan_poison() is, in both, with the same prototype; it is declared in
 * mm/kasan/kasan.h, which is not installed. Generic KASAN only: its shadow
 * byte 0xFB (KASAN_SLAB_FREE) makes an access a use-after-free report, 0
 * makes the memory accessible again. Sizes are rounded up to its 8-byte
 * granule, within the object's slab slot.
 */
#ifdef CONFIG_KASAN_GENERIC
void kasan_poison(const void *addr, size_t size, u8 value, bool init);

#define NBL_KASAN_GRANULE	BIT(KASAN_SHADOW_SCALE_SHIFT)
#define NBL_KASAN_SLAB_FREE	0xFB

static inline void nbl_kasan_poison(void *obj, unsigned int size)
{
	kasan_poison(obj, round_up(size, NBL_KASAN_GRANULE),
		     NBL_KASAN_SLAB_FREE, false);
}

static inline void nbl_kasan_unpoison(void *obj, unsigned int size)
{
	kasan_poison(obj, round_up(size, NBL_KASAN_GRANULE), 0, false);
}
#else
static inline void nbl_kasan_poison(void *obj, unsigned int size) {}
static inline void nbl_kasan_unpoison(void *obj, unsigned int size) {}
#endif

#define NBL_MAX_SKB_FRAGS	((int)MAX_SKB_FRAGS)

/* A namespace is a string literal from 6.13 on, a bare word before. */
#ifdef HAVE_MODULE_IMPORT_NS_STRING
#define NBLC_MODULE_IMPORT_NS(ns)	MODULE_IMPORT_NS(#ns)
#else
#define NBLC_MODULE_IMPORT_NS(ns)	MODULE_IMPORT_NS(ns)
#endif

/* A KUnit parameter generator is handed its test first in 7.3, not in 6.12. */
#ifdef HAVE_KUNIT_GEN_PARAMS_TEST
#define NBLC_KUNIT_GEN_PARAMS(name) \
	const void *(name)(struct kunit *test, const void *prev, char *desc)
#else
#define NBLC_KUNIT_GEN_PARAMS(name) \
	const void *(name)(const void *prev, char *desc)
#endif

#endif /* _NBLCLONE_COMPAT_H */
