/* Resets a CloudSSO user's password with libcloudsso.
 *
 *   reset_password [--endpoint URL] [--require-reset] DIRECTORY_ID USER_ID
 *
 * Credentials come from the environment, never from the command line (where
 * other users could see them in the process list):
 *   ALIBABA_CLOUD_ACCESS_KEY_ID, ALIBABA_CLOUD_ACCESS_KEY_SECRET,
 *   ALIBABA_CLOUD_SECURITY_TOKEN (optional, for STS keys).
 * The endpoint may also come from CLOUDSSO_ENDPOINT. The new password is read
 * from CLOUDSSO_NEW_PASSWORD; without it the service generates one, printed
 * on stdout.
 *
 * Exit status: 0 on success, 2 for bad usage, otherwise the cloudsso_status. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cloudsso.h>

static int usage(void) {
    fprintf(stderr,
            "usage: reset_password [--endpoint URL] [--require-reset] DIRECTORY_ID USER_ID\n"
            "  keys from ALIBABA_CLOUD_ACCESS_KEY_ID / _SECRET / _SECURITY_TOKEN;\n"
            "  new password from CLOUDSSO_NEW_PASSWORD, else the service generates one\n");
    return 2;
}

/* Prints what went wrong, without any secret (the library keeps them out). */
static int report(const char *what, cloudsso_status st, cloudsso_error *err) {
    fprintf(stderr, "%s failed (status %d): %s\n", what, (int)st,
            err ? cloudsso_error_description(err) : "no details");
    if (err && cloudsso_error_code(err)) {
        fprintf(stderr, "  code: %s, http status: %d, request id: %s\n", cloudsso_error_code(err),
                (int)cloudsso_error_http_status(err),
                cloudsso_error_request_id(err) ? cloudsso_error_request_id(err) : "-");
    }
    cloudsso_error_free(err);
    return (int)st;
}

int main(int argc, char **argv) {
    const char *endpoint = getenv("CLOUDSSO_ENDPOINT");
    const char *password = getenv("CLOUDSSO_NEW_PASSWORD");
    cloudsso_tristate require_reset = CLOUDSSO_UNSET;
    const char *positional[2];
    int npos = 0, i, rc = 0;
    cloudsso_config *cfg;
    cloudsso_client *client = NULL;
    cloudsso_reset_result *res = NULL;
    cloudsso_error *err = NULL;
    cloudsso_status st;

    for (i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--endpoint") == 0 && i + 1 < argc) {
            endpoint = argv[++i];
        } else if (strcmp(argv[i], "--require-reset") == 0) {
            require_reset = CLOUDSSO_TRUE;
        } else if (argv[i][0] == '-' || npos == 2) {
            return usage();
        } else {
            positional[npos++] = argv[i];
        }
    }
    if (npos != 2) return usage();

    cfg = cloudsso_config_new();
    if (!cfg) return report("cloudsso_config_new", CLOUDSSO_PANIC, NULL);
    cloudsso_config_set_user_agent(cfg, "reset_password-example");
    if (endpoint && *endpoint) {
        st = cloudsso_config_set_endpoint(cfg, endpoint);
        if (st != CLOUDSSO_OK) {
            cloudsso_config_free(cfg);
            return report("setting the endpoint", st, NULL);
        }
    }
    st = cloudsso_client_new(cfg, &client, &err);
    cloudsso_config_free(cfg); /* the client keeps what it needs */
    if (st != CLOUDSSO_OK) return report("creating the client", st, err);

    st = cloudsso_reset_user_password(client, positional[0], positional[1],
                                      password && *password ? password : NULL,
                                      password && *password ? CLOUDSSO_UNSET : CLOUDSSO_TRUE,
                                      require_reset, &res, &err);
    if (st == CLOUDSSO_OK) {
        printf("RequestId: %s\n", cloudsso_reset_result_request_id(res));
        if (cloudsso_reset_result_new_password(res))
            printf("NewPassword: %s\n", cloudsso_reset_result_new_password(res));
        cloudsso_reset_result_free(res); /* wipes the password from memory */
    } else {
        rc = report("ResetUserPassword", st, err);
    }
    cloudsso_client_free(client);
    return rc;
}
