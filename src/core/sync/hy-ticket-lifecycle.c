/* hy-ticket-lifecycle.c: the engine's ticket lifecycle against the store
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "hy-sync"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "sync/hy-maintenance.h"
#include "sync/hy-ticket-lifecycle.h"

gboolean
hy_ticket_lifecycle_hold (HyStore *store, const HyAlert *alert, gint64 now, GError **error)
{
  HyAlertLifecycle lifecycle;
  gint64 until;

  until = hy_maintenance_holds_computer (store, alert->computer_id, now, error);
  if (until < 0)
    return FALSE;
  if (!hy_store_get_alert_lifecycle (store, alert->id, &lifecycle, error))
    return FALSE;
  if (lifecycle.suppressed_until == until)
    return until > 0;
  lifecycle.suppressed_until = until;
  if (!hy_store_set_alert_lifecycle (store, alert->id, &lifecycle, error))
    return FALSE;
  return until > 0;
}

gboolean
hy_ticket_lifecycle_is_held (HyStore *store, const char *alert_id)
{
  HyAlertLifecycle lifecycle;

  return hy_store_get_alert_lifecycle (store, alert_id, &lifecycle, NULL) &&
         lifecycle.suppressed_until > 0;
}

gint64
hy_ticket_lifecycle_next_wake (HyStore *store)
{
  gint64 next = hy_store_next_suppression_end (store, NULL);

  return MAX (next, 0);
}

void
hy_ticket_lifecycle_fill_spec (HyStore *store,
                               const HyAlert *alert,
                               HySyncTicketSpec *spec,
                               HyPolicyDefaults **out_defaults)
{
  g_autoptr (HyPolicyDefaults) defaults = NULL;
  HyAlertLifecycle lifecycle;

  *out_defaults = NULL;
  if (hy_store_get_alert_lifecycle (store, alert->id, &lifecycle, NULL))
    spec->previous_ticket_id = lifecycle.previous_ticket_id;
  defaults = hy_store_get_policy_defaults (store, alert->policy_id, NULL);
  if (defaults == NULL)
    return;
  spec->priority_id = hy_policy_defaults_priority_for (defaults, alert->severity);
  spec->team = defaults->team;
  spec->agent_id = defaults->agent_id;
  spec->category = defaults->category;
  /* The end user belongs to one client: raise as them on that client's tickets, at their
   * site (Halo needs it). */
  if (defaults->user_id > 0 && defaults->user_client_id == spec->client_id &&
      defaults->user_site_id > 0)
    {
      spec->user_id = defaults->user_id;
      spec->site_id = defaults->user_site_id;
    }
  *out_defaults = g_steal_pointer (&defaults);
}

gint64
hy_ticket_lifecycle_get_set_status (HyStore *store, const char *alert_id)
{
  gint64 status_id = 0;

  if (!hy_store_get_alert_ticket_status (store, alert_id, &status_id, NULL))
    return 0;
  return status_id;
}

void
hy_ticket_lifecycle_set_status (HyStore *store, const char *alert_id, gint64 status_id)
{
  g_autoptr (GError) error = NULL;

  if (!hy_store_set_alert_ticket_status (store, alert_id, status_id, &error))
    g_warning ("%s", error->message);
}

char *
hy_ticket_lifecycle_worked_note (const char *who, gboolean status_changed, const char *status_name)
{
  g_autoptr (GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *when = g_date_time_format (now, "%Y-%m-%dT%H:%M:%SZ");

  if (status_changed && status_name != NULL)
    /* Translators: a private note on the ticket; the first %s is a time, the second a Halo
     * status */
    return g_strdup_printf (_ ("The alert cleared at %s. The ticket stays open: its status was "
                               "changed by hand to “%s”, so a technician is working it."),
                            when, status_name);
  if (status_changed)
    /* Translators: a private note on the ticket; %s is a time */
    return g_strdup_printf (_ ("The alert cleared at %s. The ticket stays open: its status was "
                               "changed by hand, so a technician is working it."),
                            when);
  if (who != NULL && *who != '\0')
    /* Translators: a private note on the ticket; the first %s is a time, the second an agent */
    return g_strdup_printf (_ ("The alert cleared at %s. The ticket stays open: %s worked on it "
                               "(an action or time), so it is left for them to close."),
                            when, who);
  /* Translators: a private note on the ticket; %s is a time */
  return g_strdup_printf (_ ("The alert cleared at %s. The ticket stays open: a technician worked "
                             "on it (an action or time), so it is left for them to close."),
                          when);
}

void
hy_ticket_lifecycle_closed (HyStore *store, const HyAlert *alert, gint64 now)
{
  HyAlertLifecycle lifecycle;
  g_autoptr (GError) error = NULL;

  if (!hy_store_get_alert_lifecycle (store, alert->id, &lifecycle, &error))
    {
      g_warning ("%s", error->message);
      return;
    }
  lifecycle.closed_at = now / G_USEC_PER_SEC;
  lifecycle.closed_ticket_id = alert->ticket_id;
  if (!hy_store_set_alert_lifecycle (store, alert->id, &lifecycle, &error))
    g_warning ("%s", error->message);
}

void
hy_ticket_lifecycle_kept_open (HyStore *store, const HyAlert *alert)
{
  HyAlertLifecycle lifecycle;
  g_autoptr (GError) error = NULL;

  if (!hy_store_get_alert_lifecycle (store, alert->id, &lifecycle, &error))
    {
      g_warning ("%s", error->message);
      return;
    }
  lifecycle.closed_at = 0;
  lifecycle.closed_ticket_id = 0;
  if (!hy_store_set_alert_lifecycle (store, alert->id, &lifecycle, &error))
    g_warning ("%s", error->message);
}

char *
hy_ticket_lifecycle_status_payload (const char *alert_id,
                                    gint64 status_id,
                                    gboolean on_clear,
                                    gboolean reopen)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  g_autoptr (JsonNode) root = NULL;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "alert");
  json_builder_add_string_value (b, alert_id);
  json_builder_set_member_name (b, "status_id");
  json_builder_add_int_value (b, status_id);
  if (on_clear)
    {
      json_builder_set_member_name (b, "on_clear");
      json_builder_add_int_value (b, 1);
    }
  if (reopen)
    {
      json_builder_set_member_name (b, "reopen");
      json_builder_add_int_value (b, 1);
    }
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  return json_to_string (root, FALSE);
}

gboolean
hy_ticket_lifecycle_flaps (HyStore *store,
                           const HyAlert *alert,
                           gint64 now,
                           guint *out_minutes,
                           GError **error)
{
  g_autoptr (HyPolicyDefaults) defaults = NULL;
  HyAlertLifecycle lifecycle;
  guint minutes;

  *out_minutes = 0;
  if (!hy_store_get_alert_lifecycle (store, alert->id, &lifecycle, error))
    return FALSE;
  defaults = hy_store_get_policy_defaults (store, alert->policy_id, NULL);
  minutes = hy_policy_defaults_get_flap_minutes (defaults);
  *out_minutes = minutes;
  if (lifecycle.closed_at > 0 && lifecycle.closed_ticket_id == alert->ticket_id &&
      alert->ticket_id > 0 && now / G_USEC_PER_SEC - lifecycle.closed_at < (gint64) minutes * 60)
    {
      lifecycle.closed_at = 0;
      lifecycle.closed_ticket_id = 0;
      lifecycle.repeats = 0;
      lifecycle.last_repeat_note = now / G_USEC_PER_SEC;
      return hy_store_set_alert_lifecycle (store, alert->id, &lifecycle, error);
    }
  /* Later: a new occurrence, whose ticket names this one. */
  memset (&lifecycle, 0, sizeof lifecycle);
  lifecycle.previous_ticket_id = alert->ticket_id;
  if (!hy_store_set_alert_lifecycle (store, alert->id, &lifecycle, error))
    return FALSE;
  return FALSE;
}

gint64
hy_ticket_lifecycle_reopen_status (HyStore *store, const char *alert_id)
{
  gint64 status = hy_ticket_lifecycle_get_set_status (store, alert_id);

  return status > 0 && status != 9 ? status : 1;
}

gboolean
hy_ticket_lifecycle_repeat (HyStore *store,
                            const HyAlert *alert,
                            gint64 now,
                            guint *out_repeats,
                            GError **error)
{
  g_autoptr (HyPolicyDefaults) defaults = NULL;
  HyAlertLifecycle lifecycle;
  gint64 now_s = now / G_USEC_PER_SEC;
  gint64 interval;
  gboolean due;

  *out_repeats = 0;
  if (!hy_store_get_alert_lifecycle (store, alert->id, &lifecycle, error))
    return FALSE;
  defaults = hy_store_get_policy_defaults (store, alert->policy_id, NULL);
  /* The repeat interval is the policy's flap window: one note per window at most. */
  interval = (gint64) hy_policy_defaults_get_flap_minutes (defaults) * 60;
  lifecycle.repeats++;
  due = lifecycle.last_repeat_note <= 0 || now_s - lifecycle.last_repeat_note >= interval;
  if (due)
    {
      *out_repeats = lifecycle.repeats;
      lifecycle.repeats = 0;
      lifecycle.last_repeat_note = now_s;
    }
  if (!hy_store_set_alert_lifecycle (store, alert->id, &lifecycle, error))
    return FALSE;
  return due;
}
