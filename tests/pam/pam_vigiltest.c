/* pam_vigiltest — a PAM module for vigil's tests only: its account check
 * answers as pam_unix does for an expired account or a password that must
 * be changed, so those paths can be driven through the real libpam without
 * real accounts.  Arguments (account only):
 *
 *   expired      PAM_ERROR_MSG and PAM_ACCT_EXPIRED
 *   newauthtok   PAM_ERROR_MSG and PAM_NEW_AUTHTOK_REQD
 *   ok           PAM_SUCCESS
 *
 * its session, with the argument sessionfail=USER, refuses to open a
 * session for USER (PAM_ERROR_MSG and PAM_SESSION_ERR), and its auth, with
 * delay=MS, takes that long before it answers PAM_IGNORE (a slow password
 * check).
 *
 * Built by the tests with: cc -shared -fPIC -o pam_vigiltest.so
 * pam_vigiltest.c -lpam */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <security/pam_ext.h>
#include <security/pam_modules.h>

int pam_sm_acct_mgmt(pam_handle_t *, int, int, const char **);
int pam_sm_authenticate(pam_handle_t *, int, int, const char **);
int pam_sm_setcred(pam_handle_t *, int, int, const char **);
int pam_sm_open_session(pam_handle_t *, int, int, const char **);
int pam_sm_close_session(pam_handle_t *, int, int, const char **);

int
pam_sm_acct_mgmt(pam_handle_t *ph, int flags, int argc, const char **argv)
{
	int i;

	(void)flags;
	for (i = 0; i < argc; i++) {
		if (strcmp(argv[i], "expired") == 0) {
			pam_error(ph, "Your account has expired; please "
			    "contact your system administrator.");
			return PAM_ACCT_EXPIRED;
		}
		if (strcmp(argv[i], "newauthtok") == 0) {
			pam_error(ph, "You are required to change your "
			    "password immediately (administrator enforced).");
			return PAM_NEW_AUTHTOK_REQD;
		}
	}
	return PAM_SUCCESS;
}

int
pam_sm_authenticate(pam_handle_t *ph, int flags, int argc, const char **argv)
{
	struct timespec ts;
	long ms;
	int i;

	(void)ph; (void)flags;
	for (i = 0; i < argc; i++) {
		if (strncmp(argv[i], "delay=", 6) != 0)
			continue;
		ms = strtol(argv[i] + 6, NULL, 10);
		ts.tv_sec = ms / 1000;
		ts.tv_nsec = ms % 1000 * 1000000;
		while (nanosleep(&ts, &ts) == -1)
			;
	}
	return PAM_IGNORE;
}

int
pam_sm_setcred(pam_handle_t *ph, int flags, int argc, const char **argv)
{
	(void)ph; (void)flags; (void)argc; (void)argv;
	return PAM_IGNORE;
}

int
pam_sm_open_session(pam_handle_t *ph, int flags, int argc, const char **argv)
{
	const char *user = NULL;
	int i;

	(void)flags;
	if (pam_get_user(ph, &user, NULL) != PAM_SUCCESS || user == NULL)
		return PAM_SESSION_ERR;
	for (i = 0; i < argc; i++) {
		if (strncmp(argv[i], "sessionfail=", 12) == 0 &&
		    strcmp(argv[i] + 12, user) == 0) {
			pam_error(ph, "No session can be opened for %s here.", user);
			return PAM_SESSION_ERR;
		}
	}
	return PAM_SUCCESS;
}

int
pam_sm_close_session(pam_handle_t *ph, int flags, int argc, const char **argv)
{
	(void)ph; (void)flags; (void)argc; (void)argv;
	return PAM_SUCCESS;
}
