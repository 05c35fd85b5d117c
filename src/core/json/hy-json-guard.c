/* hy-json-guard.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "hy-json"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>

#include "hy-json-guard.h"

/* The longest integer json-glib reads exactly: more digits may not fit in 64 bits. */
#define SAFE_INTEGER_DIGITS 18

static gboolean
is_number_char (char c)
{
  return g_ascii_isdigit (c) || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E';
}

/* An integer token (no fraction, no exponent) that does not fit in 64 bits: json-glib 1.6
 * reads 99999999999999999999 as -1 without a word. */
static gboolean
integer_overflows (const char *token, gsize len)
{
  g_autofree char *text = NULL;
  gsize digits = 0;

  for (gsize i = 0; i < len; i++)
    {
      if (token[i] == '.' || token[i] == 'e' || token[i] == 'E')
        return FALSE;
      if (g_ascii_isdigit (token[i]))
        digits++;
    }
  if (digits <= SAFE_INTEGER_DIGITS)
    return FALSE;
  text = g_strndup (token, len);
  return !g_ascii_string_to_signed (text, 10, G_MININT64, G_MAXINT64, NULL, NULL);
}

/**
 * hy_json_guard_check:
 * @data: (array length=len): a JSON document (not necessarily NUL-terminated)
 * @len: its length
 * @max_depth: the deepest nesting of arrays and objects allowed (%HY_JSON_MAX_DEPTH)
 * @error: a #JSON_PARSER_ERROR with a translated message naming what is wrong
 *
 * What json-glib cannot be trusted with, checked in one pass without recursion before it
 * parses: nesting deeper than @max_depth (its recursive parser would overflow the stack) and
 * integers that do not fit in 64 bits (it would read them wrong). The rest of the syntax is
 * left to the parser.
 *
 * Returns: whether @data may be given to json-glib
 */
gboolean
hy_json_guard_check (const char *data, gsize len, guint max_depth, GError **error)
{
  const char *p = data;
  const char *end = data + len;
  guint depth = 0;

  while (p < end)
    {
      char c = *p;

      if (c == '"')
        {
          for (p++; p < end && *p != '"'; p++)
            if (*p == '\\')
              p++;
          p++;
          continue;
        }
      if (c == '[' || c == '{')
        {
          if (++depth > max_depth)
            {
              g_set_error (error, JSON_PARSER_ERROR, JSON_PARSER_ERROR_INVALID_DATA,
                           /* Translators: %u is a number of levels */
                           _ ("it is nested more than %u levels deep"), max_depth);
              return FALSE;
            }
        }
      else if (c == ']' || c == '}')
        {
          if (depth > 0)
            depth--;
        }
      else if (c == '-' || g_ascii_isdigit (c))
        {
          const char *start = p;

          while (p < end && is_number_char (*p))
            p++;
          if (integer_overflows (start, p - start))
            {
              g_autofree char *token = g_strndup (start, MIN (p - start, 40));

              g_set_error (error, JSON_PARSER_ERROR, JSON_PARSER_ERROR_INVALID_DATA,
                           /* Translators: %s is a number as written in the answer */
                           _ ("the whole number %s is too large"), token);
              return FALSE;
            }
          continue;
        }
      p++;
    }
  return TRUE;
}

/**
 * hy_json_guard_load:
 * @parser: a parser
 * @data: (array length=len): the JSON text
 * @len: its length
 * @error: a #JSON_PARSER_ERROR
 *
 * hy_json_guard_check() with %HY_JSON_MAX_DEPTH, then json_parser_load_from_data().
 *
 * Returns: whether @data was parsed
 */
gboolean
hy_json_guard_load (JsonParser *parser, const char *data, gsize len, GError **error)
{
  /* an empty GBytes has no data at all */
  if (data == NULL || len == 0)
    return json_parser_load_from_data (parser, "", 0, error);
  if (!hy_json_guard_check (data, len, HY_JSON_MAX_DEPTH, error))
    return FALSE;
  return json_parser_load_from_data (parser, data, (gssize) len, error);
}

/* json-glib 1.6 writes a double whose shortest form has an exponent and no point as "1e+17.0",
 * and infinity as "inf.0": text it cannot read back. */
static gboolean
double_writes_badly (double d)
{
  char buffer[G_ASCII_DTOSTR_BUF_SIZE];

  if (!isfinite (d))
    return TRUE;
  g_ascii_dtostr (buffer, sizeof buffer, d);
  return strchr (buffer, '.') == NULL && (strchr (buffer, 'e') || strchr (buffer, 'E'));
}

static gboolean guard_node (JsonNode *node, const char *member, JsonObject *parent, GError **error);

static gboolean
guard_object (JsonObject *object, GError **error)
{
  JsonObjectIter iter;
  const char *name;
  JsonNode *member;

  json_object_iter_init (&iter, object);
  while (json_object_iter_next (&iter, &name, &member))
    if (!guard_node (member, name, object, error))
      return FALSE;
  return TRUE;
}

static gboolean
guard_node (JsonNode *node, const char *member, JsonObject *parent, GError **error)
{
  switch (JSON_NODE_TYPE (node))
    {
      case JSON_NODE_OBJECT:
        return guard_object (json_node_get_object (node), error);
      case JSON_NODE_ARRAY:
        {
          JsonArray *array = json_node_get_array (node);
          guint n = json_array_get_length (array);

          for (guint i = 0; i < n; i++)
            if (!guard_node (json_array_get_element (array, i), member, parent, error))
              return FALSE;
          return TRUE;
        }
      case JSON_NODE_VALUE:
        {
          double d;
          char text[G_ASCII_DTOSTR_BUF_SIZE];
          JsonNode *id;

          if (json_node_get_value_type (node) != G_TYPE_DOUBLE)
            return TRUE;
          d = json_node_get_double (node);
          if (!double_writes_badly (d))
            return TRUE;
          /* an integral number (1e17) is kept exactly as an integer */
          if (isfinite (d) && d == floor (d) && fabs (d) < 9.2e18)
            {
              json_node_set_int (node, (gint64) d);
              return TRUE;
            }
          g_ascii_dtostr (text, sizeof text, d);
          id = parent != NULL ? json_object_get_member (parent, "id") : NULL;
          if (id != NULL && JSON_NODE_HOLDS_VALUE (id) &&
              json_node_get_value_type (id) != G_TYPE_DOUBLE)
            {
              g_autofree char *id_text =
                  json_node_get_value_type (id) == G_TYPE_STRING
                      ? g_strdup (json_node_get_string (id))
                      : g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (id));
              g_set_error (error, JSON_PARSER_ERROR, JSON_PARSER_ERROR_INVALID_DATA,
                           /* Translators: the first %s is a number ("1e+308", "inf"), the
                            * second a member name, the third a record id */
                           _ ("the number %s in “%s” of record %s is out of range"), text,
                           member ? member : "", id_text);
            }
          else
            g_set_error (error, JSON_PARSER_ERROR, JSON_PARSER_ERROR_INVALID_DATA,
                         /* Translators: the first %s is a number ("1e+308", "inf"), the
                          * second a member name */
                         _ ("the number %s in “%s” is out of range"), text, member ? member : "");
          return FALSE;
        }
      case JSON_NODE_NULL:
      default:
        return TRUE;
    }
}

/**
 * hy_json_guard_numbers:
 * @node: a parsed document, changed in place
 * @error: a #JSON_PARSER_ERROR naming the number, its member and its record's id
 *
 * Makes every number of @node one that json-glib writes back as text it can read again:
 * integral numbers written with an exponent (1e17) become integers. A number that cannot be
 * kept — infinite (1e999) or too large to be an integer (1e308) — is refused.
 *
 * Returns: whether every number can be kept
 */
gboolean
hy_json_guard_numbers (JsonNode *node, GError **error)
{
  if (node == NULL)
    return TRUE;
  return guard_node (node, NULL, NULL, error);
}
