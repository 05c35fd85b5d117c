/* test-cli-import.c: `halyard-cli import` with RMM exports, --columns, --prune and
 * --retired-assets, XML inventories, and the map it prints (human and --json)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include "hy-test-db.h"
#include "hy-test.h"

static char *cli_path;
static char *data_dir;

typedef HyTestCliRun Run;

/* Runs halyard-cli --data-dir DATA_DIR ARGS… to the end (English, as a technician reads it). */
static void
run_cli (Run *run, const char *const *args)
{
  hy_test_cli_run_plainv (cli_path, data_dir, run, args);
}

#define RUN(run, ...)                                  \
  G_STMT_START                                         \
  {                                                    \
    const char *const args_[] = { __VA_ARGS__, NULL }; \
    run_cli ((run), args_);                            \
  }                                                    \
  G_STMT_END

static JsonObject *
parse_object (const char *text, JsonNode **out_node)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GError) error = NULL;

  json_parser_load_from_data (parser, text, -1, &error);
  g_assert_no_error (error);
  *out_node = json_node_copy (json_parser_get_root (parser));
  return json_node_get_object (*out_node);
}

/* Every row of every table, hashed: what "nothing changed" means across processes (a process
 * that closes the database last checkpoints its WAL into it, so the file's bytes move while
 * its content does not). */
static char *
db_content (void)
{
  g_autofree char *db_path = g_build_filename (data_dir, "halyard.db", NULL);

  return hy_test_db_checksum (db_path);
}

static void
test_cli_import (void)
{
  g_auto (HyTestCliRun) run = { 0 };
  g_autoptr (JsonNode) node = NULL;
  g_autofree char *datto = g_build_filename (HY_TEST_DATA_DIR, "datto-rmm-devices.csv", NULL);
  g_autofree char *xml = g_build_filename (HY_TEST_DATA_DIR, "fusioninventory-vm.xml", NULL);
  g_autofree char *two = g_build_filename (data_dir, "..", "two.csv", NULL);
  g_autofree char *contents = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  JsonObject *object;
  JsonArray *columns;

  /* Human: the map chosen, column by column. */
  RUN (&run, "import", datto, "--kind", "computers");
  g_assert_cmpint (run.status, ==, 0);
  g_assert_nonnull (strstr (run.out, "  Hostname → name\n"));
  g_assert_nonnull (strstr (run.out, "  Site Name → company\n"));
  g_assert_nonnull (strstr (run.out, "  Description (not imported)\n"));
  hy_test_cli_run_clear (&run);

  /* --json: the same map in "columns". */
  RUN (&run, "--json", "import", datto, "--kind", "computers");
  g_assert_cmpint (run.status, ==, 0);
  object = parse_object (run.out, &node);
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (object, "unchanged"),
                                               "computers"),
                   ==, 3);
  columns = json_object_get_array_member (object, "columns");
  g_assert_cmpuint (json_array_get_length (columns), ==, 11);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (columns, 0),
                                                  "header"),
                   ==, "Hostname");
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (columns, 0),
                                                  "field"),
                   ==, "name");
  g_assert_true (json_object_get_null_member (json_array_get_object_element (columns, 2), "field"));
  g_clear_pointer (&node, json_node_unref);
  hy_test_cli_run_clear (&run);

  /* --prune with one device gone, and the setting for its asset. */
  g_assert_true (g_file_get_contents (datto, &contents, NULL, NULL));
  *strstr (contents, "\"GLOBEX-FS1\"") = '\0';
  g_assert_true (g_file_set_contents (two, contents, -1, NULL));
  RUN (&run, "--json", "import", two, "--kind", "computers", "--prune", "--retired-assets",
       "inactive");
  g_assert_cmpint (run.status, ==, 0);
  object = parse_object (run.out, &node);
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (object, "retired"),
                                               "computers"),
                   ==, 1);
  g_clear_pointer (&node, json_node_unref);
  hy_test_cli_run_clear (&run);

  RUN (&run, "links", "computer");
  g_assert_cmpint (run.status, ==, 0);
  g_assert_nonnull (strstr (run.out, "name:globex-fs1 “GLOBEX-FS1”: not linked, retired"));
  hy_test_cli_run_clear (&run);
  RUN (&run, "--json", "links", "computer");
  g_assert_nonnull (strstr (run.out, "\"retired\" : true"));
  hy_test_cli_run_clear (&run);

  /* An XML inventory, its TAG the company. */
  RUN (&run, "--json", "import", xml);
  g_assert_cmpint (run.status, ==, 0);
  object = parse_object (run.out, &node);
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (object, "added"),
                                               "computers"),
                   ==, 1);
  g_clear_pointer (&node, json_node_unref);
  hy_test_cli_run_clear (&run);

  /* Bad input: exit 2, the error document, nothing written. */
  before = db_content ();
  RUN (&run, "--json", "import", datto, "--kind", "computers", "--columns", "hostname=Hostname");
  g_assert_cmpint (run.status, ==, 2);
  g_assert_cmpstr (run.out, ==, "");
  g_assert_nonnull (strstr (run.err, "\"error\""));
  g_assert_nonnull (strstr (run.err, "hostname"));
  hy_test_cli_run_clear (&run);
  RUN (&run, "--json", "import", xml, "--company", "nope");
  g_assert_cmpint (run.status, ==, 2);
  g_assert_nonnull (strstr (run.err, "nope"));
  hy_test_cli_run_clear (&run);
  RUN (&run, "import", datto, "--retired-assets", "sometimes");
  g_assert_cmpint (run.status, ==, 2);
  after = db_content ();
  g_assert_cmpstr (after, ==, before);
}

/* The core's import errors say what to do in any front end's words; halyard-cli adds the option
 * that does it, under the message and as the --json error's "hint". */
typedef struct
{
  const char *name;    /* the file's name */
  const char *content; /* NULL: the XML inventory of the test data */
  const char *kind;    /* --kind, or NULL */
  gboolean prune;
  const char *code; /* the --json error's code */
  const char *hint; /* in the hint, never in the message */
} HintCase;

static const HintCase hint_cases[] = {
  { "export.csv", "Hostname,Site Name\nPC1,Acme\n", NULL, FALSE, "unknown_format", "--kind KIND" },
  { "inventory.xml", NULL, "companies", FALSE, "unknown_format", "--kind computers" },
  { "export.csv", "Gerät,Kunde\nPC1,Acme\n", "computers", FALSE, "missing_field",
    "--columns name=HEADER" },
  { "inventory.json", "{\"companies\": [{\"id\": \"c9\", \"name\": \"Nine\"}]}", NULL, TRUE,
    "missing_field", "without --prune" },
};

static void
test_cli_import_hints (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (hint_cases); i++)
    {
      const HintCase *c = &hint_cases[i];
      g_autofree char *path =
          c->content != NULL ? g_build_filename (data_dir, "..", c->name, NULL)
                             : g_build_filename (HY_TEST_DATA_DIR, "fusioninventory-vm.xml", NULL);
      g_autoptr (GPtrArray) args = g_ptr_array_new ();
      g_autoptr (JsonNode) node = NULL;
      g_auto (HyTestCliRun) run = { 0 };
      JsonObject *error;

      g_test_message ("case %u: %s", i, c->hint);
      if (c->content != NULL)
        g_assert_true (g_file_set_contents (path, c->content, -1, NULL));
      g_ptr_array_add (args, (char *) "--json");
      g_ptr_array_add (args, (char *) "import");
      g_ptr_array_add (args, path);
      if (c->kind != NULL)
        {
          g_ptr_array_add (args, (char *) "--kind");
          g_ptr_array_add (args, (char *) c->kind);
        }
      if (c->prune)
        g_ptr_array_add (args, (char *) "--prune");
      g_ptr_array_add (args, NULL);

      run_cli (&run, (const char *const *) args->pdata);
      g_assert_cmpint (run.status, ==, 2);
      error = json_object_get_object_member (parse_object (run.err, &node), "error");
      g_assert_cmpstr (json_object_get_string_member (error, "code"), ==, c->code);
      g_assert_null (strstr (json_object_get_string_member (error, "message"), "--"));
      g_assert_nonnull (strstr (json_object_get_string_member (error, "hint"), c->hint));
      hy_test_cli_run_clear (&run);

      /* The human form: the hint on the line under the message. */
      run_cli (&run, (const char *const *) args->pdata + 1);
      g_assert_cmpint (run.status, ==, 2);
      g_assert_nonnull (strstr (run.err, "\n"));
      g_assert_nonnull (strstr (strchr (run.err, '\n'), c->hint));
    }
}


/* What `import` wrote is in halyard.db itself when the command has ended: the import's worker
 * thread may hold the store last, so the CLI checkpoints before it exits. A copy of the file
 * alone, without its -wal, holds every record. */
static void
test_cli_import_checkpointed (void)
{
  g_autofree char *saved_dir = data_dir;
  g_autofree char *dir = g_dir_make_tmp ("halyard-cli-wal-XXXXXX", NULL);
  g_autofree char *inventory = g_build_filename (dir, "inventory.json", NULL);
  g_autofree char *db_path = NULL;
  g_autofree char *wal_path = NULL;
  g_autofree char *copy_dir = g_build_filename (dir, "copy", NULL);
  g_autofree char *copy_path = g_build_filename (copy_dir, "halyard.db", NULL);
  g_autofree char *bytes = NULL;
  g_autoptr (GString) json = g_string_new ("{\"companies\": [{\"id\": \"c1\", \"name\": \"Acme\"}],"
                                           " \"computers\": [");
  g_autoptr (GError) error = NULL;
  g_auto (HyTestCliRun) run = { 0 };
  GStatBuf st;
  gsize len;
  sqlite3 *db;
  sqlite3_stmt *stmt;

  data_dir = g_build_filename (dir, "data", NULL);
  db_path = g_build_filename (data_dir, "halyard.db", NULL);
  wal_path = g_strconcat (db_path, "-wal", NULL);
  for (guint i = 0; i < 500; i++)
    g_string_append_printf (json, "%s{\"id\": \"pc%u\", \"name\": \"PC-%u\", \"company\": \"c1\"}",
                            i > 0 ? ", " : "", i, i);
  g_string_append (json, "]}");
  g_assert_true (g_file_set_contents (inventory, json->str, -1, &error));

  RUN (&run, "--json", "import", inventory);
  g_assert_cmpint (run.status, ==, 0);

  /* The log is gone or empty: nothing lives only there. */
  if (g_stat (wal_path, &st) == 0)
    g_assert_cmpint (st.st_size, ==, 0);
  g_assert_cmpint (g_mkdir (copy_dir, 0700), ==, 0);
  g_assert_true (g_file_get_contents (db_path, &bytes, &len, &error));
  g_assert_true (g_file_set_contents (copy_path, bytes, (gssize) len, &error));
  g_assert_cmpint (sqlite3_open_v2 (copy_path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT count(*) FROM computers", -1, &stmt, NULL), ==,
                   SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  g_assert_cmpint (sqlite3_column_int (stmt, 0), ==, 500);
  sqlite3_finalize (stmt);
  sqlite3_close (db);

  g_free (data_dir);
  data_dir = g_steal_pointer (&saved_dir);
  {
    g_autofree char *cmd = g_strdup_printf ("rm -rf '%s'", dir);
    g_assert_cmpint (system (cmd), ==, 0);
  }
}

int
main (int argc, char **argv)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *tmp = NULL;
  const char *build_root = g_getenv ("HALYARD_BUILD_ROOT");
  int status;

  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  g_assert_nonnull (build_root);
  cli_path = g_build_filename (build_root, "src", "cli", "halyard-cli", NULL);
  tmp = g_dir_make_tmp ("halyard-cli-import-XXXXXX", &error);
  g_assert_no_error (error);
  data_dir = g_build_filename (tmp, "data", NULL);

  g_test_add_func ("/cli/import/foreign", test_cli_import);
  g_test_add_func ("/cli/import/checkpointed", test_cli_import_checkpointed);
  g_test_add_func ("/cli/import/hints", test_cli_import_hints);
  status = g_test_run ();

  {
    g_autofree char *cmd = g_strdup_printf ("rm -rf '%s'", tmp);
    g_assert_cmpint (system (cmd), ==, 0);
  }
  g_free (cli_path);
  g_free (data_dir);
  return status;
}
