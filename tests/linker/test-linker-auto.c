/* test-linker-auto.c: auto-link (with its dry run, a chosen few, async and cancelled), rejected
 * suggestions and suggest, against a store filled in the test
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "test-linker"

#include "config.h"

#include "test-linker-fixture.h"

/* ------------------------------------------------------------------------- */
/* Auto-link                                                                 */
/* ------------------------------------------------------------------------- */

static void
test_auto_companies (Fixture *f, gconstpointer data)
{
  g_autoptr (HyLinkerResult) result = NULL;
  g_autoptr (HyLinkerResult) again = NULL;
  const HyLink *link;

  halo_client (f, 1, "Acme Ltd", FALSE);
  halo_client (f, 2, "Globex", FALSE);
  halo_client (f, 3, "Umbrella", FALSE);
  add_company (f, "c1", "Acme Ltd");
  add_company (f, "c2", "Globex");
  add_company (f, "c3", "Initech");

  result = auto_link (f, FALSE);
  g_assert_cmpuint (result->linked->len, ==, 2);
  link = find_linked (result, HY_RECORD_KIND_COMPANY, "c1");
  g_assert_nonnull (link);
  g_assert_cmpint (link->link.halo_id, ==, 1);
  g_assert_cmpstr (link->link.halo_name, ==, "Acme Ltd");
  g_assert_cmpstr (link->name, ==, "Acme Ltd");
  g_assert_cmpint (link->link.how, ==, HY_LINK_HOW_AUTO);
  g_assert_nonnull (find_linked (result, HY_RECORD_KIND_COMPANY, "c2"));
  g_assert_null (find_linked (result, HY_RECORD_KIND_COMPANY, "c3"));
  g_assert_cmpuint (result->ambiguous->len, ==, 0);
  g_assert_cmpuint (result->suggestions->len, ==, 0);

  assert_link (f, HY_RECORD_KIND_COMPANY, "c1", HY_LINK_HOW_AUTO, 1);
  assert_link (f, HY_RECORD_KIND_COMPANY, "c2", HY_LINK_HOW_AUTO, 2);
  assert_link (f, HY_RECORD_KIND_COMPANY, "c3", HY_LINK_HOW_NONE, 0);

  /* A second run has nothing left to do. */
  again = auto_link (f, FALSE);
  g_assert_cmpuint (again->linked->len, ==, 0);
  assert_link (f, HY_RECORD_KIND_COMPANY, "c1", HY_LINK_HOW_AUTO, 1);
}

static void
test_auto_dry_run (Fixture *f, gconstpointer data)
{
  g_autoptr (HyLinkerResult) dry = NULL;
  g_autoptr (HyLinkerResult) real = NULL;
  g_autoptr (JsonNode) dry_json = NULL;
  g_autoptr (JsonNode) real_json = NULL;
  JsonObject *object;

  halo_client (f, 1, "Acme Ltd", FALSE);
  halo_site (f, 10, 1, "Head Office");
  halo_asset (f, 100, 1, "ACME-DC01", NULL, NULL);
  halo_agent (f, 7, "Jane Tech", "jane@msp.example");
  add_company (f, "c1", "Acme Ltd");
  add_location (f, "l1", "c1", "Head Office");
  add_computer (f, "pc1", "c1", "ACME-DC01", NULL);
  add_user (f, "u1", "Jane Tech", "jane@msp.example");

  /* The dry run sees the company link it would make, and links within it. */
  dry = auto_link (f, TRUE);
  g_assert_cmpuint (dry->linked->len, ==, 4);
  g_assert_nonnull (find_linked (dry, HY_RECORD_KIND_LOCATION, "l1"));
  g_assert_nonnull (find_linked (dry, HY_RECORD_KIND_COMPUTER, "pc1"));
  assert_link (f, HY_RECORD_KIND_COMPANY, "c1", HY_LINK_HOW_NONE, 0);
  assert_link (f, HY_RECORD_KIND_LOCATION, "l1", HY_LINK_HOW_NONE, 0);
  assert_link (f, HY_RECORD_KIND_COMPUTER, "pc1", HY_LINK_HOW_NONE, 0);
  assert_link (f, HY_RECORD_KIND_USER, "u1", HY_LINK_HOW_NONE, 0);

  /* The real run does what the dry run said. */
  real = auto_link (f, FALSE);
  dry_json = hy_linker_result_to_json (dry);
  real_json = hy_linker_result_to_json (real);
  object = json_node_get_object (dry_json);
  json_object_remove_member (object, "dry_run");
  object = json_node_get_object (real_json);
  json_object_remove_member (object, "dry_run");
  g_assert_true (json_node_equal (dry_json, real_json));
  assert_link (f, HY_RECORD_KIND_COMPANY, "c1", HY_LINK_HOW_AUTO, 1);
  assert_link (f, HY_RECORD_KIND_LOCATION, "l1", HY_LINK_HOW_AUTO, 10);
  assert_link (f, HY_RECORD_KIND_COMPUTER, "pc1", HY_LINK_HOW_AUTO, 100);
  assert_link (f, HY_RECORD_KIND_USER, "u1", HY_LINK_HOW_AUTO, 7);
}

static void
test_auto_manual_kept (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (HyLinkerResult) result = NULL;

  halo_client (f, 1, "Acme Ltd", FALSE);
  halo_client (f, 2, "Acme Holdings", FALSE);
  halo_agent (f, 7, "Jane Tech", "jane@msp.example");
  halo_agent (f, 8, "Jane Other", "other@msp.example");
  add_company (f, "c1", "Acme Ltd");
  add_user (f, "u1", "Jane Tech", "jane@msp.example");

  hy_linker_set_link (f->store, HY_RECORD_KIND_COMPANY, "c1", 2, NULL, &error);
  g_assert_no_error (error);
  hy_linker_set_link (f->store, HY_RECORD_KIND_USER, "u1", 8, NULL, &error);
  g_assert_no_error (error);

  result = auto_link (f, FALSE);
  g_assert_cmpuint (result->linked->len, ==, 0);
  g_assert_cmpuint (result->suggestions->len, ==, 0);
  assert_link (f, HY_RECORD_KIND_COMPANY, "c1", HY_LINK_HOW_MANUAL, 2);
  assert_link (f, HY_RECORD_KIND_USER, "u1", HY_LINK_HOW_MANUAL, 8);
}

static void
test_auto_ambiguous (Fixture *f, gconstpointer data)
{
  g_autoptr (HyLinkerResult) result = NULL;
  const HyLinkerAmbiguous *ambiguous;

  halo_client (f, 6, "Acme", FALSE);
  halo_client (f, 5, "Acme", FALSE);
  halo_client (f, 9, "Globex", FALSE);
  halo_asset (f, 101, 9, "GLOBEX-PC", NULL, NULL);
  halo_asset (f, 100, 9, NULL, "GLOBEX-PC", NULL);
  halo_asset (f, 102, 9, "GLOBEX-NAS", NULL, "SN-1");
  halo_asset (f, 103, 9, "GLOBEX-NAS2", NULL, "SN-1");
  halo_agent (f, 1, "Jane A", "jane@msp.example");
  halo_agent (f, 2, "Jane B", "JANE@msp.example");
  add_company (f, "c1", "Acme");
  add_company (f, "c2", "Globex");
  add_computer (f, "pc1", "c2", "GLOBEX-PC", NULL);
  add_computer (f, "pc2", "c2", "GLOBEX-STORAGE", "sn-1");
  add_user (f, "u1", "Jane", "jane@msp.example");

  result = auto_link (f, FALSE);

  ambiguous = find_ambiguous (result, HY_RECORD_KIND_COMPANY, "c1");
  g_assert_nonnull (ambiguous);
  g_assert_cmpstr (ambiguous->name, ==, "Acme");
  g_assert_cmpuint (ambiguous->candidates->len, ==, 2);
  g_assert_cmpint (g_array_index (ambiguous->candidates, gint64, 0), ==, 5);
  g_assert_cmpint (g_array_index (ambiguous->candidates, gint64, 1), ==, 6);
  assert_link (f, HY_RECORD_KIND_COMPANY, "c1", HY_LINK_HOW_NONE, 0);

  /* Two assets of one name (key field of one, inventory number of the other). */
  ambiguous = find_ambiguous (result, HY_RECORD_KIND_COMPUTER, "pc1");
  g_assert_nonnull (ambiguous);
  g_assert_cmpuint (ambiguous->candidates->len, ==, 2);
  g_assert_cmpint (g_array_index (ambiguous->candidates, gint64, 0), ==, 100);
  g_assert_cmpint (g_array_index (ambiguous->candidates, gint64, 1), ==, 101);
  assert_link (f, HY_RECORD_KIND_COMPUTER, "pc1", HY_LINK_HOW_NONE, 0);

  /* Two assets of one serial. */
  ambiguous = find_ambiguous (result, HY_RECORD_KIND_COMPUTER, "pc2");
  g_assert_nonnull (ambiguous);
  g_assert_cmpuint (ambiguous->candidates->len, ==, 2);
  assert_link (f, HY_RECORD_KIND_COMPUTER, "pc2", HY_LINK_HOW_NONE, 0);

  /* Two agents of one e-mail (ignoring case). */
  ambiguous = find_ambiguous (result, HY_RECORD_KIND_USER, "u1");
  g_assert_nonnull (ambiguous);
  g_assert_cmpuint (ambiguous->candidates->len, ==, 2);
  assert_link (f, HY_RECORD_KIND_USER, "u1", HY_LINK_HOW_NONE, 0);

  g_assert_cmpuint (result->ambiguous->len, ==, 4);
  /* Only the company Globex was linked. */
  g_assert_cmpuint (result->linked->len, ==, 1);
  g_assert_nonnull (find_linked (result, HY_RECORD_KIND_COMPANY, "c2"));
}

static void
test_auto_locations (Fixture *f, gconstpointer data)
{
  g_autoptr (HyLinkerResult) result = NULL;

  halo_client (f, 1, "Acme Ltd", FALSE);
  halo_client (f, 2, "Globex", FALSE);
  halo_site (f, 20, 2, "Head Office");
  halo_site (f, 10, 1, "Head Office");
  halo_site (f, 11, 1, "Warehouse");
  add_company (f, "c1", "Acme Ltd");
  add_company (f, "c3", "Initech"); /* no Halo client */
  add_location (f, "l1", "c1", "Head Office");
  add_location (f, "l2", "c1", "warehouse");
  add_location (f, "l3", "c3", "Head Office");

  result = auto_link (f, FALSE);
  /* The site of the company's client, not the other client's site of the same name. */
  assert_link (f, HY_RECORD_KIND_LOCATION, "l1", HY_LINK_HOW_AUTO, 10);
  g_assert_null (find_ambiguous (result, HY_RECORD_KIND_LOCATION, "l1"));
  /* A near miss is a suggestion, not a link. */
  assert_link (f, HY_RECORD_KIND_LOCATION, "l2", HY_LINK_HOW_NONE, 0);
  g_assert_nonnull (find_suggestion (result, HY_RECORD_KIND_LOCATION, "l2", 11));
  /* The company is not linked: the location waits. */
  assert_link (f, HY_RECORD_KIND_LOCATION, "l3", HY_LINK_HOW_NONE, 0);
  g_assert_null (find_ambiguous (result, HY_RECORD_KIND_LOCATION, "l3"));
  g_assert_cmpuint (result->waiting_locations, ==, 1);
  g_assert_cmpuint (result->waiting_computers, ==, 0);
  g_assert_cmpuint (count_suggestions_for (result, HY_RECORD_KIND_LOCATION, "l3"), ==, 0);
}

static void
test_auto_computers (Fixture *f, gconstpointer data)
{
  g_autoptr (HyLinkerResult) result = NULL;

  halo_client (f, 1, "Acme Ltd", FALSE);
  halo_client (f, 2, "Globex", FALSE);
  halo_asset (f, 200, 2, "ACME-DC01", NULL, NULL);
  halo_asset (f, 100, 1, "ACME-DC01", "A-0001", "SN100");
  halo_asset (f, 101, 1, NULL, "ACME-FS01", NULL);
  halo_asset (f, 102, 1, "SOMETHING-ELSE", "A-0102", "SN999");
  halo_asset (f, 103, 1, "acme-ws02", "A-0103", NULL);
  add_company (f, "c1", "Acme Ltd");
  add_company (f, "c3", "Initech");
  add_computer (f, "pc1", "c1", "ACME-DC01", NULL);    /* key field */
  add_computer (f, "pc2", "c1", "ACME-FS01", NULL);    /* inventory number */
  add_computer (f, "pc3", "c1", "ACME-WS09", "sn999"); /* serial */
  add_computer (f, "pc4", "c1", "ACME-WS02", NULL);    /* case: a suggestion */
  add_computer (f, "pc5", "c3", "ACME-DC01", NULL);    /* company not linked */
  add_computer (f, "pc6", NULL, "ACME-DC01", NULL);    /* no company */
  {
    /* The asset of that name is inactive; the active one of the same serial wins. */
    HyCacheRecord *record = hy_cache_record_new (HY_CACHE_KIND_ASSET, 104, "ACME-OLD");
    record->client_id = 1;
    record->key_field = g_strdup ("ACME-OLD");
    record->inactive = TRUE;
    put_halo (f, record);
    halo_asset (f, 105, 1, "ACME-NEW", NULL, "SN-OLD-NEW");
    add_computer (f, "pc7", "c1", "ACME-OLD", "SN-OLD-NEW");
  }

  result = auto_link (f, FALSE);
  assert_link (f, HY_RECORD_KIND_COMPUTER, "pc1", HY_LINK_HOW_AUTO, 100);
  assert_link (f, HY_RECORD_KIND_COMPUTER, "pc2", HY_LINK_HOW_AUTO, 101);
  assert_link (f, HY_RECORD_KIND_COMPUTER, "pc3", HY_LINK_HOW_AUTO, 102);
  assert_link (f, HY_RECORD_KIND_COMPUTER, "pc4", HY_LINK_HOW_NONE, 0);
  assert_link (f, HY_RECORD_KIND_COMPUTER, "pc5", HY_LINK_HOW_NONE, 0);
  assert_link (f, HY_RECORD_KIND_COMPUTER, "pc6", HY_LINK_HOW_NONE, 0);
  assert_link (f, HY_RECORD_KIND_COMPUTER, "pc7", HY_LINK_HOW_AUTO, 105);

  {
    const HyLinkerSuggestion *suggestion =
        find_suggestion (result, HY_RECORD_KIND_COMPUTER, "pc4", 103);
    g_assert_nonnull (suggestion);
    g_assert_true (
        g_strv_contains ((const char *const *) suggestion->evidence, "differs only in case"));
  }
  g_assert_cmpuint (count_suggestions_for (result, HY_RECORD_KIND_COMPUTER, "pc5"), ==, 0);
  /* pc5's company is not linked, pc6 has none: both wait. */
  g_assert_cmpuint (result->waiting_computers, ==, 2);
}

static void
test_auto_users (Fixture *f, gconstpointer data)
{
  g_autoptr (HyLinkerResult) result = NULL;
  const HyLinkerSuggestion *suggestion;

  halo_agent (f, 7, "Jane Tech", "Jane.Tech@MSP.example");
  halo_agent (f, 8, "Bob Builder", "bob@other.example");
  halo_agent (f, 9, "Carla Núñez", "carla@other.example");
  add_user (f, "u1", "Jane T.", "jane.tech@msp.example");
  add_user (f, "u2", "Bob Builder", "bob@msp.example");
  add_user (f, "u3", "Carla Nunez", NULL);
  add_user (f, "u4", "Nobody", "nobody@msp.example");

  result = auto_link (f, FALSE);
  /* By e-mail, ignoring case; names do not matter. */
  assert_link (f, HY_RECORD_KIND_USER, "u1", HY_LINK_HOW_AUTO, 7);
  g_assert_nonnull (find_linked (result, HY_RECORD_KIND_USER, "u1"));

  /* The same name with another e-mail is only a suggestion. */
  assert_link (f, HY_RECORD_KIND_USER, "u2", HY_LINK_HOW_NONE, 0);
  suggestion = find_suggestion (result, HY_RECORD_KIND_USER, "u2", 8);
  g_assert_nonnull (suggestion);
  g_assert_cmpstr (suggestion->evidence[0], ==, "same name");
  g_assert_cmpstr (suggestion->evidence[1], ==, "the e-mail addresses differ");
  g_assert_null (suggestion->evidence[2]);
  g_assert_cmpfloat (suggestion->score, <, 1.0);

  suggestion = find_suggestion (result, HY_RECORD_KIND_USER, "u3", 9);
  g_assert_nonnull (suggestion);
  g_assert_true (
      g_strv_contains ((const char *const *) suggestion->evidence, "differs in accents"));
  g_assert_true (g_strv_contains ((const char *const *) suggestion->evidence,
                                  "the technician has no e-mail address"));

  assert_link (f, HY_RECORD_KIND_USER, "u4", HY_LINK_HOW_NONE, 0);
  g_assert_cmpuint (count_suggestions_for (result, HY_RECORD_KIND_USER, "u4"), ==, 0);
}

static void
test_auto_suggestions (Fixture *f, gconstpointer data)
{
  struct
  {
    const char *local;
    const char *halo;
    const char *evidence;
  } cases[] = {
    { "Acme Widgets", "ACME WIDGETS", "differs only in case" },
    { "Société Générale", "Societe Generale", "differs in accents" },
    { "Smith  Jones", "Smith Jones", "differs in spacing or punctuation" },
    { "O'Brien Partners", "OBrien Partners", "differs in spacing or punctuation" },
    { "Alpha Ltd", "Alpha Limited", "legal suffix Ltd ≈ Limited" },
    { "Bravo Inc", "Bravo Incorporated", "legal suffix Inc ≈ Incorporated" },
    { "Charlie Corp", "Charlie Corporation", "legal suffix Corp ≈ Corporation" },
    { "Delta LLC", "Delta L.L.C.", "differs in spacing or punctuation" },
    { "Echo GmbH", "Echo G.m.b.H.", "differs in spacing or punctuation" },
    { "Foxtrot AG", "Foxtrot", "legal suffix AG only in the local name" },
    { "Golf SARL", "Golf S.A.R.L.", "differs in spacing or punctuation" },
    { "Hotel SAS", "Hotel", "legal suffix SAS only in the local name" },
    { "India S.A.", "India SA", "differs in spacing or punctuation" },
    { "Juliet S.L.", "Juliet SL", "differs in spacing or punctuation" },
    { "Kilo B.V.", "Kilo BV", "differs in spacing or punctuation" },
    { "Lima N.V.", "Lima NV", "differs in spacing or punctuation" },
    { "Mike Pty Ltd", "Mike Pty Limited", "legal suffix Pty Ltd ≈ Pty Limited" },
    { "November PLC", "November Public Limited Company",
      "legal suffix PLC ≈ Public Limited Company" },
    { "Oscar Co.", "Oscar Company", "legal suffix Co. ≈ Company" },
    { "Papa", "Papa GmbH", "legal suffix GmbH only in the Halo name" },
    { "Quebec & Sons", "Quebec and Sons", "differs in “&” or “and”" },
  };
  g_autoptr (HyLinkerResult) result = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *id = g_strdup_printf ("c%u", i);
      add_company (f, id, cases[i].local);
      halo_client (f, 1000 + i, cases[i].halo, FALSE);
    }
  /* A name no client is near. */
  add_company (f, "lonely", "Zulu Trading");
  /* An exact name on an inactive client is a suggestion too. */
  add_company (f, "old", "Yankee Ltd");
  halo_client (f, 5000, "Yankee Ltd", TRUE);

  result = auto_link (f, FALSE);
  g_assert_cmpuint (result->linked->len, ==, 0);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *id = g_strdup_printf ("c%u", i);
      const HyLinkerSuggestion *suggestion =
          find_suggestion (result, HY_RECORD_KIND_COMPANY, id, 1000 + i);

      if (suggestion == NULL)
        g_error ("no suggestion for “%s” → “%s”", cases[i].local, cases[i].halo);
      if (!g_strv_contains ((const char *const *) suggestion->evidence, cases[i].evidence))
        g_error ("“%s” → “%s”: evidence lacks “%s”", cases[i].local, cases[i].halo,
                 cases[i].evidence);
      g_assert_cmpstr (suggestion->name, ==, cases[i].local);
      g_assert_cmpstr (suggestion->halo_name, ==, cases[i].halo);
      g_assert_cmpfloat (suggestion->score, >=, 0.5);
      g_assert_cmpfloat (suggestion->score, <, 1.0);
      g_assert_cmpuint (count_suggestions_for (result, HY_RECORD_KIND_COMPANY, id), ==, 1);
      assert_link (f, HY_RECORD_KIND_COMPANY, id, HY_LINK_HOW_NONE, 0);
    }

  g_assert_cmpuint (count_suggestions_for (result, HY_RECORD_KIND_COMPANY, "lonely"), ==, 0);
  {
    const HyLinkerSuggestion *suggestion =
        find_suggestion (result, HY_RECORD_KIND_COMPANY, "old", 5000);
    g_assert_nonnull (suggestion);
    g_assert_cmpstr (suggestion->evidence[0], ==, "same name, but inactive in Halo");
    assert_link (f, HY_RECORD_KIND_COMPANY, "old", HY_LINK_HOW_NONE, 0);
  }

  /* Accepting a suggestion makes a manual link, which auto-link then leaves alone. */
  {
    g_autoptr (GError) error = NULL;
    g_autoptr (HyLink) link = NULL;
    g_autoptr (HyLinkerResult) again = NULL;
    const HyLinkerSuggestion *suggestion =
        find_suggestion (result, HY_RECORD_KIND_COMPANY, "c4", 1004);

    g_assert_true (hy_linker_accept_suggestion (f->store, suggestion, &link, &error));
    g_assert_no_error (error);
    g_assert_cmpint (link->link.how, ==, HY_LINK_HOW_MANUAL);
    g_assert_cmpint (link->link.halo_id, ==, 1004);
    assert_link (f, HY_RECORD_KIND_COMPANY, "c4", HY_LINK_HOW_MANUAL, 1004);

    again = auto_link (f, FALSE);
    g_assert_cmpuint (count_suggestions_for (again, HY_RECORD_KIND_COMPANY, "c4"), ==, 0);
    g_assert_cmpuint (again->suggestions->len, ==, result->suggestions->len - 1);
  }
}

static void
test_auto_relink_drops_stale (Fixture *f, gconstpointer data)
{
  g_autoptr (HyLinkerResult) first = NULL;
  g_autoptr (HyLinkerResult) second = NULL;
  HyCacheRecord *renamed;

  halo_client (f, 1, "Acme", FALSE);
  halo_site (f, 10, 1, "Head Office");
  add_company (f, "c1", "Acme");
  add_location (f, "l1", "c1", "Head Office");
  first = auto_link (f, FALSE);
  assert_link (f, HY_RECORD_KIND_LOCATION, "l1", HY_LINK_HOW_AUTO, 10);

  /* Halo renames client 1 and a new client takes the name: the automatic company link moves,
   * and the location's link into the old client goes; the new client's site is linked. */
  renamed = hy_cache_record_new (HY_CACHE_KIND_CLIENT, 1, "Acme (old)");
  put_halo (f, renamed);
  halo_client (f, 2, "Acme", FALSE);
  halo_site (f, 20, 2, "Head Office");

  second = auto_link (f, FALSE);
  assert_link (f, HY_RECORD_KIND_COMPANY, "c1", HY_LINK_HOW_AUTO, 2);
  assert_link (f, HY_RECORD_KIND_LOCATION, "l1", HY_LINK_HOW_AUTO, 20);
}


static void
test_reject (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (HyLinkerResult) first = NULL;
  g_autoptr (HyLinkerResult) second = NULL;
  g_autoptr (GPtrArray) offered = NULL;
  HyLinkerSuggestion *rejected;
  HyLinkerSuggestion unknown = { 0 };

  halo_client (f, 1, "ACME", FALSE);
  halo_client (f, 2, "Acme Ltd", FALSE);
  add_company (f, "c1", "Acme");

  first = auto_link (f, FALSE);
  g_assert_cmpuint (count_suggestions_for (first, HY_RECORD_KIND_COMPANY, "c1"), ==, 2);
  /* Best first: case only, then a suffix on one side. */
  g_assert_cmpint (((HyLinkerSuggestion *) first->suggestions->pdata[0])->halo_id, ==, 1);
  g_assert_cmpint (((HyLinkerSuggestion *) first->suggestions->pdata[1])->halo_id, ==, 2);

  rejected = (HyLinkerSuggestion *) find_suggestion (first, HY_RECORD_KIND_COMPANY, "c1", 1);
  g_assert_true (hy_linker_reject_suggestion (f->store, rejected, &error));
  g_assert_no_error (error);
  /* Twice is the same as once. */
  g_assert_true (hy_linker_reject_suggestion (f->store, rejected, &error));
  g_assert_no_error (error);

  second = auto_link (f, FALSE);
  g_assert_cmpuint (count_suggestions_for (second, HY_RECORD_KIND_COMPANY, "c1"), ==, 1);
  g_assert_null (find_suggestion (second, HY_RECORD_KIND_COMPANY, "c1", 1));
  g_assert_nonnull (find_suggestion (second, HY_RECORD_KIND_COMPANY, "c1", 2));
  assert_link (f, HY_RECORD_KIND_COMPANY, "c1", HY_LINK_HOW_NONE, 0);

  offered = hy_linker_suggest (f->store, HY_RECORD_KIND_COMPANY, "c1", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (offered->len, ==, 1);
  g_assert_cmpint (((HyLinkerSuggestion *) offered->pdata[0])->halo_id, ==, 2);

  unknown.kind = HY_RECORD_KIND_COMPANY;
  unknown.id = (char *) "nope";
  unknown.halo_id = 1;
  g_assert_false (hy_linker_reject_suggestion (f->store, &unknown, &error));
  g_assert_error (error, HY_LINKER_ERROR, HY_LINKER_ERROR_NOT_FOUND);
}

static void
test_suggest (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) offered = NULL;
  HyLinkerSuggestion *suggestion;

  halo_client (f, 1, "Acme Ltd", FALSE);
  halo_client (f, 2, "ACME LTD", FALSE);
  halo_client (f, 3, "Acme Ltd", TRUE);
  halo_client (f, 4, "Globex", FALSE);
  halo_asset (f, 100, 1, "PC-1", NULL, NULL);
  halo_asset (f, 101, 1, "OTHER", NULL, "SN-7");
  halo_asset (f, 200, 2, "PC-1", NULL, NULL);
  halo_agent (f, 7, "Jane Tech", "jane@msp.example");
  add_company (f, "c1", "Acme Ltd");
  add_computer (f, "pc1", "c1", "PC-1", NULL);
  add_computer (f, "pc2", "c1", "PC-2", "sn-7");
  add_user (f, "u1", "Jane Tech", "Jane@MSP.example");

  offered = hy_linker_suggest (f->store, HY_RECORD_KIND_COMPANY, "c1", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (offered->len, ==, 3);
  suggestion = offered->pdata[0];
  g_assert_cmpint (suggestion->halo_id, ==, 1);
  g_assert_cmpfloat (suggestion->score, ==, 1.0);
  g_assert_cmpstr (suggestion->evidence[0], ==, "same name");
  suggestion = offered->pdata[1];
  g_assert_cmpint (suggestion->halo_id, ==, 2);
  g_assert_cmpstr (suggestion->evidence[0], ==, "differs only in case");
  suggestion = offered->pdata[2];
  g_assert_cmpint (suggestion->halo_id, ==, 3);
  g_assert_cmpstr (suggestion->evidence[1], ==, "inactive in Halo");
  g_clear_pointer (&offered, g_ptr_array_unref);

  /* A computer's candidates are assets of its company's client. */
  g_assert_null (hy_linker_suggest (f->store, HY_RECORD_KIND_COMPUTER, "pc1", &error));
  g_assert_error (error, HY_LINKER_ERROR, HY_LINKER_ERROR_COMPANY_NOT_LINKED);
  g_clear_error (&error);
  g_assert_true (hy_linker_set_link (f->store, HY_RECORD_KIND_COMPANY, "c1", 1, NULL, &error));
  offered = hy_linker_suggest (f->store, HY_RECORD_KIND_COMPUTER, "pc1", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (offered->len, ==, 1);
  g_assert_cmpint (((HyLinkerSuggestion *) offered->pdata[0])->halo_id, ==, 100);
  g_clear_pointer (&offered, g_ptr_array_unref);

  offered = hy_linker_suggest (f->store, HY_RECORD_KIND_COMPUTER, "pc2", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (offered->len, ==, 1);
  suggestion = offered->pdata[0];
  g_assert_cmpint (suggestion->halo_id, ==, 101);
  g_assert_cmpstr (suggestion->evidence[0], ==, "same serial number");
  g_clear_pointer (&offered, g_ptr_array_unref);

  /* The agent of the same e-mail, once (not again for its name). */
  offered = hy_linker_suggest (f->store, HY_RECORD_KIND_USER, "u1", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (offered->len, ==, 1);
  suggestion = offered->pdata[0];
  g_assert_cmpint (suggestion->halo_id, ==, 7);
  g_assert_cmpstr (suggestion->evidence[0], ==, "same e-mail address");
  g_clear_pointer (&offered, g_ptr_array_unref);

  g_assert_null (hy_linker_suggest (f->store, HY_RECORD_KIND_GROUP, "g1", &error));
  g_assert_error (error, HY_LINKER_ERROR, HY_LINKER_ERROR_NOT_LINKABLE);
}

static HyLinkerResult *
auto_link_some (Fixture *f, gboolean dry_run, ...)
{
  g_autoptr (GHashTable) only = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr (GError) error = NULL;
  HyLinkerResult *result;
  const char *key;
  va_list args;

  va_start (args, dry_run);
  while ((key = va_arg (args, const char *)) != NULL)
    g_hash_table_add (only, g_strdup (key));
  va_end (args);

  result = hy_linker_auto_link_some (f->store, only, dry_run, &error);
  g_assert_no_error (error);
  g_assert_nonnull (result);
  return result;
}

static void
test_auto_some (Fixture *f, gconstpointer data)
{
  halo_client (f, 1, "Acme Ltd", FALSE);
  halo_client (f, 2, "Globex", FALSE);
  halo_client (f, 3, "Initech Limited", FALSE);
  halo_site (f, 10, 1, "Head Office");
  halo_site (f, 20, 2, "HQ");
  halo_agent (f, 7, "Jane Tech", "jane@msp.example");
  add_company (f, "c1", "Acme Ltd");
  add_company (f, "c2", "Globex");
  add_company (f, "c3", "Initech Ltd");
  add_location (f, "l1", "c1", "Head Office");
  add_location (f, "l2", "c2", "HQ");
  add_user (f, "u1", "Jane Tech", "jane@msp.example");

  /* A location alone, its company unlinked and not chosen: it waits, nothing is written. */
  {
    g_autoptr (HyLinkerResult) result = auto_link_some (f, FALSE, "location:l1", NULL);

    g_assert_cmpuint (result->linked->len, ==, 0);
    g_assert_cmpuint (result->waiting_locations, ==, 1);
    assert_link (f, HY_RECORD_KIND_COMPANY, "c1", HY_LINK_HOW_NONE, 0);
    assert_link (f, HY_RECORD_KIND_LOCATION, "l1", HY_LINK_HOW_NONE, 0);
  }
  /* A dry run of the company and its location. */
  {
    g_autoptr (HyLinkerResult) result = auto_link_some (f, TRUE, "company:c1", "location:l1", NULL);

    g_assert_cmpuint (result->linked->len, ==, 2);
    assert_link (f, HY_RECORD_KIND_COMPANY, "c1", HY_LINK_HOW_NONE, 0);
  }
  /* The company and its location, for real; nothing else is touched or reported. */
  {
    g_autoptr (HyLinkerResult) result =
        auto_link_some (f, FALSE, "company:c1", "location:l1", NULL);

    g_assert_cmpuint (result->linked->len, ==, 2);
    g_assert_cmpuint (result->suggestions->len, ==, 0);
    assert_link (f, HY_RECORD_KIND_COMPANY, "c1", HY_LINK_HOW_AUTO, 1);
    assert_link (f, HY_RECORD_KIND_LOCATION, "l1", HY_LINK_HOW_AUTO, 10);
    assert_link (f, HY_RECORD_KIND_COMPANY, "c2", HY_LINK_HOW_NONE, 0);
    assert_link (f, HY_RECORD_KIND_USER, "u1", HY_LINK_HOW_NONE, 0);
  }
  /* A location whose company is linked already links on its own. */
  {
    g_autoptr (GError) error = NULL;
    g_autoptr (HyLinkerResult) result = NULL;

    g_assert_true (hy_linker_set_link (f->store, HY_RECORD_KIND_COMPANY, "c2", 2, NULL, &error));
    result = auto_link_some (f, FALSE, "location:l2", "user:u1", "company:c3", NULL);
    g_assert_cmpuint (result->linked->len, ==, 2);
    assert_link (f, HY_RECORD_KIND_LOCATION, "l2", HY_LINK_HOW_AUTO, 20);
    assert_link (f, HY_RECORD_KIND_USER, "u1", HY_LINK_HOW_AUTO, 7);
    g_assert_nonnull (find_suggestion (result, HY_RECORD_KIND_COMPANY, "c3", 3));
  }
}

static void
auto_link_done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  HyLinkerResult **out = user_data;
  g_autoptr (GError) error = NULL;

  *out = hy_linker_auto_link_finish (HY_STORE (source), result, &error);
  g_assert_no_error (error);
}


static void
auto_link_cancelled_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  gboolean *done = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (HyLinkerResult) linked = NULL;

  linked = hy_linker_auto_link_finish (HY_STORE (source), result, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_null (linked);
  *done = TRUE;
}

static void
test_auto_cancelled (Fixture *f, gconstpointer data)
{
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  gboolean done = FALSE;

  halo_client (f, 1, "Acme Ltd", FALSE);
  add_company (f, "c1", "Acme Ltd");

  g_cancellable_cancel (cancellable);
  hy_linker_auto_link_async (f->store, FALSE, cancellable, auto_link_cancelled_cb, &done);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
  assert_link (f, HY_RECORD_KIND_COMPANY, "c1", HY_LINK_HOW_NONE, 0);
}

static void
test_auto_async (Fixture *f, gconstpointer data)
{
  g_autoptr (HyLinkerResult) result = NULL;

  halo_client (f, 1, "Acme Ltd", FALSE);
  add_company (f, "c1", "Acme Ltd");

  hy_linker_auto_link_async (f->store, FALSE, NULL, auto_link_done_cb, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (result->linked->len, ==, 1);
  assert_link (f, HY_RECORD_KIND_COMPANY, "c1", HY_LINK_HOW_AUTO, 1);
}

int
main (int argc, char *argv[])
{
  setlocale (LC_ALL, "C.UTF-8");
  g_setenv ("LANGUAGE", "C", TRUE);
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  LINKER_TEST_ADD ("/linker/auto/companies", test_auto_companies);
  LINKER_TEST_ADD ("/linker/auto/dry-run", test_auto_dry_run);
  LINKER_TEST_ADD ("/linker/auto/manual-kept", test_auto_manual_kept);
  LINKER_TEST_ADD ("/linker/auto/ambiguous", test_auto_ambiguous);
  LINKER_TEST_ADD ("/linker/auto/locations", test_auto_locations);
  LINKER_TEST_ADD ("/linker/auto/computers", test_auto_computers);
  LINKER_TEST_ADD ("/linker/auto/users", test_auto_users);
  LINKER_TEST_ADD ("/linker/auto/suggestions", test_auto_suggestions);
  LINKER_TEST_ADD ("/linker/auto/relink-drops-stale", test_auto_relink_drops_stale);
  LINKER_TEST_ADD ("/linker/auto/async", test_auto_async);
  LINKER_TEST_ADD ("/linker/auto/cancelled", test_auto_cancelled);
  LINKER_TEST_ADD ("/linker/auto/some", test_auto_some);
  LINKER_TEST_ADD ("/linker/reject", test_reject);
  LINKER_TEST_ADD ("/linker/suggest", test_suggest);

  return g_test_run ();
}
