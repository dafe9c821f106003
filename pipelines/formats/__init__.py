"""Renderers of a validation report: each turns a Report into the text of one output format."""

from __future__ import annotations

from collections.abc import Callable

from kzdata.pipelines.formats import json_format, text_format
from kzdata.pipelines.report import Report

FORMATS: dict[str, Callable[[Report], str]] = {
    "text": text_format.render,
    "json": json_format.render,
}
