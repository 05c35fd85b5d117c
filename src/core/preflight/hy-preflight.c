/* hy-preflight.c: does the Halo connection give Halyard what it needs?
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The checks run in order against a HyHaloClient: GET /api/Agent/me (which signs in: the
 * client fetches /api/authinfo and a token first), then one small list request per kind
 * Halyard reads. Writes are never attempted: they are proven from the scopes the token
 * response granted, or reported as unproven. What the requests showed is read from the
 * client's "request-finished" events (the authinfo answer, the token answer and its scope).
 */

#define G_LOG_DOMAIN "hy-preflight"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "hy-preflight.h"
#include "json/hy-json-guard.h"

/* A search no real record matches, so each read probe is one small request. */
#define PROBE_QUERY "search=halyard-preflight-probe"

/* Halo's menu paths, shared by the fixes. */
#define APPLICATIONS_PATH N_ ("Configuration > Integrations > HaloPSA API > View Applications")
#define AGENTS_PATH       N_ ("Configuration > Teams & Agents > Agents")

static const char *const check_ids[HY_PREFLIGHT_N_CHECKS] = {
  "url",          "token",         "agent",       "read_clients",
  "read_sites",   "read_assets",   "read_agents", "read_ticket_types",
  "write_assets", "write_tickets",
};

const char *
hy_preflight_check_id_to_string (HyPreflightCheckId id)
{
  g_return_val_if_fail (id < HY_PREFLIGHT_N_CHECKS, NULL);

  return check_ids[id];
}

const char *
hy_preflight_status_to_string (HyPreflightStatus status)
{
  switch (status)
    {
      case HY_PREFLIGHT_PASSED:
        return "passed";
      case HY_PREFLIGHT_FAILED:
        return "failed";
      case HY_PREFLIGHT_UNPROVEN:
      default:
        return "unproven";
    }
}

/* ------------------------------------------------------------------------- */
/* HyPreflightResult                                                         */
/* ------------------------------------------------------------------------- */

struct _HyPreflightResult
{
  GObject parent_instance;

  HyPreflightCheck checks[HY_PREFLIGHT_N_CHECKS];
  gint64 agent_id;
  char *agent_name;
  char *granted_scopes;
};

G_DEFINE_FINAL_TYPE (HyPreflightResult, hy_preflight_result, G_TYPE_OBJECT)

static void
hy_preflight_result_finalize (GObject *object)
{
  HyPreflightResult *self = HY_PREFLIGHT_RESULT (object);

  for (guint i = 0; i < HY_PREFLIGHT_N_CHECKS; i++)
    {
      g_free (self->checks[i].message);
      g_free (self->checks[i].fix);
    }
  g_free (self->agent_name);
  g_free (self->granted_scopes);

  G_OBJECT_CLASS (hy_preflight_result_parent_class)->finalize (object);
}

static void
hy_preflight_result_class_init (HyPreflightResultClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = hy_preflight_result_finalize;
}

static void
hy_preflight_result_init (HyPreflightResult *self)
{
  for (guint i = 0; i < HY_PREFLIGHT_N_CHECKS; i++)
    {
      self->checks[i].id = i;
      self->checks[i].status = HY_PREFLIGHT_UNPROVEN;
    }
}

guint
hy_preflight_result_get_n_checks (HyPreflightResult *self)
{
  g_return_val_if_fail (HY_IS_PREFLIGHT_RESULT (self), 0);

  return HY_PREFLIGHT_N_CHECKS;
}

const HyPreflightCheck *
hy_preflight_result_get_check (HyPreflightResult *self, guint index)
{
  g_return_val_if_fail (HY_IS_PREFLIGHT_RESULT (self), NULL);
  g_return_val_if_fail (index < HY_PREFLIGHT_N_CHECKS, NULL);

  return &self->checks[index];
}

const HyPreflightCheck *
hy_preflight_result_lookup (HyPreflightResult *self, HyPreflightCheckId id)
{
  return hy_preflight_result_get_check (self, id);
}

gboolean
hy_preflight_result_get_ok (HyPreflightResult *self)
{
  g_return_val_if_fail (HY_IS_PREFLIGHT_RESULT (self), FALSE);

  for (guint i = 0; i < HY_PREFLIGHT_N_CHECKS; i++)
    if (self->checks[i].status == HY_PREFLIGHT_FAILED)
      return FALSE;

  return TRUE;
}

gint64
hy_preflight_result_get_agent_id (HyPreflightResult *self)
{
  g_return_val_if_fail (HY_IS_PREFLIGHT_RESULT (self), 0);

  return self->agent_id;
}

const char *
hy_preflight_result_get_agent_name (HyPreflightResult *self)
{
  g_return_val_if_fail (HY_IS_PREFLIGHT_RESULT (self), NULL);

  return self->agent_name;
}

const char *
hy_preflight_result_get_granted_scopes (HyPreflightResult *self)
{
  g_return_val_if_fail (HY_IS_PREFLIGHT_RESULT (self), NULL);

  return self->granted_scopes;
}

/**
 * hy_preflight_result_to_json:
 * @self: a #HyPreflightResult
 *
 * Returns: (transfer full): the `connect` / `test` document of the CLI contract
 */
JsonNode *
hy_preflight_result_to_json (HyPreflightResult *self)
{
  g_autoptr (JsonBuilder) builder = json_builder_new ();

  g_return_val_if_fail (HY_IS_PREFLIGHT_RESULT (self), NULL);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "ok");
  json_builder_add_boolean_value (builder, hy_preflight_result_get_ok (self));

  json_builder_set_member_name (builder, "agent");
  if (self->agent_id > 0)
    {
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "id");
      json_builder_add_int_value (builder, self->agent_id);
      json_builder_set_member_name (builder, "name");
      if (self->agent_name != NULL)
        json_builder_add_string_value (builder, self->agent_name);
      else
        json_builder_add_null_value (builder);
      json_builder_end_object (builder);
    }
  else
    json_builder_add_null_value (builder);

  json_builder_set_member_name (builder, "checks");
  json_builder_begin_array (builder);
  for (guint i = 0; i < HY_PREFLIGHT_N_CHECKS; i++)
    {
      const HyPreflightCheck *check = &self->checks[i];

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "id");
      json_builder_add_string_value (builder, check_ids[check->id]);
      json_builder_set_member_name (builder, "status");
      json_builder_add_string_value (builder, hy_preflight_status_to_string (check->status));
      json_builder_set_member_name (builder, "message");
      json_builder_add_string_value (builder, check->message != NULL ? check->message : "");
      json_builder_set_member_name (builder, "fix");
      if (check->fix != NULL)
        json_builder_add_string_value (builder, check->fix);
      else
        json_builder_add_null_value (builder);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);

  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

static void
set_check (HyPreflightResult *self,
           HyPreflightCheckId id,
           HyPreflightStatus status,
           char *message,
           char *fix)
{
  HyPreflightCheck *check = &self->checks[id];

  g_free (check->message);
  g_free (check->fix);
  check->status = status;
  check->message = message;
  check->fix = fix;
  check->reason = HY_PREFLIGHT_REASON_NONE;
}

/* set_check () for a failure whose reason a view acts on. */
static void
set_failed (HyPreflightResult *self,
            HyPreflightCheckId id,
            HyPreflightReason reason,
            char *message,
            char *fix)
{
  set_check (self, id, HY_PREFLIGHT_FAILED, message, fix);
  self->checks[id].reason = reason;
}

/* ------------------------------------------------------------------------- */
/* Texts                                                                     */
/* ------------------------------------------------------------------------- */

/* What a read check says: one whole sentence per kind of record and outcome (a translated noun
 * glued into one sentence would not agree with it in every language). @detail is Halo's text
 * when Halo refused, the error when the check proved nothing, unused when it passed. */
static char *
read_message (HyPreflightCheckId id, HyPreflightStatus status, const char *detail)
{
  gboolean refused = status == HY_PREFLIGHT_FAILED;

  if (status == HY_PREFLIGHT_PASSED)
    switch (id)
      {
        case HY_PREFLIGHT_CHECK_READ_CLIENTS:
          return g_strdup (_ ("Halyard can read Halo clients"));
        case HY_PREFLIGHT_CHECK_READ_SITES:
          return g_strdup (_ ("Halyard can read Halo sites"));
        case HY_PREFLIGHT_CHECK_READ_ASSETS:
          return g_strdup (_ ("Halyard can read Halo assets"));
        case HY_PREFLIGHT_CHECK_READ_AGENTS:
          return g_strdup (_ ("Halyard can read Halo agents"));
        default:
          return g_strdup (_ ("Halyard can read Halo ticket types"));
      }

  /* Translators (every sentence below): %s is Halo's text when Halo refuses, the error when
   * the check could not be made */
  switch (id)
    {
      case HY_PREFLIGHT_CHECK_READ_CLIENTS:
        return refused
                   ? g_strdup_printf (_ ("Halo refuses to let Halyard read clients: %s"), detail)
                   : g_strdup_printf (_ ("Could not check reading clients: %s"), detail);
      case HY_PREFLIGHT_CHECK_READ_SITES:
        return refused ? g_strdup_printf (_ ("Halo refuses to let Halyard read sites: %s"), detail)
                       : g_strdup_printf (_ ("Could not check reading sites: %s"), detail);
      case HY_PREFLIGHT_CHECK_READ_ASSETS:
        return refused ? g_strdup_printf (_ ("Halo refuses to let Halyard read assets: %s"), detail)
                       : g_strdup_printf (_ ("Could not check reading assets: %s"), detail);
      case HY_PREFLIGHT_CHECK_READ_AGENTS:
        return refused ? g_strdup_printf (_ ("Halo refuses to let Halyard read agents: %s"), detail)
                       : g_strdup_printf (_ ("Could not check reading agents: %s"), detail);
      default:
        return refused ? g_strdup_printf (_ ("Halo refuses to let Halyard read ticket types: %s"),
                                          detail)
                       : g_strdup_printf (_ ("Could not check reading ticket types: %s"), detail);
    }
}

/* Why a write check did not pass, or that it did: one whole sentence per kind of record. */
typedef enum
{
  WRITE_CANNOT_READ,  /* Halo refused to read that kind */
  WRITE_NO_SCOPES,    /* Halo did not say which scopes it granted */
  WRITE_NOT_GRANTED,  /* the token does not grant the edit scope; @scopes: those it does */
  WRITE_CONTRADICTED, /* the token claims scopes Halo did not honour; @scopes: those */
  WRITE_GRANTED,      /* passed; @scopes: the scopes granted */
} WriteOutcome;

static char *
write_assets_message (WriteOutcome outcome, const char *scopes)
{
  switch (outcome)
    {
      case WRITE_CANNOT_READ:
        return g_strdup (_ ("Halyard cannot create or update Halo assets: it cannot even read "
                            "them"));
      case WRITE_NO_SCOPES:
        return g_strdup (_ ("Whether Halyard may create and update Halo assets is not yet "
                            "proven: Halo did not say which scopes it granted"));
      case WRITE_NOT_GRANTED:
        /* Translators: keep edit:assets untranslated; %s is the scopes Halo granted */
        return g_strdup_printf (_ ("Halyard may not create or update Halo assets: the token does "
                                   "not grant edit:assets (granted: %s)"),
                                scopes);
      case WRITE_CONTRADICTED:
        /* Translators: %s is the scopes the token claims */
        return g_strdup_printf (_ ("Whether Halyard may create and update Halo assets is not yet "
                                   "proven: the token claims the scopes “%s”, but Halo refused "
                                   "some reads they cover"),
                                scopes);
      case WRITE_GRANTED:
      default:
        /* Translators: %s is the scopes Halo granted */
        return g_strdup_printf (_ ("Halyard may create and update Halo assets (granted scopes: "
                                   "%s); the agent’s access level applies too"),
                                scopes);
    }
}

static char *
write_tickets_message (WriteOutcome outcome, const char *scopes)
{
  switch (outcome)
    {
      case WRITE_CANNOT_READ:
        return g_strdup (_ ("Halyard cannot create or update Halo tickets: it cannot even read "
                            "them"));
      case WRITE_NO_SCOPES:
        return g_strdup (_ ("Whether Halyard may create and update Halo tickets is not yet "
                            "proven: Halo did not say which scopes it granted"));
      case WRITE_NOT_GRANTED:
        /* Translators: keep edit:tickets untranslated; %s is the scopes Halo granted */
        return g_strdup_printf (_ ("Halyard may not create or update Halo tickets: the token "
                                   "does not grant edit:tickets (granted: %s)"),
                                scopes);
      case WRITE_CONTRADICTED:
        /* Translators: %s is the scopes the token claims */
        return g_strdup_printf (_ ("Whether Halyard may create and update Halo tickets is not "
                                   "yet proven: the token claims the scopes “%s”, but Halo "
                                   "refused some reads they cover"),
                                scopes);
      case WRITE_GRANTED:
      default:
        /* Translators: %s is the scopes Halo granted */
        return g_strdup_printf (_ ("Halyard may create and update Halo tickets (granted scopes: "
                                   "%s); the agent’s access level applies too"),
                                scopes);
    }
}

static char *
write_message (HyPreflightCheckId id, WriteOutcome outcome, const char *scopes)
{
  return id == HY_PREFLIGHT_CHECK_WRITE_ASSETS ? write_assets_message (outcome, scopes)
                                               : write_tickets_message (outcome, scopes);
}

/* What to change in Halo when reading @id was refused. */
static char *
read_fix (HyPreflightCheckId id)
{
  switch (id)
    {
      case HY_PREFLIGHT_CHECK_READ_CLIENTS:
      case HY_PREFLIGHT_CHECK_READ_SITES:
        return g_strdup_printf (
            /* Translators: the %s are Halo menu paths; keep the scope names untranslated */
            _ ("In Halo, open %s, open Halyard’s application and tick read:customers (or "
               "edit:customers) on its Permissions tab. Then, under %s, open the agent the "
               "application logs in as and set Clients Access Level to at least Read Only on its "
               "Permissions tab."),
            _ (APPLICATIONS_PATH), _ (AGENTS_PATH));
      case HY_PREFLIGHT_CHECK_READ_ASSETS:
        return g_strdup_printf (
            /* Translators: the %s are Halo menu paths; keep the scope names untranslated */
            _ ("In Halo, open %s, open Halyard’s application and tick read:assets (edit:assets to "
               "sync devices) on its Permissions tab. Then, under %s, open the agent the "
               "application logs in as and set Assets Access Level to Read and Modify on its "
               "Permissions tab."),
            _ (APPLICATIONS_PATH), _ (AGENTS_PATH));
      case HY_PREFLIGHT_CHECK_READ_AGENTS:
        return g_strdup_printf (
            /* Translators: %s is a Halo menu path; keep the scope names untranslated */
            _ ("In Halo, open %s, open Halyard’s application and tick all (or admin) on its "
               "Permissions tab: Halo lists agents only to applications with one of them. Halyard "
               "needs the agents to link technicians by e-mail."),
            _ (APPLICATIONS_PATH));
      case HY_PREFLIGHT_CHECK_READ_TICKET_TYPES:
        return g_strdup_printf (
            /* Translators: the %s are Halo menu paths; keep the scope names untranslated */
            _ ("In Halo, open %s, open Halyard’s application and tick read:tickets and "
               "edit:tickets "
               "on its Permissions tab. Then, under %s, open the agent the application logs in as "
               "and on its Permissions tab set Tickets Access Level to Read and Modify and “Allow "
               "use of all Ticket Types” to Yes."),
            _ (APPLICATIONS_PATH), _ (AGENTS_PATH));
      default:
        return NULL;
    }
}

static char *
write_fix (HyPreflightCheckId id)
{
  if (id == HY_PREFLIGHT_CHECK_WRITE_ASSETS)
    return g_strdup_printf (
        /* Translators: the %s are Halo menu paths; keep the scope names untranslated */
        _ ("In Halo, open %s, open Halyard’s application and tick edit:assets on its Permissions "
           "tab (and ask for it: the scope all includes it). Then, under %s, open the agent the "
           "application logs in as and on its Permissions tab set Assets Access Level to Read and "
           "Modify and “Allow use of all Asset Types” to Yes."),
        _ (APPLICATIONS_PATH), _ (AGENTS_PATH));

  return g_strdup_printf (
      /* Translators: the %s are Halo menu paths; keep the scope names untranslated */
      _ ("In Halo, open %s, open Halyard’s application and tick edit:tickets on its Permissions "
         "tab (and ask for it: the scope all includes it). Then, under %s, open the agent the "
         "application logs in as and on its Permissions tab set Tickets Access Level to Read and "
         "Modify and “Can add new Tickets” to Yes; on its Departments & Teams tab add the teams "
         "or departments of the ticket types Halyard creates tickets of."),
      _ (APPLICATIONS_PATH), _ (AGENTS_PATH));
}

/* ------------------------------------------------------------------------- */
/* Scopes                                                                    */
/* ------------------------------------------------------------------------- */

/* Whether the space-separated @scopes grant editing @family ("assets", "tickets"): edit:X, all
 * or admin. */
static gboolean
scopes_grant_edit (const char *scopes, const char *family)
{
  g_auto (GStrv) tokens = NULL;
  g_autofree char *wanted = g_strconcat ("edit:", family, NULL);

  if (scopes == NULL)
    return FALSE;

  tokens = g_strsplit_set (scopes, " ,", -1);
  for (guint i = 0; tokens[i] != NULL; i++)
    if (g_ascii_strcasecmp (tokens[i], "all") == 0 ||
        g_ascii_strcasecmp (tokens[i], "admin") == 0 || g_ascii_strcasecmp (tokens[i], wanted) == 0)
      return TRUE;

  return FALSE;
}

/* Whether the space-separated @scopes cover the read of check @id: read:X or edit:X of its
 * family, all or admin (agents: all or admin only). */
static gboolean
scopes_grant_read (const char *scopes, HyPreflightCheckId id)
{
  g_auto (GStrv) tokens = NULL;
  const char *family;

  switch (id)
    {
      case HY_PREFLIGHT_CHECK_READ_CLIENTS:
      case HY_PREFLIGHT_CHECK_READ_SITES:
        family = "customers";
        break;
      case HY_PREFLIGHT_CHECK_READ_ASSETS:
        family = "assets";
        break;
      case HY_PREFLIGHT_CHECK_READ_TICKET_TYPES:
        family = "tickets";
        break;
      case HY_PREFLIGHT_CHECK_READ_AGENTS:
      default:
        family = NULL;
        break;
    }

  if (scopes == NULL)
    return FALSE;

  tokens = g_strsplit_set (scopes, " ,", -1);
  for (guint i = 0; tokens[i] != NULL; i++)
    {
      const char *colon = strchr (tokens[i], ':');

      if (g_ascii_strcasecmp (tokens[i], "all") == 0 ||
          g_ascii_strcasecmp (tokens[i], "admin") == 0)
        return TRUE;
      if (family != NULL && colon != NULL && g_ascii_strcasecmp (colon + 1, family) == 0 &&
          (g_ascii_strncasecmp (tokens[i], "read:", 5) == 0 ||
           g_ascii_strncasecmp (tokens[i], "edit:", 5) == 0))
        return TRUE;
    }

  return FALSE;
}

/* ------------------------------------------------------------------------- */
/* Running                                                                   */
/* ------------------------------------------------------------------------- */

typedef struct
{
  HyHaloClient *client;
  gulong handler;
  GPtrArray *events; /* HyHaloEvent copies, in order */
  HyPreflightResult *result;
  HyPreflightCheckId step; /* the read check running */
  GError *read_errors[HY_PREFLIGHT_N_CHECKS];
} RunData;

static void
run_data_free (RunData *data)
{
  g_clear_signal_handler (&data->handler, data->client);
  g_clear_object (&data->client);
  g_ptr_array_unref (data->events);
  g_clear_object (&data->result);
  for (guint i = 0; i < HY_PREFLIGHT_N_CHECKS; i++)
    g_clear_error (&data->read_errors[i]);
  g_free (data);
}

static void
request_finished_cb (HyHaloClient *client, HyHaloEvent *event, gpointer user_data)
{
  RunData *data = user_data;

  g_ptr_array_add (data->events, hy_halo_event_copy (event));
}

static gboolean
is_cancelled (const GError *error)
{
  return g_error_matches (error, HY_HALO_ERROR, HY_HALO_ERROR_CANCELLED) ||
         g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

static gboolean
path_is (const HyHaloEvent *event, const char *needle)
{
  g_autofree char *lower = NULL;

  if (event->path == NULL)
    return FALSE;
  lower = g_ascii_strdown (event->path, -1);
  return strstr (lower, needle) != NULL;
}

/* The body of @event as a JSON object, or NULL. */
static JsonObject *
event_json_object (const HyHaloEvent *event, JsonParser *parser)
{
  JsonNode *root;

  if (event == NULL || event->response_body == NULL ||
      !hy_json_guard_load (parser, event->response_body, strlen (event->response_body), NULL))
    return NULL;
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return NULL;

  return json_node_get_object (root);
}

static const HyHaloEvent *
find_event (RunData *data, const char *method, const char *needle)
{
  const HyHaloEvent *found = NULL;

  for (guint i = 0; i < data->events->len; i++)
    {
      const HyHaloEvent *event = data->events->pdata[i];

      if (g_strcmp0 (event->method, method) == 0 && path_is (event, needle))
        found = event;
    }

  return found;
}

/* Whether @token is the answer of a token request that gave an access token. */
static gboolean
token_event_ok (const HyHaloEvent *token)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  JsonObject *object;

  if (token == NULL || token->status < 200 || token->status >= 300)
    return FALSE;
  object = event_json_object (token, parser);
  return object != NULL && json_object_has_member (object, "access_token");
}

#define OBSERVED_KEY       "hy-preflight-observed"
#define GRANTED_SCOPES_KEY "hy-preflight-granted-scopes"

static void
observe_request_finished_cb (HyHaloClient *client, HyHaloEvent *event, gpointer user_data)
{
  g_autoptr (JsonParser) parser = NULL;
  JsonObject *object;
  const char *scope;

  if (g_strcmp0 (event->method, "POST") != 0 || !path_is (event, "/token") ||
      !token_event_ok (event))
    return;

  parser = json_parser_new ();
  object = event_json_object (event, parser);
  scope =
      object != NULL ? json_object_get_string_member_with_default (object, "scope", NULL) : NULL;
  g_object_set_data_full (G_OBJECT (client), GRANTED_SCOPES_KEY,
                          scope != NULL && *scope != '\0' ? g_strdup (scope) : NULL, g_free);
}

/**
 * hy_preflight_observe_client:
 * @client: a Halo client
 *
 * From now on, @client remembers the scopes each token response granted, so that a pre-flight
 * run on it after it signed in still proves writes from them. Calling it twice is harmless.
 */
void
hy_preflight_observe_client (HyHaloClient *client)
{
  g_return_if_fail (HY_IS_HALO_CLIENT (client));

  if (g_object_get_data (G_OBJECT (client), OBSERVED_KEY) != NULL)
    return;

  g_object_set_data (G_OBJECT (client), OBSERVED_KEY, GINT_TO_POINTER (1));
  g_signal_connect (client, "request-finished", G_CALLBACK (observe_request_finished_cb), NULL);
}

/* What a check proves, to name the checks that could not run. */
static const char *
check_title (HyPreflightCheckId id)
{
  switch (id)
    {
      case HY_PREFLIGHT_CHECK_URL:
        return _ ("The Halo address");
      case HY_PREFLIGHT_CHECK_TOKEN:
        return _ ("Signing in");
      case HY_PREFLIGHT_CHECK_AGENT:
        return _ ("The agent Halyard logs in as");
      case HY_PREFLIGHT_CHECK_READ_CLIENTS:
        return _ ("Reading Halo clients");
      case HY_PREFLIGHT_CHECK_READ_SITES:
        return _ ("Reading Halo sites");
      case HY_PREFLIGHT_CHECK_READ_ASSETS:
        return _ ("Reading Halo assets");
      case HY_PREFLIGHT_CHECK_READ_AGENTS:
        return _ ("Reading Halo agents");
      case HY_PREFLIGHT_CHECK_READ_TICKET_TYPES:
        return _ ("Reading Halo ticket types");
      case HY_PREFLIGHT_CHECK_WRITE_ASSETS:
        return _ ("Creating and updating Halo assets");
      case HY_PREFLIGHT_CHECK_WRITE_TICKETS:
        return _ ("Creating and updating Halo tickets");
      case HY_PREFLIGHT_N_CHECKS:
      default:
        g_assert_not_reached ();
    }
}

static void
mark_rest_unproven (RunData *data, HyPreflightCheckId from, const char *why)
{
  for (guint id = from; id < HY_PREFLIGHT_N_CHECKS; id++)
    set_check (data->result, id, HY_PREFLIGHT_UNPROVEN,
               /* Translators: the first %s names a check ("Reading Halo sites"), the second says
                  why it was not checked ("Not checked: Halo could not be reached.") */
               g_strdup_printf (C_ ("preflight", "%s — %s"), check_title (id), why),
               /* Translators: what would prove a check that was skipped */
               g_strdup (_ ("Fix the failed checks above, then test again.")));
}

/* Judges the URL and the token from what signing in showed. Returns FALSE when the rest
 * cannot be checked. */
/* The URL check: passed when the address signs in like Halo (its /api/authinfo, or a token
 * endpoint that speaks OAuth, or a refusal only Halo gives); FALSE when it failed, with the
 * checks after it unproven */
static gboolean
judge_url (RunData *data, const GError *error, gboolean looks_like_halo)
{
  HyPreflightResult *result = data->result;
  const char *base_url = hy_halo_client_get_base_url (data->client);

  if (error == NULL || looks_like_halo ||
      g_error_matches (error, HY_HALO_ERROR, HY_HALO_ERROR_INVALID_CLIENT) ||
      g_error_matches (error, HY_HALO_ERROR, HY_HALO_ERROR_INVALID_SCOPE))
    {
      /* One sentence whether this run read /api/authinfo or a client that knew its sign-in
       * already went straight to the token: the same Halo reads the same from one test to the
       * next. */
      set_check (result, HY_PREFLIGHT_CHECK_URL, HY_PREFLIGHT_PASSED,
                 /* Translators: %s is the Halo URL */
                 g_strdup_printf (_ ("%s answers and signs in like a Halo instance"), base_url),
                 NULL);
    }
  else if (g_error_matches (error, HY_HALO_ERROR, HY_HALO_ERROR_UNREACHABLE) ||
           g_error_matches (error, HY_HALO_ERROR, HY_HALO_ERROR_TLS))
    {
      set_failed (result, HY_PREFLIGHT_CHECK_URL, HY_PREFLIGHT_REASON_UNREACHABLE,
                  /* Translators: the first %s is the Halo URL, the second the network error */
                  g_strdup_printf (_ ("%s does not answer: %s"), base_url, error->message),
                  g_strdup_printf (
                      /* Translators: %s is a Halo menu path */
                      _ ("Check the address: use your Halo web address (for example "
                         "https://yourcompany.halopsa.com), as shown under %s > API Details, and "
                         "make sure this computer can reach it."),
                      _ ("Configuration > Integrations > HaloPSA API")));
      mark_rest_unproven (data, HY_PREFLIGHT_CHECK_TOKEN,
                          _ ("Not checked: Halo could not be reached."));
      return FALSE;
    }
  else
    {
      set_failed (result, HY_PREFLIGHT_CHECK_URL, HY_PREFLIGHT_REASON_NOT_HALO,
                  /* Translators: the first %s is the URL, the second Halyard's error */
                  g_strdup_printf (_ ("%s answers, but not like a Halo instance: %s"), base_url,
                                   error->message),
                  g_strdup_printf (
                      /* Translators: %s is a Halo menu path */
                      _ ("Use the address of your Halo instance itself, as shown under %s > API "
                         "Details (the Resource Server without “/api”), not a login page, a proxy "
                         "or another web site."),
                      _ ("Configuration > Integrations > HaloPSA API")));
      mark_rest_unproven (data, HY_PREFLIGHT_CHECK_TOKEN,
                          _ ("Not checked: the address is not a Halo instance."));
      return FALSE;
    }

  return TRUE;
}

/* The token check, failed: the credentials (or the tenant), the scopes, or anything else */
static void
judge_token_refused (RunData *data, const GError *error, const char *authinfo_tenant)
{
  HyPreflightResult *result = data->result;
  const char *tenant = hy_halo_client_get_tenant (data->client);

  if (g_error_matches (error, HY_HALO_ERROR, HY_HALO_ERROR_INVALID_CLIENT))
    {
      g_autoptr (GString) fix = g_string_new (NULL);
      g_autofree char *message = NULL;

      if (tenant != NULL && authinfo_tenant != NULL &&
          g_ascii_strcasecmp (tenant, authinfo_tenant) != 0)
        {
          /* Translators: the first %s is the tenant Halyard uses, the second the one Halo
           * announces */
          message = g_strdup_printf (_ ("Halo refused to sign in (invalid_client): the tenant "
                                        "“%s” is not the one this Halo announces (“%s”)"),
                                     tenant, authinfo_tenant);
          g_string_append_printf (fix,
                                  /* Translators: %s is a Halo menu path */
                                  _ ("Use the Tenant shown under %s > API Details, or leave the "
                                     "tenant empty to use the one Halo announces. "),
                                  _ ("Configuration > Integrations > HaloPSA API"));
        }
      else
        message = g_strdup (_ ("Halo refused the Client ID or the Client Secret (invalid_client)"));

      g_string_append_printf (
          fix,
          /* Translators: %s is a Halo menu path; the quoted names are Halo's own labels */
          _ ("In Halo, open %s and open Halyard’s application: Authentication Method must be "
             "“Client ID and Secret (Services)”, Login Type “Agent”, and the application Active. "
             "Copy the Client ID again after saving (Halo may change it on the first save), "
             "generate a new Client Secret if in doubt, and connect again. For hosted Halo, the "
             "tenant must be the one shown under API Details."),
          _ (APPLICATIONS_PATH));
      set_failed (result, HY_PREFLIGHT_CHECK_TOKEN, HY_PREFLIGHT_REASON_INVALID_CLIENT,
                  g_steal_pointer (&message), g_string_free (g_steal_pointer (&fix), FALSE));
    }
  else if (g_error_matches (error, HY_HALO_ERROR, HY_HALO_ERROR_INVALID_SCOPE))
    {
      set_failed (result, HY_PREFLIGHT_CHECK_TOKEN, HY_PREFLIGHT_REASON_INVALID_SCOPE,
                  /* Translators: %s is the list of scopes Halyard asked for */
                  g_strdup_printf (_ ("Halo refused the scopes Halyard asked for (invalid_scope): "
                                      "%s"),
                                   hy_halo_client_get_scopes (data->client)),
                  g_strdup_printf (
                      /* Translators: %s is a Halo menu path; keep the scope names untranslated */
                      _ ("Ask only for scopes Halo knows: all, or for example “edit:tickets "
                         "edit:assets read:customers”, and tick the same scopes on the "
                         "Permissions tab of Halyard’s application (%s)."),
                      _ (APPLICATIONS_PATH)));
    }
  else
    {
      set_check (result, HY_PREFLIGHT_CHECK_TOKEN, HY_PREFLIGHT_FAILED,
                 /* Translators: %s is Halyard's or Halo's error */
                 g_strdup_printf (_ ("Halyard could not sign in to Halo: %s"), error->message),
                 g_strdup_printf (
                     /* Translators: %s is a Halo menu path */
                     _ ("Check Halyard’s application in Halo (%s): Authentication Method “Client "
                        "ID and Secret (Services)”, Login Type “Agent”, Active; then test "
                        "again."),
                     _ (APPLICATIONS_PATH)));
    }
}

static gboolean
judge_sign_in (RunData *data, const GError *error)
{
  HyPreflightResult *result = data->result;
  const HyHaloEvent *authinfo = find_event (data, "GET", "/api/authinfo");
  const HyHaloEvent *token = find_event (data, "POST", "/token");
  g_autoptr (JsonParser) authinfo_parser = json_parser_new ();
  g_autoptr (JsonParser) token_parser = json_parser_new ();
  JsonObject *authinfo_object = event_json_object (authinfo, authinfo_parser);
  JsonObject *token_object = event_json_object (token, token_parser);
  gboolean authinfo_ok = authinfo != NULL && authinfo->status == 200 && authinfo_object != NULL &&
                         (json_object_has_member (authinfo_object, "auth_url") ||
                          json_object_has_member (authinfo_object, "tenant_id"));
  gboolean token_speaks_oauth =
      token_object != NULL && (json_object_has_member (token_object, "access_token") ||
                               json_object_has_member (token_object, "error"));
  gboolean token_ok = token != NULL && token->status >= 200 && token->status < 300 &&
                      token_object != NULL && json_object_has_member (token_object, "access_token");
  const char *authinfo_tenant = NULL;

  if (authinfo_ok)
    authinfo_tenant =
        json_object_get_string_member_with_default (authinfo_object, "tenant_id", NULL);

  if (!judge_url (data, error, authinfo_ok || token_speaks_oauth))
    return FALSE;

  /* ---- token ---- */
  if (token_ok || (error == NULL && token == NULL))
    {
      const char *scope =
          token_object != NULL
              ? json_object_get_string_member_with_default (token_object, "scope", NULL)
              : NULL;

      /* Signed in before this run: the scopes the client remembers, if it was observed. */
      if (token == NULL)
        scope = g_object_get_data (G_OBJECT (data->client), GRANTED_SCOPES_KEY);

      g_free (result->granted_scopes);
      result->granted_scopes = scope != NULL && *scope != '\0' ? g_strdup (scope) : NULL;
      set_check (result, HY_PREFLIGHT_CHECK_TOKEN, HY_PREFLIGHT_PASSED,
                 result->granted_scopes != NULL
                     /* Translators: %s is a list of Halo scopes such as "all" */
                     ? g_strdup_printf (_ ("Halo accepted the Client ID and Client Secret and "
                                           "granted the scopes: %s"),
                                        result->granted_scopes)
                     : g_strdup (_ ("Halo accepted the Client ID and Client Secret")),
                 NULL);
      return TRUE;
    }

  judge_token_refused (data, error, authinfo_tenant);
  mark_rest_unproven (data, HY_PREFLIGHT_CHECK_AGENT,
                      _ ("Not checked: Halyard could not sign in to Halo."));
  return FALSE;
}

static void
judge_agent (RunData *data, HyHaloRecord *agent, const GError *error)
{
  HyPreflightResult *result = data->result;

  if (agent != NULL)
    {
      const char *name = hy_halo_record_get_name (agent);
      gboolean api_only = hy_halo_record_get_boolean (agent, "isapiagent");

      result->agent_id = hy_halo_record_get_id (agent);
      result->agent_name = g_strdup (name);

      if (api_only)
        set_check (result, HY_PREFLIGHT_CHECK_AGENT, HY_PREFLIGHT_PASSED,
                   /* Translators: %s is the agent's name, %lld its id */
                   g_strdup_printf (_ ("Halyard logs in as the API-only agent “%s” (id %lld)"),
                                    name != NULL ? name : "", (long long) result->agent_id),
                   NULL);
      else
        set_check (result, HY_PREFLIGHT_CHECK_AGENT, HY_PREFLIGHT_PASSED,
                   /* Translators: %s is the agent's name, %lld its id */
                   g_strdup_printf (_ ("Halyard logs in as the agent “%s” (id %lld). It is not "
                                       "an API-only agent: an API-only agent takes no licence "
                                       "and keeps Halyard’s work apart"),
                                    name != NULL ? name : "", (long long) result->agent_id),
                   NULL);
      return;
    }

  set_check (
      result, HY_PREFLIGHT_CHECK_AGENT, HY_PREFLIGHT_FAILED,
      /* Translators: %s is Halo's error */
      g_strdup_printf (_ ("Halo did not say which agent Halyard logs in as (Agent/me): %s"),
                       error->message),
      g_strdup_printf (
          /* Translators: the %s are Halo menu paths; quoted names are Halo's labels */
          _ ("In Halo, open %s and open Halyard’s application: set Login Type to “Agent” and "
             "“Agent to log in as” to an agent (it must not be None). Use an API-only agent: "
             "create one under %s > New and tick “Is an API-only Agent”; it takes no "
             "licence."),
          _ (APPLICATIONS_PATH), _ (AGENTS_PATH)));
}

static void
judge_read (RunData *data, HyPreflightCheckId id, const GError *error)
{
  if (error == NULL)
    {
      set_check (data->result, id, HY_PREFLIGHT_PASSED,
                 read_message (id, HY_PREFLIGHT_PASSED, NULL), NULL);
      return;
    }

  if (g_error_matches (error, HY_HALO_ERROR, HY_HALO_ERROR_FORBIDDEN) ||
      g_error_matches (error, HY_HALO_ERROR, HY_HALO_ERROR_UNAUTHORIZED) ||
      g_error_matches (error, HY_HALO_ERROR, HY_HALO_ERROR_NOT_FOUND))
    {
      set_check (data->result, id, HY_PREFLIGHT_FAILED,
                 read_message (id, HY_PREFLIGHT_FAILED, error->message), read_fix (id));
      return;
    }

  set_check (data->result, id, HY_PREFLIGHT_UNPROVEN,
             read_message (id, HY_PREFLIGHT_UNPROVEN, error->message),
             g_strdup (_ ("Test again when Halo answers normally.")));
}

static void
judge_write (RunData *data, HyPreflightCheckId id)
{
  HyPreflightResult *result = data->result;
  gboolean assets = id == HY_PREFLIGHT_CHECK_WRITE_ASSETS;
  const char *family = assets ? "assets" : "tickets";
  HyPreflightCheckId read_id =
      assets ? HY_PREFLIGHT_CHECK_READ_ASSETS : HY_PREFLIGHT_CHECK_READ_TICKET_TYPES;
  gboolean contradicted = FALSE;

  /* Editing implies reading: when Halo refused to read, it will refuse to write. */
  if (result->checks[read_id].status == HY_PREFLIGHT_FAILED)
    {
      set_check (result, id, HY_PREFLIGHT_FAILED, write_message (id, WRITE_CANNOT_READ, NULL),
                 write_fix (id));
      return;
    }

  if (result->granted_scopes == NULL)
    {
      set_check (result, id, HY_PREFLIGHT_UNPROVEN, write_message (id, WRITE_NO_SCOPES, NULL),
                 g_strdup_printf (
                     /* Translators: %s is a scope name such as edit:assets */
                     _ ("The first sync proves it. Make sure %s (or all) is ticked on the "
                        "Permissions tab of Halyard’s application."),
                     assets ? "edit:assets" : "edit:tickets"));
      return;
    }

  if (!scopes_grant_edit (result->granted_scopes, family))
    {
      set_check (result, id, HY_PREFLIGHT_FAILED,
                 write_message (id, WRITE_NOT_GRANTED, result->granted_scopes), write_fix (id));
      return;
    }

  /* The token claims the scope; a refused read of a kind the same scopes cover shows the
   * claim is not what Halo enforces, so it proves nothing. */
  for (guint i = HY_PREFLIGHT_CHECK_READ_CLIENTS; i <= HY_PREFLIGHT_CHECK_READ_TICKET_TYPES; i++)
    if (result->checks[i].status == HY_PREFLIGHT_FAILED &&
        scopes_grant_read (result->granted_scopes, i))
      contradicted = TRUE;

  if (contradicted)
    {
      set_check (result, id, HY_PREFLIGHT_UNPROVEN,
                 write_message (id, WRITE_CONTRADICTED, result->granted_scopes),
                 g_strdup_printf (
                     /* Translators: %s is a scope name such as edit:assets */
                     _ ("Fix the failed checks, then test again; the first sync proves it. Make "
                        "sure %s (or all) is ticked on the Permissions tab of Halyard’s "
                        "application."),
                     assets ? "edit:assets" : "edit:tickets"));
      return;
    }

  set_check (result, id, HY_PREFLIGHT_PASSED,
             write_message (id, WRITE_GRANTED, result->granted_scopes), NULL);
}

static void run_next_read (GTask *task);

static void
read_cb (GObject *source, GAsyncResult *async_result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  RunData *data = g_task_get_task_data (task);
  g_autoptr (HyHaloList) list = NULL;
  g_autoptr (GError) error = NULL;

  list = hy_halo_client_list_finish (HY_HALO_CLIENT (source), async_result, &error);
  if (list == NULL && is_cancelled (error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  judge_read (data, data->step, error);
  data->step++;
  run_next_read (g_steal_pointer (&task));
}

static void
run_next_read (GTask *task)
{
  RunData *data = g_task_get_task_data (task);
  GCancellable *cancellable = g_task_get_cancellable (task);
  HyHaloKind kind;
  const char *query = PROBE_QUERY;

  switch (data->step)
    {
      case HY_PREFLIGHT_CHECK_READ_CLIENTS:
        kind = HY_HALO_KIND_CLIENT;
        break;
      case HY_PREFLIGHT_CHECK_READ_SITES:
        kind = HY_HALO_KIND_SITE;
        break;
      case HY_PREFLIGHT_CHECK_READ_ASSETS:
        kind = HY_HALO_KIND_ASSET;
        break;
      case HY_PREFLIGHT_CHECK_READ_AGENTS:
        kind = HY_HALO_KIND_AGENT;
        query = PROBE_QUERY "&includeapiagents=true";
        break;
      case HY_PREFLIGHT_CHECK_READ_TICKET_TYPES:
        kind = HY_HALO_KIND_TICKET_TYPE;
        query = NULL; /* a short bare list */
        break;
      default:
        judge_write (data, HY_PREFLIGHT_CHECK_WRITE_ASSETS);
        judge_write (data, HY_PREFLIGHT_CHECK_WRITE_TICKETS);
        g_task_return_pointer (task, g_object_ref (data->result), g_object_unref);
        g_object_unref (task);
        return;
    }

  hy_halo_client_list_async (data->client, kind, query, NULL, 0, HY_HALO_PRIORITY_INTERACTIVE, NULL,
                             cancellable, read_cb, task);
}

static void
agent_me_cb (GObject *source, GAsyncResult *async_result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  RunData *data = g_task_get_task_data (task);
  g_autoptr (HyHaloRecord) agent = NULL;
  g_autoptr (GError) error = NULL;
  const HyHaloEvent *token;

  agent = hy_halo_client_record_finish (HY_HALO_CLIENT (source), async_result, &error);
  if (agent == NULL && is_cancelled (error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  /* A failure after a good token is the agent's, not the sign-in's. */
  token = find_event (data, "POST", "/token");
  if (!judge_sign_in (data, agent != NULL || token_event_ok (token) ? NULL : error))
    {
      g_task_return_pointer (task, g_object_ref (data->result), g_object_unref);
      return;
    }

  judge_agent (data, agent, error);

  data->step = HY_PREFLIGHT_CHECK_READ_CLIENTS;
  run_next_read (g_steal_pointer (&task));
}

/**
 * hy_preflight_run_async:
 * @client: the Halo client to check (a fresh one, so that signing in is observed)
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when done
 * @user_data: data for @callback
 *
 * Runs the checks in order. About eight small requests; nothing is written to Halo.
 */
void
hy_preflight_run_async (HyHaloClient *client,
                        GCancellable *cancellable,
                        GAsyncReadyCallback callback,
                        gpointer user_data)
{
  g_autoptr (GTask) task = NULL;
  RunData *data;

  g_return_if_fail (HY_IS_HALO_CLIENT (client));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, hy_preflight_run_async);

  data = g_new0 (RunData, 1);
  data->client = g_object_ref (client);
  data->events = g_ptr_array_new_with_free_func ((GDestroyNotify) hy_halo_event_free);
  data->result = g_object_new (HY_TYPE_PREFLIGHT_RESULT, NULL);
  data->handler =
      g_signal_connect (client, "request-finished", G_CALLBACK (request_finished_cb), data);
  g_task_set_task_data (task, data, (GDestroyNotify) run_data_free);

  hy_halo_client_get_agent_me_async (client, HY_HALO_PRIORITY_INTERACTIVE, cancellable, agent_me_cb,
                                     g_steal_pointer (&task));
}

/**
 * hy_preflight_run_finish:
 * @result: the result passed to the callback
 * @error: return location for an error (only when cancelled)
 *
 * Returns: (transfer full): the checks, or %NULL when cancelled
 */
HyPreflightResult *
hy_preflight_run_finish (GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == hy_preflight_run_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * hy_preflight_result_signs_in:
 *
 * Returns: %TRUE when @self proves that Halo answered and accepted the credentials (the
 *   "url" and "token" checks passed): only then is a connection worth saving.
 */
gboolean
hy_preflight_result_signs_in (HyPreflightResult *self)
{
  const HyPreflightCheck *url = hy_preflight_result_lookup (self, HY_PREFLIGHT_CHECK_URL);
  const HyPreflightCheck *token = hy_preflight_result_lookup (self, HY_PREFLIGHT_CHECK_TOKEN);

  return url != NULL && url->status == HY_PREFLIGHT_PASSED && token != NULL &&
         token->status == HY_PREFLIGHT_PASSED;
}
