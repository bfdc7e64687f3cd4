"""Safe reading of the files a user hands the command line, and messages that stay short.

- :func:`read_text` reads a regular file only (a folder, a device such as ``/dev/zero``, a
  pipe or a socket is refused by name), at most :data:`MAX_BYTES` of it, as UTF-8.
- :func:`load_mapping` parses YAML with PyYAML's safe loader and limits: the number of
  aliases, the size of the document once every alias is expanded (a "billion laughs" file
  is refused at once, never expanded), the nesting depth and the length of a key. Every
  key must be a string, and no key may be given twice (the second would silently win).
  Merges (``<<: *base``) work as in YAML 1.1.
- :func:`clip` and :func:`clip_message` shorten the values quoted in messages, and
  :func:`cap_problems` keeps a list of problems to a readable length.

Every refusal is a :class:`InputRefused` whose message names the file, and the line where
there is one.
"""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path
from typing import Any

MAX_BYTES = 64_000  # a parameters or scenario file is a few hundred bytes
MAX_ALIASES = 100  # alias references in one document
MAX_NODES = 50_000  # nodes of the document with every alias expanded
MAX_DEPTH = 64  # nesting of sequences and mappings
MAX_KEY_CHARS = 200  # a parameter or chapter name is a Python identifier
CLIP_CHARS = 80  # longest value quoted in a message
MAX_PROBLEMS = 20  # problems listed before "... and N more"


class InputRefused(ValueError):
    """A file the user named cannot be used; the message says which and why."""


# --------------------------------------------------------------------------- messages
def clip(value: Any, limit: int = CLIP_CHARS) -> str:
    """``repr(value)``, shortened to about ``limit`` characters with its length stated."""
    return _shorten(repr(value), limit)


def _shorten(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    keep = max(10, limit - 20)
    return f"{text[:keep]}… ({len(text):,} characters)"


_QUOTED = re.compile(
    r"'(?:[^'\\\n]|\\.){N,}'|\"(?:[^\"\\\n]|\\.){N,}\"".replace("N", str(CLIP_CHARS))
)


def clip_message(message: str, limit: int = CLIP_CHARS, total: int = 2000) -> str:
    """``message`` with every quoted value longer than ``limit`` shortened, and the whole
    kept under ``total`` characters."""
    message = _QUOTED.sub(lambda m: _shorten(m.group(0), limit), message)
    if len(message) > total:
        message = message[: total - 40] + f"… ({len(message):,} characters in all)"
    return message


def cap_problems(problems: list[str], limit: int = MAX_PROBLEMS) -> list[str]:
    """The first ``limit`` problems (each clipped), then a count of the rest."""
    shown = [clip_message(p) for p in problems[:limit]]
    rest = len(problems) - limit
    if rest > 0:
        shown.append(f"... and {rest:,} more problem{'s' if rest > 1 else ''} (fix these first)")
    return shown


# --------------------------------------------------------------------------- files
def read_text(path: str | os.PathLike, *, what: str = "file", limit: int = MAX_BYTES) -> str:
    """The UTF-8 text of a regular file of at most ``limit`` bytes."""
    name = str(path)
    try:
        st = os.stat(path)
    except FileNotFoundError:
        raise InputRefused(f"{name}: no such file") from None
    except OSError as e:
        raise InputRefused(f"{name}: cannot be read ({e.strerror})") from None
    if stat.S_ISDIR(st.st_mode):
        raise InputRefused(f"{name}: is a folder, not a {what}")
    if not stat.S_ISREG(st.st_mode):
        kind = (
            "a character device"
            if stat.S_ISCHR(st.st_mode)
            else "a block device"
            if stat.S_ISBLK(st.st_mode)
            else "a pipe"
            if stat.S_ISFIFO(st.st_mode)
            else "a socket"
            if stat.S_ISSOCK(st.st_mode)
            else "a special file"
        )
        raise InputRefused(f"{name}: is {kind}, not a regular {what}")
    if st.st_size > limit:
        raise InputRefused(
            f"{name}: is {st.st_size:,} bytes; a {what} may be at most {limit:,} bytes"
        )
    try:
        with open(path, "rb") as fh:
            raw = fh.read(limit + 1)
    except OSError as e:
        raise InputRefused(f"{name}: cannot be read ({e.strerror})") from None
    if len(raw) > limit:
        raise InputRefused(
            f"{name}: is more than {limit:,} bytes; a {what} may be at most {limit:,} bytes"
        )
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise InputRefused(f"{name}: is not UTF-8 text (byte {e.start})") from None


# --------------------------------------------------------------------------- YAML
def _loader_class():
    import yaml
    from yaml.nodes import MappingNode, ScalarNode, SequenceNode

    STR = "tag:yaml.org,2002:str"
    MERGE = "tag:yaml.org,2002:merge"

    class Refusal(yaml.YAMLError):
        def __init__(self, problem: str, mark: Any = None):
            super().__init__(problem)
            self.problem, self.problem_mark = problem, mark

    class Loader(yaml.SafeLoader):
        """PyYAML's safe loader with limits on aliases, expanded size, depth and keys."""

        def __init__(self, stream: str):
            super().__init__(stream)
            self.aliases = 0
            self.depth = 0

        def compose_node(self, parent, index):
            if self.check_event(yaml.AliasEvent):
                self.aliases += 1
                if self.aliases > MAX_ALIASES:
                    raise Refusal(
                        f"more than {MAX_ALIASES} aliases (*name): refused",
                        self.peek_event().start_mark,
                    )
                return super().compose_node(parent, index)
            self.depth += 1
            if self.depth > MAX_DEPTH:
                raise Refusal(
                    f"nested more than {MAX_DEPTH} levels deep: refused",
                    self.peek_event().start_mark,
                )
            try:
                return super().compose_node(parent, index)
            finally:
                self.depth -= 1

        def construct_mapping(self, node, deep=False):
            if not isinstance(node, MappingNode):
                return super().construct_mapping(node, deep=deep)
            seen: dict[str, Any] = {}
            for key_node, _ in node.value:
                if key_node.tag == MERGE:
                    continue
                key = self._key(key_node)
                if key in seen:
                    raise Refusal(f"the key {clip(key)} is given twice", key_node.start_mark)
                seen[key] = key_node
            self.flatten_mapping(node)
            mapping: dict[str, Any] = {}
            for key_node, value_node in node.value:
                mapping[self._key(key_node)] = self.construct_object(value_node, deep=deep)
            return mapping

        def _key(self, key_node) -> str:
            if not isinstance(key_node, ScalarNode) or key_node.tag != STR:
                kind = (
                    "a list"
                    if isinstance(key_node, SequenceNode)
                    else "a mapping"
                    if isinstance(key_node, MappingNode)
                    else f"the {_scalar_kind(key_node.tag)} {clip(key_node.value)}"
                )
                raise Refusal(
                    f"every key must be a string; this one is {kind}", key_node.start_mark
                )
            value = key_node.value
            if len(value) > MAX_KEY_CHARS:
                raise Refusal(
                    f"the key {clip(value)} is longer than {MAX_KEY_CHARS} characters",
                    key_node.start_mark,
                )
            return value

    Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, Loader.construct_mapping)
    return Loader, Refusal


def _scalar_kind(tag: str) -> str:
    kind = tag.rsplit(":", 1)[-1]
    return {
        "int": "integer",
        "float": "number",
        "bool": "boolean",
        "null": "null value",
        "timestamp": "date",
    }.get(kind, kind)


_LOADER: Any = None


def _expanded_size(root: Any) -> int:
    """Nodes of the document with every alias expanded, counted without expanding it; a
    recursive alias (a node inside itself) is refused."""
    from yaml.nodes import MappingNode, SequenceNode

    memo: dict[int, int] = {}
    active: set[int] = set()
    # Iterative post-order walk: no recursion, whatever the depth.
    stack: list[tuple[Any, bool]] = [(root, False)]
    while stack:
        node, done = stack.pop()
        nid = id(node)
        if done:
            active.discard(nid)
            children = _children(node, MappingNode, SequenceNode)
            memo[nid] = min(1 + sum(memo[id(c)] for c in children), MAX_NODES + 1)
            continue
        if nid in memo:
            continue
        if nid in active:
            raise ValueError(
                "an alias refers to a node that contains it (a recursive structure): refused"
            )
        active.add(nid)
        stack.append((node, True))
        for c in _children(node, MappingNode, SequenceNode):
            if id(c) in active:
                raise ValueError(
                    "an alias refers to a node that contains it (a recursive structure): refused"
                )
            if id(c) not in memo:
                stack.append((c, False))
    return memo[id(root)]


def _children(node: Any, mapping: type, sequence: type) -> list[Any]:
    value: Any = getattr(node, "value", None)
    if isinstance(node, mapping):
        return [n for pair in value for n in pair]
    if isinstance(node, sequence):
        return list(value)
    return []


def loads(text: str, source: str = "<string>") -> Any:
    """Parse one YAML document safely (see the module's limits)."""
    import yaml

    global _LOADER
    if _LOADER is None:
        _LOADER = _loader_class()
    loader_cls, refusal = _LOADER
    loader = loader_cls(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        try:
            size = _expanded_size(node)
        except ValueError as e:
            raise InputRefused(f"{source}: {e}") from None
        if size > MAX_NODES:
            if loader.aliases:
                raise InputRefused(
                    f"{source}: expands to more than {MAX_NODES:,} values through its "
                    "aliases (*name): refused (a parameters file needs no aliases)"
                )
            raise InputRefused(
                f"{source}: holds more than {MAX_NODES:,} values: refused "
                "(a parameters file holds a few)"
            )
        return loader.construct_document(node)
    except refusal as e:
        mark = e.problem_mark
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise InputRefused(f"{source}: refused{where}: {e.problem}") from None
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(e, "problem", None) or str(e).splitlines()[0]
        near = ""
        if mark is not None:
            lines = text.splitlines()
            if 0 <= mark.line < len(lines) and lines[mark.line].strip():
                near = f" (the line reads {clip(lines[mark.line].strip(), 60)})"
        raise InputRefused(
            f"{source}: malformed YAML{where}: {clip_message(problem)}{near}"
        ) from None
    except RecursionError:
        raise InputRefused(f"{source}: nested too deeply: refused") from None
    finally:
        loader.dispose()


def load_mapping(path: str | os.PathLike, *, shape: str = "NAME: VALUE") -> dict[str, Any]:
    """Read a YAML file that must hold a mapping (empty: ``{}``)."""
    name = str(path)
    obj = loads(read_text(path, what="YAML file"), name)
    if obj is None:
        return {}
    if not isinstance(obj, dict):
        kind = "list" if isinstance(obj, list) else "scalar"
        raise InputRefused(
            f"{name}: must be a mapping of {shape}, got a {type(obj).__name__} (a YAML {kind})"
        )
    return obj


def is_yaml_path(path: str | os.PathLike) -> bool:
    return Path(path).suffix.lower() in (".yaml", ".yml")
