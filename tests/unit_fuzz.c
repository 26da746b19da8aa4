/* tests/unit_fuzz.c -- replays the fuzz seed corpus and every regression
 * input (tests/fuzz/regressions/: each crash the fuzzer ever found) through
 * the libFuzzer harness, built here with the normal compiler, so `make
 * check` and `make check-asan` keep them fixed. One Check loop iteration
 * per file: a crash (the harness aborts on a broken oracle) fails just
 * that file, named in the failure message. */
#include <check.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/fuzz/fuzz_rpc.c"

#define UF_MAX_FILES 4096

static char *uf_files[UF_MAX_FILES];
static int uf_nfiles, uf_nregressions;

static int uf_scan(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return 0;
    int found = 0;
    struct dirent *e;
    while ((e = readdir(d)) && uf_nfiles < UF_MAX_FILES) {
        if (e->d_name[0] == '.')
            continue;
        size_t n = strlen(dir) + strlen(e->d_name) + 2;
        uf_files[uf_nfiles] = malloc(n);
        snprintf(uf_files[uf_nfiles++], n, "%s/%s", dir, e->d_name);
        found++;
    }
    closedir(d);
    return found;
}

START_TEST(replay_file)
{
    const char *path = uf_files[_i];
    FILE *f = fopen(path, "rb");
    ck_assert_msg(f != NULL, "cannot open %s", path);
    static uint8_t buf[FUZZ_MAX_INPUT + 1];
    size_t n = fread(buf, 1, sizeof(buf), f);
    fclose(f);
    /* Oversized inputs are cut at the harness limit, as libFuzzer would. */
    LLVMFuzzerTestOneInput(buf, n > FUZZ_MAX_INPUT ? FUZZ_MAX_INPUT : n);
}
END_TEST

START_TEST(corpus_present)
{
    /* Guards against a silently empty replay (a wrong $TOP). */
    ck_assert_int_ge(uf_nfiles - uf_nregressions, 20);
}
END_TEST

int main(void)
{
    const char *top = getenv("TOP");
    char dir[1024];
    snprintf(dir, sizeof(dir), "%s/tests/fuzz/regressions", top ? top : ".");
    uf_nregressions = uf_scan(dir);
    snprintf(dir, sizeof(dir), "%s/tests/fuzz/corpus", top ? top : ".");
    uf_scan(dir);

    Suite *s = suite_create("fuzz-replay");
    TCase *tc = tcase_create("replay");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, corpus_present);
    tcase_add_loop_test(tc, replay_file, 0, uf_nfiles);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    for (int i = 0; i < uf_nfiles; i++)
        free(uf_files[i]);
    return failed ? 1 : 0;
}
