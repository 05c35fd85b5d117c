/* hy-credentials.c: the Halo client secret in the system keyring, and nowhere else
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The secret is stored through libsecret (the Secret Service on the desktop, the Secret portal
 * inside Flatpak). There is deliberately no fallback: when no keyring is available the caller gets
 * HY_CREDENTIALS_ERROR_NO_KEYRING and nothing is written anywhere.
 */

#define G_LOG_DOMAIN "hy-credentials"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>
#include <libsecret/secret.h>

#include "hy-credentials-private.h"
#include "hy-credentials.h"

/* clang-format off */
G_DEFINE_QUARK (hy-credentials-error-quark, hy_credentials_error)
/* clang-format on */

/* ------------------------------------------------------------------------- */
/* Schema and attributes                                                     */
/* ------------------------------------------------------------------------- */

static const SecretSchema *
hy_credentials_get_schema (void)
{
  static const SecretSchema schema = {
    HY_CREDENTIALS_SCHEMA_NAME,
    SECRET_SCHEMA_NONE,
    {
        { "url", SECRET_SCHEMA_ATTRIBUTE_STRING },
        { "client-id", SECRET_SCHEMA_ATTRIBUTE_STRING },
        { NULL, 0 },
    },
  };

  return &schema;
}

/**
 * hy_credentials_normalize_url:
 * @url: a Halo URL as the technician typed it
 *
 * The key under which a URL's secret is stored: scheme and host in lower case, no trailing
 * slash, no query or fragment, so that "https://Acme.halopsa.com/" and "https://acme.halopsa.com"
 * find the same secret.
 *
 * Returns: (transfer full) (nullable): the normalized URL, or %NULL when @url is not a URL
 */
char *
hy_credentials_normalize_url (const char *url)
{
  g_autoptr (GUri) uri = NULL;
  g_autofree char *scheme = NULL;
  g_autofree char *host = NULL;
  g_autofree char *path = NULL;
  g_autoptr (GString) out = NULL;
  int port;

  if (url == NULL || *url == '\0')
    return NULL;

  uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);
  if (uri == NULL || g_uri_get_host (uri) == NULL || *g_uri_get_host (uri) == '\0')
    return NULL;

  scheme = g_ascii_strdown (g_uri_get_scheme (uri), -1);
  host = g_ascii_strdown (g_uri_get_host (uri), -1);
  path = g_strdup (g_uri_get_path (uri));
  port = g_uri_get_port (uri);

  while (*path != '\0' && path[strlen (path) - 1] == '/')
    path[strlen (path) - 1] = '\0';

  out = g_string_new (scheme);
  g_string_append (out, "://");
  if (strchr (host, ':') != NULL)
    g_string_append_printf (out, "[%s]", host);
  else
    g_string_append (out, host);
  if (port > 0 && !((port == 443 && g_str_equal (scheme, "https")) ||
                    (port == 80 && g_str_equal (scheme, "http"))))
    g_string_append_printf (out, ":%d", port);
  g_string_append (out, path);

  return g_string_free (g_steal_pointer (&out), FALSE);
}

static GHashTable *
make_attributes (const char *url, const char *client_id, GError **error)
{
  g_autoptr (GHashTable) attributes = NULL;
  g_autofree char *key = NULL;

  key = hy_credentials_normalize_url (url);
  if (key == NULL)
    {
      g_set_error (error, HY_CREDENTIALS_ERROR, HY_CREDENTIALS_ERROR_INVALID,
                   /* Translators: %s is what the technician typed as the Halo URL */
                   _ ("“%s” is not a Halo URL: enter the address of your Halo instance, such as "
                      "https://yourcompany.halopsa.com"),
                   url != NULL ? url : "");
      return NULL;
    }
  if (client_id == NULL || *client_id == '\0' || !g_utf8_validate (client_id, -1, NULL))
    {
      g_set_error_literal (error, HY_CREDENTIALS_ERROR, HY_CREDENTIALS_ERROR_INVALID,
                           _ ("The Client ID is empty: copy it from the application’s Details tab "
                              "in Halo (Configuration > Integrations > HaloPSA API > View "
                              "Applications)"));
      return NULL;
    }

  attributes = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);
  g_hash_table_insert (attributes, (gpointer) "url", g_steal_pointer (&key));
  g_hash_table_insert (attributes, (gpointer) "client-id", g_strdup (client_id));

  return g_steal_pointer (&attributes);
}

/* The keyring attributes of @url and @client_id for @task; NULL when they are not valid: then
 * @task has returned the error. */
static GHashTable *
task_attributes (GTask *task, const char *url, const char *client_id)
{
  g_autoptr (GError) error = NULL;
  GHashTable *attributes = make_attributes (url, client_id, &error);

  if (attributes == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  return attributes;
}

/* ------------------------------------------------------------------------- */
/* Errors                                                                    */
/* ------------------------------------------------------------------------- */

static gboolean
is_no_keyring_error (const GError *error)
{
  if (error->domain == G_DBUS_ERROR)
    {
      switch (error->code)
        {
          case G_DBUS_ERROR_SERVICE_UNKNOWN:
          case G_DBUS_ERROR_NAME_HAS_NO_OWNER:
          case G_DBUS_ERROR_NO_SERVER:
          case G_DBUS_ERROR_NO_REPLY:
          case G_DBUS_ERROR_DISCONNECTED:
          case G_DBUS_ERROR_FILE_NOT_FOUND:
          case G_DBUS_ERROR_ADDRESS_IN_USE:
          case G_DBUS_ERROR_BAD_ADDRESS:
          case G_DBUS_ERROR_SPAWN_EXEC_FAILED:
          case G_DBUS_ERROR_SPAWN_FORK_FAILED:
          case G_DBUS_ERROR_SPAWN_CHILD_EXITED:
          case G_DBUS_ERROR_SPAWN_CHILD_SIGNALED:
          case G_DBUS_ERROR_SPAWN_FAILED:
          case G_DBUS_ERROR_SPAWN_SETUP_FAILED:
          case G_DBUS_ERROR_SPAWN_CONFIG_INVALID:
          case G_DBUS_ERROR_SPAWN_SERVICE_INVALID:
          case G_DBUS_ERROR_SPAWN_SERVICE_NOT_FOUND:
          case G_DBUS_ERROR_SPAWN_PERMISSIONS_INVALID:
          case G_DBUS_ERROR_SPAWN_FILE_INVALID:
          case G_DBUS_ERROR_SPAWN_NO_MEMORY:
          case G_DBUS_ERROR_UNKNOWN_METHOD:
          case G_DBUS_ERROR_UNKNOWN_OBJECT:
          case G_DBUS_ERROR_UNKNOWN_INTERFACE:
            return TRUE;
          default:
            return FALSE;
        }
    }

  /* Connecting to the bus itself failed: no session bus, a stale address, no $DISPLAY to
   * autolaunch one. */
  if (error->domain == G_IO_ERROR)
    return !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);

  return FALSE;
}

static GError *
locked_error (void)
{
  return g_error_new_literal (HY_CREDENTIALS_ERROR, HY_CREDENTIALS_ERROR_LOCKED,
                              _ ("The keyring is locked: unlock it (for example by logging in "
                                 "to the desktop, or with Passwords and Keys), then try again"));
}

/* Turns a libsecret / GDBus error into one the technician can act on (also for
 * hy-intake-token.c). */
GError *
_hy_credentials_translate_error (const GError *error)
{
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return g_error_copy (error);

  if (is_no_keyring_error (error))
    return g_error_new (HY_CREDENTIALS_ERROR, HY_CREDENTIALS_ERROR_NO_KEYRING,
                        /* Translators: the last %s is the system's own error text */
                        _ ("No keyring is available: start GNOME Keyring or another Secret "
                           "Service, then try again (%s)"),
                        error->message);

  if (g_error_matches (error, SECRET_ERROR, SECRET_ERROR_IS_LOCKED))
    return locked_error ();

  return g_error_new (HY_CREDENTIALS_ERROR, HY_CREDENTIALS_ERROR_FAILED,
                      /* Translators: %s is the keyring's own error text */
                      _ ("The keyring refused the operation: %s"), error->message);
}

/* Why storing a secret failed: @error is secret_password_store_finish ()'s, NULL when the
 * technician dismissed a prompt to unlock or create the keyring (also for hy-intake-token.c). */
GError *
_hy_credentials_store_error (const GError *error)
{
  if (error == NULL)
    return locked_error ();
  return _hy_credentials_translate_error (error);
}

/* ------------------------------------------------------------------------- */
/* Store                                                                     */
/* ------------------------------------------------------------------------- */

static void
store_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  g_autoptr (GError) error = NULL;

  if (!secret_password_store_finish (result, &error))
    {
      g_task_return_error (task, _hy_credentials_store_error (error));
      return;
    }

  g_task_return_boolean (task, TRUE);
}

/**
 * hy_credentials_store_async:
 * @url: the Halo URL of the connection
 * @client_id: the Client ID of the Halo API application
 * @secret: the Client Secret; it is copied into the keyring only
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when done
 * @user_data: data for @callback
 *
 * Stores @secret in the default keyring collection under the URL and client id, replacing a
 * secret already stored for them.
 */
void
hy_credentials_store_async (const char *url,
                            const char *client_id,
                            const char *secret,
                            GCancellable *cancellable,
                            GAsyncReadyCallback callback,
                            gpointer user_data)
{
  g_autoptr (GTask) task = NULL;
  g_autoptr (GHashTable) attributes = NULL;
  g_autofree char *label = NULL;

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, hy_credentials_store_async);

  attributes = task_attributes (task, url, client_id);
  if (attributes == NULL)
    return;
  if (secret == NULL || *secret == '\0')
    {
      g_task_return_new_error (task, HY_CREDENTIALS_ERROR, HY_CREDENTIALS_ERROR_INVALID, "%s",
                               _ ("The Client Secret is empty: generate one on the application’s "
                                  "Details tab in Halo and copy it (Halo shows it only once)"));
      return;
    }
  if (!g_utf8_validate (secret, -1, NULL))
    {
      g_task_return_new_error (task, HY_CREDENTIALS_ERROR, HY_CREDENTIALS_ERROR_INVALID, "%s",
                               _ ("The Client Secret is not valid text: copy it again from the "
                                  "application’s Details tab in Halo"));
      return;
    }

  /* Translators: the label of the keyring item, shown in Passwords and Keys; %s are the Halo URL
   * and the Client ID */
  label = g_strdup_printf (_ ("Halyard: Halo client secret for %s (%s)"),
                           (const char *) g_hash_table_lookup (attributes, "url"), client_id);

  secret_password_storev (hy_credentials_get_schema (), attributes, SECRET_COLLECTION_DEFAULT,
                          label, secret, cancellable, store_cb, g_steal_pointer (&task));
}

gboolean
hy_credentials_store_finish (GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == hy_credentials_store_async,
                        FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ------------------------------------------------------------------------- */
/* Lookup                                                                    */
/* ------------------------------------------------------------------------- */

static void
lookup_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  g_autoptr (GError) error = NULL;
  char *secret;

  secret = secret_password_lookup_finish (result, &error);
  if (error != NULL)
    {
      g_task_return_error (task, _hy_credentials_translate_error (error));
      return;
    }
  if (secret == NULL)
    {
      g_task_return_new_error (task, HY_CREDENTIALS_ERROR, HY_CREDENTIALS_ERROR_NOT_FOUND, "%s",
                               _ ("No Client Secret is stored in the keyring for this connection: "
                                  "connect again and give the secret"));
      return;
    }

  g_task_return_pointer (task, secret, (GDestroyNotify) hy_credentials_secret_free);
}

/**
 * hy_credentials_lookup_async:
 * @url: the Halo URL of the connection
 * @client_id: the Client ID of the Halo API application
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when done
 * @user_data: data for @callback
 *
 * Looks up the secret stored for @url and @client_id.
 */
void
hy_credentials_lookup_async (const char *url,
                             const char *client_id,
                             GCancellable *cancellable,
                             GAsyncReadyCallback callback,
                             gpointer user_data)
{
  g_autoptr (GTask) task = NULL;
  g_autoptr (GHashTable) attributes = NULL;

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, hy_credentials_lookup_async);

  attributes = task_attributes (task, url, client_id);
  if (attributes == NULL)
    return;

  secret_password_lookupv (hy_credentials_get_schema (), attributes, cancellable, lookup_cb,
                           g_steal_pointer (&task));
}

/**
 * hy_credentials_lookup_finish:
 * @result: the result passed to the callback
 * @error: return location for an error
 *
 * Returns: (transfer full): the secret; free it with hy_credentials_secret_free()
 */
char *
hy_credentials_lookup_finish (GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == hy_credentials_lookup_async,
                        NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ------------------------------------------------------------------------- */
/* Clear                                                                     */
/* ------------------------------------------------------------------------- */

static void
clear_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  g_autoptr (GError) error = NULL;
  gboolean removed;

  removed = secret_password_clear_finish (result, &error);
  if (error != NULL)
    {
      g_task_return_error (task, _hy_credentials_translate_error (error));
      return;
    }

  g_task_return_int (task, removed ? 1 : 0);
}

/**
 * hy_credentials_clear_async:
 * @url: the Halo URL of the connection
 * @client_id: the Client ID of the Halo API application
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when done
 * @user_data: data for @callback
 *
 * Removes the secret stored for @url and @client_id from the keyring.
 */
void
hy_credentials_clear_async (const char *url,
                            const char *client_id,
                            GCancellable *cancellable,
                            GAsyncReadyCallback callback,
                            gpointer user_data)
{
  g_autoptr (GTask) task = NULL;
  g_autoptr (GHashTable) attributes = NULL;

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, hy_credentials_clear_async);

  attributes = task_attributes (task, url, client_id);
  if (attributes == NULL)
    return;

  secret_password_clearv (hy_credentials_get_schema (), attributes, cancellable, clear_cb,
                          g_steal_pointer (&task));
}

/**
 * hy_credentials_clear_finish:
 * @result: the result passed to the callback
 * @removed: (out) (optional): whether a secret was removed
 * @error: return location for an error
 *
 * Returns: %TRUE unless the keyring failed; %TRUE with *@removed %FALSE when nothing was stored
 */
gboolean
hy_credentials_clear_finish (GAsyncResult *result, gboolean *removed, GError **error)
{
  gssize ret;

  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == hy_credentials_clear_async,
                        FALSE);

  ret = g_task_propagate_int (G_TASK (result), error);
  if (removed != NULL)
    *removed = ret == 1;

  return ret >= 0;
}

/**
 * hy_credentials_secret_free:
 * @secret: (nullable): a secret
 *
 * Wipes the secret's bytes, then frees them.
 */
void
hy_credentials_secret_free (char *secret)
{
  if (secret != NULL)
    secret_password_free (secret);
}
