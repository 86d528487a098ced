"""Breaking-change guard for schema.yaml: ``uv run python -m contract.schema_guard``.

What is compared (deterministic in a fresh clone, no remote needed): every
commit since the baseline that changed schema.yaml is compared with its first
parent's schema.yaml, and the working tree's schema.yaml with HEAD's. The
baseline is the revision (a commit or a tag) named on the changelog's
``Baseline:`` line: the schema clients were built against; history before it
is not re-checked (no line: the whole history). ``--base REV`` compares only
the working tree with REV.

A change is breaking when it removes a path or an operation, removes a field
of a request or response body, makes a request field newly required, removes
a documented response status, or changes a field's type (type, format,
nullable, items, enum values removed). Each breaking change has an id such as
``removed-field POST /api/v1/auth/login/ response 200 body.token``; it passes
only if an entry of SCHEMA_CHANGELOG.md covers it: a backticked pattern, on a
``- `` line, that starts with the change kind. In a pattern ``*`` matches any
run of characters but a space (one method, path, status or field) and
``{a,b}`` matches either alternative, so one entry covers one change however
many operations it touches.
"""

import argparse
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SCHEMA = "schema.yaml"
CHANGELOG = "SCHEMA_CHANGELOG.md"
METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
KINDS = (
    "removed-path",
    "removed-operation",
    "removed-response",
    "removed-field",
    "newly-required",
    "changed-type",
)
Schema = dict[str, Any]


@dataclass(frozen=True)
class Change:
    kind: str
    where: str

    @property
    def id(self) -> str:
        return f"{self.kind} {self.where}"


def _resolve(node: Any, document: Schema, seen: frozenset[str] = frozenset()) -> Any:
    """The schema node with ``$ref`` / single-entry ``allOf`` followed."""
    while isinstance(node, dict):
        if "$ref" in node:
            ref = node["$ref"]
            if ref in seen:
                return {}
            seen = seen | {ref}
            target: Any = document
            for part in ref.removeprefix("#/").split("/"):
                target = target.get(part, {}) if isinstance(target, dict) else {}
            node = target
        elif list(node) == ["allOf"] and len(node["allOf"]) == 1:
            node = node["allOf"][0]
        else:
            return node
    return node


def _type_of(node: Schema) -> tuple[Any, ...]:
    return (node.get("type"), node.get("format"), bool(node.get("nullable")))


def _compare_bodies(
    old: Any, new: Any, *, where: str, request: bool, docs: tuple[Schema, Schema], depth: int = 0
) -> Iterator[Change]:
    old, new = _resolve(old, docs[0]), _resolve(new, docs[1])
    if not isinstance(old, dict) or not isinstance(new, dict) or depth > 20:
        return
    if _type_of(old) != _type_of(new) and old.get("type") is not None:
        # nullable becoming true on a request field only widens what is accepted
        widened = request and old.get("type") == new.get("type") and new.get("nullable")
        if not widened:
            yield Change("changed-type", where)
            return
    if "enum" in old:
        # A request enum may grow and a response enum may shrink; not the other way.
        old_values, new_values = set(old["enum"]), set(new.get("enum", []))
        if request and old_values - new_values:
            yield Change("changed-type", f"{where} (enum values removed)")
        if not request and new_values - old_values:
            yield Change("changed-type", f"{where} (enum values added)")
    old_props: dict[str, Any] = old.get("properties", {})
    new_props: dict[str, Any] = new.get("properties", {})
    for name in sorted(old_props):
        if name not in new_props:
            yield Change("removed-field", f"{where}.{name}")
        else:
            yield from _compare_bodies(
                old_props[name], new_props[name], where=f"{where}.{name}",
                request=request, docs=docs, depth=depth + 1,
            )  # fmt: skip
    if request:
        for name in sorted(set(new.get("required", [])) - set(old.get("required", []))):
            yield Change("newly-required", f"{where}.{name}")
    if "items" in old and "items" in new:
        yield from _compare_bodies(
            old["items"], new["items"], where=f"{where}[]", request=request, docs=docs,
            depth=depth + 1,
        )  # fmt: skip


def _json_schema(container: Any) -> Any:
    content = (container or {}).get("content", {})
    for media_type in sorted(content):
        if "json" in media_type:
            return content[media_type].get("schema")
    return None


def compare(old: Schema, new: Schema) -> list[Change]:
    """Every breaking change from ``old`` to ``new``, in a stable order."""
    changes: list[Change] = []
    docs = (old, new)
    old_paths: dict[str, Any] = old.get("paths") or {}
    new_paths: dict[str, Any] = new.get("paths") or {}
    for path in sorted(old_paths):
        if path not in new_paths:
            changes.append(Change("removed-path", path))
            continue
        for method in METHODS:
            old_op, new_op = old_paths[path].get(method), new_paths[path].get(method)
            if old_op is None:
                continue
            where = f"{method.upper()} {path}"
            if new_op is None:
                changes.append(Change("removed-operation", where))
                continue
            old_body = _json_schema(_resolve(old_op.get("requestBody"), old))
            new_body = _json_schema(_resolve(new_op.get("requestBody"), new))
            if new_op.get("requestBody", {}).get("required") and not old_op.get(
                "requestBody", {}
            ).get("required"):
                changes.append(Change("newly-required", f"{where} request body"))
            if old_body is not None and new_body is not None:
                changes += _compare_bodies(
                    old_body, new_body, where=f"{where} request body", request=True, docs=docs
                )
            old_responses: dict[str, Any] = old_op.get("responses", {})
            new_responses: dict[str, Any] = new_op.get("responses", {})
            for status in sorted(old_responses):
                if status not in new_responses:
                    changes.append(Change("removed-response", f"{where} response {status}"))
                    continue
                old_schema = _json_schema(_resolve(old_responses[status], old))
                new_schema = _json_schema(_resolve(new_responses[status], new))
                if old_schema is not None and new_schema is not None:
                    changes += _compare_bodies(
                        old_schema, new_schema, where=f"{where} response {status} body",
                        request=False, docs=docs,
                    )  # fmt: skip
    return changes


def _pattern_regex(pattern: str) -> re.Pattern[str]:
    """``*`` matches inside one space-separated part, ``{a,b}`` either; the rest is literal."""

    def literal(text: str) -> str:
        return "[^ ]*".join(re.escape(piece) for piece in text.split("*"))

    parts: list[str] = []
    position = 0
    for group in re.finditer(r"\{([^{}]*)\}", pattern):
        parts.append(literal(pattern[position : group.start()]))
        parts.append("(?:" + "|".join(literal(alt) for alt in group[1].split(",")) + ")")
        position = group.end()
    rest = pattern[position:]
    if "{" in rest or "}" in rest:
        raise ValueError(f"unbalanced braces in changelog pattern `{pattern}`")
    parts.append(literal(rest))
    return re.compile("".join(parts))


@dataclass(frozen=True)
class Changelog:
    """What SCHEMA_CHANGELOG.md says: the baseline revision and the entry patterns."""

    baseline: str | None
    patterns: tuple[re.Pattern[str], ...]

    def covers(self, change: Change) -> bool:
        return any(pattern.fullmatch(change.id) for pattern in self.patterns)


def parse_changelog(text: str) -> Changelog:
    """The ``Baseline:`` revision and every entry pattern of the changelog.

    Only unindented lines count, so an indented example is neither; only
    backticked text that starts with a change kind is a pattern, so prose can
    name headers or fields in backticks.
    """
    baseline: str | None = None
    patterns: list[re.Pattern[str]] = []
    for line in text.splitlines():
        if line.startswith("Baseline:") and baseline is None:
            named = re.search(r"`([^`]+)`", line)
            baseline = named[1].strip() if named else None
        elif line.startswith("- "):
            for text_in_ticks in re.findall(r"`([^`]+)`", line):
                if text_in_ticks.split(" ", 1)[0] in KINDS:
                    patterns.append(_pattern_regex(text_in_ticks))
    return Changelog(baseline=baseline, patterns=tuple(patterns))


def _git(*args: str, cwd: Path) -> str:
    git = shutil.which("git")
    if git is None:
        raise SystemExit("schema_guard: git is not installed")
    return subprocess.run([git, *args], cwd=cwd, check=True, capture_output=True, text=True).stdout


def _schema_at(rev: str, cwd: Path) -> Schema:
    try:
        text = _git("show", f"{rev}:{SCHEMA}", cwd=cwd)
    except subprocess.CalledProcessError:
        return {}  # the file did not exist there
    return _load(text)


def _load(text: str) -> Schema:
    # The C loader when PyYAML has it: a 250 KB schema loads in 0.1 s instead of 0.7 s.
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    loaded = yaml.load(text, Loader=loader)  # noqa: S506 (a safe loader)
    return loaded if isinstance(loaded, dict) else {}


def history_pairs(cwd: Path, baseline: str | None = None) -> list[tuple[str, str]]:
    """(parent, commit) for every commit since ``baseline`` (all history if None)
    in HEAD's history that changed schema.yaml."""
    if _git("rev-parse", "--is-shallow-repository", cwd=cwd).strip() == "true":
        raise SystemExit(
            "schema_guard: shallow clone; fetch the full history (git fetch --unshallow)"
        )
    revisions = "HEAD"
    if baseline is not None:
        try:
            commit = _git("rev-parse", "--verify", "--quiet", f"{baseline}^{{commit}}", cwd=cwd)
            _git("merge-base", "--is-ancestor", commit.strip(), "HEAD", cwd=cwd)
        except subprocess.CalledProcessError:
            raise SystemExit(
                f"schema_guard: the baseline `{baseline}` in {CHANGELOG} is not a commit or tag"
                " in HEAD's history (fetch tags, or correct the Baseline: line)"
            ) from None
        revisions = f"{commit.strip()}..HEAD"
    pairs = []
    for commit in _git("rev-list", "--reverse", revisions, "--", SCHEMA, cwd=cwd).split():
        parents = _git("rev-list", "--parents", "-n", "1", commit, cwd=cwd).split()[1:]
        if parents:
            pairs.append((parents[0], commit))
    return pairs


def unlisted_changes(cwd: Path, base: str | None = None) -> list[tuple[str, Change]]:
    """Breaking changes (with where they were made) that no changelog entry covers."""
    changelog_path = cwd / CHANGELOG
    changelog = parse_changelog(changelog_path.read_text() if changelog_path.exists() else "")
    working = _load((cwd / SCHEMA).read_text())
    steps: list[tuple[str, Schema, Schema]] = []
    if base is None:
        for parent, commit in history_pairs(cwd, changelog.baseline):
            steps.append((commit[:12], _schema_at(parent, cwd), _schema_at(commit, cwd)))
        base = "HEAD"
    steps.append((f"working tree vs {base}", _schema_at(base, cwd), working))
    return [
        (label, change)
        for label, old, new in steps
        for change in compare(old, new)
        if not changelog.covers(change)
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="contract.schema_guard", description=__doc__)
    parser.add_argument("--base", help="compare the working tree with this revision only")
    parser.add_argument("--repo", type=Path, default=PROJECT_ROOT, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    problems = unlisted_changes(args.repo, args.base)
    for label, change in problems:
        print(f"schema_guard: {label}: breaking change not in {CHANGELOG}: `{change.id}`")
    if problems:
        print(
            f"schema_guard: if intended, add one entry per change to {CHANGELOG} (see its"
            " format; one pattern can cover every id of that change)."
        )
        return 1
    print("schema_guard: no unlisted breaking changes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
