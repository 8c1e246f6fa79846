/* Host bridge (rtl/wl_host_bridge.sv) against a C model of the mesh: fake PEs with
 * byte-addressed memories consume the bridge's request packets (with random ready
 * gaps) and answer READs with RDATA packets (with random valid gaps). The host side
 * uses the driver's frame codec (driver/wl_frame.c) to build commands and decode
 * replies. Seeds: WL_SEED (printed); mesh and INFO parameters come from mk/bridge.mk. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bridge_shim.h"
#include "wl_frame.h"

#define ROWS BR_ROWS
#define COLS BR_COLS
#define PE_MEM_BYTES 0x1C000u /* imem and dmem (48 KiB) of the PE map; CTRL is apart */
#define PE_DMEM 0x10000u
#define PE_CTRL 0x1000000u /* MMIO base: CTRL */
#define CFG_WORDS 64

enum { PKT_WRITE = 0, PKT_READ = 1, PKT_RDATA = 2, PKT_CFG = 3 };

typedef struct {
    uint8_t *mem;
    unsigned write_pkts, read_pkts, cfg_pkts, ctrl_writes;
    uint32_t ctrl;
    uint32_t cfg_addr, cfg[CFG_WORDS];
} fake_pe;

typedef struct {
    bridge_shim *b;
    uint64_t rng;
    fake_pe pe[ROWS][COLS];
    /* request packet being assembled */
    uint32_t pkt[512];
    int pkt_n;
    /* order in which WRITE/CFG packets arrived (x | y << 8), for row-by-row checks */
    unsigned order[ROWS * COLS * 4];
    int n_order;
    /* response flits toward the bridge */
    uint32_t *rsq;
    uint8_t *rsq_last;
    size_t rsq_head, rsq_tail;
    /* words the host has put on the link, not yet taken by the bridge */
    uint32_t *hq;
    size_t hq_head, hq_tail;
    /* replies decoded from host_out */
    wl_frame_decoder dec;
    wl_frame *replies;
    size_t n_replies, cap_replies;
    uint64_t reply_cycle; /* cycle the latest reply completed */
    /* gap percentages (0 = always ready/valid) */
    int host_in_gap, host_out_gap, req_gap, rsp_gap;
    int out_flip_permille; /* corrupt reply words (lost replies) */
    int rdata_delta;       /* a misbehaving PE: RDATA with this many words too many */
    int pe_silent;         /* a PE that does not answer READs at all */
    int rdata_cut;         /* > 0: the answer stops after this many data words */
    /* tile reset */
    unsigned rst_run, rst_pulses, rst_last_len;
    uint64_t rst_start_cycle, rst_end_cycle, last_req_cycle, last_req_valid_cycle;
    /* flit counts seen by the model */
    uint64_t req_flits, rsp_flits, host_words_in;
    uint64_t first_in_cycle;
    uint8_t seq;
} tb;

#define RSQ_CAP (1u << 16)
#define HQ_CAP (1u << 20)

static unsigned base_seed(void)
{
    const char *s = getenv("WL_SEED");
    return s ? (unsigned)strtoul(s, NULL, 0) : 1u;
}

static uint32_t rnd(tb *t)
{
    /* xorshift64*: a fixed, seedable stream */
    t->rng ^= t->rng >> 12;
    t->rng ^= t->rng << 25;
    t->rng ^= t->rng >> 27;
    return (uint32_t)((t->rng * 0x2545F4914F6CDD1Dull) >> 32);
}

static int chance(tb *t, int pct) { return pct > 0 && (int)(rnd(t) % 100u) < pct; }

static void on_reply(void *ctx, const wl_frame *f)
{
    tb *t = ctx;
    if (t->n_replies == t->cap_replies) {
        t->cap_replies = t->cap_replies ? 2 * t->cap_replies : 64;
        t->replies = realloc(t->replies, t->cap_replies * sizeof *t->replies);
        assert_non_null(t->replies);
    }
    t->replies[t->n_replies++] = *f;
    t->reply_cycle = bridge_cycle(t->b);
}

static tb *tb_new(unsigned salt)
{
    tb *t = calloc(1, sizeof *t);
    assert_non_null(t);
    unsigned seed = base_seed() * 7919u + salt;
    printf("# seed %u (WL_SEED=%u)\n", seed, base_seed());
    t->rng = 0x9E3779B97F4A7C15ull ^ seed;
    for (int i = 0; i < 4; i++)
        rnd(t);
    for (int y = 0; y < ROWS; y++)
        for (int x = 0; x < COLS; x++) {
            t->pe[y][x].mem = calloc(PE_MEM_BYTES, 1);
            assert_non_null(t->pe[y][x].mem);
        }
    t->rsq = malloc(RSQ_CAP * sizeof *t->rsq);
    t->rsq_last = malloc(RSQ_CAP);
    t->hq = malloc(HQ_CAP * sizeof *t->hq);
    assert_true(t->rsq && t->rsq_last && t->hq);
    wl_frame_decoder_init(&t->dec);
    t->b = bridge_new();
    bridge_reset(t->b);
    return t;
}

static void tb_free(tb *t)
{
    bridge_free(t->b);
    for (int y = 0; y < ROWS; y++)
        for (int x = 0; x < COLS; x++)
            free(t->pe[y][x].mem);
    free(t->rsq);
    free(t->rsq_last);
    free(t->hq);
    free(t->replies);
    free(t);
}

static uint32_t pe_rd(const fake_pe *p, uint32_t a)
{
    if (a == PE_CTRL)
        return p->ctrl;
    if (a + 4 > PE_MEM_BYTES)
        return 0;
    uint32_t v;
    memcpy(&v, p->mem + a, 4);
    return v;
}

static void rsq_push(tb *t, uint32_t w, int last)
{
    assert_true(t->rsq_tail - t->rsq_head < RSQ_CAP);
    t->rsq[t->rsq_tail % RSQ_CAP] = w;
    t->rsq_last[t->rsq_tail % RSQ_CAP] = (uint8_t)last;
    t->rsq_tail++;
}

/* A complete request packet arrived at the model mesh. */
static void pe_packet(tb *t)
{
    uint32_t h = t->pkt[0];
    unsigned x = h & 63, y = (h >> 6) & 63, sx = (h >> 12) & 63, sy = (h >> 18) & 63;
    unsigned op = (h >> 24) & 15, tag = h >> 28;
    assert_int_equal(sx, 63);
    assert_int_equal(sy, 0);
    assert_int_equal(tag, 0);
    assert_true(x < COLS && y < ROWS);
    assert_true(t->pkt_n >= 3);
    fake_pe *p = &t->pe[y][x];
    uint32_t addr = t->pkt[1];
    assert_int_equal(addr & 3u, 0);
    switch (op) {
    case PKT_WRITE:
        p->write_pkts++;
        for (int i = 2; i < t->pkt_n; i++) {
            uint32_t a = addr + 4u * (uint32_t)(i - 2);
            if (a == PE_CTRL) {
                p->ctrl = t->pkt[i];
                p->ctrl_writes++;
            } else if (a + 4 <= PE_MEM_BYTES) {
                memcpy(p->mem + a, &t->pkt[i], 4);
            }
        }
        break;
    case PKT_READ: {
        assert_int_equal(t->pkt_n, 3);
        p->read_pkts++;
        if (t->pe_silent)
            break;
        if (t->rdata_cut > 0) {
            rsq_push(t, 63u | (uint32_t)x << 12 | (uint32_t)y << 18 | (uint32_t)PKT_RDATA << 24,
                     0);
            rsq_push(t, addr, 0);
            for (int i = 0; i < t->rdata_cut; i++)
                rsq_push(t, pe_rd(p, addr + 4 * (uint32_t)i), 0);
            break;
        }
        int64_t nn = (int64_t)t->pkt[2] + t->rdata_delta;
        uint32_t n = nn < 0 ? 0 : (uint32_t)nn;
        rsq_push(t, 63u | (uint32_t)x << 12 | (uint32_t)y << 18 | (uint32_t)PKT_RDATA << 24,
                 0);
        rsq_push(t, addr, n == 0);
        for (uint32_t i = 0; i < n; i++)
            rsq_push(t, pe_rd(p, addr + 4 * i), i + 1 == n);
        break;
    }
    case PKT_CFG:
        p->cfg_pkts++;
        p->cfg_addr = addr;
        for (int i = 2; i < t->pkt_n && i - 2 < CFG_WORDS; i++)
            p->cfg[i - 2] = t->pkt[i];
        break;
    default:
        fail_msg("unexpected fabric op %u", op);
    }
    if (op != PKT_READ && t->n_order < (int)(sizeof t->order / sizeof t->order[0]))
        t->order[t->n_order++] = x | y << 8;
}

/* One clock cycle of bridge + model mesh + host link. */
static void tb_step(tb *t)
{
    bridge_in in = {0};
    int have_in = t->hq_head != t->hq_tail;
    in.host_in_valid = have_in && !chance(t, t->host_in_gap);
    in.host_in_data = have_in ? t->hq[t->hq_head % HQ_CAP] : 0;
    in.host_out_ready = !chance(t, t->host_out_gap);
    in.req_out_ready = !chance(t, t->req_gap);
    int have_rs = t->rsq_head != t->rsq_tail;
    in.rsp_in_valid = have_rs && !chance(t, t->rsp_gap);
    in.rsp_in_data = have_rs ? t->rsq[t->rsq_head % RSQ_CAP] : 0;
    in.rsp_in_last = have_rs ? t->rsq_last[t->rsq_head % RSQ_CAP] : 0;
    bridge_set_in(t->b, &in);
    bridge_eval(t->b);
    bridge_out o;
    bridge_get_out(t->b, &o);

    if (in.host_in_valid && o.host_in_ready) {
        if (t->host_words_in++ == 0)
            t->first_in_cycle = bridge_cycle(t->b);
        t->hq_head++;
    }
    if (in.rsp_in_valid && o.rsp_in_ready) {
        t->rsq_head++;
        t->rsp_flits++;
    }
    if (o.req_out_valid)
        t->last_req_valid_cycle = bridge_cycle(t->b);
    if (o.req_out_valid && in.req_out_ready) {
        t->req_flits++;
        t->last_req_cycle = bridge_cycle(t->b);
        assert_true(t->pkt_n < (int)(sizeof t->pkt / sizeof t->pkt[0]));
        t->pkt[t->pkt_n++] = o.req_out_data;
        if (o.req_out_last) {
            pe_packet(t);
            t->pkt_n = 0;
        }
    }
    if (o.tile_reset) {
        if (t->rst_run++ == 0)
            t->rst_start_cycle = bridge_cycle(t->b);
    } else if (t->rst_run) {
        t->rst_pulses++;
        t->rst_last_len = t->rst_run;
        t->rst_end_cycle = bridge_cycle(t->b);
        t->rst_run = 0;
    }
    if (o.host_out_valid && in.host_out_ready) {
        uint32_t w = o.host_out_data;
        if (t->out_flip_permille && (int)(rnd(t) % 1000u) < t->out_flip_permille)
            w ^= 1u << (rnd(t) % 32u); /* the reply is lost on the way */
        wl_frame_decoder_push(&t->dec, w, on_reply, t);
    }
    bridge_tick(t->b);
}

static void hq_words(tb *t, const uint32_t *w, size_t n)
{
    assert_true(t->hq_tail - t->hq_head + n <= HQ_CAP);
    for (size_t i = 0; i < n; i++)
        t->hq[t->hq_tail++ % HQ_CAP] = w[i];
}

static size_t hq_level(const tb *t) { return t->hq_tail - t->hq_head; }

static void send_frame(tb *t, uint8_t op, uint8_t seq, const uint32_t *p, size_t len)
{
    uint32_t f[WL_FRAME_MAX_WORDS + 8];
    size_t n = wl_frame_encode(op, seq, p, len, f);
    hq_words(t, f, n);
}

/* Runs until `n` replies in total have arrived; fails after max_cycles. */
static void wait_replies(tb *t, size_t n, unsigned max_cycles)
{
    for (unsigned c = 0; t->n_replies < n; c++) {
        if (c >= max_cycles)
            fail_msg("timeout: %zu of %zu replies", t->n_replies, n);
        tb_step(t);
    }
}

static void run(tb *t, unsigned cycles)
{
    while (cycles--)
        tb_step(t);
}

/* The bridge ACKs a WRITE as it starts its packets (they leave before the ACK does,
 * but may still be on the way). Waits until the request port has been idle a while. */
static void settle(tb *t)
{
    while (t->pkt_n != 0 || bridge_cycle(t->b) - t->last_req_valid_cycle < 32)
        tb_step(t);
}

/* Sends one command with the next sequence number and returns its reply. */
static const wl_frame *cmd(tb *t, uint8_t op, const uint32_t *p, size_t len)
{
    uint8_t s = t->seq++;
    send_frame(t, op, s, p, len);
    wait_replies(t, t->n_replies + 1, 200000);
    settle(t);
    const wl_frame *r = &t->replies[t->n_replies - 1];
    assert_int_equal(r->seq, s);
    return r;
}

static const wl_frame *last_reply(tb *t) { return &t->replies[t->n_replies - 1]; }

static void ack_ok(const wl_frame *r)
{
    assert_int_equal(r->op, WL_OP_ACK);
    assert_int_equal(r->len, 1);
    assert_int_equal(r->payload[0], WL_ST_OK);
}

static void do_write(tb *t, uint32_t target, uint32_t addr, const uint32_t *d, size_t n)
{
    uint32_t p[WL_FRAME_MAX_PAYLOAD];
    p[0] = target;
    p[1] = addr;
    memcpy(p + 2, d, n * 4);
    ack_ok(cmd(t, WL_OP_WRITE, p, n + 2));
}

static void do_read(tb *t, int x, int y, uint32_t addr, uint32_t *out, size_t n)
{
    uint32_t p[3] = {wl_target(x, y, x, y), addr, (uint32_t)n};
    const wl_frame *r = cmd(t, WL_OP_READ, p, 3);
    assert_int_equal(r->op, WL_OP_DATA);
    assert_int_equal(r->len, n + 1);
    assert_int_equal(r->payload[0], WL_ST_OK);
    memcpy(out, r->payload + 1, n * 4);
}

static void noisy(tb *t)
{
    t->host_in_gap = 20;
    t->host_out_gap = 40;
    t->req_gap = 40;
    t->rsp_gap = 40;
}

/* ------------------------------------------------------------------ tests */

static void test_info_ping(void **state)
{
    (void)state;
    tb *t = tb_new(1);
    noisy(t);
    const wl_frame *r = cmd(t, WL_OP_PING, NULL, 0);
    ack_ok(r);
    r = cmd(t, WL_OP_INFO, NULL, 0);
    assert_int_equal(r->op, WL_OP_INFO_REPLY);
    assert_int_equal(r->len, 8);
    uint32_t want[8] = {WL_PROTOCOL_VERSION, ROWS, COLS, BR_IMEM, BR_DMEM, BR_LANES,
                        WL_FRAME_MAX_PAYLOAD, BR_WINDOW};
    for (int i = 0; i < 8; i++)
        assert_int_equal(r->payload[i], want[i]);
    assert_int_equal(t->req_flits, 0); /* neither touches the mesh */
    tb_free(t);
}

static void test_write_read(void **state)
{
    (void)state;
    tb *t = tb_new(2);
    noisy(t);
    uint32_t w[256], r[256];
    /* one PE, a full 256-word write into dmem */
    for (int i = 0; i < 256; i++)
        w[i] = rnd(t);
    do_write(t, wl_target(2, 1, 2, 1), PE_DMEM + 0x400, w, 256);
    do_read(t, 2, 1, PE_DMEM + 0x400, r, 256);
    assert_memory_equal(r, w, sizeof w);
    assert_int_equal(t->pe[1][2].write_pkts, 1);
    assert_memory_equal(t->pe[1][2].mem + PE_DMEM + 0x400, w, sizeof w);

    /* a rectangle: one packet per PE, row by row; PEs outside untouched */
    for (int i = 0; i < 10; i++)
        w[i] = rnd(t);
    t->n_order = 0;
    do_write(t, wl_target(1, 1, 3, 2), 0x100, w, 10);
    assert_int_equal(t->n_order, 6);
    for (int k = 0; k < 6; k++)
        assert_int_equal(t->order[k], (unsigned)(1 + k % 3) | (unsigned)(1 + k / 3) << 8);
    for (int y = 0; y < ROWS; y++)
        for (int x = 0; x < COLS; x++) {
            int in = x >= 1 && x <= 3 && y >= 1 && y <= 2;
            do_read(t, x, y, 0x100, r, 10);
            if (in)
                assert_memory_equal(r, w, 40);
            else
                for (int i = 0; i < 10; i++)
                    assert_int_equal(r[i], 0);
        }

    /* broadcast to the whole mesh */
    for (int i = 0; i < 33; i++)
        w[i] = rnd(t);
    do_write(t, wl_target(0, 0, COLS - 1, ROWS - 1), PE_DMEM + 0xBF00, w, 33);
    for (int y = 0; y < ROWS; y++)
        for (int x = 0; x < COLS; x++) {
            do_read(t, x, y, PE_DMEM + 0xBF00, r, 33);
            assert_memory_equal(r, w, 33 * 4);
        }
    tb_free(t);
}

static void test_start_stop_config(void **state)
{
    (void)state;
    tb *t = tb_new(3);
    noisy(t);
    uint32_t tgt = wl_target(0, 1, 1, 3);
    ack_ok(cmd(t, WL_OP_START, &tgt, 1));
    for (int y = 0; y < ROWS; y++)
        for (int x = 0; x < COLS; x++) {
            int in = x <= 1 && y >= 1;
            assert_int_equal(t->pe[y][x].ctrl, in ? 1u : 0u);
            assert_int_equal(t->pe[y][x].ctrl_writes, in ? 1u : 0u);
        }
    tgt = wl_target(1, 2, 1, 2);
    ack_ok(cmd(t, WL_OP_STOP, &tgt, 1));
    assert_int_equal(t->pe[2][1].ctrl, 0);
    assert_int_equal(t->pe[2][1].ctrl_writes, 2);
    assert_int_equal(t->pe[1][1].ctrl, 1);

    uint32_t p[2 + 5] = {wl_target(3, 0, 3, 1), 0x40};
    for (int i = 0; i < 5; i++)
        p[2 + i] = rnd(t);
    ack_ok(cmd(t, WL_OP_CONFIG, p, 7));
    for (int y = 0; y < 2; y++) {
        fake_pe *pe = &t->pe[y][3];
        assert_int_equal(pe->cfg_pkts, 1);
        assert_int_equal(pe->cfg_addr, 0x40);
        assert_memory_equal(pe->cfg, p + 2, 20);
        assert_int_equal(pe->write_pkts, 0); /* op 3, not a WRITE */
    }
    assert_int_equal(t->pe[2][3].cfg_pkts, 0);
    tb_free(t);
}

static void test_reset(void **state)
{
    (void)state;
    tb *t = tb_new(4);
    noisy(t);
    ack_ok(cmd(t, WL_OP_PING, NULL, 0));
    /* a write still streaming when RESET arrives goes out before the pulse */
    uint32_t w[200];
    for (int i = 0; i < 200; i++)
        w[i] = rnd(t);
    uint32_t p[202] = {wl_target(0, 0, 3, 3), PE_DMEM};
    memcpy(p + 2, w, sizeof w);
    send_frame(t, WL_OP_WRITE, t->seq++, p, 202);
    send_frame(t, WL_OP_RESET, t->seq++, NULL, 0);
    wait_replies(t, t->n_replies + 2, 100000);
    const wl_frame *r = last_reply(t);
    ack_ok(r);
    assert_int_equal(r->seq, t->seq - 1);
    assert_int_equal(t->rst_pulses, 1);
    assert_true(t->rst_last_len >= 16);
    assert_true(t->reply_cycle > t->rst_end_cycle); /* ACK only after the pulse */
    assert_int_equal(t->replies[t->n_replies - 2].op, WL_OP_ACK);
    assert_memory_equal(t->pe[3][3].mem + PE_DMEM, w, sizeof w);
    assert_true(t->last_req_cycle < t->rst_start_cycle);
    assert_int_equal(t->rsq_tail, t->rsq_head);
    /* the bridge kept its state: sequence numbers carry on */
    ack_ok(cmd(t, WL_OP_PING, NULL, 0));
    /* a duplicate RESET is ACKed without a second pulse */
    send_frame(t, WL_OP_RESET, (uint8_t)(t->seq - 2), NULL, 0);
    wait_replies(t, t->n_replies + 1, 10000);
    ack_ok(&t->replies[t->n_replies - 1]);
    run(t, 100);
    assert_int_equal(t->rst_pulses, 1);
    tb_free(t);
}

static void test_bad_status(void **state)
{
    (void)state;
    tb *t = tb_new(5);
    noisy(t);
    struct {
        uint8_t op;
        uint32_t p[4];
        size_t len;
        uint32_t st;
        uint8_t rop;
    } c[] = {
        {0x0B, {0}, 0, WL_ST_BAD_OP, WL_OP_ACK},
        {WL_OP_DECODE, {0}, 0, WL_ST_BAD_OP, WL_OP_ACK},
        {0x83, {1}, 1, WL_ST_BAD_OP, WL_OP_ACK},
        {WL_OP_WRITE, {wl_target(0, 0, COLS, 0), 0, 1}, 3, WL_ST_BAD_TARGET, WL_OP_ACK},
        {WL_OP_WRITE, {wl_target(0, 0, 0, ROWS), 0, 1}, 3, WL_ST_BAD_TARGET, WL_OP_ACK},
        {WL_OP_WRITE, {wl_target(2, 0, 1, 0), 0, 1}, 3, WL_ST_BAD_TARGET, WL_OP_ACK},
        {WL_OP_START, {wl_target(0, 2, 0, 1)}, 1, WL_ST_BAD_TARGET, WL_OP_ACK},
        {WL_OP_READ, {wl_target(0, 0, 1, 0), 0, 1}, 3, WL_ST_BAD_TARGET, WL_OP_DATA},
        {WL_OP_READ, {wl_target(63, 0, 63, 0), 0, 1}, 3, WL_ST_BAD_TARGET, WL_OP_DATA},
        {WL_OP_WRITE, {wl_target(0, 0, 0, 0), 0}, 2, WL_ST_BAD_LENGTH, WL_OP_ACK},
        {WL_OP_WRITE, {wl_target(0, 0, 0, 0), 2, 1}, 3, WL_ST_BAD_LENGTH, WL_OP_ACK},
        {WL_OP_CONFIG, {wl_target(0, 0, 0, 0)}, 1, WL_ST_BAD_LENGTH, WL_OP_ACK},
        {WL_OP_READ, {wl_target(0, 0, 0, 0), 0, 0}, 3, WL_ST_BAD_LENGTH, WL_OP_DATA},
        {WL_OP_READ, {wl_target(0, 0, 0, 0), 0, 257}, 3, WL_ST_BAD_LENGTH, WL_OP_DATA},
        {WL_OP_READ, {wl_target(0, 0, 0, 0), 0, 1, 0}, 4, WL_ST_BAD_LENGTH, WL_OP_DATA},
        {WL_OP_START, {wl_target(0, 0, 0, 0), 0}, 2, WL_ST_BAD_LENGTH, WL_OP_ACK},
        {WL_OP_STOP, {0}, 0, WL_ST_BAD_LENGTH, WL_OP_ACK},
    };
    for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) {
        const wl_frame *r = cmd(t, c[i].op, c[i].p, c[i].len);
        assert_int_equal(r->op, c[i].rop);
        assert_int_equal(r->len, 1);
        assert_int_equal(r->payload[0], c[i].st);
    }
    /* a duplicate of a refused command gets the same status, still without effect */
    send_frame(t, c[3].op, (uint8_t)(t->seq - (uint8_t)(sizeof c / sizeof c[0]) + 3), c[3].p,
               c[3].len);
    wait_replies(t, t->n_replies + 1, 10000);
    assert_int_equal(t->replies[t->n_replies - 1].payload[0], WL_ST_BAD_TARGET);
    run(t, 50);
    assert_int_equal(t->req_flits, 0);
    tb_free(t);
}

static void expect_nak(tb *t, uint8_t seq, uint8_t expected)
{
    wait_replies(t, t->n_replies + 1, 20000);
    const wl_frame *r = last_reply(t);
    assert_int_equal(r->op, WL_OP_NAK);
    assert_int_equal(r->seq, seq);
    assert_int_equal(r->len, 1);
    assert_int_equal(r->payload[0], expected);
}

static void expect_silence(tb *t)
{
    size_t n = t->n_replies;
    run(t, 2000);
    assert_int_equal(t->n_replies, n);
}

static void test_sequencing(void **state)
{
    (void)state;
    tb *t = tb_new(6);
    noisy(t);
    uint32_t w[4] = {11, 22, 33, 44}, r[4];
    do_write(t, wl_target(1, 1, 1, 1), PE_DMEM, w, 4); /* seq 0 */

    /* ahead: one NAK(expected) carrying the frame's seq, then silence */
    send_frame(t, WL_OP_PING, 5, NULL, 0);
    expect_nak(t, 5, 1);
    send_frame(t, WL_OP_PING, 6, NULL, 0);
    expect_silence(t);
    /* bad CRC and bad header are silent too while the NAK stands */
    uint32_t f[16];
    size_t n = wl_frame_encode(WL_OP_PING, 1, NULL, 0, f);
    f[n - 1] ^= 0x100;
    hq_words(t, f, n);
    expect_silence(t);
    /* in order again: accepted, silence ends */
    ack_ok(cmd(t, WL_OP_PING, NULL, 0)); /* seq 1 */
    n = wl_frame_encode(WL_OP_PING, 2, NULL, 0, f);
    f[1] ^= 1u << 9; /* seq bit: CRC now fails */
    hq_words(t, f, n);
    expect_nak(t, 2 ^ 2, 2);
    ack_ok(cmd(t, WL_OP_PING, NULL, 0)); /* seq 2 */
    n = wl_frame_encode(WL_OP_PING, 3, NULL, 0, f);
    f[1] |= 1u << 30; /* header top bits: unreadable */
    hq_words(t, f, n);
    expect_nak(t, 0, 3);
    n = wl_frame_encode(WL_OP_PING, 3, NULL, 0, f);
    f[1] = (f[1] & 0xFFFFu) | 261u << 16; /* len over MAX_PAYLOAD */
    hq_words(t, f, n);
    expect_silence(t);
    ack_ok(cmd(t, WL_OP_PING, NULL, 0)); /* seq 3 */

    /* duplicate WRITE (seq 0): ACKed, not executed again */
    uint32_t p[6] = {wl_target(1, 1, 1, 1), PE_DMEM, 99, 98, 97, 96};
    send_frame(t, WL_OP_WRITE, 0, p, 6);
    wait_replies(t, t->n_replies + 1, 20000);
    ack_ok(last_reply(t));
    assert_int_equal(last_reply(t)->seq, 0);
    settle(t);
    assert_int_equal(t->pe[1][1].write_pkts, 1);
    /* duplicate READ executes again */
    do_read(t, 1, 1, PE_DMEM, r, 4); /* seq 4 */
    assert_memory_equal(r, w, sizeof w);
    uint32_t rp[3] = {wl_target(1, 1, 1, 1), PE_DMEM, 4};
    send_frame(t, WL_OP_READ, 4, rp, 3);
    wait_replies(t, t->n_replies + 1, 20000);
    assert_int_equal(last_reply(t)->op, WL_OP_DATA);
    assert_int_equal(last_reply(t)->seq, 4);
    assert_memory_equal(last_reply(t)->payload + 1, w, sizeof w);
    assert_int_equal(t->pe[1][1].read_pkts, 2);

    /* garbage between frames is skipped without a reply */
    uint32_t g[7] = {0, 0xFFFFFFFFu, 0x12345678u, WL_FRAME_SYNC ^ 1, 7, 8, 9};
    hq_words(t, g, 7);
    ack_ok(cmd(t, WL_OP_PING, NULL, 0)); /* seq 5 */

    /* a truncated frame is ended by the next one failing the CRC: NAK, resend works */
    uint32_t tp[6] = {wl_target(0, 0, 0, 0), PE_DMEM, 1, 2, 3, 4};
    n = wl_frame_encode(WL_OP_WRITE, 6, tp, 6, f);
    hq_words(t, f, 5);                       /* cut after 5 of 9 words */
    send_frame(t, WL_OP_PING, 6, NULL, 0);   /* 3 words, then one more word: */
    hq_words(t, g, 1);                       /* the truncated frame's length is complete */
    expect_nak(t, 6, 6);
    assert_int_equal(t->pe[0][0].write_pkts, 0);
    send_frame(t, WL_OP_WRITE, 6, tp, 6);
    wait_replies(t, t->n_replies + 1, 20000);
    settle(t);
    ack_ok(last_reply(t));
    assert_int_equal(last_reply(t)->seq, 6);
    assert_int_equal(t->pe[0][0].write_pkts, 1);
    t->seq = 7;
    ack_ok(cmd(t, WL_OP_PING, NULL, 0));
    /* sequence numbers wrap modulo 256 */
    for (int i = 0; i < 260; i++)
        ack_ok(cmd(t, WL_OP_PING, NULL, 0));
    tb_free(t);
}

static void test_counters(void **state)
{
    (void)state;
    tb *t = tb_new(7);
    noisy(t);
    uint32_t w[8] = {1, 2, 3, 4, 5, 6, 7, 8}, r[8];
    do_write(t, wl_target(0, 0, 1, 1), PE_DMEM, w, 8); /* 4 packets x 10 flits */
    do_read(t, 1, 0, PE_DMEM, r, 8);                   /* 3 flits out, 10 back */
    uint32_t f[16];
    size_t n = wl_frame_encode(WL_OP_PING, 2, NULL, 0, f);
    f[2] ^= 1;
    hq_words(t, f, n); /* crc error, NAK */
    expect_nak(t, 2, 2);
    ack_ok(cmd(t, WL_OP_PING, NULL, 0)); /* seq 2 */
    n = wl_frame_encode(WL_OP_PING, 3, NULL, 0, f);
    f[1] |= 0x80000000u;
    hq_words(t, f, n); /* bad header, NAK */
    expect_nak(t, 0, 3);
    send_frame(t, WL_OP_PING, 9, NULL, 0); /* ahead: silent */
    expect_silence(t);
    ack_ok(cmd(t, WL_OP_PING, NULL, 0));   /* seq 3 */
    send_frame(t, WL_OP_PING, 10, NULL, 0); /* ahead: NAK */
    expect_nak(t, 10, 4);
    send_frame(t, WL_OP_PING, 1, NULL, 0); /* duplicate */
    wait_replies(t, t->n_replies + 1, 20000);
    uint64_t c0 = bridge_cycle(t->b);
    const wl_frame *c = cmd(t, WL_OP_COUNTERS, NULL, 0); /* seq 4 */
    uint64_t c1 = bridge_cycle(t->b);
    assert_int_equal(c->op, WL_OP_DATA);
    assert_int_equal(c->len, 12);
    assert_int_equal(c->payload[0], WL_ST_OK);
    uint64_t cyc = c->payload[1] | (uint64_t)c->payload[2] << 32;
    assert_true(cyc >= c0 - 10 && cyc <= c1);
    assert_int_equal(c->payload[3], 8);  /* frames_ok: WRITE, READ, 3 PINGs, 2 ahead, COUNTERS */
    assert_int_equal(c->payload[4], 1);  /* crc_errors */
    assert_int_equal(c->payload[5], 1);  /* bad_headers */
    assert_int_equal(c->payload[6], 2);  /* out_of_order */
    assert_int_equal(c->payload[7], 1);  /* duplicates */
    assert_int_equal(c->payload[8], 3);  /* naks_sent */
    assert_int_equal(c->payload[9], t->req_flits);
    assert_int_equal(c->payload[9], 4 * 10 + 3);
    assert_int_equal(c->payload[10], t->rsp_flits);
    assert_int_equal(c->payload[10], 10);
    assert_int_equal(c->payload[11], 0); /* read_timeouts */
    tb_free(t);
}

/* Many commands back to back (window 32), replies held up by host_out_ready. */
static void test_pipelined_window(void **state)
{
    (void)state;
    tb *t = tb_new(8);
    noisy(t);
    t->host_out_gap = 60;
    enum { N = 300, W = 32 };
    static uint32_t want[N][65];
    static uint8_t kind[N];
    static size_t wn[N];
    uint32_t shadow[256] = {0};
    size_t sent = 0;
    while (t->n_replies < N) {
        if (sent < N && sent - t->n_replies < W) {
            uint32_t p[70];
            int k = (int)(rnd(t) % 4u);
            kind[sent] = (uint8_t)k;
            if (k == 0) {
                send_frame(t, WL_OP_PING, (uint8_t)sent, NULL, 0);
            } else if (k == 1) { /* write to PE (2,3), words 0..255 of a window */
                uint32_t off = rnd(t) % 200u, len = 1 + rnd(t) % 56u;
                p[0] = wl_target(2, 3, 2, 3);
                p[1] = PE_DMEM + 4 * off;
                for (uint32_t i = 0; i < len; i++)
                    shadow[off + i] = p[2 + i] = rnd(t);
                send_frame(t, WL_OP_WRITE, (uint8_t)sent, p, len + 2);
            } else if (k == 2) {
                uint32_t off = rnd(t) % 192u, len = 1 + rnd(t) % 64u;
                p[0] = wl_target(2, 3, 2, 3);
                p[1] = PE_DMEM + 4 * off;
                p[2] = len;
                memcpy(want[sent], shadow + off, len * 4);
                wn[sent] = len;
                send_frame(t, WL_OP_READ, (uint8_t)sent, p, 3);
            } else {
                send_frame(t, WL_OP_INFO, (uint8_t)sent, NULL, 0);
            }
            sent++;
        }
        tb_step(t);
        assert_true(bridge_cycle(t->b) < 2000000);
    }
    for (size_t i = 0; i < N; i++) {
        const wl_frame *r = &t->replies[i];
        assert_int_equal(r->seq, (uint8_t)i);
        static const uint8_t ops[4] = {WL_OP_ACK, WL_OP_ACK, WL_OP_DATA, WL_OP_INFO_REPLY};
        assert_int_equal(r->op, ops[kind[i]]);
        if (kind[i] == 2) {
            assert_int_equal(r->len, wn[i] + 1);
            assert_memory_equal(r->payload + 1, want[i], wn[i] * 4);
        }
    }
    assert_int_equal(t->dec.crc_errors + t->dec.bad_headers, 0);
    tb_free(t);
}

/* ------------------------------------------------ go-back-N host under link faults */
typedef struct {
    uint8_t op;
    int x, y;
    uint32_t p[66];
    size_t len;
    uint32_t want[64];
    size_t nwant;
} host_cmd;

/* Transmits frame i, possibly damaged; returns the kind of damage (for the log). */
static int transmit(tb *t, const host_cmd *c, uint8_t seq, int fault_pct)
{
    uint32_t f[WL_FRAME_MAX_WORDS];
    size_t n = wl_frame_encode(c->op, seq, c->p, c->len, f);
    int k = chance(t, fault_pct) ? 1 + (int)(rnd(t) % 5u) : 0;
    switch (k) {
    case 1: /* flipped bit anywhere */
        f[rnd(t) % n] ^= 1u << (rnd(t) % 32u);
        hq_words(t, f, n);
        break;
    case 2: /* dropped */
        break;
    case 3: /* duplicated */
        hq_words(t, f, n);
        hq_words(t, f, n);
        break;
    case 4: { /* garbage before the frame */
        uint32_t g[6];
        size_t m = 1 + rnd(t) % 6u;
        for (size_t i = 0; i < m; i++) {
            g[i] = rnd(t);
            if (g[i] == WL_FRAME_SYNC)
                g[i] = 0;
        }
        hq_words(t, g, m);
        hq_words(t, f, n);
        break;
    }
    default: /* truncated */
        if (k)
            hq_words(t, f, 1 + rnd(t) % (n - 1));
        else
            hq_words(t, f, n);
        break;
    }
    return k;
}

static void test_faults_go_back_n(void **state)
{
    (void)state;
    tb *t = tb_new(9);
    noisy(t);
    t->out_flip_permille = 3;
    enum { N = 400, W = 16, TIMEOUT = 4000 };
    host_cmd *cmds = calloc(N, sizeof *cmds);
    assert_non_null(cmds);
    /* every WRITE goes to fresh words, so a READ's answer never changes afterwards
     * (a duplicate READ re-executes and must give the same words) */
    uint32_t next_off[ROWS][COLS] = {{0}};
    unsigned writes_to[ROWS][COLS] = {{0}};
    uint32_t (*shadow)[COLS][12288] = calloc(ROWS, sizeof *shadow);
    assert_non_null(shadow);
    for (int i = 0; i < N; i++) {
        host_cmd *c = &cmds[i];
        c->x = (int)(rnd(t) % COLS);
        c->y = (int)(rnd(t) % ROWS);
        uint32_t used = next_off[c->y][c->x];
        int k = (int)(rnd(t) % 10u);
        if (k < 6 || used == 0) {
            uint32_t len = 1 + rnd(t) % 64u;
            c->op = WL_OP_WRITE;
            c->p[0] = wl_target(c->x, c->y, c->x, c->y);
            c->p[1] = PE_DMEM + 4 * used;
            for (uint32_t j = 0; j < len; j++)
                shadow[c->y][c->x][used + j] = c->p[2 + j] = rnd(t);
            c->len = len + 2;
            next_off[c->y][c->x] = used + len;
            writes_to[c->y][c->x]++;
        } else if (k < 9) {
            uint32_t off = rnd(t) % used, len = 1 + rnd(t) % 64u;
            if (off + len > used)
                len = used - off;
            c->op = WL_OP_READ;
            c->p[0] = wl_target(c->x, c->y, c->x, c->y);
            c->p[1] = PE_DMEM + 4 * off;
            c->p[2] = len;
            c->len = 3;
            memcpy(c->want, &shadow[c->y][c->x][off], len * 4);
            c->nwant = len;
        } else {
            c->op = WL_OP_PING;
        }
    }
    size_t base = 0, next = 0, seen = 0;
    uint64_t progress = 0, resends = 0, timeouts = 0, naks = 0;
    unsigned faults[6] = {0};
    while (base < N) {
        if (next < N && next - base < W && hq_level(t) < 128) {
            faults[transmit(t, &cmds[next], (uint8_t)next, 12)]++;
            next++;
        }
        tb_step(t);
        uint64_t now = bridge_cycle(t->b);
        for (; seen < t->n_replies; seen++) {
            const wl_frame *r = &t->replies[seen];
            if (r->op == WL_OP_NAK) {
                assert_int_equal(r->len, 1);
                /* go back to `expected` if it is the oldest command in flight */
                if (base < next && r->payload[0] == (uint8_t)base) {
                    resends += next - base;
                    next = base;
                    naks++;
                }
                continue;
            }
            if (base >= next || r->seq != (uint8_t)base)
                continue; /* a reply to a duplicate: already counted */
            const host_cmd *c = &cmds[base];
            if (c->op == WL_OP_READ) {
                assert_int_equal(r->op, WL_OP_DATA);
                assert_int_equal(r->len, c->nwant + 1);
                assert_int_equal(r->payload[0], WL_ST_OK);
                assert_memory_equal(r->payload + 1, c->want, c->nwant * 4);
            } else {
                ack_ok(r);
            }
            base++;
            progress = now;
        }
        if (now - progress > TIMEOUT) { /* oldest command unanswered: resend from it */
            resends += next - base;
            next = base;
            progress = now;
            timeouts++;
        }
        assert_true(now < 20000000);
    }
    run(t, 3000);
    printf("# go-back-N: %d commands in %llu cycles; faults flip %u drop %u dup %u garbage %u "
           "trunc %u; NAK go-backs %llu, timeouts %llu, frames resent %llu\n",
           N, (unsigned long long)bridge_cycle(t->b), faults[1], faults[2], faults[3],
           faults[4], faults[5], (unsigned long long)naks, (unsigned long long)timeouts,
           (unsigned long long)resends);
    assert_true(faults[1] && faults[2] && faults[3] && faults[4] && faults[5]);
    for (int y = 0; y < ROWS; y++)
        for (int x = 0; x < COLS; x++) {
            /* each WRITE executed exactly once, and memory holds exactly what was sent */
            assert_int_equal(t->pe[y][x].write_pkts, writes_to[y][x]);
            assert_memory_equal(t->pe[y][x].mem + PE_DMEM, shadow[y][x],
                                next_off[y][x] * 4);
            uint32_t z = pe_rd(&t->pe[y][x], PE_DMEM + 4 * next_off[y][x]);
            assert_int_equal(z, 0);
        }
    /* the bridge's own view of the faults */
    t->out_flip_permille = 0;
    t->seq = (uint8_t)N;
    const wl_frame *c = cmd(t, WL_OP_COUNTERS, NULL, 0);
    printf("# bridge counters: frames_ok %u crc_errors %u bad_headers %u out_of_order %u "
           "duplicates %u naks %u\n",
           c->payload[3], c->payload[4], c->payload[5], c->payload[6], c->payload[7],
           c->payload[8]);
    assert_true(c->payload[4] + c->payload[5] > 0);
    assert_true(c->payload[6] > 0 && c->payload[7] > 0 && c->payload[8] > 0);
    free(shadow);
    free(cmds);
    tb_free(t);
}

/* 64 KiB of 256-word WRITEs to one always-ready PE: payload words per cycle. */
static void test_bulk_write_efficiency(void **state)
{
    (void)state;
    tb *t = tb_new(10);
    enum { FRAMES = 64, W = BR_WINDOW };
    size_t sent = 0;
    uint32_t p[258];
    p[0] = wl_target(0, 0, 0, 0);
    uint8_t *want = calloc(FRAMES, 1024);
    assert_non_null(want);
    while (t->n_replies < FRAMES) {
        if (sent < FRAMES && sent - t->n_replies < W && hq_level(t) < 600) {
            /* imem (16 KiB) then dmem (48 KiB): the PE's whole 64 KiB of memory */
            p[1] = sent < 16 ? (uint32_t)sent * 1024u : PE_DMEM + (uint32_t)(sent - 16) * 1024u;
            for (int i = 0; i < 256; i++)
                p[2 + i] = rnd(t);
            memcpy(want + sent * 1024, p + 2, 1024);
            send_frame(t, WL_OP_WRITE, (uint8_t)sent, p, 258);
            sent++;
        }
        tb_step(t);
        assert_true(bridge_cycle(t->b) < 200000);
    }
    settle(t);
    for (size_t i = 0; i < FRAMES; i++) {
        assert_int_equal(t->replies[i].seq, (uint8_t)i);
        ack_ok(&t->replies[i]);
    }
    uint64_t cycles = t->reply_cycle - t->first_in_cycle + 1;
    double eff = (double)(FRAMES * 256) / (double)cycles;
    printf("# bulk write: %d payload words in %llu cycles: %.3f words/cycle "
           "(frame overhead limit %.3f)\n",
           FRAMES * 256, (unsigned long long)cycles, eff, 256.0 / 261.0);
    assert_true(eff >= 0.9);
    assert_memory_equal(t->pe[0][0].mem, want, 16384);
    assert_memory_equal(t->pe[0][0].mem + PE_DMEM, want + 16384, 49152);
    free(want);
    tb_free(t);
}

/* RDATA packets that are too short are padded, too long are drained; stray response
 * flits while no READ waits are dropped. Nothing wedges. */
static void test_rdata_robust(void **state)
{
    (void)state;
    tb *t = tb_new(11);
    noisy(t);
    uint32_t w[8], r[8];
    for (int i = 0; i < 8; i++)
        w[i] = rnd(t) | 1u;
    do_write(t, wl_target(2, 2, 2, 2), PE_DMEM + 0x40, w, 8);
    rsq_push(t, 0x02000000u, 0); /* a stray packet nobody asked for */
    rsq_push(t, 0x1234u, 0);
    rsq_push(t, 0x5678u, 1);
    ack_ok(cmd(t, WL_OP_PING, NULL, 0));
    assert_int_equal(t->rsq_head, t->rsq_tail);
    do_read(t, 2, 2, PE_DMEM + 0x40, r, 8);
    assert_memory_equal(r, w, sizeof w);

    t->rdata_delta = -3;
    do_read(t, 2, 2, PE_DMEM + 0x40, r, 8);
    assert_memory_equal(r, w, 5 * 4);
    for (int i = 5; i < 8; i++)
        assert_int_equal(r[i], 0);
    t->rdata_delta = -20; /* header and address only */
    do_read(t, 2, 2, PE_DMEM + 0x40, r, 8);
    for (int i = 0; i < 8; i++)
        assert_int_equal(r[i], 0);
    t->rdata_delta = 5;
    do_read(t, 2, 2, PE_DMEM + 0x40, r, 3);
    assert_memory_equal(r, w, 3 * 4);
    t->rdata_delta = 0;
    do_read(t, 2, 2, PE_DMEM + 0x44, r, 7);
    assert_memory_equal(r, w + 1, 7 * 4);
    assert_int_equal(t->rsq_head, t->rsq_tail);
    tb_free(t);
}

/* An RDATA packet from PE (x, y) for addr with n junk words, as if late. */
static void stale_rdata(tb *t, unsigned x, unsigned y, uint32_t addr, int n)
{
    rsq_push(t, 63u | x << 12 | y << 18 | (uint32_t)PKT_RDATA << 24, 0);
    rsq_push(t, addr, n == 0);
    for (int i = 0; i < n; i++)
        rsq_push(t, 0xBAD00000u | (uint32_t)i, i + 1 == n);
}

/* A PE that does not answer a READ (a core blocked on a fabric queue holds off MMIO
 * reads): after ReadTimeout cycles the DATA reply says so (status 4, zeros) and the
 * bridge takes the next command. A late answer is not taken for the answer to a later
 * READ: the header's source and the address must match. An answer that stops midway
 * ends the reply with a bad CRC, which the host drops (and retries). */
static void test_read_timeout(void **state)
{
    (void)state;
    tb *t = tb_new(12);
    uint32_t w[8], v[8], r[8];
    for (int i = 0; i < 8; i++) {
        w[i] = rnd(t) | 1u;
        v[i] = rnd(t) | 1u;
    }
    do_write(t, wl_target(1, 2, 1, 2), PE_DMEM, w, 8);
    do_write(t, wl_target(3, 0, 3, 0), PE_DMEM, v, 8);

    t->pe_silent = 1;
    uint32_t p[3] = {wl_target(1, 2, 1, 2), PE_DMEM, 8};
    uint64_t c0 = bridge_cycle(t->b);
    const wl_frame *f = cmd(t, WL_OP_READ, p, 3);
    assert_true(bridge_cycle(t->b) - c0 >= BR_READ_TIMEOUT);
    assert_int_equal(f->op, WL_OP_DATA);
    assert_int_equal(f->len, 9);
    assert_int_equal(f->payload[0], WL_ST_NO_ANSWER);
    for (int i = 1; i <= 8; i++)
        assert_int_equal(f->payload[i], 0);
    t->pe_silent = 0;
    ack_ok(cmd(t, WL_OP_PING, NULL, 0));

    /* Late answers queued ahead of the real ones: another PE's, and the same PE's for
     * another address. Both are drained; the reads get their own PE's words. */
    stale_rdata(t, 1, 2, PE_DMEM, 8);
    do_read(t, 3, 0, PE_DMEM, r, 8);
    assert_memory_equal(r, v, sizeof v);
    stale_rdata(t, 1, 2, PE_DMEM + 0x100, 3);
    do_read(t, 1, 2, PE_DMEM, r, 8);
    assert_memory_equal(r, w, sizeof w);

    /* Cut midway: the status (ok) has left, so the reply's CRC is spoilt. */
    t->rdata_cut = 3;
    size_t before = t->n_replies;
    uint64_t crc_bad = t->dec.crc_errors;
    send_frame(t, WL_OP_READ, t->seq++, p, 3);
    run(t, BR_READ_TIMEOUT + 2000);
    assert_int_equal(t->n_replies, before);
    assert_int_equal(t->dec.crc_errors, crc_bad + 1);
    t->rdata_cut = 0;
    do_read(t, 1, 2, PE_DMEM, r, 8); /* the host's retry */
    assert_memory_equal(r, w, sizeof w);
    const wl_frame *c = cmd(t, WL_OP_COUNTERS, NULL, 0);
    assert_int_equal(c->len, 12);
    assert_int_equal(c->payload[11], 2); /* read_timeouts */
    assert_int_equal(t->rsq_head, t->rsq_tail);
    tb_free(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_info_ping),
        cmocka_unit_test(test_write_read),
        cmocka_unit_test(test_start_stop_config),
        cmocka_unit_test(test_reset),
        cmocka_unit_test(test_bad_status),
        cmocka_unit_test(test_sequencing),
        cmocka_unit_test(test_counters),
        cmocka_unit_test(test_pipelined_window),
        cmocka_unit_test(test_faults_go_back_n),
        cmocka_unit_test(test_bulk_write_efficiency),
        cmocka_unit_test(test_rdata_robust),
        cmocka_unit_test(test_read_timeout),
    };
    return cmocka_run_group_tests_name("bridge", tests, NULL, NULL);
}
