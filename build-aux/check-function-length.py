#!/usr/bin/env python3
# Lists every C function longer than the limit (100 lines, from the line of its name to its
# closing brace) and every C file longer than its limit (1 500 lines) in src/, tests/ and bench/,
# and fails when there is one. A class_init (a list of properties and signals) is exempt; static
# tables are not functions and are not counted. Generated code lives in the build directory and
# is never read.
#
# The project's style (GNU, clang-format) puts a definition's name at the start of a line,
# `name (`, and its braces alone at column 0, which is what this reads: no parser needed.
#
# Usage: check-function-length.py [--max N] [--max-file N] [SOURCE_ROOT]

import argparse
import os
import re
import sys

NAME = re.compile(r"^([A-Za-z_]\w*) \(")
EXEMPT = re.compile(r"_class_init$")


def functions(path):
    """Yields (name, first line, length) for every function defined in @path."""
    with open(path, encoding="utf-8", errors="replace") as f:
        lines = f.read().split("\n")
    i = 0
    while i < len(lines):
        match = NAME.match(lines[i])
        if not match:
            i += 1
            continue
        # the parameter list may run over several lines; a definition's body opens at column 0
        j = i
        while j < len(lines) and not lines[j].rstrip().endswith((")", ";", "{", ",")):
            j += 1
        while j < len(lines) and lines[j].rstrip().endswith(","):
            j += 1
        if j + 1 >= len(lines) or lines[j].rstrip().endswith(";") or lines[j + 1] != "{":
            i += 1
            continue
        end = j + 2
        while end < len(lines) and lines[end] != "}":
            end += 1
        yield match.group(1), i + 1, end - i + 1
        i = end + 1


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--max", type=int, default=100, help="the longest a function may be")
    parser.add_argument("--max-file", type=int, default=1500, help="the longest a .c file may be")
    parser.add_argument("root", nargs="?", default=os.path.join(os.path.dirname(__file__), ".."))
    args = parser.parse_args()

    offenders = []
    long_files = []
    for top in ("src", "tests", "bench"):
        for directory, _, names in sorted(os.walk(os.path.join(args.root, top))):
            for name in sorted(names):
                if not name.endswith(".c"):
                    continue
                path = os.path.join(directory, name)
                with open(path, encoding="utf-8", errors="replace") as f:
                    count = sum(1 for _ in f)
                if count > args.max_file:
                    long_files.append((os.path.relpath(path, args.root), count))
                for function, line, length in functions(path):
                    if length > args.max and not EXEMPT.search(function):
                        offenders.append((os.path.relpath(path, args.root), line, function, length))

    for path, count in long_files:
        print(f"{path}: {count} lines (at most {args.max_file}): split it by concern")
    for path, line, function, length in offenders:
        print(f"{path}:{line}: {function} is {length} lines (at most {args.max})")
    if long_files:
        print(f"{len(long_files)} files over {args.max_file} lines")
    if offenders:
        print(f"{len(offenders)} functions over {args.max} lines: cut them into named steps")
    if long_files or offenders:
        return 1
    print(f"no function over {args.max} lines, no file over {args.max_file} lines")
    return 0


if __name__ == "__main__":
    sys.exit(main())
