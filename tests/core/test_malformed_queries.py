"""No cursor or query parameter, however made up, gets a 500.

Cursors on every paginated list, and on the document search, whose cursor
carries a relevance rank (an integer): DRF checks that a cursor decodes, but
its position is the client's too. The cursors here are either any text, or
well-formed cursors (base64 of ``o=&r=&p=``) around any position. Then every
query parameter of the lists that take some, with any text.
"""

import base64
from typing import Any
from urllib.parse import urlencode

import pytest
from django.conf import settings as django_settings
from django.test import AsyncClient, override_settings
from hypothesis import example, given, settings
from hypothesis import strategies as st

from apps.exports.models import Export
from tests.factories import amake_quick_user
from tests.robustness import PROPERTY, any_text, assert_client_error_shape
from tests.webhooks.isolation_ids import endpoint
from tests.workspaces.factories import amake_document, amake_workspace

pytestmark = pytest.mark.django_db(transaction=True)

UNTHROTTLED = dict.fromkeys(django_settings.THROTTLE_RATES, "1000000/h")
LISTS = [
    "/api/v1/workspaces/{workspace}/documents?q=engine",
    "/api/v1/workspaces/{workspace}/documents",
    "/api/v1/workspaces/{workspace}/members",
    "/api/v1/workspaces/{workspace}/invitations",
    "/api/v1/workspaces/{workspace}/webhooks",
    "/api/v1/workspaces/{workspace}/exports",
    "/api/v1/workspaces",
    "/api/v1/auth/sessions",
    "/api/v1/jobs",
]


def cursor(position: str, offset: str = "0", reverse: str = "0") -> str:
    query = urlencode({"o": offset, "r": reverse, "p": position})
    return base64.b64encode(query.encode()).decode()


positions = st.one_of(
    st.text(max_size=40),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.datetimes().map(lambda value: value.isoformat()),
    st.sampled_from(["", "NaN", "inf", "1e400", "9999-12-31T23:59:59-14:00", "00000000-0000"]),
)
cursors = st.one_of(
    st.text(max_size=60),
    st.builds(cursor, positions),
    st.builds(cursor, positions, st.integers(-5, 10**25).map(str), st.sampled_from(["1", "x"])),
)


@pytest.fixture
async def world() -> dict[str, Any]:
    owner, headers = await amake_quick_user(email_verified=True)
    workspace = await amake_workspace(owner=owner)
    for number in range(3):
        await amake_document(workspace=workspace, author=owner, title=f"engine {number}")
    hook = await endpoint(workspace, owner, {})
    export = await Export.objects.acreate(workspace=workspace, requested_by=owner)
    return {"headers": headers, "workspace": workspace.pk, "endpoint": hook, "export": export.pk}


# A made-up naive datetime position is read as UTC, with Django's warning.
@pytest.mark.filterwarnings("ignore:DateTimeField .* received a naive datetime")
@override_settings(THROTTLE_RATES=UNTHROTTLED)
@pytest.mark.parametrize("url", LISTS)
@settings(PROPERTY, max_examples=30)
@given(value=cursors)
@example(value=cursor("abc"))  # a word where the search's rank is an integer: was a 500
@example(value=cursor("9" * 30))  # past bigint
@example(value=cursor("2026-01-01T00:00:00+00:00", reverse="1"))
async def test_no_cursor_gets_a_500(
    api: AsyncClient, world: dict[str, Any], url: str, value: str
) -> None:
    path = url.format(**world)
    separator = "&" if "?" in path else "?"
    response = await api.get(
        f"{path}{separator}{urlencode({'cursor': value}, errors='surrogatepass')}",
        headers=world["headers"],
    )
    assert_client_error_shape(response, f"{path} cursor={value!r}")


QUERIES = {
    "/api/v1/workspaces/{workspace}/documents": (
        "q", "tag", "status", "author", "updated_since", "page_size",
    ),
    "/api/v1/workspaces/{workspace}/webhooks/{endpoint}/deliveries": ("status", "event"),
    "/api/v1/jobs": ("status", "name", "page_size"),
    "/api/v1/exports/{export}/download": ("signature",),
}  # fmt: skip


@pytest.mark.filterwarnings("ignore:DateTimeField .* received a naive datetime")
@override_settings(THROTTLE_RATES=UNTHROTTLED)
@pytest.mark.parametrize("url", list(QUERIES))
@settings(PROPERTY, max_examples=30)
@given(data=st.data(), value=st.one_of(any_text, positions))
@example(data=None, value="9999-12-31T23:59:59-14:00")
async def test_no_query_parameter_gets_a_500(
    api: AsyncClient, world: dict[str, Any], url: str, data: Any, value: str
) -> None:
    names = QUERIES[url]
    name = names[0] if data is None else data.draw(st.sampled_from(names))
    path = url.format(**world)
    response = await api.get(
        f"{path}?{urlencode({name: value}, errors='surrogatepass')}", headers=world["headers"]
    )
    assert_client_error_shape(response, f"{path} {name}={value!r}")
