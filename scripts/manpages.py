#!/usr/bin/env python3
"""Man pages for `trame` and each of its subcommands, from the argument parser's own description.

    scripts/manpages.py TRAME OUTDIR

Reads `TRAME --experimental-dump-help` (swift-argument-parser's JSON of the whole command tree) and writes
OUTDIR/trame.1 and OUTDIR/trame-SUB.1 (and trame-SUB-SUBSUB.1 for nested commands such as `bench costdistance`)
in man(7) format: NAME, SYNOPSIS, DESCRIPTION (the abstract and discussion), OPTIONS (each argument with its
value name, default and allowed values), EXIT STATUS, SEE ALSO. Prints the files written.
"""
import json
import os
import subprocess
import sys


def esc(text):
    """Text made safe for roff: backslashes, leading dots and quotes."""
    text = (text or "").replace("\\", "\\e")
    lines = []
    for line in text.split("\n"):
        if line.startswith(".") or line.startswith("'"):
            line = "\\&" + line
        lines.append(line)
    return "\n".join(lines)


def names(arg):
    out = []
    for n in arg.get("names") or []:
        out.append(("-" if n["kind"] == "short" else "--") + n["name"])
    return out


def option_lines(arg):
    if arg["kind"] == "positional":
        head = "\\fI{}\\fR".format(arg.get("valueName", "value"))
    else:
        flags = ", ".join("\\fB{}\\fR".format(esc(n)) for n in names(arg))
        head = flags + ("" if arg["kind"] == "flag" else " \\fI{}\\fR".format(esc(arg.get("valueName", "value"))))
    text = esc(arg.get("abstract", ""))
    extra = []
    if arg.get("allValues"):
        extra.append("One of: " + ", ".join(arg["allValues"]) + ".")
    if arg.get("defaultValue") not in (None, ""):
        extra.append("Default: " + esc(str(arg["defaultValue"])) + ".")
    if arg.get("isRepeating"):
        extra.append("May be given more than once.")
    return ".TP\n{}\n{}{}\n".format(head, text, (" " + " ".join(extra)) if extra else "")


def page(cmd, path, version):
    title = "-".join(path)
    synopsis = " ".join(path)
    args = [a for a in cmd.get("arguments", []) if a.get("shouldDisplay", True)]
    out = [
        '.TH "{}" 1 "" "Trame {}" "Trame manual"'.format(title.upper(), version),
        ".SH NAME",
        "{} \\- {}".format(esc(title), esc(cmd.get("abstract", ""))),
        ".SH SYNOPSIS",
        "\\fB{}\\fR{}".format(esc(synopsis), " \\fIsubcommand\\fR" if cmd.get("subcommands") else " [\\fIoptions\\fR]"),
        ".SH DESCRIPTION",
        esc(cmd.get("abstract", "")),
    ]
    if cmd.get("discussion"):
        out += [".PP", ".nf", esc(cmd["discussion"]), ".fi"]
    if args:
        out.append(".SH OPTIONS")
        out += [option_lines(a).rstrip("\n") for a in args]
    subs = [s for s in cmd.get("subcommands", []) if s.get("shouldDisplay", True)]
    if subs:
        out.append(".SH COMMANDS")
        for s in subs:
            out += [".TP", "\\fB{}\\fR".format(esc(s["commandName"])), esc(s.get("abstract", ""))]
    out += [".SH EXIT STATUS",
            "0 the work was done; 1 it could not be (a bad input, named on one line on standard error; nothing half-written is left); 64 the command line is wrong.",
            ".SH SEE ALSO"]
    see = ["trame(1)"] if len(path) > 1 else ["trame-{}(1)".format(s["commandName"]) for s in subs]
    out.append(", ".join(see))
    return "\n".join(out) + "\n"


def walk(cmd, path, version, outdir, written):
    name = "-".join(path) + ".1"
    with open(os.path.join(outdir, name), "w", encoding="utf-8") as f:
        f.write(page(cmd, path, version))
    written.append(name)
    for s in cmd.get("subcommands", []):
        if s.get("shouldDisplay", True):
            walk(s, path + [s["commandName"]], version, outdir, written)


def main():
    trame, outdir = sys.argv[1], sys.argv[2]
    os.makedirs(outdir, exist_ok=True)
    dump = json.loads(subprocess.run([trame, "--experimental-dump-help"], capture_output=True, text=True, check=True).stdout)
    version = subprocess.run([trame, "--version"], capture_output=True, text=True, check=True).stdout.strip()
    written = []
    walk(dump["command"], ["trame"], version, outdir, written)
    print("\n".join(written))


if __name__ == "__main__":
    main()
