// AVX2 + FMA path: 8 lanes; only ever called after the CPU reported both features.
#if defined(__x86_64__)
#pragma clang attribute push(__attribute__((target("avx2,fma"))), apply_to = function)
#define LANES 8
#define TABLE_NAME radit_simd_table_avx2
#include "KernelBody.h"
#pragma clang attribute pop
#endif
