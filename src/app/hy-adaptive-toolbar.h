/* hy-adaptive-toolbar.h — pages that switch to a narrow layout on narrow windows
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* "_Failed Only" → "Failed Only" (a doubled "__" stays one "_"): the name a screen reader says
 * for a button, with its label or with only its icon. */
char *hy_strip_mnemonic (const char *label);

/* The width @page needs for its wide layout (measured only while it shows that layout). */
typedef int (*HyWideWidthFunc) (GtkWidget *page);
/* Switches @page's widgets to the narrow layout or back (called only when that changes). */
typedef void (*HyNarrowFunc) (GtkWidget *page, gboolean narrow);

/* The narrow mode of a page that overrides size_allocate (): narrower than its wide layout
 * needs, it switches to the narrow one, after the allocation (in an idle), not during it. */
typedef struct
{
  GtkWidget *page;
  HyWideWidthFunc wide_width_func;
  HyNarrowFunc narrow_func;
  gboolean narrow; /* read-only for the page */
  int wide_width;
  guint idle;
} HyAdaptiveMode;

void hy_adaptive_mode_init (HyAdaptiveMode *mode,
                            GtkWidget *page,
                            HyWideWidthFunc wide_width_func,
                            HyNarrowFunc narrow_func);
/* The page's size_allocate (): sees the width, then allocates like hy_bin_allocate (). */
void hy_adaptive_mode_allocate (HyAdaptiveMode *mode, int width, int height, int baseline);
/* In the page's dispose (): no switch after it. */
void hy_adaptive_mode_clear (HyAdaptiveMode *mode);

/* Measure and allocate like a GtkBinLayout, for widgets that override size_allocate () to see
 * their width (a layout manager would not call it). */
void hy_bin_measure (GtkWidget *widget,
                     GtkOrientation orientation,
                     int for_size,
                     int *minimum,
                     int *natural);
void hy_bin_allocate (GtkWidget *widget, int width, int height, int baseline);

G_END_DECLS
