/* hy-sim.c — HySim: the HTTP face of the simulator: its thread, its routes and its writes.
 * Sign-in is in hy-sim-auth.c, faults in hy-sim-faults.c, lists and reads in hy-sim-query.c.
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
  char *method;
  char *path; /* lower case */
  char *body; /* an /api write's body as it arrived; NULL for other requests */
} LoggedRequest;

G_DEFINE_FINAL_TYPE (HySim, hy_sim, G_TYPE_OBJECT)

/* clang-format off */
G_DEFINE_QUARK (hy-sim-error-quark, hy_sim_error)
/* clang-format on */

/* ------------------------------------------------------------------------------------------ */
/* Replies                                                                                    */
/* ------------------------------------------------------------------------------------------ */

void
_hy_sim_reply_clear (HySimReply *reply)
{
  g_clear_pointer (&reply->body, g_free);
}

void
_hy_sim_reply_text (HySimReply *reply, guint status, const char *text)
{
  g_free (reply->body);
  reply->status = status;
  reply->content_type = "text/plain; charset=utf-8";
  reply->body = g_strdup (text);
  reply->length = strlen (text);
}

void
_hy_sim_reply_node (HySimReply *reply, guint status, JsonNode *node)
{
  g_autoptr (JsonGenerator) generator = json_generator_new ();

  json_generator_set_root (generator, node);
  g_free (reply->body);
  reply->status = status;
  reply->content_type = "application/json; charset=utf-8";
  reply->body = json_generator_to_data (generator, &reply->length);
}

void
_hy_sim_reply_object (HySimReply *reply, guint status, JsonObject *object)
{
  g_autoptr (JsonNode) node = json_node_new (JSON_NODE_OBJECT);

  json_node_set_object (node, object);
  _hy_sim_reply_node (reply, status, node);
}

void
_hy_sim_reply_array (HySimReply *reply, guint status, JsonArray *array)
{
  g_autoptr (JsonNode) node = json_node_new (JSON_NODE_ARRAY);

  json_node_set_array (node, array);
  _hy_sim_reply_node (reply, status, node);
}

void
_hy_sim_reply_error (HySimReply *reply, guint status, HySimShape shape, const char *message)
{
  g_autoptr (JsonObject) object = json_object_new ();

  switch (shape)
    {
      case HY_SIM_SHAPE_ERROR:
        json_object_set_string_member (object, "error", message);
        break;
      case HY_SIM_SHAPE_MESSAGE:
        json_object_set_string_member (object, "Message", message);
        break;
      case HY_SIM_SHAPE_CLASSNAME:
        json_object_set_string_member (object, "ClassName",
                                       status >= 500 ? "System.Exception"
                                                     : "Halo.Exceptions.HaloException");
        json_object_set_string_member (object, "Message", message);
        break;
      case HY_SIM_SHAPE_RESULT_CODE:
        json_object_set_int_member (object, "resultCode", 1);
        json_object_set_string_member (object, "errorMessage", message);
        break;
      case HY_SIM_SHAPE_TEXT:
        _hy_sim_reply_text (reply, status, message);
        return;
      case HY_SIM_SHAPE_HTML:
        {
          g_autofree char *html =
              g_strdup_printf ("<html><head><title>%u %s</title></head><body><h1>%u "
                               "%s</h1></body></html>",
                               status, message, status, message);

          _hy_sim_reply_text (reply, status, html);
          reply->content_type = "text/html; charset=utf-8";
        }
        return;
      default:
        g_assert_not_reached ();
    }

  _hy_sim_reply_object (reply, status, object);
}

/* ------------------------------------------------------------------------------------------ */
/* Endpoints (all called with the mutex held, but /_sim/)                                     */
/* ------------------------------------------------------------------------------------------ */

static void
logged_request_free (gpointer data)
{
  LoggedRequest *request = data;

  g_free (request->method);
  g_free (request->path);
  g_free (request->body);
  g_free (request);
}

static HySimTable
table_for_path (const char *segment)
{
  for (guint t = 0; t < HY_SIM_N_TABLES; t++)
    if (g_strcmp0 (segment, hy_sim_tables[t].path) == 0)
      return t;

  return HY_SIM_N_TABLES;
}

static HySimShape
post_error_shape (HySimTable table, const GError *error)
{
  if (g_error_matches (error, HY_SIM_POST_ERROR, HY_SIM_POST_ERROR_NOT_FOUND))
    return HY_SIM_SHAPE_MESSAGE;

  switch (table)
    {
      case HY_SIM_TABLE_TICKETS:
        return HY_SIM_SHAPE_CLASSNAME;
      case HY_SIM_TABLE_ACTIONS:
        return HY_SIM_SHAPE_TEXT;
      case HY_SIM_TABLE_CLIENTS:
      case HY_SIM_TABLE_SITES:
      case HY_SIM_TABLE_ASSETS:
      case HY_SIM_TABLE_USERS:
        return HY_SIM_SHAPE_RESULT_CODE;
      case HY_SIM_TABLE_AGENTS:
      case HY_SIM_TABLE_TICKET_TYPES:
      case HY_SIM_TABLE_STATUSES:
      case HY_SIM_TABLE_OUTCOMES:
      case HY_SIM_TABLE_ASSET_TYPES:
      case HY_SIM_TABLE_TEAMS:
      case HY_SIM_TABLE_PRIORITIES:
      case HY_SIM_N_TABLES:
      default:
        return HY_SIM_SHAPE_MESSAGE;
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
handle_post (HySim *self,
             HySimTable table,
             SoupServerMessage *msg,
             GHashTable *query,
             HySimReply *reply)
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

      _hy_sim_reply_error (reply, 400, HY_SIM_SHAPE_ERROR, message);
      return;
    }

  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_ARRAY (root))
    {
      _hy_sim_reply_error (reply, 400, HY_SIM_SHAPE_ERROR,
                           "Cannot deserialize the request body: a JSON array of records is "
                           "expected.");
      return;
    }

  saved = hy_sim_store_post (self->store, table, json_node_get_array (root), &all_saved, &error);
  if (saved == NULL)
    {
      _hy_sim_reply_error (reply, 400, post_error_shape (table, error), error->message);
      return;
    }

  /* Several items: Halo answers with the last one only, unless ?returnall=true (which an
   * instance may ignore: hy_sim_set_ignore_returnall ()). */
  if (!self->ignore_returnall && _hy_sim_query_true (query, "returnall"))
    {
      JsonArray *array = json_array_new ();

      for (guint i = 0; i < all_saved->len; i++)
        json_array_add_object_element (array,
                                       _hy_sim_public_row (table,
                                                           g_ptr_array_index (all_saved, i)));
      _hy_sim_reply_array (reply, 201, array);
      json_array_unref (array);
    }
  else
    {
      g_autoptr (JsonObject) shown = _hy_sim_public_row (table, saved);

      _hy_sim_reply_object (reply, 201, shown);
    }

  /* Saved, then answered with an error: a Halo (or a proxy in front of it) that commits and
   * fails afterwards. Counts the POSTs that created something. */
  if (self->error_after_commit_every > 0 && post_creates (json_node_get_array (root)))
    {
      self->committed_creates++;
      if (self->committed_creates % self->error_after_commit_every == 0)
        _hy_sim_reply_status (self, reply, self->error_after_commit_status);
    }

  if (self->drop_writes > 0)
    {
      self->drop_writes--;
      reply->drop = TRUE;
    }
}

/* /api/Agent/me: whoever the application logs in as; any valid token may ask. */
static void
handle_agent_me (HySim *self, HySimReply *reply)
{
  JsonObject *agent =
      hy_sim_store_lookup (self->store, HY_SIM_TABLE_AGENTS, self->store->app_agent_id);

  if (agent == NULL)
    _hy_sim_reply_error (reply, 404, HY_SIM_SHAPE_MESSAGE,
                         "The application has no agent to log in as.");
  else
    _hy_sim_reply_object (reply, 200, agent);
}

static void
handle_delete (HySim *self, HySimTable table, const char *id_text, HySimReply *reply)
{
  gint64 id = 0;

  if (id_text == NULL || !g_ascii_string_to_signed (id_text, 10, 1, G_MAXINT32, &id, NULL) ||
      !hy_sim_store_delete (self->store, table, id))
    {
      g_autofree char *message = g_strdup_printf ("%s %s not found.", hy_sim_tables[table].label,
                                                  id_text != NULL ? id_text : "");

      _hy_sim_reply_error (reply, 404, HY_SIM_SHAPE_MESSAGE, message);
      return;
    }

  reply->status = 200;
}

/* /api/…: authinfo, then the caller's token, the resource, the method, the scopes; then a
 * delete, a write, a list or one record. */
static void
handle_api (HySim *self,
            SoupServerMessage *msg,
            const char *method,
            const char *path,
            GHashTable *query,
            HySimReply *reply)
{
  g_auto (GStrv) segments = g_strsplit (path + strlen ("/api/"), "/", -1);
  gboolean delete = g_strcmp0 (method, "DELETE") == 0;
  gboolean write = g_strcmp0 (method, "POST") == 0 || delete;
  const char *entity = segments[0] != NULL ? segments[0] : "";
  const char *id_text = entity[0] != '\0' ? segments[1] : NULL;
  HySimTable table;
  HySimToken *token;

  if (g_strcmp0 (entity, "authinfo") == 0 && segments[1] == NULL)
    {
      _hy_sim_handle_authinfo (self, reply);
      return;
    }

  token = _hy_sim_authenticate (self, msg, reply);
  if (token == NULL)
    return;

  table = table_for_path (entity);
  if (table == HY_SIM_N_TABLES || (id_text != NULL && segments[2] != NULL))
    {
      g_autofree char *message =
          g_strdup_printf ("No HTTP resource was found that matches the request URI '%s'.", path);

      _hy_sim_reply_error (reply, 404, HY_SIM_SHAPE_MESSAGE, message);
      return;
    }

  if (g_strcmp0 (method, "GET") != 0 && !write)
    {
      _hy_sim_reply_error (reply, 405, HY_SIM_SHAPE_MESSAGE,
                           "The requested resource does not support this HTTP method.");
      return;
    }

  if (table == HY_SIM_TABLE_AGENTS && g_strcmp0 (id_text, "me") == 0 && !write)
    handle_agent_me (self, reply);
  else if (!_hy_sim_authorize (self, token, table, write, reply))
    return;
  else if (delete)
    handle_delete (self, table, id_text, reply);
  else if (write && id_text != NULL && *id_text != '\0')
    _hy_sim_reply_error (reply, 405, HY_SIM_SHAPE_MESSAGE,
                         "The requested resource does not support http method 'POST'.");
  else if (write)
    handle_post (self, table, msg, query, reply);
  else if (id_text == NULL || *id_text == '\0')
    _hy_sim_handle_list (self, table, query, reply);
  else
    _hy_sim_handle_get (self, table, id_text, query, reply);
}

/* /_sim/…: control and inspection, no auth, not counted, never faulted. */
static void
handle_sim (HySim *self,
            SoupServerMessage *msg,
            const char *method,
            const char *path,
            HySimReply *reply)
{
  SoupMessageBody *request_body = soup_server_message_get_request_body (msg);

  if (g_strcmp0 (path, "/_sim/state") == 0 && g_strcmp0 (method, "GET") == 0)
    {
      g_autoptr (JsonNode) state = hy_sim_dump_state (self);

      _hy_sim_reply_node (reply, 200, state);
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
          _hy_sim_reply_error (reply, 400, HY_SIM_SHAPE_ERROR, error->message);
          return;
        }

      root = json_parser_get_root (parser);
      if (g_strcmp0 (path, "/_sim/seed") == 0)
        {
          g_mutex_lock (&self->mutex);
          if (!hy_sim_store_load (self->store, root, &error))
            {
              g_mutex_unlock (&self->mutex);
              _hy_sim_reply_error (reply, 400, HY_SIM_SHAPE_ERROR, error->message);
              return;
            }
          g_mutex_unlock (&self->mutex);
        }
      else if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
        {
          _hy_sim_reply_error (reply, 400, HY_SIM_SHAPE_ERROR,
                               "The faults document must be a JSON object.");
          return;
        }
      else if (!_hy_sim_apply_faults (self, json_node_get_object (root), &error))
        {
          _hy_sim_reply_error (reply, 400, HY_SIM_SHAPE_ERROR, error->message);
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
          _hy_sim_reply_error (reply, 400, HY_SIM_SHAPE_ERROR,
                               error != NULL ? error->message
                                             : "The action must be a JSON object.");
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
          _hy_sim_reply_error (reply, 400, HY_SIM_SHAPE_ERROR, error->message);
          return;
        }
      reply->status = 204;
      return;
    }

  _hy_sim_reply_error (reply, 404, HY_SIM_SHAPE_TEXT, "Unknown simulator control endpoint.");
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
deliver (HySim *self, SoupServerMessage *msg, HySimReply *reply, guint latency_ms)
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
  g_auto (HySimReply) reply = { 0 };
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
    if (is_api && g_strcmp0 (method, "GET") != 0)
      {
        g_autoptr (GBytes) sent =
            soup_message_body_flatten (soup_server_message_get_request_body (msg));
        gsize size = 0;
        const char *data = g_bytes_get_data (sent, &size);

        logged->body = g_strndup (data != NULL ? data : "", size);
      }
    g_ptr_array_add (self->request_log, logged);
    self->request_count++;
  }

  latency_ms = self->latency_ms;

  if (_hy_sim_inject_fault (self, is_api, is_auth, &reply))
    {
      /* the fault is the answer */
    }
  else if (g_strcmp0 (path, "/auth/token") == 0)
    {
      if (g_strcmp0 (method, "POST") == 0)
        _hy_sim_handle_token (self, msg, query, &reply);
      else
        _hy_sim_reply_error (&reply, 405, HY_SIM_SHAPE_ERROR, "invalid_request");
    }
  else if (is_api)
    {
      handle_api (self, msg, method, path, query, &reply);
    }
  else
    {
      _hy_sim_reply_error (&reply, 404, HY_SIM_SHAPE_TEXT, "Not Found");
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
  self->granted_scopes = _hy_sim_split_scopes ("all");
  self->tokens = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, _hy_sim_token_free);
  self->token_lifetime = 3600;
  self->rate_window_ms = 300000;
  g_queue_init (&self->rate_times);
  self->server_error_rand = g_rand_new_with_seed (1);
  self->page_cap = 100;
  self->request_log = g_ptr_array_new_with_free_func (logged_request_free);
}

/* ------------------------------------------------------------------------------------------ */
/* Public API (the faults' setters are in hy-sim-faults.c, the credentials' in hy-sim-auth.c)   */
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

GPtrArray *
hy_sim_get_request_bodies (HySim *self, const char *method, const char *path_prefix_ci)
{
  g_autofree char *prefix = NULL;
  GPtrArray *bodies = g_ptr_array_new_with_free_func (g_free);

  g_return_val_if_fail (HY_IS_SIM (self), bodies);

  prefix = g_ascii_strdown (path_prefix_ci != NULL ? path_prefix_ci : "", -1);
  g_mutex_lock (&self->mutex);
  for (guint i = 0; i < self->request_log->len; i++)
    {
      LoggedRequest *request = g_ptr_array_index (self->request_log, i);

      if (request->body != NULL &&
          (method == NULL || g_ascii_strcasecmp (method, request->method) == 0) &&
          g_str_has_prefix (request->path, prefix))
        g_ptr_array_add (bodies, g_strdup (request->body));
    }
  g_mutex_unlock (&self->mutex);
  return bodies;
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
