/* hy-retired-assets-row.c — Setup's switch for the Halo assets of retired computers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Reads the profile setting (HY_SYNC_SETTING_RETIRED_ASSETS) from the session's store when the
 * session is set, and saves it when the technician turns the switch: the sync engine reads it
 * on its next plan. A store that refuses the change puts the switch back and says why.
 */

#define G_LOG_DOMAIN "hy-retired-assets-row"

#include "config.h"

#include <glib/gi18n.h>

#include "sync/hy-sync-payload.h"

#include "hy-retired-assets-row.h"

struct _HyRetiredAssetsRow
{
  AdwActionRow parent_instance;

  GtkWidget *toggle;
  HySession *session;
  gboolean loading; /* the switch is being set from the store */
};

G_DEFINE_FINAL_TYPE (HyRetiredAssetsRow, hy_retired_assets_row, ADW_TYPE_ACTION_ROW)

enum
{
  PROP_0,
  PROP_SESSION,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static const char *const default_subtitle =
    N_ ("Computers missing from an import with “Retire computers missing from this file” "
        "(--prune) are kept, marked retired; when this is on, sync sets their assets inactive, "
        "and active again when they return.");

/* ------------------------------------------------------------------------- */
/* Callbacks                                                                 */
/* ------------------------------------------------------------------------- */

static void
toggled_cb (HyRetiredAssetsRow *self, GParamSpec *pspec, GtkSwitch *toggle)
{
  g_autoptr (GError) error = NULL;
  gboolean active = gtk_switch_get_active (toggle);

  if (self->loading || self->session == NULL)
    return;
  if (!hy_store_set_setting (hy_session_get_store (self->session), HY_SYNC_SETTING_RETIRED_ASSETS,
                             active ? "inactive" : NULL, &error))
    {
      self->loading = TRUE;
      gtk_switch_set_active (toggle, !active);
      self->loading = FALSE;
      adw_action_row_set_subtitle (ADW_ACTION_ROW (self), error->message);
      return;
    }
  adw_action_row_set_subtitle (ADW_ACTION_ROW (self), _ (default_subtitle));
}

/* ------------------------------------------------------------------------- */
/* GObject                                                                   */
/* ------------------------------------------------------------------------- */

static void
hy_retired_assets_row_dispose (GObject *object)
{
  HyRetiredAssetsRow *self = HY_RETIRED_ASSETS_ROW (object);

  g_clear_object (&self->session);
  G_OBJECT_CLASS (hy_retired_assets_row_parent_class)->dispose (object);
}

static void
hy_retired_assets_row_get_property (GObject *object,
                                    guint prop_id,
                                    GValue *value,
                                    GParamSpec *pspec)
{
  HyRetiredAssetsRow *self = HY_RETIRED_ASSETS_ROW (object);

  switch (prop_id)
    {
      case PROP_SESSION:
        g_value_set_object (value, self->session);
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hy_retired_assets_row_set_property (GObject *object,
                                    guint prop_id,
                                    const GValue *value,
                                    GParamSpec *pspec)
{
  HyRetiredAssetsRow *self = HY_RETIRED_ASSETS_ROW (object);

  switch (prop_id)
    {
      case PROP_SESSION:
        hy_retired_assets_row_set_session (self, g_value_get_object (value));
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hy_retired_assets_row_class_init (HyRetiredAssetsRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = hy_retired_assets_row_dispose;
  object_class->get_property = hy_retired_assets_row_get_property;
  object_class->set_property = hy_retired_assets_row_set_property;

  properties[PROP_SESSION] =
      g_param_spec_object ("session", NULL, NULL, HY_TYPE_SESSION,
                           G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
hy_retired_assets_row_init (HyRetiredAssetsRow *self)
{
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self),
                                 _ ("Set the Assets of _Retired Computers Inactive"));
  adw_preferences_row_set_use_underline (ADW_PREFERENCES_ROW (self), TRUE);
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (self), 0);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (self), _ (default_subtitle));

  self->toggle = gtk_switch_new ();
  gtk_widget_set_valign (self->toggle, GTK_ALIGN_CENTER);
  gtk_widget_set_sensitive (self->toggle, FALSE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->toggle), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _ ("Set the assets of retired computers inactive"), -1);
  g_signal_connect_swapped (self->toggle, "notify::active", G_CALLBACK (toggled_cb), self);
  adw_action_row_add_suffix (ADW_ACTION_ROW (self), self->toggle);
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (self), self->toggle);
}

/* ------------------------------------------------------------------------- */
/* Public API                                                                */
/* ------------------------------------------------------------------------- */

GtkWidget *
hy_retired_assets_row_new (void)
{
  return g_object_new (HY_TYPE_RETIRED_ASSETS_ROW, NULL);
}

HySession *
hy_retired_assets_row_get_session (HyRetiredAssetsRow *self)
{
  g_return_val_if_fail (HY_IS_RETIRED_ASSETS_ROW (self), NULL);
  return self->session;
}

void
hy_retired_assets_row_set_session (HyRetiredAssetsRow *self, HySession *session)
{
  g_autofree char *value = NULL;

  g_return_if_fail (HY_IS_RETIRED_ASSETS_ROW (self));

  if (!g_set_object (&self->session, session))
    return;
  self->loading = TRUE;
  if (session != NULL && hy_store_get_setting (hy_session_get_store (session),
                                               HY_SYNC_SETTING_RETIRED_ASSETS, &value, NULL))
    gtk_switch_set_active (GTK_SWITCH (self->toggle), g_strcmp0 (value, "inactive") == 0);
  else
    gtk_switch_set_active (GTK_SWITCH (self->toggle), FALSE);
  self->loading = FALSE;
  gtk_widget_set_sensitive (self->toggle, session != NULL);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SESSION]);
}

gboolean
hy_retired_assets_row_get_active (HyRetiredAssetsRow *self)
{
  g_return_val_if_fail (HY_IS_RETIRED_ASSETS_ROW (self), FALSE);
  return gtk_switch_get_active (GTK_SWITCH (self->toggle));
}

void
hy_retired_assets_row_set_active (HyRetiredAssetsRow *self, gboolean active)
{
  g_return_if_fail (HY_IS_RETIRED_ASSETS_ROW (self));
  gtk_switch_set_active (GTK_SWITCH (self->toggle), active);
}
