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

/* Bytes of an image before the payload: magic, byte-order mark, version,
 * and (its last 8 bytes) the payload length; 8 bytes of checksum follow the
 * payload. */
#define SNAPSHOT_HEADER (8 + 4 + 4 + 8)

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
/* What snapshot_restore returns besides 0. */
enum {
    SNAP_MISFIT = -1,  /* the image does not fit net: other objects, or a value
                        * net cannot hold (an index out of range, a bad delay) */
    SNAP_NOMEM = -2,   /* out of memory; net may be partly restored */
    SNAP_DAMAGED = -3, /* the contents contradict themselves (a truncated list) */
};
/* Restore a verified image into net.  The image is untrusted (its checksum
 * only finds accidents): every index, count, delay, queue position, spike,
 * synapse, recorded step and size is checked against net before use.  With
 * SNAP_EXACT nothing changes unless all of it fits, and the pending spikes
 * are replaced by the image's; SNAP_BY_NAME (inj may be NULL) restores the
 * parts that fit.  Returns 0, or SNAP_* with a message in err. */
int snapshot_restore(Net *net, Injections *inj, const unsigned char *p, size_t size, int mode, char *err,
                     size_t errlen);

#endif
