/* SPDX-License-Identifier: GPL-2.0 */
/* A suite fixture: a fresh NBL pool per test, empty again at the end. */
#ifndef _NBLCLONE_TEST_FIXTURE_H
#define _NBLCLONE_TEST_FIXTURE_H

#include <kunit/test.h>

/* Share slots of the fixture's pool: one per child of the largest case. */
#define NBLT_SHARES	8

int nblt_pool_init(struct kunit *test);
void nblt_pool_exit(struct kunit *test);

#endif /* _NBLCLONE_TEST_FIXTURE_H */
