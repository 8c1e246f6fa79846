// Thin C++ wrapper: owns the Verilated wl_pe and maps pins to plain structs.
#include "pe_shim.h"
#include "Vwl_pe.h"
#include "verilated.h"

struct pe_shim {
  VerilatedContext ctx;
  Vwl_pe *top;
  uint64_t cycles;
};

extern "C" pe_shim *pe_new(unsigned x, unsigned y) {
  pe_shim *p = new pe_shim;
  p->top = new Vwl_pe(&p->ctx);
  p->cycles = 0;
  p->top->x_i = x & 63u;
  p->top->y_i = y & 63u;
  p->top->clk_i = 0;
  p->top->rst_ni = 1;
  pe_in idle = {};
  pe_set_in(p, &idle);
  p->top->eval();
  return p;
}

extern "C" void pe_free(pe_shim *p) {
  if (!p) return;
  p->top->final();
  delete p->top;
  delete p;
}

extern "C" void pe_set_in(pe_shim *p, const pe_in *in) {
  Vwl_pe *t = p->top;
  t->col_in_valid_i = in->col_in_valid & 1;
  t->col_in_data_i = in->col_in_data;
  t->col_in_color_i = in->col_in_color & 31u;
  t->col_out_ready_i = in->col_out_ready & 1;
  t->req_in_valid_i = in->req_in_valid & 1;
  t->req_in_data_i = in->req_in_data;
  t->req_in_last_i = in->req_in_last & 1;
  t->req_out_ready_i = in->req_out_ready & 1;
  t->rsp_in_valid_i = in->rsp_in_valid & 1;
  t->rsp_in_data_i = in->rsp_in_data;
  t->rsp_in_last_i = in->rsp_in_last & 1;
  t->rsp_out_ready_i = in->rsp_out_ready & 1;
}

extern "C" void pe_eval(pe_shim *p) { p->top->eval(); }

extern "C" void pe_get_out(pe_shim *p, pe_out *o) {
  Vwl_pe *t = p->top;
  o->col_in_ready = t->col_in_ready_o;
  o->col_out_valid = t->col_out_valid_o;
  o->col_out_data = t->col_out_data_o;
  o->col_out_color = t->col_out_color_o;
  o->req_in_ready = t->req_in_ready_o;
  o->req_out_valid = t->req_out_valid_o;
  o->req_out_data = t->req_out_data_o;
  o->req_out_last = t->req_out_last_o;
  o->rsp_in_ready = t->rsp_in_ready_o;
  o->rsp_out_valid = t->rsp_out_valid_o;
  o->rsp_out_data = t->rsp_out_data_o;
  o->rsp_out_last = t->rsp_out_last_o;
}

extern "C" void pe_tick(pe_shim *p) {
  p->top->clk_i = 1;
  p->top->eval();
  p->top->clk_i = 0;
  p->top->eval();
  p->cycles++;
}

extern "C" uint64_t pe_cycle(const pe_shim *p) { return p->cycles; }

extern "C" void pe_reset(pe_shim *p) {
  pe_in idle = {};
  pe_set_in(p, &idle);
  p->top->rst_ni = 0;
  p->top->eval();
  for (int i = 0; i < 4; i++) pe_tick(p);
  p->top->rst_ni = 1;
  p->top->eval();
}
