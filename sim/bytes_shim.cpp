// Thin shim over the Verilated wl_host_bytes for the C testbench.
#include "bytes_shim.h"

#include "Vwl_host_bytes.h"
#include "verilated.h"

struct bytes_sim {
    VerilatedContext ctx;
    Vwl_host_bytes *top;
};

extern "C" bytes_sim *bytes_sim_new(void)
{
    bytes_sim *s = new bytes_sim();
    s->top = new Vwl_host_bytes(&s->ctx);
    Vwl_host_bytes *t = s->top;
    t->clk_i = 0;
    t->rst_ni = 0;
    t->rx_valid_i = 0;
    t->word_out_ready_i = 0;
    t->word_in_valid_i = 0;
    t->tx_ready_i = 0;
    t->eval();
    for (int i = 0; i < 4; i++) {
        t->clk_i = 1;
        t->eval();
        t->clk_i = 0;
        t->eval();
    }
    t->rst_ni = 1;
    t->eval();
    return s;
}

extern "C" void bytes_sim_free(bytes_sim *s)
{
    s->top->final();
    delete s->top;
    delete s;
}

extern "C" void bytes_sim_step(bytes_sim *s, bytes_cycle *c)
{
    Vwl_host_bytes *t = s->top;
    t->rx_valid_i = c->rx_valid;
    t->rx_data_i = c->rx_data;
    t->word_out_ready_i = c->word_ready;
    t->word_in_valid_i = c->win_valid;
    t->word_in_data_i = c->win_data;
    t->tx_ready_i = c->tx_ready;
    t->eval();
    c->rx_taken = t->rx_valid_i && t->rx_ready_o;
    c->word_out = t->word_out_valid_o && t->word_out_ready_i;
    c->word = t->word_out_data_o;
    c->win_taken = t->word_in_valid_i && t->word_in_ready_o;
    c->tx_out = t->tx_valid_o && t->tx_ready_i;
    c->tx_byte = t->tx_data_o;
    t->clk_i = 1;
    t->eval();
    t->clk_i = 0;
    t->eval();
}
