/* hy-cli-hints.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

#include "store/hy-store-types.h"

G_BEGIN_DECLS

char *hy_cli_error_hint (const GError *error);
const char *hy_cli_reason_hint (HyReason reason);
const char *hy_cli_cause_hint (const char *cause);

G_END_DECLS
