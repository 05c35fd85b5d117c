/* hy-test-ui.h: what the window's tests share (tests/lib, GTK): waits on what a widget shows
 * (mapped and painted, the focus inside, a size reached, toasts gone), the labels that are cut
 * off, screenshots, and the demo's window.
 *
 * Every wait is on a condition, through hy_test_ui_wait_until (): it ends as soon as the
 * condition holds and fails the test, naming what it waited for, after HY_TEST_UI_WAIT_S.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "hy-test.h"

G_BEGIN_DECLS

/* How long a wait of a window's test may take before it fails, naming what it waited for: far
 * longer than any step takes on a loaded machine, and short enough that a program of several
 * such tests fails with that message before the test runner's timeout kills it. */
#define HY_TEST_UI_WAIT_S 20

#define hy_test_ui_wait_until(condition, user_data, what) \
  hy_test_wait_until_within ((condition), (user_data), HY_TEST_UI_WAIT_S, (what))

/* ---- Frames ------------------------------------------------------------------------------- */

/* Until @widget is mapped and a frame of it has been painted, then runs what that frame queued
 * (idles that follow a map, the focus moving in). */
void hy_test_ui_wait_painted (GtkWidget *widget);
/* Until @window shows what is pending: the ready sources run (the lists' idle updates, the
 * store's notifications), then a frame laid out and painted after them, again while that
 * brought more work. */
void hy_test_ui_settle (GtkWidget *window);
/* Until the focus is inside @widget, then runs what that queued. */
void hy_test_ui_wait_focus_inside (GtkWidget *widget);
/* Until @widget is at most @width pixels wide (a window resized), then a frame at that size. */
void hy_test_ui_wait_width_at_most (GtkWidget *widget, int width);
/* Until @row is expanded all the way (its revealer's transition over). */
void hy_test_ui_wait_expanded (AdwExpanderRow *row);

/* ---- Toasts ------------------------------------------------------------------------------- */

/* Closes the toasts under @root as a user would, with their close button, one after the other
 * (a queued toast shows when the one before it goes), until a toast starting with each of
 * @titles (NULL-terminated, may be NULL) has come and gone and none is left. */
void hy_test_ui_close_toasts (GtkWidget *root, const char *const *titles);
/* The start of the translated @msgid up to its first conversion ("Imported: " of "Imported:
 * %'u added…"): what a toast built from it starts with, in any language. */
char *hy_test_ui_toast_prefix (const char *msgid);

/* ---- What is shown ------------------------------------------------------------------------ */

/* The texts of the mapped labels under @root that show an ellipsis: text cut off. */
GPtrArray *hy_test_ui_cut_labels (GtkWidget *root);
/* Logs each of @cut with @what and asserts there is none. */
void hy_test_ui_assert_none_cut (GPtrArray *cut, const char *what);

/* Turns GTK's and libadwaita's animations (CSS transitions among them) off or back on: a
 * picture then shows where a change ends, at the frame after it, whatever the machine's load. */
void hy_test_ui_set_animations (gboolean enabled);
/* Saves the window as its next painted frame shows it to $HALYARD_BUILD_ROOT/screenshots
 * (else the temporary directory)/@name.png. */
void hy_test_ui_save_screenshot (GtkWidget *window, const char *name);

G_END_DECLS
