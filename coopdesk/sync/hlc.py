"""Hybrid logical clock (HLC) with a bound on clock skew.

A timestamp is ``(wall, counter, node)``: ``wall`` is milliseconds since the Unix epoch as the
clock saw it, ``counter`` orders events inside one millisecond, ``node`` is the id of the site
that made it and breaks ties. Tuple order is a total order; every site sorts the same way.

Encoded form (for the database and for SQL ``ORDER BY``)::

    0190f3a1b2c3.0000.TIZ01
    └ wall: 12 hex ┘└ counter: 4 hex ┘└ node id (1-64 of [0-9A-Za-z_-])

The two numeric fields have a fixed width, so comparing two encoded strings byte by byte gives
the same answer as comparing the tuples (12 hex digits of milliseconds last until the year 10889).

The clock-skew rule
-------------------
Plain HLC lets a remote timestamp pull the local clock forward without limit: one PC whose clock
is a day (or, after a BIOS battery failure, years) ahead drags every site that imports from it
into its future, and from then on *all* edits of all sites carry that bogus wall time. Here:

1. **Receiving never moves the clock more than ``max_drift_ms`` ahead of the local physical
   clock.** ``observe(remote)`` takes ``min(remote.wall, physical + max_drift)`` into account, and
   reports how far beyond that the remote was (``Observation.skew_ms``), so the import can warn
   "the clock of site X is about 1 day ahead".
2. **An edit always sorts after the value it replaces.** ``now(after=previous_ts)`` returns a
   timestamp strictly greater than ``previous_ts`` even when ``previous_ts`` is in the future.
   So when B has seen A's future-dated edit and edits the same field again, B's edit wins on
   every site (it is the successor of A's), while B's clock itself stays true: only that one
   field carries the inflated time, nothing else B does is affected.

Together: a skewed site wins only against edits that are truly concurrent with its own (made
without having seen them); those are conflicts, which the merge keeps for review anyway. It cannot
win against any later edit made by someone who has seen its value, and it cannot spread its error
to other sites' clocks. (A site's own clock stays monotonic: if its clock is set back, it keeps
counting from its last timestamp, as HLC requires; ``HLC.backwards_ms`` tells the app to warn.)
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable
from typing import NamedTuple

MAX_DRIFT_MS = 5 * 60 * 1000
"""How far ahead of our physical clock a remote wall time may pull our clock (5 minutes)."""

WALL_HEX = 12
COUNTER_HEX = 4
MAX_WALL = 16**WALL_HEX - 1
MAX_COUNTER = 16**COUNTER_HEX - 1
NODE_RE = re.compile(r"^[0-9A-Za-z_-]{1,64}$")
_ENCODED_RE = re.compile(r"^([0-9a-f]{12})\.([0-9a-f]{4})\.([0-9A-Za-z_-]{1,64})$")


def physical_ms() -> int:
    """The PC's clock in milliseconds since the epoch."""
    return time.time_ns() // 1_000_000


class Timestamp(NamedTuple):
    """An HLC timestamp; compare with ``<`` (tuple order) or compare the encoded strings."""

    wall: int
    counter: int
    node: str

    def encode(self) -> str:
        return f"{self.wall:0{WALL_HEX}x}.{self.counter:0{COUNTER_HEX}x}.{self.node}"

    def __str__(self) -> str:
        return self.encode()

    @classmethod
    def decode(cls, text: str) -> Timestamp:
        m = _ENCODED_RE.match(text) if isinstance(text, str) else None
        if m is None:
            raise ValueError(f"not an HLC timestamp: {text!r}")
        return cls(int(m.group(1), 16), int(m.group(2), 16), m.group(3))

    @classmethod
    def make(cls, wall: int, counter: int, node: str) -> Timestamp:
        _check(wall, counter, node)
        return cls(wall, counter, node)

    def successor(self, node: str) -> Timestamp:
        """The smallest timestamp of ``node`` that sorts after this one (whatever ``node`` is)."""
        if self.counter < MAX_COUNTER:
            return Timestamp(self.wall, self.counter + 1, node)
        return Timestamp(self.wall + 1, 0, node)


def _check(wall: int, counter: int, node: str) -> None:
    if not (isinstance(wall, int) and 0 <= wall <= MAX_WALL):
        raise ValueError(f"wall out of range: {wall!r}")
    if not (isinstance(counter, int) and 0 <= counter <= MAX_COUNTER):
        raise ValueError(f"counter out of range: {counter!r}")
    if not (isinstance(node, str) and NODE_RE.match(node)):
        raise ValueError(f"invalid node id for a timestamp: {node!r}")


def as_timestamp(value: Timestamp | str) -> Timestamp:
    if isinstance(value, Timestamp):
        return value
    return Timestamp.decode(value)


class Observation(NamedTuple):
    """What ``HLC.observe`` did: the clock after the receive, and how far the remote was beyond
    ``physical + max_drift`` (0 when it was within the bound)."""

    clock: Timestamp
    skew_ms: int


class HLC:
    """One site's clock. Thread-safe. Persist ``last`` and pass it back when the app restarts."""

    def __init__(self, node: str, *, last: Timestamp | str | None = None,
                 physical: Callable[[], int] = physical_ms, max_drift_ms: int = MAX_DRIFT_MS) -> None:
        if not (isinstance(node, str) and NODE_RE.match(node)):
            raise ValueError(f"invalid node id: {node!r}")
        if max_drift_ms < 0:
            raise ValueError("max_drift_ms must be >= 0")
        self.node = node
        self.max_drift_ms = max_drift_ms
        self._physical = physical
        self._lock = threading.Lock()
        if last is None:
            self._wall, self._counter = 0, 0
        else:
            ts = as_timestamp(last)
            self._wall, self._counter = ts.wall, ts.counter
        self.max_skew_ms = 0
        """The largest skew seen by ``observe`` since this object was made."""

    @property
    def last(self) -> Timestamp:
        """The last timestamp issued or observed (what to persist)."""
        with self._lock:
            return Timestamp(self._wall, self._counter, self.node)

    @property
    def backwards_ms(self) -> int:
        """How far the physical clock is behind the last timestamp (> 0: clock set back)."""
        with self._lock:
            return max(0, self._wall - self._physical())

    def _advance(self, wall: int, counter: int) -> Timestamp:
        # caller holds the lock; (wall, counter) is the smallest acceptable new value
        if counter > MAX_COUNTER:
            wall, counter = wall + 1, 0
        if wall > MAX_WALL:
            raise OverflowError("HLC wall time overflow")
        self._wall, self._counter = wall, counter
        return Timestamp(wall, counter, self.node)

    def now(self, after: Timestamp | str | None = None) -> Timestamp:
        """A new timestamp for a local event, greater than every one this clock issued or observed.

        ``after``: the timestamp of the value this edit replaces; the result is then also greater
        than it (even when it is in the future), without moving the clock to it.
        """
        with self._lock:
            pt = self._physical()
            if pt > self._wall:
                ts = self._advance(pt, 0)
            else:
                ts = self._advance(self._wall, self._counter + 1)
        if after is not None:
            prev = as_timestamp(after)
            if ts <= prev:
                # Only this value is stamped after `prev`; the clock itself is left alone unless
                # `prev` is within the drift bound (then it is a legitimate observation).
                ts = prev.successor(self.node)
                with self._lock:
                    if ts.wall <= self._physical() + self.max_drift_ms and (ts.wall, ts.counter) > (
                            self._wall, self._counter):
                        self._wall, self._counter = ts.wall, ts.counter
        return ts

    def observe(self, remote: Timestamp | str) -> Observation:
        """Take a remote timestamp into account (on import), bounded by the drift rule."""
        r = as_timestamp(remote)
        with self._lock:
            pt = self._physical()
            limit = pt + self.max_drift_ms
            skew = max(0, r.wall - limit)
            if skew:
                self.max_skew_ms = max(self.max_skew_ms, skew)
                r_wall, r_counter = limit, 0
            else:
                r_wall, r_counter = r.wall, r.counter
            wall = max(self._wall, r_wall, pt)
            if wall == self._wall and wall == r_wall:
                counter = max(self._counter, r_counter) + 1
            elif wall == self._wall:
                counter = self._counter + 1
            elif wall == r_wall:
                counter = r_counter + 1
            else:
                counter = 0
            ts = self._advance(wall, counter)
        return Observation(ts, skew)


def skew_ms(remote: Timestamp | str, physical: int, max_drift_ms: int = MAX_DRIFT_MS) -> int:
    """How far ``remote`` is beyond ``physical + max_drift_ms`` (0 when within the bound)."""
    return max(0, as_timestamp(remote).wall - physical - max_drift_ms)
