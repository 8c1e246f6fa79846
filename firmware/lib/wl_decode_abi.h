/* The contract between the driver's placement plan (driver/wl_plan.c) and the decode
 * firmware (firmware/decode/): where the host puts each PE's shard of the model, its
 * KV-cache slice and its buffers, and the job block that starts a decode on PE (0,0).
 * Every field is a 32-bit word; addresses are PE byte addresses (dmem starts at
 * 0x10000). Plain C, shared by the host and the RV32 firmware. docs/DECODE.md explains
 * the dataflow. */
#ifndef WL_DECODE_ABI_H
#define WL_DECODE_ABI_H
#include <stdint.h>

#define WLD_MAGIC 0x31444C57u /* "WLD1" */
/* The firmware's own .data/.bss must end below this address (the firmware checks). */
#define WLD_BLOCK_ADDR 0x00010400u
/* Bytes kept free for the stack at the top of dmem. */
#define WLD_STACK_BYTES 1024u /* the deepest call chain uses about 900 B (gcc -fstack-usage) */
/* The broadcast color: a tree from PE (0,0), east along row 0 and south down columns. */
#define WLD_BCAST_COLOR 1u

/* Slots rounded up to whole 8-byte tensor-unit beats (rows of the transposed values). */
#define WLD_SLOT_PAD(slots) (((slots) + 7u) & ~7u)
#define WLD_MAX(a, b) ((a) > (b) ? (a) : (b))
/* Columns of the root's quantized vector, rounded up to whole GDOT chunks (32 columns)
 * so that packing it into the GDOT layout may read whole chunks. */
#define WLD_VEC_Q(n) ((((uint32_t)(n) + 31u) / 32u) * 32u)
/* qfull holds in turn: the query (int32 [dim]) or its digit planes, the values' digits
 * and digit dots (attention); and the GDOT row totals (matrix rows). The third term is
 * room for a whole quantized vector, int8 q[WLD_VEC_Q(n)] then u8 u[WLD_VEC_Q(n) / 4],
 * n = max(dim, hidden), which the root held before the PEs quantized the vector
 * themselves: nothing is stored there now, but where it is the largest term it still
 * sets the GDOT batch (WLD_QFULL_BYTES / 8 rows). */
#define WLD_QFULL_BYTES(dim, hidden, slots, head_size)                                 \
    WLD_MAX(WLD_MAX(4u * (dim), 4u * WLD_SLOT_PAD(slots) + 16u * (head_size)),          \
            WLD_VEC_Q(WLD_MAX(dim, hidden)) / 4u * 5u)

/* Who quantizes what (firmware/decode/decode.c; the analytic model costs the same
 * split). Columns [*c0, *c1) of RMSNorm(x), dim columns in groups of group_size: even
 * shares of the groups for the PEs but the root, unless it is alone. */
static inline void wld_rms_share(uint32_t dim, uint32_t group_size, uint32_t n_pe,
                                 uint32_t pe, uint32_t *c0, uint32_t *c1)
{
    uint32_t ng = (dim + group_size - 1) / group_size;
    *c0 = *c1 = 0;
    if (n_pe > 1 && pe == 0)
        return;
    uint32_t share = n_pe > 1 ? n_pe - 1 : 1, k = n_pe > 1 ? pe - 1 : 0;
    *c0 = ng * k / share * group_size;
    *c1 = ng * (k + 1) / share * group_size;
    *c1 = *c1 < dim ? *c1 : dim;
}
/* The heads formed on PE pe: *h0, *h0 + *step, ... (the count is returned). Head h
 * is on PE (h + 1) mod n_pe, the root last; all on the root when heads do not start
 * on groups (head_size not a multiple of group_size), and then *step is 1. */
static inline uint32_t wld_heads(uint32_t n_heads, uint32_t head_size, uint32_t group_size,
                                 uint32_t n_pe, uint32_t pe, uint32_t *h0, uint32_t *step)
{
    uint32_t hp = head_size % group_size ? 1 : n_pe;
    *step = hp;
    *h0 = pe < hp ? (pe + hp - 1) % hp : n_heads;
    return *h0 < n_heads ? (n_heads - 1 - *h0) / hp + 1 : 0;
}

/* out2: the w3 rows' outputs, or the q bytes and u words of a slice of at most
 * max(rows, head_size) elements (2 * roundup4(n) bytes). */
#define WLD_OUT2_BYTES(max_rows, head_size) (4u * WLD_MAX(max_rows, head_size) + 8u)

/* Matrices of one layer, in the order of wld_pe.mats. */
enum { WLD_WQ, WLD_WK, WLD_WV, WLD_WO, WLD_W1, WLD_W3, WLD_W2, WLD_PER_LAYER };
/* After the n_layers * WLD_PER_LAYER layer matrices: */
enum { WLD_EMBEDDING = 0, WLD_CLASSIFIER = 1 };

/* Rows of every matrix but the embedding are stored for the tensor unit's GDOT (8
 * lanes): chunks of WLD_CHUNK_COLS columns, each the u8 scales of its 8 groups (one
 * beat), then its 32 int8 q (four beats). A last, shorter chunk keeps its scale beat and
 * the beats its columns need; zeros fill the rest. The broadcast input vector has the
 * same layout. */
#define WLD_CHUNK_COLS 32u
#define WLD_CHUNK_BYTES 40u
#define WLD_ROW_BYTES(cols)                                                              \
    ((uint32_t)(cols) / WLD_CHUNK_COLS * WLD_CHUNK_BYTES +                               \
     ((uint32_t)(cols) % WLD_CHUNK_COLS ? 8u + ((uint32_t)(cols) % WLD_CHUNK_COLS + 7u) / 8u * 8u \
                                        : 0u))

/* This PE's rows [r0, r0 + n) of one matrix: q, its rows (WLD_ROW_BYTES(cols) each); for
 * the embedding, int8 q[n][cols] and u, its u8 scales [n][groups(cols)] (0 elsewhere);
 * s, wls_xf row_scale[n] (8 bytes each). */
typedef struct {
    uint32_t r0, n, q, u, s;
} wld_mat;

/* The PE block at WLD_BLOCK_ADDR, one per PE. */
typedef struct {
    uint32_t magic, pe, n_pe, mesh_cols, mesh_rows;
    uint32_t dim, hidden, n_layers, n_heads, n_kv_heads, vocab, seq_len;
    uint32_t mats;        /* wld_mat[n_layers * WLD_PER_LAYER + 2] */
    uint32_t slots;       /* positions held here: pe, pe + n_pe, ... (slot k = pe + k*n_pe) */
    uint32_t key_q;       /* int8 [n_layers][slots][kv_dim] */
    uint32_t value_q;     /* int8 [n_layers][kv_dim][WLD_SLOT_PAD(slots)]: transposed, so
                             that a head's values over the slots are tensor-unit rows */
    uint32_t key_max, value_max; /* int32 [n_layers][slots][n_kv_heads] */
    uint32_t rope;        /* int16 [slots][head_size]: the RoPE rows of this PE's slots */
    uint32_t rope_now;    /* int16 [head_size]: the RoPE row of the step (the owner of the
                             position writes the root's, the root broadcasts it) */
    uint32_t xc;          /* the broadcast input vector, one row of WLD_ROW_BYTES(max(dim,
                             hidden)) bytes in the GDOT layout */
    uint32_t out, out2;   /* int32 [most rows this PE holds of one matrix]; out2 is
                             WLD_OUT2_BYTES long: it is also the spread quantizer's
                             scratch (a slice's q, then its u as words) */
    uint32_t qfull;       /* WLD_QFULL_BYTES, in turn (see there): the GDOT row totals
                             (int64, batches of WLD_QFULL_BYTES / 8 rows); on the root
                             the quantizer's output; in attention the rotated query,
                             int32 [dim], or its 4 digit planes int8 [4][dim] for the
                             tensor unit; then, for the values, int8
                             [4][WLD_SLOT_PAD(slots)] weight digits and int32
                             [4][head_size] digit dots. The score digit dots, int32
                             [slots][4], go to red + n_heads. */
    uint32_t kvq;         /* int8 [2][kv_dim] then int32 [2][n_kv_heads]: the new K/V entry */
    uint32_t att;         /* int32 [max(n_heads * slots, dim)]: scores, then weights
                             [n_heads][slots]; then the heads' outputs formed here */
    uint32_t best;        /* int32 [n_heads]: the maximum scores, from the root */
    uint32_t logits;      /* int32 [classifier rows here] */
    uint32_t red;         /* reduction words: mine, from east, from south ([3][red_words]) */
    uint32_t red_words;   /* >= 2 n_heads (head_size + 1) (the attention sums) and
                             n_heads + 4 slots (the maxima, then the score digit dots) */
    uint32_t flags;       /* uint32 [WLD_FLAG_GATHER + n_pe] */
    /* The root (PE 0) only; zero elsewhere. */
    uint32_t vec;         /* int32 x[dim], q[dim], k[kv], v[kv], hb[hidden]. q also takes
                             the output projection and
                             w2's rows (it is free after attention); hb takes the u words
                             of the spread quantizer (one per group). */
    uint32_t job;         /* wld_job */
} wld_pe;

/* Flag words. WAIT_WHAT / WAIT_EP are written by the PE itself before it blocks: the
 * flag index it polls (or WLD_WAIT_BCAST while it receives a broadcast) and the epoch
 * it expects, so the host can tell where a stalled job stands on every PE. */
enum { WLD_FLAG_EAST, WLD_FLAG_SOUTH, WLD_FLAG_EMB, WLD_FLAG_ROPE, WLD_FLAG_WAIT_WHAT,
       WLD_FLAG_WAIT_EP, WLD_FLAG_GATHER };
#define WLD_WAIT_BCAST 0xFFFFu

/* Words per segment of a reduction chain (firmware/decode/mesh.c): a PE passes each
 * segment on as soon as it has folded it in, so the hops overlap. Even, so an int64
 * or a (value, index) pair never straddles two segments. The analytic model
 * (driver/wl_perf.c) costs the chain by it. */
#define WLD_RED_SEGMENT 16u

/* Where the root PE's cycles go (wld_job.prof). */
enum { WLD_PROF_MATVEC, WLD_PROF_VECTOR, WLD_PROF_ATTN, WLD_PROF_COMM, WLD_PROF_QUANT,
       WLD_PROF_ROPE_KV, WLD_PROF_ATT_OUT, WLD_PROF_SWIGLU, WLD_PROF_N };

/* Job modes */
#define WLD_MODE_LOGITS 1u /* run the classifier at every position and keep the logits */

/* The job block on PE 0. The host writes it (and `feed`) with the PEs stopped, starts
 * every PE, then polls n_out / status; the firmware appends one wld_out per token it
 * generates. */
typedef struct {
    uint32_t seq;       /* job number; the host changes it every job */
    uint32_t mode;
    uint32_t pos0;      /* position of feed[0]; the KV cache must hold 0..pos0-1 */
    uint32_t n_feed;    /* tokens fed from the host */
    uint32_t n_steps;   /* forwards in all (n_feed <= n_steps) */
    uint32_t feed;      /* address of int32 [n_steps] token ids */
    uint32_t out;       /* address of wld_out [n_steps] */
    uint32_t n_out;     /* written by the firmware */
    uint32_t status;    /* WLD_ST_* written by the firmware */
    uint32_t cycles;    /* cycles of the whole job (firmware) */
    uint32_t prof[WLD_PROF_N]; /* root's cycles by activity (WLD_PROF_*), for tuning */
} wld_job;

typedef struct {
    uint32_t token, cycle; /* the generated id and the job cycle when it was known */
} wld_out;

enum { WLD_ST_IDLE = 0, WLD_ST_RUNNING = 1, WLD_ST_DONE = 2, WLD_ST_BAD_BLOCK = 3,
       WLD_ST_BAD_JOB = 4 };

/* Broadcast commands (the first word of every step) */
enum { WLD_CMD_STEP = 0x57450000u, WLD_CMD_EXIT = 0x57450001u };

#endif
