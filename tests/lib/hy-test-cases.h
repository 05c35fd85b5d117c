/* hy-test-cases.h: tables of cases over the empty-store fixture (one test path per case), and
 * what a refusal's message must say.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "hy-test-halo.h"

G_BEGIN_DECLS

typedef void (*HyTestStoreFunc) (HyTestStoreFixture *f, gconstpointer data);

/* One test over HyTestStoreFixture (an empty store in a temporary directory). */
#define hy_test_add_store(path, data, func)                                             \
  g_test_add ((path), HyTestStoreFixture, (data), hy_test_store_fixture_set_up, (func), \
              hy_test_store_fixture_tear_down)

/* Registers @test once per case of @cases (@n_cases of @case_size bytes each, each starting
 * with its name, a const char *), as @prefix/NAME, with the case as its data. */
void hy_test_add_store_cases (const char *prefix,
                              gconstpointer cases,
                              gsize n_cases,
                              gsize case_size,
                              HyTestStoreFunc test);
#define hy_test_add_store_table(prefix, cases, test) \
  hy_test_add_store_cases ((prefix), (cases), G_N_ELEMENTS (cases), sizeof (cases)[0], (test))

/* Fails unless @error's message holds each of @parts up to the first NULL (at most @n_parts). */
void hy_test_assert_message_has (const GError *error, const char *const *parts, gsize n_parts);

G_END_DECLS
