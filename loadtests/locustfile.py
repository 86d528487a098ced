"""Locust scenarios, run by ``python -m loadtests`` in its own process (never imported by the app).

Each scenario is a ``FastHttpUser``. The runner picks one per phase by class
name and passes the path and headers through environment variables, so one
class serves every "GET this endpoint as fast as possible" comparison:

- ``EndpointUser``: GET ``LOADTEST_PATH`` with optional ``LOADTEST_TOKEN``
  (``Authorization: Token ...``); used for bench, bare ASGI and FastAPI phases
  and, in phase 2, for the authenticated /me hot path.

Phase 2 adds: ``LoginBurstUser`` (wrong then right passwords, expecting axes
to lock out with the standard error shape), ``SessionListUser`` and document
scenarios, each as another class here plus a scenario entry in
``loadtests.scenarios``.
"""

import os

from locust import constant, task
from locust.contrib.fasthttp import FastHttpUser


class EndpointUser(FastHttpUser):
    wait_time = constant(0)
    path = os.environ.get("LOADTEST_PATH", "/healthz")
    token = os.environ.get("LOADTEST_TOKEN", "")
    expected_status = int(os.environ.get("LOADTEST_EXPECT_STATUS", "200"))

    @task
    def get_endpoint(self) -> None:
        headers = {"Authorization": f"Token {self.token}"} if self.token else {}
        with self.client.get(
            self.path, headers=headers, name=self.path, catch_response=True
        ) as response:
            if response.status_code != self.expected_status:
                response.failure(f"status {response.status_code}")
            else:
                response.success()
