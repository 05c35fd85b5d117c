/* hy-ui-test.h — shared set-up of the Mapping and Events widget tests
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

static inline void
hy_ui_test_init (int *argc, char ***argv)
{
  g_test_init (argc, argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  /* Machines without an SVG pixbuf loader (or MIME database) cannot draw GTK's symbolic icons
   * and warn about each one: not a fault of the code under test. Criticals stay fatal. */
  g_log_set_always_fatal (G_LOG_FATAL_MASK | G_LOG_LEVEL_CRITICAL);

  g_setenv ("LANGUAGE", "C", TRUE);
  /* The tests' private GSettings has no proxy schema: no proxy for loopback servers. */
  g_setenv ("GIO_USE_PROXY_RESOLVER", "dummy", TRUE);
  adw_init ();
}
