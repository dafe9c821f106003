"""Layers run in the order that keeps memory low (the provenance layer, which reads the tables'
text only, before Great Expectations, whose import and frames are the peak), and are reported
in their own order, whatever order they ran in."""

from __future__ import annotations

from kzdata.pipelines import validate as validate_module
from kzdata.pipelines.finding import Finding


def test_layers_run_text_readers_first_and_are_reported_in_their_own_order(
    package, monkeypatch
) -> None:
    ran: list[str] = []

    def recording(name: str):
        def layer(target, limit) -> list[Finding]:
            ran.append(name)
            return [Finding(name, "some-rule", f"found by {name}", resource="observations")]

        return layer

    declared = list(validate_module.LAYERS)
    for name in declared:
        monkeypatch.setitem(validate_module.LAYERS, name, recording(name))
    report = validate_module.validate(package.folder)
    assert ran == ["frictionless", "pandera", "provenance", "great_expectations", "integrity"]
    assert report.layers == declared
    assert [f.layer for f in report.findings] == declared
