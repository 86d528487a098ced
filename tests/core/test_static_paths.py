"""No path under the static prefix, however made up, gets a 500 or a non-JSON error.

The static handler sits in the ASGI app, in front of Django's URLs: these
requests go through ``project.asgi.app`` itself, with any path a server can
hand over (percent-decoded, so ``..``, NUL and odd code points included).
"""

import json

from hypothesis import example, given, settings
from hypothesis import strategies as st

from loadtests.inprocess import asgi_get
from project.asgi import app
from tests.robustness import PROPERTY

segments = st.one_of(
    st.text(max_size=40),
    st.sampled_from(
        ["..", ".", "", "%2e%2e", "\x00", "\\..\\", "drf_spectacular_sidecar", "\udcff"]
    ),
)


async def get(path: str) -> tuple[int, dict[bytes, bytes], bytes]:
    """One GET of ``path`` through the ASGI app (an ASGI scope as a server builds it)."""
    return await asgi_get(app, path, [(b"host", b"testserver")])


@settings(PROPERTY, max_examples=200)
@given(parts=st.lists(segments, min_size=1, max_size=6))
@example(parts=["..", "..", "etc", "passwd"])  # out of the static directory: was a 500
@example(parts=["drf_spectacular_sidecar", "..", "..", "x"])
async def test_no_static_path_gets_a_500(parts: list[str]) -> None:
    path = "/static/" + "/".join(parts)
    status, headers, body = await get(path)
    assert status < 500, (path, status, body[:200])
    if status >= 400:
        assert headers[b"content-type"].startswith(b"application/json"), (path, headers)
        assert set(json.loads(body)) == {"type", "errors", "request_id"}


async def test_a_real_static_file_is_still_served() -> None:
    status, _, body = await get("/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui.css")
    assert status == 200
    assert len(body) > 1000
