/* wizard_int — what the three files of the export wizard (wizard.c: the
 * state machine, keys, hooks and drawing; wizard_masks.c: the masks and
 * their preview; wizard_run.c: the approval, the key and the run) share,
 * and nothing else in tui/ needs. */
#ifndef VIGIL_TUI_WIZARD_INT_H
#define VIGIL_TUI_WIZARD_INT_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "audit/audit.h"
#include "config/config.h"
#include "export/export.h"
#include "footage/footage.h"
#include "player/player.h"
#include "session/session.h"
#include "tui/tui.h"

#define WZ_NAME_MAX	((JOB_RECIPIENT_MAX - 2) / 2)	/* recipient, organisation */
#define WZ_LEGAL_MAX	1000
#define WZ_FIELD_CAP	2048		/* held: more than any limit, so
					   text over a limit is refused whole,
					   never cut */
#define WZ_PIC_ROWS	10		/* below a picture in the terminal */
#define WZ_STEP_PCT	100		/* arrow keys: 1% */
#define WZ_BIG_PCT	500		/* with Shift: 5% */

enum wz_step {
	STEP_RANGE,
	STEP_PURPOSE,
	STEP_MODE,
	STEP_MASKS,
	STEP_TARGET,
	STEP_APPROVAL,
	STEP_KEY,
	STEP_RUN,
	STEP_DONE,
};

/* Purpose fields after the code. */
enum wz_pf {
	PF_CODE,
	PF_REFERENCE,
	PF_REQUESTER,
	PF_RECIPIENT,
	PF_ORGANISATION,
	PF_LEGAL,
	PF_NOTE,
	PF_COUNT
};

/* The numeric form of a mask. */
enum wz_nf {
	NF_MODE,
	NF_X,
	NF_Y,
	NF_W,
	NF_H,
	NF_FROM,
	NF_TO,
	NF_COUNT
};

struct wz_field {
	char	 text[WZ_FIELD_CAP + 1];
	size_t	 len;
	size_t	 max;		/* the limit; purpose fields may hold more */
};

struct wizard {
	const struct config	*cfg;
	struct catalog		*cat;
	struct audit_log	*log;
	struct auth		*auth;
	char			*terminal;

	int			 active;
	enum wz_step		 step;
	int			 help;
	char			 user[AUTH_USER_MAX];
	char			 msg[1000];	/* this step's message */
	int			 msg_error;
	char			 closing[1200];	/* for the browser */
	int			 closing_error;

	/* Range. */
	struct catalog_camera	*cams;
	size_t			 ncams;
	unsigned char		*chosen;
	size_t			 cam_cur;
	int			 rfocus;	/* 0 cameras, 1 from, 2 to */
	struct wz_field		 from_f;
	struct wz_field		 to_f;
	int64_t			 from_ms;
	int64_t			 to_ms;
	char			 range_info[400];

	/* Purpose. */
	size_t			 code;
	int			 pfocus;
	struct wz_field		 pf[PF_COUNT];
	int			 legal_typed;	/* the basis was edited */

	/* Mode. */
	int			 redacted;

	/* Masks. */
	struct maskedit_mask	*masks;
	size_t			 nmasks;
	size_t			 sel;
	int64_t			 at_ms;		/* the frame shown */
	int			 live;		/* redaction previewed */
	int			 outlines;
	int			 numeric;	/* the form is open */
	int			 nfocus;
	enum maskedit_mode	 nmode;
	struct wz_field		 nf[NF_COUNT];
	size_t			 pcam;		/* camera previewed (index) */

	/* The preview's view and player. */
	struct player		*player;
	enum player_vo		 vo;
	int			 view_open;
	int64_t			 view_seq;
	char			*view_camera;
	struct view		*view;		/* its record (session/view.c) */
	struct clip_piece	*pieces;
	size_t			 npieces;
	struct catalog_range	 range;
	int			 have_range;
	int			 frame_w;
	int			 frame_h;
	int64_t			 playable_ms;

	/* Target. */
	struct media_target	*targets;
	size_t			 ntargets;
	size_t			 tsel;
	struct job_estimate	 est;
	int			 have_est;

	/* Approval and the signing key. */
	int			 afocus;	/* 0 name, 1 password */
	/* One byte more than allowed each: a longer name or password is
	 * refused untried (auth_input_ok()), never cut to a prefix. */
	char			 aname[AUTH_USER_MAX + 1];
	size_t			 anlen;
	char			 apass[AUTH_PASS_MAX + 1];
	size_t			 aplen;
	char			 approver[AUTH_USER_MAX];
	char			 amsg[4][AUTH_MSG_MAX];
	int			 namsg;
	char			 kpass[SIGN_PASSPHRASE_MAX + 1];
	size_t			 kplen;
	struct sign_key		*key;

	/* The export. */
	struct job		*job;
	struct job_progress	 prog;
	int			 cancel_ask;
	int			 cancelled;
	int			 ok;
	char			*bundle;
	char			 sums[65];
	char			 keyid[SIGN_KEYID_HEX];
	char			*pubkey;	/* the signing public key */
};

/* What one file calls in another. */
void wz_say(struct wizard *w, int error, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void wz_field_set(struct wz_field *f, size_t max, const char *text);
const struct config_reason *wz_reason(const struct wizard *w);
void wz_to_target(struct wizard *w);
struct job *wz_job(struct wizard *w, char **cause);
void wz_after_approval(struct wizard *w);
struct mask_list *wz_mask_list(struct wizard *w, char **cause);
void wz_free_range(struct wizard *w);
void wz_preview_start(struct wizard *w);
void wz_preview_end(struct wizard *w, const char *how);
void wz_preview_seek(struct wizard *w);
void wz_key_masks(struct wizard *w, int key);
void wz_key_approval(struct wizard *w, int key);
void wz_key_key(struct wizard *w, int key);
void wz_start(struct wizard *w);
void wz_finish(struct wizard *w);
enum wizard_result wz_key_run(struct wizard *w, int key);

#endif
