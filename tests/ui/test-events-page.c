/* test-events-page.c — the Events view over a real store: the lazy model, live requests from
 * halyard-sim, the failed-only and text filters, the details pane, the CSV export
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "hy-test-session.h"
#include "hy-test-views.h"
#include "hy-ui-test.h"

#include <adwaita.h>
#include <glib/gstdio.h>

#include "models/hy-event-item.h"
#include "models/hy-events-model.h"
#include "hy-events-page.h"
#include "hy-sim.h"

/* A session on a private directory, and the page (shown by each test as it needs). */
typedef struct
{
  char *dir;
  HySession *session;
  HyEventsPage *page;
  GtkWindow *window; /* NULL until the page is shown */
} Fixture;

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  f->session = hy_test_session_new_tmp ("halyard-events-XXXXXX", &f->dir);
  f->page = g_object_ref_sink (HY_EVENTS_PAGE (hy_events_page_new ()));
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  if (f->window != NULL)
    gtk_window_destroy (f->window);
  g_clear_object (&f->page);
  hy_test_session_remove_tmp (&f->session, &f->dir);
}

/* The page in a window of @width × @height (0: its natural size), on the fixture's session. */
static void
show_page (Fixture *f, int width, int height)
{
  f->window = hy_test_view_present (GTK_WIDGET (f->page), width, height);
  hy_events_page_set_session (f->page, f->session);
  hy_test_wait_idle ();
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

static gboolean
has_100_items (gpointer model)
{
  return g_list_model_get_n_items (G_LIST_MODEL (model)) == 100;
}

static void
test_events_model_lazy (Fixture *f, gconstpointer data)
{
  HyStore *store = hy_session_get_store (f->session);
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
  hy_test_wait_until (has_100_items, model, "the pruned model counted again");
}

/* Types @text in the search entry and waits until the list is filtered. */
static void
search (Fixture *f, const char *text)
{
  hy_events_page_set_search_text (f->page, text);
  hy_test_wait_filtered (hy_events_page_get_shown (f->page));
}

/* The details pane of a failed request shows Halo's error text and the bodies. */
static void
check_failed_details (Fixture *f)
{
  g_autofree char *details = NULL;

  hy_events_page_select (f->page, 0);
  details = hy_events_page_dup_details (f->page);
  g_assert_nonnull (strstr (details, "Asset type \"Server\", not found (294)"));
  /* JSON bodies indented, one member per line. */
  g_assert_nonnull (strstr (details, "{\n  \"ok\" : true\n}"));
  g_assert_nonnull (strstr (details, "GET /api/Client?page_no=294"));
  g_assert_nonnull (strstr (details, "Sent to acme.halopsa.com"));
}

/* A filter that hides the selected request clears the details. */
static void
check_hidden_clears_details (Fixture *f)
{
  g_autofree char *hidden = NULL;
  g_autofree char *shown = NULL;
  g_autofree char *other_list = NULL;

  search (f, "page_no=287");
  hidden = hy_events_page_dup_details (f->page);
  g_assert_null (strstr (hidden, "294"));
  g_assert_nonnull (strstr (hidden, "Select a request"));
  hy_events_page_set_search_text (f->page, "");
  hy_events_page_select (f->page, 0);
  shown = hy_events_page_dup_details (f->page);
  g_assert_nonnull (strstr (shown, "294"));
  /* So does turning Failed Only off (another list). */
  hy_events_page_set_failed_only (f->page, FALSE);
  other_list = hy_events_page_dup_details (f->page);
  g_assert_null (strstr (other_list, "294"));
  hy_events_page_set_failed_only (f->page, TRUE);
}

/* The text filter runs on top of failed only (incrementally: wait for it). */
static void
check_search_on_failed (Fixture *f)
{
  guint expected = 0;

  search (f, "asset pc2");
  /* Failed POSTs (odd i, i % 7 == 0) whose record contains "pc2": */
  for (guint i = 0; i < 300; i++)
    {
      g_autofree char *record = g_strdup_printf ("computer:pc%u", i);

      if (i % 7 == 0 && i % 2 == 1 && strstr (record, "pc2") != NULL)
        expected++;
    }
  g_assert_cmpuint (g_list_model_get_n_items (hy_events_page_get_shown (f->page)), ==, expected);
  g_assert_cmpuint (expected, >, 0);
}

/* Export writes what is listed, as CSV. */
static void
check_export (Fixture *f)
{
  g_autofree char *csv_path = g_build_filename (f->dir, "events.csv", NULL);
  g_autoptr (GFile) csv_file = g_file_new_for_path (csv_path);
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *csv = NULL;
  g_auto (GStrv) lines = NULL;

  hy_events_page_export_async (f->page, csv_file, NULL, hy_test_result_cb, &result);
  g_assert_true (hy_events_page_export_finish (f->page, hy_test_wait_for (&result), &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (csv_path, &csv, NULL, &error));
  lines = g_strsplit (csv, "\r\n", -1);
  g_assert_cmpstr (lines[0], ==, "time,method,endpoint,status,duration_ms,record,error");
  g_assert_cmpuint (g_strv_length (lines) - 2, ==,
                    g_list_model_get_n_items (hy_events_page_get_shown (f->page)));
  /* The newest match is event 287; quotes in Halo's text are doubled. */
  g_assert_true (g_str_has_suffix (lines[1], ",POST,/api/Asset,400,27,computer:pc287,\"Asset type "
                                             "\"\"Server\"\", not found (287)\""));
  g_assert_cmpstr (lines[g_strv_length (lines) - 1], ==, "");
  g_unlink (csv_path);
}

static void
test_events_page_filters (Fixture *f, gconstpointer data)
{
  GListModel *shown;

  fill_events (hy_session_get_store (f->session), 300);
  show_page (f, 900, 700);
  shown = hy_events_page_get_shown (f->page);
  g_assert_cmpuint (g_list_model_get_n_items (shown), ==, 300);

  /* The chart counted the last hour's requests and the badge number is its failures. */
  g_assert_cmpuint (hy_events_page_get_recent_failures (f->page), ==, (300 + 6) / 7);

  /* Failed only. */
  hy_events_page_set_failed_only (f->page, TRUE);
  g_assert_cmpuint (g_list_model_get_n_items (shown), ==, (300 + 6) / 7);

  check_failed_details (f);
  check_hidden_clears_details (f);
  check_search_on_failed (f);
  check_export (f);

  /* Nothing matches: the list says so. */
  search (f, "no such request");
  g_assert_cmpuint (g_list_model_get_n_items (shown), ==, 0);
}

static void
test_events_page_live (Fixture *f, gconstpointer data)
{
  g_autoptr (HySim) sim = hy_sim_new ();
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;
  GListModel *shown;
  gint64 count;

  hy_sim_generate (sim, NULL);
  g_assert_true (hy_sim_start (sim, 0, &error));
  g_assert_no_error (error);
  hy_test_session_use_sim (f->session, sim);

  show_page (f, 0, 0);
  shown = hy_events_page_get_shown (f->page);
  g_assert_cmpuint (g_list_model_get_n_items (shown), ==, 0);

  /* A refresh from Halo: every request it sends appears in the list as it happens. */
  hy_session_refresh_async (f->session, NULL, hy_test_result_cb, &result);
  g_assert_true (hy_session_refresh_finish (f->session, hy_test_wait_for (&result), NULL, &error));
  g_assert_no_error (error);
  hy_test_wait_idle ();

  count = hy_store_events_count (hy_session_get_store (f->session), FALSE, &error);
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

  gtk_window_destroy (g_steal_pointer (&f->window));
  hy_sim_stop (sim);
}

/* Runs what is pending, then until @n frames of @widget's window have been painted (a tick
 * callback added before a frame runs in it). */
static void
paint_frames (GtkWidget *widget, guint n)
{
  for (guint i = 0; i < n; i++)
    {
      hy_test_wait_idle ();
      hy_ui_test_wait_frame (widget);
    }
}

/* Requests that arrive while the view is hidden (another view shown) are listed newest first
 * when it is shown: GTK kept the first row ever shown anchored, so the log used to open
 * scrolled to its oldest request. */
static void
test_events_page_opens_on_newest (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  GtkWidget *stack = gtk_stack_new ();
  GtkWidget *column_view;
  GtkAdjustment *vadjustment;

  gtk_stack_add_named (GTK_STACK (stack), gtk_label_new ("Setup"), "setup");
  gtk_stack_add_named (GTK_STACK (stack), GTK_WIDGET (f->page), "events");
  gtk_stack_set_visible_child_name (GTK_STACK (stack), "events");
  f->window = hy_test_view_present (stack, 800, 400);

  /* The first request is shown while the view is visible, then the view is hidden. */
  fill_events (hy_session_get_store (f->session), 1);
  hy_events_page_set_session (f->page, f->session);
  paint_frames (stack, 2);
  gtk_stack_set_visible_child_name (GTK_STACK (stack), "setup");
  paint_frames (stack, 1);

  /* Many more arrive while it is hidden, one by one as the session reports them. */
  for (guint i = 0; i < 60; i++)
    {
      g_autoptr (HyEvent) event = hy_event_new ();

      event->time = g_get_real_time ();
      event->method = g_strdup ("GET");
      event->path = g_strdup_printf ("/api/Client?page_no=%u", i + 1);
      event->status = 200;
      event->id = hy_store_events_append (hy_session_get_store (f->session), event, &error);
      g_assert_no_error (error);
      g_signal_emit_by_name (f->session, "event-added", event);
      hy_test_wait_idle ();
    }

  /* Shown again: the list is mapped, then laid out and scrolled in the frames that follow. */
  gtk_stack_set_visible_child_name (GTK_STACK (stack), "events");
  column_view = hy_test_find_type (GTK_WIDGET (f->page), GTK_TYPE_COLUMN_VIEW);
  g_assert_nonnull (column_view);
  hy_test_wait_until ((HyTestCondition) gtk_widget_get_mapped, column_view, "the list mapped");
  paint_frames (stack, 2);
  vadjustment = gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (column_view));
  g_assert_cmpfloat (gtk_adjustment_get_upper (vadjustment), >,
                     gtk_adjustment_get_page_size (vadjustment));
  g_assert_cmpfloat (gtk_adjustment_get_value (vadjustment), ==, 0);
}

static void
test_events_page_retry (Fixture *f, gconstpointer data)
{
  HyStore *store = hy_session_get_store (f->session);
  g_autoptr (HyEvent) event = hy_event_new ();
  g_autoptr (HyOutboxItem) item = NULL;
  g_autoptr (GError) error = NULL;
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

  f->window = hy_test_view_present (GTK_WIDGET (f->page), 0, 0);
  hy_events_page_set_session (f->page, f->session);

  /* Retry puts the dead delivery of the selected event's record back in the queue. */
  hy_events_page_select (f->page, 0);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->page), "events.retry", NULL));

  item = hy_store_outbox_get (store, id, &error);
  g_assert_no_error (error);
  g_assert_cmpint (item->state, ==, HY_OUTBOX_STATE_PENDING);
  g_assert_cmpuint (item->attempts, ==, 0);
}

/* Until the page's layout is @narrow, then two painted frames (the first may change the
 * layout again). */
static void
wait_narrow (HyEventsPage *page, gboolean narrow)
{
  hy_test_wait_flag ((HyTestFlagGetter) hy_events_page_get_narrow, page, narrow,
                     narrow ? "the narrow layout" : "the wide layout");
  for (guint i = 0; i < 2; i++)
    hy_ui_test_wait_frame (GTK_WIDGET (page));
}

/* The toolbar (the search entry's row) shows all of itself: its scrolled window has nothing
 * to scroll sideways. Every button says what it does (a label, or the menu's icon with a name
 * and items with labels). Returns the actions reachable from it. */
static GPtrArray *
assert_toolbar_fits (HyEventsPage *page)
{
  GtkWidget *entry = hy_test_find_type_outside_popovers (GTK_WIDGET (page), GTK_TYPE_SEARCH_ENTRY);
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
        hy_test_menu_actions (gtk_menu_button_get_menu_model (GTK_MENU_BUTTON (child)), actions);
      else if (GTK_IS_BUTTON (child))
        {
          g_assert_nonnull (gtk_button_get_label (GTK_BUTTON (child)));
          g_ptr_array_add (actions, g_strdup (gtk_button_get_label (GTK_BUTTON (child))));
        }
    }

  return actions;
}

static guint
n_visible_columns (HyEventsPage *page)
{
  return hy_test_column_view_n_visible (
      GTK_COLUMN_VIEW (hy_test_find_type (GTK_WIDGET (page), GTK_TYPE_COLUMN_VIEW)));
}

/* At 360 px the list shows the endpoint and the status, Failed Only keeps its label and Retry
 * and Export are in a menu with theirs, so the toolbar does not scroll sideways; wide again,
 * every column and button comes back. */
static void
test_events_page_narrow (Fixture *f, gconstpointer data)
{
  g_autoptr (GPtrArray) actions = NULL;

  fill_events (hy_session_get_store (f->session), 20);
  show_page (f, 1000, 700);

  g_assert_false (hy_events_page_get_narrow (f->page));
  actions = assert_toolbar_fits (f->page);
  g_assert_cmpuint (actions->len, ==, 3);
  g_assert_cmpuint (n_visible_columns (f->page), ==, 6);
  g_clear_pointer (&actions, g_ptr_array_unref);

  gtk_window_set_default_size (f->window, 360, 700);
  wait_narrow (f->page, TRUE);
  g_assert_cmpint (gtk_widget_get_width (GTK_WIDGET (f->page)), <=, 360);
  actions = assert_toolbar_fits (f->page);
  g_assert_true (hy_test_strings_have (actions, "_Failed Only"));
  g_assert_true (hy_test_strings_have (actions, "events.retry"));
  g_assert_true (hy_test_strings_have (actions, "events.export"));
  g_assert_cmpuint (n_visible_columns (f->page), ==, 2);
  g_clear_pointer (&actions, g_ptr_array_unref);

  gtk_window_set_default_size (f->window, 1000, 700);
  wait_narrow (f->page, FALSE);
  actions = assert_toolbar_fits (f->page);
  g_assert_cmpuint (actions->len, ==, 3);
  g_assert_cmpuint (n_visible_columns (f->page), ==, 6);
}

/* With no failure at all, Failed Only says so (not "turn off Failed Only"); a text filter that
 * matches nothing asks to change the filter, and names Failed Only only when it is on. */
static void
test_events_page_empty_states (Fixture *f, gconstpointer data)
{
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
  g_assert_true (hy_store_events_append_batch (hy_session_get_store (f->session), events, &error));
  show_page (f, 0, 0);
  shown = hy_events_page_get_shown (f->page);

  hy_events_page_set_failed_only (f->page, TRUE);
  hy_test_wait_idle ();
  g_assert_cmpuint (g_list_model_get_n_items (shown), ==, 0);
  /* The list's status page (in the pane, not the empty log's). */
  status =
      ADW_STATUS_PAGE (hy_test_find_type (hy_test_find_type (GTK_WIDGET (f->page), GTK_TYPE_PANED),
                                          ADW_TYPE_STATUS_PAGE));
  g_assert_nonnull (status);
  g_assert_cmpstr (adw_status_page_get_title (status), ==, "No Failed Requests");
  g_assert_null (strstr (adw_status_page_get_description (status), "Failed Only"));

  hy_events_page_set_failed_only (f->page, FALSE);
  search (f, "nothing like it");
  g_assert_cmpstr (adw_status_page_get_title (status), ==, "No Matching Requests");
  g_assert_null (strstr (adw_status_page_get_description (status), "Failed Only"));

  hy_events_page_set_failed_only (f->page, TRUE);
  hy_test_wait_idle ();
  g_assert_nonnull (strstr (adw_status_page_get_description (status), "Failed Only"));
}

/* Each test on a session of its own, with its page. */
static const struct
{
  const char *path;
  void (*test) (Fixture *f, gconstpointer data);
} tests[] = {
  { "/events/model-lazy", test_events_model_lazy },
  { "/events/page-filters", test_events_page_filters },
  { "/events/page-live", test_events_page_live },
  { "/events/opens-on-newest", test_events_page_opens_on_newest },
  { "/events/retry", test_events_page_retry },
  { "/events/narrow", test_events_page_narrow },
  { "/events/empty-states", test_events_page_empty_states },
};

int
main (int argc, char *argv[])
{
  hy_ui_test_init (&argc, &argv);

  for (guint i = 0; i < G_N_ELEMENTS (tests); i++)
    g_test_add (tests[i].path, Fixture, NULL, fixture_set_up, tests[i].test, fixture_tear_down);

  return g_test_run ();
}
