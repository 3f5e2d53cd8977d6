/* witness — the witness line of each checkpoint (vigil-audit(5), WITNESS):
 * written as a syslog message to a local socket for a collector off the
 * machine to keep, and read back from the collector's files. */
#include <sys/socket.h>
#include <sys/un.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "audit/audit.h"
#include "audit/audit_int.h"
#include "util/util.h"

#define WITNESS_MARK	"vigil-witness "

static int witness_connect(const char *path, int type, char **cause);
static int witness_send_on(int fd, const char *msg, size_t len);
static int witness_hex(const char **sp, const char *key, uint8_t *out,
    size_t len);
static int witness_int(const char **sp, const char *key, int64_t *v);
static int witness_rfc3339(char *s);

/* Opens a socket of type connected to the syslog socket at path. */
static int
witness_connect(const char *path, int type, char **cause)
{
	struct sockaddr_un sun;
	int fd;

	memset(&sun, 0, sizeof sun);
	sun.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof sun.sun_path)
		return cause_set(cause, "syslog socket %s: the path is too long",
		    path);
	memcpy(sun.sun_path, path, strlen(path));
	if ((fd = socket(AF_UNIX, type | SOCK_CLOEXEC, 0)) == -1)
		return cause_set(cause, "socket: %s", strerror(errno));
	if (connect(fd, (struct sockaddr *)&sun, sizeof sun) == -1) {
		cause_set(cause, "syslog socket %s: %s", path, strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

/* Sends one message, waiting at most a second for room: a syslog daemon
 * that does not read loses the line (the collector then sees a silence)
 * rather than stopping the log. */
static int
witness_send_on(int fd, const char *msg, size_t len)
{
	struct pollfd pfd;
	ssize_t n;
	int tries;

	for (tries = 0; tries < 2; tries++) {
		n = send(fd, msg, len, MSG_DONTWAIT | MSG_NOSIGNAL);
		if (n == (ssize_t)len)
			return 0;
		if (n >= 0) {
			errno = EMSGSIZE;
			return -1;
		}
		if (errno != EAGAIN && errno != EWOULDBLOCK && errno != ENOBUFS)
			return -1;
		pfd.fd = fd;
		pfd.events = POLLOUT;
		if (poll(&pfd, 1, 1000) <= 0) {
			errno = EAGAIN;
			return -1;
		}
	}
	return -1;
}

int
witness_emit(const char *socket_path, int severity, const char *text,
    char **cause)
{
	static const char mon[12][4] = { "Jan", "Feb", "Mar", "Apr", "May",
	    "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	char msg[1024];
	struct tm tm;
	time_t now = time(NULL);
	int fd, n, rc;

	/* RFC 3164, as syslog(3) writes it: <PRI>Mmm dd hh:mm:ss TAG: text,
	 * facility authpriv (10). */
	localtime_r(&now, &tm);
	n = snprintf(msg, sizeof msg, "<%d>%s %2d %02d:%02d:%02d vigil[%ld]: %s",
	    10 * 8 + severity, mon[tm.tm_mon], tm.tm_mday, tm.tm_hour, tm.tm_min,
	    tm.tm_sec, (long)getpid(), text);
	if (n < 0 || (size_t)n >= sizeof msg)
		return cause_set(cause, "syslog line too long");
	/* A datagram socket as journald and rsyslog make; a stream one as
	 * some daemons do (then the message ends with a NUL, as syslog(3)
	 * sends it). */
	if ((fd = witness_connect(socket_path, SOCK_DGRAM, NULL)) >= 0) {
		rc = witness_send_on(fd, msg, (size_t)n);
	} else if ((fd = witness_connect(socket_path, SOCK_STREAM, cause)) >= 0) {
		rc = witness_send_on(fd, msg, (size_t)n + 1);
	} else
		return -1;
	if (rc != 0)
		cause_set(cause, "syslog socket %s: %s", socket_path,
		    strerror(errno));
	close(fd);
	return rc;
}

int
witness_line(char *out, size_t len, enum audit_witness_kind kind,
    const uint8_t body[AUDIT_CKPT_LEN], const uint8_t sig[AUDIT_SIG_LEN])
{
	char hid[2 * AUDIT_LOGID_LEN + 1], hbody[2 * AUDIT_CKPT_LEN + 1];
	char hsig[2 * AUDIT_SIG_LEN + 1];
	int n;

	sodium_bin2hex(hid, sizeof hid, body + 8, AUDIT_LOGID_LEN);
	sodium_bin2hex(hbody, sizeof hbody, body, AUDIT_CKPT_LEN);
	sodium_bin2hex(hsig, sizeof hsig, sig, AUDIT_SIG_LEN);
	n = snprintf(out, len, WITNESS_MARK "v1 kind=%s log_id=%s epoch=%lld "
	    "n=%lld body=%s sig=%s", kind == AUDIT_WITNESS_STOP ? "stop" :
	    "checkpoint", hid, (long long)be64_get(body + 24),
	    (long long)be64_get(body + 32), hbody, hsig);
	return n < 0 || (size_t)n >= len ? -1 : 0;
}

/* Checks that s is an RFC 3339 date-time, YYYY-MM-DDTHH:MM:SS[.frac]
 * then Z or +HH:MM / -HH:MM (T and Z in either case), and makes T and Z
 * upper case for clock_parse(), which reads it to the millisecond. */
static int
witness_rfc3339(char *s)
{
	static const char form[] = "dddd-dd-ddTdd:dd:dd";
	size_t i;

	for (i = 0; i < sizeof form - 1; i++) {
		if (form[i] == 'd' ? !isdigit((unsigned char)s[i]) :
		    form[i] == 'T' ? (s[i] != 'T' && s[i] != 't') :
		    s[i] != form[i])
			return -1;
	}
	s[10] = 'T';
	s += sizeof form - 1;
	if (*s == '.') {
		if (!isdigit((unsigned char)*++s))
			return -1;
		while (isdigit((unsigned char)*s))
			s++;
	}
	if ((s[0] == 'Z' || s[0] == 'z') && s[1] == '\0') {
		s[0] = 'Z';
		return 0;
	}
	if ((s[0] == '+' || s[0] == '-') && isdigit((unsigned char)s[1]) &&
	    isdigit((unsigned char)s[2]) && s[3] == ':' &&
	    isdigit((unsigned char)s[4]) && isdigit((unsigned char)s[5]) &&
	    s[6] == '\0')
		return 0;
	return -1;
}

/* Reads " key=HEX" of exactly len bytes at *sp. */
static int
witness_hex(const char **sp, const char *key, uint8_t *out, size_t len)
{
	const char *s = *sp;
	size_t klen = strlen(key), i;
	int hi, lo;

	if (*s++ != ' ' || strncmp(s, key, klen) != 0 || s[klen] != '=')
		return -1;
	s += klen + 1;
	for (i = 0; i < len; i++) {
		if (!isxdigit((unsigned char)s[0]) ||
		    !isxdigit((unsigned char)s[1]) ||
		    isupper((unsigned char)s[0]) || isupper((unsigned char)s[1]))
			return -1;
		hi = isdigit((unsigned char)s[0]) ? s[0] - '0' : s[0] - 'a' + 10;
		lo = isdigit((unsigned char)s[1]) ? s[1] - '0' : s[1] - 'a' + 10;
		out[i] = (uint8_t)(hi << 4 | lo);
		s += 2;
	}
	*sp = s;
	return 0;
}

/* Reads " key=DECIMAL" (0 to 2^63 - 1, no leading zeros) at *sp. */
static int
witness_int(const char **sp, const char *key, int64_t *v)
{
	const char *s = *sp;
	size_t klen = strlen(key);
	int64_t x = 0;
	int digits = 0;

	if (*s++ != ' ' || strncmp(s, key, klen) != 0 || s[klen] != '=')
		return -1;
	s += klen + 1;
	if (s[0] == '0' && isdigit((unsigned char)s[1]))
		return -1;
	while (isdigit((unsigned char)*s)) {
		if (x > (INT64_MAX - (*s - '0')) / 10)
			return -1;
		x = x * 10 + (*s++ - '0');
		digits++;
	}
	if (digits == 0)
		return -1;
	*v = x;
	*sp = s;
	return 0;
}

int
audit_witness_parse(const char *line, size_t len, struct audit_witness_record *w,
    char *why, size_t whylen)
{
	char buf[AUDIT_WITNESS_LINE_MAX + 1], when[64];
	const char *s, *sp, *mark;
	size_t tlen, slen;

	memset(w, 0, sizeof *w);
	if (why != NULL && whylen > 0)
		why[0] = '\0';
	/* A line ends at LF (a CR before it is part of the line). */
	if (len > 0 && line[len - 1] == '\n')
		len--;
	if (len > AUDIT_WITNESS_LINE_MAX || memchr(line, '\0', len) != NULL) {
		/* Not a collector's line; a witness line is never this long. */
		if (memmem(line, len, WITNESS_MARK, strlen(WITNESS_MARK)) == NULL)
			return 1;
		snprintf(why, whylen, "longer than %d bytes or holding a NUL",
		    AUDIT_WITNESS_LINE_MAX);
		return -1;
	}
	memcpy(buf, line, len);
	buf[len] = '\0';
	if ((mark = strstr(buf, WITNESS_MARK)) == NULL)
		return 1;

	/* RECEIVE-TIME SP SENDER SP ... */
	tlen = strcspn(buf, " ");
	if (tlen == 0 || tlen >= sizeof when || buf[tlen] != ' ') {
		snprintf(why, whylen, "no receive time before the sender");
		return -1;
	}
	memcpy(when, buf, tlen);
	when[tlen] = '\0';
	if (witness_rfc3339(when) != 0 || clock_parse(when, 0,
	    &w->time_ms) != 0) {
		snprintf(why, whylen, "the receive time is not an RFC 3339 time "
		    "with its offset");
		return -1;
	}
	sp = buf + tlen + 1;
	slen = strcspn(sp, " ");
	if (slen == 0 || slen >= sizeof w->sender || sp[slen] != ' ' ||
	    sp + slen >= mark) {
		snprintf(why, whylen, "no sender between the receive time and "
		    "the message");
		return -1;
	}
	memcpy(w->sender, sp, slen);
	w->sender[slen] = '\0';

	s = mark + strlen(WITNESS_MARK);
	if (strncmp(s, "v1 ", 3) != 0) {
		snprintf(why, whylen, "not version v1");
		return -1;
	}
	s += 2;
	if (strncmp(s, " kind=checkpoint", 16) == 0) {
		w->kind = AUDIT_WITNESS_CHECKPOINT;
		s += 16;
	} else if (strncmp(s, " kind=stop", 10) == 0) {
		w->kind = AUDIT_WITNESS_STOP;
		s += 10;
	} else {
		snprintf(why, whylen, "kind is not checkpoint or stop");
		return -1;
	}
	if (witness_hex(&s, "log_id", w->log_id, sizeof w->log_id) != 0 ||
	    witness_int(&s, "epoch", &w->epoch) != 0 ||
	    witness_int(&s, "n", &w->n) != 0 ||
	    witness_hex(&s, "body", w->body, sizeof w->body) != 0 ||
	    witness_hex(&s, "sig", w->sig, sizeof w->sig) != 0) {
		snprintf(why, whylen, "a field is missing, out of order or "
		    "malformed (kind, log_id, epoch, n, body, sig)");
		return -1;
	}
	while (*s == ' ')
		s++;
	if (*s != '\0') {
		snprintf(why, whylen, "text after the signature");
		return -1;
	}
	if (memcmp(w->body, CKPT_MAGIC, 8) != 0 ||
	    memcmp(w->body + 8, w->log_id, AUDIT_LOGID_LEN) != 0 ||
	    be64_get(w->body + 24) != w->epoch ||
	    be64_get(w->body + 32) != w->n) {
		snprintf(why, whylen, "log_id, epoch or n differ from the body's");
		return -1;
	}
	return 0;
}
