/* Paths of the C library no other program exercises: a generated password
 * holding a NUL byte (which a C string cannot carry: CLOUDSSO_DECODE with an
 * unknown outcome, never a truncated password), and a connect-phase timeout
 * against a loopback port whose accept queue is full (the emulator's
 * full-backlog endpoint), never a blackholed outside address. */
#define _POSIX_C_SOURCE 200809L

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cloudsso.h"
#include "harness.h"
#include "leaks.h"

static emulator_info emu;

static char sentinel_storage;
#define RESULT_SENTINEL ((cloudsso_reset_result *)(void *)&sentinel_storage)

static const char NUL_REQUEST_ID[] = "0D3F7E0A-1111-4222-8333-944455556666";

/* Runs one generate-password reset expected to fail with `want`; returns the error. */
static cloudsso_error *expect_failure(cloudsso_client *client, cloudsso_status want) {
    cloudsso_reset_result *res = RESULT_SENTINEL;
    cloudsso_error *err = NULL;
    cloudsso_status st = cloudsso_reset_user_password(client, emu.directory_id, emu.user_id, NULL,
                                                      CLOUDSSO_TRUE, CLOUDSSO_UNSET, &res, &err);
    CHECK_STATUS(st, want);
    CHECK(res == RESULT_SENTINEL);
    CHECK(err != NULL);
    if (err) CHECK_STATUS(cloudsso_error_status(err), want);
    return err;
}

static void a_nul_in_a_generated_password_is_a_decode_error_with_unknown_outcome(void) {
    char fault[512];
    cloudsso_config *cfg = emulator_config(&emu);
    cloudsso_client *client = NULL;
    cloudsso_error *err;
    long before = admin_request_count(&emu);
    /* A success answer whose NewPassword has a NUL in the middle (JSON \u0000). */
    snprintf(fault, sizeof fault,
             "{\"count\":1,\"action\":\"respond\",\"status\":200,\"content_type\":\"application/json\","
             "\"body\":\"{\\\"RequestId\\\":\\\"%s\\\",\\\"NewPassword\\\":\\\"Ab1!\\\\u0000Zz9#tail\\\"}\"}",
             NUL_REQUEST_ID);
    CHECK(admin_call(&emu, "POST", "/_emulator/faults", fault, NULL, 0) == 200);
    cloudsso_config_set_max_attempts(cfg, 1);
    CHECK_STATUS(cloudsso_client_new(cfg, &client, NULL), CLOUDSSO_OK);
    cloudsso_config_free(cfg);
    err = expect_failure(client, CLOUDSSO_DECODE);
    if (err) {
        /* The password was changed: the caller must know, and must not get half of it. */
        CHECK(cloudsso_error_outcome_unknown(err));
        CHECK_STR(cloudsso_error_request_id(err), NUL_REQUEST_ID);
        CHECK_STR(cloudsso_error_field(err), "new_password");
        CHECK(strstr(cloudsso_error_description(err), "NUL") != NULL);
        CHECK(leak_find(cloudsso_error_description(err), "Ab1!") == NULL);
        CHECK(leak_find(cloudsso_error_message(err), "Zz9#tail") == NULL);
    }
    CHECK(admin_request_count(&emu) == before + 1);
    cloudsso_error_free(err);
    admin_call(&emu, "DELETE", "/_emulator/faults", NULL, NULL, 0);
    cloudsso_client_free(client);
}

static void a_full_accept_queue_is_a_connect_timeout_with_nothing_sent(void) {
    char out[512], endpoint[128];
    const char *at;
    cloudsso_config *cfg = emulator_config(&emu);
    cloudsso_client *client = NULL;
    cloudsso_error *err;
    long before = admin_request_count(&emu);
    CHECK(admin_call(&emu, "POST", "/_emulator/full-backlog", NULL, out, sizeof out) == 200);
    at = strstr(out, "\"endpoint\":\"");
    CHECK(at != NULL);
    if (!at || sscanf(at, "\"endpoint\":\"%127[^\"]\"", endpoint) != 1) {
        cloudsso_config_free(cfg);
        return;
    }
    CHECK_STATUS(cloudsso_config_set_endpoint(cfg, endpoint), CLOUDSSO_OK);
    CHECK_STATUS(cloudsso_config_set_connect_timeout_ms(cfg, 200), CLOUDSSO_OK);
    CHECK_STATUS(cloudsso_config_set_read_timeout_ms(cfg, 30000), CLOUDSSO_OK);
    cloudsso_config_set_max_attempts(cfg, 1);
    CHECK_STATUS(cloudsso_client_new(cfg, &client, NULL), CLOUDSSO_OK);
    cloudsso_config_free(cfg);
    err = expect_failure(client, CLOUDSSO_TIMEOUT);
    if (err) {
        CHECK(!cloudsso_error_outcome_unknown(err));
        CHECK(cloudsso_error_http_status(err) == 0);
        CHECK(strstr(cloudsso_error_description(err), "connect") != NULL);
    }
    CHECK(admin_request_count(&emu) == before);
    cloudsso_error_free(err);
    cloudsso_client_free(client);
}

int main(void) {
    if (emulator_from_env(&emu) != 0) {
        fprintf(stderr, "test_paths: set CLOUDSSO_TEST_ENDPOINT and friends (see scripts/test-c)\n");
        return 2;
    }
    RUN(a_nul_in_a_generated_password_is_a_decode_error_with_unknown_outcome);
    RUN(a_full_accept_queue_is_a_connect_timeout_with_nothing_sent);
    return harness_finish("test_paths");
}
