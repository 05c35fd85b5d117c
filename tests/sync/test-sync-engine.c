/* test-sync-engine.c: the sync engine against halyard-sim (in process)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every test reads Halo's final state from the simulator (hy_sim_dump_state) and checks that
 * nothing is missing and nothing is duplicated.
 */

#include "config.h"

#include <string.h>

#include "hy-test-halo.h"
#include "linker/hy-linker.h"
#include "sync/hy-sync-engine.h"
#include "store/hy-store-lifecycle.h"
#include "sync/hy-sync-payload.h"

typedef struct
{
  HyTestHalo *halo;
  HySim *sim;           /* halo's */
  HyStore *store;       /* halo's */
  HyHaloClient *client; /* halo's */
  HySyncEngine *engine;
  gint64 client_a;
  gint64 client_b;
  gint64 site_a;
  gint64 site_b;
  gint64 agent_id;
  GPtrArray *events;     /* HyHaloEvent: halo's */
  HyClock *engine_clock; /* the engine's own, when a test moves its schedule alone */
} Fixture;

/* ------------------------------------------------------------------------- */
/* Helpers                                                                   */
/* ------------------------------------------------------------------------- */

#define state_array(state, member)             hy_test_state_array ((state), (member))
#define count_where(sim, table, member, value) hy_test_sim_count ((sim), (table), (member), (value))
#define find_where(state, table, member, value) \
  hy_test_state_find ((state), (table), (member), (value))

static guint
asset_count (Fixture *f)
{
  return count_where (f->sim, "assets", NULL, NULL);
}

static guint
ticket_count (Fixture *f)
{
  return count_where (f->sim, "tickets", NULL, NULL);
}

static guint
actions_of (Fixture *f, gint64 ticket_id)
{
  g_autofree char *v = g_strdup_printf ("%" G_GINT64_FORMAT, ticket_id);
  return count_where (f->sim, "actions", "ticket_id", v);
}

/* Every local computer id appears exactly once as an asset number. */
static void
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

static HySyncReport *
run_sync (Fixture *f, gboolean dry_run, GError **error)
{
  g_autoptr (GAsyncResult) result = NULL;

  hy_sync_engine_sync_async (f->engine, dry_run, NULL, hy_test_result_cb, &result);
  result = hy_test_wait_result (&result);
  return hy_sync_engine_sync_finish (f->engine, result, error);
}

static HySyncReport *
run_deliver (Fixture *f)
{
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;
  HySyncReport *report;

  hy_sync_engine_deliver_async (f->engine, NULL, hy_test_result_cb, &result);
  result = hy_test_wait_result (&result);
  report = hy_sync_engine_deliver_finish (f->engine, result, &error);
  g_assert_no_error (error);
  return report;
}

/* Delivers until nothing is pending (back-off is in milliseconds in these tests: the clock
 * moves 20 ms between rounds). */
static void
deliver_until_done (Fixture *f, guint max_rounds)
{
  for (guint i = 0; i < max_rounds; i++)
    {
      g_autoptr (HySyncReport) report = run_deliver (f);
      if (report->pending == 0)
        return;
      hy_clock_advance (f->halo->clock, 20 * 1000);
    }
  g_error ("the outbox did not drain");
}

static void
upsert (Fixture *f, HyRecordKind kind, gpointer record)
{
  g_autoptr (GError) error = NULL;

  g_assert_true (hy_store_upsert (f->store, kind, record, NULL, &error));
  g_assert_no_error (error);
  hy_record_free (kind, record);
}

static void
add_company (Fixture *f, const char *id, const char *name, gint64 halo_client)
{
  hy_test_store_add_company (f->store, id, name, halo_client);
}

static void
add_group (Fixture *f, const char *id, const char *parent)
{
  g_autofree char *name = g_strdup_printf ("Group %s", id);

  hy_test_store_add_group (f->store, id, name, parent);
}

static void
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

static void
add_user (Fixture *f, const char *id, gint64 agent)
{
  g_autofree char *name = g_strdup_printf ("Tech %s", id);
  g_autofree char *email = g_strdup_printf ("%s@msp.example", id);

  hy_test_store_add_user (f->store, id, name, email, agent);
}

static void
add_policy (Fixture *f, const char *id)
{
  g_autofree char *name = g_strdup_printf ("Policy %s", id);

  hy_test_store_add_policy (f->store, id, name);
}

#define cache_from_sim(f, state, table, kind) \
  hy_test_store_cache_from_state ((f)->store, (state), (table), (kind))

/* ------------------------------------------------------------------------- */
/* Fixture                                                                   */
/* ------------------------------------------------------------------------- */

static void
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

  f->client = hy_test_halo_new_client (f->halo);
  hy_halo_client_set_retry_policy (f->client, 3, 5, 20);
  f->events = f->halo->events;
  f->engine = hy_sync_engine_new (f->store, f->client);
  hy_sync_engine_set_clock (f->engine, f->halo->clock);
  hy_sync_engine_set_backoff_unit (f->engine, 1000); /* seconds become milliseconds */
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  g_clear_object (&f->engine);
  g_clear_object (&f->engine_clock);
  g_clear_pointer (&f->halo, hy_test_halo_free);
}

static const char *const synced_computers[] = { "pc1", "pc2", "pc3", "pc4",
                                                "pc5", "pc6", "pc7", NULL };

/* ------------------------------------------------------------------------- */
/* Assets                                                                    */
/* ------------------------------------------------------------------------- */

static void
test_assets_sync (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (HySyncReport) report = run_sync (f, FALSE, &error);
  g_autoptr (JsonNode) state = NULL;
  g_autoptr (HyGroupSync) g1 = NULL;
  g_autoptr (HyGroupSync) g1a = NULL;
  g_autoptr (HyGroupSync) g2 = NULL;
  g_autoptr (HyGroupSync) g3 = NULL;
  g_autoptr (HyComputer) pc1 = NULL;
  JsonObject *asset;

  g_assert_no_error (error);
  g_assert_cmpuint (report->created, ==, 7);
  g_assert_cmpuint (report->failed, ==, 1); /* pc8: company not linked */
  g_assert_cmpuint (report->pending, ==, 0);
  g_assert_cmpuint (asset_count (f), ==, 7);
  assert_assets_exactly_once (f, synced_computers);

  state = hy_sim_dump_state (f->sim);
  asset = find_where (state, "assets", "inventory_number", "HY-pc5");
  g_assert_nonnull (asset);
  /* Inherited from g1: client A, site A */
  g_assert_cmpint (hy_sync_json_int (asset, "client_id"), ==, f->client_a);
  g_assert_cmpint (hy_sync_json_int (asset, "site_id"), ==, f->site_a);
  g_assert_cmpstr (hy_sync_json_string (asset, "key_field"), ==, "DEV-pc5");
  asset = find_where (state, "assets", "inventory_number", "HY-pc6");
  g_assert_cmpint (hy_sync_json_int (asset, "client_id"), ==, f->client_b);
  g_assert_null (find_where (state, "assets", "inventory_number", "HY-pc9"));
  g_assert_null (find_where (state, "assets", "inventory_number", "HY-pc8"));

  /* Recorded: the link and the group states, with counts and reasons. */
  pc1 = hy_store_get (f->store, HY_RECORD_KIND_COMPUTER, "pc1", NULL);
  g_assert_cmpint (pc1->link.how, !=, HY_LINK_HOW_NONE);
  g_assert_cmpint (pc1->link.halo_id, ==,
                   hy_sync_json_int (find_where (state, "assets", "inventory_number", "HY-pc1"),
                                     "id"));
  g1 = hy_store_get_group_sync (f->store, "g1", NULL);
  g1a = hy_store_get_group_sync (f->store, "g1a", NULL);
  g2 = hy_store_get_group_sync (f->store, "g2", NULL);
  g3 = hy_store_get_group_sync (f->store, "g3", NULL);
  g_assert_cmpint (g1->state, ==, HY_SYNC_STATE_SYNCED);
  g_assert_cmpuint (g1->synced, ==, 4);
  g_assert_cmpint (g1a->state, ==, HY_SYNC_STATE_SYNCED);
  g_assert_cmpint (g2->state, ==, HY_SYNC_STATE_FAILED);
  g_assert_cmpuint (g2->synced, ==, 2);
  g_assert_cmpuint (g2->failed, ==, 1);
  g_assert_nonnull (strstr (g2->reason, "Gamma SARL"));
  g_assert_cmpint (g3->state, ==, HY_SYNC_STATE_UNSYNCED);

  /* Every request is in the events with the record it concerns. */
  {
    gboolean tagged = FALSE;
    for (guint i = 0; i < f->events->len; i++)
      {
        HyHaloEvent *e = g_ptr_array_index (f->events, i);
        if (g_strcmp0 (e->method, "POST") == 0 && g_str_has_prefix (e->path, "/api/Asset"))
          tagged = e->record != NULL && g_str_has_prefix (e->record, "computer:");
      }
    g_assert_true (tagged);
  }
}

static void
test_assets_idempotent (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (HySyncReport) first = run_sync (f, FALSE, &error);
  g_autoptr (HySyncReport) second = NULL;
  g_autoptr (HySyncReport) third = NULL;
  g_autoptr (HyComputer) pc2 = NULL;
  g_autoptr (JsonNode) state = NULL;

  g_assert_no_error (error);
  hy_sim_reset_counters (f->sim);
  second = run_sync (f, FALSE, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (second->created + second->updated, ==, 0);
  g_assert_cmpuint (second->unchanged, ==, 7);
  /* Nothing changed: not one request. */
  g_assert_cmpuint (hy_sim_count_requests (f->sim, "POST", "/api/"), ==, 0);
  g_assert_cmpuint (second->requests, ==, 0);
  g_assert_cmpuint (asset_count (f), ==, 7);

  /* One device renamed: exactly one write, for it. */
  pc2 = hy_store_get (f->store, HY_RECORD_KIND_COMPUTER, "pc2", NULL);
  g_free (pc2->name);
  pc2->name = g_strdup ("DEV-pc2-renamed");
  g_assert_true (hy_store_upsert (f->store, HY_RECORD_KIND_COMPUTER, pc2, NULL, NULL));
  hy_sim_reset_counters (f->sim);
  third = run_sync (f, FALSE, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (third->updated, ==, 1);
  g_assert_cmpuint (third->created, ==, 0);
  g_assert_cmpuint (hy_sim_count_requests (f->sim, "POST", "/api/asset"), ==, 1);
  g_assert_cmpuint (asset_count (f), ==, 7);
  state = hy_sim_dump_state (f->sim);
  g_assert_cmpstr (hy_sync_json_string (find_where (state, "assets", "inventory_number", "HY-pc2"),
                                        "key_field"),
                   ==, "DEV-pc2-renamed");
}

/* Sets the retired computers: every computer but those in @missing is in the import. */
static void
retire (Fixture *f, const char *const *missing, gboolean prune)
{
  g_autoptr (GPtrArray) all = hy_store_list (f->store, HY_RECORD_KIND_COMPUTER, NULL, NULL);
  g_autoptr (GHashTable) present = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint i = 0; i < all->len; i++)
    {
      HyComputer *c = all->pdata[i];
      if (missing == NULL || !g_strv_contains (missing, c->id))
        g_hash_table_add (present, c->id);
    }
  g_assert_true (hy_store_update_retired (f->store, present, prune, NULL, NULL, NULL));
}

static gboolean
asset_inactive (Fixture *f, const char *inventory_number)
{
  g_autoptr (JsonNode) state = hy_sim_dump_state (f->sim);
  JsonObject *asset = find_where (state, "assets", "inventory_number", inventory_number);

  g_assert_nonnull (asset);
  return json_object_get_boolean_member_with_default (asset, "inactive", FALSE);
}

/* Retired computers: their assets set inactive only when the profile says so, active again
 * when they return; a retired computer without an asset gets none. */
static void
test_assets_retired (Fixture *f, gconstpointer data)
{
  const char *const pc2_pc10[] = { "pc2", "pc10", NULL };
  g_autoptr (GError) error = NULL;
  g_autoptr (HySyncReport) first = run_sync (f, FALSE, &error);
  g_autoptr (HySyncReport) kept = NULL;
  g_autoptr (HySyncReport) retired = NULL;
  g_autoptr (HySyncReport) again = NULL;
  g_autoptr (HySyncReport) back = NULL;

  g_assert_no_error (error);
  g_assert_cmpuint (first->created, ==, 7);

  /* By default the assets of retired computers stay as they are. */
  add_computer (f, "pc10", "c1", "g1");
  retire (f, pc2_pc10, TRUE);
  hy_sim_reset_counters (f->sim);
  kept = run_sync (f, FALSE, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (kept->created + kept->updated, ==, 0);
  g_assert_cmpuint (hy_sim_count_requests (f->sim, "POST", "/api/"), ==, 0);
  g_assert_false (asset_inactive (f, "HY-pc2"));

  /* The profile says: set them inactive. Exactly one update, for pc2; pc10 gets no asset. */
  g_assert_true (
      hy_store_set_setting (f->store, HY_SYNC_SETTING_RETIRED_ASSETS, "inactive", &error));
  hy_sim_reset_counters (f->sim);
  retired = run_sync (f, FALSE, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (retired->updated, ==, 1);
  g_assert_cmpuint (retired->created, ==, 0);
  g_assert_cmpuint (hy_sim_count_requests (f->sim, "POST", "/api/asset"), ==, 1);
  g_assert_true (asset_inactive (f, "HY-pc2"));
  g_assert_false (asset_inactive (f, "HY-pc1"));
  g_assert_cmpuint (asset_count (f), ==, 7);

  /* Nothing more to send. */
  again = run_sync (f, FALSE, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (again->created + again->updated, ==, 0);

  /* pc2 returns: its asset is active again. */
  retire (f, NULL, FALSE);
  back = run_sync (f, FALSE, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (back->updated, ==, 1);
  g_assert_false (asset_inactive (f, "HY-pc2"));
}

/* A Halo that ignores ?returnall answers each POST with its last record only: the other creates
 * of every batch are read back once for the whole sync (here one list of every asset, fewer
 * pages than one list per client), not once per batch. */
static void
test_assets_ignore_returnall (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (HySyncReport) report = NULL;
  g_autoptr (JsonNode) state = NULL;

  hy_sim_set_ignore_returnall (f->sim, TRUE);
  /* Two batches: pc1–pc4 (client A), pc5–pc7 (A and B) */
  hy_sync_engine_set_batch_size (f->engine, 4);
  hy_sim_reset_counters (f->sim);
  report = run_sync (f, FALSE, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (report->created, ==, 7);
  g_assert_cmpuint (report->pending, ==, 0);
  g_assert_cmpuint (report->dead, ==, 0);
  g_assert_cmpuint (asset_count (f), ==, 7);
  assert_assets_exactly_once (f, synced_computers);
  g_assert_cmpuint (hy_sim_count_requests (f->sim, "POST", "/api/asset"), ==, 2);
  /* One list to find existing assets, one to read the creates back (before: one list per
   * batch and client, 3). */
  {
    guint lists = 0;
    for (guint i = 0; i < f->events->len; i++)
      {
        HyHaloEvent *e = g_ptr_array_index (f->events, i);
        if (g_strcmp0 (e->method, "GET") == 0 && g_str_has_prefix (e->path, "/api/Asset?"))
          lists++;
      }
    g_assert_cmpuint (lists, ==, 2);
  }

  /* Each computer is linked to its own asset. */
  state = hy_sim_dump_state (f->sim);
  for (guint i = 0; synced_computers[i] != NULL; i++)
    {
      g_autoptr (HyComputer) pc =
          hy_store_get (f->store, HY_RECORD_KIND_COMPUTER, synced_computers[i], NULL);
      g_autofree char *inv = hy_sync_asset_inventory_number (synced_computers[i]);
      g_assert_cmpint (pc->link.halo_id, ==,
                       hy_sync_json_int (find_where (state, "assets", "inventory_number", inv),
                                         "id"));
    }
}

/* Halo holds 1 000 assets of another client that the cache does not know (never refreshed):
 * estimated from the cache, one list of every asset looks cheapest, but its first page's
 * record_count shows 10 pages, so the engine stops there and lists the two clients concerned —
 * both to find existing assets and to read back the creates of a Halo ignoring ?returnall. */
static void
test_assets_stale_cache (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (HySyncReport) report = NULL;
  g_autoptr (JsonNode) state = hy_sim_dump_state (f->sim);
  g_autoptr (GPtrArray) assets =
      g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GPtrArray) saved = NULL;
  JsonObject *c = json_array_get_object_element (state_array (state, "clients"), 2);
  gint64 client_c = hy_sync_json_int (c, "id");
  /* A site of C: Halo files an asset sent without one under its "Unknown" client */
  gint64 site_c = hy_sync_json_int (c, "main_site_id");
  guint global = 0, per_client = 0;

  for (guint i = 0; i < 1000; i++)
    {
      JsonObject *a = json_object_new ();
      g_autofree char *tag = g_strdup_printf ("C-%04u", i);

      json_object_set_int_member (a, "client_id", client_c);
      json_object_set_int_member (a, "site_id", site_c);
      json_object_set_int_member (a, "assettype_id", 130);
      json_object_set_string_member (a, "inventory_number", tag);
      g_ptr_array_add (assets, a);
    }
  hy_halo_client_save_assets_async (f->client, assets, HY_HALO_PRIORITY_INTERACTIVE, NULL, NULL,
                                    hy_test_result_cb, &result);
  result = hy_test_wait_result (&result);
  saved = hy_halo_client_save_assets_finish (f->client, result, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (asset_count (f), ==, 1000);

  hy_sim_set_ignore_returnall (f->sim, TRUE);
  hy_sync_engine_set_batch_size (f->engine, 4);
  g_ptr_array_set_size (f->events, 0);
  report = run_sync (f, FALSE, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (report->created, ==, 7);
  g_assert_cmpuint (report->pending, ==, 0);
  assert_assets_exactly_once (f, synced_computers);
  for (guint i = 0; i < f->events->len; i++)
    {
      HyHaloEvent *e = g_ptr_array_index (f->events, i);
      if (g_strcmp0 (e->method, "GET") != 0 || !g_str_has_prefix (e->path, "/api/Asset?"))
        continue;
      if (strstr (e->path, "client_id=") != NULL)
        per_client++;
      else
        global++;
    }
  /* One first page of everything, then clients A and B, for each of the two look-ups
   * (10 pages each before). */
  g_assert_cmpuint (global, ==, 2);
  g_assert_cmpuint (per_client, ==, 4);
}

static void
test_assets_dry_run (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (HySyncReport) report = NULL;
  g_autoptr (JsonNode) json = NULL;
  JsonObject *doc;

  /* A dry run works while disabled and sends nothing. */
  g_assert_true (hy_sync_engine_set_enabled (f->engine, FALSE, NULL));
  hy_sim_reset_counters (f->sim);
  report = run_sync (f, TRUE, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (report->creates->len, ==, 7);
  g_assert_cmpuint (report->updates->len, ==, 0);
  g_assert_cmpuint (hy_sim_count_requests (f->sim, "POST", "/api/"), ==, 0);
  g_assert_cmpuint (asset_count (f), ==, 0);
  g_assert_cmpint (hy_store_outbox_count (f->store, HY_OUTBOX_STATE_PENDING, NULL), ==, 0);
  json = hy_sync_report_to_json (report);
  doc = json_node_get_object (json);
  g_assert_true (json_object_has_member (doc, "creates"));
  g_assert_true (json_object_has_member (doc, "updates"));
  g_assert_cmpstr (hy_sync_json_string (json_array_get_object_element (
                                            json_object_get_array_member (doc, "creates"), 0),
                                        "inventory_number"),
                   !=, NULL);

  /* And a real sync is refused while disabled. */
  {
    g_autoptr (HySyncReport) refused = run_sync (f, FALSE, &error);
    g_assert_error (error, HY_SYNC_ERROR, HY_SYNC_ERROR_DISABLED);
    g_assert_null (refused);
    g_assert_cmpuint (asset_count (f), ==, 0);
    g_clear_error (&error);
  }

  /* A write queued by an earlier run and not delivered yet is listed too (the next sync sends
   * it). */
  g_assert_true (hy_sync_engine_set_enabled (f->engine, TRUE, NULL));
  {
    g_autoptr (HySyncReport) synced = run_sync (f, FALSE, &error);
    g_autoptr (HySyncReport) failing = NULL;
    g_autoptr (HySyncReport) dry = NULL;
    g_autoptr (HyComputer) pc3 = hy_store_get (f->store, HY_RECORD_KIND_COMPUTER, "pc3", NULL);

    g_assert_no_error (error);
    g_free (pc3->name);
    pc3->name = g_strdup ("DEV-pc3-new");
    g_assert_true (hy_store_upsert (f->store, HY_RECORD_KIND_COMPUTER, pc3, NULL, NULL));
    hy_sim_fail_next (f->sim, 100, 503);
    failing = run_sync (f, FALSE, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (failing->pending, ==, 1);
    hy_sim_fail_next (f->sim, 0, 503);
    dry = run_sync (f, TRUE, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (dry->creates->len, ==, 0);
    g_assert_cmpuint (dry->updates->len, ==, 1);
    g_assert_true (
        json_object_get_boolean_member (json_node_get_object (g_ptr_array_index (dry->updates, 0)),
                                        "queued"));
  }
}

/* A device whose asset already exists in Halo (same name within the client) is linked to it,
 * not created again. */
/* A new "fields" array with the device name (the simulator's key field, Device Name, 101). */
static JsonArray *
name_field (const char *name)
{
  JsonArray *fields = json_array_new ();
  JsonObject *field = json_object_new ();

  json_object_set_int_member (field, "id", 101);
  json_object_set_string_member (field, "value", name);
  json_array_add_object_element (fields, field);
  return fields;
}

static JsonObject *
asset_by_id (JsonNode *state, gint64 id)
{
  JsonArray *assets = state_array (state, "assets");

  for (guint i = 0; i < json_array_get_length (assets); i++)
    if (hy_sync_json_int (json_array_get_object_element (assets, i), "id") == id)
      return json_array_get_object_element (assets, i);
  return NULL;
}

/* A customer's data never moves: the company link decides the client. In g1 (mapped to client
 * A): pc10 of Beta (linked to B) fails with both names and is created nowhere; pc11 of Beta is
 * linked to an asset B has, which keeps its client and name; pc12 without a company takes the
 * group's client. The name and serial are written as the asset type's fields. */
static void
test_assets_never_move (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (HySyncReport) report = NULL;
  g_autoptr (JsonNode) state = NULL;
  g_autoptr (GPtrArray) assets =
      g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GPtrArray) saved = NULL;
  g_autoptr (HyGroupSync) g1 = NULL;
  g_autoptr (HyComputer) pc12 = NULL;
  JsonObject *b_asset = json_object_new ();
  JsonObject *asset;
  gint64 b_asset_id;

  add_computer (f, "pc10", "c2", "g1");
  add_computer (f, "pc11", "c2", "g1");
  add_computer (f, "pc12", NULL, "g1");
  json_object_set_int_member (b_asset, "client_id", f->client_b);
  json_object_set_int_member (b_asset, "site_id", f->site_b);
  json_object_set_int_member (b_asset, "assettype_id", 130);
  json_object_set_string_member (b_asset, "inventory_number", "BETA-11");
  json_object_set_array_member (b_asset, "fields", name_field ("Beta server"));
  g_ptr_array_add (assets, b_asset);
  hy_halo_client_save_assets_async (f->client, assets, HY_HALO_PRIORITY_INTERACTIVE, NULL, NULL,
                                    hy_test_result_cb, &result);
  result = hy_test_wait_result (&result);
  saved = hy_halo_client_save_assets_finish (f->client, result, &error);
  g_assert_no_error (error);
  b_asset_id = hy_halo_record_get_id (g_ptr_array_index (saved, 0));
  g_assert_true (hy_store_link_set (f->store, HY_RECORD_KIND_COMPUTER, "pc11", b_asset_id,
                                    "Beta server", HY_LINK_HOW_MANUAL, NULL));

  report = run_sync (f, FALSE, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (report->created, ==, 8); /* the 7, and pc12 */
  g_assert_cmpuint (report->failed, ==, 3);  /* pc8 (Gamma not linked), pc10, pc11 */
  state = hy_sim_dump_state (f->sim);
  g_assert_null (find_where (state, "assets", "inventory_number", "HY-pc10"));
  g_assert_null (find_where (state, "assets", "inventory_number", "HY-pc11"));
  asset = asset_by_id (state, b_asset_id);
  g_assert_cmpint (hy_sync_json_int (asset, "client_id"), ==, f->client_b);
  g_assert_cmpint (hy_sync_json_int (asset, "site_id"), ==, f->site_b);
  g_assert_cmpstr (hy_sync_json_string (asset, "key_field"), ==, "Beta server");
  /* pc13 of Acme, in Acme's group, linked by hand to Beta's asset (as fetched by refresh):
   * reported, and the asset stays Beta's. */
  add_computer (f, "pc13", "c1", "g1");
  g_assert_true (hy_store_link_set (f->store, HY_RECORD_KIND_COMPUTER, "pc13", b_asset_id,
                                    "Beta server", HY_LINK_HOW_MANUAL, NULL));
  cache_from_sim (f, state, "assets", HY_CACHE_KIND_ASSET);
  {
    g_autoptr (HySyncReport) again = run_sync (f, FALSE, &error);
    g_autoptr (JsonNode) after = hy_sim_dump_state (f->sim);
    g_autoptr (HyGroupSync) g1b = hy_store_get_group_sync (f->store, "g1", NULL);

    g_assert_no_error (error);
    g_assert_cmpuint (again->failed, ==, 4);
    asset = asset_by_id (after, b_asset_id);
    g_assert_cmpint (hy_sync_json_int (asset, "client_id"), ==, f->client_b);
    g_assert_cmpint (hy_sync_json_int (asset, "site_id"), ==, f->site_b);
    g_assert_cmpstr (hy_sync_json_string (asset, "key_field"), ==, "Beta server");
    g_assert_nonnull (g1b->reason);
  }
  g1 = hy_store_get_group_sync (f->store, "g1", NULL);
  g_assert_cmpint (g1->state, ==, HY_SYNC_STATE_FAILED);
  g_assert_nonnull (strstr (g1->reason, "Beta GmbH"));
  g_assert_nonnull (strstr (g1->reason, "Group g1"));
  g_assert_nonnull (strstr (g1->reason, "DEV-pc1"));

  /* Without a company: the group's client. Name and serial are the type's fields; Halo has no
   * serial member and derives key_field. */
  asset = find_where (state, "assets", "inventory_number", "HY-pc12");
  g_assert_nonnull (asset);
  g_assert_cmpint (hy_sync_json_int (asset, "client_id"), ==, f->client_a);
  g_assert_cmpstr (hy_sync_json_string (asset, "key_field"), ==, "DEV-pc12");
  g_assert_false (json_object_has_member (asset, "serial_number"));
  g_assert_cmpstr (hy_halo_asset_field_value (asset, "serial"), ==, "SN-pc12");
  pc12 = hy_store_get (f->store, HY_RECORD_KIND_COMPUTER, "pc12", NULL);
  g_assert_cmpint (pc12->link.halo_id, ==, hy_sync_json_int (asset, "id"));
}

/* A group mapped to a client without a site: the client's main site, never Halo's "Unknown"
 * client; without the client's main site known, the device fails saying what to do. */
static void
test_assets_main_site (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (HySyncReport) first = NULL;
  g_autoptr (HySyncReport) report = NULL;
  g_autoptr (JsonNode) state = hy_sim_dump_state (f->sim);
  g_autoptr (HyGroupSync) g4 = NULL;
  JsonObject *c = json_array_get_object_element (state_array (state, "clients"), 2);
  gint64 client_c = hy_sync_json_int (c, "id");
  gint64 main_site = hy_sync_json_int (c, "main_site_id");
  JsonObject *asset;

  g_assert_cmpint (main_site, >, 0);
  add_group (f, "g4", NULL);
  add_computer (f, "pc20", NULL, "g4");
  g_assert_true (hy_store_map_group (f->store, "g4", client_c, 0, NULL));

  /* Halo's clients not fetched yet: no site known */
  first = run_sync (f, FALSE, &error);
  g_assert_no_error (error);
  g4 = hy_store_get_group_sync (f->store, "g4", NULL);
  g_assert_cmpint (g4->state, ==, HY_SYNC_STATE_FAILED);
  g_assert_nonnull (strstr (g4->reason, "refresh"));
  g_clear_pointer (&state, json_node_unref);
  state = hy_sim_dump_state (f->sim);
  g_assert_null (find_where (state, "assets", "inventory_number", "HY-pc20"));

  cache_from_sim (f, state, "clients", HY_CACHE_KIND_CLIENT);
  report = run_sync (f, FALSE, &error);
  g_assert_no_error (error);
  g_clear_pointer (&state, json_node_unref);
  state = hy_sim_dump_state (f->sim);
  asset = find_where (state, "assets", "inventory_number", "HY-pc20");
  g_assert_nonnull (asset);
  g_assert_cmpint (hy_sync_json_int (asset, "client_id"), ==, client_c);
  g_assert_cmpint (hy_sync_json_int (asset, "site_id"), ==, main_site);
  g_assert_null (find_where (state, "clients", "name", "Unknown"));
}

static void
test_assets_find_existing (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonNode) state = NULL;
  g_autoptr (HySyncReport) report = NULL;
  g_autoptr (HyComputer) pc3 = NULL;
  g_autoptr (HyComputer) pc4 = NULL;
  g_autoptr (GPtrArray) assets =
      g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GPtrArray) saved = NULL;
  JsonObject *a = json_object_new ();
  JsonObject *b = json_object_new ();
  JsonObject *other = json_object_new ();
  JsonArray *fields = json_array_new ();
  JsonObject *serial = json_object_new ();

  /* In Halo already: pc3 by name, pc4 by serial (another name), and a same-named asset of
   * another client, which must not be taken. */
  json_object_set_int_member (a, "client_id", f->client_a);
  json_object_set_int_member (a, "site_id", f->site_a);
  json_object_set_int_member (a, "assettype_id", 130);
  json_object_set_string_member (a, "inventory_number", "CUSTOMER-TAG-3");
  /* Names are the key field's value (Device Name, 101): Halo derives key_field from it */
  json_object_set_array_member (a, "fields", name_field ("dev-PC3"));
  g_ptr_array_add (assets, a);
  json_object_set_int_member (b, "client_id", f->client_a);
  json_object_set_int_member (b, "site_id", f->site_a);
  json_object_set_int_member (b, "assettype_id", 130);
  json_object_set_string_member (b, "inventory_number", "CUSTOMER-TAG-4");
  json_object_set_int_member (serial, "id", 117);
  json_object_set_string_member (serial, "value", "SN-pc4");
  g_clear_pointer (&fields, json_array_unref);
  fields = name_field ("Old name of pc4");
  json_array_add_object_element (fields, serial);
  json_object_set_array_member (b, "fields", fields);
  g_ptr_array_add (assets, b);
  json_object_set_int_member (other, "client_id", f->client_b);
  json_object_set_int_member (other, "site_id", f->site_b);
  json_object_set_int_member (other, "assettype_id", 130);
  json_object_set_string_member (other, "inventory_number", "OTHER-1");
  json_object_set_array_member (other, "fields", name_field ("DEV-pc1"));
  g_ptr_array_add (assets, other);
  hy_halo_client_save_assets_async (f->client, assets, HY_HALO_PRIORITY_INTERACTIVE, NULL, NULL,
                                    hy_test_result_cb, &result);
  result = hy_test_wait_result (&result);
  saved = hy_halo_client_save_assets_finish (f->client, result, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (asset_count (f), ==, 3);

  report = run_sync (f, FALSE, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (report->created, ==, 5);
  g_assert_cmpuint (report->updated, ==, 2);
  g_assert_cmpuint (asset_count (f), ==, 8);
  state = hy_sim_dump_state (f->sim);
  g_assert_null (find_where (state, "assets", "inventory_number", "HY-pc3"));
  g_assert_null (find_where (state, "assets", "inventory_number", "HY-pc4"));
  pc3 = hy_store_get (f->store, HY_RECORD_KIND_COMPUTER, "pc3", NULL);
  pc4 = hy_store_get (f->store, HY_RECORD_KIND_COMPUTER, "pc4", NULL);
  g_assert_cmpint (pc3->link.halo_id, ==,
                   hy_sync_json_int (find_where (state, "assets", "inventory_number",
                                                 "CUSTOMER-TAG-3"),
                                     "id"));
  g_assert_cmpint (pc4->link.halo_id, ==,
                   hy_sync_json_int (find_where (state, "assets", "inventory_number",
                                                 "CUSTOMER-TAG-4"),
                                     "id"));
  /* pc1 was created in client A, not linked to client B's same-named asset. */
  g_assert_nonnull (find_where (state, "assets", "inventory_number", "HY-pc1"));
  /* The customer's own asset tag is kept; the name is brought up to date. */
  g_assert_cmpstr (hy_sync_json_string (find_where (state, "assets", "inventory_number",
                                                    "CUSTOMER-TAG-4"),
                                        "key_field"),
                   ==, "DEV-pc4");
}

/* ------------------------------------------------------------------------- */
/* Alerts                                                                    */
/* ------------------------------------------------------------------------- */

static HySyncAlertResult *
raise_alert (Fixture *f, const char *id, const char *computer, const char *policy, GError **error)
{
  HySyncAlertInput input = { .id = id,
                             .computer_id = computer,
                             .policy_id = policy,
                             .summary = "Disk space low",
                             .details = "C: at 95%",
                             .severity = "high" };

  return hy_sync_engine_raise_alert (f->engine, &input, error);
}

/* Subgroups inherit the nearest mapped ancestor's client and site, as the linker resolves them:
 * g1 → A; g1b (child of g1) mapped on its own to B; g1b1 (grandchild) inherits B, g1a1
 * (grandchild through g1a) inherits A. The assets and an alert's ticket land there. */
static void
test_assets_inherited_mapping (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (HySyncReport) report = NULL;
  g_autoptr (HySyncAlertResult) alert = NULL;
  g_autoptr (JsonNode) state = NULL;
  struct
  {
    const char *computer;
    const char *group;
    gint64 client_id;
    gint64 site_id;
  } expect[] = {
    { "pc20", "g1a1", f->client_a, f->site_a },
    { "pc21", "g1b1", f->client_b, f->site_b },
    { "pc22", "g1b", f->client_b, f->site_b },
  };

  add_group (f, "g1a1", "g1a");
  add_group (f, "g1b", "g1");
  add_group (f, "g1b1", "g1b");
  g_assert_true (hy_store_map_group (f->store, "g1b", f->client_b, f->site_b, NULL));
  add_computer (f, "pc20", "c1", "g1a1");
  add_computer (f, "pc21", "c2", "g1b1");
  add_computer (f, "pc22", "c2", "g1b");

  report = run_sync (f, FALSE, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (report->created, ==, 10);
  state = hy_sim_dump_state (f->sim);
  for (guint i = 0; i < G_N_ELEMENTS (expect); i++)
    {
      g_autofree char *tag = g_strdup_printf ("HY-%s", expect[i].computer);
      JsonObject *asset = find_where (state, "assets", "inventory_number", tag);
      g_autoptr (HyGroupMapping) mapping = NULL;

      g_assert_nonnull (asset);
      g_assert_cmpint (hy_sync_json_int (asset, "client_id"), ==, expect[i].client_id);
      g_assert_cmpint (hy_sync_json_int (asset, "site_id"), ==, expect[i].site_id);
      /* the linker resolves the same mapping */
      g_assert_true (hy_linker_resolve_group_mapping (f->store, expect[i].group, &mapping, &error));
      g_assert_no_error (error);
      g_assert_nonnull (mapping);
      g_assert_cmpint (mapping->client_id, ==, expect[i].client_id);
      g_assert_cmpint (mapping->site_id, ==, expect[i].site_id);
    }

  /* An alert on the grandchild's device: its ticket goes to the inherited client and site. */
  alert = raise_alert (f, "a30", "pc21", "p1", &error);
  g_assert_no_error (error);
  deliver_until_done (f, 20);
  {
    g_autoptr (JsonNode) after = hy_sim_dump_state (f->sim);
    g_autoptr (HyAlert) stored = hy_store_get (f->store, HY_RECORD_KIND_ALERT, "a30", NULL);
    JsonArray *tickets = state_array (after, "tickets");
    JsonObject *ticket = NULL;

    g_assert_cmpint (stored->ticket_id, >, 0);
    for (guint i = 0; i < json_array_get_length (tickets); i++)
      if (hy_sync_json_int (json_array_get_object_element (tickets, i), "id") == stored->ticket_id)
        ticket = json_array_get_object_element (tickets, i);
    g_assert_nonnull (ticket);
    g_assert_cmpint (hy_sync_json_int (ticket, "client_id"), ==, f->client_b);
    g_assert_cmpint (hy_sync_json_int (ticket, "site_id"), ==, f->site_b);
  }
}

static void
test_alert_lifecycle (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (HySyncReport) sync = run_sync (f, FALSE, &error);
  g_autoptr (HySyncAlertResult) r1 = NULL;
  g_autoptr (HySyncAlertResult) r2 = NULL;
  g_autoptr (HySyncAlertResult) r3 = NULL;
  g_autoptr (HySyncAlertResult) r4 = NULL;
  g_autoptr (HySyncReport) d1 = NULL;
  g_autoptr (HySyncReport) d2 = NULL;
  g_autoptr (HySyncReport) d3 = NULL;
  g_autoptr (JsonNode) state = NULL;
  g_autoptr (HyComputer) pc1 = NULL;
  JsonObject *ticket;
  JsonArray *assets;

  g_assert_no_error (error);
  pc1 = hy_store_get (f->store, HY_RECORD_KIND_COMPUTER, "pc1", NULL);

  /* Stored before anything is sent */
  r1 = raise_alert (f, "a1", "pc1", "p1", &error);
  g_assert_no_error (error);
  g_assert_cmpint (r1->state, ==, HY_ALERT_STATE_QUEUED);
  g_assert_cmpuint (ticket_count (f), ==, 0);
  d1 = run_deliver (f);
  g_clear_pointer (&r1, hy_sync_alert_result_free);
  r1 = hy_sync_engine_get_alert_result (f->engine, "a1", NULL);
  g_assert_cmpint (r1->state, ==, HY_ALERT_STATE_DELIVERED);
  g_assert_cmpint (r1->ticket_id, >, 0);
  g_assert_cmpuint (ticket_count (f), ==, 1);

  state = hy_sim_dump_state (f->sim);
  ticket = json_array_get_object_element (state_array (state, "tickets"), 0);
  g_assert_cmpint (hy_sync_json_int (ticket, "id"), ==, r1->ticket_id);
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
  {
    gboolean tagged = FALSE;
    for (guint i = 0; i < f->events->len; i++)
      {
        HyHaloEvent *e = g_ptr_array_index (f->events, i);
        if (g_strcmp0 (e->method, "POST") == 0 && g_str_has_prefix (e->path, "/api/Tickets"))
          tagged = g_strcmp0 (e->record, "alert:a1") == 0;
      }
    g_assert_true (tagged);
  }

  /* A repeat: a note, not a second ticket. */
  r2 = raise_alert (f, "a1", "pc1", "p1", &error);
  g_assert_no_error (error);
  d2 = run_deliver (f);
  g_assert_cmpuint (ticket_count (f), ==, 1);
  g_assert_cmpuint (actions_of (f, r1->ticket_id), ==, 1);

  /* Clearing: a note, and the close status of the policy mapping. */
  r3 = hy_sync_engine_clear_alert (f->engine, "a1", "Disk cleaned up", &error);
  g_assert_no_error (error);
  d3 = run_deliver (f);
  g_assert_cmpuint (ticket_count (f), ==, 1);
  g_assert_cmpuint (actions_of (f, r1->ticket_id), ==, 2);
  g_clear_pointer (&state, json_node_unref);
  state = hy_sim_dump_state (f->sim);
  ticket = json_array_get_object_element (state_array (state, "tickets"), 0);
  g_assert_cmpint (hy_sync_json_int (ticket, "status_id"), ==, 9);
  {
    gboolean found = FALSE;
    JsonArray *actions = state_array (state, "actions");
    for (guint i = 0; i < json_array_get_length (actions); i++)
      {
        const char *note = hy_sync_json_string (json_array_get_object_element (actions, i), "note");
        found = found || (note != NULL && strstr (note, "Disk cleaned up") != NULL);
      }
    g_assert_true (found);
  }
  /* Clearing twice changes nothing. */
  r4 = hy_sync_engine_clear_alert (f->engine, "a1", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (hy_store_outbox_count (f->store, HY_OUTBOX_STATE_PENDING, NULL), ==, 0);

  /* Its ticket was closed: when the alert comes back after the policy's flap window (none
   * here) it is a new occurrence with a new ticket that names the previous one, and a repeat of
   * that one is a note on the new ticket. */
  {
    g_autoptr (HyPolicyDefaults) defaults = hy_store_get_policy_defaults (f->store, "p1", NULL);

    defaults->flap_minutes = 0;
    g_assert_true (hy_store_set_policy_defaults (f->store, defaults, NULL));
  }
  {
    g_autoptr (HySyncAlertResult) back = raise_alert (f, "a1", "pc1", "p1", &error);
    g_autoptr (HySyncReport) d4 = NULL;
    g_autoptr (HySyncAlertResult) again = NULL;
    g_autoptr (HySyncReport) d5 = NULL;
    g_autoptr (HySyncAlertResult) now = NULL;

    g_assert_no_error (error);
    g_assert_cmpint (back->state, ==, HY_ALERT_STATE_QUEUED);
    g_assert_cmpint (back->ticket_id, ==, 0);
    d4 = run_deliver (f);
    g_assert_cmpuint (ticket_count (f), ==, 2);
    again = raise_alert (f, "a1", "pc1", "p1", &error);
    g_assert_no_error (error);
    d5 = run_deliver (f);
    g_assert_cmpuint (ticket_count (f), ==, 2);
    now = hy_sync_engine_get_alert_result (f->engine, "a1", NULL);
    g_assert_cmpint (now->ticket_id, !=, r1->ticket_id);
    g_assert_cmpuint (actions_of (f, now->ticket_id), ==, 1);
    g_assert_cmpuint (actions_of (f, r1->ticket_id), ==, 2);
  }
}

static void
test_alert_unrouted (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (HySyncAlertResult) r1 = NULL;
  g_autoptr (HySyncAlertResult) r2 = NULL;
  g_autoptr (HySyncAlertResult) r3 = NULL;
  g_autoptr (HySyncReport) d1 = NULL;
  g_autoptr (HySyncReport) d2 = NULL;
  g_autoptr (HyAlert) kept = NULL;
  guint open = 0, unrouted = 0;

  /* Policy not mapped */
  r1 = raise_alert (f, "a2", "pc1", "p2", &error);
  g_assert_no_error (error);
  g_assert_cmpint (r1->state, ==, HY_ALERT_STATE_UNROUTED);
  g_assert_nonnull (strstr (r1->reason, "p2"));
  /* Company not linked */
  r2 = raise_alert (f, "a3", "pc8", "p1", &error);
  g_assert_no_error (error);
  g_assert_cmpint (r2->state, ==, HY_ALERT_STATE_UNROUTED);
  g_assert_nonnull (strstr (r2->reason, "not linked"));
  d1 = run_deliver (f);
  g_assert_cmpuint (ticket_count (f), ==, 0);
  kept = hy_store_get (f->store, HY_RECORD_KIND_ALERT, "a2", NULL);
  g_assert_nonnull (kept);
  g_assert_true (hy_store_count_alerts (f->store, &open, &unrouted, NULL));
  g_assert_cmpuint (unrouted, ==, 2);

  /* The mapping appears: routed at the next delivery. */
  g_assert_true (hy_store_map_policy (f->store, "p2", 1, 0, NULL));
  d2 = run_deliver (f);
  g_assert_cmpuint (ticket_count (f), ==, 1);
  r3 = hy_sync_engine_get_alert_result (f->engine, "a2", NULL);
  g_assert_cmpint (r3->state, ==, HY_ALERT_STATE_DELIVERED);

  /* An alert that came in an import file (written to the store, nothing queued) is picked up
   * by the next delivery. */
  {
    HyAlert *imported = hy_alert_new ();
    g_autoptr (HySyncReport) d3 = NULL;
    g_autoptr (HySyncAlertResult) r4 = NULL;

    imported->id = g_strdup ("imp1");
    imported->computer_id = g_strdup ("pc2");
    imported->policy_id = g_strdup ("p1");
    imported->summary = g_strdup ("Imported alert");
    upsert (f, HY_RECORD_KIND_ALERT, imported);
    d3 = run_deliver (f);
    g_assert_cmpuint (ticket_count (f), ==, 2);
    r4 = hy_sync_engine_get_alert_result (f->engine, "imp1", NULL);
    g_assert_cmpint (r4->state, ==, HY_ALERT_STATE_DELIVERED);
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

static void
test_action (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (HySyncAlertResult) r1 = raise_alert (f, "a4", "pc6", "p1", &error);
  g_autoptr (HySyncAlertResult) r2 = NULL;
  g_autoptr (HySyncAlertResult) r3 = NULL;
  g_autoptr (HySyncReport) d1 = NULL;
  g_autoptr (HySyncReport) d2 = NULL;
  g_autoptr (JsonNode) state = NULL;
  g_autoptr (HyAlert) alert = NULL;
  JsonObject *action, *ticket;

  /* A Halo that records actions for the agent who_agentid names (see test_action_recorded_as) */
  hy_sim_set_lenient (f->sim, HY_SIM_LENIENT_WHO_AGENTID);
  g_assert_no_error (error);
  d1 = run_deliver (f);
  alert = hy_store_get (f->store, HY_RECORD_KIND_ALERT, "a4", NULL);
  g_assert_cmpint (alert->ticket_id, >, 0);

  /* An unlinked technician: a clear error, nothing queued. */
  r2 = hy_sync_engine_add_action (f->engine, "a4", "u2", 15, "Looked at it", FALSE, &error);
  g_assert_error (error, HY_SYNC_ERROR, HY_SYNC_ERROR_UNLINKED_USER);
  g_assert_nonnull (strstr (error->message, "link this technician to a Halo agent first"));
  g_assert_null (r2);
  g_clear_error (&error);
  g_assert_cmpint (hy_store_outbox_count (f->store, HY_OUTBOX_STATE_PENDING, NULL), ==, 0);

  r3 = hy_sync_engine_add_action (f->engine, "a4", "u1", 30, "Cleared temp files", TRUE, &error);
  g_assert_no_error (error);
  d2 = run_deliver (f);
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
  g_autoptr (HySyncAlertResult) r1 = raise_alert (f, "a5", "pc6", "p1", &error);
  g_autoptr (HySyncAlertResult) r2 = NULL;
  g_autoptr (HySyncReport) d1 = NULL;
  g_autoptr (HySyncReport) d2 = NULL;
  g_autoptr (JsonNode) state = NULL;
  JsonObject *action;
  const char *who;
  guint warnings = 0;

  g_assert_no_error (error);
  d1 = run_deliver (f);
  r2 = hy_sync_engine_add_action (f->engine, "a5", "u1", 10, "Rebooted", FALSE, &error);
  g_assert_no_error (error);
  d2 = run_deliver (f);
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
  g_autoptr (HySyncAlertResult) r2 = NULL;
  g_autoptr (HySyncAlertResult) r3 = NULL;
  g_autoptr (HySyncAlertResult) r4 = NULL;
  g_autoptr (HySyncReport) d1 = NULL;
  g_autoptr (HySyncReport) d2 = NULL;
  g_autoptr (HySyncReport) d3 = NULL;
  g_autoptr (HySyncReport) d4 = NULL;
  gint64 first_ticket;

  /* p2: a ticket type, no close status */
  g_assert_true (hy_store_map_policy (f->store, "p2", 4, 0, NULL));
  r1 = raise_alert (f, "a9", "pc6", "p2", &error);
  g_assert_no_error (error);
  d1 = run_deliver (f);
  g_clear_pointer (&r1, hy_sync_alert_result_free);
  r1 = hy_sync_engine_get_alert_result (f->engine, "a9", NULL);
  first_ticket = r1->ticket_id;
  g_assert_cmpint (first_ticket, >, 0);

  r2 = hy_sync_engine_add_action (f->engine, "a9", "u1", 10, "Fixed it", TRUE, &error);
  g_assert_no_error (error);
  d2 = run_deliver (f);
  g_assert_cmpuint (d2->dead, ==, 0);
  {
    g_autoptr (JsonNode) state = hy_sim_dump_state (f->sim);
    JsonObject *ticket = json_array_get_object_element (state_array (state, "tickets"), 0);
    g_assert_cmpint (hy_sync_json_int (ticket, "id"), ==, first_ticket);
    g_assert_true (json_object_get_boolean_member (ticket, "hasbeenclosed"));
  }
  g_assert_cmpuint (actions_of (f, first_ticket), ==, 1);

  /* Back again: a new ticket, nothing added to the closed one */
  r3 = raise_alert (f, "a9", "pc6", "p2", &error);
  g_assert_no_error (error);
  d3 = run_deliver (f);
  g_assert_cmpuint (ticket_count (f), ==, 2);
  g_assert_cmpuint (actions_of (f, first_ticket), ==, 1);
  g_clear_pointer (&r3, hy_sync_alert_result_free);
  r3 = hy_sync_engine_get_alert_result (f->engine, "a9", NULL);
  g_assert_cmpint (r3->ticket_id, >, 0);
  g_assert_cmpint (r3->ticket_id, !=, first_ticket);

  /* The new occurrence is open: its repeat is a note on the new ticket */
  r4 = raise_alert (f, "a9", "pc6", "p2", &error);
  g_assert_no_error (error);
  d4 = run_deliver (f);
  g_assert_cmpuint (ticket_count (f), ==, 2);
  g_assert_cmpuint (actions_of (f, r3->ticket_id), ==, 1);
  g_assert_cmpuint (actions_of (f, first_ticket), ==, 1);
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
  g_autoptr (HySyncReport) d1 = NULL;
  g_autoptr (HySyncReport) sync = NULL;
  g_autoptr (HySyncReport) again = NULL;
  g_autoptr (HyComputer) pc1 = NULL;
  g_autoptr (HyComputer) pc2 = NULL;
  g_autoptr (JsonNode) state = NULL;
  JsonObject *ticket;
  JsonArray *assets;

  r1 = raise_alert (f, "a1", "pc1", "p1", &error);
  g_assert_no_error (error);
  /* a2 on pc2 is raised and cleared (its policy closes the ticket) before the sync */
  r2 = raise_alert (f, "a2", "pc2", "p1", &error);
  g_assert_no_error (error);
  d1 = run_deliver (f);
  g_clear_pointer (&r1, hy_sync_alert_result_free);
  r1 = hy_sync_engine_get_alert_result (f->engine, "a1", NULL);
  g_assert_cmpint (r1->ticket_id, >, 0);
  g_clear_pointer (&r2, hy_sync_alert_result_free);
  r2 = hy_sync_engine_clear_alert (f->engine, "a2", "Gone", &error);
  g_assert_no_error (error);
  g_clear_pointer (&d1, hy_sync_report_free);
  d1 = run_deliver (f);
  g_clear_pointer (&r2, hy_sync_alert_result_free);
  r2 = hy_sync_engine_get_alert_result (f->engine, "a2", NULL);
  state = hy_sim_dump_state (f->sim);
  ticket = find_where (state, "tickets", "summary", "Disk space low");
  g_assert_nonnull (ticket);
  g_assert_cmpuint (asset_count (f), ==, 0);

  sync = run_sync (f, FALSE, &error);
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
  again = run_sync (f, FALSE, &error);
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
  g_autoptr (HySyncReport) d1 = NULL;
  g_autoptr (HySyncReport) sync = NULL;
  g_autoptr (HyComputer) pc1 = NULL;
  g_autoptr (JsonNode) state = NULL;
  g_autoptr (JsonGenerator) generator = json_generator_new ();
  g_autofree char *seed = NULL;
  JsonObject *ticket;
  JsonObject *printer;
  JsonArray *assets;
  gint64 printer_id = 0;

  r1 = raise_alert (f, "a1", "pc1", "p1", &error);
  g_assert_no_error (error);
  d1 = run_deliver (f);
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

  sync = run_sync (f, FALSE, &error);
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

static void
test_disabled (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (HySyncAlertResult) r1 = NULL;
  g_autoptr (HySyncReport) d1 = NULL;
  g_autoptr (HySyncReport) d2 = NULL;

  g_assert_true (hy_sync_engine_set_enabled (f->engine, FALSE, &error));
  hy_sim_reset_counters (f->sim);
  r1 = raise_alert (f, "a5", "pc1", "p1", &error);
  g_assert_no_error (error);
  d1 = run_deliver (f);
  g_assert_cmpuint (hy_sim_get_request_count (f->sim), ==, 0);
  g_assert_cmpuint (d1->pending, ==, 1);
  g_assert_cmpuint (ticket_count (f), ==, 0);

  /* Raised again before anything was sent: still one ticket, with a note. */
  {
    g_autoptr (HySyncAlertResult) again = raise_alert (f, "a5", "pc1", "p1", &error);
    g_assert_no_error (error);
    g_assert_cmpint (again->state, ==, HY_ALERT_STATE_QUEUED);
  }

  g_assert_true (hy_sync_engine_set_enabled (f->engine, TRUE, &error));
  d2 = run_deliver (f);
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

typedef struct
{
  Fixture *f;
  gboolean saw_progress; /* g1 seen Syncing with some but not all devices in Halo */
} Progress;

static void
changed_cb (HySyncEngine *engine, gpointer user_data)
{
  Progress *p = user_data;
  g_autoptr (HyGroupSync) g1 = hy_store_get_group_sync (p->f->store, "g1", NULL);

  if (g1 != NULL && g1->state == HY_SYNC_STATE_SYNCING && g1->synced > 0 && g1->synced < 4)
    p->saw_progress = TRUE;
}

/* Group rows move from Syncing to Synced as the batches go out, with their counts. */
static void
test_group_progress (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (HySyncReport) report = NULL;
  g_autoptr (HyGroupSync) g1 = NULL;
  Progress p = { f, FALSE };
  gulong id;

  hy_sim_set_latency (f->sim, 20);
  hy_sync_engine_set_batch_size (f->engine, 1);
  id = g_signal_connect (f->engine, "changed", G_CALLBACK (changed_cb), &p);
  report = run_sync (f, FALSE, &error);
  g_assert_no_error (error);
  g_signal_handler_disconnect (f->engine, id);
  g_assert_true (p.saw_progress);
  g1 = hy_store_get_group_sync (f->store, "g1", NULL);
  g_assert_cmpint (g1->state, ==, HY_SYNC_STATE_SYNCED);
  g_assert_cmpuint (g1->synced, ==, 4);
}

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
  report = run_sync (f, FALSE, &error);
  g_assert_no_error (error);
  deliver_until_done (f, 20);
  g_assert_cmpuint (asset_count (f), ==, 7);
  assert_assets_exactly_once (f, synced_computers);
}

/* A write that waits behind an earlier write of its record is not an attempt: a repeat note
 * queued behind its alert's ticket, whose first try failed, is delivered with no attempt
 * counted and so without looking its action up first. */
static void
test_wait_is_not_attempt (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (HySyncAlertResult) r1 = NULL;
  g_autoptr (HySyncAlertResult) r2 = NULL;
  g_autoptr (GPtrArray) done = NULL;
  guint notes = 0;

  g_assert_true (hy_sync_engine_set_enabled (f->engine, FALSE, NULL));
  r1 = raise_alert (f, "a40", "pc1", "p1", &error);
  g_assert_no_error (error);
  r2 = raise_alert (f, "a40", "pc1", "p1", &error);
  g_assert_no_error (error);
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
  g_autoptr (HySyncAlertResult) r1 = NULL;
  g_autoptr (HySyncReport) report = NULL;
  gint first_ticket = -1, first_asset = -1;

  g_assert_true (hy_sync_engine_set_enabled (f->engine, FALSE, NULL));
  r1 = raise_alert (f, "a14", "pc6", "p1", &error);
  g_assert_no_error (error);
  g_assert_true (hy_sync_engine_set_enabled (f->engine, TRUE, NULL));
  hy_sync_engine_set_batch_size (f->engine, 2);
  report = run_sync (f, FALSE, &error);
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
  report = run_sync (f, FALSE, &error);
  g_assert_no_error (error);
  deliver_until_done (f, 50);
  g_assert_cmpuint (asset_count (f), ==, 7);
  assert_assets_exactly_once (f, synced_computers);
}

static void
test_fault_server_errors (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (HySyncReport) report = NULL;
  g_autoptr (HySyncAlertResult) r1 = NULL;

  /* A quarter of the requests fail. A failed create is not resent by the client (Halo may have
   * saved it): each costs the item one of its attempts, with a look-up before the next. */
  hy_sim_set_server_errors (f->sim, 0.25, 42);
  hy_sync_engine_set_batch_size (f->engine, 3);
  report = run_sync (f, FALSE, &error);
  if (report == NULL)
    {
      /* The look-up before creating may fail too: nothing was queued, sync again. */
      g_clear_error (&error);
      for (guint i = 0; i < 20 && report == NULL; i++)
        {
          report = run_sync (f, FALSE, &error);
          g_clear_error (&error);
        }
    }
  g_assert_nonnull (report);
  r1 = raise_alert (f, "a6", "pc1", "p1", &error);
  g_assert_no_error (error);
  deliver_until_done (f, 100);
  hy_sim_set_server_errors (f->sim, 0, 0);
  g_assert_cmpuint (asset_count (f), ==, 7);
  assert_assets_exactly_once (f, synced_computers);
  g_assert_cmpuint (ticket_count (f), ==, 1);
}

static void
test_fault_drop_after_commit (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (HySyncReport) report = NULL;
  g_autoptr (HySyncAlertResult) r1 = NULL;
  g_autoptr (HySyncAlertResult) r2 = NULL;
  g_autoptr (HyAlert) alert = NULL;

  /* The first asset batch is committed by Halo, then the connection drops. */
  hy_sync_engine_set_batch_size (f->engine, 3);
  hy_sim_drop_after_commit (f->sim, 1);
  report = run_sync (f, FALSE, &error);
  g_assert_no_error (error);
  deliver_until_done (f, 20);
  g_assert_cmpuint (asset_count (f), ==, 7);
  assert_assets_exactly_once (f, synced_computers);

  /* The same for a ticket, and for a note. */
  r1 = raise_alert (f, "a7", "pc2", "p1", &error);
  hy_sim_drop_after_commit (f->sim, 1);
  deliver_until_done (f, 20);
  g_assert_cmpuint (ticket_count (f), ==, 1);
  alert = hy_store_get (f->store, HY_RECORD_KIND_ALERT, "a7", NULL);
  g_assert_cmpint (alert->ticket_id, >, 0);
  r2 = hy_sync_engine_add_action (f->engine, "a7", "u1", 5, "Checked", FALSE, &error);
  g_assert_no_error (error);
  hy_sim_drop_after_commit (f->sim, 1);
  deliver_until_done (f, 20);
  g_assert_cmpuint (actions_of (f, alert->ticket_id), ==, 1);

  /* The look-ups made before resending are in the events with the records they are for. */
  {
    guint assets = 0, tickets = 0, actions = 0;

    for (guint i = 0; i < f->events->len; i++)
      {
        HyHaloEvent *e = g_ptr_array_index (f->events, i);
        if (g_strcmp0 (e->method, "GET") != 0 || e->record == NULL)
          continue;
        if (g_str_has_prefix (e->path, "/api/Asset?") && g_str_has_prefix (e->record, "computer:"))
          assets++;
        if (g_str_has_prefix (e->path, "/api/Tickets?") && g_strcmp0 (e->record, "alert:a7") == 0)
          tickets++;
        if (g_str_has_prefix (e->path, "/api/Actions?") && g_str_has_prefix (e->record, "alert:a7"))
          actions++;
      }
    g_assert_cmpuint (assets, >, 0);
    g_assert_cmpuint (tickets, >, 0);
    g_assert_cmpuint (actions, >, 0);
  }
}

/* Halo saves every second create, then answers 500 (502, 503 with data): each device is one
 * asset, the alert one ticket, the note one action, all in the same sync — the records are
 * looked up before anything is sent again. */
static void
test_fault_error_after_commit (Fixture *f, gconstpointer data)
{
  guint status = GPOINTER_TO_UINT (data);
  g_autoptr (GError) error = NULL;
  g_autoptr (HySyncReport) report = NULL;
  g_autoptr (HySyncAlertResult) r1 = NULL;
  g_autoptr (HySyncAlertResult) r2 = NULL;
  g_autoptr (HyAlert) alert = NULL;

  hy_sync_engine_set_batch_size (f->engine, 2);
  hy_sim_set_error_after_commit (f->sim, 2, status);
  report = run_sync (f, FALSE, &error);
  g_assert_no_error (error);
  /* in the same sync: nothing left pending (pc8's company is not linked: it fails) */
  g_assert_cmpuint (report->created, ==, 7);
  g_assert_cmpuint (report->pending, ==, 0);
  g_assert_cmpuint (report->dead, ==, 0);
  deliver_until_done (f, 20);
  g_assert_cmpuint (asset_count (f), ==, 7);
  assert_assets_exactly_once (f, synced_computers);

  /* every create is answered with the error now: the ticket and its note still land once */
  hy_sim_set_error_after_commit (f->sim, 1, status);
  r1 = raise_alert (f, "a30", "pc2", "p1", &error);
  g_assert_no_error (error);
  deliver_until_done (f, 20);
  g_assert_cmpuint (ticket_count (f), ==, 1);
  alert = hy_store_get (f->store, HY_RECORD_KIND_ALERT, "a30", NULL);
  g_assert_cmpint (alert->ticket_id, >, 0);
  r2 = hy_sync_engine_add_action (f->engine, "a30", "u1", 5, "Checked", FALSE, &error);
  g_assert_no_error (error);
  deliver_until_done (f, 20);
  g_assert_cmpuint (actions_of (f, alert->ticket_id), ==, 1);
  hy_sim_set_error_after_commit (f->sim, 0, 0);
  {
    g_autoptr (GPtrArray) dead = hy_store_outbox_list (f->store, HY_OUTBOX_STATE_DEAD, 0, 0, NULL);
    g_assert_cmpuint (dead->len, ==, 0);
  }
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
  report = run_sync (f, FALSE, &error);
  g_assert_no_error (error);
  hy_sim_revoke_tokens (f->sim);
  {
    g_autoptr (HySyncAlertResult) r = raise_alert (f, "a8", "pc1", "p1", &error);
    g_assert_no_error (error);
  }
  deliver_until_done (f, 20);
  g_assert_cmpuint (asset_count (f), ==, 7);
  assert_assets_exactly_once (f, synced_computers);
  g_assert_cmpuint (ticket_count (f), ==, 1);
}

static void
test_fault_down_then_back (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (HySyncReport) report = NULL;
  g_autoptr (HySyncReport) d1 = NULL;
  g_autoptr (HySyncAlertResult) r1 = NULL;
  g_autoptr (HySyncAlertResult) r2 = NULL;

  hy_sim_set_down (f->sim, TRUE);
  report = run_sync (f, FALSE, &error);
  g_assert_nonnull (error); /* Halo cannot be asked what exists: nothing is queued */
  g_assert_null (report);
  g_clear_error (&error);
  r1 = raise_alert (f, "a10", "pc1", "p1", &error);
  g_assert_no_error (error);
  d1 = run_deliver (f);
  g_assert_cmpuint (d1->pending, ==, 1);
  r2 = hy_sync_engine_get_alert_result (f->engine, "a10", NULL);
  g_assert_cmpint (r2->state, ==, HY_ALERT_STATE_QUEUED);

  hy_sim_set_down (f->sim, FALSE);
  report = run_sync (f, FALSE, &error);
  g_assert_no_error (error);
  deliver_until_done (f, 20);
  g_assert_cmpuint (asset_count (f), ==, 7);
  assert_assets_exactly_once (f, synced_computers);
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

/* Five hours of outage (Halo answering 503 to everything, its sign-in included), then an hour
 * of Halo's rate limit: far longer than the whole back-off schedule. Nothing is given up, the
 * tries are spaced out up to the longest back-off, and the ticket goes out once Halo is back. */
static void
test_outage_nothing_dead (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (HySyncAlertResult) r1 = NULL;
  g_autoptr (HySyncAlertResult) r2 = NULL;
  g_autoptr (HyOutboxItem) item = NULL;
  g_autoptr (HySyncReport) last = NULL;

  use_test_clock (f);
  hy_sim_set_down (f->sim, TRUE);
  r1 = raise_alert (f, "a60", "pc1", "p1", &error);
  g_assert_no_error (error);
  for (guint i = 0; i < 30; i++)
    {
      g_autoptr (HySyncReport) report = NULL;

      hy_clock_advance (f->engine_clock, 601 * G_USEC_PER_SEC);
      report = run_deliver (f);
      g_assert_cmpuint (report->dead, ==, 0);
      g_assert_cmpuint (report->pending, ==, 1);
    }
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
  for (guint i = 0; i < 12; i++)
    {
      g_autoptr (HySyncReport) report = NULL;

      hy_clock_advance (f->engine_clock, 601 * G_USEC_PER_SEC);
      report = run_deliver (f);
      g_assert_cmpuint (report->dead, ==, 0);
      g_assert_cmpuint (report->pending, ==, 1);
    }
  g_assert_cmpuint (ticket_count (f), ==, 0);
  r2 = hy_sync_engine_get_alert_result (f->engine, "a60", NULL);
  g_assert_cmpint (r2->state, ==, HY_ALERT_STATE_QUEUED);
  g_clear_pointer (&r2, hy_sync_alert_result_free);

  /* Halo answers again: delivered, once. */
  hy_sim_set_rate_limit (f->sim, 0, 0, FALSE);
  hy_clock_advance (f->engine_clock, 601 * G_USEC_PER_SEC);
  last = run_deliver (f);
  g_assert_cmpuint (last->delivered, ==, 1);
  g_assert_cmpuint (last->pending, ==, 0);
  g_assert_cmpuint (last->dead, ==, 0);
  g_assert_cmpuint (ticket_count (f), ==, 1);
  r2 = hy_sync_engine_get_alert_result (f->engine, "a60", NULL);
  g_assert_cmpint (r2->state, ==, HY_ALERT_STATE_DELIVERED);
}

/* A ticket create that Halo keeps failing (500) is given up after the last attempt, and queued
 * again by itself once Halo answers again (here: another alert's ticket is created). */
static void
test_failing_revived (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (HySyncAlertResult) r1 = NULL;
  g_autoptr (HySyncAlertResult) r2 = NULL;
  g_autoptr (HySyncAlertResult) r3 = NULL;
  g_autoptr (HyOutboxItem) item = NULL;
  g_autoptr (HySyncReport) report = NULL;
  guint rounds = 0;

  use_test_clock (f);
  r1 = raise_alert (f, "a61", "pc1", "p1", &error);
  g_assert_no_error (error);
  hy_sim_fail_next (f->sim, 100000, 500);
  for (;;)
    {
      g_autoptr (HySyncReport) d = NULL;

      hy_clock_advance (f->engine_clock, 601 * G_USEC_PER_SEC);
      d = run_deliver (f);
      if (d->dead > 0)
        break;
      g_assert_cmpuint (++rounds, <, HY_SYNC_MAX_ATTEMPTS + 2);
    }
  item = only_item (f, HY_OUTBOX_STATE_DEAD);
  g_assert_cmpstr (item->dead_cause, ==, HY_OUTBOX_CAUSE_FAILING);
  g_assert_cmpuint (item->refused, ==, HY_SYNC_MAX_ATTEMPTS);
  g_clear_pointer (&item, hy_outbox_item_free);
  r2 = hy_sync_engine_get_alert_result (f->engine, "a61", NULL);
  g_assert_cmpint (r2->state, ==, HY_ALERT_STATE_DEAD);
  g_clear_pointer (&r2, hy_sync_alert_result_free);

  /* Halo answers again: the next delivery brings it back with it. */
  hy_sim_fail_next (f->sim, 0, 500);
  hy_clock_advance (f->engine_clock, 601 * G_USEC_PER_SEC);
  r3 = raise_alert (f, "a62", "pc2", "p1", &error);
  g_assert_no_error (error);
  report = run_deliver (f);
  g_assert_cmpuint (report->delivered, ==, 2);
  g_assert_cmpuint (report->dead, ==, 0);
  g_assert_cmpuint (report->pending, ==, 0);
  g_assert_cmpuint (ticket_count (f), ==, 2);
  r2 = hy_sync_engine_get_alert_result (f->engine, "a61", NULL);
  g_assert_cmpint (r2->state, ==, HY_ALERT_STATE_DELIVERED);
}

/* A ticket create Halo refused (the mapped ticket type does not exist) is given up at once,
 * with its cause, and queued again by itself when the mapping is fixed. */
static void
test_refused_revived_by_mapping (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (HySyncAlertResult) r1 = NULL;
  g_autoptr (HySyncAlertResult) r2 = NULL;
  g_autoptr (HyOutboxItem) item = NULL;
  g_autoptr (HySyncReport) d1 = NULL;
  g_autoptr (HySyncReport) d2 = NULL;

  g_assert_true (hy_store_map_policy (f->store, "p2", 9999, 0, &error));
  r1 = raise_alert (f, "a63", "pc1", "p2", &error);
  g_assert_no_error (error);
  d1 = run_deliver (f);
  g_assert_cmpuint (d1->dead, ==, 1);
  item = only_item (f, HY_OUTBOX_STATE_DEAD);
  g_assert_cmpstr (item->dead_cause, ==, HY_OUTBOX_CAUSE_REFUSED);
  g_assert_cmpuint (item->refused, ==, 1);
  g_clear_pointer (&item, hy_outbox_item_free);

  /* Nothing changed: it stays given up. */
  g_clear_pointer (&d1, hy_sync_report_free);
  d1 = run_deliver (f);
  g_assert_cmpuint (d1->dead, ==, 1);
  g_assert_cmpuint (ticket_count (f), ==, 0);

  g_assert_true (hy_store_map_policy (f->store, "p2", 4, 9, &error));
  d2 = run_deliver (f);
  g_assert_cmpuint (d2->dead, ==, 0);
  g_assert_cmpuint (d2->pending, ==, 0);
  g_assert_cmpuint (ticket_count (f), ==, 1);
  r2 = hy_sync_engine_get_alert_result (f->engine, "a63", NULL);
  g_assert_cmpint (r2->state, ==, HY_ALERT_STATE_DELIVERED);
}


/* ------------------------------------------------------------------------- */
/* Changes while a device's write waits                                      */
/* ------------------------------------------------------------------------- */

static void
rename_computer (Fixture *f, const char *id, const char *name)
{
  g_autoptr (HyComputer) pc = hy_store_get (f->store, HY_RECORD_KIND_COMPUTER, id, NULL);

  g_free (pc->name);
  pc->name = g_strdup (name);
  g_assert_true (hy_store_upsert (f->store, HY_RECORD_KIND_COMPUTER, pc, NULL, NULL));
}

static const char *
halo_asset_name (Fixture *f, JsonNode *state, const char *computer)
{
  g_autofree char *inv = hy_sync_asset_inventory_number (computer);
  JsonObject *asset = find_where (state, "assets", "inventory_number", inv);

  g_assert_nonnull (asset);
  return hy_sync_json_string (asset, "key_field");
}

/* A sync that planned and queued the creates, then sent nothing (it stopped: here its clock is
 * an hour behind, so nothing is due); a device renamed; the next sync sends the create with the
 * new name, in the one batch, and reports nothing pending. */
static void
test_rename_behind_unsent_create (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (HySyncReport) first = NULL;
  g_autoptr (HySyncReport) second = NULL;
  g_autoptr (JsonNode) state = NULL;

  f->engine_clock = hy_clock_new_manual ();
  hy_clock_set_offset (f->engine_clock, -(gint64) 3600 * G_USEC_PER_SEC);
  hy_sync_engine_set_clock (f->engine, f->engine_clock);
  first = run_sync (f, FALSE, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (first->created, ==, 0);
  g_assert_cmpuint (first->pending, ==, 7);
  g_assert_cmpuint (asset_count (f), ==, 0);

  rename_computer (f, "pc1", "DEV-pc1-renamed");
  hy_clock_set_offset (f->engine_clock, G_USEC_PER_SEC);
  hy_sim_reset_counters (f->sim);
  second = run_sync (f, FALSE, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (second->created, ==, 7);
  g_assert_cmpuint (second->pending, ==, 0);
  g_assert_cmpuint (second->dead, ==, 0);
  assert_assets_exactly_once (f, synced_computers);
  state = hy_sim_dump_state (f->sim);
  g_assert_cmpstr (halo_asset_name (f, state, "pc1"), ==, "DEV-pc1-renamed");
  /* Sent with the create: no update after it. */
  g_assert_cmpuint (hy_sim_count_requests (f->sim, "POST", "/api/asset"), ==, 1);
}

/* Creates that reached Halo (Halo saved them, the answers were lost) wait for their look-up;
 * devices are renamed meanwhile. The next sync finds the assets Halo saved under the old names,
 * then sends the new names in the same sync. */
static void
test_rename_behind_sent_create (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (HySyncReport) first = NULL;
  g_autoptr (HySyncReport) second = NULL;
  g_autoptr (GPtrArray) claimed = NULL;
  g_autoptr (GPtrArray) assets = g_ptr_array_new ();
  g_autoptr (GPtrArray) payloads =
      g_ptr_array_new_with_free_func ((GDestroyNotify) json_node_unref);
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GPtrArray) saved = NULL;
  g_autoptr (JsonNode) state = NULL;

  /* Queued, not sent (the sync's clock an hour behind). */
  f->engine_clock = hy_clock_new_manual ();
  hy_clock_set_offset (f->engine_clock, -(gint64) 3600 * G_USEC_PER_SEC);
  hy_sync_engine_set_clock (f->engine, f->engine_clock);
  first = run_sync (f, FALSE, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (first->pending, ==, 7);

  /* Sent: Halo saves them, the answers are lost; each counts an attempt and waits. */
  claimed = hy_store_outbox_claim (f->store, g_get_real_time (), 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (claimed->len, ==, 7);
  for (guint i = 0; i < claimed->len; i++)
    {
      HyOutboxItem *item = g_ptr_array_index (claimed, i);
      g_autoptr (JsonParser) parser = json_parser_new ();
      JsonNode *payload;

      g_assert_true (json_parser_load_from_data (parser, item->payload, -1, &error));
      payload = json_node_copy (json_parser_get_root (parser));
      g_ptr_array_add (payloads, payload);
      g_ptr_array_add (assets,
                       json_object_get_object_member (json_node_get_object (payload), "asset"));
      g_assert_true (hy_store_outbox_wait (f->store, item->id, "The answer was lost", TRUE,
                                           g_get_real_time (), &error));
    }
  hy_halo_client_save_assets_async (f->client, assets, HY_HALO_PRIORITY_BULK, NULL, NULL,
                                    hy_test_result_cb, &result);
  result = hy_test_wait_result (&result);
  saved = hy_halo_client_save_assets_finish (f->client, result, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (asset_count (f), ==, 7);

  rename_computer (f, "pc1", "DEV-pc1-renamed");
  rename_computer (f, "pc6", "DEV-pc6-renamed");
  hy_clock_set_offset (f->engine_clock, G_USEC_PER_SEC);
  second = run_sync (f, FALSE, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (second->pending, ==, 0);
  g_assert_cmpuint (second->dead, ==, 0);
  g_assert_cmpuint (second->updated, ==, 2);
  assert_assets_exactly_once (f, synced_computers);
  state = hy_sim_dump_state (f->sim);
  g_assert_cmpstr (halo_asset_name (f, state, "pc1"), ==, "DEV-pc1-renamed");
  g_assert_cmpstr (halo_asset_name (f, state, "pc6"), ==, "DEV-pc6-renamed");
  g_assert_cmpstr (halo_asset_name (f, state, "pc2"), ==, "DEV-pc2");
}

/* A crash right after a ticket create was sent: the item is INFLIGHT in the store and Halo has
 * the ticket; the next process resolves it by looking it up, and sends nothing twice. */
static void
test_crash_recovery (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) claimed = NULL;
  g_autoptr (HySyncAlertResult) r1 = NULL;
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
  r1 = raise_alert (f, "a11", "pc6", "p1", &error);
  g_assert_no_error (error);
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
  f->engine = hy_sync_engine_new (f->store, f->client);
  hy_sync_engine_set_clock (f->engine, f->halo->clock);
  hy_sync_engine_set_backoff_unit (f->engine, 1000);
  g_assert_true (hy_sync_engine_set_enabled (f->engine, TRUE, NULL));
  deliver_until_done (f, 10);
  g_assert_cmpuint (ticket_count (f), ==, 1);
  r2 = hy_sync_engine_get_alert_result (f->engine, "a11", NULL);
  g_assert_cmpint (r2->state, ==, HY_ALERT_STATE_DELIVERED);
  g_assert_cmpint (r2->ticket_id, ==, hy_halo_record_get_id (ticket));

  /* The same for a technician's time entry: sent by the dead process, found by the next. */
  {
    g_autoptr (HySyncAlertResult) r3 = NULL;
    g_autoptr (GPtrArray) claimed_action = NULL;
    g_autoptr (JsonParser) parser = json_parser_new ();
    g_autoptr (JsonNode) action_body = NULL;
    g_autoptr (GAsyncResult) aresult = NULL;
    g_autoptr (HyHaloRecord) action = NULL;
    HySyncActionSpec aspec = { 0 };
    JsonObject *payload;

    g_assert_true (hy_sync_engine_set_enabled (f->engine, FALSE, NULL));
    r3 = hy_sync_engine_add_action (f->engine, "a11", "u1", 45, "Replaced the disk", FALSE, &error);
    g_assert_no_error (error);
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
    f->engine = hy_sync_engine_new (f->store, f->client);
    hy_sync_engine_set_clock (f->engine, f->halo->clock);
    hy_sync_engine_set_backoff_unit (f->engine, 1000);
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
  g_autoptr (HySyncAlertResult) r1 = NULL;
  g_autoptr (HySyncAlertResult) r2 = NULL;

  g_assert_true (hy_sync_engine_set_enabled (f->engine, FALSE, NULL));
  hy_sync_engine_set_auto_deliver (f->engine, TRUE);
  r1 = raise_alert (f, "a12", "pc1", "p1", &error);
  g_assert_no_error (error);
  /* Disabled: nothing is sent, however long it waits (a second of its clock, at once). */
  hy_clock_advance (f->halo->clock, G_USEC_PER_SEC);
  hy_test_wait_idle ();
  g_assert_false (hy_sync_engine_is_running (f->engine));
  g_assert_cmpuint (hy_sim_get_request_count (f->sim), ==, 0);

  g_assert_true (hy_sync_engine_set_enabled (f->engine, TRUE, NULL));
  hy_test_wait_until (synced_and_ticket, f, "the sync and the first ticket");

  /* Halo away: the ticket waits in the outbox and goes out on its own once Halo is back. */
  hy_sim_set_down (f->sim, TRUE);
  r2 = raise_alert (f, "a13", "pc2", "p1", &error);
  g_assert_no_error (error);
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
  ADD ("/sync/assets/sync", test_assets_sync);
  ADD ("/sync/assets/idempotent", test_assets_idempotent);
  ADD ("/sync/assets/retired", test_assets_retired);
  ADD ("/sync/assets/dry-run", test_assets_dry_run);
  ADD ("/sync/assets/ignore-returnall", test_assets_ignore_returnall);
  ADD ("/sync/assets/stale-cache", test_assets_stale_cache);
  ADD ("/sync/assets/find-existing", test_assets_find_existing);
  ADD ("/sync/assets/never-move", test_assets_never_move);
  ADD ("/sync/assets/main-site", test_assets_main_site);
  ADD ("/sync/assets/inherited-mapping", test_assets_inherited_mapping);
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
  ADD ("/sync/cancel", test_cancel);
  ADD ("/sync/group-progress", test_group_progress);
  ADD ("/sync/faults/rate-limit", test_fault_rate_limit);
  ADD ("/sync/faults/server-errors", test_fault_server_errors);
  ADD ("/sync/faults/drop-after-commit", test_fault_drop_after_commit);
  ADD ("/sync/faults/token-expiry", test_fault_token_expiry);
  g_test_add ("/sync/faults/error-after-commit/500", Fixture, GUINT_TO_POINTER (500), fixture_setup,
              test_fault_error_after_commit, fixture_teardown);
  g_test_add ("/sync/faults/error-after-commit/502", Fixture, GUINT_TO_POINTER (502), fixture_setup,
              test_fault_error_after_commit, fixture_teardown);
  g_test_add ("/sync/faults/error-after-commit/503", Fixture, GUINT_TO_POINTER (503), fixture_setup,
              test_fault_error_after_commit, fixture_teardown);
  ADD ("/sync/faults/down-then-back", test_fault_down_then_back);
  ADD ("/sync/crash-recovery", test_crash_recovery);
  ADD ("/sync/outbox/outage-nothing-dead", test_outage_nothing_dead);
  ADD ("/sync/outbox/failing-revived", test_failing_revived);
  ADD ("/sync/outbox/refused-revived-by-mapping", test_refused_revived_by_mapping);
  ADD ("/sync/assets/rename-behind-unsent-create", test_rename_behind_unsent_create);
  ADD ("/sync/assets/rename-behind-sent-create", test_rename_behind_sent_create);
  ADD ("/sync/auto-deliver", test_auto_deliver);
#undef ADD
  return g_test_run ();
}
