/* hy-link-item.c — one row of the Mapping view
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Companies, locations, computers and technicians carry their link (Halo record, automatic or
 * manual); groups carry their client and site and their sync state; policies their ticket type
 * and what happens when the alert clears. "linked" is the Linked column for all of them (for
 * groups and policies: mapped).
 */

#define G_LOG_DOMAIN "hy-link-item"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "models/hy-link-item.h"

struct _HyLinkItem
{
  GObject parent_instance;

  HyRecordKind kind;
  char *id;
  char *name;
  gboolean linked;
  gint64 halo_id;
  char *halo_name;
  char *state;
  HyLinkItemState state_kind;
  char *extra;
  HyReason reason_code;
};

G_DEFINE_FINAL_TYPE (HyLinkItem, hy_link_item, G_TYPE_OBJECT)

static void
hy_link_item_finalize (GObject *object)
{
  HyLinkItem *self = HY_LINK_ITEM (object);

  g_free (self->id);
  g_free (self->name);
  g_free (self->halo_name);
  g_free (self->state);
  g_free (self->extra);

  G_OBJECT_CLASS (hy_link_item_parent_class)->finalize (object);
}

static void
hy_link_item_class_init (HyLinkItemClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = hy_link_item_finalize;
}

static void
hy_link_item_init (HyLinkItem *self)
{
}

HyLinkItem *
hy_link_item_new (HyRecordKind kind, const char *id, const char *name)
{
  HyLinkItem *self = g_object_new (HY_TYPE_LINK_ITEM, NULL);

  self->kind = kind;
  self->id = g_strdup (id);
  self->name = g_strdup (name != NULL ? name : "");

  return self;
}

HyLinkItem *
hy_link_item_new_from_link (const HyLink *link)
{
  HyLinkItem *self;

  g_return_val_if_fail (link != NULL, NULL);

  self = hy_link_item_new (link->kind, link->id, link->name);
  hy_link_item_set_link (self, link->link.how != HY_LINK_HOW_NONE, link->link.halo_id,
                         link->link.halo_name);
  if (link->retired != 0)
    {
      /* A computer missing from the last complete import: kept, shown as retired. */
      switch (link->link.how)
        {
          case HY_LINK_HOW_AUTO:
            /* Translators: a retired computer (missing from the last complete import) linked
             * by Halyard */
            hy_link_item_set_state (self, C_ ("link how", "Automatic, retired"),
                                    HY_LINK_ITEM_STATE_GOOD);
            break;
          case HY_LINK_HOW_MANUAL:
            /* Translators: a retired computer (missing from the last complete import) linked
             * by the technician */
            hy_link_item_set_state (self, C_ ("link how", "Manual, retired"),
                                    HY_LINK_ITEM_STATE_GOOD);
            break;
          case HY_LINK_HOW_NONE:
          default:
            /* Translators: a retired computer (missing from the last complete import), not
             * linked */
            hy_link_item_set_state (self, C_ ("link how", "Not linked, retired"),
                                    HY_LINK_ITEM_STATE_NONE);
            break;
        }
      return self;
    }

  switch (link->link.how)
    {
      case HY_LINK_HOW_AUTO:
        /* Translators: how a record was linked: by Halyard, names matching exactly */
        hy_link_item_set_state (self, C_ ("link how", "Automatic"), HY_LINK_ITEM_STATE_GOOD);
        break;
      case HY_LINK_HOW_MANUAL:
        /* Translators: how a record was linked: by the technician */
        hy_link_item_set_state (self, C_ ("link how", "Manual"), HY_LINK_ITEM_STATE_GOOD);
        break;
      case HY_LINK_HOW_NONE:
      default:
        /* Translators: the state of a record not linked to Halo yet */
        hy_link_item_set_state (self, C_ ("link how", "Not linked"), HY_LINK_ITEM_STATE_NONE);
        break;
    }

  return self;
}

HyRecordKind
hy_link_item_get_kind (HyLinkItem *self)
{
  g_return_val_if_fail (HY_IS_LINK_ITEM (self), 0);

  return self->kind;
}

const char *
hy_link_item_get_id (HyLinkItem *self)
{
  g_return_val_if_fail (HY_IS_LINK_ITEM (self), NULL);

  return self->id;
}

const char *
hy_link_item_get_name (HyLinkItem *self)
{
  g_return_val_if_fail (HY_IS_LINK_ITEM (self), NULL);

  return self->name;
}

gboolean
hy_link_item_get_linked (HyLinkItem *self)
{
  g_return_val_if_fail (HY_IS_LINK_ITEM (self), FALSE);

  return self->linked;
}

gint64
hy_link_item_get_halo_id (HyLinkItem *self)
{
  g_return_val_if_fail (HY_IS_LINK_ITEM (self), 0);

  return self->halo_id;
}

/* The Halo record (for groups: "client — site"; policies: the ticket type); NULL when none. */
const char *
hy_link_item_get_halo_name (HyLinkItem *self)
{
  g_return_val_if_fail (HY_IS_LINK_ITEM (self), NULL);

  return self->halo_name;
}

const char *
hy_link_item_get_state (HyLinkItem *self)
{
  g_return_val_if_fail (HY_IS_LINK_ITEM (self), NULL);

  return self->state;
}

HyLinkItemState
hy_link_item_get_state_kind (HyLinkItem *self)
{
  g_return_val_if_fail (HY_IS_LINK_ITEM (self), HY_LINK_ITEM_STATE_NONE);

  return self->state_kind;
}

/* Groups: the device counts; policies: what happens when the alert clears. */
const char *
hy_link_item_get_extra (HyLinkItem *self)
{
  g_return_val_if_fail (HY_IS_LINK_ITEM (self), NULL);

  return self->extra;
}

void
hy_link_item_set_link (HyLinkItem *self, gboolean linked, gint64 halo_id, const char *halo_name)
{
  g_return_if_fail (HY_IS_LINK_ITEM (self));

  self->linked = linked;
  self->halo_id = halo_id;
  g_free (self->halo_name);
  self->halo_name = g_strdup (halo_name);
}

void
hy_link_item_set_state (HyLinkItem *self, const char *state, HyLinkItemState kind)
{
  g_return_if_fail (HY_IS_LINK_ITEM (self));

  g_free (self->state);
  self->state = g_strdup (state);
  self->state_kind = kind;
}

void
hy_link_item_set_extra (HyLinkItem *self, const char *extra)
{
  g_return_if_fail (HY_IS_LINK_ITEM (self));

  g_free (self->extra);
  self->extra = g_strdup (extra);
}

/* Groups: what fixes the failed sync whose reason ends the extra text, for a view to name its
 * control. */
HyReason
hy_link_item_get_reason_code (HyLinkItem *self)
{
  g_return_val_if_fail (HY_IS_LINK_ITEM (self), HY_REASON_NONE);

  return self->reason_code;
}

void
hy_link_item_set_reason_code (HyLinkItem *self, HyReason reason_code)
{
  g_return_if_fail (HY_IS_LINK_ITEM (self));

  self->reason_code = reason_code;
}
