/* test-name-match.c: the linker's name matching
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "test-name-match"

#include "config.h"

#include <locale.h>

#include "linker/hy-name-match.h"

/* ------------------------------------------------------------------------- */
/* Helpers                                                                   */
/* ------------------------------------------------------------------------- */

static void
assert_near (const char *local,
             const char *halo,
             HyNameEvidence expected,
             const char *const *expected_strings)
{
  g_autoptr (HyNameMatch) match = hy_name_match_compare (local, halo);
  g_auto (GStrv) strings = NULL;

  if (match == NULL)
    g_error ("“%s” and “%s” should be a near miss", local, halo);
  g_assert_false (hy_name_match_is_exact (match));
  if (hy_name_match_get_evidence (match) != expected)
    g_error ("“%s” / “%s”: evidence 0x%x, expected 0x%x", local, halo,
             hy_name_match_get_evidence (match), expected);
  g_assert_cmpfloat (hy_name_match_get_score (match), <, 1.0);
  g_assert_cmpfloat (hy_name_match_get_score (match), >=, 0.5);

  strings = hy_name_match_dup_evidence_strings (match);
  if (expected_strings != NULL)
    {
      g_assert_cmpuint (g_strv_length (strings), ==, g_strv_length ((GStrv) expected_strings));
      for (guint i = 0; expected_strings[i] != NULL; i++)
        g_assert_cmpstr (strings[i], ==, expected_strings[i]);
    }
  else
    g_assert_cmpuint (g_strv_length (strings), >, 0);
}

static void
assert_no_match (const char *local, const char *halo)
{
  g_autoptr (HyNameMatch) match = hy_name_match_compare (local, halo);

  if (match != NULL)
    g_error ("“%s” and “%s” should not match (evidence 0x%x)", local, halo,
             hy_name_match_get_evidence (match));
}

/* ------------------------------------------------------------------------- */
/* Tests                                                                     */
/* ------------------------------------------------------------------------- */

static void
test_exact (void)
{
  g_autoptr (HyNameMatch) match = hy_name_match_compare ("Acme Ltd", "Acme Ltd");
  g_auto (GStrv) strings = NULL;

  g_assert_nonnull (match);
  g_assert_true (hy_name_match_is_exact (match));
  g_assert_cmpfloat (hy_name_match_get_score (match), ==, 1.0);
  g_assert_cmpint (hy_name_match_get_evidence (match), ==, HY_NAME_EVIDENCE_NONE);
  strings = hy_name_match_dup_evidence_strings (match);
  g_assert_cmpuint (g_strv_length (strings), ==, 0);

  /* The same text in another Unicode composition is the same name. */
  g_assert_true (hy_name_equal_exact ("Soci\xc3\xa9t\xc3\xa9", "Socie\xcc\x81te\xcc\x81"));
  g_assert_true (hy_name_equal_exact ("", ""));
  g_assert_false (hy_name_equal_exact ("Acme", "ACME"));
  g_assert_false (hy_name_equal_exact ("Acme", "Acme "));
  g_assert_false (hy_name_equal_exact ("Acme", NULL));
}

static void
test_normalize (void)
{
  struct
  {
    const char *in;
    const char *out;
  } cases[] = {
    { "Acme Ltd", "acme ltd" },
    { "  ACME   Limited  ", "acme limited" },
    { "Soci\xc3\xa9t\xc3\xa9 G\xc3\xa9n\xc3\xa9rale, S.A.", "societe generale sa" },
    { "M\xc3\xbcller & S\xc3\xb6hne GmbH", "muller sohne gmbh" },
    { "O'Brien\xe2\x80\x99s Caf\xc3\xa9", "obriens cafe" },
    { "Smith-Jones (UK) Ltd.", "smith jones uk ltd" },
    { "\xef\xbc\xa1\xef\xbd\x83\xef\xbd\x8d\xef\xbd\x85", "acme" }, /* full-width Ａｃｍｅ */
    { "Stra\xc3\x9f"
      "e",
      "strasse" },
    { "\xef\xac\x81"
      "ne Foods",
      "fine foods" }, /* the ﬁ ligature */
    { "\t\n", "" },
    { "", "" },
    { "...", "" },
    { "Ελληνικά", "ελληνικα" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *normal = hy_name_normalize (cases[i].in);
      g_assert_cmpstr (normal, ==, cases[i].out);
    }

  /* Invalid UTF-8 is not a crash. */
  {
    g_autofree char *normal = hy_name_normalize ("Ac\xffme");
    g_assert_nonnull (normal);
  }
  {
    g_autofree char *normal = hy_name_normalize (NULL);
    g_assert_cmpstr (normal, ==, "");
  }
}

static void
test_suffix_classes (void)
{
  struct
  {
    const char *name;
    const char *klass;
  } cases[] = {
    { "Acme Ltd", "ltd" },
    { "Acme Ltd.", "ltd" },
    { "ACME LIMITED", "ltd" },
    { "Acme Inc", "inc" },
    { "Acme, Inc.", "inc" },
    { "Acme Incorporated", "inc" },
    { "Acme Corp", "corp" },
    { "Acme Corp.", "corp" },
    { "Acme Corporation", "corp" },
    { "Acme LLC", "llc" },
    { "Acme L.L.C.", "llc" },
    { "Acme GmbH", "gmbh" },
    { "Acme G.m.b.H.", "gmbh" },
    { "Acme AG", "ag" },
    { "Acme A.G.", "ag" },
    { "Acme SARL", "sarl" },
    { "Acme S.A.R.L.", "sarl" },
    { "Acme S. \xc3\xa0 r.l.", "sarl" },
    { "Acme SAS", "sas" },
    { "Acme S.A.S.", "sas" },
    { "Acme SA", "sa" },
    { "Acme S.A.", "sa" },
    { "Acme S. A.", "sa" },
    { "Acme SL", "sl" },
    { "Acme S.L.", "sl" },
    { "Acme BV", "bv" },
    { "Acme B.V.", "bv" },
    { "Acme NV", "nv" },
    { "Acme N.V.", "nv" },
    { "Acme Pty Ltd", "ptyltd" },
    { "Acme Pty. Ltd.", "ptyltd" },
    { "Acme Pty Limited", "ptyltd" },
    { "Acme Proprietary Limited", "ptyltd" },
    { "Acme PLC", "plc" },
    { "Acme p.l.c.", "plc" },
    { "Acme Public Limited Company", "plc" },
    { "Acme Co.", "co" },
    { "Acme & Co", "co" },
    { "Acme Company", "co" },
    /* No suffix: */
    { "Acme", NULL },
    { "Limited", NULL }, /* a suffix alone is the name */
    { "Acme Holdings", NULL },
    { "AcmeLtd", NULL },  /* not a separate word */
    { "Ltd Acme", NULL }, /* not at the end */
    { "Acme Data S", NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      const char *klass = hy_name_legal_suffix_class (cases[i].name);
      if (g_strcmp0 (klass, cases[i].klass) != 0)
        g_error ("“%s”: suffix class %s, expected %s", cases[i].name, klass ? klass : "(none)",
                 cases[i].klass ? cases[i].klass : "(none)");
    }

  {
    g_autofree char *key = hy_name_base_key ("ACME  Pty. Ltd.");
    g_assert_cmpstr (key, ==, "acme");
  }
  {
    g_autofree char *key = hy_name_base_key ("Limited");
    g_assert_cmpstr (key, ==, "limited");
  }
}

static void
test_case (void)
{
  const char *only_case[] = { "differs only in case", NULL };

  assert_near ("ACME Ltd", "Acme Ltd", HY_NAME_EVIDENCE_CASE, only_case);
  assert_near ("acme ltd", "ACME LTD", HY_NAME_EVIDENCE_CASE, only_case);
  assert_near ("Stra\xc3\x9f"
               "e",
               "STRASSE", HY_NAME_EVIDENCE_CASE, only_case);
}

static void
test_accents (void)
{
  const char *accents[] = { "differs in accents", NULL };
  const char *case_accents[] = { "differs in case", "differs in accents", NULL };

  assert_near ("Soci\xc3\xa9t\xc3\xa9 G\xc3\xa9n\xc3\xa9rale", "Societe Generale",
               HY_NAME_EVIDENCE_ACCENTS, accents);
  assert_near ("Muller", "M\xc3\xbcller", HY_NAME_EVIDENCE_ACCENTS, accents);
  assert_near ("SOCIETE", "Soci\xc3\xa9t\xc3\xa9", HY_NAME_EVIDENCE_CASE | HY_NAME_EVIDENCE_ACCENTS,
               case_accents);
}

static void
test_spacing_punctuation (void)
{
  const char *spacing[] = { "differs in spacing or punctuation", NULL };

  assert_near ("Acme  Ltd", "Acme Ltd", HY_NAME_EVIDENCE_SPACING, spacing);
  assert_near (" Acme Ltd", "Acme Ltd", HY_NAME_EVIDENCE_SPACING, spacing);
  assert_near ("Acme Ltd ", "Acme Ltd", HY_NAME_EVIDENCE_SPACING, spacing);
  assert_near ("Acme, Ltd", "Acme Ltd", HY_NAME_EVIDENCE_SPACING, spacing);
  assert_near ("Smith-Jones", "Smith Jones", HY_NAME_EVIDENCE_SPACING, spacing);
  assert_near ("SmithJones", "Smith Jones", HY_NAME_EVIDENCE_SPACING, spacing);
  assert_near ("O'Brien", "OBrien", HY_NAME_EVIDENCE_SPACING, spacing);
  assert_near ("Acme S.A.", "Acme SA", HY_NAME_EVIDENCE_SPACING, spacing);
  assert_near ("Acme Inc.", "Acme Inc", HY_NAME_EVIDENCE_SPACING, spacing);
  assert_near ("Acme & Co", "Acme Co", HY_NAME_EVIDENCE_SPACING, spacing);
}

static void
test_forms (void)
{
  assert_near ("\xef\xbc\xa1\xef\xbd\x83\xef\xbd\x8d\xef\xbd\x85", "Acme", HY_NAME_EVIDENCE_FORM,
               NULL);
  assert_near ("\xef\xac\x81"
               "ne Foods",
               "fine Foods", HY_NAME_EVIDENCE_FORM, NULL);
}

#define SPACING "differs in spacing or punctuation"

typedef struct
{
  const char *local;
  const char *halo;
  HyNameEvidence flag;
  const char *evidence;
} LegalSuffixCase;

/* Legal suffixes spelled differently, written with other punctuation, with accents, or on one
 * side only */
static const LegalSuffixCase legal_suffix_cases[] = {
  /* Spelled differently: the suffix itself is the evidence. */
  { "Acme Ltd", "Acme Limited", HY_NAME_EVIDENCE_SUFFIX, "legal suffix Ltd ≈ Limited" },
  { "Acme Ltd.", "Acme Limited", HY_NAME_EVIDENCE_SUFFIX, "legal suffix Ltd. ≈ Limited" },
  { "Acme Inc", "Acme Incorporated", HY_NAME_EVIDENCE_SUFFIX, "legal suffix Inc ≈ Incorporated" },
  { "Acme Corp", "Acme Corporation", HY_NAME_EVIDENCE_SUFFIX, "legal suffix Corp ≈ Corporation" },
  { "Acme Pty Ltd", "Acme Pty Limited", HY_NAME_EVIDENCE_SUFFIX,
    "legal suffix Pty Ltd ≈ Pty Limited" },
  { "Acme Pty Ltd", "Acme Proprietary Limited", HY_NAME_EVIDENCE_SUFFIX,
    "legal suffix Pty Ltd ≈ Proprietary Limited" },
  { "Acme PLC", "Acme Public Limited Company", HY_NAME_EVIDENCE_SUFFIX,
    "legal suffix PLC ≈ Public Limited Company" },
  { "Acme Co.", "Acme Company", HY_NAME_EVIDENCE_SUFFIX, "legal suffix Co. ≈ Company" },
  /* Initials written with dots or spaces: the same letters, other punctuation. */
  { "Acme LLC", "Acme L.L.C.", HY_NAME_EVIDENCE_SPACING, SPACING },
  { "Acme GmbH", "Acme G. m. b. H.", HY_NAME_EVIDENCE_SPACING, SPACING },
  { "Acme AG", "Acme A.G.", HY_NAME_EVIDENCE_SPACING, SPACING },
  { "Acme SARL", "Acme S.A.R.L.", HY_NAME_EVIDENCE_SPACING, SPACING },
  { "Acme SAS", "Acme S. A. S.", HY_NAME_EVIDENCE_SPACING, SPACING },
  { "Acme SA", "Acme S. A.", HY_NAME_EVIDENCE_SPACING, SPACING },
  { "Acme SL", "Acme S.L.", HY_NAME_EVIDENCE_SPACING, SPACING },
  { "Acme BV", "Acme B.V.", HY_NAME_EVIDENCE_SPACING, SPACING },
  { "Acme NV", "Acme N.V.", HY_NAME_EVIDENCE_SPACING, SPACING },
  { "Acme PLC", "Acme p.l.c.", HY_NAME_EVIDENCE_CASE | HY_NAME_EVIDENCE_SPACING, SPACING },
  /* Accents inside a suffix. */
  { "Acme SARL", "Acme S. \xc3\xa0 r.l.",
    HY_NAME_EVIDENCE_CASE | HY_NAME_EVIDENCE_ACCENTS | HY_NAME_EVIDENCE_SPACING,
    "differs in accents" },
  /* Every family against the bare name. */
  { "Acme Ltd", "Acme", HY_NAME_EVIDENCE_SUFFIX_ONE_SIDED,
    "legal suffix Ltd only in the local name" },
  { "Acme Inc", "Acme", HY_NAME_EVIDENCE_SUFFIX_ONE_SIDED,
    "legal suffix Inc only in the local name" },
  { "Acme Corp", "Acme", HY_NAME_EVIDENCE_SUFFIX_ONE_SIDED,
    "legal suffix Corp only in the local name" },
  { "Acme LLC", "Acme", HY_NAME_EVIDENCE_SUFFIX_ONE_SIDED,
    "legal suffix LLC only in the local name" },
  { "Acme", "Acme GmbH", HY_NAME_EVIDENCE_SUFFIX_ONE_SIDED,
    "legal suffix GmbH only in the Halo name" },
  { "Acme", "Acme AG", HY_NAME_EVIDENCE_SUFFIX_ONE_SIDED, "legal suffix AG only in the Halo name" },
  { "Acme", "Acme SARL", HY_NAME_EVIDENCE_SUFFIX_ONE_SIDED,
    "legal suffix SARL only in the Halo name" },
  { "Acme", "Acme SAS", HY_NAME_EVIDENCE_SUFFIX_ONE_SIDED,
    "legal suffix SAS only in the Halo name" },
  { "Acme", "Acme S.A.", HY_NAME_EVIDENCE_SUFFIX_ONE_SIDED,
    "legal suffix S.A. only in the Halo name" },
  { "Acme", "Acme S.L.", HY_NAME_EVIDENCE_SUFFIX_ONE_SIDED,
    "legal suffix S.L. only in the Halo name" },
  { "Acme", "Acme B.V.", HY_NAME_EVIDENCE_SUFFIX_ONE_SIDED,
    "legal suffix B.V. only in the Halo name" },
  { "Acme", "Acme N.V.", HY_NAME_EVIDENCE_SUFFIX_ONE_SIDED,
    "legal suffix N.V. only in the Halo name" },
  { "Acme", "Acme Pty Ltd", HY_NAME_EVIDENCE_SUFFIX_ONE_SIDED,
    "legal suffix Pty Ltd only in the Halo name" },
  { "Acme", "Acme PLC", HY_NAME_EVIDENCE_SUFFIX_ONE_SIDED,
    "legal suffix PLC only in the Halo name" },
  { "Acme", "Acme & Co.", HY_NAME_EVIDENCE_SUFFIX_ONE_SIDED | HY_NAME_EVIDENCE_SPACING,
    "legal suffix Co. only in the Halo name" },
};

static void
test_legal_suffixes (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (legal_suffix_cases); i++)
    {
      const LegalSuffixCase *c = &legal_suffix_cases[i];
      g_autoptr (HyNameMatch) match = hy_name_match_compare (c->local, c->halo);
      g_auto (GStrv) strings = NULL;

      if (match == NULL)
        g_error ("“%s” / “%s” should match", c->local, c->halo);
      if (hy_name_match_get_evidence (match) != c->flag)
        g_error ("“%s” / “%s”: evidence 0x%x, expected 0x%x", c->local, c->halo,
                 hy_name_match_get_evidence (match), c->flag);
      strings = hy_name_match_dup_evidence_strings (match);
      if (!g_strv_contains ((const char *const *) strings, c->evidence))
        g_error ("“%s” / “%s”: no evidence “%s”", c->local, c->halo, c->evidence);
    }

  /* ACME LIMITED vs Acme Ltd: case in the name, the suffix written differently. */
  {
    const char *expected[] = { "differs in case", "legal suffix LIMITED ≈ Ltd", NULL };
    assert_near ("ACME LIMITED", "Acme Ltd", HY_NAME_EVIDENCE_CASE | HY_NAME_EVIDENCE_SUFFIX,
                 expected);
  }
  /* The same suffix in different case is only case. */
  {
    const char *expected[] = { "differs only in case", NULL };
    assert_near ("Acme GMBH", "Acme GmbH", HY_NAME_EVIDENCE_CASE, expected);
  }
  /* The same suffix with different dots is punctuation. */
  {
    const char *expected[] = { "differs in spacing or punctuation", NULL };
    assert_near ("Acme B.V.", "Acme BV", HY_NAME_EVIDENCE_SPACING, expected);
    assert_near ("Acme S.L.", "Acme SL", HY_NAME_EVIDENCE_SPACING, expected);
    assert_near ("Acme N.V.", "Acme NV", HY_NAME_EVIDENCE_SPACING, expected);
  }
  /* A suffix on one side only. */
  {
    const char *expected[] = { "legal suffix GmbH only in the local name", NULL };
    assert_near ("Acme GmbH", "Acme", HY_NAME_EVIDENCE_SUFFIX_ONE_SIDED, expected);
  }
  {
    const char *expected[] = { "differs in case", "legal suffix Ltd only in the Halo name", NULL };
    assert_near ("ACME", "Acme Ltd", HY_NAME_EVIDENCE_CASE | HY_NAME_EVIDENCE_SUFFIX_ONE_SIDED,
                 expected);
  }
}

static void
test_scores (void)
{
  g_autoptr (HyNameMatch) case_only = hy_name_match_compare ("ACME Ltd", "Acme Ltd");
  g_autoptr (HyNameMatch) suffix = hy_name_match_compare ("Acme Ltd", "Acme Limited");
  g_autoptr (HyNameMatch) one_sided = hy_name_match_compare ("Acme Ltd", "Acme");
  g_autoptr (HyNameMatch) many =
      hy_name_match_compare ("ACME  Soci\xc3\xa9t\xc3\xa9 Ltd", "Acme Societe Limited");

  g_assert_nonnull (many);
  g_assert_cmpfloat (hy_name_match_get_score (case_only), >, hy_name_match_get_score (suffix));
  g_assert_cmpfloat (hy_name_match_get_score (suffix), >, hy_name_match_get_score (one_sided));
  g_assert_cmpfloat (hy_name_match_get_score (suffix), >, hy_name_match_get_score (many));
  g_assert_cmpuint (hy_name_match_get_evidence (many), ==,
                    HY_NAME_EVIDENCE_CASE | HY_NAME_EVIDENCE_ACCENTS | HY_NAME_EVIDENCE_SPACING |
                        HY_NAME_EVIDENCE_SUFFIX);
}

static void
test_no_match (void)
{
  assert_no_match ("Acme Ltd", "Acme Inc"); /* different legal forms */
  assert_no_match ("Acme SA", "Acme SAS");
  assert_no_match ("Acme Pty Ltd", "Acme Ltd");
  assert_no_match ("Acme", "Acme Holdings");
  assert_no_match ("Acme", "Acmee");
  assert_no_match ("Acme 1", "Acme 2");
  assert_no_match ("...", "---"); /* no letters at all */
}

static void
test_empty_names (void)
{
  g_autoptr (HyNameMatch) match = hy_name_match_compare ("", " ");
  g_assert_null (match);
}


static void
test_connectors (void)
{
  const char *connector[] = { "differs in “&” or “and”", NULL };
  const char *connector_spacing[] = { "differs in spacing or punctuation",
                                      "differs in “&” or “and”", NULL };

  assert_near ("Smith & Jones", "Smith and Jones", HY_NAME_EVIDENCE_CONNECTOR, connector);
  assert_near ("Martin et Fils", "Martin & Fils", HY_NAME_EVIDENCE_CONNECTOR, connector);
  assert_near ("Müller und Söhne GmbH", "Müller & Söhne GmbH", HY_NAME_EVIDENCE_CONNECTOR,
               connector);
  assert_near ("García y Hermanos", "García & Hermanos", HY_NAME_EVIDENCE_CONNECTOR, connector);
  assert_near ("Smith and Jones", "Smith Jones",
               HY_NAME_EVIDENCE_CONNECTOR | HY_NAME_EVIDENCE_SPACING, connector_spacing);
  /* With a suffix after the connector. */
  assert_near ("Smith and Co", "Smith & Company",
               HY_NAME_EVIDENCE_CONNECTOR | HY_NAME_EVIDENCE_SUFFIX, NULL);
  /* Only between two words. */
  assert_no_match ("Y Combinator", "Combinator");
  assert_no_match ("Smith and", "Smith");
  assert_no_match ("Andy Jones", "Jones");

  {
    g_autofree char *key = hy_name_base_key ("Tom and Jerry");
    g_assert_cmpstr (key, ==, "tomjerry");
  }
  {
    g_autofree char *normal = hy_name_normalize ("Tom and Jerry");
    g_assert_cmpstr (normal, ==, "tom and jerry");
  }
}

/* Every pair compares the same both ways round, and normalising is idempotent. */
static void
test_symmetry (void)
{
  const char *names[] = {
    "Smith & Jones",
    "Smith and Jones",
    "SMITH JONES",
    "Smith et Jones Ltd",
    "Acme Ltd",
    "ACME LIMITED",
    "Acme",
    "Acme, Inc.",
    "Acme Inc",
    "Acme S.A.",
    "Acme SA",
    "Acme S. A. S.",
    "Acme GmbH",
    "Acme G.m.b.H.",
    "Acme Pty Ltd",
    "Acme Pty. Ltd.",
    "acme  ltd",
    "Acmé Ltd",
    "Ａｃｍｅ Ltd",
    "Acme Co.",
    "Acme & Co",
    "Acme Company",
    "Acme PLC",
    "Acme Holdings",
    "Société Générale",
    "SOCIETE GENERALE S.A.",
    "O'Brien",
    "OBrien",
    "",
  };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *once = hy_name_normalize (names[i]);
      g_autofree char *twice = hy_name_normalize (once);

      g_assert_cmpstr (once, ==, twice);

      for (guint j = 0; j < G_N_ELEMENTS (names); j++)
        {
          g_autoptr (HyNameMatch) ab = hy_name_match_compare (names[i], names[j]);
          g_autoptr (HyNameMatch) ba = hy_name_match_compare (names[j], names[i]);

          if ((ab == NULL) != (ba == NULL))
            g_error ("“%s” / “%s” match one way only", names[i], names[j]);
          if (ab == NULL)
            continue;
          g_assert_cmpint (hy_name_match_is_exact (ab), ==, i == j || names[i] == names[j]);
          g_assert_cmpint (hy_name_match_get_evidence (ab), ==, hy_name_match_get_evidence (ba));
          g_assert_cmpfloat (hy_name_match_get_score (ab), ==, hy_name_match_get_score (ba));
        }
    }
}

int
main (int argc, char *argv[])
{
  setlocale (LC_ALL, "C.UTF-8");
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/name-match/exact", test_exact);
  g_test_add_func ("/name-match/normalize", test_normalize);
  g_test_add_func ("/name-match/suffix-classes", test_suffix_classes);
  g_test_add_func ("/name-match/case", test_case);
  g_test_add_func ("/name-match/accents", test_accents);
  g_test_add_func ("/name-match/spacing-punctuation", test_spacing_punctuation);
  g_test_add_func ("/name-match/forms", test_forms);
  g_test_add_func ("/name-match/legal-suffixes", test_legal_suffixes);
  g_test_add_func ("/name-match/scores", test_scores);
  g_test_add_func ("/name-match/no-match", test_no_match);
  g_test_add_func ("/name-match/empty", test_empty_names);
  g_test_add_func ("/name-match/connectors", test_connectors);
  g_test_add_func ("/name-match/symmetry", test_symmetry);

  return g_test_run ();
}
