/* file — reading small files, flushing folders, and naming the user and
 * terminal. */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/util.h"

static enum file_write_step file_fault_step;
static int file_fault_errno;

void
file_write_fault(enum file_write_step step, int err)
{
	file_fault_step = step;
	file_fault_errno = err;
}

/* The errno a test asked step to fail with (once), or 0. */
static int
file_fault(enum file_write_step step)
{
	if (file_fault_step == FILE_WRITE_OK || file_fault_step != step)
		return 0;
	file_fault_step = FILE_WRITE_OK;
	return file_fault_errno;
}

int
file_write_new(const char *path, const void *data, size_t len, mode_t mode,
    char **cause)
{
	const char *p = data;
	size_t off = 0;
	ssize_t n;
	int fd, e = 0;

	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
	if (fd == -1) {
		if (errno == EEXIST)
			return cause_set(cause, "%s already exists; refusing to "
			    "overwrite it", path);
		return cause_set(cause, "cannot create %s: %s", path,
		    strerror(errno));
	}
	while (off < len) {
		if ((e = file_fault(FILE_WRITE_WRITE)) != 0)
			break;
		if ((n = write(fd, p + off, len - off)) == -1) {
			if (errno == EINTR)
				continue;
			e = errno;
			break;
		}
		if (n == 0) {
			e = EIO;	/* no progress and no reason given */
			break;
		}
		off += (size_t)n;
	}
	if (e == 0 && (e = file_fault(FILE_WRITE_FSYNC)) == 0 && fsync(fd) == -1)
		e = errno;
	if (e != 0) {
		close(fd);
		unlink(path);
		return cause_set(cause, "cannot write %s: %s", path, strerror(e));
	}
	/* A failed close() can be the first word of a failed write (NFS,
	 * quotas): the file is then not known to hold the data. */
	if (close(fd) == -1)
		e = errno;
	else
		e = file_fault(FILE_WRITE_CLOSE);
	if (e != 0) {
		unlink(path);
		return cause_set(cause, "cannot write %s: %s", path, strerror(e));
	}
	return 0;
}

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

/* What a file that is not a regular file is, for messages. */
static const char *
file_kind(mode_t mode)
{
	if (S_ISDIR(mode))
		return "a directory";
	if (S_ISFIFO(mode))
		return "a FIFO";
	if (S_ISCHR(mode))
		return "a character device";
	if (S_ISBLK(mode))
		return "a block device";
	if (S_ISSOCK(mode))
		return "a socket";
	return "not a file";
}

int
file_open_regular(const char *path, const char *shown, struct stat *st,
    char **cause)
{
	int fd;

	if (shown == NULL)
		shown = path;
	/* O_NONBLOCK: opening a FIFO without a writer would wait forever;
	 * the type is then checked on what was opened, not on the name. */
	fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (fd == -1)
		return cause_set(cause, "%s: %s", shown, strerror(errno));
	if (fstat(fd, st) == -1) {
		int e = errno;

		close(fd);
		return cause_set(cause, "%s: %s", shown, strerror(e));
	}
	if (!S_ISREG(st->st_mode)) {
		close(fd);
		return cause_set(cause, "%s: not a regular file (%s)", shown,
		    file_kind(st->st_mode));
	}
	return fd;
}

int
file_read_fd(int fd, const char *shown, size_t max, char **buf, size_t *len,
    char **cause)
{
	struct stat st;
	char *b;
	size_t off = 0;
	ssize_t n;

	if (fstat(fd, &st) == -1)
		return cause_set(cause, "%s: %s", shown, strerror(errno));
	if (S_ISREG(st.st_mode) && (uintmax_t)st.st_size > max)
		return cause_set(cause, "%s: larger than %zu bytes", shown, max);
	if ((b = malloc(max + 1)) == NULL)
		return cause_set(cause, "%s: out of memory", shown);
	for (;;) {
		n = read(fd, b + off, max + 1 - off);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			int e = errno;

			free(b);
			return cause_set(cause, "%s: %s", shown, strerror(e));
		}
		if (n == 0)
			break;
		off += (size_t)n;
		if (off > max) {
			free(b);
			return cause_set(cause, "%s: larger than %zu bytes", shown,
			    max);
		}
	}
	b[off] = '\0';
	*buf = b;
	*len = off;
	return 0;
}

int
file_read_all(const char *path, size_t max, char **buf, size_t *len, char **cause)
{
	struct stat st;
	int fd, rc;

	if ((fd = file_open_regular(path, NULL, &st, cause)) == -1)
		return -1;
	rc = file_read_fd(fd, path, max, buf, len, cause);
	close(fd);
	return rc;
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
