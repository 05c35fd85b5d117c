/* hy-halo-event.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "hy-halo"

#include "config.h"

#include <json-glib/json-glib.h>

#include "hy-halo-event.h"
#include "json/hy-json-guard.h"

#define REDACTED "[redacted]"

G_DEFINE_BOXED_TYPE (HyHaloEvent, hy_halo_event, hy_halo_event_copy, hy_halo_event_free)

HyHaloEvent *
hy_halo_event_new (void)
{
  return g_new0 (HyHaloEvent, 1);
}

HyHaloEvent *
hy_halo_event_copy (const HyHaloEvent *self)
{
  HyHaloEvent *copy = g_new0 (HyHaloEvent, 1);

  *copy = *self;
  copy->method = g_strdup (self->method);
  copy->path = g_strdup (self->path);
  copy->request_body = g_strdup (self->request_body);
  copy->response_body = g_strdup (self->response_body);
  copy->error = g_strdup (self->error);
  copy->record = g_strdup (self->record);
  return copy;
}

void
hy_halo_event_free (HyHaloEvent *self)
{
  if (!self)
    return;
  g_free (self->method);
  g_free (self->path);
  g_free (self->request_body);
  g_free (self->response_body);
  g_free (self->error);
  g_free (self->record);
  g_free (self);
}

/* ------------------------------------------------------------------------- */
/* Redaction                                                                 */
/* ------------------------------------------------------------------------- */

static gboolean
is_secret_member (const char *name)
{
  static const char *const secret_names[] = {
    "access_token", "refresh_token", "id_token",      "client_secret",
    "password",     "token",         "authorization",
  };

  for (guint i = 0; i < G_N_ELEMENTS (secret_names); i++)
    if (g_ascii_strcasecmp (name, secret_names[i]) == 0)
      return TRUE;
  return FALSE;
}

static void
redact_node (JsonNode *node)
{
  if (JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *array = json_node_get_array (node);
      for (guint i = 0; i < json_array_get_length (array); i++)
        redact_node (json_array_get_element (array, i));
    }
  else if (JSON_NODE_HOLDS_OBJECT (node))
    {
      JsonObject *object = json_node_get_object (node);
      g_autoptr (GList) members = json_object_get_members (object);

      for (GList *l = members; l; l = l->next)
        {
          if (is_secret_member (l->data))
            json_object_set_string_member (object, l->data, REDACTED);
          else
            redact_node (json_object_get_member (object, l->data));
        }
    }
}

static gboolean
mentions_secret_names (const char *body, gsize len)
{
  static const char *const words[] = { "token", "secret", "password", "authorization" };

  for (gsize i = 0; i < len; i++)
    for (guint w = 0; w < G_N_ELEMENTS (words); w++)
      {
        gsize wlen = strlen (words[w]);
        if (i + wlen <= len && g_ascii_strncasecmp (body + i, words[w], wlen) == 0)
          return TRUE;
      }
  return FALSE;
}

static void
replace_all (GString *text, const char *needle)
{
  gsize nlen;
  char *hit;
  gsize from = 0;

  if (!needle || strlen (needle) < 4)
    return;
  nlen = strlen (needle);
  while (from < text->len && (hit = strstr (text->str + from, needle)))
    {
      gsize pos = hit - text->str;
      g_string_erase (text, pos, nlen);
      g_string_insert (text, pos, REDACTED);
      from = pos + strlen (REDACTED);
    }
}

/* "a b~c" as an HTML form encodes it (libsoup's soup_form_encode ()): spaces as "+", every
 * byte but letters, digits and "-_." as %XX */
static char *
form_encoded (const char *secret, gboolean lower_hex)
{
  GString *out = g_string_new (NULL);

  for (const guchar *p = (const guchar *) secret; *p; p++)
    {
      if (*p == ' ')
        g_string_append_c (out, '+');
      else if (g_ascii_isalnum (*p) || *p == '-' || *p == '_' || *p == '.')
        g_string_append_c (out, (char) *p);
      else
        g_string_append_printf (out, lower_hex ? "%%%02x" : "%%%02X", *p);
    }
  return g_string_free (out, FALSE);
}

/* @secret as it appears inside a JSON string */
static char *
json_escaped (const char *secret)
{
  g_autoptr (JsonNode) node = json_node_init_string (json_node_alloc (), secret);
  g_autofree char *text = json_to_string (node, FALSE);
  gsize len = strlen (text);

  return len >= 2 ? g_strndup (text + 1, len - 2) : g_strdup (secret);
}

/* Whether the value that starts at @value ends at @p (for "key=value" in any text). */
static gboolean
ends_form_value (char c)
{
  return c == '&' || c == '"' || c == '\'' || c == '\r' || c == '\n' || c == '<';
}

/* Blanks the value of every "name=value" (or "name%3Dvalue") whose name is a secret's, whatever
 * the value holds and however short it is: a server that echoes the token request quotes the
 * form in its own encoding. */
static void
redact_form_values (GString *text)
{
  static const char *const keys[] = { "client_secret", "password", "access_token", "refresh_token",
                                      "id_token" };

  for (guint k = 0; k < G_N_ELEMENTS (keys); k++)
    {
      gsize klen = strlen (keys[k]);
      gsize from = 0;

      while (from + klen < text->len)
        {
          gsize i = from;
          gsize value;
          gsize end;

          while (i + klen <= text->len && g_ascii_strncasecmp (text->str + i, keys[k], klen) != 0)
            i++;
          if (i + klen > text->len)
            break;
          value = i + klen;
          if (value < text->len && text->str[value] == '=')
            value++;
          else if (value + 3 <= text->len && g_ascii_strncasecmp (text->str + value, "%3D", 3) == 0)
            value += 3;
          else
            {
              from = i + klen;
              continue;
            }
          end = value;
          while (end < text->len && !ends_form_value (text->str[end]))
            end++;
          if (end - value != strlen (REDACTED) ||
              strncmp (text->str + value, REDACTED, end - value) != 0)
            {
              g_string_erase (text, value, end - value);
              g_string_insert (text, value, REDACTED);
            }
          from = value + strlen (REDACTED);
        }
    }
}

/**
 * hy_halo_redact_body:
 * @body: (nullable): a request or response body
 * @len: its length
 * @secrets: (nullable) (array zero-terminated=1): literal secrets (the client secret, tokens)
 *   to blank wherever they appear
 *
 * Redacts a body for the events log: JSON members named like tokens or secrets are replaced
 * by "[redacted]", then every literal secret anywhere in the text; binary bodies are
 * summarised. The result is truncated to %HY_HALO_EVENT_BODY_MAX bytes on a UTF-8 boundary.
 *
 * Returns: (transfer full) (nullable): the redacted text, %NULL for an empty body
 */
char *
hy_halo_redact_body (const char *body, gsize len, const char *const *secrets)
{
  g_autoptr (JsonParser) parser = NULL;
  g_autoptr (GString) text = NULL;

  if (!body || len == 0)
    return NULL;

  /* Parsing is only needed when a secret member may be there (token answers): a page of
   * 100 assets is passed through as text, which is much cheaper */
  parser = json_parser_new ();
  if (mentions_secret_names (body, len) && hy_json_guard_load (parser, body, len, NULL) &&
      json_parser_get_root (parser))
    {
      g_autofree char *out = NULL;
      JsonNode *root = json_parser_get_root (parser);

      redact_node (root);
      out = json_to_string (root, FALSE);
      text = g_string_new (out);
    }
  else if (g_utf8_validate (body, len, NULL))
    text = g_string_new_len (body, len);
  else
    return g_strdup_printf ("(%" G_GSIZE_FORMAT " bytes of binary data)", len);

  for (guint i = 0; secrets && secrets[i]; i++)
    {
      g_autofree char *escaped = g_uri_escape_string (secrets[i], NULL, FALSE);
      g_autofree char *form = form_encoded (secrets[i], FALSE);
      g_autofree char *form_lower = form_encoded (secrets[i], TRUE);
      g_autofree char *json = json_escaped (secrets[i]);

      /* as it is, and in each encoding a server may quote it in */
      replace_all (text, secrets[i]);
      replace_all (text, escaped);
      replace_all (text, form);
      replace_all (text, form_lower);
      replace_all (text, json);
    }
  if (mentions_secret_names (text->str, text->len))
    redact_form_values (text);

  if (text->len > HY_HALO_EVENT_BODY_MAX)
    {
      const char *end = g_utf8_find_prev_char (text->str, text->str + HY_HALO_EVENT_BODY_MAX);
      g_string_truncate (text, end - text->str);
      g_string_append (text, "…");
    }
  return g_string_free (g_steal_pointer (&text), FALSE);
}
