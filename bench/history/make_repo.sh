#!/usr/bin/env bash
# A synthetic repository for `stackdex scan --history`: COMMITS commits (default 10,000) on
# main, each editing a few of 2,000 source files in 100 folders; package.json bumps a version
# every 100 commits and gains or loses a dependency every 500, Cargo.toml changes every 250.
# Made with `git fast-import` in seconds. Usage: make_repo.sh DIR [COMMITS]
set -euo pipefail
dir=${1:?usage: make_repo.sh DIR [COMMITS]}
commits=${2:-10000}
rm -rf "$dir"
mkdir -p "$dir"
git -C "$dir" init -q
git -C "$dir" symbolic-ref HEAD refs/heads/main
python3 - "$commits" <<'PY' | git -C "$dir" fast-import --quiet
import random, sys
commits = int(sys.argv[1])
rng = random.Random(7)
out = sys.stdout.buffer
def data(text):
    raw = text.encode()
    out.write(b"data %d\n" % len(raw) + raw + b"\n")
def package_json(i):
    deps = {"react": "18.%d.0" % (i // 100 % 10), "express": "4.%d.1" % (i // 1000)}
    if i // 500 % 2:
        deps["lodash"] = "4.17.21"
    body = ", ".join('"%s": "%s"' % kv for kv in sorted(deps.items()))
    return '{"name": "app", "dependencies": {%s}, "devDependencies": {"typescript": "5.4.2"}}\n' % body
def cargo_toml(i):
    return '[package]\nname = "core"\nversion = "0.%d.0"\n\n[dependencies]\ntokio = "1.%d"\nserde = "1"\n' % (i // 250, 30 + i // 250)
exts = [".ts", ".tsx", ".rs", ".py", ".css", ".md"]
start = 1_500_000_000
for i in range(commits):
    out.write(b"commit refs/heads/main\nmark :%d\n" % (i + 1))
    out.write(b"committer Bench <bench@example.invalid> %d +0000\n" % (start + i * 3600))
    data("commit %d" % i)
    if i:
        out.write(b"from :%d\n" % i)
    files = []
    if i == 0:
        files = [("src/d%d/f%d%s" % (n % 100, n, exts[n % len(exts)]), n) for n in range(2000)]
        files.append(("Dockerfile", 0))
        files.append((".github/workflows/ci.yml", 0))
    else:
        files = [("src/d%d/f%d%s" % (n % 100, n, exts[n % len(exts)]), n) for n in rng.sample(range(2000), 3)]
    for path, n in files:
        out.write(b"M 100644 inline " + path.encode() + b"\n")
        if path == "Dockerfile":
            data("FROM node:20-alpine\nRUN npm ci\n")
        elif path.endswith("ci.yml"):
            data("on: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n")
        else:
            data("// file %d, edit %d\n" % (n, i) + "x" * rng.randrange(100, 4000) + "\n")
    if i == 0 or i % 100 == 0:
        out.write(b"M 100644 inline package.json\n")
        data(package_json(i))
    if i == 0 or i % 250 == 0:
        out.write(b"M 100644 inline crates/core/Cargo.toml\n")
        data(cargo_toml(i))
PY
git -C "$dir" gc -q
echo "made $dir: $(git -C "$dir" rev-list --count HEAD) commits"
