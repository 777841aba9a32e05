"""The demo cases as scripts, one module of them per town (沙河营镇's in two, by when they were
reported), each case with every step it took. Replayed by gridgov.demo.replay."""

from gridgov.demo.scripted import bowang, mouding, shaheying_early, shaheying_late
from gridgov.demo.scripted.script import GRID, DemoCase

__all__ = ["GRID", "DemoCase", "demo_cases"]


def demo_cases() -> list[DemoCase]:
    """The demo cases, each town's oldest first. Every color, status, rung of the ladder and
    call state."""
    return [
        *shaheying_early.cases(),
        *shaheying_late.cases(),
        *bowang.cases(),
        *mouding.cases(),
    ]
