#!/usr/bin/env python3
"""Regenerates the demo's featured projects (crates/app/src/demo/projects.json) from local
checkouts of public repositories, scanned with our own scanner. Only derived facts are written:
the project's owner and name, its repository URL, the commit scanned, the ecosystem and kind the
list gives it, the languages the scan measured (share of code bytes) and the catalog tools it
detected with their versions. Nothing of the checkouts themselves is kept.

Usage:
  scripts/demo/projects.py --stackdex target/release/stackdex \
      --list ../shared/reference/demo-repos.txt \
      OWNER/NAME[@COMMIT]=PATH ... > crates/app/src/demo/projects.json

The list (OWNER/NAME<TAB>ecosystem<TAB>kind a line, `#` comments) gives each project's ecosystem
and kind; a project the list does not name is refused. COMMIT, when given, records which
revision the checkout holds."""
import argparse, datetime, json, subprocess, sys

MAX_VERSIONS = 3
MIN_LANGUAGE_SHARE = 0.01


def read_list(path):
    known = {}
    for line in open(path, encoding="utf-8"):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        repo, ecosystem, kind = line.split("\t")
        known[repo] = (ecosystem, kind)
    return known


def scan(stackdex, path):
    out = subprocess.run([stackdex, "scan", path, "--format", "json"], capture_output=True, check=True).stdout
    return json.loads(out)


def facts(repo, commit, ecosystem, kind, report):
    owner, name = repo.split("/", 1)
    tools = []
    for t in sorted(report["tools"], key=lambda t: t["slug"]):
        versions = []
        for v in t.get("versions", []):
            if v and v not in versions:
                versions.append(v)
        tools.append({"slug": t["slug"], "versions": versions[:MAX_VERSIONS]})
    languages = [
        {"slug": l["slug"], "name": l["name"], "share": round(l["share"], 4)}
        for l in report.get("languages", [])
        if l.get("kind", "programming") == "programming" and l["share"] >= MIN_LANGUAGE_SHARE
    ]
    return {
        "owner": owner,
        "name": name,
        "repository": f"https://github.com/{repo}",
        "commit": commit,
        "ecosystem": ecosystem,
        "kind": kind,
        "languages": languages,
        "tools": tools,
    }


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--stackdex", required=True, help="the stackdex binary that scans")
    ap.add_argument("--list", required=True, help="demo-repos.txt")
    ap.add_argument("--date", default=datetime.date.today().isoformat(), help="the day of the scan (YYYY-MM-DD)")
    ap.add_argument("checkouts", nargs="+", help="OWNER/NAME[@COMMIT]=PATH")
    args = ap.parse_args()
    known = read_list(args.list)
    version = subprocess.run([args.stackdex, "--version"], capture_output=True, text=True).stdout.strip()
    projects = []
    for arg in args.checkouts:
        spec, path = arg.split("=", 1)
        repo, _, commit = spec.partition("@")
        if repo not in known:
            sys.exit(f"{repo} is not in {args.list}")
        ecosystem, kind = known[repo]
        print(f"scanning {repo} at {path}", file=sys.stderr)
        projects.append(facts(repo, commit, ecosystem, kind, scan(args.stackdex, path)))
    projects.sort(key=lambda p: (p["owner"].lower(), p["name"].lower()))
    document = {
        "about": "Facts derived by scanning public open-source repositories with stackdex scan; "
        "no file of theirs is kept. Each project names its repository and the commit scanned. "
        "Regenerate with scripts/demo/projects.py.",
        "scanner": version,
        "scanned_on": args.date,
        "projects": projects,
    }
    json.dump(document, sys.stdout, indent=1, ensure_ascii=False)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
