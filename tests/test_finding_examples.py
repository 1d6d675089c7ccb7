"""The 错误代码 page's worked examples (generator/site/finding-examples.yaml) are what the tool
really prints for the example folders under tests/cases/: regenerated here and compared, so
a changed message or case cannot leave a stale example on the site."""

from __future__ import annotations

import importlib.util

import yaml

from conftest import REPO

SCRIPT = REPO / "scripts" / "finding-examples.py"


def _script():
    spec = importlib.util.spec_from_file_location("finding_examples", SCRIPT)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_examples_match_the_cases():
    mod = _script()
    stored = yaml.safe_load(mod.OUT.read_text(encoding="utf-8"))
    fresh = {**mod.check_examples(), **mod.validate_examples()}
    assert stored["cases"] == dict(sorted(fresh.items())), "run: python scripts/finding-examples.py"


def test_every_code_has_an_example_without_template_residue():
    from generator.findings import catalogue
    from generator.site import errors

    examples = errors.examples()
    missing = sorted(set(catalogue()) - set(examples))
    assert not missing, f"codes without a worked example: {missing}"
    for code, ex in examples.items():
        assert ex["message"] and "{" not in ex["message"], (code, ex["message"])
        assert "{" not in (ex.get("remedy") or ""), (code, ex.get("remedy"))
