/* libgridform: the attractor network's step, written once for both working
 * precisions (doc/theory.md §2.8) and included twice by lib/attractor.c:
 *
 *   GF_AT_R        the real type (double or float)
 *   GF_AT_C        FFTW's complex type of that precision
 *   GF_AT_FN(x)    the name of function x for this precision (x_d, x_s)
 *   GF_AT_ST(a)    where the state arrays and plans of this precision live
 *   GF_AT_R2C, GF_AT_C2R   FFTW's new-array execute functions
 *   GF_AT_TANH     tanh of this precision
 *   GF_AT_SINGLE   1 for float, 0 for double
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

/* The recurrent input of a real-space kernel (doc/theory.md §5.5):
 * hout = (gain / c) Sigma src by the kernel's own apply, 0 outside the
 * shape.  The kernel works in double, so in single precision the rates are
 * widened into a->h and the input rounded back (the state stays float).
 * Returns 1 if the input ran away or overflowed. */
static int GF_AT_FN(gf_input_real)(gridform_attractor *a, const GF_AT_R *src, GF_AT_R *hout, double limit)
{
    size_t n = a->n;
#if GF_AT_SINGLE
    for (size_t i = 0; i < n; i++)
        a->h[i] = (double)src[i];
    const double *in = a->h;
    double *out = a->hd;
#else
    const double *in = src;
    double *out = hout;
#endif
    if (gridform_kernel_apply(a->kreal, in, out, 1) != GRIDFORM_OK)
        return 1;
    for (size_t i = 0; i < n; i++)
        hout[i] = (GF_AT_R)(a->jscale * out[i]);
    return GF_AT_FN(gf_runaway)(hout, n, limit);
}

/* The recurrent input hout = sum_d J_d * src_d of the rates src (one
 * population with the summed multiplier while they are identical, else
 * all four); track: accumulate the tracked modes' phases from this
 * transform.  Returns 1 if the input ran away (doc/theory.md §5.2). */
static int GF_AT_FN(gf_input)(gridform_attractor *a, GF_AT_R *src, GF_AT_R *hout, int track, double limit)
{
    if (a->kreal != NULL)   /* one population: no velocity in real space */
        return GF_AT_FN(gf_input_real)(a, src, hout, limit);
    size_t nf = a->nfreq;
    GF_AT_C *rt = GF_AT_ST(a)->rt, *ht = GF_AT_ST(a)->ht;
    if (a->identical) {
        const GF_AT_R *msum = GF_AT_ST(a)->msum;
        GF_AT_R2C(GF_AT_ST(a)->r2c_one, src, rt);
        if (track)
            GF_AT_FN(gf_track)(a, rt, 0);
        for (size_t k = 0; k < nf; k++) {
            ht[k][0] = msum[k] * rt[k][0];
            ht[k][1] = msum[k] * rt[k][1];
        }
    } else {
        GF_AT_C *mult = GF_AT_ST(a)->mult;
        GF_AT_R2C(GF_AT_ST(a)->r2c_all, src, rt);
        if (track)
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
    }
    GF_AT_C2R(GF_AT_ST(a)->c2r, ht, hout);
    return GF_AT_FN(gf_runaway)(hout, a->n, limit);
}

/* The input b_d of population d. */
static GF_AT_R GF_AT_FN(gf_bias)(const gridform_attractor *a, int d)
{
    if (a->identical)
        return (GF_AT_R)a->b;
    return (GF_AT_R)(a->b * (1.0 + a->alpha * (gf_dir[d][0] * a->vx + gf_dir[d][1] * a->vy)));
}

/* Before a step from the current rates: split identical populations that
 * a velocity drives apart, then make sure the recurrent input of the
 * current rates, a->hr, and their residual are current (doc/theory.md
 * §5.4): the first stage of every scheme, and the stationarity test,
 * which therefore costs no extra transform.  Returns GRIDFORM_OK or
 * GRIDFORM_EDIVERGED (a->diverged = 2, the rates untouched). */
static int GF_AT_FN(gf_stage1)(gridform_attractor *a, double limit)
{
    size_t n = a->n;
    GF_AT_R *rates = GF_AT_ST(a)->rates, *hr = GF_AT_ST(a)->hr;
    if (a->identical && (a->vx != 0.0 || a->vy != 0.0)) {
        for (int d = 1; d < NPOP; d++)
            memcpy(rates + (size_t)d * n, rates, n * sizeof *rates);
        a->identical = 0;
        a->hr_valid = 0;
    }
    if (a->hr_valid)
        return GRIDFORM_OK;
    if (GF_AT_FN(gf_input)(a, rates, hr, a->tracking, limit)) {
        a->diverged = 2;
        return GRIDFORM_EDIVERGED;
    }
    /* the residual |-r + phi(J * r + b)| / max(|r|, |phi(J * r + b)|) of
     * the continuous flow (5.1) in units of 1/tau (doc/theory.md (5.7)),
     * summed in double in a fixed order over the sheet's bins (outside a
     * shape the rates are 0 by definition, not by the flow, §5.5).  The
     * larger of the two norms, not |r| alone, so that a sheet at 0 which
     * the input drives has residual 1, not Inf; at a fixed point the two
     * agree to first order in the residual. */
    double num = 0.0, den = 0.0, dphi = 0.0, hmax = 0.0;
    int np = a->identical ? 1 : NPOP;
    for (size_t i = 0; i < n; i++)
        hmax = fmax(hmax, fabs((double)hr[i]));
    a->hrmax = hmax;
    for (int d = 0; d < np; d++) {
        const GF_AT_R bd = GF_AT_FN(gf_bias)(a, d);
        const GF_AT_R *rd = rates + (size_t)d * n;
        double sum = 0.0;
        for (size_t i = 0; i < n; i++) {
            if (!GF_ON_SHEET(a, i))
                continue;
            double p = (double)GF_AT_FN(gf_phi)(a->nl, hr[i] + bd);
            double f = p - (double)rd[i];
            num += f * f;
            den += (double)rd[i] * (double)rd[i];
            dphi += p * p;
            sum += (double)rd[i];
        }
        a->rmean[d] = sum / (double)a->nin;
    }
    if (!isfinite(num) || !isfinite(den) || !isfinite(dphi)) {
        a->diverged = 1;
        return GRIDFORM_EDIVERGED;
    }
    den = fmax(den, dphi);
    /* den = 0: both norms are 0 (a sheet at rest, num = 0 too) or their
     * squares below double's range (rates under about 1e-154 with no
     * input), which reads as at rest as well */
    a->residual = (den > 0.0) ? sqrt(num / den) : 0.0;
    a->hr_valid = 1;
    return GRIDFORM_OK;
}

/* The 0.2 step, exponential Euler (ETD1) of fixed size: the leak -r/tau
 * propagated exactly, r <- e r + (1 - e) phi(J * r + b_d), e = exp(-h/tau).
 * Written as 0.2 wrote it, so it reproduces 0.2's rates bit for bit. */
static int GF_AT_FN(gf_step_fixed)(gridform_attractor *a, double h, double limit)
{
    int rc = GF_AT_FN(gf_stage1)(a, limit);
    if (rc != GRIDFORM_OK)
        return rc;
    size_t n = a->n;
    double e = exp(-h / a->tau);
    GF_AT_R *rates = GF_AT_ST(a)->rates;
    const GF_AT_R *hr = GF_AT_ST(a)->hr;
    const GF_AT_R er = (GF_AT_R)e, ec = (GF_AT_R)(1.0 - e);
    int np = a->identical ? 1 : NPOP;
    for (int d = 0; d < np; d++) {
        const GF_AT_R bd = GF_AT_FN(gf_bias)(a, d);
        GF_AT_R *rd = rates + (size_t)d * n;
        for (size_t i = 0; i < n; i++)
            rd[i] = GF_ON_SHEET(a, i) ? er * rd[i] + ec * GF_AT_FN(gf_phi)(a->nl, hr[i] + bd) : 0;
    }
    a->hr_valid = 0;
    return GRIDFORM_OK;
}

/* One trial of the embedded ETD2RK/ETD1 pair (Cox and Matthews 2002,
 * eqs. 19 and 22) with the leak as the linear part L = -1/tau, so every
 * phi-function is a scalar of z = -h/tau (doc/theory.md §5.4):
 *   a  = e r + h phi_1(z) N(r),                     the ETD1 predictor,
 *   r' = a + h phi_2(z) (N(a) - N(r)),              the ETD2RK corrector,
 * with N(r) = phi(J * r + b_d)/tau.  r' - a estimates the error of the
 * first-order step.  The trial is written to the candidate buffer; the
 * rates are untouched.  Writes the error normalised by rtol |r'| to *err
 * (0 when the sheet is zero).  Returns GRIDFORM_OK, or GRIDFORM_EDIVERGED
 * when the predictor's input ran away (the caller shrinks the step). */
static int GF_AT_FN(gf_trial_etd2)(gridform_attractor *a, double h, double limit, double *err)
{
    size_t n = a->n;
    GF_AT_R *rates = GF_AT_ST(a)->rates, *cand = GF_AT_ST(a)->cand, *hr = GF_AT_ST(a)->hr;
    GF_AT_R *hs = GF_AT_ST(a)->h;
    double z = -h / a->tau, p1, p2;
    gridform__phi(z, &p1, &p2, NULL);
    /* h phi_k(z) N = (-z) phi_k(z) phi(.) since N carries 1/tau */
    const GF_AT_R e = (GF_AT_R)exp(z), c1 = (GF_AT_R)(-z * p1), c2 = (GF_AT_R)(-z * p2);
    int np = a->identical ? 1 : NPOP;
    for (int d = 0; d < np; d++) {
        const GF_AT_R bd = GF_AT_FN(gf_bias)(a, d);
        const GF_AT_R *rd = rates + (size_t)d * n;
        GF_AT_R *cd = cand + (size_t)d * n;
        for (size_t i = 0; i < n; i++)
            cd[i] = GF_ON_SHEET(a, i) ? e * rd[i] + c1 * GF_AT_FN(gf_phi)(a->nl, hr[i] + bd) : 0;
    }
    if (GF_AT_FN(gf_input)(a, cand, hs, 0, limit))
        return GRIDFORM_EDIVERGED;
    gf_errsums es = {0};
    for (int d = 0; d < np; d++) {
        const GF_AT_R bd = GF_AT_FN(gf_bias)(a, d);
        const double m = a->rmean[d];
        GF_AT_R *cd = cand + (size_t)d * n;
        es.m += m * (double)a->nin;
        for (size_t i = 0; i < n; i++) {
            if (!GF_ON_SHEET(a, i))
                continue;
            GF_AT_R corr = c2 * (GF_AT_FN(gf_phi)(a->nl, hs[i] + bd) - GF_AT_FN(gf_phi)(a->nl, hr[i] + bd));
            GF_AT_R u = cd[i] + corr;
            double du = (double)u - m;
            cd[i] = u;
            es.e += (double)corr;
            es.e2 += (double)corr * (double)corr;
            es.u += du;
            es.u2 += du * du;
        }
    }
    es.n = (double)a->nin * (double)np;
    *err = gf_trial_error(a->rtol, &es);
    return GRIDFORM_OK;
}

/* Accept the candidate: it becomes the rates (the buffers swap; both are
 * aligned alike, so the new-array FFTW calls take either). */
static void GF_AT_FN(gf_accept)(gridform_attractor *a)
{
    GF_AT_R *t = GF_AT_ST(a)->rates;
    GF_AT_ST(a)->rates = GF_AT_ST(a)->cand;
    GF_AT_ST(a)->cand = t;
    a->hr_valid = 0;
}

/* The rates of every population from n doubles; 0 outside the shape
 * (values there are ignored, as the learner's set_maps ignores them). */
static void GF_AT_FN(gf_load_rates)(gridform_attractor *a, const double *src)
{
    GF_AT_R *rates = GF_AT_ST(a)->rates;
    for (size_t i = 0; i < a->n; i++)
        rates[i] = GF_ON_SHEET(a, i) ? (GF_AT_R)src[i] : 0;
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
