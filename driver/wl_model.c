#include "wl_model.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define AK42_MAGIC 0x616b3432u
#define V1_HEADER_BYTES 256

int wl_config_validate(const wl_config *c, wl_error *err)
{
    const struct { const char *name; int v; int max; } f[] = {
        {"dim", c->dim, WL_MAX_DIM},           {"hidden_dim", c->hidden_dim, WL_MAX_DIM * 8},
        {"n_layers", c->n_layers, WL_MAX_LAYERS}, {"n_heads", c->n_heads, WL_MAX_DIM},
        {"n_kv_heads", c->n_kv_heads, WL_MAX_DIM}, {"vocab_size", c->vocab_size, WL_MAX_VOCAB},
        {"seq_len", c->seq_len, WL_MAX_SEQ},
    };
    for (size_t i = 0; i < sizeof f / sizeof f[0]; i++)
        if (f[i].v <= 0 || f[i].v > f[i].max)
            return wl_fail(err, WL_ERR_FORMAT, "header field %s = %d is outside 1..%d",
                           f[i].name, f[i].v, f[i].max);
    if (c->dim % c->n_heads)
        return wl_fail(err, WL_ERR_FORMAT, "dim %d is not a multiple of n_heads %d", c->dim,
                       c->n_heads);
    if (c->n_kv_heads > c->n_heads || c->n_heads % c->n_kv_heads)
        return wl_fail(err, WL_ERR_FORMAT, "n_heads %d is not a multiple of n_kv_heads %d",
                       c->n_heads, c->n_kv_heads);
    if ((c->dim / c->n_heads) % 2)
        return wl_fail(err, WL_ERR_FORMAT, "head size %d is odd (RoPE needs pairs)",
                       c->dim / c->n_heads);
    return WL_OK;
}

uint64_t wl_model_param_count(const wl_config *c)
{
    uint64_t d = (uint64_t)c->dim, h = (uint64_t)c->hidden_dim, L = (uint64_t)c->n_layers;
    uint64_t kv = (uint64_t)wl_kv_dim(c), V = (uint64_t)c->vocab_size;
    uint64_t n = V * d + L * (2 * d + d * d * 2 + 2 * kv * d + 3 * h * d) + d;
    if (!c->shared_classifier)
        n += V * d;
    return n;
}

/* Tensors in the order of the v1/v2 files; v0 differs and is handled separately. */
enum { T_EMB, T_WQ, T_WK, T_WV, T_WO, T_W1, T_W2, T_W3, T_CLS, T_COUNT };

static uint64_t tensor_elems(const wl_config *c, int t)
{
    uint64_t d = (uint64_t)c->dim, h = (uint64_t)c->hidden_dim, L = (uint64_t)c->n_layers;
    uint64_t kv = (uint64_t)wl_kv_dim(c), V = (uint64_t)c->vocab_size;
    switch (t) {
    case T_EMB: case T_CLS: return V * d;
    case T_WQ: case T_WO: return L * d * d;
    case T_WK: case T_WV: return L * kv * d;
    default: return L * h * d;
    }
}

static float **tensor_slot(wl_model *m, int t)
{
    switch (t) {
    case T_EMB: return &m->token_embedding;
    case T_WQ: return &m->wq;
    case T_WK: return &m->wk;
    case T_WV: return &m->wv;
    case T_WO: return &m->wo;
    case T_W1: return &m->w1;
    case T_W2: return &m->w2;
    case T_W3: return &m->w3;
    default: return &m->wcls;
    }
}

/* Carves the float storage into tensors (same layout for every version). */
static int alloc_storage(wl_model *m, const char *name, wl_error *err)
{
    const wl_config *c = &m->cfg;
    uint64_t n = wl_model_param_count(c);
    if (n * sizeof(float) > WL_MAX_MODEL_BYTES)
        return wl_fail(err, WL_ERR_FORMAT, "%s: model needs %llu bytes, over the %llu limit",
                       name, (unsigned long long)(n * sizeof(float)),
                       (unsigned long long)WL_MAX_MODEL_BYTES);
    m->storage = malloc((size_t)n * sizeof(float));
    if (!m->storage)
        return wl_fail(err, WL_ERR_NOMEM, "%s: cannot allocate %llu bytes for weights", name,
                       (unsigned long long)(n * sizeof(float)));
    uint64_t d = (uint64_t)c->dim, L = (uint64_t)c->n_layers;
    float *p = m->storage;
    for (int t = T_EMB; t < T_COUNT; t++) {
        if (t == T_CLS && c->shared_classifier)
            continue;
        *tensor_slot(m, t) = p;
        p += tensor_elems(c, t);
    }
    m->rms_att = p; p += L * d;
    m->rms_ffn = p; p += L * d;
    m->rms_final = p;
    if (c->shared_classifier)
        m->wcls = m->token_embedding;
    return WL_OK;
}

static int32_t rd_i32(const uint8_t *p)
{
    uint32_t v = (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
                 (uint32_t)p[3] << 24;
    int32_t s;
    memcpy(&s, &v, sizeof s);
    return s;
}

static void rd_floats(float *dst, const uint8_t *src, uint64_t n)
{
    memcpy(dst, src, (size_t)n * sizeof(float)); /* the formats are little-endian */
}

/* Exact size a file with this header must have (0 when the v2 group size does not
 * divide every weight, which load_v2 reports). */
static uint64_t expected_file_bytes(const wl_config *c)
{
    uint64_t L = (uint64_t)c->n_layers, d = (uint64_t)c->dim;
    if (c->version == 0) {
        uint64_t freq = (uint64_t)c->seq_len * (uint64_t)wl_head_size(c);
        return 28 + 4 * (wl_model_param_count(c) + freq);
    }
    if (c->version == 1)
        return V1_HEADER_BYTES + 4 * wl_model_param_count(c);
    uint64_t gs = (uint64_t)c->group_size, q_elems = 0;
    for (int t = T_EMB; t < T_COUNT; t++) {
        if (t == T_CLS && c->shared_classifier)
            continue;
        if (tensor_elems(c, t) % gs)
            return 0;
        q_elems += tensor_elems(c, t);
    }
    return V1_HEADER_BYTES + 4 * (2 * L * d + d) + q_elems + 4 * (q_elems / gs);
}

static int check_size(const wl_config *c, size_t size, const char *name, wl_error *err)
{
    uint64_t want = expected_file_bytes(c);
    if (want == 0)
        return wl_fail(err, WL_ERR_FORMAT, "%s: Q8_0 group size %d does not divide every weight",
                       name, c->group_size);
    if (size != want)
        return wl_fail(err, WL_ERR_FORMAT,
                       "%s: v%d header promises %llu bytes but the file has %zu "
                       "(truncated, padded or not a llama2.c checkpoint)",
                       name, c->version, (unsigned long long)want, size);
    return WL_OK;
}

static int load_v0(wl_model *m, const uint8_t *b, size_t size, const char *name,
                   wl_error *err)
{
    wl_config *c = &m->cfg;
    uint64_t L = (uint64_t)c->n_layers, d = (uint64_t)c->dim;
    uint64_t freq = (uint64_t)c->seq_len * (uint64_t)wl_head_size(c); /* cos + sin halves */
    int rc = check_size(c, size, name, err);
    if (rc == WL_OK)
        rc = alloc_storage(m, name, err);
    if (rc)
        return rc;
    const uint8_t *p = b + 28;
#define TAKE(dst, n) do { rd_floats((dst), p, (n)); p += 4 * (n); } while (0)
    TAKE(m->token_embedding, tensor_elems(c, T_EMB));
    TAKE(m->rms_att, L * d);
    TAKE(m->wq, tensor_elems(c, T_WQ));
    TAKE(m->wk, tensor_elems(c, T_WK));
    TAKE(m->wv, tensor_elems(c, T_WV));
    TAKE(m->wo, tensor_elems(c, T_WO));
    TAKE(m->rms_ffn, L * d);
    TAKE(m->w1, tensor_elems(c, T_W1));
    TAKE(m->w2, tensor_elems(c, T_W2));
    TAKE(m->w3, tensor_elems(c, T_W3));
    TAKE(m->rms_final, d);
    p += 4 * freq;
    if (!c->shared_classifier)
        TAKE(m->wcls, tensor_elems(c, T_CLS));
#undef TAKE
    return WL_OK;
}

static int load_v1(wl_model *m, const uint8_t *b, size_t size, const char *name,
                   wl_error *err)
{
    const wl_config *c = &m->cfg;
    int rc = check_size(c, size, name, err);
    if (rc == WL_OK)
        rc = alloc_storage(m, name, err);
    if (rc)
        return rc;
    uint64_t L = (uint64_t)c->n_layers, d = (uint64_t)c->dim;
    const uint8_t *p = b + V1_HEADER_BYTES;
    rd_floats(m->rms_att, p, L * d); p += 4 * L * d;
    rd_floats(m->rms_ffn, p, L * d); p += 4 * L * d;
    rd_floats(m->rms_final, p, d); p += 4 * d;
    for (int t = T_EMB; t < T_COUNT; t++) {
        if (t == T_CLS && c->shared_classifier)
            continue;
        rd_floats(*tensor_slot(m, t), p, tensor_elems(c, t));
        p += 4 * tensor_elems(c, t);
    }
    return WL_OK;
}

static int load_v2(wl_model *m, const uint8_t *b, size_t size, const char *name,
                   wl_error *err)
{
    const wl_config *c = &m->cfg;
    uint64_t gs = (uint64_t)c->group_size;
    uint64_t L = (uint64_t)c->n_layers, d = (uint64_t)c->dim;
    int rc = check_size(c, size, name, err);
    if (rc == WL_OK)
        rc = alloc_storage(m, name, err);
    if (rc)
        return rc;
    uint64_t q_elems = 0;
    for (int t = T_EMB; t < T_COUNT; t++)
        if (t != T_CLS || !c->shared_classifier)
            q_elems += tensor_elems(c, t);
    const uint8_t *p = b + V1_HEADER_BYTES;
    rd_floats(m->rms_att, p, L * d); p += 4 * L * d;
    rd_floats(m->rms_ffn, p, L * d); p += 4 * L * d;
    rd_floats(m->rms_final, p, d); p += 4 * d;
    const uint8_t *scales = p + q_elems; /* all int8 tensors first, then all scales */
    for (int t = T_EMB; t < T_COUNT; t++) {
        if (t == T_CLS && c->shared_classifier)
            continue;
        float *dst = *tensor_slot(m, t);
        uint64_t n = tensor_elems(c, t);
        for (uint64_t i = 0; i < n; i++) {
            float s;
            memcpy(&s, scales + 4 * (i / gs), sizeof s);
            dst[i] = (float)(int8_t)p[i] * s;
        }
        p += n;
        scales += 4 * (n / gs);
    }
    return WL_OK;
}

/* Parses and validates the header in the first `avail` bytes of a checkpoint. */
static int parse_header(const uint8_t *b, size_t avail, const char *name, wl_config *c,
                        wl_error *err)
{
    memset(c, 0, sizeof *c);
    if (avail < 28)
        return wl_fail(err, WL_ERR_FORMAT, "%s: %zu bytes is too short for a llama2.c checkpoint",
                       name, avail);
    size_t hdr_at = 0;
    if ((uint32_t)rd_i32(b) == AK42_MAGIC) {
        if (avail < V1_HEADER_BYTES)
            return wl_fail(err, WL_ERR_FORMAT, "%s: truncated inside the 256-byte header", name);
        c->version = rd_i32(b + 4);
        if (c->version != 1 && c->version != 2)
            return wl_fail(err, WL_ERR_FORMAT, "%s: unsupported ak42 version %d (supported: 1, 2)",
                           name, c->version);
        hdr_at = 8;
    }
    int32_t h[7];
    for (int i = 0; i < 7; i++)
        h[i] = rd_i32(b + hdr_at + 4 * i);
    c->dim = h[0]; c->hidden_dim = h[1]; c->n_layers = h[2]; c->n_heads = h[3];
    c->n_kv_heads = h[4]; c->vocab_size = h[5]; c->seq_len = h[6];
    if (c->version == 0) {
        c->shared_classifier = c->vocab_size > 0;
        if (c->vocab_size < 0 && c->vocab_size != INT32_MIN)
            c->vocab_size = -c->vocab_size;
    } else {
        uint8_t shared = b[36];
        if (shared > 1)
            return wl_fail(err, WL_ERR_FORMAT, "%s: shared_classifier flag is %u, not 0 or 1",
                           name, shared);
        c->shared_classifier = shared;
        if (c->version == 2) {
            c->group_size = rd_i32(b + 37);
            if (c->group_size <= 0 || c->group_size > WL_MAX_DIM)
                return wl_fail(err, WL_ERR_FORMAT, "%s: Q8_0 group size %d is invalid", name,
                               c->group_size);
        }
    }
    int rc = wl_config_validate(c, err);
    if (rc) {
        char why[sizeof err->msg];
        snprintf(why, sizeof why, "%s", err ? err->msg : "");
        return wl_fail(err, rc, "%s: %s", name, why);
    }
    return WL_OK;
}

int wl_model_load_bytes(const void *bytes, size_t size, const char *name, wl_model *m,
                        wl_error *err)
{
    memset(m, 0, sizeof *m);
    const uint8_t *b = bytes;
    int rc = parse_header(b, size, name, &m->cfg, err);
    if (rc)
        return rc;
    switch (m->cfg.version) {
    case 0: rc = load_v0(m, b, size, name, err); break;
    case 1: rc = load_v1(m, b, size, name, err); break;
    default: rc = load_v2(m, b, size, name, err); break;
    }
    /* A NaN or infinity in the weights would silently poison every logit. */
    uint64_t n = rc ? 0 : wl_model_param_count(&m->cfg);
    for (uint64_t i = 0; i < n; i++)
        if (!isfinite(m->storage[i])) {
            rc = wl_fail(err, WL_ERR_FORMAT, "%s: weight %llu is not a finite number", name,
                         (unsigned long long)i);
            break;
        }
    if (rc)
        wl_model_free(m);
    return rc;
}

int wl_model_load(const char *path, wl_model *m, wl_error *err)
{
    memset(m, 0, sizeof *m);
    FILE *f = fopen(path, "rb");
    if (!f)
        return wl_fail(err, WL_ERR_IO, "cannot open model %s: %s", path, strerror(errno));
    int rc = WL_OK;
    uint8_t *buf = NULL;
    uint8_t hdr[V1_HEADER_BYTES];
    wl_config c;
    long size = -1;
    if (fseek(f, 0, SEEK_END) == 0)
        size = ftell(f);
    if (size < 0 || fseek(f, 0, SEEK_SET) != 0) {
        rc = wl_fail(err, WL_ERR_IO, "cannot determine the size of %s", path);
        goto out;
    }
    /* Check the header before reading the body, so a corrupt file never makes us
     * allocate or read gigabytes. The body sizes are checked again on the full image. */
    size_t got = fread(hdr, 1, sizeof hdr, f);
    rc = parse_header(hdr, got, path, &c, err);
    if (rc)
        goto out;
    rc = check_size(&c, (size_t)size, path, err);
    if (rc)
        goto out;
    if ((uint64_t)size > WL_MAX_MODEL_BYTES ||
        wl_model_param_count(&c) * sizeof(float) > WL_MAX_MODEL_BYTES) {
        rc = wl_fail(err, WL_ERR_FORMAT, "%s: model is over the %llu-byte limit", path,
                     (unsigned long long)WL_MAX_MODEL_BYTES);
        goto out;
    }
    if (!(buf = malloc((size_t)size))) {
        rc = wl_fail(err, WL_ERR_NOMEM, "cannot allocate %ld bytes to read %s", size, path);
        goto out;
    }
    if (fseek(f, 0, SEEK_SET) != 0 || fread(buf, 1, (size_t)size, f) != (size_t)size) {
        rc = wl_fail(err, WL_ERR_IO, "cannot read %s", path);
        goto out;
    }
    rc = wl_model_load_bytes(buf, (size_t)size, path, m, err);
out:
    free(buf);
    fclose(f);
    return rc;
}

void wl_model_free(wl_model *m)
{
    free(m->storage);
    memset(m, 0, sizeof *m);
}
