/* fuzz_witness — a log collector's file of witness lines (audit/witness.c
 * audit_witness_parse(), audit/witcheck.c audit_witness_check()): anyone
 * on the recorder PC can write such a line with logger(1), so each input
 * is a whole collector file.  Every line is parsed: no crash or leak, a
 * refusal always says why, and an accepted line written back the way vigil
 * writes it parses to the same record.  The whole file is then checked
 * against a small log made at start (with a fixed random source, so its
 * keys are the same on every run): the counts add up and a failure is
 * named exactly when there is one. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "audit/audit.h"
#include "audit/audit_int.h"
#include "fuzz/fuzz.h"
#include "util/util.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct fuzz_file in;
static char *db;
static struct audit_keys keys;
static uint64_t rng_counter;

/* A fixed random source (libsodium's deterministic generator with a
 * counter as nonce): the log's keys and seeds are the same on every
 * run. */
static const char *
fuzz_rng_name(void)
{
	return "fuzz_witness";
}

static uint32_t
fuzz_rng_random(void)
{
	uint32_t v;

	randombytes_buf(&v, sizeof v);
	return v;
}

static void
fuzz_rng_buf(void *buf, size_t size)
{
	static const uint8_t seed[randombytes_SEEDBYTES] = { 'v', 'i', 'g' };
	uint8_t nonce[randombytes_SEEDBYTES];

	/* randombytes_buf_deterministic() takes the seed alone: the
	 * counter is folded into it. */
	memcpy(nonce, seed, sizeof nonce);
	memcpy(nonce + 16, &rng_counter, sizeof rng_counter);
	rng_counter++;
	randombytes_buf_deterministic(buf, size, nonce);
}

static struct randombytes_implementation fuzz_rng = {
	.implementation_name = fuzz_rng_name,
	.random = fuzz_rng_random,
	.stir = NULL,
	.uniform = NULL,
	.buf = fuzz_rng_buf,
	.close = NULL,
};

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct audit_log *log;
	struct audit_entry e;
	char *state, *cause = NULL;
	int i;

	(void)argc;
	(void)argv;
	fuzz_init();
	randombytes_set_implementation(&fuzz_rng);
	if (sodium_init() < 0)
		abort();
	fuzz_file_open(&in, "collector.log", 0600);
	db = fuzz_path("audit.db");
	state = fuzz_path("audit.state");
	if (audit_create(db, state, &keys, &cause) != 0 ||
	    (log = audit_open(db, state, 0, &cause)) == NULL) {
		fprintf(stderr, "fuzz_witness: %s\n", cause);
		abort();
	}
	audit_set_witness_socket(log, NULL);
	memset(&e, 0, sizeof e);
	e.actor = "fuzz";
	e.action = "note";
	e.time_ms = 1795000000000LL;
	for (i = 0; i < 3; i++) {
		if (audit_append(log, &e, &cause) < 0 ||
		    audit_checkpoint(log, &cause) < 0) {
			fprintf(stderr, "fuzz_witness: %s\n", cause);
			abort();
		}
	}
	audit_close(log);
	free(state);
	return 0;
}

/* Parses one line; an accepted one must survive vigil's own writing. */
static void
fuzz_line(const char *line, size_t len)
{
	struct audit_witness_record w, back;
	char why[160], text[AUDIT_WITNESS_LINE_MAX], again[2 * AUDIT_WITNESS_LINE_MAX];
	char when[40];
	int rc;

	rc = audit_witness_parse(line, len, &w, why, sizeof why);
	if (rc == -1 && why[0] == '\0') {
		fprintf(stderr, "fuzz_witness: a refusal without a reason\n");
		abort();
	}
	if (rc != 0)
		return;
	if (witness_line(text, sizeof text, w.kind, w.body, w.sig) != 0) {
		fprintf(stderr, "fuzz_witness: an accepted line cannot be "
		    "written back\n");
		abort();
	}
	snprintf(again, sizeof again, "%s %s vigil[1]: %s",
	    clock_format_utc(w.time_ms, when, sizeof when), w.sender, text);
	if (audit_witness_parse(again, strlen(again), &back, why,
	    sizeof why) != 0 || back.time_ms != w.time_ms ||
	    strcmp(back.sender, w.sender) != 0 || back.kind != w.kind ||
	    back.epoch != w.epoch || back.n != w.n ||
	    memcmp(back.log_id, w.log_id, sizeof w.log_id) != 0 ||
	    memcmp(back.body, w.body, sizeof w.body) != 0 ||
	    memcmp(back.sig, w.sig, sizeof w.sig) != 0) {
		fprintf(stderr, "fuzz_witness: a line written back reads "
		    "differently: %s\n", again);
		abort();
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct audit_witness_opts o;
	struct audit_witness_result r;
	const char *files[1], *p = (const char *)data, *end = p + size, *nl;
	char *cause = NULL;
	size_t i;

	for (; p < end; p = nl + 1) {
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			nl = end;
		fuzz_line(p, (size_t)(nl - p));
	}

	fuzz_file_put(&in, data, size);
	files[0] = in.path;
	memset(&o, 0, sizeof o);
	o.log_id = keys.log_id;
	o.pk0 = keys.pk0;
	o.heartbeat_ms = 300000;
	o.files = files;
	o.nfiles = 1;
	if (audit_witness_check(db, &o, &r, &cause) != 0) {
		fprintf(stderr, "fuzz_witness: the check failed: %s\n", cause);
		abort();
	}
	if (r.verified > r.ours || r.ignored > r.records ||
	    r.ours + r.other_log > r.records ||
	    (r.verified == 0) != (r.fault == AUDIT_WITNESS_NONE) ||
	    (r.fault == AUDIT_WITNESS_OK) != (r.failures == 0) ||
	    r.nnotes > 200) {
		fprintf(stderr, "fuzz_witness: the counts do not add up\n");
		abort();
	}
	for (i = 0; i < r.nnotes; i++)
		if (r.notes[i].text[0] == '\0') {
			fprintf(stderr, "fuzz_witness: a note without text\n");
			abort();
		}
	audit_witness_result_free(&r);
	return 0;
}
