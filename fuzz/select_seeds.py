#!/usr/bin/env python3
"""Picks the seeds of one fuzz target from a libFuzzer merge (see reseed.sh and docs/fuzzing.md).

Usage: select_seeds.py CONTROL_FILE MERGED_DIR CAP

MERGED_DIR holds the inputs that -set_cover_merge=1 kept (named by their SHA-1); CONTROL_FILE is
that merge's -merge_control_file, with every coverage feature of every input (FT lines; in a
set-cover merge they are complete, while COV lines list only PCs new at that input). A feature is
a counter (an edge) and a bucket of its hit count: feature // 8 is the counter. Of the kept
inputs, at most CAP are picked greedily: each pick is the input adding the most counters that no
earlier pick covers, then the most new features, then the smaller input, until CAP inputs or
nothing new. Prints their paths.
"""
import hashlib
import os
import sys


def main():
    control, merged, cap = sys.argv[1], sys.argv[2], int(sys.argv[3])
    lines = open(control, encoding="utf-8", errors="surrogateescape").read().split("\n")
    count = int(lines[0])
    files = lines[2 : 2 + count]
    features, edges, sizes = {}, {}, {}
    for line in lines[2 + count :]:
        parts = line.split()
        if len(parts) >= 3 and parts[0] == "STARTED":
            sizes[int(parts[1])] = int(parts[2])
        elif len(parts) >= 2 and parts[0] == "FT":
            features[int(parts[1])] = set(map(int, parts[2:]))
            edges[int(parts[1])] = {f >> 3 for f in features[int(parts[1])]}
    kept = set(os.listdir(merged))
    candidates = {}
    for i, path in enumerate(files):
        if i not in features:
            continue
        with open(path, "rb") as f:
            name = hashlib.sha1(f.read()).hexdigest()
        if name in kept and name not in candidates:
            candidates[name] = (edges.get(i, set()), features[i], sizes.get(i, 0))
    all_edges = set().union(*(c[0] for c in candidates.values()))
    all_features = set().union(*(c[1] for c in candidates.values()))
    covered_edges, covered, picks = set(), set(), []
    complete_at = None

    def gain(item):
        name, (new_edges, found, size) = item
        return (len(new_edges - covered_edges), len(found - covered), -size, name)

    while candidates and len(picks) < cap:
        name, (new_edges, found, _) = max(candidates.items(), key=gain)
        if not found - covered and not new_edges - covered_edges:
            break
        picks.append(name)
        covered_edges |= new_edges
        covered |= found
        del candidates[name]
        if complete_at is None and covered_edges == all_edges:
            complete_at = len(picks)
    for name in picks:
        print(os.path.join(merged, name))
    print(
        f"{len(picks)} of {len(kept)} inputs: {len(covered_edges)} of {len(all_edges)} counters, "
        f"{len(covered)} of {len(all_features)} features"
        + (f" (all counters from the first {complete_at})" if complete_at else ""),
        file=sys.stderr,
    )


if __name__ == "__main__":
    main()
