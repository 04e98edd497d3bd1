/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define CRM_TYPE_CUSTOMER (crm_customer_get_type ())

G_DECLARE_FINAL_TYPE (CrmCustomer, crm_customer, CRM, CUSTOMER, GObject)

CrmCustomer *crm_customer_new        (JsonObject  *object);
CrmCustomer *crm_customer_new_placeholder (void);
gboolean     crm_customer_is_placeholder (CrmCustomer *self);
JsonObject  *crm_customer_get_object (CrmCustomer *self);
gint64       crm_customer_get_id     (CrmCustomer *self);
gint64       crm_customer_get_version (CrmCustomer *self);
const char  *crm_customer_get_string (CrmCustomer *self,
                                      const char  *member);
gint64       crm_customer_get_int    (CrmCustomer *self,
                                      const char  *member);

G_END_DECLS
