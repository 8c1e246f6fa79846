#include "wl_link.h"

#include <stdlib.h>
#include <string.h>

#include "wl_frame.h"

#define MAX_WINDOW 64

typedef struct {
    uint8_t seq, op;
    int done, sent_once;
    uint32_t frame[WL_FRAME_MAX_WORDS];
    size_t n_words;
    uint32_t *reply;
    size_t reply_cap, *reply_len;
} slot;

struct wl_link {
    const wl_transport_ops *ops;
    void *ts;
    wl_frame_decoder dec;
    slot slots[MAX_WINDOW]; /* ring: head is the oldest command in flight */
    int head, count, window;
    uint8_t next_seq;
    uint64_t timeout, last_progress;
    int failed;
    wl_error first_error;
    wl_link_stats st;
    uint32_t rx[4096];
};

static const char *op_name(uint8_t op)
{
    switch (op) {
    case WL_OP_PING: return "PING";
    case WL_OP_INFO: return "INFO";
    case WL_OP_WRITE: return "WRITE";
    case WL_OP_READ: return "READ";
    case WL_OP_COUNTERS: return "COUNTERS";
    case WL_OP_RESET: return "RESET";
    case WL_OP_START: return "START";
    case WL_OP_STOP: return "STOP";
    case WL_OP_CONFIG: return "CONFIG";
    default: return "command";
    }
}

/* Commands whose reply carries data: a lost reply means asking again. */
static int wants_data(uint8_t op)
{
    return op == WL_OP_INFO || op == WL_OP_READ || op == WL_OP_COUNTERS;
}

int wl_link_open(const wl_transport_ops *ops, const char *args, wl_link **out, wl_error *err)
{
    *out = NULL;
    wl_link *l = calloc(1, sizeof *l);
    if (!l)
        return wl_fail(err, WL_ERR_NOMEM, "out of memory");
    int rc = ops->open(args, &l->ts, err);
    if (rc) {
        free(l);
        return rc;
    }
    l->ops = ops;
    l->window = 32;
    l->timeout = 400000; /* cycles on sim: longer than a broadcast write on 16x16 */
    wl_frame_decoder_init(&l->dec);
    *out = l;
    return WL_OK;
}

void wl_link_close(wl_link *l)
{
    if (!l)
        return;
    l->ops->close(l->ts);
    free(l);
}

void wl_link_transport_info(wl_link *l, wl_transport_info *info)
{
    memset(info, 0, sizeof *info);
    l->ops->info(l->ts, info);
}

void wl_link_set_faults(wl_link *l, const wl_faults *faults)
{
    if (l->ops->set_faults)
        l->ops->set_faults(l->ts, faults);
}

void wl_link_configure(wl_link *l, int window, uint64_t timeout)
{
    if (window >= 1 && window <= MAX_WINDOW)
        l->window = window;
    if (timeout > 0)
        l->timeout = timeout;
}

wl_link_stats wl_link_get_stats(const wl_link *l)
{
    wl_link_stats s = l->st;
    s.rx_crc_errors = l->dec.crc_errors;
    s.rx_bad_headers = l->dec.bad_headers;
    s.rx_skipped_words = l->dec.skipped_words;
    return s;
}

uint64_t wl_link_now(wl_link *l) { return l->ops->now(l->ts); }

static slot *at(wl_link *l, int i) { return &l->slots[(l->head + i) % MAX_WINDOW]; }

/* Position of `seq` in the window, or -1. */
static int find(wl_link *l, uint8_t seq)
{
    if (!l->count)
        return -1;
    int i = (uint8_t)(seq - at(l, 0)->seq);
    return i < l->count ? i : -1;
}

static int transmit(wl_link *l, slot *s, wl_error *err)
{
    int rc = l->ops->send(l->ts, s->frame, s->n_words, err);
    if (rc == WL_OK) {
        if (s->sent_once)
            l->st.frames_resent++;
        else
            l->st.frames_sent++;
        s->sent_once = 1;
    }
    return rc;
}

static void note_error(wl_link *l, const char *fmt_op, uint8_t seq, uint32_t status)
{
    if (l->failed)
        return;
    l->failed = 1;
    const char *why = status == WL_ST_BAD_OP ? "unknown op"
                      : status == WL_ST_BAD_TARGET ? "target outside the mesh"
                      : status == WL_ST_BAD_LENGTH ? "bad length or address"
                      : status == WL_ST_NO_ANSWER ? "the PE did not answer the READ in time "
                                                    "(a core blocked on a fabric queue holds "
                                                    "off MMIO reads; RESET frees it)"
                                                   : "error";
    wl_fail(&l->first_error, WL_ERR_DEVICE, "tile refused %s (seq %u): %s (status %u)", fmt_op,
            seq, why, status);
}

/* Commands before index i were executed by the device (it executes in order): those
 * without data are complete; those whose data reply is missing must be asked again. */
static void executed_before(wl_link *l, int i)
{
    for (int k = 0; k < i; k++) {
        slot *s = at(l, k);
        if (!s->done && !wants_data(s->op))
            s->done = 1;
    }
}

static void on_frame(void *ctx, const wl_frame *f)
{
    wl_link *l = ctx;
    l->st.replies++;
    if (f->op == WL_OP_NAK) {
        l->st.naks++;
        if (f->len < 1)
            return;
        int i = find(l, (uint8_t)f->payload[0]);
        executed_before(l, i < 0 ? 0 : i);
        /* resend everything not complete, oldest first */
        for (int k = 0; k < l->count; k++)
            if (!at(l, k)->done)
                transmit(l, at(l, k), NULL);
        l->last_progress = l->ops->now(l->ts);
        return;
    }
    int i = find(l, f->seq);
    if (i < 0 || at(l, i)->done)
        return; /* a reply to a command already complete (a duplicate) */
    slot *s = at(l, i);
    uint32_t status = 0;
    const uint32_t *data = f->payload;
    size_t n = f->len;
    if (f->op == WL_OP_ACK || f->op == WL_OP_DATA) {
        status = f->len ? f->payload[0] : WL_ST_BAD_LENGTH;
        data++;
        n = n ? n - 1 : 0;
    }
    if (status)
        note_error(l, op_name(s->op), s->seq, status);
    if (s->reply) {
        size_t m = n < s->reply_cap ? n : s->reply_cap;
        memcpy(s->reply, data, m * sizeof *data);
        if (s->reply_len)
            *s->reply_len = m;
    }
    s->done = 1;
    executed_before(l, i);
    for (int k = 0; k < i; k++)
        if (!at(l, k)->done)
            transmit(l, at(l, k), NULL);
    l->last_progress = l->ops->now(l->ts);
}

/* Receives for up to `timeout` transport units and decodes what arrived. */
static int receive(wl_link *l, uint64_t timeout, wl_error *err)
{
    size_t got = 0;
    int rc = l->ops->recv(l->ts, l->rx, sizeof l->rx / sizeof l->rx[0], &got, timeout, err);
    for (size_t i = 0; !rc && i < got; i++)
        wl_frame_decoder_push(&l->dec, l->rx[i], on_frame, l);
    return rc;
}

/* Receives for a while and retires completed commands at the head. */
static int pump(wl_link *l, wl_error *err)
{
    int rc = receive(l, 2000, err);
    if (rc)
        return rc;
    while (l->count && at(l, 0)->done) {
        l->head = (l->head + 1) % MAX_WINDOW;
        l->count--;
    }
    if (l->count && l->ops->now(l->ts) - l->last_progress > l->timeout) {
        l->st.timeouts++;
        for (int k = 0; k < l->count; k++)
            if (!at(l, k)->done)
                if ((rc = transmit(l, at(l, k), err)))
                    return rc;
        l->last_progress = l->ops->now(l->ts);
        if (l->st.timeouts > 1000)
            return wl_fail(err, WL_ERR_DEVICE, "the tile stopped answering (1000 timeouts)");
    }
    return WL_OK;
}

int wl_link_submit(wl_link *l, uint8_t op, const uint32_t *payload, size_t len,
                   uint32_t *reply, size_t reply_cap, size_t *reply_len, wl_error *err)
{
    if (len > WL_FRAME_MAX_PAYLOAD)
        return wl_fail(err, WL_ERR_ARG, "command payload of %zu words exceeds %d", len,
                       WL_FRAME_MAX_PAYLOAD);
    while (l->count >= l->window) {
        int rc = pump(l, err);
        if (rc)
            return rc;
    }
    if (l->count == 0)
        l->last_progress = l->ops->now(l->ts);
    slot *s = at(l, l->count);
    memset(s, 0, offsetof(slot, frame));
    s->seq = l->next_seq++;
    s->op = op;
    s->n_words = wl_frame_encode(op, s->seq, payload, len, s->frame);
    s->reply = reply;
    s->reply_cap = reply_cap;
    s->reply_len = reply_len;
    if (reply_len)
        *reply_len = 0;
    l->count++;
    l->st.commands++;
    return transmit(l, s, err);
}

int wl_link_wait(wl_link *l, wl_error *err)
{
    while (l->count) {
        int rc = pump(l, err);
        if (rc)
            return rc;
    }
    if (l->failed) {
        l->failed = 0;
        if (err)
            *err = l->first_error;
        return WL_ERR_DEVICE;
    }
    return WL_OK;
}

int wl_link_idle(wl_link *l, uint64_t units, wl_error *err)
{
    uint64_t until = l->ops->now(l->ts) + units;
    for (uint64_t now = l->ops->now(l->ts); now < until; now = l->ops->now(l->ts)) {
        int rc = receive(l, until - now, err);
        if (rc)
            return rc;
    }
    return WL_OK;
}

int wl_link_call(wl_link *l, uint8_t op, const uint32_t *payload, size_t len, uint32_t *reply,
                 size_t reply_cap, size_t *reply_len, wl_error *err)
{
    int rc = wl_link_submit(l, op, payload, len, reply, reply_cap, reply_len, err);
    return rc ? rc : wl_link_wait(l, err);
}
