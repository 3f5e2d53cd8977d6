/* file — reading small files, flushing folders, and naming the user and
 * terminal. */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/util.h"

int
file_sync_dir(const char *path, char **cause)
{
	int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd == -1 || fsync(fd) == -1) {
		cause_set(cause, "cannot flush %s: %s", path, strerror(errno));
		if (fd != -1)
			close(fd);
		return -1;
	}
	close(fd);
	return 0;
}

int
file_read_all(const char *path, size_t max, char **buf, size_t *len, char **cause)
{
	struct stat st;
	char *b;
	size_t off = 0;
	ssize_t n;
	int fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return cause_set(cause, "%s: %s", path, strerror(errno));
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode)) {
		close(fd);
		return cause_set(cause, "%s: not a regular file", path);
	}
	if ((size_t)st.st_size > max) {
		close(fd);
		return cause_set(cause, "%s: larger than %zu bytes", path, max);
	}
	if ((b = malloc(max + 1)) == NULL) {
		close(fd);
		return cause_set(cause, "%s: out of memory", path);
	}
	for (;;) {
		n = read(fd, b + off, max + 1 - off);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			int e = errno;

			free(b);
			close(fd);
			return cause_set(cause, "%s: %s", path, strerror(e));
		}
		if (n == 0)
			break;
		off += (size_t)n;
		if (off > max) {
			free(b);
			close(fd);
			return cause_set(cause, "%s: larger than %zu bytes", path, max);
		}
	}
	close(fd);
	b[off] = '\0';
	*buf = b;
	*len = off;
	return 0;
}

char *
user_name_self(void)
{
	struct passwd *pw;
	const char *u;

	if ((pw = getpwuid(getuid())) != NULL && pw->pw_name != NULL)
		return xstrdup(pw->pw_name);
	if ((u = getenv("USER")) != NULL && *u != '\0')
		return xstrdup(u);
	return xasprintf("uid:%u", (unsigned)getuid());
}

char *
terminal_name_self(void)
{
	char buf[256];
	int fd;

	for (fd = 0; fd <= 2; fd++) {
		if (isatty(fd) && ttyname_r(fd, buf, sizeof buf) == 0)
			return xstrdup(buf);
	}
	return xstrdup("-");
}
