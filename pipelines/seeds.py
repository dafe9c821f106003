"""Load the maintainers' seed files and check them, so a bad seed stops the build early.

Every problem names its file and entry; all of them are gathered before the build stops.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jsonschema
import yaml

from kzdata.pipelines import partial_dates, qualifiers, quote_values
from kzdata.pipelines.errors import CannotRun, SeedError, SeedProblem
from kzdata.pipelines.seed_coverage import check_coverage
from kzdata.pipelines.seed_provisions import check_provisions
from kzdata.pipelines.seed_relations import check_relations
from kzdata.schemas import seed_files_schema


@dataclass
class SourceSeed:
    file: str
    data: dict[str, Any]
    text: str | None = None  # the document's text, for a document-backed source


@dataclass
class Seeds:
    root: Path
    package: dict[str, Any]
    codebook: dict[str, Any]
    sources: list[SourceSeed]
    qualifiers: dict[str, qualifiers.Qualifier] = field(default_factory=dict)


def load_seeds(root: Path) -> Seeds:
    """Read and check every seed file under `root`; raise SeedError listing all problems."""
    root = Path(root)
    if not root.is_dir():
        raise CannotRun(f"{root}: seeds folder not found (run kzdata build from the project root)")
    problems: list[SeedProblem] = []
    package = _read(root / "package.yaml", "package", problems)
    codebook = _read(root / "codebook.yaml", "codebook", problems)
    sources = [
        SourceSeed(_name(p), data)
        for p in sorted((root / "sources").glob("*.yaml"))
        if (data := _read(p, "source", problems)) is not None
    ]
    if not sources and not problems:
        problems.append(SeedProblem(_name(root / "sources"), "", "no source files (*.yaml)"))
    quals, qual_problems = qualifiers.load()
    problems += qual_problems
    if problems:
        raise SeedError(problems)
    seeds = Seeds(root, package, codebook, sources, quals)
    problems += _check_documents(seeds)
    problems += _check_references(seeds)
    codebook_file = _name(root / "codebook.yaml")
    problems += check_provisions(seeds, codebook_file)
    problems += check_relations(seeds, codebook_file)
    problems += check_coverage(seeds)
    if problems:
        raise SeedError(problems)
    return seeds


def _name(path: Path) -> str:
    # Seeds are named as the maintainer sees them: relative to the working directory if possible.
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def _read(path: Path, kind: str, problems: list[SeedProblem]) -> dict[str, Any] | None:
    name = _name(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        problems.append(SeedProblem(name, "", "file not found"))
        return None
    except UnicodeDecodeError as exc:
        problems.append(SeedProblem(name, "", f"not UTF-8 text (byte {exc.start})"))
        return None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problems.append(SeedProblem(name, where, f"malformed YAML: {getattr(exc, 'problem', exc)}"))
        return None
    schema = {**seed_files_schema(), "$ref": f"#/$defs/{kind}"}
    errors = sorted(
        jsonschema.Draft202012Validator(schema).iter_errors(data), key=lambda e: list(e.path)
    )
    for error in errors:
        problems.append(SeedProblem(name, _entry(data, list(error.path)), error.message))
    return None if errors else data


def _entry(data: Any, path: list[Any]) -> str:
    """'citations[3] (doc000_cases_709).locator' for a path into the YAML document."""
    out, node = "", data
    for key in path:
        if isinstance(key, int):
            out += f"[{key}]"
            node = node[key] if isinstance(node, list) and key < len(node) else None
            if isinstance(node, dict) and isinstance(node.get("id"), str):
                out += f" ({node['id']})"
        else:
            out += f".{key}" if out else str(key)
            node = node.get(key) if isinstance(node, dict) else None
    return out


def _check_documents(seeds: Seeds) -> list[SeedProblem]:
    problems = []
    for source in seeds.sources:
        rel = source.data.get("document")
        if rel is None:
            continue
        path = seeds.root / rel
        if ".." in Path(rel).parts or Path(rel).is_absolute() or path.is_symlink():
            problems.append(SeedProblem(source.file, "document", f"{rel!r} is not inside seeds/"))
            continue
        try:
            raw = path.read_bytes()
        except OSError:
            problems.append(
                SeedProblem(source.file, "document", f"document {rel} not found (or not a file)")
            )
            continue
        digest = hashlib.sha256(raw).hexdigest()
        if digest != source.data["sha256"]:
            problems.append(
                SeedProblem(
                    source.file,
                    "sha256",
                    f"document {rel} has sha256 {digest}, not the recorded "
                    f"{source.data['sha256']}: the document changed, or the record is wrong",
                )
            )
            continue
        try:
            source.text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            problems.append(
                SeedProblem(source.file, "document", f"{rel} is not UTF-8 (byte {exc.start})")
            )
    return problems


Entry = tuple[str, str, int, dict[str, Any]]  # file, list name, index, item


def _entries(file: str, kind: str, items: list[dict[str, Any]]) -> list[Entry]:
    return [(file, kind, i, item) for i, item in enumerate(items)]


def _ids(entries: list[Entry], problems: list[SeedProblem]) -> dict[str, dict[str, Any]]:
    """Items by id; an id used twice (in any file) is a problem."""
    seen: dict[str, dict[str, Any]] = {}
    for file, kind, i, item in entries:
        if item["id"] in seen:
            problems.append(SeedProblem(file, f"{kind}[{i}] ({item['id']})", "duplicate id"))
        seen[item["id"]] = item
    return seen


def _check_references(seeds: Seeds) -> list[SeedProblem]:
    """Every id a seed refers to exists, and every locator reads its quote in the document."""
    problems: list[SeedProblem] = []
    cb, cb_file = seeds.codebook, _name(seeds.root / "codebook.yaml")
    provisions = _ids(_entries(cb_file, "legal_provisions", cb["legal_provisions"]), problems)
    indicators = _ids(_entries(cb_file, "indicators", cb["indicators"]), problems)
    observations = _ids(_entries(cb_file, "observations", cb["observations"]), problems)
    sources = {s.data["id"]: s for s in seeds.sources}
    if len(sources) != len(seeds.sources):
        problems.append(SeedProblem(_name(seeds.root / "sources"), "", "two sources share an id"))

    def across_sources(kind: str) -> list[Entry]:
        return [e for s in seeds.sources for e in _entries(s.file, kind, s.data.get(kind, []))]

    citations = _ids(across_sources("citations"), problems)
    _ids(across_sources("events"), problems)

    def need(ok: bool, file: str, entry: str, message: str) -> None:
        if not ok:
            problems.append(SeedProblem(file, entry, message))

    for i, ind in enumerate(cb["indicators"]):
        where = f"indicators[{i}] ({ind['id']})"
        prov, parent = ind.get("legal_provision"), ind.get("parent")
        need(
            prov is None or prov in provisions, cb_file, where, f"unknown legal provision {prov!r}"
        )
        need(parent is None or parent in indicators, cb_file, where, f"unknown parent {parent!r}")
    problems += _check_components(cb["indicators"], cb_file)
    for i, obs in enumerate(cb["observations"]):
        where = f"observations[{i}] ({obs['id']})"
        need(
            obs["indicator"] in indicators,
            cb_file,
            where,
            f"unknown indicator {obs['indicator']!r}",
        )
        primary = citations.get(obs["primary_citation"])
        need(primary is not None, cb_file, where, f"unknown citation {obs['primary_citation']!r}")
        need(
            primary is None or primary["observation"] == obs["id"],
            cb_file,
            where,
            f"primary citation {obs['primary_citation']!r} cites another observation",
        )
        for key in ("period_start", "period_end", "as_of"):
            if key in obs and (msg := partial_dates.problem(obs[key])):
                problems.append(SeedProblem(cb_file, f"{where}.{key}", msg))
    for s in seeds.sources:
        for key in ("published", "accessed"):
            if key in s.data and (msg := partial_dates.problem(s.data[key])):
                problems.append(SeedProblem(s.file, key, msg))
        for i, c in enumerate(s.data.get("citations", [])):
            where = f"citations[{i}] ({c['id']})"
            need(
                c["observation"] in observations,
                s.file,
                where,
                f"unknown observation {c['observation']!r}",
            )
            need(
                c.get("relays") is None or c["relays"] in sources,
                s.file,
                where,
                f"unknown relayed source {c.get('relays')!r}",
            )
            qual = c.get("qualifier")
            if qual is not None and qual not in seeds.qualifiers:
                problems.append(
                    SeedProblem(
                        s.file,
                        where,
                        f"unknown qualifier {qual!r}: add it "
                        "to schemas/qualifiers.csv with its rule first",
                    )
                )
            else:
                msg = qualifiers.stated_value_problem(c["stated_value"], seeds.qualifiers.get(qual))
                need(msg is None, s.file, where, msg or "")
            problems += _check_locator(s, c, s.file, where)
            if c.get("quote") is not None:
                msg = quote_values.value_problem(c["quote"], "stated_value", c["stated_value"])
                need(msg is None, s.file, where, msg or "")
        for i, e in enumerate(s.data.get("events", [])):
            where = f"events[{i}] ({e['id']})"
            if msg := partial_dates.problem(e["date"]):
                problems.append(SeedProblem(s.file, f"{where}.date", msg))
            elif e.get("quote") is not None:
                msg = quote_values.date_problem(e["quote"], "date", e["date"])
                need(msg is None, s.file, where, msg or "")
            problems += _check_locator(s, e, s.file, where)
        for i, pc in enumerate(s.data.get("provision_citations", [])):
            where = f"provision_citations[{i}] ({pc['provision']}.{pc['element']})"
            need(
                pc["provision"] in provisions,
                s.file,
                where,
                f"unknown legal provision {pc['provision']!r}",
            )
            problems += _check_locator(s, pc, s.file, where)
            if pc.get("quote") is not None and pc.get("stated_value") is not None:
                msg = quote_values.value_problem(pc["quote"], "stated_value", pc["stated_value"])
                need(msg is None, s.file, where, msg or "")
        for i, n in enumerate(s.data.get("non_figures", [])):
            problems += _check_locator(s, n, s.file, f"non_figures[{i}]")
    return problems


def _check_components(indicators: list[dict[str, Any]], file: str) -> list[SeedProblem]:
    """An indicator with components says whether they are exhaustive, and only such a one does:
    the check of their sum against it depends on it."""
    components: dict[str, list[str]] = {}
    for ind in indicators:
        if ind.get("parent") is not None:
            components.setdefault(ind["parent"], []).append(ind["id"])
    problems = []
    for i, ind in enumerate(indicators):
        where, parts = f"indicators[{i}] ({ind['id']})", components.get(ind["id"])
        if parts and "components_exhaustive" not in ind:
            problems.append(
                SeedProblem(
                    file,
                    where,
                    f"{', '.join(parts)} are components of it: say whether they make up its "
                    "whole count (components_exhaustive: true or false)",
                )
            )
        if not parts and "components_exhaustive" in ind:
            message = "components_exhaustive is set, but no indicator is a component of it"
            problems.append(SeedProblem(file, where, message))
    return problems


def _check_locator(
    source: SourceSeed, item: dict[str, Any], file: str, where: str
) -> list[SeedProblem]:
    """A document-backed statement needs a locator that reads exactly its quote."""
    locator, quote = item.get("locator"), item.get("quote")
    if source.text is None:
        if source.data.get("document") is None and locator is not None:
            return [SeedProblem(file, where, "a citation-only source has no document to locate in")]
        return []
    if locator is None:
        return [SeedProblem(file, where, "a statement from a document needs a locator")]
    if quote is None:
        return [SeedProblem(file, where, "a statement from a document needs its quote")]
    start, end = locator
    if not start < end <= len(source.text):
        return [
            SeedProblem(
                file,
                f"{where}.locator",
                f"[{start}, {end}] lies outside the document, which has {len(source.text)} "
                "characters (offsets are Unicode code points, end exclusive)",
            )
        ]
    if quote is not None and source.text[start:end] != quote:
        return [
            SeedProblem(
                file,
                f"{where}.locator",
                f"[{start}, {end}] reads {source.text[start:end]!r}, not the quote {quote!r}",
            )
        ]
    return []
