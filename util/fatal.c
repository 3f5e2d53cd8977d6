/* fatal — the last resort for bugs and impossible start-up states. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "util/util.h"

static void (*fatal_cleanup)(void);

void
fatal_set_cleanup(void (*fn)(void))
{
	fatal_cleanup = fn;
}

void
fatal(const char *fmt, ...)
{
	va_list ap;

	if (fatal_cleanup != NULL)
		fatal_cleanup();
	fputs("vigil: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

int
cause_set(char **cause, const char *fmt, ...)
{
	va_list ap;
	char *s;

	if (cause == NULL)
		return -1;
	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) == -1)
		s = NULL;
	va_end(ap);
	free(*cause);
	*cause = s;
	return -1;
}
