"""The records configuration: `records/document_types.yaml` (document types and which type a
rendered memo gets) and `records/secrecy.yaml` (which roles see secret content), validated
strictly with `FILE:LINE:` errors. Pure."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError

from caseflow.domain.roles import ROLES
from caseflow.errors import InputError
from caseflow.workflow.yamlpos import LocatedYaml, YamlSyntaxError, load_located

Code = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$", max_length=64)]
Direction = Literal["inkommande", "upprattad", "utgaende"]
DOCUMENT_TYPES_FILE = "document_types.yaml"
SECRECY_FILE = "secrecy.yaml"


class RecordsConfigError(InputError):
    """A records configuration file is invalid (the message names file and line)."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class DocumentType(_Strict):
    code: Code
    label: str = Field(min_length=1, max_length=100)
    directions: list[Direction] | None = None  # None: any direction


class DocumentTypes(_Strict):
    version: int = Field(ge=1)
    types: list[DocumentType] = Field(min_length=1)
    memo_types: dict[str, Code] = Field(default_factory=dict)
    #: The type a memo of a kind `memo_types` does not name is registered as (required; checked
    #: after the schema so that other errors are reported first).
    memo_default: Code | None = None

    def get(self, code: str) -> DocumentType | None:
        return next((t for t in self.types if t.code == code), None)

    @property
    def codes(self) -> list[str]:
        return [t.code for t in self.types]

    def label(self, code: str) -> str:
        found = self.get(code)
        return found.label if found else code

    def for_memo(self, kind: str) -> str:
        """The document type a rendered memo of `kind` is registered as."""
        default = self.memo_default
        assert default is not None  # load_document_types refuses a file without it
        return self.memo_types.get(kind, default)


class SecrecyConfig(_Strict):
    version: int = Field(ge=1)
    roles_with_access: list[str] = Field(min_length=1)
    roles_that_mark: list[str] = Field(min_length=1)

    def may_see(self, roles: list[str] | tuple[str, ...]) -> bool:
        return bool(set(roles) & set(self.roles_with_access))

    def may_mark(self, roles: list[str] | tuple[str, ...]) -> bool:
        return bool(set(roles) & set(self.roles_that_mark))


@dataclass(frozen=True)
class RecordsConfig:
    document_types: DocumentTypes
    secrecy: SecrecyConfig


_M = TypeVar("_M", bound=_Strict)


def _load(path: Path, model: type[_M]) -> tuple[_M, LocatedYaml]:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as err:
        raise RecordsConfigError(f"{path}: kan inte läsa filen: {err.strerror}") from err
    try:
        located = load_located(text)
    except YamlSyntaxError as err:
        raise RecordsConfigError(f"{path}:{err.line or '?'}: {err}") from err
    if not isinstance(located.data, Mapping):
        raise RecordsConfigError(f"{path}:1: filen måste vara en YAML-mappning")
    try:
        return model.model_validate(located.data), located
    except ValidationError as err:
        lines = []
        for item in err.errors():
            loc = tuple(item["loc"])
            where = ".".join(str(p) for p in loc) or "(roten)"
            message = "okänd nyckel" if item["type"] == "extra_forbidden" else item["msg"]
            lines.append(f"{path}:{located.line_of(loc) or '?'}: {where}: {message}")
        raise RecordsConfigError("\n".join(lines)) from err


def _fail(path: Path, located: LocatedYaml, loc: tuple[str | int, ...], message: str) -> None:
    raise RecordsConfigError(f"{path}:{located.line_of(loc) or '?'}: {message}")


def load_document_types(path: Path) -> DocumentTypes:
    """Read and validate `document_types.yaml`: unique codes and labels, memo types known.

    Raises:
        RecordsConfigError: `FILE:LINE: message` for the first problem of each kind.
    """
    types, located = _load(path, DocumentTypes)
    seen: dict[str, int] = {}
    for index, item in enumerate(types.types):
        if item.code in seen:
            _fail(
                path,
                located,
                ("types", index, "code"),
                f"dokumenttypen {item.code!r} finns redan (typ {seen[item.code] + 1})",
            )
        seen[item.code] = index
    for kind, code in types.memo_types.items():
        if code not in seen:
            _fail(
                path,
                located,
                ("memo_types", kind),
                f"memo_types.{kind}: okänd dokumenttyp {code!r}; giltiga: {', '.join(seen)}",
            )
    if types.memo_default is None:
        _fail(
            path,
            located,
            ("types",),
            "memo_default saknas: den dokumenttyp som memon registreras som",
        )
    elif types.memo_default not in seen:
        _fail(
            path,
            located,
            ("memo_default",),
            f"memo_default: okänd dokumenttyp {types.memo_default!r}; giltiga: {', '.join(seen)}",
        )
    return types


def load_secrecy(path: Path) -> SecrecyConfig:
    """Read and validate `secrecy.yaml`: every role named must exist.

    Raises:
        RecordsConfigError: `FILE:LINE: message`.
    """
    config, located = _load(path, SecrecyConfig)
    for key in ("roles_with_access", "roles_that_mark"):
        roles: list[Any] = getattr(config, key)
        for index, role in enumerate(roles):
            if role not in ROLES:
                _fail(
                    path,
                    located,
                    (key, index),
                    f"{key}: okänd roll {role!r}; giltiga: {', '.join(ROLES)}",
                )
    return config


def load_records_config(records_dir: Path) -> RecordsConfig:
    """Both files from the records folder (`CASEFLOW_RECORDS_DIR`).

    Raises:
        RecordsConfigError.
    """
    return RecordsConfig(
        document_types=load_document_types(records_dir / DOCUMENT_TYPES_FILE),
        secrecy=load_secrecy(records_dir / SECRECY_FILE),
    )


def cached_records_config(records_dir: Path) -> RecordsConfig:
    """`load_records_config(records_dir)`, validated once and again only when one of its two
    files changes (keyed on their modification times and sizes): every server and worker
    process follows an edited file on its next use, without a restart.

    Raises:
        RecordsConfigError: as `load_records_config` (errors are not cached).
    """
    try:
        stats = [(records_dir / name).stat() for name in (DOCUMENT_TYPES_FILE, SECRECY_FILE)]
    except OSError:
        return load_records_config(records_dir)  # the error, worded by the loader
    key = tuple((st.st_mtime_ns, st.st_size) for st in stats)
    return _records_config_at(records_dir.resolve(), key)


@functools.lru_cache(maxsize=4)
def _records_config_at(records_dir: Path, _files: tuple[tuple[int, int], ...]) -> RecordsConfig:
    return load_records_config(records_dir)
