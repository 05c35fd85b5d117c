/* hy-sim-faults.c — the faults a test or the demo turns on: rate limits, latency, forced
 * statuses, writes that commit then fail or go unanswered, a tenant down
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "hy-sim"

#include "config.h"

#include <string.h>

#include <libsoup/soup.h>

#include "hy-sim-private.h"

/* ------------------------------------------------------------------------------------------ */
/* Faulted answers                                                                            */
/* ------------------------------------------------------------------------------------------ */

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
void
_hy_sim_reply_status (HySim *self, HySimReply *reply, guint status)
{
  char message[160];

  switch (status)
    {
      case 400:
        _hy_sim_reply_error (reply, status, HY_SIM_SHAPE_MESSAGE, "The request is invalid.");
        break;
      case 401:
        _hy_sim_reply_error (reply, status, HY_SIM_SHAPE_TEXT, "Unauthorized");
        break;
      case 403:
        _hy_sim_reply_error (reply, status, HY_SIM_SHAPE_CLASSNAME,
                             "Access to this resource is denied.");
        break;
      case 404:
        _hy_sim_reply_error (reply, status, HY_SIM_SHAPE_MESSAGE, "Not found.");
        break;
      case 429:
        rate_limit_message (self, message, sizeof message);
        _hy_sim_reply_error (reply, status, HY_SIM_SHAPE_TEXT, message);
        break;
      case 500:
        _hy_sim_reply_error (reply, status, HY_SIM_SHAPE_CLASSNAME,
                             "Object reference not set to an instance of an object.");
        break;
      case 502:
      case 504:
        _hy_sim_reply_error (reply, status, HY_SIM_SHAPE_HTML, soup_status_get_phrase (status));
        break;
      default:
        _hy_sim_reply_error (reply, status, HY_SIM_SHAPE_TEXT,
                             soup_status_get_phrase (status) ? soup_status_get_phrase (status)
                                                             : "Error");
        break;
    }
}

/* Applies a /_sim/faults document; called without the mutex. */
gboolean
_hy_sim_apply_faults (HySim *self, JsonObject *faults, GError **error)
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

/* Returns TRUE when the rolling window is full (the request is then not counted). */
static gboolean
rate_limited (HySim *self, guint *retry_after)
{
  gint64 now = _hy_sim_now (self);
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

/* The fault a request meets before it is served, in order: a tenant down, the rate limit, a
 * forced status, a random server error. Returns TRUE with @reply written when one applies;
 * /api and /auth requests only (@is_api, @is_auth), with the mutex held. */
gboolean
_hy_sim_inject_fault (HySim *self, gboolean is_api, gboolean is_auth, HySimReply *reply)
{
  if (self->down && (is_api || is_auth))
    {
      _hy_sim_reply_status (self, reply, 503);
      return TRUE;
    }
  if ((is_api || is_auth) && rate_limited (self, &reply->retry_after))
    {
      char message[160];

      rate_limit_message (self, message, sizeof message);
      _hy_sim_reply_error (reply, 429, HY_SIM_SHAPE_TEXT, message);
      if (!self->rate_retry_after)
        reply->retry_after = 0;
      return TRUE;
    }
  if (is_api && self->fail_next_count > 0)
    {
      self->fail_next_count--;
      _hy_sim_reply_status (self, reply, self->fail_next_status);
      return TRUE;
    }
  if (is_api && self->server_error_fraction > 0 &&
      g_rand_double (self->server_error_rand) < self->server_error_fraction)
    {
      _hy_sim_reply_status (self, reply, g_rand_boolean (self->server_error_rand) ? 500 : 502);
      return TRUE;
    }
  return FALSE;
}

/* ------------------------------------------------------------------------------------------ */
/* Public API                                                                                 */
/* ------------------------------------------------------------------------------------------ */

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

/* The clock tokens expire and the rate window rolls on (monotonic µs; NULL: GLib's), called
 * from the simulator's thread: set it before hy_sim_start (). The answers' latency stays real. */
void
hy_sim_set_clock (HySim *self, HySimClockFunc clock, gpointer user_data)
{
  g_return_if_fail (HY_IS_SIM (self));

  g_mutex_lock (&self->mutex);
  self->clock = clock;
  self->clock_data = user_data;
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
hy_sim_set_page_cap (HySim *self, guint cap)
{
  g_return_if_fail (HY_IS_SIM (self));

  g_mutex_lock (&self->mutex);
  self->page_cap = cap > 0 ? cap : 100;
  g_mutex_unlock (&self->mutex);
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
