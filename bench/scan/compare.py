#!/usr/bin/env python3
"""What `stackdex scan` and stack-analyser each found that the other did not, on one repository.

compare.py STACKDEX_JSON ANALYSER_JSON NAME

stack-analyser names technologies by its own keys ("postgresql", "aws.s3"); the catalog keeps
those keys as tool aliases, so both sides are compared as catalog slugs.
"""
import glob
import json
import os
import sys
import tomllib

ROOT = os.path.join(os.path.dirname(__file__), "..", "..")


def catalog_index():
    by_key = {}
    for path in glob.glob(os.path.join(ROOT, "crates/catalog/data/tools/*/*.toml")):
        try:
            tools = tomllib.load(open(path, "rb")).get("tool", [])
        except (OSError, tomllib.TOMLDecodeError):
            continue
        for tool in tools:
            by_key[tool["slug"]] = tool["slug"]
            for alias in tool.get("aliases", []):
                by_key[alias.lower()] = tool["slug"]
    return by_key


def analyser_techs(node, out):
    for key in ("techs", "inComponent"):
        value = node.get(key)
        if isinstance(value, list):
            out.update(v for v in value if isinstance(v, str))
    for lang in (node.get("languages") or {}):
        out.add(lang.lower())
    for child in node.get("childs") or []:
        analyser_techs(child, out)
    return out


def main():
    ours_path, theirs_path, name = sys.argv[1:4]
    index = catalog_index()
    try:
        report = json.load(open(ours_path))
        # stack-analyser lists every language, data formats too; so do stackdex's `languages`
        # (data and prose formats are there, not in `tools`).
        ours = {t["slug"] for t in report["tools"]} | {lang["slug"] for lang in report.get("languages", [])}
    except (OSError, ValueError, KeyError):
        print(f"{name}: no stackdex output")
        return
    try:
        raw = analyser_techs(json.load(open(theirs_path)), set())
    except (OSError, ValueError):
        print(f"{name}: no stack-analyser output")
        return
    theirs = {index.get(t.lower(), f"?{t}") for t in raw}
    print(f"{name}: stackdex {len(ours)} tools and languages, stack-analyser {len(theirs)}, both {len(ours & theirs)}")
    print(f"  only stackdex:       {', '.join(sorted(ours - theirs)) or '-'}")
    print(f"  only stack-analyser: {', '.join(sorted(theirs - ours)) or '-'}")


if __name__ == "__main__":
    main()
