"""The host's gate in Redis (several worker processes, stood in for here by several
`SharedGate` objects on one Redis): free slots go to the longest waiting, whichever
process it waits in; a waiter of a process that died does not hold the queue; a full queue
turns arrivals away at the door. Real Redis on 127.0.0.1:6379 (CI and the project's
machines have one)."""

import socket
import threading
import time
from collections.abc import Iterator

import pytest

from tipline.throttling.gate import SharedGate

REDIS_URL = "redis://127.0.0.1:6379/13"


@pytest.fixture
def redis_db() -> Iterator[None]:
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=1).close()
    except OSError:
        pytest.skip("no Redis on 127.0.0.1:6379")
    import redis

    client = redis.Redis.from_url(REDIS_URL)
    client.flushdb()
    yield
    client.flushdb()


def host_gate(slots: int = 1, wait_seconds: float = 5, queue: int = 8) -> SharedGate:
    return SharedGate(REDIS_URL, slots, wait_seconds, queue)


class Holder(threading.Thread):
    """One request: waits for a slot, says when it got it, holds it until told to leave."""

    def __init__(self, gate: SharedGate, name: str, entered: list[str]) -> None:
        super().__init__(daemon=True)
        self.gate, self.name, self.entered = gate, name, entered
        self.leave = threading.Event()
        self.admitted: bool | None = None

    def run(self) -> None:
        self.admitted = self.gate.enter()
        if self.admitted:
            self.entered.append(self.name)
            self.leave.wait(10)
            self.gate.leave()


def until(condition: object, seconds: float = 5) -> None:
    deadline = time.monotonic() + seconds
    while not condition() and time.monotonic() < deadline:  # type: ignore[operator]
        time.sleep(0.01)


def test_free_slots_go_to_the_longest_waiting_across_processes(redis_db: None) -> None:
    first_worker, second_worker = host_gate(), host_gate()
    entered: list[str] = []
    holder = Holder(first_worker, "holder", entered)
    holder.start()
    until(lambda: entered == ["holder"])
    # Arrivals alternate between the two workers' gates; each waits its turn.
    waiters = []
    for number in range(4):
        waiter = Holder((second_worker, first_worker)[number % 2], f"w{number}", entered)
        waiter.start()
        waiters.append(waiter)
        time.sleep(0.05)
    holder.leave.set()
    for waiter in waiters:
        until(lambda waiter=waiter: waiter.name in entered)
        waiter.leave.set()
    for thread in [holder, *waiters]:
        thread.join(10)
    assert entered == ["holder", "w0", "w1", "w2", "w3"]


def test_a_waiter_left_by_a_dead_process_does_not_hold_the_queue(redis_db: None) -> None:
    import redis

    gate = host_gate(wait_seconds=1)
    prefix = gate._keys  # slots, waiting
    client = redis.Redis.from_url(REDIS_URL)
    # A process died waiting a minute ago: its token is first in the waiting set.
    client.zadd(prefix[1], {"dead": time.time() - 60})
    started = time.monotonic()
    assert gate.enter()
    assert time.monotonic() - started < 0.5
    gate.leave()
    assert client.zcard(prefix[1]) == 0 and client.zcard(prefix[0]) == 0


def test_a_full_host_turns_arrivals_away_at_the_door(redis_db: None) -> None:
    gate = host_gate(slots=1, wait_seconds=0.2, queue=1)
    entered: list[str] = []
    holder = Holder(gate, "holder", entered)
    holder.start()
    until(lambda: entered == ["holder"])
    assert not gate.overloaded()  # the queue has room
    waiter = Holder(host_gate(slots=1, wait_seconds=3, queue=1), "waiter", entered)
    waiter.start()
    until(lambda: gate.overloaded(), seconds=2)
    assert gate.overloaded()  # every slot busy, the queue full
    # Nobody freed the slot: a waiter gives up after its wait, and leaves the queue.
    assert not host_gate(slots=1, wait_seconds=0.2, queue=8).enter()
    holder.leave.set()
    until(lambda: "waiter" in entered)
    waiter.leave.set()
    for thread in (holder, waiter):
        thread.join(10)
    assert entered == ["holder", "waiter"]


def patient_gate(slots: int = 1) -> SharedGate:
    """A gate whose waiters would not ask Redis again for a minute on their own: only a
    wake lets them in sooner."""
    gate = host_gate(slots=slots, wait_seconds=120, queue=8)
    gate.NEXT_IN_LINE_SECONDS = gate.LONGEST_WAIT_SECONDS = 60
    return gate


class CountedEnters:
    """The gate's entry script, counting how often a waiter asked for a slot."""

    def __init__(self, gate: SharedGate) -> None:
        self.calls = 0
        self._script = gate._enter
        gate._enter = self  # type: ignore[method-assign]

    def __call__(self, *args: object) -> object:
        self.calls += 1
        return self._script(*args)


def test_a_freed_slot_wakes_the_next_in_line_who_does_not_ask_again_meanwhile(
    redis_db: None,
) -> None:
    entered: list[str] = []
    holder = Holder(host_gate(), "holder", entered)
    holder.start()
    until(lambda: entered == ["holder"])
    waiting_gate = patient_gate()
    asked = CountedEnters(waiting_gate)
    waiter = Holder(waiting_gate, "waiter", entered)
    waiter.start()
    until(lambda: asked.calls == 1)
    time.sleep(0.3)  # several of the old 10 ms polls
    assert asked.calls == 1  # blocked on its wake list, not asking
    holder.leave.set()
    until(lambda: "waiter" in entered)
    assert entered == ["holder", "waiter"]  # within seconds, not its minute
    assert asked.calls == 2  # once on arrival, once when woken
    waiter.leave.set()
    for thread in (holder, waiter):
        thread.join(10)
    import redis

    assert not redis.Redis.from_url(REDIS_URL).keys("*:wake:*")  # nothing left behind


def test_a_wake_skips_a_waiter_whose_process_died(redis_db: None) -> None:
    import redis

    entered: list[str] = []
    holder = Holder(host_gate(), "holder", entered)
    holder.start()
    until(lambda: entered == ["holder"])
    gate = patient_gate()
    # A process died waiting a minute ago: its token is first in the waiting set.
    redis.Redis.from_url(REDIS_URL).zadd(gate._keys[1], {"dead": time.time() - 60})
    waiter = Holder(gate, "waiter", entered)
    waiter.start()
    time.sleep(0.2)
    holder.leave.set()
    until(lambda: "waiter" in entered)
    assert entered == ["holder", "waiter"]
    waiter.leave.set()
    for thread in (holder, waiter):
        thread.join(10)
