#ifndef WL_TOKENS_FILE_H
#define WL_TOKENS_FILE_H
/* Token-id lists as users write them: integers separated by white space or commas,
 * or a JSON array of integers. */

#include "wl_error.h"

/* Parses `text`; *ids (malloc'd, caller frees) gets *n ids. Every id must be in
 * 0..vocab_size-1 when vocab_size > 0. `name` labels error messages. */
int wl_tokens_parse(const char *text, const char *name, int vocab_size, int **ids, int *n,
                    wl_error *err);

/* Reads a whole file and parses it as above. */
int wl_tokens_read(const char *path, int vocab_size, int **ids, int *n, wl_error *err);

#endif
