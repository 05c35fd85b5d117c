/* test-store-links.c: HyStore: links to Halo records, rejected suggestions, group and policy
 * mappings
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-store"

#include "config.h"

#include "test-store-fixture.h"

/* ---------------------------------------------------------------------------------------------
 * Links and routes
 * ------------------------------------------------------------------------------------------- */

static void
test_links (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) links = NULL;
  g_auto (GStrv) local = NULL;
  g_autoptr (HyCompany) company = NULL;
  HyStoreQuery q = HY_STORE_QUERY_INIT;
  HyLinkInfo link = { 0 };

  hy_test_store_add_company (f->store, "c1", "Acme", 0);
  hy_test_store_add_company (f->store, "c2", "Beta", 0);
  g_assert_true (hy_store_link_set (f->store, HY_RECORD_KIND_COMPANY, "c1", 12, "Acme Ltd",
                                    HY_LINK_HOW_AUTO, &error));
  g_assert_no_error (error);

  company = hy_store_get (f->store, HY_RECORD_KIND_COMPANY, "c1", &error);
  g_assert_cmpint (company->link.how, ==, HY_LINK_HOW_AUTO);
  g_assert_cmpint (company->link.halo_id, ==, 12);
  g_assert_cmpstr (company->link.halo_name, ==, "Acme Ltd");

  /* Manual replaces auto. */
  g_assert_true (hy_store_link_set (f->store, HY_RECORD_KIND_COMPANY, "c1", 13, "Acme Group",
                                    HY_LINK_HOW_MANUAL, &error));
  g_assert_true (hy_store_link_get (f->store, HY_RECORD_KIND_COMPANY, "c1", &link, &error));
  g_assert_cmpint (link.how, ==, HY_LINK_HOW_MANUAL);
  g_assert_cmpint (link.halo_id, ==, 13);
  hy_link_info_clear (&link);

  local = hy_store_link_find_local (f->store, HY_RECORD_KIND_COMPANY, 13, &error);
  g_assert_cmpuint (g_strv_length (local), ==, 1);
  g_assert_cmpstr (local[0], ==, "c1");

  links = hy_store_list_links (f->store, HY_RECORD_KIND_COMPANY, NULL, &error);
  g_assert_cmpuint (links->len, ==, 2);
  g_assert_cmpstr (((HyLink *) links->pdata[0])->name, ==, "Acme");
  g_assert_cmpint (((HyLink *) links->pdata[0])->link.halo_id, ==, 13);
  g_assert_cmpint (((HyLink *) links->pdata[1])->link.how, ==, HY_LINK_HOW_NONE);
  g_clear_pointer (&links, g_ptr_array_unref);

  q.unlinked_only = TRUE;
  links = hy_store_list_links (f->store, HY_RECORD_KIND_COMPANY, &q, &error);
  g_assert_cmpuint (links->len, ==, 1);
  g_assert_cmpstr (((HyLink *) links->pdata[0])->id, ==, "c2");
  g_clear_pointer (&links, g_ptr_array_unref);

  g_assert_true (hy_store_link_clear (f->store, HY_RECORD_KIND_COMPANY, "c1", &error));
  g_assert_cmpint (hy_store_count (f->store, HY_RECORD_KIND_COMPANY, &q, &error), ==, 2);

  /* Errors. */
  g_assert_false (hy_store_link_set (f->store, HY_RECORD_KIND_COMPANY, "c9", 1, NULL,
                                     HY_LINK_HOW_MANUAL, &error));
  g_assert_error (error, HY_STORE_ERROR, HY_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_false (hy_store_link_set (f->store, HY_RECORD_KIND_POLICY, "p1", 1, NULL,
                                     HY_LINK_HOW_MANUAL, &error));
  g_assert_error (error, HY_STORE_ERROR, HY_STORE_ERROR_INVALID);
}

/* A rejected suggestion is a row per record and Halo id: twice is once, other records keep
 * theirs, and what cannot be linked or is not a Halo id is refused. */
static void
test_link_rejections (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GArray) none = NULL;
  const gint64 c1[] = { 3, 9 };
  const gint64 c2[] = { 9 };

  none = hy_store_link_list_rejected (f->store, HY_RECORD_KIND_COMPANY, "c1", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (none->len, ==, 0);

  g_assert_true (hy_store_link_reject (f->store, HY_RECORD_KIND_COMPANY, "c1", 9, &error));
  g_assert_true (hy_store_link_reject (f->store, HY_RECORD_KIND_COMPANY, "c1", 3, &error));
  g_assert_true (hy_store_link_reject (f->store, HY_RECORD_KIND_COMPANY, "c1", 9, &error));
  g_assert_true (hy_store_link_reject (f->store, HY_RECORD_KIND_COMPANY, "c2", 9, &error));
  g_assert_no_error (error);
  assert_rejected (f->store, HY_RECORD_KIND_COMPANY, "c1", c1, G_N_ELEMENTS (c1));
  assert_rejected (f->store, HY_RECORD_KIND_COMPANY, "c2", c2, G_N_ELEMENTS (c2));
  assert_rejected (f->store, HY_RECORD_KIND_USER, "c1", NULL, 0);

  g_assert_false (hy_store_link_reject (f->store, HY_RECORD_KIND_GROUP, "g1", 9, &error));
  g_assert_error (error, HY_STORE_ERROR, HY_STORE_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (hy_store_link_reject (f->store, HY_RECORD_KIND_COMPANY, "c1", 0, &error));
  g_assert_error (error, HY_STORE_ERROR, HY_STORE_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_null (hy_store_link_list_rejected (f->store, HY_RECORD_KIND_POLICY, "p1", &error));
  g_assert_error (error, HY_STORE_ERROR, HY_STORE_ERROR_INVALID);
  assert_rejected (f->store, HY_RECORD_KIND_COMPANY, "c1", c1, G_N_ELEMENTS (c1));
}

static void
test_mappings (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (HyGroupMapping) gm = NULL;
  g_autoptr (HyPolicyMapping) pm = NULL;
  g_autoptr (GPtrArray) list = NULL;

  hy_test_store_add_group (f->store, "g1", "Servers", NULL);
  hy_test_store_add_policy (f->store, "p1", "Disk");

  g_assert_true (hy_store_map_group (f->store, "g1", 12, 0, &error));
  g_assert_true (hy_store_map_group (f->store, "g1", 12, 20, &error));
  g_assert_true (hy_store_map_policy (f->store, "p1", 3, 9, &error));
  g_assert_no_error (error);

  gm = hy_store_get_group_mapping (f->store, "g1", &error);
  g_assert_cmpint (gm->client_id, ==, 12);
  g_assert_cmpint (gm->site_id, ==, 20);
  pm = hy_store_get_policy_mapping (f->store, "p1", &error);
  g_assert_cmpint (pm->ticket_type_id, ==, 3);
  g_assert_cmpint (pm->close_status_id, ==, 9);
  list = hy_store_list_group_mappings (f->store, &error);
  g_assert_cmpuint (list->len, ==, 1);
  g_clear_pointer (&list, g_ptr_array_unref);
  list = hy_store_list_policy_mappings (f->store, &error);
  g_assert_cmpuint (list->len, ==, 1);
  g_clear_pointer (&list, g_ptr_array_unref);

  g_assert_true (hy_store_unmap_group (f->store, "g1", &error));
  g_assert_true (hy_store_unmap_policy (f->store, "p1", &error));
  g_assert_null (hy_store_get_group_mapping (f->store, "g1", &error));
  g_assert_error (error, HY_STORE_ERROR, HY_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_null (hy_store_get_policy_mapping (f->store, "p1", &error));
  g_assert_error (error, HY_STORE_ERROR, HY_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);

  g_assert_false (hy_store_map_group (f->store, "g9", 12, 0, &error));
  g_assert_error (error, HY_STORE_ERROR, HY_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_false (hy_store_map_policy (f->store, "p1", 0, 0, &error));
  g_assert_error (error, HY_STORE_ERROR, HY_STORE_ERROR_INVALID);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  STORE_TEST_ADD ("/store/links", test_links);
  STORE_TEST_ADD ("/store/links/rejections", test_link_rejections);
  STORE_TEST_ADD ("/store/mappings", test_mappings);

  return g_test_run ();
}
