/* test-sim-fixture.c: the halyard-sim test programs' fixture and request helpers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "test-sim-fixture.h"

void
response_clear (Response *response)
{
  g_clear_pointer (&response->body, g_free);
  g_clear_pointer (&response->content_type, g_free);
  g_clear_pointer (&response->retry_after, g_free);
  g_clear_pointer (&response->www_authenticate, g_free);
  g_clear_error (&response->error);
}


/* ------------------------------------------------------------------------------------------ */
/* Helpers                                                                                    */
/* ------------------------------------------------------------------------------------------ */

void
send_full (Fixture *f,
           const char *method,
           const char *path,
           const char *token,
           const char *content_type,
           const char *body,
           Response *response)
{
  g_autofree char *url = g_strconcat (hy_sim_get_base_url (f->sim), path, NULL);
  g_autoptr (SoupMessage) msg = soup_message_new (method, url);
  g_autoptr (GBytes) bytes = NULL;
  SoupMessageHeaders *headers;
  const char *value;

  g_assert_nonnull (msg);
  if (token != NULL)
    {
      g_autofree char *authorization = g_strdup_printf ("Bearer %s", token);

      soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization",
                                    authorization);
    }

  if (body != NULL)
    {
      g_autoptr (GBytes) request = g_bytes_new (body, strlen (body));

      soup_message_set_request_body_from_bytes (msg, content_type, request);
    }

  bytes = soup_session_send_and_read (f->session, msg, NULL, &response->error);
  if (bytes == NULL)
    return;

  headers = soup_message_get_response_headers (msg);
  response->status = soup_message_get_status (msg);
  response->body = g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  value = soup_message_headers_get_content_type (headers, NULL);
  response->content_type = g_strdup (value);
  response->retry_after = g_strdup (soup_message_headers_get_one (headers, "Retry-After"));
  response->www_authenticate =
      g_strdup (soup_message_headers_get_one (headers, "WWW-Authenticate"));
}

guint
api_get (Fixture *f, const char *path, Response *response)
{
  send_full (f, "GET", path, f->token, NULL, NULL, response);
  g_assert_no_error (response->error);
  return response->status;
}

guint
api_post (Fixture *f, const char *path, const char *json, Response *response)
{
  send_full (f, "POST", path, f->token, "application/json", json, response);
  g_assert_no_error (response->error);
  return response->status;
}

JsonNode *
parse (const char *text)
{
  g_autoptr (GError) error = NULL;
  JsonNode *node = json_from_string (text, &error);

  g_assert_no_error (error);
  g_assert_nonnull (node);
  return node;
}

guint
get_status (Fixture *f, const char *path)
{
  g_auto (Response) response = { 0 };

  return api_get (f, path, &response);
}

guint
post_status (Fixture *f, const char *path, const char *json)
{
  g_auto (Response) response = { 0 };

  return api_post (f, path, json, &response);
}

JsonNode *
get_json (Fixture *f, const char *path)
{
  g_auto (Response) response = { 0 };

  g_assert_cmpuint (api_get (f, path, &response), ==, 200);
  return parse (response.body);
}

JsonNode *
post_json (Fixture *f, const char *path, const char *json, guint status)
{
  g_auto (Response) response = { 0 };

  g_assert_cmpuint (api_post (f, path, json, &response), ==, status);
  return parse (response.body);
}

char *
get_token (Fixture *f, const char *query, const char *form, guint *status)
{
  g_auto (Response) response = { 0 };
  g_autofree char *path = g_strconcat ("/auth/token", query, NULL);
  g_autoptr (JsonNode) node = NULL;

  send_full (f, "POST", path, NULL, "application/x-www-form-urlencoded", form, &response);
  g_assert_no_error (response.error);
  *status = response.status;
  if (response.status != 200)
    return g_steal_pointer (&response.body);

  node = parse (response.body);
  return g_strdup (json_object_get_string_member (json_node_get_object (node), "access_token"));
}

char *
token_for_scope (Fixture *f, const char *scope)
{
  g_autofree char *form = g_strdup_printf ("grant_type=client_credentials&client_id=halyard-demo&"
                                           "client_secret=demo-secret&scope=%s",
                                           scope);
  guint status;
  char *token = get_token (f, "?tenant=demo", form, &status);

  g_assert_cmpuint (status, ==, 200);
  return token;
}

guint
state_count (Fixture *f, const char *key)
{
  g_autoptr (JsonNode) state = hy_sim_dump_state (f->sim);

  return json_array_get_length (json_object_get_array_member (json_node_get_object (state), key));
}

JsonObject *
state_find (Fixture *f, const char *key, gint64 id)
{
  g_autoptr (JsonNode) state = hy_sim_dump_state (f->sim);
  JsonArray *array = json_object_get_array_member (json_node_get_object (state), key);

  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *row = json_array_get_object_element (array, i);

      if (json_object_get_int_member (row, "id") == id)
        return json_object_ref (row);
    }

  return NULL;
}

JsonArray *
wrapped_list (const char *body, const char *key, gint64 *record_count)
{
  g_autoptr (JsonNode) node = parse (body);
  JsonObject *object;

  g_assert_true (JSON_NODE_HOLDS_OBJECT (node));
  object = json_node_get_object (node);
  g_assert_true (json_object_has_member (object, "record_count"));
  if (record_count != NULL)
    *record_count = json_object_get_int_member (object, "record_count");

  return json_array_ref (json_object_get_array_member (object, key));
}

JsonArray *
bare_list (const char *body)
{
  g_autoptr (JsonNode) node = parse (body);

  g_assert_true (JSON_NODE_HOLDS_ARRAY (node));
  return json_array_ref (json_node_get_array (node));
}

JsonArray *
get_list (Fixture *f, const char *path, const char *key, gint64 *record_count)
{
  g_auto (Response) response = { 0 };

  g_assert_cmpuint (api_get (f, path, &response), ==, 200);
  return wrapped_list (response.body, key, record_count);
}

JsonArray *
get_bare_list (Fixture *f, const char *path)
{
  g_auto (Response) response = { 0 };

  g_assert_cmpuint (api_get (f, path, &response), ==, 200);
  return bare_list (response.body);
}

gint64
list_total (Fixture *f, const char *path, const char *key)
{
  g_autoptr (JsonArray) list = NULL;
  gint64 total;

  list = get_list (f, path, key, &total);
  g_assert_nonnull (list);
  return total;
}

/* Loopback needs no proxy, and the system's proxy settings need GSettings schemas. */
SoupSession *
new_session (void)
{
  g_autoptr (GProxyResolver) direct = g_simple_proxy_resolver_new (NULL, NULL);

  return soup_session_new_with_options ("proxy-resolver", direct, "timeout", 10, NULL);
}

void
fixture_set_up (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  HySimGenerateOptions options;

  hy_sim_generate_options_init (&options);
  f->clock = hy_clock_new_manual ();
  f->sim = hy_sim_new ();
  hy_sim_set_clock (f->sim, hy_test_clock_monotonic, f->clock);
  hy_sim_generate (f->sim, &options);
  g_assert_true (hy_sim_start (f->sim, 0, &error));
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (hy_sim_get_base_url (f->sim), "http://127.0.0.1:"));

  f->session = new_session ();
  f->token = token_for_scope (f, "all");
}

void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  g_clear_object (&f->session);
  hy_sim_stop (f->sim);
  g_assert_finalize_object (f->sim);
  g_clear_object (&f->clock);
  g_clear_pointer (&f->token, g_free);
}
