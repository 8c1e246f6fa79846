#ifndef WL_TOKENIZER_H
#define WL_TOKENIZER_H
/* llama2.c tokenizer.bin: byte-pair encoding with scores, byte fallback tokens
 * (<0x00>..<0xFF> at ids 3..258), BOS = 1, EOS = 2. Encode and decode give exactly
 * what llama2.c's run.c gives. */

#include <stddef.h>

#include "wl_error.h"

typedef struct {
    int vocab_size;
    int max_token_length;
    char **vocab;        /* [vocab_size] NUL-terminated pieces, owned */
    float *scores;       /* [vocab_size] merge scores */
    int *sorted;         /* ids sorted by piece (strcmp), for lookup */
    char byte_pieces[512]; /* single-byte strings for <0xXX> tokens */
} wl_tokenizer;

#define WL_BOS 1
#define WL_EOS 2

/* Loads tokenizer.bin. vocab_size <= 0 reads every entry to the end of the file;
 * otherwise exactly that many are required. Release with wl_tokenizer_free. */
int wl_tokenizer_load(const char *path, int vocab_size, wl_tokenizer *t, wl_error *err);
void wl_tokenizer_free(wl_tokenizer *t);

/* Encodes UTF-8 text. `ids` must hold at least strlen(text) + 3 entries; *n_ids gets
 * the count. bos/eos: prepend BOS / append EOS. */
int wl_tokenizer_encode(const wl_tokenizer *t, const char *text, int bos, int eos, int *ids,
                        int *n_ids, wl_error *err);

/* The text of `token` when it follows `prev` (drops the leading space after BOS;
 * maps <0xXX> to the raw byte). The returned string belongs to the tokenizer. */
const char *wl_tokenizer_decode(const wl_tokenizer *t, int prev, int token);

/* Like llama2.c's safe_printf: 1 when a piece is worth printing (not a lone
 * non-printable control byte). */
int wl_piece_printable(const char *piece);

#endif
