/* playscreen — the player screen: one view of a declared range, logged
 * with view-start before anything is loaded and view-end with what was
 * shown; the picture through the player module, the status below it, the
 * controls, notices for gaps, damaged segments and the range's edges, the
 * watermark, and a checkpoint of the intervals shown while it plays. */
#include <curses.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "config/config.h"
#include "footage/footage.h"
#include "player/player.h"
#include "tui/tui.h"
#include "util/util.h"

#define PLAYSCREEN_STATUS_ROWS	6	/* below a picture in the terminal */
#define PLAYSCREEN_REPAINT_MS	250	/* status lines under it rewritten */

struct playscreen {
	const struct config	*cfg;
	struct catalog		*cat;
	struct audit_log	*log;
	char			*terminal;
	enum player_vo		 vo;

	struct player		*player;
	int			 player_audio;

	/* The open view. */
	int			 active;
	int64_t			 seq;
	char			*user;
	char			*camera;
	char			*code;
	char			*reference;
	char			*authority;
	char			*note;
	int64_t			 from;
	int64_t			 to;
	int64_t			 cap_ms;
	struct catalog_range	 range;
	int			 have_range;
	size_t			 nitems;
	int64_t			 playable_ms;
	int			 reused;	/* the reference taken again */
	struct view		*view;		/* its record (session/view.c) */

	int			 held;		/* paused and hidden (a lock, the
						   help over a terminal
						   picture) */
	int			 held_paused;	/* paused before it was held */
	int64_t			 confirm_mono;
	int64_t			 first_frame_ms;
	int64_t			 end_pos;	/* playhead when it ended */

	char			 notice[700];
	int			 notice_error;
	char			 message[700];	/* for the browser */
	int			 message_error;
};

static void playscreen_decl(const struct playscreen *, struct views_decl *);
static int playscreen_ensure_player(struct playscreen *, int audio,
    char **cause);
static struct player *playscreen_view_player(void *arg, char **cause);
static void playscreen_say(struct playscreen *, int error, const char *fmt,
    ...) __attribute__((format(printf, 3, 4)));
static void playscreen_clock(int64_t t, int date, char *buf, size_t len);
static void playscreen_forget(struct playscreen *);
static void playscreen_gap(struct playscreen *, int64_t from, int64_t to);
static int playscreen_piece_ok(const struct catalog_piece *);
static void playscreen_end_notice(struct playscreen *);
static void playscreen_lines(struct playscreen *, int y, int rows, int full);

static void
playscreen_say(struct playscreen *ps, int error, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(ps->notice, sizeof ps->notice, fmt, ap);
	va_end(ap);
	ps->notice_error = error;
}

static void
playscreen_clock(int64_t t, int date, char *buf, size_t len)
{
	struct tm tm;
	time_t s = (time_t)(t / 1000);

	localtime_r(&s, &tm);
	strftime(buf, len, date ? "%a %Y-%m-%d %H:%M:%S" : "%H:%M:%S", &tm);
}

struct playscreen *
playscreen_new(const struct config *cfg, struct catalog *cat,
    struct audit_log *log, const char *terminal)
{
	struct playscreen *ps = xcalloc(1, sizeof *ps);

	ps->cfg = cfg;
	ps->cat = cat;
	ps->log = log;
	ps->terminal = xstrdup(terminal);
	ps->first_frame_ms = -1;
	if (player_vo_from_name(config_vo_name(config_video_output(cfg)),
	    &ps->vo) == -1)
		ps->vo = PLAYER_VO_AUTO;
	return ps;
}

/* Forgets the view's declaration. */
static void
playscreen_forget(struct playscreen *ps)
{
	free(ps->user);
	free(ps->camera);
	free(ps->code);
	free(ps->reference);
	free(ps->authority);
	free(ps->note);
	ps->user = ps->camera = ps->code = ps->reference = NULL;
	ps->authority = ps->note = NULL;
	if (ps->have_range)
		catalog_range_free(&ps->range);
	ps->have_range = 0;
}

void
playscreen_free(struct playscreen *ps)
{
	if (ps == NULL)
		return;
	if (ps->active)
		playscreen_end(ps, "exit", NULL);
	playscreen_forget(ps);
	if (ps->player != NULL)
		player_free(ps->player);
	free(ps->terminal);
	free(ps);
}

static void
playscreen_decl(const struct playscreen *ps, struct views_decl *d)
{
	memset(d, 0, sizeof *d);
	d->actor = ps->user;
	d->camera = ps->camera;
	d->from_ms = ps->from;
	d->to_ms = ps->to;
	d->code = ps->code;
	d->reference = ps->reference;
	d->authority = ps->authority;
	d->note = ps->note;
	d->terminal = ps->terminal;
	d->cap_ms = ps->cap_ms;
	d->playable_ms = ps->playable_ms;
	d->reference_reused = ps->reused;
}

/* A player with sound on or off as the camera allows (libmpv is loaded by
 * the first one). */
struct player *
playscreen_player_new(enum player_vo *vo, int audio, char **cause)
{
	struct player_options o;

	if (*vo == PLAYER_VO_AUTO) {
		struct player_env env;

		/* Asks the terminal whether it draws sixel graphics: at the
		 * first view, not at start, as a terminal that never answers
		 * costs the wait.  Curses lets go of the terminal meanwhile. */
		def_prog_mode();
		endwin();
		player_env_probe(STDIN_FILENO, 1, &env);
		reset_prog_mode();
		refresh();
		*vo = player_vo_resolve(PLAYER_VO_AUTO, &env);
	}
	memset(&o, 0, sizeof o);
	o.vo = *vo;
	o.audio = audio;
	o.truecolor = getenv("COLORTERM") != NULL &&
	    (strcmp(getenv("COLORTERM"), "truecolor") == 0 ||
	    strcmp(getenv("COLORTERM"), "24bit") == 0);
	return player_create(&o, cause);
}

static int
playscreen_ensure_player(struct playscreen *ps, int audio, char **cause)
{
	if (ps->player != NULL && ps->player_audio == audio)
		return 0;
	if (ps->player != NULL) {
		playscreen_shutdown(ps);
	}
	if ((ps->player = playscreen_player_new(&ps->vo, audio, cause)) == NULL)
		return -1;
	ps->player_audio = audio;
	return 0;
}

/* The player for a view whose view-start is committed (view_open()):
 * created for the camera's audio, its picture area set; nothing loaded. */
static struct player *
playscreen_view_player(void *arg, char **cause)
{
	struct playscreen *ps = arg;

	if (playscreen_ensure_player(ps, config_audio_camera(ps->cfg,
	    ps->camera), cause) == -1)
		return NULL;
	if (player_vo_is_terminal(player_vo(ps->player)) &&
	    player_set_terminal_area(ps->player, LINES - PLAYSCREEN_STATUS_ROWS,
	    COLS, cause) == -1)
		return NULL;
	return ps->player;
}

int
playscreen_start(struct playscreen *ps, const char *user, const char *camera,
    int64_t from, int64_t to, const char *code, const char *reference,
    const char *authority, const char *note, int reused, char **cause)
{
	const struct config_reason *r = config_reason_find(ps->cfg, code);
	struct player_item *items;
	struct player_range pr;
	struct views_decl d;
	enum view_failure fail;
	char *why = NULL, a[16], b[16];
	size_t i;

	if (ps->active)
		playscreen_end(ps, "replaced", NULL);
	ps->confirm_mono = clock_mono_ms();
	ps->first_frame_ms = -1;
	ps->notice[0] = ps->message[0] = '\0';
	playscreen_forget(ps);
	ps->user = xstrdup(user);
	ps->camera = xstrdup(camera);
	ps->code = xstrdup(code);
	ps->reference = xstrdup(reference);
	ps->authority = xstrdup(authority);
	ps->note = xstrdup(note);
	ps->reused = reused;
	ps->from = from;
	ps->to = to;
	ps->cap_ms = r != NULL ? (int64_t)r->cap_seconds * 1000 : 0;
	/* The dialog refused it already; nothing is logged or played. */
	if (r != NULL && r->range_max_minutes > 0 &&
	    to - from > (int64_t)r->range_max_minutes * 60000)
		return cause_set(cause, "Playback refused: %s allows a range of "
		    "at most %d min (range_max); nothing was played.", code,
		    r->range_max_minutes);

	/* Which files hold the range (container headers only). */
	if (ps->cat == NULL)
		return cause_set(cause, "The footage catalog is not open; "
		    "nothing was played.");
	/* Segments not read yet are read now: libavformat must not write
	 * over the screen (before libmpv, which keeps its own log). */
	if (ps->player == NULL)
		probe_silence_libav();
	if (catalog_range(ps->cat, camera, from, to, &ps->range, &why) == -1) {
		cause_set(cause, "The catalog cannot be read (%s); nothing was "
		    "played.", why);
		free(why);
		return -1;
	}
	ps->have_range = 1;
	items = xcalloc(ps->range.n + 1, sizeof *items);
	ps->nitems = 0;
	ps->playable_ms = 0;
	for (i = 0; i < ps->range.n; i++) {
		const struct catalog_piece *pc = &ps->range.pieces[i];

		if (pc->path == NULL || (pc->status != CATALOG_OK &&
		    pc->status != CATALOG_PARTIAL) || pc->length_ms <= 0)
			continue;
		items[ps->nitems].path = pc->path;
		items[ps->nitems].start_ms = pc->from_ms;
		items[ps->nitems].offset_ms = pc->offset_ms;
		items[ps->nitems].length_ms = pc->length_ms;
		ps->playable_ms += pc->length_ms;
		ps->nitems++;
	}
	if (ps->nitems == 0) {
		free(items);
		playscreen_clock(from, 0, a, sizeof a);
		playscreen_clock(to, 0, b, sizeof b);
		return cause_set(cause, "There is no playable footage on %s "
		    "between %s and %s (only gaps or damaged segments); nothing "
		    "was played.", camera, a, b);
	}

	memset(&pr, 0, sizeof pr);
	pr.from_ms = from;
	pr.to_ms = to;
	pr.items = items;
	pr.n_items = ps->nitems;
	pr.cap_ms = ps->cap_ms;
	/* Invariants 1 and 2: session/view.c. */
	playscreen_decl(ps, &d);
	ps->view = view_open(ps->log, config_audit_state(ps->cfg), &d, &pr, 0,
	    playscreen_view_player, ps, clock_mono_ms(), clock_now_ms(),
	    &fail, &why);
	free(items);
	if (ps->view == NULL) {
		if (fail == VIEW_FAIL_LOG)
			cause_set(cause, "Playback refused: the audit log cannot "
			    "be written (%s). Nothing was played.", why);
		else
			cause_set(cause, "The player could not start: %s.", why);
		free(why);
		return -1;
	}
	ps->active = 1;
	ps->seq = view_seq(ps->view);
	if (player_vo_is_terminal(player_vo(ps->player))) {
		clear();
		refresh();
	}
	return 0;
}

int
playscreen_active(const struct playscreen *ps)
{
	return ps->active;
}

void
playscreen_end(struct playscreen *ps, const char *how, int64_t *end_ms)
{
	struct player_state st;
	char *why = NULL;
	int rc;

	if (end_ms != NULL)
		*end_ms = 0;
	if (!ps->active)
		return;
	ps->active = 0;
	ps->end_pos = 0;
	if (ps->player != NULL) {
		player_get_state(ps->player, &st);
		ps->end_pos = st.position_ms;
		if (end_ms != NULL)
			*end_ms = st.position_ms;
	}
	ps->held = 0;
	rc = view_close(ps->view, how, &why);
	ps->view = NULL;
	/* The next view is seen again. */
	if (ps->player != NULL && player_hidden(ps->player))
		(void)player_hide(ps->player, 0, NULL);
	if (rc == -1) {
		/* The intervals file stays: the next start closes the view
		 * as view-aborted with it. */
		snprintf(ps->message, sizeof ps->message, "The end of view "
		    "#%lld could not be written to the audit log: %s",
		    (long long)ps->seq, why);
		ps->message_error = 1;
		free(why);
	} else if (ps->message[0] == '\0') {
		snprintf(ps->message, sizeof ps->message, "View #%lld ended and "
		    "logged.", (long long)ps->seq);
		ps->message_error = 0;
	}
	if (ps->player != NULL && player_vo_is_terminal(player_vo(ps->player)))
		clearok(curscr, TRUE);
}

void
playscreen_stretch(char *buf, size_t len, const char *sep, int64_t from,
    int64_t to, int bad)
{
	char a[16], b[16];
	size_t n = strlen(buf);

	playscreen_clock(from, 0, a, sizeof a);
	playscreen_clock(to, 0, b, sizeof b);
	if (n + 1 < len)
		(void)snprintf(buf + n, len - n, "%s%s%s%s: %s", n > 0 ? sep :
		    "", a, screen_utf8() ? "–" : "-", b, bad ?
		    "the recording cannot be read" : "no recording");
}

/* 1 when the piece plays (as playscreen_start() loads them). */
static int
playscreen_piece_ok(const struct catalog_piece *pc)
{
	return pc->path != NULL && (pc->status == CATALOG_OK ||
	    pc->status == CATALOG_PARTIAL) && pc->length_ms > 0;
}

/* Playback reached the end: when the range ends in stretches with nothing
 * to play (a damaged segment, a gap), those are named, not the range's
 * end. */
static void
playscreen_end_notice(struct playscreen *ps)
{
	char tail[400] = "";
	size_t i = ps->have_range ? ps->range.n : 0, j;
	int bad;

	while (i > 0 && !playscreen_piece_ok(&ps->range.pieces[i - 1]))
		i--;
	while (ps->have_range && i < ps->range.n) {
		const struct catalog_piece *pc = &ps->range.pieces[i];

		bad = pc->path != NULL;
		for (j = i + 1; j < ps->range.n &&
		    (ps->range.pieces[j].path != NULL) == bad; j++)
			;
		playscreen_stretch(tail, sizeof tail, "; ", pc->from_ms,
		    ps->range.pieces[j - 1].from_ms +
		    ps->range.pieces[j - 1].length_ms, bad);
		i = j;
	}
	if (tail[0] == '\0')
		playscreen_say(ps, 0, "End of the declared range: the last "
		    "frame is held; q stops.");
	else
		playscreen_say(ps, 0, "%s. Nothing after it to play: the last "
		    "frame is held; q stops.", tail);
}

/* A gap notice: damaged segments the catalog knew about are named. */
static void
playscreen_gap(struct playscreen *ps, int64_t from, int64_t to)
{
	char a[16], b[16];
	size_t i;

	for (i = 0; ps->have_range && i < ps->range.n; i++) {
		const struct catalog_piece *pc = &ps->range.pieces[i];

		if (pc->path == NULL || pc->status == CATALOG_OK ||
		    pc->status == CATALOG_PARTIAL)
			continue;
		if (pc->from_ms < to && pc->from_ms + pc->length_ms > from) {
			const char *base = strrchr(pc->path, '/');
			char *name;

			name = utf8_sanitize(base != NULL ? base + 1 : pc->path,
			    strlen(base != NULL ? base + 1 : pc->path));
			playscreen_clock(pc->from_ms, 0, a, sizeof a);
			playscreen_say(ps, 1, "Segment %s (%s) is %s: skipped "
			    "to the next footage.", name, a,
			    catalog_status_name(pc->status));
			free(name);
			return;
		}
	}
	playscreen_clock(from, 0, a, sizeof a);
	playscreen_clock(to, 0, b, sizeof b);
	playscreen_say(ps, 0, "No footage %s%s%s: skipped.", a,
	    screen_utf8() ? "–" : "-", b);
}

int
playscreen_events(struct playscreen *ps)
{
	const struct player_event *ev;
	struct player_state st;
	char a[16];
	size_t n, i;
	int ret = 2;

	if (ps->player == NULL)
		return 0;
	n = player_handle_events(ps->player, &ev);
	for (i = 0; i < n; i++) {
		switch (ev[i].type) {
		case PLAYER_EVENT_LOADED:
			if (ps->first_frame_ms < 0)
				ps->first_frame_ms = clock_mono_ms() -
				    ps->confirm_mono;
			break;
		case PLAYER_EVENT_SEGMENT:
			break;
		case PLAYER_EVENT_GAP:
			playscreen_gap(ps, ev[i].from_ms, ev[i].to_ms);
			break;
		case PLAYER_EVENT_CORRUPT:
			playscreen_say(ps, 1, "Damaged segment, skipped: %s",
			    ev[i].message != NULL ? ev[i].message : "?");
			break;
		case PLAYER_EVENT_EDGE:
			playscreen_clock(ev[i].from_ms, 0, a, sizeof a);
			playscreen_say(ps, 0, "%s of the declared range (%s): "
			    "a wider look needs a new reason.", ev[i].edge < 0 ?
			    "Start" : "End", a);
			break;
		case PLAYER_EVENT_END:
			playscreen_end_notice(ps);
			break;
		case PLAYER_EVENT_CAP:
			playscreen_say(ps, 0, "The %s cap of %lld min %02lld s "
			    "is reached: playback stopped.", ps->code,
			    (long long)(ps->cap_ms / 60000),
			    (long long)(ps->cap_ms / 1000 % 60));
			break;
		case PLAYER_EVENT_STOPPED:
			if (!ps->active) {
				/* The view ended before: the output has now
				 * stopped drawing (and a terminal one may have
				 * left a last picture): the screen is ours. */
				if (player_vo_is_terminal(player_vo(ps->player)))
					clearok(curscr, TRUE);
				break;
			}
			/* A stale one, of the view before this one. */
			player_get_state(ps->player, &st);
			if (!st.stopped)
				break;
			snprintf(ps->message, sizeof ps->message, "%s",
			    st.capped ? ps->notice : ev[i].message != NULL ?
			    ev[i].message : "Playback stopped.");
			ps->message_error = !st.capped;
			playscreen_end(ps, st.capped ? "cap" : "stopped", NULL);
			ret = 1;
			break;
		case PLAYER_EVENT_ERROR:
			playscreen_say(ps, 1, "%s", ev[i].message != NULL ?
			    ev[i].message : "player error");
			break;
		case PLAYER_EVENT_REDRAW:
			/* While a view plays, only our lines are drawn again
			 * (clearing would wipe the picture); after it, the
			 * whole screen. */
			if (!ps->active || ps->held)
				clearok(curscr, TRUE);
			break;
		case PLAYER_EVENT_SHUTDOWN:
			if (ps->active) {
				snprintf(ps->message, sizeof ps->message,
				    "The player stopped unexpectedly.");
				ps->message_error = 1;
				playscreen_end(ps, "error", NULL);
				ret = 1;
			}
			player_free(ps->player);
			ps->player = NULL;
			return ret;
		}
	}
	if (ps->active)
		playscreen_tick(ps, clock_now_ms());
	return ret;
}

int64_t
playscreen_wait(const struct playscreen *ps, int64_t now_ms)
{
	struct player_state st;
	int64_t w, c;

	if (!ps->active || ps->player == NULL)
		return -1;
	w = 60000 - now_ms % 60000 + 5;		/* the watermark's minute */
	player_get_state(ps->player, &st);
	/* A picture in the terminal clears the whole screen when it starts
	 * (first frame, again after a lock or a resize), at a moment only
	 * the player knows: the status lines are written again this often,
	 * paused or not (playscreen_draw()). */
	if (!ps->held && player_vo_is_terminal(player_vo(ps->player)) &&
	    PLAYSCREEN_REPAINT_MS < w)
		w = PLAYSCREEN_REPAINT_MS;
	c = view_wait(ps->view, clock_mono_ms(), now_ms, !st.paused &&
	    !st.eof);
	return c < w ? c : w;
}

void
playscreen_tick(struct playscreen *ps, int64_t now_ms)
{
	char *message = NULL;

	if (!ps->active || ps->player == NULL)
		return;
	if (view_tick(ps->view, clock_mono_ms(), now_ms, &message) == -1) {
		playscreen_say(ps, 1, "%s", message);
		free(message);
	}
}

int
playscreen_hold(struct playscreen *ps, char **cause)
{
	struct player_state st;

	if (!ps->active || ps->player == NULL || ps->held)
		return 0;
	player_get_state(ps->player, &st);
	ps->held_paused = st.paused || st.eof;
	if (!ps->held_paused && player_pause(ps->player, 1, cause) == -1)
		return -1;
	if (player_hide(ps->player, 1, cause) == -1)
		return -1;
	ps->held = 1;
	return 0;
}

void
playscreen_release(struct playscreen *ps, int resume)
{
	char *why = NULL;

	if (!ps->active || ps->player == NULL || !ps->held)
		return;
	ps->held = 0;
	if (player_hide(ps->player, 0, &why) == -1) {
		playscreen_say(ps, 1, "The picture cannot be shown again: %s",
		    why);
		free(why);
		return;
	}
	playscreen_resize(ps);
	if (!resume)
		playscreen_say(ps, 0, "Paused while the terminal was locked; "
		    "Space plays on.");
	else if (!ps->held_paused &&
	    player_pause(ps->player, 0, &why) == -1) {
		playscreen_say(ps, 1, "%s", why);
		free(why);
	}
}

int
playscreen_on_terminal(const struct playscreen *ps)
{
	return ps->active && ps->player != NULL &&
	    player_vo_is_terminal(player_vo(ps->player));
}

int
playscreen_held(const struct playscreen *ps)
{
	return ps->active && ps->held;
}

void
playscreen_resize(struct playscreen *ps)
{
	if (ps->active && ps->player != NULL &&
	    player_vo_is_terminal(player_vo(ps->player)) &&
	    LINES > PLAYSCREEN_STATUS_ROWS)
		(void)player_set_terminal_area(ps->player,
		    LINES - PLAYSCREEN_STATUS_ROWS, COLS, NULL);
	clearok(curscr, TRUE);
}

int
playscreen_key(struct playscreen *ps, int key)
{
	struct player_state st;
	char *why = NULL;
	int rc = 0;

	if (!ps->active || ps->player == NULL)
		return 1;
	player_get_state(ps->player, &st);
	switch (key) {
	case ' ':
		rc = player_pause(ps->player, !st.paused, &why);
		break;
	case KEY_LEFT: case 'h':
		rc = player_seek(ps->player, -5000, &why);
		break;
	case KEY_RIGHT: case 'l':
		rc = player_seek(ps->player, 5000, &why);
		break;
	case KEY_DOWN: case 'j':
		rc = player_seek(ps->player, -60000, &why);
		break;
	case KEY_UP: case 'k':
		rc = player_seek(ps->player, 60000, &why);
		break;
	case ',':
		rc = player_frame_step(ps->player, -1, &why);
		break;
	case '.':
		rc = player_frame_step(ps->player, 1, &why);
		break;
	case '-':
		rc = player_speed_step(ps->player, -1, &why);
		if (rc == 1)
			playscreen_say(ps, 0, "0.25x is the slowest speed.");
		break;
	case '+': case '=':
		rc = player_speed_step(ps->player, 1, &why);
		if (rc == 1)
			playscreen_say(ps, 0, "16x is the fastest speed.");
		break;
	case 'n':
		rc = player_segment_step(ps->player, 1, &why);
		break;
	case 'p':
		rc = player_segment_step(ps->player, -1, &why);
		break;
	case 'q': case 'Q':
		playscreen_end(ps, "stop", NULL);
		return 1;
	case '?':
		return 2;
	case 'L':
		/* The lock, as on the other screens (l seeks here). */
		return 3;
	case KEY_RESIZE:
		break;
	default:
		playscreen_say(ps, 0, "Unknown key: ? shows every key of the "
		    "player.");
		break;
	}
	if (rc == -1) {
		playscreen_say(ps, 1, "%s", why != NULL ? why : "refused");
		free(why);
	}
	return 0;
}

/* The status lines from row y: full 1 when the whole screen is ours. */
static void
playscreen_lines(struct playscreen *ps, int y, int rows, int full)
{
	const int utf8 = screen_utf8();
	struct player_state st;
	const struct interval *iv;
	char line[1024], t[40], a[16], b[16], *s;
	size_t n, i, len;
	int w = COLS - 4, x = 2, pos, bw, k, end = y + rows;

	player_get_state(ps->player, &st);
	s = utf8_sanitize(ps->camera, strlen(ps->camera));
	playscreen_clock(st.position_ms > 0 ? st.position_ms : ps->from, 1, t,
	    sizeof t);
	snprintf(line, sizeof line, "%s   %s   %s %gx%s", s, t,
	    st.paused || st.eof ? (utf8 ? "❚❚" : "||") : (utf8 ? "▶" : ">"),
	    st.speed, st.paused || st.eof ? "  paused" : "");
	free(s);
	screen_put(y++, x, w, line, A_BOLD);

	/* The range with the playhead. */
	playscreen_clock(ps->from, 0, a, sizeof a);
	playscreen_clock(ps->to, 0, b, sizeof b);
	snprintf(line, sizeof line, " %.5s%s%.5s", a, utf8 ? " – " : " - ", b);
	bw = w - (int)strlen(line) - 2;
	if (bw > 4 && y < end) {
		pos = st.position_ms > ps->from && ps->to > ps->from ?
		    (int)((st.position_ms - ps->from) * (bw - 1) /
		    (ps->to - ps->from)) : 0;
		if (pos > bw - 1)
			pos = bw - 1;
		mvaddstr(y, x, utf8 ? "├" : "|");
		for (k = 0; k < bw; k++)
			mvaddstr(y, x + 1 + k, k == pos ? (utf8 ? "●" : "o") :
			    (utf8 ? "─" : "-"));
		mvaddstr(y, x + 1 + bw, utf8 ? "┤" : "|");
		screen_put(y, x + bw + 2, w - bw - 2, line, A_NORMAL);
		y++;
	}
	if (full && y < end) {
		n = intervals_list(player_intervals(ps->player), &iv);
		snprintf(line, sizeof line, "watched so far:%s", n == 0 ?
		    " nothing yet" : "");
		for (i = 0; i < n; i++) {
			playscreen_clock(iv[i].from_ms, 0, a, sizeof a);
			playscreen_clock(iv[i].to_ms, 0, b, sizeof b);
			len = strlen(line);
			if (len + 40 >= sizeof line)
				break;
			snprintf(line + len, sizeof line - len, "%s %s%s%s",
			    i > 0 ? "," : "", a, utf8 ? "–" : "-", b);
		}
		y += screen_wrap(y, x, w, 2, line, A_NORMAL);
	}
	if (y < end) {
		s = utf8_sanitize(ps->reference, strlen(ps->reference));
		snprintf(line, sizeof line, "%s%s%s %s logged as view #%lld",
		    ps->code, s[0] != '\0' ? " " : "", s, utf8 ? "·" : "-",
		    (long long)ps->seq);
		free(s);
		if (ps->cap_ms > 0)
			snprintf(line + strlen(line), sizeof line - strlen(line),
			    "   played %lld:%02lld of %lld:%02lld",
			    (long long)(st.played_ms / 60000),
			    (long long)(st.played_ms / 1000 % 60),
			    (long long)(ps->cap_ms / 60000),
			    (long long)(ps->cap_ms / 1000 % 60));
		screen_put(y++, x, w, line, A_NORMAL);
	}
	if (y < end && !player_watermark_drawn(ps->player) && ps->view != NULL &&
	    view_watermark_text(ps->view) != NULL) {
		snprintf(line, sizeof line, "watermark: %s",
		    view_watermark_text(ps->view));
		screen_put(y++, x, w, line, A_BOLD);
	}
	if (y < end && st.segment >= 0 && full) {
		snprintf(line, sizeof line, "segment %d of %zu%s", st.segment + 1,
		    ps->nitems, st.loading ? ", loading" : "");
		screen_put(y++, x, w, line, A_DIM);
	}
	if (y < end && ps->notice[0] != '\0') {
		s = utf8_sanitize(ps->notice, strlen(ps->notice));
		y += screen_wrap(y, x, w, end - y, s, ps->notice_error ?
		    screen_attr_error() : (int)A_NORMAL);
		free(s);
	}
}

void
playscreen_draw(struct playscreen *ps, const struct screen_state *st)
{
	const char *hints = screen_utf8() ?
	    "Space pause  ←→ 5 s  ↑↓ 1 min  , . frame  - + speed  n p seg  L lock  q stop" :
	    "Space pause  <> 5 s  ^v 1 min  , . frame  - + speed  n p seg  L lock  q stop";
	int top, y;

	if (ps->player == NULL || !ps->active)
		return;
	if (player_vo_is_terminal(player_vo(ps->player))) {
		/* The picture owns the rows above; only ours are touched. */
		top = LINES - PLAYSCREEN_STATUS_ROWS;
		for (y = top; y < LINES; y++) {
			move(y, 0);
			clrtoeol();
		}
		playscreen_lines(ps, top, PLAYSCREEN_STATUS_ROWS - 1, 0);
		screen_bottom(NULL, 0, hints);
		/* The player clears the whole screen when its output starts:
		 * these lines are written again each time, never the
		 * picture's. */
		wredrawln(stdscr, top, PLAYSCREEN_STATUS_ROWS);
	} else {
		screen_frame(st);
		playscreen_lines(ps, 2, LINES - 5, 1);
		mvhline(LINES - 2, 1, ACS_HLINE, COLS - 2);
		screen_bottom(NULL, 0, hints);
	}
	curs_set(0);
	refresh();
}

int
playscreen_fd(const struct playscreen *ps)
{
	return ps->player != NULL ? player_fd(ps->player) : -1;
}

const char *
playscreen_message(const struct playscreen *ps, int *error)
{
	*error = ps->message_error;
	return ps->message[0] != '\0' ? ps->message : NULL;
}

void
playscreen_shutdown(struct playscreen *ps)
{
	const struct player_event *ev;
	struct player_state st;
	struct pollfd pfd;
	int64_t end;

	if (ps->active)
		playscreen_end(ps, "exit", NULL);
	if (ps->player == NULL)
		return;
	if (player_quit(ps->player, NULL) == 0) {
		end = clock_mono_ms() + 3000;
		for (;;) {
			(void)player_handle_events(ps->player, &ev);
			player_get_state(ps->player, &st);
			if (st.shutdown || clock_mono_ms() >= end)
				break;
			pfd.fd = player_fd(ps->player);
			pfd.events = POLLIN;
			(void)poll(&pfd, 1, (int)(end - clock_mono_ms()));
		}
	}
	player_free(ps->player);
	ps->player = NULL;
}

int64_t
playscreen_first_frame_ms(const struct playscreen *ps)
{
	return ps->first_frame_ms;
}

void
playscreen_prepare(struct playscreen *ps)
{
	/* "auto" is resolved at the first view; it may pick the terminal. */
	if (ps->vo == PLAYER_VO_AUTO || player_vo_is_terminal(ps->vo))
		player_stdout_prepare();
}

int64_t
playscreen_end_position(const struct playscreen *ps)
{
	return ps->end_pos;
}
