"""Text that user input puts somewhere sensitive: a one-line name, an email header.

A name (a workspace's, a person's) is shown on one line and may end up in an
email subject. ``single_line_problem`` says why a name is refused at input
(control characters, line and paragraph separators, bidirectional overrides
that make text read differently from what it is); ``header_safe`` makes any
text safe for a header at output, whatever is already stored (rows written
before the input rule, the admin).
"""

import unicodedata

# Embeddings, overrides and isolates (Unicode's bidirectional controls): they
# make "Acme\u202egnp.exe" display as "Acmeexe.png".
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_LINE_BREAKING = frozenset({"Cc", "Zl", "Zp"})
HEADER_TEXT_LIMIT = 200


def single_line_problem(text: str) -> str | None:
    """Why ``text`` cannot be a one-line name, or None when it can."""
    for character in text:
        if unicodedata.category(character) in _LINE_BREAKING:
            return "Control characters and line breaks are not allowed."
        if character in BIDI_CONTROLS:
            return "Bidirectional text controls are not allowed."
    return None


def header_safe(text: str, *, limit: int = HEADER_TEXT_LIMIT) -> str:
    """``text`` for an email header: control, format and separator characters
    become spaces, runs of spaces collapse, at most ``limit`` characters."""
    cleaned = "".join(
        " " if unicodedata.category(character)[0] in "CZ" else character for character in text
    )
    return " ".join(cleaned.split())[:limit]
