/* libgridform: the attractor network's step, written once for both working
 * precisions (doc/theory.md §2.8) and included twice by lib/attractor.c:
 *
 *   GF_AT_R        the real type (double or float)
 *   GF_AT_C        FFTW's complex type of that precision
 *   GF_AT_FN(x)    the name of function x for this precision (x_d, x_s)
 *   GF_AT_ST(a)    where the state arrays and plans of this precision live
 *   GF_AT_R2C, GF_AT_C2R   FFTW's new-array execute functions
 *   GF_AT_TANH     tanh of this precision
 *
 * Every sum that decides something (the relative change, divergence) is
 * accumulated in double in a fixed order, so a single-precision run is as
 * deterministic as a double one; only the state, the transforms and the
 * per-point arithmetic are in GF_AT_R.  Not a public header. */

/* Fourier coefficient of the summed population rates at tracked bin j. */
static void GF_AT_FN(gf_tracked_coef)(const gridform_attractor *a, GF_AT_C *rt, int all, int j,
                                      double *re, double *im)
{
    size_t bin = a->tbin[j];
    double sr = 0.0, si = 0.0;
    int np = all ? NPOP : 1;
    for (int d = 0; d < np; d++) {
        sr += (double)rt[(size_t)d * a->nfreq + bin][0];
        si += (double)rt[(size_t)d * a->nfreq + bin][1];
    }
    *re = sr;
    *im = si;
}

/* Accumulate the phase advance of each tracked mode since the last call:
 * a rigid translation by u multiplies mode k by exp(-i k.u), and per step
 * the advance is far below pi, so the sum unwraps the phase. */
static void GF_AT_FN(gf_track)(gridform_attractor *a, GF_AT_C *rt, int all)
{
    for (int j = 0; j < NTRACK; j++) {
        double re, im;
        GF_AT_FN(gf_tracked_coef)(a, rt, all, j, &re, &im);
        double pr = a->tprev[j][0], pi = a->tprev[j][1];
        a->tacc[j] += atan2(im * pr - re * pi, re * pr + im * pi);
        a->tprev[j][0] = re;
        a->tprev[j][1] = im;
    }
}

static inline GF_AT_R GF_AT_FN(gf_phi)(int nl, GF_AT_R x)
{
    switch (nl) {
    case GRIDFORM_NL_LINEAR: return x;
    case GRIDFORM_NL_TANH: return GF_AT_TANH(x);
    default: return x > 0 ? x : 0;
    }
}

/* Whether the recurrent input h = J * r has run away: any |h| above limit
 * (or NaN).  Checked before the rates are updated, so a runaway step leaves
 * the (finite) state it started from (issue 12, W4). */
static int GF_AT_FN(gf_runaway)(const GF_AT_R *h, size_t n, double limit)
{
    for (size_t i = 0; i < n; i++)
        if (!(fabs((double)h[i]) <= limit))
            return 1;
    return 0;
}

/* One exponential-Euler step.  Returns GRIDFORM_OK or GRIDFORM_EDIVERGED
 * (a->diverged set, the rates untouched when the input ran away). */
static int GF_AT_FN(gf_step)(gridform_attractor *a, double e, double limit)
{
    size_t n = a->n, nf = a->nfreq;
    GF_AT_R *rates = GF_AT_ST(a)->rates, *h = GF_AT_ST(a)->h;
    GF_AT_C *rt = GF_AT_ST(a)->rt, *ht = GF_AT_ST(a)->ht;
    const GF_AT_R *msum = GF_AT_ST(a)->msum;
    GF_AT_C *mult = GF_AT_ST(a)->mult;
    const GF_AT_R er = (GF_AT_R)e, ec = (GF_AT_R)(1.0 - e);
    double num = 0.0, den = 0.0;
    if (a->identical && (a->vx != 0.0 || a->vy != 0.0)) {
        for (int d = 1; d < NPOP; d++)
            memcpy(rates + (size_t)d * n, rates, n * sizeof *rates);
        a->identical = 0;
    }
    if (a->identical) {
        GF_AT_R2C(GF_AT_ST(a)->r2c_one, rates, rt);
        if (a->tracking)
            GF_AT_FN(gf_track)(a, rt, 0);
        for (size_t k = 0; k < nf; k++) {
            ht[k][0] = msum[k] * rt[k][0];
            ht[k][1] = msum[k] * rt[k][1];
        }
        GF_AT_C2R(GF_AT_ST(a)->c2r, ht, h);
        if (GF_AT_FN(gf_runaway)(h, n, limit)) {
            a->diverged = 2;
            return GRIDFORM_EDIVERGED;
        }
        const GF_AT_R b = (GF_AT_R)a->b;
        for (size_t i = 0; i < n; i++) {
            GF_AT_R r = rates[i];
            GF_AT_R rn = er * r + ec * GF_AT_FN(gf_phi)(a->nl, h[i] + b);
            double dr = (double)rn - (double)r;
            num += dr * dr;
            den += (double)r * (double)r;
            rates[i] = rn;
        }
    } else {
        GF_AT_R2C(GF_AT_ST(a)->r2c_all, rates, rt);
        if (a->tracking)
            GF_AT_FN(gf_track)(a, rt, 1);
        for (size_t k = 0; k < nf; k++) {
            GF_AT_R hr = 0, hi = 0;
            for (int d = 0; d < NPOP; d++) {
                const GF_AT_R *m = mult[(size_t)d * nf + k];
                const GF_AT_R *r = rt[(size_t)d * nf + k];
                hr += m[0] * r[0] - m[1] * r[1];
                hi += m[0] * r[1] + m[1] * r[0];
            }
            ht[k][0] = hr;
            ht[k][1] = hi;
        }
        GF_AT_C2R(GF_AT_ST(a)->c2r, ht, h);
        if (GF_AT_FN(gf_runaway)(h, n, limit)) {
            a->diverged = 2;
            return GRIDFORM_EDIVERGED;
        }
        for (int d = 0; d < NPOP; d++) {
            const GF_AT_R bd = (GF_AT_R)(a->b * (1.0 + a->alpha * (gf_dir[d][0] * a->vx + gf_dir[d][1] * a->vy)));
            GF_AT_R *rd = rates + (size_t)d * n;
            for (size_t i = 0; i < n; i++) {
                GF_AT_R r = rd[i];
                GF_AT_R rn = er * r + ec * GF_AT_FN(gf_phi)(a->nl, h[i] + bd);
                double dr = (double)rn - (double)r;
                num += dr * dr;
                den += (double)r * (double)r;
                rd[i] = rn;
            }
        }
    }
    a->t += a->dt;
    if (!isfinite(num) || !isfinite(den)) {
        a->diverged = 1;
        return GRIDFORM_EDIVERGED;
    }
    double per_tau = a->dt / a->tau;
    a->change = (den > 0.0) ? sqrt(num / den) / per_tau : (num > 0.0 ? HUGE_VAL : 0.0);
    return GRIDFORM_OK;
}

/* The rates of every population from n doubles. */
static void GF_AT_FN(gf_load_rates)(gridform_attractor *a, const double *src)
{
    GF_AT_R *rates = GF_AT_ST(a)->rates;
    for (size_t i = 0; i < a->n; i++)
        rates[i] = (GF_AT_R)src[i];
}

/* The mean over the populations (the sum when sum != 0) into n doubles. */
static void GF_AT_FN(gf_store_rates)(const gridform_attractor *a, double *dst, int sum)
{
    const GF_AT_R *rates = GF_AT_ST(a)->rates;
    if (a->identical) {
        for (size_t i = 0; i < a->n; i++)
            dst[i] = (double)rates[i];
        return;
    }
    for (size_t i = 0; i < a->n; i++) {
        double s = 0.0;
        for (int d = 0; d < NPOP; d++)
            s += (double)rates[(size_t)d * a->n + i];
        dst[i] = sum ? s : s / NPOP;
    }
}
