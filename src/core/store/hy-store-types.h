/* hy-store-types.h: the records HyStore keeps
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/* Times: every numeric time in the store is microseconds since the Unix epoch, UTC
 * (g_get_real_time ()). Inventory dates (last_seen, raised_at, cleared_at) are kept as the
 * ISO 8601 text the source gave. */

/* ---------------------------------------------------------------------------------------------
 * Inventory (the local side)
 * ------------------------------------------------------------------------------------------- */

typedef enum
{
  HY_RECORD_KIND_COMPANY,
  HY_RECORD_KIND_LOCATION,
  HY_RECORD_KIND_GROUP,
  HY_RECORD_KIND_COMPUTER,
  HY_RECORD_KIND_USER,
  HY_RECORD_KIND_POLICY,
  HY_RECORD_KIND_ALERT,
} HyRecordKind;

#define HY_N_RECORD_KINDS 7

/* "company", "location", "group", "computer", "user", "policy", "alert" (CLI link kinds). */
const char *hy_record_kind_to_string (HyRecordKind kind);
/* "companies", "locations", ... (JSON inventory keys, CLI import document keys). */
const char *hy_record_kind_to_plural (HyRecordKind kind);
/* Accepts the singular and the plural form. */
gboolean hy_record_kind_from_string (const char *str, HyRecordKind *out_kind);
/* "There is no company with id “ID”.": one translated sentence per kind. */
char *hy_record_kind_not_found_message (HyRecordKind kind, const char *id);
/* Company, location, computer and user can be linked to a Halo record. */
gboolean hy_record_kind_is_linkable (HyRecordKind kind);

typedef enum
{
  HY_LINK_HOW_NONE, /* not linked */
  HY_LINK_HOW_AUTO,
  HY_LINK_HOW_MANUAL,
} HyLinkHow;

/* "auto", "manual", NULL for NONE. */
const char *hy_link_how_to_string (HyLinkHow how);

/* The link of a linkable record, filled by every read (ignored by upserts). */
typedef struct
{
  HyLinkHow how;   /* HY_LINK_HOW_NONE: not linked, halo_id 0, halo_name NULL */
  gint64 halo_id;  /* Halo client / site / asset / agent id */
  char *halo_name; /* the Halo record's name when linked */
} HyLinkInfo;

void hy_link_info_clear (HyLinkInfo *link);

/* Every record struct starts with its string fields, id first. Upserts read only the fields
 * the source owns; the link and the delivery state are written by their own calls. */

typedef struct
{
  char *id;
  char *name;
  HyLinkInfo link;
} HyCompany;

typedef struct
{
  char *id;
  char *name;
  char *company_id; /* required */
  HyLinkInfo link;
} HyLocation;

typedef struct
{
  char *id;
  char *name;
  char *parent_id; /* NULL for a top-level group */
} HyGroup;

typedef struct
{
  char *id;
  char *name;
  char *company_id;  /* all of these may be NULL */
  char *location_id; /* must belong to company_id's company when both are set */
  char *group_id;
  char *serial;
  char *os;
  char *ip;
  char *mac;
  char *last_seen; /* ISO 8601 */
  HyLinkInfo link;
  /* When an import with --prune found it missing (µs); 0: active. Set by
   * hy_store_update_retired (), never by an upsert. */
  gint64 retired;
} HyComputer;

typedef struct
{
  char *id;
  char *name;
  char *email; /* may be NULL */
  HyLinkInfo link;
} HyUser;

typedef struct
{
  char *id;
  char *name;
} HyPolicy;

/* What must change for a stored reason to go away, as a code each front end turns into its own
 * words for the fix (the window names its control, halyard-cli its command); the reason's text
 * says what is wrong and what to do in words any front end can show. Stored by its nick. */
typedef enum
{
  HY_REASON_NONE,
  HY_REASON_POLICY_NOT_MAPPED, /* an alert's policy has no ticket type */
  HY_REASON_NO_CLOSE_STATUS,   /* no status closes the ticket: none on the policy, no Closed */
  HY_REASON_COMPUTER_LABEL,    /* an intake alert's labels name no known computer */
  HY_REASON_POLICY_LABEL,      /* an intake alert's labels name no known policy */
  HY_REASON_NO_SITE,           /* no Halo site for a device: the client's main site is unknown */
  HY_REASON_ASSET_ELSEWHERE,   /* a device is linked to an asset of another Halo client */
  HY_REASON_ASSET_AMBIGUOUS,   /* several Halo assets of the client match a device */
} HyReason;

/* "policy-not-mapped", …; NULL for HY_REASON_NONE (stored as NULL, and in --json documents). */
const char *hy_reason_to_string (HyReason reason);
/* HY_REASON_NONE for NULL or an unknown nick (a newer Halyard's). */
HyReason hy_reason_from_string (const char *str);

typedef enum
{
  HY_ALERT_STATE_QUEUED,    /* recorded, not yet delivered to Halo */
  HY_ALERT_STATE_DELIVERED, /* a ticket (ticket_id) exists for it */
  HY_ALERT_STATE_UNROUTED,  /* its policy is not mapped to a ticket type (reason says why) */
  HY_ALERT_STATE_DEAD,      /* delivery gave up (reason says why) */
} HyAlertState;

/* "queued", "delivered", "unrouted", "dead" (the CLI contract's words). */
const char *hy_alert_state_to_string (HyAlertState state);
gboolean hy_alert_state_from_string (const char *str, HyAlertState *out_state);

typedef struct
{
  char *id;
  char *computer_id; /* required */
  char *policy_id;   /* required */
  char *severity;
  char *summary; /* required */
  char *details;
  char *raised_at;  /* ISO 8601 */
  char *cleared_at; /* ISO 8601; NULL while the alert is open */
  /* Delivery state: set with hy_store_set_alert_delivery (), never by an upsert. */
  char *reason;
  HyReason reason_code; /* what the fix of @reason is, for a front end to name its control */
  HyAlertState state;
  gint64 ticket_id; /* 0: no ticket */
} HyAlert;

HyCompany *hy_company_new (void);
HyLocation *hy_location_new (void);
HyGroup *hy_group_new (void);
HyComputer *hy_computer_new (void);
HyUser *hy_user_new (void);
HyPolicy *hy_policy_new (void);
HyAlert *hy_alert_new (void);

/* Allocates a zeroed record of @kind (a HyCompany for HY_RECORD_KIND_COMPANY, ...). */
gpointer hy_record_new (HyRecordKind kind);
gpointer hy_record_copy (HyRecordKind kind, gconstpointer record);
void hy_record_free (HyRecordKind kind, gpointer record);
/* The record's id and name (for an alert: its summary). */
const char *hy_record_get_id (HyRecordKind kind, gconstpointer record);
const char *hy_record_get_name (HyRecordKind kind, gconstpointer record);
/* The record's link (NULL for kinds that cannot be linked). */
const HyLinkInfo *hy_record_get_link (HyRecordKind kind, gconstpointer record);

void hy_company_free (HyCompany *company);
void hy_location_free (HyLocation *location);
void hy_group_free (HyGroup *group);
void hy_computer_free (HyComputer *computer);
void hy_user_free (HyUser *user);
void hy_policy_free (HyPolicy *policy);
void hy_alert_free (HyAlert *alert);

GType hy_company_get_type (void) G_GNUC_CONST;
GType hy_location_get_type (void) G_GNUC_CONST;
GType hy_group_get_type (void) G_GNUC_CONST;
GType hy_computer_get_type (void) G_GNUC_CONST;
GType hy_user_get_type (void) G_GNUC_CONST;
GType hy_policy_get_type (void) G_GNUC_CONST;
GType hy_alert_get_type (void) G_GNUC_CONST;

/* A row of a "links" list (CLI `links`, the mapping views): any linkable record. */
typedef struct
{
  HyRecordKind kind;
  char *id;
  char *name;
  HyLinkInfo link;
  gint64 retired; /* computers: when retired (µs); 0: active */
} HyLink;

void hy_link_free (HyLink *link);
GType hy_link_get_type (void) G_GNUC_CONST;

/* ---------------------------------------------------------------------------------------------
 * Routes
 * ------------------------------------------------------------------------------------------- */

typedef struct
{
  char *group_id;
  gint64 client_id; /* Halo client */
  gint64 site_id;   /* Halo site; 0: the client's main site */
} HyGroupMapping;

typedef struct
{
  char *policy_id;
  gint64 ticket_type_id;  /* Halo ticket type */
  gint64 close_status_id; /* Halo status to close the ticket with on clear; 0: do not close */
} HyPolicyMapping;

void hy_group_mapping_free (HyGroupMapping *mapping);
void hy_policy_mapping_free (HyPolicyMapping *mapping);
GType hy_group_mapping_get_type (void) G_GNUC_CONST;
GType hy_policy_mapping_get_type (void) G_GNUC_CONST;

/* ---------------------------------------------------------------------------------------------
 * The Halo cache
 * ------------------------------------------------------------------------------------------- */

typedef enum
{
  HY_CACHE_KIND_CLIENT,
  HY_CACHE_KIND_SITE,
  HY_CACHE_KIND_ASSET,
  HY_CACHE_KIND_AGENT,
  HY_CACHE_KIND_TICKET_TYPE,
  HY_CACHE_KIND_STATUS,
  HY_CACHE_KIND_OUTCOME,
  HY_CACHE_KIND_PRIORITY, /* ticket priorities (`GET /Priority`) */
  HY_CACHE_KIND_TEAM,     /* teams (`GET /Team`); a ticket names its team by name */
} HyCacheKind;

#define HY_N_CACHE_KINDS 9

/* "clients", "sites", "assets", "agents", "ticket_types", "statuses", "outcomes",
 * "priorities", "teams" (the CLI `refresh` document's keys). */
const char *hy_cache_kind_to_plural (HyCacheKind kind);

/* One cached Halo record. Fields that do not apply to a kind are 0 / NULL / FALSE. */
typedef struct
{
  HyCacheKind kind;
  gint64 id;
  char *name;             /* display name; assets: key_field, else inventory_number; outcomes:
                    * buttonname */
  gboolean inactive;      /* clients, sites, assets */
  gint64 client_id;       /* sites, assets */
  gint64 site_id;         /* assets; clients: their main site (main_site_id) */
  char *inventory_number; /* assets */
  char *key_field;        /* assets */
  char *serial;           /* assets */
  char *email;            /* agents */
  gboolean is_api_agent;  /* agents */
  gboolean closed;        /* statuses: Halo's system status Closed (HY_HALO_STATUS_CLOSED) */
} HyCacheRecord;

HyCacheRecord *hy_cache_record_new (HyCacheKind kind, gint64 id, const char *name);
HyCacheRecord *hy_cache_record_copy (const HyCacheRecord *record);
void hy_cache_record_free (HyCacheRecord *record);
GType hy_cache_record_get_type (void) G_GNUC_CONST;

/* ---------------------------------------------------------------------------------------------
 * Sync state
 * ------------------------------------------------------------------------------------------- */

typedef enum
{
  HY_SYNC_STATE_UNSYNCED,
  HY_SYNC_STATE_SYNCING,
  HY_SYNC_STATE_SYNCED,
  HY_SYNC_STATE_FAILED,
} HySyncState;

/* "unsynced", "syncing", "synced", "failed". */
const char *hy_sync_state_to_string (HySyncState state);

typedef struct
{
  char *group_id;
  char *group_name;
  HySyncState state;
  guint devices; /* computers in the group now */
  guint synced;  /* as last set by the sync engine */
  guint failed;
  char *reason;         /* why it failed; NULL otherwise */
  HyReason reason_code; /* what the fix of @reason is */
  gint64 last_sync;     /* end of the last sync (synced or failed); 0: never */
  gboolean mapped;      /* the group has a mapping */
} HyGroupSync;

void hy_group_sync_free (HyGroupSync *sync);
GType hy_group_sync_get_type (void) G_GNUC_CONST;

/* ---------------------------------------------------------------------------------------------
 * Outbox and events
 * ------------------------------------------------------------------------------------------- */

typedef enum
{
  HY_OUTBOX_STATE_PENDING,  /* waiting for next_attempt_at */
  HY_OUTBOX_STATE_INFLIGHT, /* claimed by a sender */
  HY_OUTBOX_STATE_DEAD,     /* gave up; hy_store_outbox_retry () puts it back */
  HY_OUTBOX_STATE_DONE,     /* delivered */
} HyOutboxState;

/* "pending", "inflight", "dead", "done". */
const char *hy_outbox_state_to_string (HyOutboxState state);

typedef struct
{
  gint64 id;
  char *kind;             /* what to send, e.g. "ticket.create"; the sync engine's vocabulary */
  char *record_key;       /* the local record it concerns, e.g. "alert:a1" */
  char *payload;          /* JSON */
  int priority;           /* higher first (alerts before bulk asset sync) */
  guint attempts;         /* attempts that reached (or may have reached) Halo, ever: a create with
                     * attempts is looked up before it is sent again */
  gint64 next_attempt_at; /* PENDING: when it is due; DEAD: not revived by itself before */
  HyOutboxState state;
  char *last_error;
  gint64 created;
  guint refused;    /* attempts Halo answered with a failure since it was last queued: these
                     * alone lead to giving up */
  guint waits;      /* tries in a row that never reached Halo (network, sign-in, rate limit):
                     * they space the next try out, never give up */
  char *dead_cause; /* DEAD: HY_OUTBOX_CAUSE_*, what must change before it is sent again */
} HyOutboxItem;

/* Why an outbox item was given up, and so when it is queued again by itself:
 * REFUSED: Halo refused it (400, 403, 404): when a mapping or link changes;
 * FAILING: Halo kept failing (5xx, unreadable answers): when Halo answers again;
 * UNROUTED: its alert has no route (no mapping) and so no ticket: when a mapping or link changes;
 * BLOCKED: an earlier write of the same record was given up: when that one is no longer dead;
 * INVALID: the queued write itself cannot be sent: only by hand. */
#define HY_OUTBOX_CAUSE_REFUSED  "refused"
#define HY_OUTBOX_CAUSE_FAILING  "failing"
#define HY_OUTBOX_CAUSE_UNROUTED "unrouted"
#define HY_OUTBOX_CAUSE_BLOCKED  "blocked"
#define HY_OUTBOX_CAUSE_INVALID  "invalid"

void hy_outbox_item_free (HyOutboxItem *item);
GType hy_outbox_item_get_type (void) G_GNUC_CONST;

/* One request sent to Halo. Bodies must be redacted by the caller (no Authorization header,
 * token or token request body ever reaches the store). */
typedef struct
{
  gint64 id;   /* set by the store */
  gint64 time; /* when the request was sent */
  char *method;
  char *path;
  guint status; /* HTTP status; 0: no response (network error) */
  gint64 duration_ms;
  char *record; /* the record it concerns, e.g. "computer:pc1"; may be NULL */
  char *error;  /* Halo's error text or the network error; NULL on success */
  char *request;
  char *response;
  char *host; /* the host (and port) the request went to; NULL in logs older than schema 9 */
} HyEvent;

/* A failed event: no response, an HTTP status >= 400, or an error text. */
gboolean hy_event_is_failed (const HyEvent *event);

HyEvent *hy_event_new (void);
HyEvent *hy_event_copy (const HyEvent *event);
void hy_event_free (HyEvent *event);
GType hy_event_get_type (void) G_GNUC_CONST;

/* One minute of the Events chart. */
typedef struct
{
  gint64 minute; /* start of the minute */
  guint total;
  guint failed;
} HyEventBucket;

/* ---------------------------------------------------------------------------------------------
 * Profile
 * ------------------------------------------------------------------------------------------- */

/* The connection profile. The client secret is never part of it: it lives in the keyring. */
typedef struct
{
  char *url;
  char *tenant; /* may be NULL */
  char *client_id;
  char *scopes; /* space separated; NULL: "all" */
  gboolean enabled;
  /* Halo's rate limit: @rate_max requests per rolling @rate_window seconds, shared by every
   * process on the data directory (default Halo's hosted 300 per 300 s); and how often the
   * service refreshes Halo's records, in seconds (default hourly; 0: never). */
  guint rate_max;
  guint rate_window;
  guint refresh_interval;
} HyProfile;

#define HY_PROFILE_DEFAULT_RATE_MAX         300
#define HY_PROFILE_DEFAULT_RATE_WINDOW      300
#define HY_PROFILE_DEFAULT_REFRESH_INTERVAL 3600

HyProfile *hy_profile_new (void);
HyProfile *hy_profile_copy (const HyProfile *profile);
void hy_profile_free (HyProfile *profile);
GType hy_profile_get_type (void) G_GNUC_CONST;

G_DEFINE_AUTOPTR_CLEANUP_FUNC (HyCompany, hy_company_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HyLocation, hy_location_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HyGroup, hy_group_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HyComputer, hy_computer_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HyUser, hy_user_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HyPolicy, hy_policy_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HyAlert, hy_alert_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HyLink, hy_link_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HyGroupMapping, hy_group_mapping_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HyPolicyMapping, hy_policy_mapping_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HyCacheRecord, hy_cache_record_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HyGroupSync, hy_group_sync_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HyOutboxItem, hy_outbox_item_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HyEvent, hy_event_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HyProfile, hy_profile_free)

G_END_DECLS
