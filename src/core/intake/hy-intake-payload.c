/* hy-intake-payload.c: the alert formats the intake takes, read into HySyncIncoming
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "hy-intake"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>
#include <string.h>

#include "intake/hy-intake-payload.h"
#include "json/hy-json-guard.h"

/* clang-format off */
G_DEFINE_QUARK (hy-intake-error-quark, hy_intake_error)
/* clang-format on */

/* The labels that name the computer when no setting says which, in order. */
static const char *const default_computer_labels[] = { "instance", "host", "hostname", "nodename" };
#define DEFAULT_COMPUTER_LABELS "instance, host, hostname, nodename"
#define DEFAULT_POLICY_LABEL    "alertname"

/* ------------------------------------------------------------------------- */
/* Alerts                                                                    */
/* ------------------------------------------------------------------------- */

void
hy_intake_alert_free (HyIntakeAlert *alert)
{
  if (alert == NULL)
    return;
  g_free (alert->id);
  g_free (alert->source);
  g_free (alert->computer);
  g_free (alert->computer_label);
  g_free (alert->policy);
  g_free (alert->policy_label);
  g_free (alert->summary);
  g_free (alert->details);
  g_free (alert->severity);
  g_free (alert->raised_at);
  g_free (alert->labels);
  g_free (alert);
}

void
hy_intake_alert_to_incoming (const HyIntakeAlert *alert, HySyncIncoming *out)
{
  *out = (HySyncIncoming){
    .id = alert->id,
    .source = alert->source,
    .computer = alert->computer,
    .computer_label = alert->computer_label,
    .policy = alert->policy,
    .policy_label = alert->policy_label,
    .summary = alert->summary,
    .details = alert->details,
    .severity = alert->severity,
    .raised_at = alert->raised_at,
    .labels = alert->labels,
    .resolved = alert->resolved,
  };
}

static JsonNode *
parse (const char *data, gsize length, GError **error)
{
  g_autoptr (JsonParser) parser = json_parser_new_immutable ();
  g_autoptr (GError) local = NULL;

  if (length == 0)
    {
      g_set_error_literal (error, HY_INTAKE_ERROR, HY_INTAKE_ERROR_INVALID,
                           _ ("The request has no body: send the alerts as JSON"));
      return NULL;
    }
  if (!g_utf8_validate_len (data, length, NULL))
    {
      g_set_error_literal (error, HY_INTAKE_ERROR, HY_INTAKE_ERROR_INVALID,
                           _ ("The body is not UTF-8 text: send the alerts as JSON in UTF-8"));
      return NULL;
    }
  if (!hy_json_guard_check (data, length, HY_INTAKE_MAX_DEPTH, &local))
    {
      /* Translators: %s says what is wrong, such as "it is nested more than 32 levels deep" */
      g_set_error (error, HY_INTAKE_ERROR, HY_INTAKE_ERROR_INVALID,
                   _ ("The alerts were refused, nothing was stored: %s. Send them as the format "
                      "describes them"),
                   local->message);
      return NULL;
    }
  if (!json_parser_load_from_data (parser, data, (gssize) length, &local))
    {
      /* Translators: %s is the JSON parser's own message, which says where */
      g_set_error (error, HY_INTAKE_ERROR, HY_INTAKE_ERROR_INVALID,
                   _ ("The body is not valid JSON: %s"), local->message);
      return NULL;
    }
  return json_parser_steal_root (parser);
}

/* ------------------------------------------------------------------------- */
/* Members                                                                   */
/* ------------------------------------------------------------------------- */

static gboolean invalid (GError **error, const char *format, ...) G_GNUC_PRINTF (2, 3);

static gboolean
invalid (GError **error, const char *format, ...)
{
  va_list args;
  g_autofree char *message = NULL;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error_literal (error, HY_INTAKE_ERROR, HY_INTAKE_ERROR_INVALID, message);
  return FALSE;
}

/* The string member @name of @object at @where; NULL (no error) when absent and optional. */
static gboolean
get_string (JsonObject *object,
            const char *where,
            const char *name,
            gboolean required,
            const char **out,
            GError **error)
{
  JsonNode *node = json_object_get_member (object, name);

  *out = NULL;
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    {
      if (required)
        /* Translators: "alerts[2] has no “fingerprint”: ..." */
        return invalid (error, _ ("%s has no “%s”: it is required"), where, name);
      return TRUE;
    }
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    /* Translators: "alerts[2].status must be a string" */
    return invalid (error, _ ("%s.%s must be a string"), where, name);
  *out = json_node_get_string (node);
  if (required && **out == '\0')
    /* Translators: "alerts[2].fingerprint is empty: ..." */
    return invalid (error, _ ("%s.%s is empty: it is required"), where, name);
  return TRUE;
}

/* A JSON object of strings (labels, annotations), each at most HY_INTAKE_MAX_LABEL characters
 * (annotations: any length); NULL when absent and optional. */
static gboolean
get_string_map (JsonObject *object,
                const char *where,
                const char *name,
                gboolean limit,
                JsonObject **out,
                GError **error)
{
  JsonNode *node = json_object_get_member (object, name);
  JsonObjectIter iter;
  const char *key;
  JsonNode *value;

  *out = NULL;
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;
  if (!JSON_NODE_HOLDS_OBJECT (node))
    /* Translators: "alerts[2].labels must be an object of strings" */
    return invalid (error, _ ("%s.%s must be an object of strings"), where, name);
  json_object_iter_init (&iter, json_node_get_object (node));
  while (json_object_iter_next (&iter, &key, &value))
    {
      glong chars;

      if (!JSON_NODE_HOLDS_VALUE (value) || json_node_get_value_type (value) != G_TYPE_STRING)
        /* Translators: "alerts[2].labels.instance must be a string" */
        return invalid (error, _ ("%s.%s.%s must be a string"), where, name, key);
      if (!limit)
        continue;
      chars = MAX (g_utf8_strlen (key, -1), g_utf8_strlen (json_node_get_string (value), -1));
      if (chars > HY_INTAKE_MAX_LABEL)
        /* Translators: "alerts[2].labels.instance is 10000 characters long: ..." */
        return invalid (error,
                        _ ("%s.%s.%s is %'ld characters long: Halyard takes label names and "
                           "values of at most %'d characters"),
                        where, name, g_utf8_strlen (key, 64) >= 64 ? "…" : key, chars,
                        HY_INTAKE_MAX_LABEL);
    }
  *out = json_node_get_object (node);
  return TRUE;
}

static const char *
map_get (JsonObject *map, const char *name)
{
  JsonNode *node;

  if (map == NULL || name == NULL || !json_object_has_member (map, name))
    return NULL;
  node = json_object_get_member (map, name);
  return JSON_NODE_HOLDS_VALUE (node) ? json_node_get_string (node) : NULL;
}

/* The host of an instance label: "web01:9100" → "web01", "[::1]:9100" → "::1",
 * "https://web01.example:443/health" → "web01.example"; a bare IPv6 address stays as is. */
static char *
strip_port (const char *instance)
{
  const char *colon;

  if (strstr (instance, "://") != NULL)
    {
      g_autoptr (GUri) uri = g_uri_parse (instance, G_URI_FLAGS_NONE, NULL);
      if (uri != NULL && g_uri_get_host (uri) != NULL && *g_uri_get_host (uri) != '\0')
        return g_strdup (g_uri_get_host (uri));
      return g_strdup (instance);
    }
  if (instance[0] == '[')
    {
      const char *close = strchr (instance, ']');
      if (close != NULL)
        return g_strndup (instance + 1, close - instance - 1);
      return g_strdup (instance);
    }
  colon = strchr (instance, ':');
  if (colon != NULL && strchr (colon + 1, ':') == NULL)
    return g_strndup (instance, colon - instance);
  return g_strdup (instance);
}

static char *
labels_to_json (JsonObject *labels)
{
  g_autoptr (JsonNode) node = NULL;

  if (labels == NULL)
    return NULL;
  node = json_node_init_object (json_node_alloc (), labels);
  return json_to_string (node, FALSE);
}

static int
compare_strings (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

/* The ticket's details: the description, the labels one per line, and where it came from. */
static char *
alertmanager_details (const char *description, JsonObject *labels, const char *generator_url)
{
  g_autoptr (GString) out = g_string_new (NULL);

  if (description != NULL && *description != '\0')
    g_string_append_printf (out, "%s\n\n", description);
  if (labels != NULL && json_object_get_size (labels) > 0)
    {
      g_autoptr (GList) names = json_object_get_members (labels);
      g_autoptr (GPtrArray) sorted = g_ptr_array_new ();

      for (GList *l = names; l != NULL; l = l->next)
        g_ptr_array_add (sorted, l->data);
      g_ptr_array_sort (sorted, compare_strings);
      /* Translators: a heading in a ticket's details, followed by the alert's labels */
      g_string_append_printf (out, "%s\n", _ ("Labels:"));
      for (guint i = 0; i < sorted->len; i++)
        {
          const char *name = g_ptr_array_index (sorted, i);
          g_string_append_printf (out, "  %s = %s\n", name, map_get (labels, name));
        }
    }
  if (generator_url != NULL && *generator_url != '\0')
    {
      if (out->len > 0)
        g_string_append_c (out, '\n');
      /* Translators: in a ticket's details; %s is the link to the alert's source (Prometheus) */
      g_string_append_printf (out, _ ("Source: %s"), generator_url);
      g_string_append_c (out, '\n');
    }
  while (out->len > 0 && out->str[out->len - 1] == '\n')
    g_string_truncate (out, out->len - 1);
  return out->len > 0 ? g_string_free (g_steal_pointer (&out), FALSE) : NULL;
}

/* The computer an alert names, and the label that names it: the configured label, or the
 * first of the default labels the alert has (an "instance" loses its port) */
static void
find_computer (HyIntakeAlert *alert, JsonObject *labels, const HyIntakeInfo *settings)
{
  const char *computer = NULL;

  if (settings != NULL && settings->computer_label != NULL)
    {
      alert->computer_label = g_strdup (settings->computer_label);
      computer = map_get (labels, settings->computer_label);
      if (computer != NULL && g_str_equal (settings->computer_label, "instance"))
        alert->computer = strip_port (computer);
      else
        alert->computer = g_strdup (computer);
    }
  else
    {
      for (guint i = 0; i < G_N_ELEMENTS (default_computer_labels) && computer == NULL; i++)
        {
          computer = map_get (labels, default_computer_labels[i]);
          if (computer != NULL && *computer == '\0')
            computer = NULL;
          if (computer != NULL)
            {
              alert->computer_label = g_strdup (default_computer_labels[i]);
              alert->computer = i == 0 ? strip_port (computer) : g_strdup (computer);
            }
        }
      if (alert->computer_label == NULL)
        alert->computer_label = g_strdup (DEFAULT_COMPUTER_LABELS);
    }
}

/* One Alertmanager alert (a webhook's or the API's: the same members, but for the status). */
static HyIntakeAlert *
read_alertmanager_alert (JsonNode *node,
                         const char *where,
                         gboolean from_api,
                         const HyIntakeInfo *settings,
                         GError **error)
{
  g_autoptr (HyIntakeAlert) alert = g_new0 (HyIntakeAlert, 1);
  JsonObject *object;
  JsonObject *labels = NULL;
  JsonObject *annotations = NULL;
  const char *fingerprint;
  const char *status = NULL;
  const char *starts_at;
  const char *generator_url;
  const char *summary;
  const char *description;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    /* Translators: "alerts[2] must be an object" */
    return invalid (error, _ ("%s must be an object"), where), NULL;
  object = json_node_get_object (node);
  if (!get_string (object, where, "fingerprint", TRUE, &fingerprint, error) ||
      !get_string (object, where, "startsAt", FALSE, &starts_at, error) ||
      !get_string (object, where, "generatorURL", FALSE, &generator_url, error) ||
      !get_string_map (object, where, "labels", TRUE, &labels, error) ||
      !get_string_map (object, where, "annotations", FALSE, &annotations, error))
    return NULL;
  if (labels == NULL)
    return invalid (error, _ ("%s has no “%s”: it is required"), where, "labels"), NULL;
  if (from_api)
    {
      JsonNode *state = json_object_get_member (object, "status");
      g_autofree char *status_where = g_strconcat (where, ".status", NULL);

      if (state == NULL || !JSON_NODE_HOLDS_OBJECT (state))
        /* Translators: "[2].status must be an object with a “state”" */
        return invalid (error, _ ("%s must be an object with a “state”"), status_where), NULL;
      if (!get_string (json_node_get_object (state), status_where, "state", TRUE, &status, error))
        return NULL;
      alert->suppressed = g_str_equal (status, "suppressed");
    }
  else
    {
      if (!get_string (object, where, "status", TRUE, &status, error))
        return NULL;
      if (!g_str_equal (status, "firing") && !g_str_equal (status, "resolved"))
        /* Translators: "alerts[2].status is “open”: ..." */
        return invalid (error, _ ("%s.status is “%s”: it must be “firing” or “resolved”"), where,
                        status),
               NULL;
      alert->resolved = g_str_equal (status, "resolved");
    }

  alert->id = g_strconcat (HY_INTAKE_ALERTMANAGER_PREFIX, fingerprint, NULL);
  alert->source = g_strdup ("alertmanager");
  find_computer (alert, labels, settings);
  alert->policy_label =
      g_strdup (settings != NULL && settings->policy_label != NULL ? settings->policy_label
                                                                   : DEFAULT_POLICY_LABEL);
  alert->policy = g_strdup (map_get (labels, alert->policy_label));

  summary = map_get (annotations, "summary");
  if (summary == NULL || *summary == '\0')
    summary = map_get (labels, "alertname");
  if (summary == NULL || *summary == '\0')
    summary = fingerprint;
  alert->summary = g_strdup (summary);
  description = map_get (annotations, "description");
  if (description == NULL)
    description = map_get (annotations, "message");
  alert->details = alertmanager_details (description, labels, generator_url);
  alert->severity = g_strdup (map_get (labels, "severity"));
  alert->raised_at = g_strdup (starts_at);
  alert->labels = labels_to_json (labels);
  return g_steal_pointer (&alert);
}

/* Every alert of @array; @name is the array's in messages ("alerts[3]"; "" for a bare array:
 * "[3]"), @from_list says it is Alertmanager's own list of alerts rather than a notification. */
static GPtrArray *
read_alertmanager_alerts (JsonArray *array,
                          const char *name,
                          gboolean from_list,
                          const HyIntakeInfo *settings,
                          GError **error)
{
  g_autoptr (GPtrArray) alerts =
      g_ptr_array_new_with_free_func ((GDestroyNotify) hy_intake_alert_free);

  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      g_autofree char *where = g_strdup_printf ("%s[%u]", name, i);
      HyIntakeAlert *alert = read_alertmanager_alert (json_array_get_element (array, i), where,
                                                      from_list, settings, error);

      if (alert == NULL)
        return NULL;
      g_ptr_array_add (alerts, alert);
    }
  return g_steal_pointer (&alerts);
}

/* ------------------------------------------------------------------------- */
/* Public API                                                                */
/* ------------------------------------------------------------------------- */

GPtrArray *
hy_intake_parse_alertmanager (const char *data,
                              gsize length,
                              const HyIntakeInfo *settings,
                              GError **error)
{
  g_autoptr (JsonNode) root = parse (data, length, error);
  JsonObject *object;
  JsonNode *list;
  const char *version;

  if (root == NULL)
    return NULL;
  if (!JSON_NODE_HOLDS_OBJECT (root))
    return invalid (error, _ ("An Alertmanager notification must be a JSON object with "
                              "“version” and “alerts”: point Alertmanager’s webhook_configs at "
                              "/api/v1/alerts/alertmanager, and Halyard’s own format at "
                              "/api/v1/alerts")),
           NULL;
  object = json_node_get_object (root);
  if (!get_string (object, _ ("The notification"), "version", TRUE, &version, error))
    return NULL;
  if (!g_str_equal (version, "4"))
    /* Translators: %s is the version the notification says it is */
    return invalid (error,
                    _ ("The notification is of payload version “%s”: Halyard takes "
                       "Alertmanager’s webhook payload version 4"),
                    version),
           NULL;
  list = json_object_get_member (object, "alerts");
  if (list == NULL || !JSON_NODE_HOLDS_ARRAY (list))
    return invalid (error, _ ("The notification has no “alerts” array")), NULL;
  return read_alertmanager_alerts (json_node_get_array (list), "alerts", FALSE, settings, error);
}

GPtrArray *
hy_intake_parse_alertmanager_list (const char *data,
                                   gsize length,
                                   const HyIntakeInfo *settings,
                                   GError **error)
{
  g_autoptr (JsonNode) root = parse (data, length, error);

  if (root == NULL)
    return NULL;
  if (!JSON_NODE_HOLDS_ARRAY (root))
    return invalid (error, _ ("Alertmanager’s list of alerts is not a JSON array: check that "
                              "the Alertmanager URL is Alertmanager’s own address")),
           NULL;
  return read_alertmanager_alerts (json_node_get_array (root), "", TRUE, settings, error);
}

static const char *const halyard_members[] = { "id",      "computer", "policy", "summary",
                                               "details", "severity", "status" };

static HyIntakeAlert *
read_halyard_alert (JsonNode *node, const char *where, GError **error)
{
  g_autoptr (HyIntakeAlert) alert = g_new0 (HyIntakeAlert, 1);
  JsonObject *object;
  JsonObjectIter iter;
  const char *name;
  JsonNode *value;
  const char *id, *computer, *policy, *summary, *details, *severity, *status;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    return invalid (error, _ ("%s must be an object"), where), NULL;
  object = json_node_get_object (node);
  json_object_iter_init (&iter, object);
  while (json_object_iter_next (&iter, &name, &value))
    if (!g_strv_contains ((const char *const *) halyard_members, name))
      /* Translators: "alerts[2] has a member “sumary” that Halyard does not know: ..." */
      return invalid (error,
                      _ ("%s has a member “%s” that Halyard does not know: the members are id, "
                         "computer, policy, summary, details, severity and status"),
                      where, g_utf8_strlen (name, 64) >= 64 ? "…" : name),
             NULL;
  if (!get_string (object, where, "id", TRUE, &id, error) ||
      !get_string (object, where, "computer", TRUE, &computer, error) ||
      !get_string (object, where, "policy", TRUE, &policy, error) ||
      !get_string (object, where, "summary", TRUE, &summary, error) ||
      !get_string (object, where, "details", FALSE, &details, error) ||
      !get_string (object, where, "severity", FALSE, &severity, error) ||
      !get_string (object, where, "status", TRUE, &status, error))
    return NULL;
  if (!g_str_equal (status, "firing") && !g_str_equal (status, "resolved"))
    return invalid (error, _ ("%s.status is “%s”: it must be “firing” or “resolved”"), where,
                    status),
           NULL;
  if (g_utf8_strlen (id, -1) > HY_INTAKE_MAX_LABEL ||
      g_utf8_strlen (computer, -1) > HY_INTAKE_MAX_LABEL ||
      g_utf8_strlen (policy, -1) > HY_INTAKE_MAX_LABEL ||
      g_utf8_strlen (summary, -1) > HY_INTAKE_MAX_LABEL)
    /* Translators: %s says which alert, %'d is a number of characters */
    return invalid (error,
                    _ ("%s: the id, computer, policy and summary take at most %'d characters "
                       "each"),
                    where, HY_INTAKE_MAX_LABEL),
           NULL;

  alert->id = g_strdup (id);
  alert->source = g_strdup ("api");
  alert->computer = g_strdup (computer);
  alert->policy = g_strdup (policy);
  alert->summary = g_strdup (summary);
  alert->details = g_strdup (details);
  alert->severity = g_strdup (severity);
  alert->resolved = g_str_equal (status, "resolved");
  return g_steal_pointer (&alert);
}

GPtrArray *
hy_intake_parse_halyard (const char *data, gsize length, GError **error)
{
  g_autoptr (JsonNode) root = parse (data, length, error);
  g_autoptr (GPtrArray) alerts = NULL;

  if (root == NULL)
    return NULL;
  alerts = g_ptr_array_new_with_free_func ((GDestroyNotify) hy_intake_alert_free);
  if (JSON_NODE_HOLDS_ARRAY (root))
    {
      JsonArray *array = json_node_get_array (root);

      if (json_array_get_length (array) == 0)
        return invalid (error, _ ("The array of alerts is empty: send at least one alert")), NULL;
      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          g_autofree char *where = g_strdup_printf ("[%u]", i);
          HyIntakeAlert *alert =
              read_halyard_alert (json_array_get_element (array, i), where, error);
          if (alert == NULL)
            return NULL;
          g_ptr_array_add (alerts, alert);
        }
    }
  else if (JSON_NODE_HOLDS_OBJECT (root))
    {
      /* Translators: names the one alert of a request in error messages */
      HyIntakeAlert *alert = read_halyard_alert (root, _ ("The alert"), error);
      if (alert == NULL)
        return NULL;
      g_ptr_array_add (alerts, alert);
    }
  else
    return invalid (error, _ ("The body must be an alert object or an array of them: {\"id\", "
                              "\"computer\", \"policy\", \"summary\", \"status\"}")),
           NULL;
  return g_steal_pointer (&alerts);
}
