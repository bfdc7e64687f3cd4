"""Execution and build: papermill runs the chapters, Jupyter Book builds the site.

- Parameters are validated before anything executes (:mod:`energybook.params`).
- Chapters execute with papermill into ``_build/executed/``, in parallel across chapters:
  one worker process a core, longest chapter first, each keeping one kernel for the
  chapters it executes (:class:`WarmKernel`: reset between chapters, so that each starts
  as in a kernel of its own; the executed notebooks are byte for byte those of a kernel
  per chapter). A chapter re-executes only when its cache key changes: the key covers the
  notebook's code and markdown, its parameters, every file of ``lib/energybook`` and
  ``data/``, and the lock file.
- The site is built by Jupyter Book (its own execution off) from a staged copy of the
  sources in which each chapter is its executed notebook, into a fresh folder; only when
  that build passes (strict: ``-W -n --keep-going``) does it replace ``_build/html``. A
  failing chapter or build leaves the previous site intact.
- One build of a folder at a time (:mod:`energybook.locking`): a second waits. On SIGINT or
  SIGTERM a build ends its workers, kernels and Jupyter Book, removes its staging folders
  and partial notebooks, and leaves the site as it was; a build that starts cleans up what
  a killed one (SIGKILL) left, processes included.
- Scenario builds (:func:`build`, ``scenario`` given) go to their own folder
  (``_build/scenarios/<name>``) with a banner on every page; ``_build/html`` is only ever
  built from the defaults.
- Rebuilds are byte-identical: executed notebooks carry derived cell ids, no timings.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from energybook import chapters as registry
from energybook import locking
from energybook.book import book_chapters, repo_root
from energybook.params import ParameterError

# The chapter workers import only papermill and this module: the data, chart and site
# stacks (pandas, altair, ...) are imported by the functions that use them, in the
# process that builds the site, and by the chapter kernels.

BUILD = "_build"
SCENARIOS = "scenarios"  # scenario builds: _build/scenarios/<name>/{executed,html}
# Arguments for every chapter kernel: its own log (the "running over TCP" warning, the
# shutdown's KeyboardInterrupt) stays out of the user's terminal.
KERNEL_ARGS = ["--IPKernelApp.log_level=CRITICAL"]


class ChapterFailed(RuntimeError):
    """A chapter's notebook raised while executing."""

    def __init__(self, chapter: str, cell: int | None, detail: str):
        self.chapter, self.cell, self.detail = chapter, cell, detail
        where = f"cell {cell}" if cell is not None else "unknown cell"
        super().__init__(f"chapter {chapter!r} failed in {where}:\n{detail}")

    def __reduce__(self):  # raised in worker processes: must survive pickling
        return (type(self), (self.chapter, self.cell, self.detail))


class BuildFailed(RuntimeError):
    """The Jupyter Book build reported an error or a warning."""


# --------------------------------------------------------------------------- validation
def to_papermill(value: Any) -> Any:
    return list(value) if isinstance(value, tuple) else value


def validate_scenario(scenario: Any, source: str = "scenario") -> dict[str, dict[str, Any]]:
    """Check a scenario mapping ``{CHAPTER: {PARAM: VALUE}}`` for every chapter; return the
    full parameters of every chapter. All problems are reported together."""
    if scenario is None:
        scenario = {}
    if not isinstance(scenario, Mapping):
        raise ParameterError(
            [
                f"{source}: must be a mapping of CHAPTER: {{PARAM: VALUE}}, "
                f"got {type(scenario).__name__}"
            ]
        )
    from energybook import data

    problems: list[str] = []
    for chapter in scenario:
        try:
            registry.get(str(chapter))
        except ParameterError as e:
            problems.extend(f"{source}: {m}" for m in e.problems)
    resolved: dict[str, dict[str, Any]] = {}
    for spec in book_chapters():
        try:
            resolved[spec.name] = spec.validate(
                scenario.get(spec.name),
                context=f"{source}: chapter {spec.name!r}",
                tables=data.load_tables(spec.tables),
            )
        except ParameterError as e:
            problems.extend(e.problems)
    if problems:
        raise ParameterError(problems)
    return resolved


# --------------------------------------------------------------------------- cache keys
def _hash_files(h: Any, root: Path, paths: Iterable[Path]) -> None:
    for path in sorted(paths):
        if path.is_file() and "__pycache__" not in path.parts:
            h.update(str(path.relative_to(root)).encode())
            h.update(hashlib.sha256(path.read_bytes()).digest())


def notebook_fingerprint(path: Path) -> str:
    """Hash of a notebook's cells (type, source, tags), ignoring outputs and metadata."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    cells = [
        (
            c["cell_type"],
            "".join(c["source"]) if isinstance(c["source"], list) else c["source"],
            sorted(c.get("metadata", {}).get("tags", [])),
        )
        for c in nb["cells"]
    ]
    return hashlib.sha256(json.dumps(cells).encode()).hexdigest()


def inputs_fingerprint(root: Path) -> str:
    """Hash of everything every chapter depends on besides itself: lib, data, lock."""
    h = hashlib.sha256()
    _hash_files(h, root, (root / "lib" / "energybook").rglob("*.py"))
    _hash_files(h, root, (root / "data").rglob("*"))
    _hash_files(h, root, [root / "requirements.lock"])
    return h.hexdigest()


def cache_key(
    chapter: str, params: Mapping[str, Any], root: Path, inputs: str | None = None
) -> str:
    h = hashlib.sha256()
    h.update(chapter.encode())
    h.update(notebook_fingerprint(root / registry.get(chapter).notebook).encode())
    h.update(
        json.dumps({k: to_papermill(v) for k, v in sorted(params.items())}, sort_keys=True).encode()
    )
    h.update((inputs or inputs_fingerprint(root)).encode())
    return h.hexdigest()


# --------------------------------------------------------------------------- execution
def drop_execution_metadata(cell: Any) -> None:
    """Take a cell's timings and execution metadata (papermill's, nbclient's) off it."""
    cell.metadata.pop("papermill", None)
    cell.metadata.pop("execution", None)


def _clean_executed(nb: Any, chapter: str = "") -> None:
    """Make an executed notebook deterministic and fit for the page: drop timings and
    execution metadata, give every cell a derived id (papermill's injected cell gets a
    random one), and keep the parameters cells off the published page."""
    nb.metadata.pop("papermill", None)
    seen: set[str] = set()
    for i, cell in enumerate(nb.cells):
        drop_execution_metadata(cell)
        tags = cell.metadata.get("tags", [])
        if ("injected-parameters" in tags or "parameters" in tags) and "remove-cell" not in tags:
            cell.metadata["tags"] = [*tags, "remove-cell"]
        cid = cell.get("id")
        if "injected-parameters" in tags or not cid or cid in seen:
            base = (
                "injected-parameters"
                if "injected-parameters" in tags
                else hashlib.sha256(f"{chapter}:{i}:{cell.cell_type}".encode()).hexdigest()[:8]
            )
            cid, k = base, 2
            while cid in seen:
                cid, k = f"{base}-{k}", k + 1
            cell["id"] = cid
        seen.add(cid)


def execute_notebook(
    chapter: str,
    params: Mapping[str, Any],
    output: Path,
    root: Path | None = None,
    *,
    kernel: WarmKernel | None = None,
    on_cell_executed: Callable[..., None] | None = None,
) -> dict[str, dict[str, Any]]:
    """Execute one chapter with papermill into ``output``; return its results.

    ``kernel``: a :class:`WarmKernel` to execute in (the build's workers keep one between
    chapters); without it the chapter gets a kernel of its own, started and ended here.
    ``on_cell_executed(cell=..., cell_index=..., execute_reply=...)`` is called as each code
    cell has run, with its outputs (nbclient's hook).
    Raises :class:`ChapterFailed` naming the chapter, the cell and the traceback.
    """
    spec = registry.get(chapter)
    root = root or repo_root()
    headlines = [[h.name, h.unit, h.description] for h in spec.headlines]
    return _execute(
        chapter,
        root / spec.notebook,
        headlines,
        params,
        output,
        root,
        kernel,
        on_cell_executed,
    )


def _execute(
    chapter: str,
    src: Path,
    headlines: list[list[str]],
    params: Mapping[str, Any],
    output: Path,
    root: Path,
    kernel: WarmKernel | None,
    on_cell_executed: Callable[..., None] | None = None,
) -> dict[str, dict[str, Any]]:
    """:func:`execute_notebook` without the chapter registry: the notebook and the
    declared headlines (name, unit, description) are given (a worker imports no chapter)."""
    import nbformat
    import papermill as pm

    from energybook.publish import extract_results

    output.parent.mkdir(parents=True, exist_ok=True)
    env_root = os.environ.get("ENERGYBOOK_ROOT")
    os.environ["ENERGYBOOK_ROOT"] = str(root)
    extra: dict[str, Any] = {}
    try:
        if kernel is not None:
            extra["km"] = kernel.ready(src.parent)
        if on_cell_executed is not None:
            extra["on_cell_executed"] = on_cell_executed
        pm.execute_notebook(
            str(src),
            str(output),
            parameters={k: to_papermill(v) for k, v in params.items()},
            kernel_name="python3",
            cwd=str(src.parent),
            progress_bar=False,
            log_output=False,
            request_save_on_cell_execute=False,
            extra_arguments=KERNEL_ARGS,
            **extra,
        )
    except pm.PapermillExecutionError as e:
        if kernel is not None:
            kernel.discard()  # a failed chapter's kernel is not reused
        tb = "\n".join(e.traceback) if e.traceback else f"{e.ename}: {e.evalue}"
        raise ChapterFailed(chapter, e.exec_count, _strip_ansi(tb)) from None
    except Exception as e:  # kernel died, notebook unreadable, ...
        if kernel is not None:
            kernel.discard()
        raise ChapterFailed(chapter, None, f"{type(e).__name__}: {e}") from None
    finally:
        if env_root is None:
            os.environ.pop("ENERGYBOOK_ROOT", None)
        else:
            os.environ["ENERGYBOOK_ROOT"] = env_root
    nb = nbformat.read(str(output), as_version=4)
    _clean_executed(nb, chapter)
    nbformat.write(nb, str(output))
    try:
        return extract_results(nb, chapter, headlines=headlines)
    except ValueError as e:
        raise ChapterFailed(chapter, None, str(e)) from None


def _strip_ansi(text: str) -> str:
    import re

    return re.sub(r"\x1b\[[0-9;]*[A-Za-z]", "", text)


# What a kept kernel runs once, when it starts: it imports the scientific stack the chapters
# import (numpy, pandas, altair add warning filters of their own as they load): a
# build worker's the whole book's, ``energybook run``'s its one chapter's; then it
# notes the warning filters and the working folder, so that every later chapter starts from
# them; then IPython's own reset (the names it made, its history, the execution count).
KERNEL_BASELINE = """\
import importlib as _importlib, os as _os, sys as _sys, warnings as _warnings
for _name in {modules!r}:
    try:
        _importlib.import_module(_name)
    except Exception:  # not installed, not a module, or broken: the chapter's import says
        pass
_sys._energybook_baseline = (list(_warnings.filters), _os.getcwd())
get_ipython().reset(new_session=True)
"""
# The stack a build worker's kernel imports once: every chapter imports most of it.
KERNEL_PRELOAD = ("numpy", "pandas", "scipy.stats", "altair")


def kernel_baseline(modules: Iterable[str] = KERNEL_PRELOAD) -> str:
    """The set-up code of a new kept kernel, importing ``modules`` (one that fails to import
    is skipped: the chapter's own import then reports why, in its cell)."""
    return KERNEL_BASELINE.format(modules=tuple(modules))


def notebook_imports(notebook: Path) -> tuple[str, ...]:
    """The modules a notebook's code cells import, in order, each once: ``import a.b``
    gives ``a.b``; ``from a import b`` gives ``a``, then ``a.b`` (which the kernel skips
    where ``b`` is not a submodule). What ``energybook run`` has its kernel import while it
    checks the data: one chapter's own stack, not the build's, so nothing it does not use.
    Read from the source, not imported here."""
    import ast

    # The notebook's JSON as it is (nbformat's import and validation would delay the kernel's
    # start, which waits for this).
    cells = json.loads(notebook.read_text(encoding="utf-8")).get("cells", [])
    found: dict[str, None] = {}
    for cell in cells:
        if cell.get("cell_type") != "code":
            continue
        text = cell.get("source", "")
        text = "".join(text) if isinstance(text, list) else str(text)
        # IPython magics and shell lines are not Python: blank them, keep the rest.
        source = "\n".join(
            "" if line.lstrip().startswith(("%", "!")) else line for line in text.splitlines()
        )
        try:
            tree = ast.parse(source)
        except SyntaxError:
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                found.update(dict.fromkeys(alias.name for alias in node.names))
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                found[node.module] = None
                found.update(dict.fromkeys(f"{node.module}.{a.name}" for a in node.names))
    return tuple(found)


# What it runs before each further chapter: the warning filters and the working folder of
# that start back, every module of energybook imported again (no cache, no module state of
# the chapter before survives), then IPython's own reset: an empty namespace, a new input
# history (publish.start reads the injected parameters from it) and the execution count
# back at 1. Only third-party modules (numpy, pandas, altair, ...) stay imported: that is
# the start-up a kept kernel saves.
KERNEL_RESET = """\
import os as _os, sys as _sys, warnings as _warnings
_filters, _cwd = _sys._energybook_baseline
_warnings.filters[:] = _filters
_warnings._filters_mutated()
_os.chdir(_cwd)
for _name in [m for m in _sys.modules if m == "energybook" or m.startswith("energybook.")]:
    del _sys.modules[_name]
get_ipython().reset(new_session=True)
"""


@cache
def prompt_client_class() -> type:
    """jupyter_client's asynchronous kernel client, waiting for a kernel to be ready without
    its fixed 0.2 s.

    Before a notebook's first cell, ``wait_for_ready`` asks for the kernel's info, then reads
    IOPub until 0.2 s pass with no message: a wait on every chapter's critical path, as the
    kernel is idle by then. This one reads IOPub only until the idle status of its own
    request, which comes after every message the kernel sent before it (IOPub is ordered)
    and also shows that IOPub is connected (a subscription that joined late sees nothing
    within a second: the request is sent again, as jupyter_client's own loop does). Made on
    first use (a worker imports jupyter_client only when it starts a kernel)."""
    from queue import Empty

    from jupyter_client.asynchronous import AsyncKernelClient

    class PromptKernelClient(AsyncKernelClient):
        async def wait_for_ready(self, timeout: float | None = None) -> None:
            deadline = time.monotonic() + (float("inf") if timeout is None else timeout)
            while True:
                msg_id = self.kernel_info()
                try:
                    reply = await self._async_recv_reply(msg_id, timeout=1)
                except TimeoutError:
                    reply = None
                if reply is not None and await self._seen_idle(msg_id, deadline):
                    self._handle_kernel_info_reply(reply)
                    return
                if not await self._async_is_alive():
                    raise RuntimeError("Kernel died before replying to kernel_info")
                if time.monotonic() > deadline:
                    raise RuntimeError(f"Kernel didn't respond in {timeout} s")

        async def _seen_idle(self, msg_id: str, deadline: float) -> bool:
            while True:
                wait = min(1.0, max(deadline - time.monotonic(), 0.0))
                try:
                    msg = await self.iopub_channel.get_msg(timeout=wait)
                except Empty:
                    return False
                if (
                    msg["msg_type"] == "status"
                    and msg["parent_header"].get("msg_id") == msg_id
                    and msg["content"].get("execution_state") == "idle"
                ):
                    return True

    return PromptKernelClient


class WarmKernel:
    """One Jupyter kernel kept by a chapter worker for the chapters it executes, one after
    another: each chapter after the first starts from a reset kernel (see
    :data:`KERNEL_RESET`) instead of a new process, which saves the kernel's start-up and
    its imports of the scientific stack. A kernel that failed a chapter, died, or does not
    reset cleanly is ended and replaced by a new one.

    :meth:`start` starts one without waiting for it (``energybook run`` starts it before it
    checks the data, so that both go on at once); :meth:`ready` waits for it."""

    def __init__(self) -> None:
        self.km: Any = None
        self.cwd: Path | None = None
        self.used = False
        self._setup: tuple[Any, str] | None = None  # (client, message id) of KERNEL_BASELINE

    def start(self, cwd: Path, preload: Iterable[str] = KERNEL_PRELOAD) -> None:
        """Start a kernel in ``cwd`` and send it its set-up code, which imports ``preload``;
        return at once."""
        from jupyter_client.manager import AsyncKernelManager
        from jupyter_core.utils import run_sync

        self.discard()
        km = AsyncKernelManager(kernel_name="python3")
        km.client_factory = prompt_client_class()
        run_sync(km.start_kernel)(
            extra_arguments=[*KERNEL_ARGS, "--HistoryManager.hist_file=:memory:"], cwd=str(cwd)
        )
        self.km, self.cwd, self.used = km, cwd, False
        kc = km.client()
        kc.start_channels()
        self._setup = (
            kc,
            kc.execute(kernel_baseline(preload), silent=True, store_history=False),
        )

    def ready(self, cwd: Path) -> Any:
        """The kernel manager for the next chapter (started in ``cwd``, or reset)."""
        from jupyter_core.utils import run_sync

        if self.km is not None and (self.cwd != cwd or not run_sync(self.km.is_alive)()):
            self.discard()
        if self.km is not None and self.used and not self._run(KERNEL_RESET):
            self.discard()
        if self.km is None:
            self.start(cwd)
        if self._setup is not None and not self._wait_setup():
            self.discard()
            raise RuntimeError("a new kernel did not run its set-up code")
        self.used = True
        return self.km

    def _wait_setup(self) -> bool:
        assert self._setup is not None
        kc, msg_id = self._setup
        self._setup = None

        async def go() -> bool:
            try:
                while True:
                    reply = await kc.get_shell_msg(timeout=120)
                    if reply["parent_header"].get("msg_id") == msg_id:
                        return reply["content"]["status"] == "ok"
            finally:
                kc.stop_channels()

        return _succeeds(go)

    def _run(self, code: str) -> bool:
        async def go() -> bool:
            kc = self.km.client()
            kc.start_channels()
            try:
                await kc.wait_for_ready(timeout=60)
                reply = await kc.execute_interactive(
                    code, silent=True, store_history=False, timeout=60, output_hook=_ignore
                )
                return reply["content"]["status"] == "ok"
            finally:
                kc.stop_channels()

        return _succeeds(go)

    def discard(self) -> None:
        """End the kernel (the next chapter gets a new one)."""
        from jupyter_core.utils import run_sync

        km, self.km, self.cwd, self.used = self.km, None, None, False
        if self._setup is not None:
            try:
                self._setup[0].stop_channels()
            except Exception:
                pass
            self._setup = None
        if km is not None:
            try:
                run_sync(km.shutdown_kernel)(now=True)
            except Exception:
                pass
            try:
                run_sync(km.cleanup_resources)()
            except Exception:
                pass


def _succeeds(go: Callable[[], Any]) -> bool:
    """Run the coroutine function ``go`` to its end: its answer, or False if it raised (a
    kernel that died or does not answer is replaced, not reported)."""
    from jupyter_core.utils import run_sync

    try:
        return bool(run_sync(go)())
    except Exception:
        return False


def _ignore(msg: Any) -> None:
    """Outputs of a kept kernel's set-up and reset code are not shown."""


def _worker_main(argv: list[str]) -> int:
    """A chapter worker (a process of its own, see :func:`execute_chapters`):
    ``ROOT PARENT_PID``. It reads one job a line from stdin (JSON: chapter, notebook,
    headlines and the files of the job), executes each in its kept kernel and writes the
    job's result file; it ends at the end of its input, ending its kernel."""
    import signal

    root, parent = argv
    locking.die_with_parent(int(parent))

    def stop(signum: int, frame: object) -> None:  # the kernel is ended below
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    kernel = WarmKernel()
    try:
        for line in sys.stdin:
            if not line.strip():
                continue
            job = json.loads(line)
            params = json.loads(Path(job["params"]).read_text())
            t0 = time.perf_counter()
            try:
                results = _execute(
                    job["chapter"],
                    Path(job["notebook"]),
                    job["headlines"],
                    params,
                    Path(job["output"]),
                    Path(root),
                    kernel,
                )
            except ChapterFailed as e:
                write_json(Path(job["result"]), {"failed": {"cell": e.cell, "detail": e.detail}})
                continue
            write_json(
                Path(job["result"]), {"results": results, "seconds": time.perf_counter() - t0}
            )
    finally:
        kernel.discard()
    return 0


WORKER = (
    "import sys;from energybook.pipeline import _worker_main;sys.exit(_worker_main(sys.argv[1:]))"
)


@dataclass
class ChapterRun:
    chapter: str
    status: str  # "cached" | "executed" | "failed"
    seconds: float = 0.0
    error: ChapterFailed | None = None


def write_json(path: Path, obj: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text(json.dumps(obj, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    os.replace(tmp, path)


@dataclass
class _Job:
    chapter: str
    params: dict
    key: str
    files: dict[str, Path] = field(default_factory=dict)
    t0: float = 0.0


@dataclass
class _Worker:
    proc: subprocess.Popen
    log: Path
    job: _Job | None = None


def _cached(folder: Path, chapter: str, key: str) -> bool:
    key_file = folder / f"{chapter}.key"
    try:
        return (
            key_file.read_text() == key
            and (folder / f"{chapter}.ipynb").exists()
            and (folder / f"{chapter}.results.json").exists()
        )
    except OSError:
        return False


TIMINGS = "timings.json"  # in the executed folder: seconds of each chapter's last execution


def _read_timings(folder: Path) -> dict[str, float]:
    try:
        found = json.loads((folder / TIMINGS).read_text())
    except (OSError, ValueError):
        return {}
    if not isinstance(found, dict):
        return {}
    return {str(k): float(v) for k, v in found.items() if isinstance(v, int | float)}


def longest_first(chapters: list[str], root: Path, timings: Mapping[str, float]) -> list[str]:
    """The order in which to start chapters so that the workers finish together: the
    longest first, by the seconds of each chapter's last execution, or (a chapter never
    executed here) by the size of its committed notebook, whose stored outputs are mostly
    its charts."""

    def size(chapter: str) -> int:
        try:
            return (root / registry.get(chapter).notebook).stat().st_size
        except OSError:
            return 0

    known = [c for c in chapters if c in timings]
    unknown = [c for c in chapters if c not in timings]
    return sorted(known, key=lambda c: -timings[c]) + sorted(unknown, key=lambda c: -size(c))


def execute_chapters(
    resolved: Mapping[str, Mapping[str, Any]],
    root: Path,
    jobs: int | None = None,
    force: bool = False,
    progress: Callable[[str, str], None] | None = None,
    executed: Path | None = None,
    reuse: Path | None = None,
) -> list[ChapterRun]:
    """Execute every chapter whose cache key changed, in parallel; keep the others.

    Executed notebooks land in ``executed`` (default ``_build/executed``) as
    ``<chapter>.ipynb`` with their ``.results.json`` and ``.key``, each replaced only when
    its chapter succeeds. ``reuse``: another such folder whose entries are copied when
    their key matches (a scenario build takes the defaults' chapters from the published
    build's cache). The chapters run in ``jobs`` worker processes (default: one a core),
    longest first (:func:`longest_first`); each worker keeps one kernel for the chapters it
    executes (:class:`WarmKernel`). The workers are tagged with the folder
    (:mod:`energybook.locking`); an interruption ends them all, kernels included, and
    removes their partial files.
    """
    out = executed or root / BUILD / "executed"
    out.mkdir(parents=True, exist_ok=True)
    inputs = inputs_fingerprint(root)
    todo: list[_Job] = []
    runs: list[ChapterRun] = []
    for chapter, params in resolved.items():
        key = cache_key(chapter, params, root, inputs)
        if not force and _cached(out, chapter, key):
            runs.append(ChapterRun(chapter, "cached"))
        elif not force and reuse is not None and _cached(reuse, chapter, key):
            for suffix in (".ipynb", ".results.json"):
                tmp = out / f".{chapter}{suffix}.copy"
                shutil.copy2(reuse / f"{chapter}{suffix}", tmp)
                os.replace(tmp, out / f"{chapter}{suffix}")
            (out / f"{chapter}.key").write_text(key)
            runs.append(ChapterRun(chapter, "cached"))
        else:
            todo.append(_Job(chapter, {k: to_papermill(v) for k, v in params.items()}, key))
            continue
        if progress:
            progress(chapter, "cached")
    if todo:
        timings = _read_timings(out)
        order = longest_first([j.chapter for j in todo], root, timings)
        todo.sort(key=lambda j: order.index(j.chapter))
        workers = max(1, min(len(todo), jobs or os.cpu_count() or 1))
        done = _run_jobs(todo, out, root, workers, progress)
        runs += done
        timings.update({r.chapter: round(r.seconds, 2) for r in done if r.status == "executed"})
        write_json(out / TIMINGS, dict(sorted(timings.items())))
    order = list(resolved)
    return sorted(runs, key=lambda r: order.index(r.chapter))


def _run_jobs(
    todo: list[_Job],
    out: Path,
    root: Path,
    workers: int,
    progress: Callable[[str, str], None] | None,
) -> list[ChapterRun]:
    tag = str(out.resolve())
    env = locking.tagged_env(tag)
    env["ENERGYBOOK_ROOT"] = str(root)
    env.setdefault("PYTHONHASHSEED", "0")
    pending, runs = list(todo), list[ChapterRun]()
    pool: list[_Worker] = []  # the live workers
    started: list[_Worker] = []

    def spawn() -> _Worker:
        log = out / f".worker-{len(started) + 1}.log"
        with open(log, "wb") as fh:
            proc = subprocess.Popen(
                [sys.executable, "-c", WORKER, str(root), str(os.getpid())],
                stdin=subprocess.PIPE,
                stdout=fh,
                stderr=subprocess.STDOUT,
                env=env,
                start_new_session=True,
            )
        w = _Worker(proc, log)
        started.append(w)
        return w

    def assign(w: _Worker, job: _Job) -> bool:
        spec = registry.get(job.chapter)
        job.files = {
            k: out / f".{job.chapter}.{k}" for k in ("running.ipynb", "params.json", "result.json")
        }
        job.files["params.json"].write_text(json.dumps(job.params))
        line = {
            "chapter": job.chapter,
            "notebook": str(root / spec.notebook),
            "headlines": [[h.name, h.unit, h.description] for h in spec.headlines],
            "params": str(job.files["params.json"]),
            "output": str(job.files["running.ipynb"]),
            "result": str(job.files["result.json"]),
        }
        assert w.proc.stdin is not None
        job.t0 = time.perf_counter()
        try:
            w.proc.stdin.write((json.dumps(line) + "\n").encode())
            w.proc.stdin.flush()
        except OSError:
            w.proc.wait()
            return False
        w.job = job
        if progress:
            progress(job.chapter, "executing")
        return True

    try:
        while pending or any(w.job for w in pool):
            while pending and len(pool) < workers:
                pool.append(spawn())
            for w in pool:
                if w.job is None and pending and w.proc.poll() is None:
                    job = pending.pop(0)
                    if not assign(w, job):  # the worker ended before it took the job
                        runs.append(_finish(job, out, w))
                        if progress:
                            progress(job.chapter, "failed")
            time.sleep(0.05)
            for w in pool:
                if w.job is None:
                    continue
                finished = w.job.files["result.json"].exists()
                if not finished and w.proc.poll() is None:
                    continue
                run = _finish(w.job, out, w)
                w.job = None
                runs.append(run)
                if progress:
                    progress(
                        run.chapter,
                        "failed" if run.status == "failed" else f"executed in {run.seconds:.1f} s",
                    )
            pool = [w for w in pool if w.proc.poll() is None]
        for w in pool:  # no more jobs: each worker ends its kernel and exits
            assert w.proc.stdin is not None
            try:
                w.proc.stdin.close()
            except OSError:
                pass
        for w in pool:
            try:
                w.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                locking.stop_tree(w.proc.pid)
    except BaseException:
        for w in started:
            if w.proc.poll() is None:
                locking.stop_tree(w.proc.pid)
        locking.reap(tag)
        raise
    finally:
        for job in todo:
            for f in job.files.values():
                f.unlink(missing_ok=True)
        for w in started:
            if w.proc.stdin is not None and not w.proc.stdin.closed:
                try:
                    w.proc.stdin.close()
                except OSError:
                    pass
            w.log.unlink(missing_ok=True)
    return runs


def _finish(job: _Job, out: Path, worker: _Worker) -> ChapterRun:
    chapter, files = job.chapter, job.files
    try:
        result = json.loads(files["result.json"].read_text())
    except (OSError, ValueError):
        result = {}
    if "results" in result:
        os.replace(files["running.ipynb"], out / f"{chapter}.ipynb")
        write_json(out / f"{chapter}.results.json", result["results"])
        (out / f"{chapter}.key").write_text(job.key)
        return ChapterRun(chapter, "executed", result.get("seconds", 0.0))
    if "failed" in result:
        f = result["failed"]
        err = ChapterFailed(chapter, f.get("cell"), f.get("detail", ""))
    else:
        try:
            log = worker.log.read_text(errors="replace")[-3000:]
        except OSError:
            log = ""
        err = ChapterFailed(
            chapter,
            None,
            f"the worker exited with code {worker.proc.returncode}" + (f":\n{log}" if log else ""),
        )
    return ChapterRun(chapter, "failed", time.perf_counter() - job.t0, error=err)


def clean_stale(build: Path) -> list[str]:
    """Remove what an interrupted or killed build of ``build`` left: its processes, its
    staging folders and partial notebooks; put a site back that was moved aside in the
    middle of a swap. Call it holding the build's lock. Returns what was cleaned."""
    cleaned = []
    for folder in (build / "executed", build):
        pids = locking.reap(str(folder.resolve()))
        if pids:
            cleaned.append(f"{len(pids)} process(es) of an earlier build")
    for name in (".stage-src", ".stage-out"):
        if (build / name).exists():
            shutil.rmtree(build / name, ignore_errors=True)
            cleaned.append(name)
    old, html = build / ".html-old", build / "html"
    if old.exists():
        if html.exists():
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.replace(old, html)
            cleaned.append("restored html")
    executed = build / "executed"
    if executed.is_dir():
        for f in executed.glob(".*"):
            if f.is_file():
                f.unlink(missing_ok=True)
                cleaned.append(f.name)
    return cleaned


# --------------------------------------------------------------------------- site
STATIC_SOURCES = ("_config.yml", "_toc.yml", "intro.md", "_static")


def stage_sources(
    root: Path, stage: Path, executed: Path | None = None, banner: str | None = None
) -> None:
    """Copy the book's sources into ``stage``, with executed notebooks as the chapters,
    the generated appendix pages and the data files for download. ``banner``: HTML shown
    at the top of every page (a scenario build says so)."""
    if stage.exists():
        shutil.rmtree(stage)
    stage.mkdir(parents=True)
    for name in STATIC_SOURCES:
        src = root / name
        if src.is_dir():
            shutil.copytree(src, stage / name)
        elif src.exists():
            shutil.copy2(src, stage / name)
    if banner:
        _add_banner(stage / "_config.yml", banner)
    (stage / "chapters").mkdir()
    for md in sorted((root / "chapters").glob("*.md")):
        shutil.copy2(md, stage / "chapters" / md.name)
    executed = executed or root / BUILD / "executed"
    results_dir = stage / "_extra" / "results"
    results_dir.mkdir(parents=True)
    for spec in book_chapters(root):
        shutil.copy2(executed / f"{spec.name}.ipynb", stage / spec.notebook)
        shutil.copy2(executed / f"{spec.name}.results.json", results_dir / f"{spec.name}.json")
    from energybook import render, site

    shutil.copytree(root / "data", stage / "data")
    render.write_js_bundle(stage / "_static", site=True)
    site.write_generated_pages(root, stage)


def _add_banner(config: Path, banner: str) -> None:
    """Put ``banner`` on every page: the theme's announcement bar."""
    import yaml

    cfg = yaml.safe_load(config.read_text(encoding="utf-8")) or {}
    sphinx_cfg = cfg.setdefault("sphinx", {}).setdefault("config", {})
    sphinx_cfg.setdefault("html_theme_options", {})["announcement"] = banner
    config.write_text(yaml.safe_dump(cfg, sort_keys=True, allow_unicode=True), encoding="utf-8")


def tree_fingerprint(path: Path) -> str:
    h = hashlib.sha256()
    _hash_files(h, path, path.rglob("*"))
    return h.hexdigest()


def jupyter_book_build(stage: Path, output: Path, tag: str | None = None) -> None:
    """Build the staged book strictly; raise :class:`BuildFailed` on any warning. The
    process is ended (with everything it started) if this one is interrupted."""
    if output.exists():
        shutil.rmtree(output)
    output.mkdir(parents=True)
    cmd = [
        str(Path(sys.executable).parent / "jupyter-book"),
        "build",
        str(stage),
        "--path-output",
        str(output),
        "--builder",
        "html",
        "-W",
        "-n",
        "--keep-going",
    ]
    env = locking.tagged_env(tag) if tag else dict(os.environ)
    env.setdefault("PYTHONHASHSEED", "0")
    log_path = output.parent / "jupyter-book.log"
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(
            locking.guarded(cmd),
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            env=env,
            start_new_session=True,
        )
        try:
            proc.wait()
        except BaseException:
            locking.stop_tree(proc.pid)
            if tag:
                locking.reap(tag)
            raise
    text = log_path.read_text(errors="replace")
    bad = [ln for ln in text.splitlines() if "WARNING" in ln or "ERROR" in ln]
    if proc.returncode != 0 or bad:
        detail = "\n".join(bad[:40]) or text[-4000:]
        raise BuildFailed(f"Jupyter Book build failed (exit {proc.returncode}):\n{detail}")


def build_site(
    root: Path,
    force: bool = False,
    *,
    build: Path | None = None,
    executed: Path | None = None,
    banner: str | None = None,
) -> str:
    """Stage and build the site, then swap it into ``build/html`` (default
    ``_build/html``). The staging folders are removed whatever happens.

    Returns "built" or "unchanged" (the staged sources match the current site's)."""
    build = build or root / BUILD
    build.mkdir(parents=True, exist_ok=True)
    stage = build / ".stage-src"
    out = build / ".stage-out"
    html = build / "html"
    key_file = build / "html.key"
    try:
        stage_sources(root, stage, executed, banner)
        # The staged sources, and the code Sphinx runs on them that is not staged: the
        # book's extension and the renderer it compiles every chart with.
        h = hashlib.sha256(tree_fingerprint(stage).encode())
        lib = Path(__file__).resolve().parent
        _hash_files(h, lib, [lib / "sphinxext.py", lib / "render.py", lib / "theme.py"])
        key = h.hexdigest()
        if not force and html.exists() and key_file.exists() and key_file.read_text() == key:
            return "unchanged"
        jupyter_book_build(stage, out, tag=str(build.resolve()))
        new_html = out / "_build" / "html"
        old = build / ".html-old"
        with locking.uninterrupted():  # the swap does not stop half-way
            if old.exists():
                shutil.rmtree(old)
            key_file.unlink(missing_ok=True)
            if html.exists():
                os.replace(html, old)
            os.replace(new_html, html)
            key_file.write_text(key)
        shutil.rmtree(old, ignore_errors=True)
        return "built"
    finally:
        for folder in (stage, out):
            if folder.exists():
                shutil.rmtree(folder, ignore_errors=True)


# --------------------------------------------------------------------------- scenarios
def scenario_name(files: Iterable[str]) -> str:
    """The folder name of a scenario build: the scenario files' names, joined."""
    import re

    stems = [
        re.sub(r"[^A-Za-z0-9_.-]+", "-", Path(f).stem).strip("-.") or "scenario" for f in files
    ]
    return "+".join(stems)[:80] or "scenario"


def scenario_changes(resolved: Mapping[str, Mapping[str, Any]]) -> dict[str, dict[str, Any]]:
    """Chapter -> parameters that differ from the defaults."""
    out: dict[str, dict[str, Any]] = {}
    for chapter, values in resolved.items():
        spec = registry.get(chapter)
        diff = {
            p.name: values[p.name]
            for p in spec.params
            if p.name in values and values[p.name] != p.default
        }
        if diff:
            out[chapter] = diff
    return out


def scenario_banner(name: str, resolved: Mapping[str, Mapping[str, Any]]) -> str:
    """The HTML banner of every page of a scenario build: the scenario and what it
    changes."""
    import html as h

    def show(v: Any) -> str:
        return ", ".join(map(str, v)) if isinstance(v, tuple | list) else str(v)

    changes = scenario_changes(resolved)
    parts = []
    for chapter, diff in changes.items():
        spec = registry.get(chapter)
        items = "; ".join(
            f"<code>{h.escape(k)}</code> = {h.escape(show(v))} (default "
            f"{h.escape(show(spec.params[k].default))})"
            for k, v in diff.items()
        )
        parts.append(f"<strong>{h.escape(chapter)}</strong>: {items}")
    what = " · ".join(parts) if parts else "no parameter differs from the defaults"
    return (
        f'<div class="eb-scenario-banner" data-scenario="{h.escape(name)}">'
        f"Scenario build <strong>{h.escape(name)}</strong>, not the published book. "
        f"Changed from the defaults: {what}</div>"
    )


def build(
    resolved: Mapping[str, Mapping[str, Any]],
    root: Path,
    *,
    scenario: str | None = None,
    folder: Path | None = None,
    jobs: int | None = None,
    force: bool = False,
    wait: bool = True,
    progress: Callable[[str, str], None] | None = None,
    say: Callable[[str], None] | None = None,
) -> tuple[list[ChapterRun], str, Path]:
    """Execute the chapters and build the site, one build at a time.

    Without ``scenario``: the published book, ``_build/html``, from ``resolved`` (which
    must then be the defaults). With it: a scenario build into ``folder`` (default
    ``_build/scenarios/<scenario>``), its own executed notebooks there, a banner on every
    page. Returns the chapter runs, the site's state ("built", "unchanged" or "failed")
    and the html folder.
    """
    say = say or (lambda msg: None)
    main_build = root / BUILD
    target = main_build if scenario is None else (folder or main_build / SCENARIOS / scenario)
    with locking.exclusive(main_build, wait=wait, on_wait=say):
        cleaned = clean_stale(main_build)
        if target != main_build:
            cleaned += clean_stale(target)
        if cleaned:
            say("cleaned up after an interrupted build: " + ", ".join(sorted(set(cleaned))))
        executed = target / "executed"
        say(f"executing {len(resolved)} chapters (unchanged ones come from the cache)")
        runs = execute_chapters(
            resolved,
            root,
            jobs=jobs,
            force=force,
            progress=progress,
            executed=executed,
            reuse=None if scenario is None else main_build / "executed",
        )
        if any(r.status == "failed" for r in runs):
            return runs, "failed", target / "html"
        say("building the site with Jupyter Book (if its sources changed)")
        banner = None if scenario is None else scenario_banner(scenario, resolved)
        state = build_site(root, force=force, build=target, executed=executed, banner=banner)
    return runs, state, target / "html"
