/* hy-alert-sources-group.c: Setup's "Alert Sources": the intake's address, token and
 * Alertmanager snippet, what it received, and the alerts waiting for a route
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "hy-alert-sources"

#include "config.h"

#include <glib/gi18n.h>

#include "credentials/hy-credentials.h"
#include "credentials/hy-intake-token.h"
#include "service/hy-service.h"
#include "store/hy-store-intake.h"
#include "store/hy-store-service.h"

#include "hy-alert-sources-group.h"
#include "hy-toasts.h"

/* How many unrouted alerts the group lists (the rest are counted). */
#define MAX_UNROUTED_ROWS 20

struct _HyAlertSourcesGroup
{
  AdwPreferencesGroup parent_instance;

  HySession *session;
  HyService *service; /* the session's (not a reference: the session owns it) */
  gulong service_changed_id;
  HyIntakeServer *server;
  GCancellable *cancellable;
  char *token; /* wiped when replaced */
  gboolean token_missing;
  gboolean rotating;
  gulong changed_id;
  GPtrArray *unrouted_rows;

  AdwActionRow *address_row;
  AdwEntryRow *listen_row;
  AdwActionRow *token_row;
  GtkButton *copy_token_button;
  GtkButton *rotate_button;
  AdwExpanderRow *snippet_row;
  GtkTextView *snippet_view;
  AdwActionRow *received_row;
  AdwActionRow *last_row;
};

G_DEFINE_FINAL_TYPE (HyAlertSourcesGroup, hy_alert_sources_group, ADW_TYPE_PREFERENCES_GROUP)

enum
{
  PROP_0,
  PROP_SESSION,
  PROP_SERVER,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* ------------------------------------------------------------------------- */
/* Helpers                                                                   */
/* ------------------------------------------------------------------------- */

static HyStore *
get_store (HyAlertSourcesGroup *self)
{
  return self->session != NULL ? hy_session_get_store (self->session) : NULL;
}

/* Where the deliverer accepts alerts: this window's intake, else the one another process
 * (halyard-cli serve) recorded, else the address set for it, else the default. */
static char *
intake_address (HyAlertSourcesGroup *self)
{
  g_autoptr (HyLeaseHolder) holder = NULL;
  g_autofree char *listen = NULL;
  char *uri = self->server != NULL ? hy_intake_server_get_uri (self->server) : NULL;

  if (uri != NULL)
    return uri;
  if (get_store (self) != NULL)
    {
      holder = hy_store_lease_get_holder (get_store (self), NULL);
      if (holder != NULL)
        uri = hy_store_intake_get_listening (get_store (self), holder->pid, holder->host, NULL);
      if (uri != NULL)
        return uri;
      listen = hy_store_intake_get_listen (get_store (self), NULL);
      if (listen != NULL)
        return g_strconcat ("http://", listen, NULL);
    }
  return g_strconcat ("http://", HY_INTAKE_DEFAULT_ADDRESS, NULL);
}

/* What the address row says: where alerts go now, who takes them, or why nothing does. */
static char *
describe_address (HyAlertSourcesGroup *self)
{
  g_autoptr (HyLeaseHolder) holder = NULL;
  g_autofree char *listen = NULL;
  g_autofree char *uri = NULL;
  g_autofree char *pid = NULL;
  const GError *error;

  if (self->server != NULL)
    return hy_intake_server_get_uri (self->server);
  if (self->service != NULL && hy_service_get_intake_starting (self->service))
    /* Translators: the intake address while the intake starts */
    return g_strdup (_ ("Starting…"));
  error = self->service != NULL ? hy_service_get_intake_error (self->service) : NULL;
  if (error != NULL)
    return g_strdup (error->message);
  if (get_store (self) == NULL)
    return g_strdup (_ ("Not accepting alerts: connect to Halo first"));
  holder = hy_store_lease_get_holder (get_store (self), NULL);
  if (holder != NULL && !holder->mine)
    {
      pid = g_strdup_printf ("%" G_GINT64_FORMAT, holder->pid);
      uri = hy_store_intake_get_listening (get_store (self), holder->pid, holder->host, NULL);
      if (uri != NULL)
        /* Translators: where alerts go, then the program that takes them (e.g. "halyard-cli
         * serve"), its process id and host */
        return g_strdup_printf (_ ("%s, served by %s (process %s on %s)"), uri, holder->command,
                                pid, holder->host);
      /* Translators: the program that delivers (e.g. "halyard-cli serve"), its process id and
       * host; it was started without --listen */
      return g_strdup_printf (_ ("Not accepting alerts: %s (process %s on %s) delivers without "
                                 "listening; start it with --listen ADDR:PORT"),
                              holder->command, pid, holder->host);
    }
  listen = hy_store_intake_get_listen (get_store (self), NULL);
  if (listen == NULL)
    return g_strdup (_ ("Not accepting alerts: set the listen address below, such as "
                        "127.0.0.1:8642"));
  /* Translators: the intake's address is set, but this window does not deliver (yet): the
   * integration's service starts it; %s is the address */
  return g_strdup_printf (_ ("%s, once Halyard delivers"), listen);
}

static char *
snippet_text (HyAlertSourcesGroup *self)
{
  g_autofree char *address = intake_address (self);

  return g_strdup_printf ("receivers:\n"
                          "  - name: halyard\n"
                          "    webhook_configs:\n"
                          "      - url: %s/api/v1/alerts/alertmanager\n"
                          "        send_resolved: true\n"
                          "        http_config:\n"
                          "          authorization:\n"
                          "            type: Bearer\n"
                          "            credentials: %s\n",
                          address, self->token != NULL ? self->token : "TOKEN");
}

static void
copy_text (HyAlertSourcesGroup *self, const char *text, const char *toast)
{
  gdk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (self)), text);
  hy_toasts_show (GTK_WIDGET (self), toast);
}

static void
set_token (HyAlertSourcesGroup *self, char *token)
{
  hy_credentials_secret_free (self->token);
  self->token = token;
}

static void
update_token (HyAlertSourcesGroup *self)
{
  g_autofree char *snippet = NULL;

  if (self->token != NULL)
    /* Translators: the token row when a token exists; it is not shown, only copied */
    adw_action_row_set_subtitle (self->token_row,
                                 _ ("Kept in the keyring; copy it for the senders"));
  else if (self->token_missing)
    adw_action_row_set_subtitle (self->token_row,
                                 _ ("None yet: create one with the button beside"));
  else
    adw_action_row_set_subtitle (self->token_row, "");
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "alert-sources.copy-token",
                                 self->token != NULL);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->rotate_button), self->token_missing
                                                                     ? _ ("Create a Token")
                                                                     : _ ("Replace the Token"));
  snippet = snippet_text (self);
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->snippet_view), snippet, -1);
}

/* The listen row shows the address set, unless the technician is typing another. */
static void
update_listen (HyAlertSourcesGroup *self)
{
  g_autofree char *listen = NULL;

  gtk_widget_set_sensitive (GTK_WIDGET (self->listen_row), get_store (self) != NULL);
  if (get_store (self) == NULL || gtk_widget_has_focus (GTK_WIDGET (self->listen_row)) ||
      gtk_widget_get_focus_child (GTK_WIDGET (self->listen_row)) != NULL)
    return;
  listen = hy_store_intake_get_listen (get_store (self), NULL);
  gtk_editable_set_text (GTK_EDITABLE (self->listen_row), listen != NULL ? listen : "");
}

static void
clear_unrouted_rows (HyAlertSourcesGroup *self)
{
  for (guint i = 0; i < self->unrouted_rows->len; i++)
    adw_preferences_group_remove (ADW_PREFERENCES_GROUP (self),
                                  g_ptr_array_index (self->unrouted_rows, i));
  g_ptr_array_set_size (self->unrouted_rows, 0);
}

static GtkWidget *
unrouted_row (const HyIntakeWaiting *w)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *button;

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  /* Translators: an unrouted alert's row title: its summary */
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), w->summary);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), w->reason);
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 0);
  adw_action_row_set_icon_name (ADW_ACTION_ROW (row), "dialog-warning-symbolic");
  if (w->matched)
    {
      /* Its computer and policy are known; the policy needs its route. */
      button = gtk_button_new_with_mnemonic (_ ("_Map the Policy"));
      gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "win.show-view");
      gtk_actionable_set_action_target (GTK_ACTIONABLE (button), "s", "mapping");
      gtk_widget_set_tooltip_text (button, _ ("Route the policy to a Halo ticket type in "
                                              "Mapping"));
    }
  else
    {
      /* Its labels name no computer or policy: the inventory lacks them. */
      button = gtk_button_new_with_mnemonic (_ ("_Import…"));
      gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "win.import");
      gtk_widget_set_tooltip_text (button, _ ("Import the computer or policy the alert names: "
                                              "it is raised as soon as they exist"));
    }
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
  return row;
}

static void
refresh (HyAlertSourcesGroup *self)
{
  g_autoptr (HyIntakeInfo) info = NULL;
  g_autoptr (GPtrArray) unrouted = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *today = g_date_time_format (now, "%Y-%m-%d");
  g_autofree char *received = NULL;
  HyStore *store;
  guint count;

  {
    g_autofree char *text = describe_address (self);

    adw_action_row_set_subtitle (self->address_row, text);
  }
  update_listen (self);
  update_token (self);
  clear_unrouted_rows (self);
  if (self->session == NULL)
    return;
  store = hy_session_get_store (self->session);

  info = hy_store_intake_get (store, &error);
  unrouted = info != NULL ? hy_store_intake_list_unrouted (store, 0, &error) : NULL;
  if (unrouted == NULL)
    {
      adw_action_row_set_subtitle (self->received_row, error->message);
      return;
    }
  count = g_strcmp0 (info->day, today) == 0 ? info->day_count : 0;
  received =
      g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%'u alert", "%'u alerts", count), count);
  adw_action_row_set_subtitle (self->received_row, received);
  if (info->last_alert != NULL)
    {
      g_autoptr (GDateTime) when = g_date_time_new_from_unix_local (info->last_time);
      g_autofree char *time = g_date_time_format (when, "%x %X");
      /* Translators: the last alert received: its summary and when */
      g_autofree char *text = g_strdup_printf (_ ("%s, at %s"), info->last_summary, time);
      adw_action_row_set_subtitle (self->last_row, text);
    }
  else
    adw_action_row_set_subtitle (self->last_row, _ ("None yet"));

  for (guint i = 0; i < unrouted->len && i < MAX_UNROUTED_ROWS; i++)
    {
      GtkWidget *row = unrouted_row (g_ptr_array_index (unrouted, i));

      adw_preferences_group_add (ADW_PREFERENCES_GROUP (self), row);
      g_ptr_array_add (self->unrouted_rows, row);
    }
  if (unrouted->len > MAX_UNROUTED_ROWS)
    {
      GtkWidget *row = adw_action_row_new ();
      g_autofree char *text =
          g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                        "%'u more unrouted alert: halyard-cli status lists it",
                                        "%'u more unrouted alerts: halyard-cli status lists them",
                                        unrouted->len - MAX_UNROUTED_ROWS),
                           unrouted->len - MAX_UNROUTED_ROWS);

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), text);
      adw_preferences_group_add (ADW_PREFERENCES_GROUP (self), row);
      g_ptr_array_add (self->unrouted_rows, row);
    }
}

/* ------------------------------------------------------------------------- */
/* Callbacks                                                                 */
/* ------------------------------------------------------------------------- */

static void
store_changed_cb (HyStore *store, guint changes, gpointer user_data)
{
  if (changes & (HY_STORE_CHANGED_ALERTS | HY_STORE_CHANGED_SETTINGS | HY_STORE_CHANGED_INVENTORY |
                 HY_STORE_CHANGED_MAPPINGS))
    refresh (HY_ALERT_SOURCES_GROUP (user_data));
}

static void
service_changed_cb (HyService *service, gpointer user_data)
{
  HyAlertSourcesGroup *self = user_data;

  /* The intake this window's service runs (or none). */
  hy_alert_sources_group_set_server (self, hy_service_get_intake (service));
  refresh (self);
}

/* A new address: checked, then set for the deliverer, which starts listening there (or stops,
 * when emptied). A bad one is refused with the reason and changes nothing. */
static void
listen_applied_cb (AdwEntryRow *row, gpointer user_data)
{
  HyAlertSourcesGroup *self = user_data;
  g_autofree char *text = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (row))));
  g_autoptr (GError) error = NULL;

  if (get_store (self) == NULL)
    return;
  if (*text != '\0' && !hy_intake_check_address (text, &error))
    {
      hy_toasts_show (GTK_WIDGET (self), error->message);
      return;
    }
  if (!hy_store_intake_set_listen (get_store (self), text, &error))
    {
      hy_toasts_show (GTK_WIDGET (self), error->message);
      return;
    }
  gtk_widget_grab_focus (GTK_WIDGET (self->address_row));
  refresh (self);
}

static void
token_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (HyAlertSourcesGroup) self = user_data;
  g_autoptr (GError) error = NULL;
  char *token = hy_intake_token_get_finish (result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "alert-sources.rotate", TRUE);
  if (token == NULL)
    {
      self->token_missing =
          g_error_matches (error, HY_CREDENTIALS_ERROR, HY_CREDENTIALS_ERROR_NOT_FOUND);
      set_token (self, NULL);
      update_token (self);
      if (!self->token_missing)
        adw_action_row_set_subtitle (self->token_row, error->message);
      return;
    }
  if (self->rotating && self->session != NULL &&
      !hy_store_intake_note_token_rotated (hy_session_get_store (self->session), &error))
    g_warning ("%s", error->message);
  self->rotating = FALSE;
  self->token_missing = FALSE;
  set_token (self, token);
  if (self->server != NULL)
    hy_intake_server_set_token (self->server, token);
  update_token (self);
}

static void
load_token (HyAlertSourcesGroup *self, gboolean create, gboolean rotate)
{
  if (self->session == NULL)
    return;
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "alert-sources.rotate", FALSE);
  self->rotating = rotate;
  hy_intake_token_get_async (hy_session_get_data_dir (self->session), create, rotate,
                             self->cancellable, token_cb, g_object_ref (self));
}

static void
hy_alert_sources_group_copy_address_action (GtkWidget *widget,
                                            const char *action_name,
                                            GVariant *parameter)
{
  HyAlertSourcesGroup *self = HY_ALERT_SOURCES_GROUP (widget);

  g_autofree char *address = intake_address (self);

  copy_text (self, address, _ ("Address copied"));
}

static void
hy_alert_sources_group_copy_token_action (GtkWidget *widget,
                                          const char *action_name,
                                          GVariant *parameter)
{
  HyAlertSourcesGroup *self = HY_ALERT_SOURCES_GROUP (widget);

  if (self->token != NULL)
    copy_text (self, self->token, _ ("Token copied"));
}

static void
hy_alert_sources_group_copy_snippet_action (GtkWidget *widget,
                                            const char *action_name,
                                            GVariant *parameter)
{
  HyAlertSourcesGroup *self = HY_ALERT_SOURCES_GROUP (widget);

  g_autofree char *snippet = snippet_text (self);

  copy_text (self, snippet, _ ("Alertmanager configuration copied"));
}

static void
hy_alert_sources_group_rotate_action (GtkWidget *widget,
                                      const char *action_name,
                                      GVariant *parameter)
{
  HyAlertSourcesGroup *self = HY_ALERT_SOURCES_GROUP (widget);

  /* No token yet: make one; else replace it (senders then need the new one). */
  load_token (self, TRUE, !self->token_missing);
  if (!self->token_missing)
    hy_toasts_show (GTK_WIDGET (self), _ ("Token replaced: give the senders the new one"));
}

/* ------------------------------------------------------------------------- */
/* GObject                                                                   */
/* ------------------------------------------------------------------------- */

static void
disconnect_store (HyAlertSourcesGroup *self)
{
  if (self->session != NULL && self->changed_id != 0)
    g_clear_signal_handler (&self->changed_id, hy_session_get_store (self->session));
  if (self->service != NULL && self->service_changed_id != 0)
    g_clear_signal_handler (&self->service_changed_id, self->service);
  self->service = NULL;
}

static void
hy_alert_sources_group_dispose (GObject *object)
{
  HyAlertSourcesGroup *self = HY_ALERT_SOURCES_GROUP (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  disconnect_store (self);
  g_clear_object (&self->session);
  g_clear_object (&self->server);
  gtk_widget_dispose_template (GTK_WIDGET (self), HY_TYPE_ALERT_SOURCES_GROUP);
  G_OBJECT_CLASS (hy_alert_sources_group_parent_class)->dispose (object);
}

static void
hy_alert_sources_group_finalize (GObject *object)
{
  HyAlertSourcesGroup *self = HY_ALERT_SOURCES_GROUP (object);

  set_token (self, NULL);
  g_clear_pointer (&self->unrouted_rows, g_ptr_array_unref);
  G_OBJECT_CLASS (hy_alert_sources_group_parent_class)->finalize (object);
}

static void
hy_alert_sources_group_get_property (GObject *object,
                                     guint prop_id,
                                     GValue *value,
                                     GParamSpec *pspec)
{
  HyAlertSourcesGroup *self = HY_ALERT_SOURCES_GROUP (object);

  switch (prop_id)
    {
      case PROP_SESSION:
        g_value_set_object (value, self->session);
        break;
      case PROP_SERVER:
        g_value_set_object (value, self->server);
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hy_alert_sources_group_set_property (GObject *object,
                                     guint prop_id,
                                     const GValue *value,
                                     GParamSpec *pspec)
{
  HyAlertSourcesGroup *self = HY_ALERT_SOURCES_GROUP (object);

  switch (prop_id)
    {
      case PROP_SESSION:
        hy_alert_sources_group_set_session (self, g_value_get_object (value));
        break;
      case PROP_SERVER:
        hy_alert_sources_group_set_server (self, g_value_get_object (value));
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hy_alert_sources_group_class_init (HyAlertSourcesGroupClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = hy_alert_sources_group_dispose;
  object_class->finalize = hy_alert_sources_group_finalize;
  object_class->get_property = hy_alert_sources_group_get_property;
  object_class->set_property = hy_alert_sources_group_set_property;

  properties[PROP_SESSION] =
      g_param_spec_object ("session", NULL, NULL, HY_TYPE_SESSION,
                           G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_SERVER] =
      g_param_spec_object ("server", NULL, NULL, HY_TYPE_INTAKE_SERVER,
                           G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/halyard/Halyard/"
                                                             "hy-alert-sources-group.ui");
  gtk_widget_class_bind_template_child (widget_class, HyAlertSourcesGroup, address_row);
  gtk_widget_class_bind_template_child (widget_class, HyAlertSourcesGroup, listen_row);
  gtk_widget_class_bind_template_callback (widget_class, listen_applied_cb);
  gtk_widget_class_bind_template_child (widget_class, HyAlertSourcesGroup, token_row);
  gtk_widget_class_bind_template_child (widget_class, HyAlertSourcesGroup, copy_token_button);
  gtk_widget_class_bind_template_child (widget_class, HyAlertSourcesGroup, rotate_button);
  gtk_widget_class_bind_template_child (widget_class, HyAlertSourcesGroup, snippet_row);
  gtk_widget_class_bind_template_child (widget_class, HyAlertSourcesGroup, snippet_view);
  gtk_widget_class_bind_template_child (widget_class, HyAlertSourcesGroup, received_row);
  gtk_widget_class_bind_template_child (widget_class, HyAlertSourcesGroup, last_row);

  gtk_widget_class_install_action (widget_class, "alert-sources.copy-address", NULL,
                                   hy_alert_sources_group_copy_address_action);
  gtk_widget_class_install_action (widget_class, "alert-sources.copy-token", NULL,
                                   hy_alert_sources_group_copy_token_action);
  gtk_widget_class_install_action (widget_class, "alert-sources.copy-snippet", NULL,
                                   hy_alert_sources_group_copy_snippet_action);
  gtk_widget_class_install_action (widget_class, "alert-sources.rotate", NULL,
                                   hy_alert_sources_group_rotate_action);
}

static void
hy_alert_sources_group_init (HyAlertSourcesGroup *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  self->unrouted_rows = g_ptr_array_new ();
  refresh (self);
}

/* ------------------------------------------------------------------------- */
/* Public API                                                                */
/* ------------------------------------------------------------------------- */

GtkWidget *
hy_alert_sources_group_new (void)
{
  return g_object_new (HY_TYPE_ALERT_SOURCES_GROUP, NULL);
}

HySession *
hy_alert_sources_group_get_session (HyAlertSourcesGroup *self)
{
  g_return_val_if_fail (HY_IS_ALERT_SOURCES_GROUP (self), NULL);
  return self->session;
}

void
hy_alert_sources_group_set_session (HyAlertSourcesGroup *self, HySession *session)
{
  g_return_if_fail (HY_IS_ALERT_SOURCES_GROUP (self));
  g_return_if_fail (session == NULL || HY_IS_SESSION (session));

  if (self->session == session)
    return;
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  disconnect_store (self);
  g_set_object (&self->session, session);
  set_token (self, NULL);
  self->token_missing = FALSE;
  if (session != NULL)
    {
      self->changed_id = g_signal_connect (hy_session_get_store (session), "changed",
                                           G_CALLBACK (store_changed_cb), self);
      self->service = hy_service_get (session);
      self->service_changed_id =
          g_signal_connect (self->service, "changed", G_CALLBACK (service_changed_cb), self);
      load_token (self, FALSE, FALSE);
    }
  hy_alert_sources_group_set_server (self, self->service != NULL
                                               ? hy_service_get_intake (self->service)
                                               : NULL);
  refresh (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SESSION]);
}

HyIntakeServer *
hy_alert_sources_group_get_server (HyAlertSourcesGroup *self)
{
  g_return_val_if_fail (HY_IS_ALERT_SOURCES_GROUP (self), NULL);
  return self->server;
}

void
hy_alert_sources_group_set_server (HyAlertSourcesGroup *self, HyIntakeServer *server)
{
  g_return_if_fail (HY_IS_ALERT_SOURCES_GROUP (self));
  g_return_if_fail (server == NULL || HY_IS_INTAKE_SERVER (server));

  if (!g_set_object (&self->server, server))
    return;
  refresh (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SERVER]);
}
