/* libgridform: grid modules of a population (doc/theory.md §6.7).
 *
 * Grid cells of one animal fall into a few modules that share spacing and
 * orientation, with spacings in ratios near 1.4 (Stensola et al., Nature
 * 492:72, 2012).  Modules are discrete steps of scale, so the finder
 * clusters the grid maps' log-spacings y = ln s (ratios become distances,
 * and the spread within a module is relative) with a one-dimensional
 * Gaussian mixture of K components,
 *   p(y) = sum_k pi_k N(y; mu_k, sd_k^2),
 * fitted by expectation-maximisation (Dempster, Laird and Rubin, JRSS B
 * 39:1, 1977) from the optimal 1-D k-means partition (dynamic programming
 * on a histogram, so no random start).  The number of modules is the K of
 * least Bayesian information criterion -2 ln L + (3K - 1) ln n (Schwarz,
 * Ann. Stat. 6:461, 1978).  A fit with a module of fewer than
 * GF_MOD_MIN_MEMBERS maps is refused, so one stray map is not a module, and
 * a map more than GF_MOD_OUTLIER_Z robust standard deviations (from the
 * median absolute deviation) from its module's median is in none.
 *
 * Orientation is the second cue: a module's maps share an orientation, so
 * with the cue on, a cluster whose orientations psi = 6 theta (a lattice
 * orientation is defined modulo 60 degrees) pass for uniform is not a
 * module.  The test is Rayleigh's on the first and second circular moments
 * (psi and 2 psi, Bonferroni-combined): the second catches a module whose
 * maps take two orientations 30 degrees apart, as learned maps on a square
 * lattice do.  Orientation does not split a spacing cluster: two groups of
 * one spacing are one module. */
#include "config.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "internal.h"

#define GF_MOD_MAX 16
#define GF_MOD_DEFAULT_MAX 6
#define GF_MOD_MIN_MEMBERS 3
/* Least spread of ln(spacing) in a module: 2%, about what the SAC peak
 * interpolation resolves; without a floor a module of identical spacings
 * has unbounded likelihood. */
#define GF_MOD_SD_FLOOR 0.02
#define GF_MOD_HIST 512
/* A map farther than this many robust standard deviations (in
 * log-spacing, GF_MAD_TO_SD times the median absolute deviation) from its
 * component's median is an outlier, in no module. */
#define GF_MOD_OUTLIER_Z 4.0
/* 1 / Phi^-1(3/4): the median absolute deviation of a normal sample times
 * this estimates its sd. */
#define GF_MAD_TO_SD 1.4826
/* Rayleigh-test level above which a component's orientations count as
 * uniform (see gridform_modules_find). */
#define GF_MOD_RAYLEIGH_P 1e-3
#define GF_MOD_ITER 500

struct gridform_modules {
    gridform__errbuf err;
    size_t max_modules;
    double min_score;
    int orientation_cue;
    /* the last gridform_modules_find: modules found, each one's modulus */
    size_t last_nmodules;
    double modulus[GF_MOD_MAX];
};

typedef struct {
    size_t K;
    double pi[GF_MOD_MAX], mu[GF_MOD_MAX], sd[GF_MOD_MAX];
    double loglik;
    int ok;
} mixfit;

int gridform_modules_create(gridform_modules **out)
{
    if (out == NULL)
        return GF_FAIL(NULL, GRIDFORM_EINVAL, "out must not be NULL");
    *out = NULL;
    gridform_modules *m = gridform__calloc(1, sizeof *m);
    if (m == NULL)
        return GF_FAIL(NULL, GRIDFORM_ENOMEM, "cannot allocate the module finder");
    m->max_modules = GF_MOD_DEFAULT_MAX;
    m->min_score = 0.3;
    m->orientation_cue = 1;
    *out = m;
    return GRIDFORM_OK;
}

void gridform_modules_destroy(gridform_modules *m)
{
    gridform__free(m);
}

const char *gridform_modules_last_error(const gridform_modules *m)
{
    return gridform__errtext(m != NULL ? &m->err : NULL);
}

int gridform_modules_set_max(gridform_modules *m, size_t max_modules)
{
    if (m == NULL)
        return GF_FAIL(NULL, GRIDFORM_EINVAL, "m must not be NULL");
    if (max_modules < 1 || max_modules > GF_MOD_MAX)
        return GF_FAIL(&m->err, GRIDFORM_EINVAL, "max_modules must be in 1..%d, got %zu", GF_MOD_MAX,
                       max_modules);
    m->max_modules = max_modules;
    return GRIDFORM_OK;
}

int gridform_modules_set_min_score(gridform_modules *m, double min_score)
{
    if (m == NULL)
        return GF_FAIL(NULL, GRIDFORM_EINVAL, "m must not be NULL");
    if (!isfinite(min_score))
        return GF_FAIL(&m->err, GRIDFORM_EINVAL, "min_score must be finite, got %g", min_score);
    m->min_score = min_score;
    return GRIDFORM_OK;
}

int gridform_modules_set_orientation_cue(gridform_modules *m, int on)
{
    if (m == NULL)
        return GF_FAIL(NULL, GRIDFORM_EINVAL, "m must not be NULL");
    if (on != 0 && on != 1)
        return GF_FAIL(&m->err, GRIDFORM_EINVAL, "on must be 0 or 1, got %d", on);
    m->orientation_cue = on;
    return GRIDFORM_OK;
}

/* The data of one call: n points y (log-spacing) and n x GF_MOD_MAX
 * responsibilities. */
typedef struct {
    size_t n;
    const double *y;
    double *r;
} mixdata;

/* E step for fit f: responsibilities and the log-likelihood. */
static double e_step(const mixdata *d, const mixfit *f)
{
    double lognorm[GF_MOD_MAX];
    for (size_t k = 0; k < f->K; k++)
        lognorm[k] = log(f->pi[k]) - log(f->sd[k]) - 0.5 * log(2 * GF_PI);
    double ll = 0;
    for (size_t i = 0; i < d->n; i++) {
        double lp[GF_MOD_MAX], mx = -INFINITY;
        for (size_t k = 0; k < f->K; k++) {
            double z = (d->y[i] - f->mu[k]) / f->sd[k];
            lp[k] = lognorm[k] - 0.5 * z * z;
            if (lp[k] > mx)
                mx = lp[k];
        }
        double sum = 0;
        for (size_t k = 0; k < f->K; k++)
            sum += (lp[k] = exp(lp[k] - mx));
        for (size_t k = 0; k < f->K; k++)
            d->r[i * GF_MOD_MAX + k] = lp[k] / sum;
        ll += mx + log(sum);
    }
    return ll;
}

/* M step: parameters from the responsibilities.  0 if a component emptied. */
static int m_step(const mixdata *d, mixfit *f)
{
    for (size_t k = 0; k < f->K; k++) {
        double w = 0, sy = 0;
        for (size_t i = 0; i < d->n; i++) {
            double r = d->r[i * GF_MOD_MAX + k];
            w += r;
            sy += r * d->y[i];
        }
        if (!(w > 1e-9))
            return 0;
        double mu = sy / w, v = 0;
        for (size_t i = 0; i < d->n; i++) {
            double e = d->y[i] - mu;
            v += d->r[i * GF_MOD_MAX + k] * e * e;
        }
        f->pi[k] = w / (double)d->n;
        f->mu[k] = mu;
        f->sd[k] = fmax(sqrt(v / w), GF_MOD_SD_FLOOR);
    }
    return 1;
}

/* EM from the responsibilities already in d->r; fills f (f->K set). */
static void em_run(const mixdata *d, mixfit *f)
{
    f->ok = 0;
    if (!m_step(d, f))
        return;
    double ll = -INFINITY;
    for (int it = 0; it < GF_MOD_ITER; it++) {
        double nl = e_step(d, f);
        if (!m_step(d, f))
            return;
        int done = nl - ll < 1e-10 * (double)d->n;
        ll = nl;
        if (done)
            break;
    }
    f->loglik = e_step(d, f);
    /* Hard labels; a fit whose smallest module is below the minimum is
     * refused (K = 1 always stands). */
    size_t cnt[GF_MOD_MAX] = {0};
    for (size_t i = 0; i < d->n; i++) {
        size_t best = 0;
        for (size_t k = 1; k < f->K; k++)
            if (d->r[i * GF_MOD_MAX + k] > d->r[i * GF_MOD_MAX + best])
                best = k;
        cnt[best]++;
    }
    for (size_t k = 0; k < f->K; k++)
        if (f->K > 1 && cnt[k] < GF_MOD_MIN_MEMBERS)
            return;
    f->ok = isfinite(f->loglik);
}

/* Start: the optimal 1-D k-means partition of y into K groups (minimum
 * within-group sum of squares; Bellman's dynamic programme on a histogram of
 * GF_MOD_HIST equal bins), as hard responsibilities. */
static int kmeans_start(const mixdata *d, size_t K, double *hw, double *hm, double *cost,
                        size_t *arg)
{
    double lo = INFINITY, hi = -INFINITY;
    for (size_t i = 0; i < d->n; i++) {
        lo = fmin(lo, d->y[i]);
        hi = fmax(hi, d->y[i]);
    }
    const size_t H = GF_MOD_HIST;
    double width = (hi - lo) / (double)H;
    memset(hw, 0, H * sizeof *hw);
    memset(hm, 0, H * sizeof *hm);
    for (size_t i = 0; i < d->n; i++) {
        size_t b = width > 0 ? (size_t)((d->y[i] - lo) / width) : 0;
        if (b >= H) b = H - 1;
        hw[b] += 1;
        hm[b] += d->y[i];
    }
    /* Compact to the occupied bins: points (weight, mean). */
    size_t P = 0;
    for (size_t b = 0; b < H; b++)
        if (hw[b] > 0) {
            hm[P] = hm[b] / hw[b];
            hw[P] = hw[b];
            P++;
        }
    if (P < K)
        return 0;
    /* Prefix sums of w, w x, w x^2 for O(1) segment costs. */
    double W[GF_MOD_HIST + 1], S1[GF_MOD_HIST + 1], S2[GF_MOD_HIST + 1];
    W[0] = S1[0] = S2[0] = 0;
    for (size_t p = 0; p < P; p++) {
        W[p + 1] = W[p] + hw[p];
        S1[p + 1] = S1[p] + hw[p] * hm[p];
        S2[p + 1] = S2[p] + hw[p] * hm[p] * hm[p];
    }
#define SEGCOST(a, b) (S2[b] - S2[a] - (S1[b] - S1[a]) * (S1[b] - S1[a]) / (W[b] - W[a]))
    /* cost[k][j]: best cost of the first j points in k+1 groups. */
    for (size_t j = 1; j <= P; j++) {
        cost[j] = SEGCOST(0, j);
        arg[j] = 0;
    }
    for (size_t k = 1; k < K; k++)
        for (size_t j = k + 1; j <= P; j++) {
            double best = INFINITY;
            size_t ba = k;
            for (size_t a = k; a < j; a++) {
                double c = cost[(k - 1) * (H + 1) + a] + SEGCOST(a, j);
                if (c < best) {
                    best = c;
                    ba = a;
                }
            }
            cost[k * (H + 1) + j] = best;
            arg[k * (H + 1) + j] = ba;
        }
#undef SEGCOST
    /* Walk back: the upper edge (a y value) of each group. */
    double edge[GF_MOD_MAX];
    size_t j = P;
    for (size_t k = K; k-- > 0;) {
        size_t a = k > 0 ? arg[k * (H + 1) + j] : 0;
        edge[k] = hm[j - 1];
        j = a;
    }
    for (size_t i = 0; i < d->n; i++) {
        size_t g = 0;
        while (g + 1 < K && d->y[i] > edge[g] + 1e-12 * (1 + fabs(edge[g])))
            g++;
        for (size_t k = 0; k < K; k++)
            d->r[i * GF_MOD_MAX + k] = k == g ? 1.0 : 0.0;
    }
    return 1;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, z = *(const double *)b;
    return (x > z) - (x < z);
}

/* The median of y over the maps labelled k (label in r[q * GF_MOD_MAX]);
 * with center != NULL, the median of |y - *center| instead.  tmp holds n
 * doubles. */
static double component_median(const double *y, const double *r, size_t n, size_t k, const double *center,
                               double *tmp)
{
    size_t m = 0;
    for (size_t q = 0; q < n; q++)
        if (r[q * GF_MOD_MAX] == (double)k)
            tmp[m++] = center != NULL ? fabs(y[q] - *center) : y[q];
    if (m == 0)
        return NAN;
    qsort(tmp, m, sizeof *tmp, cmp_double);
    return 0.5 * (tmp[(m - 1) / 2] + tmp[m / 2]);
}

/* The modulus of a module's orientation from the sums of cos and sin of
 * 6 theta (c1, s1) and 12 theta (c2, s2): pi/6 when the second moment is
 * the stronger (two groups 30 degrees apart), else pi/3. */
static double period_of(double c1, double s1, double c2, double s2)
{
    return hypot(c2, s2) > hypot(c1, s1) ? GF_PI / 6 : GF_PI / 3;
}

int gridform_modules_get_orientation_modulus(const gridform_modules *m, size_t j, double *modulus)
{
    if (m == NULL)
        return GF_FAIL(NULL, GRIDFORM_EINVAL, "m must not be NULL");
    gridform__errbuf *eb = (gridform__errbuf *)&m->err;
    GF_CHECK_PTR(eb, modulus);
    if (j >= m->last_nmodules)
        return GF_FAIL(eb, GRIDFORM_EINVAL, "module %zu: the last gridform_modules_find found %zu modules", j,
                       m->last_nmodules);
    *modulus = m->modulus[j];
    return GRIDFORM_OK;
}

/* Rayleigh test of uniformity for n angles of resultant length Rn: the
 * small-sample p-value exp(sqrt(1 + 4n + 4(n^2 - Rn^2)) - (1 + 2n)) (Zar
 * 1999, eq. 27.4); 1 without angles. */
static double rayleigh_p(double n, double Rn)
{
    if (!(n > 0))
        return 1.0;
    double p = exp(sqrt(1 + 4 * n + 4 * (n * n - Rn * Rn)) - (1 + 2 * n));
    return p > 1 ? 1 : p;
}

int gridform_modules_find(gridform_modules *m, const double *spacing, const double *orientation,
                          const double *score60, size_t n, size_t *nmodules, double *module_spacing,
                          double *module_orientation, size_t *module_count, double *ratio,
                          int *labels)
{
    if (m == NULL)
        return GF_FAIL(NULL, GRIDFORM_EINVAL, "m must not be NULL");
    gridform__errbuf *eb = &m->err;
    GF_CHECK_PTR(eb, spacing);
    GF_CHECK_PTR(eb, nmodules);
    if (n == 0)
        return GF_FAIL(eb, GRIDFORM_EINVAL, "n must be >= 1");
    if (n > (size_t)INT32_MAX)
        return GF_FAIL(eb, GRIDFORM_ERANGE, "n = %zu maps is too many (labels are int)", n);
    size_t wsbytes;
    if (!gridform__mul_size(n, GF_MOD_MAX * sizeof(double), &wsbytes))
        return GF_FAIL(eb, GRIDFORM_ERANGE, "n = %zu maps overflow the workspace size", n);
    for (size_t i = 0; i < n; i++) {
        if (isinf(spacing[i]) || (!isnan(spacing[i]) && spacing[i] <= 0))
            return GF_FAIL(eb, GRIDFORM_EINVAL, "spacing[%zu] must be > 0 and finite (or NaN), got %g", i,
                           spacing[i]);
        if (orientation != NULL && isinf(orientation[i]))
            return GF_FAIL(eb, GRIDFORM_EINVAL, "orientation[%zu] is infinite", i);
    }
    *nmodules = 0;
    m->last_nmodules = 0;
    const int cue = m->orientation_cue && orientation != NULL;
    /* Which maps enter. */
    size_t nin = 0;
    for (size_t i = 0; i < n; i++)
        if (!isnan(spacing[i]) && (score60 == NULL || score60[i] > m->min_score))
            nin++;
    if (labels != NULL)
        for (size_t i = 0; i < n; i++)
            labels[i] = -1;
    /* Fewer maps than the smallest module: no module. */
    if (nin < GF_MOD_MIN_MEMBERS)
        return GRIDFORM_OK;

    const size_t H = GF_MOD_HIST;
    double *y = gridform__malloc_array(nin, sizeof *y);
    double *tmp = gridform__malloc_array(nin, sizeof *tmp);
    double *r = gridform__malloc_array(nin, GF_MOD_MAX * sizeof *r);
    double *hw = gridform__malloc_array(H, sizeof *hw);
    double *hm = gridform__malloc_array(H, sizeof *hm);
    double *cost = gridform__malloc_array(GF_MOD_MAX * (H + 1), sizeof *cost);
    size_t *arg = gridform__malloc_array(GF_MOD_MAX * (H + 1), sizeof *arg);
    if (y == NULL || tmp == NULL || r == NULL || hw == NULL || hm == NULL || cost == NULL
        || arg == NULL) {
        gridform__free(y); gridform__free(tmp); gridform__free(r); gridform__free(hw);
        gridform__free(hm); gridform__free(cost); gridform__free(arg);
        return GF_FAIL(eb, GRIDFORM_ENOMEM, "cannot allocate the workspace for %zu maps", nin);
    }
    size_t q = 0;
    for (size_t i = 0; i < n; i++)
        if (!isnan(spacing[i]) && (score60 == NULL || score60[i] > m->min_score)) {
            y[q] = log(spacing[i]);
            q++;
        }
    mixdata d = {nin, y, r};

    size_t kmax = m->max_modules;
    if (kmax > nin / GF_MOD_MIN_MEMBERS)
        kmax = nin / GF_MOD_MIN_MEMBERS;
    mixfit best;
    memset(&best, 0, sizeof best);
    double best_bic = INFINITY;
    for (size_t K = 1; K <= kmax; K++) {
        mixfit f;
        memset(&f, 0, sizeof f);
        f.K = K;
        if (kmeans_start(&d, K, hw, hm, cost, arg))
            em_run(&d, &f);
        if (!f.ok)
            continue;
        double bic = -2 * f.loglik + (3.0 * (double)K - 1) * log((double)nin);
        if (bic < best_bic) {
            best_bic = bic;
            best = f;
        }
    }
    /* Final responsibilities of the chosen fit; hard labels per component. */
    e_step(&d, &best);
    const size_t K = best.K;
    double sumy[GF_MOD_MAX] = {0}, sc[GF_MOD_MAX] = {0}, ss[GF_MOD_MAX] = {0};
    double sc2[GF_MOD_MAX] = {0}, ss2[GF_MOD_MAX] = {0};
    size_t cnt[GF_MOD_MAX] = {0}, nor[GF_MOD_MAX] = {0};
    /* Hard labels (the responsibilities are done with: the label goes
     * into column 0). */
    for (q = 0; q < nin; q++) {
        size_t c = 0;
        for (size_t k = 1; k < K; k++)
            if (r[q * GF_MOD_MAX + k] > r[q * GF_MOD_MAX + c])
                c = k;
        r[q * GF_MOD_MAX] = (double)c;
    }
    /* A map far out in its component's tail (a stray high score of a
     * non-grid map, say) is in no module.  Far is measured robustly, from
     * the component's median and median absolute deviation (Hampel's
     * identifier; Hampel, JASA 69:383, 1974): the fitted sd includes the
     * outlier itself, and one map at 0.157 m beside twelve at 0.734 m
     * inflated it enough to stay inside 4 sd and pull the module spacing
     * to 0.652 m (issue 21). */
    double med[GF_MOD_MAX], mad[GF_MOD_MAX];
    for (size_t k = 0; k < K; k++) {
        med[k] = component_median(y, r, nin, k, NULL, tmp);
        mad[k] = component_median(y, r, nin, k, &med[k], tmp);
    }
    for (q = 0; q < nin; q++) {
        size_t c = (size_t)r[q * GF_MOD_MAX];
        double scale = fmax(GF_MAD_TO_SD * mad[c], GF_MOD_SD_FLOOR);
        if (fabs(y[q] - med[c]) > GF_MOD_OUTLIER_Z * scale) {
            r[q * GF_MOD_MAX] = -1.0;
            continue;
        }
        cnt[c]++;
        sumy[c] += y[q];
    }
    q = 0;
    for (size_t i = 0; i < n; i++) {
        if (!(!isnan(spacing[i]) && (score60 == NULL || score60[i] > m->min_score)))
            continue;
        double lab = r[q++ * GF_MOD_MAX];
        if (lab < 0)
            continue;
        size_t c = (size_t)lab;
        if (orientation != NULL && !isnan(orientation[i])) {
            sc[c] += cos(6.0 * orientation[i]);
            ss[c] += sin(6.0 * orientation[i]);
            sc2[c] += cos(12.0 * orientation[i]);
            ss2[c] += sin(12.0 * orientation[i]);
            nor[c]++;
        }
    }
    /* With the orientation cue, a cluster whose orientations pass for
     * uniform is not a module, and its maps get label -1.  Rayleigh's test
     * on psi and on 2 psi, small-sample p-values (Zar, Biostatistical
     * Analysis, 1999, eq. 27.4), the smaller doubled (Bonferroni) against
     * GF_MOD_RAYLEIGH_P.  This is what rejects the chance high scores of
     * smoothed noise, whose spacings cluster at the smoothing scale but
     * whose orientations do not. */
    int keep[GF_MOD_MAX];
    for (size_t k = 0; k < K; k++) {
        keep[k] = cnt[k] >= GF_MOD_MIN_MEMBERS;
        if (keep[k] && cue) {
            double nn = (double)nor[k];
            double p1 = rayleigh_p(nn, hypot(sc[k], ss[k])), p2 = rayleigh_p(nn, hypot(sc2[k], ss2[k]));
            keep[k] = 2 * fmin(p1, p2) <= GF_MOD_RAYLEIGH_P;
        }
    }
    /* Kept components in order of increasing mean log-spacing. */
    size_t order[GF_MOD_MAX], nk = 0;
    int rank[GF_MOD_MAX];
    for (size_t k = 0; k < K; k++)
        if (keep[k])
            order[nk++] = k;
    for (size_t a = 1; a < nk; a++)
        for (size_t b = a; b > 0 && sumy[order[b]] / (double)cnt[order[b]]
                                    < sumy[order[b - 1]] / (double)cnt[order[b - 1]]; b--) {
            size_t t = order[b];
            order[b] = order[b - 1];
            order[b - 1] = t;
        }
    for (size_t k = 0; k < K; k++)
        rank[k] = -1;
    for (size_t j = 0; j < nk; j++)
        rank[order[j]] = (int)j;
    if (labels != NULL) {
        q = 0;
        for (size_t i = 0; i < n; i++)
            if (!isnan(spacing[i]) && (score60 == NULL || score60[i] > m->min_score)) {
                double lab = r[q++ * GF_MOD_MAX];
                labels[i] = lab < 0 ? -1 : rank[(size_t)lab];
            }
    }
    for (size_t j = 0; j < nk; j++) {
        size_t c = order[j];
        double th = NAN;
        if (nor[c] > 0) {
            /* The circular mean of 6 theta; when the maps form two groups
             * 30 degrees apart (the second moment the stronger), the mean of
             * 12 theta: the orientation modulo 30 degrees. */
            double period = period_of(sc[c], ss[c], sc2[c], ss2[c]);
            if (period < GF_PI / 3)
                th = atan2(ss2[c], sc2[c]) / 12.0;
            else
                th = atan2(ss[c], sc[c]) / 6.0;
            if (th < 0)
                th += period;
            if (!(th < period))
                th = 0;
        }
        m->modulus[j] = nor[c] > 0 ? period_of(sc[c], ss[c], sc2[c], ss2[c]) : NAN;
        if (module_spacing != NULL)
            module_spacing[j] = exp(sumy[c] / (double)cnt[c]);
        if (module_orientation != NULL)
            module_orientation[j] = th;
        if (module_count != NULL)
            module_count[j] = cnt[c];
        if (ratio != NULL && j + 1 < nk)
            ratio[j] = exp(sumy[order[j + 1]] / (double)cnt[order[j + 1]] - sumy[c] / (double)cnt[c]);
    }
    *nmodules = nk;
    m->last_nmodules = nk;
    gridform__free(y); gridform__free(tmp); gridform__free(r); gridform__free(hw);
    gridform__free(hm); gridform__free(cost); gridform__free(arg);
    return GRIDFORM_OK;
}
