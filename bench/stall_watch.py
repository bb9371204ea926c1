"""Who holds up the main thread: an outside watcher for bench_dock (``PBT_STALL_WATCH=file``).

The bench's 5 ms heartbeat writes the time of each beat into a shared page. This process
reads it every 5 ms; when the last beat is over ``--late`` ms old, it takes a
``py-spy dump --native`` of every thread (which thread runs, which waits for the GIL, in
Python and C++ frames) and appends it to the file, once per stall (and again if the stall
goes on past twice the limit). An in-process sampler cannot do this: while another thread
holds the interpreter lock, it cannot run either.

Usage (started by bench_dock): stall_watch.py PID BEAT_FILE OUT_FILE [--late 80]
"""

import argparse
import mmap
import os
import shutil
import struct
import subprocess
import sys
import time


def main(argv=None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("pid", type=int)
    ap.add_argument("beat_file")
    ap.add_argument("out_file")
    ap.add_argument("--late", type=float, default=80.0)
    args = ap.parse_args(argv)
    repo = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    spy = shutil.which("py-spy") or os.path.join(repo, ".venv", "bin", "py-spy")
    late = args.late / 1000
    with open(args.beat_file, "r+b") as f, open(args.out_file, "w") as out:
        beat = mmap.mmap(f.fileno(), 8)
        dumped_for, dumps = None, 0
        while True:
            try:
                os.kill(args.pid, 0)
            except OSError:
                return 0
            (last,) = struct.unpack_from("d", beat, 0)
            age = time.monotonic() - last
            if last and age > late:
                if dumped_for != last:
                    dumped_for, dumps = last, 0
                if dumps == 0 or (dumps == 1 and age > 2 * late):
                    dumps += 1
                    took = subprocess.run(
                        [spy, "dump", "--native", "--pid", str(args.pid)],
                        capture_output=True,
                        text=True,
                    )
                    out.write(f"=== stall at beat {last:.3f}, {age * 1000:.0f} ms late\n")
                    out.write(took.stdout)
                    out.flush()
            time.sleep(0.005)


if __name__ == "__main__":
    sys.exit(main())
