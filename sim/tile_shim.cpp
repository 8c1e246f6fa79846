// C interface (sim/wl_sim.h) over the Verilated wl_tile. Built once per mesh size
// into build/sim/libwlsim_<R>x<C>.so; the mesh size comes from WL_ROWS/WL_COLS.
#include "wl_sim.h"

#include <cstdlib>

#include "Vwl_tile.h"
#include "verilated.h"
#if VM_TRACE
#include "verilated_fst_c.h"
#endif

struct wl_sim {
    VerilatedContext *ctx;
    Vwl_tile *top;
    uint64_t cycles;
#if VM_TRACE
    VerilatedFstC *trace;
#endif
};

// The rising edge of one cycle, inputs as they are. Nothing in the tile acts on the
// falling edge, so without a waveform it is only recorded (clk_i = 0) and left to
// the next eval(), which must come before the next rise(): in wl_sim_run that is the
// eval that settles the next cycle's inputs, so a cycle costs two evaluations, not three.
static void rise(wl_sim *s)
{
    s->top->clk_i = 1;
    s->top->eval();
#if VM_TRACE
    if (s->trace)
        s->trace->dump(2 * s->cycles + 1);
#endif
    s->top->clk_i = 0;
#if VM_TRACE
    if (s->trace)
        s->top->eval();
#endif
    s->cycles++;
#if VM_TRACE
    if (s->trace)
        s->trace->dump(2 * s->cycles);
#endif
}

// One whole cycle.
static void tick(wl_sim *s)
{
    rise(s);
    s->top->eval();
}

extern "C" void wl_sim_params(int *rows, int *cols, int *imem_bytes, int *dmem_bytes, int *lanes)
{
    *rows = WL_ROWS;
    *cols = WL_COLS;
    *imem_bytes = WL_IMEM_BYTES;
    *dmem_bytes = WL_DMEM_BYTES;
    *lanes = WL_LANES;
}

extern "C" wl_sim *wl_sim_create(const char *trace_path)
{
    wl_sim *s = new wl_sim();
    s->ctx = new VerilatedContext;
    s->top = new Vwl_tile(s->ctx);
#if VM_TRACE
    s->trace = nullptr;
    if (trace_path) {
        s->ctx->traceEverOn(true);
        s->trace = new VerilatedFstC;
        s->top->trace(s->trace, 99);
        s->trace->open(trace_path);
    }
#else
    (void)trace_path;
#endif
    s->top->clk_i = 0;
    s->top->rst_ni = 0;
    s->top->host_in_valid_i = 0;
    s->top->host_out_ready_i = 0;
    s->top->eval();
    for (int i = 0; i < 8; i++)
        tick(s);
    s->top->rst_ni = 1;
    s->top->eval();
    for (int i = 0; i < 4; i++)
        tick(s);
    return s;
}

extern "C" void wl_sim_destroy(wl_sim *s)
{
    if (!s)
        return;
    s->top->final();
#if VM_TRACE
    if (s->trace) {
        s->trace->close();
        delete s->trace;
    }
#endif
    delete s->top;
    delete s->ctx;
    delete s;
}

extern "C" uint64_t wl_sim_run(wl_sim *s, const uint32_t *in, size_t n_in, size_t *consumed,
                               uint32_t *out, size_t cap_out, size_t *produced,
                               uint64_t max_cycles)
{
    size_t ci = 0, po = 0;
    uint64_t c = 0;
    Vwl_tile *t = s->top;
    while (c < max_cycles && po < cap_out) {
        // Drive the inputs, settle (this eval also sees the previous cycle's falling
        // edge), and sample both handshakes before the edge.
        t->host_in_valid_i = ci < n_in;
        t->host_in_data_i = ci < n_in ? in[ci] : 0;
        t->host_out_ready_i = 1;
        t->eval();
        bool in_fire = t->host_in_valid_i && t->host_in_ready_o;
        bool out_fire = t->host_out_valid_o;
        uint32_t word = t->host_out_data_o;
        rise(s);
        c++;
        if (in_fire)
            ci++;
        if (out_fire)
            out[po++] = word;
        if (ci == n_in && po > 0)
            break;
    }
    t->host_in_valid_i = 0;
    t->host_out_ready_i = 0;
    t->eval();
    *consumed = ci;
    *produced = po;
    return c;
}

extern "C" uint64_t wl_sim_cycles(const wl_sim *s) { return s->cycles; }
