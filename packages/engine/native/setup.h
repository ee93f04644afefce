/* `init --rootfs`: a container's namespaces, mounts and pivot_root, done in-process before init's
   own steps, in one process instead of a shell script of util-linux commands. */
#ifndef BERTH_SETUP_H
#define BERTH_SETUP_H

#include <stdbool.h>

#include "util.h"

struct setup_mount {
    const char *kind; /* proc, tmpfs, devpts, sysfs, mqueue, cgroup, bind */
    const char *source;
    const char *target;
    const char *options; /* mount(8) names, comma-separated */
    bool is_file;
};

struct setup_opts {
    const char *rootfs;
    const char *netns;
    int unshare_flags;
    const char *hostname;
    const char *oom_score_adj;
    bool readonly_rootfs;
    bool nodev_rootfs; /* no devices cgroup guards the container: the rootfs is nodev */
    struct setup_mount *mounts;
    int mount_count;
    struct strv symlinks; /* pairs: link target, path */
    struct strv masks;
    struct strv readonly;
};

/* Consumes the setup option at argv[*i] (and its values); false if it is not one. */
bool setup_opts_parse(struct setup_opts *opts, int argc, char **argv, int *i);
/* Enters the namespaces, mounts the plan into rootfs, creates cwd (when given), pivots into it
   and detaches the old root. Dies on error. */
void setup_perform(const struct setup_opts *opts, const char *cwd);

#endif
