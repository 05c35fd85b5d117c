/* test-store-fixture.c: the HyStore test programs' fixture and record helpers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-store"

#include "config.h"

#include "test-store-fixture.h"

/* ---------------------------------------------------------------------------------------------
 * Fixture: a fresh store in a private directory
 * ------------------------------------------------------------------------------------------- */

void
fixture_set_up (Fixture *f, gconstpointer data)
{
  f->store = hy_test_store_new_tmp ("hy-store-XXXXXX", "sub/halyard.db", &f->dir, &f->path);
}


void
assert_rejected (HyStore *store, HyRecordKind kind, const char *id, const gint64 *expected, guint n)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GArray) ids = hy_store_link_list_rejected (store, kind, id, &error);

  g_assert_no_error (error);
  g_assert_nonnull (ids);
  g_assert_cmpmem (ids->data, ids->len * sizeof (gint64), expected, n * sizeof (gint64));
}
