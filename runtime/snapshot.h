/* SPDX-License-Identifier: MIT */
/* This file declares snapshots of a runtime network's state: a byte image
 * (also the file format) of time, seed, constants, every group's arrays and
 * current spikes, synapse spike queues, monitor data and pending external
 * spikes, and its restoration, exact (same objects required) or by name
 * (what still matches, used when a changed model is rebuilt). */
#ifndef SNN_SNAPSHOT_H
#define SNN_SNAPSHOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "inject.h"
#include "net.h"

/* Encode net's state and the pending spikes as a malloc'ed byte image;
 * NULL on out of memory. */
unsigned char *snapshot_encode(const Net *net, const Injections *inj, size_t *size);
/* Check that an image is complete and undamaged (magic, version, byte order,
 * length, checksum).  0, or -1 with a message in err. */
int snapshot_verify(const unsigned char *p, size_t size, char *err, size_t errlen);

enum {
    SNAP_EXACT,   /* every object must match; on mismatch nothing changes */
    SNAP_BY_NAME, /* restore what matches by name and shape; no constants */
};
/* Restore a verified image into net.  With SNAP_EXACT the pending spikes are
 * replaced by the image's (inj may be NULL for SNAP_BY_NAME).  Returns 0; -1
 * with a message in err on a mismatch; -2 on out of memory (net may then be
 * partly restored). */
int snapshot_restore(Net *net, Injections *inj, const unsigned char *p, size_t size, int mode, char *err,
                     size_t errlen);

#endif
