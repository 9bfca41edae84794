// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: NBL contexts. A stack of areas: the pre-allocated one is used
 * first, an allocation happens only when it is exhausted, frees come in
 * reverse order with the same sizes, and a clone starts with none.
 */
#include <kunit/test.h>
#include <linux/module.h>

#include "nbl.h"
#include "nbl_fault.h"
#include "shapes.h"

struct ctx_fixture {
	struct nbl_pool *pool;
	struct nbl *nbl;
};

static const unsigned int ctx_sizes[] = { 0, 8, 64, 256 };

static void ctx_size_desc(const unsigned int *size, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "pre-allocated %u", *size);
}

KUNIT_ARRAY_PARAM(ctx_sizes, ctx_sizes, ctx_size_desc);

static struct nbl_pool_stats ctx_stats(struct ctx_fixture *f)
{
	struct nbl_pool_stats st;

	nbl_pool_stats(f->pool, &st);
	return st;
}

static void ctx_setup(struct kunit *test, struct ctx_fixture *f,
		      unsigned int ctx_size)
{
	const struct nbl_pool_params params = { .ctx_size = ctx_size };

	f->pool = nbl_pool_create("kunit_ctx", &params);
	KUNIT_ASSERT_FALSE(test, IS_ERR_OR_NULL(f->pool));
	f->nbl = nbl_wrap(f->pool, nblt_make(test, NBLT_LINEAR), 0, GFP_KERNEL);
	KUNIT_ASSERT_FALSE(test, IS_ERR(f->nbl));
}

static void ctx_teardown(struct kunit *test, struct ctx_fixture *f)
{
	KUNIT_EXPECT_EQ(test, nbl_free(f->nbl), 0);
	KUNIT_EXPECT_EQ(test, ctx_stats(f).outstanding, 0);
	KUNIT_EXPECT_EQ(test, nbl_pool_destroy(f->pool), 0);
}

/* Pushes fill the pre-allocated area downwards; one more allocates. */
static void ctx_stack_test(struct kunit *test)
{
	const unsigned int *size = test->param_value;
	unsigned int used = 0, pushes = 0;
	struct ctx_fixture f;
	u8 *prev = NULL, *p;

	ctx_setup(test, &f, *size);
	KUNIT_EXPECT_NULL(test, nbl_context_data(f.nbl));
	while (used + 8 <= *size) {
		p = nbl_context_alloc(f.nbl, 8);
		KUNIT_ASSERT_FALSE(test, IS_ERR(p));
		if (prev)
			KUNIT_EXPECT_PTR_EQ(test, p, prev - 8);
		memset(p, pushes, 8);
		KUNIT_EXPECT_PTR_EQ(test, nbl_context_data(f.nbl), (void *)p);
		prev = p;
		used += 8;
		pushes++;
	}
	KUNIT_EXPECT_EQ(test, ctx_stats(&f).ctx_allocs, 0);

	p = nbl_context_alloc(f.nbl, 16);
	KUNIT_ASSERT_FALSE(test, IS_ERR(p));
	memset(p, 0xaa, 16);
	KUNIT_EXPECT_EQ(test, ctx_stats(&f).ctx_allocs, 1);
	KUNIT_EXPECT_EQ(test, nbl_context_free(f.nbl, 16), 0);
	KUNIT_EXPECT_PTR_EQ(test, nbl_context_data(f.nbl), (void *)prev);

	while (pushes--) {
		p = nbl_context_data(f.nbl);
		KUNIT_ASSERT_NOT_NULL(test, p);
		KUNIT_EXPECT_EQ(test, p[0], pushes);
		KUNIT_EXPECT_EQ(test, nbl_context_free(f.nbl, 8), 0);
	}
	KUNIT_EXPECT_NULL(test, nbl_context_data(f.nbl));
	ctx_teardown(test, &f);
}

/* Frees that do not match the top of the stack are refused. */
static void ctx_misuse_test(struct kunit *test)
{
	struct ctx_fixture f;
	void *p;

	ctx_setup(test, &f, 64);
	KUNIT_EXPECT_EQ(test, nbl_context_free(f.nbl, 8), -EINVAL);
	KUNIT_EXPECT_EQ(test, PTR_ERR(nbl_context_alloc(f.nbl, 0)), -EINVAL);
	KUNIT_EXPECT_EQ(test, PTR_ERR(nbl_context_alloc(f.nbl, 12)), -EINVAL);
	p = nbl_context_alloc(f.nbl, 16);
	KUNIT_ASSERT_FALSE(test, IS_ERR(p));
	KUNIT_EXPECT_EQ(test, nbl_context_free(f.nbl, 24), -EINVAL);
	KUNIT_EXPECT_PTR_EQ(test, nbl_context_data(f.nbl), p);
	KUNIT_EXPECT_EQ(test, ctx_stats(&f).misuse, 4);
	KUNIT_EXPECT_EQ(test, nbl_context_free(f.nbl, 16), 0);
	ctx_teardown(test, &f);
}

/* A clone gets no context (NDIS), but may allocate its own. */
static void ctx_clone_test(struct kunit *test)
{
	struct ctx_fixture f;
	struct nbl *child;
	void *p;

	ctx_setup(test, &f, 64);
	p = nbl_context_alloc(f.nbl, 8);
	KUNIT_ASSERT_FALSE(test, IS_ERR(p));
	child = nbl_clone(f.nbl, NBL_CLONE_SHARE, GFP_KERNEL);
	KUNIT_ASSERT_FALSE(test, IS_ERR(child));
	KUNIT_EXPECT_NULL(test, child->ctx);
	KUNIT_EXPECT_NULL(test, nbl_context_data(child));

	p = nbl_context_alloc(child, 32);
	KUNIT_ASSERT_FALSE(test, IS_ERR(p));
	KUNIT_EXPECT_EQ(test, ctx_stats(&f).ctx_allocs, 1);
	KUNIT_EXPECT_EQ(test, nbl_context_free(child, 32), 0);
	KUNIT_EXPECT_NULL(test, nbl_context_data(child));
	KUNIT_EXPECT_EQ(test, nbl_free_clone(child), 0);
	KUNIT_EXPECT_EQ(test, nbl_context_free(f.nbl, 8), 0);
	ctx_teardown(test, &f);
}

/* Contexts left allocated are freed with the NBL (kmemleak would tell). */
static void ctx_leftover_test(struct kunit *test)
{
	struct ctx_fixture f;

	ctx_setup(test, &f, 8);
	KUNIT_ASSERT_FALSE(test, IS_ERR(nbl_context_alloc(f.nbl, 8)));
	KUNIT_ASSERT_FALSE(test, IS_ERR(nbl_context_alloc(f.nbl, 64)));
	KUNIT_ASSERT_FALSE(test, IS_ERR(nbl_context_alloc(f.nbl, 128)));
	KUNIT_EXPECT_EQ(test, ctx_stats(&f).ctx_allocs, 2);
	ctx_teardown(test, &f);
}

/* A failed allocation is counted and leaves the stack as it was. */
static void ctx_fault_test(struct kunit *test)
{
	struct ctx_fixture f;
	void *p;

	ctx_setup(test, &f, 8);
	p = nbl_context_alloc(f.nbl, 8);
	KUNIT_ASSERT_FALSE(test, IS_ERR(p));
	nbl_fault_fail_nth(1);
	KUNIT_EXPECT_EQ(test, PTR_ERR(nbl_context_alloc(f.nbl, 16)), -ENOMEM);
	KUNIT_EXPECT_EQ(test, ctx_stats(&f).failures, 1);
	KUNIT_EXPECT_EQ(test, ctx_stats(&f).ctx_allocs, 0);
	KUNIT_EXPECT_PTR_EQ(test, nbl_context_data(f.nbl), p);
	KUNIT_EXPECT_EQ(test, nbl_context_free(f.nbl, 8), 0);
	ctx_teardown(test, &f);
}

static struct kunit_case ctx_test_cases[] = {
	KUNIT_CASE_PARAM(ctx_stack_test, ctx_sizes_gen_params),
	KUNIT_CASE(ctx_misuse_test),
	KUNIT_CASE(ctx_clone_test),
	KUNIT_CASE(ctx_leftover_test),
	KUNIT_CASE(ctx_fault_test),
	{}
};

static struct kunit_suite ctx_test_suite = {
	.name = "nblclone_context",
	.test_cases = ctx_test_cases,
};

kunit_test_suite(ctx_test_suite);
