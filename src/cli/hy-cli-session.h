/* hy-cli-session.h: opening the session of the data directory, for the commands
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "session/hy-session.h"

#include "hy-cli.h"

G_BEGIN_DECLS

/* Opens the session of --data-dir (or the default). When HALYARD_CLIENT_SECRET is set, the
 * secret is handed over in memory, so commands work on machines without a keyring. On error,
 * reports it and returns NULL with *exit_status set. */
HySession *hy_cli_open_session (HyCli *cli, int *exit_status);

/* Waits for the session's Halo client; on error reports it and returns NULL with *exit_status
 * set. */
HyHaloClient *hy_cli_get_client (HyCli *cli, HySession *session, int *exit_status);

G_END_DECLS
