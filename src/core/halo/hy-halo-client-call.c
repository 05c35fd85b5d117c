/* hy-halo-client-call.c
 *
 * One request to Halo and its state machine: the token, the rate budget, the connect and
 * read timeouts, retries and the outcome of a request that may have saved.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "hy-halo"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <libsoup/soup.h>

#include "hy-halo-client-private.h"
#include "json/hy-json-guard.h"

#define READ_CHUNK 65536

static void call_start (Call *call);

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
  const char *const *secrets = _hy_halo_client_redaction_secrets (self);

  /* nobody listens: do not pay for redacting bodies */
  if (!_hy_halo_client_has_listeners (self))
    return;
  event = hy_halo_event_new ();

  event->time = call->started_wall;
  event->level = level;
  event->method = g_strdup (call->method);
  event->path = hy_halo_redact_body (call->path, strlen (call->path), secrets);
  event->status = status;
  event->duration_ms =
      (guint) ((g_get_monotonic_time () - call->started_mono) / 1000); /* real I/O time */
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
  _hy_halo_client_emit_event (self, event);
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

void
_hy_halo_client_call_finish (Call *call, GBytes *bytes, GError *error)
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
                                            _hy_halo_client_redaction_secrets (call->client));
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
        _hy_halo_client_call_finish (call, NULL, _hy_halo_client_cancelled_error ());
        break;
      case STATE_BUDGET:
        hy_halo_budget_withdraw (self->budget, call->waiter);
        call->waiter = NULL;
        _hy_halo_client_call_finish (call, NULL, _hy_halo_client_cancelled_error ());
        break;
      case STATE_RETRY:
        g_source_destroy (call->retry_source);
        g_clear_pointer (&call->retry_source, g_source_unref);
        _hy_halo_client_call_finish (call, NULL, _hy_halo_client_cancelled_error ());
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

Call *
_hy_halo_client_call_new (HyHaloClient *self,
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
  g_task_set_source_tag (call->task, _hy_halo_client_call_new);
  call->method = g_strdup (method);
  call->url = g_strdup (url);
  call->path = _hy_halo_client_path_of_url (self, url);
  call->body = body ? g_bytes_ref (body) : NULL;
  call->content_type = content_type;
  call->priority = priority;
  call->record = g_strdup (record);
  call->flags = flags;
  call->io_cancellable = g_cancellable_new ();
  return call;
}

void
_hy_halo_client_call_run (Call *call)
{
  GCancellable *cancellable = g_task_get_cancellable (call->task);

  if (cancellable)
    call->cancel_id =
        g_cancellable_connect (cancellable, G_CALLBACK (call_cancelled_cb), call, NULL);
  call_start (call);
}

GBytes *
_hy_halo_client_call_run_finish (HyHaloClient *self, GAsyncResult *result, GError **error)
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
  call->retry_source = hy_clock_timeout_source_new (self->clock, delay);
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
      _hy_halo_client_call_finish (call, NULL, final);
      return;
    }

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) ||
      g_cancellable_is_cancelled (cancellable))
    {
      call_emit (call, 0, NULL, 0, HY_HALO_EVENT_ERROR, _ ("The operation was cancelled"));
      g_error_free (error);
      _hy_halo_client_call_finish (call, NULL, _hy_halo_client_cancelled_error ());
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
      _hy_halo_client_call_finish (call, NULL, final);
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
  _hy_halo_client_call_finish (call, NULL, final);
}

/* A wait for Halo's request limit longer than this client may wait (a command's bound): what
 * was to be sent is left for later; calls until @until fail at once instead of waiting. With
 * @known FALSE, the wait's end is not known (the budget did not grant within the bound). */
static GError *
wait_too_long (HyHaloClient *self, gint64 until, gboolean known)
{
  gint64 now = hy_clock_get_monotonic (self->clock);
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
  _hy_halo_client_call_finish (call, NULL,
                               wait_too_long (self,
                                              hy_clock_get_monotonic (self->clock) +
                                                  (gint64) hy_halo_budget_get_window_ms (
                                                      self->budget) *
                                                      1000,
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
  _hy_halo_client_call_finish (call, NULL, error);
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
             "redirects: check the Halo address Halyard connects to, which must be the address "
             "Halo really answers at, with https://"),
          call->path, status, target);
    }
  return g_error_new (HY_HALO_ERROR, HY_HALO_ERROR_BAD_RESPONSE,
                      /* Translators: %s is a request such as "GET /api/Client", %u an HTTP
                       * status */
                      _ ("Halo answered %s with a redirect (HTTP %u) to no address; Halyard "
                         "never follows redirects: check the Halo address Halyard connects to"),
                      call->path, status);
}

/* A 429 the call may still wait out: the budget waits as long as Halo says (or a whole window),
 * and the call queues again; a bounded client gives up on a wait longer than its bound. */
static void
call_rate_limited (Call *call, guint status, const char *data, gsize len)
{
  HyHaloClient *self = call->client;
  gint64 wait = retry_after_us (call->msg);
  g_autofree char *message = NULL;

  if (wait >= 0)
    hy_halo_budget_block_until (self->budget, hy_clock_get_monotonic (self->clock) + wait);
  else
    hy_halo_budget_saturate (self->budget);
  if (self->max_wait_ms > 0 &&
      (wait >= 0 ? wait : (gint64) hy_halo_budget_get_window_ms (self->budget) * 1000) >
          (gint64) self->max_wait_ms * 1000)
    {
      gint64 until = wait >= 0 ? hy_clock_get_monotonic (self->clock) + wait
                               : hy_halo_budget_get_blocked_until (self->budget);
      g_autoptr (GError) error = wait_too_long (self, until, TRUE);

      call_emit (call, status, data, len, HY_HALO_EVENT_ERROR, error->message);
      _hy_halo_client_call_finish (call, NULL, g_steal_pointer (&error));
      return;
    }
  call->rate_waits++;
  message =
      g_strdup_printf (_ ("Halo’s request limit was reached; waiting %u s before sending again"),
                       (guint) ((wait >= 0 ? wait
                                           : (gint64) hy_halo_budget_get_window_ms (self->budget) *
                                                 1000) /
                                G_USEC_PER_SEC));
  call_emit (call, status, data, len, HY_HALO_EVENT_WARNING, message);
  call->state = STATE_IDLE;
  _hy_halo_client_call_acquire (call);
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
      _hy_halo_client_call_finish (call, g_steal_pointer (&bytes), NULL);
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
      _hy_halo_client_call_finish (call, NULL, g_steal_pointer (&error));
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
      call_rate_limited (call, status, data, len);
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
  _hy_halo_client_call_finish (call, NULL, g_steal_pointer (&error));
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
      _hy_halo_client_call_finish (call, NULL, too_large);
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
      _hy_halo_client_call_finish (call, NULL, too_large);
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
      _hy_halo_client_call_finish (call, NULL, _hy_halo_client_cancelled_error ());
      return;
    }
  /* The token may have been dropped (a 401 elsewhere) while this call waited */
  if ((call->flags & CALL_NEEDS_AUTH) && !_hy_halo_client_token_valid (self))
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
      _hy_halo_client_call_finish (call, NULL,
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
  call->started_mono = g_get_monotonic_time (); /* real I/O time */
  self->request_count++;
  soup_session_send_async (self->session, call->msg, G_PRIORITY_DEFAULT, call->io_cancellable,
                           call_sent_cb, call);
}

void
_hy_halo_client_call_acquire (Call *call)
{
  /* the call may hold the last reference to the client: keep the budget alive */
  g_autoptr (HyHaloClient) self = g_object_ref (call->client);
  HyHaloBudget *budget = self->budget;

  /* A bounded client does not queue behind a wait it already knows to be too long. */
  if (self->max_wait_ms > 0)
    {
      gint64 now = hy_clock_get_monotonic (self->clock);
      gint64 blocked = hy_halo_budget_get_blocked_until (budget);
      gint64 until = MAX (self->bounded_until, blocked);
      gboolean known = blocked >= self->bounded_until || self->bounded_known;

      if (until - now > (gint64) self->max_wait_ms * 1000)
        {
          call->state = STATE_DONE;
          _hy_halo_client_call_finish (call, NULL, wait_too_long (self, until, known));
          return;
        }
      call->bound_source = hy_clock_timeout_source_new (self->clock, self->max_wait_ms);
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
      _hy_halo_client_call_finish (call, NULL, _hy_halo_client_cancelled_error ());
      return;
    }
  if ((call->flags & CALL_NEEDS_AUTH) && !_hy_halo_client_token_valid (self))
    {
      call->state = STATE_TOKEN;
      g_ptr_array_add (self->token_waiters, call);
      if (!self->authenticating)
        _hy_halo_client_auth_start (self);
      return;
    }
  _hy_halo_client_call_acquire (call);
}

/* ------------------------------------------------------------------------- */
/* JSON requests                                                             */
/* ------------------------------------------------------------------------- */

void
_hy_halo_client_json_request_async (HyHaloClient *self,
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
  _hy_halo_client_call_run (_hy_halo_client_call_new (self, method, url, bytes, "application/json",
                                                      priority, record, flags | CALL_NEEDS_AUTH,
                                                      cancellable, callback, user_data));
}

JsonNode *
_hy_halo_client_json_request_finish (HyHaloClient *self, GAsyncResult *result, GError **error)
{
  g_autoptr (GBytes) bytes = _hy_halo_client_call_run_finish (self, result, error);
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
