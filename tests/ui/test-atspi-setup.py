#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Drives the real `halyard` the way a person (or a screen reader) does, through AT-SPI:
starts halyard-sim with the demo's Halo records, imports the sample inventory with halyard-cli,
starts halyard on that data directory, fills Setup, saves, and sees the connection test list
every check as passed; refreshes from Halo and links automatically in Mapping; maps a group and a
policy (halyard-cli), enables in Setup and sees the group synced; raises an alert with halyard-cli
and finds its ticket in /_sim/state, and the sync's requests in Events. Prints TAP. Needs a
display, a session bus with the accessibility bus, and a keyring (build-aux/dev test provides
all three).

Usage: test-atspi-setup.py BUILD_ROOT
"""

import os
import signal
import subprocess
import sys
import tempfile
import time

import json
import urllib.request

import gi

gi.require_version("Atspi", "2.0")
import pyatspi  # noqa: E402

build = sys.argv[1] if len(sys.argv) > 1 else os.environ["HALYARD_BUILD_ROOT"]
tests = []


def ok(condition, what):
    tests.append((bool(condition), what))
    print(("ok" if condition else "not ok") + " %d - %s" % (len(tests), what), flush=True)
    return condition


def walk(node, depth=0):
    """Every accessible under node (depth-first), without raising on dead objects."""
    if node is None or depth > 60:
        return
    yield node
    try:
        count = node.childCount
    except Exception:
        return
    for i in range(count):
        try:
            child = node.getChildAtIndex(i)
        except Exception:
            continue
        yield from walk(child, depth + 1)


# How long a wait lasts before the test calls it a hang. Every wait is on a condition and ends
# as soon as it holds: this only bounds a wait whose condition never comes, so it is far longer
# than anything takes on a loaded machine (a short one fails a slow run, not a broken one).
HANG = 60


def find(root, predicate, timeout=HANG):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for node in walk(root):
            try:
                if predicate(node):
                    return node
            except Exception:
                pass
        time.sleep(0.2)
    return None


def spoken(name):
    """GTK 4.8 names a button after its label and its label child ("Save Save", "_Save Save"):
    the name a person hears, once, without the mnemonic underscore."""
    name = (name or "").replace("_", "")
    half = len(name) // 2
    if len(name) % 2 == 1 and name[:half] == name[half + 1:] and name[half] == " ":
        return name[:half]
    return name


def named(name, roles=None):
    def predicate(node):
        if spoken(node.name) != name:
            return False
        return roles is None or node.getRole() in roles
    return predicate


def find_all(root, predicate):
    found = []
    for node in walk(root):
        try:
            if predicate(node):
                found.append(node)
        except Exception:
            pass
    return found


def press_all(root, predicate):
    """Presses every match: views hidden in the stack keep their widgets on the bus (GTK 4.8
    marks none of them as not showing), and only the shown one acts."""
    nodes = find_all(root, predicate)
    for node in nodes:
        try:
            press(node)
        except Exception:
            pass
    return len(nodes)


def text_of(node):
    """The editable text inside a row: the node itself or its first editable descendant."""
    for candidate in walk(node):
        try:
            candidate.queryEditableText()
            return candidate
        except Exception:
            continue
    return None


def set_text(row, text):
    editable = text_of(row)
    if editable is None:
        return False
    iface = editable.queryEditableText()
    current = editable.queryText().characterCount
    if current:
        iface.deleteText(0, current)
    iface.insertText(0, text, len(text))
    return True


def press(node):
    action = node.queryAction()
    for i in range(action.nActions):
        if action.getName(i) in ("click", "activate", "press"):
            return action.doAction(i)
    return action.doAction(0)


def cli(data_dir, *args):
    """halyard-cli --json on the same data directory: its JSON document, or None."""
    run = subprocess.run([os.path.join(build, "src", "cli", "halyard-cli"), "--data-dir", data_dir,
                          "--json"] + list(args), capture_output=True, text=True, timeout=60)
    if run.returncode != 0:
        print("# halyard-cli %s: %s %s" % (" ".join(args), run.returncode, run.stderr.strip()),
              flush=True)
        return None
    return json.loads(run.stdout) if run.stdout.strip() else {}


def until(predicate, timeout=HANG, every=0.5):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(every)
    return None


def show_view(window, title):
    button = find(window, named(title, (pyatspi.ROLE_PAGE_TAB, pyatspi.ROLE_TOGGLE_BUTTON)))
    if button is not None:
        press(button)
        until(lambda: shown(button), every=0.2)
    else:
        for node in walk(window):
            if title in (node.name or ""):
                print("# %s candidate: %s %r" % (title, node.getRoleName(), node.name), flush=True)
    return button is not None


def shown(tab):
    """A view's tab (or switcher button) whose view is the one shown."""
    try:
        state = tab.getState()
    except Exception:
        return False
    return state.contains(pyatspi.STATE_SELECTED) or state.contains(pyatspi.STATE_CHECKED)


def screenshot(name):
    out = os.path.join(build, "screenshots")
    os.makedirs(out, exist_ok=True)
    path = os.path.join(out, name)
    subprocess.run(["import", "-window", "root", path], check=False,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return path


def main():
    print("1..14", flush=True)
    source = os.environ.get("HALYARD_SOURCE_ROOT", os.path.dirname(os.path.dirname(
        os.path.dirname(os.path.abspath(__file__)))))
    sim = subprocess.Popen([os.path.join(build, "src", "sim", "halyard-sim"), "--port", "0",
                            "--seed-file", os.path.join(source, "data", "demo", "halo.json")],
                           stdout=subprocess.PIPE, text=True)
    line = sim.stdout.readline().strip()
    url = line.rsplit(" ", 1)[-1]
    ok(url.startswith("http://127.0.0.1:"), "halyard-sim listens on loopback (%s)" % url)

    data_dir = tempfile.mkdtemp(prefix="halyard-atspi-")
    imported = cli(data_dir, "import", os.path.join(source, "data", "demo", "inventory.json"))
    if not imported:
        ok(False, "halyard-cli imports the sample inventory")
        return
    env = dict(os.environ)
    env.pop("NO_AT_BRIDGE", None)
    env.pop("GTK_A11Y", None)
    env["GSETTINGS_BACKEND"] = "memory"
    env["LANGUAGE"] = "en"
    env["LC_ALL"] = "C.UTF-8"
    # The tests' minimal MIME database (see hy-ui-test-mime.h), after the system's, so icons
    # draw on trimmed systems too.
    env["XDG_DATA_DIRS"] = ":".join([env.get("XDG_DATA_DIRS", "/usr/local/share:/usr/share"),
                                     os.path.join(build, "tests", "ui")])
    app = subprocess.Popen([os.path.join(build, "src", "app", "halyard"), "--data-dir", data_dir],
                           env=env)
    try:
        desktop = pyatspi.Registry.getDesktop(0)
        window = find(desktop, lambda n: n.getRole() == pyatspi.ROLE_FRAME
                      and n.name.startswith("Halyard") and n.getApplication() is not None
                      and n.getApplication().get_process_id() == app.pid)
        if not ok(window is not None, "the Halyard window is on the accessibility bus"):
            if app.poll() is not None:
                print("# halyard exited with %s (is the display shared with another run?)"
                      % app.returncode, flush=True)
            return

        url_row = find(window, named("Halo URL or Tenant Name"))
        client_row = find(window, named("Client ID"))
        secret_row = find(window, named("Client Secret"))
        ok(url_row and client_row and secret_row,
           "Setup has the URL, Client ID and Client Secret fields, by name")
        filled = (set_text(url_row, url) and set_text(client_row, "halyard-demo")
                  and set_text(secret_row, "demo-secret"))
        ok(filled, "the fields take text through AT-SPI")

        save = find(window, named("Save", (pyatspi.ROLE_PUSH_BUTTON,)))
        if not ok(save is not None, "the Save button is reachable by name"):
            for node in walk(window):
                if node.getRole() == pyatspi.ROLE_PUSH_BUTTON:
                    print("# button: %r" % node.name, flush=True)
            return
        press(save)

        def is_check(node):
            return node.name.startswith(("Passed: ", "Failed: ", "Not proven: "))

        deadline = time.monotonic() + HANG
        checks = []
        while time.monotonic() < deadline:
            checks = [n.name for n in walk(window) if n.name and is_check(n)]
            if len(checks) >= 10:
                break
            time.sleep(0.3)
        ok(len(checks) >= 10, "the connection test lists every check (%d)" % len(checks))
        ok(checks and all(c.startswith("Passed: ") for c in checks),
           "every check passed against halyard-sim")
        agent = find(window, lambda n: "logs in to Halo as the agent" in (n.name or "")
                     or "logs in to Halo as the agent" in (n.description or ""))
        ok(agent is not None, "Setup says which agent Halyard logs in as")
        unnamed = []
        for node in walk(window):
            try:
                role = node.getRole()
            except Exception:
                continue
            if role in (pyatspi.ROLE_PUSH_BUTTON, pyatspi.ROLE_TOGGLE_BUTTON, pyatspi.ROLE_CHECK_BOX,
                        pyatspi.ROLE_TEXT, pyatspi.ROLE_ENTRY, pyatspi.ROLE_PASSWORD_TEXT) \
                    and (not node.name or node.name.startswith("Gtk")):
                chain = []
                up = node.parent
                while up is not None and up != window and len(chain) < 12:
                    chain.append("%s:%s" % (up.getRoleName(), up.name))
                    up = up.parent
                unnamed.append("%s %r in %s" % (node.getRoleName(), node.name, " < ".join(chain)))
        # The Mapping and Events views are tested by their own suite; libadwaita 1.2's toast
        # close button has no name to give.
        others = ("HyMappingPage", "HyEventsPage", "AdwToastWidget")
        mine = [u for u in unnamed if not any(o in u for o in others)]
        for u in unnamed:
            print("# unnamed control: %s" % u, flush=True)
        ok(not mine, "every control of the window and of Setup has an accessible name")
        screenshot("atspi-setup.png")

        # Mapping: refresh from Halo, then link automatically, as a technician does.
        show_view(window, "Mapping")
        refresh = press_all(window, named("Refresh from Halo", (pyatspi.ROLE_PUSH_BUTTON,)))
        link = find(window, named("Link Automatically", (pyatspi.ROLE_PUSH_BUTTON,)))

        def acme_linked():
            press_all(window, named("Link Automatically", (pyatspi.ROLE_PUSH_BUTTON,)))
            links = cli(data_dir, "links", "company") or []
            return any(l["id"] == "c-acme" and l["linked"] for l in links)

        ok(refresh and link is not None and until(acme_linked, every=2),
           "Mapping refreshes from Halo and links Acme Ltd automatically")

        # A group and a policy get their routes; then Enabled, in Setup, starts the sync.
        mapped = (cli(data_dir, "map", "group", "g-laptops", "--client", "12", "--site", "20")
                  is not None
                  and cli(data_dir, "map", "policy", "p-disk", "--ticket-type", "1") is not None)
        ok(mapped, "halyard-cli maps the laptops group and the disk policy")
        show_view(window, "Setup")
        switch = find(window, lambda n: spoken(n.name) == "Enabled"
                      and n.getRole() in (pyatspi.ROLE_CHECK_BOX, pyatspi.ROLE_TOGGLE_BUTTON))
        if switch is not None:
            press(switch)

        # Laptops holds Acme's laptop and Initech's, whose company is not linked to Acme's client:
        # the sync sends Acme's and fails Initech's with the reason, never filing it under Acme.
        def synced():
            status = cli(data_dir, "status") or {}
            groups = [g for g in status.get("groups", []) if g["id"] == "g-laptops"]
            if not (status.get("enabled") and groups):
                return False
            g = groups[0]
            return (g["state"] == "failed" and g["synced"] == 1 and g["failed"] == 1
                    and "Initech" in (g["reason"] or ""))

        ok(switch is not None and until(synced),
           "Enabled in Setup syncs the mapped group's Acme laptop and fails Initech's with the reason")

        # An alert from monitoring becomes a Halo ticket: the window delivers for the data
        # directory, so halyard-cli stores the alert, says it is queued, and the window sends it.
        raised = cli(data_dir, "alert", "raise", "--id", "atspi-1", "--computer", "pc-acme-lt01",
                     "--policy", "p-disk", "--summary", "Disk C: 3% free") or {}

        def ticket_sent():
            with urllib.request.urlopen(url + "/_sim/state", timeout=10) as answer:
                state = json.load(answer)
            return any(t.get("summary") == "Disk C: 3% free" for t in state.get("tickets", []))

        ok(raised.get("state") == "queued" and until(ticket_sent),
           "an alert raised with halyard-cli while the window delivers is queued, then a ticket "
           "in /_sim/state")

        # Events lists the requests the window sent, the sync's asset writes among them.
        show_view(window, "Events")
        # The sync's asset writes: POST /api/Asset (list reads carry a query string). The list
        # only has widgets for the rows on screen: filter it down to them first, as a person
        # would.
        search = find(window, lambda n: spoken(n.name) == "Filter events")
        if search is not None:
            set_text(search, "/api/Asset")
        def asset_write(node):
            """A POST label whose row also shows an /api/Asset endpoint."""
            if spoken(node.name) != "POST" or node.getRole() != pyatspi.ROLE_LABEL:
                return False
            row = node.parent.parent if node.parent is not None else None
            return row is not None and any((n.name or "").startswith("/api/Asset")
                                           and not (n.name or "").startswith("/api/AssetType")
                                           for n in walk(row))

        post = find(window, asset_write)
        ok(post is not None, "Events lists the sync's asset writes (POST /api/Asset)")
        screenshot("atspi-events.png")
    finally:
        app.send_signal(signal.SIGTERM)
        try:
            app.wait(10)
        except subprocess.TimeoutExpired:
            app.kill()
        sim.send_signal(signal.SIGTERM)
        try:
            sim.wait(10)
        except subprocess.TimeoutExpired:
            sim.kill()
        subprocess.run(["rm", "-rf", data_dir], check=False)


if __name__ == "__main__":
    main()
    while len(tests) < 14:
        ok(False, "not reached")
    sys.exit(0 if all(t[0] for t in tests) else 1)
