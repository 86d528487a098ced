"""The job status API: poll one job, list the caller's jobs, cancel a queued one.

OpenAPI decoration: ``apps.jobs.openapi``.
"""

from uuid import UUID

from asgiref.sync import sync_to_async
from rest_framework.request import Request
from rest_framework.response import Response

from apps.core.pagination import CursorPagination, apaginated_response
from apps.core.requests import request_user
from apps.core.views import AsyncAPIView
from apps.jobs import openapi
from apps.jobs.selectors import ajob_access, job_list_for
from apps.jobs.serializers import JobListQuery, job_public
from apps.jobs.services import job_cancel


class JobListView(AsyncAPIView):
    pagination_class = CursorPagination

    @openapi.jobs_list
    async def get(self, request: Request) -> Response:
        query = JobListQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        jobs = job_list_for(owner=request_user(request), **query.validated_data)
        return await apaginated_response(self, jobs, job_public)


class JobDetailView(AsyncAPIView):
    @openapi.jobs_retrieve
    async def get(self, request: Request, job_id: UUID) -> Response:
        job = await ajob_access(job_id=job_id, owner=request_user(request))
        return Response(job_public(job))


class JobCancelView(AsyncAPIView):
    @openapi.jobs_cancel
    async def post(self, request: Request, job_id: UUID) -> Response:
        job = await sync_to_async(job_cancel)(job_id=job_id, owner=request_user(request))
        return Response(job_public(job))
