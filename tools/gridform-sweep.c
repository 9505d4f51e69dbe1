/* gridform-sweep: phase diagrams of the pattern-formation theory over a grid
 * of parameters, on threads or MPI ranks, into a resumable CSV.  See
 * gridform-sweep(1) and sweep.h for the parts. */
#include "config.h"
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#ifdef HAVE_OPENBLAS_SET_NUM_THREADS
#include <cblas.h>
#endif
#include "gridform.h"
#include "sweep.h"

/* One BLAS thread per worker: the workers already fill the cores, and
 * OpenBLAS threads inside each would only compete with them.  The library
 * calls BLAS only from the workers, after this. */
static void single_threaded_blas(void)
{
#ifdef HAVE_OPENBLAS_SET_NUM_THREADS
    openblas_set_num_threads(1);
#endif
}

static int make_maps_dir(const char *dir, char *err, size_t len)
{
    struct stat st;
    if (mkdir(dir, 0777) != 0 && errno != EEXIST) {
        snprintf(err, len, "gridform-sweep: --save-maps: cannot create %s: %s", dir, strerror(errno));
        return -1;
    }
    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
        snprintf(err, len, "gridform-sweep: --save-maps: %s is not a directory", dir);
        return -1;
    }
    return 0;
}

/* Rank 0 (or the only process): open or resume the file, run, sort, plot. */
static int lead(const sweep_options *o, int size, int jobs)
{
    char err[2048] = "";
    const sweep_grid *g = &o->grid;
    sweep_out *out = NULL;
    unsigned char *done = calloc(g->ntasks, 1);
    sweep_result *results = calloc(g->ntasks, sizeof *results);
    uint64_t *todo = malloc(g->ntasks * sizeof *todo);
    int status = 0;
    if (done == NULL || results == NULL || todo == NULL) {
        snprintf(err, sizeof err, "gridform-sweep: out of memory for %" PRIu64 " tasks", g->ntasks);
        status = -1;
    }
    if (status == 0 && o->save_maps != NULL)
        status = make_maps_dir(o->save_maps, err, sizeof err);
    if (status == 0)
        status = sweep_out_open(&out, o->output, g, done, results, err, sizeof err);
    /* Every rank learns whether to go on before any work. */
    if (size > 1)
        status = sweep_mpi_bcast_int(status);
    if (status != 0) {
        fprintf(stderr, "%s\n", err);
        free(done);
        free(results);
        free(todo);
        return SWEEP_EXIT_FAIL;
    }
    uint64_t ntodo = 0;
    for (uint64_t t = 0; t < g->ntasks; t++)
        if (!done[t])
            todo[ntodo++] = t;
    sweep_queue q;
    sweep_queue_init(&q, o, out, results, todo, ntodo, g->ntasks - ntodo);
    int rc = size > 1 ? sweep_mpi_serve(&q, jobs) : sweep_run_threads(&q, jobs);
    sweep_progress_end(&q);
    if (rc != 0) {
        fprintf(stderr, "%s\n", q.failure);
        sweep_out_close(out);
        status = SWEEP_EXIT_FAIL;
    } else if (sweep_out_finish(out, err, sizeof err) != 0) {
        fprintf(stderr, "%s\n", err);
        status = SWEEP_EXIT_FAIL;
    } else if (o->plot != NULL && sweep_plot(o, results, err, sizeof err) != 0) {
        fprintf(stderr, "%s\n", err);
        status = SWEEP_EXIT_FAIL;
    }
    sweep_queue_destroy(&q);
    free(done);
    free(results);
    free(todo);
    return status;
}

int main(int argc, char **argv)
{
    char err[1024] = "";
    int rank = 0, size = 1, done = 0;
    if (sweep_mpi_launched() && sweep_mpi_init(&argc, &argv, &rank, &size, err, sizeof err) != 0) {
        if (rank == 0)
            fprintf(stderr, "%s\n", err);
        return SWEEP_EXIT_USAGE;
    }
    sweep_options o;
    int rc = sweep_parse_args(argc, argv, &o, err, sizeof err, rank == 0, &done);
    if (rc != 0 || done) {
        if (rc != 0 && rank == 0)
            fprintf(stderr, "%s\n", err);
        sweep_grid_free(&o.grid);
        sweep_mpi_finalize();
        return rc;
    }
    single_threaded_blas();
    /* Threads: as many as the CPUs this process may use.  Under MPI one per
     * rank, since one rank per core is how MPI jobs are laid out; --jobs
     * sets both. */
    int jobs = o.jobs > 0 ? o.jobs : size > 1 ? 1 : sweep_default_jobs();
    int status;
    if (rank == 0)
        status = lead(&o, size, jobs);
    else {
        status = sweep_mpi_bcast_int(0) != 0 ? SWEEP_EXIT_FAIL : 0;
        if (status == 0)
            sweep_mpi_work(&o, jobs);
    }
    sweep_grid_free(&o.grid);
    sweep_mpi_finalize();
    return status;
}
