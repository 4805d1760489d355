/* See leaks.h. */
#include "leaks.h"

#include <stdlib.h>
#include <string.h>

static int unreserved(unsigned char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '_' || c == '.' || c == '~';
}

static char *percent(const char *in, int upper, int plus_for_space) {
    const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    size_t len = strlen(in), i, o = 0;
    char *out = malloc(len * 3 + 1);
    if (!out) return NULL;
    for (i = 0; i < len; i++) {
        unsigned char c = (unsigned char)in[i];
        if (unreserved(c)) {
            out[o++] = (char)c;
        } else if (c == ' ' && plus_for_space) {
            out[o++] = '+';
        } else {
            out[o++] = '%';
            out[o++] = digits[c >> 4];
            out[o++] = digits[c & 15];
        }
    }
    out[o] = '\0';
    return out;
}

static char *base64(const char *in) {
    static const char table[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    size_t len = strlen(in), i, o = 0;
    char *out = malloc((len + 2) / 3 * 4 + 1);
    if (!out) return NULL;
    for (i = 0; i < len; i += 3) {
        unsigned long n = (unsigned long)(unsigned char)in[i] << 16;
        if (i + 1 < len) n |= (unsigned long)(unsigned char)in[i + 1] << 8;
        if (i + 2 < len) n |= (unsigned long)(unsigned char)in[i + 2];
        out[o++] = table[(n >> 18) & 63];
        out[o++] = table[(n >> 12) & 63];
        out[o++] = i + 1 < len ? table[(n >> 6) & 63] : '=';
        out[o++] = i + 2 < len ? table[n & 63] : '=';
    }
    out[o] = '\0';
    return out;
}

static const char *const NAMES[LEAK_MAX_FORMS] = {
    "raw",
    "percent-encoded",
    "percent-encoded, lower-case hex",
    "percent-encoded twice",
    "percent-encoded twice, lower-case hex",
    "form-encoded",
    "form-encoded, lower-case hex",
    "base64",
};

size_t leak_forms(const char *secret, char *forms[LEAK_MAX_FORMS], const char *names[LEAK_MAX_FORMS]) {
    char *all[LEAK_MAX_FORMS];
    size_t i, j, n = 0;
    if (!secret || !*secret) return 0;
    all[0] = malloc(strlen(secret) + 1);
    if (all[0]) strcpy(all[0], secret);
    all[1] = percent(secret, 1, 0);
    all[2] = percent(secret, 0, 0);
    all[3] = all[1] ? percent(all[1], 1, 0) : NULL;
    all[4] = all[2] ? percent(all[2], 0, 0) : NULL;
    all[5] = percent(secret, 1, 1);
    all[6] = percent(secret, 0, 1);
    all[7] = base64(secret);
    for (i = 0; i < LEAK_MAX_FORMS; i++) {
        int duplicate = all[i] == NULL;
        for (j = 0; j < n && !duplicate; j++) duplicate = strcmp(forms[j], all[i]) == 0;
        if (duplicate) {
            free(all[i]);
            continue;
        }
        if (names) names[n] = NAMES[i];
        forms[n++] = all[i];
    }
    return n;
}

void leak_forms_free(char *forms[LEAK_MAX_FORMS], size_t n) {
    size_t i;
    for (i = 0; i < n; i++) free(forms[i]);
}

const char *leak_find(const char *text, const char *secret) {
    char *forms[LEAK_MAX_FORMS];
    const char *names[LEAK_MAX_FORMS];
    const char *found = NULL;
    size_t i, n = leak_forms(secret, forms, names);
    for (i = 0; i < n && !found && text; i++) {
        if (strstr(text, forms[i])) found = names[i];
    }
    leak_forms_free(forms, n);
    return found;
}
