"""Material files on disk: checked by content, stored by a random name, written whole or not at all."""

import os
import re
import secrets
import unicodedata
import zipfile
from pathlib import Path
from typing import IO

from flask_babel import gettext as _

from conference.files import uploads_folder
from conference.rules import Refusal
from conference.site.filters import file_size

# What may be uploaded: the kind judged from the content, the extensions that kind may carry, its type.
KINDS = {
    "pdf": ({".pdf"}, "application/pdf"),
    "png": ({".png"}, "image/png"),
    "jpeg": ({".jpg", ".jpeg"}, "image/jpeg"),
    "zip": ({".zip"}, "application/zip"),
    "docx": ({".docx"}, "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    "xlsx": ({".xlsx"}, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "pptx": ({".pptx"}, "application/vnd.openxmlformats-officedocument.presentationml.presentation"),
    "odf": ({".odt", ".ods", ".odp"}, None),  # the type is written inside the file, and must be the extension's
    "ole": ({".doc", ".xls", ".ppt"}, None),  # older Microsoft Office formats
}
OLE_TYPES = {".doc": "application/msword", ".xls": "application/vnd.ms-excel", ".ppt": "application/vnd.ms-powerpoint"}
ODF_TYPES = {
    ".odt": "application/vnd.oasis.opendocument.text",
    ".ods": "application/vnd.oasis.opendocument.spreadsheet",
    ".odp": "application/vnd.oasis.opendocument.presentation",
}
SERVED_TYPES = (
    {mimetype for _extensions, mimetype in KINDS.values() if mimetype}
    | set(OLE_TYPES.values())
    | set(ODF_TYPES.values())
)
# Characters a file name does not keep: path separators, those Windows refuses, and quotes.
UNSAFE_IN_NAMES = re.compile(r'[\\/:*?"<>|]')
OOXML_FOLDERS = {"word/": "docx", "xl/": "xlsx", "ppt/": "pptx"}
CHUNK = 1024 * 1024


class UploadRefused(Refusal):
    pass


def folder() -> Path:
    return uploads_folder("materials")


def _kind_of_zip(stream: IO[bytes]) -> tuple[str, str | None]:
    """A ZIP file may be an office document: tell which from the names inside."""
    try:
        with zipfile.ZipFile(stream) as archive:
            names = archive.namelist()
            if "mimetype" in names:
                with archive.open("mimetype") as entry:  # only its start: the entry may inflate to gigabytes
                    declared = entry.read(100).decode("ascii", "replace").strip()
                if declared in ODF_TYPES.values():
                    return "odf", declared
            if "[Content_Types].xml" in names:
                for prefix, kind in OOXML_FOLDERS.items():
                    if any(name.startswith(prefix) for name in names):
                        return kind, KINDS[kind][1]
    except zipfile.BadZipFile as error:
        raise UploadRefused(_("This file is damaged or not what its name says.")) from error
    return "zip", KINDS["zip"][1]


def content_type(stream: IO[bytes], filename: str) -> str:
    """The file's type judged from its content; refused unless it is one we accept and its name agrees."""
    extension = os.path.splitext(filename)[1].lower()
    start = stream.read(8)
    stream.seek(0)
    if start.startswith(b"%PDF-"):
        kind, mimetype = "pdf", KINDS["pdf"][1]
    elif start.startswith(b"\x89PNG\r\n\x1a\n"):
        kind, mimetype = "png", KINDS["png"][1]
    elif start.startswith(b"\xff\xd8\xff"):
        kind, mimetype = "jpeg", KINDS["jpeg"][1]
    elif start.startswith(b"PK\x03\x04"):
        kind, mimetype = _kind_of_zip(stream)
        stream.seek(0)
    elif start.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        kind, mimetype = "ole", OLE_TYPES.get(extension)
    else:
        raise UploadRefused(
            _(
                "Please upload a PDF, an office document (Word, Excel, PowerPoint, OpenDocument), "
                "a PNG or JPEG image, or a ZIP file."
            )
        )
    if kind == "odf" and mimetype != ODF_TYPES.get(extension):
        mimetype = None  # an .odt must say it is a text document
    if extension not in KINDS[kind][0] or mimetype is None:
        raise UploadRefused(
            _("The file's content does not match its name (%(name)s). Please check the file.", name=filename)
        )
    return mimetype


def save(stream: IO[bytes], limit: int) -> tuple[str, int]:
    """Copy an upload into the store; returns its stored name and size. Nothing is left if it fails."""
    stored_name = secrets.token_hex(16)
    target = folder() / stored_name
    partial = target.with_suffix(".part")
    size = 0
    try:
        with open(partial, "xb") as output:
            while chunk := stream.read(CHUNK):
                size += len(chunk)
                if size > limit:
                    raise UploadRefused(too_large_message(limit))
                output.write(chunk)
        if size == 0:
            raise UploadRefused(_("The file is empty."))
        partial.rename(target)
    finally:
        partial.unlink(missing_ok=True)
    return stored_name, size


def too_large_message(limit: int) -> str:
    return _("The file is too large: at most %(size)s are allowed.", size=file_size(limit))


def clean_name(filename: str) -> str:
    """An uploaded file's name as it may be given back: no folders, no control or direction characters, no quotes."""
    name = re.split(r"[\\/]", filename)[-1]
    name = "".join(character for character in name if unicodedata.category(character) not in ("Cc", "Cf", "Zl", "Zp"))
    name = UNSAFE_IN_NAMES.sub("_", unicodedata.normalize("NFC", name)).strip(" .")
    stem, extension = os.path.splitext(name)
    return (stem[:200] or "datei") + extension[:20]


def served_type(content_type: str) -> str:
    """The type a download is sent with: one of ours, whatever a row says."""
    return content_type if content_type in SERVED_TYPES else "application/octet-stream"


def path_of(stored_name: str) -> Path:
    return folder() / stored_name


def remove(stored_name: str) -> None:
    path_of(stored_name).unlink(missing_ok=True)
