# SPDX-License-Identifier: Apache-2.0
# sonde: out-of-tree build into $(BUILD) with -MMD header dependencies.
#   make            build $(BUILD)/sonde
#   make run        install what is missing, build, start the agent
#   make test       install what is missing, build, run every test suite
#   make bench      overhead benchmark (bench/overhead.sh)
#   make SANITIZE=1 build with ASan+UBSan into build/asan
MAKEFLAGS += -r
.DEFAULT_GOAL := all

SANITIZE ?=
ifeq ($(SANITIZE),1)
BUILD ?= build/asan
SANFLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
else
BUILD ?= build
SANFLAGS :=
endif

CC       ?= gcc
CLANG    ?= clang
BPFTOOL  ?= bpftool
ARCH     := x86
VMLINUX_BTF ?= /sys/kernel/btf/vmlinux
VERSION  := $(shell git describe --always --dirty 2>/dev/null || echo unknown)

CFLAGS   ?= -O2 -g
CFLAGS   += -std=gnu11 -Wall -Wextra -Wno-unused-parameter -Wshadow -fno-omit-frame-pointer $(SANFLAGS)
CPPFLAGS += -Iinclude -Isrc -I$(BUILD) -I$(BUILD)/gen -DSONDE_VERSION='"$(VERSION)"' -D_GNU_SOURCE
LIBBPF_A := /usr/lib/x86_64-linux-gnu/libbpf.a
LDLIBS   += -ldw -lelf -lz -lmicrohttpd -lyaml -lm -lpthread -lstdc++
LDFLAGS  += $(SANFLAGS)
# src/core/kbtf.c shares one parse of the kernel BTF between libbpf objects;
# the group lets libbpf.a's calls find the wrappers in libsonde.a.
KBTF_WRAP := -Wl,--wrap=btf__load_vmlinux_btf -Wl,--wrap=btf__free
LINK_LIBS  = $(KBTF_WRAP) -Wl,--start-group $(BUILD)/libsonde.a $(LIBBPF_A) -Wl,--end-group $(LDLIBS)

BPF_CFLAGS := $(BPF_EXTRA) -g -O2 -target bpf -D__TARGET_ARCH_$(ARCH) -Iinclude -Ibpf -I$(BUILD) \
	-idirafter /usr/include/x86_64-linux-gnu -Wall -Wno-unused-function

BPF_SRCS  := $(wildcard bpf/*.bpf.c)
BPF_OBJS  := $(patsubst bpf/%.bpf.c,$(BUILD)/bpf/%.bpf.o,$(BPF_SRCS))
SKELS     := $(patsubst bpf/%.bpf.c,$(BUILD)/%.skel.h,$(BPF_SRCS))

# One library of every layer below the CLI (lib <- proto, core <- identity, verifier
# <- server, sinks, collectors); the CLI links it.
LAYERS    := lib proto policy core identity verifier symbolize lang server sinks collectors
LIB_SRCS  := $(foreach d,$(LAYERS),$(wildcard src/$(d)/*.c))
CLI_SRCS  := $(wildcard src/cli/*.c)
ASSETS    := $(wildcard src/server/assets/*)
GEN_SRCS  := $(BUILD)/gen/syscall_names.c $(BUILD)/gen/assets.c
LIB_OBJS  := $(patsubst %.c,$(BUILD)/obj/%.o,$(LIB_SRCS)) $(BUILD)/obj/gen/syscall_names.o \
	     $(BUILD)/obj/gen/assets.o
CLI_OBJS  := $(patsubst %.c,$(BUILD)/obj/%.o,$(CLI_SRCS))

# Deliberately broken programs for the `sonde verify` tests.
VERIFIER_OBJS := $(patsubst tests/verifier/%.bpf.c,$(BUILD)/verifier/%.bpf.o,$(wildcard tests/verifier/*.bpf.c))

UNIT_SRCS := $(wildcard tests/unit/test_*.c)
UNIT_BINS := $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(UNIT_SRCS))
# Test helpers: standalone programs, but for those that link sonde itself.
LINKED_HELPERS := $(BUILD)/tests/sonde-attach $(BUILD)/tests/sonde-maps $(BUILD)/tests/sonde-http
HELPERS   := $(filter-out $(LINKED_HELPERS),$(patsubst tests/integration/%.c,$(BUILD)/tests/%,$(filter-out %.bpf.c,$(wildcard tests/integration/*.c)))) $(LINKED_HELPERS)

all: $(BUILD)/sonde

$(BUILD)/vmlinux.h: | $(BUILD)/.dir
	@test -r $(VMLINUX_BTF) || { echo "error: $(VMLINUX_BTF) missing: this kernel has no BTF (CONFIG_DEBUG_INFO_BTF); set VMLINUX_BTF=<path>" >&2; exit 1; }
	$(BPFTOOL) btf dump file $(VMLINUX_BTF) format c > $@.tmp && mv $@.tmp $@

$(BUILD)/bpf/%.bpf.o: bpf/%.bpf.c $(BUILD)/vmlinux.h | $(BUILD)/.dir
	@mkdir -p $(@D)
	$(CLANG) $(BPF_CFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/verifier/%.bpf.o: tests/verifier/%.bpf.c $(BUILD)/vmlinux.h | $(BUILD)/.dir
	@mkdir -p $(@D)
	$(CLANG) $(BPF_CFLAGS) -Itests/verifier -MMD -MP -c $< -o $@

$(BUILD)/%.skel.h: $(BUILD)/bpf/%.bpf.o
	$(BPFTOOL) gen skeleton $< name $(subst -,_,$*)_bpf > $@.tmp && mv $@.tmp $@

# x86_64 syscall names come from the kernel's own table (asm/unistd_64.h is
# generated from arch/x86/entry/syscalls/syscall_64.tbl), never typed by hand.
$(BUILD)/gen/syscall_names.c: scripts/gen-syscalls.sh | $(BUILD)/.dir
	@mkdir -p $(@D)
	scripts/gen-syscalls.sh > $@.tmp && mv $@.tmp $@

# The endpoint's page and other files, embedded in the binary.
$(BUILD)/gen/assets.c: scripts/embed.sh $(ASSETS) | $(BUILD)/.dir
	@mkdir -p $(@D)
	scripts/embed.sh $(ASSETS) > $@.tmp && mv $@.tmp $@

$(BUILD)/obj/%.o: %.c | $(SKELS)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/obj/gen/%.o: $(BUILD)/gen/%.c
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) -c $< -o $@

$(BUILD)/libsonde.a: $(LIB_OBJS)
	$(AR) rcs $@ $^

$(BUILD)/sonde: $(CLI_OBJS) $(BUILD)/libsonde.a
	$(CC) $(LDFLAGS) -o $@ $(CLI_OBJS) $(LINK_LIBS)

$(BUILD)/tests/test_%: tests/unit/test_%.c $(BUILD)/libsonde.a
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) -MMD -MP -o $@ $< $(LDFLAGS) $(LINK_LIBS) -lcmocka

# The attach set's test: a BPF object of its own (tests/integration/*.bpf.c).
$(BUILD)/tests/%.bpf.o: tests/integration/%.bpf.c $(BUILD)/vmlinux.h | $(BUILD)/.dir
	@mkdir -p $(@D)
	$(CLANG) $(BPF_CFLAGS) -Itests/integration -MMD -MP -c $< -o $@

$(BUILD)/tests/%.skel.h: $(BUILD)/tests/%.bpf.o
	$(BPFTOOL) gen skeleton $< name $(subst -,_,$*)_bpf > $@.tmp && mv $@.tmp $@

$(BUILD)/tests/sonde-attach: tests/integration/sonde-attach.c $(BUILD)/tests/attach.skel.h $(BUILD)/libsonde.a
	$(CC) $(CPPFLAGS) -I$(BUILD)/tests -Itests/integration $(CFLAGS) -MMD -MP -o $@ $< $(LDFLAGS) $(LINK_LIBS)

$(BUILD)/tests/sonde-maps $(BUILD)/tests/sonde-http: $(BUILD)/tests/%: tests/integration/%.c $(BUILD)/libsonde.a
	$(CC) $(CPPFLAGS) $(CFLAGS) -MMD -MP -o $@ $< $(LDFLAGS) $(LINK_LIBS)

# The profiler's workload: frame pointers, a PIE with a shared library of
# its own, and a stripped copy.
PROFILE_HELPERS := $(BUILD)/tests/sonde-spin $(BUILD)/tests/sonde-spin-stripped $(BUILD)/tests/libsonde-spin.so \
		   $(BUILD)/tests/sonde-spin-cpp $(BUILD)/tests/sonde-sleep $(BUILD)/tests/sonde-inline
SPIN_CFLAGS := -O1 -g -fno-omit-frame-pointer -Wall
$(BUILD)/tests/libsonde-spin.so: tests/integration/profile/spinlib.c
	@mkdir -p $(@D)
	$(CC) $(SPIN_CFLAGS) -shared -fPIC -o $@ $<
$(BUILD)/tests/sonde-spin: tests/integration/profile/spin.c $(BUILD)/tests/libsonde-spin.so
	$(CC) $(SPIN_CFLAGS) -pie -fPIE -o $@ $< -L$(BUILD)/tests -lsonde-spin -Wl,-rpath,'$$ORIGIN'
$(BUILD)/tests/sonde-spin-stripped: $(BUILD)/tests/sonde-spin
	strip -o $@ $<
$(BUILD)/tests/sonde-inline: tests/integration/profile/inline.c
	@mkdir -p $(@D)
	$(CC) -O2 -g -fno-omit-frame-pointer -Wall -o $@ $<
$(BUILD)/tests/sonde-sleep: tests/integration/profile/sleep.c
	@mkdir -p $(@D)
	$(CC) $(SPIN_CFLAGS) -o $@ $<
$(BUILD)/tests/sonde-spin-cpp: tests/integration/profile/spin.cc
	@mkdir -p $(@D)
	g++ $(SPIN_CFLAGS) -o $@ $<

$(BUILD)/tests/%: tests/integration/%.c
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) -O1 -g -Wall -o $@ $<

# Every tool and library the build needs, named when missing (make deps
# installs them), and the libbpf that src/core/kbtf.c was written against.
$(BUILD)/.dir: scripts/check-build.sh
	@CC=$(CC) CLANG=$(CLANG) BPFTOOL=$(BPFTOOL) scripts/check-build.sh $(LIBBPF_A)
	@mkdir -p $(BUILD) && touch $@

deps:
	@scripts/deps.sh

tests: $(UNIT_BINS) $(HELPERS) $(PROFILE_HELPERS) $(VERIFIER_OBJS) $(BUILD)/sonde

run: deps
	$(MAKE) all
	$(BUILD)/sonde agent $(ARGS)

# Every suite, then the same suites under ASan+UBSan.
test: deps
	$(MAKE) tests
	tests/run.sh $(BUILD)
	$(MAKE) SANITIZE=1 tests
	tests/run.sh build/asan

# Boots Debian's 5.10, 6.1, 6.12 and 7.x kernels under QEMU and runs
# sonde check and sonde selftest in each (also part of `make test`).
test-kernels: deps all
	tests/kernels/run.sh $(BUILD)

test-unit: tests
	tests/run.sh $(BUILD) unit

# Default agent (latency sampled 1 in 16), every call timed, and bpftrace
# doing the same work as the collector.
bench: deps all
	PIN_CPU=1 ROUNDS=$${ROUNDS:-9} SYSLOOP_N=$${SYSLOOP_N:-1000000} bench/overhead.sh "$(BUILD)/sonde agent --syscalls-latency-sample 1 --listen 127.0.0.1:19612" \
		"bpftrace bench/syscalls-equivalent.bt"

# Rewrites the verifier budgets of the built-in programs from this build.
budgets: all
	$(BUILD)/sonde verify --builtin --json | tests/verifier/budgets.py write tests/verifier/budgets.txt

# Process events through the ring buffer to the JSON sink, next to bpftrace.
# Agent and workload on CPUs of their own, as the README table was measured.
bench-events: deps all
	AGENT_CPU=$${AGENT_CPU-1} LOAD_CPU=$${LOAD_CPU-0} bench/events.sh

# One scrape's map work on a 1,000,000-entry map, before and after batches.
bench-maps: deps all
	bench/maps.sh

# The network collectors between two namespaces: iperf3, sockperf, XDP drops
# against xdp-filter, and 10 against 10,000 drop rules.
bench-net: deps all
	bench/net.sh

# The profiler: CPU-bound throughput at 19 and 99 Hz, data against perf
# record, RSS with the symbol cache under pressure.
bench-profile: deps all
	bench/profile.sh

# L7 tracing: wrk against nginx, without sonde, with empty programs on the
# same tracepoints, and with the l7 collector.
bench-l7: deps all
	bench/l7.sh

# Enforcement: exec, open and connect rates with no policy, 10 and 10,000 rules.
bench-enforce: deps all
	bench/enforce.sh

bench-run: deps all tests
	bench/run.sh

clean:
	rm -rf build

.PHONY: all deps run test tests test-unit test-kernels bench bench-events bench-maps bench-net bench-profile bench-l7 bench-enforce bench-run budgets clean
# Kept between runs: make would delete them as intermediates and rebuild
# them (and all that depends on them) the next time.
.SECONDARY:
.DELETE_ON_ERROR:
-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
