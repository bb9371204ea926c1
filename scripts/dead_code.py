"""The dead-code check of `make lint`: vulture over the plugin's runtime code.

Tests, benchmarks and scripts are scanned as *users* (a helper only a test calls is alive), but
only runtime code is reported; names a framework calls are listed in dead_code_whitelist.py.
"""

import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
RUNTIME = ("core", "ui", "processing", "sandbox", "plugin.py", "__init__.py")
USERS = ("tests", "bench", "scripts")


def main() -> int:
    cmd = [
        os.path.join(os.path.dirname(sys.executable), "vulture"),
        *RUNTIME,
        *USERS,
        "--min-confidence",
        "60",
        "--exclude",
        "resources_rc.py",
    ]
    out = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True).stdout
    dead = [line for line in out.splitlines() if line.startswith(RUNTIME)]
    for line in dead:
        print(line)
    print(f"dead code: {len(dead)} finding(s)" if dead else "dead code: none")
    return 1 if dead else 0


if __name__ == "__main__":
    sys.exit(main())
