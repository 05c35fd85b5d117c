/* hy-test-ticket-row.c: Setup's "Send a Test Ticket" row: creates a ticket of the first mapped
 * policy's type on the first mapped group's client, shows its number and a link, closes it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "hy-app"

#include "config.h"

#include <glib/gi18n.h>

#include "sync/hy-test-ticket.h"

#include "hy-test-ticket-row.h"

struct _HyTestTicketRow
{
  AdwActionRow parent_instance;

  HySession *session;
  GCancellable *cancellable; /* the send in flight */
  GtkWidget *spinner;
  GtkWidget *link;
  GtkWidget *button;
};

G_DEFINE_FINAL_TYPE (HyTestTicketRow, hy_test_ticket_row, ADW_TYPE_ACTION_ROW)

enum
{
  PROP_0,
  PROP_SESSION,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* ------------------------------------------------------------------------- */
/* Helpers                                                                   */
/* ------------------------------------------------------------------------- */

static void
set_busy (HyTestTicketRow *self, gboolean busy)
{
  gtk_widget_set_visible (self->spinner, busy);
  gtk_spinner_set_spinning (GTK_SPINNER (self->spinner), busy);
  gtk_widget_set_sensitive (self->button, !busy);
}

static void
show_subtitle (HyTestTicketRow *self, const char *text)
{
  adw_action_row_set_subtitle (ADW_ACTION_ROW (self), text);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, text,
                                  -1);
}

/* ------------------------------------------------------------------------- */
/* Callbacks                                                                 */
/* ------------------------------------------------------------------------- */

static void
sent_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (HyTestTicketRow) self = user_data;
  g_autoptr (HyTestTicket) ticket = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *text = NULL;

  ticket = hy_test_ticket_send_finish (result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  set_busy (self, FALSE);
  if (ticket == NULL)
    {
      gtk_widget_set_visible (self->link, FALSE);
      show_subtitle (self, error->message);
      return;
    }
  gtk_link_button_set_uri (GTK_LINK_BUTTON (self->link), ticket->url);
  /* Translators: a link to the test ticket in Halo; %lld is its number */
  text = g_strdup_printf (_ ("Ticket %lld"), (long long) ticket->ticket_id);
  gtk_button_set_label (GTK_BUTTON (self->link), text);
  gtk_widget_set_visible (self->link, TRUE);
  g_free (text);
  if (ticket->status_id > 0)
    /* Translators: %lld is a Halo ticket number */
    text = g_strdup_printf (_ ("Ticket %lld was created and closed: Halyard can raise tickets."),
                            (long long) ticket->ticket_id);
  else
    /* Translators: %lld is a Halo ticket number, %s Halo's error */
    text = g_strdup_printf (_ ("Ticket %lld was created, but Halo did not close it: %s"),
                            (long long) ticket->ticket_id, ticket->close_error);
  show_subtitle (self, text);
}

static void
client_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (HyTestTicketRow) self = user_data;
  g_autoptr (HyHaloClient) client = NULL;
  g_autoptr (GError) error = NULL;

  client = hy_session_get_client_finish (HY_SESSION (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (client == NULL || self->session == NULL)
    {
      set_busy (self, FALSE);
      show_subtitle (self, error != NULL ? error->message : "");
      return;
    }
  hy_test_ticket_send_async (client, hy_session_get_store (self->session), 0, 0, self->cancellable,
                             sent_cb, g_object_ref (self));
}

static void
send_clicked_cb (HyTestTicketRow *self)
{
  g_autoptr (GError) error = NULL;
  gint64 client_id = 0;
  gint64 type_id = 0;

  if (self->session == NULL || hy_session_get_profile (self->session) == NULL)
    {
      show_subtitle (self, _ ("Save the connection first."));
      return;
    }
  if (!hy_test_ticket_choose (hy_session_get_store (self->session), &client_id, &type_id, &error))
    {
      show_subtitle (self, error->message);
      return;
    }
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  set_busy (self, TRUE);
  gtk_widget_set_visible (self->link, FALSE);
  show_subtitle (self, _ ("Sending a test ticket…"));
  hy_session_get_client_async (self->session, self->cancellable, client_cb, g_object_ref (self));
}

/* ------------------------------------------------------------------------- */
/* Overrides                                                                 */
/* ------------------------------------------------------------------------- */

static void
hy_test_ticket_row_dispose (GObject *object)
{
  HyTestTicketRow *self = HY_TEST_TICKET_ROW (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->session);
  G_OBJECT_CLASS (hy_test_ticket_row_parent_class)->dispose (object);
}

static void
hy_test_ticket_row_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  HyTestTicketRow *self = HY_TEST_TICKET_ROW (object);

  switch (prop_id)
    {
      case PROP_SESSION:
        g_value_set_object (value, self->session);
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hy_test_ticket_row_set_property (GObject *object,
                                 guint prop_id,
                                 const GValue *value,
                                 GParamSpec *pspec)
{
  HyTestTicketRow *self = HY_TEST_TICKET_ROW (object);

  switch (prop_id)
    {
      case PROP_SESSION:
        hy_test_ticket_row_set_session (self, g_value_get_object (value));
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hy_test_ticket_row_class_init (HyTestTicketRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = hy_test_ticket_row_dispose;
  object_class->get_property = hy_test_ticket_row_get_property;
  object_class->set_property = hy_test_ticket_row_set_property;

  properties[PROP_SESSION] =
      g_param_spec_object ("session", NULL, NULL, HY_TYPE_SESSION,
                           G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
hy_test_ticket_row_init (HyTestTicketRow *self)
{
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self), _ ("Send a _Test Ticket"));
  adw_preferences_row_set_use_underline (ADW_PREFERENCES_ROW (self), TRUE);
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (self), 0);
  show_subtitle (self, _ ("Creates a ticket of the first mapped policy’s type on the first mapped "
                          "group’s client, shows its number, and closes it."));

  self->spinner = gtk_spinner_new ();
  gtk_widget_set_visible (self->spinner, FALSE);
  adw_action_row_add_suffix (ADW_ACTION_ROW (self), self->spinner);

  self->link = gtk_link_button_new ("");
  gtk_widget_set_valign (self->link, GTK_ALIGN_CENTER);
  gtk_widget_set_visible (self->link, FALSE);
  gtk_widget_set_tooltip_text (self->link, _ ("Open the test ticket in Halo"));
  adw_action_row_add_suffix (ADW_ACTION_ROW (self), self->link);

  self->button = gtk_button_new_with_label (_ ("Send"));
  gtk_widget_set_valign (self->button, GTK_ALIGN_CENTER);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->button), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _ ("Send a test ticket"), -1);
  g_signal_connect_swapped (self->button, "clicked", G_CALLBACK (send_clicked_cb), self);
  adw_action_row_add_suffix (ADW_ACTION_ROW (self), self->button);
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (self), self->button);
}

/* ------------------------------------------------------------------------- */
/* Public API                                                                */
/* ------------------------------------------------------------------------- */

GtkWidget *
hy_test_ticket_row_new (void)
{
  return g_object_new (HY_TYPE_TEST_TICKET_ROW, NULL);
}

HySession *
hy_test_ticket_row_get_session (HyTestTicketRow *self)
{
  g_return_val_if_fail (HY_IS_TEST_TICKET_ROW (self), NULL);
  return self->session;
}

void
hy_test_ticket_row_set_session (HyTestTicketRow *self, HySession *session)
{
  g_return_if_fail (HY_IS_TEST_TICKET_ROW (self));

  if (!g_set_object (&self->session, session))
    return;
  g_cancellable_cancel (self->cancellable);
  set_busy (self, FALSE);
  gtk_widget_set_visible (self->link, FALSE);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SESSION]);
}
