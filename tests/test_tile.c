/* The whole stack: driver -> protocol -> Verilated tile -> PE memories. Random data
 * written with single-PE, rectangle and broadcast writes reads back bit-exact; link
 * faults are recovered with nothing lost or duplicated; firmware on every PE computes
 * and exchanges results over colors. Mesh sizes: WL_TILE_MESHES (default
 * "2x2 2x2:256k 4x4", mesh[:dmem KiB per PE]; `make test-long` adds 8x8); seeds print
 * and WL_SEED reproduces a run. A 2x2 tile with 256 KiB of dmem per PE also gets its
 * high addresses and its tensor unit (operands above 64 KiB) checked. The routers' link
 * flit counters equal what the routing rules predict for known traffic. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test_util.h"
#include "wl_device.h"
#include "wl_sampler.h"
#include "wl_tile.h"

static uint64_t rng;
static uint32_t rnd(void) { return wl_random_u32(&rng); } /* the sampler's xorshift */

/* Host-side copy of what every PE memory should hold (only the windows we touch). */
typedef struct {
    int rows, cols;
    uint32_t imem_words, dmem_words;
    uint32_t *imem, *dmem; /* [pe][words] */
    uint8_t *touched_i, *touched_d;
} model;

static uint32_t *mem_of(model *m, int pe, uint32_t addr, uint8_t **touched)
{
    if (addr < WL_PE_DMEM_BASE) {
        *touched = m->touched_i + (size_t)pe * m->imem_words + addr / 4;
        return m->imem + (size_t)pe * m->imem_words + addr / 4;
    }
    uint32_t off = (addr - WL_PE_DMEM_BASE) / 4;
    *touched = m->touched_d + (size_t)pe * m->dmem_words + off;
    return m->dmem + (size_t)pe * m->dmem_words + off;
}

static void model_write(model *m, wl_rect r, uint32_t addr, const uint32_t *w, size_t n)
{
    for (int y = r.y0; y <= r.y1; y++)
        for (int x = r.x0; x <= r.x1; x++) {
            uint8_t *t;
            uint32_t *p = mem_of(m, y * m->cols + x, addr, &t);
            memcpy(p, w, n * 4);
            memset(t, 1, n);
        }
}

/* A random word-aligned window [addr, addr + 4n) inside imem (imem != 0) or dmem. */
static uint32_t random_window(const model *m, size_t n, int imem)
{
    if (imem)
        return 4 * (rnd() % (m->imem_words - (uint32_t)n + 1));
    return WL_PE_DMEM_BASE + 4 * (rnd() % (m->dmem_words - (uint32_t)n + 1));
}

static void check_all(wl_link *l, model *m)
{
    wl_error e;
    uint32_t *buf = malloc(4 * (size_t)m->dmem_words);
    for (int pe = 0; pe < m->rows * m->cols; pe++) {
        int x = pe % m->cols, y = pe / m->cols;
        for (int which = 0; which < 2; which++) {
            uint32_t words = which ? m->dmem_words : m->imem_words;
            uint32_t base = which ? WL_PE_DMEM_BASE : 0;
            uint32_t *want = (which ? m->dmem : m->imem) + (size_t)pe * words;
            uint8_t *t = (which ? m->touched_d : m->touched_i) + (size_t)pe * words;
            /* read the touched span of this memory in one go */
            uint32_t lo = words, hi = 0;
            for (uint32_t i = 0; i < words; i++)
                if (t[i]) {
                    if (i < lo)
                        lo = i;
                    hi = i + 1;
                }
            if (lo >= hi)
                continue;
            int rc = wl_tile_read(l, x, y, base + 4 * lo, buf, hi - lo, &e);
            if (rc)
                print_error("%s\n", e.msg);
            assert_int_equal(rc, WL_OK);
            for (uint32_t i = lo; i < hi; i++)
                if (t[i] && buf[i - lo] != want[i]) {
                    print_error("PE (%d,%d) %s word %u: 0x%08x, want 0x%08x\n", x, y,
                                which ? "dmem" : "imem", i, buf[i - lo], want[i]);
                    fail();
                }
        }
    }
    free(buf);
}

static void run_mesh(const char *mesh, int faults)
{
    char uri[32];
    snprintf(uri, sizeof uri, "sim:%s", mesh);
    wl_device *d;
    wl_error e;
    int rc = wl_device_open(uri, &d, &e);
    if (rc)
        print_error("%s\n", e.msg);
    assert_int_equal(rc, WL_OK);
    wl_link *l = wl_device_link(d);
    assert_non_null(l);
    wl_tile_info info;
    assert_int_equal(wl_tile_get_info(l, &info, &e), WL_OK);
    model m = {info.rows, info.cols, (uint32_t)info.imem_bytes / 4, (uint32_t)info.dmem_bytes / 4,
               NULL, NULL, NULL, NULL};
    size_t n_pe = (size_t)m.rows * (size_t)m.cols;
    m.imem = calloc(n_pe * m.imem_words, 4);
    m.dmem = calloc(n_pe * m.dmem_words, 4);
    m.touched_i = calloc(n_pe * m.imem_words, 1);
    m.touched_d = calloc(n_pe * m.dmem_words, 1);
    if (faults) {
        wl_faults f = {0.05, 0.05, 0.05, 0.05, 0.03, 0.002, 0.002, rng};
        wl_link_set_faults(l, &f);
        wl_link_configure(l, 16, 30000); /* a 2x2 broadcast takes far less than this */
    }
    /* budget: about 24k words per PE on 2x2, less on bigger meshes */
    size_t budget = 98304 / n_pe + 512;
    if (faults)
        budget /= 4;
    uint32_t data[1024];
    /* single-PE writes, alternating between instruction and data memory */
    for (size_t pe = 0; pe < n_pe; pe++)
        for (size_t done = 0, k = 0; done < budget; k++) {
            size_t n = 1 + rnd() % 1000;
            for (size_t i = 0; i < n; i++)
                data[i] = rnd();
            uint32_t addr = random_window(&m, n, (int)(k & 1));
            wl_rect r = {(int)(pe % (size_t)m.cols), (int)(pe / (size_t)m.cols),
                         (int)(pe % (size_t)m.cols), (int)(pe / (size_t)m.cols)};
            assert_int_equal(wl_tile_write(l, r, addr, data, n, &e), WL_OK);
            model_write(&m, r, addr, data, n);
            done += n;
        }
    /* rectangles and broadcasts, overlapping earlier data */
    for (int k = 0; k < 12; k++) {
        wl_rect r;
        if (k % 4 == 0) {
            r = (wl_rect){0, 0, m.cols - 1, m.rows - 1};
        } else {
            r.x0 = (int)(rnd() % (uint32_t)m.cols);
            r.x1 = r.x0 + (int)(rnd() % (uint32_t)(m.cols - r.x0));
            r.y0 = (int)(rnd() % (uint32_t)m.rows);
            r.y1 = r.y0 + (int)(rnd() % (uint32_t)(m.rows - r.y0));
        }
        size_t n = 1 + rnd() % 600;
        for (size_t i = 0; i < n; i++)
            data[i] = rnd();
        uint32_t addr = random_window(&m, n, k & 1);
        assert_int_equal(wl_tile_write(l, r, addr, data, n, &e), WL_OK);
        model_write(&m, r, addr, data, n);
    }
    check_all(l, &m);
    wl_link_stats ls = wl_link_get_stats(l);
    wl_tile_counters tc;
    if (faults) { /* counters travel over the same faulty link: switch faults off */
        wl_faults none = {0};
        wl_link_set_faults(l, &none);
    }
    assert_int_equal(wl_tile_get_counters(l, &tc, &e), WL_OK);
    print_message("# %s%s: %llu commands, %llu resent, %llu NAKs, %llu timeouts; tile: %u frames ok, "
                  "%u CRC errors, %u bad headers, %u out of order, %u duplicates, %llu cycles\n",
                  mesh, faults ? " with faults" : "", (unsigned long long)ls.commands,
                  (unsigned long long)ls.frames_resent, (unsigned long long)ls.naks,
                  (unsigned long long)ls.timeouts, tc.frames_ok, tc.crc_errors, tc.bad_headers,
                  tc.out_of_order, tc.duplicates, (unsigned long long)tc.cycles);
    if (faults) {
        assert_true(ls.frames_resent > 0);
        assert_true(tc.crc_errors + tc.bad_headers > 0);
        assert_true(tc.duplicates > 0);
    } else {
        assert_int_equal(ls.frames_resent, 0);
        assert_int_equal(tc.crc_errors, 0);
    }
    free(m.imem);
    free(m.dmem);
    free(m.touched_i);
    free(m.touched_d);
    wl_device_close(d);
}

static const char *meshes(void)
{
    const char *s = getenv("WL_TILE_MESHES");
    return s ? s : "2x2 2x2:256k 4x4";
}

/* Runs `run` on every mesh of WL_TILE_MESHES. */
static void each_mesh(void (*run)(const char *mesh))
{
    char list[128];
    snprintf(list, sizeof list, "%s", meshes());
    for (char *tok = strtok(list, " "); tok; tok = strtok(NULL, " "))
        run(tok);
}

/* A firmware image from build/firmware, zero-padded to whole words. */
static uint8_t *slurp_bin(const char *name, size_t *n)
{
    char rel[256], path[4096];
    snprintf(rel, sizeof rel, "firmware/%s", name);
    build_path(rel, path, sizeof path);
    FILE *f = fopen(path, "rb");
    if (!f) {
        print_error("cannot open %s (built by make firmware)\n", path);
        return NULL;
    }
    uint8_t *buf = calloc(1, 65536);
    *n = fread(buf, 1, 65536, f);
    fclose(f);
    return buf;
}

/* Firmware tile_check on every PE: dot product of host data with a vector made from
 * the PE's coordinates, then each PE sends its result east over color 1. */
static void run_firmware(const char *mesh)
{
    char uri[32];
    snprintf(uri, sizeof uri, "sim:%s", mesh);
    wl_device *d;
    wl_error e;
    int rc = wl_device_open(uri, &d, &e);
    if (rc)
        print_error("%s\n", e.msg);
    assert_int_equal(rc, WL_OK);
    wl_link *l = wl_device_link(d);
    wl_tile_info info;
    assert_int_equal(wl_tile_get_info(l, &info, &e), WL_OK);
    int R = info.rows, C = info.cols;
    wl_rect all = {0, 0, C - 1, R - 1};
    size_t ni, nd;
    uint8_t *imem = slurp_bin("tile_check.imem.bin", &ni);
    uint8_t *dmem = slurp_bin("tile_check.dmem.bin", &nd);
    assert_non_null(imem);
    assert_non_null(dmem);
    assert_int_equal(wl_tile_stop(l, all, &e), WL_OK);
    /* LOAD: one broadcast of the image into every PE */
    assert_int_equal(wl_tile_write(l, all, WL_PE_IMEM_BASE, (uint32_t *)imem, (ni + 3) / 4, &e), WL_OK);
    if (nd)
        assert_int_equal(wl_tile_write(l, all, WL_PE_DMEM_BASE, (uint32_t *)dmem, (nd + 3) / 4, &e),
                         WL_OK);
    int8_t in[64][64];
    for (int pe = 0; pe < R * C; pe++) {
        for (int i = 0; i < 64; i++)
            in[pe][i] = (int8_t)rnd();
        wl_rect one = {pe % C, pe / C, pe % C, pe / C};
        assert_int_equal(wl_tile_write(l, one, WL_PE_DMEM_BASE + 0x8000, (uint32_t *)in[pe], 16, &e),
                         WL_OK);
    }
    /* Route tables, color 1: local -> E where there is an east neighbour, W -> local
     * where there is a west one. Fenced by the writes that follow on the same path. */
    for (int y = 0; y < R; y++)
        for (int x = 0; x < C; x++) {
            uint32_t table[32] = {0};
            table[1] = (x < C - 1 ? 1u << 2 : 0) | (x > 0 ? 1u << (5 * 4) : 0);
            assert_int_equal(wl_tile_config(l, (wl_rect){x, y, x, y}, 0, table, 32, &e), WL_OK);
        }
    uint32_t zero[4] = {0};
    assert_int_equal(wl_tile_write(l, all, WL_PE_DMEM_BASE + 0x8100, zero, 4, &e), WL_OK);
    uint32_t dmem_top = WL_PE_DMEM_BASE + (uint32_t)info.dmem_bytes;
    assert_int_equal(wl_tile_start(l, all, &e), WL_OK);
    int32_t dots[64];
    for (int pe = 0; pe < R * C; pe++) {
        int x = pe % C, y = pe / C;
        int32_t want = 0;
        for (int i = 0; i < 64; i++)
            want += in[pe][i] * (int8_t)(i + 7 * x + 13 * y);
        dots[pe] = want;
    }
    for (int pe = 0; pe < R * C; pe++) {
        int x = pe % C, y = pe / C;
        uint32_t out[6] = {0};
        for (int tries = 0; tries < 200 && out[0] != 0x600DF00Du; tries++)
            assert_int_equal(wl_tile_read(l, x, y, WL_PE_DMEM_BASE + 0x8100, out, 6, &e), WL_OK);
        if (out[0] != 0x600DF00Du)
            print_error("PE (%d,%d) did not finish\n", x, y);
        assert_int_equal(out[0], 0x600DF00Du);
        assert_int_equal((int32_t)out[1], dots[pe]);
        assert_int_equal((int32_t)out[2], x > 0 ? dots[pe - 1] : 0);
        assert_int_equal(out[3], (uint32_t)(x | y << 8));
        assert_int_equal(out[4], (uint32_t)info.dmem_bytes); /* MMIO DMEM_BYTES */
        assert_true(out[5] <= dmem_top && out[5] > dmem_top - 256); /* sp near the top */
    }
    print_message("# %s: firmware on %d PEs: dot products and color exchange checked "
                  "(%d KiB dmem, stack at its top)\n",
                  mesh, R * C, info.dmem_bytes / 1024);
    free(imem);
    free(dmem);
    wl_device_close(d);
}

static void test_firmware(void **st)
{
    (void)st;
    each_mesh(run_firmware);
}


static void run_mesh_clean(const char *mesh) { run_mesh(mesh, 0); }

static void test_memories(void **st)
{
    (void)st;
    each_mesh(run_mesh_clean);
}

/* Tensor unit of PE (x, y), programmed by the host over the link: registers at MMIO
 * + 0x80 (docs/PE.md), A/B/D as dmem offsets. Waits for STATUS.done. */
static void tu_run(wl_link *l, int x, int y, const uint32_t regs[13])
{
    wl_error e;
    wl_rect one = {x, y, x, y};
    uint32_t cmd = 1, st = 0;
    assert_int_equal(wl_tile_write(l, one, WL_PE_MMIO_BASE + 0x80, regs, 13, &e), WL_OK);
    assert_int_equal(wl_tile_write(l, one, WL_PE_MMIO_BASE + 0x84, &cmd, 1, &e), WL_OK);
    for (int tries = 0; tries < 100 && (st & 3u) != 2u; tries++)
        assert_int_equal(wl_tile_read(l, x, y, WL_PE_MMIO_BASE + 0x84, &st, 1, &e), WL_OK);
    assert_int_equal(st & 3u, 2u);
}

/* 2x2 with 256 KiB of dmem per PE: INFO reports it; data at the very top, across the
 * old 64 KiB limit and at the old MMIO address reads back per PE; addresses past the
 * end read 0; the tensor unit works on operands above 64 KiB (DOT to SRAM and ACC,
 * MOVE), on every PE. (Firmware on this tile: test_firmware.) */
static void test_big_dmem(void **st)
{
    (void)st;
    wl_device *d;
    wl_error e;
    int rc = wl_device_open("sim:2x2:256k", &d, &e);
    if (rc)
        print_error("%s\n", e.msg);
    assert_int_equal(rc, WL_OK);
    wl_link *l = wl_device_link(d);
    wl_tile_info info;
    assert_int_equal(wl_tile_get_info(l, &info, &e), WL_OK);
    assert_int_equal(info.rows, 2);
    assert_int_equal(info.cols, 2);
    assert_int_equal(info.dmem_bytes, 256 * 1024);
    wl_device_info di;
    assert_int_equal(wl_device_info_get(d, &di, &e), WL_OK);
    assert_int_equal(di.sram_bytes_per_pe, 256 * 1024);

    enum { N = 256 };
    /* the top; across 64 KiB, which holds 0x20000 (the old MMIO base); across 128 KiB */
    static const uint32_t offs[] = {256 * 1024 - 4 * N, 0x10000 - 2 * N, 0x20000 - 2 * N, 0x2F000};
    static uint32_t want[4][4][N];
    uint32_t back[N];
    for (int pe = 0; pe < 4; pe++)
        for (int k = 0; k < 4; k++) {
            for (int i = 0; i < N; i++)
                want[pe][k][i] = rnd();
            wl_rect one = {pe % 2, pe / 2, pe % 2, pe / 2};
            assert_int_equal(wl_tile_write(l, one, WL_PE_DMEM_BASE + offs[k], want[pe][k], N, &e),
                             WL_OK);
        }
    uint32_t ones[4] = {~0u, ~0u, ~0u, ~0u};
    assert_int_equal(wl_tile_write(l, (wl_rect){0, 0, 1, 1}, WL_PE_DMEM_BASE + 256 * 1024, ones, 4,
                                   &e),
                     WL_OK);
    for (int pe = 0; pe < 4; pe++) {
        for (int k = 0; k < 4; k++) {
            assert_int_equal(
                wl_tile_read(l, pe % 2, pe / 2, WL_PE_DMEM_BASE + offs[k], back, N, &e), WL_OK);
            assert_memory_equal(back, want[pe][k], sizeof back);
        }
        uint32_t past[4] = {1, 1, 1, 1}; /* past the end of dmem: unmapped, reads 0 */
        assert_int_equal(
            wl_tile_read(l, pe % 2, pe / 2, WL_PE_DMEM_BASE + 256 * 1024, past, 4, &e), WL_OK);
        for (int i = 0; i < 4; i++)
            assert_int_equal(past[i], 0);
    }

    /* Tensor unit above 64 KiB: A = 4 rows of 256 int8 at 0x30000 (stride 256),
     * B = one vector at 0x2F008 (reused: BS = 0); DOT to SRAM at 0x3FF00 (DS = 4), DOT
     * of row 0 to ACC, then MOVE of 1000 bytes from 0x12000 to 0x3E000. */
    enum { LEN = 256, ROWS = 4, MOVE = 1000 };
    static int8_t a[ROWS][LEN], b[LEN];
    static uint8_t mv[1024];
    for (int pe = 0; pe < 4; pe++) {
        int x = pe % 2, y = pe / 2;
        wl_rect one = {x, y, x, y};
        for (int r = 0; r < ROWS; r++)
            for (int i = 0; i < LEN; i++)
                a[r][i] = (int8_t)rnd();
        for (int i = 0; i < LEN; i++)
            b[i] = (int8_t)rnd();
        for (int i = 0; i < 1024; i++)
            mv[i] = (uint8_t)rnd();
        assert_int_equal(
            wl_tile_write(l, one, WL_PE_DMEM_BASE + 0x30000, (uint32_t *)a, sizeof a / 4, &e),
            WL_OK);
        assert_int_equal(
            wl_tile_write(l, one, WL_PE_DMEM_BASE + 0x2F008, (uint32_t *)b, sizeof b / 4, &e),
            WL_OK);
        assert_int_equal(
            wl_tile_write(l, one, WL_PE_DMEM_BASE + 0x12000, (uint32_t *)mv, sizeof mv / 4, &e),
            WL_OK);
        int32_t dots[ROWS];
        for (int r = 0; r < ROWS; r++) {
            dots[r] = 0;
            for (int i = 0; i < LEN; i++)
                dots[r] += a[r][i] * b[i];
        }
        /* CFG, CMD, A, AS, B, BS, D, DS, LEN, ROWS, SHIFT, SCALAR, ACC */
        uint32_t dot_sram[13] = {0, 0, 0x30000, LEN, 0x2F008, 0, 0x3FF00, 4, LEN, ROWS, 0, 0, 0};
        tu_run(l, x, y, dot_sram);
        uint32_t got[ROWS];
        assert_int_equal(wl_tile_read(l, x, y, WL_PE_DMEM_BASE + 0x3FF00, got, ROWS, &e), WL_OK);
        for (int r = 0; r < ROWS; r++)
            assert_int_equal((int32_t)got[r], dots[r]);
        uint32_t dot_acc[13] = {1u << 5, 0, 0x30000, LEN, 0x2F008, 0, 0, 0, LEN, 1, 0, 0, 0};
        tu_run(l, x, y, dot_acc);
        uint32_t acc = 0;
        assert_int_equal(wl_tile_read(l, x, y, WL_PE_MMIO_BASE + 0xB0, &acc, 1, &e), WL_OK);
        assert_int_equal((int32_t)acc, dots[0]);
        uint32_t move[13] = {4, 0, 0x12000, 0, 0, 0, 0x3E000, 0, MOVE, 1, 0, 0, 0};
        tu_run(l, x, y, move);
        uint32_t mback[1024 / 4];
        assert_int_equal(
            wl_tile_read(l, x, y, WL_PE_DMEM_BASE + 0x3E000, mback, 1024 / 4, &e), WL_OK);
        assert_memory_equal(mback, mv, MOVE);
    }
    print_message("# 2x2:256k: high dmem and the tensor unit above 64 KiB checked on 4 PEs\n");
    wl_device_close(d);
}

/* Link flit counters. Expected counts come from the fabric's routing rules (request
 * X then Y, response Y then X, the host west of (0,0)); a packet of f flits adds f to
 * every router output it leaves, the ejection into its PE included. Reading the
 * counters is traffic too, so three snapshots of every PE are taken, the same reads in
 * the same order: S2 - S1 is one snapshot's own traffic, and (S3 - S2) - (S2 - S1)
 * is exactly the traffic sent between S2 and S3. Both are checked, on every link. */
typedef struct {
    int rows, cols;
    uint32_t *c; /* [pe][net][port] */
} link_model;

static uint32_t *lm_at(link_model *m, int x, int y, int net, int port)
{
    return &m->c[((y * m->cols + x) * WL_NETS + net) * WL_PORTS + port];
}

/* A packet of f flits from the host (x = -1, row 0) or PE (sx, sy) to PE (dx, dy) or
 * the host (dx = -1): request X then Y, response Y then X. */
static void lm_route(link_model *m, int net, int sx, int sy, int dx, int dy, uint32_t f)
{
    int x = sx < 0 ? 0 : sx, y = sy, tx = dx < 0 ? 0 : dx;
    for (;;) {
        int port;
        int xfirst = net != WL_NET_RESPONSE;
        if (xfirst && x != tx)
            port = tx > x ? WL_PORT_E : WL_PORT_W;
        else if (y != dy)
            port = dy > y ? WL_PORT_S : WL_PORT_N;
        else if (x != tx)
            port = tx > x ? WL_PORT_E : WL_PORT_W;
        else
            port = dx < 0 ? WL_PORT_W : WL_PORT_LOCAL;
        *lm_at(m, x, y, net, port) += f;
        if (port == WL_PORT_LOCAL || (dx < 0 && x == 0 && y == dy && port == WL_PORT_W))
            return;
        x += port == WL_PORT_E ? 1 : port == WL_PORT_W ? -1 : 0;
        y += port == WL_PORT_S ? 1 : port == WL_PORT_N ? -1 : 0;
    }
}

/* A host READ of n words from PE (x, y): 3 request flits, RDATA of n + 2. */
static void lm_read(link_model *m, int x, int y, uint32_t n)
{
    lm_route(m, WL_NET_REQUEST, -1, 0, x, y, 3);
    lm_route(m, WL_NET_RESPONSE, x, y, -1, 0, n + 2);
}

static void snapshot(wl_link *l, int R, int C, wl_pe_counters *s)
{
    wl_error e;
    int rc = wl_tile_all_pe_counters(l, R, C, s, &e);
    if (rc)
        print_error("%s\n", e.msg);
    assert_int_equal(rc, WL_OK);
}

static void run_link_counters(const char *mesh)
{
    char uri[32];
    snprintf(uri, sizeof uri, "sim:%s", mesh);
    wl_device *d;
    wl_error e;
    assert_int_equal(wl_device_open(uri, &d, &e), WL_OK);
    wl_link *l = wl_device_link(d);
    wl_tile_info info;
    assert_int_equal(wl_tile_get_info(l, &info, &e), WL_OK);
    int R = info.rows, C = info.cols, P = R * C;
    wl_rect all = {0, 0, C - 1, R - 1};
    assert_int_equal(wl_tile_stop(l, all, &e), WL_OK);
    /* Color 2 in row 0: PE (x,0) sends east, its neighbour takes it in (RX queue). */
    for (int x = 0; x < C; x++) {
        uint32_t table[32] = {0};
        table[2] = (x < C - 1 ? 1u << 2 : 0) | (x > 0 ? 1u << (5 * 4) : 0);
        assert_int_equal(wl_tile_config(l, (wl_rect){x, 0, x, 0}, 0, table, 32, &e), WL_OK);
    }
    wl_pe_counters *s = calloc(3 * (size_t)P, sizeof *s);
    link_model want = {R, C, calloc((size_t)P * WL_NETS * WL_PORTS, sizeof(uint32_t))};
    link_model self = {R, C, calloc((size_t)P * WL_NETS * WL_PORTS, sizeof(uint32_t))};
    assert_non_null(s);
    assert_non_null(want.c);
    assert_non_null(self.c);
    for (int pe = 0; pe < P; pe++) {
        lm_read(&self, pe % C, pe / C, 4);
        lm_read(&self, pe % C, pe / C, WL_NETS * WL_PORTS);
    }
    snapshot(l, R, C, s);
    snapshot(l, R, C, s + P);
    /* The traffic: WRITEs of 1..64 words to random PEs, READs of random PEs, and up to
     * three color words from a random PE of row 0 to its east neighbour (the host
     * writes its TX register; the neighbour's RX queue holds four). */
    uint32_t buf[64];
    for (int i = 0; i < 64; i++)
        buf[i] = rnd();
    for (int k = 0; k < 12; k++) {
        int x = (int)(rnd() % (uint32_t)C), y = (int)(rnd() % (uint32_t)R);
        uint32_t n = 1 + rnd() % 64;
        if (k % 3 == 2) {
            uint32_t back[64];
            assert_int_equal(wl_tile_read(l, x, y, WL_PE_DMEM_BASE + 0x100, back, n, &e), WL_OK);
            lm_read(&want, x, y, n);
        } else {
            wl_rect one = {x, y, x, y};
            assert_int_equal(wl_tile_write(l, one, WL_PE_DMEM_BASE + 0x100, buf, n, &e), WL_OK);
            lm_route(&want, WL_NET_REQUEST, -1, 0, x, y, n + 2);
        }
    }
    if (C > 1) {
        int x = (int)(rnd() % (uint32_t)(C - 1));
        uint32_t n = 1 + rnd() % 3;
        for (uint32_t i = 0; i < n; i++) {
            assert_int_equal(wl_tile_write(l, (wl_rect){x, 0, x, 0}, WL_PE_MMIO_BASE + 0x100 + 4 * 2,
                                           &buf[i], 1, &e), WL_OK);
            lm_route(&want, WL_NET_REQUEST, -1, 0, x, 0, 3);
        }
        *lm_at(&want, x, 0, WL_NET_COLOR, WL_PORT_E) += n;
        *lm_at(&want, x + 1, 0, WL_NET_COLOR, WL_PORT_LOCAL) += n;
    }
    snapshot(l, R, C, s + 2 * P);
    int checked = 0;
    for (int pe = 0; pe < P; pe++)
        for (int net = 0; net < WL_NETS; net++)
            for (int p = 0; p < WL_PORTS; p++) {
                uint32_t d21 = s[P + pe].link[net][p] - s[pe].link[net][p];
                uint32_t d32 = s[2 * P + pe].link[net][p] - s[P + pe].link[net][p];
                uint32_t own = *lm_at(&self, pe % C, pe / C, net, p);
                uint32_t sent = *lm_at(&want, pe % C, pe / C, net, p);
                if (d21 != own || d32 - d21 != sent)
                    print_error("%s: PE (%d,%d) net %d port %d: snapshot %u (want %u), traffic %u "
                                "(want %u)\n", mesh, pe % C, pe / C, net, p, d21, own, d32 - d21, sent);
                assert_int_equal(d21, own);
                assert_int_equal(d32 - d21, sent);
                checked += sent != 0;
            }
    assert_true(checked > 0);
    assert_int_equal(s[2 * P].run, 0); /* cores held: no run cycles */
    print_message("# %s: link flit counters equal the routing model on all %d links "
                  "(%d carried the test's traffic)\n", mesh, P * WL_NETS * WL_PORTS, checked);
    free(s);
    free(want.c);
    free(self.c);
    wl_device_close(d);
}

static void test_link_counters(void **st)
{
    (void)st;
    each_mesh(run_link_counters);
}

static void test_faults(void **st)
{
    (void)st;
    run_mesh("2x2", 1);
}

static void test_errors(void **st)
{
    (void)st;
    wl_device *d;
    wl_error e;
    assert_int_equal(wl_device_open("sim:2x2", &d, &e), WL_OK);
    wl_link *l = wl_device_link(d);
    uint32_t w = 1;
    wl_rect outside = {5, 0, 5, 0};
    assert_int_equal(wl_tile_write(l, outside, 0x10000, &w, 1, &e), WL_OK); /* queued */
    assert_int_equal(wl_link_wait(l, &e), WL_ERR_DEVICE);
    assert_non_null(strstr(e.msg, "outside the mesh"));
    wl_rect inverted = {1, 0, 0, 0};
    assert_int_equal(wl_tile_write(l, inverted, 0x10000, &w, 1, &e), WL_OK);
    assert_int_equal(wl_link_wait(l, &e), WL_ERR_DEVICE);
    assert_int_equal(wl_tile_write(l, (wl_rect){0, 0, 0, 0}, 0x10002, &w, 1, &e), WL_ERR_ARG);
    /* the link still works afterwards */
    uint32_t back = 0;
    assert_int_equal(wl_tile_write(l, (wl_rect){1, 1, 1, 1}, 0x10010, &w, 1, &e), WL_OK);
    assert_int_equal(wl_tile_read(l, 1, 1, 0x10010, &back, 1, &e), WL_OK);
    assert_int_equal(back, 1);
    /* A core blocked on an empty RX queue does not hold off the host's MMIO reads of
     * its PE (it steps aside), and the host's read of the empty queue returns 0 at once
     * instead of blocking. The program: lui t0, 0x1000; lw t1, 0x34(t0) (RX_DATA,
     * blocks); j . */
    const uint32_t blocker[3] = {0x010002B7u, 0x0342A303u, 0x0000006Fu};
    wl_rect pe11 = {1, 1, 1, 1};
    assert_int_equal(wl_tile_write(l, pe11, WL_PE_IMEM_BASE, blocker, 3, &e), WL_OK);
    assert_int_equal(wl_tile_start(l, pe11, &e), WL_OK);
    uint32_t run0 = 0, run1 = 0, rx = 1;
    assert_int_equal(wl_tile_read(l, 1, 1, WL_PE_CNT_RUN, &run0, 1, &e), WL_OK);
    assert_int_equal(wl_tile_read(l, 1, 1, WL_PE_MMIO_BASE + 0x34, &rx, 1, &e), WL_OK);
    assert_int_equal(rx, 0);
    assert_int_equal(wl_tile_read(l, 1, 1, WL_PE_CNT_RUN, &run1, 1, &e), WL_OK);
    assert_true(run0 > 0 && run1 > run0); /* the core runs (blocked) all along */
    assert_int_equal(wl_tile_read(l, 1, 1, 0x10010, &back, 1, &e), WL_OK);
    assert_int_equal(back, 1);
    wl_tile_counters tc;
    assert_int_equal(wl_tile_get_counters(l, &tc, &e), WL_OK);
    assert_int_equal(tc.read_timeouts, 0);
    assert_int_equal(wl_tile_reset(l, &e), WL_OK);
    assert_int_equal(wl_tile_read(l, 1, 1, WL_PE_CNT_RUN, &back, 1, &e), WL_OK);
    assert_int_equal(back, 0);
    wl_device_info info;
    assert_int_equal(wl_device_info_get(d, &info, &e), WL_OK);
    assert_int_equal(info.rows, 2);
    assert_int_equal(info.cols, 2);
    assert_int_equal(info.protocol_version, 1);
    wl_device_close(d);
}

int main(void)
{
    rng = test_seed(20261128);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_memories),
        cmocka_unit_test(test_big_dmem),
        cmocka_unit_test(test_faults),
        cmocka_unit_test(test_firmware),
        cmocka_unit_test(test_link_counters),
    };
    return cmocka_run_group_tests_name("tile end to end (sim)", tests, NULL, NULL);
}
