/* hy-sync-attempt.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Only attempts that reached Halo and were refused lead to giving a write up: an outage, a
 * sign-in that fails or the rate limit only make it wait, however long they last.
 */

#define G_LOG_DOMAIN "hy-sync"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "halo/hy-halo-error.h"
#include "store/hy-store-types.h"
#include "sync/hy-sync-attempt.h"
#include "sync/hy-sync-error.h"

HySyncAttempt
hy_sync_attempt_classify (const GError *error)
{
  g_return_val_if_fail (error != NULL, HY_SYNC_ATTEMPT_FAILED);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return HY_SYNC_ATTEMPT_STOPPED;
  /* The engine's own (a note whose ticket is not created yet): raised before anything is sent. */
  if (error->domain == HY_SYNC_ERROR)
    return HY_SYNC_ATTEMPT_NOT_SENT;
  /* Another layer's error (a store failure while recording the answer): the request may have
   * been sent, so it counts. */
  if (error->domain != HY_HALO_ERROR)
    return HY_SYNC_ATTEMPT_FAILED;
  switch ((HyHaloError) error->code)
    {
      case HY_HALO_ERROR_CANCELLED:
        return HY_SYNC_ATTEMPT_STOPPED;
      case HY_HALO_ERROR_INVALID_URL:
      case HY_HALO_ERROR_INSECURE_URL:
      case HY_HALO_ERROR_UNREACHABLE:
      case HY_HALO_ERROR_TLS:
      case HY_HALO_ERROR_INVALID_CLIENT:
      case HY_HALO_ERROR_INVALID_SCOPE:
      case HY_HALO_ERROR_UNAUTHORIZED:
      case HY_HALO_ERROR_RATE_LIMITED:
        return HY_SYNC_ATTEMPT_NOT_SENT;
      case HY_HALO_ERROR_FORBIDDEN:
      case HY_HALO_ERROR_NOT_FOUND:
      case HY_HALO_ERROR_BAD_REQUEST:
        return HY_SYNC_ATTEMPT_REFUSED;
      case HY_HALO_ERROR_OUTCOME_UNKNOWN:
      case HY_HALO_ERROR_UNAVAILABLE:
        return HY_SYNC_ATTEMPT_UNCERTAIN;
      case HY_HALO_ERROR_SERVER_ERROR:
      case HY_HALO_ERROR_BAD_RESPONSE:
      default:
        return HY_SYNC_ATTEMPT_FAILED;
    }
}

gboolean
hy_sync_attempt_reached_halo (const GError *error)
{
  HySyncAttempt attempt = hy_sync_attempt_classify (error);

  return attempt == HY_SYNC_ATTEMPT_REFUSED || attempt == HY_SYNC_ATTEMPT_UNCERTAIN ||
         attempt == HY_SYNC_ATTEMPT_FAILED;
}

const char *
hy_sync_attempt_cause_hint (const char *cause)
{
  if (g_strcmp0 (cause, HY_OUTBOX_CAUSE_FAILING) == 0)
    return _ ("Halo kept failing it: it is sent again by itself once Halo answers again.");
  if (g_strcmp0 (cause, HY_OUTBOX_CAUSE_REFUSED) == 0)
    return _ ("Halo refused it: fix what Halo said (a mapping, a link, a permission). It is sent "
              "again by itself when a mapping or link changes, or when you retry it.");
  if (g_strcmp0 (cause, HY_OUTBOX_CAUSE_UNROUTED) == 0)
    return _ ("Its alert has no route: map its policy and its computer’s group. It is sent again "
              "by itself when a mapping or link changes.");
  if (g_strcmp0 (cause, HY_OUTBOX_CAUSE_BLOCKED) == 0)
    return _ ("It waits for an earlier write of the same record that was given up: it is sent "
              "again with that one.");
  return _ ("It is sent again only when you retry it.");
}

gboolean
hy_sync_attempt_cause_needs_retry (const char *cause)
{
  return g_strcmp0 (cause, HY_OUTBOX_CAUSE_FAILING) != 0 &&
         g_strcmp0 (cause, HY_OUTBOX_CAUSE_UNROUTED) != 0 &&
         g_strcmp0 (cause, HY_OUTBOX_CAUSE_BLOCKED) != 0;
}
