/* test-halo-url.c: the address table, ids, error bodies, redaction, the budget's lanes
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <locale.h>

#include "halo/hy-halo-client.h"

static void
test_url_table (void)
{
  static const struct
  {
    const char *input;
    const char *expected; /* NULL: an error */
    int code;
  } table[] = {
    { "https://acme.halopsa.com", "https://acme.halopsa.com", 0 },
    { "https://acme.halopsa.com/", "https://acme.halopsa.com", 0 },
    { "https://acme.halopsa.com///", "https://acme.halopsa.com", 0 },
    { "acme.halopsa.com", "https://acme.halopsa.com", 0 },
    { "  https://acme.halopsa.com/api/  ", "https://acme.halopsa.com", 0 },
    { "https://acme.halopsa.com/api", "https://acme.halopsa.com", 0 },
    { "https://acme.halopsa.com/auth", "https://acme.halopsa.com", 0 },
    { "https://acme.halopsa.com/auth/", "https://acme.halopsa.com", 0 },
    { "HTTPS://Acme.HaloPSA.com/API", "https://acme.halopsa.com", 0 },
    { "https://acme.halopsa.com:443/", "https://acme.halopsa.com", 0 },
    { "https://halo.example.edu:8443/halo/api", "https://halo.example.edu:8443/halo", 0 },
    { "acme", "https://acme.halopsa.com", 0 },
    { " Acme-IT ", "https://acme-it.halopsa.com", 0 },
    { "http://127.0.0.1:8080", "http://127.0.0.1:8080", 0 },
    { "http://127.0.0.1:8080/api/", "http://127.0.0.1:8080", 0 },
    { "http://127.1.2.3", "http://127.1.2.3", 0 },
    { "http://localhost:3000/", "http://localhost:3000", 0 },
    { "http://[::1]:9000/auth", "http://[::1]:9000", 0 },
    { "http://acme.halopsa.com", NULL, HY_HALO_ERROR_INSECURE_URL },
    { "http://10.0.0.5", NULL, HY_HALO_ERROR_INSECURE_URL },
    { "http://128.0.0.1", NULL, HY_HALO_ERROR_INSECURE_URL },
    { "", NULL, HY_HALO_ERROR_INVALID_URL },
    { "   ", NULL, HY_HALO_ERROR_INVALID_URL },
    { "ftp://acme.halopsa.com", NULL, HY_HALO_ERROR_INVALID_URL },
    { "mailto:someone@acme.com", NULL, HY_HALO_ERROR_INVALID_URL },
    { "https://acme halopsa.com", NULL, HY_HALO_ERROR_INVALID_URL },
    { "acme halopsa", NULL, HY_HALO_ERROR_INVALID_URL },
    { "https://", NULL, HY_HALO_ERROR_INVALID_URL },
    { "https://acme.halopsa.com/?x=1", NULL, HY_HALO_ERROR_INVALID_URL },
    { "https://user:pw@acme.halopsa.com", NULL, HY_HALO_ERROR_INVALID_URL },
    { "https://acme!.halopsa.com", NULL, HY_HALO_ERROR_INVALID_URL },
    { "not a url", NULL, HY_HALO_ERROR_INVALID_URL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (table); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autofree char *url = hy_halo_normalize_url (table[i].input, &error);

      g_test_message ("“%s” → %s", table[i].input, url ? url : error->message);
      if (table[i].expected)
        {
          g_assert_no_error (error);
          g_assert_cmpstr (url, ==, table[i].expected);
        }
      else
        {
          g_assert_null (url);
          g_assert_error (error, HY_HALO_ERROR, table[i].code);
          g_assert_nonnull (strstr (error->message, "://") ? error->message : NULL);
        }
    }
}

static void
test_client_new_errors (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (HyHaloClient) client = NULL;

  client = hy_halo_client_new ("http://acme.example.com", NULL, "id", "secret", NULL, &error);
  g_assert_error (error, HY_HALO_ERROR, HY_HALO_ERROR_INSECURE_URL);
  g_assert_null (client);
  g_clear_error (&error);
  client = hy_halo_client_new ("acme", NULL, " ", "secret", NULL, &error);
  g_assert_error (error, HY_HALO_ERROR, HY_HALO_ERROR_INVALID_CLIENT);
  g_clear_error (&error);
  client = hy_halo_client_new ("acme", NULL, "id", "", NULL, &error);
  g_assert_error (error, HY_HALO_ERROR, HY_HALO_ERROR_INVALID_CLIENT);
  g_clear_error (&error);
  client = hy_halo_client_new (" acme ", " acme ", "id", "s3cret", "  ", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (hy_halo_client_get_base_url (client), ==, "https://acme.halopsa.com");
  g_assert_cmpstr (hy_halo_client_get_tenant (client), ==, "acme");
  g_assert_cmpstr (hy_halo_client_get_scopes (client), ==, "all");
  g_clear_object (&client);
  /* hosted: the subdomain is the tenant until discovery says otherwise */
  client = hy_halo_client_new ("https://acme-it.halopsa.com/api", NULL, "id", "s3cret",
                               "read:assets", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (hy_halo_client_get_tenant (client), ==, "acme-it");
  g_assert_cmpstr (hy_halo_client_get_scopes (client), ==, "read:assets");
  g_clear_object (&client);
  client = hy_halo_client_new ("https://halo.example.edu/halo", NULL, "id", "s3cret", NULL, &error);
  g_assert_no_error (error);
  g_assert_null (hy_halo_client_get_tenant (client));
}

static void
test_ids (void)
{
  static const struct
  {
    const char *json;
    gboolean ok;
    gint64 id;
  } table[] = {
    { "12", TRUE, 12 },       { "12.0", TRUE, 12 },     { "\"12\"", TRUE, 12 },
    { "\" 12 \"", TRUE, 12 }, { "\"12.0\"", TRUE, 12 }, { "12.5", FALSE, 0 },
    { "\"abc\"", FALSE, 0 },  { "null", FALSE, 0 },     { "true", FALSE, 0 },
    { "\"\"", FALSE, 0 },     { "-3", TRUE, -3 },       { "4294967297", TRUE, 4294967297 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (table); i++)
    {
      g_autoptr (JsonNode) node = json_from_string (table[i].json, NULL);
      gint64 id = -99;

      g_assert_cmpint (hy_halo_json_parse_id (node, &id), ==, table[i].ok);
      g_assert_cmpint (id, ==, table[i].id);
    }

  /* emitted without decimals */
  {
    g_autoptr (JsonNode) node =
        json_from_string ("[{\"id\":95.0,\"client_id\":\"12\",\"site_id\":3.5,\"name\":\"12.0\","
                          "\"third_party_id\":\"00123\",\"fields\":[{\"id\":\"101\",\"value\":7.0}]"
                          "}]",
                          NULL);
    g_autofree char *out = NULL;

    hy_halo_json_normalize_ids (node);
    out = json_to_string (node, FALSE);
    g_assert_cmpstr (out, ==,
                     "[{\"id\":95,\"client_id\":12,\"site_id\":3.5,\"name\":\"12.0\","
                     "\"third_party_id\":\"00123\",\"fields\":[{\"id\":101,\"value\":7.0}]}]");
  }
}

static void
test_record (void)
{
  g_autoptr (JsonNode) node =
      json_from_string ("{\"id\":\"77\",\"client_id\":12.0,\"site_id\":3,\"inventory_number\":\"A-"
                        "1\",\"inactive\":\"true\","
                        "\"emailaddress\":\"bob@acme.example\"}",
                        NULL);
  g_autoptr (HyHaloRecord) record =
      hy_halo_record_new (HY_HALO_KIND_ASSET, json_node_get_object (node));

  g_assert_cmpint (hy_halo_record_get_id (record), ==, 77);
  g_assert_cmpint (hy_halo_record_get_client_id (record), ==, 12);
  g_assert_cmpint (hy_halo_record_get_site_id (record), ==, 3);
  g_assert_cmpstr (hy_halo_record_get_name (record), ==, "A-1");
  g_assert_cmpstr (hy_halo_record_get_email (record), ==, "bob@acme.example");
  g_assert_true (hy_halo_record_get_boolean (record, "inactive"));
  g_assert_false (hy_halo_record_get_boolean (record, "missing"));
  g_assert_cmpint (hy_halo_record_get_int (record, "missing"), ==, 0);
}

static void
test_error_bodies (void)
{
  static const struct
  {
    const char *body;
    const char *text;
  } table[] = {
    { "{\"error\":\"invalid_client\"}", "invalid_client" },
    { "{\"error\":\"invalid_grant\",\"error_description\":\"Bad secret\"}",
      "Bad secret (invalid_grant)" },
    { "{\"error_description\":\"Token expired\"}", "Token expired" },
    { "{\"Message\":\"An Outcome must be entered for this Action\"}",
      "An Outcome must be entered for this Action" },
    { "{\"message\":\"lower case\"}", "lower case" },
    { "{\"ClassName\":\"HaloException\",\"Message\":\"CODE:APP03/2 Please select the CAB members "
      "to approve\"}",
      "CODE:APP03/2 Please select the CAB members to approve" },
    { "{\"resultCode\":3,\"errorMessage\":\"Invalid advanced search parameter\"}",
      "Invalid advanced search parameter" },
    { "{\"errors\":{\"summary\":[\"The summary is required\"]},\"title\":\"One or more validation "
      "errors occurred.\"}",
      "summary: The summary is required" },
    { "{\"[0].id\":[\"Record not found\"],\"[0].name\":[\"Too long\",\"Bad\"]}",
      "[0].id: Record not found; [0].name: Too long; [0].name: Bad" },
    { "\"Just a JSON string\"", "Just a JSON string" },
    { "  Plain text failure\n", "Plain text failure" },
    { "Rate Limit Reached - 300 Requests per rolling 5 minute window",
      "Rate Limit Reached - 300 Requests per rolling 5 minute window" },
    { "<html><body>Bad gateway</body></html>", NULL },
    { "", NULL },
    { "{}", NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (table); i++)
    {
      g_autofree char *text = hy_halo_error_extract_text (table[i].body, strlen (table[i].body));
      g_assert_cmpstr (text, ==, table[i].text);
    }
}

static void
test_status_errors (void)
{
  static const struct
  {
    guint status;
    const char *method;
    const char *path;
    const char *body;
    gboolean token;
    int code;
    const char *contains;
  } table[] = {
    { 401, "POST", "/auth/token", "{\"error\":\"invalid_client\"}", TRUE,
      HY_HALO_ERROR_INVALID_CLIENT, "Client ID" },
    { 400, "POST", "/auth/token", "{\"error\":\"invalid_scope\"}", TRUE,
      HY_HALO_ERROR_INVALID_SCOPE, "invalid_scope" },
    { 401, "GET", "/api/Client", "", FALSE, HY_HALO_ERROR_UNAUTHORIZED, "GET /api/Client" },
    { 403, "GET", "/api/Client?pageinate=true", "", FALSE, HY_HALO_ERROR_FORBIDDEN,
      "read:customers" },
    { 403, "POST", "/api/Asset", "", FALSE, HY_HALO_ERROR_FORBIDDEN, "edit:assets" },
    { 403, "GET", "/api/Actions?ticket_id=1", "", FALSE, HY_HALO_ERROR_FORBIDDEN, "read:tickets" },
    { 403, "GET", "/api/Agent/me", "", FALSE, HY_HALO_ERROR_FORBIDDEN, "“all”" },
    { 404, "GET", "/api/Tickets/5", "", FALSE, HY_HALO_ERROR_NOT_FOUND, "/api/Tickets/5" },
    { 400, "POST", "/api/Actions", "{\"Message\":\"An Outcome must be entered for this Action\"}",
      FALSE, HY_HALO_ERROR_BAD_REQUEST, "An Outcome must be entered for this Action" },
    { 409, "POST", "/api/Tickets", "conflict text", FALSE, HY_HALO_ERROR_BAD_REQUEST,
      "conflict text" },
    { 429, "GET", "/api/Client", "Rate Limit Reached", FALSE, HY_HALO_ERROR_RATE_LIMITED,
      "Rate Limit Reached" },
    { 500, "GET", "/api/Client", "{\"ClassName\":\"X\",\"Message\":\"boom\"}", FALSE,
      HY_HALO_ERROR_SERVER_ERROR, "boom" },
    { 503, "GET", "/api/Client", "", FALSE, HY_HALO_ERROR_UNAVAILABLE, "503" },
    { 502, "POST", "/auth/token", "", TRUE, HY_HALO_ERROR_UNAVAILABLE, "502" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (table); i++)
    {
      g_autoptr (GError) error =
          hy_halo_error_from_status (table[i].status, table[i].method, table[i].path, table[i].body,
                                     strlen (table[i].body), table[i].token);
      g_test_message ("%u %s → %s", table[i].status, table[i].path, error->message);
      g_assert_error (error, HY_HALO_ERROR, table[i].code);
      g_assert_nonnull (strstr (error->message, table[i].contains));
      g_assert_null (strstr (error->message, "?pageinate"));
    }
}

static void
test_redaction (void)
{
  const char *secrets[] = { "s3cret-value", "tok-123456", NULL };
  const char *body =
      "{\"access_token\":\"tok-123456\",\"refresh_token\":\"r\",\"id_token\":\"i\","
      "\"nested\":[{\"client_secret\":\"x\",\"note\":\"see tok-123456 and s3cret-value\"}],"
      "\"expires_in\":3600}";
  g_autofree char *out = hy_halo_redact_body (body, strlen (body), secrets);
  g_autofree char *text = hy_halo_redact_body ("a=s3cret-value&b=tok-123456", 27, secrets);
  g_autofree char *big_body = g_strnfill (20000, 'x');
  g_autofree char *big = hy_halo_redact_body (big_body, 20000, NULL);

  g_assert_null (strstr (out, "tok-123456"));
  g_assert_null (strstr (out, "s3cret-value"));
  g_assert_null (strstr (out, "\"r\""));
  g_assert_nonnull (strstr (out, "\"expires_in\":3600"));
  g_assert_cmpstr (text, ==, "a=[redacted]&b=[redacted]");
  g_assert_cmpuint (strlen (big), <=, HY_HALO_EVENT_BODY_MAX + 4);
  g_assert_null (hy_halo_redact_body (NULL, 0, NULL));
}

/* The budget: 2 per 200 ms; a bulk backlog, then interactive and alert requests overtake it */
typedef struct
{
  GString *order;
  guint left;
  GMainLoop *loop;
} BudgetFixture;

static void
granted_bulk (gpointer user_data)
{
  BudgetFixture *f = user_data;
  g_string_append_c (f->order, 'b');
  if (--f->left == 0)
    g_main_loop_quit (f->loop);
}

static void
granted_alert (gpointer user_data)
{
  BudgetFixture *f = user_data;
  g_string_append_c (f->order, 'a');
  if (--f->left == 0)
    g_main_loop_quit (f->loop);
}

static void
granted_interactive (gpointer user_data)
{
  BudgetFixture *f = user_data;
  g_string_append_c (f->order, 'i');
  if (--f->left == 0)
    g_main_loop_quit (f->loop);
}

static void
test_budget_lanes (void)
{
  g_autoptr (HyHaloBudget) budget = hy_halo_budget_new (2, 200);
  BudgetFixture f = { g_string_new (NULL), 8, g_main_loop_new (NULL, FALSE) };
  HyHaloBudgetWaiter *withdrawn;
  gint64 start = g_get_monotonic_time ();

  for (guint i = 0; i < 6; i++)
    hy_halo_budget_acquire (budget, HY_HALO_PRIORITY_BULK, granted_bulk, &f);
  withdrawn = hy_halo_budget_acquire (budget, HY_HALO_PRIORITY_BULK, granted_bulk, &f);
  g_assert_true (hy_halo_budget_withdraw (budget, withdrawn));
  g_assert_cmpstr (f.order->str, ==, "");
  hy_halo_budget_dispatch (budget);
  /* 2 granted at once, 4 waiting */
  g_assert_cmpstr (f.order->str, ==, "bb");
  hy_halo_budget_acquire (budget, HY_HALO_PRIORITY_ALERT, granted_alert, &f);
  hy_halo_budget_acquire (budget, HY_HALO_PRIORITY_INTERACTIVE, granted_interactive, &f);
  hy_halo_budget_dispatch (budget);
  g_assert_cmpstr (f.order->str, ==, "bb");
  g_assert_cmpuint (hy_halo_budget_get_used (budget), ==, 2);
  g_assert_cmpuint (hy_halo_budget_get_waiting (budget), ==, 6);
  g_main_loop_run (f.loop);
  g_assert_cmpstr (f.order->str, ==, "bbiabbbb");
  /* 8 grants at 2 per 200 ms: at least 3 windows */
  g_assert_cmpint (g_get_monotonic_time () - start, >=, 600 * 1000 - 20000);
  g_string_free (f.order, TRUE);
  g_main_loop_unref (f.loop);
}

int
main (int argc, char **argv)
{
  setlocale (LC_ALL, "C.UTF-8");
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  g_test_add_func ("/halo/url/table", test_url_table);
  g_test_add_func ("/halo/url/client-new", test_client_new_errors);
  g_test_add_func ("/halo/json/ids", test_ids);
  g_test_add_func ("/halo/json/record", test_record);
  g_test_add_func ("/halo/errors/bodies", test_error_bodies);
  g_test_add_func ("/halo/errors/status", test_status_errors);
  g_test_add_func ("/halo/events/redaction", test_redaction);
  g_test_add_func ("/halo/budget/lanes", test_budget_lanes);
  return g_test_run ();
}
