/* The per-container supervisor: holds the process's stdio, logs it, serves attach, records the exit. */
#ifndef BERTH_MONITOR_H
#define BERTH_MONITOR_H

#include <stdbool.h>
#include <sys/types.h>
#include <time.h>

#include "attach.h"
#include "log.h"
#include "util.h"

struct monitor_opts {
    const char *exit_file, *pid_file, *monitor_pid_file, *log_file, *attach_socket;
    long long log_max_size;
    int log_max_files;
    struct strv cgroup_procs, monitor_cgroup_procs;
    bool tty, keep_stdin, detach, pidns;
    struct strv exit_command; /* argv: --exit-command then each --exit-arg */
    bool wait_start;          /* the child waits for an attach client with start=1 */
    int ready_fd;             /* -1 when not given */
    int exec_fd;              /* --exec-fd: the child's fd for the exec status pipe; -1 when not given */
    char **argv;
};

struct stream_state {
    int fd; /* -1 once closed */
    enum frame_type frame;
    struct log_line line;
};

/* Stdin bytes from clients that the child has not taken yet. */
#define PENDING_STDIN_MAX (64 * 1024)
/* The longest exec failure kept ("<code> exec: ..."); the rest is dropped. */
#define EXEC_ERROR_MAX 1024

struct monitor {
    const struct monitor_opts *opts;
    pid_t child;
    int status;
    bool reaped;
    struct timespec finished;
    struct stream_state out, err, pty;
    int console_fd; /* our end of the console socket, until the pty master arrives */
    int stdin_fd;   /* write end of the child's stdin pipe (without --tty), or -1 */
    int gate_fd;    /* with --wait-start: closing it lets the child exec; -1 once open */
    int exec_fd;    /* read end of the exec status pipe until its EOF, or -1 */
    size_t exec_error_len;
    char exec_error[EXEC_ERROR_MAX + 1]; /* what the init wrote there: "<code> <message>", or empty */
    int report_fd;  /* with --detach: the caller's report, while it waits for the exec status; else -1 */
    bool stdin_closing;
    size_t pending_len;
    char pending[PENDING_STDIN_MAX];
    unsigned rows, cols;
    int signal_fd;
    struct log_writer log;
    struct attach_server attach;
};

int cmd_monitor(int argc, char **argv);
/* With --detach: tells the caller the monitor's pid (it prints it and exits 0), or, when the
   init could not exec the command, that code (it exits with it); then closes the monitor's stdio. */
void monitor_report_start(struct monitor *m);
/* Serves the child until it has exited and its output is drained; then writes the exit file,
   tells attached clients, runs the exit command. Returns the exit code (128+N for signal N). */
int monitor_run(struct monitor *m);

#endif
