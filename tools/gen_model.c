/* Writes the default model that `make run` decodes until the project ships a trained
 * one: a llama2.c v1 ("ak42") checkpoint with deterministic pseudo-random weights
 * (its text is noise), and a matching 512-token tokenizer.bin.
 * usage: gen_model MODEL_OUT TOKENIZER_OUT */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { DIM = 64, HIDDEN = 172, LAYERS = 5, HEADS = 8, KV_HEADS = 4, VOCAB = 512, SEQ = 512 };

static uint64_t rng = 0x5741464552ull; /* "WAFER" */

static double uniform(void)
{
    rng ^= rng >> 12;
    rng ^= rng << 25;
    rng ^= rng >> 27;
    return (double)((rng * 0x2545F4914F6CDD1Dull) >> 11) / 9007199254740992.0;
}

/* Sum of four uniforms: a cheap, deterministic bell shape with unit variance. */
static float normalish(void)
{
    double s = uniform() + uniform() + uniform() + uniform() - 2.0;
    return (float)(s * sqrt(3.0));
}

/* Token embedding (also the classifier): byte-fallback and special rows are kept
 * small so sampling mostly picks printable letter tokens. */
static int write_embedding(FILE *f)
{
    for (int tok = 0; tok < VOCAB; tok++)
        for (int j = 0; j < DIM; j++) {
            float v = normalish() * (tok < 259 ? 0.05f : 1.0f);
            if (fwrite(&v, 4, 1, f) != 1)
                return -1;
        }
    return 0;
}

static int write_floats(FILE *f, size_t n, float scale, int constant)
{
    for (size_t i = 0; i < n; i++) {
        float v = constant ? scale : normalish() * scale;
        if (fwrite(&v, 4, 1, f) != 1)
            return -1;
    }
    return 0;
}

static int write_model(const char *path)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        return -1;
    uint8_t header[256] = {0};
    int32_t fields[9] = {0x616b3432, 1, DIM, HIDDEN, LAYERS, HEADS, KV_HEADS, VOCAB, SEQ};
    memcpy(header, fields, sizeof fields);
    header[36] = 1; /* shared classifier */
    int rc = fwrite(header, 1, sizeof header, f) == sizeof header ? 0 : -1;
    size_t kv = (size_t)KV_HEADS * (DIM / HEADS);
    /* v1 order: norms, final norm, embedding, wq, wk, wv, wo, w1, w2, w3 */
    rc |= write_floats(f, (size_t)LAYERS * DIM * 2 + DIM, 1.0f, 1);
    rc |= write_embedding(f);
    rc |= write_floats(f, (size_t)LAYERS * DIM * DIM, 0.125f, 0);
    rc |= write_floats(f, (size_t)LAYERS * kv * DIM, 0.125f, 0);
    rc |= write_floats(f, (size_t)LAYERS * kv * DIM, 0.125f, 0);
    rc |= write_floats(f, (size_t)LAYERS * DIM * DIM, 0.125f, 0);
    rc |= write_floats(f, (size_t)LAYERS * HIDDEN * DIM, 0.125f, 0);
    rc |= write_floats(f, (size_t)LAYERS * DIM * HIDDEN, 0.076f, 0);
    rc |= write_floats(f, (size_t)LAYERS * HIDDEN * DIM, 0.125f, 0);
    return fclose(f) || rc ? -1 : 0;
}

static int write_piece(FILE *f, float score, const char *s)
{
    int32_t len = (int32_t)strlen(s);
    return fwrite(&score, 4, 1, f) == 1 && fwrite(&len, 4, 1, f) == 1 &&
                   fwrite(s, 1, (size_t)len, f) == (size_t)len
               ? 0
               : -1;
}

/* <unk>, <s>, </s>, the 256 byte tokens, then letters, " "+letter and common pairs. */
static int write_tokenizer(const char *path)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        return -1;
    int32_t max_len = 8;
    int rc = fwrite(&max_len, 4, 1, f) == 1 ? 0 : -1;
    const char *special[3] = {"<unk>", "\n<s>\n", "\n</s>\n"};
    for (int i = 0; i < 3; i++)
        rc |= write_piece(f, 0.0f, special[i]);
    char piece[16];
    for (int b = 0; b < 256; b++) {
        snprintf(piece, sizeof piece, "<0x%02X>", b);
        rc |= write_piece(f, 0.0f, piece);
    }
    int n = 259;
    const char *letters = "etaoinshrdlucmfwypvbgkjqxz";
    rc |= write_piece(f, -1.0f, " ");
    n++;
    for (const char *c = letters; *c && n < VOCAB; c++, n++) {
        snprintf(piece, sizeof piece, "%c", *c);
        rc |= write_piece(f, -2.0f, piece);
    }
    for (const char *c = letters; *c && n < VOCAB; c++, n++) {
        snprintf(piece, sizeof piece, " %c", *c);
        rc |= write_piece(f, -3.0f, piece);
    }
    for (const char *a = letters; *a && n < VOCAB; a++)
        for (const char *b = letters; *b && n < VOCAB; b++, n++) {
            snprintf(piece, sizeof piece, "%c%c", *a, *b);
            rc |= write_piece(f, -4.0f - (float)(n % 97) / 97.0f, piece);
        }
    return fclose(f) || rc ? -1 : 0;
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: gen_model MODEL_OUT TOKENIZER_OUT\n");
        return 2;
    }
    if (write_model(argv[1])) {
        fprintf(stderr, "gen_model: cannot write %s\n", argv[1]);
        return 1;
    }
    if (write_tokenizer(argv[2])) {
        fprintf(stderr, "gen_model: cannot write %s\n", argv[2]);
        return 1;
    }
    return 0;
}
