#!/usr/bin/env python3
"""Compiles every translation unit of a configured build directory for its diagnostics only.

Usage: syntax-check.py BUILD_DIR [JOBS]

Runs each command of BUILD_DIR/compile_commands.json (configure with
-DCMAKE_EXPORT_COMPILE_COMMANDS=ON) with -fsyntax-only in place of its output: the compiler's
front end parses and checks every file with the build's own flags (-Werror included) and
writes nothing. For a compiler whose warnings come from its front end (clang), this finds what
a build would, at a fraction of a build's cost. Prints each failing file's diagnostics and
exits 1 if any failed.
"""

import concurrent.futures
import json
import os
import shlex
import subprocess
import sys


def syntax_only(entry):
    words = entry["arguments"] if "arguments" in entry else shlex.split(entry["command"])
    checked, skip = [], False
    for word in words:
        if skip:
            skip = False
        elif word == "-o":
            skip = True
        elif word != "-c":
            checked.append(word)
    result = subprocess.run(checked + ["-fsyntax-only"], cwd=entry["directory"],
                            capture_output=True, text=True)
    return entry["file"], result.returncode, result.stdout + result.stderr


def main():
    if len(sys.argv) not in (2, 3):
        sys.exit(__doc__.strip().splitlines()[2])
    with open(os.path.join(sys.argv[1], "compile_commands.json")) as commands:
        entries = json.load(commands)
    jobs = int(sys.argv[2]) if len(sys.argv) == 3 else os.cpu_count() or 1
    failed = 0
    with concurrent.futures.ThreadPoolExecutor(jobs) as pool:
        for name, status, output in pool.map(syntax_only, entries):
            if status != 0:
                failed += 1
                print(f"syntax-check: {name}: exit {status}\n{output}", file=sys.stderr)
    print(f"syntax-check: {len(entries) - failed} of {len(entries)} files passed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
