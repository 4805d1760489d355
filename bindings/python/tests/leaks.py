"""Every agreed encoding of a secret, and a check that none of them is in a captured text.

The list is the project's one list (the core's `redact::encoded_forms`; golden copy in
tests/leaks/forms.json, checked by test_leaks_helper.py): raw; percent-encoded with the RFC 3986
unreserved characters kept, upper- then lower-case hex; each of those percent-encoded again; form
encoding (space as `+`), both hex cases; standard base64. Without duplicates, raw first.
"""

from __future__ import annotations

import base64
import re
from typing import Dict, Iterable, List, Tuple

_UNRESERVED = re.compile(rb"[A-Za-z0-9\-_.~]")


def _percent(text: str, upper: bool, plus_for_space: bool = False) -> str:
    out = []
    for byte in text.encode("utf-8"):
        char = bytes([byte])
        if _UNRESERVED.fullmatch(char):
            out.append(char.decode())
        elif byte == 0x20 and plus_for_space:
            out.append("+")
        else:
            out.append(f"%{byte:02X}" if upper else f"%{byte:02x}")
    return "".join(out)


def named_forms(secret: str) -> List[Tuple[str, str]]:
    """(name, text) of each agreed encoding of `secret`, raw first, without duplicates."""
    if not secret:
        return []
    upper, lower = _percent(secret, True), _percent(secret, False)
    forms = [
        ("raw", secret),
        ("percent-encoded", upper),
        ("percent-encoded, lower-case hex", lower),
        ("percent-encoded twice", _percent(upper, True)),
        ("percent-encoded twice, lower-case hex", _percent(lower, False)),
        ("form-encoded", _percent(secret, True, plus_for_space=True)),
        ("form-encoded, lower-case hex", _percent(secret, False, plus_for_space=True)),
        ("base64", base64.b64encode(secret.encode("utf-8")).decode("ascii")),
    ]
    seen: Dict[str, str] = {}
    for name, text in forms:
        seen.setdefault(text, name)
    return [(name, text) for text, name in seen.items()]


def encoded_forms(secret: str) -> List[str]:
    """The agreed encodings of `secret`, raw first, without duplicates; none for ""."""
    return [text for _, text in named_forms(secret)]


def leaks(text: str, secrets: Iterable[str]) -> List[str]:
    """Which secrets (by index) appear in `text`, and in which encoding; never the secret itself."""
    return [
        f"secret #{index} ({len(secret)} chars), {name}"
        for index, secret in enumerate(secrets)
        for name, form in named_forms(secret)
        if form in text
    ]


def assert_no_leak(text: str, secrets: Iterable[str], where: str = "captured output") -> None:
    """Fails naming the secret's index and the encoding found, without printing the secret."""
    found = leaks(text, list(secrets))
    assert not found, f"{where}: a secret leaked: " + "; ".join(found)
