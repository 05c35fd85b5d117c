/* hy-sync-engine-recording.c: recording: alert raise/clear and technician actions write the store
 * (the alert and every Halo write it implies) in one transaction
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "hy-sync"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "sync/hy-sync-close.h"
#include "sync/hy-sync-engine-private.h"
#include "sync/hy-sync-lifecycle.h"
#include "sync/hy-ticket-lifecycle.h"

/* ------------------------------------------------------------------------- */
/* Recording                                                                 */
/* ------------------------------------------------------------------------- */

static gboolean
text_empty (const char *s)
{
  if (s == NULL)
    return TRUE;
  for (; *s; s++)
    if (!g_ascii_isspace (*s))
      return FALSE;
  return TRUE;
}

static char *
alert_note_payload (const char *alert_id,
                    const char *note,
                    guint minutes,
                    gint64 agent_id,
                    const char *outcome,
                    gint64 outcome_id)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  g_autoptr (JsonNode) root = NULL;
  g_autofree char *now = _hy_sync_engine_now_iso8601 ();

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "alert");
  json_builder_add_string_value (b, alert_id);
  json_builder_set_member_name (b, "note");
  json_builder_add_string_value (b, note);
  json_builder_set_member_name (b, "datetime");
  json_builder_add_string_value (b, now);
  json_builder_set_member_name (b, "minutes");
  json_builder_add_int_value (b, minutes);
  json_builder_set_member_name (b, "agent_id");
  json_builder_add_int_value (b, agent_id);
  json_builder_set_member_name (b, "outcome");
  json_builder_add_string_value (b, outcome);
  json_builder_set_member_name (b, "outcome_id");
  json_builder_add_int_value (b, outcome_id);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  return _hy_sync_engine_node_to_string (root);
}

char *
_hy_sync_engine_alert_only_payload (const char *alert_id, gint64 status_id)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  g_autoptr (JsonNode) root = NULL;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "alert");
  json_builder_add_string_value (b, alert_id);
  if (status_id > 0)
    {
      json_builder_set_member_name (b, "status_id");
      json_builder_add_int_value (b, status_id);
    }
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  return _hy_sync_engine_node_to_string (root);
}

/* A private-note outcome from the cached Halo outcomes. */
gboolean
_hy_sync_engine_choose_note_outcome (HyStore *store, gint64 *out_id, char **out_name)
{
  static const char *const preferred[] = { "Private Note", "Internal Note", "Note",
                                           "Update",       "Add Note",      NULL };
  g_autoptr (GPtrArray) outcomes = hy_store_cache_list (store, HY_CACHE_KIND_OUTCOME, NULL, NULL);

  if (outcomes == NULL)
    return FALSE;
  for (guint p = 0; preferred[p]; p++)
    for (guint i = 0; i < outcomes->len; i++)
      {
        HyCacheRecord *r = g_ptr_array_index (outcomes, i);
        if (r->name != NULL && g_ascii_strcasecmp (r->name, preferred[p]) == 0)
          {
            *out_id = r->id;
            *out_name = g_strdup (r->name);
            return TRUE;
          }
      }
  return FALSE;
}

gboolean
_hy_sync_engine_enqueue (HyStore *store,
                         const char *kind,
                         const char *alert_id,
                         const char *payload,
                         GError **error)
{
  g_autofree char *key = _hy_sync_engine_record_key ("alert", alert_id);

  return hy_store_outbox_enqueue (store, kind, key, payload, HY_SYNC_PRIORITY_ALERT, error) > 0;
}

HySyncAlertResult *
hy_sync_engine_get_alert_result (HySyncEngine *self, const char *alert_id, GError **error)
{
  g_autoptr (HyAlert) alert = NULL;
  HySyncAlertResult *result;
  g_autofree char *key = NULL;

  g_return_val_if_fail (HY_IS_SYNC_ENGINE (self), NULL);
  alert = hy_store_get (self->store, HY_RECORD_KIND_ALERT, alert_id, error);
  if (alert == NULL)
    return NULL;
  result = g_new0 (HySyncAlertResult, 1);
  result->alert_id = g_strdup (alert->id);
  result->state = alert->state;
  result->ticket_id = alert->ticket_id;
  result->reason = g_strdup (alert->reason);
  result->reason_code = alert->reason_code;

  /* A delivered alert with writes still waiting (a note, a close) is reported as queued, and
   * as dead when one of them was dead-lettered. */
  key = _hy_sync_engine_record_key ("alert", alert->id);
  if (result->state == HY_ALERT_STATE_DELIVERED || result->state == HY_ALERT_STATE_QUEUED)
    {
      static const HyOutboxState states[] = { HY_OUTBOX_STATE_DEAD, HY_OUTBOX_STATE_PENDING,
                                              HY_OUTBOX_STATE_INFLIGHT };
      for (guint s = 0; s < G_N_ELEMENTS (states); s++)
        {
          g_autoptr (GPtrArray) items = hy_store_outbox_list (self->store, states[s], 0, 0, NULL);
          for (guint i = 0; items != NULL && i < items->len; i++)
            {
              HyOutboxItem *item = g_ptr_array_index (items, i);
              if (g_strcmp0 (item->record_key, key) != 0)
                continue;
              result->state =
                  states[s] == HY_OUTBOX_STATE_DEAD ? HY_ALERT_STATE_DEAD : HY_ALERT_STATE_QUEUED;
              if (item->last_error != NULL)
                {
                  g_free (result->reason);
                  result->reason = g_strdup (item->last_error);
                  result->reason_code = HY_REASON_NONE;
                }
              break;
            }
          if (result->state != alert->state)
            break;
        }
    }
  return result;
}

/* Whether writes of the alert's ticket are still waiting (or were given up on). */
static gboolean
alert_has_outstanding (HyStore *store, const char *alert_id)
{
  static const HyOutboxState states[] = { HY_OUTBOX_STATE_PENDING, HY_OUTBOX_STATE_INFLIGHT,
                                          HY_OUTBOX_STATE_DEAD };
  g_autofree char *key = _hy_sync_engine_record_key ("alert", alert_id);

  for (guint s = 0; s < G_N_ELEMENTS (states); s++)
    {
      g_autoptr (GPtrArray) items = hy_store_outbox_list (store, states[s], 0, 0, NULL);
      for (guint i = 0; items != NULL && i < items->len; i++)
        if (g_strcmp0 (((HyOutboxItem *) g_ptr_array_index (items, i))->record_key, key) == 0)
          return TRUE;
    }
  return FALSE;
}

/* Ends an alert write: commits its transaction, tells the views, wakes the sender and returns
 * the alert's result. */
static HySyncAlertResult *
commit_alert_write (HySyncEngine *self, HyStore *store, const char *alert_id, GError **error)
{
  if (!hy_store_commit (store, error))
    return NULL;
  _hy_sync_engine_notify_changed (self);
  _hy_sync_engine_auto_schedule (self, 0, FALSE);
  return hy_sync_engine_get_alert_result (self, alert_id, error);
}

/* What raise checks before it records anything: an id, a summary, a known computer and policy. */
static gboolean
check_raise_input (HyStore *store, const HySyncAlertInput *input, GError **error)
{
  gboolean exists = FALSE;

  if (text_empty (input->id))
    {
      g_set_error_literal (error, HY_SYNC_ERROR, HY_SYNC_ERROR_INVALID,
                           _ ("The alert needs an id: the monitoring system’s own id, so that a "
                              "repeat is recognised"));
      return FALSE;
    }
  if (text_empty (input->summary))
    {
      g_set_error_literal (error, HY_SYNC_ERROR, HY_SYNC_ERROR_INVALID,
                           _ ("The alert needs a summary: it becomes the ticket’s summary"));
      return FALSE;
    }
  if (!hy_store_exists (store, HY_RECORD_KIND_COMPUTER, input->computer_id, &exists, error))
    return FALSE;
  if (!exists)
    {
      /* Translators: %s is a computer id */
      g_set_error (error, HY_SYNC_ERROR, HY_SYNC_ERROR_NOT_FOUND,
                   _ ("There is no computer with the id “%s”: import it first"),
                   input->computer_id ? input->computer_id : "");
      return FALSE;
    }
  if (!hy_store_exists (store, HY_RECORD_KIND_POLICY, input->policy_id, &exists, error))
    return FALSE;
  if (!exists)
    {
      /* Translators: %s is a monitor policy id */
      g_set_error (error, HY_SYNC_ERROR, HY_SYNC_ERROR_NOT_FOUND,
                   _ ("There is no policy with the id “%s”: import it first"),
                   input->policy_id ? input->policy_id : "");
      return FALSE;
    }
  return TRUE;
}

/* What decides a raise, from the alert as stored (@existing, NULL when new): whether it is
 * routed, cleared, its ticket closed, and writes of it still waiting. */
static gboolean
raise_facts (HyStore *store, HyAlert *existing, HySyncAlertFacts *facts, GError **error)
{
  facts->exists = existing != NULL;
  facts->routed = existing != NULL && existing->state != HY_ALERT_STATE_UNROUTED;
  facts->cleared = existing != NULL && existing->cleared_at != NULL;
  /* Held by maintenance, without a ticket: nothing in Halo to tell; it is raised anew. */
  if (facts->routed && existing->ticket_id <= 0 &&
      hy_ticket_lifecycle_is_held (store, existing->id) &&
      !alert_has_outstanding (store, existing->id))
    facts->routed = FALSE;
  if (facts->cleared)
    {
      /* Cleared with a close status mapped: its ticket is closed once its writes went out.
       * (A clear that closes with Halo's Closed status records it as resolved, below.) */
      g_autoptr (HyPolicyMapping) pmap =
          hy_store_get_policy_mapping (store, existing->policy_id, NULL);
      facts->closed = pmap != NULL && pmap->close_status_id > 0;
    }
  if (facts->routed && !facts->closed)
    {
      /* Resolved by a technician, or closed on clear: its ticket is closed too. */
      g_autofree char *resolved = NULL;

      if (!hy_store_get_alert_ticket_closed (store, existing->id, &resolved, error))
        return FALSE;
      facts->closed = resolved != NULL && g_strcmp0 (resolved, existing->raised_at) == 0;
    }
  if (facts->closed)
    facts->busy = alert_has_outstanding (store, existing->id);
  return TRUE;
}

static HyAlert *
alert_from_input (const HySyncAlertInput *input)
{
  HyAlert *alert = hy_alert_new ();

  alert->id = g_strdup (input->id);
  alert->computer_id = g_strdup (input->computer_id);
  alert->policy_id = g_strdup (input->policy_id);
  alert->summary = g_strdup (input->summary);
  alert->details = g_strdup (input->details);
  alert->severity = g_strdup (input->severity);
  alert->raised_at =
      input->raised_at ? g_strdup (input->raised_at) : _hy_sync_engine_now_iso8601_precise ();
  alert->cleared_at = NULL;
  return alert;
}

/* A new occurrence within the flap window after Halyard closed the ticket: the same ticket,
 * reopened, with a note (*@out_reopened). FALSE on error. */
static gboolean
reopen_flapping (HySyncEngine *self,
                 HyStore *store,
                 HyAlert *existing,
                 HyAlert *alert,
                 gboolean *out_reopened,
                 GError **error)
{
  g_autoptr (GError) flap_error = NULL;
  guint minutes = 0;
  g_autofree char *reopen = NULL;
  gint64 outcome_id = 0;
  g_autofree char *outcome = NULL;
  g_autofree char *now = NULL;
  g_autofree char *note = NULL;
  g_autofree char *payload = NULL;

  *out_reopened = FALSE;
  if (!hy_ticket_lifecycle_flaps (store, existing, _hy_sync_engine_now (self), &minutes,
                                  &flap_error))
    {
      if (flap_error == NULL)
        return TRUE;
      g_propagate_error (error, g_steal_pointer (&flap_error));
      return FALSE;
    }
  reopen =
      hy_ticket_lifecycle_status_payload (existing->id,
                                          hy_ticket_lifecycle_reopen_status (store, existing->id),
                                          FALSE, TRUE);
  now = _hy_sync_engine_now_iso8601 ();
  note = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                       /* Translators: a private note on the ticket; %s is a
                                        * time, %u the flap window in minutes */
                                       "The alert was raised again at %s, within %u minute of "
                                       "Halyard closing this ticket: the ticket is reopened.",
                                       "The alert was raised again at %s, within %u minutes of "
                                       "Halyard closing this ticket: the ticket is reopened.",
                                       minutes),
                          now, minutes);
  if (!_hy_sync_engine_choose_note_outcome (store, &outcome_id, &outcome))
    outcome = g_strdup ("Private Note");
  payload = alert_note_payload (existing->id, note, 0, 0, outcome, outcome_id);
  g_free (alert->raised_at);
  alert->raised_at = g_strdup (existing->raised_at);
  if (!hy_store_set_alert_ticket_closed (store, existing->id, NULL, error) ||
      !hy_store_upsert (store, HY_RECORD_KIND_ALERT, alert, NULL, error) ||
      !_hy_sync_engine_enqueue (store, HY_SYNC_KIND_TICKET_CLOSE, alert->id, reopen, error) ||
      !_hy_sync_engine_enqueue (store, HY_SYNC_KIND_TICKET_NOTE, alert->id, payload, error))
    return FALSE;
  *out_reopened = TRUE;
  return TRUE;
}

/* Stores the raised alert: a new occurrence starts over (no ticket yet, its own raise time and
 * so its own ticket key); a repeat keeps the occurrence's raise time (the ticket is about it). */
static gboolean
store_raised_alert (HyStore *store,
                    HyAlert *existing,
                    HyAlert *alert,
                    HySyncAlertOps ops,
                    const HySyncAlertFacts *facts,
                    GError **error)
{
  if (ops & HY_SYNC_ALERT_OP_NEW_OCCURRENCE)
    {
      if (!hy_store_delete (store, HY_RECORD_KIND_ALERT, existing->id, error) ||
          !hy_store_set_alert_ticket_closed (store, existing->id, NULL, error))
        return FALSE;
    }
  else if (existing != NULL && facts->routed)
    {
      g_free (alert->raised_at);
      alert->raised_at = g_strdup (existing->raised_at);
    }
  return hy_store_upsert (store, HY_RECORD_KIND_ALERT, alert, NULL, error);
}

/* A repeat of an alert whose ticket is open: one note per repeat interval at most, counting the
 * repeats. */
static gboolean
queue_repeat_note (HySyncEngine *self,
                   HyStore *store,
                   HyAlert *alert,
                   const char *summary,
                   GError **error)
{
  gint64 outcome_id = 0;
  g_autofree char *outcome = NULL;
  g_autofree char *now = _hy_sync_engine_now_iso8601 ();
  g_autofree char *note = NULL;
  g_autofree char *payload = NULL;
  g_autoptr (GError) repeat_error = NULL;
  guint repeats = 0;

  if (!hy_ticket_lifecycle_repeat (store, alert, _hy_sync_engine_now (self), &repeats,
                                   &repeat_error))
    {
      if (repeat_error == NULL)
        return TRUE;
      g_propagate_error (error, g_steal_pointer (&repeat_error));
      return FALSE;
    }
  if (repeats <= 1)
    /* Translators: a private note on the ticket; the first %s is a time, the second the
     * alert's summary */
    note = g_strdup_printf (_ ("The alert was raised again at %s: %s"), now, summary);
  else
    note = g_strdup_printf (
        g_dngettext (GETTEXT_PACKAGE,
                     /* Translators: a private note on the ticket; %s is a time, %u how
                      * many times the alert was raised since the last note, the last %s
                      * the alert's summary */
                     "The alert was raised again at %s (%u time since the last note): %s",
                     "The alert was raised again at %s (%u times since the last note): %s",
                     repeats),
        now, repeats, summary);

  if (!_hy_sync_engine_choose_note_outcome (store, &outcome_id, &outcome))
    outcome = g_strdup ("Private Note");
  payload = alert_note_payload (alert->id, note, 0, 0, outcome, outcome_id);
  return _hy_sync_engine_enqueue (store, HY_SYNC_KIND_TICKET_NOTE, alert->id, payload, error);
}

/* The Halo writes a raise implies (@ops): a ticket (or held by a maintenance window), unrouted
 * with @reason (and @why, what fixes it), or a repeat's note. */
static gboolean
queue_raise_writes (HySyncEngine *self,
                    HyStore *store,
                    HyAlert *alert,
                    HySyncAlertOps ops,
                    const char *reason,
                    HyReason why,
                    const char *summary,
                    GError **error)
{
  g_autoptr (GError) hold_error = NULL;

  if ((ops & HY_SYNC_ALERT_OP_CREATE_TICKET) &&
      hy_ticket_lifecycle_hold (store, alert, _hy_sync_engine_now (self) / G_USEC_PER_SEC,
                                &hold_error))
    /* In maintenance: kept without a ticket; the engine opens it when the window ends. */
    return hy_store_set_alert_delivery (store, alert->id, HY_ALERT_STATE_QUEUED, 0,
                                        _ ("Held by a maintenance window: its ticket opens when "
                                           "the window ends, if the alert still fires"),
                                        error);
  if (hold_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&hold_error));
      return FALSE;
    }
  if (ops & HY_SYNC_ALERT_OP_CREATE_TICKET)
    {
      g_autofree char *payload = _hy_sync_engine_alert_only_payload (alert->id, 0);
      return _hy_sync_engine_enqueue (store, HY_SYNC_KIND_TICKET_CREATE, alert->id, payload,
                                      error) &&
             hy_store_set_alert_delivery (store, alert->id, HY_ALERT_STATE_QUEUED, 0, NULL, error);
    }
  if (ops & HY_SYNC_ALERT_OP_UNROUTED)
    return hy_store_set_alert_delivery_why (store, alert->id, HY_ALERT_STATE_UNROUTED, 0, reason,
                                            why, error);
  if (ops & HY_SYNC_ALERT_OP_REPEAT_NOTE)
    return queue_repeat_note (self, store, alert, summary, error);
  return TRUE;
}

HySyncAlertResult *
hy_sync_engine_raise_alert (HySyncEngine *self, const HySyncAlertInput *input, GError **error)
{
  HyStore *store;
  g_autoptr (HyAlert) existing = NULL;
  g_autoptr (HyAlert) alert = NULL;
  g_autoptr (GError) local = NULL;
  HySyncAlertFacts facts = { 0 };
  HySyncAlertOps ops;
  HySyncRoute route;
  g_autofree char *reason = NULL;
  gboolean routable;

  g_return_val_if_fail (HY_IS_SYNC_ENGINE (self), NULL);
  store = self->store;

  if (!check_raise_input (store, input, error))
    return NULL;
  if (!hy_store_begin (store, error))
    return NULL;
  existing = hy_store_get (store, HY_RECORD_KIND_ALERT, input->id, &local);
  if (existing == NULL && !g_error_matches (local, HY_STORE_ERROR, HY_STORE_ERROR_NOT_FOUND))
    {
      hy_store_rollback (store);
      g_propagate_error (error, g_steal_pointer (&local));
      return NULL;
    }
  if (!raise_facts (store, existing, &facts, error))
    {
      hy_store_rollback (store);
      return NULL;
    }

  alert = alert_from_input (input);
  routable = _hy_sync_engine_route_alert (store, alert, &route, &reason);
  _hy_sync_engine_route_clear (&route);
  ops = hy_sync_alert_on_raise (&facts, routable);
  if (ops & HY_SYNC_ALERT_OP_NEW_OCCURRENCE)
    {
      gboolean reopened = FALSE;

      if (!reopen_flapping (self, store, existing, alert, &reopened, error))
        {
          hy_store_rollback (store);
          return NULL;
        }
      if (reopened)
        return commit_alert_write (self, store, alert->id, error);
    }
  if (!store_raised_alert (store, existing, alert, ops, &facts, error) ||
      !queue_raise_writes (self, store, alert, ops, reason, route.why, input->summary, error))
    {
      hy_store_rollback (store);
      return NULL;
    }
  return commit_alert_write (self, store, alert->id, error);
}

/* The stored alert @alert_id; an error that says to raise it first when there is none. */
static HyAlert *
lookup_alert (HyStore *store, const char *alert_id, GError **error)
{
  g_autoptr (GError) local = NULL;
  HyAlert *alert = hy_store_get (store, HY_RECORD_KIND_ALERT, alert_id ? alert_id : "", &local);

  if (alert != NULL)
    return alert;
  if (g_error_matches (local, HY_STORE_ERROR, HY_STORE_ERROR_NOT_FOUND))
    /* Translators: %s is an alert id */
    g_set_error (error, HY_SYNC_ERROR, HY_SYNC_ERROR_NOT_FOUND,
                 _ ("There is no alert with the id “%s”: raise it first"),
                 alert_id ? alert_id : "");
  else
    g_propagate_error (error, g_steal_pointer (&local));
  return NULL;
}

/* What decides a clear: whether the alert is routed and already cleared, and the status that
 * closes its ticket (*@out_close_status; 0 with *@out_no_close saying why when none does). */
static gboolean
clear_facts (HyStore *store,
             HyAlert *alert,
             HySyncAlertFacts *facts,
             gint64 *out_close_status,
             GError **out_no_close,
             GError **error)
{
  g_autoptr (GError) no_close = NULL;

  facts->exists = TRUE;
  facts->routed = alert->state != HY_ALERT_STATE_UNROUTED;
  facts->cleared = alert->cleared_at != NULL;
  *out_close_status = 0;
  /* Held by maintenance and never sent: it clears without a word to Halo. */
  if (facts->routed && alert->ticket_id <= 0 && hy_ticket_lifecycle_is_held (store, alert->id) &&
      !alert_has_outstanding (store, alert->id))
    facts->routed = FALSE;
  if (facts->routed && !facts->cleared)
    {
      /* The policy's close status, else Halo's Closed; with neither the ticket stays open and
       * the result says why and what to do. */
      *out_close_status = hy_sync_close_status (store, alert->policy_id, &no_close);
      if (*out_close_status <= 0 &&
          !g_error_matches (no_close, HY_SYNC_ERROR, HY_SYNC_ERROR_NO_CLOSE_STATUS))
        {
          g_propagate_error (error, g_steal_pointer (&no_close));
          return FALSE;
        }
    }
  if (no_close != NULL)
    g_propagate_error (out_no_close, g_steal_pointer (&no_close));
  return TRUE;
}

/* The clear's note: "The alert cleared at …[: note]". */
static char *
clear_note_text (const char *note)
{
  g_autofree char *now = _hy_sync_engine_now_iso8601 ();

  if (!text_empty (note))
    /* Translators: a private note on the ticket; the first %s is a time, the second the
     * technician's or the monitoring system's note */
    return g_strdup_printf (_ ("The alert cleared at %s: %s"), now, note);
  /* Translators: a private note on the ticket; %s is a time */
  return g_strdup_printf (_ ("The alert cleared at %s."), now);
}

static gboolean
queue_clear_note (HyStore *store, HyAlert *alert, const char *note, GError **error)
{
  gint64 outcome_id = 0;
  g_autofree char *outcome = NULL;
  g_autofree char *now = _hy_sync_engine_now_iso8601 ();
  g_autofree char *text = NULL;
  g_autofree char *payload = NULL;

  if (!text_empty (note))
    /* Translators: a private note on the ticket; the first %s is a time, the second the
     * technician's or the monitoring system's note */
    text = g_strdup_printf (_ ("The alert cleared at %s: %s"), now, note);
  else
    /* Translators: a private note on the ticket; %s is a time */
    text = g_strdup_printf (_ ("The alert cleared at %s."), now);
  if (!_hy_sync_engine_choose_note_outcome (store, &outcome_id, &outcome))
    outcome = g_strdup ("Private Note");
  payload = alert_note_payload (alert->id, text, 0, 0, outcome, outcome_id);
  return _hy_sync_engine_enqueue (store, HY_SYNC_KIND_TICKET_NOTE, alert->id, payload, error);
}

/* The occurrence's ticket is closed with @close_status: a later raise opens a new one (see
 * raise_facts ()). */
static gboolean
queue_ticket_close (HyStore *store, HyAlert *alert, const char *payload, GError **error)
{
  return _hy_sync_engine_enqueue (store, HY_SYNC_KIND_TICKET_CLOSE, alert->id, payload, error) &&
         hy_store_set_alert_ticket_closed (store, alert->id,
                                           alert->raised_at ? alert->raised_at : "", error);
}

/* The store writes and Halo writes of a clear (@ops): cleared, a note, the ticket closed, or
 * why it stays open (@no_close), kept with the alert until it is raised again. */
static gboolean
record_clear (HyStore *store,
              HyAlert *alert,
              const HySyncAlertFacts *facts,
              HySyncAlertOps ops,
              gint64 close_status,
              const char *note,
              const GError *no_close,
              GError **error)
{
  if (!facts->cleared && !hy_store_clear_alert (store, alert->id, NULL, error))
    return FALSE;
  /* With a close, its note goes with it: written before the close, or, when a technician
   * worked the ticket and it stays open, as part of the one note saying why. */
  if ((ops & HY_SYNC_ALERT_OP_CLEAR_NOTE) && !(ops & HY_SYNC_ALERT_OP_CLOSE_TICKET) &&
      !queue_clear_note (store, alert, note, error))
    return FALSE;
  if (ops & HY_SYNC_ALERT_OP_CLOSE_TICKET)
    {
      g_autofree char *status =
          hy_ticket_lifecycle_status_payload (alert->id, close_status, TRUE, FALSE);
      g_autoptr (JsonNode) node = _hy_sync_engine_parse_json (status);
      g_autofree char *payload = NULL;

      if (ops & HY_SYNC_ALERT_OP_CLEAR_NOTE)
        {
          g_autofree char *text = clear_note_text (note);
          g_autofree char *now = _hy_sync_engine_now_iso8601 ();
          JsonObject *o = json_node_get_object (node);

          json_object_set_string_member (o, "note", text);
          json_object_set_string_member (o, "datetime", now);
          if (!text_empty (note))
            json_object_set_string_member (o, "extra", note);
        }
      payload = _hy_sync_engine_node_to_string (node);
      if (!queue_ticket_close (store, alert, payload, error))
        return FALSE;
    }
  if (no_close != NULL)
    {
      /* Translators: %s says why no status could close the ticket, and what to do */
      g_autofree char *why = g_strdup_printf (_ ("The ticket stays open: %s"), no_close->message);

      if (!hy_store_set_alert_delivery_why (store, alert->id, alert->state, alert->ticket_id, why,
                                            HY_REASON_NO_CLOSE_STATUS, error))
        return FALSE;
    }
  return TRUE;
}

HySyncAlertResult *
hy_sync_engine_clear_alert (HySyncEngine *self,
                            const char *alert_id,
                            const char *note,
                            GError **error)
{
  HyStore *store;
  g_autoptr (HyAlert) alert = NULL;
  HySyncAlertFacts facts = { 0 };
  HySyncAlertOps ops;
  g_autoptr (GError) no_close = NULL;
  gint64 close_status = 0;

  g_return_val_if_fail (HY_IS_SYNC_ENGINE (self), NULL);
  store = self->store;

  alert = lookup_alert (store, alert_id, error);
  if (alert == NULL || !clear_facts (store, alert, &facts, &close_status, &no_close, error))
    return NULL;
  ops = hy_sync_alert_on_clear (&facts, close_status);

  if (!hy_store_begin (store, error))
    return NULL;
  if (!record_clear (store, alert, &facts, ops, close_status, note, no_close, error))
    {
      hy_store_rollback (store);
      return NULL;
    }
  return commit_alert_write (self, store, alert->id, error);
}

/* The technician @user_id, linked to a Halo agent (whose time entry the action is). */
static HyUser *
lookup_linked_user (HyStore *store, const char *user_id, GError **error)
{
  g_autoptr (GError) local = NULL;
  g_autoptr (HyUser) user =
      hy_store_get (store, HY_RECORD_KIND_USER, user_id ? user_id : "", &local);

  if (user == NULL)
    {
      if (g_error_matches (local, HY_STORE_ERROR, HY_STORE_ERROR_NOT_FOUND))
        /* Translators: %s is a technician (user) id */
        g_set_error (error, HY_SYNC_ERROR, HY_SYNC_ERROR_NOT_FOUND,
                     _ ("There is no technician with the id “%s”: import the users first"),
                     user_id ? user_id : "");
      else
        g_propagate_error (error, g_steal_pointer (&local));
      return NULL;
    }
  if (user->link.how == HY_LINK_HOW_NONE || user->link.halo_id <= 0)
    {
      /* Translators: %s is a technician's name */
      g_set_error (error, HY_SYNC_ERROR, HY_SYNC_ERROR_UNLINKED_USER,
                   _ ("%s is not linked to a Halo agent: link this technician to a Halo agent "
                      "first: user linking is what makes the time entry theirs"),
                   user->name);
      return NULL;
    }
  return g_steal_pointer (&user);
}

static gboolean
check_action_input (const char *note, guint minutes, GError **error)
{
  if (text_empty (note))
    {
      g_set_error_literal (error, HY_SYNC_ERROR, HY_SYNC_ERROR_INVALID,
                           _ ("The action needs a note: it is what the ticket shows"));
      return FALSE;
    }
  if (minutes > 24 * 60)
    {
      /* Translators: %u is a number of minutes */
      g_set_error (error, HY_SYNC_ERROR, HY_SYNC_ERROR_INVALID,
                   _ ("%u minutes is more than a day: give the time this action took, in minutes"),
                   minutes);
      return FALSE;
    }
  return TRUE;
}

HySyncAlertResult *
hy_sync_engine_add_action (HySyncEngine *self,
                           const char *alert_id,
                           const char *user_id,
                           guint minutes,
                           const char *note,
                           gboolean resolve,
                           GError **error)
{
  HyStore *store;
  g_autoptr (HyAlert) alert = NULL;
  g_autoptr (HyUser) user = NULL;
  gint64 outcome_id = 0;
  g_autofree char *outcome = NULL;
  g_autofree char *payload = NULL;
  gint64 close_status = 0;

  g_return_val_if_fail (HY_IS_SYNC_ENGINE (self), NULL);
  store = self->store;

  if (!check_action_input (note, minutes, error))
    return NULL;
  alert = lookup_alert (store, alert_id, error);
  if (alert == NULL)
    return NULL;
  user = lookup_linked_user (store, user_id, error);
  if (user == NULL)
    return NULL;
  if (alert->state == HY_ALERT_STATE_UNROUTED)
    {
      /* Translators: the first %s is an alert id, the second why it has no ticket */
      g_set_error (error, HY_SYNC_ERROR, HY_SYNC_ERROR_NO_TICKET,
                   _ ("Alert %s has no Halo ticket to act on: %s"), alert->id,
                   alert->reason ? alert->reason : "");
      return NULL;
    }
  if (!_hy_sync_engine_choose_note_outcome (store, &outcome_id, &outcome))
    {
      g_set_error_literal (error, HY_SYNC_ERROR, HY_SYNC_ERROR_NO_OUTCOME,
                           _ ("No note outcome (such as “Private Note”) is known from Halo: fetch "
                              "Halo’s settings first"));
      return NULL;
    }
  if (resolve)
    {
      close_status = hy_sync_close_status (store, alert->policy_id, error);
      if (close_status <= 0)
        return NULL;
    }

  payload = alert_note_payload (alert->id, note, minutes, user->link.halo_id, outcome, outcome_id);
  if (!hy_store_begin (store, error))
    return NULL;
  if (!_hy_sync_engine_enqueue (store, HY_SYNC_KIND_ACTION, alert->id, payload, error))
    {
      hy_store_rollback (store);
      return NULL;
    }
  if (resolve)
    {
      g_autofree char *close = _hy_sync_engine_alert_only_payload (alert->id, close_status);

      if (!queue_ticket_close (store, alert, close, error))
        {
          hy_store_rollback (store);
          return NULL;
        }
    }
  return commit_alert_write (self, store, alert->id, error);
}

gint64
hy_sync_engine_retry_dead (HySyncEngine *self, gint64 item_id, GError **error)
{
  g_autoptr (GPtrArray) items = NULL;
  gint64 n = 0;

  g_return_val_if_fail (HY_IS_SYNC_ENGINE (self), -1);
  if (item_id > 0)
    {
      if (!hy_store_outbox_retry (self->store, item_id, error))
        return -1;
      _hy_sync_engine_notify_changed (self);
      return 1;
    }
  items = hy_store_outbox_list (self->store, HY_OUTBOX_STATE_DEAD, 0, 0, error);
  if (items == NULL)
    return -1;
  for (guint i = 0; i < items->len; i++)
    {
      HyOutboxItem *item = g_ptr_array_index (items, i);
      if (!hy_store_outbox_retry (self->store, item->id, error))
        return -1;
      n++;
    }
  _hy_sync_engine_notify_changed (self);
  return n;
}
