/* hy-error-label.h: the line under a dialog's header that says what went wrong
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* A wrapped, left-aligned label in the error style, hidden until it has a message. */
GtkLabel *hy_error_label_new (void);
/* Shows @message in @label; NULL hides it. */
void hy_error_label_show (GtkLabel *label, const char *message);

G_END_DECLS
