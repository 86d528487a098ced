"""Faults to inject, each recording when it started and ended (``time.monotonic()``).

The servers and processes themselves (``tests.faults.stack``) know how to be
killed (``kill()``: SIGKILL to the whole process group), stopped
(``pause()``/``resume()``: SIGSTOP/SIGCONT, sockets stay open and nothing
answers) and restarted; these wrap them into windows a test can measure
against.
"""

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Protocol


class Pausable(Protocol):
    def pause(self) -> None: ...
    def resume(self) -> None: ...


@dataclass
class Window:
    """When a fault was in effect: from ``started`` until ``ended`` (monotonic seconds)."""

    started: float
    ended: float = 0.0

    @property
    def seconds(self) -> float:
        return (self.ended or time.monotonic()) - self.started


@contextmanager
def paused(target: Pausable) -> Iterator[Window]:
    """SIGSTOP ``target`` for the body of the ``with``; SIGCONT after, whatever happens."""
    window = Window(time.monotonic())
    target.pause()
    try:
        yield window
    finally:
        target.resume()
        window.ended = time.monotonic()


@contextmanager
def down(stop: Callable[[], object], start: Callable[[], object]) -> Iterator[Window]:
    """``stop()`` before the body, ``start()`` after it: the window ends once ``start`` returned."""
    window = Window(time.monotonic())
    stop()
    try:
        yield window
    finally:
        start()
        window.ended = time.monotonic()


def hold(seconds: float) -> None:
    """Keep a fault in effect for ``seconds``: the duration of the fault itself, which
    is what is being tested (never a stand-in for waiting on a condition)."""
    time.sleep(seconds)
