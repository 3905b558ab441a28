#ifndef REPLSIM_CCRC64_H
#define REPLSIM_CCRC64_H

#include <stddef.h>
#include <stdint.h>

/// What this CPU offers for the folding CRC (CPUID, and XGETBV for the OS's AVX-512 state):
/// 0 nothing (and every non-x86-64 build): use a table; 1 PCLMULQDQ + SSE4.1: `replsim_crc64_nvme_clmul`;
/// 2 also AVX512F + AVX512VL + VPCLMULQDQ: `replsim_crc64_nvme_vpclmul` as well.
int replsim_crc64_nvme_clmul_available(void);

/// Advances a CRC-64/NVME shift register (the *pre-inverted* state, ~crc) over `length` bytes at `bytes` with
/// 128-bit carry-less multiplication (PCLMULQDQ). Same result as the bit-reflected table algorithm for the
/// reflected polynomial 0x9A6C9329AC4BC9B5 without the initial and final inversion.
/// Call only when `replsim_crc64_nvme_clmul_available()` returned 1 or more.
uint64_t replsim_crc64_nvme_clmul(uint64_t register_state, const void *bytes, size_t length);

/// The same with 512-bit carry-less multiplication (VPCLMULQDQ on ZMM registers), 256 bytes per step.
/// Call only when `replsim_crc64_nvme_clmul_available()` returned 2.
uint64_t replsim_crc64_nvme_vpclmul(uint64_t register_state, const void *bytes, size_t length);

#endif
