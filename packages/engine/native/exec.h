/* `berth-init exec`: a process inside a running container. */
#ifndef BERTH_EXEC_H
#define BERTH_EXEC_H

int cmd_exec(int argc, char **argv);

#endif
