/* Prints every agreed encoding of each argument, one per line (leaks.h): scripts/test-c
 * checks it against tests/leaks/forms.json, then searches all test output for the forms
 * of the tests' secrets with `grep -F -f`. */
#include <stdio.h>

#include "leaks.h"

int main(int argc, char **argv) {
    int a;
    for (a = 1; a < argc; a++) {
        char *forms[LEAK_MAX_FORMS];
        size_t i, n = leak_forms(argv[a], forms, NULL);
        for (i = 0; i < n; i++) puts(forms[i]);
        leak_forms_free(forms, n);
    }
    return 0;
}
