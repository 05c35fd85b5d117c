/* hy-cli-hints.c — what halyard-cli adds to an error of the core: the command or option that
 * fixes it. The core says what is wrong and what to do in words any front end can show; only the
 * CLI knows its own commands and options. Keyed on the error's domain and code, never on its
 * text.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "import/hy-import.h"
#include "intake/hy-intake-payload.h"
#include "linker/hy-linker.h"
#include "session/hy-session.h"
#include "store/hy-store.h"
#include "sync/hy-sync-attempt.h"
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

/* Translators: added by halyard-cli under "No status to close the ticket with" */
#define NO_CLOSE_STATUS_HINT                                                                     \
  N_ ("Run “halyard-cli refresh”, or pick the status with “halyard-cli map policy POLICY " \
      "--ticket-type ID --close-status STATUS”.")

/* Translators: added by halyard-cli under a computer linked to the wrong Halo asset, or to
 * none of several that match */
#define LINK_COMPUTER_HINT N_ ("Link it with “halyard-cli link set computer COMPUTER HALO_ID”.")

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
  { hy_sync_error_quark, HY_SYNC_ERROR_NO_CLOSE_STATUS, NO_CLOSE_STATUS_HINT },
  /* Translators: added by halyard-cli under "… is not linked to a Halo agent" */
  { hy_sync_error_quark, HY_SYNC_ERROR_UNLINKED_USER,
    N_ ("Link the technician with “halyard-cli link set user LOCAL_ID HALO_ID”, or run "
        "“halyard-cli link auto”, which links technicians by e-mail address.") },
  /* Translators: added by halyard-cli under "Halo … is not among the Halo records Halyard knows"
   * or "Halyard knows no Halo … yet" */
  { hy_linker_error_quark, HY_LINKER_ERROR_HALO_NOT_FOUND,
    N_ ("To read Halo’s records again, run “halyard-cli refresh”.") },
  /* Translators: added by halyard-cli under "The intake has no token" */
  { hy_intake_error_quark, HY_INTAKE_ERROR_NO_TOKEN,
    N_ ("Create it with “halyard-cli intake token”.") },
  /* Translators: added by halyard-cli under an error that needs Halo's settings */
  { hy_sync_error_quark, HY_SYNC_ERROR_NO_OUTCOME,
    N_ ("Run “halyard-cli refresh” to fetch them.") },
};

/* The command that fixes a stored reason (an unrouted alert's, a group's), for the hint line under
 * it and the "hint" member next to its "reason"; indexed by HyReason. */
static const char *const reason_hints[] = {
  [HY_REASON_NONE] = NULL,
  /* Translators: added by halyard-cli under "Policy … is not mapped to a Halo ticket type" */
  [HY_REASON_POLICY_NOT_MAPPED] = N_ ("Map it with “halyard-cli map policy POLICY --ticket-type "
                                      "ID”."),
  [HY_REASON_NO_CLOSE_STATUS] = NO_CLOSE_STATUS_HINT,
  /* Translators: added by halyard-cli under "… or choose the label that names computers" */
  [HY_REASON_COMPUTER_LABEL] = N_ ("Choose the label with “halyard-cli intake set "
                                   "--computer-label LABEL”."),
  /* Translators: added by halyard-cli under "… or choose the label that names policies" */
  [HY_REASON_POLICY_LABEL] = N_ ("Choose the label with “halyard-cli intake set --policy-label "
                                 "LABEL”."),
  /* Translators: added by halyard-cli under "No Halo site is known for …" */
  [HY_REASON_NO_SITE] = N_ ("Run “halyard-cli refresh”, or map the group to a site with "
                            "“halyard-cli map group GROUP --client ID --site ID”."),
  [HY_REASON_ASSET_ELSEWHERE] = LINK_COMPUTER_HINT,
  [HY_REASON_ASSET_AMBIGUOUS] = LINK_COMPUTER_HINT,
};

/* An import error's fix, in halyard-cli's options; indexed by HyImportFix. */
static const char *const import_fix_hints[] = {
  [HY_IMPORT_FIX_NONE] = NULL,
  /* Translators: added by halyard-cli under "… as a CSV file its kind of records is unknown" */
  [HY_IMPORT_FIX_GIVE_KIND] = N_ ("Give the kind with --kind KIND (companies, locations, groups, "
                                  "computers, users, policies or alerts)."),
  /* Translators: added by halyard-cli under "… is an XML inventory, which holds computers only" */
  [HY_IMPORT_FIX_KIND_COMPUTERS] = N_ ("Import it without --kind, or with --kind computers."),
  /* Translators: added by halyard-cli under "… no column was recognised as the field …" */
  [HY_IMPORT_FIX_MAP_COLUMN] = NULL, /* import_fix_hint (): it names the field */
  /* Translators: added by halyard-cli under "… lists no computers, so retiring …" */
  [HY_IMPORT_FIX_PRUNE_FULL_LIST] = N_ ("Import it without --prune, or prune with a file that "
                                        "lists every computer."),
};

/* An import error's hint: the option that fixes it, or NULL. */
static char *
import_fix_hint (const GError *error)
{
  HyImportFix fix = hy_import_error_get_fix (error);
  const char *field = hy_import_error_get_field (error);

  if (fix == HY_IMPORT_FIX_MAP_COLUMN)
    /* Translators: added by halyard-cli under "… no column was recognised as the field …"; %s is
     * that field, as the option takes it (untranslated) */
    return g_strdup_printf (_ ("Map a column to it with --columns %s=HEADER."),
                            field != NULL ? field : "FIELD");
  if (fix < G_N_ELEMENTS (import_fix_hints) && import_fix_hints[fix] != NULL)
    return g_strdup (_ (import_fix_hints[fix]));
  return NULL;
}

/**
 * hy_cli_error_hint:
 * @error: an error from any layer
 *
 * Returns: (transfer full) (nullable): the translated hint halyard-cli shows under @error: the
 *   command or option that fixes it, or %NULL when it has none
 */
char *
hy_cli_error_hint (const GError *error)
{
  g_return_val_if_fail (error != NULL, NULL);

  if (error->domain == HY_IMPORT_ERROR)
    return import_fix_hint (error);
  for (gsize i = 0; i < G_N_ELEMENTS (hints); i++)
    if (error->domain == hints[i].domain () && error->code == hints[i].code)
      return g_strdup (_ (hints[i].hint));
  return NULL;
}

/**
 * hy_cli_reason_hint:
 * @reason: what fixes a stored reason
 *
 * Returns: (nullable): the translated command that fixes it, or %NULL when none does
 */
const char *
hy_cli_reason_hint (HyReason reason)
{
  if (reason >= G_N_ELEMENTS (reason_hints) || reason_hints[reason] == NULL)
    return NULL;
  return _ (reason_hints[reason]);
}

/**
 * hy_cli_cause_hint:
 * @cause: (nullable): why a write was given up (HY_OUTBOX_CAUSE_*)
 *
 * Returns: (nullable): the translated command that sends it again, when only a retry does
 */
const char *
hy_cli_cause_hint (const char *cause)
{
  if (!hy_sync_attempt_cause_needs_retry (cause))
    return NULL;
  /* Translators: added by halyard-cli under a write given up on that only a retry sends again */
  return _ ("Retry it with “halyard-cli sync --retry-dead”.");
}
