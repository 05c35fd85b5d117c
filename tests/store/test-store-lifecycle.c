/* test-store-lifecycle.c: ticket defaults, maintenance windows (a parent group's window holds
 * its subgroups) and alert lifecycle in a real SQLite file
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>

#include "store/hy-store-lifecycle.h"
#include "store/hy-store.h"
#include "hy-test-halo.h"

typedef struct
{
  char *dir;
  HyStore *store;
} Fixture;

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (HyPolicy) policy = hy_policy_new ();

  f->store = hy_test_store_new_tmp ("hy-store-lc-XXXXXX", "halyard.db", &f->dir, NULL);
  hy_test_store_add_group (f->store, "top", "top", NULL);
  hy_test_store_add_group (f->store, "mid", "mid", "top");
  hy_test_store_add_group (f->store, "leaf", "leaf", "mid");
  hy_test_store_add_group (f->store, "other", "other", NULL);
  policy->id = g_strdup ("p1");
  policy->name = g_strdup ("Disk");
  g_assert_true (hy_store_upsert (f->store, HY_RECORD_KIND_POLICY, policy, NULL, &error));
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  hy_test_store_remove_tmp (&f->store, &f->dir, NULL);
}

static void
test_maintenance (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) windows = NULL;
  g_autoptr (HyMaintenanceWindow) at = NULL;
  gint64 id1, id2;

  g_assert_cmpint (hy_store_add_maintenance (f->store, "top", 200, 100, NULL, &error), ==, 0);
  g_assert_error (error, HY_STORE_ERROR, HY_STORE_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_cmpint (hy_store_add_maintenance (f->store, "nope", 100, 200, NULL, &error), ==, 0);
  g_assert_error (error, HY_STORE_ERROR, HY_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);

  id1 = hy_store_add_maintenance (f->store, "top", 100, 200, "Patch night", &error);
  g_assert_no_error (error);
  id2 = hy_store_add_maintenance (f->store, "mid", 150, 300, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (id2, >, id1);

  /* A window on a parent holds its subgroups; the one ending last wins. */
  at = hy_store_maintenance_at (f->store, "leaf", 120, &error);
  g_assert_no_error (error);
  g_assert_nonnull (at);
  g_assert_cmpint (at->id, ==, id1);
  g_assert_cmpstr (at->reason, ==, "Patch night");
  g_clear_pointer (&at, hy_maintenance_window_free);
  at = hy_store_maintenance_at (f->store, "leaf", 160, &error);
  g_assert_cmpint (at->id, ==, id2);
  g_clear_pointer (&at, hy_maintenance_window_free);
  /* Not the parent of a window's group, not another group, not after the end. */
  g_assert_null (hy_store_maintenance_at (f->store, "top", 250, &error));
  g_assert_no_error (error);
  g_assert_null (hy_store_maintenance_at (f->store, "other", 120, &error));
  g_assert_null (hy_store_maintenance_at (f->store, "leaf", 300, &error));
  g_assert_null (hy_store_maintenance_at (f->store, "leaf", 99, &error));
  g_assert_no_error (error);

  windows = hy_store_list_maintenance (f->store, NULL, 0, &error);
  g_assert_cmpuint (windows->len, ==, 2);
  g_clear_pointer (&windows, g_ptr_array_unref);
  windows = hy_store_list_maintenance (f->store, NULL, 200, &error);
  g_assert_cmpuint (windows->len, ==, 1);
  g_clear_pointer (&windows, g_ptr_array_unref);
  windows = hy_store_list_maintenance (f->store, "top", 0, &error);
  g_assert_cmpuint (windows->len, ==, 1);
  g_clear_pointer (&windows, g_ptr_array_unref);

  g_assert_true (hy_store_remove_maintenance (f->store, id1, &error));
  g_assert_false (hy_store_remove_maintenance (f->store, id1, &error));
  g_assert_error (error, HY_STORE_ERROR, HY_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);

  /* Deleting the group deletes its windows. */
  g_assert_true (hy_store_delete (f->store, HY_RECORD_KIND_GROUP, "leaf", &error));
  g_assert_true (hy_store_delete (f->store, HY_RECORD_KIND_GROUP, "mid", &error));
  g_assert_no_error (error);
  windows = hy_store_list_maintenance (f->store, NULL, 0, &error);
  g_assert_cmpuint (windows->len, ==, 0);
}

static void
test_policy_defaults (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (HyPolicyDefaults) defaults = NULL;
  g_autoptr (HyPolicyDefaults) got = NULL;
  g_autoptr (GHashTable) table = NULL;

  defaults = hy_store_get_policy_defaults (f->store, "p1", &error);
  g_assert_no_error (error);
  g_assert_cmpint (defaults->priority_id, ==, 0);
  g_assert_null (defaults->team);
  g_assert_cmpuint (hy_policy_defaults_get_flap_minutes (defaults), ==, 30);
  g_assert_null (hy_store_get_policy_defaults (f->store, "nope", &error));
  g_assert_error (error, HY_STORE_ERROR, HY_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);

  defaults->priority_id = 3;
  defaults->severity_priorities = g_strdup ("critical=1, Warning = 2");
  defaults->team = g_strdup ("Second Line");
  defaults->agent_id = 5;
  defaults->category = g_strdup ("Monitoring");
  defaults->flap_minutes = 0;
  g_assert_true (hy_store_set_policy_defaults (f->store, defaults, &error));
  got = hy_store_get_policy_defaults (f->store, "p1", &error);
  g_assert_cmpint (got->priority_id, ==, 3);
  g_assert_cmpstr (got->team, ==, "Second Line");
  g_assert_cmpint (got->agent_id, ==, 5);
  g_assert_cmpstr (got->category, ==, "Monitoring");
  g_assert_cmpuint (hy_policy_defaults_get_flap_minutes (got), ==, 0);
  g_assert_cmpint (hy_policy_defaults_priority_for (got, "CRITICAL"), ==, 1);
  g_assert_cmpint (hy_policy_defaults_priority_for (got, "warning"), ==, 2);
  g_assert_cmpint (hy_policy_defaults_priority_for (got, "info"), ==, 3);
  g_assert_cmpint (hy_policy_defaults_priority_for (got, NULL), ==, 3);

  /* A bad table is refused and changes nothing. */
  g_free (defaults->severity_priorities);
  defaults->severity_priorities = g_strdup ("critical=1,critical=2");
  g_assert_false (hy_store_set_policy_defaults (f->store, defaults, &error));
  g_assert_error (error, HY_STORE_ERROR, HY_STORE_ERROR_INVALID);
  g_clear_error (&error);
  for (guint i = 0; i < 4; i++)
    {
      static const char *const bad[] = { "critical", "=1", "critical=x", "critical=0" };
      table = hy_policy_defaults_parse_severities (bad[i]);
      g_assert_null (table);
    }

  /* Deleting the policy deletes its defaults. */
  g_assert_true (hy_store_delete (f->store, HY_RECORD_KIND_POLICY, "p1", &error));
  g_assert_no_error (error);
}

static void
test_alert_lifecycle (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  HyAlertLifecycle lc = { 0 };
  HyAlertLifecycle got;
  g_auto (GStrv) due = NULL;
  g_autoptr (HyComputer) pc = hy_computer_new ();
  g_autoptr (HyAlert) alert = hy_alert_new ();

  pc->id = g_strdup ("pc1");
  pc->name = g_strdup ("PC1");
  pc->group_id = g_strdup ("leaf");
  g_assert_true (hy_store_upsert (f->store, HY_RECORD_KIND_COMPUTER, pc, NULL, &error));
  alert->id = g_strdup ("a1");
  alert->computer_id = g_strdup ("pc1");
  alert->policy_id = g_strdup ("p1");
  alert->summary = g_strdup ("Disk full");
  g_assert_true (hy_store_upsert (f->store, HY_RECORD_KIND_ALERT, alert, NULL, &error));
  g_assert_no_error (error);

  g_assert_true (hy_store_get_alert_lifecycle (f->store, "a1", &got, &error));
  g_assert_cmpint (got.suppressed_until, ==, 0);
  g_assert_cmpint (hy_store_next_suppression_end (f->store, &error), ==, 0);

  lc.suppressed_until = 500;
  lc.previous_ticket_id = 1001;
  lc.repeats = 3;
  g_assert_true (hy_store_set_alert_lifecycle (f->store, "a1", &lc, &error));
  g_assert_true (hy_store_get_alert_lifecycle (f->store, "a1", &got, &error));
  g_assert_cmpint (got.suppressed_until, ==, 500);
  g_assert_cmpint (got.previous_ticket_id, ==, 1001);
  g_assert_cmpuint (got.repeats, ==, 3);
  g_assert_cmpint (hy_store_count_suppressed_alerts (f->store, &error), ==, 1);
  g_assert_cmpint (hy_store_next_suppression_end (f->store, &error), ==, 500);
  due = hy_store_list_suppressed_alerts (f->store, 499, &error);
  g_assert_cmpuint (g_strv_length (due), ==, 0);
  g_clear_pointer (&due, g_strfreev);
  due = hy_store_list_suppressed_alerts (f->store, 500, &error);
  g_assert_cmpuint (g_strv_length (due), ==, 1);
  g_assert_cmpstr (due[0], ==, "a1");
  g_clear_pointer (&due, g_strfreev);

  /* A cleared alert is held no more. */
  g_assert_true (hy_store_clear_alert (f->store, "a1", NULL, &error));
  g_assert_cmpint (hy_store_count_suppressed_alerts (f->store, &error), ==, 0);
  g_assert_cmpint (hy_store_next_suppression_end (f->store, &error), ==, 0);
  due = hy_store_list_suppressed_alerts (f->store, 1000, &error);
  g_assert_cmpuint (g_strv_length (due), ==, 0);
  g_assert_no_error (error);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  g_test_add ("/store/lifecycle/maintenance", Fixture, NULL, fixture_set_up, test_maintenance,
              fixture_tear_down);
  g_test_add ("/store/lifecycle/policy-defaults", Fixture, NULL, fixture_set_up,
              test_policy_defaults, fixture_tear_down);
  g_test_add ("/store/lifecycle/alert-lifecycle", Fixture, NULL, fixture_set_up,
              test_alert_lifecycle, fixture_tear_down);
  return g_test_run ();
}
