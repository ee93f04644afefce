/* Runs berth-init's default seccomp program (native/seccomp.c) in a small classic BPF interpreter
   for syscalls given as arguments, so the ABIs a test kernel cannot run (i386, when its ia32
   emulation is off; x32) are checked too. Usage: seccomp-eval CAPS_HEX ABI:NR[:ARG0]…, ABI being
   x86_64, x32 (NR without the x32 bit) or i386. Prints `ABI:NR[:ARG0] allow` or `… <errno name>`
   per argument. Built by seccomp-filter.test.ts with the helper's own sources. */
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "seccomp.h"

static uint32_t run(const struct sock_fprog *prog, const struct seccomp_data *data)
{
    uint32_t a = 0;
    for (unsigned pc = 0; pc < prog->len; pc++) {
        const struct sock_filter *ins = &prog->filter[pc];
        switch (ins->code) {
        case BPF_LD | BPF_W | BPF_ABS:
            memcpy(&a, (const char *)data + ins->k, sizeof a);
            break;
        case BPF_JMP | BPF_JA:
            pc += ins->k;
            break;
        case BPF_JMP | BPF_JEQ | BPF_K:
            pc += a == ins->k ? ins->jt : ins->jf;
            break;
        case BPF_JMP | BPF_JGE | BPF_K:
            pc += a >= ins->k ? ins->jt : ins->jf;
            break;
        case BPF_JMP | BPF_JSET | BPF_K:
            pc += (a & ins->k) ? ins->jt : ins->jf;
            break;
        case BPF_RET | BPF_K:
            return ins->k;
        default:
            fprintf(stderr, "instruction %u: unknown code %#x\n", pc, ins->code);
            exit(2);
        }
    }
    fprintf(stderr, "the program ran off its end\n");
    exit(2);
}

int main(int argc, char **argv)
{
    if (argc < 2)
        return 2;
    struct sock_fprog prog;
    seccomp_default_program(strtoull(argv[1], NULL, 16), &prog);
    for (int i = 2; i < argc; i++) {
        char abi[16];
        unsigned long long nr = 0, arg0 = 0;
        if (sscanf(argv[i], "%15[^:]:%llu:%llu", abi, &nr, &arg0) < 2)
            return 2;
        struct seccomp_data data = {.nr = (int)nr, .arch = AUDIT_ARCH_X86_64, .args = {arg0}};
        if (strcmp(abi, "i386") == 0)
            data.arch = AUDIT_ARCH_I386;
        else if (strcmp(abi, "x32") == 0)
            data.nr = (int)(nr | 0x40000000);
        else if (strcmp(abi, "x86_64") != 0)
            return 2;
        uint32_t action = run(&prog, &data);
        if (action == SECCOMP_RET_ALLOW)
            printf("%s allow\n", argv[i]);
        else if ((action & SECCOMP_RET_ACTION_FULL) == SECCOMP_RET_ERRNO)
            printf("%s %s\n", argv[i], strerrorname_np((int)(action & SECCOMP_RET_DATA)));
        else
            printf("%s action %#x\n", argv[i], action);
    }
    return 0;
}
