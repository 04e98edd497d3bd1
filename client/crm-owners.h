/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "crm-account.h"
#include "crm-permission.h"

G_BEGIN_DECLS

gboolean crm_owners_can_assign (const CrmAccount     *account);
gboolean crm_owners_may_assign_to (const CrmAccount *account,
                                   gint64            user_id,
                                   gint64            team_id);
void     crm_owners_fill       (GtkStringList        *names,
                                guint                 n_fixed,
                                GArray               *ids,
                                GHashTable           *users,
                                gint64                me);
gint64   crm_owners_get_id     (GArray               *ids,
                                guint                 n_fixed,
                                guint                 position);
guint    crm_owners_find       (GArray               *ids,
                                guint                 n_fixed,
                                gint64                id);

G_END_DECLS
