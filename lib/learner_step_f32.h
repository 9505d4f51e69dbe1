/* libgridform: the elementwise kernels of the learner's float step
 * (GRIDFORM_PRECISION_SINGLE, doc/theory.md §2.8), included by
 * lib/learner_step.c in its single-precision pass in place of the double
 * ones.  The same contracts and the same summation order as the double
 * kernels: every sum is accumulated in double, in four partial sums with
 * lane q holding values i + q (mod 4), added as (s0 + s1) + (s2 + s3), so
 * the norms that set each map's scale are as accurate as in double and the
 * plain C fallback is bit-identical to the vector code.  The per-value work
 * runs on four-float vectors (GCC/Clang vector extensions: SSE on x86-64,
 * NEON on arm64), twice the values per instruction of the double kernels.
 *
 * Why a second set of kernels rather than one generic set: the double
 * kernels need two 16-byte vectors where these need one.  A single set on
 * four-value vectors (32 bytes for double) was tried and gave bit-identical
 * maps, but without AVX, the x86-64 baseline, GCC 12 lowers 32-byte vector
 * code to scalar code: the INDEPENDENT step at 64^2 x 64 went from 1.2 to
 * 2.6 ms.  Not a public header. */

#if defined(__GNUC__)
#  define GF_VECF 1
typedef float gf_v4f __attribute__((vector_size(16)));
typedef int gf_v4i __attribute__((vector_size(16)));
typedef double gf_v2df __attribute__((vector_size(16)));
static inline gf_v4f gf_loadf(const float *p)
{
    gf_v4f v;
    memcpy(&v, p, sizeof v);
    return v;
}
static inline void gf_storef(float *p, gf_v4f v)
{
    memcpy(p, &v, sizeof v);
}
/* max(x, 0) by a mask (NaN gives 0, as x > 0 ? x : 0 does). */
static inline gf_v4f gf_reluf(gf_v4f x)
{
    const gf_v4f zero = {0.0f, 0.0f, 0.0f, 0.0f};
    return (gf_v4f)((gf_v4i)x & (x > zero));
}
/* Values i, i+1 and i+2, i+3 of a four-float vector, widened. */
static inline gf_v2df gf_lo(gf_v4f x)
{
    return (gf_v2df){x[0], x[1]};
}
static inline gf_v2df gf_hi(gf_v4f x)
{
    return (gf_v2df){x[2], x[3]};
}
#endif

/* *s1 = sum u^2 and *s2 = sum max(u, 0)^2 over n values. */
static void relu_sums(const float *restrict u, size_t n, double *s1, double *s2)
{
    double a[4] = {0.0, 0.0, 0.0, 0.0}, b[4] = {0.0, 0.0, 0.0, 0.0};
    size_t i = 0;
#ifdef GF_VECF
    gf_v2df a01 = {0.0, 0.0}, a23 = {0.0, 0.0}, b01 = {0.0, 0.0}, b23 = {0.0, 0.0};
    for (; i + 4 <= n; i += 4) {
        gf_v4f x = gf_loadf(u + i), p = gf_reluf(x);
        gf_v2df x01 = gf_lo(x), x23 = gf_hi(x), p01 = gf_lo(p), p23 = gf_hi(p);
        a01 += x01 * x01;
        a23 += x23 * x23;
        b01 += p01 * p01;
        b23 += p23 * p23;
    }
    a[0] = a01[0]; a[1] = a01[1]; a[2] = a23[0]; a[3] = a23[1];
    b[0] = b01[0]; b[1] = b01[1]; b[2] = b23[0]; b[3] = b23[1];
#else
    for (; i + 4 <= n; i += 4)
        for (size_t q = 0; q < 4; q++) {
            double x = u[i + q], p = x > 0.0 ? x : 0.0;
            a[q] += x * x;
            b[q] += p * p;
        }
#endif
    for (; i < n; i++) {
        double x = u[i], p = x > 0.0 ? x : 0.0;
        a[0] += x * x;
        b[0] += p * p;
    }
    *s1 = (a[0] + a[1]) + (a[2] + a[3]);
    *s2 = (b[0] + b[1]) + (b[2] + b[3]);
}

/* sum u^2 over n values. */
static double sum_squares(const float *restrict u, size_t n)
{
    double a[4] = {0.0, 0.0, 0.0, 0.0};
    size_t i = 0;
#ifdef GF_VECF
    gf_v2df a01 = {0.0, 0.0}, a23 = {0.0, 0.0};
    for (; i + 4 <= n; i += 4) {
        gf_v4f x = gf_loadf(u + i);
        gf_v2df x01 = gf_lo(x), x23 = gf_hi(x);
        a01 += x01 * x01;
        a23 += x23 * x23;
    }
    a[0] = a01[0]; a[1] = a01[1]; a[2] = a23[0]; a[3] = a23[1];
#else
    for (; i + 4 <= n; i += 4)
        for (size_t q = 0; q < 4; q++)
            a[q] += (double)u[i + q] * (double)u[i + q];
#endif
    for (; i < n; i++)
        a[0] += (double)u[i] * (double)u[i];
    return (a[0] + a[1]) + (a[2] + a[3]);
}

/* u = max(u * sc, 0) (relu != 0) or u = u * sc, in float; with old != NULL
 * returns sum (u_new - old)^2 (in double), else 0. */
static double scale_map(float *restrict u, const float *restrict old, size_t n, double sc, int relu)
{
    double d[4] = {0.0, 0.0, 0.0, 0.0};
    const float scf = (float)sc;
    size_t i = 0;
#ifdef GF_VECF
    const gf_v4f s = {scf, scf, scf, scf};
    gf_v2df d01 = {0.0, 0.0}, d23 = {0.0, 0.0};
    for (; i + 4 <= n; i += 4) {
        gf_v4f x = gf_loadf(u + i) * s;
        if (relu)
            x = gf_reluf(x);
        gf_storef(u + i, x);
        if (old != NULL) {
            gf_v4f e = x - gf_loadf(old + i);
            gf_v2df e01 = gf_lo(e), e23 = gf_hi(e);
            d01 += e01 * e01;
            d23 += e23 * e23;
        }
    }
    d[0] = d01[0]; d[1] = d01[1]; d[2] = d23[0]; d[3] = d23[1];
#else
    for (; i + 4 <= n; i += 4)
        for (size_t q = 0; q < 4; q++) {
            float x = u[i + q] * scf;
            if (relu)
                x = x > 0.0f ? x : 0.0f;
            u[i + q] = x;
            if (old != NULL) {
                double e = (double)(x - old[i + q]);
                d[q] += e * e;
            }
        }
#endif
    for (; i < n; i++) {
        float x = u[i] * scf;
        if (relu)
            x = x > 0.0f ? x : 0.0f;
        u[i] = x;
        if (old != NULL) {
            double e = (double)(x - old[i]);
            d[0] += e * e;
        }
    }
    return (d[0] + d[1]) + (d[2] + d[3]);
}

/* dst = c .* src per bin (bins are interleaved (re, im) pairs); dst may be src. */
static void bins_scale(float *dst, const float *src, const float *restrict c, size_t nf)
{
    size_t k = 0;
#ifdef GF_VECF
    for (; k + 2 <= nf; k += 2) {
        gf_v4f ck = {c[k], c[k], c[k + 1], c[k + 1]};
        gf_storef(dst + 2 * k, gf_loadf(src + 2 * k) * ck);
    }
#endif
    for (; k < nf; k++) {
        dst[2 * k] = c[k] * src[2 * k];
        dst[2 * k + 1] = c[k] * src[2 * k + 1];
    }
}

/* b = ca .* a + cb .* b per bin. */
static void bins_combine(const float *restrict a, float *restrict b, const float *restrict ca,
                         const float *restrict cb, size_t nf)
{
    size_t k = 0;
#ifdef GF_VECF
    for (; k + 2 <= nf; k += 2) {
        gf_v4f fa = {ca[k], ca[k], ca[k + 1], ca[k + 1]}, fb = {cb[k], cb[k], cb[k + 1], cb[k + 1]};
        gf_storef(b + 2 * k, fa * gf_loadf(a + 2 * k) + fb * gf_loadf(b + 2 * k));
    }
#endif
    for (; k < nf; k++) {
        b[2 * k] = ca[k] * a[2 * k] + cb[k] * b[2 * k];
        b[2 * k + 1] = ca[k] * a[2 * k + 1] + cb[k] * b[2 * k + 1];
    }
}
