"""``python -m benchmarks [bench_name ...]``: every ``bench_*.py`` of this folder (or the ones
named; `make bench BENCH=bench_inference`), each in its own process.

Their JSON lines go to stdout as they come, and a one-table summary of the figures that have a
target (figure, value, target, met; :mod:`benchmarks.targets`) ends the run. A benchmark that fails
is named at the end and makes the exit status non-zero, after the others have run.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from benchmarks.targets import summary

FOLDER = Path(__file__).resolve().parent


def benchmark_scripts(names: list[str]) -> list[Path]:
    scripts = sorted(FOLDER.glob("bench_*.py"))
    if names:
        scripts = [script for script in scripts if script.stem in names or script.name in names]
    return scripts


def run(script: Path, figures: list[dict]) -> int:
    print(f"== {script.name}", file=sys.stderr, flush=True)
    # as a module from the repository root, so benchmarks can import their shared helpers; each
    # JSON line is passed on as it comes and kept for the summary
    command = [sys.executable, "-m", f"{FOLDER.name}.{script.stem}"]
    with subprocess.Popen(command, cwd=FOLDER.parent, stdout=subprocess.PIPE, text=True) as process:
        for line in process.stdout:
            print(line, end="", flush=True)
            try:
                figures.append(json.loads(line))
            except json.JSONDecodeError:
                pass
    return process.returncode


def main(argv: list[str]) -> int:
    scripts = benchmark_scripts(argv)
    if not scripts:
        print(f"no benchmark matches {argv}", file=sys.stderr)
        return 2
    figures: list[dict] = []
    failed = [script.name for script in scripts if run(script, figures) != 0]
    print(summary(figures), file=sys.stderr, flush=True)
    if failed:
        print(f"failed benchmarks: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
