/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "crm-customer-fields"

#include "config.h"

#include <glib/gi18n.h>

#include "crm-customer-fields.h"

/* The closed sets of values of a customer's fields, and how they read. No
 * display: shared by the list, its filters, batch edit and the customer page. */

const CrmChoice crm_customer_kinds[] = {
  { "company", N_("Company") },
  { "individual", N_("Individual") },
  { NULL, NULL },
};

const CrmChoice crm_customer_sizes[] = {
  { "large", N_("Large") },
  { "medium_small", N_("Medium or small") },
  { "individual", N_("Individual") },
  { NULL, NULL },
};

const CrmChoice crm_customer_potentials[] = {
  { "high", N_("High") },
  { "medium", N_("Medium") },
  { "low", N_("Low") },
  { NULL, NULL },
};

guint
crm_choices_count (const CrmChoice *choices)
{
  guint n = 0;

  while (choices[n].value != NULL)
    n++;
  return n;
}

/* The index of @value in @choices, or -1. */
int
crm_choices_find (const CrmChoice *choices,
                  const char      *value)
{
  for (int i = 0; value != NULL && choices[i].value != NULL; i++)
    if (g_str_equal (choices[i].value, value))
      return i;
  return -1;
}

/**
 * crm_choices_get_label:
 *
 * Returns: (transfer none): the translated label of @value, @value itself when
 *   it is not one of @choices, or "" for %NULL
 */
const char *
crm_choices_get_label (const CrmChoice *choices,
                       const char      *value)
{
  int i = crm_choices_find (choices, value);

  if (i >= 0)
    return _(choices[i].label);
  return value != NULL ? value : "";
}
