/* player — playback of a declared range of recorded footage through libmpv.
 *
 * The only module that includes mpv headers.  A range [from, to) of one
 * camera is played as a single mpv EDL timeline made of the pieces of the
 * segment files the catalog returned, so segment boundaries cross without a
 * reload; gaps between pieces are skipped with a notice, an unreadable or
 * damaged segment is reported and playback goes on with the next one, and
 * the playhead can never leave the range.  libmpv runs in the owner's poll
 * loop: poll player_fd() with stdin, then call player_handle_events().
 *
 * Functions that fail return -1 and, when cause is not NULL, set *cause to
 * a message the caller frees with free().  libmpv requires LC_NUMERIC to be
 * "C" (never call setlocale(LC_ALL, ...)); player_create() refuses
 * otherwise. */
#ifndef VIGIL_PLAYER_H
#define VIGIL_PLAYER_H

#include <stddef.h>
#include <stdint.h>

struct player;
struct intervals;

/* Video outputs (vigil.conf [player] video_output). */
enum player_vo {
	PLAYER_VO_AUTO,		/* chosen by player_vo_resolve() */
	PLAYER_VO_DRM,		/* the Linux console's framebuffer (KMS) */
	PLAYER_VO_GPU,		/* a window (X11 or Wayland) */
	PLAYER_VO_TCT,		/* coloured character cells in the terminal */
	PLAYER_VO_SIXEL,	/* sixel graphics in the terminal */
	PLAYER_VO_NULL		/* nothing shown (tests) */
};

/* What PLAYER_VO_AUTO is resolved from. */
struct player_env {
	int	display;	/* $DISPLAY or $WAYLAND_DISPLAY is set */
	int	text_console;	/* the terminal is a Linux virtual console */
	int	sixel;		/* the terminal draws sixel graphics */
	int	truecolor;	/* $COLORTERM says 24-bit colour */
};

/* Parses "auto", "drm", "gpu", "tct", "sixel" or "null".  Returns 0, or -1
 * for any other name. */
int player_vo_from_name(const char *name, enum player_vo *vo);
/* The name of vo, a static string. */
const char *player_vo_name(enum player_vo vo);
/* 1 when vo draws into the terminal (tct, sixel): the owner must hand the
 * terminal's picture area over while a range is loaded. */
int player_vo_is_terminal(enum player_vo vo);
/* Fills env from the environment and the terminal on fd (-1: none).  With
 * query_sixel 1 and fd a terminal, asks the terminal for its device
 * attributes (DA1) and waits up to 300 ms for the answer: call it before
 * curses takes the terminal over. */
void player_env_probe(int fd, int query_sixel, struct player_env *env);
/* The concrete output for vo: vo itself unless PLAYER_VO_AUTO, which is a
 * window when there is a display, drm on a Linux text console, otherwise
 * sixel when the terminal draws it, else tct. */
enum player_vo player_vo_resolve(enum player_vo vo, const struct player_env *env);

/* Makes stdout fully buffered with a buffer large enough for a whole
 * terminal picture, so that tct and sixel write each picture with one
 * write(2) and the owner's own single-write updates of the screen never
 * land inside one of mpv's escape sequences.  Call once at start-up,
 * before anything is written to stdout, when a terminal output may be
 * used. */
void player_stdout_prepare(void);

struct player_options {
	enum player_vo	 vo;		/* PLAYER_VO_AUTO: resolved with the
					   environment of stdin (no DA1 query) */
	int		 audio;		/* 1: play sound; 0 (default): ao=null,
					   aid=no */
	int		 truecolor;	/* tct: 24-bit colour instead of 256 */
};

/* Creates a player: libmpv initialised, nothing loaded.  Caller frees with
 * player_free(). */
struct player *player_create(const struct player_options *opts, char **cause);
/* Destroys the player (mpv_terminate_destroy: waits for libmpv to stop if
 * player_quit() was not used) and everything it returned. */
void player_free(struct player *p);
/* The concrete video output in use. */
enum player_vo player_vo(const struct player *p);

/* The read end of the wakeup pipe: readable when libmpv has something for
 * player_handle_events().  Valid until player_free(). */
int player_fd(const struct player *p);

/* One piece of footage: length_ms of the file at path, from offset_ms,
 * showing recording time [start_ms, start_ms + length_ms).  offset_ms is a
 * position in the file's own timestamps (mpv's EDL "start"): for MP4 and
 * Matroska recordings, whose timestamps start at 0, the ms from the start
 * of the file; for files that start elsewhere (MPEG-TS) the caller adds
 * the file's start time.  For a 10-minute MP4 segment recorded from
 * 10:40:00 and a range from 10:47:00: start_ms = 10:47:00, offset_ms =
 * 420000. */
struct player_item {
	const char	*path;
	int64_t		 start_ms;	/* UTC ms */
	int64_t		 offset_ms;
	int64_t		 length_ms;
};

/* The declared range of one view. */
struct player_range {
	int64_t				 from_ms;	/* UTC ms, inclusive */
	int64_t				 to_ms;		/* UTC ms, exclusive */
	const struct player_item	*items;	/* ascending, not overlapping,
						   inside [from_ms, to_ms) */
	size_t				 n_items;
	int64_t				 cap_ms;	/* 0, or the most footage time
							   that may be played */
};

/* Loads a range and starts playing it (paused when paused is 1).  A
 * watermark must have been set first.  Replaces what was loaded before and
 * starts new viewed-interval tracking: collect the previous view's
 * intervals first.  The items are copied.  Returns 0 when loading started
 * (PLAYER_EVENT_LOADED follows when the first frame is up), or -1. */
int player_load(struct player *p, const struct player_range *range,
    int paused, char **cause);

/* The controls.  Each returns 0 when the command was sent, 1 when it was
 * clamped at an edge of the declared range or a limit (an event says so),
 * or -1 (nothing loaded, cap reached, mpv refused) with *cause set. */
int player_pause(struct player *p, int pause, char **cause);
/* Switches the video output off (hide 1: no picture is drawn, a window or
 * console picture goes away, nothing is decoded for display) or back on
 * (0), for a locked session; pause first.  Switching off waits until mpv
 * has taken the output down: nothing of the picture is drawn after it
 * returns.  Switching on does not wait; a picture in the terminal clears
 * the whole screen when its first frame comes.  Output restarts for a new
 * terminal area wait until it is shown again.  Returns 0 or -1 (the player
 * has shut down, mpv refused). */
int player_hide(struct player *p, int hide, char **cause);
/* 1 while the output is switched off by player_hide(). */
int player_hidden(const struct player *p);
/* Moves the playhead by delta_ms of recording time (e.g. +-5 s, +-1 min);
 * a target in a gap goes to the next footage in the direction of the
 * seek. */
int player_seek(struct player *p, int64_t delta_ms, char **cause);
/* Moves the playhead to recording time at_ms (or the footage after it). */
int player_seek_to(struct player *p, int64_t at_ms, char **cause);
/* One frame forward (dir 1) or back (dir -1); pauses. */
int player_frame_step(struct player *p, int dir, char **cause);
/* The next (dir 1) or previous (dir -1) speed of 0.25, 0.5, 1, 2, 4, 8,
 * 16; returns 1 at either end. */
int player_speed_step(struct player *p, int dir, char **cause);
/* To the start of the next (dir 1) or previous (dir -1) playable
 * segment. */
int player_segment_step(struct player *p, int dir, char **cause);
/* Stops playback and unloads the range: the picture goes away
 * (PLAYER_EVENT_STOPPED follows).  The intervals stay readable. */
int player_stop(struct player *p, char **cause);
/* Asks libmpv to quit; PLAYER_EVENT_SHUTDOWN follows, then call
 * player_free(). */
int player_quit(struct player *p, char **cause);

/* Sets the watermark line shown over the picture the whole time a range
 * is loaded (an OSD overlay), e.g. the result of player_watermark_text();
 * the owner renews it each minute.  With tct, whose cells cannot carry
 * legible text, and null, mpv draws no overlay: player_watermark_drawn()
 * is then 0 and the owner shows the line next to the picture itself. */
int player_set_watermark(struct player *p, const char *text, char **cause);
/* 1 when libmpv draws the watermark into the picture. */
int player_watermark_drawn(const struct player *p);
/* "user · CODE reference · YYYY-MM-DD HH:MM" in local time, control
 * characters and invalid UTF-8 replaced; reference may be NULL or empty.
 * Caller frees. */
char *player_watermark_text(const char *user, const char *code,
    const char *reference, int64_t now_ms);

/* Terminal outputs: confines the picture to the top rows x cols cells of
 * the terminal (tct centres the picture there; sixel draws from the top
 * left), leaving the lines below to the owner.  Applies when the output is
 * next initialised, and restarts it now when a range is loaded (a
 * PLAYER_EVENT_REDRAW follows).  tct and sixel clear the screen when they
 * start and stop: redraw on PLAYER_EVENT_REDRAW and PLAYER_EVENT_STOPPED. */
int player_set_terminal_area(struct player *p, int rows, int cols,
    char **cause);

enum player_event_type {
	PLAYER_EVENT_LOADED,	/* the first frame of the range is up */
	PLAYER_EVENT_SEGMENT,	/* the playhead entered item `segment` */
	PLAYER_EVENT_GAP,	/* no footage in [from_ms, to_ms): skipped */
	PLAYER_EVENT_CORRUPT,	/* item `segment` is unreadable or ended
				   early (message says which); playback
				   goes on with the next one */
	PLAYER_EVENT_EDGE,	/* a control was clamped at the start
				   (edge -1) or end (edge 1) of the
				   declared range, at from_ms */
	PLAYER_EVENT_END,	/* playback reached the end of the declared
				   range and holds the last frame, paused */
	PLAYER_EVENT_CAP,	/* the cap was reached: playback stopped */
	PLAYER_EVENT_STOPPED,	/* nothing is loaded any more (stop, cap,
				   or nothing in the range could be played:
				   message) */
	PLAYER_EVENT_ERROR,	/* mpv logged an error (message is
				   "prefix: text") or a command failed */
	PLAYER_EVENT_REDRAW,	/* a terminal output (re)started and cleared
				   the screen: redraw the owner's part */
	PLAYER_EVENT_SHUTDOWN	/* libmpv has quit: call player_free() */
};

struct player_event {
	enum player_event_type	 type;
	int			 segment;	/* item index, or -1 */
	int			 edge;		/* EDGE: -1 start, 1 end */
	int64_t			 from_ms;	/* GAP, EDGE, CORRUPT: recording time */
	int64_t			 to_ms;		/* GAP */
	const char		*message;	/* or NULL */
};

/* Drains the wakeup pipe and every pending libmpv event, updates the
 * state and the viewed intervals, and returns the number of events that
 * happened since the previous call; *events points to them.  The events
 * and their messages are valid until the next player_handle_events() or
 * player_free().  Never blocks. */
size_t player_handle_events(struct player *p,
    const struct player_event **events);

/* The cap of the loaded range (player_range.cap_ms) limits both the
 * footage time played and the time footage is on screen: a paused frame
 * left up reaches it too.  Frames check it as they come; this checks it
 * now (call it while paused), stopping the playback with a
 * PLAYER_EVENT_CAP when it is reached.  Returns 1 when it stopped it. */
int player_check_cap(struct player *p);
/* Milliseconds until the cap is reached at the latest (0: now), or -1
 * when there is none or it was reached. */
int64_t player_cap_left(const struct player *p);

/* What the UI shows. */
struct player_state {
	int		loaded;		/* a range is loaded and its first frame
					   was shown */
	int		loading;	/* player_load() called, first frame not
					   yet up */
	int		paused;
	int		seeking;	/* a seek is under way: position_ms may
					   not be on screen yet */
	int		eof;		/* holding the last frame of the range */
	int		stopped;	/* nothing loaded (or never was) */
	int		capped;		/* the cap stopped playback */
	int		shutdown;	/* libmpv has quit */
	double		speed;		/* 0.25 .. 16 */
	int		segment;	/* item index at the playhead, or -1 */
	int64_t		position_ms;	/* recording time at the playhead (UTC
					   ms), or 0 when unknown */
	int64_t		from_ms;	/* the declared range */
	int64_t		to_ms;
	int64_t		played_ms;	/* footage time played, counted toward
					   the cap */
	int64_t		cap_ms;
};
void player_get_state(const struct player *p, struct player_state *st);

/* The viewed intervals of the range loaded last (empty before the first
 * player_load()).  Valid until the next player_load() or player_free(). */
const struct intervals *player_intervals(const struct player *p);
/* intervals_json() of player_intervals() with the playback wall time up to
 * now; caller frees.  For the audit log's view-end details. */
char *player_view_json(const struct player *p);
/* Writes player_view_json() durably to path (intervals_checkpoint()); the
 * owner calls it periodically so a crash still leaves what was shown. */
int player_view_checkpoint(const struct player *p, const char *path,
    char **cause);

/* Viewed-interval tracking (player/intervals.c): the footage intervals
 * actually shown, in recording time, merged; pure logic, no mpv. */
struct interval {
	int64_t	from_ms;	/* inclusive */
	int64_t	to_ms;		/* exclusive */
};

/* Caller frees with intervals_free(). */
struct intervals *intervals_new(void);
void intervals_free(struct intervals *iv);
/* Adds [from_ms, to_ms) to the merged set (nothing when empty). */
void intervals_add(struct intervals *iv, int64_t from_ms, int64_t to_ms);
/* The frame at recording time at_ms, lasting dur_ms, was shown.  When
 * continuous is 1 and at_ms is after the previous frame, the footage since
 * that frame was played through and counts too; otherwise a new run
 * starts (a seek, a jump over a gap). */
void intervals_frame(struct intervals *iv, int64_t at_ms, int64_t dur_ms,
    int continuous);
/* Playback started (playing 1) or stopped or paused (0) at now_ms of a
 * monotonic clock; the wall time in between is counted. */
void intervals_playing(struct intervals *iv, int playing, int64_t now_ms);
/* Footage came on screen (visible 1: a frame is shown, playing or paused,
 * and the output is not hidden) or left it (0) at now_ms of a monotonic
 * clock; the time in between is the view's time on screen. */
void intervals_visible(struct intervals *iv, int visible, int64_t now_ms);
void intervals_count_seek(struct intervals *iv);
void intervals_count_speed(struct intervals *iv);
/* The merged intervals, ascending and disjoint (touching ones are merged);
 * *list is valid until the next change of iv. */
size_t intervals_list(const struct intervals *iv,
    const struct interval **list);
/* Total length of the merged intervals. */
int64_t intervals_shown_ms(const struct intervals *iv);
/* Footage time played, repeats included (what a cap limits). */
int64_t intervals_played_ms(const struct intervals *iv);
/* Playback wall time up to now_ms (while footage played). */
int64_t intervals_play_ms(const struct intervals *iv, int64_t now_ms);
/* Time footage was on screen up to now_ms, paused or playing, hidden
 * stretches (a lock screen, the help over a terminal picture) left out. */
int64_t intervals_screen_ms(const struct intervals *iv, int64_t now_ms);
unsigned intervals_seeks(const struct intervals *iv);
unsigned intervals_speed_changes(const struct intervals *iv);
/* A JSON object: {"shown":[[from_ms,to_ms],...],"shown_ms":N,
 * "played_ms":N,"wall_ms":N (time on screen),"play_ms":N (time playing),
 * "seeks":N,"speed_changes":N}; caller frees. */
char *intervals_json(const struct intervals *iv, int64_t now_ms);
/* Writes intervals_json() to path atomically and durably (a 0600 temporary
 * file in the same folder, fsync, rename, fsync of the folder). */
int intervals_checkpoint(const struct intervals *iv, int64_t now_ms,
    const char *path, char **cause);

/* The range as an mpv timeline (player/edl.c); used by player.c, public
 * for the tests.  Timeline positions are ms from the start of the
 * timeline, which holds the usable items back to back. */
struct edl;

/* Checks and copies a range; caller frees with edl_free(). */
struct edl *edl_new(const struct player_range *range, char **cause);
void edl_free(struct edl *e);
/* Leaves item out of the timeline (unreadable). */
void edl_exclude(struct edl *e, size_t item);
/* 1 when item is in the timeline. */
int edl_usable(const struct edl *e, size_t item);
size_t edl_items(const struct edl *e);
const struct player_item *edl_item(const struct edl *e, size_t item);
/* The "edl://" URL of the usable items, or NULL when there is none;
 * caller frees. */
char *edl_url(const struct edl *e);
/* Length of the timeline. */
int64_t edl_duration(const struct edl *e);
/* The usable item at timeline position tl_ms (the last one at or past the
 * end), or -1 when none is usable. */
int edl_item_at(const struct edl *e, int64_t tl_ms);
/* Timeline position where a usable item starts, or -1. */
int64_t edl_item_start(const struct edl *e, size_t item);
/* The next usable item after (dir 1) or before (dir -1) item, or -1. */
int edl_item_next(const struct edl *e, int item, int dir);
/* Recording time at timeline position tl_ms. */
int64_t edl_to_recording(const struct edl *e, int64_t tl_ms);
/* Timeline position of recording time rec_ms; in a gap, the start of the
 * footage after it (dir >= 0) or the last frame (frame_ms long) of the
 * footage before it (dir < 0).  *clamped is -1 when rec_ms lies before the
 * first footage and the seek goes back or starts before the range, 1 when
 * it lies at or past the end of the last footage and the seek goes forward
 * or ends past the range (the result is then 0 or the last frame), else
 * 0. */
int64_t edl_to_timeline(const struct edl *e, int64_t rec_ms, int dir,
    int64_t frame_ms, int *clamped);
/* The item whose failure to open libmpv reported in the log line text
 * ("EDL: Could not open source file '...'."), or -1. */
int edl_match_open_error(const struct edl *e, const char *text);

/* ==== The export wizard's mask editor (player/overlay.c) ================== */

/* A box over the picture, in fractions of the video frame (0 to 1). */
struct player_box {
	double		 x, y, w, h;
	int		 selected;	/* outlined in yellow, others in white */
};
/* Sets mpv's video filter chain: vf first (a value redact_mpv_vf() gives,
 * "lavfi=[...]": the export's own graph; NULL: none), then an outline of
 * each box (drawbox, in the frame's pixels, so it shows on every output,
 * tct's character cells included; n may be 0).  The outlines are drawn
 * after the redaction and never reach an export.  A paused picture is
 * filtered again at once. */
int player_set_filters(struct player *p, const char *vf,
    const struct player_box *boxes, size_t n, char **cause);
/* Holds the frame at recording time at_ms (or the footage after it),
 * paused. */
int player_show_still(struct player *p, int64_t at_ms, char **cause);

#endif
