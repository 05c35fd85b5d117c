/* test-alert-sources.c: Setup's Alert Sources group: the address, the token (created in the
 * keyring, copied, replaced), the Alertmanager snippet with it, what was received, and the
 * unrouted alerts with their reason and the action that routes each, updated when the store
 * changes.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "hy-alert-sources-group.h"
#include "hy-test.h"
#include "hy-ui-test.h"
#include "store/hy-store-intake.h"
#include "store/hy-store-service.h"

typedef struct
{
  char *dir;
  HySession *session;
  GtkWindow *window;
  HyAlertSourcesGroup *group;
} Fixture;

static gboolean
tick_cb (gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
  return G_SOURCE_REMOVE;
}

#define WAIT_UNTIL(condition)                                         \
  G_STMT_START                                                        \
  {                                                                   \
    gint64 deadline_ = g_get_monotonic_time () + 20 * G_USEC_PER_SEC; \
    while (!(condition))                                              \
      {                                                               \
        gboolean ticked_ = FALSE;                                     \
        if (g_get_monotonic_time () > deadline_)                      \
          g_error ("Timed out waiting for %s", #condition);           \
        g_timeout_add (20, tick_cb, &ticked_);                        \
        while (!ticked_)                                              \
          g_main_context_iteration (NULL, TRUE);                      \
      }                                                               \
  }                                                                   \
  G_STMT_END

/* Every AdwActionRow in @widget, depth first. */
static void
collect_rows (GtkWidget *widget, GPtrArray *rows)
{
  if (ADW_IS_ACTION_ROW (widget))
    g_ptr_array_add (rows, widget);
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    collect_rows (child, rows);
}

/* The row titled @title, or NULL. */
static AdwActionRow *
find_row (Fixture *f, const char *title)
{
  g_autoptr (GPtrArray) rows = g_ptr_array_new ();

  collect_rows (GTK_WIDGET (f->group), rows);
  for (guint i = 0; i < rows->len; i++)
    if (g_strcmp0 (adw_preferences_row_get_title (rows->pdata[i]), title) == 0)
      return rows->pdata[i];
  return NULL;
}

static const char *
subtitle (Fixture *f, const char *title)
{
  AdwActionRow *row = find_row (f, title);

  g_assert_nonnull (row);
  return adw_action_row_get_subtitle (row);
}

/* The actionable button in @row, or NULL. */
static GtkWidget *
row_button (AdwActionRow *row)
{
  g_autoptr (GPtrArray) stack = g_ptr_array_new ();

  g_ptr_array_add (stack, row);
  while (stack->len > 0)
    {
      GtkWidget *w = g_ptr_array_steal_index (stack, stack->len - 1);
      if (GTK_IS_BUTTON (w) && gtk_actionable_get_action_name (GTK_ACTIONABLE (w)) != NULL)
        return w;
      for (GtkWidget *c = gtk_widget_get_first_child (w); c != NULL;
           c = gtk_widget_get_next_sibling (c))
        g_ptr_array_add (stack, c);
    }
  return NULL;
}

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  HyStore *store;
  HyCompany company = { (char *) "c1", (char *) "Acme" };
  HyComputer pc = { .id = (char *) "pc1", .name = (char *) "DC01", .company_id = (char *) "c1" };
  HyPolicy policy = { (char *) "p1", (char *) "Disk" };
  HyIntakeWaiting waiting = {
    .alert_id = (char *) "am:f1",
    .source = (char *) "alertmanager",
    .computer = (char *) "newbox",
    .policy = (char *) "p1",
    .summary = (char *) "E: is full",
    .reason = (char *) "No computer has the id or name “newbox” (label instance)",
    .received = 5
  };

  f->dir = g_dir_make_tmp ("hy-alert-sources-XXXXXX", &error);
  g_assert_no_error (error);
  f->session = hy_session_open (f->dir, &error);
  g_assert_no_error (error);
  store = hy_session_get_store (f->session);
  g_assert_true (hy_store_upsert (store, HY_RECORD_KIND_COMPANY, &company, NULL, &error));
  g_assert_true (hy_store_upsert (store, HY_RECORD_KIND_COMPUTER, &pc, NULL, &error));
  g_assert_true (hy_store_upsert (store, HY_RECORD_KIND_POLICY, &policy, NULL, &error));
  g_assert_true (hy_store_intake_put_waiting (store, &waiting, &error));
  g_assert_true (hy_store_intake_note_received (store, "am:f1", "E: is full",
                                                g_get_real_time () / G_USEC_PER_SEC, &error));

  f->window = GTK_WINDOW (gtk_window_new ());
  f->group = HY_ALERT_SOURCES_GROUP (hy_alert_sources_group_new ());
  gtk_window_set_child (f->window, GTK_WIDGET (f->group));
  hy_alert_sources_group_set_session (f->group, f->session);
  gtk_window_present (f->window);
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  g_autofree char *cmd = g_strdup_printf ("rm -rf '%s'", f->dir);

  gtk_window_destroy (f->window);
  g_clear_object (&f->session);
  g_assert_cmpint (system (cmd), ==, 0);
  g_free (f->dir);
}

static GtkWidget *
find_text_view (GtkWidget *widget)
{
  if (GTK_IS_TEXT_VIEW (widget))
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_text_view (child);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/* The Alertmanager configuration the group shows. */
static char *
snippet (Fixture *f)
{
  GtkWidget *view = find_text_view (GTK_WIDGET (f->group));
  GtkTextIter start, end;
  GtkTextBuffer *buffer;

  g_assert_nonnull (view);
  buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (view));
  gtk_text_buffer_get_bounds (buffer, &start, &end);
  return gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
}

static void
test_contents (Fixture *f, gconstpointer data)
{
  AdwActionRow *row;
  GtkWidget *button;
  HyStore *store = hy_session_get_store (f->session);
  g_autoptr (GError) error = NULL;
  HyAlert alert = { .id = (char *) "a2",
                    .computer_id = (char *) "pc1",
                    .policy_id = (char *) "p1",
                    .summary = (char *) "C: full" };

  /* No address set: it says so, and the Alertmanager snippet names the default one. */
  g_assert_nonnull (strstr (subtitle (f, "Intake Address"), "Not accepting alerts"));
  {
    g_autofree char *text = snippet (f);

    g_assert_nonnull (strstr (text, "http://127.0.0.1:8642/api/v1/alerts/alertmanager"));
  }
  /* Set (halyard-cli intake set --listen): the address, taken once Halyard delivers. */
  g_assert_true (hy_store_intake_set_listen (store, "127.0.0.1:8650", &error));
  WAIT_UNTIL (strstr (subtitle (f, "Intake Address"), "127.0.0.1:8650") != NULL);
  {
    g_autofree char *text = snippet (f);

    g_assert_nonnull (strstr (text, "http://127.0.0.1:8650/api/v1/alerts/alertmanager"));
  }
  g_assert_cmpstr (subtitle (f, "Received Today"), ==, "1 alert");
  g_assert_nonnull (strstr (subtitle (f, "Last Alert"), "E: is full"));

  /* The waiting alert: its reason, and Import to bring what it lacks. */
  row = find_row (f, "E: is full");
  g_assert_nonnull (row);
  g_assert_nonnull (strstr (adw_action_row_get_subtitle (row), "newbox"));
  button = row_button (row);
  g_assert_cmpstr (gtk_actionable_get_action_name (GTK_ACTIONABLE (button)), ==, "win.import");

  /* An alert of a known computer whose policy has no route: Mapping. It shows up when the
   * store says it changed. */
  g_assert_true (hy_store_upsert (store, HY_RECORD_KIND_ALERT, &alert, NULL, &error));
  g_assert_true (hy_store_set_alert_delivery (store, "a2", HY_ALERT_STATE_UNROUTED, 0,
                                              "Policy p1 is not mapped", &error));
  WAIT_UNTIL (find_row (f, "C: full") != NULL);
  button = row_button (find_row (f, "C: full"));
  g_assert_cmpstr (gtk_actionable_get_action_name (GTK_ACTIONABLE (button)), ==, "win.show-view");
  g_assert_cmpstr (g_variant_get_string (gtk_actionable_get_action_target_value (
                                             GTK_ACTIONABLE (button)),
                                         NULL),
                   ==, "mapping");

  /* Routed: the row goes. */
  g_assert_true (hy_store_intake_delete_waiting (store, "am:f1", NULL, &error));
  WAIT_UNTIL (find_row (f, "E: is full") == NULL);
}

static char *clipboard_text;

static void
clipboard_read_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  clipboard_text = gdk_clipboard_read_text_finish (GDK_CLIPBOARD (source), result, NULL);
  if (clipboard_text == NULL)
    clipboard_text = g_strdup ("");
}

static char *
read_clipboard (Fixture *f)
{
  g_clear_pointer (&clipboard_text, g_free);
  gdk_clipboard_read_text_async (gtk_widget_get_clipboard (GTK_WIDGET (f->group)), NULL,
                                 clipboard_read_cb, NULL);
  WAIT_UNTIL (clipboard_text != NULL);
  return g_steal_pointer (&clipboard_text);
}

/* The token in the keyring: none at first; created; copied; in the snippet; replaced. */
static void
test_token (Fixture *f, gconstpointer data)
{
  g_autofree char *first = NULL;
  g_autofree char *second = NULL;
  g_autofree char *snippet = NULL;

  if (!hy_test_keyring_or_skip ())
    return;
  WAIT_UNTIL (strstr (subtitle (f, "Token"), "None yet") != NULL);
  gtk_widget_activate_action (GTK_WIDGET (f->group), "alert-sources.rotate", NULL);
  WAIT_UNTIL (strstr (subtitle (f, "Token"), "keyring") != NULL);
  gtk_widget_activate_action (GTK_WIDGET (f->group), "alert-sources.copy-token", NULL);
  first = read_clipboard (f);
  g_assert_cmpuint (strlen (first), ==, 43);

  gtk_widget_activate_action (GTK_WIDGET (f->group), "alert-sources.copy-snippet", NULL);
  snippet = read_clipboard (f);
  g_assert_nonnull (strstr (snippet, "url: http://127.0.0.1:8642/api/v1/alerts/alertmanager"));
  g_assert_nonnull (strstr (snippet, first));

  gtk_widget_activate_action (GTK_WIDGET (f->group), "alert-sources.rotate", NULL);
  WAIT_UNTIL ((g_free (second), second = NULL,
               gtk_widget_activate_action (GTK_WIDGET (f->group), "alert-sources.copy-token", NULL),
               second = read_clipboard (f), g_strcmp0 (second, first) != 0));
  g_assert_cmpuint (strlen (second), ==, 43);
}

int
main (int argc, char *argv[])
{
  hy_ui_test_init (&argc, &argv);

  g_test_add ("/alert-sources/contents", Fixture, NULL, fixture_setup, test_contents,
              fixture_teardown);
  g_test_add ("/alert-sources/token", Fixture, NULL, fixture_setup, test_token, fixture_teardown);
  return g_test_run ();
}
