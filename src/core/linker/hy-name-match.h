/* hy-name-match.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/**
 * HyNameEvidence:
 * @HY_NAME_EVIDENCE_NONE: no difference
 * @HY_NAME_EVIDENCE_CASE: the names differ in letter case
 * @HY_NAME_EVIDENCE_ACCENTS: the names differ in accents (diacritics)
 * @HY_NAME_EVIDENCE_SPACING: the names differ in spacing or punctuation
 * @HY_NAME_EVIDENCE_FORM: the names differ in character forms (full-width letters, ligatures)
 * @HY_NAME_EVIDENCE_SUFFIX: equivalent legal suffixes written differently (Ltd ≈ Limited)
 * @HY_NAME_EVIDENCE_SUFFIX_ONE_SIDED: only one of the names carries a legal suffix
 * @HY_NAME_EVIDENCE_CONNECTOR: one name writes “&” where the other writes “and” (“et”, “und”,
 *   “y”), or leaves it out
 *
 * Why two names that are not exactly equal are still thought to be the same record.
 */
typedef enum
{
  HY_NAME_EVIDENCE_NONE = 0,
  HY_NAME_EVIDENCE_CASE = 1 << 0,
  HY_NAME_EVIDENCE_ACCENTS = 1 << 1,
  HY_NAME_EVIDENCE_SPACING = 1 << 2,
  HY_NAME_EVIDENCE_FORM = 1 << 3,
  HY_NAME_EVIDENCE_SUFFIX = 1 << 4,
  HY_NAME_EVIDENCE_SUFFIX_ONE_SIDED = 1 << 5,
  HY_NAME_EVIDENCE_CONNECTOR = 1 << 6,
} HyNameEvidence;

typedef struct _HyNameMatch HyNameMatch;

gboolean hy_name_equal_exact (const char *a, const char *b);
char *hy_name_normalize (const char *name);
char *hy_name_base_key (const char *name);
const char *hy_name_legal_suffix_class (const char *name);

HyNameMatch *hy_name_match_compare (const char *local_name, const char *halo_name);
void hy_name_match_free (HyNameMatch *match);
gboolean hy_name_match_is_exact (const HyNameMatch *match);
double hy_name_match_get_score (const HyNameMatch *match);
HyNameEvidence hy_name_match_get_evidence (const HyNameMatch *match);
GStrv hy_name_match_dup_evidence_strings (const HyNameMatch *match);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (HyNameMatch, hy_name_match_free)

G_END_DECLS
