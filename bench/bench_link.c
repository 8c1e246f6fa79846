/* bench.json section "link": bulk-write payload efficiency over the host link
 * (payload words / link capacity, one word per cycle, over the whole transfer in
 * simulated cycles) and simulated cycles per wall-clock second, on sim:4x4.
 * usage: bench_link [MESH]   (prints one JSON object) */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "wl_device.h"
#include "wl_tile.h"

static double wall(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

int main(int argc, char **argv)
{
    const char *mesh = argc > 1 ? argv[1] : "4x4";
    char uri[32];
    snprintf(uri, sizeof uri, "sim:%s", mesh);
    wl_device *d;
    wl_error e;
    if (wl_device_open(uri, &d, &e)) {
        fprintf(stderr, "bench_link: %s\n", e.msg);
        return 1;
    }
    wl_link *l = wl_device_link(d);
    enum { WORDS = 12 * 1024 }; /* 48 KiB: one PE's data memory */
    uint32_t *data = malloc(4 * WORDS);
    for (int i = 0; i < WORDS; i++)
        data[i] = (uint32_t)i * 2654435761u;
    /* one PE, then a broadcast (one frame feeds every PE) */
    uint64_t c0 = wl_link_now(l);
    double w0 = wall();
    wl_rect one = {1, 1, 1, 1};
    if (wl_tile_write(l, one, WL_PE_DMEM_BASE, data, WORDS, &e) || wl_link_wait(l, &e)) {
        fprintf(stderr, "bench_link: %s\n", e.msg);
        return 1;
    }
    uint64_t c1 = wl_link_now(l);
    double w1 = wall();
    uint32_t back[16];
    if (wl_tile_read(l, 1, 1, WL_PE_DMEM_BASE + 4 * (WORDS - 16), back, 16, &e) ||
        memcmp(back, data + WORDS - 16, sizeof back)) {
        fprintf(stderr, "bench_link: read-back mismatch\n");
        return 1;
    }
    /* an idle stretch measures raw simulation speed of the tile */
    uint64_t c2 = wl_link_now(l);
    double w2 = wall();
    for (int i = 0; i < 50; i++)
        if (wl_tile_read(l, 0, 0, WL_PE_DMEM_BASE, back, 16, &e))
            return 1;
    uint64_t c3 = wl_link_now(l);
    double w3 = wall();
    wl_link_stats st = wl_link_get_stats(l);
    printf("{\"mesh\": \"%s\", \"bulk_write_words\": %d, \"bulk_write_cycles\": %llu, "
           "\"bulk_write_payload_efficiency\": %.4f, \"sim_cycles_per_wall_second\": %.0f, "
           "\"sim_cycles_per_wall_second_bulk\": %.0f, \"frames_resent\": %llu}\n",
           mesh, WORDS, (unsigned long long)(c1 - c0), (double)WORDS / (double)(c1 - c0),
           (double)(c3 - c2) / (w3 - w2), (double)(c1 - c0) / (w1 - w0),
           (unsigned long long)st.frames_resent);
    free(data);
    wl_device_close(d);
    return 0;
}
