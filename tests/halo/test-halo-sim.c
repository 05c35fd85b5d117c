/* test-halo-sim.c: HyHaloClient against halyard-sim, in-process on a free port: batched
 * saves (ids per record, ?returnall honoured or ignored, read back per client, no read-back,
 * same asset numbers, dropped connections)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "test-halo-sim-fixture.h"

static JsonObject *
new_asset (gint64 client_id, gint64 site_id, gint64 type_id, const char *tag)
{
  JsonObject *asset = json_object_new ();

  json_object_set_int_member (asset, "client_id", client_id);
  json_object_set_double_member (asset, "site_id", (double) site_id);
  g_autofree char *type = g_strdup_printf ("%" G_GINT64_FORMAT, type_id);

  json_object_set_string_member (asset, "assettype_id", type);
  if (tag)
    json_object_set_string_member (asset, "inventory_number", tag);
  return asset;
}

/* Saves @input in the bulk lane with @flags, its requests tagged @record, and waits for the
 * answer: the saved records, or NULL with @error set. */
static GPtrArray *
save_assets (Fixture *f,
             GPtrArray *input,
             HyHaloSaveFlags flags,
             const char *record,
             GError **error)
{
  g_autoptr (GAsyncResult) result = NULL;

  hy_halo_client_save_assets_full_async (f->client, input, flags, HY_HALO_PRIORITY_BULK, record,
                                         NULL, hy_test_result_cb, &f->result);
  result = wait_result (f);
  return hy_halo_client_save_assets_finish (f->client, result, error);
}

/* Each saved record has its own id, the update's id for an update, and is the sim's asset with
 * the asset number and notes sent */
static void
check_batch_saved (Fixture *f, GPtrArray *input, GPtrArray *saved)
{
  g_autoptr (GHashTable) ids = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  g_autoptr (JsonNode) after = hy_sim_dump_state (f->sim);
  JsonArray *assets = json_object_get_array_member (json_node_get_object (after), "assets");

  for (guint i = 0; i < saved->len; i++)
    {
      HyHaloRecord *r = g_ptr_array_index (saved, i);
      JsonObject *in = g_ptr_array_index (input, i);
      gint64 id = hy_halo_record_get_id (r);
      gboolean found = FALSE;

      g_assert_cmpint (id, >, 0);
      g_assert_false (g_hash_table_contains (ids, &id));
      g_hash_table_add (ids, g_memdup2 (&id, sizeof id));
      if (hy_halo_json_get_id (in, "id") > 0)
        g_assert_cmpint (id, ==, hy_halo_json_get_id (in, "id"));
      /* the id belongs to the asset with that asset number in the sim */
      for (guint j = 0; j < json_array_get_length (assets); j++)
        {
          JsonObject *a = json_array_get_object_element (assets, j);
          if (json_object_get_int_member (a, "id") != id)
            continue;
          found = TRUE;
          if (json_object_has_member (in, "inventory_number"))
            g_assert_cmpstr (json_object_get_string_member (a, "inventory_number"), ==,
                             json_object_get_string_member (in, "inventory_number"));
          if (json_object_has_member (in, "notes"))
            g_assert_cmpstr (json_object_get_string_member (a, "notes"), ==,
                             json_object_get_string_member (in, "notes"));
        }
      g_assert_true (found);
    }
}

/* a batch of creates whose connection drops after the commit: outcome unknown, not resent */
static void
check_dropped_batch (Fixture *f, gint64 client_id, gint64 site_id, gint64 type_id)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) more = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  g_autoptr (GPtrArray) none = NULL;
  guint before = state_count (f->sim, "assets");

  g_ptr_array_add (more, new_asset (client_id, site_id, type_id, "HY-DROP-1"));
  g_ptr_array_add (more, new_asset (client_id, site_id, type_id, "HY-DROP-2"));
  hy_sim_drop_after_commit (f->sim, 1);
  none = save_assets (f, more, HY_HALO_SAVE_NONE, NULL, &error);
  g_assert_null (none);
  g_assert_error (error, HY_HALO_ERROR, HY_HALO_ERROR_OUTCOME_UNKNOWN);
  g_assert_cmpuint (state_count (f->sim, "assets"), ==, before + 2);
}

static void
test_batch_writes (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) input = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  g_autoptr (GPtrArray) saved = NULL;
  g_autoptr (JsonNode) state = hy_sim_dump_state (f->sim);
  JsonObject *root = json_node_get_object (state);
  JsonObject *existing0 =
      json_array_get_object_element (json_object_get_array_member (root, "assets"), 0);
  JsonObject *existing1 =
      json_array_get_object_element (json_object_get_array_member (root, "assets"), 1);
  JsonObject *site =
      json_array_get_object_element (json_object_get_array_member (root, "sites"), 0);
  gint64 client_id = json_object_get_int_member (site, "client_id");
  gint64 site_id = json_object_get_int_member (site, "id");
  gint64 type_id = state_first_id (f->sim, "asset_types");
  guint assets_before = state_count (f->sim, "assets");

  /* 7 creates, an update in the middle, another at the end, one create without asset number */
  for (guint i = 0; i < 7; i++)
    {
      g_autofree char *tag = g_strdup_printf ("HY-NEW-%u", i);
      g_ptr_array_add (input, new_asset (client_id, site_id, type_id, tag));
      if (i == 3)
        {
          JsonObject *update = json_object_new ();
          g_autofree char *id =
              g_strdup_printf ("%" G_GINT64_FORMAT, json_object_get_int_member (existing0, "id"));

          json_object_set_string_member (update, "id", id);
          json_object_set_string_member (update, "notes", "updated by the batch");
          g_ptr_array_add (input, update);
        }
    }
  {
    JsonObject *update = json_object_new ();
    json_object_set_int_member (update, "id", json_object_get_int_member (existing1, "id"));
    json_object_set_string_member (update, "notes", "updated too");
    g_ptr_array_add (input, update);
  }
  g_ptr_array_add (input, new_asset (client_id, site_id, type_id, NULL));

  hy_halo_client_set_batch_size (f->client, 3);
  hy_sim_reset_counters (f->sim);
  saved = save_assets (f, input, HY_HALO_SAVE_NONE, "group:7", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (saved->len, ==, input->len);
  /* 9 batchable items in batches of 3, the untagged create alone */
  g_assert_cmpuint (hy_sim_count_requests (f->sim, "POST", "/api/Asset"), ==, 4);
  g_assert_cmpuint (state_count (f->sim, "assets"), ==, assets_before + 8);

  check_batch_saved (f, input, saved);

  /* the caller's objects were not changed (ids normalised on copies only) */
  g_assert_cmpstr (json_object_get_string_member (g_ptr_array_index (input, 4), "id"), !=, NULL);

  check_dropped_batch (f, client_id, site_id, type_id);
}

/* Creates in @n_clients clients (3 each, tagged PREFIX-c-i), in one call; the ids must be the
 * sim's assets with those asset numbers, whatever order Halo answers in. */
static void
creates_in_clients (Fixture *f, const char *prefix, guint n_clients, GPtrArray **out_input)
{
  g_autoptr (JsonNode) state = hy_sim_dump_state (f->sim);
  JsonArray *sites = json_object_get_array_member (json_node_get_object (state), "sites");
  gint64 type_id = state_first_id (f->sim, "asset_types");
  GPtrArray *input = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  gint64 last_client = 0;
  gint64 last_site = 0;
  guint clients = 0;

  for (guint s = 0; s < json_array_get_length (sites) && clients < n_clients; s++)
    {
      JsonObject *site = json_array_get_object_element (sites, s);
      gint64 client_id = json_object_get_int_member (site, "client_id");

      if (client_id == last_client)
        continue;
      last_client = client_id;
      last_site = json_object_get_int_member (site, "id");
      clients++;
      for (guint i = 0; i < 3; i++)
        {
          g_autofree char *tag = g_strdup_printf ("%s-%u-%u", prefix, clients, i);
          g_ptr_array_add (input, new_asset (client_id, json_object_get_int_member (site, "id"),
                                             type_id, tag));
        }
    }
  /* One create known by its key field (device name) only */
  {
    JsonObject *named = new_asset (last_client, last_site, type_id, NULL);
    g_autofree char *name = g_strdup_printf ("%s-NAMED-PC", prefix);
    JsonArray *fields = json_array_new ();
    JsonObject *field = json_object_new ();

    /* Halo derives key_field from the type's key field (Device Name, 101) and ignores it on
     * write: the name goes in fields; key_field stays in the input for the read-back. */
    json_object_set_int_member (field, "id", 101);
    json_object_set_string_member (field, "value", name);
    json_array_add_object_element (fields, field);
    json_object_set_array_member (named, "fields", fields);
    json_object_set_string_member (named, "key_field", name);
    g_ptr_array_add (input, named);
  }
  *out_input = input;
}

static void
check_saved_ids (Fixture *f, GPtrArray *input, GPtrArray *saved)
{
  g_autoptr (JsonNode) after = hy_sim_dump_state (f->sim);
  JsonArray *assets = json_object_get_array_member (json_node_get_object (after), "assets");

  g_assert_cmpuint (saved->len, ==, input->len);
  for (guint i = 0; i < saved->len; i++)
    {
      JsonObject *in = g_ptr_array_index (input, i);
      gint64 id = hy_halo_record_get_id (g_ptr_array_index (saved, i));
      gboolean found = FALSE;

      g_assert_cmpint (id, >, 0);
      for (guint j = 0; j < json_array_get_length (assets); j++)
        {
          JsonObject *a = json_array_get_object_element (assets, j);
          const char *member =
              json_object_has_member (in, "inventory_number") ? "inventory_number" : "key_field";
          if (json_object_get_int_member (a, "id") != id)
            continue;
          found = TRUE;
          g_assert_cmpstr (json_object_get_string_member (a, member), ==,
                           json_object_get_string_member (in, member));
          g_assert_cmpint (json_object_get_int_member (a, "client_id"), ==,
                           hy_halo_json_get_id (in, "client_id"));
        }
      g_assert_true (found);
    }
}

/* ?returnall=true honoured: one POST for the whole batch, across clients, and no read-back. */
static void
test_batch_returnall (Fixture *f, gconstpointer data)
{
  g_autoptr (GPtrArray) input = NULL;
  g_autoptr (GPtrArray) saved = NULL;
  g_autoptr (GError) error = NULL;

  creates_in_clients (f, "RA", 4, &input);
  hy_sim_reset_counters (f->sim);
  saved = save_assets (f, input, HY_HALO_SAVE_NONE, "group:ra", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (hy_sim_count_requests (f->sim, "POST", "/api/Asset"), ==, 1);
  g_assert_cmpuint (hy_sim_count_requests (f->sim, "GET", "/api/Asset"), ==, 0);
  check_saved_ids (f, input, saved);
}

/* A Halo that ignores ?returnall (the last record only): the creates are read back after the
 * POST with lists, not one GET per asset; the list requests carry the caller's record tag. Here
 * one list of every asset (2 pages of 100) is cheaper than one per client concerned (4). */
static void
test_batch_returnall_ignored (Fixture *f, gconstpointer data)
{
  g_autoptr (GPtrArray) input = NULL;
  g_autoptr (GPtrArray) saved = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) lists = NULL;

  creates_in_clients (f, "IG", 4, &input);
  hy_sim_set_ignore_returnall (f->sim, TRUE);
  hy_sim_reset_counters (f->sim);
  g_ptr_array_set_size (f->events, 0);
  saved = save_assets (f, input, HY_HALO_SAVE_NONE, "group:ig", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (hy_sim_count_requests (f->sim, "POST", "/api/Asset"), ==, 1);
  /* 13 creates in 4 clients (20 assets each: one page each); 133 assets in all: 2 pages */
  g_assert_cmpuint (hy_sim_count_requests (f->sim, "GET", "/api/Asset"), ==, 2);
  check_saved_ids (f, input, saved);
  lists = hy_test_events_matching (f->events, "GET", "/api/Asset");
  for (guint i = 0; i < lists->len; i++)
    g_assert_cmpstr (((HyHaloEvent *) g_ptr_array_index (lists, i))->record, ==, "group:ig");
  g_assert_cmpuint (lists->len, ==, 2);
}

/* The same when one list of every asset would take more pages than the clients' lists: its
 * first page says so (record_count), and the clients are listed one by one — one request more
 * than listing them at once, never a whole list of Halo's assets. */
static void
test_batch_returnall_ignored_per_client (Fixture *f, gconstpointer data)
{
  g_autoptr (GPtrArray) input = NULL;
  g_autoptr (GPtrArray) saved = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonNode) state = NULL;
  JsonArray *assets;
  guint expected = 1, global = 0;

  creates_in_clients (f, "PC", 4, &input);
  hy_halo_client_set_page_size (f->client, 10);
  hy_sim_set_ignore_returnall (f->sim, TRUE);
  hy_sim_reset_counters (f->sim);
  g_ptr_array_set_size (f->events, 0);
  saved = save_assets (f, input, HY_HALO_SAVE_NONE, NULL, &error);
  g_assert_no_error (error);
  check_saved_ids (f, input, saved);

  /* 1 first page of every asset, then each client's pages of 10 */
  state = hy_sim_dump_state (f->sim);
  assets = json_object_get_array_member (json_node_get_object (state), "assets");
  {
    g_autoptr (GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
    for (guint i = 0; i < input->len; i++)
      {
        gint64 id = hy_halo_json_get_id (g_ptr_array_index (input, i), "client_id");
        gboolean known = FALSE;
        for (guint c = 0; c < ids->len; c++)
          known = known || g_array_index (ids, gint64, c) == id;
        if (!known)
          g_array_append_val (ids, id);
      }
    for (guint c = 0; c < ids->len; c++)
      {
        guint n = 0;
        for (guint j = 0; j < json_array_get_length (assets); j++)
          if (json_object_get_int_member (json_array_get_object_element (assets, j), "client_id") ==
              g_array_index (ids, gint64, c))
            n++;
        expected += (n + 9) / 10;
      }
  }
  g_assert_cmpuint (expected, >, 1 + 4);
  g_assert_cmpuint (hy_sim_count_requests (f->sim, "GET", "/api/Asset"), ==, expected);
  for (guint i = 0; i < f->events->len; i++)
    {
      HyHaloEvent *e = g_ptr_array_index (f->events, i);
      if (g_strcmp0 (e->method, "GET") == 0 && g_str_has_prefix (e->path, "/api/Asset") &&
          strstr (e->path, "client_id=") == NULL)
        global++;
    }
  g_assert_cmpuint (global, ==, 1);
}

/* HY_HALO_SAVE_NO_READ_BACK: the caller reads many saves back at once, so a Halo that ignores
 * ?returnall costs the POST only; the creates its answer did not identify come back NULL. */
static void
test_batch_no_read_back (Fixture *f, gconstpointer data)
{
  g_autoptr (GPtrArray) input = NULL;
  g_autoptr (GPtrArray) saved = NULL;
  g_autoptr (GError) error = NULL;
  guint identified = 0;

  creates_in_clients (f, "NR", 3, &input);
  hy_sim_set_ignore_returnall (f->sim, TRUE);
  hy_sim_reset_counters (f->sim);
  saved = save_assets (f, input, HY_HALO_SAVE_NO_READ_BACK, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (hy_sim_count_requests (f->sim, "POST", "/api/Asset"), ==, 1);
  g_assert_cmpuint (hy_sim_count_requests (f->sim, "GET", "/api/Asset"), ==, 0);
  g_assert_cmpuint (saved->len, ==, input->len);
  for (guint i = 0; i < saved->len; i++)
    {
      HyHaloRecord *r = g_ptr_array_index (saved, i);
      JsonObject *in = g_ptr_array_index (input, i);

      if (r == NULL)
        continue;
      identified++;
      g_assert_cmpint (hy_halo_record_get_id (r), >, 0);
      if (json_object_has_member (in, "inventory_number"))
        g_assert_cmpstr (hy_halo_record_get_string (r, "inventory_number"), ==,
                         json_object_get_string_member (in, "inventory_number"));
      else
        g_assert_cmpstr (hy_halo_record_get_string (r, "key_field"), ==,
                         json_object_get_string_member (in, "key_field"));
    }
  /* Halo answered with its last record only */
  g_assert_cmpuint (identified, ==, 1);
}

/* Two creates with the same asset number in one client cannot be told apart in one answer:
 * each is sent on its own. */
static void
test_batch_same_key (Fixture *f, gconstpointer data)
{
  g_autoptr (GPtrArray) input = NULL;
  g_autoptr (GPtrArray) saved = NULL;
  g_autoptr (GError) error = NULL;
  JsonObject *first;

  creates_in_clients (f, "DUP", 1, &input);
  first = g_ptr_array_index (input, 0);
  g_ptr_array_add (input, new_asset (hy_halo_json_get_id (first, "client_id"),
                                     hy_halo_json_get_id (first, "site_id"),
                                     hy_halo_json_get_id (first, "assettype_id"), "DUP-1-0"));
  hy_sim_set_ignore_returnall (f->sim, TRUE);
  hy_sim_reset_counters (f->sim);
  saved = save_assets (f, input, HY_HALO_SAVE_NONE, NULL, &error);
  g_assert_no_error (error);
  /* the other 3 in one POST (then one list), the two twins alone */
  g_assert_cmpuint (hy_sim_count_requests (f->sim, "POST", "/api/Asset"), ==, 3);
  g_assert_cmpint (hy_halo_record_get_id (g_ptr_array_index (saved, 0)), !=,
                   hy_halo_record_get_id (g_ptr_array_index (saved, input->len - 1)));
  check_saved_ids (f, input, saved);
}

/* Halo ignored returnall and the client already holds an asset with a create's asset number:
 * the read-back cannot tell which is new, and says so rather than guessing. */
static void
test_batch_returnall_ignored_ambiguous (Fixture *f, gconstpointer data)
{
  g_autoptr (GPtrArray) input = NULL;
  g_autoptr (GPtrArray) saved = NULL;
  g_autoptr (GPtrArray) earlier =
      g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  g_autoptr (GPtrArray) first_saved = NULL;
  g_autoptr (GError) error = NULL;
  JsonObject *one;

  creates_in_clients (f, "AMB", 1, &input);
  one = g_ptr_array_index (input, 0);
  g_ptr_array_add (earlier, new_asset (hy_halo_json_get_id (one, "client_id"),
                                       hy_halo_json_get_id (one, "site_id"),
                                       hy_halo_json_get_id (one, "assettype_id"), "AMB-1-0"));
  first_saved = save_assets (f, earlier, HY_HALO_SAVE_NONE, NULL, &error);
  g_assert_no_error (error);

  hy_sim_set_ignore_returnall (f->sim, TRUE);
  saved = save_assets (f, input, HY_HALO_SAVE_NONE, NULL, &error);
  g_assert_null (saved);
  g_assert_error (error, HY_HALO_ERROR, HY_HALO_ERROR_BAD_RESPONSE);
  g_assert_nonnull (strstr (error->message, "AMB-1-0"));
  g_assert_nonnull (strstr (error->message, "asset number"));
}

int
main (int argc, char **argv)
{
  setlocale (LC_ALL, "C.UTF-8");
  hy_test_init (&argc, &argv);

  HALO_SIM_TEST_ADD ("/halo/sim/batch-returnall", test_batch_returnall);
  HALO_SIM_TEST_ADD ("/halo/sim/batch-returnall-ignored", test_batch_returnall_ignored);
  HALO_SIM_TEST_ADD ("/halo/sim/batch-returnall-ignored-per-client",
                     test_batch_returnall_ignored_per_client);
  HALO_SIM_TEST_ADD ("/halo/sim/batch-no-read-back", test_batch_no_read_back);
  HALO_SIM_TEST_ADD ("/halo/sim/batch-same-key", test_batch_same_key);
  HALO_SIM_TEST_ADD ("/halo/sim/batch-returnall-ignored-ambiguous",
                     test_batch_returnall_ignored_ambiguous);
  HALO_SIM_TEST_ADD ("/halo/sim/batch-writes", test_batch_writes);

  return g_test_run ();
}
