/* hy-linker-auto.c: auto-link: the exact matches linked, the others suggested
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "hy-linker"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "hy-linker-private.h"

/* ------------------------------------------------------------------------- */

static gint64 *
dup_id (gint64 id)
{
  return g_memdup2 (&id, sizeof id);
}

static GHashTable *
id_table_new (void)
{
  return g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
}

typedef struct
{
  HyStore *store;
  gboolean dry_run;
  GHashTable *only; /* "kind:id" of the records to link; NULL: all */
  GCancellable *cancellable;
  HyLinkerResult *result;

  GPtrArray *halo[HY_N_CACHE_KINDS]; /* owned HyCacheRecord * of the kinds the linker uses */
  GHashTable *by_id[HY_N_CACHE_KINDS];
  HyLinkerIndex *clients;
  HyLinkerIndex *agents;
  GHashTable *sites_of_client;  /* client id → GPtrArray of borrowed sites */
  GHashTable *assets_of_client; /* client id → GPtrArray of borrowed assets */
  GHashTable *site_index;       /* client id → HyLinkerIndex *, built on first use */
  GHashTable *asset_index;      /* client id → HyLinkerIndex *, built on first use */
  GHashTable *company_client;   /* company id → gint64 * client id, after the company pass */
} AutoLink;

static void
auto_link_clear (AutoLink *self)
{
  for (guint i = 0; i < HY_N_CACHE_KINDS; i++)
    {
      g_clear_pointer (&self->by_id[i], g_hash_table_unref);
      g_clear_pointer (&self->halo[i], g_ptr_array_unref);
    }
  g_clear_pointer (&self->clients, hy_linker_index_free);
  g_clear_pointer (&self->agents, hy_linker_index_free);
  g_clear_pointer (&self->sites_of_client, g_hash_table_unref);
  g_clear_pointer (&self->assets_of_client, g_hash_table_unref);
  g_clear_pointer (&self->site_index, g_hash_table_unref);
  g_clear_pointer (&self->asset_index, g_hash_table_unref);
  g_clear_pointer (&self->company_client, g_hash_table_unref);
  g_clear_pointer (&self->result, hy_linker_result_free);
}

static GHashTable *
group_by_client (GPtrArray *records)
{
  GHashTable *table = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free,
                                             (GDestroyNotify) g_ptr_array_unref);

  for (guint i = 0; i < records->len; i++)
    {
      HyCacheRecord *record = g_ptr_array_index (records, i);
      GPtrArray *list = g_hash_table_lookup (table, &record->client_id);

      if (list == NULL)
        {
          list = g_ptr_array_new ();
          g_hash_table_insert (table, dup_id (record->client_id), list);
        }
      g_ptr_array_add (list, record);
    }

  return table;
}

static gboolean
auto_link_load (AutoLink *self, GError **error)
{
  const HyCacheKind kinds[] = { HY_CACHE_KIND_CLIENT, HY_CACHE_KIND_SITE, HY_CACHE_KIND_ASSET,
                                HY_CACHE_KIND_AGENT };

  for (guint k = 0; k < G_N_ELEMENTS (kinds); k++)
    {
      HyCacheKind kind = kinds[k];

      self->halo[kind] = hy_store_cache_list (self->store, kind, NULL, error);
      if (self->halo[kind] == NULL)
        return FALSE;
      self->by_id[kind] = id_table_new ();
      for (guint i = 0; i < self->halo[kind]->len; i++)
        {
          HyCacheRecord *record = g_ptr_array_index (self->halo[kind], i);
          g_hash_table_insert (self->by_id[kind], dup_id (record->id), record);
        }
    }

  self->clients = hy_linker_index_new (self->halo[HY_CACHE_KIND_CLIENT]);
  self->agents = hy_linker_index_new (self->halo[HY_CACHE_KIND_AGENT]);
  self->sites_of_client = group_by_client (self->halo[HY_CACHE_KIND_SITE]);
  self->assets_of_client = group_by_client (self->halo[HY_CACHE_KIND_ASSET]);
  self->site_index = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free,
                                            (GDestroyNotify) hy_linker_index_free);
  self->asset_index = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free,
                                             (GDestroyNotify) hy_linker_index_free);
  self->company_client = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  return TRUE;
}

static HyLinkerIndex *
client_scope (GHashTable *indexes, GHashTable *records_of_client, gint64 client_id)
{
  HyLinkerIndex *index = g_hash_table_lookup (indexes, &client_id);

  if (index == NULL)
    {
      index = hy_linker_index_new (g_hash_table_lookup (records_of_client, &client_id));
      g_hash_table_insert (indexes, dup_id (client_id), index);
    }
  return index;
}

static HyCacheRecord *
halo_lookup (AutoLink *self, HyCacheKind kind, gint64 id)
{
  return g_hash_table_lookup (self->by_id[kind], &id);
}


static void
add_ambiguous (AutoLink *self,
               HyRecordKind kind,
               const char *id,
               const char *name,
               GPtrArray *candidates)
{
  HyLinkerAmbiguous *ambiguous = g_new0 (HyLinkerAmbiguous, 1);

  ambiguous->kind = kind;
  ambiguous->id = g_strdup (id);
  ambiguous->name = g_strdup (name);
  ambiguous->candidates = g_array_sized_new (FALSE, FALSE, sizeof (gint64), candidates->len);
  for (guint i = 0; i < candidates->len; i++)
    {
      const HyCacheRecord *record = g_ptr_array_index (candidates, i);
      g_array_append_val (ambiguous->candidates, record->id);
    }
  g_array_sort (ambiguous->candidates, hy_linker_compare_ids);
  g_ptr_array_add (self->result->ambiguous, ambiguous);
}

static gboolean
has_active (GPtrArray *records)
{
  for (guint i = 0; records != NULL && i < records->len; i++)
    if (!((HyCacheRecord *) g_ptr_array_index (records, i))->inactive)
      return TRUE;
  return FALSE;
}

/* Splits @records into the active ones (returned) and the inactive ones (*out_inactive). */
static GPtrArray *
split_active (GPtrArray *records, GPtrArray **out_inactive)
{
  GPtrArray *active = g_ptr_array_new ();

  *out_inactive = g_ptr_array_new ();
  for (guint i = 0; records != NULL && i < records->len; i++)
    {
      HyCacheRecord *record = g_ptr_array_index (records, i);
      g_ptr_array_add (record->inactive ? *out_inactive : active, record);
    }
  return active;
}

/* Decides one record given its exact candidates. *out_halo_id: the Halo record it is linked to
 * afterwards (0: none). */
static gboolean
decide (AutoLink *self,
        HyRecordKind kind,
        const char *id,
        const char *name,
        const char *email,
        HyLinkHow how,
        gint64 current,
        GPtrArray *exact,
        HyLinkerIndex *index,
        gint64 *out_halo_id,
        GError **error)
{
  g_autoptr (GPtrArray) inactive = NULL;
  g_autoptr (GPtrArray) active = split_active (exact, &inactive);

  *out_halo_id = how != HY_LINK_HOW_NONE ? current : 0;

  if (active->len == 1)
    {
      HyCacheRecord *record = g_ptr_array_index (active, 0);

      if (how == HY_LINK_HOW_AUTO && current == record->id)
        return TRUE;

      if (!self->dry_run && !hy_store_link_set (self->store, kind, id, record->id, record->name,
                                                HY_LINK_HOW_AUTO, error))
        return FALSE;
      g_ptr_array_add (self->result->linked, hy_linker_link_new (kind, id, name, HY_LINK_HOW_AUTO,
                                                                 record->id, record->name));
      *out_halo_id = record->id;
      return TRUE;
    }

  /* An existing automatic link stays until a single exact match replaces it. */
  if (how != HY_LINK_HOW_NONE)
    return TRUE;

  if (active->len > 1)
    add_ambiguous (self, kind, id, name, active);
  else if (!hy_linker_collect_suggestions (self->store, kind, id, name, email, index, inactive,
                                           self->result->suggestions, error))
    return FALSE;

  return TRUE;
}

/* Whether the run may link (or suggest for) the record. */
static gboolean
in_scope (AutoLink *self, HyRecordKind kind, const char *id)
{
  g_autofree char *key = NULL;

  if (self->only == NULL)
    return TRUE;
  key = g_strdup_printf ("%s:%s", hy_record_kind_to_string (kind), id);
  return g_hash_table_contains (self->only, key);
}

static gboolean
auto_link_companies (AutoLink *self, GError **error)
{
  g_autoptr (GPtrArray) companies =
      hy_store_list (self->store, HY_RECORD_KIND_COMPANY, NULL, error);

  if (companies == NULL)
    return FALSE;

  for (guint i = 0; i < companies->len; i++)
    {
      if (i % 1024 == 0 && g_cancellable_set_error_if_cancelled (self->cancellable, error))
        return FALSE;
      const HyCompany *company = g_ptr_array_index (companies, i);
      g_autofree char *key = hy_linker_exact_key (company->name);
      gint64 client_id = company->link.halo_id;

      if (company->link.how != HY_LINK_HOW_MANUAL &&
          in_scope (self, HY_RECORD_KIND_COMPANY, company->id) &&
          !decide (self, HY_RECORD_KIND_COMPANY, company->id, company->name, NULL,
                   company->link.how, company->link.halo_id,
                   hy_linker_multimap_lookup (self->clients->exact, key), self->clients, &client_id,
                   error))
        return FALSE;

      if (client_id != 0)
        g_hash_table_insert (self->company_client, g_strdup (company->id), dup_id (client_id));
    }

  return TRUE;
}

static gint64
company_client (AutoLink *self, const char *company_id)
{
  const gint64 *client_id =
      company_id != NULL ? g_hash_table_lookup (self->company_client, company_id) : NULL;

  return client_id != NULL ? *client_id : 0;
}

/* A link of a location or computer pointing outside its company's (new) client is dropped. */
static gboolean
drop_stale (AutoLink *self,
            HyRecordKind kind,
            const char *id,
            HyCacheKind halo_kind,
            gint64 client_id,
            HyLinkHow *how,
            gint64 *current,
            GError **error)
{
  const HyCacheRecord *record;

  if (*how == HY_LINK_HOW_NONE)
    return TRUE;
  record = halo_lookup (self, halo_kind, *current);
  if (record == NULL || (client_id != 0 && record->client_id == client_id))
    return TRUE; /* unknown to the cache (kept as is), or where it belongs */

  if (!self->dry_run && !hy_store_link_clear (self->store, kind, id, error))
    return FALSE;
  g_debug ("Dropped the link of %s %s: its company is no longer linked to client %" G_GINT64_FORMAT,
           hy_record_kind_to_string (kind), id, record->client_id);
  *how = HY_LINK_HOW_NONE;
  *current = 0;
  return TRUE;
}

static gboolean
auto_link_locations (AutoLink *self, GError **error)
{
  g_autoptr (GPtrArray) locations =
      hy_store_list (self->store, HY_RECORD_KIND_LOCATION, NULL, error);

  if (locations == NULL)
    return FALSE;

  for (guint i = 0; i < locations->len; i++)
    {
      if (i % 1024 == 0 && g_cancellable_set_error_if_cancelled (self->cancellable, error))
        return FALSE;
      const HyLocation *location = g_ptr_array_index (locations, i);
      gint64 client_id = company_client (self, location->company_id);
      HyLinkHow how = location->link.how;
      gint64 current = location->link.halo_id;
      g_autofree char *key = NULL;
      HyLinkerIndex *index;
      gint64 ignored;

      if (!in_scope (self, HY_RECORD_KIND_LOCATION, location->id))
        continue;
      if (!drop_stale (self, HY_RECORD_KIND_LOCATION, location->id, HY_CACHE_KIND_SITE, client_id,
                       &how, &current, error))
        return FALSE;
      if (client_id == 0)
        {
          self->result->waiting_locations++;
          continue;
        }
      if (how == HY_LINK_HOW_MANUAL)
        continue;

      index = client_scope (self->site_index, self->sites_of_client, client_id);
      key = hy_linker_exact_key (location->name);
      if (!decide (self, HY_RECORD_KIND_LOCATION, location->id, location->name, NULL, how, current,
                   hy_linker_multimap_lookup (index->exact, key), index, &ignored, error))
        return FALSE;
    }

  return TRUE;
}

static gboolean
auto_link_computers (AutoLink *self, GError **error)
{
  g_autoptr (GPtrArray) computers =
      hy_store_list (self->store, HY_RECORD_KIND_COMPUTER, NULL, error);

  if (computers == NULL)
    return FALSE;

  for (guint i = 0; i < computers->len; i++)
    {
      if (i % 1024 == 0 && g_cancellable_set_error_if_cancelled (self->cancellable, error))
        return FALSE;
      const HyComputer *computer = g_ptr_array_index (computers, i);
      gint64 client_id = company_client (self, computer->company_id);
      HyLinkHow how = computer->link.how;
      gint64 current = computer->link.halo_id;
      g_autofree char *key = NULL;
      GPtrArray *exact;
      HyLinkerIndex *index;
      gint64 ignored;

      if (!in_scope (self, HY_RECORD_KIND_COMPUTER, computer->id))
        continue;
      if (!drop_stale (self, HY_RECORD_KIND_COMPUTER, computer->id, HY_CACHE_KIND_ASSET, client_id,
                       &how, &current, error))
        return FALSE;
      if (client_id == 0)
        {
          self->result->waiting_computers++;
          continue;
        }
      if (how == HY_LINK_HOW_MANUAL)
        continue;

      index = client_scope (self->asset_index, self->assets_of_client, client_id);
      key = hy_linker_exact_key (computer->name);
      exact = hy_linker_multimap_lookup (index->exact, key);
      if (!has_active (exact))
        {
          /* No active asset of that name: the serial number decides, if it finds one. */
          g_autofree char *serial = hy_linker_serial_key (computer->serial);
          GPtrArray *by_serial = hy_linker_multimap_lookup (index->serial, serial);

          if (has_active (by_serial) || exact == NULL)
            exact = by_serial;
        }

      if (!decide (self, HY_RECORD_KIND_COMPUTER, computer->id, computer->name, NULL, how, current,
                   exact, index, &ignored, error))
        return FALSE;
    }

  return TRUE;
}

static gboolean
auto_link_users (AutoLink *self, GError **error)
{
  g_autoptr (GPtrArray) users = hy_store_list (self->store, HY_RECORD_KIND_USER, NULL, error);

  if (users == NULL)
    return FALSE;

  for (guint i = 0; i < users->len; i++)
    {
      if (i % 1024 == 0 && g_cancellable_set_error_if_cancelled (self->cancellable, error))
        return FALSE;
      const HyUser *user = g_ptr_array_index (users, i);
      g_autofree char *key = hy_linker_email_key (user->email);
      gint64 ignored;

      if (user->link.how == HY_LINK_HOW_MANUAL || !in_scope (self, HY_RECORD_KIND_USER, user->id))
        continue;

      if (!decide (self, HY_RECORD_KIND_USER, user->id, user->name, user->email, user->link.how,
                   user->link.halo_id, hy_linker_multimap_lookup (self->agents->email, key),
                   self->agents, &ignored, error))
        return FALSE;
    }

  return TRUE;
}

HyLinkerResult *
hy_linker_auto_link (HyStore *store, gboolean dry_run, GError **error)
{
  return hy_linker_auto_link_some (store, NULL, dry_run, error);
}

/* A cancelled run rolls back what it wrote and fails with G_IO_ERROR_CANCELLED. */
static HyLinkerResult *
auto_link_run (HyStore *store,
               GHashTable *only,
               gboolean dry_run,
               GCancellable *cancellable,
               GError **error)
{
  AutoLink self = { 0 };
  gboolean ok;

  self.store = store;
  self.dry_run = dry_run;
  self.only = only;
  self.cancellable = cancellable;
  self.result = hy_linker_result_new (dry_run);

  if (!dry_run && !hy_store_begin (store, error))
    {
      auto_link_clear (&self);
      return NULL;
    }

  /* Companies first: locations and computers are linked within their company's client. */
  ok = auto_link_load (&self, error) && auto_link_companies (&self, error) &&
       auto_link_locations (&self, error) && auto_link_computers (&self, error) &&
       auto_link_users (&self, error);

  if (!dry_run)
    {
      if (ok)
        ok = hy_store_commit (store, error);
      else
        hy_store_rollback (store);
    }

  if (ok)
    {
      HyLinkerResult *result = g_steal_pointer (&self.result);
      auto_link_clear (&self);
      return result;
    }

  auto_link_clear (&self);
  return NULL;
}

HyLinkerResult *
hy_linker_auto_link_some (HyStore *store, GHashTable *only, gboolean dry_run, GError **error)
{
  g_return_val_if_fail (HY_IS_STORE (store), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return auto_link_run (store, only, dry_run, NULL, error);
}

typedef struct
{
  GHashTable *only;
  gboolean dry_run;
} AutoLinkTask;

static void
auto_link_task_free (AutoLinkTask *data)
{
  g_clear_pointer (&data->only, g_hash_table_unref);
  g_free (data);
}

static void
auto_link_thread (GTask *task,
                  gpointer source_object,
                  gpointer task_data,
                  GCancellable *cancellable)
{
  AutoLinkTask *data = task_data;
  GError *error = NULL;
  HyLinkerResult *result;

  result = auto_link_run (HY_STORE (source_object), data->only, data->dry_run, cancellable, &error);
  if (result == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, result, (GDestroyNotify) hy_linker_result_free);
}

void
hy_linker_auto_link_async (HyStore *store,
                           gboolean dry_run,
                           GCancellable *cancellable,
                           GAsyncReadyCallback callback,
                           gpointer user_data)
{
  hy_linker_auto_link_some_async (store, NULL, dry_run, cancellable, callback, user_data);
}

void
hy_linker_auto_link_some_async (HyStore *store,
                                GHashTable *only,
                                gboolean dry_run,
                                GCancellable *cancellable,
                                GAsyncReadyCallback callback,
                                gpointer user_data)
{
  g_autoptr (GTask) task = NULL;
  AutoLinkTask *data;

  g_return_if_fail (HY_IS_STORE (store));

  data = g_new0 (AutoLinkTask, 1);
  data->only = only != NULL ? g_hash_table_ref (only) : NULL;
  data->dry_run = dry_run;

  task = g_task_new (store, cancellable, callback, user_data);
  g_task_set_source_tag (task, hy_linker_auto_link_some_async);
  g_task_set_task_data (task, data, (GDestroyNotify) auto_link_task_free);
  g_task_run_in_thread (task, auto_link_thread);
}

HyLinkerResult *
hy_linker_auto_link_finish (HyStore *store, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, store), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
