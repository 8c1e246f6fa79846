// Thin shim over the Verilated wl_mesh: bit access into Verilator's port types
// (plain integers up to 64 bits, VlWide arrays beyond) behind a C interface.
// WL_ROWS and WL_COLS must match the -G parameters the model was built with.
#include "mesh_shim.h"
#include "Vwl_mesh.h"
#include "verilated.h"
#include <cstdint>

#ifndef WL_ROWS
#error "WL_ROWS must be defined"
#endif
#ifndef WL_COLS
#error "WL_COLS must be defined"
#endif

namespace {

template <typename T> uint32_t getb(const T &v, int lsb, int w) {
  uint64_t x = static_cast<uint64_t>(v) >> lsb;
  return static_cast<uint32_t>(w >= 32 ? x : (x & ((1ull << w) - 1)));
}
template <std::size_t W> uint32_t getb(const VlWide<W> &v, int lsb, int w) {
  int i = lsb / 32, s = lsb % 32;
  uint64_t x = v[i];
  if (i + 1 < static_cast<int>(W)) x |= static_cast<uint64_t>(v[i + 1]) << 32;
  x >>= s;
  return static_cast<uint32_t>(w >= 32 ? x : (x & ((1ull << w) - 1)));
}
template <typename T> void setb(T &v, int lsb, int w, uint32_t val) {
  uint64_t m = (w >= 32 ? 0xffffffffull : ((1ull << w) - 1)) << lsb;
  uint64_t x = static_cast<uint64_t>(v);
  x = (x & ~m) | ((static_cast<uint64_t>(val) << lsb) & m);
  v = static_cast<T>(x);
}
template <std::size_t W> void setb(VlWide<W> &v, int lsb, int w, uint32_t val) {
  for (int b = 0; b < w; b++) {
    int bit = lsb + b;
    uint32_t m = 1u << (bit % 32);
    if ((val >> b) & 1u) v[bit / 32] |= m;
    else v[bit / 32] &= ~m;
  }
}

}  // namespace

struct wl_mesh_sim {
  VerilatedContext ctx;
  Vwl_mesh *top;
};

// Expands to one block per network/kind pair; P is the port prefix.
#define WL_SWITCH(net, kind, BODY)                                                 \
  do {                                                                             \
    if (kind == WL_LOCAL) {                                                        \
      if (net == WL_NET_COLOR) { BODY(col_loc, color, 5) }                         \
      else if (net == WL_NET_REQ) { BODY(req_loc, last, 1) }                       \
      else { BODY(rsp_loc, last, 1) }                                              \
    } else {                                                                       \
      if (net == WL_NET_COLOR) { BODY(col_edge, color, 5) }                        \
      else if (net == WL_NET_REQ) { BODY(req_edge, last, 1) }                      \
      else { BODY(rsp_edge, last, 1) }                                             \
    }                                                                              \
  } while (0)

extern "C" {

wl_mesh_sim *wl_mesh_sim_new(void) {
  wl_mesh_sim *m = new wl_mesh_sim;
  m->top = new Vwl_mesh(&m->ctx);
  m->top->clk_i = 0;
  m->top->rst_ni = 1;
  m->top->eval();
  return m;
}

void wl_mesh_sim_free(wl_mesh_sim *m) {
  if (!m) return;
  m->top->final();
  delete m->top;
  delete m;
}

int wl_mesh_sim_rows(void) { return WL_ROWS; }
int wl_mesh_sim_cols(void) { return WL_COLS; }

void wl_mesh_sim_step(wl_mesh_sim *m) {
  m->top->clk_i = 1;
  m->top->eval();
  m->top->clk_i = 0;
  m->top->eval();
}

void wl_mesh_sim_reset(wl_mesh_sim *m, int cycles) {
  int n = WL_ROWS * WL_COLS, e = 2 * (WL_ROWS + WL_COLS);
  for (int net = 0; net < WL_NETS; net++) {
    for (int i = 0; i < n; i++) {
      wl_mesh_sim_drive(m, net, WL_LOCAL, i, 0, 0, 0);
      wl_mesh_sim_out_ready(m, net, WL_LOCAL, i, 0);
    }
    for (int i = 0; i < e; i++) {
      wl_mesh_sim_drive(m, net, WL_EDGE, i, 0, 0, 0);
      wl_mesh_sim_out_ready(m, net, WL_EDGE, i, 0);
    }
  }
  m->top->rst_ni = 0;
  m->top->eval();
  for (int c = 0; c < cycles; c++) wl_mesh_sim_step(m);
  m->top->rst_ni = 1;
  m->top->eval();
}

int wl_mesh_sim_in_ready(const wl_mesh_sim *m, int net, int kind, int lane) {
  int r = 0;
#define B(P, S, W) r = static_cast<int>(getb(m->top->P##_in_ready_o, lane, 1));
  WL_SWITCH(net, kind, B);
#undef B
  return r;
}

int wl_mesh_sim_out_valid(const wl_mesh_sim *m, int net, int kind, int lane,
                          uint32_t *data, uint32_t *side) {
  int v = 0;
#define B(P, S, W)                                                                 \
  v = static_cast<int>(getb(m->top->P##_out_valid_o, lane, 1));                    \
  if (data) *data = getb(m->top->P##_out_data_o, 32 * lane, 32);                   \
  if (side) *side = getb(m->top->P##_out_##S##_o, W * lane, W);
  WL_SWITCH(net, kind, B);
#undef B
  return v;
}

void wl_mesh_sim_drive(wl_mesh_sim *m, int net, int kind, int lane, int valid,
                       uint32_t data, uint32_t side) {
#define B(P, S, W)                                                                 \
  setb(m->top->P##_in_valid_i, lane, 1, valid ? 1u : 0u);                          \
  setb(m->top->P##_in_data_i, 32 * lane, 32, data);                                \
  setb(m->top->P##_in_##S##_i, W * lane, W, side);
  WL_SWITCH(net, kind, B);
#undef B
}

void wl_mesh_sim_out_ready(wl_mesh_sim *m, int net, int kind, int lane, int ready) {
#define B(P, S, W) setb(m->top->P##_out_ready_i, lane, 1, ready ? 1u : 0u);
  WL_SWITCH(net, kind, B);
#undef B
}

}  // extern "C"
