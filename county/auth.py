"""Secrets: enrollment codes, station and admin tokens.

Only hashes are stored, so a copy of the county database does not let anyone upload as a
station. Tokens (256 random bits) are kept as SHA-256. An enrollment code is short enough to
read over the phone, so it is kept as a salted scrypt hash, found by its first group, the
public code id, and it expires. Codes and tokens come from ``secrets``.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta, timezone

#: Unambiguous characters for codes read aloud over the phone (no 0/O, 1/I/L).
_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
_GROUP = 4
CODE_ID_LENGTH = _GROUP  # the first group: public, it only finds the code's row
_SECRET_LENGTH = 12  # ~59 bits after the id
LEGACY_CODE_LENGTH = 12  # codes issued before schema v3: all secret, SHA-256, no id
#: An enrollment code works this many days unless the county says otherwise.
DEFAULT_CODE_DAYS = 7.0
#: Codes issued before they could expire get this long from the upgrade.
LEGACY_CODE_DAYS = 7.0
# scrypt at 16 MiB and ~50 ms: once per enrollment with a known code id, never per guess.
_SCRYPT = {"n": 1 << 14, "r": 8, "p": 1, "dklen": 32, "maxmem": 64 << 20}


def new_enrollment_code() -> str:
    raw = "".join(secrets.choice(_CODE_ALPHABET) for _ in range(CODE_ID_LENGTH + _SECRET_LENGTH))
    return "-".join(raw[i : i + _GROUP] for i in range(0, len(raw), _GROUP))


def split_code(normalized: str) -> tuple[str, str] | None:
    """(code id, secret) of a normalized code of today's shape, else None."""
    if len(normalized) != CODE_ID_LENGTH + _SECRET_LENGTH:
        return None
    return normalized[:CODE_ID_LENGTH], normalized[CODE_ID_LENGTH:]


def new_salt() -> str:
    return secrets.token_hex(16)


def code_hash(secret: str, salt: str) -> str:
    return hashlib.scrypt(secret.encode("utf-8"), salt=bytes.fromhex(salt), **_SCRYPT).hex()


def code_matches(secret: str, salt: str, stored: str) -> bool:
    return secrets.compare_digest(code_hash(secret, salt), stored)


def expiry_after(days: float) -> str:
    """``utc_now``'s format, ``days`` from now."""
    return (datetime.now(timezone.utc) + timedelta(days=days)).strftime("%Y-%m-%dT%H:%M:%SZ")


def normalize_code(code: str) -> str:
    """Case, spaces and dashes do not matter when a code is typed back."""
    return "".join(ch for ch in code.upper() if ch.isalnum())


def new_station_token() -> str:
    return "st_" + secrets.token_urlsafe(32)


def new_admin_token() -> str:
    return "adm_" + secrets.token_urlsafe(32)


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()
