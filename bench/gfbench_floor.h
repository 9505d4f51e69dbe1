/* libgridform benchmarks: the floor of one learner step, written once for
 * both working precisions and included twice by bench/gfbench.c:
 *
 *   GF_FLOOR_FN      the function's name
 *   GF_FLOOR_R       the real type (double or float)
 *   GF_FLOOR_X(x)    FFTW's name x in this precision (fftw_x, fftwf_x)
 *   GF_FLOOR_SYRK, GF_FLOOR_TRMM   the BLAS routines of this precision
 *   GF_FLOOR_THREADS defined when this precision's FFTW has threads
 *
 * It undefines them at its end, ready for the next precision.
 *
 * The learner's FFTW and BLAS calls for one step, on 1 thread, without the
 * elementwise work (lib/learner_step.c, EULER):
 *   INDEPENDENT  per map: r2c into a one-map scratch spectrum, c2r back;
 *   SANGER       per map: r2c into the ng x 2 nfreq spectra; syrk of the
 *                weighted spectra (M); trmm (the strict lower triangle of
 *                M on the spectra); per map: c2r.
 * Single-map plans made as the learner makes them; layout as the learner's:
 * three buffers of ng x 2 nfreq reals, maps at stride n in the real view.
 * fft_batched times one batched r2c + c2r of all maps, for comparison. */

static floor_times GF_FLOOR_FN(const options *o, size_t reps, size_t kept)
{
    const size_t n = o->n, ng = o->ng, np = n * n, nf = n * (n / 2 + 1), cs = 2 * nf;
    const int sanger = o->coupling == GRIDFORM_COUPLING_SANGER;
    GF_FLOOR_R *G = xmalloc(ng * cs * sizeof(GF_FLOOR_R));
    GF_FLOOR_R *A = xmalloc(ng * cs * sizeof(GF_FLOOR_R));
    GF_FLOOR_R *B = xmalloc(ng * cs * sizeof(GF_FLOOR_R));
    GF_FLOOR_R *M = xmalloc(ng * ng * sizeof(GF_FLOOR_R));
    int dims[2] = {(int)n, (int)n};
    unsigned flags = plan_flags(o->planning);

#ifdef GF_FLOOR_THREADS
    GF_FLOOR_X(init_threads)();
    GF_FLOOR_X(plan_with_nthreads)(1);
#endif
    GF_FLOOR_X(plan) fwd = GF_FLOOR_X(plan_many_dft_r2c)(2, dims, 1, A, NULL, 1, (int)np, (GF_FLOOR_X(complex) *)B,
                                           NULL, 1, (int)nf, flags);
    GF_FLOOR_X(plan) bwd = GF_FLOOR_X(plan_many_dft_c2r)(2, dims, 1, (GF_FLOOR_X(complex) *)A, NULL, 1, (int)nf, B,
                                           NULL, 1, (int)np, flags);
    GF_FLOOR_X(plan) bfwd = GF_FLOOR_X(plan_many_dft_r2c)(2, dims, (int)ng, A, NULL, 1, (int)np,
                                            (GF_FLOOR_X(complex) *)B, NULL, 1, (int)nf, flags);
    GF_FLOOR_X(plan) bbwd = GF_FLOOR_X(plan_many_dft_c2r)(2, dims, (int)ng, (GF_FLOOR_X(complex) *)A, NULL, 1, (int)nf,
                                            B, NULL, 1, (int)np, flags);
    if (fwd == NULL || bwd == NULL || bfwd == NULL || bbwd == NULL)
        die("FFTW could not plan the floor's transforms");
    for (size_t i = 0; i < ng * cs; i++)
        G[i] = B[i] = (GF_FLOOR_R)((double)((i * 2654435761u) % 1000) / 1000.0 - 0.5);
    for (size_t i = 0; i < ng * ng; i++)
        M[i] = (GF_FLOOR_R)1e-6;

    double *tf = xmalloc(reps * sizeof(double)), *tb = xmalloc(reps * sizeof(double));
    double *tz = xmalloc(reps * sizeof(double));
    for (size_t r = 0; r < reps + 1; r++) {
        double tfft = 0, tblas = 0, t0 = now();
        for (size_t j = 0; j < ng; j++)
            GF_FLOOR_X(execute_dft_r2c)(fwd, G + j * np, (GF_FLOOR_X(complex) *)(sanger ? A + j * cs : B));
        tfft += now() - t0;
        if (sanger) {
            t0 = now();
            GF_FLOOR_SYRK(CblasRowMajor, CblasLower, CblasNoTrans, (int)ng, (int)(2 * kept), 1.0, B, (int)cs,
                        0.0, M, (int)ng);
            double t1 = now();
            for (size_t i = 0; i < ng * ng; i++)  /* keep the product finite, untimed */
                M[i] = (GF_FLOOR_R)1e-6;
            double t2 = now();
            GF_FLOOR_TRMM(CblasRowMajor, CblasLeft, CblasLower, CblasNoTrans, CblasNonUnit, (int)ng,
                        (int)cs, 1.0, M, (int)ng, B, (int)cs);
            tblas += (now() - t2) + (t1 - t0);
        }
        t0 = now();
        for (size_t j = 0; j < ng; j++)
            GF_FLOOR_X(execute_dft_c2r)(bwd, (GF_FLOOR_X(complex) *)(sanger ? B + j * cs : B), A + j * np);
        tfft += now() - t0;
        t0 = now();
        GF_FLOOR_X(execute_dft_r2c)(bfwd, G, (GF_FLOOR_X(complex) *)A);
        GF_FLOOR_X(execute_dft_c2r)(bbwd, (GF_FLOOR_X(complex) *)A, B);
        double tbatch = now() - t0;
        if (r > 0) { /* the first repetition warms caches and thread pools */
            tf[r - 1] = tfft;
            tb[r - 1] = tblas;
            tz[r - 1] = tbatch;
        }
    }
    floor_times ft = {median(tf, reps), median(tb, reps), 0, 0, median(tz, reps)};
    ft.fft_min = tf[0];   /* median() sorted them */
    ft.blas_min = tb[0];
    GF_FLOOR_X(destroy_plan)(fwd);
    GF_FLOOR_X(destroy_plan)(bwd);
    GF_FLOOR_X(destroy_plan)(bfwd);
    GF_FLOOR_X(destroy_plan)(bbwd);
    fftw_free(tf);
    fftw_free(tb);
    fftw_free(tz);
    fftw_free(G);
    fftw_free(A);
    fftw_free(B);
    fftw_free(M);
    return ft;
}

#undef GF_FLOOR_FN
#undef GF_FLOOR_R
#undef GF_FLOOR_X
#undef GF_FLOOR_SYRK
#undef GF_FLOOR_TRMM
#undef GF_FLOOR_THREADS
