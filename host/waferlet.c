/* waferlet: the command line of Waferlet (brief §6). Subcommands decode, eval,
 * tokenize, info, bench, plan, project; every failure prints one line on stderr and
 * exits 1. */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "wl_device.h"
#include "wl_mesh_size.h"
#include "wl_model.h"
#include "wl_project.h"
#include "wl_quantize.h"
#include "wl_sampler.h"
#include "wl_tokenizer.h"
#include "wl_tokens_file.h"

#define DEFAULT_MODEL "models/waferlet-default.bin"
#define DEFAULT_TOKENIZER "models/waferlet-default-tokenizer.bin"
/* The clock that tile cycle counts are projected at: an FPGA build's 100 MHz. */
#define PROJECTED_CLOCK_HZ 100e6

/* Whether a progress bar line on stderr is unfinished: an error then starts a new line. */
static int bar_open;

static int die(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int die(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    if (bar_open)
        fputc('\n', stderr);
    bar_open = 0;
    fputs("waferlet: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    return 1;
}

/* The shipped model lives beside the executable: <dir of waferlet>/models/... */
static void default_path(const char *rel, char *out, size_t cap)
{
    char exe[PATH_MAX - 64]; /* leaves room for the relative part */
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n > 0) {
        exe[n] = '\0';
        char *slash = strrchr(exe, '/');
        if (slash) {
            *slash = '\0';
            snprintf(out, cap, "%s/%s", exe, rel);
            return;
        }
    }
    snprintf(out, cap, "%s", rel);
}

static void json_string(FILE *f, const char *s)
{
    fputc('"', f);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\')
            fprintf(f, "\\%c", *p);
        else if (*p == '\n')
            fputs("\\n", f);
        else if (*p == '\t')
            fputs("\\t", f);
        else if (*p == '\r')
            fputs("\\r", f);
        else if (*p < 0x20 || *p == 0x7f)
            fprintf(f, "\\u%04x", *p);
        else
            fputc(*p, f);
    }
    fputc('"', f);
}

/* Ten significant digits: cycle counts in the hundreds of millions stay exact. */
static void json_number_or_null(FILE *f, int has, double v)
{
    if (has && isfinite(v))
        fprintf(f, "%.10g", v);
    else
        fputs("null", f);
}

/* ---- option parsing ---------------------------------------------------------- */

typedef struct {
    const char *model, *tokenizer, *prompt, *prompt_ids, *device, *tokens, *text, *mesh;
    float clock_mhz;
    int steps;
    float temperature, topp;
    unsigned long long seed;
    int seed_given, steps_given, device_given, ids, json, help;
} options;

static int parse_int(const char *flag, const char *v, long lo, long hi, long *out)
{
    char *end;
    errno = 0;
    long x = strtol(v, &end, 10);
    if (!*v || *end || errno || x < lo || x > hi)
        return die("%s expects an integer in %ld..%ld, got '%s'", flag, lo, hi, v);
    *out = x;
    return 0;
}

static int parse_float(const char *flag, const char *v, float lo, float hi, float *out)
{
    char *end;
    errno = 0;
    double x = strtod(v, &end);
    if (!*v || *end || errno || !(x >= lo && x <= hi))
        return die("%s expects a number in %g..%g, got '%s'", flag, lo, hi, v);
    *out = (float)x;
    return 0;
}

/* `allowed` lists the flags the subcommand accepts, space separated. */
static int parse_options(const char *cmd, int argc, char **argv, const char *allowed,
                         options *o)
{
    memset(o, 0, sizeof *o);
    o->steps = 256;
    o->temperature = 1.0f;
    o->topp = 0.9f;
    o->device = "ref";
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        char key[32];
        snprintf(key, sizeof key, " %s ", a);
        char padded[256];
        snprintf(padded, sizeof padded, " %s ", allowed);
        if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            o->help = 1;
            return 0;
        }
        if (a[0] != '-' || !strstr(padded, key))
            return die("%s: unknown option '%s' (see 'waferlet %s --help')", cmd, a, cmd);
        if (strcmp(a, "--ids") == 0) { o->ids = 1; continue; }
        if (strcmp(a, "--json") == 0) { o->json = 1; continue; }
        if (i + 1 >= argc)
            return die("%s: option %s needs a value", cmd, a);
        const char *v = argv[++i];
        long n = 0;
        if (strcmp(a, "-m") == 0) o->model = v;
        else if (strcmp(a, "-z") == 0) o->tokenizer = v;
        else if (strcmp(a, "-p") == 0) o->prompt = v;
        else if (strcmp(a, "--prompt-ids") == 0) o->prompt_ids = v;
        else if (strcmp(a, "-d") == 0) {
            o->device = v;
            o->device_given = 1;
        }
        else if (strcmp(a, "--tokens") == 0) o->tokens = v;
        else if (strcmp(a, "--text") == 0) o->text = v;
        else if (strcmp(a, "--mesh") == 0) o->mesh = v;
        else if (strcmp(a, "--clock") == 0) {
            if (parse_float(a, v, 0.001f, 100000.0f, &o->clock_mhz)) return 1;
        }
        else if (strcmp(a, "-n") == 0) {
            if (parse_int(a, v, 0, INT_MAX, &n)) return 1;
            o->steps = (int)n;
            o->steps_given = 1;
        } else if (strcmp(a, "-t") == 0) {
            if (parse_float(a, v, 0.0f, 100.0f, &o->temperature)) return 1;
        } else if (strcmp(a, "--topp") == 0) {
            if (parse_float(a, v, 0.0f, 1.0f, &o->topp)) return 1;
        } else if (strcmp(a, "-s") == 0) {
            char *end;
            errno = 0;
            o->seed = strtoull(v, &end, 10);
            if (!*v || *end || errno || v[0] == '-')
                return die("-s expects a non-negative integer seed, got '%s'", v);
            o->seed_given = 1;
        }
    }
    return 0;
}

static int load_model(const options *o, wl_model *m)
{
    char path[PATH_MAX];
    if (o->model)
        snprintf(path, sizeof path, "%s", o->model);
    else
        default_path(DEFAULT_MODEL, path, sizeof path);
    wl_error err;
    if (wl_model_load(path, m, &err)) {
        if (!o->model)
            return die("%s (the default model is built by 'make'; or pass -m MODEL)", err.msg);
        return die("%s", err.msg);
    }
    return 0;
}

static int load_tokenizer(const options *o, int vocab_size, wl_tokenizer *t)
{
    char path[PATH_MAX];
    if (o->tokenizer)
        snprintf(path, sizeof path, "%s", o->tokenizer);
    else
        default_path(DEFAULT_TOKENIZER, path, sizeof path);
    wl_error err;
    if (wl_tokenizer_load(path, vocab_size, t, &err))
        return die("%s", err.msg);
    return 0;
}

/* A progress bar on stderr, only when it is a terminal. */
static void progress_bar(void *ctx, const char *what, uint64_t done, uint64_t total)
{
    (void)ctx;
    int width = 40, filled = total ? (int)(width * done / total) : width;
    fprintf(stderr, "\r%-8s [%.*s%*s] %3d%%", what, filled,
            "########################################", width - filled, "",
            total ? (int)(100 * done / total) : 100);
    bar_open = done < total;
    if (!bar_open)
        fputc('\n', stderr);
    fflush(stderr);
}

static int open_device(const options *o, const wl_model *m, wl_device **d)
{
    wl_error err;
    if (wl_device_open(o->device, d, &err))
        return die("%s", err.msg);
    if (isatty(STDERR_FILENO))
        wl_device_set_progress(*d, progress_bar, NULL);
    if (m && wl_device_load_model(*d, m, &err)) {
        wl_device_close(*d);
        *d = NULL;
        return die("%s", err.msg);
    }
    return 0;
}

/* ---- decode ------------------------------------------------------------------- */

typedef struct {
    const wl_tokenizer *tok; /* NULL with --ids */
    int prev;
    int ids;
    int json;
} stream_ctx;

static int on_token(void *ctx, int pos, int token)
{
    stream_ctx *s = ctx;
    (void)pos;
    if (s->json)
        return 0;
    if (s->ids) {
        printf("%s%d", s->prev >= 0 ? " " : "", token);
    } else {
        const char *piece = wl_tokenizer_decode(s->tok, s->prev, token);
        if (wl_piece_printable(piece))
            fputs(piece, stdout);
    }
    fflush(stdout);
    s->prev = token;
    return 0;
}

static const char *decode_help =
    "usage: waferlet decode [-m MODEL] [-z TOKENIZER] [-p PROMPT] [-n STEPS] [-t TEMP]\n"
    "                       [--topp P] [-s SEED] [-d DEVICE] [--ids] [--prompt-ids IDS] [--json]\n"
    "Generates text as llama2.c's run does and streams it to stdout; tok/s goes to stderr.\n"
    "  -m MODEL        llama2.c checkpoint (v0, v1, v2); default: the shipped model\n"
    "  -z TOKENIZER    llama2.c tokenizer.bin; default: the shipped tokenizer\n"
    "  -p PROMPT       prompt text (encoded with BOS first); default: empty\n"
    "  --prompt-ids L  prompt as token ids (BOS first), instead of -p\n"
    "  -n STEPS        positions to run, prompt included (default 256, capped at seq_len)\n"
    "  -t TEMP         temperature, 0 = greedy (default 1.0)\n"
    "  --topp P        top-p nucleus sampling in [0,1] (default 0.9; 0 or 1 disables)\n"
    "  -s SEED         random seed (default: from the clock, printed to stderr)\n"
    "  -d DEVICE       ref (default), float, sim[:RxC[:Kk]], usb[:SERIAL]\n"
    "  --ids           print token ids instead of text (no tokenizer needed)\n"
    "  --json          print one JSON object at the end instead of streaming\n";

static int cmd_decode(int argc, char **argv)
{
    options o;
    if (parse_options("decode", argc, argv,
                      "-m -z -p --prompt-ids -n -t --topp -s -d --ids --json", &o))
        return 1;
    if (o.help) {
        fputs(decode_help, stdout);
        return 0;
    }
    if (o.prompt && o.prompt_ids)
        return die("decode: give either -p or --prompt-ids, not both");
    if (o.steps < 1)
        return die("decode: -n must be at least 1");
    wl_model m;
    if (load_model(&o, &m))
        return 1;
    int rc = 1;
    wl_tokenizer tok = {0};
    wl_device *dev = NULL;
    int *prompt = NULL, n_prompt = 0, *out = NULL, n_out = 0;
    wl_error err;
    int need_text = !o.ids || o.json || o.prompt;
    if (need_text && load_tokenizer(&o, m.cfg.vocab_size, &tok)) {
        if (!o.prompt)
            fprintf(stderr, "waferlet: (use --ids to print token ids without a tokenizer)\n");
        goto done;
    }
    if (o.prompt_ids) {
        if (wl_tokens_parse(o.prompt_ids, "--prompt-ids", m.cfg.vocab_size, &prompt, &n_prompt,
                            &err)) {
            die("%s", err.msg);
            goto done;
        }
        if (n_prompt == 0) {
            die("decode: --prompt-ids is empty");
            goto done;
        }
    } else {
        const char *text = o.prompt ? o.prompt : "";
        prompt = malloc((strlen(text) + 3) * sizeof *prompt);
        if (!prompt || wl_tokenizer_encode(&tok, text, 1, 0, prompt, &n_prompt, &err)) {
            die("%s", prompt ? err.msg : "out of memory");
            goto done;
        }
    }
    if (open_device(&o, &m, &dev))
        goto done;
    if (!o.seed_given)
        o.seed = (unsigned long long)time(NULL);
    int steps = o.steps > m.cfg.seq_len ? m.cfg.seq_len : o.steps;
    out = malloc((size_t)steps * sizeof *out);
    if (!out) {
        die("out of memory");
        goto done;
    }
    stream_ctx sc = {tok.vocab ? &tok : NULL, -1, o.ids, o.json};
    if (!o.json && !o.ids) {
        sc.prev = prompt[0];
    }
    wl_decode_job job = {prompt, n_prompt, steps, o.temperature, o.topp, o.seed};
    wl_decode_stats st;
    if (!o.json && !o.seed_given && o.temperature > 0.0f)
        fprintf(stderr, "seed: %llu\n", o.seed);
    if (wl_device_decode(dev, &job, out, &n_out, on_token, &sc, &st, &err)) {
        if (!o.json)
            fputc('\n', stdout);
        die("%s", err.msg);
        goto done;
    }
    double tps = st.wall_seconds > 0 ? n_out / st.wall_seconds : 0.0;
    if (o.json) {
        printf("{\"tokens\":[");
        for (int i = 0; i < n_out; i++)
            printf("%s%d", i ? "," : "", out[i]);
        printf("],\"text\":");
        /* Text of the emitted tokens, each decoded after its predecessor. */
        size_t cap = 1, len = 0;
        for (int i = 0; i < n_out; i++)
            cap += strlen(wl_tokenizer_decode(&tok, i ? out[i - 1] : prompt[0], out[i]));
        char *text = malloc(cap);
        if (!text) {
            die("out of memory");
            goto done;
        }
        text[0] = '\0';
        for (int i = 0; i < n_out; i++) {
            const char *p = wl_tokenizer_decode(&tok, i ? out[i - 1] : prompt[0], out[i]);
            if (wl_piece_printable(p)) {
                memcpy(text + len, p, strlen(p) + 1);
                len += strlen(p);
            }
        }
        json_string(stdout, text);
        free(text);
        printf(",\"prompt_tokens\":%d,\"device\":", n_prompt);
        json_string(stdout, o.device);
        printf(",\"stats\":{\"cycles_per_token\":");
        json_number_or_null(stdout, st.has_cycles, st.cycles_per_token);
        printf(",\"ttft_cycles\":");
        json_number_or_null(stdout, st.has_cycles, st.ttft_cycles);
        printf(",\"mac_utilization\":");
        json_number_or_null(stdout, st.has_cycles, st.mac_utilization);
        printf(",\"tok_per_s_wall\":");
        json_number_or_null(stdout, 1, tps);
        printf(",\"projected_tok_per_s\":");
        json_number_or_null(stdout, st.has_cycles && st.cycles_per_token > 0,
                            PROJECTED_CLOCK_HZ / st.cycles_per_token);
        printf(",\"projected_clock_hz\":%.0f", PROJECTED_CLOCK_HZ);
        printf(",\"model_cycles_per_token\":");
        json_number_or_null(stdout, st.has_cycles, st.model_cycles_per_token);
        printf("}}\n");
    } else {
        fputc('\n', stdout);
        fflush(stdout);
        fprintf(stderr, "achieved tok/s: %.3g (%d tokens on %s)\n", tps, n_out, o.device);
        if (st.has_cycles)
            fprintf(stderr,
                    "tile: %.0f cycles/token, TTFT %.0f cycles, MAC utilization %.2f%%; "
                    "projected %.0f tok/s at %.0f MHz\n",
                    st.cycles_per_token, st.ttft_cycles, 100.0 * st.mac_utilization,
                    st.cycles_per_token > 0 ? PROJECTED_CLOCK_HZ / st.cycles_per_token : 0.0,
                    PROJECTED_CLOCK_HZ / 1e6);
    }
    rc = 0;
done:
    free(prompt);
    free(out);
    wl_device_close(dev);
    if (tok.vocab)
        wl_tokenizer_free(&tok);
    wl_model_free(&m);
    return rc;
}

/* ---- eval --------------------------------------------------------------------- */

static const char *eval_help =
    "usage: waferlet eval -m MODEL --tokens FILE [-d DEVICE] [--json]\n"
    "Teacher-forced evaluation: feeds the ids of FILE from position 0 and reports the mean\n"
    "negative log-likelihood of each next id and the argmax at every position.\n"
    "  --tokens FILE   ids separated by white space or commas, or a JSON array\n"
    "  -d DEVICE       ref (default), float, sim[:RxC[:Kk]], usb[:SERIAL]\n"
    "  --json          print {\"n\":N,\"nll_mean\":X,\"argmax\":[...]}\n";

static int cmd_eval(int argc, char **argv)
{
    options o;
    if (parse_options("eval", argc, argv, "-m --tokens -d --json", &o))
        return 1;
    if (o.help) {
        fputs(eval_help, stdout);
        return 0;
    }
    if (!o.tokens)
        return die("eval: --tokens FILE is required (see 'waferlet eval --help')");
    wl_model m;
    if (load_model(&o, &m))
        return 1;
    int rc = 1, *ids = NULL, n = 0, *argmax = NULL;
    float *logits = NULL;
    int32_t *exact = NULL;
    wl_device *dev = NULL;
    wl_error err;
    if (wl_tokens_read(o.tokens, m.cfg.vocab_size, &ids, &n, &err)) {
        die("%s", err.msg);
        goto done;
    }
    if (n < 2) {
        die("eval: %s has %d ids; at least 2 are needed for one prediction", o.tokens, n);
        goto done;
    }
    if (n - 1 > m.cfg.seq_len) {
        die("eval: %d positions exceed the model's context of %d", n - 1, m.cfg.seq_len);
        goto done;
    }
    if (open_device(&o, &m, &dev))
        goto done;
    wl_device_info info;
    wl_device_info_get(dev, &info, &err);
    int V = m.cfg.vocab_size;
    logits = malloc((size_t)V * sizeof *logits);
    exact = malloc((size_t)V * sizeof *exact);
    argmax = malloc((size_t)n * sizeof *argmax);
    if (!logits || !exact || !argmax) {
        die("out of memory");
        goto done;
    }
    double nll = 0.0;
    for (int t = 0; t + 1 < n; t++) {
        if (wl_device_forward(dev, ids[t], t, logits, &err)) {
            die("%s", err.msg);
            goto done;
        }
        /* log-softmax in double; integer devices use their exact Q16 logits */
        double lmax, target, se = 0.0;
        if (info.integer_logits) {
            if (wl_device_logits_q16(dev, exact, &err)) {
                die("%s", err.msg);
                goto done;
            }
            int best = 0;
            for (int i = 1; i < V; i++)
                if (exact[i] > exact[best])
                    best = i;
            argmax[t] = best;
            lmax = exact[best] / 65536.0;
            for (int i = 0; i < V; i++)
                se += exp(exact[i] / 65536.0 - lmax);
            target = exact[ids[t + 1]] / 65536.0;
        } else {
            argmax[t] = wl_argmax_f(logits, V);
            lmax = logits[argmax[t]];
            for (int i = 0; i < V; i++)
                se += exp((double)logits[i] - lmax);
            target = logits[ids[t + 1]];
        }
        nll -= target - lmax - log(se);
    }
    double mean = nll / (n - 1);
    if (o.json) {
        printf("{\"n\":%d,\"nll_mean\":%.6f,\"argmax\":[", n - 1, mean);
        for (int t = 0; t + 1 < n; t++)
            printf("%s%d", t ? "," : "", argmax[t]);
        printf("]}\n");
    } else {
        printf("positions: %d\nnll_mean: %.6f\nargmax:", n - 1, mean);
        for (int t = 0; t + 1 < n; t++)
            printf(" %d", argmax[t]);
        printf("\n");
    }
    rc = 0;
done:
    free(ids);
    free(logits);
    free(exact);
    free(argmax);
    wl_device_close(dev);
    wl_model_free(&m);
    return rc;
}

/* ---- tokenize ----------------------------------------------------------------- */

static const char *tokenize_help =
    "usage: waferlet tokenize [-z TOKENIZER] --text TEXT [--json]\n"
    "Prints the ids of TEXT (BOS first) exactly as llama2.c's encode gives them.\n"
    "  -z TOKENIZER    llama2.c tokenizer.bin (default: the shipped tokenizer)\n"
    "  --json          print a JSON array\n";

static int cmd_tokenize(int argc, char **argv)
{
    options o;
    if (parse_options("tokenize", argc, argv, "-z --text --json", &o))
        return 1;
    if (o.help) {
        fputs(tokenize_help, stdout);
        return 0;
    }
    if (!o.text)
        return die("tokenize: --text TEXT is required (see 'waferlet tokenize --help')");
    wl_tokenizer tok;
    if (load_tokenizer(&o, 0, &tok))
        return 1;
    int *ids = malloc((strlen(o.text) + 3) * sizeof *ids), n = 0;
    wl_error err;
    int rc = 0;
    if (!ids || wl_tokenizer_encode(&tok, o.text, 1, 0, ids, &n, &err)) {
        rc = die("%s", ids ? err.msg : "out of memory");
    } else {
        printf(o.json ? "[" : "");
        for (int i = 0; i < n; i++)
            printf("%s%d", i ? (o.json ? "," : " ") : "", ids[i]);
        printf(o.json ? "]\n" : "\n");
    }
    free(ids);
    wl_tokenizer_free(&tok);
    return rc;
}

/* ---- info --------------------------------------------------------------------- */

static const char *info_help =
    "usage: waferlet info [-d DEVICE] [-m MODEL] [--json]\n"
    "Describes a device (mesh, SRAM per PE, lanes, firmware and protocol versions) and,\n"
    "with -m, a model.\n";

static int cmd_info(int argc, char **argv)
{
    options o;
    if (parse_options("info", argc, argv, "-d -m --json", &o))
        return 1;
    if (o.help) {
        fputs(info_help, stdout);
        return 0;
    }
    wl_model m;
    int have_model = 0;
    if (o.model) {
        if (load_model(&o, &m))
            return 1;
        have_model = 1;
    }
    wl_device *dev;
    if (open_device(&o, NULL, &dev)) {
        if (have_model)
            wl_model_free(&m);
        return 1;
    }
    wl_device_info info;
    wl_error err;
    wl_device_info_get(dev, &info, &err);
    if (o.json) {
        printf("{\"device\":");
        json_string(stdout, info.uri);
        printf(",\"kind\":");
        json_string(stdout, info.kind);
        printf(",\"integer_logits\":%s,\"rows\":%d,\"cols\":%d,\"sram_bytes_per_pe\":%d,"
               "\"lanes\":%d,\"firmware_version\":",
               info.integer_logits ? "true" : "false", info.rows, info.cols,
               info.sram_bytes_per_pe, info.lanes);
        json_string(stdout, info.firmware_version);
        printf(",\"protocol_version\":%d", info.protocol_version);
        if (have_model) {
            const wl_config *c = &m.cfg;
            printf(",\"model\":{\"version\":%d,\"dim\":%d,\"hidden_dim\":%d,\"n_layers\":%d,"
                   "\"n_heads\":%d,\"n_kv_heads\":%d,\"vocab_size\":%d,\"seq_len\":%d,"
                   "\"shared_classifier\":%s,\"params\":%llu}",
                   c->version, c->dim, c->hidden_dim, c->n_layers, c->n_heads, c->n_kv_heads,
                   c->vocab_size, c->seq_len, c->shared_classifier ? "true" : "false",
                   (unsigned long long)wl_model_param_count(c));
        }
        printf("}\n");
    } else {
        printf("device: %s (%s)\n", info.uri, info.kind);
        if (info.rows)
            printf("mesh: %dx%d, SRAM per PE: %d bytes, lanes: %d\n", info.rows, info.cols,
                   info.sram_bytes_per_pe, info.lanes);
        printf("logits: %s\nfirmware: %s\nprotocol: %d\n",
               info.integer_logits ? "integer spec (Q16)" : "float32", info.firmware_version,
               info.protocol_version);
        if (have_model) {
            const wl_config *c = &m.cfg;
            printf("model: v%d, dim %d, hidden %d, %d layers, %d heads (%d kv), vocab %d, "
                   "seq %d, %s classifier, %llu parameters\n",
                   c->version, c->dim, c->hidden_dim, c->n_layers, c->n_heads, c->n_kv_heads,
                   c->vocab_size, c->seq_len, c->shared_classifier ? "shared" : "separate",
                   (unsigned long long)wl_model_param_count(c));
        }
    }
    wl_device_close(dev);
    if (have_model)
        wl_model_free(&m);
    return 0;
}

/* ---- bench -------------------------------------------------------------------- */

static const char *bench_help =
    "usage: waferlet bench [-d DEVICE] [-m MODEL] [-n STEPS] [--prompt-ids IDS] [--json]\n"
    "Greedy-decodes STEPS positions (default 128, prompt included) from BOS, or from the\n"
    "prompt IDS (comma-separated token ids, BOS first), and reports speed; on the tile\n"
    "also cycles per position, TTFT (cycles to the first generated token), MAC\n"
    "utilization, the analytic model's prediction and the tile's hardware counters over\n"
    "the job (tensor-unit MACs, flits per network, the busiest link).\n"
    "Environment: WL_POLL_CYCLES=N spaces the host's polls of a running job by N cycles\n"
    "(default 0; the polls are traffic on the root's links).\n";

static const char *const net_names[] = {"color", "request", "response"};
static const char *const port_names[] = {"local", "N", "E", "S", "W"};

static int cmd_bench(int argc, char **argv)
{
    options o;
    if (parse_options("bench", argc, argv, "-d -m -n --prompt-ids --json", &o))
        return 1;
    if (o.help) {
        fputs(bench_help, stdout);
        return 0;
    }
    if (!o.steps_given)
        o.steps = 128;
    if (o.steps < 1)
        return die("bench: -n must be at least 1");
    wl_model m;
    if (load_model(&o, &m))
        return 1;
    int steps = o.steps > m.cfg.seq_len ? m.cfg.seq_len : o.steps;
    int bos = 1, n_out = 0, rc = 0, *prompt = &bos, n_prompt = 1, *ids = NULL;
    wl_decode_stats st;
    wl_error err;
    /* Checked before the device opens: a tile load uploads the whole model. */
    if (o.prompt_ids) {
        if (wl_tokens_parse(o.prompt_ids, "--prompt-ids", m.cfg.vocab_size, &ids, &n_prompt,
                            &err))
            rc = die("%s", err.msg);
        else if (n_prompt == 0)
            rc = die("bench: --prompt-ids is empty");
        else if (n_prompt > steps)
            rc = die("bench: the prompt has %d ids but -n allows %d positions", n_prompt,
                     steps);
        prompt = ids;
    }
    wl_device *dev = NULL;
    if (rc || open_device(&o, &m, &dev)) {
        free(ids);
        wl_model_free(&m);
        return 1;
    }
    int *out = malloc((size_t)steps * sizeof *out);
    wl_decode_job job = {prompt, n_prompt, steps, 0.0f, 0.0f, 0};
    if (!out) {
        rc = die("out of memory");
    } else if (wl_device_decode(dev, &job, out, &n_out, NULL, NULL, &st, &err)) {
        rc = die("%s", err.msg);
    } else {
        double tps = st.wall_seconds > 0 ? n_out / st.wall_seconds : 0.0;
        if (o.json) {
            printf("{\"device\":");
            json_string(stdout, o.device);
            printf(",\"tokens\":%d,\"wall_seconds\":%.6f,\"tok_per_s_wall\":%.2f,"
                   "\"cycles_per_token\":",
                   n_out, st.wall_seconds, tps);
            json_number_or_null(stdout, st.has_cycles, st.cycles_per_token);
            printf(",\"prompt_tokens\":%d,\"ttft_cycles\":", n_prompt);
            json_number_or_null(stdout, st.has_cycles, st.ttft_cycles);
            printf(",\"mac_utilization\":");
            json_number_or_null(stdout, st.has_cycles, st.mac_utilization);
            printf(",\"total_cycles\":");
            json_number_or_null(stdout, st.has_cycles, st.total_cycles);
            if (st.has_cycles)
                printf(",\"root_cycles\":{\"matvec\":%.0f,\"quantize\":%.0f,\"rope_kv\":%.0f,"
                       "\"attention\":%.0f,\"attention_out\":%.0f,\"swiglu\":%.0f,"
                       "\"other_vector\":%.0f,\"fabric_wait\":%.0f}",
                       st.root_matvec, st.root_quantize, st.root_rope_kv, st.root_attention,
                       st.root_att_out, st.root_swiglu, st.root_vector, st.root_comm);
            if (st.has_cycles)
                printf(",\"model\":{\"cycles_per_token\":%.0f,\"ratio_to_measured\":%.4f,"
                       "\"matvec\":%.0f,\"vector\":%.0f,\"attention\":%.0f,\"fabric\":%.0f}",
                       st.model_cycles_per_token,
                       st.cycles_per_token > 0 ? st.model_cycles_per_token / st.cycles_per_token : 0,
                       st.model_matvec, st.model_vector, st.model_attention, st.model_fabric);
            if (st.has_counters) {
                printf(",\"counters\":{\"tu_macs\":%.0f,\"tu_mac_utilization\":%.6g,"
                       "\"tu_busy_fraction\":%.6g,\"link_flits\":{\"color\":%.0f,"
                       "\"request\":%.0f,\"response\":%.0f},\"busiest_link\":{\"router\":[%d,%d],"
                       "\"network\":\"%s\",\"port\":\"%s\",\"flits\":%.0f,\"utilization\":%.6g}}",
                       st.tu_macs, st.tu_mac_utilization, st.tu_busy_fraction,
                       st.link_flits[0], st.link_flits[1], st.link_flits[2], st.busiest_link_x,
                       st.busiest_link_y, net_names[st.busiest_link_net],
                       port_names[st.busiest_link_port], st.busiest_link_flits,
                       st.busiest_link_utilization);
            }
            printf(",\"tokens_out\":[");
            for (int i = 0; i < n_out; i++)
                printf("%s%d", i ? "," : "", out[i]);
            printf("]}\n");
        } else {
            printf("%s: %d tokens in %.3f s, %.1f tok/s\n", o.device, n_out, st.wall_seconds, tps);
            if (st.has_cycles)
                printf("  %.0f cycles/token (analytic model %.0f), TTFT %.0f cycles, MAC "
                       "utilization %.2f%%, projected %.0f tok/s at %.0f MHz\n",
                       st.cycles_per_token, st.model_cycles_per_token, st.ttft_cycles,
                       100.0 * st.mac_utilization, PROJECTED_CLOCK_HZ / st.cycles_per_token,
                       PROJECTED_CLOCK_HZ / 1e6);
            if (st.has_counters) {
                double pos = st.cycles_per_token > 0 ? st.total_cycles / st.cycles_per_token : 1;
                printf("  counters: tensor units %.0f MACs (%.2f%% of lane-cycles, busy %.2f%%); "
                       "flits per position: color %.0f, request %.0f, response %.0f; busiest "
                       "link: router (%d,%d) %s %s, %.2f%% of cycles\n",
                       st.tu_macs, 100.0 * st.tu_mac_utilization,
                       100.0 * st.tu_busy_fraction, st.link_flits[0] / pos,
                       st.link_flits[1] / pos, st.link_flits[2] / pos, st.busiest_link_x,
                       st.busiest_link_y, net_names[st.busiest_link_net],
                       port_names[st.busiest_link_port], 100.0 * st.busiest_link_utilization);
            }
        }
    }
    free(out);
    free(ids);
    wl_device_close(dev);
    wl_model_free(&m);
    return rc;
}

/* ---- plan --------------------------------------------------------------------- */

static const char *plan_help =
    "usage: waferlet plan [-m MODEL] [-d DEVICE] [--json]\n"
    "Prints where the model's weights, KV cache and buffers would live on a tile device\n"
    "(default sim): rows of every matrix per PE, bytes per PE, and whether it fits. A model\n"
    "that does not fit exits 1 naming the bytes needed and the smallest mesh that fits.\n";

static int cmd_plan(int argc, char **argv)
{
    options o;
    if (parse_options("plan", argc, argv, "-m -d --json", &o))
        return 1;
    if (o.help) {
        fputs(plan_help, stdout);
        return 0;
    }
    if (!o.device_given)
        o.device = "sim";
    wl_model m;
    if (load_model(&o, &m))
        return 1;
    wl_device *dev;
    if (open_device(&o, NULL, &dev)) {
        wl_model_free(&m);
        return 1;
    }
    wl_error err;
    int rc = 0;
    if (wl_device_plan(dev, &m, stdout, o.json, &err))
        rc = die("%s", err.msg);
    wl_device_close(dev);
    wl_model_free(&m);
    return rc;
}


/* ---- project ------------------------------------------------------------------ */

static const char *project_help =
    "usage: waferlet project [-m MODEL] [--mesh LIST] [-n POSITIONS] [--clock MHZ] [--json]\n"
    "Predicts greedy decode on tiles of any size with the analytic cycle model of\n"
    "docs/PERFORMANCE.md (the placement plan and the decode firmware's calibrated costs):\n"
    "mean cycles per token over positions 0..POSITIONS-1, the model's terms, MAC\n"
    "utilization and tok/s at the clock. Nothing is simulated. The model is checked\n"
    "within 15% of measurements on 2x2 (256 KiB), 4x4 and 8x8; 16x16, measured once with\n"
    "an earlier firmware, took 1.3x the model of its day, so bigger meshes are optimistic\n"
    "extrapolations.\n"
    "  -m MODEL     llama2.c checkpoint; default: the shipped model\n"
    "  --mesh LIST  comma-separated RxC[:Kk] (K KiB of data SRAM per PE, default 48),\n"
    "               up to 63x62; default 2x2:256k,4x4,8x8,16x16,32x32,62x62\n"
    "  -n N         positions (default 256, capped at the model's context)\n"
    "  --clock MHZ  clock for tok/s (default 100, an FPGA build's)\n"
    "  --json       one JSON object\n";

static int cmd_project(int argc, char **argv)
{
    options o;
    if (parse_options("project", argc, argv, "-m --mesh -n --clock --json", &o))
        return 1;
    if (o.help) {
        fputs(project_help, stdout);
        return 0;
    }
    if (o.steps < 1)
        return die("project: -n must be at least 1");
    double clock_hz = (o.clock_mhz > 0 ? o.clock_mhz : 100.0) * 1e6;
    char list[512];
    snprintf(list, sizeof list, "%s", o.mesh ? o.mesh : "2x2:256k,4x4,8x8,16x16,32x32,62x62");
    /* Every size is checked before the (slow for big models) quantization. */
    enum { MAX_MESHES = 32 };
    int rows[MAX_MESHES], cols[MAX_MESHES], kib[MAX_MESHES], n = 0;
    char *names[MAX_MESHES];
    for (char *t = strtok(list, ","); t; t = strtok(NULL, ",")) {
        if (n == MAX_MESHES)
            return die("project: at most %d meshes", MAX_MESHES);
        if (wl_mesh_size_parse(t, &rows[n], &cols[n], &kib[n]))
            return die("project: bad mesh '%s': write RxC or RxC:<K>k (K KiB per PE), from "
                       "1x1 to 63x62, e.g. 16x16 or 2x2:256k", t);
        names[n++] = t;
    }
    if (n == 0)
        return die("project: --mesh lists no mesh");
    wl_model m;
    if (load_model(&o, &m))
        return 1;
    wl_qmodel q;
    wl_error err;
    if (wl_quantize_model(&m, &q, &err)) {
        wl_model_free(&m);
        return die("%s", err.msg);
    }
    const wls_model *sp = &q.spec;
    int positions = o.steps > sp->seq_len ? sp->seq_len : o.steps;
    int rc = 0;
    if (o.json)
        printf("{\"model\":{\"dim\":%d,\"hidden_dim\":%d,\"n_layers\":%d,\"n_heads\":%d,"
               "\"n_kv_heads\":%d,\"vocab_size\":%d,\"seq_len\":%d},\"positions\":%d,"
               "\"clock_hz\":%.0f,\"lanes\":%d,\"checked_on\":[\"2x2:256k\",\"4x4\",\"8x8\"],"
               "\"meshes\":[",
               sp->dim, sp->hidden_dim, sp->n_layers, sp->n_heads, sp->n_kv_heads,
               sp->vocab_size, sp->seq_len, positions, clock_hz, WL_PROJECT_LANES);
    else
        printf("model: dim %d, hidden %d, %d layers, %d heads (%d KV), vocab %d, context %d\n"
               "greedy from BOS, positions 0-%d, %d lanes per PE; analytic model "
               "(docs/PERFORMANCE.md),\nchecked within 15%% on 2x2 (256 KiB), 4x4 and 8x8; "
               "16x16 (an earlier firmware) took 1.3x its model: bigger meshes are "
               "optimistic extrapolations\n"
               "%-12s %5s %8s %13s %11s %10s %10s %10s %9s %10s\n",
               sp->dim, sp->hidden_dim, sp->n_layers, sp->n_heads, sp->n_kv_heads,
               sp->vocab_size, sp->seq_len, positions - 1, WL_PROJECT_LANES, "mesh", "PEs",
               "KiB/PE", "cycles/token", "matvec", "vector", "attention", "fabric", "MAC util",
               "tok/s");
    for (int i = 0; i < n && !rc; i++) {
        wl_projection pr;
        if (wl_project(sp, rows[i], cols[i], (uint32_t)kib[i] * 1024u, positions, &pr, &err)) {
            rc = die("%s", err.msg);
            break;
        }
        int pes = rows[i] * cols[i];
        if (o.json) {
            printf("%s{\"mesh\":", i ? "," : "");
            json_string(stdout, names[i]);
            printf(",\"pes\":%d,\"dmem_bytes\":%u,\"fits\":%s,\"need_bytes\":%llu,"
                   "\"have_bytes\":%llu",
                   pes, pr.dmem_bytes, pr.fits ? "true" : "false",
                   (unsigned long long)pr.need_bytes, (unsigned long long)pr.have_bytes);
            if (pr.fits)
                printf(",\"cycles_per_token\":%.0f,\"terms\":{\"matvec\":%.0f,\"vector\":%.0f,"
                       "\"attention\":%.0f,\"fabric\":%.0f},\"mac_utilization\":%.6g,"
                       "\"tok_per_s\":%.6g",
                       pr.cycles_per_token, pr.matvec, pr.vector, pr.attention, pr.fabric,
                       pr.mac_utilization, clock_hz / pr.cycles_per_token);
            printf("}");
        } else if (pr.fits) {
            printf("%-12s %5d %8d %13.0f %11.0f %10.0f %10.0f %10.0f %8.3f%% %10.1f\n",
                   names[i], pes, kib[i], pr.cycles_per_token, pr.matvec, pr.vector,
                   pr.attention, pr.fabric, 100.0 * pr.mac_utilization,
                   clock_hz / pr.cycles_per_token);
        } else {
            printf("%-12s %5d %8d does not fit: needs %llu bytes, has %llu\n", names[i], pes,
                   kib[i], (unsigned long long)pr.need_bytes, (unsigned long long)pr.have_bytes);
        }
    }
    if (o.json && !rc)
        printf("]}\n");
    else if (!rc)
        printf("tok/s at %.0f MHz\n", clock_hz / 1e6);
    wl_qmodel_free(&q);
    wl_model_free(&m);
    return rc;
}

static const char *main_help =
    "usage: waferlet <command> [options]   (waferlet <command> --help for details)\n"
    "  decode    generate text from a llama2.c model\n"
    "  eval      teacher-forced NLL and argmax over a token file\n"
    "  tokenize  llama2.c-compatible BPE encoding of a text\n"
    "  info      describe a device (and a model)\n"
    "  bench     measure decode speed on a device\n"
    "  plan      show where a model lives on a tile (placement)\n"
    "  project   predict decode speed on tiles of any size (analytic model)\n"
    "Devices: ref (integer golden model), float (float32 reference), sim[:RxC[:Kk]], usb[:SERIAL].\n";

int main(int argc, char **argv)
{
    if (argc < 2)
        return fputs(main_help, stderr), 1;
    const char *cmd = argv[1];
    if (strcmp(cmd, "-h") == 0 || strcmp(cmd, "--help") == 0 || strcmp(cmd, "help") == 0)
        return fputs(main_help, stdout), 0;
    if (strcmp(cmd, "decode") == 0)
        return cmd_decode(argc - 2, argv + 2);
    if (strcmp(cmd, "eval") == 0)
        return cmd_eval(argc - 2, argv + 2);
    if (strcmp(cmd, "tokenize") == 0)
        return cmd_tokenize(argc - 2, argv + 2);
    if (strcmp(cmd, "info") == 0)
        return cmd_info(argc - 2, argv + 2);
    if (strcmp(cmd, "bench") == 0)
        return cmd_bench(argc - 2, argv + 2);
    if (strcmp(cmd, "plan") == 0)
        return cmd_plan(argc - 2, argv + 2);
    if (strcmp(cmd, "project") == 0)
        return cmd_project(argc - 2, argv + 2);
    return die("unknown command '%s' (commands: decode, eval, tokenize, info, bench, plan, "
               "project)", cmd);
}
