/* main.c — halyard-sim: run the HaloPSA simulator on 127.0.0.1 until SIGINT/SIGTERM
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "hy-sim"

#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include <glib-unix.h>
#include <sys/prctl.h>

#include "hy-sim.h"

static gboolean
quit_cb (gpointer user_data)
{
  g_main_loop_quit (user_data);
  return G_SOURCE_REMOVE;
}

int
main (int argc, char *argv[])
{
  g_autoptr (GOptionContext) context = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (HySim) sim = NULL;
  g_autoptr (GMainLoop) loop = NULL;
  HySimGenerateOptions generate;
  g_autofree char *seed_file = NULL;
  g_autofree char *client_id = NULL;
  g_autofree char *client_secret = NULL;
  g_autofree char *tenant = NULL;
  g_autofree char *scopes = NULL;
  int port = 0;
  int clients = -1;
  int sites_per_client = -1;
  int assets_per_client = -1;
  int agents = -1;
  gint64 seed = -1;
  int rate_limit = 0;
  int rate_window_ms = 300000;
  int latency_ms = 0;
  int page_cap = 100;
  int asset_page_cap = 0;
  int token_lifetime = 3600;
  gboolean require_tenant = FALSE;
  gboolean retry_after = FALSE;
  gboolean ignore_returnall = FALSE;
  g_autofree char *lenient_text = NULL;
  HySimLenient lenient = HY_SIM_LENIENT_NONE;
  double server_errors = 0.0;
  int error_after_commit = 0;
  int error_after_commit_status = 500;
  GOptionEntry entries[] = {
    { "port", 'p', 0, G_OPTION_ARG_INT, &port, "Port on 127.0.0.1 (0 = any free port)", "N" },
    { "seed-file", 0, 0, G_OPTION_ARG_FILENAME, &seed_file,
      "Load the records from a JSON file with the keys of /_sim/state", "FILE" },
    { "clients", 0, 0, G_OPTION_ARG_INT, &clients, "Generated clients (default 20)", "N" },
    { "sites-per-client", 0, 0, G_OPTION_ARG_INT, &sites_per_client,
      "Generated sites per client (default 2)", "N" },
    { "assets-per-client", 0, 0, G_OPTION_ARG_INT, &assets_per_client,
      "Generated assets per client (default 10)", "N" },
    { "agents", 0, 0, G_OPTION_ARG_INT, &agents,
      "Generated agents, one of them API-only (default 5)", "N" },
    { "seed", 0, 0, G_OPTION_ARG_INT64, &seed, "Generator seed (default 1)", "N" },
    { "client-id", 0, 0, G_OPTION_ARG_STRING, &client_id,
      "Accepted Client ID (default halyard-demo)", "ID" },
    { "client-secret", 0, 0, G_OPTION_ARG_STRING, &client_secret,
      "Accepted client secret (default demo-secret)", "S" },
    { "tenant", 0, 0, G_OPTION_ARG_STRING, &tenant, "Tenant name (default demo)", "T" },
    { "require-tenant", 0, 0, G_OPTION_ARG_NONE, &require_tenant,
      "Refuse token requests without ?tenant=", NULL },
    { "scopes", 0, 0, G_OPTION_ARG_STRING, &scopes,
      "Scopes granted to the application, space-separated (default all)", "S" },
    { "rate-limit", 0, 0, G_OPTION_ARG_INT, &rate_limit,
      "Requests allowed per rolling window (0 = no limit)", "N" },
    { "rate-window-ms", 0, 0, G_OPTION_ARG_INT, &rate_window_ms,
      "Rolling window of the rate limit in ms (default 300000)", "N" },
    { "retry-after", 0, 0, G_OPTION_ARG_NONE, &retry_after,
      "Send Retry-After with 429 (Halo sends none)", NULL },
    { "latency-ms", 0, 0, G_OPTION_ARG_INT, &latency_ms, "Delay every answer by N ms", "N" },
    { "server-errors", 0, 0, G_OPTION_ARG_DOUBLE, &server_errors,
      "Fraction of /api requests answered 500 or 502 (0 to 1)", "F" },
    { "error-after-commit", 0, 0, G_OPTION_ARG_INT, &error_after_commit,
      "Save every Nth creating POST, then answer it with an error (0 = never)", "N" },
    { "error-after-commit-status", 0, 0, G_OPTION_ARG_INT, &error_after_commit_status,
      "The status of --error-after-commit (default 500; 502 and 503 too)", "S" },
    { "page-cap", 0, 0, G_OPTION_ARG_INT, &page_cap, "Largest page served (default 100)", "N" },
    { "asset-page-cap", 0, 0, G_OPTION_ARG_INT, &asset_page_cap,
      "Largest page of assets served, as some tenants cap at 50 (default: the page cap)", "N" },
    { "token-lifetime", 0, 0, G_OPTION_ARG_INT, &token_lifetime,
      "Token lifetime in seconds (default 3600)", "S" },
    { "ignore-returnall", 0, 0, G_OPTION_ARG_NONE, &ignore_returnall,
      "Answer a multi-item POST with its last record even with ?returnall=true", NULL },
    { "lenient", 0, 0, G_OPTION_ARG_STRING, &lenient_text,
      "Friendlier than Halo where it is uncertain, comma-separated: who_agentid (default none)",
      "LIST" },
    { NULL }
  };

  /* It holds the client secret it accepts: never in a core dump */
  prctl (PR_SET_DUMPABLE, 0, 0, 0, 0);

  context = g_option_context_new (NULL);
  g_option_context_set_summary (context,
                                "A HaloPSA simulator for Halyard's tests, benchmarks and demo.\n"
                                "Listens on 127.0.0.1 only; GET /_sim/state shows every record.");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("halyard-sim: %s\n", error->message);
      return EXIT_FAILURE;
    }

  if (port < 0 || port > 65535 || clients < -1 || sites_per_client < -1 || assets_per_client < -1 ||
      agents < -1 || rate_limit < 0 || rate_window_ms <= 0 || latency_ms < 0 ||
      server_errors < 0.0 || server_errors > 1.0 || page_cap <= 0 || token_lifetime < 0 ||
      seed < -1 || seed > G_MAXUINT32 || error_after_commit < 0 ||
      error_after_commit_status < 400 || error_after_commit_status > 599)
    {
      g_printerr ("halyard-sim: invalid value: counts must not be negative, --rate-window-ms and "
                  "--page-cap must be positive, --port at most 65535, --seed at most 4294967295, "
                  "--server-errors between 0 and 1, --error-after-commit-status between 400 and "
                  "599\n");
      return EXIT_FAILURE;
    }

  if (!hy_sim_lenient_parse (lenient_text, &lenient, &error))
    {
      g_printerr ("halyard-sim: --lenient: %s\n", error->message);
      return EXIT_FAILURE;
    }

  sim = hy_sim_new ();

  if (seed_file != NULL)
    {
      if (!hy_sim_load_seed_file (sim, seed_file, &error))
        {
          g_printerr ("halyard-sim: %s\n", error->message);
          return EXIT_FAILURE;
        }
    }
  else
    {
      hy_sim_generate_options_init (&generate);
      if (clients >= 0)
        generate.clients = clients;
      if (sites_per_client >= 0)
        generate.sites_per_client = sites_per_client;
      if (assets_per_client >= 0)
        generate.assets_per_client = assets_per_client;
      if (agents >= 0)
        generate.agents = agents;
      if (seed >= 0)
        generate.seed = (guint32) seed;
      hy_sim_generate (sim, &generate);
    }

  hy_sim_set_credentials (sim, client_id ? client_id : "halyard-demo",
                          client_secret ? client_secret : "demo-secret", tenant ? tenant : "demo");
  hy_sim_set_require_tenant (sim, require_tenant);
  if (scopes != NULL)
    hy_sim_set_granted_scopes (sim, scopes);
  hy_sim_set_rate_limit (sim, rate_limit, rate_window_ms, retry_after);
  hy_sim_set_latency (sim, latency_ms);
  hy_sim_set_server_errors (sim, server_errors, 1);
  hy_sim_set_page_cap (sim, page_cap);
  hy_sim_set_asset_page_cap (sim, (guint) MAX (asset_page_cap, 0));
  hy_sim_set_token_lifetime (sim, token_lifetime);
  hy_sim_set_ignore_returnall (sim, ignore_returnall);
  hy_sim_set_error_after_commit (sim, error_after_commit, error_after_commit_status);
  hy_sim_set_lenient (sim, lenient);

  if (!hy_sim_start (sim, (guint16) port, &error))
    {
      g_printerr ("halyard-sim: %s\n", error->message);
      return EXIT_FAILURE;
    }

  loop = g_main_loop_new (NULL, FALSE);
  g_unix_signal_add (SIGINT, quit_cb, loop);
  g_unix_signal_add (SIGTERM, quit_cb, loop);

  printf ("halyard-sim listening on %s\n", hy_sim_get_base_url (sim));
  fflush (stdout);

  g_main_loop_run (loop);
  hy_sim_stop (sim);

  return EXIT_SUCCESS;
}
