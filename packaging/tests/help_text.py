"""What `taplaunch --help` (and `taplaunch SUBCOMMAND --help`) says the program accepts.

The reference that the man page and the bash completion are checked against. Written apart
from the completion's own reader (bash), so that a change to the help's layout that one of
them misreads shows up as a difference.

Command line: help_text.py TAPLAUNCH options|subcommands|nic-keys|subcommand-options NAME
prints one item a line.
"""

import re
import subprocess
import sys

OPTION_WORD = re.compile(r"(?<![\w-])(--?[A-Za-z][\w-]*)")


def help_of(taplaunch, *subcommand):
    result = subprocess.run([taplaunch, *subcommand, "--help"], capture_output=True, text=True,
                            env={"LC_ALL": "C", "PATH": "/usr/bin:/bin"}, check=False)
    if result.returncode != 0:
        raise SystemExit(f"{taplaunch} {' '.join(subcommand)} --help failed with status "
                         f"{result.returncode}: {result.stderr.strip()}")
    return result.stdout


def section(text, title):
    """The lines after the line that starts with `title`, up to the next empty line."""
    lines = text.splitlines()
    for index, line in enumerate(lines):
        if line.startswith(title):
            body = []
            for following in lines[index + 1:]:
                if not following.strip():
                    break
                body.append(following)
            return body
    return []


def options(help_text):
    """Every spelling of every option in Boost's "Options:" table: -v, --verbose, --nic."""
    names = set()
    for line in section(help_text, "Options:"):
        # An entry starts two columns in; its description's continuation lines further in.
        entry = re.match(r"  (-\w)?(?: \[ )?(--[\w-]+)?", line)
        if entry and (entry.group(1) or entry.group(2)):
            names.update(name for name in entry.groups() if name)
    return names


def subcommands(help_text):
    return {match.group(1) for line in section(help_text, "Subcommands:")
            if (match := re.match(r"\s+taplaunch\s+([a-z][\w-]*)", line))}


def words_that_are_options(text):
    """Every -x or --long word in a text (a subcommand's help is prose, not a table)."""
    return set(OPTION_WORD.findall(text))


def nic_keys(help_text):
    return {match.group(1) for line in section(help_text, "NIC SPEC")
            if (match := re.match(r"\s+([a-z][\w]*)=", line))}


def main(argv):
    taplaunch, what = argv[1], argv[2]
    text = help_of(taplaunch)
    if what == "options":
        items = options(text)
    elif what == "subcommands":
        items = subcommands(text)
    elif what == "nic-keys":
        items = nic_keys(text)
    elif what == "subcommand-options":
        items = words_that_are_options(help_of(taplaunch, argv[3]))
    else:
        raise SystemExit(f"help_text.py: unknown item list '{what}'")
    print("\n".join(sorted(items)))


if __name__ == "__main__":
    main(sys.argv)
