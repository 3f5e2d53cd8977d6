/* test_audit — the audit log: format vectors, append, verify, bad input,
 * crash safety and concurrency. */
#include <sys/stat.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <sodium.h>

#include "audit/audit.h"
#include "audit/audit_int.h"
#include "helper_auditfx.h"
#include "util/util.h"

/* The fixture of helper_auditfx.h, per test case. */
static int
setup(void **state)
{
	return auditfx_setup(state, "audit");
}

static int
teardown(void **state)
{
	return auditfx_teardown(state);
}

static int64_t
append_note(struct audit_log *log, int i, char **cause)
{
	struct audit_entry e;
	char details[64];

	snprintf(details, sizeof details, "{\"text\":\"note %d\"}", i);
	memset(&e, 0, sizeof e);
	e.actor = "alice";
	e.action = "note";
	e.camera = i % 2 ? "entrance" : "stacks";
	e.details = details;
	e.terminal = "tty1";
	e.from_ms = 1000 * i;
	e.to_ms = 1000 * i + 500;
	return audit_append(log, &e, cause);
}

static void
append_n(struct auditfx *f, int n)
{
	struct audit_log *log = auditfx_open(f);
	char *cause = NULL;
	int i;

	for (i = 0; i < n; i++) {
		if (append_note(log, i, &cause) < 0)
			fail_msg("append %d: %s", i, cause);
	}
	audit_close(log);
}

/* Verifies with every key; returns the fault. */
static enum audit_fault
verify_all(struct auditfx *f, struct audit_verify_result *r)
{
	struct audit_verify_opts o;
	char *cause = NULL;

	memset(&o, 0, sizeof o);
	o.k0 = f->keys.k0;
	o.pk0 = f->keys.pk0;
	o.log_id = f->keys.log_id;
	if (audit_verify(f->db, &o, r, &cause) != 0)
		fail_msg("verify: %s", cause);
	return r->fault;
}

static void
assert_intact(struct auditfx *f, int64_t entries)
{
	struct audit_verify_result r;

	if (verify_all(f, &r) != AUDIT_OK)
		fail_msg("not intact: seq %lld %s: %s", (long long)r.seq,
		    audit_fault_name(r.fault), r.detail);
	if (entries >= 0)
		assert_int_equal(r.entries, entries);
}

static void
hex_eq(const uint8_t *b, size_t len, const char *hex)
{
	char buf[1024];

	sodium_bin2hex(buf, sizeof buf, b, len);
	assert_string_equal(buf, hex);
}

/* The worked example of vigil-audit(5), byte for byte. */
static void
test_man_page_example(void **state)
{
	struct audit_entry e;
	struct audit_row r;
	uint8_t log_id[16], k[32], leaf[32], chain[32], c0[32], mac[32], be[8];
	uint8_t *body, z = 0, two = 2, three = 3;
	char storage[256];
	size_t len;
	char *cause = NULL;
	int i;

	(void)state;
	for (i = 0; i < 16; i++)
		log_id[i] = (uint8_t)i;
	for (i = 0; i < 32; i++)
		k[i] = (uint8_t)(32 + i);
	memset(&e, 0, sizeof e);
	e.time_ms = 1795375649779;
	e.actor = "alice";
	e.action = "view-start";
	e.camera = "entrance";
	e.from_ms = 1795257600000;
	e.to_ms = 1795258500000;
	e.reason_code = "POLICE";
	e.reference = "2026/1234";
	e.details = "{\"note\":\"window broken\"}";
	e.terminal = "tty1";
	assert_int_equal(body_encode(&e, 0, &body, &len, &cause), 0);
	assert_int_equal(len, 134);
	hex_eq(body, len,
	    "564947494c3100000000000000000000"
	    "000001a204ba53f300000005616c6963"
	    "650000000a766965772d737461727400"
	    "000008656e7472616e6365000001a1fd"
	    "b10800000001a1fdbec3a00000000650"
	    "4f4c49434500000009323032362f3132"
	    "3334000000187b226e6f7465223a2277"
	    "696e646f772062726f6b656e227d0000"
	    "000474747931");
	hash_parts(leaf, NULL, 2, &z, (size_t)1, body, len);
	hex_eq(leaf, 32, "0bd00bfcf3468fbc2281a860e56331e32ff8c7f69f54759982335bedb093c1c4");
	chain_start(log_id, chain);
	hex_eq(chain, 32, "ebea6fcbd1c9d6c5e10aa2d5baced9d08d3dd32ee139b7b68e10347ea5e60a89");
	hash_parts(c0, NULL, 3, &two, (size_t)1, chain, (size_t)32, leaf, (size_t)32);
	hex_eq(c0, 32, "318170655baf45773a8e1958687d757cc2e0ea66df9537a57fdfa89c67be503e");
	be64_put(be, 0);
	hash_parts(mac, k, 3, &three, (size_t)1, be, (size_t)8, c0, (size_t)32);
	hex_eq(mac, 32, "fcc90b1753c0f6925aa0d28ce6694a6beb663b8b1ccb3d4b291f9afe06475bff");
	state_ratchet_key(k);
	hex_eq(k, 32, "8ff8d751fe0567a15c6f0f81f23b9d2d06c3e36b6f6e1a5c1300e57eff3886de");

	/* And it decodes back; trailing bytes or a cut make it invalid. */
	assert_int_equal(body_decode(body, len, &r, storage), 0);
	assert_string_equal(r.reference, "2026/1234");
	assert_int_equal(r.to_ms, 1795258500000);
	assert_int_equal(body_decode(body, len - 1, &r, storage), -1);
	body = realloc(body, len + 1);
	body[len] = 0;
	assert_int_equal(body_decode(body, len + 1, &r, storage), -1);
	free(body);
}

/* RFC 6962 MTH computed recursively, for comparison. */
static void
mth(uint8_t leaves[][32], size_t n, uint8_t out[32])
{
	uint8_t l[32], r[32], one = 1;
	size_t k = 1;

	if (n == 1) {
		memcpy(out, leaves[0], 32);
		return;
	}
	while (k * 2 < n)
		k *= 2;
	mth(leaves, k, l);
	mth(leaves + k, n - k, r);
	hash_parts(out, NULL, 3, &one, (size_t)1, l, (size_t)32, r, (size_t)32);
}

static void
test_merkle_frontier(void **state)
{
	uint8_t leaves[130][32], a[32], b[32], saved[64 * 32];
	struct merkle m, m2;
	size_t n, len;

	(void)state;
	merkle_init(&m);
	for (n = 0; n < 130; n++) {
		randombytes_buf(leaves[n], 32);
		merkle_add(&m, leaves[n]);
		mth(leaves, n + 1, a);
		merkle_root(&m, b);
		assert_memory_equal(a, b, 32);
		len = merkle_save(&m, saved, sizeof saved);
		assert_int_equal(merkle_load(&m2, n + 1, saved, len), 0);
		merkle_root(&m2, b);
		assert_memory_equal(a, b, 32);
		assert_int_equal(merkle_load(&m2, n + 1, saved, len + 1), -1);
	}
}

static void
test_roundtrip_and_checkpoints(void **state)
{
	struct auditfx *f = *state;
	struct audit_log *log;
	struct audit_ckpt_info ck;
	struct audit_verify_result r;
	char *cause = NULL;
	int64_t e1, e2;

	append_n(f, 200);	/* automatic checkpoints at 64, 128, 192 */
	assert_intact(f, 200);
	verify_all(f, &r);
	assert_int_equal(r.checkpoints, 3);
	assert_int_equal(r.covered, 192);

	log = auditfx_open(f);
	assert_int_equal(audit_count(log), 200);
	e1 = audit_checkpoint(log, &cause);
	assert_int_equal(e1, 3);
	e2 = audit_checkpoint(log, &cause);	/* nothing added: no new one */
	assert_int_equal(e2, 3);
	assert_int_equal(audit_checkpoint_latest(log, &ck, &cause), 0);
	assert_int_equal(ck.n, 200);
	assert_int_equal(ck.epoch, 3);
	audit_close(log);
	assert_intact(f, 200);
}

static void
test_refuses_overwrite(void **state)
{
	struct auditfx *f = *state;
	struct audit_keys k;
	char *cause = NULL;
	char other[160];

	assert_int_equal(audit_create(f->db, f->state, &k, &cause), -1);
	assert_non_null(strstr(cause, "already exists"));
	free(cause);
	cause = NULL;
	snprintf(other, sizeof other, "%s/other.db", f->dir);
	assert_int_equal(audit_create(other, f->state, &k, &cause), -1);
	assert_non_null(strstr(cause, "already exists"));
	assert_int_equal(access(other, F_OK), -1);	/* nothing left behind */
	free(cause);
}

/* The verification material file: a failed write, fsync or close is
 * reported with its own error and leaves no file behind (fsync once said
 * "No space left on device" whatever it failed with, and a failed close
 * went unseen). */
static void
test_keys_write_errors(void **state)
{
	struct auditfx *f = *state;
	static const struct {
		enum file_write_step step;
		int err;
		const char *msg;
	} cases[] = {
		{ FILE_WRITE_WRITE, ENOSPC, "No space left on device" },
		{ FILE_WRITE_FSYNC, EIO, "Input/output error" },
		{ FILE_WRITE_CLOSE, EDQUOT, "Disk quota exceeded" },
	};
	struct audit_keys k;
	struct stat st;
	char *cause = NULL, path[200];
	size_t i;

	memset(&k, 0x5a, sizeof k);
	snprintf(path, sizeof path, "%s/keys.txt", f->dir);
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		file_write_fault(cases[i].step, cases[i].err);
		assert_int_equal(audit_keys_write(&k, path, &cause), -1);
		if (strstr(cause, cases[i].msg) == NULL ||
		    strstr(cause, "keys.txt") == NULL)
			fail_msg("case %zu: unexpected message: %s", i, cause);
		assert_int_equal(access(path, F_OK), -1);	/* removed */
		free(cause);
		cause = NULL;
	}
	file_write_fault(FILE_WRITE_OK, 0);
	assert_int_equal(audit_keys_write(&k, path, &cause), 0);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal(audit_keys_write(&k, path, &cause), -1);
	assert_non_null(strstr(cause, "already exists"));
	free(cause);
}

static void
test_bad_fields_rejected(void **state)
{
	struct auditfx *f = *state;
	struct audit_log *log = auditfx_open(f);
	struct audit_entry e;
	char *big, *cause = NULL;

	memset(&e, 0, sizeof e);
	e.actor = "alice";
	e.action = "note";
	e.details = "{\"text\":\"\xff\xfe\"}";
	assert_int_equal(audit_append(log, &e, &cause), -1);
	assert_non_null(strstr(cause, "UTF-8"));
	free(cause);
	cause = NULL;

	e.details = "[1,2]";
	assert_int_equal(audit_append(log, &e, &cause), -1);
	assert_non_null(strstr(cause, "JSON object"));
	free(cause);
	cause = NULL;

	e.details = "{not json";
	assert_int_equal(audit_append(log, &e, &cause), -1);
	free(cause);
	cause = NULL;

	e.details = NULL;
	e.action = "View Start";
	assert_int_equal(audit_append(log, &e, &cause), -1);
	free(cause);
	cause = NULL;

	e.action = "note";
	big = xmalloc(AUDIT_MAX_REFERENCE + 2);
	memset(big, 'x', AUDIT_MAX_REFERENCE + 1);
	big[AUDIT_MAX_REFERENCE + 1] = '\0';
	e.reference = big;
	assert_int_equal(audit_append(log, &e, &cause), -1);
	assert_non_null(strstr(cause, "more than"));
	free(cause);
	cause = NULL;
	free(big);

	e.reference = NULL;
	e.actor = "bad\xc0\xaf";	/* overlong '/' */
	assert_int_equal(audit_append(log, &e, &cause), -1);
	free(cause);
	assert_int_equal(audit_count(log), 0);	/* nothing was written */
	audit_close(log);
	assert_intact(f, 0);
}

static void
expect_open_error(struct auditfx *f, const char *db, const char *state_path,
    const char *needle)
{
	char *cause = NULL;

	(void)f;
	assert_null(audit_open(db, state_path, 0, &cause));
	assert_non_null(cause);
	if (strstr(cause, needle) == NULL)
		fail_msg("expected '%s' in: %s", needle, cause);
	free(cause);
}

static void
test_state_file_problems(void **state)
{
	struct auditfx *f = *state;
	char link[160], moved[160], cause_buf[1];
	int fd;

	(void)cause_buf;
	append_n(f, 3);
	/* Wrong mode. */
	assert_int_equal(chmod(f->state, 0644), 0);
	expect_open_error(f, f->db, f->state, "mode 0644");
	assert_int_equal(chmod(f->state, 0600), 0);
	/* A symbolic link. */
	snprintf(link, sizeof link, "%s/link.state", f->dir);
	assert_int_equal(symlink(f->state, link), 0);
	expect_open_error(f, f->db, link, "symbolic link");
	/* Missing: refused, never a new chain. */
	snprintf(moved, sizeof moved, "%s/moved.state", f->dir);
	assert_int_equal(rename(f->state, moved), 0);
	expect_open_error(f, f->db, f->state, "missing");
	assert_int_equal(access(f->state, F_OK), -1);
	assert_int_equal(rename(moved, f->state), 0);
	/* Damaged. */
	fd = open(f->state, O_WRONLY);
	assert_true(fd >= 0);
	assert_int_equal(pwrite(fd, "X", 1, 40), 1);
	close(fd);
	expect_open_error(f, f->db, f->state, "damaged");
	assert_intact(f, 3);
}

static void
test_db_problems(void **state)
{
	struct auditfx *f = *state;
	char path[160], cmd[400];
	struct audit_verify_result r;
	struct audit_verify_opts o;
	char *cause = NULL;
	FILE *fp;
	int fd;

	snprintf(path, sizeof path, "%s/none.db", f->dir);
	expect_open_error(f, path, f->state, "does not exist");

	snprintf(path, sizeof path, "%s/garbage.db", f->dir);
	fp = fopen(path, "w");
	assert_non_null(fp);
	fputs("this is not a database, just text that is long enough to look "
	    "like a header of something else entirely.......................",
	    fp);
	fclose(fp);
	expect_open_error(f, path, f->state, "not a vigil audit log");

	snprintf(cmd, sizeof cmd, "sqlite3 '%s/other.db' 'CREATE TABLE t(x)'",
	    f->dir);
	assert_int_equal(system(cmd), 0);
	snprintf(path, sizeof path, "%s/other.db", f->dir);
	expect_open_error(f, path, f->state, "not a vigil audit log");

	/* Corrupt: overwrite bytes in the middle of the database. */
	append_n(f, 300);
	snprintf(cmd, sizeof cmd, "sqlite3 '%s' 'PRAGMA wal_checkpoint(TRUNCATE)' "
	    ">/dev/null", f->db);
	assert_int_equal(system(cmd), 0);
	fd = open(f->db, O_RDWR);
	assert_true(fd >= 0);
	{
		char junk[4096], *all;
		off_t size = lseek(fd, 0, SEEK_END), at;

		/* Where entry 150 lies, whatever the page size (an index page
		 * hit instead would leave the entries intact). */
		all = xmalloc((size_t)size);
		assert_int_equal(pread(fd, all, (size_t)size, 0), (ssize_t)size);
		at = (char *)memmem(all, (size_t)size, "note 150\"", 9) - all;
		assert_true(at > 0 && at < size);
		free(all);
		memset(junk, 0xa5, sizeof junk);
		assert_int_equal(pwrite(fd, junk, sizeof junk, at / 4096 * 4096),
		    (ssize_t)sizeof junk);
	}
	close(fd);
	memset(&o, 0, sizeof o);
	o.k0 = f->keys.k0;
	/* Either it cannot be read, or the damage is found: never "intact". */
	if (audit_verify(f->db, &o, &r, &cause) == 0)
		assert_int_not_equal(r.fault, AUDIT_OK);
	else {
		assert_non_null(cause);
		free(cause);
	}
}

static void
test_locked_beyond_timeout(void **state)
{
	struct auditfx *f = *state;
	struct audit_log *log = auditfx_open(f);
	sqlite3 *other;
	char *cause = NULL;
	struct timespec a, b;
	long ms;

	assert_int_equal(sqlite3_open(f->db, &other), SQLITE_OK);
	assert_int_equal(sqlite3_exec(other, "BEGIN IMMEDIATE", NULL, NULL, NULL),
	    SQLITE_OK);
	audit_set_timeout(log, 300);
	clock_gettime(CLOCK_MONOTONIC, &a);
	assert_int_equal(append_note(log, 1, &cause), -1);
	clock_gettime(CLOCK_MONOTONIC, &b);
	ms = (b.tv_sec - a.tv_sec) * 1000 + (b.tv_nsec - a.tv_nsec) / 1000000;
	assert_true(ms >= 250);
	assert_non_null(strstr(cause, "locked"));
	free(cause);
	cause = NULL;
	sqlite3_exec(other, "ROLLBACK", NULL, NULL, NULL);
	sqlite3_close(other);
	assert_int_equal(append_note(log, 1, &cause), 0);
	audit_close(log);
	assert_intact(f, 1);
}

/* A state that lags is ratcheted forward; one ahead is refused. */
static void
test_state_lag_and_ahead(void **state)
{
	struct auditfx *f = *state;
	struct audit_log *log;
	char *cause = NULL, cmd[600];

	append_n(f, 5);
	log = auditfx_open(f);
	fault_after("audit", 3, FAULT_ERROR);	/* insert, commit, then the state write */
	assert_int_equal(append_note(log, 5, &cause), -1);
	assert_non_null(strstr(cause, "was logged"));
	free(cause);
	cause = NULL;
	fault_after("audit", 0, FAULT_ERROR);
	assert_int_equal(append_note(log, 6, &cause), 6);	/* catches up */
	audit_close(log);
	assert_intact(f, 7);

	/* Save the state, then roll the log back to an older copy. */
	snprintf(cmd, sizeof cmd, "sqlite3 '%s' 'PRAGMA wal_checkpoint(TRUNCATE)' "
	    ">/dev/null && cp '%s' '%s.old'", f->db, f->db, f->db);
	assert_int_equal(system(cmd), 0);
	append_n(f, 2);
	snprintf(cmd, sizeof cmd, "sqlite3 '%s' 'PRAGMA wal_checkpoint(TRUNCATE)' "
	    ">/dev/null && cp '%s.old' '%s'", f->db, f->db, f->db);
	assert_int_equal(system(cmd), 0);
	expect_open_error(f, f->db, f->state, "ahead of the log");
}

/* Every fault point, failing in turn: the append fails cleanly or is
 * logged, and the log always verifies. */
static void
test_fault_injection(void **state)
{
	struct auditfx *f = *state;
	struct audit_log *log;
	char *cause = NULL;
	int n, points;
	int64_t count;

	append_n(f, 63);	/* the next append also makes a checkpoint */
	log = auditfx_open(f);
	fault_after("audit", 0, FAULT_ERROR);
	assert_int_equal(append_note(log, 63, &cause), 63);
	points = fault_points();
	assert_true(points >= 6);	/* 3 for the entry, 3 for the checkpoint */
	audit_close(log);

	for (n = 1; n <= points; n++) {
		append_n(f, 63);
		log = auditfx_open(f);
		count = audit_count(log);
		fault_after("audit", n, FAULT_ERROR);
		append_note(log, 0, &cause);
		free(cause);
		cause = NULL;
		fault_after("audit", 0, FAULT_ERROR);
		audit_close(log);
		assert_intact(f, -1);
		log = auditfx_open(f);
		assert_true(audit_count(log) >= count);
		if (append_note(log, 1, &cause) < 0)
			fail_msg("append after fault %d: %s", n, cause);
		audit_close(log);
		assert_intact(f, -1);
	}
}

/* The process dies at each fault point in turn; the log verifies and the
 * next writer carries on. */
static void
test_crash_points(void **state)
{
	struct auditfx *f = *state;
	struct audit_log *log;
	char *cause = NULL;
	int n, status;
	pid_t pid;

	append_n(f, 62);
	for (n = 1; n <= 8; n++) {
		fflush(NULL);
		if ((pid = fork()) == 0) {
			log = audit_open(f->db, f->state, 0, NULL);
			if (log == NULL)
				_exit(3);
			fault_after("audit", n, FAULT_EXIT);
			append_note(log, 1, NULL);
			append_note(log, 2, NULL);
			_exit(0);
		}
		assert_int_equal(waitpid(pid, &status, 0), pid);
		assert_true(WIFEXITED(status));
		assert_int_not_equal(WEXITSTATUS(status), 3);
		assert_intact(f, -1);
		log = auditfx_open(f);
		if (append_note(log, 3, &cause) < 0)
			fail_msg("after crash at point %d: %s", n, cause);
		audit_close(log);
		assert_intact(f, -1);
	}
}

/* A writer killed with SIGKILL at random moments, 200 times. */
static void
test_sigkill_loop(void **state)
{
	struct auditfx *f = *state;
	struct audit_log *log;
	struct timespec ts;
	char *cause = NULL;
	int k, status, i;
	pid_t pid;
	int64_t count;

	srand(12345);
	for (k = 0; k < 200; k++) {
		fflush(NULL);
		if ((pid = fork()) == 0) {
			log = audit_open(f->db, f->state, 0, NULL);
			if (log == NULL)
				_exit(3);
			audit_set_checkpoint_every(log, 5);
			for (i = 0; ; i++)
				append_note(log, i, NULL);
		}
		ts.tv_sec = 0;
		ts.tv_nsec = (long)(rand() % 15000) * 1000;
		nanosleep(&ts, NULL);
		kill(pid, SIGKILL);
		assert_int_equal(waitpid(pid, &status, 0), pid);
		if (WIFEXITED(status))
			fail_msg("writer exited %d (could not open?)",
			    WEXITSTATUS(status));
		assert_intact(f, -1);
	}
	log = auditfx_open(f);
	count = audit_count(log);
	assert_int_equal(append_note(log, 0, &cause), count);
	audit_close(log);
	assert_intact(f, count + 1);
}

/* Two processes appending 5,000 entries each at once. */
static void
test_two_writers(void **state)
{
	struct auditfx *f = *state;
	struct audit_log *log;
	struct audit_verify_result r;
	int w, status, i, n = getenv("VIGIL_TEST_QUICK") ? 500 : 5000;
	pid_t pids[2];

	for (w = 0; w < 2; w++) {
		fflush(NULL);
		if ((pids[w] = fork()) == 0) {
			log = audit_open(f->db, f->state, 0, NULL);
			if (log == NULL)
				_exit(3);
			for (i = 0; i < n; i++) {
				if (append_note(log, i, NULL) < 0)
					_exit(4);
			}
			audit_close(log);
			_exit(0);
		}
	}
	for (w = 0; w < 2; w++) {
		assert_int_equal(waitpid(pids[w], &status, 0), pids[w]);
		assert_true(WIFEXITED(status));
		assert_int_equal(WEXITSTATUS(status), 0);
	}
	assert_intact(f, 2 * n);
	verify_all(f, &r);
	assert_int_equal(r.checkpoints, 2 * n / 64);
}

/* What a failed verification says was verified before the fault: the
 * entries before it, and the checkpoints that end before it. */
static void
test_verify_counts(void **state)
{
	struct auditfx *f = *state;
	struct audit_verify_opts o;
	struct audit_verify_result r;
	char cmd[400], *cause = NULL;

	append_n(f, 200);	/* automatic checkpoints at 64, 128, 192 */
	snprintf(cmd, sizeof cmd, "sqlite3 '%s' \"UPDATE entry SET mac = "
	    "zeroblob(32) WHERE seq = 130\"", f->db);
	assert_int_equal(system(cmd), 0);
	memset(&o, 0, sizeof o);
	o.k0 = f->keys.k0;
	assert_int_equal(audit_verify(f->db, &o, &r, &cause), 0);
	assert_int_equal(r.fault, AUDIT_MAC);
	assert_int_equal(r.seq, 130);
	assert_int_equal(r.entries, 130);
	assert_int_equal(r.checkpoints, 2);
	assert_int_equal(r.last_epoch, 1);
	assert_int_equal(r.covered, 128);
	/* Without k0 the MACs are not checked: all of it. */
	o.k0 = NULL;
	assert_int_equal(audit_verify(f->db, &o, &r, &cause), 0);
	assert_int_equal(r.fault, AUDIT_OK);
	assert_int_equal(r.entries, 200);
	assert_int_equal(r.checkpoints, 3);
	assert_int_equal(r.covered, 192);
	/* A signature that does not verify: checkpoint 1, at entry 127. */
	snprintf(cmd, sizeof cmd, "sqlite3 '%s' \"UPDATE checkpoint SET sig = "
	    "zeroblob(64) WHERE epoch = 1\"", f->db);
	assert_int_equal(system(cmd), 0);
	assert_int_equal(audit_verify(f->db, &o, &r, &cause), 0);
	assert_int_equal(r.fault, AUDIT_CKPT_SIG);
	assert_int_equal(r.seq, 64);
	assert_int_equal(r.entries, 128);
	assert_int_equal(r.checkpoints, 1);
	assert_int_equal(r.covered, 64);
	o.k0 = f->keys.k0;
	assert_int_equal(audit_verify(f->db, &o, &r, &cause), 0);
	assert_int_equal(r.fault, AUDIT_CKPT_SIG);
	assert_int_equal(r.seq, 64);
	assert_int_equal(r.checkpoints, 1);
}

static void
test_export_against(void **state)
{
	struct auditfx *f = *state;
	struct audit_log *log;
	struct audit_ckpt_info ck, back;
	struct audit_verify_opts o;
	struct audit_verify_result r;
	char path[160], cmd[400], *cause = NULL;

	append_n(f, 100);
	log = auditfx_open(f);
	assert_true(audit_checkpoint(log, &cause) >= 0);
	assert_int_equal(audit_checkpoint_latest(log, &ck, &cause), 0);
	audit_close(log);
	snprintf(path, sizeof path, "%s/held.ckpt", f->dir);
	assert_int_equal(audit_checkpoint_export(&ck, path, &cause), 0);
	assert_int_equal(audit_checkpoint_export(&ck, path, &cause), -1);
	free(cause);
	cause = NULL;
	assert_int_equal(audit_checkpoint_import(path, &back, &cause), 0);
	assert_memory_equal(back.body, ck.body, AUDIT_CKPT_LEN);
	assert_int_equal(back.n, 100);
	/* The time is ISO 8601 as written: "@ms" (which clock_parse() takes,
	 * any number, also ones that cannot be written back) is refused
	 * (fuzz/fuzz_checkpoint.c's read-back check). */
	{
		char at[200];
		struct audit_ckpt_info other;

		snprintf(at, sizeof at, "%s/held-at.ckpt", f->dir);
		snprintf(cmd, sizeof cmd, "sed 's/^time .*/time @%lld/' '%s' "
		    ">'%s'", (long long)ck.time_ms, path, at);
		assert_int_equal(system(cmd), 0);
		assert_int_equal(audit_checkpoint_import(at, &other, &cause), -1);
		assert_non_null(strstr(cause, "'time'"));
		free(cause);
		cause = NULL;
	}

	memset(&o, 0, sizeof o);
	o.against = &back;
	assert_int_equal(audit_verify(f->db, &o, &r, &cause), 0);
	assert_int_equal(r.fault, AUDIT_OK);
	/* A held copy whose root the entries do not give, found with k0
	 * (the main thread builds the tree) and without (the other one
	 * does); what was verified stops before it. */
	{
		struct audit_ckpt_info bad = back;

		bad.root[5] ^= 1;
		o.against = &bad;
		assert_int_equal(audit_verify(f->db, &o, &r, &cause), 0);
		assert_int_equal(r.fault, AUDIT_CKPT_MISMATCH);
		assert_int_equal(r.seq, 99);
		assert_int_equal(r.entries, 100);
		assert_int_equal(r.checkpoints, 1);	/* the one at 64 */
		o.k0 = f->keys.k0;
		assert_int_equal(audit_verify(f->db, &o, &r, &cause), 0);
		assert_int_equal(r.fault, AUDIT_CKPT_MISMATCH);
		assert_int_equal(r.seq, 99);
		assert_int_equal(r.entries, 100);
		assert_int_equal(r.checkpoints, 1);
		o.k0 = NULL;
		o.against = &back;
	}

	/* Cut the tail and every checkpoint: only the held copy tells. */
	snprintf(cmd, sizeof cmd, "sqlite3 '%s' 'DELETE FROM entry WHERE seq >= "
	    "90; DELETE FROM checkpoint WHERE n > 90;'", f->db);
	assert_int_equal(system(cmd), 0);
	memset(&o, 0, sizeof o);
	assert_int_equal(audit_verify(f->db, &o, &r, &cause), 0);
	assert_int_equal(r.fault, AUDIT_OK);
	o.against = &back;
	assert_int_equal(audit_verify(f->db, &o, &r, &cause), 0);
	assert_int_equal(r.fault, AUDIT_TRUNCATED);
	assert_int_equal(r.seq, 90);
}

static void
test_query_filters(void **state)
{
	struct auditfx *f = *state;
	struct audit_log *log;
	struct audit_iter *it;
	struct audit_filter flt;
	struct audit_row row;
	char *cause = NULL;
	int n = 0;
	int64_t last = -1;

	append_n(f, 20);
	log = audit_open(f->db, NULL, AUDIT_OPEN_READONLY, &cause);
	assert_non_null(log);
	memset(&flt, 0, sizeof flt);
	flt.after_seq = -1;
	flt.camera = "entrance";
	flt.newest_first = 1;
	flt.limit = 4;
	it = audit_iter_new(log, &flt, &cause);
	assert_non_null(it);
	while (audit_iter_next(it, &row, &cause) == 1) {
		assert_string_equal(row.camera, "entrance");
		if (last >= 0)
			assert_true(row.seq < last);
		last = row.seq;
		n++;
	}
	audit_iter_free(it);
	assert_int_equal(n, 4);
	assert_int_equal(last, 13);

	memset(&flt, 0, sizeof flt);
	flt.after_seq = -1;
	flt.footage_from = 5200;	/* overlaps entries 5 (5000-5500) only */
	flt.footage_to = 5800;
	it = audit_iter_new(log, &flt, &cause);
	assert_int_equal(audit_iter_next(it, &row, &cause), 1);
	assert_int_equal(row.seq, 5);
	assert_int_equal(audit_iter_next(it, &row, &cause), 0);
	audit_iter_free(it);

	/* A read-only log refuses appends. */
	assert_int_equal(append_note(log, 0, &cause), -1);
	free(cause);
	audit_close(log);
}

static int64_t
append_action(struct audit_log *log, const char *action, const char *details)
{
	struct audit_entry e;
	char *cause = NULL;
	int64_t seq;

	memset(&e, 0, sizeof e);
	e.actor = "alice";
	e.action = action;
	e.camera = "entrance";
	e.details = details;
	if ((seq = audit_append(log, &e, &cause)) < 0)
		fail_msg("append: %s", cause);
	return seq;
}

/* The quick check at start: fine on an intact log, and each kind of
 * damage near the newest checkpoint is found without reading the log. */
static void
quick_tampered(struct auditfx *f, const char *sql, const char *want)
{
	struct audit_log *log;
	struct audit_quick q;
	char cmd[600], *cause = NULL;

	snprintf(cmd, sizeof cmd, "cp '%s' '%s.orig' && sqlite3 '%s' '%s'",
	    f->db, f->db, f->db, sql);
	assert_int_equal(system(cmd), 0);
	if ((log = audit_open(f->db, NULL, AUDIT_OPEN_READONLY, &cause)) == NULL)
		fail_msg("open: %s", cause);
	assert_int_equal(audit_quick_check(log, &q, &cause), 0);
	audit_close(log);
	if (q.verdict != AUDIT_QUICK_BAD || strstr(q.detail, want) == NULL)
		fail_msg("after %s: verdict %d, '%s'", sql, q.verdict, q.detail);
	snprintf(cmd, sizeof cmd, "mv '%s.orig' '%s'", f->db, f->db);
	assert_int_equal(system(cmd), 0);
}

static void
test_quick_check(void **state)
{
	struct auditfx *f = *state;
	struct audit_log *log;
	struct audit_quick q;
	char *cause = NULL;

	log = auditfx_open(f);
	assert_int_equal(audit_quick_check(log, &q, &cause), 0);
	assert_int_equal(q.verdict, AUDIT_QUICK_NONE);
	assert_int_equal(q.entries, 0);
	audit_close(log);

	append_n(f, 70);	/* a checkpoint at 64 */
	log = auditfx_open(f);
	assert_int_equal(audit_quick_check(log, &q, &cause), 0);
	assert_int_equal(q.verdict, AUDIT_QUICK_OK);
	assert_int_equal(q.epoch, 0);
	assert_int_equal(q.n, 64);
	assert_int_equal(q.entries, 70);
	assert_non_null(strstr(q.detail, "6 entries after checkpoint 0"));
	assert_true(audit_checkpoint(log, &cause) >= 0);
	assert_int_equal(audit_quick_check(log, &q, &cause), 0);
	assert_int_equal(q.verdict, AUDIT_QUICK_OK);
	assert_int_equal(q.epoch, 1);
	assert_string_equal(q.detail, "");
	audit_close(log);

	quick_tampered(f, "UPDATE entry SET chain = zeroblob(32) WHERE seq = 69",
	    "entry 69 does not end the chain");
	quick_tampered(f, "DELETE FROM entry WHERE seq >= 66",
	    "the log holds 66: entries were removed");
	quick_tampered(f, "UPDATE checkpoint SET sig = zeroblob(64) WHERE "
	    "epoch = 1", "signature of checkpoint 1 does not verify");
	quick_tampered(f, "UPDATE checkpoint SET sig = zeroblob(10) WHERE "
	    "epoch = 1", "checkpoint is malformed");
	quick_tampered(f, "DELETE FROM checkpoint WHERE epoch = 0",
	    "checkpoint 0, before the newest, is missing");
	/* The newest checkpoint re-signed by someone without the key chain:
	 * a body from the log's other checkpoint does not verify either. */
	quick_tampered(f, "UPDATE checkpoint SET body = (SELECT body FROM "
	    "checkpoint WHERE epoch = 0) WHERE epoch = 1",
	    "does not verify");
	assert_intact(f, 70);
}

static void
test_views_open(void **state)
{
	struct auditfx *f = *state;
	struct audit_log *log = auditfx_open(f);
	struct audit_row row;
	int64_t *seqs, a, b, c;
	char buf[64], *storage, *cause = NULL;
	size_t n;

	a = append_action(log, "view-start", NULL);
	b = append_action(log, "view-start", NULL);
	snprintf(buf, sizeof buf, "{\"view\":%lld}", (long long)a);
	append_action(log, "view-end", buf);
	c = append_action(log, "view-start", NULL);
	assert_int_equal(audit_views_open(log, &seqs, &n, &cause), 0);
	assert_int_equal(n, 2);
	assert_int_equal(seqs[0], b);
	assert_int_equal(seqs[1], c);
	free(seqs);
	snprintf(buf, sizeof buf, "{\"view\":%lld}", (long long)b);
	append_action(log, "view-aborted", buf);
	assert_int_equal(audit_views_open(log, &seqs, &n, &cause), 0);
	assert_int_equal(n, 1);
	assert_int_equal(seqs[0], c);
	free(seqs);

	assert_int_equal(audit_entry_get(log, c, &row, &storage, &cause), 0);
	assert_string_equal(row.action, "view-start");
	free(storage);
	assert_int_equal(audit_entry_get(log, 999, &row, &storage, &cause), 1);
	audit_close(log);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_man_page_example),
		cmocka_unit_test(test_merkle_frontier),
		cmocka_unit_test_setup_teardown(test_roundtrip_and_checkpoints, setup, teardown),
		cmocka_unit_test_setup_teardown(test_refuses_overwrite, setup, teardown),
		cmocka_unit_test_setup_teardown(test_keys_write_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_fields_rejected, setup, teardown),
		cmocka_unit_test_setup_teardown(test_state_file_problems, setup, teardown),
		cmocka_unit_test_setup_teardown(test_db_problems, setup, teardown),
		cmocka_unit_test_setup_teardown(test_locked_beyond_timeout, setup, teardown),
		cmocka_unit_test_setup_teardown(test_state_lag_and_ahead, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fault_injection, setup, teardown),
		cmocka_unit_test_setup_teardown(test_crash_points, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sigkill_loop, setup, teardown),
		cmocka_unit_test_setup_teardown(test_two_writers, setup, teardown),
		cmocka_unit_test_setup_teardown(test_export_against, setup, teardown),
		cmocka_unit_test_setup_teardown(test_verify_counts, setup, teardown),
		cmocka_unit_test_setup_teardown(test_query_filters, setup, teardown),
		cmocka_unit_test_setup_teardown(test_views_open, setup, teardown),
		cmocka_unit_test_setup_teardown(test_quick_check, setup, teardown),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
