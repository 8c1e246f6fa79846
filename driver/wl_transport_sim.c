/* Transport `sim`: the Verilated tile in this process. URI arguments `RxC` (48 KiB of
 * dmem per PE) or `RxC:<K>k` (K KiB per PE); the library is
 * <dir of the executable>/sim/libwlsim_<R>x<C>.so, or libwlsim_<R>x<C>_d<K>k.so for
 * another dmem size (directory overridden by $WL_SIM_DIR). The host owns the clock:
 * the tile only runs inside recv. Optional fault injection for tests. */
#define _POSIX_C_SOURCE 200809L

#include <dlfcn.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "wl_frame.h"
#include "wl_mesh_size.h"
#include "wl_sim.h"
#include "wl_transport.h"

typedef struct {
    void *lib;
    void (*params)(int *, int *, int *, int *, int *);
    wl_sim *(*create)(const char *);
    void (*destroy)(wl_sim *);
    uint64_t (*run)(wl_sim *, const uint32_t *, size_t, size_t *, uint32_t *, size_t, size_t *,
                    uint64_t);
    uint64_t (*cycles)(const wl_sim *);
    wl_sim *sim;
    int rows, cols, imem, dmem, lanes;
    uint32_t *txq; /* words queued toward the tile */
    size_t tx_head, tx_len, tx_cap;
    wl_faults faults;
    int faulty;
    uint64_t rng;
} sim_transport;

static double chance(sim_transport *t)
{
    t->rng ^= t->rng >> 12;
    t->rng ^= t->rng << 25;
    t->rng ^= t->rng >> 27;
    return (double)((t->rng * 0x2545F4914F6CDD1Dull) >> 11) / 9007199254740992.0;
}

static void lib_dir(char *out, size_t cap)
{
    const char *env = getenv("WL_SIM_DIR");
    if (env) {
        snprintf(out, cap, "%s", env);
        return;
    }
    char exe[PATH_MAX - 32];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n <= 0) {
        snprintf(out, cap, "sim");
        return;
    }
    exe[n] = '\0';
    char *slash = strrchr(exe, '/');
    if (slash)
        *slash = '\0';
    /* build/waferlet finds build/sim; programs in build/<dir>/ find it one level up */
    snprintf(out, cap, "%s/sim", exe);
    if (access(out, F_OK) != 0) {
        slash = strrchr(exe, '/');
        if (slash) {
            *slash = '\0';
            snprintf(out, cap, "%s/sim", exe);
        }
    }
}

static void sim_close(void *state)
{
    sim_transport *t = state;
    if (!t)
        return;
    if (t->sim)
        t->destroy(t->sim);
    if (t->lib)
        dlclose(t->lib);
    free(t->txq);
    free(t);
}

static int sim_open(const char *args, void **state, wl_error *err)
{
    int rows, cols, kib;
    if (wl_mesh_size_parse(args, &rows, &cols, &kib))
        return wl_fail(err, WL_ERR_ARG,
                       "bad mesh size 'sim:%s': write sim:RxC or sim:RxC:<K>k (K KiB of data "
                       "memory per PE), e.g. sim:8x8 or sim:2x2:256k",
                       args);
    char dir[PATH_MAX], path[PATH_MAX + 64], variant[48], make_args[64];
    lib_dir(dir, sizeof dir);
    if (kib == WL_DEFAULT_DMEM_KIB) {
        snprintf(variant, sizeof variant, "%dx%d", rows, cols);
        snprintf(make_args, sizeof make_args, "MESH=%dx%d", rows, cols);
    } else {
        snprintf(variant, sizeof variant, "%dx%d_d%dk", rows, cols, kib);
        snprintf(make_args, sizeof make_args, "MESH=%dx%d DMEM_KIB=%d", rows, cols, kib);
    }
    snprintf(path, sizeof path, "%s/libwlsim_%s.so", dir, variant);
    sim_transport *t = calloc(1, sizeof *t);
    if (!t)
        return wl_fail(err, WL_ERR_NOMEM, "out of memory");
    t->lib = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (!t->lib) {
        sim_close(t);
        return wl_fail(err, WL_ERR_UNSUPPORTED,
                       "the %dx%d simulated tile with %d KiB dmem per PE is not built (%s "
                       "missing); build it with 'make sim %s'",
                       rows, cols, kib, path, make_args);
    }
    *(void **)&t->params = dlsym(t->lib, "wl_sim_params");
    *(void **)&t->create = dlsym(t->lib, "wl_sim_create");
    *(void **)&t->destroy = dlsym(t->lib, "wl_sim_destroy");
    *(void **)&t->run = dlsym(t->lib, "wl_sim_run");
    *(void **)&t->cycles = dlsym(t->lib, "wl_sim_cycles");
    if (!t->params || !t->create || !t->destroy || !t->run || !t->cycles) {
        sim_close(t);
        return wl_fail(err, WL_ERR_DEVICE, "%s is not a Waferlet tile library (missing symbols)",
                       path);
    }
    t->params(&t->rows, &t->cols, &t->imem, &t->dmem, &t->lanes);
    if (t->rows != rows || t->cols != cols || t->dmem != kib * 1024) {
        sim_close(t);
        return wl_fail(err, WL_ERR_DEVICE,
                       "%s holds a %dx%d tile with %d bytes of dmem per PE, not %dx%d with %d KiB",
                       path, t->rows, t->cols, t->dmem, rows, cols, kib);
    }
    t->sim = t->create(getenv("WL_SIM_TRACE"));
    if (!t->sim) {
        sim_close(t);
        return wl_fail(err, WL_ERR_DEVICE, "cannot start the simulated tile from %s", path);
    }
    *state = t;
    return WL_OK;
}

static void sim_info(void *state, wl_transport_info *info)
{
    sim_transport *t = state;
    info->rows = t->rows;
    info->cols = t->cols;
    info->imem_bytes = t->imem;
    info->dmem_bytes = t->dmem;
    info->lanes = t->lanes;
    info->time_unit = "cycles";
}

static int enqueue(sim_transport *t, const uint32_t *w, size_t n)
{
    if (t->tx_head > 0 && t->tx_head == t->tx_len)
        t->tx_head = t->tx_len = 0;
    if (t->tx_len + n > t->tx_cap) {
        if (t->tx_head) { /* compact before growing */
            memmove(t->txq, t->txq + t->tx_head, (t->tx_len - t->tx_head) * sizeof *t->txq);
            t->tx_len -= t->tx_head;
            t->tx_head = 0;
        }
        if (t->tx_len + n > t->tx_cap) {
            size_t cap = (t->tx_len + n) * 2 + 1024;
            uint32_t *q = realloc(t->txq, cap * sizeof *q);
            if (!q)
                return -1;
            t->txq = q;
            t->tx_cap = cap;
        }
    }
    memcpy(t->txq + t->tx_len, w, n * sizeof *w);
    t->tx_len += n;
    return 0;
}

static int sim_send(void *state, const uint32_t *words, size_t n, wl_error *err)
{
    sim_transport *t = state;
    int rc = 0;
    if (!t->faulty) {
        rc = enqueue(t, words, n);
    } else {
        const wl_faults *f = &t->faults;
        if (chance(t) < f->garbage) {
            uint32_t junk[3] = {(uint32_t)t->rng, WL_FRAME_SYNC, (uint32_t)(t->rng >> 32)};
            rc |= enqueue(t, junk, 1 + (size_t)(chance(t) * 3));
        }
        if (chance(t) < f->drop_frame)
            return WL_OK;
        int copies = chance(t) < f->dup_frame ? 2 : 1;
        for (int c = 0; c < copies; c++) {
            size_t m = n;
            if (chance(t) < f->truncate)
                m = 1 + (size_t)(chance(t) * (double)(n - 1));
            size_t at = t->tx_len;
            rc |= enqueue(t, words, m);
            if (!rc && chance(t) < f->flip_bit) {
                size_t i = (size_t)(chance(t) * (double)m);
                t->txq[at + i] ^= 1u << (int)(chance(t) * 32);
            }
        }
    }
    if (rc)
        return wl_fail(err, WL_ERR_NOMEM, "out of memory queueing host-link words");
    return WL_OK;
}

static int sim_recv(void *state, uint32_t *words, size_t cap, size_t *got, uint64_t timeout,
                    wl_error *err)
{
    sim_transport *t = state;
    (void)err;
    size_t consumed = 0, produced = 0;
    t->run(t->sim, t->txq + t->tx_head, t->tx_len - t->tx_head, &consumed, words, cap, &produced,
           timeout);
    t->tx_head += consumed;
    if (t->faulty) {
        size_t keep = 0;
        for (size_t i = 0; i < produced; i++) {
            if (chance(t) < t->faults.drop_word_back)
                continue;
            uint32_t w = words[i];
            if (chance(t) < t->faults.flip_bit_back)
                w ^= 1u << (int)(chance(t) * 32);
            words[keep++] = w;
        }
        produced = keep;
    }
    *got = produced;
    return WL_OK;
}

static uint64_t sim_now(void *state)
{
    sim_transport *t = state;
    return t->cycles(t->sim);
}

static void sim_set_faults(void *state, const wl_faults *faults)
{
    sim_transport *t = state;
    t->faults = *faults;
    t->faulty = faults->drop_frame > 0 || faults->dup_frame > 0 || faults->flip_bit > 0 ||
                faults->garbage > 0 || faults->truncate > 0 || faults->flip_bit_back > 0 ||
                faults->drop_word_back > 0;
    t->rng = faults->seed ? faults->seed : 1;
}

const wl_transport_ops wl_sim_transport_ops = {
    "sim", sim_open, sim_close, sim_info, sim_send, sim_recv, sim_now, sim_set_faults,
};
