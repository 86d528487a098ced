"""The JSON renderer: DRF's, safe for any text a client sent.

DRF renders with ``ensure_ascii=False`` and encodes the result as UTF-8. An
error message that quotes the client's input (``"\\ud800" is not a valid
choice.``) can then hold a lone surrogate, which UTF-8 cannot encode: the
error became a 500. Such a body is rendered again with every non-ASCII
character escaped (``\\ud800`` in the JSON text, as JSON allows); every other
body is rendered exactly as before.
"""

from collections.abc import Mapping
from typing import Any, override

from rest_framework import renderers


class _EscapingJSONRenderer(renderers.JSONRenderer):
    ensure_ascii = True


class JSONRenderer(renderers.JSONRenderer):
    @override
    def render(
        self,
        data: Any,
        accepted_media_type: str | None = None,
        renderer_context: Mapping[str, Any] | None = None,
    ) -> bytes:
        try:
            return super().render(data, accepted_media_type, renderer_context)
        except UnicodeEncodeError:
            return _EscapingJSONRenderer().render(data, accepted_media_type, renderer_context)
