/* monitor — the small privileged process that keeps root when vigil starts
 * as root and does nothing but PAM conversations and getgrouplist(),
 * answering one fixed-size message at a time. */
#include <sys/prctl.h>
#include <sys/socket.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "auth/auth.h"
#include "auth/auth_int.h"
#include "util/util.h"

/* The conversation as seen from the monitor: everything goes to the
 * terminal over the socket. */
struct monitor_ctx {
	int	fd;
	int	broken;		/* the socket failed: stop serving */
};

/* SIGTERM from the terminal, which has ended: no further request is
 * served.  A PAM call under way is not cut short; the monitor ends when it
 * returns. */
static volatile sig_atomic_t monitor_stop;

static void monitor_on_term(int);
static void monitor_message(void *, int, const char *);
static int monitor_prompt(void *, int, const char *, char *, size_t);
static void monitor_child(int fd, const struct pamtx_cfg *) __attribute__((noreturn));

static void
monitor_on_term(int sig)
{
	(void)sig;
	monitor_stop = 1;
}

static void
monitor_message(void *arg, int error, const char *text)
{
	struct monitor_ctx *mc = arg;
	struct wire_msg m;

	memset(&m, 0, sizeof m);
	m.type = WIRE_MESSAGE;
	m.flags = error ? WIRE_ERROR : 0;
	snprintf(m.text, sizeof m.text, "%s", text);
	if (wire_send(mc->fd, &m) == -1)
		mc->broken = 1;
}

static int
monitor_prompt(void *arg, int echo, const char *text, char *answer,
    size_t size)
{
	struct monitor_ctx *mc = arg;
	struct wire_msg m;
	const char *why;
	size_t len;
	int rc;

	memset(&m, 0, sizeof m);
	m.type = WIRE_PROMPT;
	m.flags = echo ? WIRE_ECHO : 0;
	snprintf(m.text, sizeof m.text, "%s", text);
	if (wire_send(mc->fd, &m) == -1) {
		mc->broken = 1;
		return -1;
	}
	rc = wire_recv(mc->fd, WIRE_TO_MONITOR, &m, &why);
	if (rc == 0 || rc == -1) {
		mc->broken = 1;
		return -1;
	}
	if (rc == -2) {
		if (wire_reject(mc->fd, why) == -1)
			mc->broken = 1;
		return -1;
	}
	if (m.type != WIRE_ANSWER) {
		sodium_memzero(&m, sizeof m);
		if (wire_reject(mc->fd, "expected an answer") == -1)
			mc->broken = 1;
		return -1;
	}
	len = strlen(m.text);
	if ((m.flags & WIRE_CANCEL) != 0 || len >= size) {
		sodium_memzero(&m, sizeof m);
		return -1;
	}
	memcpy(answer, m.text, len + 1);
	sodium_memzero(&m, sizeof m);
	return 0;
}

int
monitor_serve(int fd, const struct pamtx_cfg *cfg)
{
	struct pamtx_state st = { NULL, NULL };
	struct monitor_ctx mc = { fd, 0 };
	struct auth_conv conv = { monitor_message, monitor_prompt, &mc };
	struct auth_result res;
	struct wire_msg m, out;
	const char *why;
	int rc, status = 0;

	while (!mc.broken && !monitor_stop) {
		rc = wire_recv(fd, WIRE_TO_MONITOR, &m, &why);
		if (rc == 0 || monitor_stop)
			break;
		if (rc == -1) {
			status = 1;
			break;
		}
		if (rc == -2) {
			if (wire_reject(fd, why) == -1) {
				status = 1;
				break;
			}
			continue;
		}
		memset(&res, 0, sizeof res);
		switch (m.type) {
		case WIRE_CHECK:
			pamtx_check(&st, cfg, m.user, m.text,
			    (m.flags & WIRE_KEEP) != 0, &conv, &res);
			break;
		case WIRE_OPEN:
			pamtx_open(&st, &conv, &res);
			break;
		case WIRE_ABORT:
			pamtx_abort(&st);
			break;
		case WIRE_CLOSE:
			pamtx_close(&st, &conv, &res);
			break;
		default:
			sodium_memzero(&m, sizeof m);
			if (wire_reject(fd, "answer without a prompt") == -1) {
				status = 1;
				goto out;
			}
			continue;
		}
		sodium_memzero(&m, sizeof m);
		if (mc.broken || monitor_stop)
			break;

		memset(&out, 0, sizeof out);
		out.type = WIRE_RESULT;
		out.stage = (uint32_t)res.stage;
		out.code = res.pam_code;
		out.uid = (uint32_t)res.uid;
		out.roles = res.roles;
		memcpy(out.user, res.user, sizeof out.user);
		memcpy(out.text, res.detail, sizeof out.text);
		out.user[sizeof out.user - 1] = '\0';
		out.text[sizeof out.text - 1] = '\0';
		if (wire_send(fd, &out) == -1) {
			status = 1;
			break;
		}
	}
out:
	sodium_memzero(&m, sizeof m);
	pamtx_abort(&st);
	if (st.session != NULL)
		pamtx_close(&st, NULL, &res);
	return status;
}

/* The monitor process: no terminal, no signals from it, only the socket.
 * It is forked before the terminal opens anything else (the catalog, the
 * audit log, the footage), and whatever libraries hold open, such as an NSS
 * client's socket, is theirs to keep. */
static void
monitor_child(int fd, const struct pamtx_cfg *cfg)
{
	static const int ignored[] = { SIGINT, SIGQUIT, SIGTSTP, SIGHUP,
	    SIGPIPE, SIGTTIN, SIGTTOU, SIGWINCH };
	struct sigaction sa;
	size_t i;
	int null;

	prctl(PR_SET_NAME, "vigil-monitor", 0, 0, 0);
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = SIG_IGN;
	sa.sa_flags = SA_RESTART;
	sigemptyset(&sa.sa_mask);
	for (i = 0; i < sizeof ignored / sizeof ignored[0]; i++)
		sigaction(ignored[i], &sa, NULL);
	sa.sa_handler = monitor_on_term;
	sigaction(SIGTERM, &sa, NULL);

	if ((null = open("/dev/null", O_RDWR | O_CLOEXEC)) == -1)
		_exit(1);
	if (dup2(null, STDIN_FILENO) == -1 || dup2(null, STDOUT_FILENO) == -1)
		_exit(1);
	exit(monitor_serve(fd, cfg));
}

pid_t
monitor_start(const struct pamtx_cfg *cfg, int *fd, char **cause)
{
	int sv[2];
	pid_t pid;

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) == -1)
		return cause_set(cause, "socketpair: %s", strerror(errno));
	fflush(NULL);
	if ((pid = fork()) == -1) {
		int e = errno;

		close(sv[0]);
		close(sv[1]);
		return cause_set(cause, "fork: %s", strerror(e));
	}
	if (pid == 0) {
		close(sv[0]);
		monitor_child(sv[1], cfg);
	}
	close(sv[1]);
	*fd = sv[0];
	return pid;
}
