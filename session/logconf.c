/* logconf — the configuration's settings of an audit log opened for
 * writing, and recording in the log which configuration was loaded, by
 * the BLAKE2b-256 of its bytes (config/ is a leaf: the layer that opens
 * the log does this). */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <sodium.h>

#include "audit/audit.h"
#include "config/config.h"
#include "session/session.h"
#include "util/util.h"

/* config/ checks references against its own limit, which must be the
 * log's. */
_Static_assert(CONFIG_MAX_REFERENCE == AUDIT_MAX_REFERENCE,
    "a reference config/ accepts must fit the audit log");

void
logconf_apply(const struct config *c, struct audit_log *log)
{
	audit_set_checkpoint_every(log, config_checkpoint_every(c));
	audit_set_witness_socket(log, config_syslog_socket(c));
}

int
logconf_record(const struct config *c, struct audit_log *log,
    const char *actor, char **cause)
{
	struct audit_entry e;
	unsigned char hash[32];
	char hex[65], *details, *path, *terminal, real[PATH_MAX];
	const char *file;
	json_t *o;
	int64_t seq;

	file = config_file(c) != NULL ? config_file(c) : CONFIG_DEFAULT_PATH;
	if (realpath(file, real) != NULL)
		file = real;
	path = utf8_sanitize(file, strlen(file));
	if ((o = json_object()) == NULL) {
		free(path);
		return cause_set(cause, "config-loaded: out of memory");
	}
	json_object_set_new(o, "path", json_string(path));
	if (config_file_blake2b(c, hash) == 0) {
		sodium_bin2hex(hex, sizeof hex, hash, sizeof hash);
		json_object_set_new(o, "blake2b", json_string(hex));
	} else {
		json_object_set_new(o, "blake2b", json_null());
		json_object_set_new(o, "defaults", json_true());
	}
	details = jtext_dump(o, JSON_COMPACT | JSON_SORT_KEYS);
	free(path);
	if (details == NULL)
		return cause_set(cause, "config-loaded: out of memory");
	terminal = terminal_name_self();
	memset(&e, 0, sizeof e);
	e.actor = actor;
	e.action = "config-loaded";
	e.details = details;
	e.terminal = terminal;
	seq = audit_append(log, &e, cause);
	free(details);
	free(terminal);
	return seq < 0 ? -1 : 0;
}
