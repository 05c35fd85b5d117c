/* hy-reason-hints.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

#include "store/hy-store-types.h"

G_BEGIN_DECLS

const char *hy_reason_window_hint (HyReason reason);
char *hy_reason_with_window_hint (const char *text, HyReason reason);

G_END_DECLS
