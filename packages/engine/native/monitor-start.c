/* `berth-init monitor`: options, detaching from the caller, and starting the child. */
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "monitor.h"
#include "tty.h"

static struct monitor monitor; /* large (line buffers): keep it off the stack */

/* The monitor runs from /, so paths given relative to the caller's directory are made absolute. */
static char *absolute(char *path)
{
    static char cwd[4096];
    if (path[0] == '/')
        return path;
    if (!cwd[0] && !getcwd(cwd, sizeof cwd))
        die("getcwd");
    char *full = malloc(strlen(cwd) + strlen(path) + 2);
    if (!full)
        die("malloc");
    sprintf(full, "%s/%s", cwd, path);
    return full;
}

static void parse_options(struct monitor_opts *o, int argc, char **argv)
{
    memset(o, 0, sizeof *o);
    o->log_max_size = 10 * 1024 * 1024;
    o->log_max_files = 3;
    o->ready_fd = -1;
    o->exec_fd = -1;
    int i = 1;
    for (; i < argc; i++) {
        const char *opt = argv[i];
        if (strcmp(opt, "--") == 0) {
            i++;
            break;
        }
        if (strcmp(opt, "--exit-file") == 0)
            o->exit_file = absolute(option_value(argc, argv, &i));
        else if (strcmp(opt, "--pid-file") == 0)
            o->pid_file = absolute(option_value(argc, argv, &i));
        else if (strcmp(opt, "--monitor-pid-file") == 0)
            o->monitor_pid_file = absolute(option_value(argc, argv, &i));
        else if (strcmp(opt, "--log-file") == 0)
            o->log_file = absolute(option_value(argc, argv, &i));
        else if (strcmp(opt, "--log-max-size") == 0)
            o->log_max_size = parse_num(opt, option_value(argc, argv, &i), 0, 1LL << 50);
        else if (strcmp(opt, "--log-max-files") == 0)
            o->log_max_files = (int)parse_num(opt, option_value(argc, argv, &i), 1, 1000);
        else if (strcmp(opt, "--cgroup-procs") == 0)
            strv_push(&o->cgroup_procs, absolute(option_value(argc, argv, &i)));
        else if (strcmp(opt, "--monitor-cgroup-procs") == 0)
            strv_push(&o->monitor_cgroup_procs, absolute(option_value(argc, argv, &i)));
        else if (strcmp(opt, "--tty") == 0)
            o->tty = true;
        else if (strcmp(opt, "--attach-socket") == 0)
            o->attach_socket = absolute(option_value(argc, argv, &i));
        else if (strcmp(opt, "--stdin") == 0)
            o->keep_stdin = true;
        else if (strcmp(opt, "--detach") == 0)
            o->detach = true;
        else if (strcmp(opt, "--pidns") == 0)
            o->pidns = true;
        else if (strcmp(opt, "--exit-command") == 0) {
            if (o->exit_command.n > 0)
                fail(EINVAL, "--exit-command given twice");
            strv_push(&o->exit_command, option_value(argc, argv, &i));
        } else if (strcmp(opt, "--exit-arg") == 0) {
            if (o->exit_command.n == 0)
                fail(EINVAL, "--exit-arg before --exit-command");
            strv_push(&o->exit_command, option_value(argc, argv, &i));
        } else if (strcmp(opt, "--ready-fd") == 0)
            o->ready_fd = (int)parse_num(opt, option_value(argc, argv, &i), 0, 1 << 20);
        else if (strcmp(opt, "--exec-fd") == 0)
            o->exec_fd = (int)parse_num(opt, option_value(argc, argv, &i), 3, 9);
        else if (strcmp(opt, "--wait-start") == 0)
            o->wait_start = true;
        else
            fail(EINVAL, "monitor: unknown option %s", opt);
    }
    if (i >= argc)
        fail(EINVAL, "monitor: no command given");
    if (o->wait_start && !o->attach_socket)
        fail(EINVAL, "monitor: --wait-start needs --attach-socket");
    if (o->tty && o->exec_fd == 3)
        fail(EINVAL, "monitor: --exec-fd 3 is the console socket's with --tty");
    o->argv = argv + i;
}

/* Double fork with setsid in between. The caller's process waits for the monitor's report: its
   pid (sent once the child runs), which it prints and exits 0, or "exit N" (the init could not
   exec the command), which it exits with; it exits 125 when the monitor failed to start. The
   monitor has printed why on the shared stderr. Returns, in the monitor, the report fd. */
static int detach(void)
{
    int report[2];
    if (pipe2(report, O_CLOEXEC) < 0)
        die("pipe");
    pid_t middle = fork();
    if (middle < 0)
        die("fork");
    if (middle > 0) {
        close(report[1]);
        while (waitpid(middle, NULL, 0) < 0 && errno == EINTR)
            ;
        char line[32];
        size_t len = 0;
        for (ssize_t n; len < sizeof line && (n = read(report[0], line + len, sizeof line - len)) != 0;) {
            if (n < 0 && errno == EINTR)
                continue;
            if (n < 0)
                break;
            len += (size_t)n;
            if (memchr(line, '\n', len))
                break;
        }
        if (len < 2 || !memchr(line, '\n', len))
            _exit(EXIT_HELPER_FAILED);
        if (strncmp(line, "exit ", 5) == 0) {
            int code = atoi(line + 5); /* digits up to the newline */
            _exit(code > 0 && code < 256 ? code : EXIT_HELPER_FAILED);
        }
        write_all(1, line, (size_t)((char *)memchr(line, '\n', len) - line) + 1);
        _exit(0);
    }
    close(report[0]);
    if (setsid() < 0)
        die("setsid");
    pid_t monitor_pid = fork();
    if (monitor_pid < 0)
        die("fork");
    if (monitor_pid > 0)
        _exit(0);
    return fd_high(report[1]);
}

/* Writes pid to path (if given); on failure kills victim (if any) and dies. */
static void write_pid_file(const char *path, pid_t pid, pid_t victim)
{
    char text[24];
    int len = snprintf(text, sizeof text, "%d", (int)pid);
    if (path && write_file_atomic(path, text, (size_t)len) < 0) {
        int err = errno;
        if (victim > 0)
            kill(victim, SIGKILL);
        fail(err, "write %s", path);
    }
}

/* In the child: stdio, console socket and exec status pipe in place, cgroups joined (errors go to
   the sync pipe, which is closed once joined), then the start gate (EOF once the monitor lets
   go), then exec. */
static noreturn void run_child(const struct monitor_opts *o, const int stdio[3], int console, int exec_status, int sync, int start)
{
    reset_signals();
    if (setsid() < 0)
        die("setsid");
    for (int fd = 0; fd < 3; fd++)
        if (dup2(stdio[fd], fd) < 0)
            die("dup2");
    int next = 3;
    if (console >= 0 && dup2(console, next++) < 0)
        die("dup2");
    if (exec_status >= 0) {
        if (dup2(exec_status, o->exec_fd) < 0)
            die("dup2");
        next = o->exec_fd >= next ? o->exec_fd + 1 : next;
    }
    int sync_at = next++;
    if (dup2(sync, sync_at) < 0)
        die("dup2");
    int start_at = start >= 0 ? next++ : -1;
    if (start >= 0 && dup2(start, start_at) < 0)
        die("dup2");
    close_from(next);
    fail_fd = sync_at;
    join_cgroups(o->cgroup_procs.v, o->cgroup_procs.n, getpid());
    close(sync_at);
    fail_fd = 2;
    if (start_at >= 0) {
        char go;
        while (read(start_at, &go, 1) < 0 && errno == EINTR)
            ;
        close(start_at);
    }
    execvp(o->argv[0], o->argv);
    dprintf(2, "berth-init: exec %s: %s\n", o->argv[0], strerror(errno));
    _exit(errno == ENOENT ? 127 : 126);
}

/* fork() whose child is PID 1 of a new pid namespace. The monitor itself stays where it is, and
   so do its later children (the exit command): it returns to its own pid namespace for them. */
static pid_t fork_in_new_pidns(void)
{
    int own = open("/proc/self/ns/pid", O_RDONLY | O_CLOEXEC);
    if (own < 0)
        die("open /proc/self/ns/pid");
    if (unshare(CLONE_NEWPID) < 0)
        die("unshare a pid namespace");
    pid_t pid = fork();
    if (pid != 0) {
        int err = errno;
        if (setns(own, CLONE_NEWPID) < 0)
            die("return to the monitor's pid namespace");
        close(own);
        errno = err;
    }
    return pid;
}

static int make_pipe(int ends[2])
{
    if (pipe2(ends, O_CLOEXEC) < 0)
        die("pipe");
    ends[0] = fd_high(ends[0]);
    ends[1] = fd_high(ends[1]);
    return 0;
}

/* Starts the child; fills the monitor's side of its stdio. Returns the sync pipe's read end. */
static int start_child(struct monitor *m, const struct monitor_opts *o)
{
    int out[2], err[2], in[2] = {-1, -1}, console[2] = {-1, -1}, sync[2], gate[2] = {-1, -1}, exec[2] = {-1, -1};
    if (o->wait_start)
        make_pipe(gate);
    if (o->exec_fd >= 0)
        make_pipe(exec);
    make_pipe(out);
    make_pipe(err);
    make_pipe(sync);
    if (o->keep_stdin && !o->tty)
        make_pipe(in);
    else
        in[0] = devnull_high(O_RDONLY);
    if (o->tty) {
        if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, console) < 0)
            die("socketpair");
        console[0] = fd_high(console[0]);
        console[1] = fd_high(console[1]);
    }
    pid_t pid = o->pidns ? fork_in_new_pidns() : fork();
    if (pid < 0)
        die("fork");
    if (pid == 0) {
        int stdio[3] = {in[0], out[1], err[1]};
        run_child(o, stdio, console[1], exec[1], sync[1], gate[0]);
    }
    if (exec[1] >= 0)
        close(exec[1]);
    close(out[1]);
    close(err[1]);
    close(sync[1]);
    close(in[0]);
    if (console[1] >= 0)
        close(console[1]);
    if (gate[0] >= 0)
        close(gate[0]);
    m->gate_fd = gate[1];
    m->exec_fd = exec[0];
    m->child = pid;
    m->out.fd = out[0];
    m->err.fd = err[0];
    m->stdin_fd = in[1];
    m->console_fd = console[0];
    set_nonblock(m->out.fd);
    set_nonblock(m->err.fd);
    if (m->stdin_fd >= 0)
        set_nonblock(m->stdin_fd);
    if (m->exec_fd >= 0)
        set_nonblock(m->exec_fd);
    return sync[0];
}

/* Waits until the child has joined its cgroups; on failure prints its reason and exits 125. */
static void await_child_setup(struct monitor *m, int sync)
{
    char reason[1024];
    size_t len = 0;
    for (ssize_t n; len < sizeof reason && (n = read(sync, reason + len, sizeof reason - len)) != 0;) {
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            break;
        len += (size_t)n;
    }
    close(sync);
    if (len == 0)
        return;
    write_all(2, reason, len);
    while (waitpid(m->child, NULL, 0) < 0 && errno == EINTR)
        ;
    attach_finish(&m->attach, EXIT_HELPER_FAILED);
    _exit(EXIT_HELPER_FAILED);
}

int cmd_monitor(int argc, char **argv)
{
    static struct monitor_opts opts;
    parse_options(&opts, argc, argv);
    int report = opts.detach ? detach() : -1;
    if (chdir("/") < 0)
        die("chdir /");
    if (opts.ready_fd >= 0)
        opts.ready_fd = fd_high(opts.ready_fd);

    /* Signals are for the container (sent to its pid by the engine), not for its monitor. */
    signal(SIGHUP, SIG_IGN);
    signal(SIGINT, SIG_IGN);
    signal(SIGTERM, SIG_IGN);
    signal(SIGPIPE, SIG_IGN);
    sigset_t chld;
    sigemptyset(&chld);
    sigaddset(&chld, SIGCHLD);
    if (sigprocmask(SIG_BLOCK, &chld, NULL) < 0)
        die("sigprocmask");
    struct monitor *m = &monitor;
    m->opts = &opts;
    m->signal_fd = signalfd(-1, &chld, SFD_CLOEXEC | SFD_NONBLOCK);
    if (m->signal_fd < 0)
        die("signalfd");
    m->signal_fd = fd_high(m->signal_fd);

    join_cgroups(opts.monitor_cgroup_procs.v, opts.monitor_cgroup_procs.n, getpid());
    write_pid_file(opts.monitor_pid_file, getpid(), 0);
    log_open(&m->log, opts.log_file, opts.log_max_size, opts.log_max_files);
    attach_listen(&m->attach, opts.attach_socket);
    m->out.frame = m->pty.frame = FRAME_STDOUT;
    m->out.line.stream = m->pty.line.stream = STREAM_STDOUT;
    m->err.frame = FRAME_STDERR;
    m->err.line.stream = STREAM_STDERR;
    m->pty.fd = -1;

    int sync = start_child(m, &opts);
    write_pid_file(opts.pid_file, m->child, m->child);
    await_child_setup(m, sync);
    if (opts.ready_fd >= 0) {
        write_all(opts.ready_fd, "1", 1);
        close(opts.ready_fd);
    }
    m->report_fd = report;
    /* Like runc start: a detached start is reported once the command runs (or could not). */
    if (report >= 0 && (m->exec_fd < 0 || opts.wait_start))
        monitor_report_start(m);
    return monitor_run(m);
}

void monitor_report_start(struct monitor *m)
{
    int null = devnull_high(O_RDWR);
    for (int fd = 0; fd < 3; fd++)
        dup2(null, fd);
    close(null);
    int code = m->exec_error_len > 0 ? atoi(m->exec_error) : 0;
    if (code > 0)
        dprintf(m->report_fd, "exit %d\n", code);
    else
        dprintf(m->report_fd, "%d\n", (int)getpid());
    close(m->report_fd);
    m->report_fd = -1;
}
