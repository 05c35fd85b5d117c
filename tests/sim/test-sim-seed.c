/* test-sim-seed.c: halyard-sim through real HTTP: the generator, seed files and the halyard-sim
 * binary
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <signal.h>
#include <string.h>

#include "test-sim-fixture.h"

/* ------------------------------------------------------------------------------------------ */
/* Generator and seeds (no server needed)                                                     */
/* ------------------------------------------------------------------------------------------ */

static char *
generated_state (guint32 seed, guint clients)
{
  g_autoptr (HySim) sim = hy_sim_new ();
  g_autoptr (JsonNode) state = NULL;
  HySimGenerateOptions options;

  hy_sim_generate_options_init (&options);
  options.seed = seed;
  options.clients = clients;
  hy_sim_generate (sim, &options);
  state = hy_sim_dump_state (sim);

  return json_to_string (state, FALSE);
}

/* The generated clients repeat a name and include look-alikes (Acme Ltd, ACME Limited) and
 * accents; their sites are head offices, main sites and branches in cities */
static void
check_generated_names (JsonArray *clients, JsonArray *sites)
{
  g_autoptr (GHashTable) names = g_hash_table_new (g_str_hash, g_str_equal);
  gboolean duplicate = FALSE;
  gboolean acme = FALSE;
  gboolean acme_upper = FALSE;
  gboolean accents = FALSE;
  gboolean head_office = FALSE;
  gboolean main_site = FALSE;
  gboolean city = FALSE;

  for (guint i = 0; i < json_array_get_length (clients); i++)
    {
      const char *name =
          json_object_get_string_member (json_array_get_object_element (clients, i), "name");

      duplicate |= g_hash_table_contains (names, name);
      g_hash_table_add (names, (gpointer) name);
      acme |= g_strcmp0 (name, "Acme Ltd") == 0;
      acme_upper |= g_strcmp0 (name, "ACME Limited") == 0;
      accents |= g_strcmp0 (name, "Société Générale Démo") == 0;
    }
  g_assert_true (duplicate);
  g_assert_true (acme);
  g_assert_true (acme_upper);
  g_assert_true (accents);

  for (guint i = 0; i < json_array_get_length (sites); i++)
    {
      const char *name =
          json_object_get_string_member (json_array_get_object_element (sites, i), "name");

      head_office |= g_strcmp0 (name, "Head Office") == 0;
      main_site |= g_strcmp0 (name, "Main") == 0;
      city |= g_strcmp0 (name, "Head Office") != 0 && g_strcmp0 (name, "Main") != 0;
    }
  g_assert_true (head_office && main_site && city);
}

/* Every generated asset has its key members and a Serial Number field */
static void
check_generated_assets (JsonArray *assets)
{
  for (guint i = 0; i < json_array_get_length (assets); i++)
    {
      JsonObject *asset = json_array_get_object_element (assets, i);
      JsonArray *fields = json_object_get_array_member (asset, "fields");
      gboolean serial = FALSE;

      g_assert_cmpstr (json_object_get_string_member (asset, "inventory_number"), !=, "");
      g_assert_cmpstr (json_object_get_string_member (asset, "key_field"), !=, "");
      g_assert_cmpint (json_object_get_int_member (asset, "client_id"), >, 0);
      g_assert_cmpint (json_object_get_int_member (asset, "site_id"), >, 0);
      g_assert_cmpint (json_object_get_int_member (asset, "assettype_id"), >, 0);
      for (guint j = 0; j < json_array_get_length (fields); j++)
        serial |=
            g_strcmp0 (json_object_get_string_member (json_array_get_object_element (fields, j),
                                                      "name"),
                       "Serial Number") == 0;
      g_assert_true (serial);
    }
}

static void
test_generator (void)
{
  g_autofree char *a = generated_state (42, 30);
  g_autofree char *b = generated_state (42, 30);
  g_autofree char *c = generated_state (43, 30);
  g_autoptr (JsonNode) node = parse (a);
  JsonObject *state = json_node_get_object (node);
  JsonArray *clients = json_object_get_array_member (state, "clients");
  JsonArray *sites = json_object_get_array_member (state, "sites");
  JsonArray *assets = json_object_get_array_member (state, "assets");
  JsonArray *agents = json_object_get_array_member (state, "agents");
  JsonArray *types = json_object_get_array_member (state, "ticket_types");
  JsonArray *statuses = json_object_get_array_member (state, "statuses");
  JsonArray *outcomes = json_object_get_array_member (state, "outcomes");
  gboolean closed = FALSE;
  gboolean private_note = FALSE;
  gboolean change_request = FALSE;
  guint api_agents = 0;

  g_assert_cmpstr (a, ==, b);
  g_assert_cmpstr (a, !=, c);

  g_assert_cmpuint (json_array_get_length (clients), ==, 30);
  g_assert_cmpuint (json_array_get_length (sites), ==, 60);
  g_assert_cmpuint (json_array_get_length (assets), ==, 300);
  g_assert_cmpuint (json_array_get_length (agents), ==, 5);

  check_generated_names (clients, sites);
  check_generated_assets (assets);

  for (guint i = 0; i < json_array_get_length (agents); i++)
    {
      JsonObject *agent = json_array_get_object_element (agents, i);

      g_assert_nonnull (strchr (json_object_get_string_member (agent, "email"), '@'));
      api_agents += json_object_get_boolean_member (agent, "isapiagent");
    }
  g_assert_cmpuint (api_agents, ==, 1);

  /* Halo's system status Closed (statuses carry no "closed" member) */
  for (guint i = 0; i < json_array_get_length (statuses); i++)
    closed |= json_object_get_int_member (json_array_get_object_element (statuses, i), "id") == 9 &&
              !json_object_has_member (json_array_get_object_element (statuses, i), "closed");
  for (guint i = 0; i < json_array_get_length (outcomes); i++)
    private_note |=
        g_strcmp0 (json_object_get_string_member (json_array_get_object_element (outcomes, i),
                                                  "outcome"),
                   "Private Note") == 0;
  for (guint i = 0; i < json_array_get_length (types); i++)
    change_request |=
        g_strcmp0 (json_object_get_string_member (json_array_get_object_element (types, i), "name"),
                   "Change Request") == 0;
  g_assert_true (closed && private_note && change_request);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (state, "asset_types")), >,
                    0);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (state, "teams")), >, 0);
}

static void
test_seed_file (void)
{
  g_autoptr (HySim) sim = hy_sim_new ();
  g_autoptr (GError) error = NULL;
  g_autofree char *path = g_build_filename (g_get_tmp_dir (), "seed.json", NULL);
  g_autofree char *dumped = NULL;
  g_autofree char *redumped = NULL;
  g_autoptr (JsonNode) state = NULL;
  g_autoptr (HySim) copy = hy_sim_new ();
  g_autoptr (JsonNode) copy_state = NULL;

  g_assert_true (g_file_set_contents (
      path,
      "{\"clients\":[{\"id\":7,\"name\":\"Seeded GmbH\"}],"
      "\"sites\":[{\"id\":70,\"name\":\"Main\",\"client_id\":7}],"
      "\"agents\":[{\"id\":3,\"name\":\"Ann Agent\",\"email\":\"ann@msp.example\"},"
      "{\"id\":4,\"name\":\"API\",\"email\":\"api@msp.example\",\"isapiagent\":true}]}",
      -1, &error));
  g_assert_no_error (error);
  g_assert_true (hy_sim_load_seed_file (sim, path, &error));
  g_assert_no_error (error);

  state = hy_sim_dump_state (sim);
  g_assert_cmpuint (json_array_get_length (
                        json_object_get_array_member (json_node_get_object (state), "clients")),
                    ==, 1);
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (state), "app_agent_id"), ==,
                   4);
  g_assert_cmpuint (json_array_get_length (
                        json_object_get_array_member (json_node_get_object (state),
                                                      "ticket_types")),
                    >, 0);

  /* /_sim/state loads back as a seed, identically. */
  dumped = json_to_string (state, FALSE);
  g_assert_true (hy_sim_load_seed_json (copy, dumped, -1, &error));
  g_assert_no_error (error);
  copy_state = hy_sim_dump_state (copy);
  redumped = json_to_string (copy_state, FALSE);
  g_assert_cmpstr (dumped, ==, redumped);

  /* Bad seeds are refused and change nothing. */
  g_assert_false (hy_sim_load_seed_json (sim, "[1,2]", -1, &error));
  g_assert_error (error, HY_SIM_ERROR, HY_SIM_ERROR_INVALID_SEED);
  g_clear_error (&error);
  g_assert_false (hy_sim_load_seed_json (sim, "{\"clients\":[{\"name\":\"No id\"}]}", -1, &error));
  g_assert_error (error, HY_SIM_ERROR, HY_SIM_ERROR_INVALID_SEED);
  g_clear_error (&error);
  g_assert_false (hy_sim_load_seed_json (sim, "{\"clients\":", -1, &error));
  g_assert_error (error, HY_SIM_ERROR, HY_SIM_ERROR_INVALID_SEED);
  g_clear_error (&error);
  g_assert_false (hy_sim_load_seed_file (sim, "/nonexistent/seed.json", &error));
  g_assert_nonnull (error);
  g_clear_error (&error);
  g_clear_pointer (&state, json_node_unref);
  state = hy_sim_dump_state (sim);
  g_assert_cmpuint (json_array_get_length (
                        json_object_get_array_member (json_node_get_object (state), "clients")),
                    ==, 1);
}

/* ------------------------------------------------------------------------------------------ */
/* The binary                                                                                 */
/* ------------------------------------------------------------------------------------------ */

static void
test_binary (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GSubprocess) process = NULL;
  g_autoptr (GDataInputStream) lines = NULL;
  g_autoptr (SoupSession) session = new_session ();
  g_autoptr (SoupMessage) msg = NULL;
  g_autoptr (GBytes) body = NULL;
  g_autofree char *line = NULL;
  g_autofree char *url = NULL;
  const char *prefix = "halyard-sim listening on http://127.0.0.1:";

  process = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error, HY_SIM_BINARY, "--port", "0",
                              "--clients", "3", "--assets-per-client", "2", "--seed", "9", NULL);
  g_assert_no_error (error);

  lines = g_data_input_stream_new (g_subprocess_get_stdout_pipe (process));
  line = g_data_input_stream_read_line_utf8 (lines, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (line);
  g_assert_true (g_str_has_prefix (line, prefix));
  g_assert_cmpint (g_ascii_strtoll (line + strlen (prefix), NULL, 10), >, 0);

  url = g_strdup_printf ("%s/_sim/state", line + strlen ("halyard-sim listening on "));
  msg = soup_message_new ("GET", url);
  body = soup_session_send_and_read (session, msg, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (soup_message_get_status (msg), ==, 200);
  {
    g_autofree char *text = g_strndup (g_bytes_get_data (body, NULL), g_bytes_get_size (body));
    g_autoptr (JsonNode) node = parse (text);

    g_assert_cmpuint (json_array_get_length (
                          json_object_get_array_member (json_node_get_object (node), "assets")),
                      ==, 6);
  }

  g_subprocess_send_signal (process, SIGTERM);
  g_assert_true (g_subprocess_wait (process, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (process));
  g_assert_cmpint (g_subprocess_get_exit_status (process), ==, 0);
}

static void
test_binary_bad_arguments (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GSubprocess) process = NULL;

  process = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_SILENCE,
                              &error, HY_SIM_BINARY, "--seed-file", "/nonexistent/seed.json", NULL);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_wait (process, NULL, &error));
  g_assert_true (g_subprocess_get_if_exited (process));
  g_assert_cmpint (g_subprocess_get_exit_status (process), !=, 0);
}

int
main (int argc, char *argv[])
{
  hy_test_init (&argc, &argv);

  g_test_add_func ("/sim/seed/generator", test_generator);
  g_test_add_func ("/sim/seed/file", test_seed_file);
  g_test_add_func ("/sim/binary/ready-line", test_binary);
  g_test_add_func ("/sim/binary/bad-arguments", test_binary_bad_arguments);

  return g_test_run ();
}
