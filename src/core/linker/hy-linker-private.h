/* hy-linker-private.h: what the hy-linker*.c files share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "hy-linker.h"
#include "hy-name-match.h"

G_BEGIN_DECLS

/* How many suggestions one record gets at most. */
#define MAX_SUGGESTIONS_PER_RECORD 5
/* A user's suggestion by name alone (the e-mail did not match) scores this much of the name's. */
#define USER_NAME_ONLY_FACTOR 0.8
/* An exact name whose Halo record is inactive. */
#define INACTIVE_SCORE 0.9

typedef struct
{
  GHashTable *exact;  /* exact name → records */
  GHashTable *base;   /* base key → records */
  GHashTable *serial; /* assets: folded serial → records */
  GHashTable *email;  /* agents: folded e-mail → records */
} HyLinkerIndex;

void hy_linker_set_not_found (GError **error, HyRecordKind kind, const char *id);

void hy_linker_set_halo_not_found (GError **error, HyCacheKind kind, gint64 halo_id);

HyLinkerResult *hy_linker_result_new (gboolean dry_run);

HyLink *hy_linker_link_new (HyRecordKind kind,
                            const char *id,
                            const char *name,
                            HyLinkHow how,
                            gint64 halo_id,
                            const char *halo_name);

GPtrArray *hy_linker_multimap_lookup (GHashTable *table, const char *key);

/* The key of an exact name: the same text whatever its Unicode composition. */
char *hy_linker_exact_key (const char *name);

char *hy_linker_email_key (const char *email);

char *hy_linker_serial_key (const char *serial);

void hy_linker_index_free (HyLinkerIndex *index);

HyLinkerIndex *hy_linker_index_new (GPtrArray *records);

int hy_linker_compare_ids (gconstpointer a, gconstpointer b);

int hy_linker_compare_suggestions (gconstpointer a, gconstpointer b);

HyLinkerSuggestion *hy_linker_suggestion_new (HyRecordKind kind,
                                              const char *id,
                                              const char *name,
                                              const HyCacheRecord *record,
                                              double score,
                                              GStrv evidence);

/* Drops the suggestions the technician rejected for the record. */
gboolean hy_linker_drop_rejected (HyStore *store,
                                  HyRecordKind kind,
                                  const char *id,
                                  GPtrArray *suggestions,
                                  GError **error);

/* Near misses of @name among the records of @index sharing its base key (users: with the
 * e-mail evidence), best first, without the rejected ones, appended to @out. */
gboolean hy_linker_collect_suggestions (HyStore *store,
                                        HyRecordKind kind,
                                        const char *id,
                                        const char *name,
                                        const char *email,
                                        HyLinkerIndex *index,
                                        GPtrArray *inactive_exact,
                                        GPtrArray *out,
                                        GError **error);

G_END_DECLS
