/* hy-halo-client-private.h
 *
 * What the files of HyHaloClient share: the instance struct, one call in flight (Call) and the
 * helpers each part uses from another. hy-halo-client.c holds the object and its helpers,
 * hy-halo-client-call.c the call state machine (budget, retries, timeouts),
 * hy-halo-client-auth.c the token, hy-halo-client-list.c the paged lists and
 * hy-halo-client-save.c the batched saves.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <libsoup/soup.h>

#include "hy-halo-client.h"

G_BEGIN_DECLS

typedef enum
{
  CALL_NEEDS_AUTH = 1 << 0,
  CALL_IS_CREATE = 1 << 1,
  CALL_IS_TOKEN = 1 << 2,
  CALL_NO_RETRY = 1 << 3,
} CallFlags;

typedef enum
{
  STATE_IDLE,
  STATE_TOKEN,
  STATE_BUDGET,
  STATE_SENDING,
  STATE_RETRY,
  STATE_DONE,
} CallState;

struct _HyHaloClient
{
  GObject parent_instance;

  char *base_url;
  char *tenant;
  char *client_id;
  char *secret;
  char *scopes;

  SoupSession *session;
  HyHaloBudget *budget;
  GMainContext *context;
  HyClock *clock; /* token expiry, back-off, Retry-After and the budget (not I/O timeouts) */

  guint max_retries;
  guint retry_base_ms;
  guint retry_max_ms;
  guint max_rate_waits;
  guint max_wait_ms;      /* 0: wait as long as the rate limit says; else give up after this */
  gint64 bounded_until;   /* monotonic µs: a wait over max_wait_ms was seen; fail fast until */
  gboolean bounded_known; /* bounded_until is when Halo's limit ends, not a guess */
  guint batch_size;
  guint page_size;
  gsize max_body;
  guint token_margin_s;
  guint connect_timeout_ms;
  guint read_timeout_ms;

  char *token_url;
  char *discovered_tenant;
  char *token;
  gint64 token_expiry;
  GPtrArray *known_tokens; /* every token seen, for literal redaction */
  GPtrArray *token_waiters;
  gboolean authenticating;

  guint request_count;
};

/* One logical HTTP request, with its retries */
typedef struct
{
  HyHaloClient *client;
  GTask *task;
  char *method;
  char *url;
  char *path; /* what events show */
  GBytes *body;
  const char *content_type;
  HyHaloPriority priority;
  char *record;
  CallFlags flags;

  CallState state;
  guint attempt;
  guint rate_waits;
  gboolean reauthed;
  HyHaloBudgetWaiter *waiter;
  SoupMessage *msg;
  gboolean wrote_body;
  GInputStream *stream;
  GByteArray *buffer;
  gint64 started_wall;
  gint64 started_mono;
  GSource *retry_source;
  GSource *bound_source; /* STATE_BUDGET with a bounded wait: gives up when it fires */
  gulong cancel_id;
  GSource *cancel_source;
  GCancellable *io_cancellable; /* the caller's, or ours to abort an oversized answer */
  char *sent_token;
  GSource *timeout_source; /* the connect or read timeout of the request in flight */
  gboolean waiting_answer; /* connected: the read timeout runs, not the connect timeout */
  guint timed_out_ms;      /* > 0: the timeout (of this length) that aborted the request */
} Call;

/* hy-halo-client.c */
const char *_hy_halo_client_kind_entity (HyHaloKind kind);
const char *_hy_halo_client_kind_plural (HyHaloKind kind);
const char *const *_hy_halo_client_redaction_secrets (HyHaloClient *self);
void _hy_halo_client_remember_secret (HyHaloClient *self, const char *secret);
const char *_hy_halo_client_string_member (JsonObject *object, const char *member);
gboolean _hy_halo_client_token_valid (HyHaloClient *self);
GError *_hy_halo_client_cancelled_error (void);
char *_hy_halo_client_path_of_url (HyHaloClient *self, const char *url);
gboolean _hy_halo_client_has_listeners (HyHaloClient *self);
void _hy_halo_client_emit_event (HyHaloClient *self, HyHaloEvent *event);
void _hy_halo_client_emit_warning (HyHaloClient *self,
                                   const char *path,
                                   const char *record,
                                   const char *message);
GError *_hy_halo_client_bad_shape (const char *what);
JsonObject *_hy_halo_client_single_object (JsonNode *root, HyHaloKind kind);

/* hy-halo-client-call.c */
Call *_hy_halo_client_call_new (HyHaloClient *self,
                                const char *method,
                                const char *url,
                                GBytes *body,
                                const char *content_type,
                                HyHaloPriority priority,
                                const char *record,
                                CallFlags flags,
                                GCancellable *cancellable,
                                GAsyncReadyCallback callback,
                                gpointer user_data);
void _hy_halo_client_call_run (Call *call);
GBytes *_hy_halo_client_call_run_finish (HyHaloClient *self, GAsyncResult *result, GError **error);
void _hy_halo_client_call_acquire (Call *call);
void _hy_halo_client_call_finish (Call *call, GBytes *bytes, GError *error);
void _hy_halo_client_json_request_async (HyHaloClient *self,
                                         const char *method,
                                         const char *path,
                                         JsonNode *body,
                                         HyHaloPriority priority,
                                         const char *record,
                                         CallFlags flags,
                                         GCancellable *cancellable,
                                         GAsyncReadyCallback callback,
                                         gpointer user_data);
JsonNode *
_hy_halo_client_json_request_finish (HyHaloClient *self, GAsyncResult *result, GError **error);

/* hy-halo-client-auth.c */
void _hy_halo_client_auth_start (HyHaloClient *self);

/* hy-halo-client-list.c */
void _hy_halo_client_list_start (HyHaloClient *self,
                                 HyHaloKind kind,
                                 const char *query,
                                 const char *check_member,
                                 gint64 check_value,
                                 guint max_pages,
                                 HyHaloPriority priority,
                                 const char *record,
                                 GCancellable *cancellable,
                                 GAsyncReadyCallback callback,
                                 gpointer user_data);

G_END_DECLS
