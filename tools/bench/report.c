/* tools/bench/report.c -- the markdown tables and the JSON file.
 *
 * Two tables: every measured row (ops/s, latency quantiles, its echo
 * twin and the ratio), then the targets with pass/fail. A target that the
 * run's size cannot judge (RSS with fewer than a million waiting, p99 at
 * another concurrency) says "n/a" instead of guessing. */
#include "tools/bench/bench.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef struct {
    const char *name, *goal;
    char measured[96];
    double value;
    int pass; /* 1 pass, 0 fail, -1 n/a */
} breport_target;

#define BREPORT_TARGETS 10

/* The row named exactly name, else the first whose name starts with
 * "name " (e.g. "queue.join (to 1000000 waiting)"). */
static const bench_stats *breport_find(const bench_run *r, const char *name, int *idx)
{
    size_t n = strlen(name);
    for (int pass = 0; pass < 2; pass++)
        for (int i = 0; i < r->nrows; i++) {
            const char *rn = r->rows[i]->name;
            if (strncmp(rn, name, n) == 0 && (pass ? rn[n] == ' ' : rn[n] == '\0')) {
                if (idx)
                    *idx = i;
                return r->rows[i];
            }
        }
    return NULL;
}

static double breport_ratio(const bench_run *r, int i)
{
    double echo = bstats_rate(r->echo_rows[i]);
    return echo > 0 ? bstats_rate(r->rows[i]) / echo : 0;
}

static void breport_ratio_target(const bench_run *r, breport_target *t, const char *row,
                                 double goal)
{
    int i;
    t->name = row;
    t->pass = -1;
    snprintf(t->measured, sizeof(t->measured), "not measured");
    if (!breport_find(r, row, &i) || bstats_rate(r->echo_rows[i]) <= 0)
        return;
    t->value = breport_ratio(r, i);
    snprintf(t->measured, sizeof(t->measured), "%.0f%% of echo (%.0f vs %.0f ops/s)",
             t->value * 100, bstats_rate(r->rows[i]), bstats_rate(r->echo_rows[i]));
    t->pass = t->value >= goal;
}

/* The targets set as a share of the echo ceiling. seat.hold is read on
 * the buy phase, where every request in flight is a hold (random seats,
 * barely more seats than buyers, SEAT_TAKEN retried); the churn phase
 * interleaves releases, so its seat.hold row counts only about half of
 * the writes in flight. */
static const struct {
    const char *row, *goal_text;
    double goal;
} breport_ratio_goals[] = {
    {"seats.list", ">= 70% of echo", 0.70},
    {"seat.hold", ">= 50% of echo", 0.50},
    {"payment.pay", ">= 50% of echo", 0.50},
};
#define BREPORT_RATIO_GOALS (sizeof(breport_ratio_goals) / sizeof(breport_ratio_goals[0]))

static int breport_targets(const bench_run *r, breport_target *t)
{
    int n = 0;
    for (size_t k = 0; k < BREPORT_RATIO_GOALS; k++) {
        breport_ratio_target(r, &t[n], breport_ratio_goals[k].row, breport_ratio_goals[k].goal);
        t[n++].goal = breport_ratio_goals[k].goal_text;
    }

    /* p99 at the run's concurrency: the worst row of the seat path. */
    const char *p99rows[] = {"dates.list", "seats.list", "seat.hold", "seat.hold (churn)",
                             "hold.release (churn)",
                             "wallet.charge", "payment.pay"};
    double worst = 0;
    const char *worst_name = "-";
    for (size_t k = 0; k < sizeof(p99rows) / sizeof(p99rows[0]); k++) {
        const bench_stats *st = breport_find(r, p99rows[k], NULL);
        if (st && bstats_quantile(st, 0.99) > worst) {
            worst = bstats_quantile(st, 0.99);
            worst_name = p99rows[k];
        }
    }
    t[n].name = "p99 latency (worst of the seat path)";
    t[n].goal = "<= 5 ms at 64 in flight";
    t[n].value = worst / 1000.0;
    snprintf(t[n].measured, sizeof(t[n].measured), "%.2f ms (%s) at %d in flight", t[n].value,
             worst_name, r->concurrency);
    t[n].pass = r->concurrency == 64 ? worst <= 5000 : -1;
    n++;

    const bench_stats *qj = breport_find(r, "queue.join (to", NULL);
    t[n].name = "queue.join throughput";
    t[n].goal = ">= 50,000/s";
    t[n].value = qj ? bstats_rate(qj) : 0;
    snprintf(t[n].measured, sizeof(t[n].measured), "%.0f/s", t[n].value);
    t[n].pass = qj ? t[n].value >= 50000 : -1;
    n++;

    t[n].name = "server RSS with the queue full";
    t[n].goal = "< 200 MB at 1,000,000 waiting";
    t[n].value = r->rss_kb / 1024.0;
    snprintf(t[n].measured, sizeof(t[n].measured), "%.1f MB with %lld waiting", t[n].value,
             (long long)r->waiting);
    t[n].pass = r->rss_kb <= 0 || r->waiting < 1000000 ? -1 : r->rss_kb < 200 * 1024;
    n++;

    t[n].name = "event fan-out p99";
    t[n].goal = "<= 50 ms to 1,000 subscribers";
    t[n].value = r->fan_p99_ms;
    snprintf(t[n].measured, sizeof(t[n].measured), "%.2f ms to %d (p50 %.2f, max %.2f; %lld/%lld)",
             r->fan_p99_ms, r->subscribers, r->fan_p50_ms, r->fan_max_ms,
             (long long)r->fan_received, (long long)r->fan_expected);
    t[n].pass = r->fan_expected == 0 || r->subscribers < 1000
                    ? -1
                    : r->fan_p99_ms <= 50 && r->fan_received == r->fan_expected;
    n++;

    t[n].name = "invariants (race, sold == paid, waiting, ticket-audit)";
    t[n].goal = "no violation";
    t[n].value = (double)r->invariant_failures;
    snprintf(t[n].measured, sizeof(t[n].measured), "%lld violations, %lld races, audit %s",
             (long long)r->invariant_failures, (long long)r->race_rounds,
             r->audit_rc == 0 ? "clean" : r->audit_rc < 0 ? "not run" : "FAILED");
    t[n].pass = r->invariant_failures == 0 && r->audit_rc <= 0;
    n++;
    return n;
}

/* A phase's server total (CPU µs, context switches) per request of the
 * phase (all its rows); -1 when the server was not ours to watch. */
static double breport_per_op(const bench_stats *st, int64_t total)
{
    return total < 0 || st->phase_ops <= 0 ? -1 : (double)total / (double)st->phase_ops;
}

static const char *breport_verdict(int pass)
{
    return pass < 0 ? "n/a" : pass ? "pass" : "FAIL";
}

/* The CPU budget of a ratio target. At the goal's rate the machine has
 * nproc seconds of CPU per second to share out, so each request may cost
 * at most nproc / rate of it; the load generator's own measured share
 * comes off first, and what is left is the most the server may spend per
 * request for the goal to be reachable at all, on these cores, however
 * its work is spread over threads. */
typedef struct {
    const char *row;
    double goal, rate, machine_us, gen_us, left_us, srv_us;
} breport_budget;

static bool breport_budget_of(const bench_run *r, const char *row, double goal,
                              breport_budget *b)
{
    int i;
    const bench_stats *st = breport_find(r, row, &i);
    double echo = st ? bstats_rate(r->echo_rows[i]) : 0;
    long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
    if (!st || echo <= 0 || ncpu < 1)
        return false;
    *b = (breport_budget){row, goal, goal * echo, 0, breport_per_op(st, st->gen_cpu_us), 0,
                          breport_per_op(st, st->srv_cpu_us)};
    b->machine_us = (double)ncpu * 1e6 / b->rate;
    b->left_us = b->machine_us - b->gen_us;
    return b->gen_us >= 0 && b->srv_us >= 0;
}

static void breport_budget_table(const bench_run *r)
{
    bool head = false;
    for (size_t k = 0; k < BREPORT_RATIO_GOALS; k++) {
        breport_budget b;
        if (!breport_budget_of(r, breport_ratio_goals[k].row, breport_ratio_goals[k].goal, &b))
            continue;
        if (!head)
            printf("\n| CPU budget at the goal | rate | machine µs/op | load generator µs/op "
                   "| left for the server µs/op | server spends µs/op | server / left |\n"
                   "|---|---:|---:|---:|---:|---:|---:|\n");
        head = true;
        printf("| %s at %.0f%% of echo | %.0f/s | %.1f | %.1f | %.1f | %.1f | %.2f |\n", b.row,
               b.goal * 100, b.rate, b.machine_us, b.gen_us, b.left_us, b.srv_us,
               b.left_us > 0 ? b.srv_us / b.left_us : 0);
    }
}

void breport_table(const bench_run *r)
{
    printf("\n| method | ops | ops/s | p50 ms | p99 ms | p999 ms | errors | req/rep B | "
           "echo ops/s | ratio | raw echo ops/s | srv CPU µs/op | srv csw/op | gen CPU µs/op |\n"
           "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    for (int i = 0; i < r->nrows; i++) {
        const bench_stats *st = r->rows[i];
        if (atomic_load(&st->ops) == 0)
            continue;
        printf("| %s | %llu | %.0f | %.3f | %.3f | %.3f | %llu | %.0f/%.0f | %.0f | %.2f | %.0f "
               "| %.0f | %.2f | %.0f |\n",
               st->name, (unsigned long long)atomic_load(&st->ops), bstats_rate(st),
               bstats_quantile(st, 0.5) / 1000, bstats_quantile(st, 0.99) / 1000,
               bstats_quantile(st, 0.999) / 1000, (unsigned long long)atomic_load(&st->errors),
               bstats_avg_req(st), bstats_avg_rep(st), bstats_rate(r->echo_rows[i]),
               breport_ratio(r, i), bstats_rate(r->raw_rows[i]), breport_per_op(st, st->srv_cpu_us),
               breport_per_op(st, st->srv_csw), breport_per_op(st, st->gen_cpu_us));
    }
    breport_target t[BREPORT_TARGETS];
    int n = breport_targets(r, t);
    printf("\n| target | goal | measured | result |\n|---|---|---|---|\n");
    for (int i = 0; i < n; i++)
        printf("| %s | %s | %s | %s |\n", t[i].name, t[i].goal, t[i].measured,
               breport_verdict(t[i].pass));
    breport_budget_table(r);
    printf("\nseat.hold outcomes: %lld won, %lld SEAT_TAKEN; payments: %lld\n",
           (long long)r->hold_won, (long long)r->hold_taken, (long long)r->paid);
    for (int i = 0; i < r->nnotes; i++)
        printf("note: %s\n", r->notes[i]);
}

static cJSON *breport_machine(void)
{
    cJSON *m = cJSON_CreateObject();
    char line[256], cpu[200] = "unknown";
    int64_t mem_kb = 0;
    FILE *f = fopen("/proc/cpuinfo", "r");
    while (f && fgets(line, sizeof(line), f))
        if (sscanf(line, "model name : %199[^\n]", cpu) == 1 ||
            sscanf(line, "model name\t: %199[^\n]", cpu) == 1)
            break;
    if (f)
        fclose(f);
    f = fopen("/proc/meminfo", "r");
    while (f && fgets(line, sizeof(line), f))
        if (sscanf(line, "MemTotal: %lld", (long long *)&mem_kb) == 1)
            break;
    if (f)
        fclose(f);
    jv_add_int(m, "nproc", sysconf(_SC_NPROCESSORS_ONLN));
    cJSON_AddStringToObject(m, "cpu", cpu);
    jv_add_int(m, "mem_mb", mem_kb / 1024);
    return m;
}

static cJSON *breport_rows(const bench_run *r)
{
    cJSON *rows = cJSON_CreateArray();
    for (int i = 0; i < r->nrows; i++) {
        const bench_stats *st = r->rows[i];
        if (atomic_load(&st->ops) == 0)
            continue;
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "name", st->name);
        jv_add_int(o, "ops", (int64_t)atomic_load(&st->ops));
        jv_add_int(o, "errors", (int64_t)atomic_load(&st->errors));
        cJSON_AddNumberToObject(o, "ops_per_s", bstats_rate(st));
        cJSON_AddNumberToObject(o, "p50_ms", bstats_quantile(st, 0.5) / 1000);
        cJSON_AddNumberToObject(o, "p99_ms", bstats_quantile(st, 0.99) / 1000);
        cJSON_AddNumberToObject(o, "p999_ms", bstats_quantile(st, 0.999) / 1000);
        cJSON_AddNumberToObject(o, "req_bytes", bstats_avg_req(st));
        cJSON_AddNumberToObject(o, "rep_bytes", bstats_avg_rep(st));
        cJSON_AddNumberToObject(o, "echo_ops_per_s", bstats_rate(r->echo_rows[i]));
        cJSON_AddNumberToObject(o, "srv_cpu_us_per_op", breport_per_op(st, st->srv_cpu_us));
        cJSON_AddNumberToObject(o, "srv_csw_per_op", breport_per_op(st, st->srv_csw));
        cJSON_AddNumberToObject(o, "gen_cpu_us_per_op", breport_per_op(st, st->gen_cpu_us));
        cJSON_AddNumberToObject(o, "echo_cpu_us_per_op",
                                breport_per_op(r->echo_rows[i], r->echo_rows[i]->gen_cpu_us));
        cJSON_AddNumberToObject(o, "echo_p99_ms", bstats_quantile(r->echo_rows[i], 0.99) / 1000);
        cJSON_AddNumberToObject(o, "ratio", breport_ratio(r, i));
        cJSON_AddNumberToObject(o, "raw_echo_ops_per_s", bstats_rate(r->raw_rows[i]));
        cJSON_AddItemToArray(rows, o);
    }
    return rows;
}

int breport_json(const bench_run *r, const char *path)
{
    cJSON *root = cJSON_CreateObject();
    cJSON_AddItemToObject(root, "machine", breport_machine());
    cJSON *cfg = cJSON_AddObjectToObject(root, "config");
    jv_add_int(cfg, "concurrency", r->concurrency);
    jv_add_int(cfg, "sockets", r->nsock);
    jv_add_int(cfg, "duration_ms", r->dur_us / 1000);
    jv_add_int(cfg, "users", r->users);
    jv_add_int(cfg, "queue_users", r->queue_users);
    jv_add_int(cfg, "subscribers", r->subscribers);
    cJSON_AddStringToObject(cfg, "transport", r->tcp ? "tcp" : "ipc");
    cJSON_AddBoolToObject(cfg, "smoke", r->smoke);
    cJSON_AddItemToObject(root, "rows", breport_rows(r));
    breport_target t[BREPORT_TARGETS];
    int n = breport_targets(r, t);
    cJSON *targets = cJSON_AddArrayToObject(root, "targets");
    for (int i = 0; i < n; i++) {
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "name", t[i].name);
        cJSON_AddStringToObject(o, "goal", t[i].goal);
        cJSON_AddStringToObject(o, "measured", t[i].measured);
        cJSON_AddNumberToObject(o, "value", t[i].value);
        cJSON_AddStringToObject(o, "result", breport_verdict(t[i].pass));
        cJSON_AddItemToArray(targets, o);
    }
    cJSON *budget = cJSON_AddArrayToObject(root, "cpu_budget");
    for (size_t k = 0; k < BREPORT_RATIO_GOALS; k++) {
        breport_budget b;
        if (!breport_budget_of(r, breport_ratio_goals[k].row, breport_ratio_goals[k].goal, &b))
            continue;
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "row", b.row);
        cJSON_AddNumberToObject(o, "goal_ratio", b.goal);
        cJSON_AddNumberToObject(o, "rate", b.rate);
        cJSON_AddNumberToObject(o, "machine_us_per_op", b.machine_us);
        cJSON_AddNumberToObject(o, "gen_us_per_op", b.gen_us);
        cJSON_AddNumberToObject(o, "left_us_per_op", b.left_us);
        cJSON_AddNumberToObject(o, "srv_us_per_op", b.srv_us);
        cJSON_AddItemToArray(budget, o);
    }
    cJSON *inv = cJSON_AddObjectToObject(root, "invariants");
    jv_add_int(inv, "violations", r->invariant_failures);
    jv_add_int(inv, "race_rounds", r->race_rounds);
    jv_add_int(inv, "audit_rc", r->audit_rc);
    jv_add_int(inv, "hold_won", r->hold_won);
    jv_add_int(inv, "hold_taken", r->hold_taken);
    jv_add_int(inv, "paid", r->paid);
    cJSON *notes = cJSON_AddArrayToObject(root, "notes");
    for (int i = 0; i < r->nnotes; i++)
        cJSON_AddItemToArray(notes, cJSON_CreateString(r->notes[i]));
    char *text = cJSON_Print(root);
    cJSON_Delete(root);
    FILE *f = text ? fopen(path, "w") : NULL;
    int rc = f && fputs(text, f) >= 0 && fputc('\n', f) != EOF ? 0 : -1;
    if (f && fclose(f) != 0)
        rc = -1;
    free(text);
    return rc;
}
