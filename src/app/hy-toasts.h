/* hy-toasts.h: toasts shown over a view, that the window can also take away at once
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "session/hy-session.h"

G_BEGIN_DECLS

/* Shows @title in the toast overlay around @widget (nothing when there is none); returns the
 * toast (transfer none), or NULL. */
AdwToast *hy_toasts_show (GtkWidget *widget, const char *title);
/* Like hy_toasts_show (), for an error: the toast stays until it is dismissed. */
AdwToast *hy_toasts_show_error (GtkWidget *widget, const char *message);
/* Dismisses every toast shown with hy_toasts_show () in @overlay. */
void hy_toasts_dismiss_all (AdwToastOverlay *overlay);

/* The one toast after Refresh from Halo, wherever it was pressed: what Halyard now knows. */
char *hy_toasts_format_refresh (const HySessionRefresh *refresh);

G_END_DECLS
