#ifndef TEST_UTIL_H
#define TEST_UTIL_H
/* Helpers shared by the host tests: where ../shared and build/ are, and reading
 * integer arrays and numbers out of the reference JSON files by key. */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Path of a file under the shared reference folder, or NULL (with a message)
 * when the folder is absent, so the caller can skip. */
static inline const char *shared_path(const char *rel, char *buf, size_t cap)
{
    const char *dir = getenv("WL_SHARED");
    if (!dir)
        dir = "../shared";
    snprintf(buf, cap, "%s/%s", dir, rel);
    FILE *f = fopen(buf, "rb");
    if (!f) {
        printf("# skipping: %s is absent (reference data lives in ../shared)\n", buf);
        return NULL;
    }
    fclose(f);
    return buf;
}

/* The seed of a randomized test: $WL_SEED or `dflt`, never 0 (xorshift's fixed
 * point), printed so a failing run can be reproduced. */
static inline uint64_t test_seed(uint64_t dflt)
{
    const char *env = getenv("WL_SEED");
    uint64_t seed = env ? strtoull(env, NULL, 10) : dflt;
    if (!seed)
        seed = 1;
    printf("# seed %llu (set WL_SEED to reproduce)\n", (unsigned long long)seed);
    return seed;
}

static inline const char *build_path(const char *rel, char *buf, size_t cap)
{
    const char *dir = getenv("WL_BUILD");
    snprintf(buf, cap, "%s/%s", dir ? dir : "build", rel);
    return buf;
}

/* Reads a whole text file (caller frees), or NULL. */
static inline char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *s = malloc((size_t)n + 1);
    if (s && fread(s, 1, (size_t)n, f) != (size_t)n) {
        free(s);
        s = NULL;
    }
    if (s)
        s[n] = '\0';
    fclose(f);
    return s;
}

/* The integer array that follows "key": in json, starting the search at `from`.
 * Returns the count (at most cap), or -1 when the key is missing. */
static inline int json_int_array(const char *json, const char *key, int *out, int cap)
{
    char k[128];
    snprintf(k, sizeof k, "\"%s\"", key);
    const char *p = strstr(json, k);
    if (!p || !(p = strchr(p + strlen(k), '[')))
        return -1;
    int n = 0;
    for (p++; *p && *p != ']';) {
        if ((*p >= '0' && *p <= '9') || *p == '-') {
            char *end;
            long v = strtol(p, &end, 10);
            if (n < cap)
                out[n] = (int)v;
            n++;
            p = end;
        } else {
            p++;
        }
    }
    return n < cap ? n : cap;
}

static inline double json_number(const char *json, const char *key)
{
    char k[128];
    snprintf(k, sizeof k, "\"%s\"", key);
    const char *p = strstr(json, k);
    if (!p || !(p = strchr(p + strlen(k), ':')))
        return -1.0;
    return strtod(p + 1, NULL);
}

#endif
