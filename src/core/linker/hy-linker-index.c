/* hy-linker-index.c: indexes of the Halo cache and the scored suggestions
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "hy-linker"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "hy-linker-private.h"


/* ------------------------------------------------------------------------- */
/* Indexes of the Halo cache                                                 */
/* ------------------------------------------------------------------------- */

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

GPtrArray *
hy_linker_multimap_lookup (GHashTable *table, const char *key)
{
  if (key == NULL || key[0] == '\0')
    return NULL;
  return g_hash_table_lookup (table, key);
}

/* The key of an exact name: the same text whatever its Unicode composition. */
char *
hy_linker_exact_key (const char *name)
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

char *
hy_linker_email_key (const char *email)
{
  g_autofree char *trimmed = NULL;

  if (email == NULL)
    return NULL;
  trimmed = g_strstrip (g_strdup (email));
  if (trimmed[0] == '\0' || !g_utf8_validate (trimmed, -1, NULL))
    return NULL;
  return g_utf8_casefold (trimmed, -1);
}

char *
hy_linker_serial_key (const char *serial)
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


void
hy_linker_index_free (HyLinkerIndex *index)
{
  g_clear_pointer (&index->exact, g_hash_table_unref);
  g_clear_pointer (&index->base, g_hash_table_unref);
  g_clear_pointer (&index->serial, g_hash_table_unref);
  g_clear_pointer (&index->email, g_hash_table_unref);
  g_free (index);
}

HyLinkerIndex *
hy_linker_index_new (GPtrArray *records)
{
  HyLinkerIndex *index = g_new0 (HyLinkerIndex, 1);

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
          multimap_add (index->exact, hy_linker_exact_key (names[n]), record);
          multimap_add (index->base, hy_name_base_key (names[n]), record);
        }
      if (record->kind == HY_CACHE_KIND_ASSET)
        multimap_add (index->serial, hy_linker_serial_key (record->serial), record);
      if (record->kind == HY_CACHE_KIND_AGENT)
        multimap_add (index->email, hy_linker_email_key (record->email), record);
    }

  return index;
}

/* ------------------------------------------------------------------------- */
/* Auto-link                                                                 */
int
hy_linker_compare_ids (gconstpointer a, gconstpointer b)
{
  gint64 ia = *(const gint64 *) a;
  gint64 ib = *(const gint64 *) b;

  return ia < ib ? -1 : ia > ib ? 1 : 0;
}

int
hy_linker_compare_suggestions (gconstpointer a, gconstpointer b)
{
  const HyLinkerSuggestion *sa = *(HyLinkerSuggestion *const *) a;
  const HyLinkerSuggestion *sb = *(HyLinkerSuggestion *const *) b;

  if (sa->score != sb->score)
    return sa->score > sb->score ? -1 : 1;
  return hy_linker_compare_ids (&sa->halo_id, &sb->halo_id);
}

HyLinkerSuggestion *
hy_linker_suggestion_new (HyRecordKind kind,
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
gboolean
hy_linker_drop_rejected (HyStore *store,
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
gboolean
hy_linker_collect_suggestions (HyStore *store,
                               HyRecordKind kind,
                               const char *id,
                               const char *name,
                               const char *email,
                               HyLinkerIndex *index,
                               GPtrArray *inactive_exact,
                               GPtrArray *out,
                               GError **error)
{
  g_autoptr (GPtrArray) found =
      g_ptr_array_new_with_free_func ((GDestroyNotify) hy_linker_suggestion_free);
  g_autofree char *base = name != NULL ? hy_name_base_key (name) : NULL;
  GPtrArray *pool = index != NULL ? hy_linker_multimap_lookup (index->base, base) : NULL;

  for (guint i = 0; inactive_exact != NULL && i < inactive_exact->len; i++)
    {
      HyCacheRecord *record = g_ptr_array_index (inactive_exact, i);
      g_autoptr (GStrvBuilder) builder = g_strv_builder_new ();

      /* Translators: evidence for a suggested link: the names are equal, but the Halo record
       * (client, site or asset) is marked inactive in Halo */
      g_strv_builder_add (builder, _ ("same name, but inactive in Halo"));
      g_ptr_array_add (found, hy_linker_suggestion_new (kind, id, name, record, INACTIVE_SCORE,
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

      g_ptr_array_add (found, hy_linker_suggestion_new (kind, id, name, record, score,
                                                        g_strv_builder_end (builder)));
    }

  if (!hy_linker_drop_rejected (store, kind, id, found, error))
    return FALSE;

  g_ptr_array_sort (found, hy_linker_compare_suggestions);
  for (guint i = 0; i < found->len && i < MAX_SUGGESTIONS_PER_RECORD; i++)
    g_ptr_array_add (out, g_steal_pointer (&found->pdata[i]));
  return TRUE;
}
