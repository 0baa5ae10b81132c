#!/usr/bin/env python3
"""Coverage of a StackShare Stack File by a stackdex scan, entry by entry, by name.

usage: compare.py SCAN.json CATALOG.json EXPECTED.txt

SCAN.json is `stackdex scan REPO --format json`, CATALOG.json `stackdex catalog --format json`,
EXPECTED.txt one entry name a line (see ackee.expected.txt). An entry is covered when its name,
ignoring case, is the name, slug or an alias of a detected tool, or the name of a package. Prints
the coverage, the entries missed and the tools found that the Stack File does not list."""
import json
import sys


def main(scan_path, catalog_path, expected_path):
    scan = json.load(open(scan_path))
    catalog = {t["slug"]: t for t in json.load(open(catalog_path))["tools"]}
    names = {}
    for tool in scan["tools"]:
        aliases = catalog.get(tool["slug"], {}).get("aliases", [])
        for name in [tool["name"], tool["slug"], *aliases]:
            names.setdefault(name.lower(), f"tool {tool['slug']}")
    for package in scan.get("packages", []):
        names.setdefault(package["name"].lower(), f"package {package['ecosystem']}:{package['name']}")
    expected = []
    for line in open(expected_path):
        if line.startswith("#") or not line.strip():
            continue
        expected.append(line.rstrip("\n").split("\t")[0])
    covered = [e for e in expected if e.lower() in names]
    missed = [e for e in expected if e.lower() not in names]
    print(f"{expected_path}: {len(covered)} of {len(expected)} entries covered ({100 * len(covered) / len(expected):.1f}%)")
    for entry in missed:
        print(f"  missed: {entry}")
    listed = {e.lower() for e in expected}
    extra = []
    for tool in scan["tools"]:
        aliases = catalog.get(tool["slug"], {}).get("aliases", [])
        if not any(n.lower() in listed for n in [tool["name"], tool["slug"], *aliases]):
            extra.append(tool["name"])
    print(f"  tools found that the Stack File does not list ({len(extra)}): {', '.join(extra)}")
    return 0 if len(covered) >= 0.95 * len(expected) else 1


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:4]))
