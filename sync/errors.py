"""What can go wrong in a sync run, each with the exit code a scheduler understands.

Messages come in two parts: plain Chinese for the station manager (CLI and TUI) and an
English line for logs and script writers.
"""

from __future__ import annotations

#: Everything uploaded, or nothing was waiting.
EXIT_OK = 0
#: Anything else (a bad reply, a broken database, not enrolled, ...).
EXIT_ERROR = 1
#: Offline, the county is busy or another sync is running: try again later (EX_TEMPFAIL).
EXIT_TRY_LATER = 75
#: The county refused the station's token (revoked, wrong, another station's) (EX_NOPERM).
EXIT_TOKEN_REFUSED = 77


class SyncError(Exception):
    """A sync that could not finish. Nothing is lost: pending changes stay pending."""

    exit_code = EXIT_ERROR

    def __init__(self, zh: str, en: str = "") -> None:
        super().__init__(zh if not en else f"{zh}\n{en}")
        self.zh, self.en = zh, en


class TryLater(SyncError):
    """Offline, county busy, another runner: the changes stay pending for the next run, by hand
    or scheduled (nothing retries by itself where no scheduler is set up)."""

    exit_code = EXIT_TRY_LATER


class Offline(TryLater):
    pass


class CountyBusy(TryLater):
    pass


class AlreadyRunning(TryLater):
    pass


class DatabaseBusy(TryLater):
    """The station database stayed locked by another writer longer than the busy timeout."""


class TokenRefused(SyncError):
    exit_code = EXIT_TOKEN_REFUSED


class NotEnrolled(SyncError):
    pass


class ProtocolError(SyncError):
    """The county answered something the client cannot trust; it stops rather than guess."""


class NotOffered(ProtocolError):
    """The county has no such endpoint (404 from an older county center): nothing to read there."""
