#ifndef WL_LINK_H
#define WL_LINK_H
/* The host end of the host-link protocol (docs/PROTOCOL.md) over any transport:
 * numbered commands, a go-back-N window so bulk writes are pipelined, retransmission
 * on NAK or timeout, replies matched by sequence number. One link per device handle. */

#include <stddef.h>
#include <stdint.h>

#include "wl_error.h"
#include "wl_transport.h"

typedef struct wl_link wl_link;

typedef struct {
    uint64_t commands, frames_sent, frames_resent, timeouts, naks, replies;
    uint64_t rx_crc_errors, rx_bad_headers, rx_skipped_words;
} wl_link_stats;

/* Opens the transport (`args` after the scheme, may be NULL) and the link on it. */
int wl_link_open(const wl_transport_ops *ops, const char *args, wl_link **out, wl_error *err);
void wl_link_close(wl_link *l);
void wl_link_transport_info(wl_link *l, wl_transport_info *info);
void wl_link_set_faults(wl_link *l, const wl_faults *faults);
/* Window (commands in flight, 1..64) and timeout (transport units) settings. */
void wl_link_configure(wl_link *l, int window, uint64_t timeout);
wl_link_stats wl_link_get_stats(const wl_link *l);
uint64_t wl_link_now(wl_link *l);

/* Queues a command. Its reply payload (after the status word for ACK and DATA) goes to
 * reply[0..reply_cap) with the word count in *reply_len, when it arrives; both may be
 * NULL. Waits only while the window is full. Errors of earlier commands are
 * reported by the next call or by wl_link_wait. */
int wl_link_submit(wl_link *l, uint8_t op, const uint32_t *payload, size_t len,
                   uint32_t *reply, size_t reply_cap, size_t *reply_len, wl_error *err);
/* Waits until every queued command has its reply. */
int wl_link_wait(wl_link *l, wl_error *err);
/* Lets `units` of transport time pass (sim: clock cycles), handling any replies that
 * arrive meanwhile; for pacing polls. */
int wl_link_idle(wl_link *l, uint64_t units, wl_error *err);
/* submit + wait. */
int wl_link_call(wl_link *l, uint8_t op, const uint32_t *payload, size_t len, uint32_t *reply,
                 size_t reply_cap, size_t *reply_len, wl_error *err);

#endif
