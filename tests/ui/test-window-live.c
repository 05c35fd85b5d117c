/* test-window-live.c: what halyard-cli writes in another process shows in the open window's
 * Mapping and Events within a second, with no timer in the views (the store tells them), and
 * the header names the process that delivers when it is not the window.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>

#include "service/hy-service.h"

#include "hy-events-page.h"
#include "hy-link-item.h"
#include "hy-mapping-page.h"
#include "hy-sim.h"
#include "hy-window-test.h"
#include "hy-window.h"

/* Runs halyard-cli with @args against @dir to the end (the secret in its environment). */
static void
run_cli (const char *dir, const char *const *args)
{
  g_autoptr (GSubprocessLauncher) launcher =
      g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  g_autoptr (GSubprocess) cli = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;

  g_ptr_array_add (argv, (gpointer) HY_CLI_BINARY);
  g_ptr_array_add (argv, (gpointer) "--data-dir");
  g_ptr_array_add (argv, (gpointer) dir);
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);
  g_subprocess_launcher_setenv (launcher, "HALYARD_CLIENT_SECRET", "demo-secret", TRUE);
  g_subprocess_launcher_setenv (launcher, "GIO_USE_PROXY_RESOLVER", "dummy", TRUE);
  cli = g_subprocess_launcher_spawnv (launcher, (const char *const *) argv->pdata, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (cli, NULL, NULL, &out, &err, &error);
  g_assert_no_error (error);
  g_test_message ("halyard-cli %s → %d\n%s%s", args[0], g_subprocess_get_exit_status (cli), out,
                  err);
  g_assert_cmpint (g_subprocess_get_exit_status (cli), ==, 0);
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

static void
test_cli_writes_show_live (void)
{
  g_autoptr (HySim) sim = hy_sim_new ();
  g_autoptr (HySession) session = NULL;
  g_autoptr (HyProfile) profile = hy_profile_new ();
  g_autoptr (HyCompany) company = hy_company_new ();
  g_autoptr (GPtrArray) clients =
      g_ptr_array_new_with_free_func ((GDestroyNotify) hy_cache_record_free);
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("hy-window-live-XXXXXX", NULL);
  g_autofree char *cmd = NULL;
  HyStore *store;
  HyWindow *window;
  HyMappingPage *mapping;
  HyEventsPage *events;
  EventsShown shown;
  gint64 before;

  hy_sim_generate (sim, NULL);
  g_assert_true (hy_sim_start (sim, 0, &error));
  g_assert_no_error (error);

  session = hy_session_open (dir, &error);
  g_assert_no_error (error);
  store = hy_session_get_store (session);
  profile->url = g_strdup (hy_sim_get_base_url (sim));
  profile->tenant = g_strdup ("demo");
  profile->client_id = g_strdup ("halyard-demo");
  g_assert_true (hy_session_set_profile (session, profile, &error));
  hy_session_set_secret (session, "demo-secret");
  company->id = g_strdup ("c1");
  company->name = g_strdup ("Acme");
  g_assert_true (hy_store_upsert (store, HY_RECORD_KIND_COMPANY, company, NULL, &error));
  g_ptr_array_add (clients, hy_cache_record_new (HY_CACHE_KIND_CLIENT, 12, "Acme Ltd"));
  g_assert_true (hy_store_cache_replace (store, HY_CACHE_KIND_CLIENT, clients, &error));

  window = hy_window_new (NULL);
  hy_window_set_session (window, session);
  gtk_window_present (GTK_WINDOW (window));
  mapping = HY_MAPPING_PAGE (find_widget (GTK_WIDGET (window), HY_TYPE_MAPPING_PAGE, NULL));
  events = HY_EVENTS_PAGE (find_widget (GTK_WIDGET (window), HY_TYPE_EVENTS_PAGE, NULL));
  g_assert_nonnull (mapping);
  g_assert_nonnull (events);
  hy_window_set_visible_view (window, "mapping");
  hy_mapping_page_set_section (mapping, "companies");
  while (hy_mapping_page_get_busy (mapping))
    g_main_context_iteration (NULL, TRUE);
  iterate_main_loop ();
  g_assert_false (company_linked (mapping));

  /* Linked by halyard-cli in another process: the open Mapping shows it. */
  RUN_CLI (dir, "link", "set", "company", "c1", "12");
  assert_shows_within_a_second (company_linked, mapping, "The link made by halyard-cli");

  /* Requests sent by halyard-cli: the open Events lists them. */
  hy_window_set_visible_view (window, "events");
  iterate_main_loop ();
  before = hy_store_events_count (store, FALSE, NULL);
  RUN_CLI (dir, "refresh");
  shown.shown = hy_events_page_get_shown (events);
  shown.at_least = (guint) hy_store_events_count (store, FALSE, NULL);
  g_assert_cmpuint (shown.at_least, >, before);
  assert_shows_within_a_second (events_shown, &shown, "The requests of halyard-cli refresh");

  gtk_window_destroy (GTK_WINDOW (window));
  iterate_main_loop ();
  g_clear_object (&session);
  cmd = g_strdup_printf ("rm -rf '%s'", dir);
  g_assert_cmpint (system (cmd), ==, 0);
}

int
main (int argc, char **argv)
{
  hy_window_test_init ();
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  gtk_init ();
  adw_init ();
  g_test_add_func ("/window/cli-writes-show-live", test_cli_writes_show_live);
  return g_test_run ();
}
