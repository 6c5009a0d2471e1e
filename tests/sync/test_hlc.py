from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from coopdesk.sync.hlc import HLC, MAX_DRIFT_MS, Timestamp, skew_ms

DAY = 24 * 3600 * 1000
nodes = st.from_regex(r"[0-9A-Za-z_-]{1,12}", fullmatch=True)
stamps = st.builds(Timestamp, st.integers(0, 16**12 - 1), st.integers(0, 16**4 - 1), nodes)


class FakeClock:
    def __init__(self, ms: int) -> None:
        self.ms = ms

    def __call__(self) -> int:
        return self.ms


@given(stamps)
def test_encode_roundtrip(ts):
    assert Timestamp.decode(ts.encode()) == ts


@given(stamps, stamps)
def test_string_order_is_tuple_order(a, b):
    assert (a < b) == (a.encode() < b.encode())
    assert (a == b) == (a.encode() == b.encode())


@pytest.mark.parametrize("bad", ["", "x", "0190f3a1b2c3.0000.", "190f3a1b2c3.0000.TIZ", "0190f3a1b2c3.0000.T.Z",
                                 "0190F3A1B2C3.0000.TIZ", None, 12])
def test_decode_refuses_garbage(bad):
    with pytest.raises(ValueError):
        Timestamp.decode(bad)


@given(st.lists(st.tuples(st.sampled_from(["tick", "now", "observe"]), st.integers(-5000, 5000), stamps),
                max_size=60))
def test_monotonic_and_unique(ops):
    clock = FakeClock(1_700_000_000_000)
    hlc = HLC("A", physical=clock)
    seen = []
    for op, delta, remote in ops:
        if op == "tick":
            clock.ms = max(0, clock.ms + delta)  # the physical clock may even go backwards
            continue
        ts = hlc.now() if op == "now" else hlc.observe(remote).clock
        prev_wall = seen[-1].wall if seen else 0
        if seen:
            assert ts > seen[-1]
        seen.append(ts)
        # a receive never takes the clock beyond physical + drift (or where it already was)
        assert ts.wall <= max(clock.ms + MAX_DRIFT_MS, prev_wall) + 1


@given(st.lists(stamps, min_size=1, max_size=20))
def test_observe_then_now_is_after_every_bounded_remote(remotes):
    clock = FakeClock(1_700_000_000_000)
    hlc = HLC("A", physical=clock)
    for r in remotes:
        hlc.observe(r)
    ts = hlc.now()
    for r in remotes:
        if r.wall <= clock.ms + MAX_DRIFT_MS:
            assert ts > r


def test_future_remote_does_not_drag_the_clock():
    clock = FakeClock(1_700_000_000_000)
    hlc = HLC("B", physical=clock)
    obs = hlc.observe(Timestamp(clock.ms + DAY, 0, "A"))
    assert obs.skew_ms == DAY - MAX_DRIFT_MS
    assert obs.clock.wall == clock.ms + MAX_DRIFT_MS
    assert hlc.max_skew_ms == DAY - MAX_DRIFT_MS
    assert skew_ms(Timestamp(clock.ms + DAY, 0, "A"), clock.ms) == DAY - MAX_DRIFT_MS
    # once real time passes the drift window, B's stamps are plain physical time again
    clock.ms += MAX_DRIFT_MS + 1000
    assert hlc.now().wall == clock.ms


def test_now_after_is_successor_without_moving_the_clock():
    clock = FakeClock(1_700_000_000_000)
    hlc = HLC("B", physical=clock)
    future = Timestamp(clock.ms + DAY, 7, "A")
    ts = hlc.now(after=future)
    assert ts > future and ts == Timestamp(future.wall, 8, "B")
    assert hlc.last.wall == clock.ms  # the clock stayed true
    assert hlc.now(after=Timestamp(5, 0xFFFF, "Z")) > Timestamp(5, 0xFFFF, "Z")
    assert Timestamp(5, 0xFFFF, "Z").successor("A") == Timestamp(6, 0, "A")


def test_restore_from_last():
    clock = FakeClock(1_000)
    hlc = HLC("A", physical=clock)
    last = hlc.now().encode()
    clock.ms = 500  # PC clock set back after a restart
    again = HLC("A", last=last, physical=clock)
    assert again.now() > Timestamp.decode(last)
    assert again.backwards_ms > 0


class Register:
    """A last-writer-wins field as the merge will keep it: the highest timestamp wins."""

    def __init__(self, hlc: HLC) -> None:
        self.hlc = hlc
        self.value: str | None = None
        self.ts: Timestamp | None = None

    def edit(self, value: str) -> Timestamp:
        self.ts = self.hlc.now(after=self.ts)
        self.value = value
        return self.ts

    def receive(self, value: str, ts: Timestamp) -> None:
        self.hlc.observe(ts)
        if self.ts is None or ts > self.ts:
            self.value, self.ts = value, ts


def test_clock_a_day_ahead_cannot_win_against_a_later_edit():
    """A's PC clock is one day ahead; A edits a phone number. B (correct clock) receives A's
    bundle, and an hour later in real time edits the same field. After the exchange, B's value is
    kept on both sites, and B's clock did not jump a day ahead."""
    real = 1_750_000_000_000
    clock_a, clock_b = FakeClock(real + DAY), FakeClock(real)
    a, b = Register(HLC("A", physical=clock_a)), Register(HLC("B", physical=clock_b))

    ts_a = a.edit("+212 600 000 001")
    for c in (clock_a, clock_b):
        c.ms += 10 * 60 * 1000  # 10 minutes later: A's bundle arrives at B
    b.receive(a.value, ts_a)
    assert b.value == "+212 600 000 001"
    assert b.hlc.max_skew_ms > DAY / 2  # the import can warn about A's clock
    assert b.hlc.last.wall <= clock_b.ms + MAX_DRIFT_MS  # B's clock is not dragged into A's future

    for c in (clock_a, clock_b):
        c.ms += 3600 * 1000  # one hour later in real time
    ts_b = b.edit("+212 600 000 002")
    a.receive(b.value, ts_b)  # B's bundle reaches A
    assert a.value == b.value == "+212 600 000 002"
    assert a.ts == b.ts == ts_b

    # B's other edits carry true time: a third site C with a correct clock that edits another
    # field after B wins there, which would not hold had B's clock followed A's.
    other_b = b.hlc.now()
    assert other_b.wall < real + DAY / 2
    clock_c = FakeClock(clock_b.ms + 60_000)
    c_reg = Register(HLC("C", physical=clock_c))
    c_reg.receive("b-value", other_b)
    c_reg.edit("c-value")
    assert c_reg.ts > other_b and c_reg.value == "c-value"


def test_unbounded_hlc_would_spread_the_skew():
    """The same scenario with the bound disabled (huge drift): B's clock jumps a day ahead."""
    real = 1_750_000_000_000
    b = HLC("B", physical=FakeClock(real), max_drift_ms=10 * DAY)
    b.observe(Timestamp(real + DAY, 0, "A"))
    assert b.now().wall >= real + DAY


def test_invalid_node_refused():
    with pytest.raises(ValueError):
        HLC("T.Z")
    with pytest.raises(ValueError):
        Timestamp.make(-1, 0, "A")
