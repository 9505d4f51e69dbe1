/* Reference values for the Python package's test (tests/python_package.py).
 *
 * Makes a fixed set of library calls with fixed inputs, as a C user would,
 * and writes the results: scalars to stdout as "key value value ..." lines
 * (%.17g, so they read back exactly), arrays as .npy files (through
 * gridform_npy_write) into the directory given as argv[1] (without one, as
 * the valgrind stage of .ci/extra runs every check program, it makes the
 * same calls and writes no files).  The Python test
 * makes the same calls through the package and must get the same numbers,
 * so every wrapper is checked against C, not against itself.  The inputs
 * below are mirrored in tests/python_package.py: change both together. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <gridform.h>

static const char *outdir;

#define CK(call)                                                                              \
    do {                                                                                      \
        int rc_ = (call);                                                                     \
        if (rc_ != GRIDFORM_OK) {                                                             \
            fprintf(stderr, "python_ref: %s: %s (%s)\n", #call, gridform_strerror(rc_),      \
                    gridform_last_error());                                                   \
            exit(1);                                                                          \
        }                                                                                     \
    } while (0)

static void put(const char *key, size_t n, const double *v)
{
    printf("%s", key);
    for (size_t i = 0; i < n; i++)
        printf(" %.17g", v[i]);
    printf("\n");
}

static void put1(const char *key, double v)
{
    put(key, 1, &v);
}

static void save(const char *name, const double *data, size_t ndim, const size_t *shape)
{
    if (outdir == NULL)
        return;
    char path[4096];
    snprintf(path, sizeof path, "%s/%s.npy", outdir, name);
    CK(gridform_npy_write(path, data, ndim, shape));
}

/* The test map of an nx x ny arena (mirrored in python_package.py). */
static void test_map(size_t nx, size_t ny, double *m)
{
    for (size_t iy = 0; iy < ny; iy++)
        for (size_t ix = 0; ix < nx; ix++)
            m[iy * nx + ix] = sin(0.3 * (double)ix) + cos(0.7 * (double)iy) + 0.01 * (double)(ix * iy);
}

static double user_tuning(double dx, double dy, void *user)
{
    (void)user;
    return exp(-(dx * dx + 2 * dy * dy) / 0.02);
}

static double user_spectrum(double k, void *user)
{
    (void)user;
    return exp(-(k - 8) * (k - 8) / 4);
}

int main(int argc, char **argv)
{
    if (argc > 2) {
        fprintf(stderr, "usage: python_ref [OUTDIR]\n");
        return 2;
    }
    outdir = argc == 2 ? argv[1] : NULL;
    enum { N = 32, NW_X = 16, NW_Y = 12, NCELLS = 256 };
    static double map0[N * N], out[N * N], lat[N * N], stack[3 * N * N], maps[3 * N * N];
    static double wmap[NW_X * NW_Y], wout[NW_X * NW_Y];
    double v[16];
    size_t sz[4];

    /* ---- status ---- */
    printf("version %s\n", gridform_version_string());
    for (int c = 0; c <= 10; c++)
        printf("strerror%d %s\n", c, gridform_strerror(c));

    /* ---- arena ---- */
    gridform_arena *a = NULL, *w = NULL;
    CK(gridform_arena_create(&a, 2.2, 2.2, N, N, GRIDFORM_PERIODIC));
    CK(gridform_arena_create(&w, 1.0, 0.8, NW_X, NW_Y, GRIDFORM_WALLED));
    CK(gridform_arena_get_shape(a, &sz[0], &sz[1]));
    printf("arena_shape %zu %zu\n", sz[0], sz[1]);
    CK(gridform_arena_get_extent(w, &v[0], &v[1]));
    put("arena_extent", 2, v);
    int ib;
    CK(gridform_arena_get_boundary(w, &ib));
    printf("arena_boundary %d\n", ib);
    CK(gridform_arena_get_spacing(w, &v[0], &v[1], &v[2]));
    put("arena_spacing", 3, v);
    CK(gridform_arena_get_nfreq(a, &sz[0]));
    printf("arena_nfreq %zu\n", sz[0]);
    static double pos[N * N * 2], kv[N * (N / 2 + 1) * 2];
    CK(gridform_arena_positions(a, pos));
    save("arena_positions", pos, 3, (size_t[]){N, N, 2});
    CK(gridform_arena_wavevectors(a, kv));
    save("arena_wavevectors", kv, 3, (size_t[]){N, N / 2 + 1, 2});
    gridform_arena *ac = NULL;
    CK(gridform_arena_create_commensurate(&ac, 9.81, 2, 24, GRIDFORM_PERIODIC));
    CK(gridform_arena_get_shape(ac, &sz[0], &sz[1]));
    CK(gridform_arena_get_extent(ac, &v[0], &v[1]));
    printf("arena_commensurate %zu %zu %.17g %.17g\n", sz[0], sz[1], v[0], v[1]);
    gridform_arena_destroy(ac);

    /* ---- place codes ---- */
    gridform_placecode *pc = NULL, *pcr = NULL, *pcu = NULL;
    CK(gridform_placecode_create(&pc, a, GRIDFORM_TUNING_DOG, 0.12, 2.0, NCELLS, GRIDFORM_CENTERS_LATTICE, 1));
    CK(gridform_placecode_create(&pcr, a, GRIDFORM_TUNING_GAUSSIAN, 0.2, 1.0, 50, GRIDFORM_CENTERS_RANDOM, 7));
    CK(gridform_placecode_create(&pcu, w, GRIDFORM_TUNING_GAUSSIAN, 0.1, 1.0, 4, GRIDFORM_CENTERS_LATTICE, 1));
    CK(gridform_placecode_get_ncells(pc, &sz[0]));
    printf("pc_ncells %zu\n", sz[0]);
    int it;
    CK(gridform_placecode_get_tuning(pc, &it, &v[0], &v[1]));
    printf("pc_tuning %d %.17g %.17g\n", it, v[0], v[1]);
    printf("pc_arena_same %d\n", gridform_placecode_get_arena(pc) == a);
    static double cen[NCELLS * 2], resp[3 * NCELLS];
    CK(gridform_placecode_get_centers(pcr, cen));
    save("pc_centers_random", cen, 2, (size_t[]){50, 2});
    const double xy3[6] = {0.1, 0.2, 1.0, 1.5, 2.0, 0.3};
    CK(gridform_placecode_response(pc, xy3, 3, resp));
    save("pc_response", resp, 2, (size_t[]){3, NCELLS});
    const double ucen[6] = {0.2, 0.3, 0.5, 0.4, 0.8, 0.1};
    CK(gridform_placecode_set_centers(pcu, ucen, 3));
    CK(gridform_placecode_set_tuning_fn(pcu, user_tuning, NULL));
    const double xyw[4] = {0.1, 0.2, -0.3, 0.25};
    CK(gridform_placecode_response(pcu, xyw, 2, resp));
    save("pc_response_user", resp, 2, (size_t[]){2, 3});

    /* ---- kernels ---- */
    gridform_kernel *k = NULL, *ke = NULL, *kr = NULL;
    CK(gridform_kernel_create(&k, pc, GRIDFORM_KERNEL_FOURIER));
    CK(gridform_kernel_create(&ke, pcu, GRIDFORM_KERNEL_EXACT));
    CK(gridform_kernel_create_radial(&kr, a, user_spectrum, NULL));
    int im;
    CK(gridform_kernel_get_mode(ke, &im));
    printf("kernel_mode_exact %d\n", im);
    printf("kernel_arena_same %d\n", gridform_kernel_get_arena(k) == a);
    CK(gridform_kernel_ring(k, &v[0], &v[1]));
    put("kernel_ring", 2, v);
    CK(gridform_kernel_ring(kr, &v[0], &v[1]));
    put("kernel_ring_radial", 2, v);
    static double spec[N * (N / 2 + 1)];
    CK(gridform_kernel_spectrum(k, spec));
    save("kernel_spectrum", spec, 2, (size_t[]){N, N / 2 + 1});
    CK(gridform_kernel_spectrum(kr, spec));
    save("kernel_spectrum_radial", spec, 2, (size_t[]){N, N / 2 + 1});
    const double kq[4] = {1.0, 5.0, 9.81, 20.0};
    CK(gridform_kernel_radial_profile(k, kq, 4, v));
    put("kernel_profile", 4, v);
    double shk[6], shv[6];
    size_t shm[6], nsh;
    CK(gridform_kernel_shells(k, 6, shk, shv, shm, &nsh));
    put("kernel_shells_k", nsh, shk);
    put("kernel_shells_value", nsh, shv);
    printf("kernel_shells_mult");
    for (size_t i = 0; i < nsh; i++)
        printf(" %zu", shm[i]);
    printf("\n");
    test_map(N, N, map0);
    CK(gridform_kernel_apply(k, map0, out, 1));
    save("kernel_apply", out, 2, (size_t[]){N, N});
    test_map(NW_X, NW_Y, wmap);
    CK(gridform_kernel_apply(ke, wmap, wout, 1));
    save("kernel_apply_exact", wout, 2, (size_t[]){NW_Y, NW_X});
    gridform_kernel *kav = NULL, *ks = NULL;
    CK(gridform_kernel_create(&kav, pcu, GRIDFORM_KERNEL_AVERAGED | GRIDFORM_KERNEL_CENTERED));
    CK(gridform_kernel_get_mode(kav, &im));
    printf("kernel_mode_averaged %d\n", im);
    CK(gridform_kernel_apply(kav, wmap, wout, 1));
    save("kernel_apply_averaged", wout, 2, (size_t[]){NW_Y, NW_X});
    /* a lattice spectrum: the DoG kernel's own, centred */
    CK(gridform_kernel_spectrum(k, spec));
    CK(gridform_kernel_create_spectrum(&ks, a, spec));
    CK(gridform_kernel_set_centered(ks, 1));
    CK(gridform_kernel_get_mode(ks, &im));
    printf("kernel_mode_spectrum %d\n", im);
    CK(gridform_kernel_apply(ks, map0, out, 1));
    save("kernel_apply_spectrum", out, 2, (size_t[]){N, N});
    gridform_kernel_destroy(ks);
    gridform_kernel_destroy(kav);

    /* ---- learner ---- */
    gridform_learner *l = NULL;
    CK(gridform_learner_create(&l, k, 3));
    CK(gridform_learner_set_nonlinearity(l, GRIDFORM_NL_RELU, 0.0));
    CK(gridform_learner_set_coupling(l, GRIDFORM_COUPLING_SANGER));
    CK(gridform_learner_set_integrator(l, GRIDFORM_INTEGRATOR_EXPONENTIAL));
    CK(gridform_learner_set_threads(l, 1));
    CK(gridform_learner_set_planning(l, GRIDFORM_PLAN_ESTIMATE));
    CK(gridform_learner_get_euler_limit(l, &v[0]));
    put1("learner_euler_limit", v[0]);
    CK(gridform_learner_set_step(l, 0.5 * v[0]));
    CK(gridform_learner_get_step(l, &v[0]));
    put1("learner_step", v[0]);
    CK(gridform_learner_seed(l, 11, 1.0));
    CK(gridform_learner_iterate(l, 5));
    CK(gridform_learner_get_time(l, &v[0], &sz[0]));
    printf("learner_time %.17g %zu\n", v[0], sz[0]);
    CK(gridform_learner_get_nmaps(l, &sz[0]));
    printf("learner_nmaps %zu\n", sz[0]);
    CK(gridform_learner_objective(l, v, &v[3]));
    put("learner_objective", 4, v);
    CK(gridform_learner_get_maps(l, maps));
    save("learner_maps", maps, 3, (size_t[]){3, N, N});
    int rc = gridform_learner_run(l, 20, 1e-3, NULL, NULL);
    CK(gridform_learner_get_time(l, &v[0], &sz[0]));
    printf("learner_run %d %.17g %zu\n", rc, v[0], sz[0]);
    CK(gridform_learner_get_residual(l, &v[0]));
    CK(gridform_learner_get_rejected(l, &sz[0]));
    printf("learner_residual %.17g %zu\n", v[0], sz[0]);
    /* fixed steps twice the Euler limit of an Euler learner: rejected and
     * halved with the control on */
    gridform_learner *le = NULL;
    CK(gridform_learner_create(&le, k, 1));
    CK(gridform_learner_set_integrator(le, GRIDFORM_INTEGRATOR_EULER));
    CK(gridform_learner_set_nonlinearity(le, GRIDFORM_NL_LINEAR, 0.0));
    CK(gridform_learner_set_step_control(le, 1));
    CK(gridform_learner_get_euler_limit(le, &v[0]));
    CK(gridform_learner_set_step(le, 2.5 * v[0]));
    CK(gridform_learner_seed(le, 4, 1.0));
    rc = gridform_learner_iterate(le, 30);
    CK(gridform_learner_get_rejected(le, &sz[0]));
    CK(gridform_learner_get_residual(le, &v[1]));
    printf("learner_control %d %zu %.17g\n", rc, sz[0], v[1]);
    CK(gridform_learner_set_step_control(le, 0));
    gridform_learner_destroy(le);
    for (size_t j = 0; j < 3; j++)
        for (size_t i = 0; i < N * N; i++)
            stack[j * N * N + i] = map0[i] * (double)(j + 1) + (double)j;
    CK(gridform_learner_set_coupling(l, GRIDFORM_COUPLING_INDEPENDENT));
    CK(gridform_learner_set_maps(l, stack));
    CK(gridform_learner_iterate(l, 2));
    CK(gridform_learner_get_maps(l, maps));
    save("learner_maps_set", maps, 3, (size_t[]){3, N, N});
    /* single precision with the coupling products truncated */
    CK(gridform_learner_set_coupling(l, GRIDFORM_COUPLING_SANGER));
    CK(gridform_learner_get_euler_limit(l, &v[0]));
    CK(gridform_learner_set_step(l, 0.05 * v[0]));
    CK(gridform_learner_set_precision(l, GRIDFORM_PRECISION_SINGLE));
    CK(gridform_learner_get_precision(l, &im));
    CK(gridform_learner_set_truncation(l, 1e-3));
    CK(gridform_learner_get_truncation(l, &v[0], &sz[0]));
    printf("learner_single %d %.17g %zu\n", im, v[0], sz[0]);
    CK(gridform_learner_set_maps(l, stack));
    CK(gridform_learner_iterate(l, 2));
    CK(gridform_learner_get_maps(l, maps));
    save("learner_maps_single", maps, 3, (size_t[]){3, N, N});

    /* ---- amplitude equations ---- */
    gridform_amplitude *am = NULL;
    CK(gridform_amplitude_create(&am));
    CK(gridform_amplitude_set_coefficients(am, 0.1, 0.5, 1.0, 2.0));
    CK(gridform_amplitude_get_coefficients(am, &v[0], &v[1], &v[2], &v[3]));
    put("amp_coefficients", 4, v);
    CK(gridform_amplitude_seed(am, 3, 0.01));
    CK(gridform_amplitude_get_state(am, v));
    put("amp_seeded", 6, v);
    CK(gridform_amplitude_iterate(am, 0.05, 2000));
    CK(gridform_amplitude_get_state(am, v));
    put("amp_state", 6, v);
    CK(gridform_amplitude_get_time(am, &v[0]));
    put1("amp_time", v[0]);
    CK(gridform_amplitude_set_tolerance(am, 0.02));
    int pat;
    CK(gridform_amplitude_classify(am, &pat));
    printf("amp_classify %d\n", pat);
    for (int p = GRIDFORM_PATTERN_NONE; p <= GRIDFORM_PATTERN_MIXED; p++) {
        int ex, st;
        CK(gridform_amplitude_stability(am, p, &ex, &st));
        printf("amp_stability%d %d %d\n", p, ex, st);
    }
    CK(gridform_amplitude_fixed_point(am, GRIDFORM_PATTERN_STRIPES, &v[0]));
    CK(gridform_amplitude_fixed_point(am, GRIDFORM_PATTERN_HEXAGONS, &v[1]));
    put("amp_fixed_point", 2, v);
    const double st6[6] = {0.1, 0.2, -0.3, 0.05, 0.0, 0.4};
    CK(gridform_amplitude_set_state(am, st6));
    CK(gridform_amplitude_iterate(am, 0.01, 10));
    CK(gridform_amplitude_get_state(am, v));
    put("amp_state_set", 6, v);
    CK(gridform_amplitude_from_kernel(am, k, GRIDFORM_NL_RELU, 10.0));
    CK(gridform_amplitude_get_coefficients(am, &v[0], &v[1], &v[2], &v[3]));
    put("amp_from_kernel", 4, v);

    /* ---- lattices, cubic gain, pattern objective ---- */
    size_t nwv;
    CK(gridform_lattice_wavevectors(a, GRIDFORM_LATTICE_HEX, 9.81, 0.1, v, &nwv, &v[6]));
    printf("lattice_nwaves %zu\n", nwv);
    put("lattice_wavevectors", 2 * nwv, v);
    put1("lattice_k_used", v[6]);
    CK(gridform_lattice_synthesize(a, GRIDFORM_LATTICE_HEX, 9.81, 0.1, 0.3, 0.2, lat));
    save("lattice_hex", lat, 2, (size_t[]){N, N});
    CK(gridform_cubic_gain(a, lat, &v[0]));
    put1("cubic_gain", v[0]);
    CK(gridform_pattern_objective(k, lat, GRIDFORM_NL_LINEAR, 0.0, &v[0]));
    CK(gridform_pattern_objective(k, lat, GRIDFORM_NL_RELU, 0.0, &v[1]));
    CK(gridform_pattern_objective(k, lat, GRIDFORM_NL_SOFT, 2.0, &v[2]));
    CK(gridform_pattern_objective(k, lat, GRIDFORM_NL_TANH, 1.0, &v[3]));
    put("pattern_objective", 4, v);

    /* ---- attractor ---- */
    gridform_attractor *at = NULL;
    CK(gridform_attractor_create(&at, k));
    CK(gridform_attractor_set_gain(at, 1.2));
    CK(gridform_attractor_set_tau(at, 0.01));
    CK(gridform_attractor_set_dt(at, 0.002));
    CK(gridform_attractor_set_input(at, 1.0));
    CK(gridform_attractor_set_nonlinearity(at, GRIDFORM_NL_RELU));
    CK(gridform_attractor_set_velocity_coupling(at, 0.02, 0.1));
    CK(gridform_attractor_set_velocity(at, 0.0, 0.0));
    int inl;
    CK(gridform_attractor_get_parameters(at, &v[0], &v[1], &v[2], &v[3], &inl));
    v[4] = inl;
    put("attractor_parameters", 5, v);
    CK(gridform_attractor_seed(at, 5, 0.1));
    CK(gridform_attractor_iterate(at, 50));
    CK(gridform_attractor_get_rates(at, out));
    save("attractor_rates", out, 2, (size_t[]){N, N});
    CK(gridform_attractor_get_time(at, &v[0]));
    put1("attractor_time", v[0]);
    CK(gridform_attractor_reset_displacement(at));
    CK(gridform_attractor_set_velocity(at, 0.2, 0.0));
    CK(gridform_attractor_iterate(at, 30));
    CK(gridform_attractor_get_displacement(at, &v[0], &v[1]));
    put("attractor_displacement", 2, v);
    rc = gridform_attractor_run(at, 20, 1e-12, NULL, NULL);
    printf("attractor_run %d\n", rc);
    for (size_t i = 0; i < N * N; i++)
        out[i] = fabs(map0[i]);
    CK(gridform_attractor_set_rates(at, out));
    CK(gridform_attractor_iterate(at, 3));
    CK(gridform_attractor_get_rates(at, out));
    save("attractor_rates_set", out, 2, (size_t[]){N, N});
    CK(gridform_attractor_set_precision(at, GRIDFORM_PRECISION_SINGLE));
    CK(gridform_attractor_get_precision(at, &inl));
    printf("attractor_precision %d\n", inl);
    CK(gridform_attractor_iterate(at, 3));
    CK(gridform_attractor_get_rates(at, out));
    save("attractor_rates_single", out, 2, (size_t[]){N, N});
    /* issue 19: the residual, the step counts, the tolerance and the 0.2
     * fixed step */
    CK(gridform_attractor_set_tolerance(at, 1e-4));
    CK(gridform_attractor_iterate(at, 2));
    CK(gridform_attractor_get_residual(at, &v[0]));
    put1("attractor_residual", v[0]);
    size_t nacc = 0, nrej = 0;
    CK(gridform_attractor_get_steps(at, &nacc, &nrej));
    v[0] = (double)nacc;
    v[1] = (double)nrej;
    put("attractor_steps", 2, v);
    CK(gridform_attractor_set_step_control(at, 0));
    CK(gridform_attractor_iterate(at, 2));
    CK(gridform_attractor_get_rates(at, out));
    save("attractor_rates_fixed", out, 2, (size_t[]){N, N});

    /* a linear network above gain 1 runs away: iterate stops with
     * EDIVERGED and get_rates still gives the last finite rates */
    gridform_attractor *at2 = NULL;
    CK(gridform_attractor_create(&at2, k));
    CK(gridform_attractor_set_nonlinearity(at2, GRIDFORM_NL_LINEAR));
    CK(gridform_attractor_set_gain(at2, 3.0));
    CK(gridform_attractor_set_dt(at2, 0.002));
    CK(gridform_attractor_seed(at2, 9, 0.1));
    rc = gridform_attractor_iterate(at2, 100000);
    int rc2 = gridform_attractor_get_rates(at2, out);
    CK(gridform_attractor_get_time(at2, &v[0]));
    printf("attractor_diverged %d %d %.17g\n", rc, rc2, v[0]);
    save("attractor_rates_diverged", out, 2, (size_t[]){N, N});
    gridform_attractor_destroy(at2);

    /* ---- scorer ---- */
    gridform_scorer *s = NULL;
    CK(gridform_scorer_create(&s, a));
    CK(gridform_scorer_set_variant(s, GRIDFORM_GRIDNESS_MEAN));
    CK(gridform_scorer_set_boundary(s, GRIDFORM_PERIODIC));
    CK(gridform_scorer_set_min_overlap(s, 20));
    CK(gridform_scorer_set_annuli_m(s, 0.22, 0.66, 1.32, 8));
    static double sac[(2 * N - 1) * (2 * N - 1)];
    CK(gridform_scorer_autocorr(s, lat, sac));
    save("scorer_sac", sac, 2, (size_t[]){2 * N - 1, 2 * N - 1});
    /* An ideal lattice, the test map, and the lattice plus a little of the
     * test map (the ideal hexagon's peaks tie, so its spacing may pick
     * either of two equidistant peak sets at a 1e-13 change of input). */
    memcpy(stack, lat, sizeof lat);
    memcpy(stack + N * N, map0, sizeof map0);
    for (size_t i = 0; i < N * N; i++)
        stack[2 * N * N + i] = lat[i] + 0.05 * map0[i];
    double s60[3], s90[3], spc[3], ori[3];
    CK(gridform_scorer_score(s, stack, 3, s60, s90, spc, ori));
    put("scorer_score60", 3, s60);
    put("scorer_score90", 3, s90);
    put("scorer_spacing", 3, spc);
    put("scorer_orientation", 3, ori);
    CK(gridform_map_dominant_k(s, lat, &v[0]));
    put1("dominant_k", v[0]);

    /* automatic annuli: the default on a periodic arena */
    gridform_scorer *s2 = NULL;
    CK(gridform_scorer_create(&s2, a));
    int onoff;
    CK(gridform_scorer_get_annuli_auto(s2, &onoff));
    printf("scorer_annuli_auto %d\n", onoff);
    double sa60[3], sain[3], saout[3];
    int sasrc[3];
    rc = gridform_scorer_score_annuli(s2, stack, 3, sa60, sain, saout, sasrc);
    printf("scorer_score_annuli_rc %d\n", rc);
    put("scorer_auto_score60", 3, sa60);
    put("scorer_auto_inner", 3, sain);
    put("scorer_auto_outer", 3, saout);
    printf("scorer_auto_source %d %d %d\n", sasrc[0], sasrc[1], sasrc[2]);
    CK(gridform_scorer_get_fallback_count(s2, &sz[0]));
    printf("scorer_fallback %zu\n", sz[0]);
    CK(gridform_scorer_set_annuli_auto(s2, 0));
    CK(gridform_scorer_get_annuli_auto(s2, &onoff));
    printf("scorer_annuli_auto_off %d\n", onoff);
    gridform_scorer_destroy(s2);

    /* ---- population spectrum and grid modules ---- */
    size_t nbins, nused;
    double dk, kpeak;
    CK(gridform_scorer_spectrum_bins(s, &nbins, &dk));
    printf("spectrum_bins %zu %.17g\n", nbins, dk);
    static double kmag[256], power[256];
    if (nbins > 256)
        return 1;
    CK(gridform_scorer_population_spectrum(s, stack, 3, GRIDFORM_SPECTRUM_UNIT_VARIANCE, kmag, power, &kpeak,
                                           &nused));
    put("population_kmag", nbins, kmag);
    put("population_power", nbins, power);
    printf("population_peak %.17g %zu\n", kpeak, nused);
    /* two modules of ten maps (spacings 0.5 and 0.7 m, orientations 0.1
     * and 0.5 rad, small spreads) and two maps under the score threshold */
    enum { NMOD = 22 };
    double msp[NMOD], mor[NMOD], msc[NMOD];
    for (size_t i = 0; i < NMOD; i++) {
        int j = (int)(i % 5) - 2, q = (int)(i % 3) - 1;
        msp[i] = (i < 10 ? 0.5 : 0.7) * (1 + 0.01 * j);
        mor[i] = (i < 10 ? 0.1 : 0.5) + 0.005 * q;
        msc[i] = i >= 20 ? 0.1 : 1.0 + 0.01 * j;
    }
    gridform_modules *mo = NULL;
    CK(gridform_modules_create(&mo));
    CK(gridform_modules_set_max(mo, 4));
    CK(gridform_modules_set_min_score(mo, 0.3));
    CK(gridform_modules_set_orientation_cue(mo, 1));
    size_t nmod, mcount[4];
    double modsp[4], modor[4], mratio[4];
    int labels[NMOD];
    CK(gridform_modules_find(mo, msp, mor, msc, NMOD, &nmod, modsp, modor, mcount, mratio, labels));
    printf("modules_n %zu\n", nmod);
    put("modules_spacing", nmod, modsp);
    put("modules_orientation", nmod, modor);
    put("modules_ratio", nmod > 0 ? nmod - 1 : 0, mratio);
    printf("modules_count");
    for (size_t i = 0; i < nmod; i++)
        printf(" %zu", mcount[i]);
    printf("\nmodules_labels");
    for (size_t i = 0; i < NMOD; i++)
        printf(" %d", labels[i]);
    printf("\n");
    gridform_modules_destroy(mo);

    /* ---- rate maps ---- */
    enum { NPOS = 200, NRX = 5, NRY = 4 };
    static double txy[NPOS * 2], act[NPOS * 2], rmaps[2 * NRX * NRY], occ[NRX * NRY];
    for (size_t t = 0; t < NPOS; t++) {
        double x = 0.49 * sin(0.37 * (double)t), y = 0.39 * cos(0.23 * (double)t);
        txy[2 * t] = x;
        txy[2 * t + 1] = y;
        act[2 * t] = x + y;
        act[2 * t + 1] = x * y;
    }
    gridform_arena *ra = NULL;
    CK(gridform_arena_create(&ra, 1.0, 0.8, NRX, NRY, GRIDFORM_WALLED));
    CK(gridform_ratemap_accumulate(ra, txy, NPOS, act, 2, 2.0, rmaps, occ));
    gridform_arena_destroy(ra);
    save("ratemap_maps", rmaps, 3, (size_t[]){2, NRY, NRX});
    save("ratemap_occupancy", occ, 2, (size_t[]){NRY, NRX});

    /* ---- images ---- */
    if (outdir != NULL) {
        char path[4096];
        snprintf(path, sizeof path, "%s/image.ppm", outdir);
        memcpy(stack, lat, sizeof lat);
        memcpy(stack + N * N, map0, sizeof map0);
        CK(gridform_image_write_maps(path, stack, 2, N, N, 2, GRIDFORM_IMAGE_SYMMETRIC, 2));
    }

    gridform_scorer_destroy(s);
    gridform_attractor_destroy(at);
    gridform_amplitude_destroy(am);
    gridform_learner_destroy(l);
    gridform_kernel_destroy(kr);
    gridform_kernel_destroy(ke);
    gridform_kernel_destroy(k);
    gridform_placecode_destroy(pcu);
    gridform_placecode_destroy(pcr);
    gridform_placecode_destroy(pc);
    gridform_arena_destroy(w);
    gridform_arena_destroy(a);
    return 0;
}
