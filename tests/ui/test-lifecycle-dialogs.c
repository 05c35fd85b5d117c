/* test-lifecycle-dialogs.c: the ticket defaults dialog (Halo's teams to choose from, saved with
 * Halo's spelling) and the maintenance dialog (bad times refused with the reason shown and
 * nothing saved, a window added, listed, removed)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <adwaita.h>

#include "hy-test-halo.h"
#include "hy-test-session.h"
#include "hy-test-views.h"
#include "hy-window-test.h"

#include "hy-maintenance-dialog.h"
#include "hy-policy-defaults-dialog.h"
#include "hy-sim.h"
#include "session/hy-session.h"
#include "store/hy-store-lifecycle.h"

typedef struct
{
  char *dir;
  HySim *sim;
  HySession *session;
  HyStore *store;
} Fixture;

/* What Halo has: Acme Ltd (12), four priorities, two teams, a ticket type. */
static const HyTestHaloRecord halo_records[] = {
  { HY_CACHE_KIND_CLIENT, 12, "Acme Ltd" }, { HY_CACHE_KIND_PRIORITY, 1, "Critical" },
  { HY_CACHE_KIND_PRIORITY, 2, "High" },    { HY_CACHE_KIND_PRIORITY, 3, "Medium" },
  { HY_CACHE_KIND_PRIORITY, 4, "Low" },     { HY_CACHE_KIND_TEAM, 1, "Service Desk" },
  { HY_CACHE_KIND_TEAM, 2, "Second Line" }, { HY_CACHE_KIND_TICKET_TYPE, 1, "Incident" },
};

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  HySimGenerateOptions options;

  /* Halo, for the end users read when a client is chosen: Acme Ltd (12) has "General User"
   * (400) and a contact (401), both at its site 20. */
  hy_sim_generate_options_init (&options);
  options.clients = 1;
  options.sites_per_client = 1;
  options.assets_per_client = 0;
  f->sim = hy_test_sim_start (&options);

  f->session = hy_test_session_new_tmp ("hy-dialogs-XXXXXX", &f->dir);
  f->store = hy_session_get_store (f->session);
  hy_test_session_use_sim (f->session, f->sim);
  hy_test_store_add_halo_records (f->store, halo_records, G_N_ELEMENTS (halo_records));
  /* Acme Ltd linked to its client; a policy mapped to Incident; a group. */
  hy_test_store_add_company (f->store, "c1", "Acme Ltd", 12);
  hy_test_store_add_policy (f->store, "p1", "Disk space");
  hy_test_store_add_group (f->store, "g1", "Servers", NULL);
  g_assert_true (hy_store_map_policy (f->store, "p1", 1, 0, &error));
  g_assert_no_error (error);
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  f->store = NULL;
  hy_test_session_remove_tmp (&f->session, &f->dir);
  hy_sim_stop (f->sim);
  g_clear_object (&f->sim);
}

static gboolean
has_users (gpointer dialog)
{
  return hy_policy_defaults_dialog_get_n_users (dialog) > 0;
}

/* Waits (the main loop running) until @dialog has read the chosen client's users. */
static void
wait_for_users (HyPolicyDefaultsDialog *dialog)
{
  hy_test_wait_until (has_users, dialog, "the client's users");
}

static gboolean
is_trash_button (GtkWidget *widget, gconstpointer data)
{
  return GTK_IS_BUTTON (widget) &&
         g_strcmp0 (gtk_widget_get_tooltip_text (widget), "Remove this maintenance window") == 0;
}

static void
test_policy_defaults (Fixture *f, gconstpointer data)
{
  HyPolicyDefaultsDialog *dialog = hy_policy_defaults_dialog_new (NULL, f->session, "p1", "Disk");
  AdwComboRow *team;
  AdwComboRow *priority;
  AdwComboRow *critical;
  AdwComboRow *client;
  AdwComboRow *user;
  GtkWidget *category;
  GtkWidget *severity;
  g_autoptr (HyPolicyDefaults) saved = NULL;

  gtk_window_present (GTK_WINDOW (dialog));
  iterate_main_loop ();
  priority = ADW_COMBO_ROW (find_widget (GTK_WIDGET (dialog), ADW_TYPE_COMBO_ROW, "_Priority"));
  team = ADW_COMBO_ROW (find_widget (GTK_WIDGET (dialog), ADW_TYPE_COMBO_ROW, "_Team"));
  category = find_widget (GTK_WIDGET (dialog), ADW_TYPE_ENTRY_ROW, "Cate_gory");
  severity = find_widget (GTK_WIDGET (dialog), ADW_TYPE_ENTRY_ROW, "Add a _Severity");
  client = ADW_COMBO_ROW (find_widget (GTK_WIDGET (dialog), ADW_TYPE_COMBO_ROW, "C_lient"));
  user = ADW_COMBO_ROW (find_widget (GTK_WIDGET (dialog), ADW_TYPE_COMBO_ROW, "_User"));
  g_assert_nonnull (priority);
  g_assert_nonnull (team);
  g_assert_nonnull (category);
  g_assert_nonnull (severity);
  g_assert_nonnull (client);
  g_assert_nonnull (user);
  /* Halo's teams, after "None". */
  g_assert_cmpuint (g_list_model_get_n_items (adw_combo_row_get_model (team)), ==, 3);
  adw_combo_row_set_selected (team, 1); /* by name: Second Line, Service Desk */
  adw_combo_row_set_selected (priority, 2);
  gtk_editable_set_text (GTK_EDITABLE (category), "Monitoring");

  /* A severity added to the table, with Halo's priorities to choose from; a second time, or
   * with a "=", refused. */
  gtk_editable_set_text (GTK_EDITABLE (severity), " Critical ");
  g_signal_emit_by_name (severity, "apply");
  critical = ADW_COMBO_ROW (find_widget (GTK_WIDGET (dialog), ADW_TYPE_COMBO_ROW, "critical"));
  g_assert_nonnull (critical);
  g_assert_cmpuint (g_list_model_get_n_items (adw_combo_row_get_model (critical)), ==, 4);
  adw_combo_row_set_selected (critical, 0); /* Critical */
  gtk_editable_set_text (GTK_EDITABLE (severity), "critical");
  g_signal_emit_by_name (severity, "apply");
  gtk_editable_set_text (GTK_EDITABLE (severity), "info=4");
  g_signal_emit_by_name (severity, "apply");
  gtk_editable_set_text (GTK_EDITABLE (severity), "info");
  g_signal_emit_by_name (severity, "apply");

  /* The end user: Acme Ltd (the linked company's client), then one of its users from Halo. */
  g_assert_false (gtk_widget_get_sensitive (GTK_WIDGET (user)));
  g_assert_cmpuint (g_list_model_get_n_items (adw_combo_row_get_model (client)), ==, 2);
  adw_combo_row_set_selected (client, 1);
  wait_for_users (dialog);
  g_assert_true (gtk_widget_get_sensitive (GTK_WIDGET (user)));
  g_assert_cmpuint (hy_policy_defaults_dialog_get_n_users (dialog), ==, 2);
  adw_combo_row_set_selected (user, 1); /* the contact, after "General User" */
  g_assert_true (hy_policy_defaults_dialog_save (dialog));

  saved = hy_store_get_policy_defaults (f->store, "p1", NULL);
  g_assert_cmpstr (saved->team, ==, "Second Line");
  g_assert_cmpint (saved->priority_id, ==, 2);
  g_assert_cmpstr (saved->severity_priorities, ==, "critical=1,info=2");
  g_assert_cmpstr (saved->category, ==, "Monitoring");
  g_assert_cmpint (saved->user_id, ==, 401);
  g_assert_cmpint (saved->user_client_id, ==, 12);
  g_assert_cmpint (saved->user_site_id, ==, 20);
  gtk_window_destroy (GTK_WINDOW (dialog));
  iterate_main_loop ();
  g_clear_pointer (&saved, hy_policy_defaults_free);

  /* Opened again: what was saved is shown; removing a severity and the user saves that. */
  dialog = hy_policy_defaults_dialog_new (NULL, f->session, "p1", "Disk");
  gtk_window_present (GTK_WINDOW (dialog));
  wait_for_users (dialog);
  critical = ADW_COMBO_ROW (find_widget (GTK_WIDGET (dialog), ADW_TYPE_COMBO_ROW, "critical"));
  g_assert_nonnull (critical);
  g_assert_cmpuint (adw_combo_row_get_selected (critical), ==, 0);
  user = ADW_COMBO_ROW (find_widget (GTK_WIDGET (dialog), ADW_TYPE_COMBO_ROW, "_User"));
  g_assert_cmpuint (adw_combo_row_get_selected (user), ==, 1);
  g_signal_emit_by_name (find_widget (GTK_WIDGET (critical), GTK_TYPE_BUTTON, NULL), "clicked");
  g_assert_null (find_widget (GTK_WIDGET (dialog), ADW_TYPE_COMBO_ROW, "critical"));
  client = ADW_COMBO_ROW (find_widget (GTK_WIDGET (dialog), ADW_TYPE_COMBO_ROW, "C_lient"));
  adw_combo_row_set_selected (client, 0);
  g_assert_true (hy_policy_defaults_dialog_save (dialog));
  saved = hy_store_get_policy_defaults (f->store, "p1", NULL);
  g_assert_cmpstr (saved->severity_priorities, ==, "info=2");
  g_assert_cmpint (saved->user_id, ==, 0);
  gtk_window_destroy (GTK_WINDOW (dialog));
  iterate_main_loop ();
}

static void
test_maintenance (Fixture *f, gconstpointer data)
{
  HyMaintenanceDialog *dialog = hy_maintenance_dialog_new (NULL, f->store, "g1", "Servers");
  GtkWidget *from;
  GtkWidget *until;
  g_autoptr (GPtrArray) windows = NULL;
  GtkWidget *trash;

  gtk_window_present (GTK_WINDOW (dialog));
  iterate_main_loop ();
  g_assert_cmpuint (hy_maintenance_dialog_get_n_windows (dialog), ==, 0);
  from = find_widget (GTK_WIDGET (dialog), ADW_TYPE_ENTRY_ROW, "_From");
  until = find_widget (GTK_WIDGET (dialog), ADW_TYPE_ENTRY_ROW, "_Until");

  /* A time that is no time: refused, the reason shown, nothing saved. */
  gtk_editable_set_text (GTK_EDITABLE (from), "tomorrow");
  g_assert_false (hy_maintenance_dialog_add (dialog));
  windows = hy_store_list_maintenance (f->store, NULL, 0, NULL);
  g_assert_cmpuint (windows->len, ==, 0);
  g_clear_pointer (&windows, g_ptr_array_unref);

  gtk_editable_set_text (GTK_EDITABLE (from), "now");
  gtk_editable_set_text (GTK_EDITABLE (until), "+2h");
  g_assert_true (hy_maintenance_dialog_add (dialog));
  g_assert_cmpuint (hy_maintenance_dialog_get_n_windows (dialog), ==, 1);
  windows = hy_store_list_maintenance (f->store, "g1", 0, NULL);
  g_assert_cmpuint (windows->len, ==, 1);
  g_assert_cmpint (((HyMaintenanceWindow *) windows->pdata[0])->ends_at -
                       ((HyMaintenanceWindow *) windows->pdata[0])->starts_at,
                   ==, 7200);

  /* Its trash button removes it. */
  trash = hy_test_find_matching (GTK_WIDGET (dialog), is_trash_button, NULL, TRUE);
  g_assert_nonnull (trash);
  g_signal_emit_by_name (trash, "clicked");
  g_assert_cmpuint (hy_maintenance_dialog_get_n_windows (dialog), ==, 0);
  gtk_window_destroy (GTK_WINDOW (dialog));
  iterate_main_loop ();
}

int
main (int argc, char *argv[])
{
  hy_window_test_init_gtk (&argc, &argv);

  g_test_add ("/lifecycle/dialogs/policy-defaults", Fixture, NULL, fixture_set_up,
              test_policy_defaults, fixture_tear_down);
  g_test_add ("/lifecycle/dialogs/maintenance", Fixture, NULL, fixture_set_up, test_maintenance,
              fixture_tear_down);
  return g_test_run ();
}
