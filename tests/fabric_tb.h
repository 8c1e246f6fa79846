/* Traffic generators and scoreboards for the Verilated wl_mesh (see sim/mesh_shim.h).
 *
 * Endpoints: PE n (local ramp of router n) is endpoint n; edge link e is endpoint
 * N + e. The host sits on the west edge of row 0 (x = 63, y = 0).
 *
 * Color traffic: flows (source endpoint, color, destination set) are laid out as
 * dimension-ordered trees and written into the routers' tables with CFG packets
 * from the host port, like the real host does. Wavelet data = src << 22 | seq.
 * The scoreboard derives the expected destinations of every (source, color) by
 * walking the programmed tables and checks that each wavelet reaches exactly those
 * endpoints, exactly once, in order per (source, color).
 *
 * Packet traffic: WRITE and READ requests between PEs and the host on the request
 * network; every READ is answered with RDATA on the response network by a PE
 * model. Receivers check the header, sequence per (source, destination), length
 * and payload; requesters check that every READ gets exactly one answer, in order.
 *
 * A watchdog fails a run when nothing moves for `watchdog` cycles while traffic is
 * pending. */
#ifndef FABRIC_TB_H
#define FABRIC_TB_H
#include <stdint.h>

typedef struct fab_tb fab_tb;

typedef struct {
  uint64_t seed;
  double sink_ready; /* probability that a sink takes a word in a cycle */
  long watchdog;     /* cycles without any transfer that count as a stall */
} fab_opts;

typedef struct {
  long cycles;          /* cycles of the last fab_run */
  long col_injected;    /* wavelets accepted at sources */
  long col_delivered;   /* wavelet copies received at destinations */
  long pkt_sent;        /* request + response packets injected */
  long pkt_received;    /* request + response packets checked at destinations */
  long pkt_flits;       /* flits received on the packet networks */
  long reduce_results;  /* reduction chain results checked */
} fab_stats;

fab_tb *fab_new(const fab_opts *opts);
void fab_free(fab_tb *t);

int fab_model_rows(void); /* size the model was built for */
int fab_model_cols(void);
int fab_rows(const fab_tb *t);
int fab_cols(const fab_tb *t);
int fab_pe(const fab_tb *t, int x, int y);       /* endpoint of PE (x, y) */
int fab_edge(const fab_tb *t, int side, int i);  /* side 1 N, 2 E, 3 S, 4 W */
int fab_host(const fab_tb *t);
int fab_endpoints(const fab_tb *t);

/* Routes. Colors 28..31 are reserved for the system; tests use 0..27. */
void fab_clear_flows(fab_tb *t);
/* Adds a flow on `color`; 0 on success, -1 when it would disturb existing flows. */
int fab_add_flow(fab_tb *t, int src, const int *dst, int ndst, int color);
/* Tries colors lo..hi-1 in turn; returns the color used or -1. */
int fab_add_flow_any(fab_tb *t, int src, const int *dst, int ndst, int lo, int hi);
/* Flow on `color` that the PE models treat as a reduction chain link: a PE adds
 * its own term to the partial sum it receives and passes it on. */
void fab_mark_reduce(fab_tb *t, int color);
/* Writes every router's table with CFG packets from the host and waits for a
 * fence packet behind them at every PE. 0 on success. */
int fab_configure(fab_tb *t);
/* Writes the tables to the hardware but keeps the scoreboard's expectations
 * (for checking that the scoreboard notices a misroute). */
int fab_configure_hw_only(fab_tb *t);

/* Traffic. rate: probability per cycle that a source creates a wavelet (1 = always
 * backlogged). budget: wavelets in all. */
void fab_color_traffic(fab_tb *t, double rate, long budget);
/* Only the listed source endpoints inject color traffic (default: all with flows). */
void fab_color_sources(fab_tb *t, const int *src, int n);
/* Packet requests from every PE and the host to random PEs (the host too, for
 * PE writes). rate per source per cycle; max_len payload words; read_frac of
 * requests are READs. */
void fab_packet_traffic(fab_tb *t, double rate, int max_len, double read_frac, long budget);
/* Reduction chains: `rounds` values enter at each chain head. */
void fab_reduce_traffic(fab_tb *t, long rounds);

/* Runs until all budgets are spent and everything drained (0), an error (-1), or
 * max_cycles pass (-2). */
int fab_run(fab_tb *t, long max_cycles);
/* Zero-load latency: one wavelet from src on color, cycles from the source
 * handshake to the handshake at dst; -1 on error. */
long fab_probe_color(fab_tb *t, int src, int color, int dst);
/* Zero-load latency of a request packet header from the host to PE dst (cycles
 * from the header handshake at the host port to the header handshake at the PE). */
long fab_probe_packet(fab_tb *t, int dst);

const fab_stats *fab_get_stats(const fab_tb *t);
void fab_reset_stats(fab_tb *t);
long fab_errors(const fab_tb *t);
const char *fab_first_error(const fab_tb *t);
/* Final accounting: lost wavelets/packets are errors once traffic has drained. */
int fab_check_complete(fab_tb *t);

uint64_t fab_seed_from_env(uint64_t fallback);

#endif
