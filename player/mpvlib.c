/* mpvlib — libmpv is loaded when the first player is made, not when vigil
 * starts: it pulls in some two hundred libraries (X11, Wayland, audio),
 * which would cost every vigil process, the login screen and each command
 * line tool, tens of milliseconds.  These definitions of the libmpv
 * functions vigil uses forward to the library once loaded. */
#include <dlfcn.h>
#include <pthread.h>
#include <stddef.h>

#include <mpv/client.h>

#define MPVLIB_FUNCS							\
	X(const char *, mpv_error_string, (int e), (e), "libmpv is not "	\
	    "available")						\
	X(mpv_handle *, mpv_create, (void), (), NULL)			\
	X(int, mpv_initialize, (mpv_handle *c), (c), MPV_ERROR_GENERIC)	\
	X(void, mpv_terminate_destroy, (mpv_handle *c), (c), )		\
	X(int, mpv_set_option_string, (mpv_handle *c, const char *n,	\
	    const char *d), (c, n, d), MPV_ERROR_GENERIC)		\
	X(int, mpv_command, (mpv_handle *c, const char **a), (c, a),	\
	    MPV_ERROR_GENERIC)						\
	X(int, mpv_command_async, (mpv_handle *c, uint64_t u,		\
	    const char **a), (c, u, a), MPV_ERROR_GENERIC)		\
	X(int, mpv_command_node_async, (mpv_handle *c, uint64_t u,	\
	    mpv_node *a), (c, u, a), MPV_ERROR_GENERIC)			\
	X(int, mpv_observe_property, (mpv_handle *c, uint64_t u,		\
	    const char *n, mpv_format f), (c, u, n, f), MPV_ERROR_GENERIC) \
	X(int, mpv_request_log_messages, (mpv_handle *c, const char *l),	\
	    (c, l), MPV_ERROR_GENERIC)					\
	X(mpv_event *, mpv_wait_event, (mpv_handle *c, double t), (c, t), \
	    NULL)							\
	X(void, mpv_set_wakeup_callback, (mpv_handle *c,		\
	    void (*cb)(void *), void *d), (c, cb, d), )

static struct {
#define X(ret, name, params, args, fallback) ret (*name) params;
	MPVLIB_FUNCS
#undef X
} mpvlib;

static pthread_once_t mpvlib_once = PTHREAD_ONCE_INIT;
static int mpvlib_ok;

static void
mpvlib_load(void)
{
	void *h;

	if ((h = dlopen("libmpv.so.2", RTLD_NOW | RTLD_LOCAL)) == NULL &&
	    (h = dlopen("libmpv.so", RTLD_NOW | RTLD_LOCAL)) == NULL)
		return;
#define X(ret, name, params, args, fallback)				\
	if ((*(void **)&mpvlib.name = dlsym(h, #name)) == NULL)		\
		return;
	MPVLIB_FUNCS
#undef X
	mpvlib_ok = 1;	/* the library stays loaded until exit */
}

#define X(ret, name, params, args, fallback)				\
ret name params;							\
ret									\
name params								\
{									\
	pthread_once(&mpvlib_once, mpvlib_load);			\
	if (!mpvlib_ok)							\
		return fallback;					\
	return mpvlib.name args;					\
}
MPVLIB_FUNCS
#undef X
