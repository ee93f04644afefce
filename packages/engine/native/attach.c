#include "attach.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <unistd.h>

#include "util.h"

/* A client that cannot take a frame for this long is dropped rather than stalling the monitor. */
#define SEND_TIMEOUT_SECONDS 5

void attach_listen(struct attach_server *server, const char *path)
{
    server->listen_fd = -1;
    server->path = path;
    server->clients = NULL;
    server->count = server->cap = 0;
    if (!path)
        return;
    struct sockaddr_un addr = {.sun_family = AF_UNIX};
    if (strlen(path) >= sizeof addr.sun_path)
        fail(ENAMETOOLONG, "attach socket %s", path);
    strcpy(addr.sun_path, path);
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0)
        die("socket");
    if (unlink(path) < 0 && errno != ENOENT)
        die("unlink %s", path);
    if (bind(fd, (struct sockaddr *)&addr, sizeof addr) < 0)
        die("bind %s", path);
    if (chmod(path, 0600) < 0)
        die("chmod %s", path);
    if (listen(fd, 16) < 0)
        die("listen %s", path);
    server->listen_fd = fd_high(fd);
}

static void drop(struct attach_client *client)
{
    if (client->fd >= 0)
        close(client->fd);
    client->fd = -1;
}

void attach_accept(struct attach_server *server)
{
    for (;;) {
        int fd = accept4(server->listen_fd, NULL, NULL, SOCK_CLOEXEC);
        if (fd < 0)
            return; /* EAGAIN: none left (the listening socket is non-blocking) */
        if (server->count == server->cap) {
            int cap = server->cap ? server->cap * 2 : 4;
            struct attach_client *grown = realloc(server->clients, (size_t)cap * sizeof *grown);
            if (!grown) {
                close(fd);
                return;
            }
            server->clients = grown;
            server->cap = cap;
        }
        struct timeval timeout = {.tv_sec = SEND_TIMEOUT_SECONDS};
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout);
        struct attach_client *client = &server->clients[server->count++];
        memset(client, 0, sizeof *client);
        client->fd = fd;
    }
}

/* Parses "attach stdin=0|1 stdout=0|1 stderr=0|1 start=0|1"; every key is optional and defaults to 0. */
static bool parse_request(struct attach_client *client)
{
    char *save = NULL;
    char *word = strtok_r(client->line, " ", &save);
    if (!word || strcmp(word, "attach") != 0)
        return false;
    static const char *const keys[] = {"stdin=", "stdout=", "stderr=", "start="};
    bool *values[] = {&client->want[0], &client->want[1], &client->want[2], &client->start};
    while ((word = strtok_r(NULL, " ", &save))) {
        bool known = false;
        for (int k = 0; k < 4; k++) {
            size_t n = strlen(keys[k]);
            if (strncmp(word, keys[k], n) == 0 && (word[n] == '0' || word[n] == '1') && word[n + 1] == '\0') {
                *values[k] = word[n] == '1';
                known = true;
            }
        }
        if (!known)
            return false;
    }
    return true;
}

/* Consumes request-line bytes; returns how many were used, or -1 to drop the client. */
static ssize_t take_request(struct attach_client *client, const char *data, size_t len, const struct attach_sink *sink)
{
    const char *nl = memchr(data, '\n', len);
    size_t take = nl ? (size_t)(nl - data) + 1 : len;
    if (client->line_len + take > sizeof client->line - 1)
        return -1;
    memcpy(client->line + client->line_len, data, take);
    client->line_len += take;
    if (!nl)
        return (ssize_t)take;
    client->line[client->line_len - 1] = '\0';
    if (!parse_request(client)) {
        static const char bad[] = "error bad attach request\n";
        send(client->fd, bad, sizeof bad - 1, MSG_NOSIGNAL);
        return -1;
    }
    if (send(client->fd, "ok\n", 3, MSG_NOSIGNAL) != 3)
        return -1;
    client->ready = true;
    if (client->start)
        sink->start(sink->ctx);
    return (ssize_t)take;
}

/* Consumes frame bytes; returns how many were used, or -1 to drop the client. */
static ssize_t take_frame(struct attach_client *client, const char *data, size_t len, const struct attach_sink *sink)
{
    size_t used = 0;
    if (client->header_len < 8) {
        used = 8 - client->header_len < len ? 8 - client->header_len : len;
        memcpy(client->header + client->header_len, data, used);
        client->header_len += used;
        if (client->header_len < 8)
            return (ssize_t)used;
        const unsigned char *h = client->header;
        client->remaining = (uint32_t)h[4] << 24 | (uint32_t)h[5] << 16 | (uint32_t)h[6] << 8 | h[7];
        client->small_len = 0;
        if (client->remaining > ATTACH_FRAME_MAX || (h[0] == FRAME_RESIZE && client->remaining >= sizeof client->small))
            return -1;
    }
    int type = client->header[0];
    size_t take = client->remaining < len - used ? client->remaining : len - used;
    if (type == FRAME_STDIN && client->want[0] && take > 0) {
        sink->stdin_data(sink->ctx, data + used, take);
    } else if (type == FRAME_RESIZE) {
        memcpy(client->small + client->small_len, data + used, take);
        client->small_len += take;
    }
    client->remaining -= (uint32_t)take;
    used += take;
    if (client->remaining == 0) {
        unsigned rows, cols;
        client->small[client->small_len] = '\0';
        if (type == FRAME_RESIZE && sscanf(client->small, "%u %u", &rows, &cols) == 2)
            sink->resize(sink->ctx, rows, cols);
        else if (type == FRAME_CLOSE_STDIN && client->want[0])
            sink->close_stdin(sink->ctx);
        client->header_len = 0;
    }
    return (ssize_t)used;
}

void attach_read(struct attach_server *server, int i, const struct attach_sink *sink)
{
    struct attach_client *client = &server->clients[i];
    if (client->fd < 0)
        return;
    char buf[4096];
    ssize_t n = read(client->fd, buf, sizeof buf);
    if (n < 0 && (errno == EINTR || errno == EAGAIN))
        return;
    if (n <= 0) {
        drop(client);
        return;
    }
    for (size_t off = 0; off < (size_t)n;) {
        ssize_t used = client->ready ? take_frame(client, buf + off, (size_t)n - off, sink)
                                     : take_request(client, buf + off, (size_t)n - off, sink);
        if (used < 0) {
            drop(client);
            return;
        }
        off += (size_t)used;
    }
}

static int send_all(int fd, const void *data, size_t len)
{
    const char *p = data;
    while (len > 0) {
        ssize_t n = send(fd, p, len, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return -1;
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

static void send_frame(struct attach_client *client, enum frame_type type, const char *data, size_t len)
{
    unsigned char header[8] = {(unsigned char)type, 0, 0, 0, (unsigned char)(len >> 24), (unsigned char)(len >> 16),
                               (unsigned char)(len >> 8), (unsigned char)len};
    if (send_all(client->fd, header, sizeof header) < 0 || send_all(client->fd, data, len) < 0)
        drop(client);
}

void attach_broadcast(struct attach_server *server, enum frame_type type, const char *data, size_t len)
{
    for (int i = 0; i < server->count; i++) {
        struct attach_client *client = &server->clients[i];
        if (client->fd >= 0 && client->ready && client->want[type])
            send_frame(client, type, data, len);
    }
}

void attach_compact(struct attach_server *server)
{
    int kept = 0;
    for (int i = 0; i < server->count; i++)
        if (server->clients[i].fd >= 0)
            server->clients[kept++] = server->clients[i];
    server->count = kept;
}

/* How long the monitor waits, at the end, for attached clients to close their end. */
#define FINISH_LINGER_MS 2000

/*
 * Reads and discards what clients still send until each closes its end (or the linger time is
 * up). A client may be writing stdin while the exit frame is on its way: had the monitor closed
 * at once, that write would fail with EPIPE, and the client's socket would be torn down with the
 * last output and the exit frame still unread in it.
 */
static void linger_for_clients(struct attach_server *server)
{
    long long deadline = now_ms() + FINISH_LINGER_MS;
    for (;;) {
        struct pollfd fds[64];
        int n = 0;
        for (int i = 0; i < server->count && n < 64; i++)
            if (server->clients[i].fd >= 0)
                fds[n++] = (struct pollfd){.fd = server->clients[i].fd, .events = POLLIN};
        long long left = deadline - now_ms();
        if (n == 0 || left <= 0)
            return;
        if (poll(fds, (nfds_t)n, (int)left) < 0 && errno != EINTR)
            return;
        for (int k = 0; k < n; k++) {
            if (!fds[k].revents)
                continue;
            char buf[4096];
            ssize_t got = read(fds[k].fd, buf, sizeof buf);
            if (got > 0 || (got < 0 && (errno == EINTR || errno == EAGAIN)))
                continue;
            for (int i = 0; i < server->count; i++)
                if (server->clients[i].fd == fds[k].fd)
                    drop(&server->clients[i]);
        }
    }
}

void attach_finish(struct attach_server *server, int exit_code)
{
    char code[16];
    int len = snprintf(code, sizeof code, "%d", exit_code);
    if (server->listen_fd >= 0) {
        close(server->listen_fd);
        server->listen_fd = -1;
        unlink(server->path);
    }
    for (int i = 0; i < server->count; i++) {
        struct attach_client *client = &server->clients[i];
        if (client->fd >= 0 && client->ready) {
            send_frame(client, FRAME_EXIT, code, (size_t)len);
            if (client->fd >= 0)
                shutdown(client->fd, SHUT_WR);
        } else {
            drop(client);
        }
    }
    linger_for_clients(server);
    for (int i = 0; i < server->count; i++)
        drop(&server->clients[i]);
    server->count = 0;
}
