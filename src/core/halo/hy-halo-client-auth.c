/* hy-halo-client-auth.c
 *
 * Authentication: the token URL from /auth/.well-known, the client-credentials token,
 * and hy_halo_client_authenticate_async().
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "hy-halo"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <libsoup/soup.h>

#include "hy-halo-client-private.h"
#include "json/hy-json-guard.h"

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
        _hy_halo_client_call_finish (call, NULL, g_error_copy (error));
      else
        _hy_halo_client_call_acquire (call);
    }
}

static void
token_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (HyHaloClient) self = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) bytes = _hy_halo_client_call_run_finish (self, result, &error);
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
      !(token = _hy_halo_client_string_member ((object = json_node_get_object (
                                                    json_parser_get_root (parser))),
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

  _hy_halo_client_remember_secret (self, token);
  _hy_halo_client_remember_secret (self, _hy_halo_client_string_member (object, "refresh_token"));
  _hy_halo_client_remember_secret (self, _hy_halo_client_string_member (object, "id_token"));
  g_free (self->token);
  self->token = g_strdup (token);
  expires_in = hy_halo_json_get_id (object, "expires_in");
  if (expires_in <= 0)
    expires_in = 3600;
  margin = MIN ((gint64) self->token_margin_s, expires_in / 5);
  self->token_expiry =
      hy_clock_get_monotonic (self->clock) + (expires_in - margin) * G_USEC_PER_SEC;
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

  call = _hy_halo_client_call_new (self, "POST", url, body, "application/x-www-form-urlencoded",
                                   HY_HALO_PRIORITY_INTERACTIVE, NULL, CALL_IS_TOKEN, NULL,
                                   token_cb, g_object_ref (self));
  _hy_halo_client_call_run (call);
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
  _hy_halo_client_emit_event (self, event);
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
      if (node != NULL && !JSON_NODE_HOLDS_NULL (node) &&
          _hy_halo_client_string_member (object, member) == NULL)
        {
          g_autofree char *why =
              /* Translators: %s is a JSON member name such as "auth_url" */
              g_strdup_printf (_ ("“%s” is not a string"), member);
          authinfo_unusable (self, why);
          return NULL;
        }
    }
  value = _hy_halo_client_string_member (object, "tenant_id");
  if (value && *value)
    {
      g_free (self->discovered_tenant);
      self->discovered_tenant = g_strdup (value);
    }
  value = _hy_halo_client_string_member (object, "auth_url");
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
  g_autoptr (GBytes) bytes = _hy_halo_client_call_run_finish (self, result, &error);
  char *token_url = NULL;

  if (bytes)
    token_url = token_url_from_authinfo (self, bytes);
  if (!token_url)
    token_url = g_strdup_printf ("%s/auth/token", self->base_url);
  g_free (self->token_url);
  self->token_url = token_url;
  request_token (self);
}

void
_hy_halo_client_auth_start (HyHaloClient *self)
{
  self->authenticating = TRUE;
  if (!self->token_url)
    {
      g_autofree char *url = g_strdup_printf ("%s/api/authinfo", self->base_url);
      Call *call =
          _hy_halo_client_call_new (self, "GET", url, NULL, NULL, HY_HALO_PRIORITY_INTERACTIVE,
                                    NULL, CALL_NO_RETRY, NULL, discovery_cb, g_object_ref (self));
      _hy_halo_client_call_run (call);
      return;
    }
  request_token (self);
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
