/* gridform_learner_diagnose (issue 20): real learners that collapse (the
 * exact kernel of a random softmax code in a walled box, doc/theory.md
 * §1.6) and one that forms hexagons, maps with known classes set by hand,
 * the wrap of a periodic box, and every error path. */
#include <check.h>
#include <math.h>
#include <stdlib.h>
#include "gridform.h"

#define PI 3.14159265358979323846

typedef struct {
    gridform_arena *a;
    gridform_placecode *pc;
    gridform_kernel *k;
    gridform_learner *l;
} setup;

static void teardown(setup *s)
{
    gridform_learner_destroy(s->l);
    gridform_kernel_destroy(s->k);
    gridform_placecode_destroy(s->pc);
    gridform_arena_destroy(s->a);
}

/* The published place code (512 softmax cells at random centres, sigma
 * 0.12 m, s = 2) in a walled box of 40 x 40 bins at the published bin size
 * 0.04 m, learned with 8 rectified maps, Euler steps. */
static void walled_softmax(setup *s, int mode)
{
    ck_assert_int_eq(gridform_arena_create(&s->a, 1.6, 1.6, 40, 40, GRIDFORM_WALLED), GRIDFORM_OK);
    ck_assert_int_eq(gridform_placecode_create(&s->pc, s->a, GRIDFORM_TUNING_SOFTMAX_DOG, 0.12, 2.0, 512,
                                               GRIDFORM_CENTERS_RANDOM, 1), GRIDFORM_OK);
    ck_assert_int_eq(gridform_kernel_create(&s->k, s->pc, mode), GRIDFORM_OK);
    ck_assert_int_eq(gridform_learner_create(&s->l, s->k, 8), GRIDFORM_OK);
    ck_assert_int_eq(gridform_learner_set_integrator(s->l, GRIDFORM_INTEGRATOR_EULER), GRIDFORM_OK);
    ck_assert_int_eq(gridform_learner_seed(s->l, 1, 1.0), GRIDFORM_OK);
    int rc = gridform_learner_run(s->l, 600, 1e-4, NULL, NULL);
    ck_assert(rc == GRIDFORM_OK || rc == GRIDFORM_CONTINUE);
}

/* EXACT | CENTERED: the top eigenvectors of the centred exact kernel are
 * localised (doc/theory.md §1.6), and every rectified map is one bump. */
START_TEST(test_exact_centered_bumps)
{
    setup s = {0};
    walled_softmax(&s, GRIDFORM_KERNEL_EXACT | GRIDFORM_KERNEL_CENTERED);
    int cls[8];
    size_t nc = 99;
    ck_assert_int_eq(gridform_learner_diagnose(s.l, cls, &nc), GRIDFORM_OK);
    ck_assert_uint_eq(nc, 8);
    for (int j = 0; j < 8; j++)
        ck_assert_int_eq(cls[j], GRIDFORM_MAP_BUMP);
    teardown(&s);
}
END_TEST

/* EXACT without CENTERED: the softmax normalisation's constant is the top
 * eigenvector, 46 times the next eigenvalue here, and every map is it. */
START_TEST(test_exact_constant)
{
    setup s = {0};
    walled_softmax(&s, GRIDFORM_KERNEL_EXACT);
    int cls[8];
    size_t nc = 99;
    ck_assert_int_eq(gridform_learner_diagnose(s.l, cls, &nc), GRIDFORM_OK);
    ck_assert_uint_eq(nc, 8);
    for (int j = 0; j < 8; j++)
        ck_assert_int_eq(cls[j], GRIDFORM_MAP_CONSTANT);
    /* ncollapsed alone */
    nc = 99;
    ck_assert_int_eq(gridform_learner_diagnose(s.l, NULL, &nc), GRIDFORM_OK);
    ck_assert_uint_eq(nc, 8);
    teardown(&s);
}
END_TEST

/* The demo's DoG code on a periodic box: rectified maps become hexagons
 * (the demo's box, 64 x 64; score60 above 0.37 for every map, an independent check that they are
 * patterns), and none is diagnosed as collapsed. */
START_TEST(test_hexagons_are_patterns)
{
    setup s = {0};
    ck_assert_int_eq(gridform_arena_create(&s.a, 4.4, 4.4, 64, 64, GRIDFORM_PERIODIC), GRIDFORM_OK);
    ck_assert_int_eq(gridform_placecode_create(&s.pc, s.a, GRIDFORM_TUNING_DOG, 0.12, 2.0, 4096,
                                               GRIDFORM_CENTERS_LATTICE, 1), GRIDFORM_OK);
    ck_assert_int_eq(gridform_kernel_create(&s.k, s.pc, GRIDFORM_KERNEL_FOURIER), GRIDFORM_OK);
    ck_assert_int_eq(gridform_learner_create(&s.l, s.k, 8), GRIDFORM_OK);
    /* the 0.2 fixed-step scheme, for which 100 steps form the hexagons */
    ck_assert_int_eq(gridform_learner_set_integrator(s.l, GRIDFORM_INTEGRATOR_EXPONENTIAL), GRIDFORM_OK);
    ck_assert_int_eq(gridform_learner_seed(s.l, 1, 1.0), GRIDFORM_OK);
    int rc = gridform_learner_run(s.l, 100, 1e-3, NULL, NULL);
    ck_assert(rc == GRIDFORM_OK || rc == GRIDFORM_CONTINUE);
    static double maps[8 * 64 * 64];
    double s60[8];
    ck_assert_int_eq(gridform_learner_get_maps(s.l, maps), GRIDFORM_OK);
    gridform_scorer *sc;
    ck_assert_int_eq(gridform_scorer_create(&sc, s.a), GRIDFORM_OK);
    ck_assert_int_eq(gridform_scorer_score(sc, maps, 8, s60, NULL, NULL, NULL), GRIDFORM_OK);
    gridform_scorer_destroy(sc);
    int cls[8];
    size_t nc = 99;
    ck_assert_int_eq(gridform_learner_diagnose(s.l, cls, &nc), GRIDFORM_OK);
    ck_assert_uint_eq(nc, 0);
    for (int j = 0; j < 8; j++) {
        ck_assert_msg(s60[j] > 0.37, "map %d: score60 %g", j, s60[j]);
        ck_assert_int_eq(cls[j], GRIDFORM_MAP_PATTERN);
    }
    teardown(&s);
}
END_TEST

/* Maps with known classes on a 24 x 16 box, set by hand: the constant, a
 * constant with a 10% ripple (still constant: <g>^2/<g^2> = 1/1.005), a
 * Gaussian bump, a bump split by the box's x edge (one field on a torus,
 * two in a walled box), and a plane wave with three periods (three
 * stripes). */
static void known_maps(int boundary, int *cls, size_t *nc)
{
    enum { NX = 24, NY = 16, NM = 5 };
    const double lx = 2.4, ly = 1.6;
    gridform_arena *a;
    gridform_kernel *k;
    gridform_learner *l;
    ck_assert_int_eq(gridform_arena_create(&a, lx, ly, NX, NY, boundary), GRIDFORM_OK);
    gridform_placecode *pc;
    ck_assert_int_eq(gridform_placecode_create(&pc, a, GRIDFORM_TUNING_DOG, 0.12, 2.0, 64,
                                               GRIDFORM_CENTERS_LATTICE, 1), GRIDFORM_OK);
    ck_assert_int_eq(gridform_kernel_create(&k, pc, GRIDFORM_KERNEL_AVERAGED), GRIDFORM_OK);
    ck_assert_int_eq(gridform_learner_create(&l, k, NM), GRIDFORM_OK);
    static double g[NM * NY * NX];
    for (int iy = 0; iy < NY; iy++) {
        for (int ix = 0; ix < NX; ix++) {
            double x = -lx / 2 + (ix + 0.5) * lx / NX, y = -ly / 2 + (iy + 0.5) * ly / NY;
            double xe = x > 0 ? x - lx / 2 : x + lx / 2;   /* distance from the x edge */
            int i = iy * NX + ix;
            g[0 * NX * NY + i] = 1.0;
            g[1 * NX * NY + i] = 1.0 + 0.1 * cos(2 * PI * x / lx) * cos(2 * PI * y / ly);
            g[2 * NX * NY + i] = exp(-(x * x + y * y) / (2 * 0.2 * 0.2));
            g[3 * NX * NY + i] = exp(-(xe * xe + y * y) / (2 * 0.2 * 0.2));
            g[4 * NX * NY + i] = fmax(0.0, cos(2 * PI * 3 * x / lx));
        }
    }
    ck_assert_int_eq(gridform_learner_set_maps(l, g), GRIDFORM_OK);
    ck_assert_int_eq(gridform_learner_diagnose(l, cls, nc), GRIDFORM_OK);
    gridform_learner_destroy(l);
    gridform_kernel_destroy(k);
    gridform_placecode_destroy(pc);
    gridform_arena_destroy(a);
}

START_TEST(test_known_maps)
{
    int cls[5];
    size_t nc;
    known_maps(GRIDFORM_PERIODIC, cls, &nc);
    ck_assert_int_eq(cls[0], GRIDFORM_MAP_CONSTANT);
    ck_assert_int_eq(cls[1], GRIDFORM_MAP_CONSTANT);
    ck_assert_int_eq(cls[2], GRIDFORM_MAP_BUMP);
    ck_assert_int_eq(cls[3], GRIDFORM_MAP_BUMP);     /* wraps into one field */
    ck_assert_int_eq(cls[4], GRIDFORM_MAP_PATTERN);
    ck_assert_uint_eq(nc, 4);
    known_maps(GRIDFORM_WALLED, cls, &nc);
    ck_assert_int_eq(cls[0], GRIDFORM_MAP_CONSTANT);
    ck_assert_int_eq(cls[2], GRIDFORM_MAP_BUMP);
    ck_assert_int_eq(cls[3], GRIDFORM_MAP_PATTERN);  /* two half bumps at the walls */
    ck_assert_int_eq(cls[4], GRIDFORM_MAP_PATTERN);
    ck_assert_uint_eq(nc, 3);
}
END_TEST

START_TEST(test_errors)
{
    size_t nc = 7;
    int cls[4];
    ck_assert_int_eq(gridform_learner_diagnose(NULL, cls, &nc), GRIDFORM_EINVAL);
    gridform_arena *a;
    gridform_placecode *pc;
    gridform_kernel *k;
    gridform_learner *l;
    ck_assert_int_eq(gridform_arena_create(&a, 1.0, 1.0, 16, 16, GRIDFORM_PERIODIC), GRIDFORM_OK);
    ck_assert_int_eq(gridform_placecode_create(&pc, a, GRIDFORM_TUNING_DOG, 0.12, 2.0, 64,
                                               GRIDFORM_CENTERS_LATTICE, 1), GRIDFORM_OK);
    ck_assert_int_eq(gridform_kernel_create(&k, pc, GRIDFORM_KERNEL_FOURIER), GRIDFORM_OK);
    ck_assert_int_eq(gridform_learner_create(&l, k, 4), GRIDFORM_OK);
    ck_assert_int_eq(gridform_learner_diagnose(l, NULL, NULL), GRIDFORM_EINVAL);
    ck_assert_str_eq(gridform_learner_last_error(l),
                     "gridform_learner_diagnose: per_map_class and ncollapsed must not both be NULL");
    /* out of memory: each of the three buffers, outputs untouched */
    ck_assert_int_eq(gridform_learner_seed(l, 1, 1.0), GRIDFORM_OK);
    for (size_t n = 1; n <= 3; n++) {
        ck_assert_int_eq(gridform_debug_fail_allocation(n), GRIDFORM_OK);
        ck_assert_int_eq(gridform_learner_diagnose(l, cls, &nc), GRIDFORM_ENOMEM);
        ck_assert_uint_eq(nc, 7);
    }
    ck_assert_int_eq(gridform_debug_fail_allocation(0), GRIDFORM_OK);
    /* random seed maps have many fields */
    ck_assert_int_eq(gridform_learner_diagnose(l, cls, &nc), GRIDFORM_OK);
    ck_assert_uint_eq(nc, 0);
    gridform_learner_destroy(l);
    gridform_kernel_destroy(k);
    gridform_placecode_destroy(pc);
    gridform_arena_destroy(a);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("diagnose");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_exact_centered_bumps);
    tcase_add_test(tc, test_exact_constant);
    tcase_add_test(tc, test_hexagons_are_patterns);
    tcase_add_test(tc, test_known_maps);
    tcase_add_test(tc, test_errors);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
