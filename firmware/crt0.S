/* PE start-up: gp/sp, zero .bss, default trap handler, call main, then
 * report main's return value in MBOX_OUT and stop by clearing CTRL.run
 * (the host sees CTRL read back 0). .data needs no copy: the host loads it.
 * The stack starts at the top of the PE's real dmem (0x10000 + MMIO DMEM_BYTES),
 * so one image runs on every dmem size. MMIO is at 0x0100_0000 (docs/PE.md). */
  .section .text.init, "ax"
  .globl _start
_start:
  .option push
  .option norelax
  la   gp, __global_pointer$
  .option pop
  li   t0, 0x01000000
  lw   t1, 0x2C(t0)       /* DMEM_BYTES */
  li   sp, 0x00010000
  add  sp, sp, t1
  la   t0, __bss_start
  la   t1, __bss_end
1:
  bgeu t0, t1, 2f
  sw   zero, 0(t0)
  addi t0, t0, 4
  j    1b
2:
  la   t0, wl_default_trap
  csrw mtvec, t0
  call main
  li   t0, 0x01000000
  sw   a0, 8(t0)          /* MBOX_OUT */
  sw   zero, 0(t0)        /* CTRL.run = 0: the core holds itself in reset */
3:
  j    3b

/* An unexpected trap: report 0xBAD0_00cc (cc = mcause) and stop. */
  .align 2
  .weak wl_default_trap
wl_default_trap:
  csrr t1, mcause
  li   t0, 0xBAD00000
  or   t1, t1, t0
  li   t0, 0x01000000
  sw   t1, 8(t0)
  sw   zero, 0(t0)
4:
  j    4b
