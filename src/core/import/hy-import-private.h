/* hy-import-private.h: what the import's parsers (JSON and CSV in hy-import.c, the column map
 * in hy-import-csv-map.c, FusionInventory/OCS XML in hy-import-xml.c) share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "import/hy-import.h"
#include "store/hy-record-fields.h"

G_BEGIN_DECLS

/* Any record, on the stack: the import fills its string fields with pointers into the parsed
 * document, never copies. */
typedef union
{
  HyCompany company;
  HyLocation location;
  HyGroup group;
  HyComputer computer;
  HyUser user;
  HyPolicy policy;
  HyAlert alert;
} HyImportAnyRecord;

typedef struct
{
  HyStore *store;
  HyImportResult *result;
  GCancellable *cancellable;
  const HyImportOptions *options;
  const char *name;                     /* the file's name, for messages */
  gboolean json;                        /* positions are JSON indexes, else CSV lines */
  GHashTable *ids[HY_N_RECORD_KINDS];   /* id in the file → position + 1 */
  GHashTable *known[HY_N_RECORD_KINDS]; /* ids found in the store */
  GHashTable *location_company;         /* location id → its company id */
  GHashTable *group_parent;             /* group id in the file → its parent */
  GPtrArray *group_order;               /* group ids in the file, in order (not owned) */
  GHashTable *company_names;            /* folded company name → its id (foreign files) */
  /* Per kind, the fields the source gives (bit i: field i); an existing record keeps the
   * others. G_MAXUINT64: every field. */
  guint64 field_mask[HY_N_RECORD_KINDS];
  guint n_records;
} HyImport;

/* "computers[3]" (JSON) or "Line 4" (CSV, XML). */
void _hy_import_set_error_fix (GError **error, HyImportFix fix, const char *field);
char *_hy_import_where (HyImport *imp, HyRecordKind kind, guint position);
/* Validates one record of the file and writes it. */
gboolean _hy_import_record (HyImport *imp,
                            HyRecordKind kind,
                            HyImportAnyRecord *record,
                            guint position,
                            GError **error);
/* Once every group of the file is written: parents exist and form no cycle. */
gboolean _hy_import_check_groups (HyImport *imp, GError **error);
/* Imports a JSON inventory (hy-import-json.c) into the open transaction. */
gboolean _hy_import_json (HyImport *imp, const char *data, gsize length, GError **error);
/* Imports a CSV inventory of @kind (hy-import-csv.c) into the open transaction. */
gboolean
_hy_import_csv (HyImport *imp, HyRecordKind kind, const char *data, gsize length, GError **error);

/* ---- CSV reading (hy-import.c) ----------------------------------------------------------- */

typedef struct
{
  const char *p;
  const char *end;
  guint line;
  char separator;
} HyImportCsv;

/* A comma, or a semicolon or tab when the header line uses more of them. */
char _hy_import_csv_guess_separator (const char *p, const char *end);
/* Reads one record into @cells (char *, owned). *out_eof at the end of the data; blank lines
 * are skipped. *out_line: the line the record starts on. */
gboolean _hy_import_csv_read_row (HyImportCsv *csv,
                                  GPtrArray *cells,
                                  guint *out_line,
                                  gboolean *out_eof,
                                  GError **error);

/* ---- The column map (hy-import-csv-map.c) ------------------------------------------------ */

#define HY_IMPORT_MAX_FIELDS 16

typedef struct
{
  int columns[HY_IMPORT_MAX_FIELDS]; /* field index → column of the file, -1: none */
  gboolean derive_id;                /* no id column: computers and companies derive theirs */
  gboolean company_by_name;          /* the company column holds names (a foreign export) */
  gboolean foreign;                  /* the header is not Halyard's own: dates are lenient */
} HyImportColumnMap;

/* Chooses the column of each field of @kind from @header (trimmed cells of the header line):
 * from @spec ("field=Header,…") when not NULL, else from Halyard's own names, else from the
 * headers of common RMM exports. Fails naming the header or field at fault. */
gboolean _hy_import_map_columns (const char *file_name,
                                 HyRecordKind kind,
                                 GPtrArray *header,
                                 const char *spec,
                                 guint header_line,
                                 HyImportColumnMap *map,
                                 GError **error);

/* After a row of a mapped file is read into @record: derives a missing id, resolves company
 * names (creating the companies that do not exist) and makes dates ISO 8601. Strings it makes
 * go to @scratch (freed by the caller after the row is written). */
gboolean _hy_import_map_fix_record (HyImport *imp,
                                    HyRecordKind kind,
                                    const HyImportColumnMap *map,
                                    HyImportAnyRecord *record,
                                    guint line,
                                    GPtrArray *scratch,
                                    GError **error);

/* The company id for @name (a name or an id): an existing company with that id, else the one
 * company with that name, else a company created with an id made from the name. */
const char *
_hy_import_company_for_name (HyImport *imp, const char *name, guint line, GError **error);

/* The fields' name folded for matching headers: lower case, letters and digits only. */
char *_hy_import_fold_header (const char *header);

/* "2026-11-20 10:00:00" (local time) or ISO 8601 → ISO 8601; NULL when it is neither. */
char *_hy_import_normalize_date (const char *text);

/* ---- Formats (hy-import.c) ---------------------------------------------------------------- */

/* A UTF-8 byte order mark is tolerated: *@data and *@length skip it. */
void _hy_import_skip_bom (const char **data, gsize *length);
/* The format of a file not given one, from its first character: JSON, XML or CSV. Fails when
 * there is nothing but blanks. */
gboolean _hy_import_sniff_format (const char *name,
                                  const char *data,
                                  gsize length,
                                  HyImportFormat *format,
                                  GError **error);

/* ---- Tasks (hy-import.c) ------------------------------------------------------------------ */

/* What an import's or a preview's thread reads: the file, and options that own their texts. */
typedef struct
{
  GFile *file;
  HyImportOptions options;
  guint max_rows; /* a preview's */
} HyImportTaskData;

/* @options NULL: defaults. */
HyImportTaskData *_hy_import_task_data_new (GFile *file, const HyImportOptions *options);
void _hy_import_task_data_free (HyImportTaskData *data);

/* ---- FusionInventory / OCS XML (hy-import-xml.c) ------------------------------------------ */

/* TRUE when @data looks like XML (after blanks, "<"). */
gboolean _hy_import_is_xml (const char *data, gsize length);
/* Imports one inventory document (imp->name is its file name). */
gboolean _hy_import_xml (HyImport *imp, const char *data, gsize length, GError **error);
/* The preview's columns for an inventory (field names), and one inventory's row of them.
 * @seen (ids, may be NULL): the computers of the folder's inventories read so far; one already
 * there is refused as the import refuses it, else its id is added. */
const char *const *_hy_import_xml_columns (void);
GStrv _hy_import_xml_preview (const char *data, gsize length, GHashTable *seen, GError **error);

G_END_DECLS
