/* hy-intake-token.h: the alert intake's bearer token, in the keyring and nowhere else
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* The libsecret schema name; items carry the attribute "data-dir" (the data directory's
 * absolute path: each data directory's service has its own token). */
#define HY_INTAKE_TOKEN_SCHEMA_NAME "io.github.halyard.Halyard.IntakeToken"

/* Where a server without a keyring (halyard-cli --no-keyring) takes the token from. */
#define HY_INTAKE_TOKEN_ENV "HALYARD_INTAKE_TOKEN"

/* Shortest token accepted from HALYARD_INTAKE_TOKEN, in characters. */
#define HY_INTAKE_TOKEN_MIN_LENGTH 32

/* Looks the token of @data_dir up (from HALYARD_INTAKE_TOKEN instead when it is set: no keyring
 * is asked then, and @rotate fails with HY_CREDENTIALS_ERROR_INVALID); with @create, makes and stores one when none is stored yet;
 * with @rotate, always replaces it with a new one. HY_CREDENTIALS_ERROR_NOT_FOUND when none is
 * stored and @create is FALSE. Free the token with hy_credentials_secret_free (). */
void hy_intake_token_get_async (const char *data_dir,
                                gboolean create,
                                gboolean rotate,
                                GCancellable *cancellable,
                                GAsyncReadyCallback callback,
                                gpointer user_data);
char *hy_intake_token_get_finish (GAsyncResult *result, GError **error);

/* A new random token: 32 bytes from the system's random source, base64url (43 characters). */
char *hy_intake_token_generate (void);

/* Compares a presented token with the expected one in time that does not depend on where they
 * differ. FALSE when either is NULL. */
gboolean hy_intake_token_equal (const char *presented, const char *expected);

G_END_DECLS
