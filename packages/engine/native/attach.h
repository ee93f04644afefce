/* The attach socket: clients receive docker-style framed output and send stdin and resizes. */
#ifndef BERTH_ATTACH_H
#define BERTH_ATTACH_H

#include <poll.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Frame types (first byte of docker's 8-byte stdcopy header). */
enum frame_type {
    FRAME_STDIN = 0,
    FRAME_STDOUT = 1,
    FRAME_STDERR = 2,
    FRAME_EXIT = 3,
    FRAME_RESIZE = 4,
    FRAME_CLOSE_STDIN = 5,
};

/* Largest frame a client may send; larger ones drop the client. */
#define ATTACH_FRAME_MAX (1024 * 1024)

struct attach_client {
    int fd;
    bool ready; /* the request line has been read and answered */
    bool want[3]; /* stdin, stdout, stderr */
    bool start;   /* start=1: this client releases a --wait-start child */
    char line[128];
    size_t line_len;
    unsigned char header[8];
    size_t header_len;
    uint32_t remaining; /* payload bytes still to read */
    char small[64]; /* resize payload */
    size_t small_len;
};

/* What client input turns into; implemented by the monitor. */
struct attach_sink {
    void (*stdin_data)(void *ctx, const char *data, size_t len);
    void (*resize)(void *ctx, unsigned rows, unsigned cols);
    void (*close_stdin)(void *ctx);
    void (*start)(void *ctx); /* a client with start=1 has been registered */
    void *ctx;
};

struct attach_server {
    int listen_fd; /* -1 without --attach-socket */
    const char *path;
    struct attach_client *clients;
    int count;
    int cap;
};

/* Binds and listens on path (replacing a stale socket file); NULL disables. Dies on error. */
void attach_listen(struct attach_server *server, const char *path);
/* Accepts every pending connection. */
void attach_accept(struct attach_server *server);
/* Reads what client i sent (at most 4 KiB of stdin per call); drops it on EOF or a bad frame. */
void attach_read(struct attach_server *server, int i, const struct attach_sink *sink);
/* Sends output to every client that asked for that stream; slow or gone clients are dropped. */
void attach_broadcast(struct attach_server *server, enum frame_type type, const char *data, size_t len);
/* Removes clients whose fd was closed during this round. */
void attach_compact(struct attach_server *server);
/* Sends the exit frame to every client, closes them and the socket, and unlinks the path. */
void attach_finish(struct attach_server *server, int exit_code);

#endif
