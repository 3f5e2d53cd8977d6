/* wire — the fixed-size, length-checked messages between the terminal and
 * the privileged monitor. */
#include <sys/socket.h>

#include <errno.h>
#include <poll.h>
#include <string.h>

#include <sodium.h>

#include "auth/auth.h"
#include "auth/auth_int.h"

static int wire_terminated(const char *field, size_t size);
static int wire_wait(int fd, short events);

/* After EAGAIN (someone made the socket non-blocking): waits until fd is
 * ready and returns 1; 0 for any other error. */
static int
wire_wait(int fd, short events)
{
	struct pollfd pfd = { .fd = fd, .events = events };

	if (errno != EAGAIN && errno != EWOULDBLOCK)
		return 0;
	while (poll(&pfd, 1, -1) == -1) {
		if (errno != EINTR)
			return 0;
	}
	return 1;
}

/* 1 when field holds a NUL within its size bytes. */
static int
wire_terminated(const char *field, size_t size)
{
	return memchr(field, '\0', size) != NULL;
}

int
wire_send(int fd, const struct wire_msg *m)
{
	ssize_t n;

	for (;;) {
		n = send(fd, m, sizeof *m, MSG_NOSIGNAL);
		if (n != -1 || (errno != EINTR && !wire_wait(fd, POLLOUT)))
			break;
	}
	if (n == -1)
		return -1;
	if ((size_t)n != sizeof *m) {
		errno = EMSGSIZE;
		return -1;
	}
	return 0;
}

const char *
wire_check(const struct wire_msg *m, size_t len, int direction)
{
	if (len < sizeof *m)
		return "short message";
	if (len > sizeof *m)
		return "oversized message";
	if (!wire_terminated(m->user, sizeof m->user) ||
	    !wire_terminated(m->text, sizeof m->text))
		return "unterminated string";
	if (direction == WIRE_TO_MONITOR) {
		switch (m->type) {
		case WIRE_CHECK:
			if ((m->flags & ~WIRE_KEEP) != 0)
				return "unknown flags";
			if (m->user[0] == '\0')
				return "empty user name";
			return NULL;
		case WIRE_ANSWER:
			if ((m->flags & ~WIRE_CANCEL) != 0)
				return "unknown flags";
			return NULL;
		case WIRE_OPEN:
		case WIRE_ABORT:
		case WIRE_CLOSE:
			if (m->flags != 0)
				return "unknown flags";
			return NULL;
		default:
			return "wrong message type";
		}
	}
	switch (m->type) {
	case WIRE_PROMPT:
	case WIRE_MESSAGE:
		if ((m->flags & ~1u) != 0)
			return "unknown flags";
		return NULL;
	case WIRE_RESULT:
		if (m->stage > AUTH_STAGE_INTERNAL)
			return "unknown stage";
		if ((m->roles & ~ROLE_ALL) != 0)
			return "unknown roles";
		return NULL;
	case WIRE_REJECT:
		return NULL;
	default:
		return "wrong message type";
	}
}

int
wire_recv(int fd, int direction, struct wire_msg *m, const char **why)
{
	struct msghdr mh;
	struct iovec iov;
	ssize_t n;

	memset(&mh, 0, sizeof mh);
	iov.iov_base = m;
	iov.iov_len = sizeof *m;
	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	for (;;) {
		n = recvmsg(fd, &mh, MSG_TRUNC | MSG_CMSG_CLOEXEC);
		if (n != -1 || (errno != EINTR && !wire_wait(fd, POLLIN)))
			break;
	}
	if (n == -1)
		return -1;
	if (n == 0) {
		struct pollfd pfd = { .fd = fd, .events = POLLRDHUP };

		/* An empty packet and the end of the stream both read as 0. */
		if (poll(&pfd, 1, 0) == 1 &&
		    (pfd.revents & (POLLHUP | POLLRDHUP)) != 0)
			return 0;
		*why = "short message";
		return -2;
	}
	if ((mh.msg_flags & MSG_CTRUNC) != 0) {
		sodium_memzero(m, sizeof *m);
		*why = "unexpected control data";
		return -2;
	}
	/* With MSG_TRUNC, n is the packet's real length even when longer. */
	if ((*why = wire_check(m, (size_t)n, direction)) != NULL) {
		sodium_memzero(m, sizeof *m);
		return -2;
	}
	return 1;
}

int
wire_reject(int fd, const char *why)
{
	struct wire_msg m;

	memset(&m, 0, sizeof m);
	m.type = WIRE_REJECT;
	strncpy(m.text, why, sizeof m.text - 1);
	return wire_send(fd, &m);
}
