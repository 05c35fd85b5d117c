/* hy-store-asset-fields.h: Halo's asset types as Halyard last read them, and which of their
 * fields each of the computers' fields goes to when the technician chose it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "store/hy-store.h"

G_BEGIN_DECLS

/* One field of an asset type (GET /AssetType/{id}?includedetails=true: fields[] with field_id
 * and field_name). */
typedef struct
{
  gint64 id;
  char *name;
} HyAssetTypeField;

/* A Halo asset type Halyard writes devices as, with its fields in Halo's order. */
typedef struct
{
  gint64 id;
  char *name;
  gint64 keyfield_id; /* the field that names the asset */
  gint64 read_at;     /* when Halyard last read it from Halo (µs) */
  GPtrArray *fields;  /* HyAssetTypeField */
} HyAssetType;

HyAssetType *hy_asset_type_new (gint64 id, const char *name, gint64 keyfield_id);
void hy_asset_type_add_field (HyAssetType *type, gint64 id, const char *name);
void hy_asset_type_free (HyAssetType *type);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HyAssetType, hy_asset_type_free)

/* Keeps @type as Halo just listed it (name, key field and fields), replacing what the store knew;
 * nothing is written when nothing changed. */
gboolean hy_store_save_asset_type (HyStore *self, const HyAssetType *type, GError **error);
/* The type; NULL without an error when Halyard never read it. */
HyAssetType *hy_store_get_asset_type (HyStore *self, gint64 id, GError **error);
/* Every type Halyard read, by name (HyAssetType). */
GPtrArray *hy_store_list_asset_types (HyStore *self, GError **error);

/* The technician's choice for @field ("os", "ip", "mac", "serial", "last_seen") of the computers
 * written as @assettype_id: @halo_field_id, 0 for "not sent", or -1 to forget the choice (the
 * field then goes where its name matches). */
gboolean hy_store_set_asset_field_choice (HyStore *self,
                                          gint64 assettype_id,
                                          const char *field,
                                          gint64 halo_field_id,
                                          GError **error);
/* The choices made for @assettype_id: field name → halo field id (a gint64 *; 0: not sent). */
GHashTable *hy_store_get_asset_field_choices (HyStore *self, gint64 assettype_id, GError **error);

G_END_DECLS
