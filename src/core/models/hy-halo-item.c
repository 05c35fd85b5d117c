/* hy-halo-item.c — one cached Halo record as a list item
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The item keeps a folded search key (name, detail and id, case-folded and normalised) built
 * once, so that filtering ten thousand clients per keystroke is a plain substring search.
 */

#define G_LOG_DOMAIN "hy-halo-item"

#include "config.h"

#include "models/hy-halo-item.h"

struct _HyHaloItem
{
  GObject parent_instance;

  gint64 id;
  gint64 parent_id;
  char *name;
  char *detail;
  char *search_key;
};

G_DEFINE_FINAL_TYPE (HyHaloItem, hy_halo_item, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_ID,
  PROP_NAME,
  PROP_DETAIL,
  PROP_SEARCH_KEY,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
hy_halo_item_finalize (GObject *object)
{
  HyHaloItem *self = HY_HALO_ITEM (object);

  g_free (self->name);
  g_free (self->detail);
  g_free (self->search_key);

  G_OBJECT_CLASS (hy_halo_item_parent_class)->finalize (object);
}

static void
hy_halo_item_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  HyHaloItem *self = HY_HALO_ITEM (object);

  switch (prop_id)
    {
      case PROP_ID:
        g_value_set_int64 (value, self->id);
        break;
      case PROP_NAME:
        g_value_set_string (value, self->name);
        break;
      case PROP_DETAIL:
        g_value_set_string (value, self->detail);
        break;
      case PROP_SEARCH_KEY:
        g_value_set_string (value, self->search_key);
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hy_halo_item_class_init (HyHaloItemClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = hy_halo_item_finalize;
  object_class->get_property = hy_halo_item_get_property;

  properties[PROP_ID] = g_param_spec_int64 ("id", NULL, NULL, 0, G_MAXINT64, 0,
                                            G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_NAME] =
      g_param_spec_string ("name", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_DETAIL] =
      g_param_spec_string ("detail", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_SEARCH_KEY] = g_param_spec_string ("search-key", NULL, NULL, NULL,
                                                     G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
hy_halo_item_init (HyHaloItem *self)
{
}

/**
 * hy_halo_item_fold:
 *
 * Returns: (transfer full): @text normalised and case-folded, for substring matching
 */
char *
hy_halo_item_fold (const char *text)
{
  g_autofree char *normalized = NULL;
  g_autofree char *folded = NULL;
  GString *out;

  if (text == NULL)
    return g_strdup ("");

  /* NFKD, then without the combining marks: "Ácme" and "acme" match. */
  normalized = g_utf8_normalize (text, -1, G_NORMALIZE_ALL);
  if (normalized == NULL)
    return g_strdup ("");
  folded = g_utf8_casefold (normalized, -1);

  out = g_string_sized_new (strlen (folded));
  for (const char *p = folded; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (!g_unichar_ismark (c))
        g_string_append_unichar (out, c);
    }

  return g_string_free (out, FALSE);
}

/**
 * hy_halo_item_split_words:
 *
 * The words of a search as typed (split on spaces, tabs and newlines), each folded with
 * hy_halo_item_fold (), for the text filters of Events, its export and the record picker.
 *
 * Returns: (transfer full) (nullable): the folded words, or %NULL when @text has none
 */
char **
hy_halo_item_split_words (const char *text)
{
  g_autofree char *folded = hy_halo_item_fold (text);
  g_auto (GStrv) parts = g_strsplit_set (folded, " \t\n", -1);
  g_autoptr (GStrvBuilder) builder = g_strv_builder_new ();
  gboolean any = FALSE;

  for (guint i = 0; parts[i] != NULL; i++)
    if (parts[i][0] != '\0')
      {
        g_strv_builder_add (builder, parts[i]);
        any = TRUE;
      }

  return any ? g_strv_builder_end (builder) : NULL;
}

HyHaloItem *
hy_halo_item_new (gint64 id, const char *name, const char *detail)
{
  HyHaloItem *self = g_object_new (HY_TYPE_HALO_ITEM, NULL);
  g_autofree char *key = NULL;

  self->id = id;
  self->name = g_strdup (name != NULL ? name : "");
  self->detail = g_strdup (detail);
  key =
      g_strdup_printf ("%s\n%s\n#%" G_GINT64_FORMAT, self->name, detail != NULL ? detail : "", id);
  self->search_key = hy_halo_item_fold (key);

  return self;
}

gint64
hy_halo_item_get_id (HyHaloItem *self)
{
  g_return_val_if_fail (HY_IS_HALO_ITEM (self), 0);

  return self->id;
}

const char *
hy_halo_item_get_name (HyHaloItem *self)
{
  g_return_val_if_fail (HY_IS_HALO_ITEM (self), NULL);

  return self->name;
}

const char *
hy_halo_item_get_detail (HyHaloItem *self)
{
  g_return_val_if_fail (HY_IS_HALO_ITEM (self), NULL);

  return self->detail;
}

const char *
hy_halo_item_get_search_key (HyHaloItem *self)
{
  g_return_val_if_fail (HY_IS_HALO_ITEM (self), NULL);

  return self->search_key;
}

/* The Halo client of a site or asset (0: none), for pickers restricted to one client. */
gint64
hy_halo_item_get_parent_id (HyHaloItem *self)
{
  g_return_val_if_fail (HY_IS_HALO_ITEM (self), 0);

  return self->parent_id;
}

void
hy_halo_item_set_parent_id (HyHaloItem *self, gint64 parent_id)
{
  g_return_if_fail (HY_IS_HALO_ITEM (self));

  self->parent_id = parent_id;
}
