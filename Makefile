# vigil — console review terminal for recorded CCTV footage.
# See README.md; `make demo` and `make check` are the two set-up commands.

VERSION    = 0.1.0

PREFIX    ?= /usr/local
BINDIR    ?= $(PREFIX)/bin
MANDIR    ?= $(PREFIX)/share/man
SYSCONFDIR ?= /etc
UNITDIR   ?= /lib/systemd/system
DESTDIR   ?=

CC        ?= cc
# Parallel jobs for the builds inside check, demo and check-date.
NPROC     := $(shell nproc 2>/dev/null || echo 2)
PKG_CONFIG ?= pkg-config
PYTHON    ?= /usr/bin/python3

# Objects live under $(BUILD); the sanitizer build uses its own directory.
BUILD     ?= build

CFLAGS    ?= -O2 -g
WARNFLAGS  = -std=c11 -Wall -Wextra -Wformat=2 -Wshadow -Wstrict-prototypes \
             -Wmissing-prototypes -Wwrite-strings -Wundef
# libmpv and the FFmpeg libraries are compiled against but loaded when
# first used (player/mpvlib.c, av/avlib.c): they need some two hundred
# other libraries, which would slow the start of every vigil process.
# Tests and benchmarks link FFmpeg directly, as they call it themselves.
PKGS       = ncursesw sqlite3 libsodium jansson inih libcrypto pam
AV_PKGS    = libavformat libavcodec libavfilter libavutil libswscale
PKG_CFLAGS := $(shell $(PKG_CONFIG) --cflags $(PKGS) $(AV_PKGS) mpv 2>/dev/null)
PKG_LIBS   := $(shell $(PKG_CONFIG) --libs $(PKGS) 2>/dev/null)
AV_LIBS    := $(shell $(PKG_CONFIG) --libs $(AV_PKGS) 2>/dev/null)
ALL_CPPFLAGS = -D_GNU_SOURCE -DVIGIL_VERSION='"$(VERSION)"' \
             -DVIGIL_SYSCONFDIR='"$(SYSCONFDIR)"' -I. $(CPPFLAGS)
# Hidden visibility keeps vigil's names (audit_open, audit_close) from being
# exported to shared libraries: libpam calls libaudit's audit_open().
ALL_CFLAGS = $(WARNFLAGS) -fvisibility=hidden $(PKG_CFLAGS) $(CFLAGS) $(SANFLAGS) -MMD -MP
ALL_LDFLAGS = $(LDFLAGS) $(SANFLAGS)
LDLIBS    += $(PKG_LIBS) -lm -lpthread -ldl

ifeq ($(SAN),1)
SANFLAGS   = -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
endif

# Every module is a folder; cli/main.c is kept out so tests and fuzzers link
# the modules directly.
MODULES    = util config av audit footage auth player export session tui cli
MOD_SRC    = $(filter-out cli/main.c,$(foreach m,$(MODULES),$(wildcard $(m)/*.c)))
MOD_OBJ    = $(MOD_SRC:%.c=$(BUILD)/%.o)
MAIN_OBJ   = $(BUILD)/cli/main.o

UNIT_SRC   = $(wildcard tests/unit/test_*.c)
UNIT_BIN   = $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)
TEST_HELPER_SRC = $(wildcard tests/unit/helper_*.c)
TEST_HELPER_OBJ = $(TEST_HELPER_SRC:%.c=$(BUILD)/%.o)
BENCH_SRC  = $(wildcard bench/bench_*.c)
BENCH_BIN  = $(BENCH_SRC:bench/%.c=$(BUILD)/bench/%)
FUZZ_SRC   = $(wildcard fuzz/fuzz_*.c)

.PHONY: all deps demo demo-setup demo-footage check check-date test test-asan bench fuzz \
        install uninstall clean avlib objs print-objs print-flags print-libs tests-build

all: $(BUILD)/vigil

$(BUILD)/vigil: $(MAIN_OBJ) $(MOD_OBJ)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CPPFLAGS) $(ALL_CFLAGS) -c -o $@ $<

$(BUILD)/tests/%: tests/unit/%.c $(MOD_OBJ) $(TEST_HELPER_OBJ)
	@mkdir -p $(@D)
	$(CC) $(ALL_CPPFLAGS) $(ALL_CFLAGS) -Itests/unit $(ALL_LDFLAGS) -o $@ $< \
	    $(MOD_OBJ) $(TEST_HELPER_OBJ) $(LDLIBS) $(AV_LIBS) -lcmocka

$(BUILD)/bench/%: bench/%.c $(MOD_OBJ)
	@mkdir -p $(@D)
	$(CC) $(ALL_CPPFLAGS) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $< $(MOD_OBJ) \
	    $(LDLIBS) $(AV_LIBS)

# Installs the Debian packages vigil builds, runs and tests with.
deps:
	@sh dist/install-deps

tests-build: $(BUILD)/vigil $(UNIT_BIN)

# Runs every unit and regression test against $(BUILD).
test: tests-build
	@BUILD=$(BUILD) SAN=$(SAN) sh tests/run

test-asan:
	@$(MAKE) --no-print-directory BUILD=build-asan SAN=1 test

check: deps
	@$(MAKE) --no-print-directory -j$(NPROC) all tests-build
	@$(MAKE) --no-print-directory test
	@$(MAKE) --no-print-directory -j$(NPROC) BUILD=build-asan SAN=1 tests-build
	@$(MAKE) --no-print-directory test-asan

# The normal pass on another date, time zone and hour, the clock running
# (libfaketime; not part of check): no test may depend on today.  The
# clock is moved by a fixed offset, so that every process sees the same
# running time (faketime's '@' restarts the clock in each process).  The
# default starts at 23:57 on 28 February in Chatham (UTC+13:45), so the
# local day changes to 1 March during the run.  No shared memory (a test
# that kills a process holding libfaketime's semaphore would hang the
# rest) and file times as the kernel wrote them.
CHECK_DATE ?= 2031-02-28 10:12:00 UTC
CHECK_TZ   ?= Pacific/Chatham
check-date: deps
	@$(MAKE) --no-print-directory -j$(NPROC) all tests-build
	@echo "check-date: the suite from $(CHECK_DATE), time zone $(CHECK_TZ)"
	@off=$$(( $$(date -d '$(CHECK_DATE)' +%s) - $$(date +%s) )); \
	    FAKETIME_DONT_FAKE_MONOTONIC=1 FAKETIME_DISABLE_SHM=1 NO_FAKE_STAT=1 \
	    TZ=$(CHECK_TZ) faketime -f "+$${off}s" sh tests/run

bench: deps $(BUILD)/vigil $(BENCH_BIN)
	@BUILD=$(BUILD) sh bench/run

fuzz: deps
	@sh dist/install-deps fuzz
	@BUILD=build-fuzz sh fuzz/run

# Regenerates av/avlib.c from the FFmpeg functions the modules call.
avlib: $(filter-out $(BUILD)/av/avlib.o,$(MOD_OBJ))
	$(PYTHON) dist/gen-avlib av/avlib.c $^

# For fuzz/run: the module objects, and the flags to link against them.
objs: $(MOD_OBJ)
print-objs:
	@echo $(MOD_OBJ)
print-flags:
	@echo $(ALL_CPPFLAGS) $(WARNFLAGS) $(PKG_CFLAGS) -g -O1
print-libs:
	@echo $(LDLIBS)

demo-footage: $(BUILD)/vigil
	@sh dist/demo-setup footage

demo-setup: $(BUILD)/vigil
	@sh dist/demo-setup all

demo: deps
	@$(MAKE) --no-print-directory -j$(NPROC) all
	@sh dist/demo-setup all
	@sh dist/demo-run

install: $(BUILD)/vigil
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man5
	install -m 0755 $(BUILD)/vigil $(DESTDIR)$(BINDIR)/vigil
	install -m 0644 man/vigil.1 $(DESTDIR)$(MANDIR)/man1/vigil.1
	for p in man/*.5; do install -m 0644 $$p $(DESTDIR)$(MANDIR)/man5/; done
	if [ -f pam.d/vigil ]; then install -d $(DESTDIR)$(SYSCONFDIR)/pam.d && \
	    install -m 0644 pam.d/vigil $(DESTDIR)$(SYSCONFDIR)/pam.d/vigil; fi
	if [ -f dist/vigil.service ]; then install -d $(DESTDIR)$(UNITDIR) && \
	    install -m 0644 dist/vigil.service $(DESTDIR)$(UNITDIR)/vigil.service; fi
	if [ -f dist/vigil.conf ] && [ ! -f $(DESTDIR)$(SYSCONFDIR)/vigil/vigil.conf ]; then \
	    install -d $(DESTDIR)$(SYSCONFDIR)/vigil && \
	    install -m 0644 dist/vigil.conf $(DESTDIR)$(SYSCONFDIR)/vigil/vigil.conf; fi

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/vigil $(DESTDIR)$(MANDIR)/man1/vigil.1
	for p in man/*.5; do rm -f $(DESTDIR)$(MANDIR)/man5/$${p#man/}; done
	rm -f $(DESTDIR)$(SYSCONFDIR)/pam.d/vigil $(DESTDIR)$(UNITDIR)/vigil.service

clean:
	rm -rf build build-asan build-fuzz

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
