/* berth's seccomp allowlist for x86_64: the facts of docker's default profile (moby's
   profiles/seccomp/default.json), reduced to the syscalls this architecture has. Generated once
   from that profile's names and the kernel's asm/unistd_64.h; the rules with arguments (clone,
   clone3, personality, socket) are in seccomp.c. Regenerate when docker's profile changes. */
#include "seccomp.h"

#include <linux/capability.h>
#include <sys/syscall.h>

#define N(name) __NR_##name

/* Allowed whatever the container's capabilities. */
const int seccomp_allowed[] = {
    N(accept), N(accept4), N(access), N(adjtimex), N(alarm), N(bind), N(brk), N(capget), N(capset),
    N(chdir), N(chmod), N(chown), N(clock_adjtime), N(clock_getres), N(clock_gettime),
    N(clock_nanosleep), N(close), N(close_range), N(connect), N(copy_file_range), N(creat), N(dup),
    N(dup2), N(dup3), N(epoll_create), N(epoll_create1), N(epoll_ctl), N(epoll_ctl_old),
    N(epoll_pwait), N(epoll_pwait2), N(epoll_wait), N(epoll_wait_old), N(eventfd), N(eventfd2),
    N(execve), N(execveat), N(exit), N(exit_group), N(faccessat), N(faccessat2), N(fadvise64),
    N(fallocate), N(fanotify_mark), N(fchdir), N(fchmod), N(fchmodat), N(fchown), N(fchownat),
    N(fcntl), N(fdatasync), N(fgetxattr), N(flistxattr), N(flock), N(fork), N(fremovexattr),
    N(fsetxattr), N(fstat), N(fstatfs), N(fsync), N(ftruncate), N(futex), N(futex_waitv),
    N(futimesat), N(getcpu), N(getcwd), N(getdents), N(getdents64), N(getegid), N(geteuid),
    N(getgid), N(getgroups), N(getitimer), N(getpeername), N(getpgid), N(getpgrp), N(getpid),
    N(getppid), N(getpriority), N(getrandom), N(getresgid), N(getresuid), N(getrlimit),
    N(get_robust_list), N(getrusage), N(getsid), N(getsockname), N(getsockopt), N(get_thread_area),
    N(gettid), N(gettimeofday), N(getuid), N(getxattr), N(inotify_add_watch), N(inotify_init),
    N(inotify_init1), N(inotify_rm_watch), N(io_cancel), N(ioctl), N(io_destroy), N(io_getevents),
    N(io_pgetevents), N(ioprio_get), N(ioprio_set), N(io_setup), N(io_submit), N(kill),
    N(landlock_add_rule), N(landlock_create_ruleset), N(landlock_restrict_self), N(lchown),
    N(lgetxattr), N(link), N(linkat), N(listen), N(listxattr), N(llistxattr), N(lremovexattr),
    N(lseek), N(lsetxattr), N(lstat), N(madvise), N(membarrier), N(memfd_create), N(memfd_secret),
    N(mincore), N(mkdir), N(mkdirat), N(mknod), N(mknodat), N(mlock), N(mlock2), N(mlockall),
    N(mmap), N(mprotect), N(mq_getsetattr), N(mq_notify), N(mq_open), N(mq_timedreceive),
    N(mq_timedsend), N(mq_unlink), N(mremap), N(msgctl), N(msgget), N(msgrcv), N(msgsnd), N(msync),
    N(munlock), N(munlockall), N(munmap), N(name_to_handle_at), N(nanosleep), N(newfstatat),
    N(open), N(openat), N(openat2), N(pause), N(pidfd_open), N(pidfd_send_signal), N(pipe),
    N(pipe2), N(pkey_alloc), N(pkey_free), N(pkey_mprotect), N(poll), N(ppoll), N(prctl),
    N(pread64), N(preadv), N(preadv2), N(prlimit64), N(process_mrelease), N(pselect6), N(pwrite64),
    N(pwritev), N(pwritev2), N(read), N(readahead), N(readlink), N(readlinkat), N(readv),
    N(recvfrom), N(recvmmsg), N(recvmsg), N(remap_file_pages), N(removexattr), N(rename),
    N(renameat), N(renameat2), N(restart_syscall), N(rmdir), N(rseq), N(rt_sigaction),
    N(rt_sigpending), N(rt_sigprocmask), N(rt_sigqueueinfo), N(rt_sigreturn), N(rt_sigsuspend),
    N(rt_sigtimedwait), N(rt_tgsigqueueinfo), N(sched_getaffinity), N(sched_getattr),
    N(sched_getparam), N(sched_get_priority_max), N(sched_get_priority_min), N(sched_getscheduler),
    N(sched_rr_get_interval), N(sched_setaffinity), N(sched_setattr), N(sched_setparam),
    N(sched_setscheduler), N(sched_yield), N(seccomp), N(select), N(semctl), N(semget), N(semop),
    N(semtimedop), N(sendfile), N(sendmmsg), N(sendmsg), N(sendto), N(setfsgid), N(setfsuid),
    N(setgid), N(setgroups), N(setitimer), N(setpgid), N(setpriority), N(setregid), N(setresgid),
    N(setresuid), N(setreuid), N(setrlimit), N(set_robust_list), N(setsid), N(setsockopt),
    N(set_thread_area), N(set_tid_address), N(setuid), N(setxattr), N(shmat), N(shmctl), N(shmdt),
    N(shmget), N(shutdown), N(sigaltstack), N(signalfd), N(signalfd4), N(socketpair), N(splice),
    N(stat), N(statfs), N(statx), N(symlink), N(symlinkat), N(sync), N(sync_file_range), N(syncfs),
    N(sysinfo), N(tee), N(tgkill), N(time), N(timer_create), N(timer_delete), N(timer_getoverrun),
    N(timer_gettime), N(timer_settime), N(timerfd_create), N(timerfd_gettime), N(timerfd_settime),
    N(times), N(tkill), N(truncate), N(umask), N(uname), N(unlink), N(unlinkat), N(utime),
    N(utimensat), N(utimes), N(vfork), N(vmsplice), N(wait4), N(waitid), N(write), N(writev),
    N(process_vm_readv), N(process_vm_writev), N(ptrace), N(arch_prctl), N(modify_ldt),
};
const size_t seccomp_allowed_count = sizeof seccomp_allowed / sizeof *seccomp_allowed;

static const int with_cap_dac_read_search[] = {
    N(open_by_handle_at),
};
static const int with_cap_sys_admin[] = {
    N(bpf), N(clone), N(clone3), N(fanotify_init), N(fsconfig), N(fsmount), N(fsopen), N(fspick),
    N(lookup_dcookie), N(mount), N(mount_setattr), N(move_mount), N(open_tree), N(perf_event_open),
    N(quotactl), N(quotactl_fd), N(setdomainname), N(sethostname), N(setns), N(syslog), N(umount2),
    N(unshare),
};
static const int with_cap_sys_boot[] = {
    N(reboot),
};
static const int with_cap_sys_chroot[] = {
    N(chroot),
};
static const int with_cap_sys_module[] = {
    N(delete_module), N(init_module), N(finit_module),
};
static const int with_cap_sys_pacct[] = {
    N(acct),
};
static const int with_cap_sys_ptrace[] = {
    N(kcmp), N(pidfd_getfd), N(process_madvise), N(process_vm_readv), N(process_vm_writev),
    N(ptrace),
};
static const int with_cap_sys_rawio[] = {
    N(iopl), N(ioperm),
};
static const int with_cap_sys_time[] = {
    N(settimeofday), N(clock_settime),
};
static const int with_cap_sys_tty_config[] = {
    N(vhangup),
};
static const int with_cap_sys_nice[] = {
    N(get_mempolicy), N(mbind), N(set_mempolicy), N(set_mempolicy_home_node),
};
static const int with_cap_syslog[] = {
    N(syslog),
};
static const int with_cap_bpf[] = {
    N(bpf),
};
static const int with_cap_perfmon[] = {
    N(perf_event_open),
};

/* Allowed only when the container holds the capability (docker's `includes.caps`). */
#define RULE(cap, list) {cap, list, sizeof list / sizeof *list}
const struct seccomp_cap_rule seccomp_cap_rules[] = {
    RULE(CAP_DAC_READ_SEARCH, with_cap_dac_read_search),
    RULE(CAP_SYS_ADMIN, with_cap_sys_admin),
    RULE(CAP_SYS_BOOT, with_cap_sys_boot),
    RULE(CAP_SYS_CHROOT, with_cap_sys_chroot),
    RULE(CAP_SYS_MODULE, with_cap_sys_module),
    RULE(CAP_SYS_PACCT, with_cap_sys_pacct),
    RULE(CAP_SYS_PTRACE, with_cap_sys_ptrace),
    RULE(CAP_SYS_RAWIO, with_cap_sys_rawio),
    RULE(CAP_SYS_TIME, with_cap_sys_time),
    RULE(CAP_SYS_TTY_CONFIG, with_cap_sys_tty_config),
    RULE(CAP_SYS_NICE, with_cap_sys_nice),
    RULE(CAP_SYSLOG, with_cap_syslog),
    RULE(CAP_BPF, with_cap_bpf),
    RULE(CAP_PERFMON, with_cap_perfmon),
};
const size_t seccomp_cap_rule_count = sizeof seccomp_cap_rules / sizeof *seccomp_cap_rules;
