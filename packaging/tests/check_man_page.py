"""The man page documents exactly what taplaunch accepts, and only the files it uses.

Usage: check_man_page.py TAPLAUNCH MAN_PAGE (the troff that the build made)

Compares, in both directions, and fails on any difference:
- the options of `taplaunch --help` with the terms of the man page's OPTIONS section;
- the subcommands of the help's "Subcommands:" section with the SUBCOMMANDS section's
  subsections, and each subcommand's options (`taplaunch NAME --help`) with its subsection;
- the keys of the help's "NIC SPEC" section with the man page's NIC SPEC section;
- the /etc/taplaunch paths in the binary with those in the man page (a configuration file the
  program reads is documented; one it does not read yet is not). The profiles directory is
  the systemd unit's, not the binary's.
"""

import re
import sys

import help_text

UNIT_PATHS = {"/etc/taplaunch/profiles"}
ETC_PATH = re.compile(rb"/etc/taplaunch(?:/[\w.-]+)*")


def plain(roff_line):
    """A troff line without font changes and escapes: \\fB--nic\\fR \\fISPEC\\fR -> --nic SPEC."""
    text = re.sub(r"\\f[BIRP]", "", roff_line)
    text = text.replace("\\&", "").replace("\\-", "-").replace("\\(aq", "'")
    return text.replace("\\e", "\\")


def sections(roff):
    """{".SH title": [lines]} and {("SH title", ".SS title"): [lines]}."""
    by_section, by_subsection = {}, {}
    section = subsection = None
    for line in roff.splitlines():
        if line.startswith(".SH "):
            section, subsection = line[4:].strip('"'), None
            by_section[section] = []
        elif line.startswith(".SS ") and section:
            subsection = line[4:].strip('"')
            by_subsection[(section, subsection)] = []
        elif section:
            by_section[section].append(line)
            if subsection:
                by_subsection[(section, subsection)].append(line)
    return by_section, by_subsection


def terms(lines):
    """The bold words of the term lines of a list (a line that starts in bold, then .RS)."""
    found = []
    for line, following in zip(lines, lines[1:] + [""]):
        if line.startswith("\\fB") and following.startswith(".RS"):
            found.extend(plain(word) for word in re.findall(r"\\fB(.*?)\\fR", line))
    return found


def option_terms(lines):
    return {word for term in terms(lines) for word in term.split(", ") if word.startswith("-")}


def compare(what, from_help, from_man, problems):
    for item in sorted(from_help - from_man):
        problems.append(f"{what}: '{item}' is in --help but not in the man page")
    for item in sorted(from_man - from_help):
        problems.append(f"{what}: '{item}' is in the man page but not in --help")


def main(taplaunch, man_page):
    roff = open(man_page, encoding="utf-8").read()
    by_section, by_subsection = sections(roff)
    for needed in ("OPTIONS", "NIC SPEC", "SUBCOMMANDS", "EXIT STATUS", "ENVIRONMENT", "FILES",
                   "EXAMPLES"):
        if needed not in by_section:
            raise SystemExit(f"FAIL: the man page has no {needed} section")

    problems = []
    main_help = help_text.help_of(taplaunch)
    compare("option", help_text.options(main_help), option_terms(by_section["OPTIONS"]),
            problems)

    help_subcommands = help_text.subcommands(main_help)
    man_subcommands = {name for (section, name) in by_subsection if section == "SUBCOMMANDS"}
    compare("subcommand", help_subcommands, man_subcommands, problems)
    for name in sorted(help_subcommands & man_subcommands):
        compare(f"option of {name}",
                help_text.words_that_are_options(help_text.help_of(taplaunch, name)),
                option_terms(by_subsection[("SUBCOMMANDS", name)]), problems)

    man_keys = {term.split("=")[0] for term in terms(by_section["NIC SPEC"]) if "=" in term}
    compare("NIC SPEC key", help_text.nic_keys(main_help), man_keys, problems)

    binary_paths = {path.decode().rstrip(".")
                    for path in ETC_PATH.findall(open(taplaunch, "rb").read())}
    man_paths = {path.rstrip(".") for path in re.findall(r"/etc/taplaunch(?:/[\w.-]+)*", plain(roff))}
    man_paths = {path for path in man_paths
                 if not any(path == unit or path.startswith(unit + "/") for unit in UNIT_PATHS)}
    man_paths.discard("/etc/taplaunch")
    for path in sorted(binary_paths - man_paths):
        problems.append(f"file: taplaunch uses '{path}' but the man page does not mention it")
    for path in sorted(man_paths - binary_paths):
        problems.append(f"file: the man page mentions '{path}' but taplaunch does not use it")

    if problems:
        print("\n".join(f"FAIL: {problem}" for problem in problems), file=sys.stderr)
        print("(edit packaging/taplaunch.1.scd so that it matches taplaunch --help)",
              file=sys.stderr)
        return 1
    print(f"man page matches --help: {len(help_text.options(main_help))} options, "
          f"{len(help_subcommands)} subcommands, {len(man_keys)} NIC SPEC keys")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
