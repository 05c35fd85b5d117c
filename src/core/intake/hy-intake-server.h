/* hy-intake-server.h: alerts over HTTP from monitoring systems (Alertmanager, webhooks)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "intake/hy-intake-payload.h"
#include "session/hy-session.h"
#include "sync/hy-sync-engine.h"

G_BEGIN_DECLS

/* Where the intake listens unless told otherwise: loopback only. */
#define HY_INTAKE_DEFAULT_ADDRESS "127.0.0.1:8642"
/* How often the reconcile reads Alertmanager's alerts, in seconds. */
#define HY_INTAKE_RECONCILE_INTERVAL 300

#define HY_TYPE_INTAKE_SERVER (hy_intake_server_get_type ())
G_DECLARE_FINAL_TYPE (HyIntakeServer, hy_intake_server, HY, INTAKE_SERVER, GObject)

/*
 * HyIntakeServer answers, on the address it listens on:
 *
 *   POST /api/v1/alerts/alertmanager  an Alertmanager webhook notification (payload version 4)
 *   POST /api/v1/alerts               Halyard's own alerts: one object or an array
 *   GET  /api/v1/health               200 {"ok": true, "version": S} (no token needed)
 *
 * Every other request needs "Authorization: Bearer TOKEN" (401 without it or with another
 * token); a body that is not JSON or not what the path takes is refused with 400 and the reason;
 * one over 1 MiB (or without a Content-Length) with 413 (411); a body not sent in full within
 * the read timeout with 408; a store that cannot write with 503. A 202 is sent only once every
 * alert of the request is committed to the store, through @engine (all or nothing: a refused
 * request stores nothing). Every refused request is recorded in the events log with its reason
 * (never the token).
 *
 * With an Alertmanager URL in the intake settings, the server also reconciles: when it starts
 * listening and every 5 minutes it reads Alertmanager's GET /api/v2/alerts, raises what fires
 * but Halyard does not know, and clears the Alertmanager alerts Halyard has open that
 * Alertmanager no longer has.
 *
 * Signals: "received" (after each request that stored alerts, and each reconcile that changed
 * something), for the views' counters.
 */
HyIntakeServer *hy_intake_server_new (HySession *session, HySyncEngine *engine);

/* The engine that records what arrives (the service replaces its recording engine by a sending
 * one once the Halo client is built). */
void hy_intake_server_set_engine (HyIntakeServer *self, HySyncEngine *engine);

/* The bearer token the senders must present (copied; the copy is wiped when replaced or
 * finalized). Needed before listening. */
void hy_intake_server_set_token (HyIntakeServer *self, const char *token);

/* Listens on @address ("HOST:PORT", "[IPv6]:PORT"; NULL: HY_INTAKE_DEFAULT_ADDRESS; port 0:
 * any free port) and starts the reconcile. HY_INTAKE_ERROR_ADDRESS when the address is not
 * valid or cannot be bound, HY_INTAKE_ERROR_NO_TOKEN without a token. */
gboolean hy_intake_server_listen (HyIntakeServer *self, const char *address, GError **error);
/* Whether @address is one the intake can be told to listen on (HOST:PORT, [IPv6]:PORT);
 * HY_INTAKE_ERROR_ADDRESS with what to give when it is not. Binding may still fail. */
gboolean hy_intake_check_address (const char *address, GError **error);
/* Stops listening (and reconciling). */
void hy_intake_server_disconnect (HyIntakeServer *self);
/* "http://127.0.0.1:8642" once listening, else NULL. */
char *hy_intake_server_get_uri (HyIntakeServer *self);

/* How long a sender may take to send a request's headers and body (default 10 s). */
void hy_intake_server_set_read_timeout (HyIntakeServer *self, guint milliseconds);
/* How often the reconcile runs (default HY_INTAKE_RECONCILE_INTERVAL seconds; 0: only when
 * listening starts). */
void hy_intake_server_set_reconcile_interval (HyIntakeServer *self, guint seconds);

/* What one reconcile did. */
typedef struct
{
  guint firing;  /* alerts Alertmanager fires (not silenced or inhibited) */
  guint raised;  /* of them, new to Halyard */
  guint cleared; /* Halyard's open Alertmanager alerts that Alertmanager no longer has */
} HyIntakeReconcile;

/* Reconciles now with the Alertmanager of the intake settings. HY_INTAKE_ERROR_FAILED when
 * there is none, when it cannot be reached, or when its answer is not its list of alerts. */
void hy_intake_server_reconcile_async (HyIntakeServer *self,
                                       GCancellable *cancellable,
                                       GAsyncReadyCallback callback,
                                       gpointer user_data);
gboolean hy_intake_server_reconcile_finish (HyIntakeServer *self,
                                            GAsyncResult *result,
                                            HyIntakeReconcile *out_reconcile,
                                            GError **error);

G_END_DECLS
