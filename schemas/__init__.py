"""Declarations: the Table Schemas (the single source of field rules) and what derives from them."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import yaml

HERE = Path(__file__).parent
TABLES_DIR = HERE / "tables"
QUALIFIERS_CSV = HERE / "qualifiers.csv"
SEED_FILES_SCHEMA = HERE / "seed_files.json"
NUMBER_WORDS_YAML = HERE / "number_words.yaml"
RULES_YAML = HERE / "rules.yaml"
ROW_RULES_YAML = HERE / "row_rules.yaml"


# libyaml's loader where PyYAML has it: it reads rules.yaml in a tenth of the time.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def read_yaml(path: Path) -> Any:
    """The value of a YAML declaration file (safe tags only). Raises OSError, yaml.YAMLError."""
    return yaml.load(path.read_text(encoding="utf-8"), Loader=_LOADER)


@cache
def resources() -> tuple[dict[str, str], ...]:
    """The package's resources in publication order: name, title, description."""
    return tuple(read_yaml(HERE / "resources.yaml"))


def resource_names() -> list[str]:
    return [r["name"] for r in resources()]


@cache
def _table_schema_text(name: str) -> str:
    return (TABLES_DIR / f"{name}.json").read_text(encoding="utf-8")


def table_schema(name: str) -> dict[str, Any]:
    """A fresh copy of the Table Schema of resource `name`."""
    return json.loads(_table_schema_text(name))


def field_names(name: str) -> list[str]:
    return [f["name"] for f in table_schema(name)["fields"]]


def seed_files_schema() -> dict[str, Any]:
    """JSON Schema of the maintainers' YAML seed files (structure only; field rules are the
    Table Schemas', checked on the built package)."""
    return json.loads(SEED_FILES_SCHEMA.read_text(encoding="utf-8"))


@cache
def number_words() -> dict[str, Any]:
    """The vocabulary of the number scanner: number words, vague quantities, months
    (number_words.yaml)."""
    return read_yaml(NUMBER_WORDS_YAML)
