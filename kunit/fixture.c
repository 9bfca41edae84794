// SPDX-License-Identifier: GPL-2.0
/*
 * A suite fixture: every test gets a fresh NBL pool in test->priv, and
 * whatever the test did, the pool must have every NBL back at the end.
 */
#include <linux/err.h>

#include "fixture.h"
#include "nbl.h"

int nblt_pool_init(struct kunit *test)
{
	static const struct nbl_pool_params params = { .shares = NBLT_SHARES };
	struct nbl_pool *pool = nbl_pool_create("kunit", &params);

	if (IS_ERR(pool))
		return PTR_ERR(pool);
	test->priv = pool;
	return 0;
}

void nblt_pool_exit(struct kunit *test)
{
	struct nbl_pool_stats st;

	nbl_pool_stats(test->priv, &st);
	KUNIT_EXPECT_EQ(test, st.outstanding, 0);
	KUNIT_EXPECT_EQ(test, st.page_refs, 0);
	KUNIT_EXPECT_EQ(test, nbl_pool_destroy(test->priv), 0);
}
