/* hy-cli.h: the halyard-cli framework shared by every command group
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* Exit status, as in the CLI contract. */
typedef enum
{
  HY_CLI_EXIT_OK = 0,     /* success */
  HY_CLI_EXIT_FAILED = 1, /* an operation failed: Halo, network, keyring, store */
  HY_CLI_EXIT_USAGE = 2,  /* bad usage or bad input */
} HyCliExit;

#define HY_CLI_ERROR (hy_cli_error_quark ())

/* Errors of the CLI layer itself. */
typedef enum
{
  HY_CLI_ERROR_USAGE,         /* exit 2: wrong arguments */
  HY_CLI_ERROR_INVALID_INPUT, /* exit 2: bad input (a value, a file, stdin) */
  HY_CLI_ERROR_NOT_CONNECTED, /* exit 1: no connection profile yet */
  HY_CLI_ERROR_FAILED,        /* exit 1: anything else */
} HyCliError;

GQuark hy_cli_error_quark (void);

/**
 * HyCli:
 * @prog: the program name, for messages
 * @command: the command being run ("connect", "link", ...)
 * @data_dir: (nullable): the --data-dir option; %NULL: HALYARD_DATA_DIR or the default
 * @json: whether --json was given: one JSON document on stdout, errors as JSON on stderr
 *
 * What every command gets. Read the fields; change them only through the functions below.
 */
typedef struct
{
  const char *prog;
  const char *command;
  char *data_dir;
  gboolean json;
  /* The data directory's store, once a command opened it: checkpointed before the program
   * exits (a worker thread may hold the last reference and never close it). */
  GObject *store;
} HyCli;

/**
 * HyCliCommandFunc:
 * @cli: the CLI state (global options already applied)
 * @argc: number of arguments in @argv
 * @argv: the command's arguments; argv[0] is the command name
 *
 * Runs one command group. Parse @argv with hy_cli_parse(), do the work (hy_cli_wait() runs the
 * main loop for async calls), print with hy_cli_print_json() or g_print(), and return what
 * hy_cli_fail() / hy_cli_fail_usage() return on error, %HY_CLI_EXIT_OK on success.
 *
 * Returns: the exit status
 */
typedef int (*HyCliCommandFunc) (HyCli *cli, int argc, char **argv);

typedef struct
{
  const char *name;     /* as typed: "connect" */
  const char *summary;  /* N_() marked, one line, for --help */
  HyCliCommandFunc run; /* the command group's entry point */
} HyCliCommand;

/* Parses the command's options (the global --data-dir and --json are accepted too, and --help
 * prints the command's help and exits 0). @parameter_string describes the positional
 * arguments, e.g. "FILE" (N_() marked, may be NULL), @description an optional paragraph for
 * --help. On success, *argc / *argv hold the positional arguments with argv[0] the command.
 * On a usage error, prints it and returns FALSE with *exit_status set. */
gboolean hy_cli_parse (HyCli *cli,
                       int *argc,
                       char ***argv,
                       const GOptionEntry *entries,
                       const char *parameter_string,
                       const char *description,
                       int *exit_status);

/* Reports @error (on stderr: translated text, or {"error":{"code","message"}} with --json) and
 * returns its exit status: 2 for bad usage or input, 1 otherwise. Takes nothing over. */
int hy_cli_fail (HyCli *cli, const GError *error);

/* Reports a usage error (exit 2): @message is already translated. */
int hy_cli_fail_usage (HyCli *cli, const char *message);

/* Reports an error with an explicit exit status and --json code. */
int hy_cli_fail_with (HyCli *cli, int exit_status, const char *code, const char *message);
int hy_cli_fail_with_error (HyCli *cli, int exit_status, const char *code, const GError *error);
int hy_cli_fail_with_hint (HyCli *cli,
                           int exit_status,
                           const char *code,
                           const char *message,
                           const char *hint);

/* The stable --json "code" and the exit status of @error. */
const char *hy_cli_error_code (const GError *error);
int hy_cli_error_exit_status (const GError *error);

/* Prints @node as the command's one JSON document on stdout (UTF-8, newline-terminated). */
void hy_cli_print_json (HyCli *cli, JsonNode *node);

/* Prints a line of human output (UTF-8 as is, newline added). */
void hy_cli_print (HyCli *cli, const char *format, ...) G_GNUC_PRINTF (2, 3);

/* How long a command waits for Halo's request limit before leaving the work queued, for
 * hy_halo_client_set_max_wait () (--max-wait, $HALYARD_MAX_WAIT, 30 s by default). */
guint hy_cli_get_max_wait_ms (void);

/* Iterates the main context until *result is set by an async callback (use hy_cli_result_cb). */
GAsyncResult *hy_cli_wait (GAsyncResult **result);
void hy_cli_result_cb (GObject *source, GAsyncResult *result, gpointer user_data);

/* Reads the client secret: from stdin when @from_stdin (the first line, without its newline),
 * else from HALYARD_CLIENT_SECRET. Returns NULL with no error when neither gave one. Free with
 * hy_credentials_secret_free(). */
char *hy_cli_read_secret (HyCli *cli, gboolean from_stdin, GError **error);

/* Parses a non-negative integer argument; FALSE with an HY_CLI_ERROR_INVALID_INPUT error
 * naming @what otherwise. */
gboolean hy_cli_parse_int (const char *text, const char *what, gint64 *out, GError **error);

G_END_DECLS
