"""Issue 17, items 2, 3 and 8: one build at a time, clean stops (SIGTERM, SIGINT, SIGKILL),
scenario builds beside the site. The tests build a one-chapter copy of the book."""

from __future__ import annotations

import hashlib
import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from energybook import locking

from .conftest import ENERGYBOOK
from .test_pipeline import mini_book

pytestmark = pytest.mark.slow


def start(book: Path, *args: str) -> subprocess.Popen:
    env = {**os.environ, "ENERGYBOOK_ROOT": str(book)}
    return subprocess.Popen(
        [ENERGYBOOK, *args],
        cwd=book,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )


def build(book: Path, *args: str, timeout: int = 600) -> subprocess.CompletedProcess:
    env = {**os.environ, "ENERGYBOOK_ROOT": str(book)}
    return subprocess.run(
        [ENERGYBOOK, "build", *args],
        cwd=book,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def wait_for(cond, timeout: float = 300, what: str = "") -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if cond():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def tree(path: Path) -> dict[str, str]:
    return {
        str(p.relative_to(path)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(path.rglob("*"))
        if p.is_file()
    }


def tags(book: Path) -> list[int]:
    build_dir = (book / "_build").resolve()
    return locking.tagged(str(build_dir / "executed")) + locking.tagged(str(build_dir))


def leftovers(book: Path) -> list[str]:
    b = book / "_build"
    found = [n for n in (".stage-src", ".stage-out", ".html-old") if (b / n).exists()]
    found += [p.name for p in (b / "executed").glob(".*")] if (b / "executed").exists() else []
    return found


@pytest.fixture(scope="module")
def built(tmp_path_factory, root) -> Path:
    book = mini_book(root, tmp_path_factory.mktemp("safety") / "book")
    r = build(book)
    assert r.returncode == 0, r.stderr
    return book


def test_two_builds_at_once_take_turns(built):
    before = (built / "_build" / "html" / "chapters" / "overview.html").stat().st_mtime_ns
    first = start(built, "build", "--force")
    wait_for(
        lambda: (
            (built / "_build" / locking.LOCK_NAME).exists()
            and (built / "_build" / locking.LOCK_NAME).read_text().strip()
        ),
        60,
        "the lock",
    )
    # The second build need not be forced: it waits for the first, then finds the site the
    # first just built up to date (a forced second build checks nothing more, at twice the
    # cost).
    second = start(built, "build")
    out1, err1 = first.communicate(timeout=600)
    out2, err2 = second.communicate(timeout=600)
    assert first.returncode == 0, err1
    assert second.returncode == 0, err2
    assert "waiting for it to finish" in err2
    assert "Site unchanged" in err2  # it read the finished site, not a half-built one
    html = built / "_build" / "html"
    assert (html / "index.html").exists() and (html / "chapters" / "overview.html").exists()
    assert (html / "chapters" / "overview.html").stat().st_mtime_ns != before
    # One stylesheet version across the site: no page from a different build.
    versions = {
        v
        for p in html.rglob("*.html")
        for v in re.findall(r"energybook\.css\?v=([0-9a-f]+)", p.read_text())
    }
    assert len(versions) == 1, versions
    assert not leftovers(built)
    refused = build(built, "--no-wait")  # nothing running: it just goes ahead
    assert refused.returncode == 0 and "Site unchanged" in refused.stderr


def test_no_wait_refuses_while_another_build_runs(built):
    with locking.exclusive(built / "_build"):
        r = build(built, "--no-wait", timeout=120)
    assert r.returncode == 1 and "another build" in r.stderr and "Traceback" not in r.stderr


def test_sigterm_during_execution_stops_everything_and_keeps_the_site(built):
    site = tree(built / "_build" / "html")
    proc = start(built, "build", "--force")
    wait_for(lambda: any("ipykernel" in _cmdline(p) for p in tags(built)), 300, "a chapter kernel")
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 128 + signal.SIGTERM, err
    assert "interrupted" in err and "Traceback" not in err
    wait_for(lambda: not tags(built), 15, "the workers and kernels to end")
    assert not leftovers(built)
    assert tree(built / "_build" / "html") == site


def test_sigint_during_the_site_step_ends_jupyter_book(built):
    site = tree(built / "_build" / "html")
    proc = start(built, "build", "--force")
    build_tag = str((built / "_build").resolve())
    wait_for(lambda: bool(locking.tagged(build_tag)), 400, "jupyter-book to start")
    time.sleep(1.0)
    os.killpg(proc.pid, signal.SIGINT)  # Ctrl-C: the whole foreground group
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 128 + signal.SIGINT, err
    wait_for(lambda: not tags(built), 15, "jupyter-book to end")
    assert not leftovers(built)
    assert tree(built / "_build" / "html") == site


def test_after_sigkill_the_next_build_cleans_up(built):
    site = tree(built / "_build" / "html")
    proc = start(built, "build", "--force")
    wait_for(
        lambda: bool(list((built / "_build" / "executed").glob(".*.params.json"))),
        300,
        "a chapter worker",
    )
    proc.kill()
    proc.communicate(timeout=60)
    # Whatever a killed build may leave: a straggler process carrying its tag, staging
    # folders, a partial notebook.
    tag = str((built / "_build" / "executed").resolve())
    straggler = subprocess.Popen(
        [sys.executable, "-c", "import time; time.sleep(600)"],
        env=locking.tagged_env(tag),
        start_new_session=True,
    )
    (built / "_build" / ".stage-src").mkdir(exist_ok=True)
    (built / "_build" / ".stage-out").mkdir(exist_ok=True)
    (built / "_build" / "executed" / ".overview.running.ipynb").write_text("{}")
    assert tree(built / "_build" / "html") == site
    r = build(built)
    assert r.returncode == 0, r.stderr
    assert "cleaned up after an interrupted build" in r.stderr
    straggler.wait(timeout=30)  # ended by the new build
    assert not leftovers(built) and not tags(built)


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace")
    except OSError:
        return ""


# ----------------------------------------------------------------- scenario builds
def test_a_scenario_build_goes_beside_the_site_with_a_banner(built, tmp_path, cli):
    site = tree(built / "_build" / "html")
    scenario = tmp_path / "france.yaml"
    scenario.write_text("overview:\n  reference_country: France\n")
    r = build(built, "-f", str(scenario))
    assert r.returncode == 0, r.stderr
    assert tree(built / "_build" / "html") == site  # the published book is untouched
    html = built / "_build" / "scenarios" / "france" / "html"
    pages = [
        p for p in html.rglob("*.html") if "_static" not in p.parts and p.name != "index.html"
    ]  # index.html only redirects
    assert pages
    for page in pages:
        text = page.read_text()
        assert "eb-scenario-banner" in text, page
        assert "Scenario build <strong>france</strong>" in text
        assert "<code>reference_country</code> = France (default Germany)" in text
    results = json.loads((html / "results" / "overview.json").read_text())
    assert results["ratio_to_reference"]["value"] == pytest.approx(945 / 472)
    # The published and the scenario sites compare.
    cmp_ = cli(
        "compare",
        str(built / "_build" / "html"),
        str(html),
        "--json",
        env={"ENERGYBOOK_ROOT": str(built)},
    )
    assert cmp_.returncode == 0, cmp_.stderr
    rows = json.loads(cmp_.stdout)["rows"]
    assert rows[0]["name"] == "ratio_to_reference" and rows[0]["moved"]
    # -o into the book's own folders is refused for scenario builds too.
    bad = build(built, "-f", str(scenario), "-o", str(built / "_build" / "html"))
    assert bad.returncode == 2 and "inside _build/" in bad.stderr


def test_sigterm_during_a_run_ends_its_kernel_and_writes_nothing(built, tmp_path):
    out = tmp_path / "run"
    proc = start(built, "run", "overview", "-p", "reference_country", "France", "-o", str(out))
    tag = f"run:{out.resolve()}"
    wait_for(lambda: bool(locking.tagged(tag)), 300, "the run's kernel")
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 128 + signal.SIGTERM, err
    assert "Traceback" not in err
    wait_for(lambda: not locking.tagged(tag), 15, "the kernel to end")
    assert not out.exists()


def test_compare_two_scenario_files(built, tmp_path, cli):
    a, b = tmp_path / "a.yaml", tmp_path / "b.yaml"
    a.write_text("overview: {reference_country: France}\n")
    b.write_text("overview: {}\n")
    r = cli("compare", str(a), str(b), "--json", env={"ENERGYBOOK_ROOT": str(built)})
    assert r.returncode == 0, r.stderr
    rows = json.loads(r.stdout)["rows"]
    top = rows[0]
    assert top["name"] == "ratio_to_reference" and top["moved"]
    assert top["a"] == pytest.approx(945 / 472) and top["b"] == pytest.approx(945 / 522)
    assert [x["moved"] for x in rows].count(True) == 1
    # The changed chapter's run is cached beside the site, never in it.
    assert (built / "_build" / "scenarios" / "a" / "executed" / "overview.ipynb").exists()
