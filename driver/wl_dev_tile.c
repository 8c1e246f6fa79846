/* Devices `sim[:RxC]` (and later `usb[:SERIAL]`): a Waferlet tile behind a host link.
 * Loading a model quantizes it (the integer spec), plans its placement (wl_plan.c),
 * programs the broadcast color, loads the decode firmware on every PE and streams the
 * shards with pipelined writes. A forward is a one-position job whose logits are read
 * back from the PEs; a greedy decode is one job that runs on the tile and streams its
 * tokens back (docs/DECODE.md). */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "wl_device_impl.h"
#include "wl_frame.h"
#include "wl_perf.h"
#include "wl_plan.h"
#include "wl_quantize.h"
#include "wl_tile.h"

typedef struct {
    wl_link *link;
    wl_tile_info info;
    wl_qmodel q;
    wl_plan plan;
    int loaded;
    uint32_t seq;        /* job number */
    int32_t *logits;     /* [vocab] of the last forward */
    wl_progress_fn progress;
    void *progress_ctx;
    uint64_t poll_gap;   /* transport units between polls of a running job */
} tile_dev;

static wl_rect all_pes(const tile_dev *d)
{
    return (wl_rect){0, 0, d->info.cols - 1, d->info.rows - 1};
}

static void unload(tile_dev *d)
{
    wl_qmodel_free(&d->q);
    wl_plan_free(&d->plan);
    free(d->logits);
    d->logits = NULL;
    d->loaded = 0;
}

static int tile_open(const wl_transport_ops *t, const char *args, void **state, wl_error *err)
{
    /* WL_POLL_CYCLES: how long the host waits between polls of a running job (default
     * 0, back to back). Polls are host traffic on the root's links; spacing them out
     * leaves the link counters with the decode's own traffic (docs/PERFORMANCE.md). */
    const char *gap = getenv("WL_POLL_CYCLES");
    char *end = NULL;
    unsigned long long poll_gap = gap && *gap ? strtoull(gap, &end, 10) : 0;
    if (gap && *gap && (*end || poll_gap > 100000000ull))
        return wl_fail(err, WL_ERR_ARG, "WL_POLL_CYCLES=%s: expected a number of cycles "
                       "from 0 to 100000000", gap);
    tile_dev *d = calloc(1, sizeof *d);
    if (!d)
        return wl_fail(err, WL_ERR_NOMEM, "out of memory");
    d->poll_gap = poll_gap;
    int rc = wl_link_open(t, args, &d->link, err);
    if (rc == WL_OK)
        rc = wl_tile_get_info(d->link, &d->info, err);
    if (rc) {
        wl_link_close(d->link);
        free(d);
        return rc;
    }
    *state = d;
    return WL_OK;
}

static int sim_dev_open(const char *args, void **state, wl_error *err)
{
    return tile_open(&wl_sim_transport_ops, args, state, err);
}

static void tile_close(void *state)
{
    tile_dev *d = state;
    unload(d);
    wl_link_close(d->link);
    free(d);
}

static void tile_info(void *state, wl_device_info *info)
{
    tile_dev *d = state;
    snprintf(info->kind, sizeof info->kind, "tile");
    info->integer_logits = 1;
    info->rows = d->info.rows;
    info->cols = d->info.cols;
    info->sram_bytes_per_pe = d->info.dmem_bytes;
    info->lanes = d->info.lanes;
    info->protocol_version = d->info.version;
    snprintf(info->firmware_version, sizeof info->firmware_version, "%s",
             d->loaded ? "decode (WLD1)" : "none loaded");
}

static void tile_set_progress(void *state, wl_progress_fn fn, void *ctx)
{
    tile_dev *d = state;
    d->progress = fn;
    d->progress_ctx = ctx;
}

/* --------------------------------------------------------------- firmware files */

static void firmware_dir(char *dir, size_t cap)
{
    const char *env = getenv("WL_FIRMWARE_DIR");
    if (env && *env) {
        snprintf(dir, cap, "%s", env);
        return;
    }
    char exe[512];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    exe[n > 0 ? n : 0] = '\0';
    char *slash = strrchr(exe, '/');
    if (slash)
        *slash = '\0';
    snprintf(dir, cap, "%s/firmware", n > 0 ? exe : ".");
}

static int read_words(const char *path, uint32_t **words, size_t *n, size_t max_bytes,
                      wl_error *err)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return wl_fail(err, WL_ERR_IO,
                       "cannot open the decode firmware %s (run `make firmware`, or set "
                       "WL_FIRMWARE_DIR)", path);
    uint8_t *buf = calloc(1, max_bytes + 4);
    size_t got = buf ? fread(buf, 1, max_bytes + 1, f) : 0;
    fclose(f);
    if (!buf)
        return wl_fail(err, WL_ERR_NOMEM, "out of memory");
    if (got > max_bytes) {
        free(buf);
        return wl_fail(err, WL_ERR_FORMAT, "%s is larger than the %zu bytes it may use", path,
                       max_bytes);
    }
    *n = (got + 3) / 4;
    *words = (uint32_t *)(void *)buf;
    return WL_OK;
}

static int load_firmware(tile_dev *d, wl_error *err)
{
    char dir[600], path[700];
    firmware_dir(dir, sizeof dir);
    uint32_t *w = NULL;
    size_t n = 0;
    snprintf(path, sizeof path, "%s/decode.imem.bin", dir);
    int rc = read_words(path, &w, &n, (size_t)d->info.imem_bytes, err);
    if (rc == WL_OK)
        rc = wl_tile_write(d->link, all_pes(d), WL_PE_IMEM_BASE, w, n, err);
    free(w);
    w = NULL; /* read_words leaves it alone when it fails */
    if (rc)
        return rc;
    snprintf(path, sizeof path, "%s/decode.dmem.bin", dir);
    rc = read_words(path, &w, &n, WLD_BLOCK_ADDR - WL_PE_DMEM_BASE, err);
    if (rc == WL_OK && n)
        rc = wl_tile_write(d->link, all_pes(d), WL_PE_DMEM_BASE, w, n, err);
    free(w);
    return rc;
}

/* The broadcast tree of WLD_BCAST_COLOR: from (0,0) east along row 0, south down
 * every column. Table entry bits [5p+4:5p] = outputs for input port p
 * (ports: 0 local, 1 N, 2 E, 3 S, 4 W; output bits the same). */
static int program_routes(tile_dev *d, wl_error *err)
{
    int rows = d->info.rows, cols = d->info.cols;
    for (int y = 0; y < rows; y++)
        for (int x = 0; x < cols; x++) {
            uint32_t table[32] = {0};
            uint32_t south = y + 1 < rows ? 1u << 3 : 0, east = x + 1 < cols ? 1u << 2 : 0;
            uint32_t entry;
            if (x == 0 && y == 0)
                entry = (east | south) << 0;
            else if (y == 0)
                entry = (1u | east | south) << 20;
            else
                entry = (1u | south) << 5;
            table[WLD_BCAST_COLOR] = entry;
            int rc = wl_tile_config(d->link, (wl_rect){x, y, x, y}, 0, table, 32, err);
            if (rc)
                return rc;
        }
    return WL_OK;
}

static void report(tile_dev *d, const char *what, uint64_t done, uint64_t total)
{
    if (d->progress)
        d->progress(d->progress_ctx, what, done, total);
}

static int upload(tile_dev *d, wl_error *err)
{
    const wl_plan *pl = &d->plan;
    uint64_t total = 0, done = 0;
    for (int p = 0; p < pl->n_pe; p++)
        total += (pl->pe[p].blk.key_q - pl->lo) + (pl->pe[p].end - pl->pe[p].blk.rope);
    uint8_t *image = malloc(pl->hi - pl->lo + 8);
    if (!image)
        return wl_fail(err, WL_ERR_NOMEM, "out of memory");
    int rc = WL_OK;
    for (int p = 0; p < pl->n_pe && rc == WL_OK; p++) {
        const wl_plan_pe *pe = &pl->pe[p];
        wl_rect one = {p % pl->cols, p / pl->cols, p % pl->cols, p / pl->cols};
        wl_plan_image(pl, &d->q.spec, p, image);
        /* Everything but the KV cache, which the firmware writes before it reads. */
        uint32_t seg[2][2] = {{pl->lo, pe->blk.key_q}, {pe->blk.rope, pe->end}};
        for (int s = 0; s < 2 && rc == WL_OK; s++) {
            uint32_t a = seg[s][0], b = (seg[s][1] + 3) & ~3u;
            rc = wl_tile_write(d->link, one, a, (const uint32_t *)(const void *)(image + (a - pl->lo)),
                               (b - a) / 4, err);
            done += b - a;
        }
        report(d, "weights", done, total);
    }
    free(image);
    if (rc == WL_OK)
        rc = wl_link_wait(d->link, err);
    return rc;
}

static int tile_load(void *state, const wl_model *m, wl_error *err)
{
    tile_dev *d = state;
    unload(d);
    int rc = wl_quantize_model(m, &d->q, err);
    if (rc)
        return rc;
    rc = wl_plan_make(&d->q.spec, d->info.rows, d->info.cols, (uint32_t)d->info.dmem_bytes,
                      &d->plan, err);
    if (rc == WL_OK && !d->plan.fits)
        rc = wl_plan_fail(&d->plan, &d->q.spec, err);
    if (rc == WL_OK && !(d->logits = calloc((size_t)m->cfg.vocab_size, sizeof *d->logits)))
        rc = wl_fail(err, WL_ERR_NOMEM, "out of memory");
    if (rc == WL_OK)
        rc = wl_tile_stop(d->link, all_pes(d), err);
    if (rc == WL_OK)
        rc = program_routes(d, err);
    if (rc == WL_OK)
        rc = load_firmware(d, err);
    if (rc == WL_OK)
        rc = upload(d, err);
    if (rc) {
        unload(d);
        return rc;
    }
    d->loaded = 1;
    return WL_OK;
}

/* --------------------------------------------------------------- jobs */

typedef struct {
    uint32_t mode, pos0, n_steps;
    const int *feed;
    uint32_t n_feed;
    wl_token_fn on_token;
    void *ctx;
    int first_pos;          /* position reported with the first generated token */
    /* results */
    wld_out *out;           /* [n_steps] */
    uint32_t n_out, cycles, prof[WLD_PROF_N];
} job_run;

static uint32_t job_addr(const tile_dev *d) { return d->plan.pe[0].blk.job; }

static const char *wait_name(uint32_t what, char *buf, size_t n)
{
    static const char *const names[] = {"east", "south", "emb", "rope"};
    if (what == WLD_WAIT_BCAST)
        return "broadcast";
    if (what < sizeof names / sizeof names[0])
        return names[what];
    snprintf(buf, n, "gather %u", what - WLD_FLAG_GATHER);
    return buf;
}

/* Says where every PE waits (the flag or broadcast and the epoch each one noted before
 * blocking), grouped, for the error of a job that ran out of budget. Only dmem is
 * read: a PE whose core waits on an empty receive queue holds its MMIO target. */
static int stuck_report(tile_dev *d, uint32_t n_steps, uint64_t budget, wl_error *err)
{
    const wl_plan *pl = &d->plan;
    enum { MAX_GROUPS = 4 };
    struct wait_group { uint32_t what, ep; int n, first; } g[MAX_GROUPS];
    int ng = 0, other = 0;
    for (int p = 0; p < pl->n_pe; p++) {
        uint32_t f[WLD_FLAG_GATHER];
        int rc = wl_tile_read(d->link, p % pl->cols, p / pl->cols, pl->pe[p].blk.flags, f,
                              WLD_FLAG_GATHER, err);
        if (rc)
            return rc;
        uint32_t what = f[WLD_FLAG_WAIT_WHAT], ep = f[WLD_FLAG_WAIT_EP];
        int k = 0;
        while (k < ng && (g[k].what != what || g[k].ep != ep))
            k++;
        if (k == ng && ng < MAX_GROUPS)
            g[ng++] = (struct wait_group){what, ep, 0, p};
        if (k < ng)
            g[k].n++;
        else
            other++;
    }
    char list[240] = "";
    size_t len = 0;
    for (int k = 0; k < ng && len < sizeof list; k++) {
        char buf[24];
        len += (size_t)snprintf(list + len, sizeof list - len, "%s %d on %s ep %08x (first (%d,%d))",
                                k ? ";" : "", g[k].n, wait_name(g[k].what, buf, sizeof buf), g[k].ep,
                                g[k].first % pl->cols, g[k].first / pl->cols);
    }
    return wl_fail(err, WL_ERR_DEVICE,
                   "the tile did not finish a %u-step job in %llu cycles; PEs wait:%s%s",
                   n_steps, (unsigned long long)budget, list, other ? "; others elsewhere" : "");
}

/* Waits until every PE has stopped (the followers leave after the root's EXIT). */
static int wait_stopped(tile_dev *d, wl_error *err)
{
    for (int y = 0; y < d->info.rows; y++)
        for (int x = 0; x < d->info.cols; x++)
            for (int tries = 0;; tries++) {
                uint32_t ctrl = 0;
                int rc = wl_tile_read(d->link, x, y, WL_PE_CTRL, &ctrl, 1, err);
                if (rc)
                    return rc;
                if (!(ctrl & 1))
                    break;
                if (tries > 1000)
                    return wl_fail(err, WL_ERR_DEVICE, "PE (%d,%d) did not stop after the job",
                                   x, y);
            }
    return WL_OK;
}

static int run_job(tile_dev *d, job_run *j, wl_error *err)
{
    uint32_t job = job_addr(d);
    uint32_t feed = job + (uint32_t)sizeof(wld_job);
    uint32_t out = feed + 4u * (uint32_t)d->q.spec.seq_len;
    uint32_t *feed_w = malloc(((size_t)j->n_feed + 1) * 4);
    if (!feed_w)
        return wl_fail(err, WL_ERR_NOMEM, "out of memory");
    for (uint32_t i = 0; i < j->n_feed; i++)
        feed_w[i] = (uint32_t)j->feed[i];
    d->seq = (d->seq + 1) & 0xFFFu;
    if (d->seq == 0)
        d->seq = 1;
    wld_job jb = {d->seq, j->mode, j->pos0, j->n_feed, j->n_steps, feed, out, 0, WLD_ST_IDLE, 0, {0}};
    wl_rect root = {0, 0, 0, 0};
    int rc = wl_tile_write(d->link, root, feed, feed_w, j->n_feed, err);
    free(feed_w);
    if (rc == WL_OK)
        rc = wl_tile_write(d->link, root, job, (const uint32_t *)(const void *)&jb,
                           sizeof jb / 4, err);
    if (rc == WL_OK)
        rc = wl_tile_start(d->link, all_pes(d), err);
    if (rc)
        return rc;
    /* Poll the job block; stream the tokens as they appear. The budget is ten times
     * the analytic model's cycles for the job, plus slack: a stuck job is reported
     * (with which PE has not arrived where) instead of polling forever. */
    wl_perf_costs costs = wl_perf_default_costs();
    double predicted = 0;
    for (uint32_t i = 0; i < j->n_steps; i++) {
        wl_perf_terms t;
        wl_perf_predict(&d->plan, &d->q.spec, &costs, (int)(j->pos0 + i), 1, &t);
        predicted += t.total;
    }
    uint64_t t0 = wl_link_now(d->link), budget = (uint64_t)(10 * predicted) + 4000000;
    uint32_t seen = 0, st[2] = {0, 0}, n_emit = j->n_steps - j->n_feed + 1;
    /* Without a token stream (bench) a job of many outputs shows them as a progress
     * bar; a decode prints its tokens, and one-position jobs (eval) need none. */
    int bar = !j->on_token && n_emit > 1;
    if (bar)
        report(d, "decode", 0, n_emit);
    for (;;) {
        rc = wl_tile_read(d->link, 0, 0, job + 7 * 4, st, 2, err);
        if (rc)
            return rc;
        uint32_t n_out = st[0] > j->n_steps ? j->n_steps : st[0];
        if (n_out > seen) {
            rc = wl_tile_read(d->link, 0, 0, out + 8 * seen, (uint32_t *)(void *)(j->out + seen),
                              2 * (n_out - seen), err);
            if (rc)
                return rc;
            for (uint32_t k = seen; k < n_out; k++)
                if (j->on_token && j->out[k].token != 1)
                    j->on_token(j->ctx, j->first_pos + (int)k, (int)j->out[k].token);
            seen = n_out;
            if (bar && seen < n_emit)
                report(d, "decode", seen, n_emit);
        }
        if (st[1] == WLD_ST_DONE)
            break;
        if (st[1] == WLD_ST_BAD_JOB || st[1] == WLD_ST_BAD_BLOCK)
            return wl_fail(err, WL_ERR_DEVICE, "the tile rejected the %s (status %u)",
                           st[1] == WLD_ST_BAD_JOB ? "job" : "placement", st[1]);
        if (wl_link_now(d->link) - t0 > budget)
            return stuck_report(d, j->n_steps, budget, err);
        if (d->poll_gap && (rc = wl_link_idle(d->link, d->poll_gap, err)))
            return rc;
    }
    j->n_out = seen;
    if (bar) /* ends the bar, also when BOS ended the job early */
        report(d, "decode", n_emit, n_emit);
    uint32_t tail[1 + WLD_PROF_N];
    rc = wl_tile_read(d->link, 0, 0, job + 9 * 4, tail, 1 + WLD_PROF_N, err);
    j->cycles = tail[0];
    memcpy(j->prof, tail + 1, sizeof j->prof);
    if (rc == WL_OK)
        rc = wait_stopped(d, err);
    return rc;
}

static int read_logits(tile_dev *d, wl_error *err)
{
    const wl_plan *pl = &d->plan;
    int cls = d->q.spec.n_layers * WLD_PER_LAYER + WLD_CLASSIFIER;
    for (int p = 0; p < pl->n_pe; p++) {
        const wld_mat *mt = &pl->mats[(size_t)p * (size_t)pl->n_mats + (size_t)cls];
        if (!mt->n)
            continue;
        int rc = wl_tile_read(d->link, p % pl->cols, p / pl->cols, pl->pe[p].blk.logits,
                              (uint32_t *)(void *)(d->logits + mt->r0), mt->n, err);
        if (rc)
            return rc;
    }
    return WL_OK;
}

static int tile_forward(void *state, int token, int pos, float *logits, wl_error *err)
{
    tile_dev *d = state;
    if (!d->loaded)
        return wl_fail(err, WL_ERR_ARG, "no model loaded on the tile");
    wld_out out;
    job_run j = {WLD_MODE_LOGITS, (uint32_t)pos, 1, &token, 1, NULL, NULL, 0, &out, 0, 0, {0}};
    int rc = run_job(d, &j, err);
    if (rc == WL_OK)
        rc = read_logits(d, err);
    if (rc)
        return rc;
    for (int i = 0; i < d->q.spec.vocab_size; i++)
        logits[i] = (float)d->logits[i] / (float)(1 << WLS_ACT_FRAC);
    return WL_OK;
}

static int tile_logits_q16(void *state, int32_t *logits, wl_error *err)
{
    tile_dev *d = state;
    if (!d->loaded)
        return wl_fail(err, WL_ERR_ARG, "no model loaded on the tile");
    memcpy(logits, d->logits, (size_t)d->q.spec.vocab_size * sizeof *logits);
    return WL_OK;
}

/* The counters' differences over a job of `cycles` (32-bit counters: differences modulo
 * 2^32), and the utilizations they give. */
static void counter_stats(const tile_dev *d, const wl_pe_counters *a, const wl_pe_counters *b,
                          double cycles, wl_decode_stats *st)
{
    double busy = 0;
    st->has_counters = 1;
    st->busiest_link_flits = -1;
    for (int p = 0; p < d->plan.n_pe; p++) {
        st->tu_macs += (uint32_t)(b[p].tu_macs - a[p].tu_macs);
        busy += (uint32_t)(b[p].tu_busy - a[p].tu_busy);
        for (int net = 0; net < WL_NETS; net++)
            for (int port = 0; port < WL_PORTS; port++) {
                double f = (uint32_t)(b[p].link[net][port] - a[p].link[net][port]);
                st->link_flits[net] += f;
                if (f > st->busiest_link_flits) {
                    st->busiest_link_flits = f;
                    st->busiest_link_x = p % d->info.cols;
                    st->busiest_link_y = p / d->info.cols;
                    st->busiest_link_net = net;
                    st->busiest_link_port = port;
                }
            }
    }
    if (cycles > 0) {
        st->tu_mac_utilization = st->tu_macs / (cycles * d->plan.n_pe * d->info.lanes);
        st->tu_busy_fraction = busy / (cycles * d->plan.n_pe);
        st->busiest_link_utilization = st->busiest_link_flits / cycles;
    }
}

static int tile_decode(void *state, const wl_decode_job *job, int steps, int *tokens,
                       int *n_tokens, wl_token_fn on_token, void *ctx, wl_decode_stats *stats,
                       wl_error *err)
{
    tile_dev *d = state;
    if (!d->loaded)
        return wl_fail(err, WL_ERR_ARG, "no model loaded on the tile");
    wld_out *out = calloc((size_t)steps, sizeof *out);
    if (!out)
        return wl_fail(err, WL_ERR_NOMEM, "out of memory");
    job_run j = {0, 0, (uint32_t)steps, job->prompt, (uint32_t)job->n_prompt, on_token, ctx,
                 job->n_prompt, out, 0, 0, {0}};
    wl_pe_counters *cnt = calloc(2 * (size_t)d->plan.n_pe, sizeof *cnt);
    int rows = d->info.rows, cols = d->info.cols;
    int rc = cnt ? wl_tile_all_pe_counters(d->link, rows, cols, cnt, err)
                 : wl_fail(err, WL_ERR_NOMEM, "out of memory");
    if (rc == WL_OK)
        rc = run_job(d, &j, err);
    if (rc == WL_OK)
        rc = wl_tile_all_pe_counters(d->link, rows, cols, cnt + d->plan.n_pe, err);
    if (rc == WL_OK)
        counter_stats(d, cnt, cnt + d->plan.n_pe, j.cycles, stats);
    free(cnt);
    if (rc == WL_OK) {
        for (uint32_t k = 0; k < j.n_out && out[k].token != 1; k++) {
            tokens[(*n_tokens)++] = (int)out[k].token;
            stats->generated++;
        }
        int forwards = job->n_prompt - 1 + (int)j.n_out;
        double macs = 0;
        wl_perf_costs costs = wl_perf_default_costs();
        for (int pos = 0; pos < forwards; pos++) {
            int cls = pos + 1 >= job->n_prompt;
            wl_perf_terms t;
            macs += wl_perf_useful_macs(&d->q.spec, pos, cls);
            wl_perf_predict(&d->plan, &d->q.spec, &costs, pos, cls, &t);
            stats->model_cycles_per_token += t.total / forwards;
            stats->model_matvec += t.matvec / forwards;
            stats->model_vector += t.vector / forwards;
            stats->model_attention += t.attention / forwards;
            stats->model_fabric += t.fabric / forwards;
        }
        stats->has_cycles = 1;
        stats->ttft_cycles = j.n_out ? out[0].cycle : 0;
        stats->cycles_per_token = forwards ? (double)j.cycles / forwards : 0;
        stats->mac_utilization =
            j.cycles ? macs / ((double)j.cycles * d->plan.n_pe * d->info.lanes) : 0;
        stats->total_cycles = j.cycles;
        stats->root_matvec = j.prof[WLD_PROF_MATVEC];
        stats->root_vector = j.prof[WLD_PROF_VECTOR];
        stats->root_attention = j.prof[WLD_PROF_ATTN];
        stats->root_comm = j.prof[WLD_PROF_COMM];
        stats->root_quantize = j.prof[WLD_PROF_QUANT];
        stats->root_rope_kv = j.prof[WLD_PROF_ROPE_KV];
        stats->root_att_out = j.prof[WLD_PROF_ATT_OUT];
        stats->root_swiglu = j.prof[WLD_PROF_SWIGLU];
    }
    free(out);
    return rc;
}

static int tile_plan(void *state, const wl_model *m, FILE *f, int json, wl_error *err)
{
    tile_dev *d = state;
    wl_qmodel q;
    wl_plan pl;
    int rc = wl_quantize_model(m, &q, err);
    if (rc)
        return rc;
    rc = wl_plan_make(&q.spec, d->info.rows, d->info.cols, (uint32_t)d->info.dmem_bytes, &pl,
                      err);
    if (rc == WL_OK) {
        wl_plan_print(f, &pl, &q.spec, json);
        if (pl.fits && !json) {
            wl_perf_costs costs = wl_perf_default_costs();
            wl_perf_terms t0, t1;
            int last = q.spec.seq_len - 1;
            wl_perf_predict(&pl, &q.spec, &costs, 0, 1, &t0);
            wl_perf_predict(&pl, &q.spec, &costs, last, 1, &t1);
            int span = q.spec.seq_len < 256 ? q.spec.seq_len : 256;
            double mean = 0;
            for (int pos = 0; pos < span; pos++) {
                wl_perf_terms t;
                wl_perf_predict(&pl, &q.spec, &costs, pos, 1, &t);
                mean += t.total / span;
            }
            fprintf(f, "analytic model (docs/PERFORMANCE.md): %.0f cycles at position 0 "
                       "(matvec %.0f, vector %.0f, attention %.0f, fabric %.0f), %.0f at "
                       "position %d, mean %.0f over positions 0-%d\n",
                    t0.total, t0.matvec, t0.vector, t0.attention, t0.fabric, t1.total, last,
                    mean, span - 1);
        }
        if (!pl.fits)
            rc = wl_plan_fail(&pl, &q.spec, err);
        wl_plan_free(&pl);
    }
    wl_qmodel_free(&q);
    return rc;
}

static wl_link *tile_link(void *state) { return ((tile_dev *)state)->link; }

const wl_device_ops wl_sim_device_ops = {
    .scheme = "sim",
    .open = sim_dev_open,
    .close = tile_close,
    .info = tile_info,
    .load_model = tile_load,
    .forward = tile_forward,
    .logits_q16 = tile_logits_q16,
    .link = tile_link,
    .decode = tile_decode,
    .plan = tile_plan,
    .set_progress = tile_set_progress,
};
