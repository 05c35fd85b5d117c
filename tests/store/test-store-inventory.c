/* test-store-inventory.c: HyStore: companies, groups, computers, policies and alerts
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-store"

#include "config.h"

#include "test-store-fixture.h"

/* ---------------------------------------------------------------------------------------------
 * Inventory
 * ------------------------------------------------------------------------------------------- */

/* A source that does not give a field leaves it as it was. */
static void
test_upsert_fields (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (HyComputer) got = NULL;
  HyCompany c = { "c1", "Acme" };
  HyGroup g = { "g1", "Servers", NULL };
  HyComputer pc = { "pc1", "DC01", "c1", NULL, "g1", "SN1", "Debian" };
  HyComputer partial = { "pc1", "DC01-renamed", NULL, NULL, NULL, "SN1", "Debian 13" };
  HyStoreChange change;

  g_assert_true (hy_store_upsert (f->store, HY_RECORD_KIND_COMPANY, &c, NULL, &error));
  g_assert_true (hy_store_upsert (f->store, HY_RECORD_KIND_GROUP, &g, NULL, &error));
  g_assert_true (hy_store_upsert (f->store, HY_RECORD_KIND_COMPUTER, &pc, NULL, &error));

  /* id, name, serial (5) and os (6) only: company and group stay. */
  g_assert_true (hy_store_upsert_fields (f->store, HY_RECORD_KIND_COMPUTER, &partial,
                                         (1 << 5) | (1 << 6), &change, &error));
  g_assert_no_error (error);
  g_assert_cmpint (change, ==, HY_STORE_CHANGE_UPDATED);
  got = hy_store_get (f->store, HY_RECORD_KIND_COMPUTER, "pc1", &error);
  g_assert_cmpstr (got->name, ==, "DC01-renamed");
  g_assert_cmpstr (got->os, ==, "Debian 13");
  g_assert_cmpstr (got->company_id, ==, "c1");
  g_assert_cmpstr (got->group_id, ==, "g1");
  g_assert_true (hy_store_upsert_fields (f->store, HY_RECORD_KIND_COMPUTER, &partial,
                                         (1 << 5) | (1 << 6), &change, &error));
  g_assert_cmpint (change, ==, HY_STORE_CHANGE_UNCHANGED);
}

static void
test_retired (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GHashTable) present = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr (GPtrArray) links = NULL;
  HyComputer a = { "a", "A" }, b = { "b", "B" };
  guint retired = 9, returned = 9;

  g_assert_true (hy_store_upsert (f->store, HY_RECORD_KIND_COMPUTER, &a, NULL, &error));
  g_assert_true (hy_store_upsert (f->store, HY_RECORD_KIND_COMPUTER, &b, NULL, &error));
  g_hash_table_add (present, "a");

  /* Without prune nothing is retired. */
  g_assert_true (hy_store_update_retired (f->store, present, FALSE, &retired, &returned, &error));
  g_assert_cmpuint (retired, ==, 0);
  g_assert_cmpuint (returned, ==, 0);

  g_assert_true (hy_store_update_retired (f->store, present, TRUE, &retired, &returned, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (retired, ==, 1);
  {
    g_autoptr (HyComputer) got = hy_store_get (f->store, HY_RECORD_KIND_COMPUTER, "b", &error);
    g_assert_cmpint (got->retired, >, 0);
  }
  links = hy_store_list_links (f->store, HY_RECORD_KIND_COMPUTER, NULL, &error);
  g_assert_cmpuint (links->len, ==, 2);
  g_assert_cmpint (((HyLink *) links->pdata[0])->retired, ==, 0);
  g_assert_cmpint (((HyLink *) links->pdata[1])->retired, >, 0);

  /* Retired twice counts once; b comes back. */
  g_assert_true (hy_store_update_retired (f->store, present, TRUE, &retired, &returned, &error));
  g_assert_cmpuint (retired, ==, 0);
  g_hash_table_add (present, "b");
  g_assert_true (hy_store_update_retired (f->store, present, FALSE, &retired, &returned, &error));
  g_assert_cmpuint (returned, ==, 1);
  {
    g_autoptr (HyComputer) got = hy_store_get (f->store, HY_RECORD_KIND_COMPUTER, "b", &error);
    g_assert_cmpint (got->retired, ==, 0);
  }
}

static void
test_upsert_changes (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (HyCompany) got = NULL;
  HyCompany c = { "c1", "Acme" };
  HyStoreChange change;

  g_assert_true (hy_store_upsert (f->store, HY_RECORD_KIND_COMPANY, &c, &change, &error));
  g_assert_cmpint (change, ==, HY_STORE_CHANGE_ADDED);
  g_assert_true (hy_store_upsert (f->store, HY_RECORD_KIND_COMPANY, &c, &change, &error));
  g_assert_cmpint (change, ==, HY_STORE_CHANGE_UNCHANGED);
  c.name = "Acme Ltd";
  g_assert_true (hy_store_upsert (f->store, HY_RECORD_KIND_COMPANY, &c, &change, &error));
  g_assert_cmpint (change, ==, HY_STORE_CHANGE_UPDATED);
  g_assert_no_error (error);

  got = hy_store_get (f->store, HY_RECORD_KIND_COMPANY, "c1", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (got->name, ==, "Acme Ltd");
  g_assert_cmpint (got->link.how, ==, HY_LINK_HOW_NONE);

  g_assert_null (hy_store_get (f->store, HY_RECORD_KIND_COMPANY, "nope", &error));
  g_assert_error (error, HY_STORE_ERROR, HY_STORE_ERROR_NOT_FOUND);
}

static void
test_upsert_invalid (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  HyCompany nameless = { "c1", NULL };
  HyLocation orphan = { "l1", "Head Office", "c9" };
  HyComputer pc = { 0 };

  g_assert_false (hy_store_upsert (f->store, HY_RECORD_KIND_COMPANY, &nameless, NULL, &error));
  g_assert_error (error, HY_STORE_ERROR, HY_STORE_ERROR_INVALID);
  /* one whole sentence per kind (tells the kind in words a translation can agree with) */
  g_assert_cmpstr (error->message, ==, "The company “c1” has no “name”, which it needs.");
  g_clear_error (&error);

  g_assert_false (hy_store_upsert (f->store, HY_RECORD_KIND_LOCATION, &orphan, NULL, &error));
  g_assert_error (error, HY_STORE_ERROR, HY_STORE_ERROR_CONSTRAINT);
  g_assert_nonnull (strstr (error->message, "c9"));
  g_assert_cmpstr (error->message, ==,
                   "The location “l1” refers to the company “c9”, which does not exist.");
  g_clear_error (&error);

  pc.id = "pc1";
  pc.name = "PC";
  pc.group_id = "nogroup";
  g_assert_false (hy_store_upsert (f->store, HY_RECORD_KIND_COMPUTER, &pc, NULL, &error));
  g_assert_error (error, HY_STORE_ERROR, HY_STORE_ERROR_CONSTRAINT);
  g_assert_cmpstr (error->message, ==,
                   "The computer “pc1” refers to the group “nogroup”, which does not exist.");
  g_clear_error (&error);

  g_assert_cmpint (hy_store_count (f->store, HY_RECORD_KIND_COMPUTER, NULL, &error), ==, 0);
  g_assert_cmpint (hy_store_count (f->store, HY_RECORD_KIND_LOCATION, NULL, &error), ==, 0);
}

static void
test_group_parent_deferred (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  HyGroup child = { "g2", "Child", "g1" };
  gboolean exists = TRUE;

  /* A parent may come later in the same transaction ... */
  g_assert_true (hy_store_begin (f->store, &error));
  hy_test_store_add_group (f->store, "g2", "Child", "g1");
  hy_test_store_add_group (f->store, "g1", "Parent", NULL);
  g_assert_true (hy_store_commit (f->store, &error));
  g_assert_no_error (error);

  /* ... but it must exist when the transaction ends. */
  g_assert_true (hy_store_begin (f->store, &error));
  child.id = "g3";
  child.parent_id = "missing";
  g_assert_true (hy_store_upsert (f->store, HY_RECORD_KIND_GROUP, &child, NULL, &error));
  g_assert_false (hy_store_commit (f->store, &error));
  g_assert_error (error, HY_STORE_ERROR, HY_STORE_ERROR_CONSTRAINT);
  g_clear_error (&error);
  g_assert_true (hy_store_exists (f->store, HY_RECORD_KIND_GROUP, "g3", &exists, &error));
  g_assert_false (exists);
}

static void
test_delete (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  HyLinkInfo link = { 0 };

  hy_test_store_add_company (f->store, "c1", "Acme", 0);
  hy_test_store_add_computer (f->store, "pc1", "PC1", "c1", NULL);
  g_assert_true (hy_store_link_set (f->store, HY_RECORD_KIND_COMPUTER, "pc1", 5, "PC1",
                                    HY_LINK_HOW_AUTO, &error));

  g_assert_false (hy_store_delete (f->store, HY_RECORD_KIND_COMPANY, "c1", &error));
  g_assert_error (error, HY_STORE_ERROR, HY_STORE_ERROR_CONSTRAINT);
  g_assert_cmpstr (error->message, ==,
                   "The company “c1” cannot be deleted while other records refer to it.");
  g_clear_error (&error);

  g_assert_true (hy_store_delete (f->store, HY_RECORD_KIND_COMPUTER, "pc1", &error));
  g_assert_true (hy_store_delete (f->store, HY_RECORD_KIND_COMPANY, "c1", &error));
  g_assert_no_error (error);
  g_assert_true (hy_store_link_get (f->store, HY_RECORD_KIND_COMPUTER, "pc1", &link, &error));
  g_assert_cmpint (link.how, ==, HY_LINK_HOW_NONE);

  g_assert_false (hy_store_delete (f->store, HY_RECORD_KIND_COMPANY, "c1", &error));
  g_assert_error (error, HY_STORE_ERROR, HY_STORE_ERROR_NOT_FOUND);
}

static void
test_queries (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) list = NULL;
  HyStoreQuery q = HY_STORE_QUERY_INIT;
  HyUser user = { "u1", "Jane Tech", "Jane@MSP.example" };

  hy_test_store_add_company (f->store, "c1", "Acme Ltd", 0);
  hy_test_store_add_company (f->store, "c2", "ÉCOLE Dupont", 0);
  hy_test_store_add_company (f->store, "c3", "acme limited", 0);
  hy_test_store_add_group (f->store, "g1", "Servers", NULL);
  for (guint i = 0; i < 30; i++)
    {
      g_autofree char *id = g_strdup_printf ("pc%02u", i);
      g_autofree char *name = g_strdup_printf ("ACME-PC%02u", i);

      hy_test_store_add_computer (f->store, id, name, i % 2 ? "c1" : "c3", i < 10 ? "g1" : NULL);
    }
  g_assert_true (hy_store_upsert (f->store, HY_RECORD_KIND_USER, &user, NULL, &error));

  /* Search is case-insensitive, Unicode-aware, a substring. */
  q.search = "acme";
  g_assert_cmpint (hy_store_count (f->store, HY_RECORD_KIND_COMPANY, &q, &error), ==, 2);
  q.search = "école";
  list = hy_store_list (f->store, HY_RECORD_KIND_COMPANY, &q, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, 1);
  g_assert_cmpstr (((HyCompany *) list->pdata[0])->id, ==, "c2");
  g_clear_pointer (&list, g_ptr_array_unref);

  /* Ordered by name, paged. */
  q = (HyStoreQuery) HY_STORE_QUERY_INIT;
  q.limit = 10;
  q.offset = 25;
  list = hy_store_list (f->store, HY_RECORD_KIND_COMPUTER, &q, &error);
  g_assert_cmpuint (list->len, ==, 5);
  g_assert_cmpstr (((HyComputer *) list->pdata[0])->name, ==, "ACME-PC25");
  g_assert_cmpint (hy_store_count (f->store, HY_RECORD_KIND_COMPUTER, &q, &error), ==, 30);
  g_clear_pointer (&list, g_ptr_array_unref);

  /* By company, by group. */
  q = (HyStoreQuery) HY_STORE_QUERY_INIT;
  q.company_id = "c1";
  g_assert_cmpint (hy_store_count (f->store, HY_RECORD_KIND_COMPUTER, &q, &error), ==, 15);
  q.group_id = "g1";
  g_assert_cmpint (hy_store_count (f->store, HY_RECORD_KIND_COMPUTER, &q, &error), ==, 5);

  /* Unlinked only. */
  g_assert_true (hy_store_link_set (f->store, HY_RECORD_KIND_COMPUTER, "pc01", 101, "ACME-PC01",
                                    HY_LINK_HOW_MANUAL, &error));
  q = (HyStoreQuery) HY_STORE_QUERY_INIT;
  q.unlinked_only = TRUE;
  g_assert_cmpint (hy_store_count (f->store, HY_RECORD_KIND_COMPUTER, &q, &error), ==, 29);
  list = hy_store_list (f->store, HY_RECORD_KIND_COMPUTER, &q, &error);
  g_assert_cmpuint (list->len, ==, 29);
  for (guint i = 0; i < list->len; i++)
    g_assert_cmpstr (((HyComputer *) list->pdata[i])->id, !=, "pc01");
  g_clear_pointer (&list, g_ptr_array_unref);

  /* Unlinked first, then linked, each by name. */
  q = (HyStoreQuery) HY_STORE_QUERY_INIT;
  q.unlinked_first = TRUE;
  q.limit = 30;
  list = hy_store_list (f->store, HY_RECORD_KIND_COMPUTER, &q, &error);
  g_assert_cmpuint (list->len, ==, 30);
  g_assert_cmpstr (((HyComputer *) list->pdata[0])->id, ==, "pc00");
  g_assert_cmpstr (((HyComputer *) list->pdata[1])->id, ==, "pc02");
  g_assert_cmpstr (((HyComputer *) list->pdata[29])->id, ==, "pc01");
  g_clear_pointer (&list, g_ptr_array_unref);
  list = hy_store_list_links (f->store, HY_RECORD_KIND_COMPUTER, &q, &error);
  g_assert_cmpstr (((HyLink *) list->pdata[29])->id, ==, "pc01");
  g_assert_cmpint (((HyLink *) list->pdata[29])->link.halo_id, ==, 101);
  g_clear_pointer (&list, g_ptr_array_unref);

  /* Exact names and e-mails. */
  list = hy_store_find_by_name (f->store, HY_RECORD_KIND_COMPANY, "ACME LTD", &error);
  g_assert_cmpuint (list->len, ==, 1);
  g_clear_pointer (&list, g_ptr_array_unref);
  list = hy_store_find_users_by_email (f->store, "jane@msp.EXAMPLE", &error);
  g_assert_cmpuint (list->len, ==, 1);
  g_assert_cmpstr (((HyUser *) list->pdata[0])->name, ==, "Jane Tech");
  g_clear_pointer (&list, g_ptr_array_unref);
  q = (HyStoreQuery) HY_STORE_QUERY_INIT;
  q.search = "msp.example";
  g_assert_cmpint (hy_store_count (f->store, HY_RECORD_KIND_USER, &q, &error), ==, 1);
  g_assert_no_error (error);
}

static void
test_alerts (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (HyAlert) got = NULL;
  HyAlert alert = { 0 };
  HyStoreQuery q = HY_STORE_QUERY_INIT;
  guint open = 0, unrouted = 0;

  hy_test_store_add_company (f->store, "c1", "Acme", 0);
  hy_test_store_add_computer (f->store, "pc1", "PC1", "c1", NULL);
  hy_test_store_add_policy (f->store, "p1", "Disk space low");
  alert.id = "a1";
  alert.computer_id = "pc1";
  alert.policy_id = "p1";
  alert.summary = "C: is full";
  alert.severity = "critical";
  g_assert_true (hy_store_upsert (f->store, HY_RECORD_KIND_ALERT, &alert, NULL, &error));
  alert.id = "a2";
  g_assert_true (hy_store_upsert (f->store, HY_RECORD_KIND_ALERT, &alert, NULL, &error));

  g_assert_true (
      hy_store_set_alert_delivery (f->store, "a1", HY_ALERT_STATE_DELIVERED, 4242, NULL, &error));
  g_assert_true (hy_store_set_alert_delivery (f->store, "a2", HY_ALERT_STATE_UNROUTED, 0,
                                              "Policy not mapped", &error));
  g_assert_no_error (error);
  g_assert_true (hy_store_count_alerts (f->store, &open, &unrouted, &error));
  g_assert_cmpuint (open, ==, 2);
  g_assert_cmpuint (unrouted, ==, 1);

  /* A re-import keeps the delivery state. */
  alert.id = "a1";
  alert.summary = "C: is nearly full";
  g_assert_true (hy_store_upsert (f->store, HY_RECORD_KIND_ALERT, &alert, NULL, &error));
  got = hy_store_get (f->store, HY_RECORD_KIND_ALERT, "a1", &error);
  g_assert_no_error (error);
  g_assert_cmpint (got->state, ==, HY_ALERT_STATE_DELIVERED);
  g_assert_cmpint (got->ticket_id, ==, 4242);
  g_assert_cmpstr (got->summary, ==, "C: is nearly full");

  g_assert_true (hy_store_clear_alert (f->store, "a1", NULL, &error));
  g_assert_true (hy_store_count_alerts (f->store, &open, &unrouted, &error));
  g_assert_cmpuint (open, ==, 1);
  q.open_only = TRUE;
  q.computer_id = "pc1";
  g_assert_cmpint (hy_store_count (f->store, HY_RECORD_KIND_ALERT, &q, &error), ==, 1);

  g_assert_false (hy_store_clear_alert (f->store, "zz", NULL, &error));
  g_assert_error (error, HY_STORE_ERROR, HY_STORE_ERROR_NOT_FOUND);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  STORE_TEST_ADD ("/store/inventory/upsert-fields", test_upsert_fields);
  STORE_TEST_ADD ("/store/inventory/retired", test_retired);
  STORE_TEST_ADD ("/store/inventory/upsert", test_upsert_changes);
  STORE_TEST_ADD ("/store/inventory/invalid", test_upsert_invalid);
  STORE_TEST_ADD ("/store/inventory/group-parent", test_group_parent_deferred);
  STORE_TEST_ADD ("/store/inventory/delete", test_delete);
  STORE_TEST_ADD ("/store/inventory/queries", test_queries);
  STORE_TEST_ADD ("/store/inventory/alerts", test_alerts);

  return g_test_run ();
}
