# Mesh fabric: router/mesh RTL (rtl/wl_*.sv), Verilated meshes (build/fabric/mRxC),
# the C testbench (tests/fabric_tb.c, tests/test_fabric.c), bench, lint, synth.

FAB_RTL := rtl/wl_fifo.sv rtl/wl_rr_arb.sv rtl/wl_color_sw.sv rtl/wl_pkt_sw.sv \
           rtl/wl_router.sv rtl/wl_mesh.sv
FAB_ROUTER_RTL := $(filter-out rtl/wl_mesh.sv,$(FAB_RTL))
FAB_B    := $(BUILD)/fabric
VERILATOR ?= verilator
YOSYS    ?= yosys
FAB_VROOT = $(shell $(VERILATOR) --getenv VERILATOR_ROOT 2>/dev/null)
# -fno-inline: Verilator still emits code per router instance, but without
# inlining the 8x8 model builds in about half the time at similar speed.
FAB_VFLAGS := --cc -O3 -fno-inline --x-assign fast --x-initial fast --noassert
FAB_VMAKE  := OPT_FAST=-O2 OPT_SLOW=-O1 OPT_GLOBAL=-O2
FAB_TB_CFLAGS := $(CSTD_FLAGS) -Isim -Itests

# $(1) rows, $(2) cols: a Verilated mesh, its shim, and the test and bench programs.
define FAB_MODEL
$(FAB_B)/m$(1)x$(2)/Vwl_mesh__ALL.a: $(FAB_RTL)
	@mkdir -p $$(@D)
	@echo "verilator wl_mesh $(1)x$(2)"
	@$(VERILATOR) $(FAB_VFLAGS) -GRows=$(1) -GCols=$(2) --top-module wl_mesh \
	  --Mdir $$(@D) $(FAB_RTL) > $$(@D)/verilate.log 2>&1 || (cat $$(@D)/verilate.log; exit 1)
	@$(MAKE) -s -C $$(@D) -f Vwl_mesh.mk -j 2 $(FAB_VMAKE) Vwl_mesh__ALL.a verilated.o \
	  verilated_threads.o > $$(@D)/build.log 2>&1 || (tail -30 $$(@D)/build.log; exit 1)
	@touch $$@

$(FAB_B)/m$(1)x$(2)/mesh_shim.o: sim/mesh_shim.cpp sim/mesh_shim.h $(FAB_B)/m$(1)x$(2)/Vwl_mesh__ALL.a
	$(CXX) -O2 -std=gnu++14 -Wall -Wextra -DWL_ROWS=$(1) -DWL_COLS=$(2) -I$(FAB_B)/m$(1)x$(2) \
	  -I$(FAB_VROOT)/include -I$(FAB_VROOT)/include/vltstd -Isim -c $$< -o $$@

FAB_LIB_$(1)x$(2) := $(FAB_B)/m$(1)x$(2)/mesh_shim.o $(FAB_B)/m$(1)x$(2)/Vwl_mesh__ALL.a

$(FAB_B)/test_fabric_$(1)x$(2): $(FAB_B)/test_fabric.o $(FAB_B)/fabric_tb.o $$(FAB_LIB_$(1)x$(2))
	$(CXX) -o $$@ $$^ $(FAB_B)/m$(1)x$(2)/verilated.o $(FAB_B)/m$(1)x$(2)/verilated_threads.o \
	  -lcmocka -pthread

$(FAB_B)/bench_fabric_$(1)x$(2): $(FAB_B)/bench_fabric.o $(FAB_B)/fabric_tb.o $$(FAB_LIB_$(1)x$(2))
	$(CXX) -o $$@ $$^ $(FAB_B)/m$(1)x$(2)/verilated.o $(FAB_B)/m$(1)x$(2)/verilated_threads.o \
	  -pthread
endef

$(eval $(call FAB_MODEL,2,2))
$(eval $(call FAB_MODEL,3,5))
$(eval $(call FAB_MODEL,8,8))
$(eval $(call FAB_MODEL,16,16))

$(FAB_B)/%.o: tests/%.c tests/fabric_tb.h sim/mesh_shim.h
	@mkdir -p $(@D)
	$(CC) $(FAB_TB_CFLAGS) -c $< -o $@

# The long test runs the same suite at 50x traffic (about 1.5M wavelets on 8x8).
$(FAB_B)/test_fabric_long: $(FAB_B)/test_fabric_8x8
	printf '#!/bin/sh\nWL_SCALE=$${WL_SCALE:-50} exec "$$(dirname "$$0")/test_fabric_8x8" "$$@"\n' > $@
	chmod +x $@

$(FAB_B)/test_fabric_long16: $(FAB_B)/test_fabric_16x16
	printf '#!/bin/sh\nWL_SCALE=$${WL_SCALE:-3} exec "$$(dirname "$$0")/test_fabric_16x16" "$$@"\n' > $@
	chmod +x $@

$(BUILD)/bench/fabric.json: $(FAB_B)/bench_fabric_8x8 $(FAB_B)/bench_fabric_16x16 $(FAB_B)/synth/router.json
	@mkdir -p $(@D)
	$(FAB_B)/bench_fabric_8x8 --json $(FAB_B)/bench8.json
	$(FAB_B)/bench_fabric_16x16 --json $(FAB_B)/bench16.json
	tools/fabric-bench-merge.sh $@ $(FAB_B)/bench8.json $(FAB_B)/bench16.json $(FAB_B)/synth/router.json

# Yosys: synthesize the router for iCE40; fail on latches or multiple drivers.
$(FAB_B)/synth/router.json: $(FAB_ROUTER_RTL) tools/fabric-synth.sh
	@mkdir -p $(@D)
	tools/fabric-synth.sh $(FAB_B)/synth $(FAB_ROUTER_RTL)

.PHONY: synth-fabric lint-fabric
synth-fabric: $(FAB_B)/synth/router.json
	@cat $<

lint: lint-fabric
# Verilator -Wall on the router and on meshes of several shapes (16x16 elaborates
# the same code and is built by the bench), then a Yosys parse of the mesh: the
# RTL must stay inside the SystemVerilog subset Yosys 0.23 reads.
lint-fabric:
	$(VERILATOR) --lint-only -Wall --top-module wl_router $(FAB_ROUTER_RTL)
	$(VERILATOR) --lint-only -Wall --top-module wl_router -GDepth=2 $(FAB_ROUTER_RTL)
	$(VERILATOR) --lint-only -Wall --top-module wl_mesh $(FAB_RTL)
	$(VERILATOR) --lint-only -Wall --top-module wl_mesh -GRows=2 -GCols=2 $(FAB_RTL)
	$(VERILATOR) --lint-only -Wall --top-module wl_mesh -GRows=3 -GCols=5 $(FAB_RTL)
	$(YOSYS) -q -w 'Replacing memory .* with list of registers' -p "read_verilog -sv $(FAB_RTL); \
	  hierarchy -check -top wl_mesh -chparam Rows 2 -chparam Cols 3; proc; check -assert"

# Plain make proves the RTL Verilates and the testbench links, cheaply.
ALL_TARGETS += $(FAB_B)/test_fabric_2x2
TESTS       += $(FAB_B)/test_fabric_2x2 $(FAB_B)/test_fabric_8x8
# The non-square 3x5 is cheap to run but its build would push `make test` past its
# time budget on a busy 2-core machine, so it runs with the long tests.
LONG_TESTS  += $(FAB_B)/test_fabric_3x5 $(FAB_B)/test_fabric_long $(FAB_B)/test_fabric_long16
BENCH_PARTS += $(BUILD)/bench/fabric.json
# One word per group (files joined by commas) so the list survives word splitting.
FAB_COMMA := ,
FAB_EMPTY :=
FAB_SPACE := $(FAB_EMPTY) $(FAB_EMPTY)
LINT_TOPS   += wl_router:$(subst $(FAB_SPACE),$(FAB_COMMA),$(FAB_ROUTER_RTL)) \
               wl_mesh:$(subst $(FAB_SPACE),$(FAB_COMMA),$(FAB_RTL))
