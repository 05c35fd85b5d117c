/* hy-halo-client.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "hy-halo-budget.h"
#include "hy-halo-error.h"
#include "hy-halo-event.h"
#include "hy-halo-record.h"
#include "hy-halo-url.h"

G_BEGIN_DECLS

#define HY_TYPE_HALO_CLIENT (hy_halo_client_get_type ())

G_DECLARE_FINAL_TYPE (HyHaloClient, hy_halo_client, HY, HALO_CLIENT, GObject)

/*
 * HyHaloClient talks to one Halo instance with one application's credentials. All calls are
 * asynchronous, run on the main context that was the thread default when the client was
 * created, and report every HTTP request with the "request-finished" signal (a #HyHaloEvent).
 *
 * Results:
 * - list calls finish with hy_halo_client_list_finish() → #HyHaloList (records, totals,
 *   whether Halo's totals added up, how many records Halo sent that did not match a filter);
 * - single-record calls (agent me, get/create/update ticket, create action) finish with
 *   hy_halo_client_record_finish() → #HyHaloRecord;
 * - hy_halo_client_save_assets_async() finishes with hy_halo_client_save_assets_finish() →
 *   the saved assets in the order given, each with its Halo id.
 *
 * @priority picks the lane of the rate budget; @record (nullable) tags the events of the call
 * ("computer:pc1") for the events log.
 *
 * Errors are always #HY_HALO_ERROR, cancellation included (%HY_HALO_ERROR_CANCELLED, never
 * G_IO_ERROR_CANCELLED), with a translated message a technician can act on. A create that
 * fails with %HY_HALO_ERROR_OUTCOME_UNKNOWN may exist in Halo: look it up before resending.
 * The client secret stays in memory (wiped on finalize); no event, log or error contains it
 * or any token.
 */

HyHaloClient *hy_halo_client_new (const char *url_or_tenant,
                                  const char *tenant,
                                  const char *client_id,
                                  const char *client_secret,
                                  const char *scopes,
                                  GError **error);

const char *hy_halo_client_get_base_url (HyHaloClient *self);
const char *hy_halo_client_get_tenant (HyHaloClient *self);
const char *hy_halo_client_get_client_id (HyHaloClient *self);
const char *hy_halo_client_get_scopes (HyHaloClient *self);
const char *hy_halo_client_get_token_url (HyHaloClient *self);
guint hy_halo_client_get_request_count (HyHaloClient *self);
void hy_halo_client_get_rate_usage (HyHaloClient *self,
                                    guint *used,
                                    guint *max,
                                    guint *window_ms,
                                    guint *waiting);

/* Tuning (defaults: 300 requests per 300 000 ms; 4 retries from 500 ms up to 30 000 ms;
 * batches of 100; pages of 100, the most (larger sizes are capped); bodies up to 64 MiB; 3 waits
 * of a full window on 429; tokens refreshed 300 s — at most a fifth of their lifetime — before they expire) */
void hy_halo_client_set_clock (HyHaloClient *self, HyClock *clock);
void hy_halo_client_set_rate_limit (HyHaloClient *self, guint max_requests, guint window_ms);
/* The client's rate budget (transfer none), to share it with other processes. */
HyHaloBudget *hy_halo_client_get_budget (HyHaloClient *self);
void hy_halo_client_set_retry_policy (HyHaloClient *self,
                                      guint max_retries,
                                      guint base_delay_ms,
                                      guint max_delay_ms);
void hy_halo_client_set_rate_limit_waits (HyHaloClient *self, guint max_waits);
void hy_halo_client_set_max_wait (HyHaloClient *self, guint max_wait_ms);
void hy_halo_client_set_batch_size (HyHaloClient *self, guint batch_size);
void hy_halo_client_set_page_size (HyHaloClient *self, guint page_size);
void hy_halo_client_set_max_body_size (HyHaloClient *self, gsize max_bytes);
void hy_halo_client_set_timeouts (HyHaloClient *self, guint connect_ms, guint read_ms);
void hy_halo_client_set_token_margin (HyHaloClient *self, guint seconds);

/* Authentication (also done on demand by every call) */
void hy_halo_client_authenticate_async (HyHaloClient *self,
                                        GCancellable *cancellable,
                                        GAsyncReadyCallback callback,
                                        gpointer user_data);
gboolean
hy_halo_client_authenticate_finish (HyHaloClient *self, GAsyncResult *result, GError **error);

/* Single records */
void hy_halo_client_get_agent_me_async (HyHaloClient *self,
                                        HyHaloPriority priority,
                                        GCancellable *cancellable,
                                        GAsyncReadyCallback callback,
                                        gpointer user_data);
void hy_halo_client_get_ticket_async (HyHaloClient *self,
                                      gint64 ticket_id,
                                      HyHaloPriority priority,
                                      const char *record,
                                      GCancellable *cancellable,
                                      GAsyncReadyCallback callback,
                                      gpointer user_data);
void hy_halo_client_create_ticket_async (HyHaloClient *self,
                                         JsonObject *ticket,
                                         HyHaloPriority priority,
                                         const char *record,
                                         GCancellable *cancellable,
                                         GAsyncReadyCallback callback,
                                         gpointer user_data);
void hy_halo_client_update_ticket_async (HyHaloClient *self,
                                         gint64 ticket_id,
                                         JsonObject *fields,
                                         HyHaloPriority priority,
                                         const char *record,
                                         GCancellable *cancellable,
                                         GAsyncReadyCallback callback,
                                         gpointer user_data);
void hy_halo_client_create_action_async (HyHaloClient *self,
                                         JsonObject *action,
                                         HyHaloPriority priority,
                                         const char *record,
                                         GCancellable *cancellable,
                                         GAsyncReadyCallback callback,
                                         gpointer user_data);
/* GET /api/<Entity>/{id}[?@query] ("includedetails=true"); finish with
 * hy_halo_client_record_finish () */
void hy_halo_client_get_record_async (HyHaloClient *self,
                                      HyHaloKind kind,
                                      gint64 id,
                                      const char *query,
                                      HyHaloPriority priority,
                                      const char *record,
                                      GCancellable *cancellable,
                                      GAsyncReadyCallback callback,
                                      gpointer user_data);
HyHaloRecord *
hy_halo_client_record_finish (HyHaloClient *self, GAsyncResult *result, GError **error);

/* Lists (all finish with hy_halo_client_list_finish) */
void hy_halo_client_list_clients_async (HyHaloClient *self,
                                        HyHaloPriority priority,
                                        GCancellable *cancellable,
                                        GAsyncReadyCallback callback,
                                        gpointer user_data);
void hy_halo_client_list_sites_async (HyHaloClient *self,
                                      gint64 client_id,
                                      HyHaloPriority priority,
                                      GCancellable *cancellable,
                                      GAsyncReadyCallback callback,
                                      gpointer user_data);
void hy_halo_client_list_assets_async (HyHaloClient *self,
                                       gint64 client_id,
                                       HyHaloPriority priority,
                                       GCancellable *cancellable,
                                       GAsyncReadyCallback callback,
                                       gpointer user_data);
void hy_halo_client_list_asset_types_async (HyHaloClient *self,
                                            HyHaloPriority priority,
                                            GCancellable *cancellable,
                                            GAsyncReadyCallback callback,
                                            gpointer user_data);
void hy_halo_client_list_agents_async (HyHaloClient *self,
                                       HyHaloPriority priority,
                                       GCancellable *cancellable,
                                       GAsyncReadyCallback callback,
                                       gpointer user_data);
void hy_halo_client_list_teams_async (HyHaloClient *self,
                                      HyHaloPriority priority,
                                      GCancellable *cancellable,
                                      GAsyncReadyCallback callback,
                                      gpointer user_data);
void hy_halo_client_list_ticket_types_async (HyHaloClient *self,
                                             HyHaloPriority priority,
                                             GCancellable *cancellable,
                                             GAsyncReadyCallback callback,
                                             gpointer user_data);
void hy_halo_client_list_statuses_async (HyHaloClient *self,
                                         HyHaloPriority priority,
                                         GCancellable *cancellable,
                                         GAsyncReadyCallback callback,
                                         gpointer user_data);
void hy_halo_client_list_priorities_async (HyHaloClient *self,
                                           HyHaloPriority priority,
                                           GCancellable *cancellable,
                                           GAsyncReadyCallback callback,
                                           gpointer user_data);
void hy_halo_client_list_outcomes_async (HyHaloClient *self,
                                         HyHaloPriority priority,
                                         GCancellable *cancellable,
                                         GAsyncReadyCallback callback,
                                         gpointer user_data);
void hy_halo_client_list_users_async (HyHaloClient *self,
                                      gint64 client_id,
                                      HyHaloPriority priority,
                                      GCancellable *cancellable,
                                      GAsyncReadyCallback callback,
                                      gpointer user_data);
void hy_halo_client_search_tickets_async (HyHaloClient *self,
                                          gint64 client_id,
                                          const char *search,
                                          gboolean open_only,
                                          HyHaloPriority priority,
                                          GCancellable *cancellable,
                                          GAsyncReadyCallback callback,
                                          gpointer user_data);
void hy_halo_client_list_async (HyHaloClient *self,
                                HyHaloKind kind,
                                const char *query,
                                const char *check_member,
                                gint64 check_value,
                                HyHaloPriority priority,
                                const char *record,
                                GCancellable *cancellable,
                                GAsyncReadyCallback callback,
                                gpointer user_data);
void hy_halo_client_list_within_async (HyHaloClient *self,
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
HyHaloList *hy_halo_client_list_finish (HyHaloClient *self, GAsyncResult *result, GError **error);

/* Events: a warning about what Halo answered, found by the caller */
void hy_halo_client_report_warning (HyHaloClient *self,
                                    const char *method,
                                    const char *path,
                                    const char *record,
                                    const char *message);

/* Batch writes */

/**
 * HyHaloSaveFlags:
 * @HY_HALO_SAVE_NONE: creates Halo's answers do not identify are read back before finishing
 * @HY_HALO_SAVE_NO_READ_BACK: they are not: their results are %NULL, for a caller that reads
 *   many saves back at once (one list for a whole sync instead of one per save)
 */
typedef enum
{
  HY_HALO_SAVE_NONE = 0,
  HY_HALO_SAVE_NO_READ_BACK = 1 << 0,
} HyHaloSaveFlags;

void hy_halo_client_save_assets_full_async (HyHaloClient *self,
                                            GPtrArray *assets,
                                            HyHaloSaveFlags flags,
                                            HyHaloPriority priority,
                                            const char *record,
                                            GCancellable *cancellable,
                                            GAsyncReadyCallback callback,
                                            gpointer user_data);
void hy_halo_client_save_assets_async (HyHaloClient *self,
                                       GPtrArray *assets,
                                       HyHaloPriority priority,
                                       const char *record,
                                       GCancellable *cancellable,
                                       GAsyncReadyCallback callback,
                                       gpointer user_data);
GPtrArray *
hy_halo_client_save_assets_finish (HyHaloClient *self, GAsyncResult *result, GError **error);

void hy_halo_client_create_tickets_async (HyHaloClient *self,
                                          GPtrArray *tickets,
                                          const char *const *markers,
                                          guint batch_size,
                                          HyHaloPriority priority,
                                          const char *record,
                                          GCancellable *cancellable,
                                          GAsyncReadyCallback callback,
                                          gpointer user_data);
GPtrArray *
hy_halo_client_create_tickets_finish (HyHaloClient *self, GAsyncResult *result, GError **error);

G_END_DECLS
