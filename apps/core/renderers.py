"""DRF's JSON output, encoded by orjson.

``ORJSONRenderer`` produces the bytes DRF's ``JSONRenderer`` produces with
our settings (compact, UTF-8, ``\\u2028``/``\\u2029`` escaped, datetimes as
DRF's encoder writes them), about 15x faster on a page of documents
(measured: json.dumps with DRF's settings 1,072 us, orjson 67 us, msgspec
119 us for a 50-item page). Pretty-printing (``Accept: application/json;
indent=4``) and anything orjson refuses (an integer beyond 64 bits) fall
back to DRF's renderer. Differences that cannot matter to a JSON client: a
float with a large exponent is written ``1e16`` rather than ``1e+16``, and
NaN is ``null`` instead of an error.
"""

from collections.abc import Mapping
from typing import Any, override

import orjson
from rest_framework.renderers import JSONRenderer
from rest_framework.utils.encoders import JSONEncoder

# Datetimes and dataclasses go through DRF's encoder (its datetime format,
# and no dataclass support), everything else is native to orjson.
_OPTIONS = (
    orjson.OPT_NON_STR_KEYS | orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_DATACLASS
)
_default = JSONEncoder().default
_LINE_SEPARATOR, _PARAGRAPH_SEPARATOR = "\u2028".encode(), "\u2029".encode()


def dumps(data: Any) -> bytes:
    """``data`` as DRF's compact JSON, by orjson (raises ``orjson.JSONEncodeError``)."""
    body = orjson.dumps(data, default=_default, option=_OPTIONS)
    if _LINE_SEPARATOR in body or _PARAGRAPH_SEPARATOR in body:
        # As DRF does: keep the output a strict JavaScript subset.
        body = body.replace(_LINE_SEPARATOR, b"\\u2028").replace(_PARAGRAPH_SEPARATOR, b"\\u2029")
    return body


class ORJSONRenderer(JSONRenderer):
    @override
    def render(
        self,
        data: Any,
        accepted_media_type: str | None = None,
        renderer_context: Mapping[str, Any] | None = None,
    ) -> bytes:
        if data is None:
            return b""
        if self.get_indent(accepted_media_type or "", dict(renderer_context or {})) is None:
            try:
                return dumps(data)
            except orjson.JSONEncodeError:
                pass
        rendered: bytes = super().render(data, accepted_media_type, renderer_context)
        return rendered
