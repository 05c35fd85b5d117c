#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Halyard in one language, the way a French, Spanish or German technician sees it: starts the
real `halyard --demo` (an in-process simulated Halo with the sample inventory, no network) in
LANG's locale, walks every view through AT-SPI — Setup, Mapping and each of its sections,
Events with a request selected, the main menu, the keyboard shortcuts and the About window —
and fails on any name, description or label still in English (see english.py for what
"English" means). Then the same for halyard-cli's human output and help. Saves a screenshot of
each view in BUILD_ROOT/screenshots/i18n-LANG-VIEW.png. Prints TAP.

Usage: test-i18n-atspi.py BUILD_ROOT SOURCE_ROOT LANG     (LANG: fr, es or de)
Needs a display, a session bus and a keyring (build-aux/dev test provides all three).
"""

import locale
import os
import re
import subprocess
import sys
import tempfile

from halyard_atspi import (Tap, act, action_names, app_windows, collect, diag, find, find_all,
                           halyard_env, spoken, state_has, stop, views, wait_until,
                           wait_window)
import pyatspi
from gi.repository import Atspi

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from english import Detector  # noqa: E402

LOCALES = {"fr": "fr_FR.UTF-8", "es": "es_ES.UTF-8", "de": "de_DE.UTF-8"}

build, source, lang = sys.argv[1], sys.argv[2], sys.argv[3]
locale_name = LOCALES[lang]
tap = Tap()
ok = tap.ok


def select_tab(tab):
    """Shows a page tab's page: through its tab list's selection, else its own action."""
    try:
        parent = tab.parent
        parent.querySelection().selectChild(tab.getIndexInParent())
        return True
    except Exception:
        return act(tab, ("click", "activate", "press", "select"))


class Display:
    """A private Xvfb, so that the other tests' windows never cover this one: the screenshots
    show this language only, and a click lands on this window. (AT-SPI still works: GTK finds
    the accessibility bus through the session bus, whatever the display.)"""

    def __init__(self):
        read, write = os.pipe()
        self.server = subprocess.Popen(
            ["Xvfb", "-displayfd", str(write), "-screen", "0", "1280x1024x24", "-nolisten", "tcp"],
            pass_fds=(write,), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        os.close(write)
        with os.fdopen(read) as f:
            self.name = ":" + f.readline().strip()
        self._x11 = self._xtst = self._dpy = None

    def click(self, x, y):
        """A left click at (x, y), through the XTest extension."""
        import ctypes

        if self._dpy is None:
            self._x11 = ctypes.CDLL("libX11.so.6")
            self._xtst = ctypes.CDLL("libXtst.so.6")
            self._x11.XOpenDisplay.restype = ctypes.c_void_p
            self._dpy = self._x11.XOpenDisplay(self.name.encode())
        dpy = ctypes.c_void_p(self._dpy)
        self._xtst.XTestFakeMotionEvent(dpy, -1, int(x), int(y), 0)
        self._xtst.XTestFakeButtonEvent(dpy, 1, True, 0)
        self._xtst.XTestFakeButtonEvent(dpy, 1, False, 0)
        self._x11.XFlush(dpy)

    def screenshot(self, view):
        out = os.path.join(build, "screenshots")
        os.makedirs(out, exist_ok=True)
        path = os.path.join(out, "i18n-%s-%s.png" % (lang, view))
        subprocess.run(["import", "-display", self.name, "-window", "root", path], check=False,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        return path

    def close(self):
        if self._dpy is not None:
            import ctypes

            self._x11.XCloseDisplay(ctypes.c_void_p(self._dpy))
        self.server.terminate()
        self.server.wait()


class Checker:
    """Checks texts once each, and remembers where each English one was first seen."""

    def __init__(self, detector):
        self.detector = detector
        self.seen = set()

    def check(self, nodes, view):
        found = []
        for r, name, description, _ in nodes:
            # Typed text is the technician's, not ours; an entry's name is its label.
            for kind, text in (("name", name), ("description", description)):
                if not text or text in self.seen:
                    continue
                self.seen.add(text)
                why = self.detector.why_english(text)
                if why:
                    found.append("%s: %s %s %r: %s" % (view, Atspi.role_get_name(r), kind, text,
                                                       why))
        return found


def load_po():
    import polib

    po = polib.pofile(os.path.join(source, "po", lang + ".po"))
    return {e.msgid: e.msgstr for e in po if e.msgstr}


def report(english, what):
    ok(not english, what)
    diag("\n".join(english))


def selected(tab):
    """A page tab whose page is the one shown."""
    return state_has(tab, pyatspi.STATE_SELECTED)


def settled(root, what):
    """root's accessibles (as collect gives them) once a window that has just opened has
    filled in its content: a named label shows, and two reads in a row agree."""
    last = []

    def same():
        nodes = collect(root)
        texts = [n[:3] for n in nodes]
        stable = last == [texts]
        last[:] = [texts]
        return nodes if stable and any(r == pyatspi.ROLE_LABEL and name
                                       for r, name, _, _ in nodes) else None

    return wait_until(same, what) or collect(root)


def tabs_of(nodes):
    """The page tab lists among nodes, as lists of their tabs."""
    lists = []
    for r, _, _, node in nodes:
        if r == pyatspi.ROLE_PAGE_TAB_LIST:
            try:
                lists.append([node.getChildAtIndex(i) for i in range(node.childCount)])
            except Exception:
                pass
    return lists


class Gui:
    """The real `halyard --demo` on a private display, walked view by view. A check reads the
    whole window once; a wait reads only the view (or the menu) where its condition shows."""

    def __init__(self, detector, env):
        po = load_po()
        self.tr = lambda msgid: po.get(msgid, msgid).replace("_", "")
        self.checker = Checker(detector)
        self.display = Display()
        env = dict(env, DISPLAY=self.display.name, GDK_BACKEND="x11")
        env.pop("WAYLAND_DISPLAY", None)
        self.screenshot = self.display.screenshot
        self.app = subprocess.Popen([os.path.join(build, "src", "app", "halyard"), "--demo"],
                                    env=env, stderr=subprocess.DEVNULL)
        self.window = None
        self.pages = {}
        self.nodes = []

    def close(self):
        stop(self.app)
        self.display.close()

    def open(self):
        self.window = wait_window(self.app, lambda w: True, "the demo's window on the bus")
        if not ok(self.window, "halyard --demo in %s is on the accessibility bus" % locale_name):
            diag("exit status: %s; on the bus: %s" % (self.app.poll(), [
                (a.name, a.get_process_id()) for a in Atspi.get_desktop(0) if a is not None]))
            return False
        title = self.window.name
        ok(title and "Halyard" in title, "the window is titled %r" % title)
        # The views' pages, in the switcher's order: Setup, Mapping, Events.
        self.pages = [page for _, page in views(self.window)]
        return True

    def page(self, i):
        return self.pages[i] if i < len(self.pages) else self.window

    def setup(self):
        """Setup, once the demo's connection test has finished (the demo imports its inventory,
        refreshes from the simulated Halo and tests the connection by itself). Its outcome is
        the checks' description, which stays; the toast that also says it goes after a few
        seconds, and a walk of the window can take longer than that on a loaded machine.
        Returns the view switcher's tabs."""
        tr = self.tr
        passed = [tr("Connected. Halyard logs in to Halo as the agent “%s”.").split("%s")[0],
                  tr("Connected.")]
        failed = [tr("Halyard logs in as the agent “%s”, but something it needs is missing: fix "
                     "what failed below in Halo, then test again.").split("%s")[0],
                  tr("Halyard cannot work with this connection yet: fix what failed below in "
                     "Halo, then test again."),
                  tr("The test did not finish: fix what the message says, then test again.")]

        def outcome(node):
            return (node.getRole() == pyatspi.ROLE_LABEL
                    and spoken(node.name, mnemonic=False).startswith(tuple(passed + failed)))

        said = wait_until(lambda: find(self.page(0), outcome), "the connection test's outcome")
        said = spoken(said.name, mnemonic=False) if said else None
        ok(said and said.startswith(tuple(passed)), "Setup says the connection test passed: %r"
           % said)
        self.nodes = collect(self.window)
        tabs = next((t for t in tabs_of(self.nodes)
                     if [spoken(x.name) for x in t] == [tr("Setup"), tr("Mapping"),
                                                        tr("Events")]), None)
        if not ok(tabs, "the view switcher names Setup, Mapping and Events in %s" % lang):
            diag([[spoken(x.name) for x in t] for t in tabs_of(self.nodes)])
            return None
        self.screenshot("setup")
        report(self.checker.check(self.nodes, "Setup"), "Setup has no English text")
        return tabs

    def mapping(self, views_tabs):
        """Mapping: each section shown in turn (so its list is realized), then read at once.
        The sections' switcher is read from Setup's walk: with Mapping shown, a language
        whose section names are too wide for it has the narrow switcher on the bus instead."""
        mapping_tab = views_tabs[1]
        select_tab(mapping_tab)
        wait_until(lambda: selected(mapping_tab), "the Mapping view shown")
        sections = next((t for t in tabs_of(self.nodes) if len(t) >= 4 and t is not views_tabs),
                        None)
        names = [spoken(t.name) for t in sections or []]
        if ok(sections, "Mapping has its sections (%s)" % ", ".join(names)):
            for i, tab in enumerate(sections):
                select_tab(tab)
                wait_until(lambda: selected(tab), "the %s section shown" % spoken(tab.name))
                if i == 0:
                    self.screenshot("mapping")
        report(self.checker.check(collect(self.window), "Mapping"), "Mapping and its sections "
               "have no English text")

    def events(self, views_tabs):
        """Events, with a request clicked so that its details show (GTK 4.8's column view has
        no AT-SPI selection, and its cells' extents leave out the header: a click in the middle
        of the list lands on a row). The list has rows once it was laid out on screen: wait
        for them, not for a time."""
        events_tab, events = views_tabs[2], self.page(2)
        select_tab(events_tab)
        wait_until(lambda: selected(events_tab), "the Events view shown")
        table = wait_until(lambda: find(events, lambda n: n.getRole() in (
            pyatspi.ROLE_TABLE, pyatspi.ROLE_TREE_TABLE) and n.childCount > 1),
            "the list of requests with rows")
        details = None
        if table is not None:
            try:
                ext = table.queryComponent().getExtents(pyatspi.DESKTOP_COORDS)
                self.display.click(ext.x + ext.width // 4, ext.y + ext.height // 2)
                details = wait_until(lambda: find_all(events, lambda n: n.getRole()
                                                      == pyatspi.ROLE_LABEL
                                                      and " — " in (n.name or "")
                                                      and (n.name or "")[:1].isdigit()),
                                     "a request's details")
            except Exception as e:
                diag("clicking a request: %s" % e)
        ok(details, "a request's details show: %s" % (details[0].name if details else None))
        self.nodes = collect(self.window)
        self.screenshot("events")
        report(self.checker.check(self.nodes, "Events"), "Events has no English text")

    def menus(self):
        """The main menu, then the keyboard shortcuts and About, each opened from it."""
        english = []
        menu = self.tr("Main Menu")
        button = next((n[3] for n in self.nodes if n[1] == menu and n[0] in (
            pyatspi.ROLE_PUSH_BUTTON, pyatspi.ROLE_TOGGLE_BUTTON) and action_names(n[3])), None)
        if ok(button, "the main menu button is named %r" % menu):
            # The menu's popover is the button's sibling: read there, not in the whole window.
            def menu_items():
                return [n for n in collect(button.parent) if n[0] == pyatspi.ROLE_MENU_ITEM]

            act(button)
            items = wait_until(menu_items, "the main menu's items")
            ok(items, "the main menu opens (%s)" % ", ".join(n[1] for n in items or []))
            self.screenshot("menu")
            english += self.checker.check(items or [], "main menu")
            # Each of these opens a window of its own (left open: the next is a new frame).
            for msgid, view in (("_Keyboard Shortcuts", "shortcuts"), ("_About Halyard", "about")):
                if view != "shortcuts":
                    # The menu closed when its item was chosen; open it again only then, or
                    # the press would close it, and the items read would be the old ones.
                    wait_until(lambda: not menu_items(), "the main menu closed")
                    act(button)
                    items = wait_until(menu_items, "the main menu's items")
                english += self.open_from_menu(items, msgid, view)
        report(english, "the main menu, the keyboard shortcuts and About have no English text")

    def open_from_menu(self, items, msgid, view):
        """Chooses the menu item msgid: the window it opens, read once it has its content."""
        item = next((n[3] for n in items or [] if n[1] == self.tr(msgid)), None)
        if not ok(item, "the main menu has %r" % self.tr(msgid)):
            return []
        before = app_windows(self.app.pid)
        act(item)
        dialog = wait_until(lambda: next((f for f in app_windows(self.app.pid)
                                          if f not in before), None), "the %s window" % view)
        if not ok(dialog, "%r opens a window (%r)" % (self.tr(msgid), dialog and dialog.name)):
            return []
        nodes = settled(dialog, "the %s window's content" % view)
        self.screenshot(view)
        return self.checker.check(nodes, view)


def check_gui(detector, env):
    gui = Gui(detector, env)
    try:
        if not gui.open():
            return
        views_tabs = gui.setup()
        if views_tabs is None:
            return
        gui.mapping(views_tabs)
        gui.events(views_tabs)
        gui.menus()
    finally:
        gui.close()


# halyard-cli's literal arguments (KIND values, sub-commands), which it quotes as they are typed.
CLI_WORDS = set("""company companies location locations group groups computer computers user
users policy policies alert alerts raise clear set auto reject add list remove none""".split())


def cli_english(detector, cli, data, cli_env, runs, names):
    """Runs halyard-cli with each of runs on data: the English lines it printed, and its
    output by command."""
    english, outputs = [], {}
    for args in runs:
        res = subprocess.run([cli, "--data-dir", data] + args, env=cli_env,
                             capture_output=True, text=True, timeout=30)
        outputs[args[0]] = res.stdout
        for line in (res.stdout + res.stderr).splitlines():
            words = re.split(r"[\s(),|\[\]]+", line)
            # Option names and placeholders are code, not language; so are the command
            # names and the record kinds, which are typed as they are (KIND arguments, the
            # import file's keys).
            shown = " ".join(w for w in words if not w.startswith("-") and not w.isupper()
                             and w.strip(":;.") not in names
                             and w.strip(":;.") not in CLI_WORDS)
            why = detector.why_english(shown)
            if why and shown:
                english.append("halyard-cli %s: %r: %s" % (" ".join(args[:2]), line.strip(),
                                                            why))
    return english, outputs


def help_placeholders(detector, cli, env, outputs, runs):
    """A help text names its placeholders as the options show them: not "in DIR" next to
    "--data-dir=DOSSIER". The help lines that do not, in halyard-cli's and halyard's."""
    app_help = subprocess.run([os.path.join(build, "src", "app", "halyard"), "--help"],
                              env=env, capture_output=True, text=True, timeout=30).stdout
    outputs["halyard --help"] = app_help
    placeholders = {m for m in detector.catalog.placeholders}
    mismatched = []
    for args, text in [(k, v) for k, v in outputs.items()] + [
            (" ".join(a), None) for a in runs if "--help" in a]:
        if text is None:
            text = subprocess.run([cli] + args.split(), env=env, capture_output=True,
                                  text=True).stdout
        shown = set(re.findall(r"=([^\s\]]+)", text)) | set(re.findall(r"\b[A-Z_]{2,}\b",
                                                                       text.split("\n")[1]
                                                                       if "\n" in text
                                                                       else ""))
        for line in text.splitlines():
            m = re.match(r"\s+-(?:-[\w-]+|\w)(?:=\S+)?(?:,\s+--[\w-]+(?:=\S+)?)?\s{2,}(.*)",
                         line)
            if not m:
                continue
            for word in re.findall(r"\b[A-Z][A-Z_]+\b", m.group(1)):
                if word in placeholders and word not in shown:
                    mismatched.append("%s: %r names %s, which the options show translated"
                                      % (args, line.strip(), word))
    return mismatched


def check_cli_counts(cli, data, cli_env):
    """Counts follow the locale too: a Halo with 1 200 clients."""
    big = subprocess.Popen([os.path.join(build, "src", "sim", "halyard-sim"), "--port", "0",
                            "--clients", "1200", "--sites-per-client", "1",
                            "--assets-per-client", "0"], stdout=subprocess.PIPE, text=True)
    try:
        big_url = big.stdout.readline().strip().rsplit(" ", 1)[-1]
        big_data = os.path.join(data, "big")
        subprocess.run([cli, "--data-dir", big_data, "connect", "--url", big_url, "--tenant",
                        "demo", "--client-id", "halyard-demo"], env=cli_env,
                       capture_output=True, timeout=30)
        out = subprocess.run([cli, "--data-dir", big_data, "refresh"], env=cli_env,
                             capture_output=True, text=True, timeout=60).stdout
    finally:
        big.terminate()
        big.wait()
    locale.setlocale(locale.LC_ALL, locale_name)
    grouped = locale.format_string("%d", 1200, grouping=True)
    locale.setlocale(locale.LC_ALL, "C.UTF-8")
    line = next((ln for ln in out.splitlines() if "1200" in ln or grouped in ln), None)
    ok(line is not None and (grouped in line or grouped == "1200"),
       "halyard-cli refresh counts 1 200 clients as the locale writes it (%r): %r"
       % (grouped, line))


def check_cli(detector, env):
    """halyard-cli in the language: its help, and its human output on the demo's records
    against halyard-sim (connect, import, refresh, link, status, events, a dry-run sync) — no
    English line, and times in the locale's own format."""
    cli = os.path.join(build, "src", "cli", "halyard-cli")
    data = tempfile.mkdtemp(prefix="halyard-i18n-cli-")
    sim = subprocess.Popen([os.path.join(build, "src", "sim", "halyard-sim"), "--port", "0",
                            "--seed-file", os.path.join(source, "data", "demo", "halo.json")],
                           stdout=subprocess.PIPE, text=True)
    try:
        url = sim.stdout.readline().strip().rsplit(" ", 1)[-1]
        help_text = subprocess.run([cli, "--help"], env=env, capture_output=True,
                                   text=True).stdout
        # The command names listed in the help (two-space indent, then the name).
        names = [line.split()[0] for line in help_text.splitlines()
                 if line.startswith("  ") and line.split() and line.split()[0].isalpha()
                 and line.split()[0].islower() and len(line) - len(line.lstrip()) == 2]
        runs = [["--help"], ["nonsense"], ["import", "/nonexistent"]]
        runs += [[name, "--help"] for name in names]
        runs += [["connect", "--url", url, "--tenant", "demo", "--client-id", "halyard-demo"],
                 ["import", os.path.join(source, "data", "demo", "inventory.json")],
                 ["refresh"], ["link", "auto"], ["links"], ["status"], ["events", "--limit", "5"],
                 ["sync", "--dry-run"]]
        cli_env = dict(env, HALYARD_CLIENT_SECRET="demo-secret")
        english, outputs = cli_english(detector, cli, data, cli_env, runs, names)
        mismatched = help_placeholders(detector, cli, env, outputs, runs)
        ok(not mismatched, "help texts name the placeholders the options show")
        diag("\n".join(mismatched))
        ok(len(names) > 6, "halyard-cli lists its commands (%s)" % ", ".join(names))
        ok(not english, "halyard-cli's help and output have no English text")
        diag("\n".join(english))
        events = outputs.get("events", "").splitlines()
        iso = [line for line in events if re.match(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", line)]
        ok(events and not iso, "halyard-cli events shows times in the locale's format, not "
           "ISO 8601 UTC (that is --json's): %r" % (events[0] if events else None))
        check_cli_counts(cli, data, cli_env)
    finally:
        sim.terminate()
        sim.wait()
        subprocess.run(["rm", "-rf", data], check=False)


def main():
    detector = Detector(source, lang)
    ok(not detector.catalog.broken, "every marked string is whole for xgettext (no format macro "
       "such as G_GINT64_FORMAT inside _())")
    diag("\n".join(detector.catalog.broken))
    ok(not detector.catalog.untranslated,
       "every string marked in the code has a %s translation (%d missing)"
       % (lang, len(detector.catalog.untranslated)))
    diag("\n".join("untranslated: %r" % m for m in detector.catalog.untranslated[:40]))

    env = halyard_env(build, LANG=locale_name, LC_ALL=locale_name, LANGUAGE=lang,
                      HALYARD_LOCALEDIR=os.path.join(build, "po"),
                      GIO_USE_PROXY_RESOLVER="dummy")
    check = subprocess.run(["locale"], env=env, capture_output=True, text=True)
    if "Cannot set" in check.stderr:
        return "the %s locale is not installed (build-aux/dev test makes it)" % locale_name
    check_gui(detector, env)
    check_cli(detector, env)


if __name__ == "__main__":
    skip = None
    try:
        skip = main()
    finally:
        if skip:
            print("1..0 # SKIP " + skip, flush=True)
        else:
            print("1..%d" % len(tap.results), flush=True)
    sys.exit(0 if skip or tap.passed() else 1)
