// The kernels, written once with clang vector extensions and compiled once per path: a
// Kernels<Path>.c file defines LANES and TABLE_NAME, puts its target attribute on every
// function (#pragma clang attribute) and includes this file. Polynomials are those of
// RaditKernels/FastMath.swift: Cephes expf (~2 ulp on [−87, 88]) and Numerical Recipes'
// erfcc (|error| < 1.2e−7). A tail shorter than a vector runs the same vector code on a
// zero-padded copy, so every element takes the same arithmetic.
#include <math.h>
#include <stdint.h>
#include <string.h>
#include "Table.h"

typedef float vf __attribute__((vector_size(LANES * 4)));
typedef int32_t vi __attribute__((vector_size(LANES * 4)));
typedef uint8_t vb __attribute__((vector_size(LANES)));

#define INL static inline __attribute__((always_inline))

INL vf splat(float x) { vf v = {0}; return v + x; }
INL vf load(const float *p) { vf v; memcpy(&v, p, sizeof v); return v; }
INL void store(float *p, vf v) { memcpy(p, &v, sizeof v); }
INL vf load_n(const float *p, long n) { vf v = {0}; memcpy(&v, p, (size_t)n * 4); return v; }
INL void store_n(float *p, vf v, long n) { memcpy(p, &v, (size_t)n * 4); }
/// m ? a : b lane-wise (m lanes are all-ones or all-zeros).
INL vf sel(vi m, vf a, vf b) { return (vf)(((vi)a & m) | ((vi)b & ~m)); }
/// All-ones in lanes 0..<k.
INL vi first_lanes(long k) {
    vi idx;
    for (int i = 0; i < LANES; i++) idx[i] = i;
    return idx < (int32_t)k;
}
INL float hsum(vf v) {
    // Pairwise, so every path sums its lanes in a fixed tree.
    float t[LANES];
    memcpy(t, &v, sizeof t);
    for (int w = LANES / 2; w > 0; w /= 2)
        for (int i = 0; i < w; i++) t[i] += t[i + w];
    return t[0];
}
INL float hmax(vf v) {
    float m = v[0];
    for (int i = 1; i < LANES; i++) m = v[i] > m ? v[i] : m;
    return m;
}

INL vf v_exp(vf x) {
    vi under = x < -87.33654f;
    vf xc = sel(under, splat(-87.33654f), x);
    xc = sel(xc > 88.0f, splat(88.0f), xc);
    const float magic = 12582912.0f;   // 1.5·2²³: rounds x·log2(e) to an integer in the low mantissa bits
    vf t = xc * 1.44269504f + magic;
    vf n = t - magic;
    vf r = xc - n * 0.693359375f;
    r = r - n * -2.12194440e-4f;
    vf p = splat(1.9875691500e-4f);
    p = p * r + 1.3981999507e-3f;
    p = p * r + 8.3334519073e-3f;
    p = p * r + 4.1665795894e-2f;
    p = p * r + 1.6666665459e-1f;
    p = p * r + 5.0000001201e-1f;
    vf y = p * r * r + r + 1.0f;
    vi bits = (vi)t - 0x4B400000;
    vf scale = (vf)((bits + 127) << 23);
    return sel(under, splat(0.0f), y * scale);
}

INL vf v_erf(vf x) {
    vi neg = x < 0.0f;
    vf z = sel(neg, -x, x);
    vf t = 1.0f / (1.0f + 0.5f * z);
    vf p = splat(0.17087277f);
    p = p * t + -0.82215223f;
    p = p * t + 1.48851587f;
    p = p * t + -1.13520398f;
    p = p * t + 0.27886807f;
    p = p * t + -0.18628806f;
    p = p * t + 0.09678418f;
    p = p * t + 0.37409196f;
    p = p * t + 1.00002368f;
    p = p * t + -1.26551223f;
    vf e = 1.0f - t * v_exp(-z * z + p);
    return sel(neg, -e, e);
}

INL vf v_sigmoid(vf x) { return 1.0f / (1.0f + v_exp(-x)); }

#define GELU_K 0.7978845608028654f      /* √(2/π) */
#define GELU_C 0.044715f
#define INV_SQRT2 0.7071067811865476f
#define INV_SQRT_2PI 0.3989422804014327f

INL vf gelu_tanh(vf x) {
    vf u = GELU_K * (x + GELU_C * x * x * x);
    vf t = 1.0f - 2.0f / (1.0f + v_exp(2.0f * u));
    return 0.5f * x * (1.0f + t);
}
INL vf gelu_erf(vf x) { return 0.5f * x * (1.0f + v_erf(x * INV_SQRT2)); }
INL vf gelu_tanh_grad(vf x) {
    vf x2 = x * x;
    vf u = GELU_K * (x + GELU_C * x2 * x);
    vf t = 1.0f - 2.0f / (1.0f + v_exp(2.0f * u));
    return 0.5f * (1.0f + t) + 0.5f * x * (1.0f - t * t) * (GELU_K * (1.0f + 3.0f * GELU_C * x2));
}
INL vf gelu_erf_grad(vf x) {
    return 0.5f * (1.0f + v_erf(x * INV_SQRT2)) + x * (INV_SQRT_2PI * v_exp(-0.5f * x * x));
}

// Elementwise loop with a zero-padded tail: BODY(i, k) handles k ≤ LANES elements at i.
#define ELEMENTWISE(n, BODY) do { \
        long i_ = 0; \
        for (; i_ + LANES <= (n); i_ += LANES) { BODY(i_, LANES) } \
        if (i_ < (n)) { BODY(i_, (n) - i_) } \
    } while (0)
#define LD(p, i, k) ((k) == LANES ? load((p) + (i)) : load_n((p) + (i), (k)))
#define ST(p, i, k, v) do { if ((k) == LANES) store((p) + (i), (v)); else store_n((p) + (i), (v), (k)); } while (0)

static void erf_values(float *out, const float *x, long n) {
#define B(i, k) ST(out, i, k, v_erf(LD(x, i, k)));
    ELEMENTWISE(n, B);
#undef B
}

static void gelu_forward(float *out, const float *x, long n, int exact) {
    if (exact) {
#define B(i, k) ST(out, i, k, gelu_erf(LD(x, i, k)));
        ELEMENTWISE(n, B);
#undef B
    } else {
#define B(i, k) ST(out, i, k, gelu_tanh(LD(x, i, k)));
        ELEMENTWISE(n, B);
#undef B
    }
}

static void gelu_backward(float *dx, const float *dy, const float *x, long n, int exact) {
    if (exact) {
#define B(i, k) ST(dx, i, k, LD(dx, i, k) + LD(dy, i, k) * gelu_erf_grad(LD(x, i, k)));
        ELEMENTWISE(n, B);
#undef B
    } else {
#define B(i, k) ST(dx, i, k, LD(dx, i, k) + LD(dy, i, k) * gelu_tanh_grad(LD(x, i, k)));
        ELEMENTWISE(n, B);
#undef B
    }
}

static void silu_forward(float *out, const float *x, long n) {
#define B(i, k) { vf v = LD(x, i, k); ST(out, i, k, v * v_sigmoid(v)); }
    ELEMENTWISE(n, B);
#undef B
}

static void silu_backward(float *dx, const float *dy, const float *x, long n) {
#define B(i, k) { vf v = LD(x, i, k); vf s = v_sigmoid(v); \
        ST(dx, i, k, LD(dx, i, k) + LD(dy, i, k) * s * (1.0f + v * (1.0f - s))); }
    ELEMENTWISE(n, B);
#undef B
}

static void swiglu_forward(float *out, const float *gate, const float *up, long n) {
#define B(i, k) { vf g = LD(gate, i, k); ST(out, i, k, g * v_sigmoid(g) * LD(up, i, k)); }
    ELEMENTWISE(n, B);
#undef B
}

static void swiglu_backward(float *dGate, float *dUp, const float *dy, const float *gate, const float *up, long n) {
#define B(i, k) { vf g = LD(gate, i, k), d = LD(dy, i, k); vf s = v_sigmoid(g); \
        if (dUp) ST(dUp, i, k, LD(dUp, i, k) + d * g * s); \
        if (dGate) ST(dGate, i, k, LD(dGate, i, k) + d * LD(up, i, k) * s * (1.0f + g * (1.0f - s))); }
    ELEMENTWISE(n, B);
#undef B
}

static float row_max(const float *x, long n) {
    vf m = splat(-INFINITY);
    long i = 0;
    for (; i + LANES <= n; i += LANES) { vf v = load(x + i); m = sel(v > m, v, m); }
    float s = hmax(m);
    for (; i < n; i++) s = x[i] > s ? x[i] : s;
    return s;
}

static float exp_shifted_sum(float *out, const float *x, long n, float shift) {
    vf acc = splat(0.0f);
#define B(i, k) { vf e = v_exp(LD(x, i, k) - shift); \
        if ((k) < LANES) e = sel(first_lanes(k), e, splat(0.0f)); \
        if (out) ST(out, i, k, e); acc += e; }
    ELEMENTWISE(n, B);
#undef B
    return hsum(acc);
}

static void exp_shifted_axpy(float *y, const float *x, long n, float shift, float a) {
#define B(i, k) ST(y, i, k, LD(y, i, k) + a * v_exp(LD(x, i, k) - shift));
    ELEMENTWISE(n, B);
#undef B
}

static void scale(float *x, long n, float a) {
#define B(i, k) ST(x, i, k, LD(x, i, k) * a);
    ELEMENTWISE(n, B);
#undef B
}

static void softmax_rows(float *out, const float *x, long rows, long cols) {
    for (long r = 0; r < rows; r++) {
        const float *xr = x + r * cols;
        float *yr = out + r * cols;
        float sum = exp_shifted_sum(yr, xr, cols, row_max(xr, cols));
        scale(yr, cols, 1.0f / sum);
    }
}

static void softmax_masked_row(float *row, long count, long limit, const uint8_t *mask) {
    // Pass 1: hide masked keys (−∞, which exp maps to exactly 0) and find the max.
    vf m = splat(-INFINITY);
    long i = 0;
    for (; i + LANES <= limit; i += LANES) {
        vf v = load(row + i);
        if (mask) {
            vb b; memcpy(&b, mask + i, sizeof b);
            v = sel(__builtin_convertvector(b, vi) != 0, v, splat(-INFINITY));
            store(row + i, v);
        }
        m = sel(v > m, v, m);
    }
    float mx = hmax(m);
    for (; i < limit; i++) {
        if (mask && !mask[i]) row[i] = -INFINITY;
        mx = row[i] > mx ? row[i] : mx;
    }
    if (mx == -INFINITY) { memset(row, 0, (size_t)count * 4); return; }
    // Pass 2: exponentiate and sum; pass 3: normalise.
    float sum = exp_shifted_sum(row, row, limit, mx);
    scale(row, limit, 1.0f / sum);
    if (limit < count) memset(row + limit, 0, (size_t)(count - limit) * 4);
}

static void layernorm_forward(float *out, float *mean, float *rstd, const float *x, const float *w,
                              const float *b, long rows, long dim, float eps) {
    float invC = 1.0f / (float)dim;
    for (long r = 0; r < rows; r++) {
        const float *xr = x + r * dim;
        float *yr = out + r * dim;
        vf acc = splat(0.0f);
#define B(i, k) acc += LD(xr, i, k);
        ELEMENTWISE(dim, B);
#undef B
        float mu = hsum(acc) * invC;
        // Two passes (mean, then centred squares) as PyTorch: no cancellation for large means.
        // Padded tail lanes hold 0 − mu; they are masked out of the variance.
        vf vacc = splat(0.0f);
#define B(i, k) { vf d = LD(xr, i, k) - mu; \
        if ((k) < LANES) d = sel(first_lanes(k), d, splat(0.0f)); \
        vacc += d * d; }
        ELEMENTWISE(dim, B);
#undef B
        float rs = 1.0f / sqrtf(hsum(vacc) * invC + eps);
        if (b) {
#define B(i, k) ST(yr, i, k, (LD(xr, i, k) - mu) * rs * LD(w, i, k) + LD(b, i, k));
            ELEMENTWISE(dim, B);
#undef B
        } else {
#define B(i, k) ST(yr, i, k, (LD(xr, i, k) - mu) * rs * LD(w, i, k));
            ELEMENTWISE(dim, B);
#undef B
        }
        mean[r] = mu;
        rstd[r] = rs;
    }
}

static void layernorm_backward(float *dx, float *dWeight, float *dBias, const float *dy, const float *x,
                               const float *w, const float *mean, const float *rstd, long rows, long dim) {
    float invC = 1.0f / (float)dim;
    for (long r = 0; r < rows; r++) {
        const float *xr = x + r * dim, *g = dy + r * dim;
        float mu = mean[r], rs = rstd[r];
        vf sDn = splat(0.0f), sDnN = splat(0.0f);
        // Padded lanes have g = 0, so they add nothing.
#define B(i, k) { vf dn = LD(g, i, k) * LD(w, i, k); sDn += dn; sDnN += dn * ((LD(xr, i, k) - mu) * rs); }
        ELEMENTWISE(dim, B);
#undef B
        float meanDn = hsum(sDn) * invC, meanDnN = hsum(sDnN) * invC;
        if (dBias) {
#define B(i, k) ST(dBias, i, k, LD(dBias, i, k) + LD(g, i, k));
            ELEMENTWISE(dim, B);
#undef B
        }
        if (dWeight) {
#define B(i, k) ST(dWeight, i, k, LD(dWeight, i, k) + LD(g, i, k) * ((LD(xr, i, k) - mu) * rs));
            ELEMENTWISE(dim, B);
#undef B
        }
        if (dx) {
            float *dxr = dx + r * dim;
#define B(i, k) ST(dxr, i, k, LD(dxr, i, k) + rs * (LD(g, i, k) * LD(w, i, k) - meanDn - (LD(xr, i, k) - mu) * rs * meanDnN));
            ELEMENTWISE(dim, B);
#undef B
        }
    }
}

static void rmsnorm_forward(float *out, float *rstd, const float *x, const float *w, long rows, long dim, float eps) {
    float invC = 1.0f / (float)dim;
    for (long r = 0; r < rows; r++) {
        const float *xr = x + r * dim;
        float *yr = out + r * dim;
        vf acc = splat(0.0f);
#define B(i, k) { vf v = LD(xr, i, k); acc += v * v; }
        ELEMENTWISE(dim, B);
#undef B
        float rs = 1.0f / sqrtf(hsum(acc) * invC + eps);
#define B(i, k) ST(yr, i, k, LD(xr, i, k) * rs * LD(w, i, k));
        ELEMENTWISE(dim, B);
#undef B
        rstd[r] = rs;
    }
}

static void rmsnorm_backward(float *dx, float *dWeight, const float *dy, const float *x, const float *w,
                             const float *rstd, long rows, long dim) {
    float invC = 1.0f / (float)dim;
    for (long r = 0; r < rows; r++) {
        const float *xr = x + r * dim, *g = dy + r * dim;
        float rs = rstd[r];
        vf acc = splat(0.0f);
#define B(i, k) acc += LD(g, i, k) * LD(w, i, k) * LD(xr, i, k) * rs;
        ELEMENTWISE(dim, B);
#undef B
        float meanDnN = hsum(acc) * invC;
        if (dWeight) {
#define B(i, k) ST(dWeight, i, k, LD(dWeight, i, k) + LD(g, i, k) * LD(xr, i, k) * rs);
            ELEMENTWISE(dim, B);
#undef B
        }
        if (dx) {
            float *dxr = dx + r * dim;
#define B(i, k) ST(dxr, i, k, LD(dxr, i, k) + rs * (LD(g, i, k) * LD(w, i, k) - LD(xr, i, k) * rs * meanDnN));
            ELEMENTWISE(dim, B);
#undef B
        }
    }
}

static void adamw(float *p, const float *g, float *m, float *v, long n, float decay, float stepSize,
                  float invSqrtBc2, float beta1, float beta2, float eps) {
    float c1 = 1.0f - beta1, c2 = 1.0f - beta2;
#define B(i, k) { vf gi = LD(g, i, k); \
        vf mi = beta1 * LD(m, i, k) + c1 * gi; \
        vf vi_ = beta2 * LD(v, i, k) + c2 * gi * gi; \
        ST(m, i, k, mi); ST(v, i, k, vi_); \
        ST(p, i, k, LD(p, i, k) * decay - stepSize * mi / (__builtin_elementwise_sqrt(vi_) * invSqrtBc2 + eps)); }
    ELEMENTWISE(n, B);
#undef B
}

static float dot(const float *a, const float *b, long n) {
    vf a0 = splat(0.0f), a1 = a0, a2 = a0, a3 = a0;
    long i = 0;
    for (; i + 4 * LANES <= n; i += 4 * LANES) {
        a0 += load(a + i) * load(b + i);
        a1 += load(a + i + LANES) * load(b + i + LANES);
        a2 += load(a + i + 2 * LANES) * load(b + i + 2 * LANES);
        a3 += load(a + i + 3 * LANES) * load(b + i + 3 * LANES);
    }
    for (; i + LANES <= n; i += LANES) a0 += load(a + i) * load(b + i);
    if (i < n) a0 += load_n(a + i, n - i) * load_n(b + i, n - i);
    return hsum((a0 + a1) + (a2 + a3));
}

static float l2sq(const float *a, const float *b, long n) {
    vf a0 = splat(0.0f), a1 = a0, a2 = a0, a3 = a0;
    long i = 0;
    for (; i + 4 * LANES <= n; i += 4 * LANES) {
        vf d0 = load(a + i) - load(b + i), d1 = load(a + i + LANES) - load(b + i + LANES);
        vf d2 = load(a + i + 2 * LANES) - load(b + i + 2 * LANES), d3 = load(a + i + 3 * LANES) - load(b + i + 3 * LANES);
        a0 += d0 * d0; a1 += d1 * d1; a2 += d2 * d2; a3 += d3 * d3;
    }
    for (; i + LANES <= n; i += LANES) { vf d = load(a + i) - load(b + i); a0 += d * d; }
    if (i < n) { vf d = load_n(a + i, n - i) - load_n(b + i, n - i); a0 += d * d; }
    return hsum((a0 + a1) + (a2 + a3));
}

/// q·b_j for four vectors at once: each chunk of q is loaded once for all four (the
/// index's beam search scores a node's neighbours this way). One accumulator per vector,
/// so the sums are ordered differently from `dot`'s; each path is checked against the naive twin.
static void dot4(float *out, const float *q, const float *b0, const float *b1, const float *b2, const float *b3, long n) {
    vf a0 = splat(0.0f), a1 = a0, a2 = a0, a3 = a0;
    long i = 0;
    for (; i + LANES <= n; i += LANES) {
        vf x = load(q + i);
        a0 += x * load(b0 + i); a1 += x * load(b1 + i); a2 += x * load(b2 + i); a3 += x * load(b3 + i);
    }
    if (i < n) {
        vf x = load_n(q + i, n - i);
        a0 += x * load_n(b0 + i, n - i); a1 += x * load_n(b1 + i, n - i);
        a2 += x * load_n(b2 + i, n - i); a3 += x * load_n(b3 + i, n - i);
    }
    out[0] = hsum(a0); out[1] = hsum(a1); out[2] = hsum(a2); out[3] = hsum(a3);
}

/// ‖q − b_j‖² for four vectors at once, as `dot4`.
static void l2sq4(float *out, const float *q, const float *b0, const float *b1, const float *b2, const float *b3, long n) {
    vf a0 = splat(0.0f), a1 = a0, a2 = a0, a3 = a0;
    long i = 0;
    for (; i + LANES <= n; i += LANES) {
        vf x = load(q + i);
        vf d0 = x - load(b0 + i), d1 = x - load(b1 + i), d2 = x - load(b2 + i), d3 = x - load(b3 + i);
        a0 += d0 * d0; a1 += d1 * d1; a2 += d2 * d2; a3 += d3 * d3;
    }
    if (i < n) {
        vf x = load_n(q + i, n - i);
        vf d0 = x - load_n(b0 + i, n - i), d1 = x - load_n(b1 + i, n - i);
        vf d2 = x - load_n(b2 + i, n - i), d3 = x - load_n(b3 + i, n - i);
        a0 += d0 * d0; a1 += d1 * d1; a2 += d2 * d2; a3 += d3 * d3;
    }
    out[0] = hsum(a0); out[1] = hsum(a1); out[2] = hsum(a2); out[3] = hsum(a3);
}

const RaditSIMDTable TABLE_NAME = {
    LANES,
    erf_values,
    gelu_forward, gelu_backward, silu_forward, silu_backward, swiglu_forward, swiglu_backward,
    row_max, exp_shifted_sum, exp_shifted_axpy, scale, softmax_rows, softmax_masked_row,
    layernorm_forward, layernorm_backward, rmsnorm_forward, rmsnorm_backward, adamw, dot, l2sq, dot4, l2sq4,
};
