#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""Verifier budgets of sonde's built-in programs (like veristat in libbpf's CI).

  sonde verify --builtin --json | budgets.py write budgets.txt
  sonde verify --builtin --json | budgets.py check budgets.txt

check fails when a program processes more instructions or peaks at more
states than its budget plus MARGIN (10 %) plus a small absolute slack, or
when a program has no budget yet. Programs this kernel refuses outright
(permission_denied: e.g. fentry where trampolines are disabled) are skipped
with the reason.
"""
import json
import sys

MARGIN = 0.10
SLACK_INSNS, SLACK_STATES = 20, 4


def load(path):
    budgets = {}
    for n, line in enumerate(open(path), 1):
        line = line.split("#", 1)[0].split()
        if not line:
            continue
        if len(line) != 4:
            sys.exit(f"{path}:{n}: want 'object program processed_insns peak_states'")
        budgets[(line[0], line[1])] = (int(line[2]), int(line[3]))
    return budgets


def main():
    if len(sys.argv) != 3 or sys.argv[1] not in ("write", "check"):
        sys.exit(__doc__)
    results = json.load(sys.stdin)
    if sys.argv[1] == "write":
        with open(sys.argv[2], "w") as f:
            f.write("# object program processed_insns peak_states: verifier budgets of the built-in\n")
            f.write("# programs; 'make budgets' rewrites this file, tests/integration/test_verify.sh\n")
            f.write(f"# fails when a program grows past its budget by more than {MARGIN:.0%}.\n")
            for r in results:
                if r["result"] == "pass":
                    f.write(f'{r["object"]} {r["program"]} {r["processed_insns"]} {r["peak_states"]}\n')
        return
    budgets = load(sys.argv[2])
    failed = 0
    for r in results:
        key = (r["object"], r["program"])
        name = "/".join(key)
        if r["result"] != "pass":
            if r.get("expected"):
                print(f"SKIP: {name}: refused as expected here ({r.get('expected_why')})")
                continue
            if r.get("hint") == "permission_denied":
                print(f"SKIP: {name}: this kernel refuses the program type ({r.get('why')})")
                continue
            print(f"FAIL: {name}: rejected by the verifier: {r.get('error')}")
            failed += 1
            continue
        if key not in budgets:
            print(f"FAIL: {name}: no budget in {sys.argv[2]} (run 'make budgets' and commit it)")
            failed += 1
            continue
        bi, bs = budgets[key]
        li, ls = int(bi * (1 + MARGIN)) + SLACK_INSNS, int(bs * (1 + MARGIN)) + SLACK_STATES
        pi, ps = r["processed_insns"], r["peak_states"]
        if pi > li or ps > ls:
            print(f"FAIL: {name}: processed {pi} insns / {ps} peak states, budget {bi} / {bs} (limit {li} / {ls})")
            failed += 1
        else:
            print(f"ok: {name}: processed {pi} insns (budget {bi}), peak states {ps} (budget {bs})")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
