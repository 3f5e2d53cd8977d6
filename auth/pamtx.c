/* pamtx — PAM transactions: the conversation, the checks a person passes
 * (authenticate, account, roles), and the session.  Used by the monitor
 * and, without privilege separation, by the terminal itself. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <security/pam_appl.h>
#include <sodium.h>

#include "auth/auth.h"
#include "auth/auth_int.h"
#include "util/util.h"

struct pamtx {
	pam_handle_t		*ph;
	struct pam_conv		 pc;
	const struct auth_conv	*conv;
	char			*pass;		/* the caller's buffer until the
						 * first hidden prompt */
	int			 last;		/* status for pam_end() */
};

static int pamtx_converse(int, const struct pam_message **,
    struct pam_response **, void *);
static void pamtx_clean(const char *in, size_t len, char out[AUTH_MSG_MAX]);
static void pamtx_tell(const struct auth_conv *, int error, const char *text);
static void pamtx_free_responses(struct pam_response *, int);
static void pamtx_end(struct pamtx *);
static int pamtx_roles(struct pamtx *, const struct pamtx_cfg *,
    struct auth_result *res);

void
pamtx_fail(struct auth_result *res, enum auth_stage stage, int code,
    const char *fmt, ...)
{
	va_list ap;

	res->stage = stage;
	res->pam_code = code;
	va_start(ap, fmt);
	vsnprintf(res->detail, sizeof res->detail, fmt, ap);
	va_end(ap);
	utf8_cut_tail(res->detail);
}

/* Copies len bytes of a module's text into out as printable UTF-8, cut on
 * a character boundary. */
static void
pamtx_clean(const char *in, size_t len, char out[AUTH_MSG_MAX])
{
	char *s;
	size_t n;

	s = utf8_sanitize(in, len);
	n = strlen(s);
	if (n > AUTH_MSG_MAX - 1) {
		n = AUTH_MSG_MAX - 1;
		while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
			n--;
	}
	memcpy(out, s, n);
	out[n] = '\0';
	free(s);
}

/* Passes a message to the screen one line at a time. */
static void
pamtx_tell(const struct auth_conv *conv, int error, const char *text)
{
	char line[AUTH_MSG_MAX];
	const char *nl;

	if (conv == NULL || conv->message == NULL)
		return;
	for (;;) {
		nl = strchr(text, '\n');
		if (nl == NULL) {
			if (*text != '\0') {
				pamtx_clean(text, strlen(text), line);
				conv->message(conv->arg, error, line);
			}
			return;
		}
		if (nl > text) {
			pamtx_clean(text, (size_t)(nl - text), line);
			conv->message(conv->arg, error, line);
		}
		text = nl + 1;
	}
}

static void
pamtx_free_responses(struct pam_response *r, int n)
{
	int i;

	if (r == NULL)
		return;
	for (i = 0; i < n; i++) {
		if (r[i].resp != NULL) {
			sodium_memzero(r[i].resp, strlen(r[i].resp));
			free(r[i].resp);
		}
	}
	free(r);
}

/* The conversation function given to pam_start(). */
static int
pamtx_converse(int n, const struct pam_message **msg,
    struct pam_response **resp, void *appdata)
{
	struct pamtx *tx = appdata;
	const struct auth_conv *conv = tx->conv;
	struct pam_response *r;
	char answer[AUTH_PASS_MAX], text[AUTH_MSG_MAX];
	const char *m;
	int i, style;

	*resp = NULL;
	if (n <= 0 || n > PAM_MAX_NUM_MSG)
		return PAM_CONV_ERR;
	/* Messages alone get no response array: some modules never free
	 * the one they are given for a message. */
	for (i = 0; i < n; i++) {
		style = msg[i]->msg_style;
		if (style != PAM_ERROR_MSG && style != PAM_TEXT_INFO)
			break;
	}
	if (i == n) {
		for (i = 0; i < n; i++)
			pamtx_tell(conv, msg[i]->msg_style == PAM_ERROR_MSG,
			    msg[i]->msg != NULL ? msg[i]->msg : "");
		return PAM_SUCCESS;
	}
	if ((r = calloc((size_t)n, sizeof *r)) == NULL)
		return PAM_BUF_ERR;
	for (i = 0; i < n; i++) {
		style = msg[i]->msg_style;
		m = msg[i]->msg != NULL ? msg[i]->msg : "";
		switch (style) {
		case PAM_PROMPT_ECHO_OFF:
			if (tx->pass != NULL) {
				/* The password, sent once. */
				r[i].resp = strdup(tx->pass);
				sodium_memzero(tx->pass, AUTH_PASS_MAX);
				tx->pass = NULL;
				if (r[i].resp == NULL)
					goto fail;
				break;
			}
			/* FALLTHROUGH */
		case PAM_PROMPT_ECHO_ON:
			if (conv == NULL || conv->prompt == NULL)
				goto fail;
			pamtx_clean(m, strlen(m), text);
			memset(answer, 0, sizeof answer);
			if (conv->prompt(conv->arg, style == PAM_PROMPT_ECHO_ON,
			    text, answer, sizeof answer) == -1) {
				sodium_memzero(answer, sizeof answer);
				goto fail;
			}
			answer[sizeof answer - 1] = '\0';
			r[i].resp = strdup(answer);
			sodium_memzero(answer, sizeof answer);
			if (r[i].resp == NULL)
				goto fail;
			break;
		case PAM_ERROR_MSG:
		case PAM_TEXT_INFO:
			pamtx_tell(conv, style == PAM_ERROR_MSG, m);
			break;
		default:
			goto fail;	/* binary prompts are not supported */
		}
	}
	*resp = r;
	return PAM_SUCCESS;

fail:
	pamtx_free_responses(r, n);
	return PAM_CONV_ERR;
}

/* Ends a transaction without a session. */
static void
pamtx_end(struct pamtx *tx)
{
	if (tx == NULL)
		return;
	if (tx->ph != NULL)
		pam_end(tx->ph, tx->last);
	if (tx->pass != NULL)
		sodium_memzero(tx->pass, AUTH_PASS_MAX);
	free(tx);
}

/* Fills the authenticated name, uid and roles; refuses a person in none of
 * the groups. */
static int
pamtx_roles(struct pamtx *tx, const struct pamtx_cfg *cfg,
    struct auth_result *res)
{
	const void *item = NULL;
	const char *user;
	char *cause = NULL;
	char names[4 * 80];
	size_t off = 0;
	int i, n;

	if (pam_get_item(tx->ph, PAM_USER, &item) != PAM_SUCCESS || item == NULL) {
		pamtx_fail(res, AUTH_STAGE_ROLES, PAM_SUCCESS,
		    "PAM returned no user name");
		return -1;
	}
	user = item;
	if (strlen(user) >= sizeof res->user) {
		pamtx_fail(res, AUTH_STAGE_ROLES, PAM_SUCCESS,
		    "PAM returned a user name that is too long");
		return -1;
	}
	strcpy(res->user, user);
	if (roles_of(user, cfg->group, &res->roles, &res->uid, &cause) == -1) {
		pamtx_fail(res, AUTH_STAGE_ROLES, PAM_SUCCESS, "%s",
		    cause != NULL ? cause : "cannot look up the user");
		free(cause);
		return -1;
	}
	if (res->roles != 0)
		return 0;

	names[0] = '\0';
	for (i = 0; i < 4; i++) {
		if (cfg->group[i] == NULL || cfg->group[i][0] == '\0')
			continue;
		n = snprintf(names + off, sizeof names - off, "%s%s",
		    off == 0 ? "" : ", ", cfg->group[i]);
		if (n < 0 || (size_t)n >= sizeof names - off)
			break;
		off += (size_t)n;
	}
	pamtx_fail(res, AUTH_STAGE_ROLES, PAM_SUCCESS,
	    "not a member of any vigil group (%s)",
	    off == 0 ? "none configured" : names);
	return -1;
}

int
pamtx_check(struct pamtx_state *st, const struct pamtx_cfg *cfg,
    const char *user, char *pass, int keep, const struct auth_conv *conv,
    struct auth_result *res)
{
	struct pamtx *tx;
	int rc;

	memset(res, 0, sizeof *res);
	pamtx_abort(st);
	if ((tx = calloc(1, sizeof *tx)) == NULL) {
		sodium_memzero(pass, AUTH_PASS_MAX);
		pamtx_fail(res, AUTH_STAGE_INTERNAL, PAM_BUF_ERR, "out of memory");
		return -1;
	}
	tx->pass = pass;
	tx->conv = conv;
	tx->last = PAM_SUCCESS;
	tx->pc.conv = pamtx_converse;
	tx->pc.appdata_ptr = tx;

	rc = pam_start(cfg->service, user, &tx->pc, &tx->ph);
	if (rc != PAM_SUCCESS) {
		pamtx_fail(res, AUTH_STAGE_AUTHENTICATE, rc, "%s",
		    pam_strerror(tx->ph, rc));
		tx->ph = NULL;	/* pam_start frees it on failure */
		pamtx_end(tx);
		return -1;
	}
	if (cfg->tty != NULL && cfg->tty[0] != '\0' &&
	    (rc = pam_set_item(tx->ph, PAM_TTY, cfg->tty)) != PAM_SUCCESS) {
		pamtx_fail(res, AUTH_STAGE_AUTHENTICATE, rc, "%s",
		    pam_strerror(tx->ph, rc));
		tx->last = rc;
		pamtx_end(tx);
		return -1;
	}

	rc = pam_authenticate(tx->ph, PAM_DISALLOW_NULL_AUTHTOK);
	if (tx->pass != NULL) {
		/* No module asked for it: still wipe it now. */
		sodium_memzero(tx->pass, AUTH_PASS_MAX);
		tx->pass = NULL;
	}
	if (rc != PAM_SUCCESS) {
		pamtx_fail(res, AUTH_STAGE_AUTHENTICATE, rc, "%s",
		    pam_strerror(tx->ph, rc));
		tx->last = rc;
		pamtx_end(tx);
		return -1;
	}
	rc = pam_acct_mgmt(tx->ph, PAM_DISALLOW_NULL_AUTHTOK);
	if (rc != PAM_SUCCESS) {
		pamtx_fail(res, AUTH_STAGE_ACCOUNT, rc, "%s",
		    pam_strerror(tx->ph, rc));
		tx->last = rc;
		pamtx_end(tx);
		return -1;
	}
	if (pamtx_roles(tx, cfg, res) == -1) {
		tx->last = PAM_PERM_DENIED;
		pamtx_end(tx);
		return -1;
	}
	tx->conv = NULL;
	if (keep)
		st->pending = tx;
	else
		pamtx_end(tx);
	res->stage = AUTH_STAGE_OK;
	res->pam_code = PAM_SUCCESS;
	return 0;
}

int
pamtx_open(struct pamtx_state *st, const struct auth_conv *conv,
    struct auth_result *res)
{
	struct pamtx *tx = st->pending;
	int rc;

	memset(res, 0, sizeof *res);
	if (tx == NULL) {
		pamtx_fail(res, AUTH_STAGE_SESSION, PAM_SYSTEM_ERR,
		    "nobody has been checked");
		return -1;
	}
	if (st->session != NULL) {
		pamtx_fail(res, AUTH_STAGE_SESSION, PAM_SYSTEM_ERR,
		    "a session is already open");
		return -1;
	}
	st->pending = NULL;
	tx->conv = conv;
	rc = pam_setcred(tx->ph, PAM_ESTABLISH_CRED);
	if (rc != PAM_SUCCESS) {
		pamtx_fail(res, AUTH_STAGE_CREDENTIALS, rc, "%s",
		    pam_strerror(tx->ph, rc));
		tx->last = rc;
		pamtx_end(tx);
		return -1;
	}
	rc = pam_open_session(tx->ph, 0);
	if (rc != PAM_SUCCESS) {
		pamtx_fail(res, AUTH_STAGE_SESSION, rc, "%s",
		    pam_strerror(tx->ph, rc));
		pam_setcred(tx->ph, PAM_DELETE_CRED);
		tx->last = rc;
		pamtx_end(tx);
		return -1;
	}
	tx->conv = NULL;
	st->session = tx;
	res->stage = AUTH_STAGE_OK;
	res->pam_code = PAM_SUCCESS;
	return 0;
}

void
pamtx_abort(struct pamtx_state *st)
{
	if (st->pending != NULL) {
		pamtx_end(st->pending);
		st->pending = NULL;
	}
}

int
pamtx_close(struct pamtx_state *st, const struct auth_conv *conv,
    struct auth_result *res)
{
	struct pamtx *tx = st->session;
	int rc, rc2;

	memset(res, 0, sizeof *res);
	if (tx == NULL) {
		pamtx_fail(res, AUTH_STAGE_SESSION, PAM_SYSTEM_ERR,
		    "no session is open");
		return -1;
	}
	st->session = NULL;
	tx->conv = conv;
	rc = pam_close_session(tx->ph, 0);
	rc2 = pam_setcred(tx->ph, PAM_DELETE_CRED);
	tx->conv = NULL;
	if (rc != PAM_SUCCESS) {
		pamtx_fail(res, AUTH_STAGE_SESSION, rc, "%s",
		    pam_strerror(tx->ph, rc));
		tx->last = rc;
	} else if (rc2 != PAM_SUCCESS) {
		pamtx_fail(res, AUTH_STAGE_CREDENTIALS, rc2, "%s",
		    pam_strerror(tx->ph, rc2));
		tx->last = rc2;
	}
	pamtx_end(tx);
	if (rc != PAM_SUCCESS || rc2 != PAM_SUCCESS)
		return -1;
	res->stage = AUTH_STAGE_OK;
	return 0;
}
