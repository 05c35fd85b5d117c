#!/usr/bin/python3
"""Fills translations into po/fr.po, po/es.po and po/de.po from a JSON file.

Run build-aux/update-po.sh first so the new msgids exist, then:

    build-aux/po-fill.py translations.json [more.json …]

where translations.json maps each msgid (prefixed with "CONTEXT|" when the string has a msgctxt)
to {"fr": "...", "es": "...", "de": "..."}; plural strings map to lists, one entry per plural
form of the language; with several files, later ones win. Entries already translated are
overwritten; fuzzy flags are dropped.
Prints what is still untranslated.
"""
import json
import os
import sys

import polib

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def main():
    table = {}
    for name in sys.argv[1:]:
        with open(name, encoding="utf-8") as f:
            table.update(json.load(f))
    missing = 0
    for lang in ("fr", "es", "de"):
        path = os.path.join(ROOT, "po", lang + ".po")
        po = polib.pofile(path, wrapwidth=79)
        for entry in po:
            key = (entry.msgctxt + "|" if entry.msgctxt else "") + entry.msgid
            tr = table.get(key, {}).get(lang)
            if tr is not None:
                if entry.msgid_plural:
                    entry.msgstr_plural = {i: s for i, s in enumerate(tr)}
                else:
                    entry.msgstr = tr
                if "fuzzy" in entry.flags:
                    entry.flags.remove("fuzzy")
            if not entry.translated() or "fuzzy" in entry.flags:
                missing += 1
                print("%s: untranslated: %r" % (lang, key))
        po.save(path)
    sys.exit(1 if missing else 0)


if __name__ == "__main__":
    main()
