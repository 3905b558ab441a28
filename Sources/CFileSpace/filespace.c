// fallocate(2) wrappers; see include/cfilespace.h.
#define _GNU_SOURCE
#include "cfilespace.h"

#include <errno.h>

#if defined(__linux__)
#include <fcntl.h>
#include <linux/falloc.h>

int replsim_punch_hole(int fd, long long offset, long long length) {
    int rc;
    do {
        rc = fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, (off_t)offset, (off_t)length);
    } while (rc != 0 && errno == EINTR);
    return rc == 0 ? 0 : errno;
}

int replsim_reserve(int fd, long long offset, long long length) {
    int rc;
    do {
        rc = fallocate(fd, FALLOC_FL_KEEP_SIZE, (off_t)offset, (off_t)length);
    } while (rc != 0 && errno == EINTR);
    return rc == 0 ? 0 : errno;
}
#else
int replsim_punch_hole(int fd, long long offset, long long length) {
    (void)fd; (void)offset; (void)length;
    return EOPNOTSUPP;
}

int replsim_reserve(int fd, long long offset, long long length) {
    (void)fd; (void)offset; (void)length;
    return EOPNOTSUPP;
}
#endif
