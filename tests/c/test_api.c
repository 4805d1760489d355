/* The ABI contract without a server: NULL arguments, bad UTF-8, huge inputs,
 * option validation, out-params untouched on failure, and _free(NULL). */
#define _POSIX_C_SOURCE 200809L

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cloudsso.h"
#include "harness.h"

static const char BAD_UTF8_1[] = "\xC3\x28";            /* truncated two-byte sequence */
static const char BAD_UTF8_2[] = "\xC0\xAF";            /* overlong encoding of '/' */
static const char *const BAD_UTF8[] = {BAD_UTF8_1, BAD_UTF8_2};
static const char DIR_ID[] = "d-00fc2p61abcd";
static const char USER_ID[] = "u-00q8wbq42wiltcrkabcd";
/* Nothing listens on the discard port: a call that got as far as the network
 * would fail with CLOUDSSO_TRANSPORT, not with the statuses checked here. */
static const char NOWHERE[] = "http://127.0.0.1:9";

static char sentinel_storage;
#define RESULT_SENTINEL ((cloudsso_reset_result *)(void *)&sentinel_storage)
#define CLIENT_SENTINEL ((cloudsso_client *)(void *)&sentinel_storage)
#define ERROR_SENTINEL ((cloudsso_error *)(void *)&sentinel_storage)

static cloudsso_client *offline_client(void) {
    cloudsso_config *cfg = cloudsso_config_new();
    cloudsso_client *client = NULL;
    CHECK(cfg != NULL);
    CHECK_STATUS(cloudsso_config_set_endpoint(cfg, NOWHERE), CLOUDSSO_OK);
    CHECK_STATUS(cloudsso_config_set_access_key(cfg, "testid", "testsecret", NULL), CLOUDSSO_OK);
    CHECK_STATUS(cloudsso_config_set_max_attempts(cfg, 1), CLOUDSSO_OK);
    CHECK_STATUS(cloudsso_client_new(cfg, &client, NULL), CLOUDSSO_OK);
    cloudsso_config_free(cfg);
    return client;
}

/* A failed reset must leave *result_out alone and report `want` with `field`. */
static void expect_reset_failure(cloudsso_client *client, const char *dir, const char *user,
                                 const char *password, cloudsso_tristate generate,
                                 cloudsso_status want, const char *field) {
    cloudsso_reset_result *res = RESULT_SENTINEL;
    cloudsso_error *err = NULL;
    cloudsso_status st = cloudsso_reset_user_password(client, dir, user, password, generate,
                                                      CLOUDSSO_UNSET, &res, &err);
    CHECK_STATUS(st, want);
    CHECK(res == RESULT_SENTINEL);
    CHECK(err != NULL);
    CHECK_STATUS(cloudsso_error_status(err), want);
    CHECK_STR(cloudsso_error_field(err), field);
    CHECK(cloudsso_error_message(err) != NULL && strlen(cloudsso_error_message(err)) > 0);
    CHECK(cloudsso_error_description(err) != NULL);
    CHECK(cloudsso_error_code(err) == NULL);
    CHECK(cloudsso_error_request_id(err) == NULL);
    CHECK(cloudsso_error_http_status(err) == 0);
    CHECK(cloudsso_error_attempts(err) == 0);
    CHECK(!cloudsso_error_outcome_unknown(err));
    cloudsso_error_free(err);
}

static void version_is_a_static_semver_string(void) {
    const char *v = cloudsso_version();
    int major = -1, minor = -1, patch = -1;
    CHECK(v != NULL);
    CHECK(sscanf(v, "%d.%d.%d", &major, &minor, &patch) == 3);
    CHECK(major >= 0 && minor >= 0 && patch >= 0);
    CHECK(v == cloudsso_version());
    if (getenv("CLOUDSSO_TEST_VERSION")) CHECK_STR(v, getenv("CLOUDSSO_TEST_VERSION"));
}

static void free_functions_accept_null(void) {
    cloudsso_config_free(NULL);
    cloudsso_client_free(NULL);
    cloudsso_error_free(NULL);
    cloudsso_reset_result_free(NULL);
    CHECK(1);
}

static void every_setter_rejects_a_null_config(void) {
    static const unsigned char pem[] = "-----BEGIN CERTIFICATE-----\n";
    CHECK_STATUS(cloudsso_config_set_endpoint(NULL, NOWHERE), CLOUDSSO_NULL_ARGUMENT);
    CHECK_STATUS(cloudsso_config_set_region(NULL, "cn-hangzhou"), CLOUDSSO_NULL_ARGUMENT);
    CHECK_STATUS(cloudsso_config_set_access_key(NULL, "a", "b", NULL), CLOUDSSO_NULL_ARGUMENT);
    CHECK_STATUS(cloudsso_config_set_connect_timeout_ms(NULL, 1000), CLOUDSSO_NULL_ARGUMENT);
    CHECK_STATUS(cloudsso_config_set_read_timeout_ms(NULL, 1000), CLOUDSSO_NULL_ARGUMENT);
    CHECK_STATUS(cloudsso_config_set_max_attempts(NULL, 1), CLOUDSSO_NULL_ARGUMENT);
    CHECK_STATUS(cloudsso_config_set_allow_insecure_http(NULL, true), CLOUDSSO_NULL_ARGUMENT);
    CHECK_STATUS(cloudsso_config_set_signature_version(NULL, "v3"), CLOUDSSO_NULL_ARGUMENT);
    CHECK_STATUS(cloudsso_config_set_rate_limit_per_second(NULL, 0), CLOUDSSO_NULL_ARGUMENT);
    CHECK_STATUS(cloudsso_config_set_user_agent(NULL, "x"), CLOUDSSO_NULL_ARGUMENT);
    CHECK_STATUS(cloudsso_config_set_retry_unknown_outcome_for_generated(NULL, true),
                 CLOUDSSO_NULL_ARGUMENT);
    CHECK_STATUS(cloudsso_config_add_root_certificates_pem(NULL, pem, sizeof pem - 1),
                 CLOUDSSO_NULL_ARGUMENT);
    CHECK_STATUS(cloudsso_config_set_root_certificates_pem(NULL, pem, sizeof pem - 1),
                 CLOUDSSO_NULL_ARGUMENT);
    CHECK_STATUS(cloudsso_config_set_network(NULL, "vpc"), CLOUDSSO_NULL_ARGUMENT);
    CHECK_STATUS(cloudsso_config_set_access_key_id(NULL, "a"), CLOUDSSO_NULL_ARGUMENT);
    CHECK_STATUS(cloudsso_config_set_access_key_secret(NULL, "b"), CLOUDSSO_NULL_ARGUMENT);
    CHECK_STATUS(cloudsso_config_set_security_token(NULL, "t"), CLOUDSSO_NULL_ARGUMENT);
    CHECK_STATUS(cloudsso_config_set_rate_limit_burst(NULL, 5), CLOUDSSO_NULL_ARGUMENT);
    CHECK_STATUS(cloudsso_config_set(NULL, "region", "cn-hangzhou", NULL), CLOUDSSO_NULL_ARGUMENT);
    CHECK_STATUS(cloudsso_config_set_profile(NULL, "default"), CLOUDSSO_NULL_ARGUMENT);
    CHECK_STATUS(cloudsso_config_set_call_timeout_ms(NULL, 1000), CLOUDSSO_NULL_ARGUMENT);
}

static void expect_option_error(cloudsso_config *cfg, const char *field);

static void every_setter_rejects_null_strings(void) {
    cloudsso_config *cfg = cloudsso_config_new();
    CHECK_STATUS(cloudsso_config_set_endpoint(cfg, NULL), CLOUDSSO_NULL_ARGUMENT);
    CHECK_STATUS(cloudsso_config_set_region(cfg, NULL), CLOUDSSO_NULL_ARGUMENT);
    CHECK_STATUS(cloudsso_config_set_access_key(cfg, NULL, "b", NULL), CLOUDSSO_NULL_ARGUMENT);
    CHECK_STATUS(cloudsso_config_set_access_key(cfg, "a", NULL, NULL), CLOUDSSO_NULL_ARGUMENT);
    CHECK_STATUS(cloudsso_config_set_access_key(cfg, "a", "b", NULL), CLOUDSSO_OK);
    CHECK_STATUS(cloudsso_config_set_access_key(cfg, "a", "b", "token"), CLOUDSSO_OK);
    CHECK_STATUS(cloudsso_config_set_signature_version(cfg, NULL), CLOUDSSO_NULL_ARGUMENT);
    CHECK_STATUS(cloudsso_config_set_user_agent(cfg, NULL), CLOUDSSO_NULL_ARGUMENT);
    CHECK_STATUS(cloudsso_config_add_root_certificates_pem(cfg, NULL, 10), CLOUDSSO_NULL_ARGUMENT);
    CHECK_STATUS(cloudsso_config_set_root_certificates_pem(cfg, NULL, 10), CLOUDSSO_NULL_ARGUMENT);
    CHECK_STATUS(cloudsso_config_set_network(cfg, NULL), CLOUDSSO_NULL_ARGUMENT);
    CHECK_STATUS(cloudsso_config_set_access_key_id(cfg, NULL), CLOUDSSO_NULL_ARGUMENT);
    CHECK_STATUS(cloudsso_config_set_access_key_secret(cfg, NULL), CLOUDSSO_NULL_ARGUMENT);
    CHECK_STATUS(cloudsso_config_set_security_token(cfg, NULL), CLOUDSSO_NULL_ARGUMENT);
    CHECK_STATUS(cloudsso_config_set_profile(cfg, NULL), CLOUDSSO_NULL_ARGUMENT);
    CHECK_STATUS(cloudsso_config_set(cfg, NULL, "x", NULL), CLOUDSSO_NULL_ARGUMENT);
    CHECK_STATUS(cloudsso_config_set(cfg, "region", NULL, NULL), CLOUDSSO_NULL_ARGUMENT);
    cloudsso_config_free(cfg);
}

/* cloudsso_config_set reaches every option of the core's table by name and
 * checks the value at once, naming the option and the rule. */
static void the_generic_setter_takes_options_by_name(void) {
    cloudsso_config *cfg = cloudsso_config_new();
    cloudsso_client *client = NULL;
    cloudsso_error *err = ERROR_SENTINEL;
    CHECK_STATUS(cloudsso_config_set(cfg, "endpoint", NOWHERE, &err), CLOUDSSO_OK);
    CHECK(err == ERROR_SENTINEL);
    CHECK_STATUS(cloudsso_config_set(cfg, "access_key_id", "testid", NULL), CLOUDSSO_OK);
    CHECK_STATUS(cloudsso_config_set(cfg, "access_key_secret", "testsecret", NULL), CLOUDSSO_OK);
    CHECK_STATUS(cloudsso_config_set(cfg, "connect_timeout_ms", "1500", NULL), CLOUDSSO_OK);
    CHECK_STATUS(cloudsso_config_set(cfg, "network", "vpc", NULL), CLOUDSSO_OK);
    CHECK_STATUS(cloudsso_config_set(cfg, "rate_limit_burst", "20", NULL), CLOUDSSO_OK);
    CHECK_STATUS(cloudsso_config_set(cfg, "allow_insecure_http", "false", NULL), CLOUDSSO_OK);

    err = NULL;
    CHECK_STATUS(cloudsso_config_set(cfg, "max_attempts", "11", &err), CLOUDSSO_INVALID_ARGUMENT);
    CHECK_STR(cloudsso_error_field(err), "max_attempts");
    CHECK_STR(cloudsso_error_message(err), "must be a whole number from 1 to 10");
    cloudsso_error_free(err);
    err = NULL;
    CHECK_STATUS(cloudsso_config_set(cfg, "network", "intranet", &err), CLOUDSSO_INVALID_ARGUMENT);
    CHECK_STR(cloudsso_error_field(err), "network");
    cloudsso_error_free(err);
    err = NULL;
    CHECK_STATUS(cloudsso_config_set(cfg, "no_such_option", "1", &err), CLOUDSSO_INVALID_ARGUMENT);
    CHECK(strstr(cloudsso_error_message(err), "no_such_option") != NULL);
    cloudsso_error_free(err);
    CHECK_STATUS(cloudsso_config_set_network(cfg, "intranet"), CLOUDSSO_INVALID_ARGUMENT);
    CHECK_STATUS(cloudsso_config_set_rate_limit_burst(cfg, 0), CLOUDSSO_INVALID_ARGUMENT);
    CHECK_STATUS(cloudsso_config_set_call_timeout_ms(cfg, 0), CLOUDSSO_INVALID_ARGUMENT);
    CHECK_STATUS(cloudsso_config_set_call_timeout_ms(cfg, 30000), CLOUDSSO_OK);
    CHECK_STATUS(cloudsso_config_set(cfg, "call_timeout_ms", "3600001", NULL), CLOUDSSO_INVALID_ARGUMENT);

    /* The failed calls changed nothing; the good ones all apply. */
    CHECK_STATUS(cloudsso_client_new(cfg, &client, NULL), CLOUDSSO_OK);
    cloudsso_client_free(client);

    /* An id without a secret is refused when the client is built. */
    cloudsso_config_free(cfg);
    cfg = cloudsso_config_new();
    cloudsso_config_set_endpoint(cfg, NOWHERE);
    CHECK_STATUS(cloudsso_config_set_access_key_id(cfg, "testid"), CLOUDSSO_OK);
    expect_option_error(cfg, "access_key_secret");
    CHECK_STATUS(cloudsso_config_set_access_key_secret(cfg, "testsecret"), CLOUDSSO_OK);
    CHECK_STATUS(cloudsso_config_set_security_token(cfg, "token"), CLOUDSSO_OK);
    CHECK_STATUS(cloudsso_client_new(cfg, &client, NULL), CLOUDSSO_OK);
    cloudsso_client_free(client);
    cloudsso_config_free(cfg);
}

static void client_new_rejects_null_arguments(void) {
    cloudsso_config *cfg = cloudsso_config_new();
    cloudsso_client *client = CLIENT_SENTINEL;
    cloudsso_error *err = NULL;
    cloudsso_config_set_endpoint(cfg, NOWHERE);
    cloudsso_config_set_access_key(cfg, "testid", "testsecret", NULL);

    CHECK_STATUS(cloudsso_client_new(NULL, &client, &err), CLOUDSSO_NULL_ARGUMENT);
    CHECK(client == CLIENT_SENTINEL);
    CHECK_STR(cloudsso_error_field(err), "cfg");
    cloudsso_error_free(err);
    err = NULL;

    CHECK_STATUS(cloudsso_client_new(cfg, NULL, &err), CLOUDSSO_NULL_ARGUMENT);
    CHECK_STR(cloudsso_error_field(err), "client_out");
    cloudsso_error_free(err);

    CHECK_STATUS(cloudsso_client_new(NULL, NULL, NULL), CLOUDSSO_NULL_ARGUMENT);

    client = NULL;
    CHECK_STATUS(cloudsso_client_new(cfg, &client, NULL), CLOUDSSO_OK); /* err may be NULL */
    CHECK(client != NULL);
    cloudsso_client_free(client);
    cloudsso_config_free(cfg);
}

static void reset_rejects_every_null_pointer(void) {
    cloudsso_client *client = offline_client();
    cloudsso_reset_result *res = RESULT_SENTINEL;
    cloudsso_error *err = NULL;

    CHECK_STATUS(cloudsso_reset_user_password(NULL, DIR_ID, USER_ID, NULL, CLOUDSSO_TRUE,
                                              CLOUDSSO_UNSET, &res, &err),
                 CLOUDSSO_NULL_ARGUMENT);
    CHECK_STR(cloudsso_error_field(err), "client");
    cloudsso_error_free(err);
    err = NULL;
    expect_reset_failure(client, NULL, USER_ID, NULL, CLOUDSSO_TRUE, CLOUDSSO_NULL_ARGUMENT,
                         "directory_id");
    expect_reset_failure(client, DIR_ID, NULL, NULL, CLOUDSSO_TRUE, CLOUDSSO_NULL_ARGUMENT,
                         "user_id");
    CHECK_STATUS(cloudsso_reset_user_password(client, DIR_ID, USER_ID, NULL, CLOUDSSO_TRUE,
                                              CLOUDSSO_UNSET, NULL, &err),
                 CLOUDSSO_NULL_ARGUMENT);
    CHECK_STR(cloudsso_error_field(err), "result_out");
    cloudsso_error_free(err);
    /* err itself may be NULL: the status still tells. */
    CHECK_STATUS(cloudsso_reset_user_password(client, NULL, NULL, NULL, CLOUDSSO_TRUE,
                                              CLOUDSSO_UNSET, &res, NULL),
                 CLOUDSSO_NULL_ARGUMENT);
    CHECK(res == RESULT_SENTINEL);
    cloudsso_client_free(client);
}

static void accessors_accept_null(void) {
    CHECK_STATUS(cloudsso_error_status(NULL), CLOUDSSO_NULL_ARGUMENT);
    CHECK(cloudsso_error_message(NULL) == NULL);
    CHECK(cloudsso_error_description(NULL) == NULL);
    CHECK(cloudsso_error_code(NULL) == NULL);
    CHECK(cloudsso_error_request_id(NULL) == NULL);
    CHECK(cloudsso_error_http_status(NULL) == 0);
    CHECK(cloudsso_error_host_id(NULL) == NULL);
    CHECK(cloudsso_error_recommend(NULL) == NULL);
    CHECK(cloudsso_error_field(NULL) == NULL);
    CHECK(cloudsso_error_attempts(NULL) == 0);
    CHECK(!cloudsso_error_outcome_unknown(NULL));
    CHECK(cloudsso_reset_result_request_id(NULL) == NULL);
    CHECK(cloudsso_reset_result_new_password(NULL) == NULL);
}

static void invalid_utf8_has_its_own_status_in_every_string(void) {
    cloudsso_client *client = offline_client();
    cloudsso_config *cfg = cloudsso_config_new();
    size_t i;
    for (i = 0; i < sizeof BAD_UTF8 / sizeof BAD_UTF8[0]; i++) {
        const char *bad = BAD_UTF8[i];
        expect_reset_failure(client, bad, USER_ID, NULL, CLOUDSSO_TRUE, CLOUDSSO_INVALID_UTF8,
                             "directory_id");
        expect_reset_failure(client, DIR_ID, bad, NULL, CLOUDSSO_TRUE, CLOUDSSO_INVALID_UTF8,
                             "user_id");
        expect_reset_failure(client, DIR_ID, USER_ID, bad, CLOUDSSO_UNSET, CLOUDSSO_INVALID_UTF8,
                             "password");
        CHECK_STATUS(cloudsso_config_set_endpoint(cfg, bad), CLOUDSSO_INVALID_UTF8);
        CHECK_STATUS(cloudsso_config_set_region(cfg, bad), CLOUDSSO_INVALID_UTF8);
        CHECK_STATUS(cloudsso_config_set_access_key(cfg, bad, "s", NULL), CLOUDSSO_INVALID_UTF8);
        CHECK_STATUS(cloudsso_config_set_access_key(cfg, "a", bad, NULL), CLOUDSSO_INVALID_UTF8);
        CHECK_STATUS(cloudsso_config_set_access_key(cfg, "a", "s", bad), CLOUDSSO_INVALID_UTF8);
        CHECK_STATUS(cloudsso_config_set_signature_version(cfg, bad), CLOUDSSO_INVALID_UTF8);
        CHECK_STATUS(cloudsso_config_set_user_agent(cfg, bad), CLOUDSSO_INVALID_UTF8);
    }
    cloudsso_config_free(cfg);
    cloudsso_client_free(client);
}

static char *huge_string(char fill) {
    size_t n = 1024 * 1024;
    char *s = malloc(n + 1);
    if (!s) return NULL;
    memset(s, fill, n);
    s[n] = '\0';
    return s;
}

static void a_one_mib_input_is_a_clean_validation_error(void) {
    cloudsso_client *client = offline_client();
    char *huge = huge_string('a');
    cloudsso_config *cfg = cloudsso_config_new();
    cloudsso_client *out = CLIENT_SENTINEL;
    cloudsso_error *err = NULL;
    CHECK(huge != NULL);
    if (!huge) return;
    memcpy(huge, "d-", 2);
    expect_reset_failure(client, huge, USER_ID, NULL, CLOUDSSO_TRUE, CLOUDSSO_INVALID_ARGUMENT,
                         "directory_id");
    memcpy(huge, "u-", 2);
    expect_reset_failure(client, DIR_ID, huge, NULL, CLOUDSSO_TRUE, CLOUDSSO_INVALID_ARGUMENT,
                         "user_id");
    memcpy(huge, "Aa1!", 4);
    expect_reset_failure(client, DIR_ID, USER_ID, huge, CLOUDSSO_UNSET, CLOUDSSO_INVALID_ARGUMENT,
                         "password");

    /* Options are checked by cloudsso_client_new. */
    cloudsso_config_set_access_key(cfg, "testid", "testsecret", NULL);
    CHECK_STATUS(cloudsso_config_set_user_agent(cfg, huge), CLOUDSSO_OK);
    CHECK_STATUS(cloudsso_client_new(cfg, &out, &err), CLOUDSSO_INVALID_ARGUMENT);
    CHECK(out == CLIENT_SENTINEL);
    CHECK_STR(cloudsso_error_field(err), "user_agent");
    cloudsso_error_free(err);
    err = NULL;
    cloudsso_config_set_user_agent(cfg, "ok");
    memcpy(huge, "http://", 7);
    CHECK_STATUS(cloudsso_config_set_endpoint(cfg, huge), CLOUDSSO_OK);
    CHECK_STATUS(cloudsso_client_new(cfg, &out, &err), CLOUDSSO_INVALID_ARGUMENT);
    CHECK(out == CLIENT_SENTINEL);
    CHECK_STR(cloudsso_error_field(err), "endpoint");
    cloudsso_error_free(err);

    cloudsso_config_free(cfg);
    free(huge);
    cloudsso_client_free(client);
}

static void bad_requests_fail_before_any_io(void) {
    cloudsso_client *client = offline_client();
    expect_reset_failure(client, "", USER_ID, NULL, CLOUDSSO_TRUE, CLOUDSSO_INVALID_ARGUMENT,
                         "directory_id");
    expect_reset_failure(client, "x-123", USER_ID, NULL, CLOUDSSO_TRUE,
                         CLOUDSSO_INVALID_ARGUMENT, "directory_id");
    expect_reset_failure(client, DIR_ID, "U-UPPER", NULL, CLOUDSSO_TRUE,
                         CLOUDSSO_INVALID_ARGUMENT, "user_id");
    /* Neither a password nor a request to generate one. */
    expect_reset_failure(client, DIR_ID, USER_ID, NULL, CLOUDSSO_UNSET, CLOUDSSO_INVALID_ARGUMENT,
                         "password");
    expect_reset_failure(client, DIR_ID, USER_ID, "", CLOUDSSO_FALSE, CLOUDSSO_INVALID_ARGUMENT,
                         "password");
    /* Both. */
    expect_reset_failure(client, DIR_ID, USER_ID, "Valid-Passw0rd!", CLOUDSSO_TRUE,
                         CLOUDSSO_INVALID_ARGUMENT, "password");
    expect_reset_failure(client, DIR_ID, USER_ID, "short1!", CLOUDSSO_UNSET,
                         CLOUDSSO_INVALID_ARGUMENT, "password");
    cloudsso_client_free(client);
}

static void tristates_outside_the_three_values_are_refused(void) {
    cloudsso_client *client = offline_client();
    cloudsso_reset_result *res = RESULT_SENTINEL;
    cloudsso_error *err = NULL;
    expect_reset_failure(client, DIR_ID, USER_ID, NULL, 3, CLOUDSSO_INVALID_ARGUMENT,
                         "generate_random_password");
    expect_reset_failure(client, DIR_ID, USER_ID, NULL, -1, CLOUDSSO_INVALID_ARGUMENT,
                         "generate_random_password");
    CHECK_STATUS(cloudsso_reset_user_password(client, DIR_ID, USER_ID, NULL, CLOUDSSO_TRUE, 42,
                                              &res, &err),
                 CLOUDSSO_INVALID_ARGUMENT);
    CHECK_STR(cloudsso_error_field(err), "require_password_reset_for_next_login");
    CHECK(res == RESULT_SENTINEL);
    cloudsso_error_free(err);
    cloudsso_client_free(client);
}

/* Builds a client from `cfg`, expecting a validation error naming `field`. */
static void expect_option_error(cloudsso_config *cfg, const char *field) {
    cloudsso_client *out = CLIENT_SENTINEL;
    cloudsso_error *err = NULL;
    CHECK_STATUS(cloudsso_client_new(cfg, &out, &err), CLOUDSSO_INVALID_ARGUMENT);
    CHECK(out == CLIENT_SENTINEL);
    CHECK_STR(cloudsso_error_field(err), field);
    CHECK(cloudsso_error_code(err) == NULL);
    cloudsso_error_free(err);
}

static void bad_options_surface_at_client_new_naming_the_field(void) {
    static const unsigned char not_pem[] = "hello";
    cloudsso_config *cfg = cloudsso_config_new();
    cloudsso_client *client = NULL;
    cloudsso_config_set_access_key(cfg, "testid", "testsecret", NULL);

    cloudsso_config_set_endpoint(cfg, "ftp://127.0.0.1");
    expect_option_error(cfg, "endpoint");
    cloudsso_config_set_endpoint(cfg, "http://example.com");
    expect_option_error(cfg, "endpoint"); /* plain http only to loopback... */
    CHECK_STATUS(cloudsso_config_set_allow_insecure_http(cfg, true), CLOUDSSO_OK);
    CHECK_STATUS(cloudsso_client_new(cfg, &client, NULL), CLOUDSSO_OK); /* ...unless allowed */
    cloudsso_client_free(client);
    client = NULL;
    cloudsso_config_set_endpoint(cfg, NOWHERE);

    cloudsso_config_set_max_attempts(cfg, 0);
    expect_option_error(cfg, "max_attempts");
    cloudsso_config_set_max_attempts(cfg, 11);
    expect_option_error(cfg, "max_attempts");
    cloudsso_config_set_max_attempts(cfg, 2);

    cloudsso_config_set_connect_timeout_ms(cfg, 0);
    expect_option_error(cfg, "connect_timeout");
    cloudsso_config_set_connect_timeout_ms(cfg, 1000);
    cloudsso_config_set_read_timeout_ms(cfg, 0);
    expect_option_error(cfg, "read_timeout");
    cloudsso_config_set_read_timeout_ms(cfg, 1000);

    cloudsso_config_set_user_agent(cfg, "line\nbreak");
    expect_option_error(cfg, "user_agent");
    cloudsso_config_set_user_agent(cfg, "my-tool/1.0");

    CHECK_STATUS(cloudsso_config_set_signature_version(cfg, "v2"), CLOUDSSO_INVALID_ARGUMENT);
    CHECK_STATUS(cloudsso_config_set_signature_version(cfg, "v3"), CLOUDSSO_OK);
    CHECK_STATUS(cloudsso_config_set_signature_version(cfg, "v1"), CLOUDSSO_OK);
    CHECK_STATUS(cloudsso_config_add_root_certificates_pem(cfg, not_pem, sizeof not_pem - 1),
                 CLOUDSSO_INVALID_ARGUMENT);
    CHECK_STATUS(cloudsso_config_set_root_certificates_pem(cfg, not_pem, sizeof not_pem - 1),
                 CLOUDSSO_INVALID_ARGUMENT);
    CHECK_STATUS(cloudsso_config_set_rate_limit_per_second(cfg, 0), CLOUDSSO_OK);
    CHECK_STATUS(cloudsso_config_set_retry_unknown_outcome_for_generated(cfg, false), CLOUDSSO_OK);

    /* After every failed build and failed setter the config still works. */
    CHECK_STATUS(cloudsso_client_new(cfg, &client, NULL), CLOUDSSO_OK);
    CHECK(client != NULL);
    cloudsso_client_free(client);
    cloudsso_config_free(cfg);
}

static void a_config_can_build_many_clients_and_be_freed_first(void) {
    cloudsso_config *cfg = cloudsso_config_new();
    cloudsso_client *a = NULL, *b = NULL;
    cloudsso_config_set_endpoint(cfg, NOWHERE);
    cloudsso_config_set_access_key(cfg, "testid", "testsecret", NULL);
    CHECK_STATUS(cloudsso_client_new(cfg, &a, NULL), CLOUDSSO_OK);
    CHECK_STATUS(cloudsso_client_new(cfg, &b, NULL), CLOUDSSO_OK);
    cloudsso_config_free(cfg);
    CHECK(a != NULL && b != NULL && a != b);
    /* The clients stay usable after their config is gone. */
    expect_reset_failure(a, "", USER_ID, NULL, CLOUDSSO_TRUE, CLOUDSSO_INVALID_ARGUMENT,
                         "directory_id");
    cloudsso_client_free(a);
    cloudsso_client_free(b);
}

static void without_keys_credentials_come_from_the_environment(void) {
    cloudsso_config *cfg = cloudsso_config_new();
    cloudsso_client *client = CLIENT_SENTINEL;
    cloudsso_error *err = NULL;
    cloudsso_config_set_endpoint(cfg, NOWHERE);
    unsetenv("ALIBABA_CLOUD_ACCESS_KEY_ID");
    unsetenv("ALIBABA_CLOUD_ACCESS_KEY_SECRET");
    unsetenv("ALIBABA_CLOUD_SECURITY_TOKEN");
    CHECK_STATUS(cloudsso_client_new(cfg, &client, &err), CLOUDSSO_CREDENTIALS);
    CHECK(client == CLIENT_SENTINEL);
    CHECK(cloudsso_error_code(err) == NULL);
    CHECK(cloudsso_error_message(err) != NULL);
    cloudsso_error_free(err);

    setenv("ALIBABA_CLOUD_ACCESS_KEY_ID", "envid", 1);
    setenv("ALIBABA_CLOUD_ACCESS_KEY_SECRET", "envsecret", 1);
    client = NULL;
    CHECK_STATUS(cloudsso_client_new(cfg, &client, NULL), CLOUDSSO_OK);
    CHECK(client != NULL);
    cloudsso_client_free(client);
    unsetenv("ALIBABA_CLOUD_ACCESS_KEY_ID");
    unsetenv("ALIBABA_CLOUD_ACCESS_KEY_SECRET");
    cloudsso_config_free(cfg);
}

/* Without keys, a profile picks one config.json profile; one found nowhere is
 * CLOUDSSO_CREDENTIALS naming it. The file is the test's own, named through
 * ALIBABA_CLOUD_CONFIG_FILE (restored afterwards). */
static void a_profile_picks_a_config_json_profile(void) {
    char path[] = "/tmp/cloudsso-c-profile-XXXXXX";
    int fd = mkstemp(path);
    CHECK(fd >= 0);
    static const char json[] =
        "{\"profiles\": [{\"name\": \"ci\", \"mode\": \"AK\", "
        "\"access_key_id\": \"profileid\", \"access_key_secret\": \"profilesecret\"}]}";
    CHECK(write(fd, json, sizeof json - 1) == (ssize_t)(sizeof json - 1));
    close(fd);
    const char *saved = getenv("ALIBABA_CLOUD_CONFIG_FILE");
    char *saved_copy = saved ? strdup(saved) : NULL;
    setenv("ALIBABA_CLOUD_CONFIG_FILE", path, 1);
    unsetenv("ALIBABA_CLOUD_ACCESS_KEY_ID");
    unsetenv("ALIBABA_CLOUD_ACCESS_KEY_SECRET");

    cloudsso_config *cfg = cloudsso_config_new();
    cloudsso_config_set_endpoint(cfg, NOWHERE);
    CHECK_STATUS(cloudsso_config_set_profile(cfg, "ci"), CLOUDSSO_OK);
    cloudsso_client *client = NULL;
    CHECK_STATUS(cloudsso_client_new(cfg, &client, NULL), CLOUDSSO_OK);
    cloudsso_client_free(client);

    cloudsso_error *err = NULL;
    client = CLIENT_SENTINEL;
    CHECK_STATUS(cloudsso_config_set_profile(cfg, "nowhere"), CLOUDSSO_OK);
    CHECK_STATUS(cloudsso_client_new(cfg, &client, &err), CLOUDSSO_CREDENTIALS);
    CHECK(client == CLIENT_SENTINEL);
    CHECK(strstr(cloudsso_error_message(err), "profile \"nowhere\"") != NULL);
    cloudsso_error_free(err);
    cloudsso_config_free(cfg);

    if (saved_copy) {
        setenv("ALIBABA_CLOUD_CONFIG_FILE", saved_copy, 1);
        free(saved_copy);
    } else {
        unsetenv("ALIBABA_CLOUD_CONFIG_FILE");
    }
    unlink(path);
}

static void status_values_are_stable(void) {
    CHECK(CLOUDSSO_OK == 0);
    CHECK(CLOUDSSO_NULL_ARGUMENT == 1);
    CHECK(CLOUDSSO_INVALID_UTF8 == 2);
    CHECK(CLOUDSSO_INVALID_ARGUMENT == 3);
    CHECK(CLOUDSSO_CREDENTIALS == 4);
    CHECK(CLOUDSSO_SERVICE == 5);
    CHECK(CLOUDSSO_THROTTLED == 6);
    CHECK(CLOUDSSO_TIMEOUT == 7);
    CHECK(CLOUDSSO_TRANSPORT == 8);
    CHECK(CLOUDSSO_DECODE == 9);
    CHECK(CLOUDSSO_PANIC == 10);
    CHECK(CLOUDSSO_UNSET == 0 && CLOUDSSO_FALSE == 1 && CLOUDSSO_TRUE == 2);
}

int main(void) {
    RUN(version_is_a_static_semver_string);
    RUN(status_values_are_stable);
    RUN(free_functions_accept_null);
    RUN(every_setter_rejects_a_null_config);
    RUN(every_setter_rejects_null_strings);
    RUN(the_generic_setter_takes_options_by_name);
    RUN(client_new_rejects_null_arguments);
    RUN(reset_rejects_every_null_pointer);
    RUN(accessors_accept_null);
    RUN(invalid_utf8_has_its_own_status_in_every_string);
    RUN(a_one_mib_input_is_a_clean_validation_error);
    RUN(bad_requests_fail_before_any_io);
    RUN(tristates_outside_the_three_values_are_refused);
    RUN(bad_options_surface_at_client_new_naming_the_field);
    RUN(a_config_can_build_many_clients_and_be_freed_first);
    RUN(without_keys_credentials_come_from_the_environment);
    RUN(a_profile_picks_a_config_json_profile);
    return harness_finish("test_api");
}
