#include "setup.h"

#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#define PATH_TEXT_MAX 4096

struct mount_name {
    const char *name;
    unsigned long flag;
    bool clears;
};

/* mount(8)'s flag names; any other option is filesystem data. */
static const struct mount_name flag_names[] = {
    {"ro", MS_RDONLY, false},          {"rw", MS_RDONLY, true},
    {"nosuid", MS_NOSUID, false},      {"suid", MS_NOSUID, true},
    {"nodev", MS_NODEV, false},        {"dev", MS_NODEV, true},
    {"noexec", MS_NOEXEC, false},      {"exec", MS_NOEXEC, true},
    {"sync", MS_SYNCHRONOUS, false},   {"async", MS_SYNCHRONOUS, true},
    {"dirsync", MS_DIRSYNC, false},    {"mand", MS_MANDLOCK, false},
    {"nomand", MS_MANDLOCK, true},     {"noatime", MS_NOATIME, false},
    {"atime", MS_NOATIME, true},       {"nodiratime", MS_NODIRATIME, false},
    {"diratime", MS_NODIRATIME, true}, {"relatime", MS_RELATIME, false},
    {"norelatime", MS_RELATIME, true}, {"strictatime", MS_STRICTATIME, false},
    {"nostrictatime", MS_STRICTATIME, true},
    {"bind", MS_BIND, false},          {"rbind", MS_BIND | MS_REC, false},
};

static const struct mount_name propagation_names[] = {
    {"private", MS_PRIVATE, false},       {"rprivate", MS_PRIVATE | MS_REC, false},
    {"shared", MS_SHARED, false},         {"rshared", MS_SHARED | MS_REC, false},
    {"slave", MS_SLAVE, false},           {"rslave", MS_SLAVE | MS_REC, false},
    {"unbindable", MS_UNBINDABLE, false}, {"runbindable", MS_UNBINDABLE | MS_REC, false},
};

struct parsed_options {
    unsigned long flags;
    unsigned long propagation;
    char data[PATH_TEXT_MAX];
};

static const struct mount_name *find_name(const struct mount_name *names, size_t count, const char *name)
{
    for (size_t i = 0; i < count; i++)
        if (strcmp(names[i].name, name) == 0)
            return &names[i];
    return NULL;
}

static void parse_options(const char *text, struct parsed_options *out)
{
    memset(out, 0, sizeof *out);
    char *copy = strdup(text), *save = NULL;
    if (!copy)
        die("strdup");
    size_t used = 0;
    for (char *name = strtok_r(copy, ",", &save); name; name = strtok_r(NULL, ",", &save)) {
        const struct mount_name *flag = find_name(flag_names, sizeof flag_names / sizeof *flag_names, name);
        const struct mount_name *propagation =
            find_name(propagation_names, sizeof propagation_names / sizeof *propagation_names, name);
        if (flag) {
            out->flags = flag->clears ? out->flags & ~flag->flag : out->flags | flag->flag;
        } else if (propagation) {
            out->propagation = propagation->flag;
        } else {
            int n = snprintf(out->data + used, sizeof out->data - used, "%s%s", used ? "," : "", name);
            if (n < 0 || (size_t)n >= sizeof out->data - used)
                fail(E2BIG, "mount options %s", text);
            used += (size_t)n;
        }
    }
    free(copy);
}

static const char *in_root(const char *rootfs, const char *path, char out[PATH_TEXT_MAX])
{
    int n = snprintf(out, PATH_TEXT_MAX, "%s%s", rootfs, path);
    if (n < 0 || n >= PATH_TEXT_MAX)
        fail(ENAMETOOLONG, "%s%s", rootfs, path);
    return out;
}

/* A mount point reached through a symlink of the container's own files could land outside it:
   refuse any component of path (below rootfs) that is a symbolic link. */
static void check_target(const char *rootfs, const char *path)
{
    char full[PATH_TEXT_MAX];
    in_root(rootfs, path, full);
    size_t base = strlen(rootfs);
    for (char *p = full + base + 1;; p++) {
        if (*p == '/' || *p == '\0') {
            char saved = *p;
            *p = '\0';
            struct stat st;
            if (lstat(full, &st) == 0 && S_ISLNK(st.st_mode))
                fail(ELOOP, "refusing to mount on %s: %s is a symbolic link", path, full + base);
            *p = saved;
            if (saved == '\0')
                return;
        }
    }
}

/* The mount point: a directory, or an empty file (and its directory). */
static void make_target(const char *full, bool is_file)
{
    if (!is_file) {
        make_dirs(full);
        return;
    }
    char dir[PATH_TEXT_MAX];
    snprintf(dir, sizeof dir, "%s", full);
    char *slash = strrchr(dir, '/');
    if (slash && slash != dir) {
        *slash = '\0';
        make_dirs(dir);
    }
    /* read-only: opening an existing lower file for writing would copy it up into the
       container's read-write layer (diff, commit and export must never see mount points) */
    int fd = open(full, O_RDONLY | O_CREAT | O_CLOEXEC | O_NOCTTY, 0644);
    if (fd < 0 && errno != EISDIR && errno != EEXIST)
        die("create %s", full);
    if (fd >= 0)
        close(fd);
}

/* Mounts m; returns whether it must still be made read-only (a filesystem asked ro is mounted
   rw and remounted once everything below it is mounted, so its mount points can be made). */
static bool do_mount(const char *rootfs, const struct setup_mount *m)
{
    char full[PATH_TEXT_MAX];
    check_target(rootfs, m->target);
    in_root(rootfs, m->target, full);
    make_target(full, m->is_file);
    struct parsed_options o;
    parse_options(m->options, &o);
    const char *fstype = strcmp(m->kind, "bind") == 0 ? NULL : strcmp(m->kind, "cgroup") == 0 ? m->source : m->kind;
    unsigned long flags = fstype ? o.flags & ~MS_RDONLY : o.flags & (MS_BIND | MS_REC);
    if (mount(m->source, full, fstype, flags, o.data[0] ? o.data : NULL) < 0)
        die("mount %s on %s", m->source, m->target);
    /* A bind mount takes its other flags only from a remount. */
    unsigned long rest = o.flags & ~(MS_BIND | MS_REC);
    if (!fstype && rest && mount(NULL, full, NULL, MS_REMOUNT | MS_BIND | rest, NULL) < 0)
        die("remount %s", m->target);
    if (o.propagation && mount(NULL, full, NULL, o.propagation, NULL) < 0)
        die("set propagation of %s", m->target);
    return fstype && (o.flags & MS_RDONLY);
}

static void remount_readonly(const char *rootfs, const struct setup_mount *m)
{
    char full[PATH_TEXT_MAX];
    struct parsed_options o;
    parse_options(m->options, &o);
    /* MS_BIND: the flags of this mount only, never the superblock (a cgroup v1 hierarchy's is the host's). */
    if (mount(NULL, in_root(rootfs, m->target, full), NULL, MS_REMOUNT | MS_BIND | o.flags, NULL) < 0)
        die("make %s read-only", m->target);
}

static void mask_path(const char *rootfs, const char *path)
{
    char full[PATH_TEXT_MAX];
    struct stat st;
    if (stat(in_root(rootfs, path, full), &st) < 0)
        return;
    if (S_ISDIR(st.st_mode) ? mount("tmpfs", full, "tmpfs", MS_RDONLY, NULL) < 0
                            : mount("/dev/null", full, NULL, MS_BIND, NULL) < 0)
        die("mask %s", path);
}

static void readonly_path(const char *rootfs, const char *path)
{
    char full[PATH_TEXT_MAX];
    struct stat st;
    if (stat(in_root(rootfs, path, full), &st) < 0)
        return;
    if (mount(full, full, NULL, MS_BIND | MS_REC, NULL) < 0 ||
        mount(NULL, full, NULL, MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0)
        die("make %s read-only", path);
}

static void write_text(const char *path, const char *text)
{
    int fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0 || write_all(fd, text, strlen(text)) < 0)
        die("write %s", path);
    close(fd);
}

static void enter_namespaces(const struct setup_opts *opts)
{
    if (opts->netns) {
        int fd = open(opts->netns, O_RDONLY | O_CLOEXEC);
        if (fd < 0 || setns(fd, CLONE_NEWNET) < 0)
            die("join network namespace %s", opts->netns);
        close(fd);
    }
    if (opts->unshare_flags && unshare(opts->unshare_flags) < 0)
        die("unshare");
}

/* pivot_root(".", "."): the old root ends up on top of the new one, then is detached. */
static void pivot_into(const char *rootfs)
{
    int old_root = open("/", O_DIRECTORY | O_RDONLY | O_CLOEXEC);
    if (old_root < 0 || chdir(rootfs) < 0)
        die("enter %s", rootfs);
    if (syscall(SYS_pivot_root, ".", ".") < 0)
        die("pivot_root %s", rootfs);
    if (fchdir(old_root) < 0 || mount(NULL, ".", NULL, MS_SLAVE | MS_REC, NULL) < 0 || umount2(".", MNT_DETACH) < 0)
        die("detach the old root");
    close(old_root);
    if (chdir("/") < 0)
        die("chdir /");
}

void setup_perform(const struct setup_opts *opts, const char *cwd)
{
    const char *rootfs = opts->rootfs;
    char full[PATH_TEXT_MAX];
    enter_namespaces(opts);
    unsigned long nodev = opts->nodev_rootfs ? MS_NODEV : 0;
    if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0 || mount(rootfs, rootfs, NULL, MS_BIND, NULL) < 0)
        die("bind %s on itself", rootfs);
    if (nodev && mount(NULL, rootfs, NULL, MS_REMOUNT | MS_BIND | MS_NODEV, NULL) < 0)
        die("make the root nodev");
    if (opts->oom_score_adj)
        write_text("/proc/self/oom_score_adj", opts->oom_score_adj);
    bool *readonly = calloc((size_t)opts->mount_count + 1, sizeof *readonly);
    if (!readonly)
        die("calloc");
    for (int i = 0; i < opts->mount_count; i++)
        readonly[i] = do_mount(rootfs, &opts->mounts[i]);
    for (int i = opts->mount_count - 1; i >= 0; i--)
        if (readonly[i])
            remount_readonly(rootfs, &opts->mounts[i]);
    free(readonly);
    for (int i = 0; i + 1 < opts->symlinks.n; i += 2) {
        in_root(rootfs, opts->symlinks.v[i + 1], full);
        if ((unlink(full) < 0 && errno != ENOENT) || symlink(opts->symlinks.v[i], full) < 0)
            die("symlink %s", opts->symlinks.v[i + 1]);
    }
    for (int i = 0; i < opts->masks.n; i++)
        mask_path(rootfs, opts->masks.v[i]);
    for (int i = 0; i < opts->readonly.n; i++)
        readonly_path(rootfs, opts->readonly.v[i]);
    if (cwd && strcmp(cwd, "/") != 0) {
        check_target(rootfs, cwd);
        make_dirs(in_root(rootfs, cwd, full));
    }
    if (opts->readonly_rootfs && mount(NULL, rootfs, NULL, MS_REMOUNT | MS_BIND | MS_RDONLY | nodev, NULL) < 0)
        die("make the root read-only");
    if (opts->hostname && sethostname(opts->hostname, strlen(opts->hostname)) < 0)
        die("sethostname");
    pivot_into(rootfs);
}

static int namespace_flags(const char *text)
{
    static const struct mount_name names[] = {
        {"mount", CLONE_NEWNS, false}, {"uts", CLONE_NEWUTS, false},
        {"ipc", CLONE_NEWIPC, false},  {"cgroup", CLONE_NEWCGROUP, false},
    };
    int flags = 0;
    char *copy = strdup(text), *save = NULL;
    if (!copy)
        die("strdup");
    for (char *name = strtok_r(copy, ",", &save); name; name = strtok_r(NULL, ",", &save)) {
        const struct mount_name *ns = find_name(names, sizeof names / sizeof *names, name);
        if (!ns)
            fail(EINVAL, "--unshare: unknown namespace %s", name);
        flags |= (int)ns->flag;
    }
    free(copy);
    return flags;
}

static char *path_value(const char *opt, int argc, char **argv, int *i)
{
    char *value = option_value(argc, argv, i);
    if (value[0] != '/')
        fail(EINVAL, "%s %s: want an absolute path", opt, value);
    return value;
}

bool setup_opts_parse(struct setup_opts *opts, int argc, char **argv, int *i)
{
    const char *opt = argv[*i];
    if (strcmp(opt, "--rootfs") == 0) {
        opts->rootfs = path_value(opt, argc, argv, i);
    } else if (strcmp(opt, "--netns") == 0) {
        opts->netns = path_value(opt, argc, argv, i);
    } else if (strcmp(opt, "--unshare") == 0) {
        opts->unshare_flags = namespace_flags(option_value(argc, argv, i));
    } else if (strcmp(opt, "--hostname") == 0) {
        opts->hostname = option_value(argc, argv, i);
    } else if (strcmp(opt, "--oom-score-adj") == 0) {
        opts->oom_score_adj = option_value(argc, argv, i);
        parse_num(opt, opts->oom_score_adj, -1000, 1000);
    } else if (strcmp(opt, "--readonly-rootfs") == 0) {
        opts->readonly_rootfs = true;
    } else if (strcmp(opt, "--nodev-rootfs") == 0) {
        opts->nodev_rootfs = true;
    } else if (strcmp(opt, "--mount") == 0) {
        /* --mount KIND SOURCE TARGET OPTIONS dir|file */
        struct setup_mount m;
        m.kind = option_value(argc, argv, i);
        m.source = option_value(argc, argv, i);
        m.target = path_value(opt, argc, argv, i);
        m.options = option_value(argc, argv, i);
        const char *type = option_value(argc, argv, i);
        if (strcmp(type, "dir") != 0 && strcmp(type, "file") != 0)
            fail(EINVAL, "--mount %s: want dir or file, not %s", m.target, type);
        m.is_file = strcmp(type, "file") == 0;
        opts->mounts = realloc(opts->mounts, (size_t)(opts->mount_count + 1) * sizeof *opts->mounts);
        if (!opts->mounts)
            die("realloc");
        opts->mounts[opts->mount_count++] = m;
    } else if (strcmp(opt, "--symlink") == 0) {
        strv_push(&opts->symlinks, option_value(argc, argv, i));
        strv_push(&opts->symlinks, path_value(opt, argc, argv, i));
    } else if (strcmp(opt, "--mask") == 0) {
        strv_push(&opts->masks, path_value(opt, argc, argv, i));
    } else if (strcmp(opt, "--readonly-path") == 0) {
        strv_push(&opts->readonly, path_value(opt, argc, argv, i));
    } else {
        return false;
    }
    return true;
}
