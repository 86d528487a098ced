"""Rendering an export: each document as Markdown with YAML front matter, and
the JSON manifest. Pure functions of the collected data."""

import hashlib
from typing import Any, TypedDict

import yaml
from django.utils.text import slugify

MANIFEST_FORMAT = 1


class DocumentSnapshot(TypedDict):
    """One document as collected (one JSON line in the staging area)."""

    id: str
    title: str
    body: str
    status: str
    tags: list[str]
    author: str | None
    created_at: str
    updated_at: str
    version: int


class ManifestEntry(TypedDict):
    id: str
    title: str
    path: str
    status: str
    version: int
    updated_at: str
    sha256: str


def document_path(document: DocumentSnapshot) -> str:
    """The document's file in the archive: a readable slug plus its id (unique)."""
    slug = slugify(document["title"])[:60].strip("-") or "untitled"
    return f"documents/{slug}-{document['id']}.md"


def document_markdown(document: DocumentSnapshot) -> str:
    """``---`` YAML front matter (every field but the body) ``---``, then the body."""
    front_matter = {key: value for key, value in document.items() if key != "body"}
    header = yaml.safe_dump(
        front_matter, sort_keys=False, allow_unicode=True, default_flow_style=False
    )
    body = document["body"]
    return f"---\n{header}---\n\n{body}" + ("" if body.endswith("\n") else "\n")


def manifest_entry(document: DocumentSnapshot, content: bytes) -> ManifestEntry:
    return {
        "id": document["id"],
        "title": document["title"],
        "path": document_path(document),
        "status": document["status"],
        "version": document["version"],
        "updated_at": document["updated_at"],
        "sha256": hashlib.sha256(content).hexdigest(),
    }


def manifest(
    *,
    export_id: str,
    workspace: dict[str, str],
    requested_by: str | None,
    created_at: str,
    documents: list[ManifestEntry],
) -> dict[str, Any]:
    """``manifest.json``: what the archive holds, with a checksum per file."""
    return {
        "format": MANIFEST_FORMAT,
        "export_id": export_id,
        "workspace": workspace,
        "requested_by": requested_by,
        "created_at": created_at,
        "document_count": len(documents),
        "documents": documents,
    }
