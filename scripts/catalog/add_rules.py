#!/usr/bin/env python3
"""Adds detection matchers to crates/catalog/data/rules from a TOML file of records
(`[[rule]] tool = "slug"` plus matcher lists), merging into a tool's existing record (new
patterns appended to its lists) or appending a new record to the rule file of the tool's
category. Usage: add_rules.py NEW_RULES.toml"""
import glob, os, re, sys, tomllib

DATA = os.path.join(os.path.dirname(__file__), "../../crates/catalog/data")


def tool_files():
    where = {}
    for path in glob.glob(f"{DATA}/tools/*/*.toml"):
        for tool in tomllib.load(open(path, "rb")).get("tool", []):
            where[tool["slug"]] = os.path.relpath(path, f"{DATA}/tools")
            for alias in tool.get("aliases", []):
                where.setdefault(alias.lower(), where[tool["slug"]])
    return where


def toml_list(values):
    return "[" + ", ".join('"' + v.replace("\\", "\\\\").replace('"', '\\"') + '"' for v in values) + "]"


def main(path):
    new = tomllib.load(open(path, "rb")).get("rule", [])
    where = tool_files()
    for record in new:
        slug = record["tool"]
        rel = where.get(slug)
        if rel is None:
            sys.exit(f"unknown tool {slug}")
        rule_path = f"{DATA}/rules/{rel}"
        text = open(rule_path).read() if os.path.exists(rule_path) else ""
        blocks = re.split(r"(?m)^(?=\[\[rule\]\])", text)
        found = False
        for i, block in enumerate(blocks):
            if re.search(rf'(?m)^tool = "{re.escape(slug)}"\s*$', block):
                found = True
                for key, values in record.items():
                    if key == "tool":
                        continue
                    m = re.search(rf"(?m)^{key} = (\[.*\])\s*$", block)
                    if m:
                        existing = tomllib.loads(f"x = {m.group(1)}")["x"]
                        merged = existing + [v for v in values if v.lower() not in {e.lower() for e in existing}]
                        block = block[: m.start(1)] + toml_list(merged) + block[m.end(1):]
                    else:
                        block = block.rstrip("\n") + f"\n{key} = {toml_list(values)}\n"
                        if i < len(blocks) - 1:
                            block += "\n"
                blocks[i] = block
        text = "".join(blocks)
        if not found:
            lines = [f'tool = "{slug}"'] + [f"{k} = {toml_list(v)}" for k, v in record.items() if k != "tool"]
            text = text.rstrip("\n") + "\n\n[[rule]]\n" + "\n".join(lines) + "\n"
        open(rule_path, "w").write(text)


if __name__ == "__main__":
    main(sys.argv[1])
