"""What an uploaded file really is, judged by its content, and whether the audit may keep it.

A name can say anything: "policy.pdf" may hold a program or a web page. The file's first bytes (and,
for office formats, the parts inside the ZIP) decide its kind; the name's extension must agree.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import PurePath
from typing import IO

from django.conf import settings
from django.utils.translation import gettext as _

from config.errors import DomainError

DEFAULT_MAX_UPLOAD_BYTES = 20 * 1024 * 1024
SNIFF_BYTES = 64 * 1024
MAX_CONTENT_TYPES_BYTES = 256 * 1024


@dataclass(frozen=True)
class FileKind:
    code: str
    label: str
    content_type: str
    extensions: tuple[str, ...]


PDF = FileKind("pdf", "PDF", "application/pdf", (".pdf",))
DOCX = FileKind(
    "docx",
    "Word (DOCX)",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    (".docx",),
)
XLSX = FileKind(
    "xlsx", "Excel (XLSX)", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (".xlsx",)
)
ODT = FileKind("odt", "OpenDocument text (ODT)", "application/vnd.oasis.opendocument.text", (".odt",))
TEXT = FileKind("text", "plain text or CSV", "text/plain", (".txt", ".csv", ".md"))

DOCUMENT_KINDS = (PDF, DOCX, XLSX, ODT, TEXT)
STAFF_FILE_KINDS = (XLSX, TEXT)

# The main part's content type in [Content_Types].xml identifies an Office Open XML package.
OOXML_MAIN_PARTS = {
    b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml": DOCX,
    b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml": XLSX,
}
ODF_MIMETYPES = {b"application/vnd.oasis.opendocument.text": ODT}
# Markup that a browser (or a careless viewer) would run or render rather than show as text.
MARKUP_STARTS = (b"<!doctype", b"<html", b"<script", b"<svg", b"<?xml", b"<head", b"<body", b"<iframe")


class UploadRefused(DomainError):
    """The file is not kept; the message says why and what would be accepted."""


def max_upload_bytes() -> int:
    return int(getattr(settings, "EVIDENCE_MAX_UPLOAD_BYTES", DEFAULT_MAX_UPLOAD_BYTES))


def _size_text(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MiB" if size >= 1024 * 1024 else f"{size / 1024:.0f} KiB"


def _zip_kind(upload: IO[bytes]) -> FileKind | None:
    """DOCX, XLSX or ODT by the package's own declaration of what it holds."""
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as package:
            names = set(package.namelist())
            if "mimetype" in names:
                with package.open("mimetype") as part:
                    declared = part.read(100).strip()
                if declared in ODF_MIMETYPES and "content.xml" in names:
                    return ODF_MIMETYPES[declared]
            if "[Content_Types].xml" in names:
                with package.open("[Content_Types].xml") as part:
                    types = part.read(MAX_CONTENT_TYPES_BYTES)
                for main, kind in OOXML_MAIN_PARTS.items():
                    if main in types:
                        return kind
    except (zipfile.BadZipFile, zipfile.LargeZipFile, KeyError, OSError, RuntimeError, ValueError):
        return None
    return None


def _is_plain_text(head: bytes) -> bool:
    """Readable text without control characters and not markup a browser would render."""
    if b"\x00" in head:
        return False
    try:
        text = head.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        if error.start < len(head) - 4:  # a multi-byte character cut by the sniffing window is fine
            try:
                text = head.decode("cp1252")
            except UnicodeDecodeError:
                return False
        else:
            text = head[: error.start].decode("utf-8-sig", errors="ignore")
    if any(ord(char) < 32 and char not in "\t\n\r\f" for char in text):
        return False
    start = text.lstrip().lower().encode()
    return not start.startswith(MARKUP_STARTS)


def sniff(upload: IO[bytes]) -> FileKind | None:
    """The file's kind from its content, or None when it is none of the kinds this app keeps."""
    upload.seek(0)
    head = upload.read(SNIFF_BYTES)
    upload.seek(0)
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"PK\x03\x04"):
        return _zip_kind(upload)
    if head and _is_plain_text(head):
        return TEXT
    return None


def checked_upload(upload, *, allowed: tuple[FileKind, ...]) -> FileKind:
    """The kind of an acceptable upload; UploadRefused (nothing stored) for any other.

    Checks the size first, then the content, then that the name's extension agrees with the content.
    """
    limit = max_upload_bytes()
    size = getattr(upload, "size", None)
    if size is None:
        upload.seek(0, 2)
        size = upload.tell()
    name = getattr(upload, "name", "") or ""
    accepted = ", ".join(kind.label for kind in allowed)
    if size == 0:
        raise UploadRefused(_("The file %(name)s is empty.") % {"name": name})
    if size > limit:
        raise UploadRefused(
            _("The file %(name)s is %(size)s; the limit is %(limit)s.")
            % {"name": name, "size": _size_text(size), "limit": _size_text(limit)}
        )
    kind = sniff(upload)
    if kind not in allowed:
        raise UploadRefused(
            _("The content of %(name)s is not an accepted kind of file (%(accepted)s).")
            % {"name": name, "accepted": accepted}
        )
    extension = PurePath(name).suffix.lower()
    if extension not in kind.extensions:
        raise UploadRefused(
            _(
                "The name %(name)s does not match its content, which is %(kind)s; "
                "rename it with %(extensions)s."
            )
            % {"name": name, "kind": kind.label, "extensions": " or ".join(kind.extensions)}
        )
    return kind
