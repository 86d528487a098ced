"""Shared pieces of the "no request, however malformed, gets a 500" tests.

``assert_client_error_shape`` is the rule every answer is held to: below 500,
and an error (4xx) is JSON in the standard shape. The strategies produce what
can reach the app through a real HTTP server: header values are bytes (Django
decodes them as Latin-1) without CR or LF, which servers refuse.
"""

import json
from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

# Hypothesis under pytest-asyncio: examples share the test's fixtures (a user,
# a token) on purpose, and a loaded 2-core machine must not fail on time.
PROPERTY = settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# Any byte a server passes on in a header value (not CR, LF), as Django sees it.
header_values = st.text(
    alphabet=st.characters(min_codepoint=0, max_codepoint=255, exclude_characters="\r\n"),
    max_size=300,
)
# ...and the shapes that parsers split on, which random text rarely hits.
header_like = st.one_of(
    header_values,
    st.lists(
        st.sampled_from(
            ["Bearer", "bearer", " ", "\t", "\xa0", "\x85", "\x1c", ",", ";", "=", '"', "W/",
             "*", "aa_", "0" * 64, "f" * 63, "1", "-1", "9" * 30, "q=", "/", "\x00", "é", "%"]
        ),
        max_size=8,
    ).map("".join),
)  # fmt: skip


def assert_client_error_shape(response: Any, where: str = "") -> None:
    """Below 500; a 4xx is JSON in the standard error shape."""
    status = response.status_code
    assert status < 500, (where, status, response.content[:500])
    if status >= 400 and response.content:
        content_type = response.get("Content-Type", "")
        assert content_type.startswith("application/json"), (where, status, content_type)
        body = json.loads(response.content)
        assert set(body) == {"type", "errors", "request_id"}, (where, body)


# Text as a client can send it in JSON: any code point, lone surrogates and NUL
# included (JSON escapes them), short or past a field's limit.
any_text = st.one_of(
    st.text(alphabet=st.characters(), max_size=300),
    st.text(alphabet=st.characters(categories=["Cs", "Cc", "Zl", "Zp", "Cf"]), max_size=20),
    st.integers(min_value=1, max_value=2100).map(lambda size: "\U0001f600" * size),
)


def json_values(max_leaves: int = 30) -> st.SearchStrategy[Any]:
    """Any JSON value: huge and tiny numbers, odd strings, nested lists and objects."""
    scalars = st.one_of(
        st.none(),
        st.booleans(),
        st.integers(min_value=-(10**40), max_value=10**40),
        st.floats(allow_nan=False, allow_infinity=False),
        any_text,
    )
    return st.recursive(
        scalars,
        lambda children: st.one_of(
            st.lists(children, max_size=4), st.dictionaries(any_text, children, max_size=4)
        ),
        max_leaves=max_leaves,
    )


def nested(depth: int, *, opener: str = "[", closer: str = "]") -> bytes:
    """A JSON body nested ``depth`` levels deep."""
    return (opener * depth + closer * depth).encode()
