# SPDX-License-Identifier: GPL-3.0-or-later
"""Decides whether a text shown to a French, Spanish or German user is still in English.

Two independent rules, so that neither a string missing from the catalog nor one missing from
the code's markup slips through:

1. The text is (a filled-in form of) an msgid that the code marks for translation today — taken
   by xgettext from every C and .ui file under src/ and ui/, listed in POTFILES.in or not — and
   it is not (a filled-in form of) any translation in the language's .po file. So "Linked" is
   English in French, but "Status" in German is fine, since "Status" is the German for "Status".
2. The text, once names are taken out (the allow-list, the demo's records, URLs, e-mail
   addresses, paths, and Halo's own English field names quoted in the guide), still has a word
   that exists only in English ("the", "linked", "failed", ...). This catches strings the code
   never marked.
"""

import glob
import json
import os
import re
import subprocess
import tempfile

import polib

# Proper names and terms that stay as they are in every language.
ALLOWED = [
    "HaloPSA", "Halo", "Halyard", "halyard-cli", "halyard-sim", "Client ID", "API", "URL",
    "ID", "JSON", "CSV", "HTTP", "HTTPS", "OAuth", "GET", "POST", "PUT", "DELETE", "GNOME",
    "GTK", "libadwaita", "Flatpak", "Secret Service", "Ctrl", "Shift", "Alt", "F5", "Demo",
    "The Halyard developers",
]
# Halo's own English option and field names, which the guide and the pre-flight quote as Halo
# shows them (Halo's agent and application settings are not translated in Halo itself).
HALO_UI = [
    "Client ID and Secret (Services)", "Tickets Access Level", "Clients Access Level",
    "Assets Access Level", "Can add new Tickets", "Allow use of all Ticket Types",
    "Agent to log in as", "Is an API-only Agent", "Read and Modify", "Read Only", "View Applications",
    "Yes", "None",
]

# Words that are English and no French, Spanish or German UI word (so not "type", "site",
# "client", "agent", "ticket", "status", "name", "integration", "export", "demo", "link", "no",
# "on", "in", "an", "will", "also", "so", "die", "see" ...).
ENGLISH_ONLY = set("""
the of and to with without not only this that these those from your you are be been have
had were which what when where while who how why there their they them its it's into onto
than then yet just already again every each any some none nothing select selected show shows
shown hide linked unlinked unlink automatically failed failure succeeded synced syncing
unsynced records request requests requested matching match clears cleared policies policy
companies company locations location groups group technicians technician
retry save saved close open opened settings user users computers setting time method record state mapped mapping
devices device alert alerts raised refresh refreshing fetch fetched sent send sending queued
deliver delivered delivery deliveries pending dead last first next previous keyboard shortcuts
shortcut about leave inventory connect connected connection testing tested passed proven
unproven check checks checked setup enabled disabled enable disable yes true false empty
loading search find found help quit cancel apply remove removed add added updated unchanged
created create edit edited new old please could cannot can't don't won't isn't wasn't must
should would evidence accept reject rename renamed review left right up
down here see below above more less following ready done copy copied paste choose chose chosen
pick started
""".split())

QUOTES = [("“", "”"), ("„", "“"), ("«", "»"), ("‘", "’"), ("‚", "‘"), ('"', '"'), ("'", "'")]

FORMAT = re.compile(r"%(?:\d+\$)?[-+ 0#']*(?:\d+|\*)?(?:\.\d+)?(?:hh|h|ll|l|L|q|j|z|t)?"
                    r"[diouxXeEfFgGaAcspn%]")


def _pattern(msg):
    """A regex for a printf format string: each conversion matches any text."""
    out, pos = [], 0
    for m in FORMAT.finditer(msg):
        out.append(re.escape(msg[pos:m.start()]))
        out.append("%" if m.group(0) == "%%" else r".+?")
        pos = m.end()
    out.append(re.escape(msg[pos:]))
    return re.compile("".join(out), re.S)


def _plain(msg):
    """The text a person sees: without the mnemonic underscore."""
    return re.sub(r"_(?=\w)", "", msg).strip()


def _letters(msg):
    return len(re.findall(r"[A-Za-z]", FORMAT.sub("", msg)))


def _is_format(entry):
    return any("c-format" in f for f in entry.flags) and FORMAT.search(entry.msgid)


class Catalog:
    """The strings of the code as it is now, and their translations in one language."""

    def __init__(self, source_root, lang):
        self.lang = lang
        files = []
        for pattern in ("src/**/*.c", "ui/**/*.ui", "data/*.in.in", "data/*.gschema.xml"):
            files += glob.glob(os.path.join(source_root, pattern), recursive=True)
        with tempfile.TemporaryDirectory() as tmp:
            listed = os.path.join(tmp, "files")
            with open(listed, "w", encoding="utf-8") as f:
                f.write("\n".join(sorted(os.path.relpath(p, source_root) for p in files)))
            pot = os.path.join(tmp, "halyard.pot")
            res = subprocess.run(
                ["xgettext", "--from-code=UTF-8", "--keyword=_", "--keyword=N_",
                 "--keyword=C_:1c,2", "--keyword=NC_:1c,2", "--keyword=g_dngettext:2,3",
                 "--keyword=ngettext:1,2", "--flag=g_strdup_printf:1:c-format",
                 "--flag=g_set_error:4:c-format", "--flag=g_error_new:3:c-format",
                 "--files-from=" + listed, "-o", pot],
                cwd=source_root, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                text=True)
            self.pot = polib.pofile(pot) if os.path.exists(pot) else []
        # A format macro inside _() ("%" G_GINT64_FORMAT) cuts the msgid short: untranslatable.
        self.broken = [line for line in res.stderr.splitlines()
                       if "ends in the middle of a directive" in line]
        po = polib.pofile(os.path.join(source_root, "po", lang + ".po"))

        # Placeholders of option help ("DIR", "FILE") that the language translates.
        self.placeholders = set()
        self.english = []      # (msgid, pattern or None)
        self.translated = set()
        self.translated_patterns = []
        self.untranslated = []  # msgids of the .pot with no translation in this language
        known = {}
        for entry in po:
            if entry.obsolete or "fuzzy" in entry.flags:
                continue
            known[(entry.msgctxt, entry.msgid)] = entry
            strs = list(entry.msgstr_plural.values()) if entry.msgid_plural else [entry.msgstr]
            for s in strs:
                if not s:
                    continue
                self.translated.add(_plain(s))
                if _is_format(entry):
                    self.translated_patterns.append(_pattern(_plain(s)))
        for entry in self.pot:
            if entry.msgid == "translator-credits":
                continue
            tr = known.get((entry.msgctxt, entry.msgid))
            if re.fullmatch(r"[A-Z][A-Z_]+", entry.msgid) and tr is not None and tr.msgstr and \
                    tr.msgstr != entry.msgid:
                self.placeholders.add(entry.msgid)
            if tr is None or not (tr.msgstr or any(tr.msgstr_plural.values())):
                self.untranslated.append(entry.msgid)
            for msgid in filter(None, (entry.msgid, entry.msgid_plural)):
                # "%s", "%" and the like say nothing about a language.
                if _letters(msgid) < 2:
                    continue
                plain = _plain(msgid)
                self.english.append((plain, _pattern(plain) if _is_format(entry) else None))

    def english_msgid(self, text):
        """The msgid that text is an untranslated form of, else None."""
        if text in self.translated or any(p.fullmatch(text) for p in self.translated_patterns):
            return None
        for msgid, pattern in self.english:
            if text == msgid or (pattern is not None and pattern.fullmatch(text)):
                return msgid
        return None


def demo_names(source_root):
    """Every string of the demo's records: names of companies, devices, people, policies."""
    names = set()

    def collect(value):
        if isinstance(value, str):
            if len(value) > 2:
                names.add(value)
        elif isinstance(value, list):
            for v in value:
                collect(v)
        elif isinstance(value, dict):
            for v in value.values():
                collect(v)

    for path in glob.glob(os.path.join(source_root, "data", "demo", "*.json")):
        with open(path, encoding="utf-8") as f:
            collect(json.load(f))
    return names


class Detector:
    def __init__(self, source_root, lang):
        self.catalog = Catalog(source_root, lang)
        # Longest first, so "Head Office" goes before "Office" would.
        self.names = sorted(demo_names(source_root) | set(ALLOWED) | set(HALO_UI), key=len,
                            reverse=True)

    def strip_names(self, text):
        text = re.sub(r"[A-Za-z][A-Za-z0-9+.-]*://\S+", " ", text)
        text = re.sub(r"\S+@\S+\.\w+", " ", text)
        text = re.sub(r"(?<!\w)/[\w./?&=%-]+", " ", text)
        # Command-line syntax is typed as it is in every language: a command's alternatives
        # ("add|list|remove") and the field names of a FIELD=VALUE list ("name=Hostname,company=…").
        text = re.sub(r"(?<![\w-])[\w-]+(?:\|[\w-]+)+", " ", text)
        text = re.sub(r"(?<![\w-])[a-z_]+=(?=[\w\"“])", " ", text)
        # Halo's scope names: "read:tickets edit:assets all".
        text = re.sub(r"\b(read|edit):\w+", " ", text)
        # Halo's own field and option names, quoted in the guide in Halo's English UI.
        for left, right in QUOTES:
            text = re.sub(re.escape(left) + r"[^" + re.escape(right) + r"]{0,80}" + re.escape(right),
                          " ", text)
        for name in self.names:
            if name in text:
                text = text.replace(name, " ")
        return text

    def why_english(self, text):
        """A reason when text is English, else None."""
        text = (text or "").strip()
        if not text or re.fullmatch(r"(Gtk|Adw)[A-Z]\w*", text):
            return None
        # Request and response bodies, shown as Halo sent them, are data.
        if text[0] in "[{" and text[-1] in "]}":
            return None
        msgid = self.catalog.english_msgid(_plain(text))
        if msgid is not None:
            return "the untranslated msgid %r" % msgid
        # Whole words, accents included: "Connecté" is not "connect".
        words = [w.lower()
                 for w in re.findall(r"[^\W\d_]+(?:'[^\W\d_]+)?", self.strip_names(text))]
        english = [w for w in words if w in ENGLISH_ONLY]
        if english:
            return "English words %s" % ", ".join(repr(w) for w in english[:4])
        return None
