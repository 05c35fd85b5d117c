/* test-lifecycle-engine.c: the ticket lifecycle in the sync engine against halyard-sim (in
 * process), on the engine's own clock: a policy's ticket defaults on the created ticket, and an
 * alert held by a maintenance window (of its group's parent) that opens its ticket only when
 * the window ends while it still fires.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "hy-test-sync.h"
#include "linker/hy-linker-defaults.h"
#include "linker/hy-linker-user.h"
#include "linker/hy-linker.h"
#include "store/hy-store-lifecycle.h"
#include "sync/hy-sync-engine.h"
#include "sync/hy-sync-payload.h"
#include "sync/hy-ticket-lifecycle.h"

typedef struct
{
  HyTestHalo *halo;
  HySim *sim;           /* halo's */
  HyStore *store;       /* halo's */
  HyHaloClient *client; /* halo's */
  HySyncEngine *engine;
  gint64 client_a;
  gint64 site_a;
  gint64 agent_id;
  HyClock *clock; /* the engine's: runs ahead of the wall clock when the test says */
} Fixture;

#define state_array(state, member) hy_test_state_array ((state), (member))

static guint
ticket_count (Fixture *f)
{
  return hy_test_sim_count (f->sim, "tickets", NULL, NULL);
}

#define ticket_by_id(state, id) hy_test_state_find_id ((state), "tickets", (id))

static void
deliver (Fixture *f)
{
  g_autoptr (HySyncReport) report = hy_test_sync_deliver (f->engine);

  if (report->pending > 0)
    {
      g_autoptr (GPtrArray) items =
          hy_store_outbox_list (f->store, HY_OUTBOX_STATE_PENDING, 0, 0, NULL);
      for (guint i = 0; items != NULL && i < items->len; i++)
        g_test_message ("pending %s: %s", ((HyOutboxItem *) items->pdata[i])->kind,
                        ((HyOutboxItem *) items->pdata[i])->last_error);
    }
  g_assert_cmpuint (report->pending, ==, 0);
}

static HySyncAlertResult *
raise_alert (Fixture *f, const char *id, const char *computer)
{
  g_autoptr (GError) error = NULL;
  HySyncAlertInput input = { .id = id,
                             .computer_id = computer,
                             .policy_id = "p1",
                             .summary = "Disk space low",
                             .details = "C: at 95%",
                             .severity = "Critical" };
  HySyncAlertResult *result = hy_sync_engine_raise_alert (f->engine, &input, &error);

  g_assert_no_error (error);
  return result;
}

/* Raises alert @id on pc2 and delivers it: its ticket in Halo, from the simulator's state
 * *@state (replaced). */
static JsonObject *
raise_to_ticket (Fixture *f, const char *id, JsonNode **state)
{
  g_autoptr (HySyncAlertResult) raised = raise_alert (f, id, "pc2");
  g_autoptr (HySyncAlertResult) result = NULL;
  JsonObject *ticket;

  deliver (f);
  result = hy_sync_engine_get_alert_result (f->engine, id, NULL);
  g_assert_cmpint (result->ticket_id, >, 0);
  g_clear_pointer (state, json_node_unref);
  *state = hy_sim_dump_state (f->sim);
  ticket = ticket_by_id (*state, result->ticket_id);
  g_assert_nonnull (ticket);
  return ticket;
}

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonNode) state = NULL;

  f->halo = hy_test_halo_new_empty (2, 3, "hy-lifecycle-XXXXXX");
  f->sim = f->halo->sim;

  state = hy_sim_dump_state (f->sim);
  f->client_a = hy_test_state_client (state, 0);
  f->site_a = hy_test_state_site_of (state, f->client_a);
  f->agent_id = hy_test_state_agent (state);

  f->store = hy_test_halo_open_store (f->halo, TRUE);
  hy_test_store_cache_from_state (f->store, state, "outcomes", HY_CACHE_KIND_OUTCOME);
  hy_test_store_cache_from_state (f->store, state, "statuses", HY_CACHE_KIND_STATUS);
  hy_test_store_cache_from_state (f->store, state, "priorities", HY_CACHE_KIND_PRIORITY);
  hy_test_store_cache_from_state (f->store, state, "teams", HY_CACHE_KIND_TEAM);
  hy_test_store_cache_from_state (f->store, state, "agents", HY_CACHE_KIND_AGENT);
  hy_test_store_cache_from_state (f->store, state, "ticket_types", HY_CACHE_KIND_TICKET_TYPE);

  hy_test_store_add_company (f->store, "c1", "Acme Ltd", f->client_a);
  hy_test_store_add_group (f->store, "g1", "Servers", NULL);
  hy_test_store_add_group (f->store, "g1a", "Database servers", "g1");
  hy_test_store_add_group (f->store, "g2", "Desktops", NULL);
  g_assert_true (hy_store_map_group (f->store, "g1", f->client_a, f->site_a, &error));
  g_assert_true (hy_store_map_group (f->store, "g2", f->client_a, f->site_a, &error));
  for (guint i = 0; i < 3; i++)
    {
      g_autofree char *id = g_strdup_printf ("pc%u", i);
      g_autofree char *name = g_strdup_printf ("DEV-%u", i);

      hy_test_store_add_computer (f->store, id, name, "c1", i == 0 ? "g1a" : i == 1 ? "g1" : "g2");
    }
  hy_test_store_add_policy (f->store, "p1", "Disk space");
  g_assert_true (hy_store_map_policy (f->store, "p1", 4, 9, &error));
  g_assert_no_error (error);

  f->clock = hy_clock_new_manual ();
  f->engine = hy_test_sync_engine_for (f->halo, 3, f->clock);
  f->client = f->halo->client;
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  g_clear_object (&f->engine);
  g_clear_object (&f->clock);
  g_clear_pointer (&f->halo, hy_test_halo_free);
}

/* The policy's priority (by the alert's severity), team, agent and category on the ticket. */
static void
test_defaults_on_ticket (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (HyPolicyDefaults) defaults = hy_policy_defaults_new ("p1");
  g_autoptr (JsonNode) state = NULL;
  JsonObject *ticket;

  defaults->priority_id = 3;
  defaults->severity_priorities = g_strdup ("critical=1,warning=3");
  defaults->team = g_strdup ("second line");
  defaults->agent_id = f->agent_id;
  defaults->category = g_strdup ("Monitoring");
  g_assert_true (hy_linker_set_policy_defaults (f->store, defaults, &error));
  g_assert_no_error (error);

  ticket = raise_to_ticket (f, "a1", &state);
  g_assert_cmpint (hy_sync_json_int (ticket, "priority_id"), ==, 1); /* "Critical" */
  g_assert_cmpstr (hy_sync_json_string (json_object_get_object_member (ticket, "priority"), "name"),
                   ==, "Critical");
  g_assert_cmpstr (hy_sync_json_string (ticket, "team"), ==, "Second Line");
  g_assert_cmpint (hy_sync_json_int (ticket, "agent_id"), ==, f->agent_id);
  g_assert_cmpstr (hy_sync_json_string (ticket, "category_1"), ==, "Monitoring");
}

static HyHaloRecord *
fetch_user (Fixture *f, gint64 user_id, GError **error)
{
  g_autoptr (GAsyncResult) result = NULL;

  hy_linker_fetch_policy_user_async (f->client, user_id, NULL, hy_test_result_cb, &result);
  result = hy_test_wait_result (&result);
  return hy_linker_fetch_policy_user_finish (result, error);
}

static GPtrArray *
list_users (Fixture *f, gint64 client_id)
{
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;
  GPtrArray *users;

  hy_linker_list_policy_users_async (f->client, client_id, NULL, hy_test_result_cb, &result);
  result = hy_test_wait_result (&result);
  users = hy_linker_list_policy_users_finish (result, &error);
  g_assert_no_error (error);
  return users;
}

/* The end user to raise as: read from Halo with its client and site, on the tickets of that
 * client, at the user's site; a user Halo does not have, or an inactive one, refused. */
static void
test_user (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (HyPolicyDefaults) defaults = hy_policy_defaults_new ("p1");
  g_autoptr (HyHaloRecord) user = NULL;
  g_autoptr (HyHaloRecord) missing = NULL;
  g_autoptr (JsonNode) state = NULL;
  g_autoptr (GPtrArray) users = list_users (f, f->client_a);
  g_autofree char *seed = NULL;
  JsonObject *ticket;
  JsonArray *rows;
  gint64 user_id;

  /* The client's users by name: "General User" and its contact. */
  g_assert_cmpuint (users->len, ==, 2);
  g_assert_cmpstr (hy_halo_record_get_name (users->pdata[0]), ==, "General User");
  user_id = hy_halo_record_get_id (users->pdata[1]);

  user = fetch_user (f, user_id, &error);
  g_assert_no_error (error);
  g_assert_cmpint (hy_halo_record_get_client_id (user), ==, f->client_a);
  hy_policy_defaults_set_user (defaults, user);
  g_assert_true (hy_linker_set_policy_defaults (f->store, defaults, &error));
  g_assert_no_error (error);

  ticket = raise_to_ticket (f, "a1", &state);
  g_assert_cmpint (hy_sync_json_int (ticket, "user_id"), ==, user_id);
  g_assert_cmpint (hy_sync_json_int (ticket, "site_id"), ==, hy_halo_record_get_site_id (user));

  /* Defaults whose user was never read from Halo are refused. */
  defaults->user_site_id = 0;
  g_assert_false (hy_linker_set_policy_defaults (f->store, defaults, &error));
  g_assert_error (error, HY_LINKER_ERROR, HY_LINKER_ERROR_INVALID);
  g_clear_error (&error);

  missing = fetch_user (f, 999999, &error);
  g_assert_null (missing);
  g_assert_error (error, HY_LINKER_ERROR, HY_LINKER_ERROR_HALO_NOT_FOUND);
  g_clear_error (&error);

  /* The user made inactive in Halo: refused by name, and no longer offered. */
  rows = state_array (state, "users");
  for (guint i = 0; i < json_array_get_length (rows); i++)
    if (hy_sync_json_int (json_array_get_object_element (rows, i), "id") == user_id)
      json_object_set_boolean_member (json_array_get_object_element (rows, i), "inactive", TRUE);
  seed = json_to_string (state, FALSE);
  g_assert_true (hy_sim_load_seed_json (f->sim, seed, -1, &error));
  g_clear_pointer (&user, hy_halo_record_unref);
  user = fetch_user (f, user_id, &error);
  g_assert_null (user);
  g_assert_error (error, HY_LINKER_ERROR, HY_LINKER_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "inactive"));
  g_clear_pointer (&users, g_ptr_array_unref);
  users = list_users (f, f->client_a);
  g_assert_cmpuint (users->len, ==, 1);
}

/* An alert inside a maintenance window (on its group's parent): kept, no ticket; the engine
 * wakes at the window's end and, the alert still firing, opens its ticket. One raised and
 * cleared inside the window never gets one; another group is not held. */
static void
test_maintenance (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (HySyncAlertResult) held = NULL;
  g_autoptr (HySyncAlertResult) gone = NULL;
  g_autoptr (HySyncAlertResult) free_one = NULL;
  g_autoptr (HySyncAlertResult) cleared = NULL;
  g_autoptr (HySyncAlertResult) after = NULL;
  gint64 now_s = g_get_real_time () / G_USEC_PER_SEC;
  gint64 ends = now_s + 3600;

  g_assert_cmpint (hy_store_add_maintenance (f->store, "g1", now_s - 60, ends, "Patch night",
                                             &error),
                   >, 0);
  g_assert_no_error (error);

  held = raise_alert (f, "a1", "pc0"); /* g1a, a subgroup of g1 */
  g_assert_cmpint (held->state, ==, HY_ALERT_STATE_QUEUED);
  g_assert_nonnull (held->reason);
  gone = raise_alert (f, "a2", "pc1");     /* g1 */
  free_one = raise_alert (f, "a3", "pc2"); /* g2: not in maintenance */
  deliver (f);
  g_assert_cmpuint (ticket_count (f), ==, 1);
  g_assert_cmpint (hy_store_count_suppressed_alerts (f->store, NULL), ==, 2);
  /* The engine wakes at the window's end, not before. */
  g_assert_cmpint (hy_ticket_lifecycle_next_wake (f->store), ==, ends);

  /* A repeat while held is no note on a ticket that does not exist; a clear forgets it. */
  g_clear_pointer (&held, hy_sync_alert_result_free);
  held = raise_alert (f, "a1", "pc0");
  cleared = hy_sync_engine_clear_alert (f->engine, "a2", NULL, &error);
  g_assert_no_error (error);
  deliver (f);
  g_assert_cmpuint (ticket_count (f), ==, 1);
  g_assert_cmpint (hy_store_count_suppressed_alerts (f->store, NULL), ==, 1);
  g_assert_cmpint (hy_store_outbox_count (f->store, HY_OUTBOX_STATE_DEAD, NULL), ==, 0);

  /* Still inside the window: nothing. */
  hy_clock_set_offset (f->clock, (gint64) 1800 * G_USEC_PER_SEC);
  deliver (f);
  g_assert_cmpuint (ticket_count (f), ==, 1);

  /* The window ends: a1 still fires and gets its ticket; a2 cleared inside it gets none. */
  hy_clock_set_offset (f->clock, (gint64) 3602 * G_USEC_PER_SEC);
  deliver (f);
  g_assert_cmpuint (ticket_count (f), ==, 2);
  after = hy_sync_engine_get_alert_result (f->engine, "a1", NULL);
  g_assert_cmpint (after->state, ==, HY_ALERT_STATE_DELIVERED);
  g_assert_cmpint (after->ticket_id, >, 0);
  g_assert_cmpint (hy_store_count_suppressed_alerts (f->store, NULL), ==, 0);
  g_assert_cmpint (hy_ticket_lifecycle_next_wake (f->store), ==, 0);
}

/* A window removed early lets the alerts it held open their tickets at the next run. */
static void
test_maintenance_removed (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (HySyncAlertResult) held = NULL;
  gint64 now_s = g_get_real_time () / G_USEC_PER_SEC;
  gint64 id = hy_store_add_maintenance (f->store, "g1a", now_s, now_s + 600, NULL, &error);

  held = raise_alert (f, "a1", "pc0");
  deliver (f);
  g_assert_cmpuint (ticket_count (f), ==, 0);
  g_assert_true (hy_store_remove_maintenance (f->store, id, &error));
  deliver (f);
  g_assert_cmpuint (ticket_count (f), ==, 1);
}

static JsonObject *
ticket_of (Fixture *f, JsonNode **state, const char *alert_id)
{
  g_autoptr (HySyncAlertResult) result =
      hy_sync_engine_get_alert_result (f->engine, alert_id, NULL);

  g_clear_pointer (state, json_node_unref);
  *state = hy_sim_dump_state (f->sim);
  return ticket_by_id (*state, result->ticket_id);
}

static guint
notes_containing (Fixture *f, gint64 ticket_id, const char *text)
{
  g_autoptr (JsonNode) state = hy_sim_dump_state (f->sim);
  JsonArray *actions = state_array (state, "actions");
  guint n = 0;

  for (guint i = 0; i < json_array_get_length (actions); i++)
    {
      JsonObject *a = json_array_get_object_element (actions, i);
      const char *note = hy_sync_json_string (a, "note");
      if (hy_sync_json_int (a, "ticket_id") == ticket_id && note != NULL &&
          strstr (note, text) != NULL)
        n++;
    }
  return n;
}

static void
clear_alert (Fixture *f, const char *id)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (HySyncAlertResult) result = hy_sync_engine_clear_alert (f->engine, id, NULL, &error);

  g_assert_no_error (error);
}

/* A technician's action between raise and clear keeps the ticket open, with a note saying why;
 * so does a status changed by hand; an untouched ticket is closed with Halo's Closed. */
static void
test_close_untouched (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonNode) state = NULL;
  g_autoptr (HyUser) tech = hy_user_new ();
  JsonObject *ticket;

  tech->id = g_strdup ("u1");
  tech->name = g_strdup ("Jane Tech");
  g_assert_true (hy_store_upsert (f->store, HY_RECORD_KIND_USER, tech, NULL, &error));
  g_assert_true (hy_store_link_set (f->store, HY_RECORD_KIND_USER, "u1", f->agent_id, "Agent",
                                    HY_LINK_HOW_MANUAL, &error));

  /* Worked by a technician (an action with time, as their agent). */
  g_clear_pointer (&state, json_node_unref);
  {
    g_autoptr (HySyncAlertResult) raised = raise_alert (f, "a1", "pc2");
    g_autoptr (HySyncAlertResult) acted = NULL;

    deliver (f);
    /* In Halo's own window: Halyard's own actions (its notes) do not count. */
    acted = hy_sync_engine_get_alert_result (f->engine, "a1", NULL);
    g_assert_cmpint (hy_sim_add_agent_action (f->sim, acted->ticket_id, f->agent_id,
                                              "Looking at it", 0.25, &error),
                     >, 0);
    g_assert_no_error (error);
  }
  clear_alert (f, "a1");
  deliver (f);
  ticket = ticket_of (f, &state, "a1");
  g_assert_false (hy_sync_json_int (ticket, "hasbeenclosed"));
  g_assert_cmpint (hy_sync_json_int (ticket, "status_id"), !=, 9);
  g_assert_cmpuint (notes_containing (f, hy_sync_json_int (ticket, "id"), "stays open"), ==, 1);
  /* One note, not the clear's and then why it stays open. */
  g_assert_cmpuint (notes_containing (f, hy_sync_json_int (ticket, "id"), "The alert cleared"), ==,
                    1);

  /* Its status changed by hand in Halo. */
  {
    g_autoptr (HySyncAlertResult) raised = raise_alert (f, "a2", "pc2");
    g_autoptr (JsonObject) fields = json_object_new ();
    g_autoptr (GAsyncResult) result = NULL;
    g_autoptr (HyHaloRecord) updated = NULL;
    gint64 id;

    deliver (f);
    ticket = ticket_of (f, &state, "a2");
    id = hy_sync_json_int (ticket, "id");
    json_object_set_int_member (fields, "status_id", 2);
    hy_halo_client_update_ticket_async (f->client, id, fields, HY_HALO_PRIORITY_INTERACTIVE, NULL,
                                        NULL, hy_test_result_cb, &result);
    result = hy_test_wait_result (&result);
    updated = hy_halo_client_record_finish (f->client, result, &error);
    g_assert_no_error (error);
    clear_alert (f, "a2");
    deliver (f);
    ticket = ticket_of (f, &state, "a2");
    g_assert_cmpint (hy_sync_json_int (ticket, "status_id"), ==, 2);
    g_assert_cmpuint (notes_containing (f, id, "changed by hand"), ==, 1);
    g_assert_cmpuint (notes_containing (f, id, "The alert cleared"), ==, 1);
  }

  /* Untouched: closed. */
  {
    g_autoptr (HySyncAlertResult) raised = raise_alert (f, "a3", "pc2");

    deliver (f);
    clear_alert (f, "a3");
    deliver (f);
    ticket = ticket_of (f, &state, "a3");
    g_assert_cmpint (hy_sync_json_int (ticket, "status_id"), ==, 9);
    g_assert_cmpuint (notes_containing (f, hy_sync_json_int (ticket, "id"), "stays open"), ==, 0);
    /* The clear's note is written with the close. */
    g_assert_cmpuint (notes_containing (f, hy_sync_json_int (ticket, "id"), "The alert cleared"),
                      ==, 1);
  }
}

/* Raise, clear (closed), raise again inside the flap window: one ticket, reopened with a note.
 * Clear again, and raise after the window: a second ticket, whose details name the first. */
static void
test_flapping (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonNode) state = NULL;
  g_autoptr (HyPolicyDefaults) defaults = hy_policy_defaults_new ("p1");
  JsonObject *ticket;
  gint64 first;

  defaults->flap_minutes = 10;
  g_assert_true (hy_store_set_policy_defaults (f->store, defaults, &error));
  {
    g_autoptr (HySyncAlertResult) raised = raise_alert (f, "a1", "pc2");
    deliver (f);
  }
  clear_alert (f, "a1");
  deliver (f);
  ticket = ticket_of (f, &state, "a1");
  first = hy_sync_json_int (ticket, "id");
  g_assert_cmpint (hy_sync_json_int (ticket, "status_id"), ==, 9);

  hy_clock_set_offset (f->clock,
                       (gint64) 5 * 60 * G_USEC_PER_SEC); /* 5 minutes later: inside the window */
  {
    g_autoptr (HySyncAlertResult) back = raise_alert (f, "a1", "pc2");
    deliver (f);
  }
  g_assert_cmpuint (ticket_count (f), ==, 1);
  ticket = ticket_of (f, &state, "a1");
  g_assert_cmpint (hy_sync_json_int (ticket, "id"), ==, first);
  g_assert_false (hy_sync_json_int (ticket, "hasbeenclosed"));
  g_assert_cmpuint (notes_containing (f, first, "reopened"), ==, 1);

  /* It clears again (closed again), and comes back after the window: a new ticket. */
  clear_alert (f, "a1");
  deliver (f);
  ticket = ticket_of (f, &state, "a1");
  g_assert_cmpint (hy_sync_json_int (ticket, "status_id"), ==, 9);
  hy_clock_advance (f->clock, (gint64) 11 * 60 * G_USEC_PER_SEC);
  {
    g_autoptr (HySyncAlertResult) later = raise_alert (f, "a1", "pc2");
    g_autofree char *named = g_strdup_printf ("Previous ticket: %" G_GINT64_FORMAT, first);
    deliver (f);
    g_assert_cmpuint (ticket_count (f), ==, 2);
    ticket = ticket_of (f, &state, "a1");
    g_assert_cmpint (hy_sync_json_int (ticket, "id"), !=, first);
    g_assert_nonnull (strstr (hy_sync_json_string (ticket, "details"), named));
  }
}

/* Repeats while open: one note per repeat interval (the flap window), counting the repeats. */
static void
test_repeats (Fixture *f, gconstpointer data)
{
  g_autoptr (JsonNode) state = NULL;
  JsonObject *ticket;
  gint64 id;

  for (guint i = 0; i < 4; i++)
    {
      g_autoptr (HySyncAlertResult) raised = raise_alert (f, "a1", "pc2");
      deliver (f);
    }
  ticket = ticket_of (f, &state, "a1");
  id = hy_sync_json_int (ticket, "id");
  g_assert_cmpuint (ticket_count (f), ==, 1);
  g_assert_cmpuint (notes_containing (f, id, "raised again"), ==, 1);
  hy_clock_set_offset (f->clock, (gint64) 31 * 60 * G_USEC_PER_SEC);
  {
    g_autoptr (HySyncAlertResult) raised = raise_alert (f, "a1", "pc2");
    deliver (f);
  }
  g_assert_cmpuint (notes_containing (f, id, "raised again"), ==, 2);
  g_assert_cmpuint (notes_containing (f, id, "(3 times since the last note)"), ==, 1);
}

int
main (int argc, char **argv)
{
  hy_test_init (&argc, &argv);
  g_test_add ("/lifecycle/engine/defaults", Fixture, NULL, fixture_setup, test_defaults_on_ticket,
              fixture_teardown);
  g_test_add ("/lifecycle/engine/maintenance", Fixture, NULL, fixture_setup, test_maintenance,
              fixture_teardown);
  g_test_add ("/lifecycle/engine/maintenance-removed", Fixture, NULL, fixture_setup,
              test_maintenance_removed, fixture_teardown);
  g_test_add ("/lifecycle/engine/close-untouched", Fixture, NULL, fixture_setup,
              test_close_untouched, fixture_teardown);
  g_test_add ("/lifecycle/engine/flapping", Fixture, NULL, fixture_setup, test_flapping,
              fixture_teardown);
  g_test_add ("/lifecycle/engine/user", Fixture, NULL, fixture_setup, test_user, fixture_teardown);
  g_test_add ("/lifecycle/engine/repeats", Fixture, NULL, fixture_setup, test_repeats,
              fixture_teardown);
  return g_test_run ();
}
