/* hy-sync-intake.h: alerts from monitoring systems, named by labels, into the engine
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "store/hy-store-intake.h"
#include "sync/hy-sync-engine.h"

G_BEGIN_DECLS

/* An alert as a monitoring system sends it: the computer and the policy named by what the
 * source calls them (an id or a name, any case), not yet by Halyard's ids. */
typedef struct
{
  const char *id;             /* the alert's stable id (Alertmanager: "am:" + fingerprint) */
  const char *source;         /* "alertmanager" or "api" */
  const char *computer;       /* the computer's id or name; NULL: the source named none */
  const char *computer_label; /* the label it came from, for the reason; NULL: a field */
  const char *policy;         /* the policy's id or name; NULL: the source named none */
  const char *policy_label;
  const char *summary; /* required */
  const char *details;
  const char *severity;
  const char *raised_at; /* ISO 8601; NULL: now */
  const char *labels;    /* the source's labels, a JSON object, kept while unrouted */
  gboolean resolved;     /* TRUE: the source says it cleared */
} HySyncIncoming;

/* Records @incoming: a firing alert whose computer and policy are found is raised as
 * hy_sync_engine_raise_alert () does; one whose labels match no computer or policy is kept
 * waiting (its state is "unrouted", with the reason); a resolved one is cleared (or stops
 * waiting). Writes in one transaction (nested in the caller's when there is one). Returns the
 * alert's state; for a resolved alert Halyard never knew of, *@out_known is FALSE and the
 * result says "queued" with no ticket (nothing was recorded). */
HySyncAlertResult *hy_sync_engine_receive (HySyncEngine *self,
                                           const HySyncIncoming *incoming,
                                           gboolean *out_known,
                                           GError **error);

/* Raises the waiting alerts an import made routable (their computer and policy now exist);
 * the others keep waiting with an up-to-date reason. Returns how many were routed, -1 on a
 * store error. */
gint hy_sync_engine_route_intake (HySyncEngine *self, GError **error);

G_END_DECLS
