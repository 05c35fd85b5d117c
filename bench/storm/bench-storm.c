/* bench-storm.c: an outage raises 1 000 alerts on 1 000 devices of 20 sites within a minute:
 * the time until every alert has its ticket in Halo, and the requests it took, under Halo's
 * hosted budget (300 requests per rolling 5 minutes).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Halo is halyard-sim in this process, with 20 clients of one site each and its rate limiter at
 * Halo's hosted 300 requests per 300 s (the client's own budget the same). The store holds 20
 * companies linked to them, a group per company mapped to its client and site, 50 devices per
 * group, and one policy mapped to a ticket type. The engine delivers on its own, as the service
 * does, while the alerts are raised evenly over --spread seconds (one per device).
 *
 * Usage: bench-storm [--alerts N] [--clients N] [--spread SECONDS] [--ignore-returnall]
 *                    [--no-budget]
 */

#include "config.h"

#include <stdio.h>

#include "hy-bench.h"
#include "hy-sim.h"
#include "store/hy-store.h"
#include "sync/hy-sync-engine.h"

static int n_alerts = 1000;
static int n_clients = 20;
static double spread_s = 60;
static gboolean ignore_returnall = FALSE;
static gboolean no_budget = FALSE;

typedef struct
{
  HyStore *store;
  HySyncEngine *engine;
  int raised;
  gint64 started;
  gint64 last_raised;
  gint64 done;
} Bench;

static gboolean
raise_next_cb (gpointer user_data)
{
  Bench *b = user_data;
  g_autofree char *id = g_strdup_printf ("storm-%d", b->raised);
  g_autofree char *computer = g_strdup_printf ("pc%d", b->raised);
  g_autofree char *summary = g_strdup_printf ("Host unreachable (%d)", b->raised);
  g_autoptr (GError) error = NULL;
  HySyncAlertInput input = { .id = id,
                             .computer_id = computer,
                             .policy_id = "p-down",
                             .summary = summary,
                             .details = "No answer to ping for 5 minutes",
                             .severity = "critical" };
  g_autoptr (HySyncAlertResult) result = hy_sync_engine_raise_alert (b->engine, &input, &error);

  if (result == NULL)
    g_error ("%s (%s %d)", error->message, g_quark_to_string (error->domain), error->code);
  b->raised++;
  if (b->raised < n_alerts)
    return G_SOURCE_CONTINUE;
  b->last_raised = g_get_monotonic_time ();
  return G_SOURCE_REMOVE;
}

static gboolean
check_done_cb (gpointer user_data)
{
  Bench *b = user_data;

  if (b->raised < n_alerts || b->done > 0)
    return G_SOURCE_CONTINUE;
  if (hy_store_outbox_count (b->store, HY_OUTBOX_STATE_PENDING, NULL) +
          hy_store_outbox_count (b->store, HY_OUTBOX_STATE_INFLIGHT, NULL) >
      0)
    return G_SOURCE_CONTINUE;
  b->done = g_get_monotonic_time ();
  return G_SOURCE_REMOVE;
}

static void
fill_store (HyStore *store, JsonNode *state, const char *url)
{
  g_autoptr (HyProfile) profile = hy_profile_new ();
  g_autoptr (GError) error = NULL;
  JsonArray *clients = json_object_get_array_member (json_node_get_object (state), "clients");
  JsonArray *types = json_object_get_array_member (json_node_get_object (state), "ticket_types");
  g_autoptr (GPtrArray) cached =
      g_ptr_array_new_with_free_func ((GDestroyNotify) hy_cache_record_free);

  profile->url = g_strdup (url);
  profile->tenant = g_strdup ("demo");
  profile->client_id = g_strdup ("halyard-demo");
  profile->enabled = TRUE;
  if (!hy_store_set_profile (store, profile, &error) || !hy_store_begin (store, &error))
    g_error ("%s", error->message);
  for (guint i = 0; i < json_array_get_length (types); i++)
    {
      JsonObject *t = json_array_get_object_element (types, i);
      g_ptr_array_add (cached, hy_cache_record_new (HY_CACHE_KIND_TICKET_TYPE,
                                                    json_object_get_int_member (t, "id"),
                                                    json_object_get_string_member (t, "name")));
    }
  hy_store_cache_replace (store, HY_CACHE_KIND_TICKET_TYPE, cached, NULL);
  for (int c = 0; c < n_clients; c++)
    {
      JsonObject *client = json_array_get_object_element (clients, c);
      gint64 client_id = json_object_get_int_member (client, "id");
      gint64 site_id = json_object_get_int_member (client, "main_site_id");
      g_autoptr (HyCompany) company = hy_company_new ();
      g_autoptr (HyGroup) group = hy_group_new ();

      company->id = g_strdup_printf ("c%d", c);
      company->name = g_strdup (json_object_get_string_member (client, "name"));
      group->id = g_strdup_printf ("g%d", c);
      group->name = g_strdup_printf ("Site %d devices", c);
      if (!hy_store_upsert (store, HY_RECORD_KIND_COMPANY, company, NULL, &error) ||
          !hy_store_link_set (store, HY_RECORD_KIND_COMPANY, company->id, client_id, company->name,
                              HY_LINK_HOW_MANUAL, &error) ||
          !hy_store_upsert (store, HY_RECORD_KIND_GROUP, group, NULL, &error) ||
          !hy_store_map_group (store, group->id, client_id, site_id, &error))
        g_error ("%s", error->message);
    }
  for (int i = 0; i < n_alerts; i++)
    {
      g_autoptr (HyComputer) pc = hy_computer_new ();

      pc->id = g_strdup_printf ("pc%d", i);
      pc->name = g_strdup_printf ("SITE%02d-DEV%03d", i % n_clients, i / n_clients);
      pc->company_id = g_strdup_printf ("c%d", i % n_clients);
      pc->group_id = g_strdup_printf ("g%d", i % n_clients);
      if (!hy_store_upsert (store, HY_RECORD_KIND_COMPUTER, pc, NULL, &error))
        g_error ("%s", error->message);
    }
  {
    g_autoptr (HyPolicy) policy = hy_policy_new ();

    policy->id = g_strdup ("p-down");
    policy->name = g_strdup ("Host down");
    if (!hy_store_upsert (store, HY_RECORD_KIND_POLICY, policy, NULL, &error) ||
        !hy_store_map_policy (store, "p-down", 4, 9, &error))
      g_error ("%s", error->message);
  }
  if (!hy_store_commit (store, &error))
    g_error ("%s", error->message);
}

/* Every alert delivered, each with a ticket of its own, and as many tickets in Halo. */
static void
check_result (HyStore *store, HySim *sim)
{
  HyStoreQuery query = HY_STORE_QUERY_INIT;
  g_autoptr (GPtrArray) alerts = hy_store_list (store, HY_RECORD_KIND_ALERT, &query, NULL);
  g_autoptr (GHashTable) tickets = g_hash_table_new (g_int64_hash, g_int64_equal);
  g_autoptr (JsonNode) state = hy_sim_dump_state (sim);
  guint in_halo = json_array_get_length (
      json_object_get_array_member (json_node_get_object (state), "tickets"));

  for (guint i = 0; i < alerts->len; i++)
    {
      HyAlert *alert = g_ptr_array_index (alerts, i);

      if (alert->state != HY_ALERT_STATE_DELIVERED || alert->ticket_id <= 0)
        g_error ("alert %s was not delivered", alert->id);
      if (g_hash_table_contains (tickets, &alert->ticket_id))
        g_error ("ticket %" G_GINT64_FORMAT " is two alerts'", alert->ticket_id);
      g_hash_table_add (tickets, &alert->ticket_id);
    }
  if ((int) alerts->len != n_alerts || (int) in_halo != n_alerts)
    g_error ("%u alerts, %u tickets in Halo, for %d raised", alerts->len, in_halo, n_alerts);
}

int
main (int argc, char **argv)
{
  const GOptionEntry entries[] = {
    { "alerts", 0, 0, G_OPTION_ARG_INT, &n_alerts, "Alerts (one per device)", "N" },
    { "clients", 0, 0, G_OPTION_ARG_INT, &n_clients, "Halo clients (one site each)", "N" },
    { "spread", 0, 0, G_OPTION_ARG_DOUBLE, &spread_s, "Seconds the alerts come in over", "S" },
    { "ignore-returnall", 0, 0, G_OPTION_ARG_NONE, &ignore_returnall,
      "Halo answers a batch with its last ticket only", NULL },
    { "no-budget", 0, 0, G_OPTION_ARG_NONE, &no_budget,
      "No rate limit (to count the requests of a run that would take longer)", NULL },
    { NULL },
  };
  g_autoptr (GOptionContext) context = g_option_context_new (NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (HySim) sim = hy_sim_new ();
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  g_autoptr (HyStore) store = NULL;
  g_autoptr (HyHaloClient) client = NULL;
  g_autoptr (HySyncEngine) engine = NULL;
  g_autoptr (JsonNode) state = NULL;
  HySimGenerateOptions options;
  Bench b = { 0 };
  guint interval_ms;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    g_error ("%s", error->message);
  g_setenv ("GIO_USE_PROXY_RESOLVER", "dummy", TRUE);

  hy_sim_generate_options_init (&options);
  options.clients = n_clients;
  options.sites_per_client = 1;
  options.assets_per_client = 0;
  options.agents = 2;
  hy_sim_generate (sim, &options);
  hy_sim_set_ignore_returnall (sim, ignore_returnall);
  if (!no_budget)
    hy_sim_set_rate_limit (sim, 300, 300000, FALSE);
  if (!hy_sim_start (sim, 0, &error))
    g_error ("%s", error->message);
  state = hy_sim_dump_state (sim);

  dir = hy_bench_make_dir ("bench-storm-XXXXXX");
  path = g_build_filename (dir, "halyard.db", NULL);
  store = hy_store_open (path, &error);
  if (store == NULL)
    g_error ("%s", error->message);
  fill_store (store, state, hy_sim_get_base_url (sim));

  client = hy_halo_client_new (hy_sim_get_base_url (sim), "demo", "halyard-demo", "demo-secret",
                               "all", &error);
  if (client == NULL)
    g_error ("%s", error->message);
  if (no_budget)
    hy_halo_client_set_rate_limit (client, 100000, 300000);
  engine = hy_sync_engine_new (store, client);
  hy_sync_engine_set_auto_deliver (engine, TRUE);
  hy_sim_reset_counters (sim);

  b.store = store;
  b.engine = engine;
  b.started = g_get_monotonic_time ();
  interval_ms = MAX (1u, (guint) (spread_s * 1000 / MAX (n_alerts, 1)));
  g_timeout_add (interval_ms, raise_next_cb, &b);
  g_timeout_add (50, check_done_cb, &b);
  while (b.done == 0)
    g_main_context_iteration (NULL, TRUE);

  check_result (store, sim);
  printf ("%d alerts on %d devices of %d sites, raised over %.0f s%s\n", n_alerts, n_alerts,
          n_clients, spread_s, ignore_returnall ? ", Halo ignoring returnall" : "");
  printf ("every alert's ticket in Halo after %.1f s (%.1f s after the last alert)\n",
          (b.done - b.started) / 1e6, (b.done - b.last_raised) / 1e6);
  printf ("requests to Halo: %u (sign-in included); POST /api/Tickets: %u; GET /api/Tickets: %u\n",
          hy_sim_get_request_count (sim), hy_sim_count_requests (sim, "POST", "/api/tickets"),
          hy_sim_count_requests (sim, "GET", "/api/tickets"));

  g_clear_object (&engine);
  hy_sim_stop (sim);
  g_clear_object (&store);
  hy_bench_remove_tree (dir);
  return 0;
}
