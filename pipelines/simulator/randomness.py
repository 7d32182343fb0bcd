"""Deterministic randomness: every draw is a pure function of (seed, parts...), so data for a date never
depends on which other dates were generated first or on `today`."""

from __future__ import annotations

import base64
import hashlib
import math
import random
import struct
from collections.abc import Sequence
from typing import TypeVar

T = TypeVar("T")


def digest(*parts: object) -> bytes:
    return hashlib.blake2b("\x1f".join(str(p) for p in parts).encode(), digest_size=16).digest()


def unit(*parts: object) -> float:
    """A float in [0, 1) determined by `parts`."""
    return (struct.unpack("<Q", digest(*parts)[:8])[0] >> 11) / float(1 << 53)


def integer(*parts: object) -> int:
    return struct.unpack("<Q", digest(*parts)[:8])[0]


def rng(*parts: object) -> random.Random:
    return random.Random(int.from_bytes(digest(*parts), "little"))


def token(*parts: object, length: int = 11) -> str:
    """URL-safe id such as a YouTube video id."""
    raw = base64.urlsafe_b64encode(digest(*parts) + digest(*parts, "x")).decode().rstrip("=")
    return raw[:length]


def digits(*parts: object, length: int = 15) -> str:
    """A numeric id string of exactly `length` digits, never starting with 0."""
    value = int.from_bytes(digest(*parts) + digest(*parts, "more"), "little")
    text = str(value)[: length - 1]
    return str(1 + value % 9) + text.rjust(length - 1, "0")


def poisson(r: random.Random, lam: float) -> int:
    if lam <= 0:
        return 0
    if lam > 30:
        return max(0, round(r.gauss(lam, math.sqrt(lam))))
    limit, k, p = math.exp(-lam), 0, 1.0
    while True:
        p *= r.random()
        if p <= limit:
            return k
        k += 1


def lognormal(r: random.Random, sigma: float) -> float:
    """Multiplicative noise with median 1."""
    return math.exp(r.gauss(0.0, sigma))


def weighted(r: random.Random, items: Sequence[T], weights: Sequence[float]) -> T:
    return r.choices(items, weights=weights, k=1)[0]


def split(r: random.Random, total: int, weights: Sequence[float]) -> list[int]:
    """Split `total` into len(weights) integer parts (multinomial by sequential binomials, approximated)."""
    parts: list[int] = []
    remaining, weight_left = total, float(sum(weights))
    for w in weights[:-1]:
        if remaining <= 0 or weight_left <= 0:
            parts.append(0)
            continue
        p = min(1.0, w / weight_left)
        mean = remaining * p
        if remaining < 40:
            n = sum(1 for _ in range(remaining) if r.random() < p)
        else:
            n = round(r.gauss(mean, math.sqrt(max(mean * (1 - p), 1e-9))))
        n = min(remaining, max(0, n))
        parts.append(n)
        remaining -= n
        weight_left -= w
    parts.append(max(0, remaining))
    return parts
