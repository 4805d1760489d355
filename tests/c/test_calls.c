/* Real calls against the emulator: success paths, every error family, bad
 * input that never reaches the server, and secrets kept out of errors. */
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
#define ERROR_SENTINEL ((cloudsso_error *)(void *)&sentinel_storage)

/* Distinctive secrets: no error string and no line of output may contain them. */
static const char HYGIENE_KEY_ID[] = "c-hygiene-key";
static const char HYGIENE_SECRET[] = "C-Hyg1ene-Secret-7Qx9";
static const char HYGIENE_TOKEN[] = "C-Hyg1ene-Token-3Kp2";
static const char WRONG_SECRET[] = "C-Wr0ng-Secret-5Vb8";
static const char ECHO_PASSWORD[] = "C-Echo-Passw0rd!9Zt";

static void one_attempt(cloudsso_config *cfg) { cloudsso_config_set_max_attempts(cfg, 1); }

static void one_attempt_short_read(cloudsso_config *cfg) {
    cloudsso_config_set_max_attempts(cfg, 1);
    cloudsso_config_set_read_timeout_ms(cfg, 300);
}

static void use_v3(cloudsso_config *cfg) { cloudsso_config_set_signature_version(cfg, "v3"); }

/* Asks the emulator whether `password` is now the user's password. */
static int password_matches(const char *user_id, const char *password, int *require_reset) {
    char body[512], out[1024];
    snprintf(body, sizeof body, "{\"directory_id\":\"%s\",\"user_id\":\"%s\",\"password\":\"%s\"}",
             emu.directory_id, user_id, password);
    if (admin_call(&emu, "POST", "/_emulator/check-password", body, out, sizeof out) != 200)
        return 0;
    if (require_reset) *require_reset = json_has(out, "require_password_reset_for_next_login", "true");
    return json_has(out, "matches", "true");
}

static void add_fault(const char *json) {
    CHECK(admin_call(&emu, "POST", "/_emulator/faults", json, NULL, 0) == 200);
}

static void clear_faults(void) { admin_call(&emu, "DELETE", "/_emulator/faults", NULL, NULL, 0); }

/* Runs one reset expected to fail with `want`; returns the error (caller frees). */
static cloudsso_error *expect_failure(cloudsso_client *client, const char *user_id,
                                      const char *password, cloudsso_tristate generate,
                                      cloudsso_status want) {
    cloudsso_reset_result *res = RESULT_SENTINEL;
    cloudsso_error *err = NULL;
    cloudsso_status st = cloudsso_reset_user_password(client, emu.directory_id, user_id, password,
                                                      generate, CLOUDSSO_UNSET, &res, &err);
    CHECK_STATUS(st, want);
    CHECK(res == RESULT_SENTINEL);
    CHECK(err != NULL);
    CHECK_STATUS(cloudsso_error_status(err), want);
    CHECK(cloudsso_error_message(err) != NULL && cloudsso_error_message(err)[0] != '\0');
    CHECK(cloudsso_error_description(err) != NULL);
    return err;
}

static void a_generated_password_is_returned_and_works(void) {
    cloudsso_client *client = emulator_client(&emu, NULL);
    cloudsso_reset_result *res = NULL;
    cloudsso_error *err = ERROR_SENTINEL;
    int require_reset = 0;
    CHECK(client != NULL);
    CHECK_STATUS(cloudsso_reset_user_password(client, emu.directory_id, emu.user_id, NULL,
                                              CLOUDSSO_TRUE, CLOUDSSO_TRUE, &res, &err),
                 CLOUDSSO_OK);
    CHECK(err == ERROR_SENTINEL); /* *err is written only on failure */
    CHECK(res != NULL);
    if (res) {
        const char *pw = cloudsso_reset_result_new_password(res);
        const char *rid = cloudsso_reset_result_request_id(res);
        CHECK(pw != NULL && strlen(pw) >= 8);
        CHECK(rid != NULL && strlen(rid) > 0);
        if (pw) CHECK(password_matches(emu.user_id, pw, &require_reset));
        CHECK(require_reset);
        cloudsso_reset_result_free(res);
    }
    cloudsso_client_free(client);
}

static void a_caller_password_is_set_and_not_returned(void) {
    cloudsso_client *client = emulator_client(&emu, NULL);
    cloudsso_reset_result *res = NULL;
    int require_reset = 1;
    const char *pw = "C-Caller-Passw0rd!";
    CHECK_STATUS(cloudsso_reset_user_password(client, emu.directory_id, emu.user_id, pw,
                                              CLOUDSSO_UNSET, CLOUDSSO_FALSE, &res, NULL),
                 CLOUDSSO_OK);
    CHECK(res != NULL);
    CHECK(cloudsso_reset_result_new_password(res) == NULL);
    CHECK(cloudsso_reset_result_request_id(res) != NULL);
    CHECK(password_matches(emu.user_id, pw, &require_reset));
    CHECK(!require_reset);
    cloudsso_reset_result_free(res);
    cloudsso_client_free(client);
}

static void signature_v3_is_accepted(void) {
    cloudsso_client *client = emulator_client(&emu, use_v3);
    cloudsso_reset_result *res = NULL;
    CHECK_STATUS(cloudsso_reset_user_password(client, emu.directory_id, emu.user_id,
                                              "C-V3-Passw0rd!", CLOUDSSO_FALSE, CLOUDSSO_UNSET,
                                              &res, NULL),
                 CLOUDSSO_OK);
    CHECK(password_matches(emu.user_id, "C-V3-Passw0rd!", NULL));
    cloudsso_reset_result_free(res);
    cloudsso_client_free(client);
}

/* A failed setter leaves the config as it was: the earlier values still apply. */
static void a_failed_setter_changes_nothing(void) {
    cloudsso_config *cfg = emulator_config(&emu);
    cloudsso_client *client = NULL;
    cloudsso_reset_result *res = NULL;
    char log[65536];
    CHECK_STATUS(cloudsso_config_set_signature_version(cfg, "v3"), CLOUDSSO_OK);
    CHECK_STATUS(cloudsso_config_set_signature_version(cfg, "v2"), CLOUDSSO_INVALID_ARGUMENT);
    CHECK_STATUS(cloudsso_config_set_endpoint(cfg, "\xC3\x28"), CLOUDSSO_INVALID_UTF8);
    CHECK_STATUS(cloudsso_config_set_access_key(cfg, "other", NULL, NULL), CLOUDSSO_NULL_ARGUMENT);
    CHECK_STATUS(cloudsso_client_new(cfg, &client, NULL), CLOUDSSO_OK);
    cloudsso_config_free(cfg);
    CHECK(admin_call(&emu, "POST", "/_emulator/requests/reset", NULL, NULL, 0) == 200);
    CHECK_STATUS(cloudsso_reset_user_password(client, emu.directory_id, emu.user_id, NULL,
                                              CLOUDSSO_TRUE, CLOUDSSO_UNSET, &res, NULL),
                 CLOUDSSO_OK);
    CHECK(admin_call(&emu, "GET", "/_emulator/requests", NULL, log, sizeof log) == 200);
    CHECK(json_has(log, "signature_version", "\"v3\""));
    CHECK(!json_has(log, "signature_version", "\"v1\""));
    cloudsso_reset_result_free(res);
    cloudsso_client_free(client);
}

static void an_unknown_user_is_a_service_error_with_its_metadata(void) {
    cloudsso_client *client = emulator_client(&emu, one_attempt);
    cloudsso_error *err = expect_failure(client, "u-nosuchuser00", NULL, CLOUDSSO_TRUE,
                                         CLOUDSSO_SERVICE);
    CHECK_STR(cloudsso_error_code(err), "EntityNotExists.User");
    CHECK(cloudsso_error_request_id(err) != NULL && strlen(cloudsso_error_request_id(err)) > 0);
    CHECK(cloudsso_error_http_status(err) == 404);
    CHECK(cloudsso_error_field(err) == NULL);
    CHECK(cloudsso_error_attempts(err) == 1);
    CHECK(!cloudsso_error_outcome_unknown(err));
    CHECK(strstr(cloudsso_error_description(err), "EntityNotExists.User") != NULL);
    cloudsso_error_free(err);
    cloudsso_client_free(client);
}

static void an_unknown_directory_is_a_service_error(void) {
    cloudsso_client *client = emulator_client(&emu, one_attempt);
    cloudsso_reset_result *res = RESULT_SENTINEL;
    cloudsso_error *err = NULL;
    CHECK_STATUS(cloudsso_reset_user_password(client, "d-nosuchdir00", emu.user_id, NULL,
                                              CLOUDSSO_TRUE, CLOUDSSO_UNSET, &res, &err),
                 CLOUDSSO_SERVICE);
    CHECK_STR(cloudsso_error_code(err), "EntityNotExists.Directory");
    CHECK(cloudsso_error_http_status(err) == 404);
    CHECK(res == RESULT_SENTINEL);
    cloudsso_error_free(err);
    cloudsso_client_free(client);
}

static void a_throttling_answer_is_throttled(void) {
    cloudsso_client *client = emulator_client(&emu, one_attempt);
    cloudsso_error *err;
    add_fault("{\"count\":1,\"action\":\"respond\",\"status\":400,\"code\":\"Throttling.User\","
              "\"message\":\"Request was denied due to user flow control.\"}");
    err = expect_failure(client, emu.user_id, NULL, CLOUDSSO_TRUE, CLOUDSSO_THROTTLED);
    CHECK_STR(cloudsso_error_code(err), "Throttling.User");
    CHECK(cloudsso_error_http_status(err) == 400);
    CHECK(cloudsso_error_request_id(err) != NULL);
    cloudsso_error_free(err);
    clear_faults();
    cloudsso_client_free(client);
}

/* A timestamp the service keeps refusing: the measured skew, in milliseconds. */
static void a_persistent_clock_skew_is_reported_in_milliseconds(void) {
    cloudsso_client *client = emulator_client(&emu, NULL);
    cloudsso_error *err;
    long long skew;
    CHECK(admin_call(&emu, "POST", "/_emulator/clock", "{\"offset_seconds\":-7200}", NULL, 0) ==
          200);
    add_fault("{\"count\":3,\"action\":\"respond\",\"status\":400,"
              "\"code\":\"InvalidTimeStamp.Expired\",\"message\":\"Specified time stamp or date "
              "value is expired.\"}");
    err = expect_failure(client, emu.user_id, NULL, CLOUDSSO_TRUE, CLOUDSSO_SERVICE);
    CHECK_STR(cloudsso_error_code(err), "InvalidTimeStamp.Expired");
    skew = (long long)cloudsso_error_clock_skew_ms(err);
    CHECK(skew >= 7195000 && skew <= 7205000);
    cloudsso_error_free(err);
    clear_faults();
    CHECK(admin_call(&emu, "POST", "/_emulator/clock", "{\"offset_seconds\":0}", NULL, 0) == 200);
    /* Errors without a measured skew answer -1, as does NULL. A new client:
     * the old one keeps the clock correction it learnt. */
    cloudsso_client_free(client);
    client = emulator_client(&emu, NULL);
    err = expect_failure(client, "u-00q8wbq42wiltcrkzzzz", NULL, CLOUDSSO_TRUE, CLOUDSSO_SERVICE);
    CHECK(cloudsso_error_clock_skew_ms(err) == -1);
    CHECK(cloudsso_error_clock_skew_ms(NULL) == -1);
    cloudsso_error_free(err);
    cloudsso_client_free(client);
}

static void a_slow_answer_is_a_timeout(void) {
    cloudsso_client *client = emulator_client(&emu, one_attempt_short_read);
    cloudsso_error *err;
    add_fault("{\"count\":1,\"action\":\"delay\",\"delay_ms\":1500}");
    err = expect_failure(client, emu.user_id, "C-Slow-Passw0rd!", CLOUDSSO_UNSET,
                         CLOUDSSO_TIMEOUT);
    CHECK(cloudsso_error_code(err) == NULL);
    CHECK(cloudsso_error_http_status(err) == 0);
    CHECK(cloudsso_error_attempts(err) == 1);
    /* The request was sent: the service may have acted on it. */
    CHECK(cloudsso_error_outcome_unknown(err));
    cloudsso_error_free(err);
    clear_faults();
    cloudsso_client_free(client);
}

static void nobody_listening_is_a_transport_error(void) {
    cloudsso_config *cfg = emulator_config(&emu);
    cloudsso_client *client = NULL;
    cloudsso_error *err;
    cloudsso_config_set_endpoint(cfg, "http://127.0.0.1:1");
    cloudsso_config_set_max_attempts(cfg, 1);
    CHECK_STATUS(cloudsso_client_new(cfg, &client, NULL), CLOUDSSO_OK);
    cloudsso_config_free(cfg);
    err = expect_failure(client, emu.user_id, NULL, CLOUDSSO_TRUE, CLOUDSSO_TRANSPORT);
    CHECK(cloudsso_error_code(err) == NULL);
    CHECK(cloudsso_error_http_status(err) == 0);
    CHECK(!cloudsso_error_outcome_unknown(err));
    cloudsso_error_free(err);
    cloudsso_client_free(client);
}

static void an_unreadable_answer_is_a_decode_error(void) {
    cloudsso_client *client = emulator_client(&emu, one_attempt);
    cloudsso_error *err;
    add_fault("{\"count\":1,\"action\":\"garbage_body\"}");
    err = expect_failure(client, emu.user_id, NULL, CLOUDSSO_TRUE, CLOUDSSO_DECODE);
    CHECK(cloudsso_error_http_status(err) == 200);
    CHECK(cloudsso_error_outcome_unknown(err));
    cloudsso_error_free(err);
    clear_faults();
    cloudsso_client_free(client);
}

/* The service changed the password but the answer was lost: a generated
 * password is not asked for again (it would replace one never received). */
static void a_lost_answer_is_reported_as_an_unknown_outcome(void) {
    cloudsso_client *client = emulator_client(&emu, NULL); /* 3 attempts allowed */
    cloudsso_error *err;
    long before = admin_request_count(&emu);
    add_fault("{\"count\":1,\"action\":\"drop_after_process\"}");
    err = expect_failure(client, emu.user_id, NULL, CLOUDSSO_TRUE, CLOUDSSO_TRANSPORT);
    CHECK(cloudsso_error_outcome_unknown(err));
    CHECK(cloudsso_error_attempts(err) == 1);
    CHECK(admin_request_count(&emu) == before + 1);
    CHECK(strstr(cloudsso_error_description(err), "outcome is unknown") != NULL);
    cloudsso_error_free(err);
    clear_faults();
    cloudsso_client_free(client);
}

static void a_transient_failure_is_retried(void) {
    cloudsso_client *client = emulator_client(&emu, NULL);
    cloudsso_reset_result *res = NULL;
    cloudsso_error *err = NULL;
    long before = admin_request_count(&emu);
    add_fault("{\"count\":1,\"action\":\"respond\",\"status\":503,\"code\":\"ServiceUnavailable\","
              "\"retry_after_ms\":10}");
    CHECK_STATUS(cloudsso_reset_user_password(client, emu.directory_id, emu.user_id,
                                              "C-Retry-Passw0rd!", CLOUDSSO_UNSET, CLOUDSSO_UNSET,
                                              &res, &err),
                 CLOUDSSO_OK);
    CHECK(admin_request_count(&emu) == before + 2);
    CHECK(password_matches(emu.user_id, "C-Retry-Passw0rd!", NULL));
    if (err) fprintf(stderr, "    %s\n", cloudsso_error_description(err));
    cloudsso_error_free(err);
    cloudsso_reset_result_free(res);
    clear_faults();
    cloudsso_client_free(client);
}

static void bad_input_never_reaches_the_server(void) {
    cloudsso_client *client = emulator_client(&emu, NULL);
    cloudsso_reset_result *res = NULL;
    cloudsso_error *err = NULL;
    size_t n = 1024 * 1024;
    char *huge = malloc(n + 1);
    long before = admin_request_count(&emu);
    CHECK(before >= 0);
    CHECK(huge != NULL);
    if (!huge) return;
    memset(huge, 'a', n);
    huge[n] = '\0';
    memcpy(huge, "u-", 2);
    cloudsso_error_free(expect_failure(client, huge, NULL, CLOUDSSO_TRUE, CLOUDSSO_INVALID_ARGUMENT));
    cloudsso_error_free(expect_failure(client, "\xC3\x28", NULL, CLOUDSSO_TRUE, CLOUDSSO_INVALID_UTF8));
    cloudsso_error_free(expect_failure(client, emu.user_id, "\xC0\xAF", CLOUDSSO_UNSET,
                                       CLOUDSSO_INVALID_UTF8));
    cloudsso_error_free(expect_failure(client, "U-Bad", NULL, CLOUDSSO_TRUE, CLOUDSSO_INVALID_ARGUMENT));
    cloudsso_error_free(expect_failure(client, emu.user_id, "weak", CLOUDSSO_UNSET,
                                       CLOUDSSO_INVALID_ARGUMENT));
    cloudsso_error_free(expect_failure(client, emu.user_id, NULL, 7, CLOUDSSO_INVALID_ARGUMENT));
    cloudsso_error_free(expect_failure(client, NULL, NULL, CLOUDSSO_TRUE, CLOUDSSO_NULL_ARGUMENT));
    CHECK(admin_request_count(&emu) == before);
    /* The counter does move for a request that is sent. */
    CHECK_STATUS(cloudsso_reset_user_password(client, emu.directory_id, emu.user_id, NULL,
                                              CLOUDSSO_TRUE, CLOUDSSO_UNSET, &res, &err),
                 CLOUDSSO_OK);
    CHECK(admin_request_count(&emu) == before + 1);
    cloudsso_reset_result_free(res);
    cloudsso_error_free(err);
    free(huge);
    cloudsso_client_free(client);
}

/* No string of `err` may contain any of the NULL-terminated `secrets`, in any agreed
 * encoding (leaks.h). */
static void check_no_secret(const cloudsso_error *err, const char *const *secrets) {
    const char *texts[7];
    size_t i, j;
    texts[0] = cloudsso_error_message(err);
    texts[1] = cloudsso_error_description(err);
    texts[2] = cloudsso_error_code(err);
    texts[3] = cloudsso_error_request_id(err);
    texts[4] = cloudsso_error_host_id(err);
    texts[5] = cloudsso_error_recommend(err);
    texts[6] = cloudsso_error_field(err);
    for (i = 0; i < sizeof texts / sizeof texts[0]; i++) {
        if (!texts[i]) continue;
        for (j = 0; secrets[j]; j++) {
            const char *form = leak_find(texts[i], secrets[j]);
            if (form) {
                fprintf(stderr, "    error string %lu contains secret %lu (%s)\n", (unsigned long)i,
                        (unsigned long)j, form);
                CHECK(!"a secret leaked into an error string");
            }
        }
    }
}

static cloudsso_client *hygiene_client(const char *secret) {
    cloudsso_config *cfg = emulator_config(&emu);
    cloudsso_client *client = NULL;
    cloudsso_config_set_access_key(cfg, HYGIENE_KEY_ID, secret, HYGIENE_TOKEN);
    cloudsso_config_set_max_attempts(cfg, 1);
    CHECK_STATUS(cloudsso_client_new(cfg, &client, NULL), CLOUDSSO_OK);
    cloudsso_config_free(cfg);
    return client;
}

static void errors_never_contain_secrets_or_passwords(void) {
    static const char *const secrets[] = {HYGIENE_SECRET, WRONG_SECRET, HYGIENE_TOKEN, ECHO_PASSWORD,
                                          NULL};
    char body[512];
    cloudsso_client *client;
    cloudsso_error *err;
    snprintf(body, sizeof body,
             "{\"access_key_id\":\"%s\",\"access_key_secret\":\"%s\",\"security_token\":\"%s\"}",
             HYGIENE_KEY_ID, HYGIENE_SECRET, HYGIENE_TOKEN);
    CHECK(admin_call(&emu, "POST", "/_emulator/access-keys", body, NULL, 0) == 200);

    /* A wrong secret: the service refuses the signature. */
    client = hygiene_client(WRONG_SECRET);
    err = expect_failure(client, emu.user_id, ECHO_PASSWORD, CLOUDSSO_UNSET, CLOUDSSO_SERVICE);
    CHECK_STR(cloudsso_error_code(err), "SignatureDoesNotMatch");
    check_no_secret(err, secrets);
    cloudsso_error_free(err);
    cloudsso_client_free(client);

    /* A service answer that echoes the password and the secret back. */
    client = hygiene_client(HYGIENE_SECRET);
    snprintf(body, sizeof body,
             "{\"count\":1,\"action\":\"respond\",\"status\":400,\"code\":\"InvalidParameter\","
             "\"message\":\"bad password %s for key secret %s token %s\"}",
             ECHO_PASSWORD, HYGIENE_SECRET, HYGIENE_TOKEN);
    add_fault(body);
    err = expect_failure(client, emu.user_id, ECHO_PASSWORD, CLOUDSSO_UNSET, CLOUDSSO_SERVICE);
    CHECK_STR(cloudsso_error_code(err), "InvalidParameter");
    CHECK(strstr(cloudsso_error_message(err), "bad password") != NULL);
    check_no_secret(err, secrets);
    cloudsso_error_free(err);
    clear_faults();

    /* The right secret and token work (the key is real). */
    {
        cloudsso_reset_result *res = NULL;
        CHECK_STATUS(cloudsso_reset_user_password(client, emu.directory_id, emu.user_id,
                                                  ECHO_PASSWORD, CLOUDSSO_UNSET, CLOUDSSO_UNSET,
                                                  &res, NULL),
                     CLOUDSSO_OK);
        cloudsso_reset_result_free(res);
    }
    cloudsso_client_free(client);
}

int main(void) {
    if (emulator_from_env(&emu) != 0) {
        fprintf(stderr, "test_calls: set CLOUDSSO_TEST_ENDPOINT and friends (see scripts/test-c)\n");
        return 2;
    }
    RUN(a_generated_password_is_returned_and_works);
    RUN(a_caller_password_is_set_and_not_returned);
    RUN(signature_v3_is_accepted);
    RUN(a_failed_setter_changes_nothing);
    RUN(an_unknown_user_is_a_service_error_with_its_metadata);
    RUN(an_unknown_directory_is_a_service_error);
    RUN(a_throttling_answer_is_throttled);
    RUN(a_persistent_clock_skew_is_reported_in_milliseconds);
    RUN(a_slow_answer_is_a_timeout);
    RUN(nobody_listening_is_a_transport_error);
    RUN(an_unreadable_answer_is_a_decode_error);
    RUN(a_lost_answer_is_reported_as_an_unknown_outcome);
    RUN(a_transient_failure_is_retried);
    RUN(bad_input_never_reaches_the_server);
    RUN(errors_never_contain_secrets_or_passwords);
    return harness_finish("test_calls");
}
