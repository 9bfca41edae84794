// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: derived NBLs. Fragmenting cuts a parent's data into bounded NBs,
 * reassembling joins its NBs into one; both point at the parent's pages,
 * copy only what is not page-backed, and hold the parent like a clone.
 */
#include <kunit/test.h>
#include <linux/module.h>

#include "compat.h"
#include "nbl.h"
#include "nbl_fault.h"
#include "fixture.h"
#include "shapes.h"

struct frag_case {
	enum nblt_shape shape;
	unsigned int max;
	char desc[32];
};

static struct frag_case frag_cases[4 * 3];

static NBLC_KUNIT_GEN_PARAMS(frag_gen_params)
{
	static const enum nblt_shape shapes[] = {
		NBLT_LINEAR, NBLT_PAGED, NBLT_HEAD_FRAG, NBLT_GSO,
	};
	static const unsigned int maxes[] = { 64, 1000, 1500 };
	const struct frag_case *c = prev;
	int i;

	if (!c) {
		for (i = 0; i < ARRAY_SIZE(frag_cases); i++) {
			frag_cases[i].shape = shapes[i / 3];
			frag_cases[i].max = maxes[i % 3];
			snprintf(frag_cases[i].desc, sizeof(frag_cases[i].desc),
				 "%s by %u", nblt_shape_names[shapes[i / 3]],
				 maxes[i % 3]);
		}
		c = frag_cases;
	} else if (++c == frag_cases + ARRAY_SIZE(frag_cases)) {
		return NULL;
	}
	strscpy(desc, c->desc, KUNIT_PARAM_DESC_SIZE);
	return c;
}

/* The derived NBs' bytes, in order, are the parent NBs' bytes. */
static void expect_same_data(struct kunit *test, struct nbl *parent,
			     struct nbl *derived)
{
	struct sk_buff *p = nbl_first_nb(parent), *d = nbl_first_nb(derived);
	unsigned int poff = 0, doff = 0;
	u8 x, y;

	while (p && d) {
		KUNIT_ASSERT_EQ(test, skb_copy_bits(p, poff, &x, 1), 0);
		KUNIT_ASSERT_EQ(test, skb_copy_bits(d, doff, &y, 1), 0);
		if (x != y) {
			KUNIT_FAIL(test, "byte %u of NB differs", doff);
			return;
		}
		if (++poff == p->len) {
			p = skb_peek_next(p, &parent->nbs);
			poff = 0;
		}
		if (++doff == d->len) {
			d = skb_peek_next(d, &derived->nbs);
			doff = 0;
		}
	}
	KUNIT_EXPECT_TRUE(test, !p && !d);
}

/* How many pages the derived NBs point at are not the parent's. */
static int foreign_pages(struct nbl *parent, struct nbl *derived)
{
	struct sk_buff *d, *p;
	int i, foreign = 0;

	nbl_for_each_nb(derived, d) {
		for (i = 0; i < skb_shinfo(d)->nr_frags; i++) {
			struct page *page = skb_frag_page(&skb_shinfo(d)->frags[i]);
			bool found = false;

			nbl_for_each_nb(parent, p)
				found |= nblt_page_in(page, p);
			foreign += !found;
		}
	}
	return foreign;
}

static void fragment_test(struct kunit *test)
{
	const struct frag_case *fc = test->param_value;
	struct nbl_pool *pool = test->priv;
	struct nbl *parent, *frags;
	struct nbl_pool_stats st;
	struct sk_buff *p, *d;
	unsigned int copied;

	parent = nbl_wrap(pool, nblt_make(test, fc->shape), 0, GFP_KERNEL);
	KUNIT_ASSERT_FALSE(test, IS_ERR(parent));
	p = nbl_first_nb(parent);
	copied = p->head_frag ? 0 : skb_headlen(p);

	frags = nbl_fragment(parent, fc->max, GFP_KERNEL);
	KUNIT_ASSERT_FALSE(test, IS_ERR(frags));
	KUNIT_EXPECT_PTR_EQ(test, frags->parent, parent);
	KUNIT_EXPECT_EQ(test, nbl_child_refs(parent), 1);
	KUNIT_EXPECT_EQ(test, nbl_nb_count(frags), DIV_ROUND_UP(p->len, fc->max));
	nbl_for_each_nb(frags, d)
		KUNIT_EXPECT_LE(test, d->len, fc->max);
	expect_same_data(test, parent, frags);
	KUNIT_EXPECT_EQ(test, foreign_pages(parent, frags), 0);
	nbl_pool_stats(pool, &st);
	KUNIT_EXPECT_EQ(test, st.bytes_copied, copied);

	KUNIT_EXPECT_EQ(test, nbl_free(parent), 0);
	KUNIT_EXPECT_EQ(test, nbl_free_clone(frags), 0);
}

/* Three NBs of different shapes become one. */
static struct nbl *three_nbs(struct kunit *test, struct nbl_pool *pool)
{
	struct sk_buff *a = nblt_make(test, NBLT_HEAD_FRAG);
	struct nbl *parent;

	a->next = nblt_make(test, NBLT_PAGED);
	a->next->next = nblt_make(test, NBLT_HEAD_FRAG);
	parent = nbl_wrap(pool, a, 0, GFP_KERNEL);
	KUNIT_ASSERT_FALSE(test, IS_ERR(parent));
	KUNIT_EXPECT_EQ(test, nbl_nb_count(parent), 3);
	return parent;
}

static void reassemble_test(struct kunit *test)
{
	struct nbl_pool *pool = test->priv;
	struct nbl *parent = three_nbs(test, pool), *one;
	struct nbl_pool_stats st;
	struct sk_buff *skb, *r;
	unsigned int len = 0;

	nbl_for_each_nb(parent, skb)
		len += skb->len;
	one = nbl_reassemble(parent, GFP_KERNEL);
	KUNIT_ASSERT_FALSE(test, IS_ERR(one));
	KUNIT_EXPECT_EQ(test, nbl_nb_count(one), 1);
	r = nbl_first_nb(one);
	KUNIT_EXPECT_EQ(test, r->len, len);
	KUNIT_EXPECT_FALSE(test, skb_has_frag_list(r));
	expect_same_data(test, parent, one);
	/* The middle NB's kmalloc'd head is copied into a page of its own. */
	KUNIT_EXPECT_EQ(test, foreign_pages(parent, one), 1);
	nbl_pool_stats(pool, &st);
	KUNIT_EXPECT_EQ(test, st.bytes_copied, NBLT_HDR_LEN);

	KUNIT_EXPECT_EQ(test, nbl_free_clone(one), 0);
	KUNIT_EXPECT_EQ(test, nbl_free(parent), 0);
}

/* More pieces than an skb has frags: the rest rides on a frag_list. */
static void reassemble_chain_test(struct kunit *test)
{
	struct nbl_pool *pool = test->priv;
	struct sk_buff *chain = NULL, *skb;
	struct nbl *parent, *one;
	unsigned int len = 0;
	int i;

	for (i = 0; i < 8; i++) {
		skb = nblt_make(test, NBLT_PAGED);
		len += skb->len;
		skb->next = chain;
		chain = skb;
	}
	parent = nbl_wrap(pool, chain, 0, GFP_KERNEL);
	KUNIT_ASSERT_FALSE(test, IS_ERR(parent));
	one = nbl_reassemble(parent, GFP_KERNEL);
	KUNIT_ASSERT_FALSE(test, IS_ERR(one));
	KUNIT_EXPECT_EQ(test, nbl_first_nb(one)->len, len);
	KUNIT_EXPECT_TRUE(test, skb_has_frag_list(nbl_first_nb(one)));
	expect_same_data(test, parent, one);

	KUNIT_EXPECT_EQ(test, nbl_free(parent), 0);
	KUNIT_EXPECT_EQ(test, nbl_free_clone(one), 0);
}

static void derived_frag_list_test(struct kunit *test)
{
	struct nbl_pool *pool = test->priv;
	struct nbl *parent;

	parent = nbl_wrap(pool, nblt_make(test, NBLT_FRAG_LIST), 0, GFP_KERNEL);
	KUNIT_ASSERT_FALSE(test, IS_ERR(parent));
	KUNIT_EXPECT_EQ(test, PTR_ERR(nbl_fragment(parent, 100, GFP_KERNEL)),
			-EOPNOTSUPP);
	KUNIT_EXPECT_EQ(test, PTR_ERR(nbl_reassemble(parent, GFP_KERNEL)),
			-EOPNOTSUPP);
	KUNIT_EXPECT_EQ(test, PTR_ERR(nbl_fragment(parent, 0, GFP_KERNEL)),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, nbl_child_refs(parent), 0);
	KUNIT_EXPECT_EQ(test, nbl_free(parent), 0);
}

/* Every allocation of a derivation failing in turn. */
static void derived_fault_test(struct kunit *test)
{
	struct nbl_pool *pool = test->priv;
	struct nbl *parent = three_nbs(test, pool), *d;
	int op, nth, injected = 0;

	for (op = 0; op < 2; op++) {
		for (nth = 1; nth < 64; nth++) {
			nbl_fault_fail_nth(nth);
			d = op ? nbl_reassemble(parent, GFP_KERNEL) :
				 nbl_fragment(parent, 1000, GFP_KERNEL);
			if (!IS_ERR(d)) {
				KUNIT_EXPECT_GT(test, nbl_fault_nth_left(), 0);
				nbl_fault_fail_nth(0);
				KUNIT_EXPECT_EQ(test, nbl_free_clone(d), 0);
				break;
			}
			injected++;
			/* -ENOSPC: the owner table had no room for an NB. */
			KUNIT_EXPECT_TRUE(test, PTR_ERR(d) == -ENOMEM ||
					  PTR_ERR(d) == -ENOSPC);
			KUNIT_EXPECT_EQ(test, nbl_child_refs(parent), 0);
		}
		KUNIT_EXPECT_LT(test, nth, 64);
	}
	KUNIT_EXPECT_GE(test, injected, 4);
	KUNIT_EXPECT_EQ(test, nbl_free(parent), 0);
}

static struct kunit_case derived_test_cases[] = {
	KUNIT_CASE_PARAM(fragment_test, frag_gen_params),
	KUNIT_CASE(reassemble_test),
	KUNIT_CASE(reassemble_chain_test),
	KUNIT_CASE(derived_frag_list_test),
	KUNIT_CASE(derived_fault_test),
	{}
};

static struct kunit_suite derived_test_suite = {
	.name = "nblclone_derived",
	.init = nblt_pool_init,
	.exit = nblt_pool_exit,
	.test_cases = derived_test_cases,
};

kunit_test_suite(derived_test_suite);
