// Picks the kernel table once, before main (a constructor), from the CPU's features and
// RADIT_SIMD; the public functions forward through it.
#include "RaditSIMD.h"
#include "Table.h"
#include <stdlib.h>
#include <string.h>

static const RaditSIMDTable *active_table = &radit_simd_table_baseline;
static RaditSIMDPath active_path = RADIT_SIMD_BASELINE;
static char refused[32];

static const RaditSIMDTable *table_for(RaditSIMDPath path) {
    switch (path) {
    case RADIT_SIMD_BASELINE: return &radit_simd_table_baseline;
#if defined(__x86_64__)
    case RADIT_SIMD_AVX2: return &radit_simd_table_avx2;
    case RADIT_SIMD_AVX512: return &radit_simd_table_avx512;
#endif
    default: return NULL;
    }
}

int radit_simd_supported(RaditSIMDPath path) {
    switch (path) {
    case RADIT_SIMD_BASELINE: return 1;
#if defined(__x86_64__)
    case RADIT_SIMD_AVX2:
        __builtin_cpu_init();
        return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    case RADIT_SIMD_AVX512:
        __builtin_cpu_init();
        return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq")
            && __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512bw")
            && radit_simd_supported(RADIT_SIMD_AVX2);
#endif
    default: return 0;
    }
}

int radit_simd_select(RaditSIMDPath path) {
    const RaditSIMDTable *t = table_for(path);
    if (!t || !radit_simd_supported(path)) return 0;
    __atomic_store_n(&active_table, t, __ATOMIC_RELEASE);
    __atomic_store_n(&active_path, path, __ATOMIC_RELEASE);
    return 1;
}

RaditSIMDPath radit_simd_active(void) { return __atomic_load_n(&active_path, __ATOMIC_ACQUIRE); }

int radit_simd_lanes(RaditSIMDPath path) {
    const RaditSIMDTable *t = table_for(path);
    return t ? t->lanes : 0;
}

const char *radit_simd_refused(void) { return refused[0] ? refused : NULL; }

static RaditSIMDPath best_path(void) {
    for (int p = RADIT_SIMD_AVX512; p > RADIT_SIMD_BASELINE; p--)
        if (radit_simd_supported((RaditSIMDPath)p)) return (RaditSIMDPath)p;
    return RADIT_SIMD_BASELINE;
}

int radit_simd_request(const char *name) {
    refused[0] = 0;
    if (name && *name) {
        static const char *names[] = {"baseline", "avx2", "avx512"};
        for (int p = 0; p < 3; p++)
            if (strcmp(name, names[p]) == 0 && radit_simd_select((RaditSIMDPath)p)) return 1;
        strncpy(refused, name, sizeof refused - 1);
        radit_simd_select(best_path());
        return 0;
    }
    radit_simd_select(best_path());
    return 1;
}

__attribute__((constructor)) static void radit_simd_start(void) { radit_simd_request(getenv("RADIT_SIMD")); }

#define T (__atomic_load_n(&active_table, __ATOMIC_ACQUIRE))

void radit_erf(float *out, const float *x, long n) { T->erf(out, x, n); }
void radit_gelu_forward(float *out, const float *x, long n, int exact) { T->gelu_forward(out, x, n, exact); }
void radit_gelu_backward(float *dx, const float *dy, const float *x, long n, int exact) { T->gelu_backward(dx, dy, x, n, exact); }
void radit_silu_forward(float *out, const float *x, long n) { T->silu_forward(out, x, n); }
void radit_silu_backward(float *dx, const float *dy, const float *x, long n) { T->silu_backward(dx, dy, x, n); }
void radit_swiglu_forward(float *out, const float *gate, const float *up, long n) { T->swiglu_forward(out, gate, up, n); }
void radit_swiglu_backward(float *dGate, float *dUp, const float *dy, const float *gate, const float *up, long n) {
    T->swiglu_backward(dGate, dUp, dy, gate, up, n);
}
float radit_max(const float *x, long n) { return T->max(x, n); }
float radit_exp_shifted_sum(float *out, const float *x, long n, float shift) { return T->exp_shifted_sum(out, x, n, shift); }
void radit_exp_shifted_axpy(float *y, const float *x, long n, float shift, float a) { T->exp_shifted_axpy(y, x, n, shift, a); }
void radit_scale(float *x, long n, float a) { T->scale(x, n, a); }
void radit_softmax_rows(float *out, const float *x, long rows, long cols) { T->softmax_rows(out, x, rows, cols); }
void radit_softmax_masked_row(float *row, long count, long limit, const uint8_t *mask) {
    T->softmax_masked_row(row, count, limit, mask);
}
void radit_layernorm_forward(float *out, float *mean, float *rstd, const float *x, const float *weight,
                             const float *bias, long rows, long dim, float eps) {
    T->layernorm_forward(out, mean, rstd, x, weight, bias, rows, dim, eps);
}
void radit_layernorm_backward(float *dx, float *dWeight, float *dBias, const float *dy, const float *x,
                              const float *weight, const float *mean, const float *rstd, long rows, long dim) {
    T->layernorm_backward(dx, dWeight, dBias, dy, x, weight, mean, rstd, rows, dim);
}
void radit_rmsnorm_forward(float *out, float *rstd, const float *x, const float *weight, long rows, long dim, float eps) {
    T->rmsnorm_forward(out, rstd, x, weight, rows, dim, eps);
}
void radit_rmsnorm_backward(float *dx, float *dWeight, const float *dy, const float *x, const float *weight,
                            const float *rstd, long rows, long dim) {
    T->rmsnorm_backward(dx, dWeight, dy, x, weight, rstd, rows, dim);
}
void radit_adamw(float *p, const float *g, float *m, float *v, long n, float decay, float stepSize,
                 float invSqrtBc2, float beta1, float beta2, float eps) {
    T->adamw(p, g, m, v, n, decay, stepSize, invSqrtBc2, beta1, beta2, eps);
}
float radit_dot(const float *a, const float *b, long n) { return T->dot(a, b, n); }
float radit_l2sq(const float *a, const float *b, long n) { return T->l2sq(a, b, n); }
void radit_dot4(float *out, const float *q, const float *b0, const float *b1, const float *b2, const float *b3, long n) {
    T->dot4(out, q, b0, b1, b2, b3, n);
}
void radit_l2sq4(float *out, const float *q, const float *b0, const float *b1, const float *b2, const float *b3, long n) {
    T->l2sq4(out, q, b0, b1, b2, b3, n);
}
