"""One build at a time, and no process left behind.

- :func:`exclusive` holds an exclusive ``fcntl`` lock on a build folder's lock file for
  the length of a build; a second build waits for it (saying so), or is refused.
- :func:`interruptible` turns SIGINT and SIGTERM into :class:`Interrupted`, so that a build
  can stop its workers, remove its partial files and exit non-zero.
- Every process a build starts carries the environment variable :data:`TAG_VAR` naming
  the build folder. :func:`reap` ends every process that carries a tag: a build calls it
  on an interruption, and when it starts (holding the lock, so no live build owns such a
  process: it is what a killed build left running).
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import signal
import time
from collections.abc import Callable, Iterator
from pathlib import Path

TAG_VAR = "ENERGYBOOK_BUILD_TAG"
LOCK_NAME = ".build.lock"


class Interrupted(BaseException):
    """SIGINT or SIGTERM arrived. A BaseException, like KeyboardInterrupt, so that no
    ``except Exception`` swallows it."""

    def __init__(self, signum: int):
        self.signum = signum
        super().__init__(signal.Signals(signum).name)

    @property
    def exit_code(self) -> int:
        return 128 + self.signum


class Busy(RuntimeError):
    """Another build holds the lock (and waiting was not wanted)."""


@contextlib.contextmanager
def interruptible() -> Iterator[None]:
    """Within the block, SIGINT and SIGTERM raise :class:`Interrupted` (once: a second
    signal during the clean-up is ignored)."""
    import threading

    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handler(signum: int, frame: object) -> None:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        raise Interrupted(signum)

    old = {s: signal.signal(s, handler) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for s, h in old.items():
            signal.signal(s, h)


@contextlib.contextmanager
def uninterrupted() -> Iterator[None]:
    """Hold SIGINT and SIGTERM back during the block (a swap of folders that must not stop
    half-way); they are delivered after it."""
    signals = {signal.SIGINT, signal.SIGTERM}
    old = signal.pthread_sigmask(signal.SIG_BLOCK, signals)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)


@contextlib.contextmanager
def exclusive(
    folder: Path, *, wait: bool = True, on_wait: Callable[[str], None] | None = None
) -> Iterator[Path]:
    """Hold the exclusive lock of ``folder`` (created if needed) for the block."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / LOCK_NAME
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as e:
            if e.errno not in (errno.EAGAIN, errno.EACCES):
                raise
            holder = _holder(fd)
            if not wait:
                raise Busy(f"another build of {folder} is running{holder}") from None
            if on_wait:
                on_wait(f"another build of {folder} is running{holder}; waiting for it to finish")
            fcntl.flock(fd, fcntl.LOCK_EX)
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()} {time.strftime('%H:%M:%S')}\n".encode(), 0)
        yield path
    finally:
        with contextlib.suppress(OSError):
            os.ftruncate(fd, 0)
        os.close(fd)  # releases the lock


def _holder(fd: int) -> str:
    try:
        text = os.pread(fd, 100, 0).decode().split()
    except (OSError, UnicodeDecodeError):
        return ""
    return f" (pid {text[0]}, since {text[1]})" if len(text) == 2 else ""


# --------------------------------------------------------------------------- processes
def tagged_env(tag: str, base: dict[str, str] | None = None) -> dict[str, str]:
    env = dict(os.environ if base is None else base)
    env[TAG_VAR] = tag
    return env


def tagged(tag: str) -> list[int]:
    """Pids of this user's processes whose environment carries ``TAG_VAR=tag`` (not this
    process nor its ancestors)."""
    needle = f"{TAG_VAR}={tag}".encode() + b"\0"
    mine = _ancestors()
    uid = os.getuid()
    found = []
    try:
        entries = os.listdir("/proc")
    except OSError:
        return []
    for entry in entries:
        if not entry.isdigit() or int(entry) in mine:
            continue
        try:
            if os.stat(f"/proc/{entry}").st_uid != uid:
                continue
            with open(f"/proc/{entry}/environ", "rb") as fh:
                env = fh.read() + b"\0"
        except OSError:
            continue
        if b"\0" + needle in b"\0" + env:
            found.append(int(entry))
    return found


def _ancestors() -> set[int]:
    pids = {os.getpid()}
    pid = os.getpid()
    for _ in range(64):
        try:
            with open(f"/proc/{pid}/stat") as fh:
                ppid = int(fh.read().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            break
        if ppid <= 1:
            break
        pids.add(ppid)
        pid = ppid
    return pids


def descendants(pid: int) -> list[int]:
    try:
        import psutil  # type: ignore[import-untyped]

        return [c.pid for c in psutil.Process(pid).children(recursive=True)]
    except Exception:  # noqa: BLE001 - gone already, or psutil missing
        return []


def terminate(pids: list[int], grace: float = 5.0) -> None:
    """SIGTERM to ``pids``, then SIGKILL to those alive after ``grace`` seconds."""
    alive = []
    for pid in pids:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.kill(pid, signal.SIGTERM)
            alive.append(pid)
    deadline = time.monotonic() + grace
    while alive and time.monotonic() < deadline:
        alive = [p for p in alive if _alive(p)]
        if alive:
            time.sleep(0.05)
    for pid in alive:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.kill(pid, signal.SIGKILL)


def _alive(pid: int) -> bool:
    try:
        done, _ = os.waitpid(pid, os.WNOHANG)
        if done == pid:
            return False
    except ChildProcessError:
        pass
    except OSError:
        return False
    try:
        with open(f"/proc/{pid}/stat") as fh:
            state = fh.read().rsplit(")", 1)[1].split()[0]
        return state not in ("Z", "X")
    except (OSError, IndexError):
        return False


def stop_tree(pid: int, grace: float = 5.0) -> None:
    """End ``pid`` and every process below it (collected before the first signal)."""
    tree = [pid, *descendants(pid)]
    terminate(tree, grace)


def reap(tag: str, grace: float = 3.0) -> list[int]:
    """End every process carrying ``tag``; return their pids."""
    pids = tagged(tag)
    if pids:
        terminate(pids, grace)
    return pids


def die_with_parent(parent: int | None = None) -> None:
    """Called first thing in a child process: it gets SIGTERM when the process that started
    it dies (Linux), even by SIGKILL; if that process is already gone, it exits."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass
    if parent is not None and os.getppid() != parent:
        os._exit(143)


_LAUNCHER = (
    "import os,sys;from energybook.locking import die_with_parent;"
    "die_with_parent(int(sys.argv[1]));os.execv(sys.argv[2],sys.argv[2:])"
)


def guarded(cmd: list[str]) -> list[str]:
    """``cmd`` run through a launcher that ties it to this process (see
    :func:`die_with_parent`; the setting survives the exec)."""
    import sys

    return [sys.executable, "-c", _LAUNCHER, str(os.getpid()), *cmd]
