/* test-halo-hostile.c: HyHaloClient against a server that does not behave: numbers json-glib
 * cannot keep, JSON nested 100 000 levels deep in every answer Halyard parses, empty and
 * mistyped token and discovery answers, a token request echoed back with the secret in it,
 * redirects, and a server that accepts connections and never answers.
 *
 * Run with G_DEBUG=fatal-criticals (the suite's environment): a Json-CRITICAL fails the test.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <libsoup/soup.h>
#include <locale.h>

#include "hy-test-halo.h"
#include "hy-test-server.h"

#define SECRET "hostile-secret-0123"
#define TOKEN  "hostile-token-4567"

typedef enum
{
  TOKEN_OK,
  TOKEN_EMPTY,       /* 200 with an empty body */
  TOKEN_NOT_STRING,  /* "access_token": {} */
  TOKEN_DEEP,        /* 100 000 levels */
  TOKEN_ECHO_TEXT,   /* 400, the form as received, as text */
  TOKEN_ECHO_JSON,   /* 400, the form as received, inside a JSON error */
  TOKEN_ECHO_DECODE, /* 400, the secret decoded, after "client_secret=" */
  TOKEN_REDIRECT,    /* 307 elsewhere */
} TokenMode;

typedef enum
{
  AUTHINFO_NONE, /* 404 */
  AUTHINFO_EMPTY,
  AUTHINFO_URL_NUMBER,
  AUTHINFO_URL_OBJECT,
  AUTHINFO_TENANT_ARRAY,
  AUTHINFO_DEEP,
} AuthinfoMode;

typedef struct
{
  HyTestServer halo; /* answering with handler () */
  TokenMode token_mode;
  AuthinfoMode authinfo_mode;
  char *list_body;   /* GET /api/Client answers this (200) */
  char *error_body;  /* GET /api/Tickets/1 answers this (500) */
  gboolean redirect; /* every API request answers 302 to a cleartext address elsewhere */
  char *last_secret; /* the secret of the last token request, as the server decoded it */
  guint token_requests;
} Fixture;

static char *
deep (const char *prefix, guint levels, const char *suffix)
{
  GString *out = g_string_new (prefix);

  for (guint i = 0; i < levels; i++)
    g_string_append_c (out, '[');
  for (guint i = 0; i < levels; i++)
    g_string_append_c (out, ']');
  g_string_append (out, suffix);
  return g_string_free (out, FALSE);
}

static void
handle_token (Fixture *f, SoupServerMessage *msg)
{
  SoupMessageBody *request = soup_server_message_get_request_body (msg);
  g_autoptr (GBytes) bytes = soup_message_body_flatten (request);
  g_autofree char *form = g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  g_autoptr (GHashTable) fields = soup_form_decode (form);

  f->token_requests++;
  g_free (f->last_secret);
  f->last_secret = g_strdup (g_hash_table_lookup (fields, "client_secret"));
  switch (f->token_mode)
    {
      case TOKEN_EMPTY:
        hy_test_server_respond (msg, 200, "application/json", "");
        return;
      case TOKEN_NOT_STRING:
        hy_test_server_respond (msg, 200, "application/json",
                                "{\"access_token\":{\"x\":1},\"refresh_token\":[1],\"id_token\":7,"
                                "\"expires_in\":3600}");
        return;
      case TOKEN_DEEP:
        {
          g_autofree char *body = deep ("{\"access_token\":", 100000, "}");
          hy_test_server_respond (msg, 200, "application/json", body);
        }
        return;
      case TOKEN_ECHO_TEXT:
        {
          g_autofree char *body = g_strdup_printf ("invalid_client: you sent %s", form);
          hy_test_server_respond (msg, 400, "text/plain", body);
        }
        return;
      case TOKEN_ECHO_JSON:
        {
          g_autoptr (JsonBuilder) builder = json_builder_new ();
          g_autoptr (JsonNode) root = NULL;
          g_autofree char *body = NULL;
          g_autofree char *text = g_strdup_printf ("invalid_client for %s", form);

          json_builder_begin_object (builder);
          json_builder_set_member_name (builder, "error");
          json_builder_add_string_value (builder, text);
          json_builder_end_object (builder);
          root = json_builder_get_root (builder);
          body = json_to_string (root, FALSE);
          hy_test_server_respond (msg, 400, "application/json", body);
        }
        return;
      case TOKEN_ECHO_DECODE:
        {
          g_autofree char *body = g_strdup_printf ("{\"error\":\"invalid_client\",\"error_"
                                                   "description\":\"client_secret=%s is wrong\"}",
                                                   f->last_secret);
          hy_test_server_respond (msg, 400, "application/json", body);
        }
        return;
      case TOKEN_REDIRECT:
        hy_test_server_respond (msg, 307, "text/plain", "");
        soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Location",
                                      "http://198.51.100.7/auth/token");
        return;
      case TOKEN_OK:
      default:
        hy_test_server_respond (msg, 200, "application/json",
                                "{\"access_token\":\"" TOKEN
                                "\",\"token_type\":\"Bearer\",\"expires_in\":3600}");
        return;
    }
}

static void
handle_authinfo (Fixture *f, SoupServerMessage *msg)
{
  switch (f->authinfo_mode)
    {
      case AUTHINFO_EMPTY:
        hy_test_server_respond (msg, 200, "application/json", "");
        return;
      case AUTHINFO_URL_NUMBER:
        hy_test_server_respond (msg, 200, "application/json",
                                "{\"auth_url\":12,\"tenant_id\":\"t\"}");
        return;
      case AUTHINFO_URL_OBJECT:
        hy_test_server_respond (msg, 200, "application/json", "{\"auth_url\":{\"a\":1}}");
        return;
      case AUTHINFO_TENANT_ARRAY:
        hy_test_server_respond (msg, 200, "application/json", "{\"tenant_id\":[\"t\"]}");
        return;
      case AUTHINFO_DEEP:
        {
          g_autofree char *body = deep ("{\"auth_url\":", 100000, "}");
          hy_test_server_respond (msg, 200, "application/json", body);
        }
        return;
      case AUTHINFO_NONE:
      default:
        hy_test_server_respond (msg, 404, "text/plain", "");
        return;
    }
}

static void
handler (SoupServer *server,
         SoupServerMessage *msg,
         const char *path,
         GHashTable *query,
         gpointer user_data)
{
  Fixture *f = user_data;
  const char *auth =
      soup_message_headers_get_one (soup_server_message_get_request_headers (msg), "Authorization");

  if (g_ascii_strcasecmp (path, "/api/authinfo") == 0)
    {
      handle_authinfo (f, msg);
      return;
    }
  if (g_strcmp0 (path, "/auth/token") == 0)
    {
      handle_token (f, msg);
      return;
    }
  if (g_strcmp0 (auth, "Bearer " TOKEN) != 0)
    {
      hy_test_server_respond (msg, 401, "text/plain", "");
      return;
    }
  if (f->redirect)
    {
      hy_test_server_respond (msg, 302, "text/plain", "");
      soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Location",
                                    "http://198.51.100.7/api/Client");
      return;
    }
  if (g_ascii_strcasecmp (path, "/api/Client") == 0 && f->list_body != NULL)
    {
      hy_test_server_respond (msg, 200, "application/json", f->list_body);
      return;
    }
  if (g_ascii_strcasecmp (path, "/api/Tickets/1") == 0 && f->error_body != NULL)
    {
      hy_test_server_respond (msg, 500, "application/json", f->error_body);
      return;
    }
  if (g_ascii_strcasecmp (path, "/api/Agent/me") == 0)
    {
      hy_test_server_respond (msg, 200, "application/json", "{\"id\":5,\"name\":\"API Agent\"}");
      return;
    }
  hy_test_server_respond (msg, 404, "text/plain", "");
}

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  hy_test_server_start (&f->halo, handler, f);
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  hy_test_server_stop (&f->halo);
  g_free (f->list_body);
  g_free (f->error_body);
  g_free (f->last_secret);
}

#define wait_result(f) hy_test_wait_result (&(f)->halo.result)

static HyHaloClient *
new_client (Fixture *f, const char *base, const char *secret)
{
  return hy_test_server_new_client (&f->halo, base, "t", secret, NULL, 1);
}

static gboolean
authenticate (Fixture *f, HyHaloClient *client, GError **error)
{
  g_autoptr (GAsyncResult) result = NULL;

  hy_halo_client_authenticate_async (client, NULL, hy_test_result_cb, &f->halo.result);
  result = wait_result (f);
  return hy_halo_client_authenticate_finish (client, result, error);
}

static HyHaloList *
list_clients (Fixture *f, HyHaloClient *client, GError **error)
{
  g_autoptr (GAsyncResult) result = NULL;

  hy_halo_client_list_clients_async (client, HY_HALO_PRIORITY_BULK, NULL, hy_test_result_cb,
                                     &f->halo.result);
  result = wait_result (f);
  return hy_halo_client_list_finish (client, result, error);
}

/* ------------------------------------------------------------------------- */

/* Numbers json-glib 1.6 cannot keep (1e999 is infinity, 1e308 is written back as
 * "1e+308.0"): the answer is refused with the record and member named, nothing aborts. An
 * integral number with an exponent (1e17) is kept exactly. */
static void
test_numbers (Fixture *f, gconstpointer data)
{
  static const struct
  {
    const char *value;
    const char *shown;
  } refused[] = {
    { "1e999", "inf" },
    { "-1e999", "-inf" },
    { "1e308", "1e+308" },
    { "99999999999999999999", "99999999999999999999" },
  };
  g_autoptr (HyHaloClient) client = new_client (f, f->halo.base, SECRET);

  for (guint i = 0; i < G_N_ELEMENTS (refused); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (HyHaloList) list = NULL;

      g_free (f->list_body);
      f->list_body = g_strdup_printf ("{\"record_count\":2,\"clients\":[{\"id\":1,\"name\":\"A\"},{"
                                      "\"id\":2,\"name\":\"B\","
                                      "\"cost\":%s}]}",
                                      refused[i].value);
      list = list_clients (f, client, &error);
      g_test_message ("%s → %s", refused[i].value, error ? error->message : "(none)");
      g_assert_null (list);
      g_assert_error (error, HY_HALO_ERROR, HY_HALO_ERROR_BAD_RESPONSE);
      g_assert_nonnull (strstr (error->message, refused[i].shown));
      g_assert_nonnull (strstr (error->message, "nothing was changed"));
      if (refused[i].value[0] != '9')
        {
          g_assert_nonnull (strstr (error->message, "“cost”"));
          g_assert_nonnull (strstr (error->message, "record 2"));
        }
    }

  /* 1e17 is an integer: kept, and the record reads back */
  {
    g_autoptr (GError) error = NULL;
    g_autoptr (HyHaloList) list = NULL;
    HyHaloRecord *record;

    g_free (f->list_body);
    f->list_body = g_strdup ("{\"record_count\":1,\"clients\":[{\"id\":1,\"name\":\"A\","
                             "\"cost\":1e17,\"rate\":2.5e-3}]}");
    list = list_clients (f, client, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (list->records->len, ==, 1);
    record = g_ptr_array_index (list->records, 0);
    g_assert_cmpint (hy_halo_record_get_int (record, "cost"), ==, 100000000000000000);
    g_assert_true (json_object_has_member (hy_halo_record_get_object (record), "rate"));
  }
}

/* JSON nested 100 000 levels deep (200 KB) in each answer Halyard parses — a list, an error
 * body, the token, the discovery — is refused before json-glib's recursive parser sees it. */
static void
test_deep_nesting (Fixture *f, gconstpointer data)
{
  /* a list page */
  {
    g_autoptr (HyHaloClient) client = new_client (f, f->halo.base, SECRET);
    g_autoptr (GError) error = NULL;
    g_autoptr (HyHaloList) list = NULL;

    f->list_body = deep ("{\"record_count\":1,\"clients\":", 100000, "}");
    list = list_clients (f, client, &error);
    g_assert_null (list);
    g_assert_error (error, HY_HALO_ERROR, HY_HALO_ERROR_BAD_RESPONSE);
    g_assert_nonnull (strstr (error->message, "nested more than 512 levels"));

    /* an error body: its text is not read, the error is still the status's */
    f->error_body = deep ("{\"Message\":", 100000, "}");
    {
      g_autoptr (GAsyncResult) result = NULL;
      g_autoptr (HyHaloRecord) record = NULL;
      g_autoptr (GError) error2 = NULL;

      hy_halo_client_get_ticket_async (client, 1, HY_HALO_PRIORITY_INTERACTIVE, NULL, NULL,
                                       hy_test_result_cb, &f->halo.result);
      result = wait_result (f);
      record = hy_halo_client_record_finish (client, result, &error2);
      g_assert_null (record);
      g_assert_error (error2, HY_HALO_ERROR, HY_HALO_ERROR_SERVER_ERROR);
    }
  }

  /* the token answer */
  {
    g_autoptr (HyHaloClient) client = new_client (f, f->halo.base, SECRET);
    g_autoptr (GError) error = NULL;

    f->token_mode = TOKEN_DEEP;
    g_assert_false (authenticate (f, client, &error));
    g_assert_error (error, HY_HALO_ERROR, HY_HALO_ERROR_BAD_RESPONSE);
    f->token_mode = TOKEN_OK;
  }

  /* the discovery answer: not usable, said in the events; the default token URL is used */
  {
    g_autoptr (HyHaloClient) client = new_client (f, f->halo.base, SECRET);
    g_autoptr (GError) error = NULL;
    gboolean said = FALSE;

    f->authinfo_mode = AUTHINFO_DEEP;
    g_ptr_array_set_size (f->halo.events, 0);
    g_assert_true (authenticate (f, client, &error));
    g_assert_no_error (error);
    for (guint i = 0; i < f->halo.events->len; i++)
      {
        HyHaloEvent *e = g_ptr_array_index (f->halo.events, i);
        if (e->level == HY_HALO_EVENT_WARNING && e->error != NULL &&
            strstr (e->error, "nested more than") != NULL)
          said = TRUE;
      }
    g_assert_true (said);
    f->authinfo_mode = AUTHINFO_NONE;
  }
}

/* An empty 200 token answer, or one whose members are not strings, is a bad answer (no
 * Json-CRITICAL under fatal-criticals); so is a discovery answer whose auth_url or tenant_id
 * is not a string, which is then not used. */
static void
test_mistyped_answers (Fixture *f, gconstpointer data)
{
  static const TokenMode token_modes[] = { TOKEN_EMPTY, TOKEN_NOT_STRING };
  static const AuthinfoMode authinfo_modes[] = { AUTHINFO_EMPTY, AUTHINFO_URL_NUMBER,
                                                 AUTHINFO_URL_OBJECT, AUTHINFO_TENANT_ARRAY };

  for (guint i = 0; i < G_N_ELEMENTS (token_modes); i++)
    {
      g_autoptr (HyHaloClient) client = new_client (f, f->halo.base, SECRET);
      g_autoptr (GError) error = NULL;

      f->token_mode = token_modes[i];
      g_assert_false (authenticate (f, client, &error));
      g_assert_error (error, HY_HALO_ERROR, HY_HALO_ERROR_BAD_RESPONSE);
      g_assert_nonnull (strstr (error->message, "did not answer with an access token"));
    }
  f->token_mode = TOKEN_OK;

  for (guint i = 0; i < G_N_ELEMENTS (authinfo_modes); i++)
    {
      g_autoptr (HyHaloClient) client = new_client (f, f->halo.base, SECRET);
      g_autoptr (GError) error = NULL;
      guint warnings = 0;

      f->authinfo_mode = authinfo_modes[i];
      g_ptr_array_set_size (f->halo.events, 0);
      g_assert_true (authenticate (f, client, &error));
      g_assert_no_error (error);
      {
        g_autofree char *fallback = g_strconcat (f->halo.base, "/auth/token", NULL);
        g_assert_cmpstr (hy_halo_client_get_token_url (client), ==, fallback);
      }
      for (guint j = 0; j < f->halo.events->len; j++)
        {
          HyHaloEvent *e = g_ptr_array_index (f->halo.events, j);
          if (e->level == HY_HALO_EVENT_WARNING && g_strcmp0 (e->path, "/api/authinfo") == 0)
            warnings++;
        }
      /* each is reported in the events */
      g_assert_cmpuint (warnings, ==, 1);
    }
  f->authinfo_mode = AUTHINFO_NONE;
}

/* A server that echoes the token request back: whatever the secret holds (spaces, "+", "~",
 * "%", quotes, fewer than 4 characters), no event and no error holds it, in any encoding. */
static void
test_echoed_secret (Fixture *f, gconstpointer data)
{
  static const char *const secrets[] = {
    "with spaces in it",
    "plus+plus+plus",
    "tilde~tilde",
    "per%cent%41",
    "quo\"te&amp",
    "a b",
    "x+",
    "~",
    "é ü",
  };
  static const TokenMode modes[] = { TOKEN_ECHO_TEXT, TOKEN_ECHO_JSON, TOKEN_ECHO_DECODE };

  for (guint s = 0; s < G_N_ELEMENTS (secrets); s++)
    for (guint m = 0; m < G_N_ELEMENTS (modes); m++)
      {
        g_autoptr (HyHaloClient) client = new_client (f, f->halo.base, secrets[s]);
        g_autoptr (GError) error = NULL;
        g_autofree char *uri_escaped = g_uri_escape_string (secrets[s], NULL, FALSE);
        g_autofree char *form = soup_form_encode ("client_secret", secrets[s], NULL);
        g_autofree char *decoded_key = g_strconcat ("client_secret=", secrets[s], NULL);
        gboolean redacted = FALSE;

        f->token_mode = modes[m];
        g_ptr_array_set_size (f->halo.events, 0);
        g_assert_false (authenticate (f, client, &error));
        g_assert_nonnull (error);
        /* the server did receive it */
        g_assert_cmpstr (f->last_secret, ==, secrets[s]);
        g_test_message ("%s (mode %u) → %s", secrets[s], modes[m], error->message);
        for (guint i = 0; i < f->halo.events->len; i++)
          {
            HyHaloEvent *e = g_ptr_array_index (f->halo.events, i);
            const char *fields[] = { e->path, e->request_body, e->response_body, e->error };

            for (guint j = 0; j < G_N_ELEMENTS (fields); j++)
              {
                if (fields[j] == NULL)
                  continue;
                if (strstr (fields[j], "client_secret=[redacted]") != NULL)
                  redacted = TRUE;
                /* short secrets would match anywhere: checked with their key */
                if (strlen (secrets[s]) >= 4)
                  {
                    g_assert_null (strstr (fields[j], secrets[s]));
                    g_assert_null (strstr (fields[j], uri_escaped));
                  }
                g_assert_null (strstr (fields[j], form));
                g_assert_null (strstr (fields[j], decoded_key));
              }
          }
        g_assert_true (redacted);
        /* nor in the error the caller shows */
        if (strlen (secrets[s]) >= 4)
          g_assert_null (strstr (error->message, secrets[s]));
        g_assert_null (strstr (error->message, form));
        g_assert_null (strstr (error->message, decoded_key));
      }
  f->token_mode = TOKEN_OK;
}

/* Redirects are never followed, on /api as on the token request: the error says where to. */
static void
test_redirects (Fixture *f, gconstpointer data)
{
  {
    g_autoptr (HyHaloClient) client = new_client (f, f->halo.base, SECRET);
    g_autoptr (GError) error = NULL;
    g_autoptr (HyHaloList) list = NULL;

    f->redirect = TRUE;
    list = list_clients (f, client, &error);
    f->redirect = FALSE;
    g_assert_null (list);
    g_assert_error (error, HY_HALO_ERROR, HY_HALO_ERROR_BAD_RESPONSE);
    g_assert_nonnull (strstr (error->message, "http://198.51.100.7/api/Client"));
    g_assert_nonnull (strstr (error->message, "HTTP 302"));
  }
  {
    g_autoptr (HyHaloClient) client = new_client (f, f->halo.base, SECRET);
    g_autoptr (GError) error = NULL;
    guint before = f->token_requests;

    f->token_mode = TOKEN_REDIRECT;
    g_assert_false (authenticate (f, client, &error));
    f->token_mode = TOKEN_OK;
    g_assert_error (error, HY_HALO_ERROR, HY_HALO_ERROR_BAD_RESPONSE);
    g_assert_nonnull (strstr (error->message, "http://198.51.100.7/auth/token"));
    g_assert_cmpuint (f->token_requests, ==, before + 1);
  }
}

/* ------------------------------------------------------------------------- */
/* Timeouts                                                                  */
/* ------------------------------------------------------------------------- */

static gboolean
incoming_cb (GSocketService *service,
             GSocketConnection *connection,
             GObject *source,
             gpointer user_data)
{
  GPtrArray *held = user_data;

  /* accepted, never answered */
  g_ptr_array_add (held, g_object_ref (connection));
  return TRUE;
}

/* A server that accepts the connection and never answers: the read timeout fires, once (it is
 * not retried), and says so; a listener that never accepts: the connect timeout. */
static void
test_timeouts (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GSocketService) service = g_socket_service_new ();
  g_autoptr (GPtrArray) held = g_ptr_array_new_with_free_func (g_object_unref);
  guint16 port = g_socket_listener_add_any_inet_port (G_SOCKET_LISTENER (service), NULL, &error);
  g_autofree char *url = g_strdup_printf ("http://127.0.0.1:%u", port);
  gint64 start;

  g_assert_no_error (error);
  g_signal_connect (service, "incoming", G_CALLBACK (incoming_cb), held);
  g_socket_service_start (service);
  {
    g_autoptr (HyHaloClient) client = new_client (f, url, SECRET);

    hy_halo_client_set_timeouts (client, 2000, 300);
    start = g_get_monotonic_time ();
    g_assert_false (authenticate (f, client, &error));
    g_assert_error (error, HY_HALO_ERROR, HY_HALO_ERROR_UNREACHABLE);
    g_assert_nonnull (strstr (error->message, "read timeout"));
    g_assert_nonnull (strstr (error->message, "300 ms"));
    /* discovery, then the token request: each waits its 300 ms once */
    g_assert_cmpint (g_get_monotonic_time () - start, <, 5 * G_USEC_PER_SEC);
    g_clear_error (&error);
  }
  g_socket_service_stop (service);

  /* A listener with a full backlog that never accepts: the handshake gets no answer. */
  {
    g_autoptr (GSocket) listener =
        g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, &error);
    g_autoptr (GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
    g_autoptr (GSocketAddress) any = g_inet_socket_address_new (loopback, 0);
    g_autoptr (GSocketAddress) bound = NULL;
    g_autoptr (GPtrArray) fillers = g_ptr_array_new_with_free_func (g_object_unref);
    g_autoptr (HyHaloClient) client = NULL;
    g_autofree char *full_url = NULL;

    g_assert_no_error (error);
    g_socket_set_listen_backlog (listener, 0);
    g_assert_true (g_socket_bind (listener, any, TRUE, &error));
    g_assert_true (g_socket_listen (listener, &error));
    bound = g_socket_get_local_address (listener, &error);
    g_assert_no_error (error);
    /* fill the accept queue */
    for (guint i = 0; i < 4; i++)
      {
        GSocket *filler =
            g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, NULL);
        g_socket_set_blocking (filler, FALSE);
        g_socket_connect (filler, bound, NULL, NULL);
        g_ptr_array_add (fillers, filler);
      }
    full_url = g_strdup_printf ("http://127.0.0.1:%u",
                                g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound)));
    client = new_client (f, full_url, SECRET);
    hy_halo_client_set_timeouts (client, 300, 2000);
    start = g_get_monotonic_time ();
    g_assert_false (authenticate (f, client, &error));
    g_test_message ("%s", error->message);
    g_assert_error (error, HY_HALO_ERROR, HY_HALO_ERROR_UNREACHABLE);
    g_assert_nonnull (strstr (error->message, "connect timeout"));
    g_assert_cmpint (g_get_monotonic_time () - start, <, 5 * G_USEC_PER_SEC);
  }
}

int
main (int argc, char **argv)
{
  setlocale (LC_ALL, "C.UTF-8");
  hy_test_init (&argc, &argv);
#define ADD(path, fn) g_test_add (path, Fixture, NULL, fixture_set_up, fn, fixture_tear_down)
  ADD ("/halo/hostile/numbers", test_numbers);
  ADD ("/halo/hostile/deep-nesting", test_deep_nesting);
  ADD ("/halo/hostile/mistyped-answers", test_mistyped_answers);
  ADD ("/halo/hostile/echoed-secret", test_echoed_secret);
  ADD ("/halo/hostile/redirects", test_redirects);
  ADD ("/halo/hostile/timeouts", test_timeouts);
  return g_test_run ();
}
