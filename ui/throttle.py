"""Per-address limits for what the browser UI lets anyone do without an API key: sign-in attempts and job
creation. In memory, per process: each replica limits on its own, which still bounds an attacker by the
number of replicas."""

from __future__ import annotations

import time
from collections import OrderedDict, deque
from collections.abc import Callable
from dataclasses import dataclass

_MAX_TRACKED = 10_000  # addresses remembered at once; the least recently seen are forgotten first
_REMEMBER_FAILURES_SECONDS = 24 * 3600  # waiting out the longest delay must not earn a fresh set of free tries


@dataclass
class _Failures:
    count: int
    last: float


class SignInThrottle:
    """Failed sign-ins, per client address and overall, with delays that double with every further failure."""

    def __init__(self, *, free_per_address: int = 5, free_overall: int = 50, base_delay: float = 1.0,
                 max_delay: float = 900.0, clock: Callable[[], float] = time.monotonic) -> None:
        self.free_per_address, self.free_overall = free_per_address, free_overall
        self.base_delay, self.max_delay, self.clock = base_delay, max_delay, clock
        self._by_address: OrderedDict[str, _Failures] = OrderedDict()
        self._overall: deque[float] = deque()

    def wait_for(self, address: str) -> float:
        """Seconds until `address` may try again; 0 when it may try now."""
        now = self.clock()
        self._forget_before(now)
        waits = [0.0]
        mine = self._by_address.get(address)
        if mine is not None:
            waits.append(mine.last + self._delay(mine.count, self.free_per_address) - now)
        if self._overall:
            waits.append(self._overall[-1] + self._delay(len(self._overall), self.free_overall) - now)
        return max(waits)

    def failed(self, address: str) -> int:
        """Count a wrong password from `address`; returns its failures so far."""
        now = self.clock()
        mine = self._by_address.pop(address, None) or _Failures(0, now)
        mine.count, mine.last = mine.count + 1, now
        self._by_address[address] = mine
        while len(self._by_address) > _MAX_TRACKED:
            self._by_address.popitem(last=False)
        self._overall.append(now)
        return mine.count

    def succeeded(self, address: str) -> None:
        """A right password clears the address's failures (not the overall count)."""
        self._by_address.pop(address, None)

    def _delay(self, failures: int, free: int) -> float:
        if failures < free:
            return 0.0
        return min(self.max_delay, self.base_delay * 2.0 ** (failures - free))

    def _forget_before(self, now: float) -> None:
        while self._overall and self._overall[0] < now - self.max_delay:
            self._overall.popleft()
        cutoff = now - _REMEMBER_FAILURES_SECONDS
        for address in [a for a, f in self._by_address.items() if f.last < cutoff]:
            del self._by_address[address]


class RateLimit:
    """At most `limit` actions per address in any `window` seconds."""

    def __init__(self, limit: int, window: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.limit, self.window, self.clock = limit, window, clock
        self._seen: OrderedDict[str, deque[float]] = OrderedDict()

    def take(self, address: str) -> float:
        """Record one action and return 0, or return the seconds until one is allowed (recording nothing)."""
        now = self.clock()
        times = self._seen.pop(address, deque())
        while times and times[0] <= now - self.window:
            times.popleft()
        self._seen[address] = times
        while len(self._seen) > _MAX_TRACKED:
            self._seen.popitem(last=False)
        if len(times) >= self.limit:
            return times[0] + self.window - now
        times.append(now)
        return 0.0
