"""``GET /api/v1/``: what this API is and where its schema and docs are."""

from typing import Any

from django.conf import settings
from django.urls import reverse
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response

from apps.core.openapi import response_example
from apps.core.views import AsyncAPIView


class IndexLinksOutput(serializers.Serializer[Any]):
    schema = serializers.CharField(help_text="The OpenAPI 3 schema (YAML; `?format=json`).")
    swagger = serializers.CharField(help_text="Swagger UI.")
    redoc = serializers.CharField(help_text="Redoc.")
    health = serializers.CharField(help_text="Liveness (`/readyz`: readiness).")


class IndexOutput(serializers.Serializer[Any]):
    name = serializers.CharField()
    version = serializers.CharField(help_text="The API's version (the schema's `info.version`).")
    links = IndexLinksOutput()


def index_body() -> dict[str, Any]:
    spectacular: dict[str, Any] = settings.SPECTACULAR_SETTINGS
    return {
        "name": spectacular["TITLE"],
        "version": spectacular["VERSION"],
        "links": {
            "schema": reverse("schema"),
            "swagger": reverse("swagger"),
            "redoc": reverse("redoc"),
            "health": reverse("healthz"),
        },
    }


class ApiIndexView(AsyncAPIView):
    authentication_classes = []
    permission_classes = [AllowAny]

    @extend_schema(
        operation_id="apiIndex",
        summary="What this API is, and links to its schema and docs",
        description="Needs no authentication. Start here: the schema describes every "
        "operation; Swagger UI and Redoc render it.",
        tags=["meta"],
        responses={200: IndexOutput},
        examples=[
            response_example(
                "Index",
                {
                    "name": "Async API",
                    "version": "1.0.0",
                    "links": {
                        "schema": "/api/v1/schema/",
                        "swagger": "/api/v1/schema/swagger/",
                        "redoc": "/api/v1/schema/redoc/",
                        "health": "/healthz",
                    },
                },
            )
        ],
    )
    async def get(self, request: Request) -> Response:
        return Response(IndexOutput(index_body()).data)
