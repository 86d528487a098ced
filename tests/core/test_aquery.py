"""``apps.core.aquery`` builds the same instances as the sync ORM, for every selector.

Each queryset a selector (or the workspace access check) returns is evaluated
twice: by Django (``list(queryset)``, in a thread) and on the async pool
(``afetch``), and the instances are compared field by field: values with
their types and time zones, deferred fields, ``select_related`` objects,
annotations (the search rank). Then each list is paginated both ways (DRF's
sync ``CursorPagination`` and ``apaginate``), forwards and back, and the pages
and links compared. A selector added without a case here fails
``test_every_selector_has_a_case``.
"""

import importlib
import inspect
from collections.abc import Callable
from datetime import timedelta
from itertools import count
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit
from uuid import UUID, uuid4

import pytest
from asgiref.sync import sync_to_async
from django.db.models import Model, QuerySet
from django.utils import timezone
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from apps.accounts import selectors as account_selectors
from apps.core.aquery import Prepared, afetch, afirst
from apps.core.pagination import CursorPagination, apaginate
from apps.documents import selectors as document_selectors
from apps.documents.models import Document
from apps.exports import selectors as export_selectors
from apps.jobs import selectors as job_selectors
from apps.webhooks import selectors as webhook_selectors
from apps.webhooks.models import Delivery
from apps.workspaces import access
from apps.workspaces import selectors as workspace_selectors
from apps.workspaces.models import Membership, Workspace
from tests.core.sample_data import Data, build

pytestmark = pytest.mark.django_db(transaction=True)

APPS = Path(__file__).resolve().parents[2] / "apps"


@pytest.fixture
async def data() -> Data:
    return await sync_to_async(build)()


Case = Callable[[Data], QuerySet[Any]]

# Every queryset the API evaluates, by the function that builds it; several
# argument sets where the arguments change the SQL (filters, search).
CASES: dict[str, list[Case]] = {
    "accounts.selectors.session_list_for": [
        lambda d: account_selectors.session_list_for(user=d.owner)
    ],
    "workspaces.selectors.membership_list_for": [
        lambda d: workspace_selectors.membership_list_for(user=d.owner)
    ],
    "workspaces.selectors.member_list_for": [
        lambda d: workspace_selectors.member_list_for(workspace_id=d.workspace.pk)
    ],
    "workspaces.selectors.invitation_list_for": [
        lambda d: workspace_selectors.invitation_list_for(workspace_id=d.workspace.pk)
    ],
    "workspaces.selectors.invitation_detail_for": [
        lambda d: workspace_selectors.invitation_detail_for(
            workspace_id=d.workspace.pk,
            invitation_id=d.invitation_ids[0],
        )
    ],
    "workspaces.access.membership_for": [
        lambda d: access.membership_for(user_id=d.member.pk, workspace_id=d.workspace.pk)
    ],
    "documents.selectors.document_list_for": [
        lambda d: document_selectors.document_list_for(workspace_id=d.workspace.pk),
        lambda d: document_selectors.document_list_for(
            workspace_id=d.workspace.pk, status="published", tag="engines"
        ),
        lambda d: document_selectors.document_list_for(
            workspace_id=d.workspace.pk,
            author=d.owner.pk,
            updated_since=timezone.now() - timedelta(hours=1),
        ),
        lambda d: document_selectors.document_list_for(workspace_id=d.workspace.pk, q="engine"),
        lambda d: document_selectors.document_list_for(
            workspace_id=d.workspace.pk, q='"savanna migration" or zebra -loom'
        ),
        lambda d: document_selectors.document_list_for(workspace_id=d.workspace.pk, q="naïve"),
    ],
    "documents.selectors.document_detail_for": [
        lambda d: document_selectors.document_detail_for(
            workspace_id=d.workspace.pk, document_id=d.documents[3].pk
        )
    ],
    "webhooks.selectors.webhook_endpoint_list_for": [
        lambda d: webhook_selectors.webhook_endpoint_list_for(workspace_id=d.workspace.pk)
    ],
    "webhooks.selectors.webhook_endpoint_detail_for": [
        lambda d: webhook_selectors.webhook_endpoint_detail_for(
            workspace_id=d.workspace.pk, endpoint_id=d.endpoint.pk
        )
    ],
    "webhooks.selectors.delivery_list_for": [
        lambda d: webhook_selectors.delivery_list_for(endpoint=d.endpoint),
        lambda d: webhook_selectors.delivery_list_for(
            endpoint=d.endpoint, status="failed", event="document.created"
        ),
    ],
    "webhooks.selectors.delivery_detail_for": [
        lambda d: webhook_selectors.delivery_detail_for(
            endpoint=d.endpoint, delivery_id=d.delivery.pk
        ),
        lambda d: Delivery.objects.filter(pk=d.delivery.pk).select_related(
            "redelivery_of", "endpoint__workspace", "job"
        ),
    ],
    "exports.selectors.export_list_for": [
        lambda d: export_selectors.export_list_for(workspace_id=d.workspace.pk)
    ],
    "exports.selectors.export_detail_for": [
        lambda d: export_selectors.export_detail_for(
            workspace_id=d.workspace.pk, export_id=d.export.pk
        )
    ],
    "exports.selectors.active_user_for": [
        lambda d: export_selectors.active_user_for(user_id=d.owner.pk)
    ],
    "exports.selectors.export_for": [lambda d: export_selectors.export_for(export_id=d.export.pk)],
    "jobs.selectors.job_list_for": [
        lambda d: job_selectors.job_list_for(owner=d.owner),
        lambda d: job_selectors.job_list_for(owner=d.owner, status="queued", name="email.send"),
    ],
    "jobs.selectors.job_detail_for": [
        lambda d: job_selectors.job_detail_for(job_id=d.job.pk, owner=d.owner)
    ],
}
# Not behind a selector, but what the mechanism must also get right: every
# column (the tsvector and the generated word count) and an empty IN ().
EXTRA_CASES: list[Case] = [
    lambda d: Document.objects.filter(workspace=d.workspace).select_related("author", "workspace"),
    lambda d: Document.objects.filter(pk__in=[]),
    lambda d: (
        Membership.objects.filter(workspace=d.workspace)
        .only("role", "user__email")
        .select_related("user")
    ),
]


def _selector_names() -> set[str]:
    """Public functions of every selectors module (and the access module) returning a QuerySet."""
    names = set()
    for path in [*APPS.glob("*/selectors.py"), APPS / "workspaces" / "access.py"]:
        module_name = f"{path.parent.name}.{path.stem}"
        module = importlib.import_module(f"apps.{module_name}")
        for name, function in inspect.getmembers(module, inspect.isfunction):
            if function.__module__ != module.__name__ or name.startswith("_"):
                continue
            returns = inspect.signature(function, eval_str=True).return_annotation
            if getattr(returns, "__origin__", returns) is QuerySet:
                names.add(f"{module_name}.{name}")
    return names


def test_every_selector_has_a_case() -> None:
    assert _selector_names() == set(CASES)


def snapshot(obj: Model | None) -> Any:
    """Everything an instance holds: values with type and time zone, deferred
    fields, state, and its select_related objects (recursively)."""
    if obj is None:
        return None
    return {
        "class": type(obj),
        "values": {
            name: (type(value), repr(value))
            for name, value in obj.__dict__.items()
            if name != "_state"
        },
        "deferred": sorted(obj.get_deferred_fields()),
        "state": (obj._state.adding, obj._state.db),
        "related": {
            name: snapshot(related) for name, related in sorted(obj._state.fields_cache.items())
        },
    }


def _ordered(queryset: QuerySet[Any]) -> QuerySet[Any]:
    if queryset.ordered:
        return queryset
    if "rank" in queryset.query.annotations:
        return queryset.order_by(*document_selectors.RELEVANCE_ORDERING)
    return queryset.order_by("-pk")


def _evaluate(queryset: QuerySet[Any]) -> list[Any]:
    return list(queryset)


def _all_cases() -> list[Case]:
    return [case for cases in CASES.values() for case in cases] + EXTRA_CASES


async def test_every_selector_builds_the_same_instances_as_the_orm(data: Data) -> None:
    compared = 0
    for case in _all_cases():
        queryset = _ordered(case(data))
        expected = [snapshot(obj) for obj in await sync_to_async(_evaluate)(queryset)]
        assert [snapshot(obj) for obj in await afetch(queryset)] == expected, queryset.query
        first = await sync_to_async(queryset.first)()
        assert snapshot(await afirst(case(data))) == snapshot(
            await sync_to_async(case(data).first)()
        )
        assert snapshot(await afirst(queryset)) == snapshot(first)
        compared += len(expected)
    assert compared > 40  # the cases are not vacuous


async def test_search_rank_is_annotated_and_ordered_the_same(data: Data) -> None:
    queryset = _ordered(
        document_selectors.document_list_for(workspace_id=data.workspace.pk, q="engine")
    )
    ours = await afetch(queryset)
    theirs = await sync_to_async(_evaluate)(queryset)
    assert [(doc.pk, doc.rank) for doc in ours] == [(doc.pk, doc.rank) for doc in theirs]
    assert len({doc.rank for doc in ours}) > 1
    assert all(isinstance(doc.rank, int) for doc in ours)


def _request(path: str) -> Request:
    return Request(APIRequestFactory().get(path))


def _cursor_path(link: str | None) -> str | None:
    if link is None:
        return None
    query = parse_qs(urlsplit(link).query)
    return f"/items?page_size=2&cursor={query['cursor'][0]}"


async def _pages_both_ways(
    queryset: QuerySet[Any], ordering: tuple[str, ...]
) -> tuple[list[Any], list[Any]]:
    """Walk every page forwards, then one page back, with DRF's sync paginator
    and with ``apaginate``; return what each saw."""

    class Pagination(CursorPagination):
        pass

    Pagination.ordering = ordering

    async def walk(fetch: Callable[[CursorPagination, Request], Any]) -> list[Any]:
        seen: list[Any] = []
        path: str | None = "/items?page_size=2"
        back: str | None = None
        while path is not None:
            paginator = Pagination()
            page = await fetch(paginator, _request(path))
            links = (paginator.get_next_link(), paginator.get_previous_link())
            seen.append(([snapshot(obj) for obj in page], links))
            back = _cursor_path(links[1]) or back
            path = _cursor_path(links[0])
        if back is not None:
            paginator = Pagination()
            page = await fetch(paginator, _request(back))
            seen.append(([snapshot(obj) for obj in page], paginator.get_next_link()))
        return seen

    async def sync_fetch(paginator: CursorPagination, request: Request) -> Any:
        return await sync_to_async(paginator.paginate_queryset)(queryset, request)

    async def async_fetch(paginator: CursorPagination, request: Request) -> Any:
        return await apaginate(paginator, queryset, request, None)

    return await walk(sync_fetch), await walk(async_fetch)


async def test_cursor_pagination_pages_the_same_way(data: Data) -> None:
    lists: list[tuple[QuerySet[Any], tuple[str, ...]]] = [
        (
            document_selectors.document_list_for(workspace_id=data.workspace.pk),
            document_selectors.DEFAULT_ORDERING,
        ),
        (
            document_selectors.document_list_for(workspace_id=data.workspace.pk, q="engine"),
            document_selectors.RELEVANCE_ORDERING,
        ),
        (workspace_selectors.member_list_for(workspace_id=data.workspace.pk), ("created_at", "id")),
        (account_selectors.session_list_for(user=data.owner), ("-created", "-digest")),
        (job_selectors.job_list_for(owner=data.owner), ("-created_at", "-id")),
        (webhook_selectors.delivery_list_for(endpoint=data.endpoint), ("-created_at", "-id")),
    ]
    pages = 0
    for queryset, ordering in lists:
        theirs, ours = await _pages_both_ways(queryset, ordering)
        assert ours == theirs, queryset.query
        pages += len(theirs)
    assert pages >= 2 * len(lists)  # most lists span pages, and were walked back


async def test_values_and_prefetch_querysets_are_refused(data: Data) -> None:
    with pytest.raises(TypeError, match="values"):
        await afetch(Document.objects.values("id"))  # type: ignore[type-var]
    with pytest.raises(TypeError, match="prefetch"):
        await afetch(Workspace.objects.prefetch_related("documents"))


# --- Prepared: compiled once, same instances ---------------------------------------

# Every Prepared the API uses, with argument sets that hit and miss.
PREPARED: list[tuple[Prepared[Any], Callable[[Data], list[dict[str, Any]]]]] = [
    (
        access._membership,
        lambda d: [
            {"user_id": d.member.pk, "workspace_id": d.workspace.pk},
            {"user_id": d.owner.pk, "workspace_id": d.other_workspace.pk},
            {"user_id": d.member.pk, "workspace_id": d.other_workspace.pk},  # not a member
        ],
    ),
    (
        document_selectors._document_detail,
        lambda d: (
            [{"workspace_id": d.workspace.pk, "document_id": doc.pk} for doc in d.documents]
            + [{"workspace_id": d.other_workspace.pk, "document_id": d.documents[0].pk}]
        ),  # elsewhere
    ),
]


def test_every_prepared_selector_has_a_case() -> None:
    used = [
        value
        for module in (access, document_selectors)
        for value in vars(module).values()
        if isinstance(value, Prepared)
    ]
    assert {id(p) for p in used} == {id(p) for p, _ in PREPARED}


async def test_prepared_selectors_build_what_the_orm_builds(data: Data) -> None:
    found = 0
    for prepared, arguments in PREPARED:
        for values in arguments(data):
            theirs = await sync_to_async(_evaluate)(prepared.queryset(**values))
            ours = await prepared.fetch(**values)
            assert [snapshot(obj) for obj in ours] == [snapshot(obj) for obj in theirs], values
            assert snapshot(await prepared.first(**values)) == snapshot(
                theirs[0] if theirs else None
            )
            # A value of another type (a str for a UUID) goes the ordinary way, same result.
            as_text = {k: str(v) if isinstance(v, UUID) else v for k, v in values.items()}
            assert [snapshot(obj) for obj in await prepared.fetch(**as_text)] == [
                snapshot(obj) for obj in theirs
            ]
            found += len(theirs)
    assert found > 5  # hits, not only misses


async def test_prepared_refuses_selectors_it_cannot_compile_once(data: Data) -> None:
    lowered = Prepared(
        lambda tag: document_selectors.document_list_for(workspace_id=data.workspace.pk, tag=tag),
        tag=lambda: f"Tag-{uuid4().hex}",
    )
    with pytest.raises(TypeError, match="do not reach the SQL unchanged"):
        await lowered.fetch(tag="Engine")

    numbers = count(10)
    shape_depends = Prepared(
        lambda n: (
            Membership.objects.filter(user_id=n)
            if n % 2
            else Membership.objects.filter(user_id=n, role="owner")
        ),
        n=lambda: next(numbers),
    )
    with pytest.raises(TypeError, match="depends on its values"):
        await shape_depends.fetch(n=data.owner.pk)

    with pytest.raises(TypeError, match="expected"):
        await access._membership.fetch(user_id=data.owner.pk)
