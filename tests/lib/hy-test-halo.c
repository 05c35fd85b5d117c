/* hy-test-halo.c: halyard-sim, a store and a client in the test's process
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "hy-test-halo.h"
#include "sync/hy-sync-payload.h"

static void
event_cb (HyHaloClient *client, HyHaloEvent *event, gpointer user_data)
{
  GPtrArray *events = user_data;

  g_ptr_array_add (events, hy_halo_event_copy (event));
}

gint64
hy_test_clock_monotonic (gpointer clock)
{
  return hy_clock_get_monotonic (clock);
}

void
hy_test_record_events (HyHaloClient *client, GPtrArray *events)
{
  g_signal_connect (client, "request-finished", G_CALLBACK (event_cb), events);
}

void
hy_test_assert_events_hide (GPtrArray *events, const char *const *secrets)
{
  for (guint i = 0; i < events->len; i++)
    {
      HyHaloEvent *e = g_ptr_array_index (events, i);
      const char *fields[] = { e->path, e->request_body, e->response_body, e->error };

      for (guint j = 0; j < G_N_ELEMENTS (fields); j++)
        for (guint k = 0; fields[j] != NULL && secrets[k] != NULL; k++)
          if (strstr (fields[j], secrets[k]) != NULL)
            g_error ("an event holds a secret: %s", fields[j]);
    }
}

HyTestHalo *
hy_test_halo_new (const HySimGenerateOptions *options, const char *tmpl)
{
  g_autoptr (GError) error = NULL;
  HyTestHalo *halo = g_new0 (HyTestHalo, 1);

  halo->clock = hy_clock_new_manual ();
  halo->sim = hy_sim_new ();
  hy_sim_set_clock (halo->sim, hy_test_clock_monotonic, halo->clock);
  hy_sim_generate (halo->sim, options);
  g_assert_true (hy_sim_start (halo->sim, 0, &error));
  g_assert_no_error (error);
  halo->dir = hy_test_make_tmp_dir (tmpl);
  halo->db_path = g_build_filename (halo->dir, "halyard.db", NULL);
  halo->events = g_ptr_array_new_with_free_func ((GDestroyNotify) hy_halo_event_free);
  return halo;
}

HySim *
hy_test_sim_start (const HySimGenerateOptions *options)
{
  g_autoptr (GError) error = NULL;
  HySim *sim = hy_sim_new ();

  hy_sim_generate (sim, options);
  g_assert_true (hy_sim_start (sim, 0, &error));
  g_assert_no_error (error);
  return sim;
}

HyTestHalo *
hy_test_halo_new_empty (guint clients, guint agents, const char *tmpl)
{
  HySimGenerateOptions options;

  hy_sim_generate_options_init (&options);
  options.clients = clients;
  options.sites_per_client = 1;
  options.assets_per_client = 0;
  options.agents = agents;
  options.seed = 7;
  return hy_test_halo_new (&options, tmpl);
}

void
hy_test_halo_free (HyTestHalo *halo)
{
  if (halo->client != NULL)
    g_signal_handlers_disconnect_by_func (halo->client, event_cb, halo->events);
  g_clear_object (&halo->client);
  g_clear_object (&halo->store);
  hy_sim_stop (halo->sim);
  g_clear_object (&halo->sim);
  g_clear_object (&halo->clock);
  g_clear_pointer (&halo->events, g_ptr_array_unref);
  hy_test_remove_tree (halo->dir);
  g_free (halo->dir);
  g_free (halo->db_path);
  g_free (halo);
}

HyStore *
hy_test_halo_open_store (HyTestHalo *halo, gboolean enabled)
{
  g_assert_null (halo->store);
  halo->store = hy_test_store_open (halo->dir, hy_sim_get_base_url (halo->sim), enabled);
  return halo->store;
}

HyHaloClient *
hy_test_halo_new_client (HyTestHalo *halo)
{
  g_autoptr (GError) error = NULL;

  g_assert_null (halo->client);
  halo->client = hy_halo_client_new (hy_sim_get_base_url (halo->sim), "demo", "halyard-demo",
                                     "demo-secret", "all", &error);
  g_assert_no_error (error);
  hy_halo_client_set_clock (halo->client, halo->clock);
  hy_test_record_events (halo->client, halo->events);
  return halo->client;
}

/* ---- The simulator's state ---------------------------------------------------------------- */

JsonArray *
hy_test_state_array (JsonNode *state, const char *table)
{
  return json_object_get_array_member (hy_test_object (state), table);
}

static gboolean
member_is (JsonObject *o, const char *member, const char *value)
{
  JsonNode *node;

  if (!json_object_has_member (o, member))
    return FALSE;
  node = json_object_get_member (o, member);
  if (!JSON_NODE_HOLDS_VALUE (node))
    return FALSE;
  if (json_node_get_value_type (node) == G_TYPE_STRING)
    return g_strcmp0 (json_node_get_string (node), value) == 0;
  if (json_node_get_value_type (node) == G_TYPE_INT64)
    return json_node_get_int (node) == g_ascii_strtoll (value, NULL, 10);
  return FALSE;
}

guint
hy_test_state_count (JsonNode *state, const char *table, const char *member, const char *value)
{
  JsonArray *arr = hy_test_state_array (state, table);
  guint n = 0;

  for (guint i = 0; i < json_array_get_length (arr); i++)
    if (member == NULL || member_is (json_array_get_object_element (arr, i), member, value))
      n++;
  return n;
}

JsonObject *
hy_test_state_find (JsonNode *state, const char *table, const char *member, const char *value)
{
  JsonArray *arr = hy_test_state_array (state, table);

  for (guint i = 0; i < json_array_get_length (arr); i++)
    {
      JsonObject *o = json_array_get_object_element (arr, i);
      if (g_strcmp0 (hy_sync_json_string (o, member), value) == 0)
        return o;
    }
  return NULL;
}

GHashTable *
hy_test_state_unique (JsonNode *state, const char *table, const char *member)
{
  JsonArray *arr = hy_test_state_array (state, table);
  GHashTable *seen = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint i = 0; i < json_array_get_length (arr); i++)
    {
      const char *value = hy_sync_json_string (json_array_get_object_element (arr, i), member);

      g_assert_nonnull (value);
      g_assert_false (g_hash_table_contains (seen, value));
      g_hash_table_add (seen, (gpointer) value);
    }
  return seen;
}

guint
hy_test_sim_count (HySim *sim, const char *table, const char *member, const char *value)
{
  g_autoptr (JsonNode) state = hy_sim_dump_state (sim);

  return hy_test_state_count (state, table, member, value);
}

gint64
hy_test_state_client (JsonNode *state, guint index)
{
  return hy_sync_json_int (json_array_get_object_element (hy_test_state_array (state, "clients"),
                                                          index),
                           "id");
}

gint64
hy_test_state_site_of (JsonNode *state, gint64 client_id)
{
  JsonArray *sites = hy_test_state_array (state, "sites");

  for (guint i = 0; i < json_array_get_length (sites); i++)
    {
      JsonObject *s = json_array_get_object_element (sites, i);
      if (hy_sync_json_int (s, "client_id") == client_id)
        return hy_sync_json_int (s, "id");
    }
  return 0;
}

gint64
hy_test_state_agent (JsonNode *state)
{
  JsonArray *agents = hy_test_state_array (state, "agents");

  for (guint i = 0; i < json_array_get_length (agents); i++)
    {
      JsonObject *a = json_array_get_object_element (agents, i);
      if (!hy_sync_json_int (a, "isapiagent"))
        return hy_sync_json_int (a, "id");
    }
  return 0;
}

/* ---- Filling the store -------------------------------------------------------------------- */

typedef struct
{
  HyTestCondition condition;
  gpointer user_data;
  gboolean changed;
} StoreWait;

static void
store_changed_cb (HyStore *store, guint changes, gpointer user_data)
{
  ((StoreWait *) user_data)->changed = TRUE;
}

static gboolean
store_wait_done (gpointer user_data)
{
  StoreWait *wait = user_data;

  if (!wait->changed)
    return FALSE;
  wait->changed = FALSE;
  return wait->condition (wait->user_data);
}

void
hy_test_store_wait_until (HyStore *store,
                          HyTestCondition condition,
                          gpointer user_data,
                          const char *what)
{
  StoreWait wait = { condition, user_data, TRUE };
  gulong id = g_signal_connect (store, "changed", G_CALLBACK (store_changed_cb), &wait);

  hy_test_wait_until (store_wait_done, &wait, what);
  g_signal_handler_disconnect (store, id);
}

HyStore *
hy_test_store_new_tmp (const char *tmpl, const char *relative_path, char **out_dir, char **out_path)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = hy_test_make_tmp_dir (tmpl);
  g_autofree char *path = g_build_filename (dir, relative_path, NULL);
  HyStore *store = hy_store_open (path, &error);

  g_assert_no_error (error);
  g_assert_nonnull (store);
  if (out_dir != NULL)
    *out_dir = g_steal_pointer (&dir);
  if (out_path != NULL)
    *out_path = g_steal_pointer (&path);
  return store;
}

void
hy_test_store_remove_tmp (HyStore **store, char **dir, char **path)
{
  g_clear_object (store);
  hy_test_remove_tree (*dir);
  g_clear_pointer (dir, g_free);
  if (path != NULL)
    g_clear_pointer (path, g_free);
}

void
hy_test_store_fixture_set_up (HyTestStoreFixture *f, gconstpointer data)
{
  f->store = hy_test_store_new_tmp ("hy-store-XXXXXX", "halyard.db", &f->dir, &f->path);
}

void
hy_test_store_fixture_tear_down (HyTestStoreFixture *f, gconstpointer data)
{
  hy_test_store_remove_tmp (&f->store, &f->dir, &f->path);
}

HyStore *
hy_test_store_open (const char *dir, const char *url, gboolean enabled)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (HyProfile) profile = hy_profile_new ();
  g_autofree char *path = g_build_filename (dir, "halyard.db", NULL);
  HyStore *store = hy_store_open (path, &error);

  g_assert_no_error (error);
  profile->url = g_strdup (url);
  profile->tenant = g_strdup ("demo");
  profile->client_id = g_strdup ("halyard-demo");
  profile->enabled = enabled;
  g_assert_true (hy_store_set_profile (store, profile, &error));
  g_assert_no_error (error);
  return store;
}

void
hy_test_store_upsert (HyStore *store, HyRecordKind kind, gpointer record)
{
  g_autoptr (GError) error = NULL;

  g_assert_true (hy_store_upsert (store, kind, record, NULL, &error));
  g_assert_no_error (error);
  hy_record_free (kind, record);
}

/* Linked to Halo client @halo_client when it is positive. */
void
hy_test_store_add_company (HyStore *store, const char *id, const char *name, gint64 halo_client)
{
  HyCompany *c = hy_company_new ();

  c->id = g_strdup (id);
  c->name = g_strdup (name);
  hy_test_store_upsert (store, HY_RECORD_KIND_COMPANY, c);
  if (halo_client > 0)
    g_assert_true (hy_store_link_set (store, HY_RECORD_KIND_COMPANY, id, halo_client, name,
                                      HY_LINK_HOW_MANUAL, NULL));
}

void
hy_test_store_add_group (HyStore *store, const char *id, const char *name, const char *parent)
{
  HyGroup *g = hy_group_new ();

  g->id = g_strdup (id);
  g->name = g_strdup (name);
  g->parent_id = g_strdup (parent);
  hy_test_store_upsert (store, HY_RECORD_KIND_GROUP, g);
}

void
hy_test_store_add_computer (HyStore *store,
                            const char *id,
                            const char *name,
                            const char *company,
                            const char *group)
{
  HyComputer *c = hy_computer_new ();

  c->id = g_strdup (id);
  c->name = g_strdup (name);
  c->company_id = g_strdup (company);
  c->group_id = g_strdup (group);
  hy_test_store_upsert (store, HY_RECORD_KIND_COMPUTER, c);
}

/* Linked to Halo agent @agent when it is positive. */
void
hy_test_store_add_user (HyStore *store,
                        const char *id,
                        const char *name,
                        const char *email,
                        gint64 agent)
{
  HyUser *u = hy_user_new ();

  u->id = g_strdup (id);
  u->name = g_strdup (name);
  u->email = g_strdup (email);
  hy_test_store_upsert (store, HY_RECORD_KIND_USER, u);
  if (agent > 0)
    g_assert_true (hy_store_link_set (store, HY_RECORD_KIND_USER, id, agent, "Agent",
                                      HY_LINK_HOW_MANUAL, NULL));
}

void
hy_test_store_add_policy (HyStore *store, const char *id, const char *name)
{
  HyPolicy *p = hy_policy_new ();

  p->id = g_strdup (id);
  p->name = g_strdup (name);
  hy_test_store_upsert (store, HY_RECORD_KIND_POLICY, p);
}

void
hy_test_store_cache_from_state (HyStore *store,
                                JsonNode *state,
                                const char *table,
                                HyCacheKind kind)
{
  JsonArray *arr = hy_test_state_array (state, table);
  g_autoptr (GPtrArray) records =
      g_ptr_array_new_with_free_func ((GDestroyNotify) hy_cache_record_free);

  for (guint i = 0; i < json_array_get_length (arr); i++)
    {
      JsonObject *o = json_array_get_object_element (arr, i);
      const char *name =
          hy_sync_json_string (o, kind == HY_CACHE_KIND_OUTCOME ? "outcome" : "name");
      HyCacheRecord *r = hy_cache_record_new (kind, hy_sync_json_int (o, "id"), name);

      if (kind == HY_CACHE_KIND_CLIENT)
        r->site_id = hy_sync_json_int (o, "main_site_id");
      if (kind == HY_CACHE_KIND_ASSET)
        r->client_id = hy_sync_json_int (o, "client_id");
      if (kind == HY_CACHE_KIND_STATUS)
        r->closed = hy_sync_json_int (o, "id") == 9;
      if (kind == HY_CACHE_KIND_AGENT)
        r->is_api_agent = hy_sync_json_int (o, "isapiagent") != 0;
      g_ptr_array_add (records, r);
    }
  g_assert_true (hy_store_cache_replace (store, kind, records, NULL));
}
