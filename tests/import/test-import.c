/* test-import.c: inventory import
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-import"

#include "config.h"

#include <glib/gstdio.h>
#include <sqlite3.h>
#include <string.h>

#include "import/hy-import.h"
#include "store/hy-store-private.h"
#include "store/hy-store.h"
#include "hy-test-cases.h"
#include "hy-test-db.h"
#include "hy-test-halo.h"

/* The example of DESIGN.md, with an alert. */
static const char design_json[] =
    "{\n"
    "  \"companies\": [{\"id\": \"c1\", \"name\": \"Acme Ltd\"}],\n"
    "  \"locations\": [{\"id\": \"l1\", \"company\": \"c1\", \"name\": \"Head Office\"}],\n"
    "  \"groups\":    [{\"id\": \"g1\", \"name\": \"Servers\", \"parent\": null}],\n"
    "  \"computers\": [{\"id\": \"pc1\", \"name\": \"ACME-DC01\", \"company\": \"c1\", "
    "\"location\": \"l1\",\n"
    "                 \"group\": \"g1\", \"serial\": \"SN123\", \"os\": \"Windows Server 2022\",\n"
    "                 \"ip\": \"10.0.0.5\", \"mac\": \"00:11:22:33:44:55\", \"last_seen\": "
    "\"2026-11-20T10:00:00Z\"}],\n"
    "  \"users\":     [{\"id\": \"u1\", \"name\": \"Jane Tech\", \"email\": "
    "\"jane@msp.example\"}],\n"
    "  \"policies\":  [{\"id\": \"p1\", \"name\": \"Disk space low\"}],\n"
    "  \"alerts\":    [{\"id\": \"a1\", \"computer\": \"pc1\", \"policy\": \"p1\", \"severity\": "
    "\"critical\",\n"
    "                 \"summary\": \"C: is 95% full\", \"details\": \"C: 95%\", \"raised_at\": "
    "\"2026-11-20T10:05:00Z\", \"cleared_at\": null}]\n"
    "}\n";

typedef HyTestStoreFixture Fixture;

static HyImportResult *
import_text (Fixture *f,
             const char *name,
             const char *text,
             gssize length,
             const HyImportOptions *options,
             GError **error)
{
  g_autoptr (GBytes) bytes = g_bytes_new (text, length < 0 ? strlen (text) : (gsize) length);

  return hy_import_bytes (f->store, bytes, name, options, NULL, error);
}

static void
import_ok (Fixture *f, const char *name, const char *text)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (HyImportResult) result = import_text (f, name, text, -1, NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (result);
}

/* Every row of every table, hashed: what "nothing changed" means. */
static char *
store_checksum (Fixture *f)
{
  return hy_test_db_checksum (f->path);
}

/* ---------------------------------------------------------------------------------------------
 * Good imports
 * ------------------------------------------------------------------------------------------- */

static void
test_json_design (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (HyImportResult) result = NULL;
  g_autoptr (HyComputer) pc = NULL;
  g_autoptr (HyAlert) alert = NULL;
  g_autoptr (JsonNode) json = NULL;
  g_autofree char *text = NULL;

  result = import_text (f, "inventory.json", design_json, -1, NULL, &error);
  g_assert_no_error (error);
  for (guint kind = 0; kind < HY_N_RECORD_KINDS; kind++)
    {
      g_assert_cmpuint (hy_import_result_get_added (result, kind), ==, 1);
      g_assert_cmpuint (hy_import_result_get_updated (result, kind), ==, 0);
      g_assert_cmpuint (hy_import_result_get_unchanged (result, kind), ==, 0);
    }
  g_assert_cmpuint (hy_import_result_get_total_added (result), ==, 7);

  pc = hy_store_get (f->store, HY_RECORD_KIND_COMPUTER, "pc1", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (pc->name, ==, "ACME-DC01");
  g_assert_cmpstr (pc->company_id, ==, "c1");
  g_assert_cmpstr (pc->location_id, ==, "l1");
  g_assert_cmpstr (pc->group_id, ==, "g1");
  g_assert_cmpstr (pc->serial, ==, "SN123");
  g_assert_cmpstr (pc->os, ==, "Windows Server 2022");
  g_assert_cmpstr (pc->ip, ==, "10.0.0.5");
  g_assert_cmpstr (pc->mac, ==, "00:11:22:33:44:55");
  g_assert_cmpstr (pc->last_seen, ==, "2026-11-20T10:00:00Z");

  alert = hy_store_get (f->store, HY_RECORD_KIND_ALERT, "a1", &error);
  g_assert_cmpstr (alert->summary, ==, "C: is 95% full");
  g_assert_null (alert->cleared_at);
  g_assert_cmpint (alert->state, ==, HY_ALERT_STATE_QUEUED);

  /* The CLI document. */
  json = hy_import_result_to_json (result);
  text = json_to_string (json, FALSE);
  g_assert_cmpstr (text, ==,
                   "{\"added\":{\"companies\":1,\"locations\":1,\"groups\":1,\"computers\":1,"
                   "\"users\":1,\"policies\":1,\"alerts\":1},\"updated\":{\"companies\":0,"
                   "\"locations\":0,\"groups\":0,\"computers\":0,\"users\":0,\"policies\":0,"
                   "\"alerts\":0},\"unchanged\":{\"companies\":0,\"locations\":0,\"groups\":0,"
                   "\"computers\":0,\"users\":0,\"policies\":0,\"alerts\":0},\"retired\":{"
                   "\"computers\":0},\"returned\":{\"computers\":0},\"columns\":null}");
}

static void
test_reimport (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (HyImportResult) result = NULL;
  g_autoptr (HyAlert) alert = NULL;
  g_autofree char *changed = NULL;

  import_ok (f, "inventory.json", design_json);
  g_assert_true (
      hy_store_set_alert_delivery (f->store, "a1", HY_ALERT_STATE_DELIVERED, 77, NULL, &error));
  g_assert_true (hy_store_link_set (f->store, HY_RECORD_KIND_COMPUTER, "pc1", 5, "ACME-DC01",
                                    HY_LINK_HOW_AUTO, &error));

  result = import_text (f, "inventory.json", design_json, -1, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (hy_import_result_get_total_added (result), ==, 0);
  g_assert_cmpuint (hy_import_result_get_total_updated (result), ==, 0);
  g_assert_cmpuint (hy_import_result_get_total_unchanged (result), ==, 7);
  g_clear_object (&result);

  /* One computer renamed, one company added. */
  changed = g_strdup (design_json);
  memcpy (strstr (changed, "ACME-DC01"), "ACME-DC02", 9);
  memcpy (strstr (changed, "[{\"id\": \"c1\""), "[{\"id\": \"c2\"", 12);
  {
    /* c2 replaces c1 in "companies" but c1 already exists in the store: references still
     * resolve. */
    g_autoptr (GError) e = NULL;
    result = import_text (f, "inventory.json", changed, -1, NULL, &e);
    g_assert_no_error (e);
  }
  g_assert_cmpuint (hy_import_result_get_added (result, HY_RECORD_KIND_COMPANY), ==, 1);
  g_assert_cmpuint (hy_import_result_get_updated (result, HY_RECORD_KIND_COMPUTER), ==, 1);
  g_assert_cmpuint (hy_import_result_get_unchanged (result, HY_RECORD_KIND_LOCATION), ==, 1);
  g_assert_cmpuint (hy_import_result_get_unchanged (result, HY_RECORD_KIND_ALERT), ==, 1);

  /* The import kept what is not the source's. */
  alert = hy_store_get (f->store, HY_RECORD_KIND_ALERT, "a1", &error);
  g_assert_cmpint (alert->state, ==, HY_ALERT_STATE_DELIVERED);
  g_assert_cmpint (alert->ticket_id, ==, 77);
  {
    g_autoptr (HyComputer) pc = hy_store_get (f->store, HY_RECORD_KIND_COMPUTER, "pc1", &error);
    g_assert_cmpstr (pc->name, ==, "ACME-DC02");
    g_assert_cmpint (pc->link.halo_id, ==, 5);
  }
}

static void
test_json_references (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (HyImportResult) result = NULL;

  /* References to records already in the store. */
  import_ok (f, "a.json", "{\"companies\": [{\"id\": \"c1\", \"name\": \"Acme\"}]}");
  import_ok (f, "b.json",
             "{\"computers\": [{\"id\": \"pc1\", \"name\": \"PC1\", \"company\": \"c1\"}]}");

  /* Forward references in one file: kinds in any order, a child group before its parent,
   * nulls and empty strings for optional fields. */
  result =
      import_text (f, "c.json",
                   "{\"computers\": [{\"id\": \"pc2\", \"name\": \"PC2\", \"company\": \"c2\","
                   " \"location\": \"l2\", \"group\": \"g2\", \"serial\": null, \"os\": \"\"}],"
                   " \"groups\": [{\"id\": \"g2\", \"name\": \"Child\", \"parent\": \"g1\"},"
                   "              {\"id\": \"g1\", \"name\": \"Parent\"}],"
                   " \"locations\": [{\"id\": \"l2\", \"company\": \"c2\", \"name\": \"HQ\"}],"
                   " \"companies\": [{\"id\": \"c2\", \"name\": \"B\\u00e9ta \\ud83d\\ude00 "
                   "\\\"q\\\"\\n\", \"extra\": {\"deep\": [1, 2.5e3, true, null]}}],"
                   " \"unknown-extra\": 42}",
                   -1, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (hy_import_result_get_added (result, HY_RECORD_KIND_GROUP), ==, 2);
  g_assert_cmpuint (hy_import_result_get_added (result, HY_RECORD_KIND_COMPUTER), ==, 1);
  {
    g_autoptr (HyComputer) pc = hy_store_get (f->store, HY_RECORD_KIND_COMPUTER, "pc2", &error);
    g_autoptr (HyCompany) c = hy_store_get (f->store, HY_RECORD_KIND_COMPANY, "c2", &error);

    g_assert_null (pc->serial);
    g_assert_null (pc->os);
    g_assert_cmpstr (c->name, ==, "Béta 😀 \"q\"\n");
  }

  /* Every one-letter escape JSON has. */
  import_ok (f, "d.json",
             "{\"companies\": [{\"id\": \"c3\", "
             "\"name\": \"a\\\\b\\/c\\bd\\fe\\nf\\rg\\th\\\"i\"}]}");
  {
    g_autoptr (HyCompany) c = hy_store_get (f->store, HY_RECORD_KIND_COMPANY, "c3", &error);

    g_assert_no_error (error);
    g_assert_cmpstr (c->name, ==, "a\\b/c\bd\fe\nf\rg\th\"i");
  }
}

static void
test_csv (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (HyImportResult) result = NULL;
  g_autoptr (HyComputer) pc = NULL;
  HyImportOptions options = HY_IMPORT_OPTIONS_INIT;

  import_ok (f, "companies.csv", "\xEF\xBB\xBFid,name\r\nc1,\"Acme, \"\"The\"\" Ltd\"\r\n\r\n");
  {
    g_autoptr (HyCompany) c = hy_store_get (f->store, HY_RECORD_KIND_COMPANY, "c1", &error);
    g_assert_no_error (error);
    g_assert_cmpstr (c->name, ==, "Acme, \"The\" Ltd");
  }

  /* Columns in any order and case, unknown columns ignored, a quoted multi-line value, empty
   * cells, the kind given explicitly. */
  options.has_kind = TRUE;
  options.kind = HY_RECORD_KIND_COMPUTER;
  result = import_text (f, "export.txt",
                        "Name,ID,company,notes,os,serial\n"
                        "PC1,pc1,c1,\"line one\nline two\",Windows 11,\n"
                        "PC2,pc2,,,,SN2\n",
                        -1, &options, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (hy_import_result_get_added (result, HY_RECORD_KIND_COMPUTER), ==, 2);
  pc = hy_store_get (f->store, HY_RECORD_KIND_COMPUTER, "pc1", &error);
  g_assert_cmpstr (pc->os, ==, "Windows 11");
  g_assert_null (pc->serial);
  g_clear_pointer (&pc, hy_computer_free);

  /* Semicolons (spreadsheets in French or German), no final newline. */
  import_ok (f, "users.csv", "id;name;email\nu1;Jeanne Dupont;jeanne@msp.example");
  {
    g_autoptr (GPtrArray) users =
        hy_store_find_users_by_email (f->store, "JEANNE@msp.example", &error);
    g_assert_cmpuint (users->len, ==, 1);
  }

  /* Groups with parents in any order; alerts. */
  import_ok (f, "groups.csv", "id,name,parent\ng2,Child,g1\ng1,Parent,\n");
  import_ok (f, "policies.csv", "id,name\np1,Disk\n");
  import_ok (f, "alerts.csv",
             "id,computer,policy,summary,raised_at\na1,pc1,p1,Disk full,2026-11-20T10:05:00Z\n");
  import_ok (f, "locations.csv", "id,company,name\nl1,c1,HQ\n");
  g_assert_cmpint (hy_store_count (f->store, HY_RECORD_KIND_ALERT, NULL, &error), ==, 1);
}

static void
test_file_and_async_cb (GObject *source, GAsyncResult *res, gpointer user_data)
{
  HyImportResult **out = user_data;
  g_autoptr (GError) error = NULL;

  *out = hy_import_file_finish (res, &error);
  g_assert_no_error (error);
}

static void
test_file (Fixture *f, gconstpointer data)
{
  g_autofree char *path = g_build_filename (f->dir, "inventory.json", NULL);
  g_autofree char *csv_path = g_build_filename (f->dir, "computers-2026.csv", NULL);
  g_autoptr (GFile) file = g_file_new_for_path (path);
  g_autoptr (GFile) csv = g_file_new_for_path (csv_path);
  g_autoptr (GError) error = NULL;
  g_autoptr (HyImportResult) result = NULL;
  HyImportResult *async_result = NULL;

  g_assert_true (g_file_set_contents (path, design_json, -1, NULL));
  result = hy_import_file (f->store, file, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (hy_import_result_get_total_added (result), ==, 7);

  /* The kind comes from the file name. */
  g_assert_true (g_file_set_contents (csv_path, "id,name,company\npc9,PC9,c1\n", -1, NULL));
  hy_import_file_async (f->store, csv, NULL, NULL, test_file_and_async_cb, &async_result);
  while (async_result == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (hy_import_result_get_added (async_result, HY_RECORD_KIND_COMPUTER), ==, 1);
  g_object_unref (async_result);
}

static void
test_large (Fixture *f, gconstpointer data)
{
  const guint n = 20000;
  g_autoptr (GString) json = g_string_new ("{\"companies\": [{\"id\": \"c1\", \"name\": \"A\"}],"
                                           " \"computers\": [");
  g_autoptr (GString) csv = g_string_new ("id,name,company,serial\n");
  g_autoptr (GError) error = NULL;
  g_autoptr (HyImportResult) result = NULL;
  HyStoreQuery q = HY_STORE_QUERY_INIT;

  for (guint i = 0; i < n; i++)
    {
      g_string_append_printf (json,
                              "%s{\"id\": \"pc%u\", \"name\": \"PC-%05u\", \"company\": \"c1\"}",
                              i ? "," : "", i, i);
      g_string_append_printf (csv, "pc%u,PC-%05u,c1,\"SN, %u\"\n", i, i, i);
    }
  g_string_append (json, "]}");

  result = import_text (f, "big.json", json->str, json->len, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (hy_import_result_get_added (result, HY_RECORD_KIND_COMPUTER), ==, n);
  g_clear_object (&result);

  /* The CSV updates every serial. */
  result = import_text (f, "computers.csv", csv->str, csv->len, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (hy_import_result_get_updated (result, HY_RECORD_KIND_COMPUTER), ==, n);
  q.search = "pc-1999";
  g_assert_cmpint (hy_store_count (f->store, HY_RECORD_KIND_COMPUTER, &q, &error), ==, 10);
}

/* ---------------------------------------------------------------------------------------------
 * Bad imports: each names where and what, and changes nothing
 * ------------------------------------------------------------------------------------------- */

typedef struct
{
  const char *test;
  const char *file_name;
  const char *content;
  int kind; /* -1: none given */
  HyImportError code;
  const char *expect[3]; /* substrings of the message */
} BadCase;

#define C1 "{\"id\": \"c1\", \"name\": \"Acme\"}"

static const BadCase bad_cases[] = {
  /* JSON: fields */
  { "missing-field",
    "i.json",
    "{\"companies\": [" C1 ", {\"id\": \"c2\"}]}",
    -1,
    HY_IMPORT_ERROR_MISSING_FIELD,
    { "companies[1]", "name" } },
  { "empty-field",
    "i.json",
    "{\"computers\": [{\"id\": \"pc1\", \"name\": \"\"}]}",
    -1,
    HY_IMPORT_ERROR_MISSING_FIELD,
    { "computers[0]", "name" } },
  { "missing-id",
    "i.json",
    "{\"policies\": [{\"name\": \"Disk\"}]}",
    -1,
    HY_IMPORT_ERROR_MISSING_FIELD,
    { "policies[0]", "id" } },
  { "number-id",
    "i.json",
    "{\"computers\": [{\"id\": 5, \"name\": \"PC\"}]}",
    -1,
    HY_IMPORT_ERROR_WRONG_TYPE,
    { "computers[0]", "“id”", "number" } },
  { "object-field",
    "i.json",
    "{\"users\": [{\"id\": \"u1\", \"name\": {\"first\": \"Jane\"}}]}",
    -1,
    HY_IMPORT_ERROR_WRONG_TYPE,
    { "users[0]", "name", "object" } },
  { "bool-field",
    "i.json",
    "{\"companies\": [{\"id\": \"c1\", \"name\": true}]}",
    -1,
    HY_IMPORT_ERROR_WRONG_TYPE,
    { "companies[0]", "name" } },
  { "bad-date",
    "i.json",
    "{\"companies\": [" C1 "], \"computers\": [{\"id\": \"pc1\", \"name\": \"PC\", "
    "\"last_seen\": \"yesterday\"}]}",
    -1,
    HY_IMPORT_ERROR_WRONG_TYPE,
    { "computers[0]", "last_seen", "yesterday" } },
  { "kind-not-array",
    "i.json",
    "{\"companies\": {\"id\": \"c1\"}}",
    -1,
    HY_IMPORT_ERROR_WRONG_TYPE,
    { "companies", "array" } },
  { "record-not-object",
    "i.json",
    "{\"companies\": [" C1 ", \"c2\"]}",
    -1,
    HY_IMPORT_ERROR_WRONG_TYPE,
    { "companies[1]", "object" } },
  { "duplicate-id",
    "i.json",
    "{\"companies\": [" C1 ", {\"id\": \"c2\", \"name\": \"B\"}, " C1 "]}",
    -1,
    HY_IMPORT_ERROR_DUPLICATE_ID,
    { "companies[2]", "c1", "companies[0]" } },
  /* JSON: references */
  { "computer-unknown-company",
    "i.json",
    "{\"computers\": [{\"id\": \"pc1\", \"name\": \"PC\", \"company\": \"c9\"}]}",
    -1,
    HY_IMPORT_ERROR_DANGLING_REFERENCE,
    { "computers[0]", "company", "c9" } },
  { "computer-unknown-location",
    "i.json",
    "{\"companies\": [" C1 "], \"computers\": [{\"id\": \"pc1\", \"name\": \"PC\", "
    "\"company\": \"c1\", \"location\": \"l9\"}]}",
    -1,
    HY_IMPORT_ERROR_DANGLING_REFERENCE,
    { "computers[0]", "location", "l9" } },
  { "computer-unknown-group",
    "i.json",
    "{\"computers\": [{\"id\": \"pc1\", \"name\": \"PC\", \"group\": \"g9\"}]}",
    -1,
    HY_IMPORT_ERROR_DANGLING_REFERENCE,
    { "computers[0]", "group", "g9" } },
  { "location-unknown-company",
    "i.json",
    "{\"locations\": [{\"id\": \"l1\", \"name\": \"HQ\", \"company\": \"c9\"}]}",
    -1,
    HY_IMPORT_ERROR_DANGLING_REFERENCE,
    { "locations[0]", "company", "c9" } },
  { "location-of-other-company",
    "i.json",
    "{\"companies\": [" C1 ", {\"id\": \"c2\", \"name\": \"B\"}], \"locations\": [{\"id\": "
    "\"l1\", \"name\": \"HQ\", \"company\": \"c2\"}], \"computers\": [{\"id\": \"pc1\", "
    "\"name\": \"PC\", \"company\": \"c1\", \"location\": \"l1\"}]}",
    -1,
    HY_IMPORT_ERROR_DANGLING_REFERENCE,
    { "computers[0]", "l1", "c2" } },
  { "group-unknown-parent",
    "i.json",
    "{\"groups\": [{\"id\": \"g1\", \"name\": \"A\"}, {\"id\": \"g2\", \"name\": \"B\", "
    "\"parent\": \"g9\"}]}",
    -1,
    HY_IMPORT_ERROR_DANGLING_REFERENCE,
    { "groups[1]", "parent", "g9" } },
  { "group-cycle",
    "i.json",
    "{\"groups\": [{\"id\": \"g1\", \"name\": \"A\", \"parent\": \"g3\"}, {\"id\": \"g2\", "
    "\"name\": \"B\", \"parent\": \"g1\"}, {\"id\": \"g3\", \"name\": \"C\", \"parent\": "
    "\"g2\"}]}",
    -1,
    HY_IMPORT_ERROR_CYCLE,
    { "groups[0]", "g1", "cycle" } },
  { "group-own-parent",
    "i.json",
    "{\"groups\": [{\"id\": \"g1\", \"name\": \"A\", \"parent\": \"g1\"}]}",
    -1,
    HY_IMPORT_ERROR_CYCLE,
    { "groups[0]", "g1" } },
  { "alert-unknown-computer",
    "i.json",
    "{\"policies\": [{\"id\": \"p1\", \"name\": \"Disk\"}], \"alerts\": [{\"id\": \"a1\", "
    "\"computer\": \"pc9\", \"policy\": \"p1\", \"summary\": \"S\"}]}",
    -1,
    HY_IMPORT_ERROR_DANGLING_REFERENCE,
    { "alerts[0]", "computer", "pc9" } },
  { "alert-unknown-policy",
    "i.json",
    "{\"computers\": [{\"id\": \"pc1\", \"name\": \"PC\"}], \"alerts\": [{\"id\": \"a1\", "
    "\"computer\": \"pc1\", \"policy\": \"p9\", \"summary\": \"S\"}]}",
    -1,
    HY_IMPORT_ERROR_DANGLING_REFERENCE,
    { "alerts[0]", "policy", "p9" } },
  { "alert-missing-summary",
    "i.json",
    "{\"computers\": [{\"id\": \"pc1\", \"name\": \"PC\"}], \"policies\": [{\"id\": \"p1\", "
    "\"name\": \"Disk\"}], \"alerts\": [{\"id\": \"a1\", \"computer\": \"pc1\", \"policy\": "
    "\"p1\"}]}",
    -1,
    HY_IMPORT_ERROR_MISSING_FIELD,
    { "alerts[0]", "summary" } },
  /* JSON: documents */
  { "json-syntax",
    "i.json",
    "{\"companies\": [" C1 ",]}",
    -1,
    HY_IMPORT_ERROR_SYNTAX,
    { "i.json", "JSON", "line 1, column 45" } },
  { "json-trailing-text",
    "i.json",
    "{\"companies\": [" C1 "]}\n}",
    -1,
    HY_IMPORT_ERROR_SYNTAX,
    { "line 2, column 1" } },
  { "json-bad-escape",
    "i.json",
    "{\"companies\": [{\"id\": \"c1\", \"name\": \"a\\qb\"}]}",
    -1,
    HY_IMPORT_ERROR_SYNTAX,
    { "line 1", "escape" } },
  { "json-unclosed-string",
    "i.json",
    "{\"companies\": [{\"id\": \"c1\", \"name\": \"Acme}]}",
    -1,
    HY_IMPORT_ERROR_SYNTAX,
    { "line 1", "never closed" } },
  { "json-lone-surrogate",
    "i.json",
    "{\"companies\": [{\"id\": \"c1\", \"name\": \"\\ud83d\"}]}",
    -1,
    HY_IMPORT_ERROR_SYNTAX,
    { "surrogate" } },
  { "json-array-root",
    "i.json",
    "[" C1 "]",
    -1,
    HY_IMPORT_ERROR_WRONG_TYPE,
    { "i.json", "object" } },
  { "json-no-kinds",
    "i.json",
    "{\"things\": []}",
    -1,
    HY_IMPORT_ERROR_UNKNOWN_FORMAT,
    { "i.json", "companies" } },
  /* Not JSON, not CSV */
  { "binary",
    "photo.png",
    "\x89PNG\r\n\x1a\n\0\0\0\rIHDR",
    13,
    HY_IMPORT_ERROR_UNKNOWN_FORMAT,
    { "photo.png", "binary" } },
  { "unknown-kind",
    "notes.txt",
    "Dear diary,\ntoday I imported nothing.\n",
    -1,
    HY_IMPORT_ERROR_UNKNOWN_FORMAT,
    { "notes.txt", "give its kind" } },
  { "empty", "companies.csv", "  \n", -1, HY_IMPORT_ERROR_UNKNOWN_FORMAT, { "companies.csv" } },
  { "invalid-utf8",
    "companies.csv",
    "id,name\nc1,Acme\nc2,Caf\xe9 Ltd\n",
    -1,
    HY_IMPORT_ERROR_INVALID_UTF8,
    { "companies.csv", "line 3", "column 7" } },
  /* CSV */
  { "csv-missing-column",
    "computers.csv",
    "id,label\npc1,PC\n",
    -1,
    HY_IMPORT_ERROR_MISSING_FIELD,
    { "Line 1", "name" } },
  { "csv-missing-value",
    "companies.csv",
    "id,name\nc1,Acme\nc2,\n",
    -1,
    HY_IMPORT_ERROR_MISSING_FIELD,
    { "Line 3", "name" } },
  { "csv-duplicate-id",
    "companies.csv",
    "id,name\nc1,Acme\nc2,B\nc1,Again\n",
    -1,
    HY_IMPORT_ERROR_DUPLICATE_ID,
    { "Line 4", "c1", "Line 2" } },
  { "csv-duplicate-column",
    "companies.csv",
    "id,name,name\nc1,A,B\n",
    -1,
    HY_IMPORT_ERROR_SYNTAX,
    { "Line 1", "name" } },
  { "csv-unclosed-quote",
    "companies.csv",
    "id,name\nc1,Acme\nc2,\"Beta\n",
    -1,
    HY_IMPORT_ERROR_SYNTAX,
    { "Line 3", "quote" } },
  { "csv-stray-quote",
    "companies.csv",
    "id,name\nc1,Ac\"me\n",
    -1,
    HY_IMPORT_ERROR_SYNTAX,
    { "Line 2", "quote" } },
  { "csv-text-after-quote",
    "companies.csv",
    "id,name\nc1,\"Acme\" Ltd\n",
    -1,
    HY_IMPORT_ERROR_SYNTAX,
    { "Line 2", "quote" } },
  { "csv-cell-count",
    "companies.csv",
    "id,name\nc1,Acme\nc2,Beta,extra\n",
    -1,
    HY_IMPORT_ERROR_SYNTAX,
    { "Line 3", "3", "2" } },
  { "csv-line-after-multiline",
    "companies.csv",
    "id,name\nc1,\"Two\nlines\"\nc1,Again\n",
    -1,
    HY_IMPORT_ERROR_DUPLICATE_ID,
    { "Line 4", "Line 2" } },
  { "csv-dangling",
    "locations.csv",
    "id,company,name\nl1,c9,HQ\n",
    -1,
    HY_IMPORT_ERROR_DANGLING_REFERENCE,
    { "Line 2", "company", "c9" } },
  { "csv-group-cycle",
    "groups.csv",
    "id,name,parent\ng1,A,g2\ng2,B,g1\n",
    -1,
    HY_IMPORT_ERROR_CYCLE,
    { "Line 2", "g1" } },
  { "csv-bad-date",
    "alerts.csv",
    "id,computer,policy,summary,raised_at\na1,pc0,p0,S,20/11/2026\n",
    -1,
    HY_IMPORT_ERROR_WRONG_TYPE,
    { "Line 2", "raised_at" } },
};

/* A store that already holds records, so "unchanged" covers existing rows. */
static void
seed (Fixture *f)
{
  import_ok (f, "seed.json",
             "{\"companies\": [{\"id\": \"c0\", \"name\": \"Seed\"}],"
             " \"groups\": [{\"id\": \"g0\", \"name\": \"Seed group\"}],"
             " \"computers\": [{\"id\": \"pc0\", \"name\": \"SEED-PC\", \"company\": \"c0\", "
             "\"group\": \"g0\"}],"
             " \"policies\": [{\"id\": \"p0\", \"name\": \"Seed policy\"}]}");
}

static void
test_bad (Fixture *f, gconstpointer data)
{
  const BadCase *bad = data;
  g_autoptr (GError) error = NULL;
  g_autoptr (HyImportResult) result = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autofree char *file_before = NULL;
  g_autofree char *file_after = NULL;
  gsize size_before = 0, size_after = 0;
  HyImportOptions options = HY_IMPORT_OPTIONS_INIT;

  seed (f);
  before = store_checksum (f);
  g_assert_true (g_file_get_contents (f->path, &file_before, &size_before, NULL));

  if (bad->kind >= 0)
    {
      options.has_kind = TRUE;
      options.kind = bad->kind;
    }
  result = import_text (f, bad->file_name, bad->content, bad->content[0] == '\x89' ? 13 : -1,
                        &options, &error);
  g_assert_null (result);
  g_assert_error (error, HY_IMPORT_ERROR, (int) bad->code);
  g_test_message ("%s: %s", bad->test, error->message);
  hy_test_assert_message_has (error, bad->expect, G_N_ELEMENTS (bad->expect));

  after = store_checksum (f);
  g_assert_cmpstr (after, ==, before);
  /* The database file itself is byte for byte the same (the rolled-back writes never left the
   * write-ahead log). */
  g_assert_true (g_file_get_contents (f->path, &file_after, &size_after, NULL));
  g_assert_cmpmem (file_after, size_after, file_before, size_before);

  /* The store still works. */
  g_assert_cmpint (hy_store_count (f->store, HY_RECORD_KIND_COMPUTER, NULL, NULL), ==, 1);
}

static void
test_bad_last_of_many (Fixture *f, gconstpointer data)
{
  g_autoptr (GString) json = g_string_new ("{\"computers\": [");
  g_autoptr (GError) error = NULL;
  g_autoptr (HyImportResult) result = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;

  seed (f);
  before = store_checksum (f);
  for (guint i = 0; i < 5000; i++)
    g_string_append_printf (json, "{\"id\": \"pc%u\", \"name\": \"PC%u\", \"company\": \"c0\"},",
                            i + 1, i);
  g_string_append (json, "{\"id\": \"bad\", \"name\": \"PC\", \"company\": \"nope\"}]}");
  result = import_text (f, "many.json", json->str, json->len, NULL, &error);
  g_assert_error (error, HY_IMPORT_ERROR, HY_IMPORT_ERROR_DANGLING_REFERENCE);
  g_assert_nonnull (strstr (error->message, "computers[5000]"));
  after = store_checksum (f);
  g_assert_cmpstr (after, ==, before);
}

static void
test_too_large (Fixture *f, gconstpointer data)
{
  g_autofree char *path = g_build_filename (f->dir, "inventory.json", NULL);
  g_autoptr (GFile) file = g_file_new_for_path (path);
  g_autoptr (GError) error = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  HyImportOptions options = HY_IMPORT_OPTIONS_INIT;

  seed (f);
  before = store_checksum (f);
  g_assert_true (g_file_set_contents (path, design_json, -1, NULL));
  options.max_size = 100;
  g_assert_null (hy_import_file (f->store, file, &options, NULL, &error));
  g_assert_error (error, HY_IMPORT_ERROR, HY_IMPORT_ERROR_TOO_LARGE);
  g_assert_nonnull (strstr (error->message, "inventory.json"));
  g_clear_error (&error);
  g_assert_null (import_text (f, "inventory.json", design_json, -1, &options, &error));
  g_assert_error (error, HY_IMPORT_ERROR, HY_IMPORT_ERROR_TOO_LARGE);
  g_clear_error (&error);

  /* Missing file, folder. */
  {
    g_autoptr (GFile) missing = g_file_new_for_path ("/nonexistent/inventory.json");
    g_autoptr (GFile) folder = g_file_new_for_path (f->dir);

    g_assert_null (hy_import_file (f->store, missing, NULL, NULL, &error));
    g_assert_error (error, HY_IMPORT_ERROR, HY_IMPORT_ERROR_FAILED);
    g_clear_error (&error);
    /* A folder is read as FusionInventory/OCS inventories: this one has none. */
    g_assert_null (hy_import_file (f->store, folder, NULL, NULL, &error));
    g_assert_error (error, HY_IMPORT_ERROR, HY_IMPORT_ERROR_UNKNOWN_FORMAT);
  }
  after = store_checksum (f);
  g_assert_cmpstr (after, ==, before);
}

static void
test_disk_full (Fixture *f, gconstpointer data)
{
  sqlite3 *db = _hy_store_get_handle (f->store);
  g_autoptr (GString) csv = g_string_new ("id,name\n");
  g_autoptr (GError) error = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autofree char *sql = NULL;
  sqlite3_stmt *stmt;

  seed (f);
  before = store_checksum (f);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "PRAGMA page_count", -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  sql = g_strdup_printf ("PRAGMA max_page_count = %d", sqlite3_column_int (stmt, 0) + 5);
  sqlite3_finalize (stmt);
  g_assert_cmpint (sqlite3_exec (db, sql, NULL, NULL, NULL), ==, SQLITE_OK);

  for (guint i = 0; i < 5000; i++)
    g_string_append_printf (csv, "c%u,Company number %u of a long list\n", i + 1, i);
  g_assert_null (import_text (f, "companies.csv", csv->str, csv->len, NULL, &error));
  g_assert_error (error, HY_IMPORT_ERROR, HY_IMPORT_ERROR_STORE);
  g_assert_nonnull (strstr (error->message, "full"));
  g_test_message ("%s", error->message);
  after = store_checksum (f);
  g_assert_cmpstr (after, ==, before);
}

static void
test_cancelled (Fixture *f, gconstpointer data)
{
  g_autoptr (GString) csv = g_string_new ("id,name\n");
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  g_autoptr (GBytes) bytes = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;

  seed (f);
  before = store_checksum (f);
  for (guint i = 0; i < 3000; i++)
    g_string_append_printf (csv, "c%u,Company %u\n", i + 1, i);
  bytes = g_bytes_new (csv->str, csv->len);
  g_cancellable_cancel (cancellable);
  g_assert_null (hy_import_bytes (f->store, bytes, "companies.csv", NULL, cancellable, &error));
  g_assert_error (error, HY_IMPORT_ERROR, HY_IMPORT_ERROR_CANCELLED);
  after = store_checksum (f);
  g_assert_cmpstr (after, ==, before);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

#define ADD(name, func, data) hy_test_add_store (name, data, func)
  ADD ("/import/json/design", test_json_design, NULL);
  ADD ("/import/json/reimport", test_reimport, NULL);
  ADD ("/import/json/references", test_json_references, NULL);
  ADD ("/import/csv", test_csv, NULL);
  ADD ("/import/file", test_file, NULL);
  ADD ("/import/large", test_large, NULL);
  ADD ("/import/bad/last-of-many", test_bad_last_of_many, NULL);
  ADD ("/import/bad/too-large", test_too_large, NULL);
  ADD ("/import/bad/cancelled", test_cancelled, NULL);
  ADD ("/import/bad/disk-full", test_disk_full, NULL);
  hy_test_add_store_table ("/import/bad", bad_cases, test_bad);
#undef ADD

  return g_test_run ();
}
