/* test-lifecycle-dialogs.c: the ticket defaults dialog (Halo's teams to choose from, saved with
 * Halo's spelling) and the maintenance dialog (bad times refused with the reason shown and
 * nothing saved, a window added, listed, removed)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <adwaita.h>

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

static void
cache (HyStore *store, HyCacheKind kind, const char *const *names)
{
  g_autoptr (GPtrArray) records =
      g_ptr_array_new_with_free_func ((GDestroyNotify) hy_cache_record_free);

  for (guint i = 0; names[i] != NULL; i++)
    g_ptr_array_add (records, hy_cache_record_new (kind, i + 1, names[i]));
  g_assert_true (hy_store_cache_replace (store, kind, records, NULL));
}

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (HyPolicy) policy = hy_policy_new ();
  g_autoptr (HyGroup) group = hy_group_new ();
  static const char *const priorities[] = { "Critical", "High", "Medium", "Low", NULL };
  static const char *const teams[] = { "Service Desk", "Second Line", NULL };
  static const char *const types[] = { "Incident", NULL };

  g_autoptr (HyProfile) profile = hy_profile_new ();
  g_autoptr (HyCompany) company = hy_company_new ();
  static const char *const clients[] = { "Acme Ltd", NULL };
  HySimGenerateOptions options;

  /* Halo, for the end users read when a client is chosen: Acme Ltd (12) has "General User"
   * (400) and a contact (401), both at its site 20. */
  f->sim = hy_sim_new ();
  hy_sim_generate_options_init (&options);
  options.clients = 1;
  options.sites_per_client = 1;
  options.assets_per_client = 0;
  hy_sim_generate (f->sim, &options);
  g_assert_true (hy_sim_start (f->sim, 0, &error));
  g_assert_no_error (error);

  f->dir = g_dir_make_tmp ("hy-dialogs-XXXXXX", &error);
  g_assert_no_error (error);
  f->session = hy_session_open (f->dir, &error);
  g_assert_no_error (error);
  f->store = hy_session_get_store (f->session);
  profile->url = g_strdup (hy_sim_get_base_url (f->sim));
  profile->tenant = g_strdup ("demo");
  profile->client_id = g_strdup ("halyard-demo");
  g_assert_true (hy_session_set_profile (f->session, profile, &error));
  hy_session_set_secret (f->session, "demo-secret");
  {
    g_autoptr (GPtrArray) records =
        g_ptr_array_new_with_free_func ((GDestroyNotify) hy_cache_record_free);

    g_ptr_array_add (records, hy_cache_record_new (HY_CACHE_KIND_CLIENT, 12, clients[0]));
    g_assert_true (hy_store_cache_replace (f->store, HY_CACHE_KIND_CLIENT, records, NULL));
  }
  company->id = g_strdup ("c1");
  company->name = g_strdup ("Acme Ltd");
  g_assert_true (hy_store_upsert (f->store, HY_RECORD_KIND_COMPANY, company, NULL, &error));
  g_assert_true (hy_store_link_set (f->store, HY_RECORD_KIND_COMPANY, "c1", 12, "Acme Ltd",
                                    HY_LINK_HOW_MANUAL, &error));
  cache (f->store, HY_CACHE_KIND_PRIORITY, priorities);
  cache (f->store, HY_CACHE_KIND_TEAM, teams);
  cache (f->store, HY_CACHE_KIND_TICKET_TYPE, types);
  policy->id = g_strdup ("p1");
  policy->name = g_strdup ("Disk space");
  group->id = g_strdup ("g1");
  group->name = g_strdup ("Servers");
  g_assert_true (hy_store_upsert (f->store, HY_RECORD_KIND_POLICY, policy, NULL, &error));
  g_assert_true (hy_store_upsert (f->store, HY_RECORD_KIND_GROUP, group, NULL, &error));
  g_assert_true (hy_store_map_policy (f->store, "p1", 1, 0, &error));
  g_assert_no_error (error);
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  g_autofree char *cmd = g_strdup_printf ("rm -rf '%s'", f->dir);

  f->store = NULL;
  g_clear_object (&f->session);
  hy_sim_stop (f->sim);
  g_clear_object (&f->sim);
  g_assert_cmpint (system (cmd), ==, 0);
  g_free (f->dir);
}

/* Waits (the main loop running) until @dialog has read the chosen client's users. */
static void
wait_for_users (HyPolicyDefaultsDialog *dialog)
{
  gint64 deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;

  while (hy_policy_defaults_dialog_get_n_users (dialog) == 0)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, TRUE);
    }
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
  {
    /* the button with the remove tooltip */
    GtkWidget *w = GTK_WIDGET (dialog);
    GPtrArray *stack = g_ptr_array_new ();
    g_ptr_array_add (stack, w);
    trash = NULL;
    while (stack->len > 0 && trash == NULL)
      {
        GtkWidget *cur = g_ptr_array_steal_index (stack, stack->len - 1);
        if (GTK_IS_BUTTON (cur) &&
            g_strcmp0 (gtk_widget_get_tooltip_text (cur), "Remove this maintenance window") == 0)
          trash = cur;
        for (GtkWidget *c = gtk_widget_get_first_child (cur); c != NULL;
             c = gtk_widget_get_next_sibling (c))
          g_ptr_array_add (stack, c);
      }
    g_ptr_array_unref (stack);
  }
  g_assert_nonnull (trash);
  g_signal_emit_by_name (trash, "clicked");
  g_assert_cmpuint (hy_maintenance_dialog_get_n_windows (dialog), ==, 0);
  gtk_window_destroy (GTK_WINDOW (dialog));
  iterate_main_loop ();
}

int
main (int argc, char *argv[])
{
  hy_window_test_init ();
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  gtk_init ();
  adw_init ();

  g_test_add ("/lifecycle/dialogs/policy-defaults", Fixture, NULL, fixture_set_up,
              test_policy_defaults, fixture_tear_down);
  g_test_add ("/lifecycle/dialogs/maintenance", Fixture, NULL, fixture_set_up, test_maintenance,
              fixture_tear_down);
  return g_test_run ();
}
