"""The vendor's own STS SDK (alibabacloud-sts20150401) against the emulator's STS.

AssumeRole signed by the vendor's client in both of its signing modes (V3 by default, and
`signature_algorithm='v2'`) must be accepted, its answer read back by the vendor's models, and
the temporary keys it returns must then work, with their token, with the vendor's CloudSSO SDK.
"""

import pytest
from alibabacloud_cloudsso20210515 import models as cloudsso_models
from alibabacloud_cloudsso20210515.client import Client as CloudSSOClient
from alibabacloud_sts20150401 import models as sts_models
from alibabacloud_sts20150401.client import Client as StsClient
from alibabacloud_tea_openapi import utils_models as open_api_models

from conftest import admin

SIGNING = ["v3-default", "v2"]
DEMO_ROLE_ARN = "acs:ram::1234567890123456:role/cloudsso-admin"


def config(endpoint, mode, key_id, secret, token=None):
    cfg = open_api_models.Config(
        access_key_id=key_id,
        access_key_secret=secret,
        security_token=token,
        endpoint=endpoint.removeprefix("http://"),
        protocol="http",
    )
    if mode == "v2":
        cfg.signature_algorithm = "v2"
    return cfg


def sts_client(emulator, mode, secret=None):
    return StsClient(
        config(
            emulator["sts_endpoint"],
            mode,
            emulator["access_key_id"],
            secret or emulator["access_key_secret"],
        )
    )


def stats(emulator):
    return admin(emulator, "sts/stats")


@pytest.mark.parametrize("mode", SIGNING)
def test_assume_role_and_use_the_keys(emulator, mode):
    before = stats(emulator)["assume_role"]
    resp = sts_client(emulator, mode).assume_role(
        sts_models.AssumeRoleRequest(
            role_arn=DEMO_ROLE_ARN, role_session_name="vendor-" + mode, duration_seconds=900
        )
    )
    assert resp.status_code == 200
    body = resp.body
    assert body.request_id
    creds = body.credentials
    assert creds.access_key_id.startswith("STS.")
    assert creds.access_key_secret and creds.security_token
    assert creds.expiration.endswith("Z")
    assert body.assumed_role_user.arn.endswith(":role/cloudsso-admin/vendor-" + mode)
    assert stats(emulator)["assume_role"] == before + 1

    cloudsso = CloudSSOClient(
        config(
            emulator["endpoint"],
            mode,
            creds.access_key_id,
            creds.access_key_secret,
            creds.security_token,
        )
    )
    done = cloudsso.reset_user_password(
        cloudsso_models.ResetUserPasswordRequest(
            directory_id=emulator["directory_id"],
            user_id=emulator["user_id"],
            generate_random_password=True,
        )
    )
    assert done.body.new_password


@pytest.mark.parametrize("mode", SIGNING)
def test_assume_role_refusals_reach_the_vendor_client(emulator, mode):
    with pytest.raises(Exception) as wrong_secret:
        sts_client(emulator, mode, secret="not-the-secret").assume_role(
            sts_models.AssumeRoleRequest(role_arn=DEMO_ROLE_ARN, role_session_name="s1")
        )
    assert wrong_secret.value.code == "SignatureDoesNotMatch"
    with pytest.raises(Exception) as no_role:
        sts_client(emulator, mode).assume_role(
            sts_models.AssumeRoleRequest(
                role_arn="acs:ram::1234567890123456:role/nobody", role_session_name="s1"
            )
        )
    assert no_role.value.code == "EntityNotExist.Role"
    assert no_role.value.status_code == 404
