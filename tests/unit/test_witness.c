/* test_witness — checkpoints witnessed off the machine (issue 13, section
 * 3): the witness line each checkpoint sends to a syslog socket, the
 * heartbeat and the stop line, the parser of a collector's lines, and the
 * check of a log against them: a rollback, a rewrite from a copied key
 * state, a replaced log, a fork, a silence, and lines written by anyone
 * that prove nothing. */
#include <sys/socket.h>
#include <sys/un.h>

#include <errno.h>
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

#define MIN_MS		60000LL
#define HEARTBEAT_MS	(5 * MIN_MS)
#define T0		1795000000000LL	/* the collector's clock: 2026-11-17 */

/* The fixture, a syslog socket bound in its folder, and the collector's
 * file the test writes from what arrives there. */
struct wit {
	struct auditfx *f;
	char	 sock[100];
	int	 fd;
	char	 file[160];
	int64_t	 clock;		/* the collector's receive time */
	char	 sender[32];
};

static int
setup(void **state)
{
	struct sockaddr_un sun;
	struct wit *w;
	void *fx;

	if (auditfx_setup(&fx, "witness") != 0)
		return -1;
	w = calloc(1, sizeof *w);
	w->f = fx;
	snprintf(w->sock, sizeof w->sock, "%s/log.sock", w->f->dir);
	snprintf(w->file, sizeof w->file, "%s/127.0.0.1.log", w->f->dir);
	w->clock = T0;
	snprintf(w->sender, sizeof w->sender, "127.0.0.1");
	memset(&sun, 0, sizeof sun);
	sun.sun_family = AF_UNIX;
	snprintf(sun.sun_path, sizeof sun.sun_path, "%s", w->sock);
	w->fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (w->fd == -1 || bind(w->fd, (struct sockaddr *)&sun, sizeof sun) != 0)
		return -1;
	*state = w;
	return 0;
}

static int
teardown(void **state)
{
	struct wit *w = *state;
	void *fx = w->f;

	close(w->fd);
	free(w);
	return auditfx_teardown(&fx);
}

static struct audit_log *
open_log(struct wit *w)
{
	struct audit_log *log = auditfx_open(w->f);

	audit_set_witness_socket(log, w->sock);
	return log;
}

static void
note(struct audit_log *log, const char *text)
{
	struct audit_entry e;
	char details[128], *cause = NULL;

	snprintf(details, sizeof details, "{\"text\":\"%s\"}", text);
	memset(&e, 0, sizeof e);
	e.actor = "alice";
	e.action = "note";
	e.details = details;
	e.terminal = "tty1";
	if (audit_append(log, &e, &cause) < 0)
		fail_msg("append: %s", cause);
}

/* Appends n notes and a checkpoint. */
static int64_t
notes_and_checkpoint(struct audit_log *log, int n, const char *text)
{
	char *cause = NULL;
	int64_t epoch;
	int i;

	for (i = 0; i < n; i++)
		note(log, text);
	if ((epoch = audit_checkpoint(log, &cause)) < 0)
		fail_msg("checkpoint: %s", cause);
	return epoch;
}

/* Moves what arrived on the socket into the collector's file, each line
 * received step ms after the one before; drop discards it instead (the
 * forwarding was down).  Returns the number of lines. */
static int
collect(struct wit *w, int64_t step, int drop)
{
	char buf[4096], when[40];
	const char *tag;
	ssize_t n;
	FILE *f;
	int count = 0;

	f = fopen(w->file, "a");
	assert_non_null(f);
	while ((n = recv(w->fd, buf, sizeof buf - 1, 0)) > 0) {
		buf[n] = '\0';
		assert_int_equal(strncmp(buf, "<", 1), 0);
		tag = strstr(buf, "vigil[");
		assert_non_null(tag);
		w->clock += step;
		if (!drop) {
			clock_format_utc(w->clock, when, sizeof when);
			fprintf(f, "%s %s %s\n", when, w->sender, tag);
		}
		count++;
	}
	fclose(f);
	return count;
}

/* Appends a line to the collector's file as it is. */
static void
inject(struct wit *w, const char *line)
{
	FILE *f = fopen(w->file, "a");

	assert_non_null(f);
	fprintf(f, "%s\n", line);
	fclose(f);
}

static enum audit_witness_fault
check(struct wit *w, struct audit_witness_result *r)
{
	struct audit_witness_opts o;
	const char *files[1] = { w->file };
	char *cause = NULL;

	memset(&o, 0, sizeof o);
	o.log_id = w->f->keys.log_id;
	o.pk0 = w->f->keys.pk0;
	o.heartbeat_ms = HEARTBEAT_MS;
	o.files = files;
	o.nfiles = 1;
	if (audit_witness_check(w->f->db, &o, r, &cause) != 0)
		fail_msg("witness check: %s", cause);
	return r->fault;
}

static int
has_note(const struct audit_witness_result *r, enum audit_witness_note_kind k,
    const char *text)
{
	size_t i;

	for (i = 0; i < r->nnotes; i++)
		if (r->notes[i].kind == k && strstr(r->notes[i].text, text) != NULL)
			return 1;
	return 0;
}

static void
copy_file(const char *from, const char *to)
{
	char cmd[512];

	snprintf(cmd, sizeof cmd, "cp -p '%s' '%s'", from, to);
	assert_int_equal(system(cmd), 0);
}

/* Each checkpoint sends one line in the documented form, which parses
 * back to the checkpoint the log stores. */
static void
test_line_sent(void **state)
{
	struct wit *w = *state;
	struct audit_log *log = open_log(w);
	struct audit_witness_record rec;
	struct audit_ckpt_info ck;
	char buf[4096], line[4200], when[40], why[160], hid[33], *cause = NULL;
	ssize_t n;

	assert_int_equal(notes_and_checkpoint(log, 3, "a"), 0);
	assert_null(audit_witness_failure(log));
	assert_int_equal(audit_checkpoint_latest(log, &ck, &cause), 0);
	n = recv(w->fd, buf, sizeof buf - 1, 0);
	assert_true(n > 0);
	buf[n] = '\0';
	/* authpriv.notice, the tag, then the line. */
	assert_int_equal(strncmp(buf, "<85>", 4), 0);
	assert_non_null(strstr(buf, " vigil["));
	sodium_bin2hex(hid, sizeof hid, w->f->keys.log_id, 16);
	snprintf(line, sizeof line, "]: vigil-witness v1 kind=checkpoint "
	    "log_id=%s epoch=0 n=3 body=", hid);
	assert_non_null(strstr(buf, line));
	clock_format_utc(T0, when, sizeof when);
	snprintf(line, sizeof line, "%s 192.0.2.7 %s", when, strstr(buf, "vigil["));
	assert_int_equal(audit_witness_parse(line, strlen(line), &rec, why,
	    sizeof why), 0);
	assert_int_equal(rec.time_ms, T0);
	assert_string_equal(rec.sender, "192.0.2.7");
	assert_int_equal(rec.kind, AUDIT_WITNESS_CHECKPOINT);
	assert_int_equal(rec.epoch, 0);
	assert_int_equal(rec.n, 3);
	assert_memory_equal(rec.body, ck.body, AUDIT_CKPT_LEN);
	assert_memory_equal(rec.sig, ck.sig, AUDIT_SIG_LEN);

	/* A stop: the entries since are checkpointed first, then a stop
	 * line for that checkpoint. */
	note(log, "b");
	assert_int_equal(audit_witness_stop(log, &cause), 0);
	assert_int_equal(audit_checkpoint_latest(log, &ck, &cause), 0);
	assert_int_equal(ck.epoch, 1);
	n = recv(w->fd, buf, sizeof buf - 1, 0);
	assert_true(n > 0);
	buf[n] = '\0';
	assert_non_null(strstr(buf, "kind=checkpoint"));
	n = recv(w->fd, buf, sizeof buf - 1, 0);
	assert_true(n > 0);
	buf[n] = '\0';
	assert_non_null(strstr(buf, "kind=stop"));
	assert_non_null(strstr(buf, " epoch=1 n=4 "));
	audit_close(log);
}

/* A socket nobody listens on: the checkpoint is made all the same, and
 * the failure is there for the screen. */
static void
test_line_not_sent(void **state)
{
	struct wit *w = *state;
	struct audit_log *log = auditfx_open(w->f);
	char path[200];

	snprintf(path, sizeof path, "%s/nobody.sock", w->f->dir);
	audit_set_witness_socket(log, path);
	assert_int_equal(notes_and_checkpoint(log, 1, "a"), 0);
	assert_non_null(audit_witness_failure(log));
	assert_non_null(strstr(audit_witness_failure(log), "witness line of "
	    "checkpoint 0 not sent: "));
	/* Once it is sent again, the failure is gone. */
	audit_set_witness_socket(log, w->sock);
	assert_int_equal(notes_and_checkpoint(log, 1, "b"), 1);
	assert_null(audit_witness_failure(log));
	audit_close(log);
}

/* The heartbeat, with the clock given: none while a checkpoint is
 * younger than the interval, one when it is older (or the clock went
 * back as far), and of two writers on one log only the first makes it. */
static void
test_heartbeat(void **state)
{
	struct wit *w = *state;
	struct audit_log *log = open_log(w), *other = open_log(w);
	struct audit_ckpt_info ck;
	struct audit_iter *it;
	struct audit_filter flt;
	struct audit_row row;
	char *cause = NULL;
	int64_t now = clock_now_ms();
	int hb = 0, rc;

	/* An empty log has nothing to witness; with no checkpoint, the
	 * interval counts from the first entry. */
	assert_int_equal(audit_heartbeat(log, now, HEARTBEAT_MS, "tty1",
	    &cause), 0);
	note(log, "first");
	assert_int_equal(audit_heartbeat(log, now + HEARTBEAT_MS - 1000,
	    HEARTBEAT_MS, "tty1", &cause), 0);
	assert_int_equal(audit_heartbeat(log, now, HEARTBEAT_MS, "tty1",
	    &cause), 0);
	now += HEARTBEAT_MS + 1000;
	assert_int_equal(audit_heartbeat(log, now, HEARTBEAT_MS, "tty1",
	    &cause), 1);
	assert_int_equal(audit_checkpoint_latest(log, &ck, &cause), 0);
	assert_int_equal(ck.epoch, 0);
	assert_int_equal(ck.n, 2);
	assert_int_equal(audit_heartbeat(log, now + HEARTBEAT_MS - 1000,
	    HEARTBEAT_MS, "tty1", &cause), 0);
	assert_int_equal(audit_heartbeat(other, now + HEARTBEAT_MS + 1000,
	    HEARTBEAT_MS, "tty2", &cause), 1);
	/* The other writer's made it; the first sees it under the lock. */
	assert_int_equal(audit_heartbeat(log, now + HEARTBEAT_MS + 2000,
	    HEARTBEAT_MS, "tty1", &cause), 0);
	assert_int_equal(audit_heartbeat(log, now + 1000, HEARTBEAT_MS, "tty1",
	    &cause), 1);
	assert_int_equal(audit_checkpoint_latest(log, &ck, &cause), 0);
	assert_int_equal(ck.epoch, 2);
	assert_int_equal(ck.n, 4);
	memset(&flt, 0, sizeof flt);
	flt.action = "heartbeat";
	flt.after_seq = -1;
	it = audit_iter_new(log, &flt, &cause);
	assert_non_null(it);
	while ((rc = audit_iter_next(it, &row, &cause)) == 1) {
		assert_string_equal(row.actor, "vigil");
		assert_string_equal(row.details, "{\"interval_s\":300}");
		hb++;
	}
	assert_int_equal(rc, 0);
	audit_iter_free(it);
	assert_int_equal(hb, 3);
	/* Each heartbeat went out as a witness line. */
	assert_int_equal(collect(w, MIN_MS, 0), 3);
	audit_close(other);
	audit_close(log);
}

/* The parser: what it takes and what it refuses. */
static void
test_parse(void **state)
{
	struct wit *w = *state;
	struct audit_log *log = open_log(w);
	struct audit_witness_record rec;
	char good[4200], bad[4200], why[160], *p;
	FILE *f;
	size_t i;
	static const struct { const char *from, *to; } edits[] = {
		{ "kind=checkpoint", "kind=start" },
		{ " v1 ", " v2 " },
		{ "epoch=0", "epoch=00" },
		{ "epoch=0", "epoch=1" },
		{ "n=2", "n=3" },
		{ "n=2", "n=99999999999999999999" },
		{ " sig=", " sig=A" },
		{ "log_id=", "log_id=0" },
		{ "Z 127.0.0.1", " 127.0.0.1" },
		{ ".000Z", ".000" },
		{ "kind=checkpoint log_id", "log_id" },
		{ ".000Z 127", ".000+0100 127" },	/* RFC 3339: +01:00 */
		{ "T", " " },
	};

	assert_int_equal(notes_and_checkpoint(log, 2, "a"), 0);
	audit_close(log);
	assert_int_equal(collect(w, 0, 0), 1);
	f = fopen(w->file, "r");
	assert_non_null(fgets(good, sizeof good, f));
	fclose(f);
	assert_int_equal(audit_witness_parse(good, strlen(good), &rec, why,
	    sizeof why), 0);
	/* Lines of other programs are not witness lines. */
	assert_int_equal(audit_witness_parse("2026-12-01T00:00:00Z 10.0.0.1 "
	    "sudo: x", 36, &rec, why, sizeof why), 1);
	assert_int_equal(audit_witness_parse("", 0, &rec, why, sizeof why), 1);
	for (i = 0; i < sizeof edits / sizeof edits[0]; i++) {
		p = strstr(good, edits[i].from);
		assert_non_null(p);
		snprintf(bad, sizeof bad, "%.*s%s%s", (int)(p - good), good,
		    edits[i].to, p + strlen(edits[i].from));
		if (audit_witness_parse(bad, strlen(bad), &rec, why,
		    sizeof why) != -1)
			fail_msg("accepted with %s: %s", edits[i].to, bad);
		assert_true(why[0] != '\0');
	}
	/* T and Z may be lower case (RFC 3339 5.6), and spaces may follow;
	 * a tab or a CR may not. */
	memcpy(bad, good, strlen(good) + 1);
	bad[10] = 't';
	bad[strcspn(bad, " ") - 1] = 'z';
	assert_int_equal(audit_witness_parse(bad, strlen(bad), &rec, why,
	    sizeof why), 0);
	snprintf(bad, sizeof bad, "%.*s   \n", (int)strcspn(good, "\n"), good);
	assert_int_equal(audit_witness_parse(bad, strlen(bad), &rec, why,
	    sizeof why), 0);
	snprintf(bad, sizeof bad, "%.*s\t", (int)strcspn(good, "\n"), good);
	assert_int_equal(audit_witness_parse(bad, strlen(bad), &rec, why,
	    sizeof why), -1);
	snprintf(bad, sizeof bad, "%.*s\r\n", (int)strcspn(good, "\n"), good);
	assert_int_equal(audit_witness_parse(bad, strlen(bad), &rec, why,
	    sizeof why), -1);
	/* Text after the signature, a cut line, a NUL inside. */
	snprintf(bad, sizeof bad, "%.*s extra", (int)strcspn(good, "\n"), good);
	assert_int_equal(audit_witness_parse(bad, strlen(bad), &rec, why,
	    sizeof why), -1);
	assert_int_equal(audit_witness_parse(good, strlen(good) - 20, &rec, why,
	    sizeof why), -1);
	memcpy(bad, good, strlen(good) + 1);
	bad[30] = '\0';
	assert_int_equal(audit_witness_parse(bad, strlen(good), &rec, why,
	    sizeof why), -1);
}

/* An untouched log, its lines received every few minutes: witnessed,
 * with what the newest line does not cover said as a window. */
static void
test_intact(void **state)
{
	struct wit *w = *state;
	struct audit_log *log = open_log(w);
	struct audit_witness_result r;
	int i;

	for (i = 0; i < 5; i++)
		notes_and_checkpoint(log, 3, "a");
	collect(w, 4 * MIN_MS, 0);
	note(log, "uncovered");
	audit_close(log);
	assert_int_equal(check(w, &r), AUDIT_WITNESS_OK);
	assert_int_equal(r.verified, 5);
	assert_int_equal(r.unauthenticated, 0);
	assert_int_equal(r.newest_epoch, 4);
	assert_int_equal(r.senders, 1);
	assert_true(has_note(&r, AUDIT_WITNESS_NOTE_WINDOW, "entries 15 to 15"));
	audit_witness_result_free(&r);
}

/* A copy of the log and its key state restored after later checkpoints
 * were witnessed: consistent, signed and MAC'ed, and caught by the
 * witness only. */
static void
test_rollback(void **state)
{
	struct wit *w = *state;
	struct audit_log *log = open_log(w);
	struct audit_witness_result r;
	char db2[200], st2[200];

	notes_and_checkpoint(log, 3, "a");
	notes_and_checkpoint(log, 3, "b");
	audit_close(log);
	snprintf(db2, sizeof db2, "%s.copy", w->f->db);
	snprintf(st2, sizeof st2, "%s.copy", w->f->state);
	copy_file(w->f->db, db2);
	copy_file(w->f->state, st2);
	log = open_log(w);
	notes_and_checkpoint(log, 3, "c");
	notes_and_checkpoint(log, 3, "d");
	audit_close(log);
	collect(w, 3 * MIN_MS, 0);
	assert_int_equal(check(w, &r), AUDIT_WITNESS_OK);
	audit_witness_result_free(&r);
	rename(db2, w->f->db);
	rename(st2, w->f->state);
	log = open_log(w);
	audit_close(log);
	assert_int_equal(check(w, &r), AUDIT_WITNESS_ROLLBACK);
	assert_true(has_note(&r, AUDIT_WITNESS_NOTE_FAIL, "checkpoint 2 over 9 "
	    "entries"));
	assert_true(has_note(&r, AUDIT_WITNESS_NOTE_FAIL, "rolled back or cut "
	    "off"));
	audit_witness_result_free(&r);

	/* Going on from the restored copy: the new checkpoints are signed
	 * (the copy holds their keys), and the log now holds checkpoint 2
	 * differently from the witnessed one; its lines make a fork. */
	log = open_log(w);
	notes_and_checkpoint(log, 3, "x");
	notes_and_checkpoint(log, 3, "y");
	notes_and_checkpoint(log, 3, "z");
	audit_close(log);
	collect(w, 3 * MIN_MS, 0);
	assert_int_equal(check(w, &r), AUDIT_WITNESS_REWRITTEN);
	assert_true(has_note(&r, AUDIT_WITNESS_NOTE_FAIL, "holds checkpoint 2 "
	    "differently"));
	assert_true(has_note(&r, AUDIT_WITNESS_NOTE_FAIL, "checkpoints 2 were "
	    "signed"));
	audit_witness_result_free(&r);
}

/* A nightly copy of the key state alone: whoever holds it rewrites the
 * entries after it and signs a checkpoint over them with the key of that
 * epoch, which verifies with pk0; the witnessed checkpoint shows it. */
static void
test_rewrite_from_state_copy(void **state)
{
	struct wit *w = *state;
	struct audit_log *log = open_log(w);
	struct audit_witness_result r;
	struct audit_verify_result vr;
	struct audit_verify_opts vo;
	char st2[200], db2[200], *cause = NULL;

	notes_and_checkpoint(log, 2, "a");
	audit_close(log);
	snprintf(st2, sizeof st2, "%s.backup", w->f->state);
	snprintf(db2, sizeof db2, "%s.backup", w->f->db);
	copy_file(w->f->state, st2);
	copy_file(w->f->db, db2);
	log = open_log(w);
	notes_and_checkpoint(log, 2, "the truth");
	audit_close(log);
	collect(w, MIN_MS, 0);
	/* The rewrite: the database as it was, then other entries. */
	rename(db2, w->f->db);
	rename(st2, w->f->state);
	log = auditfx_open(w->f);	/* no witness line from the forger */
	audit_set_witness_socket(log, NULL);
	notes_and_checkpoint(log, 2, "a lie");
	audit_close(log);
	memset(&vo, 0, sizeof vo);
	vo.k0 = w->f->keys.k0;
	vo.pk0 = w->f->keys.pk0;
	vo.log_id = w->f->keys.log_id;
	assert_int_equal(audit_verify(w->f->db, &vo, &vr, &cause), 0);
	assert_int_equal(vr.fault, AUDIT_OK);	/* k0 and pk0 cannot tell */
	assert_int_equal(check(w, &r), AUDIT_WITNESS_REWRITTEN);
	audit_witness_result_free(&r);
}

/* Lines anyone can write (logger): unsigned or signed by another key,
 * they are unauthenticated, neither a fork nor coverage; a forged line
 * for the epoch a rollback removed does not hide it. */
static void
test_injected(void **state)
{
	struct wit *w = *state;
	struct audit_log *log = open_log(w);
	struct audit_witness_result r;
	struct audit_witness_record rec;
	uint8_t pk[32], sk[64], body[AUDIT_CKPT_LEN], sig[AUDIT_SIG_LEN];
	char line[AUDIT_WITNESS_LINE_MAX], text[AUDIT_WITNESS_LINE_MAX + 64];
	char when[40], last[4200], why[160];
	FILE *f;

	notes_and_checkpoint(log, 2, "a");
	notes_and_checkpoint(log, 2, "b");
	audit_close(log);
	collect(w, MIN_MS, 0);
	f = fopen(w->file, "r");
	while (fgets(last, sizeof last, f) != NULL)
		;
	fclose(f);
	assert_int_equal(audit_witness_parse(last, strlen(last), &rec, why,
	    sizeof why), 0);
	/* Epoch 1 again, with another root, signed by a key of one's own. */
	memcpy(body, rec.body, sizeof body);
	body[40] ^= 1;
	crypto_sign_keypair(pk, sk);
	crypto_sign_detached(sig, NULL, body, sizeof body, sk);
	assert_int_equal(witness_line(line, sizeof line, AUDIT_WITNESS_CHECKPOINT,
	    body, sig), 0);
	clock_format_utc(w->clock + MIN_MS, when, sizeof when);
	snprintf(text, sizeof text, "%s 127.0.0.1 logger: %s", when, line);
	inject(w, text);
	/* Epoch 2, the one the log would need for coverage. */
	be64_put(body + 24, 2);
	crypto_sign_detached(sig, NULL, body, sizeof body, sk);
	assert_int_equal(witness_line(line, sizeof line, AUDIT_WITNESS_CHECKPOINT,
	    body, sig), 0);
	snprintf(text, sizeof text, "%s 127.0.0.1 logger: %s", when, line);
	inject(w, text);
	inject(w, "2026-12-01T00:00:00Z 127.0.0.1 logger: vigil-witness v1 "
	    "kind=checkpoint log_id=zz");
	assert_int_equal(check(w, &r), AUDIT_WITNESS_OK);
	assert_int_equal(r.verified, 2);
	assert_int_equal(r.unauthenticated, 3);
	assert_int_equal(r.newest_epoch, 1);
	assert_true(has_note(&r, AUDIT_WITNESS_NOTE_UNAUTH, "does not verify"));
	assert_true(has_note(&r, AUDIT_WITNESS_NOTE_UNAUTH, "malformed"));
	audit_witness_result_free(&r);
	explicit_bzero(sk, sizeof sk);
}

/* Lines anyone can write, by the hundred, do not crowd a failure out of
 * what is shown: every fault found has its note. */
static void
test_crowded(void **state)
{
	struct wit *w = *state;
	struct audit_log *log = open_log(w);
	struct audit_witness_result r;
	struct audit_witness_record rec;
	char line[AUDIT_WITNESS_LINE_MAX], text[AUDIT_WITNESS_LINE_MAX + 64];
	char first[4200], when[40], why[160], db2[200], st2[200];
	FILE *f;
	int i;

	notes_and_checkpoint(log, 1, "a");
	audit_close(log);
	snprintf(db2, sizeof db2, "%s.copy", w->f->db);
	snprintf(st2, sizeof st2, "%s.copy", w->f->state);
	copy_file(w->f->db, db2);
	copy_file(w->f->state, st2);
	log = open_log(w);
	notes_and_checkpoint(log, 1, "b");
	audit_close(log);
	collect(w, MIN_MS, 0);
	f = fopen(w->file, "r");
	assert_non_null(fgets(first, sizeof first, f));
	fclose(f);
	assert_int_equal(audit_witness_parse(first, strlen(first), &rec, why,
	    sizeof why), 0);
	/* 250 forged copies of checkpoint 0, before the real lines. */
	for (i = 0; i < 250; i++) {
		rec.sig[0] = (uint8_t)i;
		rec.sig[1] = (uint8_t)(i >> 8) ^ 0x55;
		assert_int_equal(witness_line(line, sizeof line,
		    AUDIT_WITNESS_CHECKPOINT, rec.body, rec.sig), 0);
		clock_format_utc(T0 - 1000 + i, when, sizeof when);
		snprintf(text, sizeof text, "%s 127.0.0.1 logger: %s", when, line);
		inject(w, text);
	}
	rename(db2, w->f->db);
	rename(st2, w->f->state);
	assert_int_equal(check(w, &r), AUDIT_WITNESS_ROLLBACK);
	assert_int_equal(r.unauthenticated, 250);
	assert_true(has_note(&r, AUDIT_WITNESS_NOTE_FAIL, "checkpoint 1 over"));
	assert_true(r.omitted >= 150);
	audit_witness_result_free(&r);
}

/* Another log from the same sender after this log's last line: the log
 * was replaced by a fresh one. */
static void
test_replaced(void **state)
{
	struct wit *w = *state;
	struct audit_log *log = open_log(w), *fresh;
	struct audit_witness_result r;
	struct audit_keys k2;
	char db2[200], st2[200], *cause = NULL;

	notes_and_checkpoint(log, 2, "a");
	assert_int_equal(audit_witness_stop(log, &cause), 0);
	audit_close(log);
	collect(w, MIN_MS, 0);
	snprintf(db2, sizeof db2, "%s/fresh.db", w->f->dir);
	snprintf(st2, sizeof st2, "%s/fresh.state", w->f->dir);
	assert_int_equal(audit_create(db2, st2, &k2, &cause), 0);
	fresh = audit_open(db2, st2, 0, &cause);
	assert_non_null(fresh);
	audit_set_witness_socket(fresh, w->sock);
	notes_and_checkpoint(fresh, 2, "a");
	audit_close(fresh);
	/* Lines of the fresh log from another sender are no concern. */
	snprintf(w->sender, sizeof w->sender, "10.1.2.3");
	collect(w, MIN_MS, 0);
	assert_int_equal(check(w, &r), AUDIT_WITNESS_OK);
	assert_int_equal(r.other_log, 1);
	audit_witness_result_free(&r);
	/* From this log's own sender, after its stop, they are. */
	fresh = audit_open(db2, st2, 0, &cause);
	audit_set_witness_socket(fresh, w->sock);
	notes_and_checkpoint(fresh, 2, "b");
	audit_close(fresh);
	snprintf(w->sender, sizeof w->sender, "127.0.0.1");
	collect(w, MIN_MS, 0);
	assert_int_equal(check(w, &r), AUDIT_WITNESS_REPLACED);
	assert_true(has_note(&r, AUDIT_WITNESS_NOTE_FAIL, "127.0.0.1 sent a "
	    "line of another log"));
	audit_witness_result_free(&r);
	/* Seen from the fresh log (its own identity, as a rewritten pin
	 * would give): witnessed, but said to have taken another's place. */
	{
		struct audit_witness_opts o;
		const char *files[1] = { w->file };

		memset(&o, 0, sizeof o);
		o.log_id = k2.log_id;
		o.pk0 = k2.pk0;
		o.heartbeat_ms = HEARTBEAT_MS;
		o.files = files;
		o.nfiles = 1;
		assert_int_equal(audit_witness_check(db2, &o, &r, &cause), 0);
		assert_int_equal(r.fault, AUDIT_WITNESS_OK);
		assert_true(has_note(&r, AUDIT_WITNESS_NOTE_INFO, "this log "
		    "took its place"));
		audit_witness_result_free(&r);
	}
	sodium_memzero(&k2, sizeof k2);
}

/* A silence longer than twice the heartbeat: a failure unless a stop
 * came before it (then a window), and lines lost while forwarding was
 * down show as checkpoints not witnessed. */
static void
test_silence(void **state)
{
	struct wit *w = *state;
	struct audit_log *log = open_log(w);
	struct audit_witness_result r;
	char *cause = NULL;

	notes_and_checkpoint(log, 1, "a");
	assert_int_equal(audit_witness_stop(log, &cause), 0);
	collect(w, MIN_MS, 0);
	w->clock += 3 * HEARTBEAT_MS;		/* switched off, cleanly */
	notes_and_checkpoint(log, 1, "b");
	collect(w, MIN_MS, 0);
	assert_int_equal(check(w, &r), AUDIT_WITNESS_OK);
	assert_true(has_note(&r, AUDIT_WITNESS_NOTE_WINDOW, "after a clean "
	    "stop"));
	audit_witness_result_free(&r);

	/* Forwarding down for a while: two checkpoints never arrive. */
	notes_and_checkpoint(log, 1, "c");
	notes_and_checkpoint(log, 1, "d");
	collect(w, 2 * HEARTBEAT_MS, 1);
	notes_and_checkpoint(log, 1, "e");
	collect(w, MIN_MS, 0);
	audit_close(log);
	assert_int_equal(check(w, &r), AUDIT_WITNESS_SILENCE);
	assert_true(has_note(&r, AUDIT_WITNESS_NOTE_FAIL, "with no stop before "
	    "it"));
	assert_true(has_note(&r, AUDIT_WITNESS_NOTE_WINDOW, "checkpoints 2 to 3 "
	    "not witnessed"));
	audit_witness_result_free(&r);
}

/* Three writers on one log (three terminals) with their lines mixed, and
 * another machine's log in the same file: witnessed. */
static void
test_mixed(void **state)
{
	struct wit *w = *state;
	struct audit_log *t[3], *other;
	struct audit_witness_result r;
	struct audit_keys k2;
	char db2[200], st2[200], *cause = NULL;
	int i, round;

	snprintf(db2, sizeof db2, "%s/other.db", w->f->dir);
	snprintf(st2, sizeof st2, "%s/other.state", w->f->dir);
	assert_int_equal(audit_create(db2, st2, &k2, &cause), 0);
	other = audit_open(db2, st2, 0, &cause);
	audit_set_witness_socket(other, w->sock);
	for (i = 0; i < 3; i++)
		t[i] = open_log(w);
	for (round = 0; round < 4; round++) {
		for (i = 0; i < 3; i++) {
			snprintf(w->sender, sizeof w->sender, "127.0.0.1");
			notes_and_checkpoint(t[i], 1, "x");
			collect(w, MIN_MS, 0);
		}
		snprintf(w->sender, sizeof w->sender, "198.51.100.9");
		notes_and_checkpoint(other, 1, "y");
		collect(w, 10, 0);
	}
	snprintf(w->sender, sizeof w->sender, "127.0.0.1");
	assert_int_equal(audit_witness_stop(t[1], &cause), 0);
	collect(w, MIN_MS, 0);
	for (i = 0; i < 3; i++)
		audit_close(t[i]);
	audit_close(other);
	assert_int_equal(check(w, &r), AUDIT_WITNESS_OK);
	assert_int_equal(r.verified, 13);
	assert_int_equal(r.other_log, 4);
	assert_int_equal(r.newest_epoch, 11);
	assert_int_equal(r.failures, 0);
	audit_witness_result_free(&r);
	sodium_memzero(&k2, sizeof k2);
}

/* Nothing of the log in the file: not witnessed. */
static void
test_none(void **state)
{
	struct wit *w = *state;
	struct audit_log *log = auditfx_open(w->f);
	struct audit_witness_result r;

	notes_and_checkpoint(log, 1, "a");
	audit_close(log);
	inject(w, "2026-12-01T00:00:00Z 127.0.0.1 sshd[1]: something else");
	assert_int_equal(check(w, &r), AUDIT_WITNESS_NONE);
	assert_int_equal(r.ignored, 1);
	audit_witness_result_free(&r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_line_sent, setup, teardown),
		cmocka_unit_test_setup_teardown(test_line_not_sent, setup, teardown),
		cmocka_unit_test_setup_teardown(test_heartbeat, setup, teardown),
		cmocka_unit_test_setup_teardown(test_parse, setup, teardown),
		cmocka_unit_test_setup_teardown(test_intact, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rollback, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rewrite_from_state_copy,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_injected, setup, teardown),
		cmocka_unit_test_setup_teardown(test_crowded, setup, teardown),
		cmocka_unit_test_setup_teardown(test_replaced, setup, teardown),
		cmocka_unit_test_setup_teardown(test_silence, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mixed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_none, setup, teardown),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
