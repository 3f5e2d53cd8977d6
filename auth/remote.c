/* remote — the terminal's side of the monitor protocol: each operation is
 * one request, any conversation the monitor relays, and one result. */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>

#include <security/pam_appl.h>
#include <sodium.h>

#include "auth/auth.h"
#include "auth/auth_int.h"

/* How often a wait asks whether to go on, and how many times "gone" ends
 * it (half a second: an answer the monitor has at hand still comes). */
#define REMOTE_TICK_MS	100
#define REMOTE_GRACE	5

static int remote_wait(int fd, struct auth_wait *w);
static int remote_request(int fd, struct auth_wait *w, struct wire_msg *req,
    const struct auth_conv *, struct auth_result *res);
static int remote_answer(int fd, const struct wire_msg *prompt,
    const struct auth_conv *);

/* Relays one prompt to the screen and sends the answer back. */
static int
remote_answer(int fd, const struct wire_msg *prompt,
    const struct auth_conv *conv)
{
	struct wire_msg m;
	int rc;

	memset(&m, 0, sizeof m);
	m.type = WIRE_ANSWER;
	if (conv == NULL || conv->prompt == NULL ||
	    conv->prompt(conv->arg, (prompt->flags & WIRE_ECHO) != 0,
	    prompt->text, m.text, sizeof m.text) == -1) {
		sodium_memzero(m.text, sizeof m.text);
		m.flags = WIRE_CANCEL;
	}
	m.text[sizeof m.text - 1] = '\0';
	rc = wire_send(fd, &m);
	sodium_memzero(&m, sizeof m);
	return rc;
}

/* Waits until the monitor has something to say: 0, or -1 once w->gone()
 * has said for REMOTE_GRACE ticks that nobody is left to wait for it. */
static int
remote_wait(int fd, struct auth_wait *w)
{
	struct pollfd pfd;
	int gone = 0, rc;

	if (w == NULL || w->gone == NULL)
		return 0;
	for (;;) {
		pfd.fd = fd;
		pfd.events = POLLIN;
		pfd.revents = 0;
		rc = poll(&pfd, 1, REMOTE_TICK_MS);
		if (rc > 0 || (rc == -1 && errno != EINTR))
			return 0;
		if (rc == -1 || !w->gone(w->arg)) {
			gone = 0;
			continue;
		}
		if (++gone >= REMOTE_GRACE) {
			w->lost = 1;
			return -1;
		}
	}
}

/* Sends req (wiped afterwards) and waits for its result. */
static int
remote_request(int fd, struct auth_wait *w, struct wire_msg *req,
    const struct auth_conv *conv, struct auth_result *res)
{
	struct wire_msg m;
	const char *why;
	int rc;

	memset(res, 0, sizeof *res);
	if (w != NULL && w->lost) {
		sodium_memzero(req, sizeof *req);
		pamtx_fail(res, AUTH_STAGE_INTERNAL, PAM_ABORT, "the terminal "
		    "went away while the monitor was busy");
		return -1;
	}
	rc = wire_send(fd, req);
	sodium_memzero(req, sizeof *req);
	if (rc == -1) {
		pamtx_fail(res, AUTH_STAGE_INTERNAL, PAM_SYSTEM_ERR,
		    "the authentication monitor is gone: %s", strerror(errno));
		return -1;
	}
	for (;;) {
		if (remote_wait(fd, w) == -1) {
			/* The monitor ends when its PAM call returns. */
			pamtx_fail(res, AUTH_STAGE_INTERNAL, PAM_ABORT, "the "
			    "terminal went away; the monitor's answer was not "
			    "waited for");
			return -1;
		}
		rc = wire_recv(fd, WIRE_FROM_MONITOR, &m, &why);
		if (rc == 0 || rc == -1) {
			pamtx_fail(res, AUTH_STAGE_INTERNAL, PAM_SYSTEM_ERR,
			    "the authentication monitor is gone%s%s",
			    rc == -1 ? ": " : "", rc == -1 ? strerror(errno) : "");
			return -1;
		}
		if (rc == -2) {
			pamtx_fail(res, AUTH_STAGE_INTERNAL, PAM_SYSTEM_ERR,
			    "malformed message from the monitor: %s", why);
			return -1;
		}
		switch (m.type) {
		case WIRE_MESSAGE:
			if (conv != NULL && conv->message != NULL)
				conv->message(conv->arg,
				    (m.flags & WIRE_ERROR) != 0, m.text);
			break;
		case WIRE_PROMPT:
			if (remote_answer(fd, &m, conv) == -1) {
				pamtx_fail(res, AUTH_STAGE_INTERNAL,
				    PAM_SYSTEM_ERR,
				    "the authentication monitor is gone: %s",
				    strerror(errno));
				return -1;
			}
			break;
		case WIRE_REJECT:
			pamtx_fail(res, AUTH_STAGE_INTERNAL, PAM_SYSTEM_ERR,
			    "the monitor refused a message: %s", m.text);
			return -1;
		case WIRE_RESULT:
			res->stage = (enum auth_stage)m.stage;
			res->pam_code = m.code;
			res->uid = (uid_t)m.uid;
			res->roles = m.roles;
			memcpy(res->user, m.user, sizeof res->user);
			memcpy(res->detail, m.text, sizeof res->detail);
			return res->stage == AUTH_STAGE_OK ? 0 : -1;
		}
	}
}

int
remote_check(int fd, struct auth_wait *w, const char *user, char *pass,
    int keep, const struct auth_conv *conv, struct auth_result *res)
{
	struct wire_msg req;
	size_t ulen = strlen(user), plen;

	memset(&req, 0, sizeof req);
	plen = strnlen(pass, AUTH_PASS_MAX);
	if (ulen >= sizeof req.user || plen >= sizeof req.text) {
		sodium_memzero(pass, AUTH_PASS_MAX);
		memset(res, 0, sizeof *res);
		pamtx_fail(res, AUTH_STAGE_INPUT, PAM_SYSTEM_ERR,
		    "name or password too long");
		return -1;
	}
	req.type = WIRE_CHECK;
	req.flags = keep ? WIRE_KEEP : 0;
	memcpy(req.user, user, ulen + 1);
	memcpy(req.text, pass, plen + 1);
	sodium_memzero(pass, AUTH_PASS_MAX);
	return remote_request(fd, w, &req, conv, res);
}

int
remote_open(int fd, struct auth_wait *w, const struct auth_conv *conv,
    struct auth_result *res)
{
	struct wire_msg req;

	memset(&req, 0, sizeof req);
	req.type = WIRE_OPEN;
	return remote_request(fd, w, &req, conv, res);
}

int
remote_abort(int fd, struct auth_wait *w, struct auth_result *res)
{
	struct wire_msg req;

	memset(&req, 0, sizeof req);
	req.type = WIRE_ABORT;
	return remote_request(fd, w, &req, NULL, res);
}

int
remote_close(int fd, struct auth_wait *w, const struct auth_conv *conv,
    struct auth_result *res)
{
	struct wire_msg req;

	memset(&req, 0, sizeof req);
	req.type = WIRE_CLOSE;
	return remote_request(fd, w, &req, conv, res);
}
