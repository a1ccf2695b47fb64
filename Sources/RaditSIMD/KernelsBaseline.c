// Baseline path: 4 lanes, the architecture's minimum (SSE2 on x86-64, NEON on arm64).
#define LANES 4
#define TABLE_NAME radit_simd_table_baseline
#include "KernelBody.h"
