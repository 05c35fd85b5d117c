/* hy-adaptive-toolbar.h — toolbars that show only their buttons' icons on narrow windows
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* "_Failed Only" → "Failed Only" (a doubled "__" stays one "_"): the name a screen reader says
 * for a button, with its label or with only its icon. */
char *hy_strip_mnemonic (const char *label);

/* Remembers @button's label (a GtkButton or a GtkMenuButton) for the wide layout and gives it
 * that label, without its mnemonic, as its accessible name, which it keeps with only its icon. */
void hy_compact_button_init (GtkWidget *button);
/* Narrow: @button shows only @icon_name (its tooltip and name stay); wide: its label again. */
void hy_compact_button_set_narrow (GtkWidget *button, const char *icon_name, gboolean narrow);

/* Measure and allocate like a GtkBinLayout, for widgets that override size_allocate () to see
 * their width (a layout manager would not call it). */
void hy_bin_measure (GtkWidget *widget,
                     GtkOrientation orientation,
                     int for_size,
                     int *minimum,
                     int *natural);
void hy_bin_allocate (GtkWidget *widget, int width, int height, int baseline);

G_END_DECLS
