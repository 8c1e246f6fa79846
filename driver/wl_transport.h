#ifndef WL_TRANSPORT_H
#define WL_TRANSPORT_H
/* The transport seam under the tile device: moves host-link words (docs/PROTOCOL.md)
 * to and from a tile. Backends: `sim` (the Verilated tile in process, the host owns
 * its clock) and, later, `usb`. A transport knows nothing of frames' meaning. */

#include <stddef.h>
#include <stdint.h>

#include "wl_error.h"

typedef struct {
    int rows, cols, imem_bytes, dmem_bytes, lanes; /* what the transport knows, or 0 */
    const char *time_unit;                         /* "cycles" or "ms" */
} wl_transport_info;

/* Faults injected by a transport (for tests): per-frame probabilities on the way to
 * the device and per-word probabilities on the way back. */
typedef struct {
    double drop_frame, dup_frame, flip_bit, garbage, truncate; /* host -> device */
    double flip_bit_back, drop_word_back;                       /* device -> host */
    uint64_t seed;
} wl_faults;

typedef struct {
    const char *scheme;
    int (*open)(const char *args, void **state, wl_error *err);
    void (*close)(void *state);
    void (*info)(void *state, wl_transport_info *info);
    /* Queues one frame (n words) toward the device; does not wait for it to go. */
    int (*send)(void *state, const uint32_t *words, size_t n, wl_error *err);
    /* Moves queued words and returns words from the device: waits until at least one
     * word arrives or `timeout` time units pass. *got may be 0. */
    int (*recv)(void *state, uint32_t *words, size_t cap, size_t *got, uint64_t timeout,
                wl_error *err);
    /* Time in the transport's unit (cycles for sim). */
    uint64_t (*now)(void *state);
    /* Optional: inject faults from now on. */
    void (*set_faults)(void *state, const wl_faults *faults);
} wl_transport_ops;

extern const wl_transport_ops wl_sim_transport_ops;

#endif
