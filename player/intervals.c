/* intervals — which footage a view actually showed, in recording time:
 * merged intervals, footage time played, the time footage was on screen
 * and the time it played, seeks and speed changes.  Pure bookkeeping;
 * player.c feeds it. */
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "player/player.h"
#include "util/util.h"

struct intervals_span {
	int		 on;
	int64_t		 since;		/* the open stretch's start */
	int64_t		 total;		/* closed stretches */
};

struct intervals {
	struct interval	*list;		/* ascending, disjoint, not touching */
	size_t		 n;
	size_t		 alloc;
	int64_t		 played_ms;
	int		 have_frame;	/* a previous frame exists */
	int64_t		 frame_at;	/* ... at this recording time */
	struct intervals_span play;	/* footage playing */
	struct intervals_span screen;	/* footage on screen */
	unsigned	 seeks;
	unsigned	 speed_changes;
};

static int intervals_write_all(int fd, const char *buf, size_t len);

struct intervals *
intervals_new(void)
{
	return xcalloc(1, sizeof(struct intervals));
}

void
intervals_free(struct intervals *iv)
{
	if (iv == NULL)
		return;
	free(iv->list);
	free(iv);
}

void
intervals_add(struct intervals *iv, int64_t from_ms, int64_t to_ms)
{
	size_t lo, hi, mid, first, last;

	if (to_ms <= from_ms)
		return;
	/* first: the first interval that ends at or after from_ms. */
	lo = 0;
	hi = iv->n;
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (iv->list[mid].to_ms < from_ms)
			lo = mid + 1;
		else
			hi = mid;
	}
	first = lo;
	/* last: one past the last interval that starts at or before to_ms. */
	last = first;
	while (last < iv->n && iv->list[last].from_ms <= to_ms)
		last++;

	if (first == last) {
		if (iv->n == iv->alloc) {
			iv->alloc = iv->alloc ? iv->alloc * 2 : 16;
			iv->list = xrealloc(iv->list, iv->alloc * sizeof *iv->list);
		}
		memmove(&iv->list[first + 1], &iv->list[first],
		    (iv->n - first) * sizeof *iv->list);
		iv->list[first].from_ms = from_ms;
		iv->list[first].to_ms = to_ms;
		iv->n++;
		return;
	}
	/* Merge [first, last) and the new interval into list[first]. */
	if (iv->list[first].from_ms < from_ms)
		from_ms = iv->list[first].from_ms;
	if (iv->list[last - 1].to_ms > to_ms)
		to_ms = iv->list[last - 1].to_ms;
	iv->list[first].from_ms = from_ms;
	iv->list[first].to_ms = to_ms;
	memmove(&iv->list[first + 1], &iv->list[last],
	    (iv->n - last) * sizeof *iv->list);
	iv->n -= last - first - 1;
}

void
intervals_frame(struct intervals *iv, int64_t at_ms, int64_t dur_ms,
    int continuous)
{
	if (dur_ms < 1)
		dur_ms = 1;
	if (continuous && iv->have_frame && at_ms >= iv->frame_at) {
		if (at_ms == iv->frame_at)
			return;
		/* The previous frame's own dur_ms was counted with it. */
		intervals_add(iv, iv->frame_at, at_ms + dur_ms);
		iv->played_ms += at_ms - iv->frame_at;
	} else {
		intervals_add(iv, at_ms, at_ms + dur_ms);
		iv->played_ms += dur_ms;
	}
	iv->have_frame = 1;
	iv->frame_at = at_ms;
}

/* A stretch of monotonic time switched on and off: closed stretches add
 * up in total; an open one counts from since. */
static void
intervals_switch(struct intervals_span *sp, int on, int64_t now_ms)
{
	on = on != 0;
	if (on == sp->on)
		return;
	if (on)
		sp->since = now_ms;
	else if (now_ms > sp->since)
		sp->total += now_ms - sp->since;
	sp->on = on;
}

/* The span's time up to now_ms. */
static int64_t
intervals_span_ms(const struct intervals_span *sp, int64_t now_ms)
{
	if (sp->on && now_ms > sp->since)
		return sp->total + (now_ms - sp->since);
	return sp->total;
}

void
intervals_playing(struct intervals *iv, int playing, int64_t now_ms)
{
	intervals_switch(&iv->play, playing, now_ms);
}

void
intervals_visible(struct intervals *iv, int visible, int64_t now_ms)
{
	intervals_switch(&iv->screen, visible, now_ms);
}

void
intervals_count_seek(struct intervals *iv)
{
	iv->seeks++;
}

void
intervals_count_speed(struct intervals *iv)
{
	iv->speed_changes++;
}

size_t
intervals_list(const struct intervals *iv, const struct interval **list)
{
	*list = iv->list;
	return iv->n;
}

int64_t
intervals_shown_ms(const struct intervals *iv)
{
	int64_t total = 0;
	size_t i;

	for (i = 0; i < iv->n; i++)
		total += iv->list[i].to_ms - iv->list[i].from_ms;
	return total;
}

int64_t
intervals_played_ms(const struct intervals *iv)
{
	return iv->played_ms;
}

int64_t
intervals_play_ms(const struct intervals *iv, int64_t now_ms)
{
	return intervals_span_ms(&iv->play, now_ms);
}

int64_t
intervals_screen_ms(const struct intervals *iv, int64_t now_ms)
{
	return intervals_span_ms(&iv->screen, now_ms);
}

unsigned
intervals_seeks(const struct intervals *iv)
{
	return iv->seeks;
}

unsigned
intervals_speed_changes(const struct intervals *iv)
{
	return iv->speed_changes;
}

char *
intervals_json(const struct intervals *iv, int64_t now_ms)
{
	json_t *obj, *shown, *pair;
	char *out;
	size_t i;

	obj = json_object();
	shown = json_array();
	if (obj == NULL || shown == NULL)
		fatal("out of memory");
	for (i = 0; i < iv->n; i++) {
		pair = json_pack("[II]", (json_int_t)iv->list[i].from_ms,
		    (json_int_t)iv->list[i].to_ms);
		if (pair == NULL || json_array_append_new(shown, pair) != 0)
			fatal("out of memory");
	}
	if (json_object_set_new(obj, "shown", shown) != 0 ||
	    json_object_set_new(obj, "shown_ms",
	    json_integer(intervals_shown_ms(iv))) != 0 ||
	    json_object_set_new(obj, "played_ms",
	    json_integer(iv->played_ms)) != 0 ||
	    json_object_set_new(obj, "wall_ms",
	    json_integer(intervals_screen_ms(iv, now_ms))) != 0 ||
	    json_object_set_new(obj, "play_ms",
	    json_integer(intervals_play_ms(iv, now_ms))) != 0 ||
	    json_object_set_new(obj, "seeks", json_integer(iv->seeks)) != 0 ||
	    json_object_set_new(obj, "speed_changes",
	    json_integer(iv->speed_changes)) != 0)
		fatal("out of memory");
	if ((out = jtext_dump(obj, JSON_COMPACT | JSON_PRESERVE_ORDER)) == NULL)
		fatal("out of memory");
	return out;
}

/* Writes len bytes of buf to fd, retrying short writes. */
static int
intervals_write_all(int fd, const char *buf, size_t len)
{
	ssize_t n;

	while (len > 0) {
		n = write(fd, buf, len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

int
intervals_checkpoint(const struct intervals *iv, int64_t now_ms,
    const char *path, char **cause)
{
	char tmp[PATH_MAX], dir[PATH_MAX];
	char *json, *slash;
	int fd, dfd, saved;
	size_t len;

	if (snprintf(tmp, sizeof tmp, "%s.tmp", path) >= (int)sizeof tmp)
		return cause_set(cause, "%s: path too long", path);
	if (snprintf(dir, sizeof dir, "%s", path) >= (int)sizeof dir)
		return cause_set(cause, "%s: path too long", path);
	if ((slash = strrchr(dir, '/')) == NULL)
		strcpy(dir, ".");
	else if (slash == dir)
		dir[1] = '\0';
	else
		*slash = '\0';

	json = intervals_json(iv, now_ms);
	len = strlen(json);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC,
	    0600);
	if (fd == -1) {
		saved = errno;
		free(json);
		return cause_set(cause, "%s: %s", tmp, strerror(saved));
	}
	if (intervals_write_all(fd, json, len) != 0 ||
	    intervals_write_all(fd, "\n", 1) != 0 || fsync(fd) != 0) {
		saved = errno;
		close(fd);
		unlink(tmp);
		free(json);
		return cause_set(cause, "%s: %s", tmp, strerror(saved));
	}
	free(json);
	if (close(fd) != 0) {
		saved = errno;
		unlink(tmp);
		return cause_set(cause, "%s: %s", tmp, strerror(saved));
	}
	if (rename(tmp, path) != 0) {
		saved = errno;
		unlink(tmp);
		return cause_set(cause, "%s: %s", path, strerror(saved));
	}
	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd == -1)
		return cause_set(cause, "%s: %s", dir, strerror(errno));
	if (fsync(dfd) != 0) {
		saved = errno;
		close(dfd);
		return cause_set(cause, "%s: %s", dir, strerror(saved));
	}
	close(dfd);
	return 0;
}
