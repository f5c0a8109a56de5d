#!/usr/bin/env python3
"""Inclusive CPU samples per method from a JFR recording: the share of execution samples whose stack contains
each method (once per sample), for methods whose class name starts with one of the given prefixes.

    bench/tools/jfr-inclusive.py RECORDING.jfr [PREFIX ...] [--top N] [--thread SUBSTRING]

Uses `jfr print --json` of the JDK on PATH (JDK 21 or newer)."""
import collections
import json
import subprocess
import sys


def main(argv):
    top, thread, prefixes, files = 40, None, [], []
    args = iter(argv)
    for arg in args:
        if arg == "--top":
            top = int(next(args))
        elif arg == "--thread":
            thread = next(args)
        elif arg.endswith(".jfr"):
            files.append(arg)
        else:
            prefixes.append(arg)
    if len(files) != 1:
        sys.exit(__doc__)
    out = subprocess.run(["jfr", "print", "--json", "--stack-depth", "200", "--events", "jdk.ExecutionSample", files[0]],
                         check=True, capture_output=True, text=True).stdout
    events = json.loads(out)["recording"]["events"]
    counts, total = collections.Counter(), 0
    for event in events:
        values = event["values"]
        name = (values.get("sampledThread") or {}).get("javaName") or ""
        if thread and thread not in name:
            continue
        total += 1
        seen = set()
        for frame in (values.get("stackTrace") or {}).get("frames", []):
            method = frame["method"]
            key = method["type"]["name"].replace("/", ".") + "." + method["name"]
            if key in seen or (prefixes and not any(key.startswith(p) for p in prefixes)):
                continue
            seen.add(key)
            counts[key] += 1
    print(f"{total} samples" + (f" on threads matching {thread!r}" if thread else ""))
    for key, count in counts.most_common(top):
        print(f"{100 * count / max(total, 1):6.1f}%  {count:6d}  {key}")


if __name__ == "__main__":
    main(sys.argv[1:])
