"""The configuration table in docs/configuration.md lists exactly the variables the settings read.

Both directions: a variable read by ``project/settings/`` without a row is
undocumented; a row naming a variable nothing reads documents a setting that
does not exist. The settings are scanned statically (every ``env_*("NAME",
...)`` call), so a variable read on only one branch still counts.
"""

import ast
import re
from pathlib import Path

from tests.live import PROJECT_ROOT

SETTINGS_DIR = PROJECT_ROOT / "project" / "settings"
CONFIGURATION_DOC = PROJECT_ROOT / "docs" / "configuration.md"
ENV_READERS = {
    "env_str",
    "env_choice",
    "env_bool",
    "env_int",
    "env_float",
    "env_list",
    "env_timedelta",
    "env_path_prefix",
}
VARIABLE = re.compile(r"`([A-Z][A-Z0-9_]+)`")


def variables_read(directory: Path) -> set[str]:
    names: set[str] = set()
    for path in directory.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id in ENV_READERS
                and node.args
                and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, str)
            ):
                names.add(node.args[0].value)
    return names


def variables_documented(doc: Path) -> set[str]:
    """Every variable named in the first column of a table row."""
    names: set[str] = set()
    for line in doc.read_text().splitlines():
        if not line.startswith("| `"):
            continue
        first_column = line.split("|")[1]
        names.update(VARIABLE.findall(first_column))
    return names


def test_scanner_finds_what_it_should(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text(
        "from apps.core.env import env_int\n"
        'X = env_int("SOME_VAR", 1) if True else env_int("B", 2)\n'
    )
    assert variables_read(tmp_path) == {"SOME_VAR", "B"}
    doc = tmp_path / "doc.md"
    doc.write_text("| `ONE` / `TWO` | `NOT_A_VAR_DEFAULT` |\n| --- | --- |\ntext `THREE`\n")
    assert variables_documented(doc) == {"ONE", "TWO"}


def test_every_variable_the_settings_read_is_documented() -> None:
    missing = variables_read(SETTINGS_DIR) - variables_documented(CONFIGURATION_DOC)
    assert not missing, f"add rows to docs/configuration.md for: {sorted(missing)}"


def test_every_documented_variable_is_read_by_the_settings() -> None:
    stale = variables_documented(CONFIGURATION_DOC) - variables_read(SETTINGS_DIR)
    assert not stale, f"docs/configuration.md documents variables nothing reads: {sorted(stale)}"
