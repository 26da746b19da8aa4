/* tests/unit_net.c -- the transport's plain parts: the networks of
 * --rate-peer-exempt (server/cidr) and the connection caps' hash map
 * (server/conns), without sockets. */
#include <check.h>
#include <stdlib.h>

#include "server/net/cidr.h"
#include "server/net/conns.h"
#include "tests/unit_run.h"

START_TEST(cidr_parses_and_matches)
{
    cidr_list l;
    char err[160];
    ck_assert(cidr_parse("10.1.0.0/16,192.168.7.9,2001:db8::/32", &l, err, sizeof err));
    ck_assert_int_eq(l.n, 3);
    ck_assert(cidr_match_peer(&l, "tcp:10.1.200.3:5555"));
    ck_assert(!cidr_match_peer(&l, "tcp:10.2.0.1:5555"));
    ck_assert(cidr_match_peer(&l, "tls:192.168.7.9:1"));
    ck_assert(!cidr_match_peer(&l, "tls:192.168.7.10:1"));
    ck_assert(cidr_match_peer(&l, "ws:[2001:db8:ffff::1]:80"));
    ck_assert(!cidr_match_peer(&l, "ws:[2001:db9::1]:80"));
    ck_assert(cidr_match_peer(&l, "tcp:[::ffff:10.1.0.1]:80")); /* v4 over a v6 socket */
    ck_assert(!cidr_match_peer(&l, "ipc:pid=10"));
    ck_assert(!cidr_match_peer(&l, "garbage"));
}
END_TEST

START_TEST(cidr_odd_prefixes)
{
    cidr_list l;
    char err[160];
    ck_assert(cidr_parse("10.0.0.0/13", &l, err, sizeof err)); /* 10.0-10.7 */
    uint8_t in[4] = {10, 7, 255, 255}, out[4] = {10, 8, 0, 0};
    ck_assert(cidr_match(&l, in, 4));
    ck_assert(!cidr_match(&l, out, 4));
    ck_assert(cidr_parse("10.9.9.9/0", &l, err, sizeof err)); /* everything v4 */
    ck_assert(cidr_match(&l, out, 4));
    ck_assert(cidr_parse("", &l, err, sizeof err) && l.n == 0);
    ck_assert(cidr_parse(NULL, &l, err, sizeof err) && l.n == 0);
}
END_TEST

START_TEST(cidr_refuses_nonsense)
{
    cidr_list l;
    char err[160];
    const char *bad[] = {"10.0.0.0/33", "10.0.0/8", "::/129", "10.0.0.0/", "host.example",
                         "10.0.0.0/8,", ",10.0.0.0/8", "1.2.3.4/-1", "1.2.3.4/8x"};
    for (size_t i = 0; i < UR_LEN(bad); i++) {
        err[0] = '\0';
        ck_assert_msg(!cidr_parse(bad[i], &l, err, sizeof err), "accepted '%s'", bad[i]);
        ck_assert_msg(err[0] != '\0', "no message for '%s'", bad[i]);
    }
}
END_TEST

/* Random inserts and deletes against a plain array: the backward-shift
 * deletion must never lose a key that sits behind the hole. */
START_TEST(map_matches_a_reference)
{
    enum { KEYS = 300, STEPS = 20000 };
    cn_map m;
    ck_assert(cn_map_init(&m, 2 * KEYS));
    int64_t ref[KEYS + 1] = {0}; /* 0: absent */
    srand(7);
    for (int step = 0; step < STEPS; step++) {
        uint64_t k = (uint64_t)(rand() % KEYS) + 1;
        if (rand() % 3 == 0) {
            cn_map_del(&m, k);
            ref[k] = 0;
        } else {
            int64_t *v = cn_map_ref(&m, k);
            ck_assert_ptr_nonnull(v);
            *v = ref[k] = step + 1;
        }
        if (step % 997 == 0)
            for (uint64_t j = 1; j <= KEYS; j++) {
                int64_t *v = cn_map_find(&m, j);
                ck_assert_msg(ref[j] ? v && *v == ref[j] : v == NULL, "key %llu at step %d",
                              (unsigned long long)j, step);
            }
    }
    uint64_t n = 0;
    for (int j = 1; j <= KEYS; j++)
        n += ref[j] != 0;
    ck_assert_uint_eq(m.n, n);
    cn_map_free(&m);
}
END_TEST

START_TEST(map_full_refuses)
{
    cn_map m;
    ck_assert(cn_map_init(&m, 16));
    for (uint64_t k = 1; k <= 15; k++)
        ck_assert_ptr_nonnull(cn_map_ref(&m, k));
    ck_assert_ptr_null(cn_map_ref(&m, 99)); /* one slot stays empty */
    ck_assert_ptr_nonnull(cn_map_ref(&m, 3)); /* present keys still found */
    ck_assert_ptr_null(cn_map_find(&m, 99));
    cn_map_free(&m);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("unit_net");
    const TTest *cidr[] = {cidr_parses_and_matches, cidr_odd_prefixes, cidr_refuses_nonsense};
    const TTest *map[] = {map_matches_a_reference, map_full_refuses};
    ur_tcase(s, "cidr", 0, cidr, UR_LEN(cidr));
    ur_tcase(s, "map", 0, map, UR_LEN(map));
    return ur_run(s);
}
