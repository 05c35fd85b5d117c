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
add_company (HyStore *store, const char *id, const char *name)
{
  g_autoptr (GError) error = NULL;
  HyCompany c = { (char *) id, (char *) name };

  g_assert_true (hy_store_upsert (store, HY_RECORD_KIND_COMPANY, &c, NULL, &error));
  g_assert_no_error (error);
}

void
add_group (HyStore *store, const char *id, const char *name, const char *parent)
{
  g_autoptr (GError) error = NULL;
  HyGroup g = { (char *) id, (char *) name, (char *) parent };

  g_assert_true (hy_store_upsert (store, HY_RECORD_KIND_GROUP, &g, NULL, &error));
  g_assert_no_error (error);
}

void
add_computer (HyStore *store,
              const char *id,
              const char *name,
              const char *company,
              const char *group)
{
  g_autoptr (GError) error = NULL;
  HyComputer c = { 0 };

  c.id = (char *) id;
  c.name = (char *) name;
  c.company_id = (char *) company;
  c.group_id = (char *) group;
  g_assert_true (hy_store_upsert (store, HY_RECORD_KIND_COMPUTER, &c, NULL, &error));
  g_assert_no_error (error);
}

void
add_policy (HyStore *store, const char *id, const char *name)
{
  g_autoptr (GError) error = NULL;
  HyPolicy p = { (char *) id, (char *) name };

  g_assert_true (hy_store_upsert (store, HY_RECORD_KIND_POLICY, &p, NULL, &error));
  g_assert_no_error (error);
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
