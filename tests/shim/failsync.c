/* tests/shim/failsync.c -- an LD_PRELOAD shim for fault tests: once the
 * file named by TK_TEST_FAILSYNC_FLAG exists, every fdatasync and fsync in
 * the process fails with EIO, as a dying disk would make them. Built as
 * BUILD/tests/failsync.so; never linked into anything (it lives outside
 * tests/lib on purpose, so no test binary picks up its fdatasync). */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

static int failing(void)
{
    const char *flag = getenv("TK_TEST_FAILSYNC_FLAG");
    return flag && access(flag, F_OK) == 0;
}

/* The real call named `name`, unless the flag says the disk has failed. */
static int sync_or_fail(int fd, const char *name, int (**real)(int))
{
    if (failing()) {
        errno = EIO;
        return -1;
    }
    if (!*real)
        *real = (int (*)(int))dlsym(RTLD_NEXT, name);
    return (*real)(fd);
}

int fdatasync(int fd)
{
    static int (*real)(int);
    return sync_or_fail(fd, "fdatasync", &real);
}

int fsync(int fd)
{
    static int (*real)(int);
    return sync_or_fail(fd, "fsync", &real);
}
