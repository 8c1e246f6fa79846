#include "wl_tokenizer.h"

#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void wl_tokenizer_free(wl_tokenizer *t)
{
    if (t->vocab)
        for (int i = 0; i < t->vocab_size; i++)
            free(t->vocab[i]);
    free(t->vocab);
    free(t->scores);
    free(t->sorted);
    memset(t, 0, sizeof *t);
}

/* qsort has no context argument; sort (piece pointer, id) pairs instead. */
typedef struct {
    const char *s;
    int id;
} piece_ref;

static int cmp_piece(const void *a, const void *b)
{
    const piece_ref *x = a, *y = b;
    int c = strcmp(x->s, y->s);
    return c ? c : (x->id > y->id) - (x->id < y->id);
}

static int grow(wl_tokenizer *t, int cap)
{
    char **v = realloc(t->vocab, (size_t)cap * sizeof *v);
    if (!v)
        return -1;
    t->vocab = v;
    float *s = realloc(t->scores, (size_t)cap * sizeof *s);
    if (!s)
        return -1;
    t->scores = s;
    return 0;
}

int wl_tokenizer_load(const char *path, int vocab_size, wl_tokenizer *t, wl_error *err)
{
    memset(t, 0, sizeof *t);
    FILE *f = fopen(path, "rb");
    if (!f)
        return wl_fail(err, WL_ERR_IO, "cannot open tokenizer %s: %s", path, strerror(errno));
    int rc = WL_OK;
    int32_t maxlen;
    if (fread(&maxlen, 4, 1, f) != 1 || maxlen <= 0 || maxlen > 4096) {
        rc = wl_fail(err, WL_ERR_FORMAT, "%s: bad or missing max_token_length header", path);
        goto out;
    }
    t->max_token_length = maxlen;
    int cap = vocab_size > 0 ? vocab_size : 1024;
    if (grow(t, cap)) {
        rc = wl_fail(err, WL_ERR_NOMEM, "%s: out of memory", path);
        goto out;
    }
    for (;;) {
        if (vocab_size > 0 && t->vocab_size == vocab_size)
            break;
        float score;
        int32_t len;
        size_t got = fread(&score, 4, 1, f);
        if (got == 0 && vocab_size <= 0 && feof(f))
            break;
        if (got != 1 || fread(&len, 4, 1, f) != 1) {
            rc = wl_fail(err, WL_ERR_FORMAT, "%s: truncated at token %d", path, t->vocab_size);
            goto out;
        }
        if (len < 0 || len > maxlen) {
            rc = wl_fail(err, WL_ERR_FORMAT, "%s: token %d has length %d (max_token_length %d)",
                         path, t->vocab_size, len, maxlen);
            goto out;
        }
        if (t->vocab_size == cap) {
            if (cap >= (1 << 22) || grow(t, cap * 2)) {
                rc = wl_fail(err, WL_ERR_FORMAT, "%s: too many tokens", path);
                goto out;
            }
            cap *= 2;
        }
        char *piece = malloc((size_t)len + 1);
        if (!piece) {
            rc = wl_fail(err, WL_ERR_NOMEM, "%s: out of memory", path);
            goto out;
        }
        if (fread(piece, 1, (size_t)len, f) != (size_t)len) {
            free(piece);
            rc = wl_fail(err, WL_ERR_FORMAT, "%s: truncated inside token %d", path, t->vocab_size);
            goto out;
        }
        piece[len] = '\0';
        t->vocab[t->vocab_size] = piece;
        t->scores[t->vocab_size] = score;
        t->vocab_size++;
    }
    if (t->vocab_size < 259) {
        rc = wl_fail(err, WL_ERR_FORMAT, "%s: %d tokens; a llama2.c vocabulary has at least 259",
                     path, t->vocab_size);
        goto out;
    }
    piece_ref *refs = malloc((size_t)t->vocab_size * sizeof *refs);
    t->sorted = malloc((size_t)t->vocab_size * sizeof *t->sorted);
    if (!refs || !t->sorted) {
        free(refs);
        rc = wl_fail(err, WL_ERR_NOMEM, "%s: out of memory", path);
        goto out;
    }
    for (int i = 0; i < t->vocab_size; i++)
        refs[i] = (piece_ref){t->vocab[i], i};
    qsort(refs, (size_t)t->vocab_size, sizeof *refs, cmp_piece);
    for (int i = 0; i < t->vocab_size; i++)
        t->sorted[i] = refs[i].id;
    free(refs);
    for (int i = 0; i < 256; i++) {
        t->byte_pieces[2 * i] = (char)i;
        t->byte_pieces[2 * i + 1] = '\0';
    }
out:
    fclose(f);
    if (rc)
        wl_tokenizer_free(t);
    return rc;
}

/* Id of an exact piece, or -1. Lowest id among equal pieces. */
static int lookup(const wl_tokenizer *t, const char *s)
{
    int lo = 0, hi = t->vocab_size;
    while (lo < hi) {
        int mid = lo + (hi - lo) / 2;
        if (strcmp(t->vocab[t->sorted[mid]], s) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo < t->vocab_size && strcmp(t->vocab[t->sorted[lo]], s) == 0)
        return t->sorted[lo];
    return -1;
}

int wl_tokenizer_encode(const wl_tokenizer *t, const char *text, int bos, int eos, int *ids,
                        int *n_ids, wl_error *err)
{
    if (!text)
        return wl_fail(err, WL_ERR_ARG, "no text to encode");
    size_t buf_len = (size_t)t->max_token_length * 2 + 3;
    char *buf = malloc(buf_len);
    if (!buf)
        return wl_fail(err, WL_ERR_NOMEM, "out of memory while encoding");
    int n = 0;
    if (bos)
        ids[n++] = WL_BOS;
    /* SentencePiece's add_dummy_prefix: the text starts with a space. */
    if (text[0] != '\0') {
        int sp = lookup(t, " ");
        if (sp >= 0)
            ids[n++] = sp;
    }
    /* One token per UTF-8 code point, or its bytes (+3) when the vocabulary lacks it. */
    size_t len = 0;
    for (const unsigned char *c = (const unsigned char *)text; *c; c++) {
        if ((*c & 0xC0) != 0x80)
            len = 0;
        buf[len++] = (char)*c;
        buf[len] = '\0';
        if ((c[1] & 0xC0) == 0x80 && len < 4)
            continue;
        int id = lookup(t, buf);
        if (id >= 0) {
            ids[n++] = id;
        } else {
            for (size_t i = 0; i < len; i++)
                ids[n++] = (unsigned char)buf[i] + 3;
        }
        len = 0;
    }
    /* Greedily apply the best-scoring merge of two neighbours until none applies. */
    for (;;) {
        float best = -1e10f;
        int best_id = -1, best_at = -1;
        for (int i = 0; i + 1 < n; i++) {
            const char *a = t->vocab[ids[i]], *b = t->vocab[ids[i + 1]];
            size_t la = strlen(a), lb = strlen(b);
            if (la + lb >= buf_len)
                continue; /* longer than any token: cannot be in the vocabulary */
            memcpy(buf, a, la);
            memcpy(buf + la, b, lb + 1);
            int id = lookup(t, buf);
            if (id >= 0 && t->scores[id] > best) {
                best = t->scores[id];
                best_id = id;
                best_at = i;
            }
        }
        if (best_at < 0)
            break;
        ids[best_at] = best_id;
        memmove(ids + best_at + 1, ids + best_at + 2, (size_t)(n - best_at - 2) * sizeof *ids);
        n--;
    }
    if (eos)
        ids[n++] = WL_EOS;
    free(buf);
    *n_ids = n;
    return WL_OK;
}

const char *wl_tokenizer_decode(const wl_tokenizer *t, int prev, int token)
{
    if (token < 0 || token >= t->vocab_size)
        return "";
    const char *piece = t->vocab[token];
    if (prev == WL_BOS && piece[0] == ' ')
        piece++;
    unsigned int byte;
    char tail;
    /* "<0xXX>" exactly: two hex digits and the closing bracket. */
    if (strlen(piece) == 6 && sscanf(piece, "<0x%02X%c", &byte, &tail) == 2 && tail == '>')
        return t->byte_pieces + 2 * byte;
    return piece;
}

int wl_piece_printable(const char *piece)
{
    if (!piece || !piece[0])
        return 0;
    if (piece[1] == '\0') {
        unsigned char b = (unsigned char)piece[0];
        if (!(isprint(b) || isspace(b)))
            return 0;
    }
    return 1;
}
