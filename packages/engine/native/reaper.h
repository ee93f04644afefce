/* `docker-init`: the optional PID 1 of `run --init` (tini's role). */
#ifndef BERTH_REAPER_H
#define BERTH_REAPER_H

/* The name the engine mounts the helper under; argv[0] ending in it selects the reaper. */
#define REAPER_NAME "docker-init"

int cmd_reaper(int argc, char **argv);

#endif
