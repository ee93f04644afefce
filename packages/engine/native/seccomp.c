#include "seccomp.h"

#include <linux/audit.h>
#include <linux/capability.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stdbool.h>
#include <sys/prctl.h>

#include "util.h"

#if !defined(__x86_64__)
#error "berth-init's seccomp table is for x86_64"
#endif

/* docker's profile: the namespace flags clone may not carry without CAP_SYS_ADMIN, the
   personality values it allows, the socket families it refuses (AF_ALG, AF_VSOCK). */
#define CLONE_NAMESPACE_FLAGS 0x7E020000u
#define AF_ALG_FAMILY 38u
#define AF_VSOCK_FAMILY 40u
static const uint32_t personalities[] = {0x0, 0x8, 0x20000, 0x20008, 0xffffffff};

#define X32_SYSCALL_BIT 0x40000000u
#define MAX_INSTRUCTIONS 4096 /* BPF_MAXINSNS */
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
static void allow(struct filter *f, uint32_t nr)
{
    emit(f, (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, nr, 0, 1));
    emit(f, (struct sock_filter)RET(SECCOMP_RET_ALLOW));
}

/* The start of a rule with arguments: A == nr runs the next body_len instructions (which all
   end in a return), otherwise skips them with A still holding the syscall number. */
static void when(struct filter *f, uint32_t nr, unsigned char body_len)
{
    emit(f, (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, nr, 0, body_len));
}

/* An unconditional jump whose target is set later with land(); returns where it is. */
static unsigned short jump(struct filter *f)
{
    emit(f, (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JA, 0, 0, 0));
    return (unsigned short)(f->len - 1);
}

/* Points the jump at `from` to the next instruction. */
static void land(struct filter *f, unsigned short from)
{
    f->code[from].k = (uint32_t)(f->len - from - 1);
}

/* The number an ABI's calls carry: x32's have the x32 bit. */
static uint32_t abi_nr(enum seccomp_abi abi, int nr)
{
    return abi == SECCOMP_X32 ? (uint32_t)nr | X32_SYSCALL_BIT : (uint32_t)nr;
}

static void personality_rule(struct filter *f, uint32_t nr)
{
    const unsigned char n = sizeof personalities / sizeof *personalities;
    when(f, nr, (unsigned char)(1 + n + 2));
    emit(f, (struct sock_filter)LOAD_ARG0);
    for (unsigned char i = 0; i < n; i++)
        emit(f, (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, personalities[i], (unsigned char)(n - i - 1), i + 1 == n ? 1 : 0));
    emit(f, (struct sock_filter)RET(SECCOMP_RET_ALLOW));
    emit(f, (struct sock_filter)RET_ERRNO(EPERM));
}

/* One ABI's part: docker's profile by that ABI's numbers, then EPERM. */
static void abi_rules(struct filter *f, enum seccomp_abi abi, uint64_t caps)
{
    const struct seccomp_argument_syscalls *args = &seccomp_argument_syscalls;
    emit(f, (struct sock_filter)LOAD(nr));
    for (size_t i = 0; i < seccomp_syscall_count; i++) {
        const struct seccomp_syscall *call = &seccomp_syscalls[i];
        if (call->nr[abi] >= 0 && (call->cap < 0 || caps & (UINT64_C(1) << call->cap)))
            allow(f, abi_nr(abi, call->nr[abi]));
    }
    /* socket: any family but AF_ALG and AF_VSOCK. */
    when(f, abi_nr(abi, args->socket[abi]), 5);
    emit(f, (struct sock_filter)LOAD_ARG0);
    emit(f, (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AF_ALG_FAMILY, 2, 0));
    emit(f, (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AF_VSOCK_FAMILY, 1, 0));
    emit(f, (struct sock_filter)RET(SECCOMP_RET_ALLOW));
    emit(f, (struct sock_filter)RET_ERRNO(EPERM));
    personality_rule(f, abi_nr(abi, args->personality[abi]));
    if (!(caps & (UINT64_C(1) << CAP_SYS_ADMIN))) {
        /* clone without namespace flags (fork, threads); clone3 answers ENOSYS so libc falls back to clone. */
        when(f, abi_nr(abi, args->clone[abi]), 4);
        emit(f, (struct sock_filter)LOAD_ARG0);
        emit(f, (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, CLONE_NAMESPACE_FLAGS, 1, 0));
        emit(f, (struct sock_filter)RET(SECCOMP_RET_ALLOW));
        emit(f, (struct sock_filter)RET_ERRNO(EPERM));
        when(f, abi_nr(abi, args->clone3[abi]), 1);
        emit(f, (struct sock_filter)RET_ERRNO(ENOSYS));
    }
    emit(f, (struct sock_filter)RET_ERRNO(EPERM));
}

void seccomp_default_program(uint64_t caps, struct sock_fprog *prog)
{
    static struct filter f;
    f.len = 0;
    /* As docker's profile on amd64: x86_64 and its sub-architectures i386 (int 0x80) and x32
       (x86_64's arch, numbers with the x32 bit), each by its own numbers; other arches EPERM. */
    emit(&f, (struct sock_filter)LOAD(arch));
    emit(&f, (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_I386, 0, 1));
    unsigned short to_i386 = jump(&f);
    emit(&f, (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 1, 0));
    emit(&f, (struct sock_filter)RET_ERRNO(EPERM));
    emit(&f, (struct sock_filter)LOAD(nr));
    emit(&f, (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, X32_SYSCALL_BIT, 0, 1));
    unsigned short to_x32 = jump(&f);
    abi_rules(&f, SECCOMP_X86_64, caps);
    land(&f, to_x32);
    abi_rules(&f, SECCOMP_X32, caps);
    land(&f, to_i386);
    abi_rules(&f, SECCOMP_I386, caps);
    prog->len = f.len;
    prog->filter = f.code;
}

void seccomp_apply_default(uint64_t caps)
{
    struct sock_fprog prog;
    seccomp_default_program(caps, &prog);
    if (prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog, 0, 0) < 0)
        die("install the seccomp filter");
}
