"""The delivery log and the export list make a fixed number of queries per page."""

import uuid

import pytest
from django.test import AsyncClient

from apps.exports.models import Export
from apps.jobs.models import Job
from apps.webhooks.models import Delivery, WebhookEndpoint
from tests.domain_data import amake_workspace
from tests.factories import amake_user, auth_headers, login

pytestmark = pytest.mark.django_db(transaction=True)


async def test_list_queries_do_not_grow_with_the_page(
    api: AsyncClient, orm_queries: list[str]
) -> None:
    owner = await amake_user()
    workspace = await amake_workspace(owner=owner)
    headers = auth_headers(await login(api, owner))
    endpoint = await WebhookEndpoint.objects.acreate(
        workspace=workspace, url="https://hooks.example.com/", events=["member.joined"], secret="s"
    )
    deliveries = f"/api/v1/workspaces/{workspace.pk}/webhooks/{endpoint.pk}/deliveries"
    exports = f"/api/v1/workspaces/{workspace.pk}/exports"
    await api.get(deliveries, headers=headers)  # warm the token cache

    async def count_for(rows: int) -> tuple[int, int]:
        while await Delivery.objects.acount() < rows:
            original = await Delivery.objects.afirst()
            await Delivery.objects.acreate(
                endpoint=endpoint,
                event_id=uuid.uuid4(),
                event="member.joined",
                payload={},
                redelivery_of=original,
            )
            job = await Job.objects.acreate(name="exports.build", backend="celery", queue="default")
            await Export.objects.acreate(workspace=workspace, requested_by=owner, job=job)
        counts = []
        for url in (deliveries, exports):
            orm_queries.clear()
            response = await api.get(url, headers=headers)
            assert response.status_code == 200
            assert len(response.json()["results"]) == rows
            counts.append(len(orm_queries))
        return counts[0], counts[1]

    few, many = await count_for(2), await count_for(30)
    assert few == many
    assert many[0] <= 3, orm_queries  # the membership, the endpoint, the page
    assert many[1] <= 2, orm_queries  # the membership, the page (jobs joined)
