/* gridform-sweep: the phase diagram.
 *
 * An SVG heat map (text, so no plotting library is needed, and any browser
 * shows it): one cell per pair of values of the two chosen parameters,
 * coloured by the median of the metric over every task at that pair (the
 * other parameters and the seeds), with tick labels, axis titles, a colour
 * bar and a title.  Each cell is one <rect class="cell"> carrying its
 * values in data- attributes and a <title> tooltip.  Beside it, FILE.png: a
 * montage of one representative map per cell, laid out like the diagram. */
#define _POSIX_C_SOURCE 200809L
#include "config.h"
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "gridform.h"
#include "sweep.h"

/* Anchors of a perceptually uniform blue-green-yellow colour scale (the
 * look of matplotlib's viridis, to match the library's PNG montages),
 * interpolated linearly in sRGB. */
static const unsigned char scale[9][3] = {{68, 1, 84},    {71, 44, 122},  {59, 81, 139},
                                          {44, 113, 142}, {33, 144, 141}, {39, 173, 129},
                                          {92, 200, 99},  {170, 220, 50}, {253, 231, 37}};

static void colour(double t, char *buf, size_t len)
{
    if (!isfinite(t)) {
        snprintf(buf, len, "#bbbbbb");
        return;
    }
    t = t < 0 ? 0 : t > 1 ? 1 : t;
    double x = t * 8;
    int i = (int)x;
    if (i > 7)
        i = 7;
    double f = x - i;
    int c[3];
    for (int k = 0; k < 3; k++)
        c[k] = (int)lround(scale[i][k] + f * (scale[i + 1][k] - scale[i][k]));
    snprintf(buf, len, "#%02x%02x%02x", c[0], c[1], c[2]);
}

/* XML text: & < > " escaped. */
static void put_escaped(FILE *f, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '&': fputs("&amp;", f); break;
        case '<': fputs("&lt;", f); break;
        case '>': fputs("&gt;", f); break;
        case '"': fputs("&quot;", f); break;
        default: fputc(*s, f);
        }
    }
}

static int cmp_double(const void *x, const void *y)
{
    double a = *(const double *)x, b = *(const double *)y;
    return a < b ? -1 : (a > b ? 1 : 0);
}

static void fmt_value(char *buf, size_t len, double v)
{
    if (!isfinite(v))
        snprintf(buf, len, "n/a");
    else
        snprintf(buf, len, "%.3g", v);
}

typedef struct {
    size_t nx, ny;
    double *median;     /* ny * nx, [iy * nx + ix] */
    size_t *count;      /* tasks per cell */
    uint64_t *rep;      /* representative task per cell, UINT64_MAX if none */
} cells;

static void free_cells(cells *c)
{
    free(c->median);
    free(c->count);
    free(c->rep);
}

/* Per cell: the median of the finite metric values, and the task whose
 * value is nearest it (the lowest id among equals; a task that ran, if no
 * value is finite). */
static int gather(const sweep_options *o, const sweep_result *res, cells *c)
{
    const sweep_grid *g = &o->grid;
    int px = o->plot_x, py = o->plot_y, m = o->plot_metric;
    c->nx = g->axis[px].count;
    c->ny = g->axis[py].count;
    size_t nc = c->nx * c->ny;
    c->median = malloc(nc * sizeof *c->median);
    c->count = calloc(nc, sizeof *c->count);
    c->rep = malloc(nc * sizeof *c->rep);
    double *vals = malloc(g->ntasks * sizeof *vals);
    size_t *cell_of = malloc(g->ntasks * sizeof *cell_of);
    if (!c->median || !c->count || !c->rep || !vals || !cell_of) {
        free(vals);
        free(cell_of);
        return -1;
    }
    size_t idx[SP_COUNT];
    for (uint64_t t = 0; t < g->ntasks; t++) {
        sweep_task_indices(g, t, idx);
        cell_of[t] = idx[py] * c->nx + idx[px];
    }
    /* One pass per cell over all tasks: fine for the cell counts a picture
     * can show (the grid is at most a few hundred cells wide). */
    for (size_t k = 0; k < nc; k++) {
        size_t nv = 0;
        c->rep[k] = UINT64_MAX;
        for (uint64_t t = 0; t < g->ntasks; t++) {
            if (cell_of[t] != k)
                continue;
            c->count[k]++;
            if (isfinite(res[t].metric[m]))
                vals[nv++] = res[t].metric[m];
        }
        double med = NAN;
        if (nv > 0) {
            qsort(vals, nv, sizeof *vals, cmp_double);
            med = nv % 2 ? vals[nv / 2] : 0.5 * (vals[nv / 2 - 1] + vals[nv / 2]);
        }
        c->median[k] = med;
        double best = INFINITY;
        for (uint64_t t = 0; t < g->ntasks; t++) {
            if (cell_of[t] != k)
                continue;
            int ran = res[t].code == GRIDFORM_OK || res[t].code == GRIDFORM_CONTINUE;
            double d = isfinite(med) && isfinite(res[t].metric[m]) ? fabs(res[t].metric[m] - med)
                       : ran                                      ? 1e300
                                                                  : INFINITY;
            if (d < best) {
                best = d;
                c->rep[k] = t;
            }
        }
    }
    free(vals);
    free(cell_of);
    return 0;
}

static void axis_title(int p, char *buf, size_t len)
{
    const char *u = sweep_param_unit(p);
    snprintf(buf, len, "%s%s%s%s", sweep_param_name(p), *u ? " (" : "", u, *u ? ")" : "");
}

static int write_svg(const sweep_options *o, const cells *c, FILE *f)
{
    const sweep_grid *g = &o->grid;
    int px = o->plot_x, py = o->plot_y;
    size_t nx = c->nx, ny = c->ny;
    double cw = fmax(12, fmin(72, 520.0 / (double)nx)), ch = fmax(12, fmin(72, 420.0 / (double)ny));
    double left = 110, top = 64, pw = cw * (double)nx, ph = ch * (double)ny;
    double barx = left + pw + 30, barw = 18, width = fmax(barx + barw + 80, 700), height = top + ph + 72;
    double vmin = INFINITY, vmax = -INFINITY;
    for (size_t k = 0; k < nx * ny; k++)
        if (isfinite(c->median[k])) {
            vmin = fmin(vmin, c->median[k]);
            vmax = fmax(vmax, c->median[k]);
        }
    if (!isfinite(vmin)) {
        vmin = 0;
        vmax = 1;
    } else if (vmax == vmin) {
        vmin -= 0.5;
        vmax += 0.5;
    }
    char buf[256], col[16], xt[96], yt[96];
    axis_title(px, xt, sizeof xt);
    axis_title(py, yt, sizeof yt);

    fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    fprintf(f, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" height=\"%.0f\" viewBox=\"0 0 %.0f %.0f\" "
               "font-family=\"Helvetica, Arial, sans-serif\" font-size=\"12\">\n",
            width, height, width, height);
    fprintf(f, "<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n");
    /* title: what is shown, over what */
    fprintf(f, "<text x=\"%.1f\" y=\"24\" text-anchor=\"middle\" font-size=\"15\" font-weight=\"bold\">",
            left + pw / 2);
    put_escaped(f, sweep_metric_label(o->plot_metric));
    fprintf(f, "</text>\n<text x=\"%.1f\" y=\"44\" text-anchor=\"middle\" fill=\"#444\">median over ", left + pw / 2);
    int any = 0;
    for (int p = 0; p < SP_COUNT; p++)
        if (p != px && p != py && g->axis[p].count > 1) {
            fprintf(f, "%s%s (%zu)", any ? ", " : "", sweep_param_name(p), g->axis[p].count);
            any = 1;
        }
    snprintf(buf, sizeof buf, "%s%" PRIu64 " tasks", any ? "; " : "one task per cell; ", g->ntasks);
    fprintf(f, "%s</text>\n", buf);
    /* what is fixed: the one-valued parameters and the run's options */
    fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" fill=\"#444\" font-size=\"11\">", width / 2,
            top + ph + 60);
    for (int p = 0; p < SP_COUNT; p++)
        if (p != px && p != py && g->axis[p].count == 1 && sweep_param_shown(g, p)) {
            char v[64];
            sweep_format_value(g, p, 0, v, sizeof v);
            fprintf(f, "%s %s%s%s, ", sweep_param_name(p), v, *sweep_param_unit(p) ? " " : "", sweep_param_unit(p));
        }
    fprintf(f, "%s, %zu maps, %zu steps, tol %g</text>\n", sweep_boundary_name(g->boundary), g->maps, g->max_steps,
            g->tol);

    /* cells, y increasing upwards */
    int labels = cw >= 34 && ch >= 16;
    fprintf(f, "<g id=\"cells\" stroke=\"white\" stroke-width=\"0.5\">\n");
    for (size_t iy = 0; iy < ny; iy++)
        for (size_t ix = 0; ix < nx; ix++) {
            size_t k = iy * nx + ix;
            double v = c->median[k], x = left + cw * (double)ix, y = top + ph - ch * (double)(iy + 1);
            colour((v - vmin) / (vmax - vmin), col, sizeof col);
            char xv[64], yv[64], vv[32];
            sweep_format_value(g, px, ix, xv, sizeof xv);
            sweep_format_value(g, py, iy, yv, sizeof yv);
            fmt_value(vv, sizeof vv, v);
            fprintf(f, "<rect class=\"cell\" x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" height=\"%.2f\" fill=\"%s\" "
                       "data-x=\"%s\" data-y=\"%s\" data-value=\"%.9g\" data-tasks=\"%zu\">"
                       "<title>%s=%s, %s=%s: %s (%zu tasks)</title></rect>\n",
                    x, y, cw, ch, col, xv, yv, v, c->count[k], sweep_param_name(px), xv, sweep_param_name(py), yv,
                    vv, c->count[k]);
            if (labels)
                fprintf(f, "<text x=\"%.2f\" y=\"%.2f\" text-anchor=\"middle\" font-size=\"10\" stroke=\"none\" "
                           "fill=\"%s\">%s</text>\n",
                        x + cw / 2, y + ch / 2 + 3.5,
                        isfinite(v) && (v - vmin) / (vmax - vmin) > 0.6 ? "#000" : "#fff", vv);
        }
    fprintf(f, "</g>\n");
    fprintf(f, "<rect x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" height=\"%.2f\" fill=\"none\" stroke=\"#333\"/>\n", left,
            top, pw, ph);

    /* ticks: every value, or every k-th when they would crowd */
    size_t kx = (size_t)ceil(40.0 / cw), ky = (size_t)ceil(16.0 / ch);
    fprintf(f, "<g id=\"x-ticks\" text-anchor=\"middle\">\n");
    for (size_t ix = 0; ix < nx; ix += kx) {
        double x = left + cw * ((double)ix + 0.5);
        sweep_format_value(g, px, ix, buf, sizeof buf);
        fprintf(f, "<line x1=\"%.2f\" y1=\"%.2f\" x2=\"%.2f\" y2=\"%.2f\" stroke=\"#333\"/>"
                   "<text x=\"%.2f\" y=\"%.2f\">%s</text>\n",
                x, top + ph, x, top + ph + 5, x, top + ph + 18, buf);
    }
    fprintf(f, "</g>\n<g id=\"y-ticks\" text-anchor=\"end\">\n");
    for (size_t iy = 0; iy < ny; iy += ky) {
        double y = top + ph - ch * ((double)iy + 0.5);
        sweep_format_value(g, py, iy, buf, sizeof buf);
        fprintf(f, "<line x1=\"%.2f\" y1=\"%.2f\" x2=\"%.2f\" y2=\"%.2f\" stroke=\"#333\"/>"
                   "<text x=\"%.2f\" y=\"%.2f\">%s</text>\n",
                left - 5, y, left, y, left - 8, y + 4, buf);
    }
    fprintf(f, "</g>\n");
    fprintf(f, "<text x=\"%.2f\" y=\"%.2f\" text-anchor=\"middle\" font-size=\"13\">", left + pw / 2, top + ph + 40);
    put_escaped(f, xt);
    fprintf(f, "</text>\n<text transform=\"translate(%.2f,%.2f) rotate(-90)\" text-anchor=\"middle\" "
               "font-size=\"13\">",
            left - 70, top + ph / 2);
    put_escaped(f, yt);
    fprintf(f, "</text>\n");

    /* colour bar, low at the bottom: 64 bands rather than a gradient, which
     * some SVG renderers (ImageMagick's) do not draw */
    fprintf(f, "<g id=\"colour-bar\" stroke=\"none\">\n");
    for (int i = 0; i < 64; i++) {
        colour((i + 0.5) / 64.0, col, sizeof col);
        fprintf(f, "<rect x=\"%.2f\" y=\"%.3f\" width=\"%.2f\" height=\"%.3f\" fill=\"%s\"/>\n", barx,
                top + ph - ph * (i + 1) / 64.0, barw, ph / 64.0 + 0.6, col);
    }
    fprintf(f, "<rect x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" height=\"%.2f\" fill=\"none\" stroke=\"#333\"/>\n",
            barx, top, barw, ph);
    for (int i = 0; i <= 4; i++) {
        double v = vmin + (vmax - vmin) * i / 4.0, y = top + ph - ph * i / 4.0;
        fmt_value(buf, sizeof buf, v);
        fprintf(f, "<line x1=\"%.2f\" y1=\"%.2f\" x2=\"%.2f\" y2=\"%.2f\" stroke=\"#333\"/>"
                   "<text x=\"%.2f\" y=\"%.2f\">%s</text>\n",
                barx + barw, y, barx + barw + 4, y, barx + barw + 7, y + 4, buf);
    }
    fprintf(f, "</g>\n</svg>\n");
    return ferror(f) ? -1 : 0;
}

/* ---- the montage ---- */
typedef struct {
    const cells *c;
    size_t n;         /* map side, 0 until the first map */
    int mixed;        /* maps of different sides */
    double *tiles;    /* cells x n x n, in picture order */
    const uint64_t *order;  /* the task of each tile */
    size_t ntiles;
} montage;

static void take_map(uint64_t task, const double *maps, size_t n, size_t rep, void *user)
{
    montage *m = user;
    if (m->n == 0) {
        m->n = n;
        m->tiles = malloc(m->ntiles * n * n * sizeof *m->tiles);
        if (m->tiles != NULL)
            for (size_t i = 0; i < m->ntiles * n * n; i++)
                m->tiles[i] = NAN;
    }
    if (n != m->n) {
        m->mixed = 1;
        return;
    }
    if (m->tiles == NULL)
        return;
    for (size_t i = 0; i < m->ntiles; i++)
        if (m->order[i] == task)
            memcpy(m->tiles + i * n * n, maps + rep * n * n, n * n * sizeof(double));
}

/* FILE.svg -> FILE.png (the .svg replaced, or .png added). */
static void montage_path(const char *svg, const char *ext, char *buf, size_t len)
{
    size_t l = strlen(svg);
    if (l > 4 && strcmp(svg + l - 4, ".svg") == 0)
        l -= 4;
    snprintf(buf, len, "%.*s%s", (int)l, svg, ext);
}

static int write_montage(const sweep_options *o, const cells *c, char *err, size_t len)
{
    size_t nc = c->nx * c->ny;
    /* "If it fits": a picture of at most 32 x 32 tiles, all of one size
     * (the same n in every cell's task), made by computing one task per cell again
     * (tasks are deterministic, so these are the maps the sweep learned). */
    if (c->nx > 32 || c->ny > 32) {
        fprintf(stderr, "gridform-sweep: no montage: %zu x %zu cells is more than 32 x 32\n", c->nx, c->ny);
        return 0;
    }
    uint64_t *order = malloc(nc * sizeof *order), *tasks = malloc(nc * sizeof *tasks);
    if (order == NULL || tasks == NULL) {
        free(order);
        free(tasks);
        snprintf(err, len, "gridform-sweep: out of memory for the montage");
        return -1;
    }
    size_t nt = 0;
    for (size_t r = 0; r < c->ny; r++)      /* picture row r shows y index ny-1-r */
        for (size_t ix = 0; ix < c->nx; ix++) {
            uint64_t t = c->rep[(c->ny - 1 - r) * c->nx + ix];
            order[r * c->nx + ix] = t;
            if (t != UINT64_MAX)
                tasks[nt++] = t;
        }
    montage m = {c, 0, 0, NULL, order, nc};
    int jobs = o->jobs > 0 ? o->jobs : sweep_default_jobs();
    int rc = sweep_compute_maps(&o->grid, tasks, nt, jobs, take_map, &m, err, len);
    if (rc == 0 && m.mixed)
        fprintf(stderr, "gridform-sweep: no montage: the cells' maps have different sizes (--n varies)\n");
    else if (rc == 0 && m.tiles == NULL && nt > 0) {
        snprintf(err, len, "gridform-sweep: out of memory for the montage");
        rc = -1;
    } else if (rc == 0 && nt > 0) {
        char path[4096];
        size_t zoom = m.n >= 96 ? 1 : 96 / m.n;
        montage_path(o->plot, ".png", path, sizeof path);
        int st = gridform_image_write_maps(path, m.tiles, nc, m.n, m.n, c->nx, GRIDFORM_IMAGE_PER_MAP, zoom);
        if (st == GRIDFORM_EUNSUPPORTED) {  /* built without libpng */
            montage_path(o->plot, ".ppm", path, sizeof path);
            st = gridform_image_write_maps(path, m.tiles, nc, m.n, m.n, c->nx, GRIDFORM_IMAGE_PER_MAP, zoom);
        }
        if (st != GRIDFORM_OK) {
            snprintf(err, len, "gridform-sweep: montage: %s", gridform_last_error());
            rc = -1;
        }
    }
    free(m.tiles);
    free(order);
    free(tasks);
    return rc;
}

int sweep_plot(const sweep_options *o, const sweep_result *results, char *err, size_t len)
{
    cells c = {0, 0, NULL, NULL, NULL};
    if (gather(o, results, &c) != 0) {
        free_cells(&c);
        snprintf(err, len, "gridform-sweep: out of memory for the plot");
        return -1;
    }
    /* Written whole to a temporary name, then renamed. */
    char tmp[4096];
    snprintf(tmp, sizeof tmp, "%s.tmp", o->plot);
    FILE *f = fopen(tmp, "w");
    int rc = f == NULL ? -1 : write_svg(o, &c, f);
    if (f != NULL && fclose(f) != 0)
        rc = -1;
    if (rc == 0 && rename(tmp, o->plot) != 0)
        rc = -1;
    if (rc != 0) {
        snprintf(err, len, "gridform-sweep: --plot: cannot write %s", o->plot);
        remove(tmp);
    } else {
        rc = write_montage(o, &c, err, len);
    }
    free_cells(&c);
    return rc;
}
