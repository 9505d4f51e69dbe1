/* gridform-compare: the one-page SVG report.
 *
 * Four panels: (a) the population's mean power spectrum beside the place
 * code's Sigma~ profile, each scaled to its maximum, with the predicted
 * ring k* and the population's ring marked; (b) the histogram of score60
 * with the grid thresholds; (c) the histogram of the grid maps' spacings
 * with the modules' spacings marked; (d) a montage of the most hexagonal
 * units, embedded as a base64 PNG from the library's image writer (or, in a
 * build without libpng, as grey SVG rectangles). */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <gridform.h>
#include "compare.h"

#define PI 3.14159265358979323846

typedef struct {
    double x0, y0, w, h;         /* plot area in page pixels */
    double xmin, xmax, ymin, ymax;
} frame;

static double fx(const frame *f, double x)
{
    return f->x0 + (x - f->xmin) / (f->xmax - f->xmin) * f->w;
}

static double fy(const frame *f, double y)
{
    return f->y0 + f->h - (y - f->ymin) / (f->ymax - f->ymin) * f->h;
}

/* A round tick step giving about five ticks over range. */
static double tick_step(double range)
{
    double raw = range / 5, p = pow(10, floor(log10(raw))), m = raw / p;
    return (m < 1.5 ? 1 : m < 3.5 ? 2 : m < 7.5 ? 5 : 10) * p;
}

static void axes(FILE *out, const frame *f, const char *xlabel, const char *ylabel, const char *title)
{
    fprintf(out, "<rect x='%.1f' y='%.1f' width='%.1f' height='%.1f' fill='none' stroke='#444'/>\n", f->x0, f->y0,
            f->w, f->h);
    double st = tick_step(f->xmax - f->xmin);
    for (double t = ceil(f->xmin / st) * st; t <= f->xmax + 1e-9 * st; t += st) {
        double x = fx(f, t);
        fprintf(out, "<line x1='%.1f' y1='%.1f' x2='%.1f' y2='%.1f' stroke='#444'/>", x, f->y0 + f->h, x,
                f->y0 + f->h + 4);
        fprintf(out, "<text x='%.1f' y='%.1f' text-anchor='middle' class='tick'>%g</text>\n", x, f->y0 + f->h + 16,
                fabs(t) < 1e-9 * st ? 0.0 : t);
    }
    st = tick_step(f->ymax - f->ymin);
    for (double t = ceil(f->ymin / st) * st; t <= f->ymax + 1e-9 * st; t += st) {
        double y = fy(f, t);
        fprintf(out, "<line x1='%.1f' y1='%.1f' x2='%.1f' y2='%.1f' stroke='#444'/>", f->x0 - 4, y, f->x0, y);
        fprintf(out, "<text x='%.1f' y='%.1f' text-anchor='end' class='tick'>%g</text>\n", f->x0 - 6, y + 4,
                fabs(t) < 1e-9 * st ? 0.0 : t);
    }
    fprintf(out, "<text x='%.1f' y='%.1f' text-anchor='middle' class='lab'>%s</text>\n", f->x0 + f->w / 2,
            f->y0 + f->h + 34, xlabel);
    fprintf(out, "<text transform='translate(%.1f,%.1f) rotate(-90)' text-anchor='middle' class='lab'>%s</text>\n",
            f->x0 - 40, f->y0 + f->h / 2, ylabel);
    fprintf(out, "<text x='%.1f' y='%.1f' class='title'>%s</text>\n", f->x0, f->y0 - 10, title);
}

static void vline(FILE *out, const frame *f, double x, const char *colour, const char *dash, const char *label,
                  int row)
{
    if (!isfinite(x) || x < f->xmin || x > f->xmax)
        return;
    double px = fx(f, x);
    fprintf(out, "<line x1='%.1f' y1='%.1f' x2='%.1f' y2='%.1f' stroke='%s' stroke-width='1.5'%s%s%s/>\n", px,
            f->y0, px, f->y0 + f->h, colour, dash ? " stroke-dasharray='" : "", dash ? dash : "", dash ? "'" : "");
    if (label != NULL)
        fprintf(out, "<text x='%.1f' y='%.1f' fill='%s' class='tick'>%s</text>\n", px + 3, f->y0 + 14 + 14 * row,
                colour, label);
}

/* Histogram bars of counts[nb] over [lo, hi). */
static void bars(FILE *out, const frame *f, const size_t *counts, size_t nb, double lo, double hi,
                 const char *fill)
{
    double w = (hi - lo) / (double)nb;
    for (size_t b = 0; b < nb; b++) {
        if (counts[b] == 0)
            continue;
        double x0 = fx(f, lo + (double)b * w), x1 = fx(f, lo + (double)(b + 1) * w);
        double y = fy(f, (double)counts[b]);
        fprintf(out, "<rect x='%.1f' y='%.1f' width='%.1f' height='%.1f' fill='%s' stroke='white' stroke-width='0.5'/>\n",
                x0, y, x1 - x0, f->y0 + f->h - y, fill);
    }
}

static size_t max_count(const size_t *c, size_t n)
{
    size_t m = 1;
    for (size_t i = 0; i < n; i++)
        if (c[i] > m)
            m = c[i];
    return m;
}

static void panel_spectrum(FILE *out, const compare_report *r, const frame *f0)
{
    frame f = *f0;
    f.xmin = 0;
    f.xmax = r->kmag[r->nbins - 1] > 0 ? r->kmag[r->nbins - 1] : 1;
    f.ymin = 0;
    f.ymax = 1.08;
    axes(out, &f, "wavenumber |k| (rad/m)", "power / its maximum",
         "(a) population spectrum and the place code's spectrum");
    double pmax = 0, smax = 0;
    for (size_t b = 1; b < r->nbins; b++) {
        if (r->power[b] > pmax) pmax = r->power[b];
    }
    for (size_t i = 0; i < r->nfine; i++)
        if (r->sigma[i] > smax) smax = r->sigma[i];
    if (r->nfine > 0 && smax > 0) {
        /* The continuum Sigma~ on its fine grid. */
        fputs("<polyline fill='none' stroke='#d95f02' stroke-width='2' points='", out);
        for (size_t i = 0; i < r->nfine; i++)
            if (isfinite(r->sigma[i]))
                fprintf(out, "%.1f,%.1f ", fx(&f, r->kfine[i]), fy(&f, fmax(r->sigma[i], 0) / smax));
        fputs("'/>\n", out);
    }
    if (pmax > 0) {
        fputs("<polyline fill='none' stroke='#1b5e9e' stroke-width='2' points='", out);
        for (size_t b = 1; b < r->nbins; b++)
            fprintf(out, "%.1f,%.1f ", fx(&f, r->kmag[b]), fy(&f, r->power[b] / pmax));
        fputs("'/>\n", out);
        for (size_t b = 1; b < r->nbins; b++)
            fprintf(out, "<circle cx='%.1f' cy='%.1f' r='2.2' fill='#1b5e9e'/>", fx(&f, r->kmag[b]),
                    fy(&f, r->power[b] / pmax));
        fputc('\n', out);
    }
    char lab[96];
    if (r->have_pc) {
        snprintf(lab, sizeof lab, "k* = %.3g (predicted)", r->kstar);
        vline(out, &f, r->kstar, "#d95f02", "6,4", lab, 0);
    }
    snprintf(lab, sizeof lab, "population ring %.3g", r->kpop);
    vline(out, &f, r->kpop, "#1b5e9e", "2,3", lab, 1);
    /* legend */
    double lx = f.x0 + f.w - 190, ly = f.y0 + 50;
    fprintf(out, "<line x1='%.1f' y1='%.1f' x2='%.1f' y2='%.1f' stroke='#1b5e9e' stroke-width='2'/>"
                 "<text x='%.1f' y='%.1f' class='tick'>mean power of %zu maps</text>\n",
            lx, ly, lx + 20, ly, lx + 25, ly + 4, r->nused);
    if (r->nfine > 0)
        fprintf(out, "<line x1='%.1f' y1='%.1f' x2='%.1f' y2='%.1f' stroke='#d95f02' stroke-width='2'/>"
                     "<text x='%.1f' y='%.1f' class='tick'>place-code spectrum (kernel)</text>\n",
                lx, ly + 16, lx + 20, ly + 16, lx + 25, ly + 20);
    else if (!r->have_pc)
        fprintf(out, "<text x='%.1f' y='%.1f' class='tick'>(no place code given)</text>\n", lx, ly + 20);
}

static void panel_scores(FILE *out, const compare_report *r, const frame *f0)
{
    enum { NB = 30 };
    const double lo = -1.0, hi = 2.0;
    size_t c[NB] = {0};
    for (size_t i = 0; i < r->n; i++) {
        double g = r->score60[i];
        if (isnan(g))
            continue;
        int b = (int)floor((g - lo) / (hi - lo) * NB);
        c[b < 0 ? 0 : b >= NB ? NB - 1 : b]++;
    }
    frame f = *f0;
    f.xmin = lo;
    f.xmax = hi;
    f.ymin = 0;
    f.ymax = (double)max_count(c, NB) * 1.1;
    char title[128];
    snprintf(title, sizeof title, "(b) gridness score60 (%s annuli): %.1f%% > %.2f (%s), median %.2f",
             r->annuli_auto ? "automatic" : "fixed", 100.0 * (double)r->ngrid / (double)r->n, r->threshold,
             r->threshold_source, r->median60);
    axes(out, &f, "score60 (values outside [-1, 2] in the end bins)", "maps", title);
    bars(out, &f, c, NB, lo, hi, "#7570b3");
    char tlab[32];
    snprintf(tlab, sizeof tlab, "%.2f", r->threshold);
    if (isfinite(r->threshold))
        vline(out, &f, r->threshold, "#444", "4,3", tlab, 0);
    vline(out, &f, COMPARE_GRID_THRESHOLD_STRICT, "#444", "1,3", "0.37", 1);
}

static void panel_spacing(FILE *out, const compare_report *r, const frame *f0)
{
    enum { NB = 40 };
    double hi = 0;
    for (size_t i = 0; i < r->n; i++)
        if (r->score60[i] > r->threshold && r->spacing[i] > hi)
            hi = r->spacing[i];
    frame f = *f0;
    if (!(hi > 0)) {
        f.xmin = 0;
        f.xmax = 1;
        f.ymin = 0;
        f.ymax = 1;
        axes(out, &f, "spacing (m)", "grid maps", "(c) spacing of the grid maps");
        fprintf(out, "<text x='%.1f' y='%.1f' text-anchor='middle' class='lab'>no map scores above the threshold</text>\n",
                f.x0 + f.w / 2, f.y0 + f.h / 2);
        return;
    }
    double lo = hi;
    for (size_t i = 0; i < r->n; i++)
        if (r->score60[i] > r->threshold && r->spacing[i] < lo)
            lo = r->spacing[i];
    /* From 0.8 of the smallest to 1.2 of the largest spacing (and the
     * predicted one), so one module is not a single bar at the edge. */
    if (r->have_pc && isfinite(r->astar)) {
        lo = fmin(lo, r->astar);
        hi = fmax(hi, r->astar);
    }
    lo *= 0.8;
    hi *= 1.2;
    size_t c[NB] = {0};
    for (size_t i = 0; i < r->n; i++)
        if (r->score60[i] > r->threshold && !isnan(r->spacing[i])) {
            int b = (int)floor((r->spacing[i] - lo) / (hi - lo) * NB);
            c[b < 0 ? 0 : b >= NB ? NB - 1 : b]++;
        }
    f.xmin = lo;
    f.xmax = hi;
    f.ymin = 0;
    f.ymax = (double)max_count(c, NB) * 1.15;
    char title[128];
    snprintf(title, sizeof title, "(c) spacing of the %zu grid maps: %zu module%s", r->ngrid, r->nmodules,
             r->nmodules == 1 ? "" : "s");
    axes(out, &f, "spacing (m)", "grid maps", title);
    bars(out, &f, c, NB, lo, hi, "#1b9e77");
    for (size_t j = 0; j < r->nmodules; j++) {
        char lab[96];
        snprintf(lab, sizeof lab, "M%zu %.3g m, %.0f&#176; (mod %.0f), n=%zu", j + 1, r->mod_spacing[j],
                 compare_orientation_deg(r->mod_orient[j], r->mod_modulus[j]), r->mod_modulus[j] * 180 / PI,
                 r->mod_count[j]);
        vline(out, &f, r->mod_spacing[j], "#a6761d", "5,3", lab, (int)j);
    }
    if (r->have_pc)
        vline(out, &f, r->astar, "#d95f02", "6,4", "predicted", (int)r->nmodules);
}

static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static void base64_write(FILE *out, const unsigned char *d, size_t n)
{
    for (size_t i = 0; i < n; i += 3) {
        unsigned v = (unsigned)d[i] << 16;
        if (i + 1 < n) v |= (unsigned)d[i + 1] << 8;
        if (i + 2 < n) v |= d[i + 2];
        fputc(b64[(v >> 18) & 63], out);
        fputc(b64[(v >> 12) & 63], out);
        fputc(i + 1 < n ? b64[(v >> 6) & 63] : '=', out);
        fputc(i + 2 < n ? b64[v & 63] : '=', out);
        if ((i / 3) % 32 == 31)
            fputc('\n', out);
    }
}

static unsigned char *slurp(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return NULL;
    size_t cap = 1 << 16, len = 0;
    unsigned char *buf = malloc(cap);
    while (buf != NULL) {
        len += fread(buf + len, 1, cap - len, f);
        if (len < cap)
            break;
        unsigned char *nb = realloc(buf, cap *= 2);
        if (nb == NULL) {
            free(buf);
            buf = NULL;
        } else {
            buf = nb;
        }
    }
    if (ferror(f)) {
        free(buf);
        buf = NULL;
    }
    fclose(f);
    *n = len;
    return buf;
}

static void panel_montage(FILE *out, const compare_report *r, const char *svgpath, double x0, double y0,
                          double w)
{
    /* The best-scoring maps, best first. */
    size_t idx[COMPARE_MONTAGE], nm = 0;
    for (size_t i = 0; i < r->n; i++) {
        if (isnan(r->score60[i]))
            continue;
        size_t p = nm < COMPARE_MONTAGE ? nm++ : COMPARE_MONTAGE;
        while (p > 0 && r->score60[idx[p - 1]] < r->score60[i]) {
            if (p < COMPARE_MONTAGE)
                idx[p] = idx[p - 1];
            p--;
        }
        if (p < COMPARE_MONTAGE)
            idx[p] = i;
    }
    fprintf(out, "<text x='%.1f' y='%.1f' class='title'>(d) the %zu most hexagonal units (score60, module)</text>\n",
            x0, y0 - 10, nm);
    if (nm == 0)
        return;
    const size_t ncols = 4, nrows = (nm + ncols - 1) / ncols, plane = r->nx * r->ny;
    double *sel = malloc(nm * plane * sizeof *sel);
    if (sel == NULL)
        return;
    for (size_t j = 0; j < nm; j++)
        memcpy(sel + j * plane, r->maps + idx[j] * plane, plane * sizeof *sel);
    /* Tiles of nx bins and a one-bin gap (gridform_image(3)). */
    double imgw = (double)(ncols * r->nx + ncols - 1), imgh = (double)(nrows * r->ny + nrows - 1);
    double scale = w / imgw;
    size_t zoom = (size_t)ceil(scale);
    if (zoom < 1) zoom = 1;
    if (zoom > 8) zoom = 8;
    char tmp[4096];
    int embedded = 0;
    if (snprintf(tmp, sizeof tmp, "%s.tmp%ld.png", svgpath, (long)getpid()) < (int)sizeof tmp
        && gridform_image_write_maps(tmp, sel, nm, r->nx, r->ny, ncols, GRIDFORM_IMAGE_PER_MAP, zoom)
               == GRIDFORM_OK) {
        size_t len;
        unsigned char *png = slurp(tmp, &len);
        if (png != NULL) {
            fprintf(out, "<image x='%.1f' y='%.1f' width='%.1f' height='%.1f' preserveAspectRatio='none' "
                         "style='image-rendering:pixelated' href='data:image/png;base64,\n", x0, y0, w,
                    imgh * scale);
            base64_write(out, png, len);
            fputs("'/>\n", out);
            free(png);
            embedded = 1;
        }
        remove(tmp);
    }
    if (!embedded) {
        /* No libpng: grey rectangles, at most 25 x 25 per map. */
        size_t step = (r->nx > r->ny ? r->nx : r->ny) / 25 + 1;
        for (size_t j = 0; j < nm; j++) {
            const double *m = sel + j * plane;
            double lo = INFINITY, hi = -INFINITY;
            for (size_t q = 0; q < plane; q++)
                if (!isnan(m[q])) { lo = fmin(lo, m[q]); hi = fmax(hi, m[q]); }
            double tx = x0 + (double)((j % ncols) * (r->nx + 1)) * scale;
            double ty = y0 + (double)((j / ncols) * (r->ny + 1)) * scale;
            for (size_t iy = 0; iy < r->ny; iy += step)
                for (size_t ix = 0; ix < r->nx; ix += step) {
                    double v = m[iy * r->nx + ix];
                    int g = isnan(v) || !(hi > lo) ? 128 : (int)(255 * (v - lo) / (hi - lo));
                    fprintf(out, "<rect x='%.1f' y='%.1f' width='%.2f' height='%.2f' fill='rgb(%d,%d,%d)'/>", tx + ix * scale,
                            ty + (double)(r->ny - iy - step) * scale, step * scale, step * scale, g, g, g);
                }
            fputc('\n', out);
        }
    }
    for (size_t j = 0; j < nm; j++) {
        double tx = x0 + (double)((j % ncols) * (r->nx + 1)) * scale;
        double ty = y0 + (double)((j / ncols) * (r->ny + 1) + r->ny) * scale;
        char mod[32] = "";
        if (r->label[idx[j]] >= 0)
            snprintf(mod, sizeof mod, ", M%d", r->label[idx[j]] + 1);
        fprintf(out, "<rect x='%.1f' y='%.1f' width='%.1f' height='15' fill='black' fill-opacity='0.6'/>"
                     "<text x='%.1f' y='%.1f' font-size='11' fill='white' stroke='none'>#%zu %.2f%s</text>\n",
                tx, ty - 15, (double)r->nx * scale, tx + 3, ty - 4, idx[j], r->score60[idx[j]], mod);
    }
    free(sel);
}

int compare_write_svg(const char *path, const compare_report *r, char *err, size_t errlen)
{
    FILE *out = fopen(path, "w");
    if (out == NULL) {
        snprintf(err, errlen, "cannot write %s: %s", path, strerror(errno));
        return -1;
    }
    const double W = 1060, H = 790;
    fprintf(out, "<?xml version='1.0' encoding='UTF-8'?>\n"
                 "<svg xmlns='http://www.w3.org/2000/svg' width='%g' height='%g' viewBox='0 0 %g %g'>\n"
                 "<style>text{font-family:sans-serif}.tick{font-size:11px}.lab{font-size:12px}"
                 ".title{font-size:13px;font-weight:bold}.head{font-size:16px;font-weight:bold}"
                 "</style>\n"
                 "<rect width='100%%' height='100%%' fill='white'/>\n",
            W, H, W, H);
    fprintf(out, "<text x='20' y='26' class='head'>gridform-compare: %zu maps of %zu x %zu bins, box %g x %g m, %s",
            r->n, r->ny, r->nx, r->lx, r->ly, r->boundary == GRIDFORM_PERIODIC ? "periodic" : "walled");
    if (r->have_pc)
        fprintf(out, "; predicted k* %.3g rad/m (spacing %.3g m)", r->kstar, r->astar);
    fputs("</text>\n", out);
    frame fa = {70, 70, 420, 270, 0, 1, 0, 1};
    frame fb = {600, 70, 420, 270, 0, 1, 0, 1};
    frame fc = {70, 470, 420, 270, 0, 1, 0, 1};
    panel_spectrum(out, r, &fa);
    panel_scores(out, r, &fb);
    panel_spacing(out, r, &fc);
    panel_montage(out, r, path, 600, 440, 420);
    fputs("</svg>\n", out);
    int bad = ferror(out);
    if (fclose(out) != 0 || bad) {
        snprintf(err, errlen, "cannot write %s", path);
        return -1;
    }
    return 0;
}
