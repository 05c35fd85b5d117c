/* hy-store-profile.c: the connection profile and settings
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
 * Profile and settings
 * ------------------------------------------------------------------------------------------- */

static gboolean
no_profile (GError **error)
{
  g_set_error (error, HY_STORE_ERROR, HY_STORE_ERROR_NOT_FOUND,
               _ ("No Halo connection is set up yet. Connect to Halo first."));
  return FALSE;
}

HyProfile *
hy_store_get_profile (HyStore *self, GError **error)
{
  g_autoptr (HyStmt) stmt = NULL;
  HyProfile *profile;
  int rc;

  g_return_val_if_fail (HY_IS_STORE (self), NULL);
  HY_STORE_LOCK (self);

  stmt =
      _hy_store_prepare (self,
                         "SELECT url, tenant, client_id, scopes, enabled, rate_max, rate_window, "
                         "refresh_interval FROM profile WHERE id = 1",
                         error);
  if (stmt == NULL)
    return NULL;
  rc = _hy_store_step (self, stmt, error);
  if (rc < 0)
    return NULL;
  if (rc == SQLITE_DONE)
    {
      no_profile (error);
      return NULL;
    }
  profile = hy_profile_new ();
  profile->url = _hy_store_column_dup (stmt, 0);
  profile->tenant = _hy_store_column_dup (stmt, 1);
  profile->client_id = _hy_store_column_dup (stmt, 2);
  profile->scopes = _hy_store_column_dup (stmt, 3);
  profile->enabled = sqlite3_column_int (stmt, 4);
  profile->rate_max = (guint) sqlite3_column_int64 (stmt, 5);
  profile->rate_window = (guint) sqlite3_column_int64 (stmt, 6);
  profile->refresh_interval = (guint) sqlite3_column_int64 (stmt, 7);
  return profile;
}

gboolean
hy_store_set_profile (HyStore *self, const HyProfile *profile, GError **error)
{
  g_autoptr (HyStmt) stmt = NULL;

  g_return_val_if_fail (HY_IS_STORE (self), FALSE);
  g_return_val_if_fail (profile != NULL, FALSE);
  HY_STORE_LOCK (self);

  if (profile->url == NULL || *profile->url == '\0' || profile->client_id == NULL ||
      *profile->client_id == '\0')
    {
      g_set_error (error, HY_STORE_ERROR, HY_STORE_ERROR_INVALID,
                   _ ("A connection needs the Halo URL and the Client ID of the Halo API "
                      "application."));
      return FALSE;
    }
  stmt = _hy_store_prepare (
      self,
      "INSERT INTO profile (id, url, tenant, client_id, scopes, enabled, rate_max, "
      "rate_window, refresh_interval) VALUES (1, ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) "
      "ON CONFLICT (id) DO UPDATE SET url = excluded.url, tenant = excluded.tenant, "
      "client_id = excluded.client_id, scopes = excluded.scopes, "
      "enabled = excluded.enabled, rate_max = excluded.rate_max, "
      "rate_window = excluded.rate_window, "
      "refresh_interval = excluded.refresh_interval",
      error);
  if (stmt == NULL)
    return FALSE;
  _hy_store_bind_text (stmt, 1, profile->url);
  _hy_store_bind_text (stmt, 2, profile->tenant);
  _hy_store_bind_text (stmt, 3, profile->client_id);
  _hy_store_bind_text (stmt, 4, profile->scopes);
  sqlite3_bind_int (stmt, 5, profile->enabled ? 1 : 0);
  sqlite3_bind_int64 (stmt, 6,
                      profile->rate_max > 0 ? profile->rate_max : HY_PROFILE_DEFAULT_RATE_MAX);
  sqlite3_bind_int64 (stmt, 7,
                      profile->rate_window > 0 ? profile->rate_window
                                               : HY_PROFILE_DEFAULT_RATE_WINDOW);
  sqlite3_bind_int64 (stmt, 8, profile->refresh_interval);
  return _hy_store_step_done (self, stmt, error);
}

gboolean
hy_store_set_enabled (HyStore *self, gboolean enabled, GError **error)
{
  g_autoptr (HyStmt) stmt = NULL;

  g_return_val_if_fail (HY_IS_STORE (self), FALSE);
  HY_STORE_LOCK (self);

  stmt = _hy_store_prepare (self, "UPDATE profile SET enabled = ?1 WHERE id = 1", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int (stmt, 1, enabled ? 1 : 0);
  if (!_hy_store_step_done (self, stmt, error))
    return FALSE;
  if (sqlite3_changes (self->db) == 0)
    return no_profile (error);
  return TRUE;
}

gboolean
hy_store_get_setting (HyStore *self, const char *key, char **out_value, GError **error)
{
  g_return_val_if_fail (HY_IS_STORE (self), FALSE);
  g_return_val_if_fail (key != NULL, FALSE);
  g_return_val_if_fail (out_value != NULL, FALSE);
  HY_STORE_LOCK (self);

  return _hy_store_query_text (self, "SELECT value FROM settings WHERE key = ?1", key, out_value,
                               error);
}

gboolean
hy_store_set_setting (HyStore *self, const char *key, const char *value, GError **error)
{
  g_autoptr (HyStmt) stmt = NULL;

  g_return_val_if_fail (HY_IS_STORE (self), FALSE);
  g_return_val_if_fail (key != NULL, FALSE);
  HY_STORE_LOCK (self);

  stmt = _hy_store_prepare (self,
                            value ? "INSERT INTO settings (key, value) VALUES (?1, ?2) "
                                    "ON CONFLICT (key) DO UPDATE SET value = excluded.value"
                                  : "DELETE FROM settings WHERE key = ?1",
                            error);
  if (stmt == NULL)
    return FALSE;
  _hy_store_bind_text (stmt, 1, key);
  if (value)
    _hy_store_bind_text (stmt, 2, value);
  return _hy_store_step_done (self, stmt, error);
}
