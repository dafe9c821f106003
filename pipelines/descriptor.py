"""The Data Package v2 descriptor of a built package."""

from __future__ import annotations

from typing import Any

from kzdata.pipelines import csv_dialect
from kzdata.schemas import resources, table_schema

PROFILE = "https://datapackage.org/profiles/2.0/datapackage.json"


def data_path(name: str) -> str:
    return f"data/{name}.csv"


def make_descriptor(
    metadata: dict[str, Any], sources: list[dict[str, Any]], files: dict[str, tuple[int, str]]
) -> dict[str, Any]:
    """Descriptor from the seeds' package metadata, the sources table and, per resource,
    the (bytes, sha256) of its written file."""
    descriptor: dict[str, Any] = {"$schema": PROFILE}
    for key in ("name", "title", "description", "version", "created", "homepage", "keywords"):
        if metadata.get(key):
            descriptor[key] = metadata[key]
    descriptor["licenses"] = metadata["licenses"]
    descriptor["contributors"] = metadata["contributors"]
    descriptor["sources"] = [
        {k: v for k, v in (("title", s["title"]), ("path", s["url"])) if v} for s in sources
    ]
    descriptor["resources"] = [
        {
            "name": r["name"],
            "type": "table",
            "path": data_path(r["name"]),
            "format": "csv",
            "mediatype": "text/csv",
            "encoding": "utf-8",
            "title": r["title"],
            "description": r["description"],
            "bytes": files[r["name"]][0],
            "hash": f"sha256:{files[r['name']][1]}",
            "dialect": csv_dialect.WRITTEN,
            "schema": table_schema(r["name"]),
        }
        for r in resources()
    ]
    return descriptor
