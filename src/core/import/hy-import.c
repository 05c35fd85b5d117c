/* hy-import.c: inventory import: the checks and writes every format shares, and the entry points
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

/* ---------------------------------------------------------------------------------------------
 * The error domain: an extended one, whose errors also say what fixes them (HyImportFix)
 * ------------------------------------------------------------------------------------------- */

typedef struct
{
  HyImportFix fix;
  char *field; /* HY_IMPORT_FIX_MAP_COLUMN: the field no column was recognised as */
} ImportErrorPrivate;

/* Where GLib keeps an extended error's private data: before the GError, aligned as
 * G_DEFINE_EXTENDED_ERROR () does it (that macro would name the domain "HyImportError"). */
static ImportErrorPrivate *
import_error_private (const GError *error)
{
  const gsize align = 2 * sizeof (gsize);
  const gsize size = (sizeof (ImportErrorPrivate) + (align - 1)) & -align;

  return (ImportErrorPrivate *) (((guint8 *) error) - size);
}

static void
import_error_init (GError *error)
{
  ImportErrorPrivate *priv = import_error_private (error);

  priv->fix = HY_IMPORT_FIX_NONE;
  priv->field = NULL;
}

static void
import_error_copy (const GError *src, GError *dest)
{
  import_error_private (dest)->fix = import_error_private (src)->fix;
  import_error_private (dest)->field = g_strdup (import_error_private (src)->field);
}

static void
import_error_clear (GError *error)
{
  g_clear_pointer (&import_error_private (error)->field, g_free);
}

GQuark
hy_import_error_quark (void)
{
  static GQuark quark;
  static gsize registered = 0;

  if (g_once_init_enter (&registered))
    {
      quark =
          g_error_domain_register_static ("hy-import-error-quark", sizeof (ImportErrorPrivate),
                                          import_error_init, import_error_copy, import_error_clear);
      g_once_init_leave (&registered, 1);
    }
  return quark;
}

/**
 * hy_import_error_get_fix:
 * @error: an error of any domain
 *
 * Returns: what fixes @error, for a front end to name its own option or control;
 *   %HY_IMPORT_FIX_NONE for an error of another domain or one the message alone answers
 */
HyImportFix
hy_import_error_get_fix (const GError *error)
{
  if (error == NULL || error->domain != HY_IMPORT_ERROR)
    return HY_IMPORT_FIX_NONE;
  return import_error_private (error)->fix;
}

/**
 * hy_import_error_get_field:
 * @error: an error of any domain
 *
 * Returns: (nullable): for %HY_IMPORT_FIX_MAP_COLUMN, the field a column must be mapped to
 */
const char *
hy_import_error_get_field (const GError *error)
{
  if (error == NULL || error->domain != HY_IMPORT_ERROR)
    return NULL;
  return import_error_private (error)->field;
}

/* Says what fixes the HY_IMPORT_ERROR just set in @error, and the field it concerns (or NULL). */
void
_hy_import_set_error_fix (GError **error, HyImportFix fix, const char *field)
{
  ImportErrorPrivate *priv;

  if (error == NULL || *error == NULL || (*error)->domain != HY_IMPORT_ERROR)
    return;
  priv = import_error_private (*error);
  priv->fix = fix;
  g_free (priv->field);
  priv->field = g_strdup (field);
}


typedef HyImportAnyRecord AnyRecord;
typedef HyImport Import;

static void
import_init (Import *imp, HyStore *store, const char *name, GCancellable *cancellable)
{
  memset (imp, 0, sizeof *imp);
  imp->store = store;
  imp->name = name;
  imp->cancellable = cancellable;
  imp->result = _hy_import_result_new ();
  for (guint i = 0; i < HY_N_RECORD_KINDS; i++)
    {
      imp->ids[i] = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
      imp->known[i] = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
    }
  imp->location_company = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  imp->group_parent = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);
  imp->group_order = g_ptr_array_new ();
  imp->company_names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  for (guint i = 0; i < HY_N_RECORD_KINDS; i++)
    imp->field_mask[i] = G_MAXUINT64;
}

static void
import_clear (Import *imp)
{
  for (guint i = 0; i < HY_N_RECORD_KINDS; i++)
    {
      g_clear_pointer (&imp->ids[i], g_hash_table_unref);
      g_clear_pointer (&imp->known[i], g_hash_table_unref);
    }
  g_clear_pointer (&imp->location_company, g_hash_table_unref);
  g_clear_pointer (&imp->group_parent, g_hash_table_unref);
  g_clear_pointer (&imp->group_order, g_ptr_array_unref);
  g_clear_pointer (&imp->company_names, g_hash_table_unref);
  g_clear_object (&imp->result);
}

/* "computers[3]" (JSON) or "Line 4" (CSV). */
char *
_hy_import_where (Import *imp, HyRecordKind kind, guint position)
{
  if (imp->json)
    return g_strdup_printf ("%s[%u]", hy_record_kind_to_plural (kind), position);
  /* Translators: a line of a CSV file */
  return g_strdup_printf (_ ("Line %u"), position);
}

static gboolean
is_date (const char *text)
{
  g_autoptr (GTimeZone) utc = g_time_zone_new_utc ();
  g_autoptr (GDateTime) dt = g_date_time_new_from_iso8601 (text, utc);

  return dt != NULL;
}

static gboolean
ref_exists (Import *imp, HyRecordKind kind, const char *id, gboolean *out_exists, GError **error)
{
  if (g_hash_table_contains (imp->ids[kind], id) || g_hash_table_contains (imp->known[kind], id))
    {
      *out_exists = TRUE;
      return TRUE;
    }
  if (!hy_store_exists (imp->store, kind, id, out_exists, error))
    return FALSE;
  if (*out_exists)
    g_hash_table_add (imp->known[kind], g_strdup (id));
  return TRUE;
}

/* The company of a location that exists (in the file or the store). */
static const char *
location_company (Import *imp, const char *location_id, GError **error)
{
  const char *company = g_hash_table_lookup (imp->location_company, location_id);
  g_autoptr (HyLocation) location = NULL;

  if (company != NULL)
    return company;
  location = hy_store_get (imp->store, HY_RECORD_KIND_LOCATION, location_id, error);
  if (location == NULL)
    return NULL;
  g_hash_table_insert (imp->location_company, g_strdup (location_id),
                       g_strdup (location->company_id));
  return g_hash_table_lookup (imp->location_company, location_id);
}

static gboolean
store_failed (Import *imp, HyRecordKind kind, guint position, GError *store_error, GError **error)
{
  g_autofree char *here = _hy_import_where (imp, kind, position);

  g_set_error (error, HY_IMPORT_ERROR, HY_IMPORT_ERROR_STORE, "%s: %s", here, store_error->message);
  g_error_free (store_error);
  return FALSE;
}

/* Empties become absent; a required field must be there and a date must be a date */
static gboolean
check_fields (Import *imp, HyRecordKind kind, AnyRecord *record, guint position, GError **error)
{
  guint n_fields;
  const HyFieldInfo *fields = hy_record_kind_get_fields (kind, &n_fields);

  for (guint i = 0; i < n_fields; i++)
    {
      const HyFieldInfo *field = &fields[i];
      const char *value = HY_FIELD_VALUE (record, field);

      if (value != NULL && *value == '\0')
        {
          HY_FIELD_VALUE (record, field) = NULL;
          value = NULL;
        }

      if (value == NULL && field->required)
        {
          g_autofree char *here = _hy_import_where (imp, kind, position);
          g_set_error (error, HY_IMPORT_ERROR, HY_IMPORT_ERROR_MISSING_FIELD,
                       /* Translators: "computers[3]: the required field “name” is missing
                        * or empty." */
                       _ ("%s: the required field “%s” is missing or empty."), here, field->name);
          return FALSE;
        }
      if (value != NULL && field->type == HY_FIELD_DATE && !is_date (value))
        {
          g_autofree char *here = _hy_import_where (imp, kind, position);
          g_set_error (error, HY_IMPORT_ERROR, HY_IMPORT_ERROR_WRONG_TYPE,
                       _ ("%s: the field “%s” must be an ISO 8601 date and time such as "
                          "2026-11-20T10:00:00Z, not “%s”."),
                       here, field->name, value);
          return FALSE;
        }
    }

  return TRUE;
}

/* "the field … refers to the … “…”, which is neither in the file nor already imported": one
 * sentence per kind, which a kind's name glued into one sentence could not agree with. */
static void
dangling_reference (GError **error,
                    const char *here,
                    const char *field,
                    HyRecordKind ref_kind,
                    const char *value)
{
  switch (ref_kind)
    {
      case HY_RECORD_KIND_COMPANY:
        g_set_error (error, HY_IMPORT_ERROR, HY_IMPORT_ERROR_DANGLING_REFERENCE,
                     /* Translators: "computers[3]: the field “company” refers to the
                      * company “c9”, which is neither in the file nor already imported." */
                     _ ("%s: the field “%s” refers to the company “%s”, which is neither in the "
                        "file nor already imported."),
                     here, field, value);
        break;
      case HY_RECORD_KIND_LOCATION:
        g_set_error (error, HY_IMPORT_ERROR, HY_IMPORT_ERROR_DANGLING_REFERENCE,
                     _ ("%s: the field “%s” refers to the location “%s”, which is neither in the "
                        "file nor already imported."),
                     here, field, value);
        break;
      case HY_RECORD_KIND_GROUP:
        g_set_error (error, HY_IMPORT_ERROR, HY_IMPORT_ERROR_DANGLING_REFERENCE,
                     _ ("%s: the field “%s” refers to the group “%s”, which is neither in the "
                        "file nor already imported."),
                     here, field, value);
        break;
      case HY_RECORD_KIND_COMPUTER:
        g_set_error (error, HY_IMPORT_ERROR, HY_IMPORT_ERROR_DANGLING_REFERENCE,
                     _ ("%s: the field “%s” refers to the computer “%s”, which is neither in the "
                        "file nor already imported."),
                     here, field, value);
        break;
      case HY_RECORD_KIND_USER:
        g_set_error (error, HY_IMPORT_ERROR, HY_IMPORT_ERROR_DANGLING_REFERENCE,
                     _ ("%s: the field “%s” refers to the user “%s”, which is neither in the "
                        "file nor already imported."),
                     here, field, value);
        break;
      case HY_RECORD_KIND_POLICY:
        g_set_error (error, HY_IMPORT_ERROR, HY_IMPORT_ERROR_DANGLING_REFERENCE,
                     _ ("%s: the field “%s” refers to the policy “%s”, which is neither in the "
                        "file nor already imported."),
                     here, field, value);
        break;
      case HY_RECORD_KIND_ALERT:
      default:
        g_set_error (error, HY_IMPORT_ERROR, HY_IMPORT_ERROR_DANGLING_REFERENCE,
                     _ ("%s: the field “%s” refers to the alert “%s”, which is neither in the "
                        "file nor already imported."),
                     here, field, value);
        break;
    }
}

/* Every reference of the record is to a record of the file or of the store */
static gboolean
check_references (Import *imp, HyRecordKind kind, AnyRecord *record, guint position, GError **error)
{
  guint n_fields;
  const HyFieldInfo *fields = hy_record_kind_get_fields (kind, &n_fields);
  GError *local_error = NULL;

  for (guint i = 0; i < n_fields; i++)
    {
      const HyFieldInfo *field = &fields[i];
      const char *value = HY_FIELD_VALUE (record, field);
      gboolean exists = FALSE;

      /* A group's parent may come later in the file: checked when all groups are in. */
      if (value == NULL || field->type != HY_FIELD_REF || field->ref_kind == kind)
        continue;
      if (!ref_exists (imp, field->ref_kind, value, &exists, &local_error))
        return store_failed (imp, kind, position, local_error, error);
      if (!exists)
        {
          g_autofree char *here = _hy_import_where (imp, kind, position);

          dangling_reference (error, here, field->name, field->ref_kind, value);
          return FALSE;
        }
    }

  return TRUE;
}

/* What later records and checks need of a written one: its id and position, a location's
 * company, a group's parent and order */
static void
remember_record (Import *imp, HyRecordKind kind, AnyRecord *record, guint position, const char *id)
{
  g_hash_table_insert (imp->ids[kind], g_strdup (id), GUINT_TO_POINTER (position + 1));
  if (kind == HY_RECORD_KIND_LOCATION)
    g_hash_table_insert (imp->location_company, g_strdup (id),
                         g_strdup (record->location.company_id));
  if (kind == HY_RECORD_KIND_GROUP)
    {
      const char *key;

      g_hash_table_lookup_extended (imp->ids[kind], id, (gpointer *) &key, NULL);
      g_hash_table_insert (imp->group_parent, (gpointer) key, g_strdup (record->group.parent_id));
      g_ptr_array_add (imp->group_order, (gpointer) key);
    }
}

/* Validates one record of the file and writes it. */
gboolean
_hy_import_record (Import *imp,
                   HyRecordKind kind,
                   AnyRecord *record,
                   guint position,
                   GError **error)
{
  guint n_fields;
  const HyFieldInfo *fields = hy_record_kind_get_fields (kind, &n_fields);
  GError *local_error = NULL;
  HyStoreChange change;
  gpointer previous;
  const char *id;

  if (++imp->n_records % 1024 == 0 && g_cancellable_is_cancelled (imp->cancellable))
    {
      g_set_error (error, HY_IMPORT_ERROR, HY_IMPORT_ERROR_CANCELLED,
                   _ ("The import was cancelled; nothing was imported."));
      return FALSE;
    }

  if (!check_fields (imp, kind, record, position, error))
    return FALSE;

  id = HY_FIELD_VALUE (record, &fields[0]);
  previous = g_hash_table_lookup (imp->ids[kind], id);
  if (previous != NULL)
    {
      g_autofree char *here = _hy_import_where (imp, kind, position);
      g_autofree char *first = _hy_import_where (imp, kind, GPOINTER_TO_UINT (previous) - 1);
      g_set_error (error, HY_IMPORT_ERROR, HY_IMPORT_ERROR_DUPLICATE_ID,
                   /* Translators: "Line 9: the id “pc1” is already used by Line 4 of the
                    * file." */
                   _ ("%s: the id “%s” is already used by %s of the file; ids must be unique."),
                   here, id, first);
      return FALSE;
    }

  if (!check_references (imp, kind, record, position, error))
    return FALSE;

  if (kind == HY_RECORD_KIND_COMPUTER && record->computer.company_id != NULL &&
      record->computer.location_id != NULL)
    {
      const char *company = location_company (imp, record->computer.location_id, &local_error);

      if (company == NULL)
        return store_failed (imp, kind, position, local_error, error);
      if (g_strcmp0 (company, record->computer.company_id) != 0)
        {
          g_autofree char *here = _hy_import_where (imp, kind, position);
          g_set_error (error, HY_IMPORT_ERROR, HY_IMPORT_ERROR_DANGLING_REFERENCE,
                       _ ("%s: the location “%s” belongs to the company “%s”, not to “%s”."), here,
                       record->computer.location_id, company, record->computer.company_id);
          return FALSE;
        }
    }

  if (!hy_store_upsert_fields (imp->store, kind, record, imp->field_mask[kind], &change,
                               &local_error))
    return store_failed (imp, kind, position, local_error, error);
  _hy_import_result_count (imp->result, kind, change);

  remember_record (imp, kind, record, position, id);
  return TRUE;
}

/* Once every group of the file is written: parents exist and form no cycle. */
gboolean
_hy_import_check_groups (Import *imp, GError **error)
{
  g_autoptr (GHashTable) parents = NULL;
  g_autoptr (GPtrArray) all = NULL;
  GError *local_error = NULL;

  if (imp->group_order->len == 0)
    return TRUE;

  for (guint i = 0; i < imp->group_order->len; i++)
    {
      const char *id = imp->group_order->pdata[i];
      const char *parent = g_hash_table_lookup (imp->group_parent, id);
      gboolean exists = FALSE;

      if (parent == NULL)
        continue;
      if (!ref_exists (imp, HY_RECORD_KIND_GROUP, parent, &exists, &local_error))
        return store_failed (imp, HY_RECORD_KIND_GROUP,
                             GPOINTER_TO_UINT (
                                 g_hash_table_lookup (imp->ids[HY_RECORD_KIND_GROUP], id)) -
                                 1,
                             local_error, error);
      if (!exists)
        {
          guint position =
              GPOINTER_TO_UINT (g_hash_table_lookup (imp->ids[HY_RECORD_KIND_GROUP], id)) - 1;
          g_autofree char *here = _hy_import_where (imp, HY_RECORD_KIND_GROUP, position);
          dangling_reference (error, here, "parent", HY_RECORD_KIND_GROUP, parent);
          return FALSE;
        }
    }

  /* Cycles, over the groups of the file and of the store together. */
  all = hy_store_list (imp->store, HY_RECORD_KIND_GROUP, NULL, &local_error);
  if (all == NULL)
    return store_failed (imp, HY_RECORD_KIND_GROUP, 0, local_error, error);
  parents = g_hash_table_new (g_str_hash, g_str_equal);
  for (guint i = 0; i < all->len; i++)
    {
      HyGroup *group = all->pdata[i];
      g_hash_table_insert (parents, group->id, group->parent_id);
    }

  for (guint i = 0; i < imp->group_order->len; i++)
    {
      const char *start = imp->group_order->pdata[i];
      const char *cursor = g_hash_table_lookup (parents, start);
      guint steps = 0;

      while (cursor != NULL && steps <= all->len)
        {
          if (g_str_equal (cursor, start))
            {
              guint position =
                  GPOINTER_TO_UINT (g_hash_table_lookup (imp->ids[HY_RECORD_KIND_GROUP], start)) -
                  1;
              g_autofree char *here = _hy_import_where (imp, HY_RECORD_KIND_GROUP, position);
              g_set_error (error, HY_IMPORT_ERROR, HY_IMPORT_ERROR_CYCLE,
                           _ ("%s: the group “%s” would be its own ancestor: its “parent” "
                              "fields form a cycle."),
                           here, start);
              return FALSE;
            }
          cursor = g_hash_table_lookup (parents, cursor);
          steps++;
        }
    }
  return TRUE;
}

/* ---------------------------------------------------------------------------------------------
 * JSON, streamed: a first pass checks the whole document's syntax and notes where each kind's
 * array starts; then each kind is read record by record, in dependency order, straight from the
 * (mapped) file. Nothing but the current record is held in memory.
 * ------------------------------------------------------------------------------------------- */

static gboolean
kind_from_file_name (const char *name, HyRecordKind *out_kind)
{
  g_autofree char *base = NULL;
  g_autofree char *lower = NULL;

  if (name == NULL)
    return FALSE;
  base = g_path_get_basename (name);
  lower = g_ascii_strdown (base, -1);
  for (guint kind = 0; kind < HY_N_RECORD_KINDS; kind++)
    {
      const char *plural = hy_record_kind_to_plural (kind);
      const char *singular = hy_record_kind_to_string (kind);
      gsize n = strlen (plural);

      if (g_str_has_prefix (lower, plural) && !g_ascii_isalpha (lower[n]))
        {
          *out_kind = kind;
          return TRUE;
        }
      n = strlen (singular);
      if (g_str_has_prefix (lower, singular) && !g_ascii_isalpha (lower[n]))
        {
          *out_kind = kind;
          return TRUE;
        }
    }
  return FALSE;
}

static gboolean
check_size (const char *name, guint64 size, const HyImportOptions *options, GError **error)
{
  guint64 max = options->max_size > 0 ? options->max_size : HY_IMPORT_DEFAULT_MAX_SIZE;
  g_autofree char *size_text = NULL;
  g_autofree char *max_text = NULL;

  if (size <= max)
    return TRUE;
  size_text = g_format_size (size);
  max_text = g_format_size (max);
  g_set_error (error, HY_IMPORT_ERROR, HY_IMPORT_ERROR_TOO_LARGE,
               /* Translators: "computers.json is 1.2 GB, more than the 536.9 MB Halyard
                * imports at once. ..." */
               _ ("%s is %s, more than the %s Halyard imports at once. Split it into smaller "
                  "files and import them one after the other."),
               name, size_text, max_text);
  return FALSE;
}

/* The text of a file: UTF-8 (a byte order mark is skipped), not binary */
static gboolean
check_encoding (const char *name, const char **data, gsize *length, GError **error)
{
  const char *invalid = NULL;

  _hy_import_skip_bom (data, length);

  if (memchr (*data, '\0', *length) != NULL)
    {
      g_set_error (error, HY_IMPORT_ERROR, HY_IMPORT_ERROR_UNKNOWN_FORMAT,
                   _ ("%s is neither JSON nor CSV: it contains binary data. Export the inventory "
                      "as JSON or CSV (UTF-8) and import that file."),
                   name);
      return FALSE;
    }

  if (!g_utf8_validate_len (*data, *length, &invalid))
    {
      guint line = 1;
      const char *line_start = *data;

      for (const char *p = *data; p < invalid; p++)
        if (*p == '\n')
          {
            line++;
            line_start = p + 1;
          }
      g_set_error (error, HY_IMPORT_ERROR, HY_IMPORT_ERROR_INVALID_UTF8,
                   _ ("%s is not valid UTF-8 (line %u, column %u). Save it with the UTF-8 "
                      "encoding and import it again."),
                   name, line, (guint) (invalid - line_start) + 1);
      return FALSE;
    }

  return TRUE;
}

/* A UTF-8 byte order mark is tolerated: *@data and *@length skip it. */
void
_hy_import_skip_bom (const char **data, gsize *length)
{
  if (*length >= 3 && memcmp (*data, "\xEF\xBB\xBF", 3) == 0)
    {
      *data += 3;
      *length -= 3;
    }
}

gboolean
_hy_import_sniff_format (const char *name,
                         const char *data,
                         gsize length,
                         HyImportFormat *format,
                         GError **error)
{
  const char *p = data;

  while (p < data + length && g_ascii_isspace (*p))
    p++;
  if (p == data + length)
    {
      g_set_error (error, HY_IMPORT_ERROR, HY_IMPORT_ERROR_UNKNOWN_FORMAT, _ ("%s is empty."),
                   name);
      return FALSE;
    }
  if (*p == '{' || *p == '[')
    *format = HY_IMPORT_FORMAT_JSON;
  else if (*p == '<')
    *format = HY_IMPORT_FORMAT_XML;
  else
    *format = HY_IMPORT_FORMAT_CSV;
  return TRUE;
}

/* Checks the content of one file and finds its format (and CSV kind); *data and *length skip a
 * byte order mark. */
static gboolean
check_content (const char *name,
               const char *file_name,
               const char **data,
               gsize *length,
               const HyImportOptions *options,
               HyImportFormat *out_format,
               HyRecordKind *out_kind,
               GError **error)
{
  HyImportFormat format = options->format;

  if (!check_size (name, *length, options, error))
    return FALSE;

  if (!check_encoding (name, data, length, error))
    return FALSE;

  if (format == HY_IMPORT_FORMAT_AUTO &&
      !_hy_import_sniff_format (name, *data, *length, &format, error))
    return FALSE;

  if (format == HY_IMPORT_FORMAT_CSV && !options->has_kind &&
      !kind_from_file_name (file_name, out_kind))
    {
      g_set_error (error, HY_IMPORT_ERROR, HY_IMPORT_ERROR_UNKNOWN_FORMAT,
                   _ ("%s is not JSON, and as a CSV file its kind of records is unknown. Name "
                      "the file after the kind (for example computers.csv) or give its kind."),
                   name);
      _hy_import_set_error_fix (error, HY_IMPORT_FIX_GIVE_KIND, NULL);
      return FALSE;
    }
  if (format == HY_IMPORT_FORMAT_CSV && options->has_kind)
    *out_kind = options->kind;
  if (format == HY_IMPORT_FORMAT_XML && options->has_kind &&
      options->kind != HY_RECORD_KIND_COMPUTER)
    {
      g_set_error (error, HY_IMPORT_ERROR, HY_IMPORT_ERROR_UNKNOWN_FORMAT,
                   _ ("%s is an XML inventory, which holds computers only: import it as "
                      "computers."),
                   name);
      _hy_import_set_error_fix (error, HY_IMPORT_FIX_KIND_COMPUTERS, NULL);
      return FALSE;
    }
  if (format != HY_IMPORT_FORMAT_CSV && options->columns != NULL)
    {
      g_set_error (error, HY_IMPORT_ERROR, HY_IMPORT_ERROR_UNKNOWN_FORMAT,
                   _ ("%s is not a CSV file: a column map applies to CSV files only. Import it "
                      "without one."),
                   name);
      return FALSE;
    }
  if (format == HY_IMPORT_FORMAT_XML)
    *out_kind = HY_RECORD_KIND_COMPUTER;
  *out_format = format;
  return TRUE;
}

/* Imports one file's content into the open transaction. */
static gboolean
import_content (Import *imp, const char *file_name, const char *data, gsize length, GError **error)
{
  HyImportFormat format = HY_IMPORT_FORMAT_AUTO;
  HyRecordKind kind = imp->options->kind;
  gboolean ok;

  if (!check_content (imp->name, file_name, &data, &length, imp->options, &format, &kind, error))
    return FALSE;

  if (format == HY_IMPORT_FORMAT_JSON)
    return _hy_import_json (imp, data, length, error);

  if (format == HY_IMPORT_FORMAT_XML)
    ok = _hy_import_xml (imp, data, length, error);
  else
    ok = _hy_import_csv (imp, kind, data, length, error);
  /* Line-based messages name the file. */
  if (!ok && error != NULL && *error != NULL && strstr ((*error)->message, imp->name) == NULL)
    g_prefix_error (error, "%s: ", imp->name);
  return ok;
}

/* After every record is in: retires what a pruning import lacks and brings back what returns. */
static gboolean
import_finish (Import *imp, GError **error)
{
  g_autoptr (GError) local_error = NULL;
  guint retired = 0, returned = 0;

  if (imp->options->prune && g_hash_table_size (imp->ids[HY_RECORD_KIND_COMPUTER]) == 0)
    {
      g_set_error (error, HY_IMPORT_ERROR, HY_IMPORT_ERROR_MISSING_FIELD,
                   _ ("%s lists no computers, so retiring the computers missing from it would "
                      "retire every computer. Retire them only with a file that lists all of "
                      "them."),
                   imp->name);
      _hy_import_set_error_fix (error, HY_IMPORT_FIX_PRUNE_FULL_LIST, NULL);
      return FALSE;
    }
  if (g_hash_table_size (imp->ids[HY_RECORD_KIND_COMPUTER]) == 0)
    return TRUE;
  if (!hy_store_update_retired (imp->store, imp->ids[HY_RECORD_KIND_COMPUTER], imp->options->prune,
                                &retired, &returned, &local_error))
    {
      g_set_error (error, HY_IMPORT_ERROR, HY_IMPORT_ERROR_STORE, "%s", local_error->message);
      return FALSE;
    }
  _hy_import_result_set_retired (imp->result, retired, returned);
  return TRUE;
}

typedef struct
{
  char *name;  /* for messages (the base name) */
  char *path;  /* NULL: bytes given, or a file without a path */
  GFile *file; /* NULL: bytes given */
  const char *data;
  gsize length;
  GMappedFile *mapped;
  GBytes *bytes;
} Source;

static void
source_unload (Source *source)
{
  g_clear_pointer (&source->mapped, g_mapped_file_unref);
  if (source->file != NULL)
    {
      g_clear_pointer (&source->bytes, g_bytes_unref);
      source->data = NULL;
      source->length = 0;
    }
}

static void
source_clear (Source *source)
{
  source_unload (source);
  g_clear_pointer (&source->bytes, g_bytes_unref);
  g_clear_object (&source->file);
  g_free (source->name);
  g_free (source->path);
}

/* Reads (maps) the source's content, refusing a file over the size limit before reading it. */
static gboolean
source_load (Source *source,
             const HyImportOptions *options,
             GCancellable *cancellable,
             GError **error)
{
  g_autoptr (GFileInfo) info = NULL;
  g_autoptr (GError) local_error = NULL;

  if (source->file == NULL)
    return TRUE;

  info = g_file_query_info (source->file, G_FILE_ATTRIBUTE_STANDARD_SIZE, G_FILE_QUERY_INFO_NONE,
                            cancellable, &local_error);
  if (info == NULL)
    {
      g_set_error (error, HY_IMPORT_ERROR, HY_IMPORT_ERROR_FAILED, _ ("Cannot read %s: %s"),
                   source->name, local_error->message);
      return FALSE;
    }
  if (!check_size (source->name, g_file_info_get_size (info), options, error))
    return FALSE;

  if (source->path != NULL)
    {
      source->mapped = g_mapped_file_new (source->path, FALSE, &local_error);
      if (source->mapped == NULL)
        {
          g_set_error (error, HY_IMPORT_ERROR, HY_IMPORT_ERROR_FAILED, _ ("Cannot read %s: %s"),
                       source->name, local_error->message);
          return FALSE;
        }
      source->data = g_mapped_file_get_contents (source->mapped);
      source->length = g_mapped_file_get_length (source->mapped);
    }
  else
    {
      source->bytes = g_file_load_bytes (source->file, cancellable, NULL, &local_error);
      if (source->bytes == NULL)
        {
          g_set_error (error, HY_IMPORT_ERROR, HY_IMPORT_ERROR_FAILED, _ ("Cannot read %s: %s"),
                       source->name, local_error->message);
          return FALSE;
        }
      source->data = g_bytes_get_data (source->bytes, &source->length);
    }
  if (source->data == NULL)
    source->data = "";
  return TRUE;
}

static int
source_compare (const Source *a, const Source *b)
{
  return strcmp (a->name, b->name);
}

static gboolean
is_inventory_file_name (const char *name)
{
  g_autofree char *lower = g_ascii_strdown (name, -1);

  return g_str_has_suffix (lower, ".xml") || g_str_has_suffix (lower, ".ocs");
}

/* The inventory XML files of @folder, sorted by name; fails when there are none. */
static GArray *
list_folder (GFile *folder, GCancellable *cancellable, GError **error)
{
  g_autoptr (GFileEnumerator) children = NULL;
  g_autoptr (GError) local_error = NULL;
  g_autoptr (GArray) sources = g_array_new (FALSE, TRUE, sizeof (Source));
  g_autofree char *folder_name = g_file_get_basename (folder);
  GFileInfo *info;

  g_array_set_clear_func (sources, (GDestroyNotify) source_clear);
  children =
      g_file_enumerate_children (folder,
                                 G_FILE_ATTRIBUTE_STANDARD_NAME "," G_FILE_ATTRIBUTE_STANDARD_TYPE,
                                 G_FILE_QUERY_INFO_NONE, cancellable, &local_error);
  if (children == NULL)
    {
      g_set_error (error, HY_IMPORT_ERROR, HY_IMPORT_ERROR_FAILED, _ ("Cannot read %s: %s"),
                   folder_name, local_error->message);
      return NULL;
    }
  while ((info = g_file_enumerator_next_file (children, cancellable, &local_error)) != NULL)
    {
      g_autoptr (GFileInfo) owned = info;
      const char *name = g_file_info_get_name (info);
      Source source = { 0 };

      if (g_file_info_get_file_type (info) != G_FILE_TYPE_REGULAR || !is_inventory_file_name (name))
        continue;
      source.file = g_file_get_child (folder, name);
      source.path = g_file_get_path (source.file);
      source.name = g_strdup (name);
      g_array_append_val (sources, source);
    }
  if (local_error != NULL)
    {
      g_set_error (error, HY_IMPORT_ERROR, HY_IMPORT_ERROR_FAILED, _ ("Cannot read %s: %s"),
                   folder_name, local_error->message);
      return NULL;
    }
  if (sources->len == 0)
    {
      g_set_error (error, HY_IMPORT_ERROR, HY_IMPORT_ERROR_UNKNOWN_FORMAT,
                   _ ("%s is a folder without inventory files (*.xml, *.ocs). Choose a JSON or "
                      "CSV file, or a folder of FusionInventory or OCS inventories."),
                   folder_name);
      return NULL;
    }
  g_array_sort (sources, (GCompareFunc) source_compare);
  return g_steal_pointer (&sources);
}

/* Runs the import of @sources (their contents read) in one transaction. */
static HyImportResult *
import_sources (HyStore *store,
                Source *sources,
                guint n_sources,
                const HyImportOptions *options,
                GCancellable *cancellable,
                GError **error)
{
  g_autoptr (GError) local_error = NULL;
  HyImportResult *result = NULL;
  Import imp;
  gboolean ok = TRUE;

  import_init (&imp, store, sources[0].name, cancellable);
  imp.options = options;
  if (!hy_store_begin (store, &local_error))
    {
      import_clear (&imp);
      g_set_error (error, HY_IMPORT_ERROR, HY_IMPORT_ERROR_STORE, "%s", local_error->message);
      return NULL;
    }

  for (guint i = 0; i < n_sources && ok; i++)
    {
      imp.name = sources[i].name;
      ok = source_load (&sources[i], options, cancellable, error) &&
           import_content (&imp, sources[i].name, sources[i].data, sources[i].length, error);
      source_unload (&sources[i]);
    }
  if (ok)
    {
      imp.name = n_sources == 1 ? sources[0].name : imp.name;
      ok = import_finish (&imp, error);
    }

  if (!ok)
    hy_store_rollback (store);
  else if (!hy_store_commit (store, &local_error))
    {
      g_set_error (error, HY_IMPORT_ERROR, HY_IMPORT_ERROR_STORE,
                   _ ("Saving the import failed, so nothing was imported: %s"),
                   local_error->message);
      ok = FALSE;
    }

  if (ok)
    result = g_steal_pointer (&imp.result);
  import_clear (&imp);
  return result;
}

HyImportResult *
hy_import_bytes (HyStore *store,
                 GBytes *bytes,
                 const char *name,
                 const HyImportOptions *options,
                 GCancellable *cancellable,
                 GError **error)
{
  HyImportOptions defaults = HY_IMPORT_OPTIONS_INIT;
  Source source = { 0 };
  HyImportResult *result;

  g_return_val_if_fail (HY_IS_STORE (store), NULL);
  g_return_val_if_fail (bytes != NULL, NULL);

  source.name = name ? g_path_get_basename (name) : g_strdup (_ ("The file"));
  source.bytes = g_bytes_ref (bytes);
  source.data = g_bytes_get_data (bytes, &source.length);
  if (source.data == NULL)
    source.data = "";
  result = import_sources (store, &source, 1, options ? options : &defaults, cancellable, error);
  source_clear (&source);
  return result;
}

HyImportResult *
hy_import_file (HyStore *store,
                GFile *file,
                const HyImportOptions *options,
                GCancellable *cancellable,
                GError **error)
{
  HyImportOptions defaults = HY_IMPORT_OPTIONS_INIT;
  g_autoptr (GFileInfo) info = NULL;
  g_autoptr (GError) local_error = NULL;
  g_autofree char *basename = NULL;

  g_return_val_if_fail (HY_IS_STORE (store), NULL);
  g_return_val_if_fail (G_IS_FILE (file), NULL);

  if (options == NULL)
    options = &defaults;
  basename = g_file_get_basename (file);

  info = g_file_query_info (file, G_FILE_ATTRIBUTE_STANDARD_TYPE, G_FILE_QUERY_INFO_NONE,
                            cancellable, &local_error);
  if (info == NULL)
    {
      g_set_error (error, HY_IMPORT_ERROR, HY_IMPORT_ERROR_FAILED, _ ("Cannot read %s: %s"),
                   basename, local_error->message);
      return NULL;
    }
  if (g_file_info_get_file_type (info) == G_FILE_TYPE_DIRECTORY)
    {
      g_autoptr (GArray) sources = NULL;

      if (options->format != HY_IMPORT_FORMAT_AUTO && options->format != HY_IMPORT_FORMAT_XML)
        {
          g_set_error (error, HY_IMPORT_ERROR, HY_IMPORT_ERROR_FAILED,
                       _ ("%s is a folder; choose a JSON or CSV file."), basename);
          return NULL;
        }
      sources = list_folder (file, cancellable, error);
      if (sources == NULL)
        return NULL;
      {
        HyImportOptions xml = *options;

        xml.format = HY_IMPORT_FORMAT_XML;
        return import_sources (store, (Source *) (gpointer) sources->data, sources->len, &xml,
                               cancellable, error);
      }
    }

  {
    Source source = { 0 };
    HyImportResult *result;

    source.file = g_object_ref (file);
    source.path = g_file_get_path (file);
    source.name = g_steal_pointer (&basename);
    result = import_sources (store, &source, 1, options, cancellable, error);
    source_clear (&source);
    return result;
  }
}

HyImportTaskData *
_hy_import_task_data_new (GFile *file, const HyImportOptions *options)
{
  HyImportTaskData *data = g_new0 (HyImportTaskData, 1);

  data->file = g_object_ref (file);
  data->options = options != NULL ? *options : (HyImportOptions) HY_IMPORT_OPTIONS_INIT;
  data->options.columns = g_strdup (data->options.columns);
  data->options.company_id = g_strdup (data->options.company_id);
  return data;
}

void
_hy_import_task_data_free (HyImportTaskData *data)
{
  g_object_unref (data->file);
  g_free ((char *) data->options.columns);
  g_free ((char *) data->options.company_id);
  g_free (data);
}

static void
import_thread (GTask *task, gpointer source_object, gpointer task_data, GCancellable *cancellable)
{
  HyImportTaskData *data = task_data;
  GError *error = NULL;
  HyImportResult *result;

  result =
      hy_import_file (HY_STORE (source_object), data->file, &data->options, cancellable, &error);
  if (result == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, result, g_object_unref);
}

void
hy_import_file_async (HyStore *store,
                      GFile *file,
                      const HyImportOptions *options,
                      GCancellable *cancellable,
                      GAsyncReadyCallback callback,
                      gpointer user_data)
{
  g_autoptr (GTask) task = NULL;

  g_return_if_fail (HY_IS_STORE (store));
  g_return_if_fail (G_IS_FILE (file));

  task = g_task_new (store, cancellable, callback, user_data);
  g_task_set_source_tag (task, hy_import_file_async);
  g_task_set_task_data (task, _hy_import_task_data_new (file, options),
                        (GDestroyNotify) _hy_import_task_data_free);
  g_task_run_in_thread (task, import_thread);
}

HyImportResult *
hy_import_file_finish (GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (G_IS_TASK (result), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == hy_import_file_async, NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
