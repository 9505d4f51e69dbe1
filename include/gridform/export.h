/* libgridform: symbol export control. */
#ifndef GRIDFORM_EXPORT_H
#define GRIDFORM_EXPORT_H

/* The shared library is built with -fvisibility=hidden; only declarations
 * marked GRIDFORM_API are exported, so internal helpers never become ABI. */
#if defined(_WIN32) || defined(__CYGWIN__)
#  if defined(GRIDFORM_BUILDING)
#    define GRIDFORM_API __declspec(dllexport)
#  else
#    define GRIDFORM_API
#  endif
#elif defined(__GNUC__) && __GNUC__ >= 4
#  define GRIDFORM_API __attribute__((visibility("default")))
#else
#  define GRIDFORM_API
#endif

#ifdef __cplusplus
#  define GRIDFORM_BEGIN_DECLS extern "C" {
#  define GRIDFORM_END_DECLS }
#else
#  define GRIDFORM_BEGIN_DECLS
#  define GRIDFORM_END_DECLS
#endif

#endif
