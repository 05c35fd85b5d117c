/* hy-intake-server.c: alerts over HTTP from monitoring systems (Alertmanager, webhooks)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "hy-intake"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>
#include <string.h>

#include "credentials/hy-credentials.h"
#include "credentials/hy-intake-token.h"
#include "intake/hy-intake-server.h"
#include "store/hy-store-intake.h"
#include "store/hy-store-service.h"
#include "sync/hy-sync-intake.h"

#define PATH_ALERTMANAGER "/api/v1/alerts/alertmanager"
#define PATH_ALERTS       "/api/v1/alerts"
#define PATH_HEALTH       "/api/v1/health"

/* The events log's record for what the intake refused or fetched. */
#define EVENT_RECORD "intake"

#define DEFAULT_READ_TIMEOUT_MS 10000

struct _HyIntakeServer
{
  GObject parent_instance;

  HySession *session;
  HySyncEngine *engine;
  SoupServer *server;
  SoupSession *http; /* the reconcile's client */
  char *token;
  char *uri;
  guint read_timeout_ms;
  guint reconcile_interval;
  guint reconcile_source;
  gboolean reconciling;
  GCancellable *cancellable;
  gulong store_changed_id;
  char *token_mark; /* the store's mark of the last rotation this server read the token after */
};

G_DEFINE_FINAL_TYPE (HyIntakeServer, hy_intake_server, G_TYPE_OBJECT)

enum
{
  SIGNAL_RECEIVED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* What the server keeps about a request while it arrives. */
typedef struct
{
  HyIntakeServer *self; /* not a reference: the server outlives its messages (disconnect) */
  SoupServerMessage *msg;
  gint64 started;
  guint timeout_source;
  gboolean refused; /* answered early (401, 411, 413); the handler only logs */
} Request;

static void
request_free (Request *request)
{
  g_clear_handle_id (&request->timeout_source, g_source_remove);
  g_free (request);
}

/* ------------------------------------------------------------------------- */
/* Helpers                                                                   */
/* ------------------------------------------------------------------------- */

static HyStore *
get_store (HyIntakeServer *self)
{
  return hy_session_get_store (self->session);
}

static char *
json_text (JsonNode *node)
{
  return json_to_string (node, FALSE);
}

static void
respond_json (SoupServerMessage *msg, guint status, JsonNode *node)
{
  g_autofree char *text = json_text (node);

  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_COPY, text, strlen (text));
}

/* {"error": {"code": S, "message": S}} */
static JsonNode *
error_document (const char *code, const char *message)
{
  g_autoptr (JsonBuilder) b = json_builder_new_immutable ();

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "error");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "code");
  json_builder_add_string_value (b, code);
  json_builder_set_member_name (b, "message");
  json_builder_add_string_value (b, message);
  json_builder_end_object (b);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

/* Records a request the intake refused (or a reconcile's fetch) in the events log. */
static void
log_event (HyIntakeServer *self,
           const char *method,
           const char *path,
           guint status,
           gint64 started,
           const char *reason,
           const char *response)
{
  g_autoptr (HyEvent) event = hy_event_new ();
  g_autoptr (GError) error = NULL;
  gint64 now = g_get_real_time ();

  event->time = started > 0 ? started : now;
  event->method = g_strdup (method);
  event->path = g_strdup (path);
  event->status = status;
  event->duration_ms = started > 0 ? (now - started) / 1000 : 0;
  event->record = g_strdup (EVENT_RECORD);
  event->error = g_strdup (reason);
  event->response = g_strdup (response);
  event->id = hy_store_events_append (get_store (self), event, &error);
  if (event->id == 0)
    {
      g_warning ("Could not record a refused intake request in the events log: %s", error->message);
      return;
    }
  g_signal_emit_by_name (self->session, "event-added", event);
}

/* Answers @msg with @status and the error document, and logs the refusal. */
static void
refuse (HyIntakeServer *self,
        SoupServerMessage *msg,
        gint64 started,
        guint status,
        const char *code,
        const char *message)
{
  g_autoptr (JsonNode) doc = error_document (code, message);
  g_autofree char *text = json_text (doc);

  respond_json (msg, status, doc);
  log_event (self, soup_server_message_get_method (msg),
             g_uri_get_path (soup_server_message_get_uri (msg)), status, started, message, text);
}

/* The bearer token of @msg, or NULL. */
static const char *
bearer_token (SoupServerMessage *msg)
{
  const char *header =
      soup_message_headers_get_one (soup_server_message_get_request_headers (msg), "Authorization");

  if (header == NULL || g_ascii_strncasecmp (header, "Bearer ", 7) != 0)
    return NULL;
  header += 7;
  while (*header == ' ')
    header++;
  return header;
}

static gboolean
is_alert_path (const char *path)
{
  return g_str_equal (path, PATH_ALERTMANAGER) || g_str_equal (path, PATH_ALERTS);
}

/* An HTTP status for an error while storing: the store's own trouble is 503 (senders retry),
 * bad input 400. */
static guint
status_for_error (const GError *error, const char **out_code)
{
  if (error->domain == HY_INTAKE_ERROR || error->domain == HY_SYNC_ERROR)
    {
      *out_code = "invalid_input";
      return SOUP_STATUS_BAD_REQUEST;
    }
  if (error->domain == HY_STORE_ERROR &&
      (error->code == HY_STORE_ERROR_INVALID || error->code == HY_STORE_ERROR_CONSTRAINT))
    {
      *out_code = "invalid_input";
      return SOUP_STATUS_BAD_REQUEST;
    }
  *out_code = "store_unavailable";
  return SOUP_STATUS_SERVICE_UNAVAILABLE;
}

/* ------------------------------------------------------------------------- */
/* Storing                                                                   */
/* ------------------------------------------------------------------------- */

/* Stores every alert of @alerts in one transaction: all or nothing. Returns the 202 document,
 * or NULL with @error set. */
static JsonNode *
store_alerts (HyIntakeServer *self, GPtrArray *alerts, GError **error)
{
  HyStore *store = get_store (self);
  g_autoptr (JsonBuilder) b = json_builder_new_immutable ();
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  if (!hy_store_begin (store, error))
    return NULL;
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "accepted");
  json_builder_add_int_value (b, alerts->len);
  json_builder_set_member_name (b, "alerts");
  json_builder_begin_array (b);
  for (guint i = 0; i < alerts->len; i++)
    {
      HyIntakeAlert *alert = g_ptr_array_index (alerts, i);
      HySyncIncoming in;
      g_autoptr (HySyncAlertResult) result = NULL;
      g_autoptr (JsonNode) node = NULL;

      hy_intake_alert_to_incoming (alert, &in);
      result = hy_sync_engine_receive (self->engine, &in, NULL, error);
      if (result == NULL ||
          !hy_store_intake_note_received (store, alert->id, alert->summary, now, error))
        {
          hy_store_rollback (store);
          return NULL;
        }
      node = hy_sync_alert_result_to_json (result);
      json_builder_add_value (b, g_steal_pointer (&node));
    }
  json_builder_end_array (b);
  json_builder_end_object (b);
  if (!hy_store_commit (store, error))
    return NULL;
  return json_builder_get_root (b);
}

static void
handle_alerts (HyIntakeServer *self, SoupServerMessage *msg, Request *request, const char *path)
{
  g_autoptr (GBytes) body = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) alerts = NULL;
  g_autoptr (JsonNode) answer = NULL;
  const char *data;
  gsize length;

  body = soup_message_body_flatten (soup_server_message_get_request_body (msg));
  data = g_bytes_get_data (body, &length);
  if (length > HY_INTAKE_MAX_BODY)
    {
      /* Translators: %'d is a number of bytes */
      g_autofree char *message = g_strdup_printf (_ ("The request is larger than %'d bytes: send "
                                                     "fewer alerts per request"),
                                                  HY_INTAKE_MAX_BODY);
      refuse (self, msg, request->started, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE, "too_large",
              message);
      return;
    }

  if (g_str_equal (path, PATH_ALERTMANAGER))
    {
      g_autoptr (HyIntakeInfo) settings = hy_store_intake_get (get_store (self), &error);
      if (settings != NULL)
        alerts = hy_intake_parse_alertmanager (data, length, settings, &error);
    }
  else
    alerts = hy_intake_parse_halyard (data, length, &error);
  if (alerts != NULL)
    answer = store_alerts (self, alerts, &error);
  if (answer == NULL)
    {
      const char *code;
      guint status = status_for_error (error, &code);

      refuse (self, msg, request->started, status, code, error->message);
      return;
    }
  respond_json (msg, SOUP_STATUS_ACCEPTED, answer);
  g_signal_emit (self, signals[SIGNAL_RECEIVED], 0);
}

static void
handle_health (HyIntakeServer *self, SoupServerMessage *msg, Request *request)
{
  g_autoptr (JsonBuilder) b = json_builder_new_immutable ();
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonNode) doc = NULL;
  gint64 waiting = hy_store_intake_count_waiting (get_store (self), &error);

  if (waiting < 0)
    {
      refuse (self, msg, request->started, SOUP_STATUS_SERVICE_UNAVAILABLE, "store_unavailable",
              error->message);
      return;
    }
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "ok");
  json_builder_add_boolean_value (b, TRUE);
  json_builder_set_member_name (b, "version");
  json_builder_add_string_value (b, PACKAGE_VERSION);
  json_builder_end_object (b);
  doc = json_builder_get_root (b);
  respond_json (msg, SOUP_STATUS_OK, doc);
}

/* ------------------------------------------------------------------------- */
/* Callbacks                                                                 */
/* ------------------------------------------------------------------------- */

/* A sender that has not sent its whole request in time: answered 408 on the socket itself,
 * which is then closed (the server stops waiting for the rest of the body). */
static gboolean
read_timeout_cb (gpointer user_data)
{
  Request *request = user_data;
  HyIntakeServer *self = request->self;
  SoupServerMessage *msg = request->msg;
  g_autoptr (JsonNode) doc = NULL;
  g_autofree char *text = NULL;
  g_autofree char *raw = NULL;
  GSocket *socket;
  const char *message = _ ("The request was not sent in full in time: send the whole body at "
                           "once");

  request->timeout_source = 0;
  doc = error_document ("timeout", message);
  text = json_text (doc);
  log_event (self, soup_server_message_get_method (msg),
             g_uri_get_path (soup_server_message_get_uri (msg)), SOUP_STATUS_REQUEST_TIMEOUT,
             request->started, message, text);
  socket = soup_server_message_get_socket (msg);
  if (socket != NULL)
    {
      raw = g_strdup_printf ("HTTP/1.1 408 Request Timeout\r\nContent-Type: application/json\r\n"
                             "Content-Length: %zu\r\nConnection: close\r\n\r\n%s",
                             strlen (text), text);
      g_socket_set_blocking (socket, FALSE);
      g_socket_send (socket, raw, strlen (raw), NULL, NULL);
      g_socket_shutdown (socket, TRUE, TRUE, NULL);
    }
  return G_SOURCE_REMOVE;
}

#define NOT_THE_TOKEN                                                                           \
  /* Translators: an HTTP answer to a monitoring system; "Alert Sources" is the group of      \
   * Halyard's Setup that shows the token */ \
  _ ("The bearer token is not the intake token: send the token Halyard shows in Setup, under "  \
     "Alert Sources (it changes when it is replaced)")

static void
got_headers_cb (SoupServerMessage *msg, gpointer user_data)
{
  Request *request = user_data;
  HyIntakeServer *self = request->self;
  const char *path = g_uri_get_path (soup_server_message_get_uri (msg));
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);

  if (!is_alert_path (path))
    return;
  /* Refused before the body is read: no token, or a body too large to take. */
  if (!hy_intake_token_equal (bearer_token (msg), self->token))
    {
      request->refused = TRUE;
      refuse (self, msg, request->started, SOUP_STATUS_UNAUTHORIZED, "unauthorized",
              bearer_token (msg) == NULL
                  /* Translators: an HTTP answer to a monitoring system; "Alert Sources" is the
                   * group of Halyard's Setup that shows the token */
                  ? _ ("The request has no bearer token: send the intake token in an "
                       "“Authorization: Bearer” header (Halyard shows it in Setup, under Alert "
                       "Sources)")
                  : NOT_THE_TOKEN);
      return;
    }
  if (g_str_equal (soup_server_message_get_method (msg), SOUP_METHOD_POST) &&
      soup_message_headers_get_encoding (headers) != SOUP_ENCODING_CONTENT_LENGTH)
    {
      request->refused = TRUE;
      refuse (self, msg, request->started, SOUP_STATUS_LENGTH_REQUIRED, "length_required",
              _ ("The request has no Content-Length: send the body in one piece, with its "
                 "length"));
      return;
    }
  if (soup_message_headers_get_content_length (headers) > HY_INTAKE_MAX_BODY)
    {
      g_autofree char *message = g_strdup_printf (_ ("The request is larger than %'d bytes: send "
                                                     "fewer alerts per request"),
                                                  HY_INTAKE_MAX_BODY);
      request->refused = TRUE;
      refuse (self, msg, request->started, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE, "too_large",
              message);
    }
}

static void
got_body_cb (SoupServerMessage *msg, gpointer user_data)
{
  Request *request = user_data;

  g_clear_handle_id (&request->timeout_source, g_source_remove);
}

static void
finished_cb (SoupServerMessage *msg, gpointer user_data)
{
  Request *request = user_data;

  g_clear_handle_id (&request->timeout_source, g_source_remove);
}

static void
request_started_cb (SoupServer *server, SoupServerMessage *msg, gpointer user_data)
{
  HyIntakeServer *self = user_data;
  Request *request = g_new0 (Request, 1);

  request->self = self;
  request->msg = msg;
  request->started = g_get_real_time ();
  request->timeout_source = g_timeout_add (self->read_timeout_ms, read_timeout_cb, request);
  g_object_set_data_full (G_OBJECT (msg), "hy-intake-request", request,
                          (GDestroyNotify) request_free);
  g_signal_connect (msg, "got-headers", G_CALLBACK (got_headers_cb), request);
  g_signal_connect (msg, "got-body", G_CALLBACK (got_body_cb), request);
  g_signal_connect (msg, "finished", G_CALLBACK (finished_cb), request);
  g_signal_connect (msg, "disconnected", G_CALLBACK (finished_cb), request);
}

static void
handler_cb (SoupServer *server,
            SoupServerMessage *msg,
            const char *path,
            GHashTable *query,
            gpointer user_data)
{
  HyIntakeServer *self = user_data;
  Request *request = g_object_get_data (G_OBJECT (msg), "hy-intake-request");
  const char *method = soup_server_message_get_method (msg);
  gint64 started = request != NULL ? request->started : g_get_real_time ();

  if (request != NULL && request->refused)
    return;

  if (g_str_equal (path, PATH_HEALTH))
    {
      if (!g_str_equal (method, SOUP_METHOD_GET) && !g_str_equal (method, SOUP_METHOD_HEAD))
        {
          soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Allow",
                                        "GET");
          refuse (self, msg, started, SOUP_STATUS_METHOD_NOT_ALLOWED, "method_not_allowed",
                  _ ("The health check takes GET only"));
          return;
        }
      handle_health (self, msg, request);
      return;
    }
  if (!is_alert_path (path))
    {
      /* Translators: %s is the path a sender asked for */
      g_autofree char *message =
          g_strdup_printf (_ ("There is nothing at %s: Alertmanager posts to %s, other senders "
                              "to %s"),
                           path, PATH_ALERTMANAGER, PATH_ALERTS);
      refuse (self, msg, started, SOUP_STATUS_NOT_FOUND, "not_found", message);
      return;
    }
  /* The token was checked with the headers; checked again, in case. */
  if (!hy_intake_token_equal (bearer_token (msg), self->token))
    {
      refuse (self, msg, started, SOUP_STATUS_UNAUTHORIZED, "unauthorized", NOT_THE_TOKEN);
      return;
    }
  if (!g_str_equal (method, SOUP_METHOD_POST))
    {
      soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Allow",
                                    "POST");
      refuse (self, msg, started, SOUP_STATUS_METHOD_NOT_ALLOWED, "method_not_allowed",
              _ ("Alerts are sent with POST"));
      return;
    }
  if (request != NULL)
    handle_alerts (self, msg, request, path);
  else
    {
      Request fallback = { self, msg, started, 0, FALSE };
      handle_alerts (self, msg, &fallback, path);
    }
}

/* ------------------------------------------------------------------------- */
/* Reconcile                                                                 */
/* ------------------------------------------------------------------------- */

typedef struct
{
  char *url;
  gint64 started;
  HyIntakeReconcile counts;
} Reconcile;

static void
reconcile_free (Reconcile *r)
{
  g_free (r->url);
  g_free (r);
}

/* Raises what fires but is unknown; clears Halyard's open Alertmanager alerts that Alertmanager
 * no longer has. */
static gboolean
reconcile_apply (HyIntakeServer *self, GPtrArray *alerts, Reconcile *r, GError **error)
{
  HyStore *store = get_store (self);
  HyStoreQuery query = HY_STORE_QUERY_INIT;
  g_autoptr (GHashTable) present = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr (GPtrArray) open = NULL;
  g_autoptr (GPtrArray) waiting = NULL;
  g_autoptr (GPtrArray) gone = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < alerts->len; i++)
    {
      HyIntakeAlert *alert = g_ptr_array_index (alerts, i);
      g_hash_table_add (present, alert->id);
    }

  query.open_only = TRUE;
  open = hy_store_list (store, HY_RECORD_KIND_ALERT, &query, error);
  waiting = open != NULL ? hy_store_intake_list_waiting (store, 0, error) : NULL;
  if (waiting == NULL)
    return FALSE;
  for (guint i = 0; i < open->len; i++)
    {
      HyAlert *alert = g_ptr_array_index (open, i);
      if (g_str_has_prefix (alert->id, HY_INTAKE_ALERTMANAGER_PREFIX) &&
          !g_hash_table_contains (present, alert->id))
        g_ptr_array_add (gone, g_strdup (alert->id));
    }
  for (guint i = 0; i < waiting->len; i++)
    {
      HyIntakeWaiting *w = g_ptr_array_index (waiting, i);
      if (g_str_has_prefix (w->alert_id, HY_INTAKE_ALERTMANAGER_PREFIX) &&
          !g_hash_table_contains (present, w->alert_id))
        g_ptr_array_add (gone, g_strdup (w->alert_id));
    }

  for (guint i = 0; i < alerts->len; i++)
    {
      HyIntakeAlert *alert = g_ptr_array_index (alerts, i);
      g_autoptr (HyAlert) known = NULL;
      g_autoptr (HyIntakeWaiting) kept = NULL;
      g_autoptr (HySyncAlertResult) result = NULL;
      g_autoptr (GError) local = NULL;
      HySyncIncoming in;

      if (alert->suppressed)
        continue;
      r->counts.firing++;
      known = hy_store_get (store, HY_RECORD_KIND_ALERT, alert->id, &local);
      if (known == NULL && !g_error_matches (local, HY_STORE_ERROR, HY_STORE_ERROR_NOT_FOUND))
        {
          g_propagate_error (error, g_steal_pointer (&local));
          return FALSE;
        }
      g_clear_error (&local);
      if (known != NULL && known->cleared_at == NULL)
        continue;
      kept = hy_store_intake_get_waiting (store, alert->id, NULL);
      if (kept != NULL)
        continue;
      /* A cleared alert that still fires with the same start is not new either. */
      if (known != NULL && g_strcmp0 (known->raised_at, alert->raised_at) == 0)
        continue;
      hy_intake_alert_to_incoming (alert, &in);
      result = hy_sync_engine_receive (self->engine, &in, NULL, error);
      if (result == NULL)
        return FALSE;
      r->counts.raised++;
    }
  for (guint i = 0; i < gone->len; i++)
    {
      const char *id = g_ptr_array_index (gone, i);
      HySyncIncoming in = {
        .id = id,
        .source = "alertmanager",
        /* Translators: the summary of an alert that Alertmanager no longer has (only used when
         * Halyard must name one) */
        .summary = _ ("Resolved in Alertmanager"),
        .resolved = TRUE,
      };
      g_autoptr (HySyncAlertResult) result =
          hy_sync_engine_receive (self->engine, &in, NULL, error);
      if (result == NULL)
        return FALSE;
      r->counts.cleared++;
    }
  return TRUE;
}

static void
reconcile_read_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  HyIntakeServer *self = g_task_get_source_object (task);
  Reconcile *r = g_task_get_task_data (task);
  SoupMessage *msg = soup_session_get_async_result_message (SOUP_SESSION (source), result);
  g_autoptr (GBytes) body = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) alerts = NULL;
  g_autoptr (HyIntakeInfo) settings = NULL;
  guint status;

  self->reconciling = FALSE;
  body = soup_session_send_and_read_finish (SOUP_SESSION (source), result, &error);
  status = msg != NULL ? soup_message_get_status (msg) : 0;
  if (body == NULL)
    {
      g_autofree char *message =
          /* Translators: the first %s is Alertmanager's address, the second the network error */
          g_strdup_printf (_ ("Alertmanager at %s could not be reached: %s"), r->url,
                           error->message);
      log_event (self, SOUP_METHOD_GET, r->url, 0, r->started, message, NULL);
      g_task_return_new_error (task, HY_INTAKE_ERROR, HY_INTAKE_ERROR_FAILED, "%s", message);
      return;
    }
  if (status != SOUP_STATUS_OK)
    {
      /* Translators: the first %s is Alertmanager's address, %u an HTTP status */
      g_autofree char *message = g_strdup_printf (_ ("Alertmanager at %s answered %u: check the "
                                                     "Alertmanager URL"),
                                                  r->url, status);
      log_event (self, SOUP_METHOD_GET, r->url, status, r->started, message, NULL);
      g_task_return_new_error (task, HY_INTAKE_ERROR, HY_INTAKE_ERROR_FAILED, "%s", message);
      return;
    }
  settings = hy_store_intake_get (get_store (self), &error);
  if (settings != NULL)
    {
      gsize length;
      const char *data = g_bytes_get_data (body, &length);
      alerts = hy_intake_parse_alertmanager_list (data, length, settings, &error);
    }
  if (alerts == NULL || !reconcile_apply (self, alerts, r, &error))
    {
      log_event (self, SOUP_METHOD_GET, r->url, status, r->started, error->message, NULL);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  log_event (self, SOUP_METHOD_GET, r->url, status, r->started, NULL, NULL);
  if (r->counts.raised > 0 || r->counts.cleared > 0)
    g_signal_emit (self, signals[SIGNAL_RECEIVED], 0);
  g_task_return_boolean (task, TRUE);
}

void
hy_intake_server_reconcile_async (HyIntakeServer *self,
                                  GCancellable *cancellable,
                                  GAsyncReadyCallback callback,
                                  gpointer user_data)
{
  g_autoptr (GTask) task = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (HyIntakeInfo) settings = NULL;
  g_autoptr (SoupMessage) msg = NULL;
  g_autofree char *base = NULL;
  Reconcile *r;

  g_return_if_fail (HY_IS_INTAKE_SERVER (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, hy_intake_server_reconcile_async);
  settings = hy_store_intake_get (get_store (self), &error);
  if (settings == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (settings->alertmanager_url == NULL)
    {
      g_task_return_new_error (task, HY_INTAKE_ERROR, HY_INTAKE_ERROR_FAILED, "%s",
                               _ ("No Alertmanager URL is set: set one first"));
      return;
    }
  r = g_new0 (Reconcile, 1);
  base = g_strdup (settings->alertmanager_url);
  while (g_str_has_suffix (base, "/"))
    base[strlen (base) - 1] = '\0';
  r->url = g_strconcat (base, "/api/v2/alerts", NULL);
  r->started = g_get_real_time ();
  g_task_set_task_data (task, r, (GDestroyNotify) reconcile_free);
  msg = soup_message_new (SOUP_METHOD_GET, r->url);
  if (msg == NULL)
    {
      /* Translators: %s is the Alertmanager URL as set */
      g_task_return_new_error (task, HY_INTAKE_ERROR, HY_INTAKE_ERROR_FAILED,
                               _ ("“%s” is not a URL: set Alertmanager’s address, such as "
                                  "http://127.0.0.1:9093"),
                               settings->alertmanager_url);
      return;
    }
  soup_message_headers_replace (soup_message_get_request_headers (msg), "Accept",
                                "application/json");
  self->reconciling = TRUE;
  soup_session_send_and_read_async (self->http, msg, G_PRIORITY_DEFAULT, cancellable,
                                    reconcile_read_cb, g_steal_pointer (&task));
}

gboolean
hy_intake_server_reconcile_finish (HyIntakeServer *self,
                                   GAsyncResult *result,
                                   HyIntakeReconcile *out_reconcile,
                                   GError **error)
{
  Reconcile *r;

  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  r = g_task_get_task_data (G_TASK (result));
  if (out_reconcile != NULL)
    *out_reconcile = r != NULL ? r->counts : (HyIntakeReconcile){ 0 };
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
scheduled_reconcile_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GError) error = NULL;

  if (!hy_intake_server_reconcile_finish (HY_INTAKE_SERVER (source), result, NULL, &error) &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_message ("%s", error->message);
}

static void
reconcile_if_configured (HyIntakeServer *self)
{
  g_autoptr (HyIntakeInfo) settings = hy_store_intake_get (get_store (self), NULL);

  if (settings == NULL || settings->alertmanager_url == NULL || self->reconciling)
    return;
  hy_intake_server_reconcile_async (self, self->cancellable, scheduled_reconcile_cb, NULL);
}

static gboolean
reconcile_timeout_cb (gpointer user_data)
{
  reconcile_if_configured (HY_INTAKE_SERVER (user_data));
  return G_SOURCE_CONTINUE;
}

/* ------------------------------------------------------------------------- */
/* The token rotated by another process                                      */
/* ------------------------------------------------------------------------- */

static void
token_reread_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (HyIntakeServer) self = user_data;
  g_autoptr (GError) error = NULL;
  char *token = hy_intake_token_get_finish (result, &error);

  if (token == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_warning ("The intake token was replaced but cannot be read: %s", error->message);
      return;
    }
  hy_intake_server_set_token (self, token);
  hy_credentials_secret_free (token);
}

static void
store_changed_cb (HyStore *store, guint changes, gpointer user_data)
{
  HyIntakeServer *self = user_data;
  g_autofree char *mark = NULL;

  if (!(changes & HY_STORE_CHANGED_SETTINGS) || self->cancellable == NULL)
    return;
  mark = hy_store_intake_get_token_mark (store, NULL);
  if (mark == NULL || g_strcmp0 (mark, self->token_mark) == 0)
    return;
  g_free (self->token_mark);
  self->token_mark = g_steal_pointer (&mark);
  hy_intake_token_get_async (hy_session_get_data_dir (self->session), FALSE, FALSE,
                             self->cancellable, token_reread_cb, g_object_ref (self));
}

/* ------------------------------------------------------------------------- */
/* GObject                                                                   */
/* ------------------------------------------------------------------------- */

static void
hy_intake_server_dispose (GObject *object)
{
  HyIntakeServer *self = HY_INTAKE_SERVER (object);

  hy_intake_server_disconnect (self);
  g_clear_object (&self->http);
  g_clear_object (&self->engine);
  g_clear_object (&self->session);
  G_OBJECT_CLASS (hy_intake_server_parent_class)->dispose (object);
}

static void
hy_intake_server_finalize (GObject *object)
{
  HyIntakeServer *self = HY_INTAKE_SERVER (object);

  hy_credentials_secret_free (self->token);
  g_free (self->uri);
  g_free (self->token_mark);
  G_OBJECT_CLASS (hy_intake_server_parent_class)->finalize (object);
}

static void
hy_intake_server_class_init (HyIntakeServerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = hy_intake_server_dispose;
  object_class->finalize = hy_intake_server_finalize;

  signals[SIGNAL_RECEIVED] = g_signal_new ("received", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                           0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
hy_intake_server_init (HyIntakeServer *self)
{
  self->read_timeout_ms = DEFAULT_READ_TIMEOUT_MS;
  self->reconcile_interval = HY_INTAKE_RECONCILE_INTERVAL;
}

/* ------------------------------------------------------------------------- */
/* Public API                                                                */
/* ------------------------------------------------------------------------- */

HyIntakeServer *
hy_intake_server_new (HySession *session, HySyncEngine *engine)
{
  HyIntakeServer *self;

  g_return_val_if_fail (HY_IS_SESSION (session), NULL);
  g_return_val_if_fail (HY_IS_SYNC_ENGINE (engine), NULL);

  self = g_object_new (HY_TYPE_INTAKE_SERVER, NULL);
  self->session = g_object_ref (session);
  self->engine = g_object_ref (engine);
  self->http =
      soup_session_new_with_options ("timeout", 30, "user-agent", "Halyard/" PACKAGE_VERSION, NULL);
  return self;
}

void
hy_intake_server_set_engine (HyIntakeServer *self, HySyncEngine *engine)
{
  g_return_if_fail (HY_IS_INTAKE_SERVER (self));
  g_return_if_fail (HY_IS_SYNC_ENGINE (engine));

  g_set_object (&self->engine, engine);
}

void
hy_intake_server_set_token (HyIntakeServer *self, const char *token)
{
  g_return_if_fail (HY_IS_INTAKE_SERVER (self));

  hy_credentials_secret_free (self->token);
  self->token = token != NULL && *token != '\0' ? g_strdup (token) : NULL;
}

void
hy_intake_server_set_read_timeout (HyIntakeServer *self, guint milliseconds)
{
  g_return_if_fail (HY_IS_INTAKE_SERVER (self));
  self->read_timeout_ms = MAX (milliseconds, 1);
}

void
hy_intake_server_set_reconcile_interval (HyIntakeServer *self, guint seconds)
{
  g_return_if_fail (HY_IS_INTAKE_SERVER (self));
  self->reconcile_interval = seconds;
}

/* "HOST:PORT" or "[IPv6]:PORT" as a socket address. */
static GSocketAddress *
parse_address (const char *address, GError **error)
{
  g_autofree char *host = NULL;
  const char *colon;
  guint64 port = 0;
  GSocketAddress *result = NULL;

  if (address[0] == '[')
    {
      const char *close = strchr (address, ']');
      if (close != NULL && close[1] == ':')
        {
          host = g_strndup (address + 1, close - address - 1);
          colon = close + 1;
        }
      else
        colon = NULL;
    }
  else
    {
      colon = strrchr (address, ':');
      if (colon != NULL && strchr (address, ':') == colon)
        host = g_strndup (address, colon - address);
      else
        colon = NULL;
    }
  if (colon != NULL && g_ascii_string_to_unsigned (colon + 1, 10, 0, 65535, &port, NULL) &&
      host != NULL && *host != '\0')
    result = g_inet_socket_address_new_from_string (host, (guint) port);
  if (result == NULL)
    /* Translators: %s is the address given to listen on */
    g_set_error (error, HY_INTAKE_ERROR, HY_INTAKE_ERROR_ADDRESS,
                 _ ("“%s” is not an address to listen on: give an IP address and a port, such "
                    "as 127.0.0.1:8642 or [::1]:8642"),
                 address);
  return result;
}

gboolean
hy_intake_check_address (const char *address, GError **error)
{
  g_autoptr (GSocketAddress) where = NULL;

  g_return_val_if_fail (address != NULL, FALSE);
  where = parse_address (address, error);
  return where != NULL;
}

gboolean
hy_intake_server_listen (HyIntakeServer *self, const char *address, GError **error)
{
  g_autoptr (GSocketAddress) where = NULL;
  g_autoptr (GError) local = NULL;
  GSList *uris;

  g_return_val_if_fail (HY_IS_INTAKE_SERVER (self), FALSE);
  g_return_val_if_fail (self->server == NULL, FALSE);

  if (self->token == NULL)
    {
      g_set_error_literal (error, HY_INTAKE_ERROR, HY_INTAKE_ERROR_NO_TOKEN,
                           _ ("The intake has no token: create one first"));
      return FALSE;
    }
  if (address == NULL)
    address = HY_INTAKE_DEFAULT_ADDRESS;
  where = parse_address (address, error);
  if (where == NULL)
    return FALSE;

  self->server = soup_server_new ("server-header", "Halyard/" PACKAGE_VERSION " ", NULL);
  g_signal_connect (self->server, "request-started", G_CALLBACK (request_started_cb), self);
  soup_server_add_handler (self->server, NULL, handler_cb, self, NULL);
  if (!soup_server_listen (self->server, where, 0, &local))
    {
      g_clear_object (&self->server);
      /* Translators: the first %s is an address, the second the system's error */
      g_set_error (error, HY_INTAKE_ERROR, HY_INTAKE_ERROR_ADDRESS,
                   _ ("The intake cannot listen on %s: %s"), address, local->message);
      return FALSE;
    }
  uris = soup_server_get_uris (self->server);
  if (uris != NULL)
    {
      g_autofree char *text = g_uri_to_string (uris->data);
      g_free (self->uri);
      self->uri = g_strdup (text);
      while (g_str_has_suffix (self->uri, "/"))
        self->uri[strlen (self->uri) - 1] = '\0';
    }
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);

  self->cancellable = g_cancellable_new ();
  /* A token replaced by another process (halyard-cli intake token --rotate) is read again. */
  g_free (self->token_mark);
  self->token_mark = hy_store_intake_get_token_mark (get_store (self), NULL);
  self->store_changed_id =
      g_signal_connect (get_store (self), "changed", G_CALLBACK (store_changed_cb), self);
  reconcile_if_configured (self);
  if (self->reconcile_interval > 0)
    self->reconcile_source =
        g_timeout_add_seconds (self->reconcile_interval, reconcile_timeout_cb, self);
  return TRUE;
}

void
hy_intake_server_disconnect (HyIntakeServer *self)
{
  g_return_if_fail (HY_IS_INTAKE_SERVER (self));

  g_clear_handle_id (&self->reconcile_source, g_source_remove);
  if (self->store_changed_id != 0)
    g_clear_signal_handler (&self->store_changed_id, get_store (self));
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  if (self->server != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->server, self);
      soup_server_disconnect (self->server);
      g_clear_object (&self->server);
    }
  g_clear_pointer (&self->uri, g_free);
}

char *
hy_intake_server_get_uri (HyIntakeServer *self)
{
  g_return_val_if_fail (HY_IS_INTAKE_SERVER (self), NULL);
  return g_strdup (self->uri);
}
