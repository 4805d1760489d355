"""Successful calls against the emulator, and the shape of clients and results."""

from __future__ import annotations

import copy
import pickle
import subprocess
import sys

import pytest

import cloudsso
from emulator_process import REPO_ROOT, Emulator


def test_generated_password_is_returned_and_is_the_users_new_password(emulator: Emulator) -> None:
    res = emulator.client().reset_user_password(
        emulator.directory_id, emulator.user_id, generate_random_password=True
    )
    assert isinstance(res, cloudsso.ResetUserPasswordResult)
    assert res.new_password
    assert res.request_id
    assert emulator.password_matches(res.new_password)
    assert not emulator.password_matches(res.new_password + "x")


def test_caller_password_is_set_and_not_echoed(emulator: Emulator) -> None:
    password = "Caller-Chosen-Pw-7431!"
    res = emulator.client().reset_user_password(
        emulator.directory_id,
        emulator.user_id,
        password=password,
        require_password_reset_for_next_login=True,
    )
    assert res.new_password is None
    assert res.request_id
    answer = emulator.admin(
        "POST",
        "check-password",
        {"directory_id": emulator.directory_id, "user_id": emulator.user_id, "password": password},
    )
    assert answer == {"matches": True, "require_password_reset_for_next_login": True}


def test_signature_v3_is_accepted_by_the_service(emulator: Emulator) -> None:
    password = "V3-Signed-Pw-0192!"
    client = emulator.client(signature_version="v3")
    client.reset_user_password(emulator.directory_id, emulator.user_id, password=password)
    assert emulator.password_matches(password)


def test_credentials_come_from_the_environment_when_no_key_is_given(
    emulator: Emulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ALIBABA_CLOUD_ACCESS_KEY_ID", emulator.access_key_id)
    monkeypatch.setenv("ALIBABA_CLOUD_ACCESS_KEY_SECRET", emulator.access_key_secret)
    monkeypatch.delenv("ALIBABA_CLOUD_SECURITY_TOKEN", raising=False)
    client = cloudsso.Client(endpoint=emulator.endpoint)
    res = client.reset_user_password(emulator.directory_id, emulator.user_id, generate_random_password=True)
    assert res.new_password is not None and emulator.password_matches(res.new_password)


def test_sts_token_is_sent_with_temporary_keys(emulator: Emulator) -> None:
    emulator.admin(
        "POST",
        "access-keys",
        {"access_key_id": "STS.reset-test", "access_key_secret": "sts-secret-1", "security_token": "sts-token-1"},
    )
    good = emulator.client(access_key_id="STS.reset-test", access_key_secret="sts-secret-1", security_token="sts-token-1")
    assert good.reset_user_password(emulator.directory_id, emulator.user_id, generate_random_password=True).request_id
    wrong = emulator.client(access_key_id="STS.reset-test", access_key_secret="sts-secret-1", security_token="sts-token-2")
    with pytest.raises(cloudsso.ServiceError):
        wrong.reset_user_password(emulator.directory_id, emulator.user_id, generate_random_password=True)


def test_client_exposes_its_endpoint_and_repr_shows_only_that(emulator: Emulator) -> None:
    client = emulator.client(access_key_secret="repr-secret-value")
    assert client.endpoint.startswith(emulator.endpoint)
    assert repr(client) == f"Client(endpoint={client.endpoint!r})"
    assert str(client) == repr(client)
    assert "repr-secret-value" not in repr(client)


def test_region_gives_the_regional_https_endpoint(no_env_credentials: None) -> None:
    client = cloudsso.Client(region="cn-hangzhou", access_key_id="id", access_key_secret="secret")
    assert client.endpoint.startswith("https://")
    assert "cn-hangzhou" in client.endpoint
    assert cloudsso.Client(access_key_id="id", access_key_secret="s").endpoint.startswith("https://")


def test_result_repr_redacts_the_password_and_pickling_is_refused(emulator: Emulator) -> None:
    res = emulator.client().reset_user_password(
        emulator.directory_id, emulator.user_id, generate_random_password=True
    )
    assert res.new_password is not None
    assert repr(res) == f"ResetUserPasswordResult(request_id={res.request_id!r}, new_password=<redacted>)"
    assert str(res) == repr(res)
    for protocol in range(pickle.HIGHEST_PROTOCOL + 1):
        with pytest.raises(TypeError, match="password"):
            pickle.dumps(res, protocol=protocol)
    with pytest.raises(TypeError):
        copy.deepcopy(res)
    caller = emulator.client().reset_user_password(
        emulator.directory_id, emulator.user_id, password="Another-Caller-Pw-1!"
    )
    assert repr(caller).endswith("new_password=None)")


def test_result_is_read_only(emulator: Emulator) -> None:
    res = emulator.client().reset_user_password(
        emulator.directory_id, emulator.user_id, generate_random_password=True
    )
    with pytest.raises(AttributeError):
        res.new_password = "changed"  # type: ignore[misc]


def test_module_surface(emulator: Emulator) -> None:
    assert cloudsso.__version__
    for name in cloudsso.__all__:
        assert hasattr(cloudsso, name), name
    assert cloudsso.Client.__module__ == "cloudsso"


def test_example_script_runs_against_the_emulator(emulator: Emulator) -> None:
    env = {
        "PATH": "/usr/bin:/bin",
        "ALIBABA_CLOUD_ACCESS_KEY_ID": emulator.access_key_id,
        "ALIBABA_CLOUD_ACCESS_KEY_SECRET": emulator.access_key_secret,
    }
    done = subprocess.run(
        [
            sys.executable,
            str(REPO_ROOT / "bindings" / "python" / "examples" / "reset.py"),
            "--endpoint",
            emulator.endpoint,
            emulator.directory_id,
            emulator.user_id,
            emulator.user_id,
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert sum("request id" in line for line in lines) == 2
    passwords = [line.split("new password: ", 1)[1] for line in lines if "new password: " in line]
    assert len(passwords) == 2
    # The second (async) reset replaced the first password.
    assert emulator.password_matches(passwords[1])
    assert not emulator.password_matches(passwords[0])
