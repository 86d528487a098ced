"""Point 1 of issue #10: a revocation Redis did not hear about is still a revocation.

A probe uses one token every 20 ms, from before the fault until 1.5 cache
lifetimes after it, while the mixed load runs. The token is logged out during
the fault. Promise: the logout answers 204, and no request that started after
that answer is accepted with the token, on either API worker.

``TOKEN_CACHE_TTL`` is 8 s on the fault stack: short, yet longer than the
Redis circuit breaker stays open (5 s), so an entry Redis kept (a revocation
it never heard of) is still there when the API uses the cache again. Before
the revocation outbox, both tests saw the revoked token accepted until the
end of the observation (and it would have gone on: each use refreshed the
entry).
"""

import time
from collections.abc import Callable
from dataclasses import dataclass

from tests.faults.inject import Window, hold
from tests.faults.load import Sample, SteadyLoad, VirtualUser, between, time_to_recover
from tests.faults.measure import FaultReport, record, summary
from tests.faults.stack import FaultStack

OBSERVE_AFTER = 12.0  # seconds of probing after the fault: 1.5 cache lifetimes


@dataclass
class Logout:
    status: int
    seconds: float
    answered: float  # monotonic time the answer arrived


def logout(stack: FaultStack, token: str) -> Logout:
    started = time.monotonic()
    with stack.client(timeout=30) as client:
        response = client.post("/api/v1/auth/logout", headers={"Authorization": f"Bearer {token}"})
    answered = time.monotonic()
    return Logout(response.status_code, answered - started, answered)


def revocation_scenario(
    stack: FaultStack,
    mixed_load: SteadyLoad,
    *,
    fault: str,
    inject: Callable[[Callable[[], Logout]], tuple[Window, Logout]],
) -> None:
    account = stack.accounts[-1]
    token = stack.login(account, client_name="probe")
    probe = SteadyLoad(
        stack.base_url, [VirtualUser(token, account.workspace_id, ("me",))], pause=0.02
    ).start()
    warmed = time.monotonic()
    # Cached by both API workers (most likely) and past one expiry refresh.
    probe.wait_for_requests(60, after=warmed)
    assert all(sample.ok for sample in probe.samples), probe.samples[-5:]

    window, answer = inject(lambda: logout(stack, token))
    hold(OBSERVE_AFTER)
    samples = probe.stop()

    accepted = [s for s in samples if s.started >= answer.answered and s.status == 200]
    after_logout = between(samples, answer.answered)
    load = between(mixed_load.samples, warmed)
    requests, statuses = summary(load)
    record(
        FaultReport(
            fault=fault,
            promise="logout answers 204; the token is refused afterwards, everywhere",
            requests=requests,
            statuses=statuses,
            fault_seconds=window.seconds,
            recovery_seconds=time_to_recover(
                load, fault_started=window.started, fault_ended=window.ended
            ),
            measures={
                "logout_status": answer.status,
                "logout_s": answer.seconds,
                "probes_after_logout": len(after_logout),
                "revoked_token_accepted": len(accepted),
                "last_acceptance_after_logout_s": _last(accepted, answer.answered),
            },
        )
    )
    assert answer.status == 204
    assert after_logout, "the probe sent nothing after the logout"
    assert accepted == [], (
        f"the revoked token was accepted {len(accepted)} times after the logout answered, "
        f"the last {_last(accepted, answer.answered):.1f} s after it"
    )
    assert all(s.ok for s in load if s.started >= window.ended + 5), "the load did not recover"


def _last(accepted: list[Sample], since: float) -> float:
    return max((sample.started - since for sample in accepted), default=0.0)


def test_logout_during_a_redis_stall_is_not_undone(
    stack: FaultStack, mixed_load: SteadyLoad
) -> None:
    def inject(do_logout: Callable[[], Logout]) -> tuple[Window, Logout]:
        window = Window(time.monotonic())
        stack.redis.pause()
        try:
            hold(0.5)  # requests already wait on the stalled Redis
            answer = do_logout()
            hold(max(0.0, 3.0 - window.seconds))
        finally:
            stack.redis.resume()
            window.ended = time.monotonic()
        return window, answer

    revocation_scenario(stack, mixed_load, fault="Redis stalled (SIGSTOP) ~3 s", inject=inject)


def test_logout_while_redis_is_down_survives_its_restart(
    stack: FaultStack, mixed_load: SteadyLoad
) -> None:
    def inject(do_logout: Callable[[], Logout]) -> tuple[Window, Logout]:
        window = Window(time.monotonic())
        stack.redis.kill()  # the append-only file still holds the token's entry
        try:
            answer = do_logout()
        finally:
            stack.redis.start()
            window.ended = time.monotonic()
        return window, answer

    revocation_scenario(
        stack, mixed_load, fault="Redis killed (-9), restarted from its AOF", inject=inject
    )
