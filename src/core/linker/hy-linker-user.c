/* hy-linker-user.c: the Halo end user a policy's tickets are raised as
 *
 * Halo's end users (HALO-API §3.10) are many and belong to one client each, so Halyard does not
 * keep them in its cache: the user is read from Halo when it is chosen, and its client and site
 * are kept with the policy's defaults. A ticket's user_id needs the user's site with it (§3.8).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "hy-linker"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "linker/hy-linker-user.h"
#include "linker/hy-linker.h"

gboolean
hy_linker_check_policy_user (HyHaloRecord *user, GError **error)
{
  const char *name = hy_halo_record_get_name (user);

  if (name == NULL || *name == '\0')
    name = "?";
  if (hy_halo_record_get_boolean (user, "inactive"))
    {
      /* Translators: %s is a Halo end user's name */
      g_set_error (error, HY_LINKER_ERROR, HY_LINKER_ERROR_INVALID,
                   _ ("The Halo user “%s” is inactive in Halo: choose an active user, or none."),
                   name);
      return FALSE;
    }
  if (hy_halo_record_get_client_id (user) <= 0 || hy_halo_record_get_site_id (user) <= 0)
    {
      /* Translators: %s is a Halo end user's name */
      g_set_error (error, HY_LINKER_ERROR, HY_LINKER_ERROR_INVALID,
                   _ ("The Halo user “%s” belongs to no site, and Halo needs the user’s site to "
                      "raise a ticket as them: give the user a site in Halo, or choose another."),
                   name);
      return FALSE;
    }
  return TRUE;
}

void
hy_policy_defaults_set_user (HyPolicyDefaults *defaults, HyHaloRecord *user)
{
  g_return_if_fail (defaults != NULL);

  defaults->user_id = user != NULL ? hy_halo_record_get_id (user) : 0;
  defaults->user_client_id = user != NULL ? hy_halo_record_get_client_id (user) : 0;
  defaults->user_site_id = user != NULL ? hy_halo_record_get_site_id (user) : 0;
}

static int
compare_cache_names (gconstpointer a, gconstpointer b)
{
  const HyCacheRecord *ra = *(HyCacheRecord **) a;
  const HyCacheRecord *rb = *(HyCacheRecord **) b;

  return g_utf8_collate (ra->name != NULL ? ra->name : "", rb->name != NULL ? rb->name : "");
}

GPtrArray *
hy_linker_list_ticket_clients (HyStore *store, GError **error)
{
  HyStoreQuery query = HY_STORE_QUERY_INIT;
  g_autoptr (GPtrArray) links = NULL;
  g_autoptr (GPtrArray) groups = NULL;
  g_autoptr (GHashTable) seen = g_hash_table_new (g_int64_hash, g_int64_equal);
  g_autoptr (GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr (GPtrArray) clients =
      g_ptr_array_new_with_free_func ((GDestroyNotify) hy_cache_record_free);

  g_return_val_if_fail (HY_IS_STORE (store), NULL);

  links = hy_store_list_links (store, HY_RECORD_KIND_COMPANY, &query, error);
  if (links == NULL)
    return NULL;
  groups = hy_store_list_group_mappings (store, error);
  if (groups == NULL)
    return NULL;
  for (guint i = 0; i < links->len; i++)
    {
      HyLink *link = g_ptr_array_index (links, i);

      if (link->link.how != HY_LINK_HOW_NONE && link->link.halo_id > 0)
        g_array_append_val (ids, link->link.halo_id);
    }
  for (guint i = 0; i < groups->len; i++)
    g_array_append_val (ids, ((HyGroupMapping *) g_ptr_array_index (groups, i))->client_id);

  for (guint i = 0; i < ids->len; i++)
    {
      gint64 *id = &g_array_index (ids, gint64, i);
      HyCacheRecord *client;

      if (g_hash_table_contains (seen, id))
        continue;
      g_hash_table_add (seen, id);
      client = hy_store_cache_get (store, HY_CACHE_KIND_CLIENT, *id, NULL);
      if (client != NULL)
        g_ptr_array_add (clients, client);
    }
  g_ptr_array_sort (clients, compare_cache_names);
  return g_steal_pointer (&clients);
}

/* ------------------------------------------------------------------------- */
/* One user                                                                  */
/* ------------------------------------------------------------------------- */

static void
user_read_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  g_autoptr (HyHaloRecord) user = NULL;
  g_autoptr (GError) error = NULL;
  gint64 user_id = GPOINTER_TO_SIZE (g_task_get_task_data (task));

  user = hy_halo_client_record_finish (HY_HALO_CLIENT (source), result, &error);
  /* A Halo that answers an unknown id with an empty record is treated as the 404 it means. */
  if ((user == NULL && g_error_matches (error, HY_HALO_ERROR, HY_HALO_ERROR_NOT_FOUND)) ||
      (user != NULL && hy_halo_record_get_id (user) != user_id))
    {
      /* Translators: %lld is a Halo end user id */
      g_task_return_new_error (task, HY_LINKER_ERROR, HY_LINKER_ERROR_HALO_NOT_FOUND,
                               _ ("Halo has no user %lld. Check the id in Halo (Customers > "
                                  "Users), or choose another user."),
                               (long long) user_id);
      return;
    }
  if (user == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (!hy_linker_check_policy_user (user, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_task_return_pointer (task, g_steal_pointer (&user), (GDestroyNotify) hy_halo_record_unref);
}

void
hy_linker_fetch_policy_user_async (HyHaloClient *client,
                                   gint64 user_id,
                                   GCancellable *cancellable,
                                   GAsyncReadyCallback callback,
                                   gpointer user_data)
{
  g_autoptr (GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  g_autofree char *record = g_strdup_printf ("user:%" G_GINT64_FORMAT, user_id);

  g_return_if_fail (HY_IS_HALO_CLIENT (client));
  g_return_if_fail (user_id > 0);

  g_task_set_source_tag (task, hy_linker_fetch_policy_user_async);
  g_task_set_task_data (task, GSIZE_TO_POINTER ((gsize) user_id), NULL);
  hy_halo_client_get_record_async (client, HY_HALO_KIND_USER, user_id, NULL,
                                   HY_HALO_PRIORITY_INTERACTIVE, record, cancellable, user_read_cb,
                                   g_steal_pointer (&task));
}

HyHaloRecord *
hy_linker_fetch_policy_user_finish (GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ------------------------------------------------------------------------- */
/* A client's users                                                          */
/* ------------------------------------------------------------------------- */

static int
compare_names (gconstpointer a, gconstpointer b)
{
  HyHaloRecord *ra = *(HyHaloRecord **) a;
  HyHaloRecord *rb = *(HyHaloRecord **) b;
  g_autofree char *na = g_utf8_collate_key (hy_halo_record_get_name (ra) ?: "", -1);
  g_autofree char *nb = g_utf8_collate_key (hy_halo_record_get_name (rb) ?: "", -1);

  return strcmp (na, nb);
}

static void
users_listed_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  g_autoptr (HyHaloList) list = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) users = NULL;

  list = hy_halo_client_list_finish (HY_HALO_CLIENT (source), result, &error);
  if (list == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  users = g_ptr_array_new_with_free_func ((GDestroyNotify) hy_halo_record_unref);
  for (guint i = 0; i < list->records->len; i++)
    {
      HyHaloRecord *user = g_ptr_array_index (list->records, i);

      if (hy_linker_check_policy_user (user, NULL))
        g_ptr_array_add (users, hy_halo_record_ref (user));
    }
  g_ptr_array_sort (users, compare_names);
  g_task_return_pointer (task, g_steal_pointer (&users), (GDestroyNotify) g_ptr_array_unref);
}

void
hy_linker_list_policy_users_async (HyHaloClient *client,
                                   gint64 client_id,
                                   GCancellable *cancellable,
                                   GAsyncReadyCallback callback,
                                   gpointer user_data)
{
  g_autoptr (GTask) task = g_task_new (NULL, cancellable, callback, user_data);

  g_return_if_fail (HY_IS_HALO_CLIENT (client));
  g_return_if_fail (client_id > 0);

  g_task_set_source_tag (task, hy_linker_list_policy_users_async);
  hy_halo_client_list_users_async (client, client_id, HY_HALO_PRIORITY_INTERACTIVE, cancellable,
                                   users_listed_cb, g_steal_pointer (&task));
}

GPtrArray *
hy_linker_list_policy_users_finish (GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
