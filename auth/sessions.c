/* sessions — closing the logins a crash, kill -9 or power cut left
 * without a logout, so that every login in the audit log has an end.  A
 * login records its terminal, the pid of the vigil that wrote it and the
 * boot id; at start, vigil closes this terminal's logins whose vigil is
 * gone.  Other vigil processes share the log: a live one's login is never
 * closed. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "audit/audit.h"
#include "auth/auth.h"
#include "auth/auth_int.h"
#include "util/util.h"

#define SESSIONS_BOOT_ID	"/proc/sys/kernel/random/boot_id"

static int sessions_vigil_runs(json_int_t pid);
static int sessions_has(const int64_t *v, size_t n, int64_t seq);
static int sessions_logged_out(struct audit_log *, int64_t **v, size_t *n,
    char **cause);

void
sessions_boot_id(char *buf, size_t len)
{
	ssize_t n;
	int fd;

	buf[0] = '\0';
	if (len < 37 || (fd = open(SESSIONS_BOOT_ID, O_RDONLY | O_CLOEXEC)) == -1)
		return;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n <= 0) {
		buf[0] = '\0';
		return;
	}
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
}

/* 1 when process pid still runs a vigil program (its executable's name
 * starts with vigil; test_ for the unit tests), and is not this process;
 * 1 too when that cannot be told. */
static int
sessions_vigil_runs(json_int_t pid)
{
	char path[64], buf[4096], *p;
	const char *base;
	ssize_t n;
	int fd;

	if (pid <= 0 || pid > INT32_MAX || (pid_t)pid == getpid())
		return 0;
	if (kill((pid_t)pid, 0) == -1 && errno != EPERM)
		return 0;
	/* Killed, not yet reaped (state Z or X after the name). */
	snprintf(path, sizeof path, "/proc/%lld/stat", (long long)pid);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) != -1) {
		n = read(fd, buf, sizeof buf - 1);
		close(fd);
		if (n > 0) {
			buf[n] = '\0';
			if ((p = strrchr(buf, ')')) != NULL && p[1] == ' ' &&
			    (p[2] == 'Z' || p[2] == 'X'))
				return 0;
		}
	}
	snprintf(path, sizeof path, "/proc/%lld/exe", (long long)pid);
	if ((n = readlink(path, buf, sizeof buf - 1)) == -1)
		return 1;	/* cannot tell: leave it alone */
	buf[n] = '\0';
	base = strrchr(buf, '/');
	base = base != NULL ? base + 1 : buf;
	return strncmp(base, "vigil", 5) == 0 || strncmp(base, "test_", 5) == 0;
}

static int
sessions_has(const int64_t *v, size_t n, int64_t seq)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (v[i] == seq)
			return 1;
	return 0;
}

/* The seqs of the logins that logouts name ("login": seq). */
static int
sessions_logged_out(struct audit_log *log, int64_t **v, size_t *n,
    char **cause)
{
	struct audit_filter f;
	struct audit_iter *it;
	struct audit_row row;
	json_t *d, *seq;
	int64_t *nv;
	int rc;

	memset(&f, 0, sizeof f);
	f.action = "logout";
	f.after_seq = -1;
	if ((it = audit_iter_new(log, &f, cause)) == NULL)
		return -1;
	while ((rc = audit_iter_next(it, &row, cause)) == 1) {
		d = json_loads(row.details, 0, NULL);
		seq = json_object_get(d, "login");
		if (json_is_integer(seq)) {
			if ((nv = realloc(*v, (*n + 1) * sizeof **v)) == NULL) {
				json_decref(d);
				audit_iter_free(it);
				return cause_set(cause, "out of memory");
			}
			*v = nv;
			(*v)[(*n)++] = json_integer_value(seq);
		}
		json_decref(d);
	}
	audit_iter_free(it);
	return rc;
}

int
sessions_live(const char *boot_id, int64_t pid)
{
	char boot[64];

	sessions_boot_id(boot, sizeof boot);
	if (boot_id == NULL || boot[0] == '\0' || strcmp(boot_id, boot) != 0)
		return 0;
	return sessions_vigil_runs((json_int_t)pid);
}

int
sessions_recover(struct auth *a, size_t *closed, char **cause)
{
	struct audit_filter f;
	struct audit_iter *it;
	struct audit_row row;
	int64_t *ended = NULL, *open = NULL, *nv;
	char **actor = NULL, **na, boot[64], *details;
	size_t nended = 0, nopen = 0, i;
	const char *term, *bid;
	json_t *d, *pid;
	int rc, stale;

	*closed = 0;
	if (a->log == NULL)
		return cause_set(cause, "no audit log is open");
	if (sessions_logged_out(a->log, &ended, &nended, cause) != 0) {
		free(ended);
		return -1;
	}
	sessions_boot_id(boot, sizeof boot);
	memset(&f, 0, sizeof f);
	f.action = "login";
	f.after_seq = -1;
	if ((it = audit_iter_new(a->log, &f, cause)) == NULL) {
		free(ended);
		return -1;
	}
	/* The stale ones first; recorded once the query is over. */
	while ((rc = audit_iter_next(it, &row, cause)) == 1) {
		if (strcmp(row.terminal, a->terminal) != 0 ||
		    sessions_has(ended, nended, row.seq))
			continue;
		d = json_loads(row.details, 0, NULL);
		term = json_string_value(json_object_get(d, "terminal"));
		bid = json_string_value(json_object_get(d, "boot_id"));
		pid = json_object_get(d, "pid");
		if (term == NULL || bid == NULL || !json_is_integer(pid) ||
		    strcmp(term, a->terminal) != 0) {
			json_decref(d);
			continue;
		}
		/* Another boot, or its vigil is gone. */
		stale = (boot[0] != '\0' && strcmp(bid, boot) != 0) ||
		    !sessions_vigil_runs(json_integer_value(pid));
		json_decref(d);
		if (!stale)
			continue;
		if ((nv = realloc(open, (nopen + 1) * sizeof *open)) == NULL) {
			rc = cause_set(cause, "out of memory");
			break;
		}
		open = nv;
		if ((na = realloc(actor, (nopen + 1) * sizeof *actor)) == NULL) {
			rc = cause_set(cause, "out of memory");
			break;
		}
		actor = na;
		if ((actor[nopen] = strdup(row.actor)) == NULL) {
			rc = cause_set(cause, "out of memory");
			break;
		}
		open[nopen++] = row.seq;
	}
	audit_iter_free(it);
	free(ended);
	for (i = 0; rc == 0 && i < nopen; i++) {
		d = json_pack("{s:s,s:I}", "how", "aborted", "login",
		    (json_int_t)open[i]);
		details = d != NULL ? json_dumps(d, JSON_COMPACT |
		    JSON_SORT_KEYS) : NULL;
		json_decref(d);
		if (details == NULL)
			rc = cause_set(cause, "out of memory");
		else if (auth_record(a, actor[i], "logout", details, cause) == 0)
			(*closed)++;
		else
			rc = -1;
		free(details);
	}
	for (i = 0; i < nopen; i++)
		free(actor[i]);
	free(actor);
	free(open);
	return rc == 0 ? 0 : -1;
}
