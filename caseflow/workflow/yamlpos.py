"""Load YAML, bounded, together with the line of every key and item, so errors can name the line.

Every YAML file caseflow reads (workflows, memos/board.yaml, meeting plans, results forms) goes
through `load_located`, which refuses, with the line where it can, before any work grows with
it: a text over MAX_CHARS, nesting deeper than MAX_DEPTH (PyYAML's composer recurses, so depth
is checked on the parser's event stream first), more than MAX_NODES values once aliases (`*a`)
are expanded (a "billion laughs" file is a few hundred bytes), an alias to itself, and dates that
do not exist (unquoted `2027-02-30`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml
from yaml.constructor import ConstructorError

Path = tuple[str | int, ...]
#: The longest YAML text read (characters).
MAX_CHARS = 1_000_000
#: The deepest nesting of mappings and lists, aliases expanded.
MAX_DEPTH = 50
#: The most values (scalars, lists, mappings), aliases expanded.
MAX_NODES = 100_000


@dataclass(frozen=True)
class LocatedYaml:
    """Parsed YAML data plus `lines[path] = 1-based line` for every key and sequence item."""

    data: Any
    lines: dict[Path, int] = field(default_factory=dict)

    def line_of(self, path: Path) -> int | None:
        """The line of `path`, or of its nearest ancestor that has one."""
        for end in range(len(path), -1, -1):
            line = self.lines.get(tuple(path[:end]))
            if line is not None:
                return line
        return None


class YamlSyntaxError(ValueError):
    def __init__(self, message: str, line: int | None) -> None:
        super().__init__(message)
        self.line = line


class _Loader(yaml.SafeLoader):
    """SafeLoader whose impossible dates are YAML errors with a line, not a ValueError."""

    def construct_checked_timestamp(self, node: yaml.ScalarNode) -> Any:
        try:
            return self.construct_yaml_timestamp(node)
        except ValueError:
            raise ConstructorError(
                None, None, f"ogiltigt datum {str(node.value)[:40]!r}", node.start_mark
            ) from None


_Loader.add_constructor("tag:yaml.org,2002:timestamp", _Loader.construct_checked_timestamp)


def _check_events(text: str) -> None:
    """Refuse a too long text, or nesting too deep, from the parser's events (no recursion)."""
    if len(text) > MAX_CHARS:
        raise YamlSyntaxError(f"filen är för stor (högst {MAX_CHARS:,} tecken)".replace(",", " "),
                              None)  # fmt: skip
    depth = 0
    for event in yaml.parse(text, Loader=_Loader):
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > MAX_DEPTH:
                mark = event.start_mark
                raise YamlSyntaxError(f"för djup nästling (högst {MAX_DEPTH} nivåer)",
                                      mark.line + 1 if mark else None)  # fmt: skip
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1


def _check_expanded(root: yaml.Node) -> None:
    """Refuse more than MAX_NODES values or MAX_DEPTH levels with aliases expanded, and an
    alias to a node that contains it. Each distinct node is measured once."""
    measured: dict[int, tuple[int, int]] = {}  # id(node) → (values, depth)
    open_: set[int] = set()

    def measure(node: yaml.Node) -> tuple[int, int]:
        key = id(node)
        if key in measured:
            return measured[key]
        if key in open_:
            raise YamlSyntaxError("ett alias (*) pekar på sig självt", node.start_mark.line + 1)
        open_.add(key)
        children: list[yaml.Node] = []
        if isinstance(node, yaml.MappingNode):
            children = [n for pair in node.value for n in pair]
        elif isinstance(node, yaml.SequenceNode):
            children = list(node.value)
        values, depth = 1, 0
        for child in children:
            child_values, child_depth = measure(child)
            values += child_values
            depth = max(depth, child_depth)
        result = (values, depth + (0 if isinstance(node, yaml.ScalarNode) else 1))
        if result[0] > MAX_NODES:
            raise YamlSyntaxError(f"för många värden när alias (*) fylls i (högst {MAX_NODES})",
                                  node.start_mark.line + 1)  # fmt: skip
        if result[1] > MAX_DEPTH:
            raise YamlSyntaxError(f"för djup nästling när alias (*) fylls i (högst {MAX_DEPTH} "
                                  "nivåer)", node.start_mark.line + 1)  # fmt: skip
        open_.discard(key)
        measured[key] = result
        return result

    measure(root)


def load_yaml(text: str) -> Any:
    """Parse `text` (safe YAML, bounded as the module says) into data.

    Raises:
        YamlSyntaxError: invalid or unbounded YAML (with its line where known).
    """
    return _load(text)[1]


def _load(text: str) -> tuple[yaml.Node | None, Any]:
    try:
        _check_events(text)
        loader = _Loader(text)
        try:
            node = loader.get_single_node()
            if node is None:
                return None, None
            _check_expanded(node)
            return node, loader.construct_document(node)
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark
        raise YamlSyntaxError(
            f"ogiltig YAML: {err.problem}", mark.line + 1 if mark else None
        ) from err
    except yaml.YAMLError as err:
        raise YamlSyntaxError(f"ogiltig YAML: {err}", None) from err


def load_located(text: str) -> LocatedYaml:
    """Parse `text` (safe YAML, bounded as the module says) and record lines.

    Raises:
        YamlSyntaxError: invalid or unbounded YAML, or a duplicated mapping key (with its line).
    """
    node, data = _load(text)
    lines: dict[Path, int] = {}
    if node is not None:
        lines[()] = node.start_mark.line + 1
        _walk(node, (), lines)
    return LocatedYaml(data=data, lines=lines)


def _walk(node: yaml.Node, path: Path, lines: dict[Path, int]) -> None:
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key_node, value_node in node.value:
            key = str(key_node.value)
            if key in seen:
                raise YamlSyntaxError(
                    f"nyckeln {key!r} förekommer två gånger", key_node.start_mark.line + 1
                )
            seen.add(key)
            lines[(*path, key)] = key_node.start_mark.line + 1
            _walk(value_node, (*path, key), lines)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            lines[(*path, index)] = item.start_mark.line + 1
            _walk(item, (*path, index), lines)
