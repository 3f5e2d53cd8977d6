/* test_wizard_overlay — the player's side of the export wizard's mask
 * editor (player/overlay.c) against real libmpv (vo=null): a still frame
 * at a time, the export's own redaction graph (redact_mpv_vf()) with box
 * outlines after it accepted by mpv without an error, and a broken chain
 * reported as one (so the check above can fail). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <locale.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "export/export.h"
#include "player/player.h"
#include "util/util.h"

#define T0	INT64_C(1763802000000)	/* 2025-11-22T09:00:00Z */

static char fixdir[] = "/tmp/vigil-overlay.XXXXXX";
static char clip[300];

static int64_t
mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int
setup(void **state)
{
	char cmd[1024];

	(void)state;
	if (setlocale(LC_NUMERIC, "C") == NULL || mkdtemp(fixdir) == NULL)
		return -1;
	snprintf(clip, sizeof clip, "%s/09-00-00.mp4", fixdir);
	snprintf(cmd, sizeof cmd, "ffmpeg -nostdin -v error -y -f lavfi "
	    "-i testsrc2=size=320x180:rate=10 -t 4 -c:v libx264 -preset "
	    "ultrafast -g 10 -bf 0 -pix_fmt yuv420p '%s'", clip);
	return system(cmd) == 0 ? 0 : -1;
}

static int
teardown(void **state)
{
	char cmd[400];

	(void)state;
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", fixdir);
	return system(cmd) == 0 ? 0 : -1;
}

/* Pumps the player for ms; returns the number of error events (the first
 * one's text in err). */
static int
pump_for(struct player *p, int64_t ms, int *loaded, char *err, size_t len)
{
	const struct player_event *ev;
	struct pollfd pfd;
	int64_t end = mono_ms() + ms, now;
	size_t n, i;
	int errors = 0;

	while ((now = mono_ms()) < end) {
		pfd.fd = player_fd(p);
		pfd.events = POLLIN;
		poll(&pfd, 1, (int)(end - now));
		n = player_handle_events(p, &ev);
		for (i = 0; i < n; i++) {
			if (ev[i].type == PLAYER_EVENT_LOADED)
				*loaded = 1;
			if (ev[i].type == PLAYER_EVENT_ERROR) {
				if (errors++ == 0)
					snprintf(err, len, "%s", ev[i].message ?
					    ev[i].message : "?");
			}
		}
	}
	return errors;
}

static void
test_filters_and_still(void **state)
{
	struct player_options o = { PLAYER_VO_NULL, 0, 0 };
	struct player_item item = { clip, T0, 0, 4000 };
	struct clip_piece piece = { clip, T0, 0, 4000 };
	struct player_range r = { T0, T0 + 4000, &item, 1, 0 };
	struct player_box box[2] = {
		{ 0.10, 0.20, 0.30, 0.25, 1 },
		{ 0.60, 0.60, 0.01, 0.01, 0 },
	};
	struct player_state st;
	struct mask_list *ml;
	struct player *p;
	char *cause = NULL, *vf, err[512] = "";
	int loaded = 0, errors;

	(void)state;
	p = player_create(&o, &cause);
	if (p == NULL)
		fail_msg("player_create: %s", cause);
	assert_int_equal(player_set_watermark(p, "tester", &cause), 0);
	assert_int_equal(player_load(p, &r, 1, &cause), 0);
	errors = pump_for(p, 1500, &loaded, err, sizeof err);
	assert_int_equal(errors, 0);
	assert_true(loaded);

	/* The export's graph, then outlines. */
	ml = mask_list_new(&cause);
	assert_non_null(ml);
	assert_int_equal(mask_list_add(ml, "pixelate:x=10%,y=20%,w=30%,h=25%,"
	    "from=+1,key=+3/50%/20%", T0, 320, 180, &cause), 0);
	vf = redact_mpv_vf(ml, &piece, 1, 320, 180, &cause);
	assert_non_null(vf);
	assert_int_equal(player_set_filters(p, vf, box, 2, &cause), 0);
	assert_int_equal(player_show_still(p, T0 + 2500, &cause), 0);
	errors = pump_for(p, 1500, &loaded, err, sizeof err);
	if (errors != 0)
		fail_msg("mpv refused the filters: %s", err);
	player_get_state(p, &st);
	assert_true(st.paused);
	assert_true(st.position_ms >= T0 + 2400 && st.position_ms <= T0 + 2600);
	/* Outlines alone, then nothing. */
	assert_int_equal(player_set_filters(p, NULL, box, 1, &cause), 0);
	assert_int_equal(player_set_filters(p, NULL, NULL, 0, &cause), 0);
	errors = pump_for(p, 800, &loaded, err, sizeof err);
	if (errors != 0)
		fail_msg("mpv refused the filters: %s", err);
	/* A broken chain is reported. */
	assert_int_equal(player_set_filters(p, "lavfi=[nosuchfilter=1]", NULL,
	    0, &cause), 0);
	errors = pump_for(p, 1500, &loaded, err, sizeof err);
	assert_true(errors > 0);

	free(vf);
	mask_list_free(ml);
	(void)player_quit(p, NULL);
	player_free(p);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_filters_and_still),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
