/* test_audit_attacks — the gaps in verification of issue 13, each an
 * attack that once went unnoticed: a damaged frontier stopping every later
 * checkpoint, a forged key state, checkpoints deleted, a row dropped by a
 * planted trigger, and a copied key state yielding later signing keys. */
#include <sys/stat.h>

#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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
	return auditfx_setup(state, "attacks");
}

static int
teardown(void **state)
{
	return auditfx_teardown(state);
}

static int64_t
append_action(struct audit_log *log, const char *action, int i, char **cause)
{
	struct audit_entry e;
	char details[64];

	snprintf(details, sizeof details, "{\"text\":\"note %d\"}", i);
	memset(&e, 0, sizeof e);
	e.actor = "alice";
	e.action = action;
	e.details = details;
	e.terminal = "tty1";
	return audit_append(log, &e, cause);
}

static void
append_n(struct auditfx *f, int n)
{
	struct audit_log *log = auditfx_open(f);
	char *cause = NULL;
	int i;

	for (i = 0; i < n; i++)
		if (append_action(log, "note", i, &cause) < 0)
			fail_msg("append %d: %s", i, cause);
	audit_close(log);
}

/* Runs SQL on the log with the sqlite3 command, as an attacker would. */
static void
sql(struct auditfx *f, const char *q)
{
	char cmd[1024];

	snprintf(cmd, sizeof cmd, "sqlite3 '%s' \"%s\" >/dev/null", f->db, q);
	if (system(cmd) != 0)
		fail_msg("sqlite3 failed: %s", q);
}

/* Verifies with k0 (with_k0) or with pk0 alone; returns the fault. */
static enum audit_fault
verify(struct auditfx *f, int with_k0, struct audit_verify_result *r)
{
	struct audit_verify_opts o;
	char *cause = NULL;

	memset(&o, 0, sizeof o);
	o.k0 = with_k0 ? f->keys.k0 : NULL;
	o.pk0 = f->keys.pk0;
	o.log_id = f->keys.log_id;
	if (audit_verify(f->db, &o, r, &cause) != 0)
		fail_msg("verify: %s", cause);
	return r->fault;
}

static void
expect_fault(struct auditfx *f, int with_k0, const char *needle)
{
	struct audit_verify_result r;

	if (verify(f, with_k0, &r) == AUDIT_OK)
		fail_msg("verification says intact; expected '%s'", needle);
	if (strstr(r.detail, needle) == NULL &&
	    strstr(audit_fault_name(r.fault), needle) == NULL)
		fail_msg("expected '%s', got seq %lld %s: %s", needle,
		    (long long)r.seq, audit_fault_name(r.fault), r.detail);
}

static void
expect_intact(struct auditfx *f)
{
	struct audit_verify_result r;

	if (verify(f, 1, &r) != AUDIT_OK)
		fail_msg("not intact: seq %lld %s: %s", (long long)r.seq,
		    audit_fault_name(r.fault), r.detail);
	if (verify(f, 0, &r) != AUDIT_OK)
		fail_msg("not intact without k0: seq %lld %s: %s",
		    (long long)r.seq, audit_fault_name(r.fault), r.detail);
}

/* The quick check the terminal makes at start says BAD, with needle. */
static void
expect_quick_bad(struct auditfx *f, const char *needle)
{
	struct audit_log *log;
	struct audit_quick q;
	char *cause = NULL;

	if ((log = audit_open(f->db, NULL, AUDIT_OPEN_READONLY, &cause)) == NULL)
		fail_msg("open: %s", cause);
	if (audit_quick_check(log, &q, &cause) != 0)
		fail_msg("quick check: %s", cause);
	audit_close(log);
	if (q.verdict != AUDIT_QUICK_BAD)
		fail_msg("quick check not BAD (%d: %s); expected '%s'",
		    (int)q.verdict, q.detail, needle);
	if (strstr(q.detail, needle) == NULL)
		fail_msg("expected '%s' in: %s", needle, q.detail);
}

static void
expect_open_refused(struct auditfx *f, const char *needle)
{
	char *cause = NULL;
	struct audit_log *log;

	if ((log = audit_open(f->db, f->state, 0, &cause)) != NULL) {
		audit_close(log);
		fail_msg("open accepted; expected '%s'", needle);
	}
	if (strstr(cause, needle) == NULL)
		fail_msg("expected '%s' in: %s", needle, cause);
	free(cause);
}

/* 1. A damaged frontier: verification finds it, the append reports the
 * checkpoint it could not make, and the uncovered entries that pile up
 * are "checkpoint missing". */
static void
test_frontier(void **state)
{
	struct auditfx *f = *state;
	struct audit_log *log;
	char *cause = NULL;
	int i;

	append_n(f, 64);	/* checkpoint 0 at 64 */
	expect_intact(f);
	sql(f, "UPDATE checkpoint SET frontier = randomblob(32) WHERE epoch = 0");
	expect_fault(f, 0, "frontier");
	expect_fault(f, 1, "frontier");
	expect_quick_bad(f, "frontier");	/* the terminal's title bar */

	log = auditfx_open(f);
	for (i = 0; i < 64; i++)
		if (append_action(log, "note", i, &cause) < 0)
			fail_msg("append %d: %s", i, cause);
	/* The 64th was due a checkpoint, which could not be made. */
	assert_non_null(audit_checkpoint_failure(log));
	assert_non_null(strstr(audit_checkpoint_failure(log), "checkpoint"));
	assert_int_equal(append_action(log, "note", 64, &cause), 129);
	assert_non_null(audit_checkpoint_failure(log));
	/* On demand too. */
	assert_int_equal(audit_checkpoint(log, &cause), -1);
	assert_non_null(cause);
	free(cause);
	cause = NULL;
	audit_close(log);
	expect_fault(f, 0, "frontier");
	/* The failure is in the log itself, once per opening: after the
	 * entry that made the checkpoint due (seq 127), as seq 128. */
	{
		struct audit_row row;
		char *storage = NULL;

		log = auditfx_open(f);
		assert_int_equal(audit_entry_get(log, 128, &row, &storage,
		    &cause), 0);
		assert_string_equal(row.action, "checkpoint-failed");
		assert_non_null(strstr(row.details, "frontier"));
		free(storage);
		storage = NULL;
		assert_int_equal(audit_entry_get(log, 129, &row, &storage,
		    &cause), 0);
		assert_string_equal(row.action, "note");
		free(storage);
		assert_int_equal(audit_count(log), 130);
		audit_close(log);
	}
}

/* 3. At most checkpoint_every entries may follow the newest stored
 * checkpoint (or the start of the log). */
static void
test_uncovered_entries(void **state)
{
	struct auditfx *f = *state;
	struct audit_verify_result r;
	char cmd[600];

	append_n(f, 65);	/* checkpoint 0 at 64, one entry after */
	snprintf(cmd, sizeof cmd, "sqlite3 '%s' 'PRAGMA wal_checkpoint(TRUNCATE)' "
	    ">/dev/null && cp '%s' '%s.65'", f->db, f->db, f->db);
	assert_int_equal(system(cmd), 0);
	sql(f, "DELETE FROM checkpoint");
	assert_int_equal(verify(f, 0, &r), AUDIT_CKPT_MISSING);	/* 65 */
	assert_int_equal(r.seq, 64);
	expect_quick_bad(f, "more than checkpoint_every");
	/* 64 entries without a checkpoint are allowed. */
	snprintf(cmd, sizeof cmd, "cp '%s.65' '%s'", f->db, f->db);
	assert_int_equal(system(cmd), 0);
	sql(f, "DELETE FROM checkpoint; DELETE FROM entry WHERE seq = 64");
	assert_int_equal(verify(f, 0, &r), AUDIT_OK);
	assert_int_equal(r.checkpoints, 0);
}

/* Rewrites entry seq's details (body, columns) and recomputes the chain
 * from it on, as someone without any key can. */
static void
rechain_from(struct auditfx *f, int64_t seq)
{
	sqlite3 *db;
	sqlite3_stmt *s, *u;
	uint8_t chain[HASH_LEN], leaf[HASH_LEN], *body;
	const uint8_t tag_leaf = 0x00, tag_chain = 0x02;
	struct audit_entry e;
	size_t len;
	char *cause = NULL;

	assert_int_equal(sqlite3_open(f->db, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "BEGIN", NULL, NULL, NULL), SQLITE_OK);
	memset(&e, 0, sizeof e);
	e.time_ms = 1;
	e.actor = "mallory";
	e.action = "note";
	e.details = "{\"text\":\"nothing happened\"}";
	e.terminal = "tty1";
	assert_int_equal(body_encode(&e, seq, &body, &len, &cause), 0);
	assert_int_equal(sqlite3_prepare_v2(db, "UPDATE entry SET body = ?, "
	    "time_ms = 1, actor = 'mallory', action = 'note', camera = '', "
	    "from_ms = 0, to_ms = 0, reason_code = '', reference = '', "
	    "details = ?, terminal = 'tty1' WHERE seq = ?", -1, &u, NULL),
	    SQLITE_OK);
	sqlite3_bind_blob(u, 1, body, (int)len, SQLITE_TRANSIENT);
	sqlite3_bind_text(u, 2, e.details, -1, SQLITE_STATIC);
	sqlite3_bind_int64(u, 3, seq);
	assert_int_equal(sqlite3_step(u), SQLITE_DONE);
	sqlite3_finalize(u);
	free(body);

	if (seq == 0)
		chain_start(f->keys.log_id, chain);
	else {
		assert_int_equal(sqlite3_prepare_v2(db, "SELECT chain FROM entry "
		    "WHERE seq = ?", -1, &s, NULL), SQLITE_OK);
		sqlite3_bind_int64(s, 1, seq - 1);
		assert_int_equal(sqlite3_step(s), SQLITE_ROW);
		memcpy(chain, sqlite3_column_blob(s, 0), HASH_LEN);
		sqlite3_finalize(s);
	}
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT seq, body FROM entry "
	    "WHERE seq >= ? ORDER BY seq", -1, &s, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, "UPDATE entry SET chain = ? "
	    "WHERE seq = ?", -1, &u, NULL), SQLITE_OK);
	sqlite3_bind_int64(s, 1, seq);
	while (sqlite3_step(s) == SQLITE_ROW) {
		hash_parts(leaf, NULL, 2, &tag_leaf, (size_t)1,
		    sqlite3_column_blob(s, 1), (size_t)sqlite3_column_bytes(s, 1));
		hash_parts(chain, NULL, 3, &tag_chain, (size_t)1, chain,
		    (size_t)HASH_LEN, leaf, (size_t)HASH_LEN);
		sqlite3_bind_blob(u, 1, chain, HASH_LEN, SQLITE_TRANSIENT);
		sqlite3_bind_int64(u, 2, sqlite3_column_int64(s, 0));
		assert_int_equal(sqlite3_step(u), SQLITE_DONE);
		sqlite3_reset(u);
	}
	sqlite3_finalize(s);
	sqlite3_finalize(u);
	assert_int_equal(sqlite3_exec(db, "COMMIT", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
}

/* 3. Every checkpoint row deleted and an entry edited with the chain
 * recomputed: pk0 alone must not call it intact. */
static void
test_checkpoints_deleted(void **state)
{
	struct auditfx *f = *state;
	struct audit_verify_result r;

	append_n(f, 70);	/* checkpoint 0 at 64, six entries after */
	expect_intact(f);
	sql(f, "DELETE FROM checkpoint");
	rechain_from(f, 10);
	expect_fault(f, 0, "checkpoint missing");
	expect_quick_bad(f, "more than checkpoint_every");
	assert_int_equal(verify(f, 0, &r), AUDIT_CKPT_MISSING);
	assert_int_equal(r.seq, 64);
	/* With k0 the MAC of the edited entry comes first. */
	assert_int_equal(verify(f, 1, &r), AUDIT_MAC);
	assert_int_equal(r.seq, 10);
}

/* 3 (cont.). A `checkpoint` entry whose checkpoint is gone. */
static void
test_checkpoint_entry_uncovered(void **state)
{
	struct auditfx *f = *state;
	struct audit_log *log;
	struct audit_verify_result r;
	char *cause = NULL;

	append_n(f, 3);
	log = auditfx_open(f);
	assert_int_equal(append_action(log, "checkpoint", 3, &cause), 3);
	assert_int_equal(audit_checkpoint(log, &cause), 0);
	assert_int_equal(append_action(log, "note", 4, &cause), 4);
	audit_close(log);
	expect_intact(f);
	sql(f, "DELETE FROM checkpoint");
	expect_fault(f, 0, "checkpoint missing");
	assert_int_equal(verify(f, 0, &r), AUDIT_CKPT_MISSING);
	assert_int_equal(r.seq, 3);
	/* Without that entry, a short log with no checkpoint is consistent,
	 * not anchored: no fault, and no checkpoint checked. */
	sql(f, "DELETE FROM entry WHERE seq >= 3");
	assert_int_equal(verify(f, 0, &r), AUDIT_OK);
	assert_int_equal(r.checkpoints, 0);
}

/* The same for a heartbeat: its checkpoint deleted is a checkpoint
 * missing, however few entries follow. */
static void
test_heartbeat_entry_uncovered(void **state)
{
	struct auditfx *f = *state;
	struct audit_log *log;
	struct audit_verify_result r;
	char *cause = NULL;

	append_n(f, 2);
	log = auditfx_open(f);
	assert_int_equal(audit_heartbeat(log, clock_now_ms() + 3600000, 60000,
	    "tty1", &cause), 1);
	audit_close(log);
	expect_intact(f);
	sql(f, "DELETE FROM checkpoint");
	assert_int_equal(verify(f, 0, &r), AUDIT_CKPT_MISSING);
	assert_int_equal(r.seq, 2);
	expect_fault(f, 0, "checkpoint missing");
}

/* 2. A key state with another MAC key and seed, its counters current. */
static void
forge_state(struct auditfx *f)
{
	struct state st;
	char *cause = NULL;
	int fd;

	if ((fd = state_open(f->state, &cause)) == -1)
		fail_msg("state: %s", cause);
	if (state_read(fd, f->state, &st, &cause) != 0)
		fail_msg("state: %s", cause);
	randombytes_buf(st.k, sizeof st.k);
	randombytes_buf(st.seed, sizeof st.seed);
	if (state_write(fd, f->state, &st, &cause) != 0)
		fail_msg("state: %s", cause);
	state_wipe(&st);
	close(fd);
}

static void
test_forged_state(void **state)
{
	struct auditfx *f = *state;
	char saved[200], cmd[600];
	struct audit_log *log;
	char *cause = NULL;

	append_n(f, 3);
	snprintf(saved, sizeof saved, "%s/saved.state", f->dir);
	snprintf(cmd, sizeof cmd, "cp -p '%s' '%s'", f->state, saved);
	assert_int_equal(system(cmd), 0);
	/* No checkpoint yet: the seed must give pk0. */
	forge_state(f);
	expect_open_refused(f, "does not match");
	/* After a checkpoint: the key it names. */
	snprintf(cmd, sizeof cmd, "cp -p '%s' '%s'", saved, f->state);
	assert_int_equal(system(cmd), 0);
	log = auditfx_open(f);
	assert_int_equal(audit_checkpoint(log, &cause), 0);
	audit_close(log);
	append_n(f, 2);
	forge_state(f);
	expect_open_refused(f, "does not match");
}

/* 4. A planted trigger that drops the row: the append fails, and a log
 * holding objects vigil-audit(5) does not list is refused at open. */
static void
test_planted_objects(void **state)
{
	struct auditfx *f = *state;
	struct audit_log *log;
	char *cause = NULL;

	append_n(f, 3);
	log = auditfx_open(f);
	sql(f, "CREATE TRIGGER drop_it BEFORE INSERT ON entry "
	    "WHEN new.actor = 'alice' BEGIN SELECT RAISE(IGNORE); END");
	assert_int_equal(append_action(log, "note", 3, &cause), -1);
	assert_non_null(cause);
	assert_non_null(strstr(cause, "not stored"));
	free(cause);
	cause = NULL;
	audit_close(log);
	expect_open_refused(f, "trigger");
	expect_fault(f, 0, "schema");
	sql(f, "DROP TRIGGER drop_it");
	expect_intact(f);

	sql(f, "CREATE TABLE notes(x)");
	expect_open_refused(f, "table notes");
	expect_fault(f, 0, "schema");
	sql(f, "DROP TABLE notes");
	sql(f, "CREATE VIEW v AS SELECT * FROM entry");
	expect_open_refused(f, "view v");
	sql(f, "DROP VIEW v");
	sql(f, "CREATE INDEX mine ON entry(terminal)");
	expect_open_refused(f, "index mine");
	expect_fault(f, 1, "schema");
	sql(f, "DROP INDEX mine");
	log = auditfx_open(f);
	assert_int_equal(append_action(log, "note", 3, &cause), 3);
	audit_close(log);
	expect_intact(f);
}

/* 5. A copy of the key state taken at epoch j does not give the signing
 * key of epoch j + 2: the seeds are fresh, not ratcheted. */
static void
test_fresh_seeds(void **state)
{
	struct auditfx *f = *state;
	struct audit_log *log;
	struct audit_ckpt_info ck;
	struct state st;
	uint8_t pk[32], sk[64], seed[AUDIT_KEY_LEN];
	char *cause = NULL;
	int fd;

	append_n(f, 2);
	log = auditfx_open(f);
	assert_int_equal(audit_checkpoint(log, &cause), 0);
	audit_close(log);
	/* The copy, at epoch 1: it holds s_1, whose key ckpt_0 names. */
	fd = state_open(f->state, &cause);
	assert_true(fd >= 0);
	assert_int_equal(state_read(fd, f->state, &st, &cause), 0);
	close(fd);
	assert_int_equal(st.next_epoch, 1);
	memcpy(seed, st.seed, sizeof seed);
	state_wipe(&st);
	log = auditfx_open(f);
	assert_int_equal(audit_checkpoint_latest(log, &ck, &cause), 0);
	state_seed_keypair(seed, pk, sk);
	assert_memory_equal(pk, ck.body + 112, 32);
	/* Two more checkpoints: ckpt_1 names pk_2. */
	assert_int_equal(append_action(log, "note", 2, &cause), 2);
	assert_int_equal(audit_checkpoint(log, &cause), 1);
	assert_int_equal(append_action(log, "note", 3, &cause), 3);
	assert_int_equal(audit_checkpoint(log, &cause), 2);
	assert_int_equal(audit_checkpoint_latest(log, &ck, &cause), 0);
	audit_close(log);
	/* What the old ratchet would give from the copy: s_2, then s_3. */
	state_ratchet_seed(seed);
	{
		sqlite3 *db;
		sqlite3_stmt *s;

		assert_int_equal(sqlite3_open(f->db, &db), SQLITE_OK);
		assert_int_equal(sqlite3_prepare_v2(db, "SELECT body FROM "
		    "checkpoint WHERE epoch = 1", -1, &s, NULL), SQLITE_OK);
		assert_int_equal(sqlite3_step(s), SQLITE_ROW);
		state_seed_keypair(seed, pk, sk);
		/* pk_2, named in ckpt_1, is not the ratchet's. */
		assert_memory_not_equal(pk, (const uint8_t *)sqlite3_column_blob(s,
		    0) + 112, 32);
		sqlite3_finalize(s);
		sqlite3_close(db);
	}
	state_ratchet_seed(seed);
	state_seed_keypair(seed, pk, sk);
	assert_memory_not_equal(pk, ck.body + 112, 32);
	sodium_memzero(sk, sizeof sk);
	sodium_memzero(seed, sizeof seed);
	expect_intact(f);
}

/* A key state in the 136-byte layout written before fresh seeds
 * (VIGKEY1, no pending seed) is still read, and rewritten as VIGKEY2. */
static void
test_state_v1(void **state)
{
	struct auditfx *f = *state;
	uint8_t buf[168], v1[136];
	struct stat sb;
	int fd;

	append_n(f, 2);
	fd = open(f->state, O_RDWR);
	assert_true(fd >= 0);
	assert_int_equal(pread(fd, buf, sizeof buf, 0), 168);
	assert_memory_equal(buf, "VIGKEY2\0", 8);
	memcpy(v1, "VIGKEY1\0", 8);
	memcpy(v1 + 8, buf + 8, 96);		/* up to and with s */
	hash_parts(v1 + 104, NULL, 1, v1, (size_t)104);
	assert_int_equal(ftruncate(fd, 0), 0);
	assert_int_equal(pwrite(fd, v1, sizeof v1, 0), (ssize_t)sizeof v1);
	close(fd);
	append_n(f, 1);
	assert_int_equal(stat(f->state, &sb), 0);
	assert_int_equal(sb.st_size, 168);
	expect_intact(f);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_frontier, setup, teardown),
		cmocka_unit_test_setup_teardown(test_uncovered_entries, setup, teardown),
		cmocka_unit_test_setup_teardown(test_checkpoints_deleted, setup, teardown),
		cmocka_unit_test_setup_teardown(test_checkpoint_entry_uncovered, setup, teardown),
		cmocka_unit_test_setup_teardown(test_heartbeat_entry_uncovered, setup, teardown),
		cmocka_unit_test_setup_teardown(test_forged_state, setup, teardown),
		cmocka_unit_test_setup_teardown(test_planted_objects, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fresh_seeds, setup, teardown),
		cmocka_unit_test_setup_teardown(test_state_v1, setup, teardown),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
