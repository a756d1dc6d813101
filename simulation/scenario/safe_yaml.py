"""Reading a scenario's YAML text with bounds: size, alias expansion, duplicate keys, encoding.

A scenario file is small (the baseline is a few kilobytes), so anything far larger, a file that is
not UTF-8 text, a mapping that names one key twice, or aliases that expand into a huge document
("billion laughs") is refused before it is built into Python objects.
"""

from __future__ import annotations

import copy
from functools import lru_cache
from pathlib import Path

import yaml

MAX_BYTES = 1_000_000
"""Largest scenario file read (bytes); the baseline is about 12 kB."""

MAX_ALIASES = 100
"""Most YAML aliases (``*name``) one document may use."""

MAX_NODES = 100_000
"""Most nodes the document may hold once every alias is expanded (the baseline has about 600)."""


class YamlLimitError(ValueError):
    """The text is not a scenario document we are willing to build; the message says why."""


def read_text(path: Path) -> str:
    """The file's text, refusing a folder, a file too large, a binary or a non-UTF-8 file.

    Raises
    ------
    FileNotFoundError
        If nothing is at ``path``.
    YamlLimitError
        Naming what is wrong (a folder, the size and the limit, the encoding found).
    """
    if path.is_dir():
        raise YamlLimitError("is a folder, not a scenario file")
    size = path.stat().st_size
    if size > MAX_BYTES:
        raise YamlLimitError(f"is {size:,} bytes; a scenario file is at most {MAX_BYTES:,} bytes")
    data = path.read_bytes()
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise YamlLimitError("is UTF-16 text; save it as UTF-8")
    if b"\x00" in data:
        raise YamlLimitError("is a binary file (it holds NUL bytes), not a YAML text file")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        found = f"byte {data[exc.start]:#04x} on line {line}"
        raise YamlLimitError(f"is not UTF-8 text ({found}); save it as UTF-8") from None


class BoundedLoader(yaml.SafeLoader):
    """PyYAML's safe loader with a cap on aliases and expanded size, and no duplicate keys."""

    def __init__(self, stream):
        super().__init__(stream)
        self.alias_count = 0

    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent):
            self.alias_count += 1
            if self.alias_count > MAX_ALIASES:
                mark = self.peek_event().start_mark
                raise YamlLimitError(f"line {mark.line + 1}: more than {MAX_ALIASES} YAML aliases (*name)")
        return super().compose_node(parent, index)

    def compose_document(self):
        node = super().compose_document()
        _check_expanded_size(node)
        return node

    def construct_mapping(self, node, deep=False):
        if isinstance(node, yaml.MappingNode):
            seen: dict = {}
            for key_node, _ in node.value:
                if key_node.tag == "tag:yaml.org,2002:merge":
                    continue
                key = self.construct_object(key_node, deep=True)
                line = key_node.start_mark.line + 1
                try:
                    first = seen.get(key)
                except TypeError:  # an unhashable key: PyYAML reports it below
                    continue
                if first is not None:
                    where = f"line {first} and line {line}"
                    raise YamlLimitError(f"key {key!r} appears twice in one mapping ({where}); keep one")
                seen[key] = line
        return super().construct_mapping(node, deep=deep)


def _check_expanded_size(root) -> None:
    """Refuse a node graph whose alias-expanded size exceeds :data:`MAX_NODES` or that refers to itself."""
    sizes: dict[int, int] = {}
    open_nodes: set[int] = set()

    def size(node) -> int:
        key = id(node)
        if key in sizes:
            return sizes[key]
        if key in open_nodes:
            raise YamlLimitError(f"line {node.start_mark.line + 1}: an alias refers to the node that holds it")
        open_nodes.add(key)
        if isinstance(node, yaml.SequenceNode):
            total = 1 + sum(size(child) for child in node.value)
        elif isinstance(node, yaml.MappingNode):
            total = 1 + sum(size(k) + size(v) for k, v in node.value)
        else:
            total = 1
        open_nodes.discard(key)
        if total > MAX_NODES:
            raise YamlLimitError(
                f"line {node.start_mark.line + 1}: aliases expand the document beyond {MAX_NODES:,} nodes"
            )
        sizes[key] = total
        return total

    if root is not None:
        size(root)


def load(text: str):
    """Parse one YAML document with :class:`BoundedLoader`; a new copy each call (callers change it).

    A text parsed before in this process is not parsed again (:func:`_parsed`): every shipped
    scenario extends the baseline, so a batch worker's kernel, the comparison and a portfolio read
    the same file many times, and PyYAML's pure-Python parser takes 14 ms for the baseline where a
    copy takes 0.2 ms.
    """
    return copy.deepcopy(_parsed(text))


@lru_cache(maxsize=16)
def _parsed(text: str):
    """One YAML document parsed by :class:`BoundedLoader`, kept for the next :func:`load` of the same
    text (a text that fails is not kept: it raises again)."""
    return yaml.load(text, Loader=BoundedLoader)  # noqa: S506 - a SafeLoader subclass
