# The byte-wide host link adapter (rtl/wl_host_bytes.sv) for FPGA boards, Verilated
# alone and checked by tests/test_host_bytes.c.

HB_DIR := $(BUILD)/host_bytes
HB_VROOT = $(shell verilator --getenv VERILATOR_ROOT 2>/dev/null)

$(HB_DIR)/v/Vwl_host_bytes__ALL.a: rtl/wl_host_bytes.sv
	@mkdir -p $(@D)
	verilator --cc -O3 --x-assign fast --x-initial fast --top-module wl_host_bytes \
	  --Mdir $(@D) $< > $(@D)/verilate.log 2>&1 || (cat $(@D)/verilate.log; exit 1)
	$(MAKE) -s -C $(@D) -f Vwl_host_bytes.mk OPT_FAST=-O2 OPT_SLOW=-O1 \
	  Vwl_host_bytes__ALL.a verilated.o verilated_threads.o > $(@D)/build.log 2>&1 \
	  || (tail -30 $(@D)/build.log; exit 1)

$(HB_DIR)/bytes_shim.o: sim/bytes_shim.cpp sim/bytes_shim.h $(HB_DIR)/v/Vwl_host_bytes__ALL.a
	$(CXX) -O2 -std=gnu++14 -I$(HB_DIR)/v -I$(HB_VROOT)/include -I$(HB_VROOT)/include/vltstd \
	  -Isim -c $< -o $@

$(HB_DIR)/test_host_bytes: $(OBJ)/tests/test_host_bytes.o $(HB_DIR)/bytes_shim.o $(LIBWL)
	$(CXX) $^ $(HB_DIR)/v/Vwl_host_bytes__ALL.a $(HB_DIR)/v/verilated.o \
	  $(HB_DIR)/v/verilated_threads.o $(CMOCKA_LIBS) -pthread -o $@

TESTS += $(HB_DIR)/test_host_bytes
ALL_TARGETS += $(HB_DIR)/test_host_bytes

.PHONY: lint-host-bytes
lint: lint-host-bytes
lint-host-bytes:
	verilator --lint-only -Wall --top-module wl_host_bytes rtl/wl_host_bytes.sv
