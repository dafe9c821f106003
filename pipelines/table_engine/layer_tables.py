"""The frictionless layer's table checks: each table on the engine `--engine` chooses, the
vectorized one falling back to frictionless for a table it does not read as frictionless
does. Both give the same findings (tests/test_table_engine_equal.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from kzdata.pipelines.finding import Finding, LayerItem, NotChecked, Omitted
from kzdata.pipelines.table_engine.choice import wants_fast

LAYER = "frictionless"
PATTERN_NOT_CHECKED = "pattern-not-checked"


class Tables:
    """Checks the tables of one frictionless Package. Of a table other tables' foreign keys
    read, only the values they read are kept: one large table is in memory at a time. A table
    read before its turn (its foreign keys and another's point at each other) keeps its key
    values and which rows have a cell error; it is read again only if it has an error."""

    def __init__(
        self,
        package: Any,
        base: Path,
        engine: str,
        limit: int,
        withheld: dict[str, str] | None = None,
        shared: Any = None,
    ) -> None:
        self.package = package
        # The tables the later layers read (package_tables.PackageTables): a table this
        # engine read whole is handed to them, not read again.
        self.shared = shared
        self.base = base
        self.engine = engine
        self.limit = limit
        # Tables whose raw bytes no reader should parse (kzdata.pipelines.table_gate).
        self.withheld = withheld or {}
        self._keys: dict[str, Any] = {}
        self._checked: set[str] = set()
        self._referenced = _referenced_fields(package)

    def check(self, resource: Any, to_finding: Any) -> list[LayerItem]:
        """Findings of one resource, by the chosen engine; none for a withheld table."""
        if resource.name in self.withheld:
            return []  # the gate says why
        self._checked.add(resource.name)
        notes = self._skip_withheld_keys(resource)
        path = self._local_csv(resource)
        if path is not None and wants_fast(
            self.engine, path, _has_pattern(resource), self._referenced_files(resource)
        ):
            items = self._fast(resource, path, to_finding)
            if items is not None:
                return notes + items
        return notes + self._frictionless(resource, to_finding)

    def _skip_withheld_keys(self, resource: Any) -> list[LayerItem]:
        """Foreign keys to a withheld table are not checked (it is not read), and said so."""
        keys = getattr(resource.schema, "foreign_keys", None) or []
        skipped = [fk for fk in keys if fk.get("reference", {}).get("resource") in self.withheld]
        if not skipped:
            return []
        resource.schema.foreign_keys = [fk for fk in keys if fk not in skipped]
        return [
            NotChecked(
                LAYER,
                f"foreign key {fk.get('fields')} to {fk['reference']['resource']}: not checked, "
                "as that table was not read",
                resource.name,
            )
            for fk in skipped
        ]

    def _referenced_resources(self, resource: Any) -> list[Any]:
        """The other tables this table's foreign keys read."""
        names = sorted({fk["reference"]["resource"] for fk in _outward_keys(resource)})
        return [self.package.get_resource(n) for n in names if self.package.has_resource(n)]

    def _referenced_files(self, resource: Any) -> list[Path]:
        """The files of the other tables this table's foreign keys read."""
        paths = [self._local_csv(other) for other in self._referenced_resources(resource)]
        return [path for path in paths if path is not None]

    def _local_csv(self, resource: Any) -> Path | None:
        path = resource.path
        if not isinstance(path, str) or "://" in path or resource.extrapaths:
            return None
        if (resource.format or "") != "csv" or not (self.base / path).is_file():
            return None
        return self.base / path

    def _fast(self, resource: Any, path: Path, to_finding: Any) -> list[LayerItem] | None:
        from frictionless import FrictionlessException

        from kzdata.pipelines.table_engine.engine import check_resource
        from kzdata.pipelines.table_engine.tokens import Unsupported

        try:
            # The tables this one's foreign keys read, before this one is read.
            for fk in _outward_keys(resource):
                self._reference(fk["reference"]["resource"])
            keys = self._referenced.get(resource.name, set())
            early = self._keys.get(resource.name)
            early = early if early is not None and early.compact else None
            table, result = check_resource(resource, path, self.limit, self._reference, early, keys)
        except (Unsupported, FrictionlessException, OSError):
            return None
        if self.shared is not None and not (table.compact or table.extra or table.header_errors):
            self.shared.take(resource.name, [c.name for c in table.columns], table.handed_over)
        if keys:
            self._keys[resource.name] = table.keys_only(keys)
        where = {"resource": resource.name, "path": resource.path}
        items = _not_checked(result.unchecked_patterns, where)
        items += [to_finding(e, **where) for e in result.errors]
        items += [Omitted(LAYER, code, resource.name, n) for code, n in result.omitted.items()]
        return items

    def _reference(self, name: str) -> Any:
        from kzdata.pipelines.table_engine.engine import evaluate_resource
        from kzdata.pipelines.table_engine.tokens import Unsupported

        if name not in self._keys:
            if not self.package.has_resource(name):
                raise Unsupported(f"no resource {name}")
            resource = self.package.get_resource(name)
            path = self._local_csv(resource)
            if path is None:
                raise Unsupported(f"resource {name} is not a local CSV table")
            keys = self._referenced.get(name, set())
            table = evaluate_resource(resource, path, keys)
            # A table still to be checked keeps what finds it has no error (it usually has none).
            early = name not in self._checked and not resource.extrapaths
            self._keys[name] = table.compacted() if early else table.keys_only(keys)
        return self._keys[name]

    def _frictionless(self, resource: Any, to_finding: Any) -> list[LayerItem]:
        from kzdata.pipelines.linear_patterns import unchecked_patterns
        from kzdata.pipelines.table_engine.patterns import primed

        # frictionless reads the tables this one's foreign keys point at, patterns matched too.
        read = [(resource, None)]
        read += [
            (other, _looked_up(resource, other)) for other in self._referenced_resources(resource)
        ]
        with primed(_pattern_cells(read, self.base)):
            # One past the limit: frictionless also stops when it finds exactly `limit`.
            report = resource.validate(limit_errors=self.limit + 1)
        where = {"resource": resource.name, "path": resource.place}
        items = _not_checked(unchecked_patterns(resource), where)
        for task in report.tasks:
            errors = task.errors
            if len(errors) > self.limit:
                # frictionless stopped reading this table; what it did not read is not counted.
                errors = errors[: self.limit]
                items.append(Omitted(LAYER, None, task.name, None))
            items += [to_finding(e, resource=task.name, path=task.place) for e in errors]
        return _in_parts(resource, self.base, items)


def _in_parts(resource: Any, base: Path, items: list[LayerItem]) -> list[LayerItem]:
    """A multipart resource's findings, each named by the file its row is in."""
    if not resource.extrapaths or not isinstance(resource.path, str):
        return items
    from kzdata.pipelines.resource_parts import parts

    control = _csv_control(resource)
    dialect = {
        "delimiter": control.delimiter,
        "quoteChar": control.quote_char,
        "header": resource.dialect.header,
    }
    located = parts([resource.path, *resource.extrapaths], base, dialect, resource.encoding)
    if located is None:
        return items
    return [located.relocate(i) if isinstance(i, Finding) else i for i in items]


def _not_checked(patterns: list[tuple[str, str]], where: dict[str, Any]) -> list[LayerItem]:
    return [
        Finding(
            LAYER,
            PATTERN_NOT_CHECKED,
            f"field {name!r}: the pattern {pattern!r} needs a backtracking engine (look-around, "
            "back-references) or uses syntax read otherwise by linear-time engines (POSIX "
            "classes, \\p classes); its cells were not checked, as a backtracking pattern could "
            "run without end",
            field=name,
            value=pattern,
            **where,
        )
        for name, pattern in patterns
    ]


def _outward_keys(resource: Any) -> list[dict[str, Any]]:
    """The foreign keys of `resource` that read another table (not itself)."""
    keys = getattr(getattr(resource, "schema", None), "foreign_keys", None) or []
    return [fk for fk in keys if fk["reference"]["resource"] not in ("", resource.name)]


def _referenced_fields(package: Any) -> dict[str, set[str]]:
    """The fields of each resource that other resources' foreign keys read."""
    found: dict[str, set[str]] = {}
    for resource in package.resources:
        for fk in _outward_keys(resource):
            found.setdefault(fk["reference"]["resource"], set()).update(fk["reference"]["fields"])
    return found


def _csv_control(resource: Any) -> Any:
    """The resource's CSV control, without adding one to its dialect (as `get_control` does,
    which frictionless would then validate)."""
    from frictionless.formats.csv.control import CsvControl

    controls = [c for c in resource.dialect.controls if isinstance(c, CsvControl)]
    return controls[0] if controls else CsvControl()


def _pattern_cells(resources: list[tuple[Any, set[str] | None]], base: Path) -> dict[str, Any]:
    """The cells of each string field with a pattern in `resources` ((resource, the fields
    frictionless reads of it, None for all)), read by polars as well as it can (a file it
    cannot read gives none): frictionless's reader then looks their matches up instead of
    calling polars once a cell (kzdata.pipelines.table_engine.patterns.primed)."""
    import polars as pl

    found: dict[str, list[Any]] = {}
    for resource, names in resources:
        for pattern, cells in _resource_pattern_cells(resource, base, names):
            found.setdefault(pattern, []).append(cells)
    return {pattern: pl.concat(series) for pattern, series in found.items()}


def _looked_up(resource: Any, other: Any) -> set[str]:
    """The fields of `other` that frictionless reads when it looks up the foreign keys of
    `resource` in it: those the keys point at, and its own unique and primary key fields,
    which its rows check as they are read."""
    names = {
        name
        for fk in _outward_keys(resource)
        if fk["reference"]["resource"] == other.name
        for name in fk["reference"]["fields"]
    }
    schema = getattr(other, "schema", None)
    names.update(getattr(schema, "primary_key", None) or [])
    fields = getattr(schema, "fields", None) or []
    names.update(f.name for f in fields if (f.constraints or {}).get("unique"))
    return names


def _resource_pattern_cells(
    resource: Any, base: Path, names: set[str] | None = None
) -> list[tuple[str, Any]]:
    fields = [
        (i, str(f.constraints["pattern"]))
        for i, f in enumerate(getattr(resource.schema, "fields", None) or [])
        if f.type == "string"
        and f.constraints.get("pattern") is not None
        and (names is None or f.name in names)
    ]
    paths = [resource.path, *(resource.extrapaths or [])]
    if not fields or not all(isinstance(p, str) and (base / p).is_file() for p in paths):
        return []
    import polars as pl

    control = _csv_control(resource)
    options = {
        "has_header": False,
        "infer_schema": False,
        "separator": control.delimiter,
        "quote_char": control.quote_char,
        "encoding": "utf8-lossy",
        "truncate_ragged_lines": True,
    }
    wanted = sorted({i for i, _ in fields})
    found: list[tuple[str, Any]] = []
    try:
        for path in paths:
            try:
                # Only the columns matched: the others are not held, even for a moment.
                frame = pl.read_csv(base / path, columns=wanted, **options)
                frame.columns = [str(i) for i in wanted]
            except pl.exceptions.PolarsError:
                # Fewer columns than the fields (a ragged or short file): read what it has.
                frame = pl.read_csv(base / path, **options)
                frame.columns = [str(i) for i in range(frame.width)]
            found += [(p, frame[str(i)]) for i, p in fields if str(i) in frame.columns]
    except Exception:  # only a cache: cells polars cannot read are matched one by one
        return []
    return found


def _has_pattern(resource: Any) -> bool:
    fields = getattr(resource.schema, "fields", None) or []
    return any(getattr(f.constraints, "get", lambda _: None)("pattern") for f in fields)
