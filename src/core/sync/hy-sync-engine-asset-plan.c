/* hy-sync-engine-asset-plan.c: asset planning: Halo's asset types, the plan of creates and updates
 * from the inventory, the look-up of existing assets, and queueing the writes
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "hy-sync"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "linker/hy-linker.h"
#include "sync/hy-sync-engine-private.h"
#include "sync/hy-sync-payload.h"

/* ------------------------------------------------------------------------- */
/* Asset types                                                               */
/* ------------------------------------------------------------------------- */

/* The asset type's details, with its fields (the list does not carry them). */
static JsonObject *
load_type_details (HySyncRun *run, gint64 type_id, GError **error)
{
  HySyncCall call = { .self = run->self,
                      .op = OP_GET_RECORD,
                      .kind = HY_HALO_KIND_ASSET_TYPE,
                      .id = type_id,
                      .query = "includedetails=true",
                      .priority = HY_HALO_PRIORITY_BULK,
                      .cancellable = run->cancellable };
  JsonObject *details;

  if (!_hy_sync_engine_call_run_or_propagate (&call, error))
    return NULL;
  details = json_object_ref (hy_halo_record_get_object (call.rec));
  _hy_sync_engine_call_clear (&call);
  return details;
}

static HyHaloRecord *
find_type (HyHaloList *list, const char *const *names)
{
  for (guint n = 0; names[n]; n++)
    for (guint i = 0; i < list->records->len; i++)
      {
        HyHaloRecord *r = g_ptr_array_index (list->records, i);
        const char *name = hy_halo_record_get_name (r);
        if (name != NULL && g_ascii_strcasecmp (name, names[n]) == 0)
          return r;
      }
  return NULL;
}

/* Where the computers' fields go in each type: the type's fields, kept in the store (for
 * Setup and halyard-cli status) when @keep, with the technician's choices. A field whose
 * target changed since the type was last kept makes every fingerprint forgotten, so that each
 * asset gets its fields again, where they now go. */
static gboolean
resolve_asset_fields (HySyncRun *run, gboolean keep, GError **error)
{
  HyStore *store = run->self->store;
  const gint64 ids[2] = { run->assettype_id, run->server_assettype_id };
  gboolean moved = FALSE;

  for (guint t = 0; t < 2; t++)
    {
      JsonObject *details = run->self->type_details[t];
      g_autoptr (HyAssetType) type = NULL;
      g_autoptr (GHashTable) choices = NULL;
      HyAssetFieldTarget targets[HY_N_ASSET_FIELDS];

      /* Read from Halo by this engine, or since (halyard-cli map fields reads the type again:
       * the store then has Halo's fields as they are now). */
      if (!keep)
        type = hy_store_get_asset_type (store, ids[t], NULL);
      if (type == NULL)
        type = hy_asset_type_from_details (details);
      if (type == NULL)
        type = hy_asset_type_new (ids[t], NULL, hy_sync_json_int (details, "keyfield_id"));
      choices = hy_store_get_asset_field_choices (store, type->id, error);
      if (choices == NULL)
        return FALSE;
      hy_asset_fields_resolve (type, choices, targets);
      if (keep)
        {
          g_autoptr (GError) local_error = NULL;
          g_autoptr (HyAssetType) known = hy_store_get_asset_type (store, type->id, &local_error);

          if (local_error != NULL)
            {
              g_propagate_error (error, g_steal_pointer (&local_error));
              return FALSE;
            }
          if (known != NULL)
            {
              HyAssetFieldTarget before[HY_N_ASSET_FIELDS];

              hy_asset_fields_resolve (known, choices, before);
              for (guint f = 0; f < HY_N_ASSET_FIELDS; f++)
                moved = moved || before[f].halo_field_id != targets[f].halo_field_id;
            }
          if (!hy_store_save_asset_type (store, type, error))
            return FALSE;
        }
      for (guint f = 0; f < HY_N_ASSET_FIELDS; f++)
        run->asset_field_ids[t][f] = targets[f].halo_field_id;
      /* Types that do not list their fields: the serial field the existing assets use. */
      if (targets[HY_ASSET_FIELD_SERIAL].halo_field_id <= 0 &&
          targets[HY_ASSET_FIELD_SERIAL].how == HY_ASSET_FIELD_HOW_AUTO)
        run->asset_field_ids[t][HY_ASSET_FIELD_SERIAL] = run->learned_serial_field_id;
    }
  run->serial_field_id = run->asset_field_ids[0][HY_ASSET_FIELD_SERIAL];
  run->server_serial_field_id = run->asset_field_ids[1][HY_ASSET_FIELD_SERIAL];
  if (moved)
    {
      g_debug ("An asset type's fields changed in Halo: every asset gets its fields again");
      if (!hy_store_clear_asset_fingerprints (store, error))
        return FALSE;
    }
  return TRUE;
}

gboolean
_hy_sync_engine_load_asset_types (HySyncRun *run, GError **error)
{
  static const char *const workstation[] = { "Workstation", "Computer", "Desktop", "PC",
                                             "Laptop",      "Server",   NULL };
  static const char *const server[] = { "Server", "Servers", NULL };
  HySyncCall call = { .self = run->self,
                      .op = OP_LIST_ASSET_TYPES,
                      .priority = HY_HALO_PRIORITY_BULK,
                      .cancellable = run->cancellable };
  HyHaloRecord *ws, *sv;

  if (run->asset_types_loaded)
    return TRUE;
  if (run->self->types_loaded)
    {
      run->assettype_id = run->self->types[0];
      run->name_field_id = run->self->types[1];
      run->serial_field_id = run->self->types[2];
      run->server_assettype_id = run->self->types[3];
      run->server_name_field_id = run->self->types[4];
      run->server_serial_field_id = run->self->types[5];
      if (!resolve_asset_fields (run, FALSE, error))
        return FALSE;
      run->asset_types_loaded = TRUE;
      return TRUE;
    }
  if (!_hy_sync_engine_call_run_or_propagate (&call, error))
    return FALSE;
  ws = find_type (call.list, workstation);
  if (ws == NULL && call.list->records->len > 0)
    ws = g_ptr_array_index (call.list->records, 0);
  if (ws == NULL)
    {
      g_set_error_literal (error, HY_SYNC_ERROR, HY_SYNC_ERROR_NOT_CONFIGURED,
                           _ ("Halo has no asset type to create devices with: add one in Halo "
                              "(Configuration > Asset Management > Asset Types)"));
      _hy_sync_engine_call_clear (&call);
      return FALSE;
    }
  sv = find_type (call.list, server);
  if (sv == NULL)
    sv = ws;
  /* The name and serial are written as the type's fields, whose ids are per tenant. */
  for (guint t = 0; t < 2; t++)
    {
      HyHaloRecord *type = t == 0 ? ws : sv;
      JsonObject *details = t == 1 && sv == ws
                                ? json_object_ref (run->self->type_details[0])
                                : load_type_details (run, hy_halo_record_get_id (type), error);
      if (details == NULL)
        {
          _hy_sync_engine_call_clear (&call);
          return FALSE;
        }
      g_clear_pointer (&run->self->type_details[t], json_object_unref);
      run->self->type_details[t] = details;
      if (hy_sync_json_int (details, "keyfield_id") <= 0)
        {
          /* Translators: %s is the name of a Halo asset type */
          g_set_error (error, HY_SYNC_ERROR, HY_SYNC_ERROR_NOT_CONFIGURED,
                       _ ("Halo’s asset type “%s” has no key field, so Halyard cannot write the "
                          "devices’ names: set one in Halo (Configuration > Asset Management > "
                          "Asset Types)"),
                       hy_halo_record_get_name (type));
          _hy_sync_engine_call_clear (&call);
          return FALSE;
        }
    }
  run->assettype_id = hy_halo_record_get_id (ws);
  run->name_field_id = hy_sync_json_int (run->self->type_details[0], "keyfield_id");
  run->serial_field_id = hy_sync_asset_type_field_id (run->self->type_details[0], "serial");
  run->server_assettype_id = hy_halo_record_get_id (sv);
  run->server_name_field_id = hy_sync_json_int (run->self->type_details[1], "keyfield_id");
  run->server_serial_field_id = hy_sync_asset_type_field_id (run->self->type_details[1], "serial");
  run->self->types[0] = run->assettype_id;
  run->self->types[1] = run->name_field_id;
  run->self->types[2] = run->serial_field_id;
  run->self->types[3] = run->server_assettype_id;
  run->self->types[4] = run->server_name_field_id;
  run->self->types[5] = run->server_serial_field_id;
  run->self->types_loaded = TRUE;
  _hy_sync_engine_call_clear (&call);
  if (!resolve_asset_fields (run, TRUE, error))
    return FALSE;
  run->asset_types_loaded = TRUE;
  return TRUE;
}

/* ------------------------------------------------------------------------- */
/* Linking tickets to their device's asset                                   */
/* ------------------------------------------------------------------------- */

/* Whether Halyard closed the ticket of the alert's occurrence: cleared under a policy with a
 * close status, or resolved by a technician. */
static gboolean
alert_ticket_closed (HyStore *store, const HyAlert *alert)
{
  g_autofree char *resolved = NULL;

  if (alert->cleared_at != NULL)
    {
      g_autoptr (HyPolicyMapping) pmap =
          hy_store_get_policy_mapping (store, alert->policy_id, NULL);
      if (pmap != NULL && pmap->close_status_id > 0)
        return TRUE;
    }
  return hy_store_get_alert_ticket_closed (store, alert->id, &resolved, NULL) && resolved != NULL &&
         g_strcmp0 (resolved, alert->raised_at) == 0;
}

/* Alerts overtake the bulk asset sync, so a ticket may have been created before its device's
 * asset existed, without the asset. Now that @computer_id is linked to @asset_id, each ticket of
 * its alerts that is not closed (or not yet created: its create may already have reached Halo
 * without the asset) gets a write that adds the asset, queued behind the alert's other writes.
 * The write reads the ticket first and adds the asset to those it has: idempotent, and an asset
 * a technician added in Halo stays. Called inside the transaction that sets the link. */
gboolean
_hy_sync_engine_queue_ticket_assets (HyStore *store,
                                     const char *computer_id,
                                     gint64 asset_id,
                                     GError **error)
{
  HyStoreQuery query = HY_STORE_QUERY_INIT;
  g_autoptr (GPtrArray) alerts = NULL;

  query.computer_id = computer_id;
  alerts = hy_store_list (store, HY_RECORD_KIND_ALERT, &query, error);
  if (alerts == NULL)
    return FALSE;
  for (guint i = 0; i < alerts->len; i++)
    {
      HyAlert *alert = g_ptr_array_index (alerts, i);
      g_autoptr (JsonBuilder) b = NULL;
      g_autoptr (JsonNode) root = NULL;
      g_autofree char *payload = NULL;

      if ((alert->state != HY_ALERT_STATE_DELIVERED && alert->state != HY_ALERT_STATE_QUEUED) ||
          alert_ticket_closed (store, alert))
        continue;
      b = json_builder_new ();
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "alert");
      json_builder_add_string_value (b, alert->id);
      json_builder_set_member_name (b, "asset_id");
      json_builder_add_int_value (b, asset_id);
      json_builder_end_object (b);
      root = json_builder_get_root (b);
      payload = _hy_sync_engine_node_to_string (root);
      if (!_hy_sync_engine_enqueue (store, HY_SYNC_KIND_TICKET_ASSET, alert->id, payload, error))
        return FALSE;
    }
  return TRUE;
}

/* ------------------------------------------------------------------------- */
/* Asset planning                                                            */
/* ------------------------------------------------------------------------- */

static void
plan_item_free (HySyncPlanItem *item)
{
  hy_computer_free (item->computer);
  g_free (item->inventory_number);
  g_free (item->fingerprint);
  g_free (item->reason);
  g_free (item);
}

static void
group_plan_free (HySyncGroupPlan *group)
{
  g_free (group->group_id);
  g_free (group->reason);
  g_free (group);
}

void
_hy_sync_engine_plan_clear (HySyncPlan *plan)
{
  g_clear_pointer (&plan->items, g_ptr_array_unref);
  g_clear_pointer (&plan->groups, g_ptr_array_unref);
}

static GHashTable *
index_by_id (GPtrArray *records, HyRecordKind kind)
{
  GHashTable *h = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint i = 0; i < records->len; i++)
    {
      gpointer r = g_ptr_array_index (records, i);
      g_hash_table_insert (h, (gpointer) hy_record_get_id (kind, r), r);
    }
  return h;
}

static gboolean
os_is_server (const char *os)
{
  g_autofree char *lower = os != NULL ? g_ascii_strdown (os, -1) : NULL;

  return lower != NULL && strstr (lower, "server") != NULL;
}

/* Decides, locally, what each device of a mapped group needs. */
/* The name of a Halo client as Halyard knows it (its cache), for messages. */
static char *
client_label (HyStore *store, gint64 client_id)
{
  g_autoptr (HyCacheRecord) client =
      hy_store_cache_get (store, HY_CACHE_KIND_CLIENT, client_id, NULL);

  if (client != NULL && client->name != NULL)
    return g_strdup_printf ("%s (%" G_GINT64_FORMAT ")", client->name, client_id);
  return g_strdup_printf ("%" G_GINT64_FORMAT, client_id);
}

/* Where @computer's asset goes: its company's linked client (a device without a company takes
 * its group's); the group mapping's site (it belongs to that client), else the location's link,
 * else the client's main site. Returns NULL with *client_id and *site_id set, or why the device
 * cannot be synced (translated; *@why: what fixes it): its company is not linked, or is linked to
 * another client than its group's (both named), or no site is known. */
static char *
device_placement (HyStore *store,
                  const HyGroup *group,
                  const HyGroupMapping *mapping,
                  const HyComputer *computer,
                  const HyCompany *company,
                  GHashTable *location_by_id,
                  gint64 *client_id,
                  gint64 *site_id,
                  HyReason *why)
{
  *client_id = 0;
  *site_id = 0;
  *why = HY_REASON_NONE;
  if (company != NULL && (company->link.how == HY_LINK_HOW_NONE || company->link.halo_id <= 0))
    return g_strdup_printf (_ ("The company “%s” is not linked to a Halo client: link it to sync "
                               "%s"),
                            company->name, computer->name);
  *client_id = company != NULL ? company->link.halo_id : mapping->client_id;
  if (*client_id != mapping->client_id)
    {
      g_autofree char *own = client_label (store, *client_id);
      g_autofree char *mapped = client_label (store, mapping->client_id);

      /* Translators: the first %s is a computer, the second its company, the third that
       * company's Halo client, the fourth the computer's group, the fifth the group's client */
      return g_strdup_printf (_ ("%s belongs to %s, whose Halo client is %s, but its group “%s” "
                                 "syncs to %s: a customer’s devices never go to another "
                                 "customer. Move it to a group of its own company, or map the "
                                 "group to its client"),
                              computer->name, company->name, own, group->name, mapped);
    }
  if (mapping->site_id > 0)
    *site_id = mapping->site_id;
  else if (computer->location_id != NULL)
    {
      HyLocation *loc = g_hash_table_lookup (location_by_id, computer->location_id);

      if (loc != NULL && loc->link.how != HY_LINK_HOW_NONE && loc->link.halo_id > 0)
        *site_id = loc->link.halo_id;
    }
  if (*site_id <= 0)
    {
      /* Without a site Halo files the asset under its "Unknown" client: the client's main site
       * (main_site_id, kept in the cache by refresh). */
      g_autoptr (HyCacheRecord) client =
          hy_store_cache_get (store, HY_CACHE_KIND_CLIENT, *client_id, NULL);

      if (client != NULL && client->site_id > 0)
        *site_id = client->site_id;
    }
  if (*site_id <= 0)
    {
      g_autofree char *own = client_label (store, *client_id);

      *why = HY_REASON_NO_SITE;
      /* Translators: the first %s is a computer, the second a Halo client */
      return g_strdup_printf (_ ("No Halo site is known for %s: Halo files an asset without a "
                                 "site under its “Unknown” client. Refresh Halo’s records to "
                                 "learn the main site of %s, or map the group to a site"),
                              computer->name, own);
    }
  return NULL;
}

/* What planning reads once: the companies and locations by id, the stored fingerprints, and
 * whether retired computers are sent as inactive. */
typedef struct
{
  HySyncRun *run;
  HyStore *store;
  GHashTable *company_by_id;
  GHashTable *location_by_id;
  GHashTable *fingerprints;
  gboolean retired_inactive;
} PlanContext;

/* @item (its reason set) cannot be synced: its group says so. */
static void
group_plan_fail (HySyncGroupPlan *gp, HySyncPlanItem *item)
{
  item->action = PLAN_FAILED;
  gp->failed++;
  if (gp->reason == NULL)
    {
      gp->reason = g_strdup (item->reason);
      gp->reason_code = item->reason_code;
    }
}

/* The asset @item writes, from its computer (the item's own copy). */
static void
fill_asset_spec (HySyncPlanItem *item, gboolean retired_inactive)
{
  const HyComputer *computer = item->computer;

  item->spec.computer_id = computer->id;
  item->spec.name = computer->name;
  item->spec.serial = computer->serial;
  item->spec.os = computer->os;
  item->spec.ip = computer->ip;
  item->spec.mac = computer->mac;
  item->spec.last_seen = computer->last_seen;
  item->spec.send_inactive = retired_inactive;
  item->spec.retired = computer->retired != 0;
  item->inventory_number = hy_sync_asset_inventory_number (computer->id);
  item->fingerprint = hy_sync_asset_fingerprint (&item->spec);
  if (computer->link.how != HY_LINK_HOW_NONE && computer->link.halo_id > 0)
    item->halo_id = computer->link.halo_id;
}

/* Linked to an asset Halo keeps under another client: reported, never moved. Why (translated),
 * NULL when it is not. */
static char *
linked_elsewhere (HyStore *store, const HySyncPlanItem *item)
{
  g_autoptr (HyCacheRecord) linked =
      hy_store_cache_get (store, HY_CACHE_KIND_ASSET, item->halo_id, NULL);
  g_autofree char *theirs = NULL;
  g_autofree char *own = NULL;

  if (linked == NULL || linked->client_id <= 0 || linked->client_id == item->spec.client_id)
    return NULL;
  theirs = client_label (store, linked->client_id);
  own = client_label (store, item->spec.client_id);
  /* Translators: the first %s is a computer, %lld a Halo asset id, the second and third %s
   * Halo clients */
  return g_strdup_printf (_ ("%s is linked to Halo asset %lld of %s, not of %s, the client of its "
                             "company: a sync never moves an asset to another client. Link it to "
                             "an asset of %s, or correct its company’s link"),
                          item->computer->name, (long long) item->halo_id, theirs, own, own);
}

/* What a placed device needs: to wait for its queued write, nothing, an update of what changed
 * since it was sent (everything, when never sent), or a create. */
static void
plan_action (const PlanContext *ctx, HySyncGroupPlan *gp, HySyncPlanItem *item)
{
  const HyComputer *computer = item->computer;
  g_autofree char *key = _hy_sync_engine_record_key ("computer", computer->id);
  const char *stored;

  if (_hy_sync_engine_key_has_outstanding (ctx->run, key))
    {
      GArray *arr = g_hash_table_lookup (ctx->run->outstanding, key);
      HySyncOutstanding *last = &g_array_index (arr, HySyncOutstanding, arr->len - 1);

      item->action = PLAN_QUEUED;
      if (last->state == HY_OUTBOX_STATE_PENDING && !last->sent)
        item->unsent_id = last->id;
      gp->queued++;
      return;
    }
  stored = g_hash_table_lookup (ctx->fingerprints, computer->id);
  if (item->halo_id > 0)
    {
      if (stored != NULL && strcmp (stored, item->fingerprint) == 0)
        {
          item->action = PLAN_UNCHANGED;
          gp->synced++;
        }
      else
        {
          item->action = PLAN_UPDATE;
          item->spec.parts =
              stored != NULL ? hy_sync_asset_changed_parts (stored, item->fingerprint) : 0;
        }
    }
  else if (computer->retired != 0)
    {
      /* A retired computer gets no new asset. */
      item->action = PLAN_UNCHANGED;
      gp->synced++;
    }
  else
    item->action = PLAN_CREATE;
}

static void
plan_device (const PlanContext *ctx,
             HySyncPlan *plan,
             HySyncGroupPlan *gp,
             const HyGroup *group,
             const HyGroupMapping *mapping,
             const HyComputer *computer)
{
  HySyncPlanItem *item = g_new0 (HySyncPlanItem, 1);
  HyCompany *company =
      computer->company_id ? g_hash_table_lookup (ctx->company_by_id, computer->company_id) : NULL;

  item->computer = hy_record_copy (HY_RECORD_KIND_COMPUTER, computer);
  g_ptr_array_add (plan->items, item);
  gp->devices++;

  /* A customer's data never lands under another customer (DESIGN.md, "Which Halo client and
   * site a device belongs to"). */
  item->reason =
      device_placement (ctx->store, group, mapping, computer, company, ctx->location_by_id,
                        &item->spec.client_id, &item->spec.site_id, &item->reason_code);
  if (item->reason != NULL)
    {
      group_plan_fail (gp, item);
      return;
    }
  fill_asset_spec (item, ctx->retired_inactive);
  if (item->halo_id > 0 && (item->reason = linked_elsewhere (ctx->store, item)) != NULL)
    {
      item->reason_code = HY_REASON_ASSET_ELSEWHERE;
      group_plan_fail (gp, item);
      return;
    }
  plan_action (ctx, gp, item);
}

/* The devices of @group when it is mapped (subgroups inherit their nearest mapped ancestor's
 * mapping: the linker's rule). */
static gboolean
plan_group (const PlanContext *ctx, HySyncPlan *plan, const HyGroup *group, GError **error)
{
  g_autoptr (HyGroupMapping) mapping = NULL;
  HyStoreQuery query = HY_STORE_QUERY_INIT;
  g_autoptr (GPtrArray) computers = NULL;
  HySyncGroupPlan *gp;

  if (!hy_linker_resolve_group_mapping (ctx->store, group->id, &mapping, error))
    return FALSE;
  if (mapping == NULL)
    return TRUE;

  query.group_id = group->id;
  computers = hy_store_list (ctx->store, HY_RECORD_KIND_COMPUTER, &query, error);
  if (computers == NULL)
    return FALSE;
  gp = g_new0 (HySyncGroupPlan, 1);
  gp->group_id = g_strdup (group->id);
  g_ptr_array_add (plan->groups, gp);
  for (guint c = 0; c < computers->len; c++)
    plan_device (ctx, plan, gp, group, mapping, g_ptr_array_index (computers, c));
  return TRUE;
}

gboolean
_hy_sync_engine_plan_assets (HySyncRun *run, HySyncPlan *plan, GError **error)
{
  HyStore *store = run->self->store;
  g_autoptr (GPtrArray) groups = NULL;
  g_autoptr (GPtrArray) companies = NULL;
  g_autoptr (GPtrArray) locations = NULL;
  g_autoptr (GHashTable) company_by_id = NULL;
  g_autoptr (GHashTable) location_by_id = NULL;
  g_autoptr (GHashTable) fingerprints = NULL;
  g_autofree char *retired_assets = NULL;
  PlanContext ctx = { run, store };

  plan->items = g_ptr_array_new_with_free_func ((GDestroyNotify) plan_item_free);
  plan->groups = g_ptr_array_new_with_free_func ((GDestroyNotify) group_plan_free);

  if (!hy_store_get_setting (store, HY_SYNC_SETTING_RETIRED_ASSETS, &retired_assets, error))
    return FALSE;
  if ((groups = hy_store_list (store, HY_RECORD_KIND_GROUP, NULL, error)) == NULL ||
      (companies = hy_store_list (store, HY_RECORD_KIND_COMPANY, NULL, error)) == NULL ||
      (locations = hy_store_list (store, HY_RECORD_KIND_LOCATION, NULL, error)) == NULL ||
      (fingerprints = hy_store_get_asset_fingerprints (store, NULL, error)) == NULL)
    return FALSE;

  company_by_id = index_by_id (companies, HY_RECORD_KIND_COMPANY);
  location_by_id = index_by_id (locations, HY_RECORD_KIND_LOCATION);
  ctx.company_by_id = company_by_id;
  ctx.location_by_id = location_by_id;
  ctx.fingerprints = fingerprints;
  ctx.retired_inactive = g_strcmp0 (retired_assets, "inactive") == 0;
  for (guint g = 0; g < groups->len; g++)
    if (!plan_group (&ctx, plan, g_ptr_array_index (groups, g), error))
      return FALSE;
  return TRUE;
}

char *
_hy_sync_engine_match_key (gint64 client_id, const char *value, gboolean fold)
{
  g_autofree char *v = fold ? g_utf8_casefold (value, -1) : g_strdup (value);

  return g_strdup_printf ("%" G_GINT64_FORMAT "\x1f%s", client_id, v);
}

static void
index_add (GHashTable *h, char *key, HyHaloRecord *r)
{
  GPtrArray *arr = g_hash_table_lookup (h, key);

  if (arr == NULL)
    {
      arr = g_ptr_array_new ();
      g_hash_table_insert (h, key, arr);
    }
  else
    g_free (key);
  g_ptr_array_add (arr, r);
}

/* The one asset of @h under @key that no other computer is linked to; NULL (and *ambiguous)
 * when there are several. */
static HyHaloRecord *
index_pick (GHashTable *h, const char *key, GHashTable *taken, gboolean *ambiguous)
{
  GPtrArray *arr = g_hash_table_lookup (h, key);
  HyHaloRecord *pick = NULL;
  guint n = 0;

  if (arr == NULL)
    return NULL;
  for (guint i = 0; i < arr->len; i++)
    {
      HyHaloRecord *r = g_ptr_array_index (arr, i);
      gint64 id = hy_halo_record_get_id (r);
      if (g_hash_table_contains (taken, &id))
        continue;
      pick = r;
      n++;
    }
  if (n > 1)
    {
      *ambiguous = TRUE;
      return NULL;
    }
  return pick;
}


guint
_hy_sync_engine_pages_of (gint64 count)
{
  return (guint) MAX (1, (count + 99) / 100);
}

/* Halo's assets of @clients (gint64 set): one list per client when that takes fewer pages
 * than listing every asset (estimated from the cache), else every asset — checked on its first
 * page, which stops it when the cache was stale. So a delta sync with a new device reads its
 * client, not the whole of Halo. */
static GPtrArray *
list_halo_assets (HySyncRun *run, GHashTable *clients, GError **error)
{
  GPtrArray *records = g_ptr_array_new_with_free_func ((GDestroyNotify) hy_halo_record_unref);
  HyStoreQuery query = HY_STORE_QUERY_INIT;
  guint global_pages, per_client_pages = 0;
  GHashTableIter iter;
  gpointer key;

  global_pages = _hy_sync_engine_pages_of (
      MAX (0, hy_store_cache_count (run->self->store, HY_CACHE_KIND_ASSET, NULL, NULL)));
  g_hash_table_iter_init (&iter, clients);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    {
      query.halo_client_id = *(gint64 *) key;
      per_client_pages += _hy_sync_engine_pages_of (
          MAX (0, hy_store_cache_count (run->self->store, HY_CACHE_KIND_ASSET, &query, NULL)));
    }

  if (per_client_pages >= global_pages)
    {
      /* Every asset — unless its first page's record_count shows that the cache was stale and
       * it takes more pages than the clients' lists. */
      HySyncCall call = { .self = run->self,
                          .op = OP_LIST_ASSETS,
                          .priority = HY_HALO_PRIORITY_BULK,
                          .cancellable = run->cancellable,
                          .max_pages = MAX (per_client_pages, 1u),
                          .id = 0 };
      if (!_hy_sync_engine_call_run_or_propagate (&call, error))
        {
          g_ptr_array_unref (records);
          return NULL;
        }
      if (!call.list->truncated)
        {
          for (guint i = 0; i < call.list->records->len; i++)
            g_ptr_array_add (records,
                             hy_halo_record_ref (g_ptr_array_index (call.list->records, i)));
          _hy_sync_engine_call_clear (&call);
          return records;
        }
      _hy_sync_engine_call_clear (&call);
    }
  g_hash_table_iter_init (&iter, clients);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    {
      HySyncCall call = { .self = run->self,
                          .op = OP_LIST_ASSETS,
                          .priority = HY_HALO_PRIORITY_BULK,
                          .cancellable = run->cancellable,
                          .id = *(gint64 *) key };
      if (!_hy_sync_engine_call_run_or_propagate (&call, error))
        {
          g_ptr_array_unref (records);
          return NULL;
        }
      for (guint i = 0; i < call.list->records->len; i++)
        g_ptr_array_add (records, hy_halo_record_ref (g_ptr_array_index (call.list->records, i)));
      _hy_sync_engine_call_clear (&call);
    }
  return records;
}

/* The clients of the devices @plan creates (gint64 set). */
static GHashTable *
create_clients (HySyncPlan *plan)
{
  GHashTable *clients = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);

  for (guint i = 0; i < plan->items->len; i++)
    {
      HySyncPlanItem *item = g_ptr_array_index (plan->items, i);
      if (item->action == PLAN_CREATE)
        g_hash_table_add (clients, g_memdup2 (&item->spec.client_id, sizeof (gint64)));
    }
  return clients;
}

/* The Halo assets computers are linked to already (gint64 set): none is taken twice. */
static GHashTable *
linked_assets (HyStore *store, GError **error)
{
  g_autoptr (GPtrArray) links = hy_store_list_links (store, HY_RECORD_KIND_COMPUTER, NULL, error);
  GHashTable *taken;

  if (links == NULL)
    return NULL;
  taken = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  for (guint i = 0; i < links->len; i++)
    {
      HyLink *l = g_ptr_array_index (links, i);
      if (l->link.how != HY_LINK_HOW_NONE && l->link.halo_id > 0)
        g_hash_table_add (taken, g_memdup2 (&l->link.halo_id, sizeof (gint64)));
    }
  return taken;
}

/* Halo's active assets by match key (see _hy_sync_engine_match_key ()): asset number, name,
 * serial. */
typedef struct
{
  GHashTable *by_inv;
  GHashTable *by_name;
  GHashTable *by_serial;
} AssetIndex;

static void
asset_index_clear (AssetIndex *idx)
{
  g_clear_pointer (&idx->by_inv, g_hash_table_unref);
  g_clear_pointer (&idx->by_name, g_hash_table_unref);
  g_clear_pointer (&idx->by_serial, g_hash_table_unref);
}

/* The serial: Halo has no serial member, it is the type's field named like "Serial Number" (one
 * index entry per record); the first such field seen is learned for the run. */
static void
index_serial (HySyncRun *run, AssetIndex *idx, HyHaloRecord *r, gint64 client)
{
  JsonNode *fields = json_object_get_member (hy_halo_record_get_object (r), "fields");

  if (fields == NULL || !JSON_NODE_HOLDS_ARRAY (fields))
    return;
  for (guint f = 0; f < json_array_get_length (json_node_get_array (fields)); f++)
    {
      JsonNode *el = json_array_get_element (json_node_get_array (fields), f);
      const char *fname, *value;
      g_autofree char *lower = NULL;
      if (!JSON_NODE_HOLDS_OBJECT (el))
        continue;
      fname = hy_sync_json_string (json_node_get_object (el), "name");
      value = hy_sync_json_string (json_node_get_object (el), "value");
      lower = fname != NULL ? g_ascii_strdown (fname, -1) : NULL;
      if (lower != NULL && strstr (lower, "serial") != NULL && value != NULL && *value)
        {
          index_add (idx->by_serial, _hy_sync_engine_match_key (client, value, TRUE), r);
          if (run->learned_serial_field_id <= 0)
            run->learned_serial_field_id = hy_sync_json_int (json_node_get_object (el), "id");
        }
    }
}

static void
index_halo_assets (HySyncRun *run, GPtrArray *records, AssetIndex *idx)
{
  idx->by_inv =
      g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_ptr_array_unref);
  idx->by_name =
      g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_ptr_array_unref);
  idx->by_serial =
      g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_ptr_array_unref);
  for (guint i = 0; i < records->len; i++)
    {
      HyHaloRecord *r = g_ptr_array_index (records, i);
      gint64 client = hy_halo_record_get_client_id (r);
      const char *inv = hy_halo_record_get_string (r, "inventory_number");
      const char *name = hy_halo_record_get_string (r, "key_field");

      if (hy_halo_record_get_id (r) <= 0 || client <= 0 ||
          hy_halo_record_get_boolean (r, "inactive"))
        continue;
      if (inv != NULL && *inv)
        index_add (idx->by_inv, _hy_sync_engine_match_key (client, inv, FALSE), r);
      if (name != NULL && *name)
        index_add (idx->by_name, _hy_sync_engine_match_key (client, name, TRUE), r);
      index_serial (run, idx, r, client);
    }
}

/* A device to create that Halo has already (by asset number, then name, then serial) becomes
 * an update of that asset; several matches fail it, for the technician to link by hand. */
static void
match_existing (const AssetIndex *idx, GHashTable *taken, HySyncPlanItem *item)
{
  HyHaloRecord *found = NULL;
  gboolean ambiguous = FALSE;
  g_autofree char *k = NULL;

  k = _hy_sync_engine_match_key (item->spec.client_id, item->inventory_number, FALSE);
  found = index_pick (idx->by_inv, k, taken, &ambiguous);
  if (found == NULL && !ambiguous && item->spec.name != NULL && *item->spec.name)
    {
      g_free (k);
      k = _hy_sync_engine_match_key (item->spec.client_id, item->spec.name, TRUE);
      found = index_pick (idx->by_name, k, taken, &ambiguous);
    }
  if (found == NULL && !ambiguous && item->spec.serial != NULL && *item->spec.serial)
    {
      g_free (k);
      k = _hy_sync_engine_match_key (item->spec.client_id, item->spec.serial, TRUE);
      found = index_pick (idx->by_serial, k, taken, &ambiguous);
    }
  if (ambiguous)
    {
      item->action = PLAN_FAILED;
      /* Translators: %s is a computer name */
      item->reason = g_strdup_printf (_ ("Several Halo assets of the client match %s: link it "
                                         "to the right one by hand"),
                                      item->computer->name);
      item->reason_code = HY_REASON_ASSET_AMBIGUOUS;
      return;
    }
  if (found != NULL)
    {
      gint64 id = hy_halo_record_get_id (found);
      item->halo_id = id;
      item->found = TRUE;
      item->action = PLAN_UPDATE;
      g_hash_table_add (taken, g_memdup2 (&id, sizeof (gint64)));
    }
}

/* Before creating, finds devices that already have an asset in Halo: by the stable asset number,
 * then by name, then by serial, within the client (checked on each returned record). */
gboolean
_hy_sync_engine_plan_find_existing (HySyncRun *run, HySyncPlan *plan, GError **error)
{
  g_autoptr (GHashTable) clients = create_clients (plan);
  g_autoptr (GHashTable) taken = NULL;
  g_autoptr (GPtrArray) records = NULL;
  AssetIndex idx = { 0 };

  if (g_hash_table_size (clients) == 0)
    return TRUE;
  taken = linked_assets (run->self->store, error);
  if (taken == NULL)
    return FALSE;
  records = list_halo_assets (run, clients, error);
  if (records == NULL)
    return FALSE;
  index_halo_assets (run, records, &idx);
  for (guint i = 0; i < plan->items->len; i++)
    {
      HySyncPlanItem *item = g_ptr_array_index (plan->items, i);
      if (item->action == PLAN_CREATE)
        match_existing (&idx, taken, item);
    }
  asset_index_clear (&idx);
  return TRUE;
}

JsonNode *
_hy_sync_engine_plan_describe (HySyncPlanItem *item, gboolean queued)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "computer");
  json_builder_add_string_value (b, item->computer->id);
  json_builder_set_member_name (b, "name");
  json_builder_add_string_value (b, item->computer->name);
  json_builder_set_member_name (b, "group");
  json_builder_add_string_value (b, item->computer->group_id);
  json_builder_set_member_name (b, "client_id");
  json_builder_add_int_value (b, item->spec.client_id);
  json_builder_set_member_name (b, "site_id");
  if (item->spec.site_id > 0)
    json_builder_add_int_value (b, item->spec.site_id);
  else
    json_builder_add_null_value (b);
  json_builder_set_member_name (b, "inventory_number");
  json_builder_add_string_value (b, item->inventory_number);
  json_builder_set_member_name (b, "serial");
  if (item->spec.serial != NULL && *item->spec.serial)
    json_builder_add_string_value (b, item->spec.serial);
  else
    json_builder_add_null_value (b);
  json_builder_set_member_name (b, "asset_id");
  if (item->halo_id > 0)
    json_builder_add_int_value (b, item->halo_id);
  else
    json_builder_add_null_value (b);
  json_builder_set_member_name (b, "found");
  json_builder_add_boolean_value (b, item->found);
  /* Queued by an earlier run and not yet delivered: the next sync sends it. */
  json_builder_set_member_name (b, "queued");
  json_builder_add_boolean_value (b, queued);
  /* An update of a linked asset: what changed since it was sent ("ip", "os", …); null when
   * everything goes (a create, an asset never sent from here). */
  json_builder_set_member_name (b, "changes");
  if (item->action == PLAN_UPDATE && !item->found && item->spec.parts != 0 && !queued)
    {
      g_auto (GStrv) names = hy_sync_asset_part_names (item->spec.parts);

      json_builder_begin_array (b);
      for (guint i = 0; names[i] != NULL; i++)
        json_builder_add_string_value (b, names[i]);
      json_builder_end_array (b);
    }
  else
    json_builder_add_null_value (b);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

static char *
asset_item_payload (HySyncRun *run, HySyncPlanItem *item)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  g_autoptr (JsonNode) asset = NULL;
  g_autoptr (JsonNode) root = NULL;
  HySyncAssetSpec spec = item->spec;
  gboolean server = os_is_server (item->computer->os);

  spec.assettype_id = server ? run->server_assettype_id : run->assettype_id;
  spec.name_field_id = server ? run->server_name_field_id : run->name_field_id;
  spec.serial_field_id = server ? run->server_serial_field_id : run->serial_field_id;
  spec.os_field_id = run->asset_field_ids[server][HY_ASSET_FIELD_OS];
  spec.ip_field_id = run->asset_field_ids[server][HY_ASSET_FIELD_IP];
  spec.mac_field_id = run->asset_field_ids[server][HY_ASSET_FIELD_MAC];
  spec.last_seen_field_id = run->asset_field_ids[server][HY_ASSET_FIELD_LAST_SEEN];
  asset = hy_sync_asset_payload (&spec, item->action == PLAN_UPDATE ? item->halo_id : 0);

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "computer");
  json_builder_add_string_value (b, item->computer->id);
  json_builder_set_member_name (b, "name");
  json_builder_add_string_value (b, item->computer->name);
  json_builder_set_member_name (b, "fingerprint");
  json_builder_add_string_value (b, item->fingerprint);
  json_builder_set_member_name (b, "client_id");
  json_builder_add_int_value (b, item->spec.client_id);
  json_builder_set_member_name (b, "inventory_number");
  json_builder_add_string_value (b, item->inventory_number);
  json_builder_set_member_name (b, "asset");
  json_builder_add_value (b, g_steal_pointer (&asset));
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  return _hy_sync_engine_node_to_string (root);
}

/* Whether the update of @item would write anything (the asset types are loaded). */
static gboolean
update_carries (HySyncRun *run, HySyncPlanItem *item)
{
  g_autofree char *payload = asset_item_payload (run, item);
  g_autoptr (JsonNode) node = _hy_sync_engine_parse_json (payload);
  JsonObject *asset;

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return TRUE;
  asset = json_object_get_object_member (json_node_get_object (node), "asset");
  return asset == NULL || json_object_get_size (asset) > 1;
}

/* A device renamed (or changed otherwise) while its asset write waits unsent in the outbox:
 * the write takes the device as it is now, so the change goes out with it, not never. A write
 * that may have reached Halo is left as it is (Halo may have what it holds): the plan made
 * after its delivery sends the change. */
static gboolean
rewrite_unsent (HySyncRun *run, HyStore *store, HySyncPlanItem *item, GError **error)
{
  g_autoptr (HyOutboxItem) queued = hy_store_outbox_get (store, item->unsent_id, NULL);
  g_autoptr (GError) local = NULL;
  g_autoptr (JsonNode) old = NULL;
  g_autofree char *payload = NULL;
  HySyncPlanAction action = item->action;
  gint64 halo_id = item->halo_id;
  const char *fingerprint;

  if (queued == NULL || queued->state != HY_OUTBOX_STATE_PENDING || queued->attempts > 0 ||
      !g_str_has_prefix (queued->kind, "asset."))
    return TRUE;
  old = _hy_sync_engine_parse_json (queued->payload);
  if (old == NULL || !JSON_NODE_HOLDS_OBJECT (old))
    return TRUE;
  fingerprint = hy_sync_json_string (json_node_get_object (old), "fingerprint");
  if (g_strcmp0 (fingerprint, item->fingerprint) == 0)
    return TRUE;
  if (g_strcmp0 (queued->kind, HY_SYNC_KIND_ASSET_CREATE) == 0)
    {
      item->action = PLAN_CREATE;
      item->halo_id = 0;
    }
  else
    {
      JsonObject *asset = json_object_get_object_member (json_node_get_object (old), "asset");
      item->action = PLAN_UPDATE;
      if (asset != NULL && hy_sync_json_int (asset, "id") > 0)
        item->halo_id = hy_sync_json_int (asset, "id");
    }
  payload = asset_item_payload (run, item);
  item->action = action;
  item->halo_id = halo_id;
  if (!hy_store_outbox_rewrite (store, queued->id, payload, &local))
    {
      /* Claimed meanwhile: the plan made after its delivery sends the change. */
      if (!g_error_matches (local, HY_STORE_ERROR, HY_STORE_ERROR_INVALID_STATE))
        {
          g_propagate_error (error, g_steal_pointer (&local));
          return FALSE;
        }
    }
  return TRUE;
}

gboolean
_hy_sync_engine_enqueue_assets_txn (HyStore *store, gpointer user_data, GError **error)
{
  HySyncEnqueueData *data = user_data;
  HySyncRun *run = data->run;

  for (guint i = 0; i < data->plan->items->len; i++)
    {
      HySyncPlanItem *item = g_ptr_array_index (data->plan->items, i);
      g_autofree char *key = NULL;
      g_autofree char *payload = NULL;
      const char *kind;
      gint64 id;

      if (item->action == PLAN_QUEUED && item->unsent_id > 0)
        {
          if (!rewrite_unsent (run, store, item, error))
            return FALSE;
          continue;
        }
      if (item->action != PLAN_CREATE && item->action != PLAN_UPDATE)
        continue;
      if (item->action == PLAN_UPDATE && !item->found && !update_carries (run, item))
        {
          /* What changed is written nowhere in Halo (a field not sent, the client of an
           * existing asset): nothing to send, and nothing to send again next time. */
          if (!hy_store_set_asset_fingerprint (store, item->computer->id, item->fingerprint, error))
            return FALSE;
          item->action = PLAN_UNCHANGED;
          run->report->unchanged++;
          for (guint g = 0; g < data->plan->groups->len; g++)
            {
              HySyncGroupPlan *gp = g_ptr_array_index (data->plan->groups, g);

              if (g_strcmp0 (gp->group_id, item->computer->group_id) == 0)
                gp->synced++;
            }
          continue;
        }
      if (item->found &&
          (!hy_store_link_set (store, HY_RECORD_KIND_COMPUTER, item->computer->id, item->halo_id,
                               item->computer->name, HY_LINK_HOW_AUTO, error) ||
           !_hy_sync_engine_queue_ticket_assets (store, item->computer->id, item->halo_id, error)))
        return FALSE;
      key = _hy_sync_engine_record_key ("computer", item->computer->id);
      payload = asset_item_payload (run, item);
      kind = item->action == PLAN_CREATE ? HY_SYNC_KIND_ASSET_CREATE : HY_SYNC_KIND_ASSET_UPDATE;
      id = hy_store_outbox_enqueue (store, kind, key, payload, HY_SYNC_PRIORITY_ASSET, error);
      if (id <= 0)
        return FALSE;
      {
        HyOutboxItem o = {
          .id = id, .record_key = key, .state = HY_OUTBOX_STATE_PENDING, .kind = (char *) kind
        };
        _hy_sync_engine_outstanding_add (run, &o);
      }
    }
  for (guint g = 0; g < data->plan->groups->len; g++)
    {
      HySyncGroupPlan *gp = g_ptr_array_index (data->plan->groups, g);
      if (!hy_store_set_group_sync (store, gp->group_id, HY_SYNC_STATE_SYNCING, gp->synced,
                                    gp->failed, NULL, error))
        return FALSE;
    }
  return TRUE;
}
