/* hy-window.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "session/hy-session.h"

#include "hy-setup-page.h"

G_BEGIN_DECLS

/* How the window's process names itself as the deliverer (what `halyard-cli status` and a
 * refused `halyard-cli serve` show). */
#define HY_WINDOW_DELIVERER "Halyard"

#define HY_TYPE_WINDOW (hy_window_get_type ())

G_DECLARE_FINAL_TYPE (HyWindow, hy_window, HY, WINDOW, AdwApplicationWindow)

HyWindow *hy_window_new (GtkApplication *application);
const char *hy_window_get_visible_view (HyWindow *self);
void hy_window_set_visible_view (HyWindow *self, const char *name);
HySession *hy_window_get_session (HyWindow *self);
void hy_window_set_session (HyWindow *self, HySession *session);
gboolean hy_window_get_demo (HyWindow *self);
void hy_window_set_demo (HyWindow *self, gboolean demo);
HySetupPage *hy_window_get_setup_page (HyWindow *self);
void hy_window_add_toast (HyWindow *self, const char *title);
void hy_window_dismiss_toasts (HyWindow *self);
void hy_window_import_file (HyWindow *self, GFile *file);

G_END_DECLS
