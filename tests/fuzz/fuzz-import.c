/* fuzz-import.c: libFuzzer target for the inventory import (JSON, CSV with and without a column
 * map, FusionInventory/OCS XML) into a real store, all-or-nothing.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <stdint.h>
#include <stdlib.h>

#include "import/hy-import.h"
#include "store/hy-store.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static HyStore *
the_store (void)
{
  static HyStore *store;

  if (store == NULL)
    {
      g_autoptr (GError) error = NULL;
      g_autofree char *dir = g_dir_make_tmp ("hy-fuzz-import-XXXXXX", &error);
      g_autofree char *path = NULL;

      if (dir == NULL)
        abort ();
      path = g_build_filename (dir, "halyard.db", NULL);
      store = hy_store_open (path, &error);
      if (store == NULL)
        abort ();
    }
  return store;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  static const char *const names[] = { "inventory.json", "computers.csv", "inventory.xml",
                                       "devices.csv" };
  HyImportOptions options = HY_IMPORT_OPTIONS_INIT;
  g_autoptr (GBytes) bytes = g_bytes_new (data, size);
  g_autoptr (HyImportResult) result = NULL;
  g_autoptr (GError) error = NULL;
  guint which = size > 0 ? data[0] % G_N_ELEMENTS (names) : 0;

  if (which == 3)
    {
      options.has_kind = TRUE;
      options.kind = HY_RECORD_KIND_COMPUTER;
      options.columns = "name=Hostname,serial=Serial Number";
    }
  result = hy_import_bytes (the_store (), bytes, names[which], &options, NULL, &error);
  if (result == NULL && error == NULL)
    abort ();
  return 0;
}
