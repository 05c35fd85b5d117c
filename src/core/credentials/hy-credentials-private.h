/* hy-credentials-private.h: shared by the credentials component's files
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "hy-credentials.h"

G_BEGIN_DECLS

/* A libsecret or D-Bus error as an HY_CREDENTIALS_ERROR the technician can act on. */
GError *_hy_credentials_translate_error (const GError *error);
/* Why storing a secret failed: @error is secret_password_store_finish ()'s, NULL when a prompt
 * to unlock or create the keyring was dismissed. */
GError *_hy_credentials_store_error (const GError *error);

G_END_DECLS
