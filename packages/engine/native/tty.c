#include "tty.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <termios.h>
#include <unistd.h>

#include "util.h"

int pty_open_master(char *slave_path, unsigned size)
{
    /* In a container /dev/ptmx is a link to pts/ptmx of its own devpts instance. */
    int master = open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (master < 0)
        die("open /dev/ptmx");
    int unlock = 0;
    if (ioctl(master, TIOCSPTLCK, &unlock) < 0)
        die("unlock pty");
    int index;
    if (ioctl(master, TIOCGPTN, &index) < 0)
        die("pty number");
    snprintf(slave_path, size, "/dev/pts/%d", index);
    return master;
}

void pty_become_stdio(const char *slave_path)
{
    /* A session leader already (the monitor's child called setsid) is fine: EPERM. */
    if (setsid() < 0 && errno != EPERM)
        die("setsid");
    int slave = open(slave_path, O_RDWR | O_NOCTTY);
    if (slave < 0)
        die("open %s", slave_path);
    if (ioctl(slave, TIOCSCTTY, 0) < 0)
        die("set controlling terminal %s", slave_path);
    for (int fd = 0; fd < 3; fd++)
        if (dup2(slave, fd) < 0)
            die("dup2");
    if (slave > 2)
        close(slave);
}

int send_fd(int sock, int fd)
{
    char byte = 'M';
    struct iovec iov = {.iov_base = &byte, .iov_len = 1};
    union {
        char buf[CMSG_SPACE(sizeof(int))];
        struct cmsghdr align;
    } control;
    memset(&control, 0, sizeof control);
    struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = control.buf, .msg_controllen = sizeof control.buf};
    struct cmsghdr *cmsg = CMSG_FIRSTHDR(&msg);
    cmsg->cmsg_level = SOL_SOCKET;
    cmsg->cmsg_type = SCM_RIGHTS;
    cmsg->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(cmsg), &fd, sizeof fd);
    ssize_t n;
    do
        n = sendmsg(sock, &msg, MSG_NOSIGNAL);
    while (n < 0 && errno == EINTR);
    return n == 1 ? 0 : -1;
}

int recv_fd(int sock)
{
    char byte;
    struct iovec iov = {.iov_base = &byte, .iov_len = 1};
    union {
        char buf[CMSG_SPACE(sizeof(int))];
        struct cmsghdr align;
    } control;
    struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = control.buf, .msg_controllen = sizeof control.buf};
    ssize_t n;
    do
        n = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC);
    while (n < 0 && errno == EINTR);
    if (n <= 0)
        return -1;
    struct cmsghdr *cmsg = CMSG_FIRSTHDR(&msg);
    if (!cmsg || cmsg->cmsg_level != SOL_SOCKET || cmsg->cmsg_type != SCM_RIGHTS)
        return -1;
    int fd;
    memcpy(&fd, CMSG_DATA(cmsg), sizeof fd);
    return fd;
}

void pty_set_size(int fd, unsigned rows, unsigned cols)
{
    if (rows == 0 || cols == 0)
        return;
    struct winsize ws = {.ws_row = (unsigned short)rows, .ws_col = (unsigned short)cols};
    ioctl(fd, TIOCSWINSZ, &ws);
}
