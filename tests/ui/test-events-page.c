/* test-events-page.c — the Events view over a real store: the lazy model, live requests from
 * halyard-sim, the failed-only and text filters, the details pane, the CSV export
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "hy-ui-test.h"

#include <adwaita.h>
#include <glib/gstdio.h>

#include "models/hy-event-item.h"
#include "models/hy-events-model.h"
#include "hy-events-page.h"
#include "hy-sim.h"

static void
iterate (void)
{
  while (g_main_context_pending (NULL))
    g_main_context_iteration (NULL, FALSE);
}

static HySession *
open_session (char **out_dir)
{
  g_autoptr (GError) error = NULL;
  char *dir = g_dir_make_tmp ("halyard-events-XXXXXX", &error);
  HySession *session;

  g_assert_no_error (error);
  session = hy_session_open (dir, &error);
  g_assert_no_error (error);
  *out_dir = dir;

  return session;
}

/* Event i: every 7th failed with Halo's error text; sent i seconds after a fixed time. */
static void
fill_events (HyStore *store, guint n)
{
  g_autoptr (GPtrArray) events = g_ptr_array_new_with_free_func ((GDestroyNotify) hy_event_free);
  g_autoptr (GError) error = NULL;
  gint64 start = g_get_real_time () - (gint64) n * G_USEC_PER_SEC;

  for (guint i = 0; i < n; i++)
    {
      HyEvent *event = hy_event_new ();

      event->time = start + (gint64) i * G_USEC_PER_SEC;
      event->method = g_strdup (i % 2 ? "POST" : "GET");
      event->path = g_strdup_printf (i % 2 ? "/api/Asset" : "/api/Client?page_no=%u", i);
      event->status = i % 7 == 0 ? 400 : 200;
      event->duration_ms = 10 + i % 90;
      event->record = i % 2 ? g_strdup_printf ("computer:pc%u", i) : NULL;
      event->error =
          i % 7 == 0 ? g_strdup_printf ("Asset type \"Server\", not found (%u)", i) : NULL;
      event->request = i % 2 ? g_strdup ("[{\"inventory_number\":\"PC\"}]") : NULL;
      event->response = g_strdup ("{\"ok\":true}");
      event->host = g_strdup ("acme.halopsa.com");
      g_ptr_array_add (events, event);
    }

  g_assert_true (hy_store_events_append_batch (store, events, &error));
  g_assert_no_error (error);
}

static void
remove_dir (const char *dir)
{
  g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;

  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);

      g_unlink (path);
    }
  g_rmdir (dir);
}

static void
test_events_model_lazy (void)
{
  g_autofree char *dir = NULL;
  g_autoptr (HySession) session = open_session (&dir);
  HyStore *store = hy_session_get_store (session);
  g_autoptr (HyEventsModel) model = hy_events_model_new (store);
  g_autoptr (GError) error = NULL;
  guint queries;

  fill_events (store, 5000);

  g_assert_true (hy_events_model_reload (model, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, 5000);
  g_assert_cmpuint (hy_events_model_get_n_cached (model), ==, 0);

  /* Newest first; any row reached with one query; only a window is kept. */
  for (guint pos = 0; pos < 5000; pos += 997)
    {
      g_autoptr (HyEventItem) item = NULL;
      g_autofree char *path = NULL;

      queries = hy_events_model_get_n_queries (model);
      item = g_list_model_get_item (G_LIST_MODEL (model), pos);
      g_assert_nonnull (item);
      g_assert_cmpuint (hy_events_model_get_n_queries (model) - queries, <=, 1);
      /* Event i is at position 4999 - i. */
      if ((4999 - pos) % 2 == 0)
        {
          path = g_strdup_printf ("/api/Client?page_no=%u", 4999 - pos);
          g_assert_cmpstr (hy_event_item_get_event (item)->path, ==, path);
        }
      else
        g_assert_cmpstr (hy_event_item_get_event (item)->path, ==, "/api/Asset");
    }
  g_assert_cmpuint (hy_events_model_get_n_cached (model), <=, 1000);
  g_assert_null (g_list_model_get_item (G_LIST_MODEL (model), 5000));

  /* Failed only: every 7th event, walked from anchors. */
  hy_events_model_set_failed_only (model, TRUE);
  g_assert_true (hy_events_model_reload (model, &error));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, (5000 + 6) / 7);
  for (guint pos = 0; pos < (5000 + 6) / 7; pos += 101)
    {
      g_autoptr (HyEventItem) item = g_list_model_get_item (G_LIST_MODEL (model), pos);

      g_assert_true (hy_event_item_get_failed (item));
    }

  /* New events arrive at the top without a reload. */
  hy_events_model_set_failed_only (model, FALSE);
  g_assert_true (hy_events_model_reload (model, &error));
  {
    g_autoptr (HyEventItem) before = g_list_model_get_item (G_LIST_MODEL (model), 10);
    g_autoptr (HyEventItem) after = NULL;
    g_autoptr (HyEventItem) top = NULL;

    fill_events (store, 3);
    g_assert_cmpuint (hy_events_model_update (model, &error), ==, 3);
    g_assert_no_error (error);
    g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, 5003);
    after = g_list_model_get_item (G_LIST_MODEL (model), 13);
    g_assert_cmpint (hy_event_item_get_id (after), ==, hy_event_item_get_id (before));
    top = g_list_model_get_item (G_LIST_MODEL (model), 0);
    g_assert_cmpint (hy_event_item_get_id (top), >, hy_event_item_get_id (after));
    g_assert_cmpuint (hy_events_model_update (model, &error), ==, 0);
  }

  /* Pruned under the model: a row it still counts is an empty stand-in (never NULL: a list
   * view would abort), and the model counts again when idle. */
  g_assert_true (hy_store_events_prune (store, 100, &error));
  {
    g_autoptr (HyEventItem) gone = g_list_model_get_item (G_LIST_MODEL (model), 4000);

    g_assert_nonnull (gone);
    g_assert_cmpint (hy_event_item_get_id (gone), ==, 0);
  }
  while (g_list_model_get_n_items (G_LIST_MODEL (model)) != 100)
    g_main_context_iteration (NULL, TRUE);

  g_clear_object (&model);
  g_clear_object (&session);
  remove_dir (dir);
}

static void
export_done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
}

static void
test_events_page_filters (void)
{
  g_autofree char *dir = NULL;
  g_autoptr (HySession) session = open_session (&dir);
  GtkWidget *window = gtk_window_new ();
  HyEventsPage *page = HY_EVENTS_PAGE (hy_events_page_new ());
  GListModel *shown;
  g_autofree char *details = NULL;
  g_autofree char *csv_path = NULL;
  g_autofree char *csv = NULL;
  g_autoptr (GFile) csv_file = NULL;
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;
  g_auto (GStrv) lines = NULL;

  fill_events (hy_session_get_store (session), 300);
  gtk_window_set_child (GTK_WINDOW (window), GTK_WIDGET (page));
  gtk_window_set_default_size (GTK_WINDOW (window), 900, 700);
  gtk_window_present (GTK_WINDOW (window));

  g_object_set (page, "session", session, NULL);
  iterate ();
  shown = hy_events_page_get_shown (page);
  g_assert_cmpuint (g_list_model_get_n_items (shown), ==, 300);

  /* The chart counted the last hour's requests and the badge number is its failures. */
  g_assert_cmpuint (hy_events_page_get_recent_failures (page), ==, (300 + 6) / 7);

  /* Failed only. */
  hy_events_page_set_failed_only (page, TRUE);
  g_assert_cmpuint (g_list_model_get_n_items (shown), ==, (300 + 6) / 7);

  /* The details pane of a failed request shows Halo's error text and the bodies. */
  hy_events_page_select (page, 0);
  details = hy_events_page_dup_details (page);
  g_assert_nonnull (strstr (details, "Asset type \"Server\", not found (294)"));
  /* JSON bodies indented, one member per line. */
  g_assert_nonnull (strstr (details, "{\n  \"ok\" : true\n}"));
  g_assert_nonnull (strstr (details, "GET /api/Client?page_no=294"));
  g_assert_nonnull (strstr (details, "Sent to acme.halopsa.com"));

  /* A filter that hides the selected request clears the details. */
  hy_events_page_set_search_text (page, "page_no=287");
  while (gtk_filter_list_model_get_pending (GTK_FILTER_LIST_MODEL (shown)) > 0)
    g_main_context_iteration (NULL, TRUE);
  g_clear_pointer (&details, g_free);
  details = hy_events_page_dup_details (page);
  g_assert_null (strstr (details, "294"));
  g_assert_nonnull (strstr (details, "Select a request"));
  hy_events_page_set_search_text (page, "");
  hy_events_page_select (page, 0);
  g_clear_pointer (&details, g_free);
  details = hy_events_page_dup_details (page);
  g_assert_nonnull (strstr (details, "294"));
  /* So does turning Failed Only off (another list). */
  hy_events_page_set_failed_only (page, FALSE);
  g_clear_pointer (&details, g_free);
  details = hy_events_page_dup_details (page);
  g_assert_null (strstr (details, "294"));
  hy_events_page_set_failed_only (page, TRUE);

  /* The text filter runs on top of failed only (incrementally: wait for it). */
  hy_events_page_set_search_text (page, "asset pc2");
  while (gtk_filter_list_model_get_pending (GTK_FILTER_LIST_MODEL (shown)) > 0)
    g_main_context_iteration (NULL, TRUE);
  /* Failed POSTs (odd i, i % 7 == 0) whose record contains "pc2": */
  {
    guint expected = 0;

    for (guint i = 0; i < 300; i++)
      {
        g_autofree char *record = g_strdup_printf ("computer:pc%u", i);

        if (i % 7 == 0 && i % 2 == 1 && strstr (record, "pc2") != NULL)
          expected++;
      }
    g_assert_cmpuint (g_list_model_get_n_items (shown), ==, expected);
    g_assert_cmpuint (expected, >, 0);
  }

  /* Export writes what is listed, as CSV. */
  csv_path = g_build_filename (dir, "events.csv", NULL);
  csv_file = g_file_new_for_path (csv_path);
  hy_events_page_export_async (page, csv_file, NULL, export_done_cb, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (hy_events_page_export_finish (page, result, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (csv_path, &csv, NULL, &error));
  lines = g_strsplit (csv, "\r\n", -1);
  g_assert_cmpstr (lines[0], ==, "time,method,endpoint,status,duration_ms,record,error");
  g_assert_cmpuint (g_strv_length (lines) - 2, ==, g_list_model_get_n_items (shown));
  /* The newest match is event 287; quotes in Halo's text are doubled. */
  g_assert_true (g_str_has_suffix (lines[1], ",POST,/api/Asset,400,27,computer:pc287,\"Asset type "
                                             "\"\"Server\"\", not found (287)\""));
  g_assert_cmpstr (lines[g_strv_length (lines) - 1], ==, "");

  /* Nothing matches: the list says so. */
  hy_events_page_set_search_text (page, "no such request");
  while (gtk_filter_list_model_get_pending (GTK_FILTER_LIST_MODEL (shown)) > 0)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (g_list_model_get_n_items (shown), ==, 0);

  gtk_window_destroy (GTK_WINDOW (window));
  g_clear_object (&session);
  g_unlink (csv_path);
  remove_dir (dir);
}

static void
refresh_done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
}

static void
test_events_page_live (void)
{
  g_autofree char *dir = NULL;
  g_autoptr (HySession) session = open_session (&dir);
  g_autoptr (HySim) sim = hy_sim_new ();
  g_autoptr (HyProfile) profile = hy_profile_new ();
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;
  GtkWidget *window = gtk_window_new ();
  HyEventsPage *page = HY_EVENTS_PAGE (hy_events_page_new ());
  GListModel *shown;
  gint64 count;

  hy_sim_generate (sim, NULL);
  g_assert_true (hy_sim_start (sim, 0, &error));
  g_assert_no_error (error);

  profile->url = g_strdup (hy_sim_get_base_url (sim));
  profile->tenant = g_strdup ("demo");
  profile->client_id = g_strdup ("halyard-demo");
  g_assert_true (hy_session_set_profile (session, profile, &error));
  hy_session_set_secret (session, "demo-secret");

  gtk_window_set_child (GTK_WINDOW (window), GTK_WIDGET (page));
  gtk_window_present (GTK_WINDOW (window));
  hy_events_page_set_session (page, session);
  shown = hy_events_page_get_shown (page);
  g_assert_cmpuint (g_list_model_get_n_items (shown), ==, 0);

  /* A refresh from Halo: every request it sends appears in the list as it happens. */
  hy_session_refresh_async (session, NULL, refresh_done_cb, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (hy_session_refresh_finish (session, result, NULL, &error));
  g_assert_no_error (error);
  iterate ();

  count = hy_store_events_count (hy_session_get_store (session), FALSE, &error);
  g_assert_cmpint (count, >, 1);
  g_assert_cmpuint (g_list_model_get_n_items (shown), ==, count);
  {
    g_autoptr (HyEventItem) newest = g_list_model_get_item (shown, 0);
    g_autoptr (HyEventItem) oldest = g_list_model_get_item (shown, count - 1);

    g_assert_cmpint (hy_event_item_get_id (newest), >, hy_event_item_get_id (oldest));
    /* The token request comes first, and its body never shows the secret. */
    g_assert_null (strstr (hy_event_item_get_event (oldest)->request
                               ? hy_event_item_get_event (oldest)->request
                               : "",
                           "demo-secret"));
  }

  gtk_window_destroy (GTK_WINDOW (window));
  hy_sim_stop (sim);
  g_clear_object (&session);
  remove_dir (dir);
}

static GtkWidget *
find_descendant (GtkWidget *widget, GType type)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (widget, type))
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_descendant (child, type);

      if (found != NULL)
        return found;
    }

  return NULL;
}

static void
run_frames (guint ms)
{
  gint64 end = g_get_monotonic_time () + (gint64) ms * 1000;

  while (g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, FALSE);
}

/* Requests that arrive while the view is hidden (another view shown) are listed newest first
 * when it is shown: GTK kept the first row ever shown anchored, so the log used to open
 * scrolled to its oldest request. */
static void
test_events_page_opens_on_newest (void)
{
  g_autofree char *dir = NULL;
  g_autoptr (HySession) session = open_session (&dir);
  g_autoptr (GError) error = NULL;
  GtkWidget *window = gtk_window_new ();
  GtkWidget *stack = gtk_stack_new ();
  HyEventsPage *page = HY_EVENTS_PAGE (hy_events_page_new ());
  GtkWidget *column_view;
  GtkAdjustment *vadjustment;

  gtk_window_set_default_size (GTK_WINDOW (window), 800, 400);
  gtk_stack_add_named (GTK_STACK (stack), gtk_label_new ("Setup"), "setup");
  gtk_stack_add_named (GTK_STACK (stack), GTK_WIDGET (page), "events");
  gtk_stack_set_visible_child_name (GTK_STACK (stack), "events");
  gtk_window_set_child (GTK_WINDOW (window), stack);
  gtk_window_present (GTK_WINDOW (window));

  /* The first request is shown while the view is visible, then the view is hidden. */
  fill_events (hy_session_get_store (session), 1);
  hy_events_page_set_session (page, session);
  run_frames (200);
  gtk_stack_set_visible_child_name (GTK_STACK (stack), "setup");
  run_frames (100);

  /* Many more arrive while it is hidden, one by one as the session reports them. */
  for (guint i = 0; i < 60; i++)
    {
      g_autoptr (HyEvent) event = hy_event_new ();

      event->time = g_get_real_time ();
      event->method = g_strdup ("GET");
      event->path = g_strdup_printf ("/api/Client?page_no=%u", i + 1);
      event->status = 200;
      event->id = hy_store_events_append (hy_session_get_store (session), event, &error);
      g_assert_no_error (error);
      g_signal_emit_by_name (session, "event-added", event);
      iterate ();
    }

  gtk_stack_set_visible_child_name (GTK_STACK (stack), "events");
  run_frames (300);

  column_view = find_descendant (GTK_WIDGET (page), GTK_TYPE_COLUMN_VIEW);
  g_assert_nonnull (column_view);
  vadjustment = gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (column_view));
  g_assert_cmpfloat (gtk_adjustment_get_upper (vadjustment), >,
                     gtk_adjustment_get_page_size (vadjustment));
  g_assert_cmpfloat (gtk_adjustment_get_value (vadjustment), ==, 0);

  gtk_window_destroy (GTK_WINDOW (window));
  g_clear_object (&session);
  remove_dir (dir);
}

static void
test_events_page_retry (void)
{
  g_autofree char *dir = NULL;
  g_autoptr (HySession) session = open_session (&dir);
  HyStore *store = hy_session_get_store (session);
  g_autoptr (HyEvent) event = hy_event_new ();
  g_autoptr (HyOutboxItem) item = NULL;
  g_autoptr (GError) error = NULL;
  GtkWidget *window = gtk_window_new ();
  HyEventsPage *page = HY_EVENTS_PAGE (hy_events_page_new ());
  gint64 id;

  /* A ticket that Halo refused until the outbox gave up on it, and its failed request. */
  id = hy_store_outbox_enqueue (store, "ticket.create", "alert:a1", "{}", 10, &error);
  g_assert_cmpint (id, >, 0);
  g_assert_true (hy_store_outbox_dead_letter (store, id, "Ticket type 7 not found", &error));
  event->time = g_get_real_time ();
  event->method = g_strdup ("POST");
  event->path = g_strdup ("/api/Tickets");
  event->status = 400;
  event->record = g_strdup ("alert:a1");
  event->error = g_strdup ("Ticket type 7 not found");
  g_assert_cmpint (hy_store_events_append (store, event, &error), >, 0);

  gtk_window_set_child (GTK_WINDOW (window), GTK_WIDGET (page));
  gtk_window_present (GTK_WINDOW (window));
  hy_events_page_set_session (page, session);

  /* Retry puts the dead delivery of the selected event's record back in the queue. */
  hy_events_page_select (page, 0);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "events.retry", NULL));

  item = hy_store_outbox_get (store, id, &error);
  g_assert_no_error (error);
  g_assert_cmpint (item->state, ==, HY_OUTBOX_STATE_PENDING);
  g_assert_cmpuint (item->attempts, ==, 0);

  gtk_window_destroy (GTK_WINDOW (window));
  g_clear_object (&session);
  remove_dir (dir);
}

static gboolean
timed_out_cb (gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
  return G_SOURCE_REMOVE;
}

static void
wait_narrow (HyEventsPage *page, gboolean narrow)
{
  gboolean timed_out = FALSE;
  guint id = g_timeout_add_seconds (HY_UI_TEST_HANG_S, timed_out_cb, &timed_out);

  while (hy_events_page_get_narrow (page) != narrow && !timed_out)
    g_main_context_iteration (NULL, TRUE);
  g_assert_false (timed_out);
  g_source_remove (id);
  /* The new layout allocated: two painted frames (the first may change the layout again). */
  for (guint i = 0; i < 2; i++)
    hy_ui_test_wait_frame (GTK_WIDGET (page));
}

/* The page's search entry (popovers left out). */
static GtkWidget *
find_type (GtkWidget *root, GType type)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (root, type))
    return root;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_type (child, type);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static GtkWidget *
find_search_entry (GtkWidget *root)
{
  if (GTK_IS_SEARCH_ENTRY (root))
    return root;
  if (GTK_IS_POPOVER (root))
    return NULL;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_search_entry (child);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/* The toolbar (the search entry's row) shows all of itself: its scrolled window has nothing
 * to scroll sideways. Every button says what it does (a label, or the menu's icon with a name
 * and items with labels). Returns the actions reachable from it. */
static GPtrArray *
assert_toolbar_fits (HyEventsPage *page)
{
  GtkWidget *entry = find_search_entry (GTK_WIDGET (page));
  GPtrArray *actions = g_ptr_array_new_with_free_func (g_free);
  GtkWidget *scroller;
  GtkAdjustment *h;

  g_assert_nonnull (entry);
  scroller = gtk_widget_get_ancestor (entry, GTK_TYPE_SCROLLED_WINDOW);
  h = gtk_scrolled_window_get_hadjustment (GTK_SCROLLED_WINDOW (scroller));
  g_assert_cmpfloat (gtk_adjustment_get_upper (h), <=, gtk_adjustment_get_page_size (h) + 1);

  for (GtkWidget *child = gtk_widget_get_next_sibling (entry); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      if (!gtk_widget_get_visible (child))
        continue;
      g_assert_nonnull (gtk_widget_get_tooltip_text (child));
      if (GTK_IS_MENU_BUTTON (child))
        {
          GMenuModel *menu = gtk_menu_button_get_menu_model (GTK_MENU_BUTTON (child));
          g_autoptr (GMenuModel) section =
              g_menu_model_get_item_link (menu, 0, G_MENU_LINK_SECTION);

          for (int i = 0; i < g_menu_model_get_n_items (section); i++)
            {
              g_autofree char *label = NULL;
              char *action = NULL;

              g_assert_true (g_menu_model_get_item_attribute (section, i, G_MENU_ATTRIBUTE_LABEL,
                                                              "s", &label));
              g_assert_true (g_menu_model_get_item_attribute (section, i, G_MENU_ATTRIBUTE_ACTION,
                                                              "s", &action));
              g_ptr_array_add (actions, action);
            }
        }
      else if (GTK_IS_BUTTON (child))
        {
          g_assert_nonnull (gtk_button_get_label (GTK_BUTTON (child)));
          g_ptr_array_add (actions, g_strdup (gtk_button_get_label (GTK_BUTTON (child))));
        }
    }

  return actions;
}

static gboolean
has (GPtrArray *actions, const char *name)
{
  return g_ptr_array_find_with_equal_func (actions, name, g_str_equal, NULL);
}

static guint
n_visible_columns (HyEventsPage *page)
{
  GtkWidget *view = find_type (GTK_WIDGET (page), GTK_TYPE_COLUMN_VIEW);
  GListModel *columns = gtk_column_view_get_columns (GTK_COLUMN_VIEW (view));
  guint n = 0;

  for (guint i = 0; i < g_list_model_get_n_items (columns); i++)
    {
      g_autoptr (GtkColumnViewColumn) column = g_list_model_get_item (columns, i);

      n += gtk_column_view_column_get_visible (column) ? 1 : 0;
    }
  return n;
}

/* At 360 px the list shows the endpoint and the status, Failed Only keeps its label and Retry
 * and Export are in a menu with theirs, so the toolbar does not scroll sideways; wide again,
 * every column and button comes back. */
static void
test_events_page_narrow (void)
{
  g_autofree char *dir = NULL;
  g_autoptr (HySession) session = open_session (&dir);
  GtkWidget *window = gtk_window_new ();
  HyEventsPage *page = HY_EVENTS_PAGE (hy_events_page_new ());
  g_autoptr (GPtrArray) actions = NULL;

  fill_events (hy_session_get_store (session), 20);
  gtk_window_set_child (GTK_WINDOW (window), GTK_WIDGET (page));
  gtk_window_set_default_size (GTK_WINDOW (window), 1000, 700);
  gtk_window_present (GTK_WINDOW (window));
  g_object_set (page, "session", session, NULL);
  iterate ();

  g_assert_false (hy_events_page_get_narrow (page));
  actions = assert_toolbar_fits (page);
  g_assert_cmpuint (actions->len, ==, 3);
  g_assert_cmpuint (n_visible_columns (page), ==, 6);
  g_clear_pointer (&actions, g_ptr_array_unref);

  gtk_window_set_default_size (GTK_WINDOW (window), 360, 700);
  wait_narrow (page, TRUE);
  g_assert_cmpint (gtk_widget_get_width (GTK_WIDGET (page)), <=, 360);
  actions = assert_toolbar_fits (page);
  g_assert_true (has (actions, "_Failed Only"));
  g_assert_true (has (actions, "events.retry"));
  g_assert_true (has (actions, "events.export"));
  g_assert_cmpuint (n_visible_columns (page), ==, 2);
  g_clear_pointer (&actions, g_ptr_array_unref);

  gtk_window_set_default_size (GTK_WINDOW (window), 1000, 700);
  wait_narrow (page, FALSE);
  actions = assert_toolbar_fits (page);
  g_assert_cmpuint (actions->len, ==, 3);
  g_assert_cmpuint (n_visible_columns (page), ==, 6);

  gtk_window_destroy (GTK_WINDOW (window));
  g_clear_object (&session);
  remove_dir (dir);
}

/* With no failure at all, Failed Only says so (not "turn off Failed Only"); a text filter that
 * matches nothing asks to change the filter, and names Failed Only only when it is on. */
static void
test_events_page_empty_states (void)
{
  g_autofree char *dir = NULL;
  g_autoptr (HySession) session = open_session (&dir);
  GtkWidget *window = gtk_window_new ();
  HyEventsPage *page = HY_EVENTS_PAGE (hy_events_page_new ());
  g_autoptr (GPtrArray) events = g_ptr_array_new_with_free_func ((GDestroyNotify) hy_event_free);
  GListModel *shown;
  AdwStatusPage *status;
  g_autoptr (GError) error = NULL;

  for (guint i = 0; i < 5; i++)
    {
      HyEvent *event = hy_event_new ();

      event->time = g_get_real_time () - 10 * G_USEC_PER_SEC + i;
      event->method = g_strdup ("GET");
      event->path = g_strdup ("/api/Client");
      event->status = 200;
      g_ptr_array_add (events, event);
    }
  g_assert_true (hy_store_events_append_batch (hy_session_get_store (session), events, &error));
  gtk_window_set_child (GTK_WINDOW (window), GTK_WIDGET (page));
  gtk_window_present (GTK_WINDOW (window));
  g_object_set (page, "session", session, NULL);
  iterate ();
  shown = hy_events_page_get_shown (page);

  hy_events_page_set_failed_only (page, TRUE);
  iterate ();
  g_assert_cmpuint (g_list_model_get_n_items (shown), ==, 0);
  /* The list's status page (in the pane, not the empty log's). */
  status = ADW_STATUS_PAGE (
      find_type (find_type (GTK_WIDGET (page), GTK_TYPE_PANED), ADW_TYPE_STATUS_PAGE));
  g_assert_nonnull (status);
  g_assert_cmpstr (adw_status_page_get_title (status), ==, "No Failed Requests");
  g_assert_null (strstr (adw_status_page_get_description (status), "Failed Only"));

  hy_events_page_set_failed_only (page, FALSE);
  hy_events_page_set_search_text (page, "nothing like it");
  while (gtk_filter_list_model_get_pending (GTK_FILTER_LIST_MODEL (shown)) > 0)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpstr (adw_status_page_get_title (status), ==, "No Matching Requests");
  g_assert_null (strstr (adw_status_page_get_description (status), "Failed Only"));

  hy_events_page_set_failed_only (page, TRUE);
  iterate ();
  g_assert_nonnull (strstr (adw_status_page_get_description (status), "Failed Only"));

  gtk_window_destroy (GTK_WINDOW (window));
  g_clear_object (&session);
  remove_dir (dir);
}

int
main (int argc, char *argv[])
{
  hy_ui_test_init (&argc, &argv);

  g_test_add_func ("/events/model-lazy", test_events_model_lazy);
  g_test_add_func ("/events/page-filters", test_events_page_filters);
  g_test_add_func ("/events/page-live", test_events_page_live);
  g_test_add_func ("/events/opens-on-newest", test_events_page_opens_on_newest);
  g_test_add_func ("/events/retry", test_events_page_retry);
  g_test_add_func ("/events/narrow", test_events_page_narrow);
  g_test_add_func ("/events/empty-states", test_events_page_empty_states);

  return g_test_run ();
}
