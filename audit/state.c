/* state — the key state file: the current MAC key k_i, the checkpoint key
 * seed s_j and the fresh seed s_{j+1} a checkpoint being made will name,
 * overwritten in place and fdatasync'ed after every change (vigil-audit(5),
 * "Key state"). */
#include <sys/file.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "audit/audit.h"
#include "audit/audit_int.h"
#include "util/util.h"

#define STATE_MAGIC	"VIGKEY2\0"
#define STATE_BODY	136
#define STATE1_MAGIC	"VIGKEY1\0"	/* before fresh seeds: no pending seed */
#define STATE1_LEN	136
#define STATE1_BODY	104

static const uint8_t state_key_tag[] = { 0x04, 'r', 'a', 't', 'c', 'h', 'e', 't' };
static const uint8_t state_seed_tag[] = { 0x06, 's', 'i', 'g', 'n', 'k', 'e', 'y' };

void
state_ratchet_key(uint8_t k[AUDIT_KEY_LEN])
{
	uint8_t next[AUDIT_KEY_LEN];

	hash_parts(next, k, 1, state_key_tag, sizeof state_key_tag);
	memcpy(k, next, sizeof next);
	sodium_memzero(next, sizeof next);
}

void
state_ratchet_seed(uint8_t seed[AUDIT_KEY_LEN])
{
	uint8_t next[AUDIT_KEY_LEN];

	hash_parts(next, seed, 1, state_seed_tag, sizeof state_seed_tag);
	memcpy(seed, next, sizeof next);
	sodium_memzero(next, sizeof next);
}

void
state_seed_keypair(const uint8_t seed[AUDIT_KEY_LEN], uint8_t pk[32],
    uint8_t sk[64])
{
	crypto_sign_seed_keypair(pk, sk, seed);
}

void
state_wipe(struct state *st)
{
	sodium_memzero(st, sizeof *st);
}

/* Serialises st with its check value into buf. */
static void
state_pack(const struct state *st, uint8_t buf[STATE_LEN])
{
	memcpy(buf, STATE_MAGIC, 8);
	memcpy(buf + 8, st->log_id, AUDIT_LOGID_LEN);
	be64_put(buf + 24, st->next_seq);
	memcpy(buf + 32, st->k, AUDIT_KEY_LEN);
	be64_put(buf + 64, st->next_epoch);
	memcpy(buf + 72, st->seed, AUDIT_KEY_LEN);
	memcpy(buf + 104, st->pending, AUDIT_KEY_LEN);
	hash_parts(buf + STATE_BODY, NULL, 1, buf, (size_t)STATE_BODY);
}

/* Flushes the directory holding path, so a new file's name is durable. */
static int
state_sync_dir(const char *path, char **cause)
{
	char *copy = xstrdup(path);
	int fd, rc = 0;

	if ((fd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1 ||
	    fsync(fd) == -1)
		rc = cause_set(cause, "%s: cannot sync directory: %s", path,
		    strerror(errno));
	if (fd != -1)
		close(fd);
	free(copy);
	return rc;
}

int
state_create(const char *path, const struct state *st, char **cause)
{
	uint8_t buf[STATE_LEN];
	ssize_t n;
	int fd;

	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd == -1) {
		if (errno == EEXIST)
			return cause_set(cause, "%s already exists; refusing to "
			    "overwrite a key state", path);
		return cause_set(cause, "%s: %s", path, strerror(errno));
	}
	state_pack(st, buf);
	n = write(fd, buf, sizeof buf);
	sodium_memzero(buf, sizeof buf);
	if (n != (ssize_t)sizeof buf || fsync(fd) == -1) {
		int e = n == -1 ? errno : (n >= 0 && n != (ssize_t)sizeof buf) ? ENOSPC : errno;

		close(fd);
		unlink(path);
		return cause_set(cause, "%s: cannot write key state: %s", path,
		    strerror(e));
	}
	close(fd);
	return state_sync_dir(path, cause);
}

int
state_open(const char *path, char **cause)
{
	struct stat st;
	int fd;

	fd = open(path, O_RDWR | O_NOFOLLOW | O_CLOEXEC);
	if (fd == -1) {
		if (errno == ELOOP)
			return cause_set(cause, "%s is a symbolic link; the key "
			    "state must be a regular file (refusing to append)", path);
		if (errno == ENOENT)
			return cause_set(cause, "key state %s is missing; appending "
			    "is refused (a new chain is never started silently)",
			    path);
		return cause_set(cause, "key state %s: %s", path, strerror(errno));
	}
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode)) {
		close(fd);
		return cause_set(cause, "key state %s is not a regular file", path);
	}
	if ((st.st_mode & 0077) != 0) {
		close(fd);
		return cause_set(cause, "key state %s has mode %04o; it must be "
		    "0600 (readable by the vigil account only)", path,
		    (unsigned)(st.st_mode & 07777));
	}
	if (st.st_uid != geteuid()) {
		close(fd);
		return cause_set(cause, "key state %s belongs to uid %u, not to "
		    "the account running vigil (uid %u)", path,
		    (unsigned)st.st_uid, (unsigned)geteuid());
	}
	return fd;
}

int
state_lock(int fd, int timeout_ms, char **cause)
{
	struct timespec ts = { 0, 2 * 1000 * 1000 };
	int waited = 0;

	while (flock(fd, LOCK_EX | LOCK_NB) == -1) {
		if (errno != EWOULDBLOCK && errno != EINTR)
			return cause_set(cause, "cannot lock the key state: %s",
			    strerror(errno));
		if (waited >= timeout_ms)
			return cause_set(cause, "the audit log is locked by another "
			    "process for more than %d ms", timeout_ms);
		nanosleep(&ts, NULL);
		waited += 2;
	}
	return 0;
}

void
state_unlock(int fd)
{
	flock(fd, LOCK_UN);
}

int
state_read(int fd, const char *path, struct state *st, char **cause)
{
	uint8_t buf[STATE_LEN + 1], check[HASH_LEN];
	ssize_t n;
	size_t body;

	n = pread(fd, buf, sizeof buf, 0);
	if (n == -1)
		return cause_set(cause, "key state %s: %s", path, strerror(errno));
	if (n == STATE_LEN && memcmp(buf, STATE_MAGIC, 8) == 0)
		body = STATE_BODY;
	else if (n == STATE1_LEN && memcmp(buf, STATE1_MAGIC, 8) == 0)
		body = STATE1_BODY;	/* rewritten as VIGKEY2 at the next write */
	else {
		sodium_memzero(buf, sizeof buf);
		return cause_set(cause, "key state %s is not a vigil key state "
		    "(%zd bytes)", path, n);
	}
	hash_parts(check, NULL, 1, buf, body);
	if (sodium_memcmp(check, buf + body, HASH_LEN) != 0) {
		sodium_memzero(buf, sizeof buf);
		return cause_set(cause, "key state %s is damaged (check value "
		    "wrong)", path);
	}
	memcpy(st->log_id, buf + 8, AUDIT_LOGID_LEN);
	st->next_seq = be64_get(buf + 24);
	memcpy(st->k, buf + 32, AUDIT_KEY_LEN);
	st->next_epoch = be64_get(buf + 64);
	memcpy(st->seed, buf + 72, AUDIT_KEY_LEN);
	if (body == STATE_BODY)
		memcpy(st->pending, buf + 104, AUDIT_KEY_LEN);
	else
		memset(st->pending, 0, AUDIT_KEY_LEN);
	sodium_memzero(buf, sizeof buf);
	return 0;
}

int
state_write(int fd, const char *path, const struct state *st, char **cause)
{
	uint8_t buf[STATE_LEN];
	ssize_t n;
	int e;

	state_pack(st, buf);
	n = pwrite(fd, buf, sizeof buf, 0);
	e = errno;
	sodium_memzero(buf, sizeof buf);
	if (n != (ssize_t)sizeof buf)
		return cause_set(cause, "cannot write key state %s: %s", path,
		    n == -1 ? strerror(e) : "short write");
	if (fdatasync(fd) == -1)
		return cause_set(cause, "cannot sync key state %s: %s", path,
		    strerror(errno));
	return 0;
}
