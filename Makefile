# dynalake: one Makefile, no recursion, objects under build/<mode>/.
#   make            release binary build/release/dynalake
#   make test       unit, integration and end-to-end under ASan/UBSan, then a
#                   short fuzz pass, a short crash-consistency run and a
#                   20 s soak of 64 connections with hostile input
#   make unit | integration | e2e | bench | fuzz | reliability | format | clean

PKGS := libmicrohttpd sqlite3 libcjson libcurl libcrypto expat zlib
CC ?= cc
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS))
# --as-needed: a binary records only the libraries it calls. dynalake opens
# libcurl at run time (harness/aws/curl_lib.c), so `dynalake serve` does not
# map it; the test and bench clients that call libcurl still link it.
PKG_LIBS := -Wl,--as-needed $(shell pkg-config --libs $(PKGS)) -lpthread -lm
CMOCKA_LIBS := $(shell pkg-config --libs cmocka)

WARN := -Wall -Wextra -Werror -Wpedantic -Wshadow -Wstrict-prototypes \
        -Wmissing-prototypes -Wformat=2 -Wvla -Wwrite-strings -Wundef \
        -Wimplicit-fallthrough
BASE_CFLAGS := -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE $(WARN) \
               -MMD -MP -Iemulator -Iharness $(PKG_CFLAGS)

MODE ?= release
ifeq ($(MODE),test)
MODE_CFLAGS := -O1 -g -fno-omit-frame-pointer \
               -fsanitize=address,undefined -fno-sanitize-recover=all \
               -DDYNALAKE_TESTING
MODE_LDFLAGS := -fsanitize=address,undefined
else ifeq ($(MODE),fuzz)
# libFuzzer build (clang only; `make fuzz` sets CC=clang). The library is
# instrumented for coverage; warnings that only clang raises on otherwise
# clean code (positional initialisers, vsnprintf wrappers) are not errors
# here: the gcc builds are the warning gate.
MODE_CFLAGS := -O1 -g -fno-omit-frame-pointer \
               -fsanitize=fuzzer-no-link,address,undefined \
               -fno-sanitize-recover=all -DDYNALAKE_TESTING -Wno-error \
               -Wno-missing-field-initializers -Wno-format-nonliteral
MODE_LDFLAGS := -fsanitize=fuzzer,address,undefined
else
MODE_CFLAGS := -O2 -g -DNDEBUG
MODE_LDFLAGS :=
endif

OUT := build/$(MODE)
LIB_SRCS := $(wildcard emulator/*.c emulator/*/*.c) \
            $(filter-out harness/main.c,$(wildcard harness/*.c harness/*/*.c))
LIB_OBJS := $(LIB_SRCS:%.c=$(OUT)/%.o)
MAIN_OBJ := $(OUT)/harness/main.o
UNIT_SRCS := $(wildcard tests/unit/test_*.c)
UNIT_BINS := $(UNIT_SRCS:%.c=$(OUT)/%)
INTEG_SRCS := $(wildcard tests/integration/test_*.c)
INTEG_BINS := $(INTEG_SRCS:%.c=$(OUT)/%)
INTEG_HELPER := $(OUT)/tests/integration/helper/client.o
FUZZ_SRCS := $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_BINS := $(FUZZ_SRCS:%.c=$(OUT)/%)

# Keep test objects between runs: make would delete them as intermediates.
.SECONDARY:

.PHONY: all test unit integration e2e bench fuzz fuzz-run crash soak \
        reliability format clean
all: $(OUT)/dynalake

$(OUT)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(BASE_CFLAGS) $(MODE_CFLAGS) -c $< -o $@

$(OUT)/libdynalake.a: $(LIB_OBJS)
	@rm -f $@
	ar rcs $@ $^

$(OUT)/dynalake: $(MAIN_OBJ) $(OUT)/libdynalake.a
	$(CC) $(MODE_LDFLAGS) -o $@ $^ $(PKG_LIBS)

$(OUT)/tests/unit/%: $(OUT)/tests/unit/%.o $(OUT)/libdynalake.a
	$(CC) $(MODE_LDFLAGS) -o $@ $^ $(PKG_LIBS) $(CMOCKA_LIBS)

$(OUT)/tests/integration/%: $(OUT)/tests/integration/%.o $(INTEG_HELPER) $(OUT)/libdynalake.a
	$(CC) $(MODE_LDFLAGS) -o $@ $^ $(PKG_LIBS) $(CMOCKA_LIBS)

SAN_ENV := ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
           UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1

# The end-to-end suites drive the sanitizer build too, so paths only real
# clients reach (STS, presigned URLs, multipart) run under ASan and UBSan;
# it is about twice as slow, hence the longer limit per suite.
test:
	$(MAKE) MODE=test unit integration
	$(MAKE) MODE=test E2E_SUITE_TIMEOUT=600 e2e
	$(MAKE) FUZZ_SECONDS=5 fuzz
	$(MAKE) MODE=release CRASH_ROUNDS=3 crash
	$(MAKE) MODE=test SOAK_SECONDS=20 soak

unit: $(UNIT_BINS)
	@set -e; for t in $(UNIT_BINS); do echo "== $$t"; $(SAN_ENV) $$t; done

integration: $(INTEG_BINS)
	@set -e; for t in $(INTEG_BINS); do echo "== $$t"; $(SAN_ENV) $$t; done

e2e: $(OUT)/dynalake
	DYNALAKE=$(abspath $(OUT)/dynalake) tests/e2e/run

# Benchmark tools (tests/bench/); scripts/bench builds them, installs the
# peers and runs everything. Benchmarks live here, never in the tests.
BENCH := $(OUT)/tests/bench
BENCH_TOOLS := $(BENCH)/loadgen $(BENCH)/coldstart $(BENCH)/floor_mhd \
               $(BENCH)/floor_sqlite

# The bench signs with the harness's signer (harness/aws/aws_sign.c).
$(BENCH)/loadgen: $(addprefix $(BENCH)/,loadgen.o sign.o stats.o workload.o) \
                  $(OUT)/libdynalake.a
	$(CC) $(MODE_LDFLAGS) -o $@ $^ $(PKG_LIBS)

$(BENCH)/coldstart: $(BENCH)/coldstart.o $(BENCH)/sign.o $(OUT)/libdynalake.a
	$(CC) $(MODE_LDFLAGS) -o $@ $^ $(PKG_LIBS)

$(BENCH)/floor_mhd $(BENCH)/floor_sqlite: %: %.o
	$(CC) $(MODE_LDFLAGS) -o $@ $^ $(PKG_LIBS)

bench: $(OUT)/dynalake $(BENCH_TOOLS)
	OUT=$(OUT) scripts/bench

# libFuzzer targets (tests/fuzz/), built with clang into build/fuzz/ and
# each run for FUZZ_SECONDS from its checked-in corpus (tests/fuzz/corpus/).
FUZZ_SECONDS ?= 30
$(OUT)/tests/fuzz/%: $(OUT)/tests/fuzz/%.o $(OUT)/libdynalake.a
	$(CC) $(MODE_LDFLAGS) -o $@ $^ $(PKG_LIBS)

fuzz:
	$(MAKE) MODE=fuzz CC=clang fuzz-run

fuzz-run: $(FUZZ_BINS)
	FUZZ_SECONDS=$(FUZZ_SECONDS) tests/fuzz/run $(FUZZ_BINS)

# Reliability (tests/reliability/): kill -9 during writes with --data-dir,
# then a bounded soak with hostile input. Never timed tests.
CRASH_ROUNDS ?= 10
SOAK_SECONDS ?= 60
SOAK_CONNECTIONS ?= 64
crash: $(OUT)/dynalake
	tests/reliability/crash_consistency.py --binary $(OUT)/dynalake \
	    --rounds $(CRASH_ROUNDS)

soak: $(OUT)/dynalake
	tests/reliability/soak.py --binary $(OUT)/dynalake \
	    --seconds $(SOAK_SECONDS) --connections $(SOAK_CONNECTIONS)

reliability: crash soak

# Formats the lines changed since FORMAT_BASE (uncommitted ones by default)
# with .clang-format, leaving untouched code as it was written.
FORMAT_BASE ?= HEAD
format:
	git clang-format --force $(FORMAT_BASE)

clean:
	rm -rf build

-include $(shell find build -name '*.d' 2>/dev/null)
