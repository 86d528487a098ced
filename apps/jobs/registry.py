"""Where jobs are declared: once, next to their code, in each app's ``jobs.py``.

A job is a name, one function (or a chain of named steps), a policy and an
optional failure hook; a periodic job is a name, a function and an interval.
The backend is not chosen by the caller: ``backend_for`` derives it from the
declaration (no retries, no chain, no time limit -> ``django.tasks``;
otherwise Celery). Other apps use this through ``apps.jobs.api``.
"""

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from enum import StrEnum
from typing import Any

from django.conf import settings
from django.utils.module_loading import autodiscover_modules


@dataclass(frozen=True, kw_only=True)
class JobContext:
    """What a running job may know about its own run (its first argument).

    - ``attempt``: 1 for the first try (for a chain: of the running step);
      an attempt lost with its worker counts too;
    - ``is_final``: no retry follows if this attempt fails;
    - ``retry_in``: seconds before the retry if this attempt fails (None when
      final); the runner waits exactly this long, jitter included;
    - ``request_id``: the id of the request that dispatched the job, if any.
    """

    attempt: int
    is_final: bool
    retry_in: float | None
    request_id: str | None


# A job function takes the context and the job's JSON keyword arguments and
# returns a small JSON summary (or None).
JobFunction = Callable[..., Any]
# Called with the job's keyword arguments when the job ends without success
# (failed for good, or cancelled), in the transaction that records it.
FailureHook = Callable[..., None]


class Backend(StrEnum):
    NATIVE = "native"
    CELERY = "celery"


@dataclass(frozen=True, kw_only=True)
class JobPolicy:
    """How a job runs: retries with exponential backoff, limits, queue."""

    max_retries: int = 0
    backoff_base: float = 2.0  # seconds before the first retry, doubled each time
    backoff_max: float = 600.0  # never wait longer than this between attempts
    jitter: bool = True  # full jitter: a random wait in [0, backoff]
    soft_time_limit: float | None = None  # seconds; the job gets an exception
    time_limit: float | None = None  # seconds; the worker process is killed
    queue: str = "default"


@dataclass(frozen=True)
class Step:
    """One named step of a chain (the name is what the jobs API shows)."""

    name: str
    function: JobFunction


@dataclass(frozen=True, kw_only=True)
class JobSpec:
    name: str
    steps: tuple[Step, ...]
    policy: JobPolicy = field(default_factory=JobPolicy)
    is_chain: bool = False
    on_failure: FailureHook | None = None

    @property
    def backend(self) -> Backend:
        return backend_for(self.policy, chain=self.is_chain)

    def step_names(self) -> list[str]:
        return [step.name for step in self.steps]


@dataclass(frozen=True, kw_only=True)
class PeriodicSpec:
    """A function without arguments that Celery beat runs every ``every``."""

    name: str
    function: Callable[[], object]
    every: timedelta


def backend_for(policy: JobPolicy, *, chain: bool) -> Backend:
    """The routing rule, as data: retries, chains and time limits need Celery;
    everything else runs on ``django.tasks``."""
    limited = policy.soft_time_limit is not None or policy.time_limit is not None
    if policy.max_retries == 0 and not chain and not limited:
        return Backend.NATIVE
    return Backend.CELERY


class UnknownJob(LookupError):
    pass


_registry: dict[str, JobSpec] = {}
_periodic: dict[str, PeriodicSpec] = {}


def _check_time_limits(spec: JobSpec) -> None:
    # Celery's prefork pool arms a job's hard limit only when its soft limit
    # fires (hard - soft later): a hard limit at or below the soft one (or the
    # default soft one) would not be enforced in time. Refuse it up front.
    soft = spec.policy.soft_time_limit or settings.CELERY_TASK_SOFT_TIME_LIMIT
    hard = spec.policy.time_limit or settings.CELERY_TASK_TIME_LIMIT
    if soft >= hard:
        raise ValueError(
            f"job {spec.name!r}: soft_time_limit ({soft}s) must be below time_limit ({hard}s)"
        )


def register(spec: JobSpec) -> JobSpec:
    """Declare a job. Names are unique; a queue must be one the workers consume."""
    if not spec.steps:
        raise ValueError(f"job {spec.name!r} has no function")
    names = spec.step_names()
    if len(set(names)) != len(names):
        raise ValueError(f"job {spec.name!r}: step names must be unique")
    if spec.policy.queue not in settings.JOBS_QUEUES:
        raise ValueError(f"job {spec.name!r}: queue {spec.policy.queue!r} is not in JOBS_QUEUES")
    _check_time_limits(spec)
    existing = _registry.get(spec.name)
    if existing is not None and existing != spec:
        raise ValueError(f"job {spec.name!r} is declared twice")
    _registry[spec.name] = spec
    return spec


def job(
    name: str, *, policy: JobPolicy | None = None, on_failure: FailureHook | None = None
) -> Callable[[JobFunction], JobFunction]:
    """Decorator: declare a one-function job under ``name``.

    The function is called as ``function(context, **kwargs)``.
    """

    def decorate(function: JobFunction) -> JobFunction:
        register(
            JobSpec(
                name=name,
                steps=(Step(name, function),),
                policy=policy or JobPolicy(),
                on_failure=on_failure,
            )
        )
        return function

    return decorate


def step(name: str, function: JobFunction) -> Step:
    """A chain step: its name (shown in the jobs API) and its function."""
    return Step(name, function)


def chain(
    name: str,
    *steps: Step,
    policy: JobPolicy | None = None,
    on_failure: FailureHook | None = None,
) -> JobSpec:
    """Declare a job made of named steps that run in order (a Celery chain)."""
    return register(
        JobSpec(
            name=name,
            steps=tuple(steps),
            policy=policy or JobPolicy(),
            is_chain=True,
            on_failure=on_failure,
        )
    )


def periodic(name: str, *, every: timedelta) -> Callable[[Callable[[], Any]], Callable[[], Any]]:
    """Decorator: run a function without arguments every ``every`` (Celery beat).

    A periodic run records no Job row; a run that fails is tried again at the
    next interval, so the function must be safe to run any number of times.
    """

    def decorate(function: Callable[[], Any]) -> Callable[[], Any]:
        spec = PeriodicSpec(name=name, function=function, every=every)
        existing = _periodic.get(name)
        if existing is not None and existing != spec:
            raise ValueError(f"periodic job {name!r} is declared twice")
        _periodic[name] = spec
        return function

    return decorate


def get_spec(name: str) -> JobSpec:
    try:
        return _registry[name]
    except KeyError:
        raise UnknownJob(f"no job is declared under the name {name!r}") from None


def all_specs() -> list[JobSpec]:
    return list(_registry.values())


def get_periodic(name: str) -> PeriodicSpec:
    try:
        return _periodic[name]
    except KeyError:
        raise UnknownJob(f"no periodic job is declared under the name {name!r}") from None


def all_periodic() -> list[PeriodicSpec]:
    return list(_periodic.values())


def load_job_modules() -> None:
    """Import every installed app's ``jobs`` module, plus ``JOBS_EXTRA_MODULES``."""
    autodiscover_modules("jobs")
    for module in settings.JOBS_EXTRA_MODULES:
        importlib.import_module(module)
