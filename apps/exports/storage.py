"""Where export archives live: Django's ``STORAGES["exports"]`` (file system by default).

Names: ``staging/<export id>/...`` while a chain runs (steps may run on
different hosts, so they hand files over through the storage, never the local
disk), ``archives/<workspace id>/<export id>.zip`` when done.
"""

from collections.abc import AsyncIterator, Iterator
from typing import IO

from asgiref.sync import sync_to_async
from django.core.files.storage import Storage, storages

CHUNK_SIZE = 64 * 1024


def exports_storage() -> Storage:
    return storages["exports"]


def staging_name(export_id: str, *parts: str) -> str:
    return "/".join(("staging", export_id, *parts))


def archive_name(*, workspace_id: str, export_id: str) -> str:
    return f"archives/{workspace_id}/{export_id}.zip"


def copy_chunks(source: IO[bytes], target: IO[bytes]) -> None:
    while chunk := source.read(CHUNK_SIZE):
        target.write(chunk)


def save_replacing(storage: Storage, name: str, content: IO[bytes]) -> str:
    """Save under exactly ``name`` (a retried step overwrites its own earlier output)."""
    from django.core.files import File

    if storage.exists(name):
        storage.delete(name)
    saved = storage.save(name, File(content, name=name.rsplit("/", 1)[-1]))
    if saved != name:  # a concurrent writer took the name: the step is not idempotent then
        raise RuntimeError(f"storage saved {name!r} as {saved!r}")
    return saved


def delete_tree(storage: Storage, prefix: str) -> int:
    """Delete every file under ``prefix``; returns how many."""
    deleted = 0
    try:
        directories, files = storage.listdir(prefix)
    except FileNotFoundError:
        return 0
    for directory in directories:
        deleted += delete_tree(storage, f"{prefix}/{directory}")
    for file in files:
        storage.delete(f"{prefix}/{file}")
        deleted += 1
    return deleted


def iter_chunks(name: str) -> Iterator[bytes]:
    with exports_storage().open(name, "rb") as handle:
        while chunk := handle.read(CHUNK_SIZE):
            yield chunk


async def aiter_chunks(name: str) -> AsyncIterator[bytes]:
    """The file's bytes in chunks, read in a thread one chunk at a time (never whole)."""
    handle = await sync_to_async(exports_storage().open)(name, "rb")
    try:
        while chunk := await sync_to_async(handle.read)(CHUNK_SIZE):
            yield chunk
    finally:
        await sync_to_async(handle.close)()
