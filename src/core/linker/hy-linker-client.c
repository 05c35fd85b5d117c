/* hy-linker-client.c: which Halo client a record's company is linked to
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "hy-linker"

#include "config.h"

#include "linker/hy-linker.h"

gint64
hy_linker_company_client_of (HyStore *store, HyRecordKind kind, const char *id)
{
  g_autofree char *company_id = NULL;
  HyLinkInfo link = { 0 };
  gint64 client = 0;

  g_return_val_if_fail (HY_IS_STORE (store), 0);
  g_return_val_if_fail (id != NULL, 0);

  if (kind == HY_RECORD_KIND_LOCATION)
    {
      g_autoptr (HyLocation) location = hy_store_get (store, HY_RECORD_KIND_LOCATION, id, NULL);

      if (location != NULL)
        company_id = g_strdup (location->company_id);
    }
  else if (kind == HY_RECORD_KIND_COMPUTER)
    {
      g_autoptr (HyComputer) computer = hy_store_get (store, HY_RECORD_KIND_COMPUTER, id, NULL);

      if (computer != NULL)
        company_id = g_strdup (computer->company_id);
    }

  if (company_id != NULL &&
      hy_store_link_get (store, HY_RECORD_KIND_COMPANY, company_id, &link, NULL))
    {
      client = link.how != HY_LINK_HOW_NONE ? link.halo_id : 0;
      hy_link_info_clear (&link);
    }

  return client;
}
