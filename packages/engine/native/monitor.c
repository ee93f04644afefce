/* The monitor's event loop: output to log and clients, client input to stdin, the child's exit. */
#include "monitor.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tty.h"

/* Once the child is gone: stop when its output has been quiet this long, or at the latest after DRAIN_MAX_MS. */
#define DRAIN_IDLE_MS 500
#define DRAIN_MAX_MS 5000

/* Where client stdin goes: the pty master, or the stdin pipe; -1 when it is not kept. */
static int stdin_target(const struct monitor *m)
{
    if (!m->opts->keep_stdin)
        return -1;
    return m->opts->tty ? m->pty.fd : m->stdin_fd;
}

static void close_stdin_pipe(struct monitor *m)
{
    if (m->stdin_fd >= 0)
        close(m->stdin_fd);
    m->stdin_fd = -1;
    m->pending_len = 0;
}

static void flush_stdin(struct monitor *m)
{
    int fd = stdin_target(m);
    if (fd < 0) {
        if (m->console_fd < 0) /* with --tty, keep it until the pty master arrives */
            m->pending_len = 0;
        return;
    }
    while (m->pending_len > 0) {
        ssize_t n = write(fd, m->pending, m->pending_len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && errno == EAGAIN)
            return;
        if (n < 0) { /* the child closed its stdin: drop what it will never read */
            if (!m->opts->tty)
                close_stdin_pipe(m);
            m->pending_len = 0;
            return;
        }
        memmove(m->pending, m->pending + n, m->pending_len - (size_t)n);
        m->pending_len -= (size_t)n;
    }
    if (m->stdin_closing && !m->opts->tty)
        close_stdin_pipe(m);
}

static void on_stdin(void *ctx, const char *data, size_t len)
{
    struct monitor *m = ctx;
    if (!m->opts->keep_stdin || m->stdin_closing)
        return;
    size_t room = sizeof m->pending - m->pending_len;
    if (len > room)
        len = room; /* cannot happen: clients are only read while 4 KiB are free */
    memcpy(m->pending + m->pending_len, data, len);
    m->pending_len += len;
    flush_stdin(m);
}

static void on_resize(void *ctx, unsigned rows, unsigned cols)
{
    struct monitor *m = ctx;
    m->rows = rows;
    m->cols = cols;
    if (m->pty.fd >= 0)
        pty_set_size(m->pty.fd, rows, cols);
}

/* A pty cannot be half-closed, so with --tty this is ignored (as docker refuses -t with piped stdin). */
static void on_close_stdin(void *ctx)
{
    struct monitor *m = ctx;
    if (m->opts->tty)
        return;
    m->stdin_closing = true;
    flush_stdin(m);
}

/* An attach client asked to start a --wait-start child: it is registered, so nothing is missed. */
static void on_start(void *ctx)
{
    struct monitor *m = ctx;
    if (m->gate_fd >= 0)
        close(m->gate_fd);
    m->gate_fd = -1;
}

static void close_stream(struct monitor *m, struct stream_state *s)
{
    log_flush(&m->log, &s->line);
    close(s->fd);
    s->fd = -1;
}

static void read_stream(struct monitor *m, struct stream_state *s)
{
    char buf[LOG_LINE_MAX];
    ssize_t n = read(s->fd, buf, sizeof buf);
    if (n < 0 && (errno == EINTR || errno == EAGAIN))
        return;
    if (n <= 0) { /* EOF; EIO on a pty master once every slave fd is closed */
        close_stream(m, s);
        return;
    }
    attach_broadcast(&m->attach, s->frame, buf, (size_t)n);
    log_feed(&m->log, &s->line, buf, (size_t)n);
}

/* The init's pty master arrives on the console socket: size it, then let the init go on. */
static void take_console(struct monitor *m)
{
    int master = recv_fd(m->console_fd);
    if (master >= 0) {
        m->pty.fd = fd_high(master);
        set_nonblock(m->pty.fd);
        pty_set_size(m->pty.fd, m->rows, m->cols);
        write_all(m->console_fd, "1", 1);
    }
    close(m->console_fd);
    m->console_fd = -1;
    flush_stdin(m);
}

/* The init's exec status pipe is closed (or given up on): its message, if any, goes to stderr,
   and a caller still waiting for the start is answered. */
static void finish_exec_status(struct monitor *m)
{
    close(m->exec_fd);
    m->exec_fd = -1;
    m->exec_error[m->exec_error_len] = '\0';
    const char *message = strchr(m->exec_error, ' ');
    if (message)
        dprintf(2, "berth-init: %s\n", message + 1);
    if (m->report_fd >= 0)
        monitor_report_start(m);
}

/* The init's exec status: nothing until EOF when the command was exec'd (close-on-exec), else
   "<code> <message>" before it exits with that code. */
static void read_exec_status(struct monitor *m)
{
    char buf[256];
    ssize_t n = read(m->exec_fd, buf, sizeof buf);
    if (n < 0 && (errno == EINTR || errno == EAGAIN))
        return;
    if (n > 0) {
        size_t keep = (size_t)n < EXEC_ERROR_MAX - m->exec_error_len ? (size_t)n : EXEC_ERROR_MAX - m->exec_error_len;
        memcpy(m->exec_error + m->exec_error_len, buf, keep);
        m->exec_error_len += keep;
        return;
    }
    finish_exec_status(m);
}

static void reap(struct monitor *m)
{
    struct signalfd_siginfo info;
    while (read(m->signal_fd, &info, sizeof info) > 0)
        ;
    int status;
    if (!m->reaped && waitpid(m->child, &status, WNOHANG) == m->child) {
        m->status = status;
        m->reaped = true;
        clock_gettime(CLOCK_REALTIME, &m->finished);
    }
}

static void add(struct pollfd *fds, int *n, int fd, short events)
{
    fds[*n].fd = fd;
    fds[*n].events = events;
    fds[*n].revents = 0;
    (*n)++;
}

static void serve(struct monitor *m)
{
    struct pollfd *fds = NULL;
    int cap = 0;
    long long drain_until = 0;
    struct attach_sink sink = {on_stdin, on_resize, on_close_stdin, on_start, m};
    struct stream_state *streams[3] = {&m->out, &m->err, &m->pty};
    for (;;) {
        bool open = m->out.fd >= 0 || m->err.fd >= 0 || m->pty.fd >= 0 || m->exec_fd >= 0;
        if (m->reaped && (!open || now_ms() >= drain_until))
            break;
        if (cap < 8 + m->attach.count) {
            cap = 16 + 2 * m->attach.count;
            if (!(fds = realloc(fds, (size_t)cap * sizeof *fds)))
                die("realloc");
        }
        int n = 0;
        add(fds, &n, m->signal_fd, POLLIN);
        for (int s = 0; s < 3; s++)
            add(fds, &n, streams[s]->fd, POLLIN);
        add(fds, &n, m->console_fd, POLLIN);
        add(fds, &n, m->attach.listen_fd, POLLIN);
        add(fds, &n, m->pending_len > 0 ? stdin_target(m) : -1, POLLOUT);
        add(fds, &n, m->exec_fd, POLLIN);
        int first_client = n;
        bool read_clients = sizeof m->pending - m->pending_len >= 4096;
        int clients = read_clients ? m->attach.count : 0;
        for (int i = 0; i < clients; i++)
            add(fds, &n, m->attach.clients[i].fd, POLLIN);

        long long left = drain_until - now_ms();
        int timeout = !m->reaped ? -1 : left < DRAIN_IDLE_MS ? (int)left : DRAIN_IDLE_MS;
        int ready = poll(fds, (nfds_t)n, timeout);
        if (ready < 0 && errno == EINTR)
            continue;
        if (ready < 0)
            die("poll");
        if (ready == 0 && m->reaped)
            break;

        if (fds[0].revents) {
            reap(m);
            if (m->reaped)
                drain_until = now_ms() + DRAIN_MAX_MS;
        }
        for (int s = 0; s < 3; s++)
            if (fds[1 + s].revents && streams[s]->fd >= 0)
                read_stream(m, streams[s]);
        if (fds[4].revents)
            take_console(m);
        if (fds[5].revents)
            attach_accept(&m->attach);
        if (fds[6].revents)
            flush_stdin(m);
        if (fds[7].revents)
            read_exec_status(m);
        for (int i = 0; i < clients; i++)
            if (fds[first_client + i].revents && sizeof m->pending - m->pending_len >= 4096)
                attach_read(&m->attach, i, &sink);
        attach_compact(&m->attach);
    }
    free(fds);
}

/* The exit record; with "execError" when the init could not exec the command. */
static void write_exit_file(const struct monitor *m, int code)
{
    static char json[256 + 6 * EXEC_ERROR_MAX], reason[6 * EXEC_ERROR_MAX + 32];
    char when[TIME_TEXT_MAX], signal_text[16] = "null";
    format_time(when, &m->finished);
    if (WIFSIGNALED(m->status))
        snprintf(signal_text, sizeof signal_text, "%d", WTERMSIG(m->status));
    const char *message = m->exec_error_len > 0 ? strchr(m->exec_error, ' ') : NULL;
    reason[0] = '\0';
    if (message) {
        memcpy(reason, ",\"execError\":\"", 14);
        size_t len = 14 + json_escape(reason + 14, (const unsigned char *)message + 1, strlen(message + 1));
        memcpy(reason + len, "\"", 2);
    }
    int len = snprintf(json, sizeof json, "{\"exitCode\":%d,\"signal\":%s,\"finishedAt\":\"%s\",\"oomKilled\":false%s}\n",
                       code, signal_text, when, reason);
    if (write_file_atomic(m->opts->exit_file, json, (size_t)len) < 0)
        dprintf(2, "berth-init: write %s: %s\n", m->opts->exit_file, strerror(errno));
}

/* Runs the exit command with /dev/null as stdio in its own session, and waits for it. */
static void run_exit_command(const struct monitor *m)
{
    pid_t pid = fork();
    if (pid == 0) {
        reset_signals();
        setsid();
        int null = open("/dev/null", O_RDWR);
        for (int fd = 0; fd < 3; fd++)
            dup2(null, fd);
        close_from(3);
        execvp(m->opts->exit_command.v[0], m->opts->exit_command.v);
        _exit(127);
    }
    if (pid > 0)
        while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
            ;
}

int monitor_run(struct monitor *m)
{
    serve(m);
    /* Output still open after the drain limit (a leaked writer): keep what was read. */
    struct stream_state *streams[3] = {&m->out, &m->err, &m->pty};
    for (int s = 0; s < 3; s++)
        if (streams[s]->fd >= 0)
            close_stream(m, streams[s]);
    close_stdin_pipe(m);
    on_start(m);
    if (m->console_fd >= 0)
        close(m->console_fd);
    if (m->exec_fd >= 0) /* held past the drain limit (an init without --exec-fd): it exec'd */
        finish_exec_status(m);
    int code = WIFEXITED(m->status) ? WEXITSTATUS(m->status) : 128 + WTERMSIG(m->status);
    if (m->opts->exit_file)
        write_exit_file(m, code);
    attach_finish(&m->attach, code);
    if (m->log.fd >= 0)
        close(m->log.fd);
    if (m->opts->exit_command.n > 0)
        run_exit_command(m);
    return code;
}
