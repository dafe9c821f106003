"""Layer 2, pandera: every CSV table against the schema compiled from its own Table Schema,
with the cross-column rules on top. Lazy: every failing cell is reported, not the first."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from kzdata.pipelines import resource_parts
from kzdata.pipelines.report import Finding, LayerItem, NotChecked, Omitted
from kzdata.pipelines.target import Target, descriptor_part, is_local_csv_table

if TYPE_CHECKING:
    import pandera.polars as pa
    import polars as pl
    from pandera.errors import SchemaErrors

    from kzdata.pipelines.package_tables import PackageTables

LAYER = "pandera"


def check(target: Target, limit: int) -> list[LayerItem]:
    """Findings of every local CSV table resource, at most `limit` per rule and column (the
    rest counted); other resources are not this layer's."""
    from kzdata.pipelines.layers.polars_only import polars_only

    with polars_only():
        return _check(target, limit)


def reads(target: Target) -> dict[str, set[str]]:
    """The columns this layer reads of each table: those of the row rules that apply to it."""
    from kzdata.pipelines.cell_types import SchemaCompileError, cell_type, table_fields
    from kzdata.pipelines.row_rules import rules_for
    from kzdata.pipelines.target import UnreadablePart

    found: dict[str, set[str]] = {}
    for resource in target.checked["resources"]:
        if not (is_local_csv_table(resource) or resource_parts.is_multipart_csv(resource)):
            continue
        columns = found.setdefault(resource.get("name"), set())
        try:
            schema = descriptor_part(resource["schema"], target.basepath, "schema")
            types = {f["name"]: cell_type(f).name for f in table_fields(schema)}
        except (SchemaCompileError, UnreadablePart):
            continue  # the table is not read: the layer says why
        for rule in rules_for(types):
            columns.update(rule.columns)
    return found


def _check(target: Target, limit: int) -> list[LayerItem]:
    # Imported here: the CLI must not pay for pandera and polars unless this layer runs.
    from pandera.config import ValidationDepth, config_context

    from kzdata.pipelines.package_tables import loaded

    tables = loaded(target)
    findings: list[LayerItem] = []
    # Forced on: an environment variable must not turn this layer into a silent pass.
    with config_context(validation_enabled=True, validation_depth=ValidationDepth.SCHEMA_AND_DATA):
        # Schema and dialect files come read in, as they were checked when the target opened.
        for index, resource in enumerate(target.checked["resources"]):
            if is_local_csv_table(resource) or resource_parts.is_multipart_csv(resource):
                findings += _check_resource(tables, index, resource, target.basepath, limit)
            elif isinstance(resource, dict) and "schema" in resource:
                findings.append(_not_read(resource))
    return findings


def _not_read(resource: dict[str, Any]) -> NotChecked:
    """A table this layer does not read: said, so that silence is not taken for a pass."""
    kind = "inline data" if "data" in resource else "not a local CSV file"
    name = resource.get("name")
    return NotChecked(
        LAYER,
        f"{kind}: this layer reads local CSV files only",
        name if isinstance(name, str) else None,
    )


def _check_resource(
    tables: PackageTables, index: int, resource: dict[str, Any], base: Path, limit: int
) -> list[LayerItem]:
    from pandera.errors import SchemaErrors

    from kzdata.pipelines.pandera_compiler import SchemaCompileError, compile_schema, frame_of
    from kzdata.pipelines.typed_table import TableUnavailable

    paths = resource_parts.paths_of(resource) or [resource["path"]]
    where = {"resource": resource.get("name"), "path": paths[0]}
    try:
        table = tables.load(index)
        schema = compile_schema(table.schema)
        frame = frame_of(table, table.text.columns)
    except TableUnavailable as exc:
        message = str(exc)
        if exc.rule == "schema-error":
            message = f"the resource's Table Schema or dialect cannot be used: {exc}"
        return [Finding(LAYER, exc.rule, message, **where)]
    except SchemaCompileError as exc:
        message = f"the resource's Table Schema or dialect cannot be used: {exc}"
        return [Finding(LAYER, "schema-error", message, **where)]
    try:
        schema.validate(frame, lazy=True)
    except SchemaErrors as exc:
        found = _findings(exc, schema, table.text, table.first_row == 2, where, limit)
        dialect = descriptor_part(resource.get("dialect", {}), base, "dialect")
        return resource_parts.in_parts(resource, base, dialect, found)
    return []


def _findings(
    exc: SchemaErrors,
    schema: pa.DataFrameSchema,
    frame: pl.DataFrame,
    header: bool,
    where: dict[str, Any],
    limit: int,
) -> list[LayerItem]:
    """One finding per failure case, numbered as frictionless numbers rows: data row i (from 0)
    is row i + 2 under a header row, i + 1 without one. At most `limit` per check and column
    become findings, so that their number (and memory) is bounded by the limit."""
    from pandera.errors import SchemaErrorReason

    for error in exc.schema_errors:
        if error.reason_code == SchemaErrorReason.CHECK_ERROR:  # our check is broken: a bug
            raise RuntimeError(
                f"pandera check {error.check} on {error.column_name} failed: {error}"
            )
    first_row = 2 if header else 1
    findings: list[LayerItem] = []
    groups = exc.failure_cases.group_by(["column", "check", "check_number"], maintain_order=True)
    for (column, rule, number), cases in groups:
        if column is None or number is None:
            # The schema holds only row rules (no header or column checks): a bug if not.
            raise RuntimeError(f"pandera failure {rule!r} is not a row rule's")
        check = schema.columns[column].checks[number]
        context = check.statistics.get("context", [])
        if cases.height > limit:
            findings.append(Omitted(LAYER, rule, where["resource"], cases.height - limit))
            cases = cases.head(limit)
        indices = cases["index"].to_list()
        quoted = frame.select(context)[indices].rows() if context else [()] * len(indices)
        for index, value, row in zip(indices, cases["failure_case"], quoted, strict=True):
            findings.append(
                Finding(
                    LAYER,
                    rule,
                    _message(
                        column, value, check.description, dict(zip(context, row, strict=False))
                    ),
                    row=index + first_row,
                    field=column,
                    value=value,
                    **where,
                )
            )
    return findings


def _message(field: str, value: str | None, description: str, context: dict[str, Any]) -> str:
    subject = field if value is None else f"{field} {value!r}"
    if not context:
        return f"{subject} {description}"
    cells = ", ".join(
        f"{name}={'empty' if cell is None else cell}" for name, cell in context.items()
    )
    return f"{subject} {description} ({cells})"
