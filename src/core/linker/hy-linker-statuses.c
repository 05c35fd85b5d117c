/* hy-linker-statuses.c — the Halo statuses a policy mapping can close its tickets with
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Halo's statuses carry no "closed" member (HALO-API §11): the system status Closed (id 9 in
 * every tenant) is the one known to close a ticket, and the cache marks it (HyCacheRecord's
 * closed). It comes first; the tenant's other statuses follow for a technician who closes with
 * a status of their own (a "Resolved", say), in the cache's order.
 */

#define G_LOG_DOMAIN "hy-linker"

#include "config.h"

#include "linker/hy-linker.h"

static gboolean
is_closing (const HyCacheRecord *status)
{
  return status->closed || status->id == HY_LINKER_STATUS_CLOSED;
}

/**
 * hy_linker_list_close_statuses:
 * @out_n_closing: (out) (optional): how many of the first records close a ticket
 *
 * Returns: (transfer full) (element-type HyCacheRecord): the cached Halo statuses, those that
 *   close a ticket first (Closed, id 9, when Halo has it), then the others
 */
GPtrArray *
hy_linker_list_close_statuses (HyStore *store, guint *out_n_closing, GError **error)
{
  g_autoptr (GPtrArray) statuses = NULL;
  GPtrArray *ordered;
  guint n_closing = 0;

  g_return_val_if_fail (HY_IS_STORE (store), NULL);

  statuses = hy_store_cache_list (store, HY_CACHE_KIND_STATUS, NULL, error);
  if (statuses == NULL)
    return NULL;

  ordered = g_ptr_array_new_full (statuses->len, (GDestroyNotify) hy_cache_record_free);
  /* Every record moves to @ordered (the last pass takes the rest). */
  g_ptr_array_set_free_func (statuses, NULL);
  /* Halo's own Closed before any other closing status. */
  for (guint pass = 0; pass < 3; pass++)
    for (guint i = 0; i < statuses->len; i++)
      {
        HyCacheRecord *status = g_ptr_array_index (statuses, i);
        gboolean take;

        if (status == NULL)
          continue;
        if (pass == 0)
          take = status->id == HY_LINKER_STATUS_CLOSED;
        else if (pass == 1)
          take = is_closing (status);
        else
          take = TRUE;
        if (!take)
          continue;

        if (pass < 2)
          n_closing++;
        g_ptr_array_add (ordered, g_steal_pointer (&statuses->pdata[i]));
      }

  if (out_n_closing != NULL)
    *out_n_closing = n_closing;
  return ordered;
}
