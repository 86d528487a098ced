"""ETags from a document's version, and ``If-Match`` parsing (RFC 9110, strong comparison)."""

import re

from apps.documents.models import Document

_ENTITY_TAG = re.compile(r'^"(\d{1,10})"$')


def etag_for(document: Document) -> str:
    return f'"{document.version}"'


def versions_from_if_match(header: str | None) -> list[int] | None:
    """The versions an ``If-Match`` header names; None when absent or ``*``.

    Weak tags (``W/"3"``) never match under strong comparison, and neither
    does anything malformed: both count as naming no version (a 412).
    """
    if header is None or header.strip() == "*":
        return None
    versions = []
    for part in header.split(","):
        match = _ENTITY_TAG.match(part.strip())
        if match:
            versions.append(int(match.group(1)))
    return versions
