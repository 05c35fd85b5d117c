/* hy-halo-url.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

char *hy_halo_normalize_url (const char *input, GError **error);

gboolean hy_halo_host_is_loopback (const char *host);

G_END_DECLS
