/* hy-linker-defaults.c: a policy's ticket defaults, checked against Halo's own lists
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "hy-linker"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "linker/hy-linker-defaults.h"
#include "linker/hy-linker.h"

/* The longest flap window a policy may set: a week. */
#define MAX_FLAP_MINUTES (7 * 24 * 60)

/* "Critical (1), High (2)": Halo's own names of @kind, for an error that says what there is. */
static char *
halo_names (GPtrArray *records, gboolean with_ids)
{
  g_autoptr (GString) text = g_string_new (NULL);

  for (guint i = 0; i < records->len; i++)
    {
      HyCacheRecord *r = g_ptr_array_index (records, i);

      if (text->len > 0)
        g_string_append (text, ", ");
      if (with_ids)
        g_string_append_printf (text, "%s (%" G_GINT64_FORMAT ")", r->name, r->id);
      else
        g_string_append (text, r->name);
    }
  return g_string_free (g_steal_pointer (&text), FALSE);
}

static GPtrArray *
cached (HyStore *store, HyCacheKind kind, GError **error)
{
  g_autoptr (GPtrArray) records = hy_store_cache_list (store, kind, NULL, error);

  if (records == NULL)
    return NULL;
  if (records->len == 0)
    {
      if (kind == HY_CACHE_KIND_PRIORITY)
        g_set_error_literal (error, HY_LINKER_ERROR, HY_LINKER_ERROR_HALO_NOT_FOUND,
                             _ ("Halyard knows no Halo priorities yet. Refresh the Halo records "
                                "first."));
      else if (kind == HY_CACHE_KIND_TEAM)
        g_set_error_literal (error, HY_LINKER_ERROR, HY_LINKER_ERROR_HALO_NOT_FOUND,
                             _ ("Halyard knows no Halo teams yet. Refresh the Halo records "
                                "first."));
      else
        g_set_error_literal (error, HY_LINKER_ERROR, HY_LINKER_ERROR_HALO_NOT_FOUND,
                             _ ("Halyard knows no Halo agents yet. Refresh the Halo records "
                                "first."));
      return NULL;
    }
  return g_steal_pointer (&records);
}

static HyCacheRecord *
find_id (GPtrArray *records, gint64 id)
{
  for (guint i = 0; i < records->len; i++)
    {
      HyCacheRecord *r = g_ptr_array_index (records, i);
      if (r->id == id)
        return r;
    }
  return NULL;
}

static gboolean
check_priority (GPtrArray *priorities, gint64 id, GError **error)
{
  g_autofree char *names = NULL;

  if (find_id (priorities, id) != NULL)
    return TRUE;
  names = halo_names (priorities, TRUE);
  /* Translators: %lld is a priority id; %s lists Halo's priorities, e.g. “Critical (1), High
   * (2)” */
  g_set_error (error, HY_LINKER_ERROR, HY_LINKER_ERROR_HALO_NOT_FOUND,
               _ ("Halo has no priority %lld. Its priorities are: %s."), (long long) id, names);
  return FALSE;
}

/* The team, by name (any case), must be one of Halo's and active; @defaults gets Halo's
 * spelling */
static gboolean
check_team (HyStore *store, HyPolicyDefaults *defaults, GError **error)
{
  g_autoptr (GPtrArray) teams = cached (store, HY_CACHE_KIND_TEAM, error);
  g_autofree char *wanted = NULL;
  HyCacheRecord *found = NULL;

  if (teams == NULL)
    return FALSE;
  wanted = g_utf8_casefold (g_strstrip (defaults->team), -1);
  for (guint i = 0; i < teams->len && found == NULL; i++)
    {
      HyCacheRecord *r = g_ptr_array_index (teams, i);
      g_autofree char *name = g_utf8_casefold (r->name, -1);
      if (g_strcmp0 (name, wanted) == 0)
        found = r;
    }
  if (found == NULL)
    {
      g_autofree char *names = halo_names (teams, FALSE);
      /* Translators: the first %s is the team typed, the second lists Halo's teams */
      g_set_error (error, HY_LINKER_ERROR, HY_LINKER_ERROR_HALO_NOT_FOUND,
                   _ ("Halo has no team “%s”. Its teams are: %s."), defaults->team, names);
      return FALSE;
    }
  if (found->inactive)
    {
      /* Translators: %s is a Halo team's name */
      g_set_error (error, HY_LINKER_ERROR, HY_LINKER_ERROR_INVALID,
                   _ ("The Halo team “%s” is disabled in Halo: choose another team."), found->name);
      return FALSE;
    }
  /* Halo's own spelling: a ticket names its team. */
  g_free (defaults->team);
  defaults->team = g_strdup (found->name);
  return TRUE;
}

/* The agent must be one of Halo's, active and not API-only */
static gboolean
check_agent (HyStore *store, const HyPolicyDefaults *defaults, GError **error)
{
  g_autoptr (GPtrArray) agents = cached (store, HY_CACHE_KIND_AGENT, error);
  HyCacheRecord *agent;

  if (agents == NULL)
    return FALSE;
  agent = find_id (agents, defaults->agent_id);
  if (agent == NULL)
    {
      /* Translators: %lld is a Halo agent id */
      g_set_error (error, HY_LINKER_ERROR, HY_LINKER_ERROR_HALO_NOT_FOUND,
                   _ ("Halo has no agent %lld. Check the id in Halo (Configuration > Teams & "
                      "Agents > Agents), or refresh the Halo records."),
                   (long long) defaults->agent_id);
      return FALSE;
    }
  if (agent->is_api_agent || agent->inactive)
    {
      /* Translators: %s is a Halo agent's name */
      g_set_error (error, HY_LINKER_ERROR, HY_LINKER_ERROR_INVALID,
                   agent->is_api_agent
                       ? _ ("The Halo agent “%s” is an API-only agent, and Halo does not "
                            "assign tickets to API-only agents: choose a technician.")
                       : _ ("The Halo agent “%s” is disabled in Halo: choose another agent."),
                   agent->name);
      return FALSE;
    }
  return TRUE;
}

/* Checks @defaults against Halo's records in the cache; fixes the team's spelling to Halo's. */
static gboolean
check_defaults (HyStore *store, HyPolicyDefaults *defaults, GError **error)
{
  g_autoptr (GPtrArray) priorities = NULL;

  if (defaults->priority_id > 0 || defaults->severity_priorities != NULL)
    {
      priorities = cached (store, HY_CACHE_KIND_PRIORITY, error);
      if (priorities == NULL)
        return FALSE;
    }
  if (defaults->priority_id > 0 && !check_priority (priorities, defaults->priority_id, error))
    return FALSE;
  if (defaults->severity_priorities != NULL)
    {
      g_autoptr (GHashTable) table =
          hy_policy_defaults_parse_severities (defaults->severity_priorities);
      GHashTableIter iter;
      gpointer id;

      if (table == NULL)
        {
          /* Translators: %s is what the technician typed */
          g_set_error (error, HY_LINKER_ERROR, HY_LINKER_ERROR_INVALID,
                       _ ("“%s” is not a severity table: write SEVERITY=PRIORITY_ID pairs "
                          "separated by commas, for example critical=1,warning=3."),
                       defaults->severity_priorities);
          return FALSE;
        }
      g_hash_table_iter_init (&iter, table);
      while (g_hash_table_iter_next (&iter, NULL, &id))
        if (!check_priority (priorities, (gint64) GPOINTER_TO_SIZE (id), error))
          return FALSE;
    }

  if (defaults->team != NULL && !check_team (store, defaults, error))
    return FALSE;

  if (defaults->agent_id > 0 && !check_agent (store, defaults, error))
    return FALSE;

  /* The end user comes from Halo (hy_linker_fetch_policy_user_async ()) with its client and
   * site: Halo needs the site with a ticket's user. */
  if (defaults->user_id > 0 && (defaults->user_client_id <= 0 || defaults->user_site_id <= 0))
    {
      /* Translators: %lld is a Halo end user id */
      g_set_error (error, HY_LINKER_ERROR, HY_LINKER_ERROR_INVALID,
                   _ ("Halyard does not know the client and site of the Halo user %lld: choose "
                      "the user again so that it is read from Halo."),
                   (long long) defaults->user_id);
      return FALSE;
    }

  if (defaults->category != NULL)
    {
      g_strstrip (defaults->category);
      if (*defaults->category == '\0')
        g_clear_pointer (&defaults->category, g_free);
    }

  if (defaults->flap_minutes > MAX_FLAP_MINUTES)
    {
      /* Translators: %d is the longest flap window in minutes (a week) */
      g_set_error (error, HY_LINKER_ERROR, HY_LINKER_ERROR_INVALID,
                   _ ("The flap window is at most %d minutes (a week)."), MAX_FLAP_MINUTES);
      return FALSE;
    }
  return TRUE;
}

gboolean
hy_linker_set_policy_defaults (HyStore *store, const HyPolicyDefaults *defaults, GError **error)
{
  g_autoptr (HyPolicyDefaults) copy = NULL;
  g_autoptr (HyPolicyMapping) mapping = NULL;
  g_autoptr (GError) local_error = NULL;

  g_return_val_if_fail (HY_IS_STORE (store), FALSE);
  g_return_val_if_fail (defaults != NULL && defaults->policy_id != NULL, FALSE);

  mapping = hy_store_get_policy_mapping (store, defaults->policy_id, &local_error);
  if (mapping == NULL)
    {
      if (g_error_matches (local_error, HY_STORE_ERROR, HY_STORE_ERROR_NOT_FOUND))
        /* Translators: %s is a policy id */
        g_set_error (error, HY_LINKER_ERROR, HY_LINKER_ERROR_NOT_FOUND,
                     _ ("The policy “%s” is not mapped to a ticket type: map it to one first."),
                     defaults->policy_id);
      else
        g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  copy = hy_policy_defaults_new (defaults->policy_id);
  copy->priority_id = defaults->priority_id;
  copy->severity_priorities = g_strdup (defaults->severity_priorities);
  copy->team = g_strdup (defaults->team);
  copy->agent_id = defaults->agent_id;
  copy->category = g_strdup (defaults->category);
  copy->user_id = defaults->user_id;
  copy->user_client_id = defaults->user_client_id;
  copy->user_site_id = defaults->user_site_id;
  copy->flap_minutes = defaults->flap_minutes;
  if (!check_defaults (store, copy, error))
    return FALSE;
  return hy_store_set_policy_defaults (store, copy, error);
}

/* ------------------------------------------------------------------------- */
/* A policy's whole route, for Undo                                          */
/* ------------------------------------------------------------------------- */

void
hy_policy_route_free (HyPolicyRoute *route)
{
  if (route == NULL)
    return;
  g_free (route->policy_id);
  g_clear_pointer (&route->mapping, hy_policy_mapping_free);
  g_clear_pointer (&route->defaults, hy_policy_defaults_free);
  g_free (route);
}

HyPolicyRoute *
hy_linker_get_policy_route (HyStore *store, const char *policy_id, GError **error)
{
  g_autoptr (HyPolicyRoute) route = g_new0 (HyPolicyRoute, 1);
  g_autoptr (GError) local_error = NULL;

  g_return_val_if_fail (HY_IS_STORE (store), NULL);
  g_return_val_if_fail (policy_id != NULL, NULL);

  route->policy_id = g_strdup (policy_id);
  route->defaults = hy_store_get_policy_defaults (store, policy_id, &local_error);
  if (route->defaults == NULL)
    {
      if (g_error_matches (local_error, HY_STORE_ERROR, HY_STORE_ERROR_NOT_FOUND))
        g_set_error (error, HY_LINKER_ERROR, HY_LINKER_ERROR_NOT_FOUND,
                     _ ("There is no policy with id “%s”."), policy_id);
      else
        g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  route->mapping = hy_store_get_policy_mapping (store, policy_id, &local_error);
  if (route->mapping == NULL &&
      !g_error_matches (local_error, HY_STORE_ERROR, HY_STORE_ERROR_NOT_FOUND))
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  return g_steal_pointer (&route);
}

static gboolean
restore_route (HyStore *store, gpointer user_data, GError **error)
{
  const HyPolicyRoute *route = user_data;

  if (route->mapping != NULL)
    {
      if (!hy_linker_map_policy (store, route->policy_id, route->mapping->ticket_type_id,
                                 route->mapping->close_status_id, error))
        return FALSE;
    }
  else if (!hy_linker_unmap_policy (store, route->policy_id, error))
    return FALSE;
  /* The defaults as they were: checked when they were saved; Halo's lists may have changed
   * since, and Undo puts back what was, not what would pass today. */
  return hy_store_set_policy_defaults (store, route->defaults, error);
}

gboolean
hy_linker_restore_policy_route (HyStore *store, const HyPolicyRoute *route, GError **error)
{
  g_return_val_if_fail (HY_IS_STORE (store), FALSE);
  g_return_val_if_fail (route != NULL && route->policy_id != NULL && route->defaults != NULL,
                        FALSE);

  return hy_store_transaction (store, restore_route, (gpointer) route, error);
}
