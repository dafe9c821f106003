"""Every rule kzdata can report is in the catalogue (schemas/rules.yaml), under its layer, and
the catalogue holds no rule that nothing reports (frictionless's codes aside)."""

from __future__ import annotations

import ast
import inspect
from pathlib import Path

import frictionless.errors
import pytest
import yaml

from kzdata.pipelines import row_rules, rule_catalogue
from kzdata.pipelines.finding import INTERNAL_RULE
from kzdata.schemas import expectation_suites

REPO = Path(__file__).resolve().parents[1]
PIPELINES = REPO / "pipelines"

# Calls that make a finding, and the position of the rule among their arguments.
FINDING_MAKERS = {"Finding": 1, "_finding": 0, "finding": 0, "_source_finding": 2}
# Exceptions that carry a rule which a finding of the frictionless layer takes (target.py).
REFUSALS = {"DescriptorRefused": 0, "UnreadablePart": 1}

# frictionless error classes kzdata never meets: raised only by checks kzdata does not run
# (frictionless.checks), or by frictionless objects kzdata does not use (pipelines, inquiries,
# reports, catalogues, detectors, controls, stats), or the abstract root.
NEVER_RAISED = {
    "ascii-value",
    "deviated-cell",
    "deviated-value",
    "duplicate-row",
    "forbidden-value",
    "row-constraint",
    "sequential-value",
    "truncated-value",
    "table-dimensions",
    "required-value",
    "pipeline-error",
    "step-error",
    "inquiry-error",
    "inquiry-task-error",
    "report-error",
    "report-task-error",
    "checklist-error",
    "check-error",
    "catalog-error",
    "dataset-error",
    "detector-error",
    "control-error",
    "stats-error",
    "error",
}


def catalogued() -> set[tuple[str, str]]:
    return {(r.layer, r.code) for r in rule_catalogue.catalogue().rules}


def _constants(tree: ast.Module) -> dict[str, str]:
    """A module's top-level string constants (LAYER = "provenance" ...)."""
    return {
        target.id: node.value.value
        for node in tree.body
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant)
        if isinstance(node.value.value, str)
        for target in node.targets
        if isinstance(target, ast.Name)
    }


def parsed() -> dict[Path, ast.Module]:
    return {path: ast.parse(path.read_text(encoding="utf-8")) for path in PIPELINES.rglob("*.py")}


def _receiver(func: ast.expr) -> str | None:
    return ast.unparse(func.value) if isinstance(func, ast.Attribute) else None


def _name(func: ast.expr) -> str | None:
    if isinstance(func, ast.Name):
        return func.id
    return func.attr if isinstance(func, ast.Attribute) else None


def emitted_in_code() -> set[tuple[str, str]]:
    """(layer, rule) of every finding the modules of pipelines/ make with a rule written in the
    code: a literal, or a module constant, at the rule's place in the call."""
    trees = parsed()
    everywhere: dict[str, str] = {}
    for tree in trees.values():
        everywhere |= _constants(tree)
    # Descriptor findings are made through DescriptorPlaces.finding, whatever module calls it.
    places_layer = _constants(trees[PIPELINES / "descriptor_places.py"])["LAYER"]
    found = set()
    for tree in trees.values():
        local = everywhere | _constants(tree)

        def value(node: ast.expr, local: dict[str, str] = local) -> str | None:
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                return node.value
            return local.get(node.id) if isinstance(node, ast.Name) else None

        for call in (n for n in ast.walk(tree) if isinstance(n, ast.Call)):
            name = _name(call.func)
            keywords = {k.arg: k.value for k in call.keywords}
            if name in REFUSALS and len(call.args) > REFUSALS[name]:
                rule, layer = value(call.args[REFUSALS[name]]), "frictionless"
            elif name in FINDING_MAKERS:
                at = FINDING_MAKERS[name]
                node = keywords.get("rule", call.args[at] if len(call.args) > at else None)
                rule = value(node) if node is not None else None
                layer_node = keywords.get("layer", call.args[0] if call.args else None)
                layer = value(layer_node) if name == "Finding" and layer_node else None
                if layer is None and str(_receiver(call.func)).endswith("places"):
                    layer = places_layer
                layer = layer or _constants(tree).get("LAYER")
            else:
                continue
            if rule is not None:
                found.add((layer, rule))
    return found


def declared_elsewhere() -> set[tuple[str, str]]:
    """The rules declared as data or by a library: row rules, suites, frictionless's codes."""
    pandera = set(row_rules.declared_names())
    suites = {rule for suite in expectation_suites.SUITES for rule in suite.rules}
    suites.add(expectation_suites.ROW_COUNT_RULE)
    errors = vars(frictionless.errors).values()
    codes = {c.type for c in errors if inspect.isclass(c) and issubclass(c, frictionless.Error)}
    return (
        {("pandera", rule) for rule in pandera}
        | {("great_expectations", rule) for rule in suites}
        | {("frictionless", code) for code in codes - NEVER_RAISED}
        | {("every-layer", INTERNAL_RULE)}
    )


def test_the_scan_finds_the_findings_of_every_layer() -> None:
    # The scan itself can fail: it must see rules of every layer, the refusals included.
    layers = {layer for layer, _ in emitted_in_code()}
    assert {"frictionless", "pandera", "provenance", "integrity"} <= layers
    assert ("frictionless", "descriptor-too-deep") in emitted_in_code()
    assert ("integrity", "wrong-key") in emitted_in_code()


def test_every_rule_the_code_reports_is_in_the_catalogue() -> None:
    emitted = emitted_in_code()
    # A layer the scan cannot tell (a finding made for whichever layer crashed): the rule is
    # one any layer may report.
    assert {rule for layer, rule in emitted if layer is None} == {INTERNAL_RULE}
    assert {(layer, rule) for layer, rule in emitted if layer} - catalogued() == set()
    assert declared_elsewhere() - catalogued() == set()


def test_the_catalogue_has_no_rule_that_nothing_reports() -> None:
    # A rule chosen at run time (profile-error or profile-warning) is a constant in the code.
    constants = {value for tree in parsed().values() for value in _constants(tree).values()}
    unreported = catalogued() - emitted_in_code() - declared_elsewhere()
    assert {code for _, code in unreported} - constants == set()


def test_never_raised_names_only_real_frictionless_codes() -> None:
    errors = vars(frictionless.errors).values()
    codes = {c.type for c in errors if inspect.isclass(c) and issubclass(c, frictionless.Error)}
    assert NEVER_RAISED <= codes


@pytest.mark.parametrize(
    ("entry", "problem"),
    [
        ({"severity": "fatal", "description": "d", "help": "h"}, "severity 'fatal'"),
        ({"severity": "error", "description": "d"}, "expected exactly"),
        ({"severity": "error", "description": "", "help": "h"}, "description is a line"),
    ],
)
def test_a_malformed_catalogue_is_refused_naming_the_rule(
    tmp_path: Path, entry: dict, problem: str
) -> None:
    path = tmp_path / "rules.yaml"
    path.write_text(yaml.safe_dump({"pandera": {"some-rule": entry}}), encoding="utf-8")
    with pytest.raises(rule_catalogue.CatalogueError, match=f"pandera.some-rule: {problem}"):
        rule_catalogue.load(path)


def test_each_rule_is_one_line_of_the_catalogue() -> None:
    # Adding a rule is a one-line edit: every entry is a flow mapping on its own line.
    lines = (REPO / "schemas" / "rules.yaml").read_text(encoding="utf-8").splitlines()
    entries = [
        line for line in lines if line.startswith("  ") and not line.lstrip().startswith("#")
    ]
    assert len(entries) == len(rule_catalogue.catalogue().rules)
    assert all(line.rstrip().endswith("}") for line in entries)


def test_the_readme_lists_exactly_the_catalogue() -> None:
    from kzdata.pipelines import rule_list

    readme = (REPO / "README.md").read_text(encoding="utf-8")
    listed = readme.split(rule_list.START, 1)[1].split(rule_list.END, 1)[0]
    assert listed.strip() == rule_list.render().strip(), (
        "run: python -m kzdata.pipelines.rule_list README.md"
    )
    rows = [line for line in listed.splitlines() if line.startswith("| ") and "`" in line]
    assert len(rows) == len(rule_catalogue.catalogue().rules)


def test_a_broken_package_reports_only_catalogued_rules(package) -> None:
    from kzdata.pipelines.validate import validate

    # Faults for every layer that reads the tables, and hashes that no longer match.
    package.set_cell("observations", 2, "value", "NOT_A_NUMBER")
    package.set_cell("observations", 3, "upper_bound", "1")
    package.set_cell("observations", 4, "period_end", "2001")
    package.set_cell("citations", 2, "quote", "words that are not in the document")
    report = validate(package.folder)
    found = {(f.layer, f.rule) for f in report.findings}
    layers = {layer for layer, _ in found}
    assert {"frictionless", "pandera", "provenance"} <= layers
    known = rule_catalogue.catalogue()
    assert {(layer, rule) for layer, rule in found if not known.knows(layer, rule)} == set()
