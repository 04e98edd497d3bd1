-- SPDX-License-Identifier: GPL-3.0-or-later
-- bench/run --scenario customers: one or two contacts (1.5 on average) for the customers
-- with id % :parts = :part, the first one primary. As seed-customers.sql: the superuser,
-- production triggers (contacts_primary, contacts_touch) and constraints, no audit rows.
SET synchronous_commit = off;
SELECT setseed (:seed);

WITH a AS (
  SELECT
    '{王,李,张,刘,陈,杨,黄,赵,吴,周,徐,孙,马,朱,胡,郭,何,高,林,罗,郑,梁,谢,宋,唐,许,韩,冯,邓,曹,彭,曾,肖,田,董,袁,潘,于,蒋,蔡,余,杜,叶,程,苏,魏,吕,丁,任,沈,姚,卢,姜,崔,钟,谭,陆,汪,范,金}'::text[] AS surname,
    '{伟,芳,娜,敏,静,丽,强,磊,军,洋,勇,艳,杰,娟,涛,明,超,霞,平,刚,桂,英,华,玉,萍,红,鹏,辉,建,文,斌,宇,浩,凯,健,俊,帆,帅,旭,宁,龙,林,欣,佳,怡,晨,雪,琳,婷,倩,颖,博,鑫,晶,慧,思,雨,萌,志,国}'::text[] AS given,
    '{总经理,采购经理,财务总监,销售总监,行政主管,技术总监,董事长,采购专员}'::text[] AS title
)
INSERT INTO contacts (customer_id, full_name, title, mobile, phone, email, is_primary,
                      created_at, updated_at)
SELECT c.id,
       a.surname[1 + floor(random() * 60)::int] || a.given[1 + floor(random() * 60)::int]
         || CASE WHEN random() < 0.6 THEN a.given[1 + floor(random() * 60)::int] ELSE '' END,
       a.title[1 + floor(random() * 8)::int],
       '1' || (ARRAY['3', '5', '7', '8', '9'])[1 + floor(random() * 5)::int]
         || lpad((floor(random() * 1e9))::bigint::text, 9, '0'),
       CASE WHEN random() < 0.3 THEN c.phone END,
       CASE WHEN random() < 0.6 THEN 'p' || c.id || '.' || k.k || substr(c.email, strpos(c.email, '@')) END,
       k.k = 1,
       c.created_at, c.updated_at
FROM a, customers c,
     LATERAL generate_series (1, CASE WHEN (c.id * 7919) % 2 = 0 THEN 2 ELSE 1 END) AS k (k)
WHERE c.id % :parts = :part AND c.id >= :min_id;
