"""The vendor's own Python SDK (alibabacloud-cloudsso20210515) against our emulator.

If the emulator accepts what the vendor's client sends, and answers what that
client understands, then it is faithful enough for everyone else's tests. Both
of the vendor's signing modes are covered: its default V3 (ACS3-HMAC-SHA256,
parameters in the query) and `signature_algorithm='v2'` (the RPC HMAC-SHA1
signature).
"""

import pytest
from alibabacloud_cloudsso20210515 import models as cloudsso_models
from alibabacloud_cloudsso20210515.client import Client
from alibabacloud_tea_openapi import utils_models as open_api_models

from conftest import admin

SIGNING = ["v3-default", "v2"]


def vendor_client(emulator, mode, secret=None):
    config = open_api_models.Config(
        access_key_id=emulator["access_key_id"],
        access_key_secret=secret or emulator["access_key_secret"],
        endpoint=emulator["endpoint"].removeprefix("http://"),
        protocol="http",
    )
    if mode == "v2":
        config.signature_algorithm = "v2"
    return Client(config)


def request(emulator, **kwargs):
    args = {"directory_id": emulator["directory_id"], "user_id": emulator["user_id"]}
    args.update(kwargs)
    return cloudsso_models.ResetUserPasswordRequest(**args)


def check(emulator, password, user_id=None):
    return admin(
        emulator,
        "check-password",
        {
            "directory_id": emulator["directory_id"],
            "user_id": user_id or emulator["user_id"],
            "password": password,
        },
    )["matches"]


@pytest.mark.parametrize("mode", SIGNING)
def test_generated_password(emulator, mode):
    resp = vendor_client(emulator, mode).reset_user_password(
        request(emulator, generate_random_password=True)
    )
    assert resp.status_code == 200
    assert resp.body.request_id
    assert resp.body.new_password
    assert check(emulator, resp.body.new_password)


@pytest.mark.parametrize("mode", SIGNING)
def test_caller_password_with_special_and_non_ascii_characters(emulator, mode):
    password = "Aé1!~*+ )$?ü" + mode
    resp = vendor_client(emulator, mode).reset_user_password(
        request(
            emulator,
            password=password,
            generate_random_password=False,
            require_password_reset_for_next_login=True,
        )
    )
    assert resp.body.request_id
    assert resp.body.new_password is None
    assert check(emulator, password)


def error_of(call):
    with pytest.raises(Exception) as info:
        call()
    return info.value


@pytest.mark.parametrize("mode", SIGNING)
def test_wrong_secret(emulator, mode):
    client = vendor_client(emulator, mode, secret="not-the-secret")
    err = error_of(lambda: client.reset_user_password(request(emulator, generate_random_password=True)))
    assert err.code == "SignatureDoesNotMatch"
    assert err.status_code == 400
    assert err.request_id


@pytest.mark.parametrize("mode", SIGNING)
def test_unknown_user(emulator, mode):
    client = vendor_client(emulator, mode)
    err = error_of(
        lambda: client.reset_user_password(
            request(emulator, user_id="u-nosuchuser", generate_random_password=True)
        )
    )
    assert err.code == "EntityNotExists.User"
    assert err.status_code == 404


@pytest.mark.parametrize("mode", SIGNING)
def test_unknown_directory(emulator, mode):
    client = vendor_client(emulator, mode)
    err = error_of(
        lambda: client.reset_user_password(
            request(emulator, directory_id="d-nosuchdir", generate_random_password=True)
        )
    )
    assert err.code == "EntityNotExists.Directory"


@pytest.mark.parametrize("mode", SIGNING)
def test_weak_password(emulator, mode):
    client = vendor_client(emulator, mode)
    err = error_of(
        lambda: client.reset_user_password(request(emulator, password="weak", generate_random_password=False))
    )
    assert err.code.startswith("InvalidParameter.Password")
    assert err.status_code == 400
