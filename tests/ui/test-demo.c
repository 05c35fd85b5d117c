/* test-demo.c — the demo end to end: the simulated Halo, the temporary data directory and
 * keyring item, the sample inventory imported through the core, the connection test passing in
 * Setup, and screenshots of every view, light and dark, wide and narrow (saved in the build
 * directory, under screenshots/)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <adwaita.h>

#include "hy-ui-shot.h"
#include "hy-window-test.h"
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <locale.h>

#include "credentials/hy-credentials.h"
#include "hy-demo.h"
#include "hy-events-page.h"
#include "models/hy-link-item.h"
#include "hy-mapping-page.h"
#include "hy-rate-chart.h"
#include "hy-window.h"
#include "session/hy-session.h"

/* Lets the main loop run for @ms (animations, transitions, idle layout). */
static void
run_for (guint ms)
{
  gboolean timed_out = FALSE;

  g_timeout_add (ms, timeout_cb, &timed_out);
  while (!timed_out)
    g_main_context_iteration (NULL, TRUE);
}

static void
tested_cb (HySetupPage *page, gboolean ok, int *tested)
{
  *tested = ok ? 1 : -1;
}

static void
async_done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static GAsyncResult *
wait_result (GAsyncResult **slot)
{
  gboolean timed_out = FALSE;
  guint id = g_timeout_add_seconds (HY_UI_TEST_HANG_S, timeout_cb, &timed_out);

  while (*slot == NULL && !timed_out)
    g_main_context_iteration (NULL, TRUE);
  g_assert_false (timed_out);
  g_source_remove (id);
  return *slot;
}

static void
painted_cb (GdkFrameClock *clock, gboolean *painted)
{
  *painted = TRUE;
}

/* Waits until @widget is mapped and a frame of it has been painted, then runs what that frame
 * queued (idles that follow a map, the focus moving in). */
static void
wait_painted (GtkWidget *widget)
{
  gboolean timed_out = FALSE;
  gboolean painted = FALSE;
  guint id = g_timeout_add_seconds (HY_UI_TEST_HANG_S, timeout_cb, &timed_out);
  GdkFrameClock *clock;
  gulong handler;

  while (!gtk_widget_get_mapped (widget) && !timed_out)
    g_main_context_iteration (NULL, TRUE);
  g_assert_false (timed_out);
  clock = gtk_widget_get_frame_clock (widget);
  g_assert_nonnull (clock);
  handler = g_signal_connect (clock, "after-paint", G_CALLBACK (painted_cb), &painted);
  gtk_widget_queue_draw (widget);
  while (!painted && !timed_out)
    g_main_context_iteration (NULL, TRUE);
  g_signal_handler_disconnect (clock, handler);
  g_assert_false (timed_out);
  g_source_remove (id);
  iterate_main_loop ();
}

/* Waits until the focus is inside @widget, then runs what that queued (idles). */
static void
wait_focus_inside (GtkWidget *widget)
{
  gboolean timed_out = FALSE;
  guint id = g_timeout_add_seconds (HY_UI_TEST_HANG_S, timeout_cb, &timed_out);

  while (gtk_widget_get_focus_child (widget) == NULL && !timed_out)
    g_main_context_iteration (NULL, TRUE);
  g_assert_false (timed_out);
  g_source_remove (id);
  iterate_main_loop ();
}

/* The demo badge of the header (hidden when the window is narrow). */
static GtkWidget *
find_demo_badge (GtkWidget *root)
{
  if (GTK_IS_LABEL (root) && gtk_widget_has_css_class (root, "warning"))
    return root;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_demo_badge (child);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/* The header's status at 360 px: a word beside its icon (not the bare icon), whole. The header
 * switches to its narrow layout in an idle after the title shows: waits for that (the demo badge
 * goes with it) and a frame painted after it. */
static void
assert_status_readable (GtkWidget *window)
{
  GtkWidget *header = find_widget (window, ADW_TYPE_HEADER_BAR, NULL);
  GtkWidget *title = find_widget (header, ADW_TYPE_VIEW_SWITCHER_TITLE, NULL);
  GtkWidget *badge = find_demo_badge (header);
  GtkWidget *status = find_widget (header, GTK_TYPE_MENU_BUTTON, NULL);
  GtkWidget *label = find_widget (status, GTK_TYPE_LABEL, NULL);
  gboolean timed_out = FALSE;
  guint id = g_timeout_add_seconds (HY_UI_TEST_HANG_S, timeout_cb, &timed_out);
  int natural = 0;

  g_assert_nonnull (badge);
  while ((!adw_view_switcher_title_get_title_visible (ADW_VIEW_SWITCHER_TITLE (title)) ||
          gtk_widget_get_visible (badge)) &&
         !timed_out)
    g_main_context_iteration (NULL, TRUE);
  g_assert_false (timed_out);
  g_source_remove (id);
  wait_painted (window);

  g_assert_nonnull (label);
  gtk_widget_measure (label, GTK_ORIENTATION_HORIZONTAL, -1, NULL, &natural, NULL, NULL);
  g_assert_cmpint (gtk_widget_get_width (label), >=, natural);
  g_test_message ("narrow status: %s", gtk_label_get_text (GTK_LABEL (label)));
  g_assert_true (gtk_widget_get_mapped (label));
  g_assert_cmpint (g_utf8_strlen (gtk_label_get_text (GTK_LABEL (label)), -1), >=, 3);
  g_assert_false (pango_layout_is_ellipsized (gtk_label_get_layout (GTK_LABEL (label))));
}

static void
save_screenshot (GtkWidget *window, const char *name)
{
  g_autoptr (GdkTexture) texture = hy_ui_shot_take (window);
  g_autofree char *dir = NULL;
  g_autofree char *file = NULL;
  g_autofree char *path = NULL;

  g_assert_nonnull (texture);

  dir = g_build_filename (g_getenv ("HALYARD_BUILD_ROOT") ? g_getenv ("HALYARD_BUILD_ROOT")
                                                          : g_get_tmp_dir (),
                          "screenshots", NULL);
  g_assert_cmpint (g_mkdir_with_parents (dir, 0755), ==, 0);
  file = g_strconcat (name, ".png", NULL);
  path = g_build_filename (dir, file, NULL);
  g_assert_true (gdk_texture_save_to_png (texture, path));
  g_test_message ("screenshot: %s", path);
}

static void
test_demo_end_to_end (void)
{
  static const char *views[] = { "setup", "mapping", "events" };
  g_autoptr (HyDemo) demo = hy_demo_new ();
  g_autoptr (HySession) session = NULL;
  g_autoptr (HyProfile) profile = hy_profile_new ();
  g_autoptr (GError) error = NULL;
  g_autoptr (GFile) inventory = NULL;
  g_autofree char *data_dir = NULL;
  g_autofree char *url = NULL;
  AdwStyleManager *style = adw_style_manager_get_default ();
  HyWindow *window;
  int tested = 0;
  gboolean timed_out = FALSE;
  guint id;

  g_assert_true (hy_demo_start (demo, &error));
  g_assert_no_error (error);
  data_dir = g_strdup (hy_demo_get_data_dir (demo));
  url = g_strdup (hy_demo_get_url (demo));
  g_assert_true (g_str_has_prefix (url, "http://127.0.0.1:"));
  g_assert_true (g_file_test (data_dir, G_FILE_TEST_IS_DIR));

  session = hy_session_open (data_dir, &error);
  g_assert_no_error (error);
  profile->url = g_strdup (url);
  profile->tenant = g_strdup (hy_demo_get_tenant (demo));
  profile->client_id = g_strdup (hy_demo_get_client_id (demo));
  g_assert_true (hy_session_set_profile (session, profile, &error));
  hy_session_set_secret (session, hy_demo_get_secret (demo));
  {
    GAsyncResult *result = NULL;

    /* The demo's temporary keyring item. */
    hy_session_save_secret_async (session, NULL, async_done_cb, &result);
    g_assert_true (hy_session_save_secret_finish (session, wait_result (&result), &error));
    g_assert_no_error (error);
    g_object_unref (result);
  }

  window = hy_window_new (NULL);
  g_object_ref_sink (window);
  gtk_window_set_default_size (GTK_WINDOW (window), 980, 760);
  hy_window_set_demo (window, TRUE);
  g_signal_connect (hy_window_get_setup_page (window), "tested", G_CALLBACK (tested_cb), &tested);
  hy_window_set_session (window, session);
  hy_window_set_visible_view (window, "setup");
  gtk_window_present (GTK_WINDOW (window));

  inventory = g_file_new_for_uri ("resource://" HY_DEMO_INVENTORY_RESOURCE);
  hy_window_import_file (window, inventory);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.refresh", NULL));

  /* The connection test runs by itself and passes against the simulated Halo. */
  id = g_timeout_add_seconds (HY_UI_TEST_HANG_S, timeout_cb, &timed_out);
  while (tested == 0 && !timed_out)
    g_main_context_iteration (NULL, TRUE);
  g_assert_false (timed_out);
  g_source_remove (id);
  g_assert_cmpint (tested, ==, 1);

  /* The sample inventory is in the store, through the core's import. */
  id = g_timeout_add_seconds (HY_UI_TEST_HANG_S, timeout_cb, &timed_out);
  while (hy_store_count (hy_session_get_store (session), HY_RECORD_KIND_COMPANY, NULL, NULL) < 5 &&
         !timed_out)
    g_main_context_iteration (NULL, TRUE);
  g_assert_false (timed_out);
  g_source_remove (id);

  /* Halo's records are in the cache (win.refresh). */
  id = g_timeout_add_seconds (HY_UI_TEST_HANG_S, timeout_cb, &timed_out);
  while (hy_store_cache_count (hy_session_get_store (session), HY_CACHE_KIND_CLIENT, NULL, NULL) <
             1 &&
         !timed_out)
    g_main_context_iteration (NULL, TRUE);
  g_assert_false (timed_out);
  g_source_remove (id);

  /* Enable: refused while nothing is mapped; then, as a technician would, link automatically
   * and send the laptops group to Acme's head office: the switch starts the sync, which brings
   * the group to Synced. */
  {
    HyStore *store = hy_session_get_store (session);
    HySetupPage *page = hy_window_get_setup_page (window);
    GtkWidget *row = find_widget (GTK_WIDGET (page), ADW_TYPE_ACTION_ROW, "_Enabled");
    GtkSwitch *sw;
    g_autoptr (HyGroupSync) sync = NULL;

    g_assert_nonnull (row);
    sw = GTK_SWITCH (find_widget (row, GTK_TYPE_SWITCH, NULL));
    hy_window_set_visible_view (window, "setup");
    gtk_switch_set_active (sw, TRUE);
    iterate_main_loop ();
    g_assert_false (hy_session_get_profile (session)->enabled);

    {
      GType mapping_type = g_type_from_name ("HyMappingPage");
      GtkWidget *mapping;

      /* Link Automatically, in the Mapping view. */
      g_assert_true (mapping_type != 0);
      mapping = find_widget (GTK_WIDGET (window), mapping_type, NULL);
      g_assert_nonnull (mapping);
      g_assert_true (gtk_widget_activate_action (mapping, "mapping.link-auto", NULL));
      id = g_timeout_add_seconds (HY_UI_TEST_HANG_S, timeout_cb, &timed_out);
      while (!timed_out)
        {
          g_autoptr (HyCompany) acme = hy_store_get (store, HY_RECORD_KIND_COMPANY, "c-acme", NULL);

          if (acme != NULL && acme->link.how == HY_LINK_HOW_AUTO)
            break;
          g_main_context_iteration (NULL, TRUE);
        }
      g_assert_false (timed_out);
      g_source_remove (id);
    }
    g_assert_true (hy_store_map_group (store, "g-laptops", 12, 20, &error));
    g_assert_no_error (error);
    hy_setup_page_refresh_enabled (page);
    gtk_switch_set_active (sw, TRUE);
    iterate_main_loop ();
    g_assert_true (hy_session_get_profile (session)->enabled);

    id = g_timeout_add_seconds (HY_UI_TEST_HANG_S, timeout_cb, &timed_out);
    while (!timed_out)
      {
        g_clear_pointer (&sync, hy_group_sync_free);
        sync = hy_store_get_group_sync (store, "g-laptops", &error);
        g_assert_no_error (error);
        if (sync->state == HY_SYNC_STATE_SYNCED || sync->state == HY_SYNC_STATE_FAILED)
          break;
        g_main_context_iteration (NULL, TRUE);
      }
    g_assert_false (timed_out);
    g_source_remove (id);
    if (sync->reason != NULL)
      g_test_message ("sync: %s", sync->reason);
    /* Laptops holds Acme's laptop and Initech's: mapped to Acme, Acme's is synced and
     * Initech's is not filed under Acme (a customer's data never moves): the group says so with
     * both names (DESIGN.md, "Which Halo client and site a device belongs to"). */
    g_assert_cmpstr (hy_sync_state_to_string (sync->state), ==, "failed");
    g_assert_cmpuint (sync->devices, ==, 2);
    g_assert_cmpuint (sync->synced, ==, 1);
    g_assert_nonnull (strstr (sync->reason, "Initech"));
    g_assert_nonnull (strstr (sync->reason, "Acme Ltd"));
    g_assert_cmpint (hy_store_events_count (store, FALSE, NULL), >, 0);

    /* The Mapping view follows the window's engine: the group's row says Failed as soon as
     * the run is done, not at the next poll. */
    {
      HyMappingPage *mapping =
          HY_MAPPING_PAGE (find_widget (GTK_WIDGET (window), HY_TYPE_MAPPING_PAGE, NULL));
      GListModel *groups;
      gboolean found = FALSE;

      g_assert_nonnull (hy_mapping_page_get_sync_engine (mapping));
      iterate_main_loop ();
      groups = hy_mapping_page_get_rows (mapping, "groups");
      for (guint i = 0; i < g_list_model_get_n_items (groups); i++)
        {
          g_autoptr (HyLinkItem) item = g_list_model_get_item (groups, i);

          if (g_strcmp0 (hy_link_item_get_id (item), "g-laptops") != 0)
            continue;
          g_assert_cmpstr (hy_link_item_get_state (item), ==, "Failed");
          found = TRUE;
        }
      g_assert_true (found);
    }
  }

  /* The header's status says what is true: the laptops group fails, why (Initech's laptop is
   * not Acme's), and who delivers; its popover, when the last sync was and that nothing waits
   * in the outbox. */
  {
    GtkMenuButton *status =
        GTK_MENU_BUTTON (find_widget (GTK_WIDGET (window), GTK_TYPE_MENU_BUTTON, NULL));
    GtkWidget *popover = GTK_WIDGET (gtk_menu_button_get_popover (status));
    g_autoptr (GString) text = g_string_new (NULL);

    g_assert_true (GTK_IS_GRID (gtk_popover_get_child (GTK_POPOVER (popover))));
    /* It opens with the focus inside it (for the keyboard) but nothing selected, the first
     * time and the next: the first value used to open with all its text selected. */
    for (guint open = 0; open < 2; open++)
      {
        if (open > 0)
          {
            gtk_menu_button_popdown (status);
            /* Hidden, and the focus back on the button. */
            while (gtk_widget_get_mapped (popover) || gtk_widget_get_focus_child (popover) != NULL)
              g_main_context_iteration (NULL, TRUE);
          }
        gtk_menu_button_popup (status);
        g_test_message ("status popover opened (%u): visible %d, button active %d", open,
                        gtk_widget_get_visible (popover),
                        gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (
                            find_widget (GTK_WIDGET (status), GTK_TYPE_TOGGLE_BUTTON, NULL))));
        wait_painted (popover);
        wait_focus_inside (popover);
        for (GtkWidget *child =
                 gtk_widget_get_first_child (gtk_popover_get_child (GTK_POPOVER (popover)));
             child != NULL; child = gtk_widget_get_next_sibling (child))
          {
            int start = 0, end = 0;

            if (gtk_label_get_selection_bounds (GTK_LABEL (child), &start, &end))
              g_test_message ("selected: %s", gtk_label_get_text (GTK_LABEL (child)));
            g_assert_false (gtk_label_get_selection_bounds (GTK_LABEL (child), &start, &end));
          }
      }
    for (GtkWidget *child =
             gtk_widget_get_first_child (gtk_popover_get_child (GTK_POPOVER (popover)));
         child != NULL; child = gtk_widget_get_next_sibling (child))
      g_string_append_printf (text, "%s\n", gtk_label_get_text (GTK_LABEL (child)));
    g_test_message ("status: %s", text->str);
    g_assert_nonnull (strstr (text->str, "Failing: Laptops: "));
    g_assert_nonnull (strstr (text->str, "Delivered by this window"));
    g_assert_nonnull (strstr (text->str, "Failures\nLaptops: "));
    g_assert_nonnull (strstr (text->str, "Initech"));
    g_assert_null (strstr (text->str, "Not synced yet"));
    g_assert_nonnull (strstr (text->str, "0 waiting, 0 given up"));
    gtk_menu_button_popdown (status);
  }

  /* The toasts of all that go, so the screenshots show the views: the Mapping view's own
   * toast times out, the window's are dismissed. */
  run_for (5500);
  hy_window_dismiss_toasts (window);
  run_for (1000);

  /* Events with its newest request's details open (host, error, indented bodies). */
  {
    GtkWidget *events = find_widget (GTK_WIDGET (window), HY_TYPE_EVENTS_PAGE, NULL);

    g_assert_nonnull (events);
    hy_events_page_select (HY_EVENTS_PAGE (events), 0);
  }

  /* Every view, light and dark, at the default size and at 360 px. */
  for (guint dark = 0; dark < 2; dark++)
    {
      adw_style_manager_set_color_scheme (style, dark ? ADW_COLOR_SCHEME_FORCE_DARK
                                                      : ADW_COLOR_SCHEME_FORCE_LIGHT);
      for (guint i = 0; i < G_N_ELEMENTS (views); i++)
        {
          g_autofree char *name = g_strdup_printf ("%s-%s", views[i], dark ? "dark" : "light");

          hy_window_set_visible_view (window, views[i]);
          run_for (400);
          save_screenshot (GTK_WIDGET (window), name);
        }
    }

  /* The guide to the Halo side, its first steps open. */
  {
    GtkWidget *setup = GTK_WIDGET (hy_window_get_setup_page (window));
    GtkWidget *step1 = find_widget (setup, ADW_TYPE_EXPANDER_ROW, "1. Create the API application");
    GtkWidget *step3 = find_widget (setup, ADW_TYPE_EXPANDER_ROW, "3. Log in as an agent");

    adw_style_manager_set_color_scheme (style, ADW_COLOR_SCHEME_FORCE_LIGHT);
    g_assert_nonnull (step1);
    g_assert_nonnull (step3);
    hy_window_set_visible_view (window, "setup");
    adw_expander_row_set_expanded (ADW_EXPANDER_ROW (step1), TRUE);
    adw_expander_row_set_expanded (ADW_EXPANDER_ROW (step3), TRUE);
    run_for (600);
    {
      GtkAdjustment *scroll = gtk_scrolled_window_get_vadjustment (
          GTK_SCROLLED_WINDOW (find_widget (setup, GTK_TYPE_SCROLLED_WINDOW, NULL)));

      gtk_adjustment_set_value (scroll, gtk_adjustment_get_upper (scroll) -
                                            gtk_adjustment_get_page_size (scroll));
    }
    run_for (400);
    save_screenshot (GTK_WIDGET (window), "setup-guide");
  }

  gtk_window_set_default_size (GTK_WINDOW (window), 360, 720);
  for (guint dark = 0; dark < 2; dark++)
    {
      adw_style_manager_set_color_scheme (style, dark ? ADW_COLOR_SCHEME_FORCE_DARK
                                                      : ADW_COLOR_SCHEME_FORCE_LIGHT);
      for (guint i = 0; i < G_N_ELEMENTS (views); i++)
        {
          g_autofree char *name =
              g_strdup_printf ("%s-narrow-%s", views[i], dark ? "dark" : "light");

          hy_window_set_visible_view (window, views[i]);
          run_for (400);
          g_assert_cmpint (gtk_widget_get_width (GTK_WIDGET (window)), <=, 400);
          save_screenshot (GTK_WIDGET (window), name);
          assert_status_readable (GTK_WIDGET (window));
        }
    }
  adw_style_manager_set_color_scheme (style, ADW_COLOR_SCHEME_DEFAULT);

  gtk_window_destroy (GTK_WINDOW (window));
  iterate_main_loop ();
  g_clear_object (&session);
  g_assert_finalize_object (window);

  /* The secret went to a keyring item that the demo removes again, with its files. */
  hy_demo_stop (demo, 5000);
  g_assert_false (g_file_test (data_dir, G_FILE_TEST_EXISTS));
  {
    GAsyncResult *result = NULL;
    char *secret;

    hy_credentials_lookup_async (url, "halyard-demo", NULL, async_done_cb, &result);
    secret = hy_credentials_lookup_finish (wait_result (&result), &error);
    g_assert_null (secret);
    g_assert_error (error, HY_CREDENTIALS_ERROR, HY_CREDENTIALS_ERROR_NOT_FOUND);
    g_object_unref (result);
  }
}

/* Labels of @root that show an ellipsis: text cut off. */
static void
collect_cut_labels (GtkWidget *root, GPtrArray *cut)
{
  if (!gtk_widget_get_mapped (root))
    return;

  if (GTK_IS_LABEL (root) && gtk_label_get_ellipsize (GTK_LABEL (root)) != PANGO_ELLIPSIZE_NONE &&
      pango_layout_is_ellipsized (gtk_label_get_layout (GTK_LABEL (root))))
    g_ptr_array_add (cut, g_strdup (gtk_label_get_text (GTK_LABEL (root))));

  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    collect_cut_labels (child, cut);
}

/* Every view in German, light and dark (@size: "de" or "de-narrow"), for the store's pictures
 * and for looking at. */
static void
save_german_views (HyWindow *window, const char *size)
{
  static const char *views[] = { "setup", "mapping", "events" };
  AdwStyleManager *style = adw_style_manager_get_default ();

  for (guint dark = 0; dark < 2; dark++)
    {
      adw_style_manager_set_color_scheme (style, dark ? ADW_COLOR_SCHEME_FORCE_DARK
                                                      : ADW_COLOR_SCHEME_FORCE_LIGHT);
      for (guint i = 0; i < G_N_ELEMENTS (views); i++)
        {
          g_autofree char *name =
              g_strdup_printf ("%s-%s-%s", views[i], size, dark ? "dark" : "light");

          hy_window_set_visible_view (window, views[i]);
          /* A page switches to its narrow layout after the first frame's allocation: the
           * picture is of the frame after that. */
          wait_painted (GTK_WIDGET (window));
          save_screenshot (GTK_WIDGET (window), name);
        }
    }
  adw_style_manager_set_color_scheme (style, ADW_COLOR_SCHEME_DEFAULT);
}

/* German labels are the longest: at the default size, nothing in the header or in Setup is cut
 * off. */
static void
test_demo_german (void)
{
  g_autoptr (HyDemo) demo = hy_demo_new ();
  g_autoptr (HySession) session = NULL;
  g_autoptr (HyProfile) profile = hy_profile_new ();
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) cut = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GFile) inventory = NULL;
  g_autofree char *podir = NULL;
  HyWindow *window;
  int tested = 0;
  gboolean timed_out = FALSE;
  guint id;

  if (setlocale (LC_ALL, "de_DE.UTF-8") == NULL)
    {
      g_test_skip ("the de_DE.UTF-8 locale is not installed");
      return;
    }
  g_setenv ("LANGUAGE", "de", TRUE);
  podir = g_build_filename (g_getenv ("HALYARD_BUILD_ROOT"), "po", NULL);
  bindtextdomain (GETTEXT_PACKAGE, podir);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
  g_assert_cmpstr (g_dgettext (GETTEXT_PACKAGE, "Test Connection"), ==, "Verbindung testen");

  g_assert_true (hy_demo_start (demo, &error));
  session = hy_session_open (hy_demo_get_data_dir (demo), &error);
  g_assert_no_error (error);
  profile->url = g_strdup (hy_demo_get_url (demo));
  profile->tenant = g_strdup (hy_demo_get_tenant (demo));
  profile->client_id = g_strdup (hy_demo_get_client_id (demo));
  g_assert_true (hy_session_set_profile (session, profile, &error));
  hy_session_set_secret (session, hy_demo_get_secret (demo));

  window = hy_window_new (NULL);
  g_object_ref_sink (window);
  /* The schema's default size. */
  gtk_window_set_default_size (GTK_WINDOW (window), 980, 700);
  hy_window_set_demo (window, TRUE);
  g_signal_connect (hy_window_get_setup_page (window), "tested", G_CALLBACK (tested_cb), &tested);
  hy_window_set_session (window, session);
  hy_window_set_visible_view (window, "setup");
  gtk_window_present (GTK_WINDOW (window));
  /* The sample inventory and Halo's records, for the pictures of Mapping. */
  inventory = g_file_new_for_uri ("resource://" HY_DEMO_INVENTORY_RESOURCE);
  hy_window_import_file (window, inventory);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.refresh", NULL));

  id = g_timeout_add_seconds (HY_UI_TEST_HANG_S, timeout_cb, &timed_out);
  while (tested == 0 && !timed_out)
    g_main_context_iteration (NULL, TRUE);
  g_assert_false (timed_out);
  g_source_remove (id);
  id = g_timeout_add_seconds (HY_UI_TEST_HANG_S, timeout_cb, &timed_out);
  while (hy_store_count (hy_session_get_store (session), HY_RECORD_KIND_COMPANY, NULL, NULL) < 5 &&
         !timed_out)
    g_main_context_iteration (NULL, TRUE);
  g_assert_false (timed_out);
  g_source_remove (id);
  run_for (800);
  hy_window_dismiss_toasts (window);
  run_for (800);

  collect_cut_labels (GTK_WIDGET (window), cut);
  for (guint i = 0; i < cut->len; i++)
    g_test_message ("cut off: %s", (char *) g_ptr_array_index (cut, i));
  g_assert_cmpuint (cut->len, ==, 0);
  save_german_views (window, "de");
  hy_window_set_visible_view (window, "setup");

  /* And at 360 px, the narrowest the window allows: still nothing cut, nothing wider. */
  gtk_window_set_default_size (GTK_WINDOW (window), 360, 720);
  run_for (800);
  g_assert_cmpint (gtk_widget_get_width (GTK_WIDGET (window)), <=, 400);
  collect_cut_labels (GTK_WIDGET (hy_window_get_setup_page (window)), cut);
  for (guint i = 0; i < cut->len; i++)
    g_test_message ("cut off at 360 px: %s", (char *) g_ptr_array_index (cut, i));
  g_assert_cmpuint (cut->len, ==, 0);
  assert_status_readable (GTK_WIDGET (window));
  collect_cut_labels (find_widget (GTK_WIDGET (window), ADW_TYPE_HEADER_BAR, NULL), cut);
  g_assert_cmpuint (cut->len, ==, 0);

  /* Events at 360 px: the chart's legend and its gauge's title whole. */
  hy_window_set_visible_view (window, "events");
  {
    GtkWidget *chart = find_widget (GTK_WIDGET (window), HY_TYPE_RATE_CHART, NULL);

    g_assert_nonnull (chart);
    wait_painted (chart);
    g_assert_false (hy_rate_chart_get_text_cut (HY_RATE_CHART (chart)));
  }
  save_german_views (window, "de-narrow");

  gtk_window_destroy (GTK_WINDOW (window));
  iterate_main_loop ();
  g_clear_object (&session);
  g_assert_finalize_object (window);
  hy_demo_stop (demo, 5000);
  setlocale (LC_ALL, "C.UTF-8");
  g_setenv ("LANGUAGE", "C", TRUE);
}

int
main (int argc, char *argv[])
{
  hy_window_test_init ();
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  gtk_init ();
  adw_init ();

  g_test_add_func ("/demo/end-to-end", test_demo_end_to_end);
  g_test_add_func ("/demo/german", test_demo_german);

  return g_test_run ();
}
