#ifndef REPLSIM_CMALLOCTUNING_H
#define REPLSIM_CMALLOCTUNING_H

#include <stddef.h>

/// Asks glibc's malloc to keep up to `trim_threshold` bytes of freed memory instead of returning it to the kernel,
/// to serve requests below 32 MiB from its arenas, and to use one arena for all threads, so that
/// `replsim_release_freed_memory` can return all of it (mallopt M_TRIM_THRESHOLD, M_MMAP_THRESHOLD, M_ARENA_MAX).
/// Process-wide, to be called before other threads allocate; returns 1 when every setting was taken, 0 otherwise
/// (and on C libraries other than glibc).
int replsim_retain_freed_memory(size_t trim_threshold);

/// Returns the freed memory the arenas kept to the kernel (malloc_trim(0)), e.g. when the server has no
/// connection left. Returns 1 when memory was released, 0 otherwise (and on C libraries other than glibc).
int replsim_release_freed_memory(void);

#endif
