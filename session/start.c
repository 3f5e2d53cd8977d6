/* start — what a vigil process does before it draws anything: read the
 * configuration, keep only the allowed environment when started as root,
 * start authentication (which forks the monitor and drops root), open the
 * audit log and check it against its pin and its newest checkpoint,
 * close what a crash left open (views, exports, logins: invariants 2 and
 * 4), and open the footage catalog.  The terminal (tui_run()) starts this
 * way; the screens are its own. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "audit/audit.h"
#include "auth/auth.h"
#include "config/config.h"
#include "export/export.h"
#include "footage/footage.h"
#include "session/session.h"
#include "util/util.h"

static void start_recovered(struct session_start *, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void start_pin_check(struct session_start *);
static void start_recover(struct session_start *);

/* Adds a sentence to what the next person is told of the recovery. */
static void
start_recovered(struct session_start *s, const char *fmt, ...)
{
	size_t used = strlen(s->recovered);
	va_list ap;

	if (used > 0 && used + 1 < sizeof s->recovered)
		s->recovered[used++] = ' ';
	s->recovered[used] = '\0';
	va_start(ap, fmt);
	vsnprintf(s->recovered + used, sizeof s->recovered - used, fmt, ap);
	va_end(ap);
}

/* The log's identity against the pin of vigil.conf: a log replaced or
 * re-keyed is BROKEN at once, and only the DPO and admins may log in, to
 * reach the integrity panel. */
static void
start_pin_check(struct session_start *s)
{
	uint8_t pin_id[AUDIT_LOGID_LEN], pin_pk[AUDIT_PK_LEN];
	uint8_t id[AUDIT_LOGID_LEN], pk[AUDIT_PK_LEN];

	if (config_log_pin(s->cfg, pin_id, pin_pk) != 1)
		return;
	audit_ids(s->log, id, pk);
	if (memcmp(id, pin_id, sizeof id) == 0 &&
	    memcmp(pk, pin_pk, sizeof pk) == 0)
		return;
	snprintf(s->pin_bad, sizeof s->pin_bad, "it is not the log pinned in "
	    "vigil.conf (its %s differs: replaced or re-keyed)",
	    memcmp(id, pin_id, sizeof id) != 0 ? "log_id" : "pk0");
	auth_restrict_logins(s->auth, ROLE_AUDITOR | ROLE_ADMIN,
	    "the audit log is not the one pinned in vigil.conf");
}

/* Closes what a crash left open, views first. */
static void
start_recover(struct session_start *s)
{
	char *cause = NULL;
	size_t closed = 0;

	/* Invariant 2: views a crash left open are closed first. */
	if (views_recover(s->log, config_audit_state(s->cfg), s->terminal,
	    &closed, &cause) == -1)
		start_recovered(s, "Views left open by a crash could not be "
		    "closed: %s", cause);
	else if (closed > 0)
		start_recovered(s, "%zu view%s left open by a crash or hang-up "
		    "%s closed in the audit log as view-aborted.", closed,
		    closed == 1 ? "" : "s", closed == 1 ? "was" : "were");
	free(cause);
	cause = NULL;
	/* Invariant 4: an export a crash cut short leaves nothing. */
	closed = 0;
	if (job_recover(s->log, s->terminal, &closed, &cause) == -1)
		start_recovered(s, "An export left open by a crash could not be "
		    "closed: %s", cause);
	else if (closed > 0)
		start_recovered(s, "%zu export%s cut short by a crash %s closed "
		    "in the audit log as export-failed.", closed, closed == 1 ?
		    "" : "s", closed == 1 ? "was" : "were");
	free(cause);
	cause = NULL;
	/* Every login has an end: those a crash left open on this terminal,
	 * after their views and exports. */
	closed = 0;
	if (sessions_recover(s->auth, &closed, &cause) == -1)
		start_recovered(s, "A session left open by a crash could not be "
		    "logged out: %s", cause);
	else if (closed > 0)
		start_recovered(s, "%zu session%s left open by a crash %s logged "
		    "out in the audit log (aborted).", closed, closed == 1 ? "" :
		    "s", closed == 1 ? "was" : "were");
	free(cause);
}

void
start_auth_config(const struct config *cfg, struct auth_config *acfg)
{
	int i;

	memset(acfg, 0, sizeof *acfg);
	for (i = 0; i < CONFIG_NROLES; i++)
		acfg->group[i] = config_group(cfg, (enum config_role)i);
	acfg->service = config_pam_service(cfg);
	acfg->service_user = config_service_user(cfg);
	acfg->password_help = config_password_help(cfg);
	acfg->idle_lock = config_idle_lock(cfg) > 0 ?
	    (unsigned)config_idle_lock(cfg) : 0;
}

struct catalog *
start_catalog(const struct config *cfg, char **cause)
{
	struct catalog_opts o;

	memset(&o, 0, sizeof o);
	o.db = config_catalog_db(cfg);
	o.root = config_recorder(cfg);
	o.pattern = config_pattern(cfg);
	o.timezone = config_timezone(cfg);
	return catalog_open(&o, cause);
}

struct session_start *
start_open(const char *config, int *status, char **cause)
{
	struct session_start *s;
	struct auth_config acfg;
	char *why = NULL;

	s = xcalloc(1, sizeof *s);
	if (config_load(config, &s->cfg, cause) < 0) {
		*status = 2;
		free(s);
		return NULL;
	}
	/* Started as root: only TERM, LANG, LC_*, TZ and what the
	 * configuration names go on to the monitor and the terminal (vigil
	 * starts itself again without the rest, before anything else). */
	*status = 1;
	if (geteuid() == 0 && env_restrict(config_keep_environment(s->cfg),
	    cause) == -1) {
		config_free(s->cfg);
		free(s);
		return NULL;
	}
	start_auth_config(s->cfg, &acfg);
	/* Forks the monitor and drops root when started as root; nothing
	 * below runs privileged. */
	if ((s->auth = auth_start(&acfg, cause)) == NULL) {
		config_free(s->cfg);
		free(s);
		return NULL;
	}
	s->terminal = terminal_name_self();
	s->log = audit_open(config_audit_db(s->cfg), config_audit_state(s->cfg),
	    0, &s->log_error);
	auth_attach_log(s->auth, s->log, NULL);
	if (s->log != NULL) {
		logconf_apply(s->cfg, s->log);
		start_pin_check(s);
		/* The quick check first, on the log as it was found. */
		if (audit_quick_check(s->log, &s->quick, &why) == 0)
			s->quick_done = 1;
		free(why);
		start_recover(s);
	}
	s->cat = start_catalog(s->cfg, &s->cat_error);
	*status = 0;
	return s;
}

void
start_close(struct session_start *s)
{
	if (s == NULL)
		return;
	auth_free(s->auth);
	if (s->cat != NULL)
		catalog_close(s->cat);
	free(s->cat_error);
	if (s->log != NULL)
		audit_close(s->log);
	free(s->log_error);
	free(s->terminal);
	config_free(s->cfg);
	free(s);
}
