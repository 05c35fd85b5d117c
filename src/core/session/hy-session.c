/* hy-session.c: the store, the profile and the Halo client of one data directory
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "hy-session"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "credentials/hy-credentials.h"
#include "preflight/hy-preflight.h"
#include "store/hy-store-service.h"

#include "hy-session-private.h"
#include "hy-session.h"

struct _HySession
{
  GObject parent_instance;

  char *data_dir;
  HyStore *store;
  HyProfile *profile; /* NULL: none saved */
  char *secret;       /* in memory only; wiped */
  HyHaloClient *client;
  gulong request_finished_id;
  gulong store_changed_id;
  /* The one service of the data directory (hy_service_get () makes it on first use); the
   * session owns it and disposes of it when it goes. */
  HyService *service;
};

G_DEFINE_FINAL_TYPE (HySession, hy_session, G_TYPE_OBJECT)

/* clang-format off */
G_DEFINE_QUARK (hy-session-error-quark, hy_session_error)
/* clang-format on */

enum
{
  EVENT_ADDED,
  CLIENT_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* ------------------------------------------------------------------------- */
/* Helpers                                                                   */
/* ------------------------------------------------------------------------- */

static void
wipe_secret (HySession *self)
{
  g_clear_pointer (&self->secret, hy_credentials_secret_free);
}

/* The client's events are redacted already; this makes sure the one secret the session knows
 * can never reach the store, whatever the client does. */
static char *
scrub (const char *text, const char *secret)
{
  const char *secrets[] = { secret, NULL };

  if (text == NULL)
    return NULL;
  if (secret == NULL || *secret == '\0' || strstr (text, secret) == NULL)
    return g_strdup (text);

  return hy_halo_redact_body (text, strlen (text), secrets);
}

static void
drop_client (HySession *self)
{
  if (self->client == NULL)
    return;

  g_clear_signal_handler (&self->request_finished_id, self->client);
  g_clear_object (&self->client);
  g_signal_emit (self, signals[CLIENT_CHANGED], 0);
}

/* ------------------------------------------------------------------------- */
/* Callbacks                                                                 */
/* ------------------------------------------------------------------------- */

/* Records one request of a Halo client in the events log; @secret is the one that client was
 * built with, scrubbed from every field whatever the client's own redaction did. */
static char *
host_of (HyHaloClient *client)
{
  const char *base_url = client != NULL ? hy_halo_client_get_base_url (client) : NULL;
  g_autoptr (GUri) uri = base_url != NULL ? g_uri_parse (base_url, G_URI_FLAGS_NONE, NULL) : NULL;

  if (uri == NULL || g_uri_get_host (uri) == NULL)
    return NULL;
  if (g_uri_get_port (uri) > 0)
    return g_strdup_printf ("%s:%d", g_uri_get_host (uri), g_uri_get_port (uri));
  return g_strdup (g_uri_get_host (uri));
}

static void
record_event (HySession *self, HyHaloClient *client, HyHaloEvent *halo_event, const char *secret)
{
  g_autoptr (HyEvent) event = hy_event_new ();
  g_autoptr (GError) error = NULL;
  gint64 id;

  event->time = halo_event->time;
  event->method = g_strdup (halo_event->method);
  event->path = scrub (halo_event->path, secret);
  event->status = halo_event->status;
  event->duration_ms = halo_event->duration_ms;
  event->record = g_strdup (halo_event->record);
  event->error = scrub (halo_event->error, secret);
  event->request = scrub (halo_event->request_body, secret);
  event->response = scrub (halo_event->response_body, secret);
  event->host = host_of (client);

  id = hy_store_events_append (self->store, event, &error);
  if (id == 0)
    {
      g_warning ("Could not record a request in the events log: %s", error->message);
      return;
    }

  event->id = id;
  g_signal_emit (self, signals[EVENT_ADDED], 0, event);
}

static void
client_request_finished_cb (HyHaloClient *client, HyHaloEvent *halo_event, gpointer user_data)
{
  HySession *self = user_data;

  record_event (self, client, halo_event, self->secret);
}

/* ------------------------------------------------------------------------- */
/* GObject                                                                   */
/* ------------------------------------------------------------------------- */

static void
hy_session_dispose (GObject *object)
{
  HySession *self = HY_SESSION (object);

  /* First the service: it stops delivering and lets go of the session while the session is
   * whole; whoever else still holds it holds an inert service. */
  if (self->service != NULL)
    {
      g_object_run_dispose (G_OBJECT (self->service));
      g_clear_object (&self->service);
    }
  if (self->client != NULL)
    {
      g_clear_signal_handler (&self->request_finished_id, self->client);
      g_clear_object (&self->client);
    }
  if (self->store != NULL)
    g_clear_signal_handler (&self->store_changed_id, self->store);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (hy_session_parent_class)->dispose (object);
}

static void
hy_session_finalize (GObject *object)
{
  HySession *self = HY_SESSION (object);

  wipe_secret (self);
  g_clear_pointer (&self->profile, hy_profile_free);
  g_free (self->data_dir);

  G_OBJECT_CLASS (hy_session_parent_class)->finalize (object);
}

static void
hy_session_class_init (HySessionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = hy_session_dispose;
  object_class->finalize = hy_session_finalize;

  /**
   * HySession::event-added:
   * @event: (type HyEvent): the event as recorded in the store, with its id
   *
   * A request to Halo was recorded in the events log.
   */
  signals[EVENT_ADDED] =
      g_signal_new ("event-added", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                    NULL, G_TYPE_NONE, 1, hy_event_get_type () | G_SIGNAL_TYPE_STATIC_SCOPE);

  /**
   * HySession::client-changed:
   *
   * The Halo client was dropped (the profile or the secret changed) or built anew.
   */
  signals[CLIENT_CHANGED] = g_signal_new ("client-changed", G_TYPE_FROM_CLASS (klass),
                                          G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
hy_session_init (HySession *self)
{
}

/* ------------------------------------------------------------------------- */
/* Public API                                                                */
/* ------------------------------------------------------------------------- */

/* Another process (or another part of this one) saved the profile: take it over. A new
 * connection drops the client; a new rate limit goes to the client's budget. */
static void
store_changed_cb (HySession *self, guint changes)
{
  g_autoptr (HyProfile) profile = NULL;
  gboolean same_connection;

  if (!(changes & HY_STORE_CHANGED_PROFILE))
    return;
  profile = hy_store_get_profile (self->store, NULL);
  if (profile == NULL)
    return;
  same_connection = self->profile != NULL && g_strcmp0 (profile->url, self->profile->url) == 0 &&
                    g_strcmp0 (profile->tenant, self->profile->tenant) == 0 &&
                    g_strcmp0 (profile->client_id, self->profile->client_id) == 0 &&
                    g_strcmp0 (profile->scopes, self->profile->scopes) == 0;
  g_clear_pointer (&self->profile, hy_profile_free);
  self->profile = g_steal_pointer (&profile);
  if (!same_connection)
    drop_client (self);
  else if (self->client != NULL)
    hy_halo_client_set_rate_limit (self->client, self->profile->rate_max,
                                   self->profile->rate_window * 1000);
}

/**
 * hy_session_open:
 * @data_dir: (nullable): the data directory; %NULL: $HALYARD_DATA_DIR, else
 *   $XDG_DATA_HOME/halyard
 * @error: return location for an error (HY_STORE_ERROR)
 *
 * Opens the store of @data_dir (creating it when needed) and loads its profile.
 *
 * Returns: (transfer full): the session, or %NULL on error
 */
HySession *
hy_session_open (const char *data_dir, GError **error)
{
  g_autoptr (HySession) self = NULL;
  g_autoptr (GError) local_error = NULL;
  g_autofree char *path = NULL;

  self = g_object_new (HY_TYPE_SESSION, NULL);
  self->data_dir = data_dir != NULL ? g_strdup (data_dir) : hy_store_get_default_data_dir ();
  path = hy_store_build_path (self->data_dir);

  self->store = hy_store_open (path, error);
  if (self->store == NULL)
    return NULL;

  self->profile = hy_store_get_profile (self->store, &local_error);
  if (self->profile == NULL &&
      !g_error_matches (local_error, HY_STORE_ERROR, HY_STORE_ERROR_NOT_FOUND))
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  self->store_changed_id =
      g_signal_connect_object (self->store, "changed", G_CALLBACK (store_changed_cb), self,
                               G_CONNECT_SWAPPED);

  return g_steal_pointer (&self);
}

const char *
hy_session_get_data_dir (HySession *self)
{
  g_return_val_if_fail (HY_IS_SESSION (self), NULL);

  return self->data_dir;
}

HyStore *
hy_session_get_store (HySession *self)
{
  g_return_val_if_fail (HY_IS_SESSION (self), NULL);

  return self->store;
}

/**
 * hy_session_get_service:
 *
 * Returns: (transfer none) (nullable): the session's service, %NULL until hy_service_get ()
 *   made it
 */
HyService *
hy_session_get_service (HySession *self)
{
  g_return_val_if_fail (HY_IS_SESSION (self), NULL);

  return self->service;
}

void
_hy_session_set_service (HySession *self, HyService *service)
{
  g_return_if_fail (HY_IS_SESSION (self));
  g_return_if_fail (G_IS_OBJECT (service));
  g_return_if_fail (self->service == NULL);

  self->service = g_object_ref (service);
}

const HyProfile *
hy_session_get_profile (HySession *self)
{
  g_return_val_if_fail (HY_IS_SESSION (self), NULL);

  return self->profile;
}

/**
 * hy_session_set_profile:
 * @self: a #HySession
 * @profile: the connection profile
 * @error: return location for an error
 *
 * Saves @profile in the store and drops the current Halo client, so the next request uses
 * the new profile.
 *
 * Returns: %TRUE on success
 */
gboolean
hy_session_set_profile (HySession *self, const HyProfile *profile, GError **error)
{
  g_return_val_if_fail (HY_IS_SESSION (self), FALSE);
  g_return_val_if_fail (profile != NULL, FALSE);

  if (profile->url == NULL || *profile->url == '\0' || profile->client_id == NULL ||
      *profile->client_id == '\0')
    {
      g_set_error_literal (error, HY_SESSION_ERROR, HY_SESSION_ERROR_INVALID_PROFILE,
                           _ ("A connection needs the Halo URL and the Client ID of the API "
                              "application"));
      return FALSE;
    }

  if (!hy_store_set_profile (self->store, profile, error))
    return FALSE;

  g_clear_pointer (&self->profile, hy_profile_free);
  self->profile = hy_profile_copy (profile);
  drop_client (self);

  return TRUE;
}

/* Only the Enabled flag: the connection is the same, so the client (and its token) stays. */
gboolean
hy_session_set_enabled (HySession *self, gboolean enabled, GError **error)
{
  g_return_val_if_fail (HY_IS_SESSION (self), FALSE);

  if (self->profile == NULL)
    {
      g_set_error_literal (error, HY_SESSION_ERROR, HY_SESSION_ERROR_NOT_CONNECTED,
                           _ ("Halyard is not connected to Halo yet: connect it to Halo first"));
      return FALSE;
    }
  if (!hy_store_set_enabled (self->store, enabled, error))
    return FALSE;
  self->profile->enabled = enabled;
  return TRUE;
}

void
hy_session_set_secret (HySession *self, const char *secret)
{
  g_return_if_fail (HY_IS_SESSION (self));

  wipe_secret (self);
  self->secret = g_strdup (secret);
  drop_client (self);
}

gboolean
hy_session_has_secret (HySession *self)
{
  g_return_val_if_fail (HY_IS_SESSION (self), FALSE);

  return self->secret != NULL;
}

HyHaloClient *
hy_session_peek_client (HySession *self)
{
  g_return_val_if_fail (HY_IS_SESSION (self), NULL);

  return self->client;
}

void
hy_session_forget_client (HySession *self)
{
  g_return_if_fail (HY_IS_SESSION (self));

  drop_client (self);
}

static gboolean
check_profile (HySession *self, GError **error)
{
  if (self->profile == NULL)
    {
      g_set_error_literal (error, HY_SESSION_ERROR, HY_SESSION_ERROR_NOT_CONNECTED,
                           _ ("Halyard is not connected to Halo yet: connect it to Halo first"));
      return FALSE;
    }

  return TRUE;
}

/* ---- Saving the secret ---------------------------------------------------- */

static void
save_secret_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  GError *error = NULL;

  if (!hy_credentials_store_finish (result, &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

void
hy_session_save_secret_async (HySession *self,
                              GCancellable *cancellable,
                              GAsyncReadyCallback callback,
                              gpointer user_data)
{
  g_autoptr (GTask) task = NULL;
  GError *error = NULL;

  g_return_if_fail (HY_IS_SESSION (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, hy_session_save_secret_async);

  if (!check_profile (self, &error))
    {
      g_task_return_error (task, error);
      return;
    }

  hy_credentials_store_async (self->profile->url, self->profile->client_id, self->secret,
                              cancellable, save_secret_cb, g_steal_pointer (&task));
}

gboolean
hy_session_save_secret_finish (HySession *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ---- The client ------------------------------------------------------------ */

static gboolean
take_shared_rate (gpointer user_data,
                  gboolean bulk,
                  guint max_requests,
                  gint64 window_us,
                  gint64 now,
                  gint64 *retry_at)
{
  g_autoptr (GError) error = NULL;

  if (hy_store_rate_take (HY_STORE (user_data), bulk, max_requests, window_us, now, retry_at,
                          &error))
    return TRUE;
  if (error == NULL)
    return FALSE;
  /* The store is unavailable: this process's own budget still holds the limit. */
  g_debug ("The shared rate budget is unavailable: %s", error->message);
  return TRUE;
}

/* The rate limit is the profile's, and the budget is the one every process on this data
 * directory shares. */
static void
share_rate_budget (HySession *self, HyHaloClient *client, const HyProfile *profile)
{
  hy_halo_client_set_rate_limit (client,
                                 profile->rate_max > 0 ? profile->rate_max
                                                       : HY_PROFILE_DEFAULT_RATE_MAX,
                                 (profile->rate_window > 0 ? profile->rate_window
                                                           : HY_PROFILE_DEFAULT_RATE_WINDOW) *
                                     1000);
  hy_halo_budget_set_ledger (hy_halo_client_get_budget (client), take_shared_rate,
                             g_object_ref (self->store), g_object_unref);
}

static gboolean
build_client (HySession *self, const char *secret, GError **error)
{
  g_autoptr (HyHaloClient) client = NULL;

  client = hy_halo_client_new (self->profile->url, self->profile->tenant, self->profile->client_id,
                               secret, self->profile->scopes, error);
  if (client == NULL)
    return FALSE;

  drop_client (self);
  self->client = g_steal_pointer (&client);
  share_rate_budget (self, self->client, self->profile);
  /* A later pre-flight on this client (already signed in) still knows the granted scopes. */
  hy_preflight_observe_client (self->client);
  self->request_finished_id = g_signal_connect (self->client, "request-finished",
                                                G_CALLBACK (client_request_finished_cb), self);
  g_signal_emit (self, signals[CLIENT_CHANGED], 0);

  return TRUE;
}

static void
lookup_secret_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  HySession *self = g_task_get_source_object (task);
  GError *error = NULL;
  char *secret;

  secret = hy_credentials_lookup_finish (result, &error);
  if (secret == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  /* The profile may have changed while the keyring answered. */
  if (self->client == NULL && !build_client (self, secret, &error))
    {
      hy_credentials_secret_free (secret);
      g_task_return_error (task, error);
      return;
    }

  hy_credentials_secret_free (secret);
  g_task_return_pointer (task, g_object_ref (self->client), g_object_unref);
}

void
hy_session_get_client_async (HySession *self,
                             GCancellable *cancellable,
                             GAsyncReadyCallback callback,
                             gpointer user_data)
{
  g_autoptr (GTask) task = NULL;
  GError *error = NULL;

  g_return_if_fail (HY_IS_SESSION (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, hy_session_get_client_async);

  if (self->client != NULL)
    {
      g_task_return_pointer (task, g_object_ref (self->client), g_object_unref);
      return;
    }

  if (!check_profile (self, &error))
    {
      g_task_return_error (task, error);
      return;
    }

  if (self->secret != NULL)
    {
      if (!build_client (self, self->secret, &error))
        g_task_return_error (task, error);
      else
        g_task_return_pointer (task, g_object_ref (self->client), g_object_unref);
      return;
    }

  hy_credentials_lookup_async (self->profile->url, self->profile->client_id, cancellable,
                               lookup_secret_cb, g_steal_pointer (&task));
}

/**
 * hy_session_get_client_finish:
 *
 * Returns: (transfer full): the Halo client, or %NULL on error
 */
HyHaloClient *
hy_session_get_client_finish (HySession *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ---- Refresh ---------------------------------------------------------------- */

/**
 * hy_session_cache_record_from_halo:
 * @kind: the cache kind @record belongs to
 * @record: a record Halo sent
 *
 * Returns: (transfer full): the cache record for @record
 */
HyCacheRecord *
hy_session_cache_record_from_halo (HyCacheKind kind, HyHaloRecord *record)
{
  HyCacheRecord *cache;
  const char *name = hy_halo_record_get_name (record);

  if (kind == HY_CACHE_KIND_ASSET)
    {
      const char *key_field = hy_halo_record_get_string (record, "key_field");
      const char *inventory = hy_halo_record_get_string (record, "inventory_number");

      name = key_field != NULL && *key_field != '\0' ? key_field : inventory;
    }

  cache = hy_cache_record_new (kind, hy_halo_record_get_id (record), name);

  switch (kind)
    {
      case HY_CACHE_KIND_CLIENT:
        cache->inactive = hy_halo_record_get_boolean (record, "inactive");
        /* Its main site: where a device with no site mapped goes (Halo files an asset without
         * a site under its "Unknown" client). */
        cache->site_id = hy_halo_record_get_int (record, "main_site_id");
        break;
      case HY_CACHE_KIND_SITE:
        cache->inactive = hy_halo_record_get_boolean (record, "inactive");
        cache->client_id = hy_halo_record_get_client_id (record);
        break;
      case HY_CACHE_KIND_ASSET:
        cache->inactive = hy_halo_record_get_boolean (record, "inactive");
        cache->client_id = hy_halo_record_get_client_id (record);
        cache->site_id = hy_halo_record_get_site_id (record);
        cache->inventory_number = g_strdup (hy_halo_record_get_string (record, "inventory_number"));
        cache->key_field = g_strdup (hy_halo_record_get_string (record, "key_field"));
        /* Halo has no serial member: it is the asset type's field named like "Serial Number" */
        cache->serial =
            g_strdup (hy_halo_asset_field_value (hy_halo_record_get_object (record), "serial"));
        break;
      case HY_CACHE_KIND_AGENT:
        cache->email = g_strdup (hy_halo_record_get_email (record));
        cache->is_api_agent = hy_halo_record_get_boolean (record, "isapiagent");
        cache->inactive = hy_halo_record_get_boolean (record, "isdisabled");
        break;
      case HY_CACHE_KIND_STATUS:
        /* Halo's statuses say nothing of closing: its system status Closed (id 9) does. */
        cache->closed = hy_halo_record_get_id (record) == HY_HALO_STATUS_CLOSED;
        break;
      case HY_CACHE_KIND_TEAM:
        cache->inactive = hy_halo_record_get_boolean (record, "inactive");
        break;
      case HY_CACHE_KIND_TICKET_TYPE:
      case HY_CACHE_KIND_OUTCOME:
      case HY_CACHE_KIND_PRIORITY:
      default:
        break;
    }

  return cache;
}

typedef struct
{
  HyHaloClient *client;
  guint first_request_count;
  HyCacheKind kind; /* the kind being fetched */
  HySessionRefresh refresh;
} RefreshData;

static void
refresh_data_free (RefreshData *data)
{
  g_clear_object (&data->client);
  g_free (data);
}

static void refresh_next (GTask *task);

static void
refresh_list_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  HySession *self = g_task_get_source_object (task);
  RefreshData *data = g_task_get_task_data (task);
  g_autoptr (HyHaloList) list = NULL;
  g_autoptr (GPtrArray) records = NULL;
  GError *error = NULL;

  list = hy_halo_client_list_finish (HY_HALO_CLIENT (source), result, &error);
  if (list == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  /* Each Halo record is released as soon as it is converted: reading a member Halyard does
   * not keep parses the record's whole JSON, and 100 000 parsed assets would cost gigabytes. */
  records = g_ptr_array_new_full (list->records->len, (GDestroyNotify) hy_cache_record_free);
  g_ptr_array_set_free_func (list->records, NULL);
  for (guint i = 0; i < list->records->len; i++)
    {
      HyHaloRecord *record = g_steal_pointer (&list->records->pdata[i]);

      g_ptr_array_add (records, hy_session_cache_record_from_halo (data->kind, record));
      hy_halo_record_unref (record);
    }

  if (!hy_store_cache_replace (self->store, data->kind, records, &error))
    {
      g_task_return_error (task, error);
      return;
    }

  data->refresh.counts[data->kind] = records->len;
  data->kind++;
  refresh_next (g_steal_pointer (&task));
}

static void
refresh_next (GTask *task)
{
  RefreshData *data = g_task_get_task_data (task);
  GCancellable *cancellable = g_task_get_cancellable (task);
  const HyHaloPriority priority = HY_HALO_PRIORITY_INTERACTIVE;

  switch (data->kind)
    {
      /* Inactive clients, sites and assets and disabled agents too: links to them must stay
       * resolvable, and the linker shows them as inactive rather than not at all. */
      case HY_CACHE_KIND_CLIENT:
        hy_halo_client_list_async (data->client, HY_HALO_KIND_CLIENT, "includeinactive=true", NULL,
                                   0, priority, NULL, cancellable, refresh_list_cb, task);
        break;
      case HY_CACHE_KIND_SITE:
        /* 0: every client's sites (inactive ones included) */
        hy_halo_client_list_sites_async (data->client, 0, priority, cancellable, refresh_list_cb,
                                         task);
        break;
      case HY_CACHE_KIND_ASSET:
        hy_halo_client_list_async (data->client, HY_HALO_KIND_ASSET,
                                   "includeassetfields=true&includeinactive=true", NULL, 0,
                                   priority, NULL, cancellable, refresh_list_cb, task);
        break;
      case HY_CACHE_KIND_AGENT:
        hy_halo_client_list_async (data->client, HY_HALO_KIND_AGENT,
                                   "includeapiagents=true&includedisabled=true", NULL, 0, priority,
                                   NULL, cancellable, refresh_list_cb, task);
        break;
      case HY_CACHE_KIND_TICKET_TYPE:
        hy_halo_client_list_ticket_types_async (data->client, priority, cancellable,
                                                refresh_list_cb, task);
        break;
      case HY_CACHE_KIND_STATUS:
        hy_halo_client_list_statuses_async (data->client, priority, cancellable, refresh_list_cb,
                                            task);
        break;
      case HY_CACHE_KIND_OUTCOME:
        hy_halo_client_list_outcomes_async (data->client, priority, cancellable, refresh_list_cb,
                                            task);
        break;
      case HY_CACHE_KIND_PRIORITY:
        hy_halo_client_list_priorities_async (data->client, priority, cancellable, refresh_list_cb,
                                              task);
        break;
      case HY_CACHE_KIND_TEAM:
        /* Every team, disabled ones too: a policy's team must stay resolvable. */
        hy_halo_client_list_async (data->client, HY_HALO_KIND_TEAM, "includedisabled=true", NULL, 0,
                                   priority, NULL, cancellable, refresh_list_cb, task);
        break;
      default:
        data->refresh.requests =
            hy_halo_client_get_request_count (data->client) - data->first_request_count;
        g_task_return_boolean (task, TRUE);
        g_object_unref (task);
        break;
    }
}

static void
refresh_client_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  HySession *self = g_task_get_source_object (task);
  RefreshData *data = g_task_get_task_data (task);
  GError *error = NULL;

  data->client = hy_session_get_client_finish (self, result, &error);
  if (data->client == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  data->first_request_count = hy_halo_client_get_request_count (data->client);
  data->kind = 0;
  refresh_next (g_steal_pointer (&task));
}

/**
 * hy_session_refresh_async:
 * @self: a #HySession
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when done
 * @user_data: data for @callback
 *
 * Fetches every kind of the Halo cache (clients, sites, assets, agents including API-only
 * agents, ticket types, statuses, outcomes, priorities, teams), one after the other, and replaces the cached
 * records of each kind in one transaction. A failure stops the refresh; the kinds already
 * replaced stay replaced, the others keep their previous records.
 */
void
hy_session_refresh_async (HySession *self,
                          GCancellable *cancellable,
                          GAsyncReadyCallback callback,
                          gpointer user_data)
{
  g_autoptr (GTask) task = NULL;

  g_return_if_fail (HY_IS_SESSION (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, hy_session_refresh_async);
  g_task_set_task_data (task, g_new0 (RefreshData, 1), (GDestroyNotify) refresh_data_free);

  hy_session_get_client_async (self, cancellable, refresh_client_cb, g_steal_pointer (&task));
}

gboolean
hy_session_refresh_finish (HySession *self,
                           GAsyncResult *result,
                           HySessionRefresh *out_refresh,
                           GError **error)
{
  RefreshData *data;

  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  if (!g_task_propagate_boolean (G_TASK (result), error))
    return FALSE;

  data = g_task_get_task_data (G_TASK (result));
  if (out_refresh != NULL)
    *out_refresh = data->refresh;

  return TRUE;
}

/* ---- Testing a connection before saving it ---------------------------------- */

typedef struct
{
  HySession *session;
  HyHaloClient *client;
  char *secret;
  gulong request_finished_id;
} TestProfileData;

static void
test_profile_data_free (TestProfileData *data)
{
  g_clear_signal_handler (&data->request_finished_id, data->client);
  g_clear_object (&data->client);
  g_clear_object (&data->session);
  g_clear_pointer (&data->secret, hy_credentials_secret_free);
  g_free (data);
}

static void
candidate_request_finished_cb (HyHaloClient *client, HyHaloEvent *halo_event, gpointer user_data)
{
  TestProfileData *data = user_data;

  record_event (data->session, client, halo_event, data->secret);
}

static void
test_profile_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  HyPreflightResult *preflight;
  GError *error = NULL;

  preflight = hy_preflight_run_finish (result, &error);
  if (preflight == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, preflight, g_object_unref);
}

/**
 * hy_session_test_profile_async:
 * @profile: the connection to test (not saved)
 * @secret: its Client Secret (copied, wiped when done)
 *
 * Runs the pre-flight against a connection that is not saved yet, with a Halo client of its
 * own, so that a refused secret or a wrong URL changes nothing: neither the saved profile nor
 * the session's client. Its requests are recorded in the events log like every other.
 */
void
hy_session_test_profile_async (HySession *self,
                               const HyProfile *profile,
                               const char *secret,
                               GCancellable *cancellable,
                               GAsyncReadyCallback callback,
                               gpointer user_data)
{
  g_autoptr (GTask) task = NULL;
  TestProfileData *data;
  GError *error = NULL;

  g_return_if_fail (HY_IS_SESSION (self));
  g_return_if_fail (profile != NULL);
  g_return_if_fail (secret != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, hy_session_test_profile_async);

  data = g_new0 (TestProfileData, 1);
  data->session = g_object_ref (self);
  data->secret = g_strdup (secret);
  g_task_set_task_data (task, data, (GDestroyNotify) test_profile_data_free);

  data->client = hy_halo_client_new (profile->url, profile->tenant, profile->client_id,
                                     data->secret, profile->scopes, &error);
  if (data->client == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  data->request_finished_id = g_signal_connect (data->client, "request-finished",
                                                G_CALLBACK (candidate_request_finished_cb), data);
  /* Its requests count against the same Halo limit as every other process's. */
  share_rate_budget (self, data->client, profile);

  hy_preflight_run_async (data->client, cancellable, test_profile_cb, g_steal_pointer (&task));
}

/**
 * hy_session_test_profile_finish:
 *
 * Returns: (transfer full): the pre-flight result, or %NULL with @error set when the test
 *   could not run (an invalid URL, cancelled).
 */
HyPreflightResult *
hy_session_test_profile_finish (HySession *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
