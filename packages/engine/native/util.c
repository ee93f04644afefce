#include "util.h"

#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

int fail_fd = 2;

void fail(int err, const char *fmt, ...)
{
    char what[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    dprintf(fail_fd, "berth-init: %s: %s\n", what, strerror(err));
    _exit(EXIT_HELPER_FAILED);
}

int write_all(int fd, const void *buf, size_t len)
{
    const char *p = buf;
    while (len > 0) {
        ssize_t n = write(fd, p, len);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

int write_file_atomic(const char *path, const char *data, size_t len)
{
    char tmp[4096];
    if ((size_t)snprintf(tmp, sizeof tmp, "%s.tmp", path) >= sizeof tmp) {
        errno = ENAMETOOLONG;
        return -1;
    }
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0)
        return -1;
    if (write_all(fd, data, len) < 0 || fsync(fd) < 0) {
        int saved = errno;
        close(fd);
        unlink(tmp);
        errno = saved;
        return -1;
    }
    if (close(fd) < 0 || rename(tmp, path) < 0) {
        int saved = errno;
        unlink(tmp);
        errno = saved;
        return -1;
    }
    return 0;
}

void join_cgroups(char *const *files, int count, pid_t pid)
{
    char text[24];
    int len = snprintf(text, sizeof text, "%d\n", (int)pid);
    for (int i = 0; i < count; i++) {
        int fd = open(files[i], O_WRONLY | O_CLOEXEC);
        if (fd < 0)
            die("open %s", files[i]);
        if (write_all(fd, text, (size_t)len) < 0)
            die("join cgroup %s", files[i]);
        close(fd);
    }
}

int fd_high(int fd)
{
    if (fd >= 10) {
        if (fcntl(fd, F_SETFD, FD_CLOEXEC) < 0)
            die("fcntl");
        return fd;
    }
    int moved = fcntl(fd, F_DUPFD_CLOEXEC, 10);
    if (moved < 0)
        die("fcntl F_DUPFD");
    close(fd);
    return moved;
}

int devnull_high(int flags)
{
    int fd = open("/dev/null", flags | O_CLOEXEC);
    if (fd < 0)
        die("open /dev/null");
    return fd_high(fd);
}

void close_from(int lowest)
{
    if (syscall(SYS_close_range, (unsigned)lowest, ~0U, 0) == 0)
        return;
    long max = sysconf(_SC_OPEN_MAX);
    for (long fd = lowest; fd < (max > 0 ? max : 65536); fd++)
        close((int)fd);
}

void set_nonblock(int fd)
{
    int flags = fcntl(fd, F_GETFL);
    if (flags < 0 || fcntl(fd, F_SETFL, flags | O_NONBLOCK) < 0)
        die("fcntl O_NONBLOCK");
}

void reset_signals(void)
{
    static const int changed[] = {SIGHUP, SIGINT, SIGTERM, SIGPIPE, SIGCHLD, SIGQUIT, SIGUSR1, SIGUSR2, SIGWINCH};
    for (size_t i = 0; i < sizeof changed / sizeof changed[0]; i++)
        signal(changed[i], SIG_DFL);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
}

long long parse_num(const char *opt, const char *text, long long min, long long max)
{
    char *end;
    errno = 0;
    long long value = strtoll(text, &end, 10);
    if (errno != 0 || end == text || *end != '\0' || value < min || value > max)
        fail(EINVAL, "%s %s", opt, text);
    return value;
}

void format_time(char out[TIME_TEXT_MAX], const struct timespec *ts)
{
    struct tm tm;
    gmtime_r(&ts->tv_sec, &tm);
    size_t len = strftime(out, TIME_TEXT_MAX, "%Y-%m-%dT%H:%M:%S", &tm);
    long nsec = ts->tv_nsec;
    if (nsec > 0) {
        int digits = 9;
        while (nsec % 10 == 0) {
            nsec /= 10;
            digits--;
        }
        len += (size_t)snprintf(out + len, TIME_TEXT_MAX - len, ".%0*ld", digits, nsec);
    }
    snprintf(out + len, TIME_TEXT_MAX - len, "Z");
}

void strv_push(struct strv *list, char *item)
{
    if (list->n + 2 > list->cap) {
        int cap = list->cap ? list->cap * 2 : 8;
        char **grown = realloc(list->v, (size_t)cap * sizeof *grown);
        if (!grown)
            die("realloc");
        list->v = grown;
        list->cap = cap;
    }
    list->v[list->n++] = item;
    list->v[list->n] = NULL;
}

char *option_value(int argc, char **argv, int *i)
{
    if (*i + 1 >= argc)
        fail(EINVAL, "option %s needs a value", argv[*i]);
    *i += 1;
    return argv[*i];
}

void make_dirs(const char *path)
{
    char *copy = strdup(path);
    if (!copy)
        die("strdup");
    for (char *p = copy + 1;; p++) {
        if (*p == '/' || *p == '\0') {
            char saved = *p;
            *p = '\0';
            if (mkdir(copy, 0755) < 0 && errno != EEXIST)
                die("mkdir %s", copy);
            *p = saved;
            if (saved == '\0')
                break;
        }
    }
    free(copy);
}

long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}
