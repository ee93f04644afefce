/* Capability sets by name, the bounding set, and capset without libcap. */
#ifndef BERTH_CAPS_H
#define BERTH_CAPS_H

#include <stdint.h>

/* docker's default set: CAP_CHOWN … CAP_SETFCAP, 0xa80425fb. */
#define DOCKER_DEFAULT_CAPS UINT64_C(0xa80425fb)

/* Parses "CAP_CHOWN,net_raw,…", "none" or "all" (every capability left in the bounding set). Dies on error. */
uint64_t caps_parse(const char *text);
/* Drops every capability not in keep from the bounding set (needs CAP_SETPCAP). Dies on error. */
void caps_limit_bounding(uint64_t keep);
/* Sets permitted = effective = caps and inheritable = 0, and clears the ambient set. Dies on error. */
void caps_set(uint64_t caps);

#endif
