/* Tile bring-up firmware, run on every PE at once: a dot product of the host's data
 * with a vector made from the PE's coordinates, then a neighbour exchange over
 * color 1 (each PE sends its result east; a PE with a west neighbour receives it).
 * The host (tests/test_tile.c) programs the route tables, writes IN, starts the PEs
 * and checks OUT, which also reports the PE's dmem size and the stack pointer (crt0
 * starts it at the top of the real dmem). */
#include <stdint.h>

#include "wl_pe.h"

#define TC_IN ((volatile int8_t *)(WL_DMEM_BASE + 0x8000u))     /* 64 int8 from the host */
#define TC_OUT ((volatile uint32_t *)(WL_DMEM_BASE + 0x8100u))  /* results for the host */
#define TC_MAGIC 0x600DF00Du
#define TC_COLOR 1u

int main(void)
{
    unsigned x = wl_x(), y = wl_y();
    int32_t dot = 0;
    for (int i = 0; i < 64; i++)
        dot += TC_IN[i] * (int8_t)(i + 7 * (int)x + 13 * (int)y);
    /* The last column's route table drops what it sends: no east neighbour. */
    wl_send(TC_COLOR, (uint32_t)dot);
    uint32_t from_west = x > 0 ? wl_recv() : 0;
    TC_OUT[1] = (uint32_t)dot;
    TC_OUT[2] = from_west;
    TC_OUT[3] = x | y << 8;
    TC_OUT[4] = wl_dmem_bytes();
    uint32_t sp;
    __asm__ volatile("mv %0, sp" : "=r"(sp));
    TC_OUT[5] = sp;
    TC_OUT[0] = TC_MAGIC;
    return 0;
}
