/* hy-test-events.c: picking out what a test looks at among the client's events and the
 * simulator's records
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "hy-test-halo.h"
#include "sync/hy-sync-payload.h"

GPtrArray *
hy_test_events_matching (GPtrArray *events, const char *method, const char *path_prefix)
{
  GPtrArray *matching = g_ptr_array_new ();

  for (guint i = 0; i < events->len; i++)
    {
      HyHaloEvent *e = g_ptr_array_index (events, i);

      if (method != NULL && g_strcmp0 (e->method, method) != 0)
        continue;
      if (path_prefix != NULL && (e->path == NULL || !g_str_has_prefix (e->path, path_prefix)))
        continue;
      g_ptr_array_add (matching, e);
    }
  return matching;
}

HyHaloEvent *
hy_test_events_last (GPtrArray *events, const char *method, const char *path_prefix)
{
  g_autoptr (GPtrArray) matching = hy_test_events_matching (events, method, path_prefix);

  return matching->len > 0 ? g_ptr_array_index (matching, matching->len - 1) : NULL;
}

JsonObject *
hy_test_state_find_id (JsonNode *state, const char *table, gint64 id)
{
  JsonArray *records = hy_test_state_array (state, table);

  for (guint i = 0; i < json_array_get_length (records); i++)
    if (hy_sync_json_int (json_array_get_object_element (records, i), "id") == id)
      return json_array_get_object_element (records, i);
  return NULL;
}
