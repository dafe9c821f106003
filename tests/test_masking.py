"""A privacy finding's value never leaves kzdata: masked in its value and its message, in
every format, however the finding got into the report."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from kzdata.cli.main import app
from kzdata.pipelines import validate as validate_module
from kzdata.pipelines.finding_policy import MASK, mask
from kzdata.pipelines.formats import FORMATS
from kzdata.pipelines.report import Finding, Report

# A made-up, IIN-shaped number and a name: what a privacy rule would catch.
IIN = "870412300123"
NAME = "Aigerim Testova"


def privacy_finding(value: str = IIN, **where) -> Finding:
    return Finding(
        layer="privacy",
        rule="iin",
        message=f"the cell {value!r} looks like a Kazakh IIN ({value})",
        value=value,
        **where,
    )


def leaks(output: str, value: str) -> bool:
    return any(form in output for form in (value, json.dumps(value)[1:-1], repr(value)[1:-1]))


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_every_format_masks_a_privacy_finding(package, fmt: str) -> None:
    report = Report(
        str(package.folder),
        descriptor=str(package.descriptor),
        findings=[
            privacy_finding(
                resource="observations", row=2, field="notes", path="data/observations.csv"
            ),
            Finding("frictionless", "type-error", "bad cell 'KEEP_ME'", value="KEEP_ME"),
        ],
    )
    output = FORMATS[fmt](report)
    assert not leaks(output, IIN)
    assert MASK in output
    assert "KEEP_ME" in output  # only privacy rules are masked


def test_the_value_and_every_form_of_it_in_the_message_are_masked() -> None:
    value = 'Line one\nO\'Brien "Ё"'
    finding = Finding(
        "privacy",
        "name",
        f"raw {value} / repr {value!r} / json {json.dumps(value)} / "
        f"ascii json {json.dumps(value, ensure_ascii=True)}",
        value=value,
    )
    masked = Report("x", findings=[finding]).findings[0]
    assert masked.value == MASK
    assert not leaks(masked.message, value)
    assert masked.message.count(MASK) == 4


def test_a_value_that_is_not_text_is_masked_too() -> None:
    finding = Finding("privacy", "iin", f"number {int(IIN)} found", value=int(IIN))  # type: ignore[arg-type]
    masked = Report("x", findings=[finding]).findings[0]
    assert (masked.value, masked.message) == (MASK, f"number {MASK} found")
    kept = Report("x", findings=[Finding("pandera", "bounds", "m", value=7)])  # type: ignore[arg-type]
    assert kept.findings[0].value == "7"


def test_mask_leaves_a_message_without_the_value_alone() -> None:
    assert mask("nothing to hide", IIN) == "nothing to hide"
    assert mask("nothing to hide", "") == "nothing to hide"
    assert mask("nothing to hide", None) == "nothing to hide"


def test_findings_cannot_bypass_the_report() -> None:
    report = Report("x")
    report.add([privacy_finding()])
    assert report.findings[0].value == MASK
    with pytest.raises(AttributeError):
        report.findings.append(privacy_finding())  # type: ignore[attr-defined]


def fake_privacy_layer(target, limit) -> list[Finding]:
    return [
        privacy_finding(
            NAME, resource="observations", row=3, field="notes", path="data/observations.csv"
        )
    ]


def crashing_privacy_layer(target, limit) -> list[Finding]:
    raise ValueError(f"cannot parse {NAME!r}")


@pytest.mark.parametrize("fmt", sorted(FORMATS))
@pytest.mark.parametrize("layer", [fake_privacy_layer, crashing_privacy_layer])
def test_a_privacy_layer_run_from_the_cli_never_prints_the_value(
    package, monkeypatch, fmt: str, layer
) -> None:
    monkeypatch.setitem(validate_module.LAYERS, "privacy", layer)
    result = CliRunner().invoke(app, ["validate", str(package.folder), "--format", fmt])
    assert result.exit_code == (3 if layer is crashing_privacy_layer else 1), result.output
    assert "privacy" in result.stdout
    assert not leaks(result.output, NAME)
