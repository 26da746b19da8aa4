# ticketd -- concert ticket system for box offices. See README.md.
#
#   make run     server with demo data plus a kiosk
#   make check   every test; last line "N passed, N failed"
#   make bench   load benchmark against the nng echo ceiling (bench-pg: on PostgreSQL)
#   make install [PREFIX=/usr/local] [DESTDIR=...], make uninstall (mk/install.mk)
#
# Sources are found by wildcard: a new file in common/, server/ and its
# layer folders (domain, store, api, engine, net), tui/ and its folders
# (ui, net, kiosk, console) or tests/ needs no edit here.

.DEFAULT_GOAL := all
SHELL := /bin/sh

CC      ?= cc
OPT     ?= -O2
SAN     ?=
BUILD   ?= build
BIN     ?= bin
NCURSES_CFLAGS := $(shell pkg-config --cflags ncursesw 2>/dev/null)
# libpq (the PostgreSQL store, ticket-audit): Debian keeps its header in
# /usr/include/postgresql.
PQ_CFLAGS := $(shell pkg-config --cflags libpq 2>/dev/null || echo -I/usr/include/postgresql)
CHECK_LIBS := $(shell pkg-config --libs check 2>/dev/null || echo -lcheck -lsubunit -lrt -lm)

CFLAGS  += -std=c11 -D_GNU_SOURCE -g $(OPT) $(SAN) -Wall -Wextra -Wshadow \
           -Wno-unused-parameter -Werror=implicit-function-declaration \
           -pthread -I. $(NCURSES_CFLAGS) $(PQ_CFLAGS) -MMD -MP
LDFLAGS += $(SAN) -pthread

LIBS_BASE   := -lcjson -lsodium -lm
LIBS_SERVER := -lnng -lsqlite3 -lpq $(LIBS_BASE)
LIBS_TUI    := -lnng -lncursesw -lqrencode $(LIBS_BASE)

COMMON_SRC := $(wildcard common/*.c)
SERVER_SRC := $(filter-out server/main.c,$(wildcard server/*.c server/*/*.c))
TUI_SRC    := $(filter-out tui/main.c,$(wildcard tui/*.c tui/*/*.c))
TESTLIB_SRC:= $(wildcard tests/lib/*.c)
BENCH_SRC  := $(wildcard tools/bench/*.c)

obj = $(patsubst %.c,$(BUILD)/obj/%.o,$(1))

LIBCOMMON := $(BUILD)/libcommon.a
LIBSERVER := $(BUILD)/libserver.a
LIBTUI    := $(BUILD)/libtui.a
LIBTEST   := $(BUILD)/libtest.a

BINS := $(BIN)/ticketd
BINS += $(if $(wildcard tools/ticketctl.c),$(BIN)/ticketctl)
BINS += $(if $(wildcard tui/main.c),$(BIN)/kiosk)
BINS += $(if $(BENCH_SRC),$(BIN)/ticket-bench)
BINS += $(if $(wildcard tools/audit.c),$(BIN)/ticket-audit)
BINS += $(if $(wildcard tools/storebench.c),$(BIN)/ticket-storebench)
BINS += $(if $(wildcard tools/jsonbench.c),$(BIN)/ticket-jsonbench)

UNIT_TESTS := $(patsubst tests/%.c,$(BUILD)/tests/%,$(wildcard tests/unit_*.c))
IT_TESTS   := $(patsubst tests/%.c,$(BUILD)/tests/%,$(wildcard tests/it_*.c))

.PHONY: all deps run check check-asan check-tsan check-valgrind bench bench-pg crashtest crashtest-pg fuzz clean
# Keep intermediate objects: make would otherwise delete the test objects
# after the run, and its "rm" line would follow the suite's closing count.
.SECONDARY:
all: deps $(BINS)

# The dependency check runs once per checkout (the stamp), and again if the
# script changes.
deps: $(BUILD)/.deps-ok
$(BUILD)/.deps-ok: mk/deps.sh
	@mkdir -p $(BUILD)
	@sh mk/deps.sh
	@touch $@

$(BUILD)/obj/%.o: %.c | $(BUILD)/.deps-ok
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

$(LIBCOMMON): $(call obj,$(COMMON_SRC))
$(LIBSERVER): $(call obj,$(SERVER_SRC))
$(LIBTUI):    $(call obj,$(TUI_SRC))
$(LIBTEST):   $(call obj,$(TESTLIB_SRC))
$(BUILD)/%.a:
	@mkdir -p $(dir $@)
	rm -f $@
	$(if $^,ar rcs $@ $^,ar rcs $@)

# libsystemd: sd_notify for Type=notify units (a no-op without NOTIFY_SOCKET).
$(BIN)/ticketd: $(call obj,server/main.c) $(LIBSERVER) $(LIBCOMMON)
	@mkdir -p $(BIN)
	$(CC) $(LDFLAGS) -o $@ $^ $(LIBS_SERVER) -lsystemd

$(BIN)/ticketctl: $(call obj,tools/ticketctl.c) $(LIBCOMMON)
	@mkdir -p $(BIN)
	$(CC) $(LDFLAGS) -o $@ $^ -lnng $(LIBS_BASE)

$(BIN)/kiosk: $(call obj,tui/main.c) $(LIBTUI) $(LIBCOMMON)
	@mkdir -p $(BIN)
	$(CC) $(LDFLAGS) -o $@ $^ $(LIBS_TUI)

# libpq: --db postgresql://... makes (and drops) the spawned server's database.
$(BIN)/ticket-bench: $(call obj,$(BENCH_SRC)) $(LIBCOMMON)
	@mkdir -p $(BIN)
	$(CC) $(LDFLAGS) -o $@ $^ -lnng -lpq $(LIBS_BASE)

# The audit reads either store; store_is_postgres (server/store) tells which.
$(BIN)/ticket-audit: $(call obj,tools/audit.c) $(LIBSERVER) $(LIBCOMMON)
	@mkdir -p $(BIN)
	$(CC) $(LDFLAGS) -o $@ $^ $(LIBS_SERVER)

$(BIN)/ticket-storebench: $(call obj,tools/storebench.c) $(LIBSERVER) $(LIBCOMMON)
	@mkdir -p $(BIN)
	$(CC) $(LDFLAGS) -o $@ $^ $(LIBS_SERVER)

$(BIN)/ticket-jsonbench: $(call obj,tools/jsonbench.c) $(LIBCOMMON)
	@mkdir -p $(BIN)
	$(CC) $(LDFLAGS) -o $@ $^ $(LIBS_BASE)

# Unit tests link the libraries they test; integration tests only talk to
# the real bin/ticketd over sockets (tests/lib has the harness).
$(BUILD)/tests/unit_%: $(call obj,tests/unit_%.c) $(LIBTEST) $(LIBSERVER) $(LIBTUI) $(LIBCOMMON)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(CHECK_LIBS) $(LIBS_SERVER) -lncursesw -lqrencode

$(BUILD)/tests/it_%: $(call obj,tests/it_%.c) $(LIBTEST) $(LIBCOMMON)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(CHECK_LIBS) $(LIBS_SERVER)

# An LD_PRELOAD shim for fault tests (it_durable): fdatasync fails on cue.
# Never built with SAN: it is preloaded into whatever ticketd is tested.
FAILSYNC_SO := $(BUILD)/tests/failsync.so
$(FAILSYNC_SO): tests/shim/failsync.c
	@mkdir -p $(dir $@)
	$(CC) -std=c11 -O2 -Wall -Wextra -fPIC -shared -o $@ $< -ldl

check: all $(UNIT_TESTS) $(IT_TESTS) $(FAILSYNC_SO)
	@BIN=$(BIN) sh tests/run.sh $(BUILD)

# Sanitized code runs several times slower: stretch Check's timeouts.
check-asan:
	CK_TIMEOUT_MULTIPLIER=5 $(MAKE) BUILD=build-asan BIN=build-asan/bin OPT=-O1 SAN="-fsanitize=address,undefined -fno-omit-frame-pointer" check

# ThreadSanitizer over the threaded paths: the bench smoke (every method
# under load, against a TSan-built ticketd), the consistency and race
# suites, and the engine and syncer on their own (unit_engine). Any report not waived in tests/tsan.supp fails. Not in CI: nng
# itself is not instrumented, so a clean run is evidence, not proof.
TSAN_DIR := build-tsan
TSAN_ENV := TSAN_OPTIONS="suppressions=$(CURDIR)/tests/tsan.supp log_path=$(CURDIR)/$(TSAN_DIR)/report"
check-tsan:
	$(MAKE) BUILD=$(TSAN_DIR) BIN=$(TSAN_DIR)/bin OPT=-O1 SAN=-fsanitize=thread all \
	    $(TSAN_DIR)/tests/it_consistency $(TSAN_DIR)/tests/it_race $(TSAN_DIR)/tests/unit_engine
	rm -f $(TSAN_DIR)/report.*
	$(TSAN_ENV) $(TSAN_DIR)/bin/ticket-bench --smoke --ticketd $(CURDIR)/$(TSAN_DIR)/bin/ticketd
	for t in it_consistency it_race unit_engine; do \
	    $(TSAN_ENV) CK_FORK=no TOP=$(CURDIR) TICKETD=$(CURDIR)/$(TSAN_DIR)/bin/ticketd \
	        $(TSAN_DIR)/tests/$$t || exit 1; done
	@if ls $(TSAN_DIR)/report.* >/dev/null 2>&1; then cat $(TSAN_DIR)/report.*; exit 1; fi
	@echo "check-tsan: no ThreadSanitizer report"

run: all
	@sh tools/run.sh

clean:
	rm -rf build build-asan build-tsan bin

-include $(shell find $(BUILD)/obj -name '*.d' 2>/dev/null)
-include $(wildcard */module.mk)
include mk/install.mk
