/* Small shared helpers: failing loudly, fds, atomic files, numbers, times, string lists. */
#ifndef BERTH_UTIL_H
#define BERTH_UTIL_H

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdnoreturn.h>
#include <sys/types.h>
#include <time.h>

#define EXIT_HELPER_FAILED 125

/* Where fail() writes (stderr, or a sync pipe in a child before exec) and how it exits. */
extern int fail_fd;

/* Prints "berth-init: <what>: <strerror(err)>" on fail_fd and exits 125. */
noreturn void fail(int err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
#define die(...) fail(errno, __VA_ARGS__)

/* Writes all of buf (retrying on EINTR and short writes); 0 or -1 with errno. */
int write_all(int fd, const void *buf, size_t len);
/* Writes path.tmp, fsyncs it and renames it over path; 0 or -1 with errno. */
int write_file_atomic(const char *path, const char *data, size_t len);
/* Appends the decimal pid to each file (a cgroup's cgroup.procs); dies on error. */
void join_cgroups(char *const *files, int count, pid_t pid);

/* Moves fd to a number >= 10 with FD_CLOEXEC, closing the original; dies on error. */
int fd_high(int fd);
/* Opens /dev/null at a number >= 10; dies on error. */
int devnull_high(int flags);
/* Closes every fd >= lowest. */
void close_from(int lowest);
/* Makes fd non-blocking; dies on error. */
void set_nonblock(int fd);
/* Resets the signal mask and the dispositions the monitor changed, for a child about to exec. */
void reset_signals(void);

/* mkdir -p of an absolute path, mode 0755 (docker's WORKDIR, mount points); dies on error. */
void make_dirs(const char *path);

/* Parses a decimal in [min, max] for option opt; dies with EINVAL otherwise. */
long long parse_num(const char *opt, const char *text, long long min, long long max);

/* CLOCK_MONOTONIC in milliseconds. */
long long now_ms(void);

/* RFC 3339 with nanoseconds in UTC, trailing zeros trimmed like Go's RFC3339Nano. */
#define TIME_TEXT_MAX 40
void format_time(char out[TIME_TEXT_MAX], const struct timespec *ts);

/* A growable NULL-terminated array of strings (argv, env, file lists). */
struct strv {
    char **v;
    int n;
    int cap;
};
void strv_push(struct strv *list, char *item);

/* Returns argv[*i + 1] for option argv[*i] and advances *i; dies if it is missing. */
char *option_value(int argc, char **argv, int *i);

#endif
