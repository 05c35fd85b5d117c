/* hy-intake-token.c: the alert intake's bearer token, in the keyring and nowhere else
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "hy-credentials"

#include "config.h"

#include <errno.h>
#include <string.h>
#include <sys/random.h>

#include <glib/gi18n-lib.h>
#include <libsecret/secret.h>

#include "hy-credentials-private.h"
#include "hy-intake-token.h"

static const SecretSchema *
get_schema (void)
{
  static const SecretSchema schema = {
    HY_INTAKE_TOKEN_SCHEMA_NAME,
    SECRET_SCHEMA_NONE,
    {
        { "data-dir", SECRET_SCHEMA_ATTRIBUTE_STRING },
        { NULL, 0 },
    },
  };

  return &schema;
}

typedef struct
{
  char *data_dir;
  char *token;
  gboolean create;
  gboolean rotate;
} Get;

static void
get_free (Get *get)
{
  g_free (get->data_dir);
  hy_credentials_secret_free (get->token);
  g_free (get);
}

char *
hy_intake_token_generate (void)
{
  guint8 bytes[32];
  gsize done = 0;
  g_autofree char *text = NULL;

  while (done < sizeof bytes)
    {
      ssize_t n = getrandom (bytes + done, sizeof bytes - done, 0);
      if (n < 0)
        g_error ("The system's random source failed: %s", g_strerror (errno));
      done += (gsize) n;
    }
  text = g_base64_encode (bytes, sizeof bytes);
  memset (bytes, 0, sizeof bytes);
  /* base64url, no padding: safe in a header and in YAML without quoting. */
  for (char *p = text; *p != '\0'; p++)
    {
      if (*p == '+')
        *p = '-';
      else if (*p == '/')
        *p = '_';
      else if (*p == '=')
        {
          *p = '\0';
          break;
        }
    }
  return g_steal_pointer (&text);
}

gboolean
hy_intake_token_equal (const char *presented, const char *expected)
{
  gsize n, m;
  guint8 diff;

  if (presented == NULL || expected == NULL)
    return FALSE;
  n = strlen (presented);
  m = strlen (expected);
  diff = n != m;
  /* Walk the expected token's length whatever was presented. */
  for (gsize i = 0; i < m; i++)
    diff |= (guint8) expected[i] ^ (guint8) (i < n ? presented[i] : 0);
  return diff == 0;
}

static void
stored_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  Get *get = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;

  if (!secret_password_store_finish (result, &error))
    {
      g_task_return_error (task, _hy_credentials_store_error (error));
      return;
    }
  g_task_return_pointer (task, g_steal_pointer (&get->token),
                         (GDestroyNotify) hy_credentials_secret_free);
}

static void
store_new (GTask *task)
{
  Get *get = g_task_get_task_data (task);
  g_autofree char *label = NULL;

  hy_credentials_secret_free (get->token);
  get->token = hy_intake_token_generate ();
  /* Translators: the label of the keyring item, shown in Passwords and Keys; %s is a folder */
  label = g_strdup_printf (_ ("Halyard: alert intake token for %s"), get->data_dir);
  secret_password_store (get_schema (), SECRET_COLLECTION_DEFAULT, label, get->token,
                         g_task_get_cancellable (task), stored_cb, task, "data-dir", get->data_dir,
                         NULL);
}

static void
looked_up_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  Get *get = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;
  char *token;

  token = secret_password_lookup_finish (result, &error);
  if (error != NULL)
    {
      g_task_return_error (task, _hy_credentials_translate_error (error));
      return;
    }
  if (token != NULL)
    {
      g_task_return_pointer (task, token, (GDestroyNotify) hy_credentials_secret_free);
      return;
    }
  if (!get->create)
    {
      g_task_return_new_error (task, HY_CREDENTIALS_ERROR, HY_CREDENTIALS_ERROR_NOT_FOUND, "%s",
                               _ ("No intake token is stored in the keyring yet: create one "
                                  "first"));
      return;
    }
  store_new (g_steal_pointer (&task));
}

void
hy_intake_token_get_async (const char *data_dir,
                           gboolean create,
                           gboolean rotate,
                           GCancellable *cancellable,
                           GAsyncReadyCallback callback,
                           gpointer user_data)
{
  g_autoptr (GTask) task = NULL;
  const char *env;
  Get *get;

  g_return_if_fail (data_dir != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, hy_intake_token_get_async);
  get = g_new0 (Get, 1);
  get->data_dir = g_canonicalize_filename (data_dir, NULL);
  get->create = create;
  get->rotate = rotate;
  g_task_set_task_data (task, get, (GDestroyNotify) get_free);

  /* A server without a keyring takes the token from its environment, and only there. */
  env = g_getenv (HY_INTAKE_TOKEN_ENV);
  if (env != NULL && *env != '\0')
    {
      if (rotate)
        g_task_return_new_error (task, HY_CREDENTIALS_ERROR, HY_CREDENTIALS_ERROR_INVALID, "%s",
                                 _ ("The intake token comes from HALYARD_INTAKE_TOKEN: change it "
                                    "there to rotate it"));
      else if (strlen (env) < HY_INTAKE_TOKEN_MIN_LENGTH)
        g_task_return_new_error (task, HY_CREDENTIALS_ERROR, HY_CREDENTIALS_ERROR_INVALID,
                                 /* Translators: %d is a number of characters */
                                 _ ("HALYARD_INTAKE_TOKEN is too short: give a random token of at "
                                    "least %d characters"),
                                 HY_INTAKE_TOKEN_MIN_LENGTH);
      else
        g_task_return_pointer (task, g_strdup (env), (GDestroyNotify) hy_credentials_secret_free);
      return;
    }

  if (rotate)
    {
      store_new (g_steal_pointer (&task));
      return;
    }
  secret_password_lookup (get_schema (), cancellable, looked_up_cb, g_steal_pointer (&task),
                          "data-dir", get->data_dir, NULL);
}

char *
hy_intake_token_get_finish (GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == hy_intake_token_get_async, NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
