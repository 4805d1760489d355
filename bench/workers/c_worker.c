/* One C benchmark row: a loop over libcloudsso, same protocol as py_worker.py.
 *   c_worker ENDPOINT SECONDS [THREADS]
 * With THREADS > 1, that many threads share one client (as a server would).
 * Prints one JSON line; CPU time from getrusage(RUSAGE_SELF), peak RSS from
 * /proc/self/status (VmHWM: ru_maxrss would start from the parent's peak). */
#define _POSIX_C_SOURCE 200809L
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <time.h>

#include "cloudsso.h"

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double cpu_seconds(void) {
  struct rusage u;
  getrusage(RUSAGE_SELF, &u);
  return (double)u.ru_utime.tv_sec + (double)u.ru_utime.tv_usec / 1e6 + (double)u.ru_stime.tv_sec +
         (double)u.ru_stime.tv_usec / 1e6;
}

static long peak_rss_kb(void) {
  FILE *f = fopen("/proc/self/status", "r");
  char line[256];
  long kb = -1;
  if (f == NULL) return -1;
  while (fgets(line, sizeof line, f) != NULL) {
    if (sscanf(line, "VmHWM: %ld", &kb) == 1) break;
  }
  fclose(f);
  return kb;
}

/* One call; exits the process on any failure so the harness sees it. */
static void call(const cloudsso_client *client) {
  cloudsso_reset_result *res = NULL;
  cloudsso_error *err = NULL;
  cloudsso_status st = cloudsso_reset_user_password(client, "d-00fc2p61abcd", "u-00q8wbq42wiltcrkabcd",
                                                    NULL, CLOUDSSO_TRUE, CLOUDSSO_UNSET, &res, &err);
  if (st != CLOUDSSO_OK) {
    fprintf(stderr, "call failed: %s\n", err ? cloudsso_error_message(err) : "(no details)");
    cloudsso_error_free(err);
    exit(1);
  }
  if (cloudsso_reset_result_new_password(res) == NULL) {
    fprintf(stderr, "no new password\n");
    exit(1);
  }
  cloudsso_reset_result_free(res);
}

struct loop {
  const cloudsso_client *client;
  double until;
  long calls;
};

static void *run_loop(void *arg) {
  struct loop *l = arg;
  while (now() < l->until) {
    call(l->client);
    l->calls++;
  }
  return NULL;
}

/* Runs `threads` loops on one client until `until`; returns the calls made. */
static long run_threads(const cloudsso_client *client, int threads, double until) {
  pthread_t ids[64];
  struct loop loops[64];
  long calls = 0;
  for (int i = 0; i < threads; i++) {
    loops[i] = (struct loop){client, until, 0};
    if (pthread_create(&ids[i], NULL, run_loop, &loops[i]) != 0) {
      fprintf(stderr, "pthread_create failed\n");
      exit(1);
    }
  }
  for (int i = 0; i < threads; i++) {
    pthread_join(ids[i], NULL);
    calls += loops[i].calls;
  }
  return calls;
}

int main(int argc, char **argv) {
  if (argc != 3 && argc != 4) {
    fprintf(stderr, "usage: c_worker ENDPOINT SECONDS [THREADS]\n");
    return 2;
  }
  double seconds = atof(argv[2]);
  int threads = argc == 4 ? atoi(argv[3]) : 1;
  if (threads < 1 || threads > 64) {
    fprintf(stderr, "THREADS must be 1 to 64\n");
    return 2;
  }
  double t0 = now();
  cloudsso_config *cfg = cloudsso_config_new();
  cloudsso_client *client = NULL;
  cloudsso_error *err = NULL;
  if (cfg == NULL || cloudsso_config_set_endpoint(cfg, argv[1]) != CLOUDSSO_OK ||
      cloudsso_config_set_access_key(cfg, "testid", "testsecret", NULL) != CLOUDSSO_OK ||
      cloudsso_config_set_rate_limit_per_second(cfg, 0) != CLOUDSSO_OK ||
      cloudsso_client_new(cfg, &client, &err) != CLOUDSSO_OK) {
    fprintf(stderr, "client setup failed: %s\n", err ? cloudsso_error_message(err) : "(no details)");
    return 1;
  }
  cloudsso_config_free(cfg);
  double cold_ms = (now() - t0) * 1000;
  double t1 = now();
  call(client);
  double first_ms = (now() - t1) * 1000;

  run_threads(client, threads, now() + (seconds / 10 < 0.3 ? seconds / 10 : 0.3));

  double cpu0 = cpu_seconds();
  double start = now();
  long calls = run_threads(client, threads, start + seconds);
  double wall = now() - start;
  double cpu = cpu_seconds() - cpu0;
  printf("{\"calls\": %ld, \"seconds\": %.6f, \"cpu_s\": %.6f, \"maxrss_kb\": %ld, \"cold_ms\": %.3f, "
         "\"first_ms\": %.3f}\n",
         calls, wall, cpu, peak_rss_kb(), cold_ms, first_ms);
  cloudsso_client_free(client);
  return 0;
}
