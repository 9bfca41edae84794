// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: NBL pools. A pool counts every NBL it hands out and takes back,
 * and refuses to be destroyed while any NBL is still out; with BHs off it
 * keeps free NBLs on a per-CPU stack, which destroying it drains.
 */
#include <kunit/test.h>
#include <linux/bottom_half.h>
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

/*
 * An NBL of @pool holding no NB, as the data path's once it has let go of
 * the packet it borrowed: any number of them can be made from one skb.
 */
static struct nbl *pool_bare_nbl(struct nbl_pool *pool, struct sk_buff *skb,
				 gfp_t gfp)
{
	struct nbl *nbl = nbl_wrap(pool, skb, NBL_WRAP_BORROW, gfp);

	if (!IS_ERR(nbl))
		nbl_unborrow(nbl);
	return nbl;
}

static void pool_expect_counts(struct kunit *test, struct nbl_pool *pool,
			       u64 allocated, u64 freed)
{
	struct nbl_pool_stats st;

	nbl_pool_stats(pool, &st);
	KUNIT_EXPECT_EQ(test, st.allocated, allocated);
	KUNIT_EXPECT_EQ(test, st.freed, freed);
	KUNIT_EXPECT_EQ(test, st.outstanding, allocated - freed);
	KUNIT_EXPECT_EQ(test, st.failures, 0);
}

/*
 * With BHs off an NBL freed is the next one allocated on this CPU: it
 * waited on the CPU's stack. The slab would not give it back at once under
 * KASAN, whose quarantine holds freed objects (the KUnit kernels have it).
 */
static void pool_cache_reuse_test(struct kunit *test)
{
	struct nbl_pool *pool = nbl_pool_create("kunit_reuse", NULL);
	struct sk_buff *skb = nblt_make(test, NBLT_LINEAR);
	struct nbl *a, *b;

	KUNIT_ASSERT_FALSE(test, IS_ERR_OR_NULL(pool));
	local_bh_disable();
	a = pool_bare_nbl(pool, skb, GFP_ATOMIC);
	if (!IS_ERR(a))
		nbl_free(a);
	b = pool_bare_nbl(pool, skb, GFP_ATOMIC);
	local_bh_enable();
	KUNIT_ASSERT_FALSE(test, IS_ERR(a));
	KUNIT_ASSERT_FALSE(test, IS_ERR(b));
	KUNIT_EXPECT_PTR_EQ(test, a, b);
	pool_expect_counts(test, pool, 2, 1);

	local_bh_disable();
	nbl_free(b);
	local_bh_enable();
	pool_expect_counts(test, pool, 2, 2);
	kfree_skb(skb);
	KUNIT_EXPECT_EQ(test, nbl_pool_destroy(pool), 0);
}

/* More NBLs than a CPU's stack holds: it is refilled and flushed. */
#define POOL_MANY	200

/*
 * A pool with NBLs on its stacks and one still out refuses to go and keeps
 * working; once all are back it drains the stacks when destroyed. An
 * object left on a stack would make kmem_cache_destroy() warn (the tests
 * run with panic_on_warn) and kmemleak report it.
 */
static void pool_cache_drain_test(struct kunit *test)
{
	struct nbl_pool *pool = nbl_pool_create("kunit_drain", NULL);
	struct sk_buff *skb = nblt_make(test, NBLT_LINEAR);
	struct nbl **nbls;
	int i, made;

	KUNIT_ASSERT_FALSE(test, IS_ERR_OR_NULL(pool));
	nbls = kunit_kcalloc(test, POOL_MANY, sizeof(*nbls), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, nbls);

	local_bh_disable();
	for (made = 0; made < POOL_MANY; made++) {
		nbls[made] = pool_bare_nbl(pool, skb, GFP_ATOMIC);
		if (IS_ERR(nbls[made]))
			break;
	}
	for (i = 0; i < made - 1; i++)
		nbl_free(nbls[i]);
	local_bh_enable();
	KUNIT_ASSERT_EQ(test, made, POOL_MANY);
	pool_expect_counts(test, pool, POOL_MANY, POOL_MANY - 1);

	KUNIT_EXPECT_EQ(test, nbl_pool_destroy(pool), -EBUSY);
	pool_expect_counts(test, pool, POOL_MANY, POOL_MANY - 1);

	local_bh_disable();
	nbl_free(nbls[made - 1]);
	nbls[0] = pool_bare_nbl(pool, skb, GFP_ATOMIC);
	if (!IS_ERR(nbls[0]))
		nbl_free(nbls[0]);
	local_bh_enable();
	KUNIT_EXPECT_FALSE(test, IS_ERR(nbls[0]));
	pool_expect_counts(test, pool, POOL_MANY + 1, POOL_MANY + 1);
	kfree_skb(skb);
	KUNIT_EXPECT_EQ(test, nbl_pool_destroy(pool), 0);
}

/*
 * NBLs allocated where the slab is called (a task with BHs on) and freed
 * where the stack is used (BHs off), and the other way: both are counted
 * once, and the first one is the next to come off the stack.
 */
static void pool_cache_cross_test(struct kunit *test)
{
	struct nbl_pool *pool = nbl_pool_create("kunit_cross", NULL);
	struct sk_buff *skb = nblt_make(test, NBLT_LINEAR);
	struct nbl *slab, *stack, *again;

	KUNIT_ASSERT_FALSE(test, IS_ERR_OR_NULL(pool));
	slab = pool_bare_nbl(pool, skb, GFP_KERNEL);
	KUNIT_ASSERT_FALSE(test, IS_ERR(slab));
	local_bh_disable();
	stack = pool_bare_nbl(pool, skb, GFP_ATOMIC);
	nbl_free(slab);
	local_bh_enable();
	KUNIT_ASSERT_FALSE(test, IS_ERR(stack));
	pool_expect_counts(test, pool, 2, 1);

	KUNIT_EXPECT_EQ(test, nbl_free(stack), 0);
	pool_expect_counts(test, pool, 2, 2);

	local_bh_disable();
	again = pool_bare_nbl(pool, skb, GFP_ATOMIC);
	if (!IS_ERR(again))
		nbl_free(again);
	local_bh_enable();
	KUNIT_EXPECT_PTR_EQ(test, again, slab);
	pool_expect_counts(test, pool, 3, 3);
	kfree_skb(skb);
	KUNIT_EXPECT_EQ(test, nbl_pool_destroy(pool), 0);
}

static struct kunit_case pool_test_cases[] = {
	KUNIT_CASE_PARAM(pool_create_name_test, pool_name_gen_params),
	KUNIT_CASE(pool_counts_test),
	KUNIT_CASE(pool_destroy_busy_test),
	KUNIT_CASE(pool_ctx_size_test),
	KUNIT_CASE(pool_wrap_fault_test),
	KUNIT_CASE(pool_cache_reuse_test),
	KUNIT_CASE(pool_cache_drain_test),
	KUNIT_CASE(pool_cache_cross_test),
	{}
};

static struct kunit_suite pool_test_suite = {
	.name = "nblclone_pool",
	.test_cases = pool_test_cases,
};

kunit_test_suite(pool_test_suite);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("KUnit suites for nblclone");
