/* Docker's default seccomp profile as a classic BPF filter (libc only, no libseccomp). */
#ifndef BERTH_SECCOMP_H
#define BERTH_SECCOMP_H

#include <stddef.h>
#include <stdint.h>

/* Syscalls a capability unlocks, as docker's profile lists them. */
struct seccomp_cap_rule {
    int cap;
    const int *syscalls;
    size_t count;
};

/* seccomp-table.c: the x86_64 allowlist. */
extern const int seccomp_allowed[];
extern const size_t seccomp_allowed_count;
extern const struct seccomp_cap_rule seccomp_cap_rules[];
extern const size_t seccomp_cap_rule_count;

/* Installs docker's default profile for a process that will hold caps (bit N = capability N):
   every other syscall fails with EPERM. Needs CAP_SYS_ADMIN or no_new_privs; dies on error. */
void seccomp_apply_default(uint64_t caps);

#endif
