/* Every agreed encoding of a secret, and a search of a text for any of them.
 *
 * The list is the project's one list (the core's `redact::encoded_forms`;
 * golden copy in tests/leaks/forms.json, checked by test_leaks): raw;
 * percent-encoded with the RFC 3986 unreserved characters kept, upper- then
 * lower-case hex; each of those percent-encoded again; form encoding (space as
 * `+`), both hex cases; standard base64. Without duplicates, raw first. */
#ifndef CLOUDSSO_TEST_LEAKS_H
#define CLOUDSSO_TEST_LEAKS_H

#include <stddef.h>

#define LEAK_MAX_FORMS 8

/* The encodings of `secret`, each malloc'd; returns how many (0 for ""). Free with
 * leak_forms_free. `names`, when not NULL, receives a static name for each. */
size_t leak_forms(const char *secret, char *forms[LEAK_MAX_FORMS], const char *names[LEAK_MAX_FORMS]);
void leak_forms_free(char *forms[LEAK_MAX_FORMS], size_t n);

/* Returns the name of the first encoding of `secret` found in `text`, or NULL. */
const char *leak_find(const char *text, const char *secret);

#endif
