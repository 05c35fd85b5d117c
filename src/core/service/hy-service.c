/* hy-service.c: the integration as a running service
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "hy-service"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "session/hy-session-private.h"

#include "hy-service-private.h"

/* Changes close together (an import's batches) start one sync, this long after the last. */
#define RESYNC_DELAY_MS 300

struct _HyService
{
  GObject parent_instance;

  HySession *session; /* not a reference: the session owns the service */
  HyStore *store;
  HySyncEngine *engine;
  GCancellable *cancellable;

  char *command;
  gboolean started;   /* hy_service_start () was called and not stopped */
  gboolean automatic; /* runs the engine (else only holds the lease) */
  gboolean delivering;
  gboolean was_enabled;
  gboolean client_pending;
  guint refresh_interval; /* of @refresh_timer */
  char *links_signature;  /* of the company and location links: what decides the groups */

  GSource *lease_timer;
  GSource *refresh_timer;
  GSource *resync_source;
  gulong store_changed_id;
  gulong client_changed_id;

  HyServiceIntake *intake;
};

G_DEFINE_FINAL_TYPE (HyService, hy_service, G_TYPE_OBJECT)

enum
{
  CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void take_client (HyService *self);
static void schedule_refresh (HyService *self);

static void
clear_source (GSource **source)
{
  if (*source != NULL)
    {
      g_source_destroy (*source);
      g_clear_pointer (source, g_source_unref);
    }
}

static void
emit_changed (HyService *self)
{
  g_signal_emit (self, signals[CHANGED], 0);
}

void
_hy_service_emit_changed (HyService *self)
{
  emit_changed (self);
}

gboolean
_hy_service_get_automatic (HyService *self)
{
  return self->automatic;
}

static gboolean
is_enabled (HyService *self)
{
  const HyProfile *profile = hy_session_get_profile (self->session);

  return profile != NULL && profile->enabled;
}

/* ---- The engine ------------------------------------------------------------------------- */

static void
set_engine (HyService *self, HySyncEngine *engine)
{
  if (self->engine != NULL)
    hy_sync_engine_set_auto_deliver (self->engine, FALSE);
  g_set_object (&self->engine, engine);
  if (self->intake != NULL)
    _hy_service_intake_set_engine (self->intake, engine);
  if (self->delivering && self->automatic && hy_sync_engine_get_client (engine) != NULL)
    {
      hy_sync_engine_set_auto_deliver (engine, TRUE);
      /* What was recorded or changed while nobody delivered goes now. */
      if (is_enabled (self))
        hy_sync_engine_schedule (engine, TRUE);
    }
  emit_changed (self);
}

static void
client_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (HyService) self = user_data;
  g_autoptr (HyHaloClient) client = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (HySyncEngine) engine = NULL;

  self->client_pending = FALSE;
  client = hy_session_get_client_finish (HY_SESSION (source), result, &error);
  if (client == NULL)
    {
      /* No secret here (yet): the engine records, and the next client-changed tries again. */
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_debug ("No Halo client for the service: %s", error->message);
      return;
    }
  if (self->engine != NULL && hy_sync_engine_get_client (self->engine) == client)
    return;
  engine = hy_sync_engine_new (self->store, client);
  set_engine (self, engine);
}

static void
take_client (HyService *self)
{
  if (self->client_pending || hy_session_get_profile (self->session) == NULL)
    return;
  self->client_pending = TRUE;
  hy_session_get_client_async (self->session, self->cancellable, client_cb, g_object_ref (self));
}

static void
client_changed_cb (HyService *self)
{
  HyHaloClient *client = hy_session_peek_client (self->session);

  if (client != NULL)
    {
      if (self->engine == NULL || hy_sync_engine_get_client (self->engine) != client)
        {
          g_autoptr (HySyncEngine) engine = hy_sync_engine_new (self->store, client);
          set_engine (self, engine);
        }
    }
  else if (self->delivering && self->automatic)
    take_client (self);
}

/* ---- Re-sync on change ------------------------------------------------------------------ */

static gboolean
resync_cb (gpointer user_data)
{
  HyService *self = user_data;

  g_clear_pointer (&self->resync_source, g_source_unref);
  if (self->delivering && self->automatic && self->engine != NULL && is_enabled (self))
    hy_sync_engine_schedule (self->engine, TRUE);
  return G_SOURCE_REMOVE;
}

static void
schedule_resync (HyService *self)
{
  clear_source (&self->resync_source);
  self->resync_source = g_timeout_source_new (RESYNC_DELAY_MS);
  g_source_set_callback (self->resync_source, resync_cb, self, NULL);
  g_source_set_static_name (self->resync_source, "[halyard] re-sync");
  g_source_attach (self->resync_source, g_main_context_get_thread_default ());
}

/* The company and location links decide where a group's devices go; the engine itself writes
 * only computer links (the assets it created), which decide nothing. */
static char *
links_signature (HyStore *store)
{
  g_autoptr (GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA1);
  const HyRecordKind kinds[] = { HY_RECORD_KIND_COMPANY, HY_RECORD_KIND_LOCATION };

  for (guint k = 0; k < G_N_ELEMENTS (kinds); k++)
    {
      g_autoptr (GPtrArray) links = hy_store_list_links (store, kinds[k], NULL, NULL);

      for (guint i = 0; links != NULL && i < links->len; i++)
        {
          HyLink *link = g_ptr_array_index (links, i);
          char id[32];

          g_checksum_update (sum, (const guchar *) link->id, -1);
          g_snprintf (id, sizeof id, ":%" G_GINT64_FORMAT ";", link->link.halo_id);
          g_checksum_update (sum, (const guchar *) id, -1);
        }
    }
  return g_strdup (g_checksum_get_string (sum));
}

static void
take_sync_request (HyService *self)
{
  g_autoptr (GError) error = NULL;
  gboolean requested = FALSE;

  if (!hy_store_take_sync_request (self->store, &requested, &error))
    g_debug ("Reading the requests to the deliverer failed: %s", error->message);
  else if (requested)
    schedule_resync (self);
}

static gboolean try_lease (HyService *self, HyLeaseHolder **out_holder, GError **error);

static void
store_changed_cb (HyService *self, guint changes)
{
  gboolean enabled = is_enabled (self);

  if (!self->delivering)
    {
      /* The deliverer gave the lease up: take over. */
      if (self->started && (changes & HY_STORE_CHANGED_SERVICE))
        try_lease (self, NULL, NULL);
      emit_changed (self);
      return;
    }
  if (!self->automatic)
    return;

  /* The intake's address may have been set or changed (intake set --listen, Setup). */
  if (changes & HY_STORE_CHANGED_SETTINGS)
    _hy_service_intake_update (self->intake);

  if (changes & HY_STORE_CHANGED_SERVICE)
    take_sync_request (self);
  /* Another process recorded writes (alert raise, retry): it counts on the deliverer. */
  if ((changes & HY_STORE_CHANGED_BY_OTHER) &&
      (changes & (HY_STORE_CHANGED_OUTBOX | HY_STORE_CHANGED_ALERTS)) && self->engine != NULL)
    hy_sync_engine_schedule (self->engine, FALSE);
  if (changes & (HY_STORE_CHANGED_INVENTORY | HY_STORE_CHANGED_MAPPINGS))
    schedule_resync (self);
  if (changes & HY_STORE_CHANGED_LINKS)
    {
      g_autofree char *signature = links_signature (self->store);

      if (g_strcmp0 (signature, self->links_signature) != 0)
        {
          g_free (self->links_signature);
          self->links_signature = g_steal_pointer (&signature);
          schedule_resync (self);
        }
    }
  if (changes & HY_STORE_CHANGED_PROFILE)
    {
      if (enabled && !self->was_enabled)
        schedule_resync (self);
      schedule_refresh (self);
    }
  self->was_enabled = enabled;
  if (changes & ~(HY_STORE_CHANGED_EVENTS | HY_STORE_CHANGED_BY_OTHER))
    emit_changed (self);
}

/* ---- Scheduled refresh of Halo's records ------------------------------------------------ */

static void
refresh_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (HyService) self = user_data;
  g_autoptr (GError) error = NULL;

  if (!hy_session_refresh_finish (HY_SESSION (source), result, NULL, &error) &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_debug ("Scheduled refresh failed: %s", error->message);
}

static gboolean
refresh_timer_cb (gpointer user_data)
{
  HyService *self = user_data;

  if (self->delivering && self->automatic && is_enabled (self) &&
      hy_session_peek_client (self->session) != NULL)
    hy_session_refresh_async (self->session, self->cancellable, refresh_cb, g_object_ref (self));
  return G_SOURCE_CONTINUE;
}

static void
schedule_refresh (HyService *self)
{
  const HyProfile *profile = hy_session_get_profile (self->session);
  guint interval = profile != NULL ? profile->refresh_interval : 0;
  gboolean wanted = interval > 0 && self->delivering && self->automatic;

  if (wanted && self->refresh_timer != NULL && self->refresh_interval == interval)
    return;
  clear_source (&self->refresh_timer);
  self->refresh_interval = interval;
  if (!wanted)
    return;
  self->refresh_timer = g_timeout_source_new_seconds (interval);
  g_source_set_callback (self->refresh_timer, refresh_timer_cb, self, NULL);
  g_source_set_static_name (self->refresh_timer, "[halyard] refresh");
  g_source_attach (self->refresh_timer, g_main_context_get_thread_default ());
}

/* ---- The lease -------------------------------------------------------------------------- */

static void
become_deliverer (HyService *self)
{
  self->delivering = TRUE;
  self->was_enabled = is_enabled (self);
  if (self->automatic)
    {
      g_free (self->links_signature);
      self->links_signature = links_signature (self->store);
      schedule_refresh (self);
      take_sync_request (self);
      if (self->engine != NULL && hy_sync_engine_get_client (self->engine) != NULL)
        set_engine (self, self->engine);
      else
        take_client (self);
      /* Alerts over HTTP, when an address is set for them. */
      _hy_service_intake_update (self->intake);
    }
  emit_changed (self);
}

static void
lose_deliverer (HyService *self)
{
  self->delivering = FALSE;
  if (self->engine != NULL)
    hy_sync_engine_set_auto_deliver (self->engine, FALSE);
  clear_source (&self->refresh_timer);
  _hy_service_intake_update (self->intake);
  emit_changed (self);
}

static gboolean
try_lease (HyService *self, HyLeaseHolder **out_holder, GError **error)
{
  g_autoptr (HyLeaseHolder) holder = NULL;
  g_autoptr (GError) local = NULL;
  gboolean acquired = FALSE;

  if (!hy_store_lease_acquire (self->store, self->command, HY_SERVICE_LEASE_SECONDS, &acquired,
                               &holder, &local))
    {
      g_debug ("The deliverer's lease: %s", local->message);
      if (error != NULL)
        g_propagate_error (error, g_steal_pointer (&local));
      /* A store error (busy) while delivering: keep delivering, renew at the next tick. */
      return self->delivering;
    }
  if (acquired && !self->delivering)
    become_deliverer (self);
  else if (!acquired && self->delivering)
    lose_deliverer (self);
  if (out_holder != NULL && !acquired)
    *out_holder = g_steal_pointer (&holder);
  return acquired;
}

static gboolean
lease_timer_cb (gpointer user_data)
{
  HyService *self = user_data;

  /* The holder renews; a waiting process looks whether the holder died (no commit tells). */
  try_lease (self, NULL, NULL);
  return G_SOURCE_CONTINUE;
}

/* ---- GObject ---------------------------------------------------------------------------- */

static void
hy_service_dispose (GObject *object)
{
  HyService *self = HY_SERVICE (object);

  if (self->started)
    hy_service_stop (self);
  g_cancellable_cancel (self->cancellable);
  clear_source (&self->lease_timer);
  clear_source (&self->refresh_timer);
  clear_source (&self->resync_source);
  if (self->store != NULL)
    g_clear_signal_handler (&self->store_changed_id, self->store);
  /* Disposed by the session as it goes (or by its last reference): the session is no more. */
  if (self->session != NULL)
    g_clear_signal_handler (&self->client_changed_id, self->session);
  self->session = NULL;
  if (self->engine != NULL)
    hy_sync_engine_set_auto_deliver (self->engine, FALSE);
  g_clear_pointer (&self->intake, _hy_service_intake_free);
  g_clear_object (&self->engine);
  G_OBJECT_CLASS (hy_service_parent_class)->dispose (object);
}

static void
hy_service_finalize (GObject *object)
{
  HyService *self = HY_SERVICE (object);

  g_clear_object (&self->store);
  g_clear_object (&self->cancellable);
  g_free (self->command);
  g_free (self->links_signature);
  G_OBJECT_CLASS (hy_service_parent_class)->finalize (object);
}

static void
hy_service_class_init (HyServiceClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = hy_service_dispose;
  object_class->finalize = hy_service_finalize;

  /**
   * HyService::changed:
   *
   * The engine, the deliverer or what the status summary reads changed.
   */
  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                                   NULL, NULL, G_TYPE_NONE, 0);
}

static void
hy_service_init (HyService *self)
{
  self->cancellable = g_cancellable_new ();
}

/* ---- Public API ------------------------------------------------------------------------- */

HyService *
hy_service_get (HySession *session)
{
  HyService *self;

  g_return_val_if_fail (HY_IS_SESSION (session), NULL);

  self = hy_session_get_service (session);
  if (self != NULL)
    return self;

  self = g_object_new (HY_TYPE_SERVICE, NULL);
  self->session = session;
  self->store = g_object_ref (hy_session_get_store (session));
  self->intake = _hy_service_intake_new (self);
  self->engine = hy_sync_engine_new (self->store, hy_session_peek_client (session));
  self->store_changed_id =
      g_signal_connect_object (self->store, "changed", G_CALLBACK (store_changed_cb), self,
                               G_CONNECT_SWAPPED);
  self->client_changed_id =
      g_signal_connect_object (session, "client-changed", G_CALLBACK (client_changed_cb), self,
                               G_CONNECT_SWAPPED);
  /* The session holds the one reference: it disposes of the service when it goes. */
  _hy_session_set_service (session, self);
  g_object_unref (self);
  return self;
}

HySession *
hy_service_get_session (HyService *self)
{
  g_return_val_if_fail (HY_IS_SERVICE (self), NULL);
  return self->session;
}

HySyncEngine *
hy_service_get_engine (HyService *self)
{
  g_return_val_if_fail (HY_IS_SERVICE (self), NULL);
  return self->engine;
}

gboolean
hy_service_start (HyService *self,
                  const char *command,
                  gboolean automatic,
                  HyLeaseHolder **out_holder,
                  GError **error)
{
  g_autoptr (GError) local = NULL;
  gboolean acquired;

  g_return_val_if_fail (HY_IS_SERVICE (self), FALSE);
  g_return_val_if_fail (command != NULL, FALSE);

  if (out_holder != NULL)
    *out_holder = NULL;
  g_free (self->command);
  self->command = g_strdup (command);
  self->automatic = automatic;
  self->started = TRUE;
  acquired = try_lease (self, out_holder, &local);
  if (local != NULL)
    {
      self->started = FALSE;
      g_propagate_error (error, g_steal_pointer (&local));
      return FALSE;
    }
  if (self->lease_timer == NULL)
    {
      self->lease_timer = g_timeout_source_new_seconds (HY_SERVICE_LEASE_SECONDS / 3);
      g_source_set_callback (self->lease_timer, lease_timer_cb, self, NULL);
      g_source_set_static_name (self->lease_timer, "[halyard] lease");
      g_source_attach (self->lease_timer, g_main_context_get_thread_default ());
    }
  return acquired;
}

void
hy_service_stop (HyService *self)
{
  g_autoptr (GError) error = NULL;

  g_return_if_fail (HY_IS_SERVICE (self));

  self->started = FALSE;
  clear_source (&self->lease_timer);
  clear_source (&self->resync_source);
  if (self->delivering)
    {
      lose_deliverer (self);
      if (!hy_store_lease_release (self->store, &error))
        g_debug ("Releasing the deliverer's lease: %s", error->message);
    }
}

gboolean
hy_service_is_delivering (HyService *self)
{
  g_return_val_if_fail (HY_IS_SERVICE (self), FALSE);
  return self->delivering;
}

HyLeaseHolder *
hy_service_get_deliverer (HyService *self)
{
  g_return_val_if_fail (HY_IS_SERVICE (self), NULL);
  return hy_store_lease_get_holder (self->store, NULL);
}

gboolean
hy_service_request_sync (HyService *self, GError **error)
{
  g_return_val_if_fail (HY_IS_SERVICE (self), FALSE);

  if (self->delivering && self->automatic)
    {
      schedule_resync (self);
      return TRUE;
    }
  return hy_store_request_sync (self->store, error);
}

gint64
hy_service_retry_dead (HyService *self, gint64 item_id, GError **error)
{
  gint64 n;

  g_return_val_if_fail (HY_IS_SERVICE (self), -1);
  n = hy_sync_engine_retry_dead (self->engine, item_id, error);
  if (n > 0 && self->delivering && self->automatic)
    hy_sync_engine_schedule (self->engine, FALSE);
  return n;
}

gint64
hy_service_retry_record (HyService *self, const char *record_key, GError **error)
{
  g_autoptr (GPtrArray) dead = NULL;
  gint64 retried = 0;

  g_return_val_if_fail (HY_IS_SERVICE (self), -1);
  g_return_val_if_fail (record_key != NULL, -1);

  dead = hy_store_outbox_list (self->store, HY_OUTBOX_STATE_DEAD, 0, 0, error);
  if (dead == NULL)
    return -1;
  for (guint i = 0; i < dead->len; i++)
    {
      const HyOutboxItem *item = g_ptr_array_index (dead, i);

      if (g_strcmp0 (item->record_key, record_key) != 0)
        continue;
      if (!hy_store_outbox_retry (self->store, item->id, error))
        return -1;
      retried++;
    }
  if (retried > 0 && self->delivering && self->automatic)
    hy_sync_engine_schedule (self->engine, FALSE);
  return retried;
}

void
hy_service_set_intake_address (HyService *self, const char *address)
{
  g_return_if_fail (HY_IS_SERVICE (self));
  if (self->intake != NULL)
    _hy_service_intake_set_address (self->intake, address);
}

HyIntakeServer *
hy_service_get_intake (HyService *self)
{
  g_return_val_if_fail (HY_IS_SERVICE (self), NULL);
  return self->intake != NULL ? _hy_service_intake_get_server (self->intake) : NULL;
}

gboolean
hy_service_get_intake_starting (HyService *self)
{
  g_return_val_if_fail (HY_IS_SERVICE (self), FALSE);
  return self->intake != NULL && _hy_service_intake_get_starting (self->intake);
}

const GError *
hy_service_get_intake_error (HyService *self)
{
  g_return_val_if_fail (HY_IS_SERVICE (self), NULL);
  return self->intake != NULL ? _hy_service_intake_get_error (self->intake) : NULL;
}
