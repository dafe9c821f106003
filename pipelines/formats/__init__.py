"""Renderers of a validation report: each turns a Report into the text of one output format.

Reports hold findings already graded and masked (Report.add), so a format only lays them out.
"""

from __future__ import annotations

from collections.abc import Callable

from kzdata.pipelines.formats import (
    github_format,
    json_format,
    junit_format,
    sarif_format,
    text_format,
)
from kzdata.pipelines.report import Report

FORMATS: dict[str, Callable[[Report], str]] = {
    "text": text_format.render,
    "json": json_format.render,
    "github": github_format.render,
    "junit": junit_format.render,
    "sarif": sarif_format.render,
}
