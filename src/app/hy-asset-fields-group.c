/* hy-asset-fields-group.c — Setup's "Asset Fields"
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * For each Halo asset type Halyard writes computers as (read from Halo by the first sync or by
 * halyard-cli map fields), one row per computer field with the type's fields to choose from:
 * "Automatic" (the field whose name matches, named), "Not sent", or one of Halo's fields. The
 * core resolves and saves the choice (hy_asset_fields_choose ()); the store's "changed" signal
 * (a sync that read a type, another process's choice) rebuilds the rows.
 */

#define G_LOG_DOMAIN "hy-asset-fields-group"

#include "config.h"

#include <glib/gi18n.h>

#include "store/hy-store-asset-fields.h"
#include "store/hy-store-service.h"
#include "sync/hy-asset-fields.h"

#include "hy-asset-fields-group.h"

struct _HyAssetFieldsGroup
{
  AdwPreferencesGroup parent_instance;

  HySession *session;
  gulong changed_id;
  GPtrArray *rows;        /* the rows added (GtkWidget *), removed on rebuild */
  GPtrArray *types;       /* HyAssetType, as shown */
  GHashTable *field_rows; /* "type id:field" → its AdwComboRow (borrowed) */
  gboolean building;      /* the combo rows are being filled: their "selected" is not a choice */
};

G_DEFINE_FINAL_TYPE (HyAssetFieldsGroup, hy_asset_fields_group, ADW_TYPE_PREFERENCES_GROUP)

enum
{
  PROP_0,
  PROP_SESSION,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* The positions of a field's combo row: Automatic, Not sent, then the type's fields but its key
 * field (the name). */
#define POSITION_AUTO 0
#define POSITION_NONE 1

static void rebuild (HyAssetFieldsGroup *self);

/* ------------------------------------------------------------------------- */
/* Helpers                                                                   */
/* ------------------------------------------------------------------------- */

static const char *
field_title (HyAssetField field)
{
  switch (field)
    {
      case HY_ASSET_FIELD_SERIAL:
        return _ ("Serial number");
      case HY_ASSET_FIELD_OS:
        return _ ("Operating system");
      case HY_ASSET_FIELD_IP:
        return _ ("IP address");
      case HY_ASSET_FIELD_MAC:
        return _ ("MAC address");
      case HY_ASSET_FIELD_LAST_SEEN:
      default:
        return _ ("Last seen");
    }
}

/* The type's fields a computer field can go to, in Halo's order. */
static GPtrArray *
choosable_fields (const HyAssetType *type)
{
  GPtrArray *fields = g_ptr_array_new ();

  for (guint i = 0; i < type->fields->len; i++)
    {
      HyAssetTypeField *f = type->fields->pdata[i];

      if (f->id != type->keyfield_id)
        g_ptr_array_add (fields, f);
    }
  return fields;
}

/* The subtitle says where the field goes (the choice, too long to show beside the title), or
 * why it goes nowhere. */
static void
set_message (AdwComboRow *row, const char *message)
{
  adw_combo_row_set_use_subtitle (row, FALSE);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), message);
}

/* ------------------------------------------------------------------------- */
/* Callbacks                                                                 */
/* ------------------------------------------------------------------------- */

static void
selected_cb (AdwComboRow *row, GParamSpec *pspec, HyAssetFieldsGroup *self)
{
  const HyAssetType *type = g_object_get_data (G_OBJECT (row), "hy-asset-type");
  HyAssetField field = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (row), "hy-asset-field"));
  guint selected = adw_combo_row_get_selected (row);
  g_autoptr (GPtrArray) fields = NULL;
  g_autoptr (GError) error = NULL;
  const char *name;

  if (self->building || self->session == NULL || type == NULL ||
      selected == GTK_INVALID_LIST_POSITION)
    return;
  fields = choosable_fields (type);
  if (selected == POSITION_AUTO)
    name = NULL;
  else if (selected == POSITION_NONE)
    name = "";
  else if (selected - 2 < fields->len)
    name = ((HyAssetTypeField *) fields->pdata[selected - 2])->name;
  else
    return;
  if (!hy_asset_fields_choose (hy_session_get_store (self->session), type, field, name, &error))
    {
      /* Nothing saved: the row shows why. */
      set_message (row, error->message);
      return;
    }
}

static void
store_changed_cb (HyStore *store, guint changes, gpointer user_data)
{
  if (changes & (HY_STORE_CHANGED_CACHE | HY_STORE_CHANGED_MAPPINGS))
    rebuild (HY_ASSET_FIELDS_GROUP (user_data));
}

/* ------------------------------------------------------------------------- */
/* Building                                                                  */
/* ------------------------------------------------------------------------- */

/* The position of the combo row's item for @target. */
static guint
selected_position (const HyAssetType *type, const HyAssetFieldTarget *target)
{
  g_autoptr (GPtrArray) fields = choosable_fields (type);

  if (target->how == HY_ASSET_FIELD_HOW_NONE)
    return POSITION_NONE;
  for (guint i = 0; target->how == HY_ASSET_FIELD_HOW_MANUAL && i < fields->len; i++)
    if (((HyAssetTypeField *) fields->pdata[i])->id == target->halo_field_id)
      return i + 2;
  return POSITION_AUTO;
}

static void
show_target (AdwComboRow *row, const HyAssetType *type, const HyAssetFieldTarget *target)
{
  adw_combo_row_set_use_subtitle (row, TRUE);
  adw_combo_row_set_selected (row, selected_position (type, target));
  if (target->missing)
    set_message (row, _ ("The field chosen is no longer in Halo: not sent"));
}

static GtkWidget *
field_row (HyAssetFieldsGroup *self,
           const HyAssetType *type,
           HyAssetField field,
           const HyAssetFieldTarget *target)
{
  g_autoptr (GtkStringList) choices = gtk_string_list_new (NULL);
  g_autoptr (GPtrArray) fields = choosable_fields (type);
  gint64 guess = hy_asset_fields_guess (type, field);
  GtkWidget *row = adw_combo_row_new ();

  if (guess > 0)
    {
      const char *guess_name = NULL;

      for (guint i = 0; i < fields->len; i++)
        if (((HyAssetTypeField *) fields->pdata[i])->id == guess)
          guess_name = ((HyAssetTypeField *) fields->pdata[i])->name;
      {
        /* Translators: the Halo field whose name matches, chosen by itself */
        g_autofree char *text = g_strdup_printf (_ ("Automatic: %s"), guess_name);
        gtk_string_list_append (choices, text);
      }
    }
  else
    /* Translators: no Halo field has a name like this computer field: it is not sent */
    gtk_string_list_append (choices, _ ("Automatic: no field has a name like it"));
  /* Translators: the computer field is not written to any Halo field */
  gtk_string_list_append (choices, _ ("Not sent"));
  for (guint i = 0; i < fields->len; i++)
    gtk_string_list_append (choices, ((HyAssetTypeField *) fields->pdata[i])->name);

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), field_title (field));
  adw_combo_row_set_use_subtitle (ADW_COMBO_ROW (row), TRUE);
  adw_combo_row_set_model (ADW_COMBO_ROW (row), G_LIST_MODEL (choices));
  show_target (ADW_COMBO_ROW (row), type, target);
  g_object_set_data (G_OBJECT (row), "hy-asset-type", (gpointer) type);
  g_object_set_data (G_OBJECT (row), "hy-asset-field", GUINT_TO_POINTER (field));
  g_signal_connect (row, "notify::selected", G_CALLBACK (selected_cb), self);
  return row;
}

static gboolean
same_types (GPtrArray *a, GPtrArray *b)
{
  if (a == NULL || b == NULL || a->len != b->len)
    return FALSE;
  for (guint t = 0; t < a->len; t++)
    {
      const HyAssetType *x = a->pdata[t];
      const HyAssetType *y = b->pdata[t];

      if (x->id != y->id || g_strcmp0 (x->name, y->name) != 0 || x->keyfield_id != y->keyfield_id ||
          x->fields->len != y->fields->len)
        return FALSE;
      for (guint f = 0; f < x->fields->len; f++)
        {
          const HyAssetTypeField *p = x->fields->pdata[f];
          const HyAssetTypeField *q = y->fields->pdata[f];

          if (p->id != q->id || g_strcmp0 (p->name, q->name) != 0)
            return FALSE;
        }
    }
  return TRUE;
}

/* The same types as shown: only the choices may differ. The rows stay (with the keyboard focus
 * and the expanded types), each showing its choice as it is now. */
static gboolean
update_in_place (HyAssetFieldsGroup *self, HyStore *store)
{
  g_autoptr (GPtrArray) types = hy_store_list_asset_types (store, NULL);

  if (!same_types (self->types, types))
    return FALSE;
  self->building = TRUE;
  for (guint t = 0; t < self->types->len; t++)
    {
      HyAssetType *type = self->types->pdata[t];
      g_autoptr (GHashTable) choices = hy_store_get_asset_field_choices (store, type->id, NULL);
      HyAssetFieldTarget targets[HY_N_ASSET_FIELDS];

      hy_asset_fields_resolve (type, choices, targets);
      for (guint f = 0; f < HY_N_ASSET_FIELDS; f++)
        {
          AdwComboRow *row =
              hy_asset_fields_group_get_row (self, type->id, hy_asset_field_to_string (f));

          if (row != NULL)
            show_target (row, type, &targets[f]);
        }
    }
  self->building = FALSE;
  return TRUE;
}

static void
rebuild (HyAssetFieldsGroup *self)
{
  g_autoptr (GError) error = NULL;
  HyStore *store;

  if (self->session != NULL && self->types != NULL && self->types->len > 0 &&
      update_in_place (self, hy_session_get_store (self->session)))
    return;

  for (guint i = 0; i < self->rows->len; i++)
    adw_preferences_group_remove (ADW_PREFERENCES_GROUP (self), self->rows->pdata[i]);
  g_ptr_array_set_size (self->rows, 0);
  g_hash_table_remove_all (self->field_rows);
  g_clear_pointer (&self->types, g_ptr_array_unref);
  if (self->session == NULL)
    return;
  store = hy_session_get_store (self->session);
  self->types = hy_store_list_asset_types (store, &error);
  if (self->types == NULL)
    {
      GtkWidget *row = adw_action_row_new ();

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), error->message);
      adw_preferences_group_add (ADW_PREFERENCES_GROUP (self), row);
      g_ptr_array_add (self->rows, row);
      return;
    }
  if (self->types->len == 0)
    {
      GtkWidget *row = adw_action_row_new ();

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row),
                                     _ ("No asset type read from Halo yet"));
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row),
                                   _ ("Halyard reads the asset types’ fields when it first syncs "
                                      "devices."));
      adw_preferences_group_add (ADW_PREFERENCES_GROUP (self), row);
      g_ptr_array_add (self->rows, row);
      return;
    }

  self->building = TRUE;
  for (guint t = 0; t < self->types->len; t++)
    {
      HyAssetType *type = self->types->pdata[t];
      g_autoptr (GHashTable) choices = hy_store_get_asset_field_choices (store, type->id, NULL);
      HyAssetFieldTarget targets[HY_N_ASSET_FIELDS];
      GtkWidget *expander = adw_expander_row_new ();
      g_autofree char *subtitle = NULL;

      hy_asset_fields_resolve (type, choices, targets);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (expander), type->name);
      /* Translators: %lld is the id of a Halo asset type */
      subtitle = g_strdup_printf (_ ("Halo asset type %lld"), (long long) type->id);
      adw_expander_row_set_subtitle (ADW_EXPANDER_ROW (expander), subtitle);
      adw_expander_row_set_expanded (ADW_EXPANDER_ROW (expander), self->types->len == 1);
      for (guint f = 0; f < HY_N_ASSET_FIELDS; f++)
        {
          GtkWidget *row = field_row (self, type, f, &targets[f]);

          adw_expander_row_add_row (ADW_EXPANDER_ROW (expander), row);
          g_hash_table_insert (self->field_rows,
                               g_strdup_printf ("%" G_GINT64_FORMAT ":%s", type->id,
                                                hy_asset_field_to_string (f)),
                               row);
        }
      adw_preferences_group_add (ADW_PREFERENCES_GROUP (self), expander);
      g_ptr_array_add (self->rows, expander);
    }
  self->building = FALSE;
}

/* ------------------------------------------------------------------------- */
/* GObject                                                                   */
/* ------------------------------------------------------------------------- */

static void
disconnect_store (HyAssetFieldsGroup *self)
{
  if (self->session != NULL && self->changed_id != 0)
    g_clear_signal_handler (&self->changed_id, hy_session_get_store (self->session));
}

static void
hy_asset_fields_group_dispose (GObject *object)
{
  HyAssetFieldsGroup *self = HY_ASSET_FIELDS_GROUP (object);

  disconnect_store (self);
  g_clear_object (&self->session);
  G_OBJECT_CLASS (hy_asset_fields_group_parent_class)->dispose (object);
}

static void
hy_asset_fields_group_finalize (GObject *object)
{
  HyAssetFieldsGroup *self = HY_ASSET_FIELDS_GROUP (object);

  g_clear_pointer (&self->rows, g_ptr_array_unref);
  g_clear_pointer (&self->field_rows, g_hash_table_unref);
  g_clear_pointer (&self->types, g_ptr_array_unref);
  G_OBJECT_CLASS (hy_asset_fields_group_parent_class)->finalize (object);
}

static void
hy_asset_fields_group_get_property (GObject *object,
                                    guint prop_id,
                                    GValue *value,
                                    GParamSpec *pspec)
{
  HyAssetFieldsGroup *self = HY_ASSET_FIELDS_GROUP (object);

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
hy_asset_fields_group_set_property (GObject *object,
                                    guint prop_id,
                                    const GValue *value,
                                    GParamSpec *pspec)
{
  HyAssetFieldsGroup *self = HY_ASSET_FIELDS_GROUP (object);

  switch (prop_id)
    {
      case PROP_SESSION:
        hy_asset_fields_group_set_session (self, g_value_get_object (value));
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hy_asset_fields_group_class_init (HyAssetFieldsGroupClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = hy_asset_fields_group_dispose;
  object_class->finalize = hy_asset_fields_group_finalize;
  object_class->get_property = hy_asset_fields_group_get_property;
  object_class->set_property = hy_asset_fields_group_set_property;

  properties[PROP_SESSION] =
      g_param_spec_object ("session", NULL, NULL, HY_TYPE_SESSION,
                           G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
hy_asset_fields_group_init (HyAssetFieldsGroup *self)
{
  self->rows = g_ptr_array_new ();
  self->field_rows = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (self), _ ("Asset Fields"));
  adw_preferences_group_set_description (
      ADW_PREFERENCES_GROUP (self),
      _ ("Where each computer’s serial number, operating system, IP and MAC addresses and last "
         "seen time go in Halo. Each goes to the field whose name matches unless you choose "
         "another one; an update sends only what changed."));
}

/* ------------------------------------------------------------------------- */
/* Public API                                                                */
/* ------------------------------------------------------------------------- */

GtkWidget *
hy_asset_fields_group_new (void)
{
  return g_object_new (HY_TYPE_ASSET_FIELDS_GROUP, NULL);
}

HySession *
hy_asset_fields_group_get_session (HyAssetFieldsGroup *self)
{
  g_return_val_if_fail (HY_IS_ASSET_FIELDS_GROUP (self), NULL);
  return self->session;
}

void
hy_asset_fields_group_set_session (HyAssetFieldsGroup *self, HySession *session)
{
  g_return_if_fail (HY_IS_ASSET_FIELDS_GROUP (self));
  g_return_if_fail (session == NULL || HY_IS_SESSION (session));

  if (self->session == session)
    return;
  disconnect_store (self);
  g_set_object (&self->session, session);
  if (session != NULL)
    self->changed_id = g_signal_connect (hy_session_get_store (session), "changed",
                                         G_CALLBACK (store_changed_cb), self);
  rebuild (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SESSION]);
}

AdwComboRow *
hy_asset_fields_group_get_row (HyAssetFieldsGroup *self, gint64 assettype_id, const char *field)
{
  g_autofree char *key = NULL;

  g_return_val_if_fail (HY_IS_ASSET_FIELDS_GROUP (self), NULL);

  key = g_strdup_printf ("%" G_GINT64_FORMAT ":%s", assettype_id, field);
  return g_hash_table_lookup (self->field_rows, key);
}
