/* hy-cli-connect.c: `connect` and `test`
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "hy-cli"

#include "config.h"

#include <glib/gi18n.h>

#include "credentials/hy-credentials.h"
#include "preflight/hy-preflight.h"

#include "hy-cli-commands.h"
#include "hy-cli-session.h"

/* ------------------------------------------------------------------------- */
/* Shared                                                                    */
/* ------------------------------------------------------------------------- */

HySession *
hy_cli_open_session (HyCli *cli, int *exit_status)
{
  g_autoptr (HySession) session = NULL;
  g_autoptr (GError) error = NULL;
  char *secret;

  session = hy_session_open (cli->data_dir, &error);
  if (session == NULL)
    {
      *exit_status = hy_cli_fail (cli, error);
      return NULL;
    }

  secret = hy_cli_read_secret (cli, FALSE, &error);
  if (error != NULL)
    {
      *exit_status = hy_cli_fail (cli, error);
      return NULL;
    }
  if (secret != NULL)
    {
      hy_session_set_secret (session, secret);
      hy_credentials_secret_free (secret);
    }
  if (cli->store == NULL)
    cli->store = g_object_ref (G_OBJECT (hy_session_get_store (session)));

  return g_steal_pointer (&session);
}

HyHaloClient *
hy_cli_get_client (HyCli *cli, HySession *session, int *exit_status)
{
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;
  HyHaloClient *client;

  hy_session_get_client_async (session, NULL, hy_cli_result_cb, &result);
  client = hy_session_get_client_finish (session, hy_cli_wait (&result), &error);
  if (client == NULL)
    *exit_status = hy_cli_fail (cli, error);
  else
    hy_halo_client_set_max_wait (client, hy_cli_get_max_wait_ms ());

  return client;
}

static const char *
status_label (HyPreflightStatus status)
{
  switch (status)
    {
      case HY_PREFLIGHT_PASSED:
        /* Translators: a check's status in `halyard-cli test`; keep the three the same width */
        return C_ ("check", "passed  ");
      case HY_PREFLIGHT_FAILED:
        /* Translators: a check's status in `halyard-cli test`; keep the three the same width */
        return C_ ("check", "FAILED  ");
      case HY_PREFLIGHT_UNPROVEN:
      default:
        /* Translators: a check's status in `halyard-cli test`; keep the three the same width */
        return C_ ("check", "unproven");
    }
}

/* Prints the pre-flight result and returns 0, or 1 when a check failed; @failed_hint, when
 * given, replaces the closing advice for a failed result. */
static int
report_preflight (HyCli *cli, HyPreflightResult *result, const char *failed_hint)
{
  gboolean ok = hy_preflight_result_get_ok (result);

  if (cli->json)
    {
      g_autoptr (JsonNode) node = hy_preflight_result_to_json (result);

      hy_cli_print_json (cli, node);
    }
  else
    {
      const char *agent = hy_preflight_result_get_agent_name (result);
      guint n = hy_preflight_result_get_n_checks (result);

      if (agent != NULL)
        /* Translators: %s is a Halo agent's name, %lld its id */
        hy_cli_print (cli, _ ("Halyard acts in Halo as the agent “%s” (id %lld)."), agent,
                      (long long) hy_preflight_result_get_agent_id (result));

      for (guint i = 0; i < n; i++)
        {
          const HyPreflightCheck *check = hy_preflight_result_get_check (result, i);

          hy_cli_print (cli, "[%s] %s", status_label (check->status), check->message);
          if (check->fix != NULL)
            {
              if (check->status == HY_PREFLIGHT_FAILED)
                /* Translators: what to change in Halo for a failed check; %s is the fix */
                hy_cli_print (cli, _ ("           Fix: %s"), check->fix);
              else
                /* Translators: what would prove an unproven check; %s explains it */
                hy_cli_print (cli, _ ("           To prove it: %s"), check->fix);
            }
        }

      if (ok)
        hy_cli_print (cli, _ ("The connection works."));
      else if (failed_hint != NULL)
        hy_cli_print (cli, "%s", failed_hint);
      else
        hy_cli_print (cli, _ ("The connection does not work yet: apply the fixes above in Halo, "
                              "then run “halyard-cli test” again."));
    }

  return ok ? HY_CLI_EXIT_OK : HY_CLI_EXIT_FAILED;
}

static int
run_preflight (HyCli *cli, HySession *session)
{
  g_autoptr (HyHaloClient) client = NULL;
  g_autoptr (HyPreflightResult) result = NULL;
  g_autoptr (GAsyncResult) async_result = NULL;
  g_autoptr (GError) error = NULL;
  int status;

  client = hy_cli_get_client (cli, session, &status);
  if (client == NULL)
    return status;

  hy_preflight_run_async (client, NULL, hy_cli_result_cb, &async_result);
  result = hy_preflight_run_finish (hy_cli_wait (&async_result), &error);
  if (result == NULL)
    return hy_cli_fail (cli, error);

  return report_preflight (cli, result, NULL);
}

/* ------------------------------------------------------------------------- */
/* connect                                                                   */
/* ------------------------------------------------------------------------- */

/* "N/SECONDS", both whole numbers above zero. */
static gboolean
parse_rate_limit (const char *text, guint *out_max, guint *out_window)
{
  g_auto (GStrv) parts = g_strsplit (text, "/", -1);
  guint64 max, window;

  if (g_strv_length (parts) != 2 ||
      !g_ascii_string_to_unsigned (g_strstrip (parts[0]), 10, 1, G_MAXINT32, &max, NULL) ||
      !g_ascii_string_to_unsigned (g_strstrip (parts[1]), 10, 1, G_MAXINT32 / 1000, &window, NULL))
    return FALSE;
  *out_max = (guint) max;
  *out_window = (guint) window;
  return TRUE;
}

/* connect's options as given. */
typedef struct
{
  char *url;
  char *tenant;
  char *client_id;
  char *scope;
  char *rate_limit;
  char *refresh_interval;
  gboolean secret_stdin;
  gboolean no_keyring;
} ConnectOptions;

static void
connect_options_clear (ConnectOptions *options)
{
  g_free (options->url);
  g_free (options->tenant);
  g_free (options->client_id);
  g_free (options->scope);
  g_free (options->rate_limit);
  g_free (options->refresh_interval);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (ConnectOptions, connect_options_clear)

/* The values to connect with, and the flags, from the options; NULL after saying what is wrong
 * (*@out_status is then the exit status). */
static HyProfile *
connect_values_new (HyCli *cli,
                    ConnectOptions *options,
                    HySessionConnectFlags *out_flags,
                    int *out_status)
{
  g_autoptr (HyProfile) values = hy_profile_new ();
  g_autoptr (GError) error = NULL;
  guint rate_max = 0, rate_window = 0;
  gint64 refresh_minutes = -1;

  *out_flags = options->no_keyring ? HY_SESSION_CONNECT_NO_KEYRING : HY_SESSION_CONNECT_NONE;
  if (options->url == NULL || *options->url == '\0')
    *out_status = hy_cli_fail_usage (cli, _ ("--url is required"));
  else if (options->client_id == NULL || *g_strstrip (options->client_id) == '\0')
    *out_status = hy_cli_fail_usage (cli, _ ("--client-id is required"));
  else if (options->rate_limit != NULL &&
           !parse_rate_limit (options->rate_limit, &rate_max, &rate_window))
    *out_status = hy_cli_fail_usage (cli, _ ("--rate-limit takes N/SECONDS, two whole numbers "
                                             "above zero, for example 300/300"));
  else if (options->refresh_interval != NULL &&
           !hy_cli_parse_int (options->refresh_interval, "--refresh-interval", &refresh_minutes,
                              &error))
    *out_status = hy_cli_fail (cli, error);
  else if (refresh_minutes > G_MAXUINT / 60)
    *out_status = hy_cli_fail_usage (cli, _ ("--refresh-interval is too large"));
  else if ((values->url = hy_halo_normalize_url (options->url, &error)) == NULL)
    *out_status = hy_cli_fail (cli, error);
  else
    {
      /* The core strips the tenant and the scopes, and takes empty ones as none. */
      values->tenant = g_strdup (options->tenant);
      values->client_id = g_strdup (options->client_id);
      values->scopes = g_strdup (options->scope);
      if (rate_max > 0)
        {
          values->rate_max = rate_max;
          values->rate_window = rate_window;
          *out_flags |= HY_SESSION_CONNECT_SET_RATE_LIMIT;
        }
      if (refresh_minutes >= 0)
        {
          values->refresh_interval = (guint) refresh_minutes * 60;
          *out_flags |= HY_SESSION_CONNECT_SET_REFRESH_INTERVAL;
        }
      return g_steal_pointer (&values);
    }
  return NULL;
}

/* Says what the connect did: nothing saved (and why), or saved and where the secret went; then
 * the connection test. */
static int
connect_report (HyCli *cli,
                HySession *session,
                HyPreflightResult *preflight,
                gboolean saved,
                gboolean had_profile,
                gboolean no_keyring)
{
  if (!saved)
    return report_preflight (cli, preflight,
                             had_profile ? _ ("Nothing was saved: the previous "
                                              "connection is unchanged. Apply the "
                                              "fixes above, then run “halyard-cli "
                                              "connect” again.")
                                         : _ ("Nothing was saved. Apply the fixes "
                                              "above, then run “halyard-cli connect” "
                                              "again."));

  if (!cli->json)
    {
      if (no_keyring)
        /* Translators: %s is the Halo URL */
        hy_cli_print (cli,
                      _ ("Saved the connection to %s; the Client Secret was not stored: give "
                         "it in HALYARD_CLIENT_SECRET to every command."),
                      hy_session_get_profile (session)->url);
      else
        /* Translators: %s is the Halo URL */
        hy_cli_print (cli, _ ("Saved the connection to %s; the Client Secret is in the keyring."),
                      hy_session_get_profile (session)->url);
    }

  return report_preflight (cli, preflight, NULL);
}

int
hy_cli_connect (HyCli *cli, int argc, char **argv)
{
  g_auto (ConnectOptions) options = { 0 };
  const GOptionEntry entries[] = {
    { "url", 0, 0, G_OPTION_ARG_STRING, &options.url,
      N_ ("The Halo URL (https://yourcompany.halopsa.com) or the tenant name"), N_ ("URL") },
    { "tenant", 0, 0, G_OPTION_ARG_STRING, &options.tenant,
      N_ ("The tenant (hosted Halo; shown under API Details)"), N_ ("TENANT") },
    { "client-id", 0, 0, G_OPTION_ARG_STRING, &options.client_id,
      N_ ("The Client ID of the Halo API application"), N_ ("ID") },
    { "secret-stdin", 0, 0, G_OPTION_ARG_NONE, &options.secret_stdin,
      N_ ("Read the Client Secret from standard input (else from HALYARD_CLIENT_SECRET)"), NULL },
    { "scope", 0, 0, G_OPTION_ARG_STRING, &options.scope,
      N_ ("The scopes to ask for, separated by spaces (default: all)"), N_ ("SCOPES") },
    { "no-keyring", 0, 0, G_OPTION_ARG_NONE, &options.no_keyring,
      N_ ("Do not store the secret anywhere (for machines without a keyring): every later "
          "command then needs HALYARD_CLIENT_SECRET"),
      NULL },
    { "rate-limit", 0, 0, G_OPTION_ARG_STRING, &options.rate_limit,
      N_ ("Halo’s rate limit: N requests per rolling SECONDS, shared by every process on the "
          "data directory (default 300/300, Halo’s hosted limit)"),
      N_ ("N/SECONDS") },
    { "refresh-interval", 0, 0, G_OPTION_ARG_STRING, &options.refresh_interval,
      N_ ("How often the running service refreshes Halo’s records, in minutes (default 60; 0: "
          "never)"),
      N_ ("MINUTES") },
    { NULL },
  };
  g_autoptr (HySession) session = NULL;
  g_autoptr (HyProfile) values = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (HyPreflightResult) preflight = NULL;
  HySessionConnectFlags flags;
  gboolean had_profile;
  gboolean saved = FALSE;
  char *secret = NULL;
  int status;

  if (!hy_cli_parse (cli, &argc, &argv, entries, NULL,
                     N_ ("Creates or replaces the connection: the profile is saved in the data "
                         "directory, the Client Secret in the keyring, then the connection is "
                         "tested as by “test”. In Halo, the application is under Configuration > "
                         "Integrations > HaloPSA API > View Applications."),
                     &status))
    return status;
  if (argc > 1)
    return hy_cli_fail_usage (cli, _ ("connect takes no arguments besides its options"));
  values = connect_values_new (cli, &options, &flags, &status);
  if (values == NULL)
    return status;

  secret = hy_cli_read_secret (cli, options.secret_stdin, &error);
  if (error != NULL)
    return hy_cli_fail (cli, error);
  if (secret == NULL)
    return hy_cli_fail_usage (cli, _ ("No Client Secret given: pass it on standard input with "
                                      "--secret-stdin, or in HALYARD_CLIENT_SECRET (never on the "
                                      "command line)"));

  session = hy_session_open (cli->data_dir, &error);
  if (session == NULL)
    {
      hy_credentials_secret_free (secret);
      return hy_cli_fail (cli, error);
    }
  had_profile = hy_session_get_profile (session) != NULL;

  /* The core's connect: a wrong URL or a refused Client ID or secret changes nothing. */
  hy_session_connect_async (session, values, secret, flags, NULL, hy_cli_result_cb, &result);
  hy_credentials_secret_free (secret);
  preflight = hy_session_connect_finish (session, hy_cli_wait (&result), &saved, &error);
  if (preflight == NULL)
    return hy_cli_fail (cli, error);
  return connect_report (cli, session, preflight, saved, had_profile, options.no_keyring);
}

/* ------------------------------------------------------------------------- */
/* test                                                                      */
/* ------------------------------------------------------------------------- */

int
hy_cli_test (HyCli *cli, int argc, char **argv)
{
  g_autoptr (HySession) session = NULL;
  gboolean ticket = FALSE;
  g_autofree char *client_text = NULL;
  g_autofree char *type_text = NULL;
  const GOptionEntry entries[] = {
    { "ticket", 0, 0, G_OPTION_ARG_NONE, &ticket,
      N_ ("Send a test ticket instead: create it, show its number and link, close it"), NULL },
    { "client", 0, 0, G_OPTION_ARG_STRING, &client_text,
      N_ ("--ticket: the Halo client (default: the first mapped group's)"), N_ ("ID") },
    { "ticket-type", 0, 0, G_OPTION_ARG_STRING, &type_text,
      N_ ("--ticket: the Halo ticket type (default: the first mapped policy's)"), N_ ("ID") },
    { NULL },
  };
  gint64 client_id = 0;
  gint64 type_id = 0;
  int status;

  if (!hy_cli_parse (cli, &argc, &argv, entries, NULL,
                     N_ ("Signs in to Halo with the saved connection, shows the agent Halyard "
                         "acts as, and checks every permission Halyard needs; each failed check "
                         "says what to change in Halo."),
                     &status))
    return status;
  if (argc > 1)
    return hy_cli_fail_usage (cli, _ ("test takes no arguments"));
  if (!ticket && (client_text != NULL || type_text != NULL))
    return hy_cli_fail_usage (cli, _ ("--client and --ticket-type go with --ticket"));
  {
    g_autoptr (GError) error = NULL;
    if ((client_text != NULL && !hy_cli_parse_int (client_text, "--client", &client_id, &error)) ||
        (type_text != NULL && !hy_cli_parse_int (type_text, "--ticket-type", &type_id, &error)))
      return hy_cli_fail (cli, error);
  }

  session = hy_cli_open_session (cli, &status);
  if (session == NULL)
    return status;

  if (ticket)
    return hy_cli_test_ticket (cli, session, client_id, type_id);
  return run_preflight (cli, session);
}
