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

namespace {

struct arena_deleter {
    void operator()(gridform_arena *a) const { gridform_arena_destroy(a); }
};
using arena_ptr = std::unique_ptr<gridform_arena, arena_deleter>;

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

    if (failures == 0)
        std::printf("check_cxx: all checks passed\n");
    return failures == 0 ? 0 : 1;
}
