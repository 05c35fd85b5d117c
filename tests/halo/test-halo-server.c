/* test-halo-server.c: HyHaloClient against a tiny SoupServer of the test's own, for what
 * halyard-sim does not do: every error-body shape, discovery variants, TLS, body caps,
 * Retry-After, an unreachable host, cancellation while queued.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <libsoup/soup.h>
#include <locale.h>

#include "hy-test-halo.h"
#include "hy-test-server.h"

#define SECRET "server-test-secret-0123"
#define TOKEN  "server-test-token-4567"

static const char *test_cert_pem =
    "-----BEGIN CERTIFICATE-----\n"
    "MIIDHDCCAgSgAwIBAgIUENaKhz0bBEuMG9bUlDiOAjRCnGowDQYJKoZIhvcNAQEL\n"
    "BQAwFDESMBAGA1UEAwwJMTI3LjAuMC4xMCAXDTI2MTEyMjIxMTAxMloYDzIxMjYx\n"
    "MDI5MjExMDEyWjAUMRIwEAYDVQQDDAkxMjcuMC4wLjEwggEiMA0GCSqGSIb3DQEB\n"
    "AQUAA4IBDwAwggEKAoIBAQDzKKdfB+s+8oRl/nuqs+5irvVny1fOcvn/A+hJ2cAz\n"
    "gFZw9PHyMxg8gw8RQgnyXIAcfcg7YoRIt42Crwkq6OJReH2FKiQm0+wkQz+O0nSg\n"
    "i3/WaHqOM+Z9GiP+FLcNY8WyJPbUxx7jwRIjG1Hk/26M5kNxfxdxBS0DsPEc0E1D\n"
    "3gicCtm6ycYOpvA7kl7WF+MoYSpTvloTi9bDRg6f0q9I4jMmXmenVk1XNoQukQnt\n"
    "lCc6kihWfuvO2iUd6Z8L7lbVIxFT9lLqT4mv/SeoDbcOKXGC3vwpk8rcHTDMTnAz\n"
    "7Gr6y1AlBbcPYuObozjRKGnDfaIYXuH+2UL3JReUzvrHAgMBAAGjZDBiMB0GA1Ud\n"
    "DgQWBBQlrO3ksKx6Y2cVgSICSyED1XqOMzAfBgNVHSMEGDAWgBQlrO3ksKx6Y2cV\n"
    "gSICSyED1XqOMzAPBgNVHRMBAf8EBTADAQH/MA8GA1UdEQQIMAaHBH8AAAEwDQYJ\n"
    "KoZIhvcNAQELBQADggEBAHlmDfzp5ujfZtC3/PqhAsmMPRwQiigwQFyGCttuVyTr\n"
    "6WP4wRoC6iCtRQr8qmtsSixYDJrkXHG04rgs1ymCVOKradNVDF1GUH3V/7Qf3okQ\n"
    "z2FkTtyITq4R9J7nR6aUeqPLTaw+UCfHMgGN0IuGupy0P0TfhvJ4bxilhDL4qUx1\n"
    "pH92VppfgZjzI3fVFt0LnEG1bLX3lvtwztjtIjXP7BWAXKynCsqru8xpYHxuI9PD\n"
    "TvbJjDf3sPjEcsUZirPwJo+J5JCILjX6l3sUf60DaHZdK9Lb/AwE24okDAj3t89Z\n"
    "ldCbceQTo3kTRMLHwGdo2yhzsqoSpdPZ9tz5NfSWiE8=\n"
    "-----END CERTIFICATE-----\n";

static const char *test_key_pem =
    "-----BEGIN PRIVATE KEY-----\n"
    "MIIEvAIBADANBgkqhkiG9w0BAQEFAASCBKYwggSiAgEAAoIBAQDzKKdfB+s+8oRl\n"
    "/nuqs+5irvVny1fOcvn/A+hJ2cAzgFZw9PHyMxg8gw8RQgnyXIAcfcg7YoRIt42C\n"
    "rwkq6OJReH2FKiQm0+wkQz+O0nSgi3/WaHqOM+Z9GiP+FLcNY8WyJPbUxx7jwRIj\n"
    "G1Hk/26M5kNxfxdxBS0DsPEc0E1D3gicCtm6ycYOpvA7kl7WF+MoYSpTvloTi9bD\n"
    "Rg6f0q9I4jMmXmenVk1XNoQukQntlCc6kihWfuvO2iUd6Z8L7lbVIxFT9lLqT4mv\n"
    "/SeoDbcOKXGC3vwpk8rcHTDMTnAz7Gr6y1AlBbcPYuObozjRKGnDfaIYXuH+2UL3\n"
    "JReUzvrHAgMBAAECggEAdReDmZCPqO1R8mecl7QzvFOyGzxhWSom1rXD+yQfmO1Z\n"
    "MuXRSKdwKVuXOuFJNutyScYMUQR83SN+woqVaJNiwIa8Mw76/7OXiFLV3Wnc/Z6P\n"
    "fekr8yRs/ptC78x75bfA8Ks6LXaBmn1TxZIXWqXiT3lmytW/rQ4oAhoH0a9BNcda\n"
    "oAZjP7ZwYGUUHISstamEUoOYhhhRI1xlx4tWCCZNGETakPEvZiZrC5f3PXq/1F3h\n"
    "GYnbYEEuNSxFovQ7Jh/uka+iVFk1EMMDhUzpDIqhdmQ2l5i+/Ri5XY4LxkUnw9+8\n"
    "Jizo7TCnvTthxQ4MB3PiR8wII8PdXR8LHFOI5BmQeQKBgQD80T6Np7wr2+x+syZt\n"
    "ie+ulOK+E68dYRFKQX93FS0kQ7SccHB6eQQsFSwLJJjYOT5aRsCJ3Sph+F/IimHJ\n"
    "xil2IvSScdlU8tDRSwXQnLsIKdBleIFa5xHkIle5t5s00hco/GBXz+q4+i+0Es3n\n"
    "OEHn53WleZ9HKeUFp4PkhXs+qwKBgQD2OEhjnTD8OO4cinOKnZ82rUYWDo33OOk7\n"
    "rGTntNuS3ikpOCh5gQvdLwju057fauCMipnkSHn8n/iRAD7ypHcnLKK0fHGed4fm\n"
    "ijIfknfPkOuzQiwP5+i/NfveRshrb6jaiWm0KxLTEzQWCR1Xt7WvP1+vErLHbjss\n"
    "23rWR7mEVQKBgHdhy3sSwN2pHTT7HeNN5lt3PNbq7p8d7g81fJ5b5pQgUJIq2kJL\n"
    "EPhMCx876dz4swPoMxUm1dOreHd3ORQRuhRqDzlz/1+Ixah/F8DZscv6CslPrS2i\n"
    "vaUPvoMZO3Ym2v7kpg3xRXKR2aLb2lUcEKsUdk5sbxUoqFgSMUrg6UC/AoGAD4rj\n"
    "/u3ITtOlLEYNHx3uE/yCJRhMG+QKzQqH4ByJk87UWFbEL09XGWJDtRfEuqO7gwOo\n"
    "zUFJ+gl7HmQelSCOqPlnV+9XGMLA4Guu2FFdoMusJUezEln4VkGpIZHkSuvkg88S\n"
    "zh299XcL3aw7nvLo1CQy/RE4GeC6eY1tRqOGcXUCgYAV18EJ5XFG4GH31wr8Z8Mh\n"
    "RdqW8Q4ZyEuif1FaycpDdSCiZpUYYmgTGnOBAcUGz+XQzgho7yO0Ca8ghl3AykFL\n"
    "BxsvUSdiNYMN28k0Ogz0XRhUh7vB2puIPfWcq+IPc16Uft9O6QsYsjBbGuraG8pT\n"
    "a81uAYa4JBNO9X47a6uQww==\n"
    "-----END PRIVATE KEY-----\n";

typedef enum
{
  AUTHINFO_OK,
  AUTHINFO_404,
  AUTHINFO_GARBAGE,
  AUTHINFO_INSECURE,
  AUTHINFO_CUSTOM,
} AuthinfoMode;

typedef enum
{
  LIST_SHORT_PAGES, /* record_count 120, pages of 50 whatever page_size says, ids as 12 / 12.0 / "12" */
  LIST_COUNT_TOO_BIG, /* record_count 250, only 120 records exist */
  LIST_REPEATS,       /* wrapped, ignores page_no: the same page again and again */
  LIST_BARE_UNPAGED,  /* bare array of 30, whatever the page */
  LIST_NOT_A_LIST,    /* an object without any array */
} ListMode;

typedef struct
{
  HyTestServer halo; /* answering with handler () */
  AuthinfoMode authinfo;
  guint token_requests;
  char *last_token_path;
  gboolean always_401;
  guint retry_after_429s;
  ListMode list_mode;
  gboolean save_partial; /* POST /api/Asset answers with half the records, not all */
  GPtrArray *assets;     /* JsonObject: what POST /api/Asset saved, for GET /api/Asset */
  gboolean saw_returnall;
} Fixture;

/* id → status, content type, body */
static const struct
{
  guint status;
  const char *type;
  const char *body;
  int code;
  const char *text;
} shapes[] = {
  { 400, "application/json", "{\"error\":\"Some error\"}", HY_HALO_ERROR_BAD_REQUEST,
    "Some error" },
  { 400, "application/json", "{\"error_description\":\"Described\"}", HY_HALO_ERROR_BAD_REQUEST,
    "Described" },
  { 400, "application/json", "{\"Message\":\"An Outcome must be entered for this Action\"}",
    HY_HALO_ERROR_BAD_REQUEST, "An Outcome must be entered for this Action" },
  { 400, "application/json",
    "{\"ClassName\":\"Halo.Exception\",\"Message\":\"CODE:APP03/2 Please select the CAB\"}",
    HY_HALO_ERROR_BAD_REQUEST, "CODE:APP03/2 Please select the CAB" },
  { 400, "application/json",
    "{\"resultCode\":1,\"errorMessage\":\"Invalid advanced search parameter\"}",
    HY_HALO_ERROR_BAD_REQUEST, "Invalid advanced search parameter" },
  { 400, "application/json",
    "{\"errors\":{\"summary\":[\"Summary is required\"]},\"title\":\"Validation\"}",
    HY_HALO_ERROR_BAD_REQUEST, "summary: Summary is required" },
  { 400, "application/json", "{\"[0].client_id\":[\"Client not found\"]}",
    HY_HALO_ERROR_BAD_REQUEST, "[0].client_id: Client not found" },
  { 400, "text/plain", "Plain text refusal", HY_HALO_ERROR_BAD_REQUEST, "Plain text refusal" },
  { 403, "application/json", "{\"Message\":\"Forbidden\"}", HY_HALO_ERROR_FORBIDDEN,
    "read:tickets" },
  { 404, "text/plain", "", HY_HALO_ERROR_NOT_FOUND, "/api/Tickets/19" },
  { 500, "application/json", "{\"ClassName\":\"X\",\"Message\":\"Database timeout\"}",
    HY_HALO_ERROR_SERVER_ERROR, "Database timeout" },
  { 422, "text/html", "<html>nope</html>", HY_HALO_ERROR_BAD_REQUEST, "HTTP 422" },
};

#define BIG_ID         100
#define BIG_CHUNKED_ID 101
#define SLOW_ID        102
#define RETRY_AFTER_ID 103

static gboolean
unpause_cb (gpointer user_data)
{
  SoupServerMessage *msg = user_data;

  hy_test_server_respond (msg, 200, "application/json", "{\"id\":102,\"summary\":\"slow\"}");
  soup_server_message_unpause (msg);
  g_object_unref (msg);
  return G_SOURCE_REMOVE;
}

/* POST /api/Asset: saves each item with a new id and answers with the records in REVERSE order
 * (all of them, or only every other one with save_partial: a Halo that does not return them
 * all), ids in Halo's three spellings. GET /api/Asset lists every saved asset, ignoring
 * client_id (as Halo ignores filters it does not know), plus a decoy in another client with
 * each key. */
static void
handle_assets (Fixture *f, SoupServerMessage *msg, const char *method, GHashTable *query)
{
  g_autoptr (GString) out = g_string_new (NULL);

  if (g_strcmp0 (method, "POST") == 0)
    {
      SoupMessageBody *body = soup_server_message_get_request_body (msg);
      g_autoptr (GBytes) bytes = soup_message_body_flatten (body);
      g_autoptr (JsonParser) parser = json_parser_new ();
      JsonArray *items;
      g_autoptr (GPtrArray) saved = g_ptr_array_new ();

      g_assert_true (json_parser_load_from_data (parser, g_bytes_get_data (bytes, NULL),
                                                 g_bytes_get_size (bytes), NULL));
      items = json_node_get_array (json_parser_get_root (parser));
      f->saw_returnall = g_strcmp0 (g_hash_table_lookup (query, "returnall"), "true") == 0;
      for (guint i = 0; i < json_array_get_length (items); i++)
        {
          JsonObject *item = json_array_get_object_element (items, i);
          JsonObject *copy = json_object_new ();
          g_autoptr (GList) members = json_object_get_members (item);

          for (GList *l = members; l; l = l->next)
            json_object_set_member (copy, l->data,
                                    json_node_copy (json_object_get_member (item, l->data)));
          json_object_set_int_member (copy, "id", 5000 + f->assets->len);
          g_ptr_array_add (f->assets, copy);
          g_ptr_array_add (saved, copy);
        }
      g_string_append_c (out, '[');
      for (guint i = saved->len; i-- > 0;)
        {
          JsonObject *copy = g_ptr_array_index (saved, i);
          g_autoptr (JsonObject) answer = json_object_new ();
          g_autoptr (JsonNode) node = NULL;
          g_autofree char *text = NULL;
          gint64 id = json_object_get_int_member (copy, "id");
          g_autoptr (GList) members = json_object_get_members (copy);

          if (f->save_partial && i % 2 == 0)
            continue;
          for (GList *l = members; l; l = l->next)
            json_object_set_member (answer, l->data,
                                    json_node_copy (json_object_get_member (copy, l->data)));
          if (id % 3 == 1)
            json_object_set_double_member (answer, "id", (double) id);
          else if (id % 3 == 2)
            {
              g_autofree char *spelled = g_strdup_printf ("%" G_GINT64_FORMAT, id);
              json_object_set_string_member (answer, "id", spelled);
            }
          node = json_node_init_object (json_node_alloc (), answer);
          text = json_to_string (node, FALSE);
          if (out->len > 1)
            g_string_append_c (out, ',');
          g_string_append (out, text);
        }
      g_string_append_c (out, ']');
      hy_test_server_respond (msg, 201, "application/json", out->str);
      return;
    }

  g_string_append_printf (out, "{\"record_count\":%u,\"assets\":[", f->assets->len * 2);
  for (guint i = 0; i < f->assets->len; i++)
    {
      JsonObject *a = g_ptr_array_index (f->assets, i);
      g_autoptr (JsonNode) node = json_node_init_object (json_node_alloc (), a);
      g_autofree char *text = json_to_string (node, FALSE);
      const char *key = json_object_has_member (a, "inventory_number")
                            ? json_object_get_string_member (a, "inventory_number")
                            : "";

      g_string_append_printf (out, "%s{\"id\":%u,\"client_id\":999,\"inventory_number\":\"%s\"},%s",
                              i ? "," : "", 9000 + i, key, text);
    }
  g_string_append (out, "]}");
  hy_test_server_respond (msg, 200, "application/json", out->str);
}

/* /api/authinfo, as the test asks: Halo's, a custom one, an insecure one, garbage or none */
static void
handle_authinfo (Fixture *f, SoupServerMessage *msg)
{
  g_autofree char *body = NULL;
  switch (f->authinfo)
    {
      case AUTHINFO_OK:
        body = g_strdup_printf ("{\"auth_url\":\"%s/auth\",\"tenant_id\":\"discovered\"}",
                                f->halo.base);
        break;
      case AUTHINFO_CUSTOM:
        body = g_strdup_printf ("{\"auth_url\":\"%s/custom/auth/\",\"tenant_id\":\"t2\"}",
                                f->halo.base);
        break;
      case AUTHINFO_INSECURE:
        body = g_strdup ("{\"auth_url\":\"http://evil.example.com/auth\",\"tenant_id\":\"x\"}");
        break;
      case AUTHINFO_GARBAGE:
        hy_test_server_respond (msg, 200, "text/html", "<html>login</html>");
        return;
      case AUTHINFO_404:
      default:
        hy_test_server_respond (msg, 404, "text/plain", "");
        return;
    }
  hy_test_server_respond (msg, 200, "application/json", body);
  return;
}

/* POST …/token: the secret and the scope checked, a token given */
static void
handle_token (Fixture *f, SoupServerMessage *msg, const char *path)
{
  SoupMessageBody *request = soup_server_message_get_request_body (msg);
  g_autoptr (GBytes) bytes = soup_message_body_flatten (request);
  g_autofree char *form = g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  g_autoptr (GHashTable) fields = soup_form_decode (form);
  g_autoptr (GUri) uri = g_uri_ref (soup_server_message_get_uri (msg));

  f->token_requests++;
  g_free (f->last_token_path);
  f->last_token_path =
      g_strdup_printf ("%s?%s", path, g_uri_get_query (uri) ? g_uri_get_query (uri) : "");
  if (g_strcmp0 (g_hash_table_lookup (fields, "client_secret"), SECRET) != 0)
    {
      hy_test_server_respond (msg, 401, "application/json", "{\"error\":\"invalid_client\"}");
      return;
    }
  if (g_strcmp0 (g_hash_table_lookup (fields, "scope"), "bogus:scope") == 0)
    {
      hy_test_server_respond (msg, 400, "application/json", "{\"error\":\"invalid_scope\"}");
      return;
    }
  hy_test_server_respond (msg, 200, "application/json",
                          "{\"access_token\":\"" TOKEN
                          "\",\"token_type\":\"Bearer\",\"expires_in\":3600,\"scope\":\"all\","
                          "\"refresh_token\":\"refresh-zzz\",\"id_token\":\"idtok-yyy\"}");
  return;
}

/* /api/Tickets/ID: the error shapes, a body too large, a slow answer, 429s, or a ticket */
static void
handle_ticket (Fixture *f, SoupServerMessage *msg, const char *path)
{
  guint64 id = g_ascii_strtoull (path + strlen ("/api/Tickets/"), NULL, 10);

  if (id >= 10 && id < 10 + G_N_ELEMENTS (shapes))
    {
      hy_test_server_respond (msg, shapes[id - 10].status, shapes[id - 10].type,
                              shapes[id - 10].body);
      return;
    }
  if (id == BIG_ID || id == BIG_CHUNKED_ID)
    {
      g_autofree char *big = g_strnfill (200000, 'x');
      g_autofree char *body = g_strdup_printf ("{\"id\":%u,\"details\":\"%s\"}", (guint) id, big);
      hy_test_server_respond (msg, 200, "application/json", body);
      if (id == BIG_CHUNKED_ID)
        {
          soup_message_headers_set_encoding (soup_server_message_get_response_headers (msg),
                                             SOUP_ENCODING_CHUNKED);
          soup_message_body_complete (soup_server_message_get_response_body (msg));
        }
      return;
    }
  if (id == SLOW_ID)
    {
      soup_server_message_pause (msg);
      g_timeout_add (3000, unpause_cb, g_object_ref (msg));
      return;
    }
  if (id == RETRY_AFTER_ID && f->retry_after_429s > 0)
    {
      f->retry_after_429s--;
      hy_test_server_respond (msg, 429, "text/plain",
                              "Rate Limit Reached - 300 Requests per rolling 5 minute window");
      soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Retry-After",
                                    "1");
      return;
    }
  {
    g_autofree char *body = g_strdup_printf ("{\"id\":\"%u\",\"summary\":\"ok\"}", (guint) id);
    hy_test_server_respond (msg, 200, "application/json", body);
    return;
  }
}

/* /api/Client and /api/Agent: 120 records in pages of 50, or as the test's list mode says */
static void
handle_list (Fixture *f, SoupServerMessage *msg, GHashTable *query)
{
  guint64 page_no = g_ascii_strtoull (g_hash_table_lookup (query, "page_no") ?: "1", NULL, 10);
  guint total = 120, cap = 50, first, last;
  gboolean bare = f->list_mode == LIST_BARE_UNPAGED;
  g_autoptr (GString) out = g_string_new (NULL);

  g_assert_cmpstr (g_hash_table_lookup (query, "pageinate"), ==, "true");
  if (f->list_mode == LIST_NOT_A_LIST)
    {
      hy_test_server_respond (msg, 200, "application/json",
                              "{\"record_count\":3,\"message\":\"no list here\"}");
      return;
    }
  if (f->list_mode == LIST_REPEATS)
    page_no = 1;
  if (f->list_mode == LIST_BARE_UNPAGED)
    total = cap = 30, page_no = 1;
  first = (page_no - 1) * cap;
  last = MIN (first + cap, total);
  if (!bare)
    g_string_append_printf (out, "{\"record_count\":%u,\"clients\":",
                            f->list_mode == LIST_COUNT_TOO_BIG ? 250 : total);
  g_string_append_c (out, '[');
  for (guint i = first; i < last; i++)
    {
      if (i > first)
        g_string_append_c (out, ',');
      /* ids as Halo sends them, in all three spellings */
      if (i % 3 == 0)
        g_string_append_printf (out, "{\"id\":%u,\"name\":\"C%u\"}", i + 1, i + 1);
      else if (i % 3 == 1)
        g_string_append_printf (out, "{\"id\":%u.0,\"name\":\"C%u\"}", i + 1, i + 1);
      else
        g_string_append_printf (out, "{\"id\":\"%u\",\"name\":\"C%u\"}", i + 1, i + 1);
    }
  g_string_append_c (out, ']');
  if (!bare)
    g_string_append_c (out, '}');
  hy_test_server_respond (msg, 200, "application/json", out->str);
  return;
}

static void
handler (SoupServer *server,
         SoupServerMessage *msg,
         const char *path,
         GHashTable *query,
         gpointer user_data)
{
  Fixture *f = user_data;
  const char *method = soup_server_message_get_method (msg);
  const char *auth =
      soup_message_headers_get_one (soup_server_message_get_request_headers (msg), "Authorization");

  if (g_ascii_strcasecmp (path, "/api/authinfo") == 0)
    {
      handle_authinfo (f, msg);
      return;
    }

  if (g_str_has_suffix (path, "/token") && strcmp (method, "POST") == 0)
    {
      handle_token (f, msg, path);
      return;
    }

  if (g_strcmp0 (auth, "Bearer " TOKEN) != 0 || f->always_401)
    {
      hy_test_server_respond (msg, 401, "text/plain", "");
      return;
    }

  if (g_str_has_prefix (path, "/api/Tickets/"))
    {
      handle_ticket (f, msg, path);
      return;
    }
  if (g_ascii_strcasecmp (path, "/api/Client") == 0 || g_ascii_strcasecmp (path, "/api/Agent") == 0)
    {
      handle_list (f, msg, query);
      return;
    }
  if (g_ascii_strcasecmp (path, "/api/Asset") == 0)
    {
      handle_assets (f, msg, soup_server_message_get_method (msg), query);
      return;
    }
  if (g_ascii_strcasecmp (path, "/api/Agent/me") == 0)
    {
      hy_test_server_respond (msg, 200, "application/json",
                              "{\"id\":5.0,\"name\":\"API Agent\",\"email\":\"api@msp.example\"}");
      return;
    }
  hy_test_server_respond (msg, 404, "text/plain", "");
}

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  hy_test_server_start (&f->halo, handler, f);
  f->assets = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  /* Nothing secret in any event, whatever the test did */
  hy_test_assert_events_hide (f->halo.events, (const char *const[]){ SECRET, TOKEN, "refresh-zzz",
                                                                     "idtok-yyy", NULL });
  hy_test_server_stop (&f->halo);
  g_ptr_array_unref (f->assets);
  g_free (f->last_token_path);
}

#define wait_result(f) hy_test_wait_result (&(f)->halo.result)

static HyHaloClient *
new_client (Fixture *f, const char *secret, const char *scopes)
{
  return hy_test_server_new_client (&f->halo, NULL, NULL, secret, scopes, 2);
}

static HyHaloRecord *
get_ticket (Fixture *f, HyHaloClient *client, gint64 id, GCancellable *cancellable, GError **error)
{
  g_autoptr (GAsyncResult) result = NULL;

  hy_halo_client_get_ticket_async (client, id, HY_HALO_PRIORITY_INTERACTIVE, "alert:x", cancellable,
                                   hy_test_result_cb, &f->halo.result);
  result = wait_result (f);
  f->halo.result = NULL;
  return hy_halo_client_record_finish (client, result, error);
}

static void
test_shapes (Fixture *f, gconstpointer data)
{
  g_autoptr (HyHaloClient) client = new_client (f, SECRET, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (shapes); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (HyHaloRecord) record = get_ticket (f, client, 10 + i, NULL, &error);

      g_test_message ("%u %s → %s", shapes[i].status, shapes[i].body,
                      error ? error->message : "(none)");
      g_assert_null (record);
      g_assert_error (error, HY_HALO_ERROR, shapes[i].code);
      g_assert_nonnull (strstr (error->message, shapes[i].text));
    }
  /* one token for all of it, found through discovery, with the discovered tenant */
  g_assert_cmpuint (f->token_requests, ==, 1);
  g_assert_cmpstr (f->last_token_path, ==, "/auth/token?tenant=discovered");
  {
    g_autoptr (GError) error = NULL;
    g_autoptr (HyHaloRecord) record = get_ticket (f, client, 7, NULL, &error);
    g_assert_no_error (error);
    g_assert_cmpint (hy_halo_record_get_id (record), ==, 7);
  }
  /* events carry the record tag, the token request body is the redacted form */
  {
    gboolean saw_token = FALSE;
    for (guint i = 0; i < f->halo.events->len; i++)
      {
        HyHaloEvent *e = g_ptr_array_index (f->halo.events, i);
        if (g_str_has_prefix (e->path, "/api/Tickets/"))
          g_assert_cmpstr (e->record, ==, "alert:x");
        if (g_str_has_prefix (e->path, "/auth/token"))
          {
            saw_token = TRUE;
            g_assert_cmpstr (e->request_body, ==,
                             "grant_type=client_credentials&client_id=client-id&client_secret=["
                             "redacted]&scope=all");
            g_assert_nonnull (strstr (e->response_body, "\"access_token\":\"[redacted]\""));
          }
      }
    g_assert_true (saw_token);
  }
}

static void
test_discovery (Fixture *f, gconstpointer data)
{
  static const struct
  {
    AuthinfoMode mode;
    const char *token_path;
  } table[] = {
    { AUTHINFO_404, "/auth/token?" },
    { AUTHINFO_GARBAGE, "/auth/token?" },
    { AUTHINFO_INSECURE, "/auth/token?tenant=x" },
    { AUTHINFO_CUSTOM, "/custom/auth/token?tenant=t2" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (table); i++)
    {
      g_autoptr (HyHaloClient) client = new_client (f, SECRET, NULL);
      g_autoptr (GAsyncResult) result = NULL;
      g_autoptr (GError) error = NULL;

      f->authinfo = table[i].mode;
      if (table[i].mode == AUTHINFO_INSECURE)
        g_test_expect_message ("hy-halo", G_LOG_LEVEL_WARNING, "*auth_url*");
      hy_halo_client_authenticate_async (client, NULL, hy_test_result_cb, &f->halo.result);
      result = wait_result (f);
      f->halo.result = NULL;
      g_test_assert_expected_messages ();
      g_assert_true (hy_halo_client_authenticate_finish (client, result, &error));
      g_assert_no_error (error);
      g_assert_cmpstr (f->last_token_path, ==, table[i].token_path);
    }
}

static void
test_token_errors (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (HyHaloClient) wrong = new_client (f, "wrong-secret-9999", NULL);
  g_autoptr (HyHaloClient) scope = new_client (f, SECRET, "bogus:scope");
  g_autoptr (HyHaloRecord) r1 = get_ticket (f, wrong, 1, NULL, &error);

  g_assert_error (error, HY_HALO_ERROR, HY_HALO_ERROR_INVALID_CLIENT);
  g_assert_nonnull (
      strstr (error->message, "Configuration > Integrations > HaloPSA API > View Applications"));
  g_clear_error (&error);
  {
    g_autoptr (HyHaloRecord) r2 = get_ticket (f, scope, 1, NULL, &error);
    g_assert_error (error, HY_HALO_ERROR, HY_HALO_ERROR_INVALID_SCOPE);
  }
  for (guint i = 0; i < f->halo.events->len; i++)
    g_assert_null (
        strstr (((HyHaloEvent *) g_ptr_array_index (f->halo.events, i))->request_body ?: "",
                "wrong-secret-9999"));
}

static void
test_always_401 (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (HyHaloClient) client = new_client (f, SECRET, NULL);
  g_autoptr (HyHaloRecord) record = NULL;

  f->always_401 = TRUE;
  record = get_ticket (f, client, 1, NULL, &error);
  g_assert_error (error, HY_HALO_ERROR, HY_HALO_ERROR_UNAUTHORIZED);
  /* signed in once, again once after the 401, and no more */
  g_assert_cmpuint (f->token_requests, ==, 2);
}

static void
test_body_cap (Fixture *f, gconstpointer data)
{
  g_autoptr (HyHaloClient) client = new_client (f, SECRET, NULL);

  hy_halo_client_set_max_body_size (client, 64 * 1024);
  for (guint id = BIG_ID; id <= BIG_CHUNKED_ID; id++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (HyHaloRecord) record = get_ticket (f, client, id, NULL, &error);
      g_assert_error (error, HY_HALO_ERROR, HY_HALO_ERROR_BAD_RESPONSE);
      g_assert_nonnull (strstr (error->message, "larger than"));
    }
  hy_halo_client_set_max_body_size (client, 1024 * 1024);
  {
    g_autoptr (GError) error = NULL;
    g_autoptr (HyHaloRecord) record = get_ticket (f, client, BIG_CHUNKED_ID, NULL, &error);
    g_assert_no_error (error);
    g_assert_cmpint (hy_halo_record_get_id (record), ==, BIG_CHUNKED_ID);
  }
}

static void
test_retry_after (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (HyHaloClient) client = new_client (f, SECRET, NULL);
  g_autoptr (HyHaloRecord) record = NULL;
  gint64 start;

  /* authenticate first so only the 429 wait is timed */
  {
    g_autoptr (HyHaloRecord) warm = get_ticket (f, client, 1, NULL, &error);
    g_assert_no_error (error);
  }
  /* the window is long (300 s): only Retry-After: 1 makes this finish quickly */
  f->retry_after_429s = 1;
  start = g_get_monotonic_time ();
  record = get_ticket (f, client, RETRY_AFTER_ID, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_get_monotonic_time () - start, >=, 950 * 1000);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 10 * G_USEC_PER_SEC);
}

static void
test_tls (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GTlsCertificate) cert = NULL;
  g_autoptr (SoupServer) server = NULL;
  g_autoptr (HyHaloClient) client = NULL;
  g_autoptr (GAsyncResult) result = NULL;
  g_autofree char *url = NULL;
  g_autofree char *pem = g_strconcat (test_cert_pem, test_key_pem, NULL);

  cert = g_tls_certificate_new_from_pem (pem, -1, &error);
  g_assert_no_error (error);
  server = soup_server_new ("tls-certificate", cert, NULL);
  url = hy_test_server_listen (server, handler, f);

  client = hy_test_server_new_client (&f->halo, url, NULL, SECRET, NULL, 2);
  hy_halo_client_authenticate_async (client, NULL, hy_test_result_cb, &f->halo.result);
  result = wait_result (f);
  f->halo.result = NULL;
  g_assert_false (hy_halo_client_authenticate_finish (client, result, &error));
  /* the self-signed certificate is refused: never accepted silently, not retried */
  g_assert_error (error, HY_HALO_ERROR, HY_HALO_ERROR_TLS);
  g_assert_cmpuint (f->token_requests, ==, 0);
  soup_server_disconnect (server);
}

static void
test_unreachable (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (HyHaloClient) client = NULL;
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GSocket) socket =
      g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, NULL);
  g_autoptr (GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr (GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  g_autoptr (GSocketAddress) bound = NULL;
  g_autofree char *url = NULL;
  guint attempts = 0;

  /* a port that was free a moment ago: bound, never listened on, then closed */
  g_socket_bind (socket, address, TRUE, &error);
  g_assert_no_error (error);
  bound = g_socket_get_local_address (socket, &error);
  url = g_strdup_printf ("http://127.0.0.1:%u",
                         g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound)));
  g_socket_close (socket, NULL);

  client = hy_test_server_new_client (&f->halo, url, "t", SECRET, NULL, 2);
  hy_halo_client_authenticate_async (client, NULL, hy_test_result_cb, &f->halo.result);
  result = wait_result (f);
  f->halo.result = NULL;
  g_assert_false (hy_halo_client_authenticate_finish (client, result, &error));
  g_assert_error (error, HY_HALO_ERROR, HY_HALO_ERROR_UNREACHABLE);
  for (guint i = 0; i < f->halo.events->len; i++)
    if (g_str_has_prefix (((HyHaloEvent *) g_ptr_array_index (f->halo.events, i))->path,
                          "/auth/token"))
      attempts++;
  /* discovery is tried once, the token request 1 + 2 retries */
  g_assert_cmpuint (attempts, ==, 3);
}

static gboolean
cancel_cb (gpointer user_data)
{
  g_cancellable_cancel (user_data);
  return G_SOURCE_REMOVE;
}

static void
test_cancel (Fixture *f, gconstpointer data)
{
  g_autoptr (HyHaloClient) client = new_client (f, SECRET, NULL);
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  g_autoptr (GError) error = NULL;
  g_autoptr (HyHaloRecord) record = NULL;
  gint64 start;

  /* in flight: the server holds the answer 3 s, the cancel comes after 100 ms */
  g_timeout_add (100, cancel_cb, cancellable);
  start = g_get_monotonic_time ();
  record = get_ticket (f, client, SLOW_ID, cancellable, &error);
  g_assert_error (error, HY_HALO_ERROR, HY_HALO_ERROR_CANCELLED);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 2 * G_USEC_PER_SEC);
  g_clear_error (&error);

  /* queued in the budget: a fresh client may send 3 requests per 60 s (discovery, token,
   * ticket 1); ticket 2 waits in the budget and is cancelled there */
  {
    g_autoptr (HyHaloClient) slow = new_client (f, SECRET, NULL);
    g_autoptr (HyHaloRecord) first = NULL;

    hy_halo_client_set_rate_limit (slow, 3, 60000);
    first = get_ticket (f, slow, 1, NULL, &error);
    g_assert_no_error (error);
    g_clear_object (&cancellable);
    cancellable = g_cancellable_new ();
    g_timeout_add (100, cancel_cb, cancellable);
    start = g_get_monotonic_time ();
    record = get_ticket (f, slow, 2, cancellable, &error);
    g_assert_error (error, HY_HALO_ERROR, HY_HALO_ERROR_CANCELLED);
    g_assert_cmpint (g_get_monotonic_time () - start, <, 2 * G_USEC_PER_SEC);
    g_clear_error (&error);
  }

  /* already cancelled */
  record = get_ticket (f, client, 3, cancellable, &error);
  g_assert_error (error, HY_HALO_ERROR, HY_HALO_ERROR_CANCELLED);
}

static void
test_list_anomalies (Fixture *f, gconstpointer data)
{
  static const struct
  {
    ListMode mode;
    gboolean agents;
    guint records;
    gint64 record_count;
    gboolean inconsistent;
    guint requests;
  } table[] = {
    { LIST_SHORT_PAGES, FALSE, 120, 120, FALSE, 3 },  /* 50 + 50 + 20: paged by what came back */
    { LIST_COUNT_TOO_BIG, FALSE, 120, 250, TRUE, 4 }, /* 3 pages, then an empty one */
    { LIST_REPEATS, FALSE, 50, 120, TRUE, 2 },        /* page 2 repeats page 1 */
    /* Agent is one of the lists Halo returns whole (HALO-API §11): no second page is asked */
    { LIST_BARE_UNPAGED, TRUE, 30, -1, FALSE, 1 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (table); i++)
    {
      g_autoptr (HyHaloClient) client = new_client (f, SECRET, NULL);
      g_autoptr (GError) error = NULL;
      g_autoptr (HyHaloList) list = NULL;
      g_autoptr (GAsyncResult) result = NULL;
      guint warnings = 0;

      g_ptr_array_set_size (f->halo.events, 0);
      f->list_mode = table[i].mode;
      if (table[i].agents)
        hy_halo_client_list_agents_async (client, HY_HALO_PRIORITY_BULK, NULL, hy_test_result_cb,
                                          &f->halo.result);
      else
        hy_halo_client_list_clients_async (client, HY_HALO_PRIORITY_BULK, NULL, hy_test_result_cb,
                                           &f->halo.result);
      result = wait_result (f);
      f->halo.result = NULL;
      list = hy_halo_client_list_finish (client, result, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (list->records->len, ==, table[i].records);
      g_assert_cmpint (list->record_count, ==, table[i].record_count);
      g_assert_cmpint (list->inconsistent, ==, table[i].inconsistent);
      g_assert_cmpuint (list->requests, ==, table[i].requests);
      for (guint j = 0; j < list->records->len; j++)
        g_assert_cmpint (hy_halo_record_get_id (g_ptr_array_index (list->records, j)), ==, j + 1);
      for (guint j = 0; j < f->halo.events->len; j++)
        {
          HyHaloEvent *e = g_ptr_array_index (f->halo.events, j);
          if (e->level == HY_HALO_EVENT_WARNING && g_strcmp0 (e->method, "LIST") == 0)
            warnings++;
        }
      g_assert_cmpuint (warnings, ==, table[i].inconsistent ? 1 : 0);
    }

  /* an answer with no list in it */
  {
    g_autoptr (HyHaloClient) client = new_client (f, SECRET, NULL);
    g_autoptr (GError) error = NULL;
    g_autoptr (HyHaloList) list = NULL;
    g_autoptr (GAsyncResult) result = NULL;

    f->list_mode = LIST_NOT_A_LIST;
    hy_halo_client_list_clients_async (client, HY_HALO_PRIORITY_BULK, NULL, hy_test_result_cb,
                                       &f->halo.result);
    result = wait_result (f);
    f->halo.result = NULL;
    list = hy_halo_client_list_finish (client, result, &error);
    g_assert_null (list);
    g_assert_error (error, HY_HALO_ERROR, HY_HALO_ERROR_BAD_RESPONSE);
  }
}

/* Created ids come from the answer by each asset's client and key, never by position: the
 * answer here is reversed; with half the records missing, the rest are found in one list per
 * client, where records of another client (Halo ignored the filter) are not taken. */
static void
test_save_assets_reconcile (Fixture *f, gconstpointer data)
{
  for (guint partial = 0; partial < 2; partial++)
    {
      g_autoptr (HyHaloClient) client = new_client (f, SECRET, NULL);
      g_autoptr (GPtrArray) input =
          g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
      g_autoptr (GPtrArray) saved = NULL;
      g_autoptr (GAsyncResult) result = NULL;
      g_autoptr (GError) error = NULL;
      guint posts = 0, gets = 0;

      g_ptr_array_set_size (f->assets, 0);
      g_ptr_array_set_size (f->halo.events, 0);
      f->save_partial = partial;
      for (guint i = 0; i < 6; i++)
        {
          JsonObject *asset = json_object_new ();
          g_autofree char *key = g_strdup_printf ("K-%u", i);

          json_object_set_int_member (asset, "client_id", i < 3 ? 7 : 8);
          json_object_set_int_member (asset, "assettype_id", 1);
          /* the last one has no asset number: its key field identifies it */
          json_object_set_string_member (asset, i < 5 ? "inventory_number" : "key_field", key);
          g_ptr_array_add (input, asset);
        }
      hy_halo_client_save_assets_async (client, input, HY_HALO_PRIORITY_BULK, "group:g", NULL,
                                        hy_test_result_cb, &f->halo.result);
      result = wait_result (f);
      f->halo.result = NULL;
      saved = hy_halo_client_save_assets_finish (client, result, &error);
      g_assert_no_error (error);
      g_assert_true (f->saw_returnall);
      g_assert_cmpuint (saved->len, ==, 6);
      for (guint i = 0; i < saved->len; i++)
        {
          HyHaloRecord *r = g_ptr_array_index (saved, i);
          /* saved in the order sent: the i-th item got id 5000 + i */
          g_assert_cmpint (hy_halo_record_get_id (r), ==, 5000 + i);
          g_assert_cmpint (hy_halo_record_get_client_id (r), ==, i < 3 ? 7 : 8);
        }
      for (guint i = 0; i < f->halo.events->len; i++)
        {
          HyHaloEvent *e = g_ptr_array_index (f->halo.events, i);
          if (g_strcmp0 (e->method, "POST") == 0 && g_str_has_prefix (e->path, "/api/Asset"))
            posts++;
          if (g_strcmp0 (e->method, "GET") == 0 && g_str_has_prefix (e->path, "/api/Asset"))
            gets++;
        }
      g_assert_cmpuint (posts, ==, 1);
      /* reversed but complete: nothing to read back; half missing: one list per client */
      g_assert_cmpuint (gets, ==, partial ? 2 : 0);
    }
}

int
main (int argc, char **argv)
{
  setlocale (LC_ALL, "C.UTF-8");
  hy_test_init (&argc, &argv);
#define ADD(path, fn) g_test_add (path, Fixture, NULL, fixture_set_up, fn, fixture_tear_down)
  ADD ("/halo/server/error-shapes", test_shapes);
  ADD ("/halo/server/discovery", test_discovery);
  ADD ("/halo/server/token-errors", test_token_errors);
  ADD ("/halo/server/always-401", test_always_401);
  ADD ("/halo/server/body-cap", test_body_cap);
  ADD ("/halo/server/retry-after", test_retry_after);
  ADD ("/halo/server/tls", test_tls);
  ADD ("/halo/server/unreachable", test_unreachable);
  ADD ("/halo/server/cancel", test_cancel);
  ADD ("/halo/server/list-anomalies", test_list_anomalies);
  ADD ("/halo/server/save-assets-reconcile", test_save_assets_reconcile);
  return g_test_run ();
}
