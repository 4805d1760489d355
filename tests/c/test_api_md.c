/* The C example of /work/shared/API.md ("C" section), kept as close to the
 * text as possible (only the endpoint and ids come from the emulator), so the
 * documented contract is compiled and run with every test. */
#define _POSIX_C_SOURCE 200809L

#include <stdio.h>
#include <string.h>

#include "cloudsso.h"
#include "harness.h"

static emulator_info emu;

static int documented_example(void) {
    int ok = 0;
    cloudsso_config *cfg = cloudsso_config_new();
    cloudsso_config_set_endpoint(cfg, emu.endpoint);
    cloudsso_config_set_access_key(cfg, emu.access_key_id, emu.access_key_secret, NULL /* security token */);
    cloudsso_client *client = NULL;
    cloudsso_error *err = NULL;
    if (cloudsso_client_new(cfg, &client, &err) != CLOUDSSO_OK) { cloudsso_error_free(err); cloudsso_config_free(cfg); return 0; }
    cloudsso_config_free(cfg);

    cloudsso_reset_result *res = NULL;
    cloudsso_status st = cloudsso_reset_user_password(client, emu.directory_id, emu.user_id,
        NULL /* password */, CLOUDSSO_TRUE /* generate */, CLOUDSSO_UNSET /* require reset */, &res, &err);
    if (st == CLOUDSSO_OK) {
        printf("    request id %s, new password of %lu characters\n", cloudsso_reset_result_request_id(res),
               (unsigned long)strlen(cloudsso_reset_result_new_password(res)));
        ok = 1;
        cloudsso_reset_result_free(res);            /* wipes the password */
    } else {
        fprintf(stderr, "%s: %s (request %s, http %d)\n", cloudsso_error_code(err),
                cloudsso_error_message(err), cloudsso_error_request_id(err), cloudsso_error_http_status(err));
        cloudsso_error_free(err);
    }
    cloudsso_client_free(client);
    return ok;
}

static void the_api_md_example_runs(void) { CHECK(documented_example()); }

int main(void) {
    if (emulator_from_env(&emu) != 0) return 2;
    RUN(the_api_md_example_runs);
    return harness_finish("test_api_md");
}
