// The per-path function table: KernelBody.h fills one per vector width, Dispatch.c picks one.
#ifndef RADIT_SIMD_TABLE_H
#define RADIT_SIMD_TABLE_H
#include <stdint.h>

typedef struct {
    int lanes;
    void (*erf)(float *, const float *, long);
    void (*gelu_forward)(float *, const float *, long, int);
    void (*gelu_backward)(float *, const float *, const float *, long, int);
    void (*silu_forward)(float *, const float *, long);
    void (*silu_backward)(float *, const float *, const float *, long);
    void (*swiglu_forward)(float *, const float *, const float *, long);
    void (*swiglu_backward)(float *, float *, const float *, const float *, const float *, long);
    float (*max)(const float *, long);
    float (*exp_shifted_sum)(float *, const float *, long, float);
    void (*exp_shifted_axpy)(float *, const float *, long, float, float);
    void (*scale)(float *, long, float);
    void (*softmax_rows)(float *, const float *, long, long);
    void (*softmax_masked_row)(float *, long, long, const uint8_t *);
    void (*layernorm_forward)(float *, float *, float *, const float *, const float *, const float *, long, long, float);
    void (*layernorm_backward)(float *, float *, float *, const float *, const float *, const float *,
                               const float *, const float *, long, long);
    void (*rmsnorm_forward)(float *, float *, const float *, const float *, long, long, float);
    void (*rmsnorm_backward)(float *, float *, const float *, const float *, const float *, const float *, long, long);
    void (*adamw)(float *, const float *, float *, float *, long, float, float, float, float, float, float);
    float (*dot)(const float *, const float *, long);
    float (*l2sq)(const float *, const float *, long);
    void (*dot4)(float *, const float *, const float *, const float *, const float *, const float *, long);
    void (*l2sq4)(float *, const float *, const float *, const float *, const float *, const float *, long);
} RaditSIMDTable;

extern const RaditSIMDTable radit_simd_table_baseline;
#if defined(__x86_64__)
extern const RaditSIMDTable radit_simd_table_avx2;
extern const RaditSIMDTable radit_simd_table_avx512;
#endif

#endif
