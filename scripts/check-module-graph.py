#!/usr/bin/env python3
"""The module graph of docs/architecture.md must be the one of Package.swift.

Usage: swift package dump-package | scripts/check-module-graph.py [docs/architecture.md]
Reads the manifest as JSON on standard input and the table "| module | what it is | imports (targets) | packages |"
from the docs; every non-test target must have one row (a row may name several modules: `A`, `B`) whose imports are
exactly the target's dependencies on other targets of the package. Exit 0 when they agree, 1 with each difference.
"""
import json
import re
import sys

manifest = json.load(sys.stdin)
docs_path = sys.argv[1] if len(sys.argv) > 1 else "docs/architecture.md"
names = {t["name"] for t in manifest["targets"]}
actual = {}
for target in manifest["targets"]:
    if target["type"] == "test":
        continue
    deps = set()
    for dependency in target["dependencies"]:
        kind, value = next(iter(dependency.items()))
        if kind in ("target", "byName") and value[0] in names:
            deps.add(value[0])
    actual[target["name"]] = deps

documented = {}
with open(docs_path, encoding="utf-8") as docs:
    for line in docs:
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) != 4 or not cells[0].startswith("`"):
            continue
        imports = {re.sub(r"\s*\(.*\)$", "", n).strip() for n in cells[2].split(",")} - {"—", ""}
        for module in re.findall(r"`([^`]+)`", cells[0]):
            documented[module] = imports

problems = []
for name in sorted(actual.keys() | documented.keys()):
    if name not in documented:
        problems.append(f"{name}: a target of Package.swift missing from the table in {docs_path}")
    elif name not in actual:
        problems.append(f"{name}: in the table of {docs_path} but not a target of Package.swift")
    elif actual[name] != documented[name]:
        missing = ", ".join(sorted(actual[name] - documented[name])) or "nothing"
        extra = ", ".join(sorted(documented[name] - actual[name])) or "nothing"
        problems.append(f"{name}: {docs_path} lacks {missing} and has {extra} beyond Package.swift")
for problem in problems:
    print(f"module graph: {problem}", file=sys.stderr)
sys.exit(1 if problems else 0)
