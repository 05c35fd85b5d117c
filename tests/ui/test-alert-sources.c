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
#include "hy-test-session.h"
#include "hy-test-views.h"
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
is_row_titled (GtkWidget *widget, gconstpointer title)
{
  return ADW_IS_ACTION_ROW (widget) &&
         g_strcmp0 (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (widget)), title) == 0;
}

/* The row titled @title, or NULL. */
static AdwActionRow *
find_row (Fixture *f, const char *title)
{
  return ADW_ACTION_ROW (hy_test_find_matching (GTK_WIDGET (f->group), is_row_titled, title, TRUE));
}

static const char *
subtitle (Fixture *f, const char *title)
{
  AdwActionRow *row = find_row (f, title);

  g_assert_nonnull (row);
  return adw_action_row_get_subtitle (row);
}

static gboolean
is_actionable_button (GtkWidget *widget, gconstpointer data)
{
  return GTK_IS_BUTTON (widget) && gtk_actionable_get_action_name (GTK_ACTIONABLE (widget)) != NULL;
}

/* The actionable button in @row, or NULL. */
static GtkWidget *
row_button (AdwActionRow *row)
{
  return hy_test_find_matching (GTK_WIDGET (row), is_actionable_button, NULL, TRUE);
}

/* What a wait looks for: the row titled @title, and @part in its subtitle. */
typedef struct
{
  Fixture *f;
  const char *title;
  const char *part;
} RowWait;

static gboolean
subtitle_has (gpointer user_data)
{
  RowWait *wait = user_data;

  return strstr (subtitle (wait->f, wait->title), wait->part) != NULL;
}

static gboolean
row_shown (gpointer user_data)
{
  RowWait *wait = user_data;

  return find_row (wait->f, wait->title) != NULL;
}

static gboolean
row_gone (gpointer user_data)
{
  return !row_shown (user_data);
}

/* Until the subtitle of the row titled @title holds @part (the store says what changed). */
static void
wait_subtitle (Fixture *f, const char *title, const char *part)
{
  RowWait wait = { f, title, part };

  hy_test_wait_until (subtitle_has, &wait, part);
}

/* Until the row titled @title is @shown. */
static void
wait_row (Fixture *f, const char *title, gboolean shown)
{
  RowWait wait = { f, title, NULL };

  hy_test_wait_until (shown ? row_shown : row_gone, &wait, title);
}

/* A computer of a company, and a policy. */
static const HyTestRecord inventory[] = {
  { HY_RECORD_KIND_COMPANY, "c1", "Acme" },
  { HY_RECORD_KIND_COMPUTER, "pc1", "DC01", .company_id = "c1" },
  { HY_RECORD_KIND_POLICY, "p1", "Disk" },
};

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  HyStore *store;
  HyIntakeWaiting waiting = {
    .alert_id = (char *) "am:f1",
    .source = (char *) "alertmanager",
    .computer = (char *) "newbox",
    .policy = (char *) "p1",
    .summary = (char *) "E: is full",
    .reason = (char *) "No computer has the id or name “newbox” (label instance)",
    .received = 5
  };

  f->session = hy_test_session_new_tmp ("hy-alert-sources-XXXXXX", &f->dir);
  store = hy_session_get_store (f->session);
  hy_test_store_add_records (store, inventory, G_N_ELEMENTS (inventory));
  g_assert_true (hy_store_intake_put_waiting (store, &waiting, &error));
  g_assert_true (hy_store_intake_note_received (store, "am:f1", "E: is full",
                                                g_get_real_time () / G_USEC_PER_SEC, &error));

  f->group = HY_ALERT_SOURCES_GROUP (hy_alert_sources_group_new ());
  hy_alert_sources_group_set_session (f->group, f->session);
  f->window = hy_test_view_present (GTK_WIDGET (f->group), 0, 0);
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  gtk_window_destroy (f->window);
  hy_test_session_remove_tmp (&f->session, &f->dir);
}

/* The Alertmanager configuration the group shows. */
static char *
snippet (Fixture *f)
{
  GtkWidget *view = hy_test_find_type (GTK_WIDGET (f->group), GTK_TYPE_TEXT_VIEW);
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
  wait_subtitle (f, "Intake Address", "127.0.0.1:8650");
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
  wait_row (f, "C: full", TRUE);
  button = row_button (find_row (f, "C: full"));
  g_assert_cmpstr (gtk_actionable_get_action_name (GTK_ACTIONABLE (button)), ==, "win.show-view");
  g_assert_cmpstr (g_variant_get_string (gtk_actionable_get_action_target_value (
                                             GTK_ACTIONABLE (button)),
                                         NULL),
                   ==, "mapping");

  /* Routed: the row goes. */
  g_assert_true (hy_store_intake_delete_waiting (store, "am:f1", NULL, &error));
  wait_row (f, "E: is full", FALSE);
}

static char *clipboard_text;

static void
clipboard_read_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  clipboard_text = gdk_clipboard_read_text_finish (GDK_CLIPBOARD (source), result, NULL);
  if (clipboard_text == NULL)
    clipboard_text = g_strdup ("");
}

static gboolean
clipboard_read (gpointer text)
{
  return *(char **) text != NULL;
}

static char *
read_clipboard (Fixture *f)
{
  g_clear_pointer (&clipboard_text, g_free);
  gdk_clipboard_read_text_async (gtk_widget_get_clipboard (GTK_WIDGET (f->group)), NULL,
                                 clipboard_read_cb, NULL);
  hy_test_wait_until (clipboard_read, &clipboard_text, "the clipboard's text");
  return g_steal_pointer (&clipboard_text);
}

typedef struct
{
  Fixture *f;
  const char *old;
  char *copied;
} TokenWait;

static gboolean
token_replaced (gpointer user_data)
{
  TokenWait *wait = user_data;

  g_clear_pointer (&wait->copied, g_free);
  gtk_widget_activate_action (GTK_WIDGET (wait->f->group), "alert-sources.copy-token", NULL);
  wait->copied = read_clipboard (wait->f);
  return g_strcmp0 (wait->copied, wait->old) != 0;
}

/* Copies the token until it is another than @old (the keyring, in another process, stores the
 * new one: nothing here says when), and returns it. */
static char *
wait_new_token (Fixture *f, const char *old)
{
  TokenWait wait = { f, old, NULL };

  hy_test_wait_until_polled (token_replaced, &wait, 20, "a new token in the keyring");
  return wait.copied;
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
  wait_subtitle (f, "Token", "None yet");
  gtk_widget_activate_action (GTK_WIDGET (f->group), "alert-sources.rotate", NULL);
  wait_subtitle (f, "Token", "keyring");
  gtk_widget_activate_action (GTK_WIDGET (f->group), "alert-sources.copy-token", NULL);
  first = read_clipboard (f);
  g_assert_cmpuint (strlen (first), ==, 43);

  gtk_widget_activate_action (GTK_WIDGET (f->group), "alert-sources.copy-snippet", NULL);
  snippet = read_clipboard (f);
  g_assert_nonnull (strstr (snippet, "url: http://127.0.0.1:8642/api/v1/alerts/alertmanager"));
  g_assert_nonnull (strstr (snippet, first));

  gtk_widget_activate_action (GTK_WIDGET (f->group), "alert-sources.rotate", NULL);
  second = wait_new_token (f, first);
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
