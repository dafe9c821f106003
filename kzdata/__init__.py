"""kzdata: Kazakhstan's prosecutions of citizens who fought in foreign armed conflicts, as a
versioned, citable data package, and the tool that builds, validates and publishes it.

The namespace maps onto the project's folders: kzdata.schemas (schemas/) declares,
kzdata.pipelines (pipelines/) executes, kzdata.cli (cli/) parses arguments. Imports here are
lazy, so `import kzdata` stays cheap.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

    from kzdata.pipelines.build import BuildResult
    from kzdata.pipelines.report import Report

__all__ = ["__version__", "build", "load", "package_path", "validate"]


def build(seeds: str | Path = "seeds", out: str | Path = "datapackage") -> BuildResult:
    """Build the data package in `out` from the seeds in `seeds` (see kzdata.pipelines.build)."""
    from kzdata.pipelines.build import build as _build

    return _build(seeds, out)


def validate(
    target: str | Path | None = None,
    layers: Iterable[str] | None = None,
    documents: str | Path | None = None,
) -> Report:
    """Validate a data package (a folder or a datapackage.json; by default the one shipped
    with kzdata) with the named layers (default: all) and return the report the CLI prints.
    `documents`: the folder of source documents for the provenance layer (default:
    seeds/documents beside the package, when it exists)."""
    from kzdata.pipelines.validate import validate as _validate

    target = target if target is not None else package_path()
    return _validate(target, layers=layers, documents=documents)


def load(target: str | Path | None = None, validate: bool = True) -> dict[str, pd.DataFrame]:
    """The package's tables as pandas DataFrames by resource name, typed from their Table
    Schemas (see kzdata.pipelines.load). With no target, the package shipped with kzdata. With
    `validate`, the package is validated first, and an invalid one is not loaded."""
    from kzdata.pipelines.load import load as _load

    return _load(target if target is not None else package_path(), validate=validate)


def __getattr__(name: str) -> str:
    # The version is read from the installed metadata (importlib.metadata, about 30 ms) only
    # when asked for, so that `kzdata --help` does not pay for it.
    if name == "__version__":
        from kzdata.pipelines.version import VERSION

        return VERSION
    raise AttributeError(f"module 'kzdata' has no attribute {name!r}")


def package_path() -> Path:
    """The folder of the data package shipped with this installation of kzdata."""
    here = Path(__file__).resolve().parent
    # A wheel installs it as kzdata/datapackage; a source checkout (or editable install) keeps
    # it in the top-level datapackage/ folder beside kzdata/.
    for candidate in (here / "datapackage", here.parent / "datapackage"):
        if (candidate / "datapackage.json").is_file():
            return candidate
    from kzdata.pipelines.errors import CannotRun

    raise CannotRun("this installation of kzdata has no built data package")
