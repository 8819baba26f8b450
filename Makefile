# The actor language: compiler (actorc), runtime (libactorrt.a), stdlib, tests.
#
#   make run        set up what is missing (as root), build, compile and run a sample
#   make test       build and run the whole test suite (ends with "N passed, N failed")
#   make bench      time ../shared/bench against the peers (not part of make test)
#   make bench-chat the chat sample's delivered messages per second (bench/chat_bench.sh)
#   make test-asan  golden tests and samples under AddressSanitizer + UBSan + LeakSanitizer
#   make test-tsan  runtime stress tests and concurrent samples under ThreadSanitizer
#   make install PREFIX=/usr/local
#
# LLVM_CONFIG picks the LLVM to build against (Debian 12: llvm-config = LLVM 14);
# `make LLVM_CONFIG=llvm-config-19` builds against a newer one.

# Default: llvm-config, else Debian's versioned one (llvm-14-dev has no unversioned
# llvm-config; that comes with the `llvm` package).  Evaluated when used, so after
# set-up has installed it.
ifeq ($(origin LLVM_CONFIG),undefined)
LLVM_CONFIG = $(firstword $(shell for c in llvm-config llvm-config-14 /usr/lib/llvm-14/bin/llvm-config; do command -v $$c && break; done 2>/dev/null) llvm-config)
endif
CC ?= cc
PREFIX ?= /usr/local
B := build

# Set-up first: flex, bison, LLVM's -dev package and clang, installed by a script when
# missing (as root).  Every build target depends on this stamp.
DEPS_STAMP := $(B)/.deps-ok

CFLAGS_COMMON := -std=gnu11 -Wall -Wextra -Wno-unused-parameter -g
COMPILER_CFLAGS = $(CFLAGS_COMMON) -O2 -Icompiler -I$(B)/gen $(LLVM_CFLAGS)
RT_CFLAGS := $(CFLAGS_COMMON) -O2 -pthread -fexceptions -fno-omit-frame-pointer -Iruntime

# Evaluated lazily: llvm-config exists only once set-up has run.
LLVM_CFLAGS = $(shell $(LLVM_CONFIG) --cflags | sed 's/-std=[^ ]*//g') -DACTORC_LLVM_MAJOR=$(shell $(LLVM_CONFIG) --version | cut -d. -f1)
LLVM_LIBS = $(shell $(LLVM_CONFIG) --ldflags) $(shell $(LLVM_CONFIG) --libs core target native passes 2>/dev/null || $(LLVM_CONFIG) --libs) $(shell $(LLVM_CONFIG) --system-libs)

COMPILER_SRC := $(wildcard compiler/*.c)
COMPILER_HDR := $(wildcard compiler/*.h)
COMPILER_OBJ := $(patsubst compiler/%.c,$(B)/compiler/%.o,$(COMPILER_SRC)) $(B)/gen/lexer.o $(B)/gen/parser.o
RT_SRC := $(wildcard runtime/*.c)
RT_OBJ := $(patsubst runtime/%.c,$(B)/runtime/%.o,$(RT_SRC))
RT_HDR := $(wildcard runtime/*.h runtime/include/*.h)

ACTORC := $(B)/actorc
RTLIB := $(B)/libactorrt.a

.PHONY: all deps run test test-bins test-rt test-tsan-programs test-rt-asan test-asan test-tsan bench bench-core bench-chat install clean samples fuzz
all: $(ACTORC) $(RTLIB) $(B)/stdlib

deps: $(DEPS_STAMP)
$(DEPS_STAMP): scripts/install-deps.sh
	@LLVM_CONFIG=$(LLVM_CONFIG) sh scripts/install-deps.sh
	@mkdir -p $(B) && touch $@

# ---- the compiler -----------------------------------------------------------------
$(B)/gen/parser.c $(B)/gen/parser.h: grammar/parser.y $(DEPS_STAMP)
	@mkdir -p $(B)/gen
	bison -Wall -Werror --defines=$(B)/gen/parser.h -o $(B)/gen/parser.c $<

$(B)/gen/lexer.c $(B)/gen/lexer.h: grammar/lexer.l $(B)/gen/parser.h $(DEPS_STAMP)
	@mkdir -p $(B)/gen
	flex --header-file=$(B)/gen/lexer.h -o $(B)/gen/lexer.c $<

$(B)/gen/%.o: $(B)/gen/%.c $(B)/gen/parser.h $(B)/gen/lexer.h $(COMPILER_HDR)
	$(CC) $(COMPILER_CFLAGS) -Wno-sign-compare -Wno-unused-function -c $< -o $@

$(B)/compiler/%.o: compiler/%.c $(COMPILER_HDR) $(B)/gen/parser.h $(B)/gen/lexer.h $(DEPS_STAMP)
	@mkdir -p $(B)/compiler
	$(CC) $(COMPILER_CFLAGS) -c $< -o $@

$(ACTORC): $(COMPILER_OBJ)
	$(CC) -o $@ $(COMPILER_OBJ) $(LLVM_LIBS) -lpthread -lm

# ---- the runtime ------------------------------------------------------------------
$(B)/runtime/%.o: runtime/%.c $(RT_HDR) $(DEPS_STAMP)
	@mkdir -p $(B)/runtime
	$(CC) $(RT_CFLAGS) -c $< -o $@

# Built aside and renamed into place: a program linking meanwhile sees a whole library.
$(RTLIB): $(RT_OBJ)
	rm -f $@.tmp
	ar rcs $@.tmp $(RT_OBJ)
	mv $@.tmp $@

# The stdlib is found next to the compiler in the build tree.
$(B)/stdlib: $(DEPS_STAMP)
	@mkdir -p $(B)
	ln -sfn ../stdlib $@

# ---- using it ----------------------------------------------------------------------
run: all
	$(ACTORC) run samples/hello.actor
	$(ACTORC) run samples/pingpong.actor

test: all test-bins
	@sh tests/run.sh

# Not part of make test: times ../shared/bench beside the peers (bench/run.sh).
bench: all
	@sh bench/run.sh

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/lib/actor $(DESTDIR)$(PREFIX)/lib/actor/stdlib
	install -m 755 $(ACTORC) $(DESTDIR)$(PREFIX)/bin/actorc
	install -m 644 $(RTLIB) $(DESTDIR)$(PREFIX)/lib/actor/libactorrt.a
	cp -R stdlib/. $(DESTDIR)$(PREFIX)/lib/actor/stdlib/

clean:
	rm -rf $(B)

# ---- value library unit test
# Built straight from the value modules' sources with a stub for the core they call
# (tests/rt/stub_core.c), so it does not need the rest of libactorrt.a.
VALUES_SRC := runtime/rt_str.c runtime/rt_fmt.c runtime/rt_list.c runtime/rt_map.c \
  runtime/rt_conv.c runtime/rt_value.c runtime/rt_mem.c runtime/rt_obj.c
$(B)/tests/test_values: tests/rt/test_values.c tests/rt/stub_core.c $(VALUES_SRC) $(RT_HDR) $(DEPS_STAMP)
	@mkdir -p $(B)/tests
	$(CC) $(RT_CFLAGS) -o $@ tests/rt/test_values.c tests/rt/stub_core.c $(VALUES_SRC) -lm

# ---- runtime unit tests
# tests/rt/test_<name>.c exercise the core (mailbox, scheduler, actors, failure,
# requests, timers) the way compiled programs use it; each prints "test_<name>: N
# passed, N failed".  test-rt runs every one with ACTOR_THREADS=1, 2, 8 and 8 on one
# core (ACTOR_CORES=1) and ends
# with one "N passed, N failed" line.  test-tsan builds the runtime and the tests with
# clang -fsanitize=thread into build/tsan/ and runs them the same way (sizes divided
# by RT_TEST_SCALE); test-rt-asan does it with AddressSanitizer, UBSan and
# LeakSanitizer into build/asan/.
RT_TESTS := mailbox messaging sched quiesce timer fail request dead main backpressure supervise supervise_stress
# The standard modules' C halves (runtime/rt_std_*.c), tested on their own.
RT_TESTS += json
# The I/O thread (rt_net*.c): std.net and std.io's standard input.
RT_TESTS += net
RT_TEST_BINS := $(patsubst %,$(B)/tests/test_%,$(RT_TESTS))

$(RT_TEST_BINS): $(B)/tests/test_%: tests/rt/test_%.c tests/rt/rt_test.h $(RTLIB)
	@mkdir -p $(B)/tests
	$(CC) $(RT_CFLAGS) -o $@ $< $(RTLIB) -pthread -lm

test-bins: $(RT_TEST_BINS) $(B)/tests/test_values

test-rt: $(RT_TEST_BINS)
	@sh tests/rt/run.sh $(RT_TEST_BINS)

SAN_CC := clang
SAN_CFLAGS := -std=gnu11 -g -O1 -pthread -fexceptions -fno-omit-frame-pointer -Iruntime
TSAN_FLAGS := $(SAN_CFLAGS) -fsanitize=thread
ASAN_FLAGS := $(SAN_CFLAGS) -fsanitize=address,undefined -fno-sanitize-recover=undefined

$(B)/tsan/runtime/%.o: runtime/%.c $(RT_HDR) $(DEPS_STAMP)
	@mkdir -p $(B)/tsan/runtime
	$(SAN_CC) $(TSAN_FLAGS) -c $< -o $@
$(B)/tsan/libactorrt.a: $(patsubst runtime/%.c,$(B)/tsan/runtime/%.o,$(RT_SRC))
	rm -f $@.tmp
	ar rcs $@.tmp $^
	mv $@.tmp $@
$(B)/tsan/test_%: tests/rt/test_%.c tests/rt/rt_test.h $(B)/tsan/libactorrt.a
	$(SAN_CC) $(TSAN_FLAGS) -o $@ $< $(B)/tsan/libactorrt.a -lm

test-tsan: $(patsubst %,$(B)/tsan/test_%,$(RT_TESTS))
	@$(MAKE) --no-print-directory test-tsan-programs
	@RT_TEST_SCALE=10 TSAN_OPTIONS="halt_on_error=1 exitcode=66 $(TSAN_OPTIONS)" sh tests/rt/run.sh $^

$(B)/asan/runtime/%.o: runtime/%.c $(RT_HDR) $(DEPS_STAMP)
	@mkdir -p $(B)/asan/runtime
	$(SAN_CC) $(ASAN_FLAGS) -c $< -o $@
$(B)/asan/libactorrt.a: $(patsubst runtime/%.c,$(B)/asan/runtime/%.o,$(RT_SRC))
	rm -f $@.tmp
	ar rcs $@.tmp $^
	mv $@.tmp $@
$(B)/asan/test_%: tests/rt/test_%.c tests/rt/rt_test.h $(B)/asan/libactorrt.a
	$(SAN_CC) $(ASAN_FLAGS) -o $@ $< $(B)/asan/libactorrt.a -lm

test-rt-asan: $(patsubst %,$(B)/asan/test_%,$(RT_TESTS))
	@RT_TEST_SCALE=4 ASAN_OPTIONS="detect_leaks=1 abort_on_error=0 $(ASAN_OPTIONS)" sh tests/rt/run.sh $^

# Compiled programs under the sanitizers: actorc links them against the sanitizer build
# of the runtime with clang (ACTOR_RUNTIME / ACTOR_CC / ACTOR_LDFLAGS), then the golden
# programs, samples and conformance cases run as in make test; LeakSanitizer fails a
# program (exit 23) that leaks.
test-asan: all $(B)/asan/libactorrt.a
	@$(MAKE) --no-print-directory test-rt-asan
	@ACTOR_RUNTIME=$(CURDIR)/$(B)/asan/libactorrt.a ACTOR_CC=$(SAN_CC) \
	  ACTOR_LDFLAGS="-fsanitize=address,undefined" ASAN_OPTIONS="detect_leaks=1 $(ASAN_OPTIONS)" \
	  UBSAN_OPTIONS="halt_on_error=1 print_stacktrace=1" ONLY="golden samples conformance" sh tests/run.sh

# The runtime's stress tests and the concurrent programs under ThreadSanitizer.
test-tsan-programs: all $(B)/tsan/libactorrt.a
	@ACTOR_RUNTIME=$(CURDIR)/$(B)/tsan/libactorrt.a ACTOR_CC=$(SAN_CC) ACTOR_LDFLAGS="-fsanitize=thread" \
	  TSAN_OPTIONS="halt_on_error=1 exitcode=66 $(TSAN_OPTIONS)" THREADS="2 8" ONLY="golden samples conformance" sh tests/run.sh

# ---- fuzzing the front end (libFuzzer): make fuzz FUZZ_SECONDS=600
# Seeds: every .actor file of the tests, samples and conformance suite.  Crashes are
# written to build/fuzz/; fix them and keep the input in tests/fuzz/regressions/.
FUZZ_SECONDS ?= 60
FUZZ_SRC := compiler/util.c compiler/source.c compiler/diag.c compiler/ast.c compiler/types.c \
  compiler/check.c compiler/check_expr.c compiler/check_stmt.c
$(B)/fuzz/fuzz_frontend: tests/fuzz/fuzz_frontend.c $(FUZZ_SRC) $(B)/gen/lexer.c $(B)/gen/parser.c compiler/compiler.h compiler/check.h
	@mkdir -p $(B)/fuzz
	$(SAN_CC) -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined -Icompiler -I$(B)/gen \
	  -Wno-unused-function -o $@ tests/fuzz/fuzz_frontend.c $(FUZZ_SRC) $(B)/gen/lexer.c $(B)/gen/parser.c

fuzz: $(B)/fuzz/fuzz_frontend
	@mkdir -p $(B)/fuzz/corpus
	@cp tests/run/*.actor tests/diag/*.actor samples/*.actor tests/fuzz/regressions/* ../shared/conformance/*.actor $(B)/fuzz/corpus/ 2>/dev/null || true
	$(B)/fuzz/fuzz_frontend -max_total_time=$(FUZZ_SECONDS) -max_len=65536 -timeout=10 -rss_limit_mb=2048 -dict=tests/fuzz/actor.dict \
	  -artifact_prefix=$(B)/fuzz/ -print_final_stats=1 $(B)/fuzz/corpus

# Not a test: the chat sample's delivery rate (bench/chat_bench.sh; also in make bench).
bench-chat: all
	@sh bench/chat_bench.sh

# Not a test: the benchmarks written by hand against the runtime (see the file).
bench-core: $(B)/tests/bench_core
$(B)/tests/bench_core: tests/rt/bench_core.c tests/rt/rt_test.h $(RTLIB)
	@mkdir -p $(B)/tests
	$(CC) $(RT_CFLAGS) -o $@ $< $(RTLIB) -pthread -lm
