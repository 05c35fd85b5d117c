/* hy-toasts.c: toasts shown over a view, that the window can also take away at once
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "hy-toasts"

#include "config.h"

#include <glib/gi18n.h>

#include "hy-toasts.h"

#define TOASTS_KEY "hy-toasts"

static void
toast_dismissed_cb (AdwToast *toast, AdwToastOverlay *overlay)
{
  GPtrArray *toasts = g_object_get_data (G_OBJECT (overlay), TOASTS_KEY);

  if (toasts != NULL)
    g_ptr_array_remove (toasts, toast);
}

AdwToast *
hy_toasts_show (GtkWidget *widget, const char *title)
{
  GtkWidget *overlay;
  GPtrArray *toasts;
  AdwToast *toast;

  g_return_val_if_fail (GTK_IS_WIDGET (widget), NULL);
  g_return_val_if_fail (title != NULL, NULL);

  overlay = ADW_IS_TOAST_OVERLAY (widget)
                ? widget
                : gtk_widget_get_ancestor (widget, ADW_TYPE_TOAST_OVERLAY);
  if (overlay == NULL)
    return NULL;

  toasts = g_object_get_data (G_OBJECT (overlay), TOASTS_KEY);
  if (toasts == NULL)
    {
      toasts = g_ptr_array_new_with_free_func (g_object_unref);
      g_object_set_data_full (G_OBJECT (overlay), TOASTS_KEY, toasts,
                              (GDestroyNotify) g_ptr_array_unref);
    }

  toast = adw_toast_new (title);
  g_ptr_array_add (toasts, g_object_ref (toast));
  g_signal_connect_object (toast, "dismissed", G_CALLBACK (toast_dismissed_cb), overlay, 0);
  adw_toast_overlay_add_toast (ADW_TOAST_OVERLAY (overlay), toast);

  return toast;
}

AdwToast *
hy_toasts_show_error (GtkWidget *widget, const char *message)
{
  AdwToast *toast = hy_toasts_show (widget, message);

  if (toast != NULL)
    adw_toast_set_timeout (toast, 0);
  return toast;
}

void
hy_toasts_dismiss_all (AdwToastOverlay *overlay)
{
  GPtrArray *toasts;

  g_return_if_fail (ADW_IS_TOAST_OVERLAY (overlay));

  /* The newest first: queued toasts go without being shown, the visible one hides last. */
  toasts = g_object_get_data (G_OBJECT (overlay), TOASTS_KEY);
  while (toasts != NULL && toasts->len > 0)
    {
      g_autoptr (AdwToast) toast = g_object_ref (g_ptr_array_index (toasts, toasts->len - 1));

      g_ptr_array_remove_index (toasts, toasts->len - 1);
      adw_toast_dismiss (toast);
    }
}

char *
hy_toasts_format_refresh (const HySessionRefresh *refresh)
{
  g_return_val_if_fail (refresh != NULL, NULL);

  /* Translators: after Refresh from Halo: how many records of each kind Halyard now knows */
  return g_strdup_printf (_ ("Refreshed from Halo — clients: %'u, sites: %'u, assets: %'u, agents: "
                             "%'u, ticket types: %'u"),
                          refresh->counts[HY_CACHE_KIND_CLIENT],
                          refresh->counts[HY_CACHE_KIND_SITE], refresh->counts[HY_CACHE_KIND_ASSET],
                          refresh->counts[HY_CACHE_KIND_AGENT],
                          refresh->counts[HY_CACHE_KIND_TICKET_TYPE]);
}
