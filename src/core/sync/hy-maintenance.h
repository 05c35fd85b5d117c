/* hy-maintenance.h: maintenance windows: reading the times a technician types, and which
 * alerts a window holds
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "store/hy-store-lifecycle.h"
#include "store/hy-store.h"

G_BEGIN_DECLS

/* Reads a time as a technician types it: ISO 8601 (with a zone, or local time without one),
 * local "YYYY-MM-DD HH:MM[:SS]" or "YYYY-MM-DD" (midnight), "now" (@now), or "+DURATION" after
 * @base (or @now when @base is 0): "+90m", "+2h", "+1d", "+1h30m". @what names the option in
 * the error (G_IO_ERROR_INVALID_ARGUMENT, translated, with an example). *@out: Unix seconds. */
gboolean hy_maintenance_parse_time (const char *text,
                                    const char *what,
                                    gint64 now,
                                    gint64 base,
                                    gint64 *out,
                                    GError **error);

/* The end of the maintenance window that holds the computer's alerts at @now (its group or a
 * parent group is in maintenance), 0 when none does. */
gint64
hy_maintenance_holds_computer (HyStore *store, const char *computer_id, gint64 now, GError **error);

G_END_DECLS
