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

G_END_DECLS
