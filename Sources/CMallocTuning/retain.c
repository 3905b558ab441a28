// glibc malloc tuning for a process that allocates and frees the same large buffers all the time (the blob ingress
// server's receive buffers, up to 1 MiB each). By default glibc trims the top of an arena past 128 KiB of free
// memory, so the next request's buffers fault in fresh zeroed pages again. One arena: malloc_trim returns the free
// memory inside every arena, but shrinks the top of the main arena only, so memory kept at the top of a per-thread
// arena would stay with the process for good (glibc malloc/malloc.c, mtrim and systrim).
#include "cmalloctuning.h"

#include <stdlib.h> // defines __GLIBC__ on glibc (through features.h)

#if defined(__GLIBC__)
#include <malloc.h>

int replsim_retain_freed_memory(size_t trim_threshold) {
    int trim = mallopt(M_TRIM_THRESHOLD, trim_threshold > 0x7fffffff ? 0x7fffffff : (int)trim_threshold);
    int mmap = mallopt(M_MMAP_THRESHOLD, 32 << 20);
    int arenas = mallopt(M_ARENA_MAX, 1);
    return trim == 1 && mmap == 1 && arenas == 1;
}

int replsim_release_freed_memory(void) { return malloc_trim(0); }
#else
int replsim_release_freed_memory(void) { return 0; }

int replsim_retain_freed_memory(size_t trim_threshold) {
    (void)trim_threshold;
    return 0;
}
#endif
