#include "wl_tokens_file.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int wl_tokens_parse(const char *text, const char *name, int vocab_size, int **ids, int *n,
                    wl_error *err)
{
    *ids = NULL;
    *n = 0;
    const char *p = text;
    while (isspace((unsigned char)*p))
        p++;
    int json = *p == '[';
    if (json)
        p++;
    int cap = 256, count = 0, closed = 0, need_value = 0;
    int *out = malloc((size_t)cap * sizeof *out);
    if (!out)
        return wl_fail(err, WL_ERR_NOMEM, "out of memory");
    for (;;) {
        while (isspace((unsigned char)*p))
            p++;
        if (!*p)
            break;
        if (json && *p == ']' && !need_value) {
            closed = 1;
            p++;
            while (isspace((unsigned char)*p))
                p++;
            if (*p) {
                free(out);
                return wl_fail(err, WL_ERR_FORMAT, "%s: unexpected text after the JSON array", name);
            }
            break;
        }
        if (*p == ',' && count > 0 && !need_value) {
            p++;
            need_value = json; /* JSON needs a value after a comma; plain lists allow "1, 2" */
            continue;
        }
        if (!(isdigit((unsigned char)*p) || *p == '-' || *p == '+')) {
            free(out);
            return wl_fail(err, WL_ERR_FORMAT, "%s: expected a token id at offset %ld, found '%c'",
                           name, (long)(p - text), *p);
        }
        char *end;
        errno = 0;
        long v = strtol(p, &end, 10);
        if (end == p || errno || v < 0 || v > INT_MAX || (vocab_size > 0 && v >= vocab_size)) {
            free(out);
            return wl_fail(err, WL_ERR_FORMAT, "%s: token id '%.*s' at offset %ld is not in 0..%d",
                           name, (int)(end > p ? end - p : 1), p, (long)(p - text),
                           vocab_size > 0 ? vocab_size - 1 : INT_MAX);
        }
        if (count == cap) {
            int *grown = realloc(out, (size_t)cap * 2 * sizeof *out);
            if (!grown) {
                free(out);
                return wl_fail(err, WL_ERR_NOMEM, "out of memory");
            }
            out = grown;
            cap *= 2;
        }
        out[count++] = (int)v;
        need_value = 0;
        p = end;
        if (*p && !isspace((unsigned char)*p) && *p != ',' && *p != ']') {
            free(out);
            return wl_fail(err, WL_ERR_FORMAT, "%s: unexpected '%c' after a token id", name, *p);
        }
    }
    if (json && !closed) {
        free(out);
        return wl_fail(err, WL_ERR_FORMAT, "%s: JSON array is not closed", name);
    }
    *ids = out;
    *n = count;
    return WL_OK;
}

int wl_tokens_read(const char *path, int vocab_size, int **ids, int *n, wl_error *err)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return wl_fail(err, WL_ERR_IO, "cannot open token file %s: %s", path, strerror(errno));
    size_t cap = 4096, len = 0;
    char *buf = malloc(cap);
    int rc = WL_OK;
    while (buf) {
        len += fread(buf + len, 1, cap - 1 - len, f);
        if (len < cap - 1)
            break;
        if (cap > (64u << 20)) {
            rc = wl_fail(err, WL_ERR_FORMAT, "%s: token file is over 64 MiB", path);
            break;
        }
        char *grown = realloc(buf, cap * 2);
        if (!grown) {
            free(buf);
            buf = NULL;
            break;
        }
        buf = grown;
        cap *= 2;
    }
    if (!buf)
        rc = wl_fail(err, WL_ERR_NOMEM, "out of memory reading %s", path);
    else if (ferror(f))
        rc = wl_fail(err, WL_ERR_IO, "cannot read %s", path);
    fclose(f);
    if (rc == WL_OK) {
        buf[len] = '\0';
        if (strlen(buf) != len)
            rc = wl_fail(err, WL_ERR_FORMAT, "%s: binary data in a token file", path);
        else
            rc = wl_tokens_parse(buf, path, vocab_size, ids, n, err);
    }
    free(buf);
    return rc;
}
