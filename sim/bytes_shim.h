#ifndef BYTES_SHIM_H
#define BYTES_SHIM_H
/* extern "C" access to the Verilated wl_host_bytes (byte-wide host link adapter). */
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct bytes_sim bytes_sim;

bytes_sim *bytes_sim_new(void);
void bytes_sim_free(bytes_sim *s);
/* One clock cycle. Inputs: a byte offered from the host (rx_valid), whether the tile
 * takes a word (word_ready), a word offered by the tile (win_valid), whether the host
 * takes a byte (tx_ready). Outputs: what was transferred on this edge. */
typedef struct {
    int rx_valid, word_ready, win_valid, tx_ready;
    uint8_t rx_data;
    uint32_t win_data;
    /* results */
    int rx_taken, word_out, win_taken, tx_out;
    uint32_t word;
    uint8_t tx_byte;
} bytes_cycle;
void bytes_sim_step(bytes_sim *s, bytes_cycle *c);

#ifdef __cplusplus
}
#endif

#endif
