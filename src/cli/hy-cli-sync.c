/* hy-cli-sync.c: `enable`, `disable`, `sync`, `alert raise|clear`, `action`
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "hy-cli"

#include "config.h"

#include <glib/gi18n.h>

#include "sync/hy-sync-engine.h"

#include "hy-cli-commands.h"
#include "hy-cli-hints.h"
#include "hy-cli-session.h"

/* ------------------------------------------------------------------------- */
/* Helpers                                                                   */
/* ------------------------------------------------------------------------- */

/* Sync errors: bad input exits 2, the rest 1. */
static int
fail (HyCli *cli, const GError *error)
{
  if (error->domain != HY_SYNC_ERROR)
    return hy_cli_fail (cli, error);
  switch ((HySyncError) error->code)
    {
      case HY_SYNC_ERROR_INVALID:
        return hy_cli_fail_with_error (cli, HY_CLI_EXIT_USAGE, "invalid_input", error);
      case HY_SYNC_ERROR_NOT_FOUND:
        return hy_cli_fail_with_error (cli, HY_CLI_EXIT_USAGE, "not_found", error);
      case HY_SYNC_ERROR_UNLINKED_USER:
        return hy_cli_fail_with_error (cli, HY_CLI_EXIT_USAGE, "user_not_linked", error);
      case HY_SYNC_ERROR_NO_TICKET:
        return hy_cli_fail_with_error (cli, HY_CLI_EXIT_USAGE, "no_ticket", error);
      case HY_SYNC_ERROR_NO_OUTCOME:
        return hy_cli_fail_with_error (cli, HY_CLI_EXIT_FAILED, "no_outcome", error);
      case HY_SYNC_ERROR_DISABLED:
        return hy_cli_fail_with_error (cli, HY_CLI_EXIT_FAILED, "disabled", error);
      case HY_SYNC_ERROR_NOTHING_MAPPED:
        return hy_cli_fail_with_error (cli, HY_CLI_EXIT_USAGE, "nothing_mapped", error);
      case HY_SYNC_ERROR_NO_CLOSE_STATUS:
        return hy_cli_fail_with_error (cli, HY_CLI_EXIT_USAGE, "no_close_status", error);
      case HY_SYNC_ERROR_NOT_CONFIGURED:
      default:
        return hy_cli_fail_with_error (cli, HY_CLI_EXIT_FAILED, "not_connected", error);
    }
}

static void
print_report (HyCli *cli, const HySyncReport *report)
{
  if (cli->json)
    {
      g_autoptr (JsonNode) node = hy_sync_report_to_json (report);
      hy_cli_print_json (cli, node);
      return;
    }
  if (report->dry_run)
    {
      for (guint i = 0; i < report->creates->len; i++)
        {
          JsonObject *o = json_node_get_object (g_ptr_array_index (report->creates, i));
          g_autofree char *client =
              g_strdup_printf ("%" G_GINT64_FORMAT, json_object_get_int_member (o, "client_id"));
          /* Translators: a dry-run line: the device name, its id, the Halo client id */
          hy_cli_print (cli, _ ("create  %s (%s) in Halo client %s"),
                        json_object_get_string_member (o, "name"),
                        json_object_get_string_member (o, "computer"), client);
        }
      for (guint i = 0; i < report->updates->len; i++)
        {
          JsonObject *o = json_node_get_object (g_ptr_array_index (report->updates, i));
          g_autofree char *asset =
              g_strdup_printf ("%" G_GINT64_FORMAT, json_object_get_int_member (o, "asset_id"));
          JsonNode *changes = json_object_get_member (o, "changes");

          if (changes != NULL && JSON_NODE_HOLDS_ARRAY (changes))
            {
              JsonArray *names = json_node_get_array (changes);
              g_autoptr (GString) list = g_string_new (NULL);

              for (guint c = 0; c < json_array_get_length (names); c++)
                g_string_append_printf (list, "%s%s", c > 0 ? ", " : "",
                                        json_array_get_string_element (names, c));
              /* Translators: a dry-run line: the device name, its id, the Halo asset id, what
               * changed (field names such as "ip, os", kept as they are) */
              hy_cli_print (cli, _ ("update  %s (%s) as Halo asset %s: %s"),
                            json_object_get_string_member (o, "name"),
                            json_object_get_string_member (o, "computer"), asset, list->str);
            }
          else
            /* Translators: a dry-run line: the device name, its id, the Halo asset id */
            hy_cli_print (cli, _ ("update  %s (%s) as Halo asset %s"),
                          json_object_get_string_member (o, "name"),
                          json_object_get_string_member (o, "computer"), asset);
        }
      hy_cli_print (cli,
                    _ ("Dry run: %'u to create, %'u to update, %'u unchanged; nothing was sent."),
                    report->creates->len, report->updates->len, report->unchanged);
      return;
    }
  hy_cli_print (cli, _ ("Assets: %'u created, %'u updated, %'u unchanged, %'u failed."),
                report->created, report->updated, report->unchanged, report->failed);
  hy_cli_print (cli, _ ("Outbox: %'u delivered, %'u pending, %'u dead."), report->delivered,
                report->pending, report->dead);
  if (report->pending > 0)
    hy_cli_print (cli, "%s",
                  _ ("What is pending stays queued: halyard-cli serve or the Halyard "
                     "app sends it as soon as Halo allows, else the next "
                     "halyard-cli sync."));
  hy_cli_print (cli,
                g_dngettext (GETTEXT_PACKAGE, "%'u request to Halo.", "%'u requests to Halo.",
                             report->requests),
                report->requests);
}

static const char *
alert_state_label (HyAlertState state)
{
  switch (state)
    {
      case HY_ALERT_STATE_QUEUED:
        return C_ ("alert state", "queued");
      case HY_ALERT_STATE_DELIVERED:
        return C_ ("alert state", "delivered");
      case HY_ALERT_STATE_UNROUTED:
        return C_ ("alert state", "unrouted");
      case HY_ALERT_STATE_DEAD:
      default:
        return C_ ("alert state", "dead");
    }
}

static void
print_alert (HyCli *cli, const HySyncAlertResult *result)
{
  const char *hint = result->reason != NULL ? hy_cli_reason_hint (result->reason_code) : NULL;

  if (cli->json)
    {
      g_autoptr (JsonNode) node = hy_sync_alert_result_to_json (result);

      /* The command that fixes the reason, next to it (null when there is none). */
      if (hint != NULL)
        json_object_set_string_member (json_node_get_object (node), "hint", hint);
      else
        json_object_set_null_member (json_node_get_object (node), "hint");
      hy_cli_print_json (cli, node);
      return;
    }
  if (result->ticket_id > 0)
    {
      g_autofree char *ticket = g_strdup_printf ("%" G_GINT64_FORMAT, result->ticket_id);
      /* Translators: the alert id, its state, the Halo ticket id */
      hy_cli_print (cli, _ ("Alert %s: %s (Halo ticket %s)"), result->alert_id,
                    alert_state_label (result->state), ticket);
    }
  else
    /* Translators: the alert id and its state */
    hy_cli_print (cli, _ ("Alert %s: %s"), result->alert_id, alert_state_label (result->state));
  if (result->reason != NULL)
    hy_cli_print (cli, "%s", result->reason);
  if (hint != NULL)
    hy_cli_print (cli, "%s", hint);
  if (result->state == HY_ALERT_STATE_QUEUED)
    hy_cli_print (cli, "%s",
                  _ ("It is queued: halyard-cli serve or the Halyard app sends it as "
                     "soon as Halo allows, else the next halyard-cli sync."));
}

/* After recording: delivers now when enabled and Halo is reachable, else leaves it queued; when
 * another process delivers for the data directory, it is queued for that one (the store tells
 * it) and the command returns at once. Then prints the alert's state. */
static int
deliver_and_report (HyCli *cli, HySession *session, const char *alert_id)
{
  HySyncEngine *engine = hy_service_get_engine (hy_service_get (session));
  g_autoptr (HySyncAlertResult) result = NULL;
  g_autoptr (GError) error = NULL;

  if (hy_sync_engine_get_enabled (engine, NULL))
    {
      g_autoptr (HySyncReport) report = NULL;
      g_autoptr (HyLeaseHolder) holder = NULL;

      /* Halo unreachable or no secret here: the alert stays queued, which is not a failure. */
      if (!hy_cli_run_as_deliverer (session, "halyard-cli", FALSE, FALSE, &report, &holder, &error))
        g_debug ("Not delivered now: %s", error->message);
      g_clear_error (&error);
      engine = hy_service_get_engine (hy_service_get (session));
    }
  result = hy_sync_engine_get_alert_result (engine, alert_id, &error);
  if (result == NULL)
    return fail (cli, error);
  print_alert (cli, result);
  return result->state == HY_ALERT_STATE_DEAD ? HY_CLI_EXIT_FAILED : HY_CLI_EXIT_OK;
}

/* ------------------------------------------------------------------------- */
/* enable / disable                                                          */
/* ------------------------------------------------------------------------- */

static int
set_enabled (HyCli *cli, int argc, char **argv, gboolean enabled)
{
  g_autoptr (HySession) session = NULL;
  HySyncEngine *engine;
  g_autoptr (GError) error = NULL;
  gboolean no_sync = FALSE;
  int status;
  const GOptionEntry enable_entries[] = {
    { "no-sync", 0, 0, G_OPTION_ARG_NONE, &no_sync,
      N_ ("Only turn the switch on; do not start syncing now"), NULL },
    { NULL },
  };

  if (!hy_cli_parse (cli, &argc, &argv, enabled ? enable_entries : NULL, NULL,
                     enabled ? N_ ("Turns the integration on and starts it: the devices of mapped "
                                   "groups are synced as Halo assets and queued alerts are "
                                   "delivered.")
                             : N_ ("Turns the integration off: nothing is sent to Halo until it "
                                   "is enabled again. Alerts are still recorded."),
                     &status))
    return status;
  if (argc > 1)
    return hy_cli_fail_usage (cli, enabled ? _ ("enable takes no arguments")
                                           : _ ("disable takes no arguments"));
  session = hy_cli_open_session (cli, &status);
  if (session == NULL)
    return status;
  engine = hy_service_get_engine (hy_service_get (session));
  if (!hy_sync_engine_set_enabled (engine, enabled, &error))
    return fail (cli, error);

  if (enabled && !no_sync)
    {
      g_autoptr (HySyncReport) report = NULL;
      g_autoptr (HyLeaseHolder) holder = NULL;

      if (hy_cli_get_client (cli, session, &status) == NULL)
        return status;
      if (!hy_cli_run_as_deliverer (session, "halyard-cli enable", TRUE, FALSE, &report, &holder,
                                    &error))
        return fail (cli, error);
      if (!cli->json)
        hy_cli_print (cli, _ ("The integration is enabled."));
      if (holder != NULL)
        {
          /* The deliverer saw the switch and syncs. */
          hy_cli_print_queued (cli, holder);
          return HY_CLI_EXIT_OK;
        }
      print_report (cli, report);
      return report->pending + report->dead > 0 ? HY_CLI_EXIT_FAILED : HY_CLI_EXIT_OK;
    }

  if (cli->json)
    {
      g_autoptr (JsonBuilder) b = json_builder_new ();
      g_autoptr (JsonNode) node = NULL;

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "enabled");
      json_builder_add_boolean_value (b, enabled);
      json_builder_end_object (b);
      node = json_builder_get_root (b);
      hy_cli_print_json (cli, node);
    }
  else
    hy_cli_print (cli, enabled ? _ ("The integration is enabled.")
                               : _ ("The integration is disabled: nothing is sent to Halo."));
  return HY_CLI_EXIT_OK;
}

int
hy_cli_enable (HyCli *cli, int argc, char **argv)
{
  return set_enabled (cli, argc, argv, TRUE);
}

int
hy_cli_disable (HyCli *cli, int argc, char **argv)
{
  return set_enabled (cli, argc, argv, FALSE);
}

/* ------------------------------------------------------------------------- */
/* sync                                                                      */
/* ------------------------------------------------------------------------- */

int
hy_cli_sync (HyCli *cli, int argc, char **argv)
{
  g_autoptr (HySession) session = NULL;
  g_autoptr (HyLeaseHolder) holder = NULL;
  g_autoptr (HySyncReport) report = NULL;
  g_autoptr (GError) error = NULL;
  gboolean dry_run = FALSE;
  gboolean retry_dead = FALSE;
  int status;
  const GOptionEntry entries[] = {
    { "dry-run", 0, 0, G_OPTION_ARG_NONE, &dry_run,
      N_ ("Only look Halo up and list the assets that would be created and updated"), NULL },
    { "retry-dead", 0, 0, G_OPTION_ARG_NONE, &retry_dead,
      N_ ("Put the writes that were given up on back in the queue first"), NULL },
    { NULL },
  };

  if (!hy_cli_parse (cli, &argc, &argv, entries, NULL,
                     N_ ("Syncs the devices of mapped groups as Halo assets (only what changed "
                         "since the last sync is sent) and delivers the queued alerts, notes "
                         "and time entries."),
                     &status))
    return status;
  if (argc > 1)
    return hy_cli_fail_usage (cli, _ ("sync takes no arguments"));
  session = hy_cli_open_session (cli, &status);
  if (session == NULL)
    return status;
  if (hy_cli_get_client (cli, session, &status) == NULL)
    return status;
  if (retry_dead && !dry_run && hy_service_retry_dead (hy_service_get (session), 0, &error) < 0)
    return fail (cli, error);
  /* Asked for now: what waits for Halo (its limit, the network) is tried now, once. */
  if (!dry_run && hy_store_outbox_wake_waiting (hy_session_get_store (session), &error) < 0)
    return fail (cli, error);

  if (!hy_cli_run_as_deliverer (session, "halyard-cli sync", TRUE, dry_run, &report, &holder,
                                &error))
    return fail (cli, error);
  if (holder != NULL)
    {
      /* Another process delivers: it was asked to sync, and does so now. */
      hy_cli_print_queued (cli, holder);
      return HY_CLI_EXIT_OK;
    }
  print_report (cli, report);
  if (!dry_run && report->pending + report->dead > 0)
    return HY_CLI_EXIT_FAILED;
  return HY_CLI_EXIT_OK;
}

/* ------------------------------------------------------------------------- */
/* alert raise / clear                                                       */
/* ------------------------------------------------------------------------- */

static int
alert_raise (HyCli *cli, int argc, char **argv)
{
  g_autoptr (HySession) session = NULL;
  HySyncEngine *engine;
  g_autoptr (HySyncAlertResult) result = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *id = NULL;
  g_autofree char *computer = NULL;
  g_autofree char *policy = NULL;
  g_autofree char *summary = NULL;
  g_autofree char *details = NULL;
  g_autofree char *severity = NULL;
  HySyncAlertInput input = { 0 };
  int status;
  const GOptionEntry entries[] = {
    { "id", 0, 0, G_OPTION_ARG_STRING, &id, N_ ("The monitoring system’s alert id"), N_ ("EXT") },
    { "computer", 0, 0, G_OPTION_ARG_STRING, &computer, N_ ("The computer’s id"), N_ ("ID") },
    { "policy", 0, 0, G_OPTION_ARG_STRING, &policy, N_ ("The monitor policy’s id"), N_ ("ID") },
    { "summary", 0, 0, G_OPTION_ARG_STRING, &summary, N_ ("One line: the ticket’s summary"),
      N_ ("TEXT") },
    { "details", 0, 0, G_OPTION_ARG_STRING, &details, N_ ("More text for the ticket"),
      N_ ("TEXT") },
    { "severity", 0, 0, G_OPTION_ARG_STRING, &severity, N_ ("The alert’s severity"), N_ ("S") },
    { NULL },
  };

  if (!hy_cli_parse (cli, &argc, &argv, entries, NULL,
                     N_ ("Records an alert. It is stored first, then delivered as a Halo ticket "
                         "when the integration is enabled and Halo is reachable (else it stays "
                         "queued). A repeat of an alert whose ticket is open adds a note."),
                     &status))
    return status;
  if (argc > 1)
    return hy_cli_fail_usage (cli, _ ("alert raise takes options only"));
  if (id == NULL || computer == NULL || policy == NULL || summary == NULL)
    return hy_cli_fail_usage (cli,
                              _ ("alert raise needs --id, --computer, --policy and --summary"));
  session = hy_cli_open_session (cli, &status);
  if (session == NULL)
    return status;
  engine = hy_service_get_engine (hy_service_get (session));
  input.id = id;
  input.computer_id = computer;
  input.policy_id = policy;
  input.summary = summary;
  input.details = details;
  input.severity = severity;
  result = hy_sync_engine_raise_alert (engine, &input, &error);
  if (result == NULL)
    return fail (cli, error);
  return deliver_and_report (cli, session, id);
}

static int
alert_clear (HyCli *cli, int argc, char **argv)
{
  g_autoptr (HySession) session = NULL;
  HySyncEngine *engine;
  g_autoptr (HySyncAlertResult) result = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *id = NULL;
  g_autofree char *note = NULL;
  int status;
  const GOptionEntry entries[] = {
    { "id", 0, 0, G_OPTION_ARG_STRING, &id, N_ ("The monitoring system’s alert id"), N_ ("EXT") },
    { "note", 0, 0, G_OPTION_ARG_STRING, &note, N_ ("A note for the ticket"), N_ ("TEXT") },
    { NULL },
  };

  if (!hy_cli_parse (cli, &argc, &argv, entries, NULL,
                     N_ ("Records that an alert cleared: a note on its ticket, which is "
                         "closed with the policy’s close status, else with Halo’s status "
                         "“Closed”."),
                     &status))
    return status;
  if (argc > 1)
    return hy_cli_fail_usage (cli, _ ("alert clear takes options only"));
  if (id == NULL)
    return hy_cli_fail_usage (cli, _ ("alert clear needs --id"));
  session = hy_cli_open_session (cli, &status);
  if (session == NULL)
    return status;
  engine = hy_service_get_engine (hy_service_get (session));
  result = hy_sync_engine_clear_alert (engine, id, note, &error);
  if (result == NULL)
    return fail (cli, error);
  return deliver_and_report (cli, session, id);
}

int
hy_cli_alert (HyCli *cli, int argc, char **argv)
{
  if (argc >= 2 && g_strcmp0 (argv[1], "raise") == 0)
    return alert_raise (cli, argc - 1, argv + 1);
  if (argc >= 2 && g_strcmp0 (argv[1], "clear") == 0)
    return alert_clear (cli, argc - 1, argv + 1);
  return hy_cli_fail_usage (cli, _ ("Use “alert raise” or “alert clear” (see --help)"));
}

/* ------------------------------------------------------------------------- */
/* action                                                                    */
/* ------------------------------------------------------------------------- */

int
hy_cli_action (HyCli *cli, int argc, char **argv)
{
  g_autoptr (HySession) session = NULL;
  HySyncEngine *engine;
  g_autoptr (HySyncAlertResult) result = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *alert = NULL;
  g_autofree char *user = NULL;
  g_autofree char *minutes_text = NULL;
  g_autofree char *note = NULL;
  gboolean resolve = FALSE;
  gint64 minutes = 0;
  int status;
  const GOptionEntry entries[] = {
    { "alert", 0, 0, G_OPTION_ARG_STRING, &alert, N_ ("The alert’s id"), N_ ("EXT") },
    { "user", 0, 0, G_OPTION_ARG_STRING, &user, N_ ("The technician’s id"), N_ ("ID") },
    { "minutes", 0, 0, G_OPTION_ARG_STRING, &minutes_text, N_ ("Time spent, in minutes"),
      N_ ("N") },
    { "note", 0, 0, G_OPTION_ARG_STRING, &note, N_ ("What was done"), N_ ("TEXT") },
    { "resolve", 0, 0, G_OPTION_ARG_NONE, &resolve, N_ ("Also close the ticket"), NULL },
    { NULL },
  };

  if (!hy_cli_parse (cli, &argc, &argv, entries, NULL,
                     N_ ("Adds a technician’s action to the alert’s Halo ticket: a private note "
                         "with a time entry, owned by the technician’s linked Halo agent."),
                     &status))
    return status;
  if (argc > 1)
    return hy_cli_fail_usage (cli, _ ("action takes options only"));
  if (alert == NULL || user == NULL || minutes_text == NULL || note == NULL)
    return hy_cli_fail_usage (cli, _ ("action needs --alert, --user, --minutes and --note"));
  if (!hy_cli_parse_int (minutes_text, "--minutes", &minutes, &error))
    return hy_cli_fail (cli, error);
  if (minutes > G_MAXUINT)
    minutes = G_MAXUINT;
  session = hy_cli_open_session (cli, &status);
  if (session == NULL)
    return status;
  engine = hy_service_get_engine (hy_service_get (session));
  result = hy_sync_engine_add_action (engine, alert, user, (guint) minutes, note, resolve, &error);
  if (result == NULL)
    return fail (cli, error);
  return deliver_and_report (cli, session, alert);
}
