/* wizard_run — the export wizard's last steps (tui/wizard.c): the
 * second person's approval, the signing key's passphrase, and the run of
 * the export job with its progress and summary. */
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

static void wz_conv_message(void *arg, int error, const char *text);
static int wz_conv_prompt(void *arg, int echo, const char *text, char *answer,
    size_t size);
static void wz_approve(struct wizard *w);

/* ---- Approval and the key ------------------------------------------------ */

/* A PAM module's message during the approval. */
static void
wz_conv_message(void *arg, int error, const char *text)
{
	struct wizard *w = arg;

	(void)error;
	if (w->namsg == 4) {
		memmove(w->amsg[0], w->amsg[1], sizeof w->amsg[0] * 3);
		w->namsg--;
	}
	snprintf(w->amsg[w->namsg++], sizeof w->amsg[0], "%s", text);
}

/* A further question from PAM is not asked in the approval dialog. */
static int
wz_conv_prompt(void *arg, int echo, const char *text, char *answer,
    size_t size)
{
	(void)echo;
	(void)answer;
	(void)size;
	wz_conv_message(arg, 1, text);
	return -1;
}

/* Checks the approving person through PAM and their role. */
static void
wz_approve(struct wizard *w)
{
	struct auth_result res;
	struct auth_conv conv;
	char name[AUTH_USER_MAX + 1];

	if (w->anlen == 0) {
		wz_say(w, 1, "Type the approving person's user name first.");
		w->afocus = 0;
		return;
	}
	snprintf(name, sizeof name, "%s", w->aname);
	w->namsg = 0;
	conv.message = wz_conv_message;
	conv.prompt = wz_conv_prompt;
	conv.arg = w;
	memset(&res, 0, sizeof res);
	/* auth_approve() wipes the password. */
	if (auth_approve(w->auth, name, w->apass,
	    ROLE_EXPORTER | ROLE_AUDITOR, &conv, &res) == -1) {
		w->aplen = 0;
		sodium_memzero(w->apass, sizeof w->apass);
		wz_say(w, 1, "Not approved: %s", res.message);
		/* The name is what to change for the same person, else the
		 * password. */
		w->afocus = res.stage == AUTH_STAGE_SAME_PERSON ||
		    res.stage == AUTH_STAGE_ROLES ? 0 : 1;
		return;
	}
	w->aplen = 0;
	sodium_memzero(w->apass, sizeof w->apass);
	snprintf(w->approver, sizeof w->approver, "%s", res.user);
	sodium_memzero(w->aname, sizeof w->aname);
	w->anlen = 0;
	w->msg[0] = '\0';
	wz_after_approval(w);
}

/* A key on the approval step. */
void
wz_key_approval(struct wizard *w, int key)
{
	switch (key) {
	case '\t': case KEY_BTAB: case KEY_UP: case KEY_DOWN:
		w->afocus = !w->afocus;
		return;
	case '\r': case '\n': case KEY_ENTER:
		if (w->afocus == 0) {
			w->afocus = 1;
			return;
		}
		wz_approve(w);
		return;
	}
	if (w->afocus == 0) {
		if (field_key(w->aname, &w->anlen, sizeof w->aname - 1, key) ==
		    FIELD_FULL)
			beep();
	} else if (field_key(w->apass, &w->aplen, AUTH_PASS_MAX, key) ==
	    FIELD_FULL) {
		beep();
	}
}

/* A key on the signing key's passphrase step. */
void
wz_key_key(struct wizard *w, int key)
{
	char *cause = NULL;

	if (key == '\r' || key == '\n' || key == KEY_ENTER) {
		/* scrypt takes a moment: say so first. */
		screen_bottom(screen_utf8() ? "Opening the signing key…" :
		    "Opening the signing key...", 0, "");
		refresh();
		w->key = sign_key_load(config_signing_key(w->cfg), w->kpass,
		    &cause);
		sodium_memzero(w->kpass, sizeof w->kpass);
		w->kplen = 0;
		if (w->key == NULL) {
			wz_say(w, 1, "The signing key cannot be opened: %s.",
			    cause);
			free(cause);
			return;
		}
		w->msg[0] = '\0';
		wz_start(w);
		return;
	}
	if (field_key(w->kpass, &w->kplen, SIGN_PASSPHRASE_MAX, key) ==
	    FIELD_FULL)
		beep();
}

/* ---- The export ---------------------------------------------------------- */

/* Plans the job with the approver, starts it (export-start) and its thread. */
void
wz_start(struct wizard *w)
{
	char *cause = NULL;

	if ((w->job = wz_job(w, &cause)) == NULL) {
		wz_say(w, 1, "The export is refused: %s.", cause);
		free(cause);
		w->step = STEP_TARGET;
		return;
	}
	if (job_start(w->job, w->log, w->key, &cause) == -1) {
		wz_say(w, 1, "The export is refused: %s. Nothing was written.",
		    cause);
		free(cause);
		job_free(w->job);
		w->job = NULL;
		w->step = STEP_TARGET;
		return;
	}
	memset(&w->prog, 0, sizeof w->prog);
	w->prog.left_ms = -1;
	w->prog.stage = "starting";
	w->cancel_ask = 0;
	w->cancelled = 0;
	w->step = STEP_RUN;
	if (job_spawn(w->job, &cause) == -1) {
		wz_say(w, 1, "The export could not start: %s.", cause);
		free(cause);
		wz_finish(w);
	}
}

/* The job is over: its record, then the summary. */
void
wz_finish(struct wizard *w)
{
	char *cause = NULL;
	int rc;

	rc = job_end(w->job, &cause);
	w->ok = rc == 0;
	w->cancelled = rc == CLIP_CANCELLED;
	free(w->bundle);
	w->bundle = NULL;
	if (rc == 0) {
		w->bundle = xstrdup(job_bundle(w->job));
		snprintf(w->sums, sizeof w->sums, "%s", job_sums(w->job));
		snprintf(w->keyid, sizeof w->keyid, "%s", job_key_id(w->job));
		free(w->pubkey);
		w->pubkey = sign_key_public(w->key);
		w->msg[0] = '\0';
	} else if (rc == CLIP_CANCELLED) {
		wz_say(w, 0, "The export was cancelled: nothing was left on the "
		    "target, and the log says so.");
	} else {
		wz_say(w, 1, "The export failed: %s. Nothing was left on the "
		    "target.", cause != NULL ? cause : "error");
	}
	free(cause);
	job_free(w->job);
	w->job = NULL;
	sign_key_free(w->key);
	w->key = NULL;
	w->step = STEP_DONE;
	clearok(curscr, TRUE);
}

/* A key while the export runs: cancel, after asking. */
enum wizard_result
wz_key_run(struct wizard *w, int key)
{
	if (w->cancel_ask) {
		w->cancel_ask = 0;
		if ((key == 'y' || key == 'Y') && w->job != NULL) {
			job_cancel(w->job);
			wz_say(w, 0, "Cancelling...");
		}
		return WIZARD_NONE;
	}
	if (key == 27 || key == 'c')
		w->cancel_ask = 1;
	else
		wz_say(w, 0, "The export is running: Esc or c cancels it.");
	return WIZARD_NONE;
}
