/* hy-demo.c: the demo — a simulated Halo on loopback, a throw-away data directory and keyring item
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * `halyard --demo` (and `halyard` on a machine without a profile) runs the simulator in-process,
 * in its own thread, on 127.0.0.1 with the records of data/demo/halo.json, and points a fresh,
 * temporary data directory at it. Everything is removed again when the application exits.
 */

#define G_LOG_DOMAIN "hy-demo"

#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "credentials/hy-credentials.h"
#include "hy-sim.h"

#include "hy-demo.h"

#define DEMO_CLIENT_ID "halyard-demo"
#define DEMO_TENANT    "demo"
#define DEMO_SECRET    "demo-secret"

struct _HyDemo
{
  GObject parent_instance;

  HySim *sim;
  char *data_dir;
  gboolean stopped;
};

G_DEFINE_FINAL_TYPE (HyDemo, hy_demo, G_TYPE_OBJECT)

/* ------------------------------------------------------------------------- */
/* Helpers                                                                   */
/* ------------------------------------------------------------------------- */

static void
remove_tree (GFile *file)
{
  g_autoptr (GFileEnumerator) children = NULL;

  children = g_file_enumerate_children (file, G_FILE_ATTRIBUTE_STANDARD_NAME,
                                        G_FILE_QUERY_INFO_NOFOLLOW_SYMLINKS, NULL, NULL);
  if (children != NULL)
    {
      GFile *child;

      while (g_file_enumerator_iterate (children, NULL, &child, NULL, NULL) && child != NULL)
        remove_tree (child);
    }

  g_file_delete (file, NULL, NULL);
}

/* Shared by hy_demo_stop () and its callbacks, which may outlive the wait. */
typedef struct
{
  gboolean cleared;
  gboolean timed_out;
} StopWait;

static void
cleared_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  StopWait *wait = user_data;
  g_autoptr (GError) error = NULL;

  if (!hy_credentials_clear_finish (result, NULL, &error))
    g_warning ("Could not remove the demo’s keyring item: %s", error->message);

  wait->cleared = TRUE;
  g_rc_box_release (wait);
}

static gboolean
timeout_cb (gpointer user_data)
{
  StopWait *wait = user_data;

  wait->timed_out = TRUE;
  return G_SOURCE_REMOVE;
}

/* ------------------------------------------------------------------------- */
/* GObject overrides                                                         */
/* ------------------------------------------------------------------------- */

static void
hy_demo_dispose (GObject *object)
{
  HyDemo *self = HY_DEMO (object);

  /* The keyring item is removed by hy_demo_stop (); the files and the server go at the latest
   * here. */
  if (self->sim != NULL)
    hy_sim_stop (self->sim);
  g_clear_object (&self->sim);

  if (self->data_dir != NULL)
    {
      g_autoptr (GFile) dir = g_file_new_for_path (self->data_dir);

      remove_tree (dir);
      g_clear_pointer (&self->data_dir, g_free);
    }

  G_OBJECT_CLASS (hy_demo_parent_class)->dispose (object);
}

static void
hy_demo_class_init (HyDemoClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = hy_demo_dispose;
}

static void
hy_demo_init (HyDemo *self)
{
}

/* ------------------------------------------------------------------------- */
/* Public API                                                                */
/* ------------------------------------------------------------------------- */

HyDemo *
hy_demo_new (void)
{
  return g_object_new (HY_TYPE_DEMO, NULL);
}

gboolean
hy_demo_start (HyDemo *self, GError **error)
{
  g_autoptr (GBytes) seed = NULL;
  g_autoptr (HySim) sim = NULL;
  g_autofree char *data_dir = NULL;
  gsize len;
  const char *json;

  g_return_val_if_fail (HY_IS_DEMO (self), FALSE);
  g_return_val_if_fail (self->sim == NULL, FALSE);

  seed = g_resources_lookup_data (HY_DEMO_HALO_RESOURCE, G_RESOURCE_LOOKUP_FLAGS_NONE, error);
  if (seed == NULL)
    return FALSE;

  sim = hy_sim_new ();
  hy_sim_set_credentials (sim, DEMO_CLIENT_ID, DEMO_SECRET, DEMO_TENANT);
  json = g_bytes_get_data (seed, &len);
  if (!hy_sim_load_seed_json (sim, json, len, error))
    return FALSE;

  data_dir = g_dir_make_tmp ("halyard-demo-XXXXXX", error);
  if (data_dir == NULL)
    return FALSE;

  if (!hy_sim_start (sim, 0, error))
    {
      g_rmdir (data_dir);
      return FALSE;
    }

  self->sim = g_steal_pointer (&sim);
  self->data_dir = g_steal_pointer (&data_dir);
  g_debug ("Demo: simulated Halo at %s, data in %s", hy_sim_get_base_url (self->sim),
           self->data_dir);

  return TRUE;
}

const char *
hy_demo_get_data_dir (HyDemo *self)
{
  g_return_val_if_fail (HY_IS_DEMO (self), NULL);

  return self->data_dir;
}

const char *
hy_demo_get_url (HyDemo *self)
{
  g_return_val_if_fail (HY_IS_DEMO (self), NULL);

  return self->sim != NULL ? hy_sim_get_base_url (self->sim) : NULL;
}

const char *
hy_demo_get_client_id (HyDemo *self)
{
  return DEMO_CLIENT_ID;
}

const char *
hy_demo_get_tenant (HyDemo *self)
{
  return DEMO_TENANT;
}

const char *
hy_demo_get_secret (HyDemo *self)
{
  return DEMO_SECRET;
}

void
hy_demo_stop (HyDemo *self, guint timeout_ms)
{
  StopWait *wait;
  guint timeout_id;

  g_return_if_fail (HY_IS_DEMO (self));

  if (self->stopped || self->sim == NULL)
    return;
  self->stopped = TRUE;

  wait = g_rc_box_new0 (StopWait);
  hy_credentials_clear_async (hy_sim_get_base_url (self->sim), DEMO_CLIENT_ID, NULL, cleared_cb,
                              g_rc_box_acquire (wait));
  timeout_id = g_timeout_add_full (G_PRIORITY_DEFAULT, timeout_ms, timeout_cb,
                                   g_rc_box_acquire (wait), (GDestroyNotify) g_rc_box_release);
  while (!wait->cleared && !wait->timed_out)
    g_main_context_iteration (NULL, TRUE);
  if (!wait->timed_out)
    g_source_remove (timeout_id);
  g_rc_box_release (wait);

  g_object_run_dispose (G_OBJECT (self));
}
