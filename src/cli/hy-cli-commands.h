/* hy-cli-commands.h: the entry points of the command groups (see the table in hy-cli.c)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "service/hy-service.h"
#include "session/hy-session.h"

#include "hy-cli.h"

G_BEGIN_DECLS

/* hy-cli-connect.c */
int hy_cli_connect (HyCli *cli, int argc, char **argv);
int hy_cli_test (HyCli *cli, int argc, char **argv);
/* hy-cli-test-ticket.c: `test --ticket` (0 ids: the defaults) */
int hy_cli_test_ticket (HyCli *cli, HySession *session, gint64 client_id, gint64 ticket_type_id);
/* hy-cli-import.c */
int hy_cli_import (HyCli *cli, int argc, char **argv);
/* hy-cli-refresh.c */
int hy_cli_refresh (HyCli *cli, int argc, char **argv);
/* hy-cli-rename.c */
int hy_cli_rename (HyCli *cli, int argc, char **argv);
/* hy-cli-status.c */
int hy_cli_status (HyCli *cli, int argc, char **argv);
int hy_cli_events (HyCli *cli, int argc, char **argv);
/* hy-cli-link.c */
int hy_cli_link (HyCli *cli, int argc, char **argv);
int hy_cli_links (HyCli *cli, int argc, char **argv);
int hy_cli_map (HyCli *cli, int argc, char **argv);
int hy_cli_unmap (HyCli *cli, int argc, char **argv);
/* hy-cli-maintenance.c */
int hy_cli_maintenance (HyCli *cli, int argc, char **argv);
/* hy-cli-sync.c */
int hy_cli_enable (HyCli *cli, int argc, char **argv);
int hy_cli_disable (HyCli *cli, int argc, char **argv);
int hy_cli_sync (HyCli *cli, int argc, char **argv);
int hy_cli_alert (HyCli *cli, int argc, char **argv);
int hy_cli_action (HyCli *cli, int argc, char **argv);
/* hy-cli-intake.c */
int hy_cli_intake (HyCli *cli, int argc, char **argv);
/* hy-cli-serve.c */
int hy_cli_serve (HyCli *cli, int argc, char **argv);
/* Runs a full sync (@full) or a delivery as the data directory's deliverer, then delivers what
 * other processes queued meanwhile. When another live process delivers, runs nothing: TRUE
 * with *@out_holder set (the work is queued; a full sync is asked of that process). */
gboolean hy_cli_run_as_deliverer (HySession *session,
                                  const char *command,
                                  gboolean full,
                                  gboolean dry_run,
                                  HySyncReport **out_report,
                                  HyLeaseHolder **out_holder,
                                  GError **error);
/* {"state": "queued", "deliverer": {"pid", "host", "command"}}, or a sentence naming it. */
void hy_cli_print_queued (HyCli *cli, const HyLeaseHolder *holder);

G_END_DECLS
