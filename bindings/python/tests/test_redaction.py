"""No password, secret or token reaches output, logs, reprs or exceptions."""

from __future__ import annotations

import logging
from typing import List

import pytest

import cloudsso
from emulator_process import Emulator
from leaks import assert_no_leak

KEY_ID = "LTAI-redaction-test"
SECRET = "SeCrEt-Zq81vXw-distinctive"
TOKEN = "ToKeN-Pq27mYr-distinctive"
PASSWORD = "PaSsWoRd-Kd93!distinctive"


def everything_shown(objects: List[object]) -> str:
    """repr, str, args and attributes of each object, as one text."""
    parts: List[str] = []
    for obj in objects:
        parts += [repr(obj), str(obj)]
        if isinstance(obj, BaseException):
            parts += [repr(obj.args), repr(vars(obj))]
    return "\n".join(parts)


def test_secrets_never_shown_on_success_or_failure(
    emulator: Emulator, capfd: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    emulator.admin(
        "POST", "access-keys", {"access_key_id": KEY_ID, "access_key_secret": SECRET, "security_token": TOKEN}
    )
    client = emulator.client(access_key_id=KEY_ID, access_key_secret=SECRET, security_token=TOKEN)
    shown: List[object] = [client]

    # Success: a caller password, then a generated one.
    shown.append(client.reset_user_password(emulator.directory_id, emulator.user_id, password=PASSWORD))
    assert emulator.password_matches(PASSWORD)
    generated = client.reset_user_password(emulator.directory_id, emulator.user_id, generate_random_password=True)
    shown.append(generated)
    assert generated.new_password is not None

    def fails(c: cloudsso.Client, **options: object) -> None:
        with pytest.raises(cloudsso.CloudSSOError) as caught:
            c.reset_user_password(emulator.directory_id, options.pop("user_id", emulator.user_id), **options)  # type: ignore[arg-type]
        shown.append(caught.value)

    # Failures: service error, a service message echoing the secrets, throttling,
    # a wrong token, a wrong secret, retries then timeout, a validation error.
    fails(client, user_id="u-doesnotexist0000", password=PASSWORD)
    emulator.fault("respond", status=400, code="InvalidParameter", message=f"bad {PASSWORD} {SECRET} {TOKEN}")
    fails(client, password=PASSWORD)
    emulator.fault("respond", status=400, code="Throttling.User", message="Request was denied due to user flow control.")
    fails(emulator.client(access_key_id=KEY_ID, access_key_secret=SECRET, security_token=TOKEN, max_attempts=1), password=PASSWORD)
    fails(emulator.client(access_key_id=KEY_ID, access_key_secret=SECRET, security_token=TOKEN + "x"), password=PASSWORD)
    fails(emulator.client(access_key_id=KEY_ID, access_key_secret=SECRET + "x", security_token=TOKEN), password=PASSWORD)
    emulator.fault("respond", count=1, status=503, code="ServiceUnavailable")
    emulator.fault("delay", count=2, delay_ms=1500)
    fails(
        emulator.client(access_key_id=KEY_ID, access_key_secret=SECRET, security_token=TOKEN, read_timeout=0.3),
        password=PASSWORD,
    )
    fails(client, password=PASSWORD + "\n")
    with pytest.raises(cloudsso.ValidationError) as bad_option:
        cloudsso.Client(endpoint="http://example.com", access_key_id=KEY_ID, access_key_secret=SECRET, security_token=TOKEN)
    shown.append(bad_option.value)

    assert any(isinstance(e, cloudsso.ThrottlingError) for e in shown)
    assert any(isinstance(e, cloudsso.TimeoutError) for e in shown)
    captured = capfd.readouterr()
    logs = "\n".join(f"{r.name} {r.levelname} {r.getMessage()} {r.args!r}" for r in caplog.records)
    assert any(r.name == "cloudsso" and r.levelno == logging.DEBUG for r in caplog.records)
    assert any(r.name == "cloudsso" and r.levelno == logging.WARNING for r in caplog.records)
    logged = emulator.admin("GET", "requests")
    seen_by_service = repr(logged)
    # The password and the token travel in the body or headers, never in the URL.
    for entry in logged:
        assert not {"Password", "SecurityToken", "AccessKeySecret"} & set(entry["query_names"]), entry
    # Every captured output, in every agreed encoding (leaks.py): reprs and exceptions, the
    # process's file descriptors 1 and 2 (native writes included, through capfd), log
    # records, the emulator's request log and the emulator process's own output.
    secrets = [SECRET, TOKEN, PASSWORD, generated.new_password]
    for where, text in [
        ("reprs, strs and exception attributes", everything_shown(shown)),
        ("stdout (fd 1)", captured.out),
        ("stderr (fd 2)", captured.err),
        ("log records", logs),
        ("the emulator's request log", seen_by_service),
        ("the emulator process's output", emulator.output()),
    ]:
        assert_no_leak(text, secrets, where)
    text = "\n".join([everything_shown(shown), captured.out, captured.err, logs, seen_by_service])
    # The texts above are real: they name what was done.
    assert "EntityNotExists.User" in text and KEY_ID in seen_by_service
