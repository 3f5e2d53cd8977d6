/* config — vigil.conf(5): the INI configuration, read with libinih, every
 * key checked and defaulted.  A configuration is either wholly valid or
 * refused: config_load() reports every problem as "FILE:LINE: what is
 * wrong; what is expected" and returns no half-read result.
 *
 * Functions that fail return -1 (or a negative enum) and, when cause is not
 * NULL, set *cause to a message the caller frees with free().  Strings
 * returned by accessors are valid until config_free(). */
#ifndef VIGIL_CONFIG_H
#define VIGIL_CONFIG_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct config;

/* The file read when no --config is given. */
#define CONFIG_DEFAULT_PATH	VIGIL_SYSCONFDIR "/vigil/vigil.conf"

/* Largest configuration file accepted, in bytes. */
#define CONFIG_MAX_SIZE		(256 * 1024)

enum config_load_error {
	CONFIG_ERR_READ = -1,		/* missing, unreadable, unsafe mode */
	CONFIG_ERR_INVALID = -2,	/* read, but not a valid configuration */
};

/* Reads the configuration at path; NULL means CONFIG_DEFAULT_PATH, and
 * when that file does not exist the built-in defaults are used.  Relative
 * paths in the file are taken relative to the file's folder.  Returns 0
 * with *cfg set (free with config_free()), or a config_load_error with
 * *cause holding one line per problem. */
int config_load(const char *path, struct config **cfg, char **cause);
/* The built-in defaults, as if from an empty file; config_free() it. */
struct config *config_defaults(void);
void config_free(struct config *);

/* Writes the effective configuration as a vigil.conf that reads back to
 * the same values.  Returns 0 or -1 (write error). */
int config_print(const struct config *, FILE *);

/* The checks config/ cannot make itself, as a leaf that calls no other
 * module: footage's path patterns, time zones and camera names.  The
 * layer above installs them once, before the first config_load()
 * (session/cfgcheck.c does it when the program starts); without them a
 * pattern, zone or camera name is taken as given and a preset name stays
 * a name. */
struct config_checks {
	int		 (*pattern)(const char *spec, char **why);
	const char	*(*pattern_expand)(const char *spec);
	int		 (*zone)(const char *name, char **why);
	int		 (*camera)(const char *name, size_t len);	/* 1: valid */
};
void config_set_checks(const struct config_checks *);

/* The longest reference a reason accepts, in bytes (the audit log's). */
#define CONFIG_MAX_REFERENCE	512

/* The file read (NULL: built-in defaults), and the BLAKE2b-256 of its bytes
 * (returns -1 when no file was read). */
const char *config_file(const struct config *);
int config_file_blake2b(const struct config *, unsigned char out[32]);

/* [site] */
const char *config_site_name(const struct config *);

/* [paths]; the pattern as written (a preset name or a pattern) and
 * expanded.  Lists are NULL-terminated. */
const char *config_recorder(const struct config *);
const char *config_pattern_spec(const struct config *);
const char *config_pattern(const struct config *);
const char *config_timezone(const struct config *);
const char *config_catalog_db(const struct config *);
const char *config_audit_db(const struct config *);
const char *config_audit_state(const struct config *);
const char *config_key_dir(const struct config *);
const char *const *config_export_roots(const struct config *);

/* [roles] */
enum config_role {
	CONFIG_ROLE_VIEWER,
	CONFIG_ROLE_EXPORTER,
	CONFIG_ROLE_AUDITOR,
	CONFIG_ROLE_ADMIN,
};
#define CONFIG_NROLES	4
const char *config_group(const struct config *, enum config_role);
/* The role's name: "viewer", "exporter", "auditor", "admin". */
const char *config_role_name(enum config_role);

/* [player] */
enum config_vo {
	CONFIG_VO_AUTO,
	CONFIG_VO_DRM,
	CONFIG_VO_GPU,
	CONFIG_VO_TCT,
	CONFIG_VO_SIXEL,
	CONFIG_VO_NULL,
};
enum config_vo config_video_output(const struct config *);
/* "auto", "drm", "gpu", "tct", "sixel", "null". */
const char *config_vo_name(enum config_vo);
const char *const *config_audio_cameras(const struct config *);
/* 1 when audio may be played for camera. */
int config_audio_camera(const struct config *, const char *camera);

/* [session]: seconds without a key press before the screen locks. */
int config_idle_lock(const struct config *);
/* [session]: minutes after confirming a reason within which the reason
 * dialog offers its reference again to the same person (0: never). */
int config_reuse_reference_minutes(const struct config *);
/* The PAM service (file in /etc/pam.d) used for login, unlock and
 * approval; the account the terminal drops to when started as root; where
 * staff change an expired password (NULL: a general hint is shown). */
const char *config_pam_service(const struct config *);
const char *config_service_user(const struct config *);
const char *config_password_help(const struct config *);
/* [session]: the environment variables kept besides TERM, LANG, LC_* and
 * TZ when vigil starts as root: names, or NAME* for every name starting
 * with NAME (NULL-terminated). */
const char *const *config_keep_environment(const struct config *);

/* [export] */
const char *config_signing_key(const struct config *);
/* [export] trusted_keys as written (NULL: not set): the site's pinned
 * signing keys, parsed by sign_trust_parse(). */
const char *config_trusted_keys(const struct config *);
/* Reason codes whose exports need a second person's approval. */
const char *const *config_require_approval(const struct config *);

/* [retention] */
int config_retention_default(const struct config *);
/* The retention period of camera, in days. */
int config_retention_days(const struct config *, const char *camera);
/* The cameras with a period of their own: i < count. */
size_t config_retention_count(const struct config *);
const char *config_retention_camera(const struct config *, size_t i, int *days);

/* [audit] */
unsigned config_checkpoint_every(const struct config *);
/* [audit] heartbeat_minutes: a checkpoint at least this often. */
unsigned config_heartbeat_minutes(const struct config *);
/* [audit] syslog_socket: where witness lines go; NULL for "none". */
const char *config_syslog_socket(const struct config *);
/* The log's identity pinned by [audit] log_id and pk0: 1 and both filled
 * when both are set, 0 when the log is not pinned (one alone is refused
 * when the configuration is loaded). */
int config_log_pin(const struct config *, uint8_t log_id[16],
    uint8_t pk0[32]);

/* Reason codes ([reason CODE] sections, or the defaults). */
#define CONFIG_REQ_REFERENCE	0x1
#define CONFIG_REQ_AUTHORITY	0x2
#define CONFIG_REQ_NOTE		0x4
/* range_max of a code with a cap, when its section does not set it. */
#define CONFIG_RANGE_MAX_CAPPED	10

struct config_reason {
	const char	*code;		/* "INCIDENT" */
	const char	*label;		/* "reported incident being investigated" */
	unsigned	 requires;	/* CONFIG_REQ_* */
	const char	*reference_regex; /* NULL: any reference */
	int		 note_min;	/* characters; > 0 makes a note required */
	int		 cap_seconds;	/* longest playback (footage played or
					   time on screen); 0: no cap */
	int		 range_max_minutes;	/* longest declared range;
						   0: no limit */
	const char	*legal_basis;	/* [export] legal_basis.CODE, or "" */
	int		 needs_approval; /* listed in [export] require_approval */
};
size_t config_reason_count(const struct config *);
const struct config_reason *config_reason_at(const struct config *, size_t i);
/* NULL when code is not configured. */
const struct config_reason *config_reason_find(const struct config *,
    const char *code);
/* 1 when reference matches the reason's reference_regex (as a whole), or
 * the reason has none; the reason is one config_reason_at() or
 * config_reason_find() returned for this configuration. */
int config_reason_matches(const struct config *, const struct config_reason *,
    const char *reference);
/* Checks what a person typed in the reason dialog against code's rules:
 * required fields present, reference matching its pattern, note long
 * enough, everything valid UTF-8 within the audit log's limits.  NULL
 * fields count as empty.  Returns 0, or -1 with *cause saying what to fix. */
int config_reason_check(const struct config *, const char *code,
    const char *reference, const char *authority, const char *note,
    char **cause);

/* [review]: thresholds that flag views in the DPO's review. */
struct config_review {
	int		 work_from;	/* minutes after midnight, local time */
	int		 work_to;
	int		 max_view_minutes;
	int		 max_views_per_day;	/* per user */
	int		 max_cameras_per_reference;
};
const struct config_review *config_review(const struct config *);

#endif
