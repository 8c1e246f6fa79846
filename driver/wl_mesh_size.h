#ifndef WL_MESH_SIZE_H
#define WL_MESH_SIZE_H
/* Mesh size strings, as in device URIs (sim:RxC[:Kk]) and `waferlet project`:
 * "RxC" or "RxC:<K>k", R rows (1..63), C columns (1..62; column 63 is the host's
 * address), K KiB of data SRAM per PE (1..16320). */

#define WL_DEFAULT_DMEM_KIB 48

/* Parses `s` into *rows, *cols and *kib (WL_DEFAULT_DMEM_KIB when absent). NULL means
 * the default tile, 4x4 at 48 KiB. Returns 0, or -1 when `s` is malformed or out of
 * range (the outputs are then unspecified). */
int wl_mesh_size_parse(const char *s, int *rows, int *cols, int *kib);

#endif
