/* libgridform: map montages as PNG (libpng) or PPM images.
 *
 * Maps are tiled ncols to a row in reading order with a one-bin white gap
 * between tiles, each bin drawn as zoom x zoom pixels, row iy = 0 at the
 * bottom of its tile (the y axis points up, as in the arena).  The image is
 * produced one pixel row at a time, so memory is one row however large the
 * montage. */
#define _POSIX_C_SOURCE 200809L
/* 64-bit off_t on 32-bit systems too: files over 2 GiB.  No off_t crosses
 * a translation unit, so this cannot split the ABI. */
#define _FILE_OFFSET_BITS 64
#include "config.h"
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include "internal.h"
#include "outfile.h"
#ifdef HAVE_PNG
#include <png.h>
#include <setjmp.h>
#endif

/* Both PNG's limit (2^31 - 1) and a sane bound for PPM. */
#define GF_IMAGE_MAX_SIDE ((size_t)0x7fffffff)

/* The viridis colormap of van der Walt and Smith (matplotlib 2.0's default,
 * https://bids.github.io/colormap/, released CC0), sampled at 33 equally
 * spaced points t = j/32 from matplotlib's 256-entry table
 * (lib/matplotlib/_cm_listed.py, _viridis_data, linearly interpolated) and
 * interpolated linearly between them: within 1.7/255 of the full table in
 * every channel.  Perceptually uniform, readable in greyscale and by
 * colour-blind viewers. */
static const double gf_viridis[33][3] = {
    {0.267004, 0.004874, 0.329415}, {0.276987, 0.050151, 0.375542},
    {0.282302, 0.094624, 0.417024}, {0.282902, 0.135449, 0.453035},
    {0.278919, 0.174879, 0.482972}, {0.270788, 0.213324, 0.506643},
    {0.259266, 0.250672, 0.524378}, {0.245374, 0.286704, 0.536971},
    {0.230223, 0.321297, 0.545488}, {0.214836, 0.354470, 0.551027},
    {0.199995, 0.386377, 0.554533}, {0.186132, 0.417256, 0.556682},
    {0.173302, 0.447386, 0.557850}, {0.161265, 0.477036, 0.558125},
    {0.149668, 0.506440, 0.557329}, {0.138415, 0.535767, 0.555090},
    {0.128148, 0.565107, 0.550893}, {0.120875, 0.594465, 0.544158},
    {0.120325, 0.623765, 0.534308}, {0.130961, 0.652859, 0.520817},
    {0.155378, 0.681539, 0.503240}, {0.192974, 0.709556, 0.481231},
    {0.241467, 0.736626, 0.454543}, {0.298636, 0.762445, 0.423019},
    {0.362859, 0.786695, 0.386589}, {0.432985, 0.809056, 0.345271},
    {0.508094, 0.829231, 0.299221}, {0.587266, 0.846982, 0.248871},
    {0.669358, 0.862217, 0.195444}, {0.752867, 0.875089, 0.142650},
    {0.835913, 0.886110, 0.102462}, {0.916550, 0.896130, 0.100822},
    {0.993248, 0.906157, 0.143936},
};

static const unsigned char gf_gap_rgb[3] = {255, 255, 255};
static const unsigned char gf_nan_rgb[3] = {128, 128, 128};

static void gf_viridis_rgb(double t, unsigned char rgb[3])
{
    double x = t * 32.0;
    int i = (int)x;
    if (i > 31)
        i = 31;
    double f = x - (double)i;
    for (int c = 0; c < 3; c++) {
        double v = gf_viridis[i][c] + f * (gf_viridis[i + 1][c] - gf_viridis[i][c]);
        rgb[c] = (unsigned char)(v * 255.0 + 0.5);
    }
}

/* The colour of one value on the scale lo..hi.  NaN is grey; +-Inf take the
 * ends of the scale; a flat scale (constant map) gives the middle colour.
 * Halving before subtracting keeps hi - lo finite for any finite lo, hi. */
static void gf_value_rgb(double v, double lo, double hi, unsigned char rgb[3])
{
    double t;
    if (isnan(v)) {
        memcpy(rgb, gf_nan_rgb, 3);
        return;
    }
    if (isinf(v))
        t = v > 0 ? 1.0 : 0.0;
    else if (!(hi > lo))
        t = 0.5;
    else {
        t = (0.5 * v - 0.5 * lo) / (0.5 * hi - 0.5 * lo);
        t = t < 0.0 ? 0.0 : t > 1.0 ? 1.0 : t;
    }
    gf_viridis_rgb(t, rgb);
}

typedef struct {
    const double *maps;
    size_t nmaps, nx, ny, cols, zoom;
    size_t width, height;   /* pixels */
    const double *range;    /* lo, hi per map */
} gf_montage;

static void gf_fill_row(const gf_montage *mt, size_t py, unsigned char *row)
{
    size_t by = py / mt->zoom, tile_row = by / (mt->ny + 1), within = by % (mt->ny + 1);
    unsigned char *p = row;
    for (size_t tc = 0; tc < mt->cols; tc++) {
        size_t m = tile_row * mt->cols + tc;
        int blank = within == mt->ny || m >= mt->nmaps;
        const double *line = blank ? NULL : mt->maps + (m * mt->ny + (mt->ny - 1 - within)) * mt->nx;
        for (size_t ix = 0; ix < mt->nx; ix++) {
            unsigned char rgb[3];
            if (blank)
                memcpy(rgb, gf_gap_rgb, 3);
            else
                gf_value_rgb(line[ix], mt->range[2 * m], mt->range[2 * m + 1], rgb);
            for (size_t z = 0; z < mt->zoom; z++, p += 3)
                memcpy(p, rgb, 3);
        }
        if (tc + 1 < mt->cols)
            for (size_t z = 0; z < mt->zoom; z++, p += 3)
                memcpy(p, gf_gap_rgb, 3);
    }
}

/* Finite minimum and maximum of n values; lo > hi when there are none. */
static void gf_finite_range(const double *g, size_t n, double *lo, double *hi)
{
    double a = INFINITY, b = -INFINITY;
    for (size_t i = 0; i < n; i++)
        if (isfinite(g[i])) {
            if (g[i] < a) a = g[i];
            if (g[i] > b) b = g[i];
        }
    *lo = a;
    *hi = b;
}

static int gf_write_ppm(const gf_montage *mt, gridform__outfile *o, unsigned char *row)
{
    char head[64];
    int n = snprintf(head, sizeof head, "P6\n%zu %zu\n255\n", mt->width, mt->height);
    int rc = gridform__outfile_write(o, head, (size_t)n);
    for (size_t y = 0; rc == GRIDFORM_OK && y < mt->height; y++) {
        gf_fill_row(mt, y, row);
        rc = gridform__outfile_write(o, row, 3 * mt->width);
    }
    return rc;
}

#ifdef HAVE_PNG
/* libpng reports errors by longjmp.  The handlers below never print and
 * never return; the jump lands in gf_write_png, which turns it into a status
 * code, so no longjmp ever leaves this file. */
typedef struct {
    gridform__outfile *o;
    int errnum;      /* errno of a failed write, 0 for a libpng error */
    char msg[128];   /* libpng's message */
} gf_png_ctx;

static void gf_png_error(png_structp png, png_const_charp msg)
{
    gf_png_ctx *ctx = png_get_error_ptr(png);
    snprintf(ctx->msg, sizeof ctx->msg, "%s", msg != NULL ? msg : "unknown error");
    png_longjmp(png, 1);
}

static void gf_png_warning(png_structp png, png_const_charp msg)
{
    (void)png;
    (void)msg;
}

static void gf_png_write_fn(png_structp png, png_bytep data, size_t n)
{
    gf_png_ctx *ctx = png_get_io_ptr(png);
    errno = 0;
    if (fwrite(data, 1, n, ctx->o->fp) != n) {
        ctx->errnum = errno != 0 ? errno : EIO;
        png_error(png, "write failed");
    }
}

static void gf_png_flush_fn(png_structp png)
{
    (void)png;   /* the output is flushed and synced at commit */
}

/* Everything after setjmp lives here, so gf_write_png modifies no local
 * variable between setjmp and a longjmp (C11 7.13.2.1). */
static void gf_png_body(png_structp png, png_infop info, const gf_montage *mt, unsigned char *row)
{
    png_set_user_limits(png, (png_uint_32)GF_IMAGE_MAX_SIDE, (png_uint_32)GF_IMAGE_MAX_SIDE);
    png_set_IHDR(png, info, (png_uint_32)mt->width, (png_uint_32)mt->height, 8, PNG_COLOR_TYPE_RGB,
                 PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    /* The colormap is defined in sRGB. */
    png_set_sRGB_gAMA_and_cHRM(png, info, PNG_sRGB_INTENT_PERCEPTUAL);
    png_write_info(png, info);
    for (size_t y = 0; y < mt->height; y++) {
        gf_fill_row(mt, y, row);
        png_write_row(png, row);
    }
    png_write_end(png, NULL);
}

static int gf_write_png(const gf_montage *mt, gf_png_ctx *ctx, unsigned char *row)
{
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, ctx, gf_png_error, gf_png_warning);
    if (png == NULL)
        return GRIDFORM_ENOMEM;
    png_infop info = png_create_info_struct(png);
    if (info == NULL) {
        png_destroy_write_struct(&png, NULL);
        return GRIDFORM_ENOMEM;
    }
    if (setjmp(png_jmpbuf(png))) {
        png_destroy_write_struct(&png, &info);
        return GRIDFORM_EIO;
    }
    png_set_write_fn(png, ctx, gf_png_write_fn, gf_png_flush_fn);
    gf_png_body(png, info, mt, row);
    png_destroy_write_struct(&png, &info);
    return GRIDFORM_OK;
}
#endif

/* Case-insensitive ASCII comparison of an extension. */
static int gf_ext_is(const char *ext, const char *want)
{
    for (; *want != '\0'; ext++, want++) {
        char c = *ext;
        if (c >= 'A' && c <= 'Z')
            c = (char)(c - 'A' + 'a');
        if (c != *want)
            return 0;
    }
    return *ext == '\0';
}

enum { GF_FMT_PPM = 1, GF_FMT_PNG = 2 };

int gridform_image_write_maps(const char *path, const double *maps, size_t nmaps, size_t nx, size_t ny,
                              size_t ncols, int scaling, size_t zoom)
{
    gridform__errbuf *eb = NULL;
    GF_CHECK_PTR(eb, path);
    GF_CHECK_PTR(eb, maps);
    if (nmaps == 0 || nx == 0 || ny == 0 || ncols == 0 || zoom == 0)
        return GF_FAIL(eb, GRIDFORM_EINVAL, "nmaps, nx, ny, ncols and zoom must be > 0, got %zu, %zu, %zu, %zu, %zu",
                       nmaps, nx, ny, ncols, zoom);
    if (scaling != GRIDFORM_IMAGE_PER_MAP && scaling != GRIDFORM_IMAGE_SHARED && scaling != GRIDFORM_IMAGE_SYMMETRIC)
        return GF_FAIL(eb, GRIDFORM_EINVAL, "scaling must be GRIDFORM_IMAGE_PER_MAP, _SHARED or _SYMMETRIC, got %d",
                       scaling);

    const char *base = strrchr(path, '/');
    base = base != NULL ? base + 1 : path;
    const char *dot = strrchr(base, '.');
    int format;
    if (dot != NULL && gf_ext_is(dot + 1, "png"))
        format = GF_FMT_PNG;
    else if (dot != NULL && gf_ext_is(dot + 1, "ppm"))
        format = GF_FMT_PPM;
    else
        return GF_FAIL(eb, GRIDFORM_EINVAL, "'%s': the extension must be .png or .ppm", path);
#ifndef HAVE_PNG
    if (format == GF_FMT_PNG)
        return GF_FAIL(eb, GRIDFORM_EUNSUPPORTED, "'%s': built without libpng; write .ppm instead", path);
#endif

    size_t cols = ncols < nmaps ? ncols : nmaps;
    size_t rows = nmaps / cols + (nmaps % cols != 0);
    size_t total, wb, hb, width, height, rowbytes;
    if (!gridform__mul3_size(nmaps, nx, ny, &total))
        return GF_FAIL(eb, GRIDFORM_ERANGE, "nmaps*nx*ny overflows size_t");
    /* cols*nx + cols-1 gaps, rows*ny + rows-1 gaps, times zoom */
    if (nx == SIZE_MAX || ny == SIZE_MAX || !gridform__mul_size(cols, nx + 1, &wb) ||
        !gridform__mul_size(rows, ny + 1, &hb) || !gridform__mul_size(wb - 1, zoom, &width) ||
        !gridform__mul_size(hb - 1, zoom, &height) || !gridform__mul_size(width, 3, &rowbytes))
        return GF_FAIL(eb, GRIDFORM_ERANGE, "the image size overflows size_t");
    if (width > GF_IMAGE_MAX_SIDE || height > GF_IMAGE_MAX_SIDE)
        return GF_FAIL(eb, GRIDFORM_ERANGE, "image of %zu x %zu pixels exceeds the limit of %zu per side",
                       width, height, GF_IMAGE_MAX_SIDE);

    double *range = gridform__malloc_array(nmaps, 2 * sizeof(double));
    unsigned char *row = gridform__malloc(rowbytes);
    if (range == NULL || row == NULL) {
        gridform__free(range);
        gridform__free(row);
        return GF_FAIL(eb, GRIDFORM_ENOMEM, "cannot allocate a row of %zu bytes", rowbytes);
    }
    size_t n = nx * ny;
    for (size_t m = 0; m < nmaps; m++) {
        double lo, hi;
        gf_finite_range(maps + m * n, n, &lo, &hi);
        if (scaling == GRIDFORM_IMAGE_SYMMETRIC && lo <= hi) {
            double a = fmax(fabs(lo), fabs(hi));
            lo = -a;
            hi = a;
        }
        range[2 * m] = lo;
        range[2 * m + 1] = hi;
    }
    if (scaling == GRIDFORM_IMAGE_SHARED) {
        double lo = INFINITY, hi = -INFINITY;
        for (size_t m = 0; m < nmaps; m++) {
            lo = fmin(lo, range[2 * m]);
            hi = fmax(hi, range[2 * m + 1]);
        }
        for (size_t m = 0; m < nmaps; m++) {
            range[2 * m] = lo;
            range[2 * m + 1] = hi;
        }
    }
    gf_montage mt = {maps, nmaps, nx, ny, cols, zoom, width, height, range};

    gridform__outfile o;
    int rc = gridform__outfile_open(&o, path, __func__);
    if (rc == GRIDFORM_OK) {
        if (format == GF_FMT_PPM)
            rc = gf_write_ppm(&mt, &o, row);
#ifdef HAVE_PNG
        else {
            gf_png_ctx ctx;
            ctx.o = &o;
            ctx.errnum = 0;
            ctx.msg[0] = '\0';
            rc = gf_write_png(&mt, &ctx, row);
            if (rc == GRIDFORM_ENOMEM)
                rc = GF_FAIL(eb, GRIDFORM_ENOMEM, "libpng could not allocate its state");
            else if (rc != GRIDFORM_OK && ctx.errnum != 0)
                rc = gridform__outfile_fail_errno(&o, ctx.errnum, "cannot write");
            else if (rc != GRIDFORM_OK)
                rc = GF_FAIL(eb, GRIDFORM_EIO, "'%s': libpng: %s", path, ctx.msg);
        }
#endif
        if (rc == GRIDFORM_OK)
            rc = gridform__outfile_commit(&o);
        else
            gridform__outfile_abort(&o);
    }
    gridform__free(range);
    gridform__free(row);
    return rc;
}
