/* hy-policy-defaults-dialog.c: a mapped policy's ticket defaults, chosen from Halo's lists
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "hy-app"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "linker/hy-linker-defaults.h"
#include "linker/hy-linker-user.h"
#include "store/hy-store-lifecycle.h"

#include "hy-error-label.h"
#include "hy-policy-defaults-dialog.h"

struct _HyPolicyDefaultsDialog
{
  AdwWindow parent_instance;

  HySession *session;
  HyStore *store;
  HyPolicyDefaults *defaults;
  GCancellable *cancellable; /* the users' read from Halo; cancelled on close */
  GArray *priority_ids;      /* gint64, index 0: none */
  GArray *agent_ids;
  GPtrArray *team_names;   /* index 0: NULL */
  GPtrArray *severities;   /* Severity, in the order shown */
  GArray *user_client_ids; /* gint64, index 0: none */
  GPtrArray *users;        /* HyHaloRecord of the chosen client's users; NULL: not read */

  AdwComboRow *priority_row;
  AdwComboRow *team_row;
  AdwComboRow *agent_row;
  AdwEntryRow *category_row;
  GtkSpinButton *flap_spin;
  AdwPreferencesGroup *severity_group;
  AdwEntryRow *new_severity_row;
  AdwComboRow *user_client_row;
  AdwComboRow *user_row;
  GtkLabel *error_label;
};

/* A row of the severity → priority table. */
typedef struct
{
  char *severity; /* lower case */
  AdwComboRow *row;
} Severity;

G_DEFINE_FINAL_TYPE (HyPolicyDefaultsDialog, hy_policy_defaults_dialog, ADW_TYPE_WINDOW)

/* ------------------------------------------------------------------------- */
/* Helpers                                                                   */
/* ------------------------------------------------------------------------- */

/* A combo row of "none" and Halo's records of @kind; selects @selected_id (or @selected_name). */
static AdwComboRow *
make_combo (HyPolicyDefaultsDialog *self,
            HyCacheKind kind,
            const char *title,
            const char *none,
            gint64 selected_id,
            const char *selected_name,
            GArray *ids,
            GPtrArray *names)
{
  AdwComboRow *row = ADW_COMBO_ROW (adw_combo_row_new ());
  g_autoptr (GtkStringList) list = gtk_string_list_new (NULL);
  g_autoptr (GPtrArray) records = hy_store_cache_list (self->store, kind, NULL, NULL);
  guint selected = 0;
  gint64 zero = 0;

  gtk_string_list_append (list, none);
  if (ids != NULL)
    g_array_append_val (ids, zero);
  if (names != NULL)
    g_ptr_array_add (names, NULL);
  for (guint i = 0; records != NULL && i < records->len; i++)
    {
      HyCacheRecord *r = g_ptr_array_index (records, i);

      if (kind == HY_CACHE_KIND_AGENT && (r->is_api_agent || r->inactive) && r->id != selected_id)
        continue; /* Halo assigns no ticket to API-only or disabled agents */
      if (kind == HY_CACHE_KIND_TEAM && r->inactive && g_strcmp0 (r->name, selected_name) != 0)
        continue;
      gtk_string_list_append (list, r->name);
      if (ids != NULL)
        g_array_append_val (ids, r->id);
      if (names != NULL)
        g_ptr_array_add (names, g_strdup (r->name));
      if ((selected_id > 0 && r->id == selected_id) ||
          (selected_name != NULL && g_strcmp0 (r->name, selected_name) == 0))
        selected = g_list_model_get_n_items (G_LIST_MODEL (list)) - 1;
    }
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_preferences_row_set_use_underline (ADW_PREFERENCES_ROW (row), TRUE);
  adw_combo_row_set_model (row, G_LIST_MODEL (list));
  adw_combo_row_set_selected (row, selected);
  return row;
}

static void
show_error (HyPolicyDefaultsDialog *self, const char *message)
{
  hy_error_label_show (self->error_label, message);
}

static void
severity_free (Severity *severity)
{
  g_free (severity->severity);
  g_free (severity);
}

static void severity_remove_clicked_cb (GtkButton *button, HyPolicyDefaultsDialog *self);

/* Adds a row of the severity table, before the row that adds one. */
static void
add_severity (HyPolicyDefaultsDialog *self, const char *severity, gint64 priority_id)
{
  Severity *entry = g_new0 (Severity, 1);
  GtkWidget *remove = gtk_button_new_from_icon_name ("user-trash-symbolic");
  g_autoptr (GtkStringList) list = gtk_string_list_new (NULL);
  guint selected = 0;

  entry->severity = g_utf8_strdown (severity, -1);
  entry->row = ADW_COMBO_ROW (adw_combo_row_new ());
  /* Halo's priorities, in the order of the priority row (without its "none"). */
  for (guint i = 1; i < self->priority_ids->len; i++)
    {
      g_autofree char *name = NULL;
      g_autoptr (GObject) item =
          g_list_model_get_item (adw_combo_row_get_model (self->priority_row), i);

      gtk_string_list_append (list, gtk_string_object_get_string (GTK_STRING_OBJECT (item)));
      if (g_array_index (self->priority_ids, gint64, i) == priority_id)
        selected = i - 1;
    }
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (entry->row), entry->severity);
  adw_combo_row_set_model (entry->row, G_LIST_MODEL (list));
  adw_combo_row_set_selected (entry->row, selected);

  gtk_widget_set_valign (remove, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (remove, "flat");
  /* Translators: the tooltip of a severity's remove button in the ticket defaults dialog */
  gtk_widget_set_tooltip_text (remove, _ ("Remove this severity"));
  g_object_set_data (G_OBJECT (remove), "severity", entry);
  g_signal_connect (remove, "clicked", G_CALLBACK (severity_remove_clicked_cb), self);
  adw_action_row_add_suffix (ADW_ACTION_ROW (entry->row), remove);

  g_ptr_array_add (self->severities, entry);
  /* The rows in order, the entry row that adds one last. */
  g_object_ref (self->new_severity_row);
  adw_preferences_group_remove (self->severity_group, GTK_WIDGET (self->new_severity_row));
  adw_preferences_group_add (self->severity_group, GTK_WIDGET (entry->row));
  adw_preferences_group_add (self->severity_group, GTK_WIDGET (self->new_severity_row));
  g_object_unref (self->new_severity_row);
}

/* "critical=1,warning=3" from the table's rows; NULL when it has none. */
static char *
severity_table (HyPolicyDefaultsDialog *self)
{
  g_autoptr (GString) text = g_string_new (NULL);

  for (guint i = 0; i < self->severities->len; i++)
    {
      Severity *entry = g_ptr_array_index (self->severities, i);
      guint selected = adw_combo_row_get_selected (entry->row);

      if (selected == GTK_INVALID_LIST_POSITION || selected + 1 >= self->priority_ids->len)
        continue;
      if (text->len > 0)
        g_string_append_c (text, ',');
      g_string_append_printf (text, "%s=%" G_GINT64_FORMAT, entry->severity,
                              g_array_index (self->priority_ids, gint64, selected + 1));
    }
  return text->len > 0 ? g_string_free (g_steal_pointer (&text), FALSE) : NULL;
}

/* The end user row: @users (NULL: none read) with @selected_id chosen, and what to say. */
static void
set_users (HyPolicyDefaultsDialog *self, GPtrArray *users, gint64 selected_id, const char *status)
{
  g_autoptr (GtkStringList) list = gtk_string_list_new (NULL);
  guint selected = 0;

  g_clear_pointer (&self->users, g_ptr_array_unref);
  self->users = users != NULL ? g_ptr_array_ref (users) : NULL;
  for (guint i = 0; users != NULL && i < users->len; i++)
    {
      HyHaloRecord *user = g_ptr_array_index (users, i);
      const char *email = hy_halo_record_get_email (user);
      g_autofree char *label = NULL;

      if (email != NULL && *email != '\0')
        /* Translators: a Halo end user in a list: their name, then their e-mail address */
        label = g_strdup_printf (_ ("%s <%s>"), hy_halo_record_get_name (user), email);
      else
        label = g_strdup (hy_halo_record_get_name (user));
      gtk_string_list_append (list, label);
      if (hy_halo_record_get_id (user) == selected_id)
        selected = i;
    }
  adw_combo_row_set_model (self->user_row, G_LIST_MODEL (list));
  if (users != NULL && users->len > 0)
    adw_combo_row_set_selected (self->user_row, selected);
  gtk_widget_set_sensitive (GTK_WIDGET (self->user_row), users != NULL && users->len > 0);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (self->user_row), status != NULL ? status : "");
}

static gint64
chosen_user_client (HyPolicyDefaultsDialog *self)
{
  guint selected = adw_combo_row_get_selected (self->user_client_row);

  return selected < self->user_client_ids->len
             ? g_array_index (self->user_client_ids, gint64, selected)
             : 0;
}

/* ------------------------------------------------------------------------- */
/* Callbacks                                                                 */
/* ------------------------------------------------------------------------- */

static void
save_clicked_cb (HyPolicyDefaultsDialog *self)
{
  if (hy_policy_defaults_dialog_save (self))
    gtk_window_close (GTK_WINDOW (self));
}

static void
severity_remove_clicked_cb (GtkButton *button, HyPolicyDefaultsDialog *self)
{
  Severity *entry = g_object_get_data (G_OBJECT (button), "severity");

  adw_preferences_group_remove (self->severity_group, GTK_WIDGET (entry->row));
  g_ptr_array_remove (self->severities, entry);
}

static void
new_severity_applied_cb (AdwEntryRow *row, HyPolicyDefaultsDialog *self)
{
  g_autofree char *text = g_strdup (gtk_editable_get_text (GTK_EDITABLE (row)));
  g_autofree char *severity = NULL;
  guint priority = adw_combo_row_get_selected (self->priority_row);

  severity = g_utf8_strdown (g_strstrip (text), -1);
  if (*severity == '\0')
    return;
  if (strpbrk (severity, "=,") != NULL)
    {
      show_error (self, _ ("A severity is a word such as critical or warning, without “=” or "
                           "“,”."));
      return;
    }
  for (guint i = 0; i < self->severities->len; i++)
    if (g_strcmp0 (((Severity *) g_ptr_array_index (self->severities, i))->severity, severity) == 0)
      {
        /* Translators: %s is an alert severity such as critical */
        g_autofree char *message =
            g_strdup_printf (_ ("The severity “%s” is in the table already."), severity);
        show_error (self, message);
        return;
      }
  if (self->priority_ids->len < 2)
    {
      show_error (self, _ ("Halyard knows no Halo priorities yet. Refresh the Halo records "
                           "first (halyard-cli refresh, or Refresh from Halo in Mapping)."));
      return;
    }
  show_error (self, NULL);
  /* It starts with the priority chosen above (else Halo's first). */
  add_severity (self, severity,
                priority > 0 && priority < self->priority_ids->len
                    ? g_array_index (self->priority_ids, gint64, priority)
                    : g_array_index (self->priority_ids, gint64, 1));
  gtk_editable_set_text (GTK_EDITABLE (row), "");
}

/* One read of a client's users; a newer one (or the dialog closing) cancels it. */
typedef struct
{
  HyPolicyDefaultsDialog *self;
  GCancellable *cancellable;
} UsersRead;

static void
users_read_free (UsersRead *read)
{
  g_object_unref (read->self);
  g_object_unref (read->cancellable);
  g_free (read);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (UsersRead, users_read_free)

static void
users_listed_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (UsersRead) read = user_data;
  g_autoptr (GPtrArray) users = NULL;
  g_autoptr (GError) error = NULL;

  users = hy_linker_list_policy_users_finish (result, &error);
  if (g_cancellable_is_cancelled (read->cancellable))
    return;
  if (users == NULL)
    set_users (read->self, NULL, 0, error->message);
  else if (users->len == 0)
    set_users (read->self, users, 0,
               _ ("Halo has no active user with a site for this client: add one in Halo "
                  "(Customers > Users)."));
  else
    set_users (read->self, users, read->self->defaults->user_id, NULL);
}

static void
halo_client_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (UsersRead) read = user_data;
  g_autoptr (HyHaloClient) client = NULL;
  g_autoptr (GError) error = NULL;
  GCancellable *cancellable;
  gint64 client_id;

  client = hy_session_get_client_finish (HY_SESSION (source), result, &error);
  if (g_cancellable_is_cancelled (read->cancellable))
    return;
  if (client == NULL)
    {
      set_users (read->self, NULL, 0, error->message);
      return;
    }
  client_id = chosen_user_client (read->self);
  cancellable = read->cancellable;
  hy_linker_list_policy_users_async (client, client_id, cancellable, users_listed_cb,
                                     g_steal_pointer (&read));
}

/* Another client chosen for the end user: its users are read from Halo. */
static void
user_client_selected_cb (HyPolicyDefaultsDialog *self)
{
  UsersRead *read;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  if (chosen_user_client (self) <= 0)
    {
      set_users (self, NULL, 0, NULL);
      return;
    }
  self->cancellable = g_cancellable_new ();
  read = g_new0 (UsersRead, 1);
  read->self = g_object_ref (self);
  read->cancellable = g_object_ref (self->cancellable);
  /* Translators: shown while the chosen client's users are read from Halo */
  set_users (self, NULL, 0, _ ("Reading the users from Halo…"));
  hy_session_get_client_async (self->session, self->cancellable, halo_client_cb, read);
}

/* ------------------------------------------------------------------------- */
/* Overrides                                                                 */
/* ------------------------------------------------------------------------- */

static void
hy_policy_defaults_dialog_dispose (GObject *object)
{
  HyPolicyDefaultsDialog *self = HY_POLICY_DEFAULTS_DIALOG (object);

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->session);
  g_clear_object (&self->store);
  g_clear_pointer (&self->defaults, hy_policy_defaults_free);
  g_clear_pointer (&self->severities, g_ptr_array_unref);
  g_clear_pointer (&self->user_client_ids, g_array_unref);
  g_clear_pointer (&self->users, g_ptr_array_unref);
  g_clear_pointer (&self->priority_ids, g_array_unref);
  g_clear_pointer (&self->agent_ids, g_array_unref);
  g_clear_pointer (&self->team_names, g_ptr_array_unref);
  G_OBJECT_CLASS (hy_policy_defaults_dialog_parent_class)->dispose (object);
}

static void
hy_policy_defaults_dialog_class_init (HyPolicyDefaultsDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = hy_policy_defaults_dialog_dispose;
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
hy_policy_defaults_dialog_init (HyPolicyDefaultsDialog *self)
{
  self->priority_ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  self->agent_ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  self->team_names = g_ptr_array_new_with_free_func (g_free);
  self->severities = g_ptr_array_new_with_free_func ((GDestroyNotify) severity_free);
  self->user_client_ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  gtk_window_set_modal (GTK_WINDOW (self), TRUE);
  gtk_window_set_default_size (GTK_WINDOW (self), 480, -1);
}

/* ------------------------------------------------------------------------- */
/* Public API                                                                */
/* ------------------------------------------------------------------------- */

/* Priority, team, agent, category and the reopen window. */
static GtkWidget *
build_defaults_group (HyPolicyDefaultsDialog *self)
{
  GtkWidget *group = adw_preferences_group_new ();
  GtkWidget *flap_row = adw_action_row_new ();

  adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (group),
                                         _ ("What the tickets of this policy’s alerts get in Halo, "
                                            "from Halo’s own lists."));
  self->priority_row =
      make_combo (self, HY_CACHE_KIND_PRIORITY, _ ("_Priority"), _ ("Halo’s default"),
                  self->defaults->priority_id, NULL, self->priority_ids, NULL);
  self->team_row = make_combo (self, HY_CACHE_KIND_TEAM, _ ("_Team"), _ ("None"), 0,
                               self->defaults->team, NULL, self->team_names);
  self->agent_row = make_combo (self, HY_CACHE_KIND_AGENT, _ ("_Agent"), _ ("None"),
                                self->defaults->agent_id, NULL, self->agent_ids, NULL);
  self->category_row = ADW_ENTRY_ROW (adw_entry_row_new ());
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->category_row), _ ("Cate_gory"));
  adw_preferences_row_set_use_underline (ADW_PREFERENCES_ROW (self->category_row), TRUE);
  gtk_editable_set_text (GTK_EDITABLE (self->category_row),
                         self->defaults->category != NULL ? self->defaults->category : "");

  self->flap_spin = GTK_SPIN_BUTTON (gtk_spin_button_new_with_range (0, 7 * 24 * 60, 5));
  gtk_spin_button_set_value (self->flap_spin, hy_policy_defaults_get_flap_minutes (self->defaults));
  gtk_widget_set_valign (GTK_WIDGET (self->flap_spin), GTK_ALIGN_CENTER);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (flap_row), _ ("_Reopen Within (minutes)"));
  adw_preferences_row_set_use_underline (ADW_PREFERENCES_ROW (flap_row), TRUE);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (flap_row),
                               _ ("An alert raised again this soon after Halyard closed its "
                                  "ticket reopens it; later, it opens a new ticket."));
  adw_action_row_add_suffix (ADW_ACTION_ROW (flap_row), GTK_WIDGET (self->flap_spin));
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (flap_row), GTK_WIDGET (self->flap_spin));

  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), GTK_WIDGET (self->priority_row));
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), GTK_WIDGET (self->team_row));
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), GTK_WIDGET (self->agent_row));
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), GTK_WIDGET (self->category_row));
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), flap_row);
  return group;
}

/* The severity → priority table, one row per severity, and a row to add one. */
static GtkWidget *
build_severity_group (HyPolicyDefaultsDialog *self)
{
  g_autoptr (GHashTable) table = NULL;

  self->severity_group = ADW_PREFERENCES_GROUP (adw_preferences_group_new ());
  adw_preferences_group_set_title (self->severity_group, _ ("Priority by Severity"));
  adw_preferences_group_set_description (
      self->severity_group, _ ("An alert whose severity is listed here gets that priority; the "
                               "others get the priority above."));
  self->new_severity_row = ADW_ENTRY_ROW (adw_entry_row_new ());
  /* Translators: an entry row that adds a severity (critical, warning…) to the table */
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->new_severity_row),
                                 _ ("Add a _Severity"));
  adw_preferences_row_set_use_underline (ADW_PREFERENCES_ROW (self->new_severity_row), TRUE);
  adw_entry_row_set_show_apply_button (self->new_severity_row, TRUE);
  g_signal_connect (self->new_severity_row, "apply", G_CALLBACK (new_severity_applied_cb), self);
  adw_preferences_group_add (self->severity_group, GTK_WIDGET (self->new_severity_row));
  table = hy_policy_defaults_parse_severities (self->defaults->severity_priorities);
  if (table != NULL)
    {
      g_autoptr (GList) keys = g_list_sort (g_hash_table_get_keys (table), (GCompareFunc) strcmp);

      for (GList *l = keys; l != NULL; l = l->next)
        add_severity (self, l->data,
                      (gint64) GPOINTER_TO_SIZE (g_hash_table_lookup (table, l->data)));
    }
  return GTK_WIDGET (self->severity_group);
}

/* The clients to choose the end user's from: "None", the clients Halyard raises tickets on, and
 * the saved user's client when it is none of them. Returns the position of the saved one. */
static guint
fill_user_clients (HyPolicyDefaultsDialog *self, GtkStringList *clients)
{
  g_autoptr (GPtrArray) ticket_clients = hy_linker_list_ticket_clients (self->store, NULL);
  guint saved = 0;
  gint64 none = 0;

  gtk_string_list_append (clients, _ ("None"));
  g_array_append_val (self->user_client_ids, none);
  for (guint i = 0; ticket_clients != NULL && i < ticket_clients->len; i++)
    {
      HyCacheRecord *client = g_ptr_array_index (ticket_clients, i);

      gtk_string_list_append (clients, client->name);
      g_array_append_val (self->user_client_ids, client->id);
      if (self->defaults->user_id > 0 && client->id == self->defaults->user_client_id)
        saved = self->user_client_ids->len - 1;
    }
  if (self->defaults->user_id > 0 && saved == 0)
    {
      /* A client Halyard no longer raises tickets on: still shown, to be changed. */
      g_autofree char *name = NULL;
      g_autoptr (HyCacheRecord) cached = hy_store_cache_get (self->store, HY_CACHE_KIND_CLIENT,
                                                             self->defaults->user_client_id, NULL);

      if (cached != NULL)
        name = g_strdup (cached->name);
      else
        /* Translators: a Halo client Halyard does not know by name; %lld is its id */
        name = g_strdup_printf (_ ("Halo client %lld"), (long long) self->defaults->user_client_id);
      gtk_string_list_append (clients, name);
      g_array_append_val (self->user_client_ids, self->defaults->user_client_id);
      saved = self->user_client_ids->len - 1;
    }
  return saved;
}

/* The end user: a client Halyard raises tickets on, then one of its users read from Halo. */
static GtkWidget *
build_user_group (HyPolicyDefaultsDialog *self)
{
  GtkWidget *group = adw_preferences_group_new ();
  g_autoptr (GtkStringList) clients = gtk_string_list_new (NULL);
  guint saved = fill_user_clients (self, clients);

  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), _ ("Raise As"));
  adw_preferences_group_set_description (
      ADW_PREFERENCES_GROUP (group),
      _ ("Halo raises a ticket as a user of the ticket’s client. The tickets of the client "
         "chosen here are raised as this user, at the user’s site; other clients’ tickets keep "
         "Halo’s default."));
  self->user_client_row = ADW_COMBO_ROW (adw_combo_row_new ());
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->user_client_row), _ ("C_lient"));
  adw_preferences_row_set_use_underline (ADW_PREFERENCES_ROW (self->user_client_row), TRUE);
  adw_combo_row_set_model (self->user_client_row, G_LIST_MODEL (clients));
  adw_combo_row_set_selected (self->user_client_row, saved);
  self->user_row = ADW_COMBO_ROW (adw_combo_row_new ());
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->user_row), _ ("_User"));
  adw_preferences_row_set_use_underline (ADW_PREFERENCES_ROW (self->user_row), TRUE);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), GTK_WIDGET (self->user_client_row));
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), GTK_WIDGET (self->user_row));
  user_client_selected_cb (self);
  g_signal_connect_swapped (self->user_client_row, "notify::selected",
                            G_CALLBACK (user_client_selected_cb), self);
  return group;
}

HyPolicyDefaultsDialog *
hy_policy_defaults_dialog_new (GtkWindow *parent,
                               HySession *session,
                               const char *policy_id,
                               const char *policy_name)
{
  HyPolicyDefaultsDialog *self = g_object_new (HY_TYPE_POLICY_DEFAULTS_DIALOG, NULL);
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *header = adw_header_bar_new ();
  GtkWidget *save = gtk_button_new_with_mnemonic (_ ("_Save"));
  GtkWidget *cancel = gtk_button_new_with_mnemonic (_ ("_Cancel"));
  GtkWidget *page = adw_preferences_page_new ();
  g_autofree char *title = NULL;

  self->session = g_object_ref (session);
  self->store = g_object_ref (hy_session_get_store (session));
  self->defaults = hy_store_get_policy_defaults (self->store, policy_id, NULL);
  if (self->defaults == NULL)
    self->defaults = hy_policy_defaults_new (policy_id);

  /* Translators: the title of the ticket defaults dialog; %s is a monitor policy's name */
  title = g_strdup_printf (_ ("Ticket Defaults of “%s”"), policy_name);
  gtk_window_set_title (GTK_WINDOW (self), title);
  if (parent != NULL)
    gtk_window_set_transient_for (GTK_WINDOW (self), parent);

  gtk_widget_add_css_class (save, "suggested-action");
  g_signal_connect_swapped (save, "clicked", G_CALLBACK (save_clicked_cb), self);
  g_signal_connect_swapped (cancel, "clicked", G_CALLBACK (gtk_window_close), self);
  adw_header_bar_pack_start (ADW_HEADER_BAR (header), cancel);
  adw_header_bar_pack_end (ADW_HEADER_BAR (header), save);
  adw_header_bar_set_show_end_title_buttons (ADW_HEADER_BAR (header), FALSE);
  gtk_box_append (GTK_BOX (box), header);

  adw_preferences_page_add (ADW_PREFERENCES_PAGE (page),
                            ADW_PREFERENCES_GROUP (build_defaults_group (self)));
  adw_preferences_page_add (ADW_PREFERENCES_PAGE (page),
                            ADW_PREFERENCES_GROUP (build_severity_group (self)));
  adw_preferences_page_add (ADW_PREFERENCES_PAGE (page),
                            ADW_PREFERENCES_GROUP (build_user_group (self)));

  self->error_label = hy_error_label_new ();
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->error_label), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _ ("Error"), -1);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->error_label));
  gtk_widget_set_vexpand (page, TRUE);
  gtk_box_append (GTK_BOX (box), page);
  adw_window_set_content (ADW_WINDOW (self), box);
  return self;
}

gboolean
hy_policy_defaults_dialog_save (HyPolicyDefaultsDialog *self)
{
  g_autoptr (GError) error = NULL;
  guint priority;
  guint team;
  guint agent;
  guint user;
  const char *category;

  g_return_val_if_fail (HY_IS_POLICY_DEFAULTS_DIALOG (self), FALSE);

  priority = adw_combo_row_get_selected (self->priority_row);
  team = adw_combo_row_get_selected (self->team_row);
  agent = adw_combo_row_get_selected (self->agent_row);
  user = adw_combo_row_get_selected (self->user_row);
  category = gtk_editable_get_text (GTK_EDITABLE (self->category_row));

  /* The end user comes from the client's users read from Halo. */
  if (chosen_user_client (self) <= 0)
    hy_policy_defaults_set_user (self->defaults, NULL);
  else if (self->users != NULL && user < self->users->len)
    hy_policy_defaults_set_user (self->defaults, g_ptr_array_index (self->users, user));
  else
    {
      show_error (self, self->users == NULL
                            ? _ ("The client’s users are not read from Halo yet: wait for them, "
                                 "or choose None.")
                            : _ ("Choose the user to raise the tickets as, or None."));
      return FALSE;
    }

  self->defaults->priority_id =
      priority < self->priority_ids->len ? g_array_index (self->priority_ids, gint64, priority) : 0;
  g_free (self->defaults->severity_priorities);
  self->defaults->severity_priorities = severity_table (self);
  g_free (self->defaults->team);
  self->defaults->team =
      team < self->team_names->len ? g_strdup (g_ptr_array_index (self->team_names, team)) : NULL;
  self->defaults->agent_id =
      agent < self->agent_ids->len ? g_array_index (self->agent_ids, gint64, agent) : 0;
  g_free (self->defaults->category);
  self->defaults->category = *category != '\0' ? g_strdup (category) : NULL;
  self->defaults->flap_minutes = gtk_spin_button_get_value_as_int (self->flap_spin);

  if (!hy_linker_set_policy_defaults (self->store, self->defaults, &error))
    {
      show_error (self, error->message);
      return FALSE;
    }
  show_error (self, NULL);
  return TRUE;
}

/* For tests: whether the chosen client's users were read from Halo, and how many there are. */
guint
hy_policy_defaults_dialog_get_n_users (HyPolicyDefaultsDialog *self)
{
  g_return_val_if_fail (HY_IS_POLICY_DEFAULTS_DIALOG (self), 0);
  return self->users != NULL ? self->users->len : 0;
}
