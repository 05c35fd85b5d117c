/* hy-sim.h — halyard-sim: a HaloPSA simulator on loopback, for tests, benchmarks and the demo
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define HY_SIM_ERROR (hy_sim_error_quark ())

typedef enum
{
  HY_SIM_ERROR_INVALID_SEED,
  HY_SIM_ERROR_LISTEN,
  HY_SIM_ERROR_RUNNING,
} HySimError;

GQuark hy_sim_error_quark (void);

typedef struct
{
  guint clients;           /* default 20 */
  guint sites_per_client;  /* default 2 */
  guint assets_per_client; /* default 10 */
  guint agents;            /* default 5 (one of them API-only) */
  guint32 seed;            /* deterministic output for the same seed */
} HySimGenerateOptions;

/* Fills @options with the defaults above (seed 1). */
void hy_sim_generate_options_init (HySimGenerateOptions *options);

#define HY_TYPE_SIM (hy_sim_get_type ())
G_DECLARE_FINAL_TYPE (HySim, hy_sim, HY, SIM, GObject)

HySim *hy_sim_new (void);

/* Seeding (before or after start; thread-safe). Loading or generating replaces every record. */
gboolean hy_sim_load_seed_file (HySim *self, const char *path, GError **error);
gboolean hy_sim_load_seed_json (HySim *self, const char *json, gssize len, GError **error);
/* @options may be NULL for the defaults. */
void hy_sim_generate (HySim *self, const HySimGenerateOptions *options);

/* Credentials the sim accepts (defaults: "halyard-demo", "demo-secret", tenant "demo"). */
void hy_sim_set_credentials (HySim *self,
                             const char *client_id,
                             const char *client_secret,
                             const char *tenant);
void hy_sim_set_granted_scopes (HySim *self, const char *space_separated_scopes);
void hy_sim_set_require_tenant (HySim *self, gboolean require);

/* Serving: 127.0.0.1 only, port 0 = any free port, in its own thread and GMainContext.
 * hy_sim_start () returns once listening; hy_sim_stop () joins the thread (idempotent, also
 * called on dispose); the sim can be started again after a stop. */
gboolean hy_sim_start (HySim *self, guint16 port, GError **error);
const char *hy_sim_get_base_url (HySim *self);
guint16 hy_sim_get_port (HySim *self);
void hy_sim_stop (HySim *self);

/* Time: tokens expire and the rate window rolls on this clock (monotonic µs). */
typedef gint64 (*HySimClockFunc) (gpointer user_data);
void hy_sim_set_clock (HySim *self, HySimClockFunc clock, gpointer user_data);

/* Faults (thread-safe, effective immediately) */
void
hy_sim_set_rate_limit (HySim *self, guint max_requests, guint window_ms, gboolean send_retry_after);
void hy_sim_set_latency (HySim *self, guint ms);
void hy_sim_set_server_errors (HySim *self, double fraction, guint32 seed);
void hy_sim_fail_next (HySim *self, guint count, guint status);
void hy_sim_drop_after_commit (HySim *self, guint next_n_writes);
/* Every Nth POST that creates a record is saved, then answered with @status (500, 502, 503):
 * Halo, or a proxy in front of it, failing after the commit. 0 turns it off. */
void hy_sim_set_error_after_commit (HySim *self, guint every, guint status);
void hy_sim_set_token_lifetime (HySim *self, guint seconds);
void hy_sim_revoke_tokens (HySim *self);
void hy_sim_set_page_cap (HySim *self, guint cap);
/* Some tenants serve assets in pages of 50 (HALO-API §11): a lower cap for Asset lists (0: the
 * page cap). */
void hy_sim_set_asset_page_cap (HySim *self, guint cap);
void hy_sim_set_down (HySim *self, gboolean down);
/* A multi-item POST answers with the last record only even with ?returnall=true (HALO-API §2:
 * whether Halo honours returnall is uncertain). */
void hy_sim_set_ignore_returnall (HySim *self, gboolean ignore);
/* A technician working a ticket in Halo's own window: an action as @agent_id (also
 * `POST /_sim/agent-action`). Returns the action's id, 0 with @error when the ticket or the
 * agent does not exist. */
gint64 hy_sim_add_agent_action (HySim *self,
                                gint64 ticket_id,
                                gint64 agent_id,
                                const char *note,
                                double hours,
                                GError **error);

/**
 * HySimLenient:
 * @HY_SIM_LENIENT_NONE: Halo as harsh as HALO-API.md allows (the default)
 * @HY_SIM_LENIENT_WHO_AGENTID: actions are recorded as the agent `who_agentid` names (by
 *   default the application's login agent is recorded whatever is sent: HALO-API §11 [?])
 *
 * Where HALO-API.md marks a fact uncertain, the simulator does the harsher thing; each flag
 * makes it do the friendlier one instead (src/sim/README.md, "Harsher by default").
 */
typedef enum
{
  HY_SIM_LENIENT_NONE = 0,
  HY_SIM_LENIENT_WHO_AGENTID = 1 << 0,
} HySimLenient;

void hy_sim_set_lenient (HySim *self, HySimLenient flags);
/* "who_agentid,…" (commas or spaces; empty: none) → flags; FALSE with @error on an unknown name */
gboolean hy_sim_lenient_parse (const char *text, HySimLenient *out, GError **error);

/* Inspection. hy_sim_dump_state () returns a deep copy (transfer full) of GET /_sim/state. The
 * request counts cover /api and /auth requests (and unknown paths), not /_sim control requests;
 * path_prefix_ci is compared case-insensitively, method NULL matches any method. */
JsonNode *hy_sim_dump_state (HySim *self);
guint hy_sim_get_request_count (HySim *self);
guint hy_sim_count_requests (HySim *self, const char *method, const char *path_prefix_ci);
/* The bodies of the /api writes (POST, DELETE) received since the counters were reset, oldest
 * first, as they arrived (char *). */
GPtrArray *hy_sim_get_request_bodies (HySim *self, const char *method, const char *path_prefix_ci);
void hy_sim_reset_counters (HySim *self);

G_END_DECLS
