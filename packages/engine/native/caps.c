#include "caps.h"

#include <ctype.h>
#include <linux/capability.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "util.h"

/* Index = capability number (linux/capability.h). */
static const char *const cap_names[] = {
    "chown", "dac_override", "dac_read_search", "fowner", "fsetid", "kill", "setgid", "setuid",
    "setpcap", "linux_immutable", "net_bind_service", "net_broadcast", "net_admin", "net_raw",
    "ipc_lock", "ipc_owner", "sys_module", "sys_rawio", "sys_chroot", "sys_ptrace", "sys_pacct",
    "sys_admin", "sys_boot", "sys_nice", "sys_resource", "sys_time", "sys_tty_config", "mknod",
    "lease", "audit_write", "audit_control", "setfcap", "mac_override", "mac_admin", "syslog",
    "wake_alarm", "block_suspend", "audit_read", "perfmon", "bpf", "checkpoint_restore",
};
#define CAP_NAME_COUNT (int)(sizeof cap_names / sizeof cap_names[0])

/* The highest capability the running kernel knows (probing needs no /proc). */
static int last_cap(void)
{
    int cap = 0;
    while (cap < 64 && prctl(PR_CAPBSET_READ, cap, 0, 0, 0) >= 0)
        cap++;
    return cap - 1;
}

static int cap_number(const char *name)
{
    if (strncasecmp(name, "cap_", 4) == 0)
        name += 4;
    for (int i = 0; i < CAP_NAME_COUNT; i++)
        if (strcasecmp(name, cap_names[i]) == 0)
            return i;
    return -1;
}

uint64_t caps_parse(const char *text)
{
    if (strcasecmp(text, "none") == 0 || text[0] == '\0')
        return 0;
    if (strcasecmp(text, "all") == 0) { /* all that can still be had: the current bounding set */
        uint64_t all = 0;
        for (int cap = 0, last = last_cap(); cap <= last; cap++)
            if (prctl(PR_CAPBSET_READ, cap, 0, 0, 0) == 1)
                all |= UINT64_C(1) << cap;
        return all;
    }
    uint64_t caps = 0;
    char *copy = strdup(text);
    if (!copy)
        die("strdup");
    char *save = NULL;
    for (char *name = strtok_r(copy, ",", &save); name; name = strtok_r(NULL, ",", &save)) {
        int cap = cap_number(name);
        if (cap < 0)
            fail(EINVAL, "unknown capability %s", name);
        caps |= UINT64_C(1) << cap;
    }
    free(copy);
    return caps;
}

void caps_limit_bounding(uint64_t keep)
{
    int last = last_cap();
    for (int cap = 0; cap <= last; cap++) {
        if (keep & (UINT64_C(1) << cap))
            continue;
        if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0)
            die("drop capability %d from the bounding set", cap);
    }
}

void caps_set(uint64_t caps)
{
    if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && errno != EINVAL)
        die("clear ambient capabilities");
    struct __user_cap_header_struct header = {.version = _LINUX_CAPABILITY_VERSION_3, .pid = 0};
    struct __user_cap_data_struct data[2];
    memset(data, 0, sizeof data);
    data[0].permitted = data[0].effective = (uint32_t)caps;
    data[1].permitted = data[1].effective = (uint32_t)(caps >> 32);
    if (syscall(SYS_capset, &header, data) < 0)
        die("capset");
}
