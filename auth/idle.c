/* idle — locking an unattended session and unlocking it with the same
 * person's password. */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <security/pam_appl.h>
#include <sodium.h>

#include "auth/auth.h"
#include "auth/auth_int.h"
#include "util/util.h"

void
idle_touch(struct auth *a, int64_t now_ms)
{
	a->last_key_ms = now_ms;
}

int64_t
idle_left(const struct auth *a, int64_t now_ms)
{
	int64_t left;

	if (!a->logged_in || a->locked || a->idle_ms <= 0)
		return -1;
	left = a->last_key_ms + a->idle_ms - now_ms;
	return left < 0 ? 0 : left;
}

int
idle_locked(const struct auth *a)
{
	return a->logged_in && a->locked;
}

int
idle_lock(struct auth *a, const char *how, char **cause)
{
	json_t *o;
	char *details;
	int rc;

	if (!a->logged_in)
		return cause_set(cause, "nobody is logged in");
	if (a->locked)
		return cause_set(cause, "already locked");
	a->locked = 1;
	o = json_object();
	json_object_set_new(o, "how", json_string(how));
	details = json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(o);
	if (details == NULL)
		return cause_set(cause, "out of memory");
	rc = auth_record(a, a->user, "lock", details, cause);
	free(details);
	return rc;
}

int
idle_unlock(struct auth *a, char *pass, const struct auth_conv *conv,
    struct auth_result *res)
{
	char user[AUTH_USER_MAX], *cause = NULL;

	memset(res, 0, sizeof *res);
	if (!a->logged_in || !a->locked) {
		sodium_memzero(pass, AUTH_PASS_MAX);
		pamtx_fail(res, AUTH_STAGE_INTERNAL, PAM_SUCCESS,
		    "the session is not locked");
		snprintf(res->message, sizeof res->message,
		    "The session is not locked.");
		return -1;
	}
	memcpy(user, a->user, sizeof user);
	if (auth_input_ok(user, pass, res) == -1) {
		sodium_memzero(pass, AUTH_PASS_MAX);
		auth_record_failure(a, "unlock", user, res);
		return -1;
	}
	if (auth_check(a, user, pass, 0, conv, res) == -1) {
		auth_record_failure(a, "unlock", user, res);
		return -1;
	}
	if (res->uid != a->uid || strcmp(res->user, a->user) != 0) {
		pamtx_fail(res, AUTH_STAGE_AUTHENTICATE, PAM_AUTH_ERR,
		    "PAM authenticated someone else (%s)", res->user);
		auth_record_failure(a, "unlock", user, res);
		return -1;
	}
	if (auth_record(a, a->user, "unlock", NULL, &cause) == -1) {
		/* Unlocking is refused when it cannot be logged. */
		pamtx_fail(res, AUTH_STAGE_AUDIT, PAM_SUCCESS, "%s", cause);
		snprintf(res->message, sizeof res->message, "Still locked: the "
		    "audit log cannot be written (%s).", cause);
		free(cause);
		return -1;
	}
	a->locked = 0;
	a->last_key_ms = clock_now_ms();
	return 0;
}
