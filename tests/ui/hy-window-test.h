/* hy-window-test.h — what the tests of the window, Setup and the demo share: the main loop, the
 * widget finder, English strings, and a MIME database inside isolated directories
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * gdk-pixbuf (built with GIO sniffing on Debian) needs the shared MIME database to recognise
 * the SVG of every symbolic icon. G_TEST_OPTION_ISOLATE_DIRS points XDG_DATA_DIRS at empty
 * folders, and trimmed systems may lack the database altogether: icons then fail to load
 * ("Unrecognized image file format"), and screenshots show none. So these tests read the
 * system's database where there is one, then a minimal one built next to them (SVG and PNG,
 * from tests/ui/mime/), and their icons draw.
 */

#pragma once

#include <adwaita.h>

/* Call before g_test_init (): the isolation keeps MIME folders set before it. The tests read
 * the English strings, whatever the language of the session running them. */
static inline void
hy_ui_test_init_mime (void)
{
  static GPtrArray *dirs;
  const char *const *system = g_get_system_data_dirs ();
  const char *build = g_getenv ("HALYARD_BUILD_ROOT");

  dirs = g_ptr_array_new ();
  for (guint i = 0; system[i] != NULL; i++)
    g_ptr_array_add (dirs, g_build_filename (system[i], "mime", NULL));
  if (build != NULL)
    g_ptr_array_add (dirs, g_build_filename (build, "tests", "ui", "mime", NULL));
  g_ptr_array_add (dirs, NULL);

  g_content_type_set_mime_dirs ((const char *const *) dirs->pdata);
  g_setenv ("LANGUAGE", "C", TRUE);
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
