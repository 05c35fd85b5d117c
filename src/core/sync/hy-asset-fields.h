/* hy-asset-fields.h: which field of a Halo asset type each of the computers' fields goes to
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Besides the name (the type's key field), a computer's serial, OS, IP and MAC addresses and
 * last seen time go to the asset type's fields, whose ids and names are per tenant
 * (GET /AssetType/{id}?includedetails=true). Each goes to the field whose name matches
 * ("Operating System", "IP Address", …) unless the technician chose another one, or none.
 */
#pragma once

#include <json-glib/json-glib.h>

#include "halo/hy-halo-client.h"
#include "store/hy-store-asset-fields.h"

G_BEGIN_DECLS

/* The computers' fields written to asset-type fields, in this order. */
typedef enum
{
  HY_ASSET_FIELD_SERIAL,
  HY_ASSET_FIELD_OS,
  HY_ASSET_FIELD_IP,
  HY_ASSET_FIELD_MAC,
  HY_ASSET_FIELD_LAST_SEEN,
  HY_N_ASSET_FIELDS
} HyAssetField;

/* "serial", "os", "ip", "mac", "last_seen" (the import's field names); -1 when unknown. */
const char *hy_asset_field_to_string (HyAssetField field);
int hy_asset_field_from_string (const char *name);

typedef enum
{
  HY_ASSET_FIELD_HOW_AUTO,   /* the field whose name matches (none when no name does) */
  HY_ASSET_FIELD_HOW_MANUAL, /* the technician chose it */
  HY_ASSET_FIELD_HOW_NONE,   /* the technician chose not to send it */
} HyAssetFieldHow;

/* Where one field goes for one asset type. */
typedef struct
{
  gint64 halo_field_id;        /* 0: not sent */
  const char *halo_field_name; /* the type's name for it (owned by the type), NULL when none */
  HyAssetFieldHow how;
  gboolean missing; /* chosen, but the type no longer has that field: not sent */
} HyAssetFieldTarget;

/* The type's field whose name matches @field, 0 when none does (never the key field). */
gint64 hy_asset_fields_guess (const HyAssetType *type, HyAssetField field);
/* Where each field goes for @type, with the technician's @choices (may be NULL). */
void hy_asset_fields_resolve (const HyAssetType *type,
                              GHashTable *choices,
                              HyAssetFieldTarget targets[HY_N_ASSET_FIELDS]);

/* The type as GET /AssetType/{id}?includedetails=true describes it (id, name, keyfield_id,
 * fields[] with field_id and field_name); NULL when @details is not an asset type. */
HyAssetType *hy_asset_type_from_details (JsonObject *details);

/* Chooses where @field goes for @type: the type's field named @halo_name (case does not
 * matter), "" for not sent, NULL to go back to the field whose name matches. A name the type
 * has no field for is refused (HY_SYNC_ERROR_INVALID) with the type's own field names. */
gboolean hy_asset_fields_choose (HyStore *store,
                                 const HyAssetType *type,
                                 HyAssetField field,
                                 const char *halo_name,
                                 GError **error);

/* {"asset_type": {"id", "name"}, "fields": [{"field", "halo_field_id": N|null,
 * "halo_field_name": S|null, "how": "auto"|"manual"|"none"}], "halo_fields": [S…]} */
JsonNode *hy_asset_fields_to_json (const HyAssetType *type, GHashTable *choices);

/* Reads the asset type from Halo (GET /AssetType/{id}?includedetails=true) and keeps it in
 * @store; finish gives the type. */
void hy_asset_fields_read_type_async (HyHaloClient *client,
                                      HyStore *store,
                                      gint64 id,
                                      GCancellable *cancellable,
                                      GAsyncReadyCallback callback,
                                      gpointer user_data);
HyAssetType *hy_asset_fields_read_type_finish (GAsyncResult *result, GError **error);

G_END_DECLS
