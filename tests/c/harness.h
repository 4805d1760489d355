/* A tiny test harness for the C tests of libcloudsso: checks, a runner that
 * counts, the emulator's coordinates from the environment, and a raw-socket
 * HTTP helper for the emulator's admin API. */
#ifndef CLOUDSSO_TEST_HARNESS_H
#define CLOUDSSO_TEST_HARNESS_H

#include <stddef.h>

#include "cloudsso.h"

/* Records a failed check (with file and line) without stopping the test. */
#define CHECK(cond) harness_check((cond) ? 1 : 0, #cond, __FILE__, __LINE__)
/* Checks that two C strings are equal (NULL only equals NULL). */
#define CHECK_STR(a, b) harness_check_str((a), (b), #a, __FILE__, __LINE__)
/* Checks a status, printing both names when they differ. */
#define CHECK_STATUS(got, want) harness_check_status((got), (want), #got, __FILE__, __LINE__)
/* Runs one test function and reports it. */
#define RUN(fn) harness_run(#fn, fn)

void harness_check(int ok, const char *what, const char *file, int line);
void harness_check_str(const char *a, const char *b, const char *what, const char *file, int line);
void harness_check_status(cloudsso_status got, cloudsso_status want, const char *what,
                          const char *file, int line);
void harness_run(const char *name, void (*fn)(void));
/* Prints "summary: N passed, M failed" and returns the exit status. */
int harness_finish(const char *program);

/* A status's constant name, for messages. */
const char *status_name(cloudsso_status st);

/* The emulator, from CLOUDSSO_TEST_ENDPOINT and friends (set by scripts/test-c). */
typedef struct {
    const char *endpoint;
    const char *access_key_id;
    const char *access_key_secret;
    const char *directory_id;
    const char *user_id;
} emulator_info;

/* Returns 0 and fills `info` when the emulator is configured, else -1. */
int emulator_from_env(emulator_info *info);
/* A multiplier for loop counts (CLOUDSSO_TEST_SCALE, default 1.0; lower under valgrind). */
double test_scale(void);

/* One admin call: returns the HTTP status (or -1) and the body in `out`. */
int admin_call(const emulator_info *emu, const char *method, const char *path,
               const char *json_body, char *out, size_t out_len);
/* The emulator's "requests" counter (API requests that reached it), or -1. */
long admin_request_count(const emulator_info *emu);
/* True when the body holds `"key":value` (the emulator writes compact JSON). */
int json_has(const char *body, const char *key, const char *value);

/* A config for the emulator: its endpoint and demo keys. */
cloudsso_config *emulator_config(const emulator_info *emu);
/* A client for the emulator, with extra settings applied by `tweak` (may be NULL). */
cloudsso_client *emulator_client(const emulator_info *emu, void (*tweak)(cloudsso_config *));

#endif
