"""docs/security.md names the test behind each promise: every one it names exists."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# `tests/x/test_y.py::test_name` and the `::test_other` that follow it on the list.
REFERENCE = re.compile(r"`(tests/[\w/]+\.py)(?:::(\w+))?`|`::(\w+)`")


def test_every_test_the_security_page_names_exists() -> None:
    text = (ROOT / "docs" / "security.md").read_text()
    named: list[tuple[str, str | None]] = []
    current = ""
    for match in REFERENCE.finditer(text):
        path, name, follow_on = match.groups()
        if path:
            current = path
            named.append((path, name))
        else:
            named.append((current, follow_on))
    assert len(named) > 30
    missing = []
    for path, name in named:
        source = ROOT / path
        if not source.exists():
            missing.append(path)
        elif name and not re.search(rf"def {name}\(", source.read_text()):
            missing.append(f"{path}::{name}")
    assert missing == [], f"docs/security.md names tests that do not exist: {missing}"
