/* Host path: addressed WRITE/READ packets against imem, dmem and MMIO while
 * the core is held in reset; malformed and unknown packets; RDATA format;
 * PE-built request packets leaving on the request network. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include "pe_tb.h"

static void test_write_read_memories(void **state) {
  (void)state;
  pe_tb *t = tb_new(7, 12, 11u);
  t->req_pct = 60;  /* gaps between request flits */
  t->rsp_pct = 50;  /* and backpressure on responses */
  uint32_t w[300], r[300];
  for (int i = 0; i < 300; i++) w[i] = tb_rand(t);
  assert_int_equal(tb_write(t, PE_IMEM_BASE + 0x100, w, 300), 0);
  assert_int_equal(tb_write(t, PE_DMEM_BASE + 0xBB00, w, 300), 0);  /* up to the top of dmem */
  assert_int_equal(tb_read(t, PE_IMEM_BASE + 0x100, r, 300), 0);
  assert_memory_equal(r, w, sizeof w);
  assert_int_equal(tb_read(t, PE_DMEM_BASE + 0xBB00, r, 300), 0);
  assert_memory_equal(r, w, sizeof w);
  /* core is still held in reset, coordinates and mailbox visible */
  assert_int_equal(tb_rd32(t, PE_CTRL), 0u);
  assert_int_equal(tb_rd32(t, PE_COORD), 7u | 12u << 8);
  assert_int_equal(tb_wr32(t, PE_MBOX_IN, 0xA5A5u), 0);
  assert_int_equal(tb_rd32(t, PE_MBOX_IN), 0xA5A5u);
  /* unmapped space reads 0 */
  assert_int_equal(tb_rd32(t, 0x00030000u), 0u);
  assert_int_equal(tb_rd32(t, PE_DMEM_BASE + 0xC000u), 0u);
  /* the free-running cycle counter advances */
  uint32_t c0 = tb_rd32(t, PE_CYCLE_LO);
  tb_run(t, 100);
  assert_true(tb_rd32(t, PE_CYCLE_LO) - c0 >= 100u);
  tb_free(t);
}

static void test_read_zero_and_malformed(void **state) {
  (void)state;
  pe_tb *t = tb_new(2, 2, 12u);
  /* READ of 0 words: header + address, last on the address flit */
  uint32_t f[3] = { tb_header(t, PKT_READ, 5), PE_DMEM_BASE, 0 };
  uint8_t l[3] = { 0, 0, 1 };
  t->rs_n = 0;
  tb_send_flits(t, f, l, 3);
  tb_run(t, 50);
  assert_int_equal(t->rs_n, 2);
  assert_int_equal(t->rs_last[0], 0);
  assert_int_equal(t->rs_last[1], 1);
  assert_int_equal((t->rs[0] >> 24) & 15u, PKT_RDATA);
  assert_int_equal(t->rs[0] >> 28, 5u);
  /* unknown op (5) with payload is consumed and ignored; a lone header too */
  uint32_t g[5] = { tb_header(t, 5, 0), PE_DMEM_BASE, 1, 2, 3 };
  uint8_t gl[5] = { 0, 0, 0, 0, 1 };
  tb_send_flits(t, g, gl, 5);
  uint32_t h = tb_header(t, PKT_WRITE, 0);
  uint8_t hl = 1;
  tb_send_flits(t, &h, &hl, 1);
  assert_int_equal(tb_wr32(t, PE_DMEM_BASE, 0x1234u), 0);
  assert_int_equal(tb_rd32(t, PE_DMEM_BASE), 0x1234u);
  assert_int_equal(tb_rd32(t, PE_DMEM_BASE + 4), 0u);
  tb_free(t);
}

static void test_pe_request_out(void **state) {
  (void)state;
  pe_tb *t = tb_new(1, 0, 13u);
  uint32_t pkt[3] = { 0x01000003u, 0x10000u, 0xBEEFu };
  assert_int_equal(tb_wr32(t, PE_MMIO_BASE + 0x3C, pkt[0]), 0);
  assert_int_equal(tb_wr32(t, PE_MMIO_BASE + 0x3C, pkt[1]), 0);
  assert_int_equal(tb_wr32(t, PE_MMIO_BASE + 0x40, pkt[2]), 0);
  tb_run(t, 10);
  assert_int_equal(t->ro_n, 3);
  for (int i = 0; i < 3; i++) {
    assert_int_equal(t->ro[i], pkt[i]);
    assert_int_equal(t->ro_last[i], i == 2);
  }
  tb_free(t);
}

int main(void) {
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_write_read_memories),
    cmocka_unit_test(test_read_zero_and_malformed),
    cmocka_unit_test(test_pe_request_out),
  };
  return cmocka_run_group_tests_name("pe_host", tests, NULL, NULL);
}
