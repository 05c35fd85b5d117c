/* hy-halo-event.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

typedef enum
{
  HY_HALO_EVENT_INFO,
  HY_HALO_EVENT_WARNING,
  HY_HALO_EVENT_ERROR,
} HyHaloEventLevel;

/**
 * HyHaloEvent:
 * @time: when the request was sent (wall clock, µs since the epoch)
 * @level: %HY_HALO_EVENT_WARNING for anomalies (totals that do not add up, ignored filters,
 *   a 429 waited out, a retry), %HY_HALO_EVENT_ERROR when the request failed
 * @method: "GET", "POST"; "LIST" for list-level warnings
 * @path: the path and query below the base URL ("/api/Client?pageinate=true&…")
 * @status: the HTTP status, 0 when there was no answer
 * @duration_ms: how long the request took
 * @request_body: (nullable): the body sent, redacted and truncated to 8 KiB
 * @response_body: (nullable): the body received, redacted and truncated to 8 KiB
 * @error: (nullable): the (translated) error message, or the warning
 * @record: (nullable): the tag the caller gave the call, e.g. "computer:pc1"
 *
 * What the "request-finished" signal of #HyHaloClient reports, for every HTTP request
 * (token requests included). Secrets never appear: no Authorization header, no tokens
 * (also not inside JSON bodies), no client secret; the token request body is replaced by
 * a redacted form. Read-only for callers.
 */
typedef struct
{
  gint64 time;
  HyHaloEventLevel level;
  char *method;
  char *path;
  guint status;
  guint duration_ms;
  char *request_body;
  char *response_body;
  char *error;
  char *record;
} HyHaloEvent;

#define HY_HALO_EVENT_BODY_MAX 8192

#define HY_TYPE_HALO_EVENT (hy_halo_event_get_type ())

GType hy_halo_event_get_type (void) G_GNUC_CONST;
HyHaloEvent *hy_halo_event_new (void);
HyHaloEvent *hy_halo_event_copy (const HyHaloEvent *self);
void hy_halo_event_free (HyHaloEvent *self);

char *hy_halo_redact_body (const char *body, gsize len, const char *const *secrets);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (HyHaloEvent, hy_halo_event_free)

G_END_DECLS
