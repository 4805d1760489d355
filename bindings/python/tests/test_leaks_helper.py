"""The leak helper lists the project's encodings (tests/leaks/forms.json) and finds each."""

from __future__ import annotations

import json
import pathlib

from leaks import encoded_forms, leaks

GOLDEN = pathlib.Path(__file__).resolve().parents[3] / "tests" / "leaks" / "forms.json"


def test_encoded_forms_are_the_agreed_list() -> None:
    cases = json.loads(GOLDEN.read_text(encoding="utf-8"))["cases"]
    assert cases
    for case in cases:
        assert encoded_forms(case["secret"]) == case["forms"], case["secret"]
    assert encoded_forms("") == []


def test_every_form_is_found_in_a_longer_text() -> None:
    secret = "a b/c+d%e*f"
    forms = encoded_forms(secret)
    assert len(forms) == 8
    for form in forms:
        found = leaks(f"before {form} after", ["unrelated-secret", secret])
        assert found and all(f.startswith("secret #1 ") for f in found), form
        assert secret not in " ".join(found)
    assert leaks("nothing here", [secret]) == []
