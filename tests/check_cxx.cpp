// The public headers from C++ (issue 7): gridform.h must compile cleanly
// as C++ under g++ -Wall -Wextra -Wpedantic -Werror, give C linkage to
// every function, and work through RAII wrappers as a C++ user would write
// them.  A plain program (exit 0 = pass), so it needs no C++ test library.
#include <gridform.h>

#include <cmath>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>
#include <type_traits>
#include <utility>

// The arena is the one geometry object (issue 13): the 0.1 calls that took
// loose (nx, ny, lx, ly), where a swapped size and length compiled
// silently, must no longer compile at all.  Checked at compile time; the
// positive asserts show the check itself can tell the two apart.  (A
// C++11 detector: clang++ 14 compiles this file as C++14, which has no
// std::is_invocable.)
template <typename F, typename... A>
struct callable {
    template <typename G>
    static auto test(int) -> decltype(std::declval<G>()(std::declval<A>()...), std::true_type());
    template <typename>
    static std::false_type test(...);
    static constexpr bool value = decltype(test<F>(0))::value;
};
static_assert(callable<decltype(&gridform_scorer_create), gridform_scorer **,
                                const gridform_arena *>::value,
              "gridform_scorer_create takes an arena");
static_assert(!callable<decltype(&gridform_scorer_create), gridform_scorer **, std::size_t,
                                 std::size_t, double, double>::value,
              "the 0.1 scorer_create(nx, ny, lx, ly) must not compile");
static_assert(!callable<decltype(&gridform_scorer_create), gridform_scorer **, double, double,
                                 std::size_t, std::size_t>::value,
              "nor with the arena's (lx, ly, nx, ny) order");
static_assert(callable<decltype(&gridform_ratemap_accumulate), const gridform_arena *,
                                const double *, std::size_t, const double *, std::size_t, double, double *,
                                double *>::value,
              "gridform_ratemap_accumulate takes an arena");
static_assert(!callable<decltype(&gridform_ratemap_accumulate), std::size_t, std::size_t, double,
                                 double, const double *, std::size_t, const double *, std::size_t, double,
                                 double *, double *>::value,
              "the 0.1 ratemap_accumulate(nx, ny, lx, ly, ...) must not compile");

namespace {

struct arena_deleter {
    void operator()(gridform_arena *a) const { gridform_arena_destroy(a); }
};
using arena_ptr = std::unique_ptr<gridform_arena, arena_deleter>;
struct pc_deleter {
    void operator()(gridform_placecode *p) const { gridform_placecode_destroy(p); }
};
struct kernel_deleter {
    void operator()(gridform_kernel *k) const { gridform_kernel_destroy(k); }
};
struct learner_deleter {
    void operator()(gridform_learner *l) const { gridform_learner_destroy(l); }
};
struct scorer_deleter {
    void operator()(gridform_scorer *s) const { gridform_scorer_destroy(s); }
};

int failures = 0;

void expect(bool ok, const std::string &what)
{
    if (!ok) {
        std::fprintf(stderr, "check_cxx: FAIL: %s\n", what.c_str());
        failures++;
    }
}

arena_ptr make_arena(double lx, double ly, std::size_t nx, std::size_t ny, int boundary, int *rc)
{
    gridform_arena *raw = nullptr;
    *rc = gridform_arena_create(&raw, lx, ly, nx, ny, boundary);
    return arena_ptr(raw);
}

}  // namespace

int main()
{
    expect(std::string(gridform_version_string()) == GRIDFORM_VERSION_STRING, "version string");
    expect(std::strcmp(gridform_strerror(GRIDFORM_EINVAL), "invalid argument") == 0, "strerror");
    expect(gridform_strerror(12345) != nullptr, "strerror of an unknown code");

    int rc = 0;
    arena_ptr a = make_arena(2.0, 1.0, 8, 4, GRIDFORM_PERIODIC, &rc);
    expect(rc == GRIDFORM_OK && a != nullptr, "arena create");
    std::size_t nx = 0, ny = 0, nfreq = 0;
    expect(gridform_arena_get_shape(a.get(), &nx, &ny) == GRIDFORM_OK && nx == 8 && ny == 4, "shape");
    expect(gridform_arena_get_nfreq(a.get(), &nfreq) == GRIDFORM_OK && nfreq == 4 * 5, "nfreq");
    double dx = 0, dy = 0, da = 0;
    expect(gridform_arena_get_spacing(a.get(), &dx, &dy, &da) == GRIDFORM_OK
               && std::fabs(da - 0.0625) < 1e-15, "spacing");

    arena_ptr bad = make_arena(-1.0, 1.0, 8, 4, GRIDFORM_PERIODIC, &rc);
    expect(rc == GRIDFORM_EINVAL && bad == nullptr, "invalid arena rejected");
    expect(std::strlen(gridform_last_error()) > 0, "last_error after a failed create");
    expect(gridform_arena_positions(a.get(), nullptr) == GRIDFORM_EINVAL
               && std::strstr(gridform_arena_last_error(a.get()), "xy") != nullptr,
           "handle last_error");

    // the README's tour, then a few learning steps and their scores
    gridform_arena *ra = nullptr;
    gridform_placecode *rp = nullptr;
    gridform_kernel *rk = nullptr;
    gridform_learner *rl = nullptr;
    gridform_scorer *rs = nullptr;
    expect(gridform_arena_create(&ra, 2.2, 2.2, 32, 32, GRIDFORM_PERIODIC) == GRIDFORM_OK, "tour arena");
    arena_ptr tour(ra);
    expect(gridform_placecode_create(&rp, ra, GRIDFORM_TUNING_DOG, 0.12, 2.0, 1024, GRIDFORM_CENTERS_LATTICE, 1)
               == GRIDFORM_OK, "place code");
    std::unique_ptr<gridform_placecode, pc_deleter> pc(rp);
    expect(gridform_kernel_create(&rk, rp, GRIDFORM_KERNEL_FOURIER) == GRIDFORM_OK, "kernel");
    std::unique_ptr<gridform_kernel, kernel_deleter> kern(rk);
    double kstar = 0, spacing = 0;
    expect(gridform_kernel_ring(rk, &kstar, &spacing) == GRIDFORM_OK && std::fabs(kstar - 9.81) < 0.01,
           "ring k* = 9.81 rad/m");
    expect(gridform_learner_create(&rl, rk, 2) == GRIDFORM_OK, "learner");
    std::unique_ptr<gridform_learner, learner_deleter> learner(rl);
    expect(gridform_learner_set_nonlinearity(rl, GRIDFORM_NL_RELU, 0.0) == GRIDFORM_OK
               && gridform_learner_seed(rl, 1, 1.0) == GRIDFORM_OK && gridform_learner_iterate(rl, 20) == GRIDFORM_OK,
           "learning steps");
    std::unique_ptr<double[]> maps(new double[2 * 32 * 32]);
    expect(gridform_learner_get_maps(rl, maps.get()) == GRIDFORM_OK, "get maps");
    expect(gridform_scorer_create(&rs, ra) == GRIDFORM_OK, "scorer");
    std::unique_ptr<gridform_scorer, scorer_deleter> scorer(rs);
    double s60[2], k[2];
    int rc60 = gridform_scorer_score(rs, maps.get(), 2, s60, nullptr, nullptr, nullptr);
    expect(rc60 == GRIDFORM_OK || rc60 == GRIDFORM_EUNDEFINED, "score");
    expect(gridform_map_dominant_k(rs, maps.get(), &k[0]) == GRIDFORM_OK && k[0] > 0, "dominant k");

    if (failures == 0)
        std::printf("check_cxx: all checks passed\n");
    return failures == 0 ? 0 : 1;
}
