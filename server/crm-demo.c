/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "crm-demo"

#include "config.h"

#include "crm-db.h"
#include "crm-demo.h"
#include "crm-password.h"

/*
 * Demo data for `scripts/demo`: sales teams and their staff, and Chinese companies (plus
 * a few private customers) across ten cities, each with contacts whose mobile numbers,
 * landlines and addresses look like the real thing. Deterministic (fixed seed), inserted
 * in one transaction, and only into a database without customers.
 */

typedef struct
{
  const char *username;
  const char *display_name;
  const char *mobile;
  int         team;
  const char *role;
} DemoUser;

typedef struct
{
  const char *province;
  const char *city;
  const char *short_name;
  const char *area_code;
  const char *districts[3];
} DemoCity;

typedef struct
{
  const char *name;
  const char *pinyin;
} DemoBrand;

typedef struct
{
  const char *industry;
  const char *words[3];
} DemoIndustry;

static const char *const teams[] = { "华东大区销售部", "华南大区销售部", "华北大区销售部" };

static const DemoUser users[] = {
  { "zhangwei", "张伟", "13816620451", 0, "sales_manager" },
  { "wangfang", "王芳", "13917735208", 0, "sales_rep" },
  { "lina", "李娜", "13652281947", 1, "sales_manager" },
  { "liuyang", "刘洋", "18620496613", 1, "sales_rep" },
  { "chenjing", "陈静", "13501187362", 2, "sales_manager" },
  { "yangfan", "杨帆", "18911520874", 2, "sales_rep" },
};

static const DemoCity cities[] = {
  { "北京市", "北京市", "北京", "010", { "海淀区", "朝阳区", "西城区" } },
  { "上海市", "上海市", "上海", "021", { "浦东新区", "徐汇区", "闵行区" } },
  { "广东省", "深圳市", "深圳", "0755", { "南山区", "福田区", "宝安区" } },
  { "广东省", "广州市", "广州", "020", { "天河区", "越秀区", "番禺区" } },
  { "浙江省", "杭州市", "杭州", "0571", { "西湖区", "滨江区", "余杭区" } },
  { "江苏省", "南京市", "南京", "025", { "鼓楼区", "建邺区", "江宁区" } },
  { "江苏省", "苏州市", "苏州", "0512", { "工业园区", "姑苏区", "吴中区" } },
  { "四川省", "成都市", "成都", "028", { "武侯区", "锦江区", "高新区" } },
  { "湖北省", "武汉市", "武汉", "027", { "洪山区", "江汉区", "武昌区" } },
  { "山东省", "青岛市", "青岛", "0532", { "市南区", "崂山区", "黄岛区" } },
};

static const DemoBrand brands[] = {
  { "华信", "huaxin" }, { "瑞丰", "ruifeng" }, { "金鼎", "jinding" }, { "恒远", "hengyuan" },
  { "鼎盛", "dingsheng" }, { "天元", "tianyuan" }, { "新锐", "xinrui" }, { "博雅", "boya" },
  { "宏达", "hongda" }, { "嘉禾", "jiahe" }, { "中泰", "zhongtai" }, { "明辉", "minghui" },
  { "远航", "yuanhang" }, { "安泰", "antai" }, { "润泽", "runze" }, { "和信", "hexin" },
  { "正通", "zhengtong" }, { "永安", "yongan" }, { "锦程", "jincheng" }, { "海纳", "haina" },
};

static const DemoIndustry industries[] = {
  { "信息技术", { "软件", "网络科技", "信息技术" } },
  { "制造业", { "精密机械", "电子", "新材料" } },
  { "批发零售", { "商贸", "贸易", "百货" } },
  { "医疗健康", { "医疗器械", "生物科技", "医药" } },
  { "教育培训", { "教育科技", "培训", "文化传播" } },
  { "物流运输", { "物流", "供应链管理", "货运代理" } },
  { "建筑工程", { "建设工程", "装饰工程", "建材" } },
  { "农业食品", { "食品", "茶业", "农业科技" } },
};

static const char *const surnames[] = {
  "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡",
  "郭", "何", "高", "林", "罗", "欧阳", "司马",
};

static const char *const given_names[] = {
  "伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛",
  "明", "超", "秀英", "霞", "平", "刚", "桂英", "建华", "志强", "海燕", "子涵", "雨桐",
};

static const char *const titles[] = {
  "总经理", "采购经理", "财务总监", "技术总监", "行政主管", "销售总监", "董事长助理", "项目经理",
};

static const char *const streets[] = {
  "科技园路", "中山路", "人民路", "建设大道", "解放路", "创业大道", "长江路", "文化路",
};

static const char *const sources[] = { "展会", "官网", "客户推荐", "电话营销", "线上广告" };
static const char *const mobile_prefixes[] = {
  "138", "139", "135", "136", "137", "150", "151", "158", "159", "186", "187", "188", "177",
  "199", "133", "189",
};
static const char *const sizes[] = { "large", "medium_small", "medium_small" };
static const char *const potentials[] = { "high", "medium", "medium", "low" };

static const char insert_team_sql[] =
  "INSERT INTO teams (name) VALUES ($1)\n"
  "ON CONFLICT (name) DO UPDATE SET name = excluded.name\n"
  "RETURNING id";

static const char insert_user_sql[] =
  "INSERT INTO users (username, display_name, mobile, email, team_id, role_id, password_hash,\n"
  "                   password_changed_at)\n"
  "VALUES ($1, $2, $3, $4, $5::bigint, (SELECT id FROM roles WHERE builtin = $6), $7, now ())\n"
  "ON CONFLICT (username) DO UPDATE SET display_name = excluded.display_name\n"
  "RETURNING id";

static const char insert_customer_sql[] =
  "INSERT INTO customers (kind, name, industry, size, potential, source, province, city,\n"
  "                       district, address, phone, email, website, owner_id)\n"
  "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14::bigint)\n"
  "RETURNING id";

static const char insert_contact_sql[] =
  "INSERT INTO contacts (customer_id, full_name, title, mobile, email, is_primary)\n"
  "VALUES ($1::bigint, $2, $3, $4, $5, $6::boolean)\n"
  "RETURNING id";

/* Tags on some customers, two level rules, and orders that give some of them a level. */
static const char * const demo_extras_sql[] = {
  "INSERT INTO tags (name, color) VALUES ('重点客户', '#e01b24'), ('老客户', '#3584e4'),\n"
  "  ('待跟进', '#e5a50a'), ('展会线索', '#2ec27e')\n"
  "ON CONFLICT (name) DO NOTHING",
  "UPDATE customers c SET tags = ARRAY (\n"
  "  SELECT t.id FROM tags t\n"
  "  WHERE (t.name = '重点客户' AND c.id % 7 = 0) OR (t.name = '老客户' AND c.id % 5 = 0)\n"
  "     OR (t.name = '待跟进' AND c.id % 11 = 3) OR (t.name = '展会线索' AND c.source = 'exhibition'\n"
  "                                               AND c.id % 3 = 0)\n"
  "  ORDER BY t.id)",
  "INSERT INTO level_rules (level, min_amount, months, position)\n"
  "VALUES ('VIP', 10000000, 12, 0), ('金牌', 3000000, 12, 1)",
  "INSERT INTO orders (customer_id, owner_id, number, status, amount, ordered_at)\n"
  "SELECT c.id, c.owner_id, 'SO-' || to_char (now (), 'YYYY') || '-' || lpad (c.id::text, 5, '0')\n"
  "         || '-' || n, CASE WHEN n = 3 THEN 'cancelled' ELSE 'completed' END,\n"
  "       (500000 + (c.id * 7919 + n * 104729) % 6000000)::bigint,\n"
  "       now () - make_interval (days => ((c.id * 31 + n * 97) % 540)::integer)\n"
  "FROM customers c, generate_series (1, 3) AS n\n"
  "WHERE c.id % 3 = 0",
};

#define PICK(rand, array) ((array)[g_rand_int_range ((rand), 0, G_N_ELEMENTS (array))])

static char *
insert_returning_id (PGconn              *conn,
                     const char          *sql,
                     int                  n_params,
                     const char * const  *values,
                     GError             **error)
{
  g_autoptr(PGresult) result = crm_db_exec (conn, sql, n_params, values, error);

  return result != NULL ? g_strdup (PQgetvalue (result, 0, 0)) : NULL;
}

static char *
make_mobile (GRand *rand)
{
  return g_strdup_printf ("%s%08d", PICK (rand, mobile_prefixes), g_rand_int_range (rand, 0, 100000000));
}

static char *
make_person_name (GRand *rand)
{
  return g_strconcat (PICK (rand, surnames), PICK (rand, given_names), NULL);
}

static gboolean
insert_contacts (PGconn      *conn,
                 GRand       *rand,
                 const char  *customer_id,
                 const char  *domain,
                 guint        n_contacts,
                 GError     **error)
{
  for (guint c = 0; c < n_contacts; c++)
    {
      g_autofree char *name = make_person_name (rand);
      g_autofree char *mobile = make_mobile (rand);
      g_autofree char *email = domain ? g_strdup_printf ("contact%u@%s", c + 1, domain) : NULL;
      g_autofree char *id = NULL;
      const char *values[] = {
        customer_id, name, PICK (rand, titles), mobile, email, c == 0 ? "true" : "false",
      };

      id = insert_returning_id (conn, insert_contact_sql, G_N_ELEMENTS (values), values, error);
      if (id == NULL)
        return FALSE;
    }
  return TRUE;
}

static gboolean
seed (PGconn  *conn,
      guint   *n_customers,
      GError **error)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (20261123);
  g_autoptr(GPtrArray) team_ids = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) owner_ids = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GHashTable) used_names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autofree char *password_hash = NULL;
  guint added = 0;

  for (guint i = 0; i < G_N_ELEMENTS (teams); i++)
    {
      const char *values[] = { teams[i] };
      char *id = insert_returning_id (conn, insert_team_sql, 1, values, error);

      if (id == NULL)
        return FALSE;
      g_ptr_array_add (team_ids, id);
    }
  password_hash = crm_password_hash (CRM_DEMO_PASSWORD, error);
  if (password_hash == NULL)
    return FALSE;
  {
    const char *values[] = { "admin", "系统管理员", NULL, "admin@rapport-demo.cn", NULL, "admin",
                             password_hash };
    g_autofree char *id = insert_returning_id (conn, insert_user_sql, G_N_ELEMENTS (values),
                                               values, error);

    if (id == NULL)
      return FALSE;
  }
  for (guint i = 0; i < G_N_ELEMENTS (users); i++)
    {
      g_autofree char *email = g_strdup_printf ("%s@rapport-demo.cn", users[i].username);
      const char *values[] = {
        users[i].username, users[i].display_name, users[i].mobile, email,
        g_ptr_array_index (team_ids, users[i].team), users[i].role, password_hash,
      };
      char *id = insert_returning_id (conn, insert_user_sql, G_N_ELEMENTS (values), values, error);

      if (id == NULL)
        return FALSE;
      g_ptr_array_add (owner_ids, id);
    }

  while (added < CRM_DEMO_N_CUSTOMERS)
    {
      const DemoCity *city = &PICK (rand, cities);
      const char *district = PICK (rand, city->districts);
      const char *owner = g_ptr_array_index (owner_ids, added % owner_ids->len);
      g_autofree char *address = g_strdup_printf ("%s%s%d号", district, PICK (rand, streets),
                                                  g_rand_int_range (rand, 1, 999));
      g_autofree char *phone = g_strdup_printf ("%s-%08d", city->area_code,
                                                g_rand_int_range (rand, 20000000, 89999999));
      g_autofree char *customer_id = NULL;
      gboolean individual = added % 10 == 9;

      if (individual)
        {
          g_autofree char *name = make_person_name (rand);
          g_autofree char *mobile = make_mobile (rand);
          const char *values[] = {
            "individual", name, NULL, "individual", PICK (rand, potentials), PICK (rand, sources),
            city->province, city->city, district, address, mobile, NULL, NULL, owner,
          };

          customer_id = insert_returning_id (conn, insert_customer_sql, G_N_ELEMENTS (values),
                                             values, error);
          if (customer_id == NULL || !insert_contacts (conn, rand, customer_id, NULL, 1, error))
            return FALSE;
        }
      else
        {
          const DemoBrand *brand = &PICK (rand, brands);
          const DemoIndustry *industry = &PICK (rand, industries);
          const char *word = PICK (rand, industry->words);
          const char *size = PICK (rand, sizes);
          g_autofree char *name = g_strdup_printf ("%s%s%s%s", city->short_name, brand->name, word,
                                                   g_str_equal (size, "large") ? "股份有限公司"
                                                                               : "有限公司");
          g_autofree char *domain = g_strdup_printf ("%s%u.com.cn", brand->pinyin,
                                                     g_str_hash (name) % 100);
          g_autofree char *email = g_strdup_printf ("info@%s", domain);
          g_autofree char *website = g_strdup_printf ("https://www.%s", domain);
          const char *values[] = {
            "company", name, industry->industry, size, PICK (rand, potentials),
            PICK (rand, sources), city->province, city->city, district, address, phone, email,
            website, owner,
          };

          if (g_hash_table_contains (used_names, name))
            continue;
          customer_id = insert_returning_id (conn, insert_customer_sql, G_N_ELEMENTS (values),
                                             values, error);
          if (customer_id == NULL
              || !insert_contacts (conn, rand, customer_id, domain,
                                   (guint) g_rand_int_range (rand, 1, 4), error))
            return FALSE;
          g_hash_table_add (used_names, g_steal_pointer (&name));
        }
      added++;
    }
  for (guint i = 0; i < G_N_ELEMENTS (demo_extras_sql); i++)
    {
      g_autoptr(PGresult) result = crm_db_exec (conn, demo_extras_sql[i], 0, NULL, error);

      if (result == NULL)
        return FALSE;
    }
  *n_customers = added;
  return TRUE;
}

/**
 * crm_demo_seed:
 * @n_customers: (out): how many customers were added (0 when the database had some)
 *
 * Adds the demo data in one transaction, unless there are customers already.
 */
gboolean
crm_demo_seed (PGconn  *conn,
               guint   *n_customers,
               GError **error)
{
  g_autoptr(PGresult) count = NULL;

  *n_customers = 0;
  if (!crm_db_exec_command (conn, "BEGIN", error))
    return FALSE;
  /* Two seeders at once must not both see an empty table. */
  if (!crm_db_exec_command (conn, "LOCK TABLE customers IN SHARE ROW EXCLUSIVE MODE", error))
    goto fail;
  count = crm_db_exec (conn, "SELECT count(*) FROM customers", 0, NULL, error);
  if (count == NULL)
    goto fail;
  if (!g_str_equal (PQgetvalue (count, 0, 0), "0"))
    return crm_db_exec_command (conn, "COMMIT", error);
  if (!seed (conn, n_customers, error) || !crm_db_exec_command (conn, "COMMIT", error))
    goto fail;
  return TRUE;

fail:
  {
    g_autoptr(PGresult) rollback = PQexec (conn, "ROLLBACK");
  }
  *n_customers = 0;
  return FALSE;
}
