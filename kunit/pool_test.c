// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: NBL pools. A pool counts every NBL it hands out and takes back,
 * and refuses to be destroyed while any NBL is still out.
 */
#include <kunit/test.h>
#include <linux/err.h>
#include <linux/module.h>

#include "nbl.h"
#include "nbl_fault.h"
#include "shapes.h"

struct pool_name_case {
	const char *desc;
	const char *name;
	int err;
};

static const struct pool_name_case pool_name_cases[] = {
	{ "null", NULL, -EINVAL },
	{ "empty", "", -EINVAL },
	{ "one char", "a", 0 },
	{ "31 chars", "abcdefghijklmnopqrstuvwxyz01234", 0 },
	{ "32 chars", "abcdefghijklmnopqrstuvwxyz012345", -EINVAL },
};

static void pool_name_desc(const struct pool_name_case *c, char *desc)
{
	strscpy(desc, c->desc, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(pool_name, pool_name_cases, pool_name_desc);

static void pool_create_name_test(struct kunit *test)
{
	const struct pool_name_case *c = test->param_value;
	struct nbl_pool *pool;

	pool = nbl_pool_create(c->name, NULL);
	if (c->err) {
		KUNIT_EXPECT_EQ(test, PTR_ERR_OR_ZERO(pool), c->err);
		return;
	}
	KUNIT_ASSERT_FALSE(test, IS_ERR_OR_NULL(pool));
	KUNIT_EXPECT_STREQ(test, nbl_pool_name(pool), c->name);
	KUNIT_EXPECT_EQ(test, nbl_pool_destroy(pool), 0);
}

static void pool_counts_test(struct kunit *test)
{
	struct nbl_pool_stats st;
	struct nbl_pool *pool;
	struct nbl *a, *b;

	pool = nbl_pool_create("kunit_counts", NULL);
	KUNIT_ASSERT_FALSE(test, IS_ERR_OR_NULL(pool));

	nbl_pool_stats(pool, &st);
	KUNIT_EXPECT_EQ(test, st.allocated, 0);
	KUNIT_EXPECT_EQ(test, st.outstanding, 0);

	a = nbl_wrap(pool, nblt_make(test, NBLT_LINEAR), 0, GFP_KERNEL);
	b = nbl_wrap(pool, nblt_make(test, NBLT_PAGED), 0, GFP_KERNEL);
	KUNIT_ASSERT_FALSE(test, IS_ERR(a));
	KUNIT_ASSERT_FALSE(test, IS_ERR(b));
	KUNIT_EXPECT_PTR_EQ(test, a->pool, pool);
	nbl_pool_stats(pool, &st);
	KUNIT_EXPECT_EQ(test, st.allocated, 2);
	KUNIT_EXPECT_EQ(test, st.freed, 0);
	KUNIT_EXPECT_EQ(test, st.outstanding, 2);

	KUNIT_EXPECT_EQ(test, nbl_free(a), 0);
	nbl_pool_stats(pool, &st);
	KUNIT_EXPECT_EQ(test, st.freed, 1);
	KUNIT_EXPECT_EQ(test, st.outstanding, 1);

	KUNIT_EXPECT_EQ(test, nbl_free(b), 0);
	nbl_pool_stats(pool, &st);
	KUNIT_EXPECT_EQ(test, st.outstanding, 0);
	KUNIT_EXPECT_EQ(test, st.failures, 0);
	KUNIT_EXPECT_EQ(test, nbl_pool_destroy(pool), 0);
}

static void pool_destroy_busy_test(struct kunit *test)
{
	struct nbl_pool_stats st;
	struct nbl_pool *pool;
	struct nbl *nbl;

	pool = nbl_pool_create("kunit_busy", NULL);
	KUNIT_ASSERT_FALSE(test, IS_ERR_OR_NULL(pool));
	nbl = nbl_wrap(pool, nblt_make(test, NBLT_LINEAR), 0, GFP_KERNEL);
	KUNIT_ASSERT_FALSE(test, IS_ERR(nbl));

	/* Refused, and the pool (with its live NBL) still works. */
	KUNIT_EXPECT_EQ(test, nbl_pool_destroy(pool), -EBUSY);
	nbl_pool_stats(pool, &st);
	KUNIT_EXPECT_EQ(test, st.outstanding, 1);
	KUNIT_EXPECT_EQ(test, nbl_free(nbl), 0);

	nbl = nbl_wrap(pool, nblt_make(test, NBLT_LINEAR), 0, GFP_KERNEL);
	KUNIT_ASSERT_FALSE(test, IS_ERR(nbl));
	KUNIT_EXPECT_EQ(test, nbl_free(nbl), 0);
	KUNIT_EXPECT_EQ(test, nbl_pool_destroy(pool), 0);
}

static void pool_ctx_size_test(struct kunit *test)
{
	const struct nbl_pool_params odd = { .ctx_size = 12 };

	KUNIT_EXPECT_EQ(test, PTR_ERR(nbl_pool_create("kunit_ctx", &odd)), -EINVAL);
}

/* A failed wrap leaves the skbs with the caller and counts the failure. */
static void pool_wrap_fault_test(struct kunit *test)
{
	struct nbl_pool *pool = nbl_pool_create("kunit_fault", NULL);
	struct sk_buff *skb = nblt_make(test, NBLT_LINEAR);
	struct nbl_pool_stats st;

	KUNIT_ASSERT_FALSE(test, IS_ERR_OR_NULL(pool));
	nbl_fault_fail_nth(1);
	KUNIT_EXPECT_EQ(test, PTR_ERR(nbl_wrap(pool, skb, 0, GFP_KERNEL)), -ENOMEM);
	nbl_pool_stats(pool, &st);
	KUNIT_EXPECT_EQ(test, st.failures, 1);
	KUNIT_EXPECT_EQ(test, st.outstanding, 0);
	kfree_skb(skb);
	KUNIT_EXPECT_EQ(test, nbl_pool_destroy(pool), 0);
}

static struct kunit_case pool_test_cases[] = {
	KUNIT_CASE_PARAM(pool_create_name_test, pool_name_gen_params),
	KUNIT_CASE(pool_counts_test),
	KUNIT_CASE(pool_destroy_busy_test),
	KUNIT_CASE(pool_ctx_size_test),
	KUNIT_CASE(pool_wrap_fault_test),
	{}
};

static struct kunit_suite pool_test_suite = {
	.name = "nblclone_pool",
	.test_cases = pool_test_cases,
};

kunit_test_suite(pool_test_suite);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("KUnit suites for nblclone");
