/* hy-session-connect.c: connecting to Halo — test the connection, then save it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "hy-session"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "credentials/hy-credentials.h"

#include "hy-session.h"

/* What a connect carries from one asynchronous step to the next. */
typedef struct
{
  HyProfile *profile; /* what is saved once the test signs in */
  char *secret;
  HySessionConnectFlags flags;
  /* Whether the secret came from the keyring under the profile's URL and Client ID. */
  gboolean secret_from_keyring;
  HyPreflightResult *result;
  gboolean saved;
} ConnectData;

static void
connect_data_free (ConnectData *data)
{
  g_clear_pointer (&data->profile, hy_profile_free);
  g_clear_pointer (&data->secret, hy_credentials_secret_free);
  g_clear_object (&data->result);
  g_free (data);
}

/* @text stripped, or NULL when it is empty. */
static char *
dup_nonempty (const char *text)
{
  g_autofree char *stripped = g_strstrip (g_strdup (text != NULL ? text : ""));

  return *stripped != '\0' ? g_steal_pointer (&stripped) : NULL;
}

static gboolean
same_application (const HyProfile *a, const HyProfile *b)
{
  return a != NULL && b != NULL && g_strcmp0 (a->url, b->url) == 0 &&
         g_strcmp0 (a->client_id, b->client_id) == 0;
}

/* The profile to save: the connection of @values; the switch stays on only for the same Halo
 * application; the rate limit and the refresh interval are the saved ones unless @flags says
 * @values sets them. */
static HyProfile *
connect_profile_new (const HyProfile *values,
                     const HyProfile *previous,
                     HySessionConnectFlags flags)
{
  g_autoptr (HyProfile) profile = previous != NULL ? hy_profile_copy (previous) : hy_profile_new ();

  g_clear_pointer (&profile->url, g_free);
  g_clear_pointer (&profile->tenant, g_free);
  g_clear_pointer (&profile->client_id, g_free);
  g_clear_pointer (&profile->scopes, g_free);
  profile->url = dup_nonempty (values->url);
  profile->tenant = dup_nonempty (values->tenant);
  profile->client_id = dup_nonempty (values->client_id);
  profile->scopes = dup_nonempty (values->scopes);
  profile->enabled = previous != NULL && previous->enabled && same_application (profile, previous);
  if (flags & HY_SESSION_CONNECT_SET_RATE_LIMIT)
    {
      profile->rate_max = values->rate_max;
      profile->rate_window = values->rate_window;
    }
  if (flags & HY_SESSION_CONNECT_SET_REFRESH_INTERVAL)
    profile->refresh_interval = values->refresh_interval;
  return g_steal_pointer (&profile);
}

static void
connect_done (GTask *task)
{
  ConnectData *data = g_task_get_task_data (task);

  g_task_return_pointer (task, g_steal_pointer (&data->result), g_object_unref);
}

/* Saves the profile and hands the secret to the session. The previous application's secret
 * stays in the keyring: another data directory may be connected to that application (its
 * items are keyed by URL and Client ID only), and removing it would break that one. */
static void
connect_save (GTask *task)
{
  HySession *self = g_task_get_source_object (task);
  ConnectData *data = g_task_get_task_data (task);
  GError *error = NULL;

  if (!hy_session_set_profile (self, data->profile, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  hy_session_set_secret (self, data->secret);
  data->saved = TRUE;
  connect_done (task);
}

static void
connect_secret_stored_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  GError *error = NULL;

  if (!hy_credentials_store_finish (result, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  connect_save (task);
}

static void
connect_tested_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  ConnectData *data = g_task_get_task_data (task);
  GError *error = NULL;

  data->result = hy_session_test_profile_finish (HY_SESSION (source), result, &error);
  if (data->result == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  /* Only a connection Halo answered and accepted the credentials of is worth saving. */
  if (!hy_preflight_result_signs_in (data->result))
    {
      connect_done (task);
      return;
    }

  /* The secret goes to the keyring before the profile changes: a keyring that refuses leaves
   * the previous connection as it was. */
  if (!(data->flags & HY_SESSION_CONNECT_NO_KEYRING) && !data->secret_from_keyring)
    {
      hy_credentials_store_async (data->profile->url, data->profile->client_id, data->secret,
                                  g_task_get_cancellable (task), connect_secret_stored_cb,
                                  g_object_ref (task));
      return;
    }
  connect_save (task);
}

/* The test runs with a Halo client of its own: until it signs in, nothing changes. */
static void
connect_test (GTask *task)
{
  HySession *self = g_task_get_source_object (task);
  ConnectData *data = g_task_get_task_data (task);

  hy_session_test_profile_async (self, data->profile, data->secret, g_task_get_cancellable (task),
                                 connect_tested_cb, g_object_ref (task));
}

static void
connect_looked_up_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  ConnectData *data = g_task_get_task_data (task);
  GError *error = NULL;

  data->secret = hy_credentials_lookup_finish (result, &error);
  if (data->secret == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  data->secret_from_keyring = TRUE;
  connect_test (task);
}

/**
 * hy_session_connect_async:
 * @values: the connection: URL (normalised), tenant, Client ID, scopes; its rate limit and
 *   refresh interval too when @flags says so
 * @secret: (nullable): the Client Secret; %NULL: the one the keyring holds for the URL and
 *   Client ID (%HY_CREDENTIALS_ERROR_NOT_FOUND when there is none)
 *
 * Connects the session to Halo the one way the window and halyard-cli both do: tests the
 * connection with a Halo client of its own, and only when Halo signed it in, stores the secret
 * in the keyring (unless %HY_SESSION_CONNECT_NO_KEYRING, or it came from there), saves the
 * profile and hands the secret to the session. A test that does not sign in, or an error at any step before
 * the profile is saved, leaves the saved connection as it was. The Enabled switch stays on
 * only for the same Halo application (URL and Client ID).
 */
void
hy_session_connect_async (HySession *self,
                          const HyProfile *values,
                          const char *secret,
                          HySessionConnectFlags flags,
                          GCancellable *cancellable,
                          GAsyncReadyCallback callback,
                          gpointer user_data)
{
  g_autoptr (GTask) task = NULL;
  const HyProfile *previous;
  ConnectData *data;

  g_return_if_fail (HY_IS_SESSION (self));
  g_return_if_fail (values != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, hy_session_connect_async);
  /* A connect cancelled after the profile was saved still says it was saved. */
  g_task_set_check_cancellable (task, FALSE);

  previous = hy_session_get_profile (self);
  data = g_new0 (ConnectData, 1);
  data->flags = flags;
  data->profile = connect_profile_new (values, previous, flags);
  g_task_set_task_data (task, data, (GDestroyNotify) connect_data_free);

  if (data->profile->url == NULL || data->profile->client_id == NULL)
    {
      g_task_return_new_error (task, HY_SESSION_ERROR, HY_SESSION_ERROR_INVALID_PROFILE,
                               _ ("A connection needs the Halo URL and the Client ID of the API "
                                  "application"));
      return;
    }

  if (secret != NULL)
    {
      data->secret = g_strdup (secret);
      connect_test (task);
      return;
    }
  hy_credentials_lookup_async (data->profile->url, data->profile->client_id, cancellable,
                               connect_looked_up_cb, g_steal_pointer (&task));
}

/**
 * hy_session_connect_finish:
 * @out_saved: (out) (optional): whether the connection was saved: %FALSE when the test did
 *   not sign in (the result says why)
 *
 * Returns: (transfer full): the connection test, or %NULL with @error set when it could not
 *   run or the connection could not be saved (then the saved connection is as it was).
 */
HyPreflightResult *
hy_session_connect_finish (HySession *self,
                           GAsyncResult *result,
                           gboolean *out_saved,
                           GError **error)
{
  ConnectData *data;

  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  data = g_task_get_task_data (G_TASK (result));
  if (out_saved != NULL)
    *out_saved = data->saved && !g_task_had_error (G_TASK (result));
  return g_task_propagate_pointer (G_TASK (result), error);
}
