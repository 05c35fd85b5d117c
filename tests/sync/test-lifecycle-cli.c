/* test-lifecycle-cli.c: halyard-cli's `map policy` ticket defaults (checked against Halo's
 * priorities and teams after `refresh`, refused with Halo's own names) and `maintenance
 * add|list|remove`, against a separate halyard-sim process.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <json-glib/json-glib.h>
#include <string.h>

#include "hy-test-halo.h"
#include "store/hy-store-lifecycle.h"
#include "store/hy-store.h"

typedef struct
{
  HyTestSimProcess *sim;
  char *dir;
  char *err; /* the last run's stderr */
} Fixture;

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  g_autoptr (HyStore) store = NULL;

  f->sim = hy_test_sim_process_spawn (HY_SIM_BINARY, "--clients", "2", "--sites-per-client", "1",
                                      "--assets-per-client", "0", "--agents", "2");
  f->dir = hy_test_make_tmp_dir ("hy-lifecycle-XXXXXX");
  store = hy_test_store_open (f->dir, f->sim->url, FALSE);
  hy_test_store_add_group (store, "g1", "Servers", NULL);
  hy_test_store_add_group (store, "g1a", "Database servers", "g1");
  hy_test_store_add_policy (store, "p1", "Disk space");
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  g_clear_pointer (&f->sim, hy_test_sim_process_free);
  hy_test_remove_tree (f->dir);
  g_free (f->dir);
  g_free (f->err);
}

/* Runs halyard-cli --json to the end: its exit status; doc, code and f->err keep what it said. */
#define CLI(...)                                                      \
  hy_test_cli_run_jsonv (HY_CLI_BINARY, f->dir, &doc, &code, &f->err, \
                         (const char *const[]){ __VA_ARGS__, NULL })
#define obj(node) hy_test_object (node)

/* The last run's --json error: its message names no option of halyard-cli, its hint holds
 * @needle (the CLI's own option or command). */
static void
assert_error_hint (Fixture *f, const char *needle)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GError) error = NULL;
  JsonObject *e;

  json_parser_load_from_data (parser, f->err, -1, &error);
  g_assert_no_error (error);
  e = json_object_get_object_member (json_node_get_object (json_parser_get_root (parser)), "error");
  g_assert_null (strstr (json_object_get_string_member (e, "message"), "halyard-cli"));
  g_assert_null (strstr (json_object_get_string_member (e, "message"), " --"));
  g_assert_nonnull (strstr (json_object_get_string_member (e, "hint"), needle));
}

static void
test_policy_defaults (Fixture *f, gconstpointer data)
{
  g_autoptr (JsonNode) doc = NULL;
  g_autofree char *code = NULL;
  JsonObject *o;

  /* Before a refresh Halyard knows no priorities: it says to refresh. */
  g_assert_cmpint (CLI ("map", "policy", "p1", "--ticket-type", "4", "--priority", "2"), ==, 2);
  g_assert_nonnull (strstr (f->err, "refresh"));
  assert_error_hint (f, "“halyard-cli refresh”");

  g_assert_cmpint (CLI ("refresh"), ==, 0);
  g_assert_cmpint (json_object_get_int_member (obj (doc), "priorities"), ==, 4);
  g_assert_cmpint (json_object_get_int_member (obj (doc), "teams"), ==, 3);

  /* Defaults without a route: map it first. */
  g_assert_cmpint (CLI ("map", "policy", "p1", "--priority", "2"), ==, 2);
  g_assert_cmpstr (code, ==, "not_found");
  assert_error_hint (f, "--ticket-type ID");

  /* An unknown priority or team is refused with Halo's own names, and nothing changes (not
   * even the route given in the same command). */
  g_assert_cmpint (CLI ("map", "policy", "p1", "--ticket-type", "4", "--priority", "7"), ==, 2);
  g_assert_cmpstr (code, ==, "halo_not_found");
  g_assert_nonnull (strstr (f->err, "Critical (1)"));
  g_assert_nonnull (strstr (f->err, "Low (4)"));
  g_assert_cmpint (CLI ("map", "policy", "p1", "--ticket-type", "4", "--team", "Night Shift"), ==,
                   2);
  g_assert_cmpstr (code, ==, "halo_not_found");
  g_assert_nonnull (strstr (f->err, "Night Shift"));
  g_assert_nonnull (strstr (f->err, "Projects, Second Line, Service Desk"));
  g_assert_cmpint (CLI ("map", "policy", "p1", "--priority", "critical=1,warning=9"), ==, 2);
  g_assert_cmpint (CLI ("map", "policy", "p1", "--priority", "critical=,x"), ==, 2);
  g_assert_cmpstr (code, ==, "invalid_input");
  g_assert_cmpint (CLI ("map", "policy", "p1", "--ticket-type", "4", "--agent", "999"), ==, 2);
  g_assert_cmpint (CLI ("map", "policy", "p1", "--ticket-type", "4", "--flap-minutes", "x"), ==, 2);
  g_assert_cmpint (CLI ("status"), ==, 0);
  {
    g_autofree char *path = g_build_filename (f->dir, "halyard.db", NULL);
    g_autoptr (HyStore) store = hy_store_open (path, NULL);
    g_autoptr (GError) error = NULL;
    g_autoptr (HyPolicyMapping) mapping = hy_store_get_policy_mapping (store, "p1", &error);

    g_assert_null (mapping);
    g_assert_error (error, HY_STORE_ERROR, HY_STORE_ERROR_NOT_FOUND);
  }

  /* Valid defaults: the team is saved with Halo's spelling. */
  g_assert_cmpint (CLI ("map", "policy", "p1", "--ticket-type", "4", "--close-status", "9",
                        "--priority", "2", "--team", "second line", "--category", "Monitoring",
                        "--flap-minutes", "10"),
                   ==, 0);
  o = obj (doc);
  g_assert_true (json_object_get_boolean_member (o, "mapped"));
  g_assert_cmpint (json_object_get_int_member (o, "ticket_type_id"), ==, 4);
  g_assert_cmpint (json_object_get_int_member (o, "close_status_id"), ==, 9);
  g_assert_cmpint (json_object_get_int_member (o, "priority_id"), ==, 2);
  g_assert_cmpstr (json_object_get_string_member (o, "team"), ==, "Second Line");
  g_assert_cmpstr (json_object_get_string_member (o, "category"), ==, "Monitoring");
  g_assert_cmpint (json_object_get_int_member (o, "flap_minutes"), ==, 10);
  g_assert_true (json_object_get_null_member (o, "agent_id"));
  g_assert_true (json_object_get_null_member (o, "severity_priorities"));

  /* Options not given keep what was saved; a severity table replaces the single priority. */
  g_assert_cmpint (CLI ("map", "policy", "p1", "--priority", "Critical=1,warning=3"), ==, 0);
  o = obj (doc);
  g_assert_true (json_object_get_null_member (o, "priority_id"));
  g_assert_cmpint (json_object_get_int_member (
                       json_object_get_object_member (o, "severity_priorities"), "critical"),
                   ==, 1);
  g_assert_cmpstr (json_object_get_string_member (o, "team"), ==, "Second Line");
  g_assert_cmpint (json_object_get_int_member (o, "flap_minutes"), ==, 10);

  /* Re-mapping the route keeps the defaults; empty values clear them. */
  g_assert_cmpint (CLI ("map", "policy", "p1", "--ticket-type", "4", "--team", "", "--category",
                        ""),
                   ==, 0);
  o = obj (doc);
  g_assert_true (json_object_get_null_member (o, "team"));
  g_assert_true (json_object_get_null_member (o, "category"));
  g_assert_nonnull (json_object_get_object_member (o, "severity_priorities"));
}

/* --user: read from Halo (the simulator's Acme Ltd has users 400 and 401), kept with its client;
 * one Halo does not have refused with nothing changed; none clears it. */
static void
test_policy_user (Fixture *f, gconstpointer data)
{
  g_autoptr (JsonNode) doc = NULL;
  g_autofree char *code = NULL;
  JsonObject *o;

  g_assert_cmpint (CLI ("refresh"), ==, 0);
  g_assert_cmpint (CLI ("map", "policy", "p1", "--ticket-type", "4", "--user", "401"), ==, 0);
  o = obj (doc);
  g_assert_cmpint (json_object_get_int_member (o, "user_id"), ==, 401);
  g_assert_cmpint (json_object_get_int_member (o, "user_client_id"), ==, 12);

  /* A user Halo does not have, or no number: refused, the saved user kept. */
  g_assert_cmpint (CLI ("map", "policy", "p1", "--user", "999", "--team", "Projects"), ==, 2);
  g_assert_cmpstr (code, ==, "halo_not_found");
  g_assert_nonnull (strstr (f->err, "999"));
  /* Said in words any front end can show: not in the window's. */
  g_assert_null (strstr (f->err, "window"));
  g_assert_cmpint (CLI ("map", "policy", "p1", "--user", "Ravi"), ==, 2);
  g_assert_cmpstr (code, ==, "invalid_input");
  g_assert_cmpint (CLI ("map", "policy", "p1", "--category", "Monitoring"), ==, 0);
  o = obj (doc);
  g_assert_cmpint (json_object_get_int_member (o, "user_id"), ==, 401);
  g_assert_true (json_object_get_null_member (o, "team"));

  /* Shown in the human output too, with the client it applies to. */
  {
    g_autoptr (GSubprocess) cli = NULL;
    g_autoptr (GError) error = NULL;
    g_autofree char *out = NULL;
    g_autoptr (GSubprocessLauncher) launcher =
        g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);

    g_subprocess_launcher_setenv (launcher, "LANGUAGE", "en", TRUE);
    g_subprocess_launcher_setenv (launcher, "LC_ALL", "C.UTF-8", TRUE);
    cli = g_subprocess_launcher_spawn (launcher, &error, HY_CLI_BINARY, "--data-dir", f->dir, "map",
                                       "policy", "p1", "--category", "Monitoring", NULL);
    g_assert_no_error (error);
    g_subprocess_communicate_utf8 (cli, NULL, NULL, &out, NULL, &error);
    g_assert_no_error (error);
    g_assert_nonnull (strstr (out, "raised as Halo user 401 on the tickets of client 12"));
  }

  g_assert_cmpint (CLI ("map", "policy", "p1", "--user", "none"), ==, 0);
  o = obj (doc);
  g_assert_true (json_object_get_null_member (o, "user_id"));
  g_assert_true (json_object_get_null_member (o, "user_client_id"));
}

static void
test_maintenance (Fixture *f, gconstpointer data)
{
  g_autoptr (JsonNode) doc = NULL;
  g_autofree char *code = NULL;
  g_autoptr (GDateTime) now = g_date_time_new_now_local ();
  g_autoptr (GDateTime) later = g_date_time_add_hours (now, 3);
  g_autoptr (GDateTime) earlier = g_date_time_add_hours (now, -3);
  g_autofree char *later_text = g_date_time_format (later, "%Y-%m-%d %H:%M");
  g_autofree char *earlier_text = g_date_time_format_iso8601 (earlier);
  g_autofree char *id_text = NULL;
  JsonArray *array;
  JsonObject *o;

  /* Bad input: a clear error, exit 2, nothing saved. */
  g_assert_cmpint (CLI ("maintenance", "add", "--group", "g1", "--from", "tomorrow", "--until",
                        "+2h"),
                   ==, 2);
  g_assert_cmpstr (code, ==, "invalid_input");
  g_assert_nonnull (strstr (f->err, "--from"));
  g_assert_nonnull (strstr (f->err, "tomorrow"));
  g_assert_cmpint (CLI ("maintenance", "add", "--group", "g1", "--from", "now", "--until", "+2x"),
                   ==, 2);
  g_assert_nonnull (strstr (f->err, "+2h"));
  g_assert_cmpint (CLI ("maintenance", "add", "--group", "g1", "--from", later_text, "--until",
                        earlier_text),
                   ==, 2);
  g_assert_nonnull (strstr (f->err, "after"));
  g_assert_cmpint (CLI ("maintenance", "add", "--group", "g1", "--from", earlier_text, "--until",
                        "+1h"),
                   ==, 2);
  g_assert_nonnull (strstr (f->err, "future"));
  g_assert_cmpint (CLI ("maintenance", "add", "--group", "nope", "--from", "now", "--until", "+1h"),
                   ==, 2);
  g_assert_cmpstr (code, ==, "not_found");
  g_assert_cmpint (CLI ("maintenance", "add", "--group", "g1", "--from", "now"), ==, 2);
  g_assert_cmpint (CLI ("maintenance", "list"), ==, 0);
  g_assert_cmpuint (json_array_get_length (json_node_get_array (doc)), ==, 0);

  /* An active window (started three hours ago, local time) and a coming one. */
  g_assert_cmpint (CLI ("maintenance", "add", "--group", "g1", "--from", earlier_text, "--until",
                        later_text, "--reason", "Patch night"),
                   ==, 0);
  o = obj (doc);
  g_assert_cmpint (json_object_get_int_member (o, "id"), >, 0);
  id_text = g_strdup_printf ("%" G_GINT64_FORMAT, json_object_get_int_member (o, "id"));
  g_assert_cmpstr (json_object_get_string_member (o, "group"), ==, "g1");
  g_assert_cmpstr (json_object_get_string_member (o, "reason"), ==, "Patch night");
  g_assert_true (json_object_get_boolean_member (o, "active"));
  g_assert_cmpint (CLI ("maintenance", "add", "--group", "g1a", "--from", later_text, "--until",
                        "+1d"),
                   ==, 0);
  g_assert_false (json_object_get_boolean_member (obj (doc), "active"));
  g_assert_true (json_object_get_null_member (obj (doc), "reason"));

  g_assert_cmpint (CLI ("maintenance", "list"), ==, 0);
  array = json_node_get_array (doc);
  g_assert_cmpuint (json_array_get_length (array), ==, 2);
  o = json_array_get_object_element (array, 0);
  g_assert_true (json_object_get_boolean_member (o, "active"));
  {
    /* The times round-trip: the window starts when --from said. */
    g_autoptr (GDateTime) from =
        g_date_time_new_from_iso8601 (json_object_get_string_member (o, "from"), NULL);
    g_assert_nonnull (from);
    g_assert_cmpint (g_date_time_to_unix (from), ==, g_date_time_to_unix (earlier));
  }
  g_assert_cmpint (CLI ("maintenance", "list", "--group", "g1a"), ==, 0);
  g_assert_cmpuint (json_array_get_length (json_node_get_array (doc)), ==, 1);

  g_assert_cmpint (CLI ("maintenance", "remove", id_text), ==, 0);
  g_assert_true (json_object_get_boolean_member (obj (doc), "removed"));
  g_assert_cmpint (CLI ("maintenance", "remove", id_text), ==, 2);
  g_assert_cmpstr (code, ==, "not_found");
  g_assert_cmpint (CLI ("maintenance", "list"), ==, 0);
  g_assert_cmpuint (json_array_get_length (json_node_get_array (doc)), ==, 1);
  g_assert_cmpint (CLI ("maintenance", "frobnicate"), ==, 2);
  g_assert_cmpint (CLI ("status"), ==, 0);
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (obj (doc), "alerts"),
                                               "suppressed"),
                   ==, 0);
}

static void
test_test_ticket (Fixture *f, gconstpointer data)
{
  g_autoptr (JsonNode) doc = NULL;
  g_autofree char *code = NULL;
  g_autofree char *client_text = NULL;
  g_autofree char *url = NULL;
  JsonObject *o;

  /* Nothing mapped or linked, nothing known: it says what to choose. */
  g_assert_cmpint (CLI ("test", "--ticket"), ==, 2);
  g_assert_cmpstr (code, ==, "invalid_input");
  g_assert_nonnull (strstr (f->err, "--client"));
  assert_error_hint (f, "--client ID");
  g_assert_cmpint (CLI ("test", "--ticket", "--client", "12"), ==, 2);
  assert_error_hint (f, "--ticket-type ID");
  g_assert_cmpint (CLI ("test", "--client", "12"), ==, 2);

  g_assert_cmpint (CLI ("refresh"), ==, 0);
  {
    g_autofree char *path = g_build_filename (f->dir, "halyard.db", NULL);
    g_autoptr (HyStore) store = hy_store_open (path, NULL);
    g_autoptr (GPtrArray) clients = hy_store_cache_list (store, HY_CACHE_KIND_CLIENT, NULL, NULL);

    g_assert_cmpuint (clients->len, >, 0);
    client_text = g_strdup_printf ("%" G_GINT64_FORMAT,
                                   ((HyCacheRecord *) g_ptr_array_index (clients, 0))->id);
  }

  /* A ticket type Halo refuses from the API: Halo's own text, exit 1. */
  g_assert_cmpint (CLI ("test", "--ticket", "--client", client_text, "--ticket-type", "3"), ==, 1);
  g_assert_nonnull (strstr (f->err, "CAB"));

  g_assert_cmpint (CLI ("test", "--ticket", "--client", client_text, "--ticket-type", "4"), ==, 0);
  o = obj (doc);
  g_assert_cmpint (json_object_get_int_member (o, "ticket_id"), >, 0);
  g_assert_cmpint (json_object_get_int_member (o, "ticket_type_id"), ==, 4);
  g_assert_true (json_object_get_boolean_member (o, "closed"));
  g_assert_true (json_object_get_null_member (o, "error"));
  url = g_strdup_printf ("%s/ticket?id=%" G_GINT64_FORMAT, f->sim->url,
                         json_object_get_int_member (o, "ticket_id"));
  g_assert_cmpstr (json_object_get_string_member (o, "url"), ==, url);

  /* The client comes from the first mapped group when not given. */
  g_assert_cmpint (CLI ("map", "group", "g1", "--client", client_text), ==, 0);
  g_assert_cmpint (CLI ("test", "--ticket", "--ticket-type", "4"), ==, 0);
  g_assert_cmpstr (json_object_get_string_member (obj (doc), "url"), !=, url);
  g_assert_true (json_object_get_boolean_member (obj (doc), "closed"));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  g_test_add ("/lifecycle/cli/policy-defaults", Fixture, NULL, fixture_setup, test_policy_defaults,
              fixture_teardown);
  g_test_add ("/lifecycle/cli/policy-user", Fixture, NULL, fixture_setup, test_policy_user,
              fixture_teardown);
  g_test_add ("/lifecycle/cli/maintenance", Fixture, NULL, fixture_setup, test_maintenance,
              fixture_teardown);
  g_test_add ("/lifecycle/cli/test-ticket", Fixture, NULL, fixture_setup, test_test_ticket,
              fixture_teardown);
  return g_test_run ();
}
