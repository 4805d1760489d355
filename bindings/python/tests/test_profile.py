"""`Client(profile=...)`: the default credentials chain's profile, from a config.json that the
test writes and names through ALIBABA_CLOUD_CONFIG_FILE (never the developer's own)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import cloudsso
from conftest import CREDENTIAL_ENV
from emulator_process import Emulator


@pytest.fixture
def config_file(emulator: Emulator, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for name in CREDENTIAL_ENV + ("ALIBABA_CLOUD_PROFILE",):
        monkeypatch.delenv(name, raising=False)
    path = tmp_path / "config.json"
    path.write_text(
        json.dumps(
            {
                "current": "broken",
                "profiles": [
                    {"name": "broken", "mode": "AK", "access_key_id": "nope", "access_key_secret": "nope"},
                    {
                        "name": "ci",
                        "mode": "AK",
                        "access_key_id": emulator.access_key_id,
                        "access_key_secret": emulator.access_key_secret,
                    },
                ],
            }
        )
    )
    monkeypatch.setenv("ALIBABA_CLOUD_CONFIG_FILE", str(path))
    return path


def test_profile_picks_a_config_json_profile(emulator: Emulator, config_file: Path) -> None:
    client = cloudsso.Client(endpoint=emulator.endpoint, profile="ci")
    res = client.reset_user_password(emulator.directory_id, emulator.user_id, generate_random_password=True)
    assert res.request_id
    # Without the profile, the file's `current` (keys the emulator does not know) is used.
    other = cloudsso.Client(endpoint=emulator.endpoint)
    with pytest.raises(cloudsso.ServiceError) as caught:
        other.reset_user_password(emulator.directory_id, emulator.user_id, generate_random_password=True)
    assert caught.value.code == "InvalidAccessKeyId.NotFound"


def test_a_profile_that_exists_nowhere_is_a_credentials_error(emulator: Emulator, config_file: Path) -> None:
    with pytest.raises(cloudsso.CredentialsError) as caught:
        cloudsso.Client(endpoint=emulator.endpoint, profile="nowhere")
    assert 'profile "nowhere"' in str(caught.value)
    assert str(config_file) in str(caught.value)
