# Sourced by scripts/test and every scripts/test-*: the credentials chain of every test stays
# on this machine and out of the developer's own files. The ECS metadata service
# (100.100.100.200) is never asked (tests that serve the metadata paths on loopback set their
# own endpoint and variables), the aliyun CLI config and credentials.ini are empty fixtures,
# and no profile, role, URI or key of the caller's environment is inherited.
_cloudsso_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export ALIBABA_CLOUD_ECS_METADATA_DISABLED=true
export ALIBABA_CLOUD_CONFIG_FILE="$_cloudsso_root/tests/fixtures/no-credentials/config.json"
export ALIBABA_CLOUD_CREDENTIALS_FILE="$_cloudsso_root/tests/fixtures/no-credentials/credentials.ini"
unset ALIBABA_CLOUD_PROFILE ALIBABA_CLOUD_CREDENTIALS_URI ALIBABA_CLOUD_ECS_METADATA \
  ALIBABA_CLOUD_ECS_METADATA_ENDPOINT ALIBABA_CLOUD_ROLE_ARN ALIBABA_CLOUD_OIDC_PROVIDER_ARN \
  ALIBABA_CLOUD_OIDC_TOKEN_FILE ALIBABA_CLOUD_STS_ENDPOINT ALIBABA_CLOUD_ACCESS_KEY_ID \
  ALIBABA_CLOUD_ACCESS_KEY_SECRET ALIBABA_CLOUD_SECURITY_TOKEN ALIBABA_CLOUD_CLI_PROFILE_DISABLED
unset _cloudsso_root
