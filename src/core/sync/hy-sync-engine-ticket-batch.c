/* hy-sync-engine-ticket-batch.c: tickets of many alerts at once (a storm), in batches
 *
 * The ticket creates of one claim go in POSTs of up to the batch size with ?returnall=true
 * (hy_halo_client_create_tickets_async ()): each ticket Halo answers with is matched to its
 * alert by the marker line of its details (the key the look-up after an uncertain create uses),
 * never by position. Whether Halo honours returnall is learnt from a first batch of two: a Halo
 * that answers with one record only has created the tickets all the same, so each ticket the
 * answer did not identify is looked up by its marker before it is created again, and the
 * engine creates tickets one by one from then on (a single POST's answer is the ticket). A batch
 * Halo refused (one bad ticket refuses the whole POST) is sent again ticket by ticket, each
 * looked up first; a batch whose outcome is unknown waits, each of its alerts looked up before
 * it is sent again.
 *
 * In a storm (HY_SYNC_STORM_POSTS ticket POSTs within HY_SYNC_STORM_WINDOW seconds) alerts come
 * faster than one POST each can serve under Halo's budget: the running service then gathers
 * ticket creates for up to GATHER_SECONDS (or until a batch is full) into one POST. Outside a
 * storm, and for halyard-cli's own runs, a ticket is sent at once.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "hy-sync"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "sync/hy-sync-attempt.h"
#include "sync/hy-sync-engine-private.h"

/* The first batch of a process, which learns whether Halo honours returnall: if it does not, two
 * tickets cost one look-up, not a whole batch of them. */
#define PROBE_BATCH 2

/* How long the ticket creates of a storm are gathered, in back-off units (seconds). */
#define GATHER_SECONDS 5

typedef struct
{
  HyOutboxItem *item; /* borrowed from the claim */
  HyAlert *alert;
  JsonNode *body;
  char *marker;
} TicketCreate;

static void
ticket_create_free (TicketCreate *create)
{
  g_clear_pointer (&create->alert, hy_alert_free);
  g_clear_pointer (&create->body, json_node_unref);
  g_free (create->marker);
  g_free (create);
}

void
_hy_sync_engine_ticket_posted (HySyncEngine *self)
{
  self->ticket_posts[self->ticket_posts_next] = _hy_sync_engine_now (self);
  self->ticket_posts_next = (self->ticket_posts_next + 1) % HY_SYNC_STORM_POSTS;
}

/* Whether the last HY_SYNC_STORM_POSTS ticket POSTs were all sent within the storm window. */
static gboolean
in_storm (HySyncEngine *self)
{
  gint64 oldest = self->ticket_posts[self->ticket_posts_next];

  return oldest > 0 && _hy_sync_engine_now (self) - oldest <
                           (gint64) HY_SYNC_STORM_WINDOW * (gint64) self->backoff_unit_us;
}

/* In a storm, the service holds @items (fewer than a batch) until the gathering ends; TRUE when
 * it did. */
static gboolean
gather (HySyncRun *run, GPtrArray *items)
{
  HySyncEngine *self = run->self;
  gint64 now = _hy_sync_engine_now (self);

  if (!self->auto_deliver || items->len >= self->batch_size ||
      (self->gather_until == 0 && !in_storm (self)))
    return FALSE;
  if (self->gather_until == 0)
    self->gather_until = now + (gint64) GATHER_SECONDS * (gint64) self->backoff_unit_us;
  if (now >= self->gather_until)
    {
      self->gather_until = 0;
      return FALSE;
    }
  for (guint i = 0; i < items->len; i++)
    {
      HyOutboxItem *item = g_ptr_array_index (items, i);
      g_autoptr (GError) error = NULL;

      /* Not sent, so not an attempt: due when the gathering ends, all together. */
      if (!hy_store_outbox_release (self->store, item->id,
                                    /* Translators: a queued ticket waits, in a storm of alerts,
                                     * to go to Halo in one request with the others */
                                    _ ("Gathered with other alerts’ tickets into one request"),
                                    self->gather_until, &error))
        g_warning ("Could not hold outbox item %" G_GINT64_FORMAT ": %s", item->id, error->message);
      _hy_sync_engine_outstanding_update (run, item->record_key, item->id, HY_OUTBOX_STATE_PENDING,
                                          self->gather_until);
    }
  return TRUE;
}

gboolean
_hy_sync_engine_ticket_create_batchable (HySyncRun *run, HyOutboxItem *item)
{
  return g_strcmp0 (item->kind, HY_SYNC_KIND_TICKET_CREATE) == 0 && item->attempts == 0 &&
         run->self->tickets_returnall != HY_SYNC_RETURNALL_IGNORED;
}

/* The ticket to create for @item, or NULL when it needs the one-by-one path (its alert is gone,
 * has a ticket, or no route: that path says so). */
static TicketCreate *
prepare (HySyncRun *run, HyOutboxItem *item)
{
  g_autoptr (JsonNode) payload = _hy_sync_engine_parse_json (item->payload);
  const char *alert_id = payload != NULL && JSON_NODE_HOLDS_OBJECT (payload)
                             ? hy_sync_json_string (json_node_get_object (payload), "alert")
                             : NULL;
  g_autoptr (HyAlert) alert = NULL;
  g_autofree char *reason = NULL;
  g_autofree char *key = NULL;
  HySyncRoute route;
  TicketCreate *create;

  if (alert_id != NULL)
    alert = hy_store_get (run->self->store, HY_RECORD_KIND_ALERT, alert_id, NULL);
  if (alert == NULL || alert->ticket_id > 0)
    return NULL;
  if (!_hy_sync_engine_route_alert (run->self->store, alert, &route, &reason))
    return NULL;
  create = g_new0 (TicketCreate, 1);
  create->item = item;
  create->body = _hy_sync_engine_ticket_body (run, alert, &route);
  key = hy_sync_ticket_key (alert->id, alert->raised_at);
  create->marker = g_strconcat ("Halyard alert: ", key, NULL);
  create->alert = g_steal_pointer (&alert);
  _hy_sync_engine_route_clear (&route);
  return create;
}

/* Sends @creates (from @first, at most @count) in POSTs of up to @batch_size; returns how many
 * were sent. */
static guint
send_batch (HySyncRun *run, GPtrArray *creates, guint first, guint count, guint batch_size)
{
  HySyncEngine *self = run->self;
  guint n = MIN (count, creates->len - first);
  g_autoptr (GPtrArray) tickets = g_ptr_array_new ();
  g_autofree const char **markers = g_new0 (const char *, n + 1);
  HySyncCall call = { .self = self,
                      .op = OP_CREATE_TICKETS,
                      .priority = HY_HALO_PRIORITY_ALERT,
                      .cancellable = run->cancellable,
                      .record = "alerts",
                      .batch_size = batch_size };
  gboolean unidentified = FALSE;

  for (guint i = 0; i < n; i++)
    {
      TicketCreate *create = g_ptr_array_index (creates, first + i);

      g_ptr_array_add (tickets, json_node_get_object (create->body));
      markers[i] = create->marker;
    }
  call.assets = tickets;
  call.markers = markers;
  _hy_sync_engine_ticket_posted (self);
  if (!_hy_sync_engine_call_run (&call))
    {
      g_autoptr (GError) cause = g_steal_pointer (&call.error);

      _hy_sync_engine_call_clear (&call);
      for (guint i = 0; i < n; i++)
        {
          TicketCreate *create = g_ptr_array_index (creates, first + i);

          /* Refused: one ticket may be what Halo refused, and Halo may have saved some before
           * refusing (whether it saves all or nothing is not known): each one looked up, then
           * sent on its own. Otherwise it waits, looked up before it is sent again when the
           * batch may have reached Halo. */
          if (hy_sync_attempt_classify (cause) == HY_SYNC_ATTEMPT_REFUSED)
            _hy_sync_engine_deliver_alert_item_full (run, create->item, TRUE);
          else
            _hy_sync_engine_item_failed (run, create->item, cause);
        }
      return n;
    }

  for (guint i = 0; i < n; i++)
    {
      TicketCreate *create = g_ptr_array_index (creates, first + i);
      HyHaloRecord *ticket = g_ptr_array_index (call.saved, i);

      if (ticket != NULL && hy_halo_record_get_id (ticket) > 0)
        _hy_sync_engine_ticket_created (run, create->item, create->alert, ticket);
      else
        unidentified = TRUE;
    }
  /* A Halo that answered a batch with fewer tickets than it was sent ignores returnall: the
   * tickets it did not identify were created all the same, found by their marker. */
  if (n > 1)
    self->tickets_returnall = unidentified ? HY_SYNC_RETURNALL_IGNORED : HY_SYNC_RETURNALL_HONOURED;
  for (guint i = 0; i < n; i++)
    {
      TicketCreate *create = g_ptr_array_index (creates, first + i);
      HyHaloRecord *ticket = g_ptr_array_index (call.saved, i);

      if (ticket == NULL || hy_halo_record_get_id (ticket) <= 0)
        _hy_sync_engine_deliver_alert_item_full (run, create->item, TRUE);
    }
  _hy_sync_engine_call_clear (&call);
  return n;
}

void
_hy_sync_engine_deliver_ticket_creates (HySyncRun *run, GPtrArray *items)
{
  HySyncEngine *self = run->self;
  g_autoptr (GPtrArray) creates =
      g_ptr_array_new_with_free_func ((GDestroyNotify) ticket_create_free);
  guint sent = 0;

  if (gather (run, items))
    return;
  for (guint i = 0; i < items->len; i++)
    {
      HyOutboxItem *item = g_ptr_array_index (items, i);
      TicketCreate *create = prepare (run, item);

      if (create != NULL)
        g_ptr_array_add (creates, create);
      else
        _hy_sync_engine_deliver_alert_item (run, item);
    }

  while (sent < creates->len && !g_cancellable_is_cancelled (run->cancellable))
    {
      if (self->tickets_returnall == HY_SYNC_RETURNALL_IGNORED || creates->len - sent == 1)
        {
          /* One by one: a single create's answer is its ticket. */
          _hy_sync_engine_deliver_alert_item (run, ((TicketCreate *) creates->pdata[sent])->item);
          sent++;
        }
      else if (self->tickets_returnall == HY_SYNC_RETURNALL_UNKNOWN)
        sent += send_batch (run, creates, sent, PROBE_BATCH, PROBE_BATCH);
      else
        sent += send_batch (run, creates, sent, creates->len - sent, self->batch_size);
    }
  /* Stopped: the rest go back to the queue, not sent. */
  for (; sent < creates->len; sent++)
    _hy_sync_engine_item_release (run, ((TicketCreate *) creates->pdata[sent])->item, NULL);
}
