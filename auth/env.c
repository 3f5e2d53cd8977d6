/* env — the environment a session started as root keeps: TERM, LANG,
 * LC_*, TZ and the names of [session] keep_environment.  The rest is
 * dropped by starting vigil again without it, before the monitor is
 * forked: the dynamic loader reads its variables (LD_PRELOAD,
 * LD_LIBRARY_PATH) when a program starts, so only a new start forgets
 * them, and neither PAM, the programs its modules run, nor the terminal's
 * libraries see what was dropped. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "auth/auth.h"
#include "util/util.h"

/* The command line is read back from here (at most this many bytes). */
#define ENV_CMDLINE_MAX	(4 * 1024 * 1024)

extern char **environ;

static const char *const env_always[] = { "TERM", "LANG", "LC_*", "TZ", NULL };

/* 1 when the name of len bytes at name matches pat (a name, or NAME*). */
static int
env_match(const char *name, size_t len, const char *pat)
{
	size_t plen = strlen(pat);

	if (plen > 0 && pat[plen - 1] == '*')
		return len >= plen - 1 && strncmp(name, pat, plen - 1) == 0;
	return len == plen && strncmp(name, pat, len) == 0;
}

int
env_allowed(const char *entry, const char *const *keep)
{
	size_t len = strcspn(entry, "="), i;

	if (len == 0 || entry[len] != '=')
		return 0;		/* not NAME=VALUE: never kept */
	for (i = 0; env_always[i] != NULL; i++) {
		if (env_match(entry, len, env_always[i]))
			return 1;
	}
	for (i = 0; keep != NULL && keep[i] != NULL; i++) {
		if (env_match(entry, len, keep[i]))
			return 1;
	}
	return 0;
}

int
env_restrict(const char *const *keep, char **cause)
{
	char **env, **argv, *cmd, *p, exe[PATH_MAX];
	size_t n, i, k, len, argc;
	int e;

	for (n = 0, k = 0; environ != NULL && environ[n] != NULL; n++)
		k += env_allowed(environ[n], keep);
	if (k == n)
		return 0;		/* nothing to drop */

	env = xcalloc(k + 1, sizeof *env);
	for (i = 0, k = 0; i < n; i++) {
		if (env_allowed(environ[i], keep))
			env[k++] = environ[i];
	}
	/* The same command line: the kernel's copy of it. */
	if (file_read_all("/proc/self/cmdline", ENV_CMDLINE_MAX, &cmd, &len,
	    cause) == -1) {
		free(env);
		return -1;
	}
	for (argc = 0, i = 0; i < len; i++)
		argc += cmd[i] == '\0';
	if (argc == 0 || cmd[len - 1] != '\0') {
		free(cmd);
		free(env);
		return cause_set(cause, "/proc/self/cmdline: not a command line");
	}
	argv = xcalloc(argc + 1, sizeof *argv);
	for (i = 0, p = cmd; i < argc; i++) {
		argv[i] = p;
		p += strlen(p) + 1;
	}
	/* The binary's path, so that the process keeps its name (a start of
	 * /proc/self/exe would be called "exe"); that link itself if the
	 * path is gone. */
	n = (size_t)readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (n == (size_t)-1 || n == sizeof exe - 1)
		n = 0;
	exe[n] = '\0';
	fflush(NULL);
	if (exe[0] == '/')
		execve(exe, argv, env);
	execve("/proc/self/exe", argv, env);
	e = errno;
	free(argv);
	free(cmd);
	free(env);
	return cause_set(cause, "cannot start again without the environment "
	    "variables [session] keep_environment does not name: "
	    "/proc/self/exe: %s", strerror(e));
}
