"""Routes for the ASGI handler tests: no sync code, sync ORM, and a file response."""

import tempfile
from typing import IO

from django.http import FileResponse, HttpRequest, JsonResponse
from django.urls import path

from apps.accounts.models import User

# the file handed out by the last /handler/file request
opened_files: list[IO[bytes]] = []


async def plain(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"ok": True})


async def orm(request: HttpRequest) -> JsonResponse:
    # The async ORM is sync_to_async around the sync ORM: it opens a
    # connection in the request's worker thread.
    return JsonResponse({"users": await User.objects.acount()})


async def file(request: HttpRequest) -> FileResponse:
    handle = tempfile.TemporaryFile()  # noqa: SIM115 (FileResponse closes it)
    handle.write(b"file body")
    handle.seek(0)
    opened_files.append(handle)
    return FileResponse(handle, content_type="text/plain")


urlpatterns = [
    path("handler/plain", plain),
    path("handler/orm", orm),
    path("handler/file", file),
]
