/* logstate — the audit log's state in the title bar: a full verification
 * of the log (entries, chain, checkpoints) in a background thread, its
 * progress, and the verdict (intact, BROKEN, NOT VERIFIED). */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "audit/audit.h"
#include "tui/tui.h"
#include "util/util.h"

enum logstate_phase {
	LOGSTATE_NONE,		/* not started: NOT VERIFIED */
	LOGSTATE_RUNNING,
	LOGSTATE_INTACT,
	LOGSTATE_BROKEN,
	LOGSTATE_FAILED,	/* could not be read: NOT VERIFIED */
};

static struct {
	pthread_t		 thread;
	int			 started;
	char			*db;
	int			 wake_fd;
	_Atomic int		 phase;
	_Atomic int		 percent;
	_Atomic int		 last_told;
	struct audit_verify_result result;	/* once phase is not RUNNING */
	int			 pinned;
	uint8_t			 pin_id[AUDIT_LOGID_LEN];
	uint8_t			 pin_pk[AUDIT_PK_LEN];
} logstate;

static void logstate_progress(int64_t done, int64_t total, void *arg);
static void *logstate_main(void *arg);

static void
logstate_progress(int64_t done, int64_t total, void *arg)
{
	int pc, told;
	char b = 'v';

	(void)arg;
	pc = total > 0 ? (int)(done * 100 / total) : 0;
	if (pc > 99)
		pc = 99;
	atomic_store(&logstate.percent, pc);
	told = atomic_load(&logstate.last_told);
	if (pc / 10 != told / 10) {
		atomic_store(&logstate.last_told, pc);
		(void)!write(logstate.wake_fd, &b, 1);
	}
}

static void *
logstate_main(void *arg)
{
	struct audit_verify_opts opts;
	struct audit_verify_result r;
	char *cause = NULL, b = 'v';

	(void)arg;
	memset(&opts, 0, sizeof opts);
	opts.progress = logstate_progress;
	if (logstate.pinned) {
		opts.log_id = logstate.pin_id;
		opts.pk0 = logstate.pin_pk;
	}
	if (audit_verify(logstate.db, &opts, &r, &cause) == -1) {
		free(cause);
		atomic_store(&logstate.phase, LOGSTATE_FAILED);
	} else {
		/* Written before the phase that publishes it. */
		logstate.result = r;
		atomic_store(&logstate.phase, r.fault == AUDIT_OK ?
		    LOGSTATE_INTACT : LOGSTATE_BROKEN);
	}
	(void)!write(logstate.wake_fd, &b, 1);
	return NULL;
}

void
logstate_pin(const uint8_t *log_id, const uint8_t *pk0)
{
	logstate.pinned = log_id != NULL && pk0 != NULL;
	if (logstate.pinned) {
		memcpy(logstate.pin_id, log_id, sizeof logstate.pin_id);
		memcpy(logstate.pin_pk, pk0, sizeof logstate.pin_pk);
	}
}

int
logstate_pinned(void)
{
	return logstate.pinned;
}

int
logstate_start(const char *db, int wake_fd)
{
	if (logstate.started)
		return 0;
	logstate.db = xstrdup(db);
	logstate.wake_fd = wake_fd;
	atomic_store(&logstate.phase, LOGSTATE_RUNNING);
	if (pthread_create(&logstate.thread, NULL, logstate_main, NULL) != 0) {
		atomic_store(&logstate.phase, LOGSTATE_FAILED);
		return -1;
	}
	logstate.started = 1;
	return 0;
}

const char *
logstate_text(char *buf, size_t len, int *bad)
{
	*bad = 0;
	switch (atomic_load(&logstate.phase)) {
	case LOGSTATE_RUNNING:
		snprintf(buf, len, "verifying %d%%",
		    atomic_load(&logstate.percent));
		break;
	case LOGSTATE_INTACT:
		/* Intact in itself; without a pin that is all it proves, and
		 * without a checkpoint no signature anchors the chain. */
		snprintf(buf, len, "%s", !logstate.pinned ? "UNPINNED" :
		    logstate.result.checkpoints == 0 ? "not anchored" : "intact");
		break;
	case LOGSTATE_BROKEN:
		snprintf(buf, len, "BROKEN");
		*bad = 1;
		break;
	default:
		snprintf(buf, len, "NOT VERIFIED");
		*bad = 1;
		break;
	}
	return buf;
}

enum logstate_verdict
logstate_result(struct audit_verify_result *r, int *percent)
{
	*percent = atomic_load(&logstate.percent);
	switch (atomic_load(&logstate.phase)) {
	case LOGSTATE_RUNNING:
		return LOGSTATE_RUNNING_NOW;
	case LOGSTATE_INTACT: case LOGSTATE_BROKEN:
		*r = logstate.result;
		return LOGSTATE_DONE;
	default:
		return LOGSTATE_UNVERIFIED;
	}
}

int
logstate_again(void)
{
	if (!logstate.started ||
	    atomic_load(&logstate.phase) == LOGSTATE_RUNNING)
		return -1;
	pthread_join(logstate.thread, NULL);
	atomic_store(&logstate.percent, 0);
	atomic_store(&logstate.last_told, 0);
	atomic_store(&logstate.phase, LOGSTATE_RUNNING);
	if (pthread_create(&logstate.thread, NULL, logstate_main, NULL) != 0) {
		atomic_store(&logstate.phase, LOGSTATE_FAILED);
		logstate.started = 0;
		return -1;
	}
	return 0;
}

void
logstate_stop(void)
{
	if (!logstate.started)
		return;
	logstate.started = 0;
	/* A long verification is not waited for at exit: the thread's
	 * memory goes with the process. */
	if (atomic_load(&logstate.phase) == LOGSTATE_RUNNING) {
		pthread_detach(logstate.thread);
		return;
	}
	pthread_join(logstate.thread, NULL);
	free(logstate.db);
	logstate.db = NULL;
}
