"""The K runs keep freed memory in the process (explorer/vouchers/memory.py): glibc is told once on the way
in, told back and trimmed once on the way out, however the scopes nest or overlap across threads."""

from __future__ import annotations

import threading

import numpy as np
import pytest

from explorer.vouchers import memory
from explorer.vouchers.engine import simulate
from explorer.vouchers.population import synthetic_population
from explorer.vouchers.presets import NEW_YEAR


class FakeLibc:
    def __init__(self) -> None:
        self.calls: list[tuple] = []

    def mallopt(self, param: int, value: int) -> int:
        self.calls.append(("mallopt", param, value))
        return 1

    def malloc_trim(self, pad: int) -> int:
        self.calls.append(("malloc_trim", pad))
        return 1


ON = [
    ("mallopt", memory.M_MMAP_THRESHOLD, memory.KEEP_MMAP_THRESHOLD),
    ("mallopt", memory.M_TRIM_THRESHOLD, memory.KEEP_TRIM_THRESHOLD),
]
OFF = [
    ("mallopt", memory.M_MMAP_THRESHOLD, memory.AFTER_MMAP_THRESHOLD),
    ("mallopt", memory.M_TRIM_THRESHOLD, memory.AFTER_TRIM_THRESHOLD),
    ("malloc_trim", 0),
]


def test_nested_scopes_switch_once_on_and_once_off(monkeypatch) -> None:
    fake = FakeLibc()
    monkeypatch.setattr(memory, "_LIBC", fake)
    with memory.reuse_freed_memory():
        assert fake.calls == ON
        with memory.reuse_freed_memory():
            assert fake.calls == ON  # the inner scope changes nothing
        assert fake.calls == ON  # nor does leaving it while the outer one holds
    assert fake.calls == ON + OFF
    assert memory._holders == 0


def test_the_setting_is_restored_when_a_run_fails(monkeypatch) -> None:
    fake = FakeLibc()
    monkeypatch.setattr(memory, "_LIBC", fake)
    with pytest.raises(RuntimeError, match="a run failed"), memory.reuse_freed_memory():
        raise RuntimeError("a run failed")
    assert fake.calls == ON + OFF
    assert memory._holders == 0


def test_overlapping_threads_share_one_setting(monkeypatch) -> None:
    fake = FakeLibc()
    monkeypatch.setattr(memory, "_LIBC", fake)
    inside, release = threading.Barrier(3), threading.Event()

    def session() -> None:
        with memory.reuse_freed_memory():
            inside.wait()
            release.wait()

    threads = [threading.Thread(target=session) for _ in range(2)]
    for t in threads:
        t.start()
    inside.wait()  # both sessions hold the scope
    assert fake.calls == ON and memory._holders == 2
    release.set()
    for t in threads:
        t.join()
    assert fake.calls == ON + OFF


def test_results_do_not_depend_on_the_allocator_setting(monkeypatch) -> None:
    population = synthetic_population(
        {"child": 200, "low_income_household": 300}, categories=NEW_YEAR.merchants.categories, seed=2
    )
    kept = simulate(NEW_YEAR, population, runs=2, seed=5)
    monkeypatch.setattr(memory, "_LIBC", None)  # the no-op path (no glibc)
    plain = simulate(NEW_YEAR, population, runs=2, seed=5)
    for a, b in zip(kept.runs, plain.runs, strict=True):
        assert a.scalars == b.scalars
        assert np.array_equal(a.daily_redeemed, b.daily_redeemed)
    assert kept.runs[0].scalars["redeemed"] > 0
