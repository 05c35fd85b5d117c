/* test-store-intake.c: HyStore: the intake's part
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-store"

#include "config.h"

#include "test-store-fixture.h"

/* ---------------------------------------------------------------------------------------------
 * The intake's part
 * ------------------------------------------------------------------------------------------- */

static void
test_intake (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (HyIntakeInfo) info = NULL;
  g_autoptr (GPtrArray) list = NULL;
  g_autoptr (HyIntakeWaiting) got = NULL;
  g_auto (GStrv) ids = NULL;
  HyCompany c = { "c1", "Acme" };
  HyComputer pc1 = { .id = "pc1", .name = "DC01", .company_id = "c1" };
  HyComputer pc2 = { .id = "pc2", .name = "web", .company_id = "c1" };
  HyComputer pc3 = { .id = "WEB", .name = "Web", .company_id = "c1" };
  HyIntakeWaiting w = { .alert_id = "am:f1",
                        .source = "alertmanager",
                        .computer = "newbox",
                        .policy = "p1",
                        .summary = "Disk",
                        .labels = "{\"a\":\"b\"}",
                        .reason = "no computer",
                        .received = 5 };
  guint open = 9, unrouted = 9;
  gboolean deleted = FALSE;

  /* Settings: none at first; saved; counters kept apart. */
  info = hy_store_intake_get (f->store, &error);
  g_assert_no_error (error);
  g_assert_null (info->computer_label);
  g_assert_cmpuint (info->day_count, ==, 0);
  g_free (info->alertmanager_url);
  info->alertmanager_url = g_strdup ("http://am.example:9093");
  g_assert_true (hy_store_intake_set (f->store, info, &error));
  g_assert_true (hy_store_intake_note_received (f->store, "a1", "One", 1000000, &error));
  g_assert_true (hy_store_intake_note_received (f->store, "a2", "Two", 1000001, &error));
  g_clear_pointer (&info, hy_intake_info_free);
  info = hy_store_intake_get (f->store, &error);
  g_assert_cmpstr (info->alertmanager_url, ==, "http://am.example:9093");
  g_assert_cmpuint (info->day_count, ==, 2);
  g_assert_cmpstr (info->last_alert, ==, "a2");
  g_assert_cmpint (info->last_time, ==, 1000001);
  /* A new day starts the count again. */
  g_assert_true (
      hy_store_intake_note_received (f->store, "a3", "Three", 1000000 + 3 * 86400, &error));
  g_clear_pointer (&info, hy_intake_info_free);
  info = hy_store_intake_get (f->store, &error);
  g_assert_cmpuint (info->day_count, ==, 1);

  /* Matching: the exact id, else the name in any case, else the id in another case; several
   * computers of one name are all returned. */
  g_assert_true (hy_store_upsert (f->store, HY_RECORD_KIND_COMPANY, &c, NULL, &error));
  g_assert_true (hy_store_upsert (f->store, HY_RECORD_KIND_COMPUTER, &pc1, NULL, &error));
  g_assert_true (hy_store_upsert (f->store, HY_RECORD_KIND_COMPUTER, &pc2, NULL, &error));
  g_assert_true (hy_store_upsert (f->store, HY_RECORD_KIND_COMPUTER, &pc3, NULL, &error));
  ids = hy_store_intake_match (f->store, HY_RECORD_KIND_COMPUTER, "dc01", &error);
  g_assert_no_error (error);
  g_assert_cmpstrv (ids, ((const char *const[]){ "pc1", NULL }));
  g_clear_pointer (&ids, g_strfreev);
  ids = hy_store_intake_match (f->store, HY_RECORD_KIND_COMPUTER, "PC1", &error);
  g_assert_cmpstrv (ids, ((const char *const[]){ "pc1", NULL }));
  g_clear_pointer (&ids, g_strfreev);
  ids = hy_store_intake_match (f->store, HY_RECORD_KIND_COMPUTER, "WEB", &error);
  g_assert_cmpstrv (ids, ((const char *const[]){ "WEB", NULL }));
  g_clear_pointer (&ids, g_strfreev);
  ids = hy_store_intake_match (f->store, HY_RECORD_KIND_COMPUTER, "wEb", &error);
  g_assert_cmpstrv (ids, ((const char *const[]){ "WEB", "pc2", NULL }));
  g_clear_pointer (&ids, g_strfreev);
  ids = hy_store_intake_match (f->store, HY_RECORD_KIND_COMPUTER, "nothing", &error);
  g_assert_cmpstrv (ids, ((const char *const[]){ NULL }));

  /* Waiting alerts: kept, counted as open and unrouted, listed, deleted. */
  g_assert_true (hy_store_intake_put_waiting (f->store, &w, &error));
  g_assert_true (hy_store_count_alerts (f->store, &open, &unrouted, &error));
  g_assert_cmpuint (open, ==, 1);
  g_assert_cmpuint (unrouted, ==, 1);
  got = hy_store_intake_get_waiting (f->store, "am:f1", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (got->labels, ==, "{\"a\":\"b\"}");
  g_assert_cmpint (got->received, ==, 5);
  list = hy_store_intake_list_unrouted (f->store, 0, &error);
  g_assert_cmpuint (list->len, ==, 1);
  g_assert_false (((HyIntakeWaiting *) list->pdata[0])->matched);
  g_assert_true (hy_store_intake_delete_waiting (f->store, "am:f1", &deleted, &error));
  g_assert_true (deleted);
  g_assert_true (hy_store_intake_delete_waiting (f->store, "am:f1", &deleted, &error));
  g_assert_false (deleted);
  g_assert_null (hy_store_intake_get_waiting (f->store, "am:f1", &error));
  g_assert_error (error, HY_STORE_ERROR, HY_STORE_ERROR_NOT_FOUND);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  STORE_TEST_ADD ("/store/intake", test_intake);

  return g_test_run ();
}
