"""Benchmark: how fast kzdata starts, against what it is measured by.

    python bench/startup.py [RUNS]        (default: 7)

On the shipped package, times each command end to end (process start and imports included),
RUNS times, interleaved so that a busy machine slows them alike, and prints medians and the
ratios the README promises:

- `kzdata validate --layer frictionless --layer pandera` within 2x of `frictionless validate`;
- the great_expectations layer adds its import (about 3 s) and little more;
- `kzdata --help` within 1.5x of a minimal two-command typer app's `--help`.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BIN = Path(sys.executable).parent
PACKAGE = Path(__file__).resolve().parent.parent / "datapackage"
TWO_COMMANDS = """
import typer

app = typer.Typer()


@app.command()
def first() -> None:
    pass


@app.command()
def second() -> None:
    pass


app()
"""


def seconds(command: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, capture_output=True, check=False)
    return time.perf_counter() - start


def main(runs: int) -> None:
    kzdata = str(BIN / "kzdata")
    with tempfile.TemporaryDirectory() as tmp:
        typer_app = Path(tmp) / "two_commands.py"
        typer_app.write_text(TWO_COMMANDS, encoding="utf-8")
        commands = {
            "frictionless validate": [
                str(BIN / "frictionless"),
                "validate",
                str(PACKAGE / "datapackage.json"),
            ],
            "kzdata validate -l frictionless -l pandera": [
                kzdata,
                "validate",
                str(PACKAGE),
                "--layer",
                "frictionless",
                "--layer",
                "pandera",
            ],
            "  ... -l great_expectations": [
                kzdata,
                "validate",
                str(PACKAGE),
                "--layer",
                "frictionless",
                "--layer",
                "pandera",
                "--layer",
                "great_expectations",
            ],
            "kzdata validate (every layer)": [kzdata, "validate", str(PACKAGE)],
            "two-command typer app --help": [sys.executable, str(typer_app), "--help"],
            "kzdata --help": [kzdata, "--help"],
        }
        times: dict[str, list[float]] = {label: [] for label in commands}
        for _ in range(runs):
            for label, command in commands.items():
                times[label].append(seconds(command))
    median = {label: statistics.median(t) for label, t in times.items()}
    print(f"{'command':<44} {'median s':>9}")
    for label, value in median.items():
        print(f"{label:<44} {value:>9.2f}")
    two_layers = median["kzdata validate -l frictionless -l pandera"]
    print()
    ratio = two_layers / median["frictionless validate"]
    print(f"frictionless+pandera / frictionless validate: {ratio:.2f} (target <= 2)")
    added = median["  ... -l great_expectations"] - two_layers
    print(f"great_expectations layer adds:                {added:.2f} s (its import is ~3 s)")
    ratio = median["kzdata --help"] / median["two-command typer app --help"]
    print(f"kzdata --help / two-command typer app --help: {ratio:.2f} (target <= 1.5)")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 7)
