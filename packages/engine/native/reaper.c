#include "reaper.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "privs.h"
#include "util.h"

extern char **environ;

/* Signals the kernel raises for a fault of this process: never blocked, never forwarded. */
static const int synchronous[] = {SIGFPE, SIGILL, SIGSEGV, SIGBUS, SIGABRT, SIGTRAP, SIGSYS};

/* The child: its own process group (the terminal's foreground one, with a TTY), the caller's
   signal mask back, then the command with docker's lookup and errors (127/126). */
static noreturn void run_child(char **argv, const sigset_t *saved)
{
    if (setpgid(0, 0) < 0)
        die("setpgid");
    /* SIGTTOU is still blocked here, so a background group may take the terminal. */
    if (isatty(STDIN_FILENO) && tcsetpgrp(STDIN_FILENO, getpgrp()) < 0)
        die("tcsetpgrp");
    sigprocmask(SIG_SETMASK, saved, NULL);
    proc_exec(argv, environ);
}

/* Reaps every exited child; returns the command's exit code once it is among them, else -1. */
static int reap_all(pid_t command)
{
    int code = -1, status;
    for (pid_t pid; (pid = waitpid(-1, &status, WNOHANG)) > 0;) {
        if (pid != command)
            continue;
        code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    }
    return code;
}

/* docker-init [--] ARGV...: forks ARGV, forwards every signal it gets to it, reaps every zombie
   the pid namespace hands it, and exits with ARGV's code (128+N for a signal N) once ARGV ends. */
int cmd_reaper(int argc, char **argv)
{
    int i = 1;
    if (i < argc && strcmp(argv[i], "--") == 0)
        i++;
    if (i >= argc)
        fail(EINVAL, REAPER_NAME ": no command given");
    sigset_t all, saved;
    sigfillset(&all);
    for (size_t s = 0; s < sizeof synchronous / sizeof *synchronous; s++)
        sigdelset(&all, synchronous[s]);
    /* Blocked signals are queued even for a namespace's PID 1, which drops unhandled ones. */
    if (sigprocmask(SIG_BLOCK, &all, &saved) < 0)
        die("sigprocmask");
    pid_t command = fork();
    if (command < 0)
        die("fork");
    if (command == 0)
        run_child(argv + i, &saved);
    for (;;) {
        siginfo_t info;
        int sig = sigwaitinfo(&all, &info);
        if (sig < 0) {
            if (errno == EINTR)
                continue;
            die("sigwaitinfo");
        }
        if (sig != SIGCHLD) {
            kill(command, sig);
            continue;
        }
        int code = reap_all(command);
        if (code >= 0)
            return code;
    }
}
