/* hy-cli-status.c: `status` and `events`, read from the store only
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "hy-cli"

#include "config.h"

#include <glib/gi18n.h>

#include "service/hy-service.h"

#include "store/hy-store-lifecycle.h"

#include "hy-cli-asset-fields.h"
#include "hy-cli-commands.h"
#include "hy-cli-intake.h"
#include "hy-cli-session.h"
#include "sync/hy-sync-attempt.h"

/* ------------------------------------------------------------------------- */
/* status                                                                    */
/* ------------------------------------------------------------------------- */

static const char *
sync_state_label (HySyncState state)
{
  switch (state)
    {
      case HY_SYNC_STATE_UNSYNCED:
        return C_ ("sync state", "Unsynced");
      case HY_SYNC_STATE_SYNCING:
        return C_ ("sync state", "Syncing");
      case HY_SYNC_STATE_SYNCED:
        return C_ ("sync state", "Synced");
      case HY_SYNC_STATE_FAILED:
        return C_ ("sync state", "Failed");
      default:
        return "";
    }
}

/* The newest failure: the last failed request to Halo. */
static char *
last_error (HyStore *store, GError **error)
{
  g_autoptr (HyEvent) event = NULL;
  g_autoptr (GError) local_error = NULL;

  event = hy_store_events_last_failed (store, &local_error);
  if (event == NULL)
    {
      if (g_error_matches (local_error, HY_STORE_ERROR, HY_STORE_ERROR_NOT_FOUND))
        return NULL;
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }

  if (event->error != NULL && *event->error != '\0')
    return g_strdup (event->error);
  if (event->status == 0)
    /* Translators: %s is an HTTP method and a path, e.g. "GET /api/Client" */
    return g_strdup_printf (_ ("%s %s: no answer from Halo"), event->method, event->path);

  /* Translators: the first two %s are an HTTP method and a path, %u the HTTP status */
  return g_strdup_printf (_ ("%s %s: HTTP %u"), event->method, event->path, event->status);
}

int
hy_cli_status (HyCli *cli, int argc, char **argv)
{
  g_autoptr (HySession) session = NULL;
  g_autoptr (GPtrArray) groups = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *failure = NULL;
  g_autoptr (HyServiceStatus) summary = NULL;
  const HyProfile *profile;
  HyStore *store;
  g_autoptr (GPtrArray) dead_items = NULL;
  guint open_alerts = 0, unrouted = 0;
  gint64 suppressed;
  int status;

  if (!hy_cli_parse (cli, &argc, &argv, NULL, NULL,
                     N_ ("Shows what the data directory holds: the connection, whether the "
                         "integration is enabled, the sync state of each mapped group, the "
                         "outbox, the alerts and the last error. Nothing is sent to Halo."),
                     &status))
    return status;
  if (argc > 1)
    return hy_cli_fail_usage (cli, _ ("status takes no arguments"));

  session = hy_cli_open_session (cli, &status);
  if (session == NULL)
    return status;
  store = hy_session_get_store (session);
  profile = hy_session_get_profile (session);

  /* What is true now, as the window's header says it: the state, the summary and the outbox
   * counts come from the one core status read. */
  summary = hy_service_status_read (session, &error);
  if (summary == NULL)
    return hy_cli_fail (cli, error);
  groups = hy_store_list_group_sync (store, TRUE, &error);
  if (groups == NULL)
    return hy_cli_fail (cli, error);
  dead_items = hy_store_outbox_list (store, HY_OUTBOX_STATE_DEAD, 0, 0, &error);
  if (dead_items == NULL)
    return hy_cli_fail (cli, error);
  if (!hy_store_count_alerts (store, &open_alerts, &unrouted, &error))
    return hy_cli_fail (cli, error);
  suppressed = hy_store_count_suppressed_alerts (store, &error);
  if (suppressed < 0)
    return hy_cli_fail (cli, error);
  failure = last_error (store, &error);
  if (error != NULL)
    return hy_cli_fail (cli, error);

  if (cli->json)
    {
      g_autoptr (JsonBuilder) builder = json_builder_new ();
      g_autoptr (JsonNode) node = NULL;

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "enabled");
      json_builder_add_boolean_value (builder, profile != NULL && profile->enabled);

      json_builder_set_member_name (builder, "groups");
      json_builder_begin_array (builder);
      for (guint i = 0; i < groups->len; i++)
        {
          HyGroupSync *group = groups->pdata[i];

          json_builder_begin_object (builder);
          json_builder_set_member_name (builder, "id");
          json_builder_add_string_value (builder, group->group_id);
          json_builder_set_member_name (builder, "name");
          json_builder_add_string_value (builder, group->group_name);
          json_builder_set_member_name (builder, "state");
          json_builder_add_string_value (builder, hy_sync_state_to_string (group->state));
          json_builder_set_member_name (builder, "devices");
          json_builder_add_int_value (builder, group->devices);
          json_builder_set_member_name (builder, "synced");
          json_builder_add_int_value (builder, group->synced);
          json_builder_set_member_name (builder, "failed");
          json_builder_add_int_value (builder, group->failed);
          json_builder_set_member_name (builder, "reason");
          if (group->reason != NULL)
            json_builder_add_string_value (builder, group->reason);
          else
            json_builder_add_null_value (builder);
          json_builder_end_object (builder);
        }
      json_builder_end_array (builder);

      json_builder_set_member_name (builder, "outbox");
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "pending");
      json_builder_add_int_value (builder, summary->pending);
      json_builder_set_member_name (builder, "dead");
      json_builder_add_int_value (builder, summary->dead);
      /* Added to the contract's document: which writes were given up, and why. */
      json_builder_set_member_name (builder, "dead_items");
      json_builder_begin_array (builder);
      for (guint i = 0; i < dead_items->len; i++)
        {
          HyOutboxItem *item = dead_items->pdata[i];

          json_builder_begin_object (builder);
          json_builder_set_member_name (builder, "id");
          json_builder_add_int_value (builder, item->id);
          json_builder_set_member_name (builder, "kind");
          json_builder_add_string_value (builder, item->kind);
          json_builder_set_member_name (builder, "record");
          if (item->record_key != NULL)
            json_builder_add_string_value (builder, item->record_key);
          else
            json_builder_add_null_value (builder);
          json_builder_set_member_name (builder, "reason");
          if (item->last_error != NULL)
            json_builder_add_string_value (builder, item->last_error);
          else
            json_builder_add_null_value (builder);
          json_builder_set_member_name (builder, "cause");
          if (item->dead_cause != NULL)
            json_builder_add_string_value (builder, item->dead_cause);
          else
            json_builder_add_null_value (builder);
          json_builder_set_member_name (builder, "attempts");
          json_builder_add_int_value (builder, item->attempts);
          json_builder_end_object (builder);
        }
      json_builder_end_array (builder);
      json_builder_end_object (builder);

      json_builder_set_member_name (builder, "alerts");
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "open");
      json_builder_add_int_value (builder, open_alerts);
      json_builder_set_member_name (builder, "unrouted");
      json_builder_add_int_value (builder, unrouted);
      /* held by a maintenance window: no ticket until it ends */
      json_builder_set_member_name (builder, "suppressed");
      json_builder_add_int_value (builder, suppressed);
      json_builder_end_object (builder);

      json_builder_set_member_name (builder, "last_error");
      if (failure != NULL)
        json_builder_add_string_value (builder, failure);
      else
        json_builder_add_null_value (builder);

      /* Added to the contract's document: the unrouted alerts and the intake. */
      if (!hy_cli_intake_status_json (store, builder, &error))
        return hy_cli_fail (cli, error);

      /* Added to the contract's document: where the computers' fields go in each asset type
       * (as `map fields --json` shows them). */
      if (!hy_cli_asset_fields_status_json (store, builder, &error))
        return hy_cli_fail (cli, error);

      /* Added to the contract's document: what is true now, as the window's header says it,
       * and who delivers. */
      json_builder_set_member_name (builder, "service");
      json_builder_add_value (builder, hy_service_status_to_json (summary));

      /* Added to the contract's document: the connection (never the secret). */
      json_builder_set_member_name (builder, "connection");
      if (profile != NULL)
        {
          json_builder_begin_object (builder);
          json_builder_set_member_name (builder, "url");
          json_builder_add_string_value (builder, profile->url);
          json_builder_set_member_name (builder, "tenant");
          if (profile->tenant != NULL)
            json_builder_add_string_value (builder, profile->tenant);
          else
            json_builder_add_null_value (builder);
          json_builder_set_member_name (builder, "client_id");
          json_builder_add_string_value (builder, profile->client_id);
          json_builder_end_object (builder);
        }
      else
        json_builder_add_null_value (builder);

      json_builder_end_object (builder);
      node = json_builder_get_root (builder);
      hy_cli_print_json (cli, node);
      return HY_CLI_EXIT_OK;
    }

  if (profile != NULL)
    /* Translators: %s are the Halo URL and the Client ID */
    hy_cli_print (cli, _ ("Connection: %s (Client ID %s)"), profile->url, profile->client_id);
  else
    hy_cli_print (cli, _ ("Connection: none (run “halyard-cli connect”)"));

  hy_cli_print (cli, "%s",
                profile != NULL && profile->enabled ? _ ("Integration: enabled")
                                                    : _ ("Integration: disabled"));
  /* Translators: %s is the one-sentence status, e.g. "Syncing: 10 of 12 devices" */
  hy_cli_print (cli, _ ("Status: %s"), summary->summary);
  if (summary->deliverer != NULL)
    {
      g_autofree char *pid = g_strdup_printf ("%" G_GINT64_FORMAT, summary->deliverer->pid);

      /* Translators: the program that delivers (e.g. "halyard-cli serve"), its process id and
       * host name */
      hy_cli_print (cli, _ ("Delivered by: %s (process %s on %s)"), summary->deliverer->command,
                    pid, summary->deliverer->host);
    }
  else if (profile != NULL && profile->enabled)
    hy_cli_print (cli, _ ("Delivered by: nobody now (run “halyard-cli serve”, or open "
                          "Halyard)"));

  if (groups->len == 0)
    hy_cli_print (cli, _ ("Mapped groups: none"));
  else
    hy_cli_print (cli, _ ("Mapped groups:"));
  for (guint i = 0; i < groups->len; i++)
    {
      HyGroupSync *group = groups->pdata[i];

      /* Translators: a group row: its name, its sync state, then synced / devices and failed
       * counts, e.g. "  Servers: Synced (12 of 12 devices, 0 failed)" */
      hy_cli_print (cli, _ ("  %s: %s (%'u of %'u devices synced, %'u failed)"), group->group_name,
                    sync_state_label (group->state), group->synced, group->devices, group->failed);
      if (group->reason != NULL)
        /* Translators: why a group failed to sync */
        hy_cli_print (cli, _ ("    Reason: %s"), group->reason);
    }

  /* Translators: the outbox of pending Halo writes; the numbers are counts of writes waiting
   * to be sent and of writes Halyard gave up on */
  hy_cli_print (cli, _ ("Outbox: %'lld pending, %'lld given up"), (long long) summary->pending,
                (long long) summary->dead);
  for (guint i = 0; i < dead_items->len; i++)
    {
      HyOutboxItem *item = dead_items->pdata[i];

      /* Translators: a write Halyard gave up on: the record it concerns (e.g. "alert:a1"), its
       * kind (e.g. "ticket.create"), then why */
      hy_cli_print (cli, _ ("  Given up: %s (%s): %s"),
                    item->record_key != NULL ? item->record_key : "—", item->kind,
                    item->last_error != NULL ? item->last_error : "—");
      hy_cli_print (cli, "    %s", hy_sync_attempt_cause_hint (item->dead_cause));
    }
  hy_cli_print (cli, _ ("Alerts: %'u open, %'u unrouted"), open_alerts, unrouted);
  if (suppressed > 0)
    hy_cli_print (cli,
                  /* Translators: alerts kept without a ticket during a maintenance window */
                  g_dngettext (GETTEXT_PACKAGE,
                               "  %'u held by a maintenance window: its ticket opens when the "
                               "window ends",
                               "  %'u held by a maintenance window: their tickets open when the "
                               "window ends",
                               (gulong) suppressed),
                  (guint) suppressed);
  if (!hy_cli_intake_status_print (cli, store, &error))
    return hy_cli_fail (cli, error);
  if (!hy_cli_asset_fields_status_print (cli, store, &error))
    return hy_cli_fail (cli, error);
  if (failure != NULL)
    hy_cli_print (cli, _ ("Last error: %s"), failure);
  else
    hy_cli_print (cli, _ ("Last error: none"));

  return HY_CLI_EXIT_OK;
}

/* ------------------------------------------------------------------------- */
/* events                                                                    */
/* ------------------------------------------------------------------------- */

static char *
format_time (gint64 time_us)
{
  g_autoptr (GDateTime) utc = NULL;

  utc = g_date_time_new_from_unix_utc (time_us / G_USEC_PER_SEC);
  if (utc == NULL)
    return g_strdup ("");

  return g_date_time_format (utc, "%Y-%m-%dT%H:%M:%SZ");
}

/* The human listing shows the local date and time in the locale's own format. */
static char *
format_local_time (gint64 time_us)
{
  g_autoptr (GDateTime) utc = NULL;
  g_autoptr (GDateTime) local = NULL;

  utc = g_date_time_new_from_unix_utc (time_us / G_USEC_PER_SEC);
  if (utc == NULL)
    return g_strdup ("");
  local = g_date_time_to_local (utc);

  return g_date_time_format (local, "%x %X");
}

#define EVENTS_MAX_LIMIT 100000

int
hy_cli_events (HyCli *cli, int argc, char **argv)
{
  g_autofree char *limit_text = NULL;
  gboolean failed = FALSE;
  const GOptionEntry entries[] = {
    { "failed", 0, 0, G_OPTION_ARG_NONE, &failed, N_ ("Only failed requests"), NULL },
    { "limit", 0, 0, G_OPTION_ARG_STRING, &limit_text, N_ ("Show at most N events (default: 100)"),
      N_ ("N") },
    { NULL },
  };
  HyEventsQuery query = HY_EVENTS_QUERY_INIT;
  g_autoptr (HySession) session = NULL;
  g_autoptr (GPtrArray) events = NULL;
  g_autoptr (GError) error = NULL;
  gint64 limit = 100;
  int status;

  if (!hy_cli_parse (cli, &argc, &argv, entries, NULL,
                     N_ ("Lists the requests Halyard sent to Halo, newest first: time, method, "
                         "path, HTTP status, duration, the record it concerns and Halo’s error. "
                         "Secrets and tokens never appear."),
                     &status))
    return status;
  if (argc > 1)
    return hy_cli_fail_usage (cli, _ ("events takes no arguments besides its options"));

  if (limit_text != NULL)
    {
      if (!hy_cli_parse_int (limit_text, "--limit", &limit, &error))
        return hy_cli_fail (cli, error);
      if (limit < 1 || limit > EVENTS_MAX_LIMIT)
        {
          g_autofree char *message = NULL;

          message = g_strdup_printf (_ ("--limit must be between 1 and %'d"), EVENTS_MAX_LIMIT);
          return hy_cli_fail_usage (cli, message);
        }
    }

  session = hy_cli_open_session (cli, &status);
  if (session == NULL)
    return status;

  query.limit = (guint) limit;
  query.failed_only = failed;
  events = hy_store_events_list (hy_session_get_store (session), &query, &error);
  if (events == NULL)
    return hy_cli_fail (cli, error);

  if (cli->json)
    {
      g_autoptr (JsonBuilder) builder = json_builder_new ();
      g_autoptr (JsonNode) node = NULL;

      json_builder_begin_array (builder);
      for (guint i = 0; i < events->len; i++)
        {
          HyEvent *event = events->pdata[i];
          g_autofree char *time = format_time (event->time);

          json_builder_begin_object (builder);
          json_builder_set_member_name (builder, "time");
          json_builder_add_string_value (builder, time);
          json_builder_set_member_name (builder, "method");
          json_builder_add_string_value (builder, event->method);
          json_builder_set_member_name (builder, "path");
          json_builder_add_string_value (builder, event->path);
          /* Added with schema 9: null for requests logged before. */
          json_builder_set_member_name (builder, "host");
          if (event->host != NULL)
            json_builder_add_string_value (builder, event->host);
          else
            json_builder_add_null_value (builder);
          json_builder_set_member_name (builder, "status");
          json_builder_add_int_value (builder, event->status);
          json_builder_set_member_name (builder, "duration_ms");
          json_builder_add_int_value (builder, event->duration_ms);
          json_builder_set_member_name (builder, "record");
          if (event->record != NULL)
            json_builder_add_string_value (builder, event->record);
          else
            json_builder_add_null_value (builder);
          json_builder_set_member_name (builder, "error");
          if (event->error != NULL)
            json_builder_add_string_value (builder, event->error);
          else
            json_builder_add_null_value (builder);
          json_builder_end_object (builder);
        }
      json_builder_end_array (builder);

      node = json_builder_get_root (builder);
      hy_cli_print_json (cli, node);
      return HY_CLI_EXIT_OK;
    }

  if (events->len == 0)
    {
      hy_cli_print (cli, failed ? _ ("No failed requests.") : _ ("No requests yet."));
      return HY_CLI_EXIT_OK;
    }

  for (guint i = 0; i < events->len; i++)
    {
      HyEvent *event = events->pdata[i];
      g_autofree char *time = format_local_time (event->time);
      g_autoptr (GString) line = g_string_new (NULL);

      g_string_append_printf (line, "%s  %-5s %3u  %'6" G_GINT64_FORMAT " ms  %s", time,
                              event->method, event->status, event->duration_ms, event->path);
      if (event->record != NULL)
        g_string_append_printf (line, "  [%s]", event->record);
      hy_cli_print (cli, "%s", line->str);
      if (event->error != NULL)
        /* Translators: Halo's error text for a request, under the request's line */
        hy_cli_print (cli, _ ("      Error: %s"), event->error);
    }

  return HY_CLI_EXIT_OK;
}
