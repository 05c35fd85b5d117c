/* hy-test-keyring.c: whether the test session's throw-away keyring is there
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "hy-test.h"

/* Why the keyring tests cannot run here, or NULL when they can: the README's test command
 * (build-aux/dev test) runs them in a private D-Bus session with an unlocked gnome-keyring of
 * its own (build-aux/test-session.sh sets HALYARD_TEST_KEYRING). A test never writes to the
 * user's own keyring, so a desktop session's bus alone is not enough. */
static const char *
keyring_missing (void)
{
  g_autoptr (GDBusConnection) bus = NULL;
  g_autoptr (GVariant) reply = NULL;
  gboolean owned = FALSE;

  if (g_getenv ("HALYARD_TEST_KEYRING") == NULL)
    return "needs the test session's throw-away keyring: run the suite with build-aux/dev test";
  if (g_getenv ("DBUS_SESSION_BUS_ADDRESS") == NULL)
    return "HALYARD_TEST_KEYRING is set but there is no D-Bus session bus";
  bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, NULL);
  if (bus == NULL)
    return "the D-Bus session bus does not answer";
  reply =
      g_dbus_connection_call_sync (bus, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                   "org.freedesktop.DBus", "NameHasOwner",
                                   g_variant_new ("(s)", "org.freedesktop.secrets"),
                                   G_VARIANT_TYPE ("(b)"), G_DBUS_CALL_FLAGS_NONE, -1, NULL, NULL);
  if (reply != NULL)
    g_variant_get (reply, "(b)", &owned);
  if (!owned)
    return "no Secret Service (gnome-keyring-daemon) on the session bus";
  return NULL;
}

gboolean
hy_test_have_keyring (void)
{
  return keyring_missing () == NULL;
}

/* TRUE when the keyring tests can run; otherwise marks the test skipped, saying why. */
gboolean
hy_test_keyring_or_skip (void)
{
  const char *why = keyring_missing ();

  if (why != NULL)
    g_test_skip (why);
  return why == NULL;
}
