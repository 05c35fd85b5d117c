/* hy-sim-post.c — POST semantics: each item validated as Halo would, then saved in order
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "hy-sim"

#include "config.h"

#include <string.h>

#include "hy-sim-private.h"

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
  if (hy_sim_string_is_blank (hy_sim_row_string (row, member)))
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
      if (hy_sim_asset_field_name (id) == NULL)
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
                                     hy_sim_asset_field_name (id) ? hy_sim_asset_field_name (id)
                                                                  : "");
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
  if (outcome == NULL && !hy_sim_string_is_blank (outcome_name))
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

  if (hy_sim_string_is_blank (name))
    name = hy_sim_row_string (row, "buttonname");
  if (hy_sim_string_is_blank (name))
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
    hy_sim_copy_members (row, base, "id", NULL);
  hy_sim_copy_members (row, item, "id", "fields");

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
        hy_sim_store_replace (store, table, row);

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
