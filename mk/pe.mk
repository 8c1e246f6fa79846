# PE: RV32IM core + tensor unit + memories (rtl/wl_*.sv), its Verilated model and
# C testbenches, the firmware toolchain (firmware/) and the PE bench section.

PE_DIR     := $(BUILD)/pe
FW_DIR     := $(BUILD)/firmware
PE_RTL     := rtl/wl_pe.sv rtl/wl_core.sv rtl/wl_tensor_unit.sv rtl/wl_pe_reqif.sv rtl/wl_fifo.sv
PE_VDIR    := $(PE_DIR)/vobj
PE_VSTAMP  := $(PE_VDIR)/.built
PE_VOBJS   := $(PE_VDIR)/Vwl_pe__ALL.a $(PE_VDIR)/verilated.o $(PE_VDIR)/verilated_threads.o
# wl_pe's parameters have no defaults; the standalone PE is the tile's default PE.
PE_IMEM_BYTES := 16384
PE_DMEM_BYTES := 49152
PE_LANES      := 8
PE_GPARAMS := -GImemBytes=$(PE_IMEM_BYTES) -GLanes=$(PE_LANES)
PE_DMEM    := -GDmemBytes=$(PE_DMEM_BYTES)
PE_SYNTH_PARAMS := chparam -set DmemBytes $(PE_DMEM_BYTES) -set ImemBytes $(PE_IMEM_BYTES) \
                   -set Lanes $(PE_LANES) wl_pe
VERILATOR  ?= verilator
PE_VL_INC  := /usr/share/verilator/include
PE_CXX     ?= g++
YOSYS      ?= yosys

RV_CC      := riscv64-unknown-elf-gcc
RV_OBJCOPY := riscv64-unknown-elf-objcopy
# Zicsr must be named for current binutils; the core is RV32IM (+Zicsr counters).
RV_ARCH    := -march=rv32im_zicsr -mabi=ilp32
RV_CFLAGS  := $(RV_ARCH) -std=c11 -O2 -g -Wall -Wextra -Werror -ffreestanding -fno-builtin \
              -ffunction-sections -fdata-sections -Ifirmware/lib
RV_LDFLAGS := $(RV_ARCH) -nostdlib -nostartfiles -T firmware/link.ld -Wl,--gc-sections
FW_APPS    := $(basename $(notdir $(wildcard firmware/apps/*.c)))
FW_IMAGES  := $(foreach a,$(FW_APPS),$(FW_DIR)/$(a).elf $(FW_DIR)/$(a).imem.bin $(FW_DIR)/$(a).dmem.bin)

PE_ISA_NAMES := alu branch mem muldiv csr trap
PE_ISA_BINS  := $(foreach n,$(PE_ISA_NAMES),$(PE_DIR)/isa/isa_$(n).imem.bin $(PE_DIR)/isa/isa_$(n).dmem.bin)

PE_TEST_CFLAGS := $(CFLAGS) -Isim -Itests -DPE_ISA_DIR='"$(abspath $(PE_DIR)/isa)"' \
                  -DPE_FW_DIR='"$(abspath $(FW_DIR))"'
PE_TESTS := $(PE_DIR)/test_pe_host $(PE_DIR)/test_pe_isa $(PE_DIR)/test_pe_tensor \
            $(PE_DIR)/test_pe_firmware
# A second PE model with 256 KiB of dmem: the tensor tests with every operand above
# 64 KiB, and the firmware (stack at the top of the bigger dmem).
PE_BIG_DIR    := $(PE_DIR)/d256k
PE_BIG_VDIR   := $(PE_BIG_DIR)/vobj
PE_BIG_VSTAMP := $(PE_BIG_VDIR)/.built
PE_BIG_VOBJS  := $(PE_BIG_VDIR)/Vwl_pe__ALL.a $(PE_BIG_VDIR)/verilated.o \
                 $(PE_BIG_VDIR)/verilated_threads.o
PE_BIG_DEFS   := -DTU_OFF_MASK=0x3FFFFu -DTU_WIN_BASE=0x30000u
PE_TESTS += $(PE_DIR)/test_pe_tensor_d256k $(PE_DIR)/test_pe_firmware_d256k

ALL_TARGETS += $(PE_TESTS) $(PE_DIR)/bench_pe firmware
TESTS       += $(PE_TESTS)
BENCH_PARTS += $(BUILD)/bench/pe.json

.PHONY: lint-pe firmware synth-pe
lint: lint-pe
lint-pe:
	$(VERILATOR) --lint-only -Wall --top-module wl_pe $(PE_GPARAMS) $(PE_DMEM) $(PE_RTL)
	$(VERILATOR) --lint-only -Wall --top-module wl_core rtl/wl_core.sv

# ---------------------------------------------------------------- Verilated model
$(PE_VSTAMP): $(PE_RTL) mk/pe.mk
	@mkdir -p $(PE_VDIR)
	$(VERILATOR) --cc -Wall --top-module wl_pe --x-assign fast --x-initial fast \
	  $(PE_GPARAMS) $(PE_DMEM) -Mdir $(PE_VDIR) $(PE_RTL)
	$(MAKE) -s -C $(PE_VDIR) -f Vwl_pe.mk OPT_FAST=-O2 OPT_SLOW=-O1 \
	  Vwl_pe__ALL.a verilated.o verilated_threads.o
	@touch $@

$(PE_VOBJS): $(PE_VSTAMP) ;

$(PE_BIG_VSTAMP): $(PE_RTL) mk/pe.mk
	@mkdir -p $(PE_BIG_VDIR)
	$(VERILATOR) --cc -Wall --top-module wl_pe --x-assign fast --x-initial fast \
	  $(PE_GPARAMS) -GDmemBytes=262144 -Mdir $(PE_BIG_VDIR) $(PE_RTL)
	$(MAKE) -s -C $(PE_BIG_VDIR) -f Vwl_pe.mk OPT_FAST=-O2 OPT_SLOW=-O1 \
	  Vwl_pe__ALL.a verilated.o verilated_threads.o
	@touch $@

$(PE_BIG_VOBJS): $(PE_BIG_VSTAMP) ;

$(PE_BIG_DIR)/pe_shim.o: sim/pe_shim.cpp sim/pe_shim.h $(PE_BIG_VSTAMP)
	$(PE_CXX) -O2 -std=c++17 -Wall -Wextra -I$(PE_BIG_VDIR) -isystem $(PE_VL_INC) \
	  -isystem $(PE_VL_INC)/vltstd -Isim -c $< -o $@

$(PE_BIG_DIR)/%.o: tests/%.c | $(PE_BIG_VSTAMP)
	@mkdir -p $(PE_BIG_DIR)
	$(CC) $(PE_TEST_CFLAGS) $(PE_BIG_DEFS) $(DEPFLAGS) -c $< -o $@

$(PE_DIR)/test_pe_tensor_d256k: $(PE_BIG_DIR)/test_pe_tensor.o $(PE_BIG_DIR)/pe_tu_model.o \
  $(PE_BIG_DIR)/pe_shim.o $(PE_DIR)/pe_tb.o $(PE_BIG_VOBJS)
	$(PE_CXX) -o $@ $(filter %.o %.a,$^) -lcmocka -lpthread

$(PE_DIR)/test_pe_firmware_d256k: $(PE_DIR)/test_pe_firmware.o $(PE_BIG_DIR)/pe_shim.o \
  $(PE_DIR)/pe_tb.o $(PE_BIG_VOBJS) $(FW_IMAGES)
	$(PE_CXX) -o $@ $(filter %.o %.a,$^) -lcmocka -lpthread

$(PE_DIR)/pe_shim.o: sim/pe_shim.cpp sim/pe_shim.h $(PE_VSTAMP)
	$(PE_CXX) -O2 -std=c++17 -Wall -Wextra -I$(PE_VDIR) -isystem $(PE_VL_INC) -isystem $(PE_VL_INC)/vltstd \
	  -Isim -c $< -o $@

$(PE_DIR)/%.o: tests/%.c | $(PE_VSTAMP)
	@mkdir -p $(PE_DIR)
	$(CC) $(PE_TEST_CFLAGS) $(DEPFLAGS) -c $< -o $@

PE_SIM_OBJS := $(PE_DIR)/pe_shim.o $(PE_DIR)/pe_tb.o $(PE_VOBJS)

$(PE_DIR)/test_pe_%: $(PE_DIR)/test_pe_%.o $(PE_DIR)/pe_tu_model.o $(PE_SIM_OBJS)
	$(PE_CXX) -o $@ $(filter %.o %.a,$^) -lcmocka -lpthread

$(PE_DIR)/test_pe_isa: $(PE_ISA_BINS)
$(PE_DIR)/test_pe_firmware: $(FW_IMAGES)

$(PE_DIR)/bench_pe: $(PE_DIR)/bench_pe.o $(PE_DIR)/pe_tu_model.o $(PE_SIM_OBJS)
	$(PE_CXX) -o $@ $(filter %.o %.a,$^) -lpthread

$(BUILD)/bench/pe.json: $(PE_DIR)/bench_pe $(FW_IMAGES)
	@mkdir -p $(BUILD)/bench
	$(PE_DIR)/bench_pe $@

-include $(wildcard $(PE_DIR)/*.d $(PE_BIG_DIR)/*.d)

# ---------------------------------------------------------------- instruction tests
$(PE_DIR)/gen_isa: tests/gen_isa.c
	@mkdir -p $(PE_DIR)
	$(CC) $(CFLAGS) $< -o $@

$(PE_DIR)/isa/.gen: $(PE_DIR)/gen_isa
	@mkdir -p $(PE_DIR)/isa
	$(PE_DIR)/gen_isa $(PE_DIR)/isa
	@touch $@

$(PE_DIR)/isa/%.elf: $(PE_DIR)/isa/.gen firmware/link.ld
	$(RV_CC) $(RV_ARCH) -nostdlib -nostartfiles -T firmware/link.ld $(PE_DIR)/isa/$*.S -o $@

# ---------------------------------------------------------------- firmware
firmware: $(FW_IMAGES)

$(FW_DIR)/crt0.o: firmware/crt0.S
	@mkdir -p $(FW_DIR)
	$(RV_CC) $(RV_ARCH) -c $< -o $@

$(FW_DIR)/%.o: firmware/apps/%.c firmware/lib/wl_pe.h
	@mkdir -p $(FW_DIR)
	$(RV_CC) $(RV_CFLAGS) -c $< -o $@

$(FW_DIR)/%.elf: $(FW_DIR)/crt0.o $(FW_DIR)/%.o firmware/link.ld
	$(RV_CC) $(RV_LDFLAGS) $(FW_DIR)/crt0.o $(FW_DIR)/$*.o -lgcc -o $@

$(FW_DIR)/%.imem.bin: $(FW_DIR)/%.elf
	$(RV_OBJCOPY) -O binary -j .text $< $@
$(FW_DIR)/%.dmem.bin: $(FW_DIR)/%.elf
	$(RV_OBJCOPY) -O binary -j .data $< $@
$(PE_DIR)/isa/%.imem.bin: $(PE_DIR)/isa/%.elf
	$(RV_OBJCOPY) -O binary -j .text $< $@
$(PE_DIR)/isa/%.dmem.bin: $(PE_DIR)/isa/%.elf
	$(RV_OBJCOPY) -O binary -j .data $< $@

.PRECIOUS: $(PE_DIR)/isa/%.elf $(FW_DIR)/%.elf $(FW_DIR)/%.o $(PE_DIR)/%.o

# ---------------------------------------------------------------- synthesis (size report)
synth-pe: $(PE_DIR)/synth_core.log $(PE_DIR)/synth_tu.log $(PE_DIR)/synth_pe.log

$(PE_DIR)/synth_core.log: rtl/wl_core.sv
	@mkdir -p $(PE_DIR)
	$(YOSYS) -q -p 'read_verilog -sv rtl/wl_core.sv; synth_ecp5 -top wl_core -noflatten; tee -o $@ stat' \
	  > /dev/null
	@grep -E 'LUT4|TRELLIS_FF|MULT18|DP16KD|TRELLIS_DPR16X4|CCU2C' $@ | tail -8

$(PE_DIR)/synth_tu.log: rtl/wl_tensor_unit.sv rtl/wl_fifo.sv
	@mkdir -p $(PE_DIR)
	$(YOSYS) -q -p 'read_verilog -sv rtl/wl_tensor_unit.sv rtl/wl_fifo.sv; synth_ecp5 -top wl_tensor_unit; tee -o $@ stat' \
	  > /dev/null
	@grep -E 'LUT4|TRELLIS_FF|MULT18|CCU2C' $@ | tail -6

$(PE_DIR)/synth_pe.log: $(PE_RTL)
	@mkdir -p $(PE_DIR)
	$(YOSYS) -q -p 'read_verilog -sv -defer $(PE_RTL); $(PE_SYNTH_PARAMS); synth_ecp5 -top wl_pe; tee -o $@ stat' > /dev/null
	@grep -E 'LUT4|TRELLIS_FF|MULT18|DP16KD|CCU2C' $@ | tail -6
