/* tests/lib/th_raw.c -- raw peers for the transport's adversarial tests:
 * plain sockets that speak as much of the SP handshake as a test wants. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "tests/lib/harness.h"

const unsigned char th_sp_req_header[8] = {0x00, 'S', 'P', 0x00, 0x00, 0x30, 0x00, 0x00};

static int th_raw_ipc(const char *path)
{
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    snprintf(sa.sun_path, sizeof sa.sun_path, "%s", path);
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);
    if (fd >= 0 && connect(fd, (struct sockaddr *)&sa, sizeof sa) != 0) {
        close(fd);
        fd = -1;
    }
    return fd;
}

static int th_raw_tcp(const char *hostport, const char *src)
{
    char host[64];
    const char *colon = strrchr(hostport, ':');
    if (!colon || (size_t)(colon - hostport) >= sizeof host)
        return -1;
    memcpy(host, hostport, (size_t)(colon - hostport));
    host[colon - hostport] = '\0';
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons(atoi(colon + 1))};
    struct sockaddr_in from = {.sin_family = AF_INET};
    struct linger lg = {.l_onoff = 1, .l_linger = 0};
    if (inet_pton(AF_INET, host, &sa.sin_addr) != 1 ||
        (src && inet_pton(AF_INET, src, &from.sin_addr) != 1))
        return -1;
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd >= 0 && (setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg) != 0 ||
                    (src && bind(fd, (struct sockaddr *)&from, sizeof from) != 0) ||
                    connect(fd, (struct sockaddr *)&sa, sizeof sa) != 0)) {
        close(fd);
        fd = -1;
    }
    return fd;
}

int th_raw_connect(const char *url, const char *src)
{
    if (!strncmp(url, "ipc://", 6))
        return th_raw_ipc(url + 6);
    if (!strncmp(url, "tcp://", 6))
        return th_raw_tcp(url + 6, src);
    return -1;
}

size_t th_raw_read(int fd, unsigned char *buf, size_t n, int ms)
{
    size_t got = 0;
    struct pollfd p = {.fd = fd, .events = POLLIN};
    while (got < n && poll(&p, 1, ms) == 1) {
        ssize_t r = read(fd, buf + got, n - got);
        if (r <= 0)
            break;
        got += (size_t)r;
    }
    return got;
}

bool th_raw_handshake(int fd, int ms)
{
    unsigned char got[8];
    return write(fd, th_sp_req_header, sizeof th_sp_req_header) == 8 &&
           th_raw_read(fd, got, sizeof got, ms) == sizeof got && got[1] == 'S' && got[2] == 'P';
}

bool th_raw_closed(int fd, int ms)
{
    struct pollfd p = {.fd = fd, .events = POLLIN};
    unsigned char b;
    if (poll(&p, 1, ms) != 1)
        return false;
    return read(fd, &b, 1) <= 0;
}
