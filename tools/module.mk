# tools/module.mk -- included by the Makefile: make bench, crashtest, fuzz.
#
#   make bench                     full benchmark (a few minutes); the table
#                                  goes to stdout, JSON to $(BUILD)/bench.json
#   make bench BENCH_FLAGS=--smoke a few seconds, same phases, small sizes
#   make bench-pg                  the bench with ticketd on PostgreSQL: a
#                                  throwaway primary + synchronous standby
#                                  (tools/pgtest.sh pair; BENCH_PG=start for
#                                  a primary alone), stopped at the end;
#                                  JSON to $(BUILD)/bench-pg.json
#   make crashtest                 >= 20 SIGKILLs under load, then verify
#   make crashtest-pg              the same on PostgreSQL (a throwaway
#                                  cluster, tools/pgtest.sh), fewer kills
#   make check-valgrind            the bench smoke against ticketd under
#                                  memcheck: no error, no leak at SIGTERM
#   make fuzz FUZZ_SECONDS=N       libFuzzer (clang) over the request path

BENCH_FLAGS  ?=
CRASH_KILLS  ?= 25
CRASH_KILLS_PG ?= 10
FUZZ_SECONDS ?= 60
FUZZ_BUILD   ?= build-fuzz
FUZZ_CC      ?= clang
FUZZ_FLAGS   := -g -O1 -std=c11 -D_GNU_SOURCE -I. $(PQ_CFLAGS) -pthread -fno-omit-frame-pointer \
                -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined

bench: all
	$(BIN)/ticket-bench --json $(BUILD)/bench.json $(BENCH_FLAGS)

# Smaller than the SQLite run by default (every write waits for a COMMIT
# that the standby acknowledged): 3 s phases, 100,000 in the queue.
BENCH_PG       ?= pair
BENCH_PG_FLAGS ?= -d 3 --queue-users 100000 --subscribers 200
bench-pg: all
	@d=$$(mktemp -d /tmp/ticket-bench-pg.XXXXXX) && \
	    trap 'sh tools/pgtest.sh stop '"$$d" EXIT && trap 'exit 130' INT TERM && \
	    uri=$$(sh tools/pgtest.sh $(BENCH_PG) "$$d") && \
	    $(BIN)/ticket-bench --db "$$uri" --json $(BUILD)/bench-pg.json $(BENCH_PG_FLAGS) $(BENCH_FLAGS)

crashtest: all
	BIN=$(BIN) KILLS=$(CRASH_KILLS) sh tools/crashtest.sh

crashtest-pg: all
	BIN=$(BIN) KILLS=$(CRASH_KILLS_PG) STORE=postgresql sh tools/crashtest.sh

# Every method under load (the bench smoke: races, payments, a 20,000-user
# queue, 1,000 subscribers), then SIGTERM, with ticketd under memcheck
# (tools/valgrind-ticketd.sh). A memory error or a definite/indirect leak
# makes ticketd exit 99, which the bench reports as a violation.
VG_DIR := $(BUILD)/valgrind
check-valgrind: all
	@sh mk/deps.sh valgrind
	@rm -rf $(VG_DIR) && mkdir -p $(VG_DIR)
	@TICKETD_REAL=$(abspath $(BIN)/ticketd) VG_LOG=$(abspath $(VG_DIR))/ticketd.%p.log \
	    $(BIN)/ticket-bench --smoke --ticketd $(CURDIR)/tools/valgrind-ticketd.sh \
	    > $(VG_DIR)/bench.txt 2>&1; rc=$$?; cat $(VG_DIR)/ticketd.*.log; \
	    if [ $$rc -ne 0 ]; then tail -n 25 $(VG_DIR)/bench.txt; \
	        echo "check-valgrind: FAILED (see $(VG_DIR))"; exit 1; fi; \
	    echo "check-valgrind: ticketd ran the bench smoke and stopped with no memcheck error and no leak"

# The harness and everything it reaches (common/, server/ minus main.c)
# are compiled with coverage and sanitizers into their own tree, so the
# normal build is untouched. Regressions are replayed first (each file
# once), then the fuzzer runs on a scratch copy of the seed corpus; new
# crashes land in $(FUZZ_BUILD)/crash-*: copy them to tests/fuzz/regressions/.
# -close_fd_mask=2 mutes the server's log lines (one per input); libFuzzer
# and sanitizer reports still print (libFuzzer keeps a dup of stderr), and
# tests/unit_fuzz shows the harness's own message when a file is replayed.
FUZZ_SRC := tests/fuzz/fuzz_rpc.c $(COMMON_SRC) $(SERVER_SRC)
FUZZ_OBJ := $(patsubst %.c,$(FUZZ_BUILD)/obj/%.o,$(FUZZ_SRC))

$(FUZZ_BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_FLAGS) -MMD -MP -c -o $@ $<

$(FUZZ_BUILD)/fuzz_rpc: $(FUZZ_OBJ)
	$(FUZZ_CC) $(FUZZ_FLAGS) -o $@ $^ $(LIBS_SERVER)

# server/store/sqlite.c embeds data/schema.sql (see data/module.mk).
$(FUZZ_BUILD)/obj/server/store/sqlite.o: data/schema.sql

fuzz: all $(FUZZ_BUILD)/fuzz_rpc
	@mkdir -p $(FUZZ_BUILD)/corpus
	@set -e; if ls tests/fuzz/regressions/* >/dev/null 2>&1; then \
	    echo "fuzz: replaying tests/fuzz/regressions"; \
	    $(FUZZ_BUILD)/fuzz_rpc tests/fuzz/regressions/* 2>&1 | tail -n 3; fi
	$(FUZZ_BUILD)/fuzz_rpc -max_total_time=$(FUZZ_SECONDS) -max_len=8192 -timeout=10 \
	    -close_fd_mask=2 -print_final_stats=1 -artifact_prefix=$(FUZZ_BUILD)/ \
	    $(FUZZ_BUILD)/corpus tests/fuzz/corpus

-include $(shell find $(FUZZ_BUILD)/obj -name '*.d' 2>/dev/null)
