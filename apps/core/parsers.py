"""The JSON request parser: DRF's, with a bound on nesting.

Python's ``json`` parses by recursion: a body of a few hundred kilobytes of
``[`` (under the body size limit) raises ``RecursionError``, which DRF's
parser does not catch (a 500). Nothing the API accepts nests deeper than a
few levels, so anything nested deeper than ``MAX_JSON_DEPTH`` is refused as a
parse error (400) too, before a serializer walks it.
"""

from typing import Any, override

from rest_framework import parsers
from rest_framework.exceptions import ParseError

MAX_JSON_DEPTH = 32


def depth_exceeds(value: Any, limit: int) -> bool:
    """Whether ``value`` nests lists/objects deeper than ``limit`` (iterative: no recursion)."""
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        children = (
            item.values() if isinstance(item, dict) else item if isinstance(item, list) else None
        )
        if children is None:
            continue
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in children)
    return False


class JSONParser(parsers.JSONParser):
    """``rest_framework.parsers.JSONParser`` (mirrored, not copied: it calls the
    original), refusing bodies nested deeper than ``MAX_JSON_DEPTH``."""

    @override
    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError(
                f"JSON parse error - nested deeper than {MAX_JSON_DEPTH} levels."
            ) from None
        if depth_exceeds(data, MAX_JSON_DEPTH):
            raise ParseError(f"JSON parse error - nested deeper than {MAX_JSON_DEPTH} levels.")
        return data
