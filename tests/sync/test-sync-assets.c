/* test-sync-assets.c: the sync engine's asset sync against halyard-sim (in process): creates,
 * updates, retired computers, dry runs, existing assets found and never moved, the client and
 * site a group's mapping gives, changes while a write waits, and the groups' progress
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "linker/hy-linker.h"
#include "sync-engine-fixture.h"

/* ------------------------------------------------------------------------- */
/* Assets                                                                    */
/* ------------------------------------------------------------------------- */

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

/* An asset of Halo client @client_id's site @site_id (a Workstation, type 130) tagged
 * @inventory_number, named @name when it is not NULL (the key field's value, Device Name, 101:
 * Halo derives key_field from it). */
static JsonObject *
halo_asset (gint64 client_id, gint64 site_id, const char *inventory_number, const char *name)
{
  JsonObject *asset = json_object_new ();

  json_object_set_int_member (asset, "client_id", client_id);
  json_object_set_int_member (asset, "site_id", site_id);
  json_object_set_int_member (asset, "assettype_id", 130);
  json_object_set_string_member (asset, "inventory_number", inventory_number);
  if (name != NULL)
    json_object_set_array_member (asset, "fields", name_field (name));
  return asset;
}

/* Saves @assets in Halo as someone else did (a technician, or a Halyard that died before it
 * heard the answer); the saved records, in their order. */
static GPtrArray *
save_in_halo (Fixture *f, GPtrArray *assets, HyHaloPriority priority)
{
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;
  GPtrArray *saved;

  hy_halo_client_save_assets_async (f->client, assets, priority, NULL, NULL, hy_test_result_cb,
                                    &result);
  result = hy_test_wait_result (&result);
  saved = hy_halo_client_save_assets_finish (f->client, result, &error);
  g_assert_no_error (error);
  return saved;
}

static void
test_assets_sync (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (HySyncReport) report = hy_test_sync_run (f->engine, FALSE, &error);
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
  assert_every_device_once (f);

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
    HyHaloEvent *post = hy_test_events_last (f->events, "POST", "/api/Asset");

    g_assert_nonnull (post);
    g_assert_nonnull (post->record);
    g_assert_true (g_str_has_prefix (post->record, "computer:"));
  }
}

static void
test_assets_idempotent (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (HySyncReport) first = hy_test_sync_run (f->engine, FALSE, &error);
  g_autoptr (HySyncReport) second = NULL;
  g_autoptr (HySyncReport) third = NULL;
  g_autoptr (HyComputer) pc2 = NULL;
  g_autoptr (JsonNode) state = NULL;

  g_assert_no_error (error);
  hy_sim_reset_counters (f->sim);
  second = hy_test_sync_run (f->engine, FALSE, &error);
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
  third = hy_test_sync_run (f->engine, FALSE, &error);
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
  g_autoptr (HySyncReport) first = hy_test_sync_run (f->engine, FALSE, &error);
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
  kept = hy_test_sync_run (f->engine, FALSE, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (kept->created + kept->updated, ==, 0);
  g_assert_cmpuint (hy_sim_count_requests (f->sim, "POST", "/api/"), ==, 0);
  g_assert_false (asset_inactive (f, "HY-pc2"));

  /* The profile says: set them inactive. Exactly one update, for pc2; pc10 gets no asset. */
  g_assert_true (
      hy_store_set_setting (f->store, HY_SYNC_SETTING_RETIRED_ASSETS, "inactive", &error));
  hy_sim_reset_counters (f->sim);
  retired = hy_test_sync_run (f->engine, FALSE, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (retired->updated, ==, 1);
  g_assert_cmpuint (retired->created, ==, 0);
  g_assert_cmpuint (hy_sim_count_requests (f->sim, "POST", "/api/asset"), ==, 1);
  g_assert_true (asset_inactive (f, "HY-pc2"));
  g_assert_false (asset_inactive (f, "HY-pc1"));
  g_assert_cmpuint (asset_count (f), ==, 7);

  /* Nothing more to send. */
  again = hy_test_sync_run (f->engine, FALSE, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (again->created + again->updated, ==, 0);

  /* pc2 returns: its asset is active again. */
  retire (f, NULL, FALSE);
  back = hy_test_sync_run (f->engine, FALSE, &error);
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
  report = hy_test_sync_run (f->engine, FALSE, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (report->created, ==, 7);
  g_assert_cmpuint (report->pending, ==, 0);
  g_assert_cmpuint (report->dead, ==, 0);
  assert_every_device_once (f);
  g_assert_cmpuint (hy_sim_count_requests (f->sim, "POST", "/api/asset"), ==, 2);
  /* One list to find existing assets, one to read the creates back (before: one list per
   * batch and client, 3). */
  {
    g_autoptr (GPtrArray) lists = hy_test_events_matching (f->events, "GET", "/api/Asset?");

    g_assert_cmpuint (lists->len, ==, 2);
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
  g_autoptr (GPtrArray) saved = NULL;
  g_autoptr (GPtrArray) lists = NULL;
  JsonObject *c = json_array_get_object_element (state_array (state, "clients"), 2);
  gint64 client_c = hy_sync_json_int (c, "id");
  /* A site of C: Halo files an asset sent without one under its "Unknown" client */
  gint64 site_c = hy_sync_json_int (c, "main_site_id");
  guint global = 0, per_client = 0;

  for (guint i = 0; i < 1000; i++)
    {
      g_autofree char *tag = g_strdup_printf ("C-%04u", i);

      g_ptr_array_add (assets, halo_asset (client_c, site_c, tag, NULL));
    }
  saved = save_in_halo (f, assets, HY_HALO_PRIORITY_INTERACTIVE);
  g_assert_cmpuint (asset_count (f), ==, 1000);

  hy_sim_set_ignore_returnall (f->sim, TRUE);
  hy_sync_engine_set_batch_size (f->engine, 4);
  g_ptr_array_set_size (f->events, 0);
  report = hy_test_sync_run (f->engine, FALSE, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (report->created, ==, 7);
  g_assert_cmpuint (report->pending, ==, 0);
  assert_assets_exactly_once (f, synced_computers);
  lists = hy_test_events_matching (f->events, "GET", "/api/Asset?");
  for (guint i = 0; i < lists->len; i++)
    {
      HyHaloEvent *e = g_ptr_array_index (lists, i);

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
  report = hy_test_sync_run (f->engine, TRUE, &error);
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
    g_autoptr (HySyncReport) refused = hy_test_sync_run (f->engine, FALSE, &error);
    g_assert_error (error, HY_SYNC_ERROR, HY_SYNC_ERROR_DISABLED);
    g_assert_null (refused);
    g_assert_cmpuint (asset_count (f), ==, 0);
    g_clear_error (&error);
  }

  /* A write queued by an earlier run and not delivered yet is listed too (the next sync sends
   * it). */
  g_assert_true (hy_sync_engine_set_enabled (f->engine, TRUE, NULL));
  {
    g_autoptr (HySyncReport) synced = hy_test_sync_run (f->engine, FALSE, &error);
    g_autoptr (HySyncReport) failing = NULL;
    g_autoptr (HySyncReport) dry = NULL;
    g_autoptr (HyComputer) pc3 = hy_store_get (f->store, HY_RECORD_KIND_COMPUTER, "pc3", NULL);

    g_assert_no_error (error);
    g_free (pc3->name);
    pc3->name = g_strdup ("DEV-pc3-new");
    g_assert_true (hy_store_upsert (f->store, HY_RECORD_KIND_COMPUTER, pc3, NULL, NULL));
    hy_sim_fail_next (f->sim, 100, 503);
    failing = hy_test_sync_run (f->engine, FALSE, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (failing->pending, ==, 1);
    hy_sim_fail_next (f->sim, 0, 503);
    dry = hy_test_sync_run (f->engine, TRUE, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (dry->creates->len, ==, 0);
    g_assert_cmpuint (dry->updates->len, ==, 1);
    g_assert_true (
        json_object_get_boolean_member (json_node_get_object (g_ptr_array_index (dry->updates, 0)),
                                        "queued"));
  }
}

#define asset_by_id(state, id) hy_test_state_find_id ((state), "assets", (id))

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
  g_autoptr (GPtrArray) saved = NULL;
  g_autoptr (HyGroupSync) g1 = NULL;
  g_autoptr (HyComputer) pc12 = NULL;
  JsonObject *asset;
  gint64 b_asset_id;

  add_computer (f, "pc10", "c2", "g1");
  add_computer (f, "pc11", "c2", "g1");
  add_computer (f, "pc12", NULL, "g1");
  g_ptr_array_add (assets, halo_asset (f->client_b, f->site_b, "BETA-11", "Beta server"));
  saved = save_in_halo (f, assets, HY_HALO_PRIORITY_INTERACTIVE);
  b_asset_id = hy_halo_record_get_id (g_ptr_array_index (saved, 0));
  g_assert_true (hy_store_link_set (f->store, HY_RECORD_KIND_COMPUTER, "pc11", b_asset_id,
                                    "Beta server", HY_LINK_HOW_MANUAL, NULL));

  report = hy_test_sync_run (f->engine, FALSE, &error);
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
    g_autoptr (HySyncReport) again = hy_test_sync_run (f->engine, FALSE, &error);
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
  first = hy_test_sync_run (f->engine, FALSE, &error);
  g_assert_no_error (error);
  g4 = hy_store_get_group_sync (f->store, "g4", NULL);
  g_assert_cmpint (g4->state, ==, HY_SYNC_STATE_FAILED);
  g_assert_nonnull (strstr (g4->reason, "Refresh"));
  g_assert_cmpint (g4->reason_code, ==, HY_REASON_NO_SITE);
  g_clear_pointer (&state, json_node_unref);
  state = hy_sim_dump_state (f->sim);
  g_assert_null (find_where (state, "assets", "inventory_number", "HY-pc20"));

  cache_from_sim (f, state, "clients", HY_CACHE_KIND_CLIENT);
  report = hy_test_sync_run (f->engine, FALSE, &error);
  g_assert_no_error (error);
  g_clear_pointer (&state, json_node_unref);
  state = hy_sim_dump_state (f->sim);
  asset = find_where (state, "assets", "inventory_number", "HY-pc20");
  g_assert_nonnull (asset);
  g_assert_cmpint (hy_sync_json_int (asset, "client_id"), ==, client_c);
  g_assert_cmpint (hy_sync_json_int (asset, "site_id"), ==, main_site);
  g_assert_null (find_where (state, "clients", "name", "Unknown"));
}

/* A device whose asset already exists in Halo (same name within the client) is linked to it,
 * not created again. */
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
  g_autoptr (GPtrArray) saved = NULL;
  JsonObject *b;
  JsonObject *serial = json_object_new ();

  /* In Halo already: pc3 by name, pc4 by serial (another name), and a same-named asset of
   * another client, which must not be taken. */
  g_ptr_array_add (assets, halo_asset (f->client_a, f->site_a, "CUSTOMER-TAG-3", "dev-PC3"));
  b = halo_asset (f->client_a, f->site_a, "CUSTOMER-TAG-4", "Old name of pc4");
  json_object_set_int_member (serial, "id", 117);
  json_object_set_string_member (serial, "value", "SN-pc4");
  json_array_add_object_element (json_object_get_array_member (b, "fields"), serial);
  g_ptr_array_add (assets, b);
  g_ptr_array_add (assets, halo_asset (f->client_b, f->site_b, "OTHER-1", "DEV-pc1"));
  saved = save_in_halo (f, assets, HY_HALO_PRIORITY_INTERACTIVE);
  g_assert_cmpuint (asset_count (f), ==, 3);

  report = hy_test_sync_run (f->engine, FALSE, &error);
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

  report = hy_test_sync_run (f->engine, FALSE, &error);
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
  alert = raise_alert (f, "a30", "pc21", "p1");
  deliver_until_done (f, 20);
  {
    g_autoptr (JsonNode) after = hy_sim_dump_state (f->sim);
    g_autoptr (HyAlert) stored = hy_store_get (f->store, HY_RECORD_KIND_ALERT, "a30", NULL);
    JsonObject *ticket = NULL;

    g_assert_cmpint (stored->ticket_id, >, 0);
    ticket = hy_test_state_find_id (after, "tickets", stored->ticket_id);
    g_assert_nonnull (ticket);
    g_assert_cmpint (hy_sync_json_int (ticket, "client_id"), ==, f->client_b);
    g_assert_cmpint (hy_sync_json_int (ticket, "site_id"), ==, f->site_b);
  }
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
  report = hy_test_sync_run (f->engine, FALSE, &error);
  g_assert_no_error (error);
  g_signal_handler_disconnect (f->engine, id);
  g_assert_true (p.saw_progress);
  g1 = hy_store_get_group_sync (f->store, "g1", NULL);
  g_assert_cmpint (g1->state, ==, HY_SYNC_STATE_SYNCED);
  g_assert_cmpuint (g1->synced, ==, 4);
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
  first = hy_test_sync_run (f->engine, FALSE, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (first->created, ==, 0);
  g_assert_cmpuint (first->pending, ==, 7);
  g_assert_cmpuint (asset_count (f), ==, 0);

  rename_computer (f, "pc1", "DEV-pc1-renamed");
  hy_clock_set_offset (f->engine_clock, G_USEC_PER_SEC);
  hy_sim_reset_counters (f->sim);
  second = hy_test_sync_run (f->engine, FALSE, &error);
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
  g_autoptr (GPtrArray) saved = NULL;
  g_autoptr (JsonNode) state = NULL;

  /* Queued, not sent (the sync's clock an hour behind). */
  f->engine_clock = hy_clock_new_manual ();
  hy_clock_set_offset (f->engine_clock, -(gint64) 3600 * G_USEC_PER_SEC);
  hy_sync_engine_set_clock (f->engine, f->engine_clock);
  first = hy_test_sync_run (f->engine, FALSE, &error);
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
  saved = save_in_halo (f, assets, HY_HALO_PRIORITY_BULK);
  g_assert_cmpuint (asset_count (f), ==, 7);

  rename_computer (f, "pc1", "DEV-pc1-renamed");
  rename_computer (f, "pc6", "DEV-pc6-renamed");
  hy_clock_set_offset (f->engine_clock, G_USEC_PER_SEC);
  second = hy_test_sync_run (f->engine, FALSE, &error);
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
  ADD ("/sync/group-progress", test_group_progress);
  ADD ("/sync/assets/rename-behind-unsent-create", test_rename_behind_unsent_create);
  ADD ("/sync/assets/rename-behind-sent-create", test_rename_behind_sent_create);
#undef ADD
  return g_test_run ();
}
