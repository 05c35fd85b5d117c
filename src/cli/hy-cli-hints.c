/* hy-cli-hints.c — what halyard-cli adds to an error of the core: the command or option that
 * fixes it. The core says what is wrong and what to do in words any front end can show; only the
 * CLI knows its own commands and options. Keyed on the error's domain and code, never on its
 * text.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "session/hy-session.h"
#include "store/hy-store.h"
#include "sync/hy-sync-error.h"

#include "hy-cli-hints.h"

typedef struct
{
  GQuark (*domain) (void);
  int code;
  const char *hint;
} Hint;

/* Translators: added by halyard-cli under an error about its database or its data directory */
#define DATA_DIR_HINT                                                               \
  N_ ("To use another data directory, run halyard-cli with --data-dir DIR (or set " \
      "HALYARD_DATA_DIR).")

static const Hint hints[] = {
  { hy_store_error_quark, HY_STORE_ERROR_CANNOT_OPEN, DATA_DIR_HINT },
  { hy_store_error_quark, HY_STORE_ERROR_NOT_HALYARD, DATA_DIR_HINT },
  { hy_store_error_quark, HY_STORE_ERROR_TOO_NEW, DATA_DIR_HINT },
  { hy_store_error_quark, HY_STORE_ERROR_READ_ONLY, DATA_DIR_HINT },
  /* Translators: added by halyard-cli under "Halyard is not connected to Halo yet" */
  { hy_session_error_quark, HY_SESSION_ERROR_NOT_CONNECTED,
    N_ ("Run “halyard-cli connect” first.") },
  { hy_sync_error_quark, HY_SYNC_ERROR_NOT_CONFIGURED, N_ ("Run “halyard-cli connect” first.") },
  { hy_sync_error_quark, HY_SYNC_ERROR_DISABLED, N_ ("Run “halyard-cli enable” first.") },
  /* Translators: added by halyard-cli under "… is not linked to a Halo agent" */
  { hy_sync_error_quark, HY_SYNC_ERROR_UNLINKED_USER,
    N_ ("Link the technician with “halyard-cli link set user LOCAL_ID HALO_ID”, or run "
        "“halyard-cli link auto”, which links technicians by e-mail address.") },
  /* Translators: added by halyard-cli under an error that needs Halo's settings */
  { hy_sync_error_quark, HY_SYNC_ERROR_NO_OUTCOME,
    N_ ("Run “halyard-cli refresh” to fetch them.") },
};

/**
 * hy_cli_error_hint:
 * @error: an error from any layer
 *
 * Returns: (nullable): the translated hint halyard-cli shows under @error: the command or option
 *   that fixes it, or %NULL when it has none
 */
const char *
hy_cli_error_hint (const GError *error)
{
  g_return_val_if_fail (error != NULL, NULL);

  for (gsize i = 0; i < G_N_ELEMENTS (hints); i++)
    if (error->domain == hints[i].domain () && error->code == hints[i].code)
      return _ (hints[i].hint);
  return NULL;
}
