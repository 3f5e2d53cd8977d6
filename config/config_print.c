/* config_print — the effective configuration, written as a vigil.conf
 * that reads back to the same values ("vigil config check"). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "config/config.h"
#include "util/util.h"

/* Prints "name = a, b, c". */
static void
print_list(FILE *f, const char *name, const char *const *v)
{
	size_t i;

	fprintf(f, "%s =", name);
	for (i = 0; v[i] != NULL; i++)
		fprintf(f, "%s %s", i > 0 ? "," : "", v[i]);
	fputc('\n', f);
}

/* Prints a reason section. */
static void
print_reason(FILE *f, const struct config_reason *r)
{
	const char *sep = "";

	fprintf(f, "\n[reason %s]\nlabel = %s\nrequires =", r->code, r->label);
	if (r->requires & CONFIG_REQ_REFERENCE) {
		fprintf(f, " reference");
		sep = ",";
	}
	if (r->requires & CONFIG_REQ_AUTHORITY) {
		fprintf(f, "%s authority", sep);
		sep = ",";
	}
	if (r->requires & CONFIG_REQ_NOTE)
		fprintf(f, "%s note", sep);
	fputc('\n', f);
	if (r->reference_regex != NULL)
		fprintf(f, "reference_regex = %s\n", r->reference_regex);
	fprintf(f, "note_min = %d\ncap_seconds = %d\nrange_max = %d\n",
	    r->note_min, r->cap_seconds, r->range_max_minutes);
}

int
config_print(const struct config *c, FILE *f)
{
	const struct config_review *rv = config_review(c);
	const struct config_reason *r;
	unsigned char hash[32];
	uint8_t pin_id[16], pin_pk[32];
	char hex[65];
	const char *cam;
	size_t i;
	int days;

	fprintf(f, "# vigil %s: effective configuration\n", VIGIL_VERSION);
	if (config_file_blake2b(c, hash) == 0) {
		sodium_bin2hex(hex, sizeof hex, hash, sizeof hash);
		fprintf(f, "# read from %s\n# BLAKE2b-256 %s\n", config_file(c), hex);
	} else
		fprintf(f, "# built-in defaults (%s does not exist)\n",
		    CONFIG_DEFAULT_PATH);

	fprintf(f, "\n[site]\nname = %s\n", config_site_name(c));

	fprintf(f, "\n[paths]\nrecorder = %s\npattern = %s\n", config_recorder(c),
	    config_pattern_spec(c));
	if (strcmp(config_pattern(c), config_pattern_spec(c)) != 0)
		fprintf(f, "# pattern %s is %s\n", config_pattern_spec(c),
		    config_pattern(c));
	fprintf(f, "timezone = %s\ncatalog_db = %s\naudit_db = %s\n"
	    "audit_state = %s\nkey_dir = %s\n", config_timezone(c),
	    config_catalog_db(c), config_audit_db(c), config_audit_state(c),
	    config_key_dir(c));
	print_list(f, "export_roots", config_export_roots(c));

	fprintf(f, "\n[roles]\n");
	for (i = 0; i < CONFIG_NROLES; i++)
		fprintf(f, "%s_group = %s\n", config_role_name((enum config_role)i),
		    config_group(c, (enum config_role)i));

	fprintf(f, "\n[player]\nvideo_output = %s\n",
	    config_vo_name(config_video_output(c)));
	print_list(f, "audio_cameras", config_audio_cameras(c));

	fprintf(f, "\n[session]\nidle_lock = %d\n", config_idle_lock(c));
	fprintf(f, "reuse_reference_minutes = %d\n",
	    config_reuse_reference_minutes(c));
	fprintf(f, "pam_service = %s\n", config_pam_service(c));
	fprintf(f, "service_user = %s\n", config_service_user(c));
	if (config_password_help(c) != NULL)
		fprintf(f, "password_help = %s\n", config_password_help(c));
	print_list(f, "keep_environment", config_keep_environment(c));

	fprintf(f, "\n[export]\n");
	print_list(f, "require_approval", config_require_approval(c));
	fprintf(f, "signing_key = %s\n", config_signing_key(c));
	if (config_trusted_keys(c) != NULL)
		fprintf(f, "trusted_keys = %s\n", config_trusted_keys(c));
	for (i = 0; i < config_reason_count(c); i++) {
		r = config_reason_at(c, i);
		if (*r->legal_basis != '\0')
			fprintf(f, "legal_basis.%s = %s\n", r->code, r->legal_basis);
	}

	fprintf(f, "\n[retention]\ndefault_days = %d\n", config_retention_default(c));
	for (i = 0; i < config_retention_count(c); i++) {
		cam = config_retention_camera(c, i, &days);
		fprintf(f, "camera.%s = %d\n", cam, days);
	}

	fprintf(f, "\n[audit]\ncheckpoint_every = %u\nheartbeat_minutes = %u\n"
	    "syslog_socket = %s\n", config_checkpoint_every(c),
	    config_heartbeat_minutes(c), config_syslog_socket(c) != NULL ?
	    config_syslog_socket(c) : "none");
	if (config_log_pin(c, pin_id, pin_pk) == 1) {
		fputs("log_id = ", f);
		for (i = 0; i < sizeof pin_id; i++)
			fprintf(f, "%02x", pin_id[i]);
		fputs("\npk0 = ", f);
		for (i = 0; i < sizeof pin_pk; i++)
			fprintf(f, "%02x", pin_pk[i]);
		fputc('\n', f);
	}

	fprintf(f, "\n[review]\nworking_hours = %02d:%02d-%02d:%02d\n"
	    "max_view_minutes = %d\nmax_views_per_day = %d\n"
	    "max_cameras_per_reference = %d\n", rv->work_from / 60,
	    rv->work_from % 60, rv->work_to / 60, rv->work_to % 60,
	    rv->max_view_minutes, rv->max_views_per_day,
	    rv->max_cameras_per_reference);

	for (i = 0; i < config_reason_count(c); i++)
		print_reason(f, config_reason_at(c, i));
	fflush(f);
	return ferror(f) ? -1 : 0;
}
