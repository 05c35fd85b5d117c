/* hy-preflight.h: does the Halo connection give Halyard what it needs?
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "halo/hy-halo-client.h"

G_BEGIN_DECLS

typedef enum
{
  HY_PREFLIGHT_PASSED,   /* proven to work */
  HY_PREFLIGHT_FAILED,   /* proven not to work: the fix says what to change in Halo */
  HY_PREFLIGHT_UNPROVEN, /* could not be proven without side effects, or not checked because
                          * an earlier check failed: the message says what would prove it */
} HyPreflightStatus;

/* "passed", "failed", "unproven" (the CLI `test --json` words). */
const char *hy_preflight_status_to_string (HyPreflightStatus status);

/* The checks, in the order they run and are listed. */
typedef enum
{
  HY_PREFLIGHT_CHECK_URL,               /* "url": the URL answers and is a Halo */
  HY_PREFLIGHT_CHECK_TOKEN,             /* "token": Client ID, secret, tenant, scopes */
  HY_PREFLIGHT_CHECK_AGENT,             /* "agent": the agent Halyard logs in as (Agent/me) */
  HY_PREFLIGHT_CHECK_READ_CLIENTS,      /* "read_clients" */
  HY_PREFLIGHT_CHECK_READ_SITES,        /* "read_sites" */
  HY_PREFLIGHT_CHECK_READ_ASSETS,       /* "read_assets" */
  HY_PREFLIGHT_CHECK_READ_AGENTS,       /* "read_agents" */
  HY_PREFLIGHT_CHECK_READ_TICKET_TYPES, /* "read_ticket_types" */
  HY_PREFLIGHT_CHECK_WRITE_ASSETS,      /* "write_assets" */
  HY_PREFLIGHT_CHECK_WRITE_TICKETS,     /* "write_tickets" */
  HY_PREFLIGHT_N_CHECKS,
} HyPreflightCheckId;

/* The stable id of a check ("url", "token", ...). */
const char *hy_preflight_check_id_to_string (HyPreflightCheckId id);

/**
 * HyPreflightCheck:
 * @id: which check
 * @status: its outcome
 * @message: what was found, translated
 * @fix: (nullable): on failure, what to change, in Halo's own terms and menu paths; on an
 *   unproven check, what would prove it; %NULL when passed
 * @reason: on failure, why, as a code a view can act on
 */
/* Why a check failed, for a view to act on (which row to mark) without reading the message. */
typedef enum
{
  HY_PREFLIGHT_REASON_NONE,           /* passed, unproven, or a failure with no finer reason */
  HY_PREFLIGHT_REASON_UNREACHABLE,    /* nothing answered at the address (or TLS failed) */
  HY_PREFLIGHT_REASON_NOT_HALO,       /* something answered, but not like a Halo instance */
  HY_PREFLIGHT_REASON_INVALID_CLIENT, /* Halo refused the Client ID, the secret or the tenant */
  HY_PREFLIGHT_REASON_INVALID_SCOPE,  /* Halo refused the scopes Halyard asked for */
} HyPreflightReason;

typedef struct
{
  HyPreflightCheckId id;
  HyPreflightStatus status;
  char *message;
  char *fix;
  HyPreflightReason reason;
} HyPreflightCheck;

#define HY_TYPE_PREFLIGHT_RESULT (hy_preflight_result_get_type ())
G_DECLARE_FINAL_TYPE (HyPreflightResult, hy_preflight_result, HY, PREFLIGHT_RESULT, GObject)

/* Every check, in order (HY_PREFLIGHT_N_CHECKS of them). */
guint hy_preflight_result_get_n_checks (HyPreflightResult *self);
const HyPreflightCheck *hy_preflight_result_get_check (HyPreflightResult *self, guint index);
const HyPreflightCheck *hy_preflight_result_lookup (HyPreflightResult *self, HyPreflightCheckId id);
/* TRUE when no check failed (unproven checks do not make it fail). */
gboolean hy_preflight_result_get_ok (HyPreflightResult *self);
/* TRUE when Halo answered and accepted the credentials ("url" and "token" passed): a
 * connection that does not sign in is not worth saving. */
gboolean hy_preflight_result_signs_in (HyPreflightResult *self);
/* The agent Halyard logs in as; 0 / NULL when unknown. */
gint64 hy_preflight_result_get_agent_id (HyPreflightResult *self);
const char *hy_preflight_result_get_agent_name (HyPreflightResult *self);
/* The scopes the token response granted, NULL when Halo did not say. */
const char *hy_preflight_result_get_granted_scopes (HyPreflightResult *self);
/* The CLI `connect` / `test` document: {"ok", "agent": {"id","name"} | null, "checks": [...]} */
JsonNode *hy_preflight_result_to_json (HyPreflightResult *self);

/* Makes @client remember the scopes of every token it gets, so that a later pre-flight on the
 * same, already signed-in client still knows them (HySession does this for its clients). */
void hy_preflight_observe_client (HyHaloClient *client);

/* Runs every check against @client (a handful of small read requests, no writes). Halo's
 * failures become failed checks, not errors: the call fails only when cancelled. */
void hy_preflight_run_async (HyHaloClient *client,
                             GCancellable *cancellable,
                             GAsyncReadyCallback callback,
                             gpointer user_data);
HyPreflightResult *hy_preflight_run_finish (GAsyncResult *result, GError **error);

G_END_DECLS
