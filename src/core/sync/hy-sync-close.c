/* hy-sync-close.c — which Halo status closes an alert's ticket
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "hy-sync"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "halo/hy-halo-record.h"
#include "sync/hy-sync-close.h"
#include "sync/hy-sync-error.h"

gint64
hy_sync_close_status (HyStore *store, const char *policy_id, GError **error)
{
  g_autoptr (HyPolicyMapping) mapping = NULL;
  g_autoptr (HyCacheRecord) closed = NULL;
  g_autoptr (GError) local = NULL;

  g_return_val_if_fail (HY_IS_STORE (store), 0);

  mapping = policy_id != NULL ? hy_store_get_policy_mapping (store, policy_id, NULL) : NULL;
  if (mapping != NULL && mapping->close_status_id > 0)
    return mapping->close_status_id;

  closed = hy_store_cache_get (store, HY_CACHE_KIND_STATUS, HY_HALO_STATUS_CLOSED, &local);
  if (closed != NULL)
    return closed->id;
  if (!g_error_matches (local, HY_STORE_ERROR, HY_STORE_ERROR_NOT_FOUND))
    {
      g_propagate_error (error, g_steal_pointer (&local));
      return 0;
    }

  /* Translators: %s is a monitor policy id; "Closed" is Halo's system status of that name */
  g_set_error (error, HY_SYNC_ERROR, HY_SYNC_ERROR_NO_CLOSE_STATUS,
               _ ("No status to close the ticket with: Halo’s statuses have no “Closed” (id 9) "
                  "and policy %s has no close status. Fetch Halo’s settings, or pick the "
                  "policy’s close status"),
               policy_id != NULL ? policy_id : "");
  return 0;
}
