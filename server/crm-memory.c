/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "crm-memory"

#include "config.h"

#include <stdlib.h>   /* defines __GLIBC__ */
#include <string.h>
#include <unistd.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif

#include "crm-memory.h"

/*
 * How the server keeps its resident memory near what it uses (issue 6). A profile of the
 * bench (massif, and malloc_trim () called from a debugger) showed the server's live heap
 * small between bursts, while its RSS climbed from 14 MB to over 100 MB: freed memory
 * that GLib and glibc kept. Four causes, each handled here:
 *
 * - GLib 2.74's slice allocator, which json-glib takes every JSON node from, keeps freed
 *   slices in per-thread magazines and returns them only while busy, so the slabs of a
 *   burst of list pages stayed. GLib 2.76 and later allocate slices with malloc ();
 *   G_SLICE=always-malloc does the same on 2.74, but GLib reads it in a constructor,
 *   before main () runs: the server starts itself again with it set.
 * - glibc gives every thread that allocates its own arena (up to eight per core): the
 *   eight database workers and the main thread each kept the high-water mark of their own
 *   bursts. There are no more arenas than cores now: threads beyond them cannot allocate
 *   at the same moment anyway.
 * - glibc raises its mmap threshold (and with it the trim threshold) each time a large
 *   block is freed, up to 32 MB: after one big list reply, every later large JSON string
 *   or PGresult came from the arenas and stayed there. The thresholds are fixed now, at
 *   glibc's own initial 128 KiB, so large blocks go back to the system when freed.
 * - Free memory in the middle of an arena is never returned by free (): once the server
 *   has been idle for a moment after a burst, malloc_trim () hands it back.
 */

#define FIXED_THRESHOLD (128 * 1024)

static guint n_trims;

/**
 * crm_memory_tune:
 * @argv: main ()'s, to start the server again with G_SLICE set
 *
 * Sets the allocators' limits; call it first thing in main (), before any thread starts.
 * It may replace the process with the same program (same pid, same arguments).
 */
void
crm_memory_tune (char **argv)
{
  const char *preload = g_getenv ("LD_PRELOAD");

  /* Not under valgrind, where GLib turns the slice allocator off itself and
   * /proc/self/exe names valgrind's tool: valgrind preloads its vgpreload_ libraries. */
  if (glib_check_version (2, 76, 0) != NULL && g_getenv ("G_SLICE") == NULL
      && (preload == NULL || strstr (preload, "vgpreload_") == NULL))
    {
      g_setenv ("G_SLICE", "always-malloc", TRUE);
      execv ("/proc/self/exe", argv);
      /* No /proc: carry on with the slice allocator. */
    }
#ifdef __GLIBC__
  int arenas = (int) CLAMP (g_get_num_processors (), 2, 8);

  if (mallopt (M_ARENA_MAX, arenas) != 1 || mallopt (M_MMAP_THRESHOLD, FIXED_THRESHOLD) != 1
      || mallopt (M_TRIM_THRESHOLD, FIXED_THRESHOLD) != 1)
    g_warning ("Cannot tune the memory allocator");
#endif
}

/**
 * crm_memory_trim:
 *
 * Returns the free memory of every arena to the system. It takes every arena's lock for
 * a moment: call it when the server is idle (crm-server.c: a second without requests).
 */
void
crm_memory_trim (void)
{
#ifdef __GLIBC__
  malloc_trim (0);
#endif
  g_atomic_int_inc (&n_trims);
}

/** crm_memory_get_n_trims: how many times crm_memory_trim () ran (for tests). */
guint
crm_memory_get_n_trims (void)
{
  return (guint) g_atomic_int_get (&n_trims);
}
