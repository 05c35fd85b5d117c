/* hy-service-status.c: what is true now, in one sentence, for the header and `status`
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "hy-service"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "hy-service.h"
#include "store/hy-store-intake.h"

const char *
hy_service_state_to_string (HyServiceState state)
{
  switch (state)
    {
      case HY_SERVICE_STATE_NOT_CONNECTED:
        return "not_connected";
      case HY_SERVICE_STATE_DISABLED:
        return "disabled";
      case HY_SERVICE_STATE_FAILING:
        return "failing";
      case HY_SERVICE_STATE_WAITING:
        return "waiting";
      case HY_SERVICE_STATE_SYNCING:
        return "syncing";
      case HY_SERVICE_STATE_SYNCED:
      default:
        return "synced";
    }
}

void
hy_service_status_free (HyServiceStatus *status)
{
  if (status == NULL)
    return;
  g_free (status->subject);
  g_free (status->reason);
  g_free (status->summary);
  hy_lease_holder_free (status->deliverer);
  g_free (status->intake);
  g_free (status);
}

/* The delivery given up on, in words: "the ticket of alert disk-1", "the asset of DC01". */
static char *
describe_item (HyStore *store, const HyOutboxItem *item)
{
  const char *colon = item->record_key != NULL ? strchr (item->record_key, ':') : NULL;
  const char *id = colon != NULL ? colon + 1 : item->record_key;

  if (g_str_has_prefix (item->kind, "asset."))
    {
      g_autoptr (HyComputer) computer = hy_store_get (store, HY_RECORD_KIND_COMPUTER, id, NULL);

      /* Translators: the Halo asset of a device, by the device's name */
      return g_strdup_printf (_ ("the asset of %s"), computer != NULL ? computer->name : id);
    }
  /* Translators: the Halo ticket (or its note, its closing) of an alert, by the alert's id */
  return g_strdup_printf (_ ("the ticket of alert %s"), id != NULL ? id : "");
}

static char *
format_time (gint64 real_us)
{
  g_autoptr (GDateTime) time = g_date_time_new_from_unix_local (real_us / G_USEC_PER_SEC);

  return time != NULL ? g_date_time_format (time, "%X") : g_strdup ("");
}

static char *
summarize (const HyServiceStatus *status)
{
  switch (status->state)
    {
      case HY_SERVICE_STATE_NOT_CONNECTED:
        return g_strdup (_ ("Not connected to Halo"));
      case HY_SERVICE_STATE_DISABLED:
        return g_strdup (_ ("Disabled: nothing is sent to Halo"));
      case HY_SERVICE_STATE_FAILING:
        /* Translators: the header's status: what fails (a group's name, or "the ticket of
         * alert disk-1"), then why, in words that say what fixes it */
        return g_strdup_printf (_ ("Failing: %s: %s"), status->subject, status->reason);
      case HY_SERVICE_STATE_WAITING:
        {
          g_autofree char *until = format_time (status->until);

          /* Translators: %s is a time of day */
          return g_strdup_printf (_ ("Waiting for Halo’s rate limit until %s"), until);
        }
      case HY_SERVICE_STATE_SYNCING:
        if (status->devices > 0 && status->synced < status->devices)
          /* Translators: devices of the mapped groups already in Halo, of all of them */
          return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Syncing: %'u of %'u device",
                                               "Syncing: %'u of %'u devices", status->devices),
                                  status->synced, status->devices);
        return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Sending %'u write to Halo",
                                             "Sending %'u writes to Halo", status->pending),
                                status->pending);
      case HY_SERVICE_STATE_SYNCED:
      default:
        return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "All synced: %'u device in Halo",
                                             "All synced: %'u devices in Halo", status->synced),
                                status->synced);
    }
}

HyServiceStatus *
hy_service_status_read (HySession *session, GError **error)
{
  g_autoptr (HyServiceStatus) status = g_new0 (HyServiceStatus, 1);
  HyStore *store = hy_session_get_store (session);
  const HyProfile *profile = hy_session_get_profile (session);
  g_autoptr (GPtrArray) groups = NULL;
  gboolean unsettled = FALSE;
  gint64 pending, inflight, dead;

  status->deliverer = hy_store_lease_get_holder (store, NULL);
  if (status->deliverer != NULL)
    status->intake = hy_store_intake_get_listening (store, status->deliverer->pid,
                                                    status->deliverer->host, NULL);
  groups = hy_store_list_group_sync (store, TRUE, error);
  if (groups == NULL)
    return NULL;
  pending = hy_store_outbox_count (store, HY_OUTBOX_STATE_PENDING, error);
  inflight = pending >= 0 ? hy_store_outbox_count (store, HY_OUTBOX_STATE_INFLIGHT, error) : -1;
  dead = inflight >= 0 ? hy_store_outbox_count (store, HY_OUTBOX_STATE_DEAD, error) : -1;
  if (dead < 0)
    return NULL;
  status->pending = (guint) (pending + inflight);
  status->dead = (guint) dead;

  for (guint i = 0; i < groups->len; i++)
    {
      HyGroupSync *group = g_ptr_array_index (groups, i);

      status->last_sync = MAX (status->last_sync, group->last_sync);
      status->devices += group->devices;
      status->synced += MIN (group->synced, group->devices);
      if (group->state == HY_SYNC_STATE_FAILED)
        {
          if (status->failed_groups++ == 0)
            {
              status->subject = g_strdup (group->group_name);
              status->reason = g_strdup (group->reason != NULL ? group->reason : "");
            }
        }
      else if (group->state != HY_SYNC_STATE_SYNCED)
        unsettled = TRUE;
    }
  if (status->subject == NULL && dead > 0)
    {
      g_autoptr (GPtrArray) items = hy_store_outbox_list (store, HY_OUTBOX_STATE_DEAD, 1, 0, error);
      HyOutboxItem *item;

      if (items == NULL)
        return NULL;
      item = items->len > 0 ? g_ptr_array_index (items, 0) : NULL;
      if (item != NULL)
        {
          status->subject = describe_item (store, item);
          status->reason =
              g_strdup (item->last_error != NULL
                            ? item->last_error
                            : _ ("Halo refused it; retry it in Events once the cause is fixed"));
        }
    }

  if (profile == NULL)
    status->state = HY_SERVICE_STATE_NOT_CONNECTED;
  else if (!profile->enabled)
    status->state = HY_SERVICE_STATE_DISABLED;
  else if (status->subject != NULL)
    status->state = HY_SERVICE_STATE_FAILING;
  else if (status->pending > 0)
    {
      gint64 now = g_get_real_time ();
      gint64 free_at =
          hy_store_rate_free_at (store, profile->rate_max,
                                 (gint64) profile->rate_window * G_USEC_PER_SEC, now, error);

      if (free_at < 0)
        return NULL;
      status->until = free_at > now ? free_at : 0;
      status->state = free_at > now ? HY_SERVICE_STATE_WAITING : HY_SERVICE_STATE_SYNCING;
    }
  else if (unsettled || status->synced < status->devices)
    status->state = HY_SERVICE_STATE_SYNCING;
  else
    status->state = HY_SERVICE_STATE_SYNCED;

  status->summary = summarize (status);
  return g_steal_pointer (&status);
}

/* @usec (real time) as ISO 8601 in UTC, or null when 0. */
static void
add_time_value (JsonBuilder *b, gint64 usec)
{
  g_autoptr (GDateTime) utc = NULL;
  g_autofree char *text = NULL;

  if (usec <= 0)
    {
      json_builder_add_null_value (b);
      return;
    }
  utc = g_date_time_new_from_unix_utc (usec / G_USEC_PER_SEC);
  text = g_date_time_format (utc, "%Y-%m-%dT%H:%M:%SZ");
  json_builder_add_string_value (b, text);
}

JsonNode *
hy_service_status_to_json (const HyServiceStatus *status)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "state");
  json_builder_add_string_value (b, hy_service_state_to_string (status->state));
  json_builder_set_member_name (b, "summary");
  json_builder_add_string_value (b, status->summary);
  json_builder_set_member_name (b, "synced");
  json_builder_add_int_value (b, status->synced);
  json_builder_set_member_name (b, "devices");
  json_builder_add_int_value (b, status->devices);
  json_builder_set_member_name (b, "pending");
  json_builder_add_int_value (b, status->pending);
  json_builder_set_member_name (b, "dead");
  json_builder_add_int_value (b, status->dead);
  json_builder_set_member_name (b, "last_sync");
  add_time_value (b, status->last_sync);
  json_builder_set_member_name (b, "until");
  add_time_value (b, status->until);
  json_builder_set_member_name (b, "subject");
  if (status->subject != NULL)
    json_builder_add_string_value (b, status->subject);
  else
    json_builder_add_null_value (b);
  json_builder_set_member_name (b, "reason");
  if (status->reason != NULL)
    json_builder_add_string_value (b, status->reason);
  else
    json_builder_add_null_value (b);
  json_builder_set_member_name (b, "intake");
  if (status->intake != NULL)
    json_builder_add_string_value (b, status->intake);
  else
    json_builder_add_null_value (b);
  json_builder_set_member_name (b, "deliverer");
  if (status->deliverer != NULL)
    {
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "pid");
      json_builder_add_int_value (b, status->deliverer->pid);
      json_builder_set_member_name (b, "host");
      json_builder_add_string_value (b, status->deliverer->host);
      json_builder_set_member_name (b, "command");
      json_builder_add_string_value (b, status->deliverer->command);
      json_builder_end_object (b);
    }
  else
    json_builder_add_null_value (b);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}
