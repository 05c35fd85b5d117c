/* test-cli-hardening.c: halyard-cli and halyard-sim never write the secret into a core dump
 * (they are not dumpable), `connect --secret-stdin` refuses a NUL byte instead of cutting the
 * secret there, and `refresh` refuses Halo records it cannot keep (1e999, 1e308, 100 000
 * nesting levels) with exit status 1 and a clear message instead of crashing.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <libsoup/soup.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "store/hy-store.h"
#include "hy-test.h"

#define SECRET "hardening-secret-0123"
#define TOKEN  "hardening-token-4567"

static void
child_setup (gpointer user_data)
{
  struct rlimit core = { 4 * 1024 * 1024, 4 * 1024 * 1024 };

  prctl (PR_SET_PDEATHSIG, SIGKILL);
  /* a core dump is possible, as far as the limit goes */
  setrlimit (RLIMIT_CORE, &core);
}

static GSubprocess *
spawn (const char *dir, GSubprocessFlags flags, GError **error, const char *const *argv)
{
  g_autoptr (GSubprocessLauncher) launcher = g_subprocess_launcher_new (flags);

  g_subprocess_launcher_set_cwd (launcher, dir);
  g_subprocess_launcher_set_child_setup (launcher, child_setup, NULL, NULL);
  g_subprocess_launcher_setenv (launcher, "GIO_USE_PROXY_RESOLVER", "dummy", TRUE);
  return g_subprocess_launcher_spawnv (launcher, argv, error);
}

typedef struct
{
  const char *path;
  gboolean unreadable;
} InRead;

static gboolean
in_read_or_unreadable (gpointer data)
{
  InRead *wait = data;
  g_autofree char *text = NULL;
  char *end = NULL;

  if (!g_file_get_contents (wait->path, &text, NULL, NULL))
    {
      wait->unreadable = TRUE;
      return TRUE;
    }
  /* read (0, …): waiting on standard input (the loader reads too, other files) */
  return g_ascii_strtoll (text, &end, 10) == __NR_read && g_str_has_prefix (end, " 0x0 ");
}

/* Waits until @pid sleeps reading its standard input (its /proc/PID/syscall says so; another
 * process's state, looked at every 5 ms). Returns FALSE when the file cannot be read: for
 * another user than root, a process that is not dumpable hides it. */
static gboolean
wait_in_read (const char *pid)
{
  g_autofree char *path = g_strdup_printf ("/proc/%s/syscall", pid);
  InRead wait = { path, FALSE };

  hy_test_wait_until_polled (in_read_or_unreadable, &wait, 5, "the process blocking in read()");
  return !wait.unreadable;
}

/* Aborts @process and says whether the kernel wrote a core dump of it. */
static gboolean
abort_dumps_core (GSubprocess *process)
{
  g_autoptr (GError) error = NULL;

  g_subprocess_send_signal (process, SIGABRT);
  g_subprocess_wait (process, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_signaled (process));
  return WCOREDUMP (g_subprocess_get_status (process));
}

static void
remove_dir (const char *dir)
{
  g_autofree char *cmd = g_strdup_printf ("rm -rf '%s'", dir);

  g_assert_cmpint (system (cmd), ==, 0);
}

static void
test_not_dumpable (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("hy-dump-XXXXXX", &error);
  g_autoptr (GSubprocess) control = NULL;
  g_autoptr (GSubprocess) cli = NULL;
  g_autoptr (GSubprocess) sim = NULL;
  const char *cat[] = { "cat", NULL };
  g_autofree char *data_dir = g_build_filename (dir, "data", NULL);
  const char *connect[] = { HY_CLI_BINARY, "--data-dir", data_dir,
                            "connect",     "--url",      "http://127.0.0.1:9",
                            "--client-id", "x",          "--secret-stdin",
                            NULL };
  const char *sim_argv[] = { HY_SIM_BINARY, "--port", "0", NULL };

  g_assert_no_error (error);

  /* The control: a dumpable process blocked the same way dumps a core here, or this system
   * writes none and nothing can be told. */
  control = spawn (dir, G_SUBPROCESS_FLAGS_STDIN_PIPE, &error, cat);
  g_assert_no_error (error);
  g_assert_true (wait_in_read (g_subprocess_get_identifier (control)));
  if (!abort_dumps_core (control))
    {
      remove_dir (dir);
      g_test_skip ("this system writes no core dumps (core_pattern, limits)");
      return;
    }

  /* halyard-cli waiting for the secret on standard input */
  cli = spawn (dir, G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDERR_SILENCE, &error,
               connect);
  g_assert_no_error (error);
  if (wait_in_read (g_subprocess_get_identifier (cli)))
    g_assert_false (abort_dumps_core (cli));
  else
    g_subprocess_force_exit (cli); /* hidden from us: not dumpable */

  /* halyard-sim, once it listens */
  sim = spawn (dir, G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error, sim_argv);
  g_assert_no_error (error);
  {
    g_autoptr (GDataInputStream) out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (sim));
    g_autofree char *line = g_data_input_stream_read_line (out, NULL, NULL, &error);

    g_assert_no_error (error);
    g_assert_nonnull (strstr (line, "listening"));
  }
  g_assert_false (abort_dumps_core (sim));
  remove_dir (dir);
}

/* `connect --secret-stdin` with a NUL byte in the secret: refused (exit 2), nothing saved. */
static void
test_secret_nul (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("hy-nul-XXXXXX", &error);
  g_autofree char *data_dir = g_build_filename (dir, "data", NULL);
  g_autofree char *input = g_build_filename (dir, "secret", NULL);
  g_autoptr (GSubprocessLauncher) launcher = NULL;
  g_autoptr (GSubprocess) cli = NULL;
  g_autofree char *err = NULL;
  g_autofree char *db = g_build_filename (data_dir, "halyard.db", NULL);

  g_assert_no_error (error);
  g_assert_true (g_file_set_contents (input, "abc\0def\n", 8, &error));
  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDERR_PIPE |
                                        G_SUBPROCESS_FLAGS_STDOUT_SILENCE);
  g_subprocess_launcher_set_stdin_file_path (launcher, input);
  g_subprocess_launcher_set_child_setup (launcher, child_setup, NULL, NULL);
  cli = g_subprocess_launcher_spawn (launcher, &error, HY_CLI_BINARY, "--data-dir", data_dir,
                                     "connect", "--url", "http://127.0.0.1:9", "--client-id", "x",
                                     "--secret-stdin", NULL);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (cli, NULL, NULL, NULL, &err, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (cli));
  g_assert_cmpint (g_subprocess_get_exit_status (cli), ==, 2);
  g_assert_nonnull (strstr (err, "NUL"));
  g_assert_false (g_file_test (db, G_FILE_TEST_EXISTS));
  remove_dir (dir);
}

/* ------------------------------------------------------------------------- */
/* refresh against records Halyard cannot keep                               */
/* ------------------------------------------------------------------------- */

static const char *client_list;

static void
respond (SoupServerMessage *msg, guint status, const char *body)
{
  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_COPY, body, strlen (body));
}

static void
handler (SoupServer *server,
         SoupServerMessage *msg,
         const char *path,
         GHashTable *query,
         gpointer user_data)
{
  if (g_strcmp0 (path, "/auth/token") == 0)
    respond (msg, 200, "{\"access_token\":\"" TOKEN "\",\"expires_in\":3600}");
  else if (g_ascii_strcasecmp (path, "/api/Client") == 0)
    respond (msg, 200, client_list);
  else if (g_str_has_prefix (path, "/api/"))
    respond (msg, 200, "[]");
  else
    respond (msg, 404, "{}");
}

static void
done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static void
test_refresh_refuses (void)
{
  g_autofree char *deep = NULL;
  const char *lists[3];
  const char *expect[] = { "out of range", "out of range", "nested more than" };
  g_autoptr (GError) error = NULL;
  g_autoptr (SoupServer) server = soup_server_new (NULL, NULL);
  g_autofree char *dir = g_dir_make_tmp ("hy-refresh-XXXXXX", &error);
  g_autofree char *db = g_build_filename (dir, "halyard.db", NULL);
  g_autofree char *url = NULL;
  GSList *uris;

  {
    GString *text = g_string_new ("{\"record_count\":1,\"clients\":");
    for (guint i = 0; i < 100000; i++)
      g_string_append_c (text, '[');
    for (guint i = 0; i < 100000; i++)
      g_string_append_c (text, ']');
    g_string_append_c (text, '}');
    deep = g_string_free (text, FALSE);
  }
  lists[0] = "{\"record_count\":2,\"clients\":[{\"id\":1,\"name\":\"A\"},"
             "{\"id\":2,\"name\":\"B\",\"credit\":1e999}]}";
  lists[1] = "{\"record_count\":1,\"clients\":[{\"id\":3,\"name\":\"C\",\"credit\":1e308}]}";
  lists[2] = deep;

  g_assert_no_error (error);
  soup_server_add_handler (server, NULL, handler, NULL, NULL);
  soup_server_listen_local (server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error);
  g_assert_no_error (error);
  uris = soup_server_get_uris (server);
  url = g_strdup_printf ("http://127.0.0.1:%d", g_uri_get_port (uris->data));
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
  {
    g_autoptr (HyStore) store = hy_store_open (db, &error);
    g_autoptr (HyProfile) profile = hy_profile_new ();

    g_assert_no_error (error);
    profile->url = g_strdup (url);
    profile->tenant = g_strdup ("t");
    profile->client_id = g_strdup ("x");
    g_assert_true (hy_store_set_profile (store, profile, &error));
  }

  for (guint i = 0; i < G_N_ELEMENTS (lists); i++)
    {
      g_autoptr (GSubprocessLauncher) launcher = g_subprocess_launcher_new (
          G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE);
      g_autoptr (GSubprocess) cli = NULL;
      g_autoptr (GAsyncResult) result = NULL;
      g_autofree char *out = NULL;
      g_autofree char *err = NULL;

      client_list = lists[i];
      g_subprocess_launcher_setenv (launcher, "HALYARD_CLIENT_SECRET", SECRET, TRUE);
      g_subprocess_launcher_setenv (launcher, "GIO_USE_PROXY_RESOLVER", "dummy", TRUE);
      g_subprocess_launcher_set_child_setup (launcher, child_setup, NULL, NULL);
      cli = g_subprocess_launcher_spawn (launcher, &error, HY_CLI_BINARY, "--data-dir", dir,
                                         "refresh", NULL);
      g_assert_no_error (error);
      /* the server answers from this main context while the command runs */
      g_subprocess_communicate_utf8_async (cli, NULL, NULL, done_cb, &result);
      while (result == NULL)
        g_main_context_iteration (NULL, TRUE);
      g_assert_true (g_subprocess_communicate_utf8_finish (cli, result, &out, &err, &error));
      g_test_message ("%s", err);
      g_assert_true (g_subprocess_get_if_exited (cli));
      g_assert_cmpint (g_subprocess_get_exit_status (cli), ==, 1);
      g_assert_nonnull (strstr (err, expect[i]));
      g_assert_nonnull (strstr (err, "/api/Client"));
      g_assert_null (strstr (err, "CRITICAL"));
    }
  soup_server_disconnect (server);
  remove_dir (dir);
}

int
main (int argc, char **argv)
{
  g_setenv ("GIO_USE_PROXY_RESOLVER", "dummy", TRUE);
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  g_test_add_func ("/cli/hardening/not-dumpable", test_not_dumpable);
  g_test_add_func ("/cli/hardening/secret-nul", test_secret_nul);
  g_test_add_func ("/cli/hardening/refresh-refuses", test_refresh_refuses);
  return g_test_run ();
}
