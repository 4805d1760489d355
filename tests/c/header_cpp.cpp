// The header must compile as C++ (with the strictest warnings) and link.
#include "cloudsso.h"

#include <cstdio>
#include <cstring>

int main() {
    cloudsso_config *cfg = cloudsso_config_new();
    cloudsso_client *client = nullptr;
    cloudsso_error *err = nullptr;
    cloudsso_status st = cloudsso_config_set_endpoint(cfg, "http://127.0.0.1:9");
    cloudsso_tristate generate = CLOUDSSO_TRUE;
    if (st != CLOUDSSO_OK) return 1;
    cloudsso_config_set_access_key(cfg, "id", "secret", nullptr);
    if (cloudsso_client_new(cfg, &client, &err) != CLOUDSSO_OK) return 1;
    cloudsso_config_free(cfg);
    cloudsso_reset_result *res = nullptr;
    st = cloudsso_reset_user_password(client, "", "u-1", nullptr, generate, CLOUDSSO_UNSET, &res, &err);
    bool ok = st == CLOUDSSO_INVALID_ARGUMENT && std::strcmp(cloudsso_error_field(err), "directory_id") == 0;
    cloudsso_error_free(err);
    cloudsso_client_free(client);
    std::printf("%s - header_compiles_and_works_as_cpp (version %s)\n", ok ? "ok" : "not ok", cloudsso_version());
    std::printf("summary: header_cpp: %d passed, %d failed\n", ok ? 1 : 0, ok ? 0 : 1);
    return ok ? 0 : 1;
}
