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

/* The command line, with its defaults */
static struct
{
  char *seed_file;
  char *client_id;
  char *client_secret;
  char *tenant;
  char *scopes;
  int port;
  int clients;
  int sites_per_client;
  int assets_per_client;
  int agents;
  gint64 seed;
  int rate_limit;
  int rate_window_ms;
  int latency_ms;
  int page_cap;
  int asset_page_cap;
  int token_lifetime;
  gboolean require_tenant;
  gboolean retry_after;
  gboolean ignore_returnall;
  char *lenient_text;
  double server_errors;
  int error_after_commit;
  int error_after_commit_status;
} opt = {
  .clients = -1,
  .sites_per_client = -1,
  .assets_per_client = -1,
  .agents = -1,
  .seed = -1,
  .rate_window_ms = 300000,
  .page_cap = 100,
  .token_lifetime = 3600,
  .error_after_commit_status = 500,
};

static const GOptionEntry entries[] = {
  { "port", 'p', 0, G_OPTION_ARG_INT, &opt.port, "Port on 127.0.0.1 (0 = any free port)", "N" },
  { "seed-file", 0, 0, G_OPTION_ARG_FILENAME, &opt.seed_file,
    "Load the records from a JSON file with the keys of /_sim/state", "FILE" },
  { "clients", 0, 0, G_OPTION_ARG_INT, &opt.clients, "Generated clients (default 20)", "N" },
  { "sites-per-client", 0, 0, G_OPTION_ARG_INT, &opt.sites_per_client,
    "Generated sites per client (default 2)", "N" },
  { "assets-per-client", 0, 0, G_OPTION_ARG_INT, &opt.assets_per_client,
    "Generated assets per client (default 10)", "N" },
  { "agents", 0, 0, G_OPTION_ARG_INT, &opt.agents,
    "Generated agents, one of them API-only (default 5)", "N" },
  { "seed", 0, 0, G_OPTION_ARG_INT64, &opt.seed, "Generator seed (default 1)", "N" },
  { "client-id", 0, 0, G_OPTION_ARG_STRING, &opt.client_id,
    "Accepted Client ID (default halyard-demo)", "ID" },
  { "client-secret", 0, 0, G_OPTION_ARG_STRING, &opt.client_secret,
    "Accepted client secret (default demo-secret)", "S" },
  { "tenant", 0, 0, G_OPTION_ARG_STRING, &opt.tenant, "Tenant name (default demo)", "T" },
  { "require-tenant", 0, 0, G_OPTION_ARG_NONE, &opt.require_tenant,
    "Refuse token requests without ?tenant=", NULL },
  { "scopes", 0, 0, G_OPTION_ARG_STRING, &opt.scopes,
    "Scopes granted to the application, space-separated (default all)", "S" },
  { "rate-limit", 0, 0, G_OPTION_ARG_INT, &opt.rate_limit,
    "Requests allowed per rolling window (0 = no limit)", "N" },
  { "rate-window-ms", 0, 0, G_OPTION_ARG_INT, &opt.rate_window_ms,
    "Rolling window of the rate limit in ms (default 300000)", "N" },
  { "retry-after", 0, 0, G_OPTION_ARG_NONE, &opt.retry_after,
    "Send Retry-After with 429 (Halo sends none)", NULL },
  { "latency-ms", 0, 0, G_OPTION_ARG_INT, &opt.latency_ms, "Delay every answer by N ms", "N" },
  { "server-errors", 0, 0, G_OPTION_ARG_DOUBLE, &opt.server_errors,
    "Fraction of /api requests answered 500 or 502 (0 to 1)", "F" },
  { "error-after-commit", 0, 0, G_OPTION_ARG_INT, &opt.error_after_commit,
    "Save every Nth creating POST, then answer it with an error (0 = never)", "N" },
  { "error-after-commit-status", 0, 0, G_OPTION_ARG_INT, &opt.error_after_commit_status,
    "The status of --error-after-commit (default 500; 502 and 503 too)", "S" },
  { "page-cap", 0, 0, G_OPTION_ARG_INT, &opt.page_cap, "Largest page served (default 100)", "N" },
  { "asset-page-cap", 0, 0, G_OPTION_ARG_INT, &opt.asset_page_cap,
    "Largest page of assets served, as some tenants cap at 50 (default: the page cap)", "N" },
  { "token-lifetime", 0, 0, G_OPTION_ARG_INT, &opt.token_lifetime,
    "Token lifetime in seconds (default 3600)", "S" },
  { "ignore-returnall", 0, 0, G_OPTION_ARG_NONE, &opt.ignore_returnall,
    "Answer a multi-item POST with its last record even with ?returnall=true", NULL },
  { "lenient", 0, 0, G_OPTION_ARG_STRING, &opt.lenient_text,
    "Friendlier than Halo where it is uncertain, comma-separated: who_agentid (default none)",
    "LIST" },
  { NULL }
};

static gboolean
options_valid (void)
{
  return !(opt.port < 0 || opt.port > 65535 || opt.clients < -1 || opt.sites_per_client < -1 ||
           opt.assets_per_client < -1 || opt.agents < -1 || opt.rate_limit < 0 ||
           opt.rate_window_ms <= 0 || opt.latency_ms < 0 || opt.server_errors < 0.0 ||
           opt.server_errors > 1.0 || opt.page_cap <= 0 || opt.token_lifetime < 0 ||
           opt.seed < -1 || opt.seed > G_MAXUINT32 || opt.error_after_commit < 0 ||
           opt.error_after_commit_status < 400 || opt.error_after_commit_status > 599);
}

/* The records: the seed file's, or generated */
static gboolean
load_records (HySim *sim, GError **error)
{
  HySimGenerateOptions generate;

  if (opt.seed_file != NULL)
    return hy_sim_load_seed_file (sim, opt.seed_file, error);

  hy_sim_generate_options_init (&generate);
  if (opt.clients >= 0)
    generate.clients = opt.clients;
  if (opt.sites_per_client >= 0)
    generate.sites_per_client = opt.sites_per_client;
  if (opt.assets_per_client >= 0)
    generate.assets_per_client = opt.assets_per_client;
  if (opt.agents >= 0)
    generate.agents = opt.agents;
  if (opt.seed >= 0)
    generate.seed = (guint32) opt.seed;
  hy_sim_generate (sim, &generate);
  return TRUE;
}

/* Credentials, scopes and faults from the command line */
static void
configure (HySim *sim, HySimLenient lenient)
{
  hy_sim_set_credentials (sim, opt.client_id ? opt.client_id : "halyard-demo",
                          opt.client_secret ? opt.client_secret : "demo-secret",
                          opt.tenant ? opt.tenant : "demo");
  hy_sim_set_require_tenant (sim, opt.require_tenant);
  if (opt.scopes != NULL)
    hy_sim_set_granted_scopes (sim, opt.scopes);
  hy_sim_set_rate_limit (sim, opt.rate_limit, opt.rate_window_ms, opt.retry_after);
  hy_sim_set_latency (sim, opt.latency_ms);
  hy_sim_set_server_errors (sim, opt.server_errors, 1);
  hy_sim_set_page_cap (sim, opt.page_cap);
  hy_sim_set_asset_page_cap (sim, (guint) MAX (opt.asset_page_cap, 0));
  hy_sim_set_token_lifetime (sim, opt.token_lifetime);
  hy_sim_set_ignore_returnall (sim, opt.ignore_returnall);
  hy_sim_set_error_after_commit (sim, opt.error_after_commit, opt.error_after_commit_status);
  hy_sim_set_lenient (sim, lenient);
}

int
main (int argc, char *argv[])
{
  g_autoptr (GOptionContext) context = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (HySim) sim = NULL;
  g_autoptr (GMainLoop) loop = NULL;
  HySimLenient lenient = HY_SIM_LENIENT_NONE;

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

  if (!options_valid ())
    {
      g_printerr ("halyard-sim: invalid value: counts must not be negative, --rate-window-ms and "
                  "--page-cap must be positive, --port at most 65535, --seed at most 4294967295, "
                  "--server-errors between 0 and 1, --error-after-commit-status between 400 and "
                  "599\n");
      return EXIT_FAILURE;
    }

  if (!hy_sim_lenient_parse (opt.lenient_text, &lenient, &error))
    {
      g_printerr ("halyard-sim: --lenient: %s\n", error->message);
      return EXIT_FAILURE;
    }

  sim = hy_sim_new ();
  if (!load_records (sim, &error))
    {
      g_printerr ("halyard-sim: %s\n", error->message);
      return EXIT_FAILURE;
    }
  configure (sim, lenient);

  if (!hy_sim_start (sim, (guint16) opt.port, &error))
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
