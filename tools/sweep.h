/* gridform-sweep: shared types of the parameter-grid program.
 *
 * The program is split by what each part owns:
 *   sweep_grid.c      the parameter grid: axes, task id <-> parameters, names
 *   sweep_args.c      the command line (every error found before any work)
 *   sweep_task.c      one task: arena -> place code -> kernel -> learner -> scorer
 *   sweep_csv.c       the results file: rows, resume, torn-line repair, sorting
 *   sweep_run.c       the tasks of one process on worker threads, progress line
 *   sweep_mpi.c       the same across MPI ranks (sweep_nompi.c without MPI)
 *   sweep_svg.c       the phase diagram (SVG) and the montage of maps (PNG)
 *   gridform-sweep.c  main: puts them together
 */
#ifndef GRIDFORM_SWEEP_H
#define GRIDFORM_SWEEP_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Exit statuses: 2 for a command line rejected before any work (the
 * convention of getopt-style tools), 1 for anything else that stops a run. */
enum { SWEEP_EXIT_OK = 0, SWEEP_EXIT_FAIL = 1, SWEEP_EXIT_USAGE = 2 };

/* The swept parameters, in the order of the CSV columns.  The task id is
 * the mixed-radix number of the value indices in this order, the first
 * (tuning) most significant and the seed least, so the seeds of one point
 * are consecutive tasks. */
enum {
    SP_TUNING, SP_SIGMA, SP_SURROUND, SP_BOX, SP_N, SP_NONLINEARITY, SP_COUPLING, SP_INTEGRATOR,
    SP_SEED, SP_COUNT
};

/* The metrics of a row, for --plot-metric. */
enum {
    SM_STEPS, SM_KSTAR, SM_SPACING_PREDICTED, SM_SCORE60, SM_SCORE60_FRAC, SM_SCORE90, SM_SPACING,
    SM_DOMINANT_K, SM_OBJECTIVE, SM_COUNT
};

typedef struct {
    size_t count;
    double *value;  /* numbers, or the library's enum value for named parameters */
} sweep_axis;

typedef struct {
    sweep_axis axis[SP_COUNT];
    size_t maps, max_steps, cells;
    double tol;
    int boundary;     /* GRIDFORM_PERIODIC or GRIDFORM_WALLED */
    int kernel_mode;  /* the kernel the learner supports on that boundary */
    uint64_t ntasks;
} sweep_grid;

/* The parameters of one task. */
typedef struct {
    int tuning;
    double sigma, surround, box;
    size_t n;
    int nonlinearity, coupling, integrator;
    uint64_t seed;
} sweep_point;

/* What one task measured.  code is GRIDFORM_OK (converged),
 * GRIDFORM_CONTINUE (not converged within --steps) or the error. */
typedef struct {
    uint64_t task;
    int code;
    double steps;  /* steps taken (a double: it travels in MPI_DOUBLE messages) */
    double metric[SM_COUNT];
    double seconds;
    size_t rep;    /* the map whose score60 is nearest the median: the montage's choice (not written) */
} sweep_result;

typedef struct {
    sweep_grid grid;
    const char *output;
    const char *save_maps;     /* directory or NULL */
    const char *plot;          /* .svg path or NULL */
    int plot_x, plot_y, plot_metric;
    int jobs;                  /* 0: the default (CPUs available, or 1 per MPI rank) */
    int quiet;
} sweep_options;

/* ---- sweep_grid.c ---- */
const char *sweep_param_name(int p);
int sweep_param_lookup(const char *name);          /* -1 if unknown */
int sweep_param_is_named(int p);                   /* tuning, nonlinearity, coupling, integrator */
const char *sweep_param_unit(int p);               /* "m", "" ... */
const char *sweep_metric_name(int m);
int sweep_metric_lookup(const char *name);         /* -1 if unknown */
const char *sweep_metric_label(int m);             /* human-readable, for the plot */
/* Named values: name <-> library enum.  Returns -1 if unknown. */
int sweep_value_lookup(int p, const char *name);
const char *sweep_value_name(int p, int value);
const char *sweep_boundary_name(int boundary);
/* The text of value index i of axis p exactly as the CSV holds it. */
void sweep_format_value(const sweep_grid *g, int p, size_t i, char *buf, size_t len);
void sweep_task_indices(const sweep_grid *g, uint64_t task, size_t idx[SP_COUNT]);
void sweep_task_point(const sweep_grid *g, uint64_t task, sweep_point *pt);
/* "# gridform-sweep grid: ..." without the newline: a canonical text of the
 * grid and the fixed options, the key that a resumed file must match. */
char *sweep_grid_key(const sweep_grid *g);
void sweep_grid_free(sweep_grid *g);

/* ---- sweep_args.c ---- */
/* Parses argv into o.  Returns 0, or SWEEP_EXIT_USAGE after writing one
 * line "gridform-sweep: ..." into err; SWEEP_EXIT_OK with *done set for
 * --help and --version (the text is printed only if print is nonzero). */
int sweep_parse_args(int argc, char **argv, sweep_options *o, char *err, size_t errlen, int print,
                     int *done);

/* ---- sweep_task.c ---- */
/* A worker's cache: arena, place code, kernel and scorer of the last point,
 * reused while consecutive tasks share them. */
typedef struct sweep_worker sweep_worker;
sweep_worker *sweep_worker_create(const sweep_grid *g);
void sweep_worker_destroy(sweep_worker *w);
/* Runs one task.  maps (may be NULL) receives the learned maps, maps x n x n
 * doubles (n of this task).  Returns 0, or -1 on a failure that must stop
 * the whole run (out of memory), with the reason in err. */
int sweep_worker_run(sweep_worker *w, uint64_t task, sweep_result *r, double **maps, size_t *n,
                     char *err, size_t errlen);
/* "ok", "not converged" or the status's GRIDFORM_E name. */
const char *sweep_status_text(int code);
int sweep_status_lookup(const char *text);          /* -1 if unknown; text may carry ": reason" */
/* The status field of r's row: the status text and, for an error, ": " and
 * its reason (no commas). */
void sweep_status_format(const sweep_grid *g, const sweep_result *r, char *buf, size_t len);

/* ---- sweep_csv.c ---- */
typedef struct sweep_out sweep_out;
/* Opens or resumes path for grid g.  done (ntasks bytes) receives 1 for each
 * task already in the file, and results the rows read back.  Prints what it
 * repaired on stderr.  Returns 0 or -1 with a one-line reason in err. */
int sweep_out_open(sweep_out **out, const char *path, const sweep_grid *g, unsigned char *done,
                   sweep_result *results, char *err, size_t errlen);
/* Appends one row (one write(2), then fdatasync). */
int sweep_out_append(sweep_out *out, const sweep_result *r, char *err, size_t errlen);
/* Rewrites the file with its rows in task order (atomically) and closes it. */
int sweep_out_finish(sweep_out *out, char *err, size_t errlen);
void sweep_out_close(sweep_out *out);
/* The header line naming the columns (with its newline). */
const char *sweep_csv_columns(void);

/* ---- sweep_run.c ---- */
typedef struct {
    const sweep_options *o;
    sweep_out *out;
    sweep_result *results;  /* ntasks, indexed by task */
    const uint64_t *todo;
    uint64_t ntodo, next, finished, skipped;
    pthread_mutex_t lock;
    int failed;
    char failure[512];
    double t0, last_print;
} sweep_queue;

int sweep_queue_init(sweep_queue *q, const sweep_options *o, sweep_out *out, sweep_result *results,
                     const uint64_t *todo, uint64_t ntodo, uint64_t skipped);
void sweep_queue_destroy(sweep_queue *q);
/* Next task for a worker of this process, or -1 (UINT64_MAX) when none is left. */
uint64_t sweep_queue_take(sweep_queue *q);
/* Records a result: the row, the progress line.  Returns 0 or -1 (fatal). */
int sweep_queue_put(sweep_queue *q, const sweep_result *r);
void sweep_queue_fail(sweep_queue *q, const char *msg);
int sweep_queue_done(sweep_queue *q);
void sweep_progress_end(sweep_queue *q);
/* Runs nthreads local workers on q until it is empty.  Returns 0 or -1. */
int sweep_run_threads(sweep_queue *q, int nthreads);
/* Starts nthreads workers in the background (rank 0 under MPI). */
typedef struct sweep_pool sweep_pool;
int sweep_pool_start(sweep_pool **p, sweep_queue *q, int nthreads);
int sweep_pool_join(sweep_pool *p);
/* Computes the given tasks (no file, no progress) and hands each one's maps
 * to fn; used for the montage. */
typedef void (*sweep_maps_fn)(uint64_t task, const double *maps, size_t n, size_t rep, void *user);
int sweep_compute_maps(const sweep_grid *g, const uint64_t *tasks, size_t ntasks, int nthreads,
                       sweep_maps_fn fn, void *user, char *err, size_t errlen);
double sweep_now(void);
int sweep_default_jobs(void);
/* The directory for --save-maps: DIR/task-NNNNNN.npy. */
int sweep_save_maps(const sweep_options *o, uint64_t task, const double *maps, size_t n, char *err,
                    size_t errlen);
void sweep_maps_path(const sweep_options *o, uint64_t task, char *buf, size_t len);

/* ---- sweep_mpi.c / sweep_nompi.c ---- */
/* Whether this process was started by an MPI launcher (mpirun, srun ...). */
int sweep_mpi_launched(void);
int sweep_mpi_available(void);                       /* built with MPI */
int sweep_mpi_init(int *argc, char ***argv, int *rank, int *size, char *err, size_t errlen);
void sweep_mpi_finalize(void);
void sweep_mpi_abort(int status);
/* Broadcasts an int from rank 0. */
int sweep_mpi_bcast_int(int v);
/* Rank 0: serve tasks of q to the other ranks while local workers compute. */
int sweep_mpi_serve(sweep_queue *q, int nlocal);
/* Other ranks: ask rank 0 for tasks until told to stop. */
int sweep_mpi_work(const sweep_options *o, int nthreads);

/* ---- sweep_svg.c ---- */
int sweep_plot(const sweep_options *o, const sweep_result *results, char *err, size_t errlen);

#endif
