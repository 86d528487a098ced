"""The OpenAPI schema and its docs pages, served with no CDN."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from django.test import AsyncClient

PROJECT_ROOT = Path(__file__).resolve().parents[2]


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
        # The sidecar bundle, served with its CDN logo replaced (apps/core/docs.py).
        ("/api/v1/schema/redoc/", "/api/v1/schema/redoc/redoc.standalone.js"),
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


@pytest.mark.workers  # starts processes
def test_the_schema_generates_with_no_database_reachable(tmp_path: Path) -> None:
    """CI and the pre-commit checks generate schema.yaml before any database exists.

    Django 6 runs model checks against every database; a plain GeneratedField
    would connect to ask the server's version (see StoredGeneratedField).
    """
    out = tmp_path / "schema.yaml"
    env = {**os.environ, "DATABASE_URL": "postgresql://nobody@127.0.0.1:9/none"}
    env.pop("PYTEST_CURRENT_TEST", None)
    done = subprocess.run(
        [sys.executable, "manage.py", "spectacular", "--file", str(out), "--fail-on-warn"],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert "/api/v1/workspaces/{workspace_id}/documents" in yaml.safe_load(out.read_text())["paths"]
