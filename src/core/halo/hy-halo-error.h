/* hy-halo-error.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define HY_HALO_ERROR (hy_halo_error_quark ())

/**
 * HyHaloError:
 * @HY_HALO_ERROR_INVALID_URL: the Halo address is not a usable URL
 * @HY_HALO_ERROR_INSECURE_URL: plain http:// to a host that is not loopback
 * @HY_HALO_ERROR_UNREACHABLE: no connection to Halo (DNS, refused, timeout)
 * @HY_HALO_ERROR_TLS: the certificate of the Halo server could not be verified
 * @HY_HALO_ERROR_INVALID_CLIENT: the token endpoint refused the Client ID / secret / tenant
 * @HY_HALO_ERROR_INVALID_SCOPE: the token endpoint refused the requested scopes
 * @HY_HALO_ERROR_UNAUTHORIZED: /api refused the token even after signing in again
 * @HY_HALO_ERROR_FORBIDDEN: 403: a scope or agent permission is missing (message names it)
 * @HY_HALO_ERROR_NOT_FOUND: 404
 * @HY_HALO_ERROR_BAD_REQUEST: 400 and other 4xx: the message is Halo's own text
 * @HY_HALO_ERROR_RATE_LIMITED: 429 still answered after waiting out the window
 * @HY_HALO_ERROR_SERVER_ERROR: 5xx (or 408) still answered after the retries
 * @HY_HALO_ERROR_BAD_RESPONSE: a reply that cannot be understood (or is too large)
 * @HY_HALO_ERROR_OUTCOME_UNKNOWN: a create was sent but the connection was lost before the
 *   reply: look the record up before sending it again
 * @HY_HALO_ERROR_CANCELLED: the caller cancelled the operation
 * @HY_HALO_ERROR_UNAVAILABLE: 502, 503 or 504 still answered after the retries: Halo (or the
 *   gateway in front of it) is down or overloaded, not refusing this request
 */
typedef enum
{
  HY_HALO_ERROR_INVALID_URL,
  HY_HALO_ERROR_INSECURE_URL,
  HY_HALO_ERROR_UNREACHABLE,
  HY_HALO_ERROR_TLS,
  HY_HALO_ERROR_INVALID_CLIENT,
  HY_HALO_ERROR_INVALID_SCOPE,
  HY_HALO_ERROR_UNAUTHORIZED,
  HY_HALO_ERROR_FORBIDDEN,
  HY_HALO_ERROR_NOT_FOUND,
  HY_HALO_ERROR_BAD_REQUEST,
  HY_HALO_ERROR_RATE_LIMITED,
  HY_HALO_ERROR_SERVER_ERROR,
  HY_HALO_ERROR_BAD_RESPONSE,
  HY_HALO_ERROR_OUTCOME_UNKNOWN,
  HY_HALO_ERROR_CANCELLED,
  HY_HALO_ERROR_UNAVAILABLE,
} HyHaloError;

GQuark hy_halo_error_quark (void);

char *hy_halo_error_extract_text (const char *body, gsize len);

const char *hy_halo_scope_for_path (const char *path, gboolean write);

GError *hy_halo_error_from_status (guint status,
                                   const char *method,
                                   const char *path,
                                   const char *body,
                                   gsize len,
                                   gboolean token_request);

G_END_DECLS
