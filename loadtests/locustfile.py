"""Locust scenarios, run by ``python -m loadtests`` in its own process (never imported by the app).

Each scenario is a ``FastHttpUser``; the runner picks one per phase by class
name and passes the path, the seeded token and the rest through environment
variables:

- ``EndpointUser``: GET ``LOADTEST_PATH`` as fast as possible, with
  ``Authorization: Bearer <LOADTEST_TOKEN>`` when a token is given (the /me
  hot path and every comparison: bench twin, stock knox, FastAPI, bare ASGI);
- ``SessionListUser``: GET the session list and check the page holds the
  seeded sessions;
- ``LoginBurstUser``: per fresh account (each round has its own slice), a
  right password (200 and a token), then wrong passwords until django-axes
  locks the account out (401 for each failure below the limit, 429 with
  ``Retry-After`` from the limit on), then the right password again, which
  stays refused (429) while locked;
- ``DocumentsUser``: in the seeded workspace (``LOADTEST_PATH`` is its
  documents URL), mostly the first page of the list (a full page), then a
  search for ``LOADTEST_SEARCH_WORD`` (exactly the seeded matches, up to a
  page), then a small document created (201 with its ETag);
- ``PageUser``: GET the list page ``LOADTEST_PATH``; it must hold
  ``LOADTEST_EXPECT`` results, at most a page (lists, searches);
- ``DetailUser``: GET one document; 200 with its ``ETag`` and body;
- ``CreateUser``: POST a small document to ``LOADTEST_PATH``; 201 with the
  title sent and an ``ETag``;
- ``PatchUser``: each user owns one document of ``LOADTEST_PATCH_DOCUMENTS``
  (seeded at version 1, one slice per phase run) and PATCHes its title with
  ``If-Match`` naming the version it last saw; 200 with the next ``ETag``.

Every scenario sends the same requests to our endpoint and to its FastAPI
twin (the same path on another server) and checks the same things.

Any response other than the expected one is a failed request.
"""

import itertools
import json
import os
from typing import Any, override

import gevent  # type: ignore[import-untyped]  # no stubs; locust's own dependency
from locust import constant, events, task
from locust.contrib.fasthttp import FastHttpUser

TOKEN = os.environ.get("LOADTEST_TOKEN", "")
AUTH_HEADERS = {"Authorization": f"Bearer {TOKEN}"} if TOKEN else {}
_burst_accounts = itertools.count()


def _start_the_clock_now(**_: Any) -> None:
    """Refresh the event loop's cached time before locust arms its ``--run-time`` timer.

    The timer counts from the loop's last "now", which dates from before the
    imports and setup (seconds on a busy machine): without this a 6 s phase
    ran for about 1 s there, or ended before its users had spawned.
    """
    gevent.get_hub().loop.update_now()


events.init.add_listener(_start_the_clock_now)  # type: ignore[no-untyped-call]  # locust


def _expect(response: Any, status: int) -> Any:  # locust's response is untyped
    """The JSON body if ``response`` has ``status``, else mark it failed and return None."""
    if response.status_code != status:
        response.failure(f"expected {status}, got {response.status_code}: {response.text[:200]}")
        return None
    try:
        body = json.loads(response.content or b"null")
    except ValueError:
        response.failure("body is not JSON")
        return None
    response.success()  # an expected 4xx is a success; checks below may still fail it
    return body


class EndpointUser(FastHttpUser):
    wait_time = constant(0)
    path = os.environ.get("LOADTEST_PATH", "/healthz")

    @task
    def get_endpoint(self) -> None:
        with self.client.get(
            self.path, headers=AUTH_HEADERS, name=self.path, catch_response=True
        ) as response:
            if response.status_code != 200:
                response.failure(f"status {response.status_code}")


class SessionListUser(FastHttpUser):
    wait_time = constant(0)
    path = os.environ.get("LOADTEST_PATH", "/api/v1/auth/sessions")
    sessions = int(os.environ.get("LOADTEST_SESSIONS", "1"))

    @task
    def list_sessions(self) -> None:
        with self.client.get(
            self.path, headers=AUTH_HEADERS, name=self.path, catch_response=True
        ) as response:
            body = _expect(response, 200)
            if body is not None and len(body["results"]) != self.sessions:
                response.failure(f"expected {self.sessions} sessions, got {len(body['results'])}")


class LoginBurstUser(FastHttpUser):
    wait_time = constant(0)
    path = os.environ.get("LOADTEST_PATH", "/api/v1/auth/login")
    password = os.environ.get("LOADTEST_BURST_PASSWORD", "")
    first_account = int(os.environ.get("LOADTEST_BURST_FIRST", "0"))
    accounts = int(os.environ.get("LOADTEST_BURST_ACCOUNTS", "1"))
    failure_limit = int(os.environ.get("LOADTEST_AXES_FAILURE_LIMIT", "5"))

    def _login(self, email: str, password: str, name: str, status: int) -> Any:
        body = {"email": email, "password": password, "client_name": "loadtests"}
        with self.client.post(self.path, json=body, name=name, catch_response=True) as response:
            data = _expect(response, status)
            if data is None:
                return None
            if status == 429 and not response.headers.get("Retry-After"):
                response.failure("lockout without Retry-After")
            elif status != 200 and data.get("type") != "client_error":
                response.failure(f"not the standard error shape: {data}")
            elif status == 200 and not data.get("token"):
                response.failure("no token in a successful login")
            return data

    @task
    def burst(self) -> None:
        number = next(_burst_accounts)
        if number >= self.accounts:
            raise RuntimeError("out of seeded login-burst accounts; seed more")
        email = f"burst-{self.first_account + number}@example.com"
        self._login(email, self.password, "login: right password", 200)
        for attempt in range(1, self.failure_limit + 1):
            locked = attempt >= self.failure_limit
            self._login(
                email,
                "wrong " + self.password,
                "login: wrong password, locked" if locked else "login: wrong password",
                429 if locked else 401,
            )
        self._login(email, self.password, "login: right password while locked", 429)


class DocumentsUser(FastHttpUser):
    wait_time = constant(0)
    path = os.environ.get("LOADTEST_PATH", "")
    search_word = os.environ.get("LOADTEST_SEARCH_WORD", "")
    search_matches = int(os.environ.get("LOADTEST_SEARCH_MATCHES", "0"))
    page_size = 50  # the API's default page
    _created = itertools.count()

    def _page(self, url: str, name: str, expected: int) -> None:
        with self.client.get(url, headers=AUTH_HEADERS, name=name, catch_response=True) as response:
            body = _expect(response, 200)
            if body is not None and len(body["results"]) != expected:
                response.failure(f"expected {expected} documents, got {len(body['results'])}")

    @task(6)
    def list_first_page(self) -> None:
        self._page(self.path, "documents: list", self.page_size)

    @task(3)
    def search(self) -> None:
        expected = min(self.search_matches, self.page_size)
        self._page(f"{self.path}?q={self.search_word}", "documents: search", expected)

    @task(1)
    def create(self) -> None:
        title = f"Load test note {next(self._created)}"
        document = {"title": title, "body": "A short note written under load.", "tags": ["load"]}
        with self.client.post(
            self.path, json=document, headers=AUTH_HEADERS, name="documents: create",
            catch_response=True,
        ) as response:  # fmt: skip
            body = _expect(response, 201)
            if body is not None and (
                body.get("title") != title or not response.headers.get("ETag")
            ):
                response.failure(f"not the created document: {body}")


PAGE_SIZE = 50  # the API's default page, and the twins'


class PageUser(FastHttpUser):
    wait_time = constant(0)
    path = os.environ.get("LOADTEST_PATH", "")
    expected = min(int(os.environ.get("LOADTEST_EXPECT") or "0"), PAGE_SIZE)

    @task
    def page(self) -> None:
        with self.client.get(
            self.path, headers=AUTH_HEADERS, name=self.path, catch_response=True
        ) as response:
            body = _expect(response, 200)
            if body is not None and len(body["results"]) != self.expected:
                response.failure(f"expected {self.expected} results, got {len(body['results'])}")


class DetailUser(FastHttpUser):
    wait_time = constant(0)
    path = os.environ.get("LOADTEST_PATH", "")

    @task
    def detail(self) -> None:
        with self.client.get(
            self.path, headers=AUTH_HEADERS, name=self.path, catch_response=True
        ) as response:
            body = _expect(response, 200)
            if body is not None and (
                not response.headers.get("ETag") or not self.path.endswith(body.get("id", "?"))
            ):
                response.failure(f"not the document with its ETag: {body}")


class CreateUser(FastHttpUser):
    wait_time = constant(0)
    path = os.environ.get("LOADTEST_PATH", "")
    _created = itertools.count()

    @task
    def create(self) -> None:
        title = f"Created under load {next(self._created)}"
        document = {"title": title, "body": "A short note written under load.", "tags": ["load"]}
        with self.client.post(
            self.path, json=document, headers=AUTH_HEADERS, name="create", catch_response=True
        ) as response:
            body = _expect(response, 201)
            if body is not None and (
                body.get("title") != title or response.headers.get("ETag") != '"1"'
            ):
                response.failure(f"not the created document: {body}")


class PatchUser(FastHttpUser):
    wait_time = constant(0)
    path = os.environ.get("LOADTEST_PATH", "")
    documents = [d for d in os.environ.get("LOADTEST_PATCH_DOCUMENTS", "").split(",") if d]
    _users = itertools.count()

    @override
    def on_start(self) -> None:
        number = next(self._users)
        if number >= len(self.documents):
            raise RuntimeError("more users than PATCH documents given to this phase")
        self.url = f"{self.path}/{self.documents[number]}"
        self.version = 1  # seeded at version 1; nobody else writes this document
        self.edits = itertools.count()

    @task
    def patch(self) -> None:
        change = {"title": f"Edited under load {next(self.edits)}"}
        headers = {**AUTH_HEADERS, "If-Match": f'"{self.version}"'}
        with self.client.patch(
            self.url, json=change, headers=headers, name="patch", catch_response=True
        ) as response:
            body = _expect(response, 200)
            if body is None:
                return
            if body.get("title") != change["title"] or response.headers.get("ETag") != (
                f'"{self.version + 1}"'
            ):
                response.failure(f"not the edited document: {body}")
            self.version = body.get("version", self.version)
