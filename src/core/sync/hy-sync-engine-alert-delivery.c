/* hy-sync-engine-alert-delivery.c: delivering alert writes: ticket creates, notes, closes, actions
 * and ticket assets, each looked up first when its outcome is unknown
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "hy-sync"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "sync/hy-sync-engine-private.h"
#include "sync/hy-sync-payload.h"
#include "sync/hy-ticket-lifecycle.h"

/* ------------------------------------------------------------------------- */
/* Delivering alert writes                                                   */
/* ------------------------------------------------------------------------- */

/* The most search hits read one by one to confirm: the marker is unique, so more hits than
 * this means Halo ignored the filter, and reading every ticket is not a look-up. */
#define MAX_TICKET_HITS 10

/* The ticket created for @alert, looked up by its stable key after a create whose outcome is
 * unknown (0: none). Halo's ticket lists carry no details, whatever the query asks
 * (HALO-API §11): the search narrows the client's tickets to those whose details contain the
 * marker line (search_details=<text>), and each hit is read with its details
 * (GET /Tickets/{id}?includedetails=true) and checked. */
gboolean
_hy_sync_engine_lookup_ticket (HySyncRun *run,
                               const HyAlert *alert,
                               gint64 client_id,
                               const char *record,
                               gint64 *out_id,
                               GError **error)
{
  g_autofree char *key = hy_sync_ticket_key (alert->id, alert->raised_at);
  g_autofree char *marker = g_strconcat ("Halyard alert: ", key, NULL);
  g_autoptr (GArray) hits = g_array_new (FALSE, FALSE, sizeof (gint64));
  HySyncCall search = { .self = run->self,
                        .op = OP_SEARCH_TICKETS,
                        .priority = HY_HALO_PRIORITY_ALERT,
                        .cancellable = run->cancellable,
                        .id = client_id,
                        .record = record,
                        .search = marker };

  *out_id = 0;
  if (!_hy_sync_engine_call_run_or_propagate (&search, error))
    return FALSE;
  for (guint i = 0; i < search.list->records->len && hits->len < MAX_TICKET_HITS; i++)
    {
      gint64 id = hy_halo_record_get_id (g_ptr_array_index (search.list->records, i));
      if (id > 0)
        g_array_append_val (hits, id);
    }
  _hy_sync_engine_call_clear (&search);

  for (guint i = 0; i < hits->len && *out_id == 0; i++)
    {
      HySyncCall get = { .self = run->self,
                         .op = OP_GET_TICKET,
                         .priority = HY_HALO_PRIORITY_ALERT,
                         .cancellable = run->cancellable,
                         .record = record,
                         .id = g_array_index (hits, gint64, i) };

      if (!_hy_sync_engine_call_run_or_propagate (&get, error))
        return FALSE;
      if (hy_sync_ticket_match (hy_halo_record_get_object (get.rec), key, client_id))
        *out_id = get.id;
      _hy_sync_engine_call_clear (&get);
    }
  return TRUE;
}

gboolean
_hy_sync_engine_lookup_action (HySyncRun *run,
                               gint64 ticket_id,
                               const char *record,
                               const char *note,
                               const char *datetime,
                               gboolean *out_found,
                               GError **error)
{
  g_autofree char *query = g_strdup_printf ("ticket_id=%" G_GINT64_FORMAT, ticket_id);
  HySyncCall call = { .self = run->self,
                      .op = OP_LIST,
                      .priority = HY_HALO_PRIORITY_ALERT,
                      .cancellable = run->cancellable,
                      .kind = HY_HALO_KIND_ACTION,
                      .record = record,
                      .query = query,
                      .check_member = "ticket_id",
                      .check_value = ticket_id };

  *out_found = FALSE;
  if (!_hy_sync_engine_call_run_or_propagate (&call, error))
    return FALSE;
  for (guint i = 0; i < call.list->records->len && !*out_found; i++)
    {
      HyHaloRecord *r = g_ptr_array_index (call.list->records, i);
      *out_found = hy_sync_action_match (hy_halo_record_get_object (r), ticket_id, note, datetime);
    }
  _hy_sync_engine_call_clear (&call);
  return TRUE;
}

void
_hy_sync_engine_alert_delivered (HySyncRun *run,
                                 HyOutboxItem *item,
                                 const char *alert_id,
                                 gint64 ticket_id)
{
  g_autoptr (GError) error = NULL;
  HyStore *store = run->self->store;

  if (!hy_store_begin (store, &error))
    {
      g_warning ("%s", error->message);
      return;
    }
  if (!hy_store_set_alert_delivery (store, alert_id, HY_ALERT_STATE_DELIVERED, ticket_id, NULL,
                                    &error) ||
      !hy_store_outbox_complete (store, item->id, &error))
    {
      g_warning ("Recording ticket %" G_GINT64_FORMAT " of alert %s: %s", ticket_id, alert_id,
                 error->message);
      hy_store_rollback (store);
      return;
    }
  if (!hy_store_commit (store, &error))
    g_warning ("%s", error->message);
  _hy_sync_engine_outstanding_remove (run, item->record_key, item->id);
  run->report->delivered++;
}

static void
alert_item_failed (HySyncRun *run, HyOutboxItem *item, const char *alert_id, const GError *cause)
{
  guint dead_before = run->report->dead;

  _hy_sync_engine_item_failed (run, item, cause);
  if (run->report->dead > dead_before && g_strcmp0 (item->kind, HY_SYNC_KIND_TICKET_CREATE) == 0)
    hy_store_set_alert_delivery (run->self->store, alert_id, HY_ALERT_STATE_DEAD, 0, cause->message,
                                 NULL);
}

JsonNode *
_hy_sync_engine_ticket_body (HySyncRun *run, const HyAlert *alert, const HySyncRoute *route)
{
  g_autoptr (HyPolicyDefaults) defaults = NULL;
  HySyncTicketSpec spec = { 0 };

  spec.alert_id = alert->id;
  spec.raised_at = alert->raised_at;
  spec.summary = alert->summary;
  spec.details = alert->details;
  spec.severity = alert->severity;
  spec.computer_name = route->computer_name;
  spec.tickettype_id = route->tickettype_id;
  spec.client_id = route->client_id;
  spec.site_id = route->site_id;
  spec.asset_id = route->asset_id;
  /* The spec borrows the defaults' strings until the body is built. */
  hy_ticket_lifecycle_fill_spec (run->self->store, alert, &spec, &defaults);
  return hy_sync_ticket_create_payload (&spec);
}

void
_hy_sync_engine_ticket_created (HySyncRun *run,
                                HyOutboxItem *item,
                                const HyAlert *alert,
                                HyHaloRecord *ticket)
{
  /* The status Halyard set: a status other than it on clear was changed by hand. */
  hy_ticket_lifecycle_set_status (run->self->store, alert->id,
                                  hy_halo_record_get_int (ticket, "status_id"));
  _hy_sync_engine_alert_delivered (run, item, alert->id, hy_halo_record_get_id (ticket));
}

/* Looks @alert's ticket up by its key (in @client_id), in case an earlier create reached Halo.
 * TRUE when that settles @item: the look-up failed (@item failed with its error) or found the
 * ticket (the alert is delivered); FALSE when there is no such ticket. */
static gboolean
settled_by_ticket_lookup (HySyncRun *run, HyOutboxItem *item, HyAlert *alert, gint64 client_id)
{
  g_autoptr (GError) error = NULL;
  gint64 ticket_id = 0;

  if (!_hy_sync_engine_lookup_ticket (run, alert, client_id, item->record_key, &ticket_id, &error))
    {
      alert_item_failed (run, item, alert->id, error);
      return TRUE;
    }
  if (ticket_id <= 0)
    return FALSE;
  _hy_sync_engine_alert_delivered (run, item, alert->id, ticket_id);
  return TRUE;
}

/* Creates @alert's ticket; with @look_up_first (an earlier create may have reached Halo), only
 * when looking it up by its key finds none. */
static void
deliver_ticket_create (HySyncRun *run, HyOutboxItem *item, HyAlert *alert, gboolean look_up_first)
{
  HySyncRoute route;
  g_autofree char *reason = NULL;
  g_autoptr (JsonNode) body = NULL;
  gint64 ticket_id = 0;
  HySyncCall call = { .self = run->self,
                      .op = OP_CREATE_TICKET,
                      .priority = HY_HALO_PRIORITY_ALERT,
                      .cancellable = run->cancellable,
                      .record = item->record_key };

  if (alert->ticket_id > 0)
    {
      _hy_sync_engine_alert_delivered (run, item, alert->id, alert->ticket_id);
      return;
    }
  if (!_hy_sync_engine_route_alert (run->self->store, alert, &route, &reason))
    {
      /* The route went away since the alert was queued: keep the alert, with the reason. */
      hy_store_set_alert_delivery_why (run->self->store, alert->id, HY_ALERT_STATE_UNROUTED, 0,
                                       reason, route.why, NULL);
      _hy_sync_engine_item_complete (run, item);
      run->report->delivered--;
      return;
    }
  if (look_up_first && settled_by_ticket_lookup (run, item, alert, route.client_id))
    {
      _hy_sync_engine_route_clear (&route);
      return;
    }

  body = _hy_sync_engine_ticket_body (run, alert, &route);
  call.object = json_node_get_object (body);
  _hy_sync_engine_ticket_posted (run->self);
  if (_hy_sync_engine_call_run (&call))
    {
      ticket_id = call.rec != NULL ? hy_halo_record_get_id (call.rec) : 0;
      if (ticket_id > 0)
        {
          _hy_sync_engine_ticket_created (run, item, alert, call.rec);
          _hy_sync_engine_call_clear (&call);
          _hy_sync_engine_route_clear (&route);
          return;
        }
      _hy_sync_engine_call_clear (&call);
      g_set_error_literal (&call.error, HY_HALO_ERROR, HY_HALO_ERROR_BAD_RESPONSE,
                           _ ("Halo did not return the new ticket’s id"));
    }
  {
    g_autoptr (GError) cause = g_steal_pointer (&call.error);

    _hy_sync_engine_call_clear (&call);
    /* The create may have reached Halo although its answer did not come back. */
    if (!_hy_sync_engine_error_outcome_uncertain (cause) ||
        !settled_by_ticket_lookup (run, item, alert, route.client_id))
      alert_item_failed (run, item, alert->id, cause);
  }
  _hy_sync_engine_route_clear (&route);
}

/* Whether Halo honours who_agentid for an application's token is uncertain (HALO-API §11): the
 * saved action Halo answered with says whom it recorded; when that is not the technician asked
 * for, the events log says so, with both names. */
static void
check_action_agent (HySyncRun *run,
                    HyOutboxItem *item,
                    const HySyncActionSpec *spec,
                    HyHaloRecord *saved)
{
  gint64 recorded;
  g_autoptr (HyCacheRecord) asked = NULL;
  g_autofree char *asked_name = NULL;
  g_autofree char *recorded_name = NULL;
  g_autofree char *message = NULL;
  const char *who;

  if (spec->agent_id <= 0 || saved == NULL)
    return;
  recorded = hy_halo_record_get_int (saved, "who_agentid");
  if (recorded == spec->agent_id)
    return;
  asked = hy_store_cache_get (run->self->store, HY_CACHE_KIND_AGENT, spec->agent_id, NULL);
  asked_name = asked != NULL && asked->name != NULL
                   ? g_strdup_printf ("%s (%" G_GINT64_FORMAT ")", asked->name, spec->agent_id)
                   : g_strdup_printf ("%" G_GINT64_FORMAT, spec->agent_id);
  who = hy_halo_record_get_string (saved, "who");
  if (recorded > 0)
    recorded_name = who != NULL && *who != '\0'
                        ? g_strdup_printf ("%s (%" G_GINT64_FORMAT ")", who, recorded)
                        : g_strdup_printf ("%" G_GINT64_FORMAT, recorded);
  if (recorded_name != NULL)
    message = g_strdup_printf (
        /* Translators: the first %s is the Halo agent the action was recorded for, the second the
         * technician's Halo agent Halyard asked for; each is a name with its id in brackets */
        _ ("Halo recorded the action as done by %s, not by %s: it did not honour who_agentid for "
           "this application"),
        recorded_name, asked_name);
  else
    message = g_strdup_printf (
        /* Translators: %s is the technician's Halo agent, a name with its id in brackets */
        _ ("Halo did not say whom it recorded the action for (asked: %s)"), asked_name);
  _hy_sync_engine_report_warning (run->self, "POST", "/api/Actions", item->record_key, message);
}

/* Whether the action of @item (@note at @datetime on @ticket_id) is on its ticket already: an
 * earlier attempt may have made it. FALSE when Halo could not be asked (@item failed with its
 * error). */
static gboolean
look_up_action (HySyncRun *run,
                HyOutboxItem *item,
                gint64 ticket_id,
                const char *note,
                const char *datetime,
                gboolean *out_found)
{
  g_autoptr (GError) error = NULL;

  if (!_hy_sync_engine_lookup_action (run, ticket_id, item->record_key, note, datetime, out_found,
                                      &error))
    {
      _hy_sync_engine_item_failed (run, item, error);
      return FALSE;
    }
  return TRUE;
}

/* Looks @spec's action up on its ticket. TRUE when that settles @item: the look-up failed
 * (@item failed) or found the action (@item is complete); FALSE when there is no such action. */
static gboolean
settled_by_action_lookup (HySyncRun *run, HyOutboxItem *item, const HySyncActionSpec *spec)
{
  gboolean found = FALSE;

  if (!look_up_action (run, item, spec->ticket_id, spec->note, spec->datetime, &found))
    return TRUE;
  if (found)
    _hy_sync_engine_item_complete (run, item);
  return found;
}

static void
deliver_action (HySyncRun *run, HyOutboxItem *item, HyAlert *alert, JsonObject *payload)
{
  HySyncActionSpec spec = { 0 };
  g_autoptr (JsonNode) body = NULL;
  HySyncCall call = { .self = run->self,
                      .op = OP_CREATE_ACTION,
                      .priority = HY_HALO_PRIORITY_ALERT,
                      .cancellable = run->cancellable,
                      .record = item->record_key };

  spec.ticket_id = alert->ticket_id;
  spec.outcome = hy_sync_json_string (payload, "outcome");
  spec.outcome_id = hy_sync_json_int (payload, "outcome_id");
  spec.note = hy_sync_json_string (payload, "note");
  spec.hours = hy_sync_minutes_to_hours ((guint) hy_sync_json_int (payload, "minutes"));
  spec.agent_id = hy_sync_json_int (payload, "agent_id");
  spec.datetime = hy_sync_json_string (payload, "datetime");
  if (spec.outcome == NULL)
    spec.outcome = "Private Note";

  if (item->attempts > 0 && settled_by_action_lookup (run, item, &spec))
    return;
  body = hy_sync_action_payload (&spec);
  call.object = json_node_get_object (body);
  if (_hy_sync_engine_call_run (&call))
    {
      check_action_agent (run, item, &spec, call.rec);
      _hy_sync_engine_call_clear (&call);
      _hy_sync_engine_item_complete (run, item);
      return;
    }
  {
    g_autoptr (GError) cause = g_steal_pointer (&call.error);

    _hy_sync_engine_call_clear (&call);
    /* The action may have reached Halo although its answer did not come back. */
    if (!_hy_sync_engine_error_outcome_uncertain (cause) ||
        !settled_by_action_lookup (run, item, &spec))
      _hy_sync_engine_item_failed (run, item, cause);
  }
}

/* call_run () for a write of @item: when it fails, @call is cleared and @item failed with its
 * error. */
static gboolean
call_run_for_item (HySyncRun *run, HyOutboxItem *item, HySyncCall *call)
{
  g_autoptr (GError) cause = NULL;

  if (_hy_sync_engine_call_run (call))
    return TRUE;
  cause = g_steal_pointer (&call->error);
  _hy_sync_engine_call_clear (call);
  _hy_sync_engine_item_failed (run, item, cause);
  return FALSE;
}

/* Whether someone other than Halyard worked the alert's ticket: an action (or time) by another
 * agent, or a status Halyard did not set. FALSE when Halo could not be asked (@item failed). */
static gboolean
ticket_worked (HySyncRun *run,
               HyOutboxItem *item,
               HyAlert *alert,
               gboolean *out_worked,
               char **out_why)
{
  g_autofree char *query = g_strdup_printf ("ticket_id=%" G_GINT64_FORMAT, alert->ticket_id);
  HySyncCall me = { .self = run->self,
                    .op = OP_AGENT_ME,
                    .priority = HY_HALO_PRIORITY_ALERT,
                    .cancellable = run->cancellable,
                    .record = item->record_key };
  HySyncCall actions = { .self = run->self,
                         .op = OP_LIST,
                         .priority = HY_HALO_PRIORITY_ALERT,
                         .cancellable = run->cancellable,
                         .kind = HY_HALO_KIND_ACTION,
                         .record = item->record_key,
                         .query = query,
                         .check_member = "ticket_id",
                         .check_value = alert->ticket_id };
  HySyncCall ticket = { .self = run->self,
                        .op = OP_GET_TICKET,
                        .priority = HY_HALO_PRIORITY_ALERT,
                        .cancellable = run->cancellable,
                        .record = item->record_key,
                        .id = alert->ticket_id };
  gint64 set_status;

  *out_worked = FALSE;
  if (run->self->me_id <= 0)
    {
      if (!call_run_for_item (run, item, &me))
        return FALSE;
      run->self->me_id = hy_halo_record_get_id (me.rec);
      _hy_sync_engine_call_clear (&me);
    }
  if (!call_run_for_item (run, item, &actions))
    return FALSE;
  for (guint i = 0; i < actions.list->records->len && !*out_worked; i++)
    {
      HyHaloRecord *r = g_ptr_array_index (actions.list->records, i);
      gint64 who = hy_halo_record_get_int (r, "who_agentid");

      if (who > 0 && who != run->self->me_id)
        {
          const char *name = hy_halo_record_get_string (r, "who");
          *out_worked = TRUE;
          *out_why = hy_ticket_lifecycle_worked_note (name, FALSE, NULL);
        }
    }
  _hy_sync_engine_call_clear (&actions);
  if (*out_worked)
    return TRUE;
  set_status = hy_ticket_lifecycle_get_set_status (run->self->store, alert->id);
  if (set_status <= 0)
    return TRUE; /* what Halyard set is not known: only the actions tell */
  if (!call_run_for_item (run, item, &ticket))
    return FALSE;
  if (hy_halo_record_get_int (ticket.rec, "status_id") != set_status)
    {
      *out_worked = TRUE;
      *out_why =
          hy_ticket_lifecycle_worked_note (NULL, TRUE,
                                           hy_halo_record_get_string (ticket.rec, "status_name"));
    }
  _hy_sync_engine_call_clear (&ticket);
  return TRUE;
}

/* Posts @text (at @datetime; NULL: now) as a note on @alert's ticket, with the outcome Halyard
 * chose for its notes; FALSE when @item failed. */
static gboolean
post_note (HySyncRun *run,
           HyOutboxItem *item,
           HyAlert *alert,
           const char *text,
           const char *datetime)
{
  g_autoptr (JsonNode) body = NULL;
  g_autofree char *outcome = NULL;
  HySyncActionSpec spec = { 0 };
  HySyncCall note = { .self = run->self,
                      .op = OP_CREATE_ACTION,
                      .priority = HY_HALO_PRIORITY_ALERT,
                      .cancellable = run->cancellable,
                      .record = item->record_key };

  spec.ticket_id = alert->ticket_id;
  if (!_hy_sync_engine_choose_note_outcome (run->self->store, &spec.outcome_id, &outcome))
    outcome = g_strdup ("Private Note");
  spec.outcome = outcome;
  spec.note = text;
  spec.datetime = datetime;
  body = hy_sync_action_payload (&spec);
  note.object = json_node_get_object (body);
  if (!call_run_for_item (run, item, &note))
    return FALSE;
  _hy_sync_engine_call_clear (&note);
  return TRUE;
}

/* Writes the note a clear queued with its close; FALSE when @item failed. */
static gboolean
write_clear_note (HySyncRun *run, HyOutboxItem *item, HyAlert *alert, JsonObject *payload)
{
  const char *text = hy_sync_json_string (payload, "note");
  const char *datetime = hy_sync_json_string (payload, "datetime");
  gboolean found = FALSE;

  if (item->attempts > 0)
    {
      if (!look_up_action (run, item, alert->ticket_id, text, datetime, &found))
        return FALSE;
      if (found)
        return TRUE;
    }
  return post_note (run, item, alert, text, datetime);
}

static void
deliver_ticket_close (HySyncRun *run, HyOutboxItem *item, HyAlert *alert, JsonObject *payload)
{
  g_autoptr (JsonObject) fields = json_object_new ();
  gint64 status_id = hy_sync_json_int (payload, "status_id");
  gboolean on_clear = hy_sync_json_int (payload, "on_clear") != 0;
  gboolean reopen = hy_sync_json_int (payload, "reopen") != 0;
  HySyncCall call = { .self = run->self,
                      .op = OP_UPDATE_TICKET,
                      .priority = HY_HALO_PRIORITY_ALERT,
                      .cancellable = run->cancellable,
                      .record = item->record_key,
                      .id = alert->ticket_id };

  if (on_clear)
    {
      gboolean worked = FALSE;
      g_autofree char *why = NULL;

      /* Close only what nobody worked (DESIGN.md "Ticket lifecycle"). */
      if (!ticket_worked (run, item, alert, &worked, &why))
        return;
      if (worked)
        {
          const char *extra = hy_sync_json_string (payload, "extra");
          g_autofree char *text =
              extra != NULL && *extra != '\0' ? g_strconcat (why, "\n\n", extra, NULL) : NULL;

          /* One note: why it stays open (it says the alert cleared), and the clear's own note. */
          if (!post_note (run, item, alert, text != NULL ? text : why, NULL))
            return;
          hy_ticket_lifecycle_kept_open (run->self->store, alert);
          /* Not closed: a re-raise is a repeat on the ticket still open. */
          hy_store_set_alert_ticket_closed (run->self->store, alert->id, NULL, NULL);
          _hy_sync_engine_item_complete (run, item);
          return;
        }
    }

  /* The clear's note, before the close (not twice when an earlier try may have written it). */
  if (on_clear && hy_sync_json_string (payload, "note") != NULL &&
      !write_clear_note (run, item, alert, payload))
    return;
  json_object_set_int_member (fields, "status_id", status_id);
  call.object = fields;
  if (call_run_for_item (run, item, &call))
    {
      _hy_sync_engine_call_clear (&call);
      if (on_clear)
        hy_ticket_lifecycle_closed (run->self->store, alert, _hy_sync_engine_now (run->self));
      else if (reopen)
        hy_ticket_lifecycle_set_status (run->self->store, alert->id, status_id);
      _hy_sync_engine_item_complete (run, item);
    }
}

/* Adds the device's asset to the alert's ticket, unless it has it already or is closed. */
static void
deliver_ticket_asset (HySyncRun *run, HyOutboxItem *item, HyAlert *alert, JsonObject *payload)
{
  gint64 asset_id = hy_sync_json_int (payload, "asset_id");
  g_autoptr (JsonObject) fields = json_object_new ();
  g_autoptr (JsonArray) assets = json_array_new ();
  HySyncCall get = { .self = run->self,
                     .op = OP_GET_TICKET,
                     .priority = HY_HALO_PRIORITY_ALERT,
                     .cancellable = run->cancellable,
                     .record = item->record_key,
                     .id = alert->ticket_id };
  HySyncCall update = { .self = run->self,
                        .op = OP_UPDATE_TICKET,
                        .priority = HY_HALO_PRIORITY_ALERT,
                        .cancellable = run->cancellable,
                        .record = item->record_key,
                        .id = alert->ticket_id };
  JsonObject *ticket;
  JsonNode *have;
  gboolean closed;

  if (asset_id <= 0)
    {
      _hy_sync_engine_item_dead (run, item, _ ("The queued write cannot be read"));
      return;
    }
  if (!call_run_for_item (run, item, &get))
    return;
  ticket = hy_halo_record_get_object (get.rec);
  closed = hy_sync_json_int (ticket, "hasbeenclosed") != 0;
  have = json_object_get_member (ticket, "assets");
  if (!closed && (have == NULL || !JSON_NODE_HOLDS_ARRAY (have)))
    {
      /* Writing "assets" replaces the ticket's list: without the list Halo has, the asset cannot
       * be added without removing others. */
      _hy_sync_engine_call_clear (&get);
      _hy_sync_engine_item_dead (run, item,
                                 _ ("Halo did not return the ticket’s assets (GET "
                                    "/Tickets/{id}?includedetails=true): "
                                    "adding the device’s asset would replace them; add it to the "
                                    "ticket in Halo"));
      return;
    }
  if (have != NULL && JSON_NODE_HOLDS_ARRAY (have))
    {
      JsonArray *array = json_node_get_array (have);
      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          JsonNode *element = json_array_get_element (array, i);
          gint64 id;
          JsonObject *one;

          if (!JSON_NODE_HOLDS_OBJECT (element))
            continue;
          id = hy_sync_json_int (json_node_get_object (element), "id");
          if (id <= 0)
            continue;
          if (id == asset_id)
            closed = TRUE; /* nothing to add */
          one = json_object_new ();
          json_object_set_int_member (one, "id", id);
          json_array_add_object_element (assets, one);
        }
    }
  _hy_sync_engine_call_clear (&get);
  if (closed)
    {
      /* It has the asset already, or is closed: a closed ticket is left as it is. */
      _hy_sync_engine_item_complete (run, item);
      return;
    }
  {
    JsonObject *one = json_object_new ();
    json_object_set_int_member (one, "id", asset_id);
    json_array_add_object_element (assets, one);
  }
  json_object_set_array_member (fields, "assets", g_steal_pointer (&assets));
  update.object = fields;
  if (call_run_for_item (run, item, &update))
    {
      _hy_sync_engine_call_clear (&update);
      _hy_sync_engine_item_complete (run, item);
    }
}

/* Delivers @item; a ticket create is looked up first when @look_up_first (a batch that held it
 * may have created it), or when an earlier attempt may have reached Halo. */
void
_hy_sync_engine_deliver_alert_item_full (HySyncRun *run, HyOutboxItem *item, gboolean look_up_first)
{
  g_autoptr (JsonNode) payload = _hy_sync_engine_parse_json (item->payload);
  g_autoptr (HyAlert) alert = NULL;
  JsonObject *o;
  const char *alert_id;

  if (payload == NULL || !JSON_NODE_HOLDS_OBJECT (payload))
    {
      _hy_sync_engine_item_dead (run, item, _ ("The queued write cannot be read"));
      return;
    }
  o = json_node_get_object (payload);
  alert_id = hy_sync_json_string (o, "alert");
  if (alert_id != NULL)
    alert = hy_store_get (run->self->store, HY_RECORD_KIND_ALERT, alert_id, NULL);
  if (alert == NULL)
    {
      /* Translators: %s is an alert id */
      g_autofree char *msg =
          g_strdup_printf (_ ("Alert %s no longer exists"), alert_id ? alert_id : "?");
      _hy_sync_engine_item_dead (run, item, msg);
      return;
    }
  if (g_strcmp0 (item->kind, HY_SYNC_KIND_TICKET_CREATE) == 0)
    {
      deliver_ticket_create (run, item, alert, look_up_first || item->attempts > 0);
      return;
    }
  if (alert->ticket_id <= 0)
    {
      /* Its ticket was never created (the create was dropped as unroutable). */
      g_autoptr (GError) error = g_error_new (HY_SYNC_ERROR, HY_SYNC_ERROR_NO_TICKET,
                                              _ ("Alert %s has no Halo ticket yet"), alert->id);
      if (alert->state == HY_ALERT_STATE_UNROUTED)
        _hy_sync_engine_item_give_up (run, item, error->message, HY_OUTBOX_CAUSE_UNROUTED, FALSE);
      else
        _hy_sync_engine_item_failed (run, item, error);
      return;
    }
  if (g_strcmp0 (item->kind, HY_SYNC_KIND_TICKET_NOTE) == 0 ||
      g_strcmp0 (item->kind, HY_SYNC_KIND_ACTION) == 0)
    deliver_action (run, item, alert, o);
  else if (g_strcmp0 (item->kind, HY_SYNC_KIND_TICKET_CLOSE) == 0)
    deliver_ticket_close (run, item, alert, o);
  else if (g_strcmp0 (item->kind, HY_SYNC_KIND_TICKET_ASSET) == 0)
    deliver_ticket_asset (run, item, alert, o);
  else
    _hy_sync_engine_item_dead (run, item, _ ("Unknown kind of queued write"));
}

void
_hy_sync_engine_deliver_alert_item (HySyncRun *run, HyOutboxItem *item)
{
  _hy_sync_engine_deliver_alert_item_full (run, item, FALSE);
}
