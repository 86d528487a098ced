"""Comparing the response times of two kinds of request (account enumeration by timing).

Absolute times mean nothing on a shared, loaded machine; what an attacker
exploits is that one kind is *consistently* slower than the other. So the
two kinds are sent interleaved (in a random order within each pair, so that
neither always follows the other), and compared by rank, which load spikes
and outliers cannot skew:

- ``superiority`` is the probability that a request of kind A took longer than
  one of kind B (the Mann-Whitney U statistic divided by n*m; 0.5 = no
  difference, 1.0 = every A slower than every B). With 40 of each its
  standard deviation under "no difference" is about 0.065.
- the medians are reported next to it, and their difference is compared with
  the spread of the pooled sample (its interquartile range).
"""

import random
import statistics
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Comparison:
    a: list[float]
    b: list[float]

    @property
    def superiority(self) -> float:
        """P(a random A took longer than a random B), ties counting half."""
        wins = sum((x > y) + 0.5 * (x == y) for x in self.a for y in self.b)
        return wins / (len(self.a) * len(self.b))

    @property
    def median_gap(self) -> float:
        return statistics.median(self.a) - statistics.median(self.b)

    @property
    def pooled_iqr(self) -> float:
        quartiles = statistics.quantiles(self.a + self.b, n=4)
        return quartiles[2] - quartiles[0]

    def describe(self) -> str:
        return (
            f"median A {statistics.median(self.a) * 1000:.2f} ms, "
            f"median B {statistics.median(self.b) * 1000:.2f} ms, "
            f"gap {self.median_gap * 1000:+.2f} ms, pooled IQR {self.pooled_iqr * 1000:.2f} ms, "
            f"P(A slower than B) = {self.superiority:.2f}"
        )

    def indistinguishable(self, *, max_superiority: float = 0.75) -> bool:
        """No consistent difference: neither kind is slower in more than
        ``max_superiority`` of the pairings, and the medians differ by less
        than the pooled interquartile range."""
        balanced = 1 - max_superiority <= self.superiority <= max_superiority
        return balanced and abs(self.median_gap) < self.pooled_iqr


async def interleaved(
    a: Callable[[], Awaitable[object]],
    b: Callable[[], Awaitable[object]],
    *,
    rounds: int = 40,
    warmup: int = 3,
    seed: int = 11,
) -> Comparison:
    """Time ``rounds`` calls of each, one of each per round in a random order."""
    order = random.Random(seed)
    for _ in range(warmup):
        await a()
        await b()
    times: dict[str, list[float]] = {"a": [], "b": []}
    for _ in range(rounds):
        pair = [("a", a), ("b", b)]
        order.shuffle(pair)
        for name, call in pair:
            started = time.perf_counter()
            await call()
            times[name].append(time.perf_counter() - started)
    return Comparison(times["a"], times["b"])
