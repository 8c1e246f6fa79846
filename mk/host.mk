# Host side: the integer spec (firmware/spec), libwaferlet (driver/), the CLI (host/),
# the default-model generator (tools/) and their cmocka tests.

SPEC_SRCS   := $(wildcard firmware/spec/*.c)
DRIVER_SRCS := $(wildcard driver/*.c)
HOST_INCS   := -Idriver -Ifirmware/spec -Ifirmware/lib -Isim
OBJ         := $(BUILD)/obj

LIBWL      := $(BUILD)/libwaferlet.a
WAFERLET   := $(BUILD)/waferlet
GEN_MODEL  := $(BUILD)/tools/gen_model
DEF_MODEL  := $(BUILD)/models/waferlet-default.bin
DEF_TOK    := $(BUILD)/models/waferlet-default-tokenizer.bin

CMOCKA_CFLAGS := $(shell pkg-config --cflags cmocka 2>/dev/null)
CMOCKA_LIBS   := $(shell pkg-config --libs cmocka 2>/dev/null || echo -lcmocka)

# Reference data beside the repository; tests skip with a message when it is absent.
export WL_SHARED ?= $(abspath ../shared)
export WL_BUILD := $(abspath $(BUILD))

$(OBJ)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(DEPFLAGS) $(HOST_INCS) -c $< -o $@

$(LIBWL): $(patsubst %.c,$(OBJ)/%.o,$(SPEC_SRCS) $(DRIVER_SRCS))
	@mkdir -p $(dir $@)
	$(AR) rcs $@ $^

$(WAFERLET): $(OBJ)/host/waferlet.o $(LIBWL)
	$(CC) $(CFLAGS) $^ $(LDLIBS_M) -o $@

$(GEN_MODEL): tools/gen_model.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $< $(LDLIBS_M) -o $@

$(DEF_MODEL) $(DEF_TOK) &: $(GEN_MODEL)
	@mkdir -p $(dir $(DEF_MODEL))
	$(GEN_MODEL) $(DEF_MODEL) $(DEF_TOK)

HOST_TEST_NAMES := test_frame test_fixed test_model test_tokenizer test_sampler test_reference test_cli
HOST_TESTS := $(addprefix $(BUILD)/tests/,$(HOST_TEST_NAMES))

$(BUILD)/tests/%: $(OBJ)/tests/%.o $(LIBWL)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $^ $(CMOCKA_LIBS) $(LDLIBS_M) -o $@

$(OBJ)/tests/%.o: tests/%.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(DEPFLAGS) $(HOST_INCS) -Itests $(CMOCKA_CFLAGS) -c $< -o $@

# The CLI test drives the built executable and the default model.
$(BUILD)/tests/test_cli: | $(WAFERLET) $(DEF_MODEL)

ALL_TARGETS += $(WAFERLET) $(DEF_MODEL) $(HOST_TESTS)
TESTS += $(HOST_TESTS)

.PHONY: run firmware-spec-check
# Decodes the shipped model on the simulated 4x4 tile (greedy: the whole job runs on
# the tile). A position costs about 0.66 M tile cycles for now, so few steps by
# default: make run RUN_STEPS=64 for more, RUN_DEVICE=ref for the host golden model.
RUN_STEPS  ?= 8
RUN_DEVICE ?= sim:4x4
run: deps $(WAFERLET) $(DEF_MODEL) $(BUILD)/sim/libwlsim_4x4.so firmware
	$(WAFERLET) decode -d $(RUN_DEVICE) -n $(RUN_STEPS) -t 0

# The spec must stay freestanding C that the PE toolchain compiles.
RV_CC ?= riscv64-unknown-elf-gcc
firmware-spec-check:
	@mkdir -p $(OBJ)/rv32
	for f in $(SPEC_SRCS); do \
	  $(RV_CC) -march=rv32im -mabi=ilp32 -ffreestanding -std=c11 -Wall -Wextra -Werror -O2 \
	    -c $$f -o $(OBJ)/rv32/$$(basename $$f .c).o || exit 1; done
	@echo "firmware/spec compiles for rv32im (freestanding)"

-include $(shell find $(OBJ) -name '*.d' 2>/dev/null)
test: firmware-spec-check
$(BUILD)/tests/test_tokenizer: | $(DEF_MODEL)
.SECONDARY:

# bench.json section "host": decode speed of the host devices on the shipped model.
$(BUILD)/bench/host.json: $(WAFERLET) $(DEF_MODEL)
	@mkdir -p $(dir $@)
	{ printf '{"ref": '; $(WAFERLET) bench -d ref -n 256 --json | tr -d '\n'; \
	  printf ', "float": '; $(WAFERLET) bench -d float -n 256 --json | tr -d '\n'; \
	  printf '}\n'; } > $@.tmp && mv $@.tmp $@
.PHONY: $(BUILD)/bench/host.json
BENCH_PARTS += $(BUILD)/bench/host.json
