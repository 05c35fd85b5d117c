/* hy-sim-query.c — what a GET answers: query filters, matching rows, paging, and the view of a row
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "hy-sim"

#include "config.h"

#include <string.h>

#include <libsoup/soup.h>

#include "hy-sim-private.h"

/* ------------------------------------------------------------------------------------------ */
/* Query parameters                                                                           */
/* ------------------------------------------------------------------------------------------ */

const char *
_hy_sim_query_get (GHashTable *query, const char *key)
{
  return query != NULL ? g_hash_table_lookup (query, key) : NULL;
}

gboolean
_hy_sim_query_true (GHashTable *query, const char *key)
{
  const char *value = _hy_sim_query_get (query, key);

  return value != NULL && g_ascii_strcasecmp (value, "true") == 0;
}

/* A numeric filter value; unparsable values are ignored, as Halo ignores them. */
static gboolean
query_int (GHashTable *query, const char *key, gint64 *out)
{
  const char *value = _hy_sim_query_get (query, key);

  return value != NULL && g_ascii_string_to_signed (value, 10, G_MININT64, G_MAXINT64, out, NULL);
}

static gboolean
contains_folded (const char *haystack, const char *needle_folded)
{
  g_autofree char *folded = NULL;

  if (haystack == NULL)
    return FALSE;

  folded = g_utf8_casefold (haystack, -1);
  return strstr (folded, needle_folded) != NULL;
}

/* ------------------------------------------------------------------------------------------ */
/* Matching rows                                                                              */
/* ------------------------------------------------------------------------------------------ */

static int
sort_strings_cb (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

/* The filters of one list request, read from the query once rather than once per row. */
typedef struct
{
  gboolean include_inactive;
  gboolean include_api_agents;
  gboolean include_disabled;
  gboolean open_only;
  gboolean closed_only;
  gboolean inventory_number_only;
  gboolean has_status_id, has_agent_id, has_type_id, has_user_id, has_ticket_id;
  gboolean has_client_id, has_site_id, has_assettype_id, has_asset_id;
  gint64 status_id, agent_id, type_id, user_id, ticket_id, client_id, site_id, assettype_id;
  gint64 asset_id;
  const char *inventory_number;
  char *search_folded;
  char *details_folded; /* search_details: a text the details contain (a string, not a flag) */
} Filter;

static void
filter_init (Filter *filter, GHashTable *query)
{
  const char *search = _hy_sim_query_get (query, "search");
  const char *tag = _hy_sim_query_get (query, "inventory_number");
  const char *details = _hy_sim_query_get (query, "search_details");

  memset (filter, 0, sizeof *filter);
  filter->include_inactive = _hy_sim_query_true (query, "includeinactive");
  filter->include_api_agents = _hy_sim_query_true (query, "includeapiagents");
  filter->include_disabled = _hy_sim_query_true (query, "includedisabled");
  filter->open_only = _hy_sim_query_true (query, "open_only");
  filter->closed_only = _hy_sim_query_true (query, "closed_only");
  filter->inventory_number_only = _hy_sim_query_true (query, "search_inventory_number_only");
  filter->has_status_id = query_int (query, "status_id", &filter->status_id);
  filter->has_agent_id = query_int (query, "agent_id", &filter->agent_id);
  filter->has_type_id = query_int (query, "requesttype_id", &filter->type_id);
  filter->has_user_id = query_int (query, "user_id", &filter->user_id);
  filter->has_ticket_id = query_int (query, "ticket_id", &filter->ticket_id);
  filter->has_client_id = query_int (query, "client_id", &filter->client_id);
  filter->has_site_id = query_int (query, "site_id", &filter->site_id);
  filter->has_assettype_id = query_int (query, "assettype_id", &filter->assettype_id);
  filter->has_asset_id = query_int (query, "asset_id", &filter->asset_id);
  filter->inventory_number = tag != NULL && *tag != '\0' ? tag : NULL;
  filter->search_folded = search != NULL && *search != '\0' ? g_utf8_casefold (search, -1) : NULL;
  filter->details_folded =
      details != NULL && *details != '\0' ? g_utf8_casefold (details, -1) : NULL;
}

static void
filter_clear (Filter *filter)
{
  g_clear_pointer (&filter->search_folded, g_free);
  g_clear_pointer (&filter->details_folded, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Filter, filter_clear)

static gboolean
ticket_has_asset (JsonObject *ticket, gint64 asset_id)
{
  JsonNode *assets = json_object_get_member (ticket, "assets");
  JsonArray *array;

  if (assets == NULL || !JSON_NODE_HOLDS_ARRAY (assets))
    return FALSE;

  array = json_node_get_array (assets);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *element = json_array_get_element (array, i);

      if (JSON_NODE_HOLDS_OBJECT (element) &&
          hy_sim_row_id (json_node_get_object (element)) == asset_id)
        return TRUE;
    }

  return FALSE;
}

/* The filters that only some tables take: inactive records, API agents, a ticket's state,
 * status, agent, type, user, asset or details, an action's ticket */
static gboolean
row_matches_table_filters (HySimTable table, JsonObject *row, const Filter *filter)
{
  switch (table)
    {
      case HY_SIM_TABLE_CLIENTS:
      case HY_SIM_TABLE_SITES:
      case HY_SIM_TABLE_USERS:
      case HY_SIM_TABLE_ASSETS:
        if (!filter->include_inactive && hy_sim_row_bool (row, "inactive"))
          return FALSE;
        break;
      case HY_SIM_TABLE_TEAMS:
        /* Halo's Team list takes includedisabled (not includeinactive). */
        if (!filter->include_disabled && hy_sim_row_bool (row, "inactive"))
          return FALSE;
        break;
      case HY_SIM_TABLE_AGENTS:
        if (!filter->include_api_agents && hy_sim_row_bool (row, "isapiagent"))
          return FALSE;
        if (!filter->include_disabled && hy_sim_row_bool (row, "isdisabled"))
          return FALSE;
        break;
      case HY_SIM_TABLE_TICKETS:
        if (filter->open_only && hy_sim_row_bool (row, "hasbeenclosed"))
          return FALSE;
        if (filter->closed_only && !hy_sim_row_bool (row, "hasbeenclosed"))
          return FALSE;
        if (filter->has_status_id && hy_sim_row_int (row, "status_id") != filter->status_id)
          return FALSE;
        if (filter->has_agent_id && hy_sim_row_int (row, "agent_id") != filter->agent_id)
          return FALSE;
        if (filter->has_type_id && hy_sim_row_int (row, "tickettype_id") != filter->type_id)
          return FALSE;
        if (filter->has_user_id && hy_sim_row_int (row, "user_id") != filter->user_id)
          return FALSE;
        if (filter->has_asset_id && !ticket_has_asset (row, filter->asset_id))
          return FALSE;
        if (filter->details_folded != NULL &&
            !contains_folded (hy_sim_row_string (row, "details"), filter->details_folded))
          return FALSE;
        break;
      case HY_SIM_TABLE_ACTIONS:
        if (filter->has_ticket_id && hy_sim_row_int (row, "ticket_id") != filter->ticket_id)
          return FALSE;
        break;
      case HY_SIM_TABLE_TICKET_TYPES:
      case HY_SIM_TABLE_STATUSES:
      case HY_SIM_TABLE_OUTCOMES:
      case HY_SIM_TABLE_ASSET_TYPES:
      case HY_SIM_N_TABLES:
      default:
        break;
    }

  return TRUE;
}

/* Whether one of the members ?search= looks in (which depend on the table) contains the text */
static gboolean
row_matches_search (HySimTable table, JsonObject *row, const Filter *filter)
{
  const char *fields[4] = { NULL };

  switch (table)
    {
      case HY_SIM_TABLE_ASSETS:
        fields[0] = hy_sim_row_string (row, "inventory_number");
        if (!filter->inventory_number_only)
          {
            fields[1] = hy_sim_row_string (row, "key_field");
            fields[2] = hy_sim_row_string (row, "key_field2");
          }
        break;
      case HY_SIM_TABLE_TICKETS:
        /* The summary; the details are searched with search_details=<text>. */
        fields[0] = hy_sim_row_string (row, "summary");
        break;
      case HY_SIM_TABLE_AGENTS:
        fields[0] = hy_sim_row_string (row, "name");
        fields[1] = hy_sim_row_string (row, "email");
        break;
      case HY_SIM_TABLE_USERS:
        fields[0] = hy_sim_row_string (row, "name");
        fields[1] = hy_sim_row_string (row, "emailaddress");
        fields[2] = hy_sim_row_string (row, "login");
        break;
      case HY_SIM_TABLE_ACTIONS:
        fields[0] = hy_sim_row_string (row, "note");
        break;
      case HY_SIM_TABLE_OUTCOMES:
        fields[0] = hy_sim_row_string (row, "outcome");
        fields[1] = hy_sim_row_string (row, "buttonname");
        break;
      case HY_SIM_TABLE_CLIENTS:
      case HY_SIM_TABLE_SITES:
      case HY_SIM_TABLE_TICKET_TYPES:
      case HY_SIM_TABLE_STATUSES:
      case HY_SIM_TABLE_ASSET_TYPES:
      case HY_SIM_TABLE_TEAMS:
      case HY_SIM_TABLE_PRIORITIES:
      case HY_SIM_N_TABLES:
      default:
        fields[0] = hy_sim_row_string (row, "name");
        break;
    }

  for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
    if (contains_folded (fields[i], filter->search_folded))
      return TRUE;
  return FALSE;
}

static gboolean
row_matches (HySimTable table, JsonObject *row, const Filter *filter)
{
  if (!row_matches_table_filters (table, row, filter))
    return FALSE;

  if (filter->has_client_id &&
      (table == HY_SIM_TABLE_SITES || table == HY_SIM_TABLE_ASSETS ||
       table == HY_SIM_TABLE_TICKETS || table == HY_SIM_TABLE_USERS) &&
      hy_sim_row_int (row, "client_id") != filter->client_id)
    return FALSE;

  if (filter->has_site_id &&
      (table == HY_SIM_TABLE_ASSETS || table == HY_SIM_TABLE_TICKETS ||
       table == HY_SIM_TABLE_USERS) &&
      hy_sim_row_int (row, "site_id") != filter->site_id)
    return FALSE;

  if (table == HY_SIM_TABLE_ASSETS)
    {
      const char *tag = hy_sim_row_string (row, "inventory_number");

      if (filter->has_assettype_id && hy_sim_row_int (row, "assettype_id") != filter->assettype_id)
        return FALSE;
      if (filter->inventory_number != NULL &&
          g_ascii_strcasecmp (filter->inventory_number, tag != NULL ? tag : "") != 0)
        return FALSE;
    }

  if (filter->search_folded != NULL)
    return row_matches_search (table, row, filter);

  return TRUE;
}

/* A copy of @row without @left_out (a NULL-terminated list of members). */
static JsonObject *
row_without (JsonObject *row, const char *const *left_out)
{
  JsonObject *copy = json_object_new ();
  g_autoptr (GList) members = json_object_get_members (row);

  for (GList *l = members; l != NULL; l = l->next)
    if (!g_strv_contains (left_out, l->data))
      json_object_set_member (copy, l->data,
                              json_node_copy (json_object_get_member (row, l->data)));

  return copy;
}

/* Members the simulator keeps for itself and Halo never sends: a ticket type's "cab_required"
 * (its creation is refused as Halo refuses "Change Request" without CAB members). */
static const char *const sim_only_members[] = { "cab_required", NULL };

/* The row as Halo sends it (a new reference): without the simulator's own members. */
JsonObject *
_hy_sim_public_row (HySimTable table, JsonObject *row)
{
  if (table == HY_SIM_TABLE_TICKET_TYPES)
    return row_without (row, sim_only_members);
  return json_object_ref (row);
}

/* What a ticket shows without includedetails, which only GET /Tickets/{id} takes: lists never
 * carry the details or the assets, whatever the query says (HALO-API §11). */
static const char *const ticket_details[] = { "details", "details_html", "assets", NULL };

/* The row as a list shows it: assets carry their "fields" only with includeassetfields=true;
 * tickets are partial. */
static JsonObject *
list_view (HySimTable table, JsonObject *row, GHashTable *query)
{
  static const char *const asset_fields_member[] = { "fields", NULL };

  if (table == HY_SIM_TABLE_ASSETS && !_hy_sim_query_true (query, "includeassetfields"))
    return row_without (row, asset_fields_member);
  if (table == HY_SIM_TABLE_TICKETS)
    return row_without (row, ticket_details);

  return _hy_sim_public_row (table, row);
}

/* The query without the paging parameters, in a stable order: the cache key of a list. */
static char *
filter_key (GHashTable *query)
{
  g_autoptr (GPtrArray) keys = g_ptr_array_new ();
  GString *text = g_string_new (NULL);
  GHashTableIter iter;
  gpointer key;

  g_hash_table_iter_init (&iter, query);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    if (g_strcmp0 (key, "page_no") != 0 && g_strcmp0 (key, "page_size") != 0 &&
        g_strcmp0 (key, "count") != 0)
      g_ptr_array_add (keys, key);

  g_ptr_array_sort (keys, (GCompareFunc) sort_strings_cb);
  for (guint i = 0; i < keys->len; i++)
    g_string_append_printf (text, "%s=%s&", (char *) g_ptr_array_index (keys, i),
                            (char *) g_hash_table_lookup (query, g_ptr_array_index (keys, i)));

  return g_string_free (text, FALSE);
}

/* ------------------------------------------------------------------------------------------ */
/* Endpoints (with the mutex held)                                                            */
/* ------------------------------------------------------------------------------------------ */

void
_hy_sim_handle_list (HySim *self, HySimTable table, GHashTable *query, HySimReply *reply)
{
  const HySimTableInfo *info = &hy_sim_tables[table];
  GPtrArray *rows = self->store->tables[table].rows;
  g_autofree char *key = filter_key (query);
  GPtrArray *matches;
  JsonArray *array;
  guint first = 0;
  guint limit = G_MAXUINT;
  gint64 value;

  if (self->cached_matches != NULL && self->cached_table == table &&
      self->cached_generation == self->store->generation && g_strcmp0 (self->cached_key, key) == 0)
    {
      matches = self->cached_matches;
    }
  else
    {
      g_auto (Filter) filter = { 0 };

      filter_init (&filter, query);
      matches = g_ptr_array_new ();
      for (guint i = 0; i < rows->len; i++)
        if (row_matches (table, g_ptr_array_index (rows, i), &filter))
          g_ptr_array_add (matches, g_ptr_array_index (rows, i));

      g_clear_pointer (&self->cached_matches, g_ptr_array_unref);
      g_free (self->cached_key);
      self->cached_matches = matches;
      self->cached_key = g_steal_pointer (&key);
      self->cached_table = table;
      self->cached_generation = self->store->generation;
    }

  if (info->list_key != NULL && _hy_sim_query_true (query, "pageinate"))
    {
      gint64 page_size = 50;
      gint64 page_no = 1;

      if (query_int (query, "page_size", &value) && value > 0)
        page_size = value;
      if (query_int (query, "page_no", &value) && value > 0)
        page_no = value;
      /* Halo caps pages whatever page_size says; some tenants cap assets lower. */
      page_size = MIN (page_size, (gint64) MAX (self->page_cap, 1));
      if (table == HY_SIM_TABLE_ASSETS && self->asset_page_cap > 0)
        page_size = MIN (page_size, (gint64) self->asset_page_cap);

      if ((page_no - 1) * page_size >= matches->len)
        first = matches->len;
      else
        first = (guint) ((page_no - 1) * page_size);
      limit = (guint) page_size;
    }
  else if (query_int (query, "count", &value) && value >= 0)
    {
      limit = (guint) MIN (value, (gint64) G_MAXUINT);
    }

  array = json_array_new ();
  for (guint i = first; i < matches->len && i - first < limit; i++)
    json_array_add_object_element (array, list_view (table, g_ptr_array_index (matches, i), query));

  if (info->list_key != NULL)
    {
      g_autoptr (JsonObject) wrapper = json_object_new ();

      json_object_set_int_member (wrapper, "record_count", matches->len);
      json_object_set_array_member (wrapper, info->list_key, array);
      _hy_sim_reply_object (reply, 200, wrapper);
    }
  else
    {
      _hy_sim_reply_array (reply, 200, array);
      json_array_unref (array);
    }
}

/* GET /api/<table>/<id>: the row as Halo shows one record. */
void
_hy_sim_handle_get (HySim *self,
                    HySimTable table,
                    const char *id_text,
                    GHashTable *query,
                    HySimReply *reply)
{
  gint64 id;
  JsonObject *row = NULL;

  if (g_ascii_string_to_signed (id_text, 10, 1, G_MAXINT32, &id, NULL))
    row = hy_sim_store_lookup (self->store, table, id);

  if (row == NULL)
    {
      g_autofree char *message =
          g_strdup_printf ("%s %s not found.", hy_sim_tables[table].label, id_text);

      _hy_sim_reply_error (reply, 404, HY_SIM_SHAPE_MESSAGE, message);
      return;
    }

  if (table == HY_SIM_TABLE_ASSET_TYPES && _hy_sim_query_true (query, "includedetails"))
    {
      /* The type's fields (TypeInfo) come only with the single type's details. */
      g_autoptr (JsonObject) details = row_without (row, (const char *const[]){ NULL });

      json_object_set_array_member (details, "fields", hy_sim_asset_type_fields ());
      _hy_sim_reply_object (reply, 200, details);
      return;
    }

  if (table == HY_SIM_TABLE_TICKETS && !_hy_sim_query_true (query, "includedetails"))
    {
      g_autoptr (JsonObject) partial = row_without (row, ticket_details);

      _hy_sim_reply_object (reply, 200, partial);
      return;
    }

  {
    g_autoptr (JsonObject) shown = _hy_sim_public_row (table, row);

    _hy_sim_reply_object (reply, 200, shown);
  }
}
