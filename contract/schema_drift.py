"""Is schema.yaml what the code generates? ``uv run python -m contract.schema_drift``.

Generates the OpenAPI schema (validated, warnings fail) into a temporary
file and compares it with the committed ``schema.yaml``: exit 1 with a
unified diff when they differ. ``--write`` regenerates ``schema.yaml``
instead. Run by ``.ci/run`` and the pre-commit hook.
"""

import argparse
import difflib
import subprocess
import sys
import tempfile
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SCHEMA = PROJECT_ROOT / "schema.yaml"


def generate(target: Path) -> None:
    command = [sys.executable, "manage.py", "spectacular", "--file", str(target)]
    subprocess.run([*command, "--validate", "--fail-on-warn"], cwd=PROJECT_ROOT, check=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help="regenerate schema.yaml")
    args = parser.parse_args(argv)
    if args.write:
        generate(SCHEMA)
        return 0
    with tempfile.TemporaryDirectory() as directory:
        generated = Path(directory) / "schema.yaml"
        generate(generated)
        fresh = generated.read_text().splitlines(keepends=True)
    committed = SCHEMA.read_text().splitlines(keepends=True) if SCHEMA.exists() else []
    if committed == fresh:
        return 0
    sys.stdout.writelines(difflib.unified_diff(committed, fresh, "schema.yaml", "generated"))
    print(
        "schema.yaml is stale: run 'uv run python -m contract.schema_drift --write'",
        file=sys.stderr,
    )
    return 1


if __name__ == "__main__":
    raise SystemExit(main())
