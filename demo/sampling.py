"""Deterministic splitting and weighted sampling, shared by the planners."""

import math
import random

from .safety import DemoDataError


def allocate(total: int, weights: list[float], minimum: int) -> list[int]:
    """Split `total` into integers proportional to `weights`, each at least `minimum`.

    Largest remainders get the leftovers, so the result is exact and needs no randomness.
    """
    n = len(weights)
    base = [minimum] * n
    rest = total - minimum * n
    if rest < 0:
        raise DemoDataError("Not enough to give every place its minimum.")
    scale = sum(weights)
    shares = [rest * w / scale for w in weights]
    counts = [b + int(s) for b, s in zip(base, shares, strict=True)]
    leftover = total - sum(counts)
    by_fraction = sorted(range(n), key=lambda i: (-(shares[i] - int(shares[i])), i))
    for i in by_fraction[:leftover]:
        counts[i] += 1
    return counts


def weighted_sample(rng: random.Random, items: list, weights: list[float], k: int) -> list:
    """k distinct items, each drawn with probability proportional to its weight."""
    keyed = sorted(
        range(len(items)), key=lambda i: -math.log(1.0 - rng.random()) / max(weights[i], 1.0)
    )
    return [items[i] for i in keyed[:k]]
