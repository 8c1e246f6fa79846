/* Lockstep checker for two builds of the simulated tile. Built as a stand-in
 * libwlsim_<R>x<C>.so (sim/wl_sim.h) that loads the real library of the same name
 * from each of the directories $WL_LOCKSTEP_A and $WL_LOCKSTEP_B and clocks the two
 * one cycle at a time on the same host-link inputs. Every cycle it compares what
 * each accepted and what each sent (valid and data); on the first difference it
 * prints the cycle and aborts. The caller sees build A. Checks that a faster build
 * of the tile is cycle-identical at the host link to another one:
 *   make lockstep LOCKSTEP_B=<dir with the libwlsim_*.so that test_tile uses>
 * (runs test_tile through it, A = build/sim; see mk/tile.mk). */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wl_sim.h"

typedef struct {
    void *lib;
    void (*params)(int *, int *, int *, int *, int *);
    wl_sim *(*create)(const char *);
    void (*destroy)(wl_sim *);
    uint64_t (*run)(wl_sim *, const uint32_t *, size_t, size_t *, uint32_t *, size_t, size_t *,
                    uint64_t);
    uint64_t (*cycles)(const wl_sim *);
} impl;

struct lockstep {
    wl_sim *a, *b;
};

static impl side[2];
static int loaded;

static void die(const char *what, const char *detail)
{
    fprintf(stderr, "sim_lockstep: %s%s%s\n", what, detail ? ": " : "", detail ? detail : "");
    abort();
}

static void load_one(impl *m, const char *env)
{
    const char *dir = getenv(env);
    if (!dir)
        die("set WL_LOCKSTEP_A and WL_LOCKSTEP_B to the two build directories", NULL);
    Dl_info self;
    if (!dladdr((void *)load_one, &self) || !self.dli_fname)
        die("cannot find this library's own name", NULL);
    const char *name = strrchr(self.dli_fname, '/');
    name = name ? name + 1 : self.dli_fname;
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    m->lib = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (!m->lib)
        die("cannot load", dlerror());
    *(void **)&m->params = dlsym(m->lib, "wl_sim_params");
    *(void **)&m->create = dlsym(m->lib, "wl_sim_create");
    *(void **)&m->destroy = dlsym(m->lib, "wl_sim_destroy");
    *(void **)&m->run = dlsym(m->lib, "wl_sim_run");
    *(void **)&m->cycles = dlsym(m->lib, "wl_sim_cycles");
    if (!m->params || !m->create || !m->destroy || !m->run || !m->cycles)
        die("not a tile library", path);
}

static void load(void)
{
    if (loaded)
        return;
    load_one(&side[0], "WL_LOCKSTEP_A");
    load_one(&side[1], "WL_LOCKSTEP_B");
    loaded = 1;
}

void wl_sim_params(int *rows, int *cols, int *imem_bytes, int *dmem_bytes, int *lanes)
{
    load();
    int p[2][5];
    for (int k = 0; k < 2; k++)
        side[k].params(&p[k][0], &p[k][1], &p[k][2], &p[k][3], &p[k][4]);
    if (memcmp(p[0], p[1], sizeof p[0]))
        die("the two libraries have different parameters", NULL);
    *rows = p[0][0];
    *cols = p[0][1];
    *imem_bytes = p[0][2];
    *dmem_bytes = p[0][3];
    *lanes = p[0][4];
}

wl_sim *wl_sim_create(const char *trace_path)
{
    (void)trace_path;
    load();
    struct lockstep *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    s->a = side[0].create(NULL);
    s->b = side[1].create(NULL);
    if (!s->a || !s->b)
        die("cannot create a tile", NULL);
    if (side[0].cycles(s->a) != side[1].cycles(s->b))
        die("reset lengths differ", NULL);
    return (wl_sim *)s;
}

void wl_sim_destroy(wl_sim *sim)
{
    struct lockstep *s = (struct lockstep *)sim;
    if (!s)
        return;
    fprintf(stderr, "sim_lockstep: %llu cycles identical\n",
            (unsigned long long)side[0].cycles(s->a));
    side[0].destroy(s->a);
    side[1].destroy(s->b);
    free(s);
}

/* Same contract as the real wl_sim_run; each cycle is one run of one cycle on each
 * side (which changes no state between edges: inputs are driven before each edge). */
uint64_t wl_sim_run(wl_sim *sim, const uint32_t *in, size_t n_in, size_t *consumed,
                    uint32_t *out, size_t cap_out, size_t *produced, uint64_t max_cycles)
{
    struct lockstep *s = (struct lockstep *)sim;
    size_t ci = 0, po = 0;
    uint64_t c = 0;
    while (c < max_cycles && po < cap_out) {
        size_t ca = 0, cb = 0, pa = 0, pb = 0;
        uint32_t wa = 0, wb = 0;
        uint64_t ra = side[0].run(s->a, in + ci, n_in - ci, &ca, &wa, 1, &pa, 1);
        uint64_t rb = side[1].run(s->b, in + ci, n_in - ci, &cb, &wb, 1, &pb, 1);
        if (ra != rb || ca != cb || pa != pb || wa != wb) {
            fprintf(stderr,
                    "sim_lockstep: cycle %llu differs: A accepted %zu sent %zu (%08x), "
                    "B accepted %zu sent %zu (%08x)\n",
                    (unsigned long long)side[0].cycles(s->a), ca, pa, wa, cb, pb, wb);
            abort();
        }
        c++;
        ci += ca;
        if (pa)
            out[po++] = wa;
        if (ci == n_in && po > 0)
            break;
    }
    *consumed = ci;
    *produced = po;
    return c;
}

uint64_t wl_sim_cycles(const wl_sim *sim)
{
    const struct lockstep *s = (const struct lockstep *)sim;
    return side[0].cycles(s->a);
}
