#include "privs.h"

#include <ctype.h>
#include <fcntl.h>
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "caps.h"
#include "setup.h"
#include "seccomp.h"
#include "tty.h"

extern char **environ;

#define DEFAULT_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

void proc_opts_init(struct proc_opts *opts)
{
    memset(opts, 0, sizeof *opts);
    opts->caps = DOCKER_DEFAULT_CAPS;
}

static void parse_groups(struct proc_opts *opts, const char *text)
{
    opts->group_count = 0;
    for (const char *p = text; *p; p++)
        opts->group_count += *p == ',';
    opts->groups = calloc((size_t)opts->group_count + 1, sizeof *opts->groups);
    if (!opts->groups)
        die("calloc");
    opts->group_count = 0;
    char *copy = strdup(text), *save = NULL;
    if (!copy)
        die("strdup");
    for (char *g = strtok_r(copy, ",", &save); g; g = strtok_r(NULL, ",", &save))
        opts->groups[opts->group_count++] = (gid_t)parse_num("--groups", g, 0, 0xfffffffe);
    free(copy);
}

bool proc_opts_parse(struct proc_opts *opts, int argc, char **argv, int *i)
{
    const char *opt = argv[*i];
    if (strcmp(opt, "--uid") == 0) {
        opts->uid = (uid_t)parse_num(opt, option_value(argc, argv, i), 0, 0xfffffffe);
        opts->has_uid = true;
    } else if (strcmp(opt, "--gid") == 0) {
        opts->gid = (gid_t)parse_num(opt, option_value(argc, argv, i), 0, 0xfffffffe);
        opts->has_gid = true;
    } else if (strcmp(opt, "--groups") == 0) {
        parse_groups(opts, option_value(argc, argv, i));
    } else if (strcmp(opt, "--caps") == 0) {
        opts->caps = caps_parse(option_value(argc, argv, i));
    } else if (strcmp(opt, "--no-new-privs") == 0) {
        opts->no_new_privs = true;
    } else if (strcmp(opt, "--cwd") == 0) {
        opts->cwd = option_value(argc, argv, i);
    } else if (strcmp(opt, "--clear-env") == 0) {
        opts->clear_env = true;
    } else if (strcmp(opt, "--env-file") == 0) {
        opts->env_file = option_value(argc, argv, i);
    } else if (strcmp(opt, "--env") == 0) {
        char *entry = option_value(argc, argv, i);
        if (!strchr(entry, '=') || entry[0] == '=')
            fail(EINVAL, "--env %s: want KEY=VALUE", entry);
        strv_push(&opts->env, entry);
    } else if (strcmp(opt, "--seccomp") == 0) {
        const char *profile = option_value(argc, argv, i);
        if (strcmp(profile, "default") != 0 && strcmp(profile, "unconfined") != 0)
            fail(EINVAL, "--seccomp %s: want default or unconfined", profile);
        opts->seccomp_default = strcmp(profile, "default") == 0;
    } else if (strcmp(opt, "--seccomp-caps") == 0) {
        opts->seccomp_caps = caps_parse(option_value(argc, argv, i));
        opts->has_seccomp_caps = true;
    } else if (strcmp(opt, "--unlink-self") == 0) {
        opts->unlink_self = option_value(argc, argv, i);
    } else {
        return false;
    }
    return true;
}

/* Adds entry, replacing an earlier one with the same key. */
static void env_set(struct strv *env, char *entry)
{
    size_t key = (size_t)(strchr(entry, '=') - entry) + 1;
    for (int i = 0; i < env->n; i++) {
        if (strncmp(env->v[i], entry, key) == 0) {
            env->v[i] = entry;
            return;
        }
    }
    strv_push(env, entry);
}

/* Entries of a NUL-separated KEY=VALUE file (the layout of /proc/<pid>/environ). */
static void env_read_file(struct strv *env, const char *path)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) < 0)
        die("open env file %s", path);
    char *data = malloc((size_t)st.st_size + 1);
    if (!data)
        die("malloc");
    size_t have = 0;
    for (ssize_t n; have < (size_t)st.st_size; have += (size_t)n)
        if ((n = read(fd, data + have, (size_t)st.st_size - have)) <= 0)
            die("read env file %s", path);
    close(fd);
    data[have] = '\0';
    for (size_t off = 0; off < have; off += strlen(data + off) + 1) {
        char *entry = data + off;
        if (entry[0] == '\0')
            continue;
        if (!strchr(entry, '=') || entry[0] == '=')
            fail(EINVAL, "env file %s: entry %s: want KEY=VALUE", path, entry);
        env_set(env, entry);
    }
}

char **proc_env(const struct proc_opts *opts)
{
    struct strv env = {0};
    strv_push(&env, NULL); /* an empty list is still a valid array */
    env.n = 0;
    if (!opts->clear_env && !opts->env_file)
        for (char **e = environ; *e; e++)
            if (strchr(*e, '='))
                env_set(&env, *e);
    if (opts->env_file)
        env_read_file(&env, opts->env_file);
    for (int i = 0; i < opts->env.n; i++)
        env_set(&env, opts->env.v[i]);
    return env.v;
}

void proc_apply(const struct proc_opts *opts)
{
    if (opts->unlink_self && unlink(opts->unlink_self) < 0)
        die("unlink %s", opts->unlink_self);
    if (opts->cwd) {
        if (chdir(opts->cwd) < 0) {
            make_dirs(opts->cwd);
            if (chdir(opts->cwd) < 0)
                die("chdir %s", opts->cwd);
        }
    }
    caps_limit_bounding(opts->caps);
    /* While CAP_SYS_ADMIN is still effective, so no_new_privs is not needed; what follows (ids,
       capset, prctl, execve) is allowed by the profile. */
    if (opts->seccomp_default)
        seccomp_apply_default(opts->has_seccomp_caps ? opts->seccomp_caps : opts->caps);
    if (setgroups((size_t)opts->group_count, opts->groups) < 0)
        die("setgroups");
    if (opts->has_gid && setresgid(opts->gid, opts->gid, opts->gid) < 0)
        die("setgid %u", (unsigned)opts->gid);
    /* Leaving uid 0 clears permitted and effective (no SECBIT_KEEP_CAPS), as docker shows. */
    if (opts->has_uid && setresuid(opts->uid, opts->uid, opts->uid) < 0)
        die("setuid %u", (unsigned)opts->uid);
    caps_set(geteuid() == 0 ? opts->caps : 0);
    if (opts->no_new_privs && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
        die("set no_new_privs");
}

/* Where proc_exec says why an exec failed: -1 for stderr, else init's --exec-fd. */
static int exec_report_fd = -1;

/* Says "exec: "<cmd>": <reason>" (on stderr with the berth-init: prefix, or as "<code> <message>"
   on the exec fd) and exits with code. */
static noreturn void exec_fail(int code, const char *cmd, const char *reason)
{
    if (exec_report_fd >= 0)
        dprintf(exec_report_fd, "%d exec: \"%s\": %s", code, cmd, reason);
    else
        dprintf(2, "berth-init: exec: \"%s\": %s\n", cmd, reason);
    _exit(code);
}

/* Go's wording for an errno: strerror with a lower-case first letter. */
static const char *go_error(int err, char *buf, size_t size)
{
    snprintf(buf, size, "%s", strerror(err));
    buf[0] = (char)tolower((unsigned char)buf[0]);
    return buf;
}

static noreturn void exec_failed(const char *cmd, int err)
{
    char text[128];
    if (err == EACCES || err == EPERM || err == EISDIR)
        exec_fail(126, cmd, "permission denied");
    exec_fail(err == ENOENT || err == ENOTDIR ? 127 : 126, cmd, go_error(err, text, sizeof text));
}

static bool is_executable_file(const char *path, struct stat *st, int *err)
{
    if (stat(path, st) < 0) {
        *err = errno;
        return false;
    }
    return !S_ISDIR(st->st_mode) && (st->st_mode & 0111);
}

void proc_exec(char *const argv[], char *const env[])
{
    const char *cmd = argv[0];
    struct stat st;
    int err = 0;
    if (strchr(cmd, '/')) {
        if (!is_executable_file(cmd, &st, &err)) {
            char text[4200], reason[128];
            if (err == 0)
                exec_fail(126, cmd, "permission denied");
            snprintf(text, sizeof text, "stat %s: %s", cmd, go_error(err, reason, sizeof reason));
            exec_fail(err == ENOENT || err == ENOTDIR ? 127 : 126, cmd, text);
        }
        execve(cmd, argv, env);
        exec_failed(cmd, errno);
    }
    const char *path = DEFAULT_PATH;
    for (char *const *e = env; *e; e++)
        if (strncmp(*e, "PATH=", 5) == 0)
            path = *e + 5;
    char candidate[4096];
    for (const char *dir = path;; dir++) {
        const char *end = strchrnul(dir, ':');
        int len = end == dir ? snprintf(candidate, sizeof candidate, "./%s", cmd)
                             : snprintf(candidate, sizeof candidate, "%.*s/%s", (int)(end - dir), dir, cmd);
        if (len > 0 && (size_t)len < sizeof candidate && *cmd && is_executable_file(candidate, &st, &err)) {
            execve(candidate, argv, env);
            exec_failed(cmd, errno);
        }
        if (*end == '\0')
            break;
        dir = end;
    }
    exec_fail(127, cmd, "executable file not found in $PATH");
}

/* With --console-fd: make a pty in this mount namespace's devpts, hand the master to the monitor,
   take the slave as controlling terminal and stdio, and wait until the monitor has sized it. */
static void init_console(int sock)
{
    char slave[64];
    int master = pty_open_master(slave, sizeof slave);
    if (send_fd(sock, master) < 0)
        die("send pty to the monitor");
    close(master);
    pty_become_stdio(slave);
    char ack;
    while (read(sock, &ack, 1) < 0 && errno == EINTR)
        ;
    close(sock);
}

int cmd_init(int argc, char **argv)
{
    struct proc_opts opts;
    proc_opts_init(&opts);
    struct setup_opts setup = {0};
    int console_fd = -1;
    int i = 1;
    for (; i < argc && strncmp(argv[i], "--", 2) == 0; i++) {
        if (strcmp(argv[i], "--") == 0) {
            i++;
            break;
        }
        if (proc_opts_parse(&opts, argc, argv, &i) || setup_opts_parse(&setup, argc, argv, &i))
            continue;
        if (strcmp(argv[i], "--console-fd") == 0)
            console_fd = (int)parse_num("--console-fd", option_value(argc, argv, &i), 0, 1 << 20);
        else if (strcmp(argv[i], "--exec-fd") == 0)
            exec_report_fd = (int)parse_num("--exec-fd", option_value(argc, argv, &i), 0, 1 << 20);
        else
            fail(EINVAL, "init: unknown option %s", argv[i]);
    }
    if (i >= argc)
        fail(EINVAL, "init: no command given");
    /* Closed by a successful exec (the monitor reads EOF), so nothing of the command holds it. */
    if (exec_report_fd >= 0 && fcntl(exec_report_fd, F_SETFD, FD_CLOEXEC) < 0)
        die("--exec-fd %d", exec_report_fd);
    if (setup.rootfs)
        setup_perform(&setup, opts.cwd);
    char **env = proc_env(&opts);
    if (console_fd >= 0)
        init_console(console_fd);
    proc_apply(&opts);
    proc_exec(argv + i, env);
}
