// Thin C++ wrapper: owns the Verilated wl_host_bridge and maps pins to plain structs.
#include "bridge_shim.h"
#include "Vwl_host_bridge.h"
#include "verilated.h"

struct bridge_shim {
  VerilatedContext ctx;
  Vwl_host_bridge *top;
  uint64_t cycles;
};

extern "C" bridge_shim *bridge_new(void) {
  bridge_shim *b = new bridge_shim;
  b->top = new Vwl_host_bridge(&b->ctx);
  b->cycles = 0;
  b->top->clk_i = 0;
  b->top->rst_ni = 1;
  bridge_in idle = {};
  bridge_set_in(b, &idle);
  b->top->eval();
  return b;
}

extern "C" void bridge_free(bridge_shim *b) {
  if (!b) return;
  b->top->final();
  delete b->top;
  delete b;
}

extern "C" void bridge_set_in(bridge_shim *b, const bridge_in *in) {
  Vwl_host_bridge *t = b->top;
  t->host_in_valid_i = in->host_in_valid & 1;
  t->host_in_data_i = in->host_in_data;
  t->host_out_ready_i = in->host_out_ready & 1;
  t->req_out_ready_i = in->req_out_ready & 1;
  t->rsp_in_valid_i = in->rsp_in_valid & 1;
  t->rsp_in_data_i = in->rsp_in_data;
  t->rsp_in_last_i = in->rsp_in_last & 1;
}

extern "C" void bridge_eval(bridge_shim *b) { b->top->eval(); }

extern "C" void bridge_get_out(bridge_shim *b, bridge_out *o) {
  Vwl_host_bridge *t = b->top;
  o->host_in_ready = t->host_in_ready_o;
  o->host_out_valid = t->host_out_valid_o;
  o->host_out_data = t->host_out_data_o;
  o->req_out_valid = t->req_out_valid_o;
  o->req_out_data = t->req_out_data_o;
  o->req_out_last = t->req_out_last_o;
  o->rsp_in_ready = t->rsp_in_ready_o;
  o->tile_reset = t->tile_reset_o;
}

extern "C" void bridge_tick(bridge_shim *b) {
  b->top->clk_i = 1;
  b->top->eval();
  b->top->clk_i = 0;
  b->top->eval();
  b->cycles++;
}

extern "C" uint64_t bridge_cycle(const bridge_shim *b) { return b->cycles; }

extern "C" void bridge_reset(bridge_shim *b) {
  bridge_in idle = {};
  bridge_set_in(b, &idle);
  b->top->rst_ni = 0;
  b->top->eval();
  for (int i = 0; i < 4; i++) bridge_tick(b);
  b->top->rst_ni = 1;
  b->top->eval();
}
