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
# `make LLVM_CONFIG=llvm-config-19` builds against a newer one.  Needs GNU make 4.3
# (grouped targets, &:).
#
# Where things go: build/actorc, build/libactorrt.a, build/stdlib (a link to stdlib/);
# build/compiler/ and build/gen/ (the compiler's objects, bison's and flex's output);
# build/rt/ the runtime's objects (build/rt/runtime/core/rt_actor.o,
# build/rt/stdlib/json.o) and build/asan/, build/tsan/ the same under the sanitizers;
# build/tests/ the runtime's unit tests.  Every object has a .d file beside it
# (-MMD -MP): the headers it was compiled from.

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
# missing (as root).  Every build step waits for this stamp (an order-only
# prerequisite: a newer script does not rebuild everything).
DEPS_STAMP := $(B)/.deps-ok

CFLAGS_COMMON := -std=gnu11 -Wall -Wextra -Wno-unused-parameter -Wmissing-prototypes -g -MMD -MP
COMPILER_CFLAGS = $(CFLAGS_COMMON) -O2 -Icompiler -I$(B)/gen -Iruntime $(LLVM_CFLAGS)
RT_INC := -Iruntime -Istdlib
# Hidden by default: only what runtime/include/actor_rt.h and stdlib/actor_std.h declare
# is exported (they say so with #pragma GCC visibility); one section per function and
# object, so that a program's link keeps only what it uses (--gc-sections).
RT_CFLAGS := $(CFLAGS_COMMON) -O2 -pthread -fexceptions -fno-omit-frame-pointer -fvisibility=hidden \
  -ffunction-sections -fdata-sections $(RT_INC)
SAN_CC := clang
SAN_CFLAGS := -std=gnu11 -g -O1 -pthread -fexceptions -fno-omit-frame-pointer -MMD -MP $(RT_INC)
TSAN_FLAGS := $(SAN_CFLAGS) -fsanitize=thread
ASAN_FLAGS := $(SAN_CFLAGS) -fsanitize=address,undefined -fno-sanitize-recover=undefined

# Evaluated lazily: llvm-config exists only once set-up has run.
LLVM_CFLAGS = $(shell $(LLVM_CONFIG) --cflags | sed 's/-std=[^ ]*//g') -DACTORC_LLVM_MAJOR=$(shell $(LLVM_CONFIG) --version | cut -d. -f1)
# LLVM is linked statically when its static libraries link (Debian's llvm-N-dev has
# them): loading the shared libLLVM cost actorc ~20 ms at every start (relocations), the
# better part of a `check` or an `actorc --version`.  --as-needed drops the system
# libraries LLVM lists but the compiler does not use (libz3, libxml2).  When the static
# link fails (a system library's -dev package missing, as libzstd-dev for LLVM 19), the
# recipe links the shared libLLVM instead.
LLVM_COMPONENTS := core target native passes
LLVM_STATIC_LIBS = $(shell $(LLVM_CONFIG) --ldflags) $(shell $(LLVM_CONFIG) --link-static --libs $(LLVM_COMPONENTS) 2>/dev/null) \
  -Wl,--as-needed $(shell $(LLVM_CONFIG) --link-static --system-libs 2>/dev/null) -lstdc++ -Wl,--no-as-needed
LLVM_LIBS = $(shell $(LLVM_CONFIG) --ldflags) $(shell $(LLVM_CONFIG) --libs $(LLVM_COMPONENTS) 2>/dev/null || $(LLVM_CONFIG) --libs) $(shell $(LLVM_CONFIG) --system-libs)

# ---- sources: every .c file of its folder ------------------------------------------
COMPILER_SRC := $(wildcard compiler/*.c)
COMPILER_OBJ := $(COMPILER_SRC:%.c=$(B)/%.o) $(B)/gen/lexer.o $(B)/gen/parser.o
# The runtime's layers, bottom up (docs/runtime.md), then the standard library's C halves.
RT_LAYERS := base values core io
RT_SRC := $(foreach l,$(RT_LAYERS),$(wildcard runtime/$(l)/*.c)) $(wildcard stdlib/*.c)
RT_OBJ := $(RT_SRC:%.c=$(B)/rt/%.o)
# The runtime's unit tests: tests/rt/test_NAME.c, each a program of its own.
RT_TESTS := $(patsubst tests/rt/test_%.c,%,$(wildcard tests/rt/test_*.c))

ACTORC := $(B)/actorc
# What programs link: one object, the runtime's objects linked together, exporting only
# the public API (below).
RTLIB := $(B)/libactorrt.a
# Every runtime object as it is compiled (the internal symbols hidden, not local: a
# static link still finds them): for the runtime's own unit tests, which use them.
RTLIB_INTERNAL := $(B)/rt/libactorrt_internal.a

.PHONY: graphs all deps run test test-bins test-rt test-tsan-programs test-rt-asan test-asan test-tsan bench bench-core bench-chat install clean fuzz
all: $(ACTORC) $(RTLIB) $(B)/stdlib

deps: $(DEPS_STAMP)
$(DEPS_STAMP): scripts/install-deps.sh
	@LLVM_CONFIG=$(LLVM_CONFIG) sh scripts/install-deps.sh
	@mkdir -p $(B) && touch $@

# ---- the compiler -----------------------------------------------------------------
# Grouped targets: one run of bison (flex) makes both files, even under make -j.
$(B)/gen/parser.c $(B)/gen/parser.h &: grammar/parser.y | $(DEPS_STAMP)
	@mkdir -p $(B)/gen
	bison -Wall -Werror --defines=$(B)/gen/parser.h -o $(B)/gen/parser.c $<

$(B)/gen/lexer.c $(B)/gen/lexer.h &: grammar/lexer.l $(B)/gen/parser.h | $(DEPS_STAMP)
	@mkdir -p $(B)/gen
	flex --header-file=$(B)/gen/lexer.h -o $(B)/gen/lexer.c $<

# The generated headers exist before the first compile (later, the .d files list
# them for the files that include them).
$(B)/gen/%.o: $(B)/gen/%.c | $(B)/gen/parser.h $(B)/gen/lexer.h
	$(CC) $(COMPILER_CFLAGS) -Wno-sign-compare -Wno-unused-function -c $< -o $@

$(B)/compiler/%.o: compiler/%.c | $(B)/gen/parser.h $(B)/gen/lexer.h $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(CC) $(COMPILER_CFLAGS) -c $< -o $@

$(ACTORC): $(COMPILER_OBJ)
	@echo "$(CC) -o $@ ... LLVM (static)"
	@$(CC) -o $@ $(COMPILER_OBJ) $(LLVM_STATIC_LIBS) -lpthread -lm 2>$(B)/llvm-static.log || { \
	  echo "linking LLVM statically failed ($$(grep -m1 -E 'cannot find|undefined' $(B)/llvm-static.log)); linking the shared libLLVM"; \
	  $(CC) -o $@ $(COMPILER_OBJ) $(LLVM_LIBS) -lpthread -lm; }

# ---- the runtime ------------------------------------------------------------------
# runtime/LAYER/x.c -> build/rt/runtime/LAYER/x.o, stdlib/x.c -> build/rt/stdlib/x.o;
# the same under build/asan/ and build/tsan/ for the sanitizer builds.
$(B)/rt/%.o: %.c | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(CC) $(RT_CFLAGS) -c $< -o $@
$(B)/asan/%.o: %.c | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(SAN_CC) $(ASAN_FLAGS) -c $< -o $@
$(B)/tsan/%.o: %.c | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(SAN_CC) $(TSAN_FLAGS) -c $< -o $@

# The shipped library holds one object: every runtime object linked together (ld -r),
# with every hidden symbol made local (objcopy --localize-hidden), so that it exports
# exactly the public API (tests/build/symbols.sh checks it) and its internal names
# cannot clash with a C library a program links.  Its functions stay in sections of
# their own: actorc links with --gc-sections, and a program keeps only what it uses.
# (A layer that only some programs need -- a node layer with a library of its own --
# would be linked the same way into an object of its own, built with these objects,
# and given to the linker by actorc only for the programs that use it.)
#
# --remove-section=.group: the C files that use cleanups (__attribute__((cleanup)),
# run when a failure unwinds them) reference the personality routine through a
# COMDAT group, DW.ref.__gcc_personality_v0, as the program's own object does.  Once
# its symbol is local, the linker would still merge the two groups by name and drop
# ours, leaving the runtime's unwind tables pointing at nothing (a crash when a
# failure unwinds a runtime function with a cleanup); without the group, the runtime
# keeps its own private copy of that pointer.
$(B)/rt/actorrt.o: $(RT_OBJ)
	$(LD) -r -o $@.tmp $^
	objcopy --localize-hidden --remove-section=.group $@.tmp $@
	rm -f $@.tmp

# Archives are built aside and renamed into place: a program linking meanwhile sees a
# whole library.
$(RTLIB) $(RTLIB_INTERNAL) $(B)/asan/libactorrt.a $(B)/tsan/libactorrt.a:
	rm -f $@.tmp
	ar rcs $@.tmp $^
	mv $@.tmp $@
$(RTLIB): $(B)/rt/actorrt.o
$(RTLIB_INTERNAL): $(RT_OBJ)
$(B)/asan/libactorrt.a: $(RT_SRC:%.c=$(B)/asan/%.o)
$(B)/tsan/libactorrt.a: $(RT_SRC:%.c=$(B)/tsan/%.o)

# The stdlib is found next to the compiler in the build tree.
$(B)/stdlib: | $(DEPS_STAMP)
	@mkdir -p $(B)
	ln -sfn ../stdlib $@

# ---- using it ----------------------------------------------------------------------
run: all
	$(ACTORC) run samples/hello.actor
	$(ACTORC) run samples/pingpong.actor

test: all test-bins
	@sh tests/run.sh

# The samples' actor graphs (actorc graph), written anew: the golden DOT files the graph
# part of make test compares with (tests/graph/NAME.dot, and features.dot) and the SVGs
# the samples' READMEs show (samples/NAME.svg, samples/DIR/DIR.svg; Graphviz's dot,
# installed by scripts/install-deps.sh).  Run it after changing a sample; look at the
# difference before committing it (tests/README.md).
graphs: all
	@sh tests/graph.sh --update

# Not part of make test: times ../shared/bench beside the peers (bench/run.sh).
bench: all
	@sh bench/run.sh

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/lib/actor $(DESTDIR)$(PREFIX)/lib/actor/stdlib
	install -m 755 $(ACTORC) $(DESTDIR)$(PREFIX)/bin/actorc
	install -m 644 $(RTLIB) $(DESTDIR)$(PREFIX)/lib/actor/libactorrt.a
	install -m 644 stdlib/*.actor $(DESTDIR)$(PREFIX)/lib/actor/stdlib/

clean:
	rm -rf $(B)

# ---- runtime unit tests
# tests/rt/test_<name>.c exercise the runtime the way compiled programs use it; each
# prints "test_<name>: N passed, N failed".  test-rt runs every one with
# ACTOR_THREADS=1, 2, 8 and 8 on one core (ACTOR_CORES=1) and ends with one "N passed,
# N failed" line.  test-tsan builds the runtime and the tests with clang
# -fsanitize=thread into build/tsan/ and runs them the same way (sizes divided by
# RT_TEST_SCALE); test-rt-asan does it with AddressSanitizer, UBSan and LeakSanitizer
# into build/asan/.  A new test is a new file: the list is tests/rt/test_*.c.
RT_TEST_BINS := $(RT_TESTS:%=$(B)/tests/test_%)

$(B)/tests/test_%: tests/rt/test_%.c $(RTLIB_INTERNAL)
	@mkdir -p $(@D)
	$(CC) $(RT_CFLAGS) -o $@ $< $(RTLIB_INTERNAL) -pthread -lm

# The value library linked with the layer below it alone (every object of both, so a
# call up into the core would not link), and tests/rt/stub_core.c in place of what the
# core registers with them.
$(B)/tests/test_values: tests/rt/test_values.c $(B)/tests/stub_core.o $(filter $(B)/rt/runtime/base/% $(B)/rt/runtime/values/%,$(RT_OBJ))
	@mkdir -p $(@D)
	$(CC) $(RT_CFLAGS) -o $@ $(filter %.c %.o,$^) -pthread -lm
$(B)/tests/stub_core.o: tests/rt/stub_core.c | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(CC) $(RT_CFLAGS) -c $< -o $@

test-bins: $(RT_TEST_BINS)

test-rt: $(RT_TEST_BINS)
	@sh tests/rt/run.sh $(RT_TEST_BINS)

$(B)/tsan/test_%: tests/rt/test_%.c $(B)/tsan/libactorrt.a
	$(SAN_CC) $(TSAN_FLAGS) -o $@ $< $(B)/tsan/libactorrt.a -lm
$(B)/asan/test_%: tests/rt/test_%.c $(B)/asan/libactorrt.a
	$(SAN_CC) $(ASAN_FLAGS) -o $@ $< $(B)/asan/libactorrt.a -lm

# test_values links the value library alone (above): not among the sanitizer runs.
SAN_TESTS := $(filter-out values,$(RT_TESTS))

test-tsan: $(SAN_TESTS:%=$(B)/tsan/test_%)
	@$(MAKE) --no-print-directory test-tsan-programs
	@RT_TEST_SCALE=10 TSAN_OPTIONS="halt_on_error=1 exitcode=66 $(TSAN_OPTIONS)" sh tests/rt/run.sh $^

test-rt-asan: $(SAN_TESTS:%=$(B)/asan/test_%)
	@RT_TEST_SCALE=4 ASAN_OPTIONS="detect_leaks=1 abort_on_error=0 $(ASAN_OPTIONS)" sh tests/rt/run.sh $^

# Compiled programs under the sanitizers: actorc links them against the sanitizer build
# of the runtime with clang (ACTOR_RUNTIME / ACTOR_CC / ACTOR_LDFLAGS), then the golden
# programs, samples and conformance cases (v1 and v2) run as in make test; LeakSanitizer fails a
# program (exit 23) that leaks.
test-asan: all $(B)/asan/libactorrt.a
	@$(MAKE) --no-print-directory test-rt-asan
	@ACTOR_RUNTIME=$(CURDIR)/$(B)/asan/libactorrt.a ACTOR_CC=$(SAN_CC) \
	  ACTOR_LDFLAGS="-fsanitize=address,undefined" ASAN_OPTIONS="detect_leaks=1 $(ASAN_OPTIONS)" \
	  UBSAN_OPTIONS="halt_on_error=1 print_stacktrace=1" ONLY="golden samples trace conformance conformance-v2" sh tests/run.sh

# The runtime's stress tests and the concurrent programs under ThreadSanitizer.
test-tsan-programs: all $(B)/tsan/libactorrt.a
	@ACTOR_RUNTIME=$(CURDIR)/$(B)/tsan/libactorrt.a ACTOR_CC=$(SAN_CC) ACTOR_LDFLAGS="-fsanitize=thread" \
	  TSAN_OPTIONS="halt_on_error=1 exitcode=66 $(TSAN_OPTIONS)" THREADS="2 8" ONLY="golden samples trace conformance conformance-v2" sh tests/run.sh

# ---- fuzzing the front end (libFuzzer): make fuzz FUZZ_SECONDS=600
# Seeds: every .actor file of the tests, samples and conformance suite.  Crashes are
# written to build/fuzz/; fix them and keep the input in tests/fuzz/regressions/.
# The front end: the compiler's files up to the checker (no code generation, no link).
FUZZ_SECONDS ?= 60
FUZZ_SRC := $(filter-out compiler/cg%.c compiler/main.c compiler/link.c,$(COMPILER_SRC))
$(B)/fuzz/fuzz_frontend: tests/fuzz/fuzz_frontend.c $(FUZZ_SRC) $(wildcard compiler/*.h) $(B)/gen/lexer.c $(B)/gen/parser.c
	@mkdir -p $(B)/fuzz
	$(SAN_CC) -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined -Icompiler -I$(B)/gen \
	  -Wno-unused-function -o $@ tests/fuzz/fuzz_frontend.c $(FUZZ_SRC) $(B)/gen/lexer.c $(B)/gen/parser.c -lm

fuzz: $(B)/fuzz/fuzz_frontend
	@mkdir -p $(B)/fuzz/corpus
	@cp tests/run/*.actor tests/diag/*.actor samples/*.actor tests/fuzz/regressions/* ../shared/conformance/*.actor ../shared/conformance/v2/*.actor $(B)/fuzz/corpus/ 2>/dev/null || true
	$(B)/fuzz/fuzz_frontend -max_total_time=$(FUZZ_SECONDS) -max_len=65536 -timeout=10 -rss_limit_mb=2048 -dict=tests/fuzz/actor.dict \
	  -artifact_prefix=$(B)/fuzz/ -print_final_stats=1 $(B)/fuzz/corpus

# Not a test: the chat sample's delivery rate (bench/chat_bench.sh; also in make bench).
bench-chat: all
	@sh bench/chat_bench.sh

# Not a test: the benchmarks written by hand against the runtime (see the file).
bench-core: $(B)/tests/bench_core
$(B)/tests/bench_core: tests/rt/bench_core.c $(RTLIB_INTERNAL)
	@mkdir -p $(@D)
	$(CC) $(RT_CFLAGS) -o $@ $< $(RTLIB_INTERNAL) -pthread -lm

# The headers each object and test was built from (written by -MMD -MP).
-include $(shell find $(B) -name '*.d' 2>/dev/null)
