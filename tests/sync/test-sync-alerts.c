/* test-sync-alerts.c: alerts and technicians' actions through the sync engine against
 * halyard-sim (in process): a ticket per occurrence, notes for repeats, closing, unrouted alerts,
 * the ticket's assets, the enabled switch and alert delivery before the bulk asset sync
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "store/hy-store-lifecycle.h"
#include "sync-engine-fixture.h"

/* ------------------------------------------------------------------------- */
/* Alerts                                                                    */
/* ------------------------------------------------------------------------- */

/* The first raise is stored before anything is sent, then becomes one ticket on the device's
 * client and site, with its asset, whose request the events tag with the alert. Returns the
 * ticket's id. */
static gint64
lifecycle_first_ticket (Fixture *f)
{
  g_autoptr (HyComputer) pc1 = hy_store_get (f->store, HY_RECORD_KIND_COMPUTER, "pc1", NULL);
  g_autoptr (HySyncAlertResult) raised = raise_alert (f, "a1", "pc1", "p1");
  g_autoptr (HySyncAlertResult) delivered = NULL;
  g_autoptr (JsonNode) state = NULL;
  HyHaloEvent *post;
  JsonObject *ticket;
  JsonArray *assets;

  g_assert_cmpint (raised->state, ==, HY_ALERT_STATE_QUEUED);
  g_assert_cmpuint (ticket_count (f), ==, 0);
  deliver_once (f);
  delivered = hy_sync_engine_get_alert_result (f->engine, "a1", NULL);
  g_assert_cmpint (delivered->state, ==, HY_ALERT_STATE_DELIVERED);
  g_assert_cmpint (delivered->ticket_id, >, 0);
  g_assert_cmpuint (ticket_count (f), ==, 1);

  state = hy_sim_dump_state (f->sim);
  ticket = json_array_get_object_element (state_array (state, "tickets"), 0);
  g_assert_cmpint (hy_sync_json_int (ticket, "id"), ==, delivered->ticket_id);
  g_assert_cmpint (hy_sync_json_int (ticket, "tickettype_id"), ==, 4);
  g_assert_cmpint (hy_sync_json_int (ticket, "client_id"), ==, f->client_a);
  g_assert_cmpint (hy_sync_json_int (ticket, "site_id"), ==, f->site_a);
  g_assert_cmpstr (hy_sync_json_string (ticket, "summary"), ==, "Disk space low");
  g_assert_nonnull (strstr (hy_sync_json_string (ticket, "details"), "C: at 95%"));
  assets = json_object_get_array_member (ticket, "assets");
  g_assert_nonnull (assets);
  g_assert_cmpint (hy_sync_json_int (json_array_get_object_element (assets, 0), "id"), ==,
                   pc1->link.halo_id);

  /* The ticket's request is in the events with the alert it concerns. */
  post = hy_test_events_last (f->events, "POST", "/api/Tickets");
  g_assert_nonnull (post);
  g_assert_cmpstr (post->record, ==, "alert:a1");
  return delivered->ticket_id;
}

/* Whether a note of Halo's actions holds @text. */
static gboolean
has_note (JsonNode *state, const char *text)
{
  JsonArray *actions = state_array (state, "actions");

  for (guint i = 0; i < json_array_get_length (actions); i++)
    {
      const char *note = hy_sync_json_string (json_array_get_object_element (actions, i), "note");

      if (note != NULL && strstr (note, text) != NULL)
        return TRUE;
    }
  return FALSE;
}

/* Clears alert @id (with @note); asserts that the engine took it. */
static void
clear_alert (Fixture *f, const char *id, const char *note)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (HySyncAlertResult) result = hy_sync_engine_clear_alert (f->engine, id, note, &error);

  g_assert_no_error (error);
}

/* A repeat is a note, not a second ticket. Clearing adds a note and sets the close status of
 * the policy mapping; clearing twice changes nothing. */
static void
lifecycle_repeat_and_clear (Fixture *f, gint64 ticket_id)
{
  g_autoptr (JsonNode) state = NULL;

  record_alert (f, "a1", "pc1", "p1");
  deliver_once (f);
  g_assert_cmpuint (ticket_count (f), ==, 1);
  g_assert_cmpuint (actions_of (f, ticket_id), ==, 1);

  clear_alert (f, "a1", "Disk cleaned up");
  deliver_once (f);
  g_assert_cmpuint (ticket_count (f), ==, 1);
  g_assert_cmpuint (actions_of (f, ticket_id), ==, 2);
  state = hy_sim_dump_state (f->sim);
  g_assert_cmpint (hy_sync_json_int (hy_test_state_find_id (state, "tickets", ticket_id),
                                     "status_id"),
                   ==, 9);
  g_assert_true (has_note (state, "Disk cleaned up"));

  clear_alert (f, "a1", NULL);
  g_assert_cmpint (hy_store_outbox_count (f->store, HY_OUTBOX_STATE_PENDING, NULL), ==, 0);
}

/* Its ticket was closed: when the alert comes back after the policy's flap window (none here)
 * it is a new occurrence with a new ticket that names the previous one, and a repeat of that
 * one is a note on the new ticket. */
static void
lifecycle_back_after_close (Fixture *f, gint64 closed_ticket)
{
  g_autoptr (HyPolicyDefaults) defaults = hy_store_get_policy_defaults (f->store, "p1", NULL);
  g_autoptr (HySyncAlertResult) back = NULL;
  g_autoptr (HySyncAlertResult) now = NULL;

  defaults->flap_minutes = 0;
  g_assert_true (hy_store_set_policy_defaults (f->store, defaults, NULL));
  back = raise_alert (f, "a1", "pc1", "p1");
  g_assert_cmpint (back->state, ==, HY_ALERT_STATE_QUEUED);
  g_assert_cmpint (back->ticket_id, ==, 0);
  deliver_once (f);
  g_assert_cmpuint (ticket_count (f), ==, 2);
  record_alert (f, "a1", "pc1", "p1");
  deliver_once (f);
  g_assert_cmpuint (ticket_count (f), ==, 2);
  now = hy_sync_engine_get_alert_result (f->engine, "a1", NULL);
  g_assert_cmpint (now->ticket_id, !=, closed_ticket);
  g_assert_cmpuint (actions_of (f, now->ticket_id), ==, 1);
  g_assert_cmpuint (actions_of (f, closed_ticket), ==, 2);
}

/* An alert's life: its first ticket, a repeat, clearing, and coming back once its ticket is
 * closed. */
static void
test_alert_lifecycle (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (HySyncReport) sync = hy_test_sync_run (f->engine, FALSE, &error);
  gint64 ticket_id;

  g_assert_no_error (error);
  ticket_id = lifecycle_first_ticket (f);
  lifecycle_repeat_and_clear (f, ticket_id);
  lifecycle_back_after_close (f, ticket_id);
}

static void
test_alert_unrouted (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (HySyncAlertResult) r1 = NULL;
  g_autoptr (HySyncAlertResult) r2 = NULL;
  g_autoptr (HyAlert) kept = NULL;
  guint open = 0, unrouted = 0;

  /* Policy not mapped */
  r1 = raise_alert (f, "a2", "pc1", "p2");
  g_assert_cmpint (r1->state, ==, HY_ALERT_STATE_UNROUTED);
  g_assert_nonnull (strstr (r1->reason, "p2"));
  /* Company not linked */
  r2 = raise_alert (f, "a3", "pc8", "p1");
  g_assert_cmpint (r2->state, ==, HY_ALERT_STATE_UNROUTED);
  g_assert_nonnull (strstr (r2->reason, "not linked"));
  deliver_once (f);
  g_assert_cmpuint (ticket_count (f), ==, 0);
  kept = hy_store_get (f->store, HY_RECORD_KIND_ALERT, "a2", NULL);
  g_assert_nonnull (kept);
  g_assert_true (hy_store_count_alerts (f->store, &open, &unrouted, NULL));
  g_assert_cmpuint (unrouted, ==, 2);

  /* The mapping appears: routed at the next delivery. */
  g_assert_true (hy_store_map_policy (f->store, "p2", 1, 0, NULL));
  deliver_once (f);
  g_assert_cmpuint (ticket_count (f), ==, 1);
  assert_alert_state (f, "a2", HY_ALERT_STATE_DELIVERED);

  /* An alert that came in an import file (written to the store, nothing queued) is picked up
   * by the next delivery. */
  {
    HyAlert *imported = hy_alert_new ();

    imported->id = g_strdup ("imp1");
    imported->computer_id = g_strdup ("pc2");
    imported->policy_id = g_strdup ("p1");
    imported->summary = g_strdup ("Imported alert");
    upsert (f, HY_RECORD_KIND_ALERT, imported);
    deliver_once (f);
    g_assert_cmpuint (ticket_count (f), ==, 2);
    assert_alert_state (f, "imp1", HY_ALERT_STATE_DELIVERED);
  }

  /* Bad input changes nothing */
  {
    HySyncAlertInput bad = { .id = "a9", .computer_id = "nope", .policy_id = "p1", .summary = "x" };
    g_autoptr (HySyncAlertResult) r = hy_sync_engine_raise_alert (f->engine, &bad, &error);
    g_assert_error (error, HY_SYNC_ERROR, HY_SYNC_ERROR_NOT_FOUND);
    g_assert_null (r);
    g_clear_error (&error);
    bad.computer_id = "pc1";
    bad.summary = "  ";
    r = hy_sync_engine_raise_alert (f->engine, &bad, &error);
    g_assert_error (error, HY_SYNC_ERROR, HY_SYNC_ERROR_INVALID);
    g_assert_null (hy_store_get (f->store, HY_RECORD_KIND_ALERT, "a9", NULL));
  }
}

/* An alert overtakes the bulk asset sync: its ticket is created before the device's asset exists,
 * without it. Once the sync creates the asset, the ticket gets it (once), and a closed ticket
 * or one that has it is left alone. */
static void
test_ticket_gets_asset (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (HySyncAlertResult) r1 = NULL;
  g_autoptr (HySyncAlertResult) r2 = NULL;
  g_autoptr (HySyncReport) sync = NULL;
  g_autoptr (HySyncReport) again = NULL;
  g_autoptr (HyComputer) pc1 = NULL;
  g_autoptr (HyComputer) pc2 = NULL;
  g_autoptr (JsonNode) state = NULL;
  JsonObject *ticket;
  JsonArray *assets;

  record_alert (f, "a1", "pc1", "p1");
  /* a2 on pc2 is raised and cleared (its policy closes the ticket) before the sync */
  record_alert (f, "a2", "pc2", "p1");
  deliver_once (f);
  r1 = hy_sync_engine_get_alert_result (f->engine, "a1", NULL);
  g_assert_cmpint (r1->ticket_id, >, 0);
  clear_alert (f, "a2", "Gone");
  deliver_once (f);
  r2 = hy_sync_engine_get_alert_result (f->engine, "a2", NULL);
  state = hy_sim_dump_state (f->sim);
  ticket = find_where (state, "tickets", "summary", "Disk space low");
  g_assert_nonnull (ticket);
  g_assert_cmpuint (asset_count (f), ==, 0);

  sync = hy_test_sync_run (f->engine, FALSE, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (sync->pending, ==, 0);
  g_assert_cmpuint (sync->dead, ==, 0);
  pc1 = hy_store_get (f->store, HY_RECORD_KIND_COMPUTER, "pc1", NULL);
  pc2 = hy_store_get (f->store, HY_RECORD_KIND_COMPUTER, "pc2", NULL);
  g_assert_cmpint (pc1->link.halo_id, >, 0);
  g_clear_pointer (&state, json_node_unref);
  state = hy_sim_dump_state (f->sim);
  {
    JsonArray *tickets = state_array (state, "tickets");
    for (guint i = 0; i < json_array_get_length (tickets); i++)
      {
        ticket = json_array_get_object_element (tickets, i);
        assets = json_object_has_member (ticket, "assets")
                     ? json_object_get_array_member (ticket, "assets")
                     : NULL;
        if (hy_sync_json_int (ticket, "id") == r1->ticket_id)
          {
            /* The open ticket: its device's asset, once */
            g_assert_nonnull (assets);
            g_assert_cmpuint (json_array_get_length (assets), ==, 1);
            g_assert_cmpint (hy_sync_json_int (json_array_get_object_element (assets, 0), "id"), ==,
                             pc1->link.halo_id);
          }
        else
          {
            /* The closed one is left as it was */
            g_assert_cmpint (hy_sync_json_int (ticket, "id"), ==, r2->ticket_id);
            g_assert_true (assets == NULL || json_array_get_length (assets) == 0);
          }
      }
  }

  /* Nothing more to send: the ticket has its asset. */
  hy_sim_reset_counters (f->sim);
  again = hy_test_sync_run (f->engine, FALSE, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (hy_sim_count_requests (f->sim, "POST", "/api/"), ==, 0);
  g_assert_cmpuint (hy_sim_count_requests (f->sim, "GET", "/api/Tickets"), ==, 0);
}

/* Writing a ticket's "assets" replaces its list: the asset Halyard adds joins the assets the
 * ticket has in Halo (a technician added a printer), read with includedetails=true since
 * neither lists nor a plain GET carry them. */
static void
test_ticket_keeps_assets (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (HySyncAlertResult) r1 = NULL;
  g_autoptr (HySyncReport) sync = NULL;
  g_autoptr (HyComputer) pc1 = NULL;
  g_autoptr (JsonNode) state = NULL;
  g_autoptr (JsonGenerator) generator = json_generator_new ();
  g_autofree char *seed = NULL;
  JsonObject *ticket;
  JsonObject *printer;
  JsonArray *assets;
  gint64 printer_id = 0;

  r1 = raise_alert (f, "a1", "pc1", "p1");
  deliver_once (f);
  g_clear_pointer (&r1, hy_sync_alert_result_free);
  r1 = hy_sync_engine_get_alert_result (f->engine, "a1", NULL);
  g_assert_cmpint (r1->ticket_id, >, 0);

  /* In Halo, a technician adds a printer of client A to the ticket. */
  state = hy_sim_dump_state (f->sim);
  printer = json_object_new ();
  printer_id = 9000;
  json_object_set_int_member (printer, "id", printer_id);
  json_object_set_string_member (printer, "inventory_number", "PRN-1");
  json_object_set_int_member (printer, "assettype_id", 134);
  json_object_set_int_member (printer, "client_id", f->client_a);
  json_object_set_int_member (printer, "site_id", f->site_a);
  json_array_add_object_element (state_array (state, "assets"), printer);
  ticket = find_where (state, "tickets", "summary", "Disk space low");
  assets = json_array_new ();
  {
    JsonObject *one = json_object_new ();
    json_object_set_int_member (one, "id", printer_id);
    json_array_add_object_element (assets, one);
  }
  json_object_set_array_member (ticket, "assets", assets);
  json_generator_set_root (generator, state);
  seed = json_generator_to_data (generator, NULL);
  g_assert_true (hy_sim_load_seed_json (f->sim, seed, -1, &error));
  g_assert_no_error (error);

  sync = hy_test_sync_run (f->engine, FALSE, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (sync->dead, ==, 0);
  pc1 = hy_store_get (f->store, HY_RECORD_KIND_COMPUTER, "pc1", NULL);
  g_assert_cmpint (pc1->link.halo_id, >, 0);
  g_clear_pointer (&state, json_node_unref);
  state = hy_sim_dump_state (f->sim);
  ticket = find_where (state, "tickets", "summary", "Disk space low");
  assets = json_object_get_array_member (ticket, "assets");
  g_assert_cmpuint (json_array_get_length (assets), ==, 2);
  g_assert_cmpint (hy_sync_json_int (json_array_get_object_element (assets, 0), "id"), ==,
                   printer_id);
  g_assert_cmpint (hy_sync_json_int (json_array_get_object_element (assets, 1), "id"), ==,
                   pc1->link.halo_id);
}

/* ------------------------------------------------------------------------- */
/* Actions                                                                   */
/* ------------------------------------------------------------------------- */

static void
test_action (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (HySyncAlertResult) r1 = raise_alert (f, "a4", "pc6", "p1");
  g_autoptr (HySyncAlertResult) r2 = NULL;
  g_autoptr (JsonNode) state = NULL;
  g_autoptr (HyAlert) alert = NULL;
  JsonObject *action, *ticket;

  /* A Halo that records actions for the agent who_agentid names (see test_action_recorded_as) */
  hy_sim_set_lenient (f->sim, HY_SIM_LENIENT_WHO_AGENTID);
  g_assert_no_error (error);
  deliver_once (f);
  alert = hy_store_get (f->store, HY_RECORD_KIND_ALERT, "a4", NULL);
  g_assert_cmpint (alert->ticket_id, >, 0);

  /* An unlinked technician: a clear error, nothing queued. */
  r2 = hy_sync_engine_add_action (f->engine, "a4", "u2", 15, "Looked at it", FALSE, &error);
  g_assert_error (error, HY_SYNC_ERROR, HY_SYNC_ERROR_UNLINKED_USER);
  g_assert_nonnull (strstr (error->message, "link this technician to a Halo agent first"));
  g_assert_null (r2);
  g_clear_error (&error);
  g_assert_cmpint (hy_store_outbox_count (f->store, HY_OUTBOX_STATE_PENDING, NULL), ==, 0);

  record_action (f, "a4", "u1", 30, "Cleared temp files", TRUE);
  deliver_once (f);
  g_assert_cmpuint (actions_of (f, alert->ticket_id), ==, 1);
  state = hy_sim_dump_state (f->sim);
  action = json_array_get_object_element (state_array (state, "actions"), 0);
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (action, "timetaken"), 0.5, 1e-9);
  g_assert_cmpint (hy_sync_json_int (action, "who_agentid"), ==, f->agent_id);
  g_assert_cmpstr (hy_sync_json_string (action, "outcome"), ==, "Private Note");
  ticket = json_array_get_object_element (state_array (state, "tickets"), 0);
  g_assert_cmpint (hy_sync_json_int (ticket, "status_id"), ==, 9);
}

/* Whether Halo honours who_agentid for an application is uncertain: this one records the
 * application's login agent. The action is delivered, and the events log says whom Halo
 * recorded instead of the technician's agent. */
static void
test_action_recorded_as (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (HySyncAlertResult) r1 = raise_alert (f, "a5", "pc6", "p1");
  g_autoptr (HySyncReport) d2 = NULL;
  g_autoptr (JsonNode) state = NULL;
  JsonObject *action;
  const char *who;
  guint warnings = 0;

  g_assert_no_error (error);
  deliver_once (f);
  record_action (f, "a5", "u1", 10, "Rebooted", FALSE);
  d2 = hy_test_sync_deliver (f->engine);
  g_assert_cmpuint (d2->dead, ==, 0);
  state = hy_sim_dump_state (f->sim);
  action = json_array_get_object_element (state_array (state, "actions"), 0);
  g_assert_cmpint (hy_sync_json_int (action, "who_agentid"), !=, f->agent_id);
  g_assert_false (json_object_has_member (action, "agent_id"));
  who = hy_sync_json_string (action, "who");
  g_assert_nonnull (who);
  /* The warning is emitted on the client's context: let it arrive. */
  hy_test_wait_idle ();
  for (guint i = 0; i < f->events->len; i++)
    {
      HyHaloEvent *e = g_ptr_array_index (f->events, i);
      if (e->level != HY_HALO_EVENT_WARNING || g_strcmp0 (e->path, "/api/Actions") != 0)
        continue;
      g_assert_cmpstr (e->record, ==, "alert:a5");
      g_assert_nonnull (strstr (e->error, who));
      g_assert_nonnull (strstr (e->error, "who_agentid"));
      warnings++;
    }
  g_assert_cmpuint (warnings, ==, 1);
}

/* A ticket closed by a technician's --resolve is closed for the alert lifecycle too, even when
 * the policy has no close status: the alert's next raise opens a new ticket instead of adding a
 * note to the closed one; a raise of that new occurrence is a note on its own ticket again. */
static void
test_resolve_then_raise (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (HySyncAlertResult) r1 = NULL;
  g_autoptr (HySyncAlertResult) r3 = NULL;
  g_autoptr (HySyncReport) d2 = NULL;
  gint64 first_ticket;

  /* p2: a ticket type, no close status */
  g_assert_true (hy_store_map_policy (f->store, "p2", 4, 0, NULL));
  r1 = raise_alert (f, "a9", "pc6", "p2");
  deliver_once (f);
  g_clear_pointer (&r1, hy_sync_alert_result_free);
  r1 = hy_sync_engine_get_alert_result (f->engine, "a9", NULL);
  first_ticket = r1->ticket_id;
  g_assert_cmpint (first_ticket, >, 0);

  record_action (f, "a9", "u1", 10, "Fixed it", TRUE);
  d2 = hy_test_sync_deliver (f->engine);
  g_assert_cmpuint (d2->dead, ==, 0);
  {
    g_autoptr (JsonNode) state = hy_sim_dump_state (f->sim);
    JsonObject *ticket = json_array_get_object_element (state_array (state, "tickets"), 0);
    g_assert_cmpint (hy_sync_json_int (ticket, "id"), ==, first_ticket);
    g_assert_true (json_object_get_boolean_member (ticket, "hasbeenclosed"));
  }
  g_assert_cmpuint (actions_of (f, first_ticket), ==, 1);

  /* Back again: a new ticket, nothing added to the closed one */
  r3 = raise_alert (f, "a9", "pc6", "p2");
  deliver_once (f);
  g_assert_cmpuint (ticket_count (f), ==, 2);
  g_assert_cmpuint (actions_of (f, first_ticket), ==, 1);
  g_clear_pointer (&r3, hy_sync_alert_result_free);
  r3 = hy_sync_engine_get_alert_result (f->engine, "a9", NULL);
  g_assert_cmpint (r3->ticket_id, >, 0);
  g_assert_cmpint (r3->ticket_id, !=, first_ticket);

  /* The new occurrence is open: its repeat is a note on the new ticket */
  record_alert (f, "a9", "pc6", "p2");
  deliver_once (f);
  g_assert_cmpuint (ticket_count (f), ==, 2);
  g_assert_cmpuint (actions_of (f, r3->ticket_id), ==, 1);
  g_assert_cmpuint (actions_of (f, first_ticket), ==, 1);
}

/* ------------------------------------------------------------------------- */
/* The enabled switch and the order of deliveries                            */
/* ------------------------------------------------------------------------- */

static void
test_disabled (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (HySyncReport) d1 = NULL;
  g_autoptr (HySyncReport) d2 = NULL;

  g_assert_true (hy_sync_engine_set_enabled (f->engine, FALSE, &error));
  hy_sim_reset_counters (f->sim);
  record_alert (f, "a5", "pc1", "p1");
  d1 = hy_test_sync_deliver (f->engine);
  g_assert_cmpuint (hy_sim_get_request_count (f->sim), ==, 0);
  g_assert_cmpuint (d1->pending, ==, 1);
  g_assert_cmpuint (ticket_count (f), ==, 0);

  /* Raised again before anything was sent: still one ticket, with a note. */
  {
    g_autoptr (HySyncAlertResult) again = raise_alert (f, "a5", "pc1", "p1");
    g_assert_cmpint (again->state, ==, HY_ALERT_STATE_QUEUED);
  }

  g_assert_true (hy_sync_engine_set_enabled (f->engine, TRUE, &error));
  d2 = hy_test_sync_deliver (f->engine);
  g_assert_cmpuint (ticket_count (f), ==, 1);
  g_assert_cmpuint (d2->pending, ==, 0);
  {
    g_autoptr (HyAlert) alert = hy_store_get (f->store, HY_RECORD_KIND_ALERT, "a5", NULL);
    g_assert_cmpuint (actions_of (f, alert->ticket_id), ==, 1);
  }
}

/* Enabling with nothing mapped is refused with the reason, and changes nothing. */
static void
test_enable_needs_mapping (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;

  g_assert_true (hy_sync_engine_set_enabled (f->engine, FALSE, &error));
  g_assert_true (hy_store_unmap_group (f->store, "g1", NULL));
  g_assert_true (hy_store_unmap_group (f->store, "g2", NULL));
  g_assert_true (hy_store_unmap_policy (f->store, "p1", NULL));

  g_assert_false (hy_sync_engine_can_enable (f->engine, &error));
  g_assert_error (error, HY_SYNC_ERROR, HY_SYNC_ERROR_NOTHING_MAPPED);
  g_clear_error (&error);
  g_assert_false (hy_sync_engine_set_enabled (f->engine, TRUE, &error));
  g_assert_error (error, HY_SYNC_ERROR, HY_SYNC_ERROR_NOTHING_MAPPED);
  g_assert_nonnull (strstr (error->message, "map at least one device group"));
  g_clear_error (&error);
  g_assert_false (hy_sync_engine_get_enabled (f->engine, NULL));

  /* One policy is enough. */
  g_assert_true (hy_store_map_policy (f->store, "p1", 4, 9, NULL));
  g_assert_true (hy_sync_engine_set_enabled (f->engine, TRUE, &error));
  g_assert_no_error (error);
  g_assert_true (hy_sync_engine_get_enabled (f->engine, NULL));
}

/* A write that waits behind an earlier write of its record is not an attempt: a repeat note
 * queued behind its alert's ticket, whose first try failed, is delivered with no attempt
 * counted and so without looking its action up first. */
static void
test_wait_is_not_attempt (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) done = NULL;
  guint notes = 0;

  g_assert_true (hy_sync_engine_set_enabled (f->engine, FALSE, NULL));
  record_alert (f, "a40", "pc1", "p1");
  record_alert (f, "a40", "pc1", "p1");
  g_assert_true (hy_sync_engine_set_enabled (f->engine, TRUE, NULL));
  hy_sim_reset_counters (f->sim);
  /* The ticket's first try fails (the client's own 3 retries included; the first failure goes
   * to the sign-in's discovery, which falls back) */
  hy_sim_fail_next (f->sim, 5, 500);
  deliver_until_done (f, 20);
  g_assert_cmpuint (ticket_count (f), ==, 1);

  done = hy_store_outbox_list (f->store, HY_OUTBOX_STATE_DONE, 0, 0, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < done->len; i++)
    {
      HyOutboxItem *item = g_ptr_array_index (done, i);
      if (g_strcmp0 (item->record_key, "alert:a40") != 0)
        continue;
      if (g_strcmp0 (item->kind, HY_SYNC_KIND_TICKET_NOTE) == 0)
        {
          g_assert_cmpuint (item->attempts, ==, 0);
          notes++;
        }
      else
        g_assert_cmpuint (item->attempts, ==, 1);
    }
  g_assert_cmpuint (notes, ==, 1);
  g_assert_cmpuint (hy_sim_count_requests (f->sim, "GET", "/api/Actions"), ==, 0);
}

/* Alert delivery goes before the bulk asset sync queued in the same run. */
static void
test_alert_priority (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (HySyncReport) report = NULL;
  gint first_ticket = -1, first_asset = -1;

  g_assert_true (hy_sync_engine_set_enabled (f->engine, FALSE, NULL));
  record_alert (f, "a14", "pc6", "p1");
  g_assert_true (hy_sync_engine_set_enabled (f->engine, TRUE, NULL));
  hy_sync_engine_set_batch_size (f->engine, 2);
  report = hy_test_sync_run (f->engine, FALSE, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < f->events->len; i++)
    {
      HyHaloEvent *e = g_ptr_array_index (f->events, i);
      if (g_strcmp0 (e->method, "POST") != 0)
        continue;
      if (first_ticket < 0 && g_str_has_prefix (e->path, "/api/Tickets"))
        first_ticket = (gint) i;
      if (first_asset < 0 && g_str_has_prefix (e->path, "/api/Asset"))
        first_asset = (gint) i;
    }
  g_assert_cmpint (first_ticket, >=, 0);
  g_assert_cmpint (first_asset, >, first_ticket);
  g_assert_cmpuint (asset_count (f), ==, 7);
  g_assert_cmpuint (ticket_count (f), ==, 1);
}

int
main (int argc, char **argv)
{
  hy_test_init (&argc, &argv);

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("/sync/alerts/lifecycle", test_alert_lifecycle);
  ADD ("/sync/alerts/unrouted", test_alert_unrouted);
  ADD ("/sync/alerts/ticket-gets-asset", test_ticket_gets_asset);
  ADD ("/sync/alerts/ticket-keeps-assets", test_ticket_keeps_assets);
  ADD ("/sync/actions", test_action);
  ADD ("/sync/actions/recorded-as", test_action_recorded_as);
  ADD ("/sync/actions/resolve-then-raise", test_resolve_then_raise);
  ADD ("/sync/enabled-switch", test_disabled);
  ADD ("/sync/enable-needs-mapping", test_enable_needs_mapping);
  ADD ("/sync/alert-priority", test_alert_priority);
  ADD ("/sync/wait-is-not-attempt", test_wait_is_not_attempt);
#undef ADD
  return g_test_run ();
}
