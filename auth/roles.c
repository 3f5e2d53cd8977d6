/* roles — a person's vigil roles from their Unix group membership. */
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "auth/auth.h"
#include "util/util.h"

/* At most this many groups of one person are looked at. */
#define ROLES_MAX_GROUPS	65536

static const char *const roles_names[] = { "viewer", "exporter", "auditor", "admin" };

const char *
roles_name(unsigned role)
{
	size_t i;

	for (i = 0; i < sizeof roles_names / sizeof roles_names[0]; i++) {
		if (role == 1u << i)
			return roles_names[i];
	}
	return NULL;
}

char *
roles_format(unsigned roles, char *buf, size_t len)
{
	size_t i, off = 0;
	int n;

	if (len == 0)
		return buf;
	buf[0] = '\0';
	for (i = 0; i < sizeof roles_names / sizeof roles_names[0]; i++) {
		if ((roles & (1u << i)) == 0)
			continue;
		n = snprintf(buf + off, len - off, "%s%s", off == 0 ? "" : ", ",
		    roles_names[i]);
		if (n < 0 || (size_t)n >= len - off)
			break;
		off += (size_t)n;
	}
	if (off == 0)
		snprintf(buf, len, "none");
	return buf;
}

int
roles_of(const char *user, const char *const groups[4], unsigned *roles,
    uid_t *uid, char **cause)
{
	struct passwd pwbuf, *pw = NULL;
	struct group grbuf, *gr;
	char buf[16384];
	gid_t *list, *bigger;
	int n = 64, i, j, err;
	unsigned r = 0;

	*roles = 0;
	err = getpwnam_r(user, &pwbuf, buf, sizeof buf, &pw);
	if (pw == NULL) {
		/* "Not found" may come back as any of these (getpwnam_r(3)). */
		if (err != 0 && err != ENOENT && err != ESRCH && err != EBADF &&
		    err != EPERM)
			return cause_set(cause, "cannot look up user: %s", strerror(err));
		return cause_set(cause, "no account entry (passwd) for this user");
	}
	*uid = pw->pw_uid;

	if ((list = malloc((size_t)n * sizeof *list)) == NULL)
		return cause_set(cause, "out of memory");
	while (getgrouplist(user, pw->pw_gid, list, &n) == -1) {
		if (n <= 0 || n > ROLES_MAX_GROUPS) {
			free(list);
			return cause_set(cause, "cannot list the user's groups");
		}
		if ((bigger = realloc(list, (size_t)n * sizeof *list)) == NULL) {
			free(list);
			return cause_set(cause, "out of memory");
		}
		list = bigger;
	}

	for (i = 0; i < 4; i++) {
		if (groups[i] == NULL || groups[i][0] == '\0')
			continue;
		gr = NULL;
		if (getgrnam_r(groups[i], &grbuf, buf, sizeof buf, &gr) != 0 ||
		    gr == NULL)
			continue;	/* a group that does not exist: nobody */
		for (j = 0; j < n; j++) {
			if (list[j] == gr->gr_gid) {
				r |= 1u << i;
				break;
			}
		}
	}
	free(list);
	*roles = r;
	return 0;
}
