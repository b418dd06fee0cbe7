"""Reading a large JSON file one array element at a time, with the line each element starts on.

`cases import` takes `{"people": [...], "cases": [...]}` (or a bare list of cases) of any size:
the file is decoded in chunks and each element of the named top-level arrays is decoded on its
own (`json.JSONDecoder.raw_decode`, the C scanner), so memory holds one chunk and one element,
not the file. Errors name the file, line and column like `json.loads` reports them.
"""

from __future__ import annotations

import codecs
import json
import re
import stat
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from caseflow.domain.inputfile import MAX_TEXT_BYTES, os_error_sv, read_input_text
from caseflow.errors import InputError

#: The largest JSON file streamed (a regular file; anything else is read whole, bounded).
MAX_STREAM_BYTES = 4 * 1024 * 1024 * 1024
CHUNK = 1 << 20
_SPACE = re.compile(r"[ \t\n\r]*")
_DECODER = json.JSONDecoder()


@dataclass(frozen=True, slots=True)
class Element:
    """One element of a streamed top-level array: the array's key (`None` for a bare list),
    its index there, the line it starts on, and its decoded value."""

    key: str | None
    index: int
    line: int
    value: Any


class JsonStream:
    """The elements of the top-level arrays of a JSON file, in file order.

    `keys` names the arrays streamed, `streamed` holds those met (`None` for a top-level list),
    `other` the other keys of the top-level object with their values (decoded whole);
    `position` is the number of bytes read so far (for a progress bar), `size` the file's size.
    """

    def __init__(self, path: Path, *, keys: tuple[str, ...], limit: int = MAX_STREAM_BYTES) -> None:
        self.path, self.keys, self.limit = path, keys, limit
        self.other: dict[str, Any] = {}
        self.streamed: set[str | None] = set()  # the arrays met (None: a top-level list)
        self.position = 0
        self.size = 0
        self._buf = ""
        self._pos = 0
        self._line = 1  # the line at self._counted
        self._counted = 0
        self._eof = False
        self._decoder = codecs.getincrementaldecoder("utf-8-sig")()
        self._handle: IO[bytes] | None = None
        self._text: str | None = None

    # -- reading -------------------------------------------------------------------------------

    def _open(self) -> None:
        if self.path.is_dir():
            raise InputError(f"{self.path}: är en mapp, inte en fil")
        try:
            info = self.path.stat()
        except OSError as err:
            raise InputError(f"{self.path}: kan inte läsa filen ({os_error_sv(err)})") from None
        if not stat.S_ISREG(info.st_mode):  # a device or a pipe: read whole, bounded
            self._text = read_input_text(self.path, limit=MAX_TEXT_BYTES)
            self.size = len(self._text)
            return
        if info.st_size > self.limit:
            raise InputError(f"{self.path}: filen är för stor (högst {self.limit >> 20} MB)")
        self.size = info.st_size
        try:
            self._handle = self.path.open("rb")
        except OSError as err:
            raise InputError(f"{self.path}: kan inte läsa filen ({os_error_sv(err)})") from None

    def _fill(self) -> bool:
        """Read another chunk (dropping what was consumed); False at the end of the file."""
        if self._eof:
            return False
        self._count_to(self._pos)
        self._buf, self._counted = self._buf[self._pos :], 0
        self._pos = 0
        if self._text is not None:
            self._buf += self._text
            self._text, self._eof = None, True
            return True
        assert self._handle is not None
        want = max(CHUNK, len(self._buf))  # a long element doubles the read, never quadratic
        try:
            data = self._handle.read(want)
        except OSError as err:
            raise InputError(f"{self.path}: kan inte läsa filen ({os_error_sv(err)})") from None
        start = self.position
        self.position += len(data)
        if self.position > self.limit:
            raise InputError(f"{self.path}: filen är för stor (högst {self.limit >> 20} MB)")
        try:
            self._buf += self._decoder.decode(data, final=not data)
        except UnicodeDecodeError as err:
            byte = start + err.start
            raise InputError(f"{self.path}: filen är inte UTF-8-text (byte {byte})") from None
        if not data:
            self._eof = True
        return True

    def _count_to(self, pos: int) -> None:
        self._line += self._buf.count("\n", self._counted, pos)
        self._counted = pos

    def _peek(self) -> str:
        """The next character after white space ("" at the end of the file)."""
        while True:
            end = _SPACE.match(self._buf, self._pos)
            assert end is not None
            self._pos = end.end()
            if self._pos < len(self._buf):
                return self._buf[self._pos]
            if not self._fill():
                return ""

    def _fail(self, message: str, pos: int | None = None) -> InputError:
        pos = self._pos if pos is None else pos
        self._count_to(min(pos, len(self._buf)))
        column = pos - self._buf.rfind("\n", 0, pos)
        return InputError(f"{self.path}:{self._line}:{column}: ogiltig JSON: {message}")

    def _value(self) -> Any:
        """Decode the value at the position; it must be followed by something or the end."""
        while True:
            try:
                value, end = _DECODER.raw_decode(self._buf, self._pos)
            except json.JSONDecodeError as err:
                if self._fill():
                    continue
                raise self._fail(err.msg, err.pos) from None
            except RecursionError:
                raise InputError(f"{self.path}: ogiltig JSON: för djup nästling") from None
            if end == len(self._buf) and self._fill():
                continue  # a number or a literal may go on in the next chunk
            self._pos = end
            return value

    def _expect(self, char: str, message: str) -> None:
        if self._peek() != char:
            raise self._fail(message)
        self._pos += 1

    # -- structure -----------------------------------------------------------------------------

    def __iter__(self) -> Iterator[Element]:
        self._open()
        try:
            first = self._peek()
            if first == "[":
                yield from self._array(None)
            elif first == "{":
                yield from self._object()
            elif first == "":
                raise self._fail("Expecting value")
            else:  # a lone value: nothing streamed (the caller names what it expected)
                self._value()
            if self._peek() != "":
                raise self._fail("Extra data")
        finally:
            if self._handle is not None:
                self._handle.close()

    def _array(self, key: str | None) -> Iterator[Element]:
        self._pos += 1  # "["
        self.streamed.add(key)
        if self._peek() == "]":
            self._pos += 1
            return
        index = 0
        while True:
            self._peek()
            self._count_to(self._pos)
            line = self._line
            yield Element(key, index, line, self._value())
            index += 1
            char = self._peek()
            if char == "]":
                self._pos += 1
                return
            if char != ",":
                raise self._fail("Expecting ',' delimiter")
            self._pos += 1

    def _object(self) -> Iterator[Element]:
        self._pos += 1  # "{"
        if self._peek() == "}":
            self._pos += 1
            return
        while True:
            if self._peek() != '"':
                raise self._fail("Expecting property name enclosed in double quotes")
            name = self._value()
            self._expect(":", "Expecting ':' delimiter")
            if name in self.keys and self._peek() == "[":
                yield from self._array(name)
                self.other.pop(name, None)
            else:
                self._peek()
                self.other[name] = self._value()
            char = self._peek()
            if char == "}":
                self._pos += 1
                return
            if char != ",":
                raise self._fail("Expecting ',' delimiter")
            self._pos += 1
