/* hy-sync-attempt.h: what a failed Halo request means for the outbox item it carried (pure)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/**
 * HySyncAttempt:
 * @HY_SYNC_ATTEMPT_STOPPED: the run was stopped (cancelled); the request may have been sent
 * @HY_SYNC_ATTEMPT_NOT_SENT: nothing reached Halo: no network, DNS, refused connection, TLS, no
 *   token (the sign-in failed), the rate limit. Waiting is not an attempt: never given up.
 * @HY_SYNC_ATTEMPT_REFUSED: Halo answered and refused what was sent (400, 403, 404): sending it
 *   again unchanged cannot help; given up at once.
 * @HY_SYNC_ATTEMPT_UNCERTAIN: the request may have reached Halo but nothing says Halo refused
 *   it (the connection was lost after a create was sent; Halo unavailable): counted for the
 *   look-up before a create is sent again, but like a wait never given up
 * @HY_SYNC_ATTEMPT_FAILED: Halo answered with a failure of its own (500, an unreadable answer):
 *   an attempt, given up after HY_SYNC_MAX_ATTEMPTS of them (and queued again by itself once
 *   Halo answers again).
 */
typedef enum
{
  HY_SYNC_ATTEMPT_STOPPED,
  HY_SYNC_ATTEMPT_NOT_SENT,
  HY_SYNC_ATTEMPT_REFUSED,
  HY_SYNC_ATTEMPT_UNCERTAIN,
  HY_SYNC_ATTEMPT_FAILED,
} HySyncAttempt;

HySyncAttempt hy_sync_attempt_classify (const GError *error);

/* TRUE when the request that failed with @error reached (or may have reached) Halo: a create
 * is looked up before it is sent again. Only REFUSED and FAILED lead to giving up. */
gboolean hy_sync_attempt_reached_halo (const GError *error);

/* What brings back a write given up for @cause (HY_OUTBOX_CAUSE_*, NULL for an older one):
 * a translated sentence for the technician. */
const char *hy_sync_attempt_cause_hint (const char *cause);
/* Whether a retry by hand is what brings back a write given up for @cause (a refusal, an invalid
 * write, an older one), for a front end to name its retry control. */
gboolean hy_sync_attempt_cause_needs_retry (const char *cause);

G_END_DECLS
