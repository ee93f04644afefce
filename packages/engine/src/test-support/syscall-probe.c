/* A static probe run inside test containers: each syscall docker's seccomp profile decides on,
   called once, printed as `<name> ok` or `<name> <errno name>`. Built by the seccomp kernel test. */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/keyctl.h>
#include <linux/reboot.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/personality.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#define X32_BIT 0x40000000L

static void report(const char *name, long rc)
{
    printf("%s %s\n", name, rc >= 0 ? "ok" : strerrorname_np(errno));
}

int main(void)
{
    report("keyctl", syscall(SYS_keyctl, KEYCTL_GET_KEYRING_ID, KEY_SPEC_SESSION_KEYRING, 0));
    report("add_key", syscall(SYS_add_key, "user", "berth-probe", "x", 1, KEY_SPEC_PROCESS_KEYRING));
    report("mount", syscall(SYS_mount, "none", "/tmp", "tmpfs", 0, NULL));
    report("reboot", syscall(SYS_reboot, LINUX_REBOOT_MAGIC1, LINUX_REBOOT_MAGIC2, LINUX_REBOOT_CMD_CAD_OFF, NULL));
    report("personality_query", syscall(SYS_personality, 0xffffffffUL));
    report("personality_bsd", syscall(SYS_personality, 6UL));
    report("socket_vsock", syscall(SYS_socket, 40, SOCK_STREAM, 0));
    report("socket_unix", syscall(SYS_socket, AF_UNIX, SOCK_STREAM, 0));
    report("socket_alg", syscall(SYS_socket, 38 /* AF_ALG */, SOCK_SEQPACKET, 0));
    /* x32 calls: x86_64's arch, numbers with the x32 bit (ENOSYS from a kernel without x32). */
    report("x32_getpid", syscall(X32_BIT | SYS_getpid));
    report("x32_keyctl", syscall(X32_BIT | SYS_keyctl, KEYCTL_GET_KEYRING_ID, KEY_SPEC_SESSION_KEYRING, 0));
    report("x32_mount", syscall(X32_BIT | SYS_mount, "none", "/tmp", "tmpfs", 0, NULL));
    report("clone3", syscall(SYS_clone3, NULL, 0));
    report("unshare", syscall(SYS_unshare, CLONE_NEWUSER)); /* last: it changes what follows */
    return 0;
}
