"""Tracking references given to people who ask for a review.

A reference is 13 random Crockford base32 symbols and one check symbol, shown as
"ABCD-EFGH-JKMN-PQ". People read them out over the phone and type them from letters, so parsing
forgives case, spacing, hyphens and the O/0 and I/L/1 confusions, and the check symbol catches
any single mistyped symbol and any swap of two neighbouring symbols.
"""

from __future__ import annotations

import secrets

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
DATA_SYMBOLS = 13
REFERENCE_LENGTH = DATA_SYMBOLS + 1
GROUP_SIZE = 4

# Crockford's check symbol is the value mod 37. A prime modulus is what catches every single
# substitution and adjacent transposition.
_CHECK_MODULUS = 37
_BITS_PER_SYMBOL = 5


def _symbol_values() -> dict[str, int]:
    """Each character people may type for a symbol: either case, O for 0, and I or L for 1."""
    values = {symbol: value for value, symbol in enumerate(ALPHABET)}
    values.update({"O": 0, "I": 1, "L": 1})
    return values | {symbol.lower(): value for symbol, value in values.items()}


_SYMBOL_VALUES = _symbol_values()


def _check_value(data: int) -> int:
    return data % _CHECK_MODULUS


def _encode(value: int, length: int) -> str:
    symbols = []
    for _ in range(length):
        value, remainder = divmod(value, len(ALPHABET))
        symbols.append(ALPHABET[remainder])
    return "".join(reversed(symbols))


def new_reference() -> str:
    """A fresh random reference in canonical form: 14 symbols, upper case, no separators."""
    while True:
        data = secrets.randbits(DATA_SYMBOLS * _BITS_PER_SYMBOL)
        check = _check_value(data)
        # Check values 32-36 would need Crockford's extra symbols *~$=U, which are hard to read
        # out, so draw again. Keeping 32 of every 37 draws leaves about 64.8 bits of randomness.
        if check < len(ALPHABET):
            return _encode(data, DATA_SYMBOLS) + ALPHABET[check]


def format_reference(canonical: str) -> str:
    """A canonical reference in hyphenated groups of four, for showing to people."""
    return "-".join(
        canonical[start : start + GROUP_SIZE] for start in range(0, len(canonical), GROUP_SIZE)
    )


def parse_reference(text: str) -> str | None:
    """The canonical reference that `text` was meant to be, or None if it is not a valid one."""
    symbols = [c for c in text if not c.isspace() and c != "-"]
    if len(symbols) != REFERENCE_LENGTH:
        return None
    if any(symbol not in _SYMBOL_VALUES for symbol in symbols):
        return None
    values = [_SYMBOL_VALUES[symbol] for symbol in symbols]
    *data_values, check = values
    data = 0
    for value in data_values:
        data = data * len(ALPHABET) + value
    if _check_value(data) != check:
        return None
    return "".join(ALPHABET[value] for value in values)
