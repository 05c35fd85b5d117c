/* main.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>
#include <sys/prctl.h>

#include "hy-application.h"

int
main (int argc, char *argv[])
{
  g_autoptr (HyApplication) app = NULL;

  /* The client secret lives in this process's memory: no core dump (nor ptrace by another
   * process of the same user) may ever hold it. */
  prctl (PR_SET_DUMPABLE, 0, 0, 0, 0);
  setlocale (LC_ALL, "");
  /* $HALYARD_LOCALEDIR: the build tree's translations, for tests and the uninstalled app. */
  bindtextdomain (GETTEXT_PACKAGE, g_getenv ("HALYARD_LOCALEDIR") != NULL
                                       ? g_getenv ("HALYARD_LOCALEDIR")
                                       : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  app = hy_application_new ();

  return g_application_run (G_APPLICATION (app), argc, argv);
}
