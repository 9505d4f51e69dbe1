/* Allocation failure (issue 7): every allocation of every create function
 * is made to fail in turn with gridform_debug_fail_allocation().  Each must
 * return GRIDFORM_ENOMEM with a non-empty gridform_last_error() and
 * *out == NULL; the leak half of the contract ("nothing leaks") is checked
 * by running this suite under valgrind and LeakSanitizer (.ci/extra).
 *
 * Creators are listed in a table; each takes its parents from fixtures made
 * with the hook disabled. */
#include <check.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "gridform.h"

static char poison_byte;
#define POISON ((void *)&poison_byte)

static const size_t shape23[2];
static const double six[6];

static struct {
    gridform_arena *arena, *walled;
    gridform_placecode *pc, *pc_walled;
    gridform_kernel *kf;
    gridform_arena *poly, *mask;     /* shaped arenas (issue 22) */
    gridform_placecode *pc_poly, *pc_geo;
} fx;

/* An L (the unit box without its upper right quadrant) and a 10 x 10 mask
 * of a square ring. */
static const double l_xy[12] = {-0.5, -0.5, 0.5, -0.5, 0.5, 0.0, 0.0, 0.0, 0.0, 0.5, -0.5, 0.5};
static const size_t l_ring[1] = {6};
static unsigned char ring_mask[100];

static void fixtures_setup(void)
{
    /* the file npy_read reads back (written with the hook disabled) */
    ck_assert_int_eq(gridform_npy_write("check_alloc.tmp.npy", six, 2, shape23), GRIDFORM_OK);
    ck_assert_int_eq(gridform_arena_create(&fx.arena, 2.2, 2.2, 16, 16, GRIDFORM_PERIODIC), GRIDFORM_OK);
    ck_assert_int_eq(gridform_arena_create(&fx.walled, 1.0, 1.0, 8, 8, GRIDFORM_WALLED), GRIDFORM_OK);
    ck_assert_int_eq(gridform_placecode_create(&fx.pc, fx.arena, GRIDFORM_TUNING_DOG, 0.12, 2.0, 64,
                                               GRIDFORM_CENTERS_LATTICE, 1), GRIDFORM_OK);
    ck_assert_int_eq(gridform_placecode_create(&fx.pc_walled, fx.walled, GRIDFORM_TUNING_DOG, 0.12, 2.0, 25,
                                               GRIDFORM_CENTERS_RANDOM, 3), GRIDFORM_OK);
    ck_assert_int_eq(gridform_kernel_create(&fx.kf, fx.pc, GRIDFORM_KERNEL_FOURIER), GRIDFORM_OK);
    for (size_t i = 0; i < 100; i++) {
        size_t ix = i % 10, iy = i / 10;
        ring_mask[i] = (unsigned char)!(ix >= 3 && ix <= 6 && iy >= 3 && iy <= 6);
    }
    ck_assert_int_eq(gridform_arena_create_polygon(&fx.poly, 1.0, 1.0, 10, 10, l_xy, l_ring, 1), GRIDFORM_OK);
    ck_assert_int_eq(gridform_arena_create_mask(&fx.mask, 1.0, 1.0, 10, 10, ring_mask), GRIDFORM_OK);
    ck_assert_int_eq(gridform_placecode_create(&fx.pc_poly, fx.poly, GRIDFORM_TUNING_DOG, 0.1, 2.0, 12,
                                               GRIDFORM_CENTERS_RANDOM, 2), GRIDFORM_OK);
    ck_assert_int_eq(gridform_placecode_create(&fx.pc_geo, fx.mask, GRIDFORM_TUNING_GAUSSIAN, 0.1, 1.0, 8,
                                               GRIDFORM_CENTERS_RANDOM, 6), GRIDFORM_OK);
    ck_assert_int_eq(gridform_placecode_set_distance(fx.pc_geo, GRIDFORM_DISTANCE_GEODESIC), GRIDFORM_OK);
    /* the wisdom wisdom_import reads (the kernel's plans put entries in it) */
    ck_assert_int_eq(gridform_wisdom_export("check_alloc.tmp.wisdom"), GRIDFORM_OK);
}

static void fixtures_teardown(void)
{
    remove("check_alloc.tmp.npy");
    remove("check_alloc.tmp.wisdom");
    gridform_kernel_destroy(fx.kf);
    gridform_placecode_destroy(fx.pc_poly);
    gridform_placecode_destroy(fx.pc_geo);
    gridform_arena_destroy(fx.poly);
    gridform_arena_destroy(fx.mask);
    gridform_placecode_destroy(fx.pc_walled);
    gridform_placecode_destroy(fx.pc);
    gridform_arena_destroy(fx.walled);
    gridform_arena_destroy(fx.arena);
    memset(&fx, 0, sizeof fx);
}

/* A creator makes one handle into *h (left NULL on failure) and returns the
 * status; `clean` says whether the typed out pointer was NULL after a
 * failure (it starts poisoned). */
typedef struct {
    const char *name;
    int (*create)(void **h, int *clean);
    void (*destroy)(void *h);
} creator;

#define CREATOR(id, T, destroy_fn, call)                                      \
    static int mk_##id(void **h, int *clean)                                  \
    {                                                                         \
        T *o = POISON;                                                        \
        int rc = call;                                                        \
        *clean = (rc == GRIDFORM_OK) || (o == NULL);                          \
        *h = (rc == GRIDFORM_OK) ? (void *)o : NULL;                          \
        return rc;                                                            \
    }                                                                         \
    static void rm_##id(void *h) { destroy_fn((T *)h); }

CREATOR(arena_periodic, gridform_arena, gridform_arena_destroy,
        gridform_arena_create(&o, 2.2, 2.2, 32, 32, GRIDFORM_PERIODIC))
CREATOR(arena_walled, gridform_arena, gridform_arena_destroy,
        gridform_arena_create(&o, 1.0, 2.0, 8, 6, GRIDFORM_WALLED))

/* Functions that allocate but make no handle: the same contract (ENOMEM,
 * nothing half-written, nothing leaked). */
#define OPERATION(id, call)                                                   \
    static int mk_##id(void **h, int *clean)                                  \
    {                                                                         \
        *h = NULL;                                                            \
        *clean = 1;                                                           \
        return call;                                                          \
    }                                                                         \
    static void rm_##id(void *h) { (void)h; }

CREATOR(placecode_dog, gridform_placecode, gridform_placecode_destroy,
        gridform_placecode_create(&o, fx.arena, GRIDFORM_TUNING_DOG, 0.12, 2.0, 100, GRIDFORM_CENTERS_LATTICE, 1))
CREATOR(placecode_softmax, gridform_placecode, gridform_placecode_destroy,
        gridform_placecode_create(&o, fx.arena, GRIDFORM_TUNING_SOFTMAX_DOG, 0.12, 2.0, 50, GRIDFORM_CENTERS_RANDOM, 5))
CREATOR(placecode_gauss_walled, gridform_placecode, gridform_placecode_destroy,
        gridform_placecode_create(&o, fx.walled, GRIDFORM_TUNING_GAUSSIAN, 0.2, 1.0, 9, GRIDFORM_CENTERS_LATTICE, 1))
CREATOR(kernel_fourier, gridform_kernel, gridform_kernel_destroy,
        gridform_kernel_create(&o, fx.pc, GRIDFORM_KERNEL_FOURIER))
CREATOR(kernel_exact, gridform_kernel, gridform_kernel_destroy,
        gridform_kernel_create(&o, fx.pc, GRIDFORM_KERNEL_EXACT))
CREATOR(kernel_exact_walled, gridform_kernel, gridform_kernel_destroy,
        gridform_kernel_create(&o, fx.pc_walled, GRIDFORM_KERNEL_EXACT))
static double radial_dog(double k, void *user)
{
    (void)user;
    double a = 0.0072 * k * k;
    return (exp(-a) - exp(-2 * a)) * (exp(-a) - exp(-2 * a));
}
CREATOR(kernel_radial, gridform_kernel, gridform_kernel_destroy,
        gridform_kernel_create_radial(&o, fx.arena, radial_dog, NULL))
CREATOR(kernel_averaged_walled, gridform_kernel, gridform_kernel_destroy,
        gridform_kernel_create(&o, fx.pc_walled, GRIDFORM_KERNEL_AVERAGED | GRIDFORM_KERNEL_CENTERED))
CREATOR(kernel_exact_centered, gridform_kernel, gridform_kernel_destroy,
        gridform_kernel_create(&o, fx.pc_walled, GRIDFORM_KERNEL_EXACT | GRIDFORM_KERNEL_CENTERED))
static const double flat_spectrum[8 * 5] = {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
                                            1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1};
CREATOR(kernel_spectrum_walled, gridform_kernel, gridform_kernel_destroy,
        gridform_kernel_create_spectrum(&o, fx.walled, flat_spectrum))
CREATOR(learner, gridform_learner, gridform_learner_destroy, gridform_learner_create(&o, fx.kf, 3))
/* A learner switched to single precision: its float maps, factors, M and
 * plans fail in turn too (gridform_learner_set_precision). */
static int learner_single(gridform_learner **out)
{
    gridform_learner *l = NULL;
    int rc = gridform_learner_create(&l, fx.kf, 3);
    if (rc == GRIDFORM_OK && (rc = gridform_learner_set_precision(l, GRIDFORM_PRECISION_SINGLE)) != GRIDFORM_OK) {
        gridform_learner_destroy(l);
        l = NULL;
    }
    *out = l;
    return rc;
}
CREATOR(learner_single, gridform_learner, gridform_learner_destroy, learner_single(&o))
CREATOR(attractor, gridform_attractor, gridform_attractor_destroy, gridform_attractor_create(&o, fx.kf))
/* A network switched to single precision: the float arrays and plans of
 * gridform_attractor_set_precision fail in turn too. */
static int attractor_single(gridform_attractor **out)
{
    gridform_attractor *a = NULL;
    int rc = gridform_attractor_create(&a, fx.kf);
    if (rc == GRIDFORM_OK && (rc = gridform_attractor_set_precision(a, GRIDFORM_PRECISION_SINGLE)) != GRIDFORM_OK) {
        gridform_attractor_destroy(a);
        a = NULL;
    }
    *out = a;
    return rc;
}
CREATOR(attractor_single, gridform_attractor, gridform_attractor_destroy, attractor_single(&o))
CREATOR(amplitude, gridform_amplitude, gridform_amplitude_destroy, gridform_amplitude_create(&o))

static const size_t shape23[2] = {2, 3};
static const double six[6] = {1, 2, 3, 4, 5, 6};
static double readback[6];
static size_t rb_ndim, rb_shape[GRIDFORM_NPY_MAX_DIMS];
OPERATION(npy_write, gridform_npy_write("check_alloc.tmp.npy", six, 2, shape23))
OPERATION(npy_read, gridform_npy_read("check_alloc.tmp.npy", readback, 6, &rb_ndim, rb_shape))
static double shell_k[8], shell_v[8];
static size_t shell_m[8], nshells;
OPERATION(kernel_shells, gridform_kernel_shells(fx.kf, 8, shell_k, shell_v, shell_m, &nshells))
static double centers9[18];
OPERATION(placecode_set_centers, gridform_placecode_set_centers(fx.pc_walled, centers9, 9))

/* wisdom: the temporary name and the sorted entries on export, the text
 * buffer on import (the file written with the hook disabled) */
OPERATION(wisdom_export, gridform_wisdom_export("check_alloc.tmp.wisdom"))
OPERATION(wisdom_import, gridform_wisdom_import("check_alloc.tmp.wisdom"))

CREATOR(scorer, gridform_scorer, gridform_scorer_destroy, gridform_scorer_create(&o, fx.walled))
/* Shaped arenas (issue 22): the constructors, lattice codes in a shape,
 * geodesic tables (polygon and mask), EXACT and UNIFORM kernels in a
 * shape (the geodesic responses allocate work space), and the scorer's
 * copy of the shape. */
CREATOR(arena_polygon, gridform_arena, gridform_arena_destroy,
        gridform_arena_create_polygon(&o, 1.0, 1.0, 12, 12, l_xy, l_ring, 1))
CREATOR(arena_mask, gridform_arena, gridform_arena_destroy,
        gridform_arena_create_mask(&o, 1.0, 1.0, 10, 10, ring_mask))
static int geodesic_code(gridform_placecode **out, gridform_arena *a, int layout)
{
    gridform_placecode *pc = NULL;
    int rc = gridform_placecode_create(&pc, a, GRIDFORM_TUNING_DOG, 0.1, 2.0, 9, layout, 4);
    if (rc == GRIDFORM_OK && (rc = gridform_placecode_set_distance(pc, GRIDFORM_DISTANCE_GEODESIC)) != GRIDFORM_OK) {
        gridform_placecode_destroy(pc);
        pc = NULL;
    }
    *out = pc;
    return rc;
}
CREATOR(placecode_polygon_geodesic, gridform_placecode, gridform_placecode_destroy,
        geodesic_code(&o, fx.poly, GRIDFORM_CENTERS_LATTICE))
CREATOR(placecode_mask_geodesic, gridform_placecode, gridform_placecode_destroy,
        geodesic_code(&o, fx.mask, GRIDFORM_CENTERS_RANDOM))
CREATOR(kernel_uniform_shape, gridform_kernel, gridform_kernel_destroy,
        gridform_kernel_create(&o, fx.pc_poly, GRIDFORM_KERNEL_UNIFORM | GRIDFORM_KERNEL_CENTERED))
CREATOR(kernel_exact_shape, gridform_kernel, gridform_kernel_destroy,
        gridform_kernel_create(&o, fx.pc_poly, GRIDFORM_KERNEL_EXACT | GRIDFORM_KERNEL_CENTERED))
/* UNIFORM computes its spectrum on first use: a fresh kernel each time. */
static int uniform_spectrum(void)
{
    gridform_kernel *k = NULL;
    double spec[10 * 6];
    int rc = gridform_kernel_create(&k, fx.pc_poly, GRIDFORM_KERNEL_UNIFORM);
    if (rc == GRIDFORM_OK)
        rc = gridform_kernel_spectrum(k, spec);
    gridform_kernel_destroy(k);
    return rc;
}
OPERATION(kernel_uniform_spectrum, uniform_spectrum())
CREATOR(kernel_exact_geodesic, gridform_kernel, gridform_kernel_destroy,
        gridform_kernel_create(&o, fx.pc_geo, GRIDFORM_KERNEL_EXACT))
CREATOR(scorer_shape, gridform_scorer, gridform_scorer_destroy, gridform_scorer_create(&o, fx.mask))
CREATOR(scorer_periodic, gridform_scorer, gridform_scorer_destroy, gridform_scorer_create(&o, fx.arena))
/* the annulus tables rebuilt by the setters (a failure keeps the old ones) */
static int scorer_annuli(int automatic)
{
    gridform_scorer *s = NULL;
    int rc = gridform_scorer_create(&s, fx.walled);
    if (rc == GRIDFORM_OK)
        rc = automatic ? gridform_scorer_set_annuli_auto(s, 1)
                       : gridform_scorer_set_annuli_m(s, 0.1, 0.2, 0.9, 5);
    gridform_scorer_destroy(s);
    return rc;
}
OPERATION(scorer_set_annuli_auto, scorer_annuli(1))
OPERATION(scorer_set_annuli_m, scorer_annuli(0))
static const double ratemap_xy[4] = {0.1, 0.2, -0.3, 0.4}, ratemap_act[2] = {1, 2};
static double ratemap_out[64];
OPERATION(ratemap, gridform_ratemap_accumulate(fx.walled, ratemap_xy, 2, ratemap_act, 1, 0.0,
                                                ratemap_out, NULL))

/* population (issue 14): the spectrum's workspace and plan, the module
 * finder's handle and its per-call workspace */
static int population_spectrum_op(void)
{
    static double maps[2 * 8 * 8], pw[64], kp;
    for (size_t i = 0; i < 2 * 8 * 8; i++)
        maps[i] = sin(0.7 * (double)i) + (i % 7 == 3 ? NAN : 0.0);
    gridform_scorer *s = NULL;
    int rc = gridform_scorer_create(&s, fx.walled);
    if (rc == GRIDFORM_OK)
        rc = gridform_scorer_population_spectrum(s, maps, 2, 0, NULL, pw, &kp, NULL);
    gridform_scorer_destroy(s);
    return rc;
}
OPERATION(population_spectrum, population_spectrum_op())
CREATOR(modules, gridform_modules, gridform_modules_destroy, gridform_modules_create(&o))
static int modules_find_op(void)
{
    static const double sp[9] = {0.3, 0.31, 0.29, 0.3, 0.45, 0.44, 0.46, 0.45, 0.3};
    size_t k;
    int lab[9];
    gridform_modules *m = NULL;
    int rc = gridform_modules_create(&m);
    if (rc == GRIDFORM_OK)
        rc = gridform_modules_find(m, sp, NULL, NULL, 9, &k, NULL, NULL, NULL, NULL, lab);
    gridform_modules_destroy(m);
    return rc;
}
OPERATION(modules_find, modules_find_op())

#define ROW(id) { #id, mk_##id, rm_##id }
static const creator creators[] = {
    ROW(arena_periodic),
    ROW(arena_walled),
    ROW(placecode_dog),
    ROW(placecode_softmax),
    ROW(placecode_gauss_walled),
    ROW(kernel_fourier),
    ROW(kernel_exact),
    ROW(kernel_exact_walled),
    ROW(kernel_radial),
    ROW(kernel_averaged_walled),
    ROW(kernel_exact_centered),
    ROW(kernel_spectrum_walled),
    ROW(kernel_shells),
    ROW(arena_polygon),
    ROW(arena_mask),
    ROW(placecode_polygon_geodesic),
    ROW(placecode_mask_geodesic),
    ROW(kernel_uniform_shape),
    ROW(kernel_exact_shape),
    ROW(kernel_exact_geodesic),
    ROW(kernel_uniform_spectrum),
    ROW(scorer_shape),
    ROW(placecode_set_centers),
    ROW(learner),
    ROW(learner_single),
    ROW(attractor),
    ROW(attractor_single),
    ROW(amplitude),
    ROW(npy_write),
    ROW(npy_read),
    ROW(wisdom_export),
    ROW(wisdom_import),
    ROW(scorer),
    ROW(scorer_periodic),
    ROW(scorer_set_annuli_auto),
    ROW(scorer_set_annuli_m),
    ROW(ratemap),
    ROW(population_spectrum),
    ROW(modules),
    ROW(modules_find),
};

static size_t total_points;

/* Fails allocation 1, 2, ... of one create until a run needs fewer
 * allocations than the failure point (the create then succeeds). */
static void exercise(const creator *c)
{
    for (size_t n = 1;; n++) {
        void *h = NULL;
        int clean = 0;
        size_t before = gridform_debug_allocation_count();
        gridform_debug_fail_allocation(n);
        int rc = c->create(&h, &clean);
        size_t used = gridform_debug_allocation_count() - before;
        gridform_debug_fail_allocation(0);
        if (n > used) {
            /* the injected failure was never reached: a complete create */
            ck_assert_msg(rc == GRIDFORM_OK, "%s: returned %d (%s) with no failed allocation: %s", c->name,
                          rc, gridform_strerror(rc), gridform_last_error());
            c->destroy(h);
            ck_assert_msg(n > 1, "%s made no allocation through the library's allocator", c->name);
            printf("alloc: %s: %zu allocations, each failed in turn\n", c->name, n - 1);
            total_points += n - 1;
            return;
        }
        ck_assert_msg(rc == GRIDFORM_ENOMEM, "%s: allocation %zu of %zu failed but it returned %d (%s)",
                      c->name, n, used, rc, gridform_strerror(rc));
        ck_assert_msg(clean, "%s: *out not NULL after failing allocation %zu", c->name, n);
        ck_assert_msg(gridform_last_error()[0] != '\0', "%s: empty last_error after ENOMEM", c->name);
        /* The detail names a public function ("gridform_x: ..."), never a
         * private helper ("gridform__x" or a static function's name). */
        const char *le = gridform_last_error();
        size_t w = strspn(le, "abcdefghijklmnopqrstuvwxyz0123456789_");
        ck_assert_msg(strncmp(le, "gridform_", 9) == 0 && le[9] != '_' && strncmp(le + w, ": ", 2) == 0,
                      "%s: allocation %zu: the detail does not begin with a public function's name: %s",
                      c->name, n, le);
        ck_assert_msg(n < 100000, "%s: runaway allocation count", c->name);
    }
}

START_TEST(test_each_create)
{
    fixtures_setup();
    exercise(&creators[_i]);
    fixtures_teardown();
}
END_TEST

START_TEST(test_hook_is_per_call)
{
    /* the hook fires once and then disarms */
    gridform_arena *a = NULL;
    gridform_debug_fail_allocation(1);
    ck_assert_int_eq(gridform_arena_create(&a, 1, 1, 8, 8, GRIDFORM_PERIODIC), GRIDFORM_ENOMEM);
    ck_assert_ptr_null(a);
    ck_assert_int_eq(gridform_arena_create(&a, 1, 1, 8, 8, GRIDFORM_PERIODIC), GRIDFORM_OK);
    gridform_arena_destroy(a);
}
END_TEST

/* A failed allocation inside a call on an existing handle leaves the handle
 * as it was and usable. */
START_TEST(test_usable_after_enomem)
{
    fixtures_setup();
    double before[2 * 25], after[2 * 25], xy[18], resp[25];
    for (int i = 0; i < 18; i++)
        xy[i] = 0.05 * i - 0.4;
    ck_assert_int_eq(gridform_placecode_get_centers(fx.pc_walled, before), GRIDFORM_OK);
    gridform_debug_fail_allocation(1);
    ck_assert_int_eq(gridform_placecode_set_centers(fx.pc_walled, xy, 9), GRIDFORM_ENOMEM);
    gridform_debug_fail_allocation(0);
    size_t nc = 0;
    ck_assert_int_eq(gridform_placecode_get_ncells(fx.pc_walled, &nc), GRIDFORM_OK);
    ck_assert_uint_eq(nc, 25);
    ck_assert_int_eq(gridform_placecode_get_centers(fx.pc_walled, after), GRIDFORM_OK);
    ck_assert(memcmp(before, after, sizeof before) == 0);
    ck_assert_int_eq(gridform_placecode_response(fx.pc_walled, xy, 1, resp), GRIDFORM_OK);
    double k[4], v[4];
    size_t m[4], ns;
    gridform_debug_fail_allocation(1);
    ck_assert_int_eq(gridform_kernel_shells(fx.kf, 4, k, v, m, &ns), GRIDFORM_ENOMEM);
    gridform_debug_fail_allocation(0);
    ck_assert_int_eq(gridform_kernel_shells(fx.kf, 4, k, v, m, &ns), GRIDFORM_OK);
    ck_assert_uint_gt(ns, 0);
    fixtures_teardown();
}
END_TEST

int main(void)
{
    Suite *s = suite_create("alloc");
    TCase *tc = tcase_create("enomem");
    tcase_set_timeout(tc, 120);
    tcase_add_loop_test(tc, test_each_create, 0, (int)(sizeof creators / sizeof creators[0]));
    tcase_add_test(tc, test_hook_is_per_call);
    tcase_add_test(tc, test_usable_after_enomem);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
