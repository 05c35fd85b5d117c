/* hy-linker.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "hy-linker"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "hy-linker.h"
#include "hy-name-match.h"

/* How many suggestions one record gets at most. */
#define MAX_SUGGESTIONS_PER_RECORD 5
/* A user's suggestion by name alone (the e-mail did not match) scores this much of the name's. */
#define USER_NAME_ONLY_FACTOR 0.8
/* An exact name whose Halo record is inactive. */
#define INACTIVE_SCORE 0.9

GQuark
hy_linker_error_quark (void)
{
  return g_quark_from_static_string ("hy-linker-error-quark");
}

/* ------------------------------------------------------------------------- */
/* Errors                                                                    */
/* ------------------------------------------------------------------------- */

static void
set_not_found (GError **error, HyRecordKind kind, const char *id)
{
  switch (kind)
    {
      case HY_RECORD_KIND_COMPANY:
        g_set_error (error, HY_LINKER_ERROR, HY_LINKER_ERROR_NOT_FOUND,
                     _ ("There is no company with id “%s”."), id);
        return;
      case HY_RECORD_KIND_LOCATION:
        g_set_error (error, HY_LINKER_ERROR, HY_LINKER_ERROR_NOT_FOUND,
                     _ ("There is no location with id “%s”."), id);
        return;
      case HY_RECORD_KIND_COMPUTER:
        g_set_error (error, HY_LINKER_ERROR, HY_LINKER_ERROR_NOT_FOUND,
                     _ ("There is no computer with id “%s”."), id);
        return;
      case HY_RECORD_KIND_USER:
        g_set_error (error, HY_LINKER_ERROR, HY_LINKER_ERROR_NOT_FOUND,
                     _ ("There is no user with id “%s”."), id);
        return;
      case HY_RECORD_KIND_GROUP:
        g_set_error (error, HY_LINKER_ERROR, HY_LINKER_ERROR_NOT_FOUND,
                     _ ("There is no group with id “%s”."), id);
        return;
      case HY_RECORD_KIND_POLICY:
        g_set_error (error, HY_LINKER_ERROR, HY_LINKER_ERROR_NOT_FOUND,
                     _ ("There is no policy with id “%s”."), id);
        return;
      case HY_RECORD_KIND_ALERT:
      default:
        g_set_error (error, HY_LINKER_ERROR, HY_LINKER_ERROR_NOT_FOUND,
                     _ ("There is no alert with id “%s”."), id);
        return;
    }
}

static void
set_halo_not_found (GError **error, HyCacheKind kind, gint64 halo_id)
{
  g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, halo_id);

  switch (kind)
    {
      case HY_CACHE_KIND_CLIENT:
        /* Translators: %s is a Halo client id */
        g_set_error (error, HY_LINKER_ERROR, HY_LINKER_ERROR_HALO_NOT_FOUND,
                     _ ("Halo client %s is not among the Halo records Halyard knows. Check the id, "
                        "or refresh the Halo records if it was created recently."),
                     id);
        return;
      case HY_CACHE_KIND_SITE:
        /* Translators: %s is a Halo site id */
        g_set_error (error, HY_LINKER_ERROR, HY_LINKER_ERROR_HALO_NOT_FOUND,
                     _ ("Halo site %s is not among the Halo records Halyard knows. Check the id, "
                        "or refresh the Halo records if it was created recently."),
                     id);
        return;
      case HY_CACHE_KIND_ASSET:
        /* Translators: %s is a Halo asset id */
        g_set_error (error, HY_LINKER_ERROR, HY_LINKER_ERROR_HALO_NOT_FOUND,
                     _ ("Halo asset %s is not among the Halo records Halyard knows. Check the id, "
                        "or refresh the Halo records if it was created recently."),
                     id);
        return;
      case HY_CACHE_KIND_AGENT:
        /* Translators: %s is a Halo agent id */
        g_set_error (error, HY_LINKER_ERROR, HY_LINKER_ERROR_HALO_NOT_FOUND,
                     _ ("Halo agent %s is not among the Halo records Halyard knows. Check the id, "
                        "or refresh the Halo records if it was created recently."),
                     id);
        return;
      case HY_CACHE_KIND_TICKET_TYPE:
        /* Translators: %s is a Halo ticket type id */
        g_set_error (error, HY_LINKER_ERROR, HY_LINKER_ERROR_HALO_NOT_FOUND,
                     _ ("Halo ticket type %s is not among the Halo records Halyard knows. Check "
                        "the id, "
                        "or refresh the Halo records if it was created recently."),
                     id);
        return;
      case HY_CACHE_KIND_STATUS:
        /* Translators: %s is a Halo ticket status id */
        g_set_error (error, HY_LINKER_ERROR, HY_LINKER_ERROR_HALO_NOT_FOUND,
                     _ ("Halo status %s is not among the Halo records Halyard knows. Check the id, "
                        "or refresh the Halo records if it was created recently."),
                     id);
        return;
      case HY_CACHE_KIND_PRIORITY:
        /* Translators: %s is a Halo ticket priority id */
        g_set_error (error, HY_LINKER_ERROR, HY_LINKER_ERROR_HALO_NOT_FOUND,
                     _ ("Halo priority %s is not among the Halo records Halyard knows. Check the "
                        "id, or refresh the Halo records if it was created recently."),
                     id);
        return;
      case HY_CACHE_KIND_TEAM:
        /* Translators: %s is a Halo team id */
        g_set_error (error, HY_LINKER_ERROR, HY_LINKER_ERROR_HALO_NOT_FOUND,
                     _ ("Halo team %s is not among the Halo records Halyard knows. Check the id, "
                        "or refresh the Halo records if it was created recently."),
                     id);
        return;
      case HY_CACHE_KIND_OUTCOME:
      default:
        /* Translators: %s is a Halo action outcome id */
        g_set_error (error, HY_LINKER_ERROR, HY_LINKER_ERROR_HALO_NOT_FOUND,
                     _ ("Halo outcome %s is not among the Halo records Halyard knows. Check the "
                        "id, "
                        "or refresh the Halo records if it was created recently."),
                     id);
        return;
    }
}

/* ------------------------------------------------------------------------- */
/* Records                                                                   */
/* ------------------------------------------------------------------------- */

gboolean
hy_linker_halo_kind (HyRecordKind kind, HyCacheKind *out_halo_kind)
{
  HyCacheKind halo_kind;

  switch (kind)
    {
      case HY_RECORD_KIND_COMPANY:
        halo_kind = HY_CACHE_KIND_CLIENT;
        break;
      case HY_RECORD_KIND_LOCATION:
        halo_kind = HY_CACHE_KIND_SITE;
        break;
      case HY_RECORD_KIND_COMPUTER:
        halo_kind = HY_CACHE_KIND_ASSET;
        break;
      case HY_RECORD_KIND_USER:
        halo_kind = HY_CACHE_KIND_AGENT;
        break;
      case HY_RECORD_KIND_GROUP:
      case HY_RECORD_KIND_POLICY:
      case HY_RECORD_KIND_ALERT:
      default:
        return FALSE;
    }

  if (out_halo_kind != NULL)
    *out_halo_kind = halo_kind;
  return TRUE;
}

void
hy_linker_ambiguous_free (HyLinkerAmbiguous *ambiguous)
{
  if (ambiguous == NULL)
    return;
  g_free (ambiguous->id);
  g_free (ambiguous->name);
  g_clear_pointer (&ambiguous->candidates, g_array_unref);
  g_free (ambiguous);
}

HyLinkerSuggestion *
hy_linker_suggestion_copy (const HyLinkerSuggestion *suggestion)
{
  HyLinkerSuggestion *copy = g_new0 (HyLinkerSuggestion, 1);

  copy->kind = suggestion->kind;
  copy->id = g_strdup (suggestion->id);
  copy->name = g_strdup (suggestion->name);
  copy->halo_id = suggestion->halo_id;
  copy->halo_name = g_strdup (suggestion->halo_name);
  copy->score = suggestion->score;
  copy->evidence = g_strdupv (suggestion->evidence);
  return copy;
}

void
hy_linker_suggestion_free (HyLinkerSuggestion *suggestion)
{
  if (suggestion == NULL)
    return;
  g_free (suggestion->id);
  g_free (suggestion->name);
  g_free (suggestion->halo_name);
  g_strfreev (suggestion->evidence);
  g_free (suggestion);
}

static HyLinkerResult *
result_new (gboolean dry_run)
{
  HyLinkerResult *result = g_new0 (HyLinkerResult, 1);

  result->dry_run = dry_run;
  result->linked = g_ptr_array_new_with_free_func ((GDestroyNotify) hy_link_free);
  result->ambiguous = g_ptr_array_new_with_free_func ((GDestroyNotify) hy_linker_ambiguous_free);
  result->suggestions = g_ptr_array_new_with_free_func ((GDestroyNotify) hy_linker_suggestion_free);
  return result;
}

void
hy_linker_result_free (HyLinkerResult *result)
{
  if (result == NULL)
    return;
  g_clear_pointer (&result->linked, g_ptr_array_unref);
  g_clear_pointer (&result->ambiguous, g_ptr_array_unref);
  g_clear_pointer (&result->suggestions, g_ptr_array_unref);
  g_free (result);
}

static HyLink *
link_new (HyRecordKind kind,
          const char *id,
          const char *name,
          HyLinkHow how,
          gint64 halo_id,
          const char *halo_name)
{
  HyLink *link = g_new0 (HyLink, 1);

  link->kind = kind;
  link->id = g_strdup (id);
  link->name = g_strdup (name);
  link->link.how = how;
  link->link.halo_id = how == HY_LINK_HOW_NONE ? 0 : halo_id;
  link->link.halo_name = how == HY_LINK_HOW_NONE ? NULL : g_strdup (halo_name);
  return link;
}

/* ------------------------------------------------------------------------- */
/* Indexes of the Halo cache                                                 */
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

/* key → GPtrArray of borrowed HyCacheRecord *. */
static GHashTable *
multimap_new (void)
{
  return g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                (GDestroyNotify) g_ptr_array_unref);
}

/* Takes @key. A record is added once per key. */
static void
multimap_add (GHashTable *table, char *key, HyCacheRecord *record)
{
  GPtrArray *records;

  if (key == NULL || key[0] == '\0')
    {
      g_free (key);
      return;
    }

  records = g_hash_table_lookup (table, key);
  if (records == NULL)
    {
      records = g_ptr_array_new ();
      g_hash_table_insert (table, key, records);
    }
  else
    g_free (key);

  if (!g_ptr_array_find (records, record, NULL))
    g_ptr_array_add (records, record);
}

static GPtrArray *
multimap_lookup (GHashTable *table, const char *key)
{
  if (key == NULL || key[0] == '\0')
    return NULL;
  return g_hash_table_lookup (table, key);
}

/* The key of an exact name: the same text whatever its Unicode composition. */
static char *
exact_key (const char *name)
{
  if (name == NULL || name[0] == '\0')
    return NULL;
  if (!g_utf8_validate (name, -1, NULL))
    {
      g_autofree char *valid = g_utf8_make_valid (name, -1);
      return g_utf8_normalize (valid, -1, G_NORMALIZE_NFC);
    }
  return g_utf8_normalize (name, -1, G_NORMALIZE_NFC);
}

static char *
email_key (const char *email)
{
  g_autofree char *trimmed = NULL;

  if (email == NULL)
    return NULL;
  trimmed = g_strstrip (g_strdup (email));
  if (trimmed[0] == '\0' || !g_utf8_validate (trimmed, -1, NULL))
    return NULL;
  return g_utf8_casefold (trimmed, -1);
}

static char *
serial_key (const char *serial)
{
  g_autofree char *trimmed = NULL;

  if (serial == NULL)
    return NULL;
  trimmed = g_strstrip (g_strdup (serial));
  if (trimmed[0] == '\0' || !g_utf8_validate (trimmed, -1, NULL))
    return NULL;
  return g_utf8_casefold (trimmed, -1);
}

/* The names a Halo record is known by: assets by their key field and inventory number. */
static void
record_names (const HyCacheRecord *record, const char *names[3])
{
  names[0] = names[1] = names[2] = NULL;

  if (record->kind == HY_CACHE_KIND_ASSET)
    {
      names[0] = record->key_field;
      names[1] = record->inventory_number;
      if (names[0] == NULL && names[1] == NULL)
        names[0] = record->name;
    }
  else
    names[0] = record->name;
}

typedef struct
{
  GHashTable *exact;  /* exact name → records */
  GHashTable *base;   /* base key → records */
  GHashTable *serial; /* assets: folded serial → records */
  GHashTable *email;  /* agents: folded e-mail → records */
} Index;

static void
index_free (Index *index)
{
  g_clear_pointer (&index->exact, g_hash_table_unref);
  g_clear_pointer (&index->base, g_hash_table_unref);
  g_clear_pointer (&index->serial, g_hash_table_unref);
  g_clear_pointer (&index->email, g_hash_table_unref);
  g_free (index);
}

static Index *
index_new (GPtrArray *records)
{
  Index *index = g_new0 (Index, 1);

  index->exact = multimap_new ();
  index->base = multimap_new ();
  index->serial = multimap_new ();
  index->email = multimap_new ();

  for (guint i = 0; records != NULL && i < records->len; i++)
    {
      HyCacheRecord *record = g_ptr_array_index (records, i);
      const char *names[3];

      record_names (record, names);
      for (guint n = 0; n < G_N_ELEMENTS (names); n++)
        {
          if (names[n] == NULL)
            continue;
          multimap_add (index->exact, exact_key (names[n]), record);
          multimap_add (index->base, hy_name_base_key (names[n]), record);
        }
      if (record->kind == HY_CACHE_KIND_ASSET)
        multimap_add (index->serial, serial_key (record->serial), record);
      if (record->kind == HY_CACHE_KIND_AGENT)
        multimap_add (index->email, email_key (record->email), record);
    }

  return index;
}

/* ------------------------------------------------------------------------- */
/* Auto-link                                                                 */
/* ------------------------------------------------------------------------- */

typedef struct
{
  HyStore *store;
  gboolean dry_run;
  GHashTable *only; /* "kind:id" of the records to link; NULL: all */
  GCancellable *cancellable;
  HyLinkerResult *result;

  GPtrArray *halo[HY_N_CACHE_KINDS]; /* owned HyCacheRecord * of the kinds the linker uses */
  GHashTable *by_id[HY_N_CACHE_KINDS];
  Index *clients;
  Index *agents;
  GHashTable *sites_of_client;  /* client id → GPtrArray of borrowed sites */
  GHashTable *assets_of_client; /* client id → GPtrArray of borrowed assets */
  GHashTable *site_index;       /* client id → Index *, built on first use */
  GHashTable *asset_index;      /* client id → Index *, built on first use */
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
  g_clear_pointer (&self->clients, index_free);
  g_clear_pointer (&self->agents, index_free);
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

  self->clients = index_new (self->halo[HY_CACHE_KIND_CLIENT]);
  self->agents = index_new (self->halo[HY_CACHE_KIND_AGENT]);
  self->sites_of_client = group_by_client (self->halo[HY_CACHE_KIND_SITE]);
  self->assets_of_client = group_by_client (self->halo[HY_CACHE_KIND_ASSET]);
  self->site_index =
      g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, (GDestroyNotify) index_free);
  self->asset_index =
      g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, (GDestroyNotify) index_free);
  self->company_client = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  return TRUE;
}

static Index *
client_scope (GHashTable *indexes, GHashTable *records_of_client, gint64 client_id)
{
  Index *index = g_hash_table_lookup (indexes, &client_id);

  if (index == NULL)
    {
      index = index_new (g_hash_table_lookup (records_of_client, &client_id));
      g_hash_table_insert (indexes, dup_id (client_id), index);
    }
  return index;
}

static HyCacheRecord *
halo_lookup (AutoLink *self, HyCacheKind kind, gint64 id)
{
  return g_hash_table_lookup (self->by_id[kind], &id);
}

static int
compare_ids (gconstpointer a, gconstpointer b)
{
  gint64 ia = *(const gint64 *) a;
  gint64 ib = *(const gint64 *) b;

  return ia < ib ? -1 : ia > ib ? 1 : 0;
}

static int
compare_suggestions (gconstpointer a, gconstpointer b)
{
  const HyLinkerSuggestion *sa = *(HyLinkerSuggestion *const *) a;
  const HyLinkerSuggestion *sb = *(HyLinkerSuggestion *const *) b;

  if (sa->score != sb->score)
    return sa->score > sb->score ? -1 : 1;
  return compare_ids (&sa->halo_id, &sb->halo_id);
}

static HyLinkerSuggestion *
suggestion_new (HyRecordKind kind,
                const char *id,
                const char *name,
                const HyCacheRecord *record,
                double score,
                GStrv evidence)
{
  HyLinkerSuggestion *suggestion = g_new0 (HyLinkerSuggestion, 1);

  suggestion->kind = kind;
  suggestion->id = g_strdup (id);
  suggestion->name = g_strdup (name);
  suggestion->halo_id = record->id;
  suggestion->halo_name = g_strdup (record->name);
  suggestion->score = score;
  suggestion->evidence = evidence;
  return suggestion;
}

/* The closest of the record's names to @name; NULL when none matches. */
static HyNameMatch *
best_match (const char *name, const HyCacheRecord *record)
{
  const char *names[3];
  HyNameMatch *best = NULL;

  record_names (record, names);
  for (guint n = 0; n < G_N_ELEMENTS (names); n++)
    {
      HyNameMatch *match;

      if (names[n] == NULL)
        continue;
      match = hy_name_match_compare (name, names[n]);
      if (match == NULL)
        continue;
      if (best == NULL || hy_name_match_get_score (match) > hy_name_match_get_score (best))
        {
          hy_name_match_free (best);
          best = match;
        }
      else
        hy_name_match_free (match);
    }

  return best;
}

static gboolean
contains_id (GArray *ids, gint64 id)
{
  for (guint i = 0; ids != NULL && i < ids->len; i++)
    if (g_array_index (ids, gint64, i) == id)
      return TRUE;
  return FALSE;
}

/* Drops the suggestions the technician rejected for the record. */
static gboolean
drop_rejected (HyStore *store,
               HyRecordKind kind,
               const char *id,
               GPtrArray *suggestions,
               GError **error)
{
  g_autoptr (GArray) rejected = NULL;

  if (suggestions->len == 0)
    return TRUE;
  rejected = hy_store_link_list_rejected (store, kind, id, error);
  if (rejected == NULL)
    return FALSE;

  for (guint i = suggestions->len; i > 0; i--)
    {
      const HyLinkerSuggestion *suggestion = g_ptr_array_index (suggestions, i - 1);
      if (contains_id (rejected, suggestion->halo_id))
        g_ptr_array_remove_index (suggestions, i - 1);
    }
  return TRUE;
}

/* Near misses of @name among the records of @index sharing its base key (users: with the
 * e-mail evidence), best first, without the rejected ones, appended to @out. */
static gboolean
collect_suggestions (HyStore *store,
                     HyRecordKind kind,
                     const char *id,
                     const char *name,
                     const char *email,
                     Index *index,
                     GPtrArray *inactive_exact,
                     GPtrArray *out,
                     GError **error)
{
  g_autoptr (GPtrArray) found =
      g_ptr_array_new_with_free_func ((GDestroyNotify) hy_linker_suggestion_free);
  g_autofree char *base = name != NULL ? hy_name_base_key (name) : NULL;
  GPtrArray *pool = index != NULL ? multimap_lookup (index->base, base) : NULL;

  for (guint i = 0; inactive_exact != NULL && i < inactive_exact->len; i++)
    {
      HyCacheRecord *record = g_ptr_array_index (inactive_exact, i);
      g_autoptr (GStrvBuilder) builder = g_strv_builder_new ();

      /* Translators: evidence for a suggested link: the names are equal, but the Halo record
       * (client, site or asset) is marked inactive in Halo */
      g_strv_builder_add (builder, _ ("same name, but inactive in Halo"));
      g_ptr_array_add (found, suggestion_new (kind, id, name, record, INACTIVE_SCORE,
                                              g_strv_builder_end (builder)));
    }

  for (guint i = 0; pool != NULL && i < pool->len; i++)
    {
      HyCacheRecord *record = g_ptr_array_index (pool, i);
      g_autoptr (HyNameMatch) match = best_match (name, record);
      g_autoptr (GStrvBuilder) builder = NULL;
      double score;

      if (match == NULL)
        continue;
      if (kind != HY_RECORD_KIND_USER && hy_name_match_is_exact (match))
        continue; /* already an exact candidate (or an inactive one, above) */

      builder = g_strv_builder_new ();
      score = hy_name_match_get_score (match);
      if (kind == HY_RECORD_KIND_USER)
        {
          g_auto (GStrv) strings = hy_name_match_dup_evidence_strings (match);

          if (hy_name_match_is_exact (match))
            /* Translators: evidence for linking a technician to a Halo agent: their names are
             * equal */
            g_strv_builder_add (builder, _ ("same name"));
          else
            g_strv_builder_addv (builder, (const char **) strings);
          if (email == NULL || email[0] == '\0')
            /* Translators: evidence for linking a technician to a Halo agent */
            g_strv_builder_add (builder, _ ("the technician has no e-mail address"));
          else
            /* Translators: evidence for linking a technician to a Halo agent */
            g_strv_builder_add (builder, _ ("the e-mail addresses differ"));
          score = (double) (gint64) (score * USER_NAME_ONLY_FACTOR * 100.0 + 0.5) / 100.0;
        }
      else
        {
          g_auto (GStrv) strings = hy_name_match_dup_evidence_strings (match);
          g_strv_builder_addv (builder, (const char **) strings);
        }

      if (record->inactive)
        g_strv_builder_add (builder, _ ("inactive in Halo"));

      g_ptr_array_add (found, suggestion_new (kind, id, name, record, score,
                                              g_strv_builder_end (builder)));
    }

  if (!drop_rejected (store, kind, id, found, error))
    return FALSE;

  g_ptr_array_sort (found, compare_suggestions);
  for (guint i = 0; i < found->len && i < MAX_SUGGESTIONS_PER_RECORD; i++)
    g_ptr_array_add (out, g_steal_pointer (&found->pdata[i]));
  return TRUE;
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
  g_array_sort (ambiguous->candidates, compare_ids);
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
        Index *index,
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
      g_ptr_array_add (self->result->linked,
                       link_new (kind, id, name, HY_LINK_HOW_AUTO, record->id, record->name));
      *out_halo_id = record->id;
      return TRUE;
    }

  /* An existing automatic link stays until a single exact match replaces it. */
  if (how != HY_LINK_HOW_NONE)
    return TRUE;

  if (active->len > 1)
    add_ambiguous (self, kind, id, name, active);
  else if (!collect_suggestions (self->store, kind, id, name, email, index, inactive,
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
      g_autofree char *key = exact_key (company->name);
      gint64 client_id = company->link.halo_id;

      if (company->link.how != HY_LINK_HOW_MANUAL &&
          in_scope (self, HY_RECORD_KIND_COMPANY, company->id) &&
          !decide (self, HY_RECORD_KIND_COMPANY, company->id, company->name, NULL,
                   company->link.how, company->link.halo_id,
                   multimap_lookup (self->clients->exact, key), self->clients, &client_id, error))
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
      Index *index;
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
      key = exact_key (location->name);
      if (!decide (self, HY_RECORD_KIND_LOCATION, location->id, location->name, NULL, how, current,
                   multimap_lookup (index->exact, key), index, &ignored, error))
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
      Index *index;
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
      key = exact_key (computer->name);
      exact = multimap_lookup (index->exact, key);
      if (!has_active (exact))
        {
          /* No active asset of that name: the serial number decides, if it finds one. */
          g_autofree char *serial = serial_key (computer->serial);
          GPtrArray *by_serial = multimap_lookup (index->serial, serial);

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
      g_autofree char *key = email_key (user->email);
      gint64 ignored;

      if (user->link.how == HY_LINK_HOW_MANUAL || !in_scope (self, HY_RECORD_KIND_USER, user->id))
        continue;

      if (!decide (self, HY_RECORD_KIND_USER, user->id, user->name, user->email, user->link.how,
                   user->link.halo_id, multimap_lookup (self->agents->email, key), self->agents,
                   &ignored, error))
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
  self.result = result_new (dry_run);

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
    set_not_found (error, kind, id);
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
    set_halo_not_found (error, kind, halo_id);
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
    *out_link = link_new (kind, local_id, name, HY_LINK_HOW_MANUAL, halo->id, halo->name);

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
                       Index *index,
                       GPtrArray *found)
{
  g_autofree char *key = NULL;
  GPtrArray *exact = NULL;
  const char *exact_evidence;

  /* Translators: evidence for a suggested link: the names are equal */
  exact_evidence = _ ("same name");
  if (kind == HY_RECORD_KIND_USER)
    {
      key = email_key (((const HyUser *) record)->email);
      exact = multimap_lookup (index->email, key);
      /* Translators: evidence for linking a technician to a Halo agent */
      exact_evidence = _ ("same e-mail address");
    }
  else
    {
      key = exact_key (name);
      exact = multimap_lookup (index->exact, key);
      if (exact == NULL && kind == HY_RECORD_KIND_COMPUTER)
        {
          g_autofree char *serial = serial_key (((const HyComputer *) record)->serial);

          exact = multimap_lookup (index->serial, serial);
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
      g_ptr_array_add (found, suggestion_new (kind, local_id, name, halo_record,
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
  Index *index;

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

  index = index_new (halo);

  /* Exact matches first, then the others without them, best first. */
  add_exact_suggestions (kind, local_id, name, record, index, exact_found);
  if (kind == HY_RECORD_KIND_USER)
    email = ((const HyUser *) record)->email;
  ok = drop_rejected (store, kind, local_id, exact_found, error) &&
       collect_suggestions (store, kind, local_id, name, email, index, NULL, suggestions, error);

  if (ok)
    {
      for (guint i = suggestions->len; i > 0; i--)
        if (has_halo_id (exact_found, ((HyLinkerSuggestion *) suggestions->pdata[i - 1])->halo_id))
          g_ptr_array_remove_index (suggestions, i - 1);
      g_ptr_array_extend_and_steal (exact_found, g_steal_pointer (&suggestions));
      g_ptr_array_sort (exact_found, compare_suggestions);
    }

  index_free (index);
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
        set_not_found (error, kind, id != NULL ? id : "");
      return FALSE;
    }
  if (!exists)
    set_not_found (error, kind, id);
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

/* ------------------------------------------------------------------------- */
/* JSON                                                                      */
/* ------------------------------------------------------------------------- */

static void
add_link (JsonBuilder *builder, const HyLink *link)
{
  gboolean linked = link->link.how != HY_LINK_HOW_NONE;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "kind");
  json_builder_add_string_value (builder, hy_record_kind_to_string (link->kind));
  json_builder_set_member_name (builder, "id");
  json_builder_add_string_value (builder, link->id);
  json_builder_set_member_name (builder, "name");
  json_builder_add_string_value (builder, link->name);
  json_builder_set_member_name (builder, "linked");
  json_builder_add_boolean_value (builder, linked);
  json_builder_set_member_name (builder, "halo_id");
  if (linked)
    json_builder_add_int_value (builder, link->link.halo_id);
  else
    json_builder_add_null_value (builder);
  json_builder_set_member_name (builder, "halo_name");
  if (linked && link->link.halo_name != NULL)
    json_builder_add_string_value (builder, link->link.halo_name);
  else
    json_builder_add_null_value (builder);
  json_builder_set_member_name (builder, "how");
  if (linked)
    json_builder_add_string_value (builder, hy_link_how_to_string (link->link.how));
  else
    json_builder_add_null_value (builder);
  /* Computers missing from the last complete (--prune) import: kept, shown as retired. */
  if (link->kind == HY_RECORD_KIND_COMPUTER)
    {
      json_builder_set_member_name (builder, "retired");
      json_builder_add_boolean_value (builder, link->retired != 0);
    }
  json_builder_end_object (builder);
}

JsonNode *
hy_linker_link_to_json (const HyLink *link)
{
  g_autoptr (JsonBuilder) builder = json_builder_new ();

  add_link (builder, link);
  return json_builder_get_root (builder);
}

JsonNode *
hy_linker_links_to_json (GPtrArray *links)
{
  g_autoptr (JsonBuilder) builder = json_builder_new ();

  json_builder_begin_array (builder);
  for (guint i = 0; links != NULL && i < links->len; i++)
    add_link (builder, g_ptr_array_index (links, i));
  json_builder_end_array (builder);
  return json_builder_get_root (builder);
}

JsonNode *
hy_linker_result_to_json (const HyLinkerResult *result)
{
  g_autoptr (JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);

  json_builder_set_member_name (builder, "linked");
  json_builder_begin_array (builder);
  for (guint i = 0; i < result->linked->len; i++)
    add_link (builder, g_ptr_array_index (result->linked, i));
  json_builder_end_array (builder);

  json_builder_set_member_name (builder, "ambiguous");
  json_builder_begin_array (builder);
  for (guint i = 0; i < result->ambiguous->len; i++)
    {
      const HyLinkerAmbiguous *ambiguous = g_ptr_array_index (result->ambiguous, i);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "kind");
      json_builder_add_string_value (builder, hy_record_kind_to_string (ambiguous->kind));
      json_builder_set_member_name (builder, "id");
      json_builder_add_string_value (builder, ambiguous->id);
      json_builder_set_member_name (builder, "name");
      json_builder_add_string_value (builder, ambiguous->name);
      json_builder_set_member_name (builder, "candidates");
      json_builder_begin_array (builder);
      for (guint c = 0; c < ambiguous->candidates->len; c++)
        json_builder_add_int_value (builder, g_array_index (ambiguous->candidates, gint64, c));
      json_builder_end_array (builder);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);

  json_builder_set_member_name (builder, "suggestions");
  json_builder_begin_array (builder);
  for (guint i = 0; i < result->suggestions->len; i++)
    {
      const HyLinkerSuggestion *suggestion = g_ptr_array_index (result->suggestions, i);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "kind");
      json_builder_add_string_value (builder, hy_record_kind_to_string (suggestion->kind));
      json_builder_set_member_name (builder, "id");
      json_builder_add_string_value (builder, suggestion->id);
      json_builder_set_member_name (builder, "name");
      json_builder_add_string_value (builder, suggestion->name);
      json_builder_set_member_name (builder, "halo_id");
      json_builder_add_int_value (builder, suggestion->halo_id);
      json_builder_set_member_name (builder, "halo_name");
      json_builder_add_string_value (builder, suggestion->halo_name);
      json_builder_set_member_name (builder, "score");
      json_builder_add_double_value (builder, suggestion->score);
      json_builder_set_member_name (builder, "evidence");
      json_builder_begin_array (builder);
      for (guint e = 0; suggestion->evidence != NULL && suggestion->evidence[e] != NULL; e++)
        json_builder_add_string_value (builder, suggestion->evidence[e]);
      json_builder_end_array (builder);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);

  json_builder_set_member_name (builder, "waiting");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "locations");
  json_builder_add_int_value (builder, result->waiting_locations);
  json_builder_set_member_name (builder, "computers");
  json_builder_add_int_value (builder, result->waiting_computers);
  json_builder_end_object (builder);

  json_builder_set_member_name (builder, "dry_run");
  json_builder_add_boolean_value (builder, result->dry_run);

  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}
