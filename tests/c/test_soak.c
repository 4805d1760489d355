/* Soak: 10,000 calls on one client handle (successes and service errors
 * mixed), then a check that no file descriptor outlives the client: a
 * connection or memory leak per call would show here, under ASan/UBSan and
 * under valgrind. CLOUDSSO_SOAK_CALLS overrides the count. */
#define _POSIX_C_SOURCE 200809L

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cloudsso.h"
#include "harness.h"

static emulator_info emu;

/* Open file descriptors of this process (the directory handle excluded). */
static int open_fds(void) {
    int n = 0;
    struct dirent *entry;
    DIR *dir = opendir("/proc/self/fd");
    if (!dir) return -1;
    while ((entry = readdir(dir)) != NULL)
        if (entry->d_name[0] != '.') n++;
    closedir(dir);
    return n - 1;
}

static void no_rate_limit(cloudsso_config *cfg) {
    cloudsso_config_set_rate_limit_per_second(cfg, 0);
}

static void ten_thousand_calls_leave_nothing_behind(void) {
    long calls = 10000, i, ok = 0, service_errors = 0, other = 0;
    int fds_before, fds_during = 0, fds_after;
    const char *env = getenv("CLOUDSSO_SOAK_CALLS");
    cloudsso_client *client;
    if (env) calls = atol(env);

    CHECK(admin_call(&emu, "POST", "/_emulator/throttle",
                     "{\"per_account_per_second\":0,\"global_per_second\":0}", NULL, 0) == 200);
    fds_before = open_fds();
    client = emulator_client(&emu, no_rate_limit);
    CHECK(client != NULL);
    if (!client) return;
    for (i = 0; i < calls; i++) {
        cloudsso_reset_result *res = NULL;
        cloudsso_error *err = NULL;
        /* Every tenth call names a user that does not exist: the error path. */
        const char *user = i % 10 == 9 ? "u-soakghost" : emu.user_id;
        cloudsso_status st = cloudsso_reset_user_password(
            client, emu.directory_id, user, i % 2 ? "Soak-Passw0rd!" : NULL,
            i % 2 ? CLOUDSSO_UNSET : CLOUDSSO_TRUE, CLOUDSSO_UNSET, &res, &err);
        if (st == CLOUDSSO_OK) {
            ok++;
            cloudsso_reset_result_free(res);
        } else if (st == CLOUDSSO_SERVICE && cloudsso_error_http_status(err) == 404) {
            service_errors++;
            cloudsso_error_free(err);
        } else {
            if (other++ < 3) fprintf(stderr, "    call %ld: %s\n", i, cloudsso_error_description(err));
            cloudsso_error_free(err);
        }
        if (i == calls / 2) fds_during = open_fds();
    }
    cloudsso_client_free(client);
    fds_after = open_fds();
    printf("    %ld calls: %ld ok, %ld service errors, %ld other; fds %d before, %d during, %d after\n",
           calls, ok, service_errors, other, fds_before, fds_during, fds_after);
    CHECK(other == 0);
    CHECK(service_errors == calls / 10);
    CHECK(ok == calls - calls / 10);
    CHECK(fds_during <= fds_before + 2); /* keep-alive: one pooled connection */
    CHECK(fds_after == fds_before);
    CHECK(admin_call(&emu, "POST", "/_emulator/throttle",
                     "{\"per_account_per_second\":100,\"global_per_second\":100}", NULL, 0) == 200);
}

int main(void) {
    if (emulator_from_env(&emu) != 0) {
        fprintf(stderr, "test_soak: set CLOUDSSO_TEST_ENDPOINT and friends (see scripts/test-c)\n");
        return 2;
    }
    RUN(ten_thousand_calls_leave_nothing_behind);
    return harness_finish("test_soak");
}
