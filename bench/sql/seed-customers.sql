-- SPDX-License-Identifier: GPL-3.0-or-later
-- bench/run --scenario customers: customers :lo … :hi, straight into the table as the
-- cluster superuser (the API would take hours for 1,000,000). Triggers, checks, foreign
-- keys and generated columns run as in production; row-level security does not apply to
-- the superuser; no audit rows are written for these inserts.
-- psql variables: lo, hi (generate_series bounds), seed (0…1), reps (text '{id,…}'),
-- min_id (the first id). Row g gets the id min_id - 1 + g and the owner reps[1 + g % n]
-- (n reps), so the pgbench scripts (bench/pgbench/) know which customers a rep owns;
-- customers.sh moves the identity sequence past them afterwards.
-- tags (text '{id,…}'): the 12 tags customers.sh made, the most used first. Row g's tags
-- come from a hash of g, not random (): the other columns draw the same random numbers
-- as before the tags were seeded, so they hold the same values. 40% of the customers have
-- none, 25% one, 17% two, 10% three, 5% four, 1% five and 2% six to eight (the list's
-- "+N"): t.n of them, from t.s (skewed to the first tags) on in steps of t.d, which has no
-- factor in common with 12, so that the eight steps land on eight different tags.
SET synchronous_commit = off;
SELECT setseed (:seed);

WITH a AS (
  SELECT
    '{上海,北京,深圳,广州,杭州,南京,苏州,成都,武汉,天津,重庆,西安,厦门,青岛,宁波,东莞,佛山,长沙,郑州,济南,合肥,无锡,沈阳,大连,昆明,福州}'::text[] AS city,
    '{上海市,北京市,广东省,广东省,浙江省,江苏省,江苏省,四川省,湖北省,天津市,重庆市,陕西省,福建省,山东省,浙江省,广东省,广东省,湖南省,河南省,山东省,安徽省,江苏省,辽宁省,辽宁省,云南省,福建省}'::text[] AS province,
    '{021,010,0755,020,0571,025,0512,028,027,022,023,029,0592,0532,0574,0769,0757,0731,0371,0531,0551,0510,024,0411,0871,0591}'::text[] AS area,
    '{浦东新区,徐汇区,静安区,闵行区,朝阳区,海淀区,东城区,丰台区,南山区,福田区,宝安区,龙岗区,天河区,越秀区,海珠区,番禺区,西湖区,滨江区,余杭区,拱墅区,鼓楼区,玄武区,江宁区,建邺区,姑苏区,吴中区,工业园区,相城区,武侯区,锦江区,高新区,青羊区,江汉区,武昌区,洪山区,汉阳区,和平区,河西区,南开区,滨海新区,渝中区,江北区,南岸区,沙坪坝区,雁塔区,碑林区,未央区,长安区,思明区,湖里区,集美区,海沧区,市南区,市北区,黄岛区,崂山区,海曙区,鄞州区,江北区,北仑区,南城街道,东城街道,长安镇,虎门镇,禅城区,南海区,顺德区,三水区,岳麓区,芙蓉区,天心区,开福区,金水区,中原区,二七区,管城区,历下区,市中区,槐荫区,天桥区,蜀山区,包河区,庐阳区,瑶海区,梁溪区,滨湖区,新吴区,锡山区,和平区,沈河区,皇姑区,铁西区,中山区,西岗区,沙河口区,甘井子区,五华区,盘龙区,官渡区,西山区,鼓楼区,台江区,仓山区,晋安区}'::text[] AS district,
    '{明远,华信,瑞丰,恒通,鼎盛,金源,永泰,宏达,天成,嘉禾,同创,汇通,盛世,博远,中科,新锐,东方,国泰,长城,四海,万达,德信,创新,龙腾,凯旋,星辰,海纳,锦程,卓越,九洲,正泰,信达,广源,和顺,鑫泰,安达,荣昌,伟业,兴隆,腾飞,泰和,金鹏,晨光,联创,智达,启明,远航,宇通,新元,富康,美达,华天,中恒,汇金,万通,环宇,百川,立德,聚贤,青松}'::text[] AS word,
    '{mingyuan,huaxin,ruifeng,hengtong,dingsheng,jinyuan,yongtai,hongda,tiancheng,jiahe,tongchuang,huitong,shengshi,boyuan,zhongke,xinrui,dongfang,guotai,changcheng,sihai,wanda,dexin,chuangxin,longteng,kaixuan,xingchen,haina,jincheng,zhuoyue,jiuzhou,zhengtai,xinda,guangyuan,heshun,xintai,anda,rongchang,weiye,xinglong,tengfei,taihe,jinpeng,chenguang,lianchuang,zhida,qiming,yuanhang,yutong,xinyuan,fukang,meida,huatian,zhongheng,huijin,wantong,huanyu,baichuan,lide,juxian,qingsong}'::text[] AS pinyin,
    '{贸易,电子,科技,机械,化工,纺织,食品,物流,建材,医药,服装,家具,汽车配件,环保,信息技术,建筑工程,包装,能源,文化传媒,农业}'::text[] AS trade,
    '{trade,electronics,technology,machinery,chemicals,textiles,food,logistics,building_materials,pharmaceuticals,apparel,furniture,auto_parts,environmental,it_services,construction,packaging,energy,media,agriculture}'::text[] AS industry,
    '{中山路,人民路,解放路,建设路,和平路,长江路,科技路,创业路,世纪大道,新华路,滨江大道,工业大道}'::text[] AS road,
    '{sales,info,service,contact,market,office}'::text[] AS mailbox,
    '{exhibition,referral,website,cold_call,advertising}'::text[] AS source,
    :'reps'::bigint[] AS reps,
    :'tags'::bigint[] AS tags
)
INSERT INTO customers (id, kind, name, registration_no, industry, size, potential, source,
                       province, city, district, address, mobile, phone, email, website,
                       owner_id, tags, marketing_consent, created_at, updated_at)
OVERRIDING SYSTEM VALUE
SELECT :min_id - 1 + r.g, 'company',
       a.city[r.ci] || a.word[r.w1] || coalesce(a.word[r.w2], '') || a.trade[r.ti]
         || CASE WHEN r.listed THEN '股份有限公司' ELSE '有限公司' END,
       '91' || lpad((floor(random() * 1e6))::bigint::text, 6, '0')
         || lpad((floor(random() * 1e10))::bigint::text, 10, '0'),
       a.industry[r.ti],
       CASE WHEN random() < 0.15 THEN 'large' ELSE 'medium_small' END,
       (ARRAY['high', 'medium', 'low'])[1 + floor(random() * 3)::int],
       a.source[1 + floor(random() * 5)::int],
       a.province[r.ci], a.city[r.ci] || '市', a.district[(r.ci - 1) * 4 + 1 + floor(random() * 4)::int],
       a.road[1 + floor(random() * 12)::int] || (1 + floor(random() * 999))::int || '号',
       CASE WHEN random() < 0.85
            THEN '1' || (ARRAY['3', '5', '7', '8', '9'])[1 + floor(random() * 5)::int]
                 || lpad((floor(random() * 1e9))::bigint::text, 9, '0') END,
       CASE WHEN random() < 0.7
            THEN a.area[r.ci] || '-' || (2 + floor(random() * 7))::int
                 || lpad((floor(random() * 1e7))::bigint::text, 7, '0') END,
       a.mailbox[1 + floor(random() * 6)::int] || '@' || a.pinyin[r.w1] || coalesce(a.pinyin[r.w2], '')
         || CASE WHEN random() < 0.5 THEN (floor(random() * 100))::int::text ELSE '' END
         || (ARRAY['.com', '.cn', '.com.cn'])[1 + floor(random() * 3)::int],
       'https://www.' || a.pinyin[r.w1] || coalesce(a.pinyin[r.w2], '') || '.com',
       a.reps[1 + (r.g % cardinality (a.reps))],
       (ARRAY[a.tags[1 + t.s], a.tags[1 + (t.s + t.d) % 12], a.tags[1 + (t.s + 2 * t.d) % 12],
              a.tags[1 + (t.s + 3 * t.d) % 12], a.tags[1 + (t.s + 4 * t.d) % 12],
              a.tags[1 + (t.s + 5 * t.d) % 12], a.tags[1 + (t.s + 6 * t.d) % 12],
              a.tags[1 + (t.s + 7 * t.d) % 12]])[1:t.n],
       random() < 0.3,
       r.created_at,
       r.created_at + random() * (now() - r.created_at)
FROM a, generate_series (:lo, :hi) AS gs (g),
     LATERAL (SELECT gs.g AS g,
                     1 + floor(random() * 26)::int AS ci,
                     1 + floor(random() * 60)::int AS w1,
                     CASE WHEN random() < 0.5 THEN 1 + floor(random() * 60)::int END AS w2,
                     1 + floor(random() * 20)::int AS ti,
                     random() < 0.2 AS listed,
                     now() - random() * interval '3 years' AS created_at) AS r,
     LATERAL (SELECT CASE WHEN h.h % 100 < 40 THEN 0 WHEN h.h % 100 < 65 THEN 1
                          WHEN h.h % 100 < 82 THEN 2 WHEN h.h % 100 < 92 THEN 3
                          WHEN h.h % 100 < 97 THEN 4 WHEN h.h % 100 < 98 THEN 5
                          ELSE 6 + (h.h >> 40) % 3 END::int AS n,
                     (ARRAY[0, 0, 0, 0, 1, 1, 1, 2, 2, 3, 3, 4, 5, 6, 7, 8, 9, 10, 11])
                       [1 + (h.h >> 16) % 19] AS s,
                     (ARRAY[1, 5, 7, 11])[1 + (h.h >> 32) % 4] AS d
              FROM (SELECT hashint4extended (gs.g, 0) & 9223372036854775807 AS h) AS h) AS t;
