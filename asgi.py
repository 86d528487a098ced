"""Re-export of the ASGI app, so ``uvicorn asgi:app`` works as well."""

from project.asgi import app

__all__ = ["app"]
