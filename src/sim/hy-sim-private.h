/* hy-sim-private.h — the simulator's record store and generator, and the server's state and
 * helpers, shared by its own files
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <libsoup/soup.h>

#include "hy-sim.h"

G_BEGIN_DECLS

typedef enum
{
  HY_SIM_TABLE_CLIENTS,
  HY_SIM_TABLE_SITES,
  HY_SIM_TABLE_ASSETS,
  HY_SIM_TABLE_AGENTS,
  HY_SIM_TABLE_TICKETS,
  HY_SIM_TABLE_ACTIONS,
  HY_SIM_TABLE_USERS,
  HY_SIM_TABLE_TICKET_TYPES,
  HY_SIM_TABLE_STATUSES,
  HY_SIM_TABLE_OUTCOMES,
  HY_SIM_TABLE_ASSET_TYPES,
  HY_SIM_TABLE_TEAMS,
  HY_SIM_TABLE_PRIORITIES,
  HY_SIM_N_TABLES
} HySimTable;

/* Which scope family gates an endpoint. */
typedef enum
{
  HY_SIM_SCOPE_CUSTOMERS,
  HY_SIM_SCOPE_ASSETS,
  HY_SIM_SCOPE_TICKETS,
  HY_SIM_SCOPE_ADMIN,
} HySimScope;

typedef struct
{
  const char *state_key; /* key in /_sim/state and seed files */
  const char *path;      /* lower-case API path segment */
  const char *list_key;  /* wrapper key of the list, NULL for a bare array */
  const char *label;     /* entity name in messages */
  gint64 first_id;       /* first id handed out in an empty table */
  HySimScope scope;
} HySimTableInfo;

extern const HySimTableInfo hy_sim_tables[HY_SIM_N_TABLES];

/* Halo's system status Closed: the same id in every tenant (HALO-API §11); statuses carry no
 * "closed" member, so this id is what closes a ticket in the simulator. */
#define HY_SIM_STATUS_CLOSED 9

typedef struct
{
  GPtrArray *rows;   /* JsonObject*, in id order of creation */
  GHashTable *by_id; /* GUINT_TO_POINTER (id) → JsonObject* (borrowed from rows) */
  gint64 next_id;
} HySimRows;

typedef struct
{
  HySimRows tables[HY_SIM_N_TABLES];
  gint64 app_agent_id;  /* the application's "Agent to log in as" */
  HySimLenient lenient; /* friendlier than Halo where HALO-API.md is uncertain */
  guint64 generation;   /* bumped by every change, so list results can be cached */
} HySimStore;

/* Errors of a POST: the HTTP status is chosen by the caller from the code. */
#define HY_SIM_POST_ERROR (hy_sim_post_error_quark ())
typedef enum
{
  HY_SIM_POST_ERROR_INVALID,   /* 400, a validation message */
  HY_SIM_POST_ERROR_NOT_FOUND, /* 400 "404-style": an id to update does not exist */
  HY_SIM_POST_ERROR_CAB,       /* 400 CODE:APP03/2 */
  HY_SIM_POST_ERROR_OUTCOME,   /* 400 "An Outcome must be entered for this Action" */
} HySimPostError;
GQuark hy_sim_post_error_quark (void);

HySimStore *hy_sim_store_new (void);
void hy_sim_store_free (HySimStore *store);
void hy_sim_store_clear (HySimStore *store);
/* Adds the configuration tables (ticket types, statuses, outcomes, asset types, teams) and an
 * API-only agent where they are empty, and picks the application agent. */
void hy_sim_store_ensure_defaults (HySimStore *store);

JsonObject *hy_sim_store_lookup (HySimStore *store, HySimTable table, gint64 id);
/* Takes ownership of @row; assigns the next id when @row has none. Returns @row. */
JsonObject *hy_sim_store_insert (HySimStore *store, HySimTable table, JsonObject *row);
/* Removes a row; FALSE when there is none with @id. */
gboolean hy_sim_store_delete (HySimStore *store, HySimTable table, gint64 id);
gboolean hy_sim_store_load (HySimStore *store, JsonNode *root, GError **error);
/* The /_sim/state document (without "requests"), a deep copy. */
JsonObject *hy_sim_store_dump (HySimStore *store);

/* POST /api/<table>: creates or updates every item, all or nothing. Returns the last saved row
 * (a new reference) or NULL with @error set in HY_SIM_POST_ERROR; @all_saved, when not NULL,
 * receives every saved row (for ?returnall=true). */
JsonObject *hy_sim_store_post (HySimStore *store,
                               HySimTable table,
                               JsonArray *items,
                               GPtrArray **all_saved,
                               GError **error);

/* Reads an integer member that may come as 12 or "12" (not 12.5 or 12.0, which Halo refuses).
 * Returns FALSE with @error when malformed; *present says whether it was there and non-null. */
gboolean hy_sim_read_id (JsonObject *object,
                         const char *member,
                         gint64 *out,
                         gboolean *present,
                         GError **error);
gint64 hy_sim_row_id (JsonObject *row);
const char *hy_sim_row_string (JsonObject *row, const char *member);
gboolean hy_sim_row_bool (JsonObject *row, const char *member);
gint64 hy_sim_row_int (JsonObject *row, const char *member);
char *hy_sim_now_iso8601 (void);

/* GET /AssetType/{id}?includedetails=true: the type's fields (field_id, field_name, …) */
JsonArray *hy_sim_asset_type_fields (void);
/* The name of the shared asset "info" field @id, or NULL */
const char *hy_sim_asset_field_name (gint64 id);
/* Copies the members of @src into @dst in their order (JsonObjectIter follows hash order). */
void hy_sim_copy_members (JsonObject *dst, JsonObject *src, const char *skip1, const char *skip2);
gboolean hy_sim_string_is_blank (const char *text);
/* Puts @row in place of the table's row of the same id, at its position */
void hy_sim_store_replace (HySimStore *store, HySimTable table, JsonObject *row);

/* hy-sim-seed.c */
void hy_sim_store_generate (HySimStore *store, const HySimGenerateOptions *options);

/* ------------------------------------------------------------------------------------------ */
/* The server (hy-sim.c and the files it is split over)                                       */
/* ------------------------------------------------------------------------------------------ */

typedef struct
{
  gint64 expires_at; /* monotonic µs */
  char **scopes;
} HySimToken;

struct _HySim
{
  GObject parent_instance;

  GMutex mutex;
  HySimStore *store;

  char *client_id;
  char *client_secret;
  char *tenant;
  gboolean require_tenant;
  char **granted_scopes;

  GHashTable *tokens; /* access token → HySimToken */
  guint token_lifetime;

  guint rate_max;
  guint rate_window_ms;
  gboolean rate_retry_after;
  GQueue rate_times; /* gint64* monotonic µs of counted requests, oldest first */
  guint latency_ms;
  double server_error_fraction;
  GRand *server_error_rand;
  guint fail_next_count;
  guint fail_next_status;
  guint drop_writes;
  guint error_after_commit_every; /* 0: off */
  guint error_after_commit_status;
  guint committed_creates;
  guint page_cap;
  guint asset_page_cap; /* 0: the page cap */
  gboolean down;
  gboolean ignore_returnall;

  guint request_count;
  GPtrArray *request_log; /* LoggedRequest */

  /* The matches of the last list request: paging through a list repeats the same filters. */
  HySimTable cached_table;
  char *cached_key;
  guint64 cached_generation;
  GPtrArray *cached_matches; /* borrowed rows, valid while the store's generation holds */

  /* Time: tokens expire and the rate window rolls on it (NULL: g_get_monotonic_time) */
  HySimClockFunc clock;
  gpointer clock_data;

  /* Serving */
  GThread *thread;
  GMainContext *context;
  GMainLoop *loop;
  SoupServer *server;
  GPtrArray *delayed; /* Delayed: answers held back by the latency, server thread only */
  guint16 requested_port;
  guint16 port;
  char *base_url;
  GCond start_cond;
  gboolean start_done;
  GError *start_error;
};

/* Error-body shapes Halo uses (HALO-API.md §5); each endpoint and status picks one. */
typedef enum
{
  HY_SIM_SHAPE_ERROR,       /* {"error": ".."} */
  HY_SIM_SHAPE_MESSAGE,     /* {"Message": ".."} */
  HY_SIM_SHAPE_CLASSNAME,   /* {"ClassName": "..", "Message": ".."} */
  HY_SIM_SHAPE_RESULT_CODE, /* {"resultCode": N, "errorMessage": ".."} */
  HY_SIM_SHAPE_TEXT,        /* text/plain */
  HY_SIM_SHAPE_HTML,        /* text/html, as a proxy answers */
} HySimShape;

typedef struct
{
  guint status;
  const char *content_type;
  char *body;
  gsize length;
  guint retry_after;         /* seconds, 0 = no header */
  gboolean bearer_challenge; /* WWW-Authenticate: Bearer */
  gboolean drop;             /* close the connection without answering */
} HySimReply;


/* hy-sim.c */
void _hy_sim_reply_clear (HySimReply *reply);
void _hy_sim_reply_text (HySimReply *reply, guint status, const char *text);
void _hy_sim_reply_node (HySimReply *reply, guint status, JsonNode *node);
void _hy_sim_reply_object (HySimReply *reply, guint status, JsonObject *object);
void _hy_sim_reply_array (HySimReply *reply, guint status, JsonArray *array);
void _hy_sim_reply_error (HySimReply *reply, guint status, HySimShape shape, const char *message);

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (HySimReply, _hy_sim_reply_clear)

/* hy-sim-auth.c (with the mutex held) */
char **_hy_sim_split_scopes (const char *text);
void _hy_sim_token_free (gpointer data);
void _hy_sim_handle_authinfo (HySim *self, HySimReply *reply);
void
_hy_sim_handle_token (HySim *self, SoupServerMessage *msg, GHashTable *query, HySimReply *reply);

/* Monotonic µs of the simulator's clock (hy_sim_set_clock). */
static inline gint64
_hy_sim_now (HySim *self)
{
  return self->clock != NULL ? self->clock (self->clock_data) : g_get_monotonic_time ();
}
HySimToken *_hy_sim_authenticate (HySim *self, SoupServerMessage *msg, HySimReply *reply);
gboolean _hy_sim_authorize (HySim *self,
                            HySimToken *token,
                            HySimTable table,
                            gboolean write,
                            HySimReply *reply);

/* hy-sim-faults.c */
gboolean _hy_sim_apply_faults (HySim *self, JsonObject *faults, GError **error);
void _hy_sim_reply_status (HySim *self, HySimReply *reply, guint status);
gboolean _hy_sim_inject_fault (HySim *self, gboolean is_api, gboolean is_auth, HySimReply *reply);

/* hy-sim-query.c (with the mutex held) */
const char *_hy_sim_query_get (GHashTable *query, const char *key);
gboolean _hy_sim_query_true (GHashTable *query, const char *key);
JsonObject *_hy_sim_public_row (HySimTable table, JsonObject *row);
void _hy_sim_handle_list (HySim *self, HySimTable table, GHashTable *query, HySimReply *reply);
void _hy_sim_handle_get (HySim *self,
                         HySimTable table,
                         const char *id_text,
                         GHashTable *query,
                         HySimReply *reply);

G_END_DECLS
