/* libgridform: the library's own PRNG, so seeds mean the same everywhere.
 *
 * xoshiro256**: D. Blackman and S. Vigna, "Scrambled linear pseudorandom
 * number generators", ACM TOMS 47 (2021).  Seeding by splitmix64: G. Steele,
 * D. Lea, C. Flood, "Fast splittable pseudorandom number generators",
 * OOPSLA 2014. */
#include "config.h"
#include <math.h>
#include "internal.h"

static uint64_t gridform_splitmix64(uint64_t *x)
{
    uint64_t z = (*x += UINT64_C(0x9E3779B97F4A7C15));
    z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
    return z ^ (z >> 31);
}

static uint64_t gridform_rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

void gridform__rng_seed(gridform__rng *r, uint64_t seed)
{
    uint64_t x = seed;
    for (int i = 0; i < 4; i++)
        r->s[i] = gridform_splitmix64(&x);
}

uint64_t gridform__rng_next(gridform__rng *r)
{
    uint64_t *s = r->s;
    const uint64_t result = gridform_rotl(s[1] * 5, 7) * 9;
    const uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = gridform_rotl(s[3], 45);
    return result;
}

double gridform__rng_uniform(gridform__rng *r)
{
    return (double)(gridform__rng_next(r) >> 11) * 0x1.0p-53;
}

double gridform__rng_normal(gridform__rng *r)
{
    /* 1 - u lies in (0, 1], so the log is finite. */
    double u1 = 1.0 - gridform__rng_uniform(r);
    double u2 = gridform__rng_uniform(r);
    return sqrt(-2.0 * log(u1)) * cos(2.0 * GF_PI * u2);
}
