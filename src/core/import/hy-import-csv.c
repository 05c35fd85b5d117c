/* hy-import-csv.c: a CSV inventory of one kind (RFC 4180)
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

typedef HyImportAnyRecord AnyRecord;
typedef HyImport Import;

typedef HyImportCsv Csv;

char
_hy_import_csv_guess_separator (const char *p, const char *end)
{
  guint commas = 0, semicolons = 0, tabs = 0;

  for (; p < end && *p != '\n'; p++)
    {
      commas += *p == ',';
      semicolons += *p == ';';
      tabs += *p == '\t';
    }
  if (semicolons > commas && semicolons >= tabs)
    return ';';
  if (tabs > commas && tabs > semicolons)
    return '\t';
  return ',';
}

static gboolean
csv_is_end_of_line (const Csv *csv)
{
  return *csv->p == '\n' || *csv->p == '\r';
}

/* A quoted cell at csv->p (its opening quote): its text, with doubled quotes undone, into @cell;
 * @line is the record's first line, for the error */
static gboolean
csv_read_quoted (Csv *csv, GString *cell, guint line, GError **error)
{
  csv->p++;
  for (;;)
    {
      if (csv->p >= csv->end)
        {
          g_set_error (error, HY_IMPORT_ERROR, HY_IMPORT_ERROR_SYNTAX,
                       _ ("Line %u: a quoted value is never closed; end it with a "
                          "double quote (\")."),
                       line);
          return FALSE;
        }
      if (*csv->p == '"')
        {
          if (csv->p + 1 < csv->end && csv->p[1] == '"')
            {
              g_string_append_c (cell, '"');
              csv->p += 2;
              continue;
            }
          csv->p++;
          break;
        }
      if (*csv->p == '\n')
        csv->line++;
      g_string_append_c (cell, *csv->p);
      csv->p++;
    }
  if (csv->p < csv->end && *csv->p != csv->separator && !csv_is_end_of_line (csv))
    {
      g_set_error (error, HY_IMPORT_ERROR, HY_IMPORT_ERROR_SYNTAX,
                   _ ("Line %u: text follows a closing quote; quote the whole value "
                      "and double the quotes inside it (\"\")."),
                   csv->line);
      return FALSE;
    }
  return TRUE;
}

/* An unquoted cell at csv->p, up to the separator or the end of the line, into @cell */
static gboolean
csv_read_unquoted (Csv *csv, GString *cell, GError **error)
{
  const char *start = csv->p;

  while (csv->p < csv->end && *csv->p != csv->separator && !csv_is_end_of_line (csv))
    {
      if (*csv->p == '"')
        {
          g_set_error (error, HY_IMPORT_ERROR, HY_IMPORT_ERROR_SYNTAX,
                       _ ("Line %u: a double quote inside an unquoted value; quote the "
                          "whole value and double the quotes inside it (\"\")."),
                       csv->line);
          return FALSE;
        }
      csv->p++;
    }
  g_string_append_len (cell, start, csv->p - start);
  return TRUE;
}

gboolean
_hy_import_csv_read_row (Csv *csv,
                         GPtrArray *cells,
                         guint *out_line,
                         gboolean *out_eof,
                         GError **error)
{
  g_ptr_array_set_size (cells, 0);
  *out_eof = FALSE;

  while (csv->p < csv->end && csv_is_end_of_line (csv))
    {
      /* "\r\n" counts once, on its "\n". */
      if (*csv->p == '\n' || csv->p + 1 == csv->end || csv->p[1] != '\n')
        csv->line++;
      csv->p++;
    }
  if (csv->p >= csv->end)
    {
      *out_eof = TRUE;
      return TRUE;
    }
  *out_line = csv->line;

  for (;;)
    {
      GString *cell = g_string_new (NULL);

      if (!(csv->p < csv->end && *csv->p == '"' ? csv_read_quoted (csv, cell, *out_line, error)
                                                : csv_read_unquoted (csv, cell, error)))
        {
          g_string_free (cell, TRUE);
          return FALSE;
        }

      g_ptr_array_add (cells, g_string_free (cell, FALSE));

      if (csv->p < csv->end && *csv->p == csv->separator)
        {
          csv->p++;
          continue;
        }
      /* End of the record. */
      if (csv->p < csv->end && *csv->p == '\r')
        {
          csv->p++;
          if (csv->p >= csv->end || *csv->p != '\n')
            csv->line++;
        }
      if (csv->p < csv->end && *csv->p == '\n')
        {
          csv->p++;
          csv->line++;
        }
      return TRUE;
    }
}

gboolean
_hy_import_csv (Import *imp, HyRecordKind kind, const char *data, gsize length, GError **error)
{
  g_autoptr (GPtrArray) header = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GPtrArray) cells = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GPtrArray) scratch = g_ptr_array_new_with_free_func (g_free);
  guint n_fields;
  const HyFieldInfo *fields = hy_record_kind_get_fields (kind, &n_fields);
  HyImportColumnMap map;
  Csv csv = { data, data + length, 1, ',' };
  guint line = 1;
  gboolean eof = FALSE;

  imp->json = FALSE;
  csv.separator = _hy_import_csv_guess_separator (data, data + length);

  if (!_hy_import_csv_read_row (&csv, header, &line, &eof, error))
    return FALSE;
  if (eof)
    {
      g_set_error (error, HY_IMPORT_ERROR, HY_IMPORT_ERROR_UNKNOWN_FORMAT,
                   _ ("%s is empty: a CSV file needs a header row naming its columns."), imp->name);
      return FALSE;
    }
  for (guint c = 0; c < header->len; c++)
    g_strstrip ((char *) header->pdata[c]);

  if (!_hy_import_map_columns (imp->name, kind, header, imp->options->columns, line, &map, error))
    return FALSE;
  _hy_import_result_set_columns (imp->result, kind, header, map.columns);
  if (map.foreign)
    {
      /* A foreign export leaves the fields it does not give as they were. */
      imp->field_mask[kind] = 1;
      for (guint f = 0; f < n_fields; f++)
        if (map.columns[f] >= 0)
          imp->field_mask[kind] |= G_GUINT64_CONSTANT (1) << f;
    }

  for (;;)
    {
      AnyRecord record;

      if (!_hy_import_csv_read_row (&csv, cells, &line, &eof, error))
        return FALSE;
      if (eof)
        break;
      if (cells->len != header->len)
        {
          const char *separator = csv.separator == ';'    ? _ ("semicolons")
                                  : csv.separator == '\t' ? _ ("tabs")
                                                          : _ ("commas");
          g_set_error (error, HY_IMPORT_ERROR, HY_IMPORT_ERROR_SYNTAX,
                       /* Translators: "Line 3 has 1 values, but the header has 4 columns
                        * separated by semicolons. …"; the last %s is "commas", "semicolons"
                        * or "tabs" */
                       _ ("Line %u has %u values, but the header has %u columns separated by %s. "
                          "Every line must use the header’s separator, and a value that "
                          "contains it must be in double quotes."),
                       line, cells->len, header->len, separator);
          return FALSE;
        }
      memset (&record, 0, sizeof record);
      for (guint f = 0; f < n_fields; f++)
        if (map.columns[f] >= 0)
          HY_FIELD_VALUE (&record, &fields[f]) = cells->pdata[map.columns[f]];
      if (map.foreign &&
          !_hy_import_map_fix_record (imp, kind, &map, &record, line, scratch, error))
        return FALSE;
      if (!_hy_import_record (imp, kind, &record, line, error))
        return FALSE;
      g_ptr_array_set_size (scratch, 0);
    }

  if (kind == HY_RECORD_KIND_GROUP && !_hy_import_check_groups (imp, error))
    return FALSE;
  return TRUE;
}

/* ---------------------------------------------------------------------------------------------
 * Entry points
 * ------------------------------------------------------------------------------------------- */
