/* hy-test.h: what every test suite shares (tests/lib): waiting on a condition with the main
 * context, halyard-sim and halyard-cli as processes, a temporary data directory.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

G_BEGIN_DECLS

/* g_test_init with isolated XDG directories, and no proxy for the loopback servers (the
 * tests' private GSettings has no proxy schema). */
void hy_test_init (int *argc, char ***argv);

/* ---- Waiting ------------------------------------------------------------------------------ */

/* How long any wait may take before the test fails, naming what it waited for. */
#define HY_TEST_WAIT_TIMEOUT_S 60

typedef gboolean (*HyTestCondition) (gpointer user_data);

void hy_test_wait_until (HyTestCondition condition, gpointer user_data, const char *what);
void hy_test_wait_until_within (HyTestCondition condition,
                                gpointer user_data,
                                guint seconds,
                                const char *what);
void hy_test_wait_until_polled (HyTestCondition condition,
                                gpointer user_data,
                                guint interval_ms,
                                const char *what);
void hy_test_wait_for_flag (gboolean *flag, const char *what);
void hy_test_wait_idle (void);

void hy_test_result_cb (GObject *source, GAsyncResult *result, gpointer user_data);
GAsyncResult *hy_test_wait_result (GAsyncResult **slot);
GAsyncResult *hy_test_wait_for (GAsyncResult **slot);

/* ---- The keyring ------------------------------------------------------------------------- */

gboolean hy_test_have_keyring (void);
gboolean hy_test_keyring_or_skip (void);

/* ---- Files -------------------------------------------------------------------------------- */

char *hy_test_make_tmp_dir (const char *tmpl);
void hy_test_remove_tree (const char *path);

JsonNode *hy_test_parse_json (const char *text, gssize length);
JsonObject *hy_test_object (JsonNode *node);

/* ---- A Halo of the test's own ------------------------------------------------------------- */

/* Adds @handler for every path to @server, listens on a free port of 127.0.0.1 (over TLS when
 * @server has a certificate) and returns its base URL, such as http://127.0.0.1:41234. */
char *hy_test_server_listen (SoupServer *server, SoupServerCallback handler, gpointer user_data);

/* ---- halyard-sim as a process ------------------------------------------------------------- */

typedef struct
{
  GSubprocess *process;
  char *url;
  SoupSession *http;
} HyTestSimProcess;

HyTestSimProcess *hy_test_sim_process_spawnv (const char *binary, const char *const *args);
#define hy_test_sim_process_spawn(binary, ...) \
  hy_test_sim_process_spawnv ((binary), (const char *const[]){ __VA_ARGS__, NULL })
void hy_test_sim_process_free (HyTestSimProcess *sim);
JsonNode *hy_test_sim_process_state (HyTestSimProcess *sim);
guint hy_test_sim_process_count (HyTestSimProcess *sim, const char *table);
void hy_test_sim_process_faults (HyTestSimProcess *sim, const char *json);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (HyTestSimProcess, hy_test_sim_process_free)

/* ---- halyard-cli as a process ------------------------------------------------------------- */

typedef struct
{
  int status;     /* the exit status */
  char *out;      /* stdout */
  char *err;      /* stderr */
  JsonNode *json; /* stdout as JSON, or NULL */
  char *code;     /* the --json error code on stderr, or NULL */
  char *message;  /* the --json error message on stderr, or NULL */
} HyTestCliRun;

/* Starts `halyard-cli --data-dir @dir --json @args…` with the demo secret in its environment,
 * English messages and no proxy; it dies with the test. */
GSubprocess *hy_test_cli_spawnv (const char *binary,
                                 const char *dir,
                                 GSubprocessFlags flags,
                                 const char *const *args);
/* Runs it to the end with @input on stdin: fills @run (cleared first). */
int hy_test_cli_runv (const char *binary,
                      const char *dir,
                      const char *input,
                      HyTestCliRun *run,
                      const char *const *args);
int hy_test_cli_run_plainv (const char *binary,
                            const char *dir,
                            HyTestCliRun *run,
                            const char *const *args);
void hy_test_cli_run_clear (HyTestCliRun *run);

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (HyTestCliRun, hy_test_cli_run_clear)
/* The same, keeping what the test looks at: stdout as JSON, the error code and stderr (each
 * replaced; NULL: not kept). Returns the exit status. */
int hy_test_cli_run_jsonv (const char *binary,
                           const char *dir,
                           JsonNode **out_json,
                           char **out_code,
                           char **out_err,
                           const char *const *args);

void hy_test_die_with_parent (gpointer user_data);

G_END_DECLS
