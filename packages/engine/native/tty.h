/* Terminals: a pty made inside the container's devpts, and handing its master to the monitor. */
#ifndef BERTH_TTY_H
#define BERTH_TTY_H

/* The fd on which a `monitor --tty` child finds the console socket (for `init --console-fd`). */
#define CONSOLE_FD 3

/* Opens /dev/ptmx of the current mount namespace; returns the master and the slave's path. Dies on error. */
int pty_open_master(char *slave_path, unsigned size);
/* Opens the slave, makes it the controlling terminal of a new session and stdin/out/err. Dies on error. */
void pty_become_stdio(const char *slave_path);
/* Sends fd over a unix socket (SCM_RIGHTS); 0 or -1 with errno. */
int send_fd(int sock, int fd);
/* Receives one fd; returns it (>= 0), or -1 on EOF or error. */
int recv_fd(int sock);
/* Sets a terminal's size; ignored when rows or cols is 0. */
void pty_set_size(int fd, unsigned rows, unsigned cols);

#endif
