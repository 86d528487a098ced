"""A throwaway endpoint, used only to check the shape of generated error components."""

from typing import Any

from django.urls import path
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from apps.core.views import AsyncAPIView


class WidgetInput(serializers.Serializer[Any]):
    name = serializers.CharField(max_length=20)
    colour = serializers.ChoiceField(choices=["red", "blue"])


class WidgetOutput(serializers.Serializer[Any]):
    name = serializers.CharField()
    colour = serializers.CharField()


class WidgetView(AsyncAPIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="widgetsCreate",
        request=WidgetInput,
        responses={201: WidgetOutput},
        examples=[OpenApiExample("a widget", value={"name": "w", "colour": "red"})],
    )
    async def post(self, request: Request) -> Response:
        data = WidgetInput(data=request.data)
        data.is_valid(raise_exception=True)
        return Response(data.validated_data, status=201)


class GadgetView(AsyncAPIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(operation_id="gadgetsCreate", request=WidgetInput, responses={201: WidgetOutput})
    async def post(self, request: Request) -> Response:
        return Response({}, status=201)


urlpatterns = [
    path("api/v1/widgets/", WidgetView.as_view()),
    path("api/v1/gadgets/", GadgetView.as_view()),
]
