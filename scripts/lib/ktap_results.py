#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Count the results in the JSON that `kunit.py parse --json` wrote.

usage: ktap_results.py EXPECTED_SUITES JSON...
Prints one line per suite, then `SUITES_MISSING <names>` if any expected
suite did not report, and last `TOTAL <passed> <failed> <skipped>`.
"""
import json
import sys


def leaves(group):
    for case in group.get("test_cases", []):
        yield case["status"]
    for sub in group.get("sub_groups", []):
        yield from leaves(sub)


def main():
    expected = set(sys.argv[1].split())
    seen = set()
    total = {"PASS": 0, "FAIL": 0, "SKIP": 0}
    for path in sys.argv[2:]:
        with open(path) as f:
            root = json.load(f)
        suites = root.get("sub_groups", [])
        # A single suite in a document may be flattened into the root.
        if not suites and root.get("test_cases"):
            suites = [root]
        for suite in suites:
            count = {"PASS": 0, "FAIL": 0, "SKIP": 0}
            for status in leaves(suite):
                count["PASS" if status == "PASS" else
                      "SKIP" if status == "SKIP" else "FAIL"] += 1
            seen.add(suite["name"])
            for k in total:
                total[k] += count[k]
            print(f"{suite['name']:<28} {count['PASS']:4} passed "
                  f"{count['FAIL']:4} failed {count['SKIP']:4} skipped")
    missing = sorted(expected - seen)
    if missing:
        print("SUITES_MISSING " + " ".join(missing))
    print(f"TOTAL {total['PASS']} {total['FAIL']} {total['SKIP']}")


if __name__ == "__main__":
    main()
