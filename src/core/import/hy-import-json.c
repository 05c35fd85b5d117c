/* hy-import-json.c: a JSON inventory, checked in one pass and imported record by record
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "hy-import"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <stdio.h>
#include <string.h>

#include "import/hy-import-private.h"
#include "import/hy-import-result-private.h"
#include "import/hy-import.h"
#include "json/hy-json-guard.h"
#include "store/hy-record-fields.h"

/* Kinds in the order they are written: every reference points to an earlier kind (or, for a
 * group's parent, to the same kind, checked once all groups are in). */
static const HyRecordKind import_order[] = {
  HY_RECORD_KIND_COMPANY, HY_RECORD_KIND_LOCATION, HY_RECORD_KIND_GROUP, HY_RECORD_KIND_COMPUTER,
  HY_RECORD_KIND_USER,    HY_RECORD_KIND_POLICY,   HY_RECORD_KIND_ALERT,
};

typedef HyImportAnyRecord AnyRecord;
typedef HyImport Import;

/* The nesting bound every JSON reader of Halyard's shares (json/hy-json-guard.h). */
#define JSON_MAX_DEPTH HY_JSON_MAX_DEPTH

typedef struct
{
  Import *imp;
  const char *start;
  const char *p;
  const char *end;
} Scan;

static gboolean
scan_fail (Scan *s, const char *what, GError **error)
{
  guint line = 1;
  const char *line_start = s->start;

  for (const char *q = s->start; q < s->p && q < s->end; q++)
    if (*q == '\n')
      {
        line++;
        line_start = q + 1;
      }
  g_set_error (error, HY_IMPORT_ERROR, HY_IMPORT_ERROR_SYNTAX,
               /* Translators: "inventory.json is not valid JSON (line 3, column 5): a comma
                * or a closing bracket was expected." */
               _ ("%s is not valid JSON (line %u, column %u): %s"), s->imp->name, line,
               (guint) (s->p - line_start) + 1, what);
  return FALSE;
}

static void
scan_ws (Scan *s)
{
  while (s->p < s->end && (*s->p == ' ' || *s->p == '\t' || *s->p == '\n' || *s->p == '\r'))
    s->p++;
}

static gboolean
scan_char (Scan *s, char c)
{
  scan_ws (s);
  if (s->p < s->end && *s->p == c)
    {
      s->p++;
      return TRUE;
    }
  return FALSE;
}

static int
hex_value (char c)
{
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

static gboolean
scan_hex4 (Scan *s, gunichar *out)
{
  *out = 0;
  if (s->end - s->p < 4)
    return FALSE;
  for (int i = 0; i < 4; i++)
    {
      int v = hex_value (s->p[i]);
      if (v < 0)
        return FALSE;
      *out = (*out << 4) | v;
    }
  s->p += 4;
  return TRUE;
}

/* After "\\u": four hex digits, and a low surrogate after a high one; *@c gets the character */
static gboolean
scan_unicode_escape (Scan *s, gunichar *out_c, GError **error)
{
  gunichar c, low;

  if (!scan_hex4 (s, &c))
    return scan_fail (s, _ ("\\u must be followed by four hexadecimal digits."), error);
  if (c >= 0xD800 && c <= 0xDBFF)
    {
      if (s->end - s->p < 2 || s->p[0] != '\\' || s->p[1] != 'u')
        return scan_fail (s,
                          _ ("an incomplete UTF-16 surrogate pair (\\uD800-\\uDBFF "
                             "must be followed by \\uDC00-\\uDFFF)."),
                          error);
      s->p += 2;
      if (!scan_hex4 (s, &low) || low < 0xDC00 || low > 0xDFFF)
        return scan_fail (s,
                          _ ("an incomplete UTF-16 surrogate pair (\\uD800-\\uDBFF "
                             "must be followed by \\uDC00-\\uDFFF)."),
                          error);
      c = 0x10000 + ((c - 0xD800) << 10) + (low - 0xDC00);
    }
  else if ((c >= 0xDC00 && c <= 0xDFFF) || c == 0)
    return scan_fail (s, _ ("\\u escapes a character that is not allowed here."), error);
  *out_c = c;
  return TRUE;
}

/* The character a one-letter escape stands for (after a backslash: "\\n" is a newline); NUL for
 * a letter that is not one of JSON's escapes. \\u is scan_unicode_escape ()'s. */
static char
unescaped_char (char letter)
{
  static const struct
  {
    char letter;
    char c;
  } escapes[] = {
    { '"', '"' },  { '\\', '\\' }, { '/', '/' },  { 'b', '\b' },
    { 'f', '\f' }, { 'n', '\n' },  { 'r', '\r' }, { 't', '\t' },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (escapes); i++)
    if (escapes[i].letter == letter)
      return escapes[i].c;
  return '\0';
}

/* A string at s->p (after whitespace); its value into @out (NULL: only checked). */
static gboolean
scan_string (Scan *s, GString *out, GError **error)
{
  scan_ws (s);
  if (s->p >= s->end || *s->p != '"')
    return scan_fail (s, _ ("a string in double quotes was expected."), error);
  s->p++;
  if (out)
    g_string_truncate (out, 0);

  for (;;)
    {
      const char *run = s->p;

      while (s->p < s->end && *s->p != '"' && *s->p != '\\' && (guchar) *s->p >= 0x20)
        s->p++;
      if (out)
        g_string_append_len (out, run, s->p - run);
      if (s->p >= s->end)
        return scan_fail (s, _ ("a string is never closed."), error);
      if (*s->p == '"')
        {
          s->p++;
          return TRUE;
        }
      if ((guchar) *s->p < 0x20)
        return scan_fail (s,
                          _ ("a string contains a control character; write it as \\n, \\t or "
                             "\\u00XX."),
                          error);

      /* An escape. */
      s->p++;
      if (s->p >= s->end)
        return scan_fail (s, _ ("a string is never closed."), error);
      if (*s->p == 'u')
        {
          gunichar c = 0;

          s->p++;
          if (!scan_unicode_escape (s, &c, error))
            return FALSE;
          if (out)
            g_string_append_unichar (out, c);
        }
      else
        {
          char c = unescaped_char (*s->p);

          if (c == '\0')
            return scan_fail (s, _ ("an unknown escape after a backslash."), error);
          s->p++;
          if (out)
            g_string_append_c (out, c);
        }
    }
}

static gboolean
scan_number (Scan *s, GError **error)
{
  const char *digits;

  if (s->p < s->end && *s->p == '-')
    s->p++;
  if (s->p < s->end && *s->p == '0')
    s->p++;
  else
    {
      digits = s->p;
      while (s->p < s->end && g_ascii_isdigit (*s->p))
        s->p++;
      if (s->p == digits)
        return scan_fail (s, _ ("a number was expected."), error);
    }
  if (s->p < s->end && *s->p == '.')
    {
      s->p++;
      digits = s->p;
      while (s->p < s->end && g_ascii_isdigit (*s->p))
        s->p++;
      if (s->p == digits)
        return scan_fail (s, _ ("a number was expected."), error);
    }
  if (s->p < s->end && (*s->p == 'e' || *s->p == 'E'))
    {
      s->p++;
      if (s->p < s->end && (*s->p == '+' || *s->p == '-'))
        s->p++;
      digits = s->p;
      while (s->p < s->end && g_ascii_isdigit (*s->p))
        s->p++;
      if (s->p == digits)
        return scan_fail (s, _ ("a number was expected."), error);
    }
  return TRUE;
}

static gboolean scan_value (Scan *s, guint depth, GError **error);

static gboolean
scan_container (Scan *s, gboolean object, guint depth, GError **error)
{
  char close = object ? '}' : ']';

  if (depth > JSON_MAX_DEPTH)
    return scan_fail (s, _ ("the document is nested too deeply."), error);
  s->p++; /* { or [ */
  if (scan_char (s, close))
    return TRUE;
  for (;;)
    {
      if (object)
        {
          if (!scan_string (s, NULL, error))
            return FALSE;
          if (!scan_char (s, ':'))
            return scan_fail (s, _ ("a colon (:) was expected after the name."), error);
        }
      if (!scan_value (s, depth + 1, error))
        return FALSE;
      if (scan_char (s, ','))
        continue;
      if (scan_char (s, close))
        return TRUE;
      return scan_fail (s,
                        object ? _ ("a comma or a closing brace (}) was expected.")
                               : _ ("a comma or a closing bracket (]) was expected."),
                        error);
    }
}

static gboolean
scan_literal (Scan *s, const char *word, GError **error)
{
  gsize n = strlen (word);

  if ((gsize) (s->end - s->p) >= n && memcmp (s->p, word, n) == 0)
    {
      s->p += n;
      return TRUE;
    }
  return scan_fail (s,
                    _ ("a value (a string, number, object, array, true, false or null) was "
                       "expected."),
                    error);
}

/* Checks the value at s->p and moves past it. */
static gboolean
scan_value (Scan *s, guint depth, GError **error)
{
  scan_ws (s);
  if (s->p >= s->end)
    return scan_fail (s, _ ("the document ends too early."), error);
  switch (*s->p)
    {
      case '{':
        return scan_container (s, TRUE, depth, error);
      case '[':
        return scan_container (s, FALSE, depth, error);
      case '"':
        return scan_string (s, NULL, error);
      case 't':
        return scan_literal (s, "true", error);
      case 'f':
        return scan_literal (s, "false", error);
      case 'n':
        return scan_literal (s, "null", error);
      default:
        if (*s->p == '-' || g_ascii_isdigit (*s->p))
          return scan_number (s, error);
        return scan_literal (s, "\x01", error);
    }
}

/* What the value at s->p is, for "must be a string, not ..." messages. */
static const char *
scan_type_label (Scan *s)
{
  scan_ws (s);
  switch (s->p < s->end ? *s->p : '\0')
    {
      case '{':
        return _ ("an object");
      case '[':
        return _ ("an array");
      case '"':
        return _ ("a string");
      case 't':
      case 'f':
        return _ ("true or false");
      case 'n':
        return "null";
      default:
        return _ ("a number");
    }
}

#define N_JSON_VALUES 16

/* Pass 1 of a JSON inventory: the whole document is valid JSON, an object; @arrays receives
 * where the array of each kind starts (NULL for a kind it does not have). */
static gboolean
json_find_arrays (Scan *s, const char **arrays, GError **error)
{
  Import *imp = s->imp;
  g_autoptr (GString) key = g_string_new (NULL);
  gboolean found = FALSE;

  scan_ws (s);
  if (s->p < s->end && *s->p == '[')
    {
      if (!scan_value (s, 0, error))
        return FALSE;
      g_set_error (error, HY_IMPORT_ERROR, HY_IMPORT_ERROR_WRONG_TYPE,
                   _ ("%s must be a JSON object with arrays such as “companies” and "
                      "“computers”."),
                   imp->name);
      return FALSE;
    }
  if (s->p >= s->end || *s->p != '{')
    return scan_fail (s, _ ("the document must start with an opening brace ({)."), error);
  s->p++;
  if (!scan_char (s, '}'))
    {
      for (;;)
        {
          HyRecordKind kind;

          if (!scan_string (s, key, error))
            return FALSE;
          if (!scan_char (s, ':'))
            return scan_fail (s, _ ("a colon (:) was expected after the name."), error);
          scan_ws (s);
          if (hy_record_kind_from_string (key->str, &kind) &&
              g_str_equal (key->str, hy_record_kind_to_plural (kind)))
            {
              arrays[kind] = s->p;
              found = TRUE;
            }
          if (!scan_value (s, 1, error))
            return FALSE;
          if (scan_char (s, ','))
            continue;
          if (scan_char (s, '}'))
            break;
          return scan_fail (s, _ ("a comma or a closing brace (}) was expected."), error);
        }
    }
  scan_ws (s);
  if (s->p != s->end)
    return scan_fail (s, _ ("there is more after the end of the document."), error);

  if (!found)
    {
      g_set_error (error, HY_IMPORT_ERROR, HY_IMPORT_ERROR_UNKNOWN_FORMAT,
                   _ ("%s has none of the inventory arrays (companies, locations, groups, "
                      "computers, users, policies, alerts)."),
                   imp->name);
      return FALSE;
    }
  return TRUE;
}

/* Reads the object at s->p (the record @index of @kind) into @record, whose strings point into
 * @values. FALSE with @error set on a value of the wrong type, or unset when the document no
 * longer has the syntax pass 1 checked. */
static gboolean
json_read_record (Scan *s,
                  HyRecordKind kind,
                  guint index,
                  GString *key,
                  GString **values,
                  AnyRecord *record,
                  GError **error)
{
  const char *plural = hy_record_kind_to_plural (kind);
  guint n_fields;
  const HyFieldInfo *fields = hy_record_kind_get_fields (kind, &n_fields);

  s->p++;
  memset (record, 0, sizeof *record);
  if (scan_char (s, '}'))
    return TRUE;
  for (;;)
    {
      int field = -1;

      if (!scan_string (s, key, error) || !scan_char (s, ':'))
        return FALSE; /* cannot happen: pass 1 checked the syntax */
      for (guint f = 0; f < n_fields; f++)
        if (g_str_equal (key->str, fields[f].name))
          field = f;
      scan_ws (s);
      if (field < 0)
        {
          if (!scan_value (s, 2, error))
            return FALSE;
        }
      else if (*s->p == '"')
        {
          if (!scan_string (s, values[field], error))
            return FALSE;
          HY_FIELD_VALUE (record, &fields[field]) = values[field]->str;
        }
      else if (*s->p == 'n')
        {
          if (!scan_value (s, 2, error))
            return FALSE;
          HY_FIELD_VALUE (record, &fields[field]) = NULL;
        }
      else
        {
          g_set_error (error, HY_IMPORT_ERROR, HY_IMPORT_ERROR_WRONG_TYPE,
                       /* Translators: "computers[3]: the field “id” must be a
                        * string (in quotes), not a number." */
                       _ ("%s[%u]: the field “%s” must be a string (in quotes), not "
                          "%s."),
                       plural, index, fields[field].name, scan_type_label (s));
          return FALSE;
        }
      if (scan_char (s, ','))
        continue;
      if (scan_char (s, '}'))
        return TRUE;
      return FALSE;
    }
}

/* Imports the records of @kind, whose array starts at @start, one at a time. Fails as
 * json_read_record() does. */
static gboolean
json_import_kind (Scan *s,
                  HyRecordKind kind,
                  const char *start,
                  GString *key,
                  GString **values,
                  GError **error)
{
  const char *plural = hy_record_kind_to_plural (kind);

  s->p = start;
  if (*s->p != '[')
    {
      g_set_error (error, HY_IMPORT_ERROR, HY_IMPORT_ERROR_WRONG_TYPE,
                   _ ("“%s” must be an array of records, not %s."), plural, scan_type_label (s));
      return FALSE;
    }
  s->p++;
  if (scan_char (s, ']'))
    return TRUE;

  for (guint index = 0;; index++)
    {
      AnyRecord record;

      scan_ws (s);
      if (*s->p != '{')
        {
          g_set_error (error, HY_IMPORT_ERROR, HY_IMPORT_ERROR_WRONG_TYPE,
                       _ ("%s[%u] must be an object, not %s."), plural, index, scan_type_label (s));
          return FALSE;
        }
      if (!json_read_record (s, kind, index, key, values, &record, error) ||
          !_hy_import_record (s->imp, kind, &record, index, error))
        return FALSE;
      if (scan_char (s, ','))
        continue;
      if (scan_char (s, ']'))
        return TRUE;
      return FALSE;
    }
}

gboolean
_hy_import_json (Import *imp, const char *data, gsize length, GError **error)
{
  Scan s = { imp, data, data, data + length };
  const char *arrays[HY_N_RECORD_KINDS] = { NULL };
  g_autoptr (GString) key = g_string_new (NULL);
  GString *values[N_JSON_VALUES];
  gboolean ok = TRUE;

  imp->json = TRUE;

  /* Pass 1: the whole document is valid JSON, an object; where each kind starts. */
  if (!json_find_arrays (&s, arrays, error))
    return FALSE;

  /* Pass 2: each kind, in dependency order, one record at a time. */
  for (guint i = 0; i < G_N_ELEMENTS (values); i++)
    values[i] = g_string_new (NULL);

  for (guint k = 0; ok && k < G_N_ELEMENTS (import_order); k++)
    {
      HyRecordKind kind = import_order[k];

      if (arrays[kind] == NULL || *arrays[kind] == 'n') /* absent, or null: nothing of it */
        continue;
      ok = json_import_kind (&s, kind, arrays[kind], key, values, error) &&
           (kind != HY_RECORD_KIND_GROUP || _hy_import_check_groups (imp, error));
    }

  for (guint i = 0; i < G_N_ELEMENTS (values); i++)
    g_string_free (values[i], TRUE);
  if (!ok && error != NULL && *error == NULL)
    scan_fail (&s, _ ("the document changed while it was read."), error);
  return ok;
}

/* ---------------------------------------------------------------------------------------------
 * CSV (RFC 4180; the delimiter is a comma, or a semicolon or tab when the header uses one)
 * ------------------------------------------------------------------------------------------- */
