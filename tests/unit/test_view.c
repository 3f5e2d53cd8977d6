/* test_view — the logged view (session/view.c), without curses and with
 * vo=null, through the one entry point the player screen (playing) and the
 * export wizard's preview (paused on its first frame) both use: the player
 * gets nothing before the view-start is committed (the preparation sees
 * the entry in the log and a player with nothing loaded), a view-start
 * that cannot be written (each of its fault points) loads nothing, a
 * player that cannot start ends the view as "error", the intervals are
 * saved while it plays, and the end records what was shown. */
#include <sys/stat.h>

#include <locale.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <jansson.h>

#include "audit/audit.h"
#include "helper_auditfx.h"
#include "player/player.h"
#include "session/session.h"
#include "util/util.h"

#define T0	INT64_C(1740823200000)	/* 2025-03-01T10:00:00Z */

struct fix {
	void		*fx;		/* struct auditfx */
	char		 clip[200];
	struct player	*player;
	struct audit_log *log;
	int		 prepared;	/* calls of prepare */
	int		 fail_prepare;
	int64_t		 count_at_prepare;
	int		 stopped_at_prepare;
	struct player_item item;
	struct player_range pr;
	struct views_decl d;
};

static int
setup(void **state)
{
	struct player_options o = { PLAYER_VO_NULL, 0, 0 };
	struct auditfx *af;
	struct fix *x;
	char cmd[600], *cause = NULL;

	if (setenv("TZ", "UTC", 1) != 0)
		return -1;
	tzset();
	if (setlocale(LC_NUMERIC, "C") == NULL)
		return -1;
	x = calloc(1, sizeof *x);
	if (x == NULL || auditfx_setup(&x->fx, "view") != 0)
		return -1;
	af = x->fx;
	snprintf(x->clip, sizeof x->clip, "%s/10-00-00.mp4", af->dir);
	snprintf(cmd, sizeof cmd, "ffmpeg -nostdin -v error -y -f lavfi -i "
	    "testsrc2=size=160x90:rate=10 -t 3 -c:v libx264 -preset ultrafast "
	    "-g 10 -bf 0 -pix_fmt yuv420p '%s'", x->clip);
	if (system(cmd) != 0)
		return -1;
	if ((x->player = player_create(&o, &cause)) == NULL) {
		fprintf(stderr, "player_create: %s\n", cause);
		return -1;
	}
	x->log = auditfx_open(af);
	audit_set_witness_socket(x->log, NULL);
	x->item.path = x->clip;
	x->item.start_ms = T0;
	x->item.length_ms = 3000;
	x->pr.from_ms = T0;
	x->pr.to_ms = T0 + 3000;
	x->pr.items = &x->item;
	x->pr.n_items = 1;
	x->d.actor = "alice";
	x->d.camera = "cam1";
	x->d.from_ms = T0;
	x->d.to_ms = T0 + 3000;
	x->d.code = "INCIDENT";
	x->d.reference = "R-17";
	x->d.authority = "";
	x->d.note = "";
	x->d.terminal = "tty1";
	x->d.playable_ms = 3000;
	*state = x;
	return 0;
}

static int
teardown(void **state)
{
	struct fix *x = *state;
	void *fx = x->fx;

	audit_close(x->log);
	player_free(x->player);
	free(x);
	return auditfx_teardown(&fx);
}

/* The screen's preparation: what it sees is what the player could have
 * been given before the view-start. */
static struct player *
prepare(void *arg, char **cause)
{
	struct fix *x = arg;
	struct player_state st;

	/* What the first call saw counts. */
	if (x->prepared++ == 0) {
		x->count_at_prepare = audit_count(x->log);
		player_get_state(x->player, &st);
		x->stopped_at_prepare = st.stopped && !st.loading;
	}
	if (x->fail_prepare) {
		cause_set(cause, "no player here");
		return NULL;
	}
	return x->player;
}

/* The newest entry's action and details (caller frees *details). */
static void
newest(struct fix *x, char *action, size_t len, char **details)
{
	struct audit_filter f;
	struct audit_iter *it;
	struct audit_row row;
	char *cause = NULL;

	memset(&f, 0, sizeof f);
	f.newest_first = 1;
	f.after_seq = -1;
	f.limit = 1;
	it = audit_iter_new(x->log, &f, &cause);
	assert_non_null(it);
	assert_int_equal(audit_iter_next(it, &row, &cause), 1);
	snprintf(action, len, "%s", row.action);
	*details = strdup(row.details);
	audit_iter_free(it);
}

static void
open_and_close(struct fix *x, int paused)
{
	struct auditfx *af = x->fx;
	struct player_state st;
	enum view_failure fail;
	struct stat sb;
	struct view *v;
	json_t *j;
	char action[32], *details, *path, *cause = NULL;
	int64_t before = audit_count(x->log), seq, mono = 1000000;

	x->prepared = 0;
	v = view_open(x->log, af->state, &x->d, &x->pr, paused, prepare, x,
	    mono, T0, &fail, &cause);
	if (v == NULL)
		fail_msg("view_open: %s", cause);
	/* Invariant 1: the player was handed over only after the view-start
	 * was committed, and had nothing loaded then. */
	assert_int_equal(x->prepared, 1);
	assert_int_equal(x->count_at_prepare, before + 1);
	assert_true(x->stopped_at_prepare);
	seq = view_seq(v);
	assert_int_equal(seq, before);
	newest(x, action, sizeof action, &details);
	assert_string_equal(action, "view-start");
	free(details);
	player_get_state(x->player, &st);
	assert_false(st.stopped);
	assert_int_equal(st.paused, paused);
	assert_non_null(strstr(view_watermark_text(v), "alice"));
	assert_ptr_equal(view_player(v), x->player);

	/* The intervals are saved every VIEW_SAVE_MS while it plays. */
	path = views_checkpoint_path(af->state, seq);
	assert_int_equal(view_tick(v, mono + VIEW_SAVE_MS - 1, T0, &cause), 0);
	assert_int_equal(stat(path, &sb), -1);
	assert_int_equal(view_tick(v, mono + VIEW_SAVE_MS, T0, &cause), 0);
	assert_int_equal(stat(path, &sb), 0);
	assert_true(view_wait(v, mono + VIEW_SAVE_MS, T0, 1) <= VIEW_SAVE_MS);
	assert_true(view_wait(v, mono + VIEW_SAVE_MS, T0, 0) > VIEW_SAVE_MS);

	/* Invariant 2: the end says what was shown, and the file goes. */
	assert_int_equal(view_close(v, "user", &cause), 0);
	assert_int_equal(stat(path, &sb), -1);
	free(path);
	newest(x, action, sizeof action, &details);
	assert_string_equal(action, "view-end");
	j = json_loads(details, 0, NULL);
	assert_non_null(j);
	assert_int_equal(json_integer_value(json_object_get(j, "view")), seq);
	assert_string_equal(json_string_value(json_object_get(j, "end")),
	    "user");
	assert_true(json_is_array(json_object_get(j, "shown")));
	json_decref(j);
	free(details);
	player_get_state(x->player, &st);
	assert_true(st.stopped);
}

/* The player screen: playing. */
static void
test_play(void **state)
{
	open_and_close(*state, 0);
}

/* The wizard's preview: paused on its first frame. */
static void
test_preview(void **state)
{
	open_and_close(*state, 1);
}

/* A view-start that cannot be written, at each fault point of the
 * append: nothing is prepared, nothing loaded. */
static void
test_log_fails(void **state)
{
	struct fix *x = *state;
	struct auditfx *af = x->fx;
	struct player_state st;
	enum view_failure fail;
	struct view *v;
	char *cause = NULL;
	int n, points;

	/* How many fault points an append reaches. */
	fault_after("audit", 0, FAULT_ERROR);
	assert_true(audit_append(x->log, &(struct audit_entry){ .actor = "x",
	    .action = "note" }, &cause) >= 0);
	points = fault_points();
	assert_true(points >= 2);
	for (n = 1; n <= points; n++) {
		fault_after("audit", n, FAULT_ERROR);
		x->prepared = 0;
		v = view_open(x->log, af->state, &x->d, &x->pr, n % 2, prepare,
		    x, 0, T0, &fail, &cause);
		fault_after("audit", 0, FAULT_ERROR);
		assert_null(v);
		assert_int_equal(fail, VIEW_FAIL_LOG);
		assert_non_null(cause);
		free(cause);
		cause = NULL;
		assert_false(x->prepared);
		player_get_state(x->player, &st);
		assert_true(st.stopped);
		assert_false(st.loading);
		/* A key state the injected fault left behind is brought in
		 * line by the next open. */
		audit_close(x->log);
		x->log = auditfx_open(af);
		audit_set_witness_socket(x->log, NULL);
	}
}

/* A player that cannot start: the view ends at once as "error", with
 * nothing shown. */
static void
test_player_fails(void **state)
{
	struct fix *x = *state;
	struct auditfx *af = x->fx;
	enum view_failure fail;
	struct stat sb;
	char action[32], *details, *path, *cause = NULL;
	json_t *j;
	int64_t seq = audit_count(x->log);

	x->fail_prepare = 1;
	assert_null(view_open(x->log, af->state, &x->d, &x->pr, 0, prepare, x,
	    0, T0, &fail, &cause));
	assert_int_equal(fail, VIEW_FAIL_PLAYER);
	assert_string_equal(cause, "no player here");
	free(cause);
	newest(x, action, sizeof action, &details);
	assert_string_equal(action, "view-end");
	j = json_loads(details, 0, NULL);
	assert_int_equal(json_integer_value(json_object_get(j, "view")), seq);
	assert_string_equal(json_string_value(json_object_get(j, "end")),
	    "error");
	assert_int_equal(json_array_size(json_object_get(j, "shown")), 0);
	json_decref(j);
	free(details);
	path = views_checkpoint_path(af->state, seq);
	assert_int_equal(stat(path, &sb), -1);
	free(path);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_play, setup, teardown),
		cmocka_unit_test_setup_teardown(test_preview, setup, teardown),
		cmocka_unit_test_setup_teardown(test_log_fails, setup, teardown),
		cmocka_unit_test_setup_teardown(test_player_fails, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
