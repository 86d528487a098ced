"""``project.asgi.app`` with Django's stock ``ASGIHandler`` (benchmark only).

The "before" of ``apps.core.upstream.handler.AsyncHandler``: the runner serves /me
through both, side by side, and reports each as a fraction of the bare ASGI app.
"""

from django.core.handlers.asgi import ASGIHandler

import project.asgi

project.asgi.django_app = ASGIHandler()
app = project.asgi.app
