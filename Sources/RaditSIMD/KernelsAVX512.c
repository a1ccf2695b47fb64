// AVX-512 path: 16 lanes (AVX-512F with DQ/VL/BW for the mask and byte conversions);
// only ever called after the CPU reported those features.
#if defined(__x86_64__)
#pragma clang attribute push(__attribute__((target("avx512f,avx512dq,avx512vl,avx512bw,avx2,fma"))), apply_to = function)
#define LANES 16
#define TABLE_NAME radit_simd_table_avx512
#include "KernelBody.h"
#pragma clang attribute pop
#endif
