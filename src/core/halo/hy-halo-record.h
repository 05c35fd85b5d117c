/* hy-halo-record.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/**
 * HyHaloKind:
 *
 * Which Halo entity a #HyHaloRecord holds.
 */
typedef enum
{
  HY_HALO_KIND_AGENT,
  HY_HALO_KIND_CLIENT,
  HY_HALO_KIND_SITE,
  HY_HALO_KIND_ASSET,
  HY_HALO_KIND_ASSET_TYPE,
  HY_HALO_KIND_TEAM,
  HY_HALO_KIND_TICKET_TYPE,
  HY_HALO_KIND_STATUS,
  HY_HALO_KIND_OUTCOME,
  HY_HALO_KIND_USER,
  HY_HALO_KIND_TICKET,
  HY_HALO_KIND_ACTION,
  HY_HALO_KIND_PRIORITY,
} HyHaloKind;

/**
 * HyHaloRecord:
 *
 * One Halo record as Halo sent it (refcounted, immutable, thread-safe: it keeps Halo's JSON as
 * compact text plus the members every consumer reads; the JSON object is parsed on first use),
 * with robust accessors: ids may come as `12`, `12.0` or `"12"` and are returned as #gint64
 * (0 when absent or unparsable). The store keeps what it needs; the whole object is there
 * for anything else (hy_halo_record_get_object(), hy_halo_record_to_json()).
 *
 * Common accessors per kind:
 * - every kind: hy_halo_record_get_id(), hy_halo_record_get_name() (tickets: `summary`;
 *   outcomes: `outcome` or `buttonname` when `name` is missing)
 * - site, asset, user, ticket: hy_halo_record_get_client_id(); asset, user, ticket:
 *   hy_halo_record_get_site_id()
 * - asset: hy_halo_record_get_string (r, "inventory_number"), `assettype_id`, `key_field`
 * - agent: hy_halo_record_get_email() (`email`); user: the same (`emailaddress`)
 * - ticket: `tickettype_id`, `status_id`, `hasbeenclosed` (hy_halo_record_get_boolean())
 */
typedef struct _HyHaloRecord HyHaloRecord;

/* Halo's system status Closed: id 9 in every tenant. Statuses carry no "closed" member
 * (HALO-API §11): this id is how a client knows the closing status. */
#define HY_HALO_STATUS_CLOSED 9

#define HY_TYPE_HALO_RECORD (hy_halo_record_get_type ())

GType hy_halo_record_get_type (void) G_GNUC_CONST;
HyHaloRecord *hy_halo_record_new (HyHaloKind kind, JsonObject *object);
HyHaloRecord *hy_halo_record_ref (HyHaloRecord *self);
void hy_halo_record_unref (HyHaloRecord *self);
HyHaloKind hy_halo_record_get_kind (HyHaloRecord *self);
JsonObject *hy_halo_record_get_object (HyHaloRecord *self);
gint64 hy_halo_record_get_id (HyHaloRecord *self);
const char *hy_halo_record_get_name (HyHaloRecord *self);
gint64 hy_halo_record_get_client_id (HyHaloRecord *self);
gint64 hy_halo_record_get_site_id (HyHaloRecord *self);
const char *hy_halo_record_get_email (HyHaloRecord *self);
gint64 hy_halo_record_get_int (HyHaloRecord *self, const char *member);
const char *hy_halo_record_get_string (HyHaloRecord *self, const char *member);
gboolean hy_halo_record_get_boolean (HyHaloRecord *self, const char *member);
const char *hy_halo_record_get_json (HyHaloRecord *self);
char *hy_halo_record_to_json (HyHaloRecord *self);
/* The value of an asset's field (its `fields[]`: `name`, `value`) whose name contains
 * @name_like, case-insensitively; NULL when none or empty. Halo has no serial member: the serial
 * is hy_halo_asset_field_value (asset, "serial"). */
const char *hy_halo_asset_field_value (JsonObject *asset, const char *name_like);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (HyHaloRecord, hy_halo_record_unref)

/**
 * HyHaloList:
 * @records: (element-type HyHaloRecord): the records, in Halo's order, de-duplicated by id
 * @record_count: the total Halo announced (`record_count`), or -1 for bare-array lists
 * @requests: how many page requests were made
 * @inconsistent: %TRUE when Halo's totals did not add up (fewer or more records than
 *   `record_count`, repeated pages): a warning event was emitted too
 * @dropped: how many returned records did not match the filter asked for (Halo ignored it)
 *   and were dropped
 * @truncated: %TRUE when a list capped with hy_halo_client_list_within_async() stopped after
 *   its first page because the whole list would take more pages than allowed: @records are
 *   that page's only
 *
 * The result of a list call. Read-only for callers.
 */
typedef struct
{
  GPtrArray *records;
  gint64 record_count;
  guint requests;
  gboolean inconsistent;
  guint dropped;
  gboolean truncated;
} HyHaloList;

#define HY_TYPE_HALO_LIST (hy_halo_list_get_type ())

GType hy_halo_list_get_type (void) G_GNUC_CONST;
HyHaloList *hy_halo_list_new (void);
HyHaloList *hy_halo_list_copy (HyHaloList *self);
void hy_halo_list_free (HyHaloList *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (HyHaloList, hy_halo_list_free)

gboolean hy_halo_json_parse_id (JsonNode *node, gint64 *out_id);
gint64 hy_halo_json_get_id (JsonObject *object, const char *member);
void hy_halo_json_normalize_ids (JsonNode *node);

G_END_DECLS
