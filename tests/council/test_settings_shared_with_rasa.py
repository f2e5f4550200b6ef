"""Settings that the Rasa side reads from the environment on its own."""

import ast
from pathlib import Path

from council.settings import ROOT, Settings


def environment_default(module: Path, name: str) -> str:
    """The default of ``NAME = os.environ.get("NAME", default)`` in ``module``.

    bot/ runs in the Rasa environment and cannot import council.settings, so its
    copy of a setting's default is read from the source.
    """
    for node in ast.walk(ast.parse(module.read_text())):
        if isinstance(node, ast.Assign) and ast.unparse(node.targets[0]) == name:
            call = node.value
            assert isinstance(call, ast.Call)
            assert ast.unparse(call.args[0]) == repr(name)
            return str(ast.literal_eval(call.args[1]))

    raise AssertionError(f"{name} is not set in {module}")


def test_council_tax_format_default_is_the_same_for_rasa_and_the_actions() -> None:
    ruler_default = environment_default(
        ROOT / "bot" / "spacy_pipeline.py", "COUNCIL_TAX_REF_REGEX"
    )

    assert ruler_default == Settings.model_fields["council_tax_ref_regex"].default
