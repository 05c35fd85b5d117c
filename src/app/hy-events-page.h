/* hy-events-page.h — the Events view: every request sent to Halo, live
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "session/hy-session.h"

G_BEGIN_DECLS

#define HY_TYPE_EVENTS_PAGE (hy_events_page_get_type ())

G_DECLARE_FINAL_TYPE (HyEventsPage, hy_events_page, HY, EVENTS_PAGE, GtkWidget)

GtkWidget *hy_events_page_new (void);

HySession *hy_events_page_get_session (HyEventsPage *self);
void hy_events_page_set_session (HyEventsPage *self, HySession *session);

void hy_events_page_set_failed_only (HyEventsPage *self, gboolean failed_only);
void hy_events_page_set_search_text (HyEventsPage *self, const char *text);
GListModel *hy_events_page_get_shown (HyEventsPage *self);
void hy_events_page_select (HyEventsPage *self, guint position);
char *hy_events_page_dup_details (HyEventsPage *self);
guint hy_events_page_get_recent_failures (HyEventsPage *self);
void hy_events_page_export_async (HyEventsPage *self,
                                  GFile *file,
                                  GCancellable *cancellable,
                                  GAsyncReadyCallback callback,
                                  gpointer user_data);
gboolean hy_events_page_export_finish (HyEventsPage *self, GAsyncResult *result, GError **error);
gboolean hy_events_page_get_narrow (HyEventsPage *self);

G_END_DECLS
