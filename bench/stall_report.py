"""Summarise a stall_watch file: in each dump, which thread held the GIL and where
(its innermost plugin frame), and what the main thread was doing.

Usage: bench/stall_report.py STALL_FILE
"""

import collections
import re
import sys


def main(path: str) -> int:
    text = open(path).read()
    holders, mains = collections.Counter(), collections.Counter()
    dumps = text.split("=== stall")[1:]
    for dump in dumps:
        for block in re.split(r"\nThread ", dump)[1:]:
            head, *frames = block.splitlines()
            ours = [f.strip() for f in frames if "planet_bulk_tasking" in f]
            where = ours[0].split(" (")[0] if ours else (frames[0].strip() if frames else "?")
            name = head.split('"')[1] if '"' in head else head.split()[0]
            if "gil" in head:
                holders[f"{name}: {where}"] += 1
            if "MainThread" in head:
                top = [f.strip().split(" (")[0] for f in frames[:4]]
                mains[" < ".join(top)] += 1
    print(f"{len(dumps)} dumps")
    print("GIL held by:")
    for k, n in holders.most_common(15):
        print(f"  {n:4d}  {k}")
    print("main thread:")
    for k, n in mains.most_common(10):
        print(f"  {n:4d}  {k}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
