/* bench-service.c: latency from `alert raise` to the ticket's POST while `halyard-cli serve`
 * delivers for the data directory (see ../README.md)
 *
 *   bench-service idle [N_ALERTS]        N alerts one after the other, the budget idle (1 000)
 *   bench-service saturated [N_ALERTS]   while serve's first sync of 20 000 devices keeps a
 *                                        20 requests / 2 s budget spent (30)
 *
 * The alerts are recorded as `halyard-cli alert raise` records them (the session's engine, in
 * this process, which does not deliver: serve does); the latency is from just before the
 * recording to the time the ticket's POST was sent, as serve logged it in the events log.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <libsoup/soup.h>
#include <stdio.h>
#include <string.h>

#include "hy-bench.h"
#include "service/hy-service.h"
#include "store/hy-store-service.h"
#include "sync/hy-sync-engine.h"

/* The id of the simulator's first client, and of its site in *@out_site_id (a group's assets
 * go to a site). */
static gint64
first_client_id (const char *url, gint64 *out_site_id)
{
  g_autofree char *uri = g_strconcat (url, "/_sim/state", NULL);
  g_autoptr (SoupSession) http = soup_session_new ();
  g_autoptr (SoupMessage) msg = soup_message_new ("GET", uri);
  g_autoptr (GBytes) body = soup_session_send_and_read (http, msg, NULL, NULL);
  g_autoptr (JsonParser) parser = json_parser_new ();
  JsonArray *clients, *sites;
  gint64 client_id;

  g_assert_nonnull (body);
  g_assert_true (json_parser_load_from_data (parser, g_bytes_get_data (body, NULL),
                                             (gssize) g_bytes_get_size (body), NULL));
  clients = json_object_get_array_member (json_node_get_object (json_parser_get_root (parser)),
                                          "clients");
  sites =
      json_object_get_array_member (json_node_get_object (json_parser_get_root (parser)), "sites");
  client_id = json_object_get_int_member (json_array_get_object_element (clients, 0), "id");
  *out_site_id = 0;
  for (guint i = 0; i < json_array_get_length (sites) && *out_site_id == 0; i++)
    {
      JsonObject *site = json_array_get_object_element (sites, i);

      if (json_object_get_int_member (site, "client_id") == client_id)
        *out_site_id = json_object_get_int_member (site, "id");
    }
  g_assert_cmpint (*out_site_id, >, 0);
  return client_id;
}

/* The store serve delivers for: @profile, a company linked to the simulator's first client,
 * a group of @devices computers mapped to its site, a policy mapped to a ticket type. */
static void
set_up_store (HyStore *store, HyProfile *profile, guint devices)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (HyCompany) company = hy_company_new ();
  g_autoptr (HyGroup) group = hy_group_new ();
  g_autoptr (HyPolicy) policy = hy_policy_new ();
  gint64 client_id, site_id;

  g_assert_true (hy_store_set_profile (store, profile, &error));
  company->id = g_strdup ("c1");
  company->name = g_strdup ("Acme");
  g_assert_true (hy_store_upsert (store, HY_RECORD_KIND_COMPANY, company, NULL, &error));
  client_id = first_client_id (profile->url, &site_id);
  g_assert_true (hy_store_link_set (store, HY_RECORD_KIND_COMPANY, "c1", client_id, "Acme",
                                    HY_LINK_HOW_MANUAL, &error));
  group->id = g_strdup ("g1");
  group->name = g_strdup ("Servers");
  g_assert_true (hy_store_upsert (store, HY_RECORD_KIND_GROUP, group, NULL, &error));
  g_assert_true (hy_store_map_group (store, "g1", client_id, site_id, &error));
  g_assert_true (hy_store_begin (store, &error));
  for (guint d = 0; d < devices; d++)
    {
      g_autoptr (HyComputer) pc = hy_computer_new ();

      pc->id = g_strdup_printf ("pc%05u", d);
      pc->name = g_strdup_printf ("DEV-%05u", d);
      pc->company_id = g_strdup ("c1");
      pc->group_id = g_strdup ("g1");
      g_assert_true (hy_store_upsert (store, HY_RECORD_KIND_COMPUTER, pc, NULL, &error));
    }
  g_assert_true (hy_store_commit (store, &error));
  policy->id = g_strdup ("p1");
  policy->name = g_strdup ("Disk");
  g_assert_true (hy_store_upsert (store, HY_RECORD_KIND_POLICY, policy, NULL, &error));
  g_assert_true (hy_store_map_policy (store, "p1", 4, 0, &error));
  g_assert_no_error (error);
}

/* `halyard-cli serve` for @dir, once it has said it serves. */
static GSubprocess *
start_serve (const char *dir)
{
  g_autoptr (GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_NONE);
  g_autofree char *line = NULL;

  g_subprocess_launcher_setenv (launcher, "HALYARD_CLIENT_SECRET", "demo-secret", TRUE);
  return hy_bench_spawn (launcher,
                         (const char *const[]){ HY_CLI_BINARY, "--data-dir", dir, "--json", "serve",
                                                NULL },
                         &line);
}

static void
changed_cb (HyStore *store, guint changes, gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
}

/* The send time of the POST of alert @id's ticket, 0 while there is none. */
static gint64
ticket_post_time (HyStore *store, const char *id)
{
  g_autofree char *record = g_strconcat ("alert:", id, NULL);
  HyEventsQuery query = HY_EVENTS_QUERY_INIT;
  g_autoptr (GPtrArray) events = NULL;

  query.record = record;
  query.limit = 10;
  events = hy_store_events_list (store, &query, NULL);
  for (guint i = 0; events != NULL && i < events->len; i++)
    {
      HyEvent *event = g_ptr_array_index (events, i);

      if (g_strcmp0 (event->method, "POST") == 0 && g_str_has_prefix (event->path, "/api/Tickets"))
        return event->time;
    }
  return 0;
}

/* Idle: until serve's first sync is done. Saturated: until the bulk sync spends the budget. */
static void
wait_until_ready (HyStore *store, gboolean saturated)
{
  while (TRUE)
    {
      g_autoptr (GPtrArray) groups = hy_store_list_group_sync (store, TRUE, NULL);
      gint64 now = g_get_real_time ();

      if (!saturated && groups != NULL && groups->len == 1 &&
          ((HyGroupSync *) g_ptr_array_index (groups, 0))->state == HY_SYNC_STATE_SYNCED &&
          hy_store_outbox_count (store, HY_OUTBOX_STATE_PENDING, NULL) == 0)
        break;
      /* The first batch of assets went out: the bulk work now takes every request it may. */
      if (saturated && hy_store_outbox_count (store, HY_OUTBOX_STATE_DONE, NULL) >= 100 &&
          hy_store_rate_used (store, 2 * G_USEC_PER_SEC, now, NULL) > 0)
        break;
      g_main_context_iteration (NULL, TRUE);
    }
}

/* Records alert @i as `halyard-cli alert raise` does and waits, on the store's "changed"
 * signal (which sets *@changed), for serve's POST of its ticket; returns the latency in ms. */
static double
raise_and_wait (HySyncEngine *recorder, HyStore *store, guint i, gboolean *changed)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *id = g_strdup_printf ("a%u", i);
  g_autoptr (HySyncAlertResult) result = NULL;
  HySyncAlertInput input = { 0 };
  gint64 start, sent;

  input.id = id;
  input.computer_id = "pc00000";
  input.policy_id = "p1";
  input.summary = "C: is 95% full";
  start = g_get_real_time ();
  result = hy_sync_engine_raise_alert (recorder, &input, &error);
  g_assert_no_error (error);
  while ((sent = ticket_post_time (store, id)) == 0)
    {
      *changed = FALSE;
      while (!*changed)
        g_main_context_iteration (NULL, TRUE);
    }
  return (sent - start) / 1000.0;
}

static void
report (gboolean saturated, guint n_alerts, HyProfile *profile, GArray *latencies)
{
  g_array_sort (latencies, hy_bench_compare_doubles);
  printf ("%s: %u alerts, budget %u/%u s%s\n", saturated ? "saturated" : "idle", n_alerts,
          profile->rate_max, profile->rate_window,
          saturated ? ", serve's bulk sync of 20 000 devices running" : "");
  printf ("  median %.1f ms, p99 %.1f ms, max %.1f ms\n", hy_bench_percentile (latencies, 50),
          hy_bench_percentile (latencies, 99), hy_bench_percentile (latencies, 100));
  if (saturated)
    printf ("  (one request of the budget frees every %.0f ms on average)\n",
            1000.0 * profile->rate_window / profile->rate_max);
}

int
main (int argc, char **argv)
{
  gboolean saturated = argc > 1 && g_strcmp0 (argv[1], "saturated") == 0;
  guint n_alerts = argc > 2 ? (guint) g_ascii_strtoull (argv[2], NULL, 10) : saturated ? 30 : 1000;
  g_autoptr (GSubprocess) sim = NULL;
  g_autoptr (GSubprocess) serve = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = hy_bench_make_dir ("hy-bench-service-XXXXXX");
  g_autofree char *path = g_build_filename (dir, "halyard.db", NULL);
  g_autoptr (HyStore) store = NULL;
  g_autoptr (HyProfile) profile = hy_profile_new ();
  g_autoptr (HySyncEngine) recorder = NULL;
  g_autoptr (GArray) latencies = g_array_new (FALSE, FALSE, sizeof (double));
  gboolean changed = FALSE;

  sim = hy_bench_spawn_sim ((const char *const[]){ HY_SIM_BINARY, "--port", "0", "--clients", "1",
                                                   "--sites-per-client", "1", "--assets-per-client",
                                                   "0", "--agents", "2", NULL },
                            &profile->url);
  store = hy_store_open (path, &error);
  g_assert_no_error (error);
  profile->tenant = g_strdup ("demo");
  profile->client_id = g_strdup ("halyard-demo");
  profile->enabled = TRUE;
  /* Idle: a budget the alerts never reach. Saturated: a small one the bulk sync spends. */
  profile->rate_max = saturated ? 20 : 100000;
  profile->rate_window = saturated ? 2 : 300;
  set_up_store (store, profile, saturated ? 20000 : 10);

  serve = start_serve (dir);
  g_signal_connect (store, "changed", G_CALLBACK (changed_cb), &changed);
  wait_until_ready (store, saturated);

  recorder = hy_sync_engine_new (store, NULL);
  for (guint i = 0; i < n_alerts; i++)
    {
      double ms = raise_and_wait (recorder, store, i, &changed);

      g_array_append_val (latencies, ms);
      if ((i + 1) % 100 == 0)
        fprintf (stderr, "%u alerts…\n", i + 1);
    }
  report (saturated, n_alerts, profile, latencies);

  hy_bench_stop (serve);
  hy_bench_stop (sim);
  g_clear_object (&recorder);
  g_clear_object (&store);
  hy_bench_remove_tree (dir);
  return 0;
}
