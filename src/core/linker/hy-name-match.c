/* hy-name-match.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Name matching for the linker: exact comparison, a normalised form for search and comparison,
 * legal-suffix equivalence and near-miss suggestions with their evidence.
 *
 * A name is cut into tokens at white space and at punctuation other than the full stop and the
 * apostrophe (so "S.A." and "O'Brien" stay one token each). Each token is compared in its
 * stripped form: compatibility-decomposed (NFKD), case-folded, accents dropped and only letters
 * and digits kept. A trailing legal suffix ("Ltd", "Pty Ltd", "S. à r.l.") is recognised on the
 * stripped tokens and replaced by its class; two names are a near miss when their remaining
 * tokens spell the same letters and their suffix classes agree (or only one name has one).
 */

#define G_LOG_DOMAIN "hy-name-match"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "hy-name-match.h"

struct _HyNameMatch
{
  gboolean exact;
  HyNameEvidence evidence;
  double score;
  char *suffix_local;
  char *suffix_halo;
};

typedef struct
{
  gsize start;
  gsize end;
  char *stripped;
  gboolean connector; /* "and", "et", "und", "y" between two words: the same as "&" */
} Token;

typedef struct
{
  char *raw;
  GArray *tokens;
  guint n_base;
  const char *suffix_class;
  char *base_key;
  char *suffix_surface;
} Parsed;

typedef struct
{
  const char *klass;
  /* Space-separated stripped words; the first spelling is the canonical one. */
  const char *spellings[4];
  /* The suffix may be written as initials split by spaces ("S. A.", "S. à r.l."). */
  gboolean initialism;
} LegalSuffix;

static const LegalSuffix legal_suffixes[] = {
  { "ltd", { "ltd", "limited", NULL }, FALSE },
  { "inc", { "inc", "incorporated", NULL }, FALSE },
  { "corp", { "corp", "corporation", NULL }, FALSE },
  { "llc", { "llc", NULL }, TRUE },
  { "gmbh", { "gmbh", NULL }, TRUE },
  { "ag", { "ag", NULL }, TRUE },
  { "sarl", { "sarl", NULL }, TRUE },
  { "sas", { "sas", NULL }, TRUE },
  { "sa", { "sa", NULL }, TRUE },
  { "sl", { "sl", NULL }, TRUE },
  { "bv", { "bv", NULL }, TRUE },
  { "nv", { "nv", NULL }, TRUE },
  { "ptyltd", { "pty ltd", "pty limited", "proprietary limited", "ptyltd" }, FALSE },
  { "plc", { "plc", "public limited company", NULL }, TRUE },
  { "co", { "co", "company", NULL }, FALSE },
};

#define MAX_SUFFIX_TOKENS 4

/* Words that mean "&" (English, French, German, Spanish). */
static const char *const connectors[] = { "and", "et", "und", "y" };

/* ------------------------------------------------------------------------- */
/* Character helpers                                                         */
/* ------------------------------------------------------------------------- */

static char *
dup_valid (const char *s)
{
  if (s == NULL)
    return g_strdup ("");
  if (g_utf8_validate (s, -1, NULL))
    return g_strdup (s);
  return g_utf8_make_valid (s, -1);
}

static gboolean
is_separator (gunichar c)
{
  if (g_unichar_isspace (c))
    return TRUE;
  if (c == '.' || c == '\'' || c == 0x2019 /* ’ */)
    return FALSE;
  return g_unichar_ispunct (c);
}

static gboolean
is_mark (gunichar c)
{
  GUnicodeType type = g_unichar_type (c);

  return type == G_UNICODE_NON_SPACING_MARK || type == G_UNICODE_SPACING_MARK ||
         type == G_UNICODE_ENCLOSING_MARK;
}

/* Normalises @s with @mode after case folding it (when @fold), then keeps only the letters and
 * digits (when @alnum_only), dropping combining marks (when @drop_marks). */
static char *
transform (const char *s,
           gssize len,
           gboolean fold,
           GNormalizeMode mode,
           gboolean drop_marks,
           gboolean alnum_only)
{
  g_autofree char *folded =
      fold ? g_utf8_casefold (s, len) : g_strndup (s, len < 0 ? strlen (s) : (gsize) len);
  g_autofree char *normal = g_utf8_normalize (folded, -1, mode);
  GString *out = g_string_new (NULL);

  if (normal == NULL)
    return g_string_free (out, FALSE);

  for (const char *p = normal; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (drop_marks && is_mark (c))
        continue;
      if (alnum_only && !g_unichar_isalnum (c))
        continue;
      g_string_append_unichar (out, c);
    }

  return g_string_free (out, FALSE);
}

static char *
strip_token (const char *s, gssize len)
{
  return transform (s, len, TRUE, G_NORMALIZE_NFKD, TRUE, TRUE);
}

/* ------------------------------------------------------------------------- */
/* Parsing                                                                   */
/* ------------------------------------------------------------------------- */

static void
token_clear (gpointer data)
{
  Token *token = data;

  g_clear_pointer (&token->stripped, g_free);
}

static void
parsed_free (Parsed *parsed)
{
  g_free (parsed->raw);
  g_clear_pointer (&parsed->tokens, g_array_unref);
  g_free (parsed->base_key);
  g_free (parsed->suffix_surface);
  g_free (parsed);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Parsed, parsed_free)

static const char *
token_stripped (const Parsed *parsed, guint i)
{
  return g_array_index (parsed->tokens, Token, i).stripped;
}

static gboolean
suffix_matches (const Parsed *parsed, guint first, guint count, const LegalSuffix *suffix)
{
  for (guint s = 0; s < G_N_ELEMENTS (suffix->spellings) && suffix->spellings[s] != NULL; s++)
    {
      g_auto (GStrv) words = g_strsplit (suffix->spellings[s], " ", -1);
      gboolean same = g_strv_length (words) == count;

      for (guint i = 0; same && i < count; i++)
        same = strcmp (words[i], token_stripped (parsed, first + i)) == 0;
      if (same)
        return TRUE;
    }

  if (suffix->initialism && count > 1)
    {
      g_autoptr (GString) joined = g_string_new (NULL);

      for (guint i = 0; i < count; i++)
        {
          const char *word = token_stripped (parsed, first + i);

          if (g_utf8_strlen (word, -1) > 2)
            return FALSE;
          g_string_append (joined, word);
        }
      return strcmp (joined->str, suffix->klass) == 0;
    }

  return FALSE;
}

static Parsed *
parse (const char *name)
{
  g_autoptr (Parsed) parsed = g_new0 (Parsed, 1);
  const char *p;
  const char *token_start = NULL;
  GString *key;

  parsed->raw = dup_valid (name);
  parsed->tokens = g_array_new (FALSE, TRUE, sizeof (Token));
  g_array_set_clear_func (parsed->tokens, token_clear);

  for (p = parsed->raw;; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);
      gboolean at_end = c == 0;

      if (!at_end && !is_separator (c))
        {
          if (token_start == NULL)
            token_start = p;
          continue;
        }

      if (token_start != NULL)
        {
          Token token = { 0 };

          token.start = token_start - parsed->raw;
          token.end = p - parsed->raw;
          token.stripped = strip_token (token_start, p - token_start);
          if (token.stripped[0] != '\0')
            g_array_append_val (parsed->tokens, token);
          else
            g_free (token.stripped);
          token_start = NULL;
        }

      if (at_end)
        break;
    }

  /* The longest trailing suffix wins; at least one token must remain for the name itself. */
  parsed->n_base = parsed->tokens->len;
  for (guint count = 1; count <= MAX_SUFFIX_TOKENS && count < parsed->tokens->len; count++)
    {
      guint first = parsed->tokens->len - count;

      for (guint s = 0; s < G_N_ELEMENTS (legal_suffixes); s++)
        {
          if (suffix_matches (parsed, first, count, &legal_suffixes[s]))
            {
              parsed->n_base = first;
              parsed->suffix_class = legal_suffixes[s].klass;
              break;
            }
        }
    }

  /* A connector word between two words counts as "&", which is punctuation. */
  for (guint i = 1; i < parsed->n_base && i + 1 < parsed->tokens->len; i++)
    {
      Token *token = &g_array_index (parsed->tokens, Token, i);

      for (guint c = 0; c < G_N_ELEMENTS (connectors); c++)
        if (strcmp (token->stripped, connectors[c]) == 0)
          token->connector = TRUE;
    }

  key = g_string_new (NULL);
  for (guint i = 0; i < parsed->n_base; i++)
    if (!g_array_index (parsed->tokens, Token, i).connector)
      g_string_append (key, token_stripped (parsed, i));
  parsed->base_key = g_string_free (key, FALSE);

  key = g_string_new (NULL);
  for (guint i = parsed->n_base; i < parsed->tokens->len; i++)
    g_string_append (key, token_stripped (parsed, i));
  parsed->suffix_surface = g_string_free (key, FALSE);

  return g_steal_pointer (&parsed);
}

static gsize
suffix_start (const Parsed *parsed)
{
  return g_array_index (parsed->tokens, Token, parsed->n_base).start;
}

static char *
dup_suffix_text (const Parsed *parsed)
{
  gsize start = suffix_start (parsed);
  gsize end = g_array_index (parsed->tokens, Token, parsed->tokens->len - 1).end;

  return g_strndup (parsed->raw + start, end - start);
}

/* The name (@base_only: without its suffix and the white space before it), with its connector
 * words written as "&" when @connectors_as_amp. */
static char *
dup_text (const Parsed *parsed, gboolean base_only, gboolean connectors_as_amp)
{
  gsize end = base_only ? suffix_start (parsed) : strlen (parsed->raw);
  GString *text = g_string_new (NULL);
  gsize at = 0;

  for (guint i = 0; connectors_as_amp && i < parsed->tokens->len; i++)
    {
      const Token *token = &g_array_index (parsed->tokens, Token, i);

      if (!token->connector || token->end > end)
        continue;
      g_string_append_len (text, parsed->raw + at, token->start - at);
      g_string_append_c (text, '&');
      at = token->end;
    }
  g_string_append_len (text, parsed->raw + at, end - at);

  /* Without the white space before the suffix. */
  while (base_only && text->len > 0 && g_ascii_isspace (text->str[text->len - 1]))
    g_string_truncate (text, text->len - 1);
  return g_string_free (text, FALSE);
}

/* ------------------------------------------------------------------------- */
/* Public API                                                                */
/* ------------------------------------------------------------------------- */

/**
 * hy_name_equal_exact:
 * @a: a name
 * @b: another name
 *
 * Whether @a and @b are exactly the same name: the same characters, whatever the Unicode
 * composition they were stored in. Case, spacing and accents count.
 */
gboolean
hy_name_equal_exact (const char *a, const char *b)
{
  g_autofree char *va = dup_valid (a);
  g_autofree char *vb = dup_valid (b);
  g_autofree char *na = NULL;
  g_autofree char *nb = NULL;

  if (strcmp (va, vb) == 0)
    return TRUE;
  na = g_utf8_normalize (va, -1, G_NORMALIZE_NFC);
  nb = g_utf8_normalize (vb, -1, G_NORMALIZE_NFC);
  return na != NULL && nb != NULL && strcmp (na, nb) == 0;
}

/**
 * hy_name_normalize:
 * @name: a name
 *
 * The comparison form of @name: case-folded, compatibility-decomposed with accents stripped,
 * punctuation removed and words separated by single spaces ("  Société  Générale, S.A." →
 * "societe generale sa"). Suitable for searching and for comparing names loosely.
 *
 * Returns: (transfer full): the normalised name
 */
char *
hy_name_normalize (const char *name)
{
  g_autoptr (Parsed) parsed = parse (name);
  GString *out = g_string_new (NULL);

  for (guint i = 0; i < parsed->tokens->len; i++)
    {
      if (i > 0)
        g_string_append_c (out, ' ');
      g_string_append (out, token_stripped (parsed, i));
    }

  return g_string_free (out, FALSE);
}

/**
 * hy_name_base_key:
 * @name: a name
 *
 * The letters and digits of @name without its legal suffix, normalised as by
 * hy_name_normalize(). Two names can only be a near miss when their base keys are equal, which
 * makes the key suitable for a hash table of candidates.
 *
 * Returns: (transfer full): the base key (empty when @name has no letters or digits)
 */
char *
hy_name_base_key (const char *name)
{
  g_autoptr (Parsed) parsed = parse (name);

  return g_steal_pointer (&parsed->base_key);
}

/**
 * hy_name_legal_suffix_class:
 * @name: a name
 *
 * The class of the legal suffix that ends @name: "ltd" for both "Ltd" and "Limited", "sa" for
 * "SA" and "S.A.", and so on.
 *
 * Returns: (nullable): a static string, or %NULL when @name ends in no legal suffix
 */
const char *
hy_name_legal_suffix_class (const char *name)
{
  g_autoptr (Parsed) parsed = parse (name);

  return parsed->suffix_class;
}

/* The differences between @ra and @rb (texts with their suffixes and connectors already
 * compared): each is evidence when the names differ once every other step is applied */
static HyNameEvidence
step_evidence (const char *ra, const char *rb)
{
  HyNameEvidence evidence = HY_NAME_EVIDENCE_NONE;
  g_autofree char *ca = transform (ra, -1, FALSE, G_NORMALIZE_NFKD, TRUE, TRUE);
  g_autofree char *cb = transform (rb, -1, FALSE, G_NORMALIZE_NFKD, TRUE, TRUE);
  g_autofree char *aa = transform (ra, -1, TRUE, G_NORMALIZE_NFKC, FALSE, TRUE);
  g_autofree char *ab = transform (rb, -1, TRUE, G_NORMALIZE_NFKC, FALSE, TRUE);
  g_autofree char *sa = transform (ra, -1, TRUE, G_NORMALIZE_NFKD, TRUE, FALSE);
  g_autofree char *sb = transform (rb, -1, TRUE, G_NORMALIZE_NFKD, TRUE, FALSE);
  g_autofree char *fa = transform (ra, -1, TRUE, G_NORMALIZE_NFD, TRUE, TRUE);
  g_autofree char *fb = transform (rb, -1, TRUE, G_NORMALIZE_NFD, TRUE, TRUE);

  if (strcmp (ca, cb) != 0)
    evidence |= HY_NAME_EVIDENCE_CASE;
  if (strcmp (aa, ab) != 0)
    evidence |= HY_NAME_EVIDENCE_ACCENTS;
  if (strcmp (sa, sb) != 0)
    evidence |= HY_NAME_EVIDENCE_SPACING;
  if (strcmp (fa, fb) != 0)
    evidence |= HY_NAME_EVIDENCE_FORM;

  return evidence;
}

/* The score of a match from its evidence: 1 less what each kind of difference costs */
static double
evidence_score (HyNameEvidence evidence)
{
  double score = 1.0;

  if (evidence & HY_NAME_EVIDENCE_CASE)
    score -= 0.02;
  if (evidence & HY_NAME_EVIDENCE_ACCENTS)
    score -= 0.04;
  if (evidence & HY_NAME_EVIDENCE_SPACING)
    score -= 0.05;
  if (evidence & HY_NAME_EVIDENCE_FORM)
    score -= 0.03;
  if (evidence & HY_NAME_EVIDENCE_CONNECTOR)
    score -= 0.03;
  if (evidence & HY_NAME_EVIDENCE_SUFFIX)
    score -= 0.06;
  if (evidence & HY_NAME_EVIDENCE_SUFFIX_ONE_SIDED)
    score -= 0.20;
  return MAX (0.5, (double) (gint64) (score * 100.0 + 0.5) / 100.0);
}

/**
 * hy_name_match_compare:
 * @local_name: the name of the local record
 * @halo_name: the name of the Halo record
 *
 * Compares two names. An exact match (see hy_name_equal_exact()) scores 1 and carries no
 * evidence; a near miss scores below 1 and says why it is thought to be the same record.
 *
 * Returns: (transfer full) (nullable): the match, or %NULL when the names do not match
 */
HyNameMatch *
hy_name_match_compare (const char *local_name, const char *halo_name)
{
  g_autoptr (HyNameMatch) match = g_new0 (HyNameMatch, 1);
  g_autoptr (Parsed) a = NULL;
  g_autoptr (Parsed) b = NULL;
  g_autofree char *ra = NULL;
  g_autofree char *rb = NULL;
  gboolean a_base_only = FALSE;
  gboolean b_base_only = FALSE;

  if (hy_name_equal_exact (local_name, halo_name))
    {
      match->exact = TRUE;
      match->score = 1.0;
      return g_steal_pointer (&match);
    }

  a = parse (local_name);
  b = parse (halo_name);

  if (a->base_key[0] == '\0' || strcmp (a->base_key, b->base_key) != 0)
    return NULL;
  if (a->suffix_class != NULL && b->suffix_class != NULL &&
      strcmp (a->suffix_class, b->suffix_class) != 0)
    return NULL;

  /* Compare the suffixes by class, and the rest character by character. */
  if (a->suffix_class != NULL && b->suffix_class != NULL)
    {
      if (strcmp (a->suffix_surface, b->suffix_surface) != 0)
        {
          match->evidence |= HY_NAME_EVIDENCE_SUFFIX;
          match->suffix_local = dup_suffix_text (a);
          match->suffix_halo = dup_suffix_text (b);
          a_base_only = b_base_only = TRUE;
        }
    }
  else if (a->suffix_class != NULL || b->suffix_class != NULL)
    {
      match->evidence |= HY_NAME_EVIDENCE_SUFFIX_ONE_SIDED;
      if (a->suffix_class != NULL)
        match->suffix_local = dup_suffix_text (a);
      else
        match->suffix_halo = dup_suffix_text (b);
      a_base_only = a->suffix_class != NULL;
      b_base_only = b->suffix_class != NULL;
    }

  /* Connector words ("and" for "&") first; the other steps then see them as "&". */
  {
    g_autofree char *oa = dup_text (a, a_base_only, FALSE);
    g_autofree char *ob = dup_text (b, b_base_only, FALSE);
    g_autofree char *ka = transform (oa, -1, TRUE, G_NORMALIZE_NFKD, TRUE, TRUE);
    g_autofree char *kb = transform (ob, -1, TRUE, G_NORMALIZE_NFKD, TRUE, TRUE);

    if (strcmp (ka, kb) != 0)
      match->evidence |= HY_NAME_EVIDENCE_CONNECTOR;
    ra = dup_text (a, a_base_only, TRUE);
    rb = dup_text (b, b_base_only, TRUE);
  }

  match->evidence |= step_evidence (ra, rb);

  /* Differences the per-step tests cannot tell apart (a mix of forms) still count as forms. */
  if (match->evidence == HY_NAME_EVIDENCE_NONE)
    match->evidence = HY_NAME_EVIDENCE_FORM;

  match->score = evidence_score (match->evidence);

  return g_steal_pointer (&match);
}

void
hy_name_match_free (HyNameMatch *match)
{
  if (match == NULL)
    return;
  g_free (match->suffix_local);
  g_free (match->suffix_halo);
  g_free (match);
}

gboolean
hy_name_match_is_exact (const HyNameMatch *match)
{
  g_return_val_if_fail (match != NULL, FALSE);
  return match->exact;
}

/**
 * hy_name_match_get_score:
 * @match: a match
 *
 * Returns: 1 for an exact match; between 0.5 and 0.99 for a near miss, higher for closer names
 */
double
hy_name_match_get_score (const HyNameMatch *match)
{
  g_return_val_if_fail (match != NULL, 0.0);
  return match->score;
}

HyNameEvidence
hy_name_match_get_evidence (const HyNameMatch *match)
{
  g_return_val_if_fail (match != NULL, HY_NAME_EVIDENCE_NONE);
  return match->evidence;
}

/**
 * hy_name_match_dup_evidence_strings:
 * @match: a match
 *
 * The evidence of @match as translated sentences for the technician, in a stable order (case,
 * accents, spacing, character forms, legal suffix).
 *
 * Returns: (transfer full): a %NULL-terminated array (empty for an exact match)
 */
GStrv
hy_name_match_dup_evidence_strings (const HyNameMatch *match)
{
  g_autoptr (GStrvBuilder) builder = g_strv_builder_new ();

  g_return_val_if_fail (match != NULL, NULL);

  if (match->evidence == HY_NAME_EVIDENCE_CASE)
    /* Translators: evidence that two names (a local company and a Halo client, for example)
     * are the same: they are equal except for upper/lower case letters */
    g_strv_builder_add (builder, _ ("differs only in case"));
  else if (match->evidence & HY_NAME_EVIDENCE_CASE)
    /* Translators: evidence that two names are the same: one of their differences is upper/lower
     * case letters */
    g_strv_builder_add (builder, _ ("differs in case"));
  if (match->evidence & HY_NAME_EVIDENCE_ACCENTS)
    /* Translators: evidence that two names are the same: they differ in accents (é vs e) */
    g_strv_builder_add (builder, _ ("differs in accents"));
  if (match->evidence & HY_NAME_EVIDENCE_SPACING)
    /* Translators: evidence that two names are the same: they differ in spaces or punctuation */
    g_strv_builder_add (builder, _ ("differs in spacing or punctuation"));
  if (match->evidence & HY_NAME_EVIDENCE_FORM)
    /* Translators: evidence that two names are the same: they differ in how characters are
     * encoded, such as full-width letters or ligatures */
    g_strv_builder_add (builder, _ ("differs in character forms (full-width letters, ligatures)"));
  if (match->evidence & HY_NAME_EVIDENCE_CONNECTOR)
    /* Translators: evidence that two names are the same: one writes “&” where the other writes
     * “and” (or its French, German or Spanish equivalent), or leaves it out */
    g_strv_builder_add (builder, _ ("differs in “&” or “and”"));
  if (match->evidence & HY_NAME_EVIDENCE_SUFFIX)
    {
      /* Translators: evidence that two company names are the same: their legal suffixes are
       * equivalent; the first %s is the local record's suffix ("Ltd"), the second Halo's
       * ("Limited"); "≈" means "is equivalent to" */
      g_autofree char *text =
          g_strdup_printf (_ ("legal suffix %s ≈ %s"), match->suffix_local, match->suffix_halo);
      g_strv_builder_add (builder, text);
    }
  if (match->evidence & HY_NAME_EVIDENCE_SUFFIX_ONE_SIDED)
    {
      g_autofree char *text = NULL;

      if (match->suffix_local != NULL)
        /* Translators: evidence that two company names are the same: only the local name has
         * the legal suffix %s ("GmbH") */
        text = g_strdup_printf (_ ("legal suffix %s only in the local name"), match->suffix_local);
      else
        /* Translators: evidence that two company names are the same: only the Halo name has
         * the legal suffix %s ("GmbH") */
        text = g_strdup_printf (_ ("legal suffix %s only in the Halo name"), match->suffix_halo);
      g_strv_builder_add (builder, text);
    }

  return g_strv_builder_end (builder);
}
