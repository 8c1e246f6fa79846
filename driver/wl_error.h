#ifndef WL_ERROR_H
#define WL_ERROR_H
/* Error reporting for libwaferlet: every fallible call returns a wl_status and, on
 * failure, fills a caller-owned wl_error with one line a person can act on. */

typedef enum {
    WL_OK = 0,
    WL_ERR_IO = 1,          /* file could not be opened or read */
    WL_ERR_FORMAT = 2,      /* file contents are not what the format says */
    WL_ERR_NOMEM = 3,       /* allocation failed */
    WL_ERR_ARG = 4,         /* a caller passed an invalid argument */
    WL_ERR_UNSUPPORTED = 5, /* valid request the device cannot do */
    WL_ERR_DEVICE = 6,      /* device failed while running */
    WL_ERR_NOSPACE = 7      /* the model does not fit the device */
} wl_status;

typedef struct {
    char msg[320];
} wl_error;

/* Formats the message into err (if non-NULL) and returns code, so call sites can
 * write `return wl_fail(err, WL_ERR_IO, "...", ...);`. */
int wl_fail(wl_error *err, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
