/* hy-halo-url.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "hy-halo"

#include "config.h"

#include <gio/gio.h>
#include <glib/gi18n-lib.h>

#include "hy-halo-error.h"
#include "hy-halo-url.h"

/**
 * hy_halo_host_is_loopback:
 * @host: a host name or address (IPv6 with or without brackets)
 *
 * Returns: whether @host is localhost, 127.0.0.0/8 or ::1
 */
gboolean
hy_halo_host_is_loopback (const char *host)
{
  g_autofree char *bare = NULL;
  g_autoptr (GInetAddress) address = NULL;
  gsize len;

  if (!host || !*host)
    return FALSE;
  len = strlen (host);
  if (host[0] == '[' && host[len - 1] == ']')
    bare = g_strndup (host + 1, len - 2);
  else
    bare = g_strdup (host);

  if (g_ascii_strcasecmp (bare, "localhost") == 0 || g_ascii_strcasecmp (bare, "localhost.") == 0)
    return TRUE;
  address = g_inet_address_new_from_string (bare);
  return address && g_inet_address_get_is_loopback (address);
}

static gboolean
valid_host (const char *host)
{
  /* Letters, digits, dots, dashes, underscores; or an IPv6 literal in brackets */
  if (!host || !*host)
    return FALSE;
  if (host[0] == '[')
    {
      g_autofree char *inner = NULL;
      gsize len = strlen (host);
      g_autoptr (GInetAddress) address = NULL;

      if (len < 3 || host[len - 1] != ']')
        return FALSE;
      inner = g_strndup (host + 1, len - 2);
      address = g_inet_address_new_from_string (inner);
      return address != NULL;
    }
  if (strchr (host, ':'))
    {
      g_autoptr (GInetAddress) address = g_inet_address_new_from_string (host);
      return address != NULL;
    }
  if (host[0] == '.' || host[0] == '-')
    return FALSE;
  for (const char *p = host; *p; p++)
    if (!g_ascii_isalnum (*p) && *p != '.' && *p != '-' && *p != '_')
      return FALSE;
  return TRUE;
}

static char *
invalid (GError **error, const char *input)
{
  g_set_error (error, HY_HALO_ERROR, HY_HALO_ERROR_INVALID_URL,
               /* Translators: %s is what the user typed */
               _ ("“%s” is not a Halo address: enter the URL you open Halo with, such as "
                  "https://yourcompany.halopsa.com, or just the tenant name"),
               input);
  return NULL;
}

/* A bare tenant name: letters, digits and dashes, not starting with a dash; no dot, colon or
 * slash */
static gboolean
is_tenant_name (const char *text)
{
  for (const char *p = text; *p; p++)
    if (!g_ascii_isalnum (*p) && *p != '-')
      return FALSE;
  return text[0] != '-';
}

/* @path without its trailing slashes, then without one /api or /auth suffix (and its slashes):
 * the path prefix of a self-hosted Halo */
static char *
base_path (const char *uri_path)
{
  char *path = g_strdup (uri_path);
  gsize len = strlen (path);

  while (len > 0 && path[len - 1] == '/')
    path[--len] = '\0';
  if (len >= 4 && g_ascii_strcasecmp (path + len - 4, "/api") == 0)
    path[len -= 4] = '\0';
  else if (len >= 5 && g_ascii_strcasecmp (path + len - 5, "/auth") == 0)
    path[len -= 5] = '\0';
  while (len > 0 && path[len - 1] == '/')
    path[--len] = '\0';
  return path;
}

/**
 * hy_halo_normalize_url:
 * @input: what the technician typed: a URL ("https://acme.halopsa.com/api/", "acme.halopsa.com")
 *   or a bare tenant name ("acme")
 * @error: return location for a #HY_HALO_ERROR
 *
 * Normalises a Halo address to its base URL: scheme, host, optional port and optional
 * path prefix (for self-hosted Halo under a folder), without a trailing slash and without
 * the `/api` or `/auth` suffix. A bare tenant name becomes `https://TENANT.halopsa.com`.
 * Plain `http://` is accepted for loopback hosts only.
 *
 * Returns: (transfer full) (nullable): the base URL, or %NULL with @error set
 */
char *
hy_halo_normalize_url (const char *input, GError **error)
{
  g_autofree char *text = NULL;
  g_autofree char *with_scheme = NULL;
  g_autoptr (GUri) uri = NULL;
  g_autofree char *path = NULL;
  g_autofree char *host = NULL;
  const char *scheme;
  int port;

  if (!input)
    input = "";
  text = g_strstrip (g_strdup (input));

  if (!*text)
    {
      g_set_error_literal (error, HY_HALO_ERROR, HY_HALO_ERROR_INVALID_URL,
                           _ ("Enter the Halo address, such as https://yourcompany.halopsa.com, or "
                              "your "
                              "tenant name"));
      return NULL;
    }

  for (const char *p = text; *p; p++)
    if (g_ascii_isspace (*p))
      return invalid (error, text);

  if (is_tenant_name (text))
    {
      g_autofree char *lower = g_ascii_strdown (text, -1);
      return g_strdup_printf ("https://%s.halopsa.com", lower);
    }

  if (strstr (text, "://"))
    with_scheme = g_strdup (text);
  else
    with_scheme = g_strdup_printf ("https://%s", text);

  uri = g_uri_parse (with_scheme, G_URI_FLAGS_NONE, NULL);
  if (!uri)
    return invalid (error, text);

  scheme = g_uri_get_scheme (uri);
  if (g_ascii_strcasecmp (scheme, "http") != 0 && g_ascii_strcasecmp (scheme, "https") != 0)
    {
      g_set_error (error, HY_HALO_ERROR, HY_HALO_ERROR_INVALID_URL,
                   /* Translators: %s is what the user typed */
                   _ ("“%s” is not a web address: Halo is reached over https://, such as "
                      "https://yourcompany.halopsa.com"),
                   text);
      return NULL;
    }
  if (g_uri_get_userinfo (uri) || g_uri_get_query (uri) || g_uri_get_fragment (uri))
    return invalid (error, text);

  if (!g_uri_get_host (uri) || !valid_host (g_uri_get_host (uri)))
    return invalid (error, text);
  host = g_ascii_strdown (g_uri_get_host (uri), -1);
  /* GUri strips the brackets of IPv6 literals */
  if (strchr (host, ':') && host[0] != '[')
    {
      char *bracketed = g_strdup_printf ("[%s]", host);
      g_free (host);
      host = bracketed;
    }

  if (g_ascii_strcasecmp (scheme, "http") == 0 && !hy_halo_host_is_loopback (host))
    {
      g_set_error (error, HY_HALO_ERROR, HY_HALO_ERROR_INSECURE_URL,
                   /* Translators: %s is a host name */
                   _ ("Halyard only talks to %s over a secure connection: use https:// instead of "
                      "http://"),
                   host);
      return NULL;
    }

  path = base_path (g_uri_get_path (uri));
  if (strstr (path, "//"))
    return invalid (error, text);

  port = g_uri_get_port (uri);
  if ((port == 443 && g_ascii_strcasecmp (scheme, "https") == 0) ||
      (port == 80 && g_ascii_strcasecmp (scheme, "http") == 0))
    port = -1;

  if (port > 0)
    return g_strdup_printf ("%s://%s:%d%s",
                            g_ascii_strcasecmp (scheme, "http") == 0 ? "http" : "https", host, port,
                            path);
  return g_strdup_printf ("%s://%s%s", g_ascii_strcasecmp (scheme, "http") == 0 ? "http" : "https",
                          host, path);
}
