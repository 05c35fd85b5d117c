/* hy-store-types.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "hy-store"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "store/hy-record-fields.h"
#include "store/hy-store-types.h"

/* ---------------------------------------------------------------------------------------------
 * Field tables
 * ------------------------------------------------------------------------------------------- */

#define TEXT(st, n, col, member, req)                           \
  {                                                             \
    n, col, G_STRUCT_OFFSET (st, member), HY_FIELD_TEXT, 0, req \
  }
#define DATE(st, n, col, member)                                  \
  {                                                               \
    n, col, G_STRUCT_OFFSET (st, member), HY_FIELD_DATE, 0, FALSE \
  }
#define REF(st, n, col, member, kind, req)                        \
  {                                                               \
    n, col, G_STRUCT_OFFSET (st, member), HY_FIELD_REF, kind, req \
  }

static const HyFieldInfo company_fields[] = {
  TEXT (HyCompany, "id", "id", id, TRUE),
  TEXT (HyCompany, "name", "name", name, TRUE),
};

static const HyFieldInfo location_fields[] = {
  TEXT (HyLocation, "id", "id", id, TRUE),
  TEXT (HyLocation, "name", "name", name, TRUE),
  REF (HyLocation, "company", "company_id", company_id, HY_RECORD_KIND_COMPANY, TRUE),
};

static const HyFieldInfo group_fields[] = {
  TEXT (HyGroup, "id", "id", id, TRUE),
  TEXT (HyGroup, "name", "name", name, TRUE),
  REF (HyGroup, "parent", "parent_id", parent_id, HY_RECORD_KIND_GROUP, FALSE),
};

static const HyFieldInfo computer_fields[] = {
  TEXT (HyComputer, "id", "id", id, TRUE),
  TEXT (HyComputer, "name", "name", name, TRUE),
  REF (HyComputer, "company", "company_id", company_id, HY_RECORD_KIND_COMPANY, FALSE),
  REF (HyComputer, "location", "location_id", location_id, HY_RECORD_KIND_LOCATION, FALSE),
  REF (HyComputer, "group", "group_id", group_id, HY_RECORD_KIND_GROUP, FALSE),
  TEXT (HyComputer, "serial", "serial", serial, FALSE),
  TEXT (HyComputer, "os", "os", os, FALSE),
  TEXT (HyComputer, "ip", "ip", ip, FALSE),
  TEXT (HyComputer, "mac", "mac", mac, FALSE),
  DATE (HyComputer, "last_seen", "last_seen", last_seen),
};

static const HyFieldInfo user_fields[] = {
  TEXT (HyUser, "id", "id", id, TRUE),
  TEXT (HyUser, "name", "name", name, TRUE),
  TEXT (HyUser, "email", "email", email, FALSE),
};

static const HyFieldInfo policy_fields[] = {
  TEXT (HyPolicy, "id", "id", id, TRUE),
  TEXT (HyPolicy, "name", "name", name, TRUE),
};

static const HyFieldInfo alert_fields[] = {
  TEXT (HyAlert, "id", "id", id, TRUE),
  REF (HyAlert, "computer", "computer_id", computer_id, HY_RECORD_KIND_COMPUTER, TRUE),
  REF (HyAlert, "policy", "policy_id", policy_id, HY_RECORD_KIND_POLICY, TRUE),
  TEXT (HyAlert, "severity", "severity", severity, FALSE),
  TEXT (HyAlert, "summary", "summary", summary, TRUE),
  TEXT (HyAlert, "details", "details", details, FALSE),
  DATE (HyAlert, "raised_at", "raised_at", raised_at),
  DATE (HyAlert, "cleared_at", "cleared_at", cleared_at),
};

typedef struct
{
  const char *singular;
  const char *plural;
  gsize size;
  const HyFieldInfo *fields;
  guint n_fields;
  gsize name_offset;
  gssize link_offset;         /* -1: not linkable */
  gssize extra_string_offset; /* alerts: reason; -1: none */
} KindInfo;

static const KindInfo kinds[HY_N_RECORD_KINDS] = {
  { "company", "companies", sizeof (HyCompany), company_fields, G_N_ELEMENTS (company_fields),
    G_STRUCT_OFFSET (HyCompany, name), G_STRUCT_OFFSET (HyCompany, link), -1 },
  { "location", "locations", sizeof (HyLocation), location_fields, G_N_ELEMENTS (location_fields),
    G_STRUCT_OFFSET (HyLocation, name), G_STRUCT_OFFSET (HyLocation, link), -1 },
  { "group", "groups", sizeof (HyGroup), group_fields, G_N_ELEMENTS (group_fields),
    G_STRUCT_OFFSET (HyGroup, name), -1, -1 },
  { "computer", "computers", sizeof (HyComputer), computer_fields, G_N_ELEMENTS (computer_fields),
    G_STRUCT_OFFSET (HyComputer, name), G_STRUCT_OFFSET (HyComputer, link), -1 },
  { "user", "users", sizeof (HyUser), user_fields, G_N_ELEMENTS (user_fields),
    G_STRUCT_OFFSET (HyUser, name), G_STRUCT_OFFSET (HyUser, link), -1 },
  { "policy", "policies", sizeof (HyPolicy), policy_fields, G_N_ELEMENTS (policy_fields),
    G_STRUCT_OFFSET (HyPolicy, name), -1, -1 },
  { "alert", "alerts", sizeof (HyAlert), alert_fields, G_N_ELEMENTS (alert_fields),
    G_STRUCT_OFFSET (HyAlert, summary), -1, G_STRUCT_OFFSET (HyAlert, reason) },
};

const HyFieldInfo *
hy_record_kind_get_fields (HyRecordKind kind, guint *out_n_fields)
{
  g_return_val_if_fail (kind < HY_N_RECORD_KINDS, NULL);

  if (out_n_fields)
    *out_n_fields = kinds[kind].n_fields;
  return kinds[kind].fields;
}

/* ---------------------------------------------------------------------------------------------
 * Enums
 * ------------------------------------------------------------------------------------------- */

const char *
hy_record_kind_to_string (HyRecordKind kind)
{
  g_return_val_if_fail (kind < HY_N_RECORD_KINDS, NULL);
  return kinds[kind].singular;
}

const char *
hy_record_kind_to_plural (HyRecordKind kind)
{
  g_return_val_if_fail (kind < HY_N_RECORD_KINDS, NULL);
  return kinds[kind].plural;
}

gboolean
hy_record_kind_from_string (const char *str, HyRecordKind *out_kind)
{
  if (str == NULL)
    return FALSE;
  for (guint i = 0; i < HY_N_RECORD_KINDS; i++)
    {
      if (g_str_equal (str, kinds[i].singular) || g_str_equal (str, kinds[i].plural))
        {
          if (out_kind)
            *out_kind = i;
          return TRUE;
        }
    }
  return FALSE;
}

gboolean
hy_record_kind_is_linkable (HyRecordKind kind)
{
  return kind < HY_N_RECORD_KINDS && kinds[kind].link_offset >= 0;
}

/**
 * hy_record_kind_not_found_message:
 * @kind: the kind of the record looked for
 * @id: its local id
 *
 * The one sentence the store and the linker both say when no record of @kind has @id, each
 * under its own error domain. One whole sentence per kind: a kind's name glued into a sentence
 * cannot agree with it in gendered languages.
 *
 * Returns: (transfer full): the translated sentence
 */
char *
hy_record_kind_not_found_message (HyRecordKind kind, const char *id)
{
  if (id == NULL)
    id = "";
  switch (kind)
    {
      case HY_RECORD_KIND_COMPANY:
        return g_strdup_printf (_ ("There is no company with id “%s”."), id);
      case HY_RECORD_KIND_LOCATION:
        return g_strdup_printf (_ ("There is no location with id “%s”."), id);
      case HY_RECORD_KIND_GROUP:
        return g_strdup_printf (_ ("There is no group with id “%s”."), id);
      case HY_RECORD_KIND_COMPUTER:
        return g_strdup_printf (_ ("There is no computer with id “%s”."), id);
      case HY_RECORD_KIND_USER:
        return g_strdup_printf (_ ("There is no user with id “%s”."), id);
      case HY_RECORD_KIND_POLICY:
        return g_strdup_printf (_ ("There is no policy with id “%s”."), id);
      case HY_RECORD_KIND_ALERT:
        return g_strdup_printf (_ ("There is no alert with id “%s”."), id);
      default:
        return g_strdup_printf (_ ("There is no record “%s”."), id);
    }
}

const char *
hy_link_how_to_string (HyLinkHow how)
{
  switch (how)
    {
      case HY_LINK_HOW_AUTO:
        return "auto";
      case HY_LINK_HOW_MANUAL:
        return "manual";
      case HY_LINK_HOW_NONE:
      default:
        return NULL;
    }
}

static const char *const alert_states[] = { "queued", "delivered", "unrouted", "dead" };

static const char *const reasons[] = {
  [HY_REASON_NONE] = NULL,
  [HY_REASON_POLICY_NOT_MAPPED] = "policy-not-mapped",
  [HY_REASON_NO_CLOSE_STATUS] = "no-close-status",
  [HY_REASON_COMPUTER_LABEL] = "computer-label",
  [HY_REASON_POLICY_LABEL] = "policy-label",
  [HY_REASON_NO_SITE] = "no-site",
  [HY_REASON_ASSET_ELSEWHERE] = "asset-elsewhere",
  [HY_REASON_ASSET_AMBIGUOUS] = "asset-ambiguous",
};

const char *
hy_reason_to_string (HyReason reason)
{
  g_return_val_if_fail (reason < G_N_ELEMENTS (reasons), NULL);
  return reasons[reason];
}

HyReason
hy_reason_from_string (const char *str)
{
  for (guint i = 1; str != NULL && i < G_N_ELEMENTS (reasons); i++)
    if (g_str_equal (str, reasons[i]))
      return i;
  return HY_REASON_NONE;
}

const char *
hy_alert_state_to_string (HyAlertState state)
{
  g_return_val_if_fail (state < G_N_ELEMENTS (alert_states), NULL);
  return alert_states[state];
}

gboolean
hy_alert_state_from_string (const char *str, HyAlertState *out_state)
{
  for (guint i = 0; str != NULL && i < G_N_ELEMENTS (alert_states); i++)
    {
      if (g_str_equal (str, alert_states[i]))
        {
          if (out_state)
            *out_state = i;
          return TRUE;
        }
    }
  return FALSE;
}

static const char *const sync_states[] = { "unsynced", "syncing", "synced", "failed" };

const char *
hy_sync_state_to_string (HySyncState state)
{
  g_return_val_if_fail (state < G_N_ELEMENTS (sync_states), NULL);
  return sync_states[state];
}

static const char *const outbox_states[] = { "pending", "inflight", "dead", "done" };

const char *
hy_outbox_state_to_string (HyOutboxState state)
{
  g_return_val_if_fail (state < G_N_ELEMENTS (outbox_states), NULL);
  return outbox_states[state];
}

static const char *const cache_kinds[] = { "clients",  "sites",        "assets",
                                           "agents",   "ticket_types", "statuses",
                                           "outcomes", "priorities",   "teams" };

const char *
hy_cache_kind_to_plural (HyCacheKind kind)
{
  g_return_val_if_fail (kind < G_N_ELEMENTS (cache_kinds), NULL);
  return cache_kinds[kind];
}

/* ---------------------------------------------------------------------------------------------
 * Inventory records
 * ------------------------------------------------------------------------------------------- */

void
hy_link_info_clear (HyLinkInfo *link)
{
  g_clear_pointer (&link->halo_name, g_free);
  link->halo_id = 0;
  link->how = HY_LINK_HOW_NONE;
}

gpointer
hy_record_new (HyRecordKind kind)
{
  g_return_val_if_fail (kind < HY_N_RECORD_KINDS, NULL);
  return g_malloc0 (kinds[kind].size);
}

void
hy_record_free (HyRecordKind kind, gpointer record)
{
  const KindInfo *info;

  g_return_if_fail (kind < HY_N_RECORD_KINDS);
  if (record == NULL)
    return;

  info = &kinds[kind];
  for (guint i = 0; i < info->n_fields; i++)
    g_free (HY_FIELD_VALUE (record, &info->fields[i]));
  if (info->extra_string_offset >= 0)
    g_free (G_STRUCT_MEMBER (char *, record, info->extra_string_offset));
  if (info->link_offset >= 0)
    hy_link_info_clear (G_STRUCT_MEMBER_P (record, info->link_offset));
  g_free (record);
}

gpointer
hy_record_copy (HyRecordKind kind, gconstpointer record)
{
  const KindInfo *info;
  gpointer copy;

  g_return_val_if_fail (kind < HY_N_RECORD_KINDS, NULL);
  if (record == NULL)
    return NULL;

  info = &kinds[kind];
  copy = g_memdup2 (record, info->size);
  for (guint i = 0; i < info->n_fields; i++)
    HY_FIELD_VALUE (copy, &info->fields[i]) = g_strdup (HY_FIELD_VALUE (record, &info->fields[i]));
  if (info->extra_string_offset >= 0)
    G_STRUCT_MEMBER (char *, copy, info->extra_string_offset) =
        g_strdup (G_STRUCT_MEMBER (char *, record, info->extra_string_offset));
  if (info->link_offset >= 0)
    {
      HyLinkInfo *link = G_STRUCT_MEMBER_P (copy, info->link_offset);
      link->halo_name = g_strdup (link->halo_name);
    }
  return copy;
}

const char *
hy_record_get_id (HyRecordKind kind, gconstpointer record)
{
  g_return_val_if_fail (kind < HY_N_RECORD_KINDS, NULL);
  return HY_FIELD_VALUE (record, &kinds[kind].fields[0]);
}

const char *
hy_record_get_name (HyRecordKind kind, gconstpointer record)
{
  g_return_val_if_fail (kind < HY_N_RECORD_KINDS, NULL);
  return G_STRUCT_MEMBER (char *, record, kinds[kind].name_offset);
}

const HyLinkInfo *
hy_record_get_link (HyRecordKind kind, gconstpointer record)
{
  g_return_val_if_fail (kind < HY_N_RECORD_KINDS, NULL);
  if (kinds[kind].link_offset < 0)
    return NULL;
  return G_STRUCT_MEMBER_P (record, kinds[kind].link_offset);
}

#define DEFINE_RECORD(Type, type, KIND)                                                        \
  Type *hy_##type##_new (void) { return hy_record_new (KIND); }                                \
  void hy_##type##_free (Type *record) { hy_record_free (KIND, record); }                      \
  static Type *hy_##type##_copy (const Type *record) { return hy_record_copy (KIND, record); } \
  G_DEFINE_BOXED_TYPE (Type, hy_##type, hy_##type##_copy, hy_##type##_free)

DEFINE_RECORD (HyCompany, company, HY_RECORD_KIND_COMPANY)
DEFINE_RECORD (HyLocation, location, HY_RECORD_KIND_LOCATION)
DEFINE_RECORD (HyGroup, group, HY_RECORD_KIND_GROUP)
DEFINE_RECORD (HyComputer, computer, HY_RECORD_KIND_COMPUTER)
DEFINE_RECORD (HyUser, user, HY_RECORD_KIND_USER)
DEFINE_RECORD (HyPolicy, policy, HY_RECORD_KIND_POLICY)
DEFINE_RECORD (HyAlert, alert, HY_RECORD_KIND_ALERT)

/* ---------------------------------------------------------------------------------------------
 * Other records
 * ------------------------------------------------------------------------------------------- */

void
hy_link_free (HyLink *link)
{
  if (link == NULL)
    return;
  g_free (link->id);
  g_free (link->name);
  hy_link_info_clear (&link->link);
  g_free (link);
}

static HyLink *
hy_link_copy (const HyLink *link)
{
  HyLink *copy = g_memdup2 (link, sizeof *link);

  copy->id = g_strdup (link->id);
  copy->name = g_strdup (link->name);
  copy->link.halo_name = g_strdup (link->link.halo_name);
  return copy;
}

G_DEFINE_BOXED_TYPE (HyLink, hy_link, hy_link_copy, hy_link_free)

void
hy_group_mapping_free (HyGroupMapping *mapping)
{
  if (mapping == NULL)
    return;
  g_free (mapping->group_id);
  g_free (mapping);
}

static HyGroupMapping *
hy_group_mapping_copy (const HyGroupMapping *mapping)
{
  HyGroupMapping *copy = g_memdup2 (mapping, sizeof *mapping);

  copy->group_id = g_strdup (mapping->group_id);
  return copy;
}

G_DEFINE_BOXED_TYPE (HyGroupMapping, hy_group_mapping, hy_group_mapping_copy, hy_group_mapping_free)

void
hy_policy_mapping_free (HyPolicyMapping *mapping)
{
  if (mapping == NULL)
    return;
  g_free (mapping->policy_id);
  g_free (mapping);
}

static HyPolicyMapping *
hy_policy_mapping_copy (const HyPolicyMapping *mapping)
{
  HyPolicyMapping *copy = g_memdup2 (mapping, sizeof *mapping);

  copy->policy_id = g_strdup (mapping->policy_id);
  return copy;
}

G_DEFINE_BOXED_TYPE (HyPolicyMapping,
                     hy_policy_mapping,
                     hy_policy_mapping_copy,
                     hy_policy_mapping_free)

HyCacheRecord *
hy_cache_record_new (HyCacheKind kind, gint64 id, const char *name)
{
  HyCacheRecord *record = g_new0 (HyCacheRecord, 1);

  record->kind = kind;
  record->id = id;
  record->name = g_strdup (name);
  return record;
}

HyCacheRecord *
hy_cache_record_copy (const HyCacheRecord *record)
{
  HyCacheRecord *copy = g_memdup2 (record, sizeof *record);

  copy->name = g_strdup (record->name);
  copy->inventory_number = g_strdup (record->inventory_number);
  copy->key_field = g_strdup (record->key_field);
  copy->serial = g_strdup (record->serial);
  copy->email = g_strdup (record->email);
  return copy;
}

void
hy_cache_record_free (HyCacheRecord *record)
{
  if (record == NULL)
    return;
  g_free (record->name);
  g_free (record->inventory_number);
  g_free (record->key_field);
  g_free (record->serial);
  g_free (record->email);
  g_free (record);
}

G_DEFINE_BOXED_TYPE (HyCacheRecord, hy_cache_record, hy_cache_record_copy, hy_cache_record_free)

void
hy_group_sync_free (HyGroupSync *sync)
{
  if (sync == NULL)
    return;
  g_free (sync->group_id);
  g_free (sync->group_name);
  g_free (sync->reason);
  g_free (sync);
}

static HyGroupSync *
hy_group_sync_copy (const HyGroupSync *sync)
{
  HyGroupSync *copy = g_memdup2 (sync, sizeof *sync);

  copy->group_id = g_strdup (sync->group_id);
  copy->group_name = g_strdup (sync->group_name);
  copy->reason = g_strdup (sync->reason);
  return copy;
}

G_DEFINE_BOXED_TYPE (HyGroupSync, hy_group_sync, hy_group_sync_copy, hy_group_sync_free)

void
hy_outbox_item_free (HyOutboxItem *item)
{
  if (item == NULL)
    return;
  g_free (item->kind);
  g_free (item->record_key);
  g_free (item->payload);
  g_free (item->last_error);
  g_free (item->dead_cause);
  g_free (item);
}

static HyOutboxItem *
hy_outbox_item_copy (const HyOutboxItem *item)
{
  HyOutboxItem *copy = g_memdup2 (item, sizeof *item);

  copy->kind = g_strdup (item->kind);
  copy->record_key = g_strdup (item->record_key);
  copy->payload = g_strdup (item->payload);
  copy->last_error = g_strdup (item->last_error);
  copy->dead_cause = g_strdup (item->dead_cause);
  return copy;
}

G_DEFINE_BOXED_TYPE (HyOutboxItem, hy_outbox_item, hy_outbox_item_copy, hy_outbox_item_free)

gboolean
hy_event_is_failed (const HyEvent *event)
{
  return event->status == 0 || event->status >= 400 || event->error != NULL;
}

HyEvent *
hy_event_new (void)
{
  return g_new0 (HyEvent, 1);
}

HyEvent *
hy_event_copy (const HyEvent *event)
{
  HyEvent *copy = g_memdup2 (event, sizeof *event);

  copy->method = g_strdup (event->method);
  copy->path = g_strdup (event->path);
  copy->record = g_strdup (event->record);
  copy->error = g_strdup (event->error);
  copy->request = g_strdup (event->request);
  copy->response = g_strdup (event->response);
  copy->host = g_strdup (event->host);
  return copy;
}

void
hy_event_free (HyEvent *event)
{
  if (event == NULL)
    return;
  g_free (event->method);
  g_free (event->path);
  g_free (event->record);
  g_free (event->error);
  g_free (event->request);
  g_free (event->response);
  g_free (event->host);
  g_free (event);
}

G_DEFINE_BOXED_TYPE (HyEvent, hy_event, hy_event_copy, hy_event_free)

HyProfile *
hy_profile_new (void)
{
  HyProfile *profile = g_new0 (HyProfile, 1);

  profile->rate_max = HY_PROFILE_DEFAULT_RATE_MAX;
  profile->rate_window = HY_PROFILE_DEFAULT_RATE_WINDOW;
  profile->refresh_interval = HY_PROFILE_DEFAULT_REFRESH_INTERVAL;
  return profile;
}

HyProfile *
hy_profile_copy (const HyProfile *profile)
{
  HyProfile *copy = g_memdup2 (profile, sizeof *profile);

  copy->url = g_strdup (profile->url);
  copy->tenant = g_strdup (profile->tenant);
  copy->client_id = g_strdup (profile->client_id);
  copy->scopes = g_strdup (profile->scopes);
  return copy;
}

void
hy_profile_free (HyProfile *profile)
{
  if (profile == NULL)
    return;
  g_free (profile->url);
  g_free (profile->tenant);
  g_free (profile->client_id);
  g_free (profile->scopes);
  g_free (profile);
}

G_DEFINE_BOXED_TYPE (HyProfile, hy_profile, hy_profile_copy, hy_profile_free)
