"""Damaged PDFs (byte flips, truncation, object damage) end `ok` or with a coded error, never a crash."""

from __future__ import annotations

import importlib.util
import time
from pathlib import Path

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "fuzz_pdfs.py"
CASES = 210


def _fuzz_module():
    spec = importlib.util.spec_from_file_location("fuzz_pdfs", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_mutated_pdfs_end_ok_or_with_a_coded_error(tmp_path):
    fuzz = _fuzz_module()
    started = time.monotonic()
    result = fuzz.fuzz(CASES, seed=8, timeout=10.0, folder=tmp_path)
    failures = "\n".join(f"{where}\n{trace}" for where, trace in result["failures"])
    assert not result["failures"], failures
    assert sum(result["outcomes"].values()) == CASES
    # The mutations must really damage files, and the undamaged parts must still be read.
    assert result["outcomes"].get("corrupt", 0) > CASES // 10
    assert result["outcomes"].get("ok", 0) > 0
    assert result["slowest_seconds"] < 10.0
    assert time.monotonic() - started < 120


def test_every_mutation_changes_the_file(tmp_path):
    import random

    fuzz = _fuzz_module()
    data = fuzz.make_seed_pdfs(tmp_path)[0].read_bytes()
    rng = random.Random(3)
    for name, mutation in fuzz.MUTATIONS.items():
        assert any(mutation(data, rng) != data for _ in range(5)), name
