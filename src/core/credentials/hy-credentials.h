/* hy-credentials.h: the Halo client secret in the system keyring, and nowhere else
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define HY_CREDENTIALS_ERROR (hy_credentials_error_quark ())

/**
 * HyCredentialsError:
 * @HY_CREDENTIALS_ERROR_NO_KEYRING: no Secret Service is running or can be started
 * @HY_CREDENTIALS_ERROR_LOCKED: the keyring is locked and could not be unlocked
 * @HY_CREDENTIALS_ERROR_NOT_FOUND: no secret is stored for this URL and client id
 * @HY_CREDENTIALS_ERROR_INVALID: the URL, client id or secret is empty or not valid
 * @HY_CREDENTIALS_ERROR_FAILED: the keyring refused the operation for another reason
 */
typedef enum
{
  HY_CREDENTIALS_ERROR_NO_KEYRING,
  HY_CREDENTIALS_ERROR_LOCKED,
  HY_CREDENTIALS_ERROR_NOT_FOUND,
  HY_CREDENTIALS_ERROR_INVALID,
  HY_CREDENTIALS_ERROR_FAILED,
} HyCredentialsError;

/* The libsecret schema name; items carry the attributes "url" and "client-id". */
#define HY_CREDENTIALS_SCHEMA_NAME "io.github.halyard.Halyard.ClientSecret"

GQuark hy_credentials_error_quark (void);

char *hy_credentials_normalize_url (const char *url);

/* Stores the secret, replacing any secret already stored for the same URL and client id. */
void hy_credentials_store_async (const char *url,
                                 const char *client_id,
                                 const char *secret,
                                 GCancellable *cancellable,
                                 GAsyncReadyCallback callback,
                                 gpointer user_data);
gboolean hy_credentials_store_finish (GAsyncResult *result, GError **error);

/* Looks the secret up. Fails with HY_CREDENTIALS_ERROR_NOT_FOUND when none is stored. Free the
 * result with hy_credentials_secret_free(), which wipes it. */
void hy_credentials_lookup_async (const char *url,
                                  const char *client_id,
                                  GCancellable *cancellable,
                                  GAsyncReadyCallback callback,
                                  gpointer user_data);
char *hy_credentials_lookup_finish (GAsyncResult *result, GError **error);

/* Removes the secret. Succeeds (with *removed FALSE) when none was stored. */
void hy_credentials_clear_async (const char *url,
                                 const char *client_id,
                                 GCancellable *cancellable,
                                 GAsyncReadyCallback callback,
                                 gpointer user_data);
gboolean hy_credentials_clear_finish (GAsyncResult *result, gboolean *removed, GError **error);

/* Overwrites the secret's bytes with zeroes, then frees it. NULL is allowed. */
void hy_credentials_secret_free (char *secret);

G_END_DECLS
