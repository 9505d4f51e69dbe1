/* libgridform: allocation wrappers and the allocation-failure test hook. */
#include "config.h"
#include <stdlib.h>
#include <fftw3.h>
#include "internal.h"

/* Per-thread, so a test injecting failures in one thread never disturbs
 * another thread's handles. */
static _Thread_local size_t gridform_alloc_fail_at;   /* 0: disabled */
static _Thread_local size_t gridform_alloc_count;

int gridform_debug_fail_allocation(size_t n)
{
    gridform_alloc_fail_at = (n == 0) ? 0 : gridform_alloc_count + n;
    return GRIDFORM_OK;
}

size_t gridform_debug_allocation_count(void)
{
    return gridform_alloc_count;
}

int gridform__alloc_should_fail(void)
{
    gridform_alloc_count++;
    if (gridform_alloc_fail_at != 0 && gridform_alloc_count == gridform_alloc_fail_at) {
        gridform_alloc_fail_at = 0;
        return 1;
    }
    return 0;
}

void *gridform__malloc(size_t size)
{
    if (gridform__alloc_should_fail())
        return NULL;
    return malloc(size == 0 ? 1 : size);
}

void *gridform__calloc(size_t n, size_t size)
{
    size_t total;
    if (!gridform__mul_size(n, size, &total) || gridform__alloc_should_fail())
        return NULL;
    return calloc(n == 0 ? 1 : n, size == 0 ? 1 : size);
}

void *gridform__malloc_array(size_t n, size_t size)
{
    size_t total;
    if (!gridform__mul_size(n, size, &total))
        return NULL;
    return gridform__malloc(total);
}

void gridform__free(void *p)
{
    free(p);
}

void *gridform__aligned_alloc(size_t bytes)
{
    if (gridform__alloc_should_fail())
        return NULL;
    return fftw_malloc(bytes == 0 ? 1 : bytes);
}

double *gridform__aligned_doubles(size_t n)
{
    size_t total;
    if (!gridform__mul_size(n, sizeof(double), &total))
        return NULL;
    return gridform__aligned_alloc(total);
}

void gridform__aligned_free(void *p)
{
    if (p != NULL)
        fftw_free(p);
}
