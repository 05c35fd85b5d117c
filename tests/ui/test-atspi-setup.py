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

import json
import os
import subprocess
import sys
import tempfile
import urllib.request

from halyard_atspi import (Tap, act, collect, diag, find, halyard_env, named, snapshot, spoken,
                           state_has, stop, views, wait_until, wait_window, walk)
import pyatspi

build = sys.argv[1] if len(sys.argv) > 1 else os.environ["HALYARD_BUILD_ROOT"]
PLAN = 14
tap = Tap()
ok = tap.ok


def press_all(nodes):
    """Presses every one of nodes: views hidden in the stack keep their widgets on the bus
    (GTK 4.8 marks none of them as not showing), and only the shown one acts."""
    for node in nodes:
        try:
            act(node)
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


def cli(data_dir, *args):
    """halyard-cli --json on the same data directory: its JSON document, or None."""
    run = subprocess.run([os.path.join(build, "src", "cli", "halyard-cli"), "--data-dir", data_dir,
                          "--json"] + list(args), capture_output=True, text=True, timeout=60)
    if run.returncode != 0:
        diag("halyard-cli %s: %s %s" % (" ".join(args), run.returncode, run.stderr.strip()))
        return None
    return json.loads(run.stdout) if run.stdout.strip() else {}


def screenshot(name):
    out = os.path.join(build, "screenshots")
    os.makedirs(out, exist_ok=True)
    path = os.path.join(out, name)
    subprocess.run(["import", "-window", "root", path], check=False,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return path


class Window:
    """The Halyard window and its views (Setup, Mapping, Events), each searched on its own."""

    def __init__(self, frame):
        self.frame = frame
        self.views = {spoken(tab.name): (tab, page) for tab, page in views(frame)}

    def page(self, title):
        return self.views.get(title, (None, self.frame))[1]

    def show(self, title):
        """Shows the view titled title (by its tab, as a person does), once it is the one shown."""
        tab = self.views.get(title, (None, None))[0]
        if tab is None:
            diag("no %s view among %s" % (title, list(self.views)))
            return False
        act(tab)
        return wait_until(lambda: state_has(tab, pyatspi.STATE_SELECTED)
                          or state_has(tab, pyatspi.STATE_CHECKED), "the %s view shown" % title)


def start_sim(source):
    """halyard-sim with the demo's Halo records: (process, its URL)."""
    sim = subprocess.Popen([os.path.join(build, "src", "sim", "halyard-sim"), "--port", "0",
                            "--seed-file", os.path.join(source, "data", "demo", "halo.json")],
                           stdout=subprocess.PIPE, text=True)
    url = sim.stdout.readline().strip().rsplit(" ", 1)[-1]
    ok(url.startswith("http://127.0.0.1:"), "halyard-sim listens on loopback (%s)" % url)
    return sim, url


def open_window(app):
    """The Halyard window of app on the accessibility bus, or None."""
    frame = wait_window(app, lambda w: w.getRole() == pyatspi.ROLE_FRAME
                        and w.name.startswith("Halyard"), "the Halyard window on the bus")
    if not ok(frame is not None, "the Halyard window is on the accessibility bus"):
        return None
    return Window(frame)


def connect(window, url):
    """Fills Setup and saves; the connection test lists every check, all passed."""
    setup = window.page("Setup")
    url_row = wait_until(lambda: find(setup, named("Halo URL or Tenant Name")), "the URL field")
    client_row = find(setup, named("Client ID"))
    secret_row = find(setup, named("Client Secret"))
    ok(url_row and client_row and secret_row,
       "Setup has the URL, Client ID and Client Secret fields, by name")
    filled = (set_text(url_row, url) and set_text(client_row, "halyard-demo")
              and set_text(secret_row, "demo-secret"))
    ok(filled, "the fields take text through AT-SPI")

    save = wait_until(lambda: find(setup, named("Save", (pyatspi.ROLE_PUSH_BUTTON,))),
                      "the Save button")
    if not ok(save is not None, "the Save button is reachable by name"):
        for node in walk(window.frame):
            if node.getRole() == pyatspi.ROLE_PUSH_BUTTON:
                diag("button: %r" % node.name)
        return False
    act(save)

    def checks():
        return [n.name for n in walk(setup)
                if (n.name or "").startswith(("Passed: ", "Failed: ", "Not proven: "))]

    listed = wait_until(lambda: (lambda c: c if len(c) >= 10 else None)(checks()),
                        "the connection test's ten checks") or checks()
    ok(len(listed) >= 10, "the connection test lists every check (%d)" % len(listed))
    ok(listed and all(c.startswith("Passed: ") for c in listed),
       "every check passed against halyard-sim")
    agent = wait_until(lambda: find(setup, lambda n: "logs in to Halo as the agent"
                                    in (n.name or "") + (n.description or "")),
                       "the agent Halyard logs in as")
    ok(agent is not None, "Setup says which agent Halyard logs in as")
    return True


def check_names(window):
    """Every control of the window, outside the Mapping and Events views, has a name."""
    # The Mapping and Events views are tested by their own suite: not walked; libadwaita 1.2's
    # toast close button has no name to give.
    others = ("HyMappingPage", "HyEventsPage", "AdwToastWidget")
    roles = (pyatspi.ROLE_PUSH_BUTTON, pyatspi.ROLE_TOGGLE_BUTTON, pyatspi.ROLE_CHECK_BOX,
             pyatspi.ROLE_TEXT, pyatspi.ROLE_ENTRY, pyatspi.ROLE_PASSWORD_TEXT)
    unnamed = []
    for role, name, _, node in collect(window.frame, prune=others[:2]):
        if role in roles and (not name or name.startswith("Gtk")):
            chain = []
            up = node.parent
            while up is not None and up != window.frame and len(chain) < 12:
                chain.append("%s:%s" % (up.getRoleName(), up.name))
                up = up.parent
            unnamed.append("%s %r in %s" % (node.getRoleName(), node.name, " < ".join(chain)))
    mine = [u for u in unnamed if not any(o in u for o in others)]
    for u in unnamed:
        diag("unnamed control: %s" % u)
    ok(not mine, "every control of the window and of Setup has an accessible name")


def link_in_mapping(window, data_dir):
    """Mapping: refresh from Halo, then link automatically, as a technician does."""
    window.show("Mapping")
    mapping = window.page("Mapping")

    def buttons(name):
        return [node for role, spoken_as, _, node in snapshot(mapping)
                if role == pyatspi.ROLE_PUSH_BUTTON and spoken(spoken_as) == name]

    refresh = press_all(buttons("Refresh from Halo"))
    links = wait_until(lambda: buttons("Link Automatically"), "the Link Automatically button")

    def acme_linked():
        press_all(buttons("Link Automatically"))
        return any(l["id"] == "c-acme" and l["linked"] for l in cli(data_dir, "links", "company")
                   or [])

    ok(refresh and links and wait_until(acme_linked, "Acme Ltd linked", every=1),
       "Mapping refreshes from Halo and links Acme Ltd automatically")


def sync_in_setup(window, data_dir):
    """A group and a policy get their routes; then Enabled, in Setup, starts the sync."""
    mapped = (cli(data_dir, "map", "group", "g-laptops", "--client", "12", "--site", "20")
              is not None
              and cli(data_dir, "map", "policy", "p-disk", "--ticket-type", "1") is not None)
    ok(mapped, "halyard-cli maps the laptops group and the disk policy")
    window.show("Setup")
    switch = wait_until(lambda: find(window.page("Setup"), lambda n: spoken(n.name) == "Enabled"
                                     and n.getRole() in (pyatspi.ROLE_CHECK_BOX,
                                                         pyatspi.ROLE_TOGGLE_BUTTON)),
                        "the Enabled switch")
    if switch is not None:
        act(switch)

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

    ok(switch is not None and wait_until(synced, "the laptops group synced", every=0.5),
       "Enabled in Setup syncs the mapped group's Acme laptop and fails Initech's with the reason")


def raise_alert(url, data_dir):
    """An alert from monitoring becomes a Halo ticket: the window delivers for the data
    directory, so halyard-cli stores the alert, says it is queued, and the window sends it."""
    raised = cli(data_dir, "alert", "raise", "--id", "atspi-1", "--computer", "pc-acme-lt01",
                 "--policy", "p-disk", "--summary", "Disk C: 3% free") or {}

    def ticket_sent():
        with urllib.request.urlopen(url + "/_sim/state", timeout=10) as answer:
            state = json.load(answer)
        return any(t.get("summary") == "Disk C: 3% free" for t in state.get("tickets", []))

    ok(raised.get("state") == "queued" and wait_until(ticket_sent, "the alert's ticket"),
       "an alert raised with halyard-cli while the window delivers is queued, then a ticket "
       "in /_sim/state")


def find_asset_writes(window):
    """Events lists the requests the window sent, the sync's asset writes among them."""
    window.show("Events")
    events = window.page("Events")
    # The sync's asset writes: POST /api/Asset (list reads carry a query string). The list
    # only has widgets for the rows on screen: filter it down to them first, as a person
    # would.
    search = wait_until(lambda: find(events, lambda n: spoken(n.name) == "Filter events"),
                        "the events' filter")
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

    post = wait_until(lambda: find(events, asset_write), "a POST /api/Asset row in Events")
    ok(post is not None, "Events lists the sync's asset writes (POST /api/Asset)")


def main():
    print("1..%d" % PLAN, flush=True)
    source = os.environ.get("HALYARD_SOURCE_ROOT", os.path.dirname(os.path.dirname(
        os.path.dirname(os.path.abspath(__file__)))))
    sim, url = start_sim(source)
    data_dir = tempfile.mkdtemp(prefix="halyard-atspi-")
    app = None
    try:
        if not cli(data_dir, "import", os.path.join(source, "data", "demo", "inventory.json")):
            ok(False, "halyard-cli imports the sample inventory")
            return
        env = halyard_env(build, LANGUAGE="en", LC_ALL="C.UTF-8")
        app = subprocess.Popen([os.path.join(build, "src", "app", "halyard"), "--data-dir",
                                data_dir], env=env)
        window = open_window(app)
        if window is None or not connect(window, url):
            return
        check_names(window)
        screenshot("atspi-setup.png")
        link_in_mapping(window, data_dir)
        sync_in_setup(window, data_dir)
        raise_alert(url, data_dir)
        find_asset_writes(window)
        screenshot("atspi-events.png")
    finally:
        if app is not None:
            stop(app)
        stop(sim)
        subprocess.run(["rm", "-rf", data_dir], check=False)


if __name__ == "__main__":
    main()
    tap.fill(PLAN)
    sys.exit(0 if tap.passed() else 1)
