/* hy-sync-engine-routing.c: routing: which group mapping and client an alert goes to
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "hy-sync"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "linker/hy-linker.h"
#include "sync/hy-sync-engine-private.h"

/* ------------------------------------------------------------------------- */
/* Routing                                                                   */
/* ------------------------------------------------------------------------- */

/* The mapping that applies to @group_id: its own, else the nearest mapped ancestor's — the
 * linker's rule, so what the Mapping view shows and what is synced always agree. */
static HyGroupMapping *
effective_group_mapping (HyStore *store, const char *group_id)
{
  HyGroupMapping *mapping = NULL;
  g_autoptr (GError) error = NULL;

  if (!hy_linker_resolve_group_mapping (store, group_id, &mapping, &error))
    {
      if (!g_error_matches (error, HY_LINKER_ERROR, HY_LINKER_ERROR_NOT_FOUND))
        g_warning ("Could not resolve the mapping of group %s: %s", group_id, error->message);
      return NULL;
    }
  return mapping;
}

void
_hy_sync_engine_route_clear (HySyncRoute *route)
{
  g_clear_pointer (&route->computer_name, g_free);
}

/* Where the alert's ticket goes; FALSE with a translated @reason (and route->why) when it cannot
 * be routed. */
gboolean
_hy_sync_engine_route_alert (HyStore *store,
                             const HyAlert *alert,
                             HySyncRoute *route,
                             char **reason)
{
  g_autoptr (HyPolicyMapping) pmap = NULL;
  g_autoptr (HyComputer) computer = NULL;
  g_autoptr (HyCompany) company = NULL;
  g_autoptr (HyGroupMapping) gmap = NULL;

  memset (route, 0, sizeof *route);
  pmap = hy_store_get_policy_mapping (store, alert->policy_id, NULL);
  if (pmap == NULL)
    {
      /* Translators: %s is a monitor policy id */
      *reason = g_strdup_printf (_ ("Policy %s is not mapped to a Halo ticket type: map it to "
                                    "one and the alert is sent"),
                                 alert->policy_id);
      route->why = HY_REASON_POLICY_NOT_MAPPED;
      return FALSE;
    }
  computer = hy_store_get (store, HY_RECORD_KIND_COMPUTER, alert->computer_id, NULL);
  if (computer == NULL)
    {
      /* Translators: %s is a computer id */
      *reason = g_strdup_printf (_ ("Computer %s is unknown"), alert->computer_id);
      return FALSE;
    }
  if (computer->company_id != NULL)
    company = hy_store_get (store, HY_RECORD_KIND_COMPANY, computer->company_id, NULL);
  if (company == NULL || company->link.how == HY_LINK_HOW_NONE || company->link.halo_id <= 0)
    {
      /* Translators: %s is a computer name */
      *reason = g_strdup_printf (_ ("The company of %s is not linked to a Halo client: link it and "
                                    "the alert is sent"),
                                 computer->name);
      return FALSE;
    }
  route->client_id = company->link.halo_id;
  route->tickettype_id = pmap->ticket_type_id;
  route->close_status_id = pmap->close_status_id;
  route->computer_name = g_strdup (computer->name);
  if (computer->link.how != HY_LINK_HOW_NONE)
    route->asset_id = computer->link.halo_id;
  /* The site: the device group's mapping when it maps to this client, else the location's. */
  if (computer->group_id != NULL)
    gmap = effective_group_mapping (store, computer->group_id);
  if (gmap != NULL && gmap->client_id == route->client_id && gmap->site_id > 0)
    route->site_id = gmap->site_id;
  else if (computer->location_id != NULL)
    {
      g_autoptr (HyLocation) loc =
          hy_store_get (store, HY_RECORD_KIND_LOCATION, computer->location_id, NULL);
      if (loc != NULL && loc->link.how != HY_LINK_HOW_NONE)
        route->site_id = loc->link.halo_id;
    }
  return TRUE;
}
