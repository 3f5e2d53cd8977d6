/* view — a logged view's lifecycle (DESIGN.md invariants 1 and 2): the
 * view-start before anything is loaded, the intervals saved while it
 * plays, the watermark renewed each minute, and view-end with what was
 * shown.  The player screen and the export wizard's preview both open
 * their views here. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "player/player.h"
#include "session/session.h"
#include "util/util.h"

struct view {
	struct audit_log	*log;
	struct player		*player;
	struct views_decl	 d;
	char			*actor, *camera, *code, *reference;
	char			*authority, *note, *terminal;
	int64_t			 seq;
	char			*save_path;	/* the intervals, while it plays */
	int64_t			 last_save;	/* monotonic ms */
	int64_t			 wm_minute;	/* wall-clock minute of the mark */
	char			*wm_text;
};

static void view_free(struct view *);
static int view_watermark(struct view *, int64_t wall_ms, char **cause);

/* The view keeps its own copy of the declaration (the screen's strings
 * may change while it plays). */
static void
view_copy_decl(struct view *v, const struct views_decl *d)
{
	v->d = *d;
	v->d.actor = v->actor = xstrdup(d->actor != NULL ? d->actor : "");
	v->d.camera = v->camera = xstrdup(d->camera != NULL ? d->camera : "");
	v->d.code = v->code = xstrdup(d->code != NULL ? d->code : "");
	v->d.reference = v->reference = xstrdup(d->reference != NULL ?
	    d->reference : "");
	v->d.authority = v->authority = xstrdup(d->authority != NULL ?
	    d->authority : "");
	v->d.note = v->note = xstrdup(d->note != NULL ? d->note : "");
	v->d.terminal = v->terminal = xstrdup(d->terminal != NULL ?
	    d->terminal : "");
}

static void
view_free(struct view *v)
{
	free(v->actor);
	free(v->camera);
	free(v->code);
	free(v->reference);
	free(v->authority);
	free(v->note);
	free(v->terminal);
	free(v->save_path);
	free(v->wm_text);
	free(v);
}

/* Sets the watermark for the minute of wall_ms. */
static int
view_watermark(struct view *v, int64_t wall_ms, char **cause)
{
	free(v->wm_text);
	v->wm_text = player_watermark_text(v->d.actor, v->d.code,
	    v->d.reference, wall_ms);
	v->wm_minute = wall_ms / 60000;
	return player_set_watermark(v->player, v->wm_text, cause);
}

struct view *
view_open(struct audit_log *log, const char *audit_state,
    const struct views_decl *d, const struct player_range *pr, int paused,
    view_prepare_fn prepare, void *arg, int64_t mono_ms, int64_t wall_ms,
    enum view_failure *fail, char **cause)
{
	struct view *v;
	char *why = NULL;

	v = xcalloc(1, sizeof *v);
	view_copy_decl(v, d);
	v->log = log;
	/* Invariant 1: the record first, durably; nothing loads without
	 * it. */
	if ((v->seq = views_start(log, &v->d, cause)) < 0) {
		*fail = VIEW_FAIL_LOG;
		view_free(v);
		return NULL;
	}
	v->save_path = views_checkpoint_path(audit_state, v->seq);
	if ((v->player = prepare(arg, cause)) == NULL ||
	    view_watermark(v, wall_ms, cause) == -1 ||
	    player_load(v->player, pr, paused, cause) == -1) {
		*fail = VIEW_FAIL_PLAYER;
		/* Nothing was shown: the view ends at once. */
		if (views_end(log, v->seq, &v->d, NULL, "error", &why) == -1)
			free(why);
		else
			unlink(v->save_path);
		view_free(v);
		return NULL;
	}
	/* The first save comes with the first tick (nothing is shown yet; a
	 * crash before it is closed from the view-start). */
	v->last_save = mono_ms;
	return v;
}

int64_t
view_seq(const struct view *v)
{
	return v->seq;
}

struct player *
view_player(const struct view *v)
{
	return v->player;
}

const char *
view_watermark_text(const struct view *v)
{
	return v->wm_text;
}

int
view_tick(struct view *v, int64_t mono_ms, int64_t wall_ms, char **message)
{
	char *why = NULL;
	int rc = 0;

	/* A capped code: time on screen counts too (a paused frame left up
	 * reaches the cap; the player ends the playback). */
	if (v->d.cap_ms > 0)
		(void)player_check_cap(v->player);
	if (mono_ms - v->last_save >= VIEW_SAVE_MS) {
		v->last_save = mono_ms;
		if (player_view_checkpoint(v->player, v->save_path, &why) == -1) {
			cause_set(message, "The intervals cannot be saved: %s",
			    why);
			free(why);
			why = NULL;
			rc = -1;
		}
	}
	if (wall_ms / 60000 != v->wm_minute &&
	    view_watermark(v, wall_ms, &why) == -1) {
		if (rc == 0)
			cause_set(message, "The watermark cannot be renewed: "
			    "%s", why);
		free(why);
		rc = -1;
	}
	return rc;
}

int64_t
view_wait(const struct view *v, int64_t mono_ms, int64_t wall_ms,
    int playing)
{
	int64_t w, c;

	w = 60000 - wall_ms % 60000 + 5;	/* the watermark's minute */
	if (v->d.cap_ms > 0 && (c = player_cap_left(v->player)) >= 0 && c < w)
		w = c;
	if (playing) {
		c = v->last_save + VIEW_SAVE_MS - mono_ms;
		if (c < 0)
			c = 0;
		if (c < w)
			w = c;
	}
	return w;
}

int
view_close(struct view *v, const char *how, char **cause)
{
	struct player_state st;
	char *json;
	int rc;

	player_get_state(v->player, &st);
	if (!st.stopped && !st.shutdown)
		(void)player_stop(v->player, NULL);
	json = player_view_json(v->player);
	rc = views_end(v->log, v->seq, &v->d, json, how, cause);
	free(json);
	if (rc == 0)
		unlink(v->save_path);
	view_free(v);
	return rc;
}
