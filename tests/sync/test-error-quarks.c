/* test-error-quarks.c — every error domain's quark string is exact (no spaces a formatter put in)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib.h>

#include "credentials/hy-credentials.h"
#include "halo/hy-halo-client.h"
#include "hy-sim-private.h"
#include "hy-sim.h"
#include "import/hy-import.h"
#include "linker/hy-linker.h"
#include "session/hy-session.h"
#include "store/hy-store.h"
#include "sync/hy-sync-error.h"

static void
check_quark (GQuark quark, const char *expected)
{
  const char *name = g_quark_to_string (quark);

  g_assert_nonnull (name);
  g_assert_null (strchr (name, ' '));
  g_assert_cmpstr (name, ==, expected);
}

static void
test_quarks_exact (void)
{
  check_quark (HY_HALO_ERROR, "hy-halo-error-quark");
  check_quark (HY_STORE_ERROR, "hy-store-error-quark");
  check_quark (HY_CREDENTIALS_ERROR, "hy-credentials-error-quark");
  check_quark (HY_IMPORT_ERROR, "hy-import-error-quark");
  check_quark (HY_SESSION_ERROR, "hy-session-error-quark");
  check_quark (HY_LINKER_ERROR, "hy-linker-error-quark");
  check_quark (HY_SYNC_ERROR, "hy-sync-error-quark");
  check_quark (HY_SIM_ERROR, "hy-sim-error-quark");
  check_quark (HY_SIM_POST_ERROR, "hy-sim-post-error-quark");
}

/* Every G_DEFINE_QUARK under src/: its quark name (the first argument) has no space. */
static void
scan_dir (const char *dir, guint *found)
{
  g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;

  g_assert_nonnull (d);
  while ((name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_autofree char *text = NULL;
      const char *at;

      if (g_file_test (path, G_FILE_TEST_IS_DIR))
        {
          scan_dir (path, found);
          continue;
        }
      if (!g_str_has_suffix (name, ".c") || !g_file_get_contents (path, &text, NULL, NULL))
        continue;
      for (at = strstr (text, "G_DEFINE_QUARK ("); at != NULL;
           at = strstr (at + 1, "G_DEFINE_QUARK ("))
        {
          const char *start = at + strlen ("G_DEFINE_QUARK (");
          const char *comma = strchr (start, ',');
          g_autofree char *quark = NULL;

          g_assert_nonnull (comma);
          quark = g_strndup (start, comma - start);
          if (strchr (quark, ' ') != NULL)
            g_error ("%s: G_DEFINE_QUARK (%s, …) makes a quark with spaces", path, quark);
          (*found)++;
        }
    }
}

static void
test_quark_sources (void)
{
  g_autofree char *src = g_build_filename (HY_SOURCE_ROOT, "src", NULL);
  guint found = 0;

  scan_dir (src, &found);
  g_assert_cmpuint (found, >=, 3);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  g_test_add_func ("/error-quarks/exact", test_quarks_exact);
  g_test_add_func ("/error-quarks/sources", test_quark_sources);
  return g_test_run ();
}
