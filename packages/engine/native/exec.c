/* `berth-init exec --target PID …`: joins a running container (cgroups, namespaces, root) and runs
   a command there with the same privilege logic as `init`. */
#include "exec.h"

#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "privs.h"
#include "tty.h"

/* mnt last: after it, the host's /proc is out of sight. */
static const char *const namespaces[] = {"cgroup", "ipc", "uts", "net", "pid", "mnt"};
#define NAMESPACE_COUNT (int)(sizeof namespaces / sizeof namespaces[0])

static volatile sig_atomic_t child_pid;
static volatile sig_atomic_t winch;

static void forward_signal(int sig)
{
    if (child_pid > 0)
        kill(child_pid, sig);
}

static void note_winch(int sig)
{
    (void)sig;
    winch = 1;
}

/* The target's namespace, or -1 when the caller already is in it. */
static int open_namespace(pid_t target, const char *name)
{
    char path[64], own[64];
    struct stat theirs, mine;
    snprintf(path, sizeof path, "/proc/%d/ns/%s", (int)target, name);
    snprintf(own, sizeof own, "/proc/self/ns/%s", name);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        die("open %s", path);
    if (fstat(fd, &theirs) == 0 && stat(own, &mine) == 0 && theirs.st_ino == mine.st_ino && theirs.st_dev == mine.st_dev) {
        close(fd);
        return -1;
    }
    return fd;
}

/* Applies each `ROWS COLS\n` line read from the resize fd; false once that fd is closed. */
static bool apply_resizes(int fd, int master, char *pending, size_t *used, size_t size)
{
    ssize_t n = read(fd, pending + *used, size - *used - 1);
    if (n < 0 && errno == EINTR)
        return true;
    if (n <= 0)
        return false;
    *used += (size_t)n;
    pending[*used] = '\0';
    char *line = pending, *end;
    while ((end = strchr(line, '\n')) != NULL) {
        unsigned rows, cols;
        if (sscanf(line, "%u %u", &rows, &cols) == 2) {
            struct winsize ws = {.ws_row = (unsigned short)rows, .ws_col = (unsigned short)cols};
            ioctl(master, TIOCSWINSZ, &ws);
        }
        line = end + 1;
    }
    *used = strlen(line);
    memmove(pending, line, *used);
    if (*used == size - 1)
        *used = 0; /* a line too long to be a size: dropped */
    return true;
}

/* Copies between the caller's stdio and the pty master until the master reports the slave gone. */
static void proxy_tty(int master, int resize_fd)
{
    bool stdin_open = true;
    char buf[16384], sizes[64];
    size_t sizes_used = 0;
    for (;;) {
        if (winch) {
            winch = 0;
            struct winsize ws;
            if (ioctl(0, TIOCGWINSZ, &ws) == 0)
                ioctl(master, TIOCSWINSZ, &ws);
        }
        struct pollfd fds[3] = {{.fd = master, .events = POLLIN}, {.fd = stdin_open ? 0 : -1, .events = POLLIN},
                                {.fd = resize_fd, .events = POLLIN}};
        if (poll(fds, 3, -1) < 0) {
            if (errno == EINTR)
                continue;
            die("poll");
        }
        if (fds[0].revents) {
            ssize_t n = read(master, buf, sizeof buf);
            if (n < 0 && errno == EINTR)
                continue;
            if (n <= 0)
                return;
            write_all(1, buf, (size_t)n);
        }
        /* Sizes before input: a size sent before a keystroke is in place when the process reads it. */
        if (fds[2].revents && !apply_resizes(resize_fd, master, sizes, &sizes_used, sizeof sizes)) {
            close(resize_fd);
            resize_fd = -1;
        }
        if (fds[1].revents) {
            ssize_t n = read(0, buf, sizeof buf);
            if (n < 0 && errno == EINTR)
                continue;
            if (n <= 0 || write_all(master, buf, (size_t)n) < 0)
                stdin_open = false;
        }
    }
}

static noreturn void run_exec_child(struct proc_opts *opts, char **argv, const int *cgroups, int cgroup_count,
                                    int master, const char *slave)
{
    reset_signals();
    char pid_text[24];
    int len = snprintf(pid_text, sizeof pid_text, "%d\n", (int)getpid());
    for (int i = 0; i < cgroup_count; i++)
        if (write_all(cgroups[i], pid_text, (size_t)len) < 0)
            die("join cgroup");
    if (master >= 0) {
        close(master);
        pty_become_stdio(slave);
    } else if (setsid() < 0) {
        die("setsid");
    }
    char **env = proc_env(opts);
    proc_apply(opts);
    proc_exec(argv, env);
}

int cmd_exec(int argc, char **argv)
{
    struct proc_opts opts;
    proc_opts_init(&opts);
    pid_t target = 0;
    bool tty = false;
    struct winsize tty_size = {0};
    int resize_fd = -1;
    struct strv cgroup_files = {0};
    int i = 1;
    for (; i < argc && strncmp(argv[i], "--", 2) == 0; i++) {
        if (strcmp(argv[i], "--") == 0) {
            i++;
            break;
        }
        if (proc_opts_parse(&opts, argc, argv, &i))
            continue;
        if (strcmp(argv[i], "--target") == 0)
            target = (pid_t)parse_num("--target", option_value(argc, argv, &i), 1, 1 << 30);
        else if (strcmp(argv[i], "--cgroup-procs") == 0)
            strv_push(&cgroup_files, option_value(argc, argv, &i));
        else if (strcmp(argv[i], "--tty") == 0)
            tty = true;
        else if (strcmp(argv[i], "--tty-size") == 0) {
            const char *size = option_value(argc, argv, &i);
            unsigned rows, cols;
            char extra;
            if (sscanf(size, "%u,%u%c", &rows, &cols, &extra) != 2 || rows == 0 || cols == 0 || rows > 65535 || cols > 65535)
                fail(EINVAL, "exec: invalid --tty-size %s (want ROWS,COLS)", size);
            tty_size = (struct winsize){.ws_row = (unsigned short)rows, .ws_col = (unsigned short)cols};
        } else if (strcmp(argv[i], "--resize-fd") == 0)
            resize_fd = (int)parse_num("--resize-fd", option_value(argc, argv, &i), 3, 1 << 20);
        else
            fail(EINVAL, "exec: unknown option %s", argv[i]);
    }
    if (target == 0)
        fail(EINVAL, "exec: --target is required");
    if (i >= argc)
        fail(EINVAL, "exec: no command given");

    /* Everything on the host side is opened first: cgroup files, namespaces, the target's root. */
    int *cgroups = calloc((size_t)cgroup_files.n + 1, sizeof *cgroups);
    if (!cgroups)
        die("calloc");
    for (int c = 0; c < cgroup_files.n; c++)
        if ((cgroups[c] = open(cgroup_files.v[c], O_WRONLY | O_CLOEXEC)) < 0)
            die("open %s", cgroup_files.v[c]);
    int ns[NAMESPACE_COUNT];
    for (int n = 0; n < NAMESPACE_COUNT; n++)
        ns[n] = open_namespace(target, namespaces[n]);
    char root_path[64];
    snprintf(root_path, sizeof root_path, "/proc/%d/root", (int)target);
    int root = open(root_path, O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (root < 0)
        die("open %s", root_path);

    for (int n = 0; n < NAMESPACE_COUNT; n++) {
        if (ns[n] >= 0 && setns(ns[n], 0) < 0)
            die("enter %s namespace of %d", namespaces[n], (int)target);
        if (ns[n] >= 0)
            close(ns[n]);
    }
    /* Entering mnt put us at its root mount; the target may sit deeper (pivot_root, chroot). */
    if (fchdir(root) < 0 || chroot(".") < 0 || chdir("/") < 0)
        die("enter the root of %d", (int)target);
    close(root);

    char slave[64] = "";
    int master = tty ? pty_open_master(slave, sizeof slave) : -1;
    if (master >= 0 && tty_size.ws_row > 0) {
        ioctl(master, TIOCSWINSZ, &tty_size);
    } else if (master >= 0 && isatty(0)) {
        struct winsize ws;
        if (ioctl(0, TIOCGWINSZ, &ws) == 0)
            ioctl(master, TIOCSWINSZ, &ws);
    }
    if (resize_fd >= 0 && fcntl(resize_fd, F_SETFD, FD_CLOEXEC) < 0)
        die("resize fd %d", resize_fd);
    pid_t pid = fork(); /* the child is the one in the target's pid namespace */
    if (pid < 0)
        die("fork");
    if (pid == 0)
        run_exec_child(&opts, argv + i, cgroups, cgroup_files.n, master, slave);
    child_pid = pid;
    for (int c = 0; c < cgroup_files.n; c++)
        close(cgroups[c]);
    struct sigaction forward = {.sa_handler = forward_signal, .sa_flags = SA_RESTART};
    static const int forwarded[] = {SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGUSR1, SIGUSR2};
    for (size_t s = 0; s < sizeof forwarded / sizeof forwarded[0]; s++)
        sigaction(forwarded[s], &forward, NULL);
    if (master >= 0) {
        struct sigaction on_winch = {.sa_handler = note_winch};
        sigaction(SIGWINCH, &on_winch, NULL);
        signal(SIGPIPE, SIG_IGN);
        proxy_tty(master, resize_fd);
        close(master);
    }
    int status;
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR)
            die("waitpid");
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}
