/* See harness.h. POSIX sockets for the admin API; no other dependency. */
#define _POSIX_C_SOURCE 200809L

#include "harness.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static int g_passed;
static int g_failed;
static int g_current_failed;

void harness_check(int ok, const char *what, const char *file, int line) {
    if (!ok) {
        fprintf(stderr, "    check failed: %s (%s:%d)\n", what, file, line);
        g_current_failed = 1;
    }
}

void harness_check_str(const char *a, const char *b, const char *what, const char *file, int line) {
    int same = (a == NULL || b == NULL) ? a == b : strcmp(a, b) == 0;
    if (!same) {
        fprintf(stderr, "    check failed: %s is \"%s\", expected \"%s\" (%s:%d)\n", what,
                a ? a : "(null)", b ? b : "(null)", file, line);
        g_current_failed = 1;
    }
}

const char *status_name(cloudsso_status st) {
    switch (st) {
    case CLOUDSSO_OK: return "CLOUDSSO_OK";
    case CLOUDSSO_NULL_ARGUMENT: return "CLOUDSSO_NULL_ARGUMENT";
    case CLOUDSSO_INVALID_UTF8: return "CLOUDSSO_INVALID_UTF8";
    case CLOUDSSO_INVALID_ARGUMENT: return "CLOUDSSO_INVALID_ARGUMENT";
    case CLOUDSSO_CREDENTIALS: return "CLOUDSSO_CREDENTIALS";
    case CLOUDSSO_SERVICE: return "CLOUDSSO_SERVICE";
    case CLOUDSSO_THROTTLED: return "CLOUDSSO_THROTTLED";
    case CLOUDSSO_TIMEOUT: return "CLOUDSSO_TIMEOUT";
    case CLOUDSSO_TRANSPORT: return "CLOUDSSO_TRANSPORT";
    case CLOUDSSO_DECODE: return "CLOUDSSO_DECODE";
    case CLOUDSSO_PANIC: return "CLOUDSSO_PANIC";
    }
    return "(unknown status)";
}

void harness_check_status(cloudsso_status got, cloudsso_status want, const char *what,
                          const char *file, int line) {
    if (got != want) {
        fprintf(stderr, "    check failed: %s is %s, expected %s (%s:%d)\n", what,
                status_name(got), status_name(want), file, line);
        g_current_failed = 1;
    }
}

void harness_run(const char *name, void (*fn)(void)) {
    g_current_failed = 0;
    fn();
    if (g_current_failed) {
        g_failed++;
        printf("not ok - %s\n", name);
    } else {
        g_passed++;
        printf("ok - %s\n", name);
    }
    fflush(stdout);
}

int harness_finish(const char *program) {
    printf("summary: %s: %d passed, %d failed\n", program, g_passed, g_failed);
    return g_failed == 0 ? 0 : 1;
}

int emulator_from_env(emulator_info *info) {
    info->endpoint = getenv("CLOUDSSO_TEST_ENDPOINT");
    info->access_key_id = getenv("CLOUDSSO_TEST_ACCESS_KEY_ID");
    info->access_key_secret = getenv("CLOUDSSO_TEST_ACCESS_KEY_SECRET");
    info->directory_id = getenv("CLOUDSSO_TEST_DIRECTORY_ID");
    info->user_id = getenv("CLOUDSSO_TEST_USER_ID");
    if (!info->endpoint || !info->access_key_id || !info->access_key_secret ||
        !info->directory_id || !info->user_id) {
        return -1;
    }
    return 0;
}

double test_scale(void) {
    const char *s = getenv("CLOUDSSO_TEST_SCALE");
    double v = s ? atof(s) : 1.0;
    return v > 0 ? v : 1.0;
}

/* Parses "http://127.0.0.1:PORT" (the emulator listens on IPv4 loopback). */
static int parse_endpoint(const char *endpoint, struct sockaddr_in *addr) {
    const char *prefix = "http://";
    char host[64];
    const char *rest, *colon;
    size_t len;
    if (strncmp(endpoint, prefix, strlen(prefix)) != 0) return -1;
    rest = endpoint + strlen(prefix);
    colon = strchr(rest, ':');
    if (!colon) return -1;
    len = (size_t)(colon - rest);
    if (len == 0 || len >= sizeof host) return -1;
    memcpy(host, rest, len);
    host[len] = '\0';
    memset(addr, 0, sizeof *addr);
    addr->sin_family = AF_INET;
    addr->sin_port = htons((unsigned short)atoi(colon + 1));
    return inet_pton(AF_INET, host, &addr->sin_addr) == 1 ? 0 : -1;
}

int admin_call(const emulator_info *emu, const char *method, const char *path,
               const char *json_body, char *out, size_t out_len) {
    struct sockaddr_in addr;
    char request[4096];
    char response[65536];
    size_t got = 0;
    int fd, n, status = -1;
    const char *body = json_body ? json_body : "";
    if (parse_endpoint(emu->endpoint, &addr) != 0) return -1;
    n = snprintf(request, sizeof request,
                 "%s %s HTTP/1.1\r\nHost: emulator\r\nContent-Type: application/json\r\n"
                 "Content-Length: %lu\r\nConnection: close\r\n\r\n%s",
                 method, path, (unsigned long)strlen(body), body);
    if (n < 0 || (size_t)n >= sizeof request) return -1;
    fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) return -1;
    if (connect(fd, (struct sockaddr *)&addr, sizeof addr) != 0) {
        close(fd);
        return -1;
    }
    if (write(fd, request, (size_t)n) != n) {
        close(fd);
        return -1;
    }
    for (;;) {
        ssize_t r = read(fd, response + got, sizeof response - 1 - got);
        if (r <= 0) break;
        got += (size_t)r;
        if (got == sizeof response - 1) break;
    }
    close(fd);
    response[got] = '\0';
    if (sscanf(response, "HTTP/1.1 %d", &status) != 1) return -1;
    if (out && out_len > 0) {
        const char *start = strstr(response, "\r\n\r\n");
        start = start ? start + 4 : "";
        strncpy(out, start, out_len - 1);
        out[out_len - 1] = '\0';
    }
    return status;
}

long admin_request_count(const emulator_info *emu) {
    char body[8192];
    const char *p;
    if (admin_call(emu, "GET", "/_emulator/stats", NULL, body, sizeof body) != 200) return -1;
    p = strstr(body, "\"requests\":");
    return p ? strtol(p + strlen("\"requests\":"), NULL, 10) : -1;
}

int json_has(const char *body, const char *key, const char *value) {
    char needle[256];
    snprintf(needle, sizeof needle, "\"%s\":%s", key, value);
    return strstr(body, needle) != NULL;
}

cloudsso_config *emulator_config(const emulator_info *emu) {
    cloudsso_config *cfg = cloudsso_config_new();
    if (!cfg) return NULL;
    if (cloudsso_config_set_endpoint(cfg, emu->endpoint) != CLOUDSSO_OK ||
        cloudsso_config_set_access_key(cfg, emu->access_key_id, emu->access_key_secret, NULL) !=
            CLOUDSSO_OK) {
        cloudsso_config_free(cfg);
        return NULL;
    }
    return cfg;
}

cloudsso_client *emulator_client(const emulator_info *emu, void (*tweak)(cloudsso_config *)) {
    cloudsso_client *client = NULL;
    cloudsso_error *err = NULL;
    cloudsso_config *cfg = emulator_config(emu);
    if (!cfg) return NULL;
    if (tweak) tweak(cfg);
    if (cloudsso_client_new(cfg, &client, &err) != CLOUDSSO_OK) {
        fprintf(stderr, "    cloudsso_client_new failed: %s\n", cloudsso_error_description(err));
        cloudsso_error_free(err);
        client = NULL;
    }
    cloudsso_config_free(cfg);
    return client;
}
