// CRC-64/NVME speed: the carry-less-multiply folding of Sources/CCRC64 against the byte-wise table, one thread,
// 64 MiB buffer in memory, best of 5. Built and run by crc64-speed.sh.
#include "ccrc64.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static uint64_t bytewise(uint64_t reg, const unsigned char *p, size_t n) {
    for (size_t i = 0; i < n; i++) {
        reg ^= p[i];
        for (int k = 0; k < 8; k++) reg = (reg & 1) ? (reg >> 1) ^ 0x9A6C9329AC4BC9B5ULL : reg >> 1;
    }
    return reg;
}

static double seconds(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec / 1e9;
}

int main(void) {
    if (!replsim_crc64_nvme_clmul_available()) {
        printf("this CPU has no PCLMULQDQ/SSE4.1\n");
        return 1;
    }
    const size_t size = 64u << 20;
    unsigned char *buffer = malloc(size);
    if (!buffer) return 1;
    for (size_t i = 0; i < size; i++) buffer[i] = (unsigned char)(i * 2654435761u >> 13);
    // Agreement first (1 MiB), so a wrong build cannot report a speed.
    if (replsim_crc64_nvme_clmul(~0ULL, buffer, 1u << 20) != bytewise(~0ULL, buffer, 1u << 20)) {
        printf("MISMATCH between folding and the bit-wise definition\n");
        return 1;
    }
    double best = 1e9;
    uint64_t sink = 0;
    for (int round = 0; round < 5; round++) {
        double start = seconds();
        sink ^= replsim_crc64_nvme_clmul(~0ULL, buffer, size);
        double took = seconds() - start;
        if (took < best) best = took;
    }
    printf("crc64-nvme folding: %.2f GB/s (64 MiB, best of 5, result %016llx)\n", size / best / 1e9,
           (unsigned long long)sink);
    free(buffer);
    return 0;
}
