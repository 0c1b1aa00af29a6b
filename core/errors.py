"""Every error the user can meet, in one place, each with an exit code and a message that says what to do.

Errors raised while a letter is processed carry the stage they happened in; the pipeline stores the
stage and the message on the letter, so a clerk sees "rescan", "remove the password" or "split the file"
instead of a traceback.
"""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    ok = 0
    bad_args = 1
    input_file = 2
    missing_dependency = 3
    service_unavailable = 4
    model = 5
    not_found = 6
    other = 15


class XinfangError(Exception):
    """Base of our errors. `message` is written for the person who has to act on it."""

    exit_code = ExitCode.other
    stage = "internal"

    def __init__(self, message: str | None = None, *, stage: str | None = None) -> None:
        self.message = message or (self.__doc__ or "").strip()
        if stage:
            self.stage = stage
        super().__init__(self.message)


class BadInputError(XinfangError):
    """The file cannot be read as a letter."""

    exit_code = ExitCode.input_file
    stage = "read"


class EmptyFileError(BadInputError):
    """The file is empty (0 bytes). Rescan the letter or upload the file again."""


class UnsupportedTypeError(BadInputError):
    """The file is not an image, a PDF or text. Upload a scan (JPEG, PNG, TIFF, PDF) or a text file."""


class CorruptFileError(BadInputError):
    """The file is damaged or truncated and cannot be opened. Rescan the letter or copy the file again."""


class EncryptedPdfError(BadInputError):
    """The PDF is protected by a password. Remove the password (print to a new PDF) and upload again."""


class TooManyPagesError(BadInputError):
    """The file has more pages than allowed. Split it into smaller files of whole letters."""


class ImageTooLargeError(BadInputError):
    """The image is too large to process safely. Rescan at 200-300 dpi."""


class TooLargeFileError(BadInputError):
    """The file is larger than the upload limit. Split it or scan at a lower resolution."""


class NoTextFoundError(BadInputError):
    """No text was found on the pages. Check that the right side was scanned, then rescan."""

    stage = "ocr"


class MissingDependencyError(XinfangError):
    """A required program is not installed."""

    exit_code = ExitCode.missing_dependency
    stage = "setup"


class ServiceUnavailableError(XinfangError):
    """A service (database or Redis) cannot be reached."""

    exit_code = ExitCode.service_unavailable
    stage = "setup"


class ModelError(XinfangError):
    """No usable classifier model. Run `xinfang train` (or `xinfang demo` for the starter model)."""

    exit_code = ExitCode.model
    stage = "classify"


class ConfigError(XinfangError):
    """A setting in the environment has a value the desk cannot use. Fix it and start again."""

    exit_code = ExitCode.bad_args
    stage = "setup"


class NotFoundError(XinfangError):
    """The requested record does not exist."""

    exit_code = ExitCode.not_found
