/* hy-store-private.h: shared by the store's own files (hy-store*.c) and its tests
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <sqlite3.h>

#include "store/hy-record-fields.h"
#include "store/hy-store.h"

G_BEGIN_DECLS

/* PRAGMA application_id of a Halyard database ("HYRD"). */
#define HY_STORE_APPLICATION_ID 0x48595244

/* How many migration steps this build knows (== hy_store_get_schema_version ()). */
guint _hy_store_get_n_migrations (void);

/* Creates or opens @path and migrates it only up to @version (0 ..
 * hy_store_get_schema_version ()): the migration tests build every earlier version this way. */
HyStore *_hy_store_open_at_version (const char *path, guint version, GError **error);

/* The SQLite connection (a sqlite3 *), for tests that simulate a full or read-only disk with
 * PRAGMA max_page_count / query_only. */
gpointer _hy_store_get_handle (HyStore *self);

/* For the store's own modules (hy-store-notify.c, hy-store-lease.c): the connection's lock
 * (the one every store call takes). try_lock fails while another thread holds it. */
void _hy_store_lock (HyStore *self);
gboolean _hy_store_try_lock (HyStore *self);
void _hy_store_unlock (HyStore *self);

/* hy-store-notify.c: watching commits, this process's and the others' */
typedef struct _HyStoreNotify HyStoreNotify;
HyStoreNotify *_hy_store_notify_new (HyStore *store, gpointer db);
void _hy_store_notify_free (HyStoreNotify *notify);
void _hy_store_notify_class_init (GObjectClass *object_class);
HyStoreNotify *_hy_store_get_notify (HyStore *self);
/* Sets @error (HY_STORE_ERROR) from the SQLite result code @rc and the connection's message:
 * what every store call says when SQLite fails. */
void _hy_store_set_sqlite_error (HyStore *self, GError **error, int rc);

/* ---------------------------------------------------------------------------------------------
 * The store's object, shared by the files it is split over: hy-store.c (opening, errors,
 * statements, transactions), hy-store-schema.c, hy-store-inventory.c, hy-store-alerts.c,
 * hy-store-links.c, hy-store-cache.c, hy-store-sync-state.c, hy-store-outbox.c,
 * hy-store-events.c and hy-store-profile.c.
 * ------------------------------------------------------------------------------------------- */

struct _HyStore
{
  GObject parent_instance;

  char *path;
  sqlite3 *db;
  GHashTable *statements; /* SQL text → sqlite3_stmt * (prepared once, reset after use) */
  GRecMutex lock;         /* one caller at a time; held through a transaction */
  guint depth;            /* transaction nesting */

  /* Per-kind SQL built once (the statements themselves are cached by text). */
  char *insert_sql[HY_N_RECORD_KINDS];
  char *update_sql[HY_N_RECORD_KINDS];
  char *exists_sql[HY_N_RECORD_KINDS];
  /* Upserts of some fields only: "kind:mask" → the INSERT and UPDATE texts (a GStrv) */
  GHashTable *partial_upserts;

  HyStoreNotify *notify; /* the "changed" signal (hy-store-notify.c) */
};

/* Every store call holds the connection's lock until it returns. */
#define HY_STORE_LOCK(self) \
  g_autoptr (GRecMutexLocker) G_PASTE (locker_, __LINE__) = g_rec_mutex_locker_new (&(self)->lock)

/* Errors (hy-store.c) */
gboolean _hy_store_not_found (GError **error, const char *id);
gboolean _hy_store_record_not_found (GError **error, HyRecordKind kind, const char *id);

/* Statements (hy-store.c): prepared once per SQL text, reset when their g_autoptr goes. */
typedef sqlite3_stmt HyStmt;
void _hy_store_stmt_release (HyStmt *stmt);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HyStmt, _hy_store_stmt_release)

/* Makes a new struct of the current row. */
typedef gpointer (*HyRowReadFunc) (HyStmt *stmt);

HyStmt *_hy_store_prepare (HyStore *self, const char *sql, GError **error);
/* SQLITE_ROW or SQLITE_DONE, or -1 with @error set. */
int _hy_store_step (HyStore *self, HyStmt *stmt, GError **error);
gboolean _hy_store_step_done (HyStore *self, HyStmt *stmt, GError **error);
/* Steps @stmt through all its rows, adding each one made by @read to @rows. */
gboolean _hy_store_append_rows (HyStore *self,
                                HyStmt *stmt,
                                HyRowReadFunc read,
                                GPtrArray *rows,
                                GError **error);
/* The first row of @stmt made by @read. NULL when the step failed (@error set) or when there is
 * no row: then *@out_missing is TRUE, and the caller says what is missing. */
gpointer _hy_store_read_row (HyStore *self,
                             HyStmt *stmt,
                             HyRowReadFunc read,
                             gboolean *out_missing,
                             GError **error);
/* Every row of @stmt made by @read, in an array that frees them with @free_func; NULL on
 * error. */
GPtrArray *_hy_store_read_rows (HyStore *self,
                                HyStmt *stmt,
                                HyRowReadFunc read,
                                GDestroyNotify free_func,
                                GError **error);
gboolean _hy_store_exec (HyStore *self, const char *sql, GError **error);
gboolean _hy_store_query_int (HyStore *self, const char *sql, gint64 *out_value, GError **error);
/* The text in the first column of @sql's first row, its ?1 bound to @key; *@out_value is NULL
 * when there is no row. */
gboolean _hy_store_query_text (HyStore *self,
                               const char *sql,
                               const char *key,
                               char **out_value,
                               GError **error);
void _hy_store_bind_text (HyStmt *stmt, int index, const char *text);
void _hy_store_bind_named_text (HyStmt *stmt, const char *name, const char *text);
void _hy_store_bind_named_int (HyStmt *stmt, const char *name, gint64 value);
/* A non-zero id, or NULL. */
void _hy_store_bind_id (HyStmt *stmt, int index, gint64 id);
char *_hy_store_column_dup (HyStmt *stmt, int column);
/* Case- and normalisation-insensitive key for names: what "search" and "same name" compare. */
char *_hy_store_fold (const char *text);

/* Schema (hy-store-schema.c): runs the migration steps from schema version @from to @to. */
gboolean _hy_store_migrate (HyStore *self, guint from, guint to, GError **error);

/* Inventory (hy-store-inventory.c), for the links */
const HyFieldInfo *_hy_store_name_field (HyRecordKind kind);
gboolean _hy_store_check_linkable (HyRecordKind kind, GError **error);
void _hy_store_read_link (HyStmt *stmt, int column, HyLinkInfo *link);
void _hy_store_append_where (GString *sql, HyRecordKind kind, const HyStoreQuery *query);
void _hy_store_append_order_limit (GString *sql, HyRecordKind kind, const HyStoreQuery *query);
void _hy_store_bind_query (HyStmt *stmt, const HyStoreQuery *query, const char *folded_search);
gboolean _hy_store_exists_unlocked (HyStore *self,
                                    HyRecordKind kind,
                                    const char *id,
                                    gboolean *out_exists,
                                    GError **error);

/* Links (hy-store-links.c): fails with a "no such record" error when @id is not there. */
gboolean
_hy_store_require_record (HyStore *self, HyRecordKind kind, const char *id, GError **error);

G_END_DECLS
