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
#include "hy-cli-hints.h"
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

/* What halyard-cli status shows, read from the store. */
typedef struct
{
  const HyProfile *profile; /* the session's; NULL: not connected */
  HyServiceStatus *summary; /* what is true now, as the window's header says it */
  GPtrArray *groups;        /* HyGroupSync of the mapped groups */
  GPtrArray *dead_items;    /* HyOutboxItem given up on */
  guint open_alerts;
  guint unrouted;
  gint64 suppressed;
  char *failure; /* the last failed request, NULL: none */
} StatusReport;

static void
status_report_clear (StatusReport *r)
{
  g_clear_pointer (&r->summary, hy_service_status_free);
  g_clear_pointer (&r->groups, g_ptr_array_unref);
  g_clear_pointer (&r->dead_items, g_ptr_array_unref);
  g_clear_pointer (&r->failure, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (StatusReport, status_report_clear)

static gboolean
status_report_read (HySession *session, StatusReport *r, GError **error)
{
  HyStore *store = hy_session_get_store (session);
  g_autoptr (GError) local_error = NULL;

  r->profile = hy_session_get_profile (session);
  /* The state, the summary and the outbox counts come from the one core status read. */
  r->summary = hy_service_status_read (session, error);
  if (r->summary == NULL)
    return FALSE;
  r->groups = hy_store_list_group_sync (store, TRUE, error);
  if (r->groups == NULL)
    return FALSE;
  r->dead_items = hy_store_outbox_list (store, HY_OUTBOX_STATE_DEAD, 0, 0, error);
  if (r->dead_items == NULL)
    return FALSE;
  if (!hy_store_count_alerts (store, &r->open_alerts, &r->unrouted, error))
    return FALSE;
  r->suppressed = hy_store_count_suppressed_alerts (store, error);
  if (r->suppressed < 0)
    return FALSE;
  r->failure = last_error (store, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  return TRUE;
}

/* A stored reason's code, and the command that fixes it: the "reason_code" and "hint" members
 * (null when there is none). */
static void
add_reason_code (JsonBuilder *builder, HyReason reason)
{
  json_builder_set_member_name (builder, "reason_code");
  if (hy_reason_to_string (reason) != NULL)
    json_builder_add_string_value (builder, hy_reason_to_string (reason));
  else
    json_builder_add_null_value (builder);
  json_builder_set_member_name (builder, "hint");
  if (hy_cli_reason_hint (reason) != NULL)
    json_builder_add_string_value (builder, hy_cli_reason_hint (reason));
  else
    json_builder_add_null_value (builder);
}

/* The mapped groups' sync states, as the "groups" member. */
static void
add_groups_json (JsonBuilder *builder, GPtrArray *groups)
{
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
      add_reason_code (builder, group->reason != NULL ? group->reason_code : HY_REASON_NONE);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
}

/* The outbox, as the "outbox" member: the counts (the core status read's) and the writes given
 * up on. */
static void
add_outbox_json (JsonBuilder *builder, const StatusReport *r)
{
  json_builder_set_member_name (builder, "outbox");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "pending");
  json_builder_add_int_value (builder, r->summary->pending);
  json_builder_set_member_name (builder, "dead");
  json_builder_add_int_value (builder, r->summary->dead);
  /* Added to the contract's document: which writes were given up, and why. */
  json_builder_set_member_name (builder, "dead_items");
  json_builder_begin_array (builder);
  for (guint i = 0; i < r->dead_items->len; i++)
    {
      HyOutboxItem *item = r->dead_items->pdata[i];

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
      json_builder_set_member_name (builder, "hint");
      if (hy_cli_cause_hint (item->dead_cause) != NULL)
        json_builder_add_string_value (builder, hy_cli_cause_hint (item->dead_cause));
      else
        json_builder_add_null_value (builder);
      json_builder_set_member_name (builder, "attempts");
      json_builder_add_int_value (builder, item->attempts);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);
}

/* The connection (never the secret), as the "connection" member. */
static void
add_connection_json (JsonBuilder *builder, const HyProfile *profile)
{
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
}

/* The status document (DESIGN.md's CLI contract, with its additions). */
static int
print_status_json (HyCli *cli, HyStore *store, const StatusReport *r)
{
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  g_autoptr (JsonNode) node = NULL;
  g_autoptr (GError) error = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "enabled");
  json_builder_add_boolean_value (builder, r->profile != NULL && r->profile->enabled);
  add_groups_json (builder, r->groups);
  add_outbox_json (builder, r);
  json_builder_set_member_name (builder, "alerts");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "open");
  json_builder_add_int_value (builder, r->open_alerts);
  json_builder_set_member_name (builder, "unrouted");
  json_builder_add_int_value (builder, r->unrouted);
  /* held by a maintenance window: no ticket until it ends */
  json_builder_set_member_name (builder, "suppressed");
  json_builder_add_int_value (builder, r->suppressed);
  json_builder_end_object (builder);

  json_builder_set_member_name (builder, "last_error");
  if (r->failure != NULL)
    json_builder_add_string_value (builder, r->failure);
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
  json_builder_add_value (builder, hy_service_status_to_json (r->summary));
  add_connection_json (builder, r->profile);
  json_builder_end_object (builder);
  node = json_builder_get_root (builder);
  hy_cli_print_json (cli, node);
  return HY_CLI_EXIT_OK;
}

/* The status in words. */
static int
print_status_text (HyCli *cli, HyStore *store, const StatusReport *r)
{
  g_autoptr (GError) error = NULL;

  if (r->profile != NULL)
    /* Translators: %s are the Halo URL and the Client ID */
    hy_cli_print (cli, _ ("Connection: %s (Client ID %s)"), r->profile->url, r->profile->client_id);
  else
    hy_cli_print (cli, _ ("Connection: none (run “halyard-cli connect”)"));

  hy_cli_print (cli, "%s",
                r->profile != NULL && r->profile->enabled ? _ ("Integration: enabled")
                                                          : _ ("Integration: disabled"));
  /* Translators: %s is the one-sentence status, e.g. "Syncing: 10 of 12 devices" */
  hy_cli_print (cli, _ ("Status: %s"), r->summary->summary);
  if (r->summary->deliverer != NULL)
    {
      g_autofree char *pid = g_strdup_printf ("%" G_GINT64_FORMAT, r->summary->deliverer->pid);

      /* Translators: the program that delivers (e.g. "halyard-cli serve"), its process id and
       * host name */
      hy_cli_print (cli, _ ("Delivered by: %s (process %s on %s)"), r->summary->deliverer->command,
                    pid, r->summary->deliverer->host);
    }
  else if (r->profile != NULL && r->profile->enabled)
    hy_cli_print (cli, _ ("Delivered by: nobody now (run “halyard-cli serve”, or open "
                          "Halyard)"));

  if (r->groups->len == 0)
    hy_cli_print (cli, _ ("Mapped groups: none"));
  else
    hy_cli_print (cli, _ ("Mapped groups:"));
  for (guint i = 0; i < r->groups->len; i++)
    {
      HyGroupSync *group = r->groups->pdata[i];

      /* Translators: a group row: its name, its sync state, then synced / devices and failed
       * counts, e.g. "  Servers: Synced (12 of 12 devices, 0 failed)" */
      hy_cli_print (cli, _ ("  %s: %s (%'u of %'u devices synced, %'u failed)"), group->group_name,
                    sync_state_label (group->state), group->synced, group->devices, group->failed);
      if (group->reason != NULL)
        /* Translators: why a group failed to sync */
        hy_cli_print (cli, _ ("    Reason: %s"), group->reason);
      if (group->reason != NULL && hy_cli_reason_hint (group->reason_code) != NULL)
        hy_cli_print (cli, "    %s", hy_cli_reason_hint (group->reason_code));
    }

  /* Translators: the outbox of pending Halo writes; the numbers are counts of writes waiting
   * to be sent and of writes Halyard gave up on */
  hy_cli_print (cli, _ ("Outbox: %'lld pending, %'lld given up"), (long long) r->summary->pending,
                (long long) r->summary->dead);
  for (guint i = 0; i < r->dead_items->len; i++)
    {
      HyOutboxItem *item = r->dead_items->pdata[i];

      /* Translators: a write Halyard gave up on: the record it concerns (e.g. "alert:a1"), its
       * kind (e.g. "ticket.create"), then why */
      hy_cli_print (cli, _ ("  Given up: %s (%s): %s"),
                    item->record_key != NULL ? item->record_key : "—", item->kind,
                    item->last_error != NULL ? item->last_error : "—");
      hy_cli_print (cli, "    %s", hy_sync_attempt_cause_hint (item->dead_cause));
      if (hy_cli_cause_hint (item->dead_cause) != NULL)
        hy_cli_print (cli, "    %s", hy_cli_cause_hint (item->dead_cause));
    }
  hy_cli_print (cli, _ ("Alerts: %'u open, %'u unrouted"), r->open_alerts, r->unrouted);
  if (r->suppressed > 0)
    hy_cli_print (cli,
                  /* Translators: alerts kept without a ticket during a maintenance window */
                  g_dngettext (GETTEXT_PACKAGE,
                               "  %'u held by a maintenance window: its ticket opens when the "
                               "window ends",
                               "  %'u held by a maintenance window: their tickets open when the "
                               "window ends",
                               (gulong) r->suppressed),
                  (guint) r->suppressed);
  if (!hy_cli_intake_status_print (cli, store, &error))
    return hy_cli_fail (cli, error);
  if (!hy_cli_asset_fields_status_print (cli, store, &error))
    return hy_cli_fail (cli, error);
  if (r->failure != NULL)
    hy_cli_print (cli, _ ("Last error: %s"), r->failure);
  else
    hy_cli_print (cli, _ ("Last error: none"));

  return HY_CLI_EXIT_OK;
}

int
hy_cli_status (HyCli *cli, int argc, char **argv)
{
  g_autoptr (HySession) session = NULL;
  g_autoptr (GError) error = NULL;
  g_auto (StatusReport) report = { 0 };
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
  if (!status_report_read (session, &report, &error))
    return hy_cli_fail (cli, error);

  if (cli->json)
    return print_status_json (cli, hy_session_get_store (session), &report);
  return print_status_text (cli, hy_session_get_store (session), &report);
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

/* The events document: one object per request, newest first. */
static void
print_events_json (HyCli *cli, GPtrArray *events)
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
}

/* The events in words, one line per request (and its error under it). */
static void
print_events_text (HyCli *cli, GPtrArray *events, gboolean failed)
{
  if (events->len == 0)
    {
      hy_cli_print (cli, failed ? _ ("No failed requests.") : _ ("No requests yet."));
      return;
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
}

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
    print_events_json (cli, events);
  else
    print_events_text (cli, events, failed);
  return HY_CLI_EXIT_OK;
}
