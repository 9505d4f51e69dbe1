/* gridform-sweep without MPI (configure found none, or --without-mpi): one
 * process, threads only.  Started by an MPI launcher with more than one
 * rank, it refuses to run: every rank would compute the whole grid. */
#include "config.h"
#include <stdio.h>
#include <stdlib.h>
#include "sweep.h"

int sweep_mpi_available(void) { return 0; }

int sweep_mpi_init(int *argc, char ***argv, int *rank, int *size, char *err, size_t errlen)
{
    (void)argc;
    (void)argv;
    const char *s = getenv("OMPI_COMM_WORLD_SIZE");
    if (s == NULL)
        s = getenv("PMI_SIZE");
    *rank = 0;
    *size = 1;
    if (s != NULL && atoi(s) > 1) {
        const char *r = getenv("OMPI_COMM_WORLD_RANK");
        if (r == NULL)
            r = getenv("PMI_RANK");
        *rank = r ? atoi(r) : 0;
        snprintf(err, errlen,
                 "gridform-sweep: started as %s MPI ranks, but this build has no MPI (configure --with-mpi "
                 "with Open MPI or MPICH installed); run it without mpirun, on threads (--jobs)", s);
        return -1;
    }
    return 0;
}

void sweep_mpi_finalize(void) {}
void sweep_mpi_abort(int status) { exit(status); }
int sweep_mpi_bcast_int(int v) { return v; }
int sweep_mpi_serve(sweep_queue *q, int nlocal) { return sweep_run_threads(q, nlocal); }
int sweep_mpi_work(const sweep_options *o, int nthreads)
{
    (void)o;
    (void)nthreads;
    return -1;
}
