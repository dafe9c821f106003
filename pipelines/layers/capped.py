"""Findings kept up to a limit per rule and resource, the rest counted: a layer's memory is
bounded by the limit, not by the data."""

from __future__ import annotations

from collections import Counter

from kzdata.pipelines.finding import Finding, LayerItem, Omitted


class CappedFindings:
    """Collects one layer's findings; `items()` adds an Omitted for each (rule, resource) that
    found more than `limit`."""

    def __init__(self, layer: str, limit: int) -> None:
        self.layer = layer
        self.limit = limit
        self._kept: list[Finding] = []
        self._seen: Counter[tuple[str, str | None]] = Counter()

    def add(self, finding: Finding) -> None:
        key = (finding.rule, finding.resource)
        self._seen[key] += 1
        if self._seen[key] <= self.limit:
            self._kept.append(finding)

    def count(self, rule: str, resource: str | None, more: int) -> None:
        """Count `more` findings of `rule` on `resource` that were never made (beyond the cap)."""
        self._seen[(rule, resource)] += more

    def items(self) -> list[LayerItem]:
        omitted: list[LayerItem] = [
            Omitted(self.layer, rule, resource, count - self.limit)
            for (rule, resource), count in self._seen.items()
            if count > self.limit
        ]
        return [*self._kept, *omitted]
