/* hy-sim-auth.c — how the simulator signs clients in: /auth/token, bearer tokens, scopes
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "hy-sim"

#include "config.h"

#include <string.h>

#include <libsoup/soup.h>

#include "hy-sim-private.h"

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

/* ------------------------------------------------------------------------------------------ */
/* Scopes and tokens                                                                          */
/* ------------------------------------------------------------------------------------------ */

void
_hy_sim_token_free (gpointer data)
{
  HySimToken *token = data;

  g_strfreev (token->scopes);
  g_free (token);
}

char **
_hy_sim_split_scopes (const char *text)
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

/* ------------------------------------------------------------------------------------------ */
/* Endpoints (with the mutex held)                                                            */
/* ------------------------------------------------------------------------------------------ */

void
_hy_sim_handle_token (HySim *self, SoupServerMessage *msg, GHashTable *query, HySimReply *reply)
{
  SoupMessageBody *request_body = soup_server_message_get_request_body (msg);
  g_autoptr (GBytes) bytes = soup_message_body_flatten (request_body);
  g_autofree char *text = g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  g_autoptr (GHashTable) form = soup_form_decode (text);
  const char *grant_type = g_hash_table_lookup (form, "grant_type");
  const char *client_id = g_hash_table_lookup (form, "client_id");
  const char *client_secret = g_hash_table_lookup (form, "client_secret");
  const char *scope = g_hash_table_lookup (form, "scope");
  const char *tenant = _hy_sim_query_get (query, "tenant");
  g_auto (GStrv) requested = NULL;
  g_autoptr (JsonObject) object = NULL;
  g_autofree char *access_token = NULL;
  g_autofree char *id_token = NULL;
  g_autofree char *refresh_token = NULL;
  g_autofree char *scope_text = NULL;
  HySimToken *token;

  if (tenant == NULL)
    tenant = g_hash_table_lookup (form, "tenant");

  if (g_strcmp0 (grant_type, "client_credentials") != 0)
    {
      _hy_sim_reply_error (reply, 400, HY_SIM_SHAPE_ERROR, "unsupported_grant_type");
      return;
    }

  if (g_strcmp0 (client_id, self->client_id) != 0 ||
      g_strcmp0 (client_secret, self->client_secret) != 0)
    {
      _hy_sim_reply_error (reply, 401, HY_SIM_SHAPE_ERROR, "invalid_client");
      return;
    }

  if ((tenant != NULL && *tenant != '\0' && g_ascii_strcasecmp (tenant, self->tenant) != 0) ||
      (self->require_tenant && (tenant == NULL || *tenant == '\0')))
    {
      _hy_sim_reply_error (reply, 401, HY_SIM_SHAPE_ERROR, "invalid_client");
      return;
    }

  requested = _hy_sim_split_scopes (scope != NULL && *scope != '\0' ? scope : "all");
  if (requested[0] == NULL)
    {
      g_strfreev (requested);
      requested = _hy_sim_split_scopes ("all");
    }

  for (guint i = 0; requested[i] != NULL; i++)
    if (!scope_is_known (requested[i]))
      {
        _hy_sim_reply_error (reply, 400, HY_SIM_SHAPE_ERROR, "invalid_scope");
        return;
      }

  /* Forget tokens that have expired, so a long-running sim does not grow. */
  {
    GHashTableIter iter;
    gpointer value;
    gint64 now = _hy_sim_now (self);

    g_hash_table_iter_init (&iter, self->tokens);
    while (g_hash_table_iter_next (&iter, NULL, &value))
      if (((HySimToken *) value)->expires_at <= now)
        g_hash_table_iter_remove (&iter);
  }

  access_token = random_hex (32);
  refresh_token = random_hex (32);
  id_token = make_id_token (self);
  scope_text = g_strjoinv (" ", requested);

  token = g_new0 (HySimToken, 1);
  token->expires_at = _hy_sim_now (self) + (gint64) self->token_lifetime * G_USEC_PER_SEC;
  token->scopes = g_steal_pointer (&requested);
  g_hash_table_insert (self->tokens, g_strdup (access_token), token);

  object = json_object_new ();
  json_object_set_string_member (object, "access_token", access_token);
  json_object_set_string_member (object, "token_type", "Bearer");
  json_object_set_int_member (object, "expires_in", self->token_lifetime);
  json_object_set_string_member (object, "scope", scope_text);
  json_object_set_string_member (object, "refresh_token", refresh_token);
  json_object_set_string_member (object, "id_token", id_token);
  _hy_sim_reply_object (reply, 200, object);
}

/* Returns the caller's token, or NULL after writing the 401. */
HySimToken *
_hy_sim_authenticate (HySim *self, SoupServerMessage *msg, HySimReply *reply)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  const char *authorization = soup_message_headers_get_one (headers, "Authorization");
  HySimToken *token = NULL;

  if (authorization != NULL && g_ascii_strncasecmp (authorization, "Bearer ", 7) == 0)
    {
      const char *value = authorization + 7;

      while (*value == ' ')
        value++;
      token = g_hash_table_lookup (self->tokens, value);
    }

  if (token == NULL || _hy_sim_now (self) >= token->expires_at)
    {
      _hy_sim_reply_error (reply, 401, HY_SIM_SHAPE_TEXT,
                           token == NULL ? "Unauthorized"
                                         : "Unauthorized: the access token has expired");
      reply->bearer_challenge = TRUE;
      return NULL;
    }

  return token;
}

/* GET /api/authinfo: where to sign in; anyone may ask. */
void
_hy_sim_handle_authinfo (HySim *self, HySimReply *reply)
{
  g_autoptr (JsonObject) object = json_object_new ();
  g_autofree char *auth_url = g_strdup_printf ("%s/auth", self->base_url);

  json_object_set_string_member (object, "auth_url", auth_url);
  json_object_set_string_member (object, "tenant_id", self->tenant);
  _hy_sim_reply_object (reply, 200, object);
}

/* Whether @token and the application's granted scopes let it read (or @write) @table; writes
 * the 403 when not. */
gboolean
_hy_sim_authorize (HySim *self,
                   HySimToken *token,
                   HySimTable table,
                   gboolean write,
                   HySimReply *reply)
{
  const char *family;
  g_autofree char *needed = NULL;
  g_autofree char *message = NULL;

  if (scopes_cover (token->scopes, hy_sim_tables[table].scope, write) &&
      scopes_cover (self->granted_scopes, hy_sim_tables[table].scope, write))
    return TRUE;

  family = scope_families[hy_sim_tables[table].scope];
  needed = family != NULL ? g_strdup_printf ("%s:%s", write ? "edit" : "read", family)
                          : g_strdup ("admin");
  message =
      g_strdup_printf ("You do not have permission to %s %s records: the application needs the "
                       "scope '%s'.",
                       write ? "edit" : "view", hy_sim_tables[table].label, needed);
  _hy_sim_reply_error (reply, 403, HY_SIM_SHAPE_CLASSNAME, message);
  return FALSE;
}

/* ------------------------------------------------------------------------------------------ */
/* Public API                                                                                 */
/* ------------------------------------------------------------------------------------------ */

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
  self->granted_scopes = _hy_sim_split_scopes (space_separated_scopes);
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
