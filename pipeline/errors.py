"""Errors for bad input: each has a stable code, a cause and a remedy.

The CLI prints one line per failed input, ``<file>: error <code>: <cause>. <remedy>``,
and carries on with the rest of the batch.
"""

from __future__ import annotations

from enum import Enum


class ErrorCode(str, Enum):
    """Documented error codes (see the README's 'Exit codes and errors')."""

    NOT_FOUND = "not_found"
    EMPTY_FILE = "empty_file"
    MISLABELLED = "mislabelled"
    UNSUPPORTED_TYPE = "unsupported_type"
    BROKEN_PDF = "broken_pdf"
    ENCRYPTED = "encrypted"
    BAD_PASSWORD = "bad_password"
    NO_TEXT_LAYER = "no_text_layer"
    TOO_MANY_PAGES = "too_many_pages"
    NOT_UTF8 = "not_utf8"
    NOT_A_FILE = "not_a_file"
    PERMISSION_DENIED = "permission_denied"
    TOO_LARGE = "too_large"
    TIMEOUT = "timeout"
    OUT_OF_MEMORY = "out_of_memory"
    WRITE_FAILED = "write_failed"
    NOT_JSON = "not_json"
    NOT_A_DOCUMENT = "not_a_document"
    DATASET = "dataset_error"
    INTERNAL = "internal_error"


class InputError(Exception):
    """An input that cannot be read, with what the user can do about it."""

    def __init__(self, code: ErrorCode, cause: str, remedy: str) -> None:
        super().__init__(f"{cause}. {remedy}")
        self.code = code
        self.cause = cause
        self.remedy = remedy

    def line(self, name: str) -> str:
        """The one-line message for stderr (the name escaped so that it stays one line)."""
        return f"{display_name(name)}: error {self.code.value}: {self.cause}. {self.remedy}"


class TargetError(InputError):
    """A database, folder or file that a command uses as a whole cannot be used (a dataset
    another build holds, a file that is not a database, a folder that cannot be written):
    the command stops with :meth:`message` on stderr and exit status 1."""

    def __init__(self, name: str, code: ErrorCode, cause: str, remedy: str, *, exit_code: int = 1) -> None:
        super().__init__(code, cause, remedy)
        self.name = name
        self.exit_code = exit_code

    def message(self) -> str:
        return self.line(self.name)


def write_failure(name: str, exc: OSError, what: str = "it") -> TargetError:
    """The error for a file or folder that cannot be written."""
    reason = exc.strerror or str(exc)
    return TargetError(
        name, ErrorCode.WRITE_FAILED, f"{what} cannot be written ({reason})", "Give a place you can write to"
    )


def display_name(name: str) -> str:
    """A file name safe to print on one line: a name with control characters (a newline, an
    escape sequence) or undecodable bytes is shown quoted, with those characters escaped."""
    return name if name.isprintable() else repr(name)
