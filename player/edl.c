/* edl — a declared range as one mpv EDL timeline: the usable items back to
 * back, and the mapping between timeline positions and recording time. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "player/player.h"
#include "util/util.h"

/* More items than a day of 10-second segments is not a view. */
#define EDL_MAX_ITEMS	100000

struct edl_entry {
	struct player_item	 item;		/* path owned */
	char			*mpv_path;	/* as written into the EDL */
	int			 usable;
	int64_t			 tl_start;	/* when usable */
};

struct edl {
	struct edl_entry	*e;
	size_t			 n;
	size_t			*use;		/* indices of the usable items */
	size_t			 n_use;
	int64_t			 from_ms;
	int64_t			 to_ms;
	int64_t			 duration;
};

static void edl_layout(struct edl *e);
static void edl_append(char **buf, size_t *len, size_t *alloc,
    const char *s, size_t n);
static void edl_append_ms(char **buf, size_t *len, size_t *alloc,
    int64_t ms);
static int edl_first(const struct edl *e);
static int edl_last(const struct edl *e);

struct edl *
edl_new(const struct player_range *range, char **cause)
{
	const struct player_item *it;
	struct edl *e;
	size_t i;

	if (range->from_ms >= range->to_ms) {
		cause_set(cause, "empty range");
		return NULL;
	}
	if (range->n_items == 0 || range->items == NULL) {
		cause_set(cause, "no footage in the range");
		return NULL;
	}
	if (range->n_items > EDL_MAX_ITEMS) {
		cause_set(cause, "too many segments in the range (%zu)",
		    range->n_items);
		return NULL;
	}
	if (range->cap_ms < 0) {
		cause_set(cause, "negative playback cap");
		return NULL;
	}
	for (i = 0; i < range->n_items; i++) {
		it = &range->items[i];
		if (it->path == NULL || it->path[0] == '\0') {
			cause_set(cause, "segment %zu has no file", i);
			return NULL;
		}
		if (it->length_ms <= 0 || it->offset_ms < 0) {
			cause_set(cause, "segment %zu has a bad offset or length",
			    i);
			return NULL;
		}
		if (it->start_ms < range->from_ms ||
		    it->start_ms > range->to_ms - it->length_ms) {
			cause_set(cause, "segment %zu lies outside the range", i);
			return NULL;
		}
		if (i > 0 && it->start_ms < range->items[i - 1].start_ms +
		    range->items[i - 1].length_ms) {
			cause_set(cause, "segment %zu overlaps the one before",
			    i);
			return NULL;
		}
	}

	e = xcalloc(1, sizeof *e);
	e->e = xcalloc(range->n_items, sizeof *e->e);
	e->use = xcalloc(range->n_items, sizeof *e->use);
	e->n = range->n_items;
	e->from_ms = range->from_ms;
	e->to_ms = range->to_ms;
	for (i = 0; i < e->n; i++) {
		it = &range->items[i];
		e->e[i].item = *it;
		e->e[i].item.path = xstrdup(it->path);
		/* A relative name must not read as a URL ("x://"). */
		if (it->path[0] == '/')
			e->e[i].mpv_path = xstrdup(it->path);
		else
			e->e[i].mpv_path = xasprintf("./%s", it->path);
		e->e[i].usable = 1;
	}
	edl_layout(e);
	return e;
}

void
edl_free(struct edl *e)
{
	size_t i;

	if (e == NULL)
		return;
	for (i = 0; i < e->n; i++) {
		free((char *)e->e[i].item.path);
		free(e->e[i].mpv_path);
	}
	free(e->e);
	free(e->use);
	free(e);
}

/* Places the usable items back to back on the timeline. */
static void
edl_layout(struct edl *e)
{
	int64_t t = 0;
	size_t i;

	e->n_use = 0;
	for (i = 0; i < e->n; i++) {
		if (!e->e[i].usable) {
			e->e[i].tl_start = -1;
			continue;
		}
		e->use[e->n_use++] = i;
		e->e[i].tl_start = t;
		t += e->e[i].item.length_ms;
	}
	e->duration = t;
}

void
edl_exclude(struct edl *e, size_t item)
{
	if (item >= e->n || !e->e[item].usable)
		return;
	e->e[item].usable = 0;
	edl_layout(e);
}

int
edl_usable(const struct edl *e, size_t item)
{
	return item < e->n && e->e[item].usable;
}

size_t
edl_items(const struct edl *e)
{
	return e->n;
}

const struct player_item *
edl_item(const struct edl *e, size_t item)
{
	if (item >= e->n)
		return NULL;
	return &e->e[item].item;
}

static void
edl_append(char **buf, size_t *len, size_t *alloc, const char *s, size_t n)
{
	if (*len + n + 1 > *alloc) {
		while (*len + n + 1 > *alloc)
			*alloc = *alloc ? *alloc * 2 : 256;
		*buf = xrealloc(*buf, *alloc);
	}
	memcpy(*buf + *len, s, n);
	*len += n;
	(*buf)[*len] = '\0';
}

/* Appends ms as seconds with three decimals, independent of the locale. */
static void
edl_append_ms(char **buf, size_t *len, size_t *alloc, int64_t ms)
{
	char tmp[32];
	int n;

	n = snprintf(tmp, sizeof tmp, "%" PRId64 ".%03" PRId64, ms / 1000,
	    ms % 1000);
	edl_append(buf, len, alloc, tmp, (size_t)n);
}

char *
edl_url(const struct edl *e)
{
	static const char head[] = "edl://!no_chapters;";
	char *buf = NULL, tmp[32];
	size_t len = 0, alloc = 0, i, plen;
	int n;

	if (e->duration == 0)
		return NULL;
	edl_append(&buf, &len, &alloc, head, sizeof head - 1);
	for (i = 0; i < e->n; i++) {
		if (!e->e[i].usable)
			continue;
		/* %<bytes>% quotes any file name, commas and all. */
		plen = strlen(e->e[i].mpv_path);
		n = snprintf(tmp, sizeof tmp, "%%%zu%%", plen);
		edl_append(&buf, &len, &alloc, tmp, (size_t)n);
		edl_append(&buf, &len, &alloc, e->e[i].mpv_path, plen);
		edl_append(&buf, &len, &alloc, ",start=", 7);
		edl_append_ms(&buf, &len, &alloc, e->e[i].item.offset_ms);
		edl_append(&buf, &len, &alloc, ",length=", 8);
		edl_append_ms(&buf, &len, &alloc, e->e[i].item.length_ms);
		edl_append(&buf, &len, &alloc, ";", 1);
	}
	return buf;
}

int64_t
edl_duration(const struct edl *e)
{
	return e->duration;
}

static int
edl_first(const struct edl *e)
{
	return e->n_use ? (int)e->use[0] : -1;
}

static int
edl_last(const struct edl *e)
{
	return e->n_use ? (int)e->use[e->n_use - 1] : -1;
}

int
edl_item_at(const struct edl *e, int64_t tl_ms)
{
	size_t lo = 0, hi = e->n_use, mid;

	if (e->n_use == 0)
		return -1;
	/* The last usable item that starts at or before tl_ms. */
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (e->e[e->use[mid]].tl_start <= tl_ms)
			lo = mid + 1;
		else
			hi = mid;
	}
	return (int)e->use[lo == 0 ? 0 : lo - 1];
}

int64_t
edl_item_start(const struct edl *e, size_t item)
{
	if (item >= e->n || !e->e[item].usable)
		return -1;
	return e->e[item].tl_start;
}

int
edl_item_next(const struct edl *e, int item, int dir)
{
	int i;

	if (dir >= 0) {
		for (i = item + 1; i < (int)e->n; i++)
			if (e->e[i].usable)
				return i;
	} else {
		for (i = item - 1; i >= 0; i--)
			if (i < (int)e->n && e->e[i].usable)
				return i;
	}
	return -1;
}

int64_t
edl_to_recording(const struct edl *e, int64_t tl_ms)
{
	const struct edl_entry *en;
	int k;

	k = edl_item_at(e, tl_ms);
	if (k < 0)
		return e->from_ms;
	en = &e->e[k];
	if (tl_ms < en->tl_start)
		tl_ms = en->tl_start;
	if (tl_ms > en->tl_start + en->item.length_ms)
		tl_ms = en->tl_start + en->item.length_ms;
	return en->item.start_ms + (tl_ms - en->tl_start);
}

int64_t
edl_to_timeline(const struct edl *e, int64_t rec_ms, int dir,
    int64_t frame_ms, int *clamped)
{
	const struct edl_entry *en, *prev = NULL;
	int64_t last;
	size_t lo, hi, mid;
	int first, lastk;

	*clamped = 0;
	first = edl_first(e);
	lastk = edl_last(e);
	if (first < 0)
		return 0;
	last = e->duration - frame_ms;
	if (last < 0)
		last = 0;

	if (rec_ms < e->e[first].item.start_ms) {
		if (dir < 0 || rec_ms < e->from_ms)
			*clamped = -1;
		return 0;
	}
	en = &e->e[lastk];
	if (rec_ms >= en->item.start_ms + en->item.length_ms) {
		if (dir >= 0 || rec_ms >= e->to_ms) {
			*clamped = 1;
			return last;
		}
		/* Going back from the trailing gap: the last frame. */
		return last < en->tl_start ? en->tl_start : last;
	}

	/* The first item (usable or not) that ends after rec_ms. */
	lo = 0;
	hi = e->n;
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (e->e[mid].item.start_ms + e->e[mid].item.length_ms <= rec_ms)
			lo = mid + 1;
		else
			hi = mid;
	}
	/* Skip to a usable item: rec_ms is in it, or in the gap before it. */
	while (lo < e->n && !e->e[lo].usable)
		lo++;
	en = &e->e[lo];	/* exists: the last usable item ends after rec_ms */
	if (rec_ms >= en->item.start_ms)
		return en->tl_start + (rec_ms - en->item.start_ms);
	if (dir >= 0)
		return en->tl_start;
	/* In a gap going back: the last frame of the footage before. */
	if (lo > 0) {
		int pk = edl_item_next(e, (int)lo, -1);

		if (pk >= 0)
			prev = &e->e[pk];
	}
	if (prev == NULL)
		return 0;
	if (prev->item.length_ms > frame_ms)
		return prev->tl_start + prev->item.length_ms - frame_ms;
	return prev->tl_start;
}

int
edl_match_open_error(const struct edl *e, const char *text)
{
	static const char head[] = "EDL: Could not open source file '";
	size_t i, plen;
	const char *rest;

	if (strncmp(text, head, sizeof head - 1) != 0)
		return -1;
	rest = text + sizeof head - 1;
	for (i = 0; i < e->n; i++) {
		if (!e->e[i].usable)
			continue;
		plen = strlen(e->e[i].mpv_path);
		if (strncmp(rest, e->e[i].mpv_path, plen) == 0 &&
		    strncmp(rest + plen, "'.", 2) == 0 &&
		    (rest[plen + 2] == '\0' || strcmp(rest + plen + 2, "\n") == 0))
			return (int)i;
	}
	return -1;
}
