/* test-demo.c — the demo end to end: the simulated Halo, the temporary data directory and
 * keyring item, the sample inventory imported through the core, the connection test passing in
 * Setup, and screenshots of every view, light and dark, wide and narrow (saved in the build
 * directory, under screenshots/)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <adwaita.h>

#include "hy-test-demo.h"
#include "hy-test-views.h"
#include "hy-window-test.h"
#include <glib/gi18n.h>
#include <locale.h>

#include "credentials/hy-credentials.h"
#include "hy-events-page.h"
#include "models/hy-link-item.h"
#include "hy-mapping-page.h"
#include "hy-rate-chart.h"

static const char *const views[] = { "setup", "mapping", "events" };

/* ---- The header's status ----------------------------------------------------------------- */

static gboolean
is_demo_badge (GtkWidget *widget, gconstpointer data)
{
  return GTK_IS_LABEL (widget) && gtk_widget_has_css_class (widget, "warning");
}

static gboolean
header_is_narrow (gpointer data)
{
  GtkWidget *header = data;
  GtkWidget *title = find_widget (header, ADW_TYPE_VIEW_SWITCHER_TITLE, NULL);
  /* The demo badge (hidden when the window is narrow). */
  GtkWidget *badge = hy_test_find_matching (header, is_demo_badge, NULL, FALSE);

  g_assert_nonnull (badge);
  return adw_view_switcher_title_get_title_visible (ADW_VIEW_SWITCHER_TITLE (title)) &&
         !gtk_widget_get_visible (badge);
}

/* The header switches to its narrow layout in an idle after the title shows: waits for that
 * (the demo badge goes with it) and a frame painted after it. */
static void
wait_header_narrow (GtkWidget *window)
{
  GtkWidget *header = find_widget (window, ADW_TYPE_HEADER_BAR, NULL);

  g_assert_cmpint (gtk_widget_get_width (window), <=, 400);
  hy_test_ui_wait_until (header_is_narrow, header, "the header's narrow layout");
  hy_test_ui_wait_painted (window);
}

/* The header's status at 360 px: a word beside its icon (not the bare icon), whole. */
static void
assert_status_readable (GtkWidget *window)
{
  GtkWidget *header = find_widget (window, ADW_TYPE_HEADER_BAR, NULL);
  GtkWidget *status = find_widget (header, GTK_TYPE_MENU_BUTTON, NULL);
  GtkWidget *label = find_widget (status, GTK_TYPE_LABEL, NULL);
  int natural = 0;

  wait_header_narrow (window);
  g_assert_nonnull (label);
  gtk_widget_measure (label, GTK_ORIENTATION_HORIZONTAL, -1, NULL, &natural, NULL, NULL);
  g_assert_cmpint (gtk_widget_get_width (label), >=, natural);
  g_test_message ("narrow status: %s", gtk_label_get_text (GTK_LABEL (label)));
  g_assert_true (gtk_widget_get_mapped (label));
  g_assert_cmpint (g_utf8_strlen (gtk_label_get_text (GTK_LABEL (label)), -1), >=, 3);
  g_assert_false (pango_layout_is_ellipsized (gtk_label_get_layout (GTK_LABEL (label))));
}

/* ---- Pictures of every view -------------------------------------------------------------- */

typedef void (*ViewStep) (GtkWidget *window);

/* Every view, light and dark, saved as VIEW-SIZE-light and VIEW-SIZE-dark (VIEW-light without
 * @size); @before runs on each view before its picture is taken, @after after it. */
static void
save_views (HyWindow *window, const char *size, ViewStep before, ViewStep after)
{
  AdwStyleManager *style = adw_style_manager_get_default ();

  /* The view switcher's buttons change colour in a transition: the pictures are of its end. */
  hy_test_ui_set_animations (FALSE);
  for (guint dark = 0; dark < 2; dark++)
    {
      adw_style_manager_set_color_scheme (style, dark ? ADW_COLOR_SCHEME_FORCE_DARK
                                                      : ADW_COLOR_SCHEME_FORCE_LIGHT);
      for (guint i = 0; i < G_N_ELEMENTS (views); i++)
        {
          g_autofree char *name =
              g_strdup_printf ("%s%s%s-%s", views[i], size != NULL ? "-" : "",
                               size != NULL ? size : "", dark ? "dark" : "light");

          hy_window_set_visible_view (window, views[i]);
          /* A page switches to its narrow layout after the first frame's allocation: the
           * picture is of the frame after that. */
          hy_test_ui_wait_painted (GTK_WIDGET (window));
          if (before != NULL)
            before (GTK_WIDGET (window));
          hy_test_ui_save_screenshot (GTK_WIDGET (window), name);
          if (after != NULL)
            after (GTK_WIDGET (window));
        }
    }
  adw_style_manager_set_color_scheme (style, ADW_COLOR_SCHEME_DEFAULT);
  hy_test_ui_set_animations (TRUE);
}

/* The window at 360 px, the narrowest it allows. */
static void
make_narrow (HyWindow *window)
{
  gtk_window_set_default_size (GTK_WINDOW (window), 360, 720);
  hy_test_ui_wait_width_at_most (GTK_WIDGET (window), 400);
}

/* ---- The English run's steps ------------------------------------------------------------- */

/* The demo's temporary keyring item. */
static void
save_secret (HySession *session)
{
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;

  hy_session_save_secret_async (session, NULL, hy_test_result_cb, &result);
  g_assert_true (hy_session_save_secret_finish (session, hy_test_wait_for (&result), &error));
  g_assert_no_error (error);
}

static GtkSwitch *
find_enabled_switch (HyWindow *window)
{
  GtkWidget *row =
      find_widget (GTK_WIDGET (hy_window_get_setup_page (window)), ADW_TYPE_ACTION_ROW, "_Enabled");

  g_assert_nonnull (row);
  return GTK_SWITCH (find_widget (row, GTK_TYPE_SWITCH, NULL));
}

/* Enable: refused while nothing is mapped. */
static void
assert_enable_refused (HyTestDemo *demo)
{
  hy_window_set_visible_view (demo->window, "setup");
  gtk_switch_set_active (find_enabled_switch (demo->window), TRUE);
  iterate_main_loop ();
  g_assert_false (hy_session_get_profile (demo->session)->enabled);
}

typedef struct
{
  HyStore *store;
  HyMappingPage *mapping;
} AutoLinked;

static gboolean
acme_auto_linked (gpointer data)
{
  AutoLinked *a = data;
  g_autoptr (HyCompany) acme = hy_store_get (a->store, HY_RECORD_KIND_COMPANY, "c-acme", NULL);

  return acme != NULL && acme->link.how == HY_LINK_HOW_AUTO &&
         !hy_mapping_page_get_busy (a->mapping);
}

/* Link Automatically, in the Mapping view, as a technician would. */
static void
link_automatically (HyTestDemo *demo)
{
  GType mapping_type = g_type_from_name ("HyMappingPage");
  AutoLinked linked = { hy_session_get_store (demo->session), NULL };
  GtkWidget *mapping;

  g_assert_true (mapping_type != 0);
  mapping = find_widget (GTK_WIDGET (demo->window), mapping_type, NULL);
  g_assert_nonnull (mapping);
  linked.mapping = HY_MAPPING_PAGE (mapping);
  g_assert_true (gtk_widget_activate_action (mapping, "mapping.link-auto", NULL));
  hy_test_ui_wait_until (acme_auto_linked, &linked, "Acme linked automatically");
}

/* The laptops group sent to Acme's head office; the switch then starts the sync. */
static void
enable_with_laptops_mapped (HyTestDemo *demo)
{
  g_autoptr (GError) error = NULL;

  g_assert_true (
      hy_store_map_group (hy_session_get_store (demo->session), "g-laptops", 12, 20, &error));
  g_assert_no_error (error);
  hy_setup_page_refresh_enabled (hy_window_get_setup_page (demo->window));
  gtk_switch_set_active (find_enabled_switch (demo->window), TRUE);
  iterate_main_loop ();
  g_assert_true (hy_session_get_profile (demo->session)->enabled);
}

static gboolean
laptops_sync_over (gpointer store)
{
  g_autoptr (HyGroupSync) sync = NULL;
  g_autoptr (GError) error = NULL;

  sync = hy_store_get_group_sync (store, "g-laptops", &error);
  g_assert_no_error (error);
  return sync->state == HY_SYNC_STATE_SYNCED || sync->state == HY_SYNC_STATE_FAILED;
}

/* Laptops holds Acme's laptop and Initech's: mapped to Acme, Acme's is synced and Initech's is
 * not filed under Acme (a customer's data never moves): the group says so with both names
 * (DESIGN.md, "Which Halo client and site a device belongs to"). */
static void
assert_laptops_sync_failed (HyTestDemo *demo)
{
  HyStore *store = hy_session_get_store (demo->session);
  g_autoptr (HyGroupSync) sync = NULL;
  g_autoptr (GError) error = NULL;

  hy_test_ui_wait_until (laptops_sync_over, store, "the laptops group's sync");
  sync = hy_store_get_group_sync (store, "g-laptops", &error);
  g_assert_no_error (error);
  if (sync->reason != NULL)
    g_test_message ("sync: %s", sync->reason);
  g_assert_cmpstr (hy_sync_state_to_string (sync->state), ==, "failed");
  g_assert_cmpuint (sync->devices, ==, 2);
  g_assert_cmpuint (sync->synced, ==, 1);
  g_assert_nonnull (strstr (sync->reason, "Initech"));
  g_assert_nonnull (strstr (sync->reason, "Acme Ltd"));
  g_assert_cmpint (hy_store_events_count (store, FALSE, NULL), >, 0);
}

/* The Mapping view follows the window's engine: the group's row says Failed as soon as the run
 * is done, not at the next poll. */
static void
assert_mapping_shows_failed (HyTestDemo *demo)
{
  HyMappingPage *mapping =
      HY_MAPPING_PAGE (find_widget (GTK_WIDGET (demo->window), HY_TYPE_MAPPING_PAGE, NULL));
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

static gboolean
popover_gone (gpointer popover)
{
  return !gtk_widget_get_mapped (popover) && gtk_widget_get_focus_child (popover) == NULL;
}

/* The status popover opens with the focus inside it (for the keyboard) but nothing selected:
 * the first value used to open with all its text selected. */
static void
open_status_popover (GtkMenuButton *status, guint open)
{
  GtkWidget *popover = GTK_WIDGET (gtk_menu_button_get_popover (status));

  gtk_menu_button_popup (status);
  g_test_message ("status popover opened (%u): visible %d, button active %d", open,
                  gtk_widget_get_visible (popover),
                  gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (
                      find_widget (GTK_WIDGET (status), GTK_TYPE_TOGGLE_BUTTON, NULL))));
  hy_test_ui_wait_painted (popover);
  g_test_message ("status popover painted (%u)", open);
  hy_test_ui_wait_focus_inside (popover);
  g_test_message ("status popover focused (%u)", open);
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

/* The header's status says what is true: the laptops group fails, why (Initech's laptop is not
 * Acme's), and who delivers; its popover, when the last sync was and that nothing waits in the
 * outbox. It opens the same the first time and the next. */
static void
assert_status_popover (HyWindow *window)
{
  GtkMenuButton *status =
      GTK_MENU_BUTTON (find_widget (GTK_WIDGET (window), GTK_TYPE_MENU_BUTTON, NULL));
  GtkWidget *popover = GTK_WIDGET (gtk_menu_button_get_popover (status));
  g_autofree char *text = NULL;

  g_assert_true (GTK_IS_GRID (gtk_popover_get_child (GTK_POPOVER (popover))));
  open_status_popover (status, 0);
  gtk_menu_button_popdown (status);
  /* Hidden, and the focus back on the button. */
  hy_test_ui_wait_until (popover_gone, popover, "the status popover's closing");
  open_status_popover (status, 1);

  text = hy_window_test_status_text (status);
  g_assert_nonnull (strstr (text, "Failing: Laptops: "));
  g_assert_nonnull (strstr (text, "Delivered by this window"));
  g_assert_nonnull (strstr (text, "Failures\nLaptops: "));
  g_assert_nonnull (strstr (text, "Initech"));
  g_assert_null (strstr (text, "Not synced yet"));
  g_assert_nonnull (strstr (text, "0 waiting, 0 given up"));
  gtk_menu_button_popdown (status);
}

/* The guide to the Halo side, its first steps open, scrolled to its end. */
static void
save_setup_guide (HyWindow *window)
{
  GtkWidget *setup = GTK_WIDGET (hy_window_get_setup_page (window));
  GtkWidget *step1 = find_widget (setup, ADW_TYPE_EXPANDER_ROW, "1. Create the API application");
  GtkWidget *step3 = find_widget (setup, ADW_TYPE_EXPANDER_ROW, "3. Log in as an agent");
  GtkAdjustment *scroll = gtk_scrolled_window_get_vadjustment (
      GTK_SCROLLED_WINDOW (find_widget (setup, GTK_TYPE_SCROLLED_WINDOW, NULL)));

  hy_test_ui_set_animations (FALSE);
  adw_style_manager_set_color_scheme (adw_style_manager_get_default (),
                                      ADW_COLOR_SCHEME_FORCE_LIGHT);
  g_assert_nonnull (step1);
  g_assert_nonnull (step3);
  hy_window_set_visible_view (window, "setup");
  adw_expander_row_set_expanded (ADW_EXPANDER_ROW (step1), TRUE);
  adw_expander_row_set_expanded (ADW_EXPANDER_ROW (step3), TRUE);
  hy_test_ui_wait_expanded (ADW_EXPANDER_ROW (step1));
  hy_test_ui_wait_expanded (ADW_EXPANDER_ROW (step3));
  /* The page's height with both steps open. */
  hy_test_ui_settle (GTK_WIDGET (window));
  gtk_adjustment_set_value (scroll, gtk_adjustment_get_upper (scroll) -
                                        gtk_adjustment_get_page_size (scroll));
  hy_test_ui_settle (GTK_WIDGET (window));
  hy_test_ui_save_screenshot (GTK_WIDGET (window), "setup-guide");
  adw_style_manager_set_color_scheme (adw_style_manager_get_default (), ADW_COLOR_SCHEME_DEFAULT);
  hy_test_ui_set_animations (TRUE);
}

/* The secret went to a keyring item that the demo removes again, with its files. */
static void
assert_demo_cleaned_up (const char *data_dir, const char *url)
{
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *secret = NULL;

  g_assert_false (g_file_test (data_dir, G_FILE_TEST_EXISTS));
  hy_credentials_lookup_async (url, "halyard-demo", NULL, hy_test_result_cb, &result);
  secret = hy_credentials_lookup_finish (hy_test_wait_for (&result), &error);
  g_assert_null (secret);
  g_assert_error (error, HY_CREDENTIALS_ERROR, HY_CREDENTIALS_ERROR_NOT_FOUND);
}

static void
test_demo_end_to_end (void)
{
  g_autoptr (HyTestDemo) demo = hy_test_demo_new ();
  g_autofree char *data_dir = g_strdup (hy_demo_get_data_dir (demo->demo));
  g_autofree char *url = g_strdup (hy_demo_get_url (demo->demo));
  HyWindow *window;

  g_assert_true (g_str_has_prefix (url, "http://127.0.0.1:"));
  g_assert_true (g_file_test (data_dir, G_FILE_TEST_IS_DIR));
  save_secret (demo->session);
  hy_test_demo_open_window (demo, 980, 760);
  window = demo->window;
  hy_test_demo_wait_ready (demo);

  /* Enable: refused while nothing is mapped; then, as a technician would, link automatically
   * and send the laptops group to Acme's head office: the switch starts the sync, which brings
   * the group to its end. */
  assert_enable_refused (demo);
  link_automatically (demo);
  enable_with_laptops_mapped (demo);
  assert_laptops_sync_failed (demo);
  assert_mapping_shows_failed (demo);
  assert_status_popover (window);

  /* The toasts of all that go (closed), so the screenshots show the views; Events with its
   * newest request's details open (host, error, indented bodies). */
  hy_test_ui_close_toasts (GTK_WIDGET (window), NULL);
  hy_events_page_select (HY_EVENTS_PAGE (
                             find_widget (GTK_WIDGET (window), HY_TYPE_EVENTS_PAGE, NULL)),
                         0);

  /* Every view, light and dark, at the default size and at 360 px. */
  save_views (window, NULL, NULL, NULL);
  save_setup_guide (window);
  make_narrow (window);
  save_views (window, "narrow", wait_header_narrow, assert_status_readable);

  g_clear_pointer (&demo, hy_test_demo_free);
  assert_demo_cleaned_up (data_dir, url);
}

/* ---- The German run ---------------------------------------------------------------------- */

/* Halyard in German, from the build tree's catalog; FALSE where the locale is missing. */
static gboolean
use_german (void)
{
  g_autofree char *podir = NULL;

  if (setlocale (LC_ALL, "de_DE.UTF-8") == NULL)
    return FALSE;
  g_setenv ("LANGUAGE", "de", TRUE);
  podir = g_build_filename (g_getenv ("HALYARD_BUILD_ROOT"), "po", NULL);
  bindtextdomain (GETTEXT_PACKAGE, podir);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
  g_assert_cmpstr (g_dgettext (GETTEXT_PACKAGE, "Test Connection"), ==, "Verbindung testen");
  return TRUE;
}

/* At 360 px: still nothing cut in Setup and in the header, and the status readable. */
static void
assert_narrow_setup_whole (HyWindow *window)
{
  g_autoptr (GPtrArray) setup = NULL;
  g_autoptr (GPtrArray) header = NULL;

  setup = hy_test_ui_cut_labels (GTK_WIDGET (hy_window_get_setup_page (window)));
  hy_test_ui_assert_none_cut (setup, "at 360 px");
  assert_status_readable (GTK_WIDGET (window));
  header = hy_test_ui_cut_labels (find_widget (GTK_WIDGET (window), ADW_TYPE_HEADER_BAR, NULL));
  hy_test_ui_assert_none_cut (header, "in the header at 360 px");
}

/* Events at 360 px: the chart's legend and its gauge's title whole. */
static void
assert_narrow_chart_whole (HyWindow *window)
{
  GtkWidget *chart;

  hy_window_set_visible_view (window, "events");
  chart = find_widget (GTK_WIDGET (window), HY_TYPE_RATE_CHART, NULL);
  g_assert_nonnull (chart);
  hy_test_ui_wait_painted (chart);
  g_assert_false (hy_rate_chart_get_text_cut (HY_RATE_CHART (chart)));
}

/* German labels are the longest: at the default size, nothing in the header or in Setup is cut
 * off; nor at 360 px, the narrowest the window allows. Every view is saved in German, light and
 * dark, for the store's pictures and for looking at. */
static void
test_demo_german (void)
{
  g_autoptr (HyTestDemo) demo = NULL;
  g_autoptr (GPtrArray) cut = NULL;

  if (!use_german ())
    {
      g_test_skip ("the de_DE.UTF-8 locale is not installed");
      return;
    }

  demo = hy_test_demo_new ();
  /* The schema's default size; the sample inventory and Halo's records, for the pictures of
   * Mapping. */
  hy_test_demo_open_window (demo, 980, 700);
  hy_test_demo_wait_ready (demo);

  cut = hy_test_ui_cut_labels (GTK_WIDGET (demo->window));
  hy_test_ui_assert_none_cut (cut, "at the default size");
  save_views (demo->window, "de", NULL, NULL);

  hy_window_set_visible_view (demo->window, "setup");
  make_narrow (demo->window);
  assert_narrow_setup_whole (demo->window);
  assert_narrow_chart_whole (demo->window);
  save_views (demo->window, "de-narrow", NULL, NULL);

  g_clear_pointer (&demo, hy_test_demo_free);
  setlocale (LC_ALL, "C.UTF-8");
  g_setenv ("LANGUAGE", "C", TRUE);
}

int
main (int argc, char *argv[])
{
  hy_window_test_init_gtk (&argc, &argv);

  g_test_add_func ("/demo/end-to-end", test_demo_end_to_end);
  g_test_add_func ("/demo/german", test_demo_german);

  return g_test_run ();
}
