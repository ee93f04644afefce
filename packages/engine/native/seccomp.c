#include "seccomp.h"

#include <linux/audit.h>
#include <linux/capability.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stdbool.h>
#include <sys/prctl.h>
#include <sys/syscall.h>

#include "util.h"

#if !defined(__x86_64__)
#error "berth-init's seccomp table is for x86_64"
#endif

/* docker's profile: the namespace flags clone may not carry without CAP_SYS_ADMIN, the
   personality values it allows, the socket family it refuses (AF_VSOCK). */
#define CLONE_NAMESPACE_FLAGS 0x7E020000u
#define AF_VSOCK_FAMILY 40u
static const uint32_t personalities[] = {0x0, 0x8, 0x20000, 0x20008, 0xffffffff};

#define X32_SYSCALL_BIT 0x40000000u
#define MAX_INSTRUCTIONS 2048
#define RET(action) BPF_STMT(BPF_RET | BPF_K, (action))
#define RET_ERRNO(err) RET(SECCOMP_RET_ERRNO | ((err) & SECCOMP_RET_DATA))
#define LOAD(field) BPF_STMT(BPF_LD | BPF_W | BPF_ABS, (uint32_t)offsetof(struct seccomp_data, field))
/* The low 32 bits of argument 0 (little-endian). */
#define LOAD_ARG0 BPF_STMT(BPF_LD | BPF_W | BPF_ABS, (uint32_t)offsetof(struct seccomp_data, args[0]))

struct filter {
    struct sock_filter code[MAX_INSTRUCTIONS];
    unsigned short len;
};

static void emit(struct filter *f, struct sock_filter ins)
{
    if (f->len >= MAX_INSTRUCTIONS)
        fail(E2BIG, "seccomp filter too long");
    f->code[f->len++] = ins;
}

/* A == nr: allow; otherwise fall through. */
static void allow(struct filter *f, int nr)
{
    emit(f, (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (uint32_t)nr, 0, 1));
    emit(f, (struct sock_filter)RET(SECCOMP_RET_ALLOW));
}

/* The start of a rule with arguments: A == nr runs the next body_len instructions (which all
   end in a return), otherwise skips them with A still holding the syscall number. */
static void when(struct filter *f, int nr, unsigned char body_len)
{
    emit(f, (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (uint32_t)nr, 0, body_len));
}

static void personality_rule(struct filter *f)
{
    const unsigned char n = sizeof personalities / sizeof *personalities;
    when(f, __NR_personality, (unsigned char)(1 + n + 2));
    emit(f, (struct sock_filter)LOAD_ARG0);
    for (unsigned char i = 0; i < n; i++)
        emit(f, (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, personalities[i], (unsigned char)(n - i - 1), i + 1 == n ? 1 : 0));
    emit(f, (struct sock_filter)RET(SECCOMP_RET_ALLOW));
    emit(f, (struct sock_filter)RET_ERRNO(EPERM));
}

void seccomp_apply_default(uint64_t caps)
{
    static struct filter f;
    const bool sys_admin = caps & (UINT64_C(1) << CAP_SYS_ADMIN);
    f.len = 0;
    /* Only x86_64's own ABI: i386 (int 0x80) and x32 calls are refused. */
    emit(&f, (struct sock_filter)LOAD(arch));
    emit(&f, (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 1, 0));
    emit(&f, (struct sock_filter)RET_ERRNO(EPERM));
    emit(&f, (struct sock_filter)LOAD(nr));
    emit(&f, (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, X32_SYSCALL_BIT, 0, 1));
    emit(&f, (struct sock_filter)RET_ERRNO(EPERM));
    for (size_t i = 0; i < seccomp_allowed_count; i++)
        allow(&f, seccomp_allowed[i]);
    for (size_t r = 0; r < seccomp_cap_rule_count; r++)
        if (caps & (UINT64_C(1) << seccomp_cap_rules[r].cap))
            for (size_t i = 0; i < seccomp_cap_rules[r].count; i++)
                allow(&f, seccomp_cap_rules[r].syscalls[i]);
    /* socket: any family but AF_VSOCK. */
    when(&f, __NR_socket, 4);
    emit(&f, (struct sock_filter)LOAD_ARG0);
    emit(&f, (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AF_VSOCK_FAMILY, 1, 0));
    emit(&f, (struct sock_filter)RET(SECCOMP_RET_ALLOW));
    emit(&f, (struct sock_filter)RET_ERRNO(EPERM));
    personality_rule(&f);
    if (!sys_admin) {
        /* clone without namespace flags (fork, threads); clone3 answers ENOSYS so libc falls back to clone. */
        when(&f, __NR_clone, 4);
        emit(&f, (struct sock_filter)LOAD_ARG0);
        emit(&f, (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, CLONE_NAMESPACE_FLAGS, 1, 0));
        emit(&f, (struct sock_filter)RET(SECCOMP_RET_ALLOW));
        emit(&f, (struct sock_filter)RET_ERRNO(EPERM));
        when(&f, __NR_clone3, 1);
        emit(&f, (struct sock_filter)RET_ERRNO(ENOSYS));
    }
    emit(&f, (struct sock_filter)RET_ERRNO(EPERM));
    struct sock_fprog prog = {.len = f.len, .filter = f.code};
    if (prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog, 0, 0) < 0)
        die("install the seccomp filter");
}
