/* test-window-live.c: what halyard-cli writes in another process shows in the open window's
 * Mapping and Events within a second, with no timer in the views (the store tells them), and
 * the header names the process that delivers when it is not the window.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>
#include <libsoup/soup.h>
#include <signal.h>
#include <string.h>

#include "linker/hy-linker.h"
#include "service/hy-service.h"
#include "store/hy-store-intake.h"

#include "hy-alert-sources-group.h"
#include "models/hy-event-item.h"
#include "hy-events-page.h"
#include "models/hy-link-item.h"
#include "hy-mapping-page.h"
#include "hy-sim.h"
#include "hy-test-halo.h"
#include "hy-test-session.h"
#include "hy-test-ui.h"
#include "hy-window-test.h"
#include "hy-window.h"

/* Runs halyard-cli with @args against @dir to the end (the secret in its environment); it must
 * succeed. */
static void
run_cli (const char *dir, const char *const *args)
{
  g_auto (HyTestCliRun) run = { 0 };

  g_assert_cmpint (hy_test_cli_run_plainv (HY_CLI_BINARY, dir, &run, args), ==, 0);
}

#define RUN_CLI(dir, ...)                              \
  G_STMT_START                                         \
  {                                                    \
    const char *const args_[] = { __VA_ARGS__, NULL }; \
    run_cli ((dir), args_);                            \
  }                                                    \
  G_STMT_END

typedef gboolean (*Shown) (gpointer data);

/* Runs the main loop until @shown holds; fails when it takes a second or more. */
static void
assert_shows_within_a_second (Shown shown, gpointer data, const char *what)
{
  gint64 start = g_get_monotonic_time ();
  gboolean late = FALSE;
  guint id = g_timeout_add (1000, timeout_cb, &late);

  while (!shown (data) && !late)
    g_main_context_iteration (NULL, TRUE);
  if (late)
    g_error ("%s did not show within a second", what);
  g_source_remove (id);
  g_test_message ("%s showed after %" G_GINT64_FORMAT " ms", what,
                  (g_get_monotonic_time () - start) / 1000);
}

static gboolean
company_linked (gpointer data)
{
  GListModel *rows = hy_mapping_page_get_rows (HY_MAPPING_PAGE (data), "companies");

  for (guint i = 0; i < g_list_model_get_n_items (rows); i++)
    {
      g_autoptr (HyLinkItem) item = g_list_model_get_item (rows, i);

      if (g_strcmp0 (hy_link_item_get_name (item), "Acme") == 0)
        return hy_link_item_get_linked (item);
    }
  return FALSE;
}

static gboolean
mapping_idle (gpointer data)
{
  return !hy_mapping_page_get_busy (HY_MAPPING_PAGE (data));
}

typedef struct
{
  GListModel *shown;
  guint at_least;
} EventsShown;

static gboolean
events_shown (gpointer data)
{
  EventsShown *e = data;

  return g_list_model_get_n_items (e->shown) >= e->at_least;
}

/* Each test's own data directory and session; with a simulator when the test's data says so,
 * the session pointed at it; the window the test opens. */
typedef struct
{
  HySim *sim;
  char *dir;
  HySession *session;
  HyWindow *window;
} Live;

static void
live_set_up (Live *f, gconstpointer with_sim)
{
  f->session = hy_test_session_new_tmp ("hy-window-live-XXXXXX", &f->dir);
  if (GPOINTER_TO_INT (with_sim))
    {
      f->sim = hy_test_sim_start (NULL);
      hy_test_session_use_sim (f->session, f->sim);
    }
}

static gboolean
is_cleared (gpointer pointer)
{
  return *(gpointer *) pointer == NULL;
}

/* Destroys the window and waits until it is gone (it holds the session), then closes the
 * session and waits until its store is closed (a delivery or auto-link job in a thread of its
 * own writes the directory until it ends), removes the directory with everything in it and
 * stops the simulator. */
static void
live_tear_down (Live *f, gconstpointer with_sim)
{
  if (f->window != NULL)
    {
      g_object_add_weak_pointer (G_OBJECT (f->window), (gpointer *) &f->window);
      gtk_window_destroy (GTK_WINDOW (f->window));
      hy_test_ui_wait_until (is_cleared, &f->window, "the window's finalization");
    }
  hy_test_session_close_tmp (&f->session, &f->dir);
  if (f->sim != NULL)
    hy_sim_stop (f->sim);
  g_clear_object (&f->sim);
}

/* The window on the test's session, presented. */
static HyWindow *
open_window (Live *f)
{
  g_assert_null (f->window);
  f->window = hy_window_new (NULL);
  hy_window_set_session (f->window, f->session);
  gtk_window_present (GTK_WINDOW (f->window));
  return f->window;
}

static void
test_cli_writes_show_live (Live *f, gconstpointer data)
{
  g_autoptr (HyCompany) company = hy_company_new ();
  g_autoptr (GPtrArray) clients =
      g_ptr_array_new_with_free_func ((GDestroyNotify) hy_cache_record_free);
  g_autoptr (GError) error = NULL;
  HyStore *store = hy_session_get_store (f->session);
  HyWindow *window;
  HyMappingPage *mapping;
  HyEventsPage *events;
  EventsShown shown;
  gint64 before;

  company->id = g_strdup ("c1");
  company->name = g_strdup ("Acme");
  g_assert_true (hy_store_upsert (store, HY_RECORD_KIND_COMPANY, company, NULL, &error));
  g_ptr_array_add (clients, hy_cache_record_new (HY_CACHE_KIND_CLIENT, 12, "Acme Ltd"));
  g_assert_true (hy_store_cache_replace (store, HY_CACHE_KIND_CLIENT, clients, &error));

  window = open_window (f);
  mapping = HY_MAPPING_PAGE (find_widget (GTK_WIDGET (window), HY_TYPE_MAPPING_PAGE, NULL));
  events = HY_EVENTS_PAGE (find_widget (GTK_WIDGET (window), HY_TYPE_EVENTS_PAGE, NULL));
  g_assert_nonnull (mapping);
  g_assert_nonnull (events);
  hy_window_set_visible_view (window, "mapping");
  hy_mapping_page_set_section (mapping, "companies");
  hy_test_ui_wait_until (mapping_idle, mapping, "the Mapping view's first load");
  iterate_main_loop ();
  g_assert_false (company_linked (mapping));

  /* Linked by halyard-cli in another process: the open Mapping shows it. */
  RUN_CLI (f->dir, "link", "set", "company", "c1", "12");
  assert_shows_within_a_second (company_linked, mapping, "The link made by halyard-cli");

  /* Requests sent by halyard-cli: the open Events lists them. */
  hy_window_set_visible_view (window, "events");
  iterate_main_loop ();
  before = hy_store_events_count (store, FALSE, NULL);
  RUN_CLI (f->dir, "refresh");
  shown.shown = hy_events_page_get_shown (events);
  shown.at_least = (guint) hy_store_events_count (store, FALSE, NULL);
  g_assert_cmpuint (shown.at_least, >, before);
  assert_shows_within_a_second (events_shown, &shown, "The requests of halyard-cli refresh");
}

/* Sends @method @uri (with @body and the token when given); returns the status. */
static guint
http (SoupSession *soup,
      const char *method,
      const char *uri,
      const char *token,
      const char *body,
      char **out_body)
{
  g_autoptr (SoupMessage) msg = soup_message_new (method, uri);
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GBytes) answer = NULL;
  g_autoptr (GError) error = NULL;

  g_assert_nonnull (msg);
  if (token != NULL)
    {
      g_autofree char *auth = g_strconcat ("Bearer ", token, NULL);

      soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", auth);
    }
  if (body != NULL)
    {
      g_autoptr (GBytes) bytes = g_bytes_new (body, strlen (body));

      soup_message_set_request_body_from_bytes (msg, "application/json", bytes);
    }
  soup_session_send_and_read_async (soup, msg, G_PRIORITY_DEFAULT, NULL, hy_test_result_cb,
                                    &result);
  answer = soup_session_send_and_read_finish (soup, hy_test_wait_for (&result), &error);
  g_assert_no_error (error);
  if (out_body != NULL)
    *out_body = g_strndup (g_bytes_get_data (answer, NULL), g_bytes_get_size (answer));
  return soup_message_get_status (msg);
}

typedef struct
{
  GListModel *shown;
  const char *record;
} RecordShown;

static gboolean
record_shown (gpointer data)
{
  RecordShown *r = data;

  for (guint i = 0; i < g_list_model_get_n_items (r->shown); i++)
    {
      g_autoptr (HyEventItem) item = g_list_model_get_item (r->shown, i);
      const HyEvent *event = hy_event_item_get_event (item);

      if (g_strcmp0 (event->record, r->record) == 0 && g_strcmp0 (event->method, "POST") == 0)
        return TRUE;
    }
  return FALSE;
}

/* Halo's records from the simulator, a computer of a linked company and a mapped policy: an
 * alert for them becomes a ticket once the integration is enabled. */
static void
fill_routable (HySession *session)
{
  HyStore *store = hy_session_get_store (session);
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GPtrArray) clients = NULL;
  g_autoptr (GPtrArray) types = NULL;
  g_autoptr (HyCompany) company = hy_company_new ();
  g_autoptr (HyComputer) computer = hy_computer_new ();
  g_autoptr (HyPolicy) policy = hy_policy_new ();
  g_autoptr (GError) error = NULL;

  hy_session_refresh_async (session, NULL, hy_test_result_cb, &result);
  g_assert_true (hy_session_refresh_finish (session, hy_test_wait_for (&result), NULL, &error));
  g_assert_no_error (error);
  clients = hy_store_cache_list (store, HY_CACHE_KIND_CLIENT, NULL, &error);
  types = hy_store_cache_list (store, HY_CACHE_KIND_TICKET_TYPE, NULL, &error);
  g_assert_true (clients != NULL && clients->len > 0 && types != NULL && types->len > 0);

  company->id = g_strdup ("c1");
  company->name = g_strdup ("Acme");
  g_assert_true (hy_store_upsert (store, HY_RECORD_KIND_COMPANY, company, NULL, &error));
  computer->id = g_strdup ("pc1");
  computer->name = g_strdup ("ACME-DC01");
  computer->company_id = g_strdup ("c1");
  g_assert_true (hy_store_upsert (store, HY_RECORD_KIND_COMPUTER, computer, NULL, &error));
  policy->id = g_strdup ("p1");
  policy->name = g_strdup ("Disk space low");
  g_assert_true (hy_store_upsert (store, HY_RECORD_KIND_POLICY, policy, NULL, &error));
  g_assert_true (hy_linker_set_link (store, HY_RECORD_KIND_COMPANY, "c1",
                                     ((HyCacheRecord *) g_ptr_array_index (clients, 0))->id, NULL,
                                     &error));
  g_assert_no_error (error);
  g_assert_true (hy_linker_map_policy (store, "p1",
                                       ((HyCacheRecord *) g_ptr_array_index (types, 0))->id, 0,
                                       &error));
  g_assert_no_error (error);
  g_assert_true (hy_store_set_enabled (store, TRUE, &error));
}

/* The intake's token from the environment, as on a server without a keyring. */
#define INTAKE_TOKEN "test-intake-token-0123456789-abcdefghijklmnop"

static gboolean
intake_started (gpointer service)
{
  return hy_service_get_intake (service) != NULL || hy_service_get_intake_error (service) != NULL;
}

/* The core starts the intake once this process delivers: its address, on a free port. */
static char *
wait_intake_started (HyService *service)
{
  char *uri;

  hy_test_ui_wait_until (intake_started, service, "the window's intake starting");
  g_assert_null (hy_service_get_intake_error (service));
  uri = hy_intake_server_get_uri (hy_service_get_intake (service));
  g_test_message ("The window's intake listens on %s", uri);
  g_assert_true (g_str_has_prefix (uri, "http://127.0.0.1:"));
  g_assert_false (g_str_has_suffix (uri, ":0"));
  return uri;
}

/* Setup's Alert Sources and the header's status say where; it answers health. */
static void
assert_intake_shown (HyWindow *window, HySession *session, const char *uri, SoupSession *soup)
{
  GtkWidget *group = find_widget (GTK_WIDGET (window), HY_TYPE_ALERT_SOURCES_GROUP, NULL);
  g_autoptr (HyServiceStatus) status = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *url = g_strconcat (uri, "/api/v1/health", NULL);
  g_autofree char *body = NULL;

  g_assert_nonnull (group);
  g_assert_true (hy_alert_sources_group_get_server (HY_ALERT_SOURCES_GROUP (group)) ==
                 hy_service_get_intake (hy_service_get (session)));
  status = hy_service_status_read (session, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (status->intake, ==, uri);

  g_assert_cmpuint (http (soup, "GET", url, NULL, NULL, &body), ==, 200);
  g_assert_nonnull (strstr (body, "\"ok\""));
}

/* A posted alert: stored before the 202, then a ticket, listed in Events. */
static void
assert_alert_listed (HyWindow *window, const char *uri, SoupSession *soup)
{
  g_autofree char *url = g_strconcat (uri, "/api/v1/alerts", NULL);
  RecordShown shown;

  hy_window_set_visible_view (window, "events");
  shown.shown = hy_events_page_get_shown (
      HY_EVENTS_PAGE (find_widget (GTK_WIDGET (window), HY_TYPE_EVENTS_PAGE, NULL)));
  shown.record = "alert:disk-1";
  g_assert_cmpuint (http (soup, "POST", url, INTAKE_TOKEN,
                          "{\"id\": \"disk-1\", \"computer\": \"pc1\", \"policy\": \"p1\", "
                          "\"summary\": \"Disk C: 95% full\", \"status\": \"firing\"}",
                          NULL),
                    ==, 202);
  hy_test_ui_wait_until (record_shown, &shown, "the alert's ticket listed in Events");
}

static gboolean
intake_stopped (gpointer service)
{
  return hy_service_get_intake (service) == NULL;
}

/* Unset: the intake stops, and the record of its address goes. */
static void
assert_unset_stops_intake (HySession *session)
{
  HyService *service = hy_service_get (session);
  g_autoptr (HyServiceStatus) status = NULL;
  g_autoptr (GError) error = NULL;

  g_assert_true (hy_store_intake_set_listen (hy_session_get_store (session), NULL, &error));
  g_assert_no_error (error);
  hy_test_ui_wait_until (intake_stopped, service, "the window's intake stopping");
  status = hy_service_status_read (session, &error);
  g_assert_no_error (error);
  g_assert_null (status->intake);
}

/* The window's service runs the alert intake on the address set for it: it answers health, a
 * posted alert becomes a ticket listed in Events, and Setup's Alert Sources shows the address
 * and the alert received. */
static void
test_window_intake (Live *f, gconstpointer data)
{
  g_autoptr (SoupSession) soup = soup_session_new ();
  g_autoptr (GError) error = NULL;
  g_autofree char *uri = NULL;
  HyWindow *window;

  g_setenv ("HALYARD_INTAKE_TOKEN", INTAKE_TOKEN, TRUE);
  fill_routable (f->session);
  /* Any free loopback port. */
  g_assert_true (
      hy_store_intake_set_listen (hy_session_get_store (f->session), "127.0.0.1:0", &error));
  g_assert_no_error (error);
  window = open_window (f);

  uri = wait_intake_started (hy_service_get (f->session));
  assert_intake_shown (window, f->session, uri, soup);
  assert_alert_listed (window, uri, soup);
  assert_unset_stops_intake (f->session);
  g_unsetenv ("HALYARD_INTAKE_TOKEN");
}

/* The subtitle of the Alert Sources row titled @title. */
static const char *
row_subtitle (GtkWidget *group, const char *title)
{
  GtkWidget *row = find_widget (group, ADW_TYPE_ACTION_ROW, title);

  g_assert_nonnull (row);
  return adw_action_row_get_subtitle (ADW_ACTION_ROW (row));
}

static gboolean
subtitle_names (gpointer data)
{
  GtkWidget *group = data;
  const char *subtitle = row_subtitle (group, "Intake Address");
  const char *uri = g_object_get_data (G_OBJECT (group), "expected-uri");

  return subtitle != NULL && strstr (subtitle, uri) != NULL &&
         strstr (subtitle, "halyard-cli serve") != NULL;
}

/* While halyard-cli serve --listen delivers, the window says who delivers and where that
 * process accepts alerts (it runs no intake of its own). */
static void
test_window_intake_of_serve (Live *f, gconstpointer data)
{
  HySession *session = f->session;
  g_autoptr (GError) error = NULL;
  g_autofree char *line = NULL;
  g_autoptr (GSubprocess) serve = NULL;
  g_autoptr (GDataInputStream) out = NULL;
  g_autoptr (JsonNode) started = NULL;
  g_autoptr (HyServiceStatus) status = NULL;
  const char *uri;
  HyWindow *window;
  GtkWidget *group;

  /* The address set for the data directory (any free port), which serve listens on. */
  RUN_CLI (f->dir, "intake", "set", "--listen", "127.0.0.1:0");
  g_setenv ("HALYARD_INTAKE_TOKEN", INTAKE_TOKEN, TRUE);
  serve = hy_test_cli_spawnv (HY_CLI_BINARY, f->dir, G_SUBPROCESS_FLAGS_STDOUT_PIPE,
                              (const char *const[]){ "serve", NULL });
  g_unsetenv ("HALYARD_INTAKE_TOKEN");
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (serve));
  line = g_data_input_stream_read_line_utf8 (out, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (line);
  started = json_from_string (line, &error);
  g_assert_no_error (error);
  uri = json_object_get_string_member (json_node_get_object (started), "intake");
  g_test_message ("halyard-cli serve listens on %s", uri);
  g_assert_nonnull (uri);

  window = open_window (f);
  iterate_main_loop ();
  g_assert_false (hy_service_is_delivering (hy_service_get (session)));
  g_assert_null (hy_service_get_intake (hy_service_get (session)));

  /* The header's status: who delivers, and where it takes alerts. */
  status = hy_service_status_read (session, &error);
  g_assert_no_error (error);
  g_assert_nonnull (status->deliverer);
  g_assert_cmpstr (status->deliverer->command, ==, "halyard-cli serve");
  g_assert_cmpstr (status->intake, ==, uri);

  /* Setup's Alert Sources: that address, served by that process. */
  group = find_widget (GTK_WIDGET (window), HY_TYPE_ALERT_SOURCES_GROUP, NULL);
  g_object_set_data_full (G_OBJECT (group), "expected-uri", g_strdup (uri), g_free);
  assert_shows_within_a_second (subtitle_names, group, "The address of halyard-cli serve");

  g_subprocess_send_signal (serve, SIGTERM);
  g_subprocess_wait (serve, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_subprocess_get_exit_status (serve), ==, 0);
}

int
main (int argc, char **argv)
{
  hy_window_test_init_gtk (&argc, &argv);
  g_test_add ("/window/cli-writes-show-live", Live, GINT_TO_POINTER (TRUE), live_set_up,
              test_cli_writes_show_live, live_tear_down);
  g_test_add ("/window/intake", Live, GINT_TO_POINTER (TRUE), live_set_up, test_window_intake,
              live_tear_down);
  g_test_add ("/window/intake-of-serve", Live, GINT_TO_POINTER (FALSE), live_set_up,
              test_window_intake_of_serve, live_tear_down);
  return g_test_run ();
}
