"""JSON: the stable, documented shape of a report (docs/report.md, schemas/report.schema.json)."""

from __future__ import annotations

import json

from kzdata.pipelines.report import Report


def render(report: Report) -> str:
    return json.dumps(report.to_dict(), indent=2, ensure_ascii=False) + "\n"
