/* session — what a session does that is not drawing, used by the screens
 * of tui/ and the command line alike: the audit records of a view (views.c)
 * and the logged view's lifecycle (view.c), which carries DESIGN.md's
 * invariants 1 and 2 for the player screen and the export wizard's mask
 * preview through one entry point.  No curses here. */
#ifndef VIGIL_SESSION_H
#define VIGIL_SESSION_H

#include <stddef.h>
#include <stdint.h>

#include "audit/audit.h"

struct audit_log;
struct player;
struct player_range;

/* ---- The audit records of a view (views.c) ------------------------------ */

/* What a view declared: the view-start entry's fields. */
struct views_decl {
	const char	*actor;
	const char	*camera;
	int64_t		 from_ms;
	int64_t		 to_ms;
	const char	*code;
	const char	*reference;
	const char	*authority;	/* "" when none */
	const char	*note;		/* "" when none */
	const char	*terminal;
	int64_t		 cap_ms;	/* 0: no cap */
	int64_t		 playable_ms;	/* footage in the range */
	int		 reference_reused;	/* taken again (Ctrl-R) */
};

/* Appends view-start; returns its seq only once it is durably committed,
 * or -1 with *cause set (nothing may then be played). */
int64_t views_start(struct audit_log *, const struct views_decl *,
    char **cause);
/* Appends view-end for the view at seq: details are the player's
 * view_json (NULL: nothing was shown) with "view": seq and "end": how
 * added.  Returns 0 or -1 with *cause set. */
int views_end(struct audit_log *, int64_t seq, const struct views_decl *,
    const char *view_json, const char *how, char **cause);
/* The file beside the audit state where the intervals of the open view at
 * seq are saved while it plays; caller frees. */
char *views_checkpoint_path(const char *audit_state, int64_t seq);
/* Closes every view a crash left open (audit_views_open()) as
 * view-aborted, with the intervals of its checkpoint file when there is
 * one (the file is then removed), else what its view-start said.  *closed
 * gets the number closed.  Returns 0 or -1 with *cause set. */
int views_recover(struct audit_log *, const char *audit_state,
    const char *terminal, size_t *closed, char **cause);

/* ---- A logged view (view.c) ----------------------------------------------
 * Invariant 1: nothing is loaded into the player before its view-start is
 * durably committed, and a view-start that cannot be written loads
 * nothing.  Invariant 2: every view ends in a record of what was shown:
 * view-end from view_close(), or, after a crash, view-aborted at the next
 * start (views_recover()) from the intervals view_tick() saves. */

struct view;

/* Which step of view_open() failed. */
enum view_failure {
	VIEW_FAIL_LOG,		/* view-start could not be written: nothing
				   was loaded, nothing logged */
	VIEW_FAIL_PLAYER,	/* the player could not start: view-end
				   "error" was logged (when it could be) */
};

/* Called by view_open() once the view-start is committed, to get the
 * player ready (created, its picture area set) without loading anything;
 * returns it, or NULL with *cause set. */
typedef struct player *(*view_prepare_fn)(void *arg, char **cause);

/* Opens a view of the range pr as d declares it: appends view-start, and
 * only once it is committed gets the player from prepare, sets the
 * watermark (d's actor, code and reference, the minute of wall_ms) and
 * loads the range (paused: on its first frame).  audit_state names the
 * folder of the intervals file.  Returns the view (caller closes it with
 * view_close()), or NULL with *fail and *cause set. */
struct view *view_open(struct audit_log *, const char *audit_state,
    const struct views_decl *d, const struct player_range *pr, int paused,
    view_prepare_fn prepare, void *arg, int64_t mono_ms, int64_t wall_ms,
    enum view_failure *fail, char **cause);
/* The view's view-start seq, its player, and the watermark set on it
 * (valid until the next view_tick() or view_close()). */
int64_t view_seq(const struct view *);
struct player *view_player(const struct view *);
const char *view_watermark_text(const struct view *);
/* Saves the intervals shown (every VIEW_SAVE_MS of monotonic time),
 * renews the watermark at each new wall-clock minute, and for a capped
 * code ends the playback once its time on screen reaches the cap
 * (player_check_cap()).  Returns 0, or -1 with *message set to a sentence
 * for the screen (the view goes on). */
int view_tick(struct view *, int64_t mono_ms, int64_t wall_ms,
    char **message);
/* Milliseconds until view_tick() has work (the intervals only while
 * playing; the cap's moment for a capped code). */
int64_t view_wait(const struct view *, int64_t mono_ms, int64_t wall_ms,
    int playing);
/* Ends the view: stops the player, appends view-end with what was shown
 * and how it ended, removes the intervals file, and frees the view (not
 * the player).  Returns 0, or -1 with *cause set when view-end could not
 * be written: the intervals file then stays, and the next start closes
 * the view as view-aborted with it. */
int view_close(struct view *, const char *how, char **cause);

#define VIEW_SAVE_MS	2000	/* the intervals are saved this often */

/* ---- The configuration and the log (logconf.c) ---------------------------- */

struct config;

/* Applies [audit] checkpoint_every and syslog_socket to a log opened for
 * writing. */
void logconf_apply(const struct config *, struct audit_log *);
/* Appends a "config-loaded" entry to the audit log, details
 * {"path": ..., "blake2b": "<hex of BLAKE2b-256 of the file's bytes>"}
 * (blake2b null and "defaults": true when no file was read). */
int logconf_record(const struct config *, struct audit_log *,
    const char *actor, char **cause);

/* ---- Starting a vigil process (start.c) ----------------------------------- */

struct auth;
struct catalog;

/* What start_open() made; the caller owns it and frees it with
 * start_close() once nothing uses the handles any more. */
struct session_start {
	struct config		*cfg;
	struct auth		*auth;
	struct audit_log	*log;		/* NULL: see log_error */
	char			*log_error;
	struct catalog		*cat;		/* NULL: see cat_error */
	char			*cat_error;
	char			*terminal;	/* this process's terminal */
	struct audit_quick	 quick;		/* the log's check at start */
	int			 quick_done;	/* quick is filled */
	char			 pin_bad[200];	/* not the pinned log: why; ""
						   when it is (or none is
						   pinned) */
	char			 recovered[300];	/* what recovery closed, for
						   the next person to see */
};

/* Reads the configuration (config, NULL: the default), keeps only the
 * allowed environment when started as root, starts authentication (the
 * monitor forked, root dropped), opens the audit log (its settings
 * applied, checked against the pin and its newest checkpoint; logins are
 * restricted to auditors and admins when it is not the pinned log),
 * closes the views, exports and logins a crash left open, and opens the
 * footage catalog.  A log or catalog that cannot be opened is not an
 * error (log_error, cat_error say why).  Returns NULL with *cause and
 * *status (the exit status: 2 for a configuration that does not load, 1
 * otherwise) when nothing could start. */
struct session_start *start_open(const char *config, int *status,
    char **cause);
void start_close(struct session_start *);

/* The steps of start_open() the command line takes on its own: the
 * authentication settings of the configuration (roles' groups, PAM
 * service, service account, password help, idle lock), and the footage
 * catalog it names (NULL with *cause). */
struct auth_config;
void start_auth_config(const struct config *, struct auth_config *);
struct catalog *start_catalog(const struct config *, char **cause);

#endif
