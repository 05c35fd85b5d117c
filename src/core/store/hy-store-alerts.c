/* hy-store-alerts.c: the delivery state of alerts
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "hy-store"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <sqlite3.h>

#include "store/hy-record-fields.h"
#include "store/hy-store-private.h"
#include "store/hy-store.h"

/* ---------------------------------------------------------------------------------------------
 * Alerts
 * ------------------------------------------------------------------------------------------- */

gboolean
hy_store_set_alert_delivery (HyStore *self,
                             const char *alert_id,
                             HyAlertState state,
                             gint64 ticket_id,
                             const char *reason,
                             GError **error)
{
  return hy_store_set_alert_delivery_why (self, alert_id, state, ticket_id, reason, HY_REASON_NONE,
                                          error);
}

gboolean
hy_store_set_alert_delivery_why (HyStore *self,
                                 const char *alert_id,
                                 HyAlertState state,
                                 gint64 ticket_id,
                                 const char *reason,
                                 HyReason reason_code,
                                 GError **error)
{
  g_autoptr (HyStmt) stmt = NULL;

  g_return_val_if_fail (HY_IS_STORE (self), FALSE);
  g_return_val_if_fail (alert_id != NULL, FALSE);
  g_return_val_if_fail (state <= HY_ALERT_STATE_DEAD, FALSE);
  HY_STORE_LOCK (self);

  stmt = _hy_store_prepare (self,
                            "UPDATE alerts SET state = ?2, ticket_id = coalesce (?3, ticket_id), "
                            "reason = ?4, reason_code = ?5 WHERE id = ?1",
                            error);
  if (stmt == NULL)
    return FALSE;
  _hy_store_bind_text (stmt, 1, alert_id);
  _hy_store_bind_text (stmt, 2, hy_alert_state_to_string (state));
  _hy_store_bind_id (stmt, 3, ticket_id);
  _hy_store_bind_text (stmt, 4, reason);
  _hy_store_bind_text (stmt, 5, reason != NULL ? hy_reason_to_string (reason_code) : NULL);
  if (!_hy_store_step_done (self, stmt, error))
    return FALSE;
  if (sqlite3_changes (self->db) == 0)
    return _hy_store_record_not_found (error, HY_RECORD_KIND_ALERT, alert_id);
  return TRUE;
}

gboolean
hy_store_clear_alert (HyStore *self, const char *alert_id, const char *cleared_at, GError **error)
{
  g_autoptr (HyStmt) stmt = NULL;
  g_autofree char *now = NULL;

  g_return_val_if_fail (HY_IS_STORE (self), FALSE);
  g_return_val_if_fail (alert_id != NULL, FALSE);
  HY_STORE_LOCK (self);

  if (cleared_at == NULL)
    {
      g_autoptr (GDateTime) dt = g_date_time_new_now_utc ();
      now = g_date_time_format (dt, "%Y-%m-%dT%H:%M:%SZ");
      cleared_at = now;
    }
  stmt = _hy_store_prepare (self, "UPDATE alerts SET cleared_at = ?2 WHERE id = ?1", error);
  if (stmt == NULL)
    return FALSE;
  _hy_store_bind_text (stmt, 1, alert_id);
  _hy_store_bind_text (stmt, 2, cleared_at);
  if (!_hy_store_step_done (self, stmt, error))
    return FALSE;
  if (sqlite3_changes (self->db) == 0)
    return _hy_store_record_not_found (error, HY_RECORD_KIND_ALERT, alert_id);
  return TRUE;
}

gboolean
hy_store_count_alerts (HyStore *self, guint *out_open, guint *out_unrouted, GError **error)
{
  g_autoptr (HyStmt) stmt = NULL;

  g_return_val_if_fail (HY_IS_STORE (self), FALSE);
  HY_STORE_LOCK (self);

  stmt = _hy_store_prepare (self,
                            "SELECT (SELECT count(*) FROM alerts WHERE cleared_at IS NULL) + w,"
                            "  (SELECT count(*) FROM alerts WHERE cleared_at IS NULL AND state = "
                            "'unrouted')"
                            "  + w FROM (SELECT count(*) AS w FROM intake_waiting)",
                            error);
  if (stmt == NULL || _hy_store_step (self, stmt, error) != SQLITE_ROW)
    return FALSE;
  if (out_open)
    *out_open = sqlite3_column_int64 (stmt, 0);
  if (out_unrouted)
    *out_unrouted = sqlite3_column_int64 (stmt, 1);
  return TRUE;
}

gboolean
hy_store_get_alert_ticket_closed (HyStore *self,
                                  const char *alert_id,
                                  char **out_raised_at,
                                  GError **error)
{
  g_return_val_if_fail (HY_IS_STORE (self), FALSE);
  g_return_val_if_fail (alert_id != NULL, FALSE);
  g_return_val_if_fail (out_raised_at != NULL, FALSE);
  HY_STORE_LOCK (self);

  return _hy_store_query_text (self,
                               "SELECT raised_at FROM alert_tickets_closed WHERE alert_id = ?1",
                               alert_id, out_raised_at, error);
}

gboolean
hy_store_set_alert_ticket_closed (HyStore *self,
                                  const char *alert_id,
                                  const char *raised_at,
                                  GError **error)
{
  g_autoptr (HyStmt) stmt = NULL;

  g_return_val_if_fail (HY_IS_STORE (self), FALSE);
  g_return_val_if_fail (alert_id != NULL, FALSE);
  HY_STORE_LOCK (self);

  stmt = _hy_store_prepare (self,
                            raised_at != NULL
                                ? "INSERT INTO alert_tickets_closed (alert_id, raised_at) VALUES "
                                  "(?1, ?2) ON CONFLICT (alert_id) DO UPDATE SET raised_at = "
                                  "excluded.raised_at"
                                : "DELETE FROM alert_tickets_closed WHERE alert_id = ?1",
                            error);
  if (stmt == NULL)
    return FALSE;
  _hy_store_bind_text (stmt, 1, alert_id);
  if (raised_at != NULL)
    _hy_store_bind_text (stmt, 2, raised_at);
  return _hy_store_step_done (self, stmt, error);
}
