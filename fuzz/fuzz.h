/* fuzz.h — what the fuzz targets that read files share: a private
 * temporary folder (removed at exit), writing an input into a file there,
 * and a fixed test signing key, so that every run is the same.
 *
 * Not a fuzz target itself (fuzz/run builds only fuzz/fuzz_*.c). */
#ifndef VIGIL_FUZZ_H
#define VIGIL_FUZZ_H

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define FUZZ_UNUSED	__attribute__((unused))

/* The test key (made with `vigil keygen --no-passphrase`; used only here):
 * its secret key, public key and key id. */
#define FUZZ_KEY_SECRET \
	"untrusted comment: minisign secret key\n" \
	"RWQAAEIyAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" \
	"AAAAHZTZrB/maS0w3hUUr1XjnVWavJu6IXqzeJtwbI0BSdqgmNJwfcSQ1kaQVP1ByVFI" \
	"3VfySKRia88U5bdRGGfpPBXjiB/e6uT53POxfeQhX5SMvrEMKCV0ElcGcXjUHVLn8Z4X" \
	"a9AMkYQ=\n"
#define FUZZ_KEY_PUBLIC \
	"untrusted comment: minisign public key 2D69E61FACD9941D\n" \
	"RWQdlNmsH+ZpLUaQVP1ByVFI3VfySKRia88U5bdRGGfpPBXjiB/e6uT5\n"
#define FUZZ_KEY_ID	"2D69E61FACD9941D"

static char fuzz_dir[64];

/* nftw() callback removing everything under fuzz_dir. */
static int
fuzz_rm(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	remove(path);
	return 0;
}

static void
fuzz_cleanup(void)
{
	if (fuzz_dir[0] != '\0')
		nftw(fuzz_dir, fuzz_rm, 16, FTW_DEPTH | FTW_PHYS);
}

/* Sets up the process the same way for every run: UTC, and a new private
 * folder (in /dev/shm when there is one: no disk writes). */
static FUZZ_UNUSED void
fuzz_init(void)
{
	const char *base = "/dev/shm";

	setenv("TZ", "UTC", 1);
	tzset();
	if (access(base, W_OK) != 0 && ((base = getenv("TMPDIR")) == NULL ||
	    *base == '\0'))
		base = "/tmp";
	if ((size_t)snprintf(fuzz_dir, sizeof fuzz_dir, "%s/vigil-fuzz.XXXXXX",
	    base) >= sizeof fuzz_dir || mkdtemp(fuzz_dir) == NULL) {
		perror("fuzz: cannot make a temporary folder");
		abort();
	}
	atexit(fuzz_cleanup);
}

/* The path of name inside the private folder; caller frees. */
static FUZZ_UNUSED char *
fuzz_path(const char *name)
{
	size_t n = strlen(fuzz_dir) + strlen(name) + 2;
	char *p = malloc(n);

	if (p == NULL)
		abort();
	snprintf(p, n, "%s/%s", fuzz_dir, name);
	return p;
}

/* Replaces the file at path with the size bytes at data, with mode. */
static FUZZ_UNUSED void
fuzz_write(const char *path, const void *data, size_t size, mode_t mode)
{
	const char *p = data;
	ssize_t n;
	int fd;

	unlink(path);
	if ((fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)) ==
	    -1) {
		perror(path);
		abort();
	}
	while (size > 0) {
		if ((n = write(fd, p, size)) <= 0) {
			if (n == -1 && errno == EINTR)
				continue;
			perror(path);
			abort();
		}
		p += n;
		size -= (size_t)n;
	}
	close(fd);
}

/* A file at a fixed path whose contents each run replaces in place
 * (cheaper than a new file: no unlink, open and close per input). */
struct fuzz_file {
	char	*path;
	int	 fd;
};

/* Creates the file name in the private folder with mode. */
static FUZZ_UNUSED void
fuzz_file_open(struct fuzz_file *f, const char *name, mode_t mode)
{
	f->path = fuzz_path(name);
	if ((f->fd = open(f->path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC,
	    mode)) == -1) {
		perror(f->path);
		abort();
	}
}

/* Makes the size bytes at data the whole file. */
static FUZZ_UNUSED void
fuzz_file_put(struct fuzz_file *f, const void *data, size_t size)
{
	const char *p = data;
	off_t off = 0;
	ssize_t n;

	if (ftruncate(f->fd, 0) != 0) {
		perror(f->path);
		abort();
	}
	while (size > 0) {
		if ((n = pwrite(f->fd, p, size, off)) <= 0) {
			if (n == -1 && errno == EINTR)
				continue;
			perror(f->path);
			abort();
		}
		p += n;
		off += n;
		size -= (size_t)n;
	}
}

#endif
