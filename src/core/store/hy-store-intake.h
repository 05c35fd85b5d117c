/* hy-store-intake.h: what the alert intake keeps in the store
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "store/hy-store.h"

G_BEGIN_DECLS

/* The intake's settings (`halyard-cli intake set`) and what it received (the Setup page's
 * "Alert Sources"). Never the token: that lives in the keyring only. */
typedef struct
{
  char *computer_label;   /* the label naming the computer; NULL: instance, host, hostname,
                           * nodename (the first one present) */
  char *policy_label;     /* the label naming the policy; NULL: alertname */
  char *alertmanager_url; /* Alertmanager's address for the reconcile; NULL: no reconcile */
  char *day;              /* the local date (YYYY-MM-DD) day_count counts; NULL: none yet */
  guint day_count;        /* alerts received on that day */
  char *last_alert;       /* the last alert received: its id, summary and time (Unix seconds) */
  char *last_summary;
  gint64 last_time; /* 0: none yet */
} HyIntakeInfo;

void hy_intake_info_free (HyIntakeInfo *info);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HyIntakeInfo, hy_intake_info_free)

/* The intake's settings and counters; all unset before the first `intake set` or alert (never
 * NOT_FOUND). */
HyIntakeInfo *hy_store_intake_get (HyStore *self, GError **error);
/* Saves the three settings of @info (computer_label, policy_label, alertmanager_url; NULL
 * unsets one); the counters are kept. */
gboolean hy_store_intake_set (HyStore *self, const HyIntakeInfo *info, GError **error);
/* Counts an alert received at @now (Unix seconds): today's count (restarted on a new local
 * day) and the last one. */
gboolean hy_store_intake_note_received (HyStore *self,
                                        const char *alert_id,
                                        const char *summary,
                                        gint64 now,
                                        GError **error);

/* The intake token was replaced (in the keyring, by any process): a running intake reads it
 * again. Stores when, never the token. */
gboolean hy_store_intake_note_token_rotated (HyStore *self, GError **error);
/* The mark hy_store_intake_note_token_rotated () left (NULL: never rotated). */
char *hy_store_intake_get_token_mark (HyStore *self, GError **error);

/* The address the service accepts alerts on while it delivers (halyard-cli intake set
 * --listen, Setup's Alert Sources); NULL: it does not listen (halyard-cli serve --listen still
 * does). @address is not checked here: hy_intake_check_address () does that. */
char *hy_store_intake_get_listen (HyStore *self, GError **error);
gboolean hy_store_intake_set_listen (HyStore *self, const char *address, GError **error);

/* Where this process's intake listens now ("http://127.0.0.1:8642"; NULL: it stopped), so the
 * windows of other processes can show the deliverer's address. */
gboolean hy_store_intake_set_listening (HyStore *self, const char *uri, GError **error);
/* The address process @pid of @host recorded as listening on; NULL when it recorded none. */
char *hy_store_intake_get_listening (HyStore *self, gint64 pid, const char *host, GError **error);

/* An alert the intake received whose labels match no computer or policy yet: kept, with its
 * labels and the reason, until an import makes it routable. */
typedef struct
{
  char *alert_id;
  char *source;   /* "alertmanager" or "api" */
  char *computer; /* what the source named the computer by (NULL: no label named one) */
  char *policy;   /* what the source named the policy by (NULL: no label named one) */
  char *summary;
  char *details;
  char *severity;
  char *labels; /* the source's labels, a JSON object; NULL: none */
  char *raised_at;
  char *reason;         /* translated: why it is not routed */
  HyReason reason_code; /* what fixes it, for a front end to name its control */
  gint64 received;
  gboolean matched; /* hy_store_intake_list_unrouted (): an alert of a known computer and
                     * policy whose policy has no route (computer and policy are then ids) */
} HyIntakeWaiting;

HyIntakeWaiting *hy_intake_waiting_copy (const HyIntakeWaiting *waiting);
void hy_intake_waiting_free (HyIntakeWaiting *waiting);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HyIntakeWaiting, hy_intake_waiting_free)

/* Inserts or replaces the waiting alert of that id. */
gboolean
hy_store_intake_put_waiting (HyStore *self, const HyIntakeWaiting *waiting, GError **error);
/* NOT_FOUND when the alert is not waiting. */
HyIntakeWaiting *hy_store_intake_get_waiting (HyStore *self, const char *alert_id, GError **error);
/* Not an error when it was not waiting (*out_deleted FALSE). */
gboolean hy_store_intake_delete_waiting (HyStore *self,
                                         const char *alert_id,
                                         gboolean *out_deleted,
                                         GError **error);
/* Waiting alerts, oldest first (@limit 0: all). */
GPtrArray *hy_store_intake_list_waiting (HyStore *self, guint limit, GError **error);
gint64 hy_store_intake_count_waiting (HyStore *self, GError **error);
/* Every open unrouted alert, for `status` and the Setup page: the waiting ones, then the alerts
 * of known computers and policies that have no route (matched TRUE; source NULL, received 0),
 * oldest first (@limit 0: all). */
GPtrArray *hy_store_intake_list_unrouted (HyStore *self, guint limit, GError **error);

/* The ids of the computers (or policies, as @kind says) whose id or name is @value, ignoring
 * case: an exact id first, else the same name, else the same id in another case. Empty when
 * none. */
GStrv hy_store_intake_match (HyStore *self, HyRecordKind kind, const char *value, GError **error);

G_END_DECLS
