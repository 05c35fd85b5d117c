/* hy-sync-error.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "hy-sync"

#include "config.h"

#include "hy-sync-error.h"

/* clang-format off */
G_DEFINE_QUARK (hy-sync-error-quark, hy_sync_error)
/* clang-format on */
