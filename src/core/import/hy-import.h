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

typedef enum
{
  HY_IMPORT_FORMAT_AUTO, /* JSON when the content is a JSON object, else CSV */
  HY_IMPORT_FORMAT_JSON,
  HY_IMPORT_FORMAT_CSV,
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

/* Options; zero-initialise (HY_IMPORT_OPTIONS_INIT). */
typedef struct
{
  HyImportFormat format;
  gboolean has_kind; /* CSV: the kind of the file's records (without it: from the file
                       * name, e.g. computers.csv) */
  HyRecordKind kind;
  guint64 max_size; /* 0: HY_IMPORT_DEFAULT_MAX_SIZE */
} HyImportOptions;

#define HY_IMPORT_OPTIONS_INIT                              \
  {                                                         \
    HY_IMPORT_FORMAT_AUTO, FALSE, HY_RECORD_KIND_COMPANY, 0 \
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

G_END_DECLS
