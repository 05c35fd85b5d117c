/* test-store-fixture.h: what the HyStore test programs share (tests/store): a fresh store in a
 * private directory, and records added to it in one line.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib/gstdio.h>
#include <sqlite3.h>
#include <string.h>
#include <sys/stat.h>

#include "store/hy-store-intake.h"
#include "store/hy-store-lifecycle.h"
#include "store/hy-store-private.h"
#include "store/hy-store.h"
#include "hy-test-halo.h"

G_BEGIN_DECLS

typedef HyTestStoreFixture Fixture;

void fixture_set_up (Fixture *f, gconstpointer data);

#define remove_tree hy_test_remove_tree

#define fixture_tear_down hy_test_store_fixture_tear_down

#define STORE_TEST_ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)


/* Asserts that the Halo ids rejected for record @id of @kind are the @n of @expected. */
void assert_rejected (HyStore *store,
                      HyRecordKind kind,
                      const char *id,
                      const gint64 *expected,
                      guint n);

G_END_DECLS
