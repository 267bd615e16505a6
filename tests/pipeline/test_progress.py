"""The progress bar's milestones: the seed's steps in order, with voicing (most of a job's time) most of the bar."""

from __future__ import annotations

from itertools import pairwise

from pipeline.progress import Milestone, voicing_percent


def test_milestones_keep_the_seed_s_order_and_give_voicing_most_of_the_bar() -> None:
    values = [milestone.value for milestone in Milestone]
    assert values == sorted(values) and len(set(values)) == len(values) and values[0] > 0 and values[-1] < 100
    assert Milestone.VOICED - Milestone.VOICING >= 80


def test_each_voiced_line_moves_the_bar_by_an_equal_share() -> None:
    steps = [voicing_percent(done, 40) for done in range(41)]
    assert steps[0] == Milestone.VOICING and steps[-1] == Milestone.VOICED
    assert all(0 <= b - a <= 3 for a, b in pairwise(steps))
    assert steps[20] in (Milestone.VOICING + 41, Milestone.VOICING + 42)
