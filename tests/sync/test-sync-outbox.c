/* test-sync-outbox.c: the sync engine's outbox against a failing halyard-sim (in process):
 * rate limits, server errors, connections dropped after Halo saved, expired tokens, outages,
 * writes given up and queued again, cancellation, a crash mid-delivery and the automatic mode.
 * Nothing is lost and nothing is sent twice.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "sync-engine-fixture.h"

/* ------------------------------------------------------------------------- */
/* Faults                                                                    */
/* ------------------------------------------------------------------------- */

static void
test_fault_rate_limit (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (HySyncReport) report = NULL;

  /* A 429 storm: Halo allows 3 requests per 300 ms, Halyard thinks it may send far more. */
  hy_sim_set_rate_limit (f->sim, 3, 300, FALSE);
  hy_halo_client_set_rate_limit (f->client, 1000, 300);
  hy_halo_client_set_rate_limit_waits (f->client, 10);
  hy_sync_engine_set_batch_size (f->engine, 2);
  report = hy_test_sync_run (f->engine, FALSE, &error);
  g_assert_no_error (error);
  deliver_until_done (f, 50);
  assert_every_device_once (f);
}

static void
test_fault_server_errors (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (HySyncReport) report = NULL;

  /* A quarter of the requests fail. A failed create is not resent by the client (Halo may have
   * saved it): each costs the item one of its attempts, with a look-up before the next. */
  hy_sim_set_server_errors (f->sim, 0.25, 42);
  hy_sync_engine_set_batch_size (f->engine, 3);
  report = hy_test_sync_run (f->engine, FALSE, &error);
  if (report == NULL)
    {
      /* The look-up before creating may fail too: nothing was queued, sync again. */
      g_clear_error (&error);
      for (guint i = 0; i < 20 && report == NULL; i++)
        {
          report = hy_test_sync_run (f->engine, FALSE, &error);
          g_clear_error (&error);
        }
    }
  g_assert_nonnull (report);
  record_alert (f, "a6", "pc1", "p1");
  deliver_until_done (f, 100);
  hy_sim_set_server_errors (f->sim, 0, 0);
  assert_every_device_once (f);
  g_assert_cmpuint (ticket_count (f), ==, 1);
}

/* Halo saves a create, then its answer is lost: the connection drops, or Halo answers an error
 * (500; 502 and 503 with data). */
typedef struct
{
  const char *path;
  guint status;          /* 0: the connection drops */
  guint batch_size;      /* of the asset sync */
  gboolean in_same_sync; /* the assets are all created by the sync itself */
} LostAnswer;

static const LostAnswer lost_answers[] = {
  { "/sync/faults/drop-after-commit", 0, 3, FALSE },
  { "/sync/faults/error-after-commit/500", 500, 2, TRUE },
  { "/sync/faults/error-after-commit/502", 502, 2, TRUE },
  { "/sync/faults/error-after-commit/503", 503, 2, TRUE },
};

/* The next create's answer lost (the connection drops), or every @every-th one answered with
 * the error. */
static void
lose_answers (Fixture *f, const LostAnswer *lost, guint every)
{
  if (lost->status == 0)
    hy_sim_drop_after_commit (f->sim, 1);
  else
    hy_sim_set_error_after_commit (f->sim, every, lost->status);
}

/* The look-ups made before sending again are in the events with the records they are for. */
static void
assert_looked_up (Fixture *f, const char *alert_record)
{
  g_autoptr (GPtrArray) gets = hy_test_events_matching (f->events, "GET", NULL);
  guint assets = 0, tickets = 0, actions = 0;

  for (guint i = 0; i < gets->len; i++)
    {
      HyHaloEvent *e = g_ptr_array_index (gets, i);

      if (e->record == NULL)
        continue;
      if (g_str_has_prefix (e->path, "/api/Asset?") && g_str_has_prefix (e->record, "computer:"))
        assets++;
      if (g_str_has_prefix (e->path, "/api/Tickets?") && g_strcmp0 (e->record, alert_record) == 0)
        tickets++;
      if (g_str_has_prefix (e->path, "/api/Actions?") && g_str_has_prefix (e->record, alert_record))
        actions++;
    }
  g_assert_cmpuint (assets, >, 0);
  g_assert_cmpuint (tickets, >, 0);
  g_assert_cmpuint (actions, >, 0);
}

/* Every device is one asset, the alert one ticket, the note one action: the records are looked
 * up before anything is sent again, and nothing is given up. */
static void
test_fault_lost_answer (Fixture *f, gconstpointer data)
{
  const LostAnswer *lost = data;
  g_autoptr (GError) error = NULL;
  g_autoptr (HySyncReport) report = NULL;
  g_autoptr (HyAlert) alert = NULL;
  g_autoptr (GPtrArray) dead = NULL;

  /* Halo saves the first asset batch (every second one), and the answer is lost. */
  hy_sync_engine_set_batch_size (f->engine, lost->batch_size);
  lose_answers (f, lost, 2);
  report = hy_test_sync_run (f->engine, FALSE, &error);
  g_assert_no_error (error);
  if (lost->in_same_sync)
    {
      /* nothing left pending (pc8's company is not linked: it fails) */
      g_assert_cmpuint (report->created, ==, 7);
      g_assert_cmpuint (report->pending, ==, 0);
      g_assert_cmpuint (report->dead, ==, 0);
    }
  deliver_until_done (f, 20);
  assert_every_device_once (f);

  /* The same for a ticket, and for a note. */
  lose_answers (f, lost, 1);
  record_alert (f, "a7", "pc2", "p1");
  deliver_until_done (f, 20);
  g_assert_cmpuint (ticket_count (f), ==, 1);
  alert = hy_store_get (f->store, HY_RECORD_KIND_ALERT, "a7", NULL);
  g_assert_cmpint (alert->ticket_id, >, 0);
  record_action (f, "a7", "u1", 5, "Checked", FALSE);
  lose_answers (f, lost, 1);
  deliver_until_done (f, 20);
  g_assert_cmpuint (actions_of (f, alert->ticket_id), ==, 1);
  hy_sim_set_error_after_commit (f->sim, 0, 0);

  assert_looked_up (f, "alert:a7");
  dead = hy_store_outbox_list (f->store, HY_OUTBOX_STATE_DEAD, 0, 0, NULL);
  g_assert_cmpuint (dead->len, ==, 0);
}

static void
test_fault_token_expiry (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (HySyncReport) report = NULL;

  /* Tokens revoked behind Halyard's back in the middle of the sync (after the first write). */
  hy_sync_engine_set_batch_size (f->engine, 2);
  hy_sim_set_latency (f->sim, 5);
  hy_sim_set_token_lifetime (f->sim, 1);
  report = hy_test_sync_run (f->engine, FALSE, &error);
  g_assert_no_error (error);
  hy_sim_revoke_tokens (f->sim);
  record_alert (f, "a8", "pc1", "p1");
  deliver_until_done (f, 20);
  assert_every_device_once (f);
  g_assert_cmpuint (ticket_count (f), ==, 1);
}

static void
test_fault_down_then_back (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (HySyncReport) report = NULL;
  g_autoptr (HySyncReport) d1 = NULL;

  hy_sim_set_down (f->sim, TRUE);
  report = hy_test_sync_run (f->engine, FALSE, &error);
  g_assert_nonnull (error); /* Halo cannot be asked what exists: nothing is queued */
  g_assert_null (report);
  g_clear_error (&error);
  record_alert (f, "a10", "pc1", "p1");
  d1 = hy_test_sync_deliver (f->engine);
  g_assert_cmpuint (d1->pending, ==, 1);
  assert_alert_state (f, "a10", HY_ALERT_STATE_QUEUED);

  hy_sim_set_down (f->sim, FALSE);
  report = hy_test_sync_run (f->engine, FALSE, &error);
  g_assert_no_error (error);
  deliver_until_done (f, 20);
  assert_every_device_once (f);
  g_assert_cmpuint (ticket_count (f), ==, 1);
}

/* ------------------------------------------------------------------------- */
/* Giving up, and queueing again                                             */
/* ------------------------------------------------------------------------- */

/* The engine on Halo's own schedule (seconds), its clock moved on by the test. */
static void
use_test_clock (Fixture *f)
{
  f->engine_clock = hy_clock_new_manual ();
  hy_sync_engine_set_clock (f->engine, f->engine_clock);
  hy_sync_engine_set_backoff_unit (f->engine, G_USEC_PER_SEC);
}

static HyOutboxItem *
only_item (Fixture *f, HyOutboxState state)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) items = hy_store_outbox_list (f->store, state, 0, 0, &error);

  g_assert_no_error (error);
  g_assert_cmpuint (items->len, ==, 1);
  return g_ptr_array_steal_index (items, 0);
}

/* The engine's clock moved past the longest back-off (600 s), then one delivery run. */
static HySyncReport *
deliver_later (Fixture *f)
{
  hy_clock_advance (f->engine_clock, 601 * G_USEC_PER_SEC);
  return hy_test_sync_deliver (f->engine);
}

/* @rounds delivery runs, each past the longest back-off, that neither deliver nor give up the
 * one write that waits. */
static void
deliver_still_waiting (Fixture *f, guint rounds)
{
  for (guint i = 0; i < rounds; i++)
    {
      g_autoptr (HySyncReport) report = deliver_later (f);

      g_assert_cmpuint (report->dead, ==, 0);
      g_assert_cmpuint (report->pending, ==, 1);
    }
}

/* Halo answers again: one delivery run sends @delivered writes, leaves nothing pending and
 * gives nothing up; Halo has @tickets tickets, and alert @id is delivered. */
static void
deliver_revived (Fixture *f, guint delivered, guint tickets, const char *id)
{
  g_autoptr (HySyncReport) report = hy_test_sync_deliver (f->engine);

  g_assert_cmpuint (report->delivered, ==, delivered);
  g_assert_cmpuint (report->pending, ==, 0);
  g_assert_cmpuint (report->dead, ==, 0);
  g_assert_cmpuint (ticket_count (f), ==, tickets);
  assert_alert_state (f, id, HY_ALERT_STATE_DELIVERED);
}

/* Five hours of outage (Halo answering 503 to everything, its sign-in included), then an hour
 * of Halo's rate limit: far longer than the whole back-off schedule. Nothing is given up, the
 * tries are spaced out up to the longest back-off, and the ticket goes out once Halo is back. */
static void
test_outage_nothing_dead (Fixture *f, gconstpointer data)
{
  g_autoptr (HyOutboxItem) item = NULL;

  use_test_clock (f);
  hy_sim_set_down (f->sim, TRUE);
  record_alert (f, "a60", "pc1", "p1");
  deliver_still_waiting (f, 30);
  item = only_item (f, HY_OUTBOX_STATE_PENDING);
  g_assert_cmpuint (item->refused, ==, 0);
  g_assert_cmpuint (item->waits, ==, 30);
  /* Spaced out: the next try at most the longest back-off away. */
  g_assert_cmpint (item->next_attempt_at, <=,
                   hy_clock_get_real (f->engine_clock) + 600 * G_USEC_PER_SEC);
  g_assert_cmpint (item->next_attempt_at, >,
                   hy_clock_get_real (f->engine_clock) + 300 * G_USEC_PER_SEC);
  g_clear_pointer (&item, hy_outbox_item_free);

  /* Halo back, but its request limit reached for an hour: still waiting, still not dead. */
  hy_sim_set_down (f->sim, FALSE);
  hy_sim_set_rate_limit (f->sim, 1, 3600 * 1000, FALSE);
  hy_halo_client_set_rate_limit_waits (f->client, 0);
  deliver_still_waiting (f, 12);
  g_assert_cmpuint (ticket_count (f), ==, 0);
  assert_alert_state (f, "a60", HY_ALERT_STATE_QUEUED);

  /* Halo answers again: delivered, once. */
  hy_sim_set_rate_limit (f->sim, 0, 0, FALSE);
  hy_clock_advance (f->engine_clock, 601 * G_USEC_PER_SEC);
  deliver_revived (f, 1, 1, "a60");
}

/* A ticket create that Halo keeps failing (500) is given up after the last attempt, and queued
 * again by itself once Halo answers again (here: another alert's ticket is created). */
static void
test_failing_revived (Fixture *f, gconstpointer data)
{
  g_autoptr (HyOutboxItem) item = NULL;
  guint rounds = 0;

  use_test_clock (f);
  record_alert (f, "a61", "pc1", "p1");
  hy_sim_fail_next (f->sim, 100000, 500);
  for (;;)
    {
      g_autoptr (HySyncReport) d = deliver_later (f);

      if (d->dead > 0)
        break;
      g_assert_cmpuint (++rounds, <, HY_SYNC_MAX_ATTEMPTS + 2);
    }
  item = only_item (f, HY_OUTBOX_STATE_DEAD);
  g_assert_cmpstr (item->dead_cause, ==, HY_OUTBOX_CAUSE_FAILING);
  g_assert_cmpuint (item->refused, ==, HY_SYNC_MAX_ATTEMPTS);
  g_clear_pointer (&item, hy_outbox_item_free);
  assert_alert_state (f, "a61", HY_ALERT_STATE_DEAD);

  /* Halo answers again: the next delivery brings it back with it. */
  hy_sim_fail_next (f->sim, 0, 500);
  hy_clock_advance (f->engine_clock, 601 * G_USEC_PER_SEC);
  record_alert (f, "a62", "pc2", "p1");
  deliver_revived (f, 2, 2, "a61");
}

/* A ticket create Halo refused (the mapped ticket type does not exist) is given up at once,
 * with its cause, and queued again by itself when the mapping is fixed. */
static void
test_refused_revived_by_mapping (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (HyOutboxItem) item = NULL;
  g_autoptr (HySyncReport) d1 = NULL;

  g_assert_true (hy_store_map_policy (f->store, "p2", 9999, 0, &error));
  record_alert (f, "a63", "pc1", "p2");
  d1 = hy_test_sync_deliver (f->engine);
  g_assert_cmpuint (d1->dead, ==, 1);
  item = only_item (f, HY_OUTBOX_STATE_DEAD);
  g_assert_cmpstr (item->dead_cause, ==, HY_OUTBOX_CAUSE_REFUSED);
  g_assert_cmpuint (item->refused, ==, 1);
  g_clear_pointer (&item, hy_outbox_item_free);

  /* Nothing changed: it stays given up. */
  g_clear_pointer (&d1, hy_sync_report_free);
  d1 = hy_test_sync_deliver (f->engine);
  g_assert_cmpuint (d1->dead, ==, 1);
  g_assert_cmpuint (ticket_count (f), ==, 0);

  g_assert_true (hy_store_map_policy (f->store, "p2", 4, 9, &error));
  deliver_revived (f, 1, 1, "a63");
}

/* ------------------------------------------------------------------------- */
/* Cancelling, crashing and the automatic mode                               */
/* ------------------------------------------------------------------------- */

typedef struct
{
  Fixture *f;
  GAsyncResult **result;
} CancelAt;

static gboolean
two_assets_or_done (gpointer data)
{
  CancelAt *at = data;

  return *at->result != NULL || asset_count (at->f) >= 2;
}

/* A sync cancelled half-way leaves its writes queued; the next sync completes them, once. */
static void
test_cancel (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (HySyncReport) cancelled = NULL;
  g_autoptr (HySyncReport) report = NULL;
  CancelAt cancel_at;

  hy_sim_set_latency (f->sim, 20);
  hy_sync_engine_set_batch_size (f->engine, 1);
  hy_sync_engine_sync_async (f->engine, FALSE, cancellable, hy_test_result_cb, &result);
  cancel_at.f = f;
  cancel_at.result = &result;
  hy_test_wait_until (two_assets_or_done, &cancel_at, "two assets in Halo");
  g_cancellable_cancel (cancellable);
  result = hy_test_wait_result (&result);
  cancelled = hy_sync_engine_sync_finish (f->engine, result, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);
  g_assert_cmpuint (asset_count (f), <, 7);
  g_assert_cmpint (hy_store_outbox_count (f->store, HY_OUTBOX_STATE_DEAD, NULL), ==, 0);

  hy_sim_set_latency (f->sim, 0);
  report = hy_test_sync_run (f->engine, FALSE, &error);
  g_assert_no_error (error);
  deliver_until_done (f, 20);
  assert_every_device_once (f);
}

/* A crash right after a ticket create was sent: the item is INFLIGHT in the store and Halo has
 * the ticket; the next process resolves it by looking it up, and sends nothing twice. */
static void
test_crash_recovery (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) claimed = NULL;
  g_autoptr (HySyncAlertResult) r2 = NULL;
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (HyHaloRecord) ticket = NULL;
  g_autoptr (JsonNode) body = NULL;
  HyOutboxItem *item;
  g_autoptr (HyAlert) recorded = NULL;
  HySyncTicketSpec spec = { .alert_id = "a11",
                            .summary = "Disk space low",
                            .tickettype_id = 4,
                            .client_id = f->client_b,
                            .site_id = f->site_b };

  /* The dead process: recorded the alert, claimed its write (INFLIGHT, committed), sent it,
   * and died before recording the answer. */
  g_assert_true (hy_sync_engine_set_enabled (f->engine, FALSE, NULL));
  record_alert (f, "a11", "pc6", "p1");
  claimed = hy_store_outbox_claim (f->store, g_get_real_time (), 10, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (claimed->len, ==, 1);
  item = g_ptr_array_index (claimed, 0);
  g_assert_cmpstr (item->kind, ==, HY_SYNC_KIND_TICKET_CREATE);
  recorded = hy_store_get (f->store, HY_RECORD_KIND_ALERT, "a11", NULL);
  spec.raised_at = recorded->raised_at;
  body = hy_sync_ticket_create_payload (&spec);
  hy_halo_client_create_ticket_async (f->client, json_node_get_object (body),
                                      HY_HALO_PRIORITY_ALERT, item->record_key, NULL,
                                      hy_test_result_cb, &result);
  result = hy_test_wait_result (&result);
  ticket = hy_halo_client_record_finish (f->client, result, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (ticket_count (f), ==, 1);

  /* The next process. */
  g_clear_object (&f->engine);
  f->engine = hy_test_sync_engine_new (f->store, f->client, f->halo->clock);
  g_assert_true (hy_sync_engine_set_enabled (f->engine, TRUE, NULL));
  deliver_until_done (f, 10);
  g_assert_cmpuint (ticket_count (f), ==, 1);
  r2 = hy_sync_engine_get_alert_result (f->engine, "a11", NULL);
  g_assert_cmpint (r2->state, ==, HY_ALERT_STATE_DELIVERED);
  g_assert_cmpint (r2->ticket_id, ==, hy_halo_record_get_id (ticket));

  /* The same for a technician's time entry: sent by the dead process, found by the next. */
  {
    g_autoptr (GPtrArray) claimed_action = NULL;
    g_autoptr (JsonParser) parser = json_parser_new ();
    g_autoptr (JsonNode) action_body = NULL;
    g_autoptr (GAsyncResult) aresult = NULL;
    g_autoptr (HyHaloRecord) action = NULL;
    HySyncActionSpec aspec = { 0 };
    JsonObject *payload;

    g_assert_true (hy_sync_engine_set_enabled (f->engine, FALSE, NULL));
    record_action (f, "a11", "u1", 45, "Replaced the disk", FALSE);
    claimed_action = hy_store_outbox_claim (f->store, g_get_real_time (), 10, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (claimed_action->len, ==, 1);
    item = g_ptr_array_index (claimed_action, 0);
    g_assert_cmpstr (item->kind, ==, HY_SYNC_KIND_ACTION);
    g_assert_true (json_parser_load_from_data (parser, item->payload, -1, &error));
    payload = json_node_get_object (json_parser_get_root (parser));
    aspec.ticket_id = r2->ticket_id;
    aspec.outcome = hy_sync_json_string (payload, "outcome");
    aspec.note = hy_sync_json_string (payload, "note");
    aspec.hours = hy_sync_minutes_to_hours (45);
    aspec.agent_id = f->agent_id;
    aspec.datetime = hy_sync_json_string (payload, "datetime");
    action_body = hy_sync_action_payload (&aspec);
    hy_halo_client_create_action_async (f->client, json_node_get_object (action_body),
                                        HY_HALO_PRIORITY_ALERT, item->record_key, NULL,
                                        hy_test_result_cb, &aresult);
    aresult = hy_test_wait_result (&aresult);
    action = hy_halo_client_record_finish (f->client, aresult, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (actions_of (f, r2->ticket_id), ==, 1);

    g_clear_object (&f->engine);
    f->engine = hy_test_sync_engine_new (f->store, f->client, f->halo->clock);
    g_assert_true (hy_sync_engine_set_enabled (f->engine, TRUE, NULL));
    deliver_until_done (f, 10);
    g_assert_cmpuint (actions_of (f, r2->ticket_id), ==, 1);
  }
}

static gboolean
synced_and_ticket (gpointer f)
{
  return asset_count (f) == 7 && ticket_count (f) == 1;
}

static gboolean
second_ticket (gpointer f)
{
  return ticket_count (f) == 2;
}

static gboolean
engine_idle (gpointer engine)
{
  return !hy_sync_engine_is_running (engine);
}

/* The window's mode: enabling syncs, recording delivers, a retry that falls due wakes it up. */
static void
test_auto_deliver (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;

  g_assert_true (hy_sync_engine_set_enabled (f->engine, FALSE, NULL));
  hy_sync_engine_set_auto_deliver (f->engine, TRUE);
  record_alert (f, "a12", "pc1", "p1");
  /* Disabled: nothing is sent, however long it waits (a second of its clock, at once). */
  hy_clock_advance (f->halo->clock, G_USEC_PER_SEC);
  hy_test_wait_idle ();
  g_assert_false (hy_sync_engine_is_running (f->engine));
  g_assert_cmpuint (hy_sim_get_request_count (f->sim), ==, 0);

  g_assert_true (hy_sync_engine_set_enabled (f->engine, TRUE, NULL));
  hy_test_wait_until (synced_and_ticket, f, "the sync and the first ticket");

  /* Halo away: the ticket waits in the outbox and goes out on its own once Halo is back. */
  hy_sim_set_down (f->sim, TRUE);
  record_alert (f, "a13", "pc2", "p1");
  /* Its retries fall due (200 ms of back-off on the clock) while Halo is away. */
  hy_clock_advance (f->halo->clock, 200 * 1000);
  hy_test_wait_idle ();
  g_assert_cmpuint (ticket_count (f), ==, 1);
  hy_sim_set_down (f->sim, FALSE);
  hy_test_wait_until (second_ticket, f, "the second ticket");
  hy_sync_engine_set_auto_deliver (f->engine, FALSE);
  g_assert_cmpuint (asset_count (f), ==, 7);
  /* The last run ends before the fixture goes away. */
  hy_test_wait_until (engine_idle, f->engine, "the last automatic run's end");
}

int
main (int argc, char **argv)
{
  hy_test_init (&argc, &argv);

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("/sync/cancel", test_cancel);
  ADD ("/sync/faults/rate-limit", test_fault_rate_limit);
  ADD ("/sync/faults/server-errors", test_fault_server_errors);
  ADD ("/sync/faults/token-expiry", test_fault_token_expiry);
  for (guint i = 0; i < G_N_ELEMENTS (lost_answers); i++)
    g_test_add (lost_answers[i].path, Fixture, &lost_answers[i], fixture_setup,
                test_fault_lost_answer, fixture_teardown);
  ADD ("/sync/faults/down-then-back", test_fault_down_then_back);
  ADD ("/sync/crash-recovery", test_crash_recovery);
  ADD ("/sync/outbox/outage-nothing-dead", test_outage_nothing_dead);
  ADD ("/sync/outbox/failing-revived", test_failing_revived);
  ADD ("/sync/outbox/refused-revived-by-mapping", test_refused_revived_by_mapping);
  ADD ("/sync/auto-deliver", test_auto_deliver);
#undef ADD
  return g_test_run ();
}
