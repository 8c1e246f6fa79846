/* Collective operations of the decode firmware over the tile's two networks:
 * broadcasts from the root PE (0,0) on one multicast color, and remote writes
 * (request-network WRITE packets) for gathers to the root and reduction chains
 * toward it. Synchronisation is by flag words that carry an epoch number which
 * every PE advances in lockstep, one per gather and one per segment of a reduction
 * (WLD_RED_SEGMENT words); a waiter waits until
 * a flag has reached its epoch, since a faster writer may already have moved it on. */
#ifndef WLD_MESH_H
#define WLD_MESH_H
#include <stdint.h>

#include "wl_decode_abi.h"

typedef struct {
    const wld_pe *b;
    unsigned x, y, pe;
    uint32_t ep; /* epoch of the next gather / reduction */
} wld_mesh;

void mesh_init(wld_mesh *m, const wld_pe *b);
static inline int mesh_is_root(const wld_mesh *m) { return m->pe == 0; }

/* Copies n words to address addr of PE (x, y) (a local copy when that is this PE).
 * Packets from one PE to another arrive in order, so a flag written after data
 * tells the reader the data is there. */
void mesh_put(const wld_mesh *m, unsigned x, unsigned y, uint32_t addr, const void *src,
              unsigned n);

/* Root: sends n words to every other PE; others: receives them. */
void mesh_bcast(const wld_mesh *m, void *words, unsigned n);

/* Every PE copies n words to the root's address `dst`; the root returns once all
 * have arrived. */
void mesh_gather(wld_mesh *m, uint32_t dst, const void *src, unsigned n);
/* Root: waits until the flag `idx` reaches the current epoch (written by one PE with
 * mesh_signal_root), then advances the epoch; others just advance. */
void mesh_signal_root(const wld_mesh *m, unsigned idx);
void mesh_wait_signal(wld_mesh *m, const unsigned *idx, unsigned n);

/* Combines the words of every PE into the root's `mine` buffer (n words at
 * b->red): each PE folds in what its children sent, then passes it to its parent
 * (west, or north in column 0), segment by segment so the hops overlap.
 * `combine(acc, other, n)` must be associative and commutative and work on any even
 * number of words. */
typedef void (*mesh_combine_fn)(uint32_t *acc, const uint32_t *other, unsigned n);
void mesh_reduce(wld_mesh *m, unsigned n, mesh_combine_fn combine);

void mesh_max_i32(uint32_t *acc, const uint32_t *other, unsigned n);
void mesh_sum_i64(uint32_t *acc, const uint32_t *other, unsigned n);
/* Pairs (value, index): larger value wins, then the lower index. */
void mesh_argmax(uint32_t *acc, const uint32_t *other, unsigned n);

#endif
