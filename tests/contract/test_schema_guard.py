"""The breaking-change guard fails on breaking schema changes unless the changelog lists them."""

import copy
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from contract.schema_guard import Change, compare, main, parse_changelog, unlisted_changes

BASE: dict[str, Any] = {
    "openapi": "3.0.3",
    "info": {"title": "t", "version": "1"},
    "paths": {
        "/api/v1/things/": {
            "post": {
                "operationId": "things_create",
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/json": {
                            "schema": {"$ref": "#/components/schemas/ThingRequest"}
                        }
                    },
                },
                "responses": {
                    "201": {
                        "description": "",
                        "content": {
                            "application/json": {"schema": {"$ref": "#/components/schemas/Thing"}}
                        },
                    }
                },
            }
        }
    },
    "components": {
        "schemas": {
            "ThingRequest": {
                "type": "object",
                "properties": {"name": {"type": "string"}, "note": {"type": "string"}},
                "required": ["name"],
            },
            "Thing": {
                "type": "object",
                "properties": {
                    "id": {"type": "integer"},
                    "name": {"type": "string"},
                    "tags": {"type": "array", "items": {"type": "string"}},
                },
                "required": ["id", "name", "tags"],
            },
        }
    },
}
GIT = shutil.which("git") or "git"
REMOVED_FIELD = "removed-field POST /api/v1/things/ response 201 body.name"
NEWLY_REQUIRED = "newly-required POST /api/v1/things/ request body.note"


def _changed(edit: Any) -> dict[str, Any]:
    schema = copy.deepcopy(BASE)
    edit(schema["components"]["schemas"])
    return schema


def _remove_name(schemas: dict[str, Any]) -> None:
    del schemas["Thing"]["properties"]["name"]


def _require_note(schemas: dict[str, Any]) -> None:
    schemas["ThingRequest"]["required"].append("note")


def test_a_removed_response_field_is_breaking() -> None:
    assert [c.id for c in compare(BASE, _changed(_remove_name))] == [REMOVED_FIELD]


def test_a_newly_required_request_field_is_breaking() -> None:
    assert [c.id for c in compare(BASE, _changed(_require_note))] == [NEWLY_REQUIRED]


def test_a_changed_type_is_breaking() -> None:
    def retype(schemas: dict[str, Any]) -> None:
        schemas["Thing"]["properties"]["tags"]["items"] = {"type": "integer"}

    changes = [c.id for c in compare(BASE, _changed(retype))]
    assert changes == ["changed-type POST /api/v1/things/ response 201 body.tags[]"]


def test_removed_operations_and_paths_are_breaking() -> None:
    no_path = copy.deepcopy(BASE)
    no_path["paths"] = {}
    assert [c.id for c in compare(BASE, no_path)] == ["removed-path /api/v1/things/"]


def test_additive_changes_are_not_breaking() -> None:
    def add(schemas: dict[str, Any]) -> None:
        schemas["Thing"]["properties"]["colour"] = {"type": "string"}
        schemas["ThingRequest"]["properties"]["colour"] = {"type": "string"}

    grown = _changed(add)
    grown["paths"]["/api/v1/other/"] = copy.deepcopy(BASE["paths"]["/api/v1/things/"])
    assert compare(BASE, grown) == []


def _git(repo: Path, *args: str) -> None:
    subprocess.run(
        [GIT, "-c", "user.name=t", "-c", "user.email=t@example.com", *args],
        cwd=repo,
        check=True,
        capture_output=True,
    )


def _commit_schema(repo: Path, schema: dict[str, Any], message: str) -> None:
    (repo / "schema.yaml").write_text(yaml.safe_dump(schema))
    _git(repo, "add", "-A")
    _git(repo, "commit", "-m", message)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    _git(tmp_path, "init", "-q")
    _commit_schema(tmp_path, BASE, "baseline")
    return tmp_path


@pytest.mark.workers  # starts processes
@pytest.mark.parametrize(
    ("edit", "change_id"), [(_remove_name, REMOVED_FIELD), (_require_note, NEWLY_REQUIRED)]
)
def test_a_committed_breaking_change_fails_until_the_changelog_lists_it(
    repo: Path, edit: Any, change_id: str, capsys: pytest.CaptureFixture[str]
) -> None:
    _commit_schema(repo, _changed(edit), "break it")
    assert main(["--repo", str(repo)]) == 1
    assert f"`{change_id}`" in capsys.readouterr().out

    # An indented example line is not an entry.
    (repo / "SCHEMA_CHANGELOG.md").write_text(f"Format:\n\n    - `{change_id}`: example\n")
    assert main(["--repo", str(repo)]) == 1

    (repo / "SCHEMA_CHANGELOG.md").write_text(f"## Entries\n\n- `{change_id}`: clients use v2.\n")
    assert main(["--repo", str(repo)]) == 0


@pytest.mark.workers  # starts processes
def test_an_uncommitted_breaking_change_is_caught(repo: Path) -> None:
    (repo / "schema.yaml").write_text(yaml.safe_dump(_changed(_remove_name)))
    problems = unlisted_changes(repo)
    assert [(label, c.id) for label, c in problems] == [("working tree vs HEAD", REMOVED_FIELD)]


def _covered(changelog: str, *ids: str) -> list[bool]:
    entries = parse_changelog(changelog)
    return [entries.covers(Change(*change_id.split(" ", 1))) for change_id in ids]


def test_a_wildcard_entry_covers_one_part_of_every_id_of_a_change() -> None:
    changelog = "- 2026-12-01: one type. `changed-type * /api/v1/* response * body.type`\n"
    assert _covered(
        changelog,
        "changed-type POST /api/v1/auth/login response 401 body.type",
        "changed-type GET /api/v1/workspaces/{id}/members response 404 body.type",
        # another field, another kind: not this change
        "changed-type POST /api/v1/auth/login response 401 body.code",
        "removed-field POST /api/v1/auth/login response 401 body.type",
        # `*` stays within one space-separated part
        "changed-type POST /api/v1/auth/login response 401 extra body.type",
    ) == [True, True, False, False, False]


def test_a_list_entry_covers_each_alternative_only() -> None:
    changelog = "- x. `removed-field {GET,PATCH} /api/v1/{me,you} response 200 body.n`\n"
    assert _covered(
        changelog,
        "removed-field GET /api/v1/me response 200 body.n",
        "removed-field PATCH /api/v1/you response 200 body.n",
        "removed-field POST /api/v1/me response 200 body.n",
        "removed-field GET /api/v1/them response 200 body.n",
    ) == [True, True, False, False]


def test_backticked_prose_is_not_an_entry() -> None:
    # Only text starting with a change kind is a pattern: a lone `*` in prose covers nothing.
    changelog = "- 2026-12-01: the `*` header and `webhook-signature` changed.\n"
    assert _covered(changelog, "removed-path /api/v1/things/") == [False]


@pytest.mark.workers  # starts processes
def test_history_before_the_baseline_is_not_rechecked(repo: Path) -> None:
    _commit_schema(repo, _changed(_remove_name), "break it, released and listed long ago")
    assert main(["--repo", str(repo)]) == 1
    baseline = subprocess.run(
        [GIT, "rev-parse", "HEAD"], cwd=repo, check=True, capture_output=True, text=True
    ).stdout.strip()
    (repo / "SCHEMA_CHANGELOG.md").write_text(f"Baseline: `{baseline}`\n")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-m", "baseline")
    assert main(["--repo", str(repo)]) == 0

    # After the baseline, a breaking change is checked again; a tag works as a baseline too.
    _git(repo, "tag", "v1", baseline)
    (repo / "SCHEMA_CHANGELOG.md").write_text("Baseline: `v1`\n")
    no_path = _changed(_remove_name)
    no_path["paths"] = {}
    _commit_schema(repo, no_path, "break it again")
    assert [c.id for _, c in unlisted_changes(repo)] == ["removed-path /api/v1/things/"]


@pytest.mark.workers  # starts processes
def test_an_unknown_baseline_fails_with_a_clear_message(repo: Path) -> None:
    (repo / "SCHEMA_CHANGELOG.md").write_text("Baseline: `release-9`\n")
    with pytest.raises(SystemExit, match="baseline `release-9`"):
        main(["--repo", str(repo)])


@pytest.mark.workers  # starts processes (git over the whole history)
def test_the_project_history_has_no_unlisted_breaking_change() -> None:
    assert main([]) == 0


REAL_SCHEMA = Path(__file__).resolve().parents[2] / "schema.yaml"
# Every place the committed schema sends a user (UserOutput): dropping one of
# its fields breaks each of them.
USER_FULL_NAME_REMOVED = [
    "removed-field GET /api/v1/auth/me response 200 body.full_name",
    "removed-field PATCH /api/v1/auth/me response 200 body.full_name",
    "removed-field POST /api/v1/auth/email/verify response 200 body.full_name",
    "removed-field POST /api/v1/auth/login response 200 body.user.full_name",
]


@pytest.mark.workers  # starts processes
def test_dropping_a_field_from_the_real_user_schema_fails_until_the_changelog_lists_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    real: dict[str, Any] = yaml.safe_load(REAL_SCHEMA.read_text())
    _git(tmp_path, "init", "-q")
    _commit_schema(tmp_path, real, "the committed schema")
    assert main(["--repo", str(tmp_path)]) == 0

    dropped = copy.deepcopy(real)
    user = dropped["components"]["schemas"]["UserOutput"]
    del user["properties"]["full_name"]
    user["required"].remove("full_name")
    _commit_schema(tmp_path, dropped, "drop the user's full_name")
    assert main(["--repo", str(tmp_path)]) == 1
    printed = capsys.readouterr().out
    for change_id in USER_FULL_NAME_REMOVED:
        assert f"`{change_id}`" in printed
    assert printed.count("breaking change not in") == len(USER_FULL_NAME_REMOVED)

    changelog = tmp_path / "SCHEMA_CHANGELOG.md"
    changelog.write_text("".join(f"- `{i}`: renamed.\n" for i in USER_FULL_NAME_REMOVED[:-1]))
    assert main(["--repo", str(tmp_path)]) == 1  # one place still unlisted
    assert f"`{USER_FULL_NAME_REMOVED[-1]}`" in capsys.readouterr().out

    changelog.write_text("".join(f"- `{i}`: renamed.\n" for i in USER_FULL_NAME_REMOVED))
    assert main(["--repo", str(tmp_path)]) == 0
