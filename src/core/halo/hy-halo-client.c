/* hy-halo-client.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "hy-halo"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <libsoup/soup.h>

#include "hy-halo-client.h"
#include "json/hy-json-guard.h"

#define DEFAULT_SCOPES  "all"
#define READ_CHUNK      65536
#define MAX_KEPT_TOKENS 16
#define MAX_PAGES       100000

typedef enum
{
  CALL_NEEDS_AUTH = 1 << 0,
  CALL_IS_CREATE = 1 << 1,
  CALL_IS_TOKEN = 1 << 2,
  CALL_NO_RETRY = 1 << 3,
} CallFlags;

typedef enum
{
  STATE_IDLE,
  STATE_TOKEN,
  STATE_BUDGET,
  STATE_SENDING,
  STATE_RETRY,
  STATE_DONE,
} CallState;

struct _HyHaloClient
{
  GObject parent_instance;

  char *base_url;
  char *tenant;
  char *client_id;
  char *secret;
  char *scopes;

  SoupSession *session;
  HyHaloBudget *budget;
  GMainContext *context;

  guint max_retries;
  guint retry_base_ms;
  guint retry_max_ms;
  guint max_rate_waits;
  guint max_wait_ms;      /* 0: wait as long as the rate limit says; else give up after this */
  gint64 bounded_until;   /* monotonic µs: a wait over max_wait_ms was seen; fail fast until */
  gboolean bounded_known; /* bounded_until is when Halo's limit ends, not a guess */
  guint batch_size;
  guint page_size;
  gsize max_body;
  guint token_margin_s;
  guint connect_timeout_ms;
  guint read_timeout_ms;

  char *token_url;
  char *discovered_tenant;
  char *token;
  gint64 token_expiry;
  GPtrArray *known_tokens; /* every token seen, for literal redaction */
  GPtrArray *token_waiters;
  gboolean authenticating;

  guint request_count;
};

/* One logical HTTP request, with its retries */
typedef struct
{
  HyHaloClient *client;
  GTask *task;
  char *method;
  char *url;
  char *path; /* what events show */
  GBytes *body;
  const char *content_type;
  HyHaloPriority priority;
  char *record;
  CallFlags flags;

  CallState state;
  guint attempt;
  guint rate_waits;
  gboolean reauthed;
  HyHaloBudgetWaiter *waiter;
  SoupMessage *msg;
  gboolean wrote_body;
  GInputStream *stream;
  GByteArray *buffer;
  gint64 started_wall;
  gint64 started_mono;
  GSource *retry_source;
  GSource *bound_source; /* STATE_BUDGET with a bounded wait: gives up when it fires */
  gulong cancel_id;
  GSource *cancel_source;
  GCancellable *io_cancellable; /* the caller's, or ours to abort an oversized answer */
  char *sent_token;
  GSource *timeout_source; /* the connect or read timeout of the request in flight */
  gboolean waiting_answer; /* connected: the read timeout runs, not the connect timeout */
  guint timed_out_ms;      /* > 0: the timeout (of this length) that aborted the request */
} Call;

G_DEFINE_FINAL_TYPE (HyHaloClient, hy_halo_client, G_TYPE_OBJECT)

enum
{
  REQUEST_FINISHED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void call_start (Call *call);
static void call_acquire (Call *call);
static void auth_start (HyHaloClient *self);

/* ------------------------------------------------------------------------- */
/* Helpers                                                                   */
/* ------------------------------------------------------------------------- */

static const char *
kind_entity (HyHaloKind kind)
{
  switch (kind)
    {
      case HY_HALO_KIND_AGENT:
        return "Agent";
      case HY_HALO_KIND_CLIENT:
        return "Client";
      case HY_HALO_KIND_SITE:
        return "Site";
      case HY_HALO_KIND_ASSET:
        return "Asset";
      case HY_HALO_KIND_ASSET_TYPE:
        return "AssetType";
      case HY_HALO_KIND_TEAM:
        return "Team";
      case HY_HALO_KIND_TICKET_TYPE:
        return "TicketType";
      case HY_HALO_KIND_STATUS:
        return "Status";
      case HY_HALO_KIND_OUTCOME:
        return "Outcome";
      case HY_HALO_KIND_USER:
        return "Users";
      case HY_HALO_KIND_TICKET:
        return "Tickets";
      case HY_HALO_KIND_ACTION:
        return "Actions";
      case HY_HALO_KIND_PRIORITY:
        return "Priority";
      default:
        g_assert_not_reached ();
    }
}

static const char *
kind_plural (HyHaloKind kind)
{
  switch (kind)
    {
      case HY_HALO_KIND_AGENT:
        return "agents";
      case HY_HALO_KIND_CLIENT:
        return "clients";
      case HY_HALO_KIND_SITE:
        return "sites";
      case HY_HALO_KIND_ASSET:
        return "assets";
      case HY_HALO_KIND_ASSET_TYPE:
        return "assettypes";
      case HY_HALO_KIND_TEAM:
        return "teams";
      case HY_HALO_KIND_TICKET_TYPE:
        return "tickettypes";
      case HY_HALO_KIND_STATUS:
        return "statuses";
      case HY_HALO_KIND_OUTCOME:
        return "outcomes";
      case HY_HALO_KIND_USER:
        return "users";
      case HY_HALO_KIND_TICKET:
        return "tickets";
      case HY_HALO_KIND_ACTION:
        return "actions";
      case HY_HALO_KIND_PRIORITY:
        return "priorities";
      default:
        g_assert_not_reached ();
    }
}

static const char *const *
redaction_secrets (HyHaloClient *self)
{
  /* known_tokens is NULL-terminated and holds the secret at index 0 */
  return (const char *const *) self->known_tokens->pdata;
}

static void
remember_secret (HyHaloClient *self, const char *secret)
{
  if (!secret || !*secret)
    return;
  for (guint i = 0; i + 1 < self->known_tokens->len; i++)
    if (g_strcmp0 (g_ptr_array_index (self->known_tokens, i), secret) == 0)
      return;
  /* keep the client secret (index 0) and the most recent tokens */
  if (self->known_tokens->len > MAX_KEPT_TOKENS + 1)
    g_ptr_array_remove_index (self->known_tokens, 1);
  g_ptr_array_insert (self->known_tokens, self->known_tokens->len - 1, g_strdup (secret));
}

/* @member of @object when it is a JSON string (Halo's answers are not trusted to be) */
static const char *
string_member (JsonObject *object, const char *member)
{
  JsonNode *node = json_object_get_member (object, member);

  if (node && JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
    return json_node_get_string (node);
  return NULL;
}

static gboolean
token_valid (HyHaloClient *self)
{
  return self->token && g_get_monotonic_time () < self->token_expiry;
}

static GError *
cancelled_error (void)
{
  return g_error_new_literal (HY_HALO_ERROR, HY_HALO_ERROR_CANCELLED,
                              _ ("The operation was cancelled"));
}

static char *
path_of_url (HyHaloClient *self, const char *url)
{
  if (g_str_has_prefix (url, self->base_url))
    return g_strdup (url + strlen (self->base_url));
  {
    g_autoptr (GUri) uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);
    if (uri)
      return g_uri_join (G_URI_FLAGS_NONE, NULL, NULL, NULL, -1, g_uri_get_path (uri),
                         g_uri_get_query (uri), NULL);
  }
  return g_strdup (url);
}

/* ------------------------------------------------------------------------- */
/* Events                                                                    */
/* ------------------------------------------------------------------------- */

static void
emit_event (HyHaloClient *self, HyHaloEvent *event)
{
  g_signal_emit (self, signals[REQUEST_FINISHED], 0, event);
}

static void
emit_warning (HyHaloClient *self, const char *path, const char *record, const char *message)
{
  g_autoptr (HyHaloEvent) event = hy_halo_event_new ();

  event->time = g_get_real_time ();
  event->level = HY_HALO_EVENT_WARNING;
  event->method = g_strdup ("LIST");
  event->path = g_strdup (path);
  event->error = g_strdup (message);
  event->record = g_strdup (record);
  g_debug ("%s: %s", path, message);
  emit_event (self, event);
}

/**
 * hy_halo_client_report_warning:
 * @method: the request's method ("POST"), or "LIST" for a list
 * @path: the request's path
 * @record: (nullable): the local record the request was made for ("alert:a1")
 * @message: the warning, translated: what Halo did that the caller did not ask for
 *
 * Adds a warning to the events log (the "request-finished" signal, level
 * %HY_HALO_EVENT_WARNING), for an anomaly a caller finds in what Halo answered, such as an
 * action recorded for another agent than the one asked. Call it on the client's main context.
 */
void
hy_halo_client_report_warning (HyHaloClient *self,
                               const char *method,
                               const char *path,
                               const char *record,
                               const char *message)
{
  g_autoptr (HyHaloEvent) event = hy_halo_event_new ();

  g_return_if_fail (HY_IS_HALO_CLIENT (self));
  g_return_if_fail (message != NULL);
  event->time = g_get_real_time ();
  event->level = HY_HALO_EVENT_WARNING;
  event->method = g_strdup (method != NULL ? method : "LIST");
  event->path = g_strdup (path);
  event->error = g_strdup (message);
  event->record = g_strdup (record);
  emit_event (self, event);
}

static void
call_emit (Call *call,
           guint status,
           const char *response,
           gsize response_len,
           HyHaloEventLevel level,
           const char *message)
{
  HyHaloClient *self = call->client;
  g_autoptr (HyHaloEvent) event = NULL;
  const char *const *secrets = redaction_secrets (self);

  /* nobody listens: do not pay for redacting bodies */
  if (!g_signal_has_handler_pending (self, signals[REQUEST_FINISHED], 0, TRUE))
    return;
  event = hy_halo_event_new ();

  event->time = call->started_wall;
  event->level = level;
  event->method = g_strdup (call->method);
  event->path = hy_halo_redact_body (call->path, strlen (call->path), secrets);
  event->status = status;
  event->duration_ms = (guint) ((g_get_monotonic_time () - call->started_mono) / 1000);
  if (call->flags & CALL_IS_TOKEN)
    {
      g_autofree char *client_id = g_uri_escape_string (self->client_id, NULL, FALSE);
      g_autofree char *scopes = g_uri_escape_string (self->scopes, NULL, FALSE);
      event->request_body = g_strdup_printf ("grant_type=client_credentials&client_id=%s&client_"
                                             "secret=[redacted]&scope=%s",
                                             client_id, scopes);
    }
  else if (call->body)
    {
      gsize len;
      const char *data = g_bytes_get_data (call->body, &len);
      event->request_body = hy_halo_redact_body (data, len, secrets);
    }
  event->response_body = hy_halo_redact_body (response, response_len, secrets);
  event->error = message ? hy_halo_redact_body (message, strlen (message), secrets) : NULL;
  event->record = g_strdup (call->record);
  emit_event (self, event);
}

/* ------------------------------------------------------------------------- */
/* Calls                                                                     */
/* ------------------------------------------------------------------------- */

static void
call_stop_timeout (Call *call)
{
  if (call->timeout_source != NULL)
    {
      g_source_destroy (call->timeout_source);
      g_clear_pointer (&call->timeout_source, g_source_unref);
    }
}

static gboolean
call_timeout_cb (gpointer user_data)
{
  Call *call = user_data;

  g_clear_pointer (&call->timeout_source, g_source_unref);
  call->timed_out_ms =
      call->waiting_answer ? call->client->read_timeout_ms : call->client->connect_timeout_ms;
  /* the request in flight fails with G_IO_ERROR_CANCELLED: call_transport_failed () says why */
  g_cancellable_cancel (call->io_cancellable);
  return G_SOURCE_REMOVE;
}

/* (Re)starts the timeout of the phase the request is in: connecting, or waiting for (the rest
 * of) the answer once the request is written. */
static void
call_arm_timeout (Call *call, gboolean answer)
{
  guint ms = answer ? call->client->read_timeout_ms : call->client->connect_timeout_ms;

  call_stop_timeout (call);
  call->waiting_answer = answer;
  if (ms == 0)
    return;
  call->timeout_source = g_timeout_source_new (ms);
  g_source_set_callback (call->timeout_source, call_timeout_cb, call, NULL);
  g_source_attach (call->timeout_source, call->client->context);
}

static void
call_free (Call *call)
{
  g_assert (call->retry_source == NULL);
  g_assert (call->waiter == NULL);
  call_stop_timeout (call);
  if (call->bound_source)
    {
      g_source_destroy (call->bound_source);
      g_source_unref (call->bound_source);
    }
  if (call->cancel_source)
    {
      g_source_destroy (call->cancel_source);
      g_source_unref (call->cancel_source);
    }
  g_clear_object (&call->msg);
  g_clear_object (&call->stream);
  g_clear_object (&call->io_cancellable);
  g_free (call->sent_token);
  g_clear_pointer (&call->buffer, g_byte_array_unref);
  g_clear_pointer (&call->body, g_bytes_unref);
  g_free (call->method);
  g_free (call->url);
  g_free (call->path);
  g_free (call->record);
  g_clear_object (&call->client);
  g_free (call);
}

static void
call_finish (Call *call, GBytes *bytes, GError *error)
{
  g_autoptr (GTask) task = g_steal_pointer (&call->task);
  GCancellable *cancellable = g_task_get_cancellable (task);

  call->state = STATE_DONE;
  if (call->cancel_id && cancellable)
    g_cancellable_disconnect (cancellable, call->cancel_id);
  call->cancel_id = 0;
  /* what the answer was to, for the errors of whoever reads it */
  g_task_set_task_data (task, g_strdup (call->path), g_free);
  if (error && error->message != NULL)
    {
      /* Halo's own text in the message may quote what it was sent: never a secret */
      char *redacted = hy_halo_redact_body (error->message, strlen (error->message),
                                            redaction_secrets (call->client));
      if (redacted != NULL)
        {
          g_free (error->message);
          error->message = redacted;
        }
    }
  if (error)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, bytes, (GDestroyNotify) g_bytes_unref);
  call_free (call);
}

static gboolean
call_cancel_idle_cb (gpointer user_data)
{
  Call *call = user_data;
  HyHaloClient *self = call->client;

  g_clear_pointer (&call->cancel_source, g_source_unref);
  switch (call->state)
    {
      case STATE_TOKEN:
        g_ptr_array_remove (self->token_waiters, call);
        call_finish (call, NULL, cancelled_error ());
        break;
      case STATE_BUDGET:
        hy_halo_budget_withdraw (self->budget, call->waiter);
        call->waiter = NULL;
        call_finish (call, NULL, cancelled_error ());
        break;
      case STATE_RETRY:
        g_source_destroy (call->retry_source);
        g_clear_pointer (&call->retry_source, g_source_unref);
        call_finish (call, NULL, cancelled_error ());
        break;
      case STATE_IDLE:
      case STATE_SENDING:
      case STATE_DONE:
      default:
        /* libsoup sees the same cancellable */
        break;
    }
  return G_SOURCE_REMOVE;
}

static void
call_cancelled_cb (GCancellable *cancellable, gpointer user_data)
{
  Call *call = user_data;

  g_cancellable_cancel (call->io_cancellable);
  /* May run in any thread and from inside g_cancellable_connect(): defer */
  if (call->cancel_source)
    return;
  call->cancel_source = g_idle_source_new ();
  g_source_set_callback (call->cancel_source, call_cancel_idle_cb, call, NULL);
  g_source_attach (call->cancel_source, call->client->context);
}

static Call *
call_new (HyHaloClient *self,
          const char *method,
          const char *url,
          GBytes *body,
          const char *content_type,
          HyHaloPriority priority,
          const char *record,
          CallFlags flags,
          GCancellable *cancellable,
          GAsyncReadyCallback callback,
          gpointer user_data)
{
  Call *call = g_new0 (Call, 1);

  call->client = g_object_ref (self);
  call->task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_check_cancellable (call->task, FALSE);
  g_task_set_source_tag (call->task, call_new);
  call->method = g_strdup (method);
  call->url = g_strdup (url);
  call->path = path_of_url (self, url);
  call->body = body ? g_bytes_ref (body) : NULL;
  call->content_type = content_type;
  call->priority = priority;
  call->record = g_strdup (record);
  call->flags = flags;
  call->io_cancellable = g_cancellable_new ();
  return call;
}

static void
call_run (Call *call)
{
  GCancellable *cancellable = g_task_get_cancellable (call->task);

  if (cancellable)
    call->cancel_id =
        g_cancellable_connect (cancellable, G_CALLBACK (call_cancelled_cb), call, NULL);
  call_start (call);
}

static GBytes *
call_run_finish (HyHaloClient *self, GAsyncResult *result, GError **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

static gboolean
call_retry_cb (gpointer user_data)
{
  Call *call = user_data;

  g_clear_pointer (&call->retry_source, g_source_unref);
  call->state = STATE_IDLE;
  call_start (call);
  return G_SOURCE_REMOVE;
}

static gboolean
call_schedule_retry (Call *call)
{
  HyHaloClient *self = call->client;
  guint delay;

  if ((call->flags & CALL_NO_RETRY) || call->attempt >= self->max_retries)
    return FALSE;
  delay = self->retry_base_ms;
  for (guint i = 0; i < call->attempt && delay < self->retry_max_ms; i++)
    delay *= 2;
  delay = MIN (delay, self->retry_max_ms);
  /* full jitter on the upper half */
  delay = delay / 2 + g_random_int_range (0, (gint32) MAX (delay / 2, 1));
  call->attempt++;
  call->state = STATE_RETRY;
  call->retry_source = g_timeout_source_new (delay);
  g_source_set_callback (call->retry_source, call_retry_cb, call, NULL);
  g_source_attach (call->retry_source, self->context);
  return TRUE;
}

static char *
format_duration (guint ms)
{
  if (ms % 1000 == 0)
    /* Translators: a duration in seconds */
    return g_strdup_printf (_ ("%u s"), ms / 1000);
  /* Translators: a duration in milliseconds */
  return g_strdup_printf (_ ("%u ms"), ms);
}

static GError *
transport_error (Call *call, const GError *error)
{
  g_autofree char *host = NULL;
  g_autoptr (GUri) uri = g_uri_parse (call->url, G_URI_FLAGS_NONE, NULL);

  host = g_strdup (uri ? g_uri_get_host (uri) : call->url);
  if (error->domain == G_TLS_ERROR)
    return g_error_new (
        HY_HALO_ERROR, HY_HALO_ERROR_TLS,
        /* Translators: the first %s is a host name, the second the system's error */
        _ ("The certificate of %s could not be verified (%s): check the Halo address, "
           "the system clock, and any proxy that intercepts HTTPS"),
        host, error->message);
  return g_error_new (HY_HALO_ERROR, HY_HALO_ERROR_UNREACHABLE,
                      /* Translators: the first %s is a host name, the second the system's error */
                      _ ("Halo at %s cannot be reached (%s): check the address and the network "
                         "connection"),
                      host, error->message);
}

static void
call_transport_failed (Call *call, GError *error)
{
  GCancellable *cancellable = g_task_get_cancellable (call->task);
  GError *final;

  g_clear_object (&call->stream);
  g_clear_pointer (&call->buffer, g_byte_array_unref);
  call_stop_timeout (call);

  if (call->timed_out_ms > 0 && !g_cancellable_is_cancelled (cancellable))
    {
      /* Our own timeout, not the caller's cancel. Not retried: each try would wait as long. */
      g_autofree char *duration = format_duration (call->timed_out_ms);
      g_autoptr (GUri) uri = g_uri_parse (call->url, G_URI_FLAGS_NONE, NULL);
      const char *host =
          uri != NULL && g_uri_get_host (uri) != NULL ? g_uri_get_host (uri) : call->url;

      g_error_free (error);
      if (call->waiting_answer && call->wrote_body && (call->flags & CALL_IS_CREATE))
        final = g_error_new (
            HY_HALO_ERROR, HY_HALO_ERROR_OUTCOME_UNKNOWN,
            /* Translators: the first %s is a request such as "POST /api/Tickets", the second a
             * duration such as "60 s" */
            _ ("Halo did not answer %s within %s after receiving it: it may have created the "
               "record; look it up before sending it again"),
            call->path, duration);
      else if (call->waiting_answer)
        final = g_error_new (
            HY_HALO_ERROR, HY_HALO_ERROR_UNREACHABLE,
            /* Translators: the first %s is a host name, the second a request, the third a
             * duration such as "60 s" */
            _ ("Halo at %s accepted the connection but did not answer %s within %s (read "
               "timeout): Halo may be overloaded, or something between it and Halyard holds "
               "the answer; try again later"),
            host, call->path, duration);
      else
        final = g_error_new (
            HY_HALO_ERROR, HY_HALO_ERROR_UNREACHABLE,
            /* Translators: the first %s is a host name, the second a duration such as "15 s" */
            _ ("Halo at %s did not accept a connection within %s (connect timeout): check the "
               "address, the network connection and any firewall"),
            host, duration);
      call_emit (call, 0, NULL, 0, HY_HALO_EVENT_ERROR, final->message);
      call_finish (call, NULL, final);
      return;
    }

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) ||
      g_cancellable_is_cancelled (cancellable))
    {
      call_emit (call, 0, NULL, 0, HY_HALO_EVENT_ERROR, _ ("The operation was cancelled"));
      g_error_free (error);
      call_finish (call, NULL, cancelled_error ());
      return;
    }

  if (call->wrote_body && (call->flags & CALL_IS_CREATE))
    {
      final =
          g_error_new (HY_HALO_ERROR, HY_HALO_ERROR_OUTCOME_UNKNOWN,
                       /* Translators: the first %s is a request such as "POST /api/Tickets", the
                              second the system's error */
                       _ ("The connection to Halo was lost after %s was sent (%s): Halo may have "
                          "created the record; look it up before sending it again"),
                       call->path, error->message);
      call_emit (call, 0, NULL, 0, HY_HALO_EVENT_ERROR, final->message);
      g_error_free (error);
      call_finish (call, NULL, final);
      return;
    }

  final = transport_error (call, error);
  g_error_free (error);
  if (final->code != HY_HALO_ERROR_TLS && call_schedule_retry (call))
    {
      call_emit (call, 0, NULL, 0, HY_HALO_EVENT_WARNING, final->message);
      g_error_free (final);
      return;
    }
  call_emit (call, 0, NULL, 0, HY_HALO_EVENT_ERROR, final->message);
  call_finish (call, NULL, final);
}

/* A wait for Halo's request limit longer than this client may wait (a command's bound): what
 * was to be sent is left for later; calls until @until fail at once instead of waiting. With
 * @known FALSE, the wait's end is not known (the budget did not grant within the bound). */
static GError *
wait_too_long (HyHaloClient *self, gint64 until, gboolean known)
{
  gint64 now = g_get_monotonic_time ();
  guint seconds = (guint) MAX (1, (MAX (until - now, 0) + G_USEC_PER_SEC - 1) / G_USEC_PER_SEC);
  guint allowed = (self->max_wait_ms + 999) / 1000;

  if (until > self->bounded_until)
    {
      self->bounded_until = until;
      self->bounded_known = known;
    }
  if (!known)
    return g_error_new (HY_HALO_ERROR, HY_HALO_ERROR_RATE_LIMITED,
                        /* Translators: %u is a number of seconds */
                        g_dngettext (GETTEXT_PACKAGE,
                                     "Halo’s request limit was reached: nothing could be sent "
                                     "within the %u s allowed; it is left to be sent later",
                                     "Halo’s request limit was reached: nothing could be sent "
                                     "within the %u s allowed; it is left to be sent later",
                                     allowed),
                        allowed);
  return g_error_new (HY_HALO_ERROR, HY_HALO_ERROR_RATE_LIMITED,
                      /* Translators: both %u are seconds */
                      g_dngettext (GETTEXT_PACKAGE,
                                   "Halo’s request limit was reached: sending now means waiting "
                                   "%u s, longer than the %u s allowed; it is left to be sent "
                                   "later",
                                   "Halo’s request limit was reached: sending now means waiting "
                                   "%u s, longer than the %u s allowed; it is left to be sent "
                                   "later",
                                   seconds),
                      seconds, allowed);
}

static gboolean
call_bound_cb (gpointer user_data)
{
  Call *call = user_data;
  HyHaloClient *self = call->client;

  g_clear_pointer (&call->bound_source, g_source_unref);
  if (call->state != STATE_BUDGET || call->waiter == NULL)
    return G_SOURCE_REMOVE;
  hy_halo_budget_withdraw (self->budget, call->waiter);
  call->waiter = NULL;
  /* Its end is not known: at the latest, a whole window of the budget from now. */
  call_finish (call, NULL,
               wait_too_long (self,
                              g_get_monotonic_time () +
                                  (gint64) hy_halo_budget_get_window_ms (self->budget) * 1000,
                              FALSE));
  return G_SOURCE_REMOVE;
}

static gint64
retry_after_us (SoupMessage *msg)
{
  const char *header =
      soup_message_headers_get_one (soup_message_get_response_headers (msg), "Retry-After");
  g_autofree char *value = NULL;
  guint64 seconds;

  if (!header)
    return -1;
  value = g_strstrip (g_strdup (header));
  if (g_ascii_string_to_unsigned (value, 10, 0, 24 * 3600, &seconds, NULL))
    return (gint64) seconds * G_USEC_PER_SEC;
  {
    g_autoptr (GDateTime) when = soup_date_time_new_from_http_string (value);
    g_autoptr (GDateTime) now = g_date_time_new_now_utc ();
    if (when)
      return MAX (0, g_date_time_difference (when, now));
  }
  return -1;
}

/* Whether a create answered with @status may still have been saved: every non-2xx answer,
 * except the 4xx that prove nothing was (the request was refused as it stood) and 429, which
 * Halo's limiter sends instead of handling the request. */
static gboolean
status_may_have_saved (guint status)
{
  switch (status)
    {
      case 400:
      case 403:
      case 404:
      case 409:
      case 415:
      case 422:
      case 429:
        return FALSE;
      default:
        return status < 200 || status >= 300;
    }
}

/* A create Halo received and answered with an error: it may have saved it, so it is not sent
 * again here; the caller looks it up first. */
static void
call_outcome_unknown (Call *call, guint status, const char *data, gsize len)
{
  g_autofree char *text = hy_halo_error_extract_text (data, len);
  GError *error;

  if (status == 504)
    error = g_error_new (HY_HALO_ERROR, HY_HALO_ERROR_OUTCOME_UNKNOWN,
                         /* Translators: %s is a request such as "POST /api/Tickets" */
                         _ ("Halo timed out on %s: it may have created the record; look it "
                            "up before "
                            "sending it again"),
                         call->path);
  else if (text != NULL)
    error = g_error_new (HY_HALO_ERROR, HY_HALO_ERROR_OUTCOME_UNKNOWN,
                         /* Translators: %u is an HTTP status, the first %s a request such as
                          * "POST /api/Tickets", the second Halo's own error text */
                         _ ("Halo answered HTTP %u to %s after receiving it (%s): it may have "
                            "created the record; look it up before sending it again"),
                         status, call->path, text);
  else
    error = g_error_new (HY_HALO_ERROR, HY_HALO_ERROR_OUTCOME_UNKNOWN,
                         /* Translators: %u is an HTTP status, %s a request such as
                          * "POST /api/Tickets" */
                         _ ("Halo answered HTTP %u to %s after receiving it: it may have "
                            "created the record; look it up before sending it again"),
                         status, call->path);
  call_emit (call, status, data, len, HY_HALO_EVENT_ERROR, error->message);
  call_finish (call, NULL, error);
}

static GError *
redirect_error (Call *call, guint status)
{
  const char *location =
      soup_message_headers_get_one (soup_message_get_response_headers (call->msg), "Location");
  g_autofree char *target = NULL;

  if (location != NULL && *location != '\0')
    {
      target = g_uri_resolve_relative (call->url, location, G_URI_FLAGS_NONE, NULL);
      if (target == NULL)
        target = g_strdup (location);
      return g_error_new (
          HY_HALO_ERROR, HY_HALO_ERROR_BAD_RESPONSE,
          /* Translators: the first %s is a request such as "GET /api/Client", %u an HTTP
           * status, the second %s the address it was redirected to */
          _ ("Halo answered %s with a redirect (HTTP %u) to %s; Halyard never follows "
             "redirects: check the Halo address in Setup, which must be the address Halo "
             "really answers at, with https://"),
          call->path, status, target);
    }
  return g_error_new (HY_HALO_ERROR, HY_HALO_ERROR_BAD_RESPONSE,
                      /* Translators: %s is a request such as "GET /api/Client", %u an HTTP
                       * status */
                      _ ("Halo answered %s with a redirect (HTTP %u) to no address; Halyard "
                         "never follows redirects: check the Halo address in Setup"),
                      call->path, status);
}

static void
call_response (Call *call)
{
  HyHaloClient *self = call->client;
  guint status = soup_message_get_status (call->msg);
  g_autoptr (GBytes) bytes = g_byte_array_free_to_bytes (g_steal_pointer (&call->buffer));
  gsize len;
  const char *data = g_bytes_get_data (bytes, &len);
  g_autoptr (GError) error = NULL;

  g_clear_object (&call->stream);
  call_stop_timeout (call);

  if (status >= 200 && status < 300)
    {
      call_emit (call, status, data, len, HY_HALO_EVENT_INFO, NULL);
      call_finish (call, g_steal_pointer (&bytes), NULL);
      return;
    }

  /* A create whose body Halo received: any answer but success or a refusal that proves
   * nothing was saved leaves its outcome unknown, a 401 included (the body was read). */
  if ((call->flags & CALL_IS_CREATE) && call->wrote_body && status_may_have_saved (status))
    {
      /* the token may be the reason: sign in again for the look-up */
      if (status == 401 && g_strcmp0 (self->token, call->sent_token) == 0)
        g_clear_pointer (&self->token, g_free);
      call_outcome_unknown (call, status, data, len);
      return;
    }

  /* Redirects are never followed (SOUP_MESSAGE_NO_REDIRECT): where they point is said. */
  if (status >= 300 && status < 400)
    {
      error = redirect_error (call, status);
      call_emit (call, status, data, len, HY_HALO_EVENT_ERROR, error->message);
      call_finish (call, NULL, g_steal_pointer (&error));
      return;
    }

  if (status == 401 && (call->flags & CALL_NEEDS_AUTH) && !call->reauthed)
    {
      call_emit (call, status, data, len, HY_HALO_EVENT_WARNING,
                 _ ("Halo refused the access token; signing in again"));
      call->reauthed = TRUE;
      /* unless another call already signed in again since this one was sent */
      if (g_strcmp0 (self->token, call->sent_token) == 0)
        g_clear_pointer (&self->token, g_free);
      call->state = STATE_IDLE;
      call_start (call);
      return;
    }

  if (status == 429 && call->rate_waits < self->max_rate_waits)
    {
      gint64 wait = retry_after_us (call->msg);
      g_autofree char *message = NULL;

      if (wait >= 0)
        hy_halo_budget_block_until (self->budget, g_get_monotonic_time () + wait);
      else
        hy_halo_budget_saturate (self->budget);
      if (self->max_wait_ms > 0 &&
          (wait >= 0 ? wait : (gint64) hy_halo_budget_get_window_ms (self->budget) * 1000) >
              (gint64) self->max_wait_ms * 1000)
        {
          gint64 until = wait >= 0 ? g_get_monotonic_time () + wait
                                   : hy_halo_budget_get_blocked_until (self->budget);

          error = wait_too_long (self, until, TRUE);
          call_emit (call, status, data, len, HY_HALO_EVENT_ERROR, error->message);
          call_finish (call, NULL, g_steal_pointer (&error));
          return;
        }
      call->rate_waits++;
      message = g_strdup_printf (
          _ ("Halo’s request limit was reached; waiting %u s before sending again"),
          (guint) ((wait >= 0 ? wait
                              : (gint64) hy_halo_budget_get_window_ms (self->budget) * 1000) /
                   G_USEC_PER_SEC));
      call_emit (call, status, data, len, HY_HALO_EVENT_WARNING, message);
      call->state = STATE_IDLE;
      call_acquire (call);
      return;
    }

  if (status == 408 || status >= 500)
    {
      if (call_schedule_retry (call))
        {
          g_autofree char *message =
              g_strdup_printf (_ ("Halo answered HTTP %u; trying again (attempt %u of %u)"), status,
                               call->attempt + 1, self->max_retries + 1);
          call_emit (call, status, data, len, HY_HALO_EVENT_WARNING, message);
          return;
        }
    }

  error = hy_halo_error_from_status (status, call->method, call->path, data, len,
                                     call->flags & CALL_IS_TOKEN);
  call_emit (call, status, data, len, HY_HALO_EVENT_ERROR, error->message);
  call_finish (call, NULL, g_steal_pointer (&error));
}

static GError *
body_too_large (Call *call)
{
  g_autofree char *size = g_format_size (call->client->max_body);

  return g_error_new (
      HY_HALO_ERROR, HY_HALO_ERROR_BAD_RESPONSE,
      /* Translators: the first %s is a request, the second a size such as "64.0 MB" */
      _ ("Halo’s answer to %s is larger than %s, the most Halyard reads: ask for fewer records "
         "at a time"),
      call->path, size);
}

static void
call_read_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Call *call = user_data;
  HyHaloClient *self = call->client;
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) chunk =
      g_input_stream_read_bytes_finish (G_INPUT_STREAM (source), result, &error);

  if (!chunk)
    {
      call_transport_failed (call, g_steal_pointer (&error));
      return;
    }
  if (g_bytes_get_size (chunk) == 0)
    {
      g_input_stream_close_async (call->stream, G_PRIORITY_DEFAULT, NULL, NULL, NULL);
      call_response (call);
      return;
    }
  if (call->buffer->len + g_bytes_get_size (chunk) > self->max_body)
    {
      GError *too_large = body_too_large (call);
      /* abort the transfer: the connection is closed, not drained */
      g_cancellable_cancel (call->io_cancellable);
      g_clear_object (&call->stream);
      g_clear_pointer (&call->buffer, g_byte_array_unref);
      call_emit (call, soup_message_get_status (call->msg), NULL, 0, HY_HALO_EVENT_ERROR,
                 too_large->message);
      call_finish (call, NULL, too_large);
      return;
    }
  g_byte_array_append (call->buffer, g_bytes_get_data (chunk, NULL), g_bytes_get_size (chunk));
  call_arm_timeout (call, TRUE);
  g_input_stream_read_bytes_async (call->stream, READ_CHUNK, G_PRIORITY_DEFAULT,
                                   call->io_cancellable, call_read_cb, call);
}

static void
call_sent_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Call *call = user_data;
  g_autoptr (GError) error = NULL;
  goffset length;

  call->stream = soup_session_send_finish (SOUP_SESSION (source), result, &error);
  if (!call->stream)
    {
      call_transport_failed (call, g_steal_pointer (&error));
      return;
    }
  length = soup_message_headers_get_content_length (soup_message_get_response_headers (call->msg));
  if (length > 0 && (gsize) length > call->client->max_body)
    {
      GError *too_large = body_too_large (call);
      /* abort the transfer: the connection is closed, not drained */
      g_cancellable_cancel (call->io_cancellable);
      g_clear_object (&call->stream);
      call_emit (call, soup_message_get_status (call->msg), NULL, 0, HY_HALO_EVENT_ERROR,
                 too_large->message);
      call_finish (call, NULL, too_large);
      return;
    }
  call->buffer = g_byte_array_new ();
  call_arm_timeout (call, TRUE);
  g_input_stream_read_bytes_async (call->stream, READ_CHUNK, G_PRIORITY_DEFAULT,
                                   call->io_cancellable, call_read_cb, call);
}

/* Connecting: the connect timeout starts with the first step (a pooled connection takes none). */
static void
call_network_event_cb (SoupMessage *msg,
                       GSocketClientEvent event,
                       GIOStream *connection,
                       gpointer user_data)
{
  Call *call = user_data;

  if (event == G_SOCKET_CLIENT_RESOLVING && call->timeout_source == NULL && !call->waiting_answer)
    call_arm_timeout (call, FALSE);
}

/* Connected and writing: from now on the read timeout */
static void
call_wrote_headers_cb (SoupMessage *msg, gpointer user_data)
{
  call_arm_timeout (user_data, TRUE);
}

static void
call_wrote_body_cb (SoupMessage *msg, gpointer user_data)
{
  Call *call = user_data;

  call->wrote_body = TRUE;
}

static void
call_send (gpointer user_data)
{
  Call *call = user_data;
  HyHaloClient *self = call->client;
  GCancellable *cancellable = g_task_get_cancellable (call->task);
  SoupMessageHeaders *headers;

  call->waiter = NULL;
  if (call->bound_source)
    {
      g_source_destroy (call->bound_source);
      g_clear_pointer (&call->bound_source, g_source_unref);
    }
  if (g_cancellable_is_cancelled (cancellable))
    {
      call_finish (call, NULL, cancelled_error ());
      return;
    }
  /* The token may have been dropped (a 401 elsewhere) while this call waited */
  if ((call->flags & CALL_NEEDS_AUTH) && !token_valid (self))
    {
      call->state = STATE_IDLE;
      call_start (call);
      return;
    }

  call->state = STATE_SENDING;
  call->wrote_body = FALSE;
  call->waiting_answer = FALSE;
  call->timed_out_ms = 0;
  call_stop_timeout (call);
  /* a fresh one for each try: a timeout cancels the one of its try */
  if (g_cancellable_is_cancelled (call->io_cancellable))
    {
      g_clear_object (&call->io_cancellable);
      call->io_cancellable = g_cancellable_new ();
    }
  g_clear_object (&call->msg);
  call->msg = soup_message_new (call->method, call->url);
  if (!call->msg)
    {
      call_finish (call, NULL,
                   g_error_new (HY_HALO_ERROR, HY_HALO_ERROR_INVALID_URL,
                                /* Translators: %s is a URL */
                                _ ("“%s” is not a valid Halo address"), call->url));
      return;
    }
  headers = soup_message_get_request_headers (call->msg);
  soup_message_headers_replace (headers, "Accept", "application/json");
  if (call->flags & CALL_NEEDS_AUTH)
    {
      g_autofree char *authorization = g_strdup_printf ("Bearer %s", self->token);

      g_free (call->sent_token);
      call->sent_token = g_strdup (self->token);
      soup_message_headers_replace (headers, "Authorization", authorization);
    }
  if (call->body)
    soup_message_set_request_body_from_bytes (call->msg, call->content_type, call->body);
  /* Halo's requests are never redirected: a redirect is reported, not followed */
  soup_message_add_flags (call->msg, SOUP_MESSAGE_NO_REDIRECT);
  g_signal_connect (call->msg, "wrote-body", G_CALLBACK (call_wrote_body_cb), call);
  g_signal_connect (call->msg, "wrote-headers", G_CALLBACK (call_wrote_headers_cb), call);
  g_signal_connect (call->msg, "network-event", G_CALLBACK (call_network_event_cb), call);

  call->started_wall = g_get_real_time ();
  call->started_mono = g_get_monotonic_time ();
  self->request_count++;
  soup_session_send_async (self->session, call->msg, G_PRIORITY_DEFAULT, call->io_cancellable,
                           call_sent_cb, call);
}

static void
call_acquire (Call *call)
{
  /* the call may hold the last reference to the client: keep the budget alive */
  g_autoptr (HyHaloClient) self = g_object_ref (call->client);
  HyHaloBudget *budget = self->budget;

  /* A bounded client does not queue behind a wait it already knows to be too long. */
  if (self->max_wait_ms > 0)
    {
      gint64 now = g_get_monotonic_time ();
      gint64 blocked = hy_halo_budget_get_blocked_until (budget);
      gint64 until = MAX (self->bounded_until, blocked);
      gboolean known = blocked >= self->bounded_until || self->bounded_known;

      if (until - now > (gint64) self->max_wait_ms * 1000)
        {
          call->state = STATE_DONE;
          call_finish (call, NULL, wait_too_long (self, until, known));
          return;
        }
      call->bound_source = g_timeout_source_new (self->max_wait_ms);
      g_source_set_callback (call->bound_source, call_bound_cb, call, NULL);
      g_source_attach (call->bound_source, self->context);
    }
  call->state = STATE_BUDGET;
  call->waiter = hy_halo_budget_acquire (budget, call->priority, call_send, call);
  /* may run call_send() and finish (free) the call: do not touch it after this */
  hy_halo_budget_dispatch (budget);
}

static void
call_start (Call *call)
{
  HyHaloClient *self = call->client;

  if (g_cancellable_is_cancelled (g_task_get_cancellable (call->task)))
    {
      call_finish (call, NULL, cancelled_error ());
      return;
    }
  if ((call->flags & CALL_NEEDS_AUTH) && !token_valid (self))
    {
      call->state = STATE_TOKEN;
      g_ptr_array_add (self->token_waiters, call);
      if (!self->authenticating)
        auth_start (self);
      return;
    }
  call_acquire (call);
}

/* ------------------------------------------------------------------------- */
/* Authentication                                                            */
/* ------------------------------------------------------------------------- */

static void
auth_done (HyHaloClient *self, const GError *error)
{
  g_autoptr (GPtrArray) waiters = g_steal_pointer (&self->token_waiters);

  self->token_waiters = g_ptr_array_new ();
  self->authenticating = FALSE;
  for (guint i = 0; i < waiters->len; i++)
    {
      Call *call = g_ptr_array_index (waiters, i);
      if (error)
        call_finish (call, NULL, g_error_copy (error));
      else
        call_acquire (call);
    }
}

static void
token_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (HyHaloClient) self = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) bytes = call_run_finish (self, result, &error);
  g_autoptr (JsonParser) parser = json_parser_new ();
  JsonObject *object;
  const char *token;
  gint64 expires_in;
  gint64 margin;

  if (!bytes)
    {
      auth_done (self, error);
      return;
    }
  /* An empty body has no root; every member is checked for being a string. */
  if (!hy_json_guard_load (parser, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes),
                           NULL) ||
      json_parser_get_root (parser) == NULL ||
      !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)) ||
      !(token = string_member ((object = json_node_get_object (json_parser_get_root (parser))),
                               "access_token")) ||
      !*token)
    {
      g_autoptr (GError) bad =
          g_error_new (HY_HALO_ERROR, HY_HALO_ERROR_BAD_RESPONSE,
                       /* Translators: %s is a URL */
                       _ ("%s did not answer with an access token: check that the "
                          "Authorisation Server shown in Halo’s API Details is the "
                          "one Halyard uses"),
                       self->token_url);
      auth_done (self, bad);
      return;
    }

  remember_secret (self, token);
  remember_secret (self, string_member (object, "refresh_token"));
  remember_secret (self, string_member (object, "id_token"));
  g_free (self->token);
  self->token = g_strdup (token);
  expires_in = hy_halo_json_get_id (object, "expires_in");
  if (expires_in <= 0)
    expires_in = 3600;
  margin = MIN ((gint64) self->token_margin_s, expires_in / 5);
  self->token_expiry = g_get_monotonic_time () + (expires_in - margin) * G_USEC_PER_SEC;
  auth_done (self, NULL);
}

static void
wipe_and_free (gpointer data)
{
  explicit_bzero (data, strlen (data));
  g_free (data);
}

static void
request_token (HyHaloClient *self)
{
  g_autofree char *form = NULL;
  g_autofree char *url = NULL;
  g_autoptr (GBytes) body = NULL;
  const char *tenant = self->tenant ? self->tenant : self->discovered_tenant;
  Call *call;

  form = soup_form_encode ("grant_type", "client_credentials", "client_id", self->client_id,
                           "client_secret", self->secret, "scope", self->scopes, NULL);
  /* the form holds the secret: wiped when the request is done with it */
  body = g_bytes_new_with_free_func (form, strlen (form), wipe_and_free, form);
  form = NULL;
  if (tenant && *tenant)
    {
      g_autofree char *escaped = g_uri_escape_string (tenant, NULL, FALSE);
      url = g_strdup_printf ("%s?tenant=%s", self->token_url, escaped);
    }
  else
    url = g_strdup (self->token_url);

  call = call_new (self, "POST", url, body, "application/x-www-form-urlencoded",
                   HY_HALO_PRIORITY_INTERACTIVE, NULL, CALL_IS_TOKEN, NULL, token_cb,
                   g_object_ref (self));
  call_run (call);
}

/* An /api/authinfo answer Halyard cannot use: said in the events, then the default token URL */
static void
authinfo_unusable (HyHaloClient *self, const char *why)
{
  g_autoptr (HyHaloEvent) event = hy_halo_event_new ();

  event->time = g_get_real_time ();
  event->level = HY_HALO_EVENT_WARNING;
  event->method = g_strdup ("GET");
  event->path = g_strdup ("/api/authinfo");
  event->error = g_strdup_printf (
      /* Translators: %s says what is wrong with the answer */
      _ ("Halo’s /api/authinfo answer cannot be used (%s): signing in at /auth/token"), why);
  emit_event (self, event);
}

static char *
token_url_from_authinfo (HyHaloClient *self, GBytes *bytes)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GError) error = NULL;
  g_autofree char *auth_url = NULL;
  JsonObject *object;
  JsonNode *node;
  const char *value;
  gsize len;

  if (!hy_json_guard_load (parser, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes),
                           &error))
    {
      authinfo_unusable (self, error->message);
      return NULL;
    }
  if (json_parser_get_root (parser) == NULL ||
      !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    {
      authinfo_unusable (self, _ ("it is not a JSON object"));
      return NULL;
    }
  object = json_node_get_object (json_parser_get_root (parser));
  for (guint i = 0; i < 2; i++)
    {
      const char *member = i == 0 ? "tenant_id" : "auth_url";

      node = json_object_get_member (object, member);
      if (node != NULL && !JSON_NODE_HOLDS_NULL (node) && string_member (object, member) == NULL)
        {
          g_autofree char *why =
              /* Translators: %s is a JSON member name such as "auth_url" */
              g_strdup_printf (_ ("“%s” is not a string"), member);
          authinfo_unusable (self, why);
          return NULL;
        }
    }
  value = string_member (object, "tenant_id");
  if (value && *value)
    {
      g_free (self->discovered_tenant);
      self->discovered_tenant = g_strdup (value);
    }
  value = string_member (object, "auth_url");
  if (!value || !*value)
    return NULL;

  /* The same rules as the address the technician typed: https, or http to loopback */
  auth_url = g_strstrip (g_strdup (value));
  len = strlen (auth_url);
  while (len > 0 && auth_url[len - 1] == '/')
    auth_url[--len] = '\0';
  {
    g_autoptr (GUri) uri = g_uri_parse (auth_url, G_URI_FLAGS_NONE, NULL);
    if (!uri || !g_uri_get_host (uri) ||
        !(g_ascii_strcasecmp (g_uri_get_scheme (uri), "https") == 0 ||
          (g_ascii_strcasecmp (g_uri_get_scheme (uri), "http") == 0 &&
           hy_halo_host_is_loopback (g_uri_get_host (uri)))))
      {
        g_warning ("Ignoring the insecure or invalid auth_url in /api/authinfo");
        return NULL;
      }
  }
  return g_strdup_printf ("%s/token", auth_url);
}

static void
discovery_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (HyHaloClient) self = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) bytes = call_run_finish (self, result, &error);
  char *token_url = NULL;

  if (bytes)
    token_url = token_url_from_authinfo (self, bytes);
  if (!token_url)
    token_url = g_strdup_printf ("%s/auth/token", self->base_url);
  g_free (self->token_url);
  self->token_url = token_url;
  request_token (self);
}

static void
auth_start (HyHaloClient *self)
{
  self->authenticating = TRUE;
  if (!self->token_url)
    {
      g_autofree char *url = g_strdup_printf ("%s/api/authinfo", self->base_url);
      Call *call = call_new (self, "GET", url, NULL, NULL, HY_HALO_PRIORITY_INTERACTIVE, NULL,
                             CALL_NO_RETRY, NULL, discovery_cb, g_object_ref (self));
      call_run (call);
      return;
    }
  request_token (self);
}

/* ------------------------------------------------------------------------- */
/* JSON requests                                                             */
/* ------------------------------------------------------------------------- */

static void
json_request_async (HyHaloClient *self,
                    const char *method,
                    const char *path,
                    JsonNode *body,
                    HyHaloPriority priority,
                    const char *record,
                    CallFlags flags,
                    GCancellable *cancellable,
                    GAsyncReadyCallback callback,
                    gpointer user_data)
{
  g_autofree char *url = g_strconcat (self->base_url, path, NULL);
  g_autoptr (GBytes) bytes = NULL;

  if (body)
    {
      g_autofree char *json = NULL;
      gsize len;

      hy_halo_json_normalize_ids (body);
      json = json_to_string (body, FALSE);
      len = strlen (json);
      bytes = g_bytes_new_take (g_steal_pointer (&json), len);
    }
  call_run (call_new (self, method, url, bytes, "application/json", priority, record,
                      flags | CALL_NEEDS_AUTH, cancellable, callback, user_data));
}

static JsonNode *
json_request_finish (HyHaloClient *self, GAsyncResult *result, GError **error)
{
  g_autoptr (GBytes) bytes = call_run_finish (self, result, error);
  const char *path = g_task_get_task_data (G_TASK (result));
  g_autoptr (JsonParser) parser = NULL;
  g_autoptr (GError) local = NULL;
  JsonNode *root;

  if (!bytes)
    return NULL;
  if (g_bytes_get_size (bytes) == 0)
    return json_node_new (JSON_NODE_NULL);
  parser = json_parser_new ();
  if (!hy_json_guard_check (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes),
                            HY_JSON_MAX_DEPTH, &local))
    {
      g_set_error (error, HY_HALO_ERROR, HY_HALO_ERROR_BAD_RESPONSE,
                   /* Translators: the first %s is a request path, the second what is wrong */
                   _ ("Halo’s answer to %s was refused, nothing was changed: %s. Check that the "
                      "address points at Halo itself"),
                   path, local->message);
      return NULL;
    }
  if (!json_parser_load_from_data (parser, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes),
                                   &local))
    {
      g_set_error (error, HY_HALO_ERROR, HY_HALO_ERROR_BAD_RESPONSE,
                   /* Translators: %s is a parser error */
                   _ ("Halo sent an answer that is not JSON (%s): check that the address points at "
                      "Halo itself"),
                   local->message);
      return NULL;
    }
  root = json_parser_get_root (parser);
  if (root != NULL && !hy_json_guard_numbers (root, &local))
    {
      g_set_error (error, HY_HALO_ERROR, HY_HALO_ERROR_BAD_RESPONSE,
                   /* Translators: the first %s is a request path, the second what is wrong
                    * ("the number 1e+308 in “cost” of record 12 is out of range") */
                   _ ("Halo’s answer to %s was refused, nothing was changed: %s. Correct that "
                      "value in Halo"),
                   path, local->message);
      return NULL;
    }
  if (root == NULL)
    return json_node_new (JSON_NODE_NULL);
  return json_parser_steal_root (parser);
}

static GError *
bad_shape (const char *what)
{
  return g_error_new (HY_HALO_ERROR, HY_HALO_ERROR_BAD_RESPONSE,
                      /* Translators: %s is an API path */
                      _ ("Halo’s answer to %s does not have the expected shape"), what);
}

/* ------------------------------------------------------------------------- */
/* Single records                                                            */
/* ------------------------------------------------------------------------- */

typedef struct
{
  HyHaloKind kind;
  char *path;
} RecordData;

static void
record_data_free (RecordData *data)
{
  g_free (data->path);
  g_free (data);
}

/* The saved or read record: an object, or the last object of an array or wrapper */
static JsonObject *
single_object (JsonNode *root, HyHaloKind kind)
{
  if (JSON_NODE_HOLDS_OBJECT (root))
    {
      JsonObject *object = json_node_get_object (root);
      JsonNode *inner;

      if (json_object_has_member (object, "id"))
        return object;
      inner = json_object_get_member (object, kind_plural (kind));
      if (inner)
        return single_object (inner, kind);
      return NULL;
    }
  if (JSON_NODE_HOLDS_ARRAY (root))
    {
      JsonArray *array = json_node_get_array (root);
      guint n = json_array_get_length (array);
      JsonNode *last = n ? json_array_get_element (array, n - 1) : NULL;
      if (last && JSON_NODE_HOLDS_OBJECT (last))
        return json_node_get_object (last);
    }
  return NULL;
}

static void
record_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  RecordData *data = g_task_get_task_data (task);
  GError *error = NULL;
  g_autoptr (JsonNode) root = json_request_finish (HY_HALO_CLIENT (source), result, &error);
  JsonObject *object;

  if (!root)
    {
      g_task_return_error (task, error);
      return;
    }
  object = single_object (root, data->kind);
  if (!object || hy_halo_json_get_id (object, "id") <= 0)
    {
      g_task_return_error (task, bad_shape (data->path));
      return;
    }
  g_task_return_pointer (task, hy_halo_record_new (data->kind, object),
                         (GDestroyNotify) hy_halo_record_unref);
}

static void
record_request (HyHaloClient *self,
                HyHaloKind kind,
                const char *method,
                const char *path,
                JsonNode *body,
                HyHaloPriority priority,
                const char *record,
                CallFlags flags,
                GCancellable *cancellable,
                GAsyncReadyCallback callback,
                gpointer user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_check_cancellable (task, FALSE);
  RecordData *data = g_new0 (RecordData, 1);

  g_task_set_source_tag (task, record_request);
  data->kind = kind;
  data->path = g_strdup (path);
  g_task_set_task_data (task, data, (GDestroyNotify) record_data_free);
  json_request_async (self, method, path, body, priority, record, flags, cancellable, record_cb,
                      task);
}

/**
 * hy_halo_client_record_finish:
 *
 * Returns: (transfer full): the record, or %NULL with @error set
 */
HyHaloRecord *
hy_halo_client_record_finish (HyHaloClient *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == record_request, NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

void
hy_halo_client_get_agent_me_async (HyHaloClient *self,
                                   HyHaloPriority priority,
                                   GCancellable *cancellable,
                                   GAsyncReadyCallback callback,
                                   gpointer user_data)
{
  g_return_if_fail (HY_IS_HALO_CLIENT (self));
  record_request (self, HY_HALO_KIND_AGENT, "GET", "/api/Agent/me", NULL, priority, NULL, 0,
                  cancellable, callback, user_data);
}

void
hy_halo_client_get_ticket_async (HyHaloClient *self,
                                 gint64 ticket_id,
                                 HyHaloPriority priority,
                                 const char *record,
                                 GCancellable *cancellable,
                                 GAsyncReadyCallback callback,
                                 gpointer user_data)
{
  g_autofree char *path = NULL;

  g_return_if_fail (HY_IS_HALO_CLIENT (self));
  g_return_if_fail (ticket_id > 0);
  /* With its details and assets: lists never carry them, and includedetails is a parameter of
   * the single ticket only (HALO-API §11). */
  path = g_strdup_printf ("/api/Tickets/%" G_GINT64_FORMAT "?includedetails=true", ticket_id);
  record_request (self, HY_HALO_KIND_TICKET, "GET", path, NULL, priority, record, 0, cancellable,
                  callback, user_data);
}

void
hy_halo_client_get_record_async (HyHaloClient *self,
                                 HyHaloKind kind,
                                 gint64 id,
                                 const char *query,
                                 HyHaloPriority priority,
                                 const char *record,
                                 GCancellable *cancellable,
                                 GAsyncReadyCallback callback,
                                 gpointer user_data)
{
  g_autofree char *path = NULL;

  g_return_if_fail (HY_IS_HALO_CLIENT (self));
  g_return_if_fail (id > 0);
  path = g_strdup_printf ("/api/%s/%" G_GINT64_FORMAT "%s%s", kind_entity (kind), id,
                          query != NULL && *query ? "?" : "", query != NULL ? query : "");
  record_request (self, kind, "GET", path, NULL, priority, record, 0, cancellable, callback,
                  user_data);
}

static JsonNode *
array_of (JsonObject *object)
{
  JsonArray *array = json_array_new ();
  JsonNode *node = json_node_new (JSON_NODE_ARRAY);
  JsonNode *element = json_node_new (JSON_NODE_OBJECT);

  /* A copy: normalising the ids must not change the caller's object */
  json_node_set_object (element, object);
  json_array_add_element (array, json_node_copy (element));
  json_node_free (element);
  json_node_take_array (node, array);
  {
    /* deep copy through serialisation, so the caller's object stays untouched */
    g_autofree char *json = json_to_string (node, FALSE);
    g_autoptr (JsonParser) parser = json_parser_new ();
    json_node_free (node);
    if (!json_parser_load_from_data (parser, json, -1, NULL))
      g_assert_not_reached ();
    return json_node_copy (json_parser_get_root (parser));
  }
}

void
hy_halo_client_create_ticket_async (HyHaloClient *self,
                                    JsonObject *ticket,
                                    HyHaloPriority priority,
                                    const char *record,
                                    GCancellable *cancellable,
                                    GAsyncReadyCallback callback,
                                    gpointer user_data)
{
  g_autoptr (JsonNode) body = NULL;

  g_return_if_fail (HY_IS_HALO_CLIENT (self));
  g_return_if_fail (ticket != NULL);
  g_return_if_fail (hy_halo_json_get_id (ticket, "id") <= 0);
  body = array_of (ticket);
  record_request (self, HY_HALO_KIND_TICKET, "POST", "/api/Tickets", body, priority, record,
                  CALL_IS_CREATE, cancellable, callback, user_data);
}

void
hy_halo_client_update_ticket_async (HyHaloClient *self,
                                    gint64 ticket_id,
                                    JsonObject *fields,
                                    HyHaloPriority priority,
                                    const char *record,
                                    GCancellable *cancellable,
                                    GAsyncReadyCallback callback,
                                    gpointer user_data)
{
  g_autoptr (JsonNode) body = NULL;

  g_return_if_fail (HY_IS_HALO_CLIENT (self));
  g_return_if_fail (ticket_id > 0);
  g_return_if_fail (fields != NULL);
  body = array_of (fields);
  json_object_set_int_member (json_array_get_object_element (json_node_get_array (body), 0), "id",
                              ticket_id);
  record_request (self, HY_HALO_KIND_TICKET, "POST", "/api/Tickets", body, priority, record, 0,
                  cancellable, callback, user_data);
}

void
hy_halo_client_create_action_async (HyHaloClient *self,
                                    JsonObject *action,
                                    HyHaloPriority priority,
                                    const char *record,
                                    GCancellable *cancellable,
                                    GAsyncReadyCallback callback,
                                    gpointer user_data)
{
  g_autoptr (JsonNode) body = NULL;

  g_return_if_fail (HY_IS_HALO_CLIENT (self));
  g_return_if_fail (action != NULL);
  body = array_of (action);
  record_request (self, HY_HALO_KIND_ACTION, "POST", "/api/Actions", body, priority, record,
                  hy_halo_json_get_id (action, "id") > 0 ? 0 : CALL_IS_CREATE, cancellable,
                  callback, user_data);
}

/* ------------------------------------------------------------------------- */
/* Lists                                                                     */
/* ------------------------------------------------------------------------- */

typedef struct
{
  HyHaloKind kind;
  char *query;
  char *check_member;
  gint64 check_value;
  HyHaloPriority priority;
  char *record;
  guint page_no;
  guint max_pages; /* 0: no cap */
  guint received;
  guint max_page_len;
  gboolean bare;
  GHashTable *seen;
  HyHaloList *list;
} ListData;

static void
list_data_free (ListData *data)
{
  g_free (data->query);
  g_free (data->check_member);
  g_free (data->record);
  g_hash_table_unref (data->seen);
  hy_halo_list_free (data->list);
  g_free (data);
}

/* Lists Halo returns whole, as one bare array, whatever the paging parameters say (HALO-API §3,
 * §11): asking for a second page of them only repeats the first and costs a request of the rate
 * budget, so the first answer is the whole list. */
static gboolean
kind_is_unpaged (HyHaloKind kind)
{
  switch (kind)
    {
      case HY_HALO_KIND_AGENT:
      case HY_HALO_KIND_ASSET_TYPE:
      case HY_HALO_KIND_TEAM:
      case HY_HALO_KIND_TICKET_TYPE:
      case HY_HALO_KIND_STATUS:
      case HY_HALO_KIND_OUTCOME:
      case HY_HALO_KIND_PRIORITY:
        return TRUE;
      case HY_HALO_KIND_CLIENT:
      case HY_HALO_KIND_SITE:
      case HY_HALO_KIND_ASSET:
      case HY_HALO_KIND_USER:
      case HY_HALO_KIND_TICKET:
      case HY_HALO_KIND_ACTION:
      default:
        return FALSE;
    }
}

static char *
list_path (HyHaloClient *self, ListData *data)
{
  return g_strdup_printf ("/api/%s?%s%spageinate=true&page_size=%u&page_no=%u",
                          kind_entity (data->kind), data->query ? data->query : "",
                          data->query && *data->query ? "&" : "", self->page_size, data->page_no);
}

static void list_next_page (GTask *task);

static JsonArray *
find_array (JsonNode *root, HyHaloKind kind, gint64 *record_count, gboolean *bare)
{
  JsonObject *object;
  JsonNode *node;

  *record_count = -1;
  *bare = FALSE;
  if (JSON_NODE_HOLDS_ARRAY (root))
    {
      *bare = TRUE;
      return json_node_get_array (root);
    }
  if (!JSON_NODE_HOLDS_OBJECT (root))
    return NULL;
  object = json_node_get_object (root);
  if (json_object_has_member (object, "record_count") &&
      !hy_halo_json_parse_id (json_object_get_member (object, "record_count"), record_count))
    *record_count = -1;

  node = json_object_get_member (object, kind_plural (kind));
  if (node && JSON_NODE_HOLDS_ARRAY (node))
    return json_node_get_array (node);
  {
    /* Tolerate another spelling of the wrapper: the only array member */
    g_autoptr (GList) members = json_object_get_members (object);
    JsonArray *found = NULL;
    for (GList *l = members; l; l = l->next)
      {
        node = json_object_get_member (object, l->data);
        if (JSON_NODE_HOLDS_ARRAY (node))
          {
            if (found)
              return NULL;
            found = json_node_get_array (node);
          }
      }
    return found;
  }
}

static void
list_page_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  HyHaloClient *self = HY_HALO_CLIENT (source);
  g_autoptr (GTask) task = user_data;
  ListData *data = g_task_get_task_data (task);
  GError *error = NULL;
  g_autoptr (JsonNode) root = json_request_finish (self, result, &error);
  g_autofree char *path = NULL;
  JsonArray *array;
  gint64 record_count;
  gboolean bare;
  guint len;
  guint fresh = 0;
  gboolean done = FALSE;

  if (!root)
    {
      g_task_return_error (task, error);
      return;
    }
  path = list_path (self, data);
  data->list->requests++;
  array = find_array (root, data->kind, &record_count, &bare);
  if (!array)
    {
      g_task_return_error (task, bad_shape (path));
      return;
    }

  len = json_array_get_length (array);
  for (guint i = 0; i < len; i++)
    {
      JsonNode *element = json_array_get_element (array, i);
      JsonObject *object;
      gint64 id;

      if (!JSON_NODE_HOLDS_OBJECT (element))
        {
          g_task_return_error (task, bad_shape (path));
          return;
        }
      object = json_node_get_object (element);
      id = hy_halo_json_get_id (object, "id");
      if (id != 0)
        {
          if (g_hash_table_contains (data->seen, &id))
            continue;
          g_hash_table_add (data->seen, g_memdup2 (&id, sizeof id));
        }
      fresh++;
      if (data->check_member &&
          hy_halo_json_get_id (object, data->check_member) != data->check_value)
        {
          data->list->dropped++;
          continue;
        }
      g_ptr_array_add (data->list->records, hy_halo_record_new (data->kind, object));
    }
  data->received += fresh;
  data->bare = bare;
  if (record_count >= 0)
    data->list->record_count = record_count;
  data->max_page_len = MAX (data->max_page_len, len);

  if (len == 0 || kind_is_unpaged (data->kind))
    done = TRUE;
  else if (fresh == 0)
    {
      /* The same records again: Halo ignored page_no. Bare lists are often not paged at all
       * (the first page held everything); a wrapped list that repeats is a real anomaly. */
      done = TRUE;
      if (!bare)
        data->list->inconsistent = TRUE;
    }
  else if (data->list->record_count >= 0 && data->received >= data->list->record_count)
    done = TRUE;
  else if (data->list->record_count < 0 && (len < data->max_page_len || len > self->page_size))
    done = TRUE;
  else if (data->page_no >= MAX_PAGES)
    done = TRUE;
  else if (data->max_pages > 0 && data->page_no == 1 &&
           (data->list->record_count >= 0
                ? (data->list->record_count + data->max_page_len - 1) / data->max_page_len >
                      (gint64) data->max_pages
                : data->max_pages == 1))
    {
      /* Capped: the whole list takes more pages than the caller allows (known from the
       * first page's record_count); it has this page and reads another way. */
      data->list->truncated = TRUE;
      g_task_return_pointer (task, g_steal_pointer (&data->list),
                             (GDestroyNotify) hy_halo_list_free);
      return;
    }
  else if (data->max_pages > 0 && data->page_no >= data->max_pages)
    done = TRUE;

  if (!done)
    {
      data->page_no++;
      list_next_page (g_steal_pointer (&task));
      return;
    }

  if (data->list->record_count >= 0 && data->received != data->list->record_count)
    data->list->inconsistent = TRUE;
  if (data->list->inconsistent)
    {
      g_autofree char *message = NULL;

      if (data->list->record_count >= 0)
        {
          g_autofree char *announced =
              g_strdup_printf ("%" G_GINT64_FORMAT, data->list->record_count);
          message = g_strdup_printf (
              /* Translators: the first %s is an entity such as "Client", the second and %u are
               record counts */
              _ ("Halo’s totals for %s do not add up: it announced %s records but sent %u "
                 "different "
                 "ones; the list may be incomplete"),
              kind_entity (data->kind), announced, data->received);
        }
      else
        message = g_strdup_printf (
            /* Translators: %s is an entity such as "Agent", %u a count */
            _ ("Halo sent the same %s records again for a later page: it may not page this list; "
               "%u "
               "records were kept"),
            kind_entity (data->kind), data->received);
      emit_warning (self, path, data->record, message);
    }
  if (data->list->dropped > 0)
    {
      g_autofree char *value = g_strdup_printf ("%" G_GINT64_FORMAT, data->check_value);
      g_autofree char *message = g_strdup_printf (
          /* Translators: the first %s is a filter such as "client_id", the second its value, %u a
           count of records */
          g_dngettext (GETTEXT_PACKAGE,
                       "Halo ignored the %s=%s filter: %u record that does not match was dropped",
                       "Halo ignored the %s=%s filter: %u records that do not match were dropped",
                       data->list->dropped),
          data->check_member, value, data->list->dropped);
      emit_warning (self, path, data->record, message);
    }
  g_task_return_pointer (task, g_steal_pointer (&data->list), (GDestroyNotify) hy_halo_list_free);
}

static void
list_next_page (GTask *task)
{
  HyHaloClient *self = g_task_get_source_object (task);
  ListData *data = g_task_get_task_data (task);
  g_autofree char *path = list_path (self, data);

  json_request_async (self, "GET", path, NULL, data->priority, data->record, 0,
                      g_task_get_cancellable (task), list_page_cb, task);
}

static void
list_start (HyHaloClient *self,
            HyHaloKind kind,
            const char *query,
            const char *check_member,
            gint64 check_value,
            guint max_pages,
            HyHaloPriority priority,
            const char *record,
            GCancellable *cancellable,
            GAsyncReadyCallback callback,
            gpointer user_data)
{
  GTask *task;
  ListData *data;

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_check_cancellable (task, FALSE);
  g_task_set_source_tag (task, hy_halo_client_list_async);
  data = g_new0 (ListData, 1);
  data->kind = kind;
  data->query = g_strdup (query);
  data->check_member = g_strdup (check_member);
  data->check_value = check_value;
  data->priority = priority;
  data->record = g_strdup (record);
  data->page_no = 1;
  data->max_pages = max_pages;
  data->seen = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  data->list = hy_halo_list_new ();
  g_task_set_task_data (task, data, (GDestroyNotify) list_data_free);
  list_next_page (task);
}

/**
 * hy_halo_client_list_async:
 * @kind: the entity to list
 * @query: (nullable): extra query parameters, already escaped ("client_id=12&includeassetfields=true")
 * @check_member: (nullable): a member every returned record must have equal to @check_value
 *   (Halo ignores filters it does not know: records that do not match are dropped and counted)
 * @check_value: the value for @check_member
 * @record: (nullable): the local record the list is read for ("computer:pc1"), shown with each
 *   of its requests in the events log
 *
 * Lists every record, page by page (pageinate=true), paging by what Halo actually returns.
 */
void
hy_halo_client_list_async (HyHaloClient *self,
                           HyHaloKind kind,
                           const char *query,
                           const char *check_member,
                           gint64 check_value,
                           HyHaloPriority priority,
                           const char *record,
                           GCancellable *cancellable,
                           GAsyncReadyCallback callback,
                           gpointer user_data)
{
  g_return_if_fail (HY_IS_HALO_CLIENT (self));
  list_start (self, kind, query, check_member, check_value, 0, priority, record, cancellable,
              callback, user_data);
}

/**
 * hy_halo_client_list_within_async:
 * @max_pages: the most pages the caller will pay for (at least 1)
 *
 * Like hy_halo_client_list_async(), when the whole list takes at most @max_pages pages. When
 * the first page's `record_count` says it takes more, the list stops there, marked
 * `truncated`, with that page's records: the caller reads what it needs another way (one list
 * per client instead of one of everything) and has paid one request to learn it. Finish with
 * hy_halo_client_list_finish().
 */
void
hy_halo_client_list_within_async (HyHaloClient *self,
                                  HyHaloKind kind,
                                  const char *query,
                                  const char *check_member,
                                  gint64 check_value,
                                  guint max_pages,
                                  HyHaloPriority priority,
                                  const char *record,
                                  GCancellable *cancellable,
                                  GAsyncReadyCallback callback,
                                  gpointer user_data)
{
  g_return_if_fail (HY_IS_HALO_CLIENT (self));
  list_start (self, kind, query, check_member, check_value, MAX (max_pages, 1u), priority, record,
              cancellable, callback, user_data);
}

/**
 * hy_halo_client_list_finish:
 *
 * Returns: (transfer full): the list, or %NULL with @error set
 */
HyHaloList *
hy_halo_client_list_finish (HyHaloClient *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == hy_halo_client_list_async, NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

void
hy_halo_client_list_clients_async (HyHaloClient *self,
                                   HyHaloPriority priority,
                                   GCancellable *cancellable,
                                   GAsyncReadyCallback callback,
                                   gpointer user_data)
{
  hy_halo_client_list_async (self, HY_HALO_KIND_CLIENT, NULL, NULL, 0, priority, NULL, cancellable,
                             callback, user_data);
}

/**
 * hy_halo_client_list_sites_async:
 * @client_id: a Halo client id (checked on every returned site), or 0 for every client's sites
 *
 * Inactive sites are included (their `inactive` member says so): links to them must stay
 * resolvable.
 */
void
hy_halo_client_list_sites_async (HyHaloClient *self,
                                 gint64 client_id,
                                 HyHaloPriority priority,
                                 GCancellable *cancellable,
                                 GAsyncReadyCallback callback,
                                 gpointer user_data)
{
  g_autofree char *query =
      client_id > 0
          ? g_strdup_printf ("client_id=%" G_GINT64_FORMAT "&includeinactive=true", client_id)
          : g_strdup ("includeinactive=true");

  hy_halo_client_list_async (self, HY_HALO_KIND_SITE, query, client_id > 0 ? "client_id" : NULL,
                             client_id, priority, NULL, cancellable, callback, user_data);
}

void
hy_halo_client_list_assets_async (HyHaloClient *self,
                                  gint64 client_id,
                                  HyHaloPriority priority,
                                  GCancellable *cancellable,
                                  GAsyncReadyCallback callback,
                                  gpointer user_data)
{
  g_autofree char *query = NULL;

  if (client_id > 0)
    query = g_strdup_printf ("client_id=%" G_GINT64_FORMAT "&includeassetfields=true", client_id);
  else
    query = g_strdup ("includeassetfields=true");
  hy_halo_client_list_async (self, HY_HALO_KIND_ASSET, query, client_id > 0 ? "client_id" : NULL,
                             client_id, priority, NULL, cancellable, callback, user_data);
}

void
hy_halo_client_list_asset_types_async (HyHaloClient *self,
                                       HyHaloPriority priority,
                                       GCancellable *cancellable,
                                       GAsyncReadyCallback callback,
                                       gpointer user_data)
{
  hy_halo_client_list_async (self, HY_HALO_KIND_ASSET_TYPE, NULL, NULL, 0, priority, NULL,
                             cancellable, callback, user_data);
}

void
hy_halo_client_list_agents_async (HyHaloClient *self,
                                  HyHaloPriority priority,
                                  GCancellable *cancellable,
                                  GAsyncReadyCallback callback,
                                  gpointer user_data)
{
  hy_halo_client_list_async (self, HY_HALO_KIND_AGENT, "includeapiagents=true", NULL, 0, priority,
                             NULL, cancellable, callback, user_data);
}

void
hy_halo_client_list_teams_async (HyHaloClient *self,
                                 HyHaloPriority priority,
                                 GCancellable *cancellable,
                                 GAsyncReadyCallback callback,
                                 gpointer user_data)
{
  hy_halo_client_list_async (self, HY_HALO_KIND_TEAM, NULL, NULL, 0, priority, NULL, cancellable,
                             callback, user_data);
}

void
hy_halo_client_list_ticket_types_async (HyHaloClient *self,
                                        HyHaloPriority priority,
                                        GCancellable *cancellable,
                                        GAsyncReadyCallback callback,
                                        gpointer user_data)
{
  hy_halo_client_list_async (self, HY_HALO_KIND_TICKET_TYPE, NULL, NULL, 0, priority, NULL,
                             cancellable, callback, user_data);
}

void
hy_halo_client_list_statuses_async (HyHaloClient *self,
                                    HyHaloPriority priority,
                                    GCancellable *cancellable,
                                    GAsyncReadyCallback callback,
                                    gpointer user_data)
{
  hy_halo_client_list_async (self, HY_HALO_KIND_STATUS, NULL, NULL, 0, priority, NULL, cancellable,
                             callback, user_data);
}

/* Halo's ticket priorities: `GET /Priority`, a bare array. */
void
hy_halo_client_list_priorities_async (HyHaloClient *self,
                                      HyHaloPriority priority,
                                      GCancellable *cancellable,
                                      GAsyncReadyCallback callback,
                                      gpointer user_data)
{
  hy_halo_client_list_async (self, HY_HALO_KIND_PRIORITY, NULL, NULL, 0, priority, NULL,
                             cancellable, callback, user_data);
}

void
hy_halo_client_list_outcomes_async (HyHaloClient *self,
                                    HyHaloPriority priority,
                                    GCancellable *cancellable,
                                    GAsyncReadyCallback callback,
                                    gpointer user_data)
{
  hy_halo_client_list_async (self, HY_HALO_KIND_OUTCOME, NULL, NULL, 0, priority, NULL, cancellable,
                             callback, user_data);
}

/**
 * hy_halo_client_list_users_async:
 * @client_id: a Halo client id, or 0 for every user
 */
void
hy_halo_client_list_users_async (HyHaloClient *self,
                                 gint64 client_id,
                                 HyHaloPriority priority,
                                 GCancellable *cancellable,
                                 GAsyncReadyCallback callback,
                                 gpointer user_data)
{
  g_autofree char *query =
      client_id > 0 ? g_strdup_printf ("client_id=%" G_GINT64_FORMAT, client_id) : NULL;

  hy_halo_client_list_async (self, HY_HALO_KIND_USER, query, client_id > 0 ? "client_id" : NULL,
                             client_id, priority, NULL, cancellable, callback, user_data);
}

/**
 * hy_halo_client_search_tickets_async:
 * @client_id: a Halo client id (checked on every returned ticket), or 0
 * @search: (nullable): free text Halo searches in
 * @open_only: only tickets that are not closed
 */
void
hy_halo_client_search_tickets_async (HyHaloClient *self,
                                     gint64 client_id,
                                     const char *search,
                                     gboolean open_only,
                                     HyHaloPriority priority,
                                     GCancellable *cancellable,
                                     GAsyncReadyCallback callback,
                                     gpointer user_data)
{
  g_autoptr (GString) query = g_string_new (NULL);

  if (client_id > 0)
    g_string_append_printf (query, "client_id=%" G_GINT64_FORMAT, client_id);
  if (search && *search)
    {
      g_autofree char *escaped = g_uri_escape_string (search, NULL, FALSE);
      g_string_append_printf (query, "%ssearch=%s", query->len ? "&" : "", escaped);
    }
  if (open_only)
    g_string_append_printf (query, "%sopen_only=true", query->len ? "&" : "");
  hy_halo_client_list_async (self, HY_HALO_KIND_TICKET, query->str,
                             client_id > 0 ? "client_id" : NULL, client_id, priority, NULL,
                             cancellable, callback, user_data);
}

/* ------------------------------------------------------------------------- */
/* Batch writes                                                              */
/* ------------------------------------------------------------------------- */

typedef struct
{
  GPtrArray *items;   /* JsonNode (object), normalised copies */
  GPtrArray *results; /* HyHaloRecord or NULL, same order */
  GPtrArray *batches; /* GArray of guint indices */
  guint batch;
  GArray *pending; /* indices of creates whose id Halo's answers did not give */
  GArray *clients; /* gint64: the clients of @pending, each listed once */
  guint lookup;
  guint lookup_max_pages; /* > 0: try one list of every asset first, within this many pages */
  HyHaloSaveFlags flags;
  HyHaloPriority priority;
  char *record;
} SaveData;

static void
save_data_free (SaveData *data)
{
  g_ptr_array_unref (data->items);
  g_ptr_array_unref (data->results);
  g_ptr_array_unref (data->batches);
  g_array_unref (data->pending);
  g_clear_pointer (&data->clients, g_array_unref);
  g_free (data->record);
  g_free (data);
}

static void
record_unref_nullable (gpointer record)
{
  if (record)
    hy_halo_record_unref (record);
}

static JsonObject *
item_object (SaveData *data, guint index)
{
  return json_node_get_object (g_ptr_array_index (data->items, index));
}

static const char *
item_string (JsonObject *object, const char *member)
{
  JsonNode *node = json_object_get_member (object, member);

  if (node && JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
    return json_node_get_string (node);
  return NULL;
}

/* The members that identify a created asset within its client, most stable first: the asset
 * number Halyard gives every device, then the key field (the device name), then the serial. */
static const char *const asset_key_members[] = { "inventory_number", "key_field", "serial_number",
                                                 NULL };

/* The stable key of a create: which member (NULL when none) and its value. */
static const char *
create_key (JsonObject *object, const char **member)
{
  for (guint i = 0; asset_key_members[i] != NULL; i++)
    {
      const char *value = item_string (object, asset_key_members[i]);
      if (value != NULL && *value != '\0')
        {
          *member = asset_key_members[i];
          return value;
        }
    }
  *member = NULL;
  return NULL;
}

/* "client_id/member/value" (case-folded): two creates with the same one cannot be told apart. */
static char *
create_key_string (JsonObject *object)
{
  const char *member;
  const char *value = create_key (object, &member);
  g_autofree char *folded = NULL;

  if (value == NULL || hy_halo_json_get_id (object, "client_id") <= 0)
    return NULL;
  folded = g_utf8_casefold (value, -1);
  return g_strdup_printf ("%" G_GINT64_FORMAT "/%s/%s", hy_halo_json_get_id (object, "client_id"),
                          member, folded);
}

/* Whether @saved (a record Halo returned) is the asset created from @item: same client, same
 * stable key. Never by position in Halo's answer. */
static gboolean
create_matches (JsonObject *item, JsonObject *saved)
{
  const char *member;
  const char *value = create_key (item, &member);
  const char *saved_value;
  g_autofree char *a = NULL;
  g_autofree char *b = NULL;

  if (value == NULL || hy_halo_json_get_id (saved, "client_id") <= 0 ||
      hy_halo_json_get_id (saved, "client_id") != hy_halo_json_get_id (item, "client_id"))
    return FALSE;
  saved_value = item_string (saved, member);
  if (saved_value == NULL)
    return FALSE;
  a = g_utf8_casefold (value, -1);
  b = g_utf8_casefold (saved_value, -1);
  return g_strcmp0 (a, b) == 0;
}

static void save_next_batch (GTask *task);
static void save_next_lookup (GTask *task);

static void
save_set_result (SaveData *data, guint index, JsonObject *saved)
{
  g_ptr_array_index (data->results, index) = hy_halo_record_new (HY_HALO_KIND_ASSET, saved);
}

/* The record as sent, with the id Halo gave it */
static void
save_set_result_from_item (SaveData *data, guint index, gint64 id)
{
  JsonObject *sent = item_object (data, index);
  g_autoptr (JsonObject) copy = json_object_new ();
  g_autoptr (GList) members = json_object_get_members (sent);

  for (GList *l = members; l; l = l->next)
    json_object_set_member (copy, l->data, json_node_copy (json_object_get_member (sent, l->data)));
  json_object_set_int_member (copy, "id", id);
  save_set_result (data, index, copy);
}

/* Which item of @batch is @saved: an update with its id, or the one create with its client and
 * stable key; -1 when none or several. */
static int
save_match_item (SaveData *data, GArray *batch, JsonObject *saved, gint64 saved_id)
{
  int found = -1;
  guint candidates = 0;

  if (batch->len == 1)
    {
      guint index = g_array_index (batch, guint, 0);
      gint64 id = hy_halo_json_get_id (item_object (data, index), "id");
      return id <= 0 || id == saved_id ? (int) index : -1;
    }
  for (guint i = 0; i < batch->len; i++)
    {
      guint index = g_array_index (batch, guint, i);
      JsonObject *item = item_object (data, index);
      gint64 id = hy_halo_json_get_id (item, "id");

      if (id > 0 ? id == saved_id : create_matches (item, saved))
        {
          found = (int) index;
          candidates++;
        }
    }
  return candidates == 1 ? found : -1;
}

/* The read-back when Halo ignored ?returnall: the assets of each client with creates its
 * answers did not identify, or — when the creates span enough clients that one list of every
 * asset may take fewer pages — that list, capped at one page fewer than the clients' lists
 * take; its first page's record_count says whether it is cheaper, and when it is not, it stops
 * there and the clients are listed one by one. Each listed asset's client and key are checked
 * here: Halo may ignore the filter. */
static void
save_lookup_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  HyHaloClient *self = HY_HALO_CLIENT (source);
  g_autoptr (GTask) task = user_data;
  SaveData *data = g_task_get_task_data (task);
  GError *error = NULL;
  g_autoptr (HyHaloList) list = hy_halo_client_list_finish (self, result, &error);
  gint64 client_id = g_array_index (data->clients, gint64, data->lookup);
  g_autoptr (GHashTable) taken = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  /* "client/member/folded value" → GPtrArray of the listed records with that key */
  g_autoptr (GHashTable) by_key =
      g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_ptr_array_unref);

  if (!list)
    {
      g_task_return_error (task, error);
      return;
    }
  if (list->truncated)
    {
      /* One list of everything would take more pages: one list per client instead (a partial
       * list cannot tell a unique key from one repeated on a later page). */
      data->lookup++;
      save_next_lookup (g_steal_pointer (&task));
      return;
    }
  /* Ids already given to an item of this save are not another item's. */
  for (guint i = 0; i < data->results->len; i++)
    {
      HyHaloRecord *r = g_ptr_array_index (data->results, i);
      if (r != NULL)
        g_hash_table_add (taken,
                          g_memdup2 (&(gint64){ hy_halo_record_get_id (r) }, sizeof (gint64)));
    }
  for (guint i = 0; i < list->records->len; i++)
    {
      HyHaloRecord *r = g_ptr_array_index (list->records, i);
      gint64 r_client = hy_halo_record_get_client_id (r);

      if (r_client <= 0 || (client_id > 0 && r_client != client_id))
        continue;
      for (guint m = 0; asset_key_members[m] != NULL; m++)
        {
          const char *value = hy_halo_record_get_string (r, asset_key_members[m]);
          g_autofree char *folded = NULL;
          char *key;
          GPtrArray *same;

          if (value == NULL || *value == '\0')
            continue;
          folded = g_utf8_casefold (value, -1);
          key = g_strdup_printf ("%" G_GINT64_FORMAT "/%s/%s", r_client, asset_key_members[m],
                                 folded);
          same = g_hash_table_lookup (by_key, key);
          if (same == NULL)
            {
              same = g_ptr_array_new ();
              g_hash_table_insert (by_key, key, same);
            }
          else
            g_free (key);
          g_ptr_array_add (same, r);
        }
    }
  for (guint p = 0; p < data->pending->len; p++)
    {
      guint index = g_array_index (data->pending, guint, p);
      JsonObject *item = item_object (data, index);
      g_autofree char *key = NULL;
      GPtrArray *same;
      HyHaloRecord *match = NULL;
      guint matches = 0;
      const char *member;
      const char *value;

      if (g_ptr_array_index (data->results, index) != NULL ||
          (client_id > 0 && hy_halo_json_get_id (item, "client_id") != client_id))
        continue;
      key = create_key_string (item);
      same = key != NULL ? g_hash_table_lookup (by_key, key) : NULL;
      for (guint i = 0; same != NULL && i < same->len; i++)
        {
          HyHaloRecord *r = g_ptr_array_index (same, i);
          gint64 id = hy_halo_record_get_id (r);
          if (!g_hash_table_contains (taken, &id))
            {
              match = r;
              matches++;
            }
        }
      if (matches != 1)
        {
          const char *label;

          value = create_key (item, &member);
          if (g_strcmp0 (member, "inventory_number") == 0)
            /* Translators: Halo's asset field, inside "found 2 assets with that asset number" */
            label = _ ("asset number");
          else if (g_strcmp0 (member, "key_field") == 0)
            /* Translators: Halo's asset key field (the device name), inside "found 2 assets with
             * that key field" */
            label = _ ("key field");
          else
            /* Translators: inside "found 2 assets with that serial number" */
            label = _ ("serial number");
          g_task_return_new_error (
              task, HY_HALO_ERROR, HY_HALO_ERROR_BAD_RESPONSE,
              /* Translators: the first %s is an asset's key (its asset number, name or serial),
               * %u a count, the last %s what the key is ("asset number", "key field", "serial
               * number") */
              _ ("Halo saved the asset “%s” but reading its client’s assets back found %u assets "
                 "with that %s: check the client’s assets in Halo"),
              value, matches, label);
          return;
        }
      g_ptr_array_index (data->results, index) = hy_halo_record_ref (match);
      g_hash_table_add (taken,
                        g_memdup2 (&(gint64){ hy_halo_record_get_id (match) }, sizeof (gint64)));
    }
  /* Read whole, the list of every asset answered for every client. */
  data->lookup = client_id == 0 ? data->clients->len : data->lookup + 1;
  save_next_lookup (g_steal_pointer (&task));
}

static void
save_next_lookup (GTask *task)
{
  HyHaloClient *self = g_task_get_source_object (task);
  SaveData *data = g_task_get_task_data (task);
  g_autofree char *query = NULL;
  gint64 client_id;

  if (data->clients == NULL)
    {
      guint per_client_pages = 0;

      data->clients = g_array_new (FALSE, FALSE, sizeof (gint64));
      /* The caller reads the unidentified creates back itself (their results stay NULL). */
      if (data->flags & HY_HALO_SAVE_NO_READ_BACK)
        g_array_set_size (data->pending, 0);
      for (guint p = 0; p < data->pending->len; p++)
        {
          JsonObject *item = item_object (data, g_array_index (data->pending, guint, p));
          gint64 id = hy_halo_json_get_id (item, "client_id");
          gboolean known = FALSE;

          for (guint c = 0; c < data->clients->len && !known; c++)
            known = g_array_index (data->clients, gint64, c) == id;
          if (!known)
            g_array_append_val (data->clients, id);
        }
      /* Each client's list takes at least one page per page size of its creates. */
      for (guint c = 0; c < data->clients->len; c++)
        {
          guint of_client = 0;
          for (guint p = 0; p < data->pending->len; p++)
            if (hy_halo_json_get_id (item_object (data, g_array_index (data->pending, guint, p)),
                                     "client_id") == g_array_index (data->clients, gint64, c))
              of_client++;
          per_client_pages += MAX (1u, (of_client + self->page_size - 1) / self->page_size);
        }
      /* Worth asking whether one list of every asset is cheaper only when it can save a page
       * (it costs one request to learn that it is not). */
      data->lookup_max_pages = per_client_pages >= 3 ? per_client_pages - 1 : 0;
      if (data->lookup_max_pages > 0)
        {
          gint64 all = 0;
          g_array_prepend_val (data->clients, all);
        }
      data->lookup = 0;
    }
  if (data->lookup >= data->clients->len)
    {
      g_task_return_pointer (task, g_ptr_array_ref (data->results),
                             (GDestroyNotify) g_ptr_array_unref);
      g_object_unref (task);
      return;
    }
  client_id = g_array_index (data->clients, gint64, data->lookup);
  if (client_id == 0)
    {
      /* Every asset, within fewer pages than the clients' lists would take */
      list_start (self, HY_HALO_KIND_ASSET, "includeinactive=true", NULL, 0, data->lookup_max_pages,
                  data->priority, data->record, g_task_get_cancellable (task), save_lookup_cb,
                  task);
      return;
    }
  query = g_strdup_printf ("client_id=%" G_GINT64_FORMAT "&includeinactive=true", client_id);
  hy_halo_client_list_async (self, HY_HALO_KIND_ASSET, query, "client_id", client_id,
                             data->priority, data->record, g_task_get_cancellable (task),
                             save_lookup_cb, task);
}

static void
save_batch_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  HyHaloClient *self = HY_HALO_CLIENT (source);
  g_autoptr (GTask) task = user_data;
  SaveData *data = g_task_get_task_data (task);
  GArray *batch = g_ptr_array_index (data->batches, data->batch);
  GError *error = NULL;
  g_autoptr (JsonNode) root = json_request_finish (self, result, &error);
  g_autoptr (GPtrArray) returned = g_ptr_array_new ();
  JsonArray *array = NULL;

  if (!root)
    {
      g_task_return_error (task, error);
      return;
    }

  /* ?returnall=true: every saved record, in an array (or a wrapper); a Halo that ignores it
   * answers with the last saved record only. */
  if (JSON_NODE_HOLDS_ARRAY (root))
    array = json_node_get_array (root);
  else if (JSON_NODE_HOLDS_OBJECT (root) &&
           !json_object_has_member (json_node_get_object (root), "id"))
    {
      /* a wrapper: {"assets": [...]} */
      JsonNode *inner =
          json_object_get_member (json_node_get_object (root), kind_plural (HY_HALO_KIND_ASSET));
      if (inner != NULL && JSON_NODE_HOLDS_ARRAY (inner))
        array = json_node_get_array (inner);
    }
  if (array != NULL)
    {
      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          JsonNode *element = json_array_get_element (array, i);
          if (!JSON_NODE_HOLDS_OBJECT (element))
            {
              g_task_return_error (task, bad_shape ("/api/Asset"));
              return;
            }
          g_ptr_array_add (returned, json_node_get_object (element));
        }
    }
  else
    {
      JsonObject *saved = single_object (root, HY_HALO_KIND_ASSET);
      if (saved != NULL)
        g_ptr_array_add (returned, saved);
    }
  if (returned->len == 0)
    {
      g_task_return_error (task, bad_shape ("/api/Asset"));
      return;
    }

  for (guint r = 0; r < returned->len; r++)
    {
      JsonObject *saved = g_ptr_array_index (returned, r);
      gint64 saved_id = hy_halo_json_get_id (saved, "id");
      int index;

      if (saved_id <= 0)
        {
          g_task_return_error (task, bad_shape ("/api/Asset"));
          return;
        }
      index = save_match_item (data, batch, saved, saved_id);
      if (index >= 0 && g_ptr_array_index (data->results, index) == NULL)
        save_set_result (data, index, saved);
    }

  for (guint i = 0; i < batch->len; i++)
    {
      guint index = g_array_index (batch, guint, i);
      gint64 id = hy_halo_json_get_id (item_object (data, index), "id");
      if (g_ptr_array_index (data->results, index))
        continue;
      if (id > 0)
        save_set_result_from_item (data, index, id);
      else
        g_array_append_val (data->pending, index);
    }
  data->batch++;
  save_next_batch (g_steal_pointer (&task));
}

static void
save_next_batch (GTask *task)
{
  HyHaloClient *self = g_task_get_source_object (task);
  SaveData *data = g_task_get_task_data (task);
  GArray *batch;
  g_autoptr (JsonNode) body = NULL;
  JsonArray *array;
  CallFlags flags = 0;

  if (data->batch >= data->batches->len)
    {
      save_next_lookup (task);
      return;
    }
  batch = g_ptr_array_index (data->batches, data->batch);
  array = json_array_new ();
  for (guint i = 0; i < batch->len; i++)
    {
      guint index = g_array_index (batch, guint, i);
      json_array_add_element (array, json_node_copy (g_ptr_array_index (data->items, index)));
      if (hy_halo_json_get_id (item_object (data, index), "id") <= 0)
        flags |= CALL_IS_CREATE;
    }
  body = json_node_new (JSON_NODE_ARRAY);
  json_node_take_array (body, array);
  json_request_async (self, "POST", "/api/Asset?returnall=true", body, data->priority, data->record,
                      flags, g_task_get_cancellable (task), save_batch_cb, task);
}

/**
 * hy_halo_client_save_assets_async:
 *
 * hy_halo_client_save_assets_full_async() with %HY_HALO_SAVE_NONE.
 */
void
hy_halo_client_save_assets_async (HyHaloClient *self,
                                  GPtrArray *assets,
                                  HyHaloPriority priority,
                                  const char *record,
                                  GCancellable *cancellable,
                                  GAsyncReadyCallback callback,
                                  gpointer user_data)
{
  hy_halo_client_save_assets_full_async (self, assets, HY_HALO_SAVE_NONE, priority, record,
                                         cancellable, callback, user_data);
}

/**
 * hy_halo_client_save_assets_full_async:
 * @assets: (element-type JsonObject): assets to create (no `id`) or update (with `id`)
 * @flags: %HY_HALO_SAVE_NO_READ_BACK leaves the creates Halo's answers did not identify
 *   %NULL in the results instead of listing their clients' assets
 *
 * Saves assets with POSTs of up to the batch size each, with `?returnall=true` so that Halo
 * answers with every saved record. Created ids are reconciled by each create's client and
 * stable key — its asset number (`inventory_number`), else its `key_field`, else its
 * `serial_number` — never by position. Where Halo answered with fewer records (it ignored
 * returnall and sent the last one only), the assets of each client concerned are listed once,
 * after the last POST, and the creates found there by the same key. A create without a client
 * id or a key, or with the same key as another create of the call, is sent on its own.
 */
void
hy_halo_client_save_assets_full_async (HyHaloClient *self,
                                       GPtrArray *assets,
                                       HyHaloSaveFlags flags,
                                       HyHaloPriority priority,
                                       const char *record,
                                       GCancellable *cancellable,
                                       GAsyncReadyCallback callback,
                                       gpointer user_data)
{
  GTask *task;
  SaveData *data;
  GArray *current = NULL;
  g_autoptr (GHashTable) key_counts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  g_return_if_fail (HY_IS_HALO_CLIENT (self));
  g_return_if_fail (assets != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_check_cancellable (task, FALSE);
  g_task_set_source_tag (task, hy_halo_client_save_assets_async);
  data = g_new0 (SaveData, 1);
  data->items = g_ptr_array_new_with_free_func ((GDestroyNotify) json_node_unref);
  data->results = g_ptr_array_new_with_free_func (record_unref_nullable);
  data->batches = g_ptr_array_new_with_free_func ((GDestroyNotify) g_array_unref);
  data->pending = g_array_new (FALSE, FALSE, sizeof (guint));
  data->flags = flags;
  data->priority = priority;
  data->record = g_strdup (record);
  g_task_set_task_data (task, data, (GDestroyNotify) save_data_free);

  for (guint i = 0; i < assets->len; i++)
    {
      JsonObject *object = g_ptr_array_index (assets, i);
      g_autoptr (JsonNode) node = json_node_init_object (json_node_alloc (), object);
      g_autofree char *json = json_to_string (node, FALSE);
      g_autoptr (JsonParser) parser = json_parser_new ();
      JsonNode *copy;
      char *key;

      if (!json_parser_load_from_data (parser, json, -1, NULL))
        g_assert_not_reached ();
      copy = json_node_copy (json_parser_get_root (parser));
      hy_halo_json_normalize_ids (copy);
      g_ptr_array_add (data->items, copy);
      g_ptr_array_add (data->results, NULL);
      if (hy_halo_json_get_id (json_node_get_object (copy), "id") <= 0 &&
          (key = create_key_string (json_node_get_object (copy))) != NULL)
        {
          guint count = GPOINTER_TO_UINT (g_hash_table_lookup (key_counts, key));
          g_hash_table_insert (key_counts, key, GUINT_TO_POINTER (count + 1));
        }
    }

  /* Updates and creates with a key of their own share batches; other creates go alone */
  for (guint i = 0; i < data->items->len; i++)
    {
      JsonObject *item = item_object (data, i);
      if (hy_halo_json_get_id (item, "id") <= 0)
        {
          g_autofree char *key = create_key_string (item);
          if (key == NULL || GPOINTER_TO_UINT (g_hash_table_lookup (key_counts, key)) > 1)
            {
              GArray *alone = g_array_new (FALSE, FALSE, sizeof (guint));
              g_array_append_val (alone, i);
              g_ptr_array_add (data->batches, alone);
              continue;
            }
        }
      if (!current || current->len >= self->batch_size)
        {
          current = g_array_new (FALSE, FALSE, sizeof (guint));
          g_ptr_array_add (data->batches, current);
        }
      g_array_append_val (current, i);
    }

  save_next_batch (task);
}

/**
 * hy_halo_client_save_assets_finish:
 *
 * Returns: (transfer full) (element-type HyHaloRecord): the saved assets, in the order given
 *   (an unidentified create is %NULL with %HY_HALO_SAVE_NO_READ_BACK)
 */
GPtrArray *
hy_halo_client_save_assets_finish (HyHaloClient *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == hy_halo_client_save_assets_async,
                        NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ------------------------------------------------------------------------- */
/* Authenticate                                                              */
/* ------------------------------------------------------------------------- */

static void
authenticate_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  GError *error = NULL;
  g_autoptr (HyHaloRecord) me =
      hy_halo_client_record_finish (HY_HALO_CLIENT (source), result, &error);

  if (!me)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

/**
 * hy_halo_client_authenticate_async:
 *
 * Discovers the token URL, gets a token and proves it with GET /api/Agent/me.
 */
void
hy_halo_client_authenticate_async (HyHaloClient *self,
                                   GCancellable *cancellable,
                                   GAsyncReadyCallback callback,
                                   gpointer user_data)
{
  GTask *task;

  g_return_if_fail (HY_IS_HALO_CLIENT (self));
  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_check_cancellable (task, FALSE);
  g_task_set_source_tag (task, hy_halo_client_authenticate_async);
  hy_halo_client_get_agent_me_async (self, HY_HALO_PRIORITY_INTERACTIVE, cancellable,
                                     authenticate_cb, task);
}

gboolean
hy_halo_client_authenticate_finish (HyHaloClient *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ------------------------------------------------------------------------- */
/* GObject                                                                   */
/* ------------------------------------------------------------------------- */

static void
hy_halo_client_dispose (GObject *object)
{
  HyHaloClient *self = HY_HALO_CLIENT (object);

  if (self->session)
    soup_session_abort (self->session);
  g_clear_object (&self->session);
  G_OBJECT_CLASS (hy_halo_client_parent_class)->dispose (object);
}

static void
hy_halo_client_finalize (GObject *object)
{
  HyHaloClient *self = HY_HALO_CLIENT (object);

  g_assert (self->token_waiters->len == 0);
  g_ptr_array_unref (self->token_waiters);
  for (guint i = 0; i + 1 < self->known_tokens->len; i++)
    {
      char *s = g_ptr_array_index (self->known_tokens, i);
      explicit_bzero (s, strlen (s));
    }
  g_ptr_array_unref (self->known_tokens);
  if (self->token)
    explicit_bzero (self->token, strlen (self->token));
  g_free (self->token);
  /* self->secret is known_tokens[0], already wiped and freed */
  g_clear_pointer (&self->budget, hy_halo_budget_free);
  g_main_context_unref (self->context);
  g_free (self->base_url);
  g_free (self->tenant);
  g_free (self->client_id);
  g_free (self->scopes);
  g_free (self->token_url);
  g_free (self->discovered_tenant);
  G_OBJECT_CLASS (hy_halo_client_parent_class)->finalize (object);
}

static void
hy_halo_client_class_init (HyHaloClientClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = hy_halo_client_dispose;
  object_class->finalize = hy_halo_client_finalize;

  /**
   * HyHaloClient::request-finished:
   * @event: the (redacted) #HyHaloEvent
   *
   * Emitted for every HTTP request (token requests included) when it has an answer or
   * failed, and for list-level warnings (method "LIST").
   */
  signals[REQUEST_FINISHED] =
      g_signal_new ("request-finished", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                    NULL, G_TYPE_NONE, 1, HY_TYPE_HALO_EVENT | G_SIGNAL_TYPE_STATIC_SCOPE);
}

static void
hy_halo_client_init (HyHaloClient *self)
{
  self->context = g_main_context_ref_thread_default ();
  /* The connect and read timeouts are Halyard's own (call_arm_timeout), so errors say which
   * fired; libsoup's I/O timeout stays as a backstop behind them. */
  self->session = soup_session_new_with_options ("user-agent", "Halyard/" PACKAGE_VERSION " ",
                                                 "timeout", 120, "idle-timeout", 60, NULL);
  self->connect_timeout_ms = 15000;
  self->read_timeout_ms = 60000;
  self->budget = hy_halo_budget_new (300, 300000);
  self->max_retries = 4;
  self->retry_base_ms = 500;
  self->retry_max_ms = 30000;
  self->max_rate_waits = 3;
  self->batch_size = 100;
  self->page_size = 100;
  self->max_body = 64 * 1024 * 1024;
  self->token_margin_s = 300;
  self->token_waiters = g_ptr_array_new ();
  self->known_tokens = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (self->known_tokens, NULL);
}

/* ------------------------------------------------------------------------- */
/* Public API                                                                */
/* ------------------------------------------------------------------------- */

/**
 * hy_halo_client_new:
 * @url_or_tenant: the Halo address or tenant name, as typed (see hy_halo_normalize_url())
 * @tenant: (nullable): the tenant for the token request (hosted Halo); discovered when %NULL
 * @client_id: the application's Client ID
 * @client_secret: the application's secret; kept in memory only, wiped on finalize
 * @scopes: (nullable): space-separated scopes, "all" when %NULL or empty
 * @error: a #HY_HALO_ERROR for an unusable address or empty credentials
 *
 * Returns: (transfer full) (nullable): a new client
 */
HyHaloClient *
hy_halo_client_new (const char *url_or_tenant,
                    const char *tenant,
                    const char *client_id,
                    const char *client_secret,
                    const char *scopes,
                    GError **error)
{
  g_autoptr (HyHaloClient) self = NULL;
  g_autofree char *base_url = hy_halo_normalize_url (url_or_tenant, error);
  g_autofree char *id = NULL;
  g_autofree char *tenant_name = NULL;

  if (!base_url)
    return NULL;
  id = g_strstrip (g_strdup (client_id ? client_id : ""));
  if (!*id)
    {
      g_set_error_literal (error, HY_HALO_ERROR, HY_HALO_ERROR_INVALID_CLIENT,
                           _ ("Enter the Client ID of the Halo application, from Configuration > "
                              "Integrations > "
                              "HaloPSA API > View Applications"));
      return NULL;
    }
  if (!client_secret || !*client_secret)
    {
      g_set_error_literal (
          error, HY_HALO_ERROR, HY_HALO_ERROR_INVALID_CLIENT,
          _ ("Enter the Client Secret of the Halo application: Halo shows it only when it is "
             "generated, in Configuration > Integrations > HaloPSA API > View Applications"));
      return NULL;
    }
  tenant_name = tenant ? g_strstrip (g_strdup (tenant)) : NULL;

  self = g_object_new (HY_TYPE_HALO_CLIENT, NULL);
  self->base_url = g_steal_pointer (&base_url);
  self->tenant = tenant_name && *tenant_name ? g_steal_pointer (&tenant_name) : NULL;
  self->client_id = g_steal_pointer (&id);
  /* Hosted Halo: the tenant is the subdomain, until /api/authinfo says otherwise */
  if (g_str_has_prefix (self->base_url, "https://") &&
      g_str_has_suffix (self->base_url, ".halopsa.com"))
    {
      const char *host = self->base_url + strlen ("https://");
      const char *dot = strchr (host, '.');
      if (dot && dot == host + strlen (host) - strlen (".halopsa.com"))
        self->discovered_tenant = g_strndup (host, dot - host);
    }
  self->secret = g_strdup (client_secret);
  g_ptr_array_insert (self->known_tokens, 0, self->secret);
  self->scopes = g_strdup (scopes && *scopes ? scopes : DEFAULT_SCOPES);
  g_strstrip (self->scopes);
  if (!*self->scopes)
    {
      g_free (self->scopes);
      self->scopes = g_strdup (DEFAULT_SCOPES);
    }
  return g_steal_pointer (&self);
}

const char *
hy_halo_client_get_base_url (HyHaloClient *self)
{
  return self->base_url;
}

const char *
hy_halo_client_get_tenant (HyHaloClient *self)
{
  return self->tenant ? self->tenant : self->discovered_tenant;
}

const char *
hy_halo_client_get_client_id (HyHaloClient *self)
{
  return self->client_id;
}

const char *
hy_halo_client_get_scopes (HyHaloClient *self)
{
  return self->scopes;
}

/**
 * hy_halo_client_get_token_url:
 *
 * Returns: (nullable): the token URL (discovered or the fallback), once known
 */
const char *
hy_halo_client_get_token_url (HyHaloClient *self)
{
  return self->token_url;
}

/**
 * hy_halo_client_get_request_count:
 *
 * Returns: how many HTTP requests this client sent (retries and token requests included)
 */
guint
hy_halo_client_get_request_count (HyHaloClient *self)
{
  return self->request_count;
}

/**
 * hy_halo_client_get_rate_usage:
 * @used: (out) (optional): requests sent in the current rolling window
 * @max: (out) (optional): requests allowed per window
 * @window_ms: (out) (optional): the window
 * @waiting: (out) (optional): requests queued for the budget
 *
 * The state of the rate budget, for views that show it.
 */
void
hy_halo_client_get_rate_usage (HyHaloClient *self,
                               guint *used,
                               guint *max,
                               guint *window_ms,
                               guint *waiting)
{
  g_return_if_fail (HY_IS_HALO_CLIENT (self));
  if (used)
    *used = hy_halo_budget_get_used (self->budget);
  if (max)
    *max = hy_halo_budget_get_max (self->budget);
  if (window_ms)
    *window_ms = hy_halo_budget_get_window_ms (self->budget);
  if (waiting)
    *waiting = hy_halo_budget_get_waiting (self->budget);
}

void
hy_halo_client_set_rate_limit (HyHaloClient *self, guint max_requests, guint window_ms)
{
  g_return_if_fail (HY_IS_HALO_CLIENT (self));
  hy_halo_budget_set_limit (self->budget, max_requests, window_ms);
}

HyHaloBudget *
hy_halo_client_get_budget (HyHaloClient *self)
{
  g_return_val_if_fail (HY_IS_HALO_CLIENT (self), NULL);
  return self->budget;
}

void
hy_halo_client_set_retry_policy (HyHaloClient *self,
                                 guint max_retries,
                                 guint base_delay_ms,
                                 guint max_delay_ms)
{
  g_return_if_fail (HY_IS_HALO_CLIENT (self));
  self->max_retries = max_retries;
  self->retry_base_ms = MAX (base_delay_ms, 1);
  self->retry_max_ms = MAX (max_delay_ms, self->retry_base_ms);
}

/**
 * hy_halo_client_set_max_wait:
 * @max_wait_ms: the longest a request waits for Halo's request limit (the local budget or a
 *   429), 0 for as long as it takes (the default)
 *
 * A command line bounds its waits: a request that would wait longer fails at once with
 * %HY_HALO_ERROR_RATE_LIMITED (nothing was sent), and so do the next ones until that wait is
 * over.
 */
void
hy_halo_client_set_max_wait (HyHaloClient *self, guint max_wait_ms)
{
  g_return_if_fail (HY_IS_HALO_CLIENT (self));
  self->max_wait_ms = max_wait_ms;
}

void
hy_halo_client_set_rate_limit_waits (HyHaloClient *self, guint max_waits)
{
  g_return_if_fail (HY_IS_HALO_CLIENT (self));
  self->max_rate_waits = max_waits;
}

void
hy_halo_client_set_batch_size (HyHaloClient *self, guint batch_size)
{
  g_return_if_fail (HY_IS_HALO_CLIENT (self));
  self->batch_size = CLAMP (batch_size, 1, 1000);
}

void
hy_halo_client_set_page_size (HyHaloClient *self, guint page_size)
{
  g_return_if_fail (HY_IS_HALO_CLIENT (self));
  /* Halo serves at most 100 records a page (the spec says so for Tickets; some tenants 50 for
   * assets): asking for more only misleads the paging. */
  self->page_size = CLAMP (page_size, 1, 100);
}

void
hy_halo_client_set_max_body_size (HyHaloClient *self, gsize max_bytes)
{
  g_return_if_fail (HY_IS_HALO_CLIENT (self));
  self->max_body = MAX (max_bytes, 1024);
}

/**
 * hy_halo_client_set_timeouts:
 * @connect_ms: how long connecting (resolving, TCP, TLS) may take, 0 for no limit (15 s)
 * @read_ms: how long Halo may take to answer a written request, and between two parts of an
 *   answer, 0 for no limit (60 s)
 *
 * A request that times out fails with an error that says which timeout fired, and is not
 * retried (each try would wait as long).
 */
void
hy_halo_client_set_timeouts (HyHaloClient *self, guint connect_ms, guint read_ms)
{
  g_return_if_fail (HY_IS_HALO_CLIENT (self));
  self->connect_timeout_ms = connect_ms;
  self->read_timeout_ms = read_ms;
}

void
hy_halo_client_set_token_margin (HyHaloClient *self, guint seconds)
{
  g_return_if_fail (HY_IS_HALO_CLIENT (self));
  self->token_margin_s = seconds;
}
