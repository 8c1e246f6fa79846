# The tile (rtl/wl_tile.sv) Verilated into one shared library per mesh size and
# data-memory size, build/sim/libwlsim_<R>x<C>.so (48 KiB dmem per PE, the default)
# or build/sim/libwlsim_<R>x<C>_d<K>k.so (K KiB per PE), which the driver's sim
# transport loads for the device URI sim:<R>x<C> or sim:<R>x<C>:<K>k.
#   make sim MESH=8x8               another mesh size (default 4x4, built by `make`)
#   make sim MESH=2x2 DMEM_KIB=256  256 KiB of dmem per PE (up to 16320; use -d sim:2x2:256k)
#   make sim MESH=8x8 SIM_PGO=0     no profile-guided compile: builds in about half the
#                                   time, simulates 1.1-1.2x slower (plain -O2)
#   make sim MESH=4x4 TRACE=1       a waveform build in build/sim-trace/ (FST; run with
#                                   WL_SIM_DIR=build/sim-trace WL_SIM_TRACE=wave.fst)

MESH  ?= 4x4
DMEM_KIB ?= 48
export WL_SIM_DIR ?= $(abspath $(BUILD)/sim)
TRACE ?=
TILE_RTL := $(sort $(wildcard rtl/wl_*.sv))
TILE_VFLAGS := --cc -O3 --x-assign fast --x-initial fast --noassert -CFLAGS -fPIC
# The top is sim/wl_tile_sim.sv (the tile sized by macros). On meshes of 16 PEs or
# more each PE is Verilated once, as a hierarchical block (sim/wl_tile_sim.vlt) whose
# code all instances share: on 8x8 the evaluation code shrinks from 5.8 to 2.8 MB,
# which simulates twice as fast and builds in about 5 min instead of 7-14. On 2x2 the
# flat model fits the cache and the block's call overhead makes it slower (0.71x), so
# it stays flat (docs/ARCHITECTURE.md). So does a trace build: signals inside a
# hierarchical block cannot be traced.
TILE_SIM_SRC := sim/wl_tile_sim.sv sim/wl_tile_sim.vlt
# The flags that make variant $(1) hierarchical, or nothing.
hier_of = $(if $(TRACE),,$(shell [ $$(($(call rows_of,$(1)) * $(call cols_of,$(1)))) -ge 16 ] \
  && echo --hierarchical sim/wl_tile_sim.vlt))
# The macros that size sim/wl_tile_sim.sv: rows, cols, dmem bytes.
tile_defines = +define+WL_ROWS=$(1) +define+WL_COLS=$(2) +define+WL_IMEM_BYTES=16384 \
  +define+WL_DMEM_BYTES=$(3) +define+WL_LANES=8
# The per-cycle code is compiled at -O2, profile-guided (SIM_PGO=1, the default):
# compiled once instrumented, trained by decoding one position of the shipped model
# (build/models/waferlet-default.bin) on that tile, then compiled again with the
# profile. A mesh the model does not fit (waferlet plan says so, e.g. 2x2 with 48 KiB)
# keeps plain -O2, as do SIM_PGO=0 and trace builds. Decode runs 1.5x faster than
# the -Os builds before (docs/ARCHITECTURE.md). The profile only steers the C++
# compiler: the simulated cycles are the same (make lockstep).
SIM_PGO     ?= 1
TILE_VMAKE  := OPT_SLOW=-O1 OPT_GLOBAL=-O2
PGO_GEN     := -fprofile-generate -fprofile-update=single
PGO_USE     := -fprofile-use -fprofile-partial-training -Wno-missing-profile
TILE_VROOT   = $(shell verilator --getenv VERILATOR_ROOT 2>/dev/null)
SIM_DIR     := $(BUILD)/sim$(if $(TRACE),-trace)

# A variant is RxC (48 KiB dmem) or RxC_d<K>k.
mesh_of = $(word 1,$(subst _d, ,$(1)))
kib_of  = $(or $(patsubst %k,%,$(word 2,$(subst _d, ,$(1)))),48)
rows_of = $(word 1,$(subst x, ,$(call mesh_of,$(1))))
cols_of = $(word 2,$(subst x, ,$(call mesh_of,$(1))))
dmem_of = $(shell echo $$(($(call kib_of,$(1)) * 1024)))
variant = $(1)$(if $(filter-out 48,$(2)),_d$(2)k)

# The device URI of variant $(1): sim:RxC or sim:RxC:Kk.
uri_of = sim:$(call mesh_of,$(1))$(if $(filter-out 48,$(call kib_of,$(1))),:$(call kib_of,$(1))k)
# Compiles variant $(1)'s Verilated code with OPT_FAST=$(2) (its objects are removed
# first, so a second pass recompiles everything).
tile_vmake = find $(SIM_DIR)/v$(1) \( -name '*.o' -o -name '*.a' \) -delete && \
  $(MAKE) -s -C $(SIM_DIR)/v$(1) -f Vwl_tile.mk -j 2 $(TILE_VMAKE) OPT_FAST="$(2)" \
  Vwl_tile__ALL.a verilated.o verilated_threads.o $(if $(TRACE),verilated_fst_c.o) \
  >> $(SIM_DIR)/v$(1)/build.log 2>&1 || (tail -30 $(SIM_DIR)/v$(1)/build.log; exit 1)
# Links variant $(1)'s shared library to $(2), extra flags $(3).
tile_link = $(CXX) -O2 -fPIC -shared -std=gnu++14 $(3) -DWL_ROWS=$(call rows_of,$(1)) \
  -DWL_COLS=$(call cols_of,$(1)) -DWL_IMEM_BYTES=16384 -DWL_DMEM_BYTES=$(call dmem_of,$(1)) \
  -DWL_LANES=8 \
  $(if $(TRACE),-DVM_TRACE=1) -I$(SIM_DIR)/v$(1) -I$(TILE_VROOT)/include \
  -I$(TILE_VROOT)/include/vltstd -Isim sim/tile_shim.cpp $(SIM_DIR)/v$(1)/Vwl_tile__ALL.a \
  $(SIM_DIR)/v$(1)/verilated.o $(SIM_DIR)/v$(1)/verilated_threads.o \
  $(if $(TRACE),$(SIM_DIR)/v$(1)/verilated_fst_c.o -lz) -pthread -o $(2)
# Profile-guided compile of variant $(1): instrumented pass, a one-position decode of
# the shipped model on it where the model fits, then the pass that uses the profile
# (or plain -O2 without one).
define tile_pgo
	@$(call tile_vmake,$(1),-O2 $(PGO_GEN))
	@mkdir -p $(SIM_DIR)/v$(1)/train
	@$(call tile_link,$(1),$(SIM_DIR)/v$(1)/train/libwlsim_$(1).so,-fprofile-generate)
	@if WL_SIM_DIR=$(abspath $(SIM_DIR)/v$(1)/train) $(WAFERLET) plan -m $(DEF_MODEL) \
	    -d $(call uri_of,$(1)) > /dev/null 2> $(SIM_DIR)/v$(1)/train.log; then \
	  echo "training wl_tile $(1) (decode of one position of the shipped model)"; \
	  WL_SIM_DIR=$(abspath $(SIM_DIR)/v$(1)/train) $(WAFERLET) bench -m $(DEF_MODEL) \
	    -d $(call uri_of,$(1)) -n 1 > $(SIM_DIR)/v$(1)/train.log 2>&1 \
	    || { cat $(SIM_DIR)/v$(1)/train.log; exit 1; }; \
	  rm -rf $(SIM_DIR)/v$(1)/train && $(call tile_vmake,$(1),-O2 $(PGO_USE)); \
	else \
	  echo "wl_tile $(1): no profile (plain -O2): $$$$(tail -1 $(SIM_DIR)/v$(1)/train.log)"; \
	  rm -rf $(SIM_DIR)/v$(1)/train && $(call tile_vmake,$(1),-O2); \
	fi
endef
tile_pgo_on = $(and $(filter 1,$(SIM_PGO)),$(if $(TRACE),,1))

# $(1) = variant
define TILE_LIB
$(SIM_DIR)/v$(1)/Vwl_tile__ALL.a: $(TILE_RTL) $(TILE_SIM_SRC) mk/tile.mk \
  | $(if $(tile_pgo_on),$(WAFERLET) $(DEF_MODEL) firmware)
	@rm -rf $$(@D) && mkdir -p $$(@D)
	@echo "verilator wl_tile $(1)$(if $(TRACE), (trace))"
	@verilator $(TILE_VFLAGS) $(if $(TRACE),--trace-fst) $(call hier_of,$(1)) \
	  $(call tile_defines,$(call rows_of,$(1)),$(call cols_of,$(1)),$(call dmem_of,$(1))) \
	  --top-module wl_tile_sim --prefix Vwl_tile --Mdir $$(@D) $(TILE_RTL) sim/wl_tile_sim.sv \
	  > $$(@D)/verilate.log 2>&1 || (cat $$(@D)/verilate.log; exit 1)
$(if $(tile_pgo_on),$(call tile_pgo,$(1)),	@$(call tile_vmake,$(1),-O2))

$(SIM_DIR)/libwlsim_$(1).so: sim/tile_shim.cpp sim/wl_sim.h $(SIM_DIR)/v$(1)/Vwl_tile__ALL.a
	$(call tile_link,$(1),$$@)
endef

SIM_VARIANT := $(call variant,$(MESH),$(DMEM_KIB))
TILE_MESHES := $(sort 2x2 4x4 8x8 2x2_d256k $(SIM_VARIANT))
$(foreach m,$(TILE_MESHES),$(eval $(call TILE_LIB,$(m))))

.PHONY: sim
sim: deps $(SIM_DIR)/libwlsim_$(SIM_VARIANT).so
	@echo "built $(SIM_DIR)/libwlsim_$(SIM_VARIANT).so (use -d $(call uri_of,$(SIM_VARIANT)))"

ALL_TARGETS += $(BUILD)/sim/libwlsim_4x4.so

TILE_TESTS := $(BUILD)/tests/test_tile
$(BUILD)/tests/test_tile: | $(BUILD)/sim/libwlsim_2x2.so $(BUILD)/sim/libwlsim_4x4.so \
  $(BUILD)/sim/libwlsim_2x2_d256k.so firmware
TESTS += $(TILE_TESTS)
ALL_TARGETS += $(TILE_TESTS)

# 8x8 takes minutes to Verilate, so it runs in test-long.
.PHONY: test-tile-8x8
test-tile-8x8: $(BUILD)/tests/test_tile $(BUILD)/sim/libwlsim_8x8.so
	WL_TILE_MESHES=8x8 $(BUILD)/tests/test_tile
test-long: test-tile-8x8

$(BUILD)/bench/bench_link: $(OBJ)/bench/bench_link.o $(LIBWL)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $^ $(LDLIBS_M) -o $@

$(BUILD)/bench/link.json: $(BUILD)/bench/bench_link $(BUILD)/sim/libwlsim_4x4.so
	WL_SIM_DIR=$(abspath $(BUILD)/sim) $(BUILD)/bench/bench_link 4x4 > $@.tmp && mv $@.tmp $@
.PHONY: $(BUILD)/bench/link.json
BENCH_PARTS += $(BUILD)/bench/link.json

.PHONY: lint-tile
lint: lint-tile
lint-tile:
	verilator --lint-only -Wall --top-module wl_tile $(TILE_RTL)
	verilator --lint-only -Wall $(call tile_defines,2,3,49152) --top-module wl_tile_sim \
	  $(TILE_RTL) sim/wl_tile_sim.sv

# Cycle-by-cycle check of build/sim against another build of the tile at the host
# link (bench/sim_lockstep.c), over test_tile and bench_link; for changes meant to
# make the simulation faster without changing what it does. B is any directory
# holding the libraries test_tile uses (libwlsim_2x2.so, libwlsim_4x4.so and
# libwlsim_2x2_d256k.so), e.g. build/sim of another checkout:
#   make lockstep LOCKSTEP_B=../main/build/sim
LOCKSTEP_DIR := $(BUILD)/lockstep
$(LOCKSTEP_DIR)/libwlsim_%.so: bench/sim_lockstep.c sim/wl_sim.h
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -fPIC -shared -Isim $< -ldl -o $@

.PHONY: lockstep
LOCKSTEP_LIBS := libwlsim_2x2.so libwlsim_4x4.so libwlsim_2x2_d256k.so
lockstep: $(BUILD)/tests/test_tile $(BUILD)/bench/bench_link \
	  $(addprefix $(BUILD)/sim/,$(LOCKSTEP_LIBS)) $(addprefix $(LOCKSTEP_DIR)/,$(LOCKSTEP_LIBS))
	@test -n "$(LOCKSTEP_B)" || { echo "usage: make lockstep LOCKSTEP_B=<dir>"; exit 1; }
	WL_SIM_DIR=$(abspath $(LOCKSTEP_DIR)) WL_LOCKSTEP_A=$(abspath $(BUILD)/sim) \
	  WL_LOCKSTEP_B=$(abspath $(LOCKSTEP_B)) $(BUILD)/tests/test_tile
	WL_SIM_DIR=$(abspath $(LOCKSTEP_DIR)) WL_LOCKSTEP_A=$(abspath $(BUILD)/sim) \
	  WL_LOCKSTEP_B=$(abspath $(LOCKSTEP_B)) $(BUILD)/bench/bench_link 4x4
