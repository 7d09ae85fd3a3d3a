"""How sure a ratio of two rows' medians is: a bootstrap confidence interval.

One run's ratios (``schema.add_ratios``: a build against Python, debug against release, ...)
and two runs' (``compare``) carry the same interval: the ratio of the two medians over
resamples of both rows' samples, as pyperf's and hyperfine's comparisons judge a change
against the noise rather than against a fixed threshold.
"""

from __future__ import annotations

from typing import Optional

import numpy as np

#: The bootstrap's resamples (fewer for rows of many samples: at most MAX_DRAWS values drawn
#: per row), and the interval's confidence.
RESAMPLES = 2_000
MAX_DRAWS = 2_000_000
CONFIDENCE = 0.95

Interval = Optional[tuple[float, float]]


def resamples_for(base_len: int, other_len: int) -> int:
    """How many resamples an interval of rows of these lengths draws."""
    return max(200, min(RESAMPLES, MAX_DRAWS // max(base_len, other_len, 1)))


def draws(base_len: int, other_len: int) -> int:
    """How many values an interval of rows of these lengths draws: its cost."""
    return resamples_for(base_len, other_len) * (base_len + other_len)


def ratio_interval(base_ns: list[int], other_ns: list[int]) -> Interval:
    """The bootstrap interval (CONFIDENCE) of median(other) / median(base), or None when
    the base's medians are zero (a clock too coarse for the call). Seeded by the samples
    themselves: the same two rows give the same interval every time."""
    base, other = np.asarray(base_ns, dtype=float), np.asarray(other_ns, dtype=float)
    if not len(base) or not len(other):
        return None
    seed = [len(base), len(other), *map(int, base[:8]), *map(int, other[:8])]
    draw = np.random.default_rng(seed)
    resamples = resamples_for(len(base), len(other))

    def medians(values: np.ndarray) -> np.ndarray:
        return np.median(draw.choice(values, size=(resamples, len(values))), axis=1)

    base_medians, other_medians = medians(base), medians(other)
    finite = base_medians > 0
    if not finite.any():
        return None
    ratios = other_medians[finite] / base_medians[finite]
    tail = (1 - CONFIDENCE) / 2
    low, high = np.quantile(ratios, [tail, 1 - tail])
    return float(low), float(high)


def spans_one(interval: Interval) -> bool:
    """Whether the interval holds 1: the two medians may be the same."""
    return interval is not None and interval[0] <= 1 <= interval[1]
