"""One table's Table Schema checks on the vectorized engine: frictionless's error objects, in
frictionless's order, at most `limit` per error code (the rest counted)."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl

from kzdata.pipelines.table_engine import rows as row_checks
from kzdata.pipelines.table_engine.cells import FieldColumns, evaluate, typed_natively
from kzdata.pipelines.table_engine.tokens import ROW, Unsupported, read_tokens
from kzdata.pipelines.typed_table import invalid_column

# Where an error stands within its row, as frictionless emits them.
EARLY, CELL, EXTRA, MISSING, BLANK, KEYS = range(6)


@dataclass
class Evaluated:
    """A table read and evaluated: its frame, its fields' columns and its tokens' extras,
    and the errors of its header and of its file's size and hash."""

    frame: pl.DataFrame
    columns: list[FieldColumns]
    extra: dict[int, list[str]]
    header_errors: list[Any] = field(default_factory=list)
    file_errors: list[Any] = field(default_factory=list)
    # Set when only the key fields' values and one FLAGGED column are kept (see `compacted`).
    compact: bool = False

    def typed(self) -> pl.DataFrame:
        """The table's typed values, one column per field named as the field, as frictionless
        reads them (null where a cell is missing or fails its type)."""
        return self.frame.select(c.value_expr().alias(c.name) for c in self.columns)

    def handed_over(self, names: list[str]) -> tuple[pl.DataFrame, pl.DataFrame] | None:
        """Fields `names` for the layers that read the table after its checks, so that it is
        not read again: (text, typed). Text: each cell as written, null where missing (as
        typed_table reads it); typed: ROW, each field's value as frictionless reads it and
        its invalid mark (filled but not of its type). The text shares the frame's memory.
        None when a field is of a type this engine holds as text (a year, a datetime)."""
        by_name = {c.name: c for c in self.columns}
        picked = [by_name[n] for n in names]
        if any(not typed_natively(c.frictionless_field) for c in picked):
            return None
        text = self.frame.select(
            pl.when(~pl.col(c.missing)).then(pl.col(c.raw)).alias(c.name) for c in picked
        )
        typed = self.frame.select(
            ROW,
            *(c.value_expr().alias(c.name) for c in picked),
            *(pl.col(c.type).alias(invalid_column(c.name)) for c in picked),
        )
        return text, typed

    def keys_only(self, names: set[str]) -> Evaluated:
        """The table with only the row numbers and the values of fields `names` (what other
        tables' foreign keys read), its memory freed of the rest."""
        kept = [c for c in self.columns if c.name in names]
        frame = self.frame.select(ROW, *(c.value_expr().alias(c.value) for c in kept))
        return Evaluated(frame, self.columns, {})

    def compacted(self) -> Evaluated:
        """The table with only the row numbers, its kept values (the key fields' and those
        other tables' foreign keys read: evaluate_resource's `keys`) and whether each
        row has an error of its own cells (FLAGGED): enough to find that a table read early
        (another table's foreign key read it) has no error at all, without holding its text.
        A table that has one is read again (check_resource)."""
        kept = [c for c in self.columns if c.unkept_value is None]
        flagged = pl.any_horizontal(
            row_checks.blank(self.columns),
            *(pl.col(c.type) for c in self.columns),
            *(pl.col(c.constraint(name)) for c in self.columns for name in c.constraints),
            *(pl.col(c.raw).is_null() for c in self.columns),
        )
        frame = self.frame.select(
            ROW, *(c.value_expr().alias(c.value) for c in kept), flagged.alias(FLAGGED)
        )
        return Evaluated(
            frame, self.columns, self.extra, self.header_errors, self.file_errors, compact=True
        )


FLAGGED = "__flagged"


@dataclass
class Result:
    """frictionless errors to report, how many more of each code were left out, and the
    fields whose pattern was not run."""

    errors: list[Any]
    omitted: dict[str, int]
    unchecked_patterns: list[tuple[str, str]]


Reference = Callable[[str], Evaluated]


def evaluate_resource(resource: Any, path: Path, keys: set[str] = frozenset()) -> Evaluated:
    """Read and evaluate a frictionless TableResource whose file is at `path`, with the values
    of fields `keys` (those other tables' foreign keys read) kept beside its own key fields'.
    Raises Unsupported."""
    schema = resource.schema
    if schema is None or not schema.fields:
        raise Unsupported("no Table Schema fields")
    if schema.fields_match != "exact" or resource.rows or resource.fields:
        raise Unsupported("fieldsMatch, rows or fields declared")
    names = [f.name for f in schema.fields]
    keyed = set(keys) | _key_fields(resource)
    # hashlib and polars let go of the GIL: the file is hashed, and polars's reading of it
    # proved, while its cells are evaluated.
    with ThreadPoolExecutor(2) as pool:
        hashed = pool.submit(_file_errors, resource, path)
        tokens = read_tokens(resource, path, len(names), pool)
        try:
            frame, columns = _evaluated(resource, tokens, names, keyed)
            proved = tokens.proved()
        except Unsupported:
            if tokens.proved():
                raise
            proved = False
        if not proved:
            # polars read the file otherwise than Python's csv module: read as that does.
            tokens = read_tokens(resource, path, len(names), polars=False)
            frame, columns = _evaluated(resource, tokens, names, keyed)
        file_errors = hashed.result()
    header_errors = _header_errors(tokens.labels, names)
    return Evaluated(frame, columns, tokens.extra, header_errors, file_errors)


def _evaluated(
    resource: Any, tokens: Any, names: list[str], keys: set[str]
) -> tuple[pl.DataFrame, list[FieldColumns]]:
    if not resource.dialect.has_defined("header") and _guessed_header_row(resource, tokens) != 1:
        raise Unsupported("frictionless guesses another header row")
    if len(tokens.labels) != len(names):
        raise Unsupported("the header has another number of labels than the schema fields")
    return evaluate(tokens.frame, list(resource.schema.fields), keys)


def typed_frame(resource: Any, path: Path) -> pl.DataFrame:
    """The typed polars frame of a CSV table resource, one column per field, as frictionless
    reads its cells (null where a cell is missing or fails its type), for layers that read the
    table after its Table Schema checks. Raises Unsupported."""
    return evaluate_resource(resource, path).typed()


def _key_fields(resource: Any) -> set[str]:
    """The fields a row's key checks read (unique, primary and foreign keys)."""
    schema = resource.schema
    names = {f.name for f in schema.fields if (f.constraints or {}).get("unique")}
    names.update(schema.primary_key)
    for fk in schema.foreign_keys:
        names.update(fk["fields"])
        if fk["reference"]["resource"] in ("", resource.name):
            names.update(fk["reference"]["fields"])
    return names


def check_resource(
    resource: Any,
    path: Path,
    limit: int,
    reference: Reference,
    evaluated: Evaluated | None = None,
    keys: set[str] = frozenset(),
) -> tuple[Evaluated, Result]:
    """Every Table Schema error of the table at `path` (`evaluated` already, when another
    table's foreign key read it; `keys` as in evaluate_resource). Raises Unsupported."""
    table = evaluated if evaluated is not None else evaluate_resource(resource, path, keys)
    unchecked = [(c.name, c.unchecked_pattern) for c in table.columns if c.unchecked_pattern]
    if table.compact:
        if not table.extra and not _has_errors(resource, table, reference):
            return table, Result([*table.header_errors, *table.file_errors], {}, unchecked)
        # Locating errors needs the rows' cells: the table is read again, whole.
        table = evaluate_resource(resource, path, keys)
    located = _located(resource, table, reference)
    counts = dict(located.group_by("code").len().iter_rows())
    kept = (
        located.sort("row", "rank", "order", "sub")
        .filter(pl.int_range(pl.len()).over("code") < limit)
        .sort("row", "rank", "order", "sub")
    )
    errors = [
        *table.header_errors,
        *_errors(resource, table, kept),
        *table.file_errors,
    ]
    omitted = {code: n - limit for code, n in counts.items() if n > limit}
    return table, Result(errors, omitted, unchecked)


def _has_errors(resource: Any, table: Evaluated, reference: Reference) -> bool:
    """Whether a compacted table has a cell error or a key error (unique, primary or foreign)."""
    steps = _key_steps(resource, table, reference)
    failing = pl.any_horizontal(pl.col(FLAGGED), *(s.fails for s in steps))
    return bool(table.frame.select(failing.any()).item())


def _guessed_header_row(resource: Any, tokens: Any) -> int:
    """The header row frictionless guesses for a dialect that does not declare one: the first
    row about as wide as the sample's rows on average (its Detector.detect_dialect)."""
    size = resource.detector.sample_size
    head = tokens.frame.head(size - 1)
    cells = head.drop(ROW)
    if cells.null_count().sum_horizontal().item() == 0:
        # No row short of cells (the usual case): no expression per column is needed.
        filled = [cells.width] * cells.height
    else:
        filled = cells.select(pl.sum_horizontal(pl.all().is_not_null())).to_series().to_list()
    rows = head.get_column(ROW).to_list()
    widths = [len(tokens.labels)]
    widths += [n + len(tokens.extra.get(row, ())) for n, row in zip(filled, rows, strict=True)]
    width = round(sum(widths) / len(widths))
    drift = max(round(width * 0.1), 1)
    for number, found in enumerate(widths, start=1):
        if width - drift <= found <= width + drift:
            return number
    return 1


def _header_errors(labels: list[str], names: list[str]) -> list[Any]:
    from frictionless import errors

    found: list[Any] = []
    common = {"note": "", "labels": list(labels), "row_numbers": [1]}
    seen: dict[str, list[str]] = {}  # label -> the positions it was seen at
    for number, (name, label) in enumerate(zip(names, labels, strict=True), start=1):
        where = {"field_name": name, "field_number": number}
        if not label:
            found.append(errors.BlankLabelError(**{**common, "label": ""}, **where))
            continue
        earlier = seen.setdefault(label, [])
        if earlier:
            note = 'at position "{}"'.format(", ".join(earlier))
            found.append(
                errors.DuplicateLabelError(**{**common, "note": note, "label": label}, **where)
            )
        elif label != name:
            found.append(errors.IncorrectLabelError(**{**common, "label": label}, **where))
        earlier.append(str(number))
    return found


def _located(resource: Any, table: Evaluated, reference: Reference) -> pl.DataFrame:
    """(row, rank, order, sub, code, number, detail) of every error, unordered.

    frictionless reads a row's cells lazily: first the unique fields, then the primary key,
    then each foreign key's fields, each as it checks them; at the first of these checks that
    fails (or at the end) it reads the remaining cells in field order, then notes extra and
    missing cells. The cell errors come in that order, the row's key errors after them."""
    frame, columns = table.frame, table.columns
    steps = _key_steps(resource, table, reference)
    # Which kinds of error each column holds at all, read column by column: a wide table has
    # errors in few columns, and an expression per column would cost more than its cells.
    held = _held(frame, columns)
    # A row is blank when every cell of it is missing: none is while a field misses none.
    blank = row_checks.blank(columns) if all(held[c.missing] for c in columns) else pl.lit(False)
    erring = [
        c
        for c in columns
        if held[c.type] or held[c.raw] or any(held[c.constraint(n)] for n in c.constraints)
    ]
    # Carried on: the columns of the fields that hold an error and those the key checks and
    # the blank rows read, taken without an expression (one costs as much as the columns).
    read = [blank, *(e for s in steps for e in (s.fails, s.near, _expr(s.detail)))]
    names = [ROW, *(n for c in erring for n in (c.raw, c.type, *map(c.constraint, c.constraints)))]
    names += [n for e in read for n in e.meta.root_names()]
    # Computed on the whole frame: they compare a row with earlier rows.
    frame = frame[list(dict.fromkeys(names))].with_columns(
        *(s.fails.alias(f"__fails{i}") for i, s in enumerate(steps)),
        *(s.near.alias(f"__near{i}") for i, s in enumerate(steps)),
        blank.alias("__blank"),
    )
    # Only rows with an error are located, with the rows their key errors point back to.
    flagged = [
        pl.col("__blank"),
        *(pl.col(f"__near{i}") for i in range(len(steps))),
        *(pl.col(c.type) for c in erring if held[c.type]),
        *(pl.col(m) for c in erring for m in map(c.constraint, c.constraints) if held[m]),
        *(pl.col(c.raw).is_null() for c in erring if held[c.raw]),
    ]
    frame = frame.filter(pl.any_horizontal(flagged))
    if frame.height == 0:
        return _extra_cells(table, frame)
    failing = [pl.when(pl.col(f"__fails{i}")).then(pl.lit(i)) for i in range(len(steps))]
    frame = frame.with_columns(
        *(_expr(s.detail).alias(f"__detail{i}") for i, s in enumerate(steps)),
        pl.min_horizontal([*failing, pl.lit(len(steps))]).alias("__trigger"),
    )
    accessed: dict[str, tuple[int, int]] = {}  # field name -> (step, position)
    for i, step in enumerate(steps):
        for name in step.fields:
            accessed.setdefault(name, (i, len(accessed)))
    not_blank = ~pl.col("__blank")
    parts: list[pl.DataFrame] = []
    marks = ["__blank", *(f"__fails{i}" for i in range(len(steps)))]
    held.update(zip(marks, (bool(frame.get_column(m).any()) for m in marks), strict=True))

    def add(condition, rank, order, sub, code, number=0, detail=None, mark="") -> None:
        if not held[mark]:
            return
        hit = frame.filter(condition).select(
            pl.col(ROW).alias("row"),
            _expr(rank).cast(pl.Int32).alias("rank"),
            _expr(order).cast(pl.Int32).alias("order"),
            pl.lit(sub, pl.Int32).alias("sub"),
            pl.lit(code).alias("code"),
            pl.lit(number, pl.Int32).alias("number"),
            (detail if detail is not None else pl.lit(None, pl.Int64)).alias("detail"),
        )
        if hit.height:
            parts.append(hit)

    add(pl.col("__blank"), BLANK, 0, 0, "blank-row", mark="__blank")
    for c in erring:
        if c.name in accessed:
            step, position = accessed[c.name]
            early = pl.col("__trigger") >= step
            rank = pl.when(early).then(pl.lit(EARLY)).otherwise(pl.lit(CELL))
            order = pl.when(early).then(pl.lit(position)).otherwise(pl.lit(c.number))
        else:
            rank, order = pl.lit(CELL), pl.lit(c.number)
        add(not_blank & pl.col(c.type), rank, order, 0, "type-error", c.number, mark=c.type)
        for sub, name in enumerate(c.constraints, start=1):
            fails = not_blank & pl.col(c.constraint(name))
            mark = c.constraint(name)
            add(fails, rank, order, sub, "constraint-error", c.number, mark=mark)
        missing = not_blank & pl.col(c.raw).is_null()
        add(missing, MISSING, c.number, 0, "missing-cell", c.number, mark=c.raw)
    for i, step in enumerate(steps):
        detail = pl.col(f"__detail{i}")
        add(pl.col(f"__fails{i}"), KEYS, i, 0, step.code, step.number, detail, f"__fails{i}")
    located = pl.concat(parts, how="vertical_relaxed") if parts else _EMPTY.clear()
    return pl.concat([located, _extra_cells(table, frame)], how="vertical_relaxed")


def _held(frame: pl.DataFrame, columns: list[FieldColumns]) -> dict[str, bool]:
    """Whether each field's missing, type and constraint columns are true anywhere, and its
    raw column null anywhere (a missing cell), by column name."""
    series = dict(zip(frame.columns, frame.get_columns(), strict=True))
    held = {c.raw: series[c.raw].null_count() > 0 for c in columns}
    for c in columns:
        for name in (c.missing, c.type, *map(c.constraint, c.constraints)):
            held[name] = bool(series[name].any())
    return held


def _expr(value: Any) -> pl.Expr:
    return value if isinstance(value, pl.Expr) else pl.lit(value)


@dataclass
class KeyStep:
    """One of frictionless's key checks of a row, in the order it makes them: the fields it
    reads, where it fails, the rows needed to say why (`near`: the failing rows and those they
    repeat), and the error it gives (`detail` is read on those rows only)."""

    fields: list[str]
    fails: pl.Expr
    code: str
    number: int = 0
    detail: pl.Expr = field(default_factory=lambda: pl.lit(None, pl.Int64))
    near: pl.Expr | None = None

    def __post_init__(self) -> None:
        if self.near is None:
            self.near = self.fails


def _key_steps(resource: Any, table: Evaluated, reference: Reference) -> list[KeyStep]:
    columns = table.columns
    repeats = row_checks.Repeats(table.frame)
    steps = []
    for c in row_checks.unique_fields(columns):
        value = pl.col(c.value)
        if repeats([c.value], skip_nulls=True):
            fails = value.is_not_null() & ~value.is_first_distinct()
            near = value.is_not_null() & value.is_duplicated()
        else:
            fails = near = pl.lit(False)
        previous = row_checks.previous_same([c.value])
        steps.append(KeyStep([c.name], fails, "unique-error", c.number, previous, near))
    key = list(resource.schema.primary_key)
    if key:
        values = [_by_name(columns, name).value for name in key]
        all_null = pl.all_horizontal([pl.col(v).is_null() for v in values])
        previous = row_checks.previous_same(values)
        detail = pl.when(all_null).then(pl.lit(-1, pl.Int64)).otherwise(previous)
        if repeats(values, skip_nulls=False):
            together = pl.struct(values) if len(values) > 1 else pl.col(values[0])
            fails = all_null | ~together.is_first_distinct()
            near = all_null | together.is_duplicated()
        else:
            fails = near = all_null
        steps.append(KeyStep(key, fails, "primary-key", 0, detail, near))
    for index, fk in enumerate(resource.schema.foreign_keys):
        name = fk["reference"]["resource"]
        target = table if name in ("", resource.name) else reference(name)
        try:
            misses = row_checks.foreign_key_misses(
                table.frame,
                [_by_name(columns, f).value for f in fk["fields"]],
                target.frame,
                [_by_name(target.columns, f).value for f in fk["reference"]["fields"]],
            )
        except (row_checks.KeyMismatch, KeyError) as exc:
            raise Unsupported(f"foreign key {index}: {exc}") from exc
        steps.append(KeyStep(list(fk["fields"]), misses, "foreign-key", index))
    return steps


_EMPTY = pl.DataFrame(
    schema={
        "row": pl.Int64,
        "rank": pl.Int32,
        "order": pl.Int32,
        "sub": pl.Int32,
        "code": pl.String,
        "number": pl.Int32,
        "detail": pl.Int64,
    }
)


def _extra_cells(table: Evaluated, frame: pl.DataFrame) -> pl.DataFrame:
    """Cells beyond the fields (rare: kept as Python lists); none on a blank row."""
    blank_rows = set(frame.filter(pl.col("__blank")).get_column(ROW).to_list())
    width = len(table.columns)
    extra = [
        (row, width + i + 1)
        for row, cells in table.extra.items()
        if row not in blank_rows
        for i in range(len(cells))
    ]
    return pl.DataFrame(
        {
            "row": [r for r, _ in extra],
            "rank": [EXTRA] * len(extra),
            "order": [n for _, n in extra],
            "sub": [0] * len(extra),
            "code": ["extra-cell"] * len(extra),
            "number": [n for _, n in extra],
            "detail": [None] * len(extra),
        },
        schema=_EMPTY.schema,
    )


def _by_name(columns: list[FieldColumns], name: str) -> FieldColumns:
    for c in columns:
        if c.name == name:
            return c
    raise KeyError(name)


def _errors(resource: Any, table: Evaluated, kept: pl.DataFrame) -> list[Any]:
    """frictionless's error objects for the kept locations, their messages its own."""
    from frictionless import errors

    if kept.is_empty():
        return []  # a wide table's cells are not selected for nothing
    numbers = kept.get_column("row").unique().to_list()
    raws = [c.raw for c in table.columns]
    cells_of = {
        row[0]: [c for c in row[1:] if c is not None] + table.extra.get(row[0], [])
        for row in table.frame.filter(pl.col(ROW).is_in(numbers)).select(ROW, *raws).iter_rows()
    }
    raw_of = {
        row[0]: row[1:]
        for row in table.frame.filter(pl.col(ROW).is_in(numbers)).select(ROW, *raws).iter_rows()
    }
    columns = table.columns
    found = []
    for row, _rank, _order, sub, code, number, detail in kept.iter_rows():
        cells = cells_of[row]
        common = {"cells": cells, "row_number": row}
        if code == "blank-row":
            found.append(errors.BlankRowError(note="", **common))
        elif code in ("type-error", "constraint-error", "missing-cell"):
            c = columns[number - 1]
            source = raw_of[row][number - 1]
            where = {"field_name": c.name, "field_number": number}
            if code == "type-error":
                fl = c.frictionless_field
                note = f'type is "{fl.type}/{fl.format}"'
                found.append(errors.TypeError(note=note, cell=str(source), **common, **where))
            elif code == "constraint-error":
                name = c.constraints[sub - 1]
                note = f'constraint "{name}" is "{c.frictionless_field.constraints[name]}"'
                found.append(errors.ConstraintError(note=note, cell=str(source), **common, **where))
            else:
                found.append(errors.MissingCellError(note="", cell="", **common, **where))
        elif code == "extra-cell":
            cell = table.extra[row][number - len(columns) - 1]
            found.append(
                errors.ExtraCellError(
                    note="", cell=str(cell), field_name="", field_number=number, **common
                )
            )
        elif code == "unique-error":
            c = columns[number - 1]
            value = row_checks.typed_python(c.frictionless_field, raw_of[row][number - 1])
            note = f"the same as in the row at position {detail}"
            found.append(
                errors.UniqueError(
                    note=note, cell=str(value), field_name=c.name, field_number=number, **common
                )
            )
        elif code == "primary-key":
            note = (
                'cells composing the primary keys are all "None"'
                if detail == -1
                else f"the same as in the row at position {detail}"
            )
            found.append(errors.PrimaryKeyError(note=note, **common))
        else:
            found.append(_foreign_key_error(resource, table, number, raw_of[row], common))
    return found


def _foreign_key_error(
    resource: Any, table: Evaluated, index: int, raw: tuple[Any, ...], common: dict[str, Any]
) -> Any:
    from frictionless import errors

    fk = resource.schema.foreign_keys[index]
    fields = list(fk["fields"])
    values = []
    for name in fields:
        c = _by_name(table.columns, name)
        values.append(row_checks.typed_python(c.frictionless_field, raw[c.number - 1]))
    source, source_key = fk["reference"]["resource"], list(fk["reference"]["fields"])
    note = 'for "{}": values "{}" not found in the lookup table "{}" as "{}"'.format(
        ", ".join(fields),
        ", ".join(str(d) for d in values),
        source,
        ", ".join(source_key),
    )
    return errors.ForeignKeyError(
        note=note,
        field_names=fields,
        field_cells=["" if v is None else str(v) for v in values],
        reference_name=source,
        reference_field_names=source_key,
        **common,
    )


def _file_errors(resource: Any, path: Path) -> list[Any]:
    """The file's hash and byte count against those its resource records."""
    from frictionless import errors, helpers

    found = []
    size = path.stat().st_size
    if resource.hash:
        algorithm, expected = helpers.parse_resource_hash_v1(resource.hash)
        actual = None
        if algorithm in ("md5", "sha256"):
            with path.open("rb") as handle:
                digest = hashlib.file_digest(handle, algorithm)
            actual = digest.hexdigest()
        if actual and actual != expected:
            note = f'expected is "{expected}" and actual is "{actual}"'
            found.append(errors.HashCountError(note=note))
    if resource.bytes and resource.bytes != size:
        note = f'expected is "{resource.bytes}" and actual is "{size}"'
        found.append(errors.ByteCountError(note=note))
    return found
