"""Benchmark: `kzdata validate` against `frictionless validate` on the same generated packages.

    python bench/validate.py [--rows N ...] [--wide COLUMNSxROWS ...] [--repeat K]
                             [--no-faults] [--no-all-layers]

Packages are generated in a temporary folder (bench/packages.py) and removed afterwards: the
shipped package grown to each ROWS of valid, distinct facts, the same with every kind of fault
the fast engine reports seeded in it, and one-table packages COLUMNSxROWS wide. Each command runs
end to end (process start and imports included) K times, in rounds of one run of each command
(the machine's speed drifts); the table gives the median seconds, rows per second, the peak
memory of the process (its own getrusage) and how many times faster than `frictionless
validate` on the same package. Above 1,000,000 rows frictionless is not run:
its time is linear in the rows, so its 1,000,000-row median is scaled (marked "scaled"), and
kzdata runs only the frictionless layer on its fast engine.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

# Importing polars sets its allocator's setting in this process's environment, which every
# command run from here would inherit: kzdata's own (cli/allocator.py) would then not apply. Kept as
# the user's shell has it, for the commands.
ENVIRONMENT = dict(os.environ)

sys.path.insert(0, str(Path(__file__).resolve().parent))
from packages import SHIPPED, copy_shipped, grow, seed_faults, wide  # noqa: E402 (a sibling)

BIN = Path(sys.executable).parent
TIME = shutil.which("time", path="/usr/bin")
# Above this many rows frictionless (and kzdata on frictionless's engine, and all of kzdata's
# layers) is not run.
FRICTIONLESS_MAX_ROWS = 1_000_000
FRICTIONLESS = "frictionless validate"

__all__ = ["BIN", "ENVIRONMENT", "SHIPPED", "grow", "main"]


@dataclass
class Run:
    seconds: float
    peak_mb: float
    exit_code: int


def interleaved(commands: list[list[str]], repeat: int) -> list[Run]:
    """Each command's median wall time and largest peak memory over `repeat` runs, made in
    rounds of one run of each: this machine's speed drifts over minutes, and a ratio is fair
    only between runs that met the same drift."""
    times: list[list[float]] = [[] for _ in commands]
    peaks: list[list[float]] = [[] for _ in commands]
    codes: list[set[int]] = [set() for _ in commands]
    for _ in range(repeat):
        for i, command in enumerate(commands):
            seconds, peak_mb, code = once(command)
            times[i].append(seconds)
            peaks[i].append(peak_mb)
            codes[i].add(code)
    return [
        Run(statistics.median(t), max(p), max(c))
        for t, p, c in zip(times, peaks, codes, strict=True)
    ]


def once(command: list[str]) -> tuple[float, float, int]:
    """Wall seconds, peak memory (MB) and exit code of one run of `command`."""
    with tempfile.NamedTemporaryFile("r") as report:
        # /usr/bin/time is a small process: a child forked from this one (polars loaded)
        # would start its peak at this one's size.
        timed = [TIME, "-f", "%M", "-o", report.name, *command] if TIME else command
        start = time.perf_counter()
        process = subprocess.Popen(
            timed, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=ENVIRONMENT
        )
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - start
        kilobytes = int(report.read().split()[-1]) if TIME else usage.ru_maxrss
    return seconds, kilobytes / 1024, os.waitstatus_to_exitcode(status)


def commands(folder: Path, all_layers: bool, with_frictionless: bool) -> list[tuple[str, list]]:
    kzdata = [str(BIN / "kzdata"), "validate", str(folder)]
    fast = ["--layer", "frictionless", "--engine", "fast"]
    chosen = [("kzdata --layer frictionless --engine fast", fast)]
    if with_frictionless:
        engine = ["--layer", "frictionless", "--engine", "frictionless"]
        chosen.append(("kzdata --layer frictionless --engine frictionless", engine))
    if all_layers:
        chosen.append(("kzdata (all layers, --engine auto)", []))
    return [(label, kzdata + extra) for label, extra in chosen]


def measure(
    name: str, folder: Path, rows: int, cells: int, options: argparse.Namespace, scaled: dict
) -> None:
    """Print one package's lines; `scaled` keeps frictionless's seconds per row by package
    kind, for the sizes it is not run at."""
    with_frictionless = rows <= FRICTIONLESS_MAX_ROWS
    all_layers = (
        options.all_layers and not name.startswith("wide") and rows <= FRICTIONLESS_MAX_ROWS
    )
    chosen = commands(folder, all_layers, with_frictionless)
    if with_frictionless:
        base = [str(BIN / "frictionless"), "validate", str(folder / "datapackage.json")]
        chosen.insert(0, (FRICTIONLESS, base))
    results = interleaved([command for _, command in chosen], options.repeat)
    if with_frictionless:
        reference, note = results[0].seconds, ""
        scaled[name] = reference / rows
    else:
        reference = scaled.get(name, 0) * rows
        note = "scaled" if reference else ""
    for (label, _), result in zip(chosen, results, strict=True):
        line(name, rows, cells, label, result, reference, note)


HEADER = (
    f"{'package':<22} {'rows':>10} {'command':<50} {'median s':>9} {'rows/s':>11} "
    f"{'µs/cell':>8} {'peak MB':>8} {'exit':>4} {'x faster':>9}"
)


def line(
    name: str, rows: int, cells: int, label: str, result: Run, reference: float, note: str
) -> None:
    faster = f"{reference / result.seconds:.1f}" if reference else "-"
    print(
        f"{name:<22} {rows:>10,} {label:<50} {result.seconds:>9.2f} "
        f"{rows / result.seconds:>11,.0f} {result.seconds / cells * 1e6:>8.2f} "
        f"{result.peak_mb:>8.0f} {result.exit_code:>4} {faster:>9}{' ' + note if note else ''}",
        flush=True,
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, nargs="*", default=[100_000])
    parser.add_argument(
        "--wide", nargs="*", default=["10x100000", "1000x1000", "10000x100"], metavar="CxR"
    )
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-faults", dest="faults", action="store_false")
    parser.add_argument("--no-all-layers", dest="all_layers", action="store_false")
    options = parser.parse_args(argv)
    print(f"repeat {options.repeat}; x faster: frictionless validate's median / this median")
    print(HEADER)
    scaled: dict[str, float] = {}
    with tempfile.TemporaryDirectory(prefix="kzdata-bench-") as tmp:
        for rows in sorted(options.rows):
            folder = Path(tmp) / f"clean{rows}"
            copy_shipped(folder)
            grow(folder, rows)
            cells = rows * 17  # observations' fields (citations are as many rows again)
            measure("clean", folder, rows, cells, options, scaled)
            if options.faults:
                faulted = Path(tmp) / f"faults{rows}"
                copy_shipped(faulted)
                grow(faulted, rows)
                seed_faults(faulted)
                measure("faults", faulted, rows, cells, options, scaled)
        for shape in options.wide:
            columns, rows = (int(n) for n in shape.lower().split("x"))
            folder = Path(tmp) / f"wide{shape}"
            wide(folder, columns, rows)
            measure(f"wide {columns} cols", folder, rows, columns * rows, options, scaled)


if __name__ == "__main__":
    main()
