/* Placement plan: rows of every matrix split over the PEs in proportion to the room
 * each has left after its fixed share (the root PE keeps the residual stream and
 * the job, so it gets fewer rows), KV-cache positions dealt round robin. */
#include "wl_plan.h"

#include <stdlib.h>
#include <string.h>

#define WL_DMEM_BASE 0x10000u

_Static_assert(WLD_CHUNK_BYTES == WLD_CHUNK_COLS + WLD_CHUNK_COLS / WLS_GROUP,
               "a GDOT chunk is one scale byte per group, then the group's columns");
_Static_assert(WLD_VEC_Q(1) == WLD_CHUNK_COLS, "the root's vector rounds to whole chunks");

static uint32_t align_up(uint32_t a, uint32_t n) { return (a + n - 1) & ~(n - 1); }

static const wls_matrix *matrix_at(const wls_model *m, int i)
{
    int per = WLD_PER_LAYER, L = m->n_layers;
    if (i == L * per + WLD_EMBEDDING)
        return &m->embedding;
    if (i == L * per + WLD_CLASSIFIER)
        return &m->classifier;
    const wls_layer *l = &m->layers[i / per];
    const wls_matrix *order[WLD_PER_LAYER] = {&l->wq, &l->wk, &l->wv, &l->wo,
                                              &l->w1, &l->w3, &l->w2};
    return order[i % per];
}

/* Every matrix but the embedding (read a row at a time by the core) is stored for GDOT. */
static int gdot_layout(const wls_model *m, int i)
{
    return i != m->n_layers * WLD_PER_LAYER + WLD_EMBEDDING;
}

static int kv_dim(const wls_model *m) { return m->n_kv_heads * (m->dim / m->n_heads); }

/* First row of PE p's share: in proportion to the cumulative capacities cum[0..n_pe]
 * (cum[0] = 0), rounded down to a multiple of `align`. */
static int64_t split_bound(int rows, const int64_t *cum, int n_pe, int p, int align)
{
    if (p == n_pe)
        return rows;
    int64_t a = (int64_t)rows * cum[p] / cum[n_pe];
    return a - a % align;
}

/* Rows [r0, r0 + n) of a matrix with `rows` rows for PE p; every r0 is a multiple of
 * `align`. */
static void split(int rows, const int64_t *cum, int n_pe, int p, int align, uint32_t *r0,
                  uint32_t *n)
{
    int64_t a = split_bound(rows, cum, n_pe, p, align);
    *r0 = (uint32_t)a;
    *n = (uint32_t)(split_bound(rows, cum, n_pe, p + 1, align) - a);
}

/* w1 and w3 rows start on quantization groups: the SwiGLU output is quantized on the
 * PEs that compute it (firmware/decode/decode.c, quant_spread); wq and wk rows on
 * RoPE pairs, rotated there. */
static int split_align(const wls_model *m, int i)
{
    int k = i % WLD_PER_LAYER;
    if (i >= m->n_layers * WLD_PER_LAYER)
        return 1;
    return k == WLD_W1 || k == WLD_W3 ? WLS_GROUP : k == WLD_WQ || k == WLD_WK ? 2 : 1;
}

/* Lays out PE p for the given row splits (layer matrices by cum, embedding and
 * classifier by cum_vocab); returns its end address. */
static uint32_t layout_pe(wl_plan *pl, const wls_model *m, int p, const int64_t *cum,
                          const int64_t *cum_vocab)
{
    wl_plan_pe *pe = &pl->pe[p];
    wld_pe *b = &pe->blk;
    wld_mat *mats = pl->mats + (size_t)p * (size_t)pl->n_mats;
    int dim = m->dim, hidden = m->hidden_dim, nh = m->n_heads, nkv = m->n_kv_heads;
    int hs = dim / nh, kv = kv_dim(m), kvp = (kv + 3) & ~3, big = dim > hidden ? dim : hidden;
    int L = m->n_layers;
    memset(b, 0, sizeof *b);
    b->magic = WLD_MAGIC;
    b->pe = (uint32_t)p;
    b->n_pe = (uint32_t)pl->n_pe;
    b->mesh_cols = (uint32_t)pl->cols;
    b->mesh_rows = (uint32_t)pl->rows;
    b->dim = (uint32_t)dim;
    b->hidden = (uint32_t)hidden;
    b->n_layers = (uint32_t)L;
    b->n_heads = (uint32_t)nh;
    b->n_kv_heads = (uint32_t)nkv;
    b->vocab = (uint32_t)m->vocab_size;
    b->seq_len = (uint32_t)m->seq_len;
    b->slots = (uint32_t)((m->seq_len + pl->n_pe - 1) / pl->n_pe);

    uint32_t max_rows = 0;
    for (int i = 0; i < pl->n_mats; i++) {
        split(matrix_at(m, i)->rows, i < L * WLD_PER_LAYER ? cum : cum_vocab, pl->n_pe, p,
              split_align(m, i), &mats[i].r0, &mats[i].n);
        if (i < L * WLD_PER_LAYER && mats[i].n > max_rows)
            max_rows = mats[i].n;
    }

    /* Same addresses on every PE: what other PEs write (flags, reduction slots). */
    uint32_t a = WLD_BLOCK_ADDR + (uint32_t)sizeof(wld_pe);
    b->mats = pe->mats_addr = align_up(a, 4);
    a = b->mats + (uint32_t)pl->n_mats * (uint32_t)sizeof(wld_mat);
    b->flags = align_up(a, 4);
    a = b->flags + 4u * (uint32_t)(WLD_FLAG_GATHER + pl->n_pe);
    uint32_t red = (uint32_t)(2 * nh * (hs + 1)), red_att = (uint32_t)nh + 4u * b->slots;
    if (red_att > red)
        red = red_att;
    b->red_words = red < 2 ? 2 : red;
    b->red = align_up(a, 8);
    a = b->red + 12u * b->red_words;
    b->rope_now = a;
    a = b->rope_now + align_up(2u * (uint32_t)hs, 4);
    uint32_t fixed_end = a;

    uint32_t cls_rows = mats[L * WLD_PER_LAYER + WLD_CLASSIFIER].n;
    b->xc = align_up(a, 8);
    b->out = align_up(b->xc + WLD_ROW_BYTES(big), 4);
    b->out2 = b->out + 4 * max_rows;
    b->qfull = align_up(b->out2 + WLD_OUT2_BYTES(max_rows, (uint32_t)hs), 8); /* tensor-unit operands and results */
    b->kvq = b->qfull + WLD_QFULL_BYTES((uint32_t)dim, (uint32_t)hidden, b->slots, (uint32_t)hs);
    b->att = align_up(b->kvq + 2u * (uint32_t)kvp + 8u * (uint32_t)nkv, 4);
    /* att also takes this PE's head outputs (all of them on the root when the heads do
     * not start on quantization groups). */
    b->best = b->att + 4u * (uint32_t)WLD_MAX((uint32_t)nh * b->slots, (uint32_t)dim);
    b->logits = b->best + 4u * (uint32_t)nh;
    a = b->logits + 4u * cls_rows;
    pe->buffer_bytes = a - fixed_end + (fixed_end - WLD_BLOCK_ADDR);

    uint32_t cache = (uint32_t)L * b->slots;
    b->key_q = align_up(a, 8);
    b->value_q = align_up(b->key_q + cache * (uint32_t)kv, 8);
    b->key_max = align_up(b->value_q + (uint32_t)L * WLD_SLOT_PAD(b->slots) * (uint32_t)kv, 8);
    b->value_max = b->key_max + 4u * cache * (uint32_t)nkv;
    b->rope = b->value_max + 4u * cache * (uint32_t)nkv;
    a = b->rope + 2u * b->slots * (uint32_t)hs;
    pe->kv_bytes = a - b->key_q;

    /* Every block names the root's vectors and job: others write into them. */
    uint32_t root_vec = 0, root_job = 0;
    if (p == 0) {
        b->vec = align_up(a, 8);
        a = b->vec + 4u * (uint32_t)(2 * dim + 2 * kv + hidden);
        b->job = align_up(a, 8);
        a = b->job + (uint32_t)sizeof(wld_job);
        a += 4u * (uint32_t)m->seq_len + (uint32_t)sizeof(wld_out) * (uint32_t)m->seq_len;
        pe->buffer_bytes += a - b->vec;
    } else {
        root_vec = pl->pe[0].blk.vec;
        root_job = pl->pe[0].blk.job;
        b->vec = root_vec;
        b->job = root_job;
    }

    uint32_t w0 = a;
    for (int i = 0; i < pl->n_mats; i++) {
        const wls_matrix *w = matrix_at(m, i);
        uint32_t n = mats[i].n, cols = (uint32_t)w->cols, g = (uint32_t)wls_groups(w->cols);
        mats[i].q = align_up(a, 8);
        if (gdot_layout(m, i)) {
            mats[i].u = 0;
            a = mats[i].q + n * WLD_ROW_BYTES(cols);
        } else {
            mats[i].u = align_up(mats[i].q + n * cols, 4);
            a = mats[i].u + n * g;
        }
        mats[i].s = align_up(a, 8);
        a = mats[i].s + n * (uint32_t)sizeof(wls_xf);
    }
    pe->weight_bytes = a - w0;
    pe->end = a;
    return a;
}

int wl_plan_make(const wls_model *m, int rows, int cols, uint32_t dmem_bytes, wl_plan *pl,
                 wl_error *err)
{
    memset(pl, 0, sizeof *pl);
    if (rows < 1 || cols < 1 || rows > 64 || cols > 64)
        return wl_fail(err, WL_ERR_ARG, "mesh %dx%d is outside 1x1..64x64", rows, cols);
    pl->rows = rows;
    pl->cols = cols;
    pl->n_pe = rows * cols;
    pl->dmem_bytes = dmem_bytes;
    pl->lo = WLD_BLOCK_ADDR;
    pl->hi = WL_DMEM_BASE + dmem_bytes - WLD_STACK_BYTES;
    if (pl->hi <= pl->lo)
        return wl_fail(err, WL_ERR_ARG, "%u bytes of data SRAM leave no room for a model",
                       dmem_bytes);
    pl->n_mats = m->n_layers * WLD_PER_LAYER + 2;
    pl->pe = calloc((size_t)pl->n_pe, sizeof *pl->pe);
    pl->mats = calloc((size_t)pl->n_pe * (size_t)pl->n_mats, sizeof *pl->mats);
    int64_t *cap = calloc((size_t)pl->n_pe, sizeof *cap);
    int64_t *cum = calloc((size_t)pl->n_pe + 1, sizeof *cum);
    int64_t *cum_vocab = calloc((size_t)pl->n_pe + 1, sizeof *cum_vocab);
    if (!pl->pe || !pl->mats || !cap || !cum || !cum_vocab) {
        free(cap);
        free(cum);
        free(cum_vocab);
        wl_plan_free(pl);
        return wl_fail(err, WL_ERR_NOMEM, "out of memory while planning");
    }
    /* Even shares first. The root holds the residual stream and the job; if that
     * does not fit, it gives up its embedding and classifier rows, then layer rows
     * in proportion to the room each PE has (rows come in whole units, so a PE that
     * still overflows gives up a little more each round). */
    for (int p = 0; p <= pl->n_pe; p++)
        cum[p] = cum_vocab[p] = p;
    for (int attempt = 0; attempt < 202 && !pl->fits; attempt++) {
        if (attempt == 1 && pl->n_pe > 1)
            for (int p = 0; p <= pl->n_pe; p++)
                cum_vocab[p] = p ? p - 1 : 0;
        if (attempt == 2) {
            for (int p = 0; p < pl->n_pe; p++) {
                int64_t room = (int64_t)pl->hi - (int64_t)(pl->pe[p].end - pl->pe[p].weight_bytes);
                cap[p] = room > 0 ? room * 1024 : 0;
            }
        }
        if (attempt >= 2) {
            for (int p = 0; p < pl->n_pe; p++)
                cum[p + 1] = cum[p] + (cap[p] > 0 ? cap[p] : 0);
            if (cum[pl->n_pe] <= 0)
                break;
        }
        int over = 0;
        pl->need_bytes = 0;
        for (int p = 0; p < pl->n_pe; p++) {
            uint32_t end = layout_pe(pl, m, p, cum, cum_vocab);
            pl->need_bytes += end - pl->lo;
            if (end > pl->hi) {
                over = 1;
                if (attempt >= 2)
                    cap[p] -= cap[p] / 200 + (int64_t)(end - pl->hi) * 512;
            }
        }
        pl->fits = !over;
    }
    pl->have_bytes = (uint64_t)pl->n_pe * (pl->hi - pl->lo);
    if (!pl->fits) {
        /* Report the need of an even split, which is what any placement must hold. */
        for (int p = 0; p <= pl->n_pe; p++)
            cum[p] = cum_vocab[p] = p;
        pl->need_bytes = 0;
        for (int p = 0; p < pl->n_pe; p++)
            pl->need_bytes += layout_pe(pl, m, p, cum, cum_vocab) - pl->lo;
    }
    free(cap);
    free(cum);
    free(cum_vocab);
    return WL_OK;
}

void wl_plan_free(wl_plan *pl)
{
    free(pl->pe);
    free(pl->mats);
    pl->pe = NULL;
    pl->mats = NULL;
}

int wl_plan_smallest_mesh(const wls_model *m, uint32_t dmem_bytes, int *rows, int *cols)
{
    *rows = *cols = 0;
    for (int n = 1; n <= 256; n++)
        for (int r = 1; r <= 16; r++) {
            /* squarest first: r <= c, r as large as possible */
            int rr = 17 - r;
            if (n % rr || n / rr > 16 || n / rr < rr)
                continue;
            wl_plan pl;
            wl_error e;
            if (wl_plan_make(m, rr, n / rr, dmem_bytes, &pl, &e))
                return 0;
            int ok = pl.fits;
            wl_plan_free(&pl);
            if (ok) {
                *rows = rr;
                *cols = n / rr;
                return 1;
            }
        }
    return 0;
}

int wl_plan_fail(const wl_plan *pl, const wls_model *m, wl_error *err)
{
    int r, c;
    char hint[96] = "no mesh up to 16x16 holds it";
    if (wl_plan_smallest_mesh(m, pl->dmem_bytes, &r, &c))
        snprintf(hint, sizeof hint, "the smallest mesh that holds it is %dx%d (make sim MESH=%dx%d)",
                 r, c, r, c);
    return wl_fail(err, WL_ERR_NOSPACE,
                   "the model needs %llu bytes of PE memory but a %dx%d tile has %llu (%d PEs x "
                   "%u usable of %u); %s",
                   (unsigned long long)pl->need_bytes, pl->rows, pl->cols,
                   (unsigned long long)pl->have_bytes, pl->n_pe, pl->hi - pl->lo,
                   pl->dmem_bytes, hint);
}

static void copy_rows(uint8_t *image, uint32_t lo, uint32_t addr, const void *src, size_t n)
{
    if (n)
        memcpy(image + (addr - lo), src, n);
}

/* Rows [r0, r0 + n) of w in the GDOT layout (wl_decode_abi.h) at addr; the image is
 * zeroed, so the padding past the last column is already 0. */
static void copy_chunked(uint8_t *image, uint32_t lo, uint32_t addr, const wls_matrix *w,
                         size_t r0, size_t n)
{
    size_t cols = (size_t)w->cols, g = (size_t)wls_groups(w->cols), rb = WLD_ROW_BYTES(cols);
    for (size_t r = 0; r < n; r++) {
        uint8_t *row = image + (addr - lo) + r * rb;
        const int8_t *q = w->q + (r0 + r) * cols;
        const uint8_t *u = w->u + (r0 + r) * g;
        for (size_t c = 0; c * WLD_CHUNK_COLS < cols; c++) { /* the last may be short */
            uint8_t *chunk = row + c * WLD_CHUNK_BYTES;
            size_t g0 = c * (WLD_CHUNK_COLS / WLS_GROUP), j0 = c * WLD_CHUNK_COLS;
            for (size_t k = 0; k < WLD_CHUNK_COLS / WLS_GROUP && g0 + k < g; k++)
                chunk[k] = u[g0 + k];
            for (size_t k = 0; k < WLD_CHUNK_COLS && j0 + k < cols; k++)
                chunk[WLD_CHUNK_COLS / WLS_GROUP + k] = (uint8_t)q[j0 + k];
        }
    }
}

void wl_plan_image(const wl_plan *pl, const wls_model *m, int p, uint8_t *image)
{
    const wl_plan_pe *pe = &pl->pe[p];
    const wld_pe *b = &pe->blk;
    const wld_mat *mats = pl->mats + (size_t)p * (size_t)pl->n_mats;
    memset(image, 0, pe->end - pl->lo);
    memcpy(image, b, sizeof *b);
    copy_rows(image, pl->lo, pe->mats_addr, mats, (size_t)pl->n_mats * sizeof *mats);
    int hs = m->dim / m->n_heads;
    for (uint32_t k = 0; k < b->slots; k++) {
        uint32_t pos = (uint32_t)p + k * (uint32_t)pl->n_pe;
        if (pos < (uint32_t)m->seq_len)
            copy_rows(image, pl->lo, b->rope + 2u * k * (uint32_t)hs,
                      m->rope + (size_t)pos * (size_t)hs, 2u * (size_t)hs);
    }
    for (int i = 0; i < pl->n_mats; i++) {
        const wls_matrix *w = matrix_at(m, i);
        size_t r0 = mats[i].r0, n = mats[i].n, cols = (size_t)w->cols;
        size_t g = (size_t)wls_groups(w->cols);
        if (gdot_layout(m, i)) {
            copy_chunked(image, pl->lo, mats[i].q, w, r0, n);
        } else {
            copy_rows(image, pl->lo, mats[i].q, w->q + r0 * cols, n * cols);
            copy_rows(image, pl->lo, mats[i].u, w->u + r0 * g, n * g);
        }
        copy_rows(image, pl->lo, mats[i].s, w->row_scale + r0, n * sizeof(wls_xf));
    }
}

static const char *mat_names[WLD_PER_LAYER] = {"wq", "wk", "wv", "wo", "w1", "w3", "w2"};

void wl_plan_print(FILE *f, const wl_plan *pl, const wls_model *m, int json)
{
    int L = m->n_layers;
    if (json) {
        fprintf(f, "{\"mesh\":\"%dx%d\",\"dmem_bytes\":%u,\"usable_bytes\":%u,\"fits\":%s,"
                   "\"need_bytes\":%llu,\"have_bytes\":%llu,\"pes\":[",
                pl->rows, pl->cols, pl->dmem_bytes, pl->hi - pl->lo, pl->fits ? "true" : "false",
                (unsigned long long)pl->need_bytes, (unsigned long long)pl->have_bytes);
        for (int p = 0; p < pl->n_pe; p++) {
            const wl_plan_pe *pe = &pl->pe[p];
            const wld_mat *mt = pl->mats + (size_t)p * (size_t)pl->n_mats;
            fprintf(f, "%s{\"x\":%d,\"y\":%d,\"weight_bytes\":%u,\"kv_bytes\":%u,"
                       "\"buffer_bytes\":%u,\"end\":%u,\"kv_slots\":%u,\"rows\":{",
                    p ? "," : "", p % pl->cols, p / pl->cols, pe->weight_bytes, pe->kv_bytes,
                    pe->buffer_bytes, pe->end, pe->blk.slots);
            for (int i = 0; i < WLD_PER_LAYER; i++)
                fprintf(f, "\"%s\":[%u,%u],", mat_names[i], mt[i].r0, mt[i].n);
            fprintf(f, "\"embedding\":[%u,%u],\"classifier\":[%u,%u]}}",
                    mt[L * WLD_PER_LAYER].r0, mt[L * WLD_PER_LAYER].n,
                    mt[L * WLD_PER_LAYER + 1].r0, mt[L * WLD_PER_LAYER + 1].n);
        }
        fprintf(f, "]}\n");
        return;
    }
    fprintf(f, "model: dim %d, hidden %d, %d layers, %d heads (%d KV), vocab %d, context %d\n",
            m->dim, m->hidden_dim, L, m->n_heads, m->n_kv_heads, m->vocab_size, m->seq_len);
    fprintf(f, "tile: %dx%d PEs, %u B data SRAM each, 0x%05x..0x%05x usable (%u B; the rest "
               "is firmware data and stack)\n",
            pl->rows, pl->cols, pl->dmem_bytes, pl->lo, pl->hi, pl->hi - pl->lo);
    fprintf(f, "needs %llu B of %llu B (%.1f%%): %s\n", (unsigned long long)pl->need_bytes,
            (unsigned long long)pl->have_bytes,
            100.0 * (double)pl->need_bytes / (double)pl->have_bytes,
            pl->fits ? "fits" : "DOES NOT FIT");
    fprintf(f, "rows per layer matrix (same split in every layer), KV positions p, p+%d, ...\n",
            pl->n_pe);
    fprintf(f, "%-7s %8s %8s %8s %6s  %-5s", "PE", "weights", "kv+rope", "buffers", "free", "");
    for (int i = 0; i < WLD_PER_LAYER; i++)
        fprintf(f, " %-9s", mat_names[i]);
    fprintf(f, " %-9s %-9s\n", "emb", "cls");
    for (int p = 0; p < pl->n_pe; p++) {
        const wl_plan_pe *pe = &pl->pe[p];
        const wld_mat *mt = pl->mats + (size_t)p * (size_t)pl->n_mats;
        char name[32];
        snprintf(name, sizeof name, "(%d,%d)", p % pl->cols, p / pl->cols);
        long free_b = (long)pl->hi - (long)pe->end;
        fprintf(f, "%-7s %8u %8u %8u %6ld  %-5s", name, pe->weight_bytes, pe->kv_bytes,
                pe->buffer_bytes, free_b, p == 0 ? "root" : "");
        for (int i = 0; i < WLD_PER_LAYER + 2; i++) {
            const wld_mat *x = &mt[i < WLD_PER_LAYER ? i : L * WLD_PER_LAYER + i - WLD_PER_LAYER];
            char r[32];
            snprintf(r, sizeof r, "%u+%u", x->r0, x->n);
            fprintf(f, " %-9s", r);
        }
        fprintf(f, "\n");
    }
}
