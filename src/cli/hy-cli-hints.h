/* hy-cli-hints.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

char *hy_cli_error_hint (const GError *error);

G_END_DECLS
