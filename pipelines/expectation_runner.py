"""Run declared suites (kzdata.schemas.expectation_suites) through Great Expectations.

One ephemeral context per validation: it keeps everything in memory and writes no file (no
gx/ folder, nothing in the home directory). Its progress bars are off and anything it prints
goes to stderr, so that a report written to stdout stays whole. Each suite runs through a
Checkpoint of its own, as a checkpoint feeds one dataframe to all its validations.
Great Expectations is imported here, when a suite first runs: it costs about 3 s.
"""

from __future__ import annotations

import contextlib
import copy
import gc
import sys
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import polars as pl

from kzdata.pipelines.typed_table import ROW
from kzdata.schemas.expectation_suites import Suite

if TYPE_CHECKING:
    import pandas as pd

# Every failing row, keyed by its frictionless row number (the default lists 20).
RESULT_FORMAT = {"result_format": "COMPLETE", "unexpected_index_column_names": [ROW]}
_META = "kzdata_expectation"


class ExpectationCrashed(RuntimeError):
    """Great Expectations could not evaluate an expectation: a bug in kzdata's suites or
    frames, never a finding about the data."""


@dataclass(frozen=True)
class Outcome:
    """The result of the suite's expectation number `index`: the rows that break it (None for
    an expectation on the whole table) and, for those, the value it observed."""

    index: int
    success: bool
    rows: list[int] | None
    observed: Any = None


@contextlib.contextmanager
def _quiet() -> Iterator[None]:
    """Whatever Great Expectations prints goes to stderr; its warnings (deprecations, its own
    notices) are not the user's to act on."""
    with contextlib.redirect_stdout(sys.stderr), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        yield


class ExpectationRunner:
    """An ephemeral Great Expectations context that runs suites on frames."""

    def __init__(self) -> None:
        _return_freed_arrays()
        with _quiet():
            import great_expectations as gx
            from great_expectations.data_context.types.base import (
                DataContextConfig,
                InMemoryStoreBackendDefaults,
                ProgressBarsConfig,
            )

            self._gx = gx
            config = DataContextConfig(
                # In memory, and no Data Docs site: by default an ephemeral context still
                # makes (and removes) a temporary folder for one.
                store_backend_defaults=InMemoryStoreBackendDefaults(init_temp_docs_sites=False),
                progress_bars=ProgressBarsConfig(globally=False, metric_calculations=False),
                analytics_enabled=False,
            )
            self._context = gx.get_context(project_config=config, mode="ephemeral")
            source = self._context.data_sources.add_pandas("kzdata")
            # One asset for every suite: each run hands it its own frame, and the context does
            # not grow (and get slower to copy) with every suite.
            self._batch = source.add_dataframe_asset("frames").add_batch_definition_whole_dataframe(
                "frame"
            )
        self._runs = 0
        # What exists now (Great Expectations' and pandas' modules) lives until close(): left
        # out of the collections after each run, which then cost milliseconds, not a quarter
        # of a second.
        gc.freeze()

    def close(self) -> None:
        """Collect what exists again, as before the runner was made."""
        gc.unfreeze()

    def run(self, suite: Suite, frame: pl.DataFrame) -> list[Outcome]:
        """Run `suite` on `frame`; one outcome per expectation. The expectations that read the
        same columns run together, through a checkpoint of their own, on those columns only:
        Great Expectations copies the frame it is given (a row condition copies it again),
        and at a million rows a copy of every column the suite reads is the layer's peak."""
        groups: dict[tuple[str, ...], list[int]] = {}
        for index, expect in enumerate(suite.expectations):
            groups.setdefault(tuple(dict.fromkeys(_columns(expect.kwargs))), []).append(index)
        outcomes = [
            outcome
            for columns, indices in groups.items()
            for outcome in self._checkpoint(suite, indices, frame.select(ROW, *columns))
        ]
        return sorted(outcomes, key=lambda o: o.index)

    def _checkpoint(self, suite: Suite, indices: list[int], frame: pl.DataFrame) -> list[Outcome]:
        """Run the expectations `indices` of `suite` on `frame` through a checkpoint."""
        self._runs += 1
        name = f"{self._runs:03d}_{suite.resource}_{suite.frame}"
        gx = self._gx
        with _quiet():
            batch = self._batch
            expectations = [
                # A copy: the declarations are shared constants, never to be changed by GE.
                getattr(gx.expectations, e.expectation)(
                    **copy.deepcopy(dict(e.kwargs)), meta={_META: i}
                )
                for i, e in ((i, suite.expectations[i]) for i in indices)
            ]
            gx_suite = self._context.suites.add(
                gx.ExpectationSuite(name=name, expectations=expectations)
            )
            definition = self._context.validation_definitions.add(
                gx.ValidationDefinition(name=name, data=batch, suite=gx_suite)
            )
            checkpoint = self._context.checkpoints.add(
                gx.Checkpoint(
                    name=name,
                    validation_definitions=[definition],
                    actions=[],
                    result_format=RESULT_FORMAT,
                )
            )
            result = checkpoint.run(batch_parameters={"dataframe": to_pandas(frame)})
        outcomes = [
            _outcome(suite, r)
            for validation in result.run_results.values()
            for r in validation.results
        ]
        # Great Expectations holds the frame in reference cycles: collected now, a
        # million-row frame is gone before the next one is made.
        del result
        gc.collect()
        return outcomes


def _return_freed_arrays() -> None:
    """Have the C allocator (pandas' and numpy's) give a large block back to the system when it
    is freed. By default glibc keeps blocks up to 32 MB in its heap once one large block was
    freed, so a suite's frame, let go, would still count against the next suite's peak (about
    100 MB at a million rows). Nothing to do elsewhere."""
    import ctypes
    import ctypes.util

    name = ctypes.util.find_library("c")
    try:
        libc = ctypes.CDLL(name)
        # M_MMAP_THRESHOLD (-3): blocks from 64 KiB are mapped apart, and unmapped when freed.
        libc.mallopt(-3, 64 * 1024)
    except (OSError, AttributeError, TypeError):  # not glibc: its own policy stands
        pass


def _columns(kwargs: Any) -> Iterator[str]:
    """The columns an expectation's arguments name, its row condition's included."""
    if isinstance(kwargs, dict):
        for key, value in kwargs.items():
            if key in ("column", "column_A", "column_B") and isinstance(value, str):
                yield value
            elif key == "column_list":
                yield from value
            elif key == "name" and isinstance(value, str):  # a row condition's Column
                yield value
            else:
                yield from _columns(value)
    elif isinstance(kwargs, list):
        for item in kwargs:
            yield from _columns(item)


def _outcome(suite: Suite, result: Any) -> Outcome:
    index = result.expectation_config.meta[_META]
    declared = suite.expectations[index]
    if message := _exception(result.exception_info):
        raise ExpectationCrashed(
            f"{declared.expectation} ({declared.rule}) on the {suite.frame} frame: {message}"
        )
    details = result.result or {}
    if "unexpected_index_list" in details:
        rows = sorted(int(entry[ROW]) for entry in details["unexpected_index_list"])
        return Outcome(index, bool(result.success), rows)
    if not result.success and "observed_value" not in details:
        raise ExpectationCrashed(
            f"{declared.expectation} ({declared.rule}) failed without saying where: {details}"
        )
    return Outcome(index, bool(result.success), None, details.get("observed_value"))


def _exception(info: Any) -> str | None:
    """The message of an exception Great Expectations caught instead of raising, if any: either
    one record, or one per metric it could not compute."""
    if not info:
        return None
    records = [info] if "raised_exception" in info else list(info.values())
    for record in records:
        if record.get("raised_exception") or record.get("exception_message"):
            return str(record.get("exception_message") or record.get("exception_traceback"))
    return None


def to_pandas(frame: pl.DataFrame) -> pd.DataFrame:
    """The frame as pandas, column by column through numpy (polars' own conversion needs
    pyarrow): an empty number is NaN, an empty boolean None, a date datetime64.

    Text goes as integer codes of one dictionary shared by all its columns: equal texts get
    equal codes and an empty text none, so equality, uniqueness and nullness read the same,
    for a fraction of the memory and time of Python strings (findings quote the polars frame).
    """
    import pandas as pd

    text = [name for name in frame.columns if frame[name].dtype == pl.String]
    if text:
        # A categorical type of this frame's own: its codes are the shared dictionary.
        shared = pl.Categorical(pl.Categories.random())
        frame = frame.with_columns(pl.col(name).cast(shared).to_physical() for name in text)
    return pd.DataFrame({name: frame[name].to_numpy() for name in frame.columns})
