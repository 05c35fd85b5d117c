/* test-window.c — the main window: its three views, their empty states, settings, finalization
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <adwaita.h>

#include "ui/hy-window-test.h"

#include "hy-window.h"
#include "session/hy-session.h"
#include "store/hy-store.h"

static void
test_window_views (void)
{
  static const char *names[] = { "setup", "mapping", "events" };
  HyWindow *window;
  AdwViewStack *stack;
  g_autoptr (GtkSelectionModel) pages = NULL;

  window = hy_window_new (NULL);
  gtk_window_present (GTK_WINDOW (window));
  iterate_main_loop ();

  stack = ADW_VIEW_STACK (find_widget (GTK_WIDGET (window), ADW_TYPE_VIEW_STACK, NULL));
  g_assert_nonnull (stack);

  pages = adw_view_stack_get_pages (stack);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (pages)), ==, G_N_ELEMENTS (names));

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autoptr (AdwViewStackPage) page = g_list_model_get_item (G_LIST_MODEL (pages), i);
      GtkWidget *child = adw_view_stack_page_get_child (page);

      g_assert_cmpstr (adw_view_stack_page_get_name (page), ==, names[i]);
      g_assert_nonnull (adw_view_stack_page_get_title (page));
      g_assert_nonnull (adw_view_stack_page_get_icon_name (page));

      /* Without a connection, every view says what to do next: no fake content. Setup is
       * the form to fill in; the other views show a status page that sends there. */
      if (i == 0)
        {
          g_assert_true (HY_IS_SETUP_PAGE (child));
          continue;
        }
      g_assert_true (GTK_IS_STACK (child));
      g_assert_cmpstr (gtk_stack_get_visible_child_name (GTK_STACK (child)), ==, "empty");
      child = gtk_stack_get_visible_child (GTK_STACK (child));
      g_assert_true (ADW_IS_STATUS_PAGE (child));
      g_assert_nonnull (adw_status_page_get_title (ADW_STATUS_PAGE (child)));
      g_assert_cmpuint (strlen (adw_status_page_get_description (ADW_STATUS_PAGE (child))), >, 20);
    }

  gtk_window_destroy (GTK_WINDOW (window));
  iterate_main_loop ();
}

static void
test_window_demo (void)
{
  HyWindow *window;

  window = hy_window_new (NULL);
  g_object_ref_sink (window);
  g_assert_false (hy_window_get_demo (window));

  /* A demo says so, in the title and with the development stripes. */
  hy_window_set_demo (window, TRUE);
  g_assert_true (hy_window_get_demo (window));
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (window), "devel"));
  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (window)), !=, "Halyard");

  hy_window_set_demo (window, FALSE);
  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (window)), ==, "Halyard");

  gtk_window_destroy (GTK_WINDOW (window));
  g_assert_finalize_object (window);
}

static void
test_window_remembers_view (void)
{
  g_autoptr (GSettings) settings = g_settings_new (BASE_APPLICATION_ID);
  HyWindow *window;

  g_settings_set_string (settings, "last-view", "mapping");

  window = hy_window_new (NULL);
  g_object_ref_sink (window);
  g_assert_cmpstr (hy_window_get_visible_view (window), ==, "mapping");

  /* The view action, as the Alt+3 shortcut triggers it. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.show-view", "s", "events"));
  g_assert_cmpstr (hy_window_get_visible_view (window), ==, "events");
  g_assert_cmpstr (g_settings_get_string (settings, "last-view"), ==, "events");

  /* An unknown view name is ignored rather than breaking the stack. */
  hy_window_set_visible_view (window, "nonsense");
  g_assert_cmpstr (hy_window_get_visible_view (window), ==, "events");

  gtk_window_destroy (GTK_WINDOW (window));
  g_assert_finalize_object (window);
}

static void
test_window_remembers_size (void)
{
  g_autoptr (GSettings) settings = g_settings_new (BASE_APPLICATION_ID);
  HyWindow *window;
  int width, height;

  g_settings_set_int (settings, "window-width", 777);
  g_settings_set_int (settings, "window-height", 555);
  g_settings_set_boolean (settings, "window-maximized", FALSE);

  window = hy_window_new (NULL);
  g_object_ref_sink (window);
  gtk_window_get_default_size (GTK_WINDOW (window), &width, &height);
  g_assert_cmpint (width, ==, 777);
  g_assert_cmpint (height, ==, 555);

  /* Closing asks the window to save its size; only a realized window can be closed. */
  gtk_window_present (GTK_WINDOW (window));
  iterate_main_loop ();
  gtk_window_set_default_size (GTK_WINDOW (window), 801, 602);
  gtk_window_close (GTK_WINDOW (window));
  iterate_main_loop ();
  g_assert_cmpint (g_settings_get_int (settings, "window-width"), ==, 801);
  g_assert_cmpint (g_settings_get_int (settings, "window-height"), ==, 602);

  g_assert_finalize_object (window);
}

/* Every shortcut the window and its Setup view answer to is in the shortcuts window. */
static void
test_window_shortcuts_listed (void)
{
  static const char *actions[] = { "win.test-connection", "win.import", "win.show-help-overlay",
                                   "app.quit" };
  static const char *accelerators[] = { "<Primary>s", "<Primary>r F5", "<Alt>1", "<Alt>2",
                                        "<Alt>3" };
  g_autoptr (GtkBuilder) builder =
      gtk_builder_new_from_resource ("/io/github/halyard/Halyard/gtk/help-overlay.ui");
  g_autoptr (GPtrArray) listed = g_ptr_array_new_with_free_func (g_free);
  GSList *objects = gtk_builder_get_objects (builder);

  for (GSList *l = objects; l != NULL; l = l->next)
    if (GTK_IS_SHORTCUTS_SHORTCUT (l->data))
      {
        g_autofree char *action = NULL;
        g_autofree char *accelerator = NULL;

        g_object_get (l->data, "action-name", &action, "accelerator", &accelerator, NULL);
        if (action != NULL)
          g_ptr_array_add (listed, g_steal_pointer (&action));
        if (accelerator != NULL)
          g_ptr_array_add (listed, g_steal_pointer (&accelerator));
      }
  g_slist_free (objects);

  for (guint i = 0; i < G_N_ELEMENTS (actions); i++)
    g_assert_true (g_ptr_array_find_with_equal_func (listed, actions[i], g_str_equal, NULL));
  for (guint i = 0; i < G_N_ELEMENTS (accelerators); i++)
    g_assert_true (g_ptr_array_find_with_equal_func (listed, accelerators[i], g_str_equal, NULL));

  gtk_window_destroy (GTK_WINDOW (gtk_builder_get_object (builder, "help_overlay")));
}


/* The status popover names each write Halyard gave up on, Halo's reason and what brings it
 * back. */
static void
test_window_given_up (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("halyard-window-XXXXXX", &error);
  g_autofree char *db = NULL;
  g_autoptr (HySession) session = NULL;
  g_autofree char *text = NULL;
  HyWindow *window;
  GtkMenuButton *status;

  g_assert_no_error (error);
  db = g_build_filename (dir, "halyard.db", NULL);
  {
    g_autoptr (HyStore) store = hy_store_open (db, &error);
    g_autoptr (HyProfile) profile = hy_profile_new ();
    gint64 id;

    g_assert_no_error (error);
    profile->url = g_strdup ("https://halo.example");
    profile->client_id = g_strdup ("halyard");
    g_assert_true (hy_store_set_profile (store, profile, &error));
    id = hy_store_outbox_enqueue (store, "ticket.create", "alert:a1", "{}", 10, &error);
    g_assert_cmpint (id, >, 0);
    g_assert_true (hy_store_outbox_give_up (store, id, "Halo said: Invalid tickettype_id",
                                            HY_OUTBOX_CAUSE_REFUSED, FALSE, 0, &error));
  }
  session = hy_session_open (dir, &error);
  g_assert_no_error (error);

  window = hy_window_new (NULL);
  hy_window_set_session (window, session);
  gtk_window_present (GTK_WINDOW (window));
  iterate_main_loop ();

  status = GTK_MENU_BUTTON (find_widget (GTK_WIDGET (window), GTK_TYPE_MENU_BUTTON, NULL));
  gtk_menu_button_popup (status);
  iterate_main_loop ();
  text = hy_window_test_status_text (status);
  g_assert_nonnull (strstr (text, "0 waiting, 1 given up"));
  g_assert_nonnull (strstr (text, "Given up"));
  g_assert_nonnull (strstr (text, "alert:a1: Halo said: Invalid tickettype_id"));
  g_assert_nonnull (strstr (text, "when a mapping or link changes"));
  /* The window's own retry, not halyard-cli's. */
  g_assert_nonnull (strstr (text, "Retry it in Events."));
  g_assert_null (strstr (text, "--retry-dead"));
  gtk_menu_button_popdown (status);

  gtk_window_destroy (GTK_WINDOW (window));
  iterate_main_loop ();
  g_clear_object (&session);
  {
    g_autofree char *cmd = g_strdup_printf ("rm -rf '%s'", dir);
    g_assert_cmpint (system (cmd), ==, 0);
  }
}

int
main (int argc, char *argv[])
{
  hy_window_test_init_gtk (&argc, &argv);

  g_test_add_func ("/window/views", test_window_views);
  g_test_add_func ("/window/remembers-view", test_window_remembers_view);
  g_test_add_func ("/window/demo", test_window_demo);
  g_test_add_func ("/window/shortcuts-listed", test_window_shortcuts_listed);
  g_test_add_func ("/window/remembers-size", test_window_remembers_size);
  g_test_add_func ("/window/given-up", test_window_given_up);

  return g_test_run ();
}
