"""Turn checked seeds into the package's normalized tables, one list of rows per resource."""

from __future__ import annotations

import csv
from typing import Any

from kzdata.pipelines import partial_dates, qualifiers
from kzdata.pipelines.seeds import Seeds
from kzdata.schemas import QUALIFIERS_CSV, field_names, resource_names, table_schema

Row = dict[str, Any]


def make_tables(seeds: Seeds) -> dict[str, list[Row]]:
    """Rows per resource, in Table Schema field order, sorted by primary key (so output order
    does not depend on the order of entries in the seeds)."""
    cb = seeds.codebook
    citations = [(s, c) for s in seeds.sources for c in s.data.get("citations", [])]
    cited = {c["id"]: c for _, c in citations}
    tables = {
        "sources": [_source(s.data) for s in seeds.sources],
        "legal_provisions": [_provision(p) for p in cb["legal_provisions"]],
        "provision_citations": [
            _provision_citation(s.data["id"], p)
            for s in seeds.sources
            for p in s.data.get("provision_citations", [])
        ],
        "indicators": [_indicator(i) for i in cb["indicators"]],
        "qualifiers": _qualifier_rows(),
        "observations": [
            _observation(o, cited[o["primary_citation"]], seeds) for o in cb["observations"]
        ],
        "citations": [_citation(s.data["id"], c) for s, c in citations],
        "disagreements": [_disagreement(d) for d in cb.get("disagreements", [])],
        "events": [
            _event(s.data["id"], e) for s in seeds.sources for e in s.data.get("events", [])
        ],
        "non_figures": [
            _non_figure(s.data["id"], n)
            for s in seeds.sources
            for n in s.data.get("non_figures", [])
        ],
    }
    assert list(tables) == resource_names(), "every declared resource is built, in order"
    return {name: _ordered(name, rows) for name, rows in tables.items()}


def _ordered(name: str, rows: list[Row]) -> list[Row]:
    fields = field_names(name)
    for row in rows:
        assert set(row) == set(fields), f"{name}: built fields differ from the Table Schema"
    key = table_schema(name)["primaryKey"]
    return [{f: row[f] for f in fields} for row in sorted(rows, key=lambda r: [r[k] for k in key])]


def _date(value: str | None) -> tuple[str | None, str | None]:
    return value, partial_dates.precision(value)


def _locator(item: dict[str, Any]) -> Row:
    start, end = item.get("locator") or (None, None)
    return {"quote": item.get("quote"), "locator_start": start, "locator_end": end}


def _source(s: dict[str, Any]) -> Row:
    published, precision = _date(s.get("published"))
    accessed, accessed_precision = _date(s.get("accessed"))
    return {
        "source_id": s["id"],
        "title": s["title"],
        "author": s.get("author"),
        "publisher": s.get("publisher"),
        "url": s.get("url"),
        "published": published,
        "published_precision": precision,
        "accessed": accessed,
        "accessed_precision": accessed_precision,
        "language": s["language"],
        "document_path": f"seeds/{s['document']}" if s.get("document") else None,
        "document_sha256": s.get("sha256"),
        "notes": s.get("notes"),
    }


def _provision(p: dict[str, Any]) -> Row:
    return {
        "provision_id": p["id"],
        "jurisdiction": p["jurisdiction"],
        "instrument": p["instrument"],
        "article": p.get("article"),
        "label": p["label"],
        "min_imprisonment_years": p.get("min_imprisonment_years"),
        "max_imprisonment_years": p.get("max_imprisonment_years"),
        "life_imprisonment": p.get("life_imprisonment"),
        "confiscation": p.get("confiscation"),
        "aggravating_condition": p.get("aggravating_condition"),
        "notes": p.get("notes"),
    }


def _provision_citation(source_id: str, p: dict[str, Any]) -> Row:
    return {
        "provision_id": p["provision"],
        "element": p["element"],
        "source_id": source_id,
        "stated_value": p.get("stated_value"),
        **_locator(p),
        "notes": p.get("notes"),
    }


def _indicator(i: dict[str, Any]) -> Row:
    return {
        "indicator_id": i["id"],
        "label": i["label"],
        "definition": i["definition"],
        "unit": i["unit"],
        "measure": i["measure"],
        "legal_provision_id": i.get("legal_provision"),
        "parent_indicator_id": i.get("parent"),
        "parent_relation": i.get("parent_relation"),
        "components_exhaustive": i.get("components_exhaustive"),
        "notes": i.get("notes"),
    }


def _qualifier_rows() -> list[Row]:
    # The declared table is published as it is, so users see the rule behind every bound.
    with QUALIFIERS_CSV.open(encoding="utf-8", newline="") as f:
        return [{k: (v if v != "" else None) for k, v in row.items()} for row in csv.DictReader(f)]


def _observation(o: dict[str, Any], primary: dict[str, Any], seeds: Seeds) -> Row:
    b = qualifiers.bounds(primary["stated_value"], seeds.qualifiers.get(primary.get("qualifier")))
    start, start_precision = _date(o.get("period_start"))
    end, end_precision = _date(o.get("period_end"))
    as_of, as_of_precision = _date(o["as_of"])
    return {
        "observation_id": o["id"],
        "indicator_id": o["indicator"],
        "geography": o["geography"],
        "period_start": start,
        "period_start_precision": start_precision,
        "period_end": end,
        "period_end_precision": end_precision,
        "as_of": as_of,
        "as_of_precision": as_of_precision,
        "value": b.value,
        "lower_bound": b.lower,
        "upper_bound": b.upper,
        "precision": b.precision,
        "primary_citation_id": o["primary_citation"],
        "notes": o.get("notes"),
        # A withdrawn fact stays as a tombstone with its reason, so that its id is never reused.
        "status": o.get("status", "current"),
        "status_reason": o.get("status_reason"),
    }


def _citation(source_id: str, c: dict[str, Any]) -> Row:
    return {
        "citation_id": c["id"],
        "observation_id": c["observation"],
        "source_id": source_id,
        "stated_value": c["stated_value"],
        "qualifier": c.get("qualifier"),
        **_locator(c),
        "relays_source_id": c.get("relays"),
        "origin": c.get("origin"),
        "notes": c.get("notes"),
    }


def _disagreement(d: dict[str, Any]) -> Row:
    return {
        "observation_id": d["observation"],
        "other_observation_id": d["other"],
        "reason": d["reason"],
        "notes": d.get("notes"),
    }


def _event(source_id: str, e: dict[str, Any]) -> Row:
    date, precision = _date(e["date"])
    return {
        "event_id": e["id"],
        "date": date,
        "date_precision": precision,
        # A date is the source's unless the maintainers say part of it is their reading.
        "date_inferred": e.get("date_inferred", False),
        "event_type": e["event_type"],
        "description": e["description"],
        "source_id": source_id,
        **_locator(e),
        "notes": e.get("notes"),
    }


def _non_figure(source_id: str, n: dict[str, Any]) -> Row:
    return {"source_id": source_id, **_locator(n), "reason": n["reason"]}
