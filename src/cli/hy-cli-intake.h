/* hy-cli-intake.h: the intake's part of `status`
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "store/hy-store.h"

#include "hy-cli.h"

G_BEGIN_DECLS

/* Adds "unrouted_alerts" ([{"alert", "summary", "computer", "policy", "reason", "labels"}]) and
 * "intake" ({"received_today", "last": {"alert", "summary", "time"} | null,
 * "alertmanager_url"}) to the `status` document being built. */
gboolean hy_cli_intake_status_json (HyStore *store, JsonBuilder *builder, GError **error);
/* Prints the unrouted alerts with their reasons, and what the intake received today. */
gboolean hy_cli_intake_status_print (HyCli *cli, HyStore *store, GError **error);

G_END_DECLS
