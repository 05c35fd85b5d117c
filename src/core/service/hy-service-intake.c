/* hy-service-intake.c: the alert intake the deliverer runs, on the address set for it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "hy-service"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "credentials/hy-credentials.h"
#include "credentials/hy-intake-token.h"
#include "store/hy-store-intake.h"

#include "hy-service-private.h"

struct _HyServiceIntake
{
  HyService *service; /* not a reference: the service owns this */
  HyIntakeServer *server;
  GCancellable *cancellable; /* of the token's look-up */
  char *address;             /* the service's own (halyard-cli serve --listen); NULL: the setting */
  char *listening_on;        /* where the server listens, or is being started */
  GError *error;             /* why it does not listen where it should */
  gboolean starting;
};

static HyStore *
get_store (HyServiceIntake *self)
{
  return hy_session_get_store (hy_service_get_session (self->service));
}

/* Where the intake should listen now; NULL: nowhere. */
static char *
wanted_address (HyServiceIntake *self)
{
  g_autoptr (GError) error = NULL;
  char *address;

  if (!hy_service_is_delivering (self->service) || !_hy_service_get_automatic (self->service))
    return NULL;
  if (self->address != NULL)
    return g_strdup (self->address);
  address = hy_store_intake_get_listen (get_store (self), &error);
  if (error != NULL)
    g_debug ("Reading the intake's address: %s", error->message);
  return address;
}

static void
stop (HyServiceIntake *self)
{
  g_autoptr (GError) error = NULL;

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->starting = FALSE;
  if (self->server != NULL)
    {
      hy_intake_server_disconnect (self->server);
      g_clear_object (&self->server);
      if (!hy_store_intake_set_listening (get_store (self), NULL, &error))
        g_debug ("Clearing the intake's address: %s", error->message);
    }
  g_clear_pointer (&self->listening_on, g_free);
}

static void
listen_with (HyServiceIntake *self, const char *token)
{
  g_autoptr (HyIntakeServer) server = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *uri = NULL;

  server = hy_intake_server_new (hy_service_get_session (self->service),
                                 hy_service_get_engine (self->service));
  hy_intake_server_set_token (server, token);
  if (!hy_intake_server_listen (server, self->listening_on, &error))
    {
      g_message ("%s", error->message);
      self->error = g_steal_pointer (&error);
      return;
    }
  self->server = g_steal_pointer (&server);
  uri = hy_intake_server_get_uri (self->server);
  if (!hy_store_intake_set_listening (get_store (self), uri, &error))
    g_debug ("Recording the intake's address: %s", error->message);
}

static void
token_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (HyService) service = user_data;
  g_autoptr (GError) error = NULL;
  char *token = hy_intake_token_get_finish (result, &error);
  HyServiceIntake *self;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = g_object_get_data (G_OBJECT (service), "hy-service-intake");
  if (self == NULL || !self->starting)
    {
      hy_credentials_secret_free (token);
      return;
    }
  self->starting = FALSE;
  g_clear_object (&self->cancellable);
  if (token == NULL)
    {
      /* Translators: %s says why the keyring gave no token */
      self->error = g_error_new (HY_INTAKE_ERROR, HY_INTAKE_ERROR_NO_TOKEN,
                                 _ ("The intake does not listen: its token cannot be read from "
                                    "the keyring (%s)."),
                                 error->message);
      g_message ("%s", self->error->message);
    }
  else
    {
      listen_with (self, token);
      hy_credentials_secret_free (token);
    }
  _hy_service_emit_changed (self->service);
}

/* ---- Private API ------------------------------------------------------------------------ */

HyServiceIntake *
_hy_service_intake_new (HyService *service)
{
  HyServiceIntake *self = g_new0 (HyServiceIntake, 1);

  self->service = service;
  /* The token's callback finds it through the service, which may outlive a pending look-up. */
  g_object_set_data (G_OBJECT (service), "hy-service-intake", self);
  return self;
}

void
_hy_service_intake_free (HyServiceIntake *self)
{
  if (self == NULL)
    return;
  stop (self);
  g_object_set_data (G_OBJECT (self->service), "hy-service-intake", NULL);
  g_free (self->address);
  g_clear_error (&self->error);
  g_free (self);
}

void
_hy_service_intake_update (HyServiceIntake *self)
{
  g_autofree char *wanted = wanted_address (self);

  if (g_strcmp0 (wanted, self->listening_on) == 0)
    return;
  stop (self);
  g_clear_error (&self->error);
  if (wanted != NULL)
    {
      /* The token lives in the keyring; it is made on first use, as halyard-cli intake token
       * makes it. */
      self->listening_on = g_steal_pointer (&wanted);
      self->starting = TRUE;
      self->cancellable = g_cancellable_new ();
      hy_intake_token_get_async (hy_session_get_data_dir (hy_service_get_session (self->service)),
                                 TRUE, FALSE, self->cancellable, token_cb,
                                 g_object_ref (self->service));
    }
  _hy_service_emit_changed (self->service);
}

void
_hy_service_intake_set_engine (HyServiceIntake *self, HySyncEngine *engine)
{
  if (self->server != NULL)
    hy_intake_server_set_engine (self->server, engine);
}

void
_hy_service_intake_set_address (HyServiceIntake *self, const char *address)
{
  g_free (self->address);
  self->address = g_strdup (address);
  _hy_service_intake_update (self);
}

HyIntakeServer *
_hy_service_intake_get_server (HyServiceIntake *self)
{
  return self->server;
}

gboolean
_hy_service_intake_get_starting (HyServiceIntake *self)
{
  return self->starting;
}

const GError *
_hy_service_intake_get_error (HyServiceIntake *self)
{
  return self->error;
}
