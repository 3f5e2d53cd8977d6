/* wizard — the export wizard (e in the footage browser, exporter role):
 * range, purpose, mode, masks (with the frame shown through the player and
 * the export's own filter graph as a live preview, logged as a view),
 * target, second-person approval, progress and summary.  A screen state of
 * term.c's main loop: it never waits on its own, so the idle lock and the
 * clock go on while it is open, and an export runs on the job's thread
 * while the screen keeps drawing.
 *
 * This file: the state machine (range, purpose, mode, target), the keys,
 * the main loop's hooks and the drawing; the masks and their preview are
 * wizard_masks.c, the approval, the key and the run wizard_run.c. */
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

static void wz_clock(int64_t t, char *buf, size_t len);
static void wz_size(int64_t bytes, char *buf, size_t len);
static void wz_span(int64_t ms, char *buf, size_t len);
static void wz_reset(struct wizard *w);
static void wz_wipe_secrets(struct wizard *w);
static void wz_close(struct wizard *w, int error, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int wz_range_check(struct wizard *w);
static void wz_range_estimate(struct wizard *w);
static enum wizard_result wz_key_range(struct wizard *w, int key);
static int wz_pf_shown(const struct wizard *w, int f);
static void wz_legal_fill(struct wizard *w);
static const char *wz_pf_name(int f);
static int wz_pf_over(struct wizard *w, int f);
static int wz_purpose_check(struct wizard *w);
static enum wizard_result wz_key_purpose(struct wizard *w, int key);
static void wz_key_mode(struct wizard *w, int key);
static void wz_targets_load(struct wizard *w);
static void wz_request(struct wizard *w, struct job_request *rq,
    const char **cams, char *recipient, size_t rlen, struct mask_list *ml);
static void wz_target_chosen(struct wizard *w);
static void wz_key_target(struct wizard *w, int key);
static void wz_back(struct wizard *w);
static int wz_title(struct wizard *w, const struct screen_state *st,
    const char *name);
static int wz_message(struct wizard *w, int y, int rows);
static void wz_draw_range(struct wizard *w, int y);
static void wz_draw_purpose(struct wizard *w, int y);
static void wz_draw_mode(struct wizard *w, int y);
static int wz_draw_mask_lines(struct wizard *w, int y, int rows);
static void wz_draw_masks(struct wizard *w, const struct screen_state *st);
static void wz_draw_target(struct wizard *w, int y);
static int wz_summary(struct wizard *w, int y);
static void wz_draw_approval(struct wizard *w, int y);
static void wz_draw_key(struct wizard *w, int y);
static void wz_draw_run(struct wizard *w, int y);
static void wz_draw_done(struct wizard *w, int y);
static void wz_draw_help(struct wizard *w, const struct screen_state *st);
static void wz_help(struct wizard *w, int on);

/* The step's message (error 1: red). */
void
wz_say(struct wizard *w, int error, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(w->msg, sizeof w->msg, fmt, ap);
	va_end(ap);
	w->msg_error = error;
}

/* "YYYY-MM-DD HH:MM:SS", local time. */
static void
wz_clock(int64_t t, char *buf, size_t len)
{
	struct tm tm;
	time_t s = (time_t)(t / 1000);

	localtime_r(&s, &tm);
	strftime(buf, len, "%Y-%m-%d %H:%M:%S", &tm);
}

/* Sets a field's text (cut at a character within what it holds) and
 * limit. */
void
wz_field_set(struct wz_field *f, size_t max, const char *text)
{
	size_t n = strlen(text);

	sodium_memzero(f->text, sizeof f->text);
	f->max = max < WZ_FIELD_CAP ? max : WZ_FIELD_CAP;
	if (n > sizeof f->text - 1) {
		/* Cut at a character's start. */
		n = sizeof f->text - 1;
		while (n > 0 && ((unsigned char)text[n] & 0xc0) == 0x80)
			n--;
	}
	memcpy(f->text, text, n);
	f->len = n;
}

/* "1.2 GB", "340 MB", "12 kB". */
static void
wz_size(int64_t bytes, char *buf, size_t len)
{
	if (bytes >= INT64_C(1) << 30)
		snprintf(buf, len, "%.1f GB", (double)bytes / (1 << 30));
	else if (bytes >= 1 << 20)
		snprintf(buf, len, "%.0f MB", (double)bytes / (1 << 20));
	else
		snprintf(buf, len, "%lld kB", (long long)((bytes + 1023) / 1024));
}

/* "1 h 02 min", "15 min 20 s", "40 s". */
static void
wz_span(int64_t ms, char *buf, size_t len)
{
	int64_t s = ms / 1000;

	if (s >= 3600)
		snprintf(buf, len, "%lld h %02lld min", (long long)(s / 3600),
		    (long long)(s / 60 % 60));
	else if (s >= 60)
		snprintf(buf, len, "%lld min %02lld s", (long long)(s / 60),
		    (long long)(s % 60));
	else
		snprintf(buf, len, "%lld s", (long long)s);
}

struct wizard *
wizard_new(const struct config *cfg, struct catalog *cat,
    struct audit_log *log, struct auth *auth, const char *terminal)
{
	struct wizard *w = xcalloc(1, sizeof *w);

	w->cfg = cfg;
	w->cat = cat;
	w->log = log;
	w->auth = auth;
	w->terminal = xstrdup(terminal);
	w->masks = xcalloc(MASKEDIT_MAX, sizeof *w->masks);
	if (player_vo_from_name(config_vo_name(config_video_output(cfg)),
	    &w->vo) == -1)
		w->vo = PLAYER_VO_AUTO;
	return w;
}

void
wizard_free(struct wizard *w)
{
	const struct player_event *ev;

	if (w == NULL)
		return;
	wizard_abandon(w, "exit");
	if (w->player != NULL) {
		(void)player_quit(w->player, NULL);
		(void)player_handle_events(w->player, &ev);
		player_free(w->player);
	}
	free(w->masks);
	free(w->terminal);
	free(w->view_camera);
	sodium_memzero(w, sizeof *w);
	free(w);
}

/* Forgets everything of the last export (the secrets wiped). */
static void
wz_reset(struct wizard *w)
{
	catalog_cameras_free(w->cams, w->ncams);
	w->cams = NULL;
	w->ncams = 0;
	free(w->chosen);
	w->chosen = NULL;
	media_list_free(w->targets, w->ntargets);
	w->targets = NULL;
	w->ntargets = 0;
	free(w->bundle);
	free(w->pubkey);
	w->bundle = NULL;
	w->pubkey = NULL;
	wz_free_range(w);
	wz_wipe_secrets(w);
}

void
wizard_open(struct wizard *w, const char *camera, int64_t from_ms,
    int64_t to_ms)
{
	char *cause = NULL, a[32];
	size_t i;
	int f;

	wz_reset(w);
	w->active = 1;
	w->step = STEP_RANGE;
	w->help = 0;
	w->msg[0] = w->closing[0] = '\0';
	snprintf(w->user, sizeof w->user, "%s", auth_user(w->auth) != NULL ?
	    auth_user(w->auth) : "");
	if (w->cat == NULL || catalog_cameras(w->cat, &w->cams, &w->ncams,
	    &cause) == -1) {
		wz_say(w, 1, "The catalog cannot be read: %s",
		    cause != NULL ? cause : "it is not open");
		free(cause);
	}
	w->chosen = xcalloc(w->ncams + 1, 1);
	for (i = 0; i < w->ncams; i++)
		if (strcmp(w->cams[i].name, camera) == 0) {
			w->chosen[i] = 1;
			w->cam_cur = i;
		}
	w->rfocus = 1;
	w->from_ms = from_ms;
	w->to_ms = to_ms;
	wz_clock(from_ms, a, sizeof a);
	wz_field_set(&w->from_f, 40, a);
	wz_clock(to_ms, a, sizeof a);
	wz_field_set(&w->to_f, 40, a);
	w->code = 0;
	/* POLICE by default when there is such a code. */
	for (i = 0; i < config_reason_count(w->cfg); i++)
		if (strcmp(config_reason_at(w->cfg, i)->code, "POLICE") == 0)
			w->code = i;
	for (f = 0; f < PF_COUNT; f++)
		wz_field_set(&w->pf[f], f == PF_LEGAL ? WZ_LEGAL_MAX :
		    f == PF_NOTE ? WZ_LEGAL_MAX : f == PF_REFERENCE ?
		    AUDIT_MAX_REFERENCE : f == PF_REQUESTER ?
		    JOB_REQUESTER_MAX : WZ_NAME_MAX, "");
	w->legal_typed = 0;
	wz_legal_fill(w);
	w->pfocus = PF_CODE;
	w->redacted = 0;
	w->nmasks = 0;
	w->sel = 0;
	w->at_ms = from_ms;
	w->live = 1;
	w->outlines = 1;
	w->numeric = 0;
	w->pcam = 0;
	w->tsel = 0;
	w->have_est = 0;
	w->approver[0] = '\0';
	w->ok = 0;
	w->cancelled = 0;
	w->cancel_ask = 0;
	wz_range_check(w);
}

int
wizard_active(const struct wizard *w)
{
	return w->active;
}

/* Wipes what was typed for the approval and the key, and the key. */
static void
wz_wipe_secrets(struct wizard *w)
{
	sodium_memzero(w->aname, sizeof w->aname);
	sodium_memzero(w->apass, sizeof w->apass);
	sodium_memzero(w->kpass, sizeof w->kpass);
	w->anlen = w->aplen = w->kplen = 0;
	w->afocus = 0;
	w->namsg = 0;
	sign_key_free(w->key);
	w->key = NULL;
}

/* Closes the wizard with the line for the browser. */
static void
wz_close(struct wizard *w, int error, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(w->closing, sizeof w->closing, fmt, ap);
	va_end(ap);
	w->closing_error = error;
	if (w->view_open)
		wz_preview_end(w, "done");
	wz_wipe_secrets(w);
	w->active = 0;
	clearok(curscr, TRUE);
}

const char *
wizard_message(const struct wizard *w, int *error)
{
	*error = w->closing_error;
	return w->closing[0] != '\0' ? w->closing : NULL;
}

/* ---- Range --------------------------------------------------------------- */

/* Parses the two times and checks the cameras; fills range_info. */
static int
wz_range_check(struct wizard *w)
{
	int64_t f, t;
	size_t i, n = 0;

	for (i = 0; i < w->ncams; i++)
		n += w->chosen[i];
	if (clock_parse(w->from_f.text, 1, &f) == -1) {
		wz_say(w, 1, "From: '%s' is not a date and time "
		    "(YYYY-MM-DD HH:MM:SS).", w->from_f.text);
		return -1;
	}
	if (clock_parse(w->to_f.text, 1, &t) == -1) {
		wz_say(w, 1, "To: '%s' is not a date and time "
		    "(YYYY-MM-DD HH:MM:SS).", w->to_f.text);
		return -1;
	}
	if (t <= f) {
		wz_say(w, 1, "The range is empty: To must be after From.");
		return -1;
	}
	w->from_ms = f;
	w->to_ms = t;
	if (n == 0) {
		wz_say(w, 1, "Choose at least one camera (Space).");
		return -1;
	}
	if (n > JOB_CAMERAS_MAX) {
		wz_say(w, 1, "At most %d cameras in one export.",
		    JOB_CAMERAS_MAX);
		return -1;
	}
	wz_range_estimate(w);
	return 0;
}

/* Footage and an estimate from the catalog, before the job API can plan
 * (it needs the purpose and the target): the share of each segment's
 * size that falls in the range; redacted at JOB_REDACTED_BPS. */
static void
wz_range_estimate(struct wizard *w)
{
	struct catalog_segment *segs;
	struct catalog_range r;
	char *cause = NULL, a[32], b[32];
	int64_t foot = 0, gaps = 0, bytes = 0, lo, hi, red;
	size_t i, k, n;

	w->range_info[0] = '\0';
	for (i = 0; i < w->ncams; i++) {
		if (!w->chosen[i])
			continue;
		if (catalog_range(w->cat, w->cams[i].name, w->from_ms, w->to_ms,
		    &r, &cause) == -1) {
			snprintf(w->range_info, sizeof w->range_info, "The "
			    "catalog cannot be read: %s", cause);
			free(cause);
			return;
		}
		foot += r.playable_ms;
		for (k = 0; k < r.n; k++)
			if (r.pieces[k].path == NULL)
				gaps += r.pieces[k].length_ms;
		catalog_range_free(&r);
		/* Segments that start before from may reach into it. */
		if (catalog_list(w->cat, w->cams[i].name, w->from_ms -
		    24 * 3600 * 1000, w->to_ms, 0, &segs, &n, &cause) == -1) {
			free(cause);
			cause = NULL;
			continue;
		}
		for (k = 0; k < n; k++) {
			if (segs[k].duration_ms <= 0)
				continue;
			lo = segs[k].start_ms > w->from_ms ? segs[k].start_ms :
			    w->from_ms;
			hi = segs[k].start_ms + segs[k].duration_ms < w->to_ms ?
			    segs[k].start_ms + segs[k].duration_ms : w->to_ms;
			if (hi > lo)
				bytes += (int64_t)((double)segs[k].size *
				    (double)(hi - lo) / (double)segs[k].duration_ms);
		}
		catalog_segments_free(segs, n);
	}
	w->playable_ms = foot;
	red = foot / 1000 * (JOB_REDACTED_BPS / 8);
	wz_span(foot, a, sizeof a);
	if (foot == 0) {
		snprintf(w->range_info, sizeof w->range_info, "No playable "
		    "footage in this range: nothing to export.");
		return;
	}
	wz_size(w->redacted && red > bytes ? red : bytes, b, sizeof b);
	snprintf(w->range_info, sizeof w->range_info, "footage %s%s%s; "
	    "about %s %s", a, gaps > 0 ? ", gaps " : "", "", b, w->redacted ?
	    "redacted" : "as recorded");
	if (gaps > 0) {
		char g[32];

		wz_span(gaps, g, sizeof g);
		snprintf(w->range_info, sizeof w->range_info, "footage %s, "
		    "no recording %s; about %s %s", a, g, b, w->redacted ?
		    "redacted" : "as recorded");
	}
}

/* A key on the range step. */
static enum wizard_result
wz_key_range(struct wizard *w, int key)
{
	struct wz_field *f = w->rfocus == 1 ? &w->from_f : &w->to_f;

	switch (key) {
	case '\t': case KEY_BTAB:
		w->rfocus = (w->rfocus + (key == '\t' ? 1 : 2)) % 3;
		return WIZARD_NONE;
	case '\r': case '\n': case KEY_ENTER:
		if (wz_range_check(w) == 0) {
			if (w->playable_ms == 0) {
				wz_say(w, 1, "There is no playable footage in "
				    "this range on the chosen cameras.");
				return WIZARD_NONE;
			}
			w->msg[0] = '\0';
			w->step = STEP_PURPOSE;
		}
		return WIZARD_NONE;
	}
	if (w->rfocus == 0) {
		switch (key) {
		case KEY_UP: case 'k':
			if (w->cam_cur > 0)
				w->cam_cur--;
			break;
		case KEY_DOWN: case 'j':
			if (w->cam_cur + 1 < w->ncams)
				w->cam_cur++;
			break;
		case ' ': case 'x':
			if (w->ncams > 0) {
				w->chosen[w->cam_cur] = !w->chosen[w->cam_cur];
				w->msg[0] = '\0';
				wz_range_check(w);
			}
			break;
		default:
			wz_say(w, 0, "Space chooses a camera; Tab goes to the "
			    "times; ? shows every key.");
			break;
		}
		return WIZARD_NONE;
	}
	if (field_key(f->text, &f->len, f->max, key) == FIELD_EDITED) {
		w->msg[0] = '\0';
		wz_range_check(w);
	}
	return WIZARD_NONE;
}

/* ---- Purpose ------------------------------------------------------------- */

/* The reason code chosen. */
const struct config_reason *
wz_reason(const struct wizard *w)
{
	return config_reason_at(w->cfg, w->code);
}

/* 1 when purpose field f is asked for with the chosen code. */
static int
wz_pf_shown(const struct wizard *w, int f)
{
	const struct config_reason *c = wz_reason(w);

	if (f == PF_NOTE)
		return (c->requires & CONFIG_REQ_NOTE) != 0 || c->note_min > 0;
	return 1;
}

/* The code's legal basis from the configuration, unless one was typed. */
static void
wz_legal_fill(struct wizard *w)
{
	if (!w->legal_typed)
		wz_field_set(&w->pf[PF_LEGAL], WZ_LEGAL_MAX,
		    wz_reason(w)->legal_basis != NULL ?
		    wz_reason(w)->legal_basis : "");
}

/* The name of purpose field f in messages. */
static const char *
wz_pf_name(int f)
{
	static const char *const names[PF_COUNT] = {
		"reason", "reference", "requester", "recipient",
		"organisation", "legal basis", "note"
	};

	return names[f];
}

/* Says so when purpose field f is over its limit; returns -1 then. */
static int
wz_pf_over(struct wizard *w, int f)
{
	if (w->pf[f].len <= w->pf[f].max)
		return 0;
	wz_say(w, 1, "The %s is at most %zu bytes and has %zu: shorten it "
	    "(it is not cut).", wz_pf_name(f), w->pf[f].max, w->pf[f].len);
	return -1;
}

/* Checks the purpose as the reason dialog does, plus what a bundle needs
 * (job_request_check(): no control characters in what goes into
 * HANDOVER.txt). */
static int
wz_purpose_check(struct wizard *w)
{
	const struct config_reason *c = wz_reason(w);
	struct job_request rq;
	char *cause = NULL, recipient[2 * WZ_FIELD_CAP + 4];
	int f;

	for (f = PF_REFERENCE; f < PF_COUNT; f++)
		if (wz_pf_shown(w, f) && wz_pf_over(w, f) == -1)
			return -1;
	if (c->cap_seconds > 0) {
		wz_say(w, 1, "%s is for routine checks with capped playback; "
		    "an export needs another reason.", c->code);
		return -1;
	}
	if (config_reason_check(w->cfg, c->code, w->pf[PF_REFERENCE].text,
	    w->pf[PF_REQUESTER].text, wz_pf_shown(w, PF_NOTE) ?
	    w->pf[PF_NOTE].text : "", &cause) == -1) {
		wz_say(w, 1, "%s.", cause);
		free(cause);
		return -1;
	}
	if (w->pf[PF_REFERENCE].len == 0) {
		wz_say(w, 1, "An export needs a reference: it names the bundle.");
		return -1;
	}
	if (w->pf[PF_REQUESTER].len == 0) {
		wz_say(w, 1, "Say who asked for the footage (requesting "
		    "authority or person).");
		return -1;
	}
	if (w->pf[PF_RECIPIENT].len == 0 || w->pf[PF_ORGANISATION].len == 0) {
		wz_say(w, 1, "Name the recipient and their organisation: they "
		    "go on the handover protocol.");
		return -1;
	}
	for (f = PF_REFERENCE; f < PF_COUNT; f++)
		if (!utf8_valid(w->pf[f].text, w->pf[f].len)) {
			wz_say(w, 1, "A field is not valid UTF-8.");
			return -1;
		}
	memset(&rq, 0, sizeof rq);
	rq.reference = w->pf[PF_REFERENCE].text;
	rq.requester = w->pf[PF_REQUESTER].text;
	snprintf(recipient, sizeof recipient, "%s, %s",
	    w->pf[PF_RECIPIENT].text, w->pf[PF_ORGANISATION].text);
	rq.recipient = recipient;
	rq.legal_basis = w->pf[PF_LEGAL].text;
	rq.note = wz_pf_shown(w, PF_NOTE) ? w->pf[PF_NOTE].text : "";
	if (job_request_check(&rq, &cause) == -1) {
		wz_say(w, 1, "%s.", cause);
		free(cause);
		return -1;
	}
	w->msg[0] = '\0';
	return 0;
}

/* A key on the purpose step. */
static enum wizard_result
wz_key_purpose(struct wizard *w, int key)
{
	size_t n = config_reason_count(w->cfg), i;
	struct wz_field *f;
	int tried = w->msg_error;

	switch (key) {
	case '\t': case KEY_BTAB:
		do
			w->pfocus = (w->pfocus + (key == '\t' ? 1 :
			    PF_COUNT - 1)) % PF_COUNT;
		while (!wz_pf_shown(w, w->pfocus));
		return WIZARD_NONE;
	case KEY_UP: case KEY_DOWN:
		if (w->pfocus == PF_CODE) {
			w->code = (w->code + (key == KEY_DOWN ? 1 : n - 1)) % n;
			wz_legal_fill(w);
		} else {
			do
				w->pfocus = (w->pfocus + (key == KEY_DOWN ? 1 :
				    PF_COUNT - 1)) % PF_COUNT;
			while (!wz_pf_shown(w, w->pfocus));
		}
		return WIZARD_NONE;
	case '\r': case '\n': case KEY_ENTER:
		if (wz_purpose_check(w) == 0)
			w->step = STEP_MODE;
		return WIZARD_NONE;
	}
	if (w->pfocus == PF_CODE) {
		/* The first letter of a code chooses it; Space the next. */
		for (i = 1; i <= n; i++) {
			const char *c = config_reason_at(w->cfg,
			    (w->code + i) % n)->code;

			if (key == ' ' || (key < 0x80 && (c[0] == key ||
			    c[0] == (key & ~0x20)))) {
				w->code = (w->code + i) % n;
				wz_legal_fill(w);
				break;
			}
		}
		if (!wz_pf_shown(w, w->pfocus))
			w->pfocus = PF_CODE;
		return WIZARD_NONE;
	}
	f = &w->pf[w->pfocus];
	/* Text over the field's limit is held whole and refused at Enter:
	 * nothing is cut without a word. */
	switch (field_key(f->text, &f->len, sizeof f->text - 1, key)) {
	case FIELD_FULL:
		(void)wz_pf_over(w, w->pfocus);
		break;
	case FIELD_EDITED:
		if (w->pfocus == PF_LEGAL)
			w->legal_typed = 1;
		/* Once Enter showed a problem, it is checked as typed. */
		if (tried)
			wz_purpose_check(w);
		else
			(void)wz_pf_over(w, w->pfocus);
		break;
	case FIELD_IGNORED:
		break;
	}
	return WIZARD_NONE;
}

/* ---- Mode ---------------------------------------------------------------- */

/* A key on the mode step. */
static void
wz_key_mode(struct wizard *w, int key)
{
	switch (key) {
	case KEY_UP: case KEY_DOWN: case ' ': case '\t': case KEY_BTAB:
		w->redacted = !w->redacted;
		break;
	case 'o':
		w->redacted = 0;
		break;
	case 'r':
		w->redacted = 1;
		break;
	case '\r': case '\n': case KEY_ENTER:
		wz_range_estimate(w);
		w->msg[0] = '\0';
		if (w->redacted) {
			w->step = STEP_MASKS;
			w->at_ms = w->from_ms;
			wz_preview_start(w);
		} else {
			wz_to_target(w);
		}
		return;
	default:
		wz_say(w, 0, "o original, r redacted, Enter next.");
		return;
	}
}

/* ---- Target -------------------------------------------------------------- */

/* Lists removable media and export roots. */
static void
wz_targets_load(struct wizard *w)
{
	char *cause = NULL;

	media_list_free(w->targets, w->ntargets);
	w->targets = NULL;
	w->ntargets = 0;
	if (media_list(NULL, config_export_roots(w->cfg), &w->targets,
	    &w->ntargets, &cause) == -1) {
		wz_say(w, 1, "The media cannot be listed: %s", cause);
		free(cause);
	}
	if (w->tsel >= w->ntargets)
		w->tsel = 0;
}

/* On to the target step. */
void
wz_to_target(struct wizard *w)
{
	w->step = STEP_TARGET;
	w->have_est = 0;
	wz_targets_load(w);
}

/* The request as chosen so far; cams has room for ncams names. */
static void
wz_request(struct wizard *w, struct job_request *rq, const char **cams,
    char *recipient, size_t rlen, struct mask_list *ml)
{
	size_t i, n = 0;

	memset(rq, 0, sizeof *rq);
	for (i = 0; i < w->ncams; i++)
		if (w->chosen[i])
			cams[n++] = w->cams[i].name;
	rq->cameras = cams;
	rq->ncameras = n;
	rq->from_ms = w->from_ms;
	rq->to_ms = w->to_ms;
	rq->mode = w->redacted ? JOB_REDACTED : JOB_ORIGINAL;
	rq->masks = w->redacted ? ml : NULL;
	rq->reason_code = wz_reason(w)->code;
	rq->reference = w->pf[PF_REFERENCE].text;
	rq->requester = w->pf[PF_REQUESTER].text;
	snprintf(recipient, rlen, "%s, %s", w->pf[PF_RECIPIENT].text,
	    w->pf[PF_ORGANISATION].text);
	rq->recipient = recipient;
	rq->legal_basis = w->pf[PF_LEGAL].text;
	rq->note = wz_pf_shown(w, PF_NOTE) ? w->pf[PF_NOTE].text : "";
	rq->target = w->ntargets > 0 ? w->targets[w->tsel].path : NULL;
	rq->exporter = w->user;
	rq->approver = w->approver[0] != '\0' ? w->approver : NULL;
	rq->terminal = w->terminal;
}

/* A planned job for the request as it stands; NULL with *cause. */
struct job *
wz_job(struct wizard *w, char **cause)
{
	struct job_request rq;
	struct mask_list *ml = NULL;
	const char **cams;
	char recipient[2 * WZ_FIELD_CAP + 4];
	struct job *j;

	if (w->redacted && (ml = wz_mask_list(w, cause)) == NULL)
		return NULL;
	cams = xcalloc(w->ncams + 1, sizeof *cams);
	wz_request(w, &rq, cams, recipient, sizeof recipient, ml);
	j = job_new(&rq, w->cfg, w->cat, cause);
	free(cams);
	mask_list_free(ml);
	return j;
}

/* Enter on a target: the plan, the space, the signing key, then the
 * approval when the code needs one. */
static void
wz_target_chosen(struct wizard *w)
{
	struct job *j;
	char *cause = NULL, a[32];
	int enc;

	if (w->ntargets == 0) {
		wz_say(w, 1, "There is nowhere to export to: plug in a USB "
		    "medium (r lists again), or configure export_roots.");
		return;
	}
	if (!w->targets[w->tsel].writable) {
		wz_say(w, 1, "%s cannot be written by vigil: choose another "
		    "target.", w->targets[w->tsel].path);
		return;
	}
	if ((j = wz_job(w, &cause)) == NULL) {
		wz_say(w, 1, "The export is refused: %s.", cause);
		free(cause);
		return;
	}
	job_estimate(j, &w->est);
	w->have_est = 1;
	if (job_check_space(j, &cause) == -1) {
		wz_say(w, 1, "%s.", cause);
		free(cause);
		job_free(j);
		return;
	}
	job_free(j);
	enc = sign_key_encrypted(config_signing_key(w->cfg), &cause);
	if (enc == -1) {
		wz_say(w, 1, "The signing key cannot be read (%s): an "
		    "administrator creates it with 'vigil keygen'.", cause);
		free(cause);
		return;
	}
	sign_key_free(w->key);
	w->key = NULL;
	if (enc == 0 && (w->key = sign_key_load(config_signing_key(w->cfg),
	    NULL, &cause)) == NULL) {
		wz_say(w, 1, "The signing key cannot be loaded: %s.", cause);
		free(cause);
		return;
	}
	wz_size(w->est.bytes, a, sizeof a);
	w->msg[0] = '\0';
	w->approver[0] = '\0';
	if (wz_reason(w)->needs_approval) {
		w->step = STEP_APPROVAL;
		w->afocus = 0;
		w->namsg = 0;
		return;
	}
	wz_after_approval(w);
}

/* The key's passphrase when it has one, then the start. */
void
wz_after_approval(struct wizard *w)
{
	if (w->key == NULL) {
		w->step = STEP_KEY;
		w->kplen = 0;
		sodium_memzero(w->kpass, sizeof w->kpass);
		return;
	}
	wz_start(w);
}

/* A key on the target step. */
static void
wz_key_target(struct wizard *w, int key)
{
	switch (key) {
	case KEY_UP: case 'k':
		if (w->tsel > 0)
			w->tsel--;
		w->have_est = 0;
		break;
	case KEY_DOWN: case 'j':
		if (w->tsel + 1 < w->ntargets)
			w->tsel++;
		w->have_est = 0;
		break;
	case 'r':
		wz_targets_load(w);
		wz_say(w, 0, "Listed again: %zu target%s.", w->ntargets,
		    w->ntargets == 1 ? "" : "s");
		break;
	case '\r': case '\n': case KEY_ENTER:
		wz_target_chosen(w);
		break;
	default:
		wz_say(w, 0, "Up/Down choose, r lists again, Enter next.");
		break;
	}
}

/* ---- Keys ---------------------------------------------------------------- */

/* Esc: one step back. */
static void
wz_back(struct wizard *w)
{
	w->msg[0] = '\0';
	switch (w->step) {
	case STEP_RANGE:
		wz_close(w, 0, "Export cancelled: nothing was exported.");
		break;
	case STEP_PURPOSE:
		w->step = STEP_RANGE;
		break;
	case STEP_MODE:
		w->step = STEP_PURPOSE;
		break;
	case STEP_MASKS:
		wz_preview_end(w, "back");
		w->step = STEP_MODE;
		break;
	case STEP_TARGET:
		if (w->redacted) {
			w->step = STEP_MASKS;
			wz_preview_start(w);
		} else {
			w->step = STEP_MODE;
		}
		break;
	case STEP_APPROVAL:
	case STEP_KEY:
		wz_wipe_secrets(w);
		w->approver[0] = '\0';
		w->step = STEP_TARGET;
		break;
	default:
		break;
	}
}

/* The help over the wizard: the preview's picture is switched off while
 * it is up, so that the time under it is not time on screen. */
static void
wz_help(struct wizard *w, int on)
{
	w->help = on;
	if (w->view_open && w->player != NULL)
		(void)player_hide(w->player, on, NULL);
}

enum wizard_result
wizard_key(struct wizard *w, int key)
{
	if (!w->active)
		return WIZARD_CLOSED;
	if (key == KEY_RESIZE)
		return WIZARD_NONE;
	if (w->help) {
		wz_help(w, 0);
		clearok(curscr, TRUE);
		return WIZARD_NONE;
	}
	if (w->step == STEP_RUN)
		return wz_key_run(w, key);
	if (w->step == STEP_DONE) {
		if (key == '\r' || key == '\n' || key == KEY_ENTER ||
		    key == 27 || key == 'q') {
			if (w->ok)
				wz_close(w, 0, "Exported to %s", w->bundle);
			else
				wz_close(w, !w->cancelled, "%s", w->msg[0] !=
				    '\0' ? w->msg : "The export did not finish.");
			return WIZARD_CLOSED;
		}
		return WIZARD_NONE;
	}
	/* ? is help except where it may be typed. */
	if (key == '?' && !(w->step == STEP_PURPOSE && w->pfocus != PF_CODE) &&
	    w->step != STEP_APPROVAL && w->step != STEP_KEY) {
		wz_help(w, 1);
		return WIZARD_NONE;
	}
	if (key == KEY_F(1)) {
		wz_help(w, 1);
		return WIZARD_NONE;
	}
	if (key == 27 && !w->numeric) {
		wz_back(w);
		return w->active ? WIZARD_NONE : WIZARD_CLOSED;
	}
	switch (w->step) {
	case STEP_RANGE:
		return wz_key_range(w, key);
	case STEP_PURPOSE:
		return wz_key_purpose(w, key);
	case STEP_MODE:
		wz_key_mode(w, key);
		break;
	case STEP_MASKS:
		wz_key_masks(w, key);
		break;
	case STEP_TARGET:
		wz_key_target(w, key);
		break;
	case STEP_APPROVAL:
		wz_key_approval(w, key);
		break;
	case STEP_KEY:
		wz_key_key(w, key);
		break;
	default:
		break;
	}
	return w->active ? WIZARD_NONE : WIZARD_CLOSED;
}

/* ---- The main loop's hooks ----------------------------------------------- */

int
wizard_fds(const struct wizard *w, int fds[2])
{
	int n = 0;

	if (w->player != NULL)
		fds[n++] = player_fd(w->player);
	if (w->job != NULL && job_fd(w->job) >= 0)
		fds[n++] = job_fd(w->job);
	return n;
}

int
wizard_events(struct wizard *w)
{
	const struct player_event *ev;
	size_t i, n;
	int redraw = 0;

	if (w->player != NULL) {
		n = player_handle_events(w->player, &ev);
		for (i = 0; i < n; i++) {
			redraw = 1;
			switch (ev[i].type) {
			case PLAYER_EVENT_LOADED:
				if (w->at_ms != w->from_ms)
					wz_preview_seek(w);
				break;
			case PLAYER_EVENT_ERROR:
			case PLAYER_EVENT_CORRUPT:
				/* Only about the picture shown now. */
				if (w->view_open && w->step == STEP_MASKS &&
				    !w->numeric)
					wz_say(w, 1, "%s", ev[i].message != NULL ?
					    ev[i].message : "player error");
				break;
			case PLAYER_EVENT_STOPPED:
				if (w->view_open) {
					wz_say(w, 1, "%s", ev[i].message != NULL ?
					    ev[i].message : "The picture "
					    "stopped.");
					wz_preview_end(w, "stopped");
				}
				clearok(curscr, TRUE);
				break;
			case PLAYER_EVENT_REDRAW:
				if (!w->view_open)
					clearok(curscr, TRUE);
				break;
			case PLAYER_EVENT_SHUTDOWN:
				if (w->view_open)
					wz_preview_end(w, "error");
				player_free(w->player);
				w->player = NULL;
				return 1;
			default:
				break;
			}
		}
	}
	if (w->job != NULL && w->step == STEP_RUN) {
		if (job_poll(w->job, &w->prog) == 1)
			wz_finish(w);
		redraw = 1;
	}
	return redraw;
}

int64_t
wizard_wait(const struct wizard *w, int64_t now_ms)
{
	int64_t wt = -1;

	if (w->view_open)
		wt = view_wait(w->view, clock_mono_ms(), now_ms, 1);
	/* The progress bar's clock. */
	if (w->step == STEP_RUN && w->active && (wt < 0 || wt > 500))
		wt = 500;
	return wt;
}

void
wizard_tick(struct wizard *w, int64_t now_ms)
{
	char *message = NULL;

	if (!w->view_open || w->player == NULL)
		return;
	if (view_tick(w->view, clock_mono_ms(), now_ms, &message) == -1) {
		wz_say(w, 1, "%s", message);
		free(message);
	}
}

void
wizard_resize(struct wizard *w)
{
	if (w->view_open && w->player != NULL &&
	    player_vo_is_terminal(player_vo(w->player)) && LINES > WZ_PIC_ROWS)
		(void)player_set_terminal_area(w->player, LINES - WZ_PIC_ROWS,
		    COLS, NULL);
	clearok(curscr, TRUE);
}

void
wizard_lock(struct wizard *w)
{
	if (w->view_open) {
		wz_preview_end(w, "lock");
		wz_say(w, 0, "The picture ended with the lock (the view is "
		    "logged): v shows it again.");
	}
	w->help = 0;
	w->cancel_ask = 0;
	/* What was typed for an approval is not left on a locked screen. */
	sodium_memzero(w->apass, sizeof w->apass);
	sodium_memzero(w->kpass, sizeof w->kpass);
	w->aplen = w->kplen = 0;
}

void
wizard_abandon(struct wizard *w, const char *how)
{
	if (w->view_open)
		wz_preview_end(w, how);
	if (w->job != NULL) {
		char *cause = NULL;

		job_cancel(w->job);
		(void)job_end(w->job, &cause);
		free(cause);
		job_free(w->job);
		w->job = NULL;
	}
	wz_reset(w);
	w->active = 0;
}

/* ---- Drawing ------------------------------------------------------------- */

/* The frame and the step's title; returns the first free line. */
static int
wz_title(struct wizard *w, const struct screen_state *st, const char *name)
{
	static const char *const steps[] = {
		"Range", "Purpose", "Mode", "Masks", "Target", "Approval",
		"Signing key", "Exporting", "Done"
	};
	char line[200];
	int total = 5 + (w->redacted ? 1 : 0), no;

	screen_frame(st);
	switch (w->step) {
	case STEP_RANGE: no = 1; break;
	case STEP_PURPOSE: no = 2; break;
	case STEP_MODE: no = 3; break;
	case STEP_MASKS: no = 4; break;
	case STEP_TARGET: no = w->redacted ? 5 : 4; break;
	default: no = total; break;
	}
	if (w->step <= STEP_TARGET)
		snprintf(line, sizeof line, " Export %s step %d of %d: %s ",
		    screen_utf8() ? "·" : "-", no, total - 1, name != NULL ? name :
		    steps[w->step]);
	else
		snprintf(line, sizeof line, " Export %s %s ", screen_utf8() ?
		    "·" : "-", name != NULL ? name : steps[w->step]);
	screen_put(1, 2, COLS - 4, line, A_BOLD);
	return 3;
}

/* The step's message from line y, at most rows lines; returns lines. */
static int
wz_message(struct wizard *w, int y, int rows)
{
	char *s;
	int n;

	if (w->msg[0] == '\0' || rows <= 0)
		return 0;
	s = utf8_sanitize(w->msg, strlen(w->msg));
	n = screen_wrap(y, 2, COLS - 4, rows, s, w->msg_error ?
	    screen_attr_error() : (int)A_NORMAL);
	free(s);
	return n;
}

/* The range step from line y. */
static void
wz_draw_range(struct wizard *w, int y)
{
	char line[600], *s, a[32];
	int x = 14, cx = 0, cy = -1, rows, top = 0;
	size_t i;

	screen_put(y, 2, 12, "Cameras", w->rfocus == 0 ? A_BOLD : A_NORMAL);
	rows = LINES - y - 11;
	if (rows < 2)
		rows = 2;
	if ((int)w->cam_cur >= rows)
		top = (int)w->cam_cur - rows + 1;
	for (i = (size_t)top; i < w->ncams && (int)i - top < rows; i++) {
		s = utf8_sanitize(w->cams[i].name, strlen(w->cams[i].name));
		snprintf(line, sizeof line, "[%s] %s", w->chosen[i] ? "x" : " ",
		    s);
		free(s);
		screen_put(y, x, COLS - x - 2, line, i == w->cam_cur &&
		    w->rfocus == 0 ? screen_attr_accent() | A_BOLD :
		    (int)A_NORMAL);
		if (i == w->cam_cur && w->rfocus == 0) {
			cy = y;
			cx = x + 1;
		}
		y++;
	}
	if (w->ncams == 0)
		screen_put(y++, x, COLS - x - 2, "no cameras in the catalog",
		    A_NORMAL);
	y++;
	screen_put(y, 2, 12, "From", w->rfocus == 1 ? A_BOLD : A_NORMAL);
	field_draw(y, x, 24, w->from_f.text, w->from_f.len, w->rfocus == 1, 0,
	    &cx);
	if (w->rfocus == 1)
		cy = y;
	y++;
	screen_put(y, 2, 12, "To", w->rfocus == 2 ? A_BOLD : A_NORMAL);
	field_draw(y, x, 24, w->to_f.text, w->to_f.len, w->rfocus == 2, 0,
	    &cx);
	if (w->rfocus == 2)
		cy = y;
	y++;
	screen_put(y++, x, COLS - x - 2, "local time, YYYY-MM-DD HH:MM:SS; "
	    "the end is not included", A_DIM);
	y++;
	if (w->to_ms > w->from_ms) {
		wz_span(w->to_ms - w->from_ms, a, sizeof a);
		snprintf(line, sizeof line, "Duration   %s", a);
		screen_put(y++, 2, COLS - 4, line, A_NORMAL);
	}
	if (w->range_info[0] != '\0') {
		snprintf(line, sizeof line, "Estimate   %s", w->range_info);
		y += screen_wrap(y, 2, COLS - 4, 2, line, A_NORMAL);
	}
	y++;
	wz_message(w, y, LINES - 2 - y);
	screen_bottom(NULL, 0, "Tab field  Space camera  Enter next  "
	    "Esc cancel  ? help");
	if (cy >= 0) {
		move(cy, cx);
		curs_set(w->rfocus == 0 ? 0 : 1);
	}
}

/* The purpose step from line y. */
static void
wz_draw_purpose(struct wizard *w, int y)
{
	static const char *const labels[PF_COUNT] = {
		"Reason", "Reference", "Requester", "Recipient",
		"Organisation", "Legal basis", "Note"
	};
	static const char *const hints[PF_COUNT] = {
		NULL, NULL, "who asked: authority or person",
		"the receiving person's name", "their organisation",
		"from vigil.conf for the code; may be edited", "required by "
		"this code"
	};
	const struct config_reason *c;
	char line[600];
	size_t i, n = config_reason_count(w->cfg);
	int x = 16, cx = 0, cy = -1, f, fw = COLS - x - 2;

	for (i = 0; i < n; i++) {
		c = config_reason_at(w->cfg, i);
		snprintf(line, sizeof line, "%s %-9s %s%s", i == w->code ?
		    (screen_utf8() ? "(•)" : "(*)") : "( )", c->code, c->label,
		    c->needs_approval ? " (needs approval)" : "");
		if (i == 0)
			screen_put(y, 2, 13, labels[PF_CODE], w->pfocus ==
			    PF_CODE ? A_BOLD : A_NORMAL);
		screen_put(y, x, fw, line, i == w->code && w->pfocus == PF_CODE ?
		    screen_attr_accent() | A_BOLD : (int)A_NORMAL);
		if (i == w->code && w->pfocus == PF_CODE) {
			cy = y;
			cx = x + 1;
		}
		y++;
	}
	y++;
	c = wz_reason(w);
	for (f = PF_REFERENCE; f < PF_COUNT; f++) {
		if (!wz_pf_shown(w, f))
			continue;
		screen_put(y, 2, 13, labels[f], w->pfocus == f ? A_BOLD :
		    A_NORMAL);
		field_draw(y, x, fw > 40 ? 40 : fw, w->pf[f].text, w->pf[f].len,
		    w->pfocus == f, 0, &cx);
		if (w->pfocus == f)
			cy = y;
		if (f == PF_REFERENCE)
			snprintf(line, sizeof line, "%s", c->reference_regex !=
			    NULL ? c->reference_regex : "case or request no.");
		else
			snprintf(line, sizeof line, "%s", hints[f]);
		if (COLS - x - 44 > 8)
			screen_put(y, x + 42, COLS - x - 44, line, A_DIM);
		y++;
	}
	y++;
	y += wz_message(w, y, LINES - 2 - y);
	if (w->pfocus == PF_CODE)
		screen_bottom(NULL, 0, screen_utf8() ? "Tab field  ↑↓ reason  "
		    "Enter next  Esc back  ? help" : "Tab field  Up/Down reason  "
		    "Enter next  Esc back  ? help");
	else
		screen_bottom(NULL, 0, "Tab field  Enter next  Esc back  "
		    "F1 help");
	if (cy >= 0) {
		move(cy, cx);
		curs_set(w->pfocus == PF_CODE ? 0 : 1);
	}
}

/* The mode step from line y. */
static void
wz_draw_mode(struct wizard *w, int y)
{
	const char *on = screen_utf8() ? "(•)" : "(*)";
	char line[600];

	snprintf(line, sizeof line, "%s original   the recorded video, copied "
	    "as it is (no re-encoding)", w->redacted ? "( )" : on);
	screen_put(y++, 4, COLS - 6, line, !w->redacted ?
	    screen_attr_accent() | A_BOLD : (int)A_NORMAL);
	y += screen_wrap(y, 19, COLS - 21, 4, "Evidential quality.  Cut at "
	    "keyframes: the clip may begin a little before From and end a "
	    "little after To; the manifest states the exact start and end the "
	    "keyframes gave.", A_NORMAL);
	y++;
	snprintf(line, sizeof line, "%s redacted   boxes blurred, pixelated "
	    "or blacked out, re-encoded", w->redacted ? on : "( )");
	screen_put(y++, 4, COLS - 6, line, w->redacted ?
	    screen_attr_accent() | A_BOLD : (int)A_NORMAL);
	y += screen_wrap(y, 19, COLS - 21, 4, "For a data subject's access "
	    "request or wherever others must not be seen.  The masks are "
	    "burned into the pixels: nothing under them can be recovered.  "
	    "Sound is left out.", A_NORMAL);
	y++;
	if (w->range_info[0] != '\0') {
		snprintf(line, sizeof line, "Estimate: %s", w->range_info);
		y += screen_wrap(y, 4, COLS - 6, 2, line, A_NORMAL);
	}
	y++;
	wz_message(w, y, LINES - 2 - y);
	screen_bottom(NULL, 0, "o original  r redacted  Space switch  "
	    "Enter next  Esc back  ? help");
	curs_set(0);
}

/* The mask list and the selected mask's values from line y, in rows. */
static int
wz_draw_mask_lines(struct wizard *w, int y, int rows)
{
	char line[600], a[16], b[16], c[16], d[16], t1[32], t2[32], at[32];
	const struct maskedit_mask *m;
	int32_t x, yy;
	size_t i, first = 0;
	int end = y + rows, shown, nfx, cx = 0, cy = -1, f;

	wz_clock(w->at_ms, at, sizeof at);
	snprintf(line, sizeof line, "Frame shown %s (+%lld s)%s%s   %s", at + 11,
	    (long long)((w->at_ms - w->from_ms) / 1000),
	    w->view_camera != NULL && w->view_open ? "  camera " : "",
	    w->view_open && w->view_camera != NULL ? w->view_camera : "",
	    !w->view_open ? "no picture" : w->live ? "live redaction on" :
	    "live redaction off");
	screen_put(y++, 2, COLS - 4, line, A_BOLD);
	if (w->nmasks == 0 && y < end)
		screen_put(y++, 4, COLS - 6, "No masks yet: a adds one.",
		    A_NORMAL);
	shown = end - y - (w->numeric ? 3 : 1);
	if (shown < 1)
		shown = 1;
	if ((int)w->sel >= shown)
		first = w->sel - (size_t)shown + 1;
	for (i = first; i < w->nmasks && (int)(i - first) < shown && y < end;
	    i++) {
		m = &w->masks[i];
		maskedit_at(m, w->at_ms, &x, &yy);
		maskedit_pct(x, a, sizeof a);
		maskedit_pct(yy, b, sizeof b);
		maskedit_pct(m->w, c, sizeof c);
		maskedit_pct(m->h, d, sizeof d);
		snprintf(t1, sizeof t1, "+%lld", (long long)((m->from_ms -
		    w->from_ms) / 1000));
		if (m->to_ms == MASKEDIT_OPEN)
			snprintf(t2, sizeof t2, "end");
		else
			snprintf(t2, sizeof t2, "+%lld", (long long)((m->to_ms -
			    w->from_ms) / 1000));
		snprintf(line, sizeof line, "%s %2zu %-8s x %s%% y %s%% w %s%% "
		    "h %s%%  %s..%s  %zu key%s%s", i == w->sel ? ">" : " ",
		    i + 1, maskedit_mode_name(m->mode), a, b, c, d, t1, t2,
		    m->nkeys, m->nkeys == 1 ? "" : "s",
		    maskedit_applies(m, w->at_ms) ? "" : "  (not now)");
		screen_put(y++, 2, COLS - 4, line, i == w->sel ?
		    screen_attr_accent() | A_BOLD : (int)A_NORMAL);
	}
	if (!w->numeric)
		return y;
	/* The form: two lines. */
	{
		static const char *const lab[NF_COUNT] = {
			"mode", "x%", "y%", "w%", "h%", "from", "to"
		};
		int xs[NF_COUNT], ws[NF_COUNT], ys[NF_COUNT];

		ys[NF_MODE] = ys[NF_X] = ys[NF_Y] = ys[NF_W] = ys[NF_H] = y;
		ys[NF_FROM] = ys[NF_TO] = y + 1;
		xs[NF_MODE] = 7; ws[NF_MODE] = 9;
		xs[NF_X] = 21; ws[NF_X] = 7;
		xs[NF_Y] = 33; ws[NF_Y] = 7;
		xs[NF_W] = 45; ws[NF_W] = 7;
		xs[NF_H] = 57; ws[NF_H] = 7;
		xs[NF_FROM] = 7; ws[NF_FROM] = 22;
		xs[NF_TO] = 37; ws[NF_TO] = 22;
		for (f = 0; f < NF_COUNT; f++) {
			nfx = xs[f] - (int)strlen(lab[f]) - 1;
			screen_put(ys[f], nfx, (int)strlen(lab[f]), lab[f],
			    w->nfocus == f ? A_BOLD : A_NORMAL);
			field_draw(ys[f], xs[f], ws[f], w->nf[f].text,
			    w->nf[f].len, w->nfocus == f, 0, &cx);
			if (w->nfocus == f)
				cy = ys[f];
		}
		y += 2;
		if (cy >= 0) {
			move(cy, cx);
			curs_set(1);
		}
	}
	return y;
}

/* The mask step: below a picture in the terminal, or the whole screen. */
static void
wz_draw_masks(struct wizard *w, const struct screen_state *st)
{
	const char *hints = w->numeric ? "Tab field  Space mode  Enter set  "
	    "Esc leave" : "a add  arrows move  HJKL size  n values  f key  "
	    ", . time  p live  ? help";
	int top, y;

	curs_set(0);
	if (w->view_open && w->player != NULL &&
	    player_vo_is_terminal(player_vo(w->player))) {
		/* The picture owns the rows above ours. */
		top = LINES - WZ_PIC_ROWS;
		for (y = top; y < LINES; y++) {
			move(y, 0);
			clrtoeol();
		}
		y = wz_draw_mask_lines(w, top, WZ_PIC_ROWS - 3);
		if (view_watermark_text(w->view) != NULL &&
		    !player_watermark_drawn(w->player))
			screen_put(LINES - 3, 2, COLS - 4,
			    view_watermark_text(w->view), A_BOLD);
		wz_message(w, LINES - 2, 1);
		screen_bottom(NULL, 0, hints);
		wredrawln(stdscr, top, WZ_PIC_ROWS);
		return;
	}
	y = wz_title(w, st, NULL);
	y = wz_draw_mask_lines(w, y, LINES - y - 6);
	y++;
	if (w->view_open && view_watermark_text(w->view) != NULL &&
	    w->player != NULL && !player_watermark_drawn(w->player) &&
	    y < LINES - 4)
		screen_put(y++, 2, COLS - 4, w->vo == PLAYER_VO_NULL ?
		    "the picture is not shown (video_output = null)" :
		    view_watermark_text(w->view), A_DIM);
	wz_message(w, y, LINES - 2 - y);
	screen_bottom(NULL, 0, hints);
}

/* The target step from line y. */
static void
wz_draw_target(struct wizard *w, int y)
{
	const struct media_target *t;
	char line[800], fr[32], need[32], *s;
	size_t i;
	int rows = LINES - y - 8;

	if (w->ntargets == 0) {
		y += screen_wrap(y, 4, COLS - 8, 4, "No removable medium is "
		    "mounted and no export root exists.  Plug in a USB medium "
		    "and press r, or ask an administrator to set export_roots "
		    "in vigil.conf.", screen_attr_error());
		y++;
	}
	for (i = 0; i < w->ntargets && (int)i < rows; i++) {
		t = &w->targets[i];
		if (t->free_bytes >= 0)
			wz_size(t->free_bytes, fr, sizeof fr);
		else
			snprintf(fr, sizeof fr, "?");
		s = utf8_sanitize(t->path, strlen(t->path));
		snprintf(line, sizeof line, "%s %-14.14s %s  (%s free%s)",
		    i == w->tsel ? ">" : " ", t->label, s, fr, t->writable ? "" :
		    ", not writable");
		free(s);
		screen_put(y++, 2, COLS - 4, line, i == w->tsel ?
		    (int)(screen_attr_accent() | A_BOLD) : !t->writable ?
		    screen_attr_error() : (int)A_NORMAL);
	}
	y++;
	if (w->have_est) {
		wz_size(w->est.bytes, need, sizeof need);
		wz_span(w->est.footage_ms, fr, sizeof fr);
		snprintf(line, sizeof line, "The export needs about %s (%s of "
		    "footage from %zu segment files).", need, fr,
		    w->est.segments);
		y += screen_wrap(y, 2, COLS - 4, 2, line, A_NORMAL);
	} else if (w->range_info[0] != '\0') {
		snprintf(line, sizeof line, "Estimate: %s; the free space is "
		    "checked before anything is written.", w->range_info);
		y += screen_wrap(y, 2, COLS - 4, 2, line, A_NORMAL);
	}
	y++;
	wz_message(w, y, LINES - 2 - y);
	screen_bottom(NULL, 0, screen_utf8() ? "↑↓ choose  r list again  "
	    "Enter next  Esc back  ? help" : "Up/Down choose  r list again  "
	    "Enter next  Esc back  ? help");
	curs_set(0);
}

/* What is being approved or started, in a few lines. */
static int
wz_summary(struct wizard *w, int y)
{
	char line[4 * WZ_FIELD_CAP + 1000], a[32], b[32], cams[400];
	size_t i, used = 0;

	cams[0] = '\0';
	for (i = 0; i < w->ncams; i++) {
		if (!w->chosen[i] || used + 2 >= sizeof cams)
			continue;
		used += (size_t)snprintf(cams + used, sizeof cams - used, "%s%s",
		    used > 0 ? ", " : "", w->cams[i].name);
		if (used >= sizeof cams)
			used = sizeof cams - 1;
	}
	wz_clock(w->from_ms, a, sizeof a);
	wz_clock(w->to_ms, b, sizeof b);
	snprintf(line, sizeof line, "%s, %s %s %s, %s%s", cams, a, screen_utf8() ?
	    "–" : "-", b, w->redacted ? "redacted" : "original",
	    w->redacted ? (w->nmasks == 1 ? " (1 mask)" : "") : "");
	if (w->redacted && w->nmasks != 1)
		snprintf(line + strlen(line), sizeof line - strlen(line),
		    " (%zu masks)", w->nmasks);
	y += screen_wrap(y, 4, COLS - 8, 2, line, A_NORMAL);
	snprintf(line, sizeof line, "%s %s, asked by %s, for %s, %s",
	    wz_reason(w)->code, w->pf[PF_REFERENCE].text,
	    w->pf[PF_REQUESTER].text, w->pf[PF_RECIPIENT].text,
	    w->pf[PF_ORGANISATION].text);
	{
		char *s = utf8_sanitize(line, strlen(line));

		y += screen_wrap(y, 4, COLS - 8, 2, s, A_NORMAL);
		free(s);
	}
	if (w->ntargets > 0) {
		char *s = utf8_sanitize(w->targets[w->tsel].path,
		    strlen(w->targets[w->tsel].path));

		snprintf(line, sizeof line, "to %s, exported by %s", s, w->user);
		free(s);
		y += screen_wrap(y, 4, COLS - 8, 2, line, A_NORMAL);
	}
	return y;
}

/* The approval step from line y. */
static void
wz_draw_approval(struct wizard *w, int y)
{
	char line[300];
	int cx = 18, cy, i;

	y += screen_wrap(y, 2, COLS - 4, 2, "A second person with the exporter "
	    "or auditor role approves this export here, with their own "
	    "password:", A_BOLD);
	y++;
	y = wz_summary(w, y);
	y++;
	screen_put(y, 4, 12, "Username", w->afocus == 0 ? A_BOLD : A_NORMAL);
	field_draw(y, 18, 24, w->aname, w->anlen, w->afocus == 0, 0, &cx);
	cy = w->afocus == 0 ? y : y + 1;
	screen_put(y + 1, 4, 12, "Password", w->afocus == 1 ? A_BOLD :
	    A_NORMAL);
	field_draw(y + 1, 18, 24, w->apass, w->aplen, w->afocus == 1, 1, &cx);
	y += 3;
	for (i = 0; i < w->namsg && y < LINES - 4; i++) {
		snprintf(line, sizeof line, "%s", w->amsg[i]);
		y += screen_wrap(y, 4, COLS - 8, 2, line, A_NORMAL);
	}
	y += screen_wrap(y, 4, COLS - 8, 2, "It cannot be the person logged in; "
	    "the approval is logged with both names.", A_DIM);
	y++;
	wz_message(w, y, LINES - 2 - y);
	screen_bottom(NULL, 0, "Tab field  Enter approve  Esc back  F1 help");
	move(cy, cx);
	curs_set(1);
}

/* The passphrase step from line y. */
static void
wz_draw_key(struct wizard *w, int y)
{
	int cx = 20;

	y += screen_wrap(y, 2, COLS - 4, 3, "The site's signing key is "
	    "protected with a passphrase.  Type it to sign this export; it is "
	    "wiped from memory once the key is open.", A_NORMAL);
	y++;
	y = wz_summary(w, y);
	y++;
	screen_put(y, 4, 15, "Passphrase", A_BOLD);
	field_draw(y, 20, 30, w->kpass, w->kplen, 1, 1, &cx);
	wz_message(w, y + 2, LINES - 4 - y);
	screen_bottom(NULL, 0, "Enter sign and export  Esc back");
	move(y, cx);
	curs_set(1);
}

/* The progress from line y. */
static void
wz_draw_run(struct wizard *w, int y)
{
	char line[300], a[32], b[32];
	int bw = COLS - 12, k, fill;
	double done = w->prog.done < 0 ? 0 : w->prog.done > 1 ? 1 :
	    w->prog.done;

	y = wz_summary(w, y);
	y++;
	fill = (int)(done * bw);
	mvaddstr(y, 2, "[");
	for (k = 0; k < bw; k++)
		mvaddstr(y, 3 + k, k < fill ? (screen_utf8() ? "█" : "#") :
		    (screen_utf8() ? "░" : "."));
	mvaddstr(y, 3 + bw, "]");
	snprintf(line, sizeof line, "%3d%%", (int)(done * 100));
	screen_put(y, 5 + bw, 5, line, A_BOLD);
	y += 2;
	wz_span(w->prog.elapsed_ms, a, sizeof a);
	if (w->prog.left_ms >= 0)
		wz_span(w->prog.left_ms, b, sizeof b);
	else
		snprintf(b, sizeof b, "estimating");
	snprintf(line, sizeof line, "%s, camera %zu of %zu   elapsed %s   "
	    "left %s", w->prog.stage != NULL ? w->prog.stage : "starting",
	    w->prog.camera + 1, w->prog.ncameras > 0 ? w->prog.ncameras :
	    (size_t)1, a, b);
	screen_put(y++, 2, COLS - 4, line, A_NORMAL);
	y++;
	y += screen_wrap(y, 2, COLS - 4, 3, "The bundle is written to a hidden "
	    "folder, read back from the medium and signed; only then does it "
	    "get its name.  Do not remove the medium.", A_DIM);
	y++;
	if (w->cancel_ask)
		screen_put(y, 2, COLS - 4, "Cancel the export? Nothing will be "
		    "left on the target. (y/n)", A_BOLD);
	else
		wz_message(w, y, LINES - 2 - y);
	screen_bottom(NULL, 0, "Esc or c cancel");
	curs_set(0);
}

/* The summary (or why the export did not finish) from line y. */
static void
wz_draw_done(struct wizard *w, int y)
{
	char line[1500], *s;

	if (!w->ok) {
		wz_message(w, y, LINES - 2 - y);
		screen_bottom(NULL, 0, "Enter back to the browser");
		curs_set(0);
		return;
	}
	screen_put(y++, 2, COLS - 4, "The export is complete, verified and "
	    "signed.", A_BOLD);
	y++;
	s = utf8_sanitize(w->bundle, strlen(w->bundle));
	snprintf(line, sizeof line, "Bundle     %s", s);
	free(s);
	y += screen_wrap(y, 2, COLS - 4, 3, line, A_NORMAL);
	snprintf(line, sizeof line, "Signed by  %s   (key id %s, on "
	    "HANDOVER.txt)", w->pubkey != NULL ? w->pubkey : "?", w->keyid);
	y += screen_wrap(y, 2, COLS - 4, 2, line, A_NORMAL);
	snprintf(line, sizeof line, "SHA256SUMS %s", w->sums);
	y += screen_wrap(y, 2, COLS - 4, 2, line, A_NORMAL);
	y++;
	y += screen_wrap(y, 2, COLS - 4, 2, "The recipient verifies it in the "
	    "bundle's folder with stock tools:", A_NORMAL);
	screen_put(y++, 4, COLS - 6, "minisign -Vm SHA256SUMS -P <published "
	    "key> &&", A_BOLD);
	screen_put(y++, 4, COLS - 6, "sha256sum -c SHA256SUMS", A_BOLD);
	y++;
	y += screen_wrap(y, 2, COLS - 4, 3, "Print HANDOVER.txt, sign it with "
	    "the recipient, and compare the whole public key on it with the "
	    "one the controller publishes.", A_NORMAL);
	screen_bottom(NULL, 0, "Enter back to the browser");
	curs_set(0);
}

/* The keys of the step, over it. */
static void
wz_draw_help(struct wizard *w, const struct screen_state *st)
{
	static const char *const range[] = {
		"Tab Shift-Tab", "next or previous field",
		"Up Down  k j", "move in the camera list",
		"Space  x", "choose or drop the camera",
		"Backspace ^U", "delete a character, the whole field",
		"Enter", "next step",
		"Esc", "leave the wizard: nothing is exported", NULL };
	static const char *const purpose[] = {
		"Tab Shift-Tab", "next or previous field",
		"Up Down", "choose the reason (on Reason)",
		"letter  Space", "the code with that first letter, the next",
		"Backspace ^U", "delete a character, the whole field",
		"Enter", "check the fields, next step",
		"Esc", "back to the range", NULL };
	static const char *const mode[] = {
		"o  r", "original or redacted",
		"Space  Up Down", "switch",
		"Enter", "next step", "Esc", "back", NULL };
	static const char *const masks[] = {
		"a  d", "add a mask, delete the selected one",
		"Tab Shift-Tab", "select the next or previous mask",
		"arrows  h j k l", "move the box 1% (Shift-arrows 5%)",
		"H L  K J", "narrower, wider, lower, taller",
		"m", "mode: blur, pixelate, solid",
		"n  e", "type the values (percent, times)",
		", .  < >", "frame shown: 1 s or 10 s back or forward",
		"f  F", "keyframe at the frame shown: add, remove",
		"[  ]", "to the previous or next keyframe",
		"p  o", "live redaction, outlines on or off",
		"v  c", "picture off or on, next camera",
		"Enter", "check the masks, next step",
		"Esc", "back (the view ends)", NULL };
	static const char *const target[] = {
		"Up Down", "choose a medium or export root",
		"r", "list the media again",
		"Enter", "check the space, next step",
		"Esc", "back", NULL };
	static const char *const approval[] = {
		"Tab  Up Down", "user name or password",
		"Enter", "next field; on the password: check it",
		"Backspace ^U", "delete a character, the whole field",
		"Esc", "back to the target (nothing is kept)", NULL };
	const char *const *k;
	int y = 3;

	switch (w->step) {
	case STEP_APPROVAL: case STEP_KEY: k = approval; break;
	case STEP_RANGE: k = range; break;
	case STEP_PURPOSE: k = purpose; break;
	case STEP_MODE: k = mode; break;
	case STEP_MASKS: k = masks; break;
	default: k = target; break;
	}
	screen_frame(st);
	screen_put(2, 2, COLS - 4, "Keys of this export step", A_BOLD);
	for (; *k != NULL && y < LINES - 3; k += 2, y++) {
		screen_put(y + 1, 4, 18, k[0], A_BOLD);
		screen_put(y + 1, 24, COLS - 26, k[1], A_NORMAL);
	}
	if (w->step == STEP_MASKS)
		screen_wrap(y + 2, 4, COLS - 8, 3, "Moving a box at a frame with "
		    "a keyframe moves that keyframe; a mask with keyframes gets "
		    "a new one where it is moved.  The picture is a view, logged "
		    "with the export's reason.", A_NORMAL);
	screen_bottom(NULL, 0, "any key closes this help");
	curs_set(0);
}

void
wizard_draw(struct wizard *w, const struct screen_state *st)
{
	int y;

	if (!w->active)
		return;
	if (w->help) {
		wz_draw_help(w, st);
		refresh();
		return;
	}
	if (w->step == STEP_MASKS) {
		wz_draw_masks(w, st);
		refresh();
		return;
	}
	y = wz_title(w, st, NULL);
	switch (w->step) {
	case STEP_RANGE:
		wz_draw_range(w, y);
		break;
	case STEP_PURPOSE:
		wz_draw_purpose(w, y);
		break;
	case STEP_MODE:
		wz_draw_mode(w, y);
		break;
	case STEP_TARGET:
		wz_draw_target(w, y);
		break;
	case STEP_APPROVAL:
		wz_draw_approval(w, y);
		break;
	case STEP_KEY:
		wz_draw_key(w, y);
		break;
	case STEP_RUN:
		wz_draw_run(w, y);
		break;
	default:
		wz_draw_done(w, y);
		break;
	}
	refresh();
}
