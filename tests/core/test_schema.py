"""The OpenAPI schema and its docs pages, served with no CDN."""

import pytest
import yaml
from django.test import AsyncClient


async def test_schema_is_served_as_openapi_3(api: AsyncClient) -> None:
    response = await api.get("/api/v1/schema/")
    assert response.status_code == 200
    schema = yaml.safe_load(response.content)
    assert schema["openapi"].startswith("3.")
    assert schema["info"]["title"] == "Async API"


@pytest.mark.parametrize(
    ("path", "asset"),
    [
        ("/api/v1/schema/swagger/", "/static/drf_spectacular_sidecar/swagger-ui-dist/"),
        ("/api/v1/schema/redoc/", "/static/drf_spectacular_sidecar/redoc/"),
    ],
)
async def test_docs_pages_load_their_assets_locally(
    api: AsyncClient, path: str, asset: str
) -> None:
    response = await api.get(path)
    assert response.status_code == 200
    page = response.content.decode()
    assert asset in page
    assert "cdn" not in page.lower()
