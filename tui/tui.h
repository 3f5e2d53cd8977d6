/* tui — the terminal's screens: shared drawing (screen.c), the login and
 * lock screen (login.c), the screen after login for those who view no
 * footage (home.c), the footage browser (browser.c), the reason dialog
 * (reason.c), the player screen (playscreen.c), the help overlay (help.c),
 * the audit log's state in the title bar (logstate.c), the view records
 * (views.c) and the main loop (term.c).  Only tui/ includes curses. */
#ifndef VIGIL_TUI_H
#define VIGIL_TUI_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#include "player/player.h"
#include "session/session.h"

struct auth;
struct auth_conv;

/* The review terminal itself (vigil with no command, term.c): login
 * screen first.  Returns the exit status. */
int tui_run(const char *config);

/* What the title bar and the status line show. */
struct screen_state {
	const char	*site;		/* [site] name */
	const char	*user;		/* NULL: nobody (or locked) */
	unsigned	 roles;
	int		 privsep;	/* 0: warn that privilege separation is off */
	const char	*log_state;	/* short: "open", "NOT OPEN" */
	int		 log_bad;	/* 1: log_state in red */
};

/* Colour pairs and attributes; plain attributes on a monochrome terminal. */
#define SCREEN_PAIR_ERROR	1
#define SCREEN_PAIR_ACCENT	2

/* Starts curses on the terminal; screen_end() restores it (also from
 * fatal()). */
void screen_init(void);
void screen_end(void);
/* Attribute for refusals (red) and for the selection accent. */
int screen_attr_error(void);
int screen_attr_accent(void);
/* 1 when the terminal's character set is UTF-8. */
int screen_utf8(void);

/* Clears the whole screen and draws the title bar (line 0) and its rule
 * (line 1). */
void screen_frame(const struct screen_state *);
/* The bottom line: status on the left (error: red), key hints on the
 * right. */
void screen_bottom(const char *status, int error, const char *hints);
/* Draws text from column x on line y, at most width columns, cut with "…"
 * when longer.  Returns the columns used. */
int screen_put(int y, int x, int width, const char *text, int attr);
/* Draws text word-wrapped into width columns from (y, x), at most maxlines
 * lines.  Returns the lines used. */
int screen_wrap(int y, int x, int width, int maxlines, const char *text,
    int attr);
/* The lines screen_wrap() would take for text in width columns. */
int screen_wrap_lines(int width, const char *text);
/* Display columns of the first len bytes of a UTF-8 string. */
int screen_width(const char *s, size_t len);
/* Waits up to ms milliseconds (-1: forever) for a key; returns it, ERR on
 * timeout or when a signal arrived, or SCREEN_HANGUP when the terminal is
 * gone. */
#define SCREEN_HANGUP	(-2)
int screen_getkey(int ms);
/* A key already waiting, without waiting: the key, ERR for none, or
 * SCREEN_HANGUP when the terminal is gone (every key read goes through
 * this or screen_getkey()). */
int screen_getch(void);
/* 1 once the terminal has hung up (SIGHUP, or the terminal says so); it
 * stays gone. */
int screen_hungup(void);
/* Called from the SIGHUP handler (async-signal-safe). */
void screen_note_hangup(void);
/* Asks a yes/no question on the bottom line; 1 for y, 0 for anything
 * else, a signal, or no answer within ms milliseconds (-1: no limit). */
int screen_confirm(const char *question, int ms);

/* The login form: also the lock screen and (later) the approval dialog. */
enum login_mode {
	LOGIN_MODE_LOGIN,	/* nobody logged in */
	LOGIN_MODE_LOCK,	/* a locked session: no names shown */
};
enum login_event {
	LOGIN_NONE,
	LOGIN_SUBMIT,		/* Enter on the password: try it */
	LOGIN_QUIT,		/* ^C on the login screen */
	LOGIN_LOGOUT,		/* ^X on the lock screen */
};
struct login;
/* Caller frees with login_free(), which wipes it. */
struct login *login_new(void);
void login_free(struct login *);
/* Empties both fields and the messages, and sets the mode. */
void login_reset(struct login *, enum login_mode);
/* Changes the mode and nothing else. */
void login_set_mode(struct login *, enum login_mode);
/* Adds a module's message to the message area (error 1: red). */
void login_say(struct login *, int error, const char *text);
/* Sets the line under the messages: "Checking…", or why a login failed
 * (error 1: red); NULL clears it and the messages. */
void login_status(struct login *, int error, const char *text);
/* Draws the form under the frame the caller drew. */
void login_draw(struct login *, const struct screen_state *,
    const char *log_line, int log_bad);
/* Handles one key. */
enum login_event login_key(struct login *, int key);
/* The typed name; the password buffer (AUTH_PASS_MAX bytes, NUL-terminated
 * unless it overflowed), which the caller passes to auth and which is then
 * wiped.  login_clear_password() wipes it and leaves the name. */
const char *login_user(const struct login *);
char *login_password(struct login *);
void login_clear_password(struct login *);
/* The conversation for auth: messages land in the message area (and are
 * drawn at once); a further prompt is asked on the form. */
void login_conv(struct login *, struct auth_conv *, const struct screen_state *,
    const char *log_line, int log_bad, volatile sig_atomic_t *stop);

/* The screen after login. */
void home_draw(const struct screen_state *, const struct auth *,
    int64_t since_ms, const char *terminal, unsigned idle_lock,
    const char *status, int status_error);

/* ---- The review screens ------------------------------------------------ */

struct audit_log;
struct audit_verify_result;
struct catalog;
struct config;
struct player;

/* ---- The audit log's state in the title bar (logstate.c) ---------------- */

/* Starts verifying the log at db in a background thread; when it is done
 * (or at each tenth of the way) one byte is written to wake_fd.  Returns
 * 0, or -1 when the thread could not start (the state then says so). */
int logstate_start(const char *db, int wake_fd);
/* The log's identity pinned in vigil.conf, checked by every verification
 * from now on; NULL, NULL: not pinned (an intact log is then UNPINNED). */
void logstate_pin(const uint8_t *log_id, const uint8_t *pk0);
/* 1 when the log's identity is pinned. */
int logstate_pinned(void);
/* The short state for the title bar ("verifying 42%", "intact",
 * "UNPINNED", "BROKEN"), and 1 in *bad when it must be red.  Copies into
 * buf. */
const char *logstate_text(char *buf, size_t len, int *bad);
/* Waits for the thread to end (at exit). */
void logstate_stop(void);
/* The verification's state for the review's integrity panel: while it
 * runs, *percent; once done, its result in *r. */
enum logstate_verdict {
	LOGSTATE_UNVERIFIED,	/* not started, or the log could not be read */
	LOGSTATE_RUNNING_NOW,
	LOGSTATE_DONE,		/* *r holds the result */
};
enum logstate_verdict logstate_result(struct audit_verify_result *r,
    int *percent);
/* Verifies the whole log again (the review screen was entered); 0, or -1
 * when a verification is still running (it goes on) or none was ever
 * started. */
int logstate_again(void);

/* ---- The footage browser (browser.c) ---------------------------------- */

struct browser;

enum browser_action {
	BROWSER_NONE,
	BROWSER_PLAY,		/* play the range of browser_range() */
	BROWSER_LOGOUT,		/* q, confirmed */
	BROWSER_LOCK,		/* L */
	BROWSER_HELP,		/* ? */
	BROWSER_REVIEW,		/* a: the audit review (auditor role) */
	BROWSER_EXPORT,		/* e: the export wizard for browser_range() */
};

/* Caller frees with browser_free(); the catalog is not owned. */
struct browser *browser_new(const struct config *, struct catalog *);
void browser_free(struct browser *);
/* Reads the cameras and the chosen day again (after a scan). */
void browser_reload(struct browser *);
/* Draws the browser under the title bar; status (error 1: red) on the
 * bottom line, or the key hints. */
void browser_draw(struct browser *, const struct screen_state *,
    const char *status, int error);
/* Handles one key; idle_ms bounds the logout question (-1: no limit). */
enum browser_action browser_key(struct browser *, int key, int64_t idle_ms);
/* The range to play: camera and [from, to).  0, or -1 with *cause. */
int browser_range(struct browser *, const char **camera, int64_t *from,
    int64_t *to, char **cause);
/* A problem with the catalog shown in the pane (NULL or "": none). */
void browser_problem(struct browser *, const char *text);
/* Moves the cursor to t (after playback: where it stopped). */
void browser_set_cursor(struct browser *, int64_t t);
/* Status text the browser wants shown, or NULL; valid until the next
 * browser call. */
const char *browser_status(struct browser *, int *error);

/* ---- The reason dialog (reason.c) ---------------------------------------- */

struct reason;

enum reason_result {
	REASON_NONE,
	REASON_CANCEL,		/* Esc: nothing is played */
	REASON_CONFIRM,		/* valid: play */
};

/* Caller frees with reason_free(), which wipes what was typed. */
struct reason *reason_new(const struct config *);
void reason_free(struct reason *);
/* Opens the dialog for camera [from, to) for user at now_ms, with no code
 * chosen and nothing filled in; the session's last confirmed reference is
 * offered on Ctrl-R when it was the same user's, confirmed less than
 * [session] reuse_reference_minutes before now_ms. */
void reason_open(struct reason *, const char *user, const char *camera,
    int64_t from, int64_t to, int64_t now_ms);
/* After reason_open(): what of the range the catalog says cannot be
 * played (gaps, damaged segments: catalog_coverage()), shown in the
 * dialog before anything is played; nothing when it all can be, or when
 * cat is NULL or cannot be read. */
void reason_coverage(struct reason *, struct catalog *cat);
void reason_draw(struct reason *, const struct screen_state *);
enum reason_result reason_key(struct reason *, int key);
/* After REASON_CONFIRM: the checked fields (valid until the next
 * reason_open() or reason_forget()). */
const char *reason_code(const struct reason *);
const char *reason_reference(const struct reason *);
/* After REASON_CONFIRM: 1 when the reference was the offered one, taken
 * with Ctrl-R and confirmed unchanged. */
int reason_reused(const struct reason *);
/* The reference offered on Ctrl-R, or NULL (valid until the next
 * reason_open() or reason_forget()). */
const char *reason_offer(const struct reason *);
const char *reason_authority(const struct reason *);
const char *reason_note(const struct reason *);
/* Sets the error shown in the dialog (e.g. the log refused the view). */
void reason_error(struct reason *, const char *text);
/* What the dialog says is wrong ("" when nothing; valid until the next
 * key). */
const char *reason_message(const struct reason *);
/* Forgets the session's last reason (logout, lock by someone else). */
void reason_forget(struct reason *);

/* ---- The player screen (playscreen.c) ----------------------------------- */

struct playscreen;

/* Before curses starts: when the output is (or, for "auto", may become)
 * the terminal, makes stdout ready for the player's pictures.  "auto" is
 * resolved at the first view, asking the terminal whether it draws sixel
 * graphics. */
void playscreen_prepare(struct playscreen *);
/* A player for *vo; "auto" is resolved first (asking the terminal about
 * sixel, curses letting go meanwhile) and *vo keeps the answer.  Used by
 * the player screen and the export wizard's preview.  NULL with *cause. */
struct player *playscreen_player_new(enum player_vo *vo, int audio,
    char **cause);
/* Caller frees with playscreen_free() (after playscreen_shutdown()). */
struct playscreen *playscreen_new(const struct config *, struct catalog *,
    struct audit_log *, const char *terminal);
void playscreen_free(struct playscreen *);
/* Starts a view: view-start in the log first, then the player loads the
 * range; reused 1 when the reference was the last one taken again (the
 * view-start says so).  Returns 0 (playing), or -1 with *cause for the
 * person (nothing was played; when the log refused, nothing was loaded). */
int playscreen_start(struct playscreen *, const char *user, const char *camera,
    int64_t from, int64_t to, const char *code, const char *reference,
    const char *authority, const char *note, int reused, char **cause);
/* Appends to buf (len bytes in all; sep before it unless buf is empty)
 * a stretch of the range with nothing to play, from its times:
 * "08:01:10–08:01:20: the recording cannot be read" (bad 1, a damaged
 * segment) or "...: no recording" (bad 0, a gap). */
void playscreen_stretch(char *buf, size_t len, const char *sep,
    int64_t from, int64_t to, int bad);
/* 1 while a view is open. */
int playscreen_active(const struct playscreen *);
/* Ends the open view: stops the player and writes view-end with how
 * ("stop", "lock", "logout", "hangup", ...).  *end_ms gets the playhead. */
void playscreen_end(struct playscreen *, const char *how, int64_t *end_ms);
/* For a lock: pauses the open view and switches the picture off (the view
 * stays open and logged as one).  Returns 0 (also with no view open), or
 * -1 with *cause when the player refused (the caller then ends the view). */
int playscreen_hold(struct playscreen *, char **cause);
/* The picture comes back: after an unlock (resume 0) still paused, with a
 * note saying so; after the help (resume 1) playing again if it was. */
void playscreen_release(struct playscreen *, int resume);
/* 1 while a view draws its picture into the terminal (tct, sixel). */
int playscreen_on_terminal(const struct playscreen *);
/* 1 while the open view is held by a lock. */
int playscreen_held(const struct playscreen *);
void playscreen_draw(struct playscreen *, const struct screen_state *);
/* Handles one key; returns 1 when the view ended (q), 2 for the help (?),
 * 3 for the lock (L: the caller locks as the idle lock does), else 0. */
int playscreen_key(struct playscreen *, int key);
/* The player's fd to poll, or -1. */
int playscreen_fd(const struct playscreen *);
/* Handles the player's events; returns 1 when the view ended by itself
 * (cap, nothing playable, player gone), 2 when only a redraw is due. */
int playscreen_events(struct playscreen *);
/* Milliseconds until playscreen_tick() is due (-1: none). */
int64_t playscreen_wait(const struct playscreen *, int64_t now_ms);
/* Saves the intervals shown so far and renews the watermark when due. */
void playscreen_tick(struct playscreen *, int64_t now_ms);
/* The terminal was resized. */
void playscreen_resize(struct playscreen *);
/* The last message for the browser's status line after the view ended
 * (error 1: red), or NULL. */
const char *playscreen_message(const struct playscreen *, int *error);
/* The recording time at the playhead when the last view ended (0:
 * unknown). */
int64_t playscreen_end_position(const struct playscreen *);
/* Asks libmpv to quit and waits (up to 3 s) for it (exit, logout). */
void playscreen_shutdown(struct playscreen *);
/* Milliseconds from confirming the reason to the first frame, of the last
 * view (-1: not shown). */
int64_t playscreen_first_frame_ms(const struct playscreen *);

/* ---- Help (help.c) ------------------------------------------------------- */

enum help_screen {
	HELP_BROWSER,
	HELP_PLAYER,
};
/* Draws every key of a screen over it; any key closes it. */
void help_draw(enum help_screen, const struct screen_state *);

/* ==== The export wizard (field.c, maskedit.c, wizard.c) ==================== */

/* ---- One-line text fields (field.c), shared with the reason dialog ---- */

enum field_result {
	FIELD_IGNORED,		/* not an editing key */
	FIELD_EDITED,		/* the text changed */
	FIELD_FULL,		/* a byte was refused: max bytes reached */
};
/* Edits buf (len bytes used, NUL-terminated, at most max bytes of text;
 * buf holds max + 1) with one key: a typed byte (UTF-8 arrives a byte at
 * a time) is appended, Backspace removes a whole character, ^U wipes it
 * all (sodium_memzero). */
enum field_result field_key(char *buf, size_t *len, size_t max, int key);
/* Draws "text____" in width columns from (y, x): of a long text the end
 * when focused (underlined), else the start; hidden 1 shows a fixed row of
 * dots when not empty (never the length).  *cx (may be NULL) gets the
 * cursor column. */
void field_draw(int y, int x, int width, const char *text, size_t len,
    int focus, int hidden, int *cx);

/* ---- The mask editor's model (maskedit.c): pure logic, no curses ---- */

#define MASKEDIT_UNIT	10000		/* the frame: hundredths of a percent */
#define MASKEDIT_MIN	100		/* smallest box side: 1% */
#define MASKEDIT_KEYS	64		/* keyframes a mask may have here */
#define MASKEDIT_MAX	64		/* masks (MASK_MAX) */
#define MASKEDIT_OPEN	INT64_MAX	/* to_ms: to the end of the clip */

enum maskedit_mode {
	MASKEDIT_BLUR,
	MASKEDIT_PIXELATE,
	MASKEDIT_SOLID,
};

struct maskedit_key {
	int64_t		 t_ms;
	int32_t		 x;
	int32_t		 y;
};

/* A box in MASKEDIT_UNIT of the frame: (x, y) its top-left corner at
 * from_ms, then at each key (sorted, strictly inside (from_ms, to_ms)),
 * moving linearly in between and staying at the last key. */
struct maskedit_mask {
	enum maskedit_mode	 mode;
	int32_t			 x, y, w, h;
	int64_t			 from_ms;
	int64_t			 to_ms;
	struct maskedit_key	 keys[MASKEDIT_KEYS];
	size_t			 nkeys;
};

/* A box of 20% x 20% in the middle, blur, over [from, to). */
void maskedit_init(struct maskedit_mask *, int64_t from_ms, int64_t to_ms);
/* "blur", "pixelate", "solid". */
const char *maskedit_mode_name(enum maskedit_mode);
/* 1 when the mask applies at t (from <= t < to). */
int maskedit_applies(const struct maskedit_mask *, int64_t t_ms);
/* The box's corner at t (before from: at from; after the last key: there). */
void maskedit_at(const struct maskedit_mask *, int64_t t_ms, int32_t *x,
    int32_t *y);
/* Moves the box as seen at t by (dx, dy): the key at t when there is one;
 * else the corner at from when the mask has no keys or t is not after
 * from; else a new key at t.  The box stays inside the frame.  Returns 0,
 * or -1 when a new key would be one too many. */
int maskedit_move(struct maskedit_mask *, int64_t t_ms, int32_t dx, int32_t dy);
/* Changes the size by (dw, dh) within MASKEDIT_MIN .. the frame; every
 * corner is moved in so the box stays inside. */
void maskedit_resize(struct maskedit_mask *, int32_t dw, int32_t dh);
/* Adds a key at t where the box is now.  Returns 0, or -1 with *why (a
 * static string) when t is not strictly inside the mask's time, a key is
 * there already, or there are too many. */
int maskedit_key_add(struct maskedit_mask *, int64_t t_ms, const char **why);
/* Removes the key at t; returns 0, or -1 when there is none. */
int maskedit_key_remove(struct maskedit_mask *, int64_t t_ms);
/* Sets the time range; keys outside it are dropped (their number is
 * returned in *dropped).  Returns 0, or -1 when to is not after from. */
int maskedit_set_time(struct maskedit_mask *, int64_t from_ms, int64_t to_ms,
    size_t *dropped);
/* The mask as a specification for mask_list_add() (man/masks.inc.txt):
 * percentages, UTC times.  Returns 0, or -1 when len is too small. */
int maskedit_format(const struct maskedit_mask *, char *buf, size_t len);
/* Parses a percentage "12.5" or "12.5%" (at most two decimals) into
 * hundredths: 1250.  Returns 0, or -1. */
int maskedit_parse_pct(const char *s, int32_t *out);
/* Writes v (hundredths) as "12.5". */
void maskedit_pct(int32_t v, char *buf, size_t len);
/* Parses a time for a mask: the export's grammar (mask_time(): "+S[.fff]",
 * "+M:SS[.fff]", "+H:MM:SS[.fff]" after base_ms, or a date and time), and
 * two conveniences written in it: "HH:MM[:SS]" on base_ms's local day,
 * and "end" (MASKEDIT_OPEN, when open_ok).  Returns 0, or -1. */
int maskedit_parse_time(const char *s, int64_t base_ms, int open_ok,
    int64_t *out);

/* ---- The wizard (wizard.c) ---- */

struct wizard;
struct auth;

enum wizard_result {
	WIZARD_NONE,
	WIZARD_CLOSED,		/* back to the browser (wizard_message()) */
};

/* Caller frees with wizard_free(); nothing passed is owned. */
struct wizard *wizard_new(const struct config *, struct catalog *,
    struct audit_log *, struct auth *, const char *terminal);
/* Ends whatever is under way as wizard_abandon() does, and frees. */
void wizard_free(struct wizard *);
/* Opens the wizard for the person logged in, prefilled with camera and
 * [from, to) (the browser's marked range or cursor). */
void wizard_open(struct wizard *, const char *camera, int64_t from_ms,
    int64_t to_ms);
/* 1 from wizard_open() until it closed. */
int wizard_active(const struct wizard *);
void wizard_draw(struct wizard *, const struct screen_state *);
enum wizard_result wizard_key(struct wizard *, int key);
/* Up to two descriptors to poll (the player's, the export job's) into
 * fds; returns how many. */
int wizard_fds(const struct wizard *, int fds[2]);
/* Handles the player's and the job's news (never blocks); returns 1 when
 * a redraw is due. */
int wizard_events(struct wizard *);
/* Milliseconds until wizard_tick() is due (-1: none). */
int64_t wizard_wait(const struct wizard *, int64_t now_ms);
/* Saves the preview view's intervals and renews its watermark when due. */
void wizard_tick(struct wizard *, int64_t now_ms);
/* The terminal was resized. */
void wizard_resize(struct wizard *);
/* The session locks: a preview view ends ("lock"); the wizard stays, and
 * an export under way goes on. */
void wizard_lock(struct wizard *);
/* The session ends (how: "logout", "replaced", "exit", ...): the preview
 * view ends, an export under way is cancelled and ended in the log, and
 * the wizard closes. */
void wizard_abandon(struct wizard *, const char *how);
/* After WIZARD_CLOSED: the line for the browser's status (error 1: red),
 * or NULL. */
const char *wizard_message(const struct wizard *, int *error);

/* ==== The audit review screen (review.c, reviewform.c) ===================== */

struct review;

enum review_action {
	REVIEW_NONE,
	REVIEW_BACK,		/* q: to the browser or the home screen */
	REVIEW_LOCK,		/* L */
};

/* Caller frees with review_free(); the configuration and the log (NULL:
 * not open, the screen says so) are not owned and outlive it. */
struct review *review_new(const struct config *, struct audit_log *,
    const char *terminal);
void review_free(struct review *);
/* The screen is entered by user: logged as audit-review "enter", and the
 * log verified again in the background.  Another user than last time
 * starts from an empty filter. */
void review_enter(struct review *, const char *user);
/* Forgets the filter, the forms and what was shown (logout, someone else
 * logs in over a lock). */
void review_forget(struct review *);
void review_draw(struct review *, const struct screen_state *);
enum review_action review_key(struct review *, int key);

#endif
