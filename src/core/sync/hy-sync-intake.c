/* hy-sync-intake.c: alerts from monitoring systems, named by labels, into the engine
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "hy-sync"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "sync/hy-sync-intake.h"

/* ------------------------------------------------------------------------- */
/* Helpers                                                                   */
/* ------------------------------------------------------------------------- */

/* Finds the one record of @kind named @value; FALSE with a translated @reason otherwise, and in
 * @why what fixes it when a front end has a setting for it (the label that names @kind). */
static gboolean
resolve (HyStore *store,
         HyRecordKind kind,
         const char *value,
         const char *label,
         char **out_id,
         char **reason,
         HyReason *why,
         GError **error)
{
  g_auto (GStrv) ids = NULL;
  gboolean computer = kind == HY_RECORD_KIND_COMPUTER;
  HyReason label_why = computer ? HY_REASON_COMPUTER_LABEL : HY_REASON_POLICY_LABEL;

  *out_id = NULL;
  *why = HY_REASON_NONE;
  if (value == NULL || *value == '\0')
    {
      if (computer)
        /* Translators: %s is a list of label names, such as "instance, host, hostname" */
        *reason = g_strdup_printf (_ ("No label names the computer (Halyard looks for %s): add "
                                      "one to the alert, or choose the label that names "
                                      "computers"),
                                   label ? label : "computer");
      else
        /* Translators: %s is a label name, such as "alertname" */
        *reason = g_strdup_printf (_ ("No label names the policy (Halyard looks for %s): add one "
                                      "to the alert, or choose the label that names policies"),
                                   label ? label : "policy");
      *why = label_why;
      return FALSE;
    }
  ids = hy_store_intake_match (store, kind, value, error);
  if (ids == NULL)
    return FALSE;
  if (g_strv_length (ids) == 1)
    {
      *out_id = g_strdup (ids[0]);
      return TRUE;
    }
  if (ids[0] == NULL)
    {
      if (computer && label != NULL)
        /* Translators: the first %s is what the alert's label says, the second the label's name */
        {
          *reason = g_strdup_printf (_ ("No computer has the id or name “%s” (label %s): import "
                                        "the computer, or choose the label that names computers"),
                                     value, label);
          *why = label_why;
        }
      else if (computer)
        /* Translators: %s is what the alert gave as its computer */
        *reason = g_strdup_printf (_ ("No computer has the id or name “%s”: import the computer "
                                      "first"),
                                   value);
      else if (label != NULL)
        /* Translators: the first %s is what the alert's label says, the second the label's name */
        {
          *reason = g_strdup_printf (_ ("No policy has the id or name “%s” (label %s): import the "
                                        "policy, or choose the label that names policies"),
                                     value, label);
          *why = label_why;
        }
      else
        /* Translators: %s is what the alert gave as its policy */
        *reason = g_strdup_printf (_ ("No policy has the id or name “%s”: import the policy "
                                      "first"),
                                   value);
      return FALSE;
    }
  if (computer)
    /* Translators: %s is a computer name; %u how many computers have it (always 2 or more) */
    *reason = g_strdup_printf (_ ("“%s” is the name of %u computers: name the computer in the "
                                  "alert by its id instead"),
                               value, g_strv_length (ids));
  else
    /* Translators: %s is a policy name; %u how many policies have it (always 2 or more) */
    *reason = g_strdup_printf (_ ("“%s” is the name of %u policies: name the policy in the alert "
                                  "by its id instead"),
                               value, g_strv_length (ids));
  return FALSE;
}

static HySyncAlertResult *
waiting_result (const char *alert_id, const char *reason, HyReason why)
{
  HySyncAlertResult *result = g_new0 (HySyncAlertResult, 1);

  result->alert_id = g_strdup (alert_id);
  result->state = HY_ALERT_STATE_UNROUTED;
  result->reason = g_strdup (reason);
  result->reason_code = why;
  return result;
}

static gboolean
alert_known (HyStore *store, const char *alert_id, HyAlert **out_alert, GError **error)
{
  g_autoptr (GError) local = NULL;

  *out_alert = hy_store_get (store, HY_RECORD_KIND_ALERT, alert_id, &local);
  if (*out_alert == NULL && !g_error_matches (local, HY_STORE_ERROR, HY_STORE_ERROR_NOT_FOUND))
    {
      g_propagate_error (error, g_steal_pointer (&local));
      return FALSE;
    }
  return TRUE;
}

static HySyncAlertResult *
receive_resolved (HySyncEngine *self, const HySyncIncoming *in, gboolean *out_known, GError **error)
{
  HyStore *store = hy_sync_engine_get_store (self);
  g_autoptr (HyAlert) alert = NULL;
  gboolean deleted = FALSE;
  HySyncAlertResult *result;

  if (!hy_store_intake_delete_waiting (store, in->id, &deleted, error) ||
      !alert_known (store, in->id, &alert, error))
    return NULL;
  if (alert == NULL)
    {
      /* Never routed (it stops waiting), or never seen: there is no ticket to clear. */
      *out_known = deleted;
      result = g_new0 (HySyncAlertResult, 1);
      result->alert_id = g_strdup (in->id);
      result->state = HY_ALERT_STATE_QUEUED;
      return result;
    }
  *out_known = TRUE;
  if (alert->cleared_at != NULL)
    return hy_sync_engine_get_alert_result (self, in->id, error);
  /* Translators: the note of a cleared alert's ticket: the monitoring system said so */
  return hy_sync_engine_clear_alert (self, in->id, _ ("resolved by the monitoring system"), error);
}

/* ------------------------------------------------------------------------- */
/* Public API                                                                */
/* ------------------------------------------------------------------------- */

HySyncAlertResult *
hy_sync_engine_receive (HySyncEngine *self,
                        const HySyncIncoming *in,
                        gboolean *out_known,
                        GError **error)
{
  HyStore *store;
  g_autofree char *computer_id = NULL;
  g_autofree char *policy_id = NULL;
  g_autofree char *reason = NULL;
  g_autoptr (HySyncAlertResult) result = NULL;
  g_autoptr (HyIntakeWaiting) before = NULL;
  HyReason why = HY_REASON_NONE;
  gboolean known = TRUE;
  gboolean routable;

  g_return_val_if_fail (HY_IS_SYNC_ENGINE (self), NULL);
  g_return_val_if_fail (in != NULL && in->id != NULL && in->source != NULL, NULL);
  store = hy_sync_engine_get_store (self);

  if (in->summary == NULL || *in->summary == '\0')
    {
      g_set_error_literal (error, HY_SYNC_ERROR, HY_SYNC_ERROR_INVALID,
                           _ ("The alert needs a summary: it becomes the ticket’s summary"));
      return NULL;
    }
  if (!hy_store_begin (store, error))
    return NULL;

  if (in->resolved)
    result = receive_resolved (self, in, &known, error);
  else
    {
      routable = resolve (store, HY_RECORD_KIND_COMPUTER, in->computer, in->computer_label,
                          &computer_id, &reason, &why, error);
      if (routable)
        routable = resolve (store, HY_RECORD_KIND_POLICY, in->policy, in->policy_label, &policy_id,
                            &reason, &why, error);
      if (reason == NULL && !routable)
        ; /* a store error */
      else if (routable)
        {
          HySyncAlertInput input = {
            .id = in->id,
            .computer_id = computer_id,
            .policy_id = policy_id,
            .summary = in->summary,
            .details = in->details,
            .severity = in->severity,
            .raised_at = in->raised_at,
          };

          if (hy_store_intake_delete_waiting (store, in->id, NULL, error))
            result = hy_sync_engine_raise_alert (self, &input, error);
        }
      else
        {
          HyIntakeWaiting waiting = {
            .alert_id = (char *) in->id,
            .source = (char *) in->source,
            .computer = (char *) in->computer,
            .policy = (char *) in->policy,
            .summary = (char *) in->summary,
            .details = (char *) in->details,
            .severity = (char *) in->severity,
            .labels = (char *) in->labels,
            .raised_at = (char *) in->raised_at,
            .reason = reason,
            .reason_code = why,
            .received = g_get_real_time () / G_USEC_PER_SEC,
          };
          g_autoptr (GError) local = NULL;

          /* A repeat keeps the time it first arrived. */
          before = hy_store_intake_get_waiting (store, in->id, &local);
          if (before != NULL)
            waiting.received = before->received;
          if (hy_store_intake_put_waiting (store, &waiting, error))
            result = waiting_result (in->id, reason, why);
        }
    }

  if (result == NULL)
    {
      hy_store_rollback (store);
      return NULL;
    }
  if (!hy_store_commit (store, error))
    return NULL;
  if (out_known != NULL)
    *out_known = known;
  return g_steal_pointer (&result);
}

gint
hy_sync_engine_route_intake (HySyncEngine *self, GError **error)
{
  HyStore *store;
  g_autoptr (GPtrArray) waiting = NULL;
  gint routed = 0;

  g_return_val_if_fail (HY_IS_SYNC_ENGINE (self), -1);
  store = hy_sync_engine_get_store (self);

  waiting = hy_store_intake_list_waiting (store, 0, error);
  if (waiting == NULL)
    return -1;
  for (guint i = 0; i < waiting->len; i++)
    {
      HyIntakeWaiting *w = g_ptr_array_index (waiting, i);
      g_autofree char *computer_id = NULL;
      g_autofree char *policy_id = NULL;
      g_autofree char *reason = NULL;
      g_autoptr (HySyncAlertResult) result = NULL;
      g_autoptr (GError) local = NULL;
      HyReason why;
      gboolean routable;

      routable = resolve (store, HY_RECORD_KIND_COMPUTER, w->computer, NULL, &computer_id, &reason,
                          &why, &local) &&
                 resolve (store, HY_RECORD_KIND_POLICY, w->policy, NULL, &policy_id, &reason, &why,
                          &local);
      if (local != NULL)
        {
          g_propagate_error (error, g_steal_pointer (&local));
          return -1;
        }
      if (!routable)
        continue;
      {
        HySyncIncoming in = {
          .id = w->alert_id,
          .source = w->source,
          .computer = computer_id,
          .policy = policy_id,
          .summary = w->summary,
          .details = w->details,
          .severity = w->severity,
          .raised_at = w->raised_at,
          .labels = w->labels,
        };

        result = hy_sync_engine_receive (self, &in, NULL, &local);
      }
      if (result == NULL)
        {
          g_propagate_error (error, g_steal_pointer (&local));
          return -1;
        }
      routed++;
    }
  return routed;
}
