/* Reference model of the PE tensor unit (docs/PE.md), used by the testbenches. */
#ifndef WL_PE_TU_MODEL_H
#define WL_PE_TU_MODEL_H
#include <stddef.h>
#include <stdint.h>

#define TU_LANES 8u
/* dmem offsets wrap at the width of the unit's registers: 16 bits on PEs with at
 * most 64 KiB, clog2(DmemBytes) bits on bigger ones (mk/pe.mk builds both) */
#ifndef TU_OFF_MASK
#define TU_OFF_MASK 0xFFFFu
#endif

enum { TU_DOT = 0, TU_ADD = 1, TU_MULSH = 2, TU_MAX = 3, TU_MOVE = 4, TU_GDOT = 5 };
enum { TU_DST_SRAM = 0, TU_DST_ACC = 1, TU_DST_COLOR = 2 };

typedef struct {
  uint32_t cfg, a, as, b, bs, d, ds, len, rows, shift, scalar, acc;
} tu_desc;

static inline uint32_t tu_cfg(unsigned op, unsigned asrc_color, unsigned dst, unsigned bscalar,
                              unsigned accum, unsigned csrc, unsigned cdst) {
  return op | asrc_color << 4 | dst << 5 | bscalar << 7 | accum << 8 | csrc << 16 | cdst << 24;
}

/* Runs descriptor d against dmem (indexed by dmem offset, TU_OFF_MASK + 1 bytes
 * addressable: dmem must hold that many). Color input words are taken from cin
 * (count returned in *cin_used); output words are appended to cout (*ncout).
 * d->acc is updated as the hardware's ACC register would be. */
void tu_model_run(tu_desc *d, uint8_t *dmem, const uint32_t *cin, size_t ncin, size_t *cin_used,
                  uint32_t *cout, size_t *ncout);

#endif
