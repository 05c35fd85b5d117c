/* hy-sim-store.c — the simulator's records: tables of JSON objects, seeding, load and dump
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

const char *
hy_sim_asset_field_name (gint64 id)
{
  for (guint i = 0; i < G_N_ELEMENTS (asset_fields); i++)
    if (asset_fields[i].id == id)
      return asset_fields[i].name;

  return NULL;
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
void
hy_sim_copy_members (JsonObject *dst, JsonObject *src, const char *skip1, const char *skip2)
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

gboolean
hy_sim_string_is_blank (const char *text)
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

void
hy_sim_store_replace (HySimStore *store, HySimTable table, JsonObject *row)
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
          hy_sim_copy_members (copy, row, "id", NULL);
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
