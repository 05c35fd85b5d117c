/* hy-linker-links.c: manual links, suggestions of one record and group/policy mappings
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "hy-linker"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "hy-linker-private.h"


/* ------------------------------------------------------------------------- */
/* Manual links                                                              */
/* ------------------------------------------------------------------------- */

/* The local record, or a NOT_FOUND linker error. */
static gpointer
get_record (HyStore *store, HyRecordKind kind, const char *id, GError **error)
{
  g_autoptr (GError) local_error = NULL;
  gpointer record = hy_store_get (store, kind, id, &local_error);

  if (record != NULL)
    return record;
  if (g_error_matches (local_error, HY_STORE_ERROR, HY_STORE_ERROR_NOT_FOUND))
    hy_linker_set_not_found (error, kind, id);
  else
    g_propagate_error (error, g_steal_pointer (&local_error));
  return NULL;
}

static HyCacheRecord *
get_halo (HyStore *store, HyCacheKind kind, gint64 halo_id, GError **error)
{
  g_autoptr (GError) local_error = NULL;
  HyCacheRecord *record = NULL;

  if (halo_id > 0)
    record = hy_store_cache_get (store, kind, halo_id, &local_error);
  if (record != NULL)
    return record;
  if (halo_id <= 0 || g_error_matches (local_error, HY_STORE_ERROR, HY_STORE_ERROR_NOT_FOUND))
    hy_linker_set_halo_not_found (error, kind, halo_id);
  else
    g_propagate_error (error, g_steal_pointer (&local_error));
  return NULL;
}

static gboolean
check_linkable (HyRecordKind kind, GError **error)
{
  if (hy_linker_halo_kind (kind, NULL))
    return TRUE;
  g_set_error (error, HY_LINKER_ERROR, HY_LINKER_ERROR_NOT_LINKABLE,
               /* Translators: %s is a record kind such as “group” (not translated: it is a
                * command-line keyword) */
               _ ("Records of kind “%s” cannot be linked to Halo; only companies, locations, "
                  "computers and users can."),
               hy_record_kind_to_string (kind));
  return FALSE;
}

/* The client the company of a location or computer is linked to, checking it is linked. */
static gboolean
check_company_linked (HyStore *store,
                      HyRecordKind kind,
                      const char *local_name,
                      const char *company_id,
                      gint64 *out_client_id,
                      GError **error)
{
  g_autoptr (HyCompany) company = NULL;

  if (company_id == NULL || company_id[0] == '\0')
    {
      g_set_error (error, HY_LINKER_ERROR, HY_LINKER_ERROR_NO_COMPANY,
                   /* Translators: %s is a computer's name */
                   _ ("Computer “%s” belongs to no company, so it cannot be linked to a Halo "
                      "asset. Give it a company in the inventory, link that company, then link "
                      "the computer."),
                   local_name);
      return FALSE;
    }

  company = get_record (store, HY_RECORD_KIND_COMPANY, company_id, error);
  if (company == NULL)
    return FALSE;

  if (company->link.how == HY_LINK_HOW_NONE)
    {
      if (kind == HY_RECORD_KIND_COMPUTER)
        g_set_error (error, HY_LINKER_ERROR, HY_LINKER_ERROR_COMPANY_NOT_LINKED,
                     /* Translators: the first %s is a computer's name, the second its
                      * company's */
                     _ ("Computer “%s” cannot be linked until its company “%s” is linked to a "
                        "Halo client. Link the company first."),
                     local_name, company->name);
      else
        g_set_error (error, HY_LINKER_ERROR, HY_LINKER_ERROR_COMPANY_NOT_LINKED,
                     /* Translators: the first %s is a location's name, the second its
                      * company's */
                     _ ("Location “%s” cannot be linked until its company “%s” is linked to a "
                        "Halo client. Link the company first."),
                     local_name, company->name);
      return FALSE;
    }

  *out_client_id = company->link.halo_id;
  return TRUE;
}

/* Drops the links of the company's locations and computers that do not point into
 * @client_id (0: the company is no longer linked, so all of them). */
static gboolean
clear_dependents (HyStore *store, const char *company_id, gint64 client_id, GError **error)
{
  const HyRecordKind kinds[] = { HY_RECORD_KIND_LOCATION, HY_RECORD_KIND_COMPUTER };
  HyStoreQuery query = HY_STORE_QUERY_INIT;

  query.company_id = company_id;

  for (guint k = 0; k < G_N_ELEMENTS (kinds); k++)
    {
      g_autoptr (GPtrArray) records = hy_store_list (store, kinds[k], &query, error);
      HyCacheKind halo_kind;

      if (records == NULL)
        return FALSE;
      hy_linker_halo_kind (kinds[k], &halo_kind);

      for (guint i = 0; i < records->len; i++)
        {
          gconstpointer record = g_ptr_array_index (records, i);
          const HyLinkInfo *link = hy_record_get_link (kinds[k], record);
          g_autoptr (HyCacheRecord) halo = NULL;

          if (link == NULL || link->how == HY_LINK_HOW_NONE)
            continue;
          if (client_id != 0)
            {
              halo = hy_store_cache_get (store, halo_kind, link->halo_id, NULL);
              if (halo != NULL && halo->client_id == client_id)
                continue;
            }
          if (!hy_store_link_clear (store, kinds[k], hy_record_get_id (kinds[k], record), error))
            return FALSE;
        }
    }

  return TRUE;
}

gboolean
hy_linker_set_link (HyStore *store,
                    HyRecordKind kind,
                    const char *local_id,
                    gint64 halo_id,
                    HyLink **out_link,
                    GError **error)
{
  g_autoptr (HyCacheRecord) halo = NULL;
  HyCacheKind halo_kind;
  gpointer record;
  const char *name;
  const HyLinkInfo *previous;
  gint64 client_id = 0;
  gboolean ok = TRUE;

  g_return_val_if_fail (HY_IS_STORE (store), FALSE);
  g_return_val_if_fail (local_id != NULL, FALSE);

  if (!check_linkable (kind, error))
    return FALSE;
  hy_linker_halo_kind (kind, &halo_kind);

  record = get_record (store, kind, local_id, error);
  if (record == NULL)
    return FALSE;
  name = hy_record_get_name (kind, record);
  previous = hy_record_get_link (kind, record);

  /* The company comes first: nothing a location or computer links to is valid without it. */
  if (kind == HY_RECORD_KIND_LOCATION || kind == HY_RECORD_KIND_COMPUTER)
    {
      const char *company_id = kind == HY_RECORD_KIND_LOCATION
                                   ? ((const HyLocation *) record)->company_id
                                   : ((const HyComputer *) record)->company_id;

      ok = check_company_linked (store, kind, name, company_id, &client_id, error);
    }

  if (ok)
    {
      halo = get_halo (store, halo_kind, halo_id, error);
      ok = halo != NULL;
    }

  if (ok && (kind == HY_RECORD_KIND_LOCATION || kind == HY_RECORD_KIND_COMPUTER))
    {
      if (halo->client_id != client_id)
        {
          g_autofree char *halo_text = g_strdup_printf ("%" G_GINT64_FORMAT, halo_id);
          g_autofree char *client_text = g_strdup_printf ("%" G_GINT64_FORMAT, client_id);

          if (kind == HY_RECORD_KIND_LOCATION)
            g_set_error (error, HY_LINKER_ERROR, HY_LINKER_ERROR_WRONG_CLIENT,
                         /* Translators: the first %s is a Halo site id, the second a Halo
                          * client id, the third a local location's name */
                         _ ("Halo site %s does not belong to Halo client %s, to which the "
                            "company of location “%s” is linked. Choose one of that client's "
                            "sites."),
                         halo_text, client_text, name);
          else
            g_set_error (error, HY_LINKER_ERROR, HY_LINKER_ERROR_WRONG_CLIENT,
                         /* Translators: the first %s is a Halo asset id, the second a Halo
                          * client id, the third a local computer's name */
                         _ ("Halo asset %s does not belong to Halo client %s, to which the "
                            "company of computer “%s” is linked. Choose one of that client's "
                            "assets."),
                         halo_text, client_text, name);
          ok = FALSE;
        }
    }

  if (ok)
    ok = hy_store_begin (store, error);
  if (ok)
    {
      ok = hy_store_link_set (store, kind, local_id, halo->id, halo->name, HY_LINK_HOW_MANUAL,
                              error);
      if (ok && kind == HY_RECORD_KIND_COMPANY &&
          (previous == NULL || previous->how == HY_LINK_HOW_NONE || previous->halo_id != halo->id))
        ok = clear_dependents (store, local_id, halo->id, error);
      if (ok)
        ok = hy_store_commit (store, error);
      else
        hy_store_rollback (store);
    }

  if (ok && out_link != NULL)
    *out_link = hy_linker_link_new (kind, local_id, name, HY_LINK_HOW_MANUAL, halo->id, halo->name);

  hy_record_free (kind, record);
  return ok;
}

gboolean
hy_linker_accept_suggestion (HyStore *store,
                             const HyLinkerSuggestion *suggestion,
                             HyLink **out_link,
                             GError **error)
{
  g_return_val_if_fail (suggestion != NULL, FALSE);

  return hy_linker_set_link (store, suggestion->kind, suggestion->id, suggestion->halo_id, out_link,
                             error);
}

gboolean
hy_linker_reject_suggestion (HyStore *store, const HyLinkerSuggestion *suggestion, GError **error)
{
  gpointer record;

  g_return_val_if_fail (HY_IS_STORE (store), FALSE);
  g_return_val_if_fail (suggestion != NULL && suggestion->id != NULL, FALSE);

  if (!check_linkable (suggestion->kind, error))
    return FALSE;
  record = get_record (store, suggestion->kind, suggestion->id, error);
  if (record == NULL)
    return FALSE;
  hy_record_free (suggestion->kind, record);

  return hy_store_link_reject (store, suggestion->kind, suggestion->id, suggestion->halo_id, error);
}

static gboolean
has_halo_id (GPtrArray *suggestions, gint64 halo_id)
{
  for (guint i = 0; i < suggestions->len; i++)
    if (((HyLinkerSuggestion *) g_ptr_array_index (suggestions, i))->halo_id == halo_id)
      return TRUE;
  return FALSE;
}

/* The Halo records a local record may link to: the cache of its kind, within the Halo client its
 * company is linked to (for a location or a computer, whose company must be linked first). */
static GPtrArray *
list_halo_candidates (HyStore *store,
                      HyRecordKind kind,
                      gpointer record,
                      const char *name,
                      GError **error)
{
  HyStoreQuery query = HY_STORE_QUERY_INIT;
  HyCacheKind halo_kind;

  hy_linker_halo_kind (kind, &halo_kind);
  if (kind == HY_RECORD_KIND_LOCATION || kind == HY_RECORD_KIND_COMPUTER)
    {
      const char *company_id = kind == HY_RECORD_KIND_LOCATION
                                   ? ((const HyLocation *) record)->company_id
                                   : ((const HyComputer *) record)->company_id;

      if (!check_company_linked (store, kind, name, company_id, &query.halo_client_id, error))
        return NULL;
    }
  return hy_store_cache_list (store, halo_kind, &query, error);
}

/* Adds to @found the exact matches of @record in @index (same name, e-mail address for a user,
 * or serial number for a computer of no same name): what auto-link would link, were there only
 * one. */
static void
add_exact_suggestions (HyRecordKind kind,
                       const char *local_id,
                       const char *name,
                       gpointer record,
                       HyLinkerIndex *index,
                       GPtrArray *found)
{
  g_autofree char *key = NULL;
  GPtrArray *exact = NULL;
  const char *exact_evidence;

  /* Translators: evidence for a suggested link: the names are equal */
  exact_evidence = _ ("same name");
  if (kind == HY_RECORD_KIND_USER)
    {
      key = hy_linker_email_key (((const HyUser *) record)->email);
      exact = hy_linker_multimap_lookup (index->email, key);
      /* Translators: evidence for linking a technician to a Halo agent */
      exact_evidence = _ ("same e-mail address");
    }
  else
    {
      key = hy_linker_exact_key (name);
      exact = hy_linker_multimap_lookup (index->exact, key);
      if (exact == NULL && kind == HY_RECORD_KIND_COMPUTER)
        {
          g_autofree char *serial = hy_linker_serial_key (((const HyComputer *) record)->serial);

          exact = hy_linker_multimap_lookup (index->serial, serial);
          /* Translators: evidence for linking a computer to a Halo asset */
          exact_evidence = _ ("same serial number");
        }
    }

  for (guint i = 0; exact != NULL && i < exact->len; i++)
    {
      HyCacheRecord *halo_record = g_ptr_array_index (exact, i);
      g_autoptr (GStrvBuilder) builder = g_strv_builder_new ();

      g_strv_builder_add (builder, exact_evidence);
      if (halo_record->inactive)
        g_strv_builder_add (builder, _ ("inactive in Halo"));
      g_ptr_array_add (found,
                       hy_linker_suggestion_new (kind, local_id, name, halo_record,
                                                 halo_record->inactive ? INACTIVE_SCORE : 1.0,
                                                 g_strv_builder_end (builder)));
    }
}

GPtrArray *
hy_linker_suggest (HyStore *store, HyRecordKind kind, const char *local_id, GError **error)
{
  g_autoptr (GPtrArray) suggestions =
      g_ptr_array_new_with_free_func ((GDestroyNotify) hy_linker_suggestion_free);
  g_autoptr (GPtrArray) exact_found =
      g_ptr_array_new_with_free_func ((GDestroyNotify) hy_linker_suggestion_free);
  g_autoptr (GPtrArray) halo = NULL;
  const char *name;
  const char *email = NULL;
  gboolean ok;
  gpointer record;
  HyLinkerIndex *index;

  g_return_val_if_fail (HY_IS_STORE (store), NULL);
  g_return_val_if_fail (local_id != NULL, NULL);

  if (!check_linkable (kind, error))
    return NULL;
  record = get_record (store, kind, local_id, error);
  if (record == NULL)
    return NULL;
  name = hy_record_get_name (kind, record);

  halo = list_halo_candidates (store, kind, record, name, error);
  if (halo == NULL)
    {
      hy_record_free (kind, record);
      return NULL;
    }

  index = hy_linker_index_new (halo);

  /* Exact matches first, then the others without them, best first. */
  add_exact_suggestions (kind, local_id, name, record, index, exact_found);
  if (kind == HY_RECORD_KIND_USER)
    email = ((const HyUser *) record)->email;
  ok = hy_linker_drop_rejected (store, kind, local_id, exact_found, error) &&
       hy_linker_collect_suggestions (store, kind, local_id, name, email, index, NULL, suggestions,
                                      error);

  if (ok)
    {
      for (guint i = suggestions->len; i > 0; i--)
        if (has_halo_id (exact_found, ((HyLinkerSuggestion *) suggestions->pdata[i - 1])->halo_id))
          g_ptr_array_remove_index (suggestions, i - 1);
      g_ptr_array_extend_and_steal (exact_found, g_steal_pointer (&suggestions));
      g_ptr_array_sort (exact_found, hy_linker_compare_suggestions);
    }

  hy_linker_index_free (index);
  hy_record_free (kind, record);
  return ok ? g_steal_pointer (&exact_found) : NULL;
}

gboolean
hy_linker_clear_link (HyStore *store, HyRecordKind kind, const char *local_id, GError **error)
{
  gpointer record;

  g_return_val_if_fail (HY_IS_STORE (store), FALSE);
  g_return_val_if_fail (local_id != NULL, FALSE);

  if (!check_linkable (kind, error))
    return FALSE;
  record = get_record (store, kind, local_id, error);
  if (record == NULL)
    return FALSE;
  hy_record_free (kind, record);

  if (!hy_store_begin (store, error))
    return FALSE;
  if (!hy_store_link_clear (store, kind, local_id, error) ||
      (kind == HY_RECORD_KIND_COMPANY && !clear_dependents (store, local_id, 0, error)))
    {
      hy_store_rollback (store);
      return FALSE;
    }
  return hy_store_commit (store, error);
}

GPtrArray *
hy_linker_list_links (HyStore *store,
                      gboolean all_kinds,
                      HyRecordKind kind,
                      gboolean unlinked_only,
                      GError **error)
{
  const HyRecordKind kinds[] = { HY_RECORD_KIND_COMPANY, HY_RECORD_KIND_LOCATION,
                                 HY_RECORD_KIND_COMPUTER, HY_RECORD_KIND_USER };
  g_autoptr (GPtrArray) links = g_ptr_array_new_with_free_func ((GDestroyNotify) hy_link_free);
  HyStoreQuery query = HY_STORE_QUERY_INIT;

  g_return_val_if_fail (HY_IS_STORE (store), NULL);

  if (!all_kinds && !check_linkable (kind, error))
    return NULL;

  query.unlinked_only = unlinked_only;
  for (guint k = 0; k < G_N_ELEMENTS (kinds); k++)
    {
      g_autoptr (GPtrArray) some = NULL;

      if (!all_kinds && kinds[k] != kind)
        continue;
      some = hy_store_list_links (store, kinds[k], &query, error);
      if (some == NULL)
        return NULL;
      g_ptr_array_set_free_func (some, NULL);
      g_ptr_array_extend_and_steal (links, g_steal_pointer (&some));
    }

  return g_steal_pointer (&links);
}

/* ------------------------------------------------------------------------- */
/* Routes                                                                    */
/* ------------------------------------------------------------------------- */

static gboolean
check_exists (HyStore *store, HyRecordKind kind, const char *id, GError **error)
{
  gboolean exists = FALSE;

  if (id == NULL || id[0] == '\0' || !hy_store_exists (store, kind, id, &exists, error))
    {
      if (id == NULL || id[0] == '\0')
        hy_linker_set_not_found (error, kind, id != NULL ? id : "");
      return FALSE;
    }
  if (!exists)
    hy_linker_set_not_found (error, kind, id);
  return exists;
}

gboolean
hy_linker_map_group (HyStore *store,
                     const char *group_id,
                     gint64 client_id,
                     gint64 site_id,
                     GError **error)
{
  g_autoptr (HyCacheRecord) client = NULL;

  g_return_val_if_fail (HY_IS_STORE (store), FALSE);

  if (!check_exists (store, HY_RECORD_KIND_GROUP, group_id, error))
    return FALSE;
  client = get_halo (store, HY_CACHE_KIND_CLIENT, client_id, error);
  if (client == NULL)
    return FALSE;

  if (site_id != 0)
    {
      g_autoptr (HyCacheRecord) site = get_halo (store, HY_CACHE_KIND_SITE, site_id, error);

      if (site == NULL)
        return FALSE;
      if (site->client_id != client_id)
        {
          g_autofree char *site_text = g_strdup_printf ("%" G_GINT64_FORMAT, site_id);
          g_autofree char *client_text = g_strdup_printf ("%" G_GINT64_FORMAT, client_id);

          g_set_error (error, HY_LINKER_ERROR, HY_LINKER_ERROR_WRONG_CLIENT,
                       /* Translators: the first %s is a Halo site id, the second and third are
                        * Halo client ids, the fourth a client's name */
                       _ ("Halo site %s belongs to another client than Halo client %s (“%s”). "
                          "Choose one of that client's sites, or no site for its main site."),
                       site_text, client_text, client->name ? client->name : "");
          return FALSE;
        }
    }

  return hy_store_map_group (store, group_id, client_id, site_id, error);
}

gboolean
hy_linker_map_policy (HyStore *store,
                      const char *policy_id,
                      gint64 ticket_type_id,
                      gint64 close_status_id,
                      GError **error)
{
  g_autoptr (HyCacheRecord) ticket_type = NULL;

  g_return_val_if_fail (HY_IS_STORE (store), FALSE);

  if (!check_exists (store, HY_RECORD_KIND_POLICY, policy_id, error))
    return FALSE;
  ticket_type = get_halo (store, HY_CACHE_KIND_TICKET_TYPE, ticket_type_id, error);
  if (ticket_type == NULL)
    return FALSE;
  if (close_status_id != 0)
    {
      g_autoptr (HyCacheRecord) status =
          get_halo (store, HY_CACHE_KIND_STATUS, close_status_id, error);
      if (status == NULL)
        return FALSE;
    }

  return hy_store_map_policy (store, policy_id, ticket_type_id, close_status_id, error);
}

static gboolean
ignore_not_found (gboolean ok, GError *local_error, GError **error)
{
  if (ok)
    return TRUE;
  if (g_error_matches (local_error, HY_STORE_ERROR, HY_STORE_ERROR_NOT_FOUND))
    {
      g_error_free (local_error);
      return TRUE;
    }
  g_propagate_error (error, local_error);
  return FALSE;
}

gboolean
hy_linker_unmap_group (HyStore *store, const char *group_id, GError **error)
{
  GError *local_error = NULL;
  gboolean ok;

  g_return_val_if_fail (HY_IS_STORE (store), FALSE);

  if (!check_exists (store, HY_RECORD_KIND_GROUP, group_id, error))
    return FALSE;
  ok = hy_store_unmap_group (store, group_id, &local_error);
  return ignore_not_found (ok, local_error, error);
}

gboolean
hy_linker_unmap_policy (HyStore *store, const char *policy_id, GError **error)
{
  GError *local_error = NULL;
  gboolean ok;

  g_return_val_if_fail (HY_IS_STORE (store), FALSE);

  if (!check_exists (store, HY_RECORD_KIND_POLICY, policy_id, error))
    return FALSE;
  ok = hy_store_unmap_policy (store, policy_id, &local_error);
  return ignore_not_found (ok, local_error, error);
}

gboolean
hy_linker_resolve_group_mapping (HyStore *store,
                                 const char *group_id,
                                 HyGroupMapping **out_mapping,
                                 GError **error)
{
  g_autoptr (GHashTable) visited = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autofree char *current = NULL;
  gboolean first = TRUE;

  g_return_val_if_fail (HY_IS_STORE (store), FALSE);
  g_return_val_if_fail (out_mapping != NULL, FALSE);

  *out_mapping = NULL;
  current = g_strdup (group_id);

  /* Walks up the parents; a cycle (which the store should never hold) ends the walk. */
  while (current != NULL && g_hash_table_add (visited, g_strdup (current)))
    {
      g_autoptr (GError) local_error = NULL;
      g_autoptr (HyGroup) group = NULL;
      HyGroupMapping *mapping;

      if (first)
        group = get_record (store, HY_RECORD_KIND_GROUP, current, error);
      else
        group = hy_store_get (store, HY_RECORD_KIND_GROUP, current, &local_error);
      if (group == NULL)
        {
          if (first)
            return FALSE;
          if (g_error_matches (local_error, HY_STORE_ERROR, HY_STORE_ERROR_NOT_FOUND))
            return TRUE; /* a parent that is not (yet) there maps nothing */
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
      first = FALSE;

      mapping = hy_store_get_group_mapping (store, current, &local_error);
      if (mapping != NULL)
        {
          *out_mapping = mapping;
          return TRUE;
        }
      if (!g_error_matches (local_error, HY_STORE_ERROR, HY_STORE_ERROR_NOT_FOUND))
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }

      g_free (current);
      current = g_strdup (group->parent_id);
    }

  return TRUE;
}
