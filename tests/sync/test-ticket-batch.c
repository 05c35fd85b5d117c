/* test-ticket-batch.c: a storm of alerts becomes tickets in batches against halyard-sim (in
 * process), each ticket reconciled with its alert by the marker of its details: POSTs of up to
 * 100 after a first batch of two; a Halo that ignores ?returnall (one safe create per alert, the
 * tickets of the first batch found by their marker, no duplicate); a batch whose connection drops
 * after Halo saved it, and a batch Halo refuses for one bad ticket: no duplicate, no lost alert.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "clock/hy-clock.h"
#include "hy-test-sync.h"
#include "store/hy-store.h"
#include "sync/hy-sync-engine.h"
#include "sync/hy-sync-payload.h"

#define N_COMPUTERS 20

typedef struct
{
  HyTestHalo *halo;
  HySim *sim;
  HyStore *store;
  HyHaloClient *client;
  HySyncEngine *engine;
  gint64 clients[2];
  HyClock *clock; /* the engine's: moved past every back-off between runs */
} Fixture;

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonNode) state = NULL;

  f->halo = hy_test_halo_new_empty (2, 2, "hy-ticket-batch-XXXXXX");
  f->sim = f->halo->sim;
  state = hy_sim_dump_state (f->sim);
  f->store = hy_test_halo_open_store (f->halo, TRUE);
  hy_test_store_cache_from_state (f->store, state, "outcomes", HY_CACHE_KIND_OUTCOME);
  hy_test_store_cache_from_state (f->store, state, "statuses", HY_CACHE_KIND_STATUS);
  hy_test_store_cache_from_state (f->store, state, "ticket_types", HY_CACHE_KIND_TICKET_TYPE);
  /* Two customers, each with its group and ten devices. */
  for (guint c = 0; c < 2; c++)
    {
      g_autofree char *company = g_strdup_printf ("c%u", c);
      g_autofree char *group = g_strdup_printf ("g%u", c);

      f->clients[c] = hy_test_state_client (state, c);
      hy_test_store_add_company (f->store, company, company, f->clients[c]);
      hy_test_store_add_group (f->store, group, group, NULL);
      g_assert_true (hy_store_map_group (f->store, group, f->clients[c],
                                         hy_test_state_site_of (state, f->clients[c]), &error));
      g_assert_no_error (error);
    }
  for (guint i = 0; i < N_COMPUTERS; i++)
    {
      g_autofree char *id = g_strdup_printf ("pc%u", i);
      g_autofree char *company = g_strdup_printf ("c%u", i % 2);
      g_autofree char *group = g_strdup_printf ("g%u", i % 2);

      hy_test_store_add_computer (f->store, id, id, company, group);
    }
  hy_test_store_add_policy (f->store, "p1", "Disk space");
  hy_test_store_add_policy (f->store, "p-change", "Needs a change");
  g_assert_true (hy_store_map_policy (f->store, "p1", 4, 9, &error));
  /* Halo refuses to create a Change Request without its CAB members. */
  g_assert_true (hy_store_map_policy (f->store, "p-change", 3, 9, &error));
  g_assert_no_error (error);

  f->clock = hy_clock_new_manual ();
  f->engine = hy_test_sync_engine_for (f->halo, 1, f->clock);
  f->client = f->halo->client;
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  g_clear_object (&f->engine);
  g_clear_object (&f->clock);
  g_clear_pointer (&f->halo, hy_test_halo_free);
}

static void
raise_alerts (Fixture *f, guint first, guint count, const char *policy)
{
  for (guint i = first; i < first + count; i++)
    {
      g_autofree char *id = g_strdup_printf ("a%u", i);
      g_autofree char *computer = g_strdup_printf ("pc%u", i % N_COMPUTERS);
      g_autofree char *summary = g_strdup_printf ("Disk space low %u", i);
      g_autoptr (GError) error = NULL;
      HySyncAlertInput input = { .id = id,
                                 .computer_id = computer,
                                 .policy_id = policy,
                                 .summary = summary,
                                 .details = "C: at 95%",
                                 .severity = "high" };
      g_autoptr (HySyncAlertResult) result = hy_sync_engine_raise_alert (f->engine, &input, &error);

      g_assert_no_error (error);
    }
}

/* One delivery run: what is still pending after it. */
static guint
deliver (Fixture *f)
{
  g_autoptr (HySyncReport) report = hy_test_sync_deliver (f->engine);

  return report->pending;
}

/* Delivers until nothing is pending, the engine's clock moved past every back-off between
 * runs. */
static void
deliver_all (Fixture *f)
{
  for (guint round = 0; deliver (f) > 0; round++)
    {
      g_assert_cmpuint (round, <, 10);
      hy_clock_advance (f->clock, (gint64) 3600 * G_USEC_PER_SEC);
    }
}

/* Every alert of a@first..a@(first+count-1) has a ticket in Halo whose details carry its own
 * marker, on its client; each ticket is one alert's: no duplicate. */
static void
assert_tickets (Fixture *f, guint first, guint count, guint expected_tickets)
{
  g_autoptr (JsonNode) state = hy_sim_dump_state (f->sim);
  JsonArray *tickets = hy_test_state_array (state, "tickets");
  g_autoptr (GHashTable) by_id = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  g_autoptr (GHashTable) owned = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);

  g_assert_cmpuint (json_array_get_length (tickets), ==, expected_tickets);
  for (guint i = 0; i < json_array_get_length (tickets); i++)
    {
      JsonObject *t = json_array_get_object_element (tickets, i);
      gint64 id = hy_sync_json_int (t, "id");

      g_hash_table_insert (by_id, g_memdup2 (&id, sizeof id), t);
    }
  for (guint i = first; i < first + count; i++)
    {
      g_autofree char *id = g_strdup_printf ("a%u", i);
      g_autoptr (HyAlert) alert = hy_store_get (f->store, HY_RECORD_KIND_ALERT, id, NULL);
      g_autofree char *key = NULL;
      JsonObject *ticket;

      g_assert_nonnull (alert);
      g_assert_cmpint (alert->state, ==, HY_ALERT_STATE_DELIVERED);
      ticket = g_hash_table_lookup (by_id, &alert->ticket_id);
      g_assert_nonnull (ticket);
      key = hy_sync_ticket_key (alert->id, alert->raised_at);
      g_assert_true (hy_sync_ticket_match (ticket, key, f->clients[(i % N_COMPUTERS) % 2]));
      g_assert_false (g_hash_table_contains (owned, &alert->ticket_id));
      g_hash_table_add (owned, g_memdup2 (&alert->ticket_id, sizeof (gint64)));
    }
}

/* 230 alerts: a first POST of two, then batches of up to 100 (one claim each); every ticket is
 * its alert's; nothing is looked up. */
static void
test_storm (Fixture *f, gconstpointer data)
{
  raise_alerts (f, 0, 230, "p1");
  hy_sim_reset_counters (f->sim);
  deliver_all (f);
  assert_tickets (f, 0, 230, 230);
  /* claims of 100, 100 and 30: 2 + 98, 100, 30 */
  g_assert_cmpuint (hy_sim_count_requests (f->sim, "POST", "/api/tickets"), ==, 4);
  g_assert_cmpuint (hy_sim_count_requests (f->sim, "GET", "/api/tickets"), ==, 0);
}

/* A Halo that answers a batch with its last ticket only: the first batch's other ticket is found
 * by its marker (not created again), and the rest go one by one. */
static void
test_ignore_returnall (Fixture *f, gconstpointer data)
{
  hy_sim_set_ignore_returnall (f->sim, TRUE);
  raise_alerts (f, 0, 30, "p1");
  hy_sim_reset_counters (f->sim);
  deliver_all (f);
  assert_tickets (f, 0, 30, 30);
  /* The batch of two, then 28 single creates */
  g_assert_cmpuint (hy_sim_count_requests (f->sim, "POST", "/api/tickets"), ==, 29);
  /* One look-up: the search by the marker and the read of its hit */
  g_assert_cmpuint (hy_sim_count_requests (f->sim, "GET", "/api/tickets"), ==, 2);
}

/* The connection drops after Halo saved a batch: each of its alerts is looked up by its marker
 * before it is sent again, and found. Then a batch Halo refuses for one Change Request: the
 * others are created one by one, the refused one given up; nothing twice. */
static void
test_failure_mid_batch (Fixture *f, gconstpointer data)
{
  g_autoptr (HyAlert) refused = NULL;

  raise_alerts (f, 0, 2, "p1");
  deliver_all (f); /* learns that Halo honours returnall */
  raise_alerts (f, 2, 40, "p1");
  hy_sim_drop_after_commit (f->sim, 1);
  deliver_all (f);
  assert_tickets (f, 0, 42, 42);

  raise_alerts (f, 42, 10, "p1");
  raise_alerts (f, 52, 1, "p-change");
  deliver_all (f);
  assert_tickets (f, 42, 10, 52);
  refused = hy_store_get (f->store, HY_RECORD_KIND_ALERT, "a52", NULL);
  g_assert_cmpint (refused->state, ==, HY_ALERT_STATE_DEAD);
  g_assert_nonnull (strstr (refused->reason, "CAB"));
}

typedef struct
{
  Fixture *f;
  guint first;
  guint count;
  guint raised;
} Trickle;

static gboolean
raise_one_cb (gpointer user_data)
{
  Trickle *t = user_data;

  raise_alerts (t->f, t->first + t->raised, 1, "p1");
  t->raised++;
  return t->raised < t->count ? G_SOURCE_CONTINUE : G_SOURCE_REMOVE;
}

static gboolean
all_delivered (gpointer user_data)
{
  Trickle *t = user_data;

  if (t->raised < t->count)
    return FALSE;
  for (guint i = t->first; i < t->first + t->count; i++)
    {
      g_autofree char *id = g_strdup_printf ("a%u", i);
      g_autoptr (HyAlert) alert = hy_store_get (t->f->store, HY_RECORD_KIND_ALERT, id, NULL);

      if (alert == NULL || alert->state != HY_ALERT_STATE_DELIVERED)
        return FALSE;
    }
  return TRUE;
}

/* Raises @count alerts one every @interval_ms (the service delivering on its own) and waits
 * until every one is delivered. */
static void
trickle (Fixture *f, guint first, guint count, guint interval_ms)
{
  Trickle t = { f, first, count, 0 };

  g_timeout_add (interval_ms, raise_one_cb, &t);
  hy_test_store_wait_until (f->store, all_delivered, &t, "the alerts delivered");
}

/* The running service in a storm: after five ticket POSTs within the storm window, tickets of
 * alerts that keep coming are gathered (up to 5 back-off units) into a few POSTs instead of one
 * each. Here the unit is 100 ms: a 6 s storm window, a 0.5 s gathering. */
static void
test_storm_gathering (Fixture *f, gconstpointer data)
{
  hy_sync_engine_set_backoff_unit (f->engine, 100000);
  hy_sync_engine_set_auto_deliver (f->engine, TRUE);
  /* The first alerts go at once, each in its own POST, as outside a storm. */
  for (guint i = 0; i < 5; i++)
    trickle (f, i, 1, 1);
  g_assert_cmpuint (hy_sim_count_requests (f->sim, "POST", "/api/tickets"), ==, 5);
  /* Twelve more, one every 40 ms: gathered. */
  hy_sim_reset_counters (f->sim);
  trickle (f, 5, 12, 40);
  assert_tickets (f, 0, 17, 17);
  g_assert_cmpuint (hy_sim_count_requests (f->sim, "POST", "/api/tickets"), <=, 4);
  hy_sync_engine_set_auto_deliver (f->engine, FALSE);
}

int
main (int argc, char **argv)
{
  hy_test_init (&argc, &argv);
  g_test_add ("/ticket-batch/storm", Fixture, NULL, fixture_setup, test_storm, fixture_teardown);
  g_test_add ("/ticket-batch/ignore-returnall", Fixture, NULL, fixture_setup, test_ignore_returnall,
              fixture_teardown);
  g_test_add ("/ticket-batch/storm-gathering", Fixture, NULL, fixture_setup, test_storm_gathering,
              fixture_teardown);
  g_test_add ("/ticket-batch/failure-mid-batch", Fixture, NULL, fixture_setup,
              test_failure_mid_batch, fixture_teardown);
  return g_test_run ();
}
