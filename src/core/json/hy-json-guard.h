/* hy-json-guard.h: reading JSON that comes from outside (Halo's answers, inventory files)
 * without trusting it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* The deepest nesting of arrays and objects Halyard reads: json-glib parses recursively, and
 * a document nested 100 000 levels deep overflows the stack. Neither Halo's answers nor an
 * inventory come anywhere near it. */
#define HY_JSON_MAX_DEPTH 512

gboolean hy_json_guard_check (const char *data, gsize len, guint max_depth, GError **error);
gboolean hy_json_guard_load (JsonParser *parser, const char *data, gsize len, GError **error);
gboolean hy_json_guard_numbers (JsonNode *node, GError **error);

G_END_DECLS
