"""Shared fixtures: the repository root and a runner for the ``energybook`` command."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import settings

# Property tests: no per-example deadline (the suite runs notebooks in parallel on 2 cores,
# so timings say nothing), and a fixed example sequence so that every run, here or in CI,
# checks the same cases.
settings.register_profile("book", deadline=None, derandomize=True, print_blob=True)
settings.load_profile("book")

ROOT = Path(__file__).resolve().parents[1]
ENERGYBOOK = str(Path(sys.executable).parent / "energybook")


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


def run_cli(
    *args: str, cwd: Path | None = None, env: dict | None = None, timeout: int = 300
) -> subprocess.CompletedProcess:
    full_env = {**os.environ, **(env or {})}
    return subprocess.run(
        [ENERGYBOOK, *args],
        cwd=cwd or ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
        env=full_env,
    )


@pytest.fixture
def cli():
    return run_cli
