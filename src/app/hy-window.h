/* hy-window.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define HY_TYPE_WINDOW (hy_window_get_type ())

G_DECLARE_FINAL_TYPE (HyWindow, hy_window, HY, WINDOW, AdwApplicationWindow)

HyWindow *hy_window_new (GtkApplication *application);
const char *hy_window_get_visible_view (HyWindow *self);
void hy_window_set_visible_view (HyWindow *self, const char *name);

G_END_DECLS
