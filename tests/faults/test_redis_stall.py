"""Point 8 of issue #10: a stalled Redis costs the login, logout and throttle paths little.

Redis is stopped (SIGSTOP: connections stay open, nothing answers) for a few
seconds while the mixed load runs. redis-py's default retries would hold each
command 10+ s against a stalled server; the Redis circuit breaker
(apps.core.redis) skips Redis after the first timeout in each process.

Probes: the login throttle alone (a login with an empty body: throttled
first, then refused with 400 before any password hashing), logouts of tokens
issued before the stall, one real login. Promises: every answer is the
normal one; the throttle costs at most about one Redis timeout (1 s) more
than with Redis up; a logout answers within the revocation check interval
(1 s) plus that timeout; the mixed load sees no error.
"""

import statistics
import time

import httpx

from tests.faults.inject import Window, hold
from tests.faults.load import SteadyLoad, between, percentile, time_to_recover
from tests.faults.measure import FaultReport, record, summary
from tests.faults.stack import FaultStack

STALL = 5.0
LOGIN = "/api/v1/auth/login"


def throttle_probe(client: httpx.Client) -> tuple[int, float]:
    started = time.monotonic()
    response = client.post(LOGIN, json={})
    return response.status_code, time.monotonic() - started


def logout(client: httpx.Client, token: str) -> tuple[int, float]:
    started = time.monotonic()
    response = client.post("/api/v1/auth/logout", headers={"Authorization": f"Bearer {token}"})
    return response.status_code, time.monotonic() - started


def test_a_redis_stall_adds_at_most_one_timeout_to_login_logout_and_throttles(
    stack: FaultStack, mixed_load: SteadyLoad
) -> None:
    account = stack.accounts[-1]
    tokens = [stack.login(account, client_name=f"stall {n}") for n in range(2)]
    with stack.client(timeout=30) as client:
        before = [throttle_probe(client) for _ in range(5)]
        warmed = time.monotonic()

        window = Window(time.monotonic())
        stack.redis.pause()
        try:
            during = [throttle_probe(client) for _ in range(3)]
            logouts = [logout(client, token) for token in tokens]
            started = time.monotonic()
            login = client.post(
                LOGIN,
                json={"email": account.email, "password": account.password, "client_name": "x"},
            )
            login_seconds = time.monotonic() - started
            during += [throttle_probe(client) for _ in range(3)]
            hold(max(0.0, STALL - window.seconds))
        finally:
            stack.redis.resume()
            window.ended = time.monotonic()
    hold(2.0)

    load = between(mixed_load.samples, warmed)
    stalled = between(load, window.started, window.ended)
    requests, statuses = summary(load)
    throttle_before = statistics.median(seconds for _, seconds in before)
    throttle_during = statistics.median(seconds for _, seconds in during)
    record(
        FaultReport(
            fault=f"Redis stalled (SIGSTOP) {STALL:.0f} s: login, logout, throttle",
            promise="normal answers; at most one Redis timeout (1 s) added; the load sees no error",
            requests=requests,
            statuses=statuses,
            fault_seconds=window.seconds,
            recovery_seconds=time_to_recover(
                load, fault_started=window.started, fault_ended=window.ended
            ),
            measures={
                "throttle_median_before_s": throttle_before,
                "throttle_median_during_s": throttle_during,
                "throttle_max_during_s": max(seconds for _, seconds in during),
                "logout_max_during_s": max(seconds for _, seconds in logouts),
                "login_during_s": login_seconds,
                "load_p95_during_s": percentile([s.seconds for s in stalled], 0.95),
            },
        )
    )
    assert [status for status, _ in before + during] == [400] * (len(before) + len(during))
    assert [status for status, _ in logouts] == [204, 204]
    assert login.status_code == 200, login.text
    assert throttle_during - throttle_before < 0.5, "the throttle waited on Redis every time"
    assert max(seconds for _, seconds in during) < 2.0, "a throttle check outwaited one timeout"
    assert max(seconds for _, seconds in logouts) < 2.5, "a logout outwaited interval + timeout"
    assert all(s.ok for s in load), statuses
