#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""Every option, metric and event field in the code appears in the reference.

  check.py SONDE REFERENCE.md     ok:/FAIL: lines; exit 1 when something is missing

Options come from the binary itself (`sonde agent --help`: the composed table,
every collector's section included). Metrics and event fields come from the
sources: the names given to mw__family(), the keys given to the field writer
(fw__*) and the JSON envelope, and the event kinds collectors register. Each
must appear in REFERENCE.md as `name`. Metric names in the reference's tables
that no code writes are reported too (a renamed metric leaves a stale row).
"""
import glob
import re
import subprocess
import sys


def sources():
    for path in sorted(glob.glob("src/**/*.c", recursive=True)):
        yield path, open(path).read()


def options(sonde):
    out = subprocess.run([sonde, "agent", "--help"], capture_output=True, text=True).stdout
    flags = re.findall(r"--(?:\[no-\])?([a-z][a-z0-9-]*)", out)
    keys = re.findall(r"\(config: ([a-z_.]+)\)", out)
    # A flag whose key is the same name has no "(config: ...)" note.
    for line in out.splitlines():
        m = re.search(r"--(?:\[no-\])?([a-z][a-z0-9_-]*)", line)
        if m and "(config:" not in line:
            keys.append(m.group(1).replace("-", "_"))
    return sorted(set(flags)), sorted(set(keys))


def metrics():
    names = set()
    for _, text in sources():
        names |= set(re.findall(r'mw__family\(\s*\w+\s*,\s*"(sonde_[a-z0-9_]+)"', text))
    return sorted(names)


def fields():
    keys, kinds = set(), set()
    for path, text in sources():
        keys |= set(re.findall(r'fw__\w+\(\s*\w+\s*,\s*"([a-z_0-9]+)"', text))
        for arr in re.findall(r"_keys\[\d*\]\s*=\s*\{([^}]*)\}", text):
            keys |= set(re.findall(r'"([a-z_0-9]+)"', arr))
        if path.endswith("json_event.c"):
            keys |= set(re.findall(r'jw__key\(&w, "([a-z_0-9]+)"\)', text))
        for table in re.findall(r"struct event_kind \w+\[\] = \{(.*?)\n\};", text, re.S):
            kinds |= set(re.findall(r'\{\s*(?:\.name\s*=\s*)?"([a-z_]+)"', table))
    return sorted(keys), sorted(kinds)


def main():
    sonde, ref_path = sys.argv[1], sys.argv[2]
    ref = open(ref_path).read()
    documented = set(re.findall(r"`([^`\n]+)`", ref))
    # `--flag VALUE`, `-l, --listen ADDR:PORT` and the like: the names in them.
    names = set()
    for d in documented:
        names |= set(re.findall(r"--(?:\[no-\])?([a-z][a-z0-9-]*)", d))
        names.add(d.split(" ")[0].split("{")[0])
    missing = 0

    def need(what, items, have):
        nonlocal missing
        absent = [i for i in items if i not in have]
        for i in absent:
            print(f"FAIL: {what} {i!r} is not in {ref_path}")
        missing += len(absent)
        if not absent:
            print(f"ok: every {what} ({len(items)}) is in {ref_path}")

    flags, keys = options(sonde)
    need("flag", flags, names)
    need("config key", keys, names)
    ms = metrics()
    need("metric", ms, names)
    keys, kinds = fields()
    need("event field", keys, names)
    need("event type", kinds, names)
    stale = sorted({n for n in re.findall(r"^\| `(sonde_[a-z0-9_]+)`", ref, re.M)} - set(ms))
    for n in stale:
        print(f"FAIL: {ref_path} documents metric {n!r}, which no code writes")
    if not stale:
        print(f"ok: every metric documented is written by the code")
    sys.exit(1 if missing or stale else 0)


if __name__ == "__main__":
    main()
