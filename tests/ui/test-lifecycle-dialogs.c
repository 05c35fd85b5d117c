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
#include "store/hy-store-lifecycle.h"

typedef struct
{
  char *dir;
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
  g_autofree char *path = NULL;
  g_autoptr (HyPolicy) policy = hy_policy_new ();
  g_autoptr (HyGroup) group = hy_group_new ();
  static const char *const priorities[] = { "Critical", "High", "Medium", "Low", NULL };
  static const char *const teams[] = { "Service Desk", "Second Line", NULL };
  static const char *const types[] = { "Incident", NULL };

  f->dir = g_dir_make_tmp ("hy-dialogs-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (f->dir, "halyard.db", NULL);
  f->store = hy_store_open (path, &error);
  g_assert_no_error (error);
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

  g_clear_object (&f->store);
  g_assert_cmpint (system (cmd), ==, 0);
  g_free (f->dir);
}

static void
test_policy_defaults (Fixture *f, gconstpointer data)
{
  HyPolicyDefaultsDialog *dialog = hy_policy_defaults_dialog_new (NULL, f->store, "p1", "Disk");
  AdwComboRow *team;
  AdwComboRow *priority;
  GtkWidget *category;
  g_autoptr (HyPolicyDefaults) saved = NULL;

  gtk_window_present (GTK_WINDOW (dialog));
  iterate_main_loop ();
  priority = ADW_COMBO_ROW (find_widget (GTK_WIDGET (dialog), ADW_TYPE_COMBO_ROW, "_Priority"));
  team = ADW_COMBO_ROW (find_widget (GTK_WIDGET (dialog), ADW_TYPE_COMBO_ROW, "_Team"));
  category = find_widget (GTK_WIDGET (dialog), ADW_TYPE_ENTRY_ROW, "Cate_gory");
  g_assert_nonnull (priority);
  g_assert_nonnull (team);
  g_assert_nonnull (category);
  /* Halo's teams, after "None". */
  g_assert_cmpuint (g_list_model_get_n_items (adw_combo_row_get_model (team)), ==, 3);
  adw_combo_row_set_selected (team, 1); /* by name: Second Line, Service Desk */
  adw_combo_row_set_selected (priority, 2);
  gtk_editable_set_text (GTK_EDITABLE (category), "Monitoring");
  g_assert_true (hy_policy_defaults_dialog_save (dialog));

  saved = hy_store_get_policy_defaults (f->store, "p1", NULL);
  g_assert_cmpstr (saved->team, ==, "Second Line");
  g_assert_cmpint (saved->priority_id, ==, 2);
  g_assert_cmpstr (saved->category, ==, "Monitoring");
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
