#include "mesh.h"

#include "wl_pe.h"

#define WORDS(addr) ((volatile uint32_t *)(uintptr_t)(addr))

void mesh_init(wld_mesh *m, const wld_pe *b)
{
    m->b = b;
    m->x = wl_x();
    m->y = wl_y();
    m->pe = b->pe;
    m->ep = 0;
}

void mesh_put(const wld_mesh *m, unsigned x, unsigned y, uint32_t addr, const void *src,
              unsigned n)
{
    const uint32_t *s = src;
    if (n == 0)
        return;
    if (x == m->x && y == m->y) {
        volatile uint32_t *d = WORDS(addr);
        for (unsigned i = 0; i < n; i++)
            d[i] = s[i];
        return;
    }
    WL_REG(WL_REQ_TX) = wl_pkt_header(x, y, 0 /* WRITE */, 0);
    WL_REG(WL_REQ_TX) = addr;
    for (unsigned i = 0; i + 1 < n; i++)
        WL_REG(WL_REQ_TX) = s[i];
    WL_REG(WL_REQ_TX_LAST) = s[n - 1];
}

static void put_flag(const wld_mesh *m, unsigned x, unsigned y, unsigned idx)
{
    uint32_t ep = m->ep;
    mesh_put(m, x, y, m->b->flags + 4 * idx, &ep, 1);
}

/* Leaves what this PE is about to wait for where the host can read it. */
static void note_wait(const wld_mesh *m, unsigned what)
{
    volatile uint32_t *f = WORDS(m->b->flags);
    f[WLD_FLAG_WAIT_EP] = m->ep;
    f[WLD_FLAG_WAIT_WHAT] = what;
}

static void wait_flag(const wld_mesh *m, unsigned idx)
{
    volatile uint32_t *f = WORDS(m->b->flags);
    note_wait(m, idx);
    /* At least this epoch, not exactly: a PE with little work runs through several
     * gathers (q, k, v) before the root looks, and a later flag overwrites this one. */
    while ((int32_t)(f[idx] - m->ep) < 0) {
    }
}

void mesh_bcast(const wld_mesh *m, void *words, unsigned n)
{
    uint32_t *w = words;
    if (m->b->n_pe == 1)
        return;
    if (mesh_is_root(m))
        for (unsigned i = 0; i < n; i++)
            wl_send(WLD_BCAST_COLOR, w[i]);
    else {
        note_wait(m, WLD_WAIT_BCAST);
        for (unsigned i = 0; i < n; i++)
            w[i] = wl_recv();
    }
}

void mesh_gather(wld_mesh *m, uint32_t dst, const void *src, unsigned n)
{
    mesh_put(m, 0, 0, dst, src, n);
    if (mesh_is_root(m)) {
        for (unsigned p = 1; p < m->b->n_pe; p++)
            wait_flag(m, WLD_FLAG_GATHER + p);
    } else {
        put_flag(m, 0, 0, WLD_FLAG_GATHER + m->pe);
    }
    m->ep++;
}

void mesh_signal_root(const wld_mesh *m, unsigned idx) { put_flag(m, 0, 0, idx); }

void mesh_wait_signal(wld_mesh *m, const unsigned *idx, unsigned n)
{
    if (mesh_is_root(m))
        for (unsigned i = 0; i < n; i++)
            wait_flag(m, idx[i]);
    m->ep++;
}

_Static_assert(WLD_RED_SEGMENT % 2 == 0, "a segment must hold whole int64s and pairs");

void mesh_reduce(wld_mesh *m, unsigned n, mesh_combine_fn combine)
{
    const wld_pe *b = m->b;
    uint32_t *mine = (uint32_t *)(uintptr_t)b->red;
    unsigned cols = b->mesh_cols, rows = b->mesh_rows;
    int east = m->x + 1 < cols, south = m->x == 0 && m->y + 1 < rows;
    /* the parent's buffer and flag for what this PE sends: west, or north in column 0 */
    unsigned px = m->x, py = m->y, pflag = WLD_FLAG_EAST;
    uint32_t pbuf = b->red + 4 * b->red_words;
    if (m->x > 0) {
        px--;
    } else if (m->y > 0) {
        py--;
        pflag = WLD_FLAG_SOUTH;
        pbuf = b->red + 8 * b->red_words;
    }
    int parent = px != m->x || py != m->y;
    /* One epoch per segment: every PE reduces the same n, so they stay in step, and a
     * flag at a segment's epoch means that segment (and the earlier ones, sent before
     * it on the same path) has arrived. */
    for (unsigned off = 0; off < n; off += WLD_RED_SEGMENT, m->ep++) {
        unsigned k = n - off < WLD_RED_SEGMENT ? n - off : WLD_RED_SEGMENT;
        if (east) {
            wait_flag(m, WLD_FLAG_EAST);
            combine(mine + off, mine + b->red_words + off, k);
        }
        if (south) {
            wait_flag(m, WLD_FLAG_SOUTH);
            combine(mine + off, mine + 2 * b->red_words + off, k);
        }
        if (parent) {
            mesh_put(m, px, py, pbuf + 4 * off, mine + off, k);
            put_flag(m, px, py, pflag);
        }
    }
}

void mesh_max_i32(uint32_t *acc, const uint32_t *other, unsigned n)
{
    for (unsigned i = 0; i < n; i++)
        if ((int32_t)other[i] > (int32_t)acc[i])
            acc[i] = other[i];
}

void mesh_sum_i64(uint32_t *acc, const uint32_t *other, unsigned n)
{
    for (unsigned i = 0; i + 1 < n; i += 2) {
        uint32_t lo = acc[i] + other[i];
        acc[i + 1] += other[i + 1] + (lo < acc[i]);
        acc[i] = lo;
    }
}

void mesh_argmax(uint32_t *acc, const uint32_t *other, unsigned n)
{
    for (unsigned i = 0; i + 1 < n; i += 2) {
        int32_t a = (int32_t)acc[i], o = (int32_t)other[i];
        if (o > a || (o == a && other[i + 1] < acc[i + 1])) {
            acc[i] = other[i];
            acc[i + 1] = other[i + 1];
        }
    }
}
