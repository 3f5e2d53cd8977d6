/* wizard_masks — the export wizard's masks (tui/wizard.c): the list and
 * the editor of boxes and times, and the preview of the frame at a mask's
 * time through the player with the export's own filter graph, logged as a
 * view (session/view.c). */
#include <curses.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "audit/audit.h"
#include "auth/auth.h"
#include "config/config.h"
#include "export/export.h"
#include "footage/footage.h"
#include "player/player.h"
#include "tui/tui.h"
#include "tui/wizard_int.h"
#include "util/util.h"

static int wz_masks_check(struct wizard *w);
static void wz_decl(const struct wizard *w, struct views_decl *d);
static int wz_ensure_player(struct wizard *w, char **cause);
static struct player *wz_view_player(void *arg, char **cause);
static void wz_preview_apply(struct wizard *w);
static void wz_numeric_open(struct wizard *w);
static int wz_numeric_apply(struct wizard *w);
static void wz_key_numeric(struct wizard *w, int key);

/* ---- Masks --------------------------------------------------------------- */

/* The masks as the export reads them; NULL with *cause when one is
 * refused. */
struct mask_list *
wz_mask_list(struct wizard *w, char **cause)
{
	struct mask_list *ml;
	char spec[MASK_SPEC_MAX], *why = NULL;
	size_t i;

	if ((ml = mask_list_new(cause)) == NULL)
		return NULL;
	for (i = 0; i < w->nmasks; i++) {
		if (maskedit_format(&w->masks[i], spec, sizeof spec) == -1 ||
		    mask_list_add(ml, spec, w->from_ms, w->frame_w, w->frame_h,
		    &why) == -1) {
			cause_set(cause, "mask %zu: %s", i + 1, why != NULL ?
			    why : "too long");
			free(why);
			mask_list_free(ml);
			return NULL;
		}
	}
	return ml;
}

/* Checks every mask, and their times against the range. */
static int
wz_masks_check(struct wizard *w)
{
	struct mask_list *ml;
	char *cause = NULL;
	int rc;

	if ((ml = wz_mask_list(w, &cause)) == NULL) {
		wz_say(w, 1, "%s.", cause);
		free(cause);
		return -1;
	}
	rc = mask_list_validate(ml, w->from_ms, w->to_ms, &cause);
	mask_list_free(ml);
	if (rc == -1) {
		wz_say(w, 1, "%s.", cause);
		free(cause);
		return -1;
	}
	return 0;
}

/* Forgets the previewed camera's pieces. */
void
wz_free_range(struct wizard *w)
{
	if (w->have_range)
		catalog_range_free(&w->range);
	w->have_range = 0;
	free(w->pieces);
	w->pieces = NULL;
	w->npieces = 0;
}

/* The preview view's declaration: the export's reason and reference. */
static void
wz_decl(const struct wizard *w, struct views_decl *d)
{
	memset(d, 0, sizeof *d);
	d->actor = w->user;
	d->camera = w->view_camera;
	d->from_ms = w->from_ms;
	d->to_ms = w->to_ms;
	d->code = wz_reason(w)->code;
	d->reference = w->pf[PF_REFERENCE].text;
	d->authority = w->pf[PF_REQUESTER].text;
	d->note = "export mask editor";
	d->terminal = w->terminal;
	d->playable_ms = w->have_range ? w->range.playable_ms : 0;
}

/* A player for the preview (libmpv is loaded by the first one). */
static int
wz_ensure_player(struct wizard *w, char **cause)
{
	if (w->player != NULL)
		return 0;
	if ((w->player = playscreen_player_new(&w->vo, 0, cause)) == NULL)
		return -1;
	return 0;
}

/* The player for the preview's view, once its view-start is committed
 * (view_open()): its picture area set; nothing loaded. */
static struct player *
wz_view_player(void *arg, char **cause)
{
	struct wizard *w = arg;

	if (wz_ensure_player(w, cause) == -1)
		return NULL;
	if (player_vo_is_terminal(player_vo(w->player)) &&
	    player_set_terminal_area(w->player, LINES - WZ_PIC_ROWS, COLS,
	    cause) == -1)
		return NULL;
	return w->player;
}

/* Shows the frame at the mask step's time: a view of the previewed
 * camera, logged with the export's reason before anything is loaded. */
void
wz_preview_start(struct wizard *w)
{
	struct player_item *items;
	struct player_range pr;
	struct views_decl d;
	enum view_failure fail;
	char *why = NULL;
	size_t i, k = 0, n = 0;
	const char *camera = NULL;

	if (w->view_open)
		return;
	/* The pcam-th chosen camera (the first when there are fewer). */
	for (i = 0; i < w->ncams; i++)
		if (w->chosen[i] && n++ == w->pcam)
			camera = w->cams[i].name;
	if (camera == NULL) {
		for (i = 0; i < w->ncams && camera == NULL; i++)
			if (w->chosen[i])
				camera = w->cams[i].name;
		w->pcam = 0;
	}
	if (camera == NULL)
		return;
	wz_free_range(w);
	if (w->player == NULL)
		probe_silence_libav();
	if (catalog_range(w->cat, camera, w->from_ms, w->to_ms, &w->range,
	    &why) == -1) {
		wz_say(w, 1, "The catalog cannot be read (%s): no picture; the "
		    "masks can still be typed.", why);
		free(why);
		return;
	}
	w->have_range = 1;
	w->pieces = xcalloc(w->range.n + 1, sizeof *w->pieces);
	items = xcalloc(w->range.n + 1, sizeof *items);
	for (i = 0; i < w->range.n; i++) {
		const struct catalog_piece *pc = &w->range.pieces[i];

		if (pc->path == NULL || (pc->status != CATALOG_OK &&
		    pc->status != CATALOG_PARTIAL) || pc->length_ms <= 0)
			continue;
		items[k].path = w->pieces[k].path = pc->path;
		items[k].start_ms = w->pieces[k].start_ms = pc->from_ms;
		items[k].offset_ms = w->pieces[k].offset_ms = pc->offset_ms;
		items[k].length_ms = w->pieces[k].length_ms = pc->length_ms;
		k++;
	}
	w->npieces = k;
	if (k == 0) {
		free(items);
		wz_say(w, 1, "%s has no playable footage in the range: no "
		    "picture.", camera);
		return;
	}
	if (clip_frame_size(w->pieces[0].path, &w->frame_w, &w->frame_h,
	    &why) == -1) {
		wz_say(w, 1, "The frame size cannot be read (%s): the live "
		    "redaction is off.", why);
		free(why);
		why = NULL;
		w->frame_w = w->frame_h = 0;
	}
	free(w->view_camera);
	w->view_camera = xstrdup(camera);
	memset(&pr, 0, sizeof pr);
	pr.from_ms = w->from_ms;
	pr.to_ms = w->to_ms;
	pr.items = items;
	pr.n_items = k;
	/* Invariants 1 and 2: session/view.c; the preview holds its first
	 * frame. */
	wz_decl(w, &d);
	w->view = view_open(w->log, config_audit_state(w->cfg), &d, &pr, 1,
	    wz_view_player, w, clock_mono_ms(), clock_now_ms(), &fail, &why);
	if (w->view == NULL) {
		free(items);
		if (fail == VIEW_FAIL_LOG)
			wz_say(w, 1, "No picture: the audit log cannot be written "
			    "(%s). The masks can still be typed.", why);
		else
			wz_say(w, 1, "The player could not start (%s): no "
			    "picture; the masks can still be typed.", why);
		free(why);
		return;
	}
	w->view_open = 1;
	w->view_seq = view_seq(w->view);
	free(items);
	wz_preview_apply(w);
	if (player_vo_is_terminal(player_vo(w->player)))
		clearok(curscr, TRUE);
}

/* Ends the preview's view with how, logging what was shown. */
void
wz_preview_end(struct wizard *w, const char *how)
{
	char *why = NULL;

	if (!w->view_open)
		return;
	w->view_open = 0;
	/* The next preview starts without the masks' filters. */
	(void)player_set_filters(w->player, NULL, NULL, 0, NULL);
	if (view_close(w->view, how, &why) == -1) {
		wz_say(w, 1, "The end of view #%lld could not be written to the "
		    "audit log: %s", (long long)w->view_seq, why);
		free(why);
	}
	w->view = NULL;
	/* The next preview is seen again (the help switched it off). */
	if (player_hidden(w->player))
		(void)player_hide(w->player, 0, NULL);
	clearok(curscr, TRUE);
}

/* The filters for the frame shown: the export's graph when the live
 * redaction is on, and outlines of the masks that apply at that time. */
static void
wz_preview_apply(struct wizard *w)
{
	struct player_box box[MASKEDIT_MAX];
	struct mask_list *ml = NULL;
	char *vf = NULL, *why = NULL;
	size_t i, n = 0;
	int32_t x, y;

	if (!w->view_open || w->player == NULL)
		return;
	for (i = 0; w->outlines && i < w->nmasks; i++) {
		if (!maskedit_applies(&w->masks[i], w->at_ms))
			continue;
		maskedit_at(&w->masks[i], w->at_ms, &x, &y);
		box[n].x = x / (double)MASKEDIT_UNIT;
		box[n].y = y / (double)MASKEDIT_UNIT;
		box[n].w = w->masks[i].w / (double)MASKEDIT_UNIT;
		box[n].h = w->masks[i].h / (double)MASKEDIT_UNIT;
		box[n].selected = i == w->sel;
		n++;
	}
	if (w->live && w->nmasks > 0 && w->frame_w > 0) {
		if ((ml = wz_mask_list(w, &why)) == NULL ||
		    (vf = redact_mpv_vf(ml, w->pieces, w->npieces, w->frame_w,
		    w->frame_h, &why)) == NULL) {
			wz_say(w, 1, "No live redaction: %s.", why);
			free(why);
			why = NULL;
		}
		mask_list_free(ml);
	}
	if (player_set_filters(w->player, vf, box, n, &why) == -1) {
		wz_say(w, 1, "The picture cannot be filtered: %s.", why);
		free(why);
	}
	free(vf);
}

/* Shows the frame at at_ms. */
void
wz_preview_seek(struct wizard *w)
{
	char *why = NULL;

	if (w->at_ms < w->from_ms)
		w->at_ms = w->from_ms;
	if (w->at_ms > w->to_ms - 1)
		w->at_ms = w->to_ms - 1;
	if (!w->view_open || w->player == NULL)
		return;
	if (player_show_still(w->player, w->at_ms, &why) == -1) {
		wz_say(w, 1, "%s", why);
		free(why);
	}
	wz_preview_apply(w);
}

/* Opens the form with the selected mask's values. */
static void
wz_numeric_open(struct wizard *w)
{
	struct maskedit_mask *m = &w->masks[w->sel];
	char buf[64];
	int64_t d;

	w->numeric = 1;
	w->nfocus = NF_X;
	w->nmode = m->mode;
	wz_field_set(&w->nf[NF_MODE], 16, maskedit_mode_name(m->mode));
	maskedit_pct(m->x, buf, sizeof buf);
	wz_field_set(&w->nf[NF_X], 12, buf);
	maskedit_pct(m->y, buf, sizeof buf);
	wz_field_set(&w->nf[NF_Y], 12, buf);
	maskedit_pct(m->w, buf, sizeof buf);
	wz_field_set(&w->nf[NF_W], 12, buf);
	maskedit_pct(m->h, buf, sizeof buf);
	wz_field_set(&w->nf[NF_H], 12, buf);
	d = m->from_ms - w->from_ms;
	snprintf(buf, sizeof buf, "+%lld", (long long)(d / 1000));
	if (d % 1000 != 0)
		snprintf(buf, sizeof buf, "+%lld.%03lld", (long long)(d / 1000),
		    (long long)(d % 1000));
	wz_field_set(&w->nf[NF_FROM], 40, buf);
	if (m->to_ms == MASKEDIT_OPEN) {
		snprintf(buf, sizeof buf, "end");
	} else {
		d = m->to_ms - w->from_ms;
		snprintf(buf, sizeof buf, "+%lld", (long long)(d / 1000));
		if (d % 1000 != 0)
			snprintf(buf, sizeof buf, "+%lld.%03lld",
			    (long long)(d / 1000), (long long)(d % 1000));
	}
	wz_field_set(&w->nf[NF_TO], 40, buf);
	w->msg[0] = '\0';
}

/* Checks the form and applies it to the selected mask. */
static int
wz_numeric_apply(struct wizard *w)
{
	static const char *const names[NF_COUNT] = {
		"mode", "x", "y", "w", "h", "from", "to"
	};
	struct maskedit_mask m = w->masks[w->sel];
	int32_t v[5];
	int64_t from, to;
	size_t dropped;
	int f;

	for (f = NF_X; f <= NF_H; f++) {
		if (maskedit_parse_pct(w->nf[f].text, &v[f]) == -1) {
			wz_say(w, 1, "%s: '%s' is not a percentage (e.g. 12.5, "
			    "at most two decimals).", names[f], w->nf[f].text);
			w->nfocus = f;
			return -1;
		}
		if (v[f] < (f >= NF_W ? MASKEDIT_MIN : 0) ||
		    v[f] > MASKEDIT_UNIT) {
			wz_say(w, 1, "%s: %s is outside %s..100%%.", names[f],
			    w->nf[f].text, f >= NF_W ? "1" : "0");
			w->nfocus = f;
			return -1;
		}
	}
	if (v[NF_X] + v[NF_W] > MASKEDIT_UNIT || v[NF_Y] + v[NF_H] >
	    MASKEDIT_UNIT) {
		wz_say(w, 1, "The box reaches past the frame: x + w and y + h "
		    "must be at most 100%%.");
		return -1;
	}
	if (maskedit_parse_time(w->nf[NF_FROM].text, w->from_ms, 0, &from) ==
	    -1) {
		wz_say(w, 1, "from: '%s' is not a time (+S, +M:SS, HH:MM:SS or "
		    "a date and time).", w->nf[NF_FROM].text);
		w->nfocus = NF_FROM;
		return -1;
	}
	if (maskedit_parse_time(w->nf[NF_TO].text, w->from_ms, 1, &to) == -1) {
		wz_say(w, 1, "to: '%s' is not a time (+S, +M:SS, HH:MM:SS, a "
		    "date and time, or end).", w->nf[NF_TO].text);
		w->nfocus = NF_TO;
		return -1;
	}
	if (from >= w->to_ms || (to != MASKEDIT_OPEN && to <= w->from_ms)) {
		wz_say(w, 1, "The mask's time does not meet the export's "
		    "range.");
		return -1;
	}
	m.mode = w->nmode;
	m.w = v[NF_W];
	m.h = v[NF_H];
	if (maskedit_set_time(&m, from, to, &dropped) == -1) {
		wz_say(w, 1, "to must be after from.");
		w->nfocus = NF_TO;
		return -1;
	}
	m.x = v[NF_X];
	m.y = v[NF_Y];
	maskedit_resize(&m, 0, 0);
	w->masks[w->sel] = m;
	w->numeric = 0;
	if (dropped > 0)
		wz_say(w, 0, "Mask %zu set; %zu keyframe%s outside its new time "
		    "dropped.", w->sel + 1, dropped, dropped == 1 ? "" : "s");
	else
		wz_say(w, 0, "Mask %zu set.", w->sel + 1);
	wz_preview_apply(w);
	return 0;
}

/* A key in the mask form. */
static void
wz_key_numeric(struct wizard *w, int key)
{
	struct wz_field *f;

	switch (key) {
	case 27:
		w->numeric = 0;
		wz_say(w, 0, "Not changed.");
		return;
	case '\t': case KEY_DOWN:
		w->nfocus = (w->nfocus + 1) % NF_COUNT;
		return;
	case KEY_BTAB: case KEY_UP:
		w->nfocus = (w->nfocus + NF_COUNT - 1) % NF_COUNT;
		return;
	case '\r': case '\n': case KEY_ENTER:
		(void)wz_numeric_apply(w);
		return;
	}
	if (w->nfocus == NF_MODE) {
		if (key == ' ' || key == KEY_RIGHT || key == KEY_LEFT) {
			w->nmode = (enum maskedit_mode)((w->nmode + (key ==
			    KEY_LEFT ? 2 : 1)) % 3);
		} else if (key == 'b' || key == 'p' || key == 's') {
			w->nmode = key == 'b' ? MASKEDIT_BLUR : key == 'p' ?
			    MASKEDIT_PIXELATE : MASKEDIT_SOLID;
		}
		wz_field_set(&w->nf[NF_MODE], 16, maskedit_mode_name(w->nmode));
		return;
	}
	f = &w->nf[w->nfocus];
	(void)field_key(f->text, &f->len, f->max, key);
}

/* A key on the mask step. */
void
wz_key_masks(struct wizard *w, int key)
{
	struct maskedit_mask *m = w->nmasks > 0 ? &w->masks[w->sel] : NULL;
	const char *why;
	int big = 0, moved = 0, seek = 0;
	int32_t d;

	if (w->numeric) {
		wz_key_numeric(w, key);
		return;
	}
	w->msg[0] = '\0';
	switch (key) {
	case KEY_SLEFT: case KEY_SRIGHT: case KEY_SR: case KEY_SF:
		big = 1;
		break;
	}
	d = big ? WZ_BIG_PCT : WZ_STEP_PCT;
	switch (key) {
	case 'a':
		if (w->nmasks == MASKEDIT_MAX) {
			wz_say(w, 1, "At most %d masks.", MASKEDIT_MAX);
			break;
		}
		maskedit_init(&w->masks[w->nmasks], w->from_ms, MASKEDIT_OPEN);
		w->sel = w->nmasks++;
		wz_say(w, 0, "Mask %zu added: move it with the arrows, size it "
		    "with H J K L, n to type its values.", w->sel + 1);
		moved = 1;
		break;
	case 'd': case KEY_DC:
		if (m == NULL)
			break;
		memmove(&w->masks[w->sel], &w->masks[w->sel + 1],
		    (w->nmasks - w->sel - 1) * sizeof *w->masks);
		w->nmasks--;
		if (w->sel > 0 && w->sel >= w->nmasks)
			w->sel--;
		wz_say(w, 0, "Mask removed.");
		moved = 1;
		break;
	case '\t': case KEY_BTAB:
		if (w->nmasks > 1)
			w->sel = (w->sel + (key == '\t' ? 1 : w->nmasks - 1)) %
			    w->nmasks;
		moved = 1;
		break;
	case KEY_LEFT: case KEY_SLEFT: case 'h':
	case KEY_RIGHT: case KEY_SRIGHT: case 'l':
	case KEY_UP: case KEY_SR: case 'k':
	case KEY_DOWN: case KEY_SF: case 'j':
		if (m == NULL) {
			wz_say(w, 0, "No mask yet: a adds one.");
			break;
		}
		if (maskedit_move(m, w->at_ms,
		    key == KEY_LEFT || key == KEY_SLEFT || key == 'h' ? -d :
		    key == KEY_RIGHT || key == KEY_SRIGHT || key == 'l' ? d : 0,
		    key == KEY_UP || key == KEY_SR || key == 'k' ? -d :
		    key == KEY_DOWN || key == KEY_SF || key == 'j' ? d : 0) ==
		    -1)
			wz_say(w, 1, "A mask has at most %d keyframes here.",
			    MASKEDIT_KEYS);
		moved = 1;
		break;
	case 'H': case 'L': case 'K': case 'J':
		if (m == NULL)
			break;
		maskedit_resize(m, key == 'H' ? -WZ_STEP_PCT : key == 'L' ?
		    WZ_STEP_PCT : 0, key == 'K' ? -WZ_STEP_PCT : key == 'J' ?
		    WZ_STEP_PCT : 0);
		moved = 1;
		break;
	case 'm':
		if (m == NULL)
			break;
		m->mode = (enum maskedit_mode)((m->mode + 1) % 3);
		moved = 1;
		break;
	case 'f':
		if (m == NULL)
			break;
		if (maskedit_key_add(m, w->at_ms, &why) == -1)
			wz_say(w, 1, "No keyframe: %s.", why);
		else
			wz_say(w, 0, "Keyframe at the frame shown: move the box "
			    "there; between keyframes it moves in a straight "
			    "line.");
		moved = 1;
		break;
	case 'F':
		if (m == NULL)
			break;
		if (maskedit_key_remove(m, w->at_ms) == -1)
			wz_say(w, 0, "No keyframe at the frame shown.");
		moved = 1;
		break;
	case 'n': case 'e':
		if (m == NULL) {
			wz_say(w, 0, "No mask yet: a adds one.");
			break;
		}
		wz_numeric_open(w);
		break;
	case ',': case '.':
		w->at_ms += key == ',' ? -1000 : 1000;
		seek = 1;
		break;
	case '<': case '>':
		w->at_ms += key == '<' ? -10000 : 10000;
		seek = 1;
		break;
	case '[': case ']':
		/* To the previous or next keyframe of the mask. */
		if (m == NULL)
			break;
		{
			int64_t t = key == '[' ? m->from_ms : w->at_ms;
			size_t i;

			if (key == '[') {
				for (i = 0; i < m->nkeys; i++)
					if (m->keys[i].t_ms < w->at_ms)
						t = m->keys[i].t_ms;
			} else {
				for (i = 0; i < m->nkeys; i++)
					if (m->keys[i].t_ms > w->at_ms) {
						t = m->keys[i].t_ms;
						break;
					}
			}
			w->at_ms = t;
		}
		seek = 1;
		break;
	case 'p':
		w->live = !w->live;
		wz_say(w, 0, "Live redaction %s.", w->live ? "on: the picture "
		    "goes through the export's own filter graph" : "off");
		moved = 1;
		break;
	case 'o':
		w->outlines = !w->outlines;
		moved = 1;
		break;
	case 'v':
		if (w->view_open) {
			wz_preview_end(w, "stop");
			wz_say(w, 0, "Picture off: the view ended and is logged.");
		} else {
			wz_preview_start(w);
		}
		break;
	case 'c':
		{
			size_t i, n = 0;

			for (i = 0; i < w->ncams; i++)
				n += w->chosen[i];
			if (n < 2)
				break;
			wz_preview_end(w, "camera");
			w->pcam = (w->pcam + 1) % n;
			wz_preview_start(w);
		}
		break;
	case '\r': case '\n': case KEY_ENTER:
		if (wz_masks_check(w) == -1)
			break;
		wz_preview_end(w, "done");
		wz_to_target(w);
		if (w->nmasks == 0 && w->step == STEP_TARGET)
			wz_say(w, 0, "No masks: the clips are re-encoded with "
			    "nothing hidden.");
		break;
	default:
		wz_say(w, 0, "Unknown key: ? shows every key of this step.");
		break;
	}
	if (seek)
		wz_preview_seek(w);
	else if (moved)
		wz_preview_apply(w);
}
