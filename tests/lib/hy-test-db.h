/* hy-test-db.h: "nothing changed" in a SQLite database, for the suites that refuse bad input
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Every row of every table of the database at @path, hashed: equal before and after means
 * nothing changed, whichever process wrote last (a checkpoint moves the file's bytes, not its
 * content). */
char *hy_test_db_checksum (const char *path);

G_END_DECLS
