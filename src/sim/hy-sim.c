/* hy-sim.c — HySim: the HTTP face of the simulator (auth, scopes, lists, writes, faults)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "hy-sim"

#include "config.h"

#include <string.h>

#include <libsoup/soup.h>

#include "hy-sim-private.h"

typedef struct
{
  gint64 expires_at; /* monotonic µs */
  char **scopes;
} Token;

typedef struct
{
  char *method;
  char *path; /* lower case */
} LoggedRequest;

struct _HySim
{
  GObject parent_instance;

  GMutex mutex;
  HySimStore *store;

  char *client_id;
  char *client_secret;
  char *tenant;
  gboolean require_tenant;
  char **granted_scopes;

  GHashTable *tokens; /* access token → Token */
  guint token_lifetime;

  guint rate_max;
  guint rate_window_ms;
  gboolean rate_retry_after;
  GQueue rate_times; /* gint64* monotonic µs of counted requests, oldest first */
  guint latency_ms;
  double server_error_fraction;
  GRand *server_error_rand;
  guint fail_next_count;
  guint fail_next_status;
  guint drop_writes;
  guint error_after_commit_every; /* 0: off */
  guint error_after_commit_status;
  guint committed_creates;
  guint page_cap;
  guint asset_page_cap; /* 0: the page cap */
  gboolean down;
  gboolean ignore_returnall;

  guint request_count;
  GPtrArray *request_log; /* LoggedRequest */

  /* The matches of the last list request: paging through a list repeats the same filters. */
  HySimTable cached_table;
  char *cached_key;
  guint64 cached_generation;
  GPtrArray *cached_matches; /* borrowed rows, valid while the store's generation holds */

  /* Serving */
  GThread *thread;
  GMainContext *context;
  GMainLoop *loop;
  SoupServer *server;
  GPtrArray *delayed; /* Delayed: answers held back by the latency, server thread only */
  guint16 requested_port;
  guint16 port;
  char *base_url;
  GCond start_cond;
  gboolean start_done;
  GError *start_error;
};

G_DEFINE_FINAL_TYPE (HySim, hy_sim, G_TYPE_OBJECT)

/* clang-format off */
G_DEFINE_QUARK (hy-sim-error-quark, hy_sim_error)
/* clang-format on */

/* ------------------------------------------------------------------------------------------ */
/* Static data                                                                                */
/* ------------------------------------------------------------------------------------------ */

/* The scope names Halo knows (HALO-API.md §1.5); anything else is invalid_scope. */
static const char *const known_scopes[] = {
  "all",
  "all:standard",
  "admin",
  "read:tickets",
  "edit:tickets",
  "read:calendar",
  "edit:calendar",
  "read:customers",
  "edit:customers",
  "read:crm",
  "edit:crm",
  "editMine:timesheets",
  "read:timesheets",
  "edit:timesheets",
  "read:contracts",
  "edit:contracts",
  "read:suppliers",
  "edit:suppliers",
  "read:items",
  "edit:items",
  "read:projects",
  "edit:projects",
  "read:sales",
  "edit:sales",
  "read:quotes",
  "edit:quotes",
  "read:sos",
  "edit:sos",
  "read:pos",
  "edit:pos",
  "read:invoices",
  "edit:invoices",
  "read:reporting",
  "edit:reporting",
  "read:software",
  "edit:software",
  "read:softwarelicensing",
  "edit:softwarelicensing",
  "read:kb",
  "edit:kb",
  "read:assets",
  "edit:assets",
  "access:chat",
  "access:adpasswordreset",
};

static const char *const scope_families[] = {
  [HY_SIM_SCOPE_CUSTOMERS] = "customers",
  [HY_SIM_SCOPE_ASSETS] = "assets",
  [HY_SIM_SCOPE_TICKETS] = "tickets",
  [HY_SIM_SCOPE_ADMIN] = NULL,
};

/* Error-body shapes Halo uses (HALO-API.md §5); each endpoint and status picks one. */
typedef enum
{
  SHAPE_ERROR,       /* {"error": ".."} */
  SHAPE_MESSAGE,     /* {"Message": ".."} */
  SHAPE_CLASSNAME,   /* {"ClassName": "..", "Message": ".."} */
  SHAPE_RESULT_CODE, /* {"resultCode": N, "errorMessage": ".."} */
  SHAPE_TEXT,        /* text/plain */
  SHAPE_HTML,        /* text/html, as a proxy answers */
} Shape;

/* ------------------------------------------------------------------------------------------ */
/* Replies                                                                                    */
/* ------------------------------------------------------------------------------------------ */

typedef struct
{
  guint status;
  const char *content_type;
  char *body;
  gsize length;
  guint retry_after;         /* seconds, 0 = no header */
  gboolean bearer_challenge; /* WWW-Authenticate: Bearer */
  gboolean drop;             /* close the connection without answering */
} Reply;

static void
reply_clear (Reply *reply)
{
  g_clear_pointer (&reply->body, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Reply, reply_clear)

static void
reply_text (Reply *reply, guint status, const char *text)
{
  g_free (reply->body);
  reply->status = status;
  reply->content_type = "text/plain; charset=utf-8";
  reply->body = g_strdup (text);
  reply->length = strlen (text);
}

static void
reply_node (Reply *reply, guint status, JsonNode *node)
{
  g_autoptr (JsonGenerator) generator = json_generator_new ();

  json_generator_set_root (generator, node);
  g_free (reply->body);
  reply->status = status;
  reply->content_type = "application/json; charset=utf-8";
  reply->body = json_generator_to_data (generator, &reply->length);
}

static void
reply_object (Reply *reply, guint status, JsonObject *object)
{
  g_autoptr (JsonNode) node = json_node_new (JSON_NODE_OBJECT);

  json_node_set_object (node, object);
  reply_node (reply, status, node);
}

static void
reply_array (Reply *reply, guint status, JsonArray *array)
{
  g_autoptr (JsonNode) node = json_node_new (JSON_NODE_ARRAY);

  json_node_set_array (node, array);
  reply_node (reply, status, node);
}

static void
reply_error (Reply *reply, guint status, Shape shape, const char *message)
{
  g_autoptr (JsonObject) object = json_object_new ();

  switch (shape)
    {
      case SHAPE_ERROR:
        json_object_set_string_member (object, "error", message);
        break;
      case SHAPE_MESSAGE:
        json_object_set_string_member (object, "Message", message);
        break;
      case SHAPE_CLASSNAME:
        json_object_set_string_member (object, "ClassName",
                                       status >= 500 ? "System.Exception"
                                                     : "Halo.Exceptions.HaloException");
        json_object_set_string_member (object, "Message", message);
        break;
      case SHAPE_RESULT_CODE:
        json_object_set_int_member (object, "resultCode", 1);
        json_object_set_string_member (object, "errorMessage", message);
        break;
      case SHAPE_TEXT:
        reply_text (reply, status, message);
        return;
      case SHAPE_HTML:
        {
          g_autofree char *html =
              g_strdup_printf ("<html><head><title>%u %s</title></head><body><h1>%u "
                               "%s</h1></body></html>",
                               status, message, status, message);

          reply_text (reply, status, html);
          reply->content_type = "text/html; charset=utf-8";
        }
        return;
      default:
        g_assert_not_reached ();
    }

  reply_object (reply, status, object);
}

static void
rate_limit_message (HySim *self, char *buffer, gsize size)
{
  /* A forced 429 with the limiter off quotes Halo's hosted limit. */
  guint max = self->rate_max > 0 ? self->rate_max : 300;
  guint ms = self->rate_max > 0 ? self->rate_window_ms : 300000;
  g_autofree char *window = NULL;

  if (ms % 60000 == 0)
    window = g_strdup_printf ("%u minute", ms / 60000);
  else if (ms % 1000 == 0)
    window = g_strdup_printf ("%u second", ms / 1000);
  else
    window = g_strdup_printf ("%u millisecond", ms);

  g_snprintf (buffer, size, "Rate Limit Reached - %u Requests per rolling %s window", max, window);
}

/* The body of a forced status (fail_next, server errors): each status has its own shape. */
static void
reply_status (HySim *self, Reply *reply, guint status)
{
  char message[160];

  switch (status)
    {
      case 400:
        reply_error (reply, status, SHAPE_MESSAGE, "The request is invalid.");
        break;
      case 401:
        reply_error (reply, status, SHAPE_TEXT, "Unauthorized");
        break;
      case 403:
        reply_error (reply, status, SHAPE_CLASSNAME, "Access to this resource is denied.");
        break;
      case 404:
        reply_error (reply, status, SHAPE_MESSAGE, "Not found.");
        break;
      case 429:
        rate_limit_message (self, message, sizeof message);
        reply_error (reply, status, SHAPE_TEXT, message);
        break;
      case 500:
        reply_error (reply, status, SHAPE_CLASSNAME,
                     "Object reference not set to an instance of an object.");
        break;
      case 502:
      case 504:
        reply_error (reply, status, SHAPE_HTML, soup_status_get_phrase (status));
        break;
      default:
        reply_error (reply, status, SHAPE_TEXT,
                     soup_status_get_phrase (status) ? soup_status_get_phrase (status) : "Error");
        break;
    }
}

/* ------------------------------------------------------------------------------------------ */
/* Helpers (all called with the mutex held)                                                   */
/* ------------------------------------------------------------------------------------------ */

static void
token_free (gpointer data)
{
  Token *token = data;

  g_strfreev (token->scopes);
  g_free (token);
}

static void
logged_request_free (gpointer data)
{
  LoggedRequest *request = data;

  g_free (request->method);
  g_free (request->path);
  g_free (request);
}

static char **
split_scopes (const char *text)
{
  g_autoptr (GPtrArray) scopes = g_ptr_array_new ();
  g_auto (GStrv) parts = g_strsplit_set (text != NULL ? text : "", " \t+", -1);

  for (guint i = 0; parts[i] != NULL; i++)
    if (*parts[i] != '\0')
      g_ptr_array_add (scopes, g_strdup (parts[i]));
  g_ptr_array_add (scopes, NULL);

  return (char **) g_ptr_array_free (g_steal_pointer (&scopes), FALSE);
}

static gboolean
scope_is_known (const char *scope)
{
  for (guint i = 0; i < G_N_ELEMENTS (known_scopes); i++)
    if (g_ascii_strcasecmp (scope, known_scopes[i]) == 0)
      return TRUE;

  return FALSE;
}

static gboolean
scopes_cover (char **scopes, HySimScope family, gboolean write)
{
  const char *name = scope_families[family];

  for (guint i = 0; scopes != NULL && scopes[i] != NULL; i++)
    {
      const char *scope = scopes[i];

      if (g_ascii_strcasecmp (scope, "all") == 0 || g_ascii_strcasecmp (scope, "admin") == 0)
        return TRUE;

      if (name == NULL)
        continue;

      if (g_ascii_strcasecmp (scope, "all:standard") == 0)
        return TRUE;

      if (g_ascii_strncasecmp (scope, "edit:", 5) == 0 && g_ascii_strcasecmp (scope + 5, name) == 0)
        return TRUE;

      if (!write && g_ascii_strncasecmp (scope, "read:", 5) == 0 &&
          g_ascii_strcasecmp (scope + 5, name) == 0)
        return TRUE;
    }

  return FALSE;
}

static char *
random_hex (guint bytes)
{
  GString *text = g_string_sized_new (bytes * 2);

  for (guint i = 0; i < bytes; i++)
    g_string_append_printf (text, "%02x", g_random_int_range (0, 256));

  return g_string_free (text, FALSE);
}

static char *
base64url (const char *text)
{
  g_autofree char *encoded = g_base64_encode ((const guchar *) text, strlen (text));
  GString *out = g_string_new (NULL);

  for (const char *p = encoded; *p != '\0'; p++)
    {
      if (*p == '+')
        g_string_append_c (out, '-');
      else if (*p == '/')
        g_string_append_c (out, '_');
      else if (*p != '=')
        g_string_append_c (out, *p);
    }

  return g_string_free (out, FALSE);
}

/* An unsigned JWT carrying the login agent's identity, as Halo's id_token does. */
static char *
make_id_token (HySim *self)
{
  JsonObject *agent =
      hy_sim_store_lookup (self->store, HY_SIM_TABLE_AGENTS, self->store->app_agent_id);
  g_autoptr (JsonObject) claims = json_object_new ();
  g_autoptr (JsonNode) node = json_node_new (JSON_NODE_OBJECT);
  g_autofree char *payload = NULL;
  g_autofree char *header = base64url ("{\"alg\":\"none\",\"typ\":\"JWT\"}");
  g_autofree char *body = NULL;

  json_object_set_string_member (claims, "sub", self->client_id);
  json_object_set_int_member (claims, "agent_id", self->store->app_agent_id);
  if (agent != NULL)
    {
      json_object_set_string_member (claims, "name", hy_sim_row_string (agent, "name"));
      json_object_set_string_member (claims, "email", hy_sim_row_string (agent, "email"));
    }
  json_node_set_object (node, claims);
  payload = json_to_string (node, FALSE);
  body = base64url (payload);

  return g_strdup_printf ("%s.%s.sim", header, body);
}

static const char *
query_get (GHashTable *query, const char *key)
{
  return query != NULL ? g_hash_table_lookup (query, key) : NULL;
}

static gboolean
query_true (GHashTable *query, const char *key)
{
  const char *value = query_get (query, key);

  return value != NULL && g_ascii_strcasecmp (value, "true") == 0;
}

/* A numeric filter value; unparsable values are ignored, as Halo ignores them. */
static gboolean
query_int (GHashTable *query, const char *key, gint64 *out)
{
  const char *value = query_get (query, key);

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
/* Lists                                                                                      */
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
  const char *search = query_get (query, "search");
  const char *tag = query_get (query, "inventory_number");
  const char *details = query_get (query, "search_details");

  memset (filter, 0, sizeof *filter);
  filter->include_inactive = query_true (query, "includeinactive");
  filter->include_api_agents = query_true (query, "includeapiagents");
  filter->include_disabled = query_true (query, "includedisabled");
  filter->open_only = query_true (query, "open_only");
  filter->closed_only = query_true (query, "closed_only");
  filter->inventory_number_only = query_true (query, "search_inventory_number_only");
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

static gboolean
row_matches (HySimTable table, JsonObject *row, const Filter *filter)
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
static JsonObject *
public_row (HySimTable table, JsonObject *row)
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

  if (table == HY_SIM_TABLE_ASSETS && !query_true (query, "includeassetfields"))
    return row_without (row, asset_fields_member);
  if (table == HY_SIM_TABLE_TICKETS)
    return row_without (row, ticket_details);

  return public_row (table, row);
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

static void
handle_list (HySim *self, HySimTable table, GHashTable *query, Reply *reply)
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

  if (info->list_key != NULL && query_true (query, "pageinate"))
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
      reply_object (reply, 200, wrapper);
    }
  else
    {
      reply_array (reply, 200, array);
      json_array_unref (array);
    }
}

/* ------------------------------------------------------------------------------------------ */
/* Endpoints                                                                                  */
/* ------------------------------------------------------------------------------------------ */

static void
handle_token (HySim *self, SoupServerMessage *msg, GHashTable *query, Reply *reply)
{
  SoupMessageBody *request_body = soup_server_message_get_request_body (msg);
  g_autoptr (GBytes) bytes = soup_message_body_flatten (request_body);
  g_autofree char *text = g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  g_autoptr (GHashTable) form = soup_form_decode (text);
  const char *grant_type = g_hash_table_lookup (form, "grant_type");
  const char *client_id = g_hash_table_lookup (form, "client_id");
  const char *client_secret = g_hash_table_lookup (form, "client_secret");
  const char *scope = g_hash_table_lookup (form, "scope");
  const char *tenant = query_get (query, "tenant");
  g_auto (GStrv) requested = NULL;
  g_autoptr (JsonObject) object = NULL;
  g_autofree char *access_token = NULL;
  g_autofree char *id_token = NULL;
  g_autofree char *refresh_token = NULL;
  g_autofree char *scope_text = NULL;
  Token *token;

  if (tenant == NULL)
    tenant = g_hash_table_lookup (form, "tenant");

  if (g_strcmp0 (grant_type, "client_credentials") != 0)
    {
      reply_error (reply, 400, SHAPE_ERROR, "unsupported_grant_type");
      return;
    }

  if (g_strcmp0 (client_id, self->client_id) != 0 ||
      g_strcmp0 (client_secret, self->client_secret) != 0)
    {
      reply_error (reply, 401, SHAPE_ERROR, "invalid_client");
      return;
    }

  if ((tenant != NULL && *tenant != '\0' && g_ascii_strcasecmp (tenant, self->tenant) != 0) ||
      (self->require_tenant && (tenant == NULL || *tenant == '\0')))
    {
      reply_error (reply, 401, SHAPE_ERROR, "invalid_client");
      return;
    }

  requested = split_scopes (scope != NULL && *scope != '\0' ? scope : "all");
  if (requested[0] == NULL)
    {
      g_strfreev (requested);
      requested = split_scopes ("all");
    }

  for (guint i = 0; requested[i] != NULL; i++)
    if (!scope_is_known (requested[i]))
      {
        reply_error (reply, 400, SHAPE_ERROR, "invalid_scope");
        return;
      }

  /* Forget tokens that have expired, so a long-running sim does not grow. */
  {
    GHashTableIter iter;
    gpointer value;
    gint64 now = g_get_monotonic_time ();

    g_hash_table_iter_init (&iter, self->tokens);
    while (g_hash_table_iter_next (&iter, NULL, &value))
      if (((Token *) value)->expires_at <= now)
        g_hash_table_iter_remove (&iter);
  }

  access_token = random_hex (32);
  refresh_token = random_hex (32);
  id_token = make_id_token (self);
  scope_text = g_strjoinv (" ", requested);

  token = g_new0 (Token, 1);
  token->expires_at = g_get_monotonic_time () + (gint64) self->token_lifetime * G_USEC_PER_SEC;
  token->scopes = g_steal_pointer (&requested);
  g_hash_table_insert (self->tokens, g_strdup (access_token), token);

  object = json_object_new ();
  json_object_set_string_member (object, "access_token", access_token);
  json_object_set_string_member (object, "token_type", "Bearer");
  json_object_set_int_member (object, "expires_in", self->token_lifetime);
  json_object_set_string_member (object, "scope", scope_text);
  json_object_set_string_member (object, "refresh_token", refresh_token);
  json_object_set_string_member (object, "id_token", id_token);
  reply_object (reply, 200, object);
}

/* Returns the caller's token, or NULL after writing the 401. */
static Token *
authenticate (HySim *self, SoupServerMessage *msg, Reply *reply)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  const char *authorization = soup_message_headers_get_one (headers, "Authorization");
  Token *token = NULL;

  if (authorization != NULL && g_ascii_strncasecmp (authorization, "Bearer ", 7) == 0)
    {
      const char *value = authorization + 7;

      while (*value == ' ')
        value++;
      token = g_hash_table_lookup (self->tokens, value);
    }

  if (token == NULL || g_get_monotonic_time () >= token->expires_at)
    {
      reply_error (reply, 401, SHAPE_TEXT,
                   token == NULL ? "Unauthorized" : "Unauthorized: the access token has expired");
      reply->bearer_challenge = TRUE;
      return NULL;
    }

  return token;
}

static HySimTable
table_for_path (const char *segment)
{
  for (guint t = 0; t < HY_SIM_N_TABLES; t++)
    if (g_strcmp0 (segment, hy_sim_tables[t].path) == 0)
      return t;

  return HY_SIM_N_TABLES;
}

static Shape
post_error_shape (HySimTable table, const GError *error)
{
  if (g_error_matches (error, HY_SIM_POST_ERROR, HY_SIM_POST_ERROR_NOT_FOUND))
    return SHAPE_MESSAGE;

  switch (table)
    {
      case HY_SIM_TABLE_TICKETS:
        return SHAPE_CLASSNAME;
      case HY_SIM_TABLE_ACTIONS:
        return SHAPE_TEXT;
      case HY_SIM_TABLE_CLIENTS:
      case HY_SIM_TABLE_SITES:
      case HY_SIM_TABLE_ASSETS:
      case HY_SIM_TABLE_USERS:
        return SHAPE_RESULT_CODE;
      case HY_SIM_TABLE_AGENTS:
      case HY_SIM_TABLE_TICKET_TYPES:
      case HY_SIM_TABLE_STATUSES:
      case HY_SIM_TABLE_OUTCOMES:
      case HY_SIM_TABLE_ASSET_TYPES:
      case HY_SIM_TABLE_TEAMS:
      case HY_SIM_TABLE_PRIORITIES:
      case HY_SIM_N_TABLES:
      default:
        return SHAPE_MESSAGE;
    }
}

/* Whether a POST body creates a record: an item without an id, or with id 0. */
static gboolean
post_creates (JsonArray *items)
{
  for (guint i = 0; i < json_array_get_length (items); i++)
    {
      JsonNode *node = json_array_get_element (items, i);

      if (!JSON_NODE_HOLDS_OBJECT (node) || hy_sim_row_int (json_node_get_object (node), "id") <= 0)
        return TRUE;
    }
  return FALSE;
}

static void
handle_post (HySim *self, HySimTable table, SoupServerMessage *msg, GHashTable *query, Reply *reply)
{
  SoupMessageBody *request_body = soup_server_message_get_request_body (msg);
  g_autoptr (GBytes) bytes = soup_message_body_flatten (request_body);
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonObject) saved = NULL;
  g_autoptr (GPtrArray) all_saved = NULL;
  JsonNode *root;

  if (!json_parser_load_from_data (parser, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes),
                                   &error))
    {
      g_autofree char *message =
          g_strdup_printf ("The request body is not valid JSON: %s", error->message);

      reply_error (reply, 400, SHAPE_ERROR, message);
      return;
    }

  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_ARRAY (root))
    {
      reply_error (reply, 400, SHAPE_ERROR,
                   "Cannot deserialize the request body: a JSON array of records is expected.");
      return;
    }

  saved = hy_sim_store_post (self->store, table, json_node_get_array (root), &all_saved, &error);
  if (saved == NULL)
    {
      reply_error (reply, 400, post_error_shape (table, error), error->message);
      return;
    }

  /* Several items: Halo answers with the last one only, unless ?returnall=true (which an
   * instance may ignore: hy_sim_set_ignore_returnall ()). */
  if (!self->ignore_returnall && query_true (query, "returnall"))
    {
      JsonArray *array = json_array_new ();

      for (guint i = 0; i < all_saved->len; i++)
        json_array_add_object_element (array, public_row (table, g_ptr_array_index (all_saved, i)));
      reply_array (reply, 201, array);
      json_array_unref (array);
    }
  else
    {
      g_autoptr (JsonObject) shown = public_row (table, saved);

      reply_object (reply, 201, shown);
    }

  /* Saved, then answered with an error: a Halo (or a proxy in front of it) that commits and
   * fails afterwards. Counts the POSTs that created something. */
  if (self->error_after_commit_every > 0 && post_creates (json_node_get_array (root)))
    {
      self->committed_creates++;
      if (self->committed_creates % self->error_after_commit_every == 0)
        reply_status (self, reply, self->error_after_commit_status);
    }

  if (self->drop_writes > 0)
    {
      self->drop_writes--;
      reply->drop = TRUE;
    }
}

static void
handle_api (HySim *self,
            SoupServerMessage *msg,
            const char *method,
            const char *path,
            GHashTable *query,
            Reply *reply)
{
  g_auto (GStrv) segments = g_strsplit (path + strlen ("/api/"), "/", -1);
  gboolean delete = g_strcmp0 (method, "DELETE") == 0;
  gboolean write = g_strcmp0 (method, "POST") == 0 || delete;
  const char *entity = segments[0] != NULL ? segments[0] : "";
  const char *id_text = entity[0] != '\0' ? segments[1] : NULL;
  HySimTable table;
  Token *token;
  char **granted = self->granted_scopes;

  if (g_strcmp0 (entity, "authinfo") == 0 && segments[1] == NULL)
    {
      g_autoptr (JsonObject) object = json_object_new ();
      g_autofree char *auth_url = g_strdup_printf ("%s/auth", self->base_url);

      json_object_set_string_member (object, "auth_url", auth_url);
      json_object_set_string_member (object, "tenant_id", self->tenant);
      reply_object (reply, 200, object);
      return;
    }

  token = authenticate (self, msg, reply);
  if (token == NULL)
    return;

  table = table_for_path (entity);
  if (table == HY_SIM_N_TABLES || (id_text != NULL && segments[2] != NULL))
    {
      g_autofree char *message =
          g_strdup_printf ("No HTTP resource was found that matches the request URI '%s'.", path);

      reply_error (reply, 404, SHAPE_MESSAGE, message);
      return;
    }

  if (g_strcmp0 (method, "GET") != 0 && !write)
    {
      reply_error (reply, 405, SHAPE_MESSAGE,
                   "The requested resource does not support this HTTP method.");
      return;
    }

  /* /api/Agent/me: whoever the application logs in as; any valid token may ask. */
  if (table == HY_SIM_TABLE_AGENTS && g_strcmp0 (id_text, "me") == 0 && !write)
    {
      JsonObject *agent =
          hy_sim_store_lookup (self->store, HY_SIM_TABLE_AGENTS, self->store->app_agent_id);

      if (agent == NULL)
        reply_error (reply, 404, SHAPE_MESSAGE, "The application has no agent to log in as.");
      else
        reply_object (reply, 200, agent);
      return;
    }

  if (!scopes_cover (token->scopes, hy_sim_tables[table].scope, write) ||
      !scopes_cover (granted, hy_sim_tables[table].scope, write))
    {
      const char *family = scope_families[hy_sim_tables[table].scope];
      g_autofree char *needed = family != NULL
                                    ? g_strdup_printf ("%s:%s", write ? "edit" : "read", family)
                                    : g_strdup ("admin");
      g_autofree char *message =
          g_strdup_printf ("You do not have permission to %s %s records: the application needs the "
                           "scope '%s'.",
                           write ? "edit" : "view", hy_sim_tables[table].label, needed);

      reply_error (reply, 403, SHAPE_CLASSNAME, message);
      return;
    }

  if (delete)
    {
      gint64 id = 0;

      if (id_text == NULL || !g_ascii_string_to_signed (id_text, 10, 1, G_MAXINT32, &id, NULL) ||
          !hy_sim_store_delete (self->store, table, id))
        {
          g_autofree char *message =
              g_strdup_printf ("%s %s not found.", hy_sim_tables[table].label,
                               id_text != NULL ? id_text : "");

          reply_error (reply, 404, SHAPE_MESSAGE, message);
          return;
        }

      reply->status = 200;
      return;
    }

  if (write)
    {
      if (id_text != NULL && *id_text != '\0')
        {
          reply_error (reply, 405, SHAPE_MESSAGE,
                       "The requested resource does not support http method 'POST'.");
          return;
        }

      handle_post (self, table, msg, query, reply);
      return;
    }

  if (id_text == NULL || *id_text == '\0')
    {
      handle_list (self, table, query, reply);
      return;
    }

  {
    gint64 id;
    JsonObject *row = NULL;

    if (g_ascii_string_to_signed (id_text, 10, 1, G_MAXINT32, &id, NULL))
      row = hy_sim_store_lookup (self->store, table, id);

    if (row == NULL)
      {
        g_autofree char *message =
            g_strdup_printf ("%s %s not found.", hy_sim_tables[table].label, id_text);

        reply_error (reply, 404, SHAPE_MESSAGE, message);
        return;
      }

    if (table == HY_SIM_TABLE_ASSET_TYPES && query_true (query, "includedetails"))
      {
        /* The type's fields (TypeInfo) come only with the single type's details. */
        g_autoptr (JsonObject) details = row_without (row, (const char *const[]){ NULL });

        json_object_set_array_member (details, "fields", hy_sim_asset_type_fields ());
        reply_object (reply, 200, details);
        return;
      }

    if (table == HY_SIM_TABLE_TICKETS && !query_true (query, "includedetails"))
      {
        g_autoptr (JsonObject) partial = row_without (row, ticket_details);

        reply_object (reply, 200, partial);
        return;
      }

    {
      g_autoptr (JsonObject) shown = public_row (table, row);

      reply_object (reply, 200, shown);
    }
  }
}

/* Applies a /_sim/faults document; called without the mutex. */
static gboolean
apply_faults (HySim *self, JsonObject *faults, GError **error)
{
  JsonObject *object;

  if (json_object_has_member (faults, "rate_limit"))
    {
      object = json_object_get_object_member (faults, "rate_limit");
      if (object == NULL)
        {
          g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                               "\"rate_limit\" must be an object {max, window_ms, retry_after}.");
          return FALSE;
        }
      hy_sim_set_rate_limit (self, (guint) hy_sim_row_int (object, "max"),
                             json_object_has_member (object, "window_ms")
                                 ? (guint) hy_sim_row_int (object, "window_ms")
                                 : 300000,
                             hy_sim_row_bool (object, "retry_after"));
    }

  if (json_object_has_member (faults, "latency_ms"))
    hy_sim_set_latency (self, (guint) hy_sim_row_int (faults, "latency_ms"));

  if (json_object_has_member (faults, "server_errors"))
    {
      JsonNode *node = json_object_get_member (faults, "server_errors");
      double fraction = JSON_NODE_HOLDS_VALUE (node) ? json_node_get_double (node) : 0.0;

      hy_sim_set_server_errors (self, fraction, 1);
    }

  if (json_object_has_member (faults, "fail_next"))
    {
      object = json_object_get_object_member (faults, "fail_next");
      if (object == NULL)
        {
          g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                               "\"fail_next\" must be an object {count, status}.");
          return FALSE;
        }
      hy_sim_fail_next (self, (guint) hy_sim_row_int (object, "count"),
                        (guint) hy_sim_row_int (object, "status"));
    }

  if (json_object_has_member (faults, "drop_after_commit"))
    hy_sim_drop_after_commit (self, (guint) hy_sim_row_int (faults, "drop_after_commit"));

  if (json_object_has_member (faults, "error_after_commit"))
    {
      object = json_object_get_object_member (faults, "error_after_commit");
      if (object == NULL)
        {
          g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                               "\"error_after_commit\" must be an object {every, status}.");
          return FALSE;
        }
      hy_sim_set_error_after_commit (self, (guint) hy_sim_row_int (object, "every"),
                                     json_object_has_member (object, "status")
                                         ? (guint) hy_sim_row_int (object, "status")
                                         : 500);
    }

  if (json_object_has_member (faults, "token_lifetime"))
    hy_sim_set_token_lifetime (self, (guint) hy_sim_row_int (faults, "token_lifetime"));

  if (hy_sim_row_bool (faults, "revoke_tokens"))
    hy_sim_revoke_tokens (self);

  if (json_object_has_member (faults, "page_cap"))
    hy_sim_set_page_cap (self, (guint) hy_sim_row_int (faults, "page_cap"));

  if (json_object_has_member (faults, "down"))
    hy_sim_set_down (self, hy_sim_row_bool (faults, "down"));

  if (json_object_has_member (faults, "ignore_returnall"))
    hy_sim_set_ignore_returnall (self, hy_sim_row_bool (faults, "ignore_returnall"));

  if (json_object_has_member (faults, "asset_page_cap"))
    hy_sim_set_asset_page_cap (self, (guint) hy_sim_row_int (faults, "asset_page_cap"));

  if (json_object_has_member (faults, "lenient"))
    {
      HySimLenient lenient;

      if (!hy_sim_lenient_parse (hy_sim_row_string (faults, "lenient"), &lenient, error))
        return FALSE;
      hy_sim_set_lenient (self, lenient);
    }

  if (json_object_has_member (faults, "granted_scopes"))
    hy_sim_set_granted_scopes (self, hy_sim_row_string (faults, "granted_scopes"));

  if (hy_sim_row_bool (faults, "reset_counters"))
    hy_sim_reset_counters (self);

  return TRUE;
}

/* /_sim/…: control and inspection, no auth, not counted, never faulted. */
static void
handle_sim (HySim *self, SoupServerMessage *msg, const char *method, const char *path, Reply *reply)
{
  SoupMessageBody *request_body = soup_server_message_get_request_body (msg);

  if (g_strcmp0 (path, "/_sim/state") == 0 && g_strcmp0 (method, "GET") == 0)
    {
      g_autoptr (JsonNode) state = hy_sim_dump_state (self);

      reply_node (reply, 200, state);
      return;
    }

  if ((g_strcmp0 (path, "/_sim/faults") == 0 || g_strcmp0 (path, "/_sim/seed") == 0) &&
      g_strcmp0 (method, "POST") == 0)
    {
      g_autoptr (GBytes) bytes = soup_message_body_flatten (request_body);
      g_autoptr (JsonParser) parser = json_parser_new ();
      g_autoptr (GError) error = NULL;
      JsonNode *root;

      if (!json_parser_load_from_data (parser, g_bytes_get_data (bytes, NULL),
                                       g_bytes_get_size (bytes), &error))
        {
          reply_error (reply, 400, SHAPE_ERROR, error->message);
          return;
        }

      root = json_parser_get_root (parser);
      if (g_strcmp0 (path, "/_sim/seed") == 0)
        {
          g_mutex_lock (&self->mutex);
          if (!hy_sim_store_load (self->store, root, &error))
            {
              g_mutex_unlock (&self->mutex);
              reply_error (reply, 400, SHAPE_ERROR, error->message);
              return;
            }
          g_mutex_unlock (&self->mutex);
        }
      else if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
        {
          reply_error (reply, 400, SHAPE_ERROR, "The faults document must be a JSON object.");
          return;
        }
      else if (!apply_faults (self, json_node_get_object (root), &error))
        {
          reply_error (reply, 400, SHAPE_ERROR, error->message);
          return;
        }

      reply->status = 204;
      return;
    }

  /* What a technician does in Halo's own window: an action (a note, time) on a ticket as
   * their agent. {"ticket_id": N, "agent_id": N, "note": S, "timetaken": hours} */
  if (g_strcmp0 (path, "/_sim/agent-action") == 0 && g_strcmp0 (method, "POST") == 0)
    {
      g_autoptr (GBytes) bytes = soup_message_body_flatten (request_body);
      g_autoptr (JsonParser) parser = json_parser_new ();
      g_autoptr (GError) error = NULL;
      JsonObject *o;
      gint64 id;

      if (!json_parser_load_from_data (parser, g_bytes_get_data (bytes, NULL),
                                       g_bytes_get_size (bytes), &error) ||
          !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
        {
          reply_error (reply, 400, SHAPE_ERROR,
                       error != NULL ? error->message : "The action must be a JSON object.");
          return;
        }
      o = json_node_get_object (json_parser_get_root (parser));
      id = hy_sim_add_agent_action (self,
                                    json_object_get_int_member_with_default (o, "ticket_id", 0),
                                    json_object_get_int_member_with_default (o, "agent_id", 0),
                                    json_object_get_string_member_with_default (o, "note", ""),
                                    json_object_get_double_member_with_default (o, "timetaken", 0),
                                    &error);
      if (id <= 0)
        {
          reply_error (reply, 400, SHAPE_ERROR, error->message);
          return;
        }
      reply->status = 204;
      return;
    }

  reply_error (reply, 404, SHAPE_TEXT, "Unknown simulator control endpoint.");
}

/* Returns TRUE when the rolling window is full (the request is then not counted). */
static gboolean
rate_limited (HySim *self, guint *retry_after)
{
  gint64 now = g_get_monotonic_time ();
  gint64 window = (gint64) self->rate_window_ms * 1000;

  if (self->rate_max == 0)
    return FALSE;

  while (!g_queue_is_empty (&self->rate_times))
    {
      gint64 *oldest = g_queue_peek_head (&self->rate_times);

      if (*oldest + window > now)
        break;
      g_free (g_queue_pop_head (&self->rate_times));
    }

  if (g_queue_get_length (&self->rate_times) >= self->rate_max)
    {
      gint64 *oldest = g_queue_peek_head (&self->rate_times);
      gint64 wait = *oldest + window - now;

      *retry_after = (guint) MAX (1, (wait + G_USEC_PER_SEC - 1) / G_USEC_PER_SEC);
      return TRUE;
    }

  g_queue_push_tail (&self->rate_times, g_memdup2 (&now, sizeof now));
  return FALSE;
}

/* ------------------------------------------------------------------------------------------ */
/* Server thread                                                                              */
/* ------------------------------------------------------------------------------------------ */

/* An answer held back by the latency. The client may hang up (a cancelled request) and the
 * server may shut down while it waits: either closes the connection, after which the message
 * must never be unpaused (libsoup asserts on it), so the wait ends with the connection. */
typedef struct
{
  HySim *self;
  SoupServerMessage *msg; /* a reference */
  GSource *source;        /* a reference; the timeout */
  gulong disconnected_id;
  gulong finished_id;
} Delayed;

static void
delayed_free (gpointer data)
{
  Delayed *delayed = data;

  g_clear_signal_handler (&delayed->disconnected_id, delayed->msg);
  g_clear_signal_handler (&delayed->finished_id, delayed->msg);
  g_source_destroy (delayed->source);
  g_source_unref (delayed->source);
  g_object_unref (delayed->msg);
  g_free (delayed);
}

static gboolean
delayed_reply_cb (gpointer user_data)
{
  Delayed *delayed = user_data;
  g_autoptr (SoupServerMessage) msg = g_object_ref (delayed->msg);

  /* Removing it frees it (and destroys this source, which is being dispatched: harmless). */
  g_ptr_array_remove_fast (delayed->self->delayed, delayed);
  soup_server_message_unpause (msg);
  return G_SOURCE_REMOVE;
}

/* The connection closed, or libsoup gave up on the message (an I/O error): no answer to send. */
static void
delayed_gone_cb (SoupServerMessage *msg, gpointer user_data)
{
  Delayed *delayed = user_data;

  g_ptr_array_remove_fast (delayed->self->delayed, delayed);
}

static void
delay_answer (HySim *self, SoupServerMessage *msg, guint latency_ms)
{
  Delayed *delayed = g_new0 (Delayed, 1);

  delayed->self = self;
  delayed->msg = g_object_ref (msg);
  delayed->source = g_timeout_source_new (latency_ms);
  delayed->disconnected_id =
      g_signal_connect (msg, "disconnected", G_CALLBACK (delayed_gone_cb), delayed);
  delayed->finished_id = g_signal_connect (msg, "finished", G_CALLBACK (delayed_gone_cb), delayed);
  g_ptr_array_add (self->delayed, delayed);

  soup_server_message_pause (msg);
  g_source_set_callback (delayed->source, delayed_reply_cb, delayed, NULL);
  g_source_attach (delayed->source, self->context);
}

static void
deliver (HySim *self, SoupServerMessage *msg, Reply *reply, guint latency_ms)
{
  if (reply->drop)
    {
      /* The write is committed; the client never hears about it. */
      g_autoptr (GIOStream) stream = soup_server_message_steal_connection (msg);

      if (stream != NULL)
        g_io_stream_close (stream, NULL, NULL);
      return;
    }

  if (reply->retry_after > 0)
    {
      char seconds[16];

      g_snprintf (seconds, sizeof seconds, "%u", reply->retry_after);
      soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Retry-After",
                                    seconds);
    }

  if (reply->bearer_challenge)
    soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                  "WWW-Authenticate", "Bearer");

  if (reply->body != NULL)
    soup_server_message_set_response (msg, reply->content_type, SOUP_MEMORY_TAKE,
                                      g_steal_pointer (&reply->body), reply->length);
  soup_server_message_set_status (msg, reply->status, NULL);

  if (latency_ms > 0)
    delay_answer (self, msg, latency_ms);
}

static void
server_cb (SoupServer *server,
           SoupServerMessage *msg,
           const char *raw_path,
           GHashTable *raw_query,
           gpointer user_data)
{
  HySim *self = user_data;
  const char *method = soup_server_message_get_method (msg);
  g_autofree char *path = g_ascii_strdown (raw_path, -1);
  g_autoptr (GHashTable) query = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_auto (Reply) reply = { 0 };
  gboolean is_api;
  gboolean is_auth;
  guint latency_ms;

  /* Query parameter names are case-insensitive, as ASP.NET binds them. */
  if (raw_query != NULL)
    {
      GHashTableIter iter;
      gpointer key;
      gpointer value;

      g_hash_table_iter_init (&iter, raw_query);
      while (g_hash_table_iter_next (&iter, &key, &value))
        g_hash_table_insert (query, g_ascii_strdown (key, -1), value);
    }

  while (strlen (path) > 1 && g_str_has_suffix (path, "/"))
    path[strlen (path) - 1] = '\0';

  if (g_str_has_prefix (path, "/_sim/"))
    {
      handle_sim (self, msg, method, path, &reply);
      deliver (self, msg, &reply, 0);
      return;
    }

  is_api = g_str_has_prefix (path, "/api/");
  is_auth = g_strcmp0 (path, "/auth") == 0 || g_str_has_prefix (path, "/auth/");

  g_mutex_lock (&self->mutex);

  {
    LoggedRequest *logged = g_new0 (LoggedRequest, 1);

    logged->method = g_strdup (method);
    logged->path = g_strdup (path);
    g_ptr_array_add (self->request_log, logged);
    self->request_count++;
  }

  latency_ms = self->latency_ms;

  if (self->down && (is_api || is_auth))
    {
      reply_status (self, &reply, 503);
    }
  else if ((is_api || is_auth) && rate_limited (self, &reply.retry_after))
    {
      char message[160];

      rate_limit_message (self, message, sizeof message);
      reply_error (&reply, 429, SHAPE_TEXT, message);
      if (!self->rate_retry_after)
        reply.retry_after = 0;
    }
  else if (is_api && self->fail_next_count > 0)
    {
      self->fail_next_count--;
      reply_status (self, &reply, self->fail_next_status);
    }
  else if (is_api && self->server_error_fraction > 0 &&
           g_rand_double (self->server_error_rand) < self->server_error_fraction)
    {
      reply_status (self, &reply, g_rand_boolean (self->server_error_rand) ? 500 : 502);
    }
  else if (g_strcmp0 (path, "/auth/token") == 0)
    {
      if (g_strcmp0 (method, "POST") == 0)
        handle_token (self, msg, query, &reply);
      else
        reply_error (&reply, 405, SHAPE_ERROR, "invalid_request");
    }
  else if (is_api)
    {
      handle_api (self, msg, method, path, query, &reply);
    }
  else
    {
      reply_error (&reply, 404, SHAPE_TEXT, "Not Found");
    }

  g_mutex_unlock (&self->mutex);

  deliver (self, msg, &reply, latency_ms);
}

static gboolean
quit_loop_cb (gpointer user_data)
{
  g_main_loop_quit (user_data);
  return G_SOURCE_REMOVE;
}

static gpointer
server_thread (gpointer user_data)
{
  HySim *self = user_data;
  g_autoptr (GSocketAddress) address = NULL;
  g_autoptr (GError) error = NULL;
  gboolean listening;

  g_main_context_push_thread_default (self->context);

  self->delayed = g_ptr_array_new_with_free_func (delayed_free);
  self->server = soup_server_new ("server-header", "halyard-sim ", NULL);
  soup_server_add_handler (self->server, NULL, server_cb, self, NULL);
  address = g_inet_socket_address_new_from_string ("127.0.0.1", self->requested_port);
  listening = soup_server_listen (self->server, address, 0, &error);

  g_mutex_lock (&self->mutex);
  if (listening)
    {
      GSList *uris = soup_server_get_uris (self->server);

      self->port = uris != NULL ? (guint16) g_uri_get_port (uris->data) : 0;
      g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
      g_free (self->base_url);
      self->base_url = g_strdup_printf ("http://127.0.0.1:%u", self->port);
    }
  else
    {
      g_set_error (&self->start_error, HY_SIM_ERROR, HY_SIM_ERROR_LISTEN,
                   "Cannot listen on 127.0.0.1:%u: %s", self->requested_port, error->message);
    }
  self->start_done = TRUE;
  g_cond_broadcast (&self->start_cond);
  g_mutex_unlock (&self->mutex);

  if (listening)
    g_main_loop_run (self->loop);

  /* Answers still held back are never sent: their timeouts must not fire on the closed
   * connections while the context drains below. */
  g_clear_pointer (&self->delayed, g_ptr_array_unref);
  soup_server_disconnect (self->server);
  g_clear_object (&self->server);

  /* Let sources that were cancelled by the disconnect run their cleanups. */
  while (g_main_context_iteration (self->context, FALSE))
    ;

  g_main_context_pop_thread_default (self->context);

  return NULL;
}

/* ------------------------------------------------------------------------------------------ */
/* GObject                                                                                    */
/* ------------------------------------------------------------------------------------------ */

static void
hy_sim_dispose (GObject *object)
{
  HySim *self = HY_SIM (object);

  hy_sim_stop (self);

  G_OBJECT_CLASS (hy_sim_parent_class)->dispose (object);
}

static void
hy_sim_finalize (GObject *object)
{
  HySim *self = HY_SIM (object);

  hy_sim_store_free (self->store);
  g_free (self->client_id);
  g_free (self->client_secret);
  g_free (self->tenant);
  g_strfreev (self->granted_scopes);
  g_hash_table_unref (self->tokens);
  g_queue_clear_full (&self->rate_times, g_free);
  g_rand_free (self->server_error_rand);
  g_ptr_array_unref (self->request_log);
  g_clear_pointer (&self->cached_matches, g_ptr_array_unref);
  g_free (self->cached_key);
  g_free (self->base_url);
  g_clear_error (&self->start_error);
  g_mutex_clear (&self->mutex);
  g_cond_clear (&self->start_cond);

  G_OBJECT_CLASS (hy_sim_parent_class)->finalize (object);
}

static void
hy_sim_class_init (HySimClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = hy_sim_dispose;
  object_class->finalize = hy_sim_finalize;
}

static void
hy_sim_init (HySim *self)
{
  g_mutex_init (&self->mutex);
  g_cond_init (&self->start_cond);
  self->store = hy_sim_store_new ();
  self->client_id = g_strdup ("halyard-demo");
  self->client_secret = g_strdup ("demo-secret");
  self->tenant = g_strdup ("demo");
  self->granted_scopes = split_scopes ("all");
  self->tokens = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, token_free);
  self->token_lifetime = 3600;
  self->rate_window_ms = 300000;
  g_queue_init (&self->rate_times);
  self->server_error_rand = g_rand_new_with_seed (1);
  self->page_cap = 100;
  self->request_log = g_ptr_array_new_with_free_func (logged_request_free);
}

/* ------------------------------------------------------------------------------------------ */
/* Public API                                                                                 */
/* ------------------------------------------------------------------------------------------ */

void
hy_sim_generate_options_init (HySimGenerateOptions *options)
{
  g_return_if_fail (options != NULL);

  options->clients = 20;
  options->sites_per_client = 2;
  options->assets_per_client = 10;
  options->agents = 5;
  options->seed = 1;
}

HySim *
hy_sim_new (void)
{
  return g_object_new (HY_TYPE_SIM, NULL);
}

gboolean
hy_sim_load_seed_file (HySim *self, const char *path, GError **error)
{
  g_autofree char *contents = NULL;
  gsize length;

  g_return_val_if_fail (HY_IS_SIM (self), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  if (!g_file_get_contents (path, &contents, &length, error))
    return FALSE;

  return hy_sim_load_seed_json (self, contents, (gssize) length, error);
}

gboolean
hy_sim_load_seed_json (HySim *self, const char *json, gssize len, GError **error)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GError) local_error = NULL;
  gboolean ok;

  g_return_val_if_fail (HY_IS_SIM (self), FALSE);
  g_return_val_if_fail (json != NULL, FALSE);

  if (!json_parser_load_from_data (parser, json, len, &local_error))
    {
      g_set_error (error, HY_SIM_ERROR, HY_SIM_ERROR_INVALID_SEED, "The seed is not valid JSON: %s",
                   local_error->message);
      return FALSE;
    }

  g_mutex_lock (&self->mutex);
  ok = hy_sim_store_load (self->store, json_parser_get_root (parser), error);
  g_mutex_unlock (&self->mutex);

  return ok;
}

void
hy_sim_generate (HySim *self, const HySimGenerateOptions *options)
{
  HySimGenerateOptions defaults;

  g_return_if_fail (HY_IS_SIM (self));

  if (options == NULL)
    {
      hy_sim_generate_options_init (&defaults);
      options = &defaults;
    }

  g_mutex_lock (&self->mutex);
  hy_sim_store_generate (self->store, options);
  g_mutex_unlock (&self->mutex);
}

void
hy_sim_set_credentials (HySim *self,
                        const char *client_id,
                        const char *client_secret,
                        const char *tenant)
{
  g_return_if_fail (HY_IS_SIM (self));
  g_return_if_fail (client_id != NULL && client_secret != NULL);

  g_mutex_lock (&self->mutex);
  g_free (self->client_id);
  self->client_id = g_strdup (client_id);
  g_free (self->client_secret);
  self->client_secret = g_strdup (client_secret);
  g_free (self->tenant);
  self->tenant = g_strdup (tenant != NULL ? tenant : "");
  g_mutex_unlock (&self->mutex);
}

void
hy_sim_set_granted_scopes (HySim *self, const char *space_separated_scopes)
{
  g_return_if_fail (HY_IS_SIM (self));

  g_mutex_lock (&self->mutex);
  g_strfreev (self->granted_scopes);
  self->granted_scopes = split_scopes (space_separated_scopes);
  g_mutex_unlock (&self->mutex);
}

void
hy_sim_set_require_tenant (HySim *self, gboolean require)
{
  g_return_if_fail (HY_IS_SIM (self));

  g_mutex_lock (&self->mutex);
  self->require_tenant = require;
  g_mutex_unlock (&self->mutex);
}

gboolean
hy_sim_start (HySim *self, guint16 port, GError **error)
{
  gboolean ok;

  g_return_val_if_fail (HY_IS_SIM (self), FALSE);

  if (self->thread != NULL)
    {
      g_set_error_literal (error, HY_SIM_ERROR, HY_SIM_ERROR_RUNNING,
                           "The simulator is already running.");
      return FALSE;
    }

  self->context = g_main_context_new ();
  self->loop = g_main_loop_new (self->context, FALSE);
  self->requested_port = port;
  self->start_done = FALSE;
  g_clear_error (&self->start_error);

  self->thread = g_thread_new ("halyard-sim", server_thread, self);

  g_mutex_lock (&self->mutex);
  while (!self->start_done)
    g_cond_wait (&self->start_cond, &self->mutex);
  ok = self->start_error == NULL;
  if (!ok)
    g_propagate_error (error, g_steal_pointer (&self->start_error));
  g_mutex_unlock (&self->mutex);

  if (!ok)
    hy_sim_stop (self);

  return ok;
}

const char *
hy_sim_get_base_url (HySim *self)
{
  g_return_val_if_fail (HY_IS_SIM (self), NULL);

  return self->base_url;
}

guint16
hy_sim_get_port (HySim *self)
{
  g_return_val_if_fail (HY_IS_SIM (self), 0);

  return self->port;
}

void
hy_sim_stop (HySim *self)
{
  g_return_if_fail (HY_IS_SIM (self));

  if (self->thread == NULL)
    return;

  /* Quit from inside the loop: a g_main_loop_quit () from here could come before the thread
   * has entered g_main_loop_run () and be lost. */
  {
    GSource *source = g_idle_source_new ();

    g_source_set_callback (source, quit_loop_cb, self->loop, NULL);
    g_source_attach (source, self->context);
    g_source_unref (source);
  }
  g_thread_join (g_steal_pointer (&self->thread));
  g_clear_pointer (&self->loop, g_main_loop_unref);
  g_clear_pointer (&self->context, g_main_context_unref);
}

void
hy_sim_set_rate_limit (HySim *self, guint max_requests, guint window_ms, gboolean send_retry_after)
{
  g_return_if_fail (HY_IS_SIM (self));

  g_mutex_lock (&self->mutex);
  self->rate_max = max_requests;
  self->rate_window_ms = window_ms > 0 ? window_ms : 300000;
  self->rate_retry_after = send_retry_after;
  g_queue_clear_full (&self->rate_times, g_free);
  g_mutex_unlock (&self->mutex);
}

void
hy_sim_set_latency (HySim *self, guint ms)
{
  g_return_if_fail (HY_IS_SIM (self));

  g_mutex_lock (&self->mutex);
  self->latency_ms = ms;
  g_mutex_unlock (&self->mutex);
}

void
hy_sim_set_server_errors (HySim *self, double fraction, guint32 seed)
{
  g_return_if_fail (HY_IS_SIM (self));

  g_mutex_lock (&self->mutex);
  self->server_error_fraction = CLAMP (fraction, 0.0, 1.0);
  g_rand_set_seed (self->server_error_rand, seed);
  g_mutex_unlock (&self->mutex);
}

void
hy_sim_fail_next (HySim *self, guint count, guint status)
{
  g_return_if_fail (HY_IS_SIM (self));

  g_mutex_lock (&self->mutex);
  self->fail_next_count = status >= 100 && status <= 599 ? count : 0;
  self->fail_next_status = status;
  g_mutex_unlock (&self->mutex);
}

void
hy_sim_drop_after_commit (HySim *self, guint next_n_writes)
{
  g_return_if_fail (HY_IS_SIM (self));

  g_mutex_lock (&self->mutex);
  self->drop_writes = next_n_writes;
  g_mutex_unlock (&self->mutex);
}

/**
 * hy_sim_set_error_after_commit:
 * @every: every Nth POST that creates a record is saved, then answered with @status (0: off)
 * @status: the error status (400 to 599; 500, 502 and 503 are what a failing Halo or its proxy
 *   sends)
 *
 * Counting starts again at each call.
 */
void
hy_sim_set_error_after_commit (HySim *self, guint every, guint status)
{
  g_return_if_fail (HY_IS_SIM (self));

  g_mutex_lock (&self->mutex);
  self->error_after_commit_every = status >= 400 && status <= 599 ? every : 0;
  self->error_after_commit_status = status;
  self->committed_creates = 0;
  g_mutex_unlock (&self->mutex);
}

void
hy_sim_set_token_lifetime (HySim *self, guint seconds)
{
  g_return_if_fail (HY_IS_SIM (self));

  g_mutex_lock (&self->mutex);
  self->token_lifetime = seconds;
  g_mutex_unlock (&self->mutex);
}

void
hy_sim_revoke_tokens (HySim *self)
{
  g_return_if_fail (HY_IS_SIM (self));

  g_mutex_lock (&self->mutex);
  g_hash_table_remove_all (self->tokens);
  g_mutex_unlock (&self->mutex);
}

void
hy_sim_set_page_cap (HySim *self, guint cap)
{
  g_return_if_fail (HY_IS_SIM (self));

  g_mutex_lock (&self->mutex);
  self->page_cap = cap > 0 ? cap : 100;
  g_mutex_unlock (&self->mutex);
}

gint64
hy_sim_add_agent_action (HySim *self,
                         gint64 ticket_id,
                         gint64 agent_id,
                         const char *note,
                         double hours,
                         GError **error)
{
  JsonObject *ticket;
  JsonObject *agent;
  JsonObject *row;
  g_autofree char *now = hy_sim_now_iso8601 ();
  gint64 id;

  g_return_val_if_fail (HY_IS_SIM (self), 0);

  g_mutex_lock (&self->mutex);
  ticket = hy_sim_store_lookup (self->store, HY_SIM_TABLE_TICKETS, ticket_id);
  agent = hy_sim_store_lookup (self->store, HY_SIM_TABLE_AGENTS, agent_id);
  if (ticket == NULL || agent == NULL)
    {
      g_mutex_unlock (&self->mutex);
      g_set_error (error, HY_SIM_ERROR, HY_SIM_ERROR_INVALID_SEED,
                   "No ticket %" G_GINT64_FORMAT " or no agent %" G_GINT64_FORMAT ".", ticket_id,
                   agent_id);
      return 0;
    }
  row = json_object_new ();
  json_object_set_int_member (row, "ticket_id", ticket_id);
  json_object_set_string_member (row, "outcome", "Note");
  json_object_set_int_member (row, "who_agentid", agent_id);
  json_object_set_string_member (row, "who", hy_sim_row_string (agent, "name"));
  json_object_set_int_member (row, "actionby_agent_id", agent_id);
  json_object_set_string_member (row, "note", note != NULL ? note : "");
  json_object_set_double_member (row, "timetaken", hours);
  json_object_set_string_member (row, "datetime", now);
  json_object_set_boolean_member (row, "hiddenfromuser", TRUE);
  row = hy_sim_store_insert (self->store, HY_SIM_TABLE_ACTIONS, row);
  id = hy_sim_row_id (row);
  g_mutex_unlock (&self->mutex);
  return id;
}

void
hy_sim_set_ignore_returnall (HySim *self, gboolean ignore)
{
  g_return_if_fail (HY_IS_SIM (self));

  g_mutex_lock (&self->mutex);
  self->ignore_returnall = ignore;
  g_mutex_unlock (&self->mutex);
}

void
hy_sim_set_asset_page_cap (HySim *self, guint cap)
{
  g_return_if_fail (HY_IS_SIM (self));

  g_mutex_lock (&self->mutex);
  self->asset_page_cap = cap;
  g_mutex_unlock (&self->mutex);
}

void
hy_sim_set_lenient (HySim *self, HySimLenient flags)
{
  g_return_if_fail (HY_IS_SIM (self));

  g_mutex_lock (&self->mutex);
  self->store->lenient = flags;
  g_mutex_unlock (&self->mutex);
}

gboolean
hy_sim_lenient_parse (const char *text, HySimLenient *out, GError **error)
{
  static const struct
  {
    const char *name;
    HySimLenient flag;
  } names[] = {
    { "who_agentid", HY_SIM_LENIENT_WHO_AGENTID },
  };
  g_auto (GStrv) parts = g_strsplit_set (text != NULL ? text : "", ", ", -1);

  *out = HY_SIM_LENIENT_NONE;
  for (guint i = 0; parts[i] != NULL; i++)
    {
      guint n;

      if (*parts[i] == '\0')
        continue;
      for (n = 0; n < G_N_ELEMENTS (names); n++)
        if (g_ascii_strcasecmp (parts[i], names[n].name) == 0)
          break;
      if (n == G_N_ELEMENTS (names))
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                       "Unknown leniency \"%s\" (known: who_agentid).", parts[i]);
          return FALSE;
        }
      *out |= names[n].flag;
    }

  return TRUE;
}

void
hy_sim_set_down (HySim *self, gboolean down)
{
  g_return_if_fail (HY_IS_SIM (self));

  g_mutex_lock (&self->mutex);
  self->down = down;
  g_mutex_unlock (&self->mutex);
}

JsonNode *
hy_sim_dump_state (HySim *self)
{
  JsonNode *node;
  JsonObject *state;

  g_return_val_if_fail (HY_IS_SIM (self), NULL);

  g_mutex_lock (&self->mutex);
  state = hy_sim_store_dump (self->store);
  json_object_set_int_member (state, "requests", self->request_count);
  g_mutex_unlock (&self->mutex);

  node = json_node_new (JSON_NODE_OBJECT);
  json_node_take_object (node, state);

  return node;
}

guint
hy_sim_get_request_count (HySim *self)
{
  guint count;

  g_return_val_if_fail (HY_IS_SIM (self), 0);

  g_mutex_lock (&self->mutex);
  count = self->request_count;
  g_mutex_unlock (&self->mutex);

  return count;
}

guint
hy_sim_count_requests (HySim *self, const char *method, const char *path_prefix_ci)
{
  g_autofree char *prefix = NULL;
  guint count = 0;

  g_return_val_if_fail (HY_IS_SIM (self), 0);

  prefix = g_ascii_strdown (path_prefix_ci != NULL ? path_prefix_ci : "", -1);

  g_mutex_lock (&self->mutex);
  for (guint i = 0; i < self->request_log->len; i++)
    {
      LoggedRequest *request = g_ptr_array_index (self->request_log, i);

      if ((method == NULL || g_ascii_strcasecmp (method, request->method) == 0) &&
          g_str_has_prefix (request->path, prefix))
        count++;
    }
  g_mutex_unlock (&self->mutex);

  return count;
}

void
hy_sim_reset_counters (HySim *self)
{
  g_return_if_fail (HY_IS_SIM (self));

  g_mutex_lock (&self->mutex);
  self->request_count = 0;
  g_ptr_array_set_size (self->request_log, 0);
  g_mutex_unlock (&self->mutex);
}
