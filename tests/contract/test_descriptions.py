"""An operation is described by its own view's docstring, never by an inherited one."""

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.urls import URLPattern, URLResolver, get_resolver
from rest_framework.views import APIView

from apps.core.openapi import AutoSchema
from apps.core.views import AsyncAPIView

PROJECT_ROOT = Path(__file__).resolve().parents[2]


class Base(AsyncAPIView):
    """Shared plumbing that says nothing about any one operation."""


class Undocumented(Base):
    async def get(self, request: Any) -> None: ...


class Documented(Base):
    """Lists the things."""

    async def get(self, request: Any) -> None: ...


class DocumentedHandler(Base):
    async def get(self, request: Any) -> None:
        """Returns one thing."""


def _description(view_class: type[APIView]) -> str:
    schema = AutoSchema()
    schema.view = view_class()
    schema.method = "GET"
    return schema.get_description()


def test_a_view_without_a_docstring_is_not_described_by_its_base() -> None:
    assert _description(Undocumented) == ""
    assert _description(Documented) == "Lists the things."
    assert _description(DocumentedHandler) == "Returns one thing."


def _view_classes(patterns: list[Any]) -> Iterator[type[APIView]]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _view_classes(pattern.url_patterns)
        elif isinstance(pattern, URLPattern):
            view_class = getattr(pattern.callback, "cls", None)
            if isinstance(view_class, type) and issubclass(view_class, APIView):
                yield view_class


def test_no_base_view_docstring_reaches_the_committed_schema() -> None:
    schema_text = (PROJECT_ROOT / "schema.yaml").read_text()
    inherited = {
        " ".join((base.__doc__ or "").split()[:4])
        for view_class in _view_classes(get_resolver().url_patterns)
        for base in view_class.__mro__[1:]
        if issubclass(base, AsyncAPIView) and base.__dict__.get("__doc__")
    }
    assert inherited  # the base views do have docstrings
    assert [doc for doc in inherited if doc in " ".join(schema_text.split())] == []
