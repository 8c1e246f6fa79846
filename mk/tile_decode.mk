# Decode on the tile: the decode firmware (firmware/decode/ + the integer spec in
# firmware/spec/, compiled for the PE cores) that the tile device loads.

DEC_FW_SRCS := $(wildcard firmware/decode/*.c) $(SPEC_SRCS)
DEC_FW_OBJS := $(patsubst %.c,$(FW_DIR)/obj/%.o,$(DEC_FW_SRCS))
DEC_FW      := $(FW_DIR)/decode.imem.bin $(FW_DIR)/decode.dmem.bin
# imem is 16 KiB: the decode firmware is built for size.
DEC_FW_OPT  := -Os
# ...except the spec's hot arithmetic (matvec, quantize, scales), which fits at -O2.
$(FW_DIR)/obj/firmware/spec/wls_fixed.o: DEC_FW_OPT := -O2
export WL_FIRMWARE_DIR ?= $(abspath $(FW_DIR))

$(FW_DIR)/obj/%.o: %.c firmware/lib/wl_pe.h firmware/lib/wl_decode_abi.h
	@mkdir -p $(@D)
	$(RV_CC) $(RV_CFLAGS) $(DEC_FW_OPT) -Ifirmware/spec -Ifirmware/decode -c $< -o $@

$(FW_DIR)/decode.elf: $(FW_DIR)/crt0.o $(DEC_FW_OBJS) firmware/link.ld
	$(RV_CC) $(subst rv32im_zicsr,rv32im,$(RV_LDFLAGS)) $(FW_DIR)/crt0.o $(DEC_FW_OBJS) -lgcc -o $@

firmware: $(DEC_FW)
ALL_TARGETS += $(DEC_FW)

# Tile decode against the golden model: a small generated model on 2x2 in `make test`;
# test-long runs it, the shipped model and the 264K checkpoint on 2x2 with 256 KiB per
# PE and 4x4 (4 tokens each), and on 8x8 (2 tokens each: 8x8 simulates at a few
# thousand cycles/s here).
$(BUILD)/tests/test_tile_decode: | $(BUILD)/sim/libwlsim_2x2.so $(DEC_FW) $(DEF_MODEL)
TESTS += $(BUILD)/tests/test_tile_decode
ALL_TARGETS += $(BUILD)/tests/test_tile_decode

.PHONY: test-tile-decode-long
test-tile-decode-long: $(BUILD)/tests/test_tile_decode $(BUILD)/sim/libwlsim_4x4.so \
                       $(BUILD)/sim/libwlsim_8x8.so
	@$(MAKE) -s sim MESH=2x2 DMEM_KIB=256 >/dev/null
	WL_TILE_DECODE_MESHES="2x2:256k 4x4" WL_TILE_DECODE_SHIPPED=4 WL_TILE_DECODE_SHARED=4 \
	  $(BUILD)/tests/test_tile_decode
	WL_TILE_DECODE_MESHES=8x8 WL_TILE_DECODE_SHIPPED=2 WL_TILE_DECODE_SHARED=2 \
	  $(BUILD)/tests/test_tile_decode
test-long: test-tile-decode-long

# bench.json section "decode": a few positions from BOS on 2x2 (256 KiB per PE), 4x4
# and 8x8, and TTFT for a 32-id prompt on 2x2 (256 KiB) and 4x4, about 25 minutes
# (tools/bench-decode.sh). BENCH_DECODE_LONG=256 adds positions 0-255 on 2x2 (256 KiB)
# and 4x4 and the 32-id-prompt TTFT on 8x8: about 3.5 hours more here.
BENCH_DECODE_STEPS ?= 4
BENCH_DECODE_LONG ?=
BENCH_DECODE_PROMPT ?= sim:2x2:256k sim:4x4 $(if $(BENCH_DECODE_LONG),sim:8x8)
BENCH_DECODE_LONG_DEVICES ?= sim:2x2:256k sim:4x4
$(BUILD)/bench/decode.json: $(WAFERLET) $(DEC_FW) $(DEF_MODEL) $(BUILD)/sim/libwlsim_4x4.so \
                            $(BUILD)/sim/libwlsim_8x8.so
	@$(MAKE) -s sim MESH=2x2 DMEM_KIB=256 >/dev/null
	@mkdir -p $(dir $@)
	PROMPT_DEVICES="$(BENCH_DECODE_PROMPT)" LONG_STEPS=$(BENCH_DECODE_LONG) \
	  LONG_DEVICES="$(BENCH_DECODE_LONG_DEVICES)" \
	  tools/bench-decode.sh $(WAFERLET) $@ $(BENCH_DECODE_STEPS) sim:2x2:256k sim:4x4 sim:8x8
.PHONY: $(BUILD)/bench/decode.json
BENCH_PARTS += $(BUILD)/bench/decode.json
$(BUILD)/tests/test_cli: | $(BUILD)/sim/libwlsim_2x2.so $(BUILD)/sim/libwlsim_4x4.so
