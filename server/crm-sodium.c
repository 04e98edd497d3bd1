/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "crm-sodium"

#include "config.h"

#include <sodium.h>

#include "crm-sodium.h"

/**
 * crm_sodium_init:
 *
 * Initialises libsodium once, from any thread; every user of libsodium calls it first.
 */
void
crm_sodium_init (void)
{
  static gsize initialised = 0;

  if (g_once_init_enter (&initialised))
    {
      if (sodium_init () < 0)
        g_error ("libsodium cannot be initialised");
      g_once_init_leave (&initialised, 1);
    }
}
