/* hy-window-test.h — what the tests of the window, Setup and the demo share: the main loop, the
 * widget finder, English strings, and a MIME database inside isolated directories
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "hy-ui-test-mime.h"

/* How long a wait on a condition lasts before the test calls it a hang. The wait ends as soon
 * as the condition holds, so this is far longer than anything takes on a loaded machine: a
 * short deadline fails a slow run, not a broken one. */
#ifndef HY_UI_TEST_HANG_S
#define HY_UI_TEST_HANG_S 60
#endif

/* Call before g_test_init (): the MIME database (see hy-ui-test-mime.h), and the English
 * strings the tests read, whatever the language of the session running them. */
static inline void
hy_window_test_init (void)
{
  hy_ui_test_init_mime ();
  g_setenv ("LANGUAGE", "C", TRUE);
}

/* All a window test's main () starts with: hy_window_test_init (), GTest with isolated
 * directories, GTK and libadwaita. */
static inline void
hy_window_test_init_gtk (int *argc, char ***argv)
{
  hy_window_test_init ();
  g_test_init (argc, argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  gtk_init ();
  adw_init ();
}

static inline void
iterate_main_loop (void)
{
  while (g_main_context_pending (NULL))
    g_main_context_iteration (NULL, FALSE);
}

/* A g_timeout_add () callback that sets the gboolean it is given. */
static inline gboolean
timeout_cb (gpointer user_data)
{
  gboolean *timed_out = user_data;

  *timed_out = TRUE;
  return G_SOURCE_REMOVE;
}

/* The first widget of @type under @root (@root included); with @row_title, the first
 * preferences row of that type with that title. */
static inline GtkWidget *
find_widget (GtkWidget *root, GType type, const char *row_title)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (root, type) &&
      (row_title == NULL || !ADW_IS_PREFERENCES_ROW (root) ||
       g_strcmp0 (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (root)), row_title) == 0))
    return root;

  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_widget (child, type, row_title);

      if (found != NULL)
        return found;
    }

  return NULL;
}

/* What the header's status popover says: the text of each visible label of its grid, one a
 * line (a title, then its value), logged. Free with g_free (). */
static inline char *
hy_window_test_status_text (GtkMenuButton *status)
{
  GtkWidget *grid = gtk_popover_get_child (gtk_menu_button_get_popover (status));
  GString *text = g_string_new (NULL);

  for (GtkWidget *child = gtk_widget_get_first_child (grid); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (gtk_widget_get_visible (child))
      g_string_append_printf (text, "%s\n", gtk_label_get_text (GTK_LABEL (child)));
  g_test_message ("status: %s", text->str);
  return g_string_free (text, FALSE);
}
