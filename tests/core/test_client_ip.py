"""Who the client is: decided by apps.core.http.client_ip alone, under the documented command.

The live tests start the production command exactly as README.md and
docs/operations.md write it (only the address, port and worker count changed
for a test), and watch a per-IP throttle: a forged ``X-Forwarded-For`` that
were believed would give each request a fresh bucket.
"""

import re
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from django.test import RequestFactory
from pytest_django.fixtures import Settings

from apps.core.devserver import child_commands
from apps.core.embedded import free_port
from apps.core.http import client_ip
from apps.core.stack import PROJECT_ROOT, SERVER_OPTIONS, uvicorn_command
from tests.live import live_server, server_env

RESET = "/api/v1/auth/password/reset"


def documented_command(document: Path) -> list[str]:
    """The ``uvicorn project.asgi:app ...`` command of a document, continuation lines joined."""
    lines = document.read_text().splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("uvicorn project.asgi:app"))
    command = ""
    for line in lines[start:]:
        command += line.rstrip("\\").strip() + " "
        if not line.endswith("\\"):
            break
    return command.split()


def runnable(command: list[str], port: int) -> list[str]:
    """The documented command on a loopback port with one worker, this environment's uvicorn."""
    argv = [sys.executable, "-m", *command]
    for flag, value in (("--host", "127.0.0.1"), ("--port", str(port)), ("--workers", "1")):
        argv[argv.index(flag) + 1] = value
    return argv


def test_the_documents_give_one_production_command_with_the_stacks_options() -> None:
    readme = documented_command(PROJECT_ROOT / "README.md")
    operations = documented_command(PROJECT_ROOT / "docs" / "operations.md")
    assert readme == operations
    # What dev, the tests and the runners start carries the same server flags.
    started = uvicorn_command(port=8000)
    dev = child_commands("127.0.0.1", 8000, PROJECT_ROOT / ".data")["api"]
    for option in SERVER_OPTIONS:
        assert contains(readme, option), option
        assert contains(started, option), option
        assert contains(dev, option), option


def contains(argv: list[str], option: tuple[str, ...]) -> bool:
    """Whether ``option`` (a flag and its value, if any) appears in ``argv`` as written."""
    size = len(option)
    return any(tuple(argv[i : i + size]) == option for i in range(len(argv)))


def reset_statuses(base_url: str, forged: list[str]) -> list[int]:
    return [
        httpx.post(
            f"{base_url}{RESET}",
            json={"email": "nobody@example.com"},
            headers={"X-Forwarded-For": address},
            timeout=30,
        ).status_code
        for address in forged
    ]


FORGED = ["198.51.100.1", "198.51.100.2", "198.51.100.3"]


@pytest.mark.workers  # starts processes
@pytest.mark.django_db(transaction=True)
def test_a_forged_forwarded_for_is_ignored_by_the_documented_command() -> None:
    port = free_port()
    command = runnable(documented_command(PROJECT_ROOT / "README.md"), port)
    env = server_env(THROTTLE_PASSWORD_RESET="2/h")
    env.pop("TRUSTED_PROXY_COUNT", None)
    env.pop("FORWARDED_ALLOW_IPS", None)
    with live_server(env, command=command, port=port) as server:
        # One client on 127.0.0.1 however it signs its requests: one bucket.
        assert reset_statuses(server.base_url, FORGED) == [202, 202, 429]


@pytest.mark.workers  # starts processes
@pytest.mark.django_db(transaction=True)
def test_a_configured_proxy_is_believed_by_the_documented_command() -> None:
    """The control: the same header counts once a proxy on 127.0.0.1 is declared."""
    port = free_port()
    command = runnable(documented_command(PROJECT_ROOT / "README.md"), port)
    env = server_env(THROTTLE_PASSWORD_RESET="2/h", TRUSTED_PROXY_COUNT="1")
    env.pop("FORWARDED_ALLOW_IPS", None)  # the default: 127.0.0.1 and ::1
    with live_server(env, command=command, port=port) as server:
        assert reset_statuses(server.base_url, FORGED) == [202, 202, 202]


def ip(settings: Settings, *, peer: str, forwarded: str | None = None) -> str | None:
    request = RequestFactory().get("/", REMOTE_ADDR=peer)
    if forwarded is not None:
        request.META["HTTP_X_FORWARDED_FOR"] = forwarded
    return client_ip(request)


def test_without_proxies_the_header_never_counts(settings: Settings) -> None:
    settings.TRUSTED_PROXY_COUNT = 0
    settings.FORWARDED_ALLOW_IPS = ["*"]
    assert ip(settings, peer="127.0.0.1", forwarded="198.51.100.1") == "127.0.0.1"


def test_the_header_counts_only_from_a_trusted_peer(settings: Settings) -> None:
    settings.TRUSTED_PROXY_COUNT = 1
    settings.FORWARDED_ALLOW_IPS = ["10.0.0.0/8", "::1"]
    assert ip(settings, peer="10.1.2.3", forwarded="198.51.100.1") == "198.51.100.1"
    assert ip(settings, peer="::1", forwarded="198.51.100.1") == "198.51.100.1"
    assert ip(settings, peer="::ffff:10.1.2.3", forwarded="198.51.100.1") == "198.51.100.1"
    assert ip(settings, peer="203.0.113.9", forwarded="198.51.100.1") == "203.0.113.9"
    assert ip(settings, peer="127.0.0.1", forwarded="198.51.100.1") == "127.0.0.1"
    settings.FORWARDED_ALLOW_IPS = ["*"]
    assert ip(settings, peer="203.0.113.9", forwarded="198.51.100.1") == "198.51.100.1"


def test_only_the_proxies_own_entries_count(settings: Settings) -> None:
    settings.TRUSTED_PROXY_COUNT = 2
    settings.FORWARDED_ALLOW_IPS = ["127.0.0.1"]
    # client-written, then what the outer proxy saw, then the inner proxy's peer
    chain = "6.6.6.6, 198.51.100.7, 10.0.0.2"
    assert ip(settings, peer="127.0.0.1", forwarded=chain) == "198.51.100.7"
    assert ip(settings, peer="127.0.0.1", forwarded="198.51.100.7") == "127.0.0.1"  # too few
    assert ip(settings, peer="127.0.0.1", forwarded="not-an-ip, 10.0.0.2") == "127.0.0.1"


@pytest.mark.workers  # starts processes
def test_a_malformed_forwarded_allow_ips_stops_the_settings() -> None:
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=PROJECT_ROOT,
        env=server_env(FORWARDED_ALLOW_IPS="10.0.0.0/8,proxy.internal"),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode != 0
    assert re.search(r"FORWARDED_ALLOW_IPS must list .* 'proxy.internal'", result.stderr)
