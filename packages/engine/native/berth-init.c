/* berth-init: the one piece of berth in C, for what util-linux cannot do.
   Subcommands: monitor (the per-container supervisor), init (the last step of a container start,
   with --rootfs: namespaces, mounts and pivot_root first), exec (a process in a running
   container); called as docker-init, the reaper that `run --init` makes PID 1. See README.md. */
#include <stdio.h>
#include <string.h>

#include "exec.h"
#include "monitor.h"
#include "privs.h"
#include "reaper.h"
#include "util.h"

static const char usage[] =
    "usage: berth-init monitor [options] -- ARGV...\n"
    "       berth-init init [options] -- ARGV...\n"
    "       berth-init exec --target PID [options] -- ARGV...\n"
    "       docker-init [--] ARGV...   (the helper mounted as /sbin/docker-init)\n"
    "(see native/README.md in berth's engine package)\n";

int main(int argc, char **argv)
{
    const char *slash = strrchr(argv[0], '/');
    if (strcmp(slash ? slash + 1 : argv[0], REAPER_NAME) == 0)
        return cmd_reaper(argc, argv);
    if (argc < 2) {
        fputs(usage, stderr);
        fail(EINVAL, "no subcommand");
    }
    const char *sub = argv[1];
    if (strcmp(sub, "monitor") == 0)
        return cmd_monitor(argc - 1, argv + 1);
    if (strcmp(sub, "init") == 0)
        return cmd_init(argc - 1, argv + 1);
    if (strcmp(sub, "exec") == 0)
        return cmd_exec(argc - 1, argv + 1);
    if (strcmp(sub, "--help") == 0 || strcmp(sub, "help") == 0) {
        fputs(usage, stdout);
        return 0;
    }
    fail(EINVAL, "unknown subcommand %s", sub);
}
