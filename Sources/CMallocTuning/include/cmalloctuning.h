#ifndef REPLSIM_CMALLOCTUNING_H
#define REPLSIM_CMALLOCTUNING_H

#include <stddef.h>

/// Asks glibc's malloc to keep up to `trim_threshold` bytes of freed memory per arena instead of returning it to
/// the kernel, and to serve requests below 32 MiB from the arenas (mallopt M_TRIM_THRESHOLD, M_MMAP_THRESHOLD).
/// Process-wide; returns 1 when both settings were taken, 0 otherwise (and on C libraries other than glibc).
int replsim_retain_freed_memory(size_t trim_threshold);

/// Returns the freed memory the arenas kept to the kernel (malloc_trim(0)), e.g. when the server has no
/// connection left. Returns 1 when memory was released, 0 otherwise (and on C libraries other than glibc).
int replsim_release_freed_memory(void);

#endif
