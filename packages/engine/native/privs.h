/* What `init` and `exec` do to a process before it runs the container's command. */
#ifndef BERTH_PRIVS_H
#define BERTH_PRIVS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdnoreturn.h>
#include <sys/types.h>

#include "util.h"

struct proc_opts {
    bool has_uid, has_gid;
    uid_t uid;
    gid_t gid;
    gid_t *groups;
    int group_count;
    uint64_t caps;
    bool no_new_privs;
    const char *cwd;
    bool clear_env;
    const char *env_file;
    struct strv env;
    const char *unlink_self;
    bool seccomp_default;
    /* The capabilities the seccomp filter's capability rules follow (--seccomp-caps): the
       container's own for an exec, which may hold more (exec --privileged); else caps. */
    bool has_seccomp_caps;
    uint64_t seccomp_caps;
};

void proc_opts_init(struct proc_opts *opts);
/* Consumes the process option at argv[*i] (and its value); false if it is not one. */
bool proc_opts_parse(struct proc_opts *opts, int argc, char **argv, int *i);
/* The command's environment: inherited (unless --clear-env/--env-file), then the file, then --env. */
char **proc_env(const struct proc_opts *opts);
/* Unlinks the helper, creates and enters cwd, installs the seccomp filter, sets groups/gid/uid,
   caps and no_new_privs. */
void proc_apply(const struct proc_opts *opts);
/* Execs argv looking it up in env's PATH; on failure prints docker's wording, exits 127 or 126. */
noreturn void proc_exec(char *const argv[], char *const env[]);

int cmd_init(int argc, char **argv);

#endif
