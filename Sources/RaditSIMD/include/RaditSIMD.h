// RaditSIMD: Float32 elementwise and reduction kernels compiled once per vector width
// (baseline: SSE2 on x86-64, NEON on arm64; AVX2+FMA; AVX-512) and chosen once at start-up
// from the CPU's features, so one binary runs on any machine of its architecture and uses
// the widest vectors it has. RADIT_SIMD=baseline|avx2|avx512 forces a path (a path the CPU
// lacks is refused and the best supported one kept; `radit_simd_refused` says so).
// Every function here has a naive twin in RaditKernels / RaditIndex that tests compare
// against on every path the machine supports.
#ifndef RADIT_SIMD_H
#define RADIT_SIMD_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Vector paths, narrowest first.
typedef enum {
    RADIT_SIMD_BASELINE = 0,
    RADIT_SIMD_AVX2 = 1,
    RADIT_SIMD_AVX512 = 2,
} RaditSIMDPath;

/// The path every call below takes now.
RaditSIMDPath radit_simd_active(void);
/// Whether this CPU (and this build) can run `path`.
int radit_simd_supported(RaditSIMDPath path);
/// Switches every later call to `path`; returns 0 (and changes nothing) when unsupported.
int radit_simd_select(RaditSIMDPath path);
/// Lane count of `path` (4, 8 or 16).
int radit_simd_lanes(RaditSIMDPath path);
/// What start-up does with RADIT_SIMD's value: selects the named path ("baseline", "avx2",
/// "avx512"), or for NULL/"" the widest supported one. An unknown name or a path this CPU
/// lacks selects the widest supported path, is remembered for `radit_simd_refused`, and
/// returns 0.
int radit_simd_request(const char *name);
/// The RADIT_SIMD value that start-up refused (unknown name or a path this CPU lacks), or
/// NULL when it was honoured or unset.
const char *radit_simd_refused(void);

// MARK: activations (n values; `out` may equal the input)

/// erf(x) lane-wise (Numerical Recipes' erfcc, |error| < 1.2e−7); exp is
/// `radit_exp_shifted_sum(out, x, n, 0)`.
void radit_erf(float *out, const float *x, long n);

/// GELU: `exact` != 0 → 0.5 x (1 + erf(x/√2)); else the tanh form.
void radit_gelu_forward(float *out, const float *x, long n, int exact);
/// dx += dy · gelu′(x).
void radit_gelu_backward(float *dx, const float *dy, const float *x, long n, int exact);
/// SiLU x·σ(x).
void radit_silu_forward(float *out, const float *x, long n);
void radit_silu_backward(float *dx, const float *dy, const float *x, long n);
/// SwiGLU out = silu(gate) ⊙ up; backward adds into dGate / dUp (either may be NULL).
void radit_swiglu_forward(float *out, const float *gate, const float *up, long n);
void radit_swiglu_backward(float *dGate, float *dUp, const float *dy, const float *gate,
                           const float *up, long n);

// MARK: row reductions

/// Largest of n values (−∞ for none).
float radit_max(const float *x, long n);
/// out[i] = e^(x[i] − shift) (out may be NULL or equal x); returns Σ e^(x[i] − shift).
float radit_exp_shifted_sum(float *out, const float *x, long n, float shift);
/// y[i] += a · e^(x[i] − shift).
void radit_exp_shifted_axpy(float *y, const float *x, long n, float shift, float a);
/// x[i] *= a.
void radit_scale(float *x, long n, float a);
/// Row-wise softmax of (rows, cols); out may equal x.
void radit_softmax_rows(float *out, const float *x, long rows, long cols);
/// In place, one attention row: softmax over row[0..<limit] where mask[j] != 0 (mask may be
/// NULL), zeros elsewhere (and everywhere when no key is visible).
void radit_softmax_masked_row(float *row, long count, long limit, const uint8_t *mask);

// MARK: normalisation (rows × dim; bias, dInput, dWeight, dBias may be NULL)

void radit_layernorm_forward(float *out, float *mean, float *rstd, const float *x, const float *weight,
                             const float *bias, long rows, long dim, float eps);
void radit_layernorm_backward(float *dx, float *dWeight, float *dBias, const float *dy, const float *x,
                              const float *weight, const float *mean, const float *rstd, long rows, long dim);
void radit_rmsnorm_forward(float *out, float *rstd, const float *x, const float *weight,
                           long rows, long dim, float eps);
void radit_rmsnorm_backward(float *dx, float *dWeight, const float *dy, const float *x,
                            const float *weight, const float *rstd, long rows, long dim);

// MARK: optimiser

/// AdamW in PyTorch's arrangement: m ← β1 m + (1−β1) g; v ← β2 v + (1−β2) g²;
/// p ← p·decay − stepSize · m / (√v · invSqrtBc2 + eps).
void radit_adamw(float *p, const float *g, float *m, float *v, long n, float decay, float stepSize,
                 float invSqrtBc2, float beta1, float beta2, float eps);

// MARK: distances

/// Σ a[i] b[i].
float radit_dot(const float *a, const float *b, long n);
/// Σ (a[i] − b[i])².
float radit_l2sq(const float *a, const float *b, long n);
/// out[j] = Σ q[i] b_j[i] for j = 0…3 (q loaded once for the four).
void radit_dot4(float *out, const float *q, const float *b0, const float *b1, const float *b2, const float *b3, long n);
/// out[j] = Σ (q[i] − b_j[i])² for j = 0…3.
void radit_l2sq4(float *out, const float *q, const float *b0, const float *b1, const float *b2, const float *b3, long n);

/// Hint that `p` (and the next cache lines up to `bytes`) will be read soon.
static inline void radit_prefetch(const void *p, long bytes) {
    const char *c = (const char *)p;
    for (long i = 0; i < bytes; i += 64) __builtin_prefetch(c + i, 0, 3);
}

#ifdef __cplusplus
}
#endif
#endif
