/* hy-test-views.h: what the tests of the Mapping, Events and Setup views share (tests/lib,
 * GTK): a view in a window of its own, finding a widget in it, waiting on what it shows, and
 * reading its toolbar.
 *
 * Every wait is on a condition, through hy_test_wait_until (): it ends as soon as the condition
 * holds and fails the test, naming what it waited for, after HY_TEST_WAIT_TIMEOUT_S.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "hy-test.h"

G_BEGIN_DECLS

/* ---- A view in a window ------------------------------------------------------------------- */

/* A window showing @view, presented; @width × @height is its default size (0: the natural
 * size). The caller destroys it. */
GtkWindow *hy_test_view_present (GtkWidget *view, int width, int height);

/* ---- Finding a widget --------------------------------------------------------------------- */

typedef gboolean (*HyTestWidgetMatch) (GtkWidget *widget, gconstpointer data);

/* The first widget under @root (@root included, depth first) that @match accepts; popovers
 * and what they hold only when @into_popovers. */
GtkWidget *hy_test_find_matching (GtkWidget *root,
                                  HyTestWidgetMatch match,
                                  gconstpointer data,
                                  gboolean into_popovers);
/* The first widget of @type, popovers included. */
GtkWidget *hy_test_find_type (GtkWidget *root, GType type);
/* The first widget of @type outside popovers. */
GtkWidget *hy_test_find_type_outside_popovers (GtkWidget *root, GType type);
/* The widget named @name (gtk_widget_set_name, the .ui's name). */
GtkWidget *hy_test_find_named (GtkWidget *root, const char *name);
/* The button labelled @label (not a link), popovers included. */
GtkWidget *hy_test_find_button (GtkWidget *root, const char *label);
/* The visible label reading @text. */
GtkWidget *hy_test_find_label (GtkWidget *root, const char *text);

/* ---- Waiting on what a view shows --------------------------------------------------------- */

typedef gboolean (*HyTestFlagGetter) (gpointer object);
typedef const char *(*HyTestTextGetter) (gpointer object);

/* Until @get (@object) returns @value (a layout that follows the width: narrow or wide). */
void hy_test_wait_flag (HyTestFlagGetter get, gpointer object, gboolean value, const char *what);
/* Until @get (@object) returns @text. */
void hy_test_wait_text (HyTestTextGetter get, gpointer object, const char *text, const char *what);
/* Until @widget has the style class @css_class (set by an answer that comes later). */
void hy_test_wait_css_class (GtkWidget *widget, const char *css_class);
/* Until a visible label under @root reads @text. */
void hy_test_wait_label (GtkWidget *root, const char *text, const char *what);
/* Until @model has filtered every item (a GtkFilterListModel filters incrementally). */
void hy_test_wait_filtered (GListModel *model);
/* Until *@counter is above @before (a signal handler counts). */
void hy_test_wait_count_above (guint *counter, guint before, const char *what);

/* ---- The toolbar -------------------------------------------------------------------------- */

/* Asserts that every item of every section of @menu has a label and an action, and appends
 * the actions (owned) to @actions. */
void hy_test_menu_actions (GMenuModel *menu, GPtrArray *actions);
/* Whether @strings holds @string. */
gboolean hy_test_strings_have (GPtrArray *strings, const char *string);
/* How many columns of @view are visible. */
guint hy_test_column_view_n_visible (GtkColumnView *view);

G_END_DECLS
