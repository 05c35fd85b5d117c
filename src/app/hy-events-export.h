/* hy-events-export.h — the events log as CSV
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "store/hy-store.h"

G_BEGIN_DECLS

/* What to export: the Events view's filters. */
typedef struct
{
  gboolean failed_only;
  const char *record; /* nullable */
  const char *text; /* nullable: every word must appear in method, path, status, record or error */
} HyEventsExportFilter;

gboolean hy_events_matches_text (const HyEvent *event, char **folded_words);

void hy_events_export_csv_async (HyStore *store,
                                 GFile *file,
                                 const HyEventsExportFilter *filter,
                                 GCancellable *cancellable,
                                 GAsyncReadyCallback callback,
                                 gpointer user_data);
gboolean hy_events_export_csv_finish (GAsyncResult *result, guint64 *out_rows, GError **error);

G_END_DECLS
