/* hy-sim-store.c — the simulator's records: tables of JSON objects, seeding, POST semantics
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "hy-sim"

#include "config.h"

#include <string.h>

#include "hy-sim-private.h"

/* ------------------------------------------------------------------------------------------ */
/* Static data                                                                                */
/* ------------------------------------------------------------------------------------------ */

const HySimTableInfo hy_sim_tables[HY_SIM_N_TABLES] = {
  [HY_SIM_TABLE_CLIENTS] = { "clients", "client", "clients", "Client", 12, HY_SIM_SCOPE_CUSTOMERS },
  [HY_SIM_TABLE_SITES] = { "sites", "site", "sites", "Site", 20, HY_SIM_SCOPE_CUSTOMERS },
  [HY_SIM_TABLE_ASSETS] = { "assets", "asset", "assets", "Asset", 77, HY_SIM_SCOPE_ASSETS },
  [HY_SIM_TABLE_AGENTS] = { "agents", "agent", NULL, "Agent", 2, HY_SIM_SCOPE_ADMIN },
  [HY_SIM_TABLE_TICKETS] = { "tickets", "tickets", "tickets", "Ticket", 1001,
                             HY_SIM_SCOPE_TICKETS },
  [HY_SIM_TABLE_ACTIONS] = { "actions", "actions", "actions", "Action", 1, HY_SIM_SCOPE_TICKETS },
  [HY_SIM_TABLE_USERS] = { "users", "users", "users", "User", 400, HY_SIM_SCOPE_CUSTOMERS },
  [HY_SIM_TABLE_TICKET_TYPES] = { "ticket_types", "tickettype", NULL, "Ticket Type", 1,
                                  HY_SIM_SCOPE_TICKETS },
  [HY_SIM_TABLE_STATUSES] = { "statuses", "status", NULL, "Status", 1, HY_SIM_SCOPE_TICKETS },
  [HY_SIM_TABLE_OUTCOMES] = { "outcomes", "outcome", NULL, "Outcome", 1, HY_SIM_SCOPE_TICKETS },
  [HY_SIM_TABLE_ASSET_TYPES] = { "asset_types", "assettype", NULL, "Asset Type", 130,
                                 HY_SIM_SCOPE_ASSETS },
  [HY_SIM_TABLE_TEAMS] = { "teams", "team", NULL, "Team", 1, HY_SIM_SCOPE_ADMIN },
  /* Which scope gates /Priority is unknown: the simulator asks for the widest. */
  [HY_SIM_TABLE_PRIORITIES] = { "priorities", "priority", NULL, "Priority", 1, HY_SIM_SCOPE_ADMIN },
};

/* The asset "info" fields every asset type shares in the simulator. */
static const struct
{
  gint64 id;
  const char *name;
} asset_fields[] = {
  { 101, "Device Name" },      { 117, "Serial Number" }, { 148, "Model" },
  { 151, "Operating System" }, { 152, "IP Address" },    { 153, "MAC Address" },
  { 154, "Last Online" },
};

/* The asset type's fields as GET /AssetType/{id}?includedetails=true lists them (TypeInfo):
 * the ids writes use in "fields". */
JsonArray *
hy_sim_asset_type_fields (void)
{
  JsonArray *fields = json_array_new ();

  for (guint i = 0; i < G_N_ELEMENTS (asset_fields); i++)
    {
      JsonObject *field = json_object_new ();

      json_object_set_int_member (field, "field_id", asset_fields[i].id);
      json_object_set_string_member (field, "field_name", asset_fields[i].name);
      json_object_set_int_member (field, "sequence", (gint64) i + 1);
      json_object_set_int_member (field, "type", 0);
      json_array_add_object_element (fields, field);
    }

  return fields;
}

static const char *const default_ticket_types =
    "["
    "{\"id\":1,\"name\":\"Incident\",\"use\":1,\"visible\":true,\"agentscanselect\":true,"
    "\"initial_status\":1,\"cab_required\":false},"
    "{\"id\":2,\"name\":\"Service Request\",\"use\":1,\"visible\":true,\"agentscanselect\":true,"
    "\"initial_status\":1,\"cab_required\":false},"
    "{\"id\":3,\"name\":\"Change Request\",\"use\":1,\"visible\":true,\"agentscanselect\":true,"
    "\"initial_status\":1,\"cab_required\":true},"
    "{\"id\":4,\"name\":\"Alert\",\"use\":1,\"visible\":true,\"agentscanselect\":true,"
    "\"initial_status\":1,\"cab_required\":false},"
    "{\"id\":5,\"name\":\"Problem\",\"use\":1,\"visible\":true,\"agentscanselect\":true,"
    "\"initial_status\":1,\"cab_required\":false}"
    "]";

static const char *const default_statuses =
    "["
    "{\"id\":1,\"name\":\"New\",\"shortname\":\"New\",\"type\":0,\"sequence\":1},"
    "{\"id\":2,\"name\":\"In Progress\",\"shortname\":\"Prog\",\"type\":0,\"sequence\":2},"
    "{\"id\":3,\"name\":\"Waiting on Customer\",\"shortname\":\"Wait\",\"type\":0,"
    "\"sequence\":3},"
    "{\"id\":9,\"name\":\"Closed\",\"shortname\":\"Closed\",\"type\":0,\"sequence\":9}"
    "]";

static const char *const default_outcomes =
    "["
    "{\"id\":1,\"outcome\":\"Email User\",\"buttonname\":\"Email User\",\"hiddenfromuser\":false},"
    "{\"id\":2,\"outcome\":\"Note\",\"buttonname\":\"Add Note\",\"hiddenfromuser\":false},"
    "{\"id\":3,\"outcome\":\"Private Note\",\"buttonname\":\"Private Note\","
    "\"hiddenfromuser\":true},"
    "{\"id\":7,\"outcome\":\"Internal Note\",\"buttonname\":\"Internal Note\","
    "\"hiddenfromuser\":true}"
    "]";

static const char *const default_asset_types =
    "["
    "{\"id\":130,\"name\":\"Workstation\",\"tagprefix\":\"WS\",\"assetgroup_id\":1,"
    "\"assetgroup_name\":\"Hardware\",\"keyfield_id\":101,\"keyfield_name\":\"Device Name\"},"
    "{\"id\":131,\"name\":\"Laptop\",\"tagprefix\":\"LT\",\"assetgroup_id\":1,"
    "\"assetgroup_name\":\"Hardware\",\"keyfield_id\":101,\"keyfield_name\":\"Device Name\"},"
    "{\"id\":132,\"name\":\"Server\",\"tagprefix\":\"SRV\",\"assetgroup_id\":1,"
    "\"assetgroup_name\":\"Hardware\",\"keyfield_id\":101,\"keyfield_name\":\"Device Name\"},"
    "{\"id\":133,\"name\":\"Network Device\",\"tagprefix\":\"NET\",\"assetgroup_id\":2,"
    "\"assetgroup_name\":\"Network\",\"keyfield_id\":101,\"keyfield_name\":\"Device Name\"},"
    "{\"id\":134,\"name\":\"Printer\",\"tagprefix\":\"PRN\",\"assetgroup_id\":1,"
    "\"assetgroup_name\":\"Hardware\",\"keyfield_id\":101,\"keyfield_name\":\"Device Name\"}"
    "]";

static const char *const default_teams =
    "["
    "{\"id\":1,\"name\":\"Service Desk\",\"department_id\":1,\"department_name\":\"Support\","
    "\"inactive\":false,\"forrequests\":true},"
    "{\"id\":2,\"name\":\"Second Line\",\"department_id\":1,\"department_name\":\"Support\","
    "\"inactive\":false,\"forrequests\":true},"
    "{\"id\":3,\"name\":\"Projects\",\"department_id\":2,\"department_name\":\"Delivery\","
    "\"inactive\":false,\"forrequests\":false}"
    "]";

/* Halo's priorities: the integer id is `priorityid` (tickets nest it beside a GUID `id`); the
 * simulator keeps its row id equal to it. */
static const char *const default_priorities =
    "["
    "{\"id\":1,\"priorityid\":1,\"name\":\"Critical\",\"colour\":\"#d32f2f\",\"sequence\":1},"
    "{\"id\":2,\"priorityid\":2,\"name\":\"High\",\"colour\":\"#f57c00\",\"sequence\":2},"
    "{\"id\":3,\"priorityid\":3,\"name\":\"Medium\",\"colour\":\"#fbc02d\",\"sequence\":3},"
    "{\"id\":4,\"priorityid\":4,\"name\":\"Low\",\"colour\":\"#388e3c\",\"sequence\":4}"
    "]";

static const char *const default_api_agent =
    "{\"name\":\"Halyard API\",\"firstname\":\"Halyard\",\"surname\":\"API\","
    "\"email\":\"halyard-api@msp.example\",\"isapiagent\":true,\"is_agent\":true,"
    "\"isdisabled\":false,\"team\":\"Service Desk\"}";

/* clang-format off */
G_DEFINE_QUARK (hy-sim-post-error-quark, hy_sim_post_error)
/* clang-format on */

/* ------------------------------------------------------------------------------------------ */
/* Row helpers                                                                                */
/* ------------------------------------------------------------------------------------------ */

gboolean
hy_sim_read_id (JsonObject *object,
                const char *member,
                gint64 *out,
                gboolean *present,
                GError **error)
{
  JsonNode *node = json_object_get_member (object, member);

  *out = 0;
  *present = FALSE;

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;

  if (JSON_NODE_HOLDS_VALUE (node))
    {
      GType type = json_node_get_value_type (node);

      if (type == G_TYPE_INT64)
        {
          *out = json_node_get_int (node);
          *present = TRUE;
          return TRUE;
        }

      if (type == G_TYPE_STRING)
        {
          const char *text = json_node_get_string (node);
          gint64 value;

          if (g_ascii_string_to_signed (text, 10, G_MININT32, G_MAXINT32, &value, NULL))
            {
              *out = value;
              *present = TRUE;
              return TRUE;
            }

          g_set_error (error, HY_SIM_POST_ERROR, HY_SIM_POST_ERROR_INVALID,
                       "Error converting value \"%s\" to type 'System.Int32'. Path '[0].%s'.", text,
                       member);
          return FALSE;
        }

      if (type == G_TYPE_DOUBLE)
        {
          char buffer[G_ASCII_DTOSTR_BUF_SIZE];

          g_ascii_dtostr (buffer, sizeof buffer, json_node_get_double (node));
          g_set_error (error, HY_SIM_POST_ERROR, HY_SIM_POST_ERROR_INVALID,
                       "Input string '%s' is not a valid integer. Path '[0].%s'.", buffer, member);
          return FALSE;
        }
    }

  g_set_error (error, HY_SIM_POST_ERROR, HY_SIM_POST_ERROR_INVALID,
               "Unexpected value for '%s': an integer was expected.", member);
  return FALSE;
}

gint64
hy_sim_row_int (JsonObject *row, const char *member)
{
  JsonNode *node = json_object_get_member (row, member);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return 0;

  switch (json_node_get_value_type (node))
    {
      case G_TYPE_INT64:
        return json_node_get_int (node);
      case G_TYPE_DOUBLE:
        return (gint64) json_node_get_double (node);
      case G_TYPE_BOOLEAN:
        return json_node_get_boolean (node) ? 1 : 0;
      case G_TYPE_STRING:
        return g_ascii_strtoll (json_node_get_string (node), NULL, 10);
      default:
        return 0;
    }
}

gint64
hy_sim_row_id (JsonObject *row)
{
  return hy_sim_row_int (row, "id");
}

const char *
hy_sim_row_string (JsonObject *row, const char *member)
{
  JsonNode *node = json_object_get_member (row, member);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;

  return json_node_get_string (node);
}

gboolean
hy_sim_row_bool (JsonObject *row, const char *member)
{
  JsonNode *node = json_object_get_member (row, member);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return FALSE;

  if (json_node_get_value_type (node) == G_TYPE_BOOLEAN)
    return json_node_get_boolean (node);

  return hy_sim_row_int (row, member) != 0;
}

char *
hy_sim_now_iso8601 (void)
{
  g_autoptr (GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *seconds = g_date_time_format (now, "%Y-%m-%dT%H:%M:%S");

  /* Halo writes seven fraction digits and a Z. */
  return g_strdup_printf ("%s.%06d0Z", seconds, g_date_time_get_microsecond (now));
}

/* Copies the members of @src into @dst in their order (JsonObjectIter follows hash order). */
static void
copy_members (JsonObject *dst, JsonObject *src, const char *skip1, const char *skip2)
{
  g_autoptr (GList) members = json_object_get_members (src);

  for (GList *l = members; l != NULL; l = l->next)
    {
      const char *name = l->data;

      if (g_strcmp0 (name, skip1) == 0 || g_strcmp0 (name, skip2) == 0)
        continue;

      json_object_set_member (dst, name, json_node_copy (json_object_get_member (src, name)));
    }
}

static gboolean
string_is_blank (const char *text)
{
  if (text == NULL)
    return TRUE;

  for (; *text != '\0'; text++)
    if (!g_ascii_isspace (*text))
      return FALSE;

  return TRUE;
}

/* ------------------------------------------------------------------------------------------ */
/* Tables                                                                                     */
/* ------------------------------------------------------------------------------------------ */

static void
rows_init (HySimRows *rows, gint64 first_id)
{
  rows->rows = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  rows->by_id = g_hash_table_new (g_direct_hash, g_direct_equal);
  rows->next_id = first_id;
}

static void
rows_clear (HySimRows *rows, gint64 first_id)
{
  g_hash_table_remove_all (rows->by_id);
  g_ptr_array_set_size (rows->rows, 0);
  rows->next_id = first_id;
}

HySimStore *
hy_sim_store_new (void)
{
  HySimStore *store = g_new0 (HySimStore, 1);

  for (guint i = 0; i < HY_SIM_N_TABLES; i++)
    rows_init (&store->tables[i], hy_sim_tables[i].first_id);

  hy_sim_store_ensure_defaults (store);

  return store;
}

void
hy_sim_store_free (HySimStore *store)
{
  if (store == NULL)
    return;

  for (guint i = 0; i < HY_SIM_N_TABLES; i++)
    {
      g_ptr_array_unref (store->tables[i].rows);
      g_hash_table_unref (store->tables[i].by_id);
    }

  g_free (store);
}

void
hy_sim_store_clear (HySimStore *store)
{
  store->generation++;
  for (guint i = 0; i < HY_SIM_N_TABLES; i++)
    rows_clear (&store->tables[i], hy_sim_tables[i].first_id);

  store->app_agent_id = 0;
}

JsonObject *
hy_sim_store_lookup (HySimStore *store, HySimTable table, gint64 id)
{
  if (id <= 0 || id > G_MAXUINT32)
    return NULL;

  return g_hash_table_lookup (store->tables[table].by_id, GUINT_TO_POINTER ((guint) id));
}

JsonObject *
hy_sim_store_insert (HySimStore *store, HySimTable table, JsonObject *row)
{
  store->generation++;
  HySimRows *rows = &store->tables[table];
  gint64 id = hy_sim_row_id (row);

  if (id <= 0)
    {
      id = rows->next_id++;
      json_object_set_int_member (row, "id", id);
    }
  else if (id >= rows->next_id)
    {
      rows->next_id = id + 1;
    }

  g_ptr_array_add (rows->rows, row);
  g_hash_table_insert (rows->by_id, GUINT_TO_POINTER ((guint) id), row);

  return row;
}

static void
store_replace (HySimStore *store, HySimTable table, JsonObject *row)
{
  store->generation++;
  HySimRows *rows = &store->tables[table];
  gint64 id = hy_sim_row_id (row);
  JsonObject *old = hy_sim_store_lookup (store, table, id);
  guint index;

  if (old != NULL && g_ptr_array_find (rows->rows, old, &index))
    {
      json_object_ref (row);
      g_hash_table_insert (rows->by_id, GUINT_TO_POINTER ((guint) id), row);
      /* Frees the old row, which the hash table no longer points at. */
      g_ptr_array_index (rows->rows, index) = row;
      json_object_unref (old);
    }
  else
    {
      hy_sim_store_insert (store, table, json_object_ref (row));
    }
}

gboolean
hy_sim_store_delete (HySimStore *store, HySimTable table, gint64 id)
{
  HySimRows *rows = &store->tables[table];
  JsonObject *row = hy_sim_store_lookup (store, table, id);

  if (row == NULL)
    return FALSE;

  store->generation++;
  g_hash_table_remove (rows->by_id, GUINT_TO_POINTER ((guint) id));
  g_ptr_array_remove (rows->rows, row);

  if (table == HY_SIM_TABLE_AGENTS && id == store->app_agent_id)
    hy_sim_store_ensure_defaults (store);

  return TRUE;
}

static void
insert_defaults (HySimStore *store, HySimTable table, const char *json)
{
  g_autoptr (JsonNode) root = json_from_string (json, NULL);
  JsonArray *array = json_node_get_array (root);

  for (guint i = 0; i < json_array_get_length (array); i++)
    hy_sim_store_insert (store, table, json_object_ref (json_array_get_object_element (array, i)));
}

void
hy_sim_store_ensure_defaults (HySimStore *store)
{
  static const struct
  {
    HySimTable table;
    const char *const *json;
  } defaults[] = {
    { HY_SIM_TABLE_TICKET_TYPES, &default_ticket_types },
    { HY_SIM_TABLE_STATUSES, &default_statuses },
    { HY_SIM_TABLE_OUTCOMES, &default_outcomes },
    { HY_SIM_TABLE_ASSET_TYPES, &default_asset_types },
    { HY_SIM_TABLE_TEAMS, &default_teams },
    { HY_SIM_TABLE_PRIORITIES, &default_priorities },
  };
  HySimRows *agents = &store->tables[HY_SIM_TABLE_AGENTS];

  for (guint i = 0; i < G_N_ELEMENTS (defaults); i++)
    if (store->tables[defaults[i].table].rows->len == 0)
      insert_defaults (store, defaults[i].table, *defaults[i].json);

  if (store->app_agent_id > 0 &&
      hy_sim_store_lookup (store, HY_SIM_TABLE_AGENTS, store->app_agent_id) != NULL)
    return;

  store->app_agent_id = 0;

  for (guint i = 0; i < agents->rows->len; i++)
    {
      JsonObject *agent = g_ptr_array_index (agents->rows, i);

      if (hy_sim_row_bool (agent, "isapiagent"))
        {
          store->app_agent_id = hy_sim_row_id (agent);
          return;
        }
    }

  {
    g_autoptr (JsonNode) node = json_from_string (default_api_agent, NULL);
    JsonObject *agent = hy_sim_store_insert (store, HY_SIM_TABLE_AGENTS,
                                             json_object_ref (json_node_get_object (node)));

    store->app_agent_id = hy_sim_row_id (agent);
  }
}

/* ------------------------------------------------------------------------------------------ */
/* Seed files and state                                                                       */
/* ------------------------------------------------------------------------------------------ */

/* The seed's array for table @t, if any: objects with unique positive ids */
static gboolean
check_seed_table (JsonObject *object, HySimTable t, GError **error)
{
  const char *key = hy_sim_tables[t].state_key;
  JsonNode *node = json_object_get_member (object, key);
  g_autoptr (GHashTable) seen = NULL;
  JsonArray *array;

  if (node == NULL)
    return TRUE;

  if (!JSON_NODE_HOLDS_ARRAY (node))
    {
      g_set_error (error, HY_SIM_ERROR, HY_SIM_ERROR_INVALID_SEED,
                   "Seed key \"%s\" must be an array of objects.", key);
      return FALSE;
    }

  array = json_node_get_array (node);
  seen = g_hash_table_new (g_direct_hash, g_direct_equal);

  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *element = json_array_get_element (array, i);
      g_autoptr (GError) local_error = NULL;
      gboolean present;
      gint64 id;

      if (!JSON_NODE_HOLDS_OBJECT (element))
        {
          g_set_error (error, HY_SIM_ERROR, HY_SIM_ERROR_INVALID_SEED,
                       "Seed key \"%s\", item %u: not an object.", key, i);
          return FALSE;
        }

      if (!hy_sim_read_id (json_node_get_object (element), "id", &id, &present, &local_error) ||
          !present || id <= 0 || id > G_MAXINT32)
        {
          g_set_error (error, HY_SIM_ERROR, HY_SIM_ERROR_INVALID_SEED,
                       "Seed key \"%s\", item %u: \"id\" must be a positive integer.", key, i);
          return FALSE;
        }

      if (g_hash_table_contains (seen, GUINT_TO_POINTER ((guint) id)))
        {
          g_set_error (error, HY_SIM_ERROR, HY_SIM_ERROR_INVALID_SEED,
                       "Seed key \"%s\": id %" G_GINT64_FORMAT " appears twice.", key, id);
          return FALSE;
        }

      g_hash_table_add (seen, GUINT_TO_POINTER ((guint) id));
    }

  return TRUE;
}

gboolean
hy_sim_store_load (HySimStore *store, JsonNode *root, GError **error)
{
  JsonObject *object;
  JsonNode *app_agent;

  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error_literal (error, HY_SIM_ERROR, HY_SIM_ERROR_INVALID_SEED,
                           "The seed must be a JSON object with the keys of /_sim/state.");
      return FALSE;
    }

  object = json_node_get_object (root);

  /* Check everything before changing anything. */
  for (guint t = 0; t < HY_SIM_N_TABLES; t++)
    if (!check_seed_table (object, t, error))
      return FALSE;

  app_agent = json_object_get_member (object, "app_agent_id");
  if (app_agent != NULL &&
      (!JSON_NODE_HOLDS_VALUE (app_agent) || json_node_get_value_type (app_agent) != G_TYPE_INT64))
    {
      g_set_error_literal (error, HY_SIM_ERROR, HY_SIM_ERROR_INVALID_SEED,
                           "Seed key \"app_agent_id\" must be an integer.");
      return FALSE;
    }

  hy_sim_store_clear (store);

  for (guint t = 0; t < HY_SIM_N_TABLES; t++)
    {
      JsonNode *node = json_object_get_member (object, hy_sim_tables[t].state_key);
      JsonArray *array;

      if (node == NULL)
        continue;

      array = json_node_get_array (node);
      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          JsonObject *row = json_array_get_object_element (array, i);
          gboolean present;
          gint64 id;
          JsonObject *copy = json_object_new ();

          hy_sim_read_id (row, "id", &id, &present, NULL);
          json_object_set_int_member (copy, "id", id);
          copy_members (copy, row, "id", NULL);
          hy_sim_store_insert (store, t, copy);
        }
    }

  if (app_agent != NULL)
    store->app_agent_id = json_node_get_int (app_agent);

  hy_sim_store_ensure_defaults (store);

  return TRUE;
}

JsonObject *
hy_sim_store_dump (HySimStore *store)
{
  g_autoptr (JsonNode) shallow = json_node_new (JSON_NODE_OBJECT);
  g_autoptr (JsonObject) object = json_object_new ();
  g_autofree char *text = NULL;
  g_autoptr (JsonNode) deep = NULL;

  for (guint t = 0; t < HY_SIM_N_TABLES; t++)
    {
      JsonArray *array = json_array_sized_new (store->tables[t].rows->len);

      for (guint i = 0; i < store->tables[t].rows->len; i++)
        json_array_add_object_element (array, json_object_ref (
                                                  g_ptr_array_index (store->tables[t].rows, i)));
      json_object_set_array_member (object, hy_sim_tables[t].state_key, array);
    }

  json_object_set_int_member (object, "app_agent_id", store->app_agent_id);
  json_node_set_object (shallow, object);

  /* A round trip through text so that nothing is shared with the live rows. */
  text = json_to_string (shallow, FALSE);
  deep = json_from_string (text, NULL);

  return json_object_ref (json_node_get_object (deep));
}

/* ------------------------------------------------------------------------------------------ */
/* POST                                                                                       */
/* ------------------------------------------------------------------------------------------ */

typedef struct
{
  HySimStore *store;
  HySimTable table;
  GHashTable *staged; /* id → candidate JsonObject (updates within this batch) */
} PostContext;

static JsonObject *
find_row (PostContext *ctx, HySimTable table, gint64 id)
{
  if (table == ctx->table && id > 0)
    {
      JsonObject *staged = g_hash_table_lookup (ctx->staged, GUINT_TO_POINTER ((guint) id));

      if (staged != NULL)
        return staged;
    }

  return hy_sim_store_lookup (ctx->store, table, id);
}

static JsonObject *
first_site_of_client (HySimStore *store, gint64 client_id)
{
  JsonObject *client = hy_sim_store_lookup (store, HY_SIM_TABLE_CLIENTS, client_id);
  HySimRows *sites = &store->tables[HY_SIM_TABLE_SITES];
  gint64 main_site_id = client != NULL ? hy_sim_row_int (client, "main_site_id") : 0;
  JsonObject *site;

  site = hy_sim_store_lookup (store, HY_SIM_TABLE_SITES, main_site_id);
  if (site != NULL && hy_sim_row_int (site, "client_id") == client_id)
    return site;

  for (guint i = 0; i < sites->rows->len; i++)
    {
      site = g_ptr_array_index (sites->rows, i);
      if (hy_sim_row_int (site, "client_id") == client_id)
        return site;
    }

  return NULL;
}

static gboolean
require_name (JsonObject *row, const char *member, const char *message, GError **error)
{
  if (string_is_blank (hy_sim_row_string (row, member)))
    {
      g_set_error_literal (error, HY_SIM_POST_ERROR, HY_SIM_POST_ERROR_INVALID, message);
      return FALSE;
    }

  return TRUE;
}

static void
default_bool (JsonObject *row, const char *member, gboolean value)
{
  if (!json_object_has_member (row, member))
    json_object_set_boolean_member (row, member, value);
}

/* Resolves a foreign key: fails when absent and @required, or when present and unknown. */
static gboolean
resolve_fk (PostContext *ctx,
            JsonObject *row,
            const char *member,
            HySimTable table,
            gboolean required,
            JsonObject **out,
            GError **error)
{
  gboolean present;
  gint64 id;

  JsonNode *node = json_object_get_member (row, member);

  *out = NULL;

  /* Stored rows may hold an integral double (Site.client_id, Users.site_id); what the client
   * sent was checked strictly by check_item_ids (). */
  if (node != NULL && JSON_NODE_HOLDS_VALUE (node) &&
      json_node_get_value_type (node) == G_TYPE_DOUBLE &&
      json_node_get_double (node) == (double) (gint64) json_node_get_double (node))
    {
      id = (gint64) json_node_get_double (node);
      present = TRUE;
    }
  else if (!hy_sim_read_id (row, member, &id, &present, error))
    return FALSE;

  if ((!present || id == 0) && !required)
    return TRUE;

  *out = present ? find_row (ctx, table, id) : NULL;
  if (*out == NULL)
    {
      if (present && id != 0)
        g_set_error (error, HY_SIM_POST_ERROR, HY_SIM_POST_ERROR_INVALID,
                     "Invalid %s: %" G_GINT64_FORMAT " does not exist.", member, id);
      else
        g_set_error (error, HY_SIM_POST_ERROR, HY_SIM_POST_ERROR_INVALID,
                     "Please select a %s (%s is required).", hy_sim_tables[table].label, member);
      return FALSE;
    }

  json_object_set_int_member (row, member, hy_sim_row_id (*out));
  return TRUE;
}

/* Halo refuses 12.0 where it expects an integer id: check every id-like member sent. */
static gboolean
check_item_ids (JsonObject *item, GError **error)
{
  g_autoptr (GList) members = json_object_get_members (item);

  for (GList *l = members; l != NULL; l = l->next)
    {
      const char *name = l->data;
      gboolean present;
      gint64 id;

      if (g_strcmp0 (name, "id") != 0 && !g_str_has_suffix (name, "_id") &&
          g_strcmp0 (name, "who_agentid") != 0 && g_strcmp0 (name, "new_status") != 0)
        continue;

      if (!hy_sim_read_id (item, name, &id, &present, error))
        return FALSE;
    }

  return TRUE;
}

static gboolean
validate_client (PostContext *ctx, JsonObject *row, gboolean create, GError **error)
{
  if (!require_name (row, "name", "Please enter a name for the Client.", error))
    return FALSE;

  default_bool (row, "inactive", FALSE);
  if (!json_object_has_member (row, "toplevel_id"))
    {
      json_object_set_int_member (row, "toplevel_id", 1);
      json_object_set_string_member (row, "toplevel_name", "Top Level");
    }

  return TRUE;
}

static gboolean
validate_site (PostContext *ctx, JsonObject *row, gboolean create, GError **error)
{
  JsonObject *client;
  g_autofree char *label = NULL;

  if (!require_name (row, "name", "Please enter a name for the Site.", error))
    return FALSE;

  if (!resolve_fk (ctx, row, "client_id", HY_SIM_TABLE_CLIENTS, TRUE, &client, error))
    return FALSE;

  /* Halo types Site.client_id as a double: it comes back as 12.0. */
  json_object_set_double_member (row, "client_id", (double) hy_sim_row_id (client));
  label = g_strdup_printf ("%s / %s", hy_sim_row_string (client, "name"),
                           hy_sim_row_string (row, "name"));
  json_object_set_string_member (row, "client_name", hy_sim_row_string (client, "name"));
  json_object_set_string_member (row, "clientsite_name", label);
  default_bool (row, "inactive", FALSE);

  return TRUE;
}

static gboolean
validate_user (PostContext *ctx, JsonObject *row, gboolean create, GError **error)
{
  JsonObject *site;
  JsonObject *client;

  if (!require_name (row, "name", "Please enter a name for the User.", error))
    return FALSE;

  if (!resolve_fk (ctx, row, "site_id", HY_SIM_TABLE_SITES, TRUE, &site, error))
    return FALSE;

  /* Halo types Users.site_id as a double: it comes back as 20.0. */
  json_object_set_double_member (row, "site_id", (double) hy_sim_row_id (site));
  client = find_row (ctx, HY_SIM_TABLE_CLIENTS, hy_sim_row_int (site, "client_id"));
  json_object_set_string_member (row, "site_name", hy_sim_row_string (site, "name"));
  json_object_set_int_member (row, "client_id", hy_sim_row_int (site, "client_id"));
  if (client != NULL)
    json_object_set_string_member (row, "client_name", hy_sim_row_string (client, "name"));
  default_bool (row, "inactive", FALSE);

  return TRUE;
}

static const char *
asset_field_name (gint64 id)
{
  for (guint i = 0; i < G_N_ELEMENTS (asset_fields); i++)
    if (asset_fields[i].id == id)
      return asset_fields[i].name;

  return NULL;
}

/* @merged with @copy (a field, taken) in place of the field with its id, or added at the end */
static JsonArray *
put_field (JsonArray *merged, JsonObject *copy)
{
  gint64 id = hy_sim_row_id (copy);
  guint j;
  JsonArray *rebuilt;

  for (j = 0; j < json_array_get_length (merged); j++)
    if (hy_sim_row_id (json_array_get_object_element (merged, j)) == id)
      break;

  if (j == json_array_get_length (merged))
    {
      json_array_add_object_element (merged, copy);
      return merged;
    }

  /* Replace in place: the merged array is our own, built above. */
  rebuilt = json_array_new ();
  for (guint k = 0; k < json_array_get_length (merged); k++)
    if (k == j)
      json_array_add_object_element (rebuilt, json_object_ref (copy));
    else
      json_array_add_element (rebuilt, json_node_copy (json_array_get_element (merged, k)));
  json_object_unref (copy);
  json_array_unref (merged);
  return rebuilt;
}

/* Merges "fields" [{id, value}] sent in @item into @row's existing fields, by id. */
static gboolean
merge_asset_fields (JsonObject *row, JsonObject *base, JsonObject *item, GError **error)
{
  JsonNode *sent = json_object_get_member (item, "fields");
  JsonArray *merged = json_array_new ();
  JsonNode *old = base != NULL ? json_object_get_member (base, "fields") : NULL;
  JsonArray *sent_array;

  if (old != NULL && JSON_NODE_HOLDS_ARRAY (old))
    {
      JsonArray *old_array = json_node_get_array (old);

      for (guint i = 0; i < json_array_get_length (old_array); i++)
        json_array_add_element (merged, json_node_copy (json_array_get_element (old_array, i)));
    }

  if (sent == NULL || JSON_NODE_HOLDS_NULL (sent))
    {
      json_object_set_array_member (row, "fields", merged);
      return TRUE;
    }

  if (!JSON_NODE_HOLDS_ARRAY (sent))
    {
      json_array_unref (merged);
      g_set_error_literal (error, HY_SIM_POST_ERROR, HY_SIM_POST_ERROR_INVALID,
                           "\"fields\" must be an array of {\"id\", \"value\"} objects.");
      return FALSE;
    }

  sent_array = json_node_get_array (sent);
  for (guint i = 0; i < json_array_get_length (sent_array); i++)
    {
      JsonNode *element = json_array_get_element (sent_array, i);
      JsonObject *field;
      JsonObject *copy;
      JsonNode *value;
      gboolean present;
      gint64 id;

      if (!JSON_NODE_HOLDS_OBJECT (element) ||
          !hy_sim_read_id (json_node_get_object (element), "id", &id, &present, NULL) || !present ||
          id <= 0)
        {
          json_array_unref (merged);
          g_set_error_literal (error, HY_SIM_POST_ERROR, HY_SIM_POST_ERROR_INVALID,
                               "Each asset field needs a numeric \"id\".");
          return FALSE;
        }
      /* Whether Halo ignores or refuses a field the asset type does not have is unknown: the
       * harsher answer. */
      if (asset_field_name (id) == NULL)
        {
          json_array_unref (merged);
          g_set_error (error, HY_SIM_POST_ERROR, HY_SIM_POST_ERROR_INVALID,
                       "Field %" G_GINT64_FORMAT " is not a field of this asset type.", id);
          return FALSE;
        }

      field = json_node_get_object (element);
      value = json_object_get_member (field, "value");
      copy = json_object_new ();
      json_object_set_int_member (copy, "id", id);
      json_object_set_string_member (copy, "name",
                                     asset_field_name (id) ? asset_field_name (id) : "");
      json_object_set_member (copy, "value",
                              value != NULL ? json_node_copy (value)
                                            : json_node_new (JSON_NODE_NULL));
      if (value != NULL && JSON_NODE_HOLDS_VALUE (value) &&
          json_node_get_value_type (value) == G_TYPE_STRING)
        json_object_set_string_member (copy, "display", json_node_get_string (value));

      merged = put_field (merged, copy);
    }

  json_object_set_array_member (row, "fields", merged);
  return TRUE;
}

/* Halo's "Unknown" client and site, where assets without a site land (made on first use). */
static JsonObject *
unknown_site (PostContext *ctx)
{
  HySimRows *clients = &ctx->store->tables[HY_SIM_TABLE_CLIENTS];
  JsonObject *client = NULL;
  JsonObject *site;

  for (guint i = 0; i < clients->rows->len && client == NULL; i++)
    if (g_strcmp0 (hy_sim_row_string (g_ptr_array_index (clients->rows, i), "name"), "Unknown") ==
        0)
      client = g_ptr_array_index (clients->rows, i);
  if (client == NULL)
    {
      client = json_object_new ();
      json_object_set_string_member (client, "name", "Unknown");
      json_object_set_int_member (client, "toplevel_id", 1);
      json_object_set_string_member (client, "toplevel_name", "Top Level");
      json_object_set_boolean_member (client, "inactive", FALSE);
      hy_sim_store_insert (ctx->store, HY_SIM_TABLE_CLIENTS, client);
    }
  site = first_site_of_client (ctx->store, hy_sim_row_id (client));
  if (site == NULL)
    {
      site = json_object_new ();
      json_object_set_string_member (site, "name", "Unknown");
      json_object_set_double_member (site, "client_id", (double) hy_sim_row_id (client));
      json_object_set_string_member (site, "client_name", "Unknown");
      json_object_set_string_member (site, "clientsite_name", "Unknown / Unknown");
      json_object_set_boolean_member (site, "inactive", FALSE);
      hy_sim_store_insert (ctx->store, HY_SIM_TABLE_SITES, site);
      json_object_set_int_member (client, "main_site_id", hy_sim_row_id (site));
      json_object_set_string_member (client, "main_site_name", "Unknown");
    }
  return site;
}

static gboolean
validate_asset (PostContext *ctx, JsonObject *row, gboolean create, GError **error)
{
  JsonObject *type;
  JsonObject *site = NULL;
  JsonObject *client = NULL;
  JsonArray *fields;

  if (!resolve_fk (ctx, row, "assettype_id", HY_SIM_TABLE_ASSET_TYPES, TRUE, &type, error))
    return FALSE;

  if (!resolve_fk (ctx, row, "site_id", HY_SIM_TABLE_SITES, FALSE, &site, error) ||
      !resolve_fk (ctx, row, "client_id", HY_SIM_TABLE_CLIENTS, FALSE, &client, error))
    return FALSE;

  /* No site: Halo files the asset under its "Unknown" client and site, whatever client_id says
   * (HALO-API §11). */
  if (site == NULL && create)
    {
      site = unknown_site (ctx);
      client = NULL;
      json_object_set_int_member (row, "site_id", hy_sim_row_id (site));
    }
  else if (site == NULL && client == NULL)
    {
      g_set_error_literal (error, HY_SIM_POST_ERROR, HY_SIM_POST_ERROR_INVALID,
                           "Please select a Site for this Asset.");
      return FALSE;
    }

  if (site != NULL && client != NULL &&
      hy_sim_row_int (site, "client_id") != hy_sim_row_id (client))
    {
      g_set_error (error, HY_SIM_POST_ERROR, HY_SIM_POST_ERROR_INVALID,
                   "Site %" G_GINT64_FORMAT " does not belong to Client %" G_GINT64_FORMAT ".",
                   hy_sim_row_id (site), hy_sim_row_id (client));
      return FALSE;
    }

  if (site == NULL)
    {
      site = first_site_of_client (ctx->store, hy_sim_row_id (client));
      if (site == NULL)
        {
          g_set_error_literal (error, HY_SIM_POST_ERROR, HY_SIM_POST_ERROR_INVALID,
                               "Please select a Site for this Asset.");
          return FALSE;
        }
      json_object_set_int_member (row, "site_id", hy_sim_row_id (site));
    }

  if (client == NULL)
    client = find_row (ctx, HY_SIM_TABLE_CLIENTS, hy_sim_row_int (site, "client_id"));

  json_object_set_int_member (row, "client_id", hy_sim_row_id (client));
  json_object_set_string_member (row, "client_name", hy_sim_row_string (client, "name"));
  json_object_set_string_member (row, "site_name", hy_sim_row_string (site, "name"));
  json_object_set_string_member (row, "assettype_name", hy_sim_row_string (type, "name"));

  /* key_field, key_field2, key_field3 are derived from the type's key fields and ignored on
   * write (HALO-API §11). */
  for (guint k = 0; k < 3; k++)
    {
      static const char *const members[] = { "key_field", "key_field2", "key_field3" };
      static const char *const type_members[] = { "keyfield_id", "keyfield2_id", "keyfield3_id" };
      gint64 key_id = hy_sim_row_int (type, type_members[k]);
      const char *value = NULL;

      if (json_object_has_member (row, members[k]))
        json_object_remove_member (row, members[k]);
      fields = json_object_get_array_member (row, "fields");
      for (guint i = 0; key_id > 0 && fields != NULL && i < json_array_get_length (fields); i++)
        {
          JsonObject *field = json_array_get_object_element (fields, i);

          if (hy_sim_row_id (field) == key_id && hy_sim_row_string (field, "value") != NULL)
            value = hy_sim_row_string (field, "value");
        }
      if (k == 0 || value != NULL)
        json_object_set_string_member (row, members[k], value != NULL ? value : "");
    }

  if (!json_object_has_member (row, "inventory_number"))
    json_object_set_string_member (row, "inventory_number", "");
  if (!json_object_has_member (row, "status_id"))
    json_object_set_int_member (row, "status_id", 1);
  default_bool (row, "inactive", FALSE);

  return TRUE;
}

static void
apply_status (JsonObject *ticket, JsonObject *status)
{
  /* Halo's statuses say nothing of closing: its system status Closed does. */
  gboolean closed = hy_sim_row_id (status) == HY_SIM_STATUS_CLOSED;

  json_object_set_int_member (ticket, "status_id", hy_sim_row_id (status));
  json_object_set_string_member (ticket, "status_name", hy_sim_row_string (status, "name"));

  if (closed && !hy_sim_row_bool (ticket, "hasbeenclosed"))
    {
      g_autofree char *now = hy_sim_now_iso8601 ();

      json_object_set_string_member (ticket, "dateclosed", now);
    }

  json_object_set_boolean_member (ticket, "hasbeenclosed", closed);
}

/* The ticket's end user: active, and with the site they belong to */
static gboolean
check_ticket_user (JsonObject *row, JsonObject *user, gboolean create, GError **error)
{
  /* Whether Halo takes an inactive end user on a ticket is not known: the simulator refuses. */
  if (user != NULL && hy_sim_row_bool (user, "inactive"))
    {
      g_set_error (error, HY_SIM_POST_ERROR, HY_SIM_POST_ERROR_INVALID,
                   "User %" G_GINT64_FORMAT " is inactive.", hy_sim_row_id (user));
      return FALSE;
    }

  /* An end user needs the site they belong to. */
  if (create && user != NULL && hy_sim_row_int (row, "site_id") == 0)
    {
      g_set_error_literal (error, HY_SIM_POST_ERROR, HY_SIM_POST_ERROR_INVALID,
                           "Please select a Site for this User (site_id is required with "
                           "user_id).");
      return FALSE;
    }
  if (user != NULL && hy_sim_row_int (row, "site_id") != 0 &&
      hy_sim_row_int (user, "site_id") != hy_sim_row_int (row, "site_id"))
    {
      g_set_error (error, HY_SIM_POST_ERROR, HY_SIM_POST_ERROR_INVALID,
                   "User %" G_GINT64_FORMAT " does not belong to Site %" G_GINT64_FORMAT ".",
                   hy_sim_row_id (user), hy_sim_row_int (row, "site_id"));
      return FALSE;
    }

  return TRUE;
}

/* The ticket's team, by name, must exist */
static gboolean
check_ticket_team (PostContext *ctx, JsonObject *row, GError **error)
{
  const char *team;

  /* A ticket names its team; an unknown name is refused (whether Halo ignores it is not
   * known: the simulator does the harsher thing). */
  team = hy_sim_row_string (row, "team");
  if (team != NULL && *team != '\0')
    {
      HySimRows *teams = &ctx->store->tables[HY_SIM_TABLE_TEAMS];
      gboolean found = FALSE;

      for (guint i = 0; i < teams->rows->len && !found; i++)
        found =
            g_strcmp0 (hy_sim_row_string (g_ptr_array_index (teams->rows, i), "name"), team) == 0;
      if (!found)
        {
          g_set_error (error, HY_SIM_POST_ERROR, HY_SIM_POST_ERROR_INVALID,
                       "Invalid team: \"%s\" does not exist.", team);
          return FALSE;
        }
    }

  return TRUE;
}

/* "assets": null, or an array of {"id": N} naming assets that exist */
static gboolean
check_ticket_assets (PostContext *ctx, JsonObject *row, GError **error)
{
  JsonNode *assets;

  assets = json_object_get_member (row, "assets");
  if (assets != NULL && !JSON_NODE_HOLDS_NULL (assets))
    {
      JsonArray *array;

      if (!JSON_NODE_HOLDS_ARRAY (assets))
        {
          g_set_error_literal (error, HY_SIM_POST_ERROR, HY_SIM_POST_ERROR_INVALID,
                               "\"assets\" must be an array of {\"id\": N} objects.");
          return FALSE;
        }

      array = json_node_get_array (assets);
      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          JsonNode *element = json_array_get_element (array, i);
          JsonObject *asset = NULL;
          gboolean present = FALSE;
          gint64 id = 0;

          if (JSON_NODE_HOLDS_OBJECT (element))
            hy_sim_read_id (json_node_get_object (element), "id", &id, &present, NULL);
          if (present)
            asset = find_row (ctx, HY_SIM_TABLE_ASSETS, id);
          if (asset == NULL)
            {
              g_set_error (error, HY_SIM_POST_ERROR, HY_SIM_POST_ERROR_INVALID,
                           "Invalid asset in \"assets\" (item %u).", i);
              return FALSE;
            }
        }
    }

  return TRUE;
}

/* What Halo adds to a saved ticket: the names of what it refers to, its priority as Halo nests
 * it, and on a create its dates and empty members */
static void
fill_ticket (JsonObject *row,
             JsonObject *type,
             JsonObject *client,
             JsonObject *site,
             JsonObject *user,
             JsonObject *priority,
             gboolean create)
{
  json_object_set_string_member (row, "tickettype_name", hy_sim_row_string (type, "name"));
  json_object_set_string_member (row, "client_name", hy_sim_row_string (client, "name"));
  if (site != NULL)
    {
      json_object_set_int_member (row, "site_id", hy_sim_row_id (site));
      json_object_set_string_member (row, "site_name", hy_sim_row_string (site, "name"));
    }
  if (user != NULL)
    json_object_set_string_member (row, "user_name", hy_sim_row_string (user, "name"));
  if (priority != NULL)
    {
      /* As Halo nests it: a GUID id beside the integer priorityid. */
      g_autofree char *guid = g_strdup_printf ("00000000-0000-0000-0000-%012" G_GINT64_FORMAT,
                                               hy_sim_row_id (priority));
      JsonObject *nested = json_object_new ();

      json_object_set_string_member (nested, "id", guid);
      json_object_set_int_member (nested, "priorityid", hy_sim_row_id (priority));
      json_object_set_string_member (nested, "name", hy_sim_row_string (priority, "name"));
      json_object_set_object_member (row, "priority", nested);
    }

  if (create)
    {
      g_autofree char *now = hy_sim_now_iso8601 ();

      if (!json_object_has_member (row, "dateoccurred"))
        json_object_set_string_member (row, "dateoccurred", now);
      json_object_set_string_member (row, "datecreated", now);
      if (!json_object_has_member (row, "summary"))
        json_object_set_string_member (row, "summary", "");
      if (!json_object_has_member (row, "details"))
        json_object_set_string_member (row, "details", "");
      if (!json_object_has_member (row, "assets") ||
          JSON_NODE_HOLDS_NULL (json_object_get_member (row, "assets")))
        json_object_set_array_member (row, "assets", json_array_new ());
      json_object_set_boolean_member (row, "hasbeenclosed", FALSE);
    }
}

static gboolean
validate_ticket (PostContext *ctx, JsonObject *row, gboolean create, GError **error)
{
  JsonObject *type;
  JsonObject *client;
  JsonObject *site;
  JsonObject *status;
  JsonObject *user;
  JsonObject *agent;
  JsonObject *priority;

  if (!resolve_fk (ctx, row, "tickettype_id", HY_SIM_TABLE_TICKET_TYPES, TRUE, &type, error) ||
      !resolve_fk (ctx, row, "client_id", HY_SIM_TABLE_CLIENTS, TRUE, &client, error) ||
      !resolve_fk (ctx, row, "site_id", HY_SIM_TABLE_SITES, FALSE, &site, error) ||
      !resolve_fk (ctx, row, "user_id", HY_SIM_TABLE_USERS, FALSE, &user, error) ||
      !resolve_fk (ctx, row, "agent_id", HY_SIM_TABLE_AGENTS, FALSE, &agent, error))
    return FALSE;

  if (!resolve_fk (ctx, row, "priority_id", HY_SIM_TABLE_PRIORITIES, FALSE, &priority, error))
    return FALSE;

  if (!check_ticket_user (row, user, create, error) || !check_ticket_team (ctx, row, error))
    return FALSE;

  if (create && hy_sim_row_bool (type, "cab_required"))
    {
      g_set_error_literal (error, HY_SIM_POST_ERROR, HY_SIM_POST_ERROR_CAB,
                           "CODE:APP03/2 Please select the CAB members to approve");
      return FALSE;
    }

  if (site == NULL)
    site = first_site_of_client (ctx->store, hy_sim_row_id (client));
  else if (hy_sim_row_int (site, "client_id") != hy_sim_row_id (client))
    {
      g_set_error (error, HY_SIM_POST_ERROR, HY_SIM_POST_ERROR_INVALID,
                   "Site %" G_GINT64_FORMAT " does not belong to Client %" G_GINT64_FORMAT ".",
                   hy_sim_row_id (site), hy_sim_row_id (client));
      return FALSE;
    }

  if (!json_object_has_member (row, "status_id") || hy_sim_row_int (row, "status_id") == 0)
    json_object_set_int_member (row, "status_id",
                                hy_sim_row_int (type, "initial_status") > 0
                                    ? hy_sim_row_int (type, "initial_status")
                                    : 1);
  if (!resolve_fk (ctx, row, "status_id", HY_SIM_TABLE_STATUSES, TRUE, &status, error))
    return FALSE;

  if (!check_ticket_assets (ctx, row, error))
    return FALSE;

  fill_ticket (row, type, client, site, user, priority, create);
  apply_status (row, status);
  return TRUE;
}

static JsonObject *
find_outcome_by_name (HySimStore *store, const char *name)
{
  HySimRows *outcomes = &store->tables[HY_SIM_TABLE_OUTCOMES];
  g_autofree char *wanted = g_utf8_casefold (name, -1);

  for (guint i = 0; i < outcomes->rows->len; i++)
    {
      JsonObject *outcome = g_ptr_array_index (outcomes->rows, i);
      const char *candidates[] = { hy_sim_row_string (outcome, "outcome"),
                                   hy_sim_row_string (outcome, "buttonname") };

      for (guint j = 0; j < G_N_ELEMENTS (candidates); j++)
        {
          g_autofree char *folded = NULL;

          if (candidates[j] == NULL)
            continue;

          folded = g_utf8_casefold (candidates[j], -1);
          if (g_strcmp0 (folded, wanted) == 0)
            return outcome;
        }
    }

  return NULL;
}

/* Whom an action is recorded for: the application's login agent, who_agentid when lenient, and
 * on an update whom it was recorded for */
static JsonObject *
action_agent (PostContext *ctx, JsonObject *row, JsonObject *item, gboolean create)
{
  JsonObject *agent = NULL;
  gboolean present;
  gint64 id;

  /* The agent: Halo records the application's login agent; whether it honours who_agentid for
   * an application's token is uncertain (HALO-API §11), so only when lenient. agent_id is not an
   * Actions member: it is ignored. */
  if ((ctx->store->lenient & HY_SIM_LENIENT_WHO_AGENTID) &&
      hy_sim_read_id (item, "who_agentid", &id, &present, NULL) && present)
    agent = hy_sim_store_lookup (ctx->store, HY_SIM_TABLE_AGENTS, id);
  if (agent == NULL && !create)
    {
      /* An update keeps whom the action was recorded for. */
      JsonObject *base = find_row (ctx, HY_SIM_TABLE_ACTIONS, hy_sim_row_id (row));

      if (base != NULL)
        agent = hy_sim_store_lookup (ctx->store, HY_SIM_TABLE_AGENTS,
                                     hy_sim_row_int (base, "who_agentid"));
    }
  if (agent == NULL)
    agent = hy_sim_store_lookup (ctx->store, HY_SIM_TABLE_AGENTS, ctx->store->app_agent_id);
  return agent;
}

static gboolean
validate_action (PostContext *ctx,
                 JsonObject *row,
                 JsonObject *item,
                 gboolean create,
                 GError **error)
{
  JsonObject *ticket;
  JsonObject *outcome = NULL;
  JsonObject *agent = NULL;
  JsonObject *status = NULL;
  const char *outcome_name;
  gboolean present;
  gint64 id;

  if (!resolve_fk (ctx, row, "ticket_id", HY_SIM_TABLE_TICKETS, TRUE, &ticket, error))
    return FALSE;

  if (!hy_sim_read_id (row, "outcome_id", &id, &present, error))
    return FALSE;
  if (present && id > 0)
    outcome = hy_sim_store_lookup (ctx->store, HY_SIM_TABLE_OUTCOMES, id);
  outcome_name = hy_sim_row_string (row, "outcome");
  if (outcome == NULL && !string_is_blank (outcome_name))
    outcome = find_outcome_by_name (ctx->store, outcome_name);

  if (outcome == NULL)
    {
      g_set_error_literal (error, HY_SIM_POST_ERROR, HY_SIM_POST_ERROR_OUTCOME,
                           "An Outcome must be entered for this Action");
      return FALSE;
    }

  json_object_set_int_member (row, "outcome_id", hy_sim_row_id (outcome));
  json_object_set_string_member (row, "outcome", hy_sim_row_string (outcome, "outcome"));

  agent = action_agent (ctx, row, item, create);
  if (json_object_has_member (row, "agent_id"))
    json_object_remove_member (row, "agent_id");
  if (agent != NULL)
    {
      json_object_set_int_member (row, "who_agentid", hy_sim_row_id (agent));
      json_object_set_string_member (row, "who", hy_sim_row_string (agent, "name"));
    }
  json_object_set_int_member (row, "actionby_agent_id", ctx->store->app_agent_id);

  if (!hy_sim_read_id (item, "new_status", &id, &present, error))
    return FALSE;
  if (present && id != 0)
    {
      status = hy_sim_store_lookup (ctx->store, HY_SIM_TABLE_STATUSES, id);
      if (status == NULL)
        {
          g_set_error (error, HY_SIM_POST_ERROR, HY_SIM_POST_ERROR_INVALID,
                       "Invalid new_status: %" G_GINT64_FORMAT " does not exist.", id);
          return FALSE;
        }
    }

  if (json_object_has_member (row, "timetaken"))
    {
      JsonNode *node = json_object_get_member (row, "timetaken");
      GType type = JSON_NODE_HOLDS_VALUE (node) ? json_node_get_value_type (node) : G_TYPE_NONE;

      if (type != G_TYPE_INT64 && type != G_TYPE_DOUBLE)
        {
          g_set_error_literal (error, HY_SIM_POST_ERROR, HY_SIM_POST_ERROR_INVALID,
                               "\"timetaken\" must be a number of hours.");
          return FALSE;
        }
    }
  else
    {
      json_object_set_double_member (row, "timetaken", 0.0);
    }

  if (!json_object_has_member (row, "hiddenfromuser"))
    json_object_set_boolean_member (row, "hiddenfromuser",
                                    hy_sim_row_bool (outcome, "hiddenfromuser"));

  if (create)
    {
      g_autofree char *now = hy_sim_now_iso8601 ();

      if (!json_object_has_member (row, "datetime"))
        json_object_set_string_member (row, "datetime", now);
      json_object_set_string_member (row, "actiondatecreated", now);
      if (!json_object_has_member (row, "note"))
        json_object_set_string_member (row, "note", "");
    }

  return TRUE;
}

static gboolean
validate_agent (PostContext *ctx, JsonObject *row, gboolean create, GError **error)
{
  if (!require_name (row, "name", "Please enter a name for the Agent.", error))
    return FALSE;

  default_bool (row, "isapiagent", FALSE);
  default_bool (row, "isdisabled", FALSE);
  default_bool (row, "is_agent", TRUE);

  return TRUE;
}

static gboolean
validate_outcome (PostContext *ctx, JsonObject *row, gboolean create, GError **error)
{
  const char *name = hy_sim_row_string (row, "outcome");

  if (string_is_blank (name))
    name = hy_sim_row_string (row, "buttonname");
  if (string_is_blank (name))
    {
      g_set_error_literal (error, HY_SIM_POST_ERROR, HY_SIM_POST_ERROR_INVALID,
                           "Please enter a name for the Outcome.");
      return FALSE;
    }

  if (!json_object_has_member (row, "outcome"))
    json_object_set_string_member (row, "outcome", name);
  if (!json_object_has_member (row, "buttonname"))
    json_object_set_string_member (row, "buttonname", name);
  default_bool (row, "hiddenfromuser", FALSE);

  return TRUE;
}

static gboolean
validate_row (PostContext *ctx, JsonObject *row, JsonObject *item, gboolean create, GError **error)
{
  switch (ctx->table)
    {
      case HY_SIM_TABLE_CLIENTS:
        return validate_client (ctx, row, create, error);
      case HY_SIM_TABLE_SITES:
        return validate_site (ctx, row, create, error);
      case HY_SIM_TABLE_USERS:
        return validate_user (ctx, row, create, error);
      case HY_SIM_TABLE_ASSETS:
        return validate_asset (ctx, row, create, error);
      case HY_SIM_TABLE_TICKETS:
        return validate_ticket (ctx, row, create, error);
      case HY_SIM_TABLE_ACTIONS:
        return validate_action (ctx, row, item, create, error);
      case HY_SIM_TABLE_AGENTS:
        return validate_agent (ctx, row, create, error);
      case HY_SIM_TABLE_OUTCOMES:
        return validate_outcome (ctx, row, create, error);
      case HY_SIM_TABLE_STATUSES:
        return require_name (row, "name", "Please enter a name for the Status.", error);
      case HY_SIM_TABLE_TICKET_TYPES:
        default_bool (row, "cab_required", FALSE);
        return require_name (row, "name", "Please enter a name for the Ticket Type.", error);
      case HY_SIM_TABLE_ASSET_TYPES:
        return require_name (row, "name", "Please enter a name for the Asset Type.", error);
      case HY_SIM_TABLE_TEAMS:
        default_bool (row, "inactive", FALSE);
        return require_name (row, "name", "Please enter a name for the Team.", error);
      case HY_SIM_TABLE_PRIORITIES:
        json_object_set_int_member (row, "priorityid", hy_sim_row_id (row));
        return require_name (row, "name", "Please enter a name for the Priority.", error);
      case HY_SIM_N_TABLES:
      default:
        g_assert_not_reached ();
    }
}

/* Side effects of a saved action on its ticket. */
static void
apply_action (HySimStore *store, JsonObject *action, JsonObject *item)
{
  store->generation++;
  JsonObject *ticket =
      hy_sim_store_lookup (store, HY_SIM_TABLE_TICKETS, hy_sim_row_int (action, "ticket_id"));
  gboolean present;
  gint64 status_id;

  if (ticket == NULL)
    return;

  json_object_set_string_member (ticket, "lastactiondate",
                                 hy_sim_row_string (action, "actiondatecreated")
                                     ? hy_sim_row_string (action, "actiondatecreated")
                                     : hy_sim_row_string (action, "datetime"));

  if (hy_sim_read_id (item, "new_status", &status_id, &present, NULL) && present && status_id != 0)
    {
      JsonObject *status = hy_sim_store_lookup (store, HY_SIM_TABLE_STATUSES, status_id);

      if (status != NULL)
        apply_status (ticket, status);
    }
}

/* Builds the row one item of a POST would save (the row it updates, if any, with the item's
 * members over it) and checks it; nothing changes in the store. Returns the row, or NULL with
 * @error set; *@base_id is the id of the row it updates, 0 for a create. */
static JsonObject *
stage_item (PostContext *ctx, JsonArray *items, guint index, gint64 *base_id, GError **error)
{
  HySimTable table = ctx->table;
  guint length = json_array_get_length (items);
  JsonNode *element = json_array_get_element (items, index);
  JsonObject *item;
  JsonObject *base = NULL;
  g_autoptr (JsonObject) row = NULL;
  gboolean present;
  gint64 id;

  if (!JSON_NODE_HOLDS_OBJECT (element))
    {
      g_set_error (error, HY_SIM_POST_ERROR, HY_SIM_POST_ERROR_INVALID,
                   "Item %u of the request body is not an object.", index);
      return NULL;
    }

  item = json_node_get_object (element);
  if (!check_item_ids (item, error) || !hy_sim_read_id (item, "id", &id, &present, error))
    {
      if (length > 1)
        g_prefix_error (error, "Item %u: ", index);
      return NULL;
    }

  if (present && id > 0)
    {
      base = find_row (ctx, table, id);
      if (base == NULL)
        {
          g_set_error (error, HY_SIM_POST_ERROR, HY_SIM_POST_ERROR_NOT_FOUND,
                       "%s %" G_GINT64_FORMAT " not found.", hy_sim_tables[table].label, id);
          return NULL;
        }
    }
  else if (present && id < 0)
    {
      g_set_error (error, HY_SIM_POST_ERROR, HY_SIM_POST_ERROR_INVALID,
                   "Invalid id %" G_GINT64_FORMAT ".", id);
      return NULL;
    }

  /* Halo lists "id" first; a new record gets its id when committed. */
  row = json_object_new ();
  json_object_set_int_member (row, "id", base != NULL ? id : 0);
  if (base != NULL)
    copy_members (row, base, "id", NULL);
  copy_members (row, item, "id", "fields");

  if (table == HY_SIM_TABLE_ASSETS && !merge_asset_fields (row, base, item, error))
    return NULL;
  else if (table != HY_SIM_TABLE_ASSETS && json_object_has_member (item, "fields"))
    json_object_set_member (row, "fields",
                            json_node_copy (json_object_get_member (item, "fields")));

  if (!validate_row (ctx, row, item, base == NULL, error))
    {
      if (length > 1)
        g_prefix_error (error, "Item %u: ", index);
      return NULL;
    }

  *base_id = base != NULL ? id : 0;
  return g_steal_pointer (&row);
}

/* Saves the staged rows in order (@creates are new records, the others replace theirs) and
 * returns the last one (borrowed); @all_saved, when not NULL, receives every saved row. */
static JsonObject *
commit_rows (HySimStore *store,
             HySimTable table,
             JsonArray *items,
             GPtrArray *candidates,
             GPtrArray *creates,
             GPtrArray **all_saved)
{
  JsonObject *last = NULL;

  if (all_saved != NULL)
    *all_saved = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);

  for (guint i = 0; i < candidates->len; i++)
    {
      JsonObject *row = g_ptr_array_index (candidates, i);
      JsonObject *item = json_array_get_object_element (items, i);

      if (g_ptr_array_find (creates, row, NULL))
        hy_sim_store_insert (store, table, json_object_ref (row));
      else
        store_replace (store, table, row);

      if (table == HY_SIM_TABLE_ACTIONS)
        apply_action (store, row, item);

      last = row;
      if (all_saved != NULL)
        g_ptr_array_add (*all_saved, json_object_ref (row));
    }

  return last;
}

JsonObject *
hy_sim_store_post (HySimStore *store,
                   HySimTable table,
                   JsonArray *items,
                   GPtrArray **all_saved,
                   GError **error)
{
  g_autoptr (GPtrArray) candidates =
      g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  g_autoptr (GPtrArray) creates = g_ptr_array_new ();
  g_autoptr (GHashTable) staged = g_hash_table_new (g_direct_hash, g_direct_equal);
  PostContext ctx = { store, table, staged };
  guint length = json_array_get_length (items);

  if (length == 0)
    {
      g_set_error_literal (error, HY_SIM_POST_ERROR, HY_SIM_POST_ERROR_INVALID,
                           "The request body must contain at least one record.");
      return NULL;
    }

  /* Phase 1: build and check every candidate; nothing changes in the store. */
  for (guint i = 0; i < length; i++)
    {
      gint64 base_id = 0;
      JsonObject *row = stage_item (&ctx, items, i, &base_id, error);

      if (row == NULL)
        return NULL;
      if (base_id > 0)
        g_hash_table_insert (staged, GUINT_TO_POINTER ((guint) base_id), row);
      else
        g_ptr_array_add (creates, row);
      g_ptr_array_add (candidates, row);
    }

  /* Phase 2: commit in order. */
  return json_object_ref (commit_rows (store, table, items, candidates, creates, all_saved));
}
