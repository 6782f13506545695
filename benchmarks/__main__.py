"""``python -m benchmarks [bench_name ...]``: every ``bench_*.py`` of this folder (or the ones
named), each in its own process.

Their JSON lines go to stdout as they come; a benchmark that fails is named at the end and makes
the exit status non-zero, after the others have run.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

FOLDER = Path(__file__).resolve().parent


def benchmark_scripts(names: list[str]) -> list[Path]:
    scripts = sorted(FOLDER.glob("bench_*.py"))
    if names:
        scripts = [script for script in scripts if script.stem in names or script.name in names]
    return scripts


def run(script: Path) -> int:
    print(f"== {script.name}", file=sys.stderr, flush=True)
    # as a module from the repository root, so benchmarks can import their shared helpers;
    # stdout passes straight through: each benchmark prints its own JSON lines
    command = [sys.executable, "-m", f"{FOLDER.name}.{script.stem}"]
    return subprocess.run(command, cwd=FOLDER.parent, check=False).returncode


def main(argv: list[str]) -> int:
    scripts = benchmark_scripts(argv)
    if not scripts:
        print(f"no benchmark matches {argv}", file=sys.stderr)
        return 2
    failed = [script.name for script in scripts if run(script) != 0]
    if failed:
        print(f"failed benchmarks: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
