/* cmd_catalog — vigil catalog: scan the recorder and show what the
 * catalog holds (names, times, sizes: no footage is decoded). */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "audit/audit.h"
#include "config/config.h"
#include "session/session.h"
#include "footage/footage.h"
#include "cli/cli.h"
#include "util/util.h"

static const char cmd_catalog_usage[] =
"usage: vigil catalog scan [--full] [--no-probe] [--quiet]\n"
"       vigil catalog status\n"
"       vigil catalog cameras\n"
"       vigil catalog days CAMERA\n"
"       vigil catalog ls CAMERA [--day YYYY-MM-DD | --from T --to T] [--all]\n"
"       vigil catalog coverage CAMERA --day YYYY-MM-DD | --from T --to T\n"
"       vigil catalog range CAMERA --from T --to T\n"
"       vigil catalog overdue [--list]\n"
"\n"
"The recorder, pattern and catalog database come from [paths] in\n"
"vigil.conf. Times are YYYY-MM-DD[THH:MM[:SS]], local time unless followed\n"
"by Z or an offset; days are local days. See vigil(1).\n";

enum { OPT_NO_PROBE = 256, OPT_FULL, OPT_QUIET, OPT_DAY, OPT_FROM, OPT_TO, OPT_ALL,
    OPT_LIST, OPT_HELP };

static const struct option cmd_catalog_options[] = {
	{ "no-probe", no_argument, NULL, OPT_NO_PROBE },
	{ "full", no_argument, NULL, OPT_FULL },
	{ "quiet", no_argument, NULL, OPT_QUIET },
	{ "day", required_argument, NULL, OPT_DAY },
	{ "from", required_argument, NULL, OPT_FROM },
	{ "to", required_argument, NULL, OPT_TO },
	{ "all", no_argument, NULL, OPT_ALL },
	{ "list", no_argument, NULL, OPT_LIST },
	{ "help", no_argument, NULL, OPT_HELP },
	{ NULL, 0, NULL, 0 }
};

struct catalog_args {
	const char	*config;
	int		 no_probe;
	int		 full;
	int		 quiet;
	int		 all;
	int		 list;
	int		 have_from, have_to;
	int64_t		 from, to;
	const char	*camera;
};

/* Formats ms as local ISO 8601 into a static buffer (two at a time). */
static const char *
cmd_catalog_time(int64_t ms)
{
	static char buf[2][40];
	static int i;

	i = !i;
	return clock_format_local(ms, buf[i], sizeof buf[i]);
}

/* Formats a length in ms as seconds with three decimals, "-" if unknown. */
static const char *
cmd_catalog_secs(int64_t ms)
{
	static char buf[2][32];
	static int i;

	i = !i;
	if (ms < 0)
		return "-";
	snprintf(buf[i], sizeof buf[i], "%lld.%03lld", (long long)(ms / 1000),
	    (long long)(ms % 1000));
	return buf[i];
}

/* Sets [from, to) to the local day YYYY-MM-DD. */
static int
cmd_catalog_day(const char *day, int64_t *from, int64_t *to)
{
	struct tm tm;
	time_t t;
	char next[48];

	if (strlen(day) != 10 || clock_parse(day, 1, from) == -1)
		return -1;
	memset(&tm, 0, sizeof tm);
	if (sscanf(day, "%4d-%2d-%2d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday) != 3)
		return -1;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	tm.tm_mday += 1;
	tm.tm_hour = 12;
	if ((t = timegm(&tm)) == (time_t)-1 || gmtime_r(&t, &tm) == NULL)
		return -1;
	snprintf(next, sizeof next, "%04d-%02d-%02d", tm.tm_year + 1900,
	    tm.tm_mon + 1, tm.tm_mday);
	return clock_parse(next, 1, to);
}

/* Parses the options and the camera argument (when want_camera). */
static int
cmd_catalog_parse(int argc, char **argv, struct catalog_args *a, int want_camera)
{
	int ch;

	optind = 1;
	while ((ch = getopt_long(argc, argv, "q", cmd_catalog_options, NULL)) != -1) {
		switch (ch) {
		case OPT_NO_PROBE:
			a->no_probe = 1;
			break;
		case OPT_FULL:
			a->full = 1;
			break;
		case 'q':
		case OPT_QUIET:
			a->quiet = 1;
			break;
		case OPT_DAY:
			if (cmd_catalog_day(optarg, &a->from, &a->to) == -1) {
				fprintf(stderr, "vigil catalog: bad day '%s'; expected "
				    "YYYY-MM-DD\n", optarg);
				return 2;
			}
			a->have_from = a->have_to = 1;
			break;
		case OPT_FROM:
		case OPT_TO:
			if (clock_parse(optarg, 1, ch == OPT_FROM ? &a->from : &a->to) == -1) {
				fprintf(stderr, "vigil catalog: bad time '%s'; expected "
				    "YYYY-MM-DD[THH:MM[:SS]]\n", optarg);
				return 2;
			}
			if (ch == OPT_FROM)
				a->have_from = 1;
			else
				a->have_to = 1;
			break;
		case OPT_ALL:
			a->all = 1;
			break;
		case OPT_LIST:
			a->list = 1;
			break;
		case OPT_HELP:
			fputs(cmd_catalog_usage, stdout);
			return 0;
		default:
			fputs(cmd_catalog_usage, stderr);
			return 2;
		}
	}
	if (want_camera) {
		if (optind + 1 != argc) {
			fprintf(stderr, "vigil catalog %s: expected one CAMERA\n", argv[0]);
			return 2;
		}
		a->camera = argv[optind];
	} else if (optind != argc) {
		fputs(cmd_catalog_usage, stderr);
		return 2;
	}
	if (a->have_from && a->have_to && a->from >= a->to) {
		fprintf(stderr, "vigil catalog: --from must be before --to\n");
		return 2;
	}
	return -1;
}

/* Loads the configuration and opens the catalog it names. */
static int
cmd_catalog_start(const char *path, struct config **cfg, struct catalog **cat)
{
	char *cause = NULL;
	int rc;

	if ((rc = config_load(path, cfg, &cause)) != 0) {
		fprintf(stderr, "%s\n", cause);
		free(cause);
		return rc == CONFIG_ERR_INVALID ? 1 : 2;
	}
	if ((*cat = start_catalog(*cfg, &cause)) == NULL) {
		fprintf(stderr, "vigil: %s\n", cause);
		free(cause);
		config_free(*cfg);
		return 2;
	}
	return 0;
}

/* 1 when the catalog knows camera (with footage not gone); otherwise
 * says so on stderr and returns 0. */
static int
cmd_catalog_known(struct catalog *cat, const char *camera)
{
	struct catalog_camera *v;
	char *cause = NULL, *shown;
	size_t n, i;
	int found = 0;

	if (catalog_cameras(cat, &v, &n, &cause) == -1) {
		fprintf(stderr, "vigil: %s\n", cause);
		free(cause);
		return 0;
	}
	for (i = 0; i < n && !found; i++)
		found = strcmp(v[i].name, camera) == 0;
	catalog_cameras_free(v, n);
	if (!found) {
		shown = utf8_sanitize(camera, strlen(camera));
		fprintf(stderr, "vigil: no camera '%s' in the catalog; 'vigil catalog "
		    "cameras' lists them\n", shown);
		free(shown);
	}
	return found;
}

/* Warns on stderr when the catalog is stale. */
static void
cmd_catalog_warn_stale(struct catalog *cat)
{
	struct catalog_state st;
	char *cause = NULL;

	if (catalog_state(cat, &st, &cause) == -1) {
		fprintf(stderr, "vigil: %s\n", cause);
		free(cause);
		return;
	}
	if (st.stale)
		fprintf(stderr, "vigil: warning: the catalog is stale: %s\n",
		    st.stale_reason);
}

/* Logs config-loaded when the configured audit log exists. */
static void
cmd_catalog_log_config(const struct config *cfg)
{
	struct audit_log *log;
	char *cause = NULL, *actor;

	if (access(config_audit_db(cfg), F_OK) == -1)
		return;
	if ((log = audit_open(config_audit_db(cfg), config_audit_state(cfg), 0,
	    &cause)) == NULL) {
		fprintf(stderr, "vigil: audit log: %s; scanning without logging "
		    "config-loaded\n", cause);
		free(cause);
		return;
	}
	logconf_apply(cfg, log);
	actor = user_name_self();
	if (logconf_record(cfg, log, actor, &cause) == -1) {
		fprintf(stderr, "vigil: audit log: %s; scanning without logging "
		    "config-loaded\n", cause);
		free(cause);
	}
	free(actor);
	audit_close(log);
}

/* Probes every pending segment, showing progress on a terminal. */
static int
cmd_catalog_probe_all(struct catalog *cat, int quiet)
{
	char *cause = NULL;
	int64_t done = 0, n, left = 0;
	int tty = !quiet && isatty(STDERR_FILENO);

	for (;;) {
		if ((n = catalog_probe(cat, 50, &left, &cause)) == -1) {
			fprintf(stderr, "%svigil: %s\n", tty ? "\n" : "", cause);
			free(cause);
			return -1;
		}
		done += n;
		if (tty && (n > 0 || done > 0))
			fprintf(stderr, "\rreading containers: %lld done, %lld left   ",
			    (long long)done, (long long)left);
		if (n == 0 || left == 0)
			break;
	}
	if (tty && done > 0)
		fputc('\n', stderr);
	if (!quiet)
		printf("read %lld container%s\n", (long long)done, done == 1 ? "" : "s");
	return 0;
}

/* vigil catalog scan. */
static int
cmd_catalog_scan(struct catalog_args *a)
{
	struct config *cfg;
	struct catalog *cat;
	struct catalog_scan_report r;
	struct catalog_state st;
	char *cause = NULL;
	size_t i;
	int rc, ret;

	if ((rc = cmd_catalog_start(a->config, &cfg, &cat)) != 0)
		return rc;
	cmd_catalog_log_config(cfg);
	rc = catalog_scan(cat, a->full ? CATALOG_SCAN_FULL : 0, &r, &cause);
	for (i = 0; i < r.nnotes; i++)
		fprintf(stderr, "vigil: catalog: %s\n", r.notes[i]);
	if (r.more_notes > 0)
		fprintf(stderr, "vigil: catalog: and %lld more\n",
		    (long long)r.more_notes);
	/* Each name once, escaped; at most CATALOG_SCAN_NAMES. */
	for (i = 0; i < r.nother_names; i++)
		fprintf(stderr, "vigil: catalog: %s: does not match the pattern "
		    "(skipped)\n", r.other_names[i]);
	if (r.other > (int64_t)r.nother_names)
		fprintf(stderr, "vigil: catalog: and %lld more names that do not "
		    "match the pattern\n", (long long)(r.other -
		    (int64_t)r.nother_names));
	if (rc == -1) {
		fprintf(stderr, "vigil: %s\n", cause);
		free(cause);
		catalog_scan_report_free(&r);
		catalog_close(cat);
		config_free(cfg);
		return 2;
	}
	if (!a->quiet)
		printf("scanned %s in %s s: %lld segment files (%lld new, %lld "
		    "changed, %lld unchanged, %lld back, %lld gone); %lld other "
		    "names, %lld impossible times, %lld bad camera names, %lld "
		    "symbolic links not followed, %lld unreadable folders; %lld "
		    "folders read, %lld settled and unchanged\n",
		    config_recorder(cfg), cmd_catalog_secs(r.elapsed_ms),
		    (long long)r.files, (long long)r.added,
		    (long long)r.changed, (long long)r.unchanged,
		    (long long)r.returned, (long long)r.gone, (long long)r.other,
		    (long long)r.bad_time, (long long)r.bad_camera,
		    (long long)r.symlinks, (long long)r.unreadable_dirs,
		    (long long)r.folders_read, (long long)r.folders_unchanged);
	catalog_scan_report_free(&r);
	ret = rc == 1 ? 1 : 0;
	if (!a->no_probe && cmd_catalog_probe_all(cat, a->quiet) == -1)
		ret = 2;
	if (catalog_state(cat, &st, &cause) == -1) {
		fprintf(stderr, "vigil: %s\n", cause);
		free(cause);
		ret = 2;
	} else if (!a->quiet)
		printf("catalog: %lld segments on %lld cameras, %lld pending, "
		    "%lld bad, %lld gone\n", (long long)st.segments,
		    (long long)st.cameras, (long long)st.pending, (long long)st.bad,
		    (long long)st.gone);
	if (rc == 1)
		fprintf(stderr, "vigil: warning: some folders could not be read; the "
		    "catalog is stale\n");
	catalog_close(cat);
	config_free(cfg);
	return ret;
}

/* vigil catalog status. */
static int
cmd_catalog_status(struct catalog_args *a)
{
	struct config *cfg;
	struct catalog *cat;
	struct catalog_state st;
	char *cause = NULL;
	int rc;

	if ((rc = cmd_catalog_start(a->config, &cfg, &cat)) != 0)
		return rc;
	if (catalog_state(cat, &st, &cause) == -1) {
		fprintf(stderr, "vigil: %s\n", cause);
		free(cause);
		catalog_close(cat);
		config_free(cfg);
		return 2;
	}
	printf("recorder\t%s\npattern\t%s\ntimezone\t%s\ndatabase\t%s\n",
	    config_recorder(cfg), config_pattern(cfg), config_timezone(cfg),
	    config_catalog_db(cfg));
	printf("last scan\t%s\n", st.last_scan_ms != 0 ?
	    cmd_catalog_time(st.last_scan_ms) : "never");
	printf("last complete scan\t%s\n", st.last_complete_ms != 0 ?
	    cmd_catalog_time(st.last_complete_ms) : "never");
	printf("stale\t%s\n", st.stale ? st.stale_reason : "no");
	printf("segments\t%lld\ncameras\t%lld\nbytes\t%lld\npending\t%lld\n"
	    "bad\t%lld\ngone\t%lld\nother names\t%lld\n", (long long)st.segments,
	    (long long)st.cameras, (long long)st.bytes, (long long)st.pending,
	    (long long)st.bad, (long long)st.gone, (long long)st.other);
	if (st.rebuilt[0] != '\0')
		printf("emptied\t%s\n", st.rebuilt);
	catalog_close(cat);
	config_free(cfg);
	return st.stale ? 1 : 0;
}

/* vigil catalog cameras. */
static int
cmd_catalog_cameras(struct catalog_args *a)
{
	struct config *cfg;
	struct catalog *cat;
	struct catalog_camera *v;
	char *cause = NULL;
	size_t n, i;
	int rc;

	if ((rc = cmd_catalog_start(a->config, &cfg, &cat)) != 0)
		return rc;
	cmd_catalog_warn_stale(cat);
	if (catalog_cameras(cat, &v, &n, &cause) == -1) {
		fprintf(stderr, "vigil: %s\n", cause);
		free(cause);
		rc = 2;
	} else {
		for (i = 0; i < n; i++)
			printf("%s\t%lld\t%lld\t%s\t%s\n", v[i].name,
			    (long long)v[i].segments, (long long)v[i].bytes,
			    cmd_catalog_time(v[i].first_ms), cmd_catalog_time(v[i].last_ms));
		catalog_cameras_free(v, n);
	}
	catalog_close(cat);
	config_free(cfg);
	return rc;
}

/* vigil catalog days CAMERA. */
static int
cmd_catalog_days(struct catalog_args *a)
{
	struct config *cfg;
	struct catalog *cat;
	struct catalog_day *v;
	char *cause = NULL;
	size_t n, i;
	int rc;

	if ((rc = cmd_catalog_start(a->config, &cfg, &cat)) != 0)
		return rc;
	cmd_catalog_warn_stale(cat);
	if (!cmd_catalog_known(cat, a->camera))
		rc = 1;
	else if (catalog_days(cat, a->camera, &v, &n, &cause) == -1) {
		fprintf(stderr, "vigil: %s\n", cause);
		free(cause);
		rc = 2;
	} else {
		for (i = 0; i < n; i++)
			printf("%s\t%lld\n", v[i].date, (long long)v[i].segments);
		free(v);
	}
	catalog_close(cat);
	config_free(cfg);
	return rc;
}

/* vigil catalog ls CAMERA. */
static int
cmd_catalog_ls(struct catalog_args *a)
{
	struct config *cfg;
	struct catalog *cat;
	struct catalog_segment *v;
	char *cause = NULL;
	size_t n, i;
	int rc;

	if ((rc = cmd_catalog_start(a->config, &cfg, &cat)) != 0)
		return rc;
	cmd_catalog_warn_stale(cat);
	if (!cmd_catalog_known(cat, a->camera))
		rc = 1;
	else if (catalog_list(cat, a->camera, a->have_from ? a->from : INT64_MIN,
	    a->have_to ? a->to : INT64_MAX, a->all, &v, &n, &cause) == -1) {
		fprintf(stderr, "vigil: %s\n", cause);
		free(cause);
		rc = 2;
	} else {
		for (i = 0; i < n; i++)
			printf("%s\t%s\t%lld\t%s\t%s%s%s\n", cmd_catalog_time(v[i].start_ms),
			    cmd_catalog_secs(v[i].duration_ms), (long long)v[i].size,
			    v[i].gone ? "gone" : catalog_status_name(v[i].status),
			    v[i].rel, v[i].detail != NULL ? "\t" : "",
			    v[i].detail != NULL ? v[i].detail : "");
		catalog_segments_free(v, n);
	}
	catalog_close(cat);
	config_free(cfg);
	return rc;
}

/* vigil catalog coverage CAMERA. */
static int
cmd_catalog_coverage(struct catalog_args *a)
{
	static const char *const kinds[] = { "footage", "unprobed", "bad" };
	struct config *cfg;
	struct catalog *cat;
	struct catalog_span *v;
	char *cause = NULL;
	size_t n, i;
	int64_t at;
	int rc;

	if (!a->have_from || !a->have_to) {
		fprintf(stderr, "vigil catalog coverage: give --day, or --from and "
		    "--to\n");
		return 2;
	}
	if ((rc = cmd_catalog_start(a->config, &cfg, &cat)) != 0)
		return rc;
	cmd_catalog_warn_stale(cat);
	if (!cmd_catalog_known(cat, a->camera))
		rc = 1;
	else if (catalog_coverage(cat, a->camera, a->from, a->to, &v, &n, &cause) == -1) {
		fprintf(stderr, "vigil: %s\n", cause);
		free(cause);
		rc = 2;
	} else {
		at = a->from;
		for (i = 0; i < n; i++) {
			if (v[i].from_ms > at)
				printf("%s\t%s\tgap\n", cmd_catalog_time(at),
				    cmd_catalog_time(v[i].from_ms));
			printf("%s\t%s\t%s\n", cmd_catalog_time(v[i].from_ms),
			    cmd_catalog_time(v[i].to_ms), kinds[v[i].kind]);
			at = v[i].to_ms;
		}
		if (at < a->to)
			printf("%s\t%s\tgap\n", cmd_catalog_time(at), cmd_catalog_time(a->to));
		free(v);
	}
	catalog_close(cat);
	config_free(cfg);
	return rc;
}

/* vigil catalog range CAMERA. */
static int
cmd_catalog_range(struct catalog_args *a)
{
	struct config *cfg;
	struct catalog *cat;
	struct catalog_range r;
	struct catalog_piece *p;
	char *cause = NULL;
	size_t i;
	int rc;

	if (!a->have_from || !a->have_to) {
		fprintf(stderr, "vigil catalog range: give --from and --to\n");
		return 2;
	}
	if ((rc = cmd_catalog_start(a->config, &cfg, &cat)) != 0)
		return rc;
	cmd_catalog_warn_stale(cat);
	if (!cmd_catalog_known(cat, a->camera))
		rc = 1;
	else if (catalog_range(cat, a->camera, a->from, a->to, &r, &cause) == -1) {
		fprintf(stderr, "vigil: %s\n", cause);
		free(cause);
		rc = 2;
	} else {
		for (i = 0; i < r.n; i++) {
			p = &r.pieces[i];
			if (p->path == NULL)
				printf("%s\t%s\tgap\n", cmd_catalog_time(p->from_ms),
				    cmd_catalog_secs(p->length_ms));
			else
				printf("%s\t%s\t%s\t%s\t%s\n", cmd_catalog_time(p->from_ms),
				    cmd_catalog_secs(p->length_ms), catalog_status_name(p->status),
				    cmd_catalog_secs(p->offset_ms), p->path);
		}
		printf("playable\t%s\ngaps\t%zu\n", cmd_catalog_secs(r.playable_ms), r.gaps);
		catalog_range_free(&r);
	}
	catalog_close(cat);
	config_free(cfg);
	return rc;
}

/* The retention period of a camera, for catalog_overdue(). */
static int
cmd_catalog_days_for(const char *camera, void *arg)
{
	return config_retention_days(arg, camera);
}

/* vigil catalog overdue. */
static int
cmd_catalog_overdue(struct catalog_args *a)
{
	struct config *cfg;
	struct catalog *cat;
	struct catalog_overdue *v;
	struct catalog_segment *segs;
	char *cause = NULL;
	size_t n, nsegs, i;
	int rc;

	if ((rc = cmd_catalog_start(a->config, &cfg, &cat)) != 0)
		return rc;
	cmd_catalog_warn_stale(cat);
	if (catalog_overdue(cat, clock_now_ms(), cmd_catalog_days_for, cfg, &v, &n,
	    a->list ? &segs : NULL, &nsegs, &cause) == -1) {
		fprintf(stderr, "vigil: %s\n", cause);
		free(cause);
		catalog_close(cat);
		config_free(cfg);
		return 2;
	}
	for (i = 0; i < n; i++)
		printf("%s\t%d days\t%lld segments\t%lld bytes\toldest %s\t"
		    "before %s\n", v[i].camera, v[i].days, (long long)v[i].segments,
		    (long long)v[i].bytes, cmd_catalog_time(v[i].oldest_ms),
		    cmd_catalog_time(v[i].cutoff_ms));
	if (a->list) {
		for (i = 0; i < nsegs; i++)
			printf("%s\t%s\t%lld\t%s\n", segs[i].camera,
			    cmd_catalog_time(segs[i].start_ms), (long long)segs[i].size,
			    segs[i].path);
		catalog_segments_free(segs, nsegs);
	}
	if (n == 0)
		fprintf(stderr, "vigil: no footage is kept longer than its retention "
		    "period\n");
	rc = n > 0 ? 1 : 0;
	catalog_overdue_free(v, n);
	catalog_close(cat);
	config_free(cfg);
	return rc;
}

int
cmd_catalog(int argc, char **argv, const char *config)
{
	static const struct {
		const char	*name;
		int		 camera;
		int		(*fn)(struct catalog_args *);
	} sub[] = {
		{ "scan", 0, cmd_catalog_scan },
		{ "status", 0, cmd_catalog_status },
		{ "cameras", 0, cmd_catalog_cameras },
		{ "days", 1, cmd_catalog_days },
		{ "ls", 1, cmd_catalog_ls },
		{ "coverage", 1, cmd_catalog_coverage },
		{ "range", 1, cmd_catalog_range },
		{ "overdue", 0, cmd_catalog_overdue },
	};
	struct catalog_args a;
	size_t i;
	int rc;

	if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		fputs(cmd_catalog_usage, argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	for (i = 0; i < sizeof sub / sizeof sub[0]; i++) {
		if (strcmp(argv[1], sub[i].name) != 0)
			continue;
		memset(&a, 0, sizeof a);
		a.config = config;
		if ((rc = cmd_catalog_parse(argc - 1, argv + 1, &a, sub[i].camera)) != -1)
			return rc;
		probe_silence_libav();
		return sub[i].fn(&a);
	}
	fprintf(stderr, "vigil catalog: unknown command '%s'\n", argv[1]);
	fputs(cmd_catalog_usage, stderr);
	return 2;
}
