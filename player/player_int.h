/* player_int — what the files of player/ share with each other (and with its
 * unit tests, fuzzers and benchmarks) and with no other module: the
 * private half of player/player.h.  tests/regress/boundaries.sh checks that no
 * other folder includes it. */
#ifndef VIGIL_PLAYER_INT_H
#define VIGIL_PLAYER_INT_H

#include "player/player.h"

/* Shared between player.c and overlay.c only. */
#include <mpv/client.h>
/* The libmpv handle; valid until player_free().  Requests overlay.c sends
 * carry reply userdata 0: a failure comes back as PLAYER_EVENT_ERROR. */
mpv_handle *player_mpv(const struct player *p);

#endif
