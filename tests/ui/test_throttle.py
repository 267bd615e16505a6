"""Limits on what the UI lets anyone do without a key: sign-in attempts and episodes per address."""

from __future__ import annotations

from ui.throttle import RateLimit, SignInThrottle


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_failed_sign_ins_from_one_address_wait_longer_and_longer() -> None:
    clock = Clock()
    throttle = SignInThrottle(free_per_address=3, free_overall=1000, base_delay=1, max_delay=60, clock=clock)
    for _ in range(2):
        throttle.failed("1.2.3.4")
    assert throttle.wait_for("1.2.3.4") == 0, "the first mistakes cost nothing"
    waits = []
    for _ in range(5):
        throttle.failed("1.2.3.4")
        waits.append(throttle.wait_for("1.2.3.4"))
    assert waits == [1, 2, 4, 8, 16]
    assert throttle.wait_for("5.6.7.8") == 0, "other addresses are not held up"
    clock.now += 16
    assert throttle.wait_for("1.2.3.4") == 0
    throttle.succeeded("1.2.3.4")
    throttle.failed("1.2.3.4")
    assert throttle.wait_for("1.2.3.4") == 0, "a right password clears the address's count"


def test_delays_stop_at_the_maximum() -> None:
    throttle = SignInThrottle(free_per_address=1, free_overall=1000, base_delay=1, max_delay=60, clock=Clock())
    for _ in range(30):
        throttle.failed("a")
    assert throttle.wait_for("a") == 60


def test_many_addresses_guessing_together_slow_everyone_down() -> None:
    clock = Clock()
    throttle = SignInThrottle(free_per_address=5, free_overall=10, base_delay=1, max_delay=60, clock=clock)
    for number in range(12):
        throttle.failed(f"10.0.0.{number}")
    assert throttle.wait_for("192.0.2.1") == 4, "overall failures past the free ten delay a new address too"
    clock.now += 61
    assert throttle.wait_for("192.0.2.1") == 0, "old failures are forgotten"


def test_rate_limit_allows_the_limit_per_window_per_address() -> None:
    clock = Clock()
    limit = RateLimit(2, window=3600, clock=clock)
    assert [limit.take("a"), limit.take("a")] == [0, 0]
    clock.now = 100
    assert limit.take("a") == 3500, "the oldest action leaves the window in 3500 s"
    assert limit.take("b") == 0
    clock.now = 3600
    assert limit.take("a") == 0


def test_waiting_out_the_longest_delay_does_not_earn_fresh_free_tries() -> None:
    clock = Clock()
    throttle = SignInThrottle(free_per_address=2, free_overall=1000, base_delay=1, max_delay=60, clock=clock)
    for _ in range(10):
        throttle.failed("a")
    clock.now += 61  # past the longest delay
    assert throttle.wait_for("a") == 0
    throttle.failed("a")
    assert throttle.wait_for("a") == 60, "the address's earlier failures still count"
