"""Start-up time of `dailypapers --help` against a bare interpreter (`python -c pass`).

Each command runs `--runs` times (after one warm-up run, so the file cache is warm) and the median
wall time is reported, with the difference and the ratio to the baseline. Aim: every
`dailypapers --help` under 0.3 s.

    .venv/bin/python bench/bench_startup.py [--runs 15]

Where the time goes: `.venv/bin/python -X importtime -m dailypapers --help 2>&1 >/dev/null | sort
-t'|' -k2 -n | tail`. Only click may be imported at module level in cli.py.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
AIM = 0.3


def venv_python() -> Path:
    for cand in (ROOT / ".venv" / "bin" / "python", Path(sys.executable)):
        if cand.exists():
            return cand
    raise SystemExit("no Python found")


def console_script(python: Path) -> Path | None:
    script = python.parent / "dailypapers"
    if script.exists():
        return script
    found = shutil.which("dailypapers")
    return Path(found) if found else None


def time_cmd(cmd: list[str], runs: int, env: dict[str, str]) -> list[float]:
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, check=True)
    out = []
    for _ in range(runs):
        t0 = time.perf_counter()
        subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, check=True)
        out.append(time.perf_counter() - t0)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", type=int, default=15, help="runs per command; the median is reported")
    args = ap.parse_args()

    python = venv_python()
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}  # no PYTHONSTARTUP etc.
    commands: list[tuple[str, list[str]]] = [
        ("python -c pass (baseline)", [str(python), "-c", "pass"]),
        ("python -c 'import click'", [str(python), "-c", "import click"]),
        ("python -m dailypapers --help", [str(python), "-m", "dailypapers", "--help"]),
    ]
    script = console_script(python)
    if script:
        commands.append(("dailypapers --help (console script)", [str(script), "--help"]))
    else:
        print("note: no `dailypapers` console script found; install the package with pip -e .")

    results = {name: statistics.median(time_cmd(cmd, args.runs, env)) for name, cmd in commands}
    base = results["python -c pass (baseline)"]
    print(f"python: {python}  runs per command: {args.runs} (median)")
    print(f"{'command':<38} {'median':>9} {'- baseline':>11} {'/ baseline':>11}")
    for name, t in results.items():
        print(f"{name:<38} {t * 1000:>7.1f}ms {(t - base) * 1000:>9.1f}ms {t / base:>10.2f}x")
    slow = [n for n, t in results.items() if "dailypapers" in n and t >= AIM]
    verdict = "met" if not slow else f"NOT met ({', '.join(slow)})"
    print(f"aim: every dailypapers --help under {AIM:.1f} s: {verdict}")


if __name__ == "__main__":
    main()
