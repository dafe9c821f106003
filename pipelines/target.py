"""Open what the user asked to validate: a package folder or its datapackage.json.

Reading the descriptor and refusing unsafe paths happens here, before any layer reads data,
so a refused file is never opened.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kzdata.pipelines.descriptor_limits import (
    DEFAULT_LIMITS,
    MALFORMED,
    DescriptorRefused,
    Limits,
    read_descriptor,
)
from kzdata.pipelines.descriptor_places import Places
from kzdata.pipelines.descriptor_refs import PART_FILES, unsafe_references
from kzdata.pipelines.errors import CannotRun
from kzdata.pipelines.path_safety import unsafe_reason
from kzdata.pipelines.report import Finding

if TYPE_CHECKING:
    from kzdata.pipelines.local_package import Downloaded
    from kzdata.pipelines.package_tables import PackageTables

LAYER = "frictionless"
DESCRIPTOR = "datapackage.json"
# What a folder's descriptor may be called, in the order looked for (frictionless reads YAML too).
DESCRIPTOR_NAMES = (DESCRIPTOR, "datapackage.yaml", "datapackage.yml")


@dataclass
class Target:
    """An opened target. `descriptor` is the descriptor as read; `resolved` the same with each
    resource's schema and dialect files read in, exactly as they were checked (None until
    open_target has checked them); `part_files` maps (resource index, "schema" or "dialect")
    to the file each was read from."""

    label: str
    descriptor_path: Path
    descriptor: dict[str, Any] | None = None
    findings: list[Finding] = field(default_factory=list)
    resolved: dict[str, Any] | None = None
    part_files: dict[tuple[int, str], str] = field(default_factory=dict)
    # The folder holding the source documents (`kzdata validate --documents DIR`); None: the
    # provenance layer looks beside the package (kzdata.pipelines.documents).
    documents: Path | None = None
    # For the integrity layer: what the user downloaded (a zip or a URL; None for a folder),
    # the sha256 they expect it to have (--expect-sha256), and the key to check a release's
    # signature with (--public-key).
    downloaded: Downloaded | None = None
    expect_sha256: str | None = None
    public_key: Path | None = None
    # Which engine checks the tables against their Table Schemas (`kzdata validate --engine`).
    engine: str = "auto"
    # The limits the descriptor was read within (`kzdata validate --max-descriptor-...`).
    limits: Limits = DEFAULT_LIMITS
    # Tables no layer reads, by resource name, with why (kzdata.pipelines.table_gate).
    withheld: dict[str, str] = field(default_factory=dict)
    withheld_paths: set[str] = field(default_factory=set)  # their files
    # The tables read so far, read once and shared by the layers
    # (kzdata.pipelines.package_tables.loaded).
    tables: PackageTables | None = None

    @property
    def basepath(self) -> Path:
        return self.descriptor_path.parent

    @property
    def checked(self) -> dict[str, Any]:
        """The descriptor the layers read: with its schema and dialect files read in, so that
        no layer reads them again (and none reads a file other than the one checked)."""
        descriptor = self.resolved if self.resolved is not None else self.descriptor
        assert descriptor is not None
        return descriptor

    @property
    def places(self) -> Places:
        return Places(self.checked, self.descriptor_path.name, self.part_files)


def open_target(target: str | Path, limits: Limits = DEFAULT_LIMITS) -> Target:
    """Read the descriptor of a local package. Raises CannotRun when there is nothing to read;
    a descriptor that was read but is malformed, too large or too deep (`limits`), or that
    points outside its package yields findings instead."""
    text = str(target)
    path = Path(target)
    if path.is_dir():
        path = next(
            (path / name for name in DESCRIPTOR_NAMES if (path / name).is_file()), path / DESCRIPTOR
        )
    if not path.is_file():
        raise CannotRun(f"{path}: no such data package (expected a folder or a {DESCRIPTOR})")
    if kind := _not_a_descriptor(path):
        raise CannotRun(
            f"{path}: {kind}, not a data package descriptor; kzdata validates a package "
            f"folder or its {DESCRIPTOR}{_ADVICE.get(kind, '')}"
        )
    result = Target(label=text, descriptor_path=path, limits=limits)
    try:
        descriptor = read_descriptor(path, limits)
    except DescriptorRefused as exc:
        result.findings.append(_finding(exc.rule, f"{path.name} {exc}", path, row=exc.line))
        return result
    except OSError as exc:
        raise CannotRun(f"{path}: cannot be read: {exc.strerror or exc}") from None
    if (
        not isinstance(descriptor, dict)
        or not descriptor.get("resources")
        or not isinstance(descriptor["resources"], list)
    ):
        result.findings.append(
            _finding(
                MALFORMED,
                f"{path.name} is not a data package descriptor, which is an object (a JSON "
                "object or a YAML mapping) with a non-empty 'resources' list",
                path,
            )
        )
        return result
    result.descriptor = descriptor
    for i, resource in enumerate(descriptor["resources"]):
        # A string is a resource in a file of its own: descriptor_refs refuses it.
        if not isinstance(resource, dict | str):
            result.findings.append(_finding(MALFORMED, f"resources[{i}] is not an object", path))
    result.findings += _read_parts(result, limits)
    result.findings += unsafe_references(result.places, result.basepath)
    return result


def _read_parts(target: Target, limits: Limits) -> list[Finding]:
    """Read each resource's schema and dialect given as a file inside the package into
    `target.resolved`, so that what they say is checked like the descriptor itself. A file
    that cannot be read is refused: it could not be checked."""
    assert target.descriptor is not None
    resolved = dict(target.descriptor)
    resolved["resources"] = list(target.descriptor["resources"])
    findings = []
    for i, resource in enumerate(resolved["resources"]):
        if not isinstance(resource, dict):
            continue
        for key in PART_FILES:
            value = resource.get(key)
            # An unsafe path is never opened: descriptor_refs reports it.
            if not isinstance(value, str) or unsafe_reason(value, target.basepath):
                continue
            try:
                part = descriptor_part(value, target.basepath, key, limits)
            except UnreadablePart as exc:
                name = resource.get("name")
                findings.append(
                    Finding(
                        layer=LAYER,
                        rule=exc.rule,
                        message=f"resources[{i}].{key}: {exc}",
                        resource=name if isinstance(name, str) else None,
                        field=key,
                        path=value,
                    )
                )
                continue
            resource = resolved["resources"][i] = {**resource, key: part}
            target.part_files[(i, key)] = value
    target.resolved = resolved
    return findings


_ADVICE = {"a CSV table": ": give the folder of the package the table belongs to"}


def _not_a_descriptor(path: Path) -> str | None:
    """What the file is, when it is plainly something other than a descriptor (JSON or YAML)."""
    # Zip archives, by their bytes or their name, never get here (local_package unpacks them).
    if path.suffix.lower() in (".csv", ".tsv"):
        return "a CSV table"
    return None


def is_local_csv_table(resource: Any) -> bool:
    """A resource a layer can read here: one local CSV file with a Table Schema."""
    if not isinstance(resource, dict) or "schema" not in resource:
        return False
    path = resource.get("path")
    if not isinstance(path, str) or "://" in path:
        return False
    fmt = resource.get("format") or Path(path).suffix.lstrip(".")
    return str(fmt).lower() == "csv"


class UnreadablePart(ValueError):
    """A resource's schema or dialect, given as a file, cannot be read as a JSON object.
    `rule` names the finding it becomes."""

    def __init__(self, message: str, rule: str = MALFORMED) -> None:
        super().__init__(message)
        self.rule = rule


def descriptor_part(
    value: Any, base: Path, key: str, limits: Limits = DEFAULT_LIMITS
) -> dict[str, Any]:
    """A resource's `schema` or `dialect`: inline, or read from its file in the package (its
    path was checked safe when the target was opened) within the descriptor limits."""
    if isinstance(value, dict):
        return value
    if not isinstance(value, str):
        raise UnreadablePart(f"the {key} is neither an object nor a path")
    try:
        loaded = read_descriptor(base / value, limits)
    except DescriptorRefused as exc:
        raise UnreadablePart(f"the {key} file {value!r} {exc.message}", exc.rule) from None
    except OSError as exc:
        raise UnreadablePart(f"cannot read the {key} at {value!r}: {exc.strerror or exc}") from None
    if not isinstance(loaded, dict):
        raise UnreadablePart(f"the {key} file {value!r} is not a JSON object")
    return loaded


def _finding(rule: str, message: str, path: Path, **where: Any) -> Finding:
    return Finding(layer=LAYER, rule=rule, message=message, path=path.name, **where)
