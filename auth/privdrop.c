/* privdrop — giving up root for the service account, for good. */
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <string.h>
#include <unistd.h>

#include "auth/auth.h"
#include "auth/auth_int.h"
#include "util/util.h"

int
privdrop_lookup(const char *name, uid_t *uid, gid_t *gid, char **cause)
{
	struct passwd pwbuf, *pw = NULL;
	char buf[16384];
	int err;

	err = getpwnam_r(name, &pwbuf, buf, sizeof buf, &pw);
	if (pw == NULL) {
		/* "Not found" may come back as any of these (getpwnam_r(3)). */
		if (err != 0 && err != ENOENT && err != ESRCH && err != EBADF &&
		    err != EPERM)
			return cause_set(cause, "cannot look up the service "
			    "account '%s': %s", name, strerror(err));
		return cause_set(cause, "the service account '%s' does not "
		    "exist; create it (vigil(1), PRIVILEGE SEPARATION AND "
		    "INSTALL PERMISSIONS) or start vigil as an unprivileged "
		    "user", name);
	}
	if (pw->pw_uid == 0 || pw->pw_gid == 0)
		return cause_set(cause, "the service account '%s' has uid or "
		    "gid 0; it must be an unprivileged account", name);
	*uid = pw->pw_uid;
	*gid = pw->pw_gid;
	return 0;
}

int
privdrop_to(uid_t uid, gid_t gid, char **cause)
{
	uid_t ru, eu, su;
	gid_t rg, eg, sg, list[2];
	int n;

	if (uid == 0 || gid == 0)
		return cause_set(cause, "refusing to drop to uid or gid 0");
	if (setgroups(1, &gid) == -1)
		return cause_set(cause, "setgroups: %s", strerror(errno));
	if (setresgid(gid, gid, gid) == -1)
		return cause_set(cause, "setresgid: %s", strerror(errno));
	if (setresuid(uid, uid, uid) == -1)
		return cause_set(cause, "setresuid: %s", strerror(errno));

	/* Check that it took, and that there is no way back. */
	if (getresuid(&ru, &eu, &su) == -1 || ru != uid || eu != uid || su != uid)
		return cause_set(cause, "user ids did not change");
	if (getresgid(&rg, &eg, &sg) == -1 || rg != gid || eg != gid || sg != gid)
		return cause_set(cause, "group ids did not change");
	n = getgroups(2, list);
	if (n != 1 || list[0] != gid)
		return cause_set(cause, "supplementary groups did not change");
	if (setuid(0) != -1 || seteuid(0) != -1)
		return cause_set(cause, "root could be regained after the drop");
	if (setgid(0) != -1 || setegid(0) != -1)
		return cause_set(cause, "group 0 could be regained after the drop");
	return 0;
}
