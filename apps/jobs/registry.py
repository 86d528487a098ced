"""Where jobs are declared: once, next to their code.

A job is a name, one function (or a chain of step functions) and a policy.
The backend is not chosen by the caller: ``backend_for`` derives it from the
declaration (no retries and no chain -> ``django.tasks``; otherwise Celery).
"""

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from django.conf import settings
from django.utils.module_loading import autodiscover_modules

# A job function takes the job's JSON keyword arguments and returns a small
# JSON summary (or None).
JobFunction = Callable[..., Any]


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


@dataclass(frozen=True, kw_only=True)
class JobSpec:
    name: str
    steps: tuple[JobFunction, ...]
    policy: JobPolicy = field(default_factory=JobPolicy)

    @property
    def is_chain(self) -> bool:
        return len(self.steps) > 1

    @property
    def backend(self) -> Backend:
        return backend_for(self.policy, step_count=len(self.steps))

    def step_names(self) -> list[str]:
        return [step.__name__ for step in self.steps]


def backend_for(policy: JobPolicy, *, step_count: int) -> Backend:
    """The routing rule, as data: retries, chains and time limits need Celery;
    everything else runs on ``django.tasks``."""
    limited = policy.soft_time_limit is not None or policy.time_limit is not None
    if policy.max_retries == 0 and step_count == 1 and not limited:
        return Backend.NATIVE
    return Backend.CELERY


class UnknownJob(LookupError):
    pass


_registry: dict[str, JobSpec] = {}


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
    if spec.policy.queue not in settings.JOBS_QUEUES:
        raise ValueError(f"job {spec.name!r}: queue {spec.policy.queue!r} is not in JOBS_QUEUES")
    _check_time_limits(spec)
    existing = _registry.get(spec.name)
    if existing is not None and existing != spec:
        raise ValueError(f"job {spec.name!r} is declared twice")
    _registry[spec.name] = spec
    return spec


def job(name: str, *, policy: JobPolicy | None = None) -> Callable[[JobFunction], JobFunction]:
    """Decorator: declare a one-function job under ``name``."""

    def decorate(function: JobFunction) -> JobFunction:
        register(JobSpec(name=name, steps=(function,), policy=policy or JobPolicy()))
        return function

    return decorate


def chain(name: str, *steps: JobFunction, policy: JobPolicy | None = None) -> JobSpec:
    """Declare a job made of steps that run in order (a Celery chain)."""
    return register(JobSpec(name=name, steps=tuple(steps), policy=policy or JobPolicy()))


def get_spec(name: str) -> JobSpec:
    try:
        return _registry[name]
    except KeyError:
        raise UnknownJob(f"no job is declared under the name {name!r}") from None


def all_specs() -> list[JobSpec]:
    return list(_registry.values())


def load_job_modules() -> None:
    """Import every installed app's ``jobs`` module, plus ``JOBS_EXTRA_MODULES``."""
    autodiscover_modules("jobs")
    for module in settings.JOBS_EXTRA_MODULES:
        importlib.import_module(module)
