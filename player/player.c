/* player — libmpv in vigil's poll loop: one EDL timeline per declared
 * range, the controls with their confinement to the range, the watermark
 * overlay, the video output choice, and the feed of viewed intervals. */
#include <errno.h>
#include <fcntl.h>
#include <locale.h>
#include <inttypes.h>
#include <math.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include <mpv/client.h>

#include "player/player.h"
#include "player/player_int.h"
#include "util/util.h"

/* Kinds of async requests; the reply userdata is kind | generation << 8. */
enum {
	PLAYER_REQ_LOAD = 1,
	PLAYER_REQ_SEEK,
	PLAYER_REQ_STEP,
	PLAYER_REQ_SET,
	PLAYER_REQ_STOP,
	PLAYER_REQ_OVERLAY,
	PLAYER_REQ_QUIT
};

/* Observed properties (reply_userdata of MPV_EVENT_PROPERTY_CHANGE). */
enum {
	PLAYER_OBS_TIME = 1,
	PLAYER_OBS_PAUSE,
	PLAYER_OBS_EOF,
	PLAYER_OBS_SPEED,
	PLAYER_OBS_FPS
};

enum player_phase {
	PLAYER_IDLE,		/* nothing loaded */
	PLAYER_ACTIVE,		/* loading or playing a range */
	PLAYER_STOPPING		/* stop sent, waiting for the end of file */
};

#define PLAYER_OVERLAY_ID	1
#define PLAYER_DEFAULT_FRAME_MS	40	/* when the frame rate is unknown */
#define PLAYER_STDOUT_BUF	(4 * 1024 * 1024)

static const char *const player_speeds[] = {
	"0.25", "0.5", "1", "2", "4", "8", "16"
};
#define PLAYER_N_SPEEDS	(sizeof player_speeds / sizeof player_speeds[0])
#define PLAYER_SPEED_1X	2

struct player_evq {
	struct player_event	*ev;
	size_t			 n;
	size_t			 alloc;
};

struct player {
	mpv_handle		*mpv;
	int			 wake[2];
	enum player_vo		 vo;
	int			 shutdown;
	int			 in_handle;	/* inside player_handle_events() */

	char			*watermark;

	/* The loaded range. */
	struct edl		*edl;
	int64_t			 from_ms;
	int64_t			 to_ms;
	int64_t			 cap_ms;
	enum player_phase	 phase;
	uint64_t		 gen;		/* of the current load */
	int64_t			 entry_id;	/* its playlist entry, or -1 */
	char			*load_error;	/* first error line since the
						   last culprit */
	int			 excluded;	/* items left out in this load */
	int			 load_failed;	/* its END_FILE said error: decided
					   once the log lines are in */
	int			 load_error_code;
	int			 shown;		/* first frame up */
	int			 hidden;	/* output off (player_hide()) */
	int			 paused;
	int			 eof;
	int			 capped;
	int			 seeking;	/* between SEEK and RESTART */
	int			 seeks_out;	/* seeks sent, no RESTART yet */
	int64_t			 seek_target;	/* timeline ms of the last one */
	int			 pos_in_seek;	/* a position came while seeking */
	int			 have_tl;
	int64_t			 tl_ms;		/* playhead, timeline ms */
	int			 item;		/* item at the playhead, or -1 */
	int			 have_frame;
	int64_t			 frame_tl;	/* last frame fed to intervals */
	int			 jumped;	/* a seek since that frame */
	int64_t			 frame_ms;
	double			 speed;
	int			 speed_idx;
	struct intervals	*iv;

	struct player_evq	 pending;	/* queued since the last call */
	struct player_evq	 delivered;	/* returned by the last call */
};

static void player_wakeup(void *data);
static int64_t player_mono_ms(void);
static int player_cap_due(struct player *p, int item, int64_t rec);
static void player_queue(struct player *p, enum player_event_type type,
    int segment, int edge, int64_t from_ms, int64_t to_ms,
    const char *fmt, ...) __attribute__((format(printf, 7, 8)));
static void player_evq_clear(struct player_evq *q);
static int player_set_opt(struct player *p, const char *name,
    const char *value, int required, char **cause);
static int player_command(struct player *p, int kind, const char **args,
    char **cause);
static int player_set_async(struct player *p, const char *name,
    const char *value, char **cause);
static int player_check_active(struct player *p, char **cause);
static int player_send_load(struct player *p, char **cause);
static int player_seek_tl(struct player *p, int64_t tl_ms, int clamped,
    char **cause);
static void player_update_playing(struct player *p);
static int64_t player_base(const struct player *p);
static void player_on_log(struct player *p, mpv_event_log_message *m);
static void player_on_end_file(struct player *p, mpv_event_end_file *ef);
static void player_on_reply(struct player *p, mpv_event *ev);
static void player_on_property(struct player *p, mpv_event *ev);
static void player_on_restart(struct player *p);
static void player_on_position(struct player *p, int64_t tl_ms);
static void player_on_eof(struct player *p);
static void player_cross(struct player *p, int from, int to);
static void player_unloaded(struct player *p, const char *why);
static void player_load_failed(struct player *p);
static char *player_ass_escape(const char *text);
static int player_send_overlay(struct player *p, char **cause);

/* Parses a configured video output name. */
int
player_vo_from_name(const char *name, enum player_vo *vo)
{
	static const struct {
		const char	*name;
		enum player_vo	 vo;
	} names[] = {
		{ "auto", PLAYER_VO_AUTO }, { "drm", PLAYER_VO_DRM },
		{ "gpu", PLAYER_VO_GPU }, { "tct", PLAYER_VO_TCT },
		{ "sixel", PLAYER_VO_SIXEL }, { "null", PLAYER_VO_NULL },
	};
	size_t i;

	for (i = 0; i < sizeof names / sizeof names[0]; i++) {
		if (strcmp(name, names[i].name) == 0) {
			*vo = names[i].vo;
			return 0;
		}
	}
	return -1;
}

const char *
player_vo_name(enum player_vo vo)
{
	switch (vo) {
	case PLAYER_VO_AUTO:
		return "auto";
	case PLAYER_VO_DRM:
		return "drm";
	case PLAYER_VO_GPU:
		return "gpu";
	case PLAYER_VO_TCT:
		return "tct";
	case PLAYER_VO_SIXEL:
		return "sixel";
	case PLAYER_VO_NULL:
		return "null";
	}
	return "null";
}

int
player_vo_is_terminal(enum player_vo vo)
{
	return vo == PLAYER_VO_TCT || vo == PLAYER_VO_SIXEL;
}

void
player_env_probe(int fd, int query_sixel, struct player_env *env)
{
	struct termios saved, raw;
	struct pollfd pfd;
	const char *s, *name;
	char buf[128], *attrs;
	size_t len = 0;
	ssize_t n;
	int64_t deadline, now;

	memset(env, 0, sizeof *env);
	s = getenv("DISPLAY");
	if (s != NULL && *s != '\0')
		env->display = 1;
	s = getenv("WAYLAND_DISPLAY");
	if (s != NULL && *s != '\0')
		env->display = 1;
	s = getenv("COLORTERM");
	if (s != NULL && (strcmp(s, "truecolor") == 0 || strcmp(s, "24bit") == 0))
		env->truecolor = 1;
	if (fd < 0 || !isatty(fd))
		return;
	/* Linux virtual consoles are /dev/tty1../dev/tty63. */
	name = ttyname(fd);
	if (name != NULL && strncmp(name, "/dev/tty", 8) == 0 &&
	    name[8] >= '1' && name[8] <= '9' &&
	    strspn(name + 8, "0123456789") == strlen(name + 8))
		env->text_console = 1;
	if (!query_sixel || env->text_console)
		return;

	/* DA1: the answer "ESC [ ? a;b;...c" lists 4 when sixel is drawn. */
	if (tcgetattr(fd, &saved) != 0)
		return;
	raw = saved;
	raw.c_lflag &= ~(tcflag_t)(ICANON | ECHO);
	raw.c_cc[VMIN] = 0;
	raw.c_cc[VTIME] = 0;
	if (tcsetattr(fd, TCSANOW, &raw) != 0)
		return;
	if (write(fd, "\033[c", 3) == 3) {
		deadline = player_mono_ms() + 300;
		while (len < sizeof buf - 1 && (now = player_mono_ms()) < deadline) {
			pfd.fd = fd;
			pfd.events = POLLIN;
			if (poll(&pfd, 1, (int)(deadline - now)) <= 0)
				break;
			n = read(fd, buf + len, sizeof buf - 1 - len);
			if (n <= 0)
				break;
			len += (size_t)n;
			buf[len] = '\0';
			if (strchr(buf, 'c') != NULL)
				break;
		}
	}
	tcsetattr(fd, TCSANOW, &saved);
	buf[len] = '\0';
	if ((attrs = strstr(buf, "\033[?")) != NULL) {
		char *end, *tok, *save = NULL;

		attrs += 3;
		if ((end = strchr(attrs, 'c')) != NULL) {
			*end = '\0';
			for (tok = strtok_r(attrs, ";", &save); tok != NULL;
			    tok = strtok_r(NULL, ";", &save)) {
				if (strcmp(tok, "4") == 0)
					env->sixel = 1;
			}
		}
	}
}

enum player_vo
player_vo_resolve(enum player_vo vo, const struct player_env *env)
{
	if (vo != PLAYER_VO_AUTO)
		return vo;
	if (env->display)
		return PLAYER_VO_GPU;
	if (env->text_console)
		return PLAYER_VO_DRM;
	if (env->sixel)
		return PLAYER_VO_SIXEL;
	return PLAYER_VO_TCT;
}

void
player_stdout_prepare(void)
{
	static char buf[PLAYER_STDOUT_BUF];

	setvbuf(stdout, buf, _IOFBF, sizeof buf);
}

/* libmpv's wakeup callback: one byte into the pipe, nothing else. */
static void
player_wakeup(void *data)
{
	struct player *p = data;
	char c = 0;

	(void)!write(p->wake[1], &c, 1);
}

static int64_t
player_mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Sets an option before mpv_initialize(); an option this libmpv does not
 * know is fatal only when required. */
static int
player_set_opt(struct player *p, const char *name, const char *value,
    int required, char **cause)
{
	int rc;

	rc = mpv_set_option_string(p->mpv, name, value);
	if (rc >= 0 || (!required && rc == MPV_ERROR_OPTION_NOT_FOUND))
		return 0;
	return cause_set(cause, "mpv option %s=%s: %s", name, value,
	    mpv_error_string(rc));
}

struct player *
player_create(const struct player_options *opts, char **cause)
{
	/* Nothing but the recorded picture: no scripts, no key bindings, no
	 * files found next to the footage.  (access-references=no would
	 * also refuse our own EDL; unsafe playlists stay refused by
	 * default.) */
	static const char *const hardening[][2] = {
		{ "config", "no" }, { "terminal", "no" },
		{ "input-default-bindings", "no" }, { "input-vo-keyboard", "no" },
		{ "input-terminal", "no" }, { "osc", "no" }, { "ytdl", "no" },
		{ "load-scripts", "no" }, { "load-stats-overlay", "no" },
		{ "load-osd-console", "no" }, { "load-auto-profiles", "no" },
		{ "sub-auto", "no" }, { "audio-file-auto", "no" },
		{ "cover-art-auto", "no" },
		{ "resume-playback", "no" }, { "osd-bar", "no" },
		{ "osd-on-seek", "no" }, { "title", "vigil" },
	};
	struct player_env env;
	struct player *p;
	const char *numeric;
	size_t i;
	int rc;

	numeric = setlocale(LC_NUMERIC, NULL);
	if (numeric == NULL || strcmp(numeric, "C") != 0) {
		cause_set(cause, "LC_NUMERIC is \"%s\"; libmpv needs \"C\"",
		    numeric ? numeric : "?");
		return NULL;
	}

	p = xcalloc(1, sizeof *p);
	p->wake[0] = p->wake[1] = -1;
	p->entry_id = -1;
	p->item = -1;
	p->speed = 1;
	p->speed_idx = PLAYER_SPEED_1X;
	p->frame_ms = PLAYER_DEFAULT_FRAME_MS;
	p->iv = intervals_new();
	p->vo = opts->vo;
	if (p->vo == PLAYER_VO_AUTO) {
		player_env_probe(STDIN_FILENO, 0, &env);
		p->vo = player_vo_resolve(PLAYER_VO_AUTO, &env);
	}

	if (pipe2(p->wake, O_CLOEXEC | O_NONBLOCK) != 0) {
		cause_set(cause, "pipe: %s", strerror(errno));
		goto fail;
	}
	if ((p->mpv = mpv_create()) == NULL) {
		cause_set(cause, "cannot create the mpv player");
		goto fail;
	}
	for (i = 0; i < sizeof hardening / sizeof hardening[0]; i++)
		if (player_set_opt(p, hardening[i][0], hardening[i][1], 0,
		    cause) != 0)
			goto fail;
	if (player_set_opt(p, "idle", "yes", 1, cause) != 0 ||
	    player_set_opt(p, "keep-open", "yes", 1, cause) != 0 ||
	    player_set_opt(p, "force-window", "no", 1, cause) != 0 ||
	    player_set_opt(p, "vo", player_vo_name(p->vo), 1, cause) != 0)
		goto fail;
	if (!opts->audio && (player_set_opt(p, "ao", "null", 1, cause) != 0 ||
	    player_set_opt(p, "aid", "no", 1, cause) != 0))
		goto fail;
	if (p->vo == PLAYER_VO_TCT && player_set_opt(p, "vo-tct-256",
	    opts->truecolor ? "no" : "yes", 0, cause) != 0)
		goto fail;

	if ((rc = mpv_request_log_messages(p->mpv, "error")) < 0 ||
	    (rc = mpv_initialize(p->mpv)) < 0) {
		cause_set(cause, "mpv: %s", mpv_error_string(rc));
		goto fail;
	}
	if ((rc = mpv_observe_property(p->mpv, PLAYER_OBS_TIME, "time-pos",
	    MPV_FORMAT_DOUBLE)) < 0 ||
	    (rc = mpv_observe_property(p->mpv, PLAYER_OBS_PAUSE, "pause",
	    MPV_FORMAT_FLAG)) < 0 ||
	    (rc = mpv_observe_property(p->mpv, PLAYER_OBS_EOF, "eof-reached",
	    MPV_FORMAT_FLAG)) < 0 ||
	    (rc = mpv_observe_property(p->mpv, PLAYER_OBS_SPEED, "speed",
	    MPV_FORMAT_DOUBLE)) < 0 ||
	    (rc = mpv_observe_property(p->mpv, PLAYER_OBS_FPS, "container-fps",
	    MPV_FORMAT_DOUBLE)) < 0) {
		cause_set(cause, "mpv: %s", mpv_error_string(rc));
		goto fail;
	}
	mpv_set_wakeup_callback(p->mpv, player_wakeup, p);
	return p;

fail:
	player_free(p);
	return NULL;
}

static void
player_evq_clear(struct player_evq *q)
{
	size_t i;

	for (i = 0; i < q->n; i++)
		free((char *)q->ev[i].message);
	q->n = 0;
}

void
player_free(struct player *p)
{
	if (p == NULL)
		return;
	if (p->mpv != NULL)
		mpv_terminate_destroy(p->mpv);
	if (p->wake[0] != -1)
		close(p->wake[0]);
	if (p->wake[1] != -1)
		close(p->wake[1]);
	player_evq_clear(&p->pending);
	player_evq_clear(&p->delivered);
	free(p->pending.ev);
	free(p->delivered.ev);
	edl_free(p->edl);
	intervals_free(p->iv);
	free(p->watermark);
	free(p->load_error);
	free(p);
}

enum player_vo
player_vo(const struct player *p)
{
	return p->vo;
}

int
player_fd(const struct player *p)
{
	return p->wake[0];
}

/* Queues an event for the next player_handle_events(); outside of it, also
 * wakes the owner's poll. */
static void
player_queue(struct player *p, enum player_event_type type, int segment,
    int edge, int64_t from_ms, int64_t to_ms, const char *fmt, ...)
{
	struct player_evq *q = &p->pending;
	struct player_event *ev;
	va_list ap;
	char *msg = NULL;

	if (fmt != NULL) {
		va_start(ap, fmt);
		if (vasprintf(&msg, fmt, ap) == -1)
			fatal("out of memory");
		va_end(ap);
	}
	if (q->n == q->alloc) {
		q->alloc = q->alloc ? q->alloc * 2 : 16;
		q->ev = xrealloc(q->ev, q->alloc * sizeof *q->ev);
	}
	ev = &q->ev[q->n++];
	memset(ev, 0, sizeof *ev);
	ev->type = type;
	ev->segment = segment;
	ev->edge = edge;
	ev->from_ms = from_ms;
	ev->to_ms = to_ms;
	ev->message = msg;
	if (!p->in_handle)
		player_wakeup(p);
}

/* Sends a command; the reply comes back as MPV_EVENT_COMMAND_REPLY. */
static int
player_command(struct player *p, int kind, const char **args, char **cause)
{
	int rc;

	rc = mpv_command_async(p->mpv, (uint64_t)kind | p->gen << 8, args);
	if (rc < 0)
		return cause_set(cause, "mpv %s: %s", args[0],
		    mpv_error_string(rc));
	return 0;
}

static int
player_set_async(struct player *p, const char *name, const char *value,
    char **cause)
{
	const char *args[] = { "set", name, value, NULL };

	return player_command(p, PLAYER_REQ_SET, args, cause);
}

static int
player_check_active(struct player *p, char **cause)
{
	if (p->shutdown)
		return cause_set(cause, "the player has shut down");
	if (p->capped)
		return cause_set(cause, "the playback cap was reached");
	if (p->phase != PLAYER_ACTIVE || p->edl == NULL)
		return cause_set(cause, "nothing is playing");
	return 0;
}

/* Sends the loadfile of the current timeline under a new generation. */
static int
player_send_load(struct player *p, char **cause)
{
	const char *args[] = { "loadfile", NULL, "replace", NULL };
	char *url;
	int rc;

	if ((url = edl_url(p->edl)) == NULL)
		return cause_set(cause, "no playable footage in the range");
	p->gen++;
	p->entry_id = -1;
	p->excluded = 0;
	p->load_failed = 0;
	args[1] = url;
	rc = player_command(p, PLAYER_REQ_LOAD, args, cause);
	free(url);
	return rc;
}

int
player_load(struct player *p, const struct player_range *range, int paused,
    char **cause)
{
	struct edl *e;

	if (p->shutdown)
		return cause_set(cause, "the player has shut down");
	if (p->watermark == NULL)
		return cause_set(cause, "no watermark set");
	if ((e = edl_new(range, cause)) == NULL)
		return -1;

	edl_free(p->edl);
	p->edl = e;
	intervals_free(p->iv);
	p->iv = intervals_new();
	p->from_ms = range->from_ms;
	p->to_ms = range->to_ms;
	p->cap_ms = range->cap_ms;
	p->phase = PLAYER_ACTIVE;
	p->shown = p->eof = p->capped = p->seeking = 0;
	p->pos_in_seek = 0;
	p->seeks_out = 0;
	p->have_tl = p->have_frame = p->jumped = 0;
	p->tl_ms = 0;
	p->item = -1;
	p->paused = paused != 0;
	p->speed_idx = PLAYER_SPEED_1X;
	free(p->load_error);
	p->load_error = NULL;

	/* Requests run in order: these apply before the file starts. */
	if (player_set_async(p, "pause", paused ? "yes" : "no", cause) != 0 ||
	    player_set_async(p, "speed", "1", cause) != 0 ||
	    player_send_load(p, cause) != 0) {
		p->phase = PLAYER_IDLE;
		return -1;
	}
	return 0;
}

/* Where relative controls start from: the target of a seek still under
 * way, else the playhead. */
static int64_t
player_base(const struct player *p)
{
	return p->seeks_out > 0 ? p->seek_target : p->tl_ms;
}

/* Seeks to a timeline position (exact), reporting a clamp. */
static int
player_seek_tl(struct player *p, int64_t tl_ms, int clamped, char **cause)
{
	const char *args[] = { "seek", NULL, "absolute+exact", NULL };
	char pos[32];

	if (tl_ms < 0)
		tl_ms = 0;
	snprintf(pos, sizeof pos, "%" PRId64 ".%03" PRId64, tl_ms / 1000,
	    tl_ms % 1000);
	args[1] = pos;
	if (player_command(p, PLAYER_REQ_SEEK, args, cause) != 0)
		return -1;
	intervals_count_seek(p->iv);
	p->seeks_out++;
	p->seek_target = tl_ms;
	p->eof = 0;
	/* The next position may come before mpv's SEEK event. */
	p->jumped = 1;
	if (clamped != 0) {
		player_queue(p, PLAYER_EVENT_EDGE, -1, clamped,
		    edl_to_recording(p->edl, tl_ms), 0, "%s of the declared range",
		    clamped < 0 ? "start" : "end");
		return 1;
	}
	return 0;
}

int
player_pause(struct player *p, int pause, char **cause)
{
	if (player_check_active(p, cause) != 0)
		return -1;
	if (!pause && p->eof) {
		player_queue(p, PLAYER_EVENT_EDGE, -1, 1,
		    edl_to_recording(p->edl, p->tl_ms), 0,
		    "end of the declared range");
		return 1;
	}
	if (player_set_async(p, "pause", pause ? "yes" : "no", cause) != 0)
		return -1;
	p->paused = pause != 0;
	player_update_playing(p);
	return 0;
}

int
player_hide(struct player *p, int hide, char **cause)
{
	if (p->shutdown)
		return cause_set(cause, "the player has shut down");
	hide = hide != 0;
	if (hide == p->hidden)
		return 0;
	if (hide) {
		const char *args[] = { "set", "vo", "null", NULL };
		int rc;

		/* Waited for: mpv's core takes the output down before the
		 * command returns, so no frame of the old one can be drawn
		 * after this (over a lock screen, say).  What the terminal
		 * output wrote on its way out (a screen clear, left in stdio's
		 * buffer) goes now, before the caller draws its own screen. */
		if ((rc = mpv_command(p->mpv, args)) < 0)
			return cause_set(cause, "mpv set vo: %s",
			    mpv_error_string(rc));
		fflush(stdout);
	} else if (player_set_async(p, "vo", player_vo_name(p->vo),
	    cause) != 0)
		return -1;
	p->hidden = hide;
	player_update_playing(p);
	return 0;
}

int
player_hidden(const struct player *p)
{
	return p->hidden;
}

int
player_seek(struct player *p, int64_t delta_ms, char **cause)
{
	int64_t rec, tl;
	int clamped;

	if (player_check_active(p, cause) != 0)
		return -1;
	rec = edl_to_recording(p->edl, player_base(p)) + delta_ms;
	tl = edl_to_timeline(p->edl, rec, delta_ms < 0 ? -1 : 1, p->frame_ms,
	    &clamped);
	return player_seek_tl(p, tl, clamped, cause);
}

int
player_seek_to(struct player *p, int64_t at_ms, char **cause)
{
	int64_t tl;
	int clamped;

	if (player_check_active(p, cause) != 0)
		return -1;
	tl = edl_to_timeline(p->edl, at_ms, 1, p->frame_ms, &clamped);
	return player_seek_tl(p, tl, clamped, cause);
}

int
player_frame_step(struct player *p, int dir, char **cause)
{
	const char *fwd[] = { "frame-step", NULL };
	const char *back[] = { "frame-back-step", NULL };

	if (player_check_active(p, cause) != 0)
		return -1;
	if (dir >= 0) {
		if (p->eof || player_base(p) + p->frame_ms >=
		    edl_duration(p->edl)) {
			player_queue(p, PLAYER_EVENT_EDGE, -1, 1,
			    edl_to_recording(p->edl, player_base(p)), 0,
			    "end of the declared range");
			return 1;
		}
		return player_command(p, PLAYER_REQ_STEP, fwd, cause);
	}
	if (player_base(p) < p->frame_ms / 2) {
		player_queue(p, PLAYER_EVENT_EDGE, -1, -1,
		    edl_to_recording(p->edl, 0), 0,
		    "start of the declared range");
		return 1;
	}
	if (player_command(p, PLAYER_REQ_SEEK, back, cause) != 0)
		return -1;
	p->eof = 0;
	p->jumped = 1;
	p->seeks_out++;
	p->seek_target = player_base(p) - p->frame_ms;
	return 0;
}

int
player_speed_step(struct player *p, int dir, char **cause)
{
	int idx;

	if (player_check_active(p, cause) != 0)
		return -1;
	idx = p->speed_idx + (dir >= 0 ? 1 : -1);
	if (idx < 0 || idx >= (int)PLAYER_N_SPEEDS)
		return 1;
	if (player_set_async(p, "speed", player_speeds[idx], cause) != 0)
		return -1;
	p->speed_idx = idx;
	intervals_count_speed(p->iv);
	return 0;
}

int
player_segment_step(struct player *p, int dir, char **cause)
{
	int cur, next;

	if (player_check_active(p, cause) != 0)
		return -1;
	cur = edl_item_at(p->edl, player_base(p));
	next = edl_item_next(p->edl, cur, dir);
	if (next < 0) {
		if (dir >= 0) {
			player_queue(p, PLAYER_EVENT_EDGE, -1, 1,
			    edl_to_recording(p->edl, player_base(p)), 0,
			    "end of the declared range");
			return 1;
		}
		return player_seek_tl(p, 0, -1, cause);
	}
	return player_seek_tl(p, edl_item_start(p->edl, (size_t)next), 0,
	    cause);
}

int
player_stop(struct player *p, char **cause)
{
	const char *args[] = { "stop", NULL };

	if (p->shutdown)
		return cause_set(cause, "the player has shut down");
	if (p->phase != PLAYER_ACTIVE)
		return cause_set(cause, "nothing is playing");
	if (player_command(p, PLAYER_REQ_STOP, args, cause) != 0)
		return -1;
	p->phase = PLAYER_STOPPING;
	player_update_playing(p);
	return 0;
}

int
player_quit(struct player *p, char **cause)
{
	const char *args[] = { "quit", NULL };

	if (p->shutdown)
		return 0;
	return player_command(p, PLAYER_REQ_QUIT, args, cause);
}

/* Neutralises ASS syntax in text: "{" would open an override block and
 * "\" an escape; control characters become spaces. */
static char *
player_ass_escape(const char *text)
{
	char *clean, *out, *o;
	const unsigned char *s;

	clean = utf8_sanitize(text, strlen(text));
	/* Worst case: every byte becomes "\" + U+2060 (4 bytes). */
	out = xmalloc(strlen(clean) * 4 + 1);
	o = out;
	for (s = (const unsigned char *)clean; *s != '\0'; s++) {
		if (*s == '{') {
			*o++ = '\\';
			*o++ = '{';
		} else if (*s == '}') {
			*o++ = '\\';
			*o++ = '}';
		} else if (*s == '\\') {
			/* A word joiner after it breaks "\N", "\h", ... */
			memcpy(o, "\\\xe2\x81\xa0", 4);
			o += 4;
		} else if (*s < 0x20 || *s == 0x7f) {
			*o++ = ' ';
		} else {
			*o++ = (char)*s;
		}
	}
	*o = '\0';
	free(clean);
	return out;
}

static int
player_send_overlay(struct player *p, char **cause)
{
	/* mpv_node wants mutable strings; these are never written to. */
	static char k_name[] = "name", k_id[] = "id", k_format[] = "format",
	    k_data[] = "data", k_res_y[] = "res_y", k_z[] = "z",
	    v_name[] = "osd-overlay", v_format[] = "ass-events";
	mpv_node_list list;
	mpv_node vals[6], cmd;
	char *keys[6], *esc, *data;
	int rc;

	esc = player_ass_escape(p->watermark);
	/* Bottom left, small, outlined, a little transparent, on top. */
	data = xasprintf("{\\an1\\fs22\\bord1.5\\shad0\\1a&H30&\\3a&H30&}%s",
	    esc);
	free(esc);
	keys[0] = k_name;
	vals[0].format = MPV_FORMAT_STRING;
	vals[0].u.string = v_name;
	keys[1] = k_id;
	vals[1].format = MPV_FORMAT_INT64;
	vals[1].u.int64 = PLAYER_OVERLAY_ID;
	keys[2] = k_format;
	vals[2].format = MPV_FORMAT_STRING;
	vals[2].u.string = v_format;
	keys[3] = k_data;
	vals[3].format = MPV_FORMAT_STRING;
	vals[3].u.string = data;
	keys[4] = k_res_y;
	vals[4].format = MPV_FORMAT_INT64;
	vals[4].u.int64 = 720;
	keys[5] = k_z;
	vals[5].format = MPV_FORMAT_INT64;
	vals[5].u.int64 = 1000;
	list.num = 6;
	list.values = vals;
	list.keys = keys;
	cmd.format = MPV_FORMAT_NODE_MAP;
	cmd.u.list = &list;
	rc = mpv_command_node_async(p->mpv,
	    (uint64_t)PLAYER_REQ_OVERLAY | p->gen << 8, &cmd);
	free(data);
	if (rc < 0)
		return cause_set(cause, "mpv osd-overlay: %s",
		    mpv_error_string(rc));
	return 0;
}

int
player_set_watermark(struct player *p, const char *text, char **cause)
{
	char *old;

	if (p->shutdown)
		return cause_set(cause, "the player has shut down");
	if (text == NULL || *text == '\0')
		return cause_set(cause, "empty watermark");
	old = p->watermark;
	p->watermark = xstrdup(text);
	if (player_send_overlay(p, cause) != 0) {
		free(p->watermark);
		p->watermark = old;
		return -1;
	}
	free(old);
	return 0;
}

int
player_watermark_drawn(const struct player *p)
{
	return p->vo == PLAYER_VO_GPU || p->vo == PLAYER_VO_DRM ||
	    p->vo == PLAYER_VO_SIXEL;
}

char *
player_watermark_text(const char *user, const char *code,
    const char *reference, int64_t now_ms)
{
	char when[32], *raw, *clean;
	struct tm tm;
	time_t t;

	t = (time_t)(now_ms / 1000);
	if (localtime_r(&t, &tm) == NULL ||
	    strftime(when, sizeof when, "%Y-%m-%d %H:%M", &tm) == 0)
		snprintf(when, sizeof when, "@%" PRId64, now_ms);
	if (reference != NULL && *reference != '\0')
		raw = xasprintf("%s \xc2\xb7 %s %s \xc2\xb7 %s", user, code,
		    reference, when);
	else
		raw = xasprintf("%s \xc2\xb7 %s \xc2\xb7 %s", user, code, when);
	clean = utf8_sanitize(raw, strlen(raw));
	free(raw);
	return clean;
}

int
player_set_terminal_area(struct player *p, int rows, int cols, char **cause)
{
	struct winsize ws;
	char w[16], h[16];
	const char *vo;

	if (p->shutdown)
		return cause_set(cause, "the player has shut down");
	if (!player_vo_is_terminal(p->vo))
		return cause_set(cause, "video output %s is not the terminal",
		    player_vo_name(p->vo));
	if (rows < 1 || cols < 1)
		return cause_set(cause, "empty picture area");
	if (p->vo == PLAYER_VO_TCT) {
		snprintf(w, sizeof w, "%d", cols);
		snprintf(h, sizeof h, "%d", rows);
		if (player_set_async(p, "vo-tct-width", w, cause) != 0 ||
		    player_set_async(p, "vo-tct-height", h, cause) != 0)
			return -1;
	} else {
		/* Pixels per cell from the terminal, when it says. */
		if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 &&
		    ws.ws_col > 0 && ws.ws_row > 0 && ws.ws_xpixel > 0 &&
		    ws.ws_ypixel > 0) {
			snprintf(w, sizeof w, "%d", ws.ws_xpixel * cols / ws.ws_col);
			snprintf(h, sizeof h, "%d", ws.ws_ypixel * rows / ws.ws_row);
			if (player_set_async(p, "vo-sixel-width", w, cause) != 0 ||
			    player_set_async(p, "vo-sixel-height", h, cause) != 0)
				return -1;
		}
		if (player_set_async(p, "vo-sixel-top", "1", cause) != 0 ||
		    player_set_async(p, "vo-sixel-left", "1", cause) != 0)
			return -1;
	}
	if (p->phase != PLAYER_ACTIVE || p->hidden)
		return 0;
	/* The output reads its options when it starts: restart it. */
	vo = player_vo_name(p->vo);
	if (player_set_async(p, "vo", "null", cause) != 0 ||
	    player_set_async(p, "vo", vo, cause) != 0)
		return -1;
	return 0;
}

/* Counts playback wall time while footage is really playing, and the
 * time footage is on screen. */
static void
player_update_playing(struct player *p)
{
	int playing;

	playing = p->phase == PLAYER_ACTIVE && p->shown && !p->paused &&
	    !p->eof && !p->capped;
	intervals_playing(p->iv, playing, player_mono_ms());
	/* On screen: a frame up, paused or playing, the output not hidden. */
	intervals_visible(p->iv, p->phase == PLAYER_ACTIVE && p->shown &&
	    !p->hidden && !p->capped, player_mono_ms());
}

/* The range is no longer loaded. */
static void
player_unloaded(struct player *p, const char *why)
{
	p->phase = PLAYER_IDLE;
	p->entry_id = -1;
	p->seeking = 0;
	player_update_playing(p);
	if (why != NULL)
		player_queue(p, PLAYER_EVENT_STOPPED, -1, 0, 0, 0, "%s", why);
	else
		player_queue(p, PLAYER_EVENT_STOPPED, -1, 0, 0, 0, NULL);
}

static void
player_on_log(struct player *p, mpv_event_log_message *m)
{
	char *text;
	size_t len;
	int culprit;

	if (m->log_level > MPV_LOG_LEVEL_ERROR)
		return;
	text = xstrdup(m->text);
	len = strlen(text);
	while (len > 0 && (text[len - 1] == '\n' || text[len - 1] == '\r'))
		text[--len] = '\0';
	player_queue(p, PLAYER_EVENT_ERROR, -1, 0, 0, 0, "%s: %s", m->prefix,
	    text);

	if (p->phase == PLAYER_ACTIVE && !p->shown && p->edl != NULL) {
		culprit = edl_match_open_error(p->edl, text);
		if (culprit >= 0) {
			player_queue(p, PLAYER_EVENT_CORRUPT, culprit, 0,
			    edl_item(p->edl, (size_t)culprit)->start_ms, 0,
			    "%s: %s", edl_item(p->edl, (size_t)culprit)->path,
			    p->load_error ? p->load_error : "cannot be opened");
			edl_exclude(p->edl, (size_t)culprit);
			p->excluded++;
			free(p->load_error);
			p->load_error = NULL;
		} else if (p->load_error == NULL) {
			p->load_error = xstrdup(text);
		}
	}
	free(text);
}

static void
player_on_end_file(struct player *p, mpv_event_end_file *ef)
{
	char *cause = NULL;

	if (p->entry_id == -1 || ef->playlist_entry_id != p->entry_id)
		return;
	if (ef->reason == MPV_END_FILE_REASON_ERROR &&
	    p->phase == PLAYER_ACTIVE && !p->shown) {
		/* mpv hands out log lines after events: the line naming the
		 * segment that failed the timeline may still be queued. */
		p->load_failed = 1;
		p->load_error_code = ef->error;
		return;
	}
	if (ef->reason == MPV_END_FILE_REASON_ERROR) {
		cause = xasprintf("playback failed: %s",
		    mpv_error_string(ef->error));
		player_unloaded(p, cause);
		free(cause);
		return;
	}
	player_unloaded(p, NULL);
}

/* The timeline failed to load and every log line about it was read: an
 * unopenable segment was left out when its line came, so load again
 * without it; otherwise give up. */
static void
player_load_failed(struct player *p)
{
	char *cause = NULL;

	p->load_failed = 0;
	if (p->phase != PLAYER_ACTIVE || p->shown)
		return;
	if (edl_duration(p->edl) == 0) {
		player_unloaded(p, "no playable footage in the range");
		return;
	}
	if (p->excluded > 0) {
		if (player_send_load(p, &cause) == 0)
			return;
		player_unloaded(p, cause);
		free(cause);
		return;
	}
	cause = xasprintf("cannot play the range: %s",
	    mpv_error_string(p->load_error_code));
	player_unloaded(p, cause);
	free(cause);
}

static void
player_on_reply(struct player *p, mpv_event *ev)
{
	static const char *const names[] = {
		"?", "loadfile", "seek", "frame step", "set", "stop",
		"osd-overlay", "quit"
	};
	mpv_event_command *cmd = ev->data;
	unsigned kind = (unsigned)(ev->reply_userdata & 0xff);
	uint64_t gen = ev->reply_userdata >> 8;
	mpv_node *id;
	int i;

	if (kind == PLAYER_REQ_LOAD && gen == p->gen && ev->error >= 0 &&
	    cmd->result.format == MPV_FORMAT_NODE_MAP) {
		for (i = 0; i < cmd->result.u.list->num; i++) {
			id = &cmd->result.u.list->values[i];
			if (strcmp(cmd->result.u.list->keys[i],
			    "playlist_entry_id") == 0 &&
			    id->format == MPV_FORMAT_INT64)
				p->entry_id = id->u.int64;
		}
	}
	if (ev->error >= 0)
		return;
	if (kind == PLAYER_REQ_SEEK)
		p->seeks_out = 0;
	player_queue(p, PLAYER_EVENT_ERROR, -1, 0, 0, 0, "%s: %s",
	    kind < sizeof names / sizeof names[0] ? names[kind] : "command",
	    mpv_error_string(ev->error));
	if (kind == PLAYER_REQ_LOAD && gen == p->gen &&
	    p->phase == PLAYER_ACTIVE)
		player_unloaded(p, "cannot load the range");
}

/* A seek finished (or the first frame after loading is up). */
static void
player_on_restart(struct player *p)
{
	const struct player_item *first;
	int k;

	if (p->phase != PLAYER_ACTIVE)
		return;
	p->seeking = 0;
	p->seeks_out = 0;
	if (!p->shown) {
		p->shown = 1;
		k = edl_item_next(p->edl, -1, 1);
		first = edl_item(p->edl, (size_t)k);
		player_queue(p, PLAYER_EVENT_LOADED, k, 0, first->start_ms, 0,
		    NULL);
		if (first->start_ms > p->from_ms)
			player_queue(p, PLAYER_EVENT_GAP, -1, 0, p->from_ms,
			    first->start_ms, "no footage before the first "
			    "segment");
		player_update_playing(p);
	}
	/* The position of the frame now shown may have come during the
	 * seek; otherwise it comes next. */
	if (p->pos_in_seek && p->have_tl) {
		p->pos_in_seek = 0;
		player_on_position(p, p->tl_ms);
	}
}

/* The playhead moved on from item `from` into the next usable item `to`
 * without a seek: reports a skipped gap, or a segment that ended early
 * (damaged), and feeds the intervals what was played on either side of
 * the boundary, including frames between two position reports. */
static void
player_cross(struct player *p, int from, int to)
{
	const struct player_item *a, *b;
	int64_t end_tl, slack, last_rec;
	int k, skipped = 0, early = 0;

	a = edl_item(p->edl, (size_t)from);
	b = edl_item(p->edl, (size_t)to);
	/* How far short of its end the last frame of `from` was: more than
	 * a few frames (or what the loop may miss at this speed) means the
	 * segment ended early. */
	end_tl = edl_item_start(p->edl, (size_t)from) + a->length_ms;
	slack = 3 * p->frame_ms;
	if ((int64_t)(p->speed * 300) > slack)
		slack = (int64_t)(p->speed * 300);
	if (end_tl - p->frame_tl > p->frame_ms + slack) {
		early = 1;
		last_rec = edl_to_recording(p->edl, p->frame_tl) + p->frame_ms;
		player_queue(p, PLAYER_EVENT_CORRUPT, from, 0, last_rec, 0,
		    "%s: damaged, ends early (%" PRId64 " ms not playable)",
		    a->path, end_tl - p->frame_tl - p->frame_ms);
	}
	if (b->start_ms > a->start_ms + a->length_ms) {
		for (k = from + 1; k < to; k++)
			skipped++;
		if (skipped > 0)
			player_queue(p, PLAYER_EVENT_GAP, -1, 0,
			    a->start_ms + a->length_ms, b->start_ms,
			    "%d unreadable segment%s skipped", skipped,
			    skipped == 1 ? "" : "s");
		else
			player_queue(p, PLAYER_EVENT_GAP, -1, 0,
			    a->start_ms + a->length_ms, b->start_ms, NULL);
	}
	/* `from` played to its last frame unless it ended early; `to`
	 * played from its start. */
	if (!early && a->length_ms > p->frame_ms)
		intervals_frame(p->iv, a->start_ms + a->length_ms - p->frame_ms,
		    p->frame_ms, 1);
	intervals_frame(p->iv, b->start_ms, p->frame_ms, 0);
}

/* A new playhead position (timeline ms) while a range is loaded. */
static void
player_on_position(struct player *p, int64_t tl_ms)
{
	int item, continuous;
	int64_t rec;

	item = edl_item_at(p->edl, tl_ms);
	if (item < 0)
		return;
	continuous = p->have_frame && !p->jumped && tl_ms > p->frame_tl;
	if (item != p->item) {
		if (p->item >= 0 && continuous &&
		    edl_item_next(p->edl, p->item, 1) == item)
			player_cross(p, p->item, item);
		else
			continuous = 0;
		p->item = item;
		player_queue(p, PLAYER_EVENT_SEGMENT, item, 0,
		    edl_item(p->edl, (size_t)item)->start_ms, 0, NULL);
	}
	rec = edl_to_recording(p->edl, tl_ms);
	intervals_frame(p->iv, rec, p->frame_ms, continuous);
	p->have_frame = 1;
	p->frame_tl = tl_ms;
	p->jumped = 0;

	player_cap_due(p, item, rec);
}

/* The cap, once footage time played or time on screen reaches it: the
 * playback stops, with a PLAYER_EVENT_CAP.  Returns 1 when it did. */
static int
player_cap_due(struct player *p, int item, int64_t rec)
{
	const char *args[] = { "stop", NULL };
	char *cause = NULL;
	int64_t now = player_mono_ms();

	if (p->cap_ms <= 0 || p->capped || p->phase != PLAYER_ACTIVE ||
	    (intervals_played_ms(p->iv) < p->cap_ms &&
	    intervals_screen_ms(p->iv, now) < p->cap_ms))
		return 0;
	p->capped = 1;
	player_update_playing(p);
	player_queue(p, PLAYER_EVENT_CAP, item, 0, rec, 0,
	    "playback cap of %" PRId64 " s reached", p->cap_ms / 1000);
	if (player_command(p, PLAYER_REQ_STOP, args, &cause) != 0) {
		player_queue(p, PLAYER_EVENT_ERROR, -1, 0, 0, 0, "%s", cause);
		free(cause);
	} else {
		p->phase = PLAYER_STOPPING;
	}
	return 1;
}

int
player_check_cap(struct player *p)
{
	if (p->shutdown)
		return 0;
	return player_cap_due(p, p->item, 0);
}

int64_t
player_cap_left(const struct player *p)
{
	int64_t played, screen;

	if (p->cap_ms <= 0 || p->capped || p->phase != PLAYER_ACTIVE)
		return -1;
	played = p->cap_ms - intervals_played_ms(p->iv);
	screen = p->cap_ms - intervals_screen_ms(p->iv, player_mono_ms());
	played = played < screen ? played : screen;
	return played > 0 ? played : 0;
}

/* Playback ran into the end of the timeline. */
static void
player_on_eof(struct player *p)
{
	const struct player_item *last;
	int k;

	k = edl_item_next(p->edl, (int)edl_items(p->edl), -1);
	last = edl_item(p->edl, (size_t)k);
	if (last->start_ms + last->length_ms < p->to_ms)
		player_queue(p, PLAYER_EVENT_GAP, -1, 0,
		    last->start_ms + last->length_ms, p->to_ms,
		    "no footage after the last segment");
	player_queue(p, PLAYER_EVENT_END, p->item, 1,
	    edl_to_recording(p->edl, p->tl_ms), 0,
	    "end of the declared range");
}

static void
player_on_property(struct player *p, mpv_event *ev)
{
	mpv_event_property *prop = ev->data;
	double d;
	int flag;

	switch (ev->reply_userdata) {
	case PLAYER_OBS_TIME:
		if (prop->format != MPV_FORMAT_DOUBLE)
			return;
		d = *(double *)prop->data;
		if (!isfinite(d) || p->phase != PLAYER_ACTIVE)
			return;
		p->tl_ms = d <= 0 ? 0 : llround(d * 1000);
		p->have_tl = 1;
		if (!p->shown || p->seeking) {
			p->pos_in_seek = 1;
			return;
		}
		if (!p->capped)
			player_on_position(p, p->tl_ms);
		break;
	case PLAYER_OBS_PAUSE:
		if (prop->format != MPV_FORMAT_FLAG)
			return;
		p->paused = *(int *)prop->data != 0;
		player_update_playing(p);
		break;
	case PLAYER_OBS_EOF:
		if (prop->format != MPV_FORMAT_FLAG)
			return;
		flag = *(int *)prop->data != 0;
		if (flag && !p->eof && p->phase == PLAYER_ACTIVE && p->shown) {
			p->eof = 1;
			player_on_eof(p);
		} else if (!flag) {
			p->eof = 0;
		}
		player_update_playing(p);
		break;
	case PLAYER_OBS_SPEED:
		if (prop->format == MPV_FORMAT_DOUBLE)
			p->speed = *(double *)prop->data;
		break;
	case PLAYER_OBS_FPS:
		if (prop->format != MPV_FORMAT_DOUBLE)
			return;
		d = *(double *)prop->data;
		/* Rounded up: a frame is never counted shorter than it is. */
		if (isfinite(d) && d >= 0.1 && d <= 1000)
			p->frame_ms = (int64_t)ceil(1000.0 / d);
		break;
	}
}

size_t
player_handle_events(struct player *p, const struct player_event **events)
{
	struct player_evq tmp;
	mpv_event *ev;
	char buf[256];

	player_evq_clear(&p->delivered);
	/* Drain first: a wakeup during the loop below is not lost. */
	while (read(p->wake[0], buf, sizeof buf) > 0)
		;
	p->in_handle = 1;
	while (!p->shutdown) {
		ev = mpv_wait_event(p->mpv, 0);
		if (ev->event_id == MPV_EVENT_NONE)
			break;
		switch (ev->event_id) {
		case MPV_EVENT_SHUTDOWN:
			p->shutdown = 1;
			if (p->phase != PLAYER_IDLE)
				player_unloaded(p, NULL);
			player_queue(p, PLAYER_EVENT_SHUTDOWN, -1, 0, 0, 0,
			    NULL);
			break;
		case MPV_EVENT_LOG_MESSAGE:
			player_on_log(p, ev->data);
			break;
		case MPV_EVENT_COMMAND_REPLY:
			player_on_reply(p, ev);
			break;
		case MPV_EVENT_END_FILE:
			player_on_end_file(p, ev->data);
			break;
		case MPV_EVENT_SEEK:
			if (p->phase == PLAYER_ACTIVE) {
				p->seeking = 1;
				p->jumped = 1;
				p->pos_in_seek = 0;
			}
			break;
		case MPV_EVENT_PLAYBACK_RESTART:
			player_on_restart(p);
			break;
		case MPV_EVENT_VIDEO_RECONFIG:
			if (player_vo_is_terminal(p->vo))
				player_queue(p, PLAYER_EVENT_REDRAW, -1, 0, 0,
				    0, NULL);
			break;
		case MPV_EVENT_PROPERTY_CHANGE:
			player_on_property(p, ev);
			break;
		default:
			break;
		}
	}
	if (p->load_failed)
		player_load_failed(p);
	p->in_handle = 0;
	tmp = p->delivered;
	p->delivered = p->pending;
	p->pending = tmp;
	*events = p->delivered.ev;
	return p->delivered.n;
}

void
player_get_state(const struct player *p, struct player_state *st)
{
	memset(st, 0, sizeof *st);
	st->loaded = p->phase == PLAYER_ACTIVE && p->shown;
	st->loading = p->phase == PLAYER_ACTIVE && !p->shown;
	st->paused = p->paused;
	st->seeking = p->phase == PLAYER_ACTIVE && (p->seeks_out > 0 ||
	    p->seeking);
	st->eof = p->eof;
	st->stopped = p->phase != PLAYER_ACTIVE;
	st->capped = p->capped;
	st->shutdown = p->shutdown;
	st->speed = p->speed;
	st->segment = p->phase == PLAYER_ACTIVE && p->have_tl ?
	    edl_item_at(p->edl, p->tl_ms) : -1;
	st->position_ms = p->edl != NULL && p->have_tl ?
	    edl_to_recording(p->edl, p->tl_ms) : 0;
	st->from_ms = p->from_ms;
	st->to_ms = p->to_ms;
	st->played_ms = intervals_played_ms(p->iv);
	st->cap_ms = p->cap_ms;
}

const struct intervals *
player_intervals(const struct player *p)
{
	return p->iv;
}

char *
player_view_json(const struct player *p)
{
	return intervals_json(p->iv, player_mono_ms());
}

int
player_view_checkpoint(const struct player *p, const char *path,
    char **cause)
{
	return intervals_checkpoint(p->iv, player_mono_ms(), path, cause);
}

/* For player/overlay.c. */
mpv_handle *
player_mpv(const struct player *p)
{
	return p->mpv;
}
