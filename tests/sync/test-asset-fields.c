/* test-asset-fields.c: the computers' OS, IP and MAC addresses, serial and last seen time in the
 * asset type's fields, against halyard-sim (in process)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What Halo received is read from the simulator: its assets' fields, and the bodies of the
 * writes it got (only what changed goes in an update, nothing when nothing changed).
 */

#include "config.h"

#include <string.h>

#include "hy-test-sync.h"
#include "store/hy-store-asset-fields.h"
#include "sync/hy-asset-fields.h"
#include "sync/hy-sync-engine.h"
#include "sync/hy-sync-error.h"
#include "sync/hy-sync-payload.h"

#define WORKSTATION 130
#define F_SERIAL    117
#define F_MODEL     148
#define F_OS        151
#define F_IP        152
#define F_MAC       153
#define F_LAST_SEEN 154

typedef struct
{
  HyTestHalo *halo;
  HySim *sim;           /* halo's */
  HyStore *store;       /* halo's */
  HyHaloClient *client; /* halo's */
  HySyncEngine *engine;
} Fixture;

static void
sync_now (Fixture *f)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (HySyncReport) report = hy_test_sync_run (f->engine, FALSE, &error);

  g_assert_no_error (error);
  g_assert_cmpuint (report->pending, ==, 0);
  g_assert_cmpuint (report->dead, ==, 0);
}

static void
put_computer (Fixture *f, const char *id, const char *os, const char *ip, const char *last_seen)
{
  g_autoptr (GError) error = NULL;
  HyComputer c = { 0 };

  c.id = (char *) id;
  c.name = (char *) id;
  c.company_id = (char *) "c1";
  c.group_id = (char *) "g1";
  c.serial = g_strdup_printf ("SN-%s", id);
  c.os = (char *) os;
  c.ip = (char *) ip;
  c.mac = (char *) "52:54:00:12:34:56";
  c.last_seen = (char *) last_seen;
  g_assert_true (hy_store_upsert (f->store, HY_RECORD_KIND_COMPUTER, &c, NULL, &error));
  g_assert_no_error (error);
  g_free (c.serial);
}

/* The asset of @computer in the simulator's state; its field @id's value, NULL when absent. */
static char *
asset_field (Fixture *f, const char *computer, gint64 id)
{
  g_autoptr (JsonNode) state = hy_sim_dump_state (f->sim);
  JsonArray *assets = json_object_get_array_member (json_node_get_object (state), "assets");
  g_autofree char *number = hy_sync_asset_inventory_number (computer);

  for (guint i = 0; i < json_array_get_length (assets); i++)
    {
      JsonObject *asset = json_array_get_object_element (assets, i);
      JsonArray *fields;

      if (g_strcmp0 (hy_sync_json_string (asset, "inventory_number"), number) != 0)
        continue;
      fields = json_object_get_array_member (asset, "fields");
      for (guint j = 0; fields != NULL && j < json_array_get_length (fields); j++)
        {
          JsonObject *field = json_array_get_object_element (fields, j);

          if (hy_sync_json_int (field, "id") == id)
            return g_strdup (hy_sync_json_string (field, "value"));
        }
    }
  return NULL;
}

/* The asset writes Halo received since the counters were reset, each element of each body. */
static GPtrArray *
asset_writes (Fixture *f)
{
  g_autoptr (GPtrArray) bodies = hy_sim_get_request_bodies (f->sim, "POST", "/api/asset");
  GPtrArray *writes = g_ptr_array_new_with_free_func ((GDestroyNotify) json_node_unref);

  for (guint i = 0; i < bodies->len; i++)
    {
      g_autoptr (JsonNode) node = json_from_string (bodies->pdata[i], NULL);
      JsonArray *array;

      g_assert_nonnull (node);
      g_assert_true (JSON_NODE_HOLDS_ARRAY (node));
      array = json_node_get_array (node);
      for (guint j = 0; j < json_array_get_length (array); j++)
        g_ptr_array_add (writes, json_node_copy (json_array_get_element (array, j)));
    }
  return writes;
}

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonNode) state = NULL;
  HySimGenerateOptions options;
  gint64 client_id;

  hy_sim_generate_options_init (&options);
  options.clients = 1;
  options.sites_per_client = 1;
  options.assets_per_client = 0;
  options.seed = 11;
  f->halo = hy_test_halo_new (&options, "hy-asset-fields-XXXXXX");
  f->sim = f->halo->sim;
  state = hy_sim_dump_state (f->sim);
  client_id = hy_test_state_client (state, 0);

  f->store = hy_test_halo_open_store (f->halo, TRUE);
  hy_test_store_add_company (f->store, "c1", "Acme Ltd", client_id);
  hy_test_store_add_group (f->store, "g1", "Desks", NULL);
  g_assert_true (hy_store_map_group (f->store, "g1", client_id,
                                     hy_test_state_site_of (state, client_id), &error));
  g_assert_no_error (error);
  put_computer (f, "pc1", "Windows 11 Pro", "10.0.0.11", "2026-11-20T10:00:00Z");
  put_computer (f, "pc2", "Ubuntu 24.04 LTS", "10.0.0.12", "2026-11-20T10:05:00Z");

  f->client = hy_test_halo_new_client (f->halo);
  f->engine = hy_sync_engine_new (f->store, f->client);
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  g_clear_object (&f->engine);
  g_clear_pointer (&f->halo, hy_test_halo_free);
}

/* ------------------------------------------------------------------------- */
/* Tests                                                                     */
/* ------------------------------------------------------------------------- */

/* A create carries every field, each in the type's field of that name; the types are kept for
 * Setup and halyard-cli with the fields as Halo names them. */
static void
test_create (Fixture *f, gconstpointer data)
{
  g_autoptr (GPtrArray) types = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *os = NULL;
  g_autofree char *ip = NULL;
  g_autofree char *mac = NULL;
  g_autofree char *seen = NULL;
  g_autofree char *serial = NULL;

  sync_now (f);
  os = asset_field (f, "pc1", F_OS);
  ip = asset_field (f, "pc1", F_IP);
  mac = asset_field (f, "pc1", F_MAC);
  seen = asset_field (f, "pc1", F_LAST_SEEN);
  serial = asset_field (f, "pc1", F_SERIAL);
  g_assert_cmpstr (os, ==, "Windows 11 Pro");
  g_assert_cmpstr (ip, ==, "10.0.0.11");
  g_assert_cmpstr (mac, ==, "52:54:00:12:34:56");
  g_assert_cmpstr (seen, ==, "2026-11-20T10:00:00Z");
  g_assert_cmpstr (serial, ==, "SN-pc1");

  types = hy_store_list_asset_types (f->store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (types->len, >=, 1);
  {
    g_autoptr (HyAssetType) ws = hy_store_get_asset_type (f->store, WORKSTATION, &error);
    g_autoptr (JsonNode) json = NULL;
    g_autofree char *text = NULL;

    g_assert_nonnull (ws);
    g_assert_cmpstr (ws->name, ==, "Workstation");
    g_assert_cmpuint (ws->fields->len, ==, 7);
    json = hy_asset_fields_to_json (ws, NULL);
    text = json_to_string (json, FALSE);
    g_assert_nonnull (strstr (text, "{\"field\":\"os\",\"halo_field_id\":151,"
                                    "\"halo_field_name\":\"Operating System\",\"how\":\"auto\"}"));
    g_assert_nonnull (strstr (text, "{\"field\":\"last_seen\",\"halo_field_id\":154,"
                                    "\"halo_field_name\":\"Last Online\",\"how\":\"auto\"}"));
  }
}

/* An update carries only the field whose value changed; nothing is sent when nothing did. */
static void
test_update_only_changed (Fixture *f, gconstpointer data)
{
  g_autoptr (GPtrArray) writes = NULL;
  g_autoptr (GPtrArray) none = NULL;
  g_autofree char *ip = NULL;
  g_autofree char *os = NULL;
  JsonObject *write;
  JsonArray *fields;

  sync_now (f);
  hy_sim_reset_counters (f->sim);
  put_computer (f, "pc1", "Windows 11 Pro", "10.0.0.99", "2026-11-20T10:00:00Z");
  /* sync --dry-run says what changed. */
  {
    g_autoptr (GError) error = NULL;
    g_autoptr (HySyncReport) report = hy_test_sync_run (f->engine, TRUE, &error);
    JsonArray *changes;

    g_assert_no_error (error);
    g_assert_cmpuint (report->updates->len, ==, 1);
    changes =
        json_object_get_array_member (json_node_get_object (report->updates->pdata[0]), "changes");
    g_assert_cmpuint (json_array_get_length (changes), ==, 1);
    g_assert_cmpstr (json_array_get_string_element (changes, 0), ==, "ip");
  }
  sync_now (f);

  writes = asset_writes (f);
  g_assert_cmpuint (writes->len, ==, 1);
  write = json_node_get_object (writes->pdata[0]);
  g_assert_cmpuint (json_object_get_size (write), ==, 2);
  g_assert_true (json_object_has_member (write, "id"));
  fields = json_object_get_array_member (write, "fields");
  g_assert_cmpuint (json_array_get_length (fields), ==, 1);
  g_assert_cmpint (hy_sync_json_int (json_array_get_object_element (fields, 0), "id"), ==, F_IP);
  ip = asset_field (f, "pc1", F_IP);
  os = asset_field (f, "pc1", F_OS);
  g_assert_cmpstr (ip, ==, "10.0.0.99");
  g_assert_cmpstr (os, ==, "Windows 11 Pro");

  /* Nothing changed: no write at all. */
  hy_sim_reset_counters (f->sim);
  sync_now (f);
  none = asset_writes (f);
  g_assert_cmpuint (none->len, ==, 0);
  g_assert_cmpuint (hy_sim_count_requests (f->sim, "POST", "/api/asset"), ==, 0);
}

/* The technician's choice: another field, or none; a name the type has not is refused with
 * Halo's own names, and changes nothing. */
static void
test_choice (Fixture *f, gconstpointer data)
{
  g_autoptr (HyAssetType) ws = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GHashTable) choices = NULL;
  g_autoptr (GPtrArray) writes = NULL;
  g_autofree char *model = NULL;

  sync_now (f);
  ws = hy_store_get_asset_type (f->store, WORKSTATION, &error);
  g_assert_nonnull (ws);

  g_assert_false (
      hy_asset_fields_choose (f->store, ws, HY_ASSET_FIELD_OS, "Operating Sys", &error));
  g_assert_error (error, HY_SYNC_ERROR, HY_SYNC_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "“Operating Sys”"));
  g_assert_nonnull (strstr (error->message, "“Operating System”"));
  g_assert_nonnull (strstr (error->message, "“Last Online”"));
  g_clear_error (&error);
  choices = hy_store_get_asset_field_choices (f->store, WORKSTATION, &error);
  g_assert_cmpuint (g_hash_table_size (choices), ==, 0);
  g_clear_pointer (&choices, g_hash_table_unref);
  /* The key field holds the name. */
  g_assert_false (hy_asset_fields_choose (f->store, ws, HY_ASSET_FIELD_OS, "device name", &error));
  g_assert_error (error, HY_SYNC_ERROR, HY_SYNC_ERROR_INVALID);
  g_clear_error (&error);

  /* The OS to "Model" (any case), the MAC address nowhere: every asset gets its fields again,
   * where they now go, and no MAC address. */
  g_assert_true (hy_asset_fields_choose (f->store, ws, HY_ASSET_FIELD_OS, "model", &error));
  g_assert_true (hy_asset_fields_choose (f->store, ws, HY_ASSET_FIELD_MAC, "", &error));
  g_assert_no_error (error);
  hy_sim_reset_counters (f->sim);
  sync_now (f);
  model = asset_field (f, "pc1", F_MODEL);
  g_assert_cmpstr (model, ==, "Windows 11 Pro");
  writes = asset_writes (f);
  g_assert_cmpuint (writes->len, ==, 2);
  for (guint i = 0; i < writes->len; i++)
    {
      JsonArray *fields =
          json_object_get_array_member (json_node_get_object (writes->pdata[i]), "fields");

      for (guint j = 0; j < json_array_get_length (fields); j++)
        {
          gint64 id = hy_sync_json_int (json_array_get_object_element (fields, j), "id");

          g_assert_cmpint (id, !=, F_MAC);
          g_assert_cmpint (id, !=, F_OS);
        }
    }

  /* Back to the field whose name matches. */
  choices = hy_store_get_asset_field_choices (f->store, WORKSTATION, &error);
  g_assert_cmpuint (g_hash_table_size (choices), ==, 2);
  g_assert_true (hy_asset_fields_choose (f->store, ws, HY_ASSET_FIELD_OS, NULL, &error));
  g_clear_pointer (&choices, g_hash_table_unref);
  choices = hy_store_get_asset_field_choices (f->store, WORKSTATION, &error);
  g_assert_cmpuint (g_hash_table_size (choices), ==, 1);
}

/* Halo's fields as read again since the engine started (halyard-cli map fields keeps them in
 * the store): the running engine writes where they say, not where its first read did. */
static void
test_fields_read_again (Fixture *f, gconstpointer data)
{
  g_autoptr (HyAssetType) renamed = hy_asset_type_new (WORKSTATION, "Workstation", 101);
  g_autoptr (GError) error = NULL;
  g_autofree char *model = NULL;
  g_autofree char *os = NULL;

  sync_now (f);
  /* Renamed in Halo: "Model" now holds the operating system, the old field is kept aside. */
  hy_asset_type_add_field (renamed, 101, "Device Name");
  hy_asset_type_add_field (renamed, 117, "Serial Number");
  hy_asset_type_add_field (renamed, 148, "Operating System");
  hy_asset_type_add_field (renamed, 151, "Legacy");
  g_assert_true (hy_store_save_asset_type (f->store, renamed, &error));
  g_assert_no_error (error);

  put_computer (f, "pc1", "Windows 11 Enterprise", "10.0.0.11", "2026-11-20T10:00:00Z");
  sync_now (f);
  model = asset_field (f, "pc1", F_MODEL);
  os = asset_field (f, "pc1", F_OS);
  g_assert_cmpstr (model, ==, "Windows 11 Enterprise");
  g_assert_cmpstr (os, ==, "Windows 11 Pro");
}

/* The guess by name, and a chosen field Halo no longer has. */
static void
test_resolve (void)
{
  g_autoptr (HyAssetType) type = hy_asset_type_new (9, "Server", 1);
  g_autoptr (GHashTable) choices = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  HyAssetFieldTarget targets[HY_N_ASSET_FIELDS];
  gint64 gone = 99;

  hy_asset_type_add_field (type, 1, "Host name");
  hy_asset_type_add_field (type, 2, "O/S");
  hy_asset_type_add_field (type, 3, "Primary IP Address");
  hy_asset_type_add_field (type, 4, "Physical Address");
  hy_asset_type_add_field (type, 5, "Last Check-in");
  hy_asset_type_add_field (type, 6, "Service Tag");
  hy_asset_fields_resolve (type, NULL, targets);
  g_assert_cmpint (targets[HY_ASSET_FIELD_OS].halo_field_id, ==, 2);
  g_assert_cmpint (targets[HY_ASSET_FIELD_IP].halo_field_id, ==, 3);
  g_assert_cmpint (targets[HY_ASSET_FIELD_MAC].halo_field_id, ==, 4);
  g_assert_cmpint (targets[HY_ASSET_FIELD_LAST_SEEN].halo_field_id, ==, 5);
  g_assert_cmpint (targets[HY_ASSET_FIELD_SERIAL].halo_field_id, ==, 6);
  g_assert_cmpint (targets[HY_ASSET_FIELD_OS].how, ==, HY_ASSET_FIELD_HOW_AUTO);

  g_hash_table_insert (choices, g_strdup ("ip"), g_memdup2 (&gone, sizeof gone));
  hy_asset_fields_resolve (type, choices, targets);
  g_assert_cmpint (targets[HY_ASSET_FIELD_IP].halo_field_id, ==, 0);
  g_assert_true (targets[HY_ASSET_FIELD_IP].missing);
  g_assert_cmpint (targets[HY_ASSET_FIELD_IP].how, ==, HY_ASSET_FIELD_HOW_MANUAL);
}

int
main (int argc, char *argv[])
{
  hy_test_init (&argc, &argv);

  g_test_add ("/asset-fields/create", Fixture, NULL, fixture_setup, test_create, fixture_teardown);
  g_test_add ("/asset-fields/update-only-changed", Fixture, NULL, fixture_setup,
              test_update_only_changed, fixture_teardown);
  g_test_add ("/asset-fields/choice", Fixture, NULL, fixture_setup, test_choice, fixture_teardown);
  g_test_add ("/asset-fields/read-again", Fixture, NULL, fixture_setup, test_fields_read_again,
              fixture_teardown);
  g_test_add_func ("/asset-fields/resolve", test_resolve);
  return g_test_run ();
}
