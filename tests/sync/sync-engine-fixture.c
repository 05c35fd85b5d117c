/* sync-engine-fixture.c: the sync engine suites' fixture (sync-engine-fixture.h)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "sync-engine-fixture.h"

/* ------------------------------------------------------------------------- */
/* Helpers                                                                   */
/* ------------------------------------------------------------------------- */

guint
asset_count (Fixture *f)
{
  return count_where (f->sim, "assets", NULL, NULL);
}

guint
ticket_count (Fixture *f)
{
  return count_where (f->sim, "tickets", NULL, NULL);
}

guint
actions_of (Fixture *f, gint64 ticket_id)
{
  g_autofree char *v = g_strdup_printf ("%" G_GINT64_FORMAT, ticket_id);
  return count_where (f->sim, "actions", "ticket_id", v);
}

/* Every local computer id appears exactly once as an asset number. */
void
assert_assets_exactly_once (Fixture *f, const char *const *computers)
{
  for (guint i = 0; computers[i]; i++)
    {
      g_autofree char *inv = hy_sync_asset_inventory_number (computers[i]);
      guint n = count_where (f->sim, "assets", "inventory_number", inv);
      if (n != 1)
        g_error ("asset %s found %u times in Halo", inv, n);
    }
}

/* Delivers until nothing is pending (back-off is in milliseconds in these tests: the clock
 * moves 20 ms between rounds). */
void
deliver_until_done (Fixture *f, guint max_rounds)
{
  for (guint i = 0; i < max_rounds; i++)
    {
      g_autoptr (HySyncReport) report = hy_test_sync_deliver (f->engine);
      if (report->pending == 0)
        return;
      hy_clock_advance (f->halo->clock, 20 * 1000);
    }
  g_error ("the outbox did not drain");
}

void
upsert (Fixture *f, HyRecordKind kind, gpointer record)
{
  g_autoptr (GError) error = NULL;

  g_assert_true (hy_store_upsert (f->store, kind, record, NULL, &error));
  g_assert_no_error (error);
  hy_record_free (kind, record);
}

void
add_company (Fixture *f, const char *id, const char *name, gint64 halo_client)
{
  hy_test_store_add_company (f->store, id, name, halo_client);
}

void
add_group (Fixture *f, const char *id, const char *parent)
{
  g_autofree char *name = g_strdup_printf ("Group %s", id);

  hy_test_store_add_group (f->store, id, name, parent);
}

void
add_computer (Fixture *f, const char *id, const char *company, const char *group)
{
  HyComputer *c = hy_computer_new ();

  c->id = g_strdup (id);
  c->name = g_strdup_printf ("DEV-%s", id);
  c->company_id = g_strdup (company);
  c->group_id = g_strdup (group);
  c->serial = g_strdup_printf ("SN-%s", id);
  c->os = g_strdup ("Windows 11");
  upsert (f, HY_RECORD_KIND_COMPUTER, c);
}

void
add_user (Fixture *f, const char *id, gint64 agent)
{
  g_autofree char *name = g_strdup_printf ("Tech %s", id);
  g_autofree char *email = g_strdup_printf ("%s@msp.example", id);

  hy_test_store_add_user (f->store, id, name, email, agent);
}

void
add_policy (Fixture *f, const char *id)
{
  g_autofree char *name = g_strdup_printf ("Policy %s", id);

  hy_test_store_add_policy (f->store, id, name);
}

void
assert_every_device_once (Fixture *f)
{
  g_assert_cmpuint (asset_count (f), ==, 7);
  assert_assets_exactly_once (f, synced_computers);
}

HySyncAlertResult *
raise_alert (Fixture *f, const char *id, const char *computer, const char *policy)
{
  g_autoptr (GError) error = NULL;
  HySyncAlertInput input = { .id = id,
                             .computer_id = computer,
                             .policy_id = policy,
                             .summary = "Disk space low",
                             .details = "C: at 95%",
                             .severity = "high" };
  HySyncAlertResult *result = hy_sync_engine_raise_alert (f->engine, &input, &error);

  g_assert_no_error (error);
  return result;
}

void
assert_alert_state (Fixture *f, const char *id, HyAlertState state)
{
  g_autoptr (HySyncAlertResult) result = hy_sync_engine_get_alert_result (f->engine, id, NULL);

  g_assert_nonnull (result);
  g_assert_cmpint (result->state, ==, state);
}

void
record_alert (Fixture *f, const char *id, const char *computer, const char *policy)
{
  g_autoptr (HySyncAlertResult) result = raise_alert (f, id, computer, policy);
}

void
record_action (Fixture *f,
               const char *alert_id,
               const char *user_id,
               guint minutes,
               const char *note,
               gboolean resolve)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (HySyncAlertResult) result =
      hy_sync_engine_add_action (f->engine, alert_id, user_id, minutes, note, resolve, &error);

  g_assert_no_error (error);
}

void
deliver_once (Fixture *f)
{
  g_autoptr (HySyncReport) report = hy_test_sync_deliver (f->engine);
}

/* ------------------------------------------------------------------------- */
/* Fixture                                                                   */
/* ------------------------------------------------------------------------- */

void
fixture_setup (Fixture *f, gconstpointer data)
{
  g_autoptr (JsonNode) state = NULL;

  f->halo = hy_test_halo_new_empty (3, 3, "hy-sync-XXXXXX");
  f->sim = f->halo->sim;

  state = hy_sim_dump_state (f->sim);
  f->client_a = hy_test_state_client (state, 0);
  f->client_b = hy_test_state_client (state, 1);
  f->site_a = hy_test_state_site_of (state, f->client_a);
  f->site_b = hy_test_state_site_of (state, f->client_b);
  f->agent_id = hy_test_state_agent (state);
  g_assert_cmpint (f->site_a, >, 0);
  g_assert_cmpint (f->site_b, >, 0);
  g_assert_cmpint (f->agent_id, >, 0);

  f->store = hy_test_halo_open_store (f->halo, TRUE);
  cache_from_sim (f, state, "outcomes", HY_CACHE_KIND_OUTCOME);
  cache_from_sim (f, state, "statuses", HY_CACHE_KIND_STATUS);

  /* Inventory: g1 (mapped to A) with a subgroup g1a inheriting it, g2 mapped to B, g3 not
   * mapped; company c3 is not linked. */
  add_company (f, "c1", "Acme Ltd", f->client_a);
  add_company (f, "c2", "Beta GmbH", f->client_b);
  add_company (f, "c3", "Gamma SARL", 0);
  add_group (f, "g1", NULL);
  add_group (f, "g1a", "g1");
  add_group (f, "g2", NULL);
  add_group (f, "g3", NULL);
  for (guint i = 1; i <= 4; i++)
    {
      g_autofree char *id = g_strdup_printf ("pc%u", i);
      add_computer (f, id, "c1", "g1");
    }
  add_computer (f, "pc5", "c1", "g1a");
  add_computer (f, "pc6", "c2", "g2");
  add_computer (f, "pc7", "c2", "g2");
  add_computer (f, "pc8", "c3", "g2");
  add_computer (f, "pc9", "c1", "g3");
  add_user (f, "u1", f->agent_id);
  add_user (f, "u2", 0);
  add_policy (f, "p1");
  add_policy (f, "p2");
  g_assert_true (hy_store_map_group (f->store, "g1", f->client_a, f->site_a, NULL));
  g_assert_true (hy_store_map_group (f->store, "g2", f->client_b, f->site_b, NULL));
  g_assert_true (hy_store_map_policy (f->store, "p1", 4, 9, NULL));

  f->engine = hy_test_sync_engine_for (f->halo, 3, f->halo->clock);
  f->client = f->halo->client;
  f->events = f->halo->events;
}

void
fixture_teardown (Fixture *f, gconstpointer data)
{
  g_clear_object (&f->engine);
  g_clear_object (&f->engine_clock);
  g_clear_pointer (&f->halo, hy_test_halo_free);
}

const char *const synced_computers[] = { "pc1", "pc2", "pc3", "pc4", "pc5", "pc6", "pc7", NULL };
