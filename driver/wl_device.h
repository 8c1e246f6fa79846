#ifndef WL_DEVICE_H
#define WL_DEVICE_H
/* The device seam of libwaferlet: one handle per device, opened by URI.
 *   ref        the integer spec run on the host (golden model for the tile)
 *   float      the float32 reference (llama2.c's run.c arithmetic)
 *   sim[:RxC]  the Verilated tile in process, running the decode firmware
 *   usb[:SER]  an FPGA board over USB            (not in this build yet)
 * Every call returns a wl_status; on failure `err` holds one actionable line. */

#include <stdint.h>
#include <stdio.h>

#include "wl_error.h"
#include "wl_model.h"

typedef struct wl_device wl_device;

typedef struct {
    char uri[64];          /* as opened, e.g. "ref" */
    char kind[32];         /* "golden-int", "golden-float", "tile" */
    int integer_logits;    /* 1: logits are the integer spec's Q16 values */
    int rows, cols;        /* mesh size; 0 for host-only devices */
    int sram_bytes_per_pe; /* 0 for host-only devices */
    int lanes;             /* tensor-unit MACs per cycle; 0 for host-only devices */
    char firmware_version[32];
    int protocol_version;  /* host-link protocol; 0 for host-only devices */
} wl_device_info;

/* Settings of a decode job (llama2.c's generate): `steps` positions in all, prompt
 * included; the first prompt id is fed at position 0. */
typedef struct {
    const int *prompt;
    int n_prompt;
    int steps;
    float temperature; /* 0 = greedy */
    float topp;
    uint64_t seed;
} wl_decode_job;

typedef struct {
    int prompt_tokens;
    int generated;        /* tokens produced after the prompt */
    double wall_seconds;
    int has_cycles;       /* the device counts clock cycles (tile devices) */
    double cycles_per_token;  /* job cycles / positions run (prefill included) */
    double ttft_cycles;       /* job start to the first generated token */
    double mac_utilization;   /* spec MACs / (cycles x PEs x lanes) */
    double total_cycles;
    /* Tile devices: the root PE's cycles by activity (matrix rows, vector work such
     * as norms and quantization, attention, waiting on the fabric). */
    double root_matvec, root_vector, root_attention, root_comm;
    double root_quantize, root_rope_kv, root_att_out, root_swiglu;
    /* Tile devices: the analytic model's cycles per position for the same job
     * (docs/PERFORMANCE.md), in all and by term. */
    double model_cycles_per_token, model_matvec, model_vector, model_attention, model_fabric;
    /* Tile devices: the hardware counters over the job (every PE, read before START and
     * after the last PE stopped; the host's polls of the job block are included).
     * tu_macs: int8 MACs the tensor units did (the core's own MACs are not in it),
     * also over cycles x PEs x lanes; the fraction of PE-cycles the tensor units were
     * busy; link_flits: flits over all links per network (color, request, response;
     * every router output, ejections into PEs included); the busiest single link, its
     * router (x, y), network and port (WL_NET_*, WL_PORT_* of wl_tile.h), its flits
     * and the fraction of the job's cycles it carried one. */
    int has_counters;
    double tu_macs, tu_mac_utilization, tu_busy_fraction, link_flits[3];
    double busiest_link_flits, busiest_link_utilization;
    int busiest_link_x, busiest_link_y, busiest_link_net, busiest_link_port;
} wl_decode_stats;

/* Progress of a long operation: `done` of `total` units of `what`. */
typedef void (*wl_progress_fn)(void *ctx, const char *what, uint64_t done, uint64_t total);

/* Called for every token the job emits (prompt continuation and generated), in
 * order; return non-zero to stop the job early. */
typedef int (*wl_token_fn)(void *ctx, int pos, int token);

int wl_device_open(const char *uri, wl_device **out, wl_error *err);
void wl_device_close(wl_device *d);
int wl_device_info_get(wl_device *d, wl_device_info *info, wl_error *err);

/* Prepares the device for `m` (quantizes, places, uploads as the device needs). The
 * model must outlive the device's use of it. */
int wl_device_load_model(wl_device *d, const wl_model *m, wl_error *err);

/* Reports upload progress of later wl_device_load_model calls (tile devices). */
void wl_device_set_progress(wl_device *d, wl_progress_fn fn, void *ctx);

/* Prints the placement of `m` on the device (tile devices): what each PE holds and
 * whether it fits; a model that does not fit returns WL_ERR_NOSPACE after printing. */
int wl_device_plan(wl_device *d, const wl_model *m, FILE *f, int json, wl_error *err);

/* Runs one position and copies vocab_size logits (as float) into `logits`.
 * Positions must start at 0 for a new sequence and go up by one. */
int wl_device_forward(wl_device *d, int token, int pos, float *logits, wl_error *err);

/* Integer devices only: the exact Q16 logits of the last forward. */
int wl_device_logits_q16(wl_device *d, int32_t *logits, wl_error *err);

/* The host link of a tile device (sim, usb), or NULL for host-only devices. */
struct wl_link *wl_device_link(wl_device *d);

/* Runs a decode job, storing emitted tokens in tokens[] (room for job->steps).
 * Greedy jobs on a tile run on the tile in one go (tokens stream back through
 * on_token; its return value cannot stop the tile early). */
int wl_device_decode(wl_device *d, const wl_decode_job *job, int *tokens, int *n_tokens,
                     wl_token_fn on_token, void *ctx, wl_decode_stats *stats,
                     wl_error *err);

#endif
