"""Typed ingest failures whose codes are the ones in spec/SCHEMA.md, so a person can act on them."""

from __future__ import annotations

#: Exactly the codes of spec/SCHEMA.md; an empty file is `corrupt` (its message says it is empty).
ERROR_CODES = frozenset(
    {"encrypted", "corrupt", "no_text_layer", "too_large", "timeout", "unsupported", "not_swedish"}
)


class IngestError(Exception):
    """A file that cannot be read; `code` is one of ERROR_CODES, `message` one line a user can act on."""

    def __init__(self, code: str, message: str) -> None:
        if code not in ERROR_CODES:
            raise ValueError(f"unknown ingest error code {code!r}")
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
