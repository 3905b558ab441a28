#!/usr/bin/env python3
"""Prints the comparison table for compare.sh and checks agreement.

Input: a TSV file with lines "case<TAB>tool<TAB>process_seconds<TAB>json" (json as printed by a peer program),
and an optional note for the replsim column (e.g. "not wired"). Output: a Markdown table on stdout.
Exit status 1 if two tools disagree on a case by more than 0.1 % in makespan or differ in transfer count.
"""

import json
import sys

TOOLS = ["replsim", "simgrid", "simpy"]
TOLERANCE = 1e-3
UNCHECKED = ("E",)  # ill-conditioned cases: disagreement is reported, not counted as a failure


def load(path):
    rows = {}  # case -> tool -> (process_s, parsed json or None)
    order = []
    with open(path) as f:
        for lineno, line in enumerate(f, 1):
            parts = line.rstrip("\n").split("\t", 3)
            if len(parts) != 4:
                sys.exit(f"table.py: {path}:{lineno}: expected 4 tab-separated fields, got {len(parts)}")
            case, tool, process_s, text = parts
            try:
                result = json.loads(text)
            except json.JSONDecodeError as e:
                print(f"table.py: {path}:{lineno}: {tool} printed no JSON ({e}): {text!r}", file=sys.stderr)
                result = None
            if result is not None and "makespan_s" not in result:
                result = None
            if case not in rows:
                rows[case] = {}
                order.append(case)
            rows[case][tool] = (float(process_s), result)
    return order, rows


def fmt_wall(entry):
    if entry is None:
        return "–"
    process_s, result = entry
    if result is None:
        return "failed"
    cpu = f" cpu {result['cpu_s']:.4g}" if "cpu_s" in result else ""
    return f"{result['wall_s']:.4g} ({cpu.strip() + '; ' if cpu else ''}proc {process_s:.2f})"


def main(argv):
    if len(argv) not in (1, 2):
        sys.exit("usage: table.py RESULTS.tsv [replsim-note]")
    order, rows = load(argv[0])
    replsim_note = argv[1] if len(argv) == 2 else ""
    has_replsim = any(rows[c].get("replsim", (0, None))[1] is not None for c in order)
    reference = "replsim" if has_replsim else "simpy"
    ok = True
    header = ["case", "transfers", "analytic bound s"] + [f"{t} makespan s" for t in TOOLS]
    header += ["max rel diff", "above bound"]
    header += [f"{t} wall s (cpu s; whole process s)" for t in TOOLS]
    ratios = [(t, reference) for t in TOOLS if t != reference and t != "replsim"]  # wall-time ratios shown
    header += [f"{num}/{den} wall" for num, den in ratios]
    print("| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header))
    totals = {t: 0.0 for t in TOOLS}
    counted = {t: 0 for t in TOOLS}
    for case in order:
        by_tool = rows[case]
        results = {t: by_tool[t][1] for t in TOOLS if t in by_tool and by_tool[t][1] is not None}
        failed = [t for t in TOOLS if t in by_tool and by_tool[t][1] is None]
        if failed:
            ok = False
            print(f"table.py: case {case}: {', '.join(failed)} failed", file=sys.stderr)
        makespans = {t: r["makespan_s"] for t, r in results.items()}
        transfers = sorted({r["transfers"] for r in results.values()})
        diff = 0.0
        if makespans:
            lo, hi = min(makespans.values()), max(makespans.values())
            diff = (hi - lo) / hi if hi > 0 else 0.0
        if len(transfers) > 1 or (diff > TOLERANCE and case not in UNCHECKED):
            ok = False
            print(f"table.py: DISAGREEMENT on case {case}: makespans {makespans}, transfers {transfers}",
                  file=sys.stderr)
        elif diff > TOLERANCE:
            print(f"table.py: case {case} differs by {diff:.1e} (ill-conditioned, not checked)", file=sys.stderr)
        bound = by_tool.get("analytic", (0, None))[1]
        cells = [case, "/".join(str(t) for t in transfers) or "–", f"{bound['makespan_s']:.6f}" if bound else "–"]
        for t in TOOLS:
            if t == "replsim" and replsim_note:
                cells.append(replsim_note)
            elif t in makespans:
                cells.append(f"{makespans[t]:.6f}")
            else:
                cells.append("–" if t not in by_tool else "failed")
        cells.append(f"{diff:.1e}" if len(makespans) > 1 else "–")
        if bound and makespans and bound["makespan_s"] > 0:
            above = max(makespans.values()) / bound["makespan_s"] - 1
            cells.append(f"{above:+.2e}")
            if min(makespans.values()) < bound["makespan_s"] * (1 - 1e-9):
                ok = False
                print(f"table.py: case {case}: a makespan {makespans} is below the analytic bound {bound}",
                      file=sys.stderr)
        else:
            cells.append("–")
        for t in TOOLS:
            cells.append(replsim_note if t == "replsim" and replsim_note else fmt_wall(by_tool.get(t)))
            if t in results:
                totals[t] += results[t]["wall_s"]
                counted[t] += 1
        walls = {t: r["wall_s"] for t, r in results.items()}
        for num, den in ratios:
            ok_ratio = num in walls and den in walls and walls[den] > 0
            cells.append(f"{walls[num] / walls[den]:.3g}x" if ok_ratio else "–")
        print("| " + " | ".join(cells) + " |")
    if len(order) > 1:
        cells = ["sum of wall_s", "", ""] + [""] * len(TOOLS) + ["", ""]
        cells += [f"{totals[t]:.3f} ({counted[t]} runs)" if counted[t] else "–" for t in TOOLS]
        cells += [""] * len(ratios)
        print("| " + " | ".join(cells) + " |")
    if not ok:
        print("\nFAILED: a run failed, makespans disagree (> 0.1 %), or transfer counts differ; see messages above.")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
