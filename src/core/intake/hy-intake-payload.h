/* hy-intake-payload.h: the alert formats the intake takes, read into HySyncIncoming
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "store/hy-store-intake.h"
#include "sync/hy-sync-intake.h"

G_BEGIN_DECLS

#define HY_INTAKE_ERROR (hy_intake_error_quark ())

/**
 * HyIntakeError:
 * @HY_INTAKE_ERROR_INVALID: the body is not JSON, or not what the path takes (HTTP 400)
 * @HY_INTAKE_ERROR_TOO_LARGE: the body is larger than the limit (HTTP 413)
 * @HY_INTAKE_ERROR_UNAUTHORIZED: no token, or a wrong one (HTTP 401)
 * @HY_INTAKE_ERROR_NO_TOKEN: no intake token is stored yet, or none could be read
 * @HY_INTAKE_ERROR_ADDRESS: the listen address is not ADDRESS:PORT, or cannot be bound
 * @HY_INTAKE_ERROR_FAILED: anything else (Alertmanager unreachable for the reconcile, ...)
 */
typedef enum
{
  HY_INTAKE_ERROR_INVALID,
  HY_INTAKE_ERROR_TOO_LARGE,
  HY_INTAKE_ERROR_UNAUTHORIZED,
  HY_INTAKE_ERROR_NO_TOKEN,
  HY_INTAKE_ERROR_ADDRESS,
  HY_INTAKE_ERROR_FAILED,
} HyIntakeError;

GQuark hy_intake_error_quark (void);

/* The largest body the intake reads: 1 MiB. */
#define HY_INTAKE_MAX_BODY (1024 * 1024)
/* The deepest JSON nesting it parses (an Alertmanager payload is 4 deep). */
#define HY_INTAKE_MAX_DEPTH 32
/* The longest label name or value it keeps, in characters. */
#define HY_INTAKE_MAX_LABEL 1024

/* The prefix of Alertmanager alerts' ids: "am:" + fingerprint. */
#define HY_INTAKE_ALERTMANAGER_PREFIX "am:"

/* One alert read from a payload (it owns the strings HySyncIncoming points to). */
typedef struct
{
  char *id;
  char *source;
  char *computer;
  char *computer_label;
  char *policy;
  char *policy_label;
  char *summary;
  char *details;
  char *severity;
  char *raised_at;
  char *labels;
  gboolean resolved;
  gboolean suppressed; /* Alertmanager API: silenced or inhibited */
} HyIntakeAlert;

void hy_intake_alert_free (HyIntakeAlert *alert);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HyIntakeAlert, hy_intake_alert_free)
/* A view of @alert for hy_sync_engine_receive () (valid while @alert lives). */
void hy_intake_alert_to_incoming (const HyIntakeAlert *alert, HySyncIncoming *out);

/* FALSE with an HY_INTAKE_ERROR_INVALID error when @data nests arrays and objects deeper than
 * @max_depth (checked before any parser builds a tree of it). */

/* A Prometheus Alertmanager webhook notification (payload version 4): one HyIntakeAlert per
 * alert in it, the computer and policy taken from the labels @settings names. The whole payload
 * is checked first: any problem fails it (HY_INTAKE_ERROR_INVALID, saying where). */
GPtrArray *hy_intake_parse_alertmanager (const char *data,
                                         gsize length,
                                         const HyIntakeInfo *settings,
                                         GError **error);
/* Alertmanager's GET /api/v2/alerts answer (for the reconcile): the same, with suppressed set
 * for silenced and inhibited alerts. */
GPtrArray *hy_intake_parse_alertmanager_list (const char *data,
                                              gsize length,
                                              const HyIntakeInfo *settings,
                                              GError **error);
/* Halyard's own format: one object or an array of {"id", "computer", "policy", "summary",
 * "details"?, "severity"?, "status": "firing" | "resolved"}. */
GPtrArray *hy_intake_parse_halyard (const char *data, gsize length, GError **error);

G_END_DECLS
