/* hy-cli.c: halyard-cli, the headless Halyard: global options, the command table, helpers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "hy-cli"

#include "config.h"

#include <errno.h>
#include <locale.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <termios.h>
#include <unistd.h>

#include <glib/gi18n.h>

#include "credentials/hy-credentials.h"
#include "halo/hy-halo-error.h"
#include "import/hy-import.h"
#include "session/hy-session.h"
#include "store/hy-store.h"

#include "hy-cli-commands.h"
#include "hy-cli-hints.h"
#include "hy-cli.h"

/* clang-format off */
G_DEFINE_QUARK (hy-cli-error-quark, hy_cli_error)
/* clang-format on */

/* ------------------------------------------------------------------------- */
/* The command table                                                         */
/* ------------------------------------------------------------------------- */

/* To add a command group (e.g. `link`, `map`, `sync`, `alert`):
 *  1. write src/cli/hy-cli-<group>.c with `int hy_cli_<group> (HyCli *cli, int argc, char **argv)`
 *     (see HyCliCommandFunc in hy-cli.h; sub-commands such as `link auto` / `link set` are
 *     dispatched inside it on argv[1]);
 *  2. declare that function in hy-cli-commands.h and add the file to cli_sources in
 *     src/cli/meson.build (and to po/POTFILES.in);
 *  3. add ONE line below, in the order `halyard-cli --help` should list it.
 * The framework handles --data-dir, --json, --help and --version; a command uses hy_cli_parse(),
 * hy_cli_wait(), hy_cli_print_json() / hy_cli_print() and returns hy_cli_fail*() on error. */
static const HyCliCommand commands[] = {
  { "connect", N_ ("Save the connection, store the secret in the keyring, and test it"),
    hy_cli_connect },
  { "test", N_ ("Test the connection and the permissions Halyard needs in Halo"), hy_cli_test },
  { "import", N_ ("Import inventory from a JSON, CSV or FusionInventory/OCS XML file"),
    hy_cli_import },
  { "refresh", N_ ("Fetch clients, sites, assets, agents and ticket settings from Halo"),
    hy_cli_refresh },
  { "status", N_ ("Show the integration switch, group sync states, outbox and alerts"),
    hy_cli_status },
  { "events", N_ ("Show the requests sent to Halo, newest first"), hy_cli_events },
  { "link", N_ ("Link companies, locations, computers and users to Halo records"), hy_cli_link },
  { "links", N_ ("List records with their linked state"), hy_cli_links },
  { "map", N_ ("Route a device group to a Halo client or a policy to a ticket type"), hy_cli_map },
  { "unmap", N_ ("Remove a group's or a policy's route"), hy_cli_unmap },
  { "maintenance", N_ ("Add, list or remove maintenance windows, when alerts open no ticket"),
    hy_cli_maintenance },
  { "rename", N_ ("Rename a local company"), hy_cli_rename },
  { "enable", N_ ("Turn the integration on and start syncing"), hy_cli_enable },
  { "disable", N_ ("Turn the integration off: nothing is sent to Halo"), hy_cli_disable },
  { "sync", N_ ("Sync the devices of mapped groups as assets and deliver the outbox"),
    hy_cli_sync },
  { "alert", N_ ("Record an alert raised or cleared by monitoring"), hy_cli_alert },
  { "action", N_ ("Add a technician's note and time entry to an alert's ticket"), hy_cli_action },
  { "intake", N_ ("Show the alert intake's token, or set its labels and Alertmanager URL"),
    hy_cli_intake },
  { "serve", N_ ("Run the integration until stopped: deliver, re-sync on change, refresh"),
    hy_cli_serve },
};

/* ------------------------------------------------------------------------- */
/* Errors                                                                    */
/* ------------------------------------------------------------------------- */

static const char *
halo_error_code (int code)
{
  switch ((HyHaloError) code)
    {
      case HY_HALO_ERROR_INVALID_URL:
        return "invalid_url";
      case HY_HALO_ERROR_INSECURE_URL:
        return "insecure_url";
      case HY_HALO_ERROR_UNREACHABLE:
        return "unreachable";
      case HY_HALO_ERROR_TLS:
        return "tls";
      case HY_HALO_ERROR_INVALID_CLIENT:
        return "invalid_client";
      case HY_HALO_ERROR_INVALID_SCOPE:
        return "invalid_scope";
      case HY_HALO_ERROR_UNAUTHORIZED:
        return "unauthorized";
      case HY_HALO_ERROR_FORBIDDEN:
        return "forbidden";
      case HY_HALO_ERROR_NOT_FOUND:
        return "not_found";
      case HY_HALO_ERROR_BAD_REQUEST:
        return "bad_request";
      case HY_HALO_ERROR_RATE_LIMITED:
        return "rate_limited";
      case HY_HALO_ERROR_SERVER_ERROR:
        return "server_error";
      case HY_HALO_ERROR_BAD_RESPONSE:
        return "bad_response";
      case HY_HALO_ERROR_OUTCOME_UNKNOWN:
        return "outcome_unknown";
      case HY_HALO_ERROR_CANCELLED:
        return "cancelled";
      case HY_HALO_ERROR_UNAVAILABLE:
        return "unavailable";
      default:
        return "halo_failed";
    }
}

static const char *
credentials_error_code (int code)
{
  switch ((HyCredentialsError) code)
    {
      case HY_CREDENTIALS_ERROR_NO_KEYRING:
        return "no_keyring";
      case HY_CREDENTIALS_ERROR_LOCKED:
        return "keyring_locked";
      case HY_CREDENTIALS_ERROR_NOT_FOUND:
        return "no_secret";
      case HY_CREDENTIALS_ERROR_INVALID:
        return "invalid_input";
      case HY_CREDENTIALS_ERROR_FAILED:
      default:
        return "keyring_failed";
    }
}

static const char *
store_error_code (int code)
{
  switch ((HyStoreError) code)
    {
      case HY_STORE_ERROR_CANNOT_OPEN:
        return "store_cannot_open";
      case HY_STORE_ERROR_NOT_HALYARD:
        return "store_not_halyard";
      case HY_STORE_ERROR_TOO_NEW:
        return "store_too_new";
      case HY_STORE_ERROR_READ_ONLY:
        return "store_read_only";
      case HY_STORE_ERROR_DISK_FULL:
        return "disk_full";
      case HY_STORE_ERROR_BUSY:
        return "store_busy";
      case HY_STORE_ERROR_CORRUPT:
        return "store_corrupt";
      case HY_STORE_ERROR_NOT_FOUND:
        return "not_found";
      case HY_STORE_ERROR_INVALID:
        return "invalid_input";
      case HY_STORE_ERROR_CONSTRAINT:
        return "constraint";
      case HY_STORE_ERROR_INVALID_STATE:
        return "invalid_state";
      case HY_STORE_ERROR_FAILED:
      default:
        return "store_failed";
    }
}

static const char *
import_error_code (int code)
{
  switch ((HyImportError) code)
    {
      case HY_IMPORT_ERROR_UNKNOWN_FORMAT:
        return "unknown_format";
      case HY_IMPORT_ERROR_TOO_LARGE:
        return "too_large";
      case HY_IMPORT_ERROR_INVALID_UTF8:
        return "invalid_utf8";
      case HY_IMPORT_ERROR_SYNTAX:
        return "syntax";
      case HY_IMPORT_ERROR_MISSING_FIELD:
        return "missing_field";
      case HY_IMPORT_ERROR_WRONG_TYPE:
        return "wrong_type";
      case HY_IMPORT_ERROR_DUPLICATE_ID:
        return "duplicate_id";
      case HY_IMPORT_ERROR_DANGLING_REFERENCE:
        return "dangling_reference";
      case HY_IMPORT_ERROR_CYCLE:
        return "cycle";
      case HY_IMPORT_ERROR_STORE:
        return "store_failed";
      case HY_IMPORT_ERROR_CANCELLED:
        return "cancelled";
      case HY_IMPORT_ERROR_FAILED:
      default:
        return "cannot_read";
    }
}

/**
 * hy_cli_error_code:
 * @error: an error from any layer
 *
 * Returns: the stable `code` of the --json error document for @error
 */
const char *
hy_cli_error_code (const GError *error)
{
  if (error->domain == HY_CLI_ERROR)
    {
      switch ((HyCliError) error->code)
        {
          case HY_CLI_ERROR_USAGE:
            return "usage";
          case HY_CLI_ERROR_INVALID_INPUT:
            return "invalid_input";
          case HY_CLI_ERROR_NOT_CONNECTED:
            return "not_connected";
          case HY_CLI_ERROR_FAILED:
          default:
            return "failed";
        }
    }
  if (error->domain == G_OPTION_ERROR)
    return "usage";
  if (error->domain == HY_HALO_ERROR)
    return halo_error_code (error->code);
  if (error->domain == HY_CREDENTIALS_ERROR)
    return credentials_error_code (error->code);
  if (error->domain == HY_STORE_ERROR)
    return store_error_code (error->code);
  if (error->domain == HY_IMPORT_ERROR)
    return import_error_code (error->code);
  if (g_error_matches (error, HY_SESSION_ERROR, HY_SESSION_ERROR_NOT_CONNECTED))
    return "not_connected";
  if (g_error_matches (error, HY_SESSION_ERROR, HY_SESSION_ERROR_INVALID_PROFILE))
    return "invalid_input";
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return "cancelled";
  if (error->domain == G_IO_ERROR || error->domain == G_FILE_ERROR)
    return "io";

  return "failed";
}

/**
 * hy_cli_error_exit_status:
 * @error: an error from any layer
 *
 * Returns: 2 when @error is about bad usage or bad input, 1 when an operation failed
 */
int
hy_cli_error_exit_status (const GError *error)
{
  if (g_error_matches (error, HY_CLI_ERROR, HY_CLI_ERROR_USAGE) ||
      g_error_matches (error, HY_CLI_ERROR, HY_CLI_ERROR_INVALID_INPUT) ||
      error->domain == G_OPTION_ERROR ||
      g_error_matches (error, HY_CREDENTIALS_ERROR, HY_CREDENTIALS_ERROR_INVALID) ||
      g_error_matches (error, HY_HALO_ERROR, HY_HALO_ERROR_INVALID_URL) ||
      g_error_matches (error, HY_HALO_ERROR, HY_HALO_ERROR_INSECURE_URL) ||
      g_error_matches (error, HY_SESSION_ERROR, HY_SESSION_ERROR_INVALID_PROFILE))
    return HY_CLI_EXIT_USAGE;

  /* The records given were wrong, not the machine. */
  if (g_error_matches (error, HY_STORE_ERROR, HY_STORE_ERROR_NOT_FOUND) ||
      g_error_matches (error, HY_STORE_ERROR, HY_STORE_ERROR_INVALID) ||
      g_error_matches (error, HY_STORE_ERROR, HY_STORE_ERROR_CONSTRAINT))
    return HY_CLI_EXIT_USAGE;

  /* A bad import file; but a failing store or a cancellation is not the file's fault. */
  if (error->domain == HY_IMPORT_ERROR && error->code != HY_IMPORT_ERROR_STORE &&
      error->code != HY_IMPORT_ERROR_CANCELLED)
    return HY_CLI_EXIT_USAGE;

  return HY_CLI_EXIT_FAILED;
}

/**
 * hy_cli_fail_with_hint:
 * @hint: (nullable): what the command's own options do about it, shown under @message (in the
 *   --json document, its "hint" member)
 *
 * Like hy_cli_fail_with(), for a command that knows the option that fixes the error.
 */
int
hy_cli_fail_with_hint (HyCli *cli,
                       int exit_status,
                       const char *code,
                       const char *message,
                       const char *hint)
{
  if (cli->json)
    {
      g_autoptr (JsonBuilder) builder = json_builder_new ();
      g_autoptr (JsonGenerator) generator = json_generator_new ();
      g_autoptr (JsonNode) root = NULL;
      g_autofree char *text = NULL;

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "error");
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "code");
      json_builder_add_string_value (builder, code);
      json_builder_set_member_name (builder, "message");
      json_builder_add_string_value (builder, message);
      if (hint != NULL)
        {
          json_builder_set_member_name (builder, "hint");
          json_builder_add_string_value (builder, hint);
        }
      json_builder_end_object (builder);
      json_builder_end_object (builder);

      root = json_builder_get_root (builder);
      json_generator_set_root (generator, root);
      text = json_generator_to_data (generator, NULL);
      fputs (text, stderr);
      fputc ('\n', stderr);
      fflush (stderr);
    }
  else
    {
      /* Translators: how every error of halyard-cli starts; %s is the message */
      g_printerr (_ ("Error: %s\n"), message);
      if (hint != NULL)
        g_printerr ("%s\n", hint);
    }

  return exit_status;
}

int
hy_cli_fail_with (HyCli *cli, int exit_status, const char *code, const char *message)
{
  return hy_cli_fail_with_hint (cli, exit_status, code, message, NULL);
}

/**
 * hy_cli_fail_with_error:
 *
 * Like hy_cli_fail_with() with @error's message, and the CLI's hint for @error
 * (hy_cli_error_hint()) under it: in the --json document, its "hint" member.
 */
int
hy_cli_fail_with_error (HyCli *cli, int exit_status, const char *code, const GError *error)
{
  g_autofree char *hint = hy_cli_error_hint (error);

  return hy_cli_fail_with_hint (cli, exit_status, code, error->message, hint);
}

int
hy_cli_fail (HyCli *cli, const GError *error)
{
  return hy_cli_fail_with_error (cli, hy_cli_error_exit_status (error), hy_cli_error_code (error),
                                 error);
}

int
hy_cli_fail_usage (HyCli *cli, const char *message)
{
  g_autofree char *full = NULL;

  if (cli->json)
    return hy_cli_fail_with (cli, HY_CLI_EXIT_USAGE, "usage", message);

  /* Translators: the first %s is a usage error, the others the program and command names */
  full = g_strdup_printf (_ ("%s (see “%s %s --help”)"), message, cli->prog,
                          cli->command != NULL ? cli->command : "");
  return hy_cli_fail_with (cli, HY_CLI_EXIT_USAGE, "usage", full);
}

/* ------------------------------------------------------------------------- */
/* Output                                                                    */
/* ------------------------------------------------------------------------- */

void
hy_cli_print_json (HyCli *cli, JsonNode *node)
{
  g_autoptr (JsonGenerator) generator = json_generator_new ();
  g_autofree char *text = NULL;

  json_generator_set_pretty (generator, TRUE);
  json_generator_set_indent (generator, 2);
  json_generator_set_root (generator, node);
  text = json_generator_to_data (generator, NULL);
  fputs (text, stdout);
  fputc ('\n', stdout);
  fflush (stdout);
}

void
hy_cli_print (HyCli *cli, const char *format, ...)
{
  g_autofree char *text = NULL;
  va_list args;

  va_start (args, format);
  text = g_strdup_vprintf (format, args);
  va_end (args);

  g_print ("%s\n", text);
}

/* ------------------------------------------------------------------------- */
/* Async                                                                     */
/* ------------------------------------------------------------------------- */

void
hy_cli_result_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GAsyncResult **slot = user_data;

  *slot = g_object_ref (result);
}

GAsyncResult *
hy_cli_wait (GAsyncResult **result)
{
  while (*result == NULL)
    g_main_context_iteration (NULL, TRUE);

  return *result;
}

/* ------------------------------------------------------------------------- */
/* Input                                                                     */
/* ------------------------------------------------------------------------- */

#define SECRET_MAX 4096

/* Reads one line of standard input into @buffer (at most @size bytes, without its newline),
 * with the echo off on a terminal; returns its length */
static gsize
read_secret_line (char *buffer, gsize size)
{
  gsize len = 0;
  gboolean tty = isatty (STDIN_FILENO);
  struct termios saved;
  gboolean echo_off = FALSE;

  if (tty)
    {
      /* Translators: the prompt when the secret is typed on a terminal */
      g_printerr ("%s", _ ("Client Secret: "));
      if (tcgetattr (STDIN_FILENO, &saved) == 0)
        {
          struct termios quiet = saved;

          quiet.c_lflag &= ~(tcflag_t) ECHO;
          echo_off = tcsetattr (STDIN_FILENO, TCSAFLUSH, &quiet) == 0;
        }
    }

  while (len < size)
    {
      ssize_t n = read (STDIN_FILENO, buffer + len, 1);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0 || buffer[len] == '\n')
        break;
      len++;
    }

  if (echo_off)
    {
      tcsetattr (STDIN_FILENO, TCSAFLUSH, &saved);
      g_printerr ("\n");
    }

  return len;
}

/* The secret in HALYARD_CLIENT_SECRET, taken out of the environment; NULL when there is none */
static char *
secret_from_env (GError **error)
{
  const char *env = g_getenv ("HALYARD_CLIENT_SECRET");
  char *secret;

  if (env == NULL || *env == '\0')
    return NULL;

  if (strlen (env) > SECRET_MAX || !g_utf8_validate (env, -1, NULL))
    {
      g_set_error_literal (error, HY_CLI_ERROR, HY_CLI_ERROR_INVALID_INPUT,
                           _ ("HALYARD_CLIENT_SECRET is not a valid Client Secret"));
      return NULL;
    }

  secret = g_strdup (env);
  /* Programs this one starts need not see it. */
  g_unsetenv ("HALYARD_CLIENT_SECRET");
  return secret;
}

char *
hy_cli_read_secret (HyCli *cli, gboolean from_stdin, GError **error)
{
  if (from_stdin)
    {
      char buffer[SECRET_MAX + 2];
      gsize len;
      char *secret;

      len = read_secret_line (buffer, sizeof buffer);

      if (len > 0 && buffer[len - 1] == '\r')
        len--;

      if (len > SECRET_MAX)
        {
          memset (buffer, 0, sizeof buffer);
          g_set_error (error, HY_CLI_ERROR, HY_CLI_ERROR_INVALID_INPUT,
                       _ ("The Client Secret on standard input is longer than %d bytes: give "
                          "only the secret, on one line"),
                       SECRET_MAX);
          return NULL;
        }
      if (len == 0)
        {
          g_set_error_literal (error, HY_CLI_ERROR, HY_CLI_ERROR_INVALID_INPUT,
                               _ ("No Client Secret on standard input: give it on the first "
                                  "line (for example: printf '%s\\n' \"$SECRET\" | halyard-cli "
                                  "connect … --secret-stdin)"));
          return NULL;
        }

      if (memchr (buffer, '\0', len) != NULL)
        {
          /* g_strndup () would silently keep what comes before it */
          explicit_bzero (buffer, sizeof buffer);
          g_set_error_literal (error, HY_CLI_ERROR, HY_CLI_ERROR_INVALID_INPUT,
                               _ ("The Client Secret on standard input contains a NUL byte: give "
                                  "only the secret, as text, on one line"));
          return NULL;
        }
      secret = g_strndup (buffer, len);
      memset (buffer, 0, sizeof buffer);

      if (!g_utf8_validate (secret, -1, NULL))
        {
          hy_credentials_secret_free (secret);
          g_set_error_literal (error, HY_CLI_ERROR, HY_CLI_ERROR_INVALID_INPUT,
                               _ ("The Client Secret on standard input is not valid UTF-8 text"));
          return NULL;
        }

      return secret;
    }
  return secret_from_env (error);
}

gboolean
hy_cli_parse_int (const char *text, const char *what, gint64 *out, GError **error)
{
  guint64 value;

  if (text == NULL || !g_ascii_string_to_unsigned (text, 10, 0, G_MAXINT64, &value, NULL))
    {
      g_set_error (error, HY_CLI_ERROR, HY_CLI_ERROR_INVALID_INPUT,
                   /* Translators: %s is what was expected (e.g. “--limit”), then the text */
                   _ ("%s must be a whole number, not “%s”"), what, text != NULL ? text : "");
      return FALSE;
    }

  *out = (gint64) value;
  return TRUE;
}

/* ------------------------------------------------------------------------- */
/* Options                                                                   */
/* ------------------------------------------------------------------------- */

static gboolean
data_dir_cb (const char *option_name, const char *value, gpointer data, GError **error)
{
  HyCli *cli = data;

  if (value == NULL || *value == '\0')
    {
      g_set_error_literal (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                           _ ("--data-dir needs a directory"));
      return FALSE;
    }

  g_free (cli->data_dir);
  cli->data_dir = g_strdup (value);
  return TRUE;
}

static gboolean
json_cb (const char *option_name, const char *value, gpointer data, GError **error)
{
  HyCli *cli = data;

  cli->json = TRUE;
  return TRUE;
}

/* How long a command waits for Halo's request limit before it leaves the work queued (--max-wait,
 * else $HALYARD_MAX_WAIT, else 30 s); -1 until set. */
#define DEFAULT_MAX_WAIT_S 30
#define MAX_MAX_WAIT_S     86400
static gint64 max_wait_s = -1;

static gboolean
parse_max_wait (const char *text, gint64 *out, GError **error)
{
  guint64 value;

  if (text == NULL || !g_ascii_string_to_unsigned (text, 10, 0, MAX_MAX_WAIT_S, &value, NULL))
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   /* Translators: %s is what the user gave; %d the largest value */
                   _ ("The longest wait for Halo must be a number of seconds from 0 to %d, not "
                      "“%s”"),
                   MAX_MAX_WAIT_S, text != NULL ? text : "");
      return FALSE;
    }
  *out = (gint64) value;
  return TRUE;
}

static gboolean
max_wait_cb (const char *option_name, const char *value, gpointer data, GError **error)
{
  return parse_max_wait (value, &max_wait_s, error);
}

guint
hy_cli_get_max_wait_ms (void)
{
  gint64 seconds = max_wait_s;

  if (seconds < 0 && !parse_max_wait (g_getenv ("HALYARD_MAX_WAIT"), &seconds, NULL))
    seconds = DEFAULT_MAX_WAIT_S;
  /* 0: never wait (the client's 0 would mean no bound) */
  return seconds == 0 ? 1 : (guint) seconds * 1000;
}

static const GOptionEntry global_entries[] = {
  { "data-dir", 0, 0, G_OPTION_ARG_CALLBACK, data_dir_cb,
    N_ ("Keep Halyard’s data in DIR (default: $HALYARD_DATA_DIR, else "
        "$XDG_DATA_HOME/halyard)"),
    N_ ("DIR") },
  { "json", 0, G_OPTION_FLAG_NO_ARG, G_OPTION_ARG_CALLBACK, json_cb,
    N_ ("Print one machine-readable JSON document"), NULL },
  { "max-wait", 0, 0, G_OPTION_ARG_CALLBACK, max_wait_cb,
    N_ ("Wait at most SECONDS for Halo’s request limit, then leave the work queued for "
        "halyard-cli serve, the app or the next sync (default: $HALYARD_MAX_WAIT, else 30)"),
    N_ ("SECONDS") },
  { NULL },
};

static GOptionGroup *
new_main_group (HyCli *cli, const GOptionEntry *entries)
{
  GOptionGroup *group = g_option_group_new ("halyard-cli", "", "", cli, NULL);

  g_option_group_set_translation_domain (group, GETTEXT_PACKAGE);
  g_option_group_add_entries (group, global_entries);
  if (entries != NULL)
    g_option_group_add_entries (group, entries);

  return group;
}

gboolean
hy_cli_parse (HyCli *cli,
              int *argc,
              char ***argv,
              const GOptionEntry *entries,
              const char *parameter_string,
              const char *description,
              int *exit_status)
{
  g_autoptr (GOptionContext) context = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *prgname = NULL;

  context = g_option_context_new (parameter_string != NULL ? _ (parameter_string) : NULL);
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  g_option_context_set_main_group (context, new_main_group (cli, entries));
  if (description != NULL)
    g_option_context_set_description (context, _ (description));

  /* "Usage: halyard-cli connect [OPTION…] …" */
  prgname = g_strdup_printf ("%s %s", cli->prog, cli->command);
  g_set_prgname (prgname);

  if (!g_option_context_parse (context, argc, argv, &error))
    {
      *exit_status = hy_cli_fail_usage (cli, error->message);
      return FALSE;
    }

  return TRUE;
}

/* ------------------------------------------------------------------------- */
/* main                                                                      */
/* ------------------------------------------------------------------------- */

static char *
commands_summary (void)
{
  g_autoptr (GString) text = g_string_new (_ ("Commands:"));

  for (gsize i = 0; i < G_N_ELEMENTS (commands); i++)
    g_string_append_printf (text, "\n  %-10s %s", commands[i].name, _ (commands[i].summary));

  return g_string_free (g_steal_pointer (&text), FALSE);
}

/* The process as the CLI runs it: no core dump (the client secret lives in its memory), the
 * user's locale and Halyard's translations */
static void
set_up_process (void)
{
  /* The client secret lives in this process's memory: no core dump (nor ptrace by another
   * process of the same user) may ever hold it. */
  prctl (PR_SET_DUMPABLE, 0, 0, 0, 0);
  setlocale (LC_ALL, "");
  /* $HALYARD_LOCALEDIR: the build tree's translations, for tests and the uninstalled app. */
  bindtextdomain (GETTEXT_PACKAGE, g_getenv ("HALYARD_LOCALEDIR") != NULL
                                       ? g_getenv ("HALYARD_LOCALEDIR")
                                       : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
}

static void
print_version (HyCli *cli)
{
  if (cli->json)
    {
      g_autoptr (JsonNode) node = json_node_new (JSON_NODE_OBJECT);
      g_autoptr (JsonObject) object = json_object_new ();

      json_object_set_string_member (object, "version", PACKAGE_VERSION);
      json_node_set_object (node, object);
      hy_cli_print_json (cli, node);
    }
  else
    g_print ("%s %s\n", cli->prog, PACKAGE_VERSION);
}

/* Everything the command wrote goes into the database file itself before the program ends,
 * whichever thread drops the store last: a copy of halyard.db alone is complete. */
static void
checkpoint_store (HyCli *cli)
{
  if (cli->store != NULL)
    {
      g_autoptr (GError) local = NULL;

      if (!hy_store_checkpoint (HY_STORE (cli->store), &local))
        g_debug ("Checkpoint: %s", local->message);
      g_clear_object (&cli->store);
    }
}

int
main (int argc, char **argv)
{
  g_autoptr (GOptionContext) context = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *summary = NULL;
  gboolean version = FALSE;
  HyCli cli = { 0 };
  const GOptionEntry main_entries[] = {
    { "version", 0, 0, G_OPTION_ARG_NONE, &version, N_ ("Print the version and exit"), NULL },
    { NULL },
  };
  const HyCliCommand *command = NULL;
  int status;

  set_up_process ();

  cli.prog = "halyard-cli";
  g_set_prgname (cli.prog);

  /* --json anywhere on the command line makes even option errors JSON documents. */
  for (int i = 1; i < argc && g_strcmp0 (argv[i], "--") != 0; i++)
    if (g_str_equal (argv[i], "--json"))
      cli.json = TRUE;

  /* Global options come before the command (every command accepts --data-dir and --json too);
   * parsing stops at the command. */
  context = g_option_context_new (_ ("COMMAND [ARGUMENT…]"));
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  g_option_context_set_strict_posix (context, TRUE);
  g_option_context_set_main_group (context, new_main_group (&cli, main_entries));
  g_option_context_set_summary (context, _ ("Halyard without a window: connect to HaloPSA, "
                                            "import inventory, sync, and read the events log."));
  summary = commands_summary ();
  g_option_context_set_description (context, summary);

  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      status = hy_cli_fail_usage (&cli, error->message);
      goto out;
    }

  if (version)
    {
      print_version (&cli);
      status = HY_CLI_EXIT_OK;
      goto out;
    }

  if (argc < 2)
    {
      status = hy_cli_fail_with (&cli, HY_CLI_EXIT_USAGE, "usage",
                                 _ ("No command given (see “halyard-cli --help”)"));
      goto out;
    }

  if (max_wait_s < 0 && g_getenv ("HALYARD_MAX_WAIT") != NULL)
    {
      g_autoptr (GError) bad = NULL;

      if (!parse_max_wait (g_getenv ("HALYARD_MAX_WAIT"), &max_wait_s, &bad))
        {
          /* Translators: %s explains what is wrong with the value */
          g_autofree char *message = g_strdup_printf (_ ("HALYARD_MAX_WAIT: %s"), bad->message);
          status = hy_cli_fail_with (&cli, HY_CLI_EXIT_USAGE, "usage", message);
          goto out;
        }
    }

  for (gsize i = 0; i < G_N_ELEMENTS (commands); i++)
    if (g_str_equal (argv[1], commands[i].name))
      command = &commands[i];

  if (command == NULL)
    {
      g_autofree char *message = NULL;

      /* Translators: %s is what the user typed as the command */
      message = g_strdup_printf (_ ("Unknown command “%s” (see “halyard-cli --help”)"), argv[1]);
      status = hy_cli_fail_with (&cli, HY_CLI_EXIT_USAGE, "usage", message);
      goto out;
    }

  cli.command = command->name;
  status = command->run (&cli, argc - 1, argv + 1);

  checkpoint_store (&cli);

out:
  g_free (cli.data_dir);
  return status;
}
