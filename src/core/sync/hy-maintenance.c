/* hy-maintenance.c: maintenance windows: reading times, and which alerts a window holds
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "hy-sync"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "sync/hy-maintenance.h"

static gboolean
parse_duration (const char *text, gint64 *out_seconds)
{
  gint64 total = 0;
  const char *p = text;

  if (*p == '\0')
    return FALSE;
  while (*p != '\0')
    {
      gint64 value = 0;
      gint64 unit;
      gboolean digits = FALSE;

      while (g_ascii_isdigit (*p))
        {
          value = value * 10 + (*p - '0');
          digits = TRUE;
          if (value > 100000000)
            return FALSE;
          p++;
        }
      if (!digits)
        return FALSE;
      switch (*p)
        {
          case 'm':
            unit = 60;
            break;
          case 'h':
            unit = 3600;
            break;
          case 'd':
            unit = 86400;
            break;
          default:
            return FALSE;
        }
      p++;
      total += value * unit;
    }
  *out_seconds = total;
  return total > 0;
}

gboolean
hy_maintenance_parse_time (const char *text,
                           const char *what,
                           gint64 now,
                           gint64 base,
                           gint64 *out,
                           GError **error)
{
  g_autoptr (GTimeZone) local = g_time_zone_new_local ();
  g_autoptr (GDateTime) time = NULL;
  g_autofree char *trimmed = g_strstrip (g_strdup (text != NULL ? text : ""));
  gint64 seconds;

  if (g_ascii_strcasecmp (trimmed, "now") == 0)
    {
      *out = now;
      return TRUE;
    }
  if (trimmed[0] == '+')
    {
      if (!parse_duration (trimmed + 1, &seconds))
        {
          /* Translators: the first %s is an option (--until), the second what was typed */
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                       _ ("%s: “%s” is not a duration: write it as +90m, +2h, +1d or +1h30m."),
                       what, trimmed);
          return FALSE;
        }
      *out = (base > 0 ? base : now) + seconds;
      return TRUE;
    }

  /* ISO 8601, in local time when it names no zone; a space may stand for the T. */
  g_strdelimit (trimmed, " ", 'T');
  time = g_date_time_new_from_iso8601 (trimmed, local);
  if (time == NULL && strlen (trimmed) == 16) /* YYYY-MM-DDTHH:MM */
    {
      g_autofree char *with_seconds = g_strconcat (trimmed, ":00", NULL);
      time = g_date_time_new_from_iso8601 (with_seconds, local);
    }
  if (time == NULL && strlen (trimmed) == 10) /* YYYY-MM-DD */
    {
      g_autofree char *midnight = g_strconcat (trimmed, "T00:00:00", NULL);
      time = g_date_time_new_from_iso8601 (midnight, local);
    }
  if (time == NULL)
    {
      /* Translators: the first %s is an option (--from), the second what was typed */
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _ ("%s: “%s” is not a time. Write it as 2026-12-24T22:00 (local time), "
                      "2026-12-24T22:00:00Z, now, or +2h."),
                   what, text != NULL ? text : "");
      return FALSE;
    }
  *out = g_date_time_to_unix (time);
  return TRUE;
}

gint64
hy_maintenance_holds_computer (HyStore *store, const char *computer_id, gint64 now, GError **error)
{
  g_autoptr (HyComputer) computer = NULL;
  g_autoptr (HyMaintenanceWindow) window = NULL;
  g_autoptr (GError) local_error = NULL;

  computer = hy_store_get (store, HY_RECORD_KIND_COMPUTER, computer_id, &local_error);
  if (computer == NULL)
    {
      if (g_error_matches (local_error, HY_STORE_ERROR, HY_STORE_ERROR_NOT_FOUND))
        return 0;
      g_propagate_error (error, g_steal_pointer (&local_error));
      return -1;
    }
  if (computer->group_id == NULL)
    return 0;
  window = hy_store_maintenance_at (store, computer->group_id, now, &local_error);
  if (window == NULL)
    {
      if (local_error != NULL)
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return -1;
        }
      return 0;
    }
  return window->ends_at;
}
