/* hy-halo-error.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "hy-halo"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>

#include "hy-halo-error.h"
#include "json/hy-json-guard.h"

#define MAX_TEXT 1024

GQuark
hy_halo_error_quark (void)
{
  return g_quark_from_static_string ("hy-halo-error-quark");
}

/* ------------------------------------------------------------------------- */
/* Halo's error bodies                                                       */
/* ------------------------------------------------------------------------- */

static const char *
member_string (JsonObject *object, const char *name)
{
  JsonNode *node;

  /* Halo is not consistent about case ("Message" / "message") */
  if (!json_object_has_member (object, name))
    {
      g_autoptr (GList) members = json_object_get_members (object);

      node = NULL;
      for (GList *l = members; l; l = l->next)
        if (g_ascii_strcasecmp (l->data, name) == 0)
          {
            node = json_object_get_member (object, l->data);
            break;
          }
    }
  else
    node = json_object_get_member (object, name);

  if (node && JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
    {
      const char *s = json_node_get_string (node);
      if (s && *s)
        return s;
    }
  return NULL;
}

static void
append_model_state (GString *out, JsonObject *errors)
{
  g_autoptr (GList) members = json_object_get_members (errors);

  for (GList *l = members; l; l = l->next)
    {
      JsonNode *node = json_object_get_member (errors, l->data);
      const char *field = l->data;

      if (JSON_NODE_HOLDS_ARRAY (node))
        {
          JsonArray *array = json_node_get_array (node);
          for (guint i = 0; i < json_array_get_length (array); i++)
            {
              JsonNode *item = json_array_get_element (array, i);
              if (JSON_NODE_HOLDS_VALUE (item) && json_node_get_value_type (item) == G_TYPE_STRING)
                {
                  if (out->len)
                    g_string_append (out, "; ");
                  if (*field)
                    g_string_append_printf (out, "%s: ", field);
                  g_string_append (out, json_node_get_string (item));
                }
            }
        }
      else if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
        {
          if (out->len)
            g_string_append (out, "; ");
          if (*field)
            g_string_append_printf (out, "%s: ", field);
          g_string_append (out, json_node_get_string (node));
        }
    }
}

static char *
text_from_json (JsonNode *root)
{
  if (JSON_NODE_HOLDS_VALUE (root) && json_node_get_value_type (root) == G_TYPE_STRING)
    return g_strdup (json_node_get_string (root));

  if (JSON_NODE_HOLDS_ARRAY (root))
    {
      JsonArray *array = json_node_get_array (root);
      g_autoptr (GString) out = g_string_new (NULL);
      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          g_autofree char *part = text_from_json (json_array_get_element (array, i));
          if (part && *part)
            {
              if (out->len)
                g_string_append (out, "; ");
              g_string_append (out, part);
            }
        }
      return out->len ? g_string_free (g_steal_pointer (&out), FALSE) : NULL;
    }

  if (JSON_NODE_HOLDS_OBJECT (root))
    {
      JsonObject *object = json_node_get_object (root);
      const char *description = member_string (object, "error_description");
      const char *error = member_string (object, "error");
      const char *s;
      JsonNode *errors;

      if (description && error)
        return g_strdup_printf ("%s (%s)", description, error);
      if (description)
        return g_strdup (description);
      if ((s = member_string (object, "errorMessage")))
        return g_strdup (s);
      if ((s = member_string (object, "Message")))
        return g_strdup (s);
      if (error)
        return g_strdup (error);

      /* ASP.NET ModelState: {"errors": {"field": ["msg"]}, "title": ...} or the bare map */
      errors = json_object_get_member (object, "errors");
      if (errors && JSON_NODE_HOLDS_OBJECT (errors))
        {
          g_autoptr (GString) out = g_string_new (NULL);
          append_model_state (out, json_node_get_object (errors));
          if (out->len)
            return g_string_free (g_steal_pointer (&out), FALSE);
        }
      if ((s = member_string (object, "title")))
        return g_strdup (s);
      {
        g_autoptr (GString) out = g_string_new (NULL);
        append_model_state (out, object);
        if (out->len)
          return g_string_free (g_steal_pointer (&out), FALSE);
      }
    }

  return NULL;
}

static char *
clip (char *text)
{
  char *end;

  if (!text)
    return NULL;
  g_strstrip (text);
  if (!*text)
    {
      g_free (text);
      return NULL;
    }
  if (strlen (text) > MAX_TEXT)
    {
      end = g_utf8_find_prev_char (text, text + MAX_TEXT);
      *end = '\0';
    }
  return text;
}

/**
 * hy_halo_error_extract_text:
 * @body: (nullable): a response body (not necessarily NUL-terminated)
 * @len: its length
 *
 * Finds Halo's own error text in any of its error-body shapes: `{"error"}`,
 * `{"error_description"}`, `{"Message"}`, `{"ClassName","Message"}`,
 * `{"resultCode","errorMessage"}`, ASP.NET ModelState maps, a JSON string or plain text.
 *
 * Returns: (transfer full) (nullable): the text, or %NULL if the body says nothing
 */
char *
hy_halo_error_extract_text (const char *body, gsize len)
{
  g_autoptr (JsonParser) parser = NULL;
  g_autofree char *copy = NULL;

  if (!body || len == 0)
    return NULL;

  parser = json_parser_new ();
  if (hy_json_guard_load (parser, body, len, NULL) && json_parser_get_root (parser))
    {
      /* JSON that names no error says nothing: do not show its raw text */
      return clip (text_from_json (json_parser_get_root (parser)));
    }

  if (!g_utf8_validate (body, len, NULL))
    return NULL;
  copy = g_strndup (body, len);
  /* An HTML error page tells a technician nothing useful */
  if (g_ascii_strncasecmp (g_strchug (copy), "<", 1) == 0)
    return NULL;
  return clip (g_steal_pointer (&copy));
}

/* ------------------------------------------------------------------------- */
/* Status → error                                                            */
/* ------------------------------------------------------------------------- */

/**
 * hy_halo_scope_for_path:
 * @path: an /api path ("/api/Client", "/api/Tickets/5", ...)
 * @write: whether the request changes data
 *
 * Returns: the Halo scope that covers @path
 */
const char *
hy_halo_scope_for_path (const char *path, gboolean write)
{
  static const struct
  {
    const char *entity;
    const char *read;
    const char *edit;
  } table[] = {
    { "client", "read:customers", "edit:customers" },
    { "site", "read:customers", "edit:customers" },
    { "users", "read:customers", "edit:customers" },
    { "assettype", "read:assets", "edit:assets" },
    { "asset", "read:assets", "edit:assets" },
    { "tickettype", "read:tickets", "edit:tickets" },
    { "tickets", "read:tickets", "edit:tickets" },
    { "actions", "read:tickets", "edit:tickets" },
    { "status", "read:tickets", "edit:tickets" },
    { "outcome", "read:tickets", "edit:tickets" },
  };
  const char *entity = path;
  gsize len;

  if (g_ascii_strncasecmp (entity, "/api/", 5) == 0)
    entity += 5;
  len = strcspn (entity, "/?");
  for (guint i = 0; i < G_N_ELEMENTS (table); i++)
    if (strlen (table[i].entity) == len && g_ascii_strncasecmp (entity, table[i].entity, len) == 0)
      return write ? table[i].edit : table[i].read;
  /* Agent, Team and the rest: Halo has no narrower scope for them */
  return "all";
}

/* The token request refused (400 invalid_scope, 400 about the client, 401, 403): the scopes or
 * the credentials, which the technician fixes in Halo's application settings. */
static GError *
token_refused (const char *text)
{
  if (text && strstr (text, "invalid_scope"))
    return g_error_new (HY_HALO_ERROR, HY_HALO_ERROR_INVALID_SCOPE,
                        /* Translators: %s is Halo's own error text */
                        _ ("Halo refused the requested scopes (%s): tick them in the application’s "
                           "Permissions tab in Configuration > Integrations > HaloPSA API > View "
                           "Applications, or ask for “all”"),
                        text);
  return g_error_new_literal (
      HY_HALO_ERROR, HY_HALO_ERROR_INVALID_CLIENT,
      _ ("Halo refused the Client ID or secret: copy them again after saving "
         "the application in Configuration > Integrations > HaloPSA API > View "
         "Applications, and check the tenant name shown in API Details"));
}

/**
 * hy_halo_error_from_status:
 * @status: the HTTP status (>= 400)
 * @method: the HTTP method
 * @path: the request path (without the base URL)
 * @body: (nullable): the response body
 * @len: its length
 * @token_request: whether it was the token request
 *
 * Returns: (transfer full): an actionable #HY_HALO_ERROR for the answer
 */
GError *
hy_halo_error_from_status (guint status,
                           const char *method,
                           const char *path,
                           const char *body,
                           gsize len,
                           gboolean token_request)
{
  g_autofree char *text = hy_halo_error_extract_text (body, len);
  g_autofree char *where = g_strdup_printf ("%s %s", method, path);
  char *q = strchr (where, '?');

  if (q)
    *q = '\0';

  /* A 400 of the token request that names neither the scope nor the client is reported below */
  if (token_request && (status == 400 || status == 401 || status == 403) &&
      (status != 400 || (text && strstr (text, "invalid_scope")) ||
       (text && strstr (text, "client"))))
    return token_refused (text);

  switch (status)
    {
      case 401:
        return g_error_new (
            HY_HALO_ERROR, HY_HALO_ERROR_UNAUTHORIZED,
            /* Translators: %s is a request such as "GET /api/Client" */
            _ ("Halo refused the sign-in for %s even after signing in again: check that the "
               "application is Active in Configuration > Integrations > HaloPSA API > View "
               "Applications"),
            where);
      case 403:
        return g_error_new (
            HY_HALO_ERROR, HY_HALO_ERROR_FORBIDDEN,
            /* Translators: the first %s is a request such as "GET /api/Client", the second a
                             Halo scope such as "read:customers" */
            _ ("Halo refused %s: give the application the “%s” permission in Configuration > "
               "Integrations > HaloPSA API > View Applications > Permissions, and check that the "
               "agent it logs in as may do this"),
            where, hy_halo_scope_for_path (path, g_strcmp0 (method, "GET") != 0));
      case 404:
        return g_error_new (HY_HALO_ERROR, HY_HALO_ERROR_NOT_FOUND,
                            /* Translators: %s is a request such as "GET /api/Tickets/12" */
                            _ ("Halo has no record for %s: it may have been deleted or merged in "
                               "Halo"),
                            where);
      case 429:
        return g_error_new (HY_HALO_ERROR, HY_HALO_ERROR_RATE_LIMITED,
                            /* Translators: %s is Halo's own text */
                            _ ("Halo’s request limit was reached and stayed reached after waiting "
                               "(%s): try "
                               "again in a few minutes"),
                            text ? text : "429");
      case 408:
        return g_error_new (HY_HALO_ERROR, HY_HALO_ERROR_SERVER_ERROR,
                            /* Translators: %s is a request such as "GET /api/Client" */
                            _ ("Halo timed out answering %s, several times: try again later"),
                            where);
      default:
        break;
    }

  if (status == 502 || status == 503 || status == 504)
    return g_error_new (HY_HALO_ERROR, HY_HALO_ERROR_UNAVAILABLE,
                        /* Translators: %u is an HTTP status, %s a request */
                        _ ("Halo is unavailable (HTTP %u on %s, several times): it is down or "
                           "overloaded; what is queued is sent when it answers again"),
                        status, where);
  if (status >= 500)
    {
      if (text)
        return g_error_new (
            HY_HALO_ERROR, HY_HALO_ERROR_SERVER_ERROR,
            /* Translators: %u is an HTTP status, the first %s a request, the second Halo's
                               own error text */
            _ ("Halo failed (HTTP %u) on %s, several times: %s"), status, where, text);
      return g_error_new (HY_HALO_ERROR, HY_HALO_ERROR_SERVER_ERROR,
                          /* Translators: %u is an HTTP status, %s a request */
                          _ ("Halo failed (HTTP %u) on %s, several times: try again later"), status,
                          where);
    }

  if (status >= 400)
    {
      if (text)
        return g_error_new (
            HY_HALO_ERROR, HY_HALO_ERROR_BAD_REQUEST,
            /* Translators: the first %s is Halo's own error text, the second a request */
            _ ("Halo said: %s (%s)"), text, where);
      return g_error_new (HY_HALO_ERROR, HY_HALO_ERROR_BAD_REQUEST,
                          /* Translators: %u is an HTTP status, %s a request */
                          _ ("Halo rejected the request (HTTP %u) on %s without saying why"),
                          status, where);
    }

  return g_error_new (HY_HALO_ERROR, HY_HALO_ERROR_BAD_RESPONSE,
                      /* Translators: %u is an HTTP status, %s a request */
                      _ ("Halo gave an unexpected answer (HTTP %u) to %s"), status, where);
}
