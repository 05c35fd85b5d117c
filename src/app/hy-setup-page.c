/* hy-setup-page.c: the Setup view — the Halo connection, its test, the Enabled switch, the guide
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "hy-setup-page"

#include "config.h"

#include <glib/gi18n.h>

#include "credentials/hy-credentials.h"
#include "halo/hy-halo-client.h"
#include "preflight/hy-preflight.h"
#include "session/hy-session.h"
#include "service/hy-service.h"
#include "sync/hy-sync-engine.h"

#include "hy-alert-sources-group.h"
#include "hy-asset-fields-group.h"
#include "hy-setup-page.h"
#include "hy-test-ticket-row.h"
#include "hy-retired-assets-row.h"
#include "hy-toasts.h"

struct _HySetupPage
{
  AdwPreferencesPage parent_instance;

  HySession *session;
  /* The operation in flight (save, test, switch); cancelled when the page goes or the session
   * changes. */
  GCancellable *cancellable;

  /* Template widgets */
  AdwEntryRow *url_row;
  AdwActionRow *url_error_row;
  AdwEntryRow *client_id_row;
  AdwActionRow *client_id_error_row;
  AdwEntryRow *secret_row;
  AdwActionRow *secret_error_row;
  GtkLabel *secret_stored_label;
  AdwExpanderRow *advanced_row;
  AdwEntryRow *tenant_row;
  AdwEntryRow *scopes_row;
  AdwActionRow *scopes_error_row;
  AdwActionRow *rate_limit_row;
  GtkSpinner *spinner;
  AdwPreferencesGroup *checks_group;
  GtkListBox *checks_list;
  AdwActionRow *enabled_row;
  GtkSwitch *enabled_switch;

  /* Once a save was refused, every edit re-validates, so errors clear as they are fixed. */
  gboolean validate_live;
  /* Whether the keyring holds a secret for the saved profile. */
  gboolean secret_stored;
  gboolean busy;
  /* The last connection test, NULL until one ran for the saved profile. */
  HyPreflightResult *result;
  gboolean updating_switch;
};

G_DEFINE_FINAL_TYPE (HySetupPage, hy_setup_page, ADW_TYPE_PREFERENCES_PAGE)

enum
{
  PROP_0,
  PROP_SESSION,
  N_PROPS
};

enum
{
  SAVED,
  TESTED,
  ENABLED_CHANGED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void hy_setup_page_update_enabled (HySetupPage *self);
static void hy_setup_page_show_result (HySetupPage *self);
static void
hy_setup_page_show_checks (HySetupPage *self, HyPreflightResult *result, const char *note);

/* ------------------------------------------------------------------------- */
/* Validation                                                                */
/* ------------------------------------------------------------------------- */

static void
show_row_error (AdwEntryRow *row, AdwActionRow *error_row, const char *reason, const char *fix)
{
  if (reason == NULL)
    {
      gtk_widget_remove_css_class (GTK_WIDGET (row), "error");
      gtk_widget_set_visible (GTK_WIDGET (error_row), FALSE);
      gtk_accessible_reset_state (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_STATE_INVALID);
      return;
    }

  gtk_widget_add_css_class (GTK_WIDGET (row), "error");
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (error_row), reason);
  adw_action_row_set_subtitle (error_row, fix != NULL ? fix : "");
  gtk_widget_set_visible (GTK_WIDGET (error_row), TRUE);
  gtk_accessible_update_state (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_STATE_INVALID,
                               GTK_ACCESSIBLE_INVALID_TRUE, -1);
  gtk_accessible_update_relation (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_RELATION_ERROR_MESSAGE,
                                  error_row, -1);
}

static gboolean
scope_is_valid (const char *scope)
{
  /* Halo's scopes: "all", "admin", or "<access>:<area>" such as read:tickets or all:teams. */
  const char *colon = strchr (scope, ':');

  for (const char *p = scope; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p) && *p != ':' && *p != '_')
      return FALSE;

  if (colon == NULL)
    return g_str_equal (scope, "all") || g_str_equal (scope, "admin");

  return colon != scope && colon[1] != '\0' && strchr (colon + 1, ':') == NULL;
}

/* Checks every field the way the core will read it, flags each bad row with its reason and its
 * fix, and returns whether all are valid. @secret_required: nothing is in the keyring yet, so a
 * secret must be typed. On success @out_url holds the normalised URL. */
static gboolean
hy_setup_page_validate (HySetupPage *self, gboolean secret_required, char **out_url)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *url = NULL;
  g_autofree char *client_id = NULL;
  g_auto (GStrv) scopes = NULL;
  const char *bad_scope = NULL;
  const char *secret;
  gboolean valid = TRUE;

  url = hy_halo_normalize_url (gtk_editable_get_text (GTK_EDITABLE (self->url_row)), &error);
  if (url == NULL)
    {
      show_row_error (self->url_row, self->url_error_row, error->message, NULL);
      valid = FALSE;
    }
  else
    show_row_error (self->url_row, self->url_error_row, NULL, NULL);

  client_id = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->client_id_row))));
  if (*client_id == '\0')
    {
      show_row_error (self->client_id_row, self->client_id_error_row, _ ("Enter the Client ID"),
                      _ ("Copy it from the Details tab of the API application in Halo: "
                         "Configuration > "
                         "Integrations > HaloPSA API > View Applications."));
      valid = FALSE;
    }
  else if (strpbrk (client_id, " \t\n") != NULL)
    {
      show_row_error (self->client_id_row, self->client_id_error_row,
                      _ ("A Client ID has no spaces"),
                      _ ("Copy the Client ID again from the Details tab of the API application "
                         "in Halo, without the text around it."));
      valid = FALSE;
    }
  else
    show_row_error (self->client_id_row, self->client_id_error_row, NULL, NULL);

  secret = gtk_editable_get_text (GTK_EDITABLE (self->secret_row));
  if (secret_required && *secret == '\0')
    {
      show_row_error (self->secret_row, self->secret_error_row, _ ("Enter the Client Secret"),
                      _ ("Halo shows the secret only when the API application is created. If "
                         "you no longer have it, create a new secret for the application in Halo "
                         "and paste it here."));
      valid = FALSE;
    }
  else
    show_row_error (self->secret_row, self->secret_error_row, NULL, NULL);

  scopes = g_strsplit_set (gtk_editable_get_text (GTK_EDITABLE (self->scopes_row)), " \t,", -1);
  for (guint i = 0; scopes[i] != NULL && bad_scope == NULL; i++)
    if (*scopes[i] != '\0' && !scope_is_valid (scopes[i]))
      bad_scope = scopes[i];
  if (bad_scope != NULL)
    {
      /* Translators: %s is what the user typed as a Halo scope */
      g_autofree char *reason = g_strdup_printf (_ ("“%s” is not a Halo scope"), bad_scope);

      show_row_error (self->scopes_row, self->scopes_error_row, reason,
                      _ ("Separate scopes with spaces, for example “read:tickets edit:tickets”, "
                         "or leave the field empty to request all the scopes the application "
                         "has."));
      adw_expander_row_set_expanded (self->advanced_row, TRUE);
      valid = FALSE;
    }
  else
    show_row_error (self->scopes_row, self->scopes_error_row, NULL, NULL);

  if (valid && out_url != NULL)
    *out_url = g_steal_pointer (&url);

  return valid;
}

/* ------------------------------------------------------------------------- */
/* State                                                                     */
/* ------------------------------------------------------------------------- */

static void
hy_setup_page_toast (HySetupPage *self, const char *title)
{
  hy_toasts_show (GTK_WIDGET (self), title);
}

static void
hy_setup_page_update_actions (HySetupPage *self)
{
  gboolean has_profile = self->session != NULL && hy_session_get_profile (self->session) != NULL;

  gtk_widget_set_visible (GTK_WIDGET (self->spinner), self->busy);
  gtk_spinner_set_spinning (self->spinner, self->busy);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "setup.save",
                                 !self->busy && self->session != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "setup.test", !self->busy && has_profile);
  gtk_widget_set_visible (GTK_WIDGET (self->secret_stored_label),
                          self->secret_stored &&
                              *gtk_editable_get_text (GTK_EDITABLE (self->secret_row)) == '\0');
}

static void
hy_setup_page_set_busy (HySetupPage *self, gboolean busy)
{
  self->busy = busy;
  hy_setup_page_update_actions (self);
}

/* Puts an error of the core on the row it is about, so the technician sees it where the fix
 * goes. */
static void
hy_setup_page_show_error (HySetupPage *self, const GError *error)
{
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) ||
      g_error_matches (error, HY_HALO_ERROR, HY_HALO_ERROR_CANCELLED))
    return;

  if (error->domain == HY_HALO_ERROR)
    {
      switch (error->code)
        {
          case HY_HALO_ERROR_INVALID_CLIENT:
            gtk_widget_add_css_class (GTK_WIDGET (self->client_id_row), "error");
            show_row_error (self->secret_row, self->secret_error_row, error->message,
                            _ ("Check the Client ID and the Client Secret on the Details tab of "
                               "the API application in Halo, and the tenant under Advanced."));
            return;
          case HY_HALO_ERROR_INVALID_SCOPE:
            adw_expander_row_set_expanded (self->advanced_row, TRUE);
            show_row_error (self->scopes_row, self->scopes_error_row, error->message,
                            _ ("Request only scopes ticked on the application’s Permissions tab "
                               "in Halo, or leave the field empty."));
            return;
          case HY_HALO_ERROR_INVALID_URL:
          case HY_HALO_ERROR_INSECURE_URL:
            show_row_error (self->url_row, self->url_error_row, error->message, NULL);
            return;
          case HY_HALO_ERROR_UNREACHABLE:
          case HY_HALO_ERROR_TLS:
          case HY_HALO_ERROR_NOT_FOUND:
          case HY_HALO_ERROR_BAD_RESPONSE:
            show_row_error (self->url_row, self->url_error_row, error->message,
                            _ ("Use the address shown in Halo under Configuration > Integrations "
                               "> HaloPSA API, and check that this computer can reach it."));
            return;
          default:
            break;
        }
    }
  else if (error->domain == HY_CREDENTIALS_ERROR)
    {
      show_row_error (self->secret_row, self->secret_error_row, error->message, NULL);
      return;
    }

  hy_setup_page_toast (self, error->message);
}

static void
hy_setup_page_load_profile (HySetupPage *self)
{
  const HyProfile *profile = NULL;

  if (self->session != NULL)
    profile = hy_session_get_profile (self->session);

  gtk_editable_set_text (GTK_EDITABLE (self->url_row), profile ? profile->url : "");
  gtk_editable_set_text (GTK_EDITABLE (self->client_id_row), profile ? profile->client_id : "");
  gtk_editable_set_text (GTK_EDITABLE (self->tenant_row),
                         profile && profile->tenant ? profile->tenant : "");
  gtk_editable_set_text (GTK_EDITABLE (self->scopes_row),
                         profile && profile->scopes ? profile->scopes : "");
  gtk_editable_set_text (GTK_EDITABLE (self->secret_row), "");
  {
    guint max = profile ? profile->rate_max : HY_PROFILE_DEFAULT_RATE_MAX;
    guint window = profile ? profile->rate_window : HY_PROFILE_DEFAULT_RATE_WINDOW;
    /* Translators: Halo's rate limit in Setup > Advanced: requests per rolling window of
     * seconds (halyard-cli connect --rate-limit N/SECONDS changes it) */
    g_autofree char *text = g_strdup_printf (_ ("%'u requests per %'u s, shared by every Halyard "
                                                "process on this data folder"),
                                             max, window);

    adw_action_row_set_subtitle (self->rate_limit_row, text);
  }

  self->validate_live = FALSE;
  show_row_error (self->url_row, self->url_error_row, NULL, NULL);
  show_row_error (self->client_id_row, self->client_id_error_row, NULL, NULL);
  show_row_error (self->secret_row, self->secret_error_row, NULL, NULL);
  show_row_error (self->scopes_row, self->scopes_error_row, NULL, NULL);
  gtk_widget_remove_css_class (GTK_WIDGET (self->client_id_row), "error");
}

/* ------------------------------------------------------------------------- */
/* Saving: validate, look the secret up, test, store the secret, save       */
/* ------------------------------------------------------------------------- */

/* The scopes row's scopes, separated by single spaces; NULL when it has none ("all"). */
static char *
scopes_from_row (HySetupPage *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->scopes_row));
  g_auto (GStrv) parts = g_strsplit_set (text, " \t,", -1);
  g_autoptr (GStrvBuilder) builder = g_strv_builder_new ();
  g_auto (GStrv) kept = NULL;

  for (guint i = 0; parts[i] != NULL; i++)
    if (*parts[i] != '\0')
      g_strv_builder_add (builder, parts[i]);
  kept = g_strv_builder_end (builder);
  return kept[0] != NULL ? g_strjoinv (" ", kept) : NULL;
}

static gboolean
is_cancelled (const GError *error)
{
  return g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) ||
         g_error_matches (error, HY_HALO_ERROR, HY_HALO_ERROR_CANCELLED);
}

static void
save_finished (HySetupPage *self, HyPreflightResult *result, const GError *error)
{
  /* Cancelled: the page moved on (another session, another operation) and owns the state. */
  if (is_cancelled (error))
    return;

  hy_setup_page_set_busy (self, FALSE);

  if (error != NULL)
    {
      /* Nothing was saved: the previous profile and its secret still stand, but the checks
       * listed would be of other inputs than the rows show. */
      self->validate_live = TRUE;
      hy_setup_page_show_checks (self, NULL,
                                 _ ("Nothing was saved: fix what is shown above, "
                                    "then save again."));
      hy_setup_page_show_error (self, error);
      return;
    }

  /* The save's own test is the test of the profile now saved: no second sign-in. */
  self->secret_stored = TRUE;
  /* The rows show what was saved (the normalised URL), and the secret goes from the field. */
  hy_setup_page_load_profile (self);
  g_set_object (&self->result, result);
  hy_setup_page_show_result (self);
  hy_setup_page_update_enabled (self);

  g_signal_emit (self, signals[SAVED], 0);
  g_signal_emit (self, signals[TESTED], 0, hy_preflight_result_get_ok (result));
  hy_setup_page_toast (self, hy_preflight_result_get_ok (result)
                                 ? _ ("Connection saved and tested; the secret is in the keyring")
                                 : _ ("Connection saved; the secret is in the keyring. Fix what "
                                      "the test found in Halo, then test again."));
}

/* The save's test did not sign in: the check that failed goes on the row where its fix goes.
 * Nothing was saved. */
static void
save_refused (HySetupPage *self, HyPreflightResult *result)
{
  g_autofree char *scopes = scopes_from_row (self);
  const HyPreflightCheck *url = hy_preflight_result_lookup (result, HY_PREFLIGHT_CHECK_URL);
  const HyPreflightCheck *token = hy_preflight_result_lookup (result, HY_PREFLIGHT_CHECK_TOKEN);

  hy_setup_page_set_busy (self, FALSE);
  self->validate_live = TRUE;
  /* The checks of this test (of the rows as they are), not those of the saved profile. */
  hy_setup_page_show_checks (self, result, NULL);

  if (url != NULL && url->status != HY_PREFLIGHT_PASSED)
    show_row_error (self->url_row, self->url_error_row, url->message, url->fix);
  else if (token != NULL && scopes != NULL && token->reason == HY_PREFLIGHT_REASON_INVALID_SCOPE)
    {
      adw_expander_row_set_expanded (self->advanced_row, TRUE);
      show_row_error (self->scopes_row, self->scopes_error_row, token->message, token->fix);
    }
  else if (token != NULL)
    {
      gtk_widget_add_css_class (GTK_WIDGET (self->client_id_row), "error");
      show_row_error (self->secret_row, self->secret_error_row, token->message, token->fix);
    }
}

static void
save_connected_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (HySetupPage) self = user_data;
  g_autoptr (HyPreflightResult) preflight = NULL;
  g_autoptr (GError) error = NULL;
  gboolean saved = FALSE;

  preflight = hy_session_connect_finish (HY_SESSION (source), result, &saved, &error);
  /* Cancelled, or the page moved on to another session (or went): that one owns the state. */
  if (is_cancelled (error) || HY_SESSION (source) != self->session)
    return;

  /* No secret typed, and none in the keyring for this URL and Client ID. */
  if (g_error_matches (error, HY_CREDENTIALS_ERROR, HY_CREDENTIALS_ERROR_NOT_FOUND))
    {
      hy_setup_page_set_busy (self, FALSE);
      self->validate_live = TRUE;
      hy_setup_page_show_checks (self, NULL,
                                 _ ("Nothing was saved: fix what is shown above, "
                                    "then save again."));
      show_row_error (self->secret_row, self->secret_error_row, _ ("Enter the Client Secret"),
                      _ ("No secret is stored for this URL and Client ID yet: paste the one "
                         "Halo showed when the API application was created."));
      return;
    }
  if (preflight == NULL)
    {
      save_finished (self, NULL, error);
      return;
    }

  /* Only a connection Halo answered and accepted the credentials of was saved. */
  if (!saved)
    {
      save_refused (self, preflight);
      return;
    }
  save_finished (self, preflight, NULL);
}

/* ------------------------------------------------------------------------- */
/* Testing: the pre-flight, one row per check                                */
/* ------------------------------------------------------------------------- */

static GtkWidget *
check_row_new (const HyPreflightCheck *check)
{
  static const struct
  {
    const char *icon;
    const char *style;
  } looks[] = {
    [HY_PREFLIGHT_PASSED] = { "emblem-ok-symbolic", "success" },
    [HY_PREFLIGHT_FAILED] = { "dialog-error-symbolic", "error" },
    [HY_PREFLIGHT_UNPROVEN] = { "dialog-question-symbolic", "warning" },
  };
  const char *status_text;
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *icon = gtk_image_new_from_icon_name (looks[check->status].icon);
  g_autofree char *name = NULL;

  switch (check->status)
    {
      case HY_PREFLIGHT_PASSED:
        /* Translators: the outcome of one connection check */
        status_text = C_ ("check", "Passed");
        break;
      case HY_PREFLIGHT_FAILED:
        /* Translators: the outcome of one connection check */
        status_text = C_ ("check", "Failed");
        break;
      case HY_PREFLIGHT_UNPROVEN:
      default:
        /* Translators: the outcome of one connection check that could not be proven */
        status_text = C_ ("check", "Not proven");
        break;
    }

  gtk_widget_add_css_class (icon, looks[check->status].style);
  gtk_widget_set_tooltip_text (icon, status_text);
  adw_action_row_add_prefix (ADW_ACTION_ROW (row), icon);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), check->message);
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_action_row_set_title_lines (ADW_ACTION_ROW (row), 0);
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 0);
  if (check->fix != NULL)
    adw_action_row_set_subtitle (ADW_ACTION_ROW (row), check->fix);
  gtk_widget_set_name (row, hy_preflight_check_id_to_string (check->id));

  /* Translators: a connection check as a screen reader says it: "Passed: <what was found>" */
  name = g_strdup_printf (_ ("%s: %s"), status_text, check->message);
  gtk_accessible_update_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_LABEL, name,
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                  check->fix != NULL ? check->fix : "", -1);
  return row;
}

/* The checks of the saved profile's last test. */
static void
hy_setup_page_show_result (HySetupPage *self)
{
  hy_setup_page_show_checks (self, self->result, NULL);
}

/* Shows the checks of @result, the test just run (of the saved profile, or of the rows a save
 * refused), or none with @note saying why: the list never shows an older test than the last
 * one, nor a test of other inputs than the rows show. */
static void
hy_setup_page_show_checks (HySetupPage *self, HyPreflightResult *result, const char *note)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->checks_list))) != NULL)
    gtk_list_box_remove (self->checks_list, child);

  if (result == NULL)
    {
      gtk_widget_set_visible (GTK_WIDGET (self->checks_list), FALSE);
      adw_preferences_group_set_description (
          self->checks_group,
          note != NULL ? note : _ ("Not tested yet. Save the connection, then test it."));
      return;
    }

  for (guint i = 0; i < hy_preflight_result_get_n_checks (result); i++)
    gtk_list_box_append (self->checks_list,
                         check_row_new (hy_preflight_result_get_check (result, i)));
  gtk_widget_set_visible (GTK_WIDGET (self->checks_list), TRUE);

  {
    const char *agent = hy_preflight_result_get_agent_name (result);
    g_autofree char *description = NULL;

    if (hy_preflight_result_get_ok (result) && agent != NULL)
      /* Translators: %s is the name of a Halo agent */
      description =
          g_strdup_printf (_ ("Connected. Halyard logs in to Halo as the agent “%s”."), agent);
    else if (hy_preflight_result_get_ok (result))
      description = g_strdup (_ ("Connected."));
    else if (agent != NULL)
      /* Translators: %s is the name of a Halo agent */
      description = g_strdup_printf (_ ("Halyard logs in as the agent “%s”, but something it "
                                        "needs is missing: fix what failed below in Halo, then "
                                        "test again."),
                                     agent);
    else
      description = g_strdup (_ ("Halyard cannot work with this connection yet: fix what failed "
                                 "below in Halo, then test again."));
    adw_preferences_group_set_description (self->checks_group, description);
  }
}

static void
test_finished_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (HySetupPage) self = user_data;
  g_autoptr (HyPreflightResult) preflight = NULL;
  g_autoptr (GError) error = NULL;

  preflight = hy_preflight_run_finish (result, &error);
  if (preflight == NULL)
    {
      if (!is_cancelled (error))
        {
          hy_setup_page_set_busy (self, FALSE);
          hy_setup_page_show_checks (self, NULL,
                                     _ ("The test did not finish: fix what the "
                                        "message says, then test again."));
          hy_setup_page_toast (self, error->message);
        }
      return;
    }

  hy_setup_page_set_busy (self, FALSE);
  g_set_object (&self->result, preflight);
  hy_setup_page_show_result (self);
  hy_setup_page_update_enabled (self);
  g_signal_emit (self, signals[TESTED], 0, hy_preflight_result_get_ok (preflight));

  hy_setup_page_toast (self, hy_preflight_result_get_ok (preflight)
                                 ? _ ("Connection test passed")
                                 : _ ("Connection test failed: see the checks in Setup"));
}

static void
test_client_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (HySetupPage) self = user_data;
  g_autoptr (HyHaloClient) client = NULL;
  g_autoptr (GError) error = NULL;

  client = hy_session_get_client_finish (HY_SESSION (source), result, &error);
  if (client == NULL)
    {
      if (is_cancelled (error))
        return;
      hy_setup_page_set_busy (self, FALSE);
      hy_setup_page_show_checks (self, NULL,
                                 _ ("The test did not finish: fix what the "
                                    "message says, then test again."));
      if (g_error_matches (error, HY_CREDENTIALS_ERROR, HY_CREDENTIALS_ERROR_NOT_FOUND))
        {
          self->secret_stored = FALSE;
          hy_setup_page_update_actions (self);
          show_row_error (self->secret_row, self->secret_error_row, _ ("Enter the Client Secret"),
                          _ ("The keyring holds no secret for this connection: paste the one "
                             "Halo showed when the API application was created, and save."));
        }
      else
        hy_setup_page_show_error (self, error);
      return;
    }

  hy_preflight_run_async (client, self->cancellable, test_finished_cb, g_object_ref (self));
}

/* ------------------------------------------------------------------------- */
/* Callbacks                                                                 */
/* ------------------------------------------------------------------------- */

static gboolean hy_setup_page_is_edited (HySetupPage *self);

static void
hy_setup_page_row_changed_cb (HySetupPage *self, GtkEditable *editable)
{
  if (self->validate_live)
    hy_setup_page_validate (self, !self->secret_stored, NULL);
  hy_setup_page_update_actions (self);

  /* The checks listed are of the inputs they were run with: other inputs, no checks (the
   * saved profile's come back when the rows say it again). */
  if (self->busy || self->session == NULL || hy_session_get_profile (self->session) == NULL)
    return;
  if (hy_setup_page_is_edited (self))
    hy_setup_page_show_checks (self, NULL, _ ("The connection was changed: save it to test it."));
  else
    hy_setup_page_show_result (self);
}

static void
hy_setup_page_entry_activated_cb (HySetupPage *self, AdwEntryRow *row)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "setup.save", NULL);
}

/* Why the integration cannot be enabled now, or NULL when it can. */
static char *
hy_setup_page_enable_refusal (HySetupPage *self)
{
  HySyncEngine *engine;
  g_autoptr (GError) error = NULL;

  if (self->session == NULL || hy_session_get_profile (self->session) == NULL)
    return g_strdup (_ ("Save the connection to Halo first."));
  if (self->result == NULL)
    return g_strdup (_ ("Test the connection first: it must pass before Halyard sends anything."));
  if (!hy_preflight_result_get_ok (self->result))
    return g_strdup (_ ("The connection test failed: fix what it lists in Halo, then test again."));

  /* Whether there is something to sync is the engine's rule, the one halyard-cli enable
   * follows too: the session's one engine. */
  engine = hy_service_get_engine (hy_service_get (self->session));
  if (hy_sync_engine_can_enable (engine, &error))
    return NULL;
  /* Said the window's way: where to map. */
  if (g_error_matches (error, HY_SYNC_ERROR, HY_SYNC_ERROR_NOTHING_MAPPED))
    return g_strdup (_ ("Map at least one device group to a Halo site, or one monitor policy to "
                        "a ticket type, in Mapping."));
  return g_strdup (error->message);
}

static void
hy_setup_page_update_enabled (HySetupPage *self)
{
  const HyProfile *profile = self->session ? hy_session_get_profile (self->session) : NULL;
  g_autofree char *refusal = hy_setup_page_enable_refusal (self);
  gboolean enabled = profile != NULL && profile->enabled;

  self->updating_switch = TRUE;
  gtk_switch_set_active (self->enabled_switch, enabled);
  gtk_switch_set_state (self->enabled_switch, enabled);
  self->updating_switch = FALSE;

  if (enabled)
    adw_action_row_set_subtitle (self->enabled_row,
                                 _ ("Devices of mapped groups are synced as Halo assets, and "
                                    "alerts of mapped policies become tickets."));
  else if (refusal != NULL)
    adw_action_row_set_subtitle (self->enabled_row, refusal);
  else
    adw_action_row_set_subtitle (self->enabled_row,
                                 _ ("Off: nothing is sent to Halo. Turn it on to start syncing."));
}

static gboolean
hy_setup_page_enabled_state_set_cb (HySetupPage *self, gboolean state, GtkSwitch *sw)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *refusal = NULL;

  if (self->updating_switch)
    return FALSE;

  if (state && (refusal = hy_setup_page_enable_refusal (self)) != NULL)
    {
      /* Refused: the switch goes back, and says why. */
      hy_setup_page_toast (self, refusal);
      hy_setup_page_update_enabled (self);
      return TRUE;
    }

  /* Only the flag: the signed-in client (and its token) stays for the sync that follows. */
  if (!hy_session_set_enabled (self->session, state, &error))
    {
      hy_setup_page_toast (self, error->message);
      hy_setup_page_update_enabled (self);
      return TRUE;
    }

  hy_setup_page_update_enabled (self);
  g_signal_emit (self, signals[ENABLED_CHANGED], 0, state);
  return TRUE;
}

/* ------------------------------------------------------------------------- */
/* Actions                                                                   */
/* ------------------------------------------------------------------------- */

static void
hy_setup_page_save_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  HySetupPage *self = HY_SETUP_PAGE (widget);
  g_autoptr (HyProfile) values = NULL;
  g_autofree char *url = NULL;
  const char *secret;

  if (self->session == NULL || self->busy)
    return;

  if (!hy_setup_page_validate (self, !self->secret_stored, &url))
    {
      self->validate_live = TRUE;
      hy_setup_page_show_checks (self, NULL,
                                 _ ("Nothing was saved: fix what is shown above, "
                                    "then save again."));
      return;
    }

  values = hy_profile_new ();
  values->url = g_steal_pointer (&url);
  values->client_id = g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->client_id_row)));
  values->tenant = g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->tenant_row)));
  values->scopes = scopes_from_row (self);
  /* Empty: the secret the keyring holds for this URL and Client ID. */
  secret = gtk_editable_get_text (GTK_EDITABLE (self->secret_row));

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  hy_setup_page_set_busy (self, TRUE);
  hy_setup_page_show_checks (self, NULL, _ ("Testing the connection…"));

  /* The core's connect, the one halyard-cli connect runs: the test signs in with a Halo client
   * of its own, and only then are the secret and the profile saved (the rate limit and the
   * refresh interval stay as they are: halyard-cli connect sets them). */
  hy_session_connect_async (self->session, values, *secret != '\0' ? secret : NULL,
                            HY_SESSION_CONNECT_NONE, self->cancellable, save_connected_cb,
                            g_object_ref (self));
}

/* Whether the rows say something else than the saved profile (or a new secret was typed). */
static gboolean
hy_setup_page_is_edited (HySetupPage *self)
{
  const HyProfile *profile = hy_session_get_profile (self->session);
  g_autofree char *client_id = NULL;
  g_autofree char *tenant = NULL;
  g_autofree char *scopes = NULL;
  g_autofree char *url = NULL;

  if (*gtk_editable_get_text (GTK_EDITABLE (self->secret_row)) != '\0')
    return TRUE;

  url = hy_halo_normalize_url (gtk_editable_get_text (GTK_EDITABLE (self->url_row)), NULL);
  client_id = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->client_id_row))));
  tenant = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->tenant_row))));
  scopes = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->scopes_row))));

  return g_strcmp0 (url, profile->url) != 0 || g_strcmp0 (client_id, profile->client_id) != 0 ||
         g_strcmp0 (tenant, profile->tenant ? profile->tenant : "") != 0 ||
         g_strcmp0 (scopes, profile->scopes ? profile->scopes : "") != 0;
}

static void
hy_setup_page_test_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  HySetupPage *self = HY_SETUP_PAGE (widget);

  if (self->session == NULL || self->busy || hy_session_get_profile (self->session) == NULL)
    return;

  /* Edited rows are tested by saving them: a save signs in first, then runs the test. */
  if (hy_setup_page_is_edited (self))
    {
      gtk_widget_activate_action (widget, "setup.save", NULL);
      return;
    }

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  hy_setup_page_set_busy (self, TRUE);
  hy_setup_page_show_checks (self, NULL, _ ("Testing the connection…"));

  hy_session_get_client_async (self->session, self->cancellable, test_client_cb,
                               g_object_ref (self));
}

/* ------------------------------------------------------------------------- */
/* GObject overrides                                                         */
/* ------------------------------------------------------------------------- */

static void
secret_looked_up_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (HySetupPage) self = user_data;
  g_autoptr (GError) error = NULL;
  char *secret;

  secret = hy_credentials_lookup_finish (result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  /* Only whether it is there matters: it is never shown back. */
  self->secret_stored = secret != NULL;
  hy_credentials_secret_free (secret);
  hy_setup_page_update_actions (self);
}

static void
hy_setup_page_map (GtkWidget *widget)
{
  GTK_WIDGET_CLASS (hy_setup_page_parent_class)->map (widget);

  /* Groups and policies are mapped in another view: say again what the switch needs. */
  hy_setup_page_update_enabled (HY_SETUP_PAGE (widget));
}

static void
hy_setup_page_dispose (GObject *object)
{
  HySetupPage *self = HY_SETUP_PAGE (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->result);
  g_clear_object (&self->session);

  gtk_widget_dispose_template (GTK_WIDGET (object), HY_TYPE_SETUP_PAGE);

  G_OBJECT_CLASS (hy_setup_page_parent_class)->dispose (object);
}

static void
hy_setup_page_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  HySetupPage *self = HY_SETUP_PAGE (object);

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
hy_setup_page_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  HySetupPage *self = HY_SETUP_PAGE (object);

  switch (prop_id)
    {
      case PROP_SESSION:
        hy_setup_page_set_session (self, g_value_get_object (value));
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hy_setup_page_class_init (HySetupPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  g_type_ensure (HY_TYPE_TEST_TICKET_ROW);
  g_type_ensure (HY_TYPE_RETIRED_ASSETS_ROW);

  object_class->dispose = hy_setup_page_dispose;
  object_class->get_property = hy_setup_page_get_property;
  object_class->set_property = hy_setup_page_set_property;
  widget_class->map = hy_setup_page_map;

  properties[PROP_SESSION] =
      g_param_spec_object ("session", NULL, NULL, HY_TYPE_SESSION,
                           G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* A profile was saved (and its secret stored). */
  signals[SAVED] = g_signal_new ("saved", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                                 NULL, NULL, G_TYPE_NONE, 0);
  /* A connection test finished; the argument says whether it passed. */
  signals[TESTED] = g_signal_new ("tested", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                                  NULL, NULL, G_TYPE_NONE, 1, G_TYPE_BOOLEAN);
  /* The technician turned the integration on or off (and the profile says so already). */
  signals[ENABLED_CHANGED] =
      g_signal_new ("enabled-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                    NULL, G_TYPE_NONE, 1, G_TYPE_BOOLEAN);

  g_type_ensure (HY_TYPE_ALERT_SOURCES_GROUP);
  g_type_ensure (HY_TYPE_ASSET_FIELDS_GROUP);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/halyard/Halyard/hy-setup-page.ui");
  gtk_widget_class_bind_template_child (widget_class, HySetupPage, url_row);
  gtk_widget_class_bind_template_child (widget_class, HySetupPage, url_error_row);
  gtk_widget_class_bind_template_child (widget_class, HySetupPage, client_id_row);
  gtk_widget_class_bind_template_child (widget_class, HySetupPage, client_id_error_row);
  gtk_widget_class_bind_template_child (widget_class, HySetupPage, secret_row);
  gtk_widget_class_bind_template_child (widget_class, HySetupPage, secret_error_row);
  gtk_widget_class_bind_template_child (widget_class, HySetupPage, secret_stored_label);
  gtk_widget_class_bind_template_child (widget_class, HySetupPage, advanced_row);
  gtk_widget_class_bind_template_child (widget_class, HySetupPage, tenant_row);
  gtk_widget_class_bind_template_child (widget_class, HySetupPage, scopes_row);
  gtk_widget_class_bind_template_child (widget_class, HySetupPage, scopes_error_row);
  gtk_widget_class_bind_template_child (widget_class, HySetupPage, rate_limit_row);
  gtk_widget_class_bind_template_child (widget_class, HySetupPage, spinner);
  gtk_widget_class_bind_template_child (widget_class, HySetupPage, checks_group);
  gtk_widget_class_bind_template_child (widget_class, HySetupPage, checks_list);
  gtk_widget_class_bind_template_child (widget_class, HySetupPage, enabled_row);
  gtk_widget_class_bind_template_child (widget_class, HySetupPage, enabled_switch);
  gtk_widget_class_bind_template_callback (widget_class, hy_setup_page_row_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, hy_setup_page_entry_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, hy_setup_page_enabled_state_set_cb);

  gtk_widget_class_install_action (widget_class, "setup.save", NULL, hy_setup_page_save_action);
  gtk_widget_class_install_action (widget_class, "setup.test", NULL, hy_setup_page_test_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_s, GDK_CONTROL_MASK, "setup.save",
                                       NULL);
}

/* libadwaita 1.2 leaves the password row's show/hide button without a name: give it one. */
static void
name_peek_button (GtkWidget *widget, const char *name)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      if (GTK_IS_BUTTON (child) && gtk_button_get_icon_name (GTK_BUTTON (child)) != NULL &&
          g_str_has_prefix (gtk_button_get_icon_name (GTK_BUTTON (child)), "view-"))
        gtk_accessible_update_property (GTK_ACCESSIBLE (child), GTK_ACCESSIBLE_PROPERTY_LABEL, name,
                                        -1);
      name_peek_button (child, name);
    }
}

static void
hy_setup_page_init (HySetupPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  /* Translators: the button that shows or hides the secret being typed */
  name_peek_button (GTK_WIDGET (self->secret_row), _ ("Show or Hide the Typed Secret"));

  hy_setup_page_update_actions (self);
  hy_setup_page_update_enabled (self);
}

/* ------------------------------------------------------------------------- */
/* Public API                                                                */
/* ------------------------------------------------------------------------- */

GtkWidget *
hy_setup_page_new (void)
{
  return g_object_new (HY_TYPE_SETUP_PAGE, NULL);
}

HySession *
hy_setup_page_get_session (HySetupPage *self)
{
  g_return_val_if_fail (HY_IS_SETUP_PAGE (self), NULL);

  return self->session;
}

/* Shows @session's profile, and tests it when there is one: the test says which agent Halyard
 * logs in as, and the Enabled switch needs it. */
void
hy_setup_page_set_session (HySetupPage *self, HySession *session)
{
  const HyProfile *profile;

  g_return_if_fail (HY_IS_SETUP_PAGE (self));
  g_return_if_fail (session == NULL || HY_IS_SESSION (session));

  if (self->session == session)
    return;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  self->busy = FALSE;
  self->secret_stored = FALSE;
  g_clear_object (&self->result);
  g_set_object (&self->session, session);

  hy_setup_page_load_profile (self);
  hy_setup_page_show_result (self);
  hy_setup_page_update_actions (self);
  hy_setup_page_update_enabled (self);

  profile = session != NULL ? hy_session_get_profile (session) : NULL;
  if (profile != NULL)
    {
      self->secret_stored = hy_session_has_secret (session);
      if (!self->secret_stored)
        hy_credentials_lookup_async (profile->url, profile->client_id, self->cancellable,
                                     secret_looked_up_cb, g_object_ref (self));
      gtk_widget_activate_action (GTK_WIDGET (self), "setup.test", NULL);
    }

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SESSION]);
}

/* The last connection test, or NULL. */
HyPreflightResult *
hy_setup_page_get_result (HySetupPage *self)
{
  g_return_val_if_fail (HY_IS_SETUP_PAGE (self), NULL);

  return self->result;
}

/* Re-reads whether the integration may be enabled (after a mapping changed). */
void
hy_setup_page_refresh_enabled (HySetupPage *self)
{
  g_return_if_fail (HY_IS_SETUP_PAGE (self));

  hy_setup_page_update_enabled (self);
}
