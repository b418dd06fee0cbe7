"""The records configuration (strict, `FILE:LINE:` errors), the file checks by content, and the
content-addressed folder store (sharded, atomic, stored once)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from caseflow.errors import InputError, NotFoundError
from caseflow.records.config import (
    RecordsConfigError,
    load_document_types,
    load_records_config,
    load_secrecy,
)
from caseflow.records.filetype import DOCX, JPEG, PDF, PNG, TEXT, XLSX, check_file, detect
from caseflow.records.secrecy import check_osl
from caseflow.records.storage import FolderStore, sha256_of
from caseflow.records.vocabulary import parse_number
from caseflow.settings import PROJECT_ROOT
from tests.recordkit import docx_bytes, jpeg_bytes, pdf_bytes, png_bytes, xlsx_bytes


def test_the_shipped_configuration_loads() -> None:
    config = load_records_config(PROJECT_ROOT / "records")
    types = config.document_types
    assert types.codes[:3] == ["ansokan", "beslut", "tjansteskrivelse"]
    assert types.label("tjansteskrivelse") == "Tjänsteskrivelse"
    assert types.for_memo("delegationsbeslut") == "beslut"
    assert types.for_memo("okand_typ") == "tjansteskrivelse"
    assert config.secrecy.may_see(["registrator"]) and not config.secrecy.may_see(
        ["namndsekreterare"]
    )


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ("version: 1\ntypes:\n  - code: a\n    label: A\n    colour: red\n", 5, "okänd nyckel"),
        ("version: 1\ntypes:\n  - code: Ansökan\n    label: A\n", 3, "should match pattern"),
        (
            "version: 1\ntypes:\n  - {code: ovrigt, label: Ö}\n  - {code: ovrigt, label: X}\n",
            4,
            "finns redan",
        ),
        (
            "version: 1\ntypes:\n  - {code: tjansteskrivelse, label: T}\nmemo_types:\n  x: nej\n"
            "memo_default: tjansteskrivelse\n",
            5,
            "okänd dokumenttyp 'nej'",
        ),
        (
            "version: 1\ntypes:\n  - {code: ovrigt, label: Ö}\n",
            2,
            "memo_default saknas",
        ),
        (
            "version: 1\ntypes:\n  - {code: ovrigt, label: Ö}\nmemo_default: brev\n",
            4,
            "memo_default: okänd dokumenttyp 'brev'",
        ),
        ("version: 1\ntypes: [\n", 3, "ogiltig YAML"),
        ("version: 1\nversion: 2\n", 2, "två gånger"),
    ],
)
def test_bad_document_types_name_file_and_line(
    tmp_path: Path, text: str, line: int, words: str
) -> None:
    path = tmp_path / "document_types.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(RecordsConfigError) as err:
        load_document_types(path)
    assert str(err.value).startswith(f"{path}:{line}:"), str(err.value)
    assert words in str(err.value)


def test_secrecy_roles_must_exist(tmp_path: Path) -> None:
    path = tmp_path / "secrecy.yaml"
    path.write_text("version: 1\nroles_with_access: [admin, chef]\nroles_that_mark: [admin]\n")
    with pytest.raises(RecordsConfigError, match=r"secrecy.yaml:2: .*okänd roll 'chef'"):
        load_secrecy(path)
    with pytest.raises(RecordsConfigError, match="kan inte läsa filen"):
        load_secrecy(tmp_path / "saknas.yaml")


def test_files_are_recognised_by_content() -> None:
    assert detect(pdf_bytes()) == PDF and detect(png_bytes()) == PNG
    assert detect(jpeg_bytes()) == JPEG and detect(docx_bytes()) == DOCX
    assert detect(xlsx_bytes()) == XLSX and detect("Åre\n".encode()) == TEXT
    assert detect(b"PK\x03\x04 not really a zip") is None
    assert detect(b"\xff\xfe\x00binary") is None
    assert check_file(docx_bytes(), "Plan.DOCX", max_bytes=10**6).media_type == DOCX
    for name in ("a/b.pdf", "..\\b.pdf", "C:b.pdf", ".."):
        with pytest.raises(InputError, match="sökväg"):
            check_file(pdf_bytes(), name, max_bytes=10**6)
    with pytest.raises(InputError, match="innehållet är Word-dokument"):
        check_file(docx_bytes(), "plan.xlsx", max_bytes=10**6)


def test_osl_references_and_numbers() -> None:
    assert check_osl("OSL 31:16") == "OSL 31:16"
    assert check_osl("osl 30 kap. 23 §") == "OSL 30:23"
    assert check_osl("21:7") == "OSL 21:7"
    for bad in ("31", "OSL", "sekretess", "OSL 31:16; DROP"):
        with pytest.raises(InputError, match="OSL 31:16"):
            check_osl(bad)
    dnr, seq = parse_number(" run/479/2024-3 ")
    assert (str(dnr), seq) == ("RUN/479/2024", 3)
    for bad in ("RUN/479/2024", "RUN/479/2024-0", "RUN/479-3"):
        with pytest.raises(InputError):
            parse_number(bad)


def test_the_folder_store_is_sharded_atomic_and_stores_once(tmp_path: Path) -> None:
    store = FolderStore(tmp_path / "filer")
    key = store.put(b"hej")
    assert key == sha256_of(b"hej")
    path = store.path_of(key)
    assert path == tmp_path / "filer" / key[:2] / key[2:4] / key
    assert store.put(b"hej") == key and store.get(key) == b"hej" and store.exists(key)
    assert [p.name for p in (tmp_path / "filer").rglob("*") if p.is_file()] == [key]
    with pytest.raises(NotFoundError):
        store.get(sha256_of(b"annat"))
    with pytest.raises(NotFoundError):
        store.get("../../etc/passwd")
    if os.geteuid() != 0:  # root writes anywhere; the permission error is tested elsewhere
        (tmp_path / "ro").mkdir(mode=0o500)
        with pytest.raises(Exception, match="kan inte spara filen"):
            FolderStore(tmp_path / "ro").put(b"x")
