/* hy-link-rows.c: the Mapping rows of groups and policies, from the store: where each goes in
 * Halo, its state and what else a technician needs to know
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "hy-link-rows"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "linker/hy-linker.h"
#include "models/hy-link-rows.h"
#include "sync/hy-sync-close.h"

static char *
cache_name (HyStore *store, HyCacheKind kind, gint64 id)
{
  g_autoptr (HyCacheRecord) record = hy_store_cache_get (store, kind, id, NULL);

  if (record != NULL && record->name != NULL)
    return g_strdup (record->name);

  /* Translators: a Halo record not (or no longer) in Halyard's copy of Halo's records */
  return g_strdup_printf (_ ("Halo record #%lld"), (long long) id);
}

HyLinkItem *
hy_link_item_new_for_group (HyStore *store, const HyGroupSync *sync, const char *maintenance)
{
  HyLinkItem *item = hy_link_item_new (HY_RECORD_KIND_GROUP, sync->group_id, sync->group_name);
  g_autoptr (HyGroupMapping) mapping = NULL;
  g_autofree char *client = NULL;
  g_autofree char *site = NULL;
  g_autofree char *route = NULL;
  g_autofree char *counts = NULL;
  HyLinkItemState state_kind = HY_LINK_ITEM_STATE_NONE;
  const char *state = NULL;

  if (hy_linker_resolve_group_mapping (store, sync->group_id, &mapping, NULL) && mapping != NULL)
    {
      client = cache_name (store, HY_CACHE_KIND_CLIENT, mapping->client_id);
      if (mapping->site_id != 0)
        site = cache_name (store, HY_CACHE_KIND_SITE, mapping->site_id);
      else
        /* Translators: a group mapped to a Halo client without a site */
        site = g_strdup (_ ("main site"));

      if (g_strcmp0 (mapping->group_id, sync->group_id) == 0)
        /* Translators: the Halo client and site a group is mapped to */
        route = g_strdup_printf (_ ("%s — %s"), client, site);
      else
        /* Translators: a group that inherits its parent group's mapping: client, site, parent */
        route = g_strdup_printf (_ ("%s — %s (from %s)"), client, site, mapping->group_id);
      hy_link_item_set_link (item, TRUE, mapping->client_id, route);
    }

  switch (sync->state)
    {
      case HY_SYNC_STATE_SYNCING:
        /* Translators: the sync state of a group */
        state = C_ ("sync state", "Syncing");
        state_kind = HY_LINK_ITEM_STATE_BUSY;
        break;
      case HY_SYNC_STATE_SYNCED:
        state = C_ ("sync state", "Synced");
        state_kind = HY_LINK_ITEM_STATE_GOOD;
        break;
      case HY_SYNC_STATE_FAILED:
        state = C_ ("sync state", "Failed");
        state_kind = HY_LINK_ITEM_STATE_BAD;
        break;
      case HY_SYNC_STATE_UNSYNCED:
      default:
        state = C_ ("sync state", "Unsynced");
        break;
    }
  hy_link_item_set_state (item, state, state_kind);

  /* Translators: device counts of a group: "<synced> of <devices> synced, <failed> failed" */
  counts = g_strdup_printf (ngettext ("%'u of %'u device synced, %'u failed",
                                      "%'u of %'u devices synced, %'u failed", sync->devices),
                            sync->synced, sync->devices, sync->failed);
  if (sync->state == HY_SYNC_STATE_FAILED && sync->reason != NULL)
    {
      g_autofree char *with_reason = g_strdup_printf ("%s — %s", counts, sync->reason);

      g_free (counts);
      counts = g_steal_pointer (&with_reason);
      hy_link_item_set_reason_code (item, sync->reason_code);
    }
  if (maintenance != NULL)
    {
      g_autofree char *with_maintenance = g_strdup_printf ("%s — %s", counts, maintenance);

      g_free (counts);
      counts = g_steal_pointer (&with_maintenance);
    }
  hy_link_item_set_extra (item, counts);

  return item;
}

HyLinkItem *
hy_link_item_new_for_policy (HyStore *store, const HyPolicy *policy, const HyPolicyMapping *mapping)
{
  HyLinkItem *item = hy_link_item_new (HY_RECORD_KIND_POLICY, policy->id, policy->name);

  if (mapping != NULL)
    {
      g_autofree char *type =
          cache_name (store, HY_CACHE_KIND_TICKET_TYPE, mapping->ticket_type_id);
      gint64 close_status;

      hy_link_item_set_link (item, TRUE, mapping->ticket_type_id, type);
      /* Translators: a policy whose alerts become Halo tickets */
      hy_link_item_set_state (item, C_ ("policy state", "Creates tickets"),
                              HY_LINK_ITEM_STATE_GOOD);
      /* The policy's close status, else Halo's Closed (id 9) when Halo has it. */
      close_status = hy_sync_close_status (store, mapping->policy_id, NULL);
      if (close_status > 0)
        {
          g_autofree char *status = cache_name (store, HY_CACHE_KIND_STATUS, close_status);
          g_autofree char *text = NULL;

          /* Translators: when the alert clears, its ticket is closed with this Halo status */
          text = g_strdup_printf (_ ("Close as “%s”"), status);
          hy_link_item_set_extra (item, text);
        }
      else
        /* Translators: when the alert clears, a note is added but the ticket stays open */
        hy_link_item_set_extra (item, _ ("Add a note, keep open"));
    }
  else
    /* Translators: a policy not mapped to a ticket type: its alerts stay in Halyard */
    hy_link_item_set_state (item, C_ ("policy state", "No tickets"), HY_LINK_ITEM_STATE_NONE);

  return item;
}
