/* hy-import.h: inventory import from JSON and CSV
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "store/hy-store.h"

G_BEGIN_DECLS

/* The inventory formats of DESIGN.md:
 *  - JSON: one object with any of the arrays "companies", "locations", "groups", "computers",
 *    "users", "policies", "alerts";
 *  - CSV: one kind per file, a header row naming the fields (id, name, company, location,
 *    group, parent, serial, os, ip, mac, last_seen, email, computer, policy, severity, summary,
 *    details, raised_at, cleared_at), RFC 4180 quoting, UTF-8 with or without a BOM; an empty
 *    cell is an absent value.
 *
 * An import is all-or-nothing, in one store transaction: the first bad record stops it with an
 * HY_IMPORT_ERROR naming the line (CSV) or the JSON path (computers[3].company) and the field,
 * and nothing is written. References may point to records already in the store or in the same
 * file. Records are matched by id: a re-import updates them and counts what changed. */

#define HY_IMPORT_ERROR (hy_import_error_quark ())

typedef enum
{
  HY_IMPORT_ERROR_FAILED,         /* reading the file failed */
  HY_IMPORT_ERROR_UNKNOWN_FORMAT, /* neither JSON nor CSV, or CSV without a kind */
  HY_IMPORT_ERROR_TOO_LARGE,      /* larger than the size limit */
  HY_IMPORT_ERROR_INVALID_UTF8,
  HY_IMPORT_ERROR_SYNTAX,             /* malformed JSON or CSV */
  HY_IMPORT_ERROR_MISSING_FIELD,      /* a required field is absent or empty */
  HY_IMPORT_ERROR_WRONG_TYPE,         /* e.g. a number where a string is expected, a bad date */
  HY_IMPORT_ERROR_DUPLICATE_ID,       /* the same id twice in the file */
  HY_IMPORT_ERROR_DANGLING_REFERENCE, /* a reference to a record neither in the store nor the file */
  HY_IMPORT_ERROR_CYCLE,              /* a group is its own ancestor */
  HY_IMPORT_ERROR_STORE,              /* the store failed (message from HyStore) */
  HY_IMPORT_ERROR_CANCELLED,
} HyImportError;

GQuark hy_import_error_quark (void);

/* What fixes an import error, when the front end has an option or a control for it (the
 * message says it in words any front end can show). */
typedef enum
{
  HY_IMPORT_FIX_NONE,
  HY_IMPORT_FIX_GIVE_KIND,       /* a CSV file whose name does not say its kind: give the kind */
  HY_IMPORT_FIX_KIND_COMPUTERS,  /* an XML inventory, given another kind: computers, or none */
  HY_IMPORT_FIX_MAP_COLUMN,      /* no column was recognised as a required field: map one */
  HY_IMPORT_FIX_PRUNE_FULL_LIST, /* retiring the missing computers, from a file that lists none */
} HyImportFix;

HyImportFix hy_import_error_get_fix (const GError *error);
const char *hy_import_error_get_field (const GError *error);

typedef enum
{
  HY_IMPORT_FORMAT_AUTO, /* JSON when the content is a JSON object, else CSV */
  HY_IMPORT_FORMAT_JSON,
  HY_IMPORT_FORMAT_CSV,
  HY_IMPORT_FORMAT_XML, /* FusionInventory / OCS inventory (one file, or a folder of them) */
} HyImportFormat;

/* 512 MiB. */
#define HY_IMPORT_DEFAULT_MAX_SIZE (G_GUINT64_CONSTANT (512) * 1024 * 1024)

#define HY_TYPE_IMPORT_RESULT (hy_import_result_get_type ())
G_DECLARE_FINAL_TYPE (HyImportResult, hy_import_result, HY, IMPORT_RESULT, GObject)

guint hy_import_result_get_added (HyImportResult *self, HyRecordKind kind);
guint hy_import_result_get_updated (HyImportResult *self, HyRecordKind kind);
guint hy_import_result_get_unchanged (HyImportResult *self, HyRecordKind kind);
/* Sums over every kind. */
guint hy_import_result_get_total_added (HyImportResult *self);
guint hy_import_result_get_total_updated (HyImportResult *self);
guint hy_import_result_get_total_unchanged (HyImportResult *self);
/* The CLI `import --json` document: {"added": {"companies": N, ...}, "updated": {...},
 * "unchanged": {...}}, every kind present. */
JsonNode *hy_import_result_to_json (HyImportResult *self);
/* Computers a --prune import retired, and retired computers the import brought back. */
guint hy_import_result_get_retired (HyImportResult *self);
guint hy_import_result_get_returned (HyImportResult *self);
/* A CSV import: the file's headers, and the field each one was read into (NULL: not imported);
 * both NULL for JSON and XML. */
const char *const *hy_import_result_get_headers (HyImportResult *self);
const char *const *hy_import_result_get_header_fields (HyImportResult *self);

/* Options; zero-initialise (HY_IMPORT_OPTIONS_INIT). */
typedef struct
{
  HyImportFormat format;
  gboolean has_kind; /* CSV: the kind of the file's records (without it: from the file
                       * name, e.g. computers.csv) */
  HyRecordKind kind;
  guint64 max_size; /* 0: HY_IMPORT_DEFAULT_MAX_SIZE */
  /* CSV: "field=Header,field=Header,…" (a header with a comma in double quotes); only these
   * columns are read. NULL: Halyard's own column names, else the headers of common RMM
   * exports are recognised. A company column that is not Halyard's own holds names: the
   * companies are matched by name or created. */
  const char *columns;
  /* The file lists every computer: the computers of the store missing from it are retired
   * (never deleted); a retired computer that is in an import is active again. */
  gboolean prune;
  /* XML: the company of the computers (an id already imported); NULL: the file's TAG. */
  const char *company_id;
} HyImportOptions;

#define HY_IMPORT_OPTIONS_INIT                                                 \
  {                                                                            \
    HY_IMPORT_FORMAT_AUTO, FALSE, HY_RECORD_KIND_COMPANY, 0, NULL, FALSE, NULL \
  }

/* Imports @file into @store (synchronously). @options NULL: defaults. */
HyImportResult *hy_import_file (HyStore *store,
                                GFile *file,
                                const HyImportOptions *options,
                                GCancellable *cancellable,
                                GError **error);
/* Imports from memory; @name (may be NULL) is the file name used to guess the CSV kind. */
HyImportResult *hy_import_bytes (HyStore *store,
                                 GBytes *bytes,
                                 const char *name,
                                 const HyImportOptions *options,
                                 GCancellable *cancellable,
                                 GError **error);

/* Runs hy_import_file () in a worker thread (the store's lock serialises other callers). */
void hy_import_file_async (HyStore *store,
                           GFile *file,
                           const HyImportOptions *options,
                           GCancellable *cancellable,
                           GAsyncReadyCallback callback,
                           gpointer user_data);
HyImportResult *hy_import_file_finish (GAsyncResult *result, GError **error);

/* ---- Preview: what an import of the file would read, without writing anything ------------- */

#define HY_TYPE_IMPORT_PREVIEW (hy_import_preview_get_type ())
G_DECLARE_FINAL_TYPE (HyImportPreview, hy_import_preview, HY, IMPORT_PREVIEW, GObject)

HyImportFormat hy_import_preview_get_format (HyImportPreview *self);
/* The kind of the records (CSV: from the options or the file name; XML: computers). */
HyRecordKind hy_import_preview_get_kind (HyImportPreview *self);
/* The columns: CSV headers (XML: the computer fields read from each inventory). */
guint hy_import_preview_get_n_columns (HyImportPreview *self);
const char *hy_import_preview_get_header (HyImportPreview *self, guint column);
/* The field the column is read into; NULL: not imported. */
const char *hy_import_preview_get_field (HyImportPreview *self, guint column);
/* The first rows of the file, each a NULL-terminated array of one value per column. */
guint hy_import_preview_get_n_rows (HyImportPreview *self);
const char *const *hy_import_preview_get_row (HyImportPreview *self, guint row);
/* The files read: the inventories of a folder (every one is checked, not only those shown),
 * else 1. */
guint hy_import_preview_get_n_sources (HyImportPreview *self);
/* The map as a "field=Header,…" text for HyImportOptions.columns (CSV only; NULL for XML). */
char *hy_import_preview_dup_columns (HyImportPreview *self);
/* The fields of @kind a column can be read into, in order ("id", "name", …). */
const char *const *hy_import_preview_list_fields (HyRecordKind kind);

/* Reads the first @max_rows rows of @file (a folder: its XML inventories) under the column map
 * of @options (columns, kind), in a worker thread. A file the import would refuse for its
 * header or map fails the same way; CSV rows are not checked (the import does that), but every
 * inventory of a folder is, as the import reads it (the file, line and element named). */
void hy_import_preview_async (GFile *file,
                              const HyImportOptions *options,
                              guint max_rows,
                              GCancellable *cancellable,
                              GAsyncReadyCallback callback,
                              gpointer user_data);
HyImportPreview *hy_import_preview_finish (GAsyncResult *result, GError **error);
/* The same, synchronously. */
HyImportPreview *hy_import_preview_file (GFile *file,
                                         const HyImportOptions *options,
                                         guint max_rows,
                                         GCancellable *cancellable,
                                         GError **error);

G_END_DECLS
