"""The frictionless layer's table checks: each table on the engine `--engine` chooses, the
vectorized one falling back to frictionless for a table it does not read as frictionless
does. Both give the same findings (tests/test_table_engine_equal.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from kzdata.pipelines.finding import Finding, LayerItem, Omitted
from kzdata.pipelines.table_engine.choice import wants_fast

LAYER = "frictionless"
PATTERN_NOT_CHECKED = "pattern-not-checked"


class Tables:
    """Checks the tables of one frictionless Package. Of a table other tables' foreign keys
    read, only the values they read are kept: one large table is in memory at a time (a table
    is read twice when its foreign keys and another's point at each other)."""

    def __init__(self, package: Any, base: Path, engine: str, limit: int) -> None:
        self.package = package
        self.base = base
        self.engine = engine
        self.limit = limit
        self._keys: dict[str, Any] = {}
        self._referenced = _referenced_fields(package)

    def check(self, resource: Any, to_finding: Any) -> list[LayerItem]:
        """Findings of one resource, by the chosen engine."""
        path = self._local_csv(resource)
        if path is not None and wants_fast(self.engine, path, _has_pattern(resource)):
            items = self._fast(resource, path, to_finding)
            if items is not None:
                return items
        return self._frictionless(resource, to_finding)

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
            for fk in resource.schema.foreign_keys:
                if fk["reference"]["resource"] not in ("", resource.name):
                    self._reference(fk["reference"]["resource"])
            keys = self._referenced.get(resource.name, set())
            table, result = check_resource(resource, path, self.limit, self._reference, None, keys)
        except (Unsupported, FrictionlessException, OSError):
            return None
        if keys:
            self._keys[resource.name] = table.keys_only(keys)
        where = {"resource": resource.name, "path": resource.path}
        items: list[LayerItem] = [
            Finding(
                LAYER,
                PATTERN_NOT_CHECKED,
                f"field {name!r}: the pattern {pattern!r} uses syntax the fast engine does not "
                "run (look-around, back-references, POSIX classes); it was not checked (run "
                "with --engine frictionless to check it)",
                field=name,
                value=pattern,
                **where,
            )
            for name, pattern in result.unchecked_patterns
        ]
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
            self._keys[name] = evaluate_resource(resource, path, keys).keys_only(keys)
        return self._keys[name]

    def _frictionless(self, resource: Any, to_finding: Any) -> list[LayerItem]:
        # One past the limit: frictionless also stops when it finds exactly `limit`.
        report = resource.validate(limit_errors=self.limit + 1)
        items: list[LayerItem] = []
        for task in report.tasks:
            errors = task.errors
            if len(errors) > self.limit:
                # frictionless stopped reading this table; what it did not read is not counted.
                errors = errors[: self.limit]
                items.append(Omitted(LAYER, None, task.name, None))
            items += [to_finding(e, resource=task.name, path=task.place) for e in errors]
        return items


def _referenced_fields(package: Any) -> dict[str, set[str]]:
    """The fields of each resource that other resources' foreign keys read."""
    found: dict[str, set[str]] = {}
    for resource in package.resources:
        schema = getattr(resource, "schema", None)
        for fk in getattr(schema, "foreign_keys", None) or []:
            name = fk["reference"]["resource"]
            if name not in ("", resource.name):
                found.setdefault(name, set()).update(fk["reference"]["fields"])
    return found


def _has_pattern(resource: Any) -> bool:
    fields = getattr(resource.schema, "fields", None) or []
    return any(getattr(f.constraints, "get", lambda _: None)("pattern") for f in fields)
