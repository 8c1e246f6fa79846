#ifndef WL_QUANTIZE_H
#define WL_QUANTIZE_H
/* Load-time conversion of a float checkpoint into the integer spec's formats
 * (firmware/spec/wls_spec.h): int8 weights with two-level group scales, RMSNorm gains
 * folded into the following matrices, and the Q14 RoPE table. Deterministic: the
 * same checkpoint gives the same bytes on every host. */

#include "wl_model.h"
#include "wls_spec.h"

typedef struct {
    wls_model spec;   /* points into `storage` */
    wls_layer *layers;
    void *storage;
    size_t weight_bytes; /* int8 weights + group and row scales */
} wl_qmodel;

int wl_quantize_model(const wl_model *m, wl_qmodel *out, wl_error *err);
void wl_qmodel_free(wl_qmodel *q);

/* Quantizes one float matrix [rows][cols] into caller buffers q[rows*cols],
 * u[rows*groups(cols)], row_scale[rows] (exposed for tests). */
void wl_quantize_matrix_for_test(const float *w, int rows, int cols, int8_t *q, uint8_t *u,
                                 wls_xf *row_scale, wls_matrix *out);

/* Converts a positive finite double to a spec scale (exact to 31 bits). */
wls_xf wl_xf_from_double(double v);
double wl_xf_to_double(wls_xf v);

#endif
