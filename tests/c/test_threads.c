/* One client handle shared by 8 threads, each making many calls at once:
 * every call must succeed and every result must be its own. */
#define _POSIX_C_SOURCE 200809L

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cloudsso.h"
#include "harness.h"

#define THREADS 8
#define REQUEST_ID_MAX 96

static emulator_info emu;
static int calls_per_thread = 200;

typedef struct {
    cloudsso_client *client;
    int index;
    int ok;
    int wrong;
    char (*request_ids)[REQUEST_ID_MAX];
} worker;

/* Even calls ask for a generated password, odd calls bring their own: each
 * result must match what its own call asked for. */
static void *work(void *arg) {
    worker *w = arg;
    int i;
    for (i = 0; i < calls_per_thread; i++) {
        cloudsso_reset_result *res = NULL;
        cloudsso_error *err = NULL;
        int generate = i % 2 == 0;
        char password[32];
        cloudsso_status st;
        snprintf(password, sizeof password, "Thr-%d-%d-Aa1!", w->index, i);
        st = cloudsso_reset_user_password(w->client, emu.directory_id, emu.user_id,
                                          generate ? NULL : password,
                                          generate ? CLOUDSSO_TRUE : CLOUDSSO_UNSET,
                                          CLOUDSSO_UNSET, &res, &err);
        if (st != CLOUDSSO_OK) {
            if (w->wrong++ < 3)
                fprintf(stderr, "    thread %d call %d: %s\n", w->index, i,
                        cloudsso_error_description(err));
            cloudsso_error_free(err);
            continue;
        }
        {
            const char *pw = cloudsso_reset_result_new_password(res);
            const char *rid = cloudsso_reset_result_request_id(res);
            int right = rid != NULL && rid[0] != '\0' && strlen(rid) < REQUEST_ID_MAX &&
                        (generate ? (pw != NULL && strlen(pw) >= 8) : pw == NULL);
            if (right) {
                strcpy(w->request_ids[w->ok], rid);
                w->ok++;
            } else {
                w->wrong++;
            }
        }
        cloudsso_reset_result_free(res);
    }
    return NULL;
}

static void no_rate_limit(cloudsso_config *cfg) {
    cloudsso_config_set_rate_limit_per_second(cfg, 0);
}

static int compare_ids(const void *a, const void *b) { return strcmp(a, b); }

static void eight_threads_share_one_client(void) {
    worker workers[THREADS];
    pthread_t threads[THREADS];
    cloudsso_client *client;
    char (*ids)[REQUEST_ID_MAX];
    int t, total_ok = 0, total_wrong = 0, duplicates = 0, i;
    long before;
    size_t per = (size_t)calls_per_thread;

    /* Let the emulator accept the burst; the client limit is off for this client. */
    CHECK(admin_call(&emu, "POST", "/_emulator/throttle",
                     "{\"per_account_per_second\":1000000,\"global_per_second\":1000000}", NULL,
                     0) == 200);
    client = emulator_client(&emu, no_rate_limit);
    CHECK(client != NULL);
    ids = calloc(per * THREADS, REQUEST_ID_MAX);
    CHECK(ids != NULL);
    if (!client || !ids) return;
    before = admin_request_count(&emu);

    for (t = 0; t < THREADS; t++) {
        workers[t].client = client;
        workers[t].index = t;
        workers[t].ok = 0;
        workers[t].wrong = 0;
        workers[t].request_ids = ids + per * (size_t)t;
        CHECK(pthread_create(&threads[t], NULL, work, &workers[t]) == 0);
    }
    for (t = 0; t < THREADS; t++) {
        pthread_join(threads[t], NULL);
        total_ok += workers[t].ok;
        total_wrong += workers[t].wrong;
    }
    /* Compact the ids and make sure no two calls got the same answer. */
    {
        size_t n = 0;
        for (t = 0; t < THREADS; t++)
            for (i = 0; i < workers[t].ok; i++) memmove(ids[n++], workers[t].request_ids[i], REQUEST_ID_MAX);
        qsort(ids, n, REQUEST_ID_MAX, compare_ids);
        for (i = 1; i < (int)n; i++) duplicates += strcmp(ids[i - 1], ids[i]) == 0;
    }
    printf("    %d threads x %d calls: %d ok, %d wrong, %d duplicate request ids\n", THREADS,
           calls_per_thread, total_ok, total_wrong, duplicates);
    CHECK(total_ok == THREADS * calls_per_thread);
    CHECK(total_wrong == 0);
    CHECK(duplicates == 0);
    CHECK(admin_request_count(&emu) == before + THREADS * calls_per_thread);
    free(ids);
    cloudsso_client_free(client);
}

int main(void) {
    if (emulator_from_env(&emu) != 0) {
        fprintf(stderr, "test_threads: set CLOUDSSO_TEST_ENDPOINT and friends (see scripts/test-c)\n");
        return 2;
    }
    calls_per_thread = (int)(200 * test_scale());
    if (calls_per_thread < 4) calls_per_thread = 4;
    RUN(eight_threads_share_one_client);
    return harness_finish("test_threads");
}
