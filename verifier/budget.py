"""The whole run's time budget (`--max-time`): past it, what is left is `unknown`.

`--timeout` and `--rlimit` bound each query, not the run, and a small spec can ask for
many (300 parties, 60 parties by 61 drafts). A Budget is a deadline on the monotonic
clock, which on Linux is one clock for every process, so worker processes (--jobs)
share the parent's deadline. Sessions cut each query to the time left and, once it is
gone, raise BudgetExhausted instead of asking the solver; the pipeline turns that into
an `unknown` finding for each check not done, and the report of what was done is written.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

DEFAULT_SECONDS = 600.0


class BudgetExhausted(Exception):
    """The run's time budget is spent: no further query is asked."""


@dataclass(frozen=True)
class Budget:
    seconds: float
    deadline: float  # time.monotonic() at which the budget is spent

    @staticmethod
    def start(seconds: float) -> Budget:
        return Budget(seconds, time.monotonic() + seconds)

    @property
    def reason(self) -> str:
        return f"run budget of {self.seconds:g} s exhausted"

    def remaining(self) -> float:
        return self.deadline - time.monotonic()

    def exhausted(self) -> bool:
        return self.remaining() <= 0

    def check(self) -> float:
        """The seconds left; BudgetExhausted if there are none."""
        left = self.remaining()
        if left <= 0:
            raise BudgetExhausted(self.reason)
        return left

    def cap_ms(self, timeout_ms: int) -> int:
        """A query's timeout cut to the time left (at least 1 ms); BudgetExhausted if none is."""
        left_ms = max(1, int(self.check() * 1000))
        return left_ms if not timeout_ms or left_ms < timeout_ms else timeout_ms
