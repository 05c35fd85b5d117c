/* bench-views.c — the Mapping and Events views with a big store: first frame, RSS, filter
 * latency, picker latency, a million events
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Run by hand under a display (see ../README.md), never in tests:
 *
 *   GSK_RENDERER=cairo xvfb-run -a _build/bench/views/bench-views [CLIENTS COMPUTERS EVENTS]
 *
 * Defaults: 10 000 companies and Halo clients, 100 000 computers, 1 000 000 events. The store is
 * filled through the core's API in a temporary directory, removed at the end.
 */

#include "config.h"

#include <adwaita.h>
#include <stdlib.h>

#include "hy-bench.h"
#include "models/hy-events-model.h"
#include "hy-events-page.h"
#include "hy-mapping-page.h"
#include "hy-record-picker.h"

static gboolean painted;

static void
after_paint_cb (GdkFrameClock *clock, gpointer user_data)
{
  painted = TRUE;
}

/* Waits for the window's next frame (drawn after what just changed). */
static void
wait_frame (GtkWidget *window)
{
  painted = FALSE;
  gtk_widget_queue_draw (window);
  while (!painted)
    g_main_context_iteration (NULL, TRUE);
}

static void
connect_frame_clock (GtkWidget *window)
{
  while (!gtk_widget_get_realized (window))
    g_main_context_iteration (NULL, TRUE);
  g_signal_connect (gtk_widget_get_frame_clock (window), "after-paint", G_CALLBACK (after_paint_cb),
                    NULL);
}

/* A 1200×800 window holding @page, not shown yet. */
static GtkWidget *
window_for (GtkWidget *page)
{
  GtkWidget *window = gtk_window_new ();

  gtk_window_set_default_size (GTK_WINDOW (window), 1200, 800);
  gtk_window_set_child (GTK_WINDOW (window), page);
  return window;
}

/* Shows @window and waits for its first frame. */
static void
present (GtkWidget *window)
{
  gtk_window_present (GTK_WINDOW (window));
  connect_frame_clock (window);
  wait_frame (window);
}

/* Destroys @window, lets the main context settle, closes the session and removes its
 * directory. */
static void
close_page (GtkWidget *window, HySession **session, const char *dir)
{
  gtk_window_destroy (GTK_WINDOW (window));
  while (g_main_context_pending (NULL))
    g_main_context_iteration (NULL, FALSE);
  g_clear_object (session);
  hy_bench_remove_tree (dir);
}

static long
status_kb (const char *field)
{
  g_autofree char *status = NULL;
  const char *line;

  if (!g_file_get_contents ("/proc/self/status", &status, NULL, NULL))
    return -1;
  line = strstr (status, field);
  return line != NULL ? strtol (line + strlen (field), NULL, 10) : -1;
}

static void
check (gboolean ok, GError *error)
{
  if (!ok)
    g_error ("%s", error != NULL ? error->message : "failed");
}

static HySession *
open_session (const char *dir)
{
  g_autoptr (GError) error = NULL;
  HySession *session = hy_session_open (dir, &error);

  check (session != NULL, error);
  return session;
}

static void
fill_inventory (HyStore *store, guint n_clients, guint n_computers)
{
  g_autoptr (GPtrArray) clients =
      g_ptr_array_new_with_free_func ((GDestroyNotify) hy_cache_record_free);
  g_autoptr (GError) error = NULL;

  check (hy_store_begin (store, &error), error);
  for (guint i = 0; i < n_clients; i++)
    {
      g_autoptr (HyCompany) company = hy_company_new ();

      company->id = g_strdup_printf ("c%u", i);
      company->name = g_strdup_printf ("Client %05u %s", i, i % 3 ? "Ltd" : "GmbH");
      check (hy_store_upsert (store, HY_RECORD_KIND_COMPANY, company, NULL, &error), error);
      g_ptr_array_add (clients,
                       hy_cache_record_new (HY_CACHE_KIND_CLIENT, 1000 + i, company->name));
    }
  for (guint i = 0; i < n_computers; i++)
    {
      g_autoptr (HyComputer) computer = hy_computer_new ();

      computer->id = g_strdup_printf ("pc%u", i);
      computer->name = g_strdup_printf ("PC-%06u", i);
      computer->company_id = g_strdup_printf ("c%u", i % n_clients);
      check (hy_store_upsert (store, HY_RECORD_KIND_COMPUTER, computer, NULL, &error), error);
    }
  check (hy_store_commit (store, &error), error);
  check (hy_store_cache_replace (store, HY_CACHE_KIND_CLIENT, clients, &error), error);
}

static void
fill_events (HyStore *store, guint n_events)
{
  g_autoptr (GError) error = NULL;
  /* One request a second, the most Halo's budget allows for long: the last hour holds 3 600. */
  gint64 start = g_get_real_time () - (gint64) n_events * G_USEC_PER_SEC;

  for (guint done = 0; done < n_events;)
    {
      g_autoptr (GPtrArray) batch = g_ptr_array_new_with_free_func ((GDestroyNotify) hy_event_free);

      for (guint i = 0; i < 20000 && done < n_events; i++, done++)
        {
          HyEvent *event = hy_event_new ();

          event->time = start + (gint64) done * G_USEC_PER_SEC;
          event->method = g_strdup (done % 3 ? "GET" : "POST");
          event->path = g_strdup_printf ("/api/Asset?page_no=%u", done % 50);
          event->status = done % 97 == 0 ? 500 : 200;
          event->duration_ms = 20 + done % 200;
          event->record = g_strdup_printf ("computer:pc%u", done % 100000);
          event->error = done % 97 == 0 ? g_strdup ("Internal server error") : NULL;
          event->response = g_strdup ("{\"record_count\":1}");
          g_ptr_array_add (batch, event);
        }
      check (hy_store_events_append_batch (store, batch, &error), error);
    }
}

static void
time_company_searches (GtkWidget *window, HyMappingPage *page)
{
  static const char *const searches[] = { "client 0999", "client 12", "gmbh", "zzz", "" };

  for (guint i = 0; i < G_N_ELEMENTS (searches); i++)
    {
      gint64 start = g_get_monotonic_time ();
      double filtered;

      hy_mapping_page_set_search_text (page, searches[i]);
      filtered = hy_bench_ms_since (start);
      wait_frame (window);
      g_print ("mapping: companies, search “%s” → %u rows, filter %.1f ms, %.1f ms to the frame\n",
               searches[i], g_list_model_get_n_items (hy_mapping_page_get_rows (page, "companies")),
               filtered, hy_bench_ms_since (start));
    }
}

static void
time_computers (GtkWidget *window, HyMappingPage *page)
{
  static const char *const computer_searches[] = { "pc-0999", "pc-12", "zzz", "" };
  gint64 start = g_get_monotonic_time ();

  hy_mapping_page_set_section (page, "computers");
  wait_frame (window);
  g_print ("mapping: switch to computers (%u rows) %.1f ms\n",
           g_list_model_get_n_items (hy_mapping_page_get_rows (page, "computers")),
           hy_bench_ms_since (start));
  for (guint i = 0; i < G_N_ELEMENTS (computer_searches); i++)
    {
      start = g_get_monotonic_time ();
      hy_mapping_page_set_search_text (page, computer_searches[i]);
      wait_frame (window);
      g_print ("mapping: computers, search “%s” → %u rows, %.1f ms to the frame\n",
               computer_searches[i],
               g_list_model_get_n_items (hy_mapping_page_get_rows (page, "computers")),
               hy_bench_ms_since (start));
    }
  for (guint i = 0; i < 2; i++)
    {
      start = g_get_monotonic_time ();
      hy_mapping_page_set_unlinked_only (page, i == 0);
      wait_frame (window);
      g_print ("mapping: computers, unlinked only %s → %u rows, %.1f ms to the frame\n",
               i == 0 ? "on" : "off",
               g_list_model_get_n_items (hy_mapping_page_get_rows (page, "computers")),
               hy_bench_ms_since (start));
    }
}

/* The picker over every Halo client: open, type, then erase. */
static void
time_picker (GtkWidget *window, HyMappingPage *page)
{
  static const char *const keystrokes[] = { "c",           "cl",          "cli",       "clie",
                                            "client",      "client 0",    "client 09", "client 099",
                                            "client 0999", "client 09999" };
  HyRecordPicker *picker;
  gint64 start;

  hy_mapping_page_set_section (page, "companies");
  gtk_selection_model_select_item (hy_mapping_page_get_selection (page, "companies"), 0, TRUE);
  start = g_get_monotonic_time ();
  picker = hy_mapping_page_open_picker (page);
  wait_frame (window);
  g_print ("picker: open over %u clients %.1f ms\n", hy_record_picker_get_n_shown (picker),
           hy_bench_ms_since (start));
  for (guint i = 0; i < G_N_ELEMENTS (keystrokes); i++)
    {
      start = g_get_monotonic_time ();
      hy_record_picker_set_search_text (picker, keystrokes[i]);
      g_print ("picker: “%s” → %u, filter %.2f ms", keystrokes[i],
               hy_record_picker_get_n_shown (picker), hy_bench_ms_since (start));
      wait_frame (window);
      g_print (", %.1f ms to the frame\n", hy_bench_ms_since (start));
    }
  for (guint i = G_N_ELEMENTS (keystrokes); i > 0; i--)
    {
      start = g_get_monotonic_time ();
      hy_record_picker_set_search_text (picker, i > 1 ? keystrokes[i - 2] : "");
      if (i == 1)
        g_print ("picker: back to empty → %u, filter %.2f ms\n",
                 hy_record_picker_get_n_shown (picker), hy_bench_ms_since (start));
    }
}

static void
bench_mapping (guint n_clients, guint n_computers)
{
  g_autofree char *dir = hy_bench_make_dir ("halyard-bench-views-XXXXXX");
  g_autoptr (HySession) session = open_session (dir);
  GtkWidget *window;
  HyMappingPage *page;
  gint64 start;

  start = g_get_monotonic_time ();
  fill_inventory (hy_session_get_store (session), n_clients, n_computers);
  g_print ("mapping: filled %u companies/clients and %u computers in %.0f ms\n", n_clients,
           n_computers, hy_bench_ms_since (start));
  g_print ("mapping: RSS before the view %ld kB\n", status_kb ("VmRSS:"));

  start = g_get_monotonic_time ();
  page = HY_MAPPING_PAGE (hy_mapping_page_new ());
  window = window_for (GTK_WIDGET (page));
  hy_mapping_page_set_session (page, session);
  present (window);
  g_print ("mapping: first frame (companies listed) %.1f ms\n", hy_bench_ms_since (start));
  g_print ("mapping: RSS after the first frame %ld kB (peak %ld kB)\n", status_kb ("VmRSS:"),
           status_kb ("VmHWM:"));

  time_company_searches (window, page);
  time_computers (window, page);
  time_picker (window, page);
  g_print ("mapping: RSS at the end %ld kB (peak %ld kB)\n", status_kb ("VmRSS:"),
           status_kb ("VmHWM:"));

  close_page (window, &session, dir);
}

static void
bench_events (guint n_events)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = hy_bench_make_dir ("halyard-bench-events-XXXXXX");
  g_autoptr (HySession) session = open_session (dir);
  GtkWidget *window;
  HyEventsPage *page;
  GListModel *shown;
  gint64 start;

  start = g_get_monotonic_time ();
  fill_events (hy_session_get_store (session), n_events);
  g_print ("events: appended %u events in %.0f ms\n", n_events, hy_bench_ms_since (start));

  {
    g_autoptr (HyEventsModel) model = hy_events_model_new (hy_session_get_store (session));
    g_autoptr (GArray) buckets = NULL;
    gint64 count;

    start = g_get_monotonic_time ();
    count = hy_store_events_count (hy_session_get_store (session), FALSE, &error);
    g_print ("events: store count (%" G_GINT64_FORMAT ") %.1f ms\n", count,
             hy_bench_ms_since (start));
    start = g_get_monotonic_time ();
    check (hy_events_model_reload (model, &error), error);
    g_print ("events: model reload %.1f ms (%u queries)\n", hy_bench_ms_since (start),
             hy_events_model_get_n_queries (model));
    start = g_get_monotonic_time ();
    buckets = hy_store_events_per_minute (hy_session_get_store (session), 0, 60, &error);
    g_print ("events: per-minute chart data %.1f ms\n", hy_bench_ms_since (start));
  }

  start = g_get_monotonic_time ();
  page = HY_EVENTS_PAGE (hy_events_page_new ());
  window = window_for (GTK_WIDGET (page));
  hy_events_page_set_session (page, session);
  present (window);
  shown = hy_events_page_get_shown (page);
  g_print ("events: first frame with %u events listed %.1f ms\n", g_list_model_get_n_items (shown),
           hy_bench_ms_since (start));
  g_print ("events: RSS %ld kB (peak %ld kB)\n", status_kb ("VmRSS:"), status_kb ("VmHWM:"));

  {
    guint positions[] = { n_events / 2, n_events - 1, n_events / 3, 10 };

    for (guint i = 0; i < G_N_ELEMENTS (positions); i++)
      {
        g_autoptr (GObject) item = NULL;

        start = g_get_monotonic_time ();
        item = g_list_model_get_item (shown, positions[i]);
        g_print ("events: row %u read in %.2f ms\n", positions[i], hy_bench_ms_since (start));
      }
  }

  start = g_get_monotonic_time ();
  hy_events_page_set_failed_only (page, TRUE);
  wait_frame (window);
  g_print ("events: failed only → %u, %.1f ms to the frame\n", g_list_model_get_n_items (shown),
           hy_bench_ms_since (start));
  {
    g_autoptr (GObject) item = NULL;

    start = g_get_monotonic_time ();
    item = g_list_model_get_item (shown, g_list_model_get_n_items (shown) / 2);
    g_print ("events: failed only, middle row read in %.1f ms (walked from the top)\n",
             hy_bench_ms_since (start));
  }
  hy_events_page_set_failed_only (page, FALSE);
  wait_frame (window);
  g_print ("events: RSS at the end %ld kB (peak %ld kB)\n", status_kb ("VmRSS:"),
           status_kb ("VmHWM:"));

  close_page (window, &session, dir);
}

int
main (int argc, char *argv[])
{
  guint n_clients = argc > 1 ? (guint) atoi (argv[1]) : 10000;
  guint n_computers = argc > 2 ? (guint) atoi (argv[2]) : 100000;
  guint n_events = argc > 3 ? (guint) atoi (argv[3]) : 1000000;

  g_setenv ("GSETTINGS_BACKEND", "memory", TRUE);
  adw_init ();

  if (n_clients > 0)
    bench_mapping (n_clients, MAX (n_computers, 1));
  if (n_events > 0)
    bench_events (n_events);

  return 0;
}
