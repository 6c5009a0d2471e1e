"""In-memory duplicate matching for a whole spreadsheet (the file's rows and the database's).

The blocks are pairs of phonetic name keys and the birth year: two records that share fewer than
two name words, or were born in years far apart, cannot reach the duplicate threshold, so they
are never compared. Same scores as :func:`coopdesk.people.dedup.score`.
"""

from __future__ import annotations

from collections import defaultdict
from itertools import combinations
from typing import Any

from coopdesk.people.dedup import THRESHOLD, Probe, score


def pair_keys(probe: Probe) -> list[str]:
    keys = sorted(probe.keys)
    if len(keys) <= 1:
        return keys
    return [f"{a}|{b}" for a, b in combinations(keys, 2)]


class Matcher:
    def __init__(self) -> None:
        self._by_year: dict[tuple[str, int | None], list[int]] = defaultdict(list)
        self._by_pair: dict[str, list[int]] = defaultdict(list)
        self._items: list[tuple[Any, Probe]] = []

    def add(self, ref: Any, probe: Probe) -> None:
        i = len(self._items)
        self._items.append((ref, probe))
        year = probe.birth_date.year if probe.birth_date else None
        for pk in pair_keys(probe):
            self._by_year[(pk, year)].append(i)
            self._by_pair[pk].append(i)

    def find(self, probe: Probe, limit: int = 5) -> list[tuple[Any, float, list[str]]]:
        seen: set[int] = set()
        year = probe.birth_date.year if probe.birth_date else None
        for pk in pair_keys(probe):
            if year is None:
                seen.update(self._by_pair.get(pk, ()))
            else:
                for y in (year, None):
                    seen.update(self._by_year.get((pk, y), ()))
        found = []
        for i in seen:
            ref, other = self._items[i]
            total, reasons = score(probe, other)
            if total >= THRESHOLD and "name" in reasons:
                found.append((ref, round(total, 1), reasons))
        found.sort(key=lambda t: -t[1])
        return found[:limit]
