/* hy-store-private.h: for the store's tests
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

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
/* Sets @error from the SQLite result code @rc (and the connection's message), as the store's
 * own calls do (hy-store-lifecycle.c). */
void _hy_store_set_sqlite_error (HyStore *self, GError **error, int rc);

/* For hy-store-intake.c: SQLite's result codes as HY_STORE_ERROR. */
void _hy_store_set_error (HyStore *self, GError **error, int rc);

G_END_DECLS
