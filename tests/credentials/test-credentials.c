/* test-credentials.c: the client secret in a real keyring, and the error when there is none
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Runs against the gnome-keyring-daemon of the test session (build-aux/test-session.sh). The
 * no-keyring cases run in subprocesses whose session bus is missing or has no Secret Service.
 */

#define G_LOG_DOMAIN "test-credentials"

#include "config.h"

#include <string.h>

#include <gio/gio.h>
#include <glib/gstdio.h>

#include "credentials/hy-credentials.h"
#include "hy-test.h"

/* ------------------------------------------------------------------------- */
/* Helpers                                                                   */
/* ------------------------------------------------------------------------- */

#define result_cb hy_test_result_cb
#define wait_for  hy_test_wait_for

static gboolean
store_sync (const char *url, const char *client_id, const char *secret, GError **error)
{
  g_autoptr (GAsyncResult) result = NULL;

  hy_credentials_store_async (url, client_id, secret, NULL, result_cb, &result);
  return hy_credentials_store_finish (wait_for (&result), error);
}

static char *
lookup_sync (const char *url, const char *client_id, GError **error)
{
  g_autoptr (GAsyncResult) result = NULL;

  hy_credentials_lookup_async (url, client_id, NULL, result_cb, &result);
  return hy_credentials_lookup_finish (wait_for (&result), error);
}

static gboolean
clear_sync (const char *url, const char *client_id, gboolean *removed, GError **error)
{
  g_autoptr (GAsyncResult) result = NULL;

  hy_credentials_clear_async (url, client_id, NULL, result_cb, &result);
  return hy_credentials_clear_finish (wait_for (&result), removed, error);
}

#define have_keyring hy_test_keyring_or_skip

/* ------------------------------------------------------------------------- */
/* Tests                                                                     */
/* ------------------------------------------------------------------------- */

static void
test_normalize_url (void)
{
  struct
  {
    const char *in;
    const char *out;
  } cases[] = {
    { "https://acme.halopsa.com", "https://acme.halopsa.com" },
    { "https://ACME.HaloPSA.com/", "https://acme.halopsa.com" },
    { "HTTPS://acme.halopsa.com:443//", "https://acme.halopsa.com" },
    { "http://127.0.0.1:8080/", "http://127.0.0.1:8080" },
    { "https://halo.example.edu/halo/", "https://halo.example.edu/halo" },
    { "https://acme.halopsa.com/?tenant=x#y", "https://acme.halopsa.com" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *got = hy_credentials_normalize_url (cases[i].in);
      g_assert_cmpstr (got, ==, cases[i].out);
    }

  g_assert_null (hy_credentials_normalize_url (NULL));
  g_assert_null (hy_credentials_normalize_url (""));
  g_assert_null (hy_credentials_normalize_url ("acme"));
  g_assert_null (hy_credentials_normalize_url ("not a url"));
}

static void
test_store_lookup_replace_clear (void)
{
  const char *url = "https://store-test.halopsa.example";
  g_autoptr (GError) error = NULL;
  char *secret;
  gboolean removed = TRUE;

  if (!have_keyring ())
    return;

  /* Nothing yet. */
  secret = lookup_sync (url, "app-1", &error);
  g_assert_error (error, HY_CREDENTIALS_ERROR, HY_CREDENTIALS_ERROR_NOT_FOUND);
  g_assert_null (secret);
  g_clear_error (&error);

  /* Store, and read it back under a differently written but equal URL. */
  g_assert_true (store_sync (url, "app-1", "s3cr3t-øne", &error));
  g_assert_no_error (error);
  secret = lookup_sync ("https://Store-Test.halopsa.example/", "app-1", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (secret, ==, "s3cr3t-øne");
  hy_credentials_secret_free (secret);

  /* Another client id of the same URL is another item. */
  g_assert_true (store_sync (url, "app-2", "other-secret", &error));
  g_assert_no_error (error);

  /* Replace. */
  g_assert_true (store_sync (url, "app-1", "second-secret", &error));
  g_assert_no_error (error);
  secret = lookup_sync (url, "app-1", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (secret, ==, "second-secret");
  hy_credentials_secret_free (secret);

  secret = lookup_sync (url, "app-2", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (secret, ==, "other-secret");
  hy_credentials_secret_free (secret);

  /* Clear one; the other stays. */
  g_assert_true (clear_sync (url, "app-1", &removed, &error));
  g_assert_no_error (error);
  g_assert_true (removed);
  secret = lookup_sync (url, "app-1", &error);
  g_assert_error (error, HY_CREDENTIALS_ERROR, HY_CREDENTIALS_ERROR_NOT_FOUND);
  g_assert_null (secret);
  g_clear_error (&error);

  g_assert_true (clear_sync (url, "app-1", &removed, &error));
  g_assert_no_error (error);
  g_assert_false (removed);

  secret = lookup_sync (url, "app-2", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (secret, ==, "other-secret");
  hy_credentials_secret_free (secret);

  g_assert_true (clear_sync (url, "app-2", &removed, &error));
  g_assert_no_error (error);
  g_assert_true (removed);
}

static void
test_invalid_input (void)
{
  g_autoptr (GError) error = NULL;
  char *secret;

  /* Validation happens before the keyring is asked, so these need none. */
  g_assert_false (store_sync ("not a url", "app", "secret", &error));
  g_assert_error (error, HY_CREDENTIALS_ERROR, HY_CREDENTIALS_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "not a url"));
  g_clear_error (&error);

  g_assert_false (store_sync ("https://acme.halopsa.com", "", "secret", &error));
  g_assert_error (error, HY_CREDENTIALS_ERROR, HY_CREDENTIALS_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "Client ID"));
  g_clear_error (&error);

  g_assert_false (store_sync ("https://acme.halopsa.com", "app", "", &error));
  g_assert_error (error, HY_CREDENTIALS_ERROR, HY_CREDENTIALS_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "Client Secret"));
  g_clear_error (&error);

  g_assert_false (store_sync ("https://acme.halopsa.com", "app", "bad\xff", &error));
  g_assert_error (error, HY_CREDENTIALS_ERROR, HY_CREDENTIALS_ERROR_INVALID);
  g_clear_error (&error);

  secret = lookup_sync ("", "app", &error);
  g_assert_null (secret);
  g_assert_error (error, HY_CREDENTIALS_ERROR, HY_CREDENTIALS_ERROR_INVALID);
}

static void
test_cancelled (void)
{
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;

  if (!have_keyring ())
    return;

  g_cancellable_cancel (cancellable);
  hy_credentials_lookup_async ("https://acme.halopsa.com", "app", cancellable, result_cb, &result);
  g_assert_null (hy_credentials_lookup_finish (wait_for (&result), &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

/* In the subprocess: every operation must fail with NO_KEYRING and say what to do. */
static void
expect_no_keyring (void)
{
  g_autoptr (GError) error = NULL;
  char *secret;

  g_assert_false (store_sync ("https://acme.halopsa.com", "app", "never-stored-secret", &error));
  g_assert_error (error, HY_CREDENTIALS_ERROR, HY_CREDENTIALS_ERROR_NO_KEYRING);
  g_assert_nonnull (strstr (error->message, "No keyring is available"));
  g_assert_nonnull (strstr (error->message, "Secret Service"));
  g_assert_null (strstr (error->message, "never-stored-secret"));
  g_clear_error (&error);

  secret = lookup_sync ("https://acme.halopsa.com", "app", &error);
  g_assert_null (secret);
  g_assert_error (error, HY_CREDENTIALS_ERROR, HY_CREDENTIALS_ERROR_NO_KEYRING);
  g_clear_error (&error);

  g_assert_false (clear_sync ("https://acme.halopsa.com", "app", NULL, &error));
  g_assert_error (error, HY_CREDENTIALS_ERROR, HY_CREDENTIALS_ERROR_NO_KEYRING);
}

static void
test_no_session_bus (void)
{
  if (g_test_subprocess ())
    {
      g_autofree char *nowhere = g_build_filename (g_get_tmp_dir (), "halyard-no-bus", NULL);
      g_autofree char *address = g_strconcat ("unix:path=", nowhere, NULL);

      /* Set before anything touches the bus. */
      g_setenv ("DBUS_SESSION_BUS_ADDRESS", address, TRUE);
      expect_no_keyring ();
      return;
    }

  g_test_trap_subprocess (NULL, 20 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
}

/* A private session bus with nothing that provides or activates org.freedesktop.secrets. */
static void
test_no_secret_service (void)
{
  static const char config[] =
      "<!DOCTYPE busconfig PUBLIC \"-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN\"\n"
      " \"http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd\">\n"
      "<busconfig>\n"
      "  <type>session</type>\n"
      "  <listen>unix:tmpdir=%s</listen>\n"
      "  <policy context=\"default\">\n"
      "    <allow send_destination=\"*\" eavesdrop=\"true\"/>\n"
      "    <allow eavesdrop=\"true\"/>\n"
      "    <allow own=\"*\"/>\n"
      "  </policy>\n"
      "</busconfig>\n";
  g_autoptr (GError) error = NULL;
  g_autoptr (GSubprocess) daemon = NULL;
  g_autoptr (GDataInputStream) out = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *config_path = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *address = NULL;
  g_autofree char *config_arg = NULL;

  if (g_test_subprocess ())
    {
      g_assert_nonnull (g_getenv ("HALYARD_TEST_PRIVATE_BUS"));
      g_setenv ("DBUS_SESSION_BUS_ADDRESS", g_getenv ("HALYARD_TEST_PRIVATE_BUS"), TRUE);
      expect_no_keyring ();
      return;
    }

  if (!g_file_test ("/usr/bin/dbus-daemon", G_FILE_TEST_IS_EXECUTABLE))
    {
      g_test_skip ("dbus-daemon is not installed");
      return;
    }

  dir = g_dir_make_tmp ("halyard-bus-XXXXXX", &error);
  g_assert_no_error (error);
  config_path = g_build_filename (dir, "session.conf", NULL);
  contents = g_strdup_printf (config, dir);
  g_file_set_contents (config_path, contents, -1, &error);
  g_assert_no_error (error);

  config_arg = g_strconcat ("--config-file=", config_path, NULL);
  daemon = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error, "/usr/bin/dbus-daemon",
                             config_arg, "--nofork", "--print-address=1", NULL);
  g_assert_no_error (error);
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (daemon));
  address = g_data_input_stream_read_line_utf8 (out, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (address);

  g_setenv ("HALYARD_TEST_PRIVATE_BUS", address, TRUE);
  g_test_trap_subprocess (NULL, 20 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_unsetenv ("HALYARD_TEST_PRIVATE_BUS");

  g_subprocess_force_exit (daemon);
  g_subprocess_wait (daemon, NULL, NULL);
  g_unlink (config_path);
  g_rmdir (dir);

  g_test_trap_assert_passed ();
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/credentials/normalize-url", test_normalize_url);
  g_test_add_func ("/credentials/invalid-input", test_invalid_input);
  g_test_add_func ("/credentials/store-lookup-replace-clear", test_store_lookup_replace_clear);
  g_test_add_func ("/credentials/cancelled", test_cancelled);
  g_test_add_func ("/credentials/no-session-bus", test_no_session_bus);
  g_test_add_func ("/credentials/no-secret-service", test_no_secret_service);

  return g_test_run ();
}
