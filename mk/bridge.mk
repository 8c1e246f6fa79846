# Host bridge (rtl/wl_host_bridge.sv): Verilated model, C shim and the cmocka
# testbench with a C model of the mesh (tests/test_bridge.c).

BR_DIR     := $(BUILD)/bridge
BR_RTL     := rtl/wl_host_bridge.sv rtl/wl_crc32c.sv rtl/wl_fifo.sv
BR_VDIR    := $(BR_DIR)/vobj
BR_VSTAMP  := $(BR_VDIR)/.built
BR_VOBJS   := $(BR_VDIR)/Vwl_host_bridge__ALL.a $(BR_VDIR)/verilated.o $(BR_VDIR)/verilated_threads.o
# Mesh and INFO parameters of the Verilated bridge; the testbench gets the same values.
BR_ROWS    := 4
BR_COLS    := 4
BR_WINDOW  := 32
# a short READ timeout, so that the testbench sees it expire
BR_READ_TO := 3000
BR_GPARAMS := -GRows=$(BR_ROWS) -GCols=$(BR_COLS) -GWindow=$(BR_WINDOW) \
              -GImemBytes=16384 -GDmemBytes=49152 -GLanes=8 -GReadTimeout=$(BR_READ_TO)
BR_DEFS    := -DBR_ROWS=$(BR_ROWS) -DBR_COLS=$(BR_COLS) -DBR_WINDOW=$(BR_WINDOW) \
              -DBR_IMEM=16384 -DBR_DMEM=49152 -DBR_LANES=8 -DBR_READ_TIMEOUT=$(BR_READ_TO)
BR_TEST    := $(BR_DIR)/test_bridge
# mk/*.mk load in name order, before pe.mk: own names for the tools
BR_VERILATOR ?= verilator
BR_VL_INC    := /usr/share/verilator/include
BR_CXX       ?= g++
BR_YOSYS     ?= yosys

ALL_TARGETS += $(BR_TEST)
TESTS       += $(BR_TEST)

.PHONY: lint-bridge synth-bridge
lint: lint-bridge
lint-bridge:
	$(BR_VERILATOR) --lint-only -Wall --top-module wl_host_bridge $(BR_RTL)
	$(BR_VERILATOR) --lint-only -Wall --top-module wl_crc32c rtl/wl_crc32c.sv

$(BR_VSTAMP): $(BR_RTL) mk/bridge.mk
	@mkdir -p $(BR_VDIR)
	$(BR_VERILATOR) --cc -Wall --top-module wl_host_bridge --x-assign fast --x-initial fast \
	  $(BR_GPARAMS) -Mdir $(BR_VDIR) $(BR_RTL)
	$(MAKE) -s -C $(BR_VDIR) -f Vwl_host_bridge.mk OPT_FAST=-O2 OPT_SLOW=-O1 \
	  Vwl_host_bridge__ALL.a verilated.o verilated_threads.o
	@touch $@

$(BR_VOBJS): $(BR_VSTAMP) ;

$(BR_DIR)/bridge_shim.o: sim/bridge_shim.cpp sim/bridge_shim.h $(BR_VSTAMP)
	$(BR_CXX) -O2 -std=c++17 -Wall -Wextra -I$(BR_VDIR) -isystem $(BR_VL_INC) \
	  -isystem $(BR_VL_INC)/vltstd -Isim -c $< -o $@

$(BR_DIR)/test_bridge.o: tests/test_bridge.c sim/bridge_shim.h driver/wl_frame.h
	@mkdir -p $(BR_DIR)
	$(CC) $(CFLAGS) $(DEPFLAGS) $(BR_DEFS) -Isim -Idriver $(CMOCKA_CFLAGS) -c $< -o $@

$(BR_DIR)/wl_frame.o: driver/wl_frame.c driver/wl_frame.h
	@mkdir -p $(BR_DIR)
	$(CC) $(CFLAGS) -Idriver -c $< -o $@

$(BR_TEST): $(BR_DIR)/test_bridge.o $(BR_DIR)/wl_frame.o $(BR_DIR)/bridge_shim.o $(BR_VOBJS)
	$(BR_CXX) -o $@ $^ $(CMOCKA_LIBS) -lpthread

# Size report (Yosys 0.23, ECP5), like synth-pe.
synth-bridge: $(BR_DIR)/synth_bridge.log
$(BR_DIR)/synth_bridge.log: $(BR_RTL)
	@mkdir -p $(BR_DIR)
	$(BR_YOSYS) -q -p 'read_verilog -sv $(BR_RTL); synth_ecp5 -top wl_host_bridge; tee -o $@ stat' \
	  > /dev/null
	@grep -E 'LUT4|TRELLIS_FF|DP16KD|CCU2C|TRELLIS_DPR16X4' $@ | tail -6

-include $(wildcard $(BR_DIR)/*.d)
