# SPDX-License-Identifier: GPL-3.0-or-later
"""What the AT-SPI tests share (tests/ui/test-atspi-*.py, tests/i18n/test-i18n-atspi.py): TAP
output, Halyard's environment, finding its windows on the bus, walking as little of the
accessible tree as a check needs, acting on a control, and the one wait they all use.

GTK 4.8 has neither the AT-SPI Cache nor the Collection interface: every property read is a
round trip to the app, and a walk of the whole window (about 1 200 accessibles with the demo's
records) takes seconds on a loaded machine. So a search starts from the nearest container it
knows (a view, a menu button), stops at its first match, and a wait re-walks only that; and a
check that reads everything (collect) sends its requests together instead of one by one.

Found by the tests through PYTHONPATH (tests/meson.build sets it for every test).
"""

import os
import signal
import subprocess
import time

import gi

gi.require_version("Atspi", "2.0")
import pyatspi  # noqa: E402
from gi.repository import Atspi, Gio, GLib  # noqa: E402

# How long a wait lasts before the test calls it a hang. Every wait is on a condition and ends
# as soon as it holds: this only bounds a wait whose condition never comes, so it is far longer
# than anything takes on a loaded machine (a short one fails a slow run, not a broken one).
HANG = 60

# How often a wait looks again at its condition. A poll, not AT-SPI events: GTK 4.8 announces
# few of its changes (a list's new rows, a view's pages), and once libatspi's events are
# dispatched it answers the desktop's applications from a cache that the registry's events do
# not keep current (an app that starts is never seen).
TICK = 0.25

# Deeper than any widget of the window: bounds a walk should a tree ever loop.
MAX_DEPTH = 80


class Tap:
    """TAP output: each check numbered as it is made, the plan given first or last."""

    def __init__(self):
        self.results = []

    def ok(self, condition, what):
        self.results.append(bool(condition))
        print(("ok" if condition else "not ok") + " %d - %s" % (len(self.results), what),
              flush=True)
        return condition

    def fill(self, plan):
        """The checks a run that stopped early did not reach, failed: the plan still holds."""
        while len(self.results) < plan:
            self.ok(False, "not reached")

    def passed(self):
        return bool(self.results) and all(self.results)


def diag(text):
    for line in str(text).splitlines():
        print("# " + line, flush=True)


def wait_until(condition, what, timeout=HANG, every=TICK):
    """The one wait of these tests: condition() until it is true, which it returns, looked at
    every @every seconds. An exception counts as false (an accessible that went away while
    being read). After @timeout it says what did not come, and returns the last (false)
    value."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            value = condition()
        except Exception:
            value = None
        if value:
            return value
        left = deadline - time.monotonic()
        if left <= 0:
            diag("timed out after %d s waiting for %s" % (timeout, what))
            return value
        time.sleep(min(every, left))


def walk(node, depth=0):
    """Every accessible under node, depth first, without raising on objects that went away."""
    if node is None or depth > MAX_DEPTH:
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


def children(node):
    try:
        return [node.getChildAtIndex(i) for i in range(node.childCount)]
    except Exception:
        return []


def find(root, predicate):
    """The first accessible under root (depth first) that predicate holds for, or None."""
    for node in walk(root):
        try:
            if predicate(node):
                return node
        except Exception:
            pass
    return None


def find_all(root, predicate):
    found = []
    for node in walk(root):
        try:
            if predicate(node):
                found.append(node)
        except Exception:
            pass
    return found


def find_shallow(root, predicate):
    """The shallowest accessible under root that predicate holds for (breadth first): a
    container near the top is found without walking the deep views before it."""
    level = [root]
    for _ in range(MAX_DEPTH):
        below = []
        for node in level:
            try:
                if predicate(node):
                    return node
            except Exception:
                pass
            below += [child for child in children(node) if child is not None]
        if not below:
            return None
        level = below
    return None


# How many of collect's requests are in flight at once: enough to hide the round trips, few
# enough that the app's main loop still draws and answers others between them.
IN_FLIGHT = 16
_NULL = "/org/a11y/atspi/null"
_a11y_bus = None


def a11y_bus():
    """A connection of our own to the accessibility bus (libatspi's stays for the rest)."""
    global _a11y_bus
    if _a11y_bus is None:
        session = Gio.bus_get_sync(Gio.BusType.SESSION, None)
        address = session.call_sync("org.a11y.Bus", "/org/a11y/bus", "org.a11y.Bus",
                                    "GetAddress", None, GLib.VariantType("(s)"),
                                    Gio.DBusCallFlags.NONE, -1, None).unpack()[0]
        _a11y_bus = Gio.DBusConnection.new_for_address_sync(
            address, Gio.DBusConnectionFlags.AUTHENTICATION_CLIENT
            | Gio.DBusConnectionFlags.MESSAGE_BUS_CONNECTION, None, None)
    return _a11y_bus


class _Requests:
    """AT-SPI requests to one application, IN_FLIGHT at a time, each answer handed to its
    callback (None for an error: an accessible that went away)."""

    def __init__(self, bus_name):
        self.bus = a11y_bus()
        self.bus_name = bus_name
        self.queue = []
        self.pending = 0
        self.context = GLib.MainContext()

    def call(self, path, interface, method, args, reply, done):
        self.queue.append((path, interface, method, args, reply, done))

    def _send(self, path, interface, method, args, reply, done):
        def answered(bus, result):
            self.pending -= 1
            try:
                value = bus.call_finish(result).unpack()
            except GLib.Error:
                value = None
            done(value)

        self.pending += 1
        self.bus.call(self.bus_name, path, interface, method, args, GLib.VariantType(reply),
                      Gio.DBusCallFlags.NONE, -1, None, answered)

    def run(self):
        """Until every request, and every one their answers made, is answered."""
        self.context.push_thread_default()
        try:
            while self.queue or self.pending:
                while self.queue and self.pending < IN_FLIGHT:
                    self._send(*self.queue.pop())
                self.context.iteration(True)
        finally:
            self.context.pop_thread_default()


class _Node:
    """An accessible that collect read: libatspi's own object, looked up (by its child
    indices from the root) only when a test uses it."""

    def __init__(self, root, indices):
        self._root = root
        self._indices = indices
        self._node = None

    def __getattr__(self, name):
        if self._node is None:
            node = self._root
            for i in self._indices:
                node = node.getChildAtIndex(i)
            self._node = node
        return getattr(self._node, name)


def snapshot(root, prune=None):
    """(role, name, description, node) of every accessible under root, depth first, as walk
    gives them, but not below an accessible named one of prune; read with the requests in
    flight together."""
    try:
        requests = _Requests(root.app.bus_name)
        path = root.path
    except Exception:
        return []
    read = {}
    accessible = "org.a11y.atspi.Accessible"

    def visit(path, indices):
        record = read[indices] = [None, "", ""]

        def role(answer):
            record[0] = Atspi.Role(answer[0]) if answer else None

        def properties(answer):
            if answer is None:
                record[0] = None
                return
            record[1] = answer[0].get("Name", "")
            record[2] = answer[0].get("Description", "")
            if len(indices) >= MAX_DEPTH or (prune and record[1] in prune):
                return
            for i in range(answer[0].get("ChildCount", 0)):
                requests.call(path, accessible, "GetChildAtIndex", GLib.Variant("(i)", (i,)),
                              "((so))", lambda child, i=i: child and child[0][1] != _NULL
                              and visit(child[0][1], indices + (i,)))

        requests.call(path, accessible, "GetRole", None, "(u)", role)
        requests.call(path, "org.freedesktop.DBus.Properties", "GetAll",
                      GLib.Variant("(s)", (accessible,)), "(a{sv})", properties)

    visit(path, ())
    requests.run()
    return [(r, name, description, _Node(root, indices))
            for indices, (r, name, description) in sorted(read.items()) if r is not None]


def collect(root, prune=None):
    """snapshot, with each name as spoken (its mnemonic underscore kept: it is text too)."""
    return [(r, spoken(name, mnemonic=False), description, node)
            for r, name, description, node in snapshot(root, prune)]


def spoken(name, mnemonic=True):
    """GTK 4.8 names a button after its label and its label child ("Save Save", "_Save Save"):
    the name a person hears, once, and without the mnemonic underscore unless told to keep it."""
    name = name or ""
    if mnemonic:
        name = name.replace("_", "")
    half = len(name) // 2
    if len(name) % 2 == 1 and name[:half] == name[half + 1:] and name[half] == " ":
        return name[:half]
    return name


def named(name, roles=None):
    """A predicate: the accessible a person hears as name (and of one of roles, if given)."""
    def predicate(node):
        if spoken(node.name) != name:
            return False
        return roles is None or node.getRole() in roles
    return predicate


def action_names(node):
    try:
        action = node.queryAction()
        return [action.getName(i) for i in range(action.nActions)]
    except Exception:
        return []


def act(node, names=("click", "activate", "press")):
    """Does node's first action among names, else its first action; False if it has none."""
    try:
        action = node.queryAction()
    except NotImplementedError:
        return False
    for i in range(action.nActions):
        if action.getName(i) in names:
            return action.doAction(i)
    return action.nActions > 0 and action.doAction(0)


def state_has(node, state):
    try:
        return node.getState().contains(state)
    except Exception:
        return False


def app_windows(pid, roles=(pyatspi.ROLE_FRAME, pyatspi.ROLE_WINDOW, pyatspi.ROLE_DIALOG)):
    """The top-level accessibles of process pid's application (its windows), in order."""
    windows = []
    for app in Atspi.get_desktop(0):
        try:
            if app is None or app.get_process_id() != pid:
                continue
            windows += [w for w in children(app) if w is not None and w.getRole() in roles]
        except Exception:
            continue
    return windows


def frame_of(pid, title):
    """Process pid's frame titled title, or None."""
    return next((f for f in app_windows(pid, (pyatspi.ROLE_FRAME,)) if f.name == title), None)


def wait_window(process, test, what):
    """process's first window for which test(window) holds, once it is on the bus; None if
    process ends first (it says so) or after HANG."""
    def shown():
        if process.poll() is not None:
            return True
        return next((w for w in app_windows(process.pid) if test(w)), None)

    window = wait_until(shown, what)
    if window is True:
        diag("halyard exited with %s before %s (is the display shared with another run?)"
             % (process.returncode, what))
        return None
    return window


def views(window):
    """The window's views as (tab, page) in the view switcher's order: each page is the root
    of its view's own subtree, so that a search in one never walks the others. The view stack
    is the nearest ancestor of the Mapping view (HyMappingPage, named after its type in every
    language) with as many pages as the switcher has tabs."""
    tab_list = find(window, lambda n: n.getRole() == pyatspi.ROLE_PAGE_TAB_LIST)
    tabs = children(tab_list) if tab_list is not None else []
    stack = find_shallow(window, lambda n: n.name == "HyMappingPage")
    while stack is not None and tabs and stack.childCount != len(tabs):
        stack = stack.parent
    if stack is None or not tabs:
        return []
    return list(zip(tabs, children(stack)))


def halyard_env(build, **extra):
    """The environment Halyard runs in under test: on the accessibility bus (meson's test
    environment keeps the other tests off it), settings in memory, and the tests' minimal MIME
    database (see tests/ui/hy-ui-test-mime.h) after the system's, so icons draw on trimmed
    systems too; then extra."""
    env = dict(os.environ)
    env.pop("NO_AT_BRIDGE", None)
    env.pop("GTK_A11Y", None)
    env["GSETTINGS_BACKEND"] = "memory"
    env["XDG_DATA_DIRS"] = ":".join([env.get("XDG_DATA_DIRS", "/usr/local/share:/usr/share"),
                                     os.path.join(build, "tests", "ui")])
    env.update(extra)
    return env


def stop(process, timeout=10):
    """Ends process with SIGTERM (SIGKILL if it does not end in time): its exit status, or None
    when it had to be killed."""
    process.send_signal(signal.SIGTERM)
    try:
        return process.wait(timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
        return None
