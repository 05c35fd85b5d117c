/* hy-cli-intake.c: `intake token|set`, and the intake's part of `status`
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "hy-cli"

#include "config.h"

#include <glib/gi18n.h>

#include "credentials/hy-credentials.h"
#include "credentials/hy-intake-token.h"
#include "intake/hy-intake-server.h"
#include "store/hy-store-intake.h"
#include "store/hy-store-service.h"

#include "hy-cli-commands.h"
#include "hy-cli-hints.h"
#include "hy-cli-intake.h"
#include "hy-cli-session.h"

/* ------------------------------------------------------------------------- */
/* Helpers                                                                   */
/* ------------------------------------------------------------------------- */

/* A Prometheus label name: [a-zA-Z_][a-zA-Z0-9_]*. */
static gboolean
valid_label (const char *name)
{
  if (name == NULL || *name == '\0' || g_ascii_isdigit (*name))
    return FALSE;
  for (const char *p = name; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p) && *p != '_')
      return FALSE;
  return TRUE;
}

static gboolean
valid_url (const char *url)
{
  g_autoptr (GUri) uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);

  return uri != NULL &&
         (g_strcmp0 (g_uri_get_scheme (uri), "http") == 0 ||
          g_strcmp0 (g_uri_get_scheme (uri), "https") == 0) &&
         g_uri_get_host (uri) != NULL && *g_uri_get_host (uri) != '\0' &&
         g_uri_get_query (uri) == NULL && g_uri_get_userinfo (uri) == NULL;
}

static void
add_nullable (JsonBuilder *b, const char *name, const char *value)
{
  json_builder_set_member_name (b, name);
  if (value != NULL)
    json_builder_add_string_value (b, value);
  else
    json_builder_add_null_value (b);
}

static char *
iso_time (gint64 unix_seconds)
{
  g_autoptr (GDateTime) t = g_date_time_new_from_unix_utc (unix_seconds);

  return t != NULL ? g_date_time_format (t, "%Y-%m-%dT%H:%M:%SZ") : NULL;
}

static char *
local_time (gint64 unix_seconds)
{
  g_autoptr (GDateTime) t = g_date_time_new_from_unix_local (unix_seconds);

  return t != NULL ? g_date_time_format (t, "%x %X") : g_strdup ("");
}

/* Today's count: the stored day's count when it is today. */
static guint
received_today (const HyIntakeInfo *info)
{
  g_autoptr (GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *today = g_date_time_format (now, "%Y-%m-%d");

  return g_strcmp0 (info->day, today) == 0 ? info->day_count : 0;
}

static int fail_usage_printf (HyCli *cli, const char *format, ...) G_GNUC_PRINTF (2, 3);

static int
fail_usage_printf (HyCli *cli, const char *format, ...)
{
  va_list args;
  g_autofree char *message = NULL;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  return hy_cli_fail_usage (cli, message);
}

/* ------------------------------------------------------------------------- */
/* intake token                                                              */
/* ------------------------------------------------------------------------- */

static int
intake_token (HyCli *cli, HySession *session, gboolean rotate)
{
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;
  char *token;

  hy_intake_token_get_async (hy_session_get_data_dir (session), TRUE, rotate, NULL,
                             hy_cli_result_cb, &result);
  token = hy_intake_token_get_finish (hy_cli_wait (&result), &error);
  if (token == NULL)
    return hy_cli_fail (cli, error);
  /* A running intake (serve --listen, the window) reads the new token when it sees this. */
  if (rotate && !hy_store_intake_note_token_rotated (hy_session_get_store (session), &error))
    {
      hy_credentials_secret_free (token);
      return hy_cli_fail (cli, error);
    }
  if (cli->json)
    {
      g_autoptr (JsonBuilder) b = json_builder_new ();
      g_autoptr (JsonNode) node = NULL;

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "token");
      json_builder_add_string_value (b, token);
      json_builder_end_object (b);
      node = json_builder_get_root (b);
      hy_cli_print_json (cli, node);
    }
  else
    hy_cli_print (cli, "%s", token);
  hy_credentials_secret_free (token);
  return HY_CLI_EXIT_OK;
}

/* ------------------------------------------------------------------------- */
/* intake set                                                                */
/* ------------------------------------------------------------------------- */

static void
print_settings (HyCli *cli, const HyIntakeInfo *info, const char *listen)
{
  if (cli->json)
    {
      g_autoptr (JsonBuilder) b = json_builder_new ();
      g_autoptr (JsonNode) node = NULL;

      json_builder_begin_object (b);
      add_nullable (b, "computer_label", info->computer_label);
      add_nullable (b, "policy_label", info->policy_label);
      add_nullable (b, "alertmanager_url", info->alertmanager_url);
      add_nullable (b, "listen", listen);
      json_builder_end_object (b);
      node = json_builder_get_root (b);
      hy_cli_print_json (cli, node);
      return;
    }
  /* Translators: the label names that name the computer by default */
  hy_cli_print (cli, _ ("Computer label: %s"),
                info->computer_label ? info->computer_label
                                     : _ ("instance (without its port), else host, hostname or "
                                          "nodename"));
  hy_cli_print (cli, _ ("Policy label: %s"), info->policy_label ? info->policy_label : "alertname");
  hy_cli_print (cli, _ ("Alertmanager URL: %s"),
                info->alertmanager_url ? info->alertmanager_url
                                       /* Translators: no Alertmanager URL: no reconcile */
                                       : _ ("none (no reconcile)"));
  /* Translators: where the deliverer (the window or halyard-cli serve) accepts alerts */
  hy_cli_print (cli, _ ("Listen address: %s"),
                listen != NULL ? listen
                               /* Translators: no listen address: only serve --listen listens */
                               : _ ("none (only halyard-cli serve --listen accepts alerts)"));
}

static int
intake_set (HyCli *cli,
            HySession *session,
            const char *computer_label,
            const char *policy_label,
            const char *url,
            const char *listen)
{
  HyStore *store = hy_session_get_store (session);
  g_autoptr (HyIntakeInfo) info = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *listening = NULL;

  if (computer_label != NULL && *computer_label != '\0' && !valid_label (computer_label))
    /* Translators: %s is what was given as a label name */
    return fail_usage_printf (cli,
                              _ ("“%s” is not a label name: use letters, "
                                 "digits and _, as Prometheus does"),
                              computer_label);
  if (policy_label != NULL && *policy_label != '\0' && !valid_label (policy_label))
    return fail_usage_printf (cli,
                              _ ("“%s” is not a label name: use letters, "
                                 "digits and _, as Prometheus does"),
                              policy_label);
  if (url != NULL && *url != '\0' && !valid_url (url))
    /* Translators: %s is what was given as Alertmanager's URL */
    return fail_usage_printf (cli,
                              _ ("“%s” is not Alertmanager’s address: "
                                 "give its http:// or https:// URL, such "
                                 "as http://127.0.0.1:9093"),
                              url);
  if (listen != NULL && *listen != '\0' && !hy_intake_check_address (listen, &error))
    return hy_cli_fail_usage (cli, error->message);

  info = hy_store_intake_get (store, &error);
  if (info == NULL)
    return hy_cli_fail (cli, error);
  /* An empty value goes back to the default. */
  if (computer_label != NULL)
    {
      g_free (info->computer_label);
      info->computer_label = *computer_label ? g_strdup (computer_label) : NULL;
    }
  if (policy_label != NULL)
    {
      g_free (info->policy_label);
      info->policy_label = *policy_label ? g_strdup (policy_label) : NULL;
    }
  if (url != NULL)
    {
      g_free (info->alertmanager_url);
      info->alertmanager_url = *url ? g_strdup (url) : NULL;
    }
  if (!hy_store_intake_set (store, info, &error))
    return hy_cli_fail (cli, error);
  /* The deliverer (the window or serve) starts listening there, or stops when emptied. */
  if (listen != NULL && !hy_store_intake_set_listen (store, listen, &error))
    return hy_cli_fail (cli, error);
  listening = hy_store_intake_get_listen (store, &error);
  if (error != NULL)
    return hy_cli_fail (cli, error);
  print_settings (cli, info, listening);
  return HY_CLI_EXIT_OK;
}

/* ------------------------------------------------------------------------- */
/* Public API                                                                */
/* ------------------------------------------------------------------------- */

int
hy_cli_intake (HyCli *cli, int argc, char **argv)
{
  g_autoptr (HySession) session = NULL;
  gboolean rotate = FALSE;
  g_autofree char *computer_label = NULL;
  g_autofree char *policy_label = NULL;
  g_autofree char *url = NULL;
  g_autofree char *listen = NULL;
  const GOptionEntry entries[] = {
    { "rotate", 0, 0, G_OPTION_ARG_NONE, &rotate,
      N_ ("token: replace the token with a new one (senders need the new one)"), NULL },
    { "computer-label", 0, 0, G_OPTION_ARG_STRING, &computer_label,
      N_ ("set: the label that names the computer (empty: the default)"), N_ ("LABEL") },
    { "policy-label", 0, 0, G_OPTION_ARG_STRING, &policy_label,
      N_ ("set: the label that names the policy (empty: alertname)"), N_ ("LABEL") },
    { "alertmanager-url", 0, 0, G_OPTION_ARG_STRING, &url,
      N_ ("set: Alertmanager's address, for the reconcile every 5 minutes (empty: none)"),
      N_ ("URL") },
    { "listen", 0, 0, G_OPTION_ARG_STRING, &listen,
      N_ ("set: where the deliverer accepts alerts over HTTP, the window's or serve's "
          "(empty: nowhere)"),
      N_ ("ADDR:PORT") },
    { NULL },
  };
  int status;

  if (!hy_cli_parse (cli, &argc, &argv, entries, N_ ("token [--rotate] | set [OPTION…]"),
                     N_ ("The alert intake of `halyard-cli serve --listen`.\n\n"
                         "token prints the bearer token senders must present (created on first "
                         "use, kept in the keyring; on a server without a keyring, the token is "
                         "the value of HALYARD_INTAKE_TOKEN). --rotate replaces it.\n"
                         "set chooses the labels that name an Alertmanager alert's computer "
                         "(default: instance without its port, else host, hostname, nodename) "
                         "and policy (default: alertname), Alertmanager's URL for the "
                         "reconcile, and the address the deliverer (Halyard's window or serve) "
                         "accepts alerts on; with no option it prints the settings."),
                     &status))
    return status;
  if (argc < 2)
    return hy_cli_fail_usage (cli, _ ("intake needs a sub-command: token or set"));
  if (g_str_equal (argv[1], "token"))
    {
      if (argc != 2 || computer_label != NULL || policy_label != NULL || url != NULL ||
          listen != NULL)
        return hy_cli_fail_usage (cli, _ ("intake token takes only --rotate"));
    }
  else if (g_str_equal (argv[1], "set"))
    {
      if (argc != 2 || rotate)
        return hy_cli_fail_usage (cli, _ ("intake set takes only --computer-label, "
                                          "--policy-label, --alertmanager-url and --listen"));
    }
  else
    /* Translators: %s is what was typed as the sub-command */
    return fail_usage_printf (cli,
                              _ ("intake has no sub-command “%s”: use "
                                 "token or set"),
                              argv[1]);

  session = hy_cli_open_session (cli, &status);
  if (session == NULL)
    return status;
  if (g_str_equal (argv[1], "token"))
    return intake_token (cli, session, rotate);
  return intake_set (cli, session, computer_label, policy_label, url, listen);
}

/* Where the deliverer (this process or another) accepts alerts now; NULL: nowhere, or nobody
 * delivers. */
static char *
deliverer_address (HyStore *store)
{
  g_autoptr (HyLeaseHolder) holder = hy_store_lease_get_holder (store, NULL);

  if (holder == NULL)
    return NULL;
  return hy_store_intake_get_listening (store, holder->pid, holder->host, NULL);
}

/* What the status says of the intake: its counters, and every alert that waits for a route. */
static gboolean
read_status (HyStore *store, HyIntakeInfo **out_info, GPtrArray **out_unrouted, GError **error)
{
  *out_info = hy_store_intake_get (store, error);
  if (*out_info == NULL)
    return FALSE;
  *out_unrouted = hy_store_intake_list_unrouted (store, 0, error);
  return *out_unrouted != NULL;
}

gboolean
hy_cli_intake_status_json (HyStore *store, JsonBuilder *b, GError **error)
{
  g_autoptr (HyIntakeInfo) info = NULL;
  g_autoptr (GPtrArray) unrouted = NULL;

  if (!read_status (store, &info, &unrouted, error))
    return FALSE;

  json_builder_set_member_name (b, "unrouted_alerts");
  json_builder_begin_array (b);
  for (guint i = 0; i < unrouted->len; i++)
    {
      HyIntakeWaiting *w = g_ptr_array_index (unrouted, i);
      g_autoptr (JsonNode) labels = NULL;

      json_builder_begin_object (b);
      add_nullable (b, "alert", w->alert_id);
      add_nullable (b, "summary", w->summary);
      add_nullable (b, "computer", w->computer);
      add_nullable (b, "policy", w->policy);
      add_nullable (b, "reason", w->reason);
      add_nullable (b, "reason_code", hy_reason_to_string (w->reason_code));
      add_nullable (b, "hint", hy_cli_reason_hint (w->reason_code));
      json_builder_set_member_name (b, "labels");
      if (w->labels != NULL)
        labels = json_from_string (w->labels, NULL);
      if (labels != NULL)
        json_builder_add_value (b, g_steal_pointer (&labels));
      else
        json_builder_add_null_value (b);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);

  json_builder_set_member_name (b, "intake");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "received_today");
  json_builder_add_int_value (b, received_today (info));
  json_builder_set_member_name (b, "last");
  if (info->last_alert != NULL)
    {
      g_autofree char *when = iso_time (info->last_time);

      json_builder_begin_object (b);
      add_nullable (b, "alert", info->last_alert);
      add_nullable (b, "summary", info->last_summary);
      add_nullable (b, "time", when);
      json_builder_end_object (b);
    }
  else
    json_builder_add_null_value (b);
  add_nullable (b, "alertmanager_url", info->alertmanager_url);
  {
    g_autofree char *listen = hy_store_intake_get_listen (store, NULL);
    g_autofree char *address = deliverer_address (store);

    add_nullable (b, "listen", listen);
    add_nullable (b, "address", address);
  }
  json_builder_end_object (b);
  return TRUE;
}

gboolean
hy_cli_intake_status_print (HyCli *cli, HyStore *store, GError **error)
{
  g_autoptr (HyIntakeInfo) info = NULL;
  g_autoptr (GPtrArray) unrouted = NULL;

  if (!read_status (store, &info, &unrouted, error))
    return FALSE;
  for (guint i = 0; i < unrouted->len; i++)
    {
      HyIntakeWaiting *w = g_ptr_array_index (unrouted, i);

      /* Translators: an unrouted alert: its id and summary */
      hy_cli_print (cli, _ ("  Unrouted %s: %s"), w->alert_id, w->summary);
      hy_cli_print (cli, _ ("    Reason: %s"), w->reason);
      if (hy_cli_reason_hint (w->reason_code) != NULL)
        hy_cli_print (cli, "    %s", hy_cli_reason_hint (w->reason_code));
    }
  if (info->last_alert != NULL)
    {
      g_autofree char *when = local_time (info->last_time);

      /* Translators: alerts received over HTTP: today's count, then the last one's summary and
       * time */
      hy_cli_print (cli, _ ("Intake: %'u received today; the last one: %s (%s)"),
                    received_today (info), info->last_summary, when);
    }
  {
    g_autofree char *address = deliverer_address (store);

    if (address != NULL)
      /* Translators: %s is where alerts are posted, such as http://127.0.0.1:8642 */
      hy_cli_print (cli, _ ("Intake: accepting alerts on %s"), address);
  }
  return TRUE;
}
