/* hy-ui-test-mime.h — a MIME database for the window's UI tests, inside isolated directories
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

#include <gio/gio.h>

/* Call before g_test_init (): the isolation keeps MIME folders set before it. */
static inline void
hy_ui_test_init_mime (void)
{
  static GPtrArray *dirs;
  const char *const *system = g_get_system_data_dirs ();
  const char *build = g_getenv ("HALYARD_BUILD_ROOT");

  if (dirs != NULL)
    return;

  dirs = g_ptr_array_new ();
  for (guint i = 0; system[i] != NULL; i++)
    g_ptr_array_add (dirs, g_build_filename (system[i], "mime", NULL));
  if (build != NULL)
    g_ptr_array_add (dirs, g_build_filename (build, "tests", "ui", "mime", NULL));
  g_ptr_array_add (dirs, NULL);

  g_content_type_set_mime_dirs ((const char *const *) dirs->pdata);
}
